"""The API worker on its own: requests posted to it in its thread, answered by its signals.

The GUI reaches the worker only through StoreService (tests/services); these tests drive the
worker directly, as the service does: an :class:`ApiWorker` attached to a QThread, requests
emitted through a queued signal, answers awaited in the GUI thread. Every request is answered
exactly once, by its result signal or by ``failed`` with an :class:`AppError`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, QThread, Signal
from pytestqt.qtbot import QtBot

from app.api.choice import open_client
from app.api.client import StoreInfo, WooClient
from app.api.connection import StoreConnection
from app.demo_store import DemoStore
from app.errors import AppError, CancelledError, NotFoundError
from app.workers.api_worker import (
    UNEXPECTED_MESSAGE,
    ApiWorker,
    DeleteArgs,
    FindArgs,
    Request,
    RequestKind,
    StoreInfoArgs,
)
from tests.conftest import StoreFactory

#: A generous upper bound for one answer: a slow machine must not fail a correct test.
WAIT_MS = 10_000
MISSING_ID = 999_999


class Poster(QObject):
    """Emits requests, as StoreService's ``_request_posted`` does."""

    requests = Signal(object)


@dataclass
class Running:
    """A worker attached to its started thread, and what it has answered (in order)."""

    worker: ApiWorker
    thread: QThread
    poster: Poster
    answers: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)
    #: The threads the client factory ran in (one entry per client made).
    factory_threads: list[QThread] = field(default_factory=list)

    def post(self, request: Request) -> None:
        self.poster.requests.emit(request)

    def answers_to(self, request_id: int) -> list[tuple[str, tuple[Any, ...]]]:
        return [(name, args) for name, args in self.answers if args[0] == request_id]


WorkerFactory = Callable[[Callable[[], WooClient]], Running]

#: The worker's signals that answer a request or report on it (the first argument is its id).
SIGNALS = (
    "sync_progressed",
    "changes_committed",
    "sync_finished",
    "orders_loaded",
    "downloads_loaded",
    "customer_saved",
    "customer_deleted",
    "delete_progressed",
    "customers_deleted",
    "customer_found",
    "store_info_loaded",
    "import_progressed",
    "import_planned",
    "import_finished",
    "export_finished",
    "failed",
)


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
        for name in SIGNALS:

            def record(*args: Any, name: str = name) -> None:
                running.answers.append((name, args))

            getattr(worker, name).connect(record)
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


def answered(qtbot: QtBot, running: Running, request_id: int) -> tuple[str, tuple[Any, ...]]:
    """Wait for a request's final answer (its result signal or ``failed``); the only one."""
    finals = {"failed", "customer_deleted", "store_info_loaded", "customer_found"}

    def final() -> list[tuple[str, tuple[Any, ...]]]:
        return [each for each in running.answers_to(request_id) if each[0] in finals]

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

    name, args = answered(qtbot, running, 1)
    assert name == "store_info_loaded"
    info = args[1]
    assert isinstance(info, StoreInfo)
    assert info.name
    # The client was made lazily, in the worker's thread, once.
    assert running.factory_threads == [running.thread]

    running.post(Request(2, RequestKind.FIND, FindArgs("nobody@example.com")))
    assert answered(qtbot, running, 2) == ("customer_found", (2, None))
    assert len(running.factory_threads) == 1, "the client is kept for the next request"


def test_a_store_error_becomes_the_failed_signal_with_its_app_error(
    qtbot: QtBot, start_store: StoreFactory, run_worker: WorkerFactory
) -> None:
    store = start_store(customers=3)
    running = run_worker(store_client(store))
    running.post(Request(7, RequestKind.DELETE, DeleteArgs(MISSING_ID)))

    name, args = answered(qtbot, running, 7)
    assert name == "failed"
    request_id, kind, error = args
    assert (request_id, kind) == (7, "delete")
    assert isinstance(error, NotFoundError)
    assert error.__traceback__ is None, "the traceback holds the worker's client"
    # The customer the store no longer has is forgotten in the cache, and that is announced.
    assert ("changes_committed", (7, [], [MISSING_ID])) in running.answers


def test_a_request_cancelled_before_it_starts_fails_as_cancelled_without_work(
    qtbot: QtBot, run_worker: WorkerFactory
) -> None:
    def no_client() -> WooClient:
        raise AssertionError("a cancelled request must not open the client")

    running = run_worker(no_client)
    request = Request(3, RequestKind.FIND, FindArgs("a@example.com"))
    request.cancel.cancel()
    running.post(request)

    name, (request_id, kind, error) = answered(qtbot, running, 3)
    assert (name, request_id, kind) == ("failed", 3, "find")
    assert isinstance(error, CancelledError)
    assert running.factory_threads == []


def test_an_unexpected_exception_is_logged_and_reported_with_the_generic_message(
    qtbot: QtBot, run_worker: WorkerFactory, caplog: pytest.LogCaptureFixture
) -> None:
    def broken() -> WooClient:
        raise RuntimeError("a bug in the client factory")

    running = run_worker(broken)
    with caplog.at_level(logging.ERROR, logger="app.worker"):
        running.post(Request(4, RequestKind.STORE_INFO, StoreInfoArgs()))
        name, (request_id, kind, error) = answered(qtbot, running, 4)

    assert (name, request_id, kind) == ("failed", 4, "store_info")
    assert type(error) is AppError
    assert error.message == UNEXPECTED_MESSAGE
    assert "a bug in the client factory" in error.detail
    assert "a bug in the client factory" not in error.message
    # The traceback goes to the log, not to the user.
    assert any(record.exc_info for record in caplog.records), caplog.text

    # The worker still answers the next request.
    running.post(Request(5, RequestKind.STORE_INFO, StoreInfoArgs()))
    assert answered(qtbot, running, 5)[0] == "failed"


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

    finals = [answered(qtbot, running, request.request_id)[0] for request in requests]
    assert finals == ["store_info_loaded", "failed", "failed", "customer_found"]
    order = [args[0] for name, args in running.answers if name not in {"changes_committed"}]
    assert order == [10, 11, 12, 13]
