"""Desktop app figures: launch to a painted list (empty and 100,000 cached customers), a
search keystroke to an updated view, the longest event-loop stall while scrolling and during
a full sync, and memory with 100,000 cached customers."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from app.paths import AppPaths
from tests.benchmarks.bench_cache import CACHED, remote_store
from tests.benchmarks.report import Row

LAUNCHES = 7


def _probe(mode: str, data_dir: Path) -> dict[str, float]:
    """Run the GUI probe in a fresh process, with the compiled bytecode an installed app has.

    Without it (PYTHONDONTWRITEBYTECODE, as on the development machines) every launch would
    compile the app's sources again, and the launch figures would grow with the code's size
    rather than with what the app does at start. The caches go beside the data folders, so the
    source tree is not written to; the benchmark's first launch fills them.
    """
    environment = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPYCACHEPREFIX": str(data_dir.parent / "bytecode"),
    }
    environment.pop("PYTHONDONTWRITEBYTECODE", None)
    finished = subprocess.run(  # noqa: S603 - our interpreter, our module
        [sys.executable, "-m", "tests.benchmarks.gui_probe", mode, str(data_dir)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=600,
        check=False,
    )
    lines = [line for line in finished.stdout.splitlines() if line.startswith("{")]
    if finished.returncode != 0 or not lines:
        raise RuntimeError(f"the GUI probe failed: {finished.stderr[-2000:]}")
    result: dict[str, float] = json.loads(lines[-1])
    return result


def _fill_demo_store_and_cache(data_dir: Path) -> None:
    """A demo store of 100,000 customers and a cache fully synced with it.

    Cache and store must agree: a cache filled with customers the store does not have would make
    the app's first sync remove them all while the benchmark scrolls and types.
    """
    from app.demo_store import DemoStore, StoreConfig

    paths = AppPaths.under(data_dir)
    paths.data_dir.mkdir(parents=True, exist_ok=True)
    DemoStore.start(StoreConfig(db_path=paths.demo_store_db, customers=CACHED)).stop()
    synced = subprocess.run(  # noqa: S603 - our interpreter, our module
        [sys.executable, "-m", "app", "--demo", "--data-dir", str(data_dir), "sync", "--full"],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if synced.returncode != 0:
        raise RuntimeError(f"the benchmark cache could not be synced: {synced.stderr[-2000:]}")


def _sync_stall_ms(workdir: Path) -> float:
    """The longest heartbeat gap in the GUI thread while a StoreService syncs 10,000."""
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from app.api.client import WooClient
    from app.cache.sync import SyncMode
    from app.desktop.collector_timer import collect_in_gui_thread
    from app.runtime.cycle_collector import settle_startup_objects
    from app.services.events import RequestFailed, StoreEvent, SyncFinished
    from app.services.store_service import StoreService

    application = QApplication.instance() or QApplication([])
    collect_in_gui_thread(application)  # as the app does: garbage is collected in this thread
    settle_startup_objects()  # as the app does once its window is built
    with remote_store(10_000, seed=5) as store:
        service = StoreService(
            lambda: WooClient(store.connection()), workdir / "sync-cache", store.base_url
        )
        gaps: list[float] = []
        clock = QElapsedTimer()
        heartbeat = QTimer()
        heartbeat.setInterval(5)
        heartbeat.timeout.connect(lambda: gaps.append(clock.restart()))
        done: list[bool] = []

        def heard(event: StoreEvent) -> None:
            match event:
                case SyncFinished():
                    done.append(True)
                case RequestFailed():
                    done.append(False)

        service.happened.connect(heard)
        service.start()
        clock.start()
        heartbeat.start()
        service.sync(SyncMode.FULL)
        deadline = time.perf_counter() + 300
        while not done and time.perf_counter() < deadline:
            application.processEvents()
            time.sleep(0.001)
        heartbeat.stop()
        service.shutdown()
        if done != [True]:
            raise RuntimeError("the sync did not finish")
    return max(gaps[1:] or [0.0])


def run() -> list[Row]:
    """Launch the app in fresh processes with an empty and a full cache, then interact."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    with tempfile.TemporaryDirectory(prefix="woo-bench-gui-") as temp:
        root = Path(temp)
        empty, full = root / "empty", root / "full"
        _probe("launch", empty)  # seeds the demo store and the bytecode caches once
        _fill_demo_store_and_cache(full)
        _probe("launch", full)  # the first launch after a sync by another process
        empty_ms = statistics.median(_probe("launch", empty)["launch_ms"] for _ in range(LAUNCHES))
        full_ms = statistics.median(_probe("launch", full)["launch_ms"] for _ in range(LAUNCHES))
        interactive = _probe("interactive", full)
        sync_stall = _sync_stall_ms(root)
    return [
        Row(
            f"app: launch to painted list, {CACHED:,} cached customers (median of {LAUNCHES})",
            f"{full_ms:.0f} ms",
            "< 1500 ms and <= 1.3x empty",
            f"{full_ms / empty_ms:.2f}x of empty ({empty_ms:.0f} ms)",
        ),
        Row(
            f"app: search keystroke to updated view at {CACHED:,}, median",
            f"{interactive['keystroke_median_ms']:.1f} ms",
            "< 50 ms",
        ),
        Row(
            "app: longest event-loop stall (5 ms heartbeat) while scrolling 100,000 rows",
            f"{interactive['scroll_max_stall_ms']:.0f} ms",
            "< 50 ms",
        ),
        Row(
            "app: longest event-loop stall (5 ms heartbeat) during a full sync of 10,000",
            f"{sync_stall:.0f} ms",
            "< 50 ms",
        ),
        Row(
            f"app: a scroll step while a full sync of {CACHED:,} runs (embedded store, same "
            f"process; median of {interactive['sync_scroll_steps']:.0f}, 90th percentile "
            f"{interactive['sync_scroll_p90_ms']:.0f} ms)",
            f"{interactive['sync_scroll_median_ms']:.0f} ms",
            "reported",
        ),
        Row(
            f"app: memory (RSS) with {CACHED:,} cached customers, after scrolling",
            f"{interactive['rss_mb']:.0f} MB",
            "< 300 MB",
        ),
    ]
