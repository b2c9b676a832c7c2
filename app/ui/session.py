"""One open store in the desktop app: its connection, cache, worker service and table model.

Opening a session is how the app switches stores: the main window drops the old session
(shutting its worker down) and builds a new one. The embedded demo store, when it is the store,
is started for the session (by :mod:`app.stores.demo`) and stopped with it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Slot

from app.api.choice import ApiChoice, SavedDetection, open_store_client
from app.api.client import StoreInfo, WooClient
from app.api.connection import StoreConnection
from app.cache.repository import CustomerCache
from app.domain.order import Download, Order
from app.models.customer_model import CustomerTableModel
from app.services.events import OnlineChanged, StoreEvent
from app.services.store_service import StoreService
from app.stores.demo import DEMO_IDENTITY, start_demo_store

if TYPE_CHECKING:
    from app.demo_store import DemoStore
    from app.paths import AppPaths

log = logging.getLogger("app.ui")

#: How often an offline session checks whether the store is back.
RECONNECT_INTERVAL_MS = 30_000


class Reconnector(QObject):
    """While the store cannot be reached, asks it now and then whether it is back.

    A child of the session's service (GUI thread): it stops with the session, so a store
    switched away from is never asked again, and a new session starts without one running.
    """

    def __init__(self, service: StoreService) -> None:
        super().__init__(service)
        self._service = service
        self.timer = QTimer(self)
        self.timer.setInterval(RECONNECT_INTERVAL_MS)
        self.timer.timeout.connect(self.check)
        service.happened.connect(self._on_service_happened)

    @Slot(StoreEvent)
    def _on_service_happened(self, event: StoreEvent) -> None:
        if isinstance(event, OnlineChanged):
            if event.online:
                self.timer.stop()
            else:
                self.timer.start()

    @Slot()
    def check(self) -> None:
        """Ask the store whether it is reachable (its answer or failure sets the online flag)."""
        self._service.load_store_info()

    def stop(self) -> None:
        """No more checks (the session closes)."""
        self.timer.stop()


@dataclass
class StoreState:
    """What the window has learnt about the session's store; it goes with the session.

    Attributes:
        last_sync: when the cache was last brought up to date.
        store_info: what the store said about itself (None until it answers).
        retry: what the banner's Retry does for the store's last problem.
        outage_dismissed: the user dismissed the banner of the current outage.
        deleting: what the status bar says when a delete request (by id) is done.
    """

    last_sync: datetime | None = None
    store_info: StoreInfo | None = None
    retry: Callable[[], None] | None = None
    outage_dismissed: bool = False
    deleting: dict[int, str] = field(default_factory=dict)


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
        state: what is known about the store (online flag: ``service.online``).
        reconnector: the checks for the store while it cannot be reached.
    """

    title: str
    connection: StoreConnection
    cache: CustomerCache
    service: StoreService
    model: CustomerTableModel
    demo: DemoStore | None = None
    closers: list[Callable[[], None]] = field(default_factory=list)
    state: StoreState = field(default_factory=StoreState)
    reconnector: Reconnector | None = None

    def __post_init__(self) -> None:
        if self.reconnector is None:
            self.reconnector = Reconnector(self.service)

    @property
    def online(self) -> bool:
        """Whether the store answered its last request (a new session starts online)."""
        return self.service.online

    @property
    def is_demo(self) -> bool:
        """Whether this is the embedded demo store."""
        return self.demo is not None

    def orders_for(self, customer_id: int) -> list[Order] | None:
        """A customer's orders as cached (None: never fetched), and a fetch when online.

        The cached list answers at once; the store's own comes later (``orders_loaded``).
        """
        cached = self.cache.orders(customer_id)
        if self.online:
            self.service.load_orders(customer_id)
        return cached

    def downloads_for(self, customer_id: int) -> tuple[list[Download] | None, list[Order] | None]:
        """A customer's downloads and orders as cached, and a fetch of both when online.

        The orders come too because their line items name the downloads' products: they are
        fetched along with the downloads when this computer has none.
        """
        cached = self.cache.downloads(customer_id)
        orders = self.cache.orders(customer_id)
        if self.online:
            self.service.load_downloads(customer_id)
            if orders is None:
                self.service.load_orders(customer_id)
        return cached, orders

    def close(self) -> None:
        """Stop the worker and the reconnect checks, close the cache, stop the demo store."""
        if self.reconnector is not None:
            self.reconnector.stop()
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
        # From a worker thread: the service queues it to the GUI thread.
        log.warning("%s", text)
        service.announce(text)

    service = StoreService(client, cache_dir, identity)
    model = CustomerTableModel(cache)
    return StoreSession(title or identity, connection, cache, service, model, demo)


def open_demo_session(paths: AppPaths) -> StoreSession:
    """The embedded demo store (kept in the data folder), running in this process."""
    store, connection = start_demo_store(paths)
    return open_session(
        connection, paths.cache_dir, identity=DEMO_IDENTITY, title="Demo store", demo=store
    )
