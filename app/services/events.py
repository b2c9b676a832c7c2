"""What the window hears from its store's service: one dataclass per event, on one signal.

The service's ``happened`` signal carries a :class:`StoreEvent`; each part of the window
connects to it once and picks the events it cares about with ``match``. The events that answer
one request are the worker's (:mod:`app.workers.events`, each with its ``request_id``), passed
on as they are once the service has decided they are still wanted; the service adds its own:
the customers a sync changed (gathered and throttled), the online and busy states, and notices.
"""

from __future__ import annotations

from dataclasses import dataclass

from app.workers.events import (
    ChangesCommitted,
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
    StoreEvent,
    StoreInfoLoaded,
    SyncFinished,
    SyncProgressed,
    WorkerEvent,
)

__all__ = [
    "BusyChanged",
    "ChangesCommitted",
    "CustomerDeleted",
    "CustomerFound",
    "CustomerSaved",
    "CustomersChanged",
    "CustomersDeleted",
    "DeleteFailure",
    "DeleteManyResult",
    "DeleteProgress",
    "DeleteProgressed",
    "DownloadsLoaded",
    "ExportFinished",
    "ImportFinished",
    "ImportPlanned",
    "ImportProgressed",
    "Notice",
    "OnlineChanged",
    "OrdersLoaded",
    "PreviewRead",
    "ReportWritten",
    "RequestFailed",
    "StoreEvent",
    "StoreInfoLoaded",
    "SyncFinished",
    "SyncProgressed",
    "WorkerEvent",
]


@dataclass(frozen=True)
class CustomersChanged(StoreEvent):
    """Customers stored and removed in the cache, by any request.

    During a sync gathered and throttled (at most about ten a second) and flushed before the
    sync's end; for saves, deletes and lookups at once, before their own event.
    """

    stored: tuple[int, ...]
    removed: tuple[int, ...]


@dataclass(frozen=True)
class OnlineChanged(StoreEvent):
    """The store became reachable again (True) or could not be reached (False)."""

    online: bool


@dataclass(frozen=True)
class BusyChanged(StoreEvent):
    """Whether any request is in flight."""

    busy: bool


@dataclass(frozen=True)
class Notice(StoreEvent):
    """Something the store owner should know that is no failure (e.g. the API switched)."""

    text: str
