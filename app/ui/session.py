"""One open store in the desktop app: its connection, cache, worker service and table model.

Opening a session is how the app switches stores: the main window drops the old session
(shutting its worker down) and builds a new one. The embedded demo store, when it is the store,
is started here and stopped with the session.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from app.api.choice import ApiChoice, SavedDetection, open_store_client
from app.api.client import WooClient
from app.api.connection import StoreConnection
from app.cache.repository import CustomerCache
from app.cli.store_access import DEMO_IDENTITY
from app.models.customer_model import CustomerTableModel
from app.services.store_service import StoreService

if TYPE_CHECKING:
    from app.demo_store import DemoStore

log = logging.getLogger("app.ui")


@dataclass
class StoreSession:
    """Everything the window needs for the store it shows.

    Attributes:
        title: what to call the store in the window (its name or host).
        connection: how the worker reaches the store.
        cache: the GUI thread's own read connection to the store's cache.
        service: the worker thread's facade.
        model: the customer table over ``cache``.
        demo: the embedded demo store, when that is the store.
    """

    title: str
    connection: StoreConnection
    cache: CustomerCache
    service: StoreService
    model: CustomerTableModel
    demo: DemoStore | None = None
    closers: list[Callable[[], None]] = field(default_factory=list)

    @property
    def is_demo(self) -> bool:
        """Whether this is the embedded demo store."""
        return self.demo is not None

    def close(self) -> None:
        """Stop the worker, close the cache, stop the demo store."""
        self.service.shutdown()
        self.cache.close()
        if self.demo is not None:
            self.demo.stop()
            self.demo = None


def open_session(
    connection: StoreConnection,
    cache_dir: Path,
    *,
    identity: str | None = None,
    title: str = "",
    demo: DemoStore | None = None,
    api: ApiChoice = ApiChoice.AUTO,
    detected: SavedDetection | None = None,
    remember: Callable[[SavedDetection], None] | None = None,
) -> StoreSession:
    """Open a store: its cache (for the GUI thread), its worker service and its model.

    ``api`` is the store profile's choice; with ``auto`` the client starts from ``detected``
    (saved with the profile) and hands a new detection to ``remember`` (from the worker thread).
    """
    identity = identity or connection.url
    cache = CustomerCache.open(cache_dir, identity)

    def client() -> WooClient:
        # Detection, when needed, asks the store's public indexes: it runs in the worker, when
        # the service first needs a client.
        return open_store_client(connection, api, detected, remember=remember, tell=tell)

    def tell(text: str) -> None:
        # From the worker thread: the signal is queued to the window.
        log.warning("%s", text)
        service.notice.emit(text)

    service = StoreService(client, cache_dir, identity)
    model = CustomerTableModel(cache)
    return StoreSession(title or identity, connection, cache, service, model, demo)


def open_demo_session(data_dir: Path, cache_dir: Path) -> StoreSession:
    """The embedded demo store (kept in the data folder), running in this process."""
    from app.demo_store import DemoStore, StoreConfig

    store = DemoStore.start(StoreConfig(db_path=data_dir / "demo-store.sqlite3"))
    connection = StoreConnection(store.base_url, store.consumer_key, store.consumer_secret)
    return open_session(
        connection, cache_dir, identity=DEMO_IDENTITY, title="Demo store", demo=store
    )
