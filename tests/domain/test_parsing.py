"""The tolerant value readers: every JSON shape real stores send for dates, money, ids and text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.parsing import (
    EPOCH,
    clean_text,
    format_datetime,
    parse_bool,
    parse_datetime,
    parse_decimal,
    parse_id,
    parse_int,
    text,
)

MOMENT = datetime(2015, 1, 21, 12, 2, 13, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2015-01-21T12:02:13Z", MOMENT),
        ("2015-01-21T12:02:13z", MOMENT),
        (" 2015-01-21T12:02:13Z ", MOMENT),
        ("2015-01-21T14:02:13+02:00", MOMENT),
        ("2015-01-21T07:02:13-0500", MOMENT),
        ("2015-01-21T12:02:13.250Z", MOMENT.replace(microsecond=250000)),
        ("2015-01-21T12:02:13", MOMENT),  # no offset: the API always means UTC
        ("2015-01-21 12:02:13", MOMENT),  # MySQL's own spelling
        ("2015-01-21", datetime(2015, 1, 21, tzinfo=UTC)),
    ],
)
def test_parse_datetime_reads_api_dates_as_utc(value: str, expected: datetime) -> None:
    parsed = parse_datetime(value)
    assert parsed == expected
    assert parsed is not None
    assert parsed.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "   ",
        "yesterday",
        "2015-13-45T00:00:00Z",
        "0000-00-00 00:00:00",
        "0001-01-01T00:00:00+05:00",
        "9999-12-31T23:59:59-05:00",
        1421841733,
        1.5,
        True,
        [],
        {},
    ],
)
def test_parse_datetime_answers_none_for_what_is_no_date(value: object) -> None:
    assert parse_datetime(value) is None


def test_parse_datetime_keeps_the_epoch_unless_asked() -> None:
    assert parse_datetime("1970-01-01T00:00:00Z") == EPOCH
    assert parse_datetime("1970-01-01T00:00:00Z", epoch_means_unset=True) is None
    assert parse_datetime("1970-01-01T00:00:01Z", epoch_means_unset=True) is not None
    assert parse_datetime(None, epoch_means_unset=True) is None


def test_format_datetime_writes_the_api_format_in_utc() -> None:
    assert format_datetime(MOMENT) == "2015-01-21T12:02:13Z"
    plus_two = timezone(timedelta(hours=2))
    assert format_datetime(datetime(2015, 1, 21, 14, 2, 13, 999, tzinfo=plus_two)) == (
        "2015-01-21T12:02:13Z"
    )
    assert format_datetime(datetime(2015, 1, 21, 12, 2, 13)) == "2015-01-21T12:02:13Z"
    assert format_datetime(datetime(999, 1, 2, tzinfo=UTC)) == "0999-01-02T00:00:00Z"


@given(st.datetimes(timezones=st.just(UTC)).map(lambda moment: moment.replace(microsecond=0)))
def test_format_then_parse_datetime_round_trips(moment: datetime) -> None:
    assert parse_datetime(format_datetime(moment)) == moment


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12.50", Decimal("12.50")),
        ("0.00", Decimal("0.00")),
        ("-3.5", Decimal("-3.5")),
        (" 7 ", Decimal("7")),
        ("1234567.89", Decimal("1234567.89")),
        (12, Decimal("12")),
        (12.5, Decimal("12.5")),
        (0.1, Decimal("0.1")),  # not 0.1000000000000000055...
    ],
)
def test_parse_decimal_reads_money_exactly(value: object, expected: Decimal) -> None:
    parsed = parse_decimal(value)
    assert parsed == expected
    assert str(parsed) == str(expected)


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        "abc",
        "1,234.50",
        "NaN",
        "Infinity",
        "1e3",
        "1_000",
        float("nan"),
        float("inf"),
        True,
        False,
        [],
        {},
    ],
)
def test_parse_decimal_reads_junk_as_zero(value: object) -> None:
    assert parse_decimal(value) == Decimal("0")


@given(st.decimals(allow_nan=False, allow_infinity=False, places=2, max_value=10**9))
def test_parse_decimal_reads_every_money_string(amount: Decimal) -> None:
    assert parse_decimal(f"{amount:.2f}") == amount


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (531, 531),
        ("531", 531),
        (" 7 ", 7),
        ("-2", -2),
        (0, 0),
        (7.0, 7),
        (None, None),
        ("", None),
        ("7.5", None),
        (7.5, None),
        ("12abc", None),
        ("1_000", None),
        ("٣", None),
        (True, None),
        (False, None),
        ([], None),
        ("9" * 5000, None),
    ],
)
def test_parse_int(value: object, expected: int | None) -> None:
    assert parse_int(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [(531, 531), ("531", 531), (0, None), ("0", None), (-4, None), (None, None), ("", None)],
)
def test_parse_id_treats_zero_and_null_as_no_record(value: object, expected: int | None) -> None:
    assert parse_id(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (True, True),
        (False, False),
        (1, True),
        (0, False),
        ("1", True),
        ("yes", True),
        ("true", True),
        ("0", False),
        ("", False),
        (None, False),
        ([True], False),
    ],
)
def test_parse_bool(value: object, expected: bool) -> None:
    assert parse_bool(value) is expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Ann", "Ann"),
        ("  Ann ", "  Ann "),
        ("", ""),
        (None, ""),
        (531, "531"),
        (2.0, "2"),
        (2.5, "2.5"),
        (True, ""),
        (False, ""),
        ([], ""),
        ({"a": 1}, ""),
        (float("nan"), ""),
    ],
)
def test_text(value: object, expected: str) -> None:
    assert text(value) == expected


def test_clean_text_collapses_white_space_like_the_store() -> None:
    assert clean_text("  Ann \t\n Marie  ") == "Ann Marie"
    assert clean_text("") == ""
