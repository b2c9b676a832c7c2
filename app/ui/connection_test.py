"""The connection dialog's test of a store: run by an API worker in a thread of its own.

A test asks a store that is not the window's (the address and keys typed in the dialog), so it
gets a worker of its own, made for the test and stopped with the dialog: the same
:class:`~app.workers.api_worker.ApiWorker` that serves every store request, so a test's errors
are the app's errors and the GUI thread never touches the network. The store's APIs are
detected afresh (nothing saved is passed), and the detection comes back with the answer.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from app.api.choice import ApiChoice, SavedDetection, open_store_client
from app.api.client import StoreInfo, WooClient
from app.api.connection import StoreConnection
from app.errors import AppError
from app.workers.api_worker import ApiWorker
from app.workers.events import ConnectionTested, RequestFailed, WorkerEvent
from app.workers.requests import ConnectionTestArgs, Request, RequestKind
from app.workers.threads import stop_thread

#: How long closing the dialog waits for a test on the wire before leaving its thread behind.
STOP_TIMEOUT_MS = 3000


@dataclass(frozen=True)
class TestOutcome:
    """How a connection test ended: the store's index and detection, or the error."""

    info: StoreInfo | None
    error: AppError | None
    detected: SavedDetection | None


class ConnectionTest(QObject):
    """Tests one store connection at a time, each in a worker thread of its own.

    Signals:
        finished(TestOutcome): the test's outcome, in the GUI thread.
    """

    finished = Signal(TestOutcome)
    _posted = Signal(Request)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: ApiWorker | None = None  # a worker has no parent: this keeps it alive
        self._request: Request | None = None
        self._detections: list[SavedDetection] = []
        self._next_id = 0

    @property
    def running(self) -> bool:
        """Whether a test waits for the store."""
        return self._request is not None

    def start(self, connection: StoreConnection, api: ApiChoice) -> None:
        """Test ``connection`` with the API chosen (a test still running is cancelled)."""
        self.stop()
        detections: list[SavedDetection] = []
        self._detections = detections

        def client() -> WooClient:
            # Runs in the worker's thread; the detection is read once the answer has arrived.
            return open_store_client(connection, api, remember=detections.append)

        thread = QThread(self)
        thread.setObjectName("connection-test")
        # A test reads no cache: the worker is given a folder it never opens.
        worker = ApiWorker(client, Path(tempfile.gettempdir()), connection.url)
        worker.attach(thread, self._posted)
        worker.reported.connect(self._on_worker_reported, Qt.ConnectionType.QueuedConnection)
        self._worker = worker
        self._thread = thread
        self._next_id += 1
        self._request = Request(self._next_id, RequestKind.CONNECTION_TEST, ConnectionTestArgs())
        thread.start()
        self._posted.emit(self._request)

    def stop(self) -> None:
        """Cancel the test (its answer is dropped) and stop its thread."""
        if self._request is not None:
            self._request.cancel.cancel()
            self._request = None
        thread, self._thread = self._thread, None
        if thread is not None and stop_thread(thread, STOP_TIMEOUT_MS, self._worker):
            thread.deleteLater()

    @Slot(WorkerEvent)
    def _on_worker_reported(self, event: WorkerEvent) -> None:
        if self._request is None or event.request_id != self._request.request_id:
            return  # a test replaced or stopped since
        match event:
            case ConnectionTested(info=info):
                detected = self._detections[-1] if self._detections else None
                outcome = TestOutcome(info, None, detected)
            case RequestFailed(error=error):
                outcome = TestOutcome(None, error, None)
            case _:
                return
        self._request = None
        self.finished.emit(outcome)
        self.stop()
