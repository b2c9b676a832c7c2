"""Value formats of the legacy API: dates, money, PHP's loose integers and dates."""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime

_DATE = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?)?"
    r"\s*(Z|[+-]\d+:+\d+)?\s*$",
    re.IGNORECASE | re.ASCII,
)
#: The leading numeric part PHP reads from a string (whitespace, sign, digits, fraction, exponent).
_LEADING_NUMBER = re.compile(r"^[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)
PHP_INT_MAX = 2**63 - 1
PHP_INT_MIN = -(2**63)

#: An address' keys as orders and wc/v1 customers write them: state before postcode, unlike
#: the wc/v2 and wc/v3 customer objects (reference 11.2).
STATE_FIRST_ADDRESS_KEYS = (
    "first_name",
    "last_name",
    "company",
    "address_1",
    "address_2",
    "city",
    "state",
    "postcode",
    "country",
    "email",
    "phone",
)


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


def _clamp(number: int) -> int:
    return max(PHP_INT_MIN, min(PHP_INT_MAX, number))


def php_intval(value: object) -> int:
    """PHP's ``intval`` (7.1 and later) on a 64-bit build.

    A string counts by its leading numeric part, exponents included (``"1e2"`` is 100, ``"12abc"``
    is 12, ``"abc"`` is 0), and a value beyond the integer range is capped at its limit. Floats
    are truncated (NaN and infinities give 0), ``true`` is 1, arrays and null are 0.
    """
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return _clamp(value)
    if isinstance(value, float):
        return _clamp(int(value)) if math.isfinite(value) else 0
    if isinstance(value, str):
        match = _LEADING_NUMBER.match(value)
        if not match:
            return 0
        if match.group(2) is None and match.group(3) is None and "." not in match.group(1):
            return _clamp(int(match.group()))
        number = float(match.group())
        if math.isnan(number):
            return 0
        if math.isinf(number):
            return PHP_INT_MAX if number > 0 else PHP_INT_MIN
        return _clamp(int(number))
    return 0


def absint(value: object) -> int:
    """WordPress' ``absint``: ``abs(intval(value))``, within the integer range."""
    return min(abs(php_intval(value)), PHP_INT_MAX)
