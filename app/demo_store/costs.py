"""What serving a request costs a WordPress host, in front of the demo store: for benchmarks.

The demo store answers a page in milliseconds; a real WooCommerce store first boots WordPress
(plugins, options, the user query) for a few hundred milliseconds of PHP on every request, then
builds each customer of the answer, in one of the few PHP-FPM workers a host gives it, under a
``max_execution_time``. That cost structure is why fewer, larger pages are faster, and this
module owns a model of it: a fixed cost per request, a cost per customer returned, a worker
limit (requests beyond it wait for a free worker, as in an FPM pool's listen queue), and a time
limit (a request that would run longer dies with PHP's fatal error, as a 500).

How the cost is spent is a choice. By default it is slept, holding a worker: with as many
workers as the host has cores, the queueing is what CPU-bound PHP workers would show, and the
figures stay steady on a machine shared with other work. With ``burn_cpu`` it is spent as real
CPU work instead (hashing, which releases the GIL, so workers burn on several cores at once):
store and client then compete for the CPU as they do when both run on one small machine, at the
price of figures that move with everything else the machine runs.

Network latency is not modelled here: the fault middleware adds it in front of this one, so it
is paid outside a PHP worker, as a real network's is.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

WSGIApp = Callable[[dict[str, Any], Any], Iterable[bytes]]

#: Hashed over and over to burn CPU; large enough that hashlib releases the GIL for it.
_BURN_BLOCK = bytes(256 * 1024)

#: PHP's fatal error as a host with ``display_errors`` on shows it (clients can tell it apart).
_TIME_LIMIT_PAGE = (
    "<br />\n<b>Fatal error</b>:  Maximum execution time of {seconds:g} seconds exceeded in "
    "<b>/var/www/html/wp-includes/class-wp-user-query.php</b> on line <b>819</b><br />\n"
)


@dataclass(frozen=True)
class HostCosts:
    """The cost model's options; all zero means a free, unlimited host.

    Attributes:
        request_ms: fixed cost of every request (WordPress start-up), in milliseconds.
        customer_ms: cost of each customer in an answer, in milliseconds.
        php_workers: requests served at once; more wait for a free worker. 0: no limit.
        time_limit_s: PHP's ``max_execution_time``: a request whose cost exceeds it is cut off
            after that long with a 500 and PHP's fatal error. 0: no limit.
        burn_cpu: spend the cost as CPU work instead of sleeping (see the module docstring).
    """

    request_ms: float = 0.0
    customer_ms: float = 0.0
    php_workers: int = 0
    time_limit_s: float = 0.0
    burn_cpu: bool = False

    def __post_init__(self) -> None:
        if min(self.request_ms, self.customer_ms, self.php_workers, self.time_limit_s) < 0:
            raise ValueError("host costs, PHP workers and the time limit cannot be negative")

    @property
    def active(self) -> bool:
        """Whether any cost or limit applies."""
        return bool(self.request_ms or self.customer_ms or self.php_workers or self.time_limit_s)

    def seconds(self, customers: int) -> float:
        """What a request answering ``customers`` customers costs, in seconds."""
        return (self.request_ms + self.customer_ms * customers) / 1000


def burn_cpu(seconds: float, stopping: threading.Event | None = None) -> None:
    """Spend ``seconds`` of this thread's CPU time (less if ``stopping`` is set meanwhile).

    Measured with the thread's own CPU clock: when other threads or processes hold the CPU,
    the burn takes longer in wall time, as PHP's start-up does on a busy host.
    """
    deadline = time.thread_time() + seconds
    while time.thread_time() < deadline:
        if stopping is not None and stopping.is_set():
            return
        hashlib.sha256(_BURN_BLOCK).digest()


def customers_in(body: bytes) -> int:
    """How many customers an answer holds (a list, a single customer, or none)."""
    if body.startswith(b'{"customer":'):
        return 1
    if not body.startswith(b'{"customers":'):
        return 0
    try:
        customers = json.loads(body).get("customers")
    except ValueError:
        return 0
    return len(customers) if isinstance(customers, list) else 0


class CostMiddleware:
    """WSGI middleware that makes each request cost what ``costs`` says; thread-safe.

    Attributes:
        costs: the model applied.
    """

    def __init__(
        self,
        app: WSGIApp,
        costs: HostCosts,
        *,
        spend: Callable[[float], None] | None = None,
        stopping: threading.Event | None = None,
    ) -> None:
        """Wrap ``app``.

        Args:
            app: the store.
            costs: the model.
            spend: spends a cost in seconds (tests pass a recorder); default: sleep, or burn
                CPU with ``costs.burn_cpu``, both cut short when ``stopping`` is set.
            stopping: set when the store stops, so no request holds the shutdown up.
        """
        self._app = app
        self.costs = costs
        self._stopping = stopping or threading.Event()
        if spend is not None:
            self._spend = spend
        elif costs.burn_cpu:
            self._spend = lambda seconds: burn_cpu(seconds, self._stopping)
        else:
            self._spend = self._sleep
        self._slots = threading.Condition()
        self._busy = 0
        self._waiting = 0
        self._most_busy = 0
        self._requests = 0
        self._customers = 0
        self._spent = 0.0
        self._cut_off = 0

    def _sleep(self, seconds: float) -> None:
        self._stopping.wait(seconds)

    # -- what happened (for tests and benchmarks) ----------------------------------------------

    @property
    def busy(self) -> int:
        """Requests holding a PHP worker now."""
        with self._slots:
            return self._busy

    @property
    def waiting(self) -> int:
        """Requests waiting for a free PHP worker now."""
        with self._slots:
            return self._waiting

    @property
    def most_busy(self) -> int:
        """The most requests that held a worker at once so far."""
        with self._slots:
            return self._most_busy

    @property
    def requests(self) -> int:
        """Requests served so far."""
        with self._slots:
            return self._requests

    @property
    def customers(self) -> int:
        """Customers answered so far."""
        with self._slots:
            return self._customers

    @property
    def spent(self) -> float:
        """Seconds of modelled cost spent so far (the model's figure, not a measured time)."""
        with self._slots:
            return self._spent

    @property
    def cut_off(self) -> int:
        """Requests cut off by the time limit so far."""
        with self._slots:
            return self._cut_off

    # -- serving ------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        """Answer a request once a worker is free, after spending its modelled cost."""
        self._take_worker()
        try:
            status, headers, body = self._run(environ)
            customers = customers_in(body)
            cost = self.costs.seconds(customers)
            limit = self.costs.time_limit_s
            cut_off = bool(limit) and cost > limit
            spent = limit if cut_off else cost
            if spent:
                self._spend(spent)
        finally:
            self._release_worker()
        with self._slots:
            self._requests += 1
            self._customers += customers
            self._spent += spent
            self._cut_off += cut_off
        if cut_off:
            # PHP dies where it stands: whatever the handler did is done, the answer is lost.
            page = _TIME_LIMIT_PAGE.format(seconds=limit).encode()
            status = "500 Internal Server Error"
            headers = [
                ("Content-Type", "text/html; charset=UTF-8"),
                ("Content-Length", str(len(page))),
            ]
            body = page
        start_response(status, headers)
        return [body]

    def _take_worker(self) -> None:
        workers = self.costs.php_workers
        with self._slots:
            self._waiting += 1
            while workers and self._busy >= workers:
                self._slots.wait()
            self._waiting -= 1
            self._busy += 1
            self._most_busy = max(self._most_busy, self._busy)

    def _release_worker(self) -> None:
        with self._slots:
            self._busy -= 1
            self._slots.notify()

    def _run(self, environ: dict[str, Any]) -> tuple[str, list[tuple[str, str]], bytes]:
        """The app's whole answer (its size decides the cost, so it is held until paid)."""
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured["status"], captured["headers"] = status, headers
            return lambda data: None

        answer = self._app(environ, capture)
        try:
            body = b"".join(answer)
        finally:
            close = getattr(answer, "close", None)
            if close is not None:
                close()
        return captured["status"], captured["headers"], body
