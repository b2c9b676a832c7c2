"""FilterEditor: the small dialog that sets one filter of the customer list.

One dialog per filter of the Add filter menu (country, state or region, city, orders, total
spent, average order value, registered, last order with "Never ordered" (its own menu entry
opens this editor with it ticked), company, phone), with
widgets that fit the value: a checkable list of the store's countries, spin boxes for orders,
checked amounts for money, dates with a calendar. Apply checks the whole criteria with
:meth:`~app.domain.criteria.Criteria.problems` and shows each problem below its field; only
criteria without problems leave the dialog (:attr:`FilterEditor.applied`). It is opened, not
executed, so tests and the worker's signals keep running while it is shown.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.domain.countries import country_name, fold, state_code, states_by_name
from app.domain.criteria import Criteria, Criterion, Problem
from app.domain.money import MoneyFormat
from app.domain.validation import Severity
from app.ui.address_form import mark_widget, problem_color

#: The editor's title for each filter (Never ordered is edited with the last order).
TITLES: dict[Criterion, str] = {
    Criterion.COUNTRIES: "Country",
    Criterion.STATE: "State or region",
    Criterion.CITY: "City",
    Criterion.ORDERS: "Orders",
    Criterion.SPENT: "Total spent",
    Criterion.AVERAGE: "Average order value",
    Criterion.REGISTERED: "Registered",
    Criterion.LAST_ORDER: "Last order",
    Criterion.NEVER_ORDERED: "Last order",
    Criterion.COMPANY: "Company",
    Criterion.PHONE: "Phone",
}

_DAYS_NOTE = "Days as the store counts them (its timezone); both days are included."
#: A line above the fields where the values need explaining.
_NOTES: dict[Criterion, str] = {
    Criterion.COUNTRIES: "Customers whose billing (else shipping) country is one of these.",
    Criterion.STATE: "The billing (else shipping) address's state, county or region.",
    Criterion.ORDERS: "Customers whose count of orders is in this range.",
    Criterion.SPENT: "What each customer spent in all, as the store counts it.",
    Criterion.AVERAGE: "Total spent divided by the number of orders.",
    Criterion.REGISTERED: f"When the account was made. {_DAYS_NOTE}",
    Criterion.LAST_ORDER: f"When the customer last ordered. {_DAYS_NOTE}",
}

#: What the spin boxes show for "no limit" (their lowest value, below any real count).
_ANY = "Any"
_AMOUNT = re.compile(r"-?\d+(?:[.,]\d+)?")


class _UnreadableError(Exception):
    """A field's text is not a value (option, message): shown like a criteria problem."""

    def __init__(self, option: str, message: str) -> None:
        super().__init__(message)
        self.problem = Problem(option, message)


def editor_of(criterion: Criterion) -> Criterion:
    """The filter whose editor edits ``criterion`` (Never ordered is part of Last order)."""
    return Criterion.LAST_ORDER if criterion is Criterion.NEVER_ORDERED else criterion


class FilterEditor(QDialog):
    """Sets one filter (objectName ``filterEditor``); see the module docstring.

    Args:
        criterion: the filter to set (its chip, or its entry in the Add filter menu).
        criteria: the filters set now: this one's values start the fields, the others stay.
        countries: the country codes present in the cache (the country list offers these).
        money: how the store writes money (its symbol labels the amounts).
        parent: the window.

    Signals:
        applied(Criteria): Apply was pressed and these criteria (all the filters) have no
            problem.
    """

    applied = Signal(Criteria)

    def __init__(
        self,
        criterion: Criterion,
        criteria: Criteria,
        countries: Sequence[str],
        money: MoneyFormat,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("filterEditor")
        self.criterion = editor_of(criterion)
        # Never ordered asked for (its own Add filter entry, or its chip): ticked at once.
        self._never_asked = criterion is Criterion.NEVER_ORDERED
        self.setWindowTitle(f"Filter: {TITLES[self.criterion]}")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self._base = criteria
        self._money = money
        self._messages: dict[str, QLabel] = {}
        self._fields: dict[str, QWidget] = {}
        self.setMinimumWidth(340)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self._read: Callable[[], Criteria] = self._build(countries)
        self.general_message = self._message_label("generalProblem")
        self.note = QLabel(_NOTES.get(self.criterion, ""))
        self.note.setObjectName("filterNote")
        self.note.setWordWrap(True)
        self.note.setVisible(bool(self.note.text()))
        # Made with its dialog as parent: a default button set on a parentless box is
        # dropped, and Enter would press Cancel instead.
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.apply_button = buttons.addButton("Apply", QDialogButtonBox.ButtonRole.AcceptRole)
        self.apply_button.setObjectName("applyFilter")
        self.apply_button.setDefault(True)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(self.form)
        layout.addWidget(self.general_message)
        layout.addWidget(buttons)

    # -- the fields of each filter -----------------------------------------------------------

    def _build(self, countries: Sequence[str]) -> Callable[[], Criteria]:
        base = self._base.without(self.criterion)
        match self.criterion:
            case Criterion.COUNTRIES:
                return self._build_countries(base, countries)
            case Criterion.STATE:
                return self._build_state(base, countries)
            case Criterion.CITY:
                field = self._line("cityField", "City:", "--city", self._base.city)
                return lambda: replace(base, city=_required(field, "--city", "Enter a city."))
            case Criterion.ORDERS:
                low = self._spin("minOrders", "At least:", "--min-orders", self._base.min_orders)
                high = self._spin("maxOrders", "At most:", "--max-orders", self._base.max_orders)
                return lambda: replace(
                    base, **_limits(("min_orders", "max_orders"), (_count(low), _count(high)))
                )
            case Criterion.SPENT | Criterion.AVERAGE:
                return self._build_money(base)
            case Criterion.REGISTERED:
                after = self._date("registeredAfter", "From:", self._base.registered_after)
                before = self._date("registeredBefore", "Until:", self._base.registered_before)
                names = ("registered_after", "registered_before")
                return lambda: replace(base, **_limits(names, (_day(after), _day(before))))
            case Criterion.LAST_ORDER | Criterion.NEVER_ORDERED:
                return self._build_last_order(base.without(Criterion.NEVER_ORDERED))
            case Criterion.COMPANY | Criterion.PHONE:
                return self._build_flag(base)

    def _build_countries(self, base: Criteria, countries: Sequence[str]) -> Callable[[], Criteria]:
        chosen = set(self._base.countries)
        listed = sorted(set(countries) | chosen, key=lambda code: fold(country_name(code)))
        country_list = QListWidget()
        country_list.setObjectName("countryList")
        country_list.setMinimumWidth(260)
        for code in listed:
            item = QListWidgetItem(country_name(code) or code)
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = code in chosen
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
            country_list.addItem(item)
        self._add_row("Customers in:", country_list, "--country")

        def read() -> Criteria:
            codes = tuple(
                str(item.data(Qt.ItemDataRole.UserRole))
                for item in (country_list.item(row) for row in range(country_list.count()))
                if item.checkState() == Qt.CheckState.Checked
            )
            if not codes:
                raise _UnreadableError("--country", "Tick at least one country.")
            return replace(base, countries=codes)

        return read

    def _build_state(self, base: Criteria, countries: Sequence[str]) -> Callable[[], Criteria]:
        # The states of the countries filtered on, else of every country the cache holds.
        where = self._base.countries or tuple(countries)
        box = QComboBox()
        box.setObjectName("stateField")
        box.setEditable(True)
        box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        box.setMinimumWidth(260)
        for country in where:
            for code, name in states_by_name(country):
                suffix = f" ({country_name(country)})" if len(where) > 1 else ""
                box.addItem(f"{name}{suffix}", code)
        index = box.findData(self._base.state) if self._base.state else -1
        box.setCurrentIndex(index)
        box.setEditText(box.itemText(index) if index >= 0 else self._base.state)
        line = box.lineEdit()
        if line is not None:
            line.setPlaceholderText("A state's name or code")
        self._add_row("State or region:", box, "--state")

        def read() -> Criteria:
            text = box.currentText().strip()
            if not text:
                raise _UnreadableError("--state", "Enter a state or region.")
            listed = box.findText(text, Qt.MatchFlag.MatchFixedString)
            if listed >= 0:
                return replace(base, state=str(box.itemData(listed)))
            known = (state_code(country, text) for country in where)
            return replace(base, state=next((code for code in known if code), text))

        return read

    def _build_money(self, base: Criteria) -> Callable[[], Criteria]:
        spent = self.criterion is Criterion.SPENT
        word = "spent" if spent else "average"
        names = ("min_spent", "max_spent") if spent else ("min_average", "max_average")
        currency = self._money.symbol or self._money.code
        symbol = f" ({currency})" if currency else ""
        low = self._line(
            f"min{word.title()}",
            f"At least{symbol}:",
            f"--min-{word}",
            _amount_text(getattr(self._base, names[0])),
            placeholder=_ANY,
        )
        high = self._line(
            f"max{word.title()}",
            f"At most{symbol}:",
            f"--max-{word}",
            _amount_text(getattr(self._base, names[1])),
            placeholder=_ANY,
        )

        def read() -> Criteria:
            values = (_amount(low, f"--min-{word}"), _amount(high, f"--max-{word}"))
            return replace(base, **_limits(names, values))

        return read

    def _build_last_order(self, base: Criteria) -> Callable[[], Criteria]:
        after = self._date("lastOrderAfter", "From:", self._base.last_order_after)
        before = self._date("lastOrderBefore", "Until:", self._base.last_order_before)
        never = QCheckBox("Never ordered")
        never.setObjectName("neverOrdered")
        never.setToolTip("Customers without a single order")
        never.setChecked(self._base.never_ordered or self._never_asked)
        self._add_row("", never, "--never-ordered")
        dates = [self._fields["lastOrderAfter"], self._fields["lastOrderBefore"]]

        def follow(checked: bool) -> None:
            for row in dates:
                row.setEnabled(not checked)

        never.toggled.connect(follow)
        follow(never.isChecked())

        def read() -> Criteria:
            if never.isChecked():
                return replace(base, never_ordered=True)
            names = ("last_order_after", "last_order_before")
            return replace(base, **_limits(names, (_day(after), _day(before))))

        return read

    def _build_flag(self, base: Criteria) -> Callable[[], Criteria]:
        company = self.criterion is Criterion.COMPANY
        what = "company" if company else "phone"
        current = self._base.has_company if company else self._base.has_phone
        has = QRadioButton(f"Has a {what}")
        has.setObjectName("hasIt")
        has_not = QRadioButton(f"Has no {what}")
        has_not.setObjectName("hasNot")
        (has_not if current is False else has).setChecked(True)
        choice = QWidget()
        row = QVBoxLayout(choice)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(has)
        row.addWidget(has_not)
        self._add_row("Customers who:", choice, f"--has-{what}")
        name = "has_company" if company else "has_phone"

        def read() -> Criteria:
            chosen: dict[str, Any] = {name: has.isChecked()}
            return replace(base, **chosen)

        return read

    # -- widgets -----------------------------------------------------------------------------

    def _line(
        self, name: str, label: str, option: str, text: str, *, placeholder: str = ""
    ) -> QLineEdit:
        field = QLineEdit(text)
        field.setObjectName(name)
        field.setPlaceholderText(placeholder)
        field.setMinimumWidth(160)
        self._add_row(label, field, option)
        return field

    def _spin(self, name: str, label: str, option: str, value: int | None) -> QSpinBox:
        spin = QSpinBox()
        spin.setObjectName(name)
        spin.setRange(-1, 1_000_000)  # -1 reads "Any": no limit on this side
        spin.setSpecialValueText(_ANY)
        spin.setValue(-1 if value is None else value)
        spin.setMinimumWidth(120)
        self._add_row(label, spin, option)
        return spin

    def _date(self, name: str, label: str, value: date | None) -> tuple[QCheckBox, QDateEdit]:
        check = QCheckBox(label.rstrip(":"))
        check.setObjectName(f"{name}Set")
        edit = QDateEdit()
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        shown = value or (date.today() - timedelta(days=30) if "After" in name else date.today())
        edit.setDate(QDate(shown.year, shown.month, shown.day))
        edit.setEnabled(value is not None)
        check.setChecked(value is not None)
        check.toggled.connect(edit.setEnabled)
        row = QWidget()
        row.setObjectName(f"{name}Row")
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        line.addWidget(check)
        line.addWidget(edit, 1)
        option = _DATE_OPTIONS[name]
        self._add_row("", row, option)
        self._fields[name] = row
        return check, edit

    def _message_label(self, name: str) -> QLabel:
        label = QLabel()
        label.setObjectName(name)
        label.setTextFormat(Qt.TextFormat.PlainText)
        label.setWordWrap(True)
        palette = label.palette()
        palette.setColor(
            QPalette.ColorRole.WindowText, problem_color(self.palette(), Severity.ERROR)
        )
        label.setPalette(palette)
        label.hide()
        return label

    def _add_row(self, label: str, field: QWidget, option: str) -> None:
        """A field with its message on a row of its own below, shown when it has a problem.

        The message spans the form's width rather than sitting beside the field: beside it,
        a wrapped message was squeezed (its lines clipped) and squeezed the field in turn.
        """
        if label:
            self.form.addRow(label, field)
        else:
            self.form.addRow(field)
        message = self._message_label(f"problem{option.title().replace('-', '')}")
        self.form.addRow(message)
        self.form.setRowVisible(message, False)
        self._messages[option] = message
        self._fields.setdefault(option, field)

    # -- applying ----------------------------------------------------------------------------

    def problems(self) -> list[Problem]:
        """What keeps the fields from being applied now (empty: Apply would apply them)."""
        try:
            return self._read().problems()
        except _UnreadableError as unreadable:
            return [unreadable.problem]

    def criteria(self) -> Criteria:
        """All the filters as the fields set them (check :meth:`problems` first)."""
        return self._read()

    def accept(self) -> None:
        """Apply the fields if they have no problem; else say what is wrong below each."""
        problems = self.problems()
        self._show(problems)
        if problems:
            return
        self.applied.emit(self._read())
        super().accept()

    def _show(self, problems: list[Problem]) -> None:
        for option, message in self._messages.items():
            mine = [p.message for p in problems if p.option == option]
            message.setText("\n".join(mine))
            self.form.setRowVisible(message, bool(mine))
            field = self._fields.get(option)
            if field is not None:
                mark_widget(field, Severity.ERROR if mine else None)
        elsewhere = [p.message for p in problems if p.option not in self._messages]
        self.general_message.setText("\n".join(elsewhere))
        self.general_message.setVisible(bool(elsewhere))
        self.adjustSize()


#: The option each date field answers to (as Criteria.problems names them).
_DATE_OPTIONS = {
    "registeredAfter": "--registered-after",
    "registeredBefore": "--registered-before",
    "lastOrderAfter": "--last-order-after",
    "lastOrderBefore": "--last-order-before",
}


#: The option a range with neither end set is told on (the field at its start).
_FIRST_OPTION = {
    "min_orders": "--min-orders",
    "min_spent": "--min-spent",
    "min_average": "--min-average",
    "registered_after": "--registered-after",
    "last_order_after": "--last-order-after",
}


def _limits(names: tuple[str, str], values: tuple[object, object]) -> dict[str, Any]:
    """A range's two ends by field name; at least one must be set (else nothing filters)."""
    if values == (None, None):
        dated = names[0].endswith("_after")
        message = "Set at least one of the limits."
        if dated:
            never = " or Never ordered" if names[0].startswith("last_order") else ""
            message = f"Tick From or Until{never}."
        raise _UnreadableError(_FIRST_OPTION[names[0]], message)
    return dict(zip(names, values, strict=True))


def _required(field: QLineEdit, option: str, message: str) -> str:
    text = " ".join(field.text().split())
    if not text:
        raise _UnreadableError(option, message)
    return text


def _count(spin: QSpinBox) -> int | None:
    return None if spin.value() < 0 else spin.value()


def _day(pair: tuple[QCheckBox, QDateEdit]) -> date | None:
    check, edit = pair
    if not check.isChecked():
        return None
    day = edit.date()
    return date(day.year(), day.month(), day.day())


def _amount_text(value: Decimal | None) -> str:
    return "" if value is None else str(value)


def _amount(field: QLineEdit, option: str) -> Decimal | None:
    """The amount typed (a comma or a point before the decimals), None when empty."""
    text = field.text().strip().replace(" ", "")
    if not text:
        return None
    if not _AMOUNT.fullmatch(text):
        raise _UnreadableError(option, "Enter an amount such as 25 or 19.99.")
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:  # the pattern lets no such text through; kept for safety
        raise _UnreadableError(option, "Enter an amount such as 25 or 19.99.") from None
