"""The insights view: its cards, its charts, what a click on a bar asks for, and its part.

The cache is filled as tests/cache fills it (customers stored as a sync stores them); every
filter a bar asks for is applied back to the cache, so a bar's count and its filter's list
must agree (the inclusive ends of months and spending bins included).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QHelpEvent, QPalette
from PySide6.QtWidgets import QApplication, QMainWindow, QToolTip
from pytestqt.qtbot import QtBot

from app.api.connection import StoreConnection
from app.cache.insights import Summary
from app.cache.repository import CustomerCache, CustomerFilter
from app.domain.criteria import Criteria
from app.domain.customer import BillingAddress, Customer, Figures
from app.domain.money import MoneyFormat
from app.models.formatting import format_date
from app.services.events import CustomersChanged
from app.ui.bar_chart import LABEL_SHARE, BarChart, ChartBar, round_ticks
from app.ui.insights import Insights
from app.ui.insights_view import InsightsView, card_texts
from app.ui.session import StoreSession, open_session
from tests.support.windows import screenshot

URL = "https://insights.example.com"
TODAY = datetime.now(UTC).date()
DOLLARS = MoneyFormat.from_store("USD", "&#36;", "left", ",", ".", 2)


def month_start(day: date, back: int) -> date:
    index = day.year * 12 + day.month - 1 - back
    return date(index // 12, index % 12 + 1, 1)


def make_customer(customer_id: int, **fields: Any) -> Customer:
    """A customer with plausible values; ``fields`` replace any of them."""
    values: dict[str, Any] = {
        "email": f"user{customer_id}@example.com",
        "first_name": f"First{customer_id}",
        "last_name": "Example",
        "username": f"user{customer_id}",
        "role": "customer",
        "created_at": datetime.combine(month_start(TODAY, 2), datetime.min.time(), UTC)
        + timedelta(days=3, hours=12),
        "orders_count": 0,
        "total_spent": Decimal("0.00"),
        "billing": BillingAddress(city="Porto", country="PT"),
    }
    values.update(fields)
    return Customer(id=customer_id, **values)


def registered(back: int, day: int = 10) -> datetime:
    """A registration ``back`` months ago, on ``day`` of the month, at noon (UTC)."""
    start = month_start(TODAY, back)
    return datetime(start.year, start.month, day, 12, tzinfo=UTC)


def store_customers() -> list[Customer]:
    """Thirty customers over four months, five countries, spends and order counts.

    The last spends far more than the rest, so the spending chart's last bin is open-ended.
    """
    countries = ["PT", "PT", "PT", "DE", "DE", "FR", "", "US"]
    spends = ["0", "12.50", "49.99", "50", "99.99", "100", "180", "260", "420", "990"]
    customers = []
    for n in range(1, 31):
        spent = Decimal("5000") if n == 30 else Decimal(spends[n % len(spends)])
        orders = 0 if spent == 0 else 25 if n == 30 else 1 + n % 7
        customers.append(
            make_customer(
                n,
                created_at=registered(n % 4, day=1 + n % 28),
                orders_count=orders,
                total_spent=spent,
                billing=BillingAddress(city="Porto", country=countries[n % len(countries)]),
            )
        )
    return customers


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[CustomerCache]:
    opened = CustomerCache.open(tmp_path / "cache", URL)
    yield opened
    opened.close()


@pytest.fixture
def filled(cache: CustomerCache) -> CustomerCache:
    cache.upsert_customers(store_customers(), confirmed_at=1_700_000_000)
    cache.keep_money_format(DOLLARS)
    return cache


@pytest.fixture
def view(qtbot: QtBot) -> InsightsView:
    widget = InsightsView()
    qtbot.addWidget(widget)
    widget.resize(420, 800)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def show(view: InsightsView, cache: CustomerCache) -> None:
    """Show the whole cache's figures, and let the charts take their new sizes."""
    view.show_view(cache, CustomerFilter())
    QApplication.processEvents()


def click_bar(qtbot: QtBot, chart: BarChart, index: int) -> None:
    rect = chart.bar_rect(index)
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=rect.center())


def index_of(chart: BarChart, label: str) -> int:
    labels = [bar.label for bar in chart.bars]
    assert label in labels, f"no bar {label!r} in {labels}"
    return labels.index(label)


def count_of(cache: CustomerCache, criteria: Criteria) -> int:
    return cache.summary(CustomerFilter(criteria=criteria)).count


# -- cards -----------------------------------------------------------------------------------------


def test_the_cards_show_the_summary_the_stores_way(
    view: InsightsView, filled: CustomerCache
) -> None:
    show(view, filled)
    summary = filled.summary(CustomerFilter())
    assert summary.count == 30
    texts = {name: (card.figure.text(), card.detail.text()) for name, card in view.cards.items()}
    assert texts["customers"] == ("30", "")
    assert texts["orders"] == ("128", "4.3 per customer")
    assert texts["spent"] == (
        DOLLARS.format(summary.spent_total),
        f"{DOLLARS.format(summary.spent_average or Decimal(0))} per customer",
    )
    assert texts["spent"][0].startswith("$")
    assert texts["order_value"][0] == DOLLARS.format(summary.order_value_average or Decimal(0))
    assert texts["never_ordered"] == ("7%", "2 customers")
    assert not view.notes.isVisible()


def test_a_filtered_view_sums_only_its_customers(view: InsightsView, filled: CustomerCache) -> None:
    view.show_view(filled, CustomerFilter(criteria=Criteria(countries=("DE",))))
    assert view.cards["customers"].figure.text() == "8"
    assert [bar.label for bar in view.countries.bars] == ["Germany"]


def test_approximate_and_unknown_figures_are_marked_and_noted(
    view: InsightsView, cache: CustomerCache
) -> None:
    cache.upsert_customers(
        [
            make_customer(
                1, orders_count=2, total_spent=Decimal("30"), figures=Figures.APPROXIMATE
            ),
            make_customer(2, orders_count=1, total_spent=Decimal("10")),
            make_customer(3, figures=Figures.UNKNOWN),
        ],
        confirmed_at=1_700_000_000,
    )
    cache.set_meta({"last_full_sync": 1_700_000_000, "last_quick_sync": 1_700_090_000})
    view.show_view(cache, CustomerFilter())
    assert view.cards["customers"].figure.text() == "3"
    assert view.cards["orders"].figure.text() == "≈ 3"
    assert view.cards["orders"].detail.text() == "1.5 per customer"  # the two known only
    assert view.cards["spent"].figure.text() == "≈ 40.00"  # the store never said: plain
    notes = view.notes.text()
    assert view.notes.isVisible()
    assert "≈ The order figures of 1 customer are approximate" in notes
    assert "The store does not give the order figures of 1 customer" in notes
    synced = format_date(datetime.fromtimestamp(1_700_000_000, UTC))
    assert notes.endswith(f"Order figures as of the full sync on {synced}.")


def test_an_empty_cache_shows_zeros_dashes_and_empty_charts(
    qtbot: QtBot, view: InsightsView, cache: CustomerCache
) -> None:
    view.show_view(cache, CustomerFilter())
    texts = {name: card.figure.text() for name, card in view.cards.items()}
    assert texts == {
        "customers": "0",
        "orders": "–",
        "spent": "–",
        "order_value": "–",
        "never_ordered": "–",
    }
    for chart in view.charts:
        assert not chart.has_data
        assert chart.bar_at(chart.width() / 2, chart.height() / 2) == -1
    assert view.spent.bars == ()
    assert view.countries.bars == ()
    with qtbot.assertNotEmitted(view.filter_wanted):
        qtbot.mouseClick(view.new_per_month, Qt.MouseButton.LeftButton)
    assert not view.grab().isNull()


# -- charts and clicks ---------------------------------------------------------------------------


def test_the_charts_get_their_bars(view: InsightsView, filled: CustomerCache) -> None:
    show(view, filled)
    months = view.new_per_month.bars
    assert len(months) == 24
    assert view.new_per_month.title == "New customers, last 24 months"
    assert sum(bar.value for bar in months) == 30
    assert [bar.value for bar in months[-4:]] == [7, 8, 8, 7]  # by n % 4, this month last
    assert [(bar.label, bar.value, bar.clickable) for bar in view.countries.bars] == [
        ("Portugal", 11, True),
        ("Germany", 8, True),
        ("No country", 4, False),
        ("France", 4, True),
        ("United States (US)", 3, True),
    ]
    assert [bar.value for bar in view.spent.bars] == [14, 6, 3, 0, 3, 0, 0, 0, 0, 3, 1]
    assert view.spent.bars[-1].label == "1,000+"
    assert view.spent.title == "Customers by lifetime spend ($)"
    assert [bar.label for bar in view.orders.bars][-1] == "21+"
    assert view.orders.bars[-1].value == 1


def test_a_month_bar_asks_for_that_months_registrations(
    qtbot: QtBot, view: InsightsView, filled: CustomerCache
) -> None:
    show(view, filled)
    index = 22  # last month
    start = month_start(TODAY, 1)
    last = date(start.year, start.month, calendar.monthrange(start.year, start.month)[1])
    with qtbot.waitSignal(view.filter_wanted) as signal:
        click_bar(qtbot, view.new_per_month, index)
    criteria = signal.args[0]
    assert criteria == Criteria(registered_after=start, registered_before=last)
    assert count_of(filled, criteria) == view.new_per_month.bars[index].value == 8


def test_a_spending_bar_asks_for_its_bin_with_both_ends_included(
    qtbot: QtBot, view: InsightsView, filled: CustomerCache
) -> None:
    show(view, filled)
    bars = view.spent.bars
    second = 1
    with qtbot.waitSignal(view.filter_wanted) as signal:
        click_bar(qtbot, view.spent, second)
    criteria = signal.args[0]
    assert (criteria.min_spent, criteria.max_spent) == (Decimal(100), Decimal("199.99"))
    assert count_of(filled, criteria) == bars[second].value > 0
    with qtbot.waitSignal(view.filter_wanted) as signal:
        click_bar(qtbot, view.spent, len(bars) - 1)
    open_bin = signal.args[0]
    assert open_bin == Criteria(min_spent=Decimal(1000))
    assert count_of(filled, open_bin) == bars[-1].value > 0
    assert count_of(filled, Criteria(min_spent=Decimal(0))) == sum(bar.value for bar in bars)


def test_a_country_bar_asks_for_that_country_and_no_country_asks_nothing(
    qtbot: QtBot, view: InsightsView, filled: CustomerCache
) -> None:
    show(view, filled)
    with qtbot.waitSignal(view.filter_wanted) as signal:
        click_bar(qtbot, view.countries, index_of(view.countries, "Germany"))
    assert signal.args[0] == Criteria(countries=("DE",))
    assert count_of(filled, signal.args[0]) == 8
    with qtbot.assertNotEmitted(view.filter_wanted):
        click_bar(qtbot, view.countries, index_of(view.countries, "No country"))


def test_the_other_countries_bar_asks_nothing(
    qtbot: QtBot, view: InsightsView, cache: CustomerCache
) -> None:
    codes = ["PT", "DE", "FR", "ES", "IT", "NL", "BE", "AT", "PL", "SE", "DK", "FI", "IE"]
    cache.upsert_customers(
        [
            make_customer(n, billing=BillingAddress(country=code))
            for n, code in enumerate(codes, start=1)
        ],
        confirmed_at=1_700_000_000,
    )
    show(view, cache)
    assert view.countries.bars[-1].label == "3 other countries"
    assert not view.countries.bars[-1].clickable
    with qtbot.assertNotEmitted(view.filter_wanted):
        click_bar(qtbot, view.countries, len(view.countries.bars) - 1)


def test_an_orders_bar_asks_for_its_bucket(
    qtbot: QtBot, view: InsightsView, filled: CustomerCache
) -> None:
    show(view, filled)
    with qtbot.waitSignal(view.filter_wanted) as signal:
        click_bar(qtbot, view.orders, index_of(view.orders, "6–10"))
    assert signal.args[0] == Criteria(min_orders=6, max_orders=10)
    with qtbot.waitSignal(view.filter_wanted) as signal:
        click_bar(qtbot, view.orders, index_of(view.orders, "21+"))
    assert signal.args[0] == Criteria(min_orders=21)
    assert count_of(filled, signal.args[0]) == 1


def test_hovering_a_bar_highlights_it_and_tells_its_value(
    qtbot: QtBot, view: InsightsView, filled: CustomerCache
) -> None:
    show(view, filled)
    chart = view.countries
    index = index_of(chart, "Germany")
    centre = chart.bar_rect(index).center()
    qtbot.mouseMove(chart, centre)
    qtbot.waitUntil(lambda: chart.highlighted == index)
    event = QHelpEvent(QEvent.Type.ToolTip, centre, chart.mapToGlobal(centre))
    QApplication.sendEvent(chart, event)
    assert QToolTip.text() == "Germany: 8 customers\nClick to show them."
    spent = view.spent
    assert spent.tooltip_text(0).startswith("Spent $0.00–$")
    assert view.orders.tooltip_text(index_of(view.orders, "21+")).startswith(
        "21 orders or more: 1 customer\n"
    )


def test_the_keyboard_chooses_bars_too(
    qtbot: QtBot, view: InsightsView, filled: CustomerCache
) -> None:
    show(view, filled)
    chart = view.orders
    chart.setFocus()
    qtbot.keyClick(chart, Qt.Key.Key_Right)
    qtbot.keyClick(chart, Qt.Key.Key_Right)
    assert chart.highlighted == 1
    with qtbot.waitSignal(view.filter_wanted) as signal:
        qtbot.keyClick(chart, Qt.Key.Key_Return)
    assert signal.args[0] == Criteria(min_orders=1, max_orders=1)


def test_round_ticks() -> None:
    assert round_ticks(0) == [0, 1]
    assert round_ticks(3) == [0, 1, 2, 3]
    assert round_ticks(7) == [0, 2, 4, 6, 8]
    assert round_ticks(95) == [0, 50, 100]
    assert round_ticks(1234) == [0, 500, 1000, 1500]


def test_a_chart_paints_in_a_dark_palette(qtbot: QtBot) -> None:
    chart = BarChart("Dark")
    qtbot.addWidget(chart)
    palette = chart.palette()
    palette.setColor(QPalette.ColorRole.Window, Qt.GlobalColor.black)
    palette.setColor(QPalette.ColorRole.WindowText, Qt.GlobalColor.white)
    chart.setPalette(palette)
    chart.set_bars([ChartBar(str(n), n) for n in range(24)])
    chart.resize(400, 220)
    image = chart.grab().toImage()
    assert image.pixelColor(2, 2).lightness() < 60  # the dark window behind
    assert chart.accessibleDescription().startswith("0: 0; 1: 1; 2: 2")


def test_country_labels_are_whole_when_there_is_room(qtbot: QtBot) -> None:
    chart = BarChart("Top countries", horizontal=True)
    qtbot.addWidget(chart)
    chart.resize(340, 200)
    chart.set_bars([ChartBar("Germany (DE)", 120)])
    assert chart.label_text(0) == "Germany (DE)", "one short label beside one long bar"
    labels = ["United States (US)", "United Kingdom (GB)", "Germany (DE)"]
    chart.set_bars([ChartBar(label, 10) for label in labels])
    assert [chart.label_text(index) for index in range(3)] == labels
    long = "Saint Helena, Ascension and Tristan da Cunha (SH)"
    chart.set_bars([ChartBar(long, 3), ChartBar("France (FR)", 2)])
    elided = chart.label_text(0)
    assert elided.endswith("…"), "elided beyond its share"
    assert long.startswith(elided[:-1])
    assert chart.fontMetrics().horizontalAdvance(elided) <= 340 * LABEL_SHARE
    assert chart.label_text(1) == "France (FR)"


def test_card_texts_of_money_with_a_code_only() -> None:
    summary = Summary(2, 2, 0, 0, 3, Decimal("30.00"), 1)
    texts = card_texts(summary, MoneyFormat(code="EUR"))
    assert texts["spent"] == ("30.00 EUR", "15.00 EUR per customer")
    assert texts["never_ordered"] == ("50%", "1 customer")


def test_a_screenshot_at_the_side_panels_size(
    qtbot: QtBot, view: InsightsView, filled: CustomerCache
) -> None:
    filled.set_meta({"last_full_sync": 1_700_000_000, "last_quick_sync": 1_700_090_000})
    show(view, filled)
    assert screenshot(view, "insights_view").exists()
    content = view.content
    content.resize(content.width(), content.sizeHint().height())
    assert screenshot(content, "insights_view_full").exists()


# -- the part ------------------------------------------------------------------------------------


class ViewSource(QObject):
    """Stands in for the customer list's ``view_changed``."""

    changed = Signal(CustomerFilter)


@pytest.fixture
def session(tmp_path: Path) -> Iterator[StoreSession]:
    """A store session on a cache of its own (its worker never started: no store is asked)."""
    opened = open_session(
        StoreConnection("https://insights.invalid", "ck_x", "cs_x"), tmp_path / "cache"
    )
    opened.cache.upsert_customers(store_customers(), confirmed_at=1_700_000_000)
    yield opened
    opened.close()


def test_the_part_follows_the_session_and_catches_up_when_shown(
    qtbot: QtBot, session: StoreSession
) -> None:
    window = QMainWindow()
    qtbot.addWidget(window)
    views = ViewSource()
    wanted: list[Criteria] = []
    insights = Insights(window, views.changed, wanted.append)
    insights.view.resize(420, 800)
    figure = insights.view.cards["customers"].figure
    insights.attach(session)
    window.show()
    assert not insights.dock.isVisible()  # shown when the user asks for it
    assert figure.text() == ""  # hidden: nothing computed
    insights.toggle_action.trigger()
    qtbot.waitUntil(lambda: figure.text() == "30")

    views.changed.emit(CustomerFilter(criteria=Criteria(countries=("PT",))))
    assert figure.text() == "11"
    insights.view.filter_wanted.emit(Criteria(min_orders=2))
    assert wanted == [Criteria(min_orders=2)]

    session.cache.upsert_customers(
        [make_customer(99, billing=BillingAddress(country="PT"))], confirmed_at=1_700_000_001
    )
    session.service.happened.emit(CustomersChanged(stored=(99,), removed=()))
    session.service.happened.emit(CustomersChanged(stored=(99,), removed=()))
    assert insights.refresh_timer.isActive()
    assert figure.text() == "11"  # gathered, not at once
    qtbot.waitUntil(lambda: figure.text() == "12")

    insights.view.hide()
    session.cache.upsert_customers(
        [make_customer(100, billing=BillingAddress(country="PT"))], confirmed_at=1_700_000_002
    )
    session.service.happened.emit(CustomersChanged(stored=(100,), removed=()))
    qtbot.waitUntil(lambda: not insights.refresh_timer.isActive())
    assert figure.text() == "12"  # hidden: skipped
    insights.view.show()
    qtbot.waitUntil(lambda: figure.text() == "13")

    insights.detach()
    session.service.happened.emit(CustomersChanged(stored=(100,), removed=()))
    assert not insights.refresh_timer.isActive()
