"""Complete list walks: every customer a query matches, exactly once, with proof.

A legacy v3 list ordered by anything with ties (registration time, the default) repeats and skips
customers across pages on real stores, because MySQL orders tied rows differently in every
``LIMIT/OFFSET`` query (wc-api-v3-behavior.md section 19.1). So every walk here:

* orders by ``filter[orderby]=ID`` ascending, the one total order the API offers;
* asks for windows of rows by ``filter[offset]``/``filter[limit]``, each window starting one
  row early, so its first row must be the previous window's last: a customer deleted or added
  behind the walk shifts the rows and is caught at the next seam;
* keeps going until a window comes back short (customers created meanwhile are appended, since
  new ids are higher), then asks the store's count for the *same* query;
* is complete only when every seam met, ids rose throughout and the customers collected equal
  that count. Otherwise it fetches the tail (only customers created since) or walks again, a few
  times, and then says how many customers it could not account for, never that it is complete.

The walk yields windows as they arrive so a sync can store each one at once; consumers that keep
a list must start over when :attr:`WalkWindow.attempt` changes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import TYPE_CHECKING, Any

from app.api.parallel import parallel_keyed
from app.api.transport import ApiResponse, CancelToken
from app.errors import ProtocolError

if TYPE_CHECKING:
    from app.api.client import CustomerQuery

log = logging.getLogger("app.api")

#: ``filter[orderby]``/``filter[order]`` of the one total order (WordPress' ``ID`` column).
TOTAL_ORDER = ("ID", "ASC")
#: Walks made before one is given up as unprovable (the store keeps changing under it).
WALK_ATTEMPTS = 3

#: Sends one list request: (params) -> answer.
Fetch = Callable[[list[tuple[str, str]]], ApiResponse]
#: Turns a list answer's items into the walk's items (customers, or bare ids); each has an id.
Parse = Callable[[list[Any]], list[Any]]


@dataclass(frozen=True)
class WalkWindow:
    """One window of a walk: the rows it added, where they start, and what the store counted.

    Attributes:
        start: the walk position of the first row in ``items``.
        items: the rows new to this window (the overlap row is left out).
        total: the store's ``X-WC-Total`` when it answered.
        attempt: which walk this belongs to (1 first; a later one starts the collection over).
    """

    start: int
    items: tuple[Any, ...]
    total: int
    attempt: int


@dataclass(frozen=True)
class WalkProof:
    """What a finished walk can show about itself.

    Attributes:
        collected: distinct customers the walk returned.
        store_count: the store's count for the same query, asked after the walk.
        consistent: every window met the one before it, ids rose throughout.
        attempts: walks it took.
    """

    collected: int
    store_count: int
    consistent: bool
    attempts: int

    @property
    def complete(self) -> bool:
        """Whether the walk holds exactly the customers the store has."""
        return self.consistent and self.collected == self.store_count

    @property
    def unaccounted(self) -> int:
        """How many customers the walk cannot vouch for (0 when complete)."""
        if self.complete:
            return 0
        return max(abs(self.store_count - self.collected), 1)


@dataclass
class _Seam:
    """What one window returned, for checking it against its neighbours."""

    size: int  # rows asked for, overlap row not counted
    returned: int  # new rows returned
    overlap_id: int | None  # the id in the overlap row, when one was asked for
    first_id: int | None
    last_id: int | None
    ascending: bool


@dataclass
class _Attempt:
    """One pass over the list, and what its windows showed."""

    number: int
    start: int
    expected_before: int | None  # id of the row just before ``start``
    seams: dict[int, _Seam] = field(default_factory=dict)
    totals: set[int] = field(default_factory=set)

    def consistent(self) -> bool:
        expected = self.expected_before
        position = self.start
        for start in sorted(self.seams):
            seam = self.seams[start]
            if start != position or not seam.ascending:
                return False
            if expected is not None and (seam.overlap_id != expected):
                return False
            if seam.first_id is not None and expected is not None and seam.first_id <= expected:
                return False
            if seam.returned < seam.size:
                return start == max(self.seams)  # only the last window may come back short
            position += seam.returned
            expected = seam.last_id if seam.last_id is not None else expected
        return False  # no window came back short: the end was never seen

    def end(self) -> tuple[int, int | None]:
        """The position after the last row seen, and that row's id."""
        position, last = self.start, self.expected_before
        for start in sorted(self.seams):
            seam = self.seams[start]
            position = start + seam.returned
            last = seam.last_id if seam.last_id is not None else last
        return position, last


class CustomerWalk:
    """Walks one query's list in id order and proves, or disproves, that it saw everyone.

    Iterate it for the windows; afterwards :attr:`proof` says what the walk showed and
    :attr:`ids` holds the ids of the walk that the proof is about.
    """

    def __init__(
        self,
        fetch: Fetch,
        parse: Parse,
        count: Callable[[], int],
        query: CustomerQuery,
        *,
        page_size: int,
        concurrency: int,
        cancel: CancelToken | None = None,
        extra: Mapping[str, str] | None = None,
        resume: tuple[int, int, Collection[int]] | None = None,
        attempts: int = WALK_ATTEMPTS,
    ) -> None:
        """Prepare a walk.

        Args:
            fetch: sends the list request with the given parameters.
            parse: turns a page's items into rows that have an ``id`` (or are ids).
            count: the store's count for the same query.
            query: which customers; its order is replaced by the total order.
            page_size: rows per window.
            concurrency: windows in flight at once.
            cancel: stops the walk between windows.
            extra: more query parameters (``fields``).
            resume: (position, id of the row before it, ids of the rows before it) of an
                interrupted walk of the same query, to carry on from.
            attempts: walks made before giving up on a proof.
        """
        self._fetch = fetch
        self._parse = parse
        self._count = count
        self._params = [*_ordered(query).params(), *sorted((extra or {}).items())]
        self._page_size = page_size
        self._concurrency = concurrency
        self._cancel = cancel
        self._resume = resume
        self._attempts = max(1, attempts)
        self.ids: set[int] = set()
        self.proof: WalkProof | None = None

    def __iter__(self) -> Iterator[WalkWindow]:
        start, before = 0, None
        if self._resume is not None:
            start, before, prefix = self._resume
            self.ids = set(prefix)
        number = 0
        store_count = 0
        consistent = grown = False
        while number < self._attempts:
            number += 1
            attempt = _Attempt(number, start, before)
            yield from self._pass(attempt)
            consistent = attempt.consistent()
            store_count = self._count()
            grown = False
            if consistent:
                # Asked after the count: a customer deleted behind the walk or created after
                # its end since the last window shows here, so the count cannot be balanced
                # out by one of each unseen.
                consistent, grown = self._end_still_holds(*attempt.end())
            if consistent and not grown and len(self.ids) == store_count:
                break
            log.info(
                "walk %d: %d collected, the store counts %d, %s",
                number,
                len(self.ids),
                store_count,
                "seams met" if consistent else "seams did not meet",
            )
            if consistent and (grown or store_count > len(self.ids)):
                # Only customers created after the walk passed the end: fetch the tail.
                start, before = attempt.end()
                continue
            if number < self._attempts:
                start, before = 0, None
                self.ids = set()
        self.proof = WalkProof(len(self.ids), store_count, consistent and not grown, number)

    def _end_still_holds(self, end: int, last: int | None) -> tuple[bool, bool]:
        """Check the walk's end again: (nothing shifted behind it, customers follow it now).

        The row before ``end`` must still be ``last``; rows after it are customers created
        since the walk passed.
        """
        closing = self._fetch_window(end, 1)
        ids = [_row_id(row) for row in closing.rows]
        expected = [last] if closing.overlap and last is not None else []
        if ids[: closing.overlap] != expected:
            return False, False
        return True, len(ids) > closing.overlap

    def _pass(self, attempt: _Attempt) -> Iterator[WalkWindow]:
        size = self._page_size
        first = self._record(attempt, self._fetch_window(attempt.start, size))
        if not first.items and attempt.start == 0 and first.total > 0:
            raise ProtocolError(
                f"The store counts {first.total:,} customers but lists none. The API key's "
                "user may not be allowed to list users (WordPress' list_users capability)."
            )
        yield first
        if len(first.items) < size:
            return
        position = attempt.start + size
        while True:
            # Up to the store's total; at least one window, to see the end.
            starts = list(range(position, max(max(attempt.totals), position + 1), size))
            for _, fetched in self._parallel(starts, size):
                yield self._record(attempt, fetched)
            last = attempt.seams[starts[-1]]
            if last.returned < last.size:
                return
            position = starts[-1] + size  # full to the end: customers were created meanwhile

    def _parallel(self, starts: list[int], size: int) -> Iterator[tuple[int, _Fetched]]:
        def fetch(start: int) -> _Fetched:
            return self._fetch_window(start, size)

        if len(starts) == 1 or self._concurrency == 1:
            for start in starts:
                if self._cancel is not None:
                    self._cancel.raise_if_cancelled()
                yield start, fetch(start)
            return
        yield from parallel_keyed(fetch, starts, self._concurrency, self._cancel)

    def _fetch_window(self, start: int, size: int) -> _Fetched:
        """One window's request (runs on a worker thread: no shared state is touched)."""
        overlap = 1 if start > 0 else 0
        params = [
            *self._params,
            ("filter[limit]", str(size + overlap)),
            ("filter[offset]", str(start - overlap)),
        ]
        answer = self._fetch(params)
        rows = self._parse(_items(answer.body))
        return _Fetched(start, size, overlap, rows, answer.header_int("X-WC-Total"))

    def _record(self, attempt: _Attempt, fetched: _Fetched) -> WalkWindow:
        """Note what a window showed (on the walking thread) and hand over its new rows."""
        rows = fetched.rows
        ids = [_row_id(row) for row in rows]
        overlap = fetched.overlap
        new_ids = ids[overlap:]
        total = fetched.total
        attempt.totals.add(total if total is not None else fetched.start + len(new_ids))
        attempt.seams[fetched.start] = _Seam(
            size=fetched.size,
            returned=len(new_ids),
            overlap_id=ids[0] if overlap and ids else None,
            first_id=new_ids[0] if new_ids else None,
            last_id=new_ids[-1] if new_ids else None,
            ascending=all(a < b for a, b in pairwise(ids)),
        )
        self.ids.update(new_ids)
        return WalkWindow(fetched.start, tuple(rows[overlap:]), max(attempt.totals), attempt.number)


@dataclass(frozen=True)
class _Fetched:
    """A window's answer, before it is checked."""

    start: int
    size: int
    overlap: int
    rows: list[Any]
    total: int | None


def _ordered(query: CustomerQuery) -> CustomerQuery:
    """The same customers in the total order."""
    return replace(query, orderby=TOTAL_ORDER[0], order=TOTAL_ORDER[1], meta_key="")


def _items(body: object) -> list[Any]:
    items = body.get("customers") if isinstance(body, Mapping) else None
    if not isinstance(items, list):
        detail = str(body)[:300]
        raise ProtocolError("The store's answer holds no list of customers.", detail=detail)
    return items


def _row_id(row: object) -> int:
    value = row if isinstance(row, int) else getattr(row, "id", None)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProtocolError("The store's customer ids are not numbers.")
    return value
