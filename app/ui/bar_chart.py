"""BarChart: a small bar chart painted with QPainter, for the insights view's charts.

Owns one chart's drawing and the user's ways into it: a title, bars with their labels (vertical
bars over labels, or horizontal bars beside them), a value axis with round ticks and light
grid lines, the palette's colours (so it reads in light and dark palettes), the bar under the
mouse highlighted with its label and value in a tooltip, and a click (or Enter on the bar
chosen with the arrow keys) reported as the bar's index. A bar that stands for nothing a list
can be narrowed to is drawn muted and does not react.

Everything a paint needs (rectangles, elided texts, pens) is worked out when the bars, the
size or the palette change, so a repaint only draws: hovering over 24 bars stays cheap.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFocusEvent,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

#: Space around the chart and between its parts (pixels).
MARGIN = 8
GAP = 6
#: The share of a bar's slot the bar fills (the rest is the gap between bars).
BAR_FILL = 0.7
#: About how many steps the value axis has.
TICK_STEPS = 4
#: Height of one horizontal bar's row, beyond the label's line height.
ROW_PADDING = 8
#: The most of a horizontal chart's width its labels take; longer labels are elided.
LABEL_SHARE = 0.45


@dataclass(frozen=True, slots=True)
class ChartBar:
    """One bar as the chart shows it.

    Attributes:
        label: what the axis writes under (or beside) the bar; short.
        value: the bar's height (a count, never negative).
        name: what the tooltip and screen readers call the bar (the label when empty).
        clickable: whether a click on the bar means something.
    """

    label: str
    value: int
    name: str = ""
    clickable: bool = True

    @property
    def full_name(self) -> str:
        """The bar's name, else its label."""
        return self.name or self.label


def round_ticks(largest: int, steps: int = TICK_STEPS) -> list[int]:
    """The value axis' ticks, from 0 to at least ``largest``, a round step apart.

    The step is 1, 2 or 5 times a power of ten (never below 1: the values are counts).
    """
    target = max(largest, 1) / steps
    power = 10 ** max(math.floor(math.log10(target)), 0) if target >= 1 else 1
    step = next(f * power for f in (1, 2, 5, 10) if f * power >= target)
    top = -(-max(largest, 1) // step) * step
    return list(range(0, top + 1, step))


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


@dataclass(slots=True)
class _Layout:
    """Where everything goes at the current size (worked out once per change)."""

    plot: QRectF
    bars: list[QRectF]  # the painted bars
    slots: list[QRectF]  # what the mouse hits: the bar's whole row or column
    labels: list[tuple[QRectF, str, Qt.AlignmentFlag]]  # rectangle, elided text, alignment flags
    ticks: list[tuple[QRectF, str, Qt.AlignmentFlag]]
    grid: list[tuple[QPointF, QPointF]]
    title: QRectF


class BarChart(QWidget):
    """A titled bar chart (see the module docstring).

    Args:
        title: what the chart shows, painted above it and its accessible name.
        horizontal: bars grow to the right, labels beside them (else upwards, labels below).
        unit: what the values count, in the singular ("customer"), for tooltips.
        parent: the owning widget.

    Signals:
        bar_clicked(int): a clickable bar was clicked (or chosen with Enter); its index.
    """

    bar_clicked = Signal(int)

    def __init__(
        self,
        title: str,
        *,
        horizontal: bool = False,
        unit: str = "customer",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._title = title
        self._horizontal = horizontal
        self._unit = unit
        self._bars: tuple[ChartBar, ...] = ()
        self._active = -1  # the bar under the mouse or chosen with the keys
        self._pressed = -1
        self._empty_text = "No customers to show."
        self._layout: _Layout | None = None
        self._title_font = QFont(self.font())
        self._title_font.setBold(True)
        self._pens: dict[str, QPen] = {}
        self._colours: dict[str, QColor] = {}
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(title)
        self._pick_colours()

    # -- data ----------------------------------------------------------------------------------

    @property
    def title(self) -> str:
        """The chart's title."""
        return self._title

    @property
    def bars(self) -> tuple[ChartBar, ...]:
        """The bars shown, in order."""
        return self._bars

    @property
    def highlighted(self) -> int:
        """The bar under the mouse or chosen with the arrow keys (-1: none)."""
        return self._active

    def set_title(self, title: str) -> None:
        """Change the title (a currency learnt later, say)."""
        if title != self._title:
            self._title = title
            self.setAccessibleName(title)
            self._invalidate()

    def set_empty_text(self, text: str) -> None:
        """What the chart says when it has no bar above zero."""
        self._empty_text = text
        self._invalidate()

    def set_bars(self, bars: Sequence[ChartBar]) -> None:
        """Show these bars (replacing any shown); the highlight goes."""
        self._bars = tuple(bars)
        self._active = -1
        self._pressed = -1
        self.setAccessibleDescription(
            "; ".join(f"{bar.full_name}: {bar.value:,}" for bar in self._bars)
            if self.has_data
            else self._empty_text
        )
        self.updateGeometry()  # a horizontal chart's height follows its number of bars
        self._invalidate()

    @property
    def has_data(self) -> bool:
        """Whether a bar is above zero (else the chart shows its empty text)."""
        return any(bar.value > 0 for bar in self._bars)

    def tooltip_text(self, index: int) -> str:
        """What hovering over bar ``index`` says."""
        bar = self._bars[index]
        text = f"{bar.full_name}: {_plural(bar.value, self._unit)}"
        if bar.clickable and bar.value:
            text += "\nClick to show them."
        return text

    def bar_rect(self, index: int) -> QRect:
        """Where bar ``index`` reacts to the mouse (its whole column or row), in pixels."""
        return self._current_layout().slots[index].toAlignedRect()

    def label_text(self, index: int) -> str:
        """Bar ``index``'s label as painted: elided when it does not fit ("" if left out)."""
        labels = self._current_layout().labels
        if self._horizontal:
            return labels[index][1]
        # Columns' labels are placed from the last bar back, some left out.
        return next((text for _, text, _ in labels if text == self._bars[index].label), "")

    def bar_at(self, x: float, y: float) -> int:
        """The index of the bar whose column or row holds this point, -1 for none."""
        if not self.has_data:
            return -1
        point = QPointF(x, y)
        for index, slot in enumerate(self._current_layout().slots):
            if slot.contains(point):
                return index
        return -1

    # -- size ----------------------------------------------------------------------------------

    def sizeHint(self) -> QSize:  # noqa: N802
        """Wide as the parent allows; tall enough for the bars' labels."""
        line = QFontMetrics(self.font()).height()
        title = QFontMetrics(self._title_font).height()
        if self._horizontal:
            rows = max(len(self._bars), 3)
            height = 2 * MARGIN + title + GAP + rows * (line + ROW_PADDING) + GAP + line
        else:
            height = 2 * MARGIN + title + GAP + 8 * line + GAP + line
        return QSize(320, height)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        """As tall as the size hint (the bars need their rows); narrow if need be."""
        return QSize(160, self.sizeHint().height())

    # -- events --------------------------------------------------------------------------------

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        """The layout follows the size."""
        self._layout = None
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        """A new palette or font: new colours, or a new layout."""
        if event.type() == QEvent.Type.PaletteChange:
            self._pick_colours()
            self.update()
        elif event.type() == QEvent.Type.FontChange:
            self._title_font = QFont(self.font())
            self._title_font.setBold(True)
            self.updateGeometry()
            self._invalidate()
        super().changeEvent(event)

    def event(self, event: QEvent) -> bool:
        """Tooltips name the bar under the mouse and its value."""
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index = self.bar_at(event.pos().x(), event.pos().y())
            if index >= 0:
                QToolTip.showText(
                    event.globalPos(), self.tooltip_text(index), self, self.bar_rect(index)
                )
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """Highlight the bar under the mouse; a hand over one that can be clicked."""
        index = self.bar_at(event.position().x(), event.position().y())
        self._set_active(index)
        clickable = index >= 0 and self._bars[index].clickable
        if clickable:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
        else:
            self.unsetCursor()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802
        """No bar is under the mouse any more."""
        if not self.hasFocus():
            self._set_active(-1)
        self.unsetCursor()
        super().leaveEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """Remember the bar pressed: a click is a press and a release on the same bar."""
        if event.button() == Qt.MouseButton.LeftButton:
            self._pressed = self.bar_at(event.position().x(), event.position().y())
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        """A click on a clickable bar reports it."""
        if event.button() == Qt.MouseButton.LeftButton:
            index = self.bar_at(event.position().x(), event.position().y())
            if index >= 0 and index == self._pressed:
                self._set_active(index)
                self._choose(index)
            self._pressed = -1
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """Arrow keys move between bars; Enter or Space chooses the highlighted one."""
        key = event.key()
        count = len(self._bars)
        back = (Qt.Key.Key_Left, Qt.Key.Key_Up)
        ahead = (Qt.Key.Key_Right, Qt.Key.Key_Down)
        if count and key in back + ahead:
            step = -1 if key in back else 1
            start = self._active if self._active >= 0 else (count if step < 0 else -1)
            self._set_active(min(max(start + step, 0), count - 1))
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and self._active >= 0:
            self._choose(self._active)
        else:
            super().keyPressEvent(event)

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802
        """The keyboard's highlight goes with the focus."""
        self._set_active(-1)
        super().focusOutEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        """Draw what the layout worked out: title, grid, bars, labels."""
        layout = self._current_layout()
        pens = self._pens
        painter = QPainter(self)
        painter.setFont(self._title_font)
        painter.setPen(pens["text"])
        # Elided rather than cut off, should a narrow dock leave less than the title needs.
        title = QFontMetrics(self._title_font).elidedText(
            self._title, Qt.TextElideMode.ElideRight, int(layout.title.width())
        )
        painter.drawText(layout.title, Qt.AlignmentFlag.AlignLeft, title)
        painter.setFont(self.font())
        if not self.has_data:
            painter.setPen(pens["muted"])
            painter.drawText(layout.plot, Qt.AlignmentFlag.AlignCenter, self._empty_text)
            painter.end()
            return
        painter.setPen(pens["grid"])
        for start, end in layout.grid:
            painter.drawLine(start, end)
        painter.setPen(pens["muted"])
        for rect, text, flags in layout.ticks:
            painter.drawText(rect, flags, text)
        painter.setPen(Qt.PenStyle.NoPen)
        colours = self._colours
        for index, (bar, rect) in enumerate(zip(self._bars, layout.bars, strict=True)):
            if index == self._active and bar.clickable:
                colour = colours["active"]
            elif bar.clickable:
                colour = colours["bar"]
            else:
                colour = colours["inert"]
            painter.fillRect(rect, colour)
        painter.setPen(pens["text"])
        for rect, text, flags in layout.labels:
            painter.drawText(rect, flags, text)
        if self.hasFocus() and self._active >= 0:
            painter.setPen(pens["focus"])
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(layout.slots[self._active].adjusted(0.5, 0.5, -0.5, -0.5))
        painter.end()

    # -- internals -----------------------------------------------------------------------------

    def _choose(self, index: int) -> None:
        if self._bars[index].clickable and self._bars[index].value:
            self.bar_clicked.emit(index)

    def _set_active(self, index: int) -> None:
        if index != self._active:
            self._active = index
            self.update()

    def _invalidate(self) -> None:
        self._layout = None
        self.update()

    def _pick_colours(self) -> None:
        palette = self.palette()
        bar = palette.color(QPalette.ColorRole.Highlight)
        dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
        text = palette.color(QPalette.ColorRole.WindowText)
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        grid = QColor(text)
        grid.setAlpha(40)
        self._colours = {
            "bar": bar,
            "active": bar.lighter(135) if dark else bar.darker(135),
            "inert": palette.color(QPalette.ColorRole.Mid),
        }
        focus = QPen(text, 1, Qt.PenStyle.DotLine)
        self._pens = {"text": QPen(text), "muted": QPen(muted), "grid": QPen(grid), "focus": focus}

    def _current_layout(self) -> _Layout:
        if self._layout is None:
            self._layout = self._lay_out()
        return self._layout

    def _lay_out(self) -> _Layout:
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        area = QRectF(self.rect()).adjusted(MARGIN, MARGIN, -MARGIN, -MARGIN)
        title_height = QFontMetrics(self._title_font).height()
        title = QRectF(area.left(), area.top(), area.width(), title_height)
        body = area.adjusted(0, title_height + GAP, 0, 0)
        largest = max((bar.value for bar in self._bars), default=0)
        ticks = round_ticks(largest)
        tick_texts = [f"{tick:,}" for tick in ticks]
        if self._horizontal:
            return self._lay_out_rows(metrics, line, title, body, ticks, tick_texts)
        return self._lay_out_columns(metrics, line, title, body, ticks, tick_texts)

    def _lay_out_columns(
        self,
        metrics: QFontMetrics,
        line: int,
        title: QRectF,
        body: QRectF,
        ticks: list[int],
        tick_texts: list[str],
    ) -> _Layout:
        """Vertical bars over their labels; the value axis on the left."""
        axis_width = max(metrics.horizontalAdvance(text) for text in tick_texts) + GAP
        plot = body.adjusted(axis_width, line / 2, 0, -(line + GAP))
        top = ticks[-1]
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        tick_items: list[tuple[QRectF, str, Qt.AlignmentFlag]] = []
        grid: list[tuple[QPointF, QPointF]] = []
        for tick, text in zip(ticks, tick_texts, strict=True):
            y = plot.bottom() - plot.height() * tick / top
            tick_items.append(
                (QRectF(body.left(), y - line / 2, axis_width - GAP, line), text, right)
            )
            grid.append((QPointF(plot.left(), y), QPointF(plot.right(), y)))
        count = max(len(self._bars), 1)
        slot = plot.width() / count
        width = max(slot * BAR_FILL, 1.0)
        bars, slots = [], []
        for index, bar in enumerate(self._bars):
            left = plot.left() + index * slot
            height = plot.height() * bar.value / top
            bars.append(QRectF(left + (slot - width) / 2, plot.bottom() - height, width, height))
            slots.append(QRectF(left, plot.top(), slot, plot.height() + GAP + line))
        labels = self._column_labels(metrics, line, body, plot, slot)
        return _Layout(plot, bars, slots, labels, tick_items, grid, title)

    def _column_labels(
        self, metrics: QFontMetrics, line: int, body: QRectF, plot: QRectF, slot: float
    ) -> list[tuple[QRectF, str, Qt.AlignmentFlag]]:
        """The labels under the bars that fit, kept clear of each other and of the edges.

        Placed from the last bar back (the latest month, the open-ended bin are the ones to
        name), each centred under its bar and moved inside the chart if it would stick out; a
        label that would touch the one placed before it is left out.
        """
        centre = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
        labels: list[tuple[QRectF, str, Qt.AlignmentFlag]] = []
        limit = body.right()  # the left edge of the label placed last
        for index in range(len(self._bars) - 1, -1, -1):
            text = self._bars[index].label
            width = min(float(metrics.horizontalAdvance(text)), body.width())
            left = plot.left() + (index + 0.5) * slot - width / 2
            left = max(min(left, body.right() - width), body.left())
            if left + width > limit:
                continue
            labels.append((QRectF(left, plot.bottom() + GAP, width, line), text, centre))
            limit = left - GAP
        return labels

    def _lay_out_rows(
        self,
        metrics: QFontMetrics,
        line: int,
        title: QRectF,
        body: QRectF,
        ticks: list[int],
        tick_texts: list[str],
    ) -> _Layout:
        """Horizontal bars beside their labels; the value axis below."""
        # The labels' column is as wide as the longest label, up to its share of the chart.
        widest = max((metrics.horizontalAdvance(bar.label) for bar in self._bars), default=0)
        label_width = min(float(widest), body.width() * LABEL_SHARE)
        last_tick = metrics.horizontalAdvance(tick_texts[-1])
        plot = body.adjusted(label_width + GAP, 0, -last_tick / 2, -(line + GAP))
        top = ticks[-1]
        centre = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
        tick_items: list[tuple[QRectF, str, Qt.AlignmentFlag]] = []
        grid: list[tuple[QPointF, QPointF]] = []
        for tick, text in zip(ticks, tick_texts, strict=True):
            x = plot.left() + plot.width() * tick / top
            room = metrics.horizontalAdvance(text) + GAP
            tick_items.append((QRectF(x - room / 2, plot.bottom() + GAP, room, line), text, centre))
            grid.append((QPointF(x, plot.top()), QPointF(x, plot.bottom())))
        count = max(len(self._bars), 1)
        row = plot.height() / count
        thickness = max(row * BAR_FILL, 1.0)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        bars, slots, labels = [], [], []
        for index, bar in enumerate(self._bars):
            top_edge = plot.top() + index * row
            length = plot.width() * bar.value / top
            bars.append(QRectF(plot.left(), top_edge + (row - thickness) / 2, length, thickness))
            slots.append(QRectF(body.left(), top_edge, plot.right() - body.left(), row))
            text = bar.label
            if metrics.horizontalAdvance(text) > label_width:  # only what does not fit
                text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(label_width))
            labels.append((QRectF(body.left(), top_edge, label_width, row), text, right))
        return _Layout(plot, bars, slots, labels, tick_items, grid, title)
