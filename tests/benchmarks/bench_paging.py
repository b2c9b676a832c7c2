"""Paging figures: fewer, larger pages on a store where every request pays WordPress' start-up.

The issue's item "Fewer, larger pages". One demo store of 5,000 customers, run as a separate
process with the host cost model (app/demo_store/costs.py): 200 ms of start-up per request,
0.3 ms per customer answered, 2 PHP workers (a 2-core shared host), so a page of 100 costs 230 ms
of which 200 ms is start-up. Fetched in full, side by side in one run:

(a) the official WooCommerce client's sequential loop as its users write it for the legacy API
    (``API(url, key, secret, wp_api=False, version="v3")``, ``get("customers", params=...)``
    with ``page`` and ``filter[limit]=100`` until ``X-WC-TotalPages``);
(b) the app's fixed plan: ``WooClient.list_customers(query, page_size=100, concurrency=4)``;
(c) the adaptive plan, cold: a :class:`~app.api.page_plan.PagePlanner` with no memory, walking
    offset windows in id order (``filter[orderby]=ID&filter[order]=ASC``);
(d) the adaptive plan, warm: the planner started from the memory the previous walk of this
    store left, as the app will start it once the cache keeps that memory per store.

At 0 ms and 150 ms network latency (the store is restarted with ``--latency-ms``, same
database). (a) runs once per latency (it is the slowest, and sequential requests vary little);
(b)-(d) three times each in rotating order, medians reported. Every variant must return all
5,000 distinct customers. Goals: (c) at least 1.25x faster than (b) and 2.5x faster than (a).
"""

from __future__ import annotations

import json
import select
import statistics
import subprocess
import sys
import tempfile
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from woocommerce import API

from app.api.client import CustomerQuery, WooClient
from app.api.connection import StoreConnection
from app.api.page_plan import OffsetWindow, PagePlanner, PlanMemory, failure_kind
from app.domain.customer import Customer
from app.errors import AppError, ProtocolError
from tests.benchmarks.report import Row

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


@dataclass(frozen=True)
class StoreProcess:
    """Where the store process serves, and its read/write key pair."""

    base_url: str
    consumer_key: str
    consumer_secret: str

    def connection(self) -> StoreConnection:
        """A connection to it as the app makes one."""
        return StoreConnection(self.base_url, self.consumer_key, self.consumer_secret)


@dataclass
class Walk:
    """What one adaptive walk did: its pages, its requests, the plan it ended with."""

    ids: list[int]
    requests: int
    memory: PlanMemory


@contextmanager
def store_process(latency_ms: int, db: Path) -> Iterator[StoreProcess]:
    """``python -m app.demo_store`` with the cost model over ``db``; always stopped afterwards."""
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-m",
            "app.demo_store",
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
            "--db",
            str(db),
        ],
        cwd=PROJECT_ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], STARTUP_TIMEOUT)
        line = process.stdout.readline() if ready else ""
        if not line:
            raise RuntimeError(f"the demo store did not start (exit code {process.poll()})")
        info = json.loads(line)
        yield StoreProcess(info["base_url"], info["consumer_key"], info["consumer_secret"])
    finally:
        process.terminate()
        try:
            process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


def checked(variant: str, ids: list[int]) -> list[int]:
    """``ids`` when they are all the store's customers, each once; raises otherwise."""
    if len(ids) != CUSTOMERS or len(set(ids)) != CUSTOMERS:
        raise RuntimeError(
            f"{variant}: got {len(ids)} customers ({len(set(ids))} distinct), expected {CUSTOMERS}"
        )
    return ids


# -- (a) the official client ------------------------------------------------------------------


def fetch_official(store: StoreProcess) -> list[int]:
    """(a) The official client, one page of 100 after another until X-WC-TotalPages."""
    wcapi = API(
        url=store.base_url,
        consumer_key=store.consumer_key,
        consumer_secret=store.consumer_secret,
        wp_api=False,
        version="v3",
        timeout=REQUEST_TIMEOUT,
    )
    ids: list[int] = []
    page, pages = 1, 1
    while page <= pages:
        response = wcapi.get("customers", params={"filter[limit]": str(PAGE_SIZE), "page": page})
        if response.status_code != 200:
            raise RuntimeError(f"official client, page {page}: {response.status_code}")
        ids.extend(customer["id"] for customer in response.json()["customers"])
        pages = int(response.headers["X-WC-TotalPages"])
        page += 1
    return checked("official client", ids)


# -- (b) the app's fixed plan -----------------------------------------------------------------


def fetch_fixed(store: StoreProcess) -> list[int]:
    """(b) WooClient's walk as the app runs it today: 4 pages of 100 in flight."""
    client = WooClient(store.connection())
    try:
        customers = client.list_customers(
            ID_ORDER, page_size=PAGE_SIZE, concurrency=FIXED_CONCURRENCY
        )
    finally:
        client.close()
    return checked("4 x 100", [customer.id for customer in customers])


# -- (c), (d) the adaptive plan ---------------------------------------------------------------


def planned_walk(client: WooClient, query: CustomerQuery, planner: PagePlanner) -> Walk:
    """Every customer, in windows the planner sizes, as many in flight as it says.

    A stand-in for the lead's walk until ``WooClient.list_customers`` takes a planner; then
    :func:`fetch_adaptive` calls that instead and this function goes. It does what that walk
    has to: a small first window alone (it tells ``X-WC-Total``), then windows from the planner
    with its concurrency, each page's size and time reported back; a failed window is asked
    again in pieces of the shrunk page size, and a page the store cut short has its rest asked
    again. (It asks the transport directly: ``customer_page`` refuses pages over 100.)
    """
    order = query.params()
    requests = 0

    def fetch(window: OffsetWindow) -> tuple[list[Customer], int, float]:
        started = time.perf_counter()
        answer = client.transport.request("GET", "/customers", [*order, *window.params()])
        seconds = time.perf_counter() - started
        items = answer.body.get("customers") if isinstance(answer.body, dict) else None
        if not isinstance(items, list):
            raise ProtocolError("The store's answer holds no list of customers.")
        total = answer.header_int("X-WC-Total")
        return [Customer.from_api(item) for item in items], total or 0, seconds

    pages: dict[int, list[Customer]] = {}
    pending: deque[OffsetWindow] = deque([OffsetWindow(0, planner.first_page_size())])
    next_offset, total = pending[0].end, pending[0].end
    running: dict[Future[tuple[list[Customer], int, float]], tuple[OffsetWindow, int]] = {}
    first = True
    with ThreadPoolExecutor(max_workers=planner.limits.max_concurrency) as pool:
        while True:
            # The first window goes alone; then keep the planner's concurrency in flight.
            limit = 1 if first else planner.concurrency
            while len(running) < limit:
                if pending:
                    window = pending.popleft()
                elif next_offset < total:
                    window = OffsetWindow(next_offset, planner.next_page_size(total - next_offset))
                    next_offset = window.end
                else:
                    break
                running[pool.submit(fetch, window)] = (window, len(running) + 1)
                requests += 1
            if not running:
                break
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                window, in_flight = running.pop(future)
                try:
                    customers, page_total, seconds = future.result()
                except AppError as error:
                    kind = failure_kind(error)
                    if kind is None:
                        raise
                    planner.record_failure(kind, asked=window.limit)
                    pending.extend(window.split(planner.next_page_size()))
                    continue
                if first:
                    first, total = False, page_total
                    next_offset = window.end
                total = max(total, page_total)  # customers created meanwhile come last
                received = len(customers)
                end_of_list = window.offset + received >= total
                planner.record_success(
                    received,
                    seconds,
                    asked=window.limit,
                    end_of_list=end_of_list,
                    in_flight=in_flight,
                )
                pages[window.offset] = customers
                if received < window.limit and not end_of_list:
                    pending.append(OffsetWindow(window.offset + received, window.limit - received))
    seen: set[int] = set()
    ids = []
    for offset in sorted(pages):
        for customer in pages[offset]:
            if customer.id not in seen:
                seen.add(customer.id)
                ids.append(customer.id)
    return Walk(ids, requests, planner.memory())


def fetch_adaptive(store: StoreProcess, memory: PlanMemory | None) -> Walk:
    """(c)/(d) The adaptive plan, from ``memory`` (None: cold).

    Once the lead's walk takes a planner, this becomes (names as that API settles):
    ``client.list_customers(ID_ORDER, plan=PagePlanner(memory))`` and reads the memory back
    from the planner afterwards.
    """
    client = WooClient(store.connection())
    try:
        walk = planned_walk(client, ID_ORDER, PagePlanner(memory))
    finally:
        client.close()
    checked("adaptive", walk.ids)
    return walk


# -- measuring --------------------------------------------------------------------------------


@dataclass
class Measured:
    """Seconds of every run of each variant, and what the adaptive walks did."""

    seconds: dict[str, list[float]]
    walks: dict[str, list[Walk]]

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
            fetch_official(store)
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
        Row(f"{setting}: (a) official client, sequential 100/page", f"{official:.2f} s", ""),
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
            with store_process(latency_ms, db) as store:
                rows += rows_for(latency_ms, measure(store))
    return rows
