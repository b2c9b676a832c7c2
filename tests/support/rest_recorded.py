"""A fake HTTP session answering wc/v3 requests with recorded answers (no live store).

The answers are the bodies, statuses and headers wc-rest-v3-behavior.md records; a test gives
a handler per request (or a routing function) and reads back what was sent.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests
from requests.structures import CaseInsensitiveDict

from app.api.connection import StoreConnection
from app.api.rest_transport import REST_API
from app.api.transport import ApiFlavor, Transport

KEY = "ck_0123456789abcdef0123456789abcdef01234567"
SECRET = "cs_0123456789abcdef0123456789abcdef01234567"
#: Headers every REST answer carries (section 1.2).
REST_HEADERS = {
    "Content-Type": "application/json; charset=UTF-8",
    "X-Robots-Tag": "noindex",
    "X-Content-Type-Options": "nosniff",
    "Access-Control-Expose-Headers": "X-WP-Total, X-WP-TotalPages, Link",
}


@dataclass(frozen=True)
class Sent:
    """One request as the fake store received it."""

    method: str
    path: str
    params: list[tuple[str, str]]
    json: Any
    auth: Any

    def param(self, name: str) -> str | None:
        """The last value of a query parameter, or None."""
        values = [v for k, v in self.params if k == name]
        return values[-1] if values else None


@dataclass(frozen=True)
class Reply:
    """A recorded answer."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    raw: bytes | None = None


def error(status: int, code: str, message: str, **data: Any) -> Reply:
    """A wc/v3 error answer (section 1.6)."""
    return Reply(status, {"code": code, "message": message, "data": {"status": status, **data}})


def listing(items: list[Any], total: int, per_page: int = 10) -> Reply:
    """A list answer with the paging headers (section 4.6)."""
    pages = -(-total // per_page) if total else 0
    return Reply(200, items, {"X-WP-Total": str(total), "X-WP-TotalPages": str(pages)})


Handler = Callable[[Sent], Reply]


class RecordedSession:
    """Stands in for ``requests.Session``: each request goes to ``route`` (or the next queued)."""

    def __init__(self, route: Handler | None = None) -> None:
        self.route = route
        self.queue: list[Reply | Handler] = []
        self.sent: list[Sent] = []

    def request(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        parts = urlsplit(url)
        sent = Sent(
            method,
            parts.path,
            parse_qsl(parts.query, keep_blank_values=True),
            kwargs.get("json"),
            kwargs.get("auth"),
        )
        self.sent.append(sent)
        if self.queue:
            step = self.queue.pop(0)
            reply = step if isinstance(step, Reply) else step(sent)
        else:
            assert self.route is not None, f"unexpected request {method} {url}"
            reply = self.route(sent)
        if isinstance(reply, BaseException):
            raise reply
        response = requests.Response()
        response.status_code = reply.status
        response.headers = CaseInsensitiveDict({**REST_HEADERS, **reply.headers})
        response._content = (
            reply.raw if reply.raw is not None else json.dumps(reply.body).encode("utf-8")
        )
        response.encoding = "utf-8"
        response.url = url
        return response

    def close(self) -> None:
        """Nothing to release."""

    @property
    def v3(self) -> list[Sent]:
        """The requests sent to the wc/v3 root (not the index or the figure sources)."""
        return [sent for sent in self.sent if sent.path.startswith("/wp-json/wc/v3")]


def recorded_transport(
    session: RecordedSession,
    *,
    url: str = "https://shop.example.com",
    flavor: ApiFlavor = REST_API,
    **options: Any,
) -> Transport:
    """A transport whose every request goes to ``session`` (no waiting between retries)."""
    connection = StoreConnection(url, KEY, SECRET, **options)
    transport = Transport(connection, sleep=lambda _: None, flavor=flavor)
    transport._session = lambda: session  # type: ignore[assignment,method-assign,return-value]
    return transport
