"""The demo store's small PHP- and WordPress-compatible helpers."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.demo_store import phpjson
from app.demo_store.errors import ApiError, StoreError
from app.demo_store.listing import Window, paging_headers, trim_fields, window
from app.demo_store.sanitize import is_valid_username, nicename, sanitize_user, wc_clean
from app.demo_store.wcformat import absint, format_money, parse_datetime, php_intval


def test_json_is_escaped_like_php() -> None:
    body = phpjson.dumps({"url": "http://a/b", "city": "São Paulo", "list": [], "n": 1})
    assert body == b'{"url":"http:\\/\\/a\\/b","city":"S\\u00e3o Paulo","list":[],"n":1}'


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(),
        lambda c: st.lists(c) | st.dictionaries(st.text(), c),
    )
)
def test_php_json_round_trips(value: object) -> None:
    assert json.loads(phpjson.dumps(value)) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2015-01-01", 1420070400),
        ("2015-01-01T10:00:00Z", 1420106400),
        ("2015-01-01T10:00:00.123Z", 1420106400),
        ("2015-01-01T10:00:00+05:00", 1420106400),  # the offset is replaced, not applied
        ("2015-01-01 10:00", 1420106400),
        ("yesterday-ish", 0),
        ("2015-13-45", 0),
    ],
)
def test_filter_dates_parse_like_the_api(text: str, expected: int) -> None:
    assert parse_datetime(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("12abc", 12), ("abc", 0), (" 7", 7), ("-3", -3), (4.9, 4), (True, 1), (None, 0), ([1], 0)],
)
def test_php_intval(value: object, expected: int) -> None:
    assert php_intval(value) == expected


def test_absint_and_money() -> None:
    assert absint("-5") == 5
    assert format_money(123456) == "1234.56"
    assert format_money(5, 3) == "0.050"


def test_wordpress_sanitisers() -> None:
    assert sanitize_user("João <b>Silva</b>") == "Joao Silva"
    assert sanitize_user("frank+tag", strict=True) == "franktag"
    assert is_valid_username("john.doe")
    assert not is_valid_username("john+doe")
    assert not is_valid_username("")
    assert wc_clean("  Ann\n<i>Lee</i>  ") == "Ann Lee"
    assert nicename("John.Doe") == "john-doe"


def test_fields_trimming_quirks() -> None:
    customer = {"id": 1, "email": "a@b.cd", "billing_address": {"city": "X", "state": "Y"}}
    assert trim_fields(customer, "id,email") == {"id": 1, "email": "a@b.cd"}
    assert trim_fields(customer, "billing_address.city,billing_address.state") == {
        "billing_address": {"state": "Y"}
    }
    assert trim_fields(customer, "billing_address") == {
        "billing_address": customer["billing_address"]
    }
    # Nothing kept is an empty PHP array, which JSON writes as [] (section 19.4).
    assert trim_fields(customer, "id.x") == []
    assert trim_fields(customer, "bogus") == []
    assert trim_fields(customer, "id,billing_address.bogus") == {"id": 1, "billing_address": []}


def test_window_reading() -> None:
    assert window({}, None) == Window(10, 0)
    assert window({"limit": "5"}, "3") == Window(5, 10)
    assert window({"limit": "-1"}, "3") == Window(-1, 0)
    assert window({"limit": "5", "offset": "3"}, "9") == Window(5, 3)
    # A size PHP reads as 0 crashes a real store (section 19.4); the friendly option says 400.
    with pytest.raises(StoreError) as crashed:
        window({"limit": "abc"}, None)
    assert crashed.value.status == 500
    assert crashed.value.body()["code"] == "internal_server_error"
    with pytest.raises(ApiError) as error:
        window({"limit": "abc"}, None, friendly=True)
    assert error.value.status == 400
    assert error.value.code == "demo_store_invalid_parameter"
    # page=0 asks MySQL for a negative offset; orders' windows keep their own reading.
    assert window({}, "0").broken
    assert not window({"limit": "-1"}, "0").broken
    with pytest.raises(ApiError) as error:
        window({"limit": "abc"}, None, posts=True)
    assert error.value.status == 400


def test_links_use_a_fractional_page_with_offsets_and_drop_the_port() -> None:
    headers = paging_headers(
        total=25,
        win=Window(10, 5),
        item_count=10,
        home_url="http://shop.example:8080",
        ssl=False,
        request_path="/wc-api/v3/customers",
        params={"filter": {"offset": "5"}},
    )
    links = [value for name, value in headers if name == "Link"]
    assert (
        links[0] == '<http://shop.example/wc-api/v3/customers?filter[offset]=5&page=1>; rel="first"'
    )
    assert links[1].endswith('page=0.5>; rel="prev"')
