"""The GUI thread's door to one store: requests out, events in, never a wait.

Owns the API threads and their :class:`~app.workers.api_worker.ApiWorker` instances for one
store profile (two lanes: one for the long requests, one for the short ones), the request ids,
which replies are still wanted (latest wins for a customer's orders and downloads), throttling
of what a sync streams to the views, the online/busy state derived from replies, and the
orderly shutdown of the threads.
"""

from __future__ import annotations

import copy
import logging
import math
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot

from app.api.client import BULK_LIMIT, WooClient
from app.api.transport import CancelToken
from app.cache.repository import CustomerFilter
from app.cache.sync import SyncMode
from app.errors import AppError, CancelledError, NetworkError
from app.importer.jobs import FilePlan, PlanProgress
from app.importer.mapping import ColumnMapping
from app.importer.planning import PlanOptions
from app.importer.records import FileFormat, RowResult
from app.importer.running import ImportFiles
from app.services.events import (
    BusyChanged,
    ChangesCommitted,
    CustomersChanged,
    CustomersDeleted,
    DeleteManyResult,
    DeleteProgressed,
    DownloadsLoaded,
    ExportFinished,
    ImportFinished,
    ImportProgressed,
    Notice,
    OnlineChanged,
    OrdersLoaded,
    PreviewRead,
    ReportWritten,
    RequestFailed,
    StoreEvent,
    SyncFinished,
    SyncProgressed,
    WorkerEvent,
)
from app.workers.api_worker import ApiWorker
from app.workers.requests import (
    LONG_KINDS,
    CreateArgs,
    DeleteArgs,
    DeleteManyArgs,
    DownloadsArgs,
    ExportArgs,
    FindArgs,
    OrdersArgs,
    PlanImportArgs,
    PreviewArgs,
    ReportArgs,
    Request,
    RequestArgs,
    RequestKind,
    RunImportArgs,
    StoreInfoArgs,
    SyncArgs,
    UpdateArgs,
)
from app.workers.threads import stop_thread

log = logging.getLogger("app.worker")

#: The shortest time between two emissions of streamed sync events (at most ~10 a second):
#: enough for the list to grow visibly, few enough that the views never fall behind.
THROTTLE_SECONDS = 0.1

#: Kinds where a newer request makes older ones pointless (the user moved to another customer).
_LATEST_WINS = frozenset({RequestKind.ORDERS, RequestKind.DOWNLOADS})


@dataclass(frozen=True)
class _InFlight:
    kind: RequestKind
    cancel: CancelToken


def _reached_by_deletes(result: DeleteManyResult) -> bool | None:
    """What a delete of several says about reaching the store."""
    if result.stopped_by is not None:
        return False
    if result.deleted or result.failures:
        return True  # the store answered each one tried
    return None


def _reached_by_failure(error: AppError) -> bool | None:
    """What a failure says about reaching the store (a cancel says nothing)."""
    if isinstance(error, NetworkError):
        return False
    if error.status is not None and not isinstance(error, CancelledError):
        return True  # the store answered, even if it said no
    return None


class _SharedClient:
    """One client for both lanes: made on first use, closed when the last lane gives it back.

    One client detects the store's API once (and re-detects once, under its lock, when the
    store drops it) and keeps one connection pool; it is made to be used from several threads,
    as a sync's parallel pages already do.
    """

    def __init__(self, factory: Callable[[], WooClient]) -> None:
        self._factory = factory
        self._users = 0
        self._lock = threading.Lock()
        self._client: WooClient | None = None

    def acquire(self) -> WooClient:
        """The client (made now if it is the first use); each lane asks once and keeps it."""
        with self._lock:
            if self._client is None:
                self._client = self._factory()
            self._users += 1
            return self._client

    def release(self, _client: WooClient) -> None:
        """A lane is done with it; the last one closes it."""
        with self._lock:
            self._users -= 1
            if self._users == 0 and self._client is not None:
                client, self._client = self._client, None
                client.close()


class StoreService(QObject):
    """GUI-thread facade over the API workers of one store.

    Owns two lanes, each a QThread running an :class:`ApiWorker`: the long requests (a sync, an
    import, an export, a delete of several; ``LONG_KINDS``) go one after another on one, the
    short ones (a save, a delete, a lookup, a customer's orders, the store's index, a file's
    preview, a report) on the other, so they never wait behind a sync nor run nested inside it.
    Each worker creates its own WooClient (via ``client_factory``), its own CustomerCache
    connection (opened in its thread) and, for the long lane, the SyncEngine; the GUI thread
    never touches the network. Every request method returns at once with a request id; its
    outcome arrives as a signal carrying that id, in the GUI thread.

    Every request ends in exactly one result signal or one ``failed`` - except replies that are
    dropped on purpose: an older ``load_orders``/``load_downloads`` reply (or failure) once a newer
    one was asked for, and everything after :meth:`shutdown`.

    Shutdown: :meth:`shutdown` cancels every request's token, quits the threads' event loops and
    waits. Each worker closes its client and cache in a slot connected directly to
    ``QThread.finished``, which Qt emits in the worker thread after its loop stopped, so they are
    closed by the thread that opened them, and the worker is deleted there too.

    Signals:
        happened(StoreEvent): everything the window hears (:mod:`app.services.events`), in
            order: a request's answer (the worker's event for it: ``SyncFinished``,
            ``OrdersLoaded``, ``CustomerSaved``, ... or ``RequestFailed`` with its kind and
            error; a cancelled sync ends in a ``CancelledError``), progress (``SyncProgressed``
            throttled, the last one always before the sync's end; ``ImportProgressed``, a
            file's planning at most ten a second; ``DeleteProgressed`` after each customer),
            ``CustomersChanged`` (gathered and throttled during a sync, flushed before its end;
            at once for saves, deletes and lookups, before their own answer),
            ``OnlineChanged`` (False after a NetworkError, True after any answer from the
            store; only on a change, starting online), ``BusyChanged`` and ``Notice`` (news
            that is no failure, e.g. the store stopped offering the API in use).
    """

    happened = Signal(StoreEvent)

    #: News from any thread, queued to the GUI thread before the window hears of it.
    _announced = Signal(str)

    #: Requests to the workers (queued into their threads): the long lane's and the short one's.
    _long_request_posted = Signal(Request)
    _short_request_posted = Signal(Request)

    def __init__(
        self,
        client_factory: Callable[[], WooClient],
        cache_dir: Path,
        identity: str,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._next_id = 0
        self._in_flight: dict[int, _InFlight] = {}
        self._latest: dict[RequestKind, int] = {}
        self._sync_id: int | None = None
        self._online = True
        self._busy = False
        self._started = False
        self._closed = False

        self._pending_stored: set[int] = set()
        self._pending_removed: set[int] = set()
        self._pending_progress: SyncProgressed | None = None
        self._last_flush = -math.inf
        self._last_import_progress = -math.inf
        self._flush_timer = QTimer(self)
        self._flush_timer.setSingleShot(True)
        # A coarse timer may fire up to 5% early, which would break the promised spacing.
        self._flush_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._flush_timer.timeout.connect(self._on_flush_timer_timeout)

        self._announced.connect(self._on_announced, Qt.ConnectionType.QueuedConnection)
        self._threads: list[QThread] = []
        # Held here: a worker has no parent (it lives in its thread), so this keeps it alive.
        self._workers: list[ApiWorker] = []
        lanes = (("api-long", self._long_request_posted), ("api-short", self._short_request_posted))
        client = _SharedClient(client_factory)
        for name, posted in lanes:
            thread = QThread(self)
            thread.setObjectName(name)
            worker = ApiWorker(client.acquire, cache_dir, identity, release_client=client.release)
            worker.attach(thread, posted)
            worker.reported.connect(self._on_worker_reported, Qt.ConnectionType.QueuedConnection)
            self._threads.append(thread)
            self._workers.append(worker)

    # -- state -------------------------------------------------------------------------------

    @property
    def online(self) -> bool:
        """Whether the store answered the last request that reached a conclusion about it."""
        return self._online

    @property
    def threads(self) -> tuple[QThread, ...]:
        """The lanes' threads (``api-long``, ``api-short``), for a look at whether they run."""
        return tuple(self._threads)

    @property
    def busy(self) -> bool:
        """Whether any request is in flight."""
        return self._busy

    # -- lifecycle -----------------------------------------------------------------------------

    def start(self) -> None:
        """Start the API thread (idempotent; requests sent before it start it too)."""
        if self._started or self._closed:
            return
        self._started = True
        for thread in self._threads:
            thread.start()

    def shutdown(self, timeout_ms: int = 5000) -> None:
        """Cancel everything, stop the API thread and wait for it; safe to call twice.

        Blocks the GUI thread for at most ``timeout_ms`` (a request already on the wire cannot be
        interrupted, only not followed by another). The worker closes its client and cache in
        its own thread as the thread finishes. No signal is emitted after this returns.
        """
        if self._closed:
            return
        self._closed = True
        self._flush_timer.stop()
        for entry in self._in_flight.values():
            entry.cancel.cancel()
        if not self._started:
            return
        for thread in self._threads:
            thread.quit()  # both lanes wind down together; each is then waited for in turn
        deadline = time.monotonic() + timeout_ms / 1000
        for thread, worker in zip(self._threads, self._workers, strict=True):
            stop_thread(thread, math.ceil((deadline - time.monotonic()) * 1000), worker)

    # -- requests ------------------------------------------------------------------------------

    def sync(self, mode: SyncMode = SyncMode.AUTO) -> int:
        """Bring the cache up to date; while a sync runs (not cancelled), return its id."""
        if self._sync_id is not None:
            running = self._in_flight.get(self._sync_id)
            if running is not None and not running.cancel.cancelled:
                return self._sync_id
        self._sync_id = self._post(RequestKind.SYNC, SyncArgs(mode))
        return self._sync_id

    def cancel_sync(self) -> None:
        """Cancel the running sync; it ends with ``failed(id, "sync", CancelledError)``."""
        if self._sync_id is not None and self._sync_id in self._in_flight:
            self._in_flight[self._sync_id].cancel.cancel()

    def load_orders(self, customer_id: int) -> int:
        """Fetch a customer's orders; cancels and ignores any earlier ``load_orders``."""
        return self._post(RequestKind.ORDERS, OrdersArgs(customer_id))

    def load_downloads(self, customer_id: int) -> int:
        """Fetch a customer's downloads; cancels and ignores any earlier ``load_downloads``."""
        return self._post(RequestKind.DOWNLOADS, DownloadsArgs(customer_id))

    def create_customer(self, payload: Mapping[str, Any]) -> int:
        """Create a customer from ``CustomerDraft.to_create_payload()``.

        A payload the client's write gate refuses (a list as a name, an email too long...)
        ends in ``failed(id, "save", ValidationError)`` naming the field; nothing is sent.
        """
        # A deep copy: the worker reads it in another thread while the caller may reuse its dict.
        return self._post(RequestKind.SAVE, CreateArgs(copy.deepcopy(dict(payload))))

    def update_customer(self, customer_id: int, changes: Mapping[str, Any]) -> int:
        """Send the changed fields of a customer (``update_payload(before, after)``).

        Changes the client's write gate refuses (an emptied email, which a store would erase)
        end in ``failed(id, "save", ValidationError)`` naming the field; nothing is sent.
        """
        return self._post(RequestKind.SAVE, UpdateArgs(customer_id, copy.deepcopy(dict(changes))))

    def delete_customer(self, customer_id: int) -> int:
        """Delete a customer (their orders stay in the store as guest orders)."""
        return self._post(RequestKind.DELETE, DeleteArgs(customer_id))

    def delete_customers(self, customer_ids: Sequence[int]) -> int:
        """Delete several customers one after the other, as :meth:`delete_customer` does each.

        Progress comes after each customer (``delete_progress``), the outcome as one
        ``customers_deleted`` naming the deleted and the refused; :meth:`cancel` stops it before
        the next customer (the deletions done stay done). An outage stops it too.
        """
        return self._post(RequestKind.DELETE_MANY, DeleteManyArgs(tuple(customer_ids)))

    def find_by_email(self, email: str) -> int:
        """Look a customer up in the store by exact email (cached when found)."""
        return self._post(RequestKind.FIND, FindArgs(email))

    def load_store_info(self) -> int:
        """Read the store's name, versions and options."""
        return self._post(RequestKind.STORE_INFO, StoreInfoArgs())

    def plan_import(
        self,
        path: Path,
        file_format: FileFormat,
        mapping: ColumnMapping,
        options: PlanOptions,
        edits: Mapping[int, tuple[str, ...]] | None = None,
    ) -> int:
        """Read and plan a CSV file (the dry run): each row against the cache, then the store."""
        args = PlanImportArgs(path, file_format, mapping, options, dict(edits or {}))
        return self._post(RequestKind.IMPORT_PLAN, args)

    def run_import(self, plan: FilePlan, files: ImportFiles, chunk_size: int = BULK_LIMIT) -> int:
        """Send a planned import to the store; its files go where ``files`` says."""
        return self._post(RequestKind.IMPORT_RUN, RunImportArgs(plan, files, chunk_size))

    def export_view(
        self,
        path: Path,
        view: CustomerFilter,
        delimiter: str = ",",
        only: Sequence[int] | None = None,
    ) -> int:
        """Write the customers of a view of the cache to a CSV file (``only`` these, if given)."""
        chosen = frozenset(only) if only is not None else None
        return self._post(RequestKind.EXPORT, ExportArgs(path, view, delimiter, chosen))

    def read_preview(self, path: Path, file_format: FileFormat | None = None) -> int:
        """Read the first rows of a CSV file, detecting its format when None (``preview_read``).

        A file error ends in ``failed(id, "preview", FileError)``.
        """
        return self._post(RequestKind.PREVIEW, PreviewArgs(path, file_format))

    def write_report(self, path: Path, results: Sequence[RowResult], delimiter: str = ",") -> int:
        """Write an import's per-row report to ``path`` (``report_written``)."""
        return self._post(RequestKind.REPORT, ReportArgs(path, tuple(results), delimiter))

    def announce(self, text: str) -> None:
        """Tell the window something that is no failure (a ``Notice``); callable from any thread.

        Queued, so that the window hears it in the GUI thread even when a worker thread says
        it: a slot without a thread of its own (a test's wait, a lambda) would otherwise run in
        the worker's thread.
        """
        self._announced.emit(text)

    @Slot(str)
    def _on_announced(self, text: str) -> None:
        if not self._closed:
            self.happened.emit(Notice(text))

    def cancel(self, request_id: int) -> None:
        """Cancel a request; it ends with its result or with ``failed(..., CancelledError)``.

        An import stops between chunks: the rows not sent are reported as such.
        """
        entry = self._in_flight.get(request_id)
        if entry is not None:
            entry.cancel.cancel()

    def _post(self, kind: RequestKind, args: RequestArgs) -> int:
        self._next_id += 1
        request_id = self._next_id
        if self._closed:
            log.debug("%s request %d after shutdown: not sent", kind, request_id)
            return request_id
        if kind in _LATEST_WINS:
            older = self._in_flight.get(self._latest.get(kind, -1))
            if older is not None:
                older.cancel.cancel()
            self._latest[kind] = request_id
        self.start()
        request = Request(request_id, kind, args)
        self._in_flight[request_id] = _InFlight(kind, request.cancel)
        lane = self._long_request_posted if kind in LONG_KINDS else self._short_request_posted
        lane.emit(request)
        self._set_busy()
        return request_id

    # -- replies from the workers --------------------------------------------------------------

    @Slot(StoreEvent)
    def _on_worker_reported(self, event: StoreEvent) -> None:
        """Pass a worker's event on to the window, once the service has settled its request.

        The service decides what the store's answer says about reaching it (the online state),
        what is still wanted (the latest orders, the running sync's progress) and what is
        throttled (a sync's progress and changes).
        """
        if not isinstance(event, WorkerEvent) or self._closed:
            return
        rid = event.request_id
        reached: bool | None = True  # most answers come from the store
        match event:
            case SyncProgressed():
                if rid == self._sync_id:  # not a cancelled sync still winding down
                    self._pending_progress = event
                    self._schedule_flush()
                return
            case ChangesCommitted(stored=stored, removed=removed):
                self._note_changes(rid, stored, removed)
                return
            case DeleteProgressed() | ImportProgressed():
                if rid in self._in_flight and self._wanted_progress(event):
                    self.happened.emit(event)
                return
            case SyncFinished():
                if rid == self._sync_id:
                    self._sync_id = None
            case OrdersLoaded() | DownloadsLoaded():
                pass
            case CustomersDeleted(result=result):
                reached = _reached_by_deletes(result)
            case ImportFinished(result=run):
                # A run stopped by the network says the store is gone; otherwise it answered.
                reached = not isinstance(run.stopped_by, NetworkError)
            case ExportFinished() | PreviewRead() | ReportWritten():
                reached = None  # the store was not asked
            case RequestFailed(kind=kind, error=error):
                reached = _reached_by_failure(error)
                if kind is RequestKind.SYNC and rid == self._sync_id:
                    self._sync_id = None
            case _:
                pass
        self._settle(rid, reached=reached)
        # Whatever the outcome, the cache's changes are heard first (a sync's last pages, a
        # delete of several's customers).
        self._flush()
        if self._wanted(event):
            self.happened.emit(event)
        self._set_busy()

    def _note_changes(self, request_id: int, stored: Sequence[int], removed: Sequence[int]) -> None:
        """Gather what a committed write changed in the cache; the views must hear of it."""
        for customer_id in stored:
            self._pending_removed.discard(customer_id)
            self._pending_stored.add(customer_id)
        for customer_id in removed:
            self._pending_stored.discard(customer_id)
            self._pending_removed.add(customer_id)
        entry = self._in_flight.get(request_id)
        if entry is not None and entry.kind is RequestKind.SYNC:
            self._schedule_flush()
        else:
            self._flush()  # a save the user waits to see

    def _wanted(self, event: WorkerEvent) -> bool:
        """Whether the window still wants this answer: an older customer's orders it does not."""
        match event:
            case OrdersLoaded():
                kind: RequestKind | None = RequestKind.ORDERS
            case DownloadsLoaded():
                kind = RequestKind.DOWNLOADS
            case RequestFailed(kind=failed_kind) if failed_kind in _LATEST_WINS:
                kind = failed_kind
            case _:
                kind = None
        return kind is None or self._latest.get(kind) == event.request_id

    def _wanted_progress(self, event: DeleteProgressed | ImportProgressed) -> bool:
        """Progress passes, except a file's planning more than ten times a second.

        Sending reports once per chunk (a few a second): all pass. Planning reports every few
        hundred rows, which at 10,000 rows a second would flood the dialog.
        """
        if not isinstance(event, ImportProgressed):
            return True
        progress = event.progress
        now = time.monotonic()
        planning = isinstance(progress, PlanProgress) and progress.fraction < 1.0
        if planning and now - self._last_import_progress < THROTTLE_SECONDS:
            return False
        self._last_import_progress = now
        return True

    # -- bookkeeping ---------------------------------------------------------------------------

    def _settle(self, request_id: int, *, reached: bool | None) -> None:
        """Forget a finished request and note what it says about the store.

        ``reached`` is True when the store answered, False when it could not be reached, None
        when the reply says nothing about that (a cancellation).
        """
        self._in_flight.pop(request_id, None)
        if reached is not None and reached != self._online:
            self._online = reached
            self.happened.emit(OnlineChanged(reached))

    def _set_busy(self) -> None:
        busy = bool(self._in_flight)
        if busy != self._busy:
            self._busy = busy
            self.happened.emit(BusyChanged(busy))

    # -- throttled sync events -----------------------------------------------------------------

    def _schedule_flush(self) -> None:
        if self._flush_timer.isActive():
            return  # the accumulated events go out with the pending flush
        wait = max(0.0, THROTTLE_SECONDS - (time.monotonic() - self._last_flush))
        # Rounded up: a flush must never come earlier than the promised spacing.
        self._flush_timer.start(math.ceil(wait * 1000))

    @Slot()
    def _on_flush_timer_timeout(self) -> None:
        self._flush()

    def _flush(self) -> None:
        """Emit what accumulated: the changed ids, then the latest progress."""
        self._flush_timer.stop()
        if self._pending_stored or self._pending_removed:
            stored, removed = sorted(self._pending_stored), sorted(self._pending_removed)
            self._pending_stored.clear()
            self._pending_removed.clear()
            self._last_flush = time.monotonic()
            self.happened.emit(CustomersChanged(tuple(stored), tuple(removed)))
        if self._pending_progress is not None:
            progress, self._pending_progress = self._pending_progress, None
            self._last_flush = time.monotonic()
            self.happened.emit(progress)
