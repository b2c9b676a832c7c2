"""The host cost model: start-up and per-customer costs, PHP workers, the time limit, options.

The middleware is tested with a recorder in place of the sleep, so what a request costs is the
model's figure, never a measured time; the worker limit with a gate that holds requests inside
their workers. The store-level tests check the options reach the middleware over real HTTP and
that the time limit's answer is one the client recognises.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterable
from typing import Any

import pytest

from app.api.client import WooClient
from app.api.connection import StoreConnection
from app.api.page_plan import FailureKind, failure_kind
from app.demo_store.cli import build_parser, store_config
from app.demo_store.costs import CostMiddleware, HostCosts, burn_cpu, customers_in
from app.errors import ServerError
from tests.conftest import StoreFactory
from tests.support.store_http import StoreHttp

WAIT = 5.0


class FakeStore:
    """A WSGI app answering a fixed body, counting the requests it handled."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.handled = 0

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        self.handled += 1
        start_response("200 OK", [("Content-Type", "application/json; charset=UTF-8")])
        return [self.body]


def customers_body(count: int) -> bytes:
    return json.dumps({"customers": [{"id": i} for i in range(count)]}).encode()


class Answer:
    """What the middleware handed to start_response, and the body."""

    def __init__(self, middleware: CostMiddleware) -> None:
        self.status = ""
        self.headers: list[tuple[str, str]] = []

        def start_response(status: str, headers: list[tuple[str, str]]) -> None:
            self.status, self.headers = status, headers

        self.body = b"".join(middleware({"REQUEST_METHOD": "GET"}, start_response))


# -- the model --------------------------------------------------------------------------------


def test_a_request_costs_its_start_up_plus_its_customers() -> None:
    costs = HostCosts(request_ms=200, customer_ms=0.3)
    assert costs.seconds(0) == pytest.approx(0.2)
    assert costs.seconds(500) == pytest.approx(0.35)
    assert costs.active
    assert not HostCosts().active
    assert HostCosts(php_workers=2).active


def test_negative_costs_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        HostCosts(request_ms=-1)
    with pytest.raises(ValueError, match="negative"):
        HostCosts(php_workers=-2)


def test_customers_are_counted_in_lists_and_single_answers() -> None:
    assert customers_in(customers_body(7)) == 7
    assert customers_in(b'{"customer":{"id":3}}') == 1
    assert customers_in(b'{"customers":[]}') == 0
    assert customers_in(b'{"orders":[{"id":1}]}') == 0
    assert customers_in(b'{"count":12}') == 0
    assert customers_in(b'{"customers":[{"id":1}') == 0  # cut short: nothing to count
    assert customers_in(b"") == 0


# -- the middleware ---------------------------------------------------------------------------


def test_the_cost_is_spent_before_the_answer_leaves() -> None:
    spent: list[float] = []
    store = FakeStore(customers_body(3))
    middleware = CostMiddleware(
        store, HostCosts(request_ms=200, customer_ms=0.5), spend=spent.append
    )
    answer = Answer(middleware)
    assert answer.status == "200 OK"
    assert answer.body == customers_body(3)
    assert spent == [pytest.approx(0.2015)]
    assert (middleware.requests, middleware.customers) == (1, 3)
    assert middleware.spent == pytest.approx(0.2015)


def test_a_request_over_the_time_limit_dies_with_php_fatal_error() -> None:
    spent: list[float] = []
    store = FakeStore(customers_body(100))
    costs = HostCosts(request_ms=200, customer_ms=300, time_limit_s=30)  # 30.2 s: too long
    middleware = CostMiddleware(store, costs, spend=spent.append)
    answer = Answer(middleware)
    assert store.handled == 1  # PHP got that far: what it did stays done
    assert spent == [30]
    assert answer.status == "500 Internal Server Error"
    assert ("Content-Type", "text/html; charset=UTF-8") in answer.headers
    assert b"Maximum execution time of 30 seconds exceeded" in answer.body
    assert middleware.cut_off == 1


def test_a_request_within_the_time_limit_is_answered() -> None:
    spent: list[float] = []
    costs = HostCosts(request_ms=200, customer_ms=1, time_limit_s=30)
    middleware = CostMiddleware(FakeStore(customers_body(100)), costs, spend=spent.append)
    assert Answer(middleware).status == "200 OK"
    assert spent == [pytest.approx(0.3)]
    assert middleware.cut_off == 0


def test_requests_beyond_the_php_workers_wait_for_a_free_one() -> None:
    entered = threading.Semaphore(0)
    gate = threading.Event()

    def spend(seconds: float) -> None:
        entered.release()
        gate.wait(WAIT)

    middleware = CostMiddleware(
        FakeStore(customers_body(1)), HostCosts(request_ms=1, php_workers=2), spend=spend
    )
    threads = [threading.Thread(target=Answer, args=(middleware,)) for _ in range(3)]
    try:
        for thread in threads[:2]:
            thread.start()
        assert entered.acquire(timeout=WAIT)
        assert entered.acquire(timeout=WAIT)
        threads[2].start()
        deadline = time.monotonic() + WAIT
        while middleware.waiting != 1:
            assert time.monotonic() < deadline, "the third request never queued"
            threading.Event().wait(0.005)
        assert middleware.busy == 2
        assert not entered.acquire(blocking=False)  # the third is queued, not in a worker
    finally:
        gate.set()
        for thread in threads:
            if thread.ident is not None:  # started
                thread.join(WAIT)
    assert entered.acquire(timeout=WAIT)  # it got its turn once a worker was free
    assert (middleware.requests, middleware.most_busy, middleware.waiting) == (3, 2, 0)


def test_without_a_worker_limit_nobody_waits() -> None:
    entered = threading.Semaphore(0)
    gate = threading.Event()

    def spend(seconds: float) -> None:
        entered.release()
        gate.wait(WAIT)

    middleware = CostMiddleware(FakeStore(b"{}"), HostCosts(request_ms=1), spend=spend)
    threads = [threading.Thread(target=Answer, args=(middleware,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        for _ in threads:
            assert entered.acquire(timeout=WAIT)
        assert middleware.busy == 4
    finally:
        gate.set()
        for thread in threads:
            thread.join(WAIT)


def test_a_stopping_store_does_not_sit_out_the_cost() -> None:
    stopping = threading.Event()
    stopping.set()
    middleware = CostMiddleware(FakeStore(b"{}"), HostCosts(request_ms=600_000), stopping=stopping)
    assert Answer(middleware).status == "200 OK"  # returns at once instead of in ten minutes
    burning = CostMiddleware(
        FakeStore(b"{}"), HostCosts(request_ms=600_000, burn_cpu=True), stopping=stopping
    )
    assert Answer(burning).status == "200 OK"


def test_burning_spends_at_least_the_cpu_time_asked() -> None:
    before = time.thread_time()
    burn_cpu(0.02)
    assert time.thread_time() - before >= 0.02


def test_the_burn_cpu_option_spends_the_cost_as_cpu_work() -> None:
    middleware = CostMiddleware(FakeStore(b"{}"), HostCosts(request_ms=20, burn_cpu=True))
    before = time.thread_time()
    Answer(middleware)
    assert time.thread_time() - before >= 0.02  # a sleep would have used next to no CPU


# -- a store with costs, over HTTP ------------------------------------------------------------


def test_store_options_put_the_model_in_front_of_the_store(start_store: StoreFactory) -> None:
    store = start_store(customers=3, request_cost_ms=1, customer_cost_ms=0.5, php_workers=2)
    assert store.costs is not None
    assert store.costs.costs == HostCosts(request_ms=1, customer_ms=0.5, php_workers=2)
    answer = StoreHttp(store).get("/customers")
    assert answer.status_code == 200
    assert len(answer.json()["customers"]) == 3
    assert (store.costs.requests, store.costs.customers) == (1, 3)
    assert store.costs.spent == pytest.approx(0.0025)


def test_a_store_without_cost_options_has_no_model(start_store: StoreFactory) -> None:
    assert start_store().costs is None


def test_the_time_limit_answer_is_recognised_by_the_client(start_store: StoreFactory) -> None:
    store = start_store(customers=3, request_cost_ms=5, php_time_limit_s=0.001)
    client = WooClient(
        StoreConnection(store.base_url, store.consumer_key, store.consumer_secret, max_retries=0)
    )
    try:
        with pytest.raises(ServerError) as caught:
            client.transport.request("GET", "/customers", [("filter[limit]", "3")])
    finally:
        client.close()
    assert caught.value.status == 500
    assert failure_kind(caught.value) is FailureKind.TIME_LIMIT


# -- command line -----------------------------------------------------------------------------


def test_command_line_options_reach_the_store_config() -> None:
    options = build_parser().parse_args(
        [
            "--request-cost-ms",
            "200",
            "--customer-cost-ms",
            "0.3",
            "--php-workers",
            "2",
            "--php-time-limit",
            "30",
            "--burn-cpu",
        ]
    )
    config = store_config(options)
    assert config.host_costs == HostCosts(
        request_ms=200, customer_ms=0.3, php_workers=2, time_limit_s=30, burn_cpu=True
    )
    assert not store_config(build_parser().parse_args([])).host_costs.active


@pytest.mark.parametrize(
    "argv",
    [
        ["--request-cost-ms", "-1"],
        ["--customer-cost-ms", "-0.1"],
        ["--php-workers", "-2"],
        ["--php-workers", "1.5"],
        ["--php-time-limit", "-30"],
    ],
)
def test_command_line_refuses_negative_costs(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        build_parser().parse_args(argv)
    assert exited.value.code == 2
    assert argv[0] in capsys.readouterr().err


def test_command_line_help_documents_the_cost_options() -> None:
    text = build_parser().format_help()
    for option in (
        "--request-cost-ms",
        "--customer-cost-ms",
        "--php-workers",
        "--php-time-limit",
        "--burn-cpu",
    ):
        assert option in text
