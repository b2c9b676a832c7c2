"""How large a list page to ask for and how many to keep in flight, learnt from the store itself.

The legacy list has no page-size cap, and every request pays WordPress' start-up (a few hundred
milliseconds of PHP on a shared host) whatever it returns, so fewer, larger pages fetch a store
faster. Too large a page fails instead: PHP's memory limit, the host's 30 s execution limit, a
proxy's timeout. This module owns that decision and nothing else: a :class:`PagePlanner` starts
from what worked last time on this store (a :class:`PlanMemory`) or a safe default, grows the
page while pages come back fast and whole, shrinks it on the failures that large pages cause,
and tunes the requests in flight by the throughput they actually bring. It does no I/O and knows
no Qt; the list walk feeds it what it observes, and the cache persists its memory per store.

Pages whose size changes mid-walk cannot be numbered (``page=N`` assumes one size), so a walk
asks for offset windows instead (:class:`OffsetWindow`), in a total order (``filter[orderby]=ID``,
section 19.1) so windows neither overlap nor leave gaps.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeGuard

from app.errors import (
    AppError,
    CancelledError,
    NetworkError,
    ProtocolError,
    RateLimitedError,
    ServerError,
)

#: Version of :meth:`PlanMemory.to_dict`'s layout; other versions are ignored on reading.
MEMORY_VERSION = 1


class FailureKind(StrEnum):
    """A failed page, by what it says about the plan."""

    #: No answer in time (read timeout, or a proxy's 504): the page was too slow.
    TIMEOUT = "timeout"
    #: Any other 5xx, a dropped connection or an answer cut short: the store struggled.
    SERVER_ERROR = "server_error"
    #: 429: the host counts requests and wants fewer of them.
    RATE_LIMITED = "rate_limited"
    #: PHP's "Allowed memory size ... exhausted": the page does not fit in memory.
    MEMORY_LIMIT = "memory_limit"
    #: PHP's "Maximum execution time ... exceeded": the page took longer than the host allows.
    TIME_LIMIT = "time_limit"


#: Failures that say the page was too big: its size becomes a ceiling the plan stays below.
_SIZE_FAILURES = frozenset({FailureKind.TIMEOUT, FailureKind.MEMORY_LIMIT, FailureKind.TIME_LIMIT})


def failure_kind(error: BaseException) -> FailureKind | None:
    """What a failed page request says about the plan, or None when it says nothing.

    Authentication, permission, validation and cancellation are not about page size or load:
    None tells the walk to fail as usual instead of re-planning.
    """
    if isinstance(error, CancelledError) or not isinstance(error, AppError):
        return None
    text = f"{error.message} {error.detail}".lower()
    if isinstance(error, RateLimitedError) or error.status == 429:
        return FailureKind.RATE_LIMITED
    if "allowed memory size" in text or "out of memory" in text:
        return FailureKind.MEMORY_LIMIT
    if "maximum execution time" in text:
        return FailureKind.TIME_LIMIT
    if isinstance(error, ServerError):
        return FailureKind.TIMEOUT if error.status == 504 else FailureKind.SERVER_ERROR
    if isinstance(error, NetworkError):
        if "could not connect" in text or "could not find" in text or not error.retryable:
            return None  # the store is unreachable or misconfigured: not a matter of size
        # The transport names a read timeout in the detail ("ReadTimeout: ...").
        if "readtimeout" in text or "timed out" in text or "did not answer within" in text:
            return FailureKind.TIMEOUT
        return FailureKind.SERVER_ERROR  # the connection broke mid-answer
    if isinstance(error, ProtocolError) and error.retryable:
        return FailureKind.SERVER_ERROR  # a JSON answer cut short
    return None


@dataclass(frozen=True)
class PlanLimits:
    """The bounds and rates a planner works within.

    Attributes:
        start_page_size: the first page's size when nothing is remembered.
        min_page_size: the smallest page a shrinking plan goes down to.
        max_page_size: the largest page ever asked for. PHP holds a whole page of customers
            in memory at once, under limits hosts set as low as 64 MB; and with ~200 ms of
            start-up spread over 500 customers, start-up per customer is already below a
            typical store's own cost per customer, so larger pages gain little and risk more.
        start_concurrency: requests in flight when nothing is remembered.
        max_concurrency: the most requests in flight (a shared host has a few PHP workers).
        growth: the factor a page grows by after a fast, whole page of the current size.
        target_page_seconds: the longest a page is planned to take. A third of a shared
            host's 30 s limit leaves room for a busy moment and the network.
        recover_after: whole pages in a row after a failure before the page may grow again.
        probe_gain: the throughput gain one more request in flight must bring to be kept.
        probe_tolerance: the throughput loss accepted for one request fewer in flight (below
            it the extra request was only queueing at the store).
        memory_max_age: seconds after which a remembered plan is ignored (the store or its
            host may have changed since).
    """

    start_page_size: int = 100
    min_page_size: int = 10
    max_page_size: int = 500
    start_concurrency: int = 3
    max_concurrency: int = 4
    growth: float = 2.0
    target_page_seconds: float = 10.0
    recover_after: int = 3
    probe_gain: float = 0.15
    probe_tolerance: float = 0.10
    memory_max_age: float = 30 * 24 * 3600.0

    def __post_init__(self) -> None:
        if not 1 <= self.min_page_size <= self.start_page_size <= self.max_page_size:
            raise ValueError("page sizes need 1 <= min <= start <= max")
        if not 1 <= self.start_concurrency <= self.max_concurrency:
            raise ValueError("concurrency needs 1 <= start <= max")
        if self.growth <= 1 or self.target_page_seconds <= 0 or self.recover_after < 1:
            raise ValueError("growth must exceed 1, the target and the recovery be positive")


@dataclass(frozen=True)
class PlanMemory:
    """What worked on one store, small enough to keep in the cache's metadata.

    Attributes:
        page_size: the page size the last walk ended with.
        concurrency: the requests in flight it ended with.
        seconds_per_request: fixed cost of a request (WordPress start-up plus the network),
            from a fit of page time against page size; None when the walk could not tell.
        seconds_per_customer: the cost of each customer in a page; None likewise.
        ceiling: the smallest page size that failed for its size (memory, time limit,
            timeout); plans stay below it. None when none failed.
        recorded_at: when this was learnt (Unix time).
    """

    page_size: int
    concurrency: int
    seconds_per_request: float | None
    seconds_per_customer: float | None
    ceiling: int | None
    recorded_at: float

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready form (read back by :meth:`from_dict`)."""
        return {
            "version": MEMORY_VERSION,
            "page_size": self.page_size,
            "concurrency": self.concurrency,
            "seconds_per_request": self.seconds_per_request,
            "seconds_per_customer": self.seconds_per_customer,
            "ceiling": self.ceiling,
            "recorded_at": self.recorded_at,
        }

    @classmethod
    def from_dict(cls, data: object) -> PlanMemory | None:
        """The memory stored by :meth:`to_dict`, or None when it is not one this version reads.

        A damaged or foreign entry only means starting from the defaults, so it is not an error.
        """
        if not isinstance(data, Mapping) or data.get("version") != MEMORY_VERSION:
            return None
        page_size, concurrency = data.get("page_size"), data.get("concurrency")
        recorded_at, ceiling = data.get("recorded_at"), data.get("ceiling")
        try:
            per_request = _cost(data.get("seconds_per_request"))
            per_customer = _cost(data.get("seconds_per_customer"))
        except ValueError:
            return None
        if not (_is_int(page_size) and _is_int(concurrency) and _is_number(recorded_at)):
            return None
        if page_size < 1 or concurrency < 1:
            return None
        if ceiling is not None and not (_is_int(ceiling) and ceiling >= 1):
            return None
        return cls(
            page_size=page_size,
            concurrency=concurrency,
            seconds_per_request=per_request,
            seconds_per_customer=per_customer,
            ceiling=ceiling,
            recorded_at=float(recorded_at),
        )


def _cost(value: object) -> float | None:
    """A stored cost in seconds (None when unknown).

    Raises:
        ValueError: when it is neither a non-negative number nor None.
    """
    if value is None:
        return None
    if not _is_number(value) or value < 0:
        raise ValueError(f"not a cost: {value!r}")
    return float(value)


def _is_int(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> TypeGuard[float]:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(float(value))
    )


@dataclass(frozen=True)
class OffsetWindow:
    """Customers ``offset`` to ``offset + limit - 1`` of a list, in the walk's order.

    Attributes:
        offset: customers skipped (0 for the first window).
        limit: customers asked for.
    """

    offset: int
    limit: int

    def __post_init__(self) -> None:
        if self.offset < 0 or self.limit < 1:
            raise ValueError("a window needs offset >= 0 and limit >= 1")

    @property
    def end(self) -> int:
        """The offset just past the window (where the next window starts)."""
        return self.offset + self.limit

    def params(self) -> list[tuple[str, str]]:
        """The query parameters that ask the store for exactly this window.

        A non-zero ``filter[offset]`` replaces the page-derived offset on the store (section
        9.1, ``listing.window`` in the demo store), whatever ``page`` says. Zero counts as "not
        given" there and the store falls back to ``page``, so no ``page`` is ever sent (its
        default, 1, means offset 0) and ``filter[offset]`` is left out at the start. The
        ``X-WC-TotalPages`` of such an answer counts pages of this window's size: a walk reads
        ``X-WC-Total`` instead.
        """
        pairs = [("filter[limit]", str(self.limit))]
        if self.offset:
            pairs.append(("filter[offset]", str(self.offset)))
        return pairs

    def split(self, size: int) -> list[OffsetWindow]:
        """This window as consecutive windows of at most ``size`` (to re-ask after a failure)."""
        if size < 1:
            raise ValueError("a window size is at least 1")
        return [
            OffsetWindow(start, min(size, self.end - start))
            for start in range(self.offset, self.end, size)
        ]


class _CostFit:
    """Page seconds as ``fixed + per_customer * customers``, least squares with forgetting.

    Recent pages weigh more (each new page multiplies the old weights by ``decay``), so the fit
    follows a store whose load changes during a walk.
    """

    def __init__(self, decay: float = 0.8) -> None:
        self._decay = decay
        self._w = self._x = self._xx = self._y = self._xy = 0.0

    def add(self, customers: int, seconds: float) -> None:
        d = self._decay
        self._w = self._w * d + 1
        self._x = self._x * d + customers
        self._xx = self._xx * d + customers * customers
        self._y = self._y * d + seconds
        self._xy = self._xy * d + customers * seconds

    def estimate(self) -> tuple[float, float] | None:
        """(seconds per request, seconds per customer), or None without two distinct sizes."""
        if self._w <= 0:
            return None
        mean_x = self._x / self._w
        variance = self._xx / self._w - mean_x * mean_x
        # Sizes that barely differ cannot separate the fixed cost from the per-customer one.
        if mean_x <= 0 or variance < (0.1 * mean_x) ** 2:
            return None
        slope = (self._xy / self._w - mean_x * self._y / self._w) / variance
        intercept = self._y / self._w - slope * mean_x
        if slope < 0:  # noise: the cost does not fall with size
            return max(self._y / self._w, 0.0), 0.0
        if intercept < 0:  # noise the other way: fit through the origin
            return 0.0, self._xy / self._xx
        return intercept, slope


class _Probe(StrEnum):
    """Where the concurrency search stands."""

    BASELINE = "baseline"  # measuring throughput at the current concurrency
    UP = "up"  # measuring one more request in flight
    DOWN = "down"  # measuring one fewer
    DONE = "done"  # settled for this walk


class PagePlanner:
    """Decides page size and requests in flight for one list walk; thread-safe.

    Rules, in the order they apply:

    * Start from the remembered plan when it is recent (within ``memory_max_age``), else from
      ``start_page_size`` and ``start_concurrency``; either way within the limits and below a
      remembered ceiling.
    * Grow the page by ``growth`` after a whole page of the current size comes back (a page of
      an older, smaller size proves nothing about the current one), up to the largest allowed
      size: ``max_page_size``, three quarters of a failed size (the ceiling), and what fits in
      ``target_page_seconds`` at the slowest seconds-per-customer of the last few pages (page
      seconds over customers, which counts the fixed cost too, so it errs on the small side).
    * A page that takes longer than the target shrinks the plan to fit the target.
    * A short page that is not the end of the list means the store caps its pages: the plan
      takes that size and stops growing.
    * A timeout, a PHP memory or time-limit error halves the page and makes the failed size a
      ceiling; a timeout or another server error also takes one request out of flight (both
      are what an overloaded host answers). Failures of pages larger than the current plan
      were already answered by an earlier halving and change nothing more.
    * A 429 halves the requests in flight but keeps the page: a rate limiter counts
      requests, and smaller pages would only make more of them.
    * After a failure the page grows again once ``recover_after`` whole pages came back.
    * Once the page stops growing, the requests in flight are tuned by throughput (Little's
      law: requests in flight x customers per page / page seconds): one more is kept only if it
      brings ``probe_gain`` more; otherwise one fewer is tried, and kept when it costs less than
      ``probe_tolerance`` (the extra request was only waiting for a PHP worker, making every
      page slower under load). Then the concurrency stays, until a failure starts the search
      over once the page has settled again.
    """

    def __init__(
        self,
        memory: PlanMemory | None = None,
        limits: PlanLimits | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.limits = limits or PlanLimits()
        self._clock = clock
        self._lock = threading.Lock()
        self._fit = _CostFit()
        #: Page seconds per customer of the last few pages (the time cap uses the slowest).
        self._rates: deque[float] = deque(maxlen=4)
        self._ceiling: int | None = None
        self._store_cap: int | None = None
        self._streak = 0
        self._growing = True
        self._recovering = False
        self._probe = _Probe.BASELINE
        self._probe_samples: list[float] = []
        self._baseline = 0.0
        self._moved_up = False
        limits = self.limits
        size, concurrency = limits.start_page_size, limits.start_concurrency
        if memory is not None and 0 <= clock() - memory.recorded_at <= limits.memory_max_age:
            size, concurrency = memory.page_size, memory.concurrency
            self._ceiling = memory.ceiling
            if memory.seconds_per_customer is not None:
                per_request = memory.seconds_per_request or 0.0
                self._rates.append(per_request / max(size, 1) + memory.seconds_per_customer)
        self._concurrency = min(max(concurrency, 1), limits.max_concurrency)
        #: The concurrency last shown to be worth it; a probe in progress is not remembered.
        self._proven = self._concurrency
        self._size = min(max(size, limits.min_page_size), self._allowed_max())

    # -- what to ask for ----------------------------------------------------------------------

    @property
    def page_size(self) -> int:
        """The page size the plan asks for now."""
        with self._lock:
            return self._size

    @property
    def concurrency(self) -> int:
        """How many page requests to keep in flight now."""
        with self._lock:
            return self._concurrency

    @property
    def ceiling(self) -> int | None:
        """The smallest page size that failed for its size, if any."""
        with self._lock:
            return self._ceiling

    def first_page_size(self) -> int:
        """The size of a walk's first window, which goes alone (it tells ``X-WC-Total``).

        Nothing else is in flight while it runs, so its whole time is on the walk's critical
        path: it stays at ``start_page_size`` even when a larger plan is remembered (the
        plan's size applies from the second window on). Its time also gives the cost fit a
        second page size to work with.
        """
        with self._lock:
            return min(self._size, self.limits.start_page_size)

    def next_page_size(self, remaining: int | None = None) -> int:
        """The size of the next window to ask for; ``remaining`` customers caps it when known."""
        with self._lock:
            if remaining is not None and remaining >= 1:
                return min(self._size, remaining)
            return self._size

    # -- what happened ------------------------------------------------------------------------

    def record_success(
        self,
        customers: int,
        seconds: float,
        *,
        asked: int | None = None,
        end_of_list: bool = False,
        in_flight: int | None = None,
    ) -> None:
        """A page came back.

        Args:
            customers: how many customers it held.
            seconds: how long its request took (sending to the last byte).
            asked: the ``filter[limit]`` it was asked with (default: the current page size).
            end_of_list: whether it reached the end of the list (a short page is expected).
            in_flight: requests in flight when it was sent, itself included (default: the
                current concurrency); the throughput of a page is measured with it.
        """
        with self._lock:
            asked = self._size if asked is None else asked
            if customers > 0 and seconds > 0:
                self._fit.add(customers, seconds)
                self._rates.append(seconds / customers)
            if customers < asked and not end_of_list:
                # The store answered fewer than asked mid-list: it caps pages at this size.
                if customers >= 1:
                    self._store_cap = customers
                    self._size = min(self._size, customers)
                self._growing = False
                return
            capped = max(min(self._size, self._allowed_max()), self.limits.min_page_size)
            if capped != self._size:
                self._size = capped  # pages got slow: fit the target again
                self._restart_probe()
            if asked < self._size or customers < asked:
                return  # an older, smaller page, or the list's tail: nothing about this size
            self._streak += 1
            if self._recovering:
                if self._streak < self.limits.recover_after:
                    return
                self._recovering = False
                self._growing = self._store_cap is None
            if self._growing:
                self._grow()
            elif seconds > 0:
                self._measure_throughput(customers, seconds, in_flight)

    def record_failure(self, kind: FailureKind, *, asked: int | None = None) -> None:
        """A page failed with ``kind`` (see :func:`failure_kind`); re-ask its window smaller.

        Args:
            kind: what the failure says.
            asked: the ``filter[limit]`` of the failed page (default: the current page size).
        """
        with self._lock:
            asked = self._size if asked is None else asked
            self._streak = 0
            if kind is FailureKind.RATE_LIMITED:
                self._concurrency = self._proven = max(1, self._concurrency // 2)
                self._restart_probe()
                return
            if kind in _SIZE_FAILURES:
                self._ceiling = asked if self._ceiling is None else min(self._ceiling, asked)
            halved = max(self.limits.min_page_size, min(self._size, asked // 2))
            if asked > self._size and halved == self._size:
                return  # a page of an older, larger plan: an earlier failure was answered
            self._size = halved
            self._growing = False
            self._recovering = True
            if kind in (FailureKind.TIMEOUT, FailureKind.SERVER_ERROR):
                self._concurrency = max(1, self._concurrency - 1)
            self._proven = self._concurrency
            self._restart_probe()

    # -- what was learnt ----------------------------------------------------------------------

    @property
    def costs(self) -> tuple[float, float] | None:
        """(seconds per request, seconds per customer) as observed, once two sizes were seen."""
        with self._lock:
            return self._fit.estimate()

    def memory(self) -> PlanMemory:
        """The plan as it stands, to start the next walk of this store from.

        The concurrency is the last one shown to be worth it: a walk that ends while trying one
        more request in flight does not pass the untested value on.
        """
        with self._lock:
            estimate = self._fit.estimate()
            return PlanMemory(
                page_size=self._size,
                concurrency=self._proven,
                seconds_per_request=None if estimate is None else estimate[0],
                seconds_per_customer=None if estimate is None else estimate[1],
                ceiling=self._ceiling,
                recorded_at=self._clock(),
            )

    # -- rules (called with the lock held) ----------------------------------------------------

    def _allowed_max(self) -> int:
        limits = self.limits
        largest = limits.max_page_size
        if self._store_cap is not None:
            largest = min(largest, self._store_cap)
        if self._ceiling is not None:
            # Stay clearly below a size that failed: it may fail again a little smaller.
            largest = min(largest, self._ceiling * 3 // 4)
        if self._rates:
            slowest = max(self._rates)
            if slowest > 0:
                largest = min(largest, int(limits.target_page_seconds / slowest))
        return max(largest, limits.min_page_size)

    def _grow(self) -> None:
        grown = min(int(self._size * self.limits.growth), self._allowed_max())
        if grown >= self._size * 1.1:
            self._size = grown
        else:
            self._growing = False  # as large as allowed: now tune the requests in flight
            self._restart_probe()

    def _restart_probe(self) -> None:
        self._probe = _Probe.BASELINE
        self._probe_samples = []
        self._moved_up = False

    def _measure_throughput(self, customers: int, seconds: float, in_flight: int | None) -> None:
        if self._probe is _Probe.DONE:
            return
        if in_flight is not None and in_flight != self._concurrency:
            return  # sent before the concurrency changed: it measures the old setting
        self._probe_samples.append(self._concurrency * customers / seconds)
        if len(self._probe_samples) < max(2, self._concurrency):
            return
        throughput = sum(self._probe_samples) / len(self._probe_samples)
        self._probe_samples = []
        limits = self.limits
        if self._probe is _Probe.BASELINE:
            self._baseline, self._proven = throughput, self._concurrency
            self._step_up_or_down()
        elif self._probe is _Probe.UP:
            if throughput >= self._baseline * (1 + limits.probe_gain):
                self._baseline, self._proven, self._moved_up = throughput, self._concurrency, True
                self._step_up_or_down()
            else:
                self._concurrency = self._proven
                if self._moved_up or self._concurrency <= 1:
                    self._probe = _Probe.DONE
                else:
                    self._concurrency -= 1
                    self._probe = _Probe.DOWN
        elif self._probe is _Probe.DOWN:
            if throughput >= self._baseline * (1 - limits.probe_tolerance):
                self._baseline = max(self._baseline, throughput)
                self._proven = self._concurrency
                if self._concurrency > 1:
                    self._concurrency -= 1
                else:
                    self._probe = _Probe.DONE
            else:
                self._concurrency = self._proven
                self._probe = _Probe.DONE

    def _step_up_or_down(self) -> None:
        if self._concurrency < self.limits.max_concurrency:
            self._concurrency += 1
            self._probe = _Probe.UP
        elif self._concurrency > 1 and not self._moved_up:
            self._concurrency -= 1
            self._probe = _Probe.DOWN
        else:
            self._probe = _Probe.DONE
