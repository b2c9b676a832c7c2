"""window_action: how the main window's parts make the actions they own.

Each action is the window's child (found by objectName, its shortcut live wherever the window
has focus); the part that owns it says what it does.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget


def window_action(
    window: QWidget,
    name: str,
    text: str,
    shortcut: QKeySequence.StandardKey | str | None,
    slot: Callable[[], object],
) -> QAction:
    """An action of ``window`` named ``name``, with its text, shortcut (or none) and slot."""
    action = QAction(text, window)
    action.setObjectName(name)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    action.triggered.connect(slot)
    window.addAction(action)
    return action
