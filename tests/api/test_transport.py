"""Transport and client under failing networks: retries, backoff, lost answers, cancellation.

Faults come from the demo store's injector (resets, truncated bodies, proxy error pages, 429,
slow answers), before or after the store acted. A few cases need answers no store gives on
purpose (a redirect, a JSON 429); a tiny scripted WSGI server supplies those. Backoff delays are
recorded through the transport's ``sleep`` hook instead of being waited for.
"""

from __future__ import annotations

import logging
import random
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.utils import formatdate
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from app.api.client import CustomerQuery, WooClient
from app.api.connection import AuthMode, StoreConnection
from app.api.transport import USER_AGENT, ApiResponse, CancelToken, Transport, api_value
from app.api.walk import WalkWindow
from app.demo_store import DemoStore, Fault
from app.errors import (
    AppError,
    AuthError,
    CancelledError,
    NetworkError,
    NotFoundError,
    ProtocolError,
    RateLimitedError,
    ServerError,
    UnclearWriteError,
    ValidationError,
)
from tests.conftest import StoreFactory

KEY = "ck_0123456789abcdef0123456789abcdef01234567"
SECRET = "cs_89abcdef0123456789abcdef0123456789abcdef"
RETRYABLE_FAULTS = [
    Fault.RESET,
    Fault.TRUNCATED,
    Fault.SERVER_ERROR,
    Fault.BAD_GATEWAY,
    Fault.UNAVAILABLE,
    Fault.RATE_LIMITED,
]


@dataclass
class Harness:
    """A demo store, a client for it and the backoff delays the client asked to sleep."""

    store: DemoStore
    client: WooClient
    sleeps: list[float]

    def emails_in_store(self, email: str) -> int:
        row = (
            self.store.db.connection()
            .execute("SELECT COUNT(*) FROM users WHERE email = ? COLLATE NOCASE", (email,))
            .fetchone()
        )
        return int(row[0])


@pytest.fixture
def clients() -> Iterator[list[WooClient]]:
    """Clients made by a test; closed at teardown."""
    made: list[WooClient] = []
    yield made
    for client in made:
        client.close()


@pytest.fixture
def harness(start_store: StoreFactory, clients: list[WooClient]) -> Callable[..., Harness]:
    """A plain-HTTP (OAuth) store with ``customers`` and a fast-retrying, sleepless client."""

    def make(customers: int = 3, **options: Any) -> Harness:
        store = start_store(customers=customers)
        sleeps: list[float] = []
        client = _client(store.base_url, store, sleeps.append, **options)
        clients.append(client)
        return Harness(store, client, sleeps)

    return make


def _connection(url: str, key: str = KEY, secret: str = SECRET, **options: Any) -> StoreConnection:
    options.setdefault("backoff", 0.01)
    options.setdefault("max_backoff", 0.05)
    options.setdefault("max_retries", 3)
    options.setdefault("connect_timeout", 2.0)
    options.setdefault("read_timeout", 5.0)
    return StoreConnection(url, key, secret, **options)


def _client(
    url: str,
    store: DemoStore,
    sleep: Callable[[float], None] | None,
    rng: random.Random | None = None,
    **options: Any,
) -> WooClient:
    key = store.keys["read_write"]
    connection = _connection(url, key.consumer_key, key.consumer_secret, **options)
    return WooClient(connection, Transport(connection, sleep=sleep, rng=rng))


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


# -- a scripted server for answers the demo store never gives --------------------------------------


@dataclass
class Scripted:
    """A loopback server answering queued (status, headers, body) triples, recording requests."""

    url: str
    answers: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list)
    seen: list[dict[str, str]] = field(default_factory=list)

    def answer(self, status: str, body: bytes | str, **headers: str) -> None:
        data = body.encode() if isinstance(body, str) else body
        named = {name.replace("_", "-"): value for name, value in headers.items()}
        named.setdefault("Content-Type", "application/json; charset=UTF-8")
        self.answers.append((status, named, data))


class _Quiet(WSGIRequestHandler):
    def log(self, type: str, message: str, *args: Any) -> None:
        pass


@pytest.fixture
def scripted() -> Iterator[Scripted]:
    """A started scripted server; stopped at teardown."""
    holder: list[Scripted] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        script = holder[0]
        script.seen.append(
            {
                "method": environ["REQUEST_METHOD"],
                "path": environ["PATH_INFO"],
                "query": environ.get("QUERY_STRING", ""),
                "user_agent": environ.get("HTTP_USER_AGENT", ""),
                "accept": environ.get("HTTP_ACCEPT", ""),
                "authorization": environ.get("HTTP_AUTHORIZATION", ""),
            }
        )
        status, headers, body = script.answers.pop(0)
        start_response(status, [*headers.items(), ("Content-Length", str(len(body)))])
        return [body]

    server: BaseWSGIServer = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
    holder.append(Scripted(f"http://127.0.0.1:{server.port}"))
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield holder[0]
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def _scripted_client(
    scripted: Scripted, sleeps: list[float], clients: list[WooClient], **options: Any
) -> WooClient:
    connection = _connection(scripted.url, **options)
    client = WooClient(connection, Transport(connection, sleep=sleeps.append))
    clients.append(client)
    return client


# -- reads are retried -----------------------------------------------------------------------------


@pytest.mark.parametrize("fault", RETRYABLE_FAULTS, ids=str)
def test_get_is_retried_after_a_fault_and_succeeds(
    harness: Callable[..., Harness], fault: Fault
) -> None:
    h = harness(customers=4)
    h.store.faults.schedule(fault, method="GET", path="/customers/count")
    assert h.client.count_customers() == 4
    assert h.store.faults.injected[fault] == 1
    assert len(h.sleeps) == 1


@pytest.mark.parametrize("fault", [Fault.RESET, Fault.TRUNCATED, Fault.BAD_GATEWAY], ids=str)
def test_list_page_is_retried_and_nothing_is_lost(
    harness: Callable[..., Harness], fault: Fault
) -> None:
    h = harness(customers=25)
    h.store.faults.schedule(fault, method="GET", path="/customers$", count=2)
    customers = h.client.list_customers(page_size=10)
    assert len({customer.id for customer in customers}) == 25
    assert h.store.faults.injected[fault] == 2


@pytest.mark.parametrize(
    ("fault", "expected", "words"),
    [
        (Fault.RESET, NetworkError, "connection to the store broke"),
        (Fault.TRUNCATED, NetworkError, "connection to the store broke"),
        (Fault.SERVER_ERROR, ServerError, "HTTP 500"),
        (Fault.BAD_GATEWAY, ServerError, "HTTP 502"),
        (Fault.UNAVAILABLE, ServerError, "HTTP 503"),
        (Fault.RATE_LIMITED, RateLimitedError, "slow down"),
    ],
    ids=lambda value: str(value) if isinstance(value, Fault) else "",
)
def test_retries_exhausted_raise_the_right_error(
    harness: Callable[..., Harness], fault: Fault, expected: type[AppError], words: str
) -> None:
    h = harness(max_retries=2)
    h.store.faults.schedule(fault, method="GET", count=3)
    with pytest.raises(expected) as caught:
        h.client.count_customers()
    error = caught.value
    assert type(error) is expected
    assert words in error.message
    assert "<" not in error.message  # the proxy's HTML page stays in the detail
    assert not isinstance(error, UnclearWriteError)
    assert h.store.faults.injected[fault] == 3
    assert len(h.sleeps) == 2


def test_rate_limit_honours_retry_after(harness: Callable[..., Harness]) -> None:
    # The usual 429 comes from a host's rate limiter as an HTML page with Retry-After.
    h = harness(max_backoff=30.0)
    h.store.faults.retry_after = 3
    h.store.faults.schedule(Fault.RATE_LIMITED, method="GET")
    assert h.client.count_customers() == 3
    assert len(h.sleeps) == 1
    assert h.sleeps[0] >= h.store.faults.retry_after


def test_json_rate_limit_honours_retry_after(scripted: Scripted, clients: list[WooClient]) -> None:
    sleeps: list[float] = []
    client = _scripted_client(scripted, sleeps, clients, max_backoff=30.0)
    envelope = '{"errors":[{"code":"rate_limited","message":"Too many requests"}]}'
    scripted.answer("429 Too Many Requests", envelope, Retry_After="4")
    scripted.answer("200 OK", '{"count":7}')
    assert client.count_customers() == 7
    assert len(sleeps) == 1
    assert sleeps[0] >= 4


def test_retry_after_as_http_date(scripted: Scripted, clients: list[WooClient]) -> None:
    sleeps: list[float] = []
    client = _scripted_client(scripted, sleeps, clients, max_backoff=60.0)
    when = formatdate(time.time() + 20, usegmt=True)
    scripted.answer(
        "429 Too Many Requests", '{"errors":[{"code":"x","message":"y"}]}', Retry_After=when
    )
    scripted.answer("200 OK", '{"count":1}')
    assert client.count_customers() == 1
    assert 15 <= sleeps[0] <= 20


def test_retry_after_is_capped_by_max_backoff(scripted: Scripted, clients: list[WooClient]) -> None:
    sleeps: list[float] = []
    client = _scripted_client(scripted, sleeps, clients, max_backoff=2.0)
    scripted.answer(
        "429 Too Many Requests", '{"errors":[{"code":"x","message":"y"}]}', Retry_After="3600"
    )
    scripted.answer("200 OK", '{"count":1}')
    assert client.count_customers() == 1
    assert sleeps == [2.0]


def test_read_timeout_is_retried(harness: Callable[..., Harness]) -> None:
    h = harness(read_timeout=0.2, max_retries=1)
    h.store.faults.slow_seconds = 3.0
    h.store.faults.schedule(Fault.SLOW, method="GET")
    assert h.client.count_customers() == 3
    assert len(h.sleeps) == 1


def test_read_timeout_exhausted_is_a_network_error(harness: Callable[..., Harness]) -> None:
    h = harness(read_timeout=0.2, max_retries=0)
    h.store.faults.slow_seconds = 3.0
    h.store.faults.schedule(Fault.SLOW, method="GET")
    # The answer would come, intact, after 3 s: the error proves the client gave up first (how
    # soon is a benchmark row: tests/benchmarks/bench_waits.py).
    with pytest.raises(NetworkError) as caught:
        h.client.count_customers()
    assert "did not answer" in caught.value.message
    assert not isinstance(caught.value, UnclearWriteError)


def test_read_timeout_message_states_the_timeout(harness: Callable[..., Harness]) -> None:
    h = harness(read_timeout=0.3, max_retries=0)
    h.store.faults.slow_seconds = 3.0
    h.store.faults.schedule(Fault.SLOW, method="GET")
    with pytest.raises(NetworkError) as caught:
        h.client.count_customers()
    # A sub-second timeout must not be reported as "within 0 seconds".
    assert "within 0 seconds" not in caught.value.message


def test_html_page_at_the_api_address_is_a_protocol_error(
    harness: Callable[..., Harness], clients: list[WooClient]
) -> None:
    h = harness()
    sleeps: list[float] = []
    client = _client(h.store.base_url + "/nothing", h.store, sleeps.append)
    clients.append(client)
    with pytest.raises(ProtocolError) as caught:
        client.count_customers()
    assert "no WooCommerce API" in caught.value.message
    assert caught.value.status == 404
    assert "text/html" in caught.value.detail
    assert sleeps == []  # a wrong address does not get better by asking again
    with pytest.raises(ProtocolError):
        client.store_info()


def test_closed_port_is_could_not_connect(start_store: StoreFactory) -> None:
    sleeps: list[float] = []
    store = start_store()
    client = _client(f"http://127.0.0.1:{_closed_port()}", store, sleeps.append, max_retries=2)
    try:
        with pytest.raises(NetworkError) as caught:
            client.count_customers()
    finally:
        client.close()
    assert "Could not connect" in caught.value.message
    assert "127.0.0.1" in caught.value.message
    assert len(sleeps) == 2  # connection refused is worth retrying


def test_untrusted_certificate_fails_at_once(
    start_store: StoreFactory, tls_certificate: tuple[Path, Path]
) -> None:
    # Verification fails the same way every time: retrying only delays the advice (with the
    # default backoff by several seconds).
    sleeps: list[float] = []
    store = start_store(certificate=tls_certificate)
    client = _client(store.base_url, store, sleeps.append)
    try:
        with pytest.raises(NetworkError) as caught:
            client.count_customers()
    finally:
        client.close()
    assert "certificate" in caught.value.message
    assert sleeps == []


def test_unknown_host_is_could_not_find(start_store: StoreFactory) -> None:
    store = start_store()
    client = _client("http://store.invalid", store, None, max_retries=0)
    try:
        with pytest.raises(NetworkError) as caught:
            client.count_customers()
    finally:
        client.close()
    assert "store.invalid" in caught.value.message


# -- answers a store should not give ---------------------------------------------------------------


def test_user_agent_names_the_app_on_the_wire(scripted: Scripted, clients: list[WooClient]) -> None:
    client = _scripted_client(scripted, [], clients)
    scripted.answer("200 OK", '{"count":3}')
    assert client.count_customers() == 3
    assert scripted.seen[0]["user_agent"].startswith("WooCustomers/")
    assert scripted.seen[0]["user_agent"] == USER_AGENT
    assert scripted.seen[0]["accept"] == "application/json"
    assert client.transport._session().headers["User-Agent"] == USER_AGENT


def test_redirect_is_not_followed(scripted: Scripted, clients: list[WooClient]) -> None:
    sleeps: list[float] = []
    client = _scripted_client(scripted, sleeps, clients)
    # What WordPress and web servers send: an HTML body (or none) with the Location header.
    scripted.answer(
        "301 Moved Permanently",
        "<html><body>Moved</body></html>",
        Location="https://www.example.com/wc-api/v3/",
        Content_Type="text/html; charset=UTF-8",
    )
    with pytest.raises(ProtocolError) as caught:
        client.count_customers()
    assert "https://www.example.com/wc-api/v3/" in caught.value.message
    assert "final address" in caught.value.message
    assert len(scripted.seen) == 1


def test_error_envelope_with_status_200_is_an_error(
    scripted: Scripted, clients: list[WooClient]
) -> None:
    # WooCommerce 2.4.0 answered an out-of-window timestamp with HTTP 200.
    client = _scripted_client(scripted, [], clients)
    body = (
        '{"errors":[{"code":"woocommerce_api_authentication_error","message":"Invalid timestamp"}]}'
    )
    scripted.answer("200 OK", body)
    with pytest.raises(AuthError) as caught:
        client.count_customers()
    assert "clock" in caught.value.message


def test_damaged_json_is_retried_for_reads(scripted: Scripted, clients: list[WooClient]) -> None:
    sleeps: list[float] = []
    client = _scripted_client(scripted, sleeps, clients)
    scripted.answer("200 OK", '{"count":')
    scripted.answer("200 OK", '{"count":5}')
    assert client.count_customers() == 5
    assert len(sleeps) == 1


def test_damaged_json_exhausted_is_a_protocol_error(
    scripted: Scripted, clients: list[WooClient]
) -> None:
    client = _scripted_client(scripted, [], clients, max_retries=1)
    scripted.answer("200 OK", '{"count":')
    scripted.answer("200 OK", '{"cou')
    with pytest.raises(ProtocolError) as caught:
        client.count_customers()
    assert "cut short" in caught.value.message


def test_html_page_with_status_200_is_a_protocol_error(
    scripted: Scripted, clients: list[WooClient]
) -> None:
    sleeps: list[float] = []
    client = _scripted_client(scripted, sleeps, clients)
    scripted.answer(
        "200 OK", "<html><body>Welcome to my shop</body></html>", Content_Type="text/html"
    )
    with pytest.raises(ProtocolError) as caught:
        client.count_customers()
    assert "other than API data" in caught.value.message
    assert sleeps == []


# -- writes are never repeated blindly -------------------------------------------------------------


@pytest.mark.parametrize(
    "fault",
    [Fault.RESET, Fault.TRUNCATED, Fault.SERVER_ERROR, Fault.BAD_GATEWAY, Fault.UNAVAILABLE],
    ids=str,
)
def test_create_with_lost_answer_is_recovered_by_email(
    harness: Callable[..., Harness], fault: Fault
) -> None:
    h = harness()
    h.store.faults.schedule(fault, method="POST", after_handler=True)
    result = h.client.create_customer({"email": "lost+answer@example.com", "first_name": "Lost"})
    assert result.recovered is True
    assert result.customer.email == "lost+answer@example.com"
    assert result.customer.first_name == "Lost"
    assert result.unapplied == ()
    assert h.emails_in_store("lost+answer@example.com") == 1
    assert h.store.faults.injected[fault] == 1


@pytest.mark.parametrize(
    "fault", [Fault.RESET, Fault.BAD_GATEWAY, Fault.UNAVAILABLE, Fault.RATE_LIMITED], ids=str
)
def test_create_with_fault_before_the_store_acted_is_sent_again(
    harness: Callable[..., Harness], fault: Fault
) -> None:
    h = harness()
    h.store.faults.schedule(fault, method="POST", after_handler=False)
    result = h.client.create_customer({"email": "again@example.com"})
    assert result.recovered is False
    assert result.customer.email == "again@example.com"
    assert h.emails_in_store("again@example.com") == 1
    assert h.store.faults.injected[fault] == 1


def test_lost_create_answer_does_not_claim_an_older_customer_as_ours(
    harness: Callable[..., Harness],
) -> None:
    """The email already belonged to a long-registered customer: after the lost answer the
    lookup finds that customer, which the client must not report as its new one."""
    h = harness()
    created = h.client.create_customer({"email": "old.timer@example.com"})
    with h.store.db.write() as conn:
        conn.execute(
            "UPDATE users SET registered = registered - 86400 WHERE id = ?", (created.customer.id,)
        )
    h.store.faults.schedule(Fault.RESET, method="POST", after_handler=True)
    with pytest.raises(ValidationError) as caught:
        h.client.create_customer({"email": "old.timer@example.com"})
    assert caught.value.field == "email"
    assert h.emails_in_store("old.timer@example.com") == 1


def test_create_whose_every_attempt_is_lost_raises_unclear_write(
    harness: Callable[..., Harness],
) -> None:
    h = harness(max_retries=2)
    h.store.faults.schedule(Fault.RESET, method="POST", count=3)
    with pytest.raises(UnclearWriteError) as caught:
        h.client.create_customer({"email": "never@example.com"})
    assert "may or may not have been saved" in caught.value.message
    assert h.store.faults.injected[Fault.RESET] == 3
    assert h.emails_in_store("never@example.com") == 0


def test_transport_does_not_resend_a_post_itself(harness: Callable[..., Harness]) -> None:
    h = harness()
    h.store.faults.schedule(Fault.RESET, method="POST", after_handler=True)
    body = {"customer": {"email": "once@example.com"}}
    with pytest.raises(UnclearWriteError):
        h.client.transport.request("POST", "/customers", json_body=body)
    assert h.sleeps == []
    assert h.emails_in_store("once@example.com") == 1


def test_update_with_lost_answer_is_sent_again(harness: Callable[..., Harness]) -> None:
    h = harness()
    customer = h.client.list_customers()[0]
    h.store.faults.schedule(Fault.RESET, method="PUT", after_handler=True)
    result = h.client.update_customer(customer.id, {"last_name": "Twice"})
    assert result.customer.last_name == "Twice"
    assert h.store.faults.injected[Fault.RESET] == 1


@pytest.mark.parametrize("after_handler", [True, False])
def test_delete_with_lost_answer_succeeds(
    harness: Callable[..., Harness], after_handler: bool
) -> None:
    h = harness()
    victim = h.client.list_customers()[1]
    h.store.faults.schedule(Fault.RESET, method="DELETE", after_handler=after_handler)
    h.client.delete_customer(victim.id)
    with pytest.raises(NotFoundError):
        h.client.get_customer(victim.id)
    assert h.store.faults.injected[Fault.RESET] == 1


@pytest.mark.parametrize("after_handler", [True, False])
def test_bulk_with_lost_answer_creates_no_duplicates(
    harness: Callable[..., Harness], after_handler: bool
) -> None:
    h = harness()
    existing = h.client.list_customers()[0]
    items: list[dict[str, Any]] = [{"email": f"bulk{n}@example.com"} for n in range(6)]
    items.insert(2, {"id": existing.id, "first_name": "Resent"})
    h.store.faults.schedule(Fault.RESET, method="POST", path="bulk", after_handler=after_handler)
    outcomes = h.client.bulk_save(items)
    assert h.store.faults.injected[Fault.RESET] == 1
    assert [outcome.index for outcome in outcomes] == list(range(7))
    assert all(outcome.ok for outcome in outcomes)
    for item in items:
        if "email" in item:
            assert h.emails_in_store(item["email"]) == 1, item
    creates = [outcome for outcome in outcomes if outcome.index != 2]
    assert all(outcome.created for outcome in creates)
    assert all(outcome.recovered is after_handler for outcome in creates)
    update = outcomes[2].customer
    assert update is not None
    assert (update.id, update.first_name) == (existing.id, "Resent")
    assert h.client.count_customers() == 3 + 6


def test_bulk_with_lost_answer_in_the_second_chunk(harness: Callable[..., Harness]) -> None:
    h = harness(customers=0)
    items = [{"email": f"chunk{n:03d}@example.com"} for n in range(150)]
    h.store.faults.schedule(Fault.RESET, method="POST", path="bulk", after_handler=True)
    h.store.faults.schedule(Fault.RESET, method="POST", path="bulk", after_handler=True)
    outcomes = h.client.bulk_save(items, chunk_size=100)
    assert [o.index for o in outcomes] == list(range(150))
    assert all(o.ok and o.recovered for o in outcomes)
    assert h.client.count_customers() == 150


# -- backoff ---------------------------------------------------------------------------------------


def _refused_sleeps(store: DemoStore, seed: int, retries: int = 6) -> list[float]:
    sleeps: list[float] = []
    client = _client(
        f"http://127.0.0.1:{_closed_port()}",
        store,
        sleeps.append,
        rng=random.Random(seed),
        backoff=1.0,
        max_backoff=8.0,
        max_retries=retries,
    )
    try:
        with pytest.raises(NetworkError):
            client.count_customers()
    finally:
        client.close()
    return sleeps


def test_backoff_grows_exponentially_with_bounded_jitter(start_store: StoreFactory) -> None:
    store = start_store()
    sleeps = _refused_sleeps(store, seed=7)
    assert len(sleeps) == 6
    for attempt, delay in enumerate(sleeps):
        ceiling = min(8.0, 1.0 * 2**attempt)
        assert ceiling / 2 <= delay <= ceiling, (attempt, delay)
    # Until the cap, each delay's floor is the previous delay's ceiling.
    assert sleeps[:4] == sorted(sleeps[:4])
    assert sleeps[3] > 2 * sleeps[0]
    assert max(sleeps) <= 8.0


def test_backoff_jitter_comes_from_the_given_random(start_store: StoreFactory) -> None:
    store = start_store()
    first = _refused_sleeps(store, seed=3, retries=4)
    assert _refused_sleeps(store, seed=3, retries=4) == first
    assert _refused_sleeps(store, seed=4, retries=4) != first
    assert len(set(first)) == 4


# -- cancellation ----------------------------------------------------------------------------------


def test_cancel_stops_retries(harness: Callable[..., Harness], clients: list[WooClient]) -> None:
    h = harness()
    token = CancelToken()
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        token.cancel()  # the user presses Cancel while the client waits

    client = _client(h.store.base_url, h.store, sleep, max_retries=8)
    clients.append(client)
    h.store.faults.schedule(Fault.SERVER_ERROR, method="GET", count=9)
    with pytest.raises(CancelledError):
        client.count_customers(cancel=token)
    assert len(sleeps) == 1
    assert h.store.faults.injected[Fault.SERVER_ERROR] == 1


def test_cancel_wakes_a_real_backoff_wait(
    harness: Callable[..., Harness], clients: list[WooClient]
) -> None:
    h = harness()
    client = _client(h.store.base_url, h.store, None, backoff=30.0, max_backoff=30.0)
    clients.append(client)
    h.store.faults.schedule(Fault.SERVER_ERROR, method="GET", count=9)
    token = CancelToken()
    stop_watching = threading.Event()

    def cancel_after_first_failure() -> None:
        while h.store.faults.injected[Fault.SERVER_ERROR] == 0 and not stop_watching.is_set():
            stop_watching.wait(0.005)
        token.cancel()

    watcher = threading.Thread(target=cancel_after_first_failure)
    watcher.start()
    started = time.monotonic()
    try:
        with pytest.raises(CancelledError):
            client.count_customers(cancel=token)
    finally:
        stop_watching.set()
        watcher.join()
    # Cut short: the backoff is 15 to 30 s (how soon it ends is a benchmark row, bench_waits).
    assert time.monotonic() - started < 15
    assert h.store.faults.injected[Fault.SERVER_ERROR] == 1


def test_cancelled_token_sends_nothing(harness: Callable[..., Harness]) -> None:
    h = harness()
    token = CancelToken()
    token.cancel()
    h.store.faults.schedule(Fault.SERVER_ERROR)  # would be used up by any request
    for call in (
        lambda: h.client.count_customers(cancel=token),
        lambda: h.client.list_customers(cancel=token),
        lambda: h.client.create_customer({"email": "c@example.com"}, cancel=token),
    ):
        with pytest.raises(CancelledError):
            call()
    assert h.store.faults.injected[Fault.SERVER_ERROR] == 0
    assert h.emails_in_store("c@example.com") == 0


@pytest.mark.parametrize("stop_after", [1, 3])
def test_cancel_from_on_page_stops_paging(
    harness: Callable[..., Harness], monkeypatch: pytest.MonkeyPatch, stop_after: int
) -> None:
    h = harness(customers=100)
    requests_sent: list[str] = []
    send = h.client.transport.request

    def counting(method: str, route: str, *args: Any, **kwargs: Any) -> ApiResponse:
        requests_sent.append(route)
        return send(method, route, *args, **kwargs)

    monkeypatch.setattr(h.client.transport, "request", counting)
    token = CancelToken()
    pages: list[WalkWindow] = []

    def on_window(window: WalkWindow) -> None:
        pages.append(window)
        if len(pages) == stop_after:
            token.cancel()

    with pytest.raises(CancelledError):
        h.client.list_customers(page_size=10, concurrency=1, cancel=token, on_window=on_window)
    assert len(pages) == stop_after
    # One page at a time on the wire, plus the one queued so that the worker never idles
    # while the caller handles a page: nothing beyond that was asked for.
    assert stop_after <= len(requests_sent) <= stop_after + 1


def test_cancel_between_bulk_chunks(harness: Callable[..., Harness]) -> None:
    h = harness(customers=0)
    token = CancelToken()
    items = [{"email": f"part{n:03d}@example.com"} for n in range(250)]
    with pytest.raises(CancelledError):
        h.client.bulk_save(items, cancel=token, on_chunk=lambda chunk: token.cancel())
    assert h.client.count_customers() == 100


def test_cancel_token_basics() -> None:
    token = CancelToken()
    assert not token.cancelled
    token.raise_if_cancelled()
    token.wait(0)
    token.cancel()
    assert token.cancelled
    with pytest.raises(CancelledError):
        token.raise_if_cancelled()
    with pytest.raises(CancelledError):
        token.wait(60)


# -- signing and credentials -----------------------------------------------------------------------


def test_each_attempt_is_signed_anew(harness: Callable[..., Harness]) -> None:
    # After the store ran the handler it has recorded the nonce; re-sending the same signed URL
    # would be refused as "nonce already used".
    h = harness()
    h.store.faults.schedule(Fault.RESET, method="GET", after_handler=True)
    assert h.client.count_customers() == 3
    assert h.store.faults.injected[Fault.RESET] == 1


def test_signed_urls_differ_per_attempt() -> None:
    connection = _connection("http://shop.example.com")
    transport = Transport(connection)
    first, basic = transport.url_and_auth("GET", "/customers", [("page", "2")])
    second, _ = transport.url_and_auth("GET", "/customers", [("page", "2")])
    assert basic is None
    nonces = [parse_qs(urlsplit(url).query)["oauth_nonce"][0] for url in (first, second)]
    assert nonces[0] != nonces[1]
    assert SECRET not in first
    assert first.startswith("http://shop.example.com/wc-api/v3/customers?page=2&oauth_")


@pytest.mark.parametrize(
    ("auth", "in_url", "basic"),
    [(AuthMode.BASIC, False, True), (AuthMode.QUERY, True, False)],
)
def test_https_credentials(auth: AuthMode, in_url: bool, basic: bool) -> None:
    transport = Transport(_connection("https://shop.example.com", auth=auth))
    url, credentials = transport.url_and_auth("GET", "/customers/count", [])
    assert (f"consumer_secret={SECRET}" in url) is in_url
    assert (credentials == (KEY, SECRET)) is basic
    assert "oauth_" not in url
    index_url, index_credentials = transport.url_and_auth("GET", "", [], sign=False)
    assert index_url == "https://shop.example.com/wc-api/v3"
    assert index_credentials is None


def test_secret_stays_out_of_network_errors_and_logs(
    start_store: StoreFactory, caplog: pytest.LogCaptureFixture
) -> None:
    store = start_store()
    key = store.keys["read_write"]
    client = _client(
        f"https://127.0.0.1:{_closed_port()}", store, lambda seconds: None, auth=AuthMode.QUERY
    )
    caplog.set_level(logging.DEBUG, logger="app.api")
    try:
        with pytest.raises(NetworkError) as caught:
            client.count_customers()
    finally:
        client.close()
    assert key.consumer_secret not in caught.value.log_text()
    assert key.consumer_secret not in caplog.text


def test_api_value_survives_the_stores_extra_decoding() -> None:
    assert api_value("a+b@example.com") == "a%2Bb@example.com"
    assert api_value("100% cotton") == "100%25+cotton"
    assert api_value("*smith*") == "*smith*"
    assert api_value("2024-01-01T00:00:00") == "2024-01-01T00:00:00"


def test_sessions_are_per_thread_and_closed() -> None:
    transport = Transport(_connection("https://shop.example.com"))
    mine = transport._session()
    assert transport._session() is mine
    theirs: list[object] = []
    thread = threading.Thread(target=lambda: theirs.append(transport._session()))
    thread.start()
    thread.join()
    assert theirs[0] is not mine
    transport.close()
    assert transport._session() is not mine
    transport.close()


def test_search_query_parameters_are_sorted_and_encoded() -> None:
    query = CustomerQuery(role="all", search="a+b@example.com", order="DESC", orderby="registered")
    assert query.params() == [
        ("filter[order]", "DESC"),
        ("filter[orderby]", "registered"),
        ("filter[q]", "a%2Bb@example.com"),
        ("filter[role]", "all"),
    ]


# -- WordPress' critical error (PHP died mid-request, reference 19.4) ------------------------------


def test_a_read_that_crashes_the_store_is_retried(harness: Callable[..., Harness]) -> None:
    h = harness(customers=3)
    h.store.faults.schedule(Fault.CRASH, method="GET", path="/customers/count", count=2)
    assert h.client.count_customers() == 3
    assert h.store.faults.injected[Fault.CRASH] == 2


def test_a_read_that_keeps_crashing_says_so_without_html(harness: Callable[..., Harness]) -> None:
    h = harness(customers=3, max_retries=1)
    h.store.faults.schedule(Fault.CRASH, method="GET", path="/customers/count", count=5)
    with pytest.raises(ServerError) as failure:
        h.client.count_customers()
    assert "critical error" in failure.value.message
    assert "<" not in failure.value.message
    assert "<p>" not in failure.value.detail


def test_a_create_that_crashes_after_saving_is_found_not_sent_again(
    harness: Callable[..., Harness],
) -> None:
    """PHP may die after the customer was saved: the write is unclear, so the client looks
    the email up instead of creating the customer a second time."""
    h = harness(customers=0)
    h.store.faults.schedule(Fault.CRASH, method="POST", path="/customers$", after_handler=True)
    result = h.client.create_customer({"email": "crash.saved@example.com", "first_name": "C"})
    assert result.recovered
    assert h.emails_in_store("crash.saved@example.com") == 1
