"""Demo store figures: seeding 100,000 customers, and a 100-item list page at that size."""

from __future__ import annotations

import random
import time

from app.demo_store import DemoStore, StoreConfig
from tests.benchmarks.report import Row, median_ms
from tests.support.store_http import StoreHttp

CUSTOMERS = 100_000
PAGE_REQUESTS = 60


def run() -> list[Row]:
    """Seed a large store, then time signed list requests over loopback HTTP."""
    started = time.perf_counter()
    store = DemoStore.start(StoreConfig(customers=CUSTOMERS, seed=7))
    seconds = time.perf_counter() - started
    try:
        client = StoreHttp(store)
        pages = CUSTOMERS // 100
        chooser = random.Random(3)

        def fetch_page() -> None:
            page = chooser.randint(1, pages)
            answer = client.get("/customers", [("filter[limit]", "100"), ("page", str(page))])
            if answer.status_code != 200 or len(answer.json()["customers"]) != 100:
                raise RuntimeError(f"unexpected answer: {answer.status_code} {answer.text[:200]}")

        fetch_page()  # warm the connection pool and SQLite's page cache
        page_ms = median_ms(fetch_page, PAGE_REQUESTS)
    finally:
        store.stop()
    return [
        Row(
            f"demo store: seed {CUSTOMERS:,} customers (with orders)", f"{seconds:.1f} s", "< 30 s"
        ),
        Row(
            f"demo store: 100-item list page at {CUSTOMERS:,} customers, median of "
            f"{PAGE_REQUESTS}, signed HTTP",
            f"{page_ms:.1f} ms",
            "< 50 ms",
        ),
    ]
