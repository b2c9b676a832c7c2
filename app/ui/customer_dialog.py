"""The dialog that creates a customer or edits one, with saving left to its caller.

Owns the customer form (account fields, a billing and a shipping address form), live
validation with the shared rules of :mod:`app.domain.validation`, and the payload a save sends:
the whole create body for a new customer, only the changed fields for an edit. Those rules
include the write gate's (an emptied email, an email or username too long for WordPress), so
Save stays disabled for what the client would refuse to send; values are sent trimmed.

It never talks to the store: it emits :attr:`CustomerDialog.submitted` and waits for its caller
to report back with :meth:`~CustomerDialog.show_saved` or :meth:`~CustomerDialog.show_store_error`,
so a slow store never freezes it and a refusal leaves the user's input in place (a refusal by the
client's write gate comes back the same way, naming its field).

Typical use by the main window::

    dialog = CustomerDialog.for_edit(window, customer)
    dialog.submitted.connect(send_to_worker)   # later: dialog.show_saved(result) or ...
    dialog.open()

Messages after the dialog closed (what the store did not apply, "nothing changed") go through a
notifier: by default a non-modal :class:`QMessageBox` named ``customerDialogNotice`` parented to
the dialog's parent; tests and callers may inject their own.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Protocol

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QCloseEvent, QColor, QIcon, QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStyle,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.customer import Customer, UnappliedChange, update_payload
from app.domain.new_accounts import new_account_emails_warning
from app.domain.validation import (
    FIELD_LABELS,
    FieldProblem,
    Severity,
    check_customer,
    customer_with_fields,
    describe_unapplied,
    draft_from_fields,
    fields_from_customer,
    has_errors,
)
from app.errors import AppError, ValidationError
from app.ui.address_form import AddressForm, FieldBox, problem_color
from app.ui.message_boxes import ask_to_confirm

#: objectName of the message box the default notifier shows.
NOTICE_OBJECT_NAME = "customerDialogNotice"
#: objectName of the "Discard changes?" box shown when a changed dialog is closed.
DISCARD_OBJECT_NAME = "confirmDiscardChanges"
_PASSWORD_ALPHABET = string.ascii_letters + string.digits + "!@#$%^&*()-_=+"
_GENERATED_PASSWORD_LENGTH = 16
_ACCOUNT_TAB, _BILLING_TAB, _SHIPPING_TAB = range(3)


class SaveOutcome(Protocol):
    """What :meth:`CustomerDialog.show_saved` needs of a save result (``SaveResult`` has it)."""

    @property
    def unapplied(self) -> Sequence[UnappliedChange]:
        """Fields the store answered with other values than were sent."""
        ...


@dataclass(frozen=True, slots=True)
class Notice:
    """A message for the user that outlives the dialog.

    Attributes:
        title: the window title.
        text: the message, plain text (it may quote customer data).
        warning: whether something did not go as asked (else it is information).
    """

    title: str
    text: str
    warning: bool = False


Notifier = Callable[[Notice], None]
#: Who already has an email address, as the cache knows (None: nobody). The dialog asks with
#: the trimmed address in lower case, so a look-up can be
#: ``lambda email: cache.customers_by_emails([email]).get(email)``.
EmailOwner = Callable[[str], Customer | None]


def email_in_use_message(owner: Customer) -> str:
    """The email field's message when ``owner`` already has the address."""
    return f"Already used by {owner.display_name or owner.email} (#{owner.id})"


def _save_hint(blocking: Sequence[FieldProblem], shown: set[str]) -> tuple[str, Severity | None]:
    """The line by the buttons saying what stands between the user and Save.

    The messages themselves sit under their fields; this line names the fields, so a problem on
    another tab is not missed. Fields the user has not touched yet are only "to fill in": an
    empty new form is no reason for red.
    """
    if not blocking:
        return "", None

    def names(problems: Iterable[FieldProblem]) -> str:
        return ", ".join(FIELD_LABELS.get(p.field, p.field).lower() for p in problems)

    to_correct = [problem for problem in blocking if problem.field in shown]
    to_fill = [problem for problem in blocking if problem.field not in shown]
    parts = [f"correct {names(to_correct)}"] if to_correct else []
    parts += [f"fill in {names(to_fill)}"] if to_fill else []
    return f"To save, {' and '.join(parts)}.", Severity.ERROR if to_correct else None


def _plain_label(text: str = "", parent: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    # Customer data is untrusted: a name like "<b>x</b>" must show those characters.
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label


def _scrolling(page: QWidget, parent: QWidget) -> QScrollArea:
    """``page`` in a frameless scroll area, so a small screen can still reach every field."""
    area = QScrollArea(parent)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidgetResizable(True)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(page)
    # No Tab stop of its own: Tab goes from the tabs straight to the first field, and the
    # area scrolls a focused field into view anyway.
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    return area


class CustomerDialog(QDialog):
    """Create a customer or edit one; the caller saves and reports back.

    Signals:
        submitted(dict): the user asked to save: the body of ``POST /customers`` for a new
            customer (``CustomerDraft.to_create_payload()``), or the changes of
            ``PUT /customers/<id>`` (``update_payload(before, after)``, never empty). The
            dialog then shows "Saving..." until :meth:`show_saved` or
            :meth:`show_store_error` is called.
    """

    submitted = Signal(dict)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        customer: Customer | None = None,
        generate_password: bool = True,
        notify: Notifier | None = None,
        email_owner: EmailOwner | None = None,
    ) -> None:
        """Build the form; prefer :meth:`for_create` and :meth:`for_edit`.

        Args:
            parent: the window the dialog belongs to (notices are parented to it too).
            customer: the customer to edit, or None to create one.
            generate_password: whether the store generates passwords for new customers.
            notify: shows notices; the default is a non-modal message box.
            email_owner: looks up who already has an email (in the cache); an address owned
                by another customer is an error on the email field. None checks nothing.
        """
        super().__init__(parent)
        self._customer = customer
        self._generate_password = generate_password
        self._notify: Notifier = notify or self._show_notice
        self._email_owner = email_owner
        #: The last email looked up and its owner: problems() runs on every keystroke.
        self._owner_lookup: tuple[str, Customer | None] = ("", None)
        self._saving = False
        #: Dotted names of fields the user has edited; only their errors are shown (an empty
        #: new form is not covered in red), while warnings always are.
        self._touched: set[str] = set()
        #: Refusals by the store, shown on their field until the user edits it.
        self._store_errors: dict[str, str] = {}
        self.last_notice: QMessageBox | None = None
        #: The open "Discard changes?" box, if any.
        self.discard_box: QMessageBox | None = None

        self.setObjectName("customerDialog")
        self.setWindowTitle(
            "New customer" if customer is None else f"Edit customer: {customer.display_name}"
        )
        self.setSizeGripEnabled(True)

        self._banner = _plain_label("", self)
        self._banner.setObjectName("storeErrorBanner")
        self._banner.setWordWrap(True)
        self._banner.setAutoFillBackground(True)
        self._banner.setMargin(8)
        self._banner.hide()

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("customerTabs")
        self.tabs.setDocumentMode(False)
        self._account_boxes: dict[str, FieldBox] = {}
        self.tabs.addTab(_scrolling(self._build_account_page(), self.tabs), "Account")
        self.billing = AddressForm("billing")
        self.shipping = AddressForm("shipping")
        self.shipping.follow(self.billing)
        for form, title in ((self.billing, "Billing address"), (self.shipping, "Shipping address")):
            page = QWidget()
            page_layout = QVBoxLayout(page)
            page_layout.addWidget(form)
            self.tabs.addTab(_scrolling(page, self.tabs), title)

        self._busy = QProgressBar(self)
        self._busy.setObjectName("savingIndicator")
        self._busy.setRange(0, 0)  # no known length: an indeterminate "working" bar
        self._busy.setTextVisible(False)
        self._busy.setMaximumWidth(90)
        self._busy.hide()
        self._status = _plain_label("", self)
        self._status.setObjectName("statusLabel")
        self._status.setWordWrap(True)

        self._buttons = QDialogButtonBox(self)
        self.save_button = QPushButton("Create" if customer is None else "Save", self)
        self.save_button.setObjectName("saveButton")
        self.save_button.setDefault(True)
        self._buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = self._buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        if cancel is not None:
            cancel.setObjectName("cancelButton")
        self._buttons.accepted.connect(self._on_save_requested)
        self._buttons.rejected.connect(self.reject)

        #: In create mode, what saving sets off in WooCommerce (an e-mail to the customer).
        self.emails_note: QLabel | None = None
        if customer is None:
            self.emails_note = _plain_label(
                "⚠ "
                + new_account_emails_warning(
                    1, password_link=generate_password, before="creating them"
                ),
                self,
            )
            self.emails_note.setObjectName("newAccountEmailNote")
            self.emails_note.setWordWrap(True)

        footer = QHBoxLayout()
        footer.addWidget(self._busy)
        footer.addWidget(self._status, 1)
        footer.addWidget(self._buttons)
        layout = QVBoxLayout(self)
        if customer is not None:
            layout.addLayout(self._build_header(customer))
        layout.addWidget(self._banner)
        layout.addWidget(self.tabs, 1)
        if self.emails_note is not None:
            layout.addWidget(self.emails_note)
        layout.addLayout(footer)

        if customer is not None:
            self._load(customer)
        else:
            self.shipping.set_same_as_billing(True)
        self.billing.changed.connect(self._on_changed)
        self.shipping.changed.connect(self._on_changed)
        self.billing.field_edited.connect(self._on_billing_edited)
        self.shipping.field_edited.connect(self._on_shipping_edited)
        self._set_tab_order()
        #: What the form held when it opened; closing asks first once it holds anything else.
        self._initial = self._snapshot()
        self._revalidate()
        # Room for a few messages under fields before the address pages need to scroll.
        self.resize(self.sizeHint().expandedTo(QSize(580, 500)))
        self.email.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- constructors ---------------------------------------------------------------------------

    @classmethod
    def for_create(
        cls,
        parent: QWidget | None,
        *,
        generate_password: bool,
        notify: Notifier | None = None,
        email_owner: EmailOwner | None = None,
    ) -> CustomerDialog:
        """A dialog for a new customer (not shown yet: connect :attr:`submitted`, then open).

        Args:
            parent: the owning window.
            generate_password: the store's ``meta.generate_password``; False makes the
                password required.
            notify: optional replacement for the default notice box.
            email_owner: optional look-up of who already has an email (see :data:`EmailOwner`).
        """
        return cls(
            parent, generate_password=generate_password, notify=notify, email_owner=email_owner
        )

    @classmethod
    def for_edit(
        cls,
        parent: QWidget | None,
        customer: Customer,
        *,
        notify: Notifier | None = None,
        email_owner: EmailOwner | None = None,
    ) -> CustomerDialog:
        """A dialog editing ``customer`` as the cache has it (not shown yet)."""
        return cls(parent, customer=customer, notify=notify, email_owner=email_owner)

    # -- building -------------------------------------------------------------------------------

    def _build_header(self, customer: Customer) -> QHBoxLayout:
        name = _plain_label(customer.display_name or customer.email, self)
        name.setObjectName("customerName")
        font = name.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        name.setFont(font)
        number = _plain_label(f"Customer #{customer.id}", self)
        number.setEnabled(False)  # the disabled colour is the platform's "secondary text"
        header = QHBoxLayout()
        header.addWidget(name)
        header.addStretch(1)
        header.addWidget(number)
        return header

    def _account_row(self, form: QFormLayout, name: str, label: str, field: QWidget) -> None:
        box = FieldBox(field, name, form.parentWidget())
        self._account_boxes[name] = box
        row_label = QLabel(label, form.parentWidget())
        row_label.setBuddy(field)
        form.addRow(row_label, box)

    def _line_edit(self, name: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setPlaceholderText(placeholder)
        edit.textChanged.connect(self._on_changed)
        edit.textEdited.connect(self._on_account_edited)
        return edit

    def _build_account_page(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.email = self._line_edit("email", "name@example.com")
        self.email.setInputMethodHints(Qt.InputMethodHint.ImhEmailCharactersOnly)
        self.first_name = self._line_edit("first_name")
        self.last_name = self._line_edit("last_name")
        self._account_row(form, "email", "Email", self.email)
        self._account_row(form, "first_name", "First name", self.first_name)
        self._account_row(form, "last_name", "Last name", self.last_name)
        self.username: QLineEdit | None = None
        self.password: QLineEdit | None = None
        self.generate_button: QPushButton | None = None
        if self._customer is not None:
            username = _plain_label(self._customer.username or "(none)", page)
            username.setObjectName("username")
            username.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            username.setToolTip("A store does not change usernames.")
            form.addRow("Username", username)
            return page
        self.username = self._line_edit("username", "Leave empty to let the store choose one")
        self._account_row(form, "username", "Username", self.username)
        hint = (
            "Leave empty to let the store create one"
            if self._generate_password
            else "Required by this store"
        )
        self.password = self._line_edit("password", hint)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.generate_button = QPushButton("Generate", page)
        self.generate_button.setObjectName("generatePasswordButton")
        self.generate_button.setToolTip("Fill in a strong random password and show it")
        self.generate_button.clicked.connect(self._on_generate_clicked)
        row = QWidget(page)
        row_layout = QHBoxLayout(row)
        row_layout.setContentsMargins(0, 0, 0, 0)
        row_layout.addWidget(self.password, 1)
        row_layout.addWidget(self.generate_button)
        box = FieldBox(row, "password", page, marked=self.password)
        self._account_boxes["password"] = box
        label = QLabel("Password", page)
        label.setBuddy(self.password)
        form.addRow(label, box)
        return page

    def _set_tab_order(self) -> None:
        """Tab walks the account fields as shown (Generate after the password it fills in).

        The address forms order their own fields; Qt's default for the rest is the order of
        creation and reparenting, which put Generate before the password.
        """
        chain: list[QWidget] = [self.email, self.first_name, self.last_name]
        chain += [widget for widget in (self.username, self.password) if widget is not None]
        if self.generate_button is not None:
            chain.append(self.generate_button)
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _load(self, customer: Customer) -> None:
        self.email.setText(customer.email)
        self.first_name.setText(customer.first_name)
        self.last_name.setText(customer.last_name)
        self.billing.set_address(customer.billing)
        self.shipping.set_address(customer.shipping)
        billing_part = {
            name: value
            for name, value in customer.billing.to_api().items()
            if name in customer.shipping.FIELDS
        }
        self.shipping.set_same_as_billing(billing_part == customer.shipping.to_api())

    # -- values ---------------------------------------------------------------------------------

    @property
    def customer(self) -> Customer | None:
        """The customer being edited as it was loaded; None when creating."""
        return self._customer

    @property
    def is_saving(self) -> bool:
        """Whether a save is under way (inputs disabled, waiting for the caller)."""
        return self._saving

    def field_values(self) -> dict[str, str]:
        """Every field by dotted name, exactly as entered (country and state as codes)."""
        fields = {
            "email": self.email.text(),
            "first_name": self.first_name.text(),
            "last_name": self.last_name.text(),
        }
        if self.username is not None:
            fields["username"] = self.username.text()
        if self.password is not None:
            fields["password"] = self.password.text()
        for prefix, form in (
            ("billing_address", self.billing),
            ("shipping_address", self.shipping),
        ):
            fields.update({f"{prefix}.{k}": v for k, v in form.address().to_api().items()})
        return fields

    def problems(self) -> list[FieldProblem]:
        """What the shared rules say about the form now (errors block Save).

        Plus an error on the email when the cache knows another customer with it.
        """
        if self._customer is None:
            problems = check_customer(
                self.field_values(), creating=True, generate_password=self._generate_password
            )
        else:
            problems = check_customer(self.field_values(), creating=False, stored=self._customer)
        owner = self._other_owner_of(self.email.text())
        if owner is not None:
            problems.append(FieldProblem("email", email_in_use_message(owner)))
        return problems

    def _other_owner_of(self, email: str) -> Customer | None:
        """Another customer that has ``email`` (any case) in the cache; None if nobody does."""
        wanted = email.strip().lower()
        if self._email_owner is None or not wanted:
            return None
        if self._owner_lookup[0] != wanted:
            self._owner_lookup = (wanted, self._email_owner(wanted))
        owner = self._owner_lookup[1]
        if owner is None or owner.email.strip().lower() != wanted:
            return None
        if self._customer is not None and owner.id == self._customer.id:
            return None
        return owner

    def has_changes(self) -> bool:
        """Whether the form holds anything other than what it opened with."""
        return self._snapshot() != self._initial

    def _snapshot(self) -> tuple[dict[str, str], bool]:
        return self.field_values(), self.shipping.is_same_as_billing()

    def payload(self) -> dict[str, object]:
        """What Save sends: the create body, or only what changed for an edit (maybe empty).

        For an edit, fields that still hold exactly the stored text are left alone (not even
        trimmed), so a stored value with stray spaces is never "changed" by merely opening it.
        """
        fields = self.field_values()
        if self._customer is None:
            return draft_from_fields(fields).to_create_payload()
        stored = fields_from_customer(self._customer)
        changed = {name: value for name, value in fields.items() if value != stored.get(name)}
        after = customer_with_fields(self._customer, changed)
        return update_payload(self._customer, after)

    # -- the caller's side of a save ------------------------------------------------------------

    def show_saving(self) -> None:
        """Disable the inputs and show "Saving..." until the caller reports the outcome."""
        self._saving = True
        self._banner.hide()
        self._set_inputs_enabled(False)
        self._busy.show()
        self._set_status("Saving...", None)

    def show_store_error(self, error: AppError) -> None:
        """Show why the store refused; the dialog stays open with the input as it was.

        A :class:`ValidationError` whose ``field`` is on the form goes under that field (its
        tab is brought forward); anything else becomes a banner at the top.
        """
        self._end_saving()
        field = error.field if isinstance(error, ValidationError) else ""
        tab = self._tab_of(field) if field else None
        if tab is not None:
            self._store_errors[field] = error.message
            self._revalidate()
            self.tabs.setCurrentIndex(tab)
            self._focus(field)
            return
        text = error.message
        if error.retryable:
            text += " Your input is kept; press Save to try again."
        self._show_banner(text)
        self._revalidate()

    def show_saved(self, result: SaveOutcome) -> None:
        """Close as accepted; first say which values the store kept, if it did not apply all."""
        self._end_saving()
        lines = [describe_unapplied(change) for change in result.unapplied]
        if lines:
            self._notify(
                Notice(
                    "Saved, but the store kept some values",
                    "The customer was saved, but not every change was applied.\n\n"
                    + "\n\n".join(lines),
                    warning=True,
                )
            )
        self.accept()

    # -- reactions ------------------------------------------------------------------------------

    @Slot()
    def _on_save_requested(self) -> None:
        if self._saving:
            return
        if has_errors(self.problems()):
            # Enter in a field reaches here even while Save is disabled: show every problem.
            self._touched.update(problem.field for problem in self.problems())
            self._revalidate()
            return
        payload = self.payload()
        if self._customer is not None and not payload:
            self._notify(
                Notice("Nothing to save", "No field was changed, so nothing was sent to the store.")
            )
            self._close_unsaved()
            return
        # Busy first: a caller that refuses at once (offline) calls show_store_error inside
        # the emit, and that must win.
        self.show_saving()
        self.submitted.emit(payload)

    @Slot()
    def _on_changed(self) -> None:
        self._revalidate()

    @Slot(str)
    def _on_account_edited(self, _text: str) -> None:
        # One slot serves every account line edit; the sender's objectName is the field name.
        sender = self.sender()
        if isinstance(sender, QLineEdit):
            self._touch(sender.objectName())

    @Slot(str)
    def _on_billing_edited(self, name: str) -> None:
        self._touch(f"billing_address.{name}")

    @Slot(str)
    def _on_shipping_edited(self, name: str) -> None:
        self._touch(f"shipping_address.{name}")

    @Slot()
    def _on_generate_clicked(self) -> None:
        if self.password is None:
            return
        password = "".join(
            secrets.choice(_PASSWORD_ALPHABET) for _ in range(_GENERATED_PASSWORD_LENGTH)
        )
        self.password.setText(password)
        # A generated password is only useful if the user can see it to pass it on.
        self.password.setEchoMode(QLineEdit.EchoMode.Normal)
        self._touch("password")

    def reject(self) -> None:
        """Close without saving (Esc, Cancel, the window's close button).

        Not while a save is under way (its answer is coming). A changed form first asks
        "Discard changes?" in a window-modal box that does not block the event loop; an
        unchanged one closes at once.
        """
        if self._saving:
            return
        if not self.has_changes():
            self._close_unsaved()
            return
        if self.discard_box is not None:
            return  # already asking
        self.discard_box = ask_to_confirm(
            self,
            name=DISCARD_OBJECT_NAME,
            title="Discard changes?",
            question="Discard changes?",
            explanation="What you changed in this customer is not saved and will be lost.",
            action="Discard",
            confirmed=self._close_unsaved,
        )
        self.discard_box.finished.connect(self._on_discard_box_finished)

    def _close_unsaved(self) -> None:
        super().reject()

    @Slot()
    def _on_discard_box_finished(self) -> None:
        if self.discard_box is not None:
            self.discard_box.deleteLater()
            self.discard_box = None

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        """Refuse to close while saving; ask first when changed, like :meth:`reject`.

        QDialog's own closeEvent calls :meth:`reject` and ignores the event if the dialog is
        still visible afterwards (the "Discard changes?" box is waiting).
        """
        if self._saving:
            event.ignore()
            return
        super().closeEvent(event)

    # -- display --------------------------------------------------------------------------------

    def _touch(self, field: str) -> None:
        self._touched.add(field)
        self._store_errors.pop(field, None)
        self._revalidate()

    def _revalidate(self) -> None:
        problems = self.problems()
        by_field = {problem.field: problem for problem in reversed(problems)}
        tabs_with_errors: set[int] = set()
        for field in self._all_fields():
            shown = self._show_problem(field, by_field.get(field))
            tab = self._tab_of(field)
            if shown is Severity.ERROR and tab is not None:
                tabs_with_errors.add(tab)
        warning_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for index in range(self.tabs.count()):
            self.tabs.setTabIcon(index, warning_icon if index in tabs_with_errors else QIcon())
        blocking = [problem for problem in problems if problem.is_error]
        # A refusal by the store blocks too: the same value would be refused the same way.
        blocking += [
            FieldProblem(field, message)
            for field, message in self._store_errors.items()
            if field not in {problem.field for problem in blocking}
        ]
        self.save_button.setEnabled(not blocking and not self._saving)
        if self._saving:
            return
        self._set_status(*_save_hint(blocking, self._edited() | set(self._store_errors)))

    def _edited(self) -> set[str]:
        """The fields whose errors are shown.

        Those the user edited, and the username once the email was: an empty username is made
        from the email, and can be too long.
        """
        if "email" in self._touched:
            return self._touched | {"username"}
        return self._touched

    def _show_problem(self, field: str, problem: FieldProblem | None) -> Severity | None:
        """Show the store's refusal or the rule's problem on ``field``; returns what is shown."""
        message, severity = self._store_errors.get(field, ""), Severity.ERROR
        visible = problem is not None and (not problem.is_error or field in self._edited())
        if not message and problem is not None and visible:
            message, severity = problem.message, problem.severity
        prefix, _, short = field.partition(".")
        if field in self._account_boxes:
            self._account_boxes[field].set_problem(message, severity)
        elif prefix == "billing_address" and short in self.billing.field_names:
            self.billing.set_field_error(short, message, severity)
        elif prefix == "shipping_address" and short in self.shipping.field_names:
            self.shipping.set_field_error(short, message, severity)
        return severity if message else None

    def _all_fields(self) -> list[str]:
        return [
            *self._account_boxes,
            *(f"billing_address.{name}" for name in self.billing.field_names),
            *(f"shipping_address.{name}" for name in self.shipping.field_names),
        ]

    def _tab_of(self, field: str) -> int | None:
        prefix, _, short = field.partition(".")
        if field in self._account_boxes:
            return _ACCOUNT_TAB
        if prefix == "billing_address" and short in self.billing.field_names:
            return _BILLING_TAB
        if prefix == "shipping_address" and short in self.shipping.field_names:
            return _SHIPPING_TAB
        return None

    def _focus(self, field: str) -> None:
        prefix, _, short = field.partition(".")
        if field in self._account_boxes:
            self._account_boxes[field].field.setFocus(Qt.FocusReason.OtherFocusReason)
        elif prefix == "billing_address":
            self.billing.focus_field(short)
        elif prefix == "shipping_address":
            self.shipping.focus_field(short)

    def _show_banner(self, text: str) -> None:
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        palette = self._banner.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor("#5c1d1a" if dark else "#fdecea"))
        palette.setColor(
            QPalette.ColorRole.WindowText, problem_color(self.palette(), Severity.ERROR)
        )
        self._banner.setPalette(palette)
        self._banner.setText(text)
        self._banner.show()

    def _set_status(self, text: str, severity: Severity | None) -> None:
        palette = self.palette()
        if severity is not None:
            palette.setColor(QPalette.ColorRole.WindowText, problem_color(self.palette(), severity))
        self._status.setPalette(palette)
        self._status.setText(text)

    def _set_inputs_enabled(self, enabled: bool) -> None:
        for box in self._account_boxes.values():
            box.setEnabled(enabled)
        self.billing.set_inputs_enabled(enabled)
        self.shipping.set_inputs_enabled(enabled)
        for button in self._buttons.buttons():
            button.setEnabled(enabled)

    def _end_saving(self) -> None:
        self._saving = False
        self._busy.hide()
        self._set_inputs_enabled(True)
        self._revalidate()

    def _show_notice(self, notice: Notice) -> None:
        """The default notifier: a message box over the window, outliving this dialog.

        Window-modal: a notice that a change did not apply must be read before the next
        dialog opens over the window (a non-modal box could end up hidden behind it).
        """
        box = QMessageBox(self.parentWidget())
        box.setObjectName(NOTICE_OBJECT_NAME)
        box.setWindowTitle(notice.title)
        box.setIcon(QMessageBox.Icon.Warning if notice.warning else QMessageBox.Icon.Information)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(notice.text)
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.last_notice = box
        box.open()
