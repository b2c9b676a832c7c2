"""The store's timezone: the days a date filter means are the store's days, not this computer's.

WooCommerce states its timezone in the legacy index (``store.meta.timezone``, from
``wc_timezone_string()``: an IANA name such as ``Europe/Berlin``, or an offset such as
``+02:00`` when the site is set to a fixed UTC offset) and in the REST index
(``timezone_string``, empty for a fixed offset, with ``gmt_offset`` in hours beside it).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

_OFFSET = re.compile(r"^(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)


def store_zone(text: str | None) -> tzinfo | None:
    """The timezone a store stated (an IANA name or a UTC offset); None when it said none."""
    value = (text or "").strip()
    if not value:
        return None
    if value.upper() in ("UTC", "GMT", "Z"):
        return UTC
    match = _OFFSET.match(value)
    if match:
        sign, hours, minutes = match.groups()
        if int(minutes or 0) >= 60:
            return None
        offset = timedelta(hours=int(hours), minutes=int(minutes or 0))
        if offset >= timedelta(hours=24):
            return None
        return timezone(-offset if sign == "-" else offset)
    try:
        return _named_zone(value)
    except (KeyError, ValueError):  # ZoneInfoNotFoundError is a KeyError
        return None


def _named_zone(name: str) -> tzinfo:
    """The IANA zone of this name (zoneinfo is imported now: the app starts without it)."""
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def zone_from_offset(offset: timedelta | None) -> tzinfo | None:
    """A fixed-offset zone from the REST index's ``gmt_offset`` (see app/domain/figures.py)."""
    return timezone(offset) if offset is not None else None


def day_start(day: date, zone: tzinfo) -> int:
    """The Unix time at which ``day`` begins in ``zone`` (the cache keeps Unix times)."""
    return int(datetime.combine(day, time(0), tzinfo=zone).timestamp())


def day_end(day: date, zone: tzinfo) -> int:
    """The Unix time at which the day after ``day`` begins in ``zone`` (an inclusive end)."""
    if day == date.max:  # there is no day after it to begin: it lasts 24 hours
        return day_start(day, zone) + 86_400
    return day_start(day + timedelta(days=1), zone)


def zone_name(zone: tzinfo) -> str:
    """How a zone is named to the user: ``Europe/Berlin``, ``UTC+02:00``, ``UTC``."""
    key = getattr(zone, "key", None)  # a ZoneInfo's IANA name
    if isinstance(key, str):
        return key
    offset = zone.utcoffset(None)
    if not offset:
        return "UTC"
    total = int(offset.total_seconds() // 60)
    sign = "+" if total >= 0 else "-"
    hours, minutes = divmod(abs(total), 60)
    return f"UTC{sign}{hours:02d}:{minutes:02d}"
