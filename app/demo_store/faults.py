"""Latency and fault injection in front of the demo store, for reliability tests and benchmarks.

Real stores sit behind shared hosting, proxies and rate limiters: they answer late, drop
connections, cut bodies short and put HTML error pages where JSON belongs. This middleware does
the same on purpose: at random for a configured fraction of requests, or exactly when a test
schedules a fault for the next matching request. A fault can strike before the store handles the
request (nothing happened) or after (the write happened but the client never hears of it), the
case that makes blind retries of writes dangerous.
"""

from __future__ import annotations

import contextlib
import json
import random
import re
import socket
import struct
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from app.demo_store.errors import CRITICAL_ERROR_BODY

WSGIApp = Callable[[dict[str, Any], Any], Iterable[bytes]]


class Fault(StrEnum):
    """What can go wrong with one request."""

    SERVER_ERROR = "500"
    BAD_GATEWAY = "502"
    UNAVAILABLE = "503"
    RATE_LIMITED = "429"
    RESET = "reset"
    TRUNCATED = "truncated"
    SLOW = "slow"
    #: PHP died mid-request: WordPress' "critical error" 500 in JSON (reference 19.4).
    CRASH = "crash"


_STATUS_TEXT = {
    Fault.SERVER_ERROR: "500 Internal Server Error",
    Fault.BAD_GATEWAY: "502 Bad Gateway",
    Fault.UNAVAILABLE: "503 Service Unavailable",
    Fault.RATE_LIMITED: "429 Too Many Requests",
}


@dataclass
class _Scheduled:
    fault: Fault
    remaining: int
    method: str | None
    path: re.Pattern[str] | None
    after_handler: bool


class FaultInjector:
    """Decides which requests fail and how; thread-safe.

    Attributes:
        rate: fraction of requests (0..1) that get a random fault from ``kinds``.
        slow_seconds: how long a ``SLOW`` fault holds the answer back.
        retry_after: seconds announced by a ``RATE_LIMITED`` fault's ``Retry-After``.
        injected: how many faults of each kind were injected so far.
    """

    def __init__(
        self,
        rate: float = 0.0,
        *,
        seed: int = 0,
        kinds: Iterable[Fault] = tuple(Fault),
        slow_seconds: float = 5.0,
        retry_after: int = 1,
    ) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError("the fault rate is a fraction between 0 and 1")
        self.rate = rate
        self.kinds = tuple(kinds)
        self.slow_seconds = slow_seconds
        self.retry_after = retry_after
        self.injected: dict[Fault, int] = dict.fromkeys(Fault, 0)
        self._random = random.Random(seed)
        self._scheduled: list[_Scheduled] = []
        self._lock = threading.Lock()

    def schedule(
        self,
        fault: Fault,
        *,
        count: int = 1,
        method: str | None = None,
        path: str | None = None,
        after_handler: bool = False,
    ) -> None:
        """Make the next ``count`` matching requests fail with ``fault``.

        ``method`` and ``path`` (a regex searched in the URL path) narrow which requests match;
        ``after_handler`` lets the store act first, so a write happens but its answer is lost.
        """
        with self._lock:
            self._scheduled.append(
                _Scheduled(
                    fault,
                    count,
                    method.upper() if method else None,
                    re.compile(path) if path else None,
                    after_handler,
                )
            )

    def clear(self) -> None:
        """Forget every scheduled fault."""
        with self._lock:
            self._scheduled.clear()

    def pick(self, method: str, path: str) -> tuple[Fault, bool] | None:
        """The fault for this request (and whether it strikes after the handler), if any."""
        with self._lock:
            for entry in self._scheduled:
                if entry.method not in (None, method.upper()):
                    continue
                if entry.path is not None and not entry.path.search(path):
                    continue
                entry.remaining -= 1
                if entry.remaining <= 0:
                    self._scheduled.remove(entry)
                self.injected[entry.fault] += 1
                return entry.fault, entry.after_handler
            if self.rate and self.kinds and self._random.random() < self.rate:
                fault = self._random.choice(self.kinds)
                self.injected[fault] += 1
                return fault, self._random.random() < 0.5
        return None


class FaultMiddleware:
    """WSGI middleware adding latency and the injector's faults in front of an app."""

    def __init__(
        self,
        app: WSGIApp,
        injector: FaultInjector,
        *,
        latency_ms: float = 0.0,
        stopping: threading.Event | None = None,
    ) -> None:
        self._app = app
        self._injector = injector
        self._latency = latency_ms / 1000
        self._stopping = stopping or threading.Event()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        """Answer a request, late or wrongly when the injector says so."""
        if self._latency:
            self._stopping.wait(self._latency)
        picked = self._injector.pick(environ["REQUEST_METHOD"], environ.get("PATH_INFO", ""))
        if picked is None:
            return self._app(environ, start_response)
        fault, after_handler = picked
        if fault is Fault.SLOW:
            self._stopping.wait(self._injector.slow_seconds)
            return self._app(environ, start_response)
        if after_handler or fault is Fault.TRUNCATED:
            status, headers, body = self._run(environ)
            if fault is Fault.TRUNCATED:
                write = start_response(status, headers)
                write(body[: len(body) // 2])
                self._drop(environ)
        if fault is Fault.RESET:
            self._drop(environ)
        return self._error_page(fault, start_response)

    def _run(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured["status"], captured["headers"] = status, headers
            return lambda data: None

        body = b"".join(self._app(environ, capture))
        return captured["status"], captured["headers"], body

    @staticmethod
    def _drop(environ: dict[str, Any]) -> None:
        """Cut the connection without an answer (the client sees it closed or reset)."""
        connection: socket.socket | None = environ.get("werkzeug.socket")
        if connection is not None:
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            with contextlib.suppress(OSError):  # the client may have gone already
                connection.shutdown(socket.SHUT_RDWR)
        # Raised while the server calls the app, so it treats the connection as dropped.
        raise ConnectionAbortedError("fault injected: connection dropped")

    def _error_page(self, fault: Fault, start_response: Any) -> Iterable[bytes]:
        if fault is Fault.CRASH:
            body = json.dumps(CRITICAL_ERROR_BODY, separators=(",", ":")).encode()
            start_response(
                "500 Internal Server Error",
                [
                    ("Content-Type", "application/json; charset=UTF-8"),
                    ("Content-Length", str(len(body))),
                ],
            )
            return [body]
        status = _STATUS_TEXT[fault]
        page = (
            f"<!DOCTYPE html><html><head><title>{status}</title></head>"
            f"<body><h1>{status}</h1><hr><p>nginx</p></body></html>"
        ).encode()
        headers = [("Content-Type", "text/html; charset=UTF-8"), ("Content-Length", str(len(page)))]
        if fault is Fault.RATE_LIMITED:
            headers.append(("Retry-After", str(self._injector.retry_after)))
        start_response(status, headers)
        return [page]
