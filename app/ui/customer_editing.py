"""CustomerEditing: the main window's actions on one customer at a time.

Owns New customer… (Ctrl+N), Edit… (Ctrl+E, Enter, a double-click), Delete… of one customer
(several selected go to :class:`~app.ui.customer_actions.CustomerActions`) and Find by email…
(Ctrl+Shift+F): the customer dialog (one at a time) and the request its save is waiting for,
the flag on an email another cached customer has, whether the store makes up passwords, and
what the status bar and banner say when a save, a delete or a search is answered.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QInputDialog, QMainWindow

from app.api.client import SaveResult
from app.domain.customer import Customer
from app.domain.deletion import deleted_message, orders_kept
from app.services.events import (
    CustomerDeleted,
    CustomerFound,
    CustomerSaved,
    RequestFailed,
    StoreEvent,
)
from app.ui.customer_dialog import CustomerDialog
from app.ui.customer_list import CustomerList
from app.ui.error_banner import ErrorBanner
from app.ui.message_boxes import ask_to_confirm
from app.ui.session import StoreSession
from app.ui.session_part import SessionPart
from app.ui.window_actions import window_action


class CustomerEditing(SessionPart):
    """Create, edit, delete and find one customer (see the module docstring).

    Args:
        window: the window the actions belong to, the dialogs' parent, the status bar's owner.
        customers: the customer list (its selection, and where a customer found is shown).
        banner: the window's banner.
        delete_several: deletes the selected customers if several are; whether it did.
    """

    def __init__(
        self,
        window: QMainWindow,
        customers: CustomerList,
        banner: ErrorBanner,
        delete_several: Callable[[], bool],
    ) -> None:
        super().__init__(window)
        self._window = window
        self._customers = customers
        self._banner = banner
        self._delete_several = delete_several
        self._dialog: CustomerDialog | None = None
        self._pending_dialog_request: int | None = None
        self.action_new = window_action(
            window, "actionNewCustomer", "New customer…", QKeySequence.StandardKey.New, self.new
        )
        self.action_edit = window_action(window, "actionEditCustomer", "Edit…", "Ctrl+E", self.edit)
        self.action_delete = window_action(
            window, "actionDeleteCustomer", "Delete…", QKeySequence.StandardKey.Delete, self.delete
        )
        self.action_find = window_action(
            window, "actionFindByEmail", "Find by email…", "Ctrl+Shift+F", self.find_by_email
        )
        customers.table.doubleClicked.connect(self._on_table_double_clicked)
        customers.table.activated.connect(self._on_table_double_clicked)

    def attach(self, session: StoreSession) -> None:
        """Edit another store's customers: a dialog open on the previous store's goes."""
        self._session = session
        if self._dialog is not None:  # editing a customer of the previous store
            self._dialog.reject()
        self._pending_dialog_request = None
        service = session.service
        service.happened.connect(self._on_service_happened)

    @property
    def generate_password(self) -> bool:
        """Whether the store makes up passwords for new customers.

        Yes until it says, and when it does not say (a wc/v3 key that may not read the store's
        settings): it then refuses a new customer without one if it must.
        """
        info = self.session.state.store_info
        return info.generates_passwords if info is not None else True

    # -- the dialog --------------------------------------------------------------------------

    @Slot()
    def new(self) -> None:
        """Open the create dialog (Ctrl+N)."""
        dialog = CustomerDialog.for_create(
            self._window, generate_password=self.generate_password, email_owner=self._email_owner
        )
        self._open_dialog(dialog, lambda payload: self.session.service.create_customer(payload))

    @Slot()
    def edit(self) -> None:
        """Open the edit dialog for the selected customer (Enter)."""
        customer = self._customers.selected_customer()
        if customer is None:
            return
        dialog = CustomerDialog.for_edit(self._window, customer, email_owner=self._email_owner)
        self._open_dialog(
            dialog,
            lambda changes: self.session.service.update_customer(customer.id, changes),
        )

    @Slot(QModelIndex)
    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        if self.action_edit.isEnabled():
            self.edit()

    def _email_owner(self, email: str) -> Customer | None:
        """The cached customer who has ``email`` (the dialog flags it before saving)."""
        return self.session.cache.customers_by_emails([email]).get(email.strip().lower())

    def _open_dialog(
        self, dialog: CustomerDialog, send: Callable[[dict[str, object]], int]
    ) -> None:
        self._dialog = dialog

        def submitted(payload: dict[str, object]) -> None:
            # The dialog shows "Saving…" itself; the answer comes back as a service signal.
            self._pending_dialog_request = send(payload)

        dialog.submitted.connect(submitted)
        dialog.finished.connect(self._on_dialog_finished)
        dialog.open()

    @Slot(int)
    def _on_dialog_finished(self, result: int) -> None:
        if self._dialog is not None:
            self._dialog.deleteLater()
        self._dialog = None
        self._pending_dialog_request = None

    def claim_failure(self, failure: RequestFailed) -> bool:
        """The open dialog's save failed: the dialog says why (not the banner)."""
        if self._dialog is not None and failure.request_id == self._pending_dialog_request:
            self._dialog.show_store_error(failure.error)
            return True
        return False

    @Slot(StoreEvent)
    def _on_service_happened(self, event: StoreEvent) -> None:
        match event:
            case CustomerSaved(request_id=request_id, result=result):
                self._on_service_customer_saved(request_id, result)
            case CustomerDeleted(request_id=request_id):
                said = self.session.state.deleting.pop(request_id, "Customer deleted.")
                self._window.statusBar().showMessage(said, 5000)
            case CustomerFound(customer=customer):
                self._on_service_customer_found(customer)
            case RequestFailed(request_id=request_id):
                if self.session.state.deleting.pop(request_id, None) is not None:
                    self._window.statusBar().clearMessage()  # not "Deleting …" any more
            case _:
                pass

    def _on_service_customer_saved(self, request_id: int, result: SaveResult) -> None:
        if self._dialog is not None and request_id == self._pending_dialog_request:
            self._dialog.show_saved(result)
        saved = result.customer
        self._customers.select_customer(saved.id)
        self._window.statusBar().showMessage(f"Saved {saved.display_name}.", 5000)

    # -- delete and find ---------------------------------------------------------------------

    @Slot()
    def delete(self) -> None:
        """Delete the selected customers after a confirmation that names them (Delete)."""
        if self._delete_several():
            return
        customer = self._customers.selected_customer()
        if customer is None:
            return

        def confirmed() -> None:
            request = self.session.service.delete_customer(customer.id)
            self.session.state.deleting[request] = deleted_message(customer)
            self._window.statusBar().showMessage(f"Deleting {customer.display_name}…")

        ask_to_confirm(
            self._window,
            name="confirmDelete",
            title="Delete customer",
            question=f"Delete {customer.display_name}?",
            explanation=(
                f"{customer.email} will be removed from the store for good. "
                f"{orders_kept([customer])}"
            ),
            action="Delete",
            confirmed=confirmed,
        )

    @Slot()
    def find_by_email(self) -> None:
        """Look a customer up by exact email on the store."""
        email, ok = QInputDialog.getText(self._window, "Find by email", "Email address:")
        if ok and email.strip():
            self.session.service.find_by_email(email.strip())

    def _on_service_customer_found(self, customer: Customer | None) -> None:
        if customer is None:
            self._banner.show_error("No customer in the store has that email address.", retry=False)
            return
        self._customers.show_found(customer)
