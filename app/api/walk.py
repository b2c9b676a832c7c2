"""Complete list walks: every customer a query matches, exactly once, with proof.

A legacy v3 list ordered by anything with ties (registration time, the default) repeats and skips
customers across pages on real stores, because MySQL orders tied rows differently in every
``LIMIT/OFFSET`` query (wc-api-v3-behavior.md section 19.1). So every walk here:

* orders by ``filter[orderby]=ID`` ascending, the one total order the API offers;
* asks for windows of rows by ``filter[offset]``/``filter[limit]``, each window starting one
  row early, so its first row must be the previous window's last: a customer deleted or added
  behind the walk shifts the rows and is caught at the next seam;
* keeps going until a window comes back short at the end of the list (customers created
  meanwhile are appended, since new ids are higher), then looks at its end once more, an
  answer that also carries the store's count for the *same* query (``X-WC-Total``);
* is complete only when every seam met, ids rose throughout, the end still held and the
  customers collected equal that count. Otherwise it fetches the tail (only customers created
  since) or walks again, a few times, and then says how many customers it could not account
  for, never that it is complete.

How large the windows are and how many are in flight is a plan's decision: a fixed one, or a
:class:`~app.api.page_plan.PagePlanner` that learns from the store (larger pages while they come
back fast and whole, smaller ones after a timeout or a PHP limit, the failed window asked again
in pieces). The walk yields windows as they arrive so a sync can store each one at once;
consumers that keep a list must start over when :attr:`WalkWindow.attempt` changes.

What the list request looks like is a :class:`ListStyle`: the legacy API's by default
(``filter[offset]``/``filter[limit]``, ``X-WC-Total``, ``{"customers": […]}``); the modern
wc/v3 API's (``offset``/``per_page`` up to 100, ``orderby=id&order=asc``, ``X-WP-Total``, a bare
array) is :data:`app.api.rest_client.REST_LIST`.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Collection, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import TYPE_CHECKING, Any, Protocol

from app.api.page_plan import FailureKind, PagePlanner, failure_kind
from app.api.transport import ApiResponse, CancelToken
from app.errors import AppError, ProtocolError

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


def legacy_ordered_params(query: CustomerQuery) -> list[tuple[str, str]]:
    """The legacy list parameters of ``query`` in the total order (``filter[orderby]=ID``)."""
    return _ordered(query).params()


@dataclass(frozen=True)
class ListStyle:
    """How one API's list request names a window, the total order and the store's count.

    Attributes:
        offset_param: the parameter of a window's first row (0-based).
        limit_param: the parameter of a window's row count.
        total_header: the header holding the count of the whole query.
        items_key: the key of the list in the answer's object, or None for a bare array.
        ordered_params: the query's parameters, ordered by id ascending.
        max_rows: the most rows one request may ask for, overlap row included (None: no limit).
    """

    offset_param: str = "filter[offset]"
    limit_param: str = "filter[limit]"
    total_header: str = "X-WC-Total"
    items_key: str | None = "customers"
    ordered_params: Callable[[Any], list[tuple[str, str]]] = legacy_ordered_params
    max_rows: int | None = None

    def items(self, body: object) -> list[Any]:
        """The list of rows in an answer's body.

        Raises:
            ProtocolError: the body holds no list where this API puts it.
        """
        if self.items_key is None:
            items = body
        else:
            items = body.get(self.items_key) if isinstance(body, Mapping) else None
        if not isinstance(items, list):
            detail = str(body)[:300]
            raise ProtocolError("The store's answer holds no list of customers.", detail=detail)
        return items

    def window_size(self, start: int, size: int) -> int:
        """``size`` trimmed so that the window and its overlap row fit one request."""
        if self.max_rows is None:
            return size
        overlap = 1 if start > 0 else 0
        return max(1, min(size, self.max_rows - overlap))


#: The legacy v3 API's lists.
LEGACY_LIST = ListStyle()


class WalkPlan(Protocol):
    """How large the windows are and how many go at once (a :class:`PagePlanner` is one)."""

    @property
    def concurrency(self) -> int:
        """Windows in flight at once (after the first, which goes alone)."""
        ...

    @property
    def page_size(self) -> int:
        """The window size the plan stands at now."""
        ...

    def first_page_size(self) -> int:
        """The first window's size."""
        ...

    def next_page_size(self, remaining: int | None = None) -> int:
        """The next window's size (``remaining``: rows the store's total says are left)."""
        ...

    def record_success(
        self,
        customers: int,
        seconds: float,
        *,
        asked: int | None = None,
        end_of_list: bool = False,
        in_flight: int | None = None,
    ) -> None:
        """Learn from a window that came back."""
        ...

    def record_failure(self, kind: FailureKind, *, asked: int | None = None) -> None:
        """Learn from a window that failed."""
        ...


@dataclass(frozen=True)
class FixedPlan:
    """The same window size and requests in flight throughout; a failed window fails the walk."""

    page_size: int
    concurrency: int

    def first_page_size(self) -> int:
        """See :class:`WalkPlan`."""
        return self.page_size

    def next_page_size(self, remaining: int | None = None) -> int:
        """See :class:`WalkPlan`."""
        return self.page_size

    def record_success(
        self,
        customers: int,
        seconds: float,
        *,
        asked: int | None = None,
        end_of_list: bool = False,
        in_flight: int | None = None,
    ) -> None:
        """See :class:`WalkPlan` (a fixed plan learns nothing)."""

    def record_failure(self, kind: FailureKind, *, asked: int | None = None) -> None:
        """See :class:`WalkPlan` (a fixed plan learns nothing)."""


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
        consistent: every window met the one before it, ids rose throughout, the end held.
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
    last_id: int | None
    ascending: bool
    at_end: bool  # the store's total said no rows follow it


@dataclass
class _Attempt:
    """One pass over the list, and what its windows showed."""

    number: int
    start: int
    expected_before: int | None  # id of the row just before ``start``
    seams: dict[int, _Seam] = field(default_factory=dict)
    totals: set[int] = field(default_factory=set)

    def chain(self) -> tuple[int, int | None, bool]:
        """Follow the windows from the start: (position reached, last id, seams all met).

        A seam meets when a window starts exactly where the one before it ended and its
        overlap row is that window's last row.
        """
        position, expected, met = self.start, self.expected_before, True
        while position in self.seams:
            seam = self.seams[position]
            if not seam.ascending or (position > 0 and seam.overlap_id != expected):
                met = False
                break
            if seam.returned == 0:
                break
            position += seam.returned
            expected = seam.last_id
        return position, expected, met

    def ended(self) -> bool:
        """Whether the unbroken run of windows reached the end of the list."""
        position, _, met = self.chain()
        return met and any(
            start + seam.returned == position and seam.returned < seam.size and seam.at_end
            for start, seam in self.seams.items()
        )

    def consistent(self) -> bool:
        """Every window met the one before it, the end was seen and nothing lies beyond."""
        if not self.ended():
            return False
        position = self.chain()[0]
        return not any(seam.returned and start >= position for start, seam in self.seams.items())

    def end(self) -> tuple[int, int | None]:
        """The position after the last row of the unbroken run of windows, and that row's id."""
        position, last, _ = self.chain()
        return position, last


@dataclass(frozen=True)
class _Fetched:
    """A window's answer, before it is checked."""

    start: int
    size: int
    overlap: int
    rows: list[Any]
    total: int | None
    seconds: float


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
        plan: WalkPlan,
        cancel: CancelToken | None = None,
        extra: Mapping[str, str] | None = None,
        resume: tuple[int, int, Collection[int]] | None = None,
        attempts: int = WALK_ATTEMPTS,
        style: ListStyle = LEGACY_LIST,
    ) -> None:
        """Prepare a walk.

        Args:
            fetch: sends the list request with the given parameters.
            parse: turns a page's items into rows that have an ``id`` (or are ids).
            count: the store's count for the same query.
            query: which customers; its order is replaced by the total order.
            plan: window sizes and requests in flight (fixed, or learnt by a PagePlanner).
            cancel: stops the walk between windows.
            extra: more query parameters (``fields``).
            resume: (position, id of the row before it, ids of the rows before it) of an
                interrupted walk of the same query, to carry on from.
            attempts: walks made before giving up on a proof.
            style: the API's list parameters, count header and answer shape.
        """
        self._fetch = fetch
        self._parse = parse
        self._count = count
        self._style = style
        self._params = [*style.ordered_params(query), *sorted((extra or {}).items())]
        self.plan = plan
        self._adapts = isinstance(plan, PagePlanner)
        self._workers = plan.limits.max_concurrency if isinstance(plan, PagePlanner) else 0
        self._cancel = cancel
        self._resume = resume
        self._attempts = max(1, attempts)
        self.ids: set[int] = set()
        self.proof: WalkProof | None = None
        self.requests = 0

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
            grown = False
            if consistent:
                # One closing look at the end, which also brings the store's count for the
                # same query: a customer deleted behind the walk or created after its end since
                # the last window shows here, so the count cannot be balanced out by one of
                # each unseen.
                consistent, grown, total = self._end_still_holds(*attempt.end())
                store_count = total if total is not None else self._count()
            else:
                store_count = self._count()
            if consistent and not grown and len(self.ids) == store_count:
                break
            log.info(
                "walk %d: %d collected, the store counts %d, %s",
                number,
                len(self.ids),
                store_count,
                "seams met" if consistent else "seams did not meet",
            )
            if consistent and grown:
                # Only customers created after the walk passed the end: fetch the tail. (A
                # count above what was seen with nothing new at the end means a customer came
                # into the list behind the walk, e.g. by a role change: walk again.)
                start, before = attempt.end()
                continue
            if number < self._attempts:
                start, before = 0, None
                self.ids = set()
        self.proof = WalkProof(len(self.ids), store_count, consistent and not grown, number)

    def _end_still_holds(self, end: int, last: int | None) -> tuple[bool, bool, int | None]:
        """Look at the walk's end again: (nothing shifted, customers follow, the store's count).

        The row before ``end`` must still be ``last``; rows after it are customers created
        since the walk passed. The answer's ``X-WC-Total`` is the count of the same query,
        taken at the same moment.
        """
        closing = self._fetch_window(end, 1)
        self.requests += 1
        ids = [_row_id(row) for row in closing.rows]
        expected = [last] if closing.overlap and last is not None else []
        if ids[: closing.overlap] != expected:
            return False, False, closing.total
        return True, len(ids) > closing.overlap, closing.total

    # -- one pass ---------------------------------------------------------------------------------

    def _pass(self, attempt: _Attempt) -> Iterator[WalkWindow]:
        """Fetch windows from ``attempt.start`` to the end of the list, as the plan says.

        The first window goes alone (its answer tells the store's total); then the plan's
        concurrency is kept in flight. A window the store cut short before the end of the list
        has its rest asked again; a window that failed in a way a smaller page can cure is asked
        again in pieces of the plan's shrunk size.
        """
        plan = self.plan
        pending: deque[tuple[int, int]] = deque([(attempt.start, plan.first_page_size())])
        next_start: int | None = None  # unknown until the first window answered
        running: dict[Future[_Fetched], tuple[int, int, int]] = {}
        pool = ThreadPoolExecutor(
            max_workers=max(plan.concurrency, self._workers, 1), thread_name_prefix="woo-walk"
        )
        try:
            while True:
                limit = 1 if next_start is None else max(1, plan.concurrency)
                while len(running) < limit:
                    asked = self._next_window(attempt, pending, next_start, running)
                    if asked is None:
                        break
                    if self._cancel is not None:
                        self._cancel.raise_if_cancelled()
                    start, size = asked[0], self._style.window_size(*asked)
                    future = pool.submit(self._fetch_window, start, size)
                    running[future] = (start, size, len(running) + 1)
                    if next_start is not None and start >= next_start:
                        next_start = start + size
                if not running:
                    return
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    start, size, in_flight = running.pop(future)
                    try:
                        fetched = future.result()
                    except AppError as error:
                        pending.extend(self._replan(error, start, size))
                        continue
                    if self._cancel is not None:
                        self._cancel.raise_if_cancelled()  # nothing is handed over once cancelled
                    window = self._record(attempt, fetched)
                    end_of_list = start + len(window.items) >= window.total
                    if window.items:  # an empty look past the end says nothing about sizes
                        plan.record_success(
                            len(fetched.rows),
                            fetched.seconds,
                            asked=size + fetched.overlap,
                            end_of_list=end_of_list,
                            in_flight=in_flight,
                        )
                    if next_start is None:
                        self._check_listed(window)
                        next_start = start + size
                    returned = len(window.items)
                    if returned < size and not end_of_list and returned:
                        pending.append((start + returned, size - returned))  # the store capped it
                    yield window
        finally:
            # Requests already on the wire finish in the background; nothing waits for them.
            pool.shutdown(wait=False, cancel_futures=True)

    def _next_window(
        self,
        attempt: _Attempt,
        pending: deque[tuple[int, int]],
        next_start: int | None,
        running: Mapping[Future[_Fetched], tuple[int, int, int]],
    ) -> tuple[int, int] | None:
        """The next window to ask for, or None while there is nothing to ask yet."""
        if pending:
            return pending.popleft()
        if next_start is None:
            return None
        total = max(attempt.totals, default=0)
        if next_start < total:
            # One more than the total says is left: the last window then comes back short and
            # shows the end, with no extra request to find it.
            return next_start, self.plan.next_page_size(total - next_start + 1)
        if running:
            return None
        # Everything the total promised came back. Unless a window ended short at the end of
        # the run, customers were created meanwhile: look further. A broken run, or one that
        # stops at a window that was already asked for, ends the pass (and the proof fails).
        position, _, met = attempt.chain()
        if not met or attempt.ended() or position in attempt.seams:
            return None
        return position, self.plan.next_page_size()

    def _replan(self, error: AppError, start: int, size: int) -> list[tuple[int, int]]:
        """The pieces to ask again after a failed window, or the error when no plan can cure it."""
        kind = failure_kind(error) if self._adapts else None
        if kind is None:
            raise error
        self.plan.record_failure(kind, asked=size)
        smaller = self.plan.next_page_size()
        if smaller >= size:
            raise error  # as small as the plan goes: the store fails whatever is asked
        log.info("window of %d failed (%s); asking again in windows of %d", size, kind, smaller)
        end = start + size
        return [(piece, min(smaller, end - piece)) for piece in range(start, end, smaller)]

    def _check_listed(self, first: WalkWindow) -> None:
        if not first.items and first.start == 0 and first.total > 0:
            raise ProtocolError(
                f"The store counts {first.total:,} customers but lists none. The API key's "
                "user may not be allowed to list users (WordPress' list_users capability)."
            )

    def _fetch_window(self, start: int, size: int) -> _Fetched:
        """One window's request (runs on a worker thread: no shared state is touched)."""
        overlap = 1 if start > 0 else 0
        params = [
            *self._params,
            (self._style.limit_param, str(size + overlap)),
            (self._style.offset_param, str(start - overlap)),
        ]
        began = time.perf_counter()
        answer = self._fetch(params)
        seconds = time.perf_counter() - began
        rows = self._parse(self._style.items(answer.body))
        total = answer.header_int(self._style.total_header)
        return _Fetched(start, size, overlap, rows, total, seconds)

    def _record(self, attempt: _Attempt, fetched: _Fetched) -> WalkWindow:
        """Note what a window showed (on the walking thread) and hand over its new rows."""
        self.requests += 1
        rows = fetched.rows
        ids = [_row_id(row) for row in rows]
        overlap = fetched.overlap
        new_ids = ids[overlap:]
        total = fetched.total
        if total is None:
            total = fetched.start + len(new_ids)
        attempt.totals.add(total)
        attempt.seams[fetched.start] = _Seam(
            size=fetched.size,
            returned=len(new_ids),
            overlap_id=ids[0] if overlap and ids else None,
            last_id=new_ids[-1] if new_ids else None,
            ascending=all(a < b for a, b in pairwise(ids)),
            at_end=fetched.start + len(new_ids) >= total,
        )
        self.ids.update(new_ids)
        return WalkWindow(fetched.start, tuple(rows[overlap:]), total, attempt.number)


def _ordered(query: CustomerQuery) -> CustomerQuery:
    """The same customers in the total order."""
    return replace(query, orderby=TOTAL_ORDER[0], order=TOTAL_ORDER[1], meta_key="")


def _row_id(row: object) -> int:
    value = row if isinstance(row, int) else getattr(row, "id", None)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProtocolError("The store's customer ids are not numbers.")
    return value
