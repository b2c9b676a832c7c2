"""The app's message boxes: readable widths, and one shape of "are you sure?" box.

:func:`widen` keeps a box's explanation from wrapping into a narrow column.
:func:`ask_to_confirm` is the confirmation for actions that remove something: a warning box that
names what goes, says what happens and what does not, offers the action on a button named after
it, and leaves Cancel as the default (Enter never destroys anything). It is window-modal and
opened, not executed, so the event loop (and the worker's signals) keep running while it waits,
and tests can answer it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

#: Wide enough that two or three sentences read as lines, not as a narrow column.
EXPLANATION_MIN_WIDTH: Final = 380


def widen(box: QMessageBox) -> None:
    """Give the box's explanation (its informative text) a readable width."""
    box.setStyleSheet(
        f"QLabel#qt_msgbox_informativelabel {{ min-width: {EXPLANATION_MIN_WIDTH}px; }}"
    )


def ask_to_confirm(
    parent: QWidget,
    *,
    name: str,
    title: str,
    question: str,
    explanation: str,
    action: str,
    confirmed: Callable[[], None],
) -> QMessageBox:
    """Open the box; call ``confirmed`` if the user picks ``action``. Returns the open box.

    Args:
        parent: the window the box belongs to.
        name: the box's objectName (tests find it by this).
        title: the window title.
        question: the first line, naming what goes ("Delete Ada Lovelace?").
        explanation: what happens and what does not, as plain text.
        action: the destructive button's text ("Delete").
        confirmed: what to do once confirmed.
    """
    box = QMessageBox(parent)
    box.setObjectName(name)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.PlainText)  # names come from the store: never markup
    box.setText(question)
    box.setInformativeText(explanation)
    widen(box)
    button = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)

    def answered() -> None:
        if box.clickedButton() is button:
            confirmed()

    box.finished.connect(answered)
    box.open()
    return box
