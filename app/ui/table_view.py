"""TableView: the app's QTableView, repainting under one hold of Python's interpreter lock.

A repaint asks the model about every visible cell, and with a model written in Python each
question enters Python. Entered from Qt's paint code, each entry takes the interpreter lock
afresh, and while another thread runs Python (the API worker during a sync or an import) it can
wait a switch interval every time: a full repaint of the customer table next to a busy thread
took half a second. Overriding ``paintEvent`` in Python makes Qt enter Python once per repaint;
PySide6 keeps the lock while the C++ painting calls back into the model, so the cells are
answered without waiting (the busy thread still gets its turns between them, see
app/interpreter_lock.py). The same scroll step then takes about 40 ms.
"""

from __future__ import annotations

from PySide6.QtGui import QPaintEvent
from PySide6.QtWidgets import QTableView


class TableView(QTableView):
    """A QTableView whose repaints take the interpreter lock once (see the module docstring)."""

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        """Paint the cells as QTableView does, from inside Python."""
        super().paintEvent(event)
