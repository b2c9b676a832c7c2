"""The requests the API worker serves: one arguments dataclass each, and the request itself.

A :class:`Request` carries an id (the service's), a :class:`RequestKind` (which also names the
lane that serves it and the kind a failure reports) and plain-data arguments; its
:class:`CancelToken` is shared with the service, which cancels it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from app.api.client import BULK_LIMIT
from app.api.transport import CancelToken
from app.cache.repository import CustomerFilter
from app.cache.sync import SyncMode
from app.importer.jobs import FilePlan
from app.importer.mapping import ColumnMapping
from app.importer.planning import PlanOptions
from app.importer.records import FileFormat, RowResult
from app.importer.running import ImportFiles


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
    PREVIEW = "preview"
    REPORT = "report"
    CONNECTION_TEST = "connection_test"


#: The long requests: served one after another on a lane of their own, so that the short ones
#: (a save, a delete, a lookup, a customer's orders, a file's preview) never wait behind them
#: and never run nested inside them.
LONG_KINDS = frozenset(
    {
        RequestKind.SYNC,
        RequestKind.DELETE_MANY,
        RequestKind.IMPORT_PLAN,
        RequestKind.IMPORT_RUN,
        RequestKind.EXPORT,
    }
)


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


@dataclass(frozen=True)
class PreviewArgs:
    """Read the first rows of a CSV file (its format detected when None)."""

    path: Path
    file_format: FileFormat | None = None


@dataclass(frozen=True)
class ReportArgs:
    """Write an import's per-row report to a CSV file."""

    path: Path
    results: Sequence[RowResult]
    delimiter: str = ","


@dataclass(frozen=True)
class ConnectionTestArgs:
    """Read the store's index and count its customers: the address and the keys work."""


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
    | PreviewArgs
    | ReportArgs
    | ConnectionTestArgs
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
