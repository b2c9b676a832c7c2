"""FileDrops: a file dragged onto the main window, and dropped.

Owns the window's drag and drop: the overlay shown while a file the import can take is dragged
over the window, the import of a dropped file, and the message refusing anything else. The
import itself is the CSV transfers' (app/ui/transfers.py).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDropEvent
from PySide6.QtWidgets import QWidget

from app.ui.drop_overlay import DropOverlay, drop_message, dropped_files
from app.ui.transfers import CsvTransfers


class FileDrops(QObject):
    """Takes the files dropped on a window (see the module docstring).

    Args:
        window: the window files are dropped on (it is made to accept drops).
        sheet: the widget the overlay covers (the window's central widget).
        transfers: the CSV import a dropped file goes to.
        tell: shows a refusal the user must see (the window's banner).
    """

    def __init__(
        self,
        window: QWidget,
        sheet: QWidget,
        transfers: CsvTransfers,
        tell: Callable[[str], None],
    ) -> None:
        super().__init__(window)
        self._transfers = transfers
        self._tell = tell
        self.overlay = DropOverlay(sheet)
        window.setAcceptDrops(True)
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Take the window's drag and drop events (the window has no other use for them)."""
        if isinstance(event, QDragEnterEvent):
            self._drag_entered(event)
        elif isinstance(event, QDragLeaveEvent):
            self.overlay.hide()  # the drag left: the overlay goes
            event.accept()
        elif isinstance(event, QDropEvent):
            self._dropped(event)
        else:
            return super().eventFilter(watched, event)
        return True

    def _drag_entered(self, event: QDragEnterEvent) -> None:
        """A file dragged in: the overlay says whether a drop would import it."""
        files = dropped_files(event.mimeData())
        if not files or not self._transfers.can_import:
            event.ignore()
            return
        self.overlay.show_for(files)
        event.acceptProposedAction()

    def _dropped(self, event: QDropEvent) -> None:
        """Import a dropped CSV file; refuse anything else with a message."""
        self.overlay.hide()
        files = dropped_files(event.mimeData())
        accepted, message = drop_message(files)
        if not accepted:
            self._tell(message)
            event.ignore()
            return
        event.acceptProposedAction()
        self._transfers.open_import(files[0])
