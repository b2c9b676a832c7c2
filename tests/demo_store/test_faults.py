"""The demo store's fault injector, seen over real HTTP by an ordinary client (requests).

Scheduled faults: HTML error pages with their status (500/502/503, 429 with ``Retry-After``),
a dropped connection, a body cut short, a late answer; faults striking after the handler ran
(the "unclear create": the client sees an error, the customer exists); the method/path filters
and the count of a scheduled fault; the random ``fault_rate``; and ``latency_ms``. No test sleeps:
waits are bounded by client timeouts and the store's own delays are kept small.
"""

from __future__ import annotations

import http.client
import time
from urllib.parse import urlsplit

import pytest
import requests

from app.demo_store import DemoStore, Fault
from tests.conftest import StoreFactory
from tests.support.store_http import StoreHttp

TIMEOUT = 5
ERROR_PAGES = {
    Fault.SERVER_ERROR: 500,
    Fault.BAD_GATEWAY: 502,
    Fault.UNAVAILABLE: 503,
    Fault.RATE_LIMITED: 429,
}
CONNECTION_FAILURES = (
    requests.exceptions.ConnectionError,
    requests.exceptions.ChunkedEncodingError,
)


@pytest.fixture
def store(start_store: StoreFactory) -> DemoStore:
    """A plain-HTTP store with no customers and no faults yet."""
    return start_store()


@pytest.fixture
def client(store: DemoStore) -> StoreHttp:
    """An OAuth client of ``store`` with the read/write key."""
    return StoreHttp(store)


def index(store: DemoStore, timeout: float | tuple[float, float] = TIMEOUT) -> requests.Response:
    """``GET /wc-api/v3`` (no credentials needed)."""
    return requests.get(store.api_url, timeout=timeout)


def assert_serving(store: DemoStore) -> None:
    """The store answers a normal request normally."""
    answer = index(store)
    assert answer.status_code == 200, answer.text
    assert "store" in answer.json()


def create(client: StoreHttp, email: str) -> requests.Response:
    """``POST /customers`` for a new customer (the store generates passwords)."""
    return client.post("/customers", {"customer": {"email": email}})


def exists(client: StoreHttp, email: str) -> bool:
    """Whether a customer with this email exists."""
    answer = client.get(f"/customers/email/{email}")
    assert answer.status_code in (200, 404), answer.text
    return answer.status_code == 200


def assert_error_page(answer: requests.Response, status: int) -> None:
    """An HTML error page (as a proxy or host would send), not the store's JSON."""
    assert answer.status_code == status
    assert answer.headers["Content-Type"].startswith("text/html")
    assert answer.text.lstrip().lower().startswith("<!doctype html>")
    assert str(status) in answer.text
    with pytest.raises(requests.exceptions.JSONDecodeError):
        answer.json()


@pytest.mark.parametrize("fault", [Fault.SERVER_ERROR, Fault.BAD_GATEWAY, Fault.UNAVAILABLE])
def test_scheduled_error_status_is_an_html_page(store: DemoStore, fault: Fault) -> None:
    """500/502/503: the status with an HTML page; the next request is served normally."""
    store.faults.schedule(fault)
    assert_error_page(index(store), ERROR_PAGES[fault])
    assert "Retry-After" not in index(store).headers
    assert store.faults.injected[fault] == 1


def test_rate_limited_announces_retry_after(store: DemoStore) -> None:
    """429 comes with ``Retry-After`` set to the injector's ``retry_after`` seconds."""
    store.faults.retry_after = 7
    store.faults.schedule(Fault.RATE_LIMITED)
    answer = index(store)
    assert_error_page(answer, 429)
    assert answer.headers["Retry-After"] == "7"
    assert_serving(store)


def test_reset_drops_the_connection_and_the_store_keeps_serving(store: DemoStore) -> None:
    """``reset``: no answer at all (requests raises ConnectionError); then business as usual."""
    store.faults.schedule(Fault.RESET)
    with pytest.raises(requests.exceptions.ConnectionError):
        index(store)
    assert store.faults.injected[Fault.RESET] == 1
    assert_serving(store)
    assert_serving(store)


def test_truncated_body_is_cut_short(store: DemoStore) -> None:
    """``truncated``: requests notices the short body (ChunkedEncodingError/ConnectionError)."""
    store.faults.schedule(Fault.TRUNCATED)
    with pytest.raises(CONNECTION_FAILURES):
        index(store)
    assert_serving(store)


def test_truncated_body_is_shorter_than_announced(store: DemoStore) -> None:
    """``truncated``: the status and headers of the real answer, then part of its body and a
    closed connection (fewer bytes than ``Content-Length``)."""
    full = index(store).content
    store.faults.schedule(Fault.TRUNCATED)
    parts = urlsplit(store.api_url)
    assert parts.hostname is not None
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT)
    try:
        connection.request("GET", parts.path)
        response = connection.getresponse()
        assert response.status == 200
        assert int(response.headers["Content-Length"]) == len(full)
        with pytest.raises(http.client.IncompleteRead) as cut:
            response.read()
    finally:
        connection.close()
    assert 0 < len(cut.value.partial) < len(full)
    assert full.startswith(cut.value.partial)
    assert_serving(store)


def test_slow_answer_times_out_a_short_read_timeout(store: DemoStore) -> None:
    """``slow``: the answer is held back ``slow_seconds``, so a shorter read timeout fires; the
    store goes on serving."""
    store.faults.slow_seconds = 0.3
    store.faults.schedule(Fault.SLOW)
    with pytest.raises(requests.exceptions.ReadTimeout):
        index(store, timeout=(TIMEOUT, 0.1))
    assert store.faults.injected[Fault.SLOW] == 1
    assert_serving(store)


def test_slow_answer_arrives_late_but_intact(store: DemoStore) -> None:
    """``slow``: with a patient client the normal answer arrives, not before ``slow_seconds``."""
    store.faults.slow_seconds = 0.3
    store.faults.schedule(Fault.SLOW)
    started = time.perf_counter()
    answer = index(store)
    assert time.perf_counter() - started >= 0.3
    assert answer.status_code == 200
    assert "store" in answer.json()


@pytest.mark.parametrize("fault", [Fault.SERVER_ERROR, Fault.BAD_GATEWAY, Fault.RATE_LIMITED])
def test_error_after_handler_is_an_unclear_create(
    store: DemoStore, client: StoreHttp, fault: Fault
) -> None:
    """``after_handler=True`` on POST /customers: the client sees the error, yet the customer
    was created (why blind retries of writes are dangerous)."""
    store.faults.schedule(fault, method="POST", path=r"/customers$", after_handler=True)
    assert_error_page(create(client, "unclear@example.com"), ERROR_PAGES[fault])
    assert exists(client, "unclear@example.com")
    retry = create(client, "unclear@example.com")
    assert retry.status_code == 400
    assert retry.json()["errors"][0]["code"] == "registration-error-email-exists"


def test_reset_after_handler_is_an_unclear_create(store: DemoStore, client: StoreHttp) -> None:
    """A dropped connection after the handler ran: no answer, but the customer exists."""
    store.faults.schedule(Fault.RESET, method="POST", after_handler=True)
    with pytest.raises(requests.exceptions.ConnectionError):
        create(client, "reset-after@example.com")
    assert exists(client, "reset-after@example.com")


def test_truncated_create_has_happened(store: DemoStore, client: StoreHttp) -> None:
    """A cut-short answer to a create: the customer exists (the store answered in full)."""
    store.faults.schedule(Fault.TRUNCATED, method="POST")
    with pytest.raises(CONNECTION_FAILURES):
        create(client, "truncated@example.com")
    assert exists(client, "truncated@example.com")


@pytest.mark.parametrize("fault", [Fault.SERVER_ERROR, Fault.RESET])
def test_fault_before_handler_changes_nothing(
    store: DemoStore, client: StoreHttp, fault: Fault
) -> None:
    """The default (``after_handler=False``): the store never saw the create."""
    store.faults.schedule(fault, method="POST")
    try:
        answer = create(client, "never-made@example.com")
    except requests.exceptions.ConnectionError:
        assert fault is Fault.RESET
    else:
        assert_error_page(answer, 500)
    assert not exists(client, "never-made@example.com")
    assert create(client, "never-made@example.com").status_code == 201


def test_count_limits_how_many_requests_fail(store: DemoStore) -> None:
    """``count=2``: exactly the next two matching requests fail."""
    store.faults.schedule(Fault.UNAVAILABLE, count=2)
    assert index(store).status_code == 503
    assert index(store).status_code == 503
    assert_serving(store)
    assert store.faults.injected[Fault.UNAVAILABLE] == 2


def test_method_filter(store: DemoStore, client: StoreHttp) -> None:
    """``method="post"`` (any case): GETs pass untouched, the next POST fails."""
    store.faults.schedule(Fault.SERVER_ERROR, method="post")
    assert client.get("/customers").status_code == 200
    assert_serving(store)
    assert_error_page(create(client, "filtered@example.com"), 500)
    assert create(client, "filtered@example.com").status_code == 201


def test_path_filter(store: DemoStore, client: StoreHttp) -> None:
    """``path`` is a regex searched in the URL path: only matching requests fail."""
    store.faults.schedule(Fault.BAD_GATEWAY, path=r"/customers/count$")
    assert client.get("/customers").status_code == 200
    assert_error_page(client.get("/customers/count"), 502)
    assert client.get("/customers/count").status_code == 200


def test_method_and_path_filters_combine(store: DemoStore, client: StoreHttp) -> None:
    """Both filters must match: a GET on the path and a POST elsewhere pass."""
    store.faults.schedule(Fault.SERVER_ERROR, method="POST", path=r"/customers$")
    assert client.get("/customers").status_code == 200
    assert client.post("/customers/bulk", {"customers": []}).status_code == 200
    assert_error_page(create(client, "both@example.com"), 500)
    assert create(client, "both@example.com").status_code == 201


def test_clear_forgets_scheduled_faults(store: DemoStore) -> None:
    """``clear()`` drops every scheduled fault."""
    store.faults.schedule(Fault.SERVER_ERROR, count=5)
    store.faults.clear()
    assert_serving(store)
    assert store.faults.injected[Fault.SERVER_ERROR] == 0


def test_fault_rate_one_makes_every_request_faulty(start_store: StoreFactory) -> None:
    """``fault_rate=1.0``: every request gets a fault: no answer, a cut-short answer, an error
    page, WordPress' critical error, or (``slow``) an answer held back at least
    ``slow_seconds``."""
    store = start_store(fault_rate=1.0)
    store.faults.slow_seconds = 0.05
    requests_sent = 12
    for _ in range(requests_sent):
        started = time.perf_counter()
        try:
            answer = index(store, timeout=TIMEOUT)
        except CONNECTION_FAILURES:
            continue
        if answer.status_code == 200:
            assert time.perf_counter() - started >= store.faults.slow_seconds
        elif answer.headers["Content-Type"].startswith("application/json"):
            assert answer.status_code == 500
            assert answer.json()["code"] == "internal_server_error"  # Fault.CRASH
        else:
            assert answer.status_code in ERROR_PAGES.values()
            assert answer.headers["Content-Type"].startswith("text/html")
    assert sum(store.faults.injected.values()) == requests_sent


def test_fault_rate_zero_injects_nothing(start_store: StoreFactory) -> None:
    """``fault_rate=0``: every request is served normally; nothing is injected."""
    store = start_store(fault_rate=0.0)
    for _ in range(12):
        assert_serving(store)
    assert sum(store.faults.injected.values()) == 0


def test_fault_rate_must_be_a_fraction(start_store: StoreFactory) -> None:
    """A rate outside 0..1 is refused when the store is made."""
    with pytest.raises(ValueError, match="between 0 and 1"):
        start_store(fault_rate=1.5)


def test_latency_is_applied_to_every_answer(start_store: StoreFactory) -> None:
    """``latency_ms``: no answer comes sooner than the latency (no upper bound asserted)."""
    store = start_store(latency_ms=150)
    client = StoreHttp(store)
    for route in ("", "/customers/count"):
        started = time.perf_counter()
        answer = client.get(route) if route else index(store)
        assert time.perf_counter() - started >= 0.15
        assert answer.status_code == 200, answer.text
