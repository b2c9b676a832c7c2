"""The status bar's sync progress: a bar of the customers fetched so far, and a Cancel.

Shown while a sync runs (the first progress report shows it), determinate once the store has
said how many customers there are, busy before; hidden when the sync finishes, fails or is
cancelled. Cancel asks the service to stop the sync: the engine keeps what it committed.
"""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QToolButton, QWidget

from app.cache.sync import SyncProgress
from app.errors import AppError
from app.services.store_service import StoreService

# The words ("Fetched 730 of 1,501 customers") are the status bar's message beside the bar and
# its tooltip; the bar itself has no text (its steps are the sync's windows, not customers, so a
# percentage would not match the words).
_BAR_WIDTH_CHARS = 18


class SyncProgressPanel(QWidget):
    """A progress bar (``syncProgress``) and a Cancel button (``syncCancel``) for one service."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("syncProgressPanel")
        self.bar = QProgressBar(self)
        self.bar.setObjectName("syncProgress")
        self.bar.setTextVisible(False)
        self.bar.setMaximumWidth(self.fontMetrics().averageCharWidth() * _BAR_WIDTH_CHARS)
        self.cancel_button = QToolButton(self)
        self.cancel_button.setObjectName("syncCancel")
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip("Stop the sync (the customers fetched so far are kept)")
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self._service: StoreService | None = None
        self.hide()

    def follow(self, service: StoreService) -> None:
        """Show the syncs of ``service`` (and no longer those of the one followed before)."""
        if self._service is not None:
            for signal, slot in (
                (self._service.sync_progress, self._on_sync_progress),
                (self._service.sync_finished, self._on_sync_finished),
                (self._service.failed, self._on_failed),
            ):
                signal.disconnect(slot)
        self._service = service
        service.sync_progress.connect(self._on_sync_progress)
        service.sync_finished.connect(self._on_sync_finished)
        service.failed.connect(self._on_failed)
        self._end()

    @Slot(object)
    def _on_sync_progress(self, progress: SyncProgress) -> None:
        if progress.total is None or progress.total <= 0:
            self.bar.setRange(0, 0)  # busy: the store has not said how much there is yet
        else:
            self.bar.setRange(0, progress.total)
            self.bar.setValue(min(progress.done, progress.total))
        self.bar.setToolTip(progress.message)
        self.cancel_button.setEnabled(True)
        self.show()

    @Slot(object)
    def _on_sync_finished(self, _report: object) -> None:
        self._end()

    @Slot(int, str, object)
    def _on_failed(self, _request_id: int, kind: str, _error: AppError) -> None:
        if kind == "sync":  # cancelled or not, the sync is over
            self._end()

    @Slot()
    def _on_cancel_clicked(self) -> None:
        if self._service is not None:
            self.cancel_button.setEnabled(False)  # the sync stops at its next step
            self._service.cancel_sync()

    def _end(self) -> None:
        self.hide()
        self.bar.reset()
        self.bar.setRange(0, 100)
        self.bar.setFormat("")
        self.cancel_button.setEnabled(True)
