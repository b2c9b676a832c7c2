"""Sharing Python's interpreter lock between the API worker thread and the window.

The GUI thread enters Python several hundred times per repaint of the customer table (the
model answers each painted cell), and each entry has to take the interpreter lock. While the
worker thread runs Python (decoding pages, building customers, writing the cache) it hands the
lock over only every switch interval, 5 ms by default, so one repaint could wait seconds. At
1 ms a repaint next to a busy worker is about four times faster; the worker loses nothing
measurable, since it spends most of its time waiting on the network and SQLite, which release
the lock anyway.
"""

from __future__ import annotations

import sys
from typing import Final

#: How long, in seconds, a thread holding the lock runs before another waiting thread gets it.
WINDOW_SWITCH_INTERVAL: Final = 0.001


def favour_the_window() -> None:
    """Hand the interpreter lock between threads often enough for smooth repaints."""
    sys.setswitchinterval(WINDOW_SWITCH_INTERVAL)
