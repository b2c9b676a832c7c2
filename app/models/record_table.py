"""What the table models share, and the base of the tables that hold a list of records.

Every table of this package titles its columns and aligns its numbers the same way
(:func:`column_header`, :func:`cell_alignment`) and reports changed rows in runs
(:func:`consecutive_runs`). :class:`RecordTableModel` is the whole of a read-only, sortable
table over a short list of records (a customer's orders, their downloads): a subclass names its
:class:`Column` specs and the role that returns a row's record, and the base answers the rest.
The customer table (a window over 100,000 cached ids) and the import preview (editable, with the
file's own columns) are tables of another shape and use only the shared pieces.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from app.models.roles import NUMBER_ALIGNMENT, SORT_ROLE

_ROOT: Final = QModelIndex()


def column_header(title: str, numeric: bool, role: int) -> Any:
    """A horizontal header section: its title, right-aligned over a column of numbers."""
    if role == Qt.ItemDataRole.DisplayRole:
        return title
    if role == Qt.ItemDataRole.TextAlignmentRole and numeric:
        return NUMBER_ALIGNMENT
    return None


def cell_alignment(numeric: bool) -> Qt.AlignmentFlag | None:
    """A cell's ``TextAlignmentRole``: numbers right-aligned, anything else left to the style."""
    return NUMBER_ALIGNMENT if numeric else None


def consecutive_runs(rows: Iterable[int]) -> list[tuple[int, int]]:
    """Ascending rows grouped into (first, last) runs of consecutive rows."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


def sort_key(value: object) -> tuple[int, Any]:
    """Order for raw values of mixed kinds: missing values last, text without case."""
    if value is None:
        return (2, 0)
    if isinstance(value, str):
        return (1, value.casefold())
    return (0, value)


T = TypeVar("T")


@dataclass(frozen=True)
class Column(Generic[T]):
    """How one column shows a record.

    Attributes:
        title: the header text.
        display: the cell text (or an int, which the view formats for the locale).
        raw: the comparable value of :data:`SORT_ROLE`.
        numeric: right-aligned, as numbers are read.
        tooltip: a tooltip, where the cell may be cut off or abbreviated.
        key: the sort key, when the raw value alone does not sort right.
    """

    title: str
    display: Callable[[T], object]
    raw: Callable[[T], object]
    numeric: bool = False
    tooltip: Callable[[T], str | None] | None = None
    key: Callable[[T], Any] | None = None


class RecordTableModel(QAbstractTableModel, Generic[T]):
    """A read-only, sortable table of records held in a list; the subclasses name the columns."""

    #: The role that returns a row's record.
    record_role: int
    columns: Sequence[Column[T]]

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._records: list[T] = []
        self._sorted_by: tuple[int, Qt.SortOrder] | None = None

    def _set_records(self, records: Sequence[T]) -> None:
        self.beginResetModel()
        self._records = list(records)
        if self._sorted_by is not None:
            self._records.sort(key=self._key(self._sorted_by[0]), reverse=self._reversed())
        self.endResetModel()

    def record_at(self, row: int) -> T | None:
        """The record of a row (None out of range)."""
        return self._records[row] if 0 <= row < len(self._records) else None

    def _key(self, column: int) -> Callable[[T], Any]:
        spec = self.columns[column]
        if spec.key is not None:
            return spec.key
        raw = spec.raw
        return lambda record: sort_key(raw(record))

    def _reversed(self) -> bool:
        return self._sorted_by is not None and (self._sorted_by[1] == Qt.SortOrder.DescendingOrder)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column's raw values; selections follow their records."""
        if not 0 <= column < len(self.columns):
            return  # -1: no sort indicator; the list stays in the order it came in
        self._sorted_by = (column, order)
        self.layoutAboutToBeChanged.emit()
        before = list(self._records)
        rows = sorted(
            range(len(before)),
            key=lambda row: self._key(column)(before[row]),
            reverse=self._reversed(),
        )
        self._records = [before[row] for row in rows]
        new_row = {old: new for new, old in enumerate(rows)}
        persistent = self.persistentIndexList()
        self.changePersistentIndexList(
            persistent,
            [self.index(new_row[index.row()], index.column()) for index in persistent],
        )
        self.layoutChanged.emit()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:  # noqa: N802
        """One row per record (a table: no children)."""
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:  # noqa: N802
        """The columns the subclass names."""
        return 0 if parent.isValid() else len(self.columns)

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        """A cell's text, tooltip, alignment, raw value or record."""
        if not index.isValid():
            return None
        record = self.record_at(index.row())
        if record is None or not 0 <= index.column() < len(self.columns):
            return None
        spec = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return spec.display(record)
        if role == Qt.ItemDataRole.ToolTipRole:
            return spec.tooltip(record) if spec.tooltip is not None else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return cell_alignment(spec.numeric)
        if role == SORT_ROLE:
            return spec.raw(record)
        if role == self.record_role:
            return record
        return None

    def headerData(  # noqa: N802
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        """Column titles (numbers right-aligned like their cells); row numbers from Qt."""
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            spec = self.columns[section]
            return column_header(spec.title, spec.numeric, role)
        return super().headerData(section, orientation, role)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        """Selectable and enabled, never editable (orders and downloads are read-only)."""
        return super().flags(index) & ~Qt.ItemFlag.ItemIsEditable
