"""The customer table: a Qt model over the ids of one cache view.

Owns :class:`CustomerTableModel` and its columns; the roles it answers are in
:mod:`app.models.roles`, how it writes money and dates in :mod:`app.models.formatting`. The model
never holds the customers of a view: it holds the view's ordered ids (computed by SQL in the cache)
and reads the list rows (:class:`~app.cache.repository.CustomerRow`, the cache's columns, no JSON)
of the rows a view asks for in windows, keeping a bounded LRU of them, so memory stays flat at
100,000 customers and a scroll step costs a fraction of a millisecond of reading. After a sync page
or a save, :meth:`CustomerTableModel.refresh` turns the difference between the old and the new id
lists into the narrowest row signals, so selections and the current index stay on their customers
while pages stream in.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from enum import IntEnum
from functools import partial
from itertools import compress
from typing import Any, Final, Protocol, cast

from PySide6.QtCore import (
    QAbstractTableModel,
    QLocale,
    QModelIndex,
    QModelRoleData,
    QModelRoleDataSpan,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from app.cache.repository import CustomerFilter, CustomerRow
from app.domain.customer import Customer, Figures
from app.domain.figures import APPROXIMATE_MARK, APPROXIMATE_WHY, UNKNOWN_WHY
from app.domain.money import MoneyFormat
from app.domain.roles import role_name
from app.models.formatting import (
    PLAIN_MONEY,
    format_datetime,
    format_money,
    long_text,
)
from app.models.formatting import format_amount as format_amount  # its old home: re-exported
from app.models.formatting import format_date as format_date  # its old home: re-exported
from app.models.record_table import cell_alignment, column_header, consecutive_runs
from app.models.roles import CUSTOMER_ROLE, ID_ROLE
from app.models.roles import SORT_ROLE as SORT_ROLE  # its old home: re-exported

log = logging.getLogger("app.ui")

_ROOT: Final = QModelIndex()


class CustomerColumn(IntEnum):
    """The columns of the customer table, in their default order.

    New columns go at the end: a saved header state names columns by number, and a user's
    saved layout must keep meaning the same columns.
    """

    NAME = 0
    EMAIL = 1
    USERNAME = 2
    CITY = 3
    COUNTRY = 4
    ORDERS = 5
    TOTAL_SPENT = 6
    LAST_ORDER = 7
    REGISTERED = 8
    PHONE = 9
    COMPANY = 10
    POSTCODE = 11
    STATE = 12
    ROLE = 13
    AVERAGE_ORDER = 14


#: The cache sort key (a key of ``app.cache.repository.SORT_COLUMNS``) of each column.
SORT_KEYS: Final[Mapping[CustomerColumn, str]] = {
    CustomerColumn.NAME: "name",
    CustomerColumn.EMAIL: "email",
    CustomerColumn.USERNAME: "username",
    CustomerColumn.CITY: "city",
    CustomerColumn.COUNTRY: "country",
    CustomerColumn.ORDERS: "orders",
    CustomerColumn.TOTAL_SPENT: "total_spent",
    CustomerColumn.LAST_ORDER: "last_order",
    CustomerColumn.REGISTERED: "registered",
    CustomerColumn.PHONE: "phone",
    CustomerColumn.COMPANY: "company",
    CustomerColumn.POSTCODE: "postcode",
    CustomerColumn.STATE: "state",
    CustomerColumn.ROLE: "role",
    CustomerColumn.AVERAGE_ORDER: "average_order",
}

_HEADERS: Final[Mapping[CustomerColumn, str]] = {
    CustomerColumn.NAME: "Name",
    CustomerColumn.EMAIL: "Email",
    CustomerColumn.USERNAME: "Username",
    CustomerColumn.CITY: "City",
    CustomerColumn.COUNTRY: "Country",
    CustomerColumn.ORDERS: "Orders",
    CustomerColumn.TOTAL_SPENT: "Total spent",
    CustomerColumn.LAST_ORDER: "Last order",
    CustomerColumn.REGISTERED: "Registered",
    CustomerColumn.PHONE: "Phone",
    CustomerColumn.COMPANY: "Company",
    CustomerColumn.POSTCODE: "Postcode",
    CustomerColumn.STATE: "State",
    CustomerColumn.ROLE: "Role",
    CustomerColumn.AVERAGE_ORDER: "Average order",
}

_COLUMNS: Final = len(CustomerColumn)
_NUMERIC: Final = frozenset(
    {CustomerColumn.ORDERS, CustomerColumn.TOTAL_SPENT, CustomerColumn.AVERAGE_ORDER}
)
#: The columns holding a customer's order figures (which may be approximate).
_FIGURES: Final = _NUMERIC | {CustomerColumn.LAST_ORDER}
_DATES: Final = frozenset({CustomerColumn.LAST_ORDER, CustomerColumn.REGISTERED})


# -- the cache seam -------------------------------------------------------------------------


class CustomerSource(Protocol):
    """What the model reads from the cache (``CustomerCache`` provides it; tests may fake it)."""

    def ordered_ids(self, view: CustomerFilter) -> list[int]:
        """The ids of a view, in its order."""
        ...

    def customer_rows(self, ids: Sequence[int]) -> dict[int, CustomerRow]:
        """The list rows of these customers (missing ids are left out)."""
        ...

    def customer(self, customer_id: int) -> Customer | None:
        """One customer, whole (None if not held)."""
        ...


def _rows_in(ids: list[int], wanted: set[int]) -> list[int]:
    """The rows of ``ids`` holding one of ``wanted``, ascending.

    One pass at C speed (``compress``/``map``): a Python loop over 100,000 rows would cost
    more than the query that produced them. A few ids are looked up one by one instead.
    """
    if len(wanted) <= 3:
        rows = []
        for customer_id in wanted:
            with contextlib.suppress(ValueError):
                rows.append(ids.index(customer_id))
        return sorted(rows)
    return list(compress(range(len(ids)), map(wanted.__contains__, ids)))


# -- the model ------------------------------------------------------------------------------


class CustomerTableModel(QAbstractTableModel):
    """The customers of one cache view, one row per customer, read in windows.

    Signals:
        rows_loaded: the rows changed (after :meth:`set_view` and after :meth:`refresh`).

    Attributes:
        window_size: rows read from the cache at once, around the first row asked for: a
            screenful above and below (100 rows take about half a millisecond).
        max_cached: the most rows held in memory (an LRU; at least two windows).
        max_runs: above this many separate runs of inserted or removed rows, :meth:`refresh`
            gathers them into one block first (one layout change), because each run costs the
            views a signal.
        max_moves: above this many customers that changed place, :meth:`refresh` reorders with
            one layout change instead of one row move each.
    """

    rows_loaded = Signal()

    window_size = 100
    max_cached = 2_000
    max_runs = 128
    max_moves = 32

    def __init__(self, cache: CustomerSource, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cache = cache
        self._view = CustomerFilter()
        self._ids: list[int] = []
        self._members: set[int] | None = None  # set(self._ids), built when first needed
        # id -> its list row, or None for an id the cache did not have when read (so that a
        # row whose customer vanished is not read again on every paint).
        self._rows: OrderedDict[int, CustomerRow | None] = OrderedDict()
        self._money = PLAIN_MONEY
        self._roles = _ROLES

    # -- money ----------------------------------------------------------------------------

    @property
    def money_format(self) -> MoneyFormat:
        """How money figures are written (the store's way once known)."""
        return self._money

    def set_money_format(self, money: MoneyFormat) -> None:
        """Write money figures the store's way (its symbol, separators...); repaints them."""
        if money == self._money:
            return
        self._money = money
        self._roles = {**_ROLES, Qt.ItemDataRole.DisplayRole: partial(_display, money=money)}
        if self._ids:
            last = self.index(len(self._ids) - 1, _COLUMNS - 1)
            self.dataChanged.emit(self.index(0, 0), last, [Qt.ItemDataRole.DisplayRole])

    # -- the view -------------------------------------------------------------------------

    @property
    def view(self) -> CustomerFilter:
        """The cache view (search, role, country, sort) the rows show."""
        return self._view

    def set_view(self, view: CustomerFilter) -> None:
        """Show another view of the cache (a new query: the one place the model resets)."""
        ids = self._cache.ordered_ids(view)  # before the reset: a failed read changes nothing
        self.beginResetModel()
        self._view = view
        self._ids = ids
        self._members = None
        self._rows.clear()
        self.endResetModel()
        self.rows_loaded.emit()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by a column: the cache sorts, so this is a new view."""
        try:
            key = SORT_KEYS[CustomerColumn(column)]
        except ValueError:  # -1 (no sort indicator) or an unknown column: keep the order
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if key == self._view.sort and descending == self._view.descending:
            return
        self.set_view(dataclasses.replace(self._view, sort=key, descending=descending))

    def sort_column(self) -> tuple[CustomerColumn, Qt.SortOrder] | None:
        """The column and direction the view is sorted by (None for a sort with no column)."""
        for column, key in SORT_KEYS.items():
            if key == self._view.sort:
                order = (
                    Qt.SortOrder.DescendingOrder
                    if self._view.descending
                    else Qt.SortOrder.AscendingOrder
                )
                return column, order
        return None

    # -- rows -----------------------------------------------------------------------------

    def id_at(self, row: int) -> int | None:
        """The customer id of a row (None out of range)."""
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def customer_at(self, row: int) -> Customer | None:
        """The whole customer of a row, read from the cache now (None if out of range or gone)."""
        if not 0 <= row < len(self._ids):
            return None
        return self._cache.customer(self._ids[row])

    def row_at(self, row: int) -> CustomerRow | None:
        """The list row of a row (None out of range, or if the cache no longer has it)."""
        if not 0 <= row < len(self._ids):
            return None
        customer_id = self._ids[row]
        if customer_id in self._rows:
            self._rows.move_to_end(customer_id)
            return self._rows[customer_id]
        self._read_window(row)
        return self._rows.get(customer_id)

    def row_of(self, customer_id: int) -> int | None:
        """The row showing a customer (None if the view does not list them)."""
        try:
            return self._ids.index(customer_id)  # a C-speed scan: a few ms at 100,000
        except ValueError:
            return None

    @property
    def ids(self) -> Sequence[int]:
        """The ids of the rows, in order (read-only; changes with the model)."""
        return self._ids

    @property
    def cached_count(self) -> int:
        """How many list rows the model holds in memory now."""
        return len(self._rows)

    def _read_window(self, row: int) -> None:
        """Read the list rows around ``row`` that are not held yet."""
        window = max(1, min(self.window_size, self.max_cached // 2))
        start = max(0, min(row - window // 2, len(self._ids) - window))
        wanted = [i for i in self._ids[start : start + window] if i not in self._rows]
        found = self._cache.customer_rows(wanted)
        for customer_id in wanted:
            self._rows[customer_id] = found.get(customer_id)
        while len(self._rows) > self.max_cached:
            self._rows.popitem(last=False)

    # -- refresh --------------------------------------------------------------------------

    def refresh(self, stored: Iterable[int] = (), removed: Iterable[int] = ()) -> None:
        """Bring the rows up to date after the cache changed (a sync page, a save, a delete).

        Recomputes the view's ids and reports the difference with the narrowest signals:
        rows removed and inserted where they are, a row move for a customer whose sort value
        changed, ``dataChanged`` for stored customers still listed; never a reset. Large
        differences are gathered with a layout change that remaps persistent indexes, so
        selections and the current index follow their customers either way.

        Args:
            stored: ids the cache just wrote (their held rows are stale).
            removed: ids the cache just deleted.
        """
        stored_ids, touched = set(stored), set(removed)
        touched |= stored_ids
        for customer_id in touched:
            self._rows.pop(customer_id, None)
        new = self._cache.ordered_ids(self._view)
        added: set[int] = set()
        if self._ids != new:
            added = self._follow_hints(new, touched)
            if self._ids != new:
                # The cache changed beyond what the caller named (another writer, a purge):
                # compare the whole lists.
                log.debug("customer view changed beyond the named ids; comparing all rows")
                added = self._follow_diff(new)
        self._changed(stored_ids - added)
        self.rows_loaded.emit()

    def _follow_hints(self, new: list[int], touched: set[int]) -> set[int]:
        """Apply the changes of the named customers; returns the ids inserted.

        Only a customer the cache just wrote or deleted can enter, leave or move in the view,
        so one pass over each id list, looking for those customers alone, finds every change
        (at 100,000 rows a full comparison costs as much again as the query). If the cache
        changed more than that, the rows end up differing from ``new`` and the caller compares
        everything.
        """
        members = self._member_set()
        new_rows = _rows_in(new, touched)
        present = {new[row] for row in new_rows}
        gone = (touched & members) - present
        added_rows = [row for row in new_rows if new[row] not in members]
        added = {new[row] for row in added_rows}
        # Staying customers in their new order, each with the listed customer it must follow
        # (None: the top). Inserted rows come last, so they are skipped here.
        staying: list[tuple[int, int | None]] = []
        for row in new_rows:
            if new[row] in members:
                above = row - 1
                while above >= 0 and new[above] not in members:
                    above -= 1
                staying.append((new[row], new[above] if above >= 0 else None))
        wanted = gone | {i for i, _ in staying} | {p for _, p in staying if p is not None}
        old_rows = {self._ids[row]: row for row in _rows_in(self._ids, wanted)}
        if len(old_rows) != len(wanted):  # a safety net: members and rows disagree
            return set()

        gone_rows = sorted(old_rows[i] for i in gone)
        self._remove_runs(consecutive_runs(gone_rows))
        # Rows after the removals, from the rows before them.
        start_rows = {
            customer_id: row - bisect_left(gone_rows, row)
            for customer_id, row in old_rows.items()
            if customer_id not in gone
        }
        if not self._move_into_place(staying, start_rows):
            self._relayout([i for i in new if i not in added])
        if len(self._ids) + len(added) != len(new):
            return set()  # unnamed customers came or went: the rows of `new` would not fit
        runs = consecutive_runs(added_rows)
        if len(runs) > self.max_runs:
            self._insert_all_then_reorder(new, added)
        else:
            self._insert_runs(new, runs)
        return added

    def _move_into_place(
        self, staying: list[tuple[int, int | None]], start_rows: Mapping[int, int]
    ) -> bool:
        """Move each staying customer right below the one it must follow, in target order.

        Processed top-down, each customer's predecessor is already where it belongs, and the
        customers not listed keep their relative order, so the result is the target order.

        Returns:
            False if it would take more than ``max_moves`` moves (the caller reorders with one
            layout change instead; the moves made so far are valid model states).
        """
        # Rows shift with every move; with few moves, replaying them is cheaper than rescanning.
        moves: list[tuple[int, int]] = []  # (from, to) of each move made, in order
        moved_by: dict[int, int] = {}  # moved id -> the number of its move

        def row_now(customer_id: int) -> int:
            if customer_id in moved_by:
                done = moved_by[customer_id]
                row, later = moves[done][1], moves[done + 1 :]
            else:
                row, later = start_rows[customer_id], moves
            for source, dest in later:
                if source < row <= dest:
                    row -= 1
                elif dest <= row < source:
                    row += 1
            return row

        for customer_id, predecessor in staying:
            dest = row_now(predecessor) + 1 if predecessor is not None else 0
            source = row_now(customer_id)
            if dest in (source, source + 1):
                continue  # already right below its predecessor
            if len(moves) == self.max_moves:
                return False
            final = dest if dest < source else dest - 1
            self.beginMoveRows(_ROOT, source, source, _ROOT, dest)
            del self._ids[source]
            self._ids.insert(final, customer_id)
            self.endMoveRows()
            moves.append((source, final))
            moved_by[customer_id] = len(moves) - 1
        return True

    def _follow_diff(self, new: list[int]) -> set[int]:
        """Turn the rows into ``new`` by comparing the whole lists; returns the ids inserted."""
        new_set = set(new)
        members = self._member_set()
        gone, added = members - new_set, new_set - members
        if gone:
            self._remove_runs(consecutive_runs(_rows_in(self._ids, gone)))
        common = [i for i in new if i not in added] if added else new
        if self._ids != common:
            self._relayout(common)
        if added:
            runs = consecutive_runs(_rows_in(new, added))
            if len(runs) > self.max_runs:
                self._insert_all_then_reorder(new, added)
            else:
                self._insert_runs(new, runs)
        return added

    def _member_set(self) -> set[int]:
        # Built on the first refresh after a new view (not in set_view: a search keystroke
        # would pay for it), then kept up to date by every row change.
        if self._members is None:
            self._members = set(self._ids)
        return self._members

    def _remove_runs(self, runs: list[tuple[int, int]]) -> None:
        if len(runs) > self.max_runs:
            # Gather the leaving rows at the end (one layout change), then remove one block.
            leaving = {self._ids[row] for first, last in runs for row in range(first, last + 1)}
            kept = [i for i in self._ids if i not in leaving]
            self._relayout(kept + [i for i in self._ids if i in leaving])
            runs = [(len(kept), len(self._ids) - 1)]
        members = self._member_set()
        for first, last in reversed(runs):  # from the bottom, so earlier rows keep their place
            self.beginRemoveRows(_ROOT, first, last)
            members.difference_update(self._ids[first : last + 1])
            del self._ids[first : last + 1]
            self.endRemoveRows()

    def _insert_runs(self, new: list[int], runs: list[tuple[int, int]]) -> None:
        # In ascending order every row above an insertion is already in its final place.
        members = self._member_set()
        for first, last in runs:
            self.beginInsertRows(_ROOT, first, last)
            self._ids[first:first] = new[first : last + 1]
            members.update(new[first : last + 1])
            self.endInsertRows()

    def _insert_all_then_reorder(self, new: list[int], added: set[int]) -> None:
        first = len(self._ids)
        self.beginInsertRows(_ROOT, first, first + len(added) - 1)
        self._ids.extend(i for i in new if i in added)
        self._member_set().update(added)
        self.endInsertRows()
        self._relayout(new)

    def _relayout(self, target: list[int]) -> None:
        """Reorder the rows into ``target`` (the same ids) with one layout change.

        Persistent indexes (selections, the current index) follow their customer; those of a
        customer not in ``target`` become invalid. A ``target`` of another length is no
        reordering (a layout change must keep the row count): nothing happens, and the
        refresh's final comparison takes over.
        """
        if len(target) != len(self._ids):
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        if persistent:
            wanted = {self._ids[index.row()] for index in persistent}
            rows = {target[row]: row for row in _rows_in(target, wanted)}
            moved: list[QModelIndex] = []
            for index in persistent:
                row = rows.get(self._ids[index.row()])
                moved.append(self.index(row, index.column()) if row is not None else _ROOT)
            self.changePersistentIndexList(persistent, moved)
        self._ids = list(target)
        self.layoutChanged.emit()

    def _changed(self, stored: set[int]) -> None:
        """Tell the views that the stored customers still listed may look different."""
        runs = consecutive_runs(_rows_in(self._ids, stored))
        if len(runs) > self.max_runs:
            runs = [(runs[0][0], runs[-1][1])]  # one span: views repaint only what is visible
        last_column = self.columnCount() - 1
        for first, last in runs:
            self.dataChanged.emit(self.index(first, 0), self.index(last, last_column), [])

    # -- Qt model interface -----------------------------------------------------------------

    def index(
        self, row: int, column: int, parent: QModelIndex | QPersistentModelIndex = _ROOT
    ) -> QModelIndex:
        """The index of a cell (invalid out of range).

        Qt's own version asks rowCount() and columnCount(): two entries into Python per
        painted cell, where this is one (see app/runtime/switch_interval.py for why entries count).
        """
        if parent.isValid() or not (0 <= row < len(self._ids) and 0 <= column < _COLUMNS):
            return QModelIndex()
        return self.createIndex(row, column)

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:  # noqa: N802
        """Rows of the view (a table: no children)."""
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = _ROOT) -> int:  # noqa: N802
        """The columns of :class:`CustomerColumn`."""
        return 0 if parent.isValid() else len(CustomerColumn)

    def data(
        self,
        index: QModelIndex | QPersistentModelIndex,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        """A cell's display text, tooltip, alignment, raw value, customer or id."""
        # The role first: a view asks about ten roles per painted cell, most of which (font,
        # colours, decoration, size hint) this model leaves to the style.
        if role not in self._roles and role != ID_ROLE and role != CUSTOMER_ROLE:
            return None
        row, column = index.row(), index.column()
        if not (index.isValid() and 0 <= row < len(self._ids) and 0 <= column < _COLUMNS):
            return None
        if role == ID_ROLE:
            return self._ids[row]
        if role == CUSTOMER_ROLE:
            return self.customer_at(row)
        values = self.row_at(row)
        if values is None:
            return None
        return self._roles[role](values, column)

    def multiData(  # noqa: N802
        self,
        index: QModelIndex | QPersistentModelIndex,
        roleDataSpan: QModelRoleDataSpan | QModelRoleData,  # noqa: N803 - Qt's keyword
    ) -> None:
        """Several roles of a cell in one call: what the view's delegate asks per painted cell.

        Qt 6 delegates paint from this, so a screenful costs one Python call per cell instead
        of one per role (about seven). The answers are those of :meth:`data`.
        """
        # The stubs leave out that a span is a sequence of QModelRoleData (it is at runtime).
        wanted = (
            [roleDataSpan]
            if isinstance(roleDataSpan, QModelRoleData)
            else cast("Sequence[QModelRoleData]", roleDataSpan)
        )
        row, column = index.row(), index.column()
        values = self.row_at(row) if index.isValid() and 0 <= column < _COLUMNS else None
        for role_data in wanted:
            role = role_data.role()
            if values is not None and role in self._roles:
                value = self._roles[role](values, column)
            elif role in (ID_ROLE, CUSTOMER_ROLE):
                value = self.data(index, role)
            else:
                value = None
            if value is None:
                role_data.clearData()
            else:
                role_data.setData(value)

    def headerData(  # noqa: N802
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        """Column titles (numbers right-aligned like their cells); row numbers from Qt."""
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(CustomerColumn):
            column = CustomerColumn(section)
            return column_header(_HEADERS[column], column in _NUMERIC, role)
        return super().headerData(section, orientation, role)


# -- per-role cell values -------------------------------------------------------------------
# Each takes a list row and a column number (a valid one: data() checked it).


def _raw(values: CustomerRow, column: int) -> str | int | Decimal | datetime | None:
    # The row's fields after the id are in column order (CustomerRow says so).
    value: str | int | Decimal | datetime | None = values[column + 1]
    return value


def _display(values: CustomerRow, column: int, money: MoneyFormat = PLAIN_MONEY) -> object:
    value = values[column + 1]
    if value is None and column in _NUMERIC:
        # The store's API does not give it (wc/v3): not 0. No average without orders either.
        return Customer.UNKNOWN_FIGURE
    if column == CustomerColumn.ROLE:
        return role_name(values.role)
    approximate = column in _FIGURES and values.figures is Figures.APPROXIMATE
    if column in _DATES:
        shown = format_date(value if isinstance(value, datetime) else None)
    elif isinstance(value, Decimal):
        shown = format_money(value, money)
    elif approximate and isinstance(value, int):
        shown = QLocale().toString(value)
    else:
        return value  # text, and the order count as an int (the view formats it for the locale)
    return f"{APPROXIMATE_MARK} {shown}" if approximate and shown else shown


def _tooltip(values: CustomerRow, column: int) -> str | None:
    value = values[column + 1]
    if value is None and column == CustomerColumn.AVERAGE_ORDER and values.orders_count == 0:
        return "No orders yet: no average."
    if value is None and column in _NUMERIC:
        return f"{UNKNOWN_WHY}."
    if column in _FIGURES and values.figures is Figures.APPROXIMATE:
        return f"Approximate: {APPROXIMATE_WHY}."
    if isinstance(value, datetime):
        return format_datetime(value)
    if isinstance(value, str):
        return long_text(value)
    return None


def _alignment(_values: CustomerRow, column: int) -> Qt.AlignmentFlag | None:
    return cell_alignment(column in _NUMERIC)


_ROLES: Final[dict[int, Callable[[CustomerRow, int], object]]] = {
    Qt.ItemDataRole.DisplayRole: _display,
    Qt.ItemDataRole.ToolTipRole: _tooltip,
    Qt.ItemDataRole.TextAlignmentRole: _alignment,
    SORT_ROLE: _raw,
}
