"""The demo store stays correct under concurrent requests (threaded server, pooled SQLite)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.conftest import StoreFactory
from tests.support.store_http import StoreHttp


def test_parallel_creates_and_reads_all_succeed(start_store: StoreFactory) -> None:
    store = start_store(customers=20)
    client = StoreHttp(store)

    def create(number: int) -> int:
        answer = client.post("/customers", {"customer": {"email": f"parallel{number}@example.com"}})
        assert answer.status_code == 201, answer.text
        listing = client.get("/customers", [("filter[limit]", "5")])
        assert listing.status_code == 200, listing.text
        return int(answer.json()["customer"]["id"])

    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(create, range(40)))
    assert len(set(ids)) == 40
    count = client.get("/customers/count").json()["count"]
    assert count == 60


def test_same_email_created_in_parallel_exists_once(start_store: StoreFactory) -> None:
    store = start_store()
    client = StoreHttp(store)

    def create(_: int) -> int:
        answer = client.post("/customers", {"customer": {"email": "race@example.com"}})
        return answer.status_code

    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = sorted(pool.map(create, range(6)))
    assert statuses == [201, 400, 400, 400, 400, 400]
