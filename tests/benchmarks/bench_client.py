"""Client figures: every customer of a 10,000-customer store, ours against two peers.

Issue 3, section 8. Three ways of fetching every customer, side by side in one run, against one
demo store running as a separate process (so it does not share a GIL with the clients):

(a) the official WooCommerce Python client as its users configure it for the legacy API
    (``API(url, key, secret, wp_api=False, version="v3")``), one page after another with
    ``filter[limit]=100`` until ``X-WC-TotalPages``, in the store's default order (it loses
    customers to the seed's ties, section 19.1; timed all the same);
(b) plain ``requests``, OAuth-signed with ``app.api.oauth``, in id order, the same page size and
    the same number of pages in flight as (c) (a thread pool, one session per thread): the
    server-bound floor;
(c) ours with a fixed plan of 100 per window: ``WooClient(...).list_customers(page_size=100)``,
    seams checked and the count compared (the overhead of a complete walk; the learnt window
    sizes are measured by bench_paging).

A real store takes 100-300 ms per page (PHP and the network), while a zero-latency demo store
mostly measures its own CPU, so both are measured: the store is restarted with
``--latency-ms 0`` and ``--latency-ms 150`` (same database, seeded once). Each variant runs three
times per setting, in rotating order; (b) and (c) must return all 10,000 distinct customers. The
rows are medians, with the ratios (a)/(c) (goal at least 3x) and (c)/(b) (goal at most 1.15x).
"""

from __future__ import annotations

import secrets
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from pathlib import Path
from urllib.parse import quote

import requests

from app.api import oauth
from app.api.client import WooClient
from tests.benchmarks.report import Row
from tests.benchmarks.store_process import (
    REQUEST_TIMEOUT,
    StoreProcess,
    checked,
    official_loop,
    store_process,
)

CUSTOMERS = 10_000
SEED = 5
PAGE_SIZE = 100
LATENCIES_MS = (0, 150)
REPEATS = 3
#: The one total order (section 19.1): the floor walks in it, as ours does.
ID_ORDER = [("filter[orderby]", "ID"), ("filter[order]", "ASC")]


Fetch = Callable[[StoreProcess], list[int]]


def start_store(latency_ms: int, db: Path) -> AbstractContextManager[StoreProcess]:
    """The store with this latency over ``db``."""
    return store_process(
        db, "--customers", str(CUSTOMERS), "--seed", str(SEED), "--latency-ms", str(latency_ms)
    )


def fetch_official(store: StoreProcess) -> list[int]:
    """(a) The official client, sequentially, 100 per page in the store's default order."""
    return official_loop(store, PAGE_SIZE)


def signed_url(store: StoreProcess, route: str, pairs: list[tuple[str, str]]) -> str:
    """A GET URL signed with OAuth 1.0a (HMAC-SHA256) the way WooCommerce verifies it."""
    sent = [
        *pairs,
        ("oauth_consumer_key", store.consumer_key),
        ("oauth_timestamp", str(int(time.time()))),
        ("oauth_nonce", secrets.token_hex(16)),
        ("oauth_signature_method", "HMAC-SHA256"),
    ]
    base_uri = oauth.signature_base_uri(store.api_url, route)
    text = oauth.string_to_sign("GET", base_uri, oauth.php_query_params(sent))
    sent.append(("oauth_signature", oauth.signature(text, store.consumer_secret, "HMAC-SHA256")))
    query = "&".join(f"{quote(k, safe='[]')}={quote(v, safe='')}" for k, v in sent)
    return f"{store.api_url}{route}?{query}"


def our_concurrency(store: StoreProcess) -> int:
    """How many windows our client keeps in flight with a fixed plan."""
    return store.connection().concurrency


def fetch_plain(store: StoreProcess) -> list[int]:
    """(b) Plain requests: page 1 alone, then the rest with our concurrency, a session each."""
    local = threading.local()
    sessions: list[requests.Session] = []
    lock = threading.Lock()

    def session() -> requests.Session:
        current: requests.Session | None = getattr(local, "session", None)
        if current is None:
            current = requests.Session()
            local.session = current
            with lock:
                sessions.append(current)
        return current

    def fetch(page: int) -> tuple[list[int], int]:
        pairs = [*ID_ORDER, ("filter[limit]", str(PAGE_SIZE)), ("page", str(page))]
        response = session().get(signed_url(store, "/customers", pairs), timeout=REQUEST_TIMEOUT)
        if response.status_code != 200:
            raise RuntimeError(f"plain requests, page {page}: {response.status_code}")
        ids = [customer["id"] for customer in response.json()["customers"]]
        return ids, int(response.headers["X-WC-TotalPages"])

    try:
        ids, pages = fetch(1)
        with ThreadPoolExecutor(max_workers=our_concurrency(store)) as pool:
            for page_ids, _ in pool.map(fetch, range(2, pages + 1)):
                ids.extend(page_ids)
    finally:
        for opened in sessions:
            opened.close()
    return checked("plain requests", ids, CUSTOMERS)


def fetch_ours(store: StoreProcess) -> list[int]:
    """(c) Our client's complete walk, with a fixed plan of 100 per window."""
    client = WooClient(store.connection())
    try:
        customers = client.list_customers(page_size=PAGE_SIZE)
    finally:
        client.close()
    return checked("ours", [customer.id for customer in customers], CUSTOMERS)


VARIANTS: dict[str, Fetch] = {
    "official": fetch_official,
    "plain": fetch_plain,
    "ours": fetch_ours,
}


def measure(store: StoreProcess) -> dict[str, float]:
    """Median seconds of each variant over ``REPEATS`` rounds, in rotating order."""
    fetch_plain(store)  # warm the store's caches before anything is timed
    timings: dict[str, list[float]] = {name: [] for name in VARIANTS}
    names = list(VARIANTS)
    for round_number in range(REPEATS):
        for name in names[round_number:] + names[:round_number]:
            started = time.perf_counter()
            VARIANTS[name](store)
            seconds = time.perf_counter() - started
            timings[name].append(seconds)
            print(f"  {name}: {seconds:.2f} s", file=sys.stderr, flush=True)
    return {name: statistics.median(values) for name, values in timings.items()}


def rows_for(latency_ms: int, concurrency: int, medians: dict[str, float]) -> list[Row]:
    """The rows of one latency setting."""
    official, plain, ours = medians["official"], medians["plain"], medians["ours"]
    setting = f"all {CUSTOMERS:,} customers, store latency {latency_ms} ms"
    return [
        Row(
            f"{setting}: (a) official client, sequential, median of {REPEATS}",
            f"{official:.2f} s",
            "",
        ),
        Row(
            f"{setting}: (b) plain requests, {concurrency} pages in flight, median of {REPEATS}",
            f"{plain:.2f} s",
            "",
        ),
        Row(
            f"{setting}: (c) ours, WooClient.list_customers, fixed 100 per window, "
            f"median of {REPEATS}",
            f"{ours:.2f} s",
            "",
        ),
        Row(
            f"{setting}: (a)/(c), ours against the official client",
            f"{official:.2f} s / {ours:.2f} s",
            ">= 3x",
            f"{official / ours:.2f}x",
        ),
        Row(
            f"{setting}: (c)/(b), ours against plain requests",
            f"{ours:.2f} s / {plain:.2f} s",
            "<= 1.15x",
            f"{ours / plain:.2f}x",
        ),
    ]


def run() -> list[Row]:
    """Measure every variant at each latency, the store restarted per setting."""
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="bench-client-") as folder:
        db = Path(folder) / "store.sqlite3"
        for latency_ms in LATENCIES_MS:
            print(f"store latency {latency_ms} ms:", file=sys.stderr, flush=True)
            with start_store(latency_ms, db) as store:
                medians = measure(store)
                rows += rows_for(latency_ms, our_concurrency(store), medians)
    return rows
