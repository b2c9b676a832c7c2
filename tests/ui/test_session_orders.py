"""StoreSession.orders_for and downloads_for: the cached lists at once, a fetch when online.

The rule was the main window's until issue 15 moved it to the session; these pin it down
without a window, a worker or a store.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

from app.ui.session import StoreSession

CACHED_ORDERS = [cast(Any, "order")]
CACHED_DOWNLOADS = [cast(Any, "download")]


def session_over(
    *, online: bool, orders: list[Any] | None, downloads: list[Any] | None
) -> tuple[StoreSession, list[tuple[str, int]]]:
    """A session over a stub cache and service; the requests it makes are listed."""
    asked: list[tuple[str, int]] = []

    def ask(kind: str) -> Any:
        def request(customer_id: int) -> int:
            asked.append((kind, customer_id))
            return len(asked)  # the request's id

        return request

    service = SimpleNamespace(
        online=online, load_orders=ask("orders"), load_downloads=ask("downloads")
    )
    cache = SimpleNamespace(orders=lambda _id: orders, downloads=lambda _id: downloads)
    session = StoreSession(
        "Stub",
        cast(Any, None),
        cast(Any, cache),
        cast(Any, service),
        cast(Any, None),
        reconnector=cast(Any, object()),
    )
    return session, asked


def test_orders_answer_from_the_cache_and_are_fetched_when_online() -> None:
    session, asked = session_over(online=True, orders=CACHED_ORDERS, downloads=None)
    assert session.orders_for(7) == CACHED_ORDERS
    assert asked == [("orders", 7)]


def test_orders_are_not_asked_for_offline() -> None:
    session, asked = session_over(online=False, orders=None, downloads=None)
    assert session.orders_for(7) is None
    assert asked == []


def test_downloads_fetch_the_orders_too_when_none_are_cached() -> None:
    session, asked = session_over(online=True, orders=None, downloads=CACHED_DOWNLOADS)
    assert session.downloads_for(7) == (CACHED_DOWNLOADS, None)
    assert asked == [("downloads", 7), ("orders", 7)]


def test_downloads_leave_cached_orders_alone() -> None:
    session, asked = session_over(online=True, orders=CACHED_ORDERS, downloads=None)
    assert session.downloads_for(7) == (None, CACHED_ORDERS)
    assert asked == [("downloads", 7)]


def test_downloads_are_not_asked_for_offline() -> None:
    session, asked = session_over(online=False, orders=CACHED_ORDERS, downloads=None)
    assert session.downloads_for(7) == (None, CACHED_ORDERS)
    assert asked == []
