"""Cache figures: search, sort and window reads at 100,000 customers, file size, sync speeds.

The read figures use a cache built directly from generated customers (names, cities and phones
from the demo store's locale data), stored in pages of 1,000 as a sync would. The sync figures
run against a 10,000-customer demo store in its own process, like a real remote store, and
compare a full sync with the raw parallel fetch floor: pages of 100 in id order, four at a time,
OAuth-signed, fetched with plain ``requests`` and only decoded, nothing stored, nothing checked.
The sync sizes its windows as it learns the store (a first sync starts at 100), checks every seam
and the store's count at the end.
"""

from __future__ import annotations

import functools
import json
import random
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import requests

from app.api import oauth
from app.api.client import CustomerQuery, WooClient
from app.api.connection import StoreConnection
from app.cache.repository import SORT_COLUMNS, CustomerCache, CustomerFilter
from app.cache.sync import SyncEngine, SyncMode
from app.demo_store.locales import LOCALES
from app.domain.customer import Address, BillingAddress, Customer
from tests.benchmarks.report import Row, median_ms

CACHED = 100_000
UPSERT_PAGE = 1_000
SYNC_STORE = 10_000
PAGE_SIZE = 100
CONCURRENCY = 4
SYNC_RUNS = 3
QUICK_CHANGES = 50
#: The share of generated customers without a phone.
NO_PHONE_SHARE = 0.15

#: What people type into a search box, one keystroke at a time (names, emails, cities, phones).
TYPED = ["maria", "garcia", "schmidt", "london", "gmail", "jo", "paulo", "5550", "lyon", "müller"]


# -- a large cache --------------------------------------------------------------------------


def _fill(pattern: str, rng: random.Random, letters: str) -> str:
    out = []
    for char in pattern:
        if char == "#":
            out.append(str(rng.randint(0, 9)))
        elif char == "%":
            out.append(str(rng.randint(1, 9)))
        elif char == "@":
            out.append(rng.choice(letters))
        elif char == "$":
            out.append(rng.choice(letters + "0123456789"))
        else:
            out.append(char)
    return "".join(out)


def generate_customers(count: int, seed: int = 11) -> Iterator[Customer]:
    """Varied, realistic customers (international names, addresses, phones, order figures).

    A share of them (NO_PHONE_SHARE) have no phone, as where a checkout asks for none; that choice
    draws from a random stream of its own, so every other field is what it always was.
    """
    rng = random.Random(seed)
    gaps = random.Random(seed + 1)
    weights = [locale.weight for locale in LOCALES]
    domains = ["gmail.com", "yahoo.com", "outlook.com", "example.net", "mail.example.org"]
    start = datetime(2019, 1, 1, tzinfo=UTC)
    for customer_id in range(2, count + 2):
        locale = rng.choices(LOCALES, weights)[0]
        first, last = rng.choice(locale.first_names), rng.choice(locale.last_names)
        city = rng.choice(locale.cities)
        login = f"{first}.{last}{rng.randint(1, 999)}".lower().replace(" ", "")
        email = f"{login}@{rng.choice(domains)}"
        registered = start + timedelta(seconds=rng.randint(0, 7 * 365 * 86400))
        orders = rng.choice([0, 0, 1, 1, 2, 3, 5, 8])
        last_order = registered + timedelta(days=rng.randint(1, 300)) if orders else None
        company = (
            rng.choice(locale.companies).format(last=rng.choice(locale.last_names))
            if rng.random() < 0.2
            else ""
        )
        street = locale.street_format.format(
            number=_fill(rng.choice(locale.house_numbers), rng, locale.letters),
            street=rng.choice(locale.streets),
        )
        postcode = _fill(city.postcode, rng, locale.letters)
        phone = _fill(rng.choice([city.phone, *locale.mobiles]), rng, locale.letters)
        billing = BillingAddress(
            first_name=first,
            last_name=last,
            company=company,
            address_1=street,
            city=city.name,
            state=city.state,
            postcode=postcode,
            country=locale.country,
            email=email,
            phone=phone if gaps.random() >= NO_PHONE_SHARE else "",
        )
        yield Customer(
            id=customer_id,
            email=email,
            first_name=first,
            last_name=last,
            username=login,
            role="customer" if rng.random() < 0.97 else "subscriber",
            created_at=registered,
            last_update=registered + timedelta(days=rng.randint(0, 400)),
            last_order_id=rng.randint(1, 500_000) if orders else None,
            last_order_date=last_order,
            orders_count=orders,
            total_spent=Decimal(rng.randint(0, 200_000)) / 100 if orders else Decimal("0"),
            avatar_url=f"https://secure.gravatar.com/avatar/{secrets.token_hex(16)}?s=96&d=mm",
            billing=billing,
            shipping=Address(
                first_name=first,
                last_name=last,
                address_1=street,
                city=city.name,
                state=city.state,
                postcode=postcode,
                country=locale.country,
            ),
        )


def build_cache(folder: Path) -> tuple[CustomerCache, float]:
    """A cache of CACHED customers, stored a page at a time; and the seconds it took."""
    cache = CustomerCache.open(folder, "https://bench.example.com")
    started = time.perf_counter()
    page: list[Customer] = []
    for customer in generate_customers(CACHED):
        page.append(customer)
        if len(page) == UPSERT_PAGE:
            cache.upsert_customers(page, int(time.time()))
            page = []
    if page:
        cache.upsert_customers(page, int(time.time()))
    cache.set_meta({"store_total": CACHED, "store_total_at": int(time.time())})
    cache.analyze()  # as a full sync does when it finishes
    return cache, time.perf_counter() - started


def keystrokes() -> list[str]:
    return [word[:n] for word in TYPED for n in range(1, min(len(word), 6) + 1)]


def read_figures(cache: CustomerCache) -> list[Row]:
    """Search keystrokes, every sort, 100-row windows, at CACHED customers."""
    timings: list[tuple[float, str]] = []
    for typed in keystrokes():
        view = CustomerFilter(search=typed)
        cache.ordered_ids(view)  # once to warm the page cache, as the previous keystroke would
        timings.append((median_ms(functools.partial(cache.ordered_ids, view), 3), typed))
    typing_median = statistics.median(ms for ms, _ in timings)
    slowest_ms, slowest_key = max(timings)

    sorts: list[tuple[float, str]] = []
    for key in SORT_COLUMNS:
        for descending in (False, True):
            view = CustomerFilter(sort=key, descending=descending)
            cache.ordered_ids(view)
            ms = median_ms(functools.partial(cache.ordered_ids, view), 3)
            sorts.append((ms, f"{key} {'desc' if descending else 'asc'}"))
    worst_sort_ms, worst_sort = max(sorts)
    best_sort_ms, _ = min(sorts)

    ids = cache.ordered_ids(CustomerFilter(sort="name"))
    chooser = random.Random(5)

    def window() -> None:
        start = chooser.randrange(0, len(ids) - 100)
        rows = cache.customers_by_ids(ids[start : start + 100])
        if len(rows) != 100:
            raise RuntimeError("a window came back short")

    window()
    window_ms = median_ms(window, 200)

    def list_rows() -> None:  # what the customer table reads for a window
        start = chooser.randrange(0, len(ids) - 100)
        if len(cache.customer_rows(ids[start : start + 100])) != 100:
            raise RuntimeError("a window of list rows came back short")

    list_rows()
    list_rows_ms = median_ms(list_rows, 200)

    conn = cache.file.conn
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = cache.file.path.stat().st_size
    return [
        Row(
            f"cache: search keystroke at {CACHED:,} customers, median of {len(timings)} "
            f"(1-6 chars; slowest {slowest_key!r} {slowest_ms:.1f} ms)",
            f"{typing_median:.1f} ms",
            "< 30 ms",
        ),
        Row(
            f"cache: sort by any column at {CACHED:,} customers, worst of {len(sorts)} "
            f"({worst_sort}; best {best_sort_ms:.0f} ms)",
            f"{worst_sort_ms:.0f} ms",
            "< 150 ms",
        ),
        Row(
            f"cache: 100-row window by id at {CACHED:,} customers, median of 200",
            f"{window_ms:.2f} ms",
            "< 5 ms",
        ),
        Row(
            f"cache: the table's 100-row window (list rows, no JSON) at {CACHED:,}, median of 200",
            f"{list_rows_ms:.2f} ms",
            "< 5 ms",
        ),
        Row(
            f"cache: file size per 1,000 customers ({size / 1_048_576:.0f} MB for {CACHED:,})",
            f"{size / 1_048_576 / (CACHED / 1000):.2f} MB",
            "reported",
        ),
    ]


# -- syncing from a demo store in another process ----------------------------------------------


@dataclass(frozen=True)
class RemoteStore:
    """A demo store served by another process."""

    base_url: str
    key: str
    secret: str

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/wc-api/v3"

    def connection(self) -> StoreConnection:
        return StoreConnection(self.base_url, self.key, self.secret)


@contextmanager
def remote_store(customers: int, seed: int, latency_ms: int = 0) -> Iterator[RemoteStore]:
    process = subprocess.Popen(  # noqa: S603 - our interpreter, our module, numeric options
        [
            sys.executable,
            "-m",
            "app.demo_store",
            "--customers",
            str(customers),
            "--seed",
            str(seed),
            "--latency-ms",
            str(latency_ms),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line:
            raise RuntimeError(f"the demo store did not start: {process.communicate()[1]}")
        details = json.loads(line)
        yield RemoteStore(details["base_url"], details["consumer_key"], details["consumer_secret"])
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def _signed_url(store: RemoteStore, route: str, pairs: Sequence[tuple[str, str]]) -> str:
    """A GET URL carrying an OAuth 1.0a HMAC-SHA256 signature, as WooCommerce checks it."""
    signed = [
        *pairs,
        ("oauth_consumer_key", store.key),
        ("oauth_timestamp", str(int(time.time()))),
        ("oauth_nonce", secrets.token_hex(16)),
        ("oauth_signature_method", "HMAC-SHA256"),
    ]
    text = oauth.string_to_sign(
        "GET",
        oauth.signature_base_uri(store.api_url, route),
        oauth.php_query_params(signed),
    )
    signed.append(("oauth_signature", oauth.signature(text, store.secret, "HMAC-SHA256")))
    return f"{store.api_url}{route}?{urlencode(signed, quote_via=quote, safe='[]')}"


def raw_fetch(store: RemoteStore) -> int:
    """Every customer page, four at a time, decoded and dropped: the floor a sync can reach."""
    local = threading.local()

    def fetch(page: int) -> tuple[int, int]:
        session: requests.Session | None = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
        pairs = [
            ("filter[limit]", str(PAGE_SIZE)),
            ("filter[order]", "ASC"),
            ("filter[orderby]", "ID"),  # the total order a sync walks in (section 19.1)
            ("filter[role]", "all"),
            ("page", str(page)),
        ]
        answer = session.get(_signed_url(store, "/customers", pairs), timeout=60)
        answer.raise_for_status()
        return len(answer.json()["customers"]), int(answer.headers["X-WC-TotalPages"])

    count, pages = fetch(1)
    with ThreadPoolExecutor(CONCURRENCY) as pool:
        count += sum(n for n, _ in pool.map(fetch, range(2, pages + 1)))
    return count


def full_sync(store: RemoteStore, folder: Path) -> int:
    """A first full sync into an empty cache; the customers it holds afterwards."""
    client = WooClient(store.connection())
    cache = CustomerCache.open(folder, store.base_url)
    try:
        report = SyncEngine(client, cache).sync(SyncMode.FULL)
        return report.held
    finally:
        cache.close()
        client.close()


def _seconds(action: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def full_sync_row(workdir: Path, latency_ms: int) -> Row:
    """A full sync against the raw parallel fetch floor, with the store answering that late."""
    with remote_store(SYNC_STORE, seed=5, latency_ms=latency_ms) as store:
        raw_fetch(store)  # warm the store's SQLite page cache for both contenders
        raw_times: list[float] = []
        sync_times: list[float] = []
        for run in range(SYNC_RUNS):
            seconds, fetched = _seconds(lambda: raw_fetch(store))
            raw_times.append(seconds)
            folder = workdir / f"sync-{latency_ms}-{run}"
            seconds, held = _seconds(functools.partial(full_sync, store, folder))
            sync_times.append(seconds)
            if held != fetched:
                raise RuntimeError(f"the sync holds {held} customers, the store sent {fetched}")
    raw, synced = statistics.median(raw_times), statistics.median(sync_times)
    return Row(
        f"sync: full sync of {SYNC_STORE:,} customers, store latency {latency_ms} ms, median "
        f"of {SYNC_RUNS} (raw parallel fetch floor {raw:.2f} s)",
        f"{synced:.2f} s",
        "within 1.2x of the floor",
        f"{synced / raw:.2f}x",
    )


def sync_figures(workdir: Path) -> list[Row]:
    """Full syncs against the raw floor (no latency, and a real store's), then a quick sync
    after QUICK_CHANGES edits."""
    rows = [full_sync_row(workdir, latency) for latency in (0, 150)]
    with remote_store(SYNC_STORE, seed=5) as store:
        client = WooClient(store.connection())
        cache = CustomerCache.open(workdir / "quick", store.base_url)
        try:
            engine = SyncEngine(client, cache)
            engine.sync(SyncMode.FULL)
            engine.sync(SyncMode.QUICK)  # settle the watermark into the edits' second
            ids = sorted(client.customer_ids(CustomerQuery()))
            for number, customer_id in enumerate(random.Random(2).sample(ids, QUICK_CHANGES)):
                client.update_customer(customer_id, {"first_name": f"Changed{number}"})
            quick_seconds, report = _seconds(lambda: engine.sync(SyncMode.QUICK))
            if report.fetched < QUICK_CHANGES:
                raise RuntimeError(f"the quick sync fetched {report.fetched} customers")
        finally:
            cache.close()
            client.close()
    return [
        *rows,
        Row(
            f"sync: quick sync with {QUICK_CHANGES} changed customers at {SYNC_STORE:,} "
            f"({report.fetched} fetched)",
            f"{quick_seconds * 1000:.0f} ms",
            "< 1 s",
        ),
    ]


def run() -> list[Row]:
    """Build the large cache, time its reads, then time syncs against a demo store process."""
    with tempfile.TemporaryDirectory(prefix="woo-bench-cache-") as temp:
        workdir = Path(temp)
        cache, build_seconds = build_cache(workdir / "large")
        try:
            rows = [
                Row(
                    f"cache: store {CACHED:,} generated customers in pages of {UPSERT_PAGE:,}",
                    f"{build_seconds:.1f} s",
                    "reported",
                ),
                *read_figures(cache),
            ]
        finally:
            cache.close()
        rows += sync_figures(workdir)
    return rows
