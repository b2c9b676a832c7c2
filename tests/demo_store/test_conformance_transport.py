"""Conformance of the demo store's transport and routing: section 16 cases 21-32 (section 1).

Every numbered case has its own test named after it. The extra tests pin further rules of
section 1, as corrected by what real stores do (section 19): case-insensitive routes, trailing
slashes trimmed (200 over HTTPS, a broken signature over HTTP), query values overriding path
values, method override details (``?_method`` upper-cased, the header used verbatim, OAuth
signing with the overridden method), JSONP callbacks of letters, digits and ``_`` only, JSONP
executing the request before checking the callback, PHP's JSON escaping, no CORS headers, the
non-pretty permalink route and the unchecked Content-Type.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import requests

from tests.support.shop import Shop
from tests.support.store_http import StoreHttp

JSON_TYPE = "application/json; charset=UTF-8"
JSONP_TYPE = "application/javascript; charset=UTF-8"
NO_ROUTE = "woocommerce_api_no_route"
NO_ROUTE_MESSAGE = "No route was found matching the URL and request method"
TIMEOUT = 10


def assert_error(response: requests.Response, status: int, code: str, message: str) -> None:
    """The response is exactly the store's one-error envelope with this status."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == JSON_TYPE
    assert response.json() == {"errors": [{"code": code, "message": message}]}


def assert_no_route(response: requests.Response) -> None:
    """404 ``woocommerce_api_no_route`` with its exact message."""
    assert_error(response, 404, NO_ROUTE, NO_ROUTE_MESSAGE)


def verify_of(shop: Shop) -> str:
    """The CA file the shop's HTTPS client trusts."""
    verify = shop.client.verify
    assert isinstance(verify, str)
    return verify


def basic_of(shop: Shop) -> tuple[str, str]:
    """The read/write key as Basic credentials."""
    return shop.store.consumer_key, shop.store.consumer_secret


def make_customer(shop: Shop, email: str) -> int:
    """A throw-away customer; its id."""
    answer = shop.client.post("/customers", {"customer": {"email": email, "password": "p4ss"}})
    assert answer.status_code == 201, answer.text
    customer_id = answer.json()["customer"]["id"]
    assert isinstance(customer_id, int)
    return customer_id


def get_customer(shop: Shop, customer_id: int) -> requests.Response:
    """``GET /customers/<id>`` with the read/write key."""
    return shop.client.get(f"/customers/{customer_id}")


# --- Routing (sections 1.1, 2) -------------------------------------------------------------


def test_case_21_unknown_route(https_shop: Shop) -> None:
    """Case 21: authenticated GET /wc-api/v3/nothing -> 404 no_route with its message."""
    assert_no_route(https_shop.client.get("/nothing"))


def test_case_22_authentication_precedes_routing(https_shop: Shop) -> None:
    """Case 22: unauthenticated (HTTPS) GET /wc-api/v3/nothing -> 401 authentication error."""
    answer = requests.get(
        https_shop.client.url("/nothing"), verify=verify_of(https_shop), timeout=TIMEOUT
    )
    assert_error(answer, 401, "woocommerce_api_authentication_error", "Consumer Secret is invalid.")
    assert answer.headers["WWW-Authenticate"].startswith('Basic realm="WooCommerce API.')


def test_authentication_precedes_routing_over_http(http_shop: Shop) -> None:
    """Section 1.1 (case 22 over plain HTTP): the missing OAuth parameter, not no_route."""
    answer = requests.get(http_shop.client.url("/nothing"), timeout=TIMEOUT)
    assert_error(
        answer,
        404,
        "woocommerce_api_authentication_error",
        "oauth_consumer_key parameter is missing",
    )


def test_case_23_options_is_unsupported(https_shop: Shop) -> None:
    """Case 23: OPTIONS /customers (authenticated) -> 400 unsupported_method."""
    answer = https_shop.client.request("OPTIONS", "/customers")
    assert_error(answer, 400, "woocommerce_api_unsupported_method", "Unsupported request method")


def test_options_over_oauth_is_unsupported(http_shop: Shop) -> None:
    """Section 1.2 (case 23 over plain HTTP, signed as OPTIONS) -> 400 unsupported_method."""
    answer = http_shop.client.request("OPTIONS", "/customers")
    assert_error(answer, 400, "woocommerce_api_unsupported_method", "Unsupported request method")


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_case_24_collection_has_no_put_or_delete(https_shop: Shop, method: str) -> None:
    """Case 24: PUT /customers and DELETE /customers -> 404 no_route; nothing changes."""
    body = {"customer": {"email": "put-on-collection@example.com", "password": "p4ss"}}
    answer = https_shop.client.request(method, "/customers", json=body)
    assert_no_route(answer)
    for customer_id in (https_shop.c1, https_shop.c2):
        assert get_customer(https_shop, customer_id).status_code == 200


@pytest.mark.parametrize(
    ("method", "route"), [("GET", "/customers/bulk"), ("POST", "/customers/count")]
)
def test_case_25_bulk_is_not_readable_and_count_not_writable(
    https_shop: Shop, method: str, route: str
) -> None:
    """Case 25: GET /customers/bulk -> 404 no_route; POST /customers/count -> 404 no_route."""
    body: dict[str, list[object]] | None = {"customers": []} if method == "POST" else None
    assert_no_route(https_shop.client.request(method, route, json=body))


def test_case_26_non_numeric_id(https_shop: Shop) -> None:
    """Case 26: GET /customers/abc -> 404 no_route."""
    assert_no_route(https_shop.client.get("/customers/abc"))


@pytest.mark.parametrize(
    ("route", "body_key"),
    [("/customers/", "customers"), ("/customers/count/", "count"), ("/customers/email/", None)],
)
def test_trailing_slash_is_trimmed_over_https(
    https_shop: Shop, route: str, body_key: str | None
) -> None:
    """Section 19.2: WordPress trims the slashes around the path before routing, so
    ``/customers/`` and ``/customers/count/`` answer 200 over HTTPS (``/customers/email/`` is
    ``/customers/email``: no route)."""
    answer = https_shop.client.get(route)
    if body_key is None:
        assert_no_route(answer)
    else:
        assert answer.status_code == 200, answer.text
        assert body_key in answer.json()


@pytest.mark.parametrize("route", ["/customers/", "/customers/count/"])
def test_trailing_slash_breaks_the_oauth_signature(http_shop: Shop, route: str) -> None:
    """Section 19.2: over HTTP the client signs the slash it sends, the store signs the trimmed
    route: 401 "Invalid signature - provided signature does not match."."""
    assert_error(
        http_shop.client.get(route),
        401,
        "woocommerce_api_authentication_error",
        "Invalid signature - provided signature does not match.",
    )


@pytest.mark.parametrize(
    "route", ["/customers/1.5", "/customers/-1", "/customers/email", "/customer"]
)
def test_near_miss_routes_do_not_match(https_shop: Shop, route: str) -> None:
    """Sections 1.1/2: a route matches the whole path or not at all."""
    assert_no_route(https_shop.client.get(route))


def test_routes_match_case_insensitively(https_shop: Shop) -> None:
    """Section 1.1: ``@^route$@i`` -> ``/Customers`` and ``/CUSTOMERS/COUNT`` do match."""
    answer = https_shop.client.get("/Customers")
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["customers"]) == 2
    answer = https_shop.client.get("/CUSTOMERS/COUNT")
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"count": 2}


@pytest.mark.parametrize("path", ["/wc-api/v3customers", "/wc-api/v3nothing"])
def test_rest_of_the_path_after_the_version_is_the_route(https_shop: Shop, path: str) -> None:
    """Section 1.1: the rewrite rule ``^wc-api/v([1-3]{1})(.*)?`` makes *any* rest of the path
    the route, so ``/wc-api/v3customers`` is an API request for route ``customers``: it is
    authenticated first, then answered 404 no_route in JSON (not a web page)."""
    url = https_shop.store.base_url + path
    anonymous = requests.get(url, verify=verify_of(https_shop), timeout=TIMEOUT)
    assert_error(
        anonymous, 401, "woocommerce_api_authentication_error", "Consumer Secret is invalid."
    )
    answer = requests.get(
        url, auth=basic_of(https_shop), verify=verify_of(https_shop), timeout=TIMEOUT
    )
    assert_no_route(answer)


def test_route_through_query_parameters(https_shop: Shop) -> None:
    """Section 1.1: without pretty permalinks ``?wc-api-version=3&wc-api-route=/customers``
    reaches the same route."""
    answer = requests.get(
        f"{https_shop.store.base_url}/",
        params={"wc-api-version": "3", "wc-api-route": "/customers/count"},
        auth=basic_of(https_shop),
        verify=verify_of(https_shop),
        timeout=TIMEOUT,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"count": 2}


def test_query_string_id_overrides_the_path_id(https_shop: Shop) -> None:
    """Section 1.3: query-string values are merged over the route's named groups, so
    ``/customers/{C2}?id={C1}`` answers C1."""
    answer = https_shop.client.get(f"/customers/{https_shop.c2}", [("id", str(https_shop.c1))])
    assert answer.status_code == 200, answer.text
    assert answer.json()["customer"]["id"] == https_shop.c1


# --- Envelope and headers (section 1.4) ----------------------------------------------------

Sender = Callable[[Shop], requests.Response]


def _anonymous(shop: Shop) -> requests.Response:
    return requests.get(shop.client.url("/customers"), verify=verify_of(shop), timeout=TIMEOUT)


def _index(shop: Shop) -> requests.Response:
    return requests.get(shop.store.api_url, verify=verify_of(shop), timeout=TIMEOUT)


def _create(shop: Shop) -> requests.Response:
    body = {"customer": {"email": "content-type@example.com", "password": "p4ss"}}
    return shop.client.post("/customers", body)


def _delete(shop: Shop) -> requests.Response:
    return shop.client.delete(f"/customers/{make_customer(shop, 'to-delete@example.com')}")


def _too_many(shop: Shop) -> requests.Response:
    items = [{"email": f"bulk{n}@example.com", "password": "p4ss"} for n in range(101)]
    return shop.client.post("/customers/bulk", {"customers": items})


SENDERS: dict[str, tuple[Sender, int]] = {
    "list": (lambda shop: shop.client.get("/customers"), 200),
    "one": (lambda shop: get_customer(shop, shop.c1), 200),
    "count": (lambda shop: shop.client.get("/customers/count"), 200),
    "index": (_index, 200),
    "create": (_create, 201),
    "edit": (lambda shop: shop.client.put(f"/customers/{shop.c2}", {"customer": {}}), 200),
    "delete": (_delete, 200),
    "bulk": (lambda shop: shop.client.post("/customers/bulk", {"customers": []}), 200),
    "unauthenticated": (_anonymous, 401),
    "no route": (lambda shop: shop.client.get("/nothing"), 404),
    "unknown customer": (lambda shop: get_customer(shop, 999999), 404),
    "unsupported method": (lambda shop: shop.client.request("OPTIONS", "/customers"), 400),
    "missing data": (lambda shop: shop.client.post("/customers", data=b""), 400),
    "bulk too large": (_too_many, 413),
    "edit refused": (lambda shop: shop.client.put("/customers/999999", {"customer": {}}), 400),
}


@pytest.mark.parametrize("name", list(SENDERS))
def test_case_27_every_answer_is_json_utf8(https_shop: Shop, name: str) -> None:
    """Case 27: any response, success or error, has ``Content-Type: application/json;
    charset=UTF-8`` (and a JSON object body)."""
    sender, status = SENDERS[name]
    answer = sender(https_shop)
    assert answer.status_code == status, answer.text
    assert answer.headers["Content-Type"] == JSON_TYPE
    assert isinstance(answer.json(), dict)


def test_case_27_oauth_errors_are_json_utf8(http_shop: Shop) -> None:
    """Case 27 on a plain-HTTP store: the 404 authentication error is JSON too."""
    answer = requests.get(http_shop.client.url("/customers"), timeout=TIMEOUT)
    assert answer.status_code == 404
    assert answer.headers["Content-Type"] == JSON_TYPE


def test_json_escapes_slashes_and_non_ascii(https_shop: Shop) -> None:
    """Section 1.4: PHP's encoder: ``\\/`` for slashes, ``\\uXXXX`` for non-ASCII."""
    answer = get_customer(https_shop, https_shop.c2)
    raw = answer.content
    assert b"Jo\\u00e3o" in raw  # "João"
    assert b"S\\u00e3o Paulo" in raw
    assert b"https:\\/\\/" in raw  # the avatar URL
    assert raw.isascii()
    assert answer.json()["customer"]["first_name"] == "João"


def test_no_cors_headers(https_shop: Shop) -> None:
    """Section 1.4: the API sends no CORS headers."""
    answer = https_shop.client.get("/customers", headers={"Origin": "https://elsewhere.example"})
    assert answer.status_code == 200
    assert not [name for name in answer.headers if name.lower().startswith("access-control-")]


# --- Methods (section 1.2) -----------------------------------------------------------------


def test_case_28_head_is_get_without_body(https_shop: Shop) -> None:
    """Case 28: HEAD /customers -> 200, ``X-WC-Total`` present, empty body."""
    answer = https_shop.client.request("HEAD", "/customers")
    assert answer.status_code == 200
    assert answer.headers["X-WC-Total"] == "2"
    assert answer.headers["X-WC-TotalPages"] == "1"
    assert answer.content == b""


def test_head_of_an_error_keeps_the_status(https_shop: Shop) -> None:
    """Section 1.2: HEAD is processed like GET (here: 404 for an unknown id), bodiless."""
    answer = https_shop.client.request("HEAD", "/customers/999999")
    assert answer.status_code == 404
    assert answer.headers["Content-Type"] == JSON_TYPE
    assert answer.content == b""


def test_head_over_oauth_is_signed_as_head(http_shop: Shop) -> None:
    """Section 12.4 step 1 with section 1.2: the request method HEAD is what gets signed."""
    answer = http_shop.client.request("HEAD", "/customers/count")
    assert answer.status_code == 200
    assert answer.content == b""


def test_case_29_method_override_in_query(https_shop: Shop) -> None:
    """Case 29: POST /customers/{C1}?_method=PUT with a last_name -> 200, last_name "X"."""
    answer = https_shop.client.request(
        "POST",
        f"/customers/{https_shop.c1}",
        [("_method", "PUT")],
        json={"customer": {"last_name": "X"}},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["customer"]["last_name"] == "X"
    assert get_customer(https_shop, https_shop.c1).json()["customer"]["last_name"] == "X"


def test_method_override_is_signed_as_the_overridden_method(http_shop: Shop) -> None:
    """Section 1.2/12.4 (case 29 over OAuth): the overridden method enters the base string;
    signed as PUT -> 200, signed as the wire method POST -> 401 does-not-match."""
    route = f"/customers/{http_shop.c1}"
    body = {"customer": {"last_name": "Signed"}}
    answer = http_shop.client.request("POST", route, [("_method", "PUT")], json=body, sign_as="PUT")
    assert answer.status_code == 200, answer.text
    assert answer.json()["customer"]["last_name"] == "Signed"

    answer = http_shop.client.request("POST", route, [("_method", "PUT")], json=body)
    assert_error(
        answer,
        401,
        "woocommerce_api_authentication_error",
        "Invalid signature - provided signature does not match.",
    )


def test_case_30_method_override_header(https_shop: Shop) -> None:
    """Case 30: POST /customers/{tmp} with ``X-HTTP-Method-Override: DELETE`` -> 200
    ``{"message":"Permanently deleted customer"}``; the customer is gone."""
    tmp = make_customer(https_shop, "override-me@example.com")
    answer = https_shop.client.request(
        "POST", f"/customers/{tmp}", headers={"X-HTTP-Method-Override": "DELETE"}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"message": "Permanently deleted customer"}
    assert get_customer(https_shop, tmp).status_code == 404


def test_method_override_header_over_oauth(http_shop: Shop) -> None:
    """Section 1.2 (case 30 over OAuth): the header's method is the one signed."""
    tmp = make_customer(http_shop, "override-oauth@example.com")
    answer = http_shop.client.request(
        "POST", f"/customers/{tmp}", headers={"X-HTTP-Method-Override": "DELETE"}, sign_as="DELETE"
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"message": "Permanently deleted customer"}


def test_query_method_override_is_upper_cased(https_shop: Shop) -> None:
    """Section 1.2: ``?_method=patch`` is upper-cased to PATCH."""
    answer = https_shop.client.request(
        "POST",
        f"/customers/{https_shop.c1}",
        [("_method", "patch")],
        json={"customer": {"first_name": "Lower"}},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["customer"]["first_name"] == "Lower"


@pytest.mark.parametrize("override", ["put", "delete", "Patch"])
def test_method_override_header_is_used_verbatim(https_shop: Shop, override: str) -> None:
    """Section 19.4: the header is not upper-cased, so ``X-HTTP-Method-Override: put`` is an
    unknown method: 400 unsupported_method, and nothing changes (or is deleted)."""
    tmp = make_customer(https_shop, f"header-{override.lower()}@example.com")
    answer = https_shop.client.request(
        "POST",
        f"/customers/{tmp}",
        json={"customer": {"last_name": "Changed"}},
        headers={"X-HTTP-Method-Override": override},
    )
    assert_error(answer, 400, "woocommerce_api_unsupported_method", "Unsupported request method")
    kept = get_customer(https_shop, tmp)
    assert kept.status_code == 200, kept.text
    assert kept.json()["customer"]["last_name"] == ""


def test_empty_query_method_is_an_unknown_method(https_shop: Shop) -> None:
    """``?_method=`` is set (to nothing): no method is "", so 400 unsupported_method."""
    answer = https_shop.client.get("/customers/count", [("_method", "")])
    assert_error(answer, 400, "woocommerce_api_unsupported_method", "Unsupported request method")


def test_query_method_wins_over_the_header(https_shop: Shop) -> None:
    """Section 1.2: ``?_method=`` first, the header only when there is none."""
    answer = https_shop.client.request(
        "POST",
        f"/customers/{https_shop.c2}",
        [("_method", "PUT")],
        json={"customer": {"last_name": "Kept"}},
        headers={"X-HTTP-Method-Override": "DELETE"},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["customer"]["last_name"] == "Kept"


def test_method_in_the_body_is_not_an_override(https_shop: Shop) -> None:
    """Section 1.2: ``_method`` counts in the query string, not in the body."""
    answer = https_shop.client.request(
        "POST",
        f"/customers/{https_shop.c2}",
        json={"_method": "DELETE", "customer": {"last_name": "Still here"}},
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["customer"]["last_name"] == "Still here"
    assert get_customer(https_shop, https_shop.c2).status_code == 200


def test_override_to_an_unknown_method(https_shop: Shop) -> None:
    """Section 1.2: an override to a method outside the six -> 400 unsupported_method."""
    answer = https_shop.client.get("/customers", [("_method", "PROPFIND")])
    assert_error(answer, 400, "woocommerce_api_unsupported_method", "Unsupported request method")


# --- Body (section 1.3) --------------------------------------------------------------------


def test_content_type_of_the_body_is_not_checked(https_shop: Shop) -> None:
    """Section 1.3: the raw body is decoded as JSON whatever the Content-Type says."""
    answer = https_shop.client.post(
        "/customers",
        data=b'{"customer":{"email":"plain-text@example.com","password":"p4ss"}}',
        headers={"Content-Type": "text/plain"},
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["customer"]["email"] == "plain-text@example.com"


def test_form_encoded_body_does_not_work(https_shop: Shop) -> None:
    """Section 1.3: a form-encoded body is not JSON -> 400 missing_callback_param."""
    answer = https_shop.client.post(
        "/customers",
        data="customer%5Bemail%5D=form%40example.com&customer%5Bpassword%5D=p4ss",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert_error(answer, 400, "woocommerce_api_missing_callback_param", "Missing parameter data")


# --- JSONP (section 1.5) -------------------------------------------------------------------


def test_case_31_jsonp(https_shop: Shop) -> None:
    """Case 31: GET /customers/count?_jsonp=cb -> 200, body exactly ``/**/cb({"count":N})``,
    JavaScript content type, ``X-Content-Type-Options: nosniff``."""
    answer = https_shop.client.get("/customers/count", [("_jsonp", "cb")])
    assert answer.status_code == 200
    assert answer.content == b'/**/cb({"count":2})'
    assert answer.headers["Content-Type"] == JSONP_TYPE
    assert answer.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("callback", ["bad-name", "a.b", "jQuery.cb_1", "caf\u00e9"])
def test_case_32_jsonp_bad_callback(https_shop: Shop, callback: str) -> None:
    """Case 32 as real stores answer (section 19.4): a callback with anything but letters,
    digits and ``_`` (a dot too) -> 400, the error (message under key "0") still wrapped in
    that callback."""
    answer = https_shop.client.get("/customers/count", [("_jsonp", callback)])
    assert answer.status_code == 400
    assert answer.headers["Content-Type"] == JSONP_TYPE
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.content == (
        b"/**/"
        + callback.encode()
        + b'([{"code":"woocommerce_api_jsonp_callback_invalid",'
        + b'"0":"The JSONP callback function is invalid"}])'
    )


def test_empty_jsonp_callback_wraps_in_nothing(https_shop: Shop) -> None:
    """``?_jsonp=`` is set, and an empty name has no bad character: ``/**/({…})``, 200."""
    answer = https_shop.client.get("/customers/count", [("_jsonp", "")])
    assert answer.status_code == 200
    assert answer.content == b'/**/({"count":2})'


def test_jsonp_wraps_errors_with_their_status(https_shop: Shop) -> None:
    """Section 1.5: "status unchanged" - an error answer is wrapped and keeps its status."""
    answer = https_shop.client.get("/customers/999999", [("_jsonp", "cb")])
    assert answer.status_code == 404
    assert answer.content == (
        b'/**/cb({"errors":[{"code":"woocommerce_api_invalid_customer",'
        b'"message":"Invalid customer"}]})'
    )


def test_bad_jsonp_callback_is_checked_after_the_request_ran(https_shop: Shop) -> None:
    """Section 1.5: the callback is checked when the answer is generated, so a POST with a bad
    callback answers 400 yet still creates the customer."""
    answer = https_shop.client.request(
        "POST",
        "/customers",
        [("_jsonp", "bad-name")],
        json={"customer": {"email": "jsonp-created@example.com", "password": "p4ss"}},
    )
    assert answer.status_code == 400
    found = https_shop.client.get("/customers/email/jsonp-created@example.com")
    assert found.status_code == 200, found.text


def test_index_paths(https_shop: Shop) -> None:
    """Section 1.1: ``/wc-api/v3`` and ``/wc-api/v3/`` both reach the index; it is JSON."""
    client = StoreHttp(https_shop.store, auth="none", verify=verify_of(https_shop))
    for route in ("", "/"):
        answer = client.get(route)
        assert answer.status_code == 200, answer.text
        assert answer.headers["Content-Type"] == JSON_TYPE
        assert "routes" in answer.json()["store"]
