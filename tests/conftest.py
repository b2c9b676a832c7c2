"""Test-wide set-up: headless Qt, and demo stores that are always stopped again."""

from __future__ import annotations

import os

# Before anything can create a QApplication: the suite never needs a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from app.demo_store import DemoStore, StoreConfig
from tests.support.certificates import make_certificate

StoreFactory = Callable[..., DemoStore]


@pytest.fixture
def start_store() -> Iterator[StoreFactory]:
    """Start demo stores with any :class:`StoreConfig` options; all stop at teardown."""
    stores: list[DemoStore] = []

    def start(**options: Any) -> DemoStore:
        options.setdefault("customers", 0)
        store = DemoStore.start(StoreConfig(**options))
        stores.append(store)
        return store

    yield start
    for store in stores:
        store.stop()


@pytest.fixture(scope="session")
def tls_certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate and key for HTTPS stores on 127.0.0.1."""
    return make_certificate(tmp_path_factory.mktemp("tls"))
