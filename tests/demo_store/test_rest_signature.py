"""The store's modern OAuth string to sign: the reference's vectors T1-T5 (§16.4) and the
official ``woocommerce`` client's signatures (``wp_api=True``) verified by the store's code."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from woocommerce.oauth import OAuth

from app.demo_store.phpquery import parse_query
from app.demo_store.rest.auth import sign, string_to_sign

KEY = "ck_0123456789abcdef0123456789abcdef01234567"
SECRET = "cs_0123456789abcdef0123456789abcdef01234567"
OAUTH = (
    f"oauth_consumer_key={KEY}&oauth_timestamp=1732000000&oauth_nonce=abc123nonce"
    "&oauth_signature_method=HMAC-SHA256"
)


@pytest.mark.parametrize(
    ("method", "url", "query", "form", "expected"),
    [
        (
            "GET",
            "http://example.com/wp-json/wc/v3/customers",
            "per_page=100&page=2",
            "",
            "r0w0IBH73M1xK3zcc/qAiv4S6YtQjozCQpVxxKszEok=",
        ),
        (
            "GET",
            "http://example.com/wp-json/wc/v3/customers",
            "search=john%20doe%2Bx%40ex.com&role=all",
            "",
            "lDyi5cQ8z7gBXcJPFYDeK/SkJXekvHkCEBEwiCQX+Bc=",
        ),
        (
            "GET",
            "http://example.com/wp-json/wc/v3/customers",
            "include%5B%5D=5&include%5B%5D=3&orderby=include",
            "",
            "8p8/FxPR2kejGwbK7ZL5RND7Ciaju0Z8u1aD9QWHgEE=",
        ),
        (
            "GET",
            "http://example.com/shop/wp-json/wc/v3/customers/",
            "context=edit",
            "",
            "vegeE762M0LDaUtFbJEIwfYYM+wG0e9VPaapFi+AyzM=",
        ),
        (
            "POST",
            "http://example.com/wp-json/wc/v3/customers/7",
            "",
            "first_name=Zo%C3%AB&billing%5Bcity%5D=S%C3%A3o%20Paulo",
            "V1ub3Xk1HQIAearBITLpKNV2GVbC/wyljZWh1YaplOg=",
        ),
    ],
)
def test_reference_vectors(method: str, url: str, query: str, form: str, expected: str) -> None:
    params = {**parse_query(f"{query}&{OAUTH}"), **parse_query(form)}
    assert sign(string_to_sign(method, url, params), SECRET, "HMAC-SHA256") == expected


@pytest.mark.parametrize(
    "query",
    ["per_page=2&page=3&orderby=id&_fields=id", "email=frank%2Btag%40example.com", "role=all"],
)
def test_official_client_signatures_verify(query: str) -> None:
    url = f"http://shop.example.com/wp-json/wc/v3/customers?{query}"
    signed = OAuth(url, KEY, SECRET, version="wc/v3", method="GET").get_oauth_url()
    parts = urlsplit(signed)
    params = parse_query(parts.query)
    provided = str(params["oauth_signature"])
    base = f"http://shop.example.com{parts.path}"
    assert sign(string_to_sign("GET", base, params), SECRET, "HMAC-SHA256") == provided


def test_modern_base_string_matches_the_observed_one() -> None:
    params = parse_query("email=frank%2Btag%40example.com&" + OAUTH)
    text = string_to_sign("GET", "http://shop.example.com/wp-json/wc/v3/customers", params)
    assert text.startswith(
        "GET&http%3A%2F%2Fshop.example.com%2Fwp-json%2Fwc%2Fv3%2Fcustomers&"
        "email%3Dfrank%252Btag%2540example.com%26oauth_consumer_key%3D"
    )
