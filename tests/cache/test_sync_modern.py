"""Quick syncs where only wc/v3 serves customers: a stamp scan, customers by id, order changes.

Each test syncs a modern-only demo store (``api="modern"``) over HTTP, changes the store between
syncs (through a second wc/v3 client, or its database where a real store would change without
the API: a bulk edit, an order placed at the till, a user no profile update ever stamped), and
judges the cache against the store's own census. Requests are recorded, so a test can tell which
customers a quick sync fetched by id.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from app.api.choice import open_client, open_store_client, stamp_scanner
from app.api.client import CustomerQuery, WooClient
from app.api.connection import StoreConnection
from app.api.rest_client import RestClient
from app.api.rest_transport import REST_API
from app.api.transport import ApiResponse, Transport
from app.cache.repository import CustomerCache
from app.cache.sync import FULL_SYNC_MAX_AGE, SyncEngine, SyncMode, SyncReport
from app.demo_store import DemoStore
from app.domain.customer import Figures
from tests.conftest import StoreFactory

EVERYONE = CustomerQuery(role="all")


class RecordingTransport(Transport):
    """A wc/v3 Transport that remembers every request, and can run a hook before each."""

    def __init__(self, connection: StoreConnection) -> None:
        super().__init__(connection, flavor=REST_API)
        self.sent: list[tuple[str, str, dict[str, str]]] = []
        self.before: Callable[[str, dict[str, str]], None] | None = None
        self._lock = threading.Lock()

    def request(
        self, method: str, route: str, params: Sequence[tuple[str, str]] = (), **options: Any
    ) -> ApiResponse:
        with self._lock:
            self.sent.append((method.upper(), route, dict(params)))
            if self.before is not None:
                self.before(route, dict(params))
        return super().request(method, route, params, **options)

    def fetched_by_id(self) -> set[int]:
        """Customers asked for by ``include`` (full objects)."""
        return {
            int(i)
            for _, route, params in self.sent
            if route == "/customers" and "include" in params
            for i in params["include"].split(",")
        }

    def full_customer_requests(self) -> int:
        """Customer list requests for full objects that are not by id (a full walk's)."""
        return sum(
            1
            for _, route, params in self.sent
            if route == "/customers"
            and "_fields" not in params
            and "include" not in params
            and params.get("per_page") != "1"
        )

    def stamp_requests(self) -> int:
        return sum(
            1
            for _, route, params in self.sent
            if route == "/customers" and params.get("_fields") == "id,date_modified_gmt"
        )

    def order_requests(self) -> list[dict[str, str]]:
        return [params for _, route, params in self.sent if route == "/orders"]


@dataclass
class Rig:
    """A modern-only store, the engine's recorded client, a client for the test, the cache."""

    store: DemoStore
    transport: RecordingTransport
    client: RestClient
    other: RestClient
    cache: CustomerCache
    engine: SyncEngine
    offset: list[float] = field(default_factory=lambda: [0.0])

    def census(self) -> set[int]:
        census = self.other.customer_ids(EVERYONE)
        assert census.proof.complete
        return set(census.ids)

    def edit(self, customer_id: int, **changes: Any) -> None:
        self.other.update_customer(customer_id, changes)

    def create(self, email: str, first_name: str) -> int:
        created = self.other.create_customer({"email": email, "first_name": first_name})
        return created.customer.id

    def delete(self, customer_id: int) -> None:
        self.other.delete_customer(customer_id)

    def sql(self, statement: str, args: Sequence[Any] = ()) -> None:
        with self.store.db.write() as conn:
            conn.execute(statement, args)

    def orders_mark(self) -> int:
        text = self.cache.meta("orders_watermark")
        assert text is not None
        return int(json.loads(text)["stamp"])

    def place_order(self, customer_id: int, stamp: int) -> int:
        """A copy of an existing order for ``customer_id``, created and modified at ``stamp``."""
        with self.store.db.write() as conn:
            row = conn.execute("SELECT * FROM orders ORDER BY id LIMIT 1").fetchone()
            names = row.keys()  # a sqlite3.Row iterates over its values
            values = {key: row[key] for key in names if key != "id"}
            values.update(
                customer_id=customer_id,
                created_at=stamp,
                updated_at=stamp,
                order_key=f"wc_order_test{stamp}{customer_id}",
            )
            columns = ", ".join(values)
            marks = ", ".join("?" * len(values))
            cursor = conn.execute(
                f"INSERT INTO orders ({columns}) VALUES ({marks})", list(values.values())
            )
            return int(cursor.lastrowid or 0)


@pytest.fixture
def make_rig(start_store: StoreFactory, tmp_path: Path) -> Iterator[Callable[..., Rig]]:
    rigs: list[Rig] = []

    def make(customers: int = 450, page_size: int | None = 100, **options: Any) -> Rig:
        store = start_store(customers=customers, seed=3, api="modern", **options)
        link = StoreConnection(
            store.base_url,
            store.consumer_key,
            store.consumer_secret,
            backoff=0.01,
            max_backoff=0.05,
            page_size=page_size,
        )
        transport = RecordingTransport(link)
        client = RestClient(link, transport)
        cache = CustomerCache.open(tmp_path / f"cache{len(rigs)}", link.url)
        offset = [0.0]
        engine = SyncEngine(client, cache, clock=lambda: time.time() + offset[0])
        rig = Rig(store, transport, client, RestClient(link), cache, engine, offset)
        rigs.append(rig)
        return rig

    yield make
    for rig in rigs:
        rig.cache.close()
        rig.client.close()
        rig.other.close()


def assert_complete(rig: Rig, report: SyncReport) -> None:
    """The cache holds exactly the store's customers, as the store describes them now."""
    census = rig.census()
    assert rig.cache.all_ids() == census
    assert report.complete
    assert report.held == report.store_total == len(census)
    assert rig.cache.coverage().complete
    store_view = {c.id: c for c in rig.other.list_customers(EVERYONE)}
    assert rig.cache.customers_by_ids(sorted(store_view)) == store_view


def synced(rig: Rig) -> Rig:
    """The rig after a full sync, with the recorded requests cleared."""
    assert rig.engine.sync(SyncMode.FULL).complete
    rig.transport.sent.clear()
    return rig


# -- choosing the path ------------------------------------------------------------------------


def test_the_quick_path_is_chosen_by_the_api_that_serves_customers(
    start_store: StoreFactory,
) -> None:
    modern, both = start_store(customers=3, api="modern"), start_store(customers=3, api="both")
    clients = [
        open_client(StoreConnection(s.base_url, s.consumer_key, s.consumer_secret))
        for s in (modern, both)
    ]
    lazy = open_store_client(
        StoreConnection(modern.base_url, modern.consumer_key, modern.consumer_secret)
    )
    try:
        assert isinstance(stamp_scanner(clients[0]), RestClient)
        assert stamp_scanner(clients[1]) is None  # LegacyWithModernOrders: last_update
        assert stamp_scanner(WooClient(clients[1].connection)) is None
        assert isinstance(stamp_scanner(lazy), RestClient)
    finally:
        for client in (*clients, lazy):
            client.close()


@pytest.mark.parametrize("api", ["both", "legacy"])
def test_stores_with_the_legacy_api_keep_the_last_update_quick_sync(
    start_store: StoreFactory, tmp_path: Path, api: str
) -> None:
    store = start_store(customers=150, api=api)
    client = open_client(StoreConnection(store.base_url, store.consumer_key, store.consumer_secret))
    sent: list[dict[str, str]] = []
    real = client.transport.request

    def record(method: str, route: str, params: Any = (), **options: Any) -> ApiResponse:
        sent.append({"route": route, **dict(params)})
        return real(method, route, params, **options)

    client.transport.request = record  # type: ignore[method-assign]
    cache = CustomerCache.open(tmp_path, client.connection.url)
    try:
        engine = SyncEngine(client, cache)
        engine.sync(SyncMode.FULL)
        sent.clear()
        report = engine.sync(SyncMode.QUICK)
        assert report.mode is SyncMode.QUICK
        assert any(p.get("filter[orderby_meta_key]") == "last_update" for p in sent)
        assert not any("_fields" in p or p["route"] == "/orders" for p in sent)
        assert cache.meta("orders_watermark") is None
    finally:
        cache.close()
        client.close()


def test_auto_runs_full_then_stamp_scans_then_full_when_the_last_full_is_old(
    make_rig: Callable[..., Rig],
) -> None:
    rig = make_rig(customers=150)
    assert rig.engine.sync(SyncMode.QUICK).mode is SyncMode.FULL  # nothing to diff with yet
    assert rig.engine.sync(SyncMode.AUTO).mode is SyncMode.QUICK
    rig.offset[0] = FULL_SYNC_MAX_AGE + 60
    assert rig.engine.sync(SyncMode.AUTO).mode is SyncMode.FULL
    assert rig.engine.sync(SyncMode.AUTO).mode is SyncMode.QUICK


# -- what a quick sync fetches ----------------------------------------------------------------


def test_a_quick_sync_with_nothing_changed_scans_stamps_and_fetches_nobody(
    make_rig: Callable[..., Rig],
) -> None:
    rig = synced(make_rig(customers=450))
    report = rig.engine.sync(SyncMode.QUICK)
    assert report.mode is SyncMode.QUICK
    assert (report.fetched, report.changed, report.removed) == (0, 0, 0)
    assert rig.transport.fetched_by_id() == set()
    assert rig.transport.full_customer_requests() == 0
    # 451 customers in windows of 99 (per_page 100 with the overlap row), and the closing look.
    assert rig.transport.stamp_requests() == 6
    assert [p["status"] for p in rig.transport.order_requests()] == ["any", "trash"]
    assert_complete(rig, report)


def test_a_quick_sync_fetches_edits_and_creations_and_removes_deletions(
    make_rig: Callable[..., Rig],
) -> None:
    rig = synced(make_rig(customers=450))
    ids = sorted(rig.cache.all_ids() - {1})
    edited, deleted = ids[10:13], ids[20:22]
    for number, customer_id in enumerate(edited):
        rig.edit(customer_id, first_name=f"Edited{number}", billing_address={"city": "Quicksburg"})
    created = [rig.create(f"new{n}@quick.example", f"Created{n}") for n in range(2)]
    for customer_id in deleted:
        rig.delete(customer_id)
    rig.transport.sent.clear()

    report = rig.engine.sync(SyncMode.QUICK)

    assert report.mode is SyncMode.QUICK
    assert rig.transport.fetched_by_id() == set(edited) | set(created)
    assert report.fetched == report.changed == len(edited) + len(created)
    assert report.removed == len(deleted)
    assert rig.transport.full_customer_requests() == 0
    for number, customer_id in enumerate(edited):
        customer = rig.cache.customer(customer_id)
        assert customer is not None
        assert (customer.first_name, customer.billing.city) == (f"Edited{number}", "Quicksburg")
    assert not set(deleted) & rig.cache.all_ids()
    assert_complete(rig, report)


@pytest.mark.slow
def test_customers_sharing_one_modification_second_are_all_fetched(
    make_rig: Callable[..., Rig],
) -> None:
    """A bulk edit stamps many customers with one second; the scan is in id order, so the
    ties that trouble the legacy quick sync do not matter here."""
    rig = synced(make_rig(customers=450))
    group = sorted(rig.cache.all_ids())[:260]
    stamp = int(time.time()) + 30
    with rig.store.db.write() as conn:
        conn.executemany(
            "UPDATE users SET first_name = 'Bulk', last_update = ? WHERE id = ?",
            [(stamp, customer_id) for customer_id in group],
        )
    report = rig.engine.sync(SyncMode.QUICK)
    assert rig.transport.fetched_by_id() == set(group)
    assert report.changed == len(group)
    assert_complete(rig, report)


def test_customers_whose_orders_changed_are_fetched_again(make_rig: Callable[..., Rig]) -> None:
    rig = synced(make_rig(customers=450))
    mark = rig.orders_mark()
    ids = sorted(rig.cache.all_ids() - {1})
    placed_for, changed_for, trashed_for = ids[40], ids[41], ids[42]
    rig.place_order(placed_for, mark + 5)
    rig.place_order(0, mark + 5)  # a guest order names nobody
    rig.place_order(changed_for, mark - 1000)  # old: not a change by itself
    rig.sql(
        "UPDATE orders SET status = 'completed', updated_at = ? WHERE customer_id = ?",
        (mark + 6, changed_for),
    )
    trashed = rig.place_order(trashed_for, mark - 1000)
    rig.sql("UPDATE orders SET status = 'trash', updated_at = ? WHERE id = ?", (mark + 7, trashed))
    rig.transport.sent.clear()

    report = rig.engine.sync(SyncMode.QUICK)

    assert rig.transport.fetched_by_id() == {placed_for, changed_for, trashed_for}
    assert report.fetched == 3
    assert rig.orders_mark() == mark + 7
    for params in rig.transport.order_requests():
        assert params["dates_are_gmt"] == "true"
        assert params["_fields"] == "id,customer_id,date_modified_gmt"
        # UTC without an offset (reference 11.1)
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d", params["modified_after"])
    assert_complete(rig, report)
    rig.transport.sent.clear()
    again = rig.engine.sync(SyncMode.QUICK)
    assert rig.transport.fetched_by_id() == set()
    assert again.fetched == 0


@pytest.mark.slow
def test_orders_changed_in_one_second_beyond_a_page_all_count(
    make_rig: Callable[..., Rig],
) -> None:
    """A bulk status change stamps hundreds of orders with one second: more than a page of
    100, so that second is read whole by id."""
    rig = synced(make_rig(customers=450))
    mark = rig.orders_mark()
    with rig.store.db.write() as conn:
        rows = conn.execute(
            "SELECT id, customer_id FROM orders WHERE customer_id != 0 ORDER BY id LIMIT 250"
        ).fetchall()
        conn.executemany(
            "UPDATE orders SET updated_at = ? WHERE id = ?", [(mark + 20, r[0]) for r in rows]
        )
        conn.execute(  # one more, a second later: the scan must go on past the group
            "UPDATE orders SET updated_at = ? WHERE id = (SELECT MAX(id) FROM orders"
            " WHERE customer_id != 0)",
            (mark + 21,),
        )
        last = conn.execute(
            "SELECT customer_id FROM orders WHERE updated_at = ?", (mark + 21,)
        ).fetchone()[0]
    expected = {r[1] for r in rows} | {last}
    report = rig.engine.sync(SyncMode.QUICK)
    assert rig.transport.fetched_by_id() == expected
    assert any(p.get("orderby") == "id" for p in rig.transport.order_requests())
    assert rig.orders_mark() == mark + 21
    assert_complete(rig, report)


@pytest.mark.slow
def test_null_stamps_are_fetched_every_time_and_compared_by_content(
    make_rig: Callable[..., Rig],
) -> None:
    """A user no profile update stamped has ``date_modified_gmt: null`` (reference 3.3):
    nothing tells whether it changed, so it is fetched and its content compared."""
    rig = make_rig(customers=450)
    ids = sorted(rig.census() - {1})
    unstamped, stamped = ids[5:8], ids[30]
    rig.sql(f"UPDATE users SET last_update = 0 WHERE id IN ({','.join(map(str, unstamped))})")
    synced(rig)
    assert all(rig.cache.customer(i).last_update is None for i in unstamped)  # type: ignore[union-attr]

    quiet = rig.engine.sync(SyncMode.QUICK)
    assert rig.transport.fetched_by_id() == set(unstamped)
    assert (quiet.fetched, quiet.changed) == (3, 0)

    # Changed without a new stamp: the unstamped one is seen, the stamped one cannot be.
    rig.sql("UPDATE users SET first_name = 'Silent' WHERE id IN (?, ?)", (unstamped[0], stamped))
    rig.transport.sent.clear()
    report = rig.engine.sync(SyncMode.QUICK)
    assert rig.transport.fetched_by_id() == set(unstamped)
    assert report.changed == 1
    assert rig.cache.customer(unstamped[0]).first_name == "Silent"  # type: ignore[union-attr]
    assert rig.cache.customer(stamped).first_name != "Silent"  # type: ignore[union-attr]


# -- the store changing under a quick sync ----------------------------------------------------


@pytest.mark.slow
def test_deletions_during_the_scan_leave_it_unproven_and_nothing_is_removed(
    make_rig: Callable[..., Rig],
) -> None:
    rig = synced(make_rig(customers=450, page_size=50))
    ids = sorted(rig.cache.all_ids() - {1})
    gone_before = ids[-1]
    rig.delete(gone_before)
    victims = iter(ids[:40])

    def delete_behind_the_walk(route: str, params: dict[str, str]) -> None:
        if route == "/customers" and params.get("_fields") == "id,date_modified_gmt":
            rig.sql("DELETE FROM users WHERE id = ?", (next(victims),))

    rig.transport.before = delete_behind_the_walk
    report = rig.engine.sync(SyncMode.QUICK)
    rig.transport.before = None

    assert not report.complete
    assert report.unaccounted > 0
    assert report.removed == 0, "an unproven scan removes nothing"
    assert gone_before in rig.cache.all_ids()
    assert not rig.cache.coverage().complete
    settle = rig.engine.sync(SyncMode.QUICK)
    assert settle.removed > 1
    assert gone_before not in rig.cache.all_ids()
    assert_complete(rig, settle)


@pytest.mark.slow
def test_a_customer_deleted_between_the_scan_and_its_fetch_is_removed(
    make_rig: Callable[..., Rig],
) -> None:
    rig = synced(make_rig(customers=450))
    ids = sorted(rig.cache.all_ids() - {1})
    edited, doomed = ids[60], ids[61]
    rig.edit(edited, first_name="Kept")
    rig.edit(doomed, first_name="Doomed")

    def delete_before_the_fetch(route: str, params: dict[str, str]) -> None:
        if route == "/customers" and "include" in params:
            rig.sql("DELETE FROM users WHERE id = ?", (doomed,))

    rig.transport.before = delete_before_the_fetch
    report = rig.engine.sync(SyncMode.QUICK)
    assert rig.transport.fetched_by_id() == {edited, doomed}
    assert report.fetched == 1
    assert report.removed == 1
    assert doomed not in rig.cache.all_ids()
    assert_complete(rig, report)


def test_a_full_sync_names_every_order_of_the_newest_second_beyond_a_page(
    make_rig: Callable[..., Rig],
) -> None:
    """The seed's newest second can hold more than a page of orders: the watermark a full
    sync takes names them all, so the next quick sync looks at none of them again."""
    rig = make_rig(customers=450)
    stamp = int(time.time()) + 3600
    rig.sql(
        "UPDATE orders SET updated_at = ? WHERE id IN (SELECT id FROM orders ORDER BY id"
        " LIMIT 150)",
        (stamp,),
    )
    synced(rig)
    mark = json.loads(rig.cache.meta("orders_watermark") or "{}")
    assert mark["stamp"] == stamp
    assert len(mark["orders"]) == 150
    report = rig.engine.sync(SyncMode.QUICK)
    assert rig.transport.fetched_by_id() == set()
    assert report.fetched == 0


def test_figures_no_source_gave_are_asked_for_again_by_a_quick_sync(
    make_rig: Callable[..., Rig],
) -> None:
    """A figures source that failed once (or a cache from before figures) is not final."""
    rig = synced(make_rig(customers=120))
    ids = sorted(rig.census() - {1})[3:6]
    for customer_id in ids:
        cached = rig.cache.customer(customer_id)
        assert cached is not None
        assert cached.figures is Figures.EXACT
        rig.cache.upsert_customers([cached.with_changes(figures=Figures.UNKNOWN)], int(time.time()))
    report = rig.engine.sync(SyncMode.QUICK)
    assert rig.transport.fetched_by_id() == set(ids)
    assert report.mode is SyncMode.QUICK
    for customer_id in ids:
        again = rig.cache.customer(customer_id)
        assert again is not None
        assert again.figures is Figures.EXACT
    rig.transport.sent.clear()
    rig.engine.sync(SyncMode.QUICK)
    assert rig.transport.fetched_by_id() == set()
