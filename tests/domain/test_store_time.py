"""The store's timezone as WooCommerce states it, and the bounds of the store's days."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from app.domain.store_time import day_end, day_start, store_zone, zone_from_offset, zone_name


@pytest.mark.parametrize("name", ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Etc/GMT+2"])
def test_an_iana_name_is_that_zone(name: str) -> None:
    assert store_zone(name) == ZoneInfo(name)
    assert store_zone(f"  {name} ") == ZoneInfo(name)


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("+02:00", timedelta(hours=2)),
        ("-05:30", -timedelta(hours=5, minutes=30)),
        ("+05:30", timedelta(hours=5, minutes=30)),
        ("+0545", timedelta(hours=5, minutes=45)),
        ("UTC+2", timedelta(hours=2)),
        ("utc-3", -timedelta(hours=3)),
        ("GMT+10:30", timedelta(hours=10, minutes=30)),
        ("+00:00", timedelta(0)),
        ("+14:00", timedelta(hours=14)),
    ],
)
def test_a_utc_offset_is_a_fixed_zone(text: str, offset: timedelta) -> None:
    zone = store_zone(text)
    assert zone is not None
    assert zone.utcoffset(None) == offset


@pytest.mark.parametrize("text", ["UTC", "utc", "GMT", "Z"])
def test_utc_by_name(text: str) -> None:
    assert store_zone(text) is UTC


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        None,
        "garbage",
        "Europe",
        "Europe/Atlantis",
        "../../etc/passwd",
        "/etc/localtime",
        "+24:00",
        "+05:60",
        "+05:99",
        "+5:3",
        "++02:00",
        "UTC+",
        "02:00",
        "a" * 300,
    ],
)
def test_no_zone_or_one_that_cannot_be_read_is_none(text: str | None) -> None:
    assert store_zone(text) is None


def test_zone_names_as_shown() -> None:
    assert zone_name(ZoneInfo("Europe/Berlin")) == "Europe/Berlin"
    assert zone_name(UTC) == "UTC"
    assert zone_name(timezone(timedelta(hours=2))) == "UTC+02:00"
    assert zone_name(timezone(-timedelta(hours=5, minutes=30))) == "UTC-05:30"
    for text in ("+05:45", "-09:30", "+00:00"):
        zone = store_zone(text)
        assert zone is not None
        assert store_zone(zone_name(zone)) == zone


def test_a_rest_gmt_offset_is_a_fixed_zone() -> None:
    assert zone_from_offset(None) is None
    zone = zone_from_offset(timedelta(hours=-3.5))
    assert zone is not None
    assert zone_name(zone) == "UTC-03:30"


def test_a_day_starts_at_the_stores_midnight() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    # Winter: UTC+1; summer: UTC+2.
    assert day_start(date(2024, 1, 15), berlin) == _unix(datetime(2024, 1, 14, 23, tzinfo=UTC))
    assert day_start(date(2024, 7, 15), berlin) == _unix(datetime(2024, 7, 14, 22, tzinfo=UTC))
    kolkata = store_zone("+05:30")
    assert kolkata is not None
    assert day_start(date(2024, 7, 15), kolkata) == _unix(datetime(2024, 7, 14, 18, 30, tzinfo=UTC))
    assert day_start(date(2024, 7, 15), UTC) == _unix(datetime(2024, 7, 15, tzinfo=UTC))


@pytest.mark.parametrize(
    ("day", "hours"),
    [(date(2024, 3, 31), 23), (date(2024, 10, 27), 25), (date(2024, 6, 1), 24)],
)
def test_a_day_across_a_clock_change_has_its_true_length(day: date, hours: int) -> None:
    berlin = ZoneInfo("Europe/Berlin")
    assert day_end(day, berlin) - day_start(day, berlin) == hours * 3600
    assert day_end(day, berlin) == day_start(day + timedelta(days=1), berlin)


def test_a_day_with_no_midnight_starts_when_the_clocks_jump() -> None:
    # Santiago moved its clocks from 00:00 to 01:00 on 8 September 2024.
    santiago = ZoneInfo("America/Santiago")
    start = day_start(date(2024, 9, 8), santiago)
    assert start == _unix(datetime(2024, 9, 8, 4, tzinfo=UTC))
    assert datetime.fromtimestamp(start, santiago).date() == date(2024, 9, 8)
    assert datetime.fromtimestamp(start - 1, santiago).date() == date(2024, 9, 7)


def _unix(moment: datetime) -> int:
    return int(moment.timestamp())


@pytest.mark.parametrize("text", ["+05:30", "-05:30", "Europe/Berlin", "UTC"])
def test_the_first_and_last_days_have_bounds(text: str) -> None:
    zone = store_zone(text)
    assert zone is not None
    assert day_end(date.max, zone) - day_start(date.max, zone) == 24 * 3600
    assert day_end(date.min, zone) == day_start(date.min + timedelta(days=1), zone)
