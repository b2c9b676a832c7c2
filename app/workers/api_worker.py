"""The API worker: the one object that talks to the store, living in the API thread.

Owns, inside that thread, everything that does I/O for the GUI: the :class:`WooClient` (made by
the factory it is given), its own :class:`CustomerCache` connection and the :class:`SyncEngine`.
A :class:`~app.workers.requests.Request` comes in through one queued signal; typed events
(:mod:`app.workers.events`) go out through one signal, ``reported``. The GUI-thread facade is
app/services/store_service.py, which runs two workers, each in a thread of its own: one for the
long requests (a sync, an import, an export, a delete of several), one for the short ones, so
that a save or a lookup never waits behind a sync. Nothing else should talk to a worker.

Every request is answered exactly once: by its result event or by ``RequestFailed``.
Exceptions never escape a slot (PySide6 would print and drop them): an :class:`AppError` is
reported as it is, anything else is logged with its traceback and reported as a generic
AppError.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import assert_never

from PySide6.QtCore import QObject, Qt, QThread, Signal, SignalInstance, Slot

from app.api.choice import store_info
from app.api.client import StoreInfo, WooClient
from app.api.transport import CancelToken
from app.cache.repository import CustomerCache
from app.cache.store_settings import keep_store_settings
from app.cache.sync import SyncEngine, SyncMode, SyncProgress
from app.domain.customer import Customer
from app.errors import AppError, CancelledError, NetworkError, NotFoundError
from app.importer.exporting import export_view
from app.importer.jobs import FilePlan, PlanProgress, plan_file
from app.importer.planning import lookup_for_import
from app.importer.reading import read_preview
from app.importer.running import RunProgress, RunResult, run_import, write_report
from app.runtime.cycle_collector import long_lived_results
from app.workers.events import (
    ChangesCommitted,
    ConnectionTested,
    CustomerDeleted,
    CustomerFound,
    CustomerSaved,
    CustomersDeleted,
    DeleteFailure,
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
    ConnectionTestArgs,
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
    RunImportArgs,
    StoreInfoArgs,
    SyncArgs,
    UpdateArgs,
)

log = logging.getLogger("app.worker")

#: What the user sees for a bug; the traceback goes to the log.
UNEXPECTED_MESSAGE = "Something went wrong; details are in the log."


def _close_client(client: WooClient) -> None:
    client.close()


class ApiWorker(QObject):
    """Runs requests against the store in its thread and writes results to the cache.

    Create it in the GUI thread, then :meth:`attach` it to its thread before the thread starts.
    The client, cache and sync engine are created lazily in the worker thread on first use (so a
    store or cache that cannot be opened is reported as a failed request, not a crash) and
    closed there when the thread finishes. Requests are served one after another, in the order
    they came: the service gives the long ones a worker of their own.

    Signals:
        reported(WorkerEvent): what a request did or learnt (:mod:`app.workers.events`); every
            request ends in exactly one result event or one ``RequestFailed``.
    """

    reported = Signal(WorkerEvent)

    def __init__(
        self,
        client_factory: Callable[[], WooClient],
        cache_dir: Path,
        identity: str,
        *,
        clock: Callable[[], float] = time.time,
        release_client: Callable[[WooClient], None] | None = None,
    ) -> None:
        # No parent: a QObject with a parent cannot be moved to another thread.
        super().__init__()
        self._client_factory = client_factory
        # How the client is given back when the thread ends: closed, unless it is shared.
        self._release_client = release_client or _close_client
        self._cache_dir = cache_dir
        self._identity = identity
        self._clock = clock
        self._client: WooClient | None = None
        self._cache: CustomerCache | None = None
        self._engine: SyncEngine | None = None

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

    @Slot(Request)
    def _on_service_request_posted(self, request: Request) -> None:
        self._handle(request)

    @Slot()
    def _on_thread_finished(self) -> None:
        """Close the client and the cache in the thread that opened them."""
        self._engine = None
        try:
            if self._client is not None:
                self._release_client(self._client)
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
        self.reported.emit(RequestFailed(request.request_id, request.kind, error))

    def _dispatch(self, request: Request) -> None:
        rid, cancel = request.request_id, request.cancel
        emit = self.reported.emit
        match request.args:
            case SyncArgs(mode=mode):
                self._sync(rid, mode, cancel)
            case OrdersArgs(customer_id=customer_id):
                orders = self._sync_engine().fetch_orders(customer_id, cancel)
                emit(OrdersLoaded(rid, customer_id, tuple(orders)))
            case DownloadsArgs(customer_id=customer_id):
                downloads = self._sync_engine().fetch_downloads(customer_id, cancel)
                emit(DownloadsLoaded(rid, customer_id, tuple(downloads)))
            case CreateArgs(payload=payload):
                result = self._woo_client().create_customer(payload, cancel)
                self._store(rid, [result.customer])
                emit(CustomerSaved(rid, result))
            case UpdateArgs(customer_id=customer_id, changes=changes):
                try:
                    result = self._woo_client().update_customer(customer_id, changes, cancel)
                except NotFoundError:
                    self._forget(rid, customer_id)
                    raise
                self._store(rid, [result.customer])
                emit(CustomerSaved(rid, result))
            case DeleteArgs(customer_id=customer_id):
                self._delete(rid, customer_id, cancel)
                emit(CustomerDeleted(rid, customer_id))
            case DeleteManyArgs(customer_ids=customer_ids):
                emit(CustomersDeleted(rid, self._delete_many(rid, customer_ids, cancel)))
            case FindArgs(email=email):
                found = self._woo_client().find_customer_by_email(email, cancel)
                if found is not None:
                    self._store(rid, [found])
                emit(CustomerFound(rid, found))
            case StoreInfoArgs():
                info = self._woo_client().store_info(cancel)
                self._keep_store_settings(info)
                emit(StoreInfoLoaded(rid, info))
            case PlanImportArgs() as args:
                emit(ImportPlanned(rid, self._plan_import(rid, args, cancel)))
            case RunImportArgs() as args:
                emit(ImportFinished(rid, self._run_import(rid, args, cancel)))
            case ExportArgs(path=path, view=view, delimiter=delimiter, only=only):
                count = export_view(
                    self._customer_cache(),
                    view,
                    path,
                    delimiter=delimiter,
                    cancel=lambda: cancel.cancelled,
                    only=only,
                )
                emit(ExportFinished(rid, count))
            case PreviewArgs(path=path, file_format=file_format):
                emit(PreviewRead(rid, read_preview(path, file_format)))
            case ConnectionTestArgs():
                client = self._woo_client()
                info = store_info(client, cancel)
                client.count_customers(cancel=cancel)  # the index needs no keys: this proves them
                emit(ConnectionTested(rid, info))
            case ReportArgs(path=path, results=results, delimiter=delimiter):
                write_report(path, results, delimiter)
                emit(ReportWritten(rid, path))
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
            progress = DeleteProgress(done, total, len(deleted))
            self.reported.emit(DeleteProgressed(request_id, progress))
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
        self.reported.emit(ChangesCommitted(request_id, tuple(c.id for c in customers), ()))

    def _forget(self, request_id: int, customer_id: int) -> None:
        """Remove a customer the store no longer has from the cache."""
        self._customer_cache().delete_customers([customer_id])
        self.reported.emit(ChangesCommitted(request_id, (), (customer_id,)))

    def _plan_import(self, request_id: int, args: PlanImportArgs, cancel: CancelToken) -> FilePlan:
        def progress(report: PlanProgress) -> None:
            self.reported.emit(ImportProgressed(request_id, report))

        def changed(stored: list[int], removed: list[int]) -> None:
            self.reported.emit(ChangesCommitted(request_id, tuple(stored), tuple(removed)))

        # Matching is against the cache: bring it up to date first (a quick sync, normally).
        # Served on the long requests' lane, it never overlaps another sync.
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
            self.reported.emit(ImportProgressed(request_id, report))
            if report.saved:  # already in the cache: the views hear of them chunk by chunk
                saved = tuple(c.id for c in report.saved)
                self.reported.emit(ChangesCommitted(request_id, saved, ()))

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
            self.reported.emit(SyncProgressed(request_id, report))

        def changed(stored: list[int], removed: list[int]) -> None:
            self.reported.emit(ChangesCommitted(request_id, tuple(stored), tuple(removed)))

        report = self._sync_engine().sync(mode, progress=progress, cancel=cancel, on_change=changed)
        self.reported.emit(SyncFinished(request_id, report))

    # -- resources, created in the worker thread on first use ------------------------------------

    def _woo_client(self) -> WooClient:
        if self._client is None:
            self._client = self._client_factory()
        return self._client

    def _keep_store_settings(self, info: StoreInfo) -> None:
        """Keep the store's money format and timezone in the cache (:func:`keep_store_settings`)."""
        try:
            keep_store_settings(self._customer_cache(), info)
        except AppError as error:  # the info still shows this time; never fails the request
            log.warning("could not keep the store's settings: %s", error.log_text())

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
