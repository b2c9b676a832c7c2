"""Registers the window fixtures the window's test modules share (tests/support/windows.py)."""

from tests.support.windows import demo_window, store_window, url_window, windows

__all__ = ["demo_window", "store_window", "url_window", "windows"]
