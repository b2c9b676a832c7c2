"""Paging figures: fewer, larger pages on a store where every request pays WordPress' start-up.

The issue's item "Fewer, larger pages". One demo store of 5,000 customers, run as a separate
process with the host cost model (app/demo_store/costs.py): 200 ms of start-up per request,
0.3 ms per customer answered, 2 PHP workers (a 2-core shared host), so a page of 100 costs 230 ms
of which 200 ms is start-up. Fetched in full, side by side in one run:

(a) the official WooCommerce client's sequential loop as its users write it for the legacy API
    (``API(url, key, secret, wp_api=False, version="v3")``, ``get("customers", params=...)``
    with ``page`` and ``filter[limit]=100`` until ``X-WC-TotalPages``), in the store's default
    order: it loses customers to the seed's ties (section 19.1), which the row reports;
(b) the app's fixed plan: ``WooClient.list_customers(query, page_size=100, concurrency=4)``;
(c) the adaptive plan, cold: the app's complete walk (``WooClient.walk_customers``, windows in
    id order with checked seams, the store's count at the end) sized by a
    :class:`~app.api.page_plan.PagePlanner` with no memory;
(d) the adaptive plan, warm: the planner started from the memory the previous walk of this
    store left, as a sync starts it from what the cache kept for the store.

At 0 ms and 150 ms network latency (the store is restarted with ``--latency-ms``, same
database). (a) runs once per latency (it is the slowest, and sequential requests vary little);
(b)-(d) three times each in rotating order, medians reported. Every variant but (a), whose
losses are reported, must return all 5,000 distinct customers. Goals: (c) at least 1.25x faster
than (b) and 2.5x faster than (a).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from app.api.client import CustomerQuery, WooClient
from app.api.page_plan import PagePlanner, PlanMemory
from tests.benchmarks.report import Row
from tests.benchmarks.store_process import StoreProcess, checked, official_loop, store_process

CUSTOMERS = 5_000
SEED = 7
#: The store's cost model: start-up dominates a page of 100 (200 ms of 230 ms).
REQUEST_COST_MS = 200
CUSTOMER_COST_MS = 0.3
PHP_WORKERS = 2
LATENCIES_MS = (0, 150)
#: The official loop's and the fixed plan's page size (the app's current, and the store's cap
#: in the app today).
PAGE_SIZE = 100
FIXED_CONCURRENCY = 4
REPEATS = 3
STARTUP_TIMEOUT = 120.0
REQUEST_TIMEOUT = 60.0
PROJECT_ROOT = Path(__file__).resolve().parents[2]
#: Walks in id order, a total order: windows neither overlap nor leave gaps (section 19.1).
ID_ORDER = CustomerQuery(orderby="ID", order="ASC")


@dataclass
class Walk:
    """What one adaptive walk did: its pages, its requests, the plan it ended with."""

    ids: list[int]
    requests: int
    memory: PlanMemory


def start_store(latency_ms: int, db: Path) -> AbstractContextManager[StoreProcess]:
    """The store with the cost model and this latency over ``db``."""
    return store_process(
        db,
        "--customers",
        str(CUSTOMERS),
        "--seed",
        str(SEED),
        "--latency-ms",
        str(latency_ms),
        "--request-cost-ms",
        str(REQUEST_COST_MS),
        "--customer-cost-ms",
        str(CUSTOMER_COST_MS),
        "--php-workers",
        str(PHP_WORKERS),
    )


# -- (a) the official client ------------------------------------------------------------------


def fetch_official(store: StoreProcess) -> list[int]:
    """(a) The official client, one page of 100 after another, in the store's default order."""
    return official_loop(store, PAGE_SIZE)


# -- (b) the app's fixed plan -----------------------------------------------------------------


def fetch_fixed(store: StoreProcess) -> list[int]:
    """(b) WooClient's walk with a fixed plan: 4 windows of 100 in flight."""
    client = WooClient(store.connection())
    try:
        customers = client.list_customers(
            ID_ORDER, page_size=PAGE_SIZE, concurrency=FIXED_CONCURRENCY
        )
    finally:
        client.close()
    return checked("4 x 100", [customer.id for customer in customers], CUSTOMERS)


# -- (c), (d) the adaptive plan ---------------------------------------------------------------


def fetch_adaptive(store: StoreProcess, memory: PlanMemory | None) -> Walk:
    """(c)/(d) The app's walk with a learning plan, from ``memory`` (None: cold), as a full
    sync runs it: windows in id order, each seam checked, the count compared at the end."""
    client = WooClient(store.connection())
    planner = PagePlanner(memory)
    try:
        walk = client.walk_customers(CustomerQuery(), plan=planner)
        ids = [customer.id for window in walk for customer in window.items]
    finally:
        client.close()
    if walk.proof is None or not walk.proof.complete:
        raise RuntimeError(f"adaptive: the walk did not prove itself complete: {walk.proof}")
    requests = walk.requests  # the closing look (and the store's count) included
    checked("adaptive", ids, CUSTOMERS)
    return Walk(ids, requests, planner.memory())


# -- measuring --------------------------------------------------------------------------------


@dataclass
class Measured:
    """Seconds of every run of each variant, and what the adaptive walks did."""

    seconds: dict[str, list[float]]
    walks: dict[str, list[Walk]]
    official_distinct: int = 0

    def median(self, variant: str) -> float:
        return statistics.median(self.seconds[variant])


def measure(store: StoreProcess) -> Measured:
    """(a) once, then (b)-(d) ``REPEATS`` times each in rotating order."""
    # Warm the store's caches, and leave a memory for the first remembered walk.
    memory = fetch_adaptive(store, None).memory
    measured = Measured(
        seconds={"official": [], "fixed": [], "cold": [], "warm": []},
        walks={"cold": [], "warm": []},
    )

    def run(name: str) -> None:
        nonlocal memory
        started = time.perf_counter()
        if name == "official":
            measured.official_distinct = len(set(fetch_official(store)))
        elif name == "fixed":
            fetch_fixed(store)
        else:
            walk = fetch_adaptive(store, None if name == "cold" else memory)
            measured.walks[name].append(walk)
            memory = walk.memory
        seconds = time.perf_counter() - started
        measured.seconds[name].append(seconds)
        print(f"  {name}: {seconds:.2f} s", file=sys.stderr, flush=True)

    run("official")
    names = ["fixed", "cold", "warm"]
    for round_number in range(REPEATS):
        for name in names[round_number:] + names[:round_number]:
            run(name)
    return measured


def plan_text(walks: list[Walk]) -> str:
    """How the median walk went: requests, and the plan it ended with."""
    walk = sorted(walks, key=lambda w: w.requests)[len(walks) // 2]
    end = walk.memory
    return f"{walk.requests} requests, ended at {end.page_size}/page x {end.concurrency}"


def rows_for(latency_ms: int, measured: Measured) -> list[Row]:
    """The rows of one latency setting."""
    official, fixed = measured.median("official"), measured.median("fixed")
    cold, warm = measured.median("cold"), measured.median("warm")
    setting = (
        f"all {CUSTOMERS:,} customers, {REQUEST_COST_MS} ms/request + {CUSTOMER_COST_MS} "
        f"ms/customer, {PHP_WORKERS} PHP workers, latency {latency_ms} ms"
    )
    return [
        Row(
            f"{setting}: (a) official client, sequential 100/page in the default order "
            f"(it returned {measured.official_distinct:,} distinct of {CUSTOMERS:,}: ties)",
            f"{official:.2f} s",
            "",
        ),
        Row(
            f"{setting}: (b) WooClient 4 in flight x 100/page, median of {REPEATS}",
            f"{fixed:.2f} s",
            "",
        ),
        Row(
            f"{setting}: (c) adaptive plan, cold ({plan_text(measured.walks['cold'])}), "
            f"median of {REPEATS}",
            f"{cold:.2f} s",
            "",
        ),
        Row(
            f"{setting}: (d) adaptive plan, remembered ({plan_text(measured.walks['warm'])}), "
            f"median of {REPEATS}",
            f"{warm:.2f} s",
            "",
        ),
        Row(
            f"{setting}: (b)/(c), adaptive against 4 x 100",
            f"{fixed:.2f} s / {cold:.2f} s",
            ">= 1.25x",
            f"{fixed / cold:.2f}x",
        ),
        Row(
            f"{setting}: (a)/(c), adaptive against the official loop",
            f"{official:.2f} s / {cold:.2f} s",
            ">= 2.5x",
            f"{official / cold:.2f}x",
        ),
        Row(
            f"{setting}: (b)/(d), remembered plan against 4 x 100",
            f"{fixed:.2f} s / {warm:.2f} s",
            ">= 1.25x",
            f"{fixed / warm:.2f}x",
        ),
        Row(
            f"{setting}: (a)/(d), remembered plan against the official loop",
            f"{official:.2f} s / {warm:.2f} s",
            ">= 2.5x",
            f"{official / warm:.2f}x",
        ),
    ]


def run() -> list[Row]:
    """Measure every variant at each latency, the store restarted per setting."""
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-paging-") as folder:
        db = Path(folder) / "store.sqlite3"
        for latency_ms in LATENCIES_MS:
            print(f"store latency {latency_ms} ms:", file=sys.stderr, flush=True)
            with start_store(latency_ms, db) as store:
                rows += rows_for(latency_ms, measure(store))
    return rows
