"""A child process for bench_import: plan a big file, or watch the event loop during an import.

Run as ``python -m tests.benchmarks.import_probe MODE ...``; it prints one JSON object.

``plan CACHE_DIR IDENTITY CSV``: reads, maps and plans the file against the cache the parent
built (``CustomerCache.open(CACHE_DIR, IDENTITY)``), as the app does, and reports the seconds,
the plan's totals and the process's peak resident memory (``VmHWM``), which is then the import's
own: this process did nothing else.

``stall DATA_DIR BASE_URL KEY SECRET ROWS`` (with QT_QPA_PLATFORM=offscreen): a StoreService
syncs the store into a fresh cache; then, with a 5 ms heartbeat QTimer in the GUI thread, it
plans a file of ROWS rows (a quarter unchanged store customers, a quarter of them with a new
phone number, half new customers) and runs the plan. It reports the longest gap between beats
while planning and while running, and the import's totals.
"""

from __future__ import annotations

import csv
import gc
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.api.client import WooClient
from app.api.connection import StoreConnection
from app.cache.repository import CustomerCache
from app.domain.customer import Customer
from app.domain.validation import fields_from_customer
from app.importer.jobs import FilePlan, plan_file
from app.importer.mapping import ColumnMapping
from app.importer.planning import CacheLookup, PlanOptions
from app.importer.reading import detect_format, open_csv
from app.importer.records import FileFormat
from app.importer.running import ImportFiles, RunResult
from tests.data.samples import CUSTOMER_ROWS_HEADER, customer_row

#: The CSV fields of :data:`CUSTOMER_ROWS_HEADER`, in its order, as dotted field names.
ROW_FIELDS = (
    "email",
    "first_name",
    "last_name",
    "billing_address.address_1",
    "billing_address.city",
    "billing_address.postcode",
    "billing_address.country",
    "billing_address.phone",
)
#: Longest wait for a sync, a plan or a run in the stall probe.
STEP_TIMEOUT = 300.0


def _status_mb(key: str) -> float:
    """A ``/proc/self/status`` figure (``VmRSS``, ``VmHWM``) in MiB."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(f"{key}:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def read_and_plan(path: Path, cache: CustomerCache) -> FilePlan:
    """Detect the format, read the header, detect the mapping and plan every row, as the app
    does when a file is dropped on it (the dialog's later re-plans skip the detection)."""
    file_format = detect_format(path)
    with open_csv(path, file_format) as source:
        header = source.header
    return plan_file(
        path, file_format, ColumnMapping.detect(header), CacheLookup(cache), PlanOptions()
    )


def plan_mode(cache_dir: Path, identity: str, path: Path) -> dict[str, Any]:
    """Plan ``path`` against the cache in ``cache_dir``; seconds, totals and memory."""
    cache = CustomerCache.open(cache_dir, identity)
    try:
        before_mb = _status_mb("VmRSS")
        started = time.perf_counter()
        plan = read_and_plan(path, cache)
        seconds = time.perf_counter() - started
        after_mb = _status_mb("VmRSS")
    finally:
        cache.close()
    return {
        "seconds": seconds,
        "rss_before_mb": before_mb,
        "rss_after_mb": after_mb,
        "rss_peak_mb": _status_mb("VmHWM"),
        **plan.totals.as_dict(),
    }


def write_stall_file(path: Path, stored: list[Customer], rows: int) -> None:
    """``rows`` rows: a quarter as ``stored`` customers are, a quarter of them with a new phone
    number, the rest new customers (the header of :data:`CUSTOMER_ROWS_HEADER`)."""
    existing = min(rows // 2, len(stored))
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(CUSTOMER_ROWS_HEADER)
        for number, customer in enumerate(stored[:existing]):
            fields = fields_from_customer(customer)
            cells = [fields[name] for name in ROW_FIELDS]
            if number % 2:
                cells[-1] = f"+49 40 {number:07d}"
            writer.writerow(cells)
        for number in range(1, rows - existing + 1):
            writer.writerow(customer_row(number))


class CollectionWatch:
    """The longest garbage collection of generation 2 (a full one), in any thread, in ms.

    A full collection holds the GIL throughout, so one in the API thread stalls the GUI thread
    as long as it takes; it is reported next to the stalls to tell them apart from others.
    """

    def __init__(self) -> None:
        self.longest_ms = 0.0
        self.count = 0
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.count += 1
            self.longest_ms = max(self.longest_ms, (time.perf_counter() - self._started) * 1000)


def _wait_until(condition: Callable[[], bool], what: str) -> None:
    from PySide6.QtWidgets import QApplication

    deadline = time.perf_counter() + STEP_TIMEOUT
    while not condition():
        if time.perf_counter() > deadline:
            raise RuntimeError(f"{what} did not finish within {STEP_TIMEOUT:.0f} s")
        QApplication.processEvents()
        time.sleep(0.001)


def stall_mode(data_dir: Path, connection: StoreConnection, rows: int) -> dict[str, Any]:
    """Sync, then plan and run an import of ``rows`` rows with a heartbeat in the GUI thread."""
    from PySide6.QtCore import QElapsedTimer, QTimer
    from PySide6.QtWidgets import QApplication

    from app.cache.sync import SyncMode
    from app.services.events import (
        ImportFinished,
        ImportPlanned,
        ImportProgressed,
        RequestFailed,
        StoreEvent,
        SyncFinished,
    )
    from app.services.store_service import StoreService

    application = QApplication.instance() or QApplication([])
    assert application is not None
    service = StoreService(lambda: WooClient(connection), data_dir / "cache", connection.url)
    failures: list[str] = []
    synced: list[bool] = []
    plans: list[FilePlan] = []
    results: list[RunResult] = []
    progress_reports: list[object] = []

    def heard(event: StoreEvent) -> None:
        match event:
            case RequestFailed(kind=kind, error=error):
                failures.append(f"{kind}: {error.message}")
            case SyncFinished():
                synced.append(True)
            case ImportPlanned(plan=plan):
                plans.append(plan)
            case ImportFinished(result=result):
                results.append(result)
            case ImportProgressed(progress=progress):
                progress_reports.append(progress)

    service.happened.connect(heard)
    try:
        service.start()
        service.sync(SyncMode.FULL)
        _wait_until(lambda: bool(synced or failures), "the sync")
        client = WooClient(connection)
        try:
            stored = sorted(client.list_customers(), key=lambda customer: customer.id)
        finally:
            client.close()
        path = data_dir / "stall.csv"
        write_stall_file(path, stored, rows)
        file_format: FileFormat = detect_format(path)
        with open_csv(path, file_format) as source:
            mapping = ColumnMapping.detect(source.header)

        gaps: list[float] = []
        clock = QElapsedTimer()
        heartbeat = QTimer()
        heartbeat.setInterval(5)
        heartbeat.timeout.connect(lambda: gaps.append(clock.restart()))
        watch = CollectionWatch()
        gc.callbacks.append(watch)
        clock.start()
        heartbeat.start()
        started = time.perf_counter()
        service.plan_import(path, file_format, mapping, PlanOptions())
        _wait_until(lambda: bool(plans or failures), "planning")
        planned = time.perf_counter()
        plan_gaps = len(gaps)
        if plans:
            service.run_import(plans[0], ImportFiles(data_dir / "imports", "stall"))
            _wait_until(lambda: bool(results or failures), "the import run")
        finished = time.perf_counter()
        heartbeat.stop()
        gc.callbacks.remove(watch)
    finally:
        service.shutdown()
    if failures or not plans or not results:
        raise RuntimeError(f"the import failed: {failures}")
    return {
        "plan_stall_ms": max(gaps[1:plan_gaps] or [0.0]),
        "run_stall_ms": max(gaps[plan_gaps:] or [0.0]),
        "plan_seconds": planned - started,
        "run_seconds": finished - planned,
        "beats": len(gaps),
        "full_collections": watch.count,
        "longest_full_collection_ms": watch.longest_ms,
        "progress_reports": len(progress_reports),
        "planned": plans[0].totals.as_dict(),
        "done": results[0].totals.as_dict(),
    }


def main(argv: list[str]) -> int:
    """Run one mode and print its JSON object."""
    mode, *args = argv
    if mode == "plan":
        result = plan_mode(Path(args[0]), args[1], Path(args[2]))
    elif mode == "stall":
        data_dir, base_url, key, secret, rows = args
        connection = StoreConnection(base_url, key, secret)
        result = stall_mode(Path(data_dir), connection, int(rows))
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    sys.exit(main(sys.argv[1:]))
