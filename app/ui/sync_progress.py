"""The status bar's progress panels: a bar of how far a long request is, and a Cancel.

:class:`ProgressPanel` is the shape: shown while the work runs (the first report shows it),
determinate once the total is known, busy before; hidden when it ends. Its Cancel only asks: the
owner decides what stopping means. :class:`SyncProgressPanel` follows a service's syncs (the
customers fetched so far); a delete of several customers (app/ui/customer_actions.py) drives a
panel of its own, so a sync and a delete running together each keep their bar.
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QProgressBar, QToolButton, QWidget

from app.services.events import RequestFailed, StoreEvent, SyncFinished, SyncProgressed
from app.services.store_service import StoreService
from app.workers.requests import RequestKind

# The words ("Fetched 730 of 1,501 customers") are the status bar's message beside the bar and
# its tooltip; the bar itself has no text (a sync's steps are its windows, not customers, so a
# percentage would not match the words).
_BAR_WIDTH_CHARS = 18


class ProgressPanel(QWidget):
    """A progress bar and a Cancel button, hidden until the first report.

    Args:
        name: the panel's objectName.
        bar_name: the bar's objectName (tests find it by this).
        cancel_name: the Cancel button's objectName.
        cancel_tip: what Cancel does, as its tooltip.

    Signals:
        cancel_requested(): the user pressed Cancel (the button stays disabled until the next
            report or the end: the work stops at its next step).
    """

    cancel_requested = Signal()

    def __init__(
        self,
        *,
        name: str,
        bar_name: str,
        cancel_name: str,
        cancel_tip: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.bar = QProgressBar(self)
        self.bar.setObjectName(bar_name)
        self.bar.setTextVisible(False)
        self.bar.setMaximumWidth(self.fontMetrics().averageCharWidth() * _BAR_WIDTH_CHARS)
        self.cancel_button = QToolButton(self)
        self.cancel_button.setObjectName(cancel_name)
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip(cancel_tip)
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self._cancelling = False
        self.hide()

    def show_progress(self, done: int, total: int | None, message: str) -> None:
        """Show ``done`` of ``total`` (None or 0: busy), with ``message`` as the bar's tooltip."""
        if total is None or total <= 0:
            self.bar.setRange(0, 0)  # busy: how much there is is not known yet
        else:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))
        self.bar.setToolTip(message)
        self.cancel_button.setEnabled(not self._cancelling)
        self.show()

    def end(self) -> None:
        """The work is over (done, failed or cancelled): hide and reset."""
        self.hide()
        self.bar.reset()
        self.bar.setRange(0, 100)
        self.bar.setFormat("")
        self._cancelling = False
        self.cancel_button.setEnabled(True)

    @Slot()
    def _on_cancel_clicked(self) -> None:
        self._cancelling = True
        self.cancel_button.setEnabled(False)  # the work stops at its next step
        self.cancel_requested.emit()


class SyncProgressPanel(ProgressPanel):
    """A progress bar (``syncProgress``) and a Cancel button (``syncCancel``) for one service."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(
            name="syncProgressPanel",
            bar_name="syncProgress",
            cancel_name="syncCancel",
            cancel_tip="Stop the sync (the customers fetched so far are kept)",
            parent=parent,
        )
        self.cancel_requested.connect(self._on_cancel_requested)
        self._service: StoreService | None = None

    def follow(self, service: StoreService) -> None:
        """Show the syncs of ``service`` (and no longer those of the one followed before)."""
        if self._service is not None:
            self._service.happened.disconnect(self._on_service_happened)
        self._service = service
        service.happened.connect(self._on_service_happened)
        self.end()

    @Slot(StoreEvent)
    def _on_service_happened(self, event: StoreEvent) -> None:
        match event:
            case SyncProgressed(progress=progress):
                # Each report enables Cancel (a cancelled sync sends none; the next one's works).
                self._cancelling = False
                self.show_progress(progress.done, progress.total, progress.message)
            case SyncFinished() | RequestFailed(kind=RequestKind.SYNC):
                self.end()  # cancelled or not, the sync is over
            case _:
                pass

    @Slot()
    def _on_cancel_requested(self) -> None:
        if self._service is not None:
            self._service.cancel_sync()
