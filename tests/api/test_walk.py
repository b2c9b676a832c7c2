"""The complete walk (app/api/walk.py) against an in-memory list that changes under it.

The fake store answers ``filter[offset]``/``filter[limit]`` windows of its ids in id order, as a
real store does for ``filter[orderby]=ID`` (reference section 19.1), and runs a scripted or
random change before any request: customers created (always with a new, higher id) or deleted
anywhere. Whatever happens, a walk that says it is complete holds exactly the store's ids.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.api.client import CustomerQuery
from app.api.transport import ApiResponse
from app.api.walk import CustomerWalk, FixedPlan
from app.errors import ProtocolError


@dataclass
class ListStore:
    """Ids in a list, windows of them by offset, and changes a test schedules per request."""

    ids: list[int]
    changes: list[Callable[[ListStore], None]] = field(default_factory=list)
    requests: list[dict[str, str]] = field(default_factory=list)
    ignores_order: bool = False
    hides_rows: bool = False
    #: The ids as they were when the last request was answered.
    last_answered: set[int] = field(default_factory=set)

    def create(self) -> int:
        new = max(self.ids, default=1) + 1
        self.ids.append(new)
        return new

    def delete_at(self, position: int) -> None:
        if self.ids:
            del self.ids[position % len(self.ids)]

    def _change(self) -> None:
        if self.changes:
            self.changes.pop(0)(self)

    def fetch(self, params: list[tuple[str, str]]) -> ApiResponse:
        self._change()
        self.last_answered = set(self.ids)
        query = dict(params)
        self.requests.append(query)
        assert query["filter[orderby]"] == "ID"
        assert query["filter[order]"] == "ASC"
        offset, limit = int(query["filter[offset]"]), int(query["filter[limit]"])
        rows = sorted(self.ids, reverse=self.ignores_order)[offset : offset + limit]
        body = {"customers": [] if self.hides_rows else [{"id": i} for i in rows]}
        return ApiResponse(200, {"X-WC-Total": str(len(self.ids))}, body)

    def count(self) -> int:
        self._change()
        self.last_answered = set(self.ids)
        return len(self.ids)


def _ids(items: list[Any]) -> list[int]:
    return [int(item["id"]) for item in items]


def walk_of(store: ListStore, page_size: int = 10, **options: Any) -> CustomerWalk:
    return CustomerWalk(
        store.fetch,
        _ids,
        store.count,
        CustomerQuery(role="all", orderby="registered", order="DESC"),
        plan=FixedPlan(page_size, 1),
        **options,
    )


def run(walk: CustomerWalk) -> list[int]:
    return [row for window in walk for row in window.items]


def test_a_quiet_store_is_walked_once_and_proven() -> None:
    store = ListStore(list(range(2, 48)))
    walk = walk_of(store)
    rows = run(walk)
    assert rows == list(range(2, 48))
    assert walk.proof is not None
    assert walk.proof.complete
    assert walk.proof.attempts == 1
    assert walk.ids == set(range(2, 48))
    # Windows start one row early (so seams can be checked), then one closing look at the end.
    offsets = [(r["filter[offset]"], r["filter[limit]"]) for r in store.requests]
    windows = [("0", "10"), ("9", "11"), ("19", "11"), ("29", "11"), ("39", "11")]
    assert offsets == [*windows, ("45", "2")]


def test_the_walk_asks_for_the_total_order_whatever_the_query_said() -> None:
    store = ListStore([5, 6])
    run(walk_of(store))
    assert all(r["filter[orderby]"] == "ID" and r["filter[order]"] == "ASC" for r in store.requests)
    assert all("filter[orderby_meta_key]" not in r for r in store.requests)


def test_a_deletion_behind_the_walk_is_caught_at_the_next_seam_and_walked_again() -> None:
    store = ListStore(list(range(2, 48)))
    # Before the third window: a customer of the first window goes; everything shifts left.
    store.changes = [lambda s: None, lambda s: None, lambda s: s.delete_at(3)]
    walk = walk_of(store)
    run(walk)
    assert walk.proof is not None
    assert walk.proof.complete
    assert walk.proof.attempts == 2
    assert walk.ids == set(store.ids)


def test_customers_created_after_the_end_are_fetched_as_a_tail_not_a_new_walk() -> None:
    store = ListStore(list(range(2, 30)))

    # After the last window (three windows of 10), before the count: two sign-ups.
    def two_sign_ups(s: ListStore) -> None:
        s.create()
        s.create()

    store.changes = [lambda s: None] * 3 + [two_sign_ups]
    walk = walk_of(store)
    rows = run(walk)
    assert walk.proof is not None
    assert walk.proof.complete
    assert walk.proof.attempts == 2
    assert sorted(rows) == sorted(store.ids)
    assert store.requests[4]["filter[offset]"] == "27"  # the tail starts at the old end


def test_a_deletion_and_a_creation_after_the_walk_do_not_cancel_out() -> None:
    store = ListStore(list(range(2, 30)))

    def both(s: ListStore) -> None:
        s.delete_at(4)
        s.create()

    store.changes = [lambda s: None] * 3 + [both]
    walk = walk_of(store, attempts=1)
    run(walk)
    assert walk.proof is not None
    assert walk.proof.collected == walk.proof.store_count  # the count alone would be fooled
    assert not walk.proof.complete
    assert walk.proof.unaccounted >= 1


def test_a_store_that_never_settles_is_reported_unaccounted_not_complete() -> None:
    store = ListStore(list(range(2, 60)))
    store.changes = [lambda s: s.delete_at(1)] * 100
    walk = walk_of(store)
    run(walk)
    assert walk.proof is not None
    assert walk.proof.attempts == 3
    assert not walk.proof.complete
    assert walk.proof.unaccounted >= 1


def test_a_store_ignoring_the_order_is_never_proven() -> None:
    store = ListStore(list(range(2, 30)), ignores_order=True)
    walk = walk_of(store)
    run(walk)
    assert walk.proof is not None
    assert not walk.proof.complete


def test_a_key_whose_user_cannot_list_users_gets_a_clear_error() -> None:
    store = ListStore(list(range(2, 30)), hides_rows=True)
    with pytest.raises(ProtocolError, match="list_users"):
        run(walk_of(store))


def test_a_resumed_walk_starts_where_the_last_stopped() -> None:
    store = ListStore(list(range(2, 48)))
    walk = walk_of(store, resume=(20, 21, list(range(2, 22))))
    rows = run(walk)
    assert rows == list(range(22, 48))
    assert store.requests[0]["filter[offset]"] == "19"
    assert walk.proof is not None
    assert walk.proof.complete
    assert walk.ids == set(range(2, 48))


def test_a_resume_point_the_store_no_longer_matches_walks_from_the_start() -> None:
    store = ListStore(list(range(2, 48)))
    store.delete_at(0)  # deleted before the resume: the checkpoint's row moved
    walk = walk_of(store, resume=(20, 21, list(range(2, 22))))
    rows = run(walk)
    assert walk.proof is not None
    assert walk.proof.complete
    assert walk.ids == set(store.ids)
    assert set(rows) >= set(store.ids)


@settings(deadline=None)
@given(
    size=st.integers(0, 60),
    page_size=st.integers(1, 12),
    seed=st.integers(0, 2**32),
    change_rate=st.floats(0, 0.6),
)
def test_whatever_changes_a_complete_walk_holds_exactly_the_stores_ids(
    size: int, page_size: int, seed: int, change_rate: float
) -> None:
    rng = random.Random(seed)
    store = ListStore(list(range(2, 2 + size)))

    def maybe(s: ListStore) -> None:
        if rng.random() < change_rate:
            if rng.random() < 0.5:
                s.create()
            else:
                s.delete_at(rng.randrange(1000))

    store.changes = [maybe] * 10_000
    walk = walk_of(store, page_size=page_size)
    run(walk)
    assert walk.proof is not None
    if walk.proof.complete:
        # The proof speaks of the moment of the walk's last request.
        assert walk.ids == store.last_answered
    else:
        assert walk.proof.unaccounted >= 1


def test_a_customer_joining_the_list_behind_the_walk_makes_it_walk_again() -> None:
    """A count above what was seen, with nothing new at the end: someone came into the list
    among the rows already walked (an administrator turned customer). Fetching the tail would
    find nothing; only a new walk can see them."""
    store = ListStore(list(range(10, 40)))

    def joins(s: ListStore) -> None:
        s.ids.append(3)  # a low id: it sorts before every row already walked

    store.changes = [lambda s: None] * 2 + [joins]
    walk = walk_of(store)
    run(walk)
    assert walk.proof is not None
    assert walk.proof.complete
    assert 3 in walk.ids
    assert walk.proof.attempts == 2
