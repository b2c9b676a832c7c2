"""The page planner's rules, its memory, the failure classifier and offset windows.

Everything but the last tests is pure: page times come from a small deterministic model of a
store (a fixed cost per request, a cost per customer, a few PHP workers, network latency), never
from a clock, so no test sleeps or asserts on timing. The last tests walk a demo store with
windows of changing sizes, to show the store honours ``filter[offset]`` with ``filter[limit]``.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass

import pytest

from app.api.client import CustomerQuery, WooClient
from app.api.connection import StoreConnection
from app.api.page_plan import (
    MEMORY_VERSION,
    FailureKind,
    OffsetWindow,
    PagePlanner,
    PlanLimits,
    PlanMemory,
    failure_kind,
)
from app.errors import (
    AuthError,
    CancelledError,
    NetworkError,
    NotFoundError,
    ProtocolError,
    RateLimitedError,
    ServerError,
    ValidationError,
)
from tests.conftest import StoreFactory

NOW = 1_800_000_000.0
DAY = 24 * 3600.0


def clock() -> float:
    return NOW


def planner(memory: PlanMemory | None = None, limits: PlanLimits | None = None) -> PagePlanner:
    return PagePlanner(memory, limits, clock=clock)


@dataclass(frozen=True)
class ModelStore:
    """Page seconds of a store: latency + queueing x (start-up + customers x per customer)."""

    per_request: float = 0.2
    per_customer: float = 0.0003
    workers: int = 2
    latency: float = 0.0

    def seconds(self, customers: int, in_flight: int) -> float:
        service = self.per_request + self.per_customer * customers
        # A closed loop: throughput is the lesser of in_flight / (latency + service) and
        # workers / service (more requests than PHP workers wait for a turn), and each page
        # takes in_flight / throughput.
        return max(self.latency + service, in_flight * service / self.workers)


def walk(plan: PagePlanner, store: ModelStore, pages: int) -> list[tuple[int, int]]:
    """Feed ``pages`` whole pages to the planner; the (size, concurrency) each was sent with."""
    sent = []
    for _ in range(pages):
        size, in_flight = plan.next_page_size(), plan.concurrency
        sent.append((size, in_flight))
        plan.record_success(size, store.seconds(size, in_flight), asked=size, in_flight=in_flight)
    return sent


# -- starting point ---------------------------------------------------------------------------


def test_starts_from_the_defaults_without_memory() -> None:
    plan = planner()
    assert (plan.page_size, plan.concurrency, plan.ceiling) == (100, 3, None)
    assert plan.next_page_size() == 100


def test_limits_are_checked() -> None:
    with pytest.raises(ValueError, match="page sizes"):
        PlanLimits(min_page_size=200, start_page_size=100)
    with pytest.raises(ValueError, match="concurrency"):
        PlanLimits(start_concurrency=5, max_concurrency=4)
    with pytest.raises(ValueError, match="growth"):
        PlanLimits(growth=1.0)


def test_the_first_page_stays_small_when_a_larger_plan_is_remembered() -> None:
    assert planner().first_page_size() == 100
    warm = planner(PlanMemory(500, 3, None, None, None, NOW))
    assert (warm.first_page_size(), warm.next_page_size()) == (100, 500)
    assert planner(PlanMemory(60, 3, None, None, None, NOW)).first_page_size() == 60
    # The first page proves nothing about the remembered size, but is timed.
    warm.record_success(100, 0.23, asked=100, in_flight=1)
    assert warm.page_size == 500


def test_next_page_size_does_not_ask_past_the_remaining_customers() -> None:
    plan = planner()
    assert plan.next_page_size(remaining=37) == 37
    assert plan.next_page_size(remaining=5000) == 100
    assert plan.next_page_size(remaining=0) == 100


# -- growing ----------------------------------------------------------------------------------


def test_fast_whole_pages_double_the_page_up_to_the_cap() -> None:
    plan = planner()
    sizes = [size for size, _ in walk(plan, ModelStore(), 5)]
    assert sizes == [100, 200, 400, 500, 500]


def test_a_page_of_an_older_smaller_size_does_not_grow_the_page() -> None:
    plan = planner()
    plan.record_success(100, 0.23, asked=100)
    assert plan.page_size == 200
    plan.record_success(100, 0.23, asked=100)  # sent before the growth: proves nothing new
    assert plan.page_size == 200


def test_a_short_page_mid_list_means_the_store_caps_pages() -> None:
    plan = planner()
    plan.record_success(100, 0.2, asked=100)
    plan.record_success(150, 0.2, asked=200)  # not the end of the list: the store cut it
    assert plan.page_size == 150
    walk(plan, ModelStore(), 6)
    assert plan.page_size == 150


def test_the_short_last_page_is_no_cap() -> None:
    plan = planner()
    plan.record_success(30, 0.2, asked=100, end_of_list=True)
    assert plan.page_size == 100
    plan.record_success(100, 0.2, asked=100)
    assert plan.page_size == 200


def test_growth_stops_where_a_page_would_pass_the_time_target() -> None:
    plan = planner(limits=PlanLimits(target_page_seconds=10.0))
    plan.record_success(100, 8.0, asked=100)  # 80 ms a customer: 125 fit in 10 s
    assert plan.page_size == 125
    plan.record_success(125, 9.5, asked=125)
    assert plan.page_size == 125


def test_a_page_slower_than_the_target_shrinks_the_plan_to_fit() -> None:
    memory = PlanMemory(400, 3, None, None, None, NOW)
    plan = planner(memory)
    assert plan.page_size == 400
    plan.record_success(400, 20.0, asked=400)  # 50 ms a customer: 200 fit in 10 s
    assert plan.page_size == 200


# -- failures ---------------------------------------------------------------------------------


def grown_to(size: int) -> PagePlanner:
    plan = PagePlanner(PlanMemory(size, 3, None, None, None, NOW), clock=clock)
    assert plan.page_size == size
    return plan


def test_a_timeout_halves_the_page_sets_a_ceiling_and_takes_a_request_out_of_flight() -> None:
    plan = grown_to(400)
    plan.record_failure(FailureKind.TIMEOUT, asked=400)
    assert (plan.page_size, plan.concurrency, plan.ceiling) == (200, 2, 400)


def test_failures_of_pages_from_before_a_halving_change_nothing_more() -> None:
    plan = grown_to(400)
    plan.record_failure(FailureKind.TIMEOUT, asked=400)
    plan.record_failure(FailureKind.TIMEOUT, asked=400)  # its twin, in flight at the time
    assert (plan.page_size, plan.concurrency) == (200, 2)


def test_memory_and_time_limits_halve_the_page_but_keep_the_concurrency() -> None:
    for kind in (FailureKind.MEMORY_LIMIT, FailureKind.TIME_LIMIT):
        plan = grown_to(400)
        plan.record_failure(kind, asked=400)
        assert (plan.page_size, plan.concurrency, plan.ceiling) == (200, 3, 400)


def test_a_server_error_halves_page_and_concurrency_step_without_a_ceiling() -> None:
    plan = grown_to(400)
    plan.record_failure(FailureKind.SERVER_ERROR, asked=400)
    assert (plan.page_size, plan.concurrency, plan.ceiling) == (200, 2, None)


def test_a_rate_limit_halves_the_requests_in_flight_but_keeps_the_page() -> None:
    plan = grown_to(400)
    plan.record_failure(FailureKind.RATE_LIMITED, asked=400)
    assert (plan.page_size, plan.concurrency) == (400, 1)
    plan.record_failure(FailureKind.RATE_LIMITED, asked=400)
    assert plan.concurrency == 1


def test_repeated_failures_stop_at_the_smallest_page_and_one_request() -> None:
    plan = planner()
    for _ in range(10):
        plan.record_failure(FailureKind.TIMEOUT, asked=plan.page_size)
    assert (plan.page_size, plan.concurrency, plan.ceiling) == (10, 1, 10)


def test_after_a_failure_the_page_grows_again_but_stays_below_the_ceiling() -> None:
    plan = grown_to(400)
    plan.record_failure(FailureKind.TIMEOUT, asked=400)
    store = ModelStore()
    sizes = [size for size, _ in walk(plan, store, 6)]
    # Three whole pages to recover, then growth up to 3/4 of the failed size.
    assert sizes == [200, 200, 200, 300, 300, 300]


def test_a_transient_server_error_lets_the_page_grow_back_to_the_cap() -> None:
    plan = grown_to(500)
    plan.record_failure(FailureKind.SERVER_ERROR, asked=500)
    sizes = [size for size, _ in walk(plan, ModelStore(), 5)]
    assert sizes == [250, 250, 250, 500, 500]


# -- requests in flight -----------------------------------------------------------------------


def test_concurrency_settles_at_the_workers_of_a_saturated_store() -> None:
    """Two PHP workers, no latency: a third request only waits, and is given up."""
    plan = planner()
    sent = walk(plan, ModelStore(workers=2), 40)
    assert plan.concurrency == 2
    assert {c for _, c in sent} <= {1, 2, 3, 4}
    assert sent[-10:] == [(500, 2)] * 10


def test_concurrency_rises_while_more_requests_bring_more_throughput() -> None:
    """Many workers and a slow network: every extra request in flight pays."""
    plan = planner()
    walk(plan, ModelStore(workers=8, latency=0.3), 40)
    assert plan.concurrency == 4


def test_latency_is_hidden_by_one_request_more_than_the_workers() -> None:
    """Two workers, 150 ms latency: the third request keeps both workers busy."""
    plan = planner(limits=PlanLimits(start_concurrency=2))
    walk(plan, ModelStore(workers=2, latency=0.15), 40)
    assert plan.concurrency == 3


def test_pages_sent_before_a_concurrency_change_do_not_count_for_the_new_one() -> None:
    plan = planner()
    walk(plan, ModelStore(), 4)  # grown to 500: now measuring at 3 in flight
    for _ in range(10):
        plan.record_success(500, 0.5, asked=500, in_flight=1)
    assert plan.concurrency == 3


def test_memory_keeps_the_proven_concurrency_not_a_probe_in_progress() -> None:
    plan = planner()
    walk(plan, ModelStore(workers=2), 4 + 3)  # grown to 500, then a baseline round at 3
    assert plan.concurrency == 4  # now trying one more
    assert plan.memory().concurrency == 3


# -- memory -----------------------------------------------------------------------------------


def test_the_cost_fit_recovers_fixed_and_per_customer_costs() -> None:
    plan = planner()
    assert plan.costs is None
    walk(plan, ModelStore(per_request=0.2, per_customer=0.0003, workers=4), 4)
    costs = plan.costs
    assert costs is not None
    assert costs[0] == pytest.approx(0.2)
    assert costs[1] == pytest.approx(0.0003)


def test_memory_holds_the_plan_and_what_was_learnt() -> None:
    plan = planner()
    walk(plan, ModelStore(workers=4), 4)
    plan.record_failure(FailureKind.MEMORY_LIMIT, asked=500)
    memory = plan.memory()
    assert (memory.page_size, memory.concurrency, memory.ceiling) == (250, 3, 500)
    assert memory.seconds_per_request == pytest.approx(0.2)
    assert memory.seconds_per_customer == pytest.approx(0.0003)
    assert memory.recorded_at == NOW


def test_memory_survives_json() -> None:
    memory = PlanMemory(300, 2, 0.25, 0.0004, 400, NOW)
    data = json.loads(json.dumps(memory.to_dict()))
    assert data["version"] == MEMORY_VERSION
    assert PlanMemory.from_dict(data) == memory
    unknown = PlanMemory(100, 3, None, None, None, NOW)
    assert PlanMemory.from_dict(json.loads(json.dumps(unknown.to_dict()))) == unknown


@pytest.mark.parametrize(
    "change",
    [
        {"version": 99},
        {"page_size": 0},
        {"page_size": "300"},
        {"page_size": True},
        {"concurrency": -1},
        {"seconds_per_request": -0.1},
        {"seconds_per_customer": "fast"},
        {"seconds_per_customer": float("nan")},
        {"ceiling": 0},
        {"ceiling": 1.5},
        {"recorded_at": None},
    ],
)
def test_damaged_memory_is_ignored(change: dict[str, object]) -> None:
    data = {**PlanMemory(300, 2, 0.25, 0.0004, 400, NOW).to_dict(), **change}
    assert PlanMemory.from_dict(data) is None


def test_memory_that_is_not_a_mapping_is_ignored() -> None:
    assert PlanMemory.from_dict(None) is None
    assert PlanMemory.from_dict([1, 2]) is None


def test_a_remembered_plan_is_where_the_next_walk_starts() -> None:
    plan = planner(PlanMemory(300, 2, 0.2, 0.0003, None, NOW - DAY))
    assert (plan.page_size, plan.concurrency) == (300, 2)


def test_a_remembered_plan_stays_within_limits_and_below_its_ceiling() -> None:
    assert planner(PlanMemory(5000, 10, None, None, None, NOW)).page_size == 500
    assert planner(PlanMemory(5000, 10, None, None, None, NOW)).concurrency == 4
    assert planner(PlanMemory(500, 2, None, None, 400, NOW)).page_size == 300
    assert planner(PlanMemory(2, 2, None, None, None, NOW)).page_size == 10


def test_remembered_costs_cap_the_first_page_by_the_time_target() -> None:
    # 2.5 s start-up and 45 ms a customer: 500 would take 25 s, 200 fit in the 10 s target.
    plan = planner(PlanMemory(500, 2, 2.5, 0.045, None, NOW))
    assert plan.page_size == 200


def test_an_old_memory_is_ignored() -> None:
    plan = planner(PlanMemory(400, 1, None, None, 100, NOW - 31 * DAY))
    assert (plan.page_size, plan.concurrency, plan.ceiling) == (100, 3, None)


# -- threads ----------------------------------------------------------------------------------


def test_pages_completing_on_many_threads_keep_the_plan_consistent() -> None:
    plan = planner()
    store = ModelStore()
    start = threading.Barrier(4)

    def worker(index: int) -> None:
        start.wait()
        for step in range(500):
            size, in_flight = plan.next_page_size(), plan.concurrency
            if (index + step) % 97 == 0:
                plan.record_failure(FailureKind.SERVER_ERROR, asked=size)
            else:
                seconds = store.seconds(size, in_flight)
                plan.record_success(size, seconds, asked=size, in_flight=in_flight)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert 10 <= plan.page_size <= 500
    assert 1 <= plan.concurrency <= 4


# -- classifying failures ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "kind"),
    [
        (
            NetworkError(
                "The store did not answer within 60 seconds.",
                detail="ReadTimeout: HTTPConnectionPool(...): Read timed out.",
            ),
            FailureKind.TIMEOUT,
        ),
        (ServerError("HTTP 504", status=504), FailureKind.TIMEOUT),
        (ServerError("HTTP 500", status=500), FailureKind.SERVER_ERROR),
        (ServerError("HTTP 503", status=503), FailureKind.SERVER_ERROR),
        (
            ServerError(
                "The store's server failed (HTTP 500).",
                status=500,
                detail="'<b>Fatal error</b>: Allowed memory size of 134217728 bytes exhausted'",
            ),
            FailureKind.MEMORY_LIMIT,
        ),
        (
            ServerError(
                "The store's server failed (HTTP 500).",
                status=500,
                detail="Fatal error: Maximum execution time of 30 seconds exceeded",
            ),
            FailureKind.TIME_LIMIT,
        ),
        (RateLimitedError("The store asked to slow down.", status=429), FailureKind.RATE_LIMITED),
        (
            NetworkError("The connection to the store broke while its answer arrived."),
            FailureKind.SERVER_ERROR,
        ),
        (
            ProtocolError("The store's answer was cut short or damaged.", status=200),
            None,
        ),
        (NetworkError("Could not connect to the store (http://x). Check..."), None),
        (AuthError("The store does not know this consumer key."), None),
        (NotFoundError("gone"), None),
        (ValidationError("refused"), None),
        (CancelledError("Cancelled."), None),
        (ValueError("not an app error"), None),
    ],
)
def test_failures_are_classified_by_what_they_say_about_the_plan(
    error: BaseException, kind: FailureKind | None
) -> None:
    assert failure_kind(error) is kind


def test_a_json_answer_cut_short_is_a_server_error() -> None:
    error = ProtocolError("The store's answer was cut short or damaged.", status=200)
    error.retryable = True  # what the transport sets for a truncated JSON body
    assert failure_kind(error) is FailureKind.SERVER_ERROR


def test_an_unrecoverable_network_error_is_no_plan_matter() -> None:
    error = NetworkError("The store's security certificate could not be verified.")
    error.retryable = False
    assert failure_kind(error) is None


# -- offset windows ---------------------------------------------------------------------------


def test_window_parameters() -> None:
    assert OffsetWindow(0, 100).params() == [("filter[limit]", "100")]
    assert OffsetWindow(250, 500).params() == [
        ("filter[limit]", "500"),
        ("filter[offset]", "250"),
    ]
    assert OffsetWindow(250, 500).end == 750


def test_a_window_splits_into_consecutive_smaller_windows() -> None:
    assert OffsetWindow(400, 250).split(100) == [
        OffsetWindow(400, 100),
        OffsetWindow(500, 100),
        OffsetWindow(600, 50),
    ]
    assert OffsetWindow(0, 50).split(100) == [OffsetWindow(0, 50)]


def test_windows_are_checked() -> None:
    with pytest.raises(ValueError, match="window"):
        OffsetWindow(-1, 10)
    with pytest.raises(ValueError, match="window"):
        OffsetWindow(0, 0)
    with pytest.raises(ValueError, match="size"):
        OffsetWindow(0, 10).split(0)


# -- windows against the demo store -----------------------------------------------------------


def _ids(client: WooClient, pairs: list[tuple[str, str]]) -> tuple[list[int], int]:
    answer = client.transport.request("GET", "/customers", pairs)
    total = answer.header_int("X-WC-Total")
    assert total is not None
    return [customer["id"] for customer in answer.body["customers"]], total


def test_windows_of_changing_sizes_walk_every_customer_once_in_id_order(
    start_store: StoreFactory,
) -> None:
    store = start_store(customers=57)
    client = WooClient(StoreConnection(store.base_url, store.consumer_key, store.consumer_secret))
    order = CustomerQuery(orderby="ID", order="ASC").params()
    try:
        walked: list[int] = []
        offset, total = 0, 1
        for size in [5, 10, 3, 20, 50]:
            if offset >= total:
                break
            ids, total = _ids(client, [*order, *OffsetWindow(offset, size).params()])
            walked += ids
            offset += size
        everyone, _ = _ids(client, [*order, ("filter[limit]", "-1")])
    finally:
        client.close()
    assert total == 57
    assert walked == everyone == sorted(everyone)


def test_a_non_zero_offset_wins_over_page(start_store: StoreFactory) -> None:
    store = start_store(customers=30)
    client = WooClient(StoreConnection(store.base_url, store.consumer_key, store.consumer_secret))
    order = CustomerQuery(orderby="ID", order="ASC").params()
    try:
        window = OffsetWindow(7, 5)
        plain, _ = _ids(client, [*order, *window.params()])
        with_page, _ = _ids(client, [*order, *window.params(), ("page", "4")])
        everyone, _ = _ids(client, [*order, ("filter[limit]", "-1")])
    finally:
        client.close()
    assert plain == with_page == everyone[7:12]
