"""TableView: the app's QTableView, repainting under one hold of Python's interpreter lock.

A repaint asks the model about every visible cell, and with a model written in Python each
question enters Python. Entered from Qt's paint code, each entry takes the interpreter lock
afresh, and while another thread runs Python (the API worker during a sync or an import) it can
wait a switch interval every time: a full repaint of the customer table next to a busy thread
took half a second. Overriding ``paintEvent`` in Python makes Qt enter Python once per repaint;
PySide6 keeps the lock while the C++ painting calls back into the model, so the cells are
answered without waiting (the busy thread still gets its turns between them, see
app/runtime/switch_interval.py). The same scroll step then takes about 40 ms.

An empty table can say why it is empty (:meth:`TableView.set_empty_message`): the message is
drawn in the viewport, never a row of the model.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QRect, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QTableView

#: Room around the empty table's message.
_MESSAGE_MARGIN = 24


class TableView(QTableView):
    """A QTableView whose repaints take the interpreter lock once (see the module docstring)."""

    _empty_title = ""
    _empty_hint = ""

    def set_empty_message(self, title: str, hint: str = "") -> None:
        """What the viewport says while the model has no rows ("" for nothing)."""
        if (title, hint) == (self._empty_title, self._empty_hint):
            return
        self._empty_title, self._empty_hint = title, hint
        self.viewport().update()

    @property
    def empty_message(self) -> str:
        """The message shown now: title and hint on two lines ("" while rows are shown)."""
        model: QAbstractItemModel | None = self.model()  # None before a model is set
        if model is None or model.rowCount() > 0 or not self._empty_title:
            return ""
        return "\n".join(line for line in (self._empty_title, self._empty_hint) if line)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        """Paint the cells as QTableView does, from inside Python; an empty table's message."""
        super().paintEvent(event)
        if not self.empty_message:
            return
        painter = QPainter(self.viewport())
        try:
            area = (
                self.viewport()
                .rect()
                .adjusted(_MESSAGE_MARGIN, _MESSAGE_MARGIN, -_MESSAGE_MARGIN, -_MESSAGE_MARGIN)
            )
            flags = Qt.AlignmentFlag.AlignHCenter | Qt.TextFlag.TextWordWrap
            title_font = painter.font()
            title_font.setPointSizeF(title_font.pointSizeF() * 1.15)
            painter.setFont(title_font)
            painter.setPen(self.palette().color(QPalette.ColorRole.Text))
            used = painter.boundingRect(area, flags, self._empty_title)
            painter.drawText(area, flags, self._empty_title)
            if self._empty_hint:
                painter.setFont(self.font())
                painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
                below = QRect(area.left(), used.bottom() + 8, area.width(), area.height())
                painter.drawText(below, flags, self._empty_hint)
        finally:
            painter.end()
