"""The API worker on its own: requests posted to it in its thread, answered by its events.

The GUI reaches the worker only through StoreService (tests/services); these tests drive the
worker directly, as the service does: an :class:`ApiWorker` attached to a QThread, requests
emitted through a queued signal, its typed events awaited in the GUI thread. Every request is
answered exactly once, by its result event or by ``RequestFailed`` with an :class:`AppError`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, timedelta, timezone, tzinfo
from pathlib import Path
from typing import cast
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import QObject, QThread, Signal
from pytestqt.qtbot import QtBot

from app.api.choice import open_client
from app.api.client import StoreInfo, WooClient
from app.api.connection import StoreConnection
from app.api.transport import CancelToken
from app.cache.repository import STORE_TIMEZONE_META, CustomerCache
from app.demo_store import DemoStore
from app.domain.money import MoneyFormat
from app.errors import AppError, CancelledError, NotFoundError
from app.workers.api_worker import UNEXPECTED_MESSAGE, ApiWorker
from app.workers.events import (
    ChangesCommitted,
    CustomerDeleted,
    CustomerFound,
    RequestFailed,
    StoreInfoLoaded,
    WorkerEvent,
)
from app.workers.requests import DeleteArgs, FindArgs, Request, RequestKind, StoreInfoArgs
from tests.conftest import StoreFactory

#: A generous upper bound for one answer: a slow machine must not fail a correct test.
WAIT_MS = 10_000
MISSING_ID = 999_999


class Poster(QObject):
    """Emits requests, as StoreService's lanes do."""

    requests = Signal(Request)


@dataclass
class Running:
    """A worker attached to its started thread, and what it has answered (in order)."""

    worker: ApiWorker
    thread: QThread
    poster: Poster
    answers: list[WorkerEvent] = field(default_factory=list)
    #: The threads the client factory ran in (one entry per client made).
    factory_threads: list[QThread] = field(default_factory=list)

    def post(self, request: Request) -> None:
        self.poster.requests.emit(request)

    def answers_to(self, request_id: int) -> list[WorkerEvent]:
        return [event for event in self.answers if event.request_id == request_id]


WorkerFactory = Callable[[Callable[[], WooClient]], Running]

#: The events that end a request (the others report on the way: changes, progress).
FINAL = (StoreInfoLoaded, CustomerFound, CustomerDeleted, RequestFailed)


@pytest.fixture
def run_worker(qtbot: QtBot, tmp_path: Path, start_store: StoreFactory) -> Iterator[WorkerFactory]:
    """Start workers on threads of their own; each thread is stopped at teardown.

    Depends on start_store so that the workers stop before their stores do.
    """
    started: list[Running] = []

    def run(client_factory: Callable[[], WooClient]) -> Running:
        thread = QThread()
        thread.setObjectName("api-worker")
        poster = Poster()
        running: Running

        def factory() -> WooClient:
            running.factory_threads.append(QThread.currentThread())
            return client_factory()

        worker = ApiWorker(factory, tmp_path / "cache", "http://store.test")
        running = Running(worker, thread, poster)
        worker.reported.connect(running.answers.append)
        worker.attach(thread, poster.requests)
        thread.start()
        started.append(running)
        return running

    yield run
    for running in started:
        running.thread.quit()
        assert running.thread.wait(WAIT_MS), "the worker thread did not stop"


def store_client(store: DemoStore) -> Callable[[], WooClient]:
    """A factory of the app's client for a store (retrying quickly)."""

    def make() -> WooClient:
        connection = StoreConnection(
            store.base_url,
            store.consumer_key,
            store.consumer_secret,
            backoff=0.01,
            max_backoff=0.05,
        )
        return open_client(connection)

    return make


def answered(qtbot: QtBot, running: Running, request_id: int) -> WorkerEvent:
    """Wait for a request's final answer (its result event or ``RequestFailed``); the only one."""

    def final() -> list[WorkerEvent]:
        return [each for each in running.answers_to(request_id) if isinstance(each, FINAL)]

    qtbot.waitUntil(lambda: bool(final()), timeout=WAIT_MS)
    answers = final()
    assert len(answers) == 1, answers
    return answers[0]


def test_a_request_is_answered_by_its_signal_in_the_worker_thread(
    qtbot: QtBot, start_store: StoreFactory, run_worker: WorkerFactory
) -> None:
    store = start_store(customers=3)
    running = run_worker(store_client(store))
    running.post(Request(1, RequestKind.STORE_INFO, StoreInfoArgs()))

    event = answered(qtbot, running, 1)
    assert isinstance(event, StoreInfoLoaded)
    assert isinstance(event.info, StoreInfo)
    assert event.info.name
    # The client was made lazily, in the worker's thread, once.
    assert running.factory_threads == [running.thread]

    running.post(Request(2, RequestKind.FIND, FindArgs("nobody@example.com")))
    assert answered(qtbot, running, 2) == CustomerFound(2, None)
    assert len(running.factory_threads) == 1, "the client is kept for the next request"


def test_a_store_error_becomes_the_failed_signal_with_its_app_error(
    qtbot: QtBot, start_store: StoreFactory, run_worker: WorkerFactory
) -> None:
    store = start_store(customers=3)
    running = run_worker(store_client(store))
    running.post(Request(7, RequestKind.DELETE, DeleteArgs(MISSING_ID)))

    failure = answered(qtbot, running, 7)
    assert isinstance(failure, RequestFailed)
    assert (failure.request_id, failure.kind) == (7, RequestKind.DELETE)
    assert isinstance(failure.error, NotFoundError)
    assert failure.error.__traceback__ is None, "the traceback holds the worker's client"
    # The customer the store no longer has is forgotten in the cache, and that is announced.
    assert ChangesCommitted(7, (), (MISSING_ID,)) in running.answers


def test_a_request_cancelled_before_it_starts_fails_as_cancelled_without_work(
    qtbot: QtBot, run_worker: WorkerFactory
) -> None:
    def no_client() -> WooClient:
        raise AssertionError("a cancelled request must not open the client")

    running = run_worker(no_client)
    request = Request(3, RequestKind.FIND, FindArgs("a@example.com"))
    request.cancel.cancel()
    running.post(request)

    failure = answered(qtbot, running, 3)
    assert isinstance(failure, RequestFailed)
    assert (failure.request_id, failure.kind) == (3, RequestKind.FIND)
    assert isinstance(failure.error, CancelledError)
    assert running.factory_threads == []


def test_an_unexpected_exception_is_logged_and_reported_with_the_generic_message(
    qtbot: QtBot, run_worker: WorkerFactory, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> WooClient:
        raise RuntimeError("a bug in the client factory")

    running = run_worker(broken)
    with caplog.at_level(logging.ERROR, logger="app.worker"):
        running.post(Request(4, RequestKind.STORE_INFO, StoreInfoArgs()))
        failure = answered(qtbot, running, 4)

    assert isinstance(failure, RequestFailed)
    assert (failure.request_id, failure.kind) == (4, RequestKind.STORE_INFO)
    error = failure.error
    assert type(error) is AppError
    assert error.message == UNEXPECTED_MESSAGE
    assert "a bug in the client factory" in error.detail
    assert "a bug in the client factory" not in error.message
    # The traceback goes to the log, not to the user.
    assert any(record.exc_info for record in caplog.records), caplog.text

    # The worker still answers the next request.
    running.post(Request(5, RequestKind.STORE_INFO, StoreInfoArgs()))
    assert isinstance(answered(qtbot, running, 5), RequestFailed)


def test_requests_are_answered_once_each_in_the_order_they_came(
    qtbot: QtBot, start_store: StoreFactory, run_worker: WorkerFactory
) -> None:
    store = start_store(customers=3)
    running = run_worker(store_client(store))
    cancelled = Request(11, RequestKind.FIND, FindArgs("x@example.com"))
    cancelled.cancel.cancel()
    requests = [
        Request(10, RequestKind.STORE_INFO, StoreInfoArgs()),
        cancelled,
        Request(12, RequestKind.DELETE, DeleteArgs(MISSING_ID)),
        Request(13, RequestKind.FIND, FindArgs("nobody@example.com")),
    ]
    for request in requests:
        running.post(request)

    finals = [type(answered(qtbot, running, r.request_id)) for r in requests]
    assert finals == [StoreInfoLoaded, RequestFailed, RequestFailed, CustomerFound]
    order = [e.request_id for e in running.answers if not isinstance(e, ChangesCommitted)]
    assert order == [10, 11, 12, 13]


# -- the store's settings kept in the cache ----------------------------------------------------


class StatingClient:
    """A client whose store states the timezones it is given, one per store_info call."""

    def __init__(self, timezones: list[str]) -> None:
        self.timezones = timezones

    def store_info(self, cancel: CancelToken | None = None) -> StoreInfo:
        return StoreInfo(
            name="Stating",
            description="",
            url="http://store.test",
            wc_version="9.4.2",
            api_version="wc/v3",
            ssl_enabled=False,
            generate_password=None,
            currency="EUR",
            timezone=self.timezones.pop(0),
            money=MoneyFormat("EUR", "€", "right_space", ".", ",", 2),
        )


def kept_timezone(tmp_path: Path) -> tuple[str | None, tzinfo | None]:
    cache = CustomerCache.open(tmp_path / "cache", "http://store.test")
    try:
        return cache.meta(STORE_TIMEZONE_META), cache.store_zone()
    finally:
        cache.close()


def test_the_stores_timezone_is_kept_and_one_not_stated_leaves_it(
    qtbot: QtBot, tmp_path: Path, run_worker: WorkerFactory
) -> None:
    client = StatingClient(["Europe/Berlin", "", "not a zone", "+05:30"])
    running = run_worker(lambda: cast(WooClient, client))
    expected = [
        ("Europe/Berlin", ZoneInfo("Europe/Berlin")),
        ("Europe/Berlin", ZoneInfo("Europe/Berlin")),  # nothing stated: the kept one stays
        ("Europe/Berlin", ZoneInfo("Europe/Berlin")),  # nothing readable: likewise
        ("+05:30", timezone(timedelta(hours=5, minutes=30))),
    ]
    for request_id, kept in enumerate(expected, start=1):
        running.post(Request(request_id, RequestKind.STORE_INFO, StoreInfoArgs()))
        assert isinstance(answered(qtbot, running, request_id), StoreInfoLoaded)
        assert kept_timezone(tmp_path) == kept
    cache = CustomerCache.open(tmp_path / "cache", "http://store.test")
    try:
        assert cache.money_format() == MoneyFormat("EUR", "€", "right_space", ".", ",", 2)
    finally:
        cache.close()


@pytest.mark.parametrize("api", ["legacy", "modern"])
def test_a_demo_stores_timezone_is_kept_from_either_index(
    qtbot: QtBot, tmp_path: Path, start_store: StoreFactory, run_worker: WorkerFactory, api: str
) -> None:
    """The legacy index's ``meta.timezone`` and the REST index's ``timezone_string``."""
    store = start_store(api=api)
    running = run_worker(store_client(store))
    running.post(Request(1, RequestKind.STORE_INFO, StoreInfoArgs()))
    event = answered(qtbot, running, 1)
    assert isinstance(event, StoreInfoLoaded)
    assert event.info.timezone == "UTC"
    assert kept_timezone(tmp_path) == ("UTC", UTC)
