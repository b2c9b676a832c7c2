"""The filter panel above the customer table (issue 16, item 1): each filter through its
editor, refused input, chips, combining with the search and role, and the export of a filtered
view. Against the embedded demo store (250 customers), whose cache answers what each filter
must show (``CustomerCache.ordered_ids``)."""

from __future__ import annotations

import csv
import dataclasses
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TypeVar

import pytest
from PySide6.QtCore import QDate, QPoint, QRect, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QLabel,
    QLineEdit,
    QListWidget,
    QRadioButton,
    QSpinBox,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.cache.repository import CustomerFilter
from app.domain.countries import country_name, fold
from app.domain.criteria import Criteria, Criterion
from app.services.events import ExportFinished
from app.ui.filter_editor import FilterEditor
from app.ui.main_window import MainWindow
from tests.support.events import expect
from tests.support.windows import (
    DEMO_CUSTOMERS,
    LONG,
    WindowFactory,
    child,
    click_customer,
    row_count,
    screenshot,
    sized,
    type_search,
)

W = TypeVar("W", bound=QWidget)


def open_editor(window: MainWindow, criterion: Criterion) -> FilterEditor:
    """Choose a filter in the Add filter menu; its editor opens."""
    child(window, QAction, f"addFilter-{criterion.value}").trigger()
    editor = window.filters.editor
    assert editor is not None
    assert editor.isVisible()
    return editor


def apply(qtbot: QtBot, editor: FilterEditor) -> None:
    qtbot.mouseClick(editor.apply_button, Qt.MouseButton.LeftButton)


def field(editor: FilterEditor, kind: type[W], name: str) -> W:
    return child(editor, kind, name)


def by_name(codes: tuple[str, ...]) -> tuple[str, ...]:
    """Country codes in the order the editor's list has them (by country name)."""
    return tuple(sorted(codes, key=lambda code: fold(country_name(code))))


def set_date(editor: FilterEditor, name: str, day: date) -> None:
    child(editor, QCheckBox, f"{name}Set").setChecked(True)
    field(editor, QDateEdit, name).setDate(QDate(day.year, day.month, day.day))


def shown_ids(window: MainWindow) -> list[int]:
    return list(window.session.model.ids)


def expected_ids(window: MainWindow, criteria: Criteria) -> list[int]:
    """What the cache lists for these criteria with the window's search, role and sort."""
    view = dataclasses.replace(window.current_view(), criteria=criteria)
    return window.session.cache.ordered_ids(view)


def message_beside(editor: FilterEditor, option: str) -> str:
    label = child(editor, QLabel, f"problem{option.title().replace('-', '')}")
    return label.text() if label.isVisible() else ""


def some_value(window: MainWindow, column: str) -> str:
    """A value of a cache column most customers share (so that a filter on it narrows)."""
    row = (
        window.session.cache._conn.execute(
            f"SELECT {column} FROM customers WHERE {column} != '' "
            f"GROUP BY {column} ORDER BY COUNT(*) DESC LIMIT 1"
        )
    ).fetchone()
    assert row is not None, f"the demo store's customers have no {column}"
    return str(row[0])


def test_each_filter_through_its_editor_shows_exactly_its_customers(
    qtbot: QtBot, demo_window: WindowFactory
) -> None:
    window = demo_window()
    countries = window.session.cache.countries()
    assert len(countries) >= 2
    today = date.today()

    def check(criterion: Criterion, fill: object, wanted: Criteria) -> None:
        editor = open_editor(window, criterion)
        assert callable(fill)
        fill(editor)
        apply(qtbot, editor)
        assert not editor.isVisible(), f"{criterion}: {editor.problems()}"
        assert window.filters.criteria == wanted
        assert shown_ids(window) == expected_ids(window, wanted)
        assert 0 < row_count(window) < DEMO_CUSTOMERS, f"{criterion} did not narrow the list"
        window.filters.clear()
        assert row_count(window) == DEMO_CUSTOMERS

    def tick(editor: FilterEditor) -> None:
        country_list = field(editor, QListWidget, "countryList")
        listed = [country_list.item(row) for row in range(country_list.count())]
        assert sorted(item.data(Qt.ItemDataRole.UserRole) for item in listed) == countries
        for item in listed:
            if item.data(Qt.ItemDataRole.UserRole) in countries[:2]:
                item.setCheckState(Qt.CheckState.Checked)

    check(Criterion.COUNTRIES, tick, Criteria(countries=by_name(tuple(countries[:2]))))

    state = some_value(window, "state")
    check(
        Criterion.STATE,
        lambda e: field(e, QComboBox, "stateField").setEditText(state),
        Criteria(state=state),
    )
    city = some_value(window, "city")
    check(
        Criterion.CITY,
        lambda e: field(e, QLineEdit, "cityField").setText(city.lower()),
        Criteria(city=city.lower()),
    )

    def orders(editor: FilterEditor) -> None:
        field(editor, QSpinBox, "minOrders").setValue(2)
        field(editor, QSpinBox, "maxOrders").setValue(5)

    check(Criterion.ORDERS, orders, Criteria(min_orders=2, max_orders=5))
    check(
        Criterion.SPENT,
        lambda e: field(e, QLineEdit, "minSpent").setText("100,50"),
        Criteria(min_spent=Decimal("100.50")),
    )
    check(
        Criterion.AVERAGE,
        lambda e: field(e, QLineEdit, "maxAverage").setText("60"),
        Criteria(max_average=Decimal("60")),
    )
    since = today - timedelta(days=365)
    check(
        Criterion.REGISTERED,
        lambda e: set_date(e, "registeredAfter", since),
        Criteria(registered_after=since),
    )

    def last_order(editor: FilterEditor) -> None:
        set_date(editor, "lastOrderAfter", since)
        set_date(editor, "lastOrderBefore", today)

    check(
        Criterion.LAST_ORDER, last_order, Criteria(last_order_after=since, last_order_before=today)
    )
    check(
        Criterion.LAST_ORDER,
        lambda e: field(e, QCheckBox, "neverOrdered").setChecked(True),
        Criteria(never_ordered=True),
    )
    check(Criterion.COMPANY, lambda e: None, Criteria(has_company=True))
    check(
        Criterion.PHONE,
        lambda e: field(e, QRadioButton, "hasNot").setChecked(True),
        Criteria(has_phone=False),
    )


@pytest.mark.parametrize(
    ("criterion", "entries", "option", "message"),
    [
        (
            Criterion.ORDERS,
            {"minOrders": 5, "maxOrders": 2},
            "--max-orders",
            "The orders range ends before it starts.",
        ),
        (Criterion.ORDERS, {}, "--min-orders", "Set at least one of the limits."),
        (Criterion.SPENT, {"minSpent": "lots"}, "--min-spent", "Enter an amount such as 25"),
        (
            Criterion.AVERAGE,
            {"maxAverage": "-5"},
            "--max-average",
            "An amount of money cannot be negative.",
        ),
        (Criterion.COUNTRIES, {}, "--country", "Tick at least one country."),
        (Criterion.CITY, {"cityField": "  "}, "--city", "Enter a city."),
        (
            Criterion.REGISTERED,
            {"registeredAfter": date(2024, 5, 2), "registeredBefore": date(2024, 5, 1)},
            "--registered-before",
            "The registered range ends before it starts.",
        ),
        (
            Criterion.LAST_ORDER,
            {},
            "--last-order-after",
            "Tick From or Until or Never ordered.",
        ),
    ],
)
def test_invalid_input_is_refused_beside_its_field(
    qtbot: QtBot,
    demo_window: WindowFactory,
    criterion: Criterion,
    entries: dict[str, object],
    option: str,
    message: str,
) -> None:
    window = demo_window()
    editor = open_editor(window, criterion)
    for name, value in entries.items():
        if isinstance(value, date):
            set_date(editor, name, value)
        elif isinstance(value, int):
            field(editor, QSpinBox, name).setValue(value)
        else:
            field(editor, QLineEdit, name).setText(str(value))
    apply(qtbot, editor)
    assert editor.isVisible(), "invalid criteria were applied"
    assert message_beside(editor, option).startswith(message)
    assert window.filters.criteria.empty
    assert row_count(window) == DEMO_CUSTOMERS


def test_a_range_that_cannot_go_with_never_ordered_is_refused(
    qtbot: QtBot, demo_window: WindowFactory
) -> None:
    window = demo_window()
    window.filters.set(Criteria(never_ordered=True))
    editor = open_editor(window, Criterion.ORDERS)
    field(editor, QSpinBox, "minOrders").setValue(3)
    apply(qtbot, editor)
    assert editor.isVisible()
    general = child(editor, QLabel, "generalProblem")
    assert general.isVisible()
    assert "never ordered" in general.text()
    assert window.filters.criteria == Criteria(never_ordered=True)
    screenshot(window, "filter_editor_refused")


def test_chips_show_each_filter_reopen_its_editor_and_remove_it(
    qtbot: QtBot, demo_window: WindowFactory
) -> None:
    window = demo_window()
    panel = window.customer_list.filter_panel
    assert panel.objectName() == "filterPanel"
    assert panel.add_button.isVisible()
    assert not panel.chip_row.isVisible()

    window.filters.set(Criteria(min_orders=2))
    assert [chip.text for chip in panel.chips] == ["Orders: at least 2"]
    assert panel.chip_row.isVisible()
    assert not panel.clear_button.isVisible()  # one filter: its own remove button does
    editor = open_editor(window, Criterion.COMPANY)
    apply(qtbot, editor)
    assert [chip.text for chip in panel.chips] == ["Orders: at least 2", "Has a company"]
    assert panel.clear_button.isVisible()
    chip = panel.chip(Criterion.ORDERS)
    assert chip is not None
    assert chip.remove_button.accessibleName() == "Remove filter Orders: at least 2"

    # Its words reopen its editor, filled with the filter's values.
    qtbot.mouseClick(chip.text_button, Qt.MouseButton.LeftButton)
    reopened = window.filters.editor
    assert reopened is not None
    assert reopened.isVisible()
    assert field(reopened, QSpinBox, "minOrders").value() == 2
    field(reopened, QSpinBox, "minOrders").setValue(3)
    apply(qtbot, reopened)
    assert window.filters.criteria == Criteria(min_orders=3, has_company=True)
    assert shown_ids(window) == expected_ids(window, window.filters.criteria)

    # Delete on a chip's button removes it; so does its remove button, then Clear all.
    chip = panel.chip(Criterion.COMPANY)
    assert chip is not None
    chip.text_button.setFocus()
    qtbot.keyClick(chip.text_button, Qt.Key.Key_Delete)
    assert window.filters.criteria == Criteria(min_orders=3)
    chip = panel.chip(Criterion.ORDERS)
    assert chip is not None
    qtbot.mouseClick(chip.remove_button, Qt.MouseButton.LeftButton)
    assert window.filters.criteria.empty
    assert not panel.chip_row.isVisible()
    assert row_count(window) == DEMO_CUSTOMERS

    window.filters.set(Criteria(min_orders=1, has_phone=True))
    qtbot.mouseClick(panel.clear_button, Qt.MouseButton.LeftButton)
    assert window.filters.criteria.empty
    assert not panel.chips


def test_filters_combine_with_the_search_and_role_and_keep_the_selection(
    qtbot: QtBot, demo_window: WindowFactory
) -> None:
    window = demo_window()
    wanted = Criteria(min_orders=1)
    ordered = expected_ids(window, wanted)
    click_customer(qtbot, window, ordered[3])
    window.filters.set(wanted)
    selected = window.selected_customer()
    assert selected is not None
    assert selected.id == ordered[3]

    type_search(qtbot, window, "an")
    assert window.current_view().criteria == wanted
    assert shown_ids(window) == expected_ids(window, wanted)
    assert window.current_view().search == "an"
    window.role_filter.choose(None)
    assert window.current_view().role is None
    assert shown_ids(window) == expected_ids(window, wanted)

    # Nothing matches: the empty table says so, and how to see customers again.
    window.filters.set(Criteria(min_orders=1, min_spent=Decimal(10**9)))
    assert row_count(window) == 0
    title, hint = window.table.empty_message.split("\n")
    assert title == "No customer matches these filters."
    assert hint.startswith("Clear filters above (\N{MULTIPLICATION SIGN}) or the search (Esc)")


def test_view_changed_tells_every_new_view(qtbot: QtBot, demo_window: WindowFactory) -> None:
    window = demo_window()
    heard: list[CustomerFilter] = []
    window.customer_list.view_changed.connect(heard.append)
    window.filters.add(Criteria(countries=(window.session.cache.countries()[0],)))
    assert heard[-1].criteria == window.filters.criteria
    window.filters.add(Criteria(min_orders=1))  # merged with the country
    assert heard[-1].criteria.countries
    assert heard[-1].criteria.min_orders == 1
    window.session.model.sort(0, Qt.SortOrder.DescendingOrder)
    assert heard[-1].descending
    count = len(heard)
    window.filters.add(Criteria(never_ordered=True))  # Never ordered wins over the orders
    assert window.filters.criteria.never_ordered
    assert window.filters.criteria.min_orders is None
    assert len(heard) == count + 1


def test_the_export_of_a_filtered_view_writes_exactly_its_customers(
    qtbot: QtBot,
    tmp_path: Path,
    demo_window: WindowFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = demo_window()
    window.filters.set(Criteria(min_orders=2, has_phone=True))
    shown = shown_ids(window)
    assert 0 < len(shown) < DEMO_CUSTOMERS
    target = tmp_path / "filtered.csv"
    monkeypatch.setattr(window.transfers, "ask_export_target", lambda: (target, ","))
    with expect(qtbot, window.session.service, ExportFinished, timeout=LONG) as finished:
        window.action_export.trigger()
    assert finished.event.count == len(shown)
    with target.open(encoding="utf-8-sig", newline="") as file:
        exported = [int(row["ID"]) for row in csv.DictReader(file)]
    assert exported == shown


def test_screenshots_of_chips_and_an_editor(qtbot: QtBot, demo_window: WindowFactory) -> None:
    window = demo_window()
    window.resize(1280, 800)
    qtbot.waitUntil(sized(window, 1280, 800))
    countries = window.session.cache.countries()
    window.filters.set(
        Criteria(countries=by_name(tuple(countries[:2])), min_orders=2, has_phone=True)
    )
    panel = window.customer_list.filter_panel
    assert len(panel.chips) == 3
    for chip in panel.chips:  # nothing clipped: each chip is as wide as its words ask
        assert chip.width() >= chip.sizeHint().width()
        assert chip.isVisible()
    screenshot(window, "filter_panel_three_chips")
    editor = open_editor(window, Criterion.SPENT)
    field(editor, QLineEdit, "minSpent").setText("200")
    field(editor, QLineEdit, "maxSpent").setText("50")
    apply(qtbot, editor)
    screenshot(editor, "filter_editor_spent_refused")
    editor.reject()
    screenshot(open_editor(window, Criterion.COUNTRIES), "filter_editor_countries")
    screenshot(open_editor(window, Criterion.LAST_ORDER), "filter_editor_last_order")


def test_enter_applies_the_editor_or_says_what_is_wrong(
    qtbot: QtBot, demo_window: WindowFactory
) -> None:
    window = demo_window()
    editor = open_editor(window, Criterion.ORDERS)
    qtbot.waitExposed(editor)
    low = field(editor, QSpinBox, "minOrders")
    high = field(editor, QSpinBox, "maxOrders")
    for spin, typed in ((low, "5"), (high, "2")):
        spin.setFocus()
        spin.selectAll()
        qtbot.keyClicks(spin, typed)
    qtbot.keyClick(high, Qt.Key.Key_Return)
    assert editor.isVisible(), "Enter closed the editor with a range that ends before it starts"
    assert message_beside(editor, "--max-orders") == "The orders range ends before it starts."
    assert window.filters.criteria.empty

    high.setFocus()
    high.selectAll()
    qtbot.keyClicks(high, "8")
    qtbot.keyClick(high, Qt.Key.Key_Return)
    assert not editor.isVisible()
    assert window.filters.criteria == Criteria(min_orders=5, max_orders=8)


def test_a_refused_range_is_told_in_full_and_keeps_the_fields_aligned(
    qtbot: QtBot, demo_window: WindowFactory
) -> None:
    window = demo_window()

    def shown_in_full(editor: FilterEditor, option: str) -> None:
        label = child(editor, QLabel, f"problem{option.title().replace('-', '')}")
        assert label.isVisible()
        assert label.wordWrap()
        assert label.height() >= label.heightForWidth(label.width()), "lines are clipped"
        inside = editor.rect().contains(QRect(label.mapTo(editor, QPoint()), label.size()))
        assert inside, "the message runs out of the dialog"

    editor = open_editor(window, Criterion.ORDERS)
    field(editor, QSpinBox, "minOrders").setValue(5)
    field(editor, QSpinBox, "maxOrders").setValue(2)
    apply(qtbot, editor)
    screenshot(editor, "filter_editor_orders_refused")
    shown_in_full(editor, "--max-orders")
    editor.reject()

    editor = open_editor(window, Criterion.REGISTERED)
    set_date(editor, "registeredAfter", date(2024, 5, 2))
    set_date(editor, "registeredBefore", date(2024, 5, 1))
    until = field(editor, QDateEdit, "registeredBefore")
    width = until.width()
    apply(qtbot, editor)
    screenshot(editor, "filter_editor_registered_refused")
    shown_in_full(editor, "--registered-before")
    assert until.width() >= width, "the message squeezed the Until date"
    since = field(editor, QDateEdit, "registeredAfter")
    right_edges = {box.mapTo(editor, QPoint(box.width(), 0)).x() for box in (since, until)}
    assert len(right_edges) == 1, "the dates are no longer aligned"


def test_never_ordered_has_its_own_entry_in_the_add_filter_menu(
    qtbot: QtBot, demo_window: WindowFactory
) -> None:
    window = demo_window()
    entries = [action.text() for action in window.customer_list.filter_panel.add_menu.actions()]
    assert entries.index("Never ordered…") == entries.index("Last order…") + 1
    editor = open_editor(window, Criterion.NEVER_ORDERED)
    assert editor.windowTitle() == "Filter: Last order"
    assert field(editor, QCheckBox, "neverOrdered").isChecked()
    apply(qtbot, editor)
    assert window.filters.criteria == Criteria(never_ordered=True)
    assert shown_ids(window) == expected_ids(window, Criteria(never_ordered=True))

    # With criteria it cannot go with, the editor says so, as every editor does.
    window.filters.set(Criteria(min_orders=2))
    editor = open_editor(window, Criterion.NEVER_ORDERED)
    apply(qtbot, editor)
    assert editor.isVisible()
    told = message_beside(editor, "--never-ordered")
    assert told == "No customer who never ordered can match the other order filters."
    assert window.filters.criteria == Criteria(min_orders=2)


def test_focus_goes_back_to_add_filter_not_onto_a_chip(
    qtbot: QtBot, demo_window: WindowFactory
) -> None:
    window = demo_window()
    window.activateWindow()
    qtbot.waitActive(window)
    panel = window.customer_list.filter_panel
    window.filters.set(Criteria(min_orders=2, has_phone=True))

    def focus_is_on_add_filter() -> None:
        assert QApplication.focusWidget() is panel.add_button

    # An editor opened from a chip, applied with Enter: its chip is made anew.
    chip = panel.chip(Criterion.ORDERS)
    assert chip is not None
    chip.text_button.setFocus()
    qtbot.keyClick(chip.text_button, Qt.Key.Key_Space)
    editor = window.filters.editor
    assert editor is not None
    qtbot.waitExposed(editor)
    spin = field(editor, QSpinBox, "minOrders")
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "3")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert window.filters.criteria == Criteria(min_orders=3, has_phone=True)
    qtbot.waitUntil(focus_is_on_add_filter)

    # Cancelled: the same.
    editor = open_editor(window, Criterion.CITY)
    qtbot.waitExposed(editor)
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(focus_is_on_add_filter)

    # A chip removed with Delete: not onto the next chip, where Delete would remove it too.
    chip = panel.chip(Criterion.PHONE)
    assert chip is not None
    chip.remove_button.setFocus()
    qtbot.keyClick(chip.remove_button, Qt.Key.Key_Delete)
    assert window.filters.criteria == Criteria(min_orders=3)
    qtbot.waitUntil(focus_is_on_add_filter)
    qtbot.keyClick(panel.add_button, Qt.Key.Key_Delete)
    assert window.filters.criteria == Criteria(min_orders=3)
