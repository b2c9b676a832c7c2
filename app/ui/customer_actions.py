"""CustomerActions: the main window's actions on several customers, and on the store's admin.

Owns the customer table's right-click menu (Edit…, Delete…, Copy emails, Export selected…, Open
in WordPress admin), which of those (and of the window's Edit and Delete) the selection allows,
the delete of several customers (one confirmation, progress with a Cancel in the status bar, a
summary naming each customer not deleted), and the Orders tab's "Open in WordPress admin".

The window keeps the layout and the single-customer paths (its Edit dialog, its one-customer
delete); it lends this object its table, detail panel, actions and banner, and tells it which
store is open (:meth:`CustomerActions.attach`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QObject, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMainWindow, QTableView

from app.domain.customer import Customer
from app.domain.deletion import orders_kept
from app.errors import AppError, CancelledError
from app.models.orders_model import OrdersModel
from app.services.events import (
    CustomersDeleted,
    DeleteManyResult,
    DeleteProgress,
    DeleteProgressed,
    RequestFailed,
    StoreEvent,
    WorkerEvent,
)
from app.ui.message_boxes import ask_to_confirm
from app.ui.session import StoreSession
from app.ui.sync_progress import ProgressPanel
from app.ui.transfers import CsvTransfers

log = logging.getLogger("app.ui")

#: A confirmation lists the customers by name up to this many; more are counted, not listed.
LISTED_IN_CONFIRMATION: Final = 10
#: A summary lists the customers not deleted up to this many; the log has every one.
LISTED_IN_SUMMARY: Final = 10
#: Why "Open in WordPress admin" is unavailable on the demo store.
DEMO_ADMIN_TIP: Final = "The demo store has no WordPress admin: it lives on this computer."
#: Why Edit and "Open in WordPress admin" are unavailable with several customers selected.
ONE_CUSTOMER_TIP: Final = "Select one customer for this"

# -- store admin addresses and texts (no Qt) -------------------------------------------------


def customer_admin_url(store_url: str, customer_id: int) -> str:
    """The WordPress admin page that edits a user (customers are WordPress users)."""
    return f"{store_url.rstrip('/')}/wp-admin/user-edit.php?user_id={customer_id}"


def order_admin_url(store_url: str, order_id: int) -> str:
    """The admin page that edits an order, whether the store keeps orders as posts or in HPOS.

    The classic address, because it works on both: with HPOS on, WooCommerce's
    ``PostsRedirectionController`` hooks ``load-post.php`` and redirects
    ``post.php?post=ID&action=edit`` to ``admin.php?page=wc-orders&action=edit&id=ID``
    (src/Internal/Admin/Orders/PostsRedirectionController.php,
    ``maybe_redirect_to_edit_order_page``; the same in WooCommerce 9.4.3 and 11.0.1 as vendored
    by github:bitpoke/stack-example-wordpress).
    The HPOS address only redirects the other way (``COTRedirectionController``, on
    ``admin_page_access_denied``) since WooCommerce 7.x, while stores older than HPOS (the
    legacy ``/wc-api/v3/`` ones) know ``post.php`` alone.
    """
    return f"{store_url.rstrip('/')}/wp-admin/post.php?post={order_id}&action=edit"


def emails_for_clipboard(customers: Sequence[Customer]) -> str:
    """The customers' email addresses as an email client's To field takes them.

    Comma separated: RFC 5322's address-list separator, which Gmail, Apple Mail, Thunderbird and
    Outlook split when pasted into To (lines pasted into a one-line field run together in some
    clients). Empty addresses and repeats are left out; the order is the table's.
    """
    seen: set[str] = set()
    emails: list[str] = []
    for customer in customers:
        email = customer.email.strip()
        if email and email.lower() not in seen:
            seen.add(email.lower())
            emails.append(email)
    return ", ".join(emails)


def _customers(count: int) -> str:
    return f"{count:,} customer{'s' if count != 1 else ''}"


def deletion_summary(result: DeleteManyResult, names: dict[int, str]) -> str:
    """The outcome of a delete of several customers in words: counts, then each one not deleted."""
    lines = [f"Deleted {len(result.deleted):,} of {_customers(result.total)}."]
    if result.stopped_by is not None:
        lines[0] += (
            f" Then the store could not be reached: the other {result.not_tried:,} were not tried."
        )
    elif result.cancelled and result.not_tried:
        lines[0] += f" Cancelled: the other {result.not_tried:,} were not tried."
    if result.failures:
        lines.append("Not deleted:")
        for failure in result.failures[:LISTED_IN_SUMMARY]:
            name = names.get(failure.customer_id, f"Customer {failure.customer_id}")
            lines.append(f"• {name}: {failure.reason}")
        more = len(result.failures) - LISTED_IN_SUMMARY
        if more > 0:
            lines.append(f"… and {more:,} more (the log names each one).")
    return "\n".join(lines)


@dataclass
class _RunningDelete:
    """A delete of several customers in flight: its request and whom it names."""

    request_id: int
    names: dict[int, str]


class CustomerActions(QObject):
    """The customer table's menu and the actions on several customers (see the module docstring).

    Args:
        window: the parent of dialogs and the owner of the status bar.
        table: the customer table (extended selection: Delete… acts on every selected row).
        orders_table: the detail panel's orders table (its menu opens an order in the admin).
        orders_model: the model of that table.
        transfers: the window's CSV export, which Export selected… goes through.
        edit_action: the window's Edit… (one customer: disabled with several selected).
        delete_action: the window's Delete… (every selected customer).
        export_action: the window's Export CSV… (Export selected… is allowed when it is).
        tell_problem: shows a problem the user must see (the window's banner, in red).
        tell_news: shows news the user must see (the banner, in blue).

    Signals:
        selection_counted(int): how many customers are selected, after the selection changed.
    """

    selection_counted = Signal(int)

    def __init__(
        self,
        *,
        window: QMainWindow,
        table: QTableView,
        orders_table: QTableView,
        orders_model: OrdersModel,
        transfers: CsvTransfers,
        edit_action: QAction,
        delete_action: QAction,
        export_action: QAction,
        tell_problem: Callable[[str], None],
        tell_news: Callable[[str], None],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._table = table
        self._orders_table = orders_table
        self._orders_model = orders_model
        self._transfers = transfers
        self._edit = edit_action
        self._delete = delete_action
        self._export = export_action
        self._tell_problem = tell_problem
        self._tell_news = tell_news
        self._session: StoreSession | None = None
        self._running: _RunningDelete | None = None

        self.action_copy_emails = self._make_action(
            "actionCopyEmails", "Copy emails", self.copy_emails
        )
        self.action_export_selected = self._make_action(
            "actionExportSelected", "Export selected…", self.export_selected
        )
        self.action_open_in_admin = self._make_action(
            "actionOpenInAdmin", "Open in WordPress admin", self.open_in_admin
        )
        self.action_open_order_in_admin = self._make_action(
            "actionOpenOrderInAdmin", "Open in WordPress admin", self.open_order_in_admin
        )
        # The menus are the views' own action lists: a right-click on a row selects it first
        # (Qt keeps a selection that the click falls inside), then the menu acts on the selection.
        table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for action in (
            edit_action,
            delete_action,
            self._separator(),
            self.action_copy_emails,
            self.action_export_selected,
            self._separator(),
            self.action_open_in_admin,
        ):
            table.addAction(action)
        orders_table.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        orders_table.addAction(self.action_open_order_in_admin)
        # The detail panel outlives store switches: its orders are followed once, here.
        orders_table.selectionModel().currentRowChanged.connect(self._on_order_changed)
        orders_model.modelReset.connect(self._update_order_action)

        self.progress = ProgressPanel(
            name="deleteProgressPanel",
            bar_name="deleteProgress",
            cancel_name="deleteCancel",
            cancel_tip="Stop before the next customer (those deleted so far stay deleted)",
            parent=window,
        )
        self.progress.cancel_requested.connect(self._on_progress_cancel_requested)
        window.statusBar().insertPermanentWidget(0, self.progress)

    def _make_action(self, name: str, text: str, slot: Callable[[], None]) -> QAction:
        action = QAction(text, self._window)
        action.setObjectName(name)
        action.triggered.connect(slot)
        return action

    def _separator(self) -> QAction:
        separator = QAction(self._window)
        separator.setSeparator(True)
        return separator

    def attach(self, session: StoreSession) -> None:
        """Work with the store a session opened (the window's model is set on the table already).

        A delete of several still running belongs to the previous store, whose worker stopped:
        its progress goes (the deletions done are in that store's cache).
        """
        self._session = session
        self._running = None
        self.progress.end()
        service = session.service
        service.happened.connect(self._on_service_happened)
        self._table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        session.model.rowsRemoved.connect(self._on_model_rows_removed)
        self.update_states()

    # -- the selection ---------------------------------------------------------------------------

    def selected_rows(self) -> list[int]:
        """The selected rows of the customer table, top to bottom."""
        selection = self._table.selectionModel()
        if selection is None:
            return []
        rows: set[int] = set()
        spans = selection.selection()  # ranges: no index per row for a 100,000-row selection
        for each in range(spans.count()):
            span = spans.at(each)
            rows.update(range(span.top(), span.bottom() + 1))
        return sorted(rows)

    def selected_ids(self) -> list[int]:
        """The ids of the selected customers, in the table's order."""
        if self._session is None:
            return []
        model = self._session.model
        ids = (model.id_at(row) for row in self.selected_rows())
        return [customer_id for customer_id in ids if customer_id is not None]

    def selected_customers(self) -> list[Customer]:
        """The selected customers as the cache has them, in the table's order."""
        if self._session is None:
            return []
        ids = self.selected_ids()
        found = self._session.cache.customers_by_ids(ids)
        return [found[customer_id] for customer_id in ids if customer_id in found]

    def _current_id(self) -> int | None:
        index = self._table.currentIndex()
        if self._session is None or not index.isValid():
            return None
        return self._session.model.id_at(index.row())

    @Slot()
    def _on_model_rows_removed(self) -> None:
        # The selected rows went (deleted): the row that became current is selected, as a
        # single selection does by itself, so the panel, Edit and Delete agree on whom they mean.
        selection = self._table.selectionModel()
        current = self._table.currentIndex()
        if current.isValid() and not selection.hasSelection():
            selection.select(
                current,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    @Slot(QItemSelection, QItemSelection)
    def _on_table_selection_changed(self, _selected: object, _deselected: object) -> None:
        self.update_states()
        self.selection_counted.emit(len(self.selected_rows()))

    def update_states(self) -> None:
        """Enable what the selection allows; called by the window after its own states too.

        Edit and Open in WordPress admin work on one customer (the current row): with several
        selected they are disabled rather than guessing which one is meant. Delete…, Copy emails
        and Export selected… work on every selected row.
        """
        session = self._session
        if session is None:
            return
        online = session.online
        selected = len(self.selected_rows())
        one = self._current_id() is not None and selected <= 1
        self._edit.setEnabled(online and one)
        if online and selected > 1:
            self._edit.setToolTip(f"{ONE_CUSTOMER_TIP}; {_customers(selected)} are selected")
        running = self._running is not None
        self._delete.setEnabled(online and selected >= 1 and not running)
        if online:
            self._delete.setToolTip(
                "A delete is running; wait for it to finish"
                if running
                else f"Delete {_customers(selected)}"
                if selected > 1
                else "Delete"
            )
        self.action_copy_emails.setEnabled(selected >= 1)
        self.action_copy_emails.setText("Copy emails" if selected > 1 else "Copy email")
        self.action_export_selected.setEnabled(selected >= 1 and self._export.isEnabled())
        demo = session.is_demo
        self.action_open_in_admin.setEnabled(one and not demo)
        self.action_open_in_admin.setToolTip(
            DEMO_ADMIN_TIP
            if demo
            else "Open the customer's page in the store's WordPress admin, in the browser"
            if one
            else ONE_CUSTOMER_TIP
        )
        self._update_order_action()

    # -- copy, export, admin ---------------------------------------------------------------------

    @Slot()
    def copy_emails(self) -> None:
        """Put the selected customers' email addresses on the clipboard."""
        chosen = self.selected_customers()
        text = emails_for_clipboard(chosen)
        if not text:
            return
        QGuiApplication.clipboard().setText(text)
        count = text.count(",") + 1
        what = "email address" if count == 1 else f"{count:,} email addresses"
        self._window.statusBar().showMessage(f"Copied {what} to the clipboard.", 5000)

    @Slot()
    def export_selected(self) -> None:
        """Write exactly the selected customers to a CSV file, as Export CSV… writes the view."""
        self._transfers.export_customers(self.selected_ids())

    @Slot()
    def open_in_admin(self) -> None:
        """Open the current customer's user page in the store's WordPress admin."""
        session, customer_id = self._session, self._current_id()
        if session is None or customer_id is None or session.is_demo:
            return
        url = customer_admin_url(session.connection.url, customer_id)
        QDesktopServices.openUrl(QUrl(url))

    @Slot()
    def open_order_in_admin(self) -> None:
        """Open the order selected in the Orders tab on the store's admin edit page."""
        session = self._session
        order = self._orders_model.order_at(self._orders_table.currentIndex().row())
        if session is None or order is None or session.is_demo:
            return
        QDesktopServices.openUrl(QUrl(order_admin_url(session.connection.url, order.id)))

    @Slot()
    def _on_order_changed(self) -> None:
        self._update_order_action()

    @Slot()
    def _update_order_action(self) -> None:
        session = self._session
        demo = session is not None and session.is_demo
        has_order = self._orders_model.order_at(self._orders_table.currentIndex().row()) is not None
        self.action_open_order_in_admin.setEnabled(has_order and not demo)
        self.action_open_order_in_admin.setToolTip(
            DEMO_ADMIN_TIP if demo else "Open the order's edit page in the store's admin"
        )

    # -- deleting several -------------------------------------------------------------------------

    def delete_if_several(self) -> bool:
        """Delete… with several customers selected: theirs is one confirmation for all.

        Whether several were (one customer is the window's to delete: app/ui/customer_editing.py).
        """
        if len(self.selected_rows()) <= 1:
            return False
        self.delete_selected()
        return True

    def delete_selected(self) -> None:
        """Ask once to delete every selected customer, then delete them one by one."""
        session = self._session
        if session is None or self._running is not None:
            return
        chosen = self.selected_customers()
        if not chosen:
            return
        listed = "\n".join(
            f"• {c.display_name} ({c.email})" if c.email else f"• {c.display_name}"
            for c in chosen[:LISTED_IN_CONFIRMATION]
        )
        if len(chosen) > LISTED_IN_CONFIRMATION:
            listed = ""  # a long list says nothing a count does not; the selection shows them
        they = "They are" if len(chosen) > 1 else "The customer is"
        explanation = f"{they} removed from the store for good. {orders_kept(chosen)}"
        if listed:
            explanation = f"{listed}\n\n{explanation}"
        names = {c.id: c.display_name for c in chosen}
        ask_to_confirm(
            self._window,
            name="confirmDeleteMany",
            title="Delete customers",
            question=f"Delete {_customers(len(chosen))}?",
            explanation=explanation,
            action="Delete",
            confirmed=lambda: self._start_delete(names),
        )

    def _start_delete(self, names: dict[int, str]) -> None:
        session = self._session
        if session is None or self._running is not None:
            return
        request = session.service.delete_customers(list(names))
        self._running = _RunningDelete(request, names)
        self._show_progress(DeleteProgress(0, len(names), 0))
        self.update_states()

    def _show_progress(self, progress: DeleteProgress) -> None:
        message = f"Deleting customers: {progress.done:,} of {progress.total:,} done…"
        self.progress.show_progress(progress.done, progress.total, message)
        self._window.statusBar().showMessage(message)

    @Slot()
    def _on_progress_cancel_requested(self) -> None:
        if self._session is not None and self._running is not None:
            self._session.service.cancel(self._running.request_id)

    @Slot(StoreEvent)
    def _on_service_happened(self, event: StoreEvent) -> None:
        running = self._running
        if not isinstance(event, WorkerEvent) or running is None:
            return
        if event.request_id != running.request_id:
            return
        match event:
            case DeleteProgressed(progress=progress):
                self._show_progress(progress)
            case CustomersDeleted(result=result):
                self._on_service_customers_deleted(running, result)
            case RequestFailed(error=error):
                self._on_service_failed(error)
            case _:
                pass

    def _on_service_customers_deleted(
        self, running: _RunningDelete, result: DeleteManyResult
    ) -> None:
        self._running = None
        self.progress.end()
        summary = deletion_summary(result, running.names)
        for failure in result.failures:
            log.info("customer %d not deleted: %s", failure.customer_id, failure.reason)
        if result.failures or result.stopped_by is not None:
            self._window.statusBar().clearMessage()
            self._tell_problem(summary)
        elif result.not_tried:
            self._window.statusBar().clearMessage()
            self._tell_news(summary)
        else:
            self._window.statusBar().showMessage(summary, 10_000)
        self.update_states()

    def _on_service_failed(self, error: AppError) -> None:
        self._running = None
        self.progress.end()
        if isinstance(error, CancelledError):  # cancelled before the first customer
            self._window.statusBar().showMessage("Delete cancelled: nothing was deleted.", 10_000)
        else:
            self._window.statusBar().clearMessage()  # the window's banner tells the error
        self.update_states()
