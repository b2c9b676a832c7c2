"""Value formats of the legacy API: dates, money, PHP's loose integers and dates."""

from __future__ import annotations

import re
from datetime import UTC, datetime

_DATE = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?"
    r"\s*(Z|[+-]\d+:+\d+)?\s*$",
    re.IGNORECASE,
)
_LEADING_INT = re.compile(r"^\s*[+-]?\d+")


def format_datetime(timestamp: int | None) -> str | None:
    """``YYYY-MM-DDTHH:MM:SSZ`` in UTC, as ``format_datetime`` writes it; None stays None."""
    if timestamp is None:
        return None
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_money(cents: int, decimals: int = 2) -> str:
    """A money string with exactly ``decimals`` places, ``.`` separator, no grouping."""
    value = cents / 100
    return f"{value:.{max(decimals, 0)}f}"


def parse_datetime(value: str) -> int:
    """Parse a filter date the way the API's ``parse_datetime`` does, to Unix seconds.

    Fractional seconds are dropped, any ``±hh:mm`` offset is *replaced* by UTC (the clock time
    is taken as UTC), a date alone means midnight, and anything unparsable means the epoch.
    """
    match = _DATE.match(re.sub(r"\.\d+", "", value))
    if not match:
        return 0
    year, month, day, hour, minute, second = (int(part or 0) for part in match.groups()[:6])
    try:
        return int(datetime(year, month, day, hour, minute, second, tzinfo=UTC).timestamp())
    except ValueError:
        return 0


def php_intval(value: object) -> int:
    """PHP's ``intval``: leading digits of a string, truncated floats, 1 for true, else 0."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value == value and abs(value) < 2**63 else 0
    if isinstance(value, str):
        match = _LEADING_INT.match(value)
        return int(match.group()) if match else 0
    return 0


def absint(value: object) -> int:
    """WordPress' ``absint``: ``abs(intval(value))``."""
    return abs(php_intval(value))
