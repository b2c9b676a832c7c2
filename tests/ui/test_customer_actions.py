"""Several customers at once: the extended selection, the row menu, a delete of several with its
progress and summary, Export selected…, Copy emails, and the way out to the WordPress admin.

Windows talk to demo stores on 127.0.0.1 through the app's worker, as in test_main_window.py;
the browser is never opened (``QDesktopServices.openUrl`` is replaced by a recorder), and the
file dialog answers with a path in the test's folder.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QLabel,
    QProgressBar,
    QToolButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.demo_store import DemoStore
from app.domain.customer import Customer, Figures
from app.models.customer_model import CustomerColumn
from app.services.events import CustomersDeleted, DeleteProgressed, ExportFinished
from app.ui import transfers as transfers_module
from app.ui.customer_actions import (
    DEMO_ADMIN_TIP,
    LISTED_IN_SUMMARY,
    customer_admin_url,
    deletion_summary,
    emails_for_clipboard,
    order_admin_url,
)
from app.ui.customer_dialog import CustomerDialog
from app.ui.main_window import MainWindow
from app.workers.events import DeleteFailure, DeleteManyResult
from tests.conftest import GUI_PROFILES, StoreFactory
from tests.support.events import expect, on
from tests.support.windows import (
    LONG,
    SHORT,
    WindowFactory,
    action,
    button,
    child,
    click_customer,
    click_tab,
    customers,
    row_count,
    screenshot,
    start_and_wait,
    status_text,
    store_customer,
    the_message_box,
    visible_children,
)

pytestmark = [
    pytest.mark.qt_log_ignore(
        r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)"
    ),
    pytest.mark.profiles(*GUI_PROFILES, reason="the window's clients: legacy and wc/v3"),
]


# -- helpers -------------------------------------------------------------------------------------


def ctrl_click(qtbot: QtBot, window: MainWindow, customer_id: int) -> None:
    """Ctrl+click a customer's row: adds it to (or takes it from) the selection."""
    row = window.session.model.row_of(customer_id)
    assert row is not None, f"customer {customer_id} is not in the table"
    index = window.session.model.index(row, CustomerColumn.NAME)
    window.table.scrollTo(index)
    qtbot.mouseClick(
        window.table.viewport(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.ControlModifier,
        window.table.visualRect(index).center(),
    )


def select(qtbot: QtBot, window: MainWindow, chosen: list[Customer]) -> None:
    """Click the first customer, Ctrl+click the others, as a user picks several."""
    click_customer(qtbot, window, chosen[0].id)
    for customer in chosen[1:]:
        ctrl_click(qtbot, window, customer.id)
    assert sorted(window.customer_actions.selected_ids()) == sorted(c.id for c in chosen)


def in_table_order(window: MainWindow, chosen: list[Customer]) -> list[Customer]:
    def row(customer: Customer) -> int:
        found = window.session.model.row_of(customer.id)
        assert found is not None
        return found

    return sorted(chosen, key=row)


def banner_text(window: MainWindow) -> str:
    banner = child(window, QWidget, "errorBanner")
    return "\n".join(label.text() for label in banner.findChildren(QLabel) if label.text())


def remove_from_store(store: DemoStore, customer_id: int) -> None:
    """Delete a customer behind the app's back (another admin did): the store then refuses the
    app's delete of them (404), a refusal rather than an outage."""
    with store.db.write() as conn:
        conn.execute("DELETE FROM users WHERE id = ?", (customer_id,))


@pytest.fixture
def opened_urls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What would have been opened in the browser, instead of opening it."""
    opened: list[str] = []

    def record(url: QUrl) -> bool:
        opened.append(url.toString())
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(record))
    return opened


def started(
    qtbot: QtBot, profile_store: StoreFactory, store_window: WindowFactory, **options: Any
) -> tuple[MainWindow, DemoStore]:
    store = profile_store(**options)
    window = store_window(store)
    start_and_wait(qtbot, window)
    return window, store


# -- the selection and the menu ------------------------------------------------------------------


def test_several_rows_can_be_selected_and_edit_wants_exactly_one(
    qtbot: QtBot, profile_store: StoreFactory, store_window: WindowFactory
) -> None:
    window, _store = started(qtbot, profile_store, store_window, customers=20)
    assert window.table.selectionMode() == QAbstractItemView.SelectionMode.ExtendedSelection
    first, second, third = customers(window)[2], customers(window)[5], customers(window)[9]

    click_customer(qtbot, window, first.id)
    assert action(window, "actionEditCustomer").isEnabled()
    assert action(window, "actionOpenInAdmin").isEnabled()

    count = child(window, QLabel, "statusCount")
    assert count.text() == "20 customers"
    ctrl_click(qtbot, window, second.id)
    ctrl_click(qtbot, window, third.id)
    assert window.customer_actions.selected_ids() == [first.id, second.id, third.id]
    assert count.text() == "20 customers · 3 selected"
    # The panel shows the current row (the last one clicked); Edit does not guess which of
    # three is meant, Delete acts on all three.
    assert window.detail.customer is not None
    assert window.detail.customer.id == third.id
    edit = action(window, "actionEditCustomer")
    assert not edit.isEnabled()
    assert "Select one customer" in edit.toolTip()
    assert action(window, "actionDeleteCustomer").isEnabled()
    assert not action(window, "actionOpenInAdmin").isEnabled()
    window.table.doubleClicked.emit(window.table.currentIndex())
    assert not visible_children(window, CustomerDialog), "a double-click edits one customer only"

    # Back to one: Edit works again.
    click_customer(qtbot, window, second.id)
    assert window.customer_actions.selected_ids() == [second.id]
    assert count.text() == "20 customers"
    assert action(window, "actionEditCustomer").isEnabled()


def test_the_row_menu_offers_the_actions_on_the_selection(
    qtbot: QtBot, profile_store: StoreFactory, store_window: WindowFactory
) -> None:
    window, _store = started(qtbot, profile_store, store_window, customers=5)
    # The right-click menu is the table's own action list (contract: these objectNames).
    assert window.table.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
    names = [each.objectName() for each in window.table.actions() if not each.isSeparator()]
    assert names == [
        "actionEditCustomer",
        "actionDeleteCustomer",
        "actionCopyEmails",
        "actionExportSelected",
        "actionOpenInAdmin",
    ]
    for name in ("actionOpenInAdmin", "actionExportSelected"):
        assert window.findChild(QAction, name) is not None
    # Nothing selected: nothing to act on.
    assert not window.customer_actions.selected_ids()
    for name in ("actionCopyEmails", "actionExportSelected", "actionDeleteCustomer"):
        assert not action(window, name).isEnabled(), name
    # A window without a data folder exports nothing (as Export CSV…), selection or not.
    click_customer(qtbot, window, customers(window)[0].id)
    assert action(window, "actionCopyEmails").isEnabled()
    assert not action(window, "actionExportCsv").isEnabled()
    assert not action(window, "actionExportSelected").isEnabled()


def test_copy_emails_puts_the_selected_addresses_on_the_clipboard_comma_separated(
    qtbot: QtBot, profile_store: StoreFactory, store_window: WindowFactory
) -> None:
    window, _store = started(qtbot, profile_store, store_window, customers=12)
    chosen = [customers(window)[i] for i in (7, 1, 4)]
    select(qtbot, window, chosen)
    QGuiApplication.clipboard().clear()

    action(window, "actionCopyEmails").trigger()
    expected = ", ".join(c.email for c in in_table_order(window, chosen))
    assert QGuiApplication.clipboard().text() == expected
    assert "Copied 3 email addresses" in window.statusBar().currentMessage()


def test_export_selected_writes_exactly_the_selected_customers(
    qtbot: QtBot,
    profile_store: StoreFactory,
    url_window: WindowFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = url_window(profile_store(customers=30))  # built as the app is: it has a data folder
    start_and_wait(qtbot, window)
    target = tmp_path / "chosen.csv"
    filters = list(transfers_module.EXPORT_FILTERS)
    # The save dialog, answered: the same question Export CSV… asks.
    monkeypatch.setattr(
        QFileDialog,
        "getSaveFileName",
        staticmethod(lambda *_args, **_kwargs: (str(target), filters[0])),
    )
    chosen = [customers(window)[i] for i in (20, 3, 11, 12)]
    select(qtbot, window, chosen)

    with expect(qtbot, window.session.service, ExportFinished, timeout=SHORT) as finished:
        action(window, "actionExportSelected").trigger()
    assert finished.event.count == 4
    with target.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    # Exactly the selected rows, in the table's order; nobody else.
    assert [int(row["ID"]) for row in rows] == [c.id for c in in_table_order(window, chosen)]
    assert "Exported 4 customers" in window.statusBar().currentMessage()


# -- the WordPress admin -------------------------------------------------------------------------


def test_open_in_admin_opens_the_customer_and_the_order_edit_pages(
    qtbot: QtBot,
    profile_store: StoreFactory,
    store_window: WindowFactory,
    opened_urls: list[str],
) -> None:
    window, _store = started(qtbot, profile_store, store_window, customers=30)
    store_url = window.session.connection.url
    buyer = next(c for c in customers(window) if c.orders_count > 0)
    click_customer(qtbot, window, buyer.id)

    action(window, "actionOpenInAdmin").trigger()
    assert opened_urls == [f"{store_url}/wp-admin/user-edit.php?user_id={buyer.id}"]

    click_tab(qtbot, window, "ordersTab")
    orders_table = window.detail.orders_table
    qtbot.waitUntil(lambda: window.detail.orders_model.rowCount() > 0, timeout=SHORT)
    assert orders_table.contextMenuPolicy() == Qt.ContextMenuPolicy.ActionsContextMenu
    open_order = action(window, "actionOpenOrderInAdmin")
    assert open_order in orders_table.actions()
    orders_table.selectRow(0)
    order = window.detail.orders_model.order_at(0)
    assert order is not None
    assert open_order.isEnabled()
    open_order.trigger()
    # The classic edit address: WooCommerce redirects it to the HPOS editor when HPOS is on.
    assert opened_urls[-1] == f"{store_url}/wp-admin/post.php?post={order.id}&action=edit"


def test_the_demo_store_has_no_admin_to_open(
    qtbot: QtBot, demo_window: Callable[[], MainWindow], opened_urls: list[str]
) -> None:
    window = demo_window()
    click_customer(qtbot, window, customers(window)[0].id)
    open_customer = action(window, "actionOpenInAdmin")
    assert not open_customer.isEnabled()
    assert open_customer.toolTip() == DEMO_ADMIN_TIP
    assert not action(window, "actionOpenOrderInAdmin").isEnabled()
    window.customer_actions.open_in_admin()  # even when asked directly: nowhere to go
    assert opened_urls == []


def test_admin_addresses() -> None:
    assert (
        customer_admin_url("https://shop.example/wp/", 42)
        == "https://shop.example/wp/wp-admin/user-edit.php?user_id=42"
    )
    assert (
        order_admin_url("https://shop.example", 7)
        == "https://shop.example/wp-admin/post.php?post=7&action=edit"
    )


# -- deleting several ----------------------------------------------------------------------------


@pytest.mark.slow
def test_deleting_several_customers_asks_once_shows_progress_and_keeps_the_copy_complete(
    qtbot: QtBot, profile_store: StoreFactory, store_window: WindowFactory
) -> None:
    window, store = started(qtbot, profile_store, store_window, customers=40, latency_ms=30)
    service = window.session.service
    before = row_count(window)
    coverage_before = status_text(window, "statusCoverage")
    assert coverage_before.startswith("All ")
    accounts = int(coverage_before.split()[1])
    buyers = [c for c in customers(window) if c.orders_count > 0][:2]
    buyerless = next(c for c in customers(window) if c.orders_count == 0)
    chosen = [*buyers, buyerless]
    select(qtbot, window, chosen)

    action(window, "actionDeleteCustomer").trigger()
    box = the_message_box(window, "confirmDeleteMany")
    assert box.text() == "Delete 3 customers?"
    for customer in chosen:
        assert customer.display_name in box.informativeText()
    assert "2 of them have" in box.informativeText()
    assert "guest orders" in box.informativeText()
    screenshot(box, "customer_actions_delete_several_confirmation")
    qtbot.mouseClick(button(box, "Cancel"), Qt.MouseButton.LeftButton)
    assert row_count(window) == before, "Cancel deletes nobody"

    bar = child(window, QProgressBar, "deleteProgress")
    cancel = child(window, QToolButton, "deleteCancel")
    seen: list[tuple[bool, bool, int, int]] = []

    def progressed(_event: DeleteProgressed) -> None:
        seen.append((bar.isVisible(), cancel.isVisible(), bar.value(), bar.maximum()))

    on(service, DeleteProgressed, progressed)
    action(window, "actionDeleteCustomer").trigger()
    box = the_message_box(window, "confirmDeleteMany")
    with expect(qtbot, service, CustomersDeleted, timeout=LONG):
        qtbot.mouseClick(button(box, "Delete"), Qt.MouseButton.LeftButton)
        assert bar.isVisible(), "the bar shows from the start"

    assert seen == [(True, True, 1, 3), (True, True, 2, 3), (True, True, 3, 3)]
    assert not bar.isVisible(), "the bar goes once the delete is over"
    assert window.statusBar().currentMessage() == "Deleted 3 of 3 customers."
    assert not window.banner.isVisible()
    assert row_count(window) == before - 3
    for customer in chosen:
        assert window.session.model.row_of(customer.id) is None
        assert store_customer(store, customer.id) is None
    # Each delete moved the remembered store count: the copy is as complete as before.
    qtbot.waitUntil(
        lambda: (
            status_text(window, "statusCoverage") == f"All {accounts - 3} accounts on this computer"
        ),
        timeout=SHORT,
    )


def confirm_delete_of_several(qtbot: QtBot, window: MainWindow) -> DeleteManyResult:
    """Delete… the selection, confirm it, and wait for the result of the delete of several."""
    action(window, "actionDeleteCustomer").trigger()
    box = the_message_box(window, "confirmDeleteMany")
    with expect(qtbot, window.session.service, CustomersDeleted, timeout=LONG) as deleted:
        qtbot.mouseClick(button(box, "Delete"), Qt.MouseButton.LeftButton)
    result = deleted.event.result
    assert isinstance(result, DeleteManyResult)
    return result


def test_a_customer_the_store_refuses_is_named_in_the_summary_with_its_reason(
    qtbot: QtBot, profile_store: StoreFactory, store_window: WindowFactory
) -> None:
    window, store = started(qtbot, profile_store, store_window, customers=20)
    chosen = [customers(window)[i] for i in (2, 3, 4)]
    refused = chosen[1]
    remove_from_store(store, refused.id)  # the store now answers its delete with a refusal
    select(qtbot, window, chosen)

    result = confirm_delete_of_several(qtbot, window)
    assert [f.customer_id for f in result.failures] == [refused.id]

    assert window.banner.isVisible()
    text = banner_text(window)
    assert text.startswith("Deleted 2 of 3 customers.")
    assert f"• {refused.display_name}: {result.failures[0].reason}" in text
    assert "Traceback" not in text
    screenshot(window, "customer_actions_delete_summary")
    for customer in chosen:
        assert window.session.model.row_of(customer.id) is None, "the store has none of them"
    assert (
        action(window, "actionDeleteCustomer").isEnabled()
        or not window.customer_actions.selected_ids()
    )
    assert status_text(window, "statusCoverage").startswith("All "), "the copy is still complete"


@pytest.mark.slow
def test_cancel_stops_a_delete_of_several_before_the_next_customer(
    qtbot: QtBot, profile_store: StoreFactory, store_window: WindowFactory
) -> None:
    window, store = started(qtbot, profile_store, store_window, customers=20, latency_ms=150)
    service = window.session.service
    chosen = [customers(window)[i] for i in range(6)]
    select(qtbot, window, chosen)
    cancel = child(window, QToolButton, "deleteCancel")

    def cancel_after_the_first(event: DeleteProgressed) -> None:
        if event.progress.done == 1:
            qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)

    on(service, DeleteProgressed, cancel_after_the_first)
    result = confirm_delete_of_several(qtbot, window)
    assert result.cancelled
    assert 1 <= len(result.deleted) < 6, "stopped before the end, what was done stays done"
    assert not result.failures

    gone = set(result.deleted)
    for customer in chosen:
        in_store = store_customer(store, customer.id) is not None
        in_table = window.session.model.row_of(customer.id) is not None
        assert in_store == in_table == (customer.id not in gone), customer.id
    text = banner_text(window)
    assert text == (
        f"Deleted {len(gone)} of 6 customers. Cancelled: the other {6 - len(gone)} were not tried."
    )
    assert not child(window, QProgressBar, "deleteProgress").isVisible()


# -- the words -----------------------------------------------------------------------------------


def buyer(customer_id: int, orders: int, figures: Figures = Figures.EXACT) -> Customer:
    return Customer(
        customer_id, email=f"c{customer_id}@example.com", orders_count=orders, figures=figures
    )


def test_emails_for_the_clipboard_leave_out_blanks_and_repeats() -> None:
    chosen = [buyer(1, 0), Customer(2, email=""), Customer(3, email="C1@example.com"), buyer(4, 0)]
    assert emails_for_clipboard(chosen) == "c1@example.com, c4@example.com"


def test_a_long_summary_names_the_first_failures_and_counts_the_rest() -> None:
    failures = tuple(DeleteFailure(i, "Invalid customer") for i in range(1, 16))
    result = DeleteManyResult(20, (16, 17, 18, 19, 20), failures)
    text = deletion_summary(result, {1: "Ada Lovelace"})
    lines = text.splitlines()
    assert lines[0] == "Deleted 5 of 20 customers."
    assert lines[2] == "• Ada Lovelace: Invalid customer"
    assert lines[3] == "• Customer 2: Invalid customer"
    assert len(lines) == 2 + LISTED_IN_SUMMARY + 1
    assert lines[-1] == "… and 5 more (the log names each one)."
