"""Where and when Python's cycle collector runs: in one chosen thread, never during a big build.

Where. Left to itself, a collection runs in whichever thread happens to allocate when a
threshold is crossed. In the desktop app that is often an API worker thread; if the garbage it
finds holds a Qt object Python owns (a closed store's service with its threads and timers, a
model, a window), that object's C++ destructor runs in the worker thread. Qt objects must be
destroyed in the thread they belong to; this crashed the app in its event loop. So the desktop
app turns automatic collection off (:func:`collect_only_when_asked`) and its GUI thread calls
:func:`collect_if_due` on a timer (app/desktop/collector_timer.py), by the thresholds Python
itself would use. The command line, which has no Qt objects, keeps automatic collection.

When. A full collection walks every object that could be part of a cycle, holding the GIL,
so a collection during a large build stops the GUI thread too: with a 100,000-row import plan
in memory one pass takes about a quarter of a second. Import plans, rows and their problems
hold no reference cycles (reference counting frees them), so there is nothing for the collector
to find in them. :func:`long_lived_results` pauses collections while one is built (in any
thread, several at once) and moves it out of the collector's way afterwards.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.Lock()
#: How many builds (:func:`long_lived_results`) are running now, in any thread.
_pauses = 0
#: Whether one thread collects when asked, instead of Python in whichever thread allocates.
_only_when_asked = False


def settle_startup_objects() -> None:
    """Move what startup loaded (modules, Qt wrappers, caches) out of the collector's way.

    Those objects live as long as the app; later full collections no longer walk them. No
    collection first: it would cost the launch 30 ms to reclaim the little garbage startup
    leaves, which freezing only keeps (freezing itself takes no time).
    """
    gc.freeze()


def collect_only_when_asked() -> None:
    """Turn automatic collection off for the process: :func:`collect_if_due` does it instead.

    Call it from the thread that is to collect, and have that thread call
    :func:`collect_if_due` often (a few times a second), for as long as the process runs.
    """
    global _only_when_asked
    with _lock:
        _only_when_asked = True
        gc.disable()


def collect_automatically() -> None:
    """Give collection back to Python (undoes :func:`collect_only_when_asked`)."""
    global _only_when_asked
    with _lock:
        _only_when_asked = False
        if _pauses == 0:
            gc.enable()


def collects_only_when_asked() -> bool:
    """Whether automatic collection is off in favour of :func:`collect_if_due`."""
    return _only_when_asked


def collect_if_due() -> int:
    """Collect, in this thread, what Python would now; the number of unreachable objects found.

    Nothing (0) when nothing is due or a large result is being built.

    Python's own rule (3.11): nothing until the allocations since the last collection pass the
    first threshold; then the oldest generation whose count passed its threshold (the middle
    one counts young collections, the old one middle collections). Python also skips a full
    collection while few objects were added since the last; this does not, so at most one in a
    hundred collections is a full one.
    """
    with _lock:
        if _pauses:
            return 0
    young_limit, middle_limit, old_limit = gc.get_threshold()
    young, middle, old = gc.get_count()
    if young_limit == 0 or young <= young_limit:
        return 0
    if old > old_limit:
        return gc.collect(2)
    return gc.collect(1 if middle > middle_limit else 0)


@contextmanager
def long_lived_results() -> Iterator[None]:
    """Build a large, cycle-free result without collections, then keep collections off it.

    The collector is paused while the block runs (it would find nothing in what is built, and
    each pass would stall the window); afterwards what is alive, the result included, is moved
    out of its way. The result is still freed by reference counting when it is dropped. Several
    threads may build at once: collections resume when the last one is done.
    """
    global _pauses
    with _lock:
        _pauses += 1
        gc.disable()
    try:
        yield
    finally:
        with _lock:
            gc.freeze()
            _pauses -= 1
            if _pauses == 0 and not _only_when_asked:
                gc.enable()
