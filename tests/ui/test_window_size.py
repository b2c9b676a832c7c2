"""The main window stays layout and wiring (issue 15, item 1): its module is at most 300 lines.

A responsibility that grows in the window belongs in a part of its own (the customer list, the
connection state, editing, store switching…), composed by the window as the others are.
"""

from __future__ import annotations

from pathlib import Path

import app.ui.main_window

#: The most lines app/ui/main_window.py may have, every line counted (blank and comment ones too).
MAX_WINDOW_LINES = 300


def test_the_main_window_module_is_at_most_300_lines() -> None:
    source = Path(app.ui.main_window.__file__).read_text(encoding="utf-8")
    lines = len(source.splitlines())
    assert lines <= MAX_WINDOW_LINES, (
        f"app/ui/main_window.py has {lines} lines (at most {MAX_WINDOW_LINES}): move a "
        "responsibility into a part of its own"
    )
