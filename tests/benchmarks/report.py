"""One row per measured figure, and the table ``make bench`` prints."""

from __future__ import annotations

import platform
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Row:
    """A measured figure next to its goal (and a peer's figure, where one is compared)."""

    figure: str
    measured: str
    goal: str
    ratio: str = ""


def median_ms(action: Callable[[], object], repeats: int) -> float:
    """Median wall time of ``action`` over ``repeats`` runs, in milliseconds."""
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def machine() -> str:
    """A one-line description of the machine the figures come from."""
    import os

    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def table(rows: Sequence[Row]) -> str:
    """A Markdown table of the rows."""
    lines = [
        "| figure | measured | goal | ratio |",
        "| --- | --- | --- | --- |",
        *(f"| {r.figure} | {r.measured} | {r.goal} | {r.ratio} |" for r in rows),
    ]
    return "\n".join(lines)
