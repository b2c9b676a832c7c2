"""Robustness of the demo store against bad input: bodies, shapes, types, sizes, routes, query.

Whatever a client sends, the store answers (never hangs or drops the connection) with its JSON
envelope, never a traceback, and never a 5xx except where a real store crashes too: section 19.4
(a non-numeric ``filter[limit]`` or a scalar ``filter`` on the list and count) and PHP 8
``TypeError``s on odd input answer WordPress' "critical error" 500, byte for byte as a real store
sent it, or with ``friendly_errors`` a 400 that says what was wrong. Where section 1.3, 4, 6, 8 or
19.3 of wc-api-v3-behavior.md determines the answer (PHP's ``json_decode`` failing means "Missing
parameter data"; ``[]`` and ``{}`` are the same PHP array; ``intval``/``absint`` saturate instead
of overflowing; an address that is not an object is ignored; lists and objects where text belongs
are stored PHP-serialized) the exact answer is asserted. A bulk request with a bad item must never
half-apply that item. A hypothesis property throws arbitrary query strings at ``GET /customers``.

Requests that must reach the store byte for byte go through ``http.client`` (or a raw TLS
socket for bytes that are not ASCII), with short timeouts so that a store that stops answering
fails the test instead of hanging it.
"""

from __future__ import annotations

import base64
import http.client
import json
import math
import re
import socket
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote_plus, urlsplit

import pytest
from hypothesis import HealthCheck, Phase, assume, example, given, settings
from hypothesis import strategies as st

from app.api.oauth import php_query_params
from app.demo_store import DemoStore, StoreConfig
from tests.conftest import StoreFactory
from tests.support.examples import at_most
from tests.support.shop import JOAO_SILVA, JOHN_DOE, Shop, _shop
from tests.support.store_http import StoreHttp

JSON_TYPE = "application/json; charset=UTF-8"
TIMEOUT = 3.0  # a healthy answer takes milliseconds; a store that stops answering fails
HUGE = "99999999999999999999"  # beyond 2**63: PHP's intval/absint saturate at PHP_INT_MAX
MISSING_DATA = {
    "errors": [
        {"code": "woocommerce_api_missing_callback_param", "message": "Missing parameter data"}
    ]
}
NO_ROUTE = {
    "errors": [
        {
            "code": "woocommerce_api_no_route",
            "message": "No route was found matching the URL and request method",
        }
    ]
}
UNSUPPORTED = {
    "errors": [
        {"code": "woocommerce_api_unsupported_method", "message": "Unsupported request method"}
    ]
}
#: What a real store (WooCommerce 3.5.3 on PHP 8) answered to filter[limit]=abc and filter=abc,
#: exactly as recorded (transcripts/legacy-v3-wc-3.5.3.jsonl), PHP's escaping kept.
CRITICAL_ERROR = (
    b'{"code":"internal_server_error","message":"<p>There has been a critical error on this'
    b' website.<\\/p><p><a href=\\"https:\\/\\/wordpress.org\\/support\\/article\\/'
    b'faq-troubleshooting\\/\\">Learn more about troubleshooting WordPress.<\\/a><\\/p>",'
    b'"data":{"status":500},"additional_errors":[]}'
)


@dataclass(frozen=True)
class Raw:
    """An answer as it came off the wire."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body decoded as JSON (fails the test if it is not JSON)."""
        try:
            return json.loads(self.body)
        except ValueError:
            pytest.fail(f"not JSON ({self.status}): {self.body[:300]!r}")


def verify_of(shop: Shop) -> str:
    """The CA file the shop's HTTPS client trusts."""
    verify = shop.client.verify
    assert isinstance(verify, str)
    return verify


def basic_header(shop: Shop) -> str:
    """``Authorization`` value for the read/write key."""
    pair = f"{shop.store.consumer_key}:{shop.store.consumer_secret}".encode()
    return "Basic " + base64.b64encode(pair).decode("ascii")


def _address(shop: Shop) -> tuple[str, int]:
    parts = urlsplit(shop.store.api_url)
    assert parts.hostname is not None
    assert parts.port is not None
    return parts.hostname, parts.port


def send(
    shop: Shop,
    method: str,
    target: str,
    body: bytes | Iterator[bytes] | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = TIMEOUT,
) -> Raw:
    """Send ``method`` to ``/wc-api/v3`` + ``target`` (an ASCII path and query, sent as is)
    with Basic auth; fail the test if no answer comes."""
    host, port = _address(shop)
    context = ssl.create_default_context(cafile=verify_of(shop))
    connection = http.client.HTTPSConnection(host, port, context=context, timeout=timeout)
    all_headers = {"Authorization": basic_header(shop), **(headers or {})}
    try:
        connection.request(
            method,
            urlsplit(shop.store.api_url).path + target,
            body=body,
            headers=all_headers,
            encode_chunked=body is not None and not isinstance(body, bytes),
        )
        response = connection.getresponse()
        data = response.read()
    except (OSError, http.client.HTTPException) as error:
        pytest.fail(f"{method} {target[:200]}: no answer from the store ({error!r})")
    finally:
        connection.close()
    return Raw(response.status, {k.lower(): v for k, v in response.getheaders()}, data)


def send_bytes(shop: Shop, request_line_target: bytes, extra: bytes = b"") -> Raw:
    """A GET whose request target is raw bytes (e.g. not UTF-8), over TLS with Basic auth."""
    host, port = _address(shop)
    context = ssl.create_default_context(cafile=verify_of(shop))
    head = (
        b"GET "
        + urlsplit(shop.store.api_url).path.encode()
        + request_line_target
        + b" HTTP/1.1\r\nHost: "
        + host.encode()
        + b"\r\nAuthorization: "
        + basic_header(shop).encode()
        + b"\r\nConnection: close\r\n"
        + extra
        + b"\r\n"
    )
    try:
        with (
            socket.create_connection((host, port), timeout=TIMEOUT) as plain,
            context.wrap_socket(plain, server_hostname=host) as sock,
        ):
            sock.sendall(head)
            response = http.client.HTTPResponse(sock, method="GET")
            response.begin()
            data = response.read()
    except (OSError, http.client.HTTPException) as error:
        pytest.fail(f"GET {request_line_target[:200]!r}: no answer from the store ({error!r})")
    return Raw(response.status, {k.lower(): v for k, v in response.getheaders()}, data)


def assert_json_answer(raw: Raw) -> Any:
    """A JSON answer in the store's envelope: no 5xx, no traceback; the decoded body."""
    assert raw.status < 500, (raw.status, raw.body[:500])
    assert raw.headers.get("content-type") == JSON_TYPE, raw.headers
    assert b"Traceback" not in raw.body
    assert b'File "' not in raw.body
    body = raw.json()
    assert isinstance(body, dict), body
    if "errors" in body:
        assert raw.status >= 400
        errors = body["errors"]
        assert isinstance(errors, list), body
        assert errors, body
        for error in errors:
            assert set(error) == {"code", "message"}, error
            assert isinstance(error["code"], str)
            assert isinstance(error["message"], str)
            assert error["code"]
            assert error["message"]
    return body


def assert_critical_error(raw: Raw) -> None:
    """WordPress' critical-error answer, as a real store sends it when PHP dies."""
    assert raw.status == 500, (raw.status, raw.body[:500])
    assert raw.headers.get("content-type") == JSON_TYPE, raw.headers
    assert raw.body == CRITICAL_ERROR


def crashes_a_real_store(route: str, query: str) -> bool:
    """Whether PHP 8 dies on this query string for the list or count route (section 19.4).

    ``filter`` given as text is written to like an array; a ``filter[limit]`` that is neither
    empty ("" or "0") nor -1 (PHP 8 compares numeric strings as numbers) but ``absint``s to 0
    divides the page count by zero. The parameters are read as the store reads them: PHP's
    ``$_GET`` shape, then the API's extra URL-decoding.
    """
    if route not in ("/customers", "/customers/count"):
        return False
    params = php_query_params(parse_qsl(query, keep_blank_values=True))
    value = params.get("filter")
    if isinstance(value, str):
        return True
    limit = unquote_plus((value or {}).get("limit", ""))
    if limit in ("", "0"):
        return False
    number = re.fullmatch(r"\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*", limit, re.ASCII)
    if number and float(limit) == -1:
        return False
    leading = re.match(r"[ \t\n\r\v\f]*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", limit, re.ASCII)
    if leading is None:
        return True
    value_read = float(leading.group())
    return not math.isinf(value_read) and abs(int(value_read)) == 0


def friendly_shop(start_store: StoreFactory, tls_certificate: tuple[Path, Path]) -> Shop:
    """A section 16 HTTPS shop started with ``friendly_errors``."""
    store = start_store(certificate=tls_certificate, generate_password=False, friendly_errors=True)
    return _shop(store, StoreHttp(store, verify=str(tls_certificate[0])))


def assert_error(raw: Raw, status: int, code: str | None = None) -> dict[str, str]:
    """An error envelope with this status (and code); its one error."""
    body = assert_json_answer(raw)
    assert raw.status == status, (raw.status, body)
    assert set(body) == {"errors"}, body
    assert len(body["errors"]) == 1, body
    error: dict[str, str] = body["errors"][0]
    if code is not None:
        assert error["code"] == code, error
    return error


def as_json(value: object) -> bytes:
    """A request body."""
    return json.dumps(value).encode()


def snapshot(shop: Shop) -> list[dict[str, Any]]:
    """Every user (any role), full objects, in id order: to prove nothing changed."""
    answer = shop.client.get("/customers", [("filter[role]", "all"), ("filter[limit]", "-1")])
    assert answer.status_code == 200, answer.text
    customers: list[dict[str, Any]] = answer.json()["customers"]
    return sorted(customers, key=lambda customer: int(customer["id"]))


def customer(shop: Shop, customer_id: int) -> dict[str, Any]:
    """One customer object."""
    answer = shop.client.get(f"/customers/{customer_id}")
    assert answer.status_code == 200, answer.text
    found: dict[str, Any] = answer.json()["customer"]
    return found


def exists(shop: Shop, email: str) -> bool:
    """Whether a user with this email exists."""
    answer = shop.client.get(f"/customers/email/{email}")
    assert answer.status_code in (200, 404), answer.text
    return answer.status_code == 200


def new_customer(email: str, **fields: Any) -> dict[str, Any]:
    """A valid create item (the section 16 store requires passwords)."""
    return {"email": email, "password": "p4ss-word", **fields}


@pytest.fixture(scope="module")
def shared_shop(tls_certificate: tuple[Path, Path]) -> Iterator[Shop]:
    """A section 16 HTTPS shop shared by the read-only tests of this module (GETs only)."""
    store = DemoStore.start(
        StoreConfig(customers=0, certificate=tls_certificate, generate_password=False)
    )
    try:
        client = StoreHttp(store, verify=str(tls_certificate[0]))
        ids = []
        for seed in (JOHN_DOE, JOAO_SILVA):
            answer = client.post("/customers", {"customer": seed})
            assert answer.status_code == 201, answer.text
            ids.append(answer.json()["customer"]["id"])
        yield Shop(store, client, ids[0], ids[1])
    finally:
        store.stop()


# --- Bodies that are not (PHP-)valid JSON (section 1.3) ------------------------------------

WRITE_TARGETS = {
    "create": ("POST", "/customers"),
    "edit": ("PUT", "/customers/{c1}"),
    "bulk": ("POST", "/customers/bulk"),
}
NOT_JSON = {
    "empty": b"",
    "whitespace": b"  \r\n\t ",
    "truncated": b'{"customer":{"email":"x@example.com"',
    "bad json": b"{bad json",
    "single quotes": b"{'customer': {}}",
    "trailing comma": b'{"customer":{"email":"x@example.com",}}',
    "not utf-8": b'{"customer":{"first_name":"\xff\xfe"}}',
    "utf-8 bom": b'\xef\xbb\xbf{"customer":{}}',
    "json null": b"null",
    "deep nesting": b"[" * 100_000 + b"]" * 100_000,
}


def _target(shop: Shop, template: str) -> str:
    return template.format(c1=shop.c1, c2=shop.c2)


@pytest.mark.parametrize("body_name", list(NOT_JSON))
@pytest.mark.parametrize("target_name", list(WRITE_TARGETS))
def test_body_that_is_not_json(https_shop: Shop, target_name: str, body_name: str) -> None:
    """Section 1.3: an empty or undecodable body -> 400 missing_callback_param "Missing
    parameter data", on create, edit and bulk alike; nothing changes."""
    before = snapshot(https_shop)
    method, template = WRITE_TARGETS[target_name]
    raw = send(https_shop, method, _target(https_shop, template), NOT_JSON[body_name])
    assert_error(raw, 400)
    assert raw.json() == MISSING_DATA
    assert snapshot(https_shop) == before


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity"])
def test_non_standard_number_literals_are_not_json(https_shop: Shop, literal: str) -> None:
    """Section 1.3: ``NaN``/``Infinity`` are not JSON; PHP's ``json_decode`` returns null ->
    400 "Missing parameter data", and no customer is created."""
    body = (
        b'{"customer":{"email":"nan@example.com","password":"p4ss","first_name":'
        + literal.encode()
        + b"}}"
    )
    raw = send(https_shop, "POST", "/customers", body)
    assert_error(raw, 400)
    assert raw.json() == MISSING_DATA
    assert not exists(https_shop, "nan@example.com")


@pytest.mark.parametrize("field", ["first_name", "password", "last_name"])
def test_lone_surrogate_escape_is_not_valid_json(https_shop: Shop, field: str) -> None:
    """Section 1.3: ``"\\ud800"`` (an unpaired UTF-16 surrogate) makes PHP's ``json_decode``
    fail (JSON_ERROR_UTF16) -> 400 "Missing parameter data"; never a 500, and no half-made
    customer."""
    email = f"surrogate-{field.replace('_', '-')}@example.com"
    body = {"email": email, "password": "p4ss", field: "PLACEHOLDER"}
    raw_body = as_json({"customer": body}).replace(b'"PLACEHOLDER"', b'"x\\ud800y"')
    raw = send(https_shop, "POST", "/customers", raw_body)
    assert_error(raw, 400)
    assert raw.json() == MISSING_DATA
    assert not exists(https_shop, email)


def test_lone_surrogate_in_an_edit_changes_nothing(https_shop: Shop) -> None:
    """Section 1.3 on edit: 400 "Missing parameter data"; C1 unchanged."""
    before = snapshot(https_shop)
    raw = send(
        https_shop,
        "PUT",
        f"/customers/{https_shop.c1}",
        b'{"customer":{"last_name":"\\udc00"}}',
    )
    assert_error(raw, 400)
    assert raw.json() == MISSING_DATA
    assert snapshot(https_shop) == before


# --- JSON of the wrong shape (sections 4.1, 6.1, 8) ----------------------------------------

CREATE_NO_DATA = {
    "errors": [
        {
            "code": "woocommerce_api_missing_customer_data",
            "message": "No customer data specified to create customer",
        }
    ]
}
EDIT_NO_DATA = {
    "errors": [
        {
            "code": "woocommerce_api_missing_customer_data",
            "message": "No customer data specified to edit customer",
        }
    ]
}
BULK_NO_DATA = {
    "errors": [
        {
            "code": "woocommerce_api_missing_customers_data",
            "message": "No customers data specified to create/edit customers",
        }
    ]
}
NO_CUSTOMER_KEY = {
    "empty object": {},
    "customer null": {"customer": None},
    "top-level list": [],
    "list of wrapped customers": [{"customer": new_customer("wrapped@example.com")}],
    "number": 42,
    "zero": 0,
    "string": "customer",
    "true": True,
    "false": False,
    "other key": {"customers": [new_customer("other-key@example.com")]},
}


@pytest.mark.parametrize("name", list(NO_CUSTOMER_KEY))
def test_create_without_customer_object(https_shop: Shop, name: str) -> None:
    """Section 4.1: valid JSON without a (non-null) ``customer`` key -> 400
    missing_customer_data; nothing is created."""
    before = snapshot(https_shop)
    raw = send(https_shop, "POST", "/customers", as_json(NO_CUSTOMER_KEY[name]))
    assert_error(raw, 400)
    assert raw.json() == CREATE_NO_DATA
    assert snapshot(https_shop) == before


@pytest.mark.parametrize("name", list(NO_CUSTOMER_KEY))
def test_edit_without_customer_object(https_shop: Shop, name: str) -> None:
    """Section 6.1: no ``customer`` key -> 400 missing_customer_data ("… to edit customer")."""
    before = snapshot(https_shop)
    raw = send(https_shop, "PUT", f"/customers/{https_shop.c1}", as_json(NO_CUSTOMER_KEY[name]))
    assert_error(raw, 400)
    assert raw.json() == EDIT_NO_DATA
    assert snapshot(https_shop) == before


@pytest.mark.parametrize("value", ["x", 5, True])
def test_create_with_a_scalar_customer(https_shop: Shop, value: object) -> None:
    """A scalar ``customer`` is refused with 400 (missing data or missing email: PHP finds no
    ``email`` in a scalar), never a 500; nothing is created."""
    before = snapshot(https_shop)
    error = assert_error(send(https_shop, "POST", "/customers", as_json({"customer": value})), 400)
    assert error["code"] in (
        "woocommerce_api_missing_customer_data",
        "woocommerce_api_missing_customer_email",
    )
    assert snapshot(https_shop) == before


def test_empty_list_and_empty_object_are_the_same_customer_on_create(https_shop: Shop) -> None:
    """Sections 1.3/4: the body is decoded into a PHP array, where ``[]`` and ``{}`` are the same
    empty array: ``{"customer": []}`` is a present customer without email -> 400
    missing_customer_email "Missing parameter email", exactly like ``{"customer": {}}``."""
    expected = {
        "errors": [
            {"code": "woocommerce_api_missing_customer_email", "message": "Missing parameter email"}
        ]
    }
    as_object = send(https_shop, "POST", "/customers", b'{"customer":{}}')
    assert as_object.status == 400
    assert as_object.json() == expected
    as_list = send(https_shop, "POST", "/customers", b'{"customer":[]}')
    assert as_list.status == 400
    assert as_list.json() == expected


def test_empty_list_and_empty_object_are_the_same_customer_on_edit(https_shop: Shop) -> None:
    """Sections 1.3/6: ``{"customer": []}`` is a present (empty) customer, like
    ``{"customer": {}}``: 200 with C1 unchanged, not missing_customer_data."""
    as_object = send(https_shop, "PUT", f"/customers/{https_shop.c1}", b'{"customer":{}}')
    assert as_object.status == 200, as_object.body
    as_list = send(https_shop, "PUT", f"/customers/{https_shop.c1}", b'{"customer":[]}')
    assert as_list.status == 200, as_list.body
    assert assert_json_answer(as_list)["customer"]["id"] == https_shop.c1


@pytest.mark.parametrize(
    "body", [{}, {"customers": None}, [], 42, "customers", {"customer": [new_customer("a@b.co")]}]
)
def test_bulk_without_customers(https_shop: Shop, body: object) -> None:
    """Section 8: no (non-null) ``customers`` key -> 400 missing_customers_data."""
    before = snapshot(https_shop)
    raw = send(https_shop, "POST", "/customers/bulk", as_json(body))
    assert_error(raw, 400)
    assert raw.json() == BULK_NO_DATA
    assert snapshot(https_shop) == before


@pytest.mark.parametrize("value", ["x", 5, True, ""])
def test_bulk_customers_of_the_wrong_type_crash_the_store(https_shop: Shop, value: object) -> None:
    """``customers`` that is no array: ``count()`` of a scalar is a TypeError on PHP 8, so the
    real store's critical error 500; nothing made."""
    before = snapshot(https_shop)
    raw = send(https_shop, "POST", "/customers/bulk", as_json({"customers": value}))
    assert_critical_error(raw)
    assert snapshot(https_shop) == before


def test_bulk_customers_of_the_wrong_type_with_friendly_errors(
    start_store: StoreFactory, tls_certificate: tuple[Path, Path]
) -> None:
    """With ``friendly_errors`` the same request is a 400 saying what was wrong."""
    shop = friendly_shop(start_store, tls_certificate)
    raw = send(shop, "POST", "/customers/bulk", as_json({"customers": "x"}))
    assert_error(raw, 400, "demo_store_invalid_parameter")


def test_bulk_customers_as_an_object_is_a_list_of_its_values(https_shop: Shop) -> None:
    """Section 8: a JSON object is a PHP array too; its values are the items (here a string,
    which fails in place as a create without email)."""
    raw = send(https_shop, "POST", "/customers/bulk", as_json({"customers": {"a": "b"}}))
    body = assert_json_answer(raw)
    assert raw.status == 200, body
    assert body["customers"] == [
        {
            "id": 0,
            "error": {
                "code": "woocommerce_api_missing_customer_email",
                "message": "Missing parameter email",
            },
        }
    ]


def test_bulk_items_of_the_wrong_type(https_shop: Shop) -> None:
    """Section 8: each unusable item fails in place as ``{"id":0,"error":{…}}``; status 200
    (nothing created); no other customer changes."""
    before = snapshot(https_shop)
    items: list[object] = [1, "x", None, True, [1, 2]]
    raw = send(https_shop, "POST", "/customers/bulk", as_json({"customers": items}))
    body = assert_json_answer(raw)
    assert raw.status == 200, body
    assert len(body["customers"]) == len(items)
    for result in body["customers"]:
        assert set(result) == {"id", "error"}, result
        assert result["id"] == 0
        assert set(result["error"]) == {"code", "message"}
    assert snapshot(https_shop) == before


def test_bulk_empty_list_item_is_an_empty_customer(https_shop: Shop) -> None:
    """Sections 1.3/8: an item ``[]`` is the same PHP array as ``{}``: both fail the same way
    (a create without email)."""
    raw = send(https_shop, "POST", "/customers/bulk", b'{"customers":[{},[]]}')
    body = assert_json_answer(raw)
    as_object, as_list = body["customers"]
    assert as_object == {
        "id": 0,
        "error": {
            "code": "woocommerce_api_missing_customer_email",
            "message": "Missing parameter email",
        },
    }
    assert as_list == as_object


# --- Wrong types inside the customer (sections 4, 6.6) -------------------------------------


@pytest.mark.parametrize("address", ["969 Market St", ["969 Market", "SF"], 42, True])
def test_address_that_is_not_an_object_is_ignored_on_create(
    https_shop: Shop, address: object
) -> None:
    """Section 6.6: a non-object address is ignored: 201, both addresses all empty."""
    item = new_customer("string-address@example.com", first_name="Ann")
    item["billing_address"] = address
    item["shipping_address"] = address
    raw = send(https_shop, "POST", "/customers", as_json({"customer": item}))
    created = assert_json_answer(raw)
    assert raw.status == 201, created
    assert created["customer"]["first_name"] == "Ann"
    assert set(created["customer"]["billing_address"].values()) == {""}
    assert set(created["customer"]["shipping_address"].values()) == {""}


def test_address_that_is_not_an_object_is_ignored_on_edit(https_shop: Shop) -> None:
    """Section 6.6: on edit the addresses keep their values; other fields still apply."""
    before = customer(https_shop, https_shop.c1)
    body = {
        "customer": {
            "billing_address": "Somewhere else",
            "shipping_address": ["x"],
            "last_name": "Edited",
        }
    }
    raw = send(https_shop, "PUT", f"/customers/{https_shop.c1}", as_json(body))
    after = assert_json_answer(raw)["customer"]
    assert raw.status == 200
    assert after["last_name"] == "Edited"
    assert after["billing_address"] == before["billing_address"]
    assert after["shipping_address"] == before["shipping_address"]


#: Lists and objects sent as text, and the PHP serialisation the store answers back (names go
#: through wc_clean first, which turns numbers into text; address fields are stored raw).
SERIALIZED_FIELDS = [
    ("first_name", ["John"], 'a:1:{i:0;s:4:"John";}'),
    ("first_name", {"given": "John", "n": 1}, 'a:2:{s:5:"given";s:4:"John";s:1:"n";s:1:"1";}'),
    ("last_name", ["Doe", None, True], 'a:3:{i:0;s:3:"Doe";i:1;N;i:2;s:1:"1";}'),
    ("billing_address.city", ["Paris", 75], 'a:2:{i:0;s:5:"Paris";i:1;i:75;}'),
    ("shipping_address.postcode", {"code": "75001"}, 'a:1:{s:4:"code";s:5:"75001";}'),
]


def _with_field(item: dict[str, Any], path: str, value: object) -> dict[str, Any]:
    if "." in path:
        parent, child = path.split(".")
        item[parent] = {child: value}
    else:
        item[path] = value
    return item


def _field(found: dict[str, Any], path: str) -> Any:
    value: Any = found
    for name in path.split("."):
        value = value[name]
    return value


@pytest.mark.parametrize(("path", "value", "stored"), SERIALIZED_FIELDS)
def test_structure_where_text_belongs_is_stored_serialized_on_create(
    https_shop: Shop, path: str, value: object, stored: str
) -> None:
    """Section 19.3: a list or object where text belongs is stored PHP-serialized: 201, and
    the serialisation is what the store answers from then on."""
    item = _with_field(new_customer("structured@example.com"), path, value)
    raw = send(https_shop, "POST", "/customers", as_json({"customer": item}))
    created = assert_json_answer(raw)["customer"]
    assert raw.status == 201
    assert _field(created, path) == stored
    assert _field(customer(https_shop, created["id"]), path) == stored


@pytest.mark.parametrize(("path", "value", "stored"), SERIALIZED_FIELDS)
def test_structure_where_text_belongs_is_stored_serialized_on_edit(
    https_shop: Shop, path: str, value: object, stored: str
) -> None:
    """The same on edit: 200, the field mangled, the rest of the edit applied."""
    body = {"customer": _with_field({"last_name": "Applied"}, path, value)}
    raw = send(https_shop, "PUT", f"/customers/{https_shop.c1}", as_json(body))
    edited = assert_json_answer(raw)["customer"]
    assert raw.status == 200
    assert _field(edited, path) == stored
    if path != "last_name":
        assert edited["last_name"] == "Applied"


def test_username_as_an_object_is_an_invalid_username(https_shop: Shop) -> None:
    """``sanitize_user`` of an array is empty: 400 registration-error-invalid-username."""
    item = new_customer("structured-name@example.com", username={"name": "structured"})
    raw = send(https_shop, "POST", "/customers", as_json({"customer": item}))
    assert_error(raw, 400, "registration-error-invalid-username")
    assert not exists(https_shop, "structured-name@example.com")


CRASHING_CREATES: dict[str, dict[str, Any]] = {
    "email list": {"email": ["list@example.com"]},
    "email object": {"email": {"address": "object@example.com"}},
    "password list": {"password": ["p4ss"]},
}


@pytest.mark.parametrize("name", list(CRASHING_CREATES))
def test_structure_where_php_needs_text_crashes_a_create(https_shop: Shop, name: str) -> None:
    """``is_email`` and password hashing take the length of an array: a TypeError on PHP 8,
    the critical error 500, and nothing made."""
    before = snapshot(https_shop)
    item = {**new_customer("crash@example.com"), **CRASHING_CREATES[name]}
    assert_critical_error(send(https_shop, "POST", "/customers", as_json({"customer": item})))
    assert snapshot(https_shop) == before


def test_billing_email_list_crashes_after_the_customer_was_made(https_shop: Shop) -> None:
    """The billing email is set after the user row was saved: the crash leaves the customer
    there, without its names."""
    item = new_customer("crash-later@example.com", first_name="Gone")
    item["billing_address"] = {"email": ["x@example.com"]}
    assert_critical_error(send(https_shop, "POST", "/customers", as_json({"customer": item})))
    made = https_shop.client.get("/customers/email/crash-later@example.com")
    assert made.status_code == 200, made.text
    assert made.json()["customer"]["first_name"] == ""


def test_password_list_on_edit_saves_the_email_then_crashes(https_shop: Shop) -> None:
    """WordPress saves the email in a step of its own before it hashes the password: the new
    email stays, the rest of the edit is lost."""
    before = customer(https_shop, https_shop.c1)
    edit = {"customer": {"email": "moved@example.com", "last_name": "Lost", "password": ["x"]}}
    assert_critical_error(send(https_shop, "PUT", f"/customers/{https_shop.c1}", as_json(edit)))
    after = customer(https_shop, https_shop.c1)
    assert after["email"] == "moved@example.com"
    assert after["last_name"] == before["last_name"]


@pytest.mark.parametrize("name", list(CRASHING_CREATES))
def test_structure_where_php_needs_text_with_friendly_errors(
    start_store: StoreFactory, tls_certificate: tuple[Path, Path], name: str
) -> None:
    """With ``friendly_errors``: 400 demo_store_invalid_parameter naming the field; nothing
    made or changed."""
    shop = friendly_shop(start_store, tls_certificate)
    before = snapshot(shop)
    item = {**new_customer("crash@example.com"), **CRASHING_CREATES[name]}
    error = assert_error(
        send(shop, "POST", "/customers", as_json({"customer": item})),
        400,
        "demo_store_invalid_parameter",
    )
    assert error["message"].startswith(name.split()[0])
    edit = send(shop, "PUT", f"/customers/{shop.c1}", as_json({"customer": item}))
    assert_error(edit, 400, "demo_store_invalid_parameter")
    assert snapshot(shop) == before


def test_numbers_where_text_belongs_become_text(https_shop: Shop) -> None:
    """PHP turns a JSON number into its text when storing it: first_name 42 -> "42"."""
    item = new_customer("numbers@example.com", first_name=42, last_name=7)
    raw = send(https_shop, "POST", "/customers", as_json({"customer": item}))
    created = assert_json_answer(raw)["customer"]
    assert raw.status == 201
    assert (created["first_name"], created["last_name"]) == ("42", "7")


# --- Bulk: text ids and bad items (section 8) ----------------------------------------------


@pytest.mark.parametrize("text_id", ["abc", "", "0", "-0", "x12", None])
def test_bulk_text_id_is_intval_zero_so_a_create(https_shop: Shop, text_id: object) -> None:
    """Section 8: ``intval(id)`` zero -> the item is a create: 201 with a new customer."""
    item = new_customer("text-id@example.com", id=text_id)
    raw = send(https_shop, "POST", "/customers/bulk", as_json({"customers": [item]}))
    body = assert_json_answer(raw)
    assert raw.status == 201, body
    (created,) = body["customers"]
    assert created["email"] == "text-id@example.com"
    assert created["id"] not in (https_shop.c1, https_shop.c2)


def test_bulk_text_id_with_leading_digits_edits_that_customer(https_shop: Shop) -> None:
    """Section 8: ``intval("<C1>abc")`` is C1 -> the item edits C1 (status 200)."""
    item = {"id": f"{https_shop.c1}abc", "last_name": "Intval"}
    raw = send(https_shop, "POST", "/customers/bulk", as_json({"customers": [item]}))
    body = assert_json_answer(raw)
    assert raw.status == 200, body
    assert body["customers"][0]["id"] == https_shop.c1
    assert customer(https_shop, https_shop.c1)["last_name"] == "Intval"


def test_bulk_bad_items_fail_in_place_or_apply_mangled(https_shop: Shop) -> None:
    """Section 8 and 19.3: an edit refused for its email changes nothing of its customer; a
    create refused for its billing email has made the customer anyway; an item with a list
    where text belongs is applied, serialized; the good items apply."""
    before = {c["id"]: c for c in snapshot(https_shop)}
    items = [
        {"id": https_shop.c1, "first_name": "Half", "email": "not-an-email"},
        new_customer("bulk-good@example.com", first_name="Good"),
        {"id": https_shop.c2, "last_name": "Bulk", "billing_address": {"city": ["a", "b"]}},
        new_customer("bulk-bad@example.com", billing_address={"email": "nope"}),
    ]
    raw = send(https_shop, "POST", "/customers/bulk", as_json({"customers": items}))
    body = assert_json_answer(raw)
    assert raw.status == 201, body
    bad_edit, good_create, mangled_edit, bad_create = body["customers"]
    assert bad_edit == {
        "id": https_shop.c1,
        "error": {"code": "customer_invalid_email", "message": "Invalid email address"},
    }
    assert good_create["email"] == "bulk-good@example.com"
    assert mangled_edit["last_name"] == "Bulk"
    assert mangled_edit["billing_address"]["city"] == 'a:2:{i:0;s:1:"a";i:1;s:1:"b";}'
    assert bad_create == {
        "id": 0,
        "error": {
            "code": "customer_invalid_billing_email",
            "message": "Invalid billing email address",
        },
    }

    after = {c["id"]: c for c in snapshot(https_shop)}
    assert after[https_shop.c1] == before[https_shop.c1]
    assert exists(https_shop, "bulk-bad@example.com")  # refused, yet made
    assert len(after) == len(before) + 2


def test_a_crashing_bulk_item_ends_the_request_after_the_earlier_items(https_shop: Shop) -> None:
    """PHP dies in the middle: the critical error 500, the items before it saved, the ones
    after it never tried."""
    items = [
        new_customer("bulk-first@example.com"),
        new_customer("bulk-crash@example.com", password=["x"]),
        new_customer("bulk-never@example.com"),
    ]
    raw = send(https_shop, "POST", "/customers/bulk", as_json({"customers": items}))
    assert_critical_error(raw)
    assert exists(https_shop, "bulk-first@example.com")
    assert not exists(https_shop, "bulk-crash@example.com")
    assert not exists(https_shop, "bulk-never@example.com")


@pytest.mark.parametrize(
    "huge_id",
    [HUGE, int(HUGE), "1e30", 1e30, "1e2"],
    ids=["huge-text", "huge-number", "1e30-text", "1e30-number", "1e2-text"],
)
def test_bulk_item_with_an_out_of_range_id_fails_in_place(
    https_shop: Shop, huge_id: object
) -> None:
    """Section 8: ``intval(id)`` of an id no user has (PHP 7.1+: ``intval("1e2")`` is 100,
    ``intval("1e30")`` and ``intval("99999999999999999999")`` saturate at PHP_INT_MAX; a float
    beyond the integer range is no user either) is that one item's problem: the request is
    answered (no 500), the item is an error object, the items around it apply, and no other
    user (C1, the administrator) is touched."""
    before = {c["id"]: c for c in snapshot(https_shop)}
    items = [
        new_customer("before-huge@example.com"),
        {"id": huge_id, "first_name": "Nobody"},
        {"id": https_shop.c2, "last_name": "After huge"},
    ]
    raw = send(https_shop, "POST", "/customers/bulk", as_json({"customers": items}))
    body = assert_json_answer(raw)
    assert raw.status == 201, body
    created, failed, edited = body["customers"]
    assert created["email"] == "before-huge@example.com"
    assert set(failed) == {"id", "error"}, failed
    assert edited["last_name"] == "After huge"
    after = {c["id"]: c for c in snapshot(https_shop)}
    untouched = {i: c for i, c in before.items() if i != https_shop.c2}
    assert {i: after[i] for i in untouched} == untouched


# --- Sizes ---------------------------------------------------------------------------------

TEN_MB = 10 * 1024 * 1024


def _oversized_create() -> bytes:
    padding = "x" * (TEN_MB + 1)
    return as_json({"customer": new_customer("too-big@example.com", first_name=padding)})


def _chunks(total: int, size: int = 1024 * 1024) -> Iterator[bytes]:
    prefix = b'{"customer":{"email":"chunked-big@example.com","password":"p","first_name":"'
    yield prefix
    sent = len(prefix)
    while sent < total:
        piece = min(size, total - sent)
        yield b"x" * piece
        sent += piece
    yield b'"}}'


@pytest.mark.parametrize("target_name", list(WRITE_TARGETS))
def test_body_over_10_mb_is_not_read(https_shop: Shop, target_name: str) -> None:
    """A body over the 10 MB cap is dropped, as PHP drops one over ``post_max_size``: the
    request has no data (400 missing_callback_param); nothing is created or changed; the
    store goes on serving."""
    before = snapshot(https_shop)
    method, template = WRITE_TARGETS[target_name]
    raw = send(https_shop, method, _target(https_shop, template), _oversized_create())
    assert_error(raw, 400, "woocommerce_api_missing_callback_param")
    assert snapshot(https_shop) == before


def test_chunked_body_over_10_mb_is_not_read(https_shop: Shop) -> None:
    """The same without a Content-Length (chunked transfer encoding)."""
    before = snapshot(https_shop)
    raw = send(https_shop, "POST", "/customers", _chunks(TEN_MB + 1024))
    assert_error(raw, 400, "woocommerce_api_missing_callback_param")
    assert snapshot(https_shop) == before
    assert not exists(https_shop, "chunked-big@example.com")


def test_body_over_10_mb_with_friendly_errors_is_refused_with_413(
    start_store: StoreFactory, tls_certificate: tuple[Path, Path]
) -> None:
    """With ``friendly_errors`` the store says why: 413 demo_store_request_too_large."""
    shop = friendly_shop(start_store, tls_certificate)
    raw = send(shop, "POST", "/customers", _oversized_create())
    assert_error(raw, 413, "demo_store_request_too_large")


def test_large_body_under_the_limit_is_read(https_shop: Shop) -> None:
    """A 5 MB body (valid JSON padded with white space) is decoded normally, not refused."""
    body = b'{"customer":{}}' + b" " * (5 * 1024 * 1024)
    raw = send(https_shop, "POST", "/customers", body)
    assert_error(raw, 400, "woocommerce_api_missing_customer_email")


@pytest.mark.parametrize(
    ("header", "value", "body"),
    [
        ("Content-Length", "abc", b"{}"),
        ("Content-Length", "-5", b"{}"),
        ("Transfer-Encoding", "chunked", b"zz\r\n{}\r\n0\r\n\r\n"),
    ],
)
def test_broken_framing_headers(https_shop: Shop, header: str, value: str, body: bytes) -> None:
    """A body whose framing is broken (bad Content-Length, bad chunk size) is a client error:
    a 4xx JSON answer, never a 500; nothing is created."""
    before = snapshot(https_shop)
    host, port = _address(https_shop)
    request = (
        f"POST {urlsplit(https_shop.store.api_url).path}/customers HTTP/1.1\r\n"
        f"Host: {host}\r\nAuthorization: {basic_header(https_shop)}\r\n"
        f"{header}: {value}\r\nConnection: close\r\n\r\n"
    ).encode() + body
    context = ssl.create_default_context(cafile=verify_of(https_shop))
    try:
        with (
            socket.create_connection((host, port), timeout=TIMEOUT) as plain,
            context.wrap_socket(plain, server_hostname=host) as sock,
        ):
            sock.sendall(request)
            response = http.client.HTTPResponse(sock, method="POST")
            response.begin()
            data = response.read()
    except (OSError, http.client.HTTPException) as error:
        pytest.fail(f"no answer from the store ({error!r})")
    raw = Raw(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
    assert_json_answer(raw)
    assert 400 <= raw.status < 500
    assert snapshot(https_shop) == before


# --- Unknown routes and methods (sections 1.1, 1.2, 2) -------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "/nothing",
        "/products",
        "/orders",
        "/customers/1/unknown",
        "/customers/count/1",
        "/customers/email/",
        "/customers/bulk/1",
        "/customers/%00",
        "/customers/1%00",
        "/customers/%2e%2e/%2e%2e/etc/passwd",
        "/customers/" + "9" * 5000 + "x",
        "/" + "x" * 6000,
        "/customers//1",
        "/customers/1/orders/2",
    ],
)
def test_unknown_routes_answer_no_route(shared_shop: Shop, target: str) -> None:
    """Section 2: anything else -> 404 woocommerce_api_no_route with its message."""
    raw = send(shared_shop, "GET", target)
    assert_error(raw, 404)
    assert raw.json() == NO_ROUTE


@pytest.mark.parametrize("method", ["PROPFIND", "FOO", "TRACE", "LOCK", "M-SEARCH"])
def test_unknown_methods_are_unsupported(shared_shop: Shop, method: str) -> None:
    """Section 1.2: a method outside HEAD/GET/POST/PUT/PATCH/DELETE -> 400 unsupported."""
    raw = send(shared_shop, method, "/customers")
    assert_error(raw, 400)
    assert raw.json() == UNSUPPORTED


@pytest.mark.parametrize("value", ["../../etc", "%00", "GET%20HTTP", "%3Cscript%3E", "%FF"])
def test_garbage_method_override_is_unsupported(https_shop: Shop, value: str) -> None:
    """Section 1.2: ``_method`` sanitised to nothing or to an unknown method -> 400
    unsupported_method, before any route is looked at; nothing changes."""
    before = snapshot(https_shop)
    for route in ("/customers", f"/customers/{https_shop.c1}", "/nothing"):
        raw = send(https_shop, "GET", f"{route}?_method={value}")
        assert_error(raw, 400)
        assert raw.json() == UNSUPPORTED
    assert snapshot(https_shop) == before


@pytest.mark.parametrize("digits", ["%EF%BC%91", "%D9%A3", "%E0%A5%A8"])
def test_non_ascii_digits_are_not_customer_ids(shared_shop: Shop, digits: str) -> None:
    """Sections 1.1/2: PHP's ``\\d`` (PCRE without ``/u``) is ``[0-9]``, so a path like
    ``/customers/%EF%BC%91`` (a full-width or Arabic-Indic digit) matches no route -> 404
    no_route, instead of reading customer 1, 3 or 2."""
    for route in (f"/customers/{digits}", f"/customers/{digits}/orders"):
        raw = send(shared_shop, "GET", route)
        assert_error(raw, 404)
        assert raw.json() == NO_ROUTE


# --- Garbage query parameters ---------------------------------------------------------------

GARBAGE_QUERIES = [
    "filter=abc",
    "filter=",
    "filter[]=1",
    "filter[limit]=abc",
    "filter[limit]=",
    "filter[limit]=-5",
    "filter[limit]=1.5",
    "filter[limit][]=5",
    "filter[offset]=abc",
    "filter[offset]=-3",
    "filter[q]=",
    "filter[q]=*",
    "filter[q]=**",
    "filter[q]=%",
    "filter[q]=%25%5F",
    "filter[q]=%27%20OR%201%3D1%20--",
    "filter[q][x]=1",
    "filter[q]=http://",
    "filter[q]=nan",
    "filter[q]=-",
    "filter[q]=.",
    "filter[orderby]=%3BDROP%20TABLE%20users",
    "filter[orderby]=meta_value",
    "filter[orderby]=meta_value_num&filter[orderby_meta_key]=%3Bx",
    "filter[order]=sideways",
    "filter[role]=",
    "filter[role]=,,,",
    "filter[role]=administrator,customer",
    "filter[created_at_min]=garbage",
    "filter[created_at_min]=9999-99-99T99:99:99Z",
    "filter[created_at_max]=0000-00-00",
    "filter[created_at_min]=2020-01-01T00:00:00%2B99:99",
    "filter[meta]=maybe",
    "page=-3",
    "page=abc",
    "page=0",
    "page=1.5",
    "page[]=2",
    "page=%20",
    "fields[]=id",
    "fields[a]=b",
    "fields=",
    "fields=,,,",
    "fields=.",
    "fields=billing_address.",
    "fields=a.b.c.d",
    "id=abc",
    "%zz=%zz%",
    "a=%",
    "a=%%%",
    "=&=&&",
    "&&&",
    "a[=1",
    "a]=1",
    "a[b=1",
    "[]=1",
    "filter[q]=" + "a" * 8000,
    "x=" + "%41" * 2500,
    "filter[" + "k" * 3000 + "]=1",
    "a=1&" * 500,
    "filter[q]=%FF%FE",
    "filter[q]=%C0%AF",
    "filter[q]=%ED%A0%80",
    "x=%FF",
    "filter[q]=%C5%81%C3%B3d%C5%BA",  # "Łódź": UTF-8 beyond Latin-1
    "filter[q]=%E6%97%A5%E6%9C%AC",  # "日本"
    "filter[q]=%F0%9F%98%80",  # an emoji
    "filter[q]=S%C3%A3o",
    "filter[limit]=" + HUGE,
    "filter[offset]=" + HUGE,
    "page=" + HUGE,
    "filter[q]=" + HUGE + "123",
    "filter[q]=1e999",
    "filter[q]=-1e999",
    "filter[q]=" + "9" * 400,
]
QUERY_ROUTES = ["/customers", "/customers/count", "/customers/{c1}", "/customers/{c1}/orders"]


@pytest.mark.parametrize("query", GARBAGE_QUERIES, ids=lambda q: q[:40])
@pytest.mark.parametrize("route", QUERY_ROUTES)
def test_garbage_query_parameters_get_a_json_answer(
    shared_shop: Shop, route: str, query: str
) -> None:
    """Whatever the query string: an answer in the store's JSON envelope, never a traceback,
    never a dropped or hanging connection, never a 5xx except the critical error exactly where
    a real store crashes (filter=abc, filter=, filter[limit]=abc on the list and count)."""
    raw = send(shared_shop, "GET", f"{_target(shared_shop, route)}?{query}")
    if crashes_a_real_store(route, query):
        assert_critical_error(raw)
        return
    body = assert_json_answer(raw)
    if raw.status == 200 and route == "/customers":
        assert isinstance(body["customers"], list)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # absint("abc") and absint("0") are page 0: a negative SQL offset, which MySQL
        # refuses; the page is empty (section 19.4).
        ("page=abc", "none"),
        ("page=0", "none"),
        ("page=-3", "none"),  # absint(-3) is page 3: past the end
        ("fields[]=id", "both"),
        ("filter[q]=%FF%FE", "none"),
        ("filter[q]=%C5%81%C3%B3d%C5%BA", "none"),
        ("filter[q]=" + "a" * 8000, "none"),
        ("filter[limit]=" + HUGE, "both"),  # absint saturates: one enormous page
        ("filter[offset]=" + HUGE, "none"),
        ("page=" + HUGE, "none"),
        ("filter[q]=1e999", "none"),
        ("filter[q]=" + HUGE + "123", "none"),
        ("filter[q]=" + "9" * 400, "none"),
        ("page=%EF%BC%92", "none"),  # a full-width "2": absint gives 0, i.e. page 0
    ],
    ids=lambda value: value[:40],
)
def test_garbage_query_parameters_list_what_php_would(
    shared_shop: Shop, query: str, expected: str
) -> None:
    """Where PHP's ``absint``/``intval`` and the search rules decide, the list is what a real
    store answers: enormous numbers saturate (a page past the end is empty, section 9.1), a
    page ``absint`` reads as 0 is empty (section 19.4), numeric searches that match nobody find
    nobody."""
    raw = send(shared_shop, "GET", f"/customers?{query}")
    body = assert_json_answer(raw)
    assert raw.status == 200, body
    ids = {found.get("id") for found in body["customers"]}
    if expected == "both":
        assert len(body["customers"]) == 2
        assert ids in ({shared_shop.c1, shared_shop.c2}, {None})
    else:
        assert body["customers"] == []


@pytest.mark.parametrize("limit", ["abc", "%EF%BC%91", "0.5", "-0", "00"])
@pytest.mark.parametrize("route", ["/customers", "/customers/count"])
def test_a_page_size_php_reads_as_zero_crashes_like_a_real_store(
    shared_shop: Shop, route: str, limit: str
) -> None:
    """Section 19.4: a ``filter[limit]`` that is not empty and not -1 but ``absint``s to 0 (text,
    a full-width digit, "0.5", "-0", "00") makes ``query_customers`` divide by zero: a real
    store answers WordPress' critical error, and so does the demo store."""
    raw = send(shared_shop, "GET", f"{route}?filter[limit]={limit}")
    assert_critical_error(raw)


@pytest.mark.parametrize(
    ("method", "route", "status"),
    [
        ("GET", f"/customers/{HUGE}", 404),
        ("GET", f"/customers/{HUGE}/orders", 404),
        ("GET", f"/customers/{HUGE}/downloads", 404),
        ("DELETE", f"/customers/{HUGE}", 404),
        ("PUT", f"/customers/{HUGE}", 400),
        ("GET", f"/customers/1?id={HUGE}", 404),
    ],
)
def test_enormous_customer_id_is_an_unknown_customer(
    https_shop: Shop, method: str, route: str, status: int
) -> None:
    """Sections 5.1/6.2/7: ``absint`` of an id beyond the integer range saturates at
    PHP_INT_MAX, a user that does not exist -> woocommerce_api_invalid_customer (404; 400 on
    edit), not a 500."""
    body = as_json({"customer": {"first_name": "x"}}) if method == "PUT" else None
    raw = send(https_shop, method, route, body)
    assert_error(raw, status, "woocommerce_api_invalid_customer")


def test_search_outside_latin_1_keeps_the_link_header_utf8(shared_shop: Shop) -> None:
    """Section 9.3: Link URLs are sent URL-decoded, i.e. as the UTF-8 bytes PHP holds; a search
    for "Łódź" (no match, so a ``rel="last"`` link) is answered with that link."""
    raw = send(shared_shop, "GET", "/customers?filter[q]=%C5%81%C3%B3d%C5%BA")
    assert_json_answer(raw)
    link = raw.headers["link"].encode("latin-1")  # http.client decodes header bytes as Latin-1
    assert "filter[q]=Łódź".encode() in link
    assert link.endswith(b'page=0>; rel="last"')


@pytest.mark.parametrize(
    "target",
    [
        b"/customers?filter[q]=\xff\xfe",
        b"/customers?filter[q]=\xc5\x81\xc3\xb3d\xc5\xba",
        b"/customers?\xff=\xfe",
        b"/customers/email/\xff\xfe@example.com",
        b"/customers/email/j\xc3\xb8hn@example.com",
        b"/cust\xffomers",
        b"/customers/\xd9\xa3",  # an Arabic-Indic digit three
    ],
)
def test_raw_bytes_in_the_request_target(shared_shop: Shop, target: bytes) -> None:
    """Bytes that are not ASCII (or not UTF-8) in the path or query: a JSON answer, no 5xx."""
    assert_json_answer(send_bytes(shared_shop, target))


def test_garbage_headers(shared_shop: Shop) -> None:
    """Odd header values (override to bytes, a bogus content type) get a JSON answer."""
    raw = send_bytes(shared_shop, b"/customers", b"X-HTTP-Method-Override: \xff\xfe\r\n")
    assert_error(raw, 400, "woocommerce_api_unsupported_method")
    raw = send_bytes(shared_shop, b"/customers", b"Content-Type: \xff/\xfe\r\n")
    assert raw.status == 200
    assert_json_answer(raw)


# --- Property: any query string on GET /customers ------------------------------------------

KNOWN_NAMES = [
    "page",
    "fields",
    "id",
    "filter",
    "filter[q]",
    "filter[limit]",
    "filter[offset]",
    "filter[role]",
    "filter[order]",
    "filter[orderby]",
    "filter[orderby_meta_key]",
    "filter[created_at_min]",
    "filter[created_at_max]",
    "filter[meta]",
    "filter[]",
    "fields[]",
]
ODD_VALUES = ["", "-1", "0", "abc", HUGE, "1e999", "*john*", "%", "%zz", "%FF", "+", "a,b.c"]
QUERY_SAFE = "=&[]%+;,/?:@!$'()*"  # kept raw: structure and broken percent-escapes survive


def _encode(text: str) -> str:
    return quote(text, safe=QUERY_SAFE)


_names = st.one_of(st.sampled_from(KNOWN_NAMES), st.text(max_size=12))
_values = st.one_of(st.text(max_size=30), st.sampled_from(ODD_VALUES), st.integers().map(str))
_pairs = st.lists(st.tuples(_names, _values), max_size=6).map(
    lambda pairs: "&".join(f"{_encode(name)}={_encode(value)}" for name, value in pairs)
)
QUERIES = st.one_of(
    _pairs,
    st.text(max_size=60).map(_encode),
    st.tuples(_pairs, st.text()).map(lambda parts: parts[0] + "&" + _encode(parts[1])),
)


def _changes_the_answer_format(query: str) -> bool:
    """``_jsonp`` wraps the body and ``_method`` may turn it into a HEAD (no body): the
    property is about JSON answers, so such queries are skipped."""
    names = [name.lower() for name, _ in parse_qsl(query, keep_blank_values=True)]
    return any("jsonp" in name or "method" in name for name in names)


@settings(
    max_examples=at_most(60),
    deadline=None,
    database=None,
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=[HealthCheck.too_slow],
)
@given(query=QUERIES)
@example(query="filter[q]=%C5%81%C3%B3d%C5%BA")
@example(query="page=" + HUGE)
def test_any_query_string_gets_json_customers_or_errors(shared_shop: Shop, query: str) -> None:
    """Property: for any query string, authenticated GET /customers answers (within seconds)
    with JSON holding either ``customers`` or ``errors``, and without a 5xx unless a real store
    crashes on that query too, in which case the answer is its critical error."""
    assume(not _changes_the_answer_format(query))
    raw = send(shared_shop, "GET", f"/customers?{query}")
    if crashes_a_real_store("/customers", query):
        assert_critical_error(raw)
        return
    body = assert_json_answer(raw)
    assert ("customers" in body) != ("errors" in body), body
    if "customers" in body:
        assert raw.status == 200
        assert isinstance(body["customers"], list)
