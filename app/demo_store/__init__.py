"""The embedded demo store: a local server that behaves like a WooCommerce store's v3 API.

It is the app's default when no store is configured and the server the integration tests talk
to. Start one in-process with ``DemoStore.start(StoreConfig(...))``, or from a shell with
``python -m app.demo_store``. What it reproduces, quirks included, is
shared/reference/wc-api-v3-behavior.md (Legacy REST API plugin profile).
"""

from app.demo_store.auth import ApiKey
from app.demo_store.faults import Fault
from app.demo_store.server import DemoStore, StoreConfig

__all__ = ["ApiKey", "DemoStore", "Fault", "StoreConfig"]
