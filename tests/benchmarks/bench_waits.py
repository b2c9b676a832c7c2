"""How long the app takes to give up or stop: the wall-clock side of tests that check it does.

The tests (tests/api/test_transport.py, tests/test_single_instance.py,
tests/services/test_store_service.py, tests/ui/test_main_window.py) check that the client gives
up, that a cancel cuts a backoff short, that a hand-over does not wait for an instance that is
not there and that the API thread stops; how long each takes on this machine is measured here,
where a busy machine makes a slow figure rather than a failed test.
"""

from __future__ import annotations

import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QEventLoop
from PySide6.QtNetwork import QLocalServer

from app.api.choice import open_client
from app.api.client import WooClient
from app.api.connection import StoreConnection
from app.api.transport import CancelToken, Transport
from app.demo_store import DemoStore, Fault, StoreConfig
from app.desktop.single_instance import SingleInstance
from app.errors import CancelledError, NetworkError
from app.services.events import CustomersChanged, StoreEvent
from app.services.store_service import StoreService
from tests.benchmarks.report import Row

REPEATS = 5
APP_ID = "woo-customers-bench"


def _client(store: DemoStore, **options: Any) -> WooClient:
    key = store.keys["read_write"]
    connection = StoreConnection(store.base_url, key.consumer_key, key.consumer_secret, **options)
    return WooClient(connection, Transport(connection))


def _median_s(action: Callable[[], float]) -> float:
    return statistics.median(action() for _ in range(REPEATS))


def _read_timeout(store: DemoStore) -> float:
    """Seconds until a 0.2 s read timeout (no retry) gives up on a 3 s answer."""
    client = _client(store, read_timeout=0.2, max_retries=0)
    try:
        store.faults.slow_seconds = 3.0
        store.faults.schedule(Fault.SLOW, method="GET")
        started = time.perf_counter()
        try:
            client.count_customers()
        except NetworkError:
            return time.perf_counter() - started
        raise RuntimeError("the slow answer was waited for")
    finally:
        client.close()


def _cancelled_backoff(store: DemoStore) -> float:
    """Seconds until a cancel, right after the first failure, ends a 30 s backoff."""
    client = _client(store, backoff=30.0, max_backoff=30.0)
    store.faults.schedule(Fault.SERVER_ERROR, method="GET", count=9)
    before = store.faults.injected[Fault.SERVER_ERROR]
    token = CancelToken()
    stop = threading.Event()

    def cancel_after_first_failure() -> None:
        while store.faults.injected[Fault.SERVER_ERROR] == before and not stop.is_set():
            stop.wait(0.005)
        token.cancel()

    watcher = threading.Thread(target=cancel_after_first_failure)
    watcher.start()
    started = time.perf_counter()
    try:
        client.count_customers(cancel=token)
    except CancelledError:
        return time.perf_counter() - started
    finally:
        stop.set()
        watcher.join()
        store.faults.clear()
        client.close()
    raise RuntimeError("the request was not cancelled")


def _hand_over(data_dir: Path, mute: bool) -> float:
    """Seconds a hand-over takes with no instance running, or one that never answers (200 ms)."""
    instance = SingleInstance(APP_ID, data_dir, timeout_ms=200 if mute else 2000)
    server = QLocalServer()
    try:
        if mute:
            assert server.listen(instance.name)
        started = time.perf_counter()
        if instance.hand_over(["/srv/a.csv"]):
            raise RuntimeError("a hand-over went through")
        return time.perf_counter() - started
    finally:
        server.close()
        instance.close()


def _shutdown_during_sync(store: DemoStore, cache_dir: Path) -> float:
    """Seconds StoreService.shutdown takes with a full sync of a slow store in flight."""
    connection = StoreConnection(store.base_url, store.consumer_key, store.consumer_secret)
    service = StoreService(lambda: open_client(connection), cache_dir, store.base_url)
    arrived: list[CustomersChanged] = []

    def heard(event: StoreEvent) -> None:
        if isinstance(event, CustomersChanged):
            arrived.append(event)

    service.happened.connect(heard)
    service.start()
    service.sync()
    deadline = time.monotonic() + 60
    while not arrived:  # the first page is in: the sync is under way
        if time.monotonic() > deadline:
            raise RuntimeError("the sync never started")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    started = time.perf_counter()
    service.shutdown(timeout_ms=30_000)
    return time.perf_counter() - started


def run() -> list[Row]:
    """Time each give-up and stop a few times; the median of each."""
    QCoreApplication.instance() or QCoreApplication([])
    store = DemoStore.start(StoreConfig(customers=3))
    try:
        read_timeout = _median_s(lambda: _read_timeout(store))
        cancelled = _median_s(lambda: _cancelled_backoff(store))
    finally:
        store.stop()
    with tempfile.TemporaryDirectory() as folder:
        nobody = _median_s(lambda: _hand_over(Path(folder) / "a", mute=False))
        mute = _median_s(lambda: _hand_over(Path(folder) / "b", mute=True))
    shutdowns = []
    for attempt in range(3):
        slow = DemoStore.start(StoreConfig(customers=2000, latency_ms=50))
        try:
            with tempfile.TemporaryDirectory() as folder:
                shutdowns.append(_shutdown_during_sync(slow, Path(folder) / str(attempt)))
        finally:
            slow.stop()
    return [
        Row(
            "client: a 0.2 s read timeout gives up on a 3 s answer (no retry), median of "
            f"{REPEATS}",
            f"{read_timeout:.2f} s",
            "< 2 s",
        ),
        Row(
            f"client: a cancel ends a 30 s backoff after a 500, median of {REPEATS}",
            f"{cancelled * 1000:.0f} ms",
            "< 2 s",
        ),
        Row(
            f"single instance: hand-over with no instance running, median of {REPEATS}",
            f"{nobody * 1000:.1f} ms",
            "< 1 s",
        ),
        Row(
            f"single instance: hand-over to one that never answers (200 ms), median of {REPEATS}",
            f"{mute * 1000:.0f} ms",
            "0.15 to 2 s",
        ),
        Row(
            "API thread: shutdown (and window close) with a full sync of 2,000 customers in "
            "flight, 50 ms latency, median of 3",
            f"{statistics.median(shutdowns) * 1000:.0f} ms",
            "< 5 s",
        ),
    ]
