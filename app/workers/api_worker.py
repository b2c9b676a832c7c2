"""The API worker: the one object that talks to the store, living in the API thread.

Owns, inside that thread, everything that does I/O for the GUI: the :class:`WooClient` (made by
the factory it is given), its own :class:`CustomerCache` connection and the :class:`SyncEngine`.
Also owns the request protocol: :class:`Request` (an id, a :class:`RequestKind`, an arguments
dataclass and a :class:`CancelToken`) comes in through one queued signal; plain-data events go
out through the worker's signals. The GUI-thread facade is app/services/store_service.py; nothing
else should talk to a worker.

Every request is answered exactly once: by its result signal or by ``failed``. Exceptions never
escape a slot (PySide6 would print and drop them): an :class:`AppError` is reported as it is,
anything else is logged with its traceback and reported as a generic AppError.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, assert_never

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread, Signal, SignalInstance, Slot

from app.api.client import BULK_LIMIT, WooClient
from app.api.transport import CancelToken
from app.cache.repository import CustomerCache, CustomerFilter
from app.cache.sync import SyncEngine, SyncMode, SyncProgress
from app.domain.customer import Customer
from app.domain.money import MoneyFormat
from app.errors import AppError, CancelledError, NetworkError, NotFoundError
from app.importer.exporting import export_view
from app.importer.jobs import FilePlan, PlanProgress, plan_file
from app.importer.mapping import ColumnMapping
from app.importer.planning import PlanOptions, lookup_for_import
from app.importer.records import FileFormat
from app.importer.running import ImportFiles, RunProgress, RunResult, run_import
from app.runtime.collector_pauses import long_lived_results

log = logging.getLogger("app.worker")

#: What the user sees for a bug; the traceback goes to the log.
UNEXPECTED_MESSAGE = "Something went wrong; details are in the log."


class RequestKind(StrEnum):
    """What a request does; also the ``kind`` reported with a failure."""

    SYNC = "sync"
    ORDERS = "orders"
    DOWNLOADS = "downloads"
    SAVE = "save"
    DELETE = "delete"
    DELETE_MANY = "delete_many"
    FIND = "find"
    STORE_INFO = "store_info"
    IMPORT_PLAN = "import_plan"
    IMPORT_RUN = "import_run"
    EXPORT = "export"


@dataclass(frozen=True)
class SyncArgs:
    """Bring the cache up to date."""

    mode: SyncMode = SyncMode.AUTO


@dataclass(frozen=True)
class OrdersArgs:
    """Fetch (and cache) one customer's orders."""

    customer_id: int


@dataclass(frozen=True)
class DownloadsArgs:
    """Fetch (and cache) one customer's downloads."""

    customer_id: int


@dataclass(frozen=True)
class CreateArgs:
    """Create a customer from a create payload (``CustomerDraft.to_create_payload()``)."""

    payload: Mapping[str, Any]


@dataclass(frozen=True)
class UpdateArgs:
    """Send changed fields of a customer (``update_payload(before, after)``)."""

    customer_id: int
    changes: Mapping[str, Any]


@dataclass(frozen=True)
class DeleteArgs:
    """Delete a customer."""

    customer_id: int


@dataclass(frozen=True)
class DeleteManyArgs:
    """Delete several customers, one after the other, reporting each."""

    customer_ids: tuple[int, ...]


@dataclass(frozen=True)
class DeleteProgress:
    """Where a delete of several customers is: ``done`` of ``total`` tried, ``deleted`` went."""

    done: int
    total: int
    deleted: int


@dataclass(frozen=True)
class DeleteFailure:
    """A customer a delete of several could not delete, and why (the error's message)."""

    customer_id: int
    reason: str


@dataclass(frozen=True)
class DeleteManyResult:
    """What a delete of several customers did.

    Attributes:
        total: customers asked for.
        deleted: the ids deleted (removed from the store and the cache), in order.
        failures: the customers the store did not delete, with its reason.
        cancelled: the user stopped it; the customers after the last one tried were not tried.
        stopped_by: the store could not be reached: the customers after it were not tried.
    """

    total: int
    deleted: tuple[int, ...]
    failures: tuple[DeleteFailure, ...]
    cancelled: bool = False
    stopped_by: NetworkError | None = None

    @property
    def not_tried(self) -> int:
        """Customers neither deleted nor failed (after a cancel or an outage)."""
        return self.total - len(self.deleted) - len(self.failures)


@dataclass(frozen=True)
class FindArgs:
    """Look a customer up by exact email."""

    email: str


@dataclass(frozen=True)
class StoreInfoArgs:
    """Read the store's index (name, versions, password policy)."""


@dataclass(frozen=True)
class PlanImportArgs:
    """Read a CSV file (with the user's edits) and plan every row: the dry run."""

    path: Path
    file_format: FileFormat
    mapping: ColumnMapping
    options: PlanOptions
    edits: Mapping[int, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class RunImportArgs:
    """Send a planned import to the store in chunks."""

    plan: FilePlan
    files: ImportFiles
    chunk_size: int = BULK_LIMIT


@dataclass(frozen=True)
class ExportArgs:
    """Write the customers of a view of the cache to a CSV file."""

    path: Path
    view: CustomerFilter
    delimiter: str = ","
    #: Only these customers of the view (the rows selected), in the view's order; None: all.
    only: frozenset[int] | None = None


RequestArgs = (
    SyncArgs
    | OrdersArgs
    | DownloadsArgs
    | CreateArgs
    | UpdateArgs
    | DeleteArgs
    | DeleteManyArgs
    | FindArgs
    | StoreInfoArgs
    | PlanImportArgs
    | RunImportArgs
    | ExportArgs
)


@dataclass(frozen=True)
class Request:
    """One request to the worker.

    Attributes:
        request_id: the service's id for it; every event about it carries this id.
        kind: what it does (reported with a failure).
        args: its arguments (plain data).
        cancel: shared with the service, which cancels it; checked before the work starts and
            between pages and retries while it runs.
    """

    request_id: int
    kind: RequestKind
    args: RequestArgs
    cancel: CancelToken = field(default_factory=CancelToken, compare=False)


class ApiWorker(QObject):
    """Runs requests against the store in the API thread and writes results to the cache.

    Create it in the GUI thread, then :meth:`attach` it to its thread before the thread starts.
    The client, cache and sync engine are created lazily in the worker thread on first use (so a
    store or cache that cannot be opened is reported as a failed request, not a crash) and
    closed there when the thread finishes.

    While a sync runs, requests that arrive meanwhile (a customer's orders, a save) are served
    between the sync's pages rather than after the whole sync: the sync's callbacks let the
    thread's event queue run. A second sync arriving then waits until the first ends.

    Signals:
        sync_progressed(int, SyncProgress): request id, where the sync is (once per page).
        changes_committed(int, list[int], list[int]): request id, customer ids stored and
            removed in the cache by a committed write.
        sync_finished(int, SyncReport): request id, what the sync did.
        orders_loaded(int, int, list[Order]): request id, customer id, orders (cached).
        downloads_loaded(int, int, list[Download]): request id, customer id, downloads (cached).
        customer_saved(int, SaveResult): request id, the store's answer (cached).
        customer_deleted(int, int): request id, customer id (removed from the cache).
        delete_progressed(int, DeleteProgress): request id, after each customer of a delete of
            several was tried.
        customers_deleted(int, DeleteManyResult): request id, what a delete of several did.
        customer_found(int, Customer | None): request id, the customer with that email.
        store_info_loaded(int, StoreInfo): request id, the store's index.
        import_progressed(int, object): request id, a ``PlanProgress`` while a file is planned
            or a ``RunProgress`` after each chunk sent.
        import_planned(int, FilePlan): request id, the file planned.
        import_finished(int, RunResult): request id, what the run did.
        export_finished(int, int): request id, customers written.
        failed(int, str, AppError): request id, request kind, what went wrong.
    """

    sync_progressed = Signal(int, object)
    changes_committed = Signal(int, object, object)
    sync_finished = Signal(int, object)
    orders_loaded = Signal(int, int, object)
    downloads_loaded = Signal(int, int, object)
    customer_saved = Signal(int, object)
    customer_deleted = Signal(int, int)
    delete_progressed = Signal(int, object)
    customers_deleted = Signal(int, object)
    customer_found = Signal(int, object)
    store_info_loaded = Signal(int, object)
    import_progressed = Signal(int, object)
    import_planned = Signal(int, object)
    import_finished = Signal(int, object)
    export_finished = Signal(int, int)
    failed = Signal(int, str, object)

    def __init__(
        self,
        client_factory: Callable[[], WooClient],
        cache_dir: Path,
        identity: str,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        # No parent: a QObject with a parent cannot be moved to another thread.
        super().__init__()
        self._client_factory = client_factory
        self._cache_dir = cache_dir
        self._identity = identity
        self._clock = clock
        self._client: WooClient | None = None
        self._cache: CustomerCache | None = None
        self._engine: SyncEngine | None = None
        self._sync_running = False
        self._deferred: deque[Request] = deque()

    def attach(self, thread: QThread, requests: SignalInstance) -> None:
        """Move into ``thread``, take requests from ``requests``, clean up when it finishes.

        Call from the thread the worker was created in, before ``thread`` starts.
        """
        self.moveToThread(thread)
        # Queued explicitly: requests must run in the worker thread even if a caller emits them
        # from somewhere unexpected.
        requests.connect(self._on_service_request_posted, Qt.ConnectionType.QueuedConnection)
        # QThread.finished is emitted in the worker thread after its event loop stopped, so a
        # queued call would never run: it must be direct, and then it runs in the worker thread,
        # the thread that opened the client and the cache.
        thread.finished.connect(self._on_thread_finished, Qt.ConnectionType.DirectConnection)
        # Deferred deletion still runs after finished: the C++ object dies in its own thread.
        thread.finished.connect(self.deleteLater, Qt.ConnectionType.DirectConnection)

    # -- slots -----------------------------------------------------------------------------------

    @Slot(object)
    def _on_service_request_posted(self, request: Request) -> None:
        if self._sync_running and isinstance(request.args, SyncArgs):
            # Only reachable while a sync serves other requests between its pages; two syncs
            # over one cache must not interleave.
            self._deferred.append(request)
            return
        self._handle(request)
        if not self._sync_running:
            while self._deferred:
                self._handle(self._deferred.popleft())

    @Slot()
    def _on_thread_finished(self) -> None:
        """Close the client and the cache in the thread that opened them."""
        self._engine = None
        try:
            if self._client is not None:
                self._client.close()
            if self._cache is not None:
                self._cache.close()
        except Exception:
            # Nothing can be reported any more (the service has shut down): log it.
            log.exception("closing the API worker's client or cache failed")
        finally:
            self._client = None
            self._cache = None
        log.debug("API worker stopped")

    # -- requests -------------------------------------------------------------------------------

    def _handle(self, request: Request) -> None:
        """Run one request; report its result or its failure, never raise."""
        try:
            request.cancel.raise_if_cancelled()
            self._dispatch(request)
        except CancelledError as error:
            log.debug("%s request %d cancelled", request.kind, request.request_id)
            self._fail(request, error)
        except AppError as error:
            log.info("%s request %d failed: %s", request.kind, request.request_id, error.log_text())
            self._fail(request, error)
        except Exception as error:
            log.exception("%s request %d failed unexpectedly", request.kind, request.request_id)
            self._fail(request, AppError(UNEXPECTED_MESSAGE, detail=repr(error)))

    def _fail(self, request: Request, error: AppError) -> None:
        # The traceback's frames hold the worker's client and cache: do not hand them to the
        # GUI thread along with the error (the log already has the traceback).
        error.__traceback__ = None
        self.failed.emit(request.request_id, str(request.kind), error)

    def _dispatch(self, request: Request) -> None:
        rid, cancel = request.request_id, request.cancel
        match request.args:
            case SyncArgs(mode=mode):
                self._sync(rid, mode, cancel)
            case OrdersArgs(customer_id=customer_id):
                orders = self._sync_engine().fetch_orders(customer_id, cancel)
                self.orders_loaded.emit(rid, customer_id, orders)
            case DownloadsArgs(customer_id=customer_id):
                downloads = self._sync_engine().fetch_downloads(customer_id, cancel)
                self.downloads_loaded.emit(rid, customer_id, downloads)
            case CreateArgs(payload=payload):
                result = self._woo_client().create_customer(payload, cancel)
                self._store(rid, [result.customer])
                self.customer_saved.emit(rid, result)
            case UpdateArgs(customer_id=customer_id, changes=changes):
                try:
                    result = self._woo_client().update_customer(customer_id, changes, cancel)
                except NotFoundError:
                    self._forget(rid, customer_id)
                    raise
                self._store(rid, [result.customer])
                self.customer_saved.emit(rid, result)
            case DeleteArgs(customer_id=customer_id):
                self._delete(rid, customer_id, cancel)
                self.customer_deleted.emit(rid, customer_id)
            case DeleteManyArgs(customer_ids=customer_ids):
                self.customers_deleted.emit(rid, self._delete_many(rid, customer_ids, cancel))
            case FindArgs(email=email):
                found = self._woo_client().find_customer_by_email(email, cancel)
                if found is not None:
                    self._store(rid, [found])
                self.customer_found.emit(rid, found)
            case StoreInfoArgs():
                info = self._woo_client().store_info(cancel)
                self._keep_money_format(info.money)
                self.store_info_loaded.emit(rid, info)
            case PlanImportArgs() as args:
                self.import_planned.emit(rid, self._plan_import(rid, args, cancel))
            case RunImportArgs() as args:
                self.import_finished.emit(rid, self._run_import(rid, args, cancel))
            case ExportArgs(path=path, view=view, delimiter=delimiter, only=only):
                count = export_view(
                    self._customer_cache(),
                    view,
                    path,
                    delimiter=delimiter,
                    cancel=lambda: cancel.cancelled,
                    only=only,
                )
                self.export_finished.emit(rid, count)
            case unknown:
                assert_never(unknown)

    def _delete(self, request_id: int, customer_id: int, cancel: CancelToken) -> None:
        """Delete one customer in the store, then from the cache (also when already gone)."""
        try:
            self._woo_client().delete_customer(customer_id, cancel)
        except NotFoundError:
            self._forget(request_id, customer_id)
            raise
        self._forget(request_id, customer_id)

    def _delete_many(
        self, request_id: int, customer_ids: Sequence[int], cancel: CancelToken
    ) -> DeleteManyResult:
        """Delete customers one by one through :meth:`_delete`, as a single delete does.

        A refusal (or a store error page) is noted and the next customer tried; an outage (no
        answer at all) stops it, since the rest would fail alike; so does a cancel, checked
        before each customer. Each deletion is committed
        to the cache (and announced) as it happens, so what was done stays done.
        """
        deleted: list[int] = []
        failures: list[DeleteFailure] = []
        stopped_by: NetworkError | None = None
        total = len(customer_ids)
        for customer_id in customer_ids:
            if cancel.cancelled:
                break
            try:
                self._delete(request_id, customer_id, cancel)
            except CancelledError:
                break
            except NetworkError as error:
                log.info("delete of customer %d failed: %s", customer_id, error.log_text())
                failures.append(DeleteFailure(customer_id, error.message))
                if error.status is None:  # no answer at all: the store cannot be reached
                    stopped_by = error
                    error.__traceback__ = None  # its frames hold the client: not for the GUI
                    break
                # Answered with an error page after the retries (a plugin failing on this one
                # customer's delete, say): the next customer may well go through.
            except AppError as error:
                log.info("delete of customer %d failed: %s", customer_id, error.log_text())
                failures.append(DeleteFailure(customer_id, error.message))
            except Exception:
                log.exception("delete of customer %d failed unexpectedly", customer_id)
                failures.append(DeleteFailure(customer_id, UNEXPECTED_MESSAGE))
            else:
                deleted.append(customer_id)
            done = len(deleted) + len(failures)
            self.delete_progressed.emit(request_id, DeleteProgress(done, total, len(deleted)))
        return DeleteManyResult(
            total,
            tuple(deleted),
            tuple(failures),
            cancelled=cancel.cancelled and stopped_by is None,
            stopped_by=stopped_by,
        )

    def _store(self, request_id: int, customers: Sequence[Customer]) -> None:
        """Write customers the store just confirmed through to the cache."""
        self._customer_cache().upsert_customers(customers, int(self._clock()))
        self.changes_committed.emit(request_id, [c.id for c in customers], [])

    def _forget(self, request_id: int, customer_id: int) -> None:
        """Remove a customer the store no longer has from the cache."""
        self._customer_cache().delete_customers([customer_id])
        self.changes_committed.emit(request_id, [], [customer_id])

    def _plan_import(self, request_id: int, args: PlanImportArgs, cancel: CancelToken) -> FilePlan:
        def progress(report: PlanProgress) -> None:
            self.import_progressed.emit(request_id, report)

        def changed(stored: list[int], removed: list[int]) -> None:
            self.changes_committed.emit(request_id, list(stored), list(removed))

        # Matching is against the cache: bring it up to date first (a quick sync, normally),
        # unless this request is being served between the pages of a running sync: two syncs
        # must not interleave over one cache, and an incomplete cache asks the store anyway.
        if not self._sync_running:
            self._sync_engine().sync(SyncMode.AUTO, cancel=cancel, on_change=changed)
        cache = self._customer_cache()
        lookup = lookup_for_import(cache, self._woo_client(), cancel)
        with long_lived_results():
            return plan_file(
                args.path,
                args.file_format,
                args.mapping,
                lookup,
                args.options,
                edits=args.edits,
                cancel=cancel,
                progress=progress,
            )

    def _run_import(self, request_id: int, args: RunImportArgs, cancel: CancelToken) -> RunResult:
        def progress(report: RunProgress) -> None:
            self.import_progressed.emit(request_id, report)
            if report.saved:  # already in the cache: the views hear of them chunk by chunk
                self.changes_committed.emit(request_id, [c.id for c in report.saved], [])

        plan = args.plan
        return run_import(
            plan.rows,
            self._woo_client(),
            args.files,
            source=plan.path,
            header=plan.mapping.headers,
            delimiter=plan.file_format.delimiter,
            cache=self._customer_cache(),
            chunk_size=args.chunk_size,
            cancel=cancel,
            progress=progress,
        )

    def _sync(self, request_id: int, mode: SyncMode, cancel: CancelToken) -> None:
        def progress(report: SyncProgress) -> None:
            self.sync_progressed.emit(request_id, report)
            self._serve_waiting_requests()

        def changed(stored: list[int], removed: list[int]) -> None:
            self.changes_committed.emit(request_id, list(stored), list(removed))
            self._serve_waiting_requests()

        engine = self._sync_engine()
        self._sync_running = True
        try:
            report = engine.sync(mode, progress=progress, cancel=cancel, on_change=changed)
        finally:
            self._sync_running = False
        self.sync_finished.emit(request_id, report)

    def _serve_waiting_requests(self) -> None:
        """Let requests queued behind a running sync run now, between its pages.

        Called only from the sync's callbacks, after a page is committed (no transaction is
        open on the cache); requests served here are never syncs, so this never nests deeper.
        """
        QCoreApplication.processEvents()

    # -- resources, created in the worker thread on first use ------------------------------------

    def _woo_client(self) -> WooClient:
        if self._client is None:
            self._client = self._client_factory()
        return self._client

    def _keep_money_format(self, money: MoneyFormat) -> None:
        """Keep how the store writes money in the cache (for offline and the next start).

        Only a format the store stated (with its symbol): a key that may not read a wc/v3
        store's settings learns none, and the one kept from before stays right.
        """
        if not money.has_symbol:
            return
        try:
            self._customer_cache().keep_money_format(money)
        except AppError as error:  # the figures still show it this time; never fails the info
            log.warning("could not keep the store's money format: %s", error.log_text())

    def _customer_cache(self) -> CustomerCache:
        if self._cache is None:
            self._cache = CustomerCache.open(self._cache_dir, self._identity)
            for notice in self._cache.notices:
                log.warning("cache: %s", notice)
        return self._cache

    def _sync_engine(self) -> SyncEngine:
        if self._engine is None:
            self._engine = SyncEngine(self._woo_client(), self._customer_cache(), clock=self._clock)
        return self._engine
