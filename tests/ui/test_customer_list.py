"""The customer list as a store owner expects it (issue 14, item 4).

The View menu and the header's menu choose the columns (one piece of code behind both), a
header saved before the later columns existed restores sanely, the role filter counts each
role, the role and the detail panel's tab are remembered, an empty table says why it is empty,
and a small window keeps Name, Email, Orders and Total spent in view.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import QMenu, QStyleOptionViewItem, QTableView
from pytestqt.qtbot import QtBot

from app.demo_store import DemoStore
from app.main import build
from app.models.customer_model import CustomerColumn
from app.paths import AppPaths
from app.services.events import CustomersChanged
from app.ui.customer_columns import (
    COLUMN_COUNT_KEY,
    ESSENTIAL,
    HEADER_KEY,
    HIDDEN_BY_DEFAULT,
)
from app.ui.main_window import MainWindow
from app.ui.settings_file import SETTINGS_FILE_NAME
from tests.conftest import StoreFactory
from tests.support.windows import (
    DEMO_CUSTOMERS,
    SHORT,
    in_view,
    row_count,
    screenshot,
    sized,
    start_and_wait,
)

pytestmark = pytest.mark.qt_log_ignore(
    r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)"
)

WindowMaker = Callable[[], MainWindow]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def demo(demo_window: WindowMaker, data_dir: Path, tmp_path: Path) -> WindowMaker:
    """A shown, started window on the demo store; each call a new one on the same data."""
    assert data_dir == tmp_path / "data", "the folder demo_window keeps the app's files in"
    return demo_window


def settings_of(data_dir: Path) -> QSettings:
    """The settings file the app keeps in a data folder (as build() opens it)."""
    path = AppPaths.under(data_dir).config_dir / SETTINGS_FILE_NAME
    assert path.exists(), f"no settings file {path}"
    return QSettings(str(path), QSettings.Format.IniFormat)


def menu_entries(menu: QMenu) -> dict[str, bool]:
    """The checkable entries of a menu: text -> checked."""
    return {a.text(): a.isChecked() for a in menu.actions() if a.isCheckable()}


def view_menu(window: MainWindow) -> QMenu:
    menu = window.findChild(QMenu, "viewMenu")
    assert menu is not None, "a View menu (objectName viewMenu) in the menu bar"
    assert menu.menuAction() in window.menuBar().actions()
    menu.aboutToShow.emit()  # as opening it does
    return menu


def resize(qtbot: QtBot, window: MainWindow, width: int, height: int) -> None:
    window.resize(width, height)
    qtbot.waitUntil(sized(window, width, height))
    qtbot.waitUntil(lambda: not window.table.viewport().size().isEmpty())


# -- columns -----------------------------------------------------------------------------------


def test_the_view_menu_chooses_columns_like_the_header_menu(
    qtbot: QtBot, demo: WindowMaker
) -> None:
    window = demo()
    resize(qtbot, window, 1600, 800)  # room for every column
    menu = view_menu(window)
    entries = menu_entries(menu)
    for title in ("Phone", "Company", "Postcode", "State", "Role", "Average order"):
        assert entries[title] is False, f"{title}: new columns start hidden"
    assert entries["Name"]
    assert entries["Email"]
    assert any(a.objectName() == "actionResetColumns" for a in menu.actions())

    phone = next(a for a in menu.actions() if a.text() == "Phone")
    phone.trigger()
    assert not window.table.horizontalHeader().isSectionHidden(CustomerColumn.PHONE)
    # The header's menu is made by the same code: it shows the same choice.
    header_menu = QMenu()
    window.columns.fill_menu(header_menu)
    assert menu_entries(header_menu) == menu_entries(view_menu(window))
    assert menu_entries(header_menu)["Phone"] is True
    name = next(a for a in header_menu.actions() if a.text() == "Name")
    assert not name.isEnabled(), "a row must say who it is"


def test_new_columns_sort_through_the_cache_and_show_money(qtbot: QtBot, demo: WindowMaker) -> None:
    window = demo()
    resize(qtbot, window, 1600, 800)
    window.columns.set_wanted(CustomerColumn.AVERAGE_ORDER, True)
    window.table.sortByColumn(CustomerColumn.AVERAGE_ORDER, Qt.SortOrder.DescendingOrder)
    assert window.session.model.view.sort == "average_order"
    model = window.session.model
    top = model.row_at(0)
    assert top is not None
    assert top.average_order is not None
    shown = model.data(model.index(0, CustomerColumn.AVERAGE_ORDER))
    # Written the store's way, like Total spent ("$178.39"), "≈" kept for approximate figures.
    assert shown.removeprefix("≈ ") == model.money_format.format(top.average_order), shown
    assert model.money_format.symbol == "$"
    window.table.sortByColumn(CustomerColumn.POSTCODE, Qt.SortOrder.AscendingOrder)
    assert window.session.model.view.sort == "postcode"


def test_reset_columns_brings_back_the_first_start(qtbot: QtBot, demo: WindowMaker) -> None:
    window = demo()
    resize(qtbot, window, 1600, 800)
    header = window.table.horizontalHeader()
    window.columns.set_wanted(CustomerColumn.COMPANY, True)
    window.columns.set_wanted(CustomerColumn.CITY, False)
    header.moveSection(header.visualIndex(CustomerColumn.COUNTRY), 0)
    reset = next(a for a in view_menu(window).actions() if a.objectName() == "actionResetColumns")
    reset.trigger()
    hidden = {column for column in CustomerColumn if header.isSectionHidden(column)}
    assert hidden == HIDDEN_BY_DEFAULT
    assert [header.logicalIndex(v) for v in range(header.count())] == list(CustomerColumn)


@pytest.mark.slow
def test_a_header_saved_with_the_first_nine_columns_restores_sanely(
    qtbot: QtBot, data_dir: Path, demo: WindowMaker
) -> None:
    """Users' saved layouts from before the new columns: kept, with the new columns hidden."""
    first = demo()
    first.close()
    old_model = QStandardItemModel(0, 9)
    old_table = QTableView()
    old_table.setModel(old_model)
    old_header = old_table.horizontalHeader()
    old_header.setSectionsMovable(True)
    old_header.resizeSection(CustomerColumn.NAME, 211)
    old_header.setSectionHidden(CustomerColumn.COUNTRY, True)
    old_header.setSectionHidden(CustomerColumn.REGISTERED, False)
    old_header.moveSection(old_header.visualIndex(CustomerColumn.ORDERS), 1)
    settings = settings_of(data_dir)
    settings.setValue(HEADER_KEY, old_header.saveState())
    settings.remove(COLUMN_COUNT_KEY)  # earlier versions did not write it
    settings.remove("window/geometry")
    settings.sync()

    window = demo()
    resize(qtbot, window, 1600, 800)
    header = window.table.horizontalHeader()
    assert header.count() == len(CustomerColumn)
    assert header.sectionSize(CustomerColumn.NAME) == 211
    assert not window.columns.is_wanted(CustomerColumn.COUNTRY)
    assert window.columns.is_wanted(CustomerColumn.REGISTERED)
    assert header.visualIndex(CustomerColumn.ORDERS) == 1
    for column in CustomerColumn:
        if column >= 9:
            assert header.isSectionHidden(column), f"{column.name}: new, hidden by default"
            assert header.visualIndex(column) == column, "new columns come last"
    window.columns.set_wanted(CustomerColumn.ROLE, True)
    assert header.sectionSize(CustomerColumn.ROLE) > 40, "shown at a readable width"


# -- the role filter ---------------------------------------------------------------------------


def test_the_role_filter_counts_each_role_and_fits_its_longest_entry(
    qtbot: QtBot, profile_store: StoreFactory, url_window: Callable[[DemoStore], MainWindow]
) -> None:
    store = profile_store(customers=30)
    with store.db.write() as conn:
        first, second = (
            row[0] for row in conn.execute("SELECT id FROM users WHERE role = 'customer' LIMIT 2")
        )
        conn.execute("UPDATE users SET role = 'shop_manager' WHERE id IN (?, ?)", (first, second))
    window = url_window(store)
    start_and_wait(qtbot, window)
    roles = window.role_filter
    texts = [roles.itemText(i) for i in range(roles.count())]
    total = window.session.cache.count()
    assert texts[:2] == [f"Customers ({total - 3})", f"All roles ({total})"]
    assert "Shop managers (2)" in texts
    assert "Administrators (1)" in texts
    widest = max(roles.fontMetrics().horizontalAdvance(text) for text in texts)
    # Once the toolbar has laid itself out again, even in a window too narrow for all of it.
    resize(qtbot, window, 640, 600)
    qtbot.waitUntil(lambda: roles.width() > widest + 8, timeout=SHORT)


@pytest.mark.slow
def test_role_counts_follow_changed_customers(
    qtbot: QtBot, profile_store: StoreFactory, url_window: Callable[[DemoStore], MainWindow]
) -> None:
    store = profile_store(customers=30)
    window = url_window(store)
    start_and_wait(qtbot, window)
    gone = window.session.model.ids[0]
    window.session.cache.delete_customers([gone])
    window.session.service.happened.emit(CustomersChanged((), (gone,)))  # as a delete reports it
    qtbot.waitUntil(lambda: window.role_filter.itemText(0) == "Customers (29)", timeout=SHORT)


# -- remembered across restarts ------------------------------------------------------------


def test_the_role_and_the_detail_tab_are_remembered(
    qtbot: QtBot, data_dir: Path, demo: WindowMaker, windows: list[MainWindow]
) -> None:
    window = demo()
    window.role_filter.setCurrentIndex(window.role_filter.findData(""))  # All roles
    tabs = window.detail.tabs
    orders = next(i for i in range(tabs.count()) if tabs.tabText(i) == "Orders")
    tabs.setCurrentIndex(orders)
    window.close()  # saves the settings

    again = build(["--demo", "--data-dir", str(data_dir)])  # the same settings
    windows.append(again)
    assert again.role_filter.currentData() == ""
    assert again.role_filter.currentText().startswith("All roles")
    assert again.current_view().role is None
    assert row_count(again) > DEMO_CUSTOMERS, "the table lists every role"
    assert again.detail.tabs.currentIndex() == orders
    page = again.detail.tabs.currentWidget()
    assert page is not None
    assert page.objectName() == "ordersTab"


# -- an empty table ----------------------------------------------------------------------------


def test_a_search_that_finds_nobody_says_so_in_the_table(qtbot: QtBot, demo: WindowMaker) -> None:
    window = demo()
    assert window.table.empty_message == "", "rows shown: no message"
    window.search_field.setText("zz-nobody")
    qtbot.waitUntil(lambda: row_count(window) == 0, timeout=SHORT)
    message = window.table.empty_message
    assert "No customers match “zz-nobody”." in message
    assert "Clear the search" in message
    assert "All roles" in message
    assert window.session.model.rowCount() == 0, "a message, not a row"
    screenshot(window, "customer-list-no-match")
    window.search_field.clear()
    qtbot.waitUntil(lambda: row_count(window) == DEMO_CUSTOMERS, timeout=SHORT)
    assert window.table.empty_message == ""


def test_an_empty_cache_says_so_before_and_while_the_first_sync_runs(
    qtbot: QtBot, profile_store: StoreFactory, url_window: Callable[[DemoStore], MainWindow]
) -> None:
    store = profile_store(customers=12)
    window = url_window(store)  # shown, not started: nothing on this computer yet
    assert window.table.empty_message.startswith("No customers on this computer yet")
    window.start()
    assert window.table.empty_message.startswith("No customers yet — syncing…")
    qtbot.waitUntil(lambda: row_count(window) == 12, timeout=SHORT)
    assert window.table.empty_message == ""


# -- small windows -------------------------------------------------------------------------


@pytest.mark.parametrize(("width", "height"), [(1024, 640), (1280, 800)])
def test_a_small_window_keeps_the_essential_columns_in_view(
    qtbot: QtBot, demo: WindowMaker, width: int, height: int
) -> None:
    window = demo()
    resize(qtbot, window, width, height)
    if width == 1024:  # the detail panel yields first, down to its minimum width
        detail = window.detail
        floor = max(detail.minimumWidth(), detail.minimumSizeHint().width())
        qtbot.waitUntil(lambda: window.splitter.sizes()[1] == floor)
        first = window.session.model.id_at(0)
        assert first is not None
        window.select_customer(first)
        qtbot.waitUntil(detail.tabs.isVisible)
        tabs = detail.tabs.tabBar()
        qtbot.waitUntil(lambda: tabs.tabRect(tabs.count() - 1).right() < tabs.width())
    for column in ESSENTIAL:
        assert in_view(window.table, column), f"{column.name} in view at {width}x{height}"
    assert window.table.horizontalScrollBar().maximum() == 0, "nothing to scroll sideways to"
    screenshot(window, f"customer-list-{width}x{height}")


def test_columns_that_stepped_aside_come_back_and_stay_chosen(
    qtbot: QtBot, data_dir: Path, demo: WindowMaker
) -> None:
    window = demo()
    resize(qtbot, window, 1600, 800)
    assert window.columns.stepped_aside == frozenset()
    resize(qtbot, window, 720, 640)  # the panel folds away, and still columns step aside
    aside = window.columns.stepped_aside
    assert CustomerColumn.CITY in aside or CustomerColumn.LAST_ORDER in aside
    assert all(window.columns.is_wanted(column) for column in aside), "still the user's choice"
    entries = menu_entries(view_menu(window))
    assert any(text.endswith("(no room now)") and checked for text, checked in entries.items())
    window.save_settings()
    state = settings_of(data_dir).value(HEADER_KEY)
    probe = QTableView()
    probe.setModel(QStandardItemModel(0, len(CustomerColumn)))
    probe.horizontalHeader().restoreState(state)
    for column in aside:
        assert not probe.horizontalHeader().isSectionHidden(column), "saved as chosen"
    resize(qtbot, window, 1600, 800)
    assert window.columns.stepped_aside == frozenset()
    for column in aside:
        assert in_view(window.table, column)


def test_long_emails_are_elided_in_the_middle(qtbot: QtBot, demo: WindowMaker) -> None:
    window = demo()
    resize(qtbot, window, 1280, 800)
    index = window.session.model.index(0, CustomerColumn.EMAIL)
    delegate = window.table.itemDelegateForColumn(CustomerColumn.EMAIL)
    option = QStyleOptionViewItem()
    delegate.initStyleOption(option, index)  # type: ignore[attr-defined]
    assert option.textElideMode == Qt.TextElideMode.ElideMiddle
    assert in_view(window.table, CustomerColumn.EMAIL)


def test_a_column_turned_on_in_a_narrow_table_shows_and_another_steps_aside(
    qtbot: QtBot, demo: WindowMaker
) -> None:
    window = demo()
    resize(qtbot, window, 1280, 800)
    qtbot.waitUntil(lambda: window.splitter.sizes()[1] > 0)  # the panel shown, beside the table
    qtbot.waitUntil(lambda: window.columns.stepped_aside == frozenset())  # the panel made room
    window.columns.set_wanted(CustomerColumn.AVERAGE_ORDER, True)
    assert in_view(window.table, CustomerColumn.AVERAGE_ORDER), "what the user asked for shows"
    title = window.table.horizontalHeader().fontMetrics().horizontalAdvance("Average order")
    assert window.table.columnWidth(CustomerColumn.AVERAGE_ORDER) > title, "its title fits"
    assert window.columns.stepped_aside, "a column of the first start made room"
    for column in ESSENTIAL:
        assert in_view(window.table, column)
