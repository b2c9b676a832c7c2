"""Columns that fit a narrow table: every header word whole, long values elided.

The detail panel's tables (orders, order lines, downloads) sit in a pane about 450 pixels wide.
Sized to their contents, one long payment method or file name pushes the last column under its
header's width ("Payment me"); sized by stretching, short headers waste room. :class:`ColumnFit`
sizes them itself, again whenever the rows or the width change:

* every column is at least as wide as its header needs (text, margins, sort indicator);
* each gets what its values need when everything fits, and the stretch column takes the rest;
* when not, the widest of the *elastic* columns (text such as names and payment methods) give
  way first, never below their header, and their values are elided ("Direct bank tr…");
* when that is not enough, every column gives way the same way (widest first);
* only when even the headers do not fit does the table scroll sideways.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QHeaderView, QTableView


def header_width(view: QTableView, column: int) -> int:
    """What a column's header needs to show its title whole (text, margins, sort indicator)."""
    return view.horizontalHeader().sectionSizeHint(column)


def fitted_widths(
    wanted: Sequence[int], least: Sequence[int], room: int, elastic: Sequence[int], stretch: int
) -> list[int]:
    """Column widths for ``room`` pixels (pure arithmetic, for :class:`ColumnFit` and tests).

    Args:
        wanted: what each column's values (and header) need.
        least: the least each column may have (its header's width).
        room: the width to fill.
        elastic: the columns that may give way, down to ``least``, widest first.
        stretch: the column that takes what is left when all fit.
    """
    widths = [max(want, low) for want, low in zip(wanted, least, strict=True)]
    spare = room - sum(widths)
    if spare >= 0:
        widths[stretch] += spare
        return widths
    give = room - sum(width for column, width in enumerate(widths) if column not in elastic)

    def shared(level: int) -> int:
        return sum(max(least[c], min(widths[c], level)) for c in elastic)

    if shared(0) > give:
        if len(elastic) < len(widths):  # the elastic ones alone cannot make room: all give way
            return fitted_widths(wanted, least, room, range(len(widths)), stretch)
        return list(least)  # not even the headers fit: each at its header's width (scrolls)
    low, high = 0, max((widths[c] for c in elastic), default=0)
    while low < high:  # the highest level at which the elastic columns still fit
        middle = (low + high + 1) // 2
        low, high = (middle, high) if shared(middle) <= give else (low, middle - 1)
    fitted = {c: max(least[c], min(widths[c], low)) for c in elastic}
    if fitted:  # the last pixels (the level is whole) go to the widest one
        widest = max(fitted, key=lambda c: fitted[c])
        fitted[widest] += give - sum(fitted.values())
    for column, width in fitted.items():
        widths[column] = width
    return widths


class ColumnFit(QObject):
    """Keeps a table's columns fitted to its width (see the module docstring).

    Args:
        view: the table; its header's sections become ``Fixed`` (the fit sets them).
        elastic: the columns that give way when the values do not all fit.
        stretch: the column that takes what is left when they do.
    """

    def __init__(self, view: QTableView, elastic: Sequence[int], stretch: int) -> None:
        super().__init__(view)
        self._view = view
        self._elastic = tuple(elastic)
        self._stretch = stretch
        header = view.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self._pending = QTimer(self)
        self._pending.setSingleShot(True)
        self._pending.setInterval(0)
        self._pending.timeout.connect(self.fit)
        model = view.model()
        for signal in (
            model.modelReset,
            model.layoutChanged,
            model.dataChanged,
            model.rowsInserted,
            model.rowsRemoved,
        ):
            signal.connect(self._pending.start)
        view.viewport().installEventFilter(self)
        self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        """Fit again when the table's width changes."""
        if event.type() == QEvent.Type.Resize:
            self._pending.start()
        return False

    def fit(self) -> None:
        """Size the columns for the table's width now."""
        view = self._view
        columns = view.model().columnCount()
        if columns == 0:
            return
        least = [header_width(view, column) for column in range(columns)]
        wanted = [max(least[column], view.sizeHintForColumn(column)) for column in range(columns)]
        widths = fitted_widths(wanted, least, view.viewport().width(), self._elastic, self._stretch)
        header = view.horizontalHeader()
        for column, width in enumerate(widths):
            if header.sectionSize(column) != width:
                header.resizeSection(column, width)
