"""How commands print: JSON for scripts, aligned tables and key-value blocks for people."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from typing import Any, TextIO

_MAX_CELL = 40


def print_json(value: Any, out: TextIO) -> None:
    """Pretty JSON, UTF-8 kept readable."""
    out.write(json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def _width(text: str) -> int:
    """Display width: East Asian wide characters take two columns."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _cell(value: object) -> str:
    text = " ".join(str(value).split())
    if _width(text) <= _MAX_CELL:
        return text
    while _width(text) > _MAX_CELL - 1:
        text = text[:-1]
    return text + "…"


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - _width(text))
    return gap + text if right else text + gap


def print_table(
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    out: TextIO,
    *,
    right_aligned: Sequence[int] = (),
) -> None:
    """An aligned table; cells are shortened to 40 columns."""
    cells = [[_cell(value) for value in row] for row in rows]
    widths = [
        max([_width(header)] + [_width(row[i]) for row in cells])
        for i, header in enumerate(headers)
    ]
    lines = [
        "  ".join(_pad(h, widths[i], i in right_aligned) for i, h in enumerate(headers)).rstrip(),
        "  ".join("-" * w for w in widths),
        *(
            "  ".join(_pad(c, widths[i], i in right_aligned) for i, c in enumerate(row)).rstrip()
            for row in cells
        ),
    ]
    out.write("\n".join(lines) + "\n")


def print_fields(pairs: Sequence[tuple[str, object]], out: TextIO) -> None:
    """``label: value`` lines, labels aligned; empty values left out."""
    shown = [(label, str(value)) for label, value in pairs if str(value).strip()]
    width = max((len(label) for label, _ in shown), default=0)
    for label, value in shown:
        out.write(f"{label + ':':<{width + 1}} {value}\n")


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """``1 customer``, ``2,000 customers``."""
    return f"{number:,} {singular if number == 1 else plural or singular + 's'}"
