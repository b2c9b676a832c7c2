"""InsightsView: what a list of customers adds up to, as summary cards and four charts.

Owns the cards (customers; orders, in all and per customer; lifetime spend, in all and per
customer; average order value; never ordered, as a share and a count), the notes under them
(approximate figures, unknown figures, order figures older than the last quick sync), the four
charts (new customers per month, lifetime spend, top countries, orders per customer) and what a
click on a bar asks for: the filter that bar stands for (:attr:`InsightsView.filter_wanted`).

Every figure is one SQL aggregate in the cache (:meth:`CustomerCache.summary`,
:meth:`CustomerCache.charts`); no customer is loaded. Money is written the store's way, as the
cache last heard it. When to recompute is the part's business (app/ui/insights.py).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.cache.insights import MONTHS, Bar, Charts, Summary
from app.cache.repository import Coverage, CustomerCache, CustomerFilter
from app.domain.countries import country_name
from app.domain.criteria import Criteria
from app.domain.customer import Customer
from app.domain.figures import APPROXIMATE_MARK, APPROXIMATE_WHY
from app.domain.money import MoneyFormat
from app.models.formatting import PLAIN_MONEY, format_date, format_money
from app.ui.bar_chart import BarChart, ChartBar
from app.ui.insights import DEFAULT_WIDTH, MINIMUM_WIDTH

_CENT = Decimal("0.01")
#: The cards, by name: their titles, in the order they are laid out (two to a row).
CARDS = (
    ("customers", "Customers"),
    ("orders", "Orders"),
    ("spent", "Lifetime spend"),
    ("order_value", "Average order value"),
    ("never_ordered", "Never ordered"),
)


# -- what a bar stands for ------------------------------------------------------------------------


def month_criteria(bar: Bar) -> Criteria:
    """Registered in the bar's month: its first day to its last (both ends included)."""
    assert isinstance(bar.low, date)
    assert isinstance(bar.high, date)
    return Criteria(registered_after=bar.low, registered_before=bar.high - timedelta(days=1))


def spent_criteria(bar: Bar) -> Criteria:
    """Spent within the bar's bin; the upper end is a cent below the next bin's (both included)."""
    assert isinstance(bar.low, Decimal)
    high = bar.high
    return Criteria(
        min_spent=bar.low, max_spent=high - _CENT if isinstance(high, Decimal) else None
    )


def country_criteria(bar: Bar) -> Criteria | None:
    """The bar's country; None for the other countries' bar and for customers without one."""
    if bar.other or not country_name(bar.key):
        return None
    return Criteria(countries=(bar.key,))


def orders_criteria(bar: Bar) -> Criteria:
    """Between the bucket's fewest and most orders (no most for the last bucket)."""
    assert isinstance(bar.low, int)
    return Criteria(min_orders=bar.low, max_orders=bar.high if isinstance(bar.high, int) else None)


# -- words --------------------------------------------------------------------------------------


def _count(value: int, word: str) -> str:
    return f"{value:,} {word}{'' if value == 1 else 's'}"


def card_texts(summary: Summary, money: MoneyFormat) -> dict[str, tuple[str, str]]:
    """Each card's figure and the line under it, by card name.

    Figures from orders are marked approximate when some customer's are Analytics' estimates;
    a figure nobody's known figures give is a dash.
    """
    mark = f"{APPROXIMATE_MARK} " if summary.approximate else ""
    dash = Customer.UNKNOWN_FIGURE

    def amount(value: Decimal | None) -> str:
        return mark + format_money(value, money) if value is not None else dash

    orders_average = summary.orders_average
    share = summary.never_ordered_share
    known = summary.known > 0
    return {
        "customers": (f"{summary.count:,}", ""),
        "orders": (
            mark + f"{summary.orders_total:,}" if known else dash,
            f"{orders_average:,.1f} per customer" if orders_average is not None else "",
        ),
        "spent": (
            amount(summary.spent_total) if known else dash,
            f"{amount(summary.spent_average)} per customer" if known else "",
        ),
        "order_value": (amount(summary.order_value_average), "per order"),
        "never_ordered": (
            mark + f"{share * 100:.0f}%" if share is not None else dash,
            _count(summary.never_ordered, "customer") if known else "",
        ),
    }


def figure_notes(summary: Summary, coverage: Coverage) -> list[str]:
    """What the figures' reader should know: estimates, unknowns, figures older than the list."""
    notes: list[str] = []
    if summary.approximate:
        notes.append(
            f"{APPROXIMATE_MARK} The order figures of {_count(summary.approximate, 'customer')}"
            f" are approximate: {APPROXIMATE_WHY}."
        )
    if summary.unknown:
        notes.append(
            f"The store does not give the order figures of {_count(summary.unknown, 'customer')};"
            " they are left out of the order figures and charts."
        )
    full, quick = coverage.last_full_sync, coverage.last_quick_sync
    if full is not None and quick is not None and quick > full:
        notes.append(f"Order figures as of the full sync on {format_date(full)}.")
    return notes


def currency_name(money: MoneyFormat) -> str:
    """What the spending chart's title calls the money: its symbol, else its code, else nothing."""
    return money.symbol or money.code


# -- the view -----------------------------------------------------------------------------------


class SummaryCard(QFrame):
    """One figure, with its title above and a line about it below."""

    def __init__(self, name: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{name}Card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.title = QLabel(title, self)
        self.title.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.figure = QLabel(self)
        self.figure.setObjectName(f"{name}Figure")
        font = QFont(self.figure.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.figure.setFont(font)
        self.figure.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail = QLabel(self)
        self.detail.setObjectName(f"{name}Detail")
        self.detail.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(2)
        for label in (self.title, self.figure, self.detail):
            layout.addWidget(label)

    def show_figure(self, figure: str, detail: str) -> None:
        """Write the figure and the line under it (an empty line keeps its room)."""
        self.figure.setText(figure)
        self.detail.setText(detail)
        self.setAccessibleName(f"{self.title.text()}: {figure}")
        self.setAccessibleDescription(detail)


class InsightsView(QWidget):
    """The summary cards and the four charts of a customer list (see the module docstring).

    Signals:
        filter_wanted(Criteria): a bar was clicked; the filter it stands for, alone.
    """

    filter_wanted = Signal(Criteria)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("insightsView")
        self._charts = Charts((), (), (), ())
        content = QWidget()
        content.setObjectName("insightsContent")
        cards = QGridLayout()
        cards.setSpacing(6)
        self.cards: dict[str, SummaryCard] = {}
        for position, (name, title) in enumerate(CARDS):
            card = SummaryCard(name, title, content)
            self.cards[name] = card
            cards.addWidget(card, position // 2, position % 2)
        self.notes = QLabel(content)
        self.notes.setObjectName("insightsNotes")
        self.notes.setWordWrap(True)
        self.notes.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        # The period in the title: customers who registered earlier are not in the chart.
        self.new_per_month = BarChart(f"New customers, last {MONTHS} months", parent=content)
        self.new_per_month.setObjectName("newPerMonthChart")
        self.new_per_month.set_empty_text(f"No customer registered in the last {MONTHS} months.")
        self.spent = BarChart("Customers by lifetime spend", parent=content)
        self.spent.setObjectName("spentChart")
        self.countries = BarChart("Top countries", horizontal=True, parent=content)
        self.countries.setObjectName("countriesChart")
        self.orders = BarChart("Orders per customer", parent=content)
        self.orders.setObjectName("ordersChart")
        self.new_per_month.bar_clicked.connect(self._on_month_clicked)
        self.spent.bar_clicked.connect(self._on_spent_clicked)
        self.countries.bar_clicked.connect(self._on_country_clicked)
        self.orders.bar_clicked.connect(self._on_orders_clicked)

        column = QVBoxLayout(content)
        column.setContentsMargins(8, 8, 8, 8)
        column.setSpacing(8)
        column.addLayout(cards)
        column.addWidget(self.notes)
        for chart in (self.new_per_month, self.spent, self.countries, self.orders):
            column.addWidget(chart)
        column.addStretch(1)
        self.content = content
        scroll = QScrollArea(self)
        scroll.setObjectName("insightsScroll")
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """:data:`DEFAULT_WIDTH` wide, whatever the content: the charts take the width given."""
        return QSize(DEFAULT_WIDTH, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        """No narrower than :data:`MINIMUM_WIDTH` (the content scrolls up and down instead)."""
        return QSize(MINIMUM_WIDTH, super().minimumSizeHint().height())

    @property
    def charts(self) -> tuple[BarChart, BarChart, BarChart, BarChart]:
        """The four charts: new customers per month, spend, countries, orders."""
        return self.new_per_month, self.spent, self.countries, self.orders

    def show_view(self, cache: CustomerCache, view: CustomerFilter) -> None:
        """Recompute the figures and charts of ``view``'s customers from ``cache`` and show them."""
        money = cache.money_format() or PLAIN_MONEY
        summary, self._charts = cache.insights(view)
        for name, (figure, detail) in card_texts(summary, money).items():
            self.cards[name].show_figure(figure, detail)
        notes = figure_notes(summary, cache.coverage())
        self.notes.setText("\n".join(notes))
        self.notes.setVisible(bool(notes))
        self._show_charts(self._charts, money)

    def _show_charts(self, charts: Charts, money: MoneyFormat) -> None:
        self.new_per_month.set_bars(
            [ChartBar(bar.label, bar.count) for bar in charts.new_per_month]
        )
        currency = currency_name(money)
        self.spent.set_title(
            f"Customers by lifetime spend ({currency})"
            if currency
            else "Customers by lifetime spend"
        )
        self.spent.set_bars(
            [ChartBar(bar.label, bar.count, _spent_name(bar, money)) for bar in charts.spent]
        )
        self.countries.set_bars(
            [
                ChartBar(bar.label, bar.count, clickable=country_criteria(bar) is not None)
                for bar in charts.countries
            ]
        )
        self.orders.set_bars(
            [ChartBar(bar.label, bar.count, _orders_name(bar)) for bar in charts.orders]
        )

    # -- clicks ---------------------------------------------------------------------------------

    @Slot(int)
    def _on_month_clicked(self, index: int) -> None:
        self.filter_wanted.emit(month_criteria(self._charts.new_per_month[index]))

    @Slot(int)
    def _on_spent_clicked(self, index: int) -> None:
        self.filter_wanted.emit(spent_criteria(self._charts.spent[index]))

    @Slot(int)
    def _on_country_clicked(self, index: int) -> None:
        criteria = country_criteria(self._charts.countries[index])
        if criteria is not None:
            self.filter_wanted.emit(criteria)

    @Slot(int)
    def _on_orders_clicked(self, index: int) -> None:
        self.filter_wanted.emit(orders_criteria(self._charts.orders[index]))


def _spent_name(bar: Bar, money: MoneyFormat) -> str:
    """A spending bin in the store's money, as its filter reads it ("$50.00–$99.99")."""
    criteria = spent_criteria(bar)
    low = format_money(criteria.min_spent or Decimal(0), money)
    if criteria.max_spent is None:
        return f"Spent {low} or more"
    return f"Spent {low}–{format_money(criteria.max_spent, money)}"


def _orders_name(bar: Bar) -> str:
    """An orders bucket in words ("2 orders", "6–10 orders", "21 orders or more")."""
    if bar.high is None:
        return f"{bar.label.rstrip('+')} orders or more"
    return f"{bar.label} order{'' if bar.label == '1' else 's'}"
