"""Conformance of the demo store's customer list, count and sub-resources.

Covers section 16 cases 69 to 80 of wc-api-v3-behavior.md (one test or parametrized case per
number, named ``test_case_NN_...``) and the rules of sections 9 and 10 around them: WordPress'
user search (9.2), ordering including ``meta_value_num`` on ``last_update``, ``fields=``
trimming (9.5), ``filter[created_at_min|max]`` with their parsing quirks, ``filter[offset]``,
the Link headers (9.3: one line per relation, port dropped, ``page`` moved last, fractional pages
with offsets, the request's own auth parameters kept), and the filters of
``/customers/<id>/orders`` (10). Tests without a case number cite their section instead.

The "25 customers" state is C1 and C2 of ``https_shop`` plus 23 customers made by one bulk
request. Their registration times are then set an hour apart directly in the store's database so
that registration order is known exactly and differs from id order (C1, C2, then the bulk
customers newest id first), which lets a test tell ``orderby=registered`` from ``orderby=ID``.
Orders and downloads come from a seeded store (``customers=30, seed=1``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from app.demo_store import DemoStore
from tests.conftest import StoreFactory
from tests.support.payloads import CUSTOMER_KEYS
from tests.support.shop import ADMIN_ID, Shop
from tests.support.store_http import StoreHttp

#: 2020-09-13T12:26:40Z: the first customer's registration time in the 25-customer state.
REGISTERED_BASE = 1_600_000_000
HOUR = 3600
LINK_LINE = re.compile(r'<(?P<url>[^>]*)>; rel="(?P<rel>[a-z]+)"')
ORDER_KEYS = [
    "id",
    "order_number",
    "order_key",
    "created_at",
    "updated_at",
    "completed_at",
    "status",
    "currency",
    "total",
    "subtotal",
    "total_line_items_quantity",
    "total_tax",
    "total_shipping",
    "cart_tax",
    "shipping_tax",
    "total_discount",
    "shipping_methods",
    "payment_details",
    "billing_address",
    "shipping_address",
    "note",
    "customer_ip",
    "customer_user_agent",
    "customer_id",
    "view_order_url",
    "line_items",
    "shipping_lines",
    "tax_lines",
    "fee_lines",
    "coupon_lines",
    "customer",
]
DOWNLOAD_KEYS = [
    "download_url",
    "download_id",
    "product_id",
    "download_name",
    "order_id",
    "order_key",
    "downloads_remaining",
    "access_expires",
    "file",
]
Pairs = Sequence[tuple[str, str]]


# -- helpers ----------------------------------------------------------------------------------


def assert_error(response: requests.Response, status: int, code: str, message: str) -> None:
    """Check a standard error envelope with exactly one error."""
    assert response.status_code == status, response.text
    assert response.json() == {"errors": [{"code": code, "message": message}]}


def ok(response: requests.Response) -> dict[str, Any]:
    """The JSON body of a 200 answer."""
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def ids_of(response: requests.Response) -> list[int]:
    """The customer ids of a 200 list answer, in order."""
    return [customer["id"] for customer in ok(response)["customers"]]


def links(response: requests.Response) -> list[tuple[str, str]]:
    """``(rel, url)`` of every ``Link`` header line, in the order they were sent."""
    lines: list[str] = response.raw.headers.getlist("Link")
    found = []
    for line in lines:
        match = LINK_LINE.fullmatch(line)
        assert match, line
        found.append((match["rel"], match["url"]))
    return found


def link_pages(response: requests.Response) -> list[tuple[str, str]]:
    """``(rel, page)`` of every Link line; ``page`` must be the URL's last parameter."""
    pages = []
    for rel, url in links(response):
        match = re.search(r"[?&]page=([^&]*)$", url)
        assert match, url
        pages.append((rel, match[1]))
    return pages


def paging(response: requests.Response) -> tuple[str, str]:
    """``X-WC-Total`` and ``X-WC-TotalPages``."""
    return response.headers["X-WC-Total"], response.headers["X-WC-TotalPages"]


def bulk_create(client: StoreHttp, emails: Sequence[str]) -> list[int]:
    """Create customers in one bulk request; their ids in request order."""
    items = [
        {"email": email, "password": "p4ss-w0rd", "first_name": "Lister", "last_name": "Bulk"}
        for email in emails
    ]
    answer = client.post("/customers/bulk", {"customers": items})
    assert answer.status_code == 201, answer.text
    return [customer["id"] for customer in answer.json()["customers"]]


def no_list_users_client(shop_store: DemoStore, verify: str | bool) -> StoreHttp:
    """A client whose ``read_write`` key belongs to a subscriber (no ``list_users``)."""
    user_id = shop_store.create_user("sub.scriber", "sub.scriber@example.com", "subscriber")
    return StoreHttp(
        shop_store, key=shop_store.create_api_key(user_id, "read_write"), verify=verify
    )


@dataclass(frozen=True)
class Listing:
    """The 25-customer state: the shop and the customer ids, oldest registration first."""

    shop: Shop
    ids: list[int]

    @property
    def client(self) -> StoreHttp:
        """The administrator's client."""
        return self.shop.client

    def get(self, pairs: Pairs = ()) -> requests.Response:
        """GET /customers with query pairs."""
        return self.client.get("/customers", pairs)


@pytest.fixture
def listing(https_shop: Shop) -> Listing:
    """C1, C2 and 23 bulk-created customers, registered an hour apart (C1 first, C2 second,
    then the bulk customers in reverse creation order)."""
    bulk_ids = bulk_create(https_shop.client, [f"list{n:02d}@example.org" for n in range(23)])
    order = [https_shop.c1, https_shop.c2, *reversed(bulk_ids)]
    with https_shop.store.db.write() as conn:
        for position, customer_id in enumerate(order):
            conn.execute(
                "UPDATE users SET registered = ?, last_update = ? WHERE id = ?",
                (REGISTERED_BASE + position * HOUR, REGISTERED_BASE + position * HOUR, customer_id),
            )
    return Listing(https_shop, order)


# -- list and count: section 16 cases 69-79 ---------------------------------------------------


def test_case_69_first_page(listing: Listing) -> None:
    """Case 69: 25 customers -> 10 items, totals 25/3, Links ``next`` (2) and ``last`` (3)."""
    answer = listing.get()
    assert ids_of(answer) == listing.ids[:10]
    assert paging(answer) == ("25", "3")
    assert link_pages(answer) == [("next", "2"), ("last", "3")]


def test_case_70_middle_page(listing: Listing) -> None:
    """Case 70: page 2 -> Links first (1), prev (1), next (3), last (3), in that order."""
    answer = listing.get([("page", "2")])
    assert ids_of(answer) == listing.ids[10:20]
    assert link_pages(answer) == [("first", "1"), ("prev", "1"), ("next", "3"), ("last", "3")]


def test_case_70_last_page(listing: Listing) -> None:
    """Case 70: page 3 -> only ``first`` and ``prev``, and the last 5 customers."""
    answer = listing.get([("page", "3")])
    assert ids_of(answer) == listing.ids[20:]
    assert link_pages(answer) == [("first", "1"), ("prev", "2")]


def test_case_71_unlimited(listing: Listing) -> None:
    """Case 71: ``filter[limit]=-1`` -> all 25, ``X-WC-TotalPages: 1``, no Link header."""
    answer = listing.get([("filter[limit]", "-1")])
    assert ids_of(answer) == listing.ids
    assert paging(answer) == ("25", "1")
    assert "Link" not in answer.headers


def test_case_72_limit_and_page_in_registration_order(listing: Listing) -> None:
    """Case 72: ``filter[limit]=5&page=2`` -> customers 6-10 by registration, oldest first."""
    answer = listing.get([("filter[limit]", "5"), ("page", "2")])
    assert ids_of(answer) == listing.ids[5:10]


def test_case_72_order_desc_reverses(listing: Listing) -> None:
    """Case 72: ``filter[order]=DESC`` reverses the order (page 2 of 5 newest first)."""
    answer = listing.get([("filter[limit]", "5"), ("filter[order]", "DESC"), ("page", "2")])
    assert ids_of(answer) == list(reversed(listing.ids))[5:10]


def test_case_73_offset(listing: Listing) -> None:
    """Case 73: ``filter[offset]=3&filter[limit]=5`` -> customers 4-8."""
    answer = listing.get([("filter[offset]", "3"), ("filter[limit]", "5")])
    assert ids_of(answer) == listing.ids[3:8]


def test_case_74_no_match(listing: Listing) -> None:
    """Case 74: no match -> ``[]``, totals 0/0, exactly one Link: ``rel="last"`` page 0."""
    answer = listing.get([("filter[q]", "zzz-no-match")])
    assert ok(answer) == {"customers": []}
    assert paging(answer) == ("0", "0")
    assert link_pages(answer) == [("last", "0")]


def test_case_75_single_match_has_no_link(listing: Listing) -> None:
    """Case 75: exactly one match -> 1 item, no Link header, ``X-WC-TotalPages: 1``."""
    answer = listing.get([("filter[q]", "john.doe@example.com")])
    assert ids_of(answer) == [listing.shop.c1]
    assert paging(answer) == ("1", "1")
    assert "Link" not in answer.headers


@pytest.mark.parametrize(
    ("term", "finds_c1"),
    [("john", False), ("*john*", True), ("Doe", False)],
    ids=["partial", "wildcards", "last-name"],
)
def test_case_76_search_is_exact_unless_starred(
    listing: Listing, term: str, finds_c1: bool
) -> None:
    """Case 76: ``john`` finds nobody, ``*john*`` finds C1, a last name finds nobody."""
    found = ids_of(listing.get([("filter[q]", term), ("filter[limit]", "-1")]))
    assert (listing.shop.c1 in found) is finds_c1
    if not finds_c1:
        assert found == []


def test_case_77_administrators_only_with_role_all(listing: Listing) -> None:
    """Case 77: the default list and count leave A out; ``filter[role]=all`` adds A."""
    default = listing.get([("filter[limit]", "-1")])
    everyone = listing.get([("filter[limit]", "-1"), ("filter[role]", "all")])
    assert ADMIN_ID not in ids_of(default)
    assert ADMIN_ID in ids_of(everyone)
    assert default.headers["X-WC-Total"] == "25"
    assert everyone.headers["X-WC-Total"] == "26"
    count = ok(listing.client.get("/customers/count"))
    assert count == {"count": 25}
    assert type(count["count"]) is int
    assert ok(listing.client.get("/customers/count", [("filter[role]", "all")])) == {"count": 26}


@pytest.mark.parametrize(
    ("role", "expected"),
    [("administrator", [ADMIN_ID]), ("subscriber", []), ("customer,administrator", [])],
    ids=["administrator", "nobody", "comma-list-means-every-role"],
)
def test_section_9_1_role_filter(listing: Listing, role: str, expected: list[int]) -> None:
    """Section 9.1: ``filter[role]`` picks one WordPress role; a comma list needs every role."""
    answer = listing.get([("filter[role]", role), ("filter[limit]", "-1")])
    assert ids_of(answer) == expected
    assert answer.headers["X-WC-Total"] == str(len(expected))


def test_case_78_created_at_min_is_inclusive(listing: Listing) -> None:
    """Case 78: ``filter[created_at_min]`` = C2's ``created_at`` -> C2 in, C1 (older) out."""
    c2_created = ok(listing.client.get(f"/customers/{listing.shop.c2}"))["customer"]["created_at"]
    found = ids_of(listing.get([("filter[created_at_min]", c2_created), ("filter[limit]", "-1")]))
    assert listing.shop.c2 in found
    assert listing.shop.c1 not in found
    assert found == listing.ids[1:]


def test_case_79_without_list_users(listing: Listing) -> None:
    """Case 79: no ``list_users`` -> count 401; list 200 ``[]`` (the total still real, 9.3)."""
    client = no_list_users_client(listing.shop.store, listing.client.verify)
    assert_error(
        client.get("/customers/count"),
        401,
        "woocommerce_api_user_cannot_read_customers_count",
        "You do not have permission to read the customers count",
    )
    answer = client.get("/customers")
    assert ok(answer) == {"customers": []}
    assert answer.headers["X-WC-Total"] == "25"


# -- search: section 9.2 ----------------------------------------------------------------------


def _search(shop: Shop, term: str) -> list[int]:
    return ids_of(shop.client.get("/customers", [("filter[q]", term), ("filter[limit]", "-1")]))


@pytest.mark.parametrize(
    "term",
    ["john.doe", "JOHN.DOE", "John.Doe@Example.com", "john*", "*doe", "*n.d*"],
    ids=["login", "login-case", "email-case", "prefix", "suffix", "contains"],
)
def test_section_9_2_search_finds_c1(https_shop: Shop, term: str) -> None:
    """Section 9.2: exact (case-insensitive) login/email, ``*`` for prefix/suffix/contains."""
    assert _search(https_shop, term) == [https_shop.c1]


@pytest.mark.parametrize(
    "term",
    ["John", "Doe", "San Francisco", "(555) 555-5555", "94103", "doe.john"],
    ids=["first-name", "last-name", "billing-city", "phone", "postcode", "swapped"],
)
def test_section_9_2_search_ignores_names_and_addresses(https_shop: Shop, term: str) -> None:
    """Section 9.2: first/last names and billing fields are not searched."""
    assert _search(https_shop, term) == []


def test_section_9_2_suffix_on_email_domain(https_shop: Shop) -> None:
    """Section 9.2: ``*@example.com`` matches the email column by suffix (C1 and C2)."""
    other = bulk_create(https_shop.client, ["someone@example.org"])[0]
    found = _search(https_shop, "*@example.com")
    assert sorted(found) == sorted([https_shop.c1, https_shop.c2])
    assert other not in found


def test_section_9_2_at_sign_searches_the_email_only(https_shop: Shop) -> None:
    """Section 9.2: a term with ``@`` is compared with ``user_email`` only, not the login."""
    user_id = https_shop.store.create_user("at@login", "someone.else@example.net", "customer")
    assert _search(https_shop, "at@login") == []
    assert _search(https_shop, "someone.else@example.net") == [user_id]


def test_section_9_2_numeric_term_searches_login_and_id(https_shop: Shop) -> None:
    """Section 9.2: a numeric term matches ``user_login`` or ``ID``."""
    user_id = https_shop.store.create_user("20240", "numeric.login@example.net", "customer")
    assert _search(https_shop, "20240") == [user_id]
    assert _search(https_shop, str(https_shop.c2)) == [https_shop.c2]


def test_section_9_2_url_term_searches_the_website(https_shop: Shop) -> None:
    """Section 9.2: a term starting ``http(s)://`` is compared with ``user_url``."""
    with https_shop.store.db.write() as conn:
        conn.execute("UPDATE users SET url = ? WHERE id = ?", ("https://jd.example", https_shop.c1))
    assert _search(https_shop, "https://jd.example") == [https_shop.c1]
    assert _search(https_shop, "https://jd.example/other") == []


def test_section_9_2_term_is_decoded_once_more(https_shop: Shop) -> None:
    """Sections 1.3 / 9.2: ``%2540`` arrives as ``%40`` and is decoded again to ``@``."""
    # StoreHttp percent-encodes the value, so "%40" goes over the wire as "%2540".
    assert _search(https_shop, "john.doe%40example.com") == [https_shop.c1]


def test_section_9_4_count_honours_search_but_not_paging(https_shop: Shop) -> None:
    """Section 9.4: count honours ``filter[q]``; limit/offset do not change it; no headers."""
    answer = https_shop.client.get("/customers/count", [("filter[q]", "john.doe")])
    assert ok(answer) == {"count": 1}
    paged = https_shop.client.get(
        "/customers/count", [("filter[limit]", "1"), ("filter[offset]", "1")]
    )
    assert ok(paged) == {"count": 2}
    assert "X-WC-Total" not in paged.headers
    assert "Link" not in paged.headers


# -- ordering: section 9.1 --------------------------------------------------------------------


def test_section_9_1_orderby_id_desc(listing: Listing) -> None:
    """Section 9.1: ``filter[orderby]=ID`` with a lower-case ``desc`` sorts by id, descending."""
    answer = listing.get(
        [("filter[orderby]", "ID"), ("filter[order]", "desc"), ("filter[limit]", "-1")]
    )
    assert ids_of(answer) == sorted(listing.ids, reverse=True)


@pytest.mark.parametrize("orderby", ["email", "login", "bogus"])
def test_section_9_1_orderby_text_columns(listing: Listing, orderby: str) -> None:
    """Section 9.1: ``email`` and ``login`` sort by that column; an unknown value by login."""
    everyone = ok(listing.get([("filter[limit]", "-1")]))["customers"]
    column = "email" if orderby == "email" else "username"
    expected = [c["id"] for c in sorted(everyone, key=lambda c: str(c[column]))]
    answer = listing.get(
        [("filter[orderby]", orderby), ("filter[order]", "asc"), ("filter[limit]", "-1")]
    )
    assert ids_of(answer) == expected
    assert expected != listing.ids


def test_section_9_1_any_other_order_is_descending(listing: Listing) -> None:
    """Section 9.1: any ``filter[order]`` value other than ASC means descending."""
    answer = listing.get([("filter[order]", "sideways"), ("filter[limit]", "-1")])
    assert ids_of(answer) == list(reversed(listing.ids))


def test_section_18_most_recently_updated_first(listing: Listing) -> None:
    """Section 18: ``orderby=meta_value_num`` on ``last_update``, DESC: latest edits first.

    The fixture gave every customer an old ``last_update`` (an hour apart, C1 oldest); editing
    C2 through the API must move it to the front, the rest following newest first.
    """
    edited = listing.client.put(
        f"/customers/{listing.shop.c2}", {"customer": {"first_name": "Touched"}}
    )
    assert edited.status_code == 200, edited.text
    answer = listing.get(
        [
            ("filter[orderby]", "meta_value_num"),
            ("filter[orderby_meta_key]", "last_update"),
            ("filter[order]", "DESC"),
            ("filter[limit]", "-1"),
        ]
    )
    rest = [i for i in reversed(listing.ids) if i != listing.shop.c2]
    assert ids_of(answer) == [listing.shop.c2, *rest]


# -- fields=: section 9.5 ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "expected_keys"),
    [
        ("id,email", ["id", "email"]),
        ("billing_address", ["billing_address"]),
        ("id,email.domain", ["id"]),
        ("id,shipping_address.city", ["id", "shipping_address"]),
    ],
    ids=["top-level", "whole-parent", "dotted-scalar", "implied-parent"],
)
def test_section_9_5_fields_on_each_list_element(
    listing: Listing, fields: str, expected_keys: list[str]
) -> None:
    """Section 9.5: each list element is trimmed: a parent listed alone stays whole, a dotted
    name on a scalar removes it, a dotted child keeps its parent."""
    customers = ok(listing.get([("fields", fields)]))["customers"]
    assert len(customers) == 10
    for customer in customers:
        assert list(customer) == expected_keys
    if "shipping_address" in expected_keys:
        assert all(list(c["shipping_address"]) == ["city"] for c in customers)
    if fields == "billing_address":
        assert all(len(c["billing_address"]) == 11 for c in customers)


def test_section_9_5_fields_on_the_email_route(https_shop: Shop) -> None:
    """Section 9.5: GET by email is trimmed like GET by id."""
    answer = https_shop.client.get("/customers/email/john.doe@example.com", [("fields", "id")])
    assert ok(answer) == {"customer": {"id": https_shop.c1}}


def test_section_9_5_no_trimming_on_writes(https_shop: Shop) -> None:
    """Section 9.5: ``fields`` is not applied to create, update or bulk answers."""
    fields = [("fields", "id")]
    created = https_shop.client.request(
        "POST",
        "/customers",
        fields,
        json={"customer": {"email": "trim@example.com", "password": "p4ss-w0rd"}},
    )
    assert created.status_code == 201, created.text
    assert list(created.json()["customer"]) == CUSTOMER_KEYS
    updated = https_shop.client.request(
        "PUT", f"/customers/{https_shop.c1}", fields, json={"customer": {"last_name": "T"}}
    )
    assert list(ok(updated)["customer"]) == CUSTOMER_KEYS
    bulk = https_shop.client.request(
        "POST",
        "/customers/bulk",
        fields,
        json={"customers": [{"id": https_shop.c2, "last_name": "T"}]},
    )
    assert list(ok(bulk)["customers"][0]) == CUSTOMER_KEYS


# -- created_at filters: section 9.1 ----------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value", "expected_slice"),
    [
        ("created_at_max", "2020-09-13T13:26:40Z", slice(0, 2)),
        ("created_at_min", "2020-09-13T13:26:40-05:00", slice(1, None)),
        # "+" must reach the store as "%252B" (decoded twice, section 1.3); StoreHttp encodes
        # the "%" of "%2B" once more.
        ("created_at_min", "2020-09-13T13:26:40%2B05:00", slice(1, None)),
        ("created_at_min", "2020-09-13T13:26:40.999Z", slice(1, None)),
        ("created_at_max", "2020-09-14", slice(0, 12)),
        ("created_at_min", "not a date", slice(0, None)),
    ],
    ids=[
        "max-inclusive",
        "minus-offset-replaced",
        "plus-offset-replaced",
        "fraction-dropped",
        "date-only",
        "unparsable",
    ],
)
def test_section_9_1_created_at_bounds(
    listing: Listing, name: str, value: str, expected_slice: slice
) -> None:
    """Section 9.1: inclusive bounds; an offset is replaced by UTC (clock time kept),
    fractions dropped, a date alone is midnight, garbage is 1970. C2 registered 13:26:40Z."""
    answer = listing.get([(f"filter[{name}]", value), ("filter[limit]", "-1")])
    assert ids_of(answer) == listing.ids[expected_slice]


def test_section_9_4_count_honours_created_at(listing: Listing) -> None:
    """Section 9.4: the count applies ``filter[created_at_min]`` like the list."""
    pairs = [("filter[created_at_min]", "2020-09-14")]
    assert ok(listing.client.get("/customers/count", pairs)) == {"count": 13}


# -- offsets, limits and Link details: sections 9.1 and 9.3 -----------------------------------


def test_section_9_1_offset_replaces_the_page(listing: Listing) -> None:
    """Section 9.1: a non-zero ``filter[offset]`` replaces the page-derived offset."""
    answer = listing.get([("filter[offset]", "3"), ("filter[limit]", "5"), ("page", "4")])
    assert ids_of(answer) == listing.ids[3:8]


def test_section_9_1_negative_limit_other_than_minus_one_is_absint(listing: Listing) -> None:
    """Section 9.1: ``filter[limit]`` is ``absint``-ed; only -1 means "no limit", so -5 is 5."""
    answer = listing.get([("filter[limit]", "-5")])
    assert ids_of(answer) == listing.ids[:5]
    assert paging(answer) == ("25", "5")


def test_section_9_3_a_page_of_one_item_has_no_links(listing: Listing) -> None:
    """Section 9.3: no Link at all when the page holds exactly one item, even mid-list."""
    answer = listing.get([("filter[limit]", "1"), ("page", "2")])
    assert ids_of(answer) == listing.ids[1:2]
    assert paging(answer) == ("25", "25")
    assert "Link" not in answer.headers


@pytest.mark.parametrize("limit", ["0", ""], ids=["zero", "empty"])
def test_section_9_1_limit_zero_or_empty_is_the_default(listing: Listing, limit: str) -> None:
    """Section 9.1: ``filter[limit]`` 0 or empty means the default page size, 10."""
    answer = listing.get([("filter[limit]", limit)])
    assert ids_of(answer) == listing.ids[:10]
    assert paging(answer) == ("25", "3")


def test_section_9_1_no_upper_cap_on_limit(listing: Listing) -> None:
    """Section 9.1: there is no cap: ``filter[limit]=100`` returns all 25 on one page."""
    answer = listing.get([("filter[limit]", "100")])
    assert ids_of(answer) == listing.ids
    assert paging(answer) == ("25", "1")
    assert "Link" not in answer.headers


def test_section_9_1_page_past_the_end(listing: Listing) -> None:
    """Sections 9.1 / 18: a page past the end -> ``{"customers":[]}``, totals unchanged."""
    answer = listing.get([("page", "9")])
    assert ok(answer) == {"customers": []}
    assert paging(answer) == ("25", "3")
    assert link_pages(answer) == [("first", "1"), ("prev", "8"), ("last", "3")]


def test_section_9_3_link_urls_drop_the_port_and_move_page_last(listing: Listing) -> None:
    """Section 9.3: one header line per relation; the URL is ``https://<host><path>`` with no
    port, decoded (raw brackets), other parameters kept in order, ``page`` re-appended last."""
    answer = listing.get([("page", "2"), ("filter[limit]", "10")])
    assert listing.shop.store.base_url.startswith("https://127.0.0.1:")
    base = "https://127.0.0.1/wc-api/v3/customers?filter[limit]=10&page="
    assert links(answer) == [
        ("first", base + "1"),
        ("prev", base + "1"),
        ("next", base + "3"),
        ("last", base + "3"),
    ]


def test_section_9_3_link_url_is_decoded(listing: Listing) -> None:
    """Section 9.3: the Link URL is URL-decoded (``%2C`` shows as ``,``)."""
    answer = listing.get([("fields", "id,email")])
    assert links(answer)[0] == (
        "next",
        "https://127.0.0.1/wc-api/v3/customers?fields=id,email&page=2",
    )


def test_section_9_3_fractional_page_with_an_offset(listing: Listing) -> None:
    """Section 9.3: the link page is ``offset / limit + 1``: offset 5, limit 10 -> page 1.5, so
    ``first`` is page 1, ``prev`` page 0.5 and ``last`` page 3."""
    answer = listing.get([("filter[offset]", "5"), ("filter[limit]", "10")])
    assert ids_of(answer) == listing.ids[5:15]
    pages = dict(link_pages(answer))
    assert [rel for rel, _ in link_pages(answer)] == ["first", "prev", "next", "last"]
    assert (pages["first"], pages["prev"], pages["last"]) == ("1", "0.5", "3")


def test_section_9_3_next_page_after_a_fractional_page(listing: Listing) -> None:
    """Section 9.3, ``next`` on a fractional page: the plugin computes it as
    ``absint($page) + 1`` (class-wc-api-server.php ``add_pagination_headers``), so page 1.5
    links ``next`` to page 2, not 2.5 (the section's "page+1" glosses over the ``absint``)."""
    answer = listing.get([("filter[offset]", "5"), ("filter[limit]", "10")])
    assert dict(link_pages(answer))["next"] == "2"


def test_section_9_3_links_keep_query_string_keys(listing: Listing) -> None:
    """Section 9.3: ``consumer_key``/``consumer_secret`` of query auth stay in the links."""
    client = StoreHttp(listing.shop.store, auth="query", verify=listing.client.verify)
    answer = client.get("/customers")
    assert ids_of(answer) == listing.ids[:10]
    key = client.key
    for _rel, url in links(answer):
        assert f"consumer_key={key.consumer_key}&consumer_secret={key.consumer_secret}" in url


def test_section_9_3_oauth_links_keep_the_signature(http_shop: Shop) -> None:
    """Sections 9.3 / 18: over HTTP the links use ``http://``, drop the port and carry the
    request's own ``oauth_*`` parameters, decoded."""
    bulk_create(http_shop.client, ["o1@example.org", "o2@example.org", "o3@example.org"])
    answer = http_shop.client.get("/customers", [("filter[limit]", "2")])
    assert len(ids_of(answer)) == 2
    sent = dict(parse_qsl(urlsplit(answer.request.url or "").query))
    assert {"oauth_signature", "oauth_nonce", "oauth_consumer_key"} <= set(sent)
    found = links(answer)
    assert [rel for rel, _ in found] == ["next", "last"]
    for _rel, url in found:
        assert url.startswith("http://127.0.0.1/wc-api/v3/customers?filter[limit]=2&")
        for name in ("oauth_consumer_key", "oauth_nonce", "oauth_timestamp", "oauth_signature"):
            assert f"{name}={sent[name]}" in url


# -- sub-resources: section 16 case 80 and section 10 -----------------------------------------


@dataclass(frozen=True)
class Buyer:
    """A seeded store, its client, and a customer with at least 12 orders."""

    store: DemoStore
    client: StoreHttp
    customer: dict[str, Any]
    orders: list[dict[str, Any]]

    @property
    def id(self) -> int:
        """The customer's id."""
        return int(self.customer["id"])

    def get_orders(self, pairs: Pairs = ()) -> requests.Response:
        """GET /customers/<id>/orders."""
        return self.client.get(f"/customers/{self.id}/orders", pairs)


def _give_orders(store: DemoStore, customer_id: int, wanted: int) -> None:
    """Copy existing orders to a customer until they have ``wanted``, each copy a day older
    than the customer's oldest order so that no two orders share a creation time."""
    with store.db.write() as conn:
        have, oldest = conn.execute(
            "SELECT COUNT(*), MIN(created_at) FROM orders WHERE customer_id = ?", (customer_id,)
        ).fetchone()
        columns = [
            row["name"] for row in conn.execute("PRAGMA table_info(orders)") if row["name"] != "id"
        ]
        names = ", ".join(columns)
        for n in range(wanted - have):
            cursor = conn.execute(
                f"INSERT INTO orders ({names}) SELECT {names} FROM orders"
                " ORDER BY id LIMIT 1 OFFSET ?",
                (n,),
            )
            conn.execute(
                "UPDATE orders SET customer_id = ?, created_at = ? WHERE id = ?",
                (customer_id, (oldest or REGISTERED_BASE) - (n + 1) * 86_400, cursor.lastrowid),
            )


@pytest.fixture
def buyer(start_store: StoreFactory, tls_certificate: tuple[Path, Path]) -> Buyer:
    """The seeded customer with the most orders (at least 12) and all their orders."""
    store = start_store(certificate=tls_certificate, customers=30, seed=1)
    client = StoreHttp(store, verify=str(tls_certificate[0]))
    customers = ok(client.get("/customers", [("filter[limit]", "-1")]))["customers"]
    best = max(customers, key=lambda c: int(c["orders_count"]))
    if best["orders_count"] < 12:
        _give_orders(store, best["id"], 12)
        best = ok(client.get(f"/customers/{best['id']}"))["customer"]
    orders = ok(client.get(f"/customers/{best['id']}/orders", [("filter[limit]", "-1")]))
    assert len(orders["orders"]) == best["orders_count"] >= 12
    return Buyer(store, client, best, orders["orders"])


def test_case_80_customer_orders(buyer: Buyer) -> None:
    """Case 80: 200 ``{"orders":[…]}``, each the customer's with the embedded customer; paging
    headers present; 10 by default, all with ``filter[limit]=-1``; ``page=2`` ignored."""
    answer = buyer.get_orders()
    body = ok(answer)
    assert list(body) == ["orders"]
    assert len(body["orders"]) == 10
    total = len(buyer.orders)
    assert paging(answer) == (str(total), str(math.ceil(total / 10)))
    for order in body["orders"]:
        assert order["customer_id"] == buyer.id
        assert order["customer"]["id"] == buyer.id
    first_page = [order["id"] for order in body["orders"]]
    assert len(buyer.orders) == buyer.customer["orders_count"]
    assert [o["id"] for o in ok(buyer.get_orders([("page", "2")]))["orders"]] == first_page


def test_case_80_orders_of_an_unknown_customer(buyer: Buyer) -> None:
    """Case 80: GET /customers/999999/orders -> 404 invalid_customer."""
    assert_error(
        buyer.client.get("/customers/999999/orders"),
        404,
        "woocommerce_api_invalid_customer",
        "Invalid customer",
    )


def test_case_80_downloads_of_a_customer_without_any(buyer: Buyer) -> None:
    """Case 80: a seeded customer without orders (so without downloads) -> ``{"downloads":[]}``."""
    customers = ok(buyer.client.get("/customers", [("filter[limit]", "-1")]))["customers"]
    idle = [c["id"] for c in customers if c["orders_count"] == 0]
    assert idle, "the seeded store has no customer without orders"
    assert ok(buyer.client.get(f"/customers/{idle[0]}/downloads")) == {"downloads": []}


def test_case_80_download_items(buyer: Buyer) -> None:
    """Case 80 / section 11: an item has exactly the 9 keys; unlimited access -> ``null``.

    The store's database says which permission never expires and has unlimited downloads on a
    paid order; the API must list it with ``access_expires`` null and ``downloads_remaining`` "".
    """
    row = (
        buyer.store.db.connection()
        .execute(
            "SELECT p.user_id, p.download_id, p.order_id FROM download_permissions p"
            " JOIN orders o ON o.id = p.order_id WHERE p.user_id > 0"
            " AND p.access_expires IS NULL AND p.downloads_remaining = ''"
            " AND o.status IN ('completed', 'processing') ORDER BY p.id LIMIT 1"
        )
        .fetchone()
    )
    assert row is not None, "the seeded store has no never-expiring download"
    downloads = ok(buyer.client.get(f"/customers/{row['user_id']}/downloads"))["downloads"]
    assert downloads
    for item in downloads:
        assert list(item) == DOWNLOAD_KEYS
        assert sorted(item["file"]) == ["file", "name"]
        assert type(item["product_id"]) is int
        assert type(item["order_id"]) is int
        assert isinstance(item["download_id"], str)
        assert isinstance(item["downloads_remaining"], str)
    matching = [
        item
        for item in downloads
        if (item["download_id"], item["order_id"]) == (row["download_id"], row["order_id"])
    ]
    assert len(matching) == 1
    assert matching[0]["access_expires"] is None
    assert matching[0]["downloads_remaining"] == ""


def test_case_80_sub_resources_without_list_users(buyer: Buyer) -> None:
    """Case 80 / section 10: orders and downloads validate the customer as section 5.1 (401)."""
    client = no_list_users_client(buyer.store, buyer.client.verify)
    for resource in ("orders", "downloads"):
        assert_error(
            client.get(f"/customers/{buyer.id}/{resource}"),
            401,
            "woocommerce_api_user_cannot_read_customer",
            "You do not have permission to read this customer",
        )


def test_section_10_order_object(buyer: Buyer) -> None:
    """Section 10: key order, string ``order_number``, status without ``wc-``, full customer."""
    for order in buyer.orders:
        assert list(order) == ORDER_KEYS
        assert order["order_number"] == str(order["id"])
        assert not order["status"].startswith("wc-")
        assert list(order["customer"]) == CUSTOMER_KEYS
        assert sorted(order["payment_details"]) == ["method_id", "method_title", "paid"]
        assert len(order["billing_address"]) == 11
        assert len(order["shipping_address"]) == 9


def test_section_10_newest_first(buyer: Buyer) -> None:
    """Section 10: the default 10 are the customer's newest orders, newest first (the store's
    database is the reference; orders created in the same second may come in either order)."""
    newest = [
        datetime.fromtimestamp(row["created_at"], UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        for row in buyer.store.db.connection().execute(
            "SELECT created_at FROM orders WHERE customer_id = ? ORDER BY created_at DESC LIMIT 10",
            (buyer.id,),
        )
    ]
    assert [o["created_at"] for o in ok(buyer.get_orders())["orders"]] == newest


def test_section_10_link_headers(buyer: Buyer) -> None:
    """Section 10: Link headers as for a list (page 1 of 2 or more), on the orders route."""
    answer = buyer.get_orders()
    pages = math.ceil(len(buyer.orders) / 10)
    assert link_pages(answer) == [("next", "2"), ("last", str(pages))]
    assert links(answer)[0][1].startswith(
        f"https://127.0.0.1/wc-api/v3/customers/{buyer.id}/orders"
    )


def test_section_10_status_filter(buyer: Buyer) -> None:
    """Section 10: ``filter[status]`` takes a comma list of statuses (without ``wc-``)."""
    statuses = sorted({o["status"] for o in buyer.orders})
    wanted = statuses[:2]
    answer = buyer.get_orders([("filter[status]", ",".join(wanted)), ("filter[limit]", "-1")])
    expected = [o["id"] for o in buyer.orders if o["status"] in wanted]
    assert [o["id"] for o in ok(answer)["orders"]] == expected
    assert answer.headers["X-WC-Total"] == str(len(expected))


@pytest.mark.parametrize("name", ["created_at", "updated_at"])
def test_section_10_date_filters(buyer: Buyer, name: str) -> None:
    """Section 10: ``filter[created_at_min|max]`` and ``filter[updated_at_min|max]``."""
    pivot = sorted(o[name] for o in buyer.orders)[len(buyer.orders) // 2]
    newer = buyer.get_orders([(f"filter[{name}_min]", pivot), ("filter[limit]", "-1")])
    older = buyer.get_orders([(f"filter[{name}_max]", pivot), ("filter[limit]", "-1")])
    assert [o["id"] for o in ok(newer)["orders"]] == [
        o["id"] for o in buyer.orders if o[name] >= pivot
    ]
    assert [o["id"] for o in ok(older)["orders"]] == [
        o["id"] for o in buyer.orders if o[name] <= pivot
    ]


def test_section_10_offset_and_limit(buyer: Buyer) -> None:
    """Section 10: ``filter[offset]`` and ``filter[limit]`` window the orders."""
    answer = buyer.get_orders([("filter[offset]", "2"), ("filter[limit]", "3")])
    assert [o["id"] for o in ok(answer)["orders"]] == [o["id"] for o in buyer.orders[2:5]]
    assert answer.headers["X-WC-Total"] == str(len(buyer.orders))


def test_section_10_fields_trim_each_order(buyer: Buyer) -> None:
    """Sections 9.5 / 10: ``fields`` trims each order."""
    orders = ok(buyer.get_orders([("fields", "id,status")]))["orders"]
    assert len(orders) == 10
    assert all(list(order) == ["id", "status"] for order in orders)


def test_section_10_decimal_places(buyer: Buyer) -> None:
    """Section 10: ``filter[dp]`` sets the decimals of money strings (default 2)."""
    default = ok(buyer.get_orders())["orders"]
    three = ok(buyer.get_orders([("filter[dp]", "3")]))["orders"]
    assert all(re.fullmatch(r"\d+\.\d{2}", o["total"]) for o in default)
    assert all(re.fullmatch(r"\d+\.\d{3}", o["total"]) for o in three)
    assert [float(o["total"]) for o in three] == [float(o["total"]) for o in default]


def test_section_10_search_filter(buyer: Buyer) -> None:
    """Section 10: ``filter[q]`` applies to a customer's orders (nothing matches this term)."""
    answer = buyer.get_orders([("filter[q]", "zzz-no-such-order"), ("filter[limit]", "-1")])
    assert ok(answer) == {"orders": []}
    assert answer.headers["X-WC-Total"] == "0"


def test_section_10_search_matches_the_order_title(buyer: Buyer) -> None:
    """Section 10: the search is WordPress' post search over the title "Order &ndash; <date>"."""
    newest = buyer.orders[0]
    created = datetime.strptime(newest["created_at"], "%Y-%m-%dT%H:%M:%SZ")
    month_and_year = f"{created:%B} {created.year}"
    answer = buyer.get_orders([("filter[q]", month_and_year), ("filter[limit]", "-1")])
    found = [o["id"] for o in ok(answer)["orders"]]
    assert newest["id"] in found
    assert all(o["created_at"].startswith(f"{created:%Y-%m}") for o in ok(answer)["orders"])


def test_section_10_status_with_wc_prefix_matches_nothing(buyer: Buyer) -> None:
    """Section 10: the store adds ``wc-`` itself, so ``wc-completed`` names no status."""
    answer = buyer.get_orders([("filter[status]", "wc-completed")])
    assert ok(answer)["orders"] == []
    assert answer.headers["X-WC-Total"] == "0"


def test_section_10_unlimited_orders_report_no_page_count(buyer: Buyer) -> None:
    """Section 10: WordPress' post query counts no pages without a limit (TotalPages 0)."""
    answer = buyer.get_orders([("filter[limit]", "-1")])
    assert paging(answer) == (str(len(buyer.orders)), "0")
    assert link_pages(answer) == [("last", "0")]


def test_section_9_1_unlimited_list_ignores_the_offset(listing: Listing) -> None:
    """Section 9.1: without a limit WordPress' SQL has no LIMIT clause, so no offset either."""
    answer = listing.get([("filter[limit]", "-1"), ("filter[offset]", "3")])
    assert ids_of(answer) == listing.ids
