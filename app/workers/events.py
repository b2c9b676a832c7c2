"""What the API worker reports to the service: one dataclass per event, all on one signal.

Every event names the request it answers (``request_id``). The service receives them on its
worker's single ``reported`` signal and dispatches them with ``match``, so each handler gets its
payload typed: no ``object`` payloads, no string kinds, no ``getattr`` narrowing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.api.client import SaveResult, StoreInfo
from app.cache.sync import SyncProgress, SyncReport
from app.domain.customer import Customer
from app.domain.order import Download, Order
from app.errors import AppError, NetworkError
from app.importer.jobs import FilePlan, PlanProgress
from app.importer.reading import Preview
from app.importer.running import RunProgress, RunResult
from app.workers.requests import RequestKind


@dataclass(frozen=True)
class StoreEvent:
    """Something the window hears about its store (the service's one signal carries these)."""


@dataclass(frozen=True)
class WorkerEvent(StoreEvent):
    """Something the worker did or learnt for one request."""

    request_id: int


@dataclass(frozen=True)
class SyncProgressed(WorkerEvent):
    """Where a sync is (once per page)."""

    progress: SyncProgress


@dataclass(frozen=True)
class ChangesCommitted(WorkerEvent):
    """Customers stored and removed in the cache by a committed write."""

    stored: tuple[int, ...]
    removed: tuple[int, ...]


@dataclass(frozen=True)
class SyncFinished(WorkerEvent):
    """What a sync did."""

    report: SyncReport


@dataclass(frozen=True)
class OrdersLoaded(WorkerEvent):
    """A customer's orders (cached)."""

    customer_id: int
    orders: tuple[Order, ...]


@dataclass(frozen=True)
class DownloadsLoaded(WorkerEvent):
    """A customer's downloads (cached)."""

    customer_id: int
    downloads: tuple[Download, ...]


@dataclass(frozen=True)
class CustomerSaved(WorkerEvent):
    """The store's answer to a create or an update (cached)."""

    result: SaveResult


@dataclass(frozen=True)
class CustomerDeleted(WorkerEvent):
    """A customer deleted (removed from the cache)."""

    customer_id: int


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
class DeleteProgressed(WorkerEvent):
    """A customer of a delete of several was tried."""

    progress: DeleteProgress


@dataclass(frozen=True)
class CustomersDeleted(WorkerEvent):
    """What a delete of several did."""

    result: DeleteManyResult


@dataclass(frozen=True)
class CustomerFound(WorkerEvent):
    """The customer with the email asked for (cached), or None."""

    customer: Customer | None


@dataclass(frozen=True)
class StoreInfoLoaded(WorkerEvent):
    """The store's index."""

    info: StoreInfo


@dataclass(frozen=True)
class ImportProgressed(WorkerEvent):
    """Where an import is: planning a file, or after each chunk sent."""

    progress: PlanProgress | RunProgress


@dataclass(frozen=True)
class ImportPlanned(WorkerEvent):
    """A file planned (the dry run)."""

    plan: FilePlan


@dataclass(frozen=True)
class ImportFinished(WorkerEvent):
    """What an import did."""

    result: RunResult


@dataclass(frozen=True)
class ExportFinished(WorkerEvent):
    """Customers written to a CSV file."""

    count: int


@dataclass(frozen=True)
class PreviewRead(WorkerEvent):
    """The first rows of a CSV file, with the format found or chosen."""

    preview: Preview


@dataclass(frozen=True)
class ReportWritten(WorkerEvent):
    """An import's report, written to the file chosen."""

    path: Path


@dataclass(frozen=True)
class ConnectionTested(WorkerEvent):
    """A connection test passed: the store's index (with the API used), and its keys work."""

    info: StoreInfo


@dataclass(frozen=True)
class RequestFailed(WorkerEvent):
    """A request that ended in an error (a cancel is a ``CancelledError``)."""

    kind: RequestKind
    error: AppError
