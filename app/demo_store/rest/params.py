"""Parameter checks the wc/v3 collection routes share (WordPress' REST schema rules)."""

from __future__ import annotations

import re
from typing import Any

_INTEGER = re.compile(r"^\s*[+-]?\d+\s*$")

#: Problems by parameter: (message, code, extra data), as invalid_params reports them.
Problems = dict[str, tuple[str, str, Any]]


def int_list(value: Any) -> list[int] | None:
    """A WordPress list of integers (CSV, array or indexed object), or None when any is not."""
    if value is None or value == "":
        return []
    items = (
        value.split(",")
        if isinstance(value, str)
        else list(value.values())
        if isinstance(value, dict)
        else value
    )
    if not isinstance(items, list):
        return None
    result: list[int] = []
    for item in items:
        if isinstance(item, bool) or not (
            isinstance(item, int) or (isinstance(item, str) and _INTEGER.match(item))
        ):
            return None
        result.append(int(item))
    return result


def is_integer(value: Any) -> bool:
    """Whether WordPress' schema takes ``value`` as an integer."""
    return (isinstance(value, int) and not isinstance(value, bool)) or (
        isinstance(value, str) and bool(_INTEGER.match(value))
    )


def check_per_page(per_page: Any, problems: Problems) -> None:
    """``per_page``: an integer from 1 to 100 (every collection route's)."""
    if not is_integer(per_page):
        problems["per_page"] = (
            "per_page is not of type integer.",
            "rest_invalid_type",
            {"param": "per_page"},
        )
    elif not 1 <= int(per_page) <= 100:
        problems["per_page"] = (
            "per_page must be between 1 (inclusive) and 100 (inclusive)",
            "rest_out_of_bounds",
            None,
        )
