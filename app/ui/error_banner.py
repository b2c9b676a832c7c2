"""ErrorBanner: the non-modal message across the top of the main window.

Owns the banner's looks (a problem in red, news in blue), its text and its Retry and Dismiss
buttons. What Retry does, and what a dismissal means for an outage, is decided by whoever
listens to its signals (see app/ui/connection_state.py).
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QWidget

from app.ui.detail_panel import plain_label

#: The banner's looks: a problem in red, news in blue.
_BANNER_STYLES = {
    "error": "#errorBanner { background: #fdecea; border: 1px solid #f5c2c0; border-radius: 4px; }",
    "info": "#errorBanner { background: #e8f1fb; border: 1px solid #b6d4f2; border-radius: 4px; }",
}


class ErrorBanner(QFrame):
    """A non-modal message across the top of the window, with Retry and Close.

    Mostly problems (:meth:`show_error`); news the user should not miss too (:meth:`show_info`).

    Signals:
        retry_requested(): the user pressed Retry.
        dismissed(): the user pressed Dismiss.
    """

    retry_requested = Signal()
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(_BANNER_STYLES["error"])
        self._text = plain_label(selectable=True)
        self._text.setWordWrap(True)
        self._retry = QPushButton("Retry")
        self._retry.clicked.connect(self.retry_requested)
        close = QPushButton("Dismiss")
        close.clicked.connect(self._on_close_clicked)
        layout = QHBoxLayout(self)
        layout.addWidget(self._text, 1)
        layout.addWidget(self._retry)
        layout.addWidget(close)
        self.hide()

    @Slot()
    def _on_close_clicked(self) -> None:
        self.hide()
        self.dismissed.emit()

    def show_error(self, message: str, *, retry: bool) -> None:
        """Show ``message``; Retry only where trying again makes sense."""
        self.setStyleSheet(_BANNER_STYLES["error"])
        self._text.setText(message)
        self._retry.setVisible(retry)
        self.show()

    def show_info(self, message: str) -> None:
        """Show news that stays until dismissed (the status bar's would be overwritten)."""
        self.setStyleSheet(_BANNER_STYLES["info"])
        self._text.setText(message)
        self._retry.setVisible(False)
        self.show()

    def tell(self, message: str) -> None:
        """A problem the user must see, with nothing to retry."""
        self.show_error(message, retry=False)
