"""ConnectionState: whether the main window's store can be reached, and its syncs.

Owns Sync (F5), Full sync (Ctrl+F5) and Reconnect (F5 while offline), the status bar's online
label (``statusOnline``) and sync messages, and the banner's part in the store's problems: what
its Retry does (reconnect after an outage, sync again after a failed sync, a full sync after an
incomplete one), that a dismissed outage stays dismissed until the store is back, and that the
store coming back brings a quick sync. Problems another part handles itself (a dialog's save,
the orders tab) are claimed by that part (:meth:`ConnectionState.add_claim`) and pass the banner
by. What it learns (last sync, Retry, the dismissal) is the session's :class:`StoreState`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QMainWindow

from app.cache.sync import SyncMode, SyncReport
from app.errors import CancelledError, NetworkError
from app.services.events import (
    Notice,
    OnlineChanged,
    RequestFailed,
    StoreEvent,
    SyncFinished,
    SyncProgressed,
)
from app.ui.detail_panel import plain_label
from app.ui.error_banner import ErrorBanner
from app.ui.session import StoreSession
from app.ui.session_part import SessionPart
from app.ui.window_actions import window_action
from app.workers.requests import RequestKind

#: A part's say on a failed request (id, kind, error): True if it has told the user itself.
FailureClaim = Callable[[RequestFailed], bool]


class ConnectionState(SessionPart):
    """The store's reachability and syncs, as the window shows them (see the module docstring).

    Args:
        window: the window the actions belong to and whose status bar is written.
        banner: the window's banner.

    Signals:
        changed(): the online label was written again (the store came or went, a sync ended):
            the store's actions may have to be enabled or disabled.
    """

    changed = Signal()

    def __init__(self, window: QMainWindow, banner: ErrorBanner) -> None:
        super().__init__(window)
        self._window = window
        self._banner = banner
        self._claims: list[FailureClaim] = []
        self.action_sync = window_action(window, "actionSync", "Sync", "F5", self.quick_sync)
        # F5 as well: only one of the two is enabled at a time (Sync needs the store).
        self.action_reconnect = window_action(
            window, "actionReconnect", "Reconnect", "F5", self.reconnect
        )
        self.action_reconnect.setToolTip("Try to reach the store now")
        self.action_full_sync = window_action(
            window, "actionFullSync", "Full sync", "Ctrl+F5", self.full_sync
        )
        self.label = plain_label(selectable=False)
        self.label.setObjectName("statusOnline")
        banner.retry_requested.connect(self._on_banner_retry_requested)
        banner.dismissed.connect(self._on_banner_dismissed)

    def add_claim(self, claim: FailureClaim) -> None:
        """Let a part tell the user of some failures itself (the banner stays out of it)."""
        self._claims.append(claim)

    def attach(self, session: StoreSession) -> None:
        """Follow a store's syncs and reachability (the last sync is the cache's until one ends).

        The label is written by :meth:`update_label`, once the window shows the store.
        """
        self._session = session
        service = session.service
        service.happened.connect(self._on_service_happened)
        coverage = session.cache.coverage()
        session.state.last_sync = coverage.last_quick_sync or coverage.last_full_sync

    # -- actions -----------------------------------------------------------------------------

    @Slot()
    def quick_sync(self) -> None:
        """Bring the cache up to date (F5)."""
        self.session.service.sync(SyncMode.AUTO)

    @Slot()
    def full_sync(self) -> None:
        """Fetch everything again, order figures too (Ctrl+F5)."""
        self.session.service.sync(SyncMode.FULL)

    @Slot()
    def check_connection(self) -> None:
        """Ask the store whether it is reachable (it is asked by itself while offline)."""
        assert self.session.reconnector is not None
        self.session.reconnector.check()

    @Slot()
    def reconnect(self) -> None:
        """Try to reach the store now (Store > Reconnect, F5 while offline, the banner's Retry)."""
        self.check_connection()

    # -- what the store says -----------------------------------------------------------------

    def update_label(self) -> None:
        """Online or offline, and since when the customers shown are up to date."""
        last_sync = self.session.state.last_sync
        when = last_sync.astimezone().strftime("%H:%M") if last_sync else "never"
        if not self.session.online:
            text = f"Offline – showing data from {when}"
        elif self.session.is_demo:
            text = "Online · demo store"
        else:
            text = f"Online · synced {when}"
        self.label.setText(text)
        self.changed.emit()

    @Slot(StoreEvent)
    def _on_service_happened(self, event: StoreEvent) -> None:
        match event:
            case SyncProgressed(progress=progress):
                self._window.statusBar().showMessage(progress.message)
            case SyncFinished(report=report):
                self._on_service_sync_finished(report)
            case RequestFailed() as failure:
                self._on_service_failed(failure)
            case OnlineChanged(online=online):
                self._on_service_online_changed(online)
            case Notice(text=text):
                self._banner.show_info(text)
            case _:
                pass

    def _on_service_sync_finished(self, report: SyncReport) -> None:
        self.session.state.last_sync = datetime.now().astimezone()
        self._window.statusBar().showMessage(f"Synced: {report.describe_changes()}.", 5000)
        if not report.complete:
            # Nothing was removed on the evidence of an unproven walk; offer to look again.
            self.session.state.retry = self.full_sync
            self._banner.show_error(
                f"{report.unaccounted:,} customer{'s' if report.unaccounted != 1 else ''} could "
                "not be accounted for: the store changed while it was being read. Nothing was "
                "removed from this computer. Retry checks every customer again.",
                retry=True,
            )
        self.update_label()

    def _on_service_failed(self, failure: RequestFailed) -> None:
        error, syncing = failure.error, failure.kind is RequestKind.SYNC
        if isinstance(error, CancelledError):
            return
        if any(claim(failure) for claim in self._claims):
            return
        retry: Callable[[], None] | None = None
        if syncing:
            retry = self.quick_sync
            self._window.statusBar().showMessage("Sync failed.", 10_000)
        message = error.message
        if isinstance(error, NetworkError):
            # An outage, whoever found it (a sync, the periodic check): Retry reconnects.
            retry = self.reconnect
            message += " The customers saved on this computer are shown meanwhile."
        self.session.state.retry = retry
        if isinstance(error, NetworkError) and self.session.state.outage_dismissed:
            if not syncing:
                self._window.statusBar().showMessage("The store still cannot be reached.", 10_000)
            return  # the user has seen this outage's banner and put it away
        self._banner.show_error(message, retry=retry is not None)

    def _on_service_online_changed(self, online: bool) -> None:
        # Emitted on a change only (the session's reconnector asks the store while offline).
        self.session.state.outage_dismissed = False  # a new outage, or the end of one
        self.update_label()
        if online:
            self._banner.hide()
            self.quick_sync()  # back: catch up with what changed meanwhile

    # -- the banner --------------------------------------------------------------------------

    @Slot()
    def _on_banner_retry_requested(self) -> None:
        retry = self.session.state.retry
        if retry != self.reconnect:
            # Reconnecting keeps the banner (with Retry) until the store is back.
            self._banner.hide()
        if retry is not None:
            retry()

    @Slot()
    def _on_banner_dismissed(self) -> None:
        if not self.session.online:
            self.session.state.outage_dismissed = True
