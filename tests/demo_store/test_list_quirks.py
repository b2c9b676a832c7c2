"""The list's parameters as real stores read them (wc-api-v3-behavior.md sections 19.1 and 19.4).

One test (or parametrized case) per item: ``fields=`` naming nothing answers PHP's empty arrays,
a ``filter[limit]`` PHP reads as 0 and a scalar ``filter`` crash the store (list and count) with
WordPress' critical-error page unless ``friendly_errors`` is on, ``page=0`` and
``page=abc`` answer an empty page with a meaningless total and no Link, ``filter[orderby]`` names
are WordPress' (case-sensitive, unknown ones sort by login), ``orderby_meta_key`` joins that meta,
``meta_value(_num)`` without a key lists every matching customer, and ``filter[role]`` matches
without regard to case.

The store holds a "sort set" like the recorded one (transcripts/legacy-v3-wc-3.5.3.jsonl): eight
customers whose ids, logins, names, cities and registration times are each in a different
order, two of them with a company, plus the administrator.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from app.demo_store import DemoStore, StoreConfig
from app.demo_store.customer_query import STALE_FOUND_ROWS
from tests.conftest import StoreFactory
from tests.support.store_http import StoreHttp

#: The sort set's logins in id order, as in the recorded store.
LOGINS = ["kilo0", "alpha1", "echo2", "zulu3", "bravo4", "mike5", "delta6", "hotel7"]
LAST_NAMES = ["Young", "Xu", "Adams", "Baker", "Abbott", "Young", "Moss", "Ames"]
CITIES = ["Oslo", "Lima", "Bern", "Zurich", "Kyiv", "Accra", "Austin", "Porto"]
COMPANIES = {"echo2": "Echo Ltd", "zulu3": "Zulu plc"}
#: Registration order (position in hours after BASE) differs from the id and login orders.
REGISTERED_HOURS = [5, 2, 7, 0, 3, 6, 1, 4]
BASE = 1_700_000_000
HOUR = 3600
CRITICAL_MESSAGE = (
    "<p>There has been a critical error on this website.</p>"
    '<p><a href="https://wordpress.org/support/article/faq-troubleshooting/">'
    "Learn more about troubleshooting WordPress.</a></p>"
)
CRITICAL_RAW = (
    b'{"code":"internal_server_error","message":"<p>There has been a critical error on this'
    b' website.<\\/p><p><a href=\\"https:\\/\\/wordpress.org\\/support\\/article\\/'
    b'faq-troubleshooting\\/\\">Learn more about troubleshooting WordPress.<\\/a><\\/p>",'
    b'"data":{"status":500},"additional_errors":[]}'
)
Pairs = Sequence[tuple[str, str]]


@dataclass(frozen=True)
class SortSet:
    """The store, a client, and the sort set's ids by login."""

    store: DemoStore
    client: StoreHttp
    ids: dict[str, int]

    def get(self, pairs: Pairs = (), route: str = "/customers") -> requests.Response:
        """GET a route with query pairs."""
        return self.client.get(route, pairs)

    def listed(self, pairs: Pairs, key: str = "username") -> list[Any]:
        """``key`` of every listed customer, everybody on one page."""
        answer = self.get([*pairs, ("filter[limit]", "-1")])
        assert answer.status_code == 200, answer.text
        return [customer[key] for customer in answer.json()["customers"]]


def make_sort_set(store: DemoStore) -> SortSet:
    """Create the sort set in ``store``."""
    client = StoreHttp(store)
    ids: dict[str, int] = {}
    for position, login in enumerate(LOGINS):
        billing = {"city": CITIES[position], "company": COMPANIES.get(login, "")}
        answer = client.post(
            "/customers",
            {
                "customer": {
                    "email": f"{login}@srt.example.com",
                    "username": login,
                    "first_name": login.rstrip("0123456789").title(),
                    "last_name": LAST_NAMES[position],
                    "billing_address": billing,
                }
            },
        )
        assert answer.status_code == 201, answer.text
        ids[login] = answer.json()["customer"]["id"]
    with store.db.write() as conn:
        for position, login in enumerate(LOGINS):
            moment = BASE + REGISTERED_HOURS[position] * HOUR
            conn.execute(
                "UPDATE users SET registered = ?, last_update = ? WHERE id = ?",
                # Edited later, the first created most recently: last_update falls with the id.
                (moment, BASE + (100 - position) * HOUR, ids[login]),
            )
    return SortSet(store, client, ids)


@pytest.fixture(scope="module")
def sort_set() -> Iterator[SortSet]:
    """The sort set in a store shared by this module's read-only tests."""
    store = DemoStore.start(StoreConfig(customers=0))
    try:
        yield make_sort_set(store)
    finally:
        store.stop()


def by_registration() -> list[str]:
    return [login for _, login in sorted(zip(REGISTERED_HOURS, LOGINS, strict=True))]


# -- fields= naming nothing --------------------------------------------------------------------


def test_fields_naming_nothing_lists_empty_arrays(sort_set: SortSet) -> None:
    """Section 19.4: ``fields=bogus`` on the list answers ``{"customers":[[],[],…]}``."""
    answer = sort_set.get([("fields", "bogus"), ("filter[limit]", "3")])
    assert answer.status_code == 200
    assert answer.content == b'{"customers":[[],[],[]]}'


def test_fields_naming_nothing_on_one_customer_is_an_empty_array(sort_set: SortSet) -> None:
    """Section 19.4: ``{"customer":[]}`` for one customer, by id or by email."""
    alpha = sort_set.ids["alpha1"]
    for route in (f"/customers/{alpha}", "/customers/email/alpha1@srt.example.com"):
        answer = sort_set.get([("fields", "bogus")], route)
        assert answer.status_code == 200
        assert answer.content == b'{"customer":[]}'


def test_fields_naming_no_child_leaves_an_empty_array_parent(sort_set: SortSet) -> None:
    """The same PHP array rule one level down: a parent with no listed child is ``[]``."""
    answer = sort_set.get([("fields", "billing_address.bogus"), ("filter[limit]", "1")])
    assert answer.json() == {"customers": [{"billing_address": []}]}


# -- crashes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("route", "pairs"),
    [
        ("/customers", [("filter[limit]", "abc")]),
        ("/customers/count", [("filter[limit]", "abc")]),
        ("/customers", [("filter", "abc")]),
        ("/customers/count", [("filter", "abc")]),
        ("/customers", [("filter", "")]),
        ("/customers", [("filter[limit]", "0.5")]),
    ],
    ids=["list-limit", "count-limit", "list-filter", "count-filter", "empty-filter", "half"],
)
def test_parameters_that_crash_a_real_store_crash_the_demo_store(
    sort_set: SortSet, route: str, pairs: Pairs
) -> None:
    """Section 19.4: ``filter[limit]=abc`` (list and count) and ``filter=abc`` answer 500 with
    WordPress' critical-error message inside JSON, byte for byte as a real store sent it."""
    answer = sort_set.get(pairs, route)
    assert answer.status_code == 500
    assert answer.headers["Content-Type"] == "application/json; charset=UTF-8"
    assert answer.content == CRITICAL_RAW
    assert answer.json()["message"] == CRITICAL_MESSAGE
    assert "Link" not in answer.headers
    assert "X-WC-Total" not in answer.headers


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        ([("filter[limit]", "abc")], "filter[limit] must be a whole number, or -1 for all."),
        ([("filter", "abc")], "filter must be given as filter[name]=value entries."),
    ],
)
def test_friendly_errors_answer_400_instead(
    start_store: StoreFactory, pairs: Pairs, message: str
) -> None:
    """The documented store option ``friendly_errors`` (off by default) keeps the
    old, clearer answer for people exploring by hand."""
    store = start_store(friendly_errors=True)
    client = StoreHttp(store)
    for route in ("/customers", "/customers/count"):
        answer = client.get(route, pairs)
        assert answer.status_code == 400
        assert answer.json() == {
            "errors": [{"code": "demo_store_invalid_parameter", "message": message}]
        }


def test_friendly_errors_are_off_by_default() -> None:
    assert StoreConfig().friendly_errors is False


# -- page=0 and page=abc -----------------------------------------------------------------------


@pytest.mark.parametrize("page", ["0", "abc", "", "%EF%BC%92"])
def test_page_zero_is_an_empty_page_with_a_meaningless_total(sort_set: SortSet, page: str) -> None:
    """Section 19.4: ``page=0`` or ``page=abc`` (``absint`` 0) asks MySQL for a negative
    offset: 200 ``{"customers":[]}``, an ``X-WC-Total`` left over from another statement
    (not the 8 customers), the page count computed from it, and no Link."""
    answer = sort_set.get([("page", page)])
    assert answer.status_code == 200
    assert answer.content == b'{"customers":[]}'
    assert answer.headers["X-WC-Total"] == str(STALE_FOUND_ROWS) != "8"
    assert answer.headers["X-WC-TotalPages"] == str(math.ceil(STALE_FOUND_ROWS / 10))
    assert "Link" not in answer.headers


def test_page_zero_without_a_limit_or_with_an_offset_is_an_ordinary_page(
    sort_set: SortSet,
) -> None:
    """Without a page size there is no LIMIT for the offset to break, and an explicit
    ``filter[offset]`` replaces the page's offset."""
    assert len(sort_set.listed([("page", "0")])) == len(LOGINS)
    answer = sort_set.get([("page", "0"), ("filter[offset]", "2"), ("filter[limit]", "3")])
    assert len(answer.json()["customers"]) == 3
    assert answer.headers["X-WC-Total"] == "8"


def test_a_filter_page_of_zero_breaks_the_count_too(sort_set: SortSet) -> None:
    """The count runs the same query with the filter's own ``page``: ``filter[page]=0`` makes
    its total meaningless as well (the list overrides ``filter[page]`` with ``page``)."""
    count = sort_set.get([("filter[page]", "0")], "/customers/count")
    assert count.json() == {"count": STALE_FOUND_ROWS}
    assert len(sort_set.listed([("filter[page]", "0")])) == len(LOGINS)


# -- orderby ------------------------------------------------------------------------------------


def _sorted_logins(key: str) -> list[str]:
    values = {
        "username": {login: login for login in LOGINS},
        "email": {login: f"{login}@srt.example.com" for login in LOGINS},
        "last_name": dict(zip(LOGINS, LAST_NAMES, strict=True)),
        "city": dict(zip(LOGINS, CITIES, strict=True)),
    }[key]
    return sorted(LOGINS, key=lambda login: values[login].lower())


@pytest.mark.parametrize(
    ("orderby", "expected"),
    [
        ("ID", LOGINS),
        ("id", LOGINS),
        ("registered", by_registration()),
        ("user_registered", by_registration()),
        ("login", _sorted_logins("username")),
        ("user_login", _sorted_logins("username")),
        ("nicename", _sorted_logins("username")),
        ("user_nicename", _sorted_logins("username")),
        ("email", _sorted_logins("email")),
        ("user_email", _sorted_logins("email")),
        # Customers created through the API keep the username as display name (19.3).
        ("display_name", _sorted_logins("username")),
        ("name", _sorted_logins("username")),
        # Not WordPress names (case matters; "include" needs an include list): by login.
        ("Id", _sorted_logins("username")),
        ("REGISTERED", _sorted_logins("username")),
        ("include", _sorted_logins("username")),
        ("bogus", _sorted_logins("username")),
    ],
)
def test_orderby_names_are_wordpress_names(
    sort_set: SortSet, orderby: str, expected: list[str]
) -> None:
    """Section 19.4 and 9.1: each ``filter[orderby]`` value sorts as WP_User_Query's
    ``parse_orderby`` does, case-sensitively; anything else sorts by login."""
    assert sort_set.listed([("filter[orderby]", orderby)]) == expected
    descending = sort_set.listed([("filter[orderby]", orderby), ("filter[order]", "DESC")])
    assert descending == list(reversed(expected))


@pytest.mark.parametrize("orderby", ["url", "user_url", "post_count", "login__in"])
def test_orderby_names_everybody_ties_on_list_everybody(sort_set: SortSet, orderby: str) -> None:
    """Everyone has the same website (none), post count (none) or ``FIELD()`` value: all
    tied, so all listed, in an order of the store's choosing."""
    assert sorted(sort_set.listed([("filter[orderby]", orderby)])) == sorted(LOGINS)


@pytest.mark.parametrize(
    ("order", "ascending"),
    [("ASC", True), ("asc", True), ("", True), ("0", True), ("DESC", False), ("bogus", False)],
)
def test_order_is_ascending_only_for_asc_or_nothing(
    sort_set: SortSet, order: str, ascending: bool
) -> None:
    """Section 9.1: ``ASC`` in any case, or nothing (PHP's ``empty`` includes "0"), is
    ascending; any other value is descending."""
    listed = sort_set.listed([("filter[orderby]", "ID"), ("filter[order]", order)])
    assert listed == (LOGINS if ascending else list(reversed(LOGINS)))


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([("filter[orderby_meta_key]", "last_name")], _sorted_logins("last_name")),
        ([("filter[orderby_meta_key]", "billing_city")], _sorted_logins("city")),
        ([("filter[orderby_meta_key]", "nickname")], _sorted_logins("username")),
    ],
    ids=["last_name", "billing_city", "nickname"],
)
def test_meta_value_sorts_by_the_named_meta(
    sort_set: SortSet, pairs: Pairs, expected: list[str]
) -> None:
    """Section 18 and the recorded "order" rows: ``meta_value`` with a meta key every
    customer has sorts by it (case-insensitively, ties in any order: two are "Young")."""
    listed = sort_set.listed([("filter[orderby]", "meta_value"), *pairs])
    if pairs[0][1] == "last_name":
        young = {"kilo0", "mike5"}
        assert [x for x in listed if x not in young] == [x for x in expected if x not in young]
        assert set(listed[-2:]) == young
    else:
        assert listed == expected


def test_the_meta_key_itself_as_orderby_sorts_by_that_meta(sort_set: SortSet) -> None:
    """WordPress also accepts the meta key's own name as ``orderby`` once it is the key."""
    pairs = [("filter[orderby]", "last_update"), ("filter[orderby_meta_key]", "last_update")]
    listed = sort_set.listed([*pairs, ("filter[order]", "DESC")])
    assert listed == LOGINS  # last_update falls with the id here


def test_meta_value_num_on_last_update_lists_latest_edits_first(sort_set: SortSet) -> None:
    """Section 18: ``meta_value_num`` on ``last_update`` DESC: the latest edits first."""
    pairs = [
        ("filter[orderby]", "meta_value_num"),
        ("filter[orderby_meta_key]", "last_update"),
        ("filter[order]", "DESC"),
    ]
    assert sort_set.listed(pairs) == LOGINS


@pytest.mark.parametrize("orderby", ["meta_value", "meta_value_num"])
def test_meta_value_without_a_key_lists_every_matching_customer(
    sort_set: SortSet, orderby: str
) -> None:
    """Section 19.4: ``meta_value(_num)`` without ``orderby_meta_key`` lists all matching
    customers (sorted by the role's capabilities: all tied), not none."""
    answer = sort_set.get([("filter[orderby]", orderby), ("filter[limit]", "-1")])
    assert answer.headers["X-WC-Total"] == "8"
    assert sorted(c["username"] for c in answer.json()["customers"]) == sorted(LOGINS)


def test_meta_value_without_a_key_or_a_role_is_refused_by_mysql(sort_set: SortSet) -> None:
    """With ``filter[role]=all`` WordPress joins no meta at all, so ``ORDER BY
    wp_usermeta.meta_value`` names a table the statement lacks: nobody, a stale total."""
    answer = sort_set.get([("filter[orderby]", "meta_value"), ("filter[role]", "all")])
    assert answer.json() == {"customers": []}
    assert answer.headers["X-WC-Total"] == str(STALE_FOUND_ROWS)


def test_a_meta_key_not_every_customer_has_lists_those_who_have_it(sort_set: SortSet) -> None:
    """WordPress joins the meta key (an INNER JOIN): customers without it drop out of list and
    count. WooCommerce writes an address field's meta only once it is set."""
    pairs = [("filter[orderby]", "meta_value"), ("filter[orderby_meta_key]", "billing_company")]
    answer = sort_set.get([*pairs, ("filter[limit]", "-1")])
    assert [c["username"] for c in answer.json()["customers"]] == ["echo2", "zulu3"]
    assert answer.headers["X-WC-Total"] == "2"
    assert sort_set.get(pairs, "/customers/count").json() == {"count": 2}


@pytest.mark.parametrize("orderby", ["meta_value", "meta_value_num"])
def test_a_meta_key_nobody_has_lists_nobody(sort_set: SortSet, orderby: str) -> None:
    """The recorded store: ``orderby_meta_key=bogus_meta_key`` -> no customers, total 0 (with
    ``filter[limit]=-1`` still one page)."""
    pairs = [("filter[orderby]", orderby), ("filter[orderby_meta_key]", "bogus_meta_key")]
    answer = sort_set.get([*pairs, ("filter[limit]", "-1")])
    assert answer.json() == {"customers": []}
    assert (answer.headers["X-WC-Total"], answer.headers["X-WC-TotalPages"]) == ("0", "1")


def test_order_count_is_a_meta_key_every_customer_has(sort_set: SortSet) -> None:
    """The recorded store: ``_order_count`` (WooCommerce's cached order count) lists all."""
    pairs = [("filter[orderby]", "meta_value"), ("filter[orderby_meta_key]", "_order_count")]
    assert sorted(sort_set.listed(pairs)) == sorted(LOGINS)


# -- roles --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("customer", "customers"),
        ("Customer", "customers"),  # section 19.4: the case does not matter
        ("CUSTOMER", "customers"),
        ("customer,Customer", "customers"),
        ("0", "customers"),  # empty in PHP: the default
        ("all", "everyone"),
        ("ALL", "nobody"),  # only exactly "all" lifts the filter; "ALL" is a role name
        ("customer,administrator", "nobody"),  # a comma list needs every role
        ("customer,", "nobody"),  # ... and nobody holds the empty role
        ("administrator", "admin"),
        ("Administrator", "admin"),
        ("subscriber", "nobody"),
    ],
)
def test_role_filter(sort_set: SortSet, role: str, expected: str) -> None:
    """Sections 9.1, 19.1 and 19.4: WordPress matches a role with LIKE on the serialised
    capabilities (case-insensitive under MySQL's collation); list and count agree."""
    listed = set(sort_set.listed([("filter[role]", role)]))
    wanted = {
        "customers": set(LOGINS),
        "everyone": {*LOGINS, "admin"},
        "admin": {"admin"},
        "nobody": set(),
    }[expected]
    assert listed == wanted
    count = sort_set.get([("filter[role]", role)], "/customers/count").json()
    assert count == {"count": len(wanted)}


# -- WordPress' slashes -------------------------------------------------------------------------


def test_a_quote_in_the_search_is_slashed_and_matches_nobody(
    start_store: StoreFactory, tls_certificate: tuple[Path, Path]
) -> None:
    """Section 19.2: WordPress adds slashes to query values, so ``filter[q]=o'brien@…`` looks
    for ``o\\'brien@…`` and finds nobody (list and count); the API's extra URL-decoding comes
    after the slashes, so a doubly encoded ``%2527`` reaches the search as a bare quote."""
    # Over HTTPS: over HTTP the slashed value is also what the store signs, so a client that
    # signs the quote as sent is refused (test_signature_base.py covers that).
    store = start_store(certificate=tls_certificate)
    client = StoreHttp(store, verify=str(tls_certificate[0]))
    answer = client.post("/customers", {"customer": {"email": "o'brien@example.com"}})
    assert answer.status_code == 201, answer.text
    plain = client.get("/customers", [("filter[q]", "o'brien@example.com")])
    assert plain.json() == {"customers": []}
    assert plain.headers["X-WC-Total"] == "0"
    count = client.get("/customers/count", [("filter[q]", "o'brien@example.com")])
    assert count.json() == {"count": 0}
    doubly = client.get("/customers", [("filter[q]", "o%27brien@example.com")])
    assert [c["email"] for c in doubly.json()["customers"]] == ["o'brien@example.com"]
