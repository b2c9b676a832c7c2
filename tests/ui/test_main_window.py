"""The main window end to end: real demo stores over loopback, the API worker thread, the views.

Every window here talks to a demo store on 127.0.0.1 through the app's own client in the
worker thread; nothing waits for a fixed time (the tests wait for GUI-thread signals or
conditions). Each window is closed at teardown, which stops its worker; a thread that outlives
its window fails the test. Screenshots go to ``screenshots/`` (gitignored) for review.
"""

from __future__ import annotations

import functools
import re
import time
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QProgressBar,
    QStackedWidget,
    QTableView,
    QToolButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.api.connection import StoreConnection
from app.cache.search import fold, search_text
from app.demo_store import DemoStore, Fault
from app.domain.customer import Customer
from app.errors import CancelledError
from app.main import build
from app.models.customer_model import CustomerColumn
from app.models.orders_model import DownloadColumn
from app.services.events import (
    BusyChanged,
    CustomerDeleted,
    CustomerFound,
    CustomerSaved,
    CustomersChanged,
    DownloadsLoaded,
    OnlineChanged,
    OrdersLoaded,
    RequestFailed,
    SyncFinished,
    SyncProgressed,
)
from app.ui import session as session_module
from app.ui.customer_dialog import NOTICE_OBJECT_NAME
from app.ui.main_window import MainWindow
from app.ui.table_view import TableView
from tests.conftest import GUI_PROFILES, StoreFactory, StoreProfile
from tests.support.events import expect, expect_all, heard, on
from tests.support.store_db import downloader
from tests.support.windows import (
    DEMO_CUSTOMERS,
    LONG,
    OFFLINE_TOOLTIP,
    SHORT,
    STORE_ACTIONS,
    WindowFactory,
    action,
    button,
    child,
    click_customer,
    click_header,
    click_tab,
    column_values,
    customers,
    detail_texts,
    reconnect_timer,
    row_count,
    screenshot,
    sized,
    start_and_wait,
    status_text,
    store_customer,
    store_customer_by_email,
    the_dialog,
    the_message_box,
    type_search,
    visible_children,
    worker_thread,
)

# The offscreen platform cannot resize, raise or grab like a desktop; it says so on every
# window, which is no fault of the widgets under test.
pytestmark = [
    pytest.mark.qt_log_ignore(
        r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)"
    ),
    # The tests that start a store of their own (profile_store) run on each client the window
    # can be given; the embedded demo store's tests (--demo) do not depend on the profile.
    pytest.mark.profiles(*GUI_PROFILES, reason="the window's clients: legacy and wc/v3"),
]


# -- browse --------------------------------------------------------------------------------------


def test_figure_and_date_columns_fit_their_values_marked_approximate(
    qtbot: QtBot, demo_window: WindowFactory
) -> None:
    """Analytics' figures carry "≈": a first start's columns fit them whole, in any font."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    usual = app.font()
    large = QFont(usual)
    large.setPointSizeF(usual.pointSizeF() * 1.6)  # a desktop with large text
    app.setFont(large)
    try:
        window = demo_window()
    finally:
        app.setFont(usual)
    window.resize(2400, 1000)  # room for every column: none steps aside
    qtbot.waitUntil(sized(window, 2400, 1000))
    qtbot.waitUntil(lambda: not window.columns.stepped_aside)
    metrics = QFontMetrics(large)
    for column, widest in (
        (CustomerColumn.ORDERS, "≈ 8,888"),
        (CustomerColumn.TOTAL_SPENT, "≈ 88,888.88"),
        (CustomerColumn.LAST_ORDER, "≈ 2026-08-25"),
    ):
        assert window.table.columnWidth(column) > metrics.horizontalAdvance(widest)


def test_a_new_customer_with_an_email_the_cache_knows_is_flagged_naming_who_has_it(
    qtbot: QtBot, demo_window: WindowFactory
) -> None:
    window = demo_window()
    taken = window.session.model.customer_at(0)
    assert taken is not None
    window.new_customer()
    dialog = the_dialog(window)
    email = dialog.findChild(QLineEdit, "email")
    assert email is not None
    QTest.keyClicks(email, taken.email.upper())
    error = dialog.findChild(QLabel, "email_error")
    assert error is not None
    assert error.text() == f"Already used by {taken.display_name} (#{taken.id})"
    assert not dialog.save_button.isEnabled()
    dialog.close()


@pytest.mark.slow
def test_the_demo_store_opens_with_every_customer_and_its_status(
    qtbot: QtBot, demo_window: WindowFactory
) -> None:
    window = demo_window()
    assert window.session.is_demo
    assert status_text(window, "statusCount") == f"{DEMO_CUSTOMERS} customers"
    assert status_text(window, "statusOnline") == "Online · demo store"
    # Everyone in the store (the admin too) is in the cache.
    assert status_text(window, "statusCoverage") == "All 251 accounts on this computer"
    assert child(window, QLabel, "demoBadge").isVisible()
    assert "Demo store" in window.windowTitle()
    # Sorted by name at first (accents and case folded, as people read names).
    names = [fold(name) for name in column_values(window, CustomerColumn.NAME)]
    assert names == sorted(names)
    # Nothing selected yet: the detail panel says what to do, edit and delete wait.
    assert "Select a customer to see their details." in detail_texts(window)
    assert not action(window, "actionEditCustomer").isEnabled()
    assert not action(window, "actionDeleteCustomer").isEnabled()
    assert action(window, "actionNewCustomer").isEnabled()
    # Every table repaints under one hold of the interpreter lock (app/ui/table_view.py).
    tables = window.findChildren(QTableView)
    assert {"customerTable", "ordersTable", "downloadsTable"} <= {t.objectName() for t in tables}
    assert all(isinstance(table, TableView) for table in tables)

    first = customers(window)[3]
    click_customer(qtbot, window, first.id)
    for width, height in ((1280, 800), (1024, 640)):
        window.resize(width, height)
        qtbot.waitUntil(sized(window, width, height))
        screenshot(window, f"main_window_{width}x{height}")


def test_a_store_url_with_keys_in_the_environment_opens_online(
    qtbot: QtBot, profile_store: StoreFactory, url_window: WindowFactory
) -> None:
    store = profile_store(customers=60)
    window = url_window(store)
    start_and_wait(qtbot, window)
    assert row_count(window) == 60
    assert status_text(window, "statusCount") == "60 customers"
    assert status_text(window, "statusCoverage") == "All 61 accounts on this computer"
    assert re.fullmatch(r"Online · synced \d\d:\d\d", status_text(window, "statusOnline"))
    assert not child(window, QLabel, "demoBadge").isVisible()
    # The switcher names the store on screen, though it is no saved store.
    switcher = child(window, QComboBox, "storeSwitcher")
    assert switcher.isVisibleTo(window)
    assert switcher.currentText() == store.base_url
    assert switcher.currentText() != "Demo store"
    assert switcher.findText("Demo store") >= 0, "the demo store is still a choice"


def streaming_window(profile_store: StoreFactory, store_window: WindowFactory) -> MainWindow:
    """A window whose first sync streams 600 customers in several steps (small, slow pages)."""
    return store_window(profile_store(customers=600, latency_ms=60), page_size=50, concurrency=2)


@pytest.mark.slow
def test_rows_stream_in_page_by_page_and_the_selection_survives(
    qtbot: QtBot, profile_store: StoreFactory, store_window: WindowFactory
) -> None:
    window = streaming_window(profile_store, store_window)
    service = window.session.service
    counts: list[int] = []
    finished: list[bool] = []
    selected: list[int] = []

    def changed(_event: CustomersChanged) -> None:
        # Connected after the window's own slot: the table has been refreshed already.
        counts.append(row_count(window))
        if not selected and not finished:
            # The user picks someone in the middle of the first rows while the rest arrive.
            chosen = window.session.model.id_at(row_count(window) // 2)
            assert chosen is not None
            assert window.select_customer(chosen)
            selected.append(chosen)

    on(service, CustomersChanged, changed)
    on(service, SyncFinished, lambda _event: finished.append(True))
    start_and_wait(qtbot, window)

    assert len(counts) >= 3, f"rows arrived in {len(counts)} step(s) only: {counts}"
    assert 0 < counts[0] < 600, "the first rows show before the sync ends"
    assert all(a <= b for a, b in pairwise(counts)), counts
    assert counts[-1] == 600
    assert status_text(window, "statusCount") == "600 customers"
    current = window.selected_customer()
    assert current is not None
    assert current.id == selected[0], "the selection follows its customer while rows stream in"
    assert window.detail.customer is not None
    assert window.detail.customer.id == selected[0]


@pytest.mark.slow
def test_rows_arriving_above_do_not_slide_the_customers_in_view(
    qtbot: QtBot, profile_store: StoreFactory, store_window: WindowFactory
) -> None:
    window = streaming_window(profile_store, store_window)
    service = window.session.service
    in_view: list[int] = []
    tops: list[int | None] = []

    def changed(_event: CustomersChanged) -> None:
        # Connected after the window's own slot: the table has been refreshed already.
        if not in_view and row_count(window) >= 150:
            # The user scrolls down a page or two while the rest of the store arrives.
            window.table.verticalScrollBar().setValue(60)
            top = window.session.model.id_at(window.table.rowAt(0))
            assert top is not None
            in_view.append(top)
        elif in_view:
            tops.append(window.session.model.id_at(window.table.rowAt(0)))

    on(service, CustomersChanged, changed)
    start_and_wait(qtbot, window)
    assert row_count(window) == 600
    assert len(tops) >= 2, "rows kept arriving after the user scrolled"
    assert set(tops) == {in_view[0]}, "the customer at the top stays at the top"
    row = window.session.model.row_of(in_view[0])
    assert row is not None
    assert row > 60, "rows did arrive above it"


@pytest.mark.slow
def test_a_sync_shows_its_progress_in_the_status_bar_and_hides_it_when_done(
    qtbot: QtBot, profile_store: StoreFactory, store_window: WindowFactory
) -> None:
    window = streaming_window(profile_store, store_window)
    service = window.session.service
    bar = child(window, QProgressBar, "syncProgress")
    cancel = child(window, QToolButton, "syncCancel")
    assert not bar.isVisible(), "no sync yet"
    seen: list[tuple[bool, bool, int, int, int, str]] = []

    def progressed(event: SyncProgressed) -> None:
        # Connected after the window's own slot: the bar shows this report already.
        progress = event.progress
        if progress.phase == "customers" and progress.total is not None:
            assert progress.total == bar.maximum()
            seen.append(
                (
                    bar.isVisible(),
                    cancel.isVisible() and cancel.isEnabled(),
                    bar.minimum(),
                    bar.value(),
                    bar.maximum(),
                    bar.toolTip(),
                )
            )
        elif progress.total is None:
            assert bar.isVisible()
            assert (bar.minimum(), bar.maximum()) == (0, 0), "busy until the store says how many"

    on(service, SyncProgressed, progressed)
    start_and_wait(qtbot, window)

    assert len(seen) >= 2, f"the bar moved in {len(seen)} step(s) only"
    assert all(shown and can_cancel for shown, can_cancel, *_ in seen), seen
    assert all(low == 0 < value <= high for _, _, low, value, high, _ in seen), seen
    values = [value / high for _, _, _, value, high, _ in seen]
    assert all(a <= b for a, b in pairwise(values)), values
    texts = [text for *_, text in seen]  # the bar's tooltip (the bar itself shows no text)
    # Every account is walked (the administrator too): 601 of them.
    assert all(re.fullmatch(r"Fetched [\d,]+ of 601 customers", text) for text in texts), texts
    # The service throttles reports (the next phase's may replace the last of this one), so
    # the counts only have to grow; the rows below show every customer arrived.
    fetched = [int(re.sub(r"\D", "", text.split(" of ")[0])) for text in texts]
    assert all(a <= b for a, b in pairwise(fetched)), fetched
    assert not bar.isTextVisible(), "the words are the status bar's: no percentage to contradict"
    assert not bar.isVisible(), "the bar goes once the sync is over"
    assert not cancel.isVisible()
    assert row_count(window) == 600


@pytest.mark.slow
def test_cancel_stops_a_sync_keeping_what_arrived_and_a_later_sync_finishes_it(
    qtbot: QtBot, profile_store: StoreFactory, store_window: WindowFactory
) -> None:
    store = profile_store(customers=600, latency_ms=100)
    window = store_window(store, page_size=25, concurrency=1)
    service = window.session.service
    bar = child(window, QProgressBar, "syncProgress")
    cancel = child(window, QToolButton, "syncCancel")
    finished = heard(service, SyncFinished)
    failed = heard(service, RequestFailed)

    window.start()
    qtbot.waitUntil(lambda: bar.isVisible() and bar.maximum() > 0, timeout=LONG)
    assert cancel.isVisible()
    with expect(
        qtbot,
        service,
        RequestFailed,
        timeout=LONG,
        where=lambda event: event.kind == "sync",
    ):
        qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert not finished, "the sync stopped before the end"
    assert [type(event.error) for event in failed if event.kind == "sync"] == [CancelledError]
    qtbot.waitUntil(lambda: not service.busy, timeout=SHORT)
    assert not bar.isVisible(), "the bar goes once the sync is cancelled"
    assert not window.banner.isVisible(), "a cancel is no error to report"
    kept = row_count(window)
    assert 0 < kept < 600, "the customers fetched before the cancel stay"

    # A cache left consistent: the next sync picks up and ends with everyone.
    with expect(qtbot, service, SyncFinished, timeout=LONG):
        window.quick_sync()
    assert row_count(window) == 600
    assert status_text(window, "statusCount") == "600 customers"
    assert not bar.isVisible()


# -- search and sort -----------------------------------------------------------------------------


@pytest.mark.slow
def test_search_filters_the_table_after_typing_and_clearing_restores_it(
    qtbot: QtBot, demo_window: WindowFactory
) -> None:
    window = demo_window()
    everyone = customers(window)
    by_city: dict[str, list[Customer]] = {}
    for customer in everyone:
        if customer.billing.city:
            by_city.setdefault(customer.billing.city, []).append(customer)
    city = next(c for c, found in sorted(by_city.items()) if 2 <= len(found) <= 8 and len(c) > 4)
    keep = by_city[city][-1]
    click_customer(qtbot, window, keep.id)

    type_search(qtbot, window, city)
    shown = customers(window)
    assert {c.id for c in by_city[city]} <= {c.id for c in shown}
    assert all(fold(city) in search_text(c) for c in shown)
    assert len(shown) < len(everyone)
    assert status_text(window, "statusCount") == f"{len(shown)} customer" + (
        "s" if len(shown) != 1 else ""
    )
    current = window.selected_customer()
    assert current is not None
    assert current.id == keep.id, "the selected customer stays selected when still listed"

    # An email fragment finds its owner.
    window.search_field.clear()
    qtbot.waitUntil(lambda: row_count(window) == len(everyone), timeout=SHORT)
    fragment = keep.email.split("@")[0]
    type_search(qtbot, window, fragment)
    assert keep.id in {c.id for c in customers(window)}
    assert all(fold(fragment) in search_text(c) for c in customers(window))

    # No match: an empty table that says so in the status bar.
    window.search_field.clear()
    qtbot.waitUntil(lambda: row_count(window) == len(everyone), timeout=SHORT)
    type_search(qtbot, window, "zzqx-nobody")
    assert row_count(window) == 0
    assert status_text(window, "statusCount") == "0 customers"
    # The selected customer left the list: the panel no longer shows them.
    assert window.detail.customer is None
    assert "Select a customer to see their details." in detail_texts(window)

    # Escape in the search field clears it.
    window.search_field.setFocus()
    qtbot.keyClick(window.search_field, Qt.Key.Key_Escape)
    assert window.search_field.text() == ""
    qtbot.waitUntil(lambda: row_count(window) == len(everyone), timeout=SHORT)
    assert status_text(window, "statusCount") == f"{DEMO_CUSTOMERS} customers"


def test_sorting_by_a_header_orders_the_rows_by_that_column(
    qtbot: QtBot, demo_window: WindowFactory
) -> None:
    window = demo_window()
    table = child(window, QTableView, "customerTable")
    header = table.horizontalHeader()

    table.sortByColumn(CustomerColumn.ORDERS, Qt.SortOrder.DescendingOrder)
    orders = column_values(window, CustomerColumn.ORDERS)
    assert len(orders) == DEMO_CUSTOMERS
    assert all(a >= b for a, b in pairwise(orders)), "orders descending"
    assert orders[0] > orders[-1]
    assert header.sortIndicatorSection() == CustomerColumn.ORDERS

    # Clicking a header sorts by it, a second click turns the order round.
    click_header(qtbot, table, CustomerColumn.TOTAL_SPENT)
    assert header.sortIndicatorSection() == CustomerColumn.TOTAL_SPENT
    first_order = header.sortIndicatorOrder()
    spent = column_values(window, CustomerColumn.TOTAL_SPENT)
    descending = first_order == Qt.SortOrder.DescendingOrder
    assert spent == sorted(spent, reverse=descending)
    assert spent[0] != spent[-1]
    click_header(qtbot, table, CustomerColumn.TOTAL_SPENT)
    assert header.sortIndicatorOrder() != first_order
    assert column_values(window, CustomerColumn.TOTAL_SPENT) == sorted(
        spent, reverse=not descending
    )


def test_the_role_filter_keeps_its_choice_across_a_sync(
    qtbot: QtBot, profile_store: StoreFactory, store_window: WindowFactory
) -> None:
    store = profile_store(customers=30)
    window = store_window(store)
    start_and_wait(qtbot, window)
    roles = window.role_filter
    assert roles.currentData() == "customer"
    assert row_count(window) == 30

    roles.setCurrentIndex(roles.findData(""))  # "All roles": the admin too
    assert row_count(window) == 31
    with expect(qtbot, window.session.service, SyncFinished, timeout=SHORT):
        action(window, "actionSync").trigger()
    assert row_count(window) == 31
    assert roles.currentData() == "", "the combo box says what the table shows"


def test_a_sync_lists_the_roles_again_only_when_customers_changed(
    qtbot: QtBot, profile_store: StoreFactory, store_window: WindowFactory
) -> None:
    store = profile_store(customers=30)
    window = store_window(store)
    start_and_wait(qtbot, window)
    cache = window.session.cache
    listings: list[int] = []
    role_counts = cache.role_counts

    def counted_roles() -> dict[str, int]:
        listings.append(1)
        return role_counts()

    cache.role_counts = counted_roles  # type: ignore[method-assign]
    with expect(qtbot, window.session.service, SyncFinished, timeout=SHORT):
        action(window, "actionSync").trigger()
    assert listings == [], "nothing changed: the roles were not scanned again"

    subscriber = window.session.model.ids[0]
    with store.db.write() as conn:  # a role change made in the store's admin
        conn.execute(
            "UPDATE users SET role = 'subscriber', last_update = ? WHERE id = ?",
            (int(time.time()) + 5, subscriber),
        )
    with expect(qtbot, window.session.service, SyncFinished, timeout=SHORT):
        action(window, "actionSync").trigger()
    assert listings == [1]
    offered = [window.role_filter.itemData(i) for i in range(window.role_filter.count())]
    assert "subscriber" in offered
    assert window.role_filter.itemText(0) == "Customers (29)"
    assert window.role_filter.findText("Subscribers (1)") >= 0


# -- the detail panel ----------------------------------------------------------------------------


def test_a_selected_customer_shows_in_the_panel_with_orders_and_downloads(
    qtbot: QtBot, demo_window: WindowFactory
) -> None:
    window = demo_window()
    service = window.session.service
    store = window.session.demo
    assert store is not None
    buyer = next(c for c in customers(window) if 3 <= c.orders_count <= 10)

    click_customer(qtbot, window, buyer.id)
    texts = detail_texts(window)
    assert buyer.display_name in texts
    assert buyer.email in texts
    assert action(window, "actionEditCustomer").isEnabled()
    assert action(window, "actionDeleteCustomer").isEnabled()

    orders_page = child(window, QStackedWidget, "ordersTab")
    orders_table = child(window, QTableView, "ordersTable")
    with expect(qtbot, service, OrdersLoaded, timeout=SHORT) as loaded:
        click_tab(qtbot, window, "ordersTab")
        busy = orders_page.currentWidget()
        assert isinstance(busy, QLabel)
        assert busy.text() == "Loading…"
    assert loaded.event.customer_id == buyer.id
    assert orders_table.model().rowCount() == buyer.orders_count
    current = orders_page.currentWidget()
    assert current is not None
    assert current.isAncestorOf(orders_table)
    screenshot(window, "main_window_orders_tab")

    # Someone without orders: the tab says so.
    nobody = next(c for c in customers(window) if c.orders_count == 0)
    with expect(qtbot, service, OrdersLoaded, timeout=SHORT):
        click_customer(qtbot, window, nobody.id)
    empty = orders_page.currentWidget()
    assert isinstance(empty, QLabel)
    assert empty.text() == "No orders yet."
    assert orders_table.model().rowCount() == 0

    # Downloads load on demand too.
    customer_id, downloads = downloader(store)
    click_customer(qtbot, window, customer_id)
    downloads_table = child(window, QTableView, "downloadsTable")
    with expect(qtbot, service, DownloadsLoaded, timeout=SHORT) as downloads_loaded:
        click_tab(qtbot, window, "downloadsTab")
    assert downloads_loaded.event.customer_id == customer_id
    assert downloads_table.model().rowCount() == downloads
    downloads_page = child(window, QStackedWidget, "downloadsTab")
    assert downloads_page.currentWidget() is downloads_table
    screenshot(window, "main_window_downloads_tab")


def buyer_and_nobody(store: DemoStore) -> tuple[int, int, int]:
    """(customer id, number of orders) of the store's biggest buyer, and a customer without
    orders (read from the store's database, not through the app)."""
    db = store.db.connection()
    buyer = db.execute(
        "SELECT customer_id, COUNT(*) FROM orders WHERE customer_id > 0"
        " GROUP BY customer_id ORDER BY 2 DESC, 1 LIMIT 1"
    ).fetchone()
    nobody = db.execute(
        "SELECT id FROM users WHERE role = 'customer'"
        " AND id NOT IN (SELECT customer_id FROM orders) ORDER BY id LIMIT 1"
    ).fetchone()
    assert buyer is not None
    assert nobody is not None
    return int(buyer[0]), int(buyer[1]), int(nobody[0])


def test_the_panel_loads_orders_and_downloads_through_the_stores_api(
    qtbot: QtBot, profile_store: StoreFactory, store_window: WindowFactory
) -> None:
    """The detail panel's tabs on a store of each API (the demo store's test above pins the
    panel itself): a buyer's orders, a customer without any, and a customer's downloads."""
    store = profile_store(customers=40)
    window = store_window(store)
    start_and_wait(qtbot, window)
    service = window.session.service
    buyer, order_count, nobody = buyer_and_nobody(store)
    owner, download_count = downloader(store)

    click_customer(qtbot, window, buyer)
    orders_page = child(window, QStackedWidget, "ordersTab")
    orders_table = child(window, QTableView, "ordersTable")
    with expect(qtbot, service, OrdersLoaded, timeout=SHORT) as loaded:
        click_tab(qtbot, window, "ordersTab")
    assert loaded.event.customer_id == buyer
    assert orders_table.model().rowCount() == order_count
    current = orders_page.currentWidget()
    assert current is not None
    assert current.isAncestorOf(orders_table)

    with expect(qtbot, service, OrdersLoaded, timeout=SHORT):
        click_customer(qtbot, window, nobody)
    empty = orders_page.currentWidget()
    assert isinstance(empty, QLabel)
    assert empty.text() == "No orders yet."

    click_customer(qtbot, window, owner)
    downloads_table = child(window, QTableView, "downloadsTable")
    with expect(qtbot, service, DownloadsLoaded, timeout=SHORT) as downloads_loaded:
        click_tab(qtbot, window, "downloadsTab")
    assert downloads_loaded.event.customer_id == owner
    assert downloads_table.model().rowCount() == download_count
    model = downloads_table.model()
    products = [model.index(row, DownloadColumn.PRODUCT).data() for row in range(download_count)]
    assert all(products), products


def test_downloads_opened_before_the_orders_still_name_their_products(
    qtbot: QtBot, demo_window: WindowFactory
) -> None:
    window = demo_window()
    service = window.session.service
    store = window.session.demo
    assert store is not None
    customer_id, downloads = downloader(store)
    assert window.session.cache.orders(customer_id) is None  # never looked at
    click_tab(qtbot, window, "downloadsTab")
    with (
        expect(qtbot, service, DownloadsLoaded, timeout=SHORT),
        expect(qtbot, service, OrdersLoaded, timeout=SHORT),
    ):
        click_customer(qtbot, window, customer_id)
    model = child(window, QTableView, "downloadsTable").model()
    products = [model.index(row, DownloadColumn.PRODUCT).data() for row in range(downloads)]
    assert products
    assert not [name for name in products if name.startswith("#")], products


# -- create, edit, delete ------------------------------------------------------------------------


def test_a_new_customer_is_created_in_the_store_and_selected(
    qtbot: QtBot, profile_store: StoreFactory, store_window: WindowFactory
) -> None:
    store = profile_store(customers=60)
    window = store_window(store)
    start_and_wait(qtbot, window)
    service = window.session.service

    action(window, "actionNewCustomer").trigger()
    dialog = the_dialog(window)
    assert dialog.customer is None
    qtbot.keyClicks(dialog.email, "grace.hopper@example.com")
    qtbot.keyClicks(dialog.first_name, "Grace")
    qtbot.keyClicks(dialog.last_name, "Hopper")
    assert dialog.save_button.isEnabled()
    screenshot(dialog, "main_window_create_dialog")

    with expect(qtbot, service, CustomerSaved, timeout=SHORT):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert dialog.is_saving
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=SHORT)

    created = store_customer_by_email(store, "grace.hopper@example.com")
    assert created is not None
    assert created["first_name"] == "Grace"
    assert created["role"] == "customer"
    selected = window.selected_customer()
    assert selected is not None
    assert selected.id == created["id"]
    assert selected.email == "grace.hopper@example.com"
    assert row_count(window) == 61
    assert status_text(window, "statusCount") == "61 customers"
    assert "Grace Hopper" in detail_texts(window)


def test_a_store_that_wants_a_password_gets_one_as_each_api_can_tell(
    qtbot: QtBot,
    profile_store: StoreFactory,
    store_window: WindowFactory,
) -> None:
    """The store does not generate passwords (the legacy index's ``meta.generate_password``,
    wc/v3's settings API): the dialog asks for one before saving, and a generated password then
    creates the customer."""
    store = profile_store(customers=5, generate_password=False)
    window = store_window(store)
    start_and_wait(qtbot, window)
    service = window.session.service
    assert window.generate_password is False

    action(window, "actionNewCustomer").trigger()
    dialog = the_dialog(window)
    qtbot.keyClicks(dialog.email, "no.password@example.com")
    message = child(dialog, QLabel, "password_error")
    assert not dialog.save_button.isEnabled(), "the password is asked for first"
    assert dialog.generate_button is not None
    qtbot.mouseClick(dialog.generate_button, Qt.MouseButton.LeftButton)
    assert not message.isVisible()
    with expect(qtbot, service, CustomerSaved, timeout=SHORT):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=SHORT)
    assert store_customer_by_email(store, "no.password@example.com") is not None


def test_creating_with_a_registered_email_shows_the_error_on_the_email_field(
    qtbot: QtBot, profile_store: StoreFactory, store_window: WindowFactory
) -> None:
    store = profile_store(customers=60)
    window = store_window(store)
    start_and_wait(qtbot, window)
    service = window.session.service
    # Registered since the sync: the cache cannot flag it, the store refuses it.
    taken = "registered.since@example.com"
    store.create_user("registeredsince", taken, "customer")

    action(window, "actionNewCustomer").trigger()
    dialog = the_dialog(window)
    qtbot.keyClicks(dialog.email, taken)
    qtbot.keyClicks(dialog.first_name, "Dupe")
    with expect(qtbot, service, RequestFailed, timeout=SHORT) as failed:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert failed.event.kind == "save"

    assert dialog.isVisible(), "the dialog stays open"
    assert not dialog.is_saving
    assert dialog.email.text() == taken, "the input is kept"
    assert dialog.first_name.text() == "Dupe"
    message = child(dialog, QLabel, "email_error")
    assert message.isVisible()
    assert "already" in message.text().lower()
    assert not dialog.save_button.isEnabled(), "the same email would be refused again"
    screenshot(dialog, "main_window_create_dialog_email_taken")
    assert row_count(window) == 60

    # Another email clears the refusal and saves.
    dialog.email.clear()
    qtbot.keyClicks(dialog.email, "dupe.not.any.more@example.com")
    assert not message.isVisible()
    with expect(qtbot, service, CustomerSaved, timeout=SHORT):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=SHORT)
    assert store_customer_by_email(store, "dupe.not.any.more@example.com") is not None


def test_editing_to_a_registered_email_is_reported_as_each_api_answers(
    qtbot: QtBot,
    profile_store: StoreFactory,
    store_profile: StoreProfile,
    store_window: WindowFactory,
) -> None:
    """The legacy API answers 200 and silently keeps the old email: the window says so after
    the save. wc/v3 refuses the update: the dialog stays open with the error by the field."""
    store = profile_store(customers=60)
    window = store_window(store)
    start_and_wait(qtbot, window)
    service = window.session.service
    first = customers(window)[0]
    # Registered since the sync: the cache cannot flag it before saving, the store answers.
    other_email = "registered.since@example.com"
    store.create_user("registeredsince", other_email, "customer")

    click_customer(qtbot, window, first.id)
    action(window, "actionEditCustomer").trigger()
    dialog = the_dialog(window)
    assert dialog.customer is not None
    assert dialog.customer.id == first.id
    assert dialog.email.text() == first.email
    dialog.email.clear()
    qtbot.keyClicks(dialog.email, other_email)
    if store_profile.legacy_customers:
        with expect(qtbot, service, CustomerSaved, timeout=SHORT) as saved:
            qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert saved.arrived
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=SHORT)

        notice = the_message_box(window, NOTICE_OBJECT_NAME)
        assert f"The store kept the email {first.email}" in notice.text()
        assert other_email in notice.text()
        screenshot(notice, "main_window_edit_unapplied_notice")
        notice.close()
    else:
        with expect(qtbot, service, RequestFailed, timeout=SHORT) as failed:
            qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
        assert failed.event.kind == "save"
        assert dialog.isVisible(), "the dialog stays open"
        assert not dialog.is_saving
        assert dialog.email.text() == other_email, "the input is kept"
        message = child(dialog, QLabel, "email_error")
        assert message.isVisible()
        assert "another customer uses it" in message.text()
        assert not dialog.save_button.isEnabled(), "the same email would be refused again"
        assert visible_children(window, QMessageBox, NOTICE_OBJECT_NAME) == []
        screenshot(dialog, "main_window_edit_dialog_email_taken_modern")
        dialog.close()
    # The store and the table still have the old email.
    in_store = store_customer(store, first.id)
    assert in_store is not None
    assert in_store["email"] == first.email
    selected = window.selected_customer()
    assert selected is not None
    assert selected.email == first.email


def test_a_store_error_while_editing_keeps_the_dialog_open_with_the_input(
    qtbot: QtBot, profile_store: StoreFactory, store_window: WindowFactory
) -> None:
    store = profile_store(customers=60)
    window = store_window(store)
    start_and_wait(qtbot, window)
    service = window.session.service
    customer = customers(window)[5]

    click_customer(qtbot, window, customer.id)
    # Enter on the table edits, like a double-click.
    table = child(window, QTableView, "customerTable")
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Return)
    dialog = the_dialog(window)
    dialog.first_name.clear()
    qtbot.keyClicks(dialog.first_name, "Renamed")
    # The store breaks down on every attempt (retries included).
    store.faults.schedule(Fault.SERVER_ERROR, count=20, method="PUT")
    with expect(qtbot, service, RequestFailed, timeout=SHORT) as failed:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert failed.event.kind == "save"
    assert dialog.isVisible()
    assert dialog.first_name.text() == "Renamed"
    banner = child(dialog, QLabel, "storeErrorBanner")
    assert banner.isVisible()
    assert "Your input is kept" in banner.text()
    assert dialog.save_button.isEnabled(), "a breakdown may pass: Save tries again"
    assert window.online, "the store answered, so it is not offline"
    screenshot(dialog, "main_window_edit_dialog_store_error")

    store.faults.clear()
    with expect(qtbot, service, CustomerSaved, timeout=SHORT):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=SHORT)
    in_store = store_customer(store, customer.id)
    assert in_store is not None
    assert in_store["first_name"] == "Renamed"


def test_a_confirmed_delete_removes_the_customer_when_the_store_confirms(
    qtbot: QtBot, profile_store: StoreFactory, store_window: WindowFactory
) -> None:
    store = profile_store(customers=60, latency_ms=30)
    window = store_window(store)
    start_and_wait(qtbot, window)
    service = window.session.service
    victim = next(c for c in customers(window) if c.orders_count > 0)

    click_customer(qtbot, window, victim.id)
    action(window, "actionDeleteCustomer").trigger()
    box = the_message_box(window, "confirmDelete")
    assert victim.display_name in box.text()
    assert victim.email in box.informativeText()
    assert "kept in the store as" in box.informativeText()
    assert "guest order" in box.informativeText()
    screenshot(box, "main_window_delete_confirmation")

    # Cancel changes nothing.
    qtbot.mouseClick(button(box, "Cancel"), Qt.MouseButton.LeftButton)
    assert not box.isVisible()
    assert window.session.model.row_of(victim.id) is not None

    action(window, "actionDeleteCustomer").trigger()
    box = the_message_box(window, "confirmDelete")
    with expect(qtbot, service, CustomerDeleted, timeout=SHORT) as deleted:
        qtbot.mouseClick(button(box, "Delete"), Qt.MouseButton.LeftButton)
        assert window.session.model.row_of(victim.id) is not None, "gone only when confirmed"
    assert deleted.event.customer_id == victim.id
    assert window.session.model.row_of(victim.id) is None
    assert row_count(window) == 59
    assert status_text(window, "statusCount") == "59 customers"
    # The store has one account less, and the copy is as complete as before.
    qtbot.waitUntil(
        lambda: status_text(window, "statusCoverage") == "All 60 accounts on this computer",
        timeout=SHORT,
    )
    message = window.statusBar().currentMessage()
    assert victim.display_name in message
    assert "guest order" in message
    assert store_customer(store, victim.id) is None
    # The selection moves to the neighbouring row, and the panel shows whom it selects.
    shown, selected = window.detail.customer, window.selected_customer()
    assert shown is None or shown.id != victim.id
    assert (shown.id if shown else None) == (selected.id if selected else None)
    assert window.table.selectionModel().isRowSelected(window.table.currentIndex().row())

    # Someone without orders is not told about orders that do not exist.
    buyerless = next(c for c in customers(window) if c.orders_count == 0)
    click_customer(qtbot, window, buyerless.id)
    action(window, "actionDeleteCustomer").trigger()
    box = the_message_box(window, "confirmDelete")
    assert "They have no orders." in box.informativeText()
    assert "guest" not in box.informativeText()
    qtbot.mouseClick(button(box, "Cancel"), Qt.MouseButton.LeftButton)
    action(window, "actionDeleteCustomer").trigger()
    box = the_message_box(window, "confirmDelete")
    with expect(qtbot, service, CustomerDeleted, timeout=SHORT):
        qtbot.mouseClick(button(box, "Delete"), Qt.MouseButton.LeftButton)
    message = window.statusBar().currentMessage()
    assert buyerless.display_name in message
    assert "guest" not in message
    qtbot.waitUntil(
        lambda: status_text(window, "statusCoverage") == "All 59 accounts on this computer",
        timeout=SHORT,
    )


def test_find_by_email_selects_the_customer_even_when_the_view_hides_them(
    qtbot: QtBot, profile_store: StoreFactory, store_window: WindowFactory
) -> None:
    store = profile_store(customers=40)
    window = store_window(store)
    start_and_wait(qtbot, window)
    service = window.session.service
    wanted, other = customers(window)[7], customers(window)[20]
    type_search(qtbot, window, other.email.split("@")[0])
    assert window.session.model.row_of(wanted.id) is None

    def answer(text: str) -> Callable[[], None]:
        def fill() -> None:
            dialog = QApplication.activeModalWidget()
            assert isinstance(dialog, QInputDialog)
            dialog.setTextValue(text)
            dialog.accept()

        return fill

    # The question is modal (a nested event loop): answer it from that loop.
    QTimer.singleShot(0, answer(wanted.email.upper()))
    with expect(qtbot, service, CustomerFound, timeout=SHORT):
        action(window, "actionFindByEmail").trigger()
    selected = window.selected_customer()
    assert selected is not None
    assert selected.id == wanted.id
    assert window.search_field.text() == ""
    assert window.detail.customer is not None
    assert window.detail.customer.id == wanted.id

    QTimer.singleShot(0, answer("nobody.at.all@example.com"))
    with expect(qtbot, service, CustomerFound, timeout=SHORT):
        action(window, "actionFindByEmail").trigger()
    banner = child(window, QWidget, "errorBanner")
    assert banner.isVisible()
    assert "No customer in the store has that email address." in [
        label.text() for label in banner.findChildren(QLabel)
    ]
    current = window.selected_customer()
    assert current is not None
    assert current.id == wanted.id, "a miss leaves the selection alone"


# -- offline and shutdown ------------------------------------------------------------------------


@pytest.mark.slow
def test_offline_keeps_the_cache_searchable_and_reconnecting_syncs(
    qtbot: QtBot, profile_store: StoreFactory, store_window: WindowFactory
) -> None:
    store = profile_store(customers=60)
    window = store_window(store)
    start_and_wait(qtbot, window)
    service = window.session.service
    everyone = customers(window)
    someone = everyone[10]
    click_customer(qtbot, window, someone.id)

    store.faults.schedule(Fault.RESET, count=1000)
    with expect(qtbot, service, OnlineChanged, timeout=SHORT) as changed:
        action(window, "actionSync").trigger()
    assert changed.event == OnlineChanged(False)
    assert not window.online
    assert re.fullmatch(
        r"Offline – showing data from \d\d:\d\d", status_text(window, "statusOnline")
    )
    for name in STORE_ACTIONS:
        assert not action(window, name).isEnabled(), name
        assert action(window, name).toolTip() == OFFLINE_TOOLTIP, name
    assert action(window, "actionConnect").isEnabled()
    assert child(window, QWidget, "errorBanner").isVisible()

    # Everything cached is still there and searchable.
    assert row_count(window) == 60
    type_search(qtbot, window, someone.email.split("@")[0])
    assert someone.id in {c.id for c in customers(window)}
    assert row_count(window) < 60
    # Orders never loaded cannot be shown: the tab says why instead of spinning.
    click_tab(qtbot, window, "ordersTab")
    message = child(window, QStackedWidget, "ordersTab").currentWidget()
    assert isinstance(message, QLabel)
    assert message.text() == "Orders are shown once the store is back."
    screenshot(window, "main_window_offline")

    # The store comes back: the window notices and catches up.
    reconnect = reconnect_timer(window)
    assert reconnect.isActive(), "an offline window checks for the store"
    store.faults.clear()
    back = heard(service, OnlineChanged)
    with expect_all(qtbot, service, OnlineChanged, SyncFinished, timeout=SHORT):
        reconnect.setInterval(50)
    assert [event.online for event in back] == [True]
    assert window.online
    assert not child(window, QWidget, "errorBanner").isVisible()
    assert not reconnect.isActive()
    assert re.fullmatch(r"Online · synced \d\d:\d\d", status_text(window, "statusOnline"))
    for name in ("actionNewCustomer", "actionSync", "actionEditCustomer"):
        assert action(window, name).isEnabled(), name


@pytest.mark.slow
def test_a_failed_sync_does_not_leave_its_progress_in_the_status_bar(
    qtbot: QtBot, profile_store: StoreFactory, store_window: WindowFactory
) -> None:
    store = profile_store(customers=30)
    window = store_window(store)
    start_and_wait(qtbot, window)
    store.faults.schedule(Fault.RESET, count=1000)
    with expect(qtbot, window.session.service, RequestFailed, timeout=SHORT):
        action(window, "actionSync").trigger()
    assert "…" not in window.statusBar().currentMessage()


def test_an_unreachable_demo_store_shows_as_offline(
    qtbot: QtBot, demo_window: WindowFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The demo session builds its own connection: make it retry quickly, as outages are
    # simulated here, not waited out.
    monkeypatch.setattr(
        session_module,
        "StoreConnection",
        functools.partial(StoreConnection, backoff=0.01, max_backoff=0.05),
    )
    window = demo_window()
    store = window.session.demo
    assert store is not None
    store.faults.schedule(Fault.RESET, count=1000)
    with expect(qtbot, window.session.service, OnlineChanged, timeout=SHORT):
        action(window, "actionSync").trigger()
    assert not window.online
    assert not action(window, "actionSync").isEnabled()
    assert status_text(window, "statusOnline").startswith("Offline")


def test_closing_right_after_typing_a_search_cancels_it(
    qtbot: QtBot, demo_window: WindowFactory
) -> None:
    window = demo_window()
    qtbot.keyClicks(window.search_field, "ber")
    debounce = window.customer_list.search_timer
    assert debounce.isActive()
    window.close()
    try:
        assert not debounce.isActive(), "a search after close reads the closed cache"
    finally:
        debounce.stop()  # this bug must not break the tests that follow


def test_closing_during_a_full_sync_stops_the_worker_promptly(
    qtbot: QtBot, profile_store: StoreFactory, url_window: WindowFactory
) -> None:
    store = profile_store(customers=2000, latency_ms=100)
    window = url_window(store)
    service = window.session.service
    thread = worker_thread(window)
    with expect(qtbot, service, BusyChanged, timeout=SHORT):
        action(window, "actionFullSync").trigger()
    assert service.busy

    window.close()  # stops the thread within its 5 s wait (how soon: a row of bench_waits)
    assert thread.isFinished()
    assert not window.isVisible()
    assert row_count(window) < 2000, "closed in the middle of the sync"


# -- settings ------------------------------------------------------------------------------------


def test_the_layout_is_remembered_for_the_next_start(
    qtbot: QtBot, tmp_path: Path, windows: list[MainWindow]
) -> None:
    data_dir = str(tmp_path / "data")
    window = build(["--demo", "--data-dir", data_dir])
    windows.append(window)
    window.show()
    qtbot.waitExposed(window)
    header = child(window, QTableView, "customerTable").horizontalHeader()
    assert window.columns.is_wanted(CustomerColumn.CITY)
    window.columns.set_wanted(CustomerColumn.CITY, False)  # as the View menu does
    header.resizeSection(CustomerColumn.NAME, 230)  # (email takes what is left)
    header.moveSection(header.visualIndex(CustomerColumn.COUNTRY), 1)
    # Within the (offscreen) screen: a restored geometry is fitted to the screen.
    window.resize(760, 560)
    qtbot.waitUntil(sized(window, 760, 560))
    window.close()

    again = build(["--demo", "--data-dir", data_dir])
    windows.append(again)
    again.show()
    qtbot.waitExposed(again)
    header = child(again, QTableView, "customerTable").horizontalHeader()
    assert header.isSectionHidden(CustomerColumn.CITY)
    assert not again.columns.is_wanted(CustomerColumn.CITY)
    assert header.sectionSize(CustomerColumn.NAME) == 230
    assert header.visualIndex(CustomerColumn.COUNTRY) == 1
    assert again.size().toTuple() == (760, 560)


def test_a_first_window_fits_on_the_screen(
    qtbot: QtBot, tmp_path: Path, windows: list[MainWindow]
) -> None:
    window = build(["--demo", "--data-dir", str(tmp_path / "data")])
    windows.append(window)
    screen = QApplication.primaryScreen().availableGeometry()
    assert window.width() <= screen.width()
    assert window.height() <= screen.height()


def test_the_list_opens_from_the_cache_before_any_sync(
    qtbot: QtBot, tmp_path: Path, demo_window: WindowFactory, windows: list[MainWindow]
) -> None:
    """Issue 5.2: the second launch shows every cached customer at once, with no sync yet."""
    first = demo_window()
    first.close()
    windows.remove(first)
    again = build(["--demo", "--data-dir", str(tmp_path / "data")])
    windows.append(again)
    assert row_count(again) == DEMO_CUSTOMERS  # built, not started: straight from the cache
    assert status_text(again, "statusCount") == f"{DEMO_CUSTOMERS} customers"


# -- store switcher ------------------------------------------------------------------------------


def _choose_store(window: MainWindow, text: str) -> None:
    """Pick an entry of the toolbar's store switcher as a user does."""
    switcher = window.store_switcher
    index = switcher.findText(text)
    assert index >= 0, (
        f"no store {text!r} in {[switcher.itemText(i) for i in range(switcher.count())]}"
    )
    switcher.setCurrentIndex(index)
    switcher.activated.emit(index)


@pytest.mark.slow
def test_the_store_switcher_opens_saved_stores_and_the_demo_store(
    qtbot: QtBot,
    tmp_path: Path,
    windows: list[MainWindow],
    profile_store: StoreFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.paths import AppPaths
    from app.stores.profiles import Profiles, ProfileStore, StoreProfile
    from app.stores.secrets import FileSecrets, KeyringSecrets

    monkeypatch.setattr(KeyringSecrets, "available", staticmethod(lambda: False))
    shop = profile_store(customers=12)
    config = AppPaths.under(tmp_path / "data").config_dir
    ProfileStore(config / "stores.json").save(
        Profiles([StoreProfile("Shop", shop.base_url), StoreProfile("Gone", "https://gone.test")])
    )
    FileSecrets(config / "secrets.json").put(shop.base_url, shop.consumer_key, shop.consumer_secret)
    window = build(["--demo", "--data-dir", str(tmp_path / "data")])
    windows.append(window)
    window.show()
    start_and_wait(qtbot, window)
    switcher = window.store_switcher
    assert [switcher.itemText(i) for i in range(switcher.count())] == [
        "Shop",
        "Gone",
        "Demo store",
        "",
        "Connect another store…",
    ]
    assert switcher.currentText() == "Demo store"
    header = window.table.horizontalHeader()
    header.resizeSection(CustomerColumn.NAME, 222)
    window.search_field.setText("zz-nobody")

    _choose_store(window, "Shop")  # the new session starts syncing at once
    qtbot.waitUntil(lambda: row_count(window) == 12, timeout=LONG)
    # The user's columns stay; the old store's search does not.
    assert header.sectionSize(CustomerColumn.NAME) == 222
    assert header.isSectionHidden(CustomerColumn.USERNAME)
    assert window.search_field.text() == ""
    assert window.session.connection.url == shop.base_url
    assert not window.session.is_demo
    assert row_count(window) == 12
    assert switcher.currentText() == "Shop"
    assert not window.demo_bar.isVisible()
    assert ProfileStore(config / "stores.json").load().current == "Shop"

    # A store whose keys are not on this computer: said so, and the shown store stays.
    _choose_store(window, "Gone")
    assert window.session.connection.url == shop.base_url
    assert switcher.currentText() == "Shop"
    banner = child(window, QWidget, "errorBanner")
    assert banner.isVisible()
    assert any(
        "keys of “Gone” are not saved" in label.text() for label in banner.findChildren(QLabel)
    )

    _choose_store(window, "Demo store")
    qtbot.waitUntil(lambda: row_count(window) == DEMO_CUSTOMERS, timeout=LONG)
    assert window.session.is_demo
    assert row_count(window) == DEMO_CUSTOMERS
    assert ProfileStore(config / "stores.json").load().current is None


def test_a_sync_that_cannot_prove_itself_removes_nothing_and_offers_a_full_check(
    qtbot: QtBot,
    profile_store: StoreFactory,
    store_window: WindowFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.api.walk import CustomerWalk

    store = profile_store(customers=30)
    window = store_window(store)
    start_and_wait(qtbot, window)
    assert status_text(window, "statusCoverage") == "All 31 accounts on this computer"
    # From now on the store seems to change under every walk (a busy store during a sale).
    monkeypatch.setattr(
        CustomerWalk, "_end_still_holds", lambda self, end, last: (False, False, None)
    )
    with expect(qtbot, window.session.service, SyncFinished, timeout=LONG):
        window.full_sync()
    assert window.banner.isVisible()
    assert "could not be accounted for" in child(window.banner, QLabel, "").text()
    assert row_count(window) == 30, "nothing was removed on an unproven walk"
    assert "could not be accounted for" in status_text(window, "statusCoverage")
    monkeypatch.undo()
    with expect(qtbot, window.session.service, SyncFinished, timeout=LONG):
        button(window.banner, "Retry").click()
    assert not window.banner.isVisible()
    assert status_text(window, "statusCoverage") == "All 31 accounts on this computer"


# -- per-store state: a switch starts the new store afresh ----------------------------------------


@pytest.fixture
def switching_window(
    qtbot: QtBot,
    tmp_path: Path,
    windows: list[MainWindow],
    profile_store: StoreFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[[], tuple[MainWindow, DemoStore]]:
    """A started window on the demo store that also knows a saved store "Shop" (12 customers).

    Connections retry quickly: outages are simulated, not waited out.
    """
    from app.paths import AppPaths
    from app.stores.profiles import Profiles, ProfileStore, StoreProfile
    from app.stores.secrets import FileSecrets, KeyringSecrets
    from app.ui import stores as stores_module

    fast = functools.partial(StoreConnection, backoff=0.01, max_backoff=0.05)
    monkeypatch.setattr(session_module, "StoreConnection", fast)
    monkeypatch.setattr(stores_module, "StoreConnection", fast)
    monkeypatch.setattr(KeyringSecrets, "available", staticmethod(lambda: False))

    def make() -> tuple[MainWindow, DemoStore]:
        shop = profile_store(customers=12)
        config = AppPaths.under(tmp_path / "data").config_dir
        ProfileStore(config / "stores.json").save(Profiles([StoreProfile("Shop", shop.base_url)]))
        FileSecrets(config / "secrets.json").put(
            shop.base_url, shop.consumer_key, shop.consumer_secret
        )
        window = build(["--demo", "--data-dir", str(tmp_path / "data")])
        windows.append(window)
        window.show()
        qtbot.waitExposed(window)
        start_and_wait(qtbot, window)
        return window, shop

    return make


def _assert_fresh_online_store(qtbot: QtBot, window: MainWindow, title: str) -> None:
    """The window shows the store it switched to, answering, with nothing of the one before."""
    qtbot.waitUntil(lambda: row_count(window) == 12, timeout=LONG)
    assert window.online
    assert not window.banner.isVisible()
    assert not reconnect_timer(window).isActive()
    assert status_text(window, "statusOnline").startswith("Online")
    assert window.store_switcher.currentText() == title
    assert window.windowTitle() == f"{title} – Woo Customers"
    click_customer(qtbot, window, customers(window)[0].id)
    for name in STORE_ACTIONS:
        assert action(window, name).isEnabled(), name
        assert action(window, name).toolTip() != OFFLINE_TOOLTIP, name


@pytest.mark.parametrize("state", ["online", "offline", "syncing", "importing"])
@pytest.mark.slow
def test_switching_stores_starts_the_new_store_afresh_in_every_state(
    qtbot: QtBot,
    tmp_path: Path,
    switching_window: Callable[[], tuple[MainWindow, DemoStore]],
    state: str,
) -> None:
    window, _shop = switching_window()
    demo = window.session.demo
    assert demo is not None
    if state == "offline":
        demo.faults.schedule(Fault.RESET, count=1000)
        with expect(qtbot, window.session.service, OnlineChanged, timeout=SHORT):
            action(window, "actionSync").trigger()
        assert not window.online
        assert window.banner.isVisible()
    elif state == "syncing":
        window.full_sync()
        qtbot.waitUntil(lambda: window.session.service.busy, timeout=SHORT)
    elif state == "importing":
        csv = tmp_path / "people.csv"
        csv.write_text("email,first_name\nnew.person@example.com,New\n", encoding="utf-8")
        dialog = window.transfers.open_import(csv)
        assert dialog is not None
        assert dialog.isVisible()

    _choose_store(window, "Shop")
    _assert_fresh_online_store(qtbot, window, "Shop")
    assert not visible_children(window, QWidget, "importDialog"), "the old store's import"
    # The new store's own first sync may still be checking for deleted customers once its rows
    # are listed; only what is left after it has ended can be the old store's.
    qtbot.waitUntil(lambda: not window.session.service.busy, timeout=LONG)
    assert "…" not in window.statusBar().currentMessage(), "the old store's progress"


def _banner_buttons(window: MainWindow) -> list[str]:
    return [
        b.text().replace("&", "")
        for b in window.banner.findChildren(QAbstractButton)
        if b.isVisibleTo(window.banner)
    ]


def test_offline_offers_reconnect_and_a_dismissed_banner_stays_away_for_the_outage(
    qtbot: QtBot, profile_store: StoreFactory, store_window: WindowFactory
) -> None:
    store = profile_store(customers=20)
    window = store_window(store)
    start_and_wait(qtbot, window)
    service = window.session.service
    reconnect = action(window, "actionReconnect")
    assert not reconnect.isEnabled(), "nothing to reconnect to while the store answers"
    assert not reconnect.isVisible()

    store.faults.schedule(Fault.RESET, count=1000)
    with expect(qtbot, service, OnlineChanged, timeout=SHORT):
        action(window, "actionSync").trigger()
    assert window.banner.isVisible()
    assert "Retry" in _banner_buttons(window)
    # While offline Sync cannot be used: Reconnect can, from the menu, the toolbar and F5.
    assert not action(window, "actionSync").isEnabled()
    assert reconnect.isEnabled()
    assert reconnect.isVisible()
    assert reconnect.shortcut().toString() == "F5"
    toolbar = child(window, QWidget, "mainToolbar")
    assert reconnect in toolbar.actions()
    assert any(reconnect in menu.actions() for menu in window.menuBar().findChildren(QMenu))

    # Retry tries again and stays for as long as the store cannot be reached, whoever asked.
    with expect(qtbot, service, RequestFailed, timeout=SHORT):
        button(window.banner, "Retry").click()
    assert window.banner.isVisible()
    assert "Retry" in _banner_buttons(window)
    with expect(qtbot, service, RequestFailed, timeout=SHORT):
        reconnect_timer(window).timeout.emit()  # the periodic check
    assert window.banner.isVisible()
    assert "Retry" in _banner_buttons(window)

    # Dismissed: the same outage does not bring it back (nor push the table down).
    table_top = window.table.mapTo(window, QPoint(0, 0)).y()
    button(window.banner, "Dismiss").click()
    qtbot.waitUntil(lambda: window.table.mapTo(window, QPoint(0, 0)).y() < table_top)
    asked: list[bool] = []
    reconnect.triggered.connect(lambda: asked.append(True))

    def press_f5() -> None:
        qtbot.keyClick(window.table, Qt.Key.Key_F5)

    for trigger in (reconnect_timer(window).timeout.emit, reconnect.trigger, press_f5):
        with expect(qtbot, service, RequestFailed, timeout=SHORT):
            trigger()
        assert not window.banner.isVisible()
    assert status_text(window, "statusOnline").startswith("Offline")
    assert asked == [True, True], "F5 reconnects while the store cannot be reached"

    # Reconnect once the store is back: online, synced, Reconnect gone.
    store.faults.clear()
    with expect_all(qtbot, service, OnlineChanged, SyncFinished, timeout=SHORT):
        reconnect.trigger()
    assert window.online
    assert not reconnect.isEnabled()
    assert "Online" in status_text(window, "statusOnline")

    # A new outage is news again.
    store.faults.schedule(Fault.RESET, count=1000)
    with expect(qtbot, service, OnlineChanged, timeout=SHORT):
        action(window, "actionSync").trigger()
    assert window.banner.isVisible()


def test_the_window_title_is_the_name_the_user_gave_the_store_online_and_offline(
    qtbot: QtBot, switching_window: Callable[[], tuple[MainWindow, DemoStore]]
) -> None:
    window, shop = switching_window()
    assert window.windowTitle().startswith("Demo store")
    service_before = window.session.service
    _choose_store(window, "Shop")
    assert window.session.service is not service_before
    service = window.session.service
    # The switch's own sync done too: a Sync asked while it runs joins it (and it may already
    # have read everything before the outage below begins).
    qtbot.waitUntil(
        lambda: window.session.state.store_info is not None and not service.busy, timeout=LONG
    )
    info = window.session.state.store_info
    assert info is not None
    assert info.name != "Shop", "the store calls itself otherwise"
    assert window.windowTitle() == "Shop – Woo Customers"
    shop.faults.schedule(Fault.RESET, count=1000)
    with expect(qtbot, service, OnlineChanged, timeout=SHORT):
        action(window, "actionSync").trigger()
    assert window.windowTitle() == "Shop – Woo Customers"
    assert window.store_switcher.currentText() == "Shop"


def test_edit_and_delete_are_disabled_once_a_search_hides_the_selected_customer(
    qtbot: QtBot, demo_window: WindowFactory
) -> None:
    window = demo_window()
    everyone = customers(window)
    chosen, other = everyone[0], everyone[-1]
    click_customer(qtbot, window, chosen.id)
    assert action(window, "actionEditCustomer").isEnabled()
    assert action(window, "actionDeleteCustomer").isEnabled()

    type_search(qtbot, window, other.email)
    assert window.session.model.row_of(chosen.id) is None
    assert window.selected_customer() is None
    assert not action(window, "actionEditCustomer").isEnabled()
    assert not action(window, "actionDeleteCustomer").isEnabled()
    assert action(window, "actionNewCustomer").isEnabled()

    # Clearing the search does not bring a selection back by itself.
    window.search_field.clear()
    qtbot.waitUntil(lambda: row_count(window) == DEMO_CUSTOMERS, timeout=SHORT)
    assert (window.selected_customer() is None) == (
        not action(window, "actionEditCustomer").isEnabled()
    )


# -- money (issue 14, item 4) --------------------------------------------------------------------


def test_money_is_written_the_stores_way_and_kept_for_the_next_start(
    qtbot: QtBot, tmp_path: Path, demo_window: WindowFactory, windows: list[MainWindow]
) -> None:
    """The store's "$" (its index's "&#36;" decoded) in the table and the panel; kept in the
    cache, so the next start shows it before the store has answered (and offline)."""
    first = demo_window()
    qtbot.waitUntil(lambda: first.session.state.store_info is not None, timeout=LONG)
    info = first.session.state.store_info
    assert info is not None
    assert info.money.symbol == "$"
    model = first.session.model
    assert model.money_format == info.money
    shown = [
        model.data(model.index(row, CustomerColumn.TOTAL_SPENT)) for row in range(model.rowCount())
    ]
    assert any(text.startswith("$") for text in shown)
    assert not any(text[:1].isdigit() for text in shown)  # no bare "1234.50" left
    assert first.detail._money == info.money
    assert first.session.cache.money_format() == info.money
    first.close()
    windows.remove(first)

    again = build(["--demo", "--data-dir", str(tmp_path / "data")])
    windows.append(again)
    # Built, not started: the store has not been asked yet.
    assert again.session.state.store_info is None
    assert again.session.model.money_format == info.money
    assert again.detail._money == info.money
