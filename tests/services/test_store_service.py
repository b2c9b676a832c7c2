"""StoreService and its ApiWorker against the embedded demo store, over real loopback HTTP.

Each test starts a demo store, builds a service whose worker thread talks to it and writes to a
cache under tmp_path, and judges the outcome by the service's signals and by reading the cache
with a connection of its own (as the GUI's models do). Waits are on the service's signals or
state only: they are emitted in the GUI thread, which is what pytest-qt can wait on cleanly. The
fixture shuts every service down, so no thread outlives its test.

The service's client is the app's own, detected as the GUI's session detects it; the tests that
start a store do so in every store profile (``profile_store``), so the worker facade under the
GUI is held to the same outcomes on legacy, modern-only and mixed stores.
"""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Callable, Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from shiboken6 import Shiboken

from app.api.choice import (
    ApiChoice,
    SavedDetection,
    StoreApis,
    open_store_client,
    underlying_client,
)
from app.api.client import SaveResult, StoreInfo, WooClient
from app.api.connection import StoreConnection
from app.cache.repository import CustomerCache
from app.cache.sync import SyncMode, SyncProgress, SyncReport
from app.demo_store import DemoStore, Fault
from app.domain.customer import Customer, CustomerDraft
from app.errors import AppError, CancelledError, ConfigurationError, NetworkError, ValidationError
from app.services.events import (
    BusyChanged,
    CustomerDeleted,
    CustomerFound,
    CustomerSaved,
    CustomersChanged,
    CustomersDeleted,
    DeleteManyResult,
    DeleteProgress,
    DeleteProgressed,
    DownloadsLoaded,
    ImportPlanned,
    OnlineChanged,
    OrdersLoaded,
    RequestFailed,
    StoreInfoLoaded,
    SyncFinished,
    SyncProgressed,
)
from app.services.store_service import THROTTLE_SECONDS, StoreService
from app.workers import api_worker
from app.workers.api_worker import UNEXPECTED_MESSAGE
from tests.conftest import StoreFactory, StoreProfile
from tests.support.events import expect, heard, not_heard, on
from tests.support.store_db import downloader

#: Generous upper bounds for waits: a slow CI machine must not fail a correct test.
SHORT = 10_000
LONG = 30_000


class Heartbeat:
    """A fast GUI-thread timer that remembers the longest gap between its ticks."""

    def __init__(self, interval_ms: int = 5) -> None:
        self.longest = 0.0
        self.ticks = 0
        self._last = time.monotonic()
        self._timer = QTimer()
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.monotonic()
        self.longest = max(self.longest, now - self._last)
        self._last = now
        self.ticks += 1

    def start(self) -> None:
        self._last = time.monotonic()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()


ServiceFactory = Callable[..., StoreService]


def connection_for(store: DemoStore, **options: Any) -> StoreConnection:
    """A connection to the store that retries quickly (outages are simulated, not waited out)."""
    return StoreConnection(
        store.base_url,
        store.consumer_key,
        store.consumer_secret,
        backoff=0.01,
        max_backoff=0.05,
        **options,
    )


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def client_for_store(
    store: DemoStore,
    remember: Callable[[SavedDetection], None] | None = None,
    **options: Any,
) -> WooClient:
    """The app's client for a store, as the GUI's session opens it: detected on first use."""
    return open_store_client(connection_for(store, **options), ApiChoice.AUTO, remember=remember)


def offered(profile: StoreProfile) -> StoreApis:
    """What a store of this profile says it offers."""
    return StoreApis(legacy=profile.api in ("legacy", "both"), modern=profile.api != "legacy")


@pytest.fixture
def make_service(
    request: pytest.FixtureRequest, qapp: QApplication, start_store: StoreFactory, cache_dir: Path
) -> Iterator[ServiceFactory]:
    """Build started services for demo stores; every one is shut down at teardown.

    The service's client is the app's own, detected as the GUI detects it (so a store of the
    test's profile gets that profile's client). Depends on start_store so that services stop
    before their stores do.
    """
    services: list[StoreService] = []
    detections: list[SavedDetection] = []

    def make(
        store: DemoStore | None = None,
        *,
        factory: Callable[[], WooClient] | None = None,
        **options: Any,
    ) -> StoreService:
        if factory is None:
            assert store is not None

            def factory() -> WooClient:
                return client_for_store(store, detections.append, **options)

        identity = store.base_url if store is not None else "http://127.0.0.1:9"
        service = StoreService(factory, cache_dir, identity)
        services.append(service)
        service.start()
        return service

    yield make
    for service in services:
        service.shutdown()
        assert not any(thread.isRunning() for thread in service.threads)
    if "store_profile" in request.fixturenames:  # the app saw the store as its profile says
        profile: StoreProfile = request.getfixturevalue("store_profile")
        assert {d.apis for d in detections} <= {offered(profile)}, (profile, detections)


@pytest.fixture
def open_cache(cache_dir: Path) -> Iterator[Callable[[DemoStore], CustomerCache]]:
    """Open a store's cache as the GUI would (a connection of its own); closed at teardown."""
    opened: list[CustomerCache] = []

    def open_(store: DemoStore) -> CustomerCache:
        cache = CustomerCache.open(cache_dir, store.base_url)
        opened.append(cache)
        return cache

    yield open_
    for cache in opened:
        cache.close()


def buyers(store: DemoStore, count: int) -> list[tuple[int, int]]:
    """(customer id, number of orders) of the customers with the most orders."""
    rows = store.db.connection().execute(
        "SELECT customer_id, COUNT(*) FROM orders WHERE customer_id > 0"
        " GROUP BY customer_id ORDER BY 2 DESC, 1 LIMIT ?",
        (count,),
    )
    return [(int(row[0]), int(row[1])) for row in rows]


def a_customer_email(store: DemoStore) -> str:
    row = (
        store.db.connection()
        .execute("SELECT email FROM users WHERE role = 'customer' ORDER BY id LIMIT 1")
        .fetchone()
    )
    return str(row[0])


# -- sync ----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_first_sync_streams_changes_throttled_and_fills_the_cache(
    qtbot: QtBot,
    profile_store: StoreFactory,
    make_service: ServiceFactory,
    open_cache: Callable[[DemoStore], CustomerCache],
) -> None:
    # Small pages with some latency: the sync takes long enough to stream in several steps.
    store = profile_store(customers=400, latency_ms=40)
    service = make_service(store, page_size=20, concurrency=2)
    changes = heard(service, CustomersChanged)
    progress = heard(service, SyncProgressed)
    # When the service emitted each, by its own clock: the time a slot here reads would add
    # however long the OS kept this thread waiting (tens of ms on a loaded machine).
    emitted: list[float] = []
    on(service, CustomersChanged, lambda _event: emitted.append(service._last_flush))

    with expect(qtbot, service, SyncFinished, timeout=LONG) as finished:
        service.sync(SyncMode.FULL)

    report: SyncReport = finished.event.report
    assert len(changes) >= 3, "the first customers must show before the sync ends"
    stored: set[int] = set()
    for change in changes:
        assert change.removed == ()
        stored |= set(change.stored)
    cache = open_cache(store)
    assert stored == cache.all_ids()
    assert cache.count() == report.held == report.store_total
    assert report.held >= 400
    # Throttled: emissions (but the final flush) keep the promised spacing.
    assert len(emitted) == len(changes)
    gaps = [later - earlier for earlier, later in pairwise(emitted)]
    # (Qt's timers count whole milliseconds: the spacing may come out a fraction short of one.)
    assert all(gap >= THROTTLE_SECONDS - 0.001 for gap in gaps[:-1]), gaps
    # The last progress report always arrives.
    last: SyncProgress = progress[-1].progress
    assert last.phase == "done"
    assert not service.busy


@pytest.mark.slow
def test_a_running_sync_is_not_duplicated_and_cancel_reports_cancelled(
    qtbot: QtBot, profile_store: StoreFactory, make_service: ServiceFactory
) -> None:
    store = profile_store(customers=300, latency_ms=50)
    service = make_service(store, page_size=10, concurrency=2)
    events = heard(service, SyncFinished, RequestFailed)

    with expect(qtbot, service, CustomersChanged, timeout=LONG):
        first = service.sync(SyncMode.FULL)
    assert service.sync() == first

    with expect(qtbot, service, RequestFailed, timeout=SHORT) as failed:
        service.cancel_sync()
        # A sync asked for while the cancelled one winds down is a new one; it waits its turn.
        second = service.sync()
    assert second != first
    request_id, kind, error = failed.event.request_id, failed.event.kind, failed.event.error
    assert (request_id, kind) == (first, "sync")
    assert isinstance(error, CancelledError)

    with expect(qtbot, service, SyncFinished, timeout=LONG) as finished:
        pass
    assert finished.event.report.held >= 300
    assert [type(event) for event in events] == [RequestFailed, SyncFinished]


@pytest.mark.slow
def test_short_requests_have_their_own_lane_and_never_wait_behind_a_sync(
    qtbot: QtBot, profile_store: StoreFactory, make_service: ServiceFactory
) -> None:
    """A customer's orders, a save and the store's index are answered while a long sync runs,
    by the short requests' worker: not after the sync, and not nested inside it."""
    store = profile_store(customers=300, latency_ms=50)
    [(buyer, _)] = buyers(store, 1)
    service = make_service(store, page_size=10, concurrency=2)
    events = heard(service, SyncFinished, OrdersLoaded, CustomerSaved, StoreInfoLoaded)

    with expect(qtbot, service, CustomersChanged, timeout=LONG):
        service.sync(SyncMode.FULL)
    with expect(qtbot, service, OrdersLoaded, timeout=SHORT):
        service.load_orders(buyer)
    with expect(qtbot, service, CustomerSaved, timeout=SHORT):
        service.update_customer(buyer, {"first_name": "Lane"})
    with expect(qtbot, service, StoreInfoLoaded, timeout=SHORT):
        service.load_store_info()
    with expect(qtbot, service, SyncFinished, timeout=LONG):
        pass
    assert [type(event) for event in events] == [
        OrdersLoaded,
        CustomerSaved,
        StoreInfoLoaded,
        SyncFinished,
    ]
    assert [thread.objectName() for thread in service.threads] == ["api-long", "api-short"]
    source = inspect.getsource(api_worker)
    assert "processEvents" not in source, "no request runs nested inside another"


@pytest.mark.slow
def test_the_gui_thread_keeps_running_during_a_sync(
    qtbot: QtBot, profile_store: StoreFactory, make_service: ServiceFactory
) -> None:
    store = profile_store(customers=2000)
    service = make_service(store)
    heartbeat = Heartbeat()
    heartbeat.start()
    try:
        with expect(qtbot, service, SyncFinished, timeout=LONG):
            service.sync()
    finally:
        heartbeat.stop()
    # The GUI thread kept running its event loop all through the sync. How long its longest
    # pause was is a benchmark row ("app: longest event-loop stall ... during a full sync",
    # bench_gui), not an assertion here: a wall-clock bound failed a correct run on a busy machine.
    assert heartbeat.ticks > 10


# -- a customer's orders and downloads -----------------------------------------------------------


def test_orders_and_downloads_are_loaded_and_cached(
    qtbot: QtBot,
    profile_store: StoreFactory,
    make_service: ServiceFactory,
    open_cache: Callable[[DemoStore], CustomerCache],
) -> None:
    store = profile_store(customers=40)
    [(buyer, order_count)] = buyers(store, 1)
    owner, download_count = downloader(store)
    service = make_service(store)

    with expect(qtbot, service, OrdersLoaded, timeout=SHORT) as orders_loaded:
        service.load_orders(buyer)
    customer_id, orders = orders_loaded.event.customer_id, orders_loaded.event.orders
    assert customer_id == buyer
    assert len(orders) == order_count

    with expect(qtbot, service, DownloadsLoaded, timeout=SHORT) as downloads_loaded:
        service.load_downloads(owner)
    customer_id, downloads = downloads_loaded.event.customer_id, downloads_loaded.event.downloads
    assert customer_id == owner
    assert len(downloads) == download_count

    cache = open_cache(store)
    cached_orders = cache.orders(buyer)
    cached_downloads = cache.downloads(owner)
    assert cached_orders is not None
    assert cached_downloads is not None
    assert [o.id for o in cached_orders] == [o.id for o in orders]
    assert [d.download_id for d in cached_downloads] == [d.download_id for d in downloads]


def test_the_latest_load_orders_wins(
    qtbot: QtBot, profile_store: StoreFactory, make_service: ServiceFactory
) -> None:
    store = profile_store(customers=40, latency_ms=30)
    (left, _), (chosen, chosen_orders) = buyers(store, 2)
    service = make_service(store)
    loaded = heard(service, OrdersLoaded)
    failures = heard(service, RequestFailed)

    service.load_orders(left)
    service.load_orders(chosen)
    qtbot.waitUntil(lambda: not service.busy, timeout=SHORT)

    assert [event.customer_id for event in loaded] == [chosen]
    assert len(loaded[0].orders) == chosen_orders
    assert failures == [], "the superseded request's cancellation is not reported"


# -- writes ----------------------------------------------------------------------------------


def test_create_update_and_delete_write_through_to_the_cache(
    qtbot: QtBot,
    profile_store: StoreFactory,
    make_service: ServiceFactory,
    open_cache: Callable[[DemoStore], CustomerCache],
) -> None:
    store = profile_store(customers=5)
    service = make_service(store)
    cache = open_cache(store)
    events = heard(service, CustomersChanged, CustomerSaved, CustomerDeleted)

    draft = CustomerDraft("ada@example.com", first_name="Ada", last_name="Lovelace")
    with expect(qtbot, service, CustomerSaved, timeout=SHORT) as saved:
        created = service.create_customer(draft.to_create_payload())
    request_id, result = saved.event.request_id, saved.event.result
    assert request_id == created
    assert isinstance(result, SaveResult)
    new_id = result.customer.id
    assert events == [CustomersChanged((new_id,), ()), CustomerSaved(created, result)]
    in_cache = cache.customer(new_id)
    assert in_cache is not None
    assert in_cache.first_name == "Ada"

    events.clear()
    with expect(qtbot, service, CustomerSaved, timeout=SHORT) as saved:
        updated = service.update_customer(new_id, {"first_name": "Augusta"})
    assert saved.event.request_id == updated
    assert saved.event.result.customer.first_name == "Augusta"
    assert [type(event) for event in events] == [CustomersChanged, CustomerSaved]
    in_cache = cache.customer(new_id)
    assert in_cache is not None
    assert in_cache.first_name == "Augusta"

    events.clear()
    with expect(qtbot, service, CustomerDeleted, timeout=SHORT) as deleted:
        removed = service.delete_customer(new_id)
    assert deleted.event == CustomerDeleted(removed, new_id)
    assert events[0] == CustomersChanged((), (new_id,))
    assert cache.customer(new_id) is None


def test_a_store_side_validation_error_names_its_field(
    qtbot: QtBot, profile_store: StoreFactory, make_service: ServiceFactory
) -> None:
    store = profile_store(customers=5)
    service = make_service(store)
    taken = a_customer_email(store)

    with expect(qtbot, service, RequestFailed, timeout=SHORT) as failed:
        request_id = service.create_customer(CustomerDraft(taken).to_create_payload())
    failed_id, kind, error = failed.event.request_id, failed.event.kind, failed.event.error
    assert (failed_id, kind) == (request_id, "save")
    assert isinstance(error, ValidationError)
    assert error.field == "email"
    assert service.online, "a refusal is an answer: the store is reachable"


def test_a_write_the_gate_refuses_fails_naming_its_field_and_never_reaches_the_store(
    qtbot: QtBot, profile_store: StoreFactory, make_service: ServiceFactory
) -> None:
    """The GUI's saves go through the client's write gate: an emptied email (which a store
    would erase) or a list as a name fails like a store's refusal, and the store is untouched."""
    store = profile_store(customers=5)
    service = make_service(store)
    email = a_customer_email(store)
    row = store.db.connection().execute("SELECT id FROM users WHERE email = ?", (email,)).fetchone()
    customer_id = int(row[0])

    with expect(qtbot, service, RequestFailed, timeout=SHORT) as failed:
        request_id = service.update_customer(customer_id, {"email": ""})
    assert [failed.event.request_id, failed.event.kind] == [request_id, "save"]
    error = failed.event.error
    assert isinstance(error, ValidationError)
    assert (error.field, error.message) == ("email", "Email: A customer's email cannot be removed.")

    with expect(qtbot, service, RequestFailed, timeout=SHORT) as failed:
        service.create_customer({"email": "list@example.com", "first_name": ["a", "b"]})
    assert getattr(failed.event.error, "field", None) == "first_name"

    assert service.online, "nothing was sent, and nothing says the store is away"
    emails = {str(r[0]) for r in store.db.connection().execute("SELECT email FROM users")}
    assert email in emails
    assert "list@example.com" not in emails


def test_find_by_email_and_store_info(
    qtbot: QtBot,
    profile_store: StoreFactory,
    make_service: ServiceFactory,
    open_cache: Callable[[DemoStore], CustomerCache],
) -> None:
    store = profile_store(customers=5)
    service = make_service(store)
    email = a_customer_email(store)
    busy = heard(service, BusyChanged)

    with expect(qtbot, service, CustomerFound, timeout=SHORT) as found:
        request_id = service.find_by_email(email.upper())
    customer = found.event.customer
    assert found.event.request_id == request_id
    assert isinstance(customer, Customer)
    assert customer.email == email
    assert open_cache(store).customer(customer.id) is not None, "what was found is cached"

    with expect(qtbot, service, CustomerFound, timeout=SHORT) as found:
        service.find_by_email("nobody@example.com")
    assert found.event.customer is None

    with expect(qtbot, service, StoreInfoLoaded, timeout=SHORT) as info:
        service.load_store_info()
    assert isinstance(info.event.info, StoreInfo)
    assert info.event.info.wc_version
    assert [event.busy for event in busy] == [True, False] * 3


# -- failures --------------------------------------------------------------------------------


def test_an_outage_goes_offline_once_and_the_next_success_comes_back(
    qtbot: QtBot, profile_store: StoreFactory, make_service: ServiceFactory
) -> None:
    store = profile_store(customers=5)
    service = make_service(store)
    online = heard(service, OnlineChanged)

    store.faults.schedule(Fault.RESET, count=1_000_000)
    with expect(qtbot, service, RequestFailed, timeout=SHORT) as failed:
        request_id = service.load_store_info()
    assert failed.event.request_id == request_id
    assert failed.event.kind == "store_info"
    assert isinstance(failed.event.error, NetworkError)
    assert [event.online for event in online] == [False]
    assert not service.online

    # Still down: another failure, but no second announcement.
    with expect(qtbot, service, RequestFailed, timeout=SHORT):
        service.load_orders(1)
    assert [event.online for event in online] == [False]

    store.faults.clear()
    with expect(qtbot, service, StoreInfoLoaded, timeout=SHORT):
        service.load_store_info()
    assert [event.online for event in online] == [False, True]
    assert service.online


def test_an_unexpected_exception_is_logged_and_reported(
    qtbot: QtBot, make_service: ServiceFactory, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> WooClient:
        raise RuntimeError("boom")

    service = make_service(factory=broken)
    with (
        caplog.at_level(logging.ERROR, logger="app.worker"),
        expect(qtbot, service, RequestFailed, timeout=SHORT) as failed,
    ):
        request_id = service.load_store_info()
    failed_id, kind, error = failed.event.request_id, failed.event.kind, failed.event.error
    assert (failed_id, kind) == (request_id, "store_info")
    assert type(error) is AppError
    assert error.message == UNEXPECTED_MESSAGE
    logged = [r for r in caplog.records if r.name == "app.worker" and r.exc_info]
    assert logged
    assert logged[0].exc_info is not None
    assert "boom" in str(logged[0].exc_info[1])
    assert service.online, "a bug says nothing about the store"


def test_an_app_error_while_setting_up_is_reported_as_it_is(
    qtbot: QtBot, make_service: ServiceFactory
) -> None:
    def unconfigured() -> WooClient:
        raise ConfigurationError("No store is configured.")

    service = make_service(factory=unconfigured)
    with expect(qtbot, service, RequestFailed, timeout=SHORT) as failed:
        service.sync()
    assert isinstance(failed.event.error, ConfigurationError)
    assert failed.event.kind == "sync"
    # The failed sync is over: a new request is a new sync.
    with expect(qtbot, service, RequestFailed, timeout=SHORT) as again:
        second = service.sync()
    assert again.event.request_id == second != failed.event.request_id


# -- shutdown --------------------------------------------------------------------------------


@pytest.mark.slow
def test_shutdown_with_a_sync_in_flight_stops_the_thread_in_time(
    qtbot: QtBot, profile_store: StoreFactory, make_service: ServiceFactory
) -> None:
    store = profile_store(customers=2000, latency_ms=50)
    service = make_service(store)
    workers = list(service._workers)
    with expect(qtbot, service, CustomersChanged, timeout=LONG):
        service.sync()
    assert service.busy

    # Finished within the 5 s it may wait (how soon: a benchmark row, bench_waits).
    service.shutdown(timeout_ms=5000)
    assert all(thread.isFinished() for thread in service.threads)
    assert not any(Shiboken.isValid(w) for w in workers), "workers are deleted in their threads"

    # Nothing arrives afterwards, a request is ignored and a second shutdown is harmless.
    with not_heard(qtbot, service, SyncFinished, RequestFailed, OrdersLoaded, wait=100):
        service.load_orders(1)
    service.shutdown()


@pytest.mark.slow
def test_shutdown_returns_at_its_timeout_while_a_request_hangs(
    qtbot: QtBot,
    profile_store: StoreFactory,
    make_service: ServiceFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = profile_store(customers=5)
    store.faults.slow_seconds = 1.0
    store.faults.schedule(Fault.SLOW)
    service = make_service(store)
    service.load_store_info()
    # The store's own counter (plain data, not a Qt object) says the request is on the wire.
    qtbot.waitUntil(lambda: store.faults.injected[Fault.SLOW] == 1, timeout=SHORT)

    with caplog.at_level(logging.WARNING, logger="app.worker"):
        service.shutdown(timeout_ms=100)
    short_lane = next(t for t in service.threads if t.objectName() == "api-short")
    assert short_lane.isRunning(), "a request on the wire cannot be interrupted"
    assert "did not stop" in caplog.text
    # It stops by itself once the answer arrives; nothing is reported any more.
    with not_heard(qtbot, service, StoreInfoLoaded):
        qtbot.waitUntil(short_lane.isFinished, timeout=SHORT)


@pytest.mark.slow
def test_a_dry_run_asked_for_during_a_sync_waits_for_it_on_the_long_lane(
    qtbot: QtBot,
    tmp_path: Path,
    profile_store: StoreFactory,
    store_profile: StoreProfile,
    make_service: ServiceFactory,
    open_cache: Callable[[DemoStore], CustomerCache],
) -> None:
    from app.importer.mapping import ColumnMapping
    from app.importer.planning import PlanOptions
    from app.importer.records import FileFormat

    store = profile_store(customers=300, latency_ms=50)
    pages: list[str] = []
    kinds: list[type[WooClient]] = []

    def counting_client() -> WooClient:
        """The app's client, counting the customer lists it asks the store for (any API)."""
        client = client_for_store(store, page_size=10, concurrency=2)
        detected = underlying_client(client)  # detects the store's API now
        kinds.append(type(detected))
        transport = detected.transport
        send = transport.request

        def request(method: str, route: str, *args: Any, **kwargs: Any) -> Any:
            if method == "GET" and route == "/customers":
                pages.append(route)
            return send(method, route, *args, **kwargs)

        transport.request = request  # type: ignore[method-assign]
        return client

    service = make_service(store, factory=counting_client)
    path = tmp_path / "new.csv"
    path.write_text("Email,First name\nnew.one@example.com,New\n", encoding="utf-8")
    finished = heard(service, SyncFinished)

    with expect(qtbot, service, CustomersChanged, timeout=LONG):
        service.sync(SyncMode.FULL)
    with expect(qtbot, service, ImportPlanned, timeout=LONG) as planned:
        service.plan_import(
            path,
            FileFormat("utf-8", ","),
            ColumnMapping.detect(("Email", "First name")),
            PlanOptions(),
        )
    assert planned.event.plan.totals.created == 1
    # Two long requests never overlap: the dry run waited for the sync, then matched the file
    # against its cache (after a quick sync of its own, which the sync left with little to do).
    assert len(finished) == 1, "the sync finished before the dry run was answered"
    assert finished[0].report.fetched == 301  # every account, the admin too
    assert len(pages) >= 31  # the full sync's 31 windows of 10
    # One client per lane, each of the store's API.
    assert kinds == [store_profile.client_type] * len(kinds)
    assert open_cache(store).count() == 301


def remove_from_store(store: DemoStore, customer_id: int) -> None:
    """Delete a customer behind the app's back (another admin did): the store then refuses
    the app's delete of them with a 404, a refusal rather than an outage."""
    with store.db.write() as conn:
        conn.execute("DELETE FROM users WHERE id = ?", (customer_id,))


def synced(
    qtbot: QtBot,
    store: DemoStore,
    make_service: ServiceFactory,
    open_cache: Callable[[DemoStore], CustomerCache],
) -> tuple[DemoStore, StoreService, CustomerCache]:
    """A service on ``store`` after a full sync, and the test's own look at its cache."""
    service = make_service(store)
    cache = open_cache(store)
    with expect(qtbot, service, SyncFinished, timeout=SHORT):
        service.sync(SyncMode.FULL)
    return store, service, cache


def test_deleting_several_customers_goes_on_past_a_refusal_and_moves_the_remembered_count(
    qtbot: QtBot,
    profile_store: StoreFactory,
    make_service: ServiceFactory,
    open_cache: Callable[[DemoStore], CustomerCache],
) -> None:
    store, service, cache = synced(qtbot, profile_store(customers=5), make_service, open_cache)
    assert cache.coverage().complete
    total_before = cache.coverage().store_total
    assert total_before is not None
    first, refused, last = sorted(cache.all_ids())[-3:]
    remove_from_store(store, refused)
    progressed = heard(service, DeleteProgressed)
    single = heard(service, CustomerDeleted)
    failures = heard(service, RequestFailed)

    with expect(qtbot, service, CustomersDeleted, timeout=SHORT) as deleted:
        request_id = service.delete_customers([first, refused, last])
    answered_id, result = deleted.event.request_id, deleted.event.result
    assert answered_id == request_id
    assert isinstance(result, DeleteManyResult)
    assert result.deleted == (first, last), "a refusal does not stop the others"
    assert [failure.customer_id for failure in result.failures] == [refused]
    assert result.failures[0].reason, "the store's reason, in words"
    assert (result.cancelled, result.stopped_by, result.not_tried) == (False, None, 0)
    progress = [event.progress for event in progressed]
    assert progress == [DeleteProgress(1, 3, 1), DeleteProgress(2, 3, 1), DeleteProgress(3, 3, 2)]
    assert not single, "one request, one answer: no per-customer CustomerDeleted"
    assert not failures, "a refusal is reported in the result, not as a failed request"
    assert service.online
    # As a single delete does: gone from the cache, and the store's remembered count moves along.
    # The one the store no longer has is forgotten too, as a single delete forgets it.
    assert {cache.customer(i) for i in (first, refused, last)} == {None}
    coverage = cache.coverage()
    assert coverage.store_total == total_before - 3
    assert coverage.complete, "the app's own deletes leave a complete copy complete"


def test_deleting_several_goes_on_past_an_error_page_and_stops_at_an_outage(
    qtbot: QtBot,
    profile_store: StoreFactory,
    make_service: ServiceFactory,
    open_cache: Callable[[DemoStore], CustomerCache],
) -> None:
    store, service, cache = synced(qtbot, profile_store(customers=6), make_service, open_cache)
    ids = sorted(cache.all_ids())[-6:]

    # The store fails on one customer's delete every time (a plugin's hook, say): an answer,
    # so the others are still tried.
    store.faults.schedule(
        Fault.SERVER_ERROR, count=100, method="DELETE", path=f"/customers/{ids[1]}$"
    )
    with expect(qtbot, service, CustomersDeleted, timeout=LONG) as deleted:
        service.delete_customers(ids[:3])
    result = deleted.event.result
    assert result.deleted == (ids[0], ids[2])
    assert [failure.customer_id for failure in result.failures] == [ids[1]]
    assert result.stopped_by is None
    assert service.online
    assert cache.customer(ids[1]) is not None, "not deleted: still in the cache"
    store.faults.clear()

    # No answer at all: the store cannot be reached, and the rest are not tried.
    store.faults.schedule(Fault.RESET, count=100, method="DELETE", path=f"/customers/{ids[3]}$")
    with expect(qtbot, service, CustomersDeleted, timeout=LONG) as deleted:
        service.delete_customers(ids[3:])
    result = deleted.event.result
    assert result.deleted == ()
    assert [failure.customer_id for failure in result.failures] == [ids[3]]
    assert isinstance(result.stopped_by, NetworkError)
    assert result.not_tried == 2
    assert not service.online
    assert all(cache.customer(customer_id) is not None for customer_id in ids[3:])
