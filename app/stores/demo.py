"""The embedded demo store as one of the app's stores: how it is started and which cache is its.

The desktop app and the command line both start it here, when it is the store: with ``--demo``,
or when no store is configured. It keeps its database in the data folder, so demo edits survive
a restart; its address changes with its port every run, so its cache goes by a fixed identity.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from app.api.connection import StoreConnection

if TYPE_CHECKING:
    from app.demo_store import DemoStore
    from app.paths import AppPaths

#: The cache identity of the embedded demo store, whose URL changes with its port every run.
DEMO_IDENTITY = "demo://embedded-store"


def start_demo_store(paths: AppPaths) -> tuple[DemoStore, StoreConnection]:
    """Start the embedded demo store (kept in the data folder) for this process.

    Returns:
        The running store (the caller stops it) and the connection to it.
    """
    from app.demo_store import DemoStore, StoreConfig

    store = DemoStore.start(StoreConfig(db_path=paths.demo_store_db))
    connection = StoreConnection(store.base_url, store.consumer_key, store.consumer_secret)
    return store, connection
