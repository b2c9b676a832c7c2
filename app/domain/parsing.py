"""Tolerant readers for the scalar values a WooCommerce store sends, shared by the domain types.

Real stores disagree on JSON types (section 0.1 and 18 of wc-api-v3-behavior.md): 2.x sends
``last_order_id`` as a numeric string and ``order_number`` as an integer, money always comes as a
string, a download's remaining count is a string with ``""`` for unlimited. Every domain type reads
its fields through the functions here, so each kind of value is judged by exactly one rule and a
surprising value degrades to an empty default instead of an exception.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

#: Plain decimal numbers as PHP formats money: optional sign, digits, optional fraction. Checked
#: before ``Decimal()`` because that constructor also takes "NaN", "1e3" and "1_000".
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
#: Whole numbers in ASCII digits only; ``int()`` alone would also take "1_000" and "٣".
_INTEGER = re.compile(r"[+-]?[0-9]+")
#: The Unix epoch: what the store writes for a date it never set (``completed_at``,
#: ``last_update``), because it formats 0 rather than emitting null.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ZERO = Decimal("0")


def parse_datetime(value: object, *, epoch_means_unset: bool = False) -> datetime | None:
    """Read an API date such as ``"2015-01-21T12:02:13Z"`` as an aware UTC datetime.

    Offsets, fractional seconds, a space instead of ``T`` and a lower-case ``z`` are accepted; a
    value without any offset is taken as UTC, which is what the API always means.

    Args:
        value: the JSON value.
        epoch_means_unset: also answer None for ``"1970-01-01T00:00:00Z"``; for fields where the
            store writes the epoch to mean "never" (an order's ``completed_at``, ``last_update``).

    Returns:
        The moment in UTC, or None for null, ``""``, a non-string or an unparsable string.
    """
    if not isinstance(value, str):
        return None
    candidate = value.strip()
    if candidate[-1:] in ("Z", "z"):
        candidate = candidate[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(candidate)
        moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except ValueError:  # also raised for MySQL's "0000-00-00 00:00:00" (year 0)
        return None
    except OverflowError:  # an offset that moves the moment out of years 1-9999
        return None
    if epoch_means_unset and moment == EPOCH:
        return None
    return moment


def format_datetime(dt: datetime) -> str:
    """Write a datetime the way the API does: ``YYYY-MM-DDTHH:MM:SSZ`` in UTC.

    A naive datetime is taken to be UTC already; fractions of a second are dropped.
    """
    moment = dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)
    # Not strftime: it does not zero-pad years before 1000 on every platform.
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
        f"T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}Z"
    )


def is_amount(text: str) -> bool:
    """Whether ``text`` is a plain decimal amount as stores write them (``"12.50"``, ``"-3"``)."""
    return _DECIMAL.fullmatch(text) is not None


def parse_decimal(value: object) -> Decimal:
    """Read a money amount (``"12.50"``, ``"-3"``, ``12``, ``12.5``) exactly as a Decimal.

    Stores never group thousands, so ``"1,234.50"`` is junk like any other text. Junk, null,
    booleans, NaN and infinities all read as ``Decimal("0")``: a total the app cannot read must
    not stop the customer from being shown.
    """
    if isinstance(value, bool):
        return _ZERO
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # str() gives the shortest round-tripping form (0.1 -> "0.1"), not the binary expansion.
        return Decimal(str(value)) if math.isfinite(value) else _ZERO
    if isinstance(value, str) and _DECIMAL.fullmatch(value.strip()):
        try:
            return Decimal(value.strip())
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid literals
            return _ZERO
    return _ZERO


def parse_int(value: object) -> int | None:
    """Read a whole number sent as an integer or a numeric string (``531``, ``"531"``, ``" 7 "``).

    Returns:
        The number, or None for null, ``""``, booleans, fractions and anything else.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        try:
            return int(value.strip())
        except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
            return None
    return None


def parse_id(value: object) -> int | None:
    """Read a reference to another record (an order, a product): a positive id or None.

    The store writes 0 or null where there is no such record (a deleted product, no last order).
    """
    number = parse_int(value)
    return number if number is not None and number > 0 else None


def parse_bool(value: object) -> bool:
    """Read a flag: JSON ``true``/``false``, or the ``1``/``"1"``/``"yes"`` PHP sometimes sends."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value != 0
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes")
    return False


def text(value: object) -> str:
    """Read a text field: strings unchanged, numbers as their digits, null and the rest as ``""``.

    Numbers occur where 2.x sends an integer for a string field (``order_number``); an integral
    float is written without ``.0``, as PHP would. Booleans, lists and objects are not text.
    """
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return str(int(value)) if value.is_integer() else str(value)
    return ""


def clean_text(value: str) -> str:
    """Text as the store keeps it: runs of white space collapsed to one space, ends stripped.

    WooCommerce runs names and address fields through ``wc_clean``, so two values equal after
    this are the same value as far as the store is concerned.
    """
    return " ".join(value.split())


def money_text(value: Decimal) -> str:
    """A money amount as the API writes it: two decimals, ``.`` separator, no grouping."""
    return f"{value.quantize(Decimal('0.01')):f}"


def api_datetime(value: datetime | None) -> str | None:
    """A datetime as the API writes it, or None (the API's null)."""
    return format_datetime(value) if value is not None else None
