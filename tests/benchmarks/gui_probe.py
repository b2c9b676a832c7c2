"""A child process for bench_gui: open the desktop app and measure one thing, print JSON.

Run as ``python -m tests.benchmarks.gui_probe MODE DATA_DIR`` with QT_QPA_PLATFORM=offscreen.
MODE ``launch`` reports the milliseconds from process start to a painted list; ``interactive``
also times search keystrokes, scrolling stalls and memory on a big cache.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time

STARTED = time.perf_counter()

from PySide6.QtCore import QElapsedTimer, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from app.cache.sync import SyncMode  # noqa: E402
from app.main import build  # noqa: E402
from app.services.events import StoreEvent, SyncFinished  # noqa: E402
from app.ui.main_window import MainWindow  # noqa: E402

#: How long the probe scrolls while a full sync runs underneath.
SYNC_SCROLL_SECONDS = 6.0


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _wait(condition: object, seconds: float) -> None:
    deadline = time.perf_counter() + seconds
    while not condition() and time.perf_counter() < deadline:  # type: ignore[operator]
        QApplication.processEvents()


def _scroll_during_full_sync(window: MainWindow) -> dict[str, float]:
    """Scroll steps (a jump and its repaint) timed while a full sync runs in the worker.

    The embedded demo store serves the sync from the same process, so its request threads
    compete for the interpreter lock too: a harder case than a store on another machine.
    """
    bar = window.table.verticalScrollBar()
    finished: list[bool] = []

    def heard(event: StoreEvent) -> None:
        if isinstance(event, SyncFinished):
            finished.append(True)

    window.session.service.happened.connect(heard)
    window.session.service.sync(SyncMode.FULL)
    steps: list[float] = []
    deadline = time.perf_counter() + SYNC_SCROLL_SECONDS
    position = 0
    while time.perf_counter() < deadline and not finished:
        position = (position + bar.maximum() // 7 + 1) % max(bar.maximum(), 1)
        started = time.perf_counter()
        bar.setValue(position)
        QApplication.processEvents()
        steps.append((time.perf_counter() - started) * 1000)
    ordered = sorted(steps)
    return {
        "sync_scroll_median_ms": statistics.median(ordered),
        "sync_scroll_p90_ms": ordered[int(len(ordered) * 0.9)],
        "sync_scroll_steps": len(ordered),
    }


def main() -> int:
    """Measure and print one JSON object."""
    mode, data_dir = sys.argv[1], sys.argv[2]
    window = build(["--demo", "--data-dir", data_dir])
    window.resize(1280, 800)
    window.show()
    window.start()
    _wait(lambda: window.session.model.rowCount() > 0, 60)
    window.table.viewport().repaint()  # painted, not just loaded
    launch_ms = (time.perf_counter() - STARTED) * 1000
    result: dict[str, float] = {"launch_ms": launch_ms, "rows": window.session.model.rowCount()}
    if mode == "interactive":
        gaps: list[float] = []
        clock = QElapsedTimer()
        clock.start()
        heartbeat = QTimer()
        heartbeat.setInterval(5)

        def beat() -> None:
            gaps.append(clock.restart())

        heartbeat.timeout.connect(beat)
        keystrokes = []
        for text in ("m", "ma", "mar", "mari", "maria", "", "b", "be", "ber", "berl", "berli"):
            started = time.perf_counter()
            window.search_field.setText(text)
            window.customer_list.apply_view()  # what the debounce calls: the keystroke's own cost
            window.table.viewport().repaint()
            keystrokes.append((time.perf_counter() - started) * 1000)
        window.search_field.setText("")
        window.customer_list.apply_view()
        heartbeat.start()
        bar = window.table.verticalScrollBar()
        for step in range(0, bar.maximum(), max(bar.maximum() // 400, 1)):
            bar.setValue(step)
            QApplication.processEvents()
        heartbeat.stop()
        result["keystroke_median_ms"] = statistics.median(keystrokes)
        result["scroll_max_stall_ms"] = max(gaps[1:] or [0.0])
        result["rss_mb"] = _rss_mb()
        result.update(_scroll_during_full_sync(window))  # last: it leaves a sync to resume
    window.close()
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.exit(main())
