"""Sync figures on both APIs: full and quick syncs at 10,000 and 100,000 customers.

One demo store per size, in a process of its own, serving both APIs over one database
(``--api both``), so the legacy client (``/wc-api/v3``) and the wc/v3 client
(``/wp-json/wc/v3``) sync exactly the same customers, each into a cache of its own. For each API:

* a full sync into an empty cache;
* a quick sync with nothing changed since;
* a quick sync after ``CHANGES`` customers were edited through the same API, and (wc/v3) one
  order of another customer changed.

Each row reports the seconds, the requests sent and the bytes of the answers' bodies. The legacy
quick sync asks for customers by ``last_update`` and counts them; the wc/v3 one has no such
filter (reference 14.1) and scans every customer's ``id,date_modified_gmt`` (a proven walk, one
request per 99 customers), then fetches the changed ones by id. No latency and no host cost
model: the store's own CPU is what a request costs here, and the byte counts are what carry
over to a real store (reference 20: a real store spends about as long on a ``_fields`` page as
on a full one).
"""

from __future__ import annotations

import random
import sqlite3
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from app.api.client import CustomerQuery, WooClient
from app.api.connection import StoreConnection
from app.api.rest_client import RestClient
from app.api.rest_transport import REST_API, REST_INDEX
from app.api.transport import Transport
from app.cache.repository import CustomerCache
from app.cache.sync import SyncEngine, SyncMode, SyncReport
from tests.benchmarks.report import Row
from tests.benchmarks.store_process import store_process

#: ``python -m tests.benchmarks bench_sync_apis 10000`` runs one size only.
SIZES = (10_000, 100_000)
SEED = 7
CHANGES = 20


class CountingTransport(Transport):
    """A Transport that counts the requests it sent and the bytes of the bodies it got."""

    def __init__(self, connection: StoreConnection, **options: Any) -> None:
        super().__init__(connection, **options)
        self.requests = 0
        self.bytes = 0
        self._count_lock = threading.Lock()

    def _session(self) -> requests.Session:
        session = super()._session()
        if self._count not in session.hooks["response"]:
            session.hooks["response"].append(self._count)
        return session

    def _count(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        with self._count_lock:
            self.requests += 1
            self.bytes += len(response.content)

    def reset(self) -> None:
        with self._count_lock:
            self.requests = self.bytes = 0


@dataclass(frozen=True)
class Measured:
    """One sync: how long, how many requests, how many bytes, and its report."""

    seconds: float
    requests: int
    bytes: int
    report: SyncReport

    def text(self) -> str:
        return f"{self.seconds:.2f} s, {self.requests:,} requests, {self.bytes / 1_000_000:.2f} MB"


def _measure(transports: Sequence[CountingTransport], action: Callable[[], SyncReport]) -> Measured:
    """Time ``action`` and count what every one of the client's transports sent."""
    for transport in transports:
        transport.reset()
    started = time.perf_counter()
    report = action()
    seconds = time.perf_counter() - started
    if not report.complete:
        raise RuntimeError(f"the sync did not prove the cache complete: {report}")
    requests_sent = sum(t.requests for t in transports)
    return Measured(seconds, requests_sent, sum(t.bytes for t in transports), report)


def _change_an_order(db: Path) -> int:
    """Move a customer's newest order forward, as a status change at the till does; whose."""
    conn = sqlite3.connect(db, timeout=30)
    try:
        with conn:
            order_id, customer_id = conn.execute(
                "SELECT MAX(id), customer_id FROM orders WHERE customer_id > 1"
            ).fetchone()
            conn.execute(
                "UPDATE orders SET status = 'completed', updated_at ="
                " (SELECT MAX(updated_at) + 1 FROM orders) WHERE id = ?",
                (order_id,),
            )
        return int(customer_id)
    finally:
        conn.close()


def _syncs(
    name: str,
    client: WooClient,
    transport: Sequence[CountingTransport],
    folder: Path,
    db: Path,
) -> dict[str, Measured]:
    cache = CustomerCache.open(folder, client.connection.url)
    try:
        engine = SyncEngine(client, cache)
        full = _measure(transport, lambda: engine.sync(SyncMode.FULL))
        quiet = _measure(transport, lambda: engine.sync(SyncMode.QUICK))
        ids = sorted(cache.all_ids() - {1})
        chooser = random.Random(len(ids) + len(name))
        for number, customer_id in enumerate(chooser.sample(ids, CHANGES)):
            client.update_customer(customer_id, {"first_name": f"{name}{number}"})
        if isinstance(client, RestClient):
            _change_an_order(db)
        changed = _measure(transport, lambda: engine.sync(SyncMode.QUICK))
        if changed.report.changed < CHANGES:
            raise RuntimeError(f"{name}: the quick sync changed {changed.report.changed}")
        if full.report.mode is not SyncMode.FULL or changed.report.mode is not SyncMode.QUICK:
            raise RuntimeError(f"{name}: unexpected sync modes")
        return {"full": full, "quiet": quiet, "changed": changed}
    finally:
        cache.close()


def _size_rows(size: int, workdir: Path) -> list[Row]:
    db = workdir / f"store-{size}.db"
    started = time.perf_counter()
    with store_process(db, "--customers", str(size), "--seed", str(SEED), "--api", "both") as s:
        seeded = time.perf_counter() - started
        connection = s.connection()
        legacy_transport = CountingTransport(connection)
        modern_transport = CountingTransport(connection, flavor=REST_API)
        # The order figures come from wc/v1 (or wc/v2, Analytics) through the index transport.
        figures_transport = CountingTransport(connection, flavor=REST_INDEX)
        legacy = WooClient(connection, legacy_transport)
        modern = RestClient(connection, modern_transport, index_transport=figures_transport)
        try:
            total = legacy.count_customers(CustomerQuery(role="all"))
            figures = {
                "legacy": _syncs("Legacy", legacy, [legacy_transport], workdir / f"l{size}", db),
                "wc/v3": _syncs(
                    "Modern",
                    modern,
                    [modern_transport, figures_transport],
                    workdir / f"m{size}",
                    db,
                ),
            }
        finally:
            legacy.close()
            modern.close()
    what = {
        "full": "full sync",
        "quiet": "quick sync, nothing changed",
        "changed": f"quick sync, {CHANGES} customers edited"
        + " (wc/v3: and one customer's order changed)",
    }
    rows = [
        Row(
            f"sync store: start and seed {total:,} customers (both APIs)",
            f"{seeded:.1f} s",
            "reported",
        )
    ]
    for kind, words in what.items():
        old, new = figures["legacy"][kind], figures["wc/v3"][kind]
        for api, measured in (("legacy", old), ("wc/v3", new)):
            fetched = measured.report.fetched
            rows.append(
                Row(
                    f"sync {api} at {total:,}: {words}"
                    f" ({fetched:,} customer{'' if fetched == 1 else 's'} fetched)",
                    measured.text(),
                    "reported",
                    f"{new.seconds / old.seconds:.2f}x the legacy time" if api == "wc/v3" else "",
                )
            )
    return rows


def run() -> list[Row]:
    """Full and quick syncs on both APIs at each size."""
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="woo-bench-apis-") as temp:
        chosen = [int(a) for a in sys.argv[1:] if a.isdigit()] or SIZES
        for size in chosen:
            rows += _size_rows(size, Path(temp))
    return rows
