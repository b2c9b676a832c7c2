"""The import preview: a table model over the rows a dry run planned, and its problem filter.

Owns :class:`ImportPreviewModel` (one row per planned file row: its number, its status, the
reason, then the file's mapped cells, which can be edited in place), the roles it answers
(:data:`PLANNED_ROLE`, :data:`ACTION_ROLE`, and :data:`SORT_ROLE` for sorting), how statuses
read ("Create", "No change", "Problem", "Failed", "Edited – check again") and are tinted, and
:class:`ProblemRowsFilter`, the proxy that narrows the preview to the rows that need a look.

A file may have 100,000 rows, so the model keeps the plan as given and works each cell out when
a view asks for it; nothing is precomputed per row. Everything is plain text: cells come from
files and may hold markup, so display values are the raw strings (views paint them literally),
and every tooltip opens with a line the model writes itself, which keeps ``QToolTip`` from
taking the rest for rich text.

Edits are kept apart from the plan, keyed by the row's number, until the dialog plans the
edited file again and sets the new plan (which clears them).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from enum import IntEnum
from typing import Any, Final

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont

from app.domain.validation import FIELD_LABELS, FieldProblem
from app.importer.mapping import TARGET_LABELS, ColumnMapping
from app.importer.records import FieldChange, Outcome, PlannedRow, RowAction, RowResult
from app.models.formatting import TOOLTIP_MIN_CHARS
from app.models.record_table import column_header, consecutive_runs
from app.models.roles import ACTION_ROLE, NUMBER_ALIGNMENT, PLANNED_ROLE, SORT_ROLE

_ROOT: Final = QModelIndex()


class PreviewColumn(IntEnum):
    """The fixed columns of :class:`ImportPreviewModel`; the file's mapped columns follow."""

    ROW = 0
    STATUS = 1
    DETAILS = 2


#: The view column of the first mapped file column.
FIRST_CELL_COLUMN: Final = len(PreviewColumn)

_TITLES: Final = ("Row", "Status", "Details")

EDITED: Final = "Edited – check again"
_RECHECK: Final = "Edited: check the file again to see what the import will do with it."
_PLAN_LABELS: Final[Mapping[RowAction, str]] = {
    RowAction.CREATE: "Create",
    RowAction.UPDATE: "Update",
    RowAction.SKIP: "Skip",
    RowAction.INVALID: "Problem",
}
#: Reasons of skipped rows that change nothing (the planner's words for them).
_NO_CHANGE_REASONS: Final = frozenset({"No change.", "No empty field to fill."})
_NO_CHANGE: Final = "No change"
_OUTCOME_LABELS: Final[Mapping[Outcome, str]] = {
    Outcome.CREATED: "Created",
    Outcome.UPDATED: "Updated",
    Outcome.SKIPPED: "Skipped",
    Outcome.FAILED: "Failed",
}

# Translucent tints: painted over the view's base colour, they stay subtle and legible on light
# and dark palettes alike (a solid colour would suit only one of them).
_RED: Final = QColor(211, 47, 47, 56)
_AMBER: Final = QColor(249, 168, 37, 64)
_GREEN: Final = QColor(56, 142, 60, 52)
_BLUE: Final = QColor(25, 118, 210, 52)
_ACTION_TINTS: Final[Mapping[RowAction | Outcome, QColor]] = {
    RowAction.CREATE: _GREEN,
    RowAction.UPDATE: _BLUE,
    RowAction.INVALID: _RED,
    Outcome.CREATED: _GREEN,
    Outcome.UPDATED: _BLUE,
    Outcome.FAILED: _RED,
}
#: SORT_ROLE of the Status column: what needs a look first, then creates, updates, skips.
_ACTION_RANKS: Final[Mapping[RowAction | Outcome, int]] = {
    RowAction.INVALID: 0,
    Outcome.FAILED: 0,
    RowAction.CREATE: 2,
    Outcome.CREATED: 2,
    RowAction.UPDATE: 3,
    Outcome.UPDATED: 3,
    RowAction.SKIP: 4,
    Outcome.SKIPPED: 4,
}
_EDITED_RANK: Final = 1

#: Changes the Details column names before it says how many more there are.
SUMMARY_CHANGES: Final = 3
_EMPTY: Final = "(empty)"

#: The roles :meth:`ImportPreviewModel.data` answers; any other is answered at once with None.
_ROLES: Final = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.EditRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.FontRole,
        SORT_ROLE,
        PLANNED_ROLE,
        ACTION_ROLE,
    }
)


def _value(text: str) -> str:
    return text if text else _EMPTY


def describe_change(change: FieldChange) -> str:
    """A change as the preview names it: ``"City: Berlin → Munich"``."""
    label = FIELD_LABELS.get(change.field, change.field)
    return f"{label}: {_value(change.before)} → {_value(change.after)}"


def summarize_changes(changes: Sequence[FieldChange]) -> str:
    """The changes of an update in one short line ("Email: a → b; City: c → d")."""
    named = "; ".join(describe_change(change) for change in changes[:SUMMARY_CHANGES])
    more = len(changes) - SUMMARY_CHANGES
    return f"{named}; and {more} more" if more > 0 else named


def _tooltip(heading: str, lines: Iterable[str]) -> str | None:
    """A tooltip: ``heading`` (the model's own words), then ``lines``; None without lines.

    ``QToolTip`` takes a text for rich text when its first line looks like markup; a heading
    the model writes never does, so values from the file that follow show literally.
    """
    body = [line for line in dict.fromkeys(lines) if line]
    return "\n".join((heading, *body)) if body else None


class ImportPreviewModel(QAbstractTableModel):
    """The rows of an import's dry run: number, status, details, then the mapped file cells.

    The mapped cells are editable; an edited row shows "Edited – check again" until the next
    :meth:`set_plan`. After a run, :meth:`set_results` makes the status say what happened.

    Signals:
        row_edited: a row's cells were edited (the row's number in the file, as
            :attr:`SourceRow.number <app.importer.records.SourceRow.number>`).
    """

    row_edited = Signal(int)

    #: Above this many separate runs of changed rows, :meth:`set_results` reports one span.
    max_runs = 128

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._plan: list[PlannedRow] = []
        self._headers: tuple[str, ...] = ()
        self._file_columns: tuple[int, ...] = ()  # view column - FIRST_CELL_COLUMN -> file column
        self._targets: tuple[str, ...] = ()  # ... -> the field that file column feeds
        self._edits: dict[int, tuple[str, ...]] = {}
        self._results: dict[int, RowResult] = {}
        self._row_of: dict[int, int] | None = None  # number -> row, built on the first need
        self._bold: QFont | None = None

    # -- content ----------------------------------------------------------------------------

    def set_plan(self, plan: Sequence[PlannedRow], mapping: ColumnMapping) -> None:
        """Show a (new) dry run: a model reset that clears edits and results.

        The dialog plans again after edits, so the new plan's cells already hold them.
        """
        self.beginResetModel()
        self._plan = list(plan)
        self._headers = mapping.headers
        pairs = mapping.mapped().items()  # in column order
        self._file_columns = tuple(index for _target, index in pairs)
        self._targets = tuple(target for target, _index in pairs)
        self._edits = {}
        self._results = {}
        self._row_of = None
        self.endResetModel()

    def set_results(self, results: Mapping[int, RowResult]) -> None:
        """Show what a run did, by row number (replacing earlier results).

        The Status and Details columns of the rows concerned change (``dataChanged``).
        """
        touched = self._results.keys() | results.keys()
        self._results = dict(results)
        rows = sorted(row for row in map(self.row_of_number, touched) if row is not None)
        runs = consecutive_runs(rows)
        if len(runs) > self.max_runs:
            runs = [(runs[0][0], runs[-1][1])]  # one span: views repaint only what they show
        for first, last in runs:
            self.dataChanged.emit(
                self.index(first, PreviewColumn.STATUS),
                self.index(last, PreviewColumn.DETAILS),
                [],
            )

    def edits(self) -> dict[int, tuple[str, ...]]:
        """The edited rows' full cells (all of the file's columns), by row number."""
        return dict(self._edits)

    def results(self) -> dict[int, RowResult]:
        """The results set by :meth:`set_results`, by row number."""
        return dict(self._results)

    # -- rows -------------------------------------------------------------------------------

    def planned_at(self, row: int) -> PlannedRow | None:
        """The planned row of a model row (None out of range)."""
        return self._plan[row] if 0 <= row < len(self._plan) else None

    def row_of_number(self, number: int) -> int | None:
        """The model row of a file row's number (None if the plan has no such row)."""
        # A plan normally lists rows 1, 2, 3, ... in order: then the answer is at hand.
        guess = number - 1
        if 0 <= guess < len(self._plan) and self._plan[guess].row.number == number:
            return guess
        if self._row_of is None:
            self._row_of = {planned.row.number: row for row, planned in enumerate(self._plan)}
        return self._row_of.get(number)

    def is_edited(self, row: int) -> bool:
        """Whether a row's cells were edited since the plan was set."""
        planned = self.planned_at(row)
        return planned is not None and planned.row.number in self._edits

    def outcome_at(self, row: int) -> Outcome | None:
        """A row's final outcome (None before results, or out of range)."""
        planned = self.planned_at(row)
        result = self._results.get(planned.row.number) if planned is not None else None
        return result.outcome if result is not None else None

    def needs_attention(self, row: int) -> bool:
        """Whether a row asks for a look: invalid, with any problem, edited, or failed.

        Any problem means warnings too, and a row of the wrong shape (more or fewer cells than
        the header), which the reader reports on the row rather than on a field.
        """
        planned = self.planned_at(row)
        if planned is None:
            return False
        if planned.action is RowAction.INVALID or planned.problems or planned.row.problem:
            return True
        number = planned.row.number
        result = self._results.get(number)
        return number in self._edits or (result is not None and result.outcome is Outcome.FAILED)

    def file_column(self, column: int) -> int | None:
        """The file column a view column shows (None for Row, Status and Details)."""
        cell = column - FIRST_CELL_COLUMN
        return self._file_columns[cell] if 0 <= cell < len(self._file_columns) else None

    def column_of_target(self, target: str) -> int | None:
        """The view column showing the file column that feeds ``target`` (or None)."""
        try:
            return FIRST_CELL_COLUMN + self._targets.index(target)
        except ValueError:
            return None

    # -- Qt model interface -----------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:  # noqa: N802
        """One row per planned row (a table: no children)."""
        return 0 if parent.isValid() else len(self._plan)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:  # noqa: N802
        """Row, Status, Details, then one column per mapped file column."""
        return 0 if parent.isValid() else FIRST_CELL_COLUMN + len(self._file_columns)

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        """A cell's text, tooltip, alignment, tint, font, raw value, planned row or action."""
        if role not in _ROLES or not index.isValid():
            return None
        row, column = index.row(), index.column()
        if not 0 <= row < len(self._plan):
            return None
        planned = self._plan[row]
        if role == PLANNED_ROLE:
            return planned
        result = self._results.get(planned.row.number)
        if role == ACTION_ROLE:
            return result.outcome if result is not None else planned.action
        if column == PreviewColumn.ROW:
            return self._row_data(planned, role)
        if column in (PreviewColumn.STATUS, PreviewColumn.DETAILS):
            return self._summary_data(planned, result, PreviewColumn(column), role)
        cell = column - FIRST_CELL_COLUMN
        if 0 <= cell < len(self._file_columns):
            return self._cell_data(planned, cell, role)
        return None

    def setData(  # noqa: N802
        self,
        index: QModelIndex | QPersistentModelIndex,
        value: Any,
        role: int = Qt.ItemDataRole.EditRole,
    ) -> bool:
        """Edit a mapped cell: the row's cells are kept as an edit, the row marked edited.

        Returns:
            False for anything but text for a mapped cell in :data:`EditRole`.
        """
        if role != Qt.ItemDataRole.EditRole or not isinstance(value, str):
            return False
        planned = self.planned_at(index.row()) if index.isValid() else None
        file_column = self.file_column(index.column())
        if planned is None or file_column is None:
            return False
        number = planned.row.number
        cells = list(self._edits.get(number, planned.row.cells))
        if file_column < len(cells) and cells[file_column] == value:
            return True  # nothing changes
        cells.extend([""] * (file_column + 1 - len(cells)))
        cells[file_column] = value
        edited = tuple(cells)
        if edited == planned.row.cells:
            del self._edits[number]  # edited back to what the file says: no edit
        else:
            self._edits[number] = edited
        row = index.row()
        last = self.columnCount() - 1
        self.dataChanged.emit(self.index(row, 0), self.index(row, last), [])
        self.row_edited.emit(number)
        return True

    def headerData(  # noqa: N802
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        """Titles: Row (right-aligned like its numbers), Status, Details, the file's headers."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self.columnCount():
            return super().headerData(section, orientation, role)
        file_column = self.file_column(section)
        if file_column is None:
            return column_header(_TITLES[section], section == PreviewColumn.ROW, role)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._headers[file_column] or f"Column {file_column + 1}"
        if role == Qt.ItemDataRole.ToolTipRole:
            target = self._targets[section - FIRST_CELL_COLUMN]
            return f"Imported as {TARGET_LABELS.get(target, target)}."
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        """Selectable and enabled; the mapped file cells are editable, the others are not."""
        flags = super().flags(index)
        if index.isValid() and self.file_column(index.column()) is not None:
            return flags | Qt.ItemFlag.ItemIsEditable
        return flags & ~Qt.ItemFlag.ItemIsEditable

    # -- per-column values ------------------------------------------------------------------

    @staticmethod
    def _row_data(planned: PlannedRow, role: int) -> Any:
        number = planned.row.number
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            return number  # an int: the view writes it for the locale
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return NUMBER_ALIGNMENT
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Row {number}, line {planned.row.line} of the file."
        return None

    def _summary_data(
        self,
        planned: PlannedRow,
        result: RowResult | None,
        column: PreviewColumn,
        role: int,
    ) -> Any:
        edited = planned.row.number in self._edits
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = _explanation(planned, result)
            if edited:
                lines.insert(0, _RECHECK)
            return _tooltip(_status(planned, result, edited), lines)
        if column == PreviewColumn.DETAILS:
            if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
                return _details(planned, result)
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _status(planned, result, edited)
        action: RowAction | Outcome = result.outcome if result is not None else planned.action
        if role == SORT_ROLE:
            return _EDITED_RANK if edited else _ACTION_RANKS[action]
        if role == Qt.ItemDataRole.BackgroundRole:
            return _AMBER if edited else _ACTION_TINTS.get(action)
        return None

    def _cell_data(self, planned: PlannedRow, cell: int, role: int) -> Any:
        file_column = self._file_columns[cell]
        original = planned.row.cells
        cells = self._edits.get(planned.row.number, original)
        text = cells[file_column] if file_column < len(cells) else ""
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole, SORT_ROLE):
            return text
        # What the plan says about the cell holds only while the cell is as the plan read it.
        as_planned = text == (original[file_column] if file_column < len(original) else "")
        target = self._targets[cell]
        if role == Qt.ItemDataRole.BackgroundRole:
            if not as_planned:
                return None
            problems = _problems_of(planned, target)
            if any(problem.is_error for problem in problems):
                return _RED
            return _AMBER if problems else None
        if role == Qt.ItemDataRole.FontRole:
            if as_planned and _change_of(planned, target) is not None:
                return self._bold_font()
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._cell_tooltip(planned, target, text, as_planned)
        return None

    @staticmethod
    def _cell_tooltip(planned: PlannedRow, target: str, text: str, as_planned: bool) -> str | None:
        lines = [text] if len(text) > TOOLTIP_MIN_CHARS else []
        if not as_planned:
            lines.append(_RECHECK)
        else:
            lines += (problem.message for problem in _problems_of(planned, target))
            change = _change_of(planned, target)
            if change is not None:
                lines.append(f"{_value(change.before)} → {_value(change.after)}")
        return _tooltip(TARGET_LABELS.get(target, target), lines)

    def _bold_font(self) -> QFont:
        if self._bold is None:  # made on first use: a QFont wants the application to exist
            self._bold = QFont()
            self._bold.setBold(True)
        return self._bold


# -- what a row says ----------------------------------------------------------------------------


def _status(planned: PlannedRow, result: RowResult | None, edited: bool) -> str:
    if edited:
        return EDITED
    if result is not None:
        return _OUTCOME_LABELS[result.outcome]
    if planned.action is RowAction.SKIP and planned.reason in _NO_CHANGE_REASONS:
        return _NO_CHANGE
    return _PLAN_LABELS[planned.action]


def _details(planned: PlannedRow, result: RowResult | None) -> str:
    if result is not None and result.message:
        return result.message
    if planned.reason:
        return planned.reason
    if planned.action is RowAction.UPDATE and planned.changes:
        return summarize_changes(planned.changes)
    return planned.row.problem or ""


def _explanation(planned: PlannedRow, result: RowResult | None) -> list[str]:
    """Every line the Status and Details tooltips have to say, most important first."""
    described = [problem.describe() for problem in planned.problems]
    lines = [result.message] if result is not None else []
    if planned.reason not in described:  # an invalid row's reason is its first problem
        lines.append(planned.reason)
    if planned.row.problem:
        lines.append(planned.row.problem)
    lines += described
    lines += (describe_change(change) for change in planned.changes)
    return lines


def _problems_of(planned: PlannedRow, target: str) -> list[FieldProblem]:
    return [problem for problem in planned.problems if problem.field == target]


def _change_of(planned: PlannedRow, target: str) -> FieldChange | None:
    return next((change for change in planned.changes if change.field == target), None)


# -- the filter -----------------------------------------------------------------------------------


class ProblemRowsFilter(QSortFilterProxyModel):
    """The preview, or with :meth:`set_problems_only` just the rows that need a look.

    Those are the rows :meth:`ImportPreviewModel.needs_attention` names: invalid rows, rows
    with any problem (warnings and a wrong row shape too), edited rows and, after a run, failed
    rows. The filter is
    dynamic: an edit or new results change the rows concerned (``dataChanged``), and the proxy
    judges just those rows again. Sorting uses :data:`SORT_ROLE`, without regard to case.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._problems_only = False
        self._preview: ImportPreviewModel | None = None
        self.setSortRole(SORT_ROLE)
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.setDynamicSortFilter(True)

    @property
    def problems_only(self) -> bool:
        """Whether only the rows that need a look are shown."""
        return self._problems_only

    def set_problems_only(self, on: bool) -> None:
        """Show only the rows that need a look (True), or every row (False)."""
        if on == self._problems_only:
            return
        self.beginFilterChange()
        self._problems_only = on
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def setSourceModel(self, model: QAbstractItemModel) -> None:  # noqa: N802
        """Filter ``model``; any model but an :class:`ImportPreviewModel` is shown whole."""
        self._preview = model if isinstance(model, ImportPreviewModel) else None
        super().setSourceModel(model)

    def filterAcceptsRow(  # noqa: N802
        self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex
    ) -> bool:
        """Every row, or only those that need a look."""
        # Called once per row of the source (100,000 of them): only Python attributes here.
        if not self._problems_only or self._preview is None:
            return True
        return self._preview.needs_attention(source_row)
