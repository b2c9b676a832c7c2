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

from app.api.client import BULK_LIMIT, SaveResult, StoreInfo, WooClient
from app.api.transport import CancelToken
from app.cache.repository import CustomerFilter
from app.cache.sync import SyncMode, SyncProgress, SyncReport
from app.domain.customer import Customer
from app.domain.order import Download, Order
from app.errors import AppError, CancelledError, NetworkError
from app.importer.jobs import FilePlan, PlanProgress
from app.importer.mapping import ColumnMapping
from app.importer.planning import PlanOptions
from app.importer.reading import Preview
from app.importer.records import FileFormat, RowResult
from app.importer.running import ImportFiles, RunProgress, RunResult
from app.workers.api_worker import ApiWorker
from app.workers.events import (
    ChangesCommitted,
    CustomerDeleted,
    CustomerFound,
    CustomerSaved,
    CustomersDeleted,
    DeleteManyResult,
    DeleteProgress,
    DeleteProgressed,
    DownloadsLoaded,
    ExportFinished,
    ImportFinished,
    ImportPlanned,
    ImportProgressed,
    OrdersLoaded,
    PreviewRead,
    ReportWritten,
    RequestFailed,
    StoreInfoLoaded,
    SyncFinished,
    SyncProgressed,
    WorkerEvent,
)
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

log = logging.getLogger("app.worker")

#: The shortest time between two emissions of streamed sync events (at most ~10 a second):
#: enough for the list to grow visibly, few enough that the views never fall behind.
THROTTLE_SECONDS = 0.1

#: Kinds where a newer request makes older ones pointless (the user moved to another customer).
_LATEST_WINS = frozenset({RequestKind.ORDERS, RequestKind.DOWNLOADS})

#: Threads that did not stop within shutdown's timeout. Destroying a running QThread aborts the
#: process, so they are kept here, unparented, for the rest of the run.
_STRAGGLERS: list[QThread] = []


@dataclass(frozen=True)
class _InFlight:
    kind: RequestKind
    cancel: CancelToken


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
        sync_progress(SyncProgress): where the running sync is; throttled, the last one always
            arrives (before ``sync_finished`` or the sync's ``failed``).
        sync_finished(SyncReport): a sync completed.
        customers_changed(list[int], list[int]): customer ids stored and removed in the cache.
            During a sync, accumulated and throttled (at most ~10 a second), flushed before
            ``sync_finished``/``failed``; for saves, deletes and lookups, emitted at once,
            before their own signal.
        orders_loaded(int, list[Order]): customer id and orders (already cached); latest wins.
        downloads_loaded(int, list[Download]): customer id and downloads (already cached);
            latest wins.
        customer_saved(int, SaveResult): request id and the store's answer to a create or an
            update (already cached).
        customer_deleted(int, int): request id and customer id (already removed from the cache).
        delete_progress(int, DeleteProgress): request id and where a delete of several
            customers is, after each customer tried (one store request each: not throttled).
        customers_deleted(int, DeleteManyResult): request id and what a delete of several did
            (each deletion already in the cache, announced by ``customers_changed`` as it went).
        customer_found(int, Customer | None): request id and the customer with that email.
        store_info_loaded(StoreInfo): the store's index.
        import_progress(int, object): request id and a PlanProgress (planning) or a
            RunProgress (sending); throttled like the sync's, the last one always arrives.
        import_planned(int, FilePlan): request id and the planned file (the dry run).
        import_finished(int, RunResult): request id and what the import did.
        export_finished(int, int): request id and the number of customers written.
        preview_read(int, Preview): request id and the first rows of a CSV file.
        report_written(int, Path): request id and the report file written.
        failed(int, str, AppError): request id, kind (``sync``, ``orders``, ``downloads``,
            ``save``, ``delete``, ``delete_many``, ``find``, ``store_info``) and the error. A
            cancelled sync reports ``CancelledError``. A delete of several reports each
            customer's refusal in its result, not here.
        online_changed(bool): False after a NetworkError; True after a success or any answer
            from the store. Emitted only when the state changes (it starts as online).
        busy_changed(bool): whether any request is in flight.
        notice(str): something the store owner should know that is no failure, e.g. that the
            store stopped offering the API in use and the app switched to the other one.
    """

    sync_progress = Signal(object)
    sync_finished = Signal(object)
    customers_changed = Signal(list, list)
    orders_loaded = Signal(int, object)
    downloads_loaded = Signal(int, object)
    customer_saved = Signal(int, object)
    customer_deleted = Signal(int, int)
    delete_progress = Signal(int, object)
    customers_deleted = Signal(int, object)
    customer_found = Signal(int, object)
    store_info_loaded = Signal(object)
    import_progress = Signal(int, object)
    import_planned = Signal(int, object)
    import_finished = Signal(int, object)
    export_finished = Signal(int, int)
    preview_read = Signal(int, Preview)
    report_written = Signal(int, Path)
    failed = Signal(int, str, object)
    online_changed = Signal(bool)
    busy_changed = Signal(bool)
    notice = Signal(str)

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
        self._pending_progress: SyncProgress | None = None
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
            thread.quit()
        deadline = time.monotonic() + timeout_ms / 1000
        for thread in self._threads:
            left = max(0, math.ceil((deadline - time.monotonic()) * 1000))
            if not thread.wait(left):
                log.warning(
                    "the %s thread did not stop within %d ms; it will stop after its current "
                    "request",
                    thread.objectName(),
                    timeout_ms,
                )
                thread.setParent(None)
                _STRAGGLERS.append(thread)

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
        """Tell the window something that is no failure (``notice``); callable from any thread.

        Queued, so that the window hears it in the GUI thread even when a worker thread says
        it: a slot without a thread of its own (a test's wait, a lambda) would otherwise run in
        the worker's thread.
        """
        self._announced.emit(text)

    @Slot(str)
    def _on_announced(self, text: str) -> None:
        if not self._closed:
            self.notice.emit(text)

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

    @Slot(WorkerEvent)
    def _on_worker_reported(self, event: WorkerEvent) -> None:
        rid = event.request_id
        match event:
            case SyncProgressed(progress=progress):
                self._on_worker_sync_progressed(rid, progress)
            case ChangesCommitted(stored=stored, removed=removed):
                self._on_worker_changes_committed(rid, stored, removed)
            case SyncFinished(report=report):
                self._on_worker_sync_finished(rid, report)
            case OrdersLoaded(customer_id=customer_id, orders=orders):
                self._on_worker_orders_loaded(rid, customer_id, list(orders))
            case DownloadsLoaded(customer_id=customer_id, downloads=downloads):
                self._on_worker_downloads_loaded(rid, customer_id, list(downloads))
            case CustomerSaved(result=result):
                self._on_worker_customer_saved(rid, result)
            case CustomerDeleted(customer_id=customer_id):
                self._on_worker_customer_deleted(rid, customer_id)
            case DeleteProgressed(progress=delete_progress):
                self._on_worker_delete_progressed(rid, delete_progress)
            case CustomersDeleted(result=deleted):
                self._on_worker_customers_deleted(rid, deleted)
            case CustomerFound(customer=customer):
                self._on_worker_customer_found(rid, customer)
            case StoreInfoLoaded(info=info):
                self._on_worker_store_info_loaded(rid, info)
            case ImportProgressed(progress=import_progress):
                self._on_worker_import_progressed(rid, import_progress)
            case ImportPlanned(plan=plan):
                self._on_worker_import_planned(rid, plan)
            case ImportFinished(result=run):
                self._on_worker_import_finished(rid, run)
            case ExportFinished(count=count):
                self._on_worker_export_finished(rid, count)
            case PreviewRead(preview=preview):
                if self._settle(rid, reached=None):
                    self.preview_read.emit(rid, preview)
                    self._set_busy()
            case ReportWritten(path=path):
                if self._settle(rid, reached=None):
                    self.report_written.emit(rid, path)
                    self._set_busy()
            case RequestFailed(kind=kind, error=error):
                self._on_worker_failed(rid, kind, error)
            case _:
                log.error("unknown worker event %r", event)

    def _on_worker_sync_progressed(self, request_id: int, progress: SyncProgress) -> None:
        if self._closed or request_id != self._sync_id:
            return  # a cancelled sync still winding down while a new one waits
        self._pending_progress = progress
        self._schedule_flush()

    def _on_worker_changes_committed(
        self, request_id: int, stored: Sequence[int], removed: Sequence[int]
    ) -> None:
        if self._closed:
            return
        # Whatever the request, the cache changed: the views must hear of it.
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

    def _on_worker_sync_finished(self, request_id: int, report: SyncReport) -> None:
        if not self._settle(request_id, reached=True):
            return
        self._flush()
        if request_id == self._sync_id:
            self._sync_id = None
        self.sync_finished.emit(report)
        self._set_busy()

    def _on_worker_orders_loaded(
        self, request_id: int, customer_id: int, orders: list[Order]
    ) -> None:
        if not self._settle(request_id, reached=True):
            return
        if self._latest.get(RequestKind.ORDERS) == request_id:
            self.orders_loaded.emit(customer_id, orders)
        self._set_busy()

    def _on_worker_downloads_loaded(
        self, request_id: int, customer_id: int, downloads: list[Download]
    ) -> None:
        if not self._settle(request_id, reached=True):
            return
        if self._latest.get(RequestKind.DOWNLOADS) == request_id:
            self.downloads_loaded.emit(customer_id, downloads)
        self._set_busy()

    def _on_worker_customer_saved(self, request_id: int, result: SaveResult) -> None:
        if not self._settle(request_id, reached=True):
            return
        self.customer_saved.emit(request_id, result)
        self._set_busy()

    def _on_worker_customer_deleted(self, request_id: int, customer_id: int) -> None:
        if not self._settle(request_id, reached=True):
            return
        self.customer_deleted.emit(request_id, customer_id)
        self._set_busy()

    def _on_worker_delete_progressed(self, request_id: int, progress: DeleteProgress) -> None:
        if self._closed or request_id not in self._in_flight:
            return
        self.delete_progress.emit(request_id, progress)

    def _on_worker_customers_deleted(self, request_id: int, result: DeleteManyResult) -> None:
        reached: bool | None = None
        if result.stopped_by is not None:
            reached = False
        elif result.deleted or result.failures:
            reached = True  # the store answered each one tried
        if not self._settle(request_id, reached=reached):
            return
        self._flush()
        self.customers_deleted.emit(request_id, result)
        self._set_busy()

    def _on_worker_customer_found(self, request_id: int, customer: Customer | None) -> None:
        if not self._settle(request_id, reached=True):
            return
        self.customer_found.emit(request_id, customer)
        self._set_busy()

    def _on_worker_store_info_loaded(self, request_id: int, info: StoreInfo) -> None:
        if not self._settle(request_id, reached=True):
            return
        self.store_info_loaded.emit(info)
        self._set_busy()

    def _on_worker_import_progressed(
        self, request_id: int, progress: PlanProgress | RunProgress
    ) -> None:
        if self._closed or request_id not in self._in_flight:
            return
        now = time.monotonic()
        # Sending reports once per chunk (a few a second): all pass. Planning reports every few
        # hundred rows, which at 10,000 rows a second would flood the dialog: at most ten a second.
        planning = isinstance(progress, PlanProgress) and progress.fraction < 1.0
        if planning and now - self._last_import_progress < THROTTLE_SECONDS:
            return
        self._last_import_progress = now
        self.import_progress.emit(request_id, progress)

    def _on_worker_import_planned(self, request_id: int, plan: FilePlan) -> None:
        if not self._settle(request_id, reached=True):
            return
        self.import_planned.emit(request_id, plan)
        self._set_busy()

    def _on_worker_import_finished(self, request_id: int, result: RunResult) -> None:
        # A run stopped by the network says the store is gone; otherwise it answered.
        reached = not isinstance(result.stopped_by, NetworkError)
        if not self._settle(request_id, reached=reached):
            return
        self._flush()
        self.import_finished.emit(request_id, result)
        self._set_busy()

    def _on_worker_export_finished(self, request_id: int, count: int) -> None:
        if not self._settle(request_id, reached=None):
            return
        self.export_finished.emit(request_id, count)
        self._set_busy()

    def _on_worker_failed(self, request_id: int, kind: RequestKind, error: AppError) -> None:
        reached: bool | None = None
        if isinstance(error, NetworkError):
            reached = False
        elif error.status is not None and not isinstance(error, CancelledError):
            reached = True  # the store answered, even if it said no
        if not self._settle(request_id, reached=reached):
            return
        if kind == RequestKind.SYNC:
            # Pages committed before the failure are in the cache: the views hear of them first.
            self._flush()
            if request_id == self._sync_id:
                self._sync_id = None
        stale = kind in _LATEST_WINS and self._latest.get(RequestKind(kind)) != request_id
        if not stale:
            self.failed.emit(request_id, kind, error)
        self._set_busy()

    # -- bookkeeping ---------------------------------------------------------------------------

    def _settle(self, request_id: int, *, reached: bool | None) -> bool:
        """Forget a finished request and note what it says about the store; False once closed.

        ``reached`` is True when the store answered, False when it could not be reached, None
        when the reply says nothing about that (a cancellation).
        """
        if self._closed:
            return False
        self._in_flight.pop(request_id, None)
        if reached is not None and reached != self._online:
            self._online = reached
            self.online_changed.emit(reached)
        return True

    def _set_busy(self) -> None:
        busy = bool(self._in_flight)
        if busy != self._busy:
            self._busy = busy
            self.busy_changed.emit(busy)

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
            self.customers_changed.emit(stored, removed)
        if self._pending_progress is not None:
            progress, self._pending_progress = self._pending_progress, None
            self._last_flush = time.monotonic()
            self.sync_progress.emit(progress)
