"""The sync engine against the demo store: first, full and quick syncs, cancel, resume, faults.

Each test runs a real sync over HTTP against a demo store started in the test process, in
every store profile (tests/conftest.py) with the client the app detects, changes the store
between syncs with a separate client, and judges the cache by comparing it with the store's own
id census. The customer requests are recorded by a thin Transport subclass, so a test can tell
which pages a sync fetched: such tests read the legacy wire (``filter[...]``) and run where the
app lists customers through the legacy API, as do the quick syncs (wc/v3 cannot list by
last_update: every sync there is a full one). The crash test kills a sync running in another
process.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.api.client import CustomerPage, CustomerQuery, WooClient
from app.api.connection import StoreConnection
from app.api.page_plan import PlanLimits
from app.api.transport import ApiResponse, CancelToken, Transport
from app.cache.database import cache_path
from app.cache.repository import CustomerCache, CustomerFilter
from app.cache.sync import (
    FULL_SYNC_MAX_AGE,
    RESUME_WINDOW,
    SyncEngine,
    SyncMode,
    SyncProgress,
    SyncReport,
)
from app.demo_store import DemoStore, Fault
from app.errors import CancelledError, ServerError
from tests.conftest import ClientFactory, StoreFactory
from tests.support.examples import at_most

#: Tests that read the legacy list's wire parameters or need its last_update order (quick syncs).
LEGACY_LIST = pytest.mark.profiles(
    "legacy",
    "both",
    "both+hpos",
    reason="legacy list wire (filter[...] windows of 100) or quick syncs by last_update",
)

EVERYONE = CustomerQuery(role="all")
PAGE_SIZE = 100


class RecordingTransport(Transport):
    """A Transport that remembers every request it was asked to send."""

    def __init__(self, connection: StoreConnection, **options: Any) -> None:
        super().__init__(connection, **options)
        self.sent: list[tuple[str, str, dict[str, str]]] = []

    def request(
        self,
        method: str,
        route: str,
        params: Sequence[tuple[str, str]] = (),
        **options: Any,
    ) -> ApiResponse:
        self.sent.append((method.upper(), route, dict(params)))
        return super().request(method, route, params, **options)

    def list_pages(self) -> list[int]:
        """Page numbers of the walk's windows of customers asked for (not census, count or
        last_update requests); a window asks for one row before its start."""
        pages = []
        for method, route, params in self.sent:
            if method != "GET" or route != "/customers" or "fields" in params:
                continue
            if params.get("filter[orderby]") != "ID" or "filter[offset]" not in params:
                continue
            if params["filter[limit]"] not in (str(PAGE_SIZE), str(PAGE_SIZE + 1)):
                continue  # the walk's closing look at its end
            overlap = 1 if params["filter[limit]"] == str(PAGE_SIZE + 1) else 0
            pages.append((int(params["filter[offset]"]) + overlap) // PAGE_SIZE + 1)
        return pages

    def update_windows(self) -> int:
        """Windows of the list by last_update asked for (a quick sync's walk)."""
        return sum(
            1
            for method, route, params in self.sent
            if method == "GET"
            and route == "/customers"
            and params.get("filter[orderby_meta_key]") == "last_update"
            and params.get("filter[limit]") != "1"
        )

    def census_requests(self) -> int:
        return sum(
            1 for _, route, params in self.sent if route == "/customers" and "fields" in params
        )


@dataclass
class Clock:
    """The engine's clock: real time plus an offset a test can move forward."""

    offset: float = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


@dataclass
class Rig:
    """A demo store, a client for the engine (recording) and one for the test, and the cache."""

    store: DemoStore
    connect: ClientFactory
    transport: RecordingTransport
    client: WooClient
    cache_dir: Path
    cache: CustomerCache
    engine: SyncEngine
    clock: Clock
    closers: list[Callable[[], None]] = field(default_factory=list)

    def checker(self) -> WooClient:
        """Another client of the app's choice, for the test's own look at the store (it records
        nothing and shares nothing with the engine's); closed at teardown."""
        return self.connect(self.client.connection)

    def census(self) -> set[int]:
        """Every id the store has right now (asked by a client that records nothing)."""
        census = self.checker().customer_ids(EVERYONE)
        assert census.proof.complete
        return set(census.ids)

    def store_page_ids(self, number: int) -> set[int]:
        return {c.id for c in self.checker().customer_page(number, EVERYONE).customers}

    def reader(self) -> CustomerCache:
        """A second connection to the same cache file (as the GUI would hold)."""
        other = CustomerCache.open(self.cache_dir, self.client.connection.url)
        self.closers.append(other.close)
        return other

    def edit(self, customer_id: int, **changes: Any) -> None:
        result = self.checker().update_customer(customer_id, changes)
        assert result.unapplied == ()

    def create(self, email: str, first_name: str) -> int:
        body = {"email": email, "first_name": first_name, "last_name": "New"}
        return self.checker().create_customer(body).customer.id

    def delete(self, customer_id: int) -> None:
        self.checker().delete_customer(customer_id)


RigFactory = Callable[..., Rig]


@pytest.fixture
def make_rig(
    profile_store: StoreFactory, profile_client: ClientFactory, tmp_path: Path
) -> Iterator[RigFactory]:
    """Build rigs in the test's store profile: ``make_rig(customers=N, store options...,
    connection=dict(...))``. The engine's client is the detected one, its customer requests
    recorded."""
    rigs: list[Rig] = []

    def make(customers: int = 450, connection: dict[str, Any] | None = None, **options: Any) -> Rig:
        store = profile_store(customers=customers, seed=3, **options)
        # Fixed windows of 100, so a test can tell which windows a sync asked for; the
        # learning plan has tests of its own below.
        settings: dict[str, Any] = {"backoff": 0.01, "max_backoff": 0.05, "page_size": PAGE_SIZE}
        settings.update(connection or {})
        link = StoreConnection(
            store.base_url, store.consumer_key, store.consumer_secret, **settings
        )
        client = profile_client(link)
        # The detected client, its customer requests recorded (same flavour, same API).
        client.transport.close()
        transport = RecordingTransport(link, flavor=client.transport.flavor)
        client.transport = transport
        cache_dir = tmp_path / f"cache{len(rigs)}"
        cache = CustomerCache.open(cache_dir, link.url)
        clock = Clock()
        rig = Rig(
            store,
            profile_client,
            transport,
            client,
            cache_dir,
            cache,
            SyncEngine(client, cache, clock=clock),
            clock,
        )
        rigs.append(rig)
        return rig

    yield make
    for rig in rigs:
        for close in rig.closers:
            close()
        rig.cache.close()


def assert_consistent(cache: CustomerCache) -> None:
    """The file is sound and every cached customer has exactly one search row."""
    conn = cache.file.conn
    assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    customers, searchable, joined = conn.execute(
        "SELECT (SELECT COUNT(*) FROM customers), (SELECT COUNT(*) FROM customer_search),"
        " (SELECT COUNT(*) FROM customers c JOIN customer_search s ON s.rowid = c.id)"
    ).fetchone()
    assert customers == searchable == joined


def assert_complete(rig: Rig, report: SyncReport | None = None) -> None:
    """The cache holds exactly the store's customers, as the store describes them now."""
    census = rig.census()
    assert rig.cache.all_ids() == census
    assert_consistent(rig.cache)
    coverage = rig.cache.coverage()
    assert coverage.held == len(census)
    assert coverage.store_total == len(census)
    assert coverage.complete
    if report is not None:
        assert report.held == report.store_total == len(census)


def window_sizes(rig: Rig, total: int) -> list[int]:
    """The rows of each window of a walk of ``total`` in PAGE_SIZE windows: wc/v3's per_page
    of 100 must hold a window's overlap row too, so its windows after the first hold 99."""
    most = rig.client.list_style.max_rows
    rest = PAGE_SIZE if most is None else min(PAGE_SIZE, most - 1)
    sizes = [min(PAGE_SIZE, total)]
    while sum(sizes) < total:
        sizes.append(min(rest, total - sum(sizes)))
    return sizes


def checkpoint(cache: CustomerCache) -> int:
    """How many customers from the start of the walk an interrupted full sync holds, gap-free."""
    return int(cache.meta("full_sync_position") or 0)


# -- first and full syncs --------------------------------------------------------------------


@LEGACY_LIST
def test_the_first_page_is_in_the_cache_before_other_pages_are_asked_for(
    make_rig: RigFactory,
) -> None:
    rig = make_rig(customers=450)
    reader = rig.reader()
    seen: list[tuple[int, int, list[int]]] = []

    def progress(update: SyncProgress) -> None:
        if update.phase == "customers" and update.done == 1:
            visible = reader.ordered_ids(CustomerFilter(role=None, sort="email"))
            seen.append((reader.count(), len(visible), rig.transport.list_pages()))

    report = rig.engine.sync(SyncMode.AUTO, progress=progress)
    assert seen == [(PAGE_SIZE, PAGE_SIZE, [1])]
    assert sorted(rig.transport.list_pages()) == [1, 2, 3, 4, 5]
    assert report.mode is SyncMode.FULL
    assert_complete(rig, report)


def test_progress_reports_every_page_then_deletions_then_done(make_rig: RigFactory) -> None:
    rig = make_rig(customers=450)
    updates: list[SyncProgress] = []
    rig.engine.sync(SyncMode.FULL, progress=updates.append)
    phases = [u.phase for u in updates]
    assert phases == ["customers"] * 6 + ["deletions", "done"]
    pages = [u for u in updates if u.phase == "customers" and u.done > 0]
    assert [u.done for u in pages] == [1, 2, 3, 4, 5]
    assert all(u.total == 5 for u in pages)
    assert pages[-1].message == "Fetched 451 of 451 customers"
    assert updates[-1].message == "451 customers up to date"


def test_a_full_sync_holds_exactly_the_stores_customers(make_rig: RigFactory) -> None:
    rig = make_rig(customers=450)
    report = rig.engine.sync(SyncMode.FULL)
    assert report.mode is SyncMode.FULL
    assert report.fetched == 451
    assert report.removed == 0
    assert report.resumed is False
    assert_complete(rig, report)
    store_view = {c.id: c for c in rig.checker().list_customers(EVERYONE).customers}
    assert rig.cache.customers_by_ids(sorted(store_view)) == store_view
    assert set(rig.cache.roles()) == {"customer", "administrator"}
    newest = max(c.last_update for c in store_view.values() if c.last_update is not None)
    assert rig.cache.meta("watermark") == str(int(newest.timestamp()))
    assert rig.cache.meta("full_sync_started") is None
    assert rig.cache.meta("full_sync_pages") is None
    assert rig.cache.coverage().last_full_sync is not None


def test_a_full_sync_removes_what_the_store_no_longer_has(make_rig: RigFactory) -> None:
    rig = make_rig(customers=120)
    rig.engine.sync(SyncMode.FULL)
    gone = sorted(rig.cache.all_ids())[5:8]
    for customer_id in gone:
        rig.delete(customer_id)
    report = rig.engine.sync(SyncMode.FULL)
    assert report.removed == 3
    assert not set(gone) & rig.cache.all_ids()
    assert_complete(rig, report)


def test_a_store_that_lists_customers_only_is_synced_by_that_scope(
    make_rig: RigFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    rig = make_rig(customers=150)
    real_count = rig.client.count_customers

    def count_like_wc_2_4(query: CustomerQuery | None = None, cancel: Any = None) -> int:
        # WooCommerce 2.4 takes "all" for a role name that nobody has.
        if query is not None and query.role == "all":
            return 0
        return real_count(query, cancel)

    monkeypatch.setattr(rig.client, "count_customers", count_like_wc_2_4)
    report = rig.engine.sync(SyncMode.FULL)
    assert rig.cache.meta("role_scope") == "customer"
    assert report.store_total == 150
    assert rig.cache.roles() == ["customer"]
    assert rig.cache.count() == 150


# -- quick syncs ------------------------------------------------------------------------------


@LEGACY_LIST
def test_a_quick_sync_fetches_only_edits_and_creations_and_removes_deletions(
    make_rig: RigFactory,
) -> None:
    rig = make_rig(customers=450)
    rig.engine.sync(SyncMode.FULL)
    watermark = int(rig.cache.meta("watermark") or 0)
    cached = rig.cache.customers_by_ids(sorted(rig.cache.all_ids()))
    at_watermark = {
        c.id
        for c in cached.values()
        if c.last_update is not None and int(c.last_update.timestamp()) >= watermark
    }
    plain = sorted(i for i, c in cached.items() if c.role == "customer" and i not in at_watermark)
    edited, deleted = plain[10:13], plain[20:22]
    for number, customer_id in enumerate(edited):
        rig.edit(
            customer_id,
            first_name=f"Edited{number}",
            billing_address={"city": "Quicksburg", "phone": "+1 555 0100"},
        )
    created = [rig.create(f"new{n}@quick.example", f"Created{n}") for n in range(2)]
    for customer_id in deleted:
        rig.delete(customer_id)
    rig.transport.sent.clear()
    rig.clock.offset = 120
    quick_started = int(rig.clock())

    report = rig.engine.sync(SyncMode.QUICK)

    assert report.mode is SyncMode.QUICK
    assert report.fetched == len(edited) + len(created) + len(at_watermark)
    assert report.removed == len(deleted)
    assert rig.transport.list_pages() == []  # the walk by id is not needed
    assert rig.transport.update_windows() == 1
    assert_complete(rig, report)
    for number, customer_id in enumerate(edited):
        customer = rig.cache.customer(customer_id)
        assert customer is not None
        assert customer.first_name == f"Edited{number}"
        assert customer.billing.city == "Quicksburg"
    assert rig.cache.ordered_ids(CustomerFilter(search="quicksburg", sort="id")) == edited
    for number, customer_id in enumerate(created):
        customer = rig.cache.customer(customer_id)
        assert customer is not None
        assert customer.first_name == f"Created{number}"
    assert not set(deleted) & rig.cache.all_ids()
    refreshed = set(rig.cache.ids_confirmed_before(quick_started))
    assert rig.cache.all_ids() - refreshed == set(edited) | set(created) | at_watermark
    assert rig.cache.coverage().last_quick_sync is not None
    assert int(rig.cache.meta("watermark") or 0) >= watermark


@LEGACY_LIST
def test_a_quick_sync_with_nothing_changed_costs_two_requests_and_no_census(
    make_rig: RigFactory,
) -> None:
    rig = make_rig(customers=450)
    rig.engine.sync(SyncMode.FULL)
    rig.transport.sent.clear()
    report = rig.engine.sync(SyncMode.QUICK)
    assert report.removed == 0
    assert report.fetched <= 3  # only customers stamped in the watermark's second
    assert rig.transport.census_requests() == 0
    routes = [route for _, route, _ in rig.transport.sent]
    assert routes == ["/customers", "/customers/count"]
    assert_complete(rig, report)


@LEGACY_LIST
def test_syncs_name_only_the_customers_they_changed(make_rig: RigFactory) -> None:
    rig = make_rig(customers=450)
    changes: list[tuple[list[int], list[int]]] = []

    def record(stored: list[int], removed: list[int]) -> None:
        changes.append((stored, removed))

    rig.engine.sync(SyncMode.FULL, on_change=record)
    assert sorted(i for stored, _ in changes for i in stored) == sorted(rig.census())
    changes.clear()
    quick = rig.engine.sync(SyncMode.QUICK, on_change=record)  # the watermark's second again
    full = rig.engine.sync(SyncMode.FULL, on_change=record)  # everything again
    assert changes == []  # nothing changed, so the views have nothing to show afresh
    assert (quick.changed, full.changed) == (0, 0)
    assert quick.fetched >= 1
    assert full.fetched == len(rig.census())
    assert quick.describe_changes() == full.describe_changes() == "nothing changed"
    target = sorted(rig.census())[7]
    rig.edit(target, first_name="Changed")
    rig.clock.offset = 120
    edited = rig.engine.sync(SyncMode.QUICK, on_change=record)
    assert changes == [([target], [])]
    assert edited.changed == 1
    assert edited.describe_changes() == "1 new or changed, 0 removed"


@LEGACY_LIST
def test_a_quick_sync_catches_an_edit_made_in_the_watermarks_second(
    make_rig: RigFactory,
) -> None:
    rig = make_rig(customers=200)
    rig.engine.sync(SyncMode.FULL)
    target = sorted(rig.cache.all_ids())[50]
    rig.edit(target, first_name="First")
    rig.engine.sync(SyncMode.QUICK)
    # The watermark is now the second of the first edit; a second edit in the same second
    # (forced here through the store's database) must still be fetched.
    stamp = int(rig.cache.meta("watermark") or 0)
    rig.edit(target, first_name="Second")
    with rig.store.db.write() as conn:
        conn.execute("UPDATE users SET last_update = ? WHERE id = ?", (stamp, target))
    rig.engine.sync(SyncMode.QUICK)
    customer = rig.cache.customer(target)
    assert customer is not None
    assert customer.first_name == "Second"


@LEGACY_LIST
def test_auto_runs_full_first_then_quick_then_full_again_when_the_last_full_is_old(
    make_rig: RigFactory,
) -> None:
    rig = make_rig(customers=150)
    assert rig.engine.sync(SyncMode.AUTO).mode is SyncMode.FULL
    assert rig.engine.sync(SyncMode.AUTO).mode is SyncMode.QUICK
    assert rig.engine.sync(SyncMode.AUTO).mode is SyncMode.QUICK
    rig.clock.offset = FULL_SYNC_MAX_AGE + 60
    assert rig.engine.sync(SyncMode.AUTO).mode is SyncMode.FULL
    assert rig.engine.sync(SyncMode.AUTO).mode is SyncMode.QUICK


@LEGACY_LIST
def test_a_quick_sync_gets_every_customer_of_a_group_sharing_one_second(
    make_rig: RigFactory,
) -> None:
    """A bulk edit stamps hundreds of customers with one ``last_update`` second; the store
    orders them arbitrarily in every request (19.1), so pages split the group at random."""
    rig = make_rig(customers=450)
    rig.engine.sync(SyncMode.FULL)
    watermark = int(rig.cache.meta("watermark") or 0)
    group = sorted(rig.cache.all_ids())[:260]
    with rig.store.db.write() as conn:
        conn.executemany(
            "UPDATE users SET first_name = 'Bulk', last_update = ? WHERE id = ?",
            [(watermark + 30, customer_id) for customer_id in group],
        )
    rig.transport.sent.clear()
    report = rig.engine.sync(SyncMode.QUICK)
    assert report.mode is SyncMode.QUICK
    bulk = rig.cache.ordered_ids(CustomerFilter(search="bulk", role=None, sort="id"))
    assert bulk == group
    assert report.changed == len(group)
    # Windows restart at the group's first member; one that is all group is asked for again
    # twice as large, until the group fits with room to spare.
    assert rig.transport.update_windows() >= 3
    assert_complete(rig, report)


@LEGACY_LIST
def test_a_store_that_does_not_order_by_last_update_gets_a_full_sync(
    make_rig: RigFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Customers without the meta key make the store ignore the order (19.4)."""
    rig = make_rig(customers=120)
    rig.engine.sync(SyncMode.FULL)
    real = rig.client.customer_window

    def shuffled(*args: Any, **kwargs: Any) -> CustomerPage:
        page = real(*args, **kwargs)
        customers = tuple(sorted(page.customers, key=lambda c: c.id))
        return CustomerPage(page.number, customers, page.total, page.total_pages)

    monkeypatch.setattr(rig.client, "customer_window", shuffled)
    assert rig.engine.sync(SyncMode.QUICK).mode is SyncMode.FULL


def test_a_quick_sync_on_an_empty_cache_runs_a_full_one(make_rig: RigFactory) -> None:
    rig = make_rig(customers=150)
    report = rig.engine.sync(SyncMode.QUICK)
    assert report.mode is SyncMode.FULL
    assert_complete(rig, report)


def _strip_last_update(client: WooClient, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the client see a WooCommerce 2.4/2.5 store, whose customers have no last_update."""
    for name in ("customer_page", "customer_window"):
        real = getattr(client, name)

        def without_last_update(
            *args: Any, _real: Callable[..., CustomerPage] = real, **kwargs: Any
        ) -> CustomerPage:
            page = _real(*args, **kwargs)
            customers = tuple(c.with_changes(last_update=None) for c in page.customers)
            return CustomerPage(page.number, customers, page.total, page.total_pages)

        monkeypatch.setattr(client, name, without_last_update)
    real_walk = client._walk

    def walk_without_last_update(
        query: Any, parse: Callable[[list[Any]], list[Any]], *args: Any, **options: Any
    ) -> Any:
        def stripped(items: list[Any]) -> list[Any]:
            rows = parse(items)
            return [r.with_changes(last_update=None) if hasattr(r, "email") else r for r in rows]

        return real_walk(query, stripped, *args, **options)

    monkeypatch.setattr(client, "_walk", walk_without_last_update)


@LEGACY_LIST
def test_a_store_without_last_update_gets_full_syncs_instead_of_quick_ones(
    make_rig: RigFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    rig = make_rig(customers=250)
    rig.engine.sync(SyncMode.FULL)
    assert rig.cache.meta("watermark") is not None
    _strip_last_update(rig.client, monkeypatch)
    target = sorted(rig.cache.all_ids())[7]
    rig.edit(target, first_name="Seenbyfull")
    rig.transport.sent.clear()
    report = rig.engine.sync(SyncMode.QUICK)
    assert report.mode is SyncMode.FULL
    assert sorted(set(rig.transport.list_pages())) == [1, 2, 3]
    customer = rig.cache.customer(target)
    assert customer is not None
    assert customer.first_name == "Seenbyfull"
    assert rig.cache.meta("watermark") is None
    assert rig.engine.sync(SyncMode.AUTO).mode is SyncMode.FULL
    assert_complete(rig)


@LEGACY_LIST  # WooCommerce 2.4/2.5, whose customers have no last_update, had no wc/v3 yet
def test_a_first_sync_of_a_store_without_last_update_completes(
    make_rig: RigFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    rig = make_rig(customers=250)
    _strip_last_update(rig.client, monkeypatch)
    report = rig.engine.sync(SyncMode.AUTO)
    assert report.mode is SyncMode.FULL
    assert_complete(rig, report)
    assert rig.engine.sync(SyncMode.QUICK).mode is SyncMode.FULL


# -- cancellation and resumption ---------------------------------------------------------------


def _cancel_after(pages: int) -> tuple[CancelToken, Callable[[SyncProgress], None]]:
    token = CancelToken()

    def progress(update: SyncProgress) -> None:
        if update.phase == "customers" and update.done >= pages:
            token.cancel()

    return token, progress


def _assert_interrupted_state(rig: Rig, total: int) -> int:
    """A consistent cache holding whole windows: the gap-free run from the start of the walk it
    says it finished, and perhaps windows beyond that arrived early; returns the run's length."""
    assert_consistent(rig.cache)
    position = checkpoint(rig.cache)
    assert position >= window_sizes(rig, total)[0]
    assert rig.cache.meta("full_sync_started") is not None
    assert rig.cache.meta("last_full_sync") is None
    in_store = sorted(rig.census())
    held = rig.cache.all_ids()
    assert set(in_store[:position]) <= held <= set(in_store)
    assert int(rig.cache.meta("full_sync_last") or 0) == in_store[position - 1]
    assert position <= len(held) < total
    start = 0
    for size in window_sizes(rig, total):  # every window is held whole or not at all
        window = set(in_store[start : start + size])
        assert window <= held or not window & held, (start, size)
        start += size
    assert rig.cache.coverage().complete is False
    return position


@LEGACY_LIST
def test_a_cancelled_full_sync_leaves_whole_pages_and_the_next_sync_resumes(
    make_rig: RigFactory,
) -> None:
    rig = make_rig(customers=1000)
    token, progress = _cancel_after(2)
    with pytest.raises(CancelledError):
        rig.engine.sync(SyncMode.AUTO, progress=progress, cancel=token)
    position = _assert_interrupted_state(rig, 1001)
    assert position < 1000, "cancellation should stop the sync before the last page"

    rig.transport.sent.clear()
    report = rig.engine.sync(SyncMode.AUTO)
    assert report.mode is SyncMode.FULL
    assert report.resumed is True
    fetched_now = rig.transport.list_pages()
    assert sorted(fetched_now) == list(range(position // PAGE_SIZE + 1, 12))
    assert_complete(rig, report)
    assert rig.cache.meta("full_sync_started") is None
    assert rig.engine.sync(SyncMode.AUTO).mode is SyncMode.QUICK


def test_no_page_is_stored_after_the_sync_is_cancelled(make_rig: RigFactory) -> None:
    rig = make_rig(customers=450)  # pages 2 to 5 are all in flight at once
    token = CancelToken()
    stored_after_cancel: list[int] = []

    def progress(update: SyncProgress) -> None:
        if update.phase == "customers" and update.done >= 2:
            if token.cancelled:
                stored_after_cancel.append(update.done)
            token.cancel()

    with pytest.raises(CancelledError):
        rig.engine.sync(SyncMode.FULL, progress=progress, cancel=token)
    assert_consistent(rig.cache)
    assert stored_after_cancel == []
    # The first window and whichever window arrived next (windows finish in any order; the
    # last holds the customers left over from 451).
    first, *others = window_sizes(rig, 451)
    assert rig.cache.count() in {first + other for other in others}


@LEGACY_LIST
def test_cancelling_before_anything_is_fetched_stores_nothing(make_rig: RigFactory) -> None:
    rig = make_rig(customers=300)
    token = CancelToken()
    token.cancel()
    with pytest.raises(CancelledError):
        rig.engine.sync(SyncMode.FULL, cancel=token)
    assert rig.cache.count() == 0
    assert rig.transport.list_pages() == []


def test_an_interrupted_full_sync_resumes_even_after_a_recent_full_one(
    make_rig: RigFactory,
) -> None:
    rig = make_rig(customers=1000)
    rig.engine.sync(SyncMode.FULL)
    rig.clock.offset = 60
    token, progress = _cancel_after(1)
    with pytest.raises(CancelledError):
        rig.engine.sync(SyncMode.FULL, progress=progress, cancel=token)
    assert rig.cache.meta("full_sync_started") is not None
    report = rig.engine.sync(SyncMode.AUTO)
    assert report.mode is SyncMode.FULL
    assert report.resumed is True
    assert_complete(rig, report)


@LEGACY_LIST
def test_an_old_interrupted_full_sync_starts_over(make_rig: RigFactory) -> None:
    rig = make_rig(customers=1000)
    token, progress = _cancel_after(2)
    with pytest.raises(CancelledError):
        rig.engine.sync(SyncMode.FULL, progress=progress, cancel=token)
    rig.clock.offset = RESUME_WINDOW + 60
    rig.transport.sent.clear()
    report = rig.engine.sync(SyncMode.AUTO)
    assert report.resumed is False
    assert sorted(rig.transport.list_pages()) == list(range(1, 12))
    assert_complete(rig, report)


@LEGACY_LIST
def test_an_edit_made_while_a_full_sync_was_interrupted_is_not_lost(
    make_rig: RigFactory,
) -> None:
    rig = make_rig(customers=1000)
    token, progress = _cancel_after(3)
    with pytest.raises(CancelledError):
        rig.engine.sync(SyncMode.FULL, progress=progress, cancel=token)
    target = min(rig.cache.all_ids())  # before the checkpoint: not fetched again on resume
    assert target < int(rig.cache.meta("full_sync_last") or 0)
    rig.edit(target, first_name="EditedMeanwhile")
    later = sorted(rig.cache.all_ids())[-1]
    rig.edit(later, first_name="EditedLater")
    with rig.store.db.write() as conn:  # the second edit lands a few seconds after the first
        conn.execute("UPDATE users SET last_update = last_update + 5 WHERE id = ?", (later,))
    assert rig.engine.sync(SyncMode.AUTO).resumed is True
    rig.engine.sync(SyncMode.QUICK)
    customer = rig.cache.customer(target)
    assert customer is not None
    assert customer.first_name == "EditedMeanwhile"


# -- changes during a full sync --------------------------------------------------------------


@pytest.mark.slow
def test_a_customer_deleted_after_it_was_fetched_is_removed(make_rig: RigFactory) -> None:
    rig = make_rig(customers=450)
    victims: list[int] = []

    def progress(update: SyncProgress) -> None:
        if update.phase == "customers" and update.done == update.total and not victims:
            victims.append(max(rig.cache.all_ids()))
            rig.delete(victims[0])

    report = rig.engine.sync(SyncMode.FULL, progress=progress)
    assert victims
    # Deleted after the last window arrived: the store's count after the walk no longer
    # matches what it collected, so the walk is not proven and it walks again.
    assert report.removed == 1
    assert victims[0] not in rig.cache.all_ids()
    assert_complete(rig, report)
    follow_up = rig.engine.sync(SyncMode.QUICK)
    assert follow_up.removed == 0
    assert_complete(rig, follow_up)


def test_a_customer_deleted_while_a_full_sync_runs_leaves_the_cache_exact(
    make_rig: RigFactory,
) -> None:
    rig = make_rig(customers=450)
    victims: list[int] = []

    def progress(update: SyncProgress) -> None:
        if update.phase == "customers" and update.done == 1 and not victims:
            victims.append(sorted(rig.cache.all_ids())[50])
            rig.delete(victims[0])

    report = rig.engine.sync(SyncMode.FULL, progress=progress)
    assert victims
    assert_complete(rig, report)


def test_a_customer_created_while_a_full_sync_runs_is_caught_by_the_next_sync(
    make_rig: RigFactory,
) -> None:
    rig = make_rig(customers=450)
    created: list[int] = []

    def progress(update: SyncProgress) -> None:
        if update.phase == "customers" and update.done == 2 and not created:
            created.append(rig.create("during@full.example", "During"))

    rig.engine.sync(SyncMode.FULL, progress=progress)
    assert_consistent(rig.cache)
    rig.engine.sync(SyncMode.AUTO)
    assert created[0] in rig.cache.all_ids()
    assert_complete(rig)


def app_delete(rig: Rig, customer_id: int) -> None:
    """Delete a customer as the app does while a sync runs: in the store, then in the cache,
    through another connection (the short requests' lane has its own)."""
    rig.delete(customer_id)
    rig.reader().delete_customers([customer_id])


def app_create(rig: Rig, email: str) -> int:
    """Create a customer as the app does while a sync runs: the store's answer is cached
    through another connection."""
    created = rig.checker().create_customer(
        {"email": email, "first_name": "Own", "last_name": "Write"}
    )
    rig.reader().upsert_customers([created.customer], int(time.time()))
    return created.customer.id


# Moments of a sync at which the app's own write lands: after the walk's first window, after
# its last one (before the store is counted), and once the walk is over (counted already).
_MOMENTS = {
    "first window": lambda u: u.phase == "customers" and u.done >= 1,
    "last window": lambda u: u.phase == "customers" and u.total and u.done == u.total,
    "walk over": lambda u: u.phase == "deletions",
}


@pytest.mark.parametrize(
    ("mode", "moment"),
    [(SyncMode.FULL, moment) for moment in sorted(_MOMENTS)]
    # A legacy quick sync reports no windows of its id census: its first and last moments.
    + [(SyncMode.QUICK, "first window"), (SyncMode.QUICK, "walk over")],
)
def test_the_apps_own_delete_during_a_sync_leaves_the_coverage_complete(
    make_rig: RigFactory, mode: SyncMode, moment: str
) -> None:
    """Deleting a customer while a sync ran left "250 of 251 accounts on this computer"."""
    rig = make_rig(customers=250)
    rig.engine.sync(SyncMode.FULL)
    rig.delete(sorted(rig.cache.all_ids())[7])  # a quick sync then walks the store's ids
    victims: list[int] = []
    at = _MOMENTS[moment]

    def progress(update: SyncProgress) -> None:
        if at(update) and not victims:
            victims.append(sorted(rig.cache.all_ids())[100])
            app_delete(rig, victims[0])

    report = rig.engine.sync(mode, progress=progress)
    assert victims
    assert victims[0] not in rig.cache.all_ids()
    assert report.complete
    assert_complete(rig, report)
    assert rig.cache.coverage().describe() == f"All {len(rig.census())} accounts on this computer"


@pytest.mark.parametrize("moment", sorted(_MOMENTS))
def test_a_customer_the_app_creates_during_a_full_sync_stays_and_is_counted(
    make_rig: RigFactory, moment: str
) -> None:
    rig = make_rig(customers=250)
    created: list[int] = []
    at = _MOMENTS[moment]

    def progress(update: SyncProgress) -> None:
        if at(update) and not created:
            created.append(app_create(rig, "own.write@example.com"))

    report = rig.engine.sync(SyncMode.FULL, progress=progress)
    assert created
    assert created[0] in rig.cache.all_ids(), "the app's new customer left the list"
    assert report.complete
    assert_complete(rig, report)


# -- faults ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_full_sync_survives_resets_server_errors_and_rate_limits(
    make_rig: RigFactory,
) -> None:
    rig = make_rig(customers=1000, connection={"max_retries": 10})
    faults = rig.store.faults
    faults.retry_after = 0
    for fault in (Fault.RESET, Fault.SERVER_ERROR, Fault.RATE_LIMITED, Fault.TRUNCATED):
        faults.schedule(fault, count=2, method="GET", path=r"/customers$")
    # The legacy API counts on a route of its own; wc/v3 counts with the list (X-WP-Total).
    counts = rig.client.list_style.limit_param != "per_page"
    if counts:
        faults.schedule(Fault.BAD_GATEWAY, method="GET", path=r"/customers/count$")
    report = rig.engine.sync(SyncMode.FULL)
    assert faults.injected[Fault.RESET] == 2
    assert faults.injected[Fault.SERVER_ERROR] == 2
    assert faults.injected[Fault.RATE_LIMITED] == 2
    assert faults.injected[Fault.TRUNCATED] == 2
    assert faults.injected[Fault.BAD_GATEWAY] == (1 if counts else 0)
    assert_complete(rig, report)


@LEGACY_LIST
def test_a_quick_sync_survives_faults_on_its_pages_and_its_census(make_rig: RigFactory) -> None:
    rig = make_rig(customers=450, connection={"max_retries": 10})
    rig.engine.sync(SyncMode.FULL)
    doomed = sorted(rig.cache.all_ids())[100]
    rig.delete(doomed)
    rig.edit(sorted(rig.cache.all_ids())[200], first_name="Faulty")
    faults = rig.store.faults
    faults.retry_after = 0
    faults.schedule(Fault.RESET, count=2, method="GET", path=r"/customers$")
    faults.schedule(Fault.UNAVAILABLE, count=2, method="GET", path=r"/customers$")
    report = rig.engine.sync(SyncMode.QUICK)
    assert sum(faults.injected.values()) == 4
    assert doomed not in rig.cache.all_ids()
    assert_complete(rig, report)


def test_random_faults_on_every_request_still_end_complete(make_rig: RigFactory) -> None:
    rig = make_rig(customers=600, fault_rate=0.15, connection={"max_retries": 12})
    rig.store.faults.kinds = (Fault.RESET, Fault.SERVER_ERROR, Fault.UNAVAILABLE, Fault.TRUNCATED)
    report = rig.engine.sync(SyncMode.FULL)
    assert sum(rig.store.faults.injected.values()) > 0
    rig.store.faults.rate = 0.0
    assert_complete(rig, report)


@pytest.mark.slow
def test_a_sync_that_runs_out_of_retries_fails_and_can_be_resumed(
    make_rig: RigFactory,
) -> None:
    rig = make_rig(customers=1000, connection={"max_retries": 1})

    def break_the_store_after_two_pages(update: SyncProgress) -> None:
        if update.phase == "customers" and update.done == 2:
            rig.store.faults.schedule(
                Fault.SERVER_ERROR, count=1000, method="GET", path=r"/customers$"
            )

    with pytest.raises(ServerError):
        rig.engine.sync(SyncMode.FULL, progress=break_the_store_after_two_pages)
    rig.store.faults.clear()
    _assert_interrupted_state(rig, 1001)
    report = rig.engine.sync(SyncMode.AUTO)
    assert report.mode is SyncMode.FULL
    assert report.resumed is True
    assert_complete(rig, report)


# -- orders and downloads ----------------------------------------------------------------------


def test_orders_and_downloads_are_cached_when_fetched(make_rig: RigFactory) -> None:
    rig = make_rig(customers=300)
    rig.engine.sync(SyncMode.FULL)
    cached = rig.cache.customers_by_ids(sorted(rig.cache.all_ids()))
    checker = rig.checker()
    with_orders = [c.id for c in cached.values() if c.orders_count > 1][:15]
    with_downloads = next((i for i in with_orders if checker.customer_downloads(i)), None)
    assert with_downloads is not None, "the seed should give someone a download"
    target = with_downloads
    assert rig.cache.orders(target) is None
    assert rig.cache.downloads(target) is None
    orders = rig.engine.fetch_orders(target)
    assert orders
    assert orders == checker.customer_orders(target)
    assert rig.cache.orders(target) == orders
    downloads = rig.engine.fetch_downloads(target)
    assert downloads == checker.customer_downloads(target)
    assert rig.cache.downloads(target) == downloads
    nobody = next(i for i, c in cached.items() if c.orders_count == 0 and c.role == "customer")
    assert rig.engine.fetch_orders(nobody) == []
    assert rig.cache.orders(nobody) == []


# -- a crash -----------------------------------------------------------------------------------

_SYNC_SCRIPT = """
import sys
from pathlib import Path

from app.api.choice import open_client
from app.api.connection import StoreConnection
from app.cache.repository import CustomerCache
from app.cache.sync import SyncEngine, SyncMode

cache_dir, url, key, secret = sys.argv[1:5]
client = open_client(StoreConnection(url, key, secret, backoff=0.01))
cache = CustomerCache.open(Path(cache_dir), url)
SyncEngine(client, cache).sync(SyncMode.FULL)
print("finished", flush=True)
"""


def _cached_count(path: Path) -> int:
    """Customers committed to a cache file another process is writing (0 until it exists)."""
    if not path.exists():
        return 0
    conn = sqlite3.connect(path, timeout=5)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM customers").fetchone()[0])
    except sqlite3.OperationalError:
        return 0  # the schema is not created yet
    finally:
        conn.close()


@pytest.mark.slow
def test_a_sync_killed_mid_way_leaves_a_consistent_resumable_cache(
    profile_store: StoreFactory, profile_client: ClientFactory, tmp_path: Path
) -> None:
    total = 2001
    store = profile_store(customers=total - 1, seed=4, latency_ms=120)
    link = StoreConnection(store.base_url, store.consumer_key, store.consumer_secret, backoff=0.01)
    cache_dir = tmp_path / "cache"
    path = cache_path(cache_dir, link.url)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    process = subprocess.Popen(  # noqa: S603 - our own interpreter running our own script
        [
            sys.executable,
            "-c",
            _SYNC_SCRIPT,
            str(cache_dir),
            link.url,
            link.consumer_key,
            link.consumer_secret,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        deadline = time.monotonic() + 30
        held = 0
        while time.monotonic() < deadline and process.poll() is None:
            held = _cached_count(path)
            if held >= 3 * PAGE_SIZE:
                break
            time.sleep(0.005)
        assert process.poll() is None, process.communicate()[1].decode()[-2000:]
        os.kill(process.pid, signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        if process.stdout is not None:
            process.stdout.close()
        if process.stderr is not None:
            process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    assert 0 < held < total

    cache = CustomerCache.open(cache_dir, link.url)
    client = profile_client(link)
    try:
        assert cache.notices == []
        assert_consistent(cache)
        held_after = cache.count()
        assert held <= held_after < total
        assert checkpoint(cache) <= held_after
        # Whole windows: the plan's first size (wc/v3: 99, its per_page 100 holds the overlap).
        step = (client.plan_limits or PlanLimits()).start_page_size
        assert held_after % step == 0 or held_after % step == total % step
        report = SyncEngine(client, cache).sync(SyncMode.AUTO)
        assert report.mode is SyncMode.FULL
        assert report.resumed is True
        assert report.fetched < total
        assert cache.all_ids() == client.customer_ids(EVERYONE).ids
        assert_consistent(cache)
        assert cache.coverage().complete
    finally:
        cache.close()


# -- window sizes learnt from the store ----------------------------------------------------------


@LEGACY_LIST
def test_a_full_sync_learns_larger_windows_and_remembers_them(make_rig: RigFactory) -> None:
    """Without a fixed page size, windows grow while they come back fast and whole, and the
    next sync of the same store starts from what worked (kept in the cache)."""
    rig = make_rig(customers=1200, connection={"page_size": None})
    report = rig.engine.sync(SyncMode.FULL)
    assert_complete(rig, report)
    limits = sorted(
        int(params["filter[limit]"])
        for _, route, params in rig.transport.sent
        if route == "/customers" and params.get("filter[orderby]") == "ID"
    )
    assert max(limits) > PAGE_SIZE + 1, "the windows grew"
    kept = json.loads(rig.cache.meta("page_plan") or "{}")
    assert kept["page_size"] > PAGE_SIZE
    rig.transport.sent.clear()
    again = rig.engine.sync(SyncMode.FULL)
    assert_complete(rig, again)
    windows = [
        params
        for _, route, params in rig.transport.sent
        if route == "/customers" and params.get("filter[orderby]") == "ID"
    ]
    assert len(windows) < 1200 // PAGE_SIZE


@LEGACY_LIST
def test_a_failing_large_window_is_asked_again_in_smaller_pieces(make_rig: RigFactory) -> None:
    """A host that fails pages of more than 150 customers (PHP's memory limit): the learning
    plan halves the window, asks the failed one again in pieces, and keeps the ceiling."""
    rig = make_rig(customers=900, connection={"page_size": None, "max_retries": 0})
    real_request = rig.transport.request

    def limited(method: str, route: str, params: Any = (), **options: Any) -> ApiResponse:
        asked = dict(params).get("filter[limit]")
        if route == "/customers" and asked is not None and int(asked) > 150:
            raise ServerError(
                "The store failed.",
                status=500,
                detail="PHP Fatal error: Allowed memory size of 134217728 bytes exhausted",
            )
        return real_request(method, route, params, **options)

    rig.transport.request = limited  # type: ignore[method-assign]
    report = rig.engine.sync(SyncMode.FULL)
    assert_complete(rig, report)
    kept = json.loads(rig.cache.meta("page_plan") or "{}")
    assert kept["ceiling"] is not None
    assert kept["page_size"] <= 150


# -- a busy store with heavy ties --------------------------------------------------------------


@pytest.mark.slow
@settings(
    max_examples=at_most(10),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    seed=st.integers(0, 2**32 - 1),
    changes=st.integers(0, 12),
    page_size=st.sampled_from([None, 30, 100]),
    quick_after=st.booleans(),
)
@LEGACY_LIST
def test_syncs_of_a_busy_store_with_heavy_ties_end_with_exactly_its_customers(
    make_rig: RigFactory, seed: int, changes: int, page_size: int | None, quick_after: bool
) -> None:
    """The seed registers customers in bursts sharing seconds and the store orders ties
    differently in every request (reference 19.1); meanwhile customers are created (in one
    second, as a bulk import does) and deleted between the sync's requests. Whatever the
    interleaving, the syncs end with the cache holding exactly the store's customers, and no
    sync claims completeness it did not prove."""
    rig = make_rig(customers=260, connection={"page_size": page_size}, tie_seed=seed % 1000)
    rng = random.Random(seed)
    lock = threading.Lock()
    left = [changes]
    made = [0]
    real_request = rig.transport.request

    def busy(method: str, route: str, params: Any = (), **options: Any) -> ApiResponse:
        with lock:
            if left[0] and route == "/customers" and rng.random() < 0.6:
                left[0] -= 1
                if rng.random() < 0.5:
                    made[0] += 1
                    login = f"busy{made[0]}"
                    rig.store.create_user(login, f"{login}.{seed}@x.example", "customer")
                else:  # anyone but the administrator, who owns the API key
                    victims = sorted(i for i in rig.census() if i != 1)
                    rig.delete(victims[rng.randrange(len(victims))])
        return real_request(method, route, params, **options)

    rig.transport.request = busy  # type: ignore[method-assign]
    first = rig.engine.sync(SyncMode.FULL)
    if not first.complete:
        assert first.removed == 0, "an unproven walk removes nothing"
    if quick_after:
        left[0] = changes
        with rig.store.db.write() as conn:  # a bulk edit: many customers stamped in one second
            conn.execute(
                "UPDATE users SET last_update = ? WHERE id % 3 = 0",
                (int(time.time()) + 60,),
            )
        quick = rig.engine.sync(SyncMode.QUICK)
        if not quick.complete:
            assert quick.removed == 0, "an unproven census removes nothing"
    left[0] = 0  # the store is quiet again
    settle = rig.engine.sync(SyncMode.FULL)
    assert settle.complete
    assert_complete(rig, settle)
