"""wc/v3 OAuth signatures: the reference's test vectors and the official client's signatures.

Vectors T1-T5 are section 16.4 of wc-rest-v3-behavior.md; the official ``woocommerce`` client
(``API(url, ck, cs, wp_api=True, version="wc/v3")``) is used only as an independent signer.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from woocommerce import API
from woocommerce.oauth import OAuth

from app.api import oauth
from app.api.connection import AuthMode, StoreConnection
from app.api.rest_transport import REST_API
from app.api.transport import Transport

KEY = "ck_0123456789abcdef0123456789abcdef01234567"
SECRET = "cs_0123456789abcdef0123456789abcdef01234567"
OAUTH = (
    f"oauth_consumer_key={KEY}&oauth_timestamp=1732000000&oauth_nonce=abc123nonce"
    "&oauth_signature_method=HMAC-SHA256"
)


def _modern_signature(method: str, base_url: str, query: str) -> str:
    params = oauth.php_query_params(parse_qsl(query, keep_blank_values=True))
    text = oauth.string_to_sign(method, oauth.rfc3986(base_url), params, decode_values=False)
    return oauth.signature(text, SECRET, "HMAC-SHA256")


@pytest.mark.parametrize(
    ("method", "base_url", "query", "expected"),
    [
        (
            "GET",
            "http://example.com/wp-json/wc/v3/customers",
            "per_page=100&page=2",
            "r0w0IBH73M1xK3zcc/qAiv4S6YtQjozCQpVxxKszEok=",
        ),
        (
            "GET",
            "http://example.com/wp-json/wc/v3/customers",
            "search=john%20doe%2Bx%40ex.com&role=all",
            "lDyi5cQ8z7gBXcJPFYDeK/SkJXekvHkCEBEwiCQX+Bc=",
        ),
        (
            "GET",
            "http://example.com/wp-json/wc/v3/customers",
            "include%5B%5D=5&include%5B%5D=3&orderby=include",
            "8p8/FxPR2kejGwbK7ZL5RND7Ciaju0Z8u1aD9QWHgEE=",
        ),
        (
            "GET",
            "http://example.com/shop/wp-json/wc/v3/customers/",
            "context=edit",
            "vegeE762M0LDaUtFbJEIwfYYM+wG0e9VPaapFi+AyzM=",
        ),
        (
            "POST",
            "http://example.com/wp-json/wc/v3/customers/7",
            "first_name=Zo%C3%AB&billing%5Bcity%5D=S%C3%A3o%20Paulo",
            "V1ub3Xk1HQIAearBITLpKNV2GVbC/wyljZWh1YaplOg=",
        ),
    ],
    ids=["T1", "T2", "T3", "T4", "T5"],
)
def test_reference_vectors(method: str, base_url: str, query: str, expected: str) -> None:
    assert _modern_signature(method, base_url, f"{query}&{OAUTH}") == expected


def test_modern_rule_signs_a_percent_as_parsed() -> None:
    """The legacy rule decodes values once more; wc/v3 does not (section 16.8)."""
    params = {"search": "100%25"}
    modern = oauth.string_to_sign("GET", "u", params, decode_values=False)
    legacy = oauth.string_to_sign("GET", "u", params)
    assert modern.endswith("search%3D100%252525")
    assert legacy.endswith("search%3D100%2525")


def _official_signature(method: str, url: str, params: dict[str, str]) -> str:
    signer = OAuth(url, KEY, SECRET, version="wc/v3", method=method)
    return str(signer.generate_oauth_signature(OrderedDict(params), url))


@pytest.mark.parametrize(
    ("method", "route", "params"),
    [
        ("GET", "/customers", [("per_page", "100"), ("offset", "99"), ("orderby", "id")]),
        ("GET", "/customers", [("email", "frank+tag@example.com"), ("role", "all")]),
        ("GET", "/customers/7", []),
        ("POST", "/customers/batch", []),
        ("DELETE", "/customers/7", [("force", "true")]),
    ],
)
def test_transport_signs_as_the_official_client(
    method: str, route: str, params: list[tuple[str, str]]
) -> None:
    connection = StoreConnection("http://example.com", KEY, SECRET)
    transport = Transport(connection, flavor=REST_API, clock=lambda: 1732000000.0)
    url, basic = transport.url_and_auth(method, route, params)
    assert basic is None
    parts = urlsplit(url)
    assert parts.path == f"/wp-json/wc/v3{route}"
    sent = dict(parse_qsl(parts.query, keep_blank_values=True))
    signature = sent.pop("oauth_signature")
    expected = _official_signature(method, f"http://example.com/wp-json/wc/v3{route}", sent)
    assert signature == expected


def test_official_client_requests_verify_with_our_signer(monkeypatch: pytest.MonkeyPatch) -> None:
    captured: dict[str, Any] = {}

    def fake_request(**kwargs: Any) -> None:
        captured.update(kwargs)

    monkeypatch.setattr("woocommerce.api.request", fake_request)
    api = API("http://example.com", KEY, SECRET, wp_api=True, version="wc/v3")
    api.get("customers", params={"per_page": 100, "orderby": "id"})
    parts = urlsplit(captured["url"])
    assert parts.path == "/wp-json/wc/v3/customers"
    pairs = [(k, v) for k, v in parse_qsl(parts.query) if k != "oauth_signature"]
    signature = dict(parse_qsl(parts.query))["oauth_signature"]
    text = oauth.string_to_sign(
        "GET",
        oauth.signature_base_uri("http://example.com/wp-json/wc/v3", "/customers"),
        oauth.php_query_params(pairs),
        decode_values=False,
    )
    assert oauth.signature(text, SECRET, "HMAC-SHA256") == signature


def test_https_sends_basic_or_query_keys() -> None:
    basic = Transport(StoreConnection("https://shop.example.com", KEY, SECRET), flavor=REST_API)
    url, auth = basic.url_and_auth("GET", "/customers", [("per_page", "1")])
    assert url == "https://shop.example.com/wp-json/wc/v3/customers?per_page=1"
    assert auth == (KEY, SECRET)
    query = Transport(
        StoreConnection("https://shop.example.com", KEY, SECRET, auth=AuthMode.QUERY),
        flavor=REST_API,
    )
    url, auth = query.url_and_auth("GET", "/customers", [])
    assert auth is None
    assert f"consumer_key={KEY}" in url
    assert "/wp-json/wc/v3/customers?" in url
