"""Keeping Python's cycle collector from freezing the window while big results are built.

A full collection walks every object that could be part of a cycle, and it holds the GIL while
it does, so a collection triggered in the API worker stops the GUI thread too: with a 100,000-row
import plan in memory one pass takes about a quarter of a second. Import plans, rows and their
problems hold no reference cycles (reference counting frees them), so there is nothing for the
collector to find in them.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


def settle_startup_objects() -> None:
    """Move what startup loaded (modules, Qt wrappers, caches) out of the collector's way.

    Those objects live as long as the app; later full collections no longer walk them. No
    collection first: it would cost the launch 30 ms to reclaim the little garbage startup
    leaves, which freezing only keeps (freezing itself takes no time).
    """
    gc.freeze()


@contextmanager
def long_lived_results() -> Iterator[None]:
    """Build a large, cycle-free result without collections, then keep collections off it.

    The collector is paused while the block runs (it would find nothing in what is built, and
    each pass would stall the window); afterwards what is alive, the result included, is moved
    out of its way. The result is still freed by reference counting when it is dropped.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
