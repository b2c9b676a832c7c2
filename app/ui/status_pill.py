"""Order statuses drawn as WooCommerce's orders screen draws them: a rounded coloured label.

The model gives each status cell its label's colours (``BackgroundRole`` and
``ForegroundRole``, :func:`app.models.orders_model.status_colors`); this delegate paints them as
a pill inside the cell, so the row's selection and alternating colours stay visible around it.
The pill carries its own text colour, so it reads the same in light and dark palettes; a label
wider than the column is elided.
"""

from __future__ import annotations

from typing import cast

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

#: Space around the pill inside its cell, and around the text inside the pill (pixels).
CELL_MARGIN = 3
TEXT_PADDING = 6
#: WooCommerce's ``border-radius: 4px``.
RADIUS = 4.0


class StatusPillDelegate(QStyledItemDelegate):
    """Paints a cell with a background colour as a rounded label in that colour."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """The cell's usual background (selection, alternation), then the pill and its text."""
        background = index.data(Qt.ItemDataRole.BackgroundRole)
        if not isinstance(background, QColor):
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text
        opt.text = ""
        opt.backgroundBrush = QBrush()
        widget = cast("QWidget | None", opt.widget)  # None when painted outside a view
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)

        rect = opt.rect.adjusted(CELL_MARGIN, CELL_MARGIN, -CELL_MARGIN, -CELL_MARGIN)
        metrics = opt.fontMetrics
        room = max(rect.width() - 2 * TEXT_PADDING, 0)
        shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, room)
        width = min(metrics.horizontalAdvance(shown) + 2 * TEXT_PADDING, rect.width())
        pill = QRectF(rect.left(), rect.top(), width, rect.height())
        foreground = index.data(Qt.ItemDataRole.ForegroundRole)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(background)
        painter.drawRoundedRect(pill, RADIUS, RADIUS)
        painter.setPen(foreground if isinstance(foreground, QColor) else QColor("#454545"))
        painter.setFont(opt.font)
        painter.drawText(pill, Qt.AlignmentFlag.AlignCenter, shown)
        painter.restore()

    def sizeHint(  # noqa: N802
        self,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> QSize:
        """Room for the whole label with its padding."""
        size = super().sizeHint(option, index)
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if isinstance(text, str):
            width = option.fontMetrics.horizontalAdvance(text)
            size.setWidth(max(size.width(), width + 2 * (TEXT_PADDING + CELL_MARGIN)))
        return size
