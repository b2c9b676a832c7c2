"""The address form: one widget for a customer's billing and shipping address.

Owns the address fields and how they behave: a country picker that shows names but keeps ISO
codes, a state picker that is a list where WooCommerce has states for the country and free text
everywhere else, "Same as billing" for shipping, and the per-field messages the dialog sets from
the shared validation rules. It judges nothing itself; :mod:`app.domain.validation` does.

Every input has a stable objectName, ``<kind>_<field>`` (``billing_email``, ``shipping_city``);
the state is a stack ``<kind>_state`` holding ``<kind>_state_combo`` and ``<kind>_state_text``,
and each field's message label is ``<kind>_<field>_error``. Values from the store are shown as
plain text only.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Literal

from PySide6.QtCore import QEvent, QObject, QSignalBlocker, Qt, Signal, Slot
from PySide6.QtGui import QColor, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.domain.address_format import address_locale
from app.domain.countries import (
    countries_by_name,
    country_code,
    has_states,
    state_code,
    states_by_name,
)
from app.domain.customer import Address, BillingAddress
from app.domain.validation import Severity

AddressKind = Literal["billing", "shipping"]

#: Row labels in WooCommerce's checkout order (country early: it decides the state field).
_LABELS: dict[str, str] = {
    "first_name": "First name",
    "last_name": "Last name",
    "company": "Company",
    "country": "Country / region",
    "address_1": "Street address",
    "address_2": "",
    "city": "Town / city",
    "state": "State / county",
    "postcode": "Postcode / ZIP",
    "phone": "Phone",
    "email": "Email",
}
_PLACEHOLDERS: dict[str, str] = {
    "address_1": "House number and street name",
    "address_2": "Apartment, suite, unit, etc. (optional)",
    "company": "Optional",
    "email": "name@example.com",
}
#: Text of the state list's first entry, which stands for "no state".
_NO_STATE = "Choose a state…"


def problem_color(palette: QPalette, severity: Severity) -> QColor:
    """A readable colour for a message of ``severity`` on ``palette``'s window (light or dark)."""
    dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
    if severity is Severity.ERROR:
        return QColor("#f2b8b5" if dark else "#b3261e")
    return QColor("#ffcc80" if dark else "#8a5300")


def mark_widget(widget: QWidget, severity: Severity | None) -> None:
    """Tint ``widget``'s background for a problem, or restore it (None).

    A palette tint rather than a style sheet keeps the platform's native frame and metrics;
    the message under the field says what is wrong, the tint only draws the eye to it.
    """
    widget.setPalette(QPalette())
    if severity is None:
        return
    palette = widget.palette()
    tint = QColor("#d32f2f" if severity is Severity.ERROR else "#f9a825")
    for role in (QPalette.ColorRole.Base, QPalette.ColorRole.Button):
        base = palette.color(role)
        mixed = QColor(
            round(base.red() * 0.82 + tint.red() * 0.18),
            round(base.green() * 0.82 + tint.green() * 0.18),
            round(base.blue() * 0.82 + tint.blue() * 0.18),
        )
        palette.setColor(role, mixed)
    widget.setPalette(palette)


class FieldBox(QWidget):
    """An input with the message line under it that the form shows for a problem."""

    def __init__(
        self,
        field: QWidget,
        name: str,
        parent: QWidget | None = None,
        *,
        marked: QWidget | None = None,
    ) -> None:
        """Wrap ``field``; ``name`` gives the message label's objectName (``<name>_error``).

        Args:
            field: the input (or a row of inputs) to show.
            name: the field's object name prefix.
            parent: the owning widget.
            marked: the widget to tint for a problem when it is not ``field`` itself (a
                password edit inside a row with a button).
        """
        super().__init__(parent)
        self.field = field
        self._marked = marked or field
        self.message = QLabel(self)
        self.message.setObjectName(f"{name}_error")
        # Messages may quote what the user typed; never let that become markup.
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        # Take the field's width and wrap in it: a long message must not widen the form past
        # its scroll area (word-wrapped labels ask for more width than they need).
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.message.hide()
        font = self.message.font()
        font.setPointSizeF(font.pointSizeF() * 0.92)
        self.message.setFont(font)
        self.severity: Severity | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(field)
        layout.addWidget(self.message)

    def set_problem(self, message: str, severity: Severity = Severity.ERROR) -> None:
        """Show ``message`` under the input and tint the input; an empty message clears."""
        if not message:
            self.clear_problem()
            return
        if message == self.message.text() and severity is self.severity:
            return  # revalidation runs on every keystroke; spare the repaint
        self.severity = severity
        self.message.setText(message)
        palette = self.message.palette()
        palette.setColor(QPalette.ColorRole.WindowText, problem_color(self.palette(), severity))
        self.message.setPalette(palette)
        self.message.show()
        self._mark(severity)
        self.field.setToolTip(message)
        self.field.setAccessibleDescription(message)

    def clear_problem(self) -> None:
        """Hide the message and restore the input's look."""
        if self.severity is None and not self.message.text():
            return
        self.severity = None
        self.message.clear()
        self.message.hide()
        self._mark(None)
        self.field.setToolTip("")
        self.field.setAccessibleDescription("")

    def _mark(self, severity: Severity | None) -> None:
        targets: list[QWidget | None] = [self._marked]
        if isinstance(self._marked, QStackedWidget):
            targets = [self._marked.widget(index) for index in range(self._marked.count())]
        for target in targets:
            if target is not None:
                mark_widget(target, severity)


class AddressForm(QWidget):
    """A billing address (with email and phone) or a shipping address (with "Same as billing").

    Signals:
        changed: any value changed, by the user or by code (country switches included).
        field_edited(str): the user edited this field (its short name, e.g. ``"city"``);
            ``"same_as_billing"`` when the checkbox was toggled by the user.
    """

    changed = Signal()
    field_edited = Signal(str)

    def __init__(self, kind: AddressKind, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind: AddressKind = kind
        self.setObjectName(f"{kind}AddressForm")
        self._type: type[Address] = BillingAddress if kind == "billing" else Address
        self._source: AddressForm | None = None
        self._inputs: dict[str, QLineEdit] = {}
        self._boxes: dict[str, FieldBox] = {}
        self._labels: dict[str, QLabel] = {}

        self.same_as_billing = QCheckBox("Same as billing address", self)
        self.same_as_billing.setObjectName(f"{kind}_same_as_billing")
        self.same_as_billing.setVisible(kind == "shipping")
        self.same_as_billing.toggled.connect(self._on_same_as_billing_toggled)
        self.same_as_billing.clicked.connect(self._on_same_as_billing_clicked)

        self.country = self._make_country_combo()
        self.state_combo = QComboBox(self)
        self.state_combo.setObjectName(f"{kind}_state_combo")
        self.state_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.state_combo.setMinimumContentsLength(16)
        self.state_combo.currentIndexChanged.connect(self._on_value_changed)
        self.state_combo.activated.connect(self._on_state_activated)
        self.state_text = self._make_line_edit("state_text")
        self.state_text.textEdited.connect(self._on_state_text_edited)
        self.state = QStackedWidget(self)
        self.state.setObjectName(f"{kind}_state")
        self.state.addWidget(self.state_text)
        self.state.addWidget(self.state_combo)
        self._state_country = ""

        self._fields = QWidget(self)
        self._form = form = QFormLayout(self._fields)
        form.setContentsMargins(0, 0, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        for name in self.field_names:
            widget = self._field_widget(name)
            box = FieldBox(widget, f"{kind}_{name}", self._fields)
            self._boxes[name] = box
            label = QLabel(_LABELS[name], self._fields)
            label.setObjectName(f"{kind}_{name}_label")
            label.setBuddy(widget)
            self._labels[name] = label
            form.addRow(label, box)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if kind == "shipping":
            layout.addWidget(self.same_as_billing)
            layout.addSpacing(4)
        layout.addWidget(self._fields)
        layout.addStretch(1)
        self._set_tab_order()
        self._show_state_for("")

    # -- construction ---------------------------------------------------------------------------

    @property
    def field_names(self) -> tuple[str, ...]:
        """The form's fields (short names) in display order."""
        names: tuple[str, ...] = ("first_name", "last_name", "company", "country")
        names += ("address_1", "address_2")
        names += ("city", "state", "postcode")
        return (*names, "phone", "email") if self.kind == "billing" else names

    def _set_tab_order(self) -> None:
        """Let Tab walk the fields top to bottom, as they are shown.

        Qt's default order is the order of creation, which put the country and state (made
        first, because other fields depend on them) before the first name.
        """
        chain: list[QWidget] = [self.same_as_billing]
        for name in self.field_names:
            if name == "state":
                # Only one of the two is shown; either way it is the state's turn.
                chain += [self.state_text, self.state_combo]
            else:
                chain.append(self._field_widget_of(name))
        for first, second in pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _field_widget_of(self, name: str) -> QWidget:
        if name == "country":
            return self.country
        return self._inputs[name]

    def _make_line_edit(self, name: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setObjectName(f"{self.kind}_{name}")
        edit.setPlaceholderText(_PLACEHOLDERS.get(name, ""))
        edit.textChanged.connect(self._on_value_changed)
        return edit

    def _field_widget(self, name: str) -> QWidget:
        if name == "country":
            return self.country
        if name == "state":
            return self.state
        edit = self._make_line_edit(name)
        if name == "email":
            edit.setInputMethodHints(Qt.InputMethodHint.ImhEmailCharactersOnly)
        elif name == "phone":
            edit.setInputMethodHints(Qt.InputMethodHint.ImhDialableCharactersOnly)
        edit.textEdited.connect(self._on_line_edited)
        self._inputs[name] = edit
        return edit

    def _make_country_combo(self) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(f"{self.kind}_country")
        line = QLineEdit(combo)
        line.setObjectName(f"{self.kind}_country_text")
        combo.setLineEdit(line)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(20)
        combo.addItem("", "")
        for code, name in countries_by_name():
            combo.addItem(name, code)
        line.setPlaceholderText("Type or choose a country")
        # Typing "king" should offer "United Kingdom (UK)": match anywhere, ignoring case.
        completer = QCompleter(combo.model(), combo)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        combo.setCompleter(completer)
        combo.currentIndexChanged.connect(self._on_country_index_changed)
        combo.activated.connect(self._on_country_activated)
        line.editingFinished.connect(self._on_country_editing_finished)
        line.installEventFilter(self)
        line.textChanged.connect(self._on_value_changed)
        return combo

    # -- values ---------------------------------------------------------------------------------

    def address(self) -> Address:
        """The address as entered: a :class:`BillingAddress` for billing, else an :class:`Address`.

        For shipping with "Same as billing" checked, a copy of the billing form's address
        (without email and phone) taken now, so what is saved is what billing holds at save time.
        """
        if self._source is not None and self.is_same_as_billing():
            source = self._source.address().to_api()
            return Address(**{name: source[name] for name in Address.FIELDS})
        values = {name: edit.text() for name, edit in self._inputs.items()}
        values["country"] = self.country_value()
        values["state"] = self.state_value()
        return self._type(**{name: values.get(name, "") for name in self._type.FIELDS})

    def set_address(self, address: Address) -> None:
        """Show ``address``; fields it lacks (email and phone of a shipping address) are cleared.

        Stored values the lists do not know (an old state code, a lower-case country) are kept
        as extra entries, so reading the form back gives exactly what was stored.
        """
        values = address.to_api()
        with QSignalBlocker(self):
            for name, edit in self._inputs.items():
                edit.setText(values.get(name, ""))
            self._set_country(values.get("country", ""))
            self._set_state(values.get("state", ""))
        self._apply_locale(self._state_country)
        self.changed.emit()

    def country_value(self) -> str:
        """The country as the store keeps it: the chosen entry's code, else what was typed.

        Typed text that names a country ("Deutschland", "usa") gives that country's code; text
        that names none comes back as typed so validation can point at it.
        """
        text = self.country.currentText()
        index = self.country.currentIndex()
        if index >= 0 and self.country.itemText(index) == text:
            return str(self.country.itemData(index))
        return country_code(text) or text.strip()

    def state_value(self) -> str:
        """The state: the chosen state's code where the country has a list, else the text."""
        if self.state.currentWidget() is self.state_combo:
            data = self.state_combo.currentData()
            return str(data) if data is not None else ""
        return self.state_text.text()

    def _set_country(self, code: str) -> None:
        index = self.country.findData(code) if code else 0
        if index < 0:
            self.country.addItem(code, code)
            index = self.country.count() - 1
        self.country.setCurrentIndex(index)
        self.country.setEditText(self.country.itemText(index))
        self._show_state_for(code, rebuild=True)

    def _set_state(self, state: str) -> None:
        if self.state.currentWidget() is self.state_combo:
            self.state_text.clear()
            index = self.state_combo.findData(state) if state else 0
            if index < 0:
                self.state_combo.addItem(f"{state} (not in the list)", state)
                index = self.state_combo.count() - 1
            self.state_combo.setCurrentIndex(index)
        else:
            self.state_text.setText(state)

    def _show_state_for(self, country: str, *, rebuild: bool = False) -> None:
        """Switch the state input to ``country``'s kind, carrying over what it can.

        Args:
            country: the country code now chosen.
            rebuild: refill the state list even for the same country (drops extra entries
                that a previous address's unknown state added).
        """
        showing_list = self.state.currentWidget() is self.state_combo
        if not rebuild and country == self._state_country and has_states(country) == showing_list:
            return
        # A code means nothing in another country ("AL" is Alabama and Alagoas), so a chosen
        # state carries over by name only; typed free text may be a name or a code.
        was_list = self.state.currentWidget() is self.state_combo
        previous = self.state_combo.currentText() if was_list else self.state_text.text()
        self._state_country = country
        if not has_states(country):
            # The free-text field kept what was typed before a list country was chosen.
            self.state.setCurrentWidget(self.state_text)
            self._apply_locale(country)
            return
        with QSignalBlocker(self.state_combo):
            self.state_combo.clear()
            self.state_combo.addItem(_NO_STATE, "")
            for code, name in states_by_name(country):
                self.state_combo.addItem(name, code)
            kept = state_code(country, previous) if previous else None
            self.state_combo.setCurrentIndex(self.state_combo.findData(kept) if kept else 0)
        self.state.setCurrentWidget(self.state_combo)
        self._apply_locale(country)

    # -- same as billing --------------------------------------------------------------------------

    def follow(self, source: AddressForm) -> None:
        """Let "Same as billing" copy ``source`` (the billing form) while it is checked."""
        if self._source is not None:
            self._source.changed.disconnect(self._on_source_changed)
        self._source = source
        source.changed.connect(self._on_source_changed)
        if self.is_same_as_billing():
            self._copy_source()

    def is_same_as_billing(self) -> bool:
        """Whether this shipping form takes the billing address."""
        return self.kind == "shipping" and self.same_as_billing.isChecked()

    def set_same_as_billing(self, same: bool) -> None:
        """Check or uncheck "Same as billing" (shipping forms only)."""
        if self.kind == "shipping":
            self.same_as_billing.setChecked(same)

    @Slot(bool)
    def _on_same_as_billing_toggled(self, checked: bool) -> None:
        self._fields.setEnabled(not checked)
        if checked:
            self._copy_source()
        self.changed.emit()

    @Slot(bool)
    def _on_same_as_billing_clicked(self, _checked: bool) -> None:
        self.field_edited.emit("same_as_billing")

    @Slot()
    def _on_source_changed(self) -> None:
        if self.is_same_as_billing():
            self._copy_source()

    def _copy_source(self) -> None:
        if self._source is None:
            return
        values = self._source.address().to_api()
        self.set_address(Address(**{name: values[name] for name in Address.FIELDS}))

    # -- messages -------------------------------------------------------------------------------

    def set_field_error(self, name: str, message: str, severity: Severity = Severity.ERROR) -> None:
        """Show ``message`` under field ``name`` (short name) and mark the field; "" clears."""
        self._boxes[name].set_problem(message, severity)

    def clear_field_error(self, name: str) -> None:
        """Remove the message of field ``name``."""
        self._boxes[name].clear_problem()

    def clear_errors(self) -> None:
        """Remove every field's message."""
        for box in self._boxes.values():
            box.clear_problem()

    def field_error(self, name: str) -> str:
        """The message shown under field ``name``; "" when there is none."""
        return self._boxes[name].message.text()

    def field_severity(self, name: str) -> Severity | None:
        """The severity of the message under field ``name``; None when there is none."""
        return self._boxes[name].severity

    def field_widget(self, name: str) -> QWidget:
        """The input of field ``name`` (the state stack for ``"state"``)."""
        return self._boxes[name].field

    def focus_field(self, name: str) -> None:
        """Put the keyboard focus into field ``name``."""
        widget = self.field_widget(name)
        target = widget.currentWidget() if isinstance(widget, QStackedWidget) else widget
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def set_inputs_enabled(self, enabled: bool) -> None:
        """Enable or disable every input (while a save is under way)."""
        self.same_as_billing.setEnabled(enabled)
        self._fields.setEnabled(enabled and not self.is_same_as_billing())

    # -- reactions ------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        """Enter in the country box confirms the country instead of the dialog's default button.

        Without this, a user confirming "Deutschland" with Enter would submit the whole dialog.
        """
        if (
            watched is self.country.lineEdit()
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self._on_country_editing_finished()
            return True
        return super().eventFilter(watched, event)

    @Slot()
    def _on_value_changed(self) -> None:
        self.changed.emit()

    @Slot(str)
    def _on_line_edited(self, _text: str) -> None:
        # One slot serves every line edit; the sender's objectName says which field it was.
        sender = self.sender()
        if isinstance(sender, QLineEdit):
            self.field_edited.emit(sender.objectName().removeprefix(f"{self.kind}_"))

    @Slot(str)
    def _on_state_text_edited(self, _text: str) -> None:
        self.field_edited.emit("state")

    @Slot(int)
    def _on_state_activated(self, _index: int) -> None:
        self.field_edited.emit("state")

    @Slot(int)
    def _on_country_index_changed(self, index: int) -> None:
        code = str(self.country.itemData(index)) if index >= 0 else ""
        self._show_state_for(code)
        self.changed.emit()

    @Slot(int)
    def _on_country_activated(self, _index: int) -> None:
        self.field_edited.emit("country")

    @Slot()
    def _on_country_editing_finished(self) -> None:
        """Turn typed text into the matching entry ("usa" selects "United States (US)")."""
        text = self.country.currentText()
        index = self.country.currentIndex()
        if index < 0 or self.country.itemText(index) != text:
            code = country_code(text) if text.strip() else ""
            found = self.country.findData(code) if code is not None else -1
            if found >= 0:
                self.country.setCurrentIndex(found)
                self.country.setEditText(self.country.itemText(found))
            else:
                self._show_state_for("")
        self.field_edited.emit("country")
        self.changed.emit()

    # -- the country's way of addressing ----------------------------------------------------------

    def field_label(self, name: str) -> str:
        """The label of field ``name`` (short name) as shown now ("ZIP code" for a US address)."""
        return self._labels[name].text()

    def is_field_shown(self, name: str) -> bool:
        """Whether field ``name``'s row is shown (a German address has no state row)."""
        return self._form.isRowVisible(self._boxes[name])

    def _apply_locale(self, country: str) -> None:
        """Label the city, state and postcode rows as ``country`` (a code) calls them.

        A state WooCommerce leaves out for the country (Germany, France) has its row hidden,
        unless the address holds a state anyway: a stored value is never hidden from view.
        """
        locale = address_locale(country)
        self._labels["city"].setText(locale.city_label)
        self._labels["state"].setText(locale.state_label)
        self._labels["postcode"].setText(locale.postcode_label)
        self.state_text.setPlaceholderText("" if locale.state_required else "Optional")
        self.field_widget("postcode").setAccessibleName(locale.postcode_label)
        self.state.setAccessibleName(locale.state_label)
        self._form.setRowVisible(
            self._boxes["state"], not (locale.state_hidden and not self.state_value())
        )
