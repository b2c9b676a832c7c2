"""The modern API's request pipeline and authentication (reference §1, §16): error shape,
order of checks, headers, method override, key permissions, the per-transport auth rules."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from woocommerce.oauth import OAuth

from app.demo_store import DemoStore
from tests.conftest import StoreFactory
from tests.support.rest import anonymous, error, official, signed_url
from tests.support.store_http import StoreHttp

NO_ROUTE = (404, "rest_no_route", "No route was found matching the URL and request method.")
CANNOT_LIST = (401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")
WRITE = "The API key provided does not have write permissions."
READ = "The API key provided does not have read permissions."


@pytest.fixture
def store(start_store: StoreFactory) -> DemoStore:
    return start_store(customers=12)


@pytest.fixture
def https_store(start_store: StoreFactory, tls_certificate: tuple[Path, Path]) -> DemoStore:
    return start_store(customers=3, certificate=tls_certificate)


def _https(
    store: DemoStore, cert: tuple[Path, Path], path: str, **options: object
) -> requests.Response:
    return requests.get(f"{store.base_url}{path}", verify=str(cert[0]), timeout=20, **options)  # type: ignore[arg-type]


def test_unknown_routes_and_methods_are_rest_no_route(store: DemoStore) -> None:
    wc = official(store)
    assert error(wc.get("nothing")) == NO_ROUTE
    assert error(wc.put("customers", {})) == NO_ROUTE
    assert error(wc.get("customers/batch")) == NO_ROUTE
    assert error(wc.get("customers/abc")) == NO_ROUTE
    assert error(wc.get("customers/5/orders")) == NO_ROUTE


def test_routes_are_case_insensitive_and_ignore_a_trailing_slash(store: DemoStore) -> None:
    wc = official(store)
    assert wc.get("CUSTOMERS").status_code == 200
    assert wc.get("customers/").status_code == 200


def test_validation_beats_permission_for_anonymous_callers(store: DemoStore) -> None:
    assert anonymous(store, "/wp-json/wc/v3/customers?per_page=500").status_code == 400
    assert error(anonymous(store, "/wp-json/wc/v3/customers")) == CANNOT_LIST


def test_rest_route_and_upper_case_namespace_ignore_keys(store: DemoStore) -> None:
    key = store.keys["read_write"]
    query = f"consumer_key={key.consumer_key}&consumer_secret={key.consumer_secret}"
    assert error(anonymous(store, f"/?rest_route=/wc/v3/customers&{query}")) == CANNOT_LIST
    # A wrong OAuth signature on such URLs is not even looked at.
    bogus = "oauth_consumer_key=x&oauth_signature=y"
    assert error(anonymous(store, f"/wp-json/WC/v3/customers?{bogus}")) == CANNOT_LIST
    assert anonymous(store, "/?rest_route=/").json()["namespaces"]


def test_error_body_and_common_headers(store: DemoStore) -> None:
    answer = official(store).get("customers/999999")
    assert answer.json() == {
        "code": "woocommerce_rest_invalid_id",
        "message": "Invalid resource ID.",
        "data": {"status": 404},
    }
    headers = answer.headers
    assert headers["Content-Type"] == "application/json; charset=UTF-8"
    assert headers["Allow"] == "GET, POST, PUT, PATCH, DELETE"
    assert headers["Cache-Control"] == "no-cache, must-revalidate, max-age=0, no-store, private"
    assert headers["Link"] == f'<{store.base_url}/wp-json/>; rel="https://api.w.org/"'
    assert "WWW-Authenticate" not in headers
    anonymous_answer = anonymous(store, "/wp-json/wc/v3/customers")
    assert anonymous_answer.headers["Vary"] == "Origin"
    assert "Allow" not in anonymous_answer.headers
    assert "Cache-Control" not in anonymous_answer.headers


def test_invalid_json_body(store: DemoStore) -> None:
    bad = requests.post(
        signed_url(store, "customers", "POST"),
        data=b"{nope",
        headers={"Content-Type": "application/json"},
        timeout=20,
    )
    assert bad.status_code == 400
    assert bad.json()["data"] == {
        "status": 400,
        "json_error_code": 4,
        "json_error_message": "Syntax error",
    }


def test_method_override(store: DemoStore) -> None:
    wc = official(store)
    assert wc.get("customers/2", params={"_method": "DELETE"}).status_code == 501
    answer = wc.post("customers/2", {"first_name": "Over"}, params={"_method": "PATCH"})
    assert answer.status_code == 200
    assert answer.json()["first_name"] == "Over"


def test_key_permissions_are_checked_against_the_effective_method(store: DemoStore) -> None:
    read = official(store, store.keys["read"])
    write = official(store, store.keys["write"])
    assert error(read.put("nothing", {})) == (401, "woocommerce_rest_authentication_error", WRITE)
    assert error(write.get("customers", params={"per_page": 500}))[2] == READ
    assert error(read.get("customers", params={"_method": "DELETE"}))[2] == WRITE
    assert read.post("customers", {}, params={"_method": "GET"}).status_code == 200
    assert error(read.get("customers", params={"_method": "FOO"}))[2] == "Unknown request method."


def test_options_describes_a_route_and_answers_unknown_ones_empty(store: DemoStore) -> None:
    answer = anonymous(store, "/wp-json/wc/v3/customers", "OPTIONS")
    assert answer.status_code == 200
    assert answer.json()["methods"] == ["GET", "POST"]
    assert anonymous(store, "/wp-json/wc/v3/nothing", "OPTIONS").json() == []


def test_fields_trims_nested_and_drops_links_in_lists(store: DemoStore) -> None:
    wc = official(store)
    rows = wc.get("customers", params={"_fields": "id,billing.phone", "orderby": "id"}).json()
    assert rows
    assert all(set(row) == {"id", "billing"} and set(row["billing"]) == {"phone"} for row in rows)
    single = wc.get("customers/2", params={"_fields": "id"}).json()
    assert set(single) == {"id", "_links"}


# -- OAuth over HTTP (§16.3-§16.6) ------------------------------------------------------------


def test_oauth_errors(store: DemoStore) -> None:
    key = store.keys["read_write"]
    path = "/wp-json/wc/v3/customers"
    missing = anonymous(store, f"{path}?oauth_consumer_key={key.consumer_key}&oauth_signature=x")
    assert error(missing) == (
        401,
        "woocommerce_rest_authentication_missing_parameter",
        "Missing OAuth parameters oauth_timestamp, oauth_nonce, oauth_signature_method",
    )
    base = (
        f"oauth_timestamp={int(time.time())}&oauth_nonce=n1&oauth_signature=x"
        "&oauth_signature_method=HMAC-SHA256"
    )
    unknown = anonymous(store, f"{path}?oauth_consumer_key=ck_nobody&{base}")
    assert error(unknown)[2] == "Consumer key is invalid."
    mismatch = anonymous(store, f"{path}?oauth_consumer_key={key.consumer_key}&{base}")
    assert error(mismatch)[2] == "Invalid signature - provided signature does not match."
    plain = anonymous(
        store,
        f"{path}?oauth_consumer_key={key.consumer_key}&{base}".replace("HMAC-SHA256", "PLAINTEXT"),
    )
    assert error(plain)[2] == "Invalid signature - signature method is invalid."
    # Errors of authentication win over routing.
    wrong = anonymous(store, f"/wp-json/wc/v3/nothing?oauth_consumer_key={key.consumer_key}&{base}")
    assert wrong.status_code == 401


def test_oauth_nonce_cannot_be_reused(store: DemoStore) -> None:
    url = signed_url(store, "customers")
    assert requests.get(url, timeout=20).status_code == 200
    again = requests.get(url, timeout=20)
    assert error(again)[2] == "Invalid nonce - nonce has already been used."


def test_oauth_signs_query_values_as_sent_not_magic_quoted(store: DemoStore) -> None:
    """WooCommerce ``wp_unslash``es ``$_GET`` before checking the signature: a value with a
    quote is signed as sent (``o'brien``), not as WordPress' magic quotes left it."""
    answer = requests.get(signed_url(store, "customers?search=o'brien&role=all"), timeout=20)
    assert answer.status_code == 200, answer.text


def test_oauth_basic_and_query_keys_are_ignored_over_http(store: DemoStore) -> None:
    key = store.keys["read_write"]
    basic = anonymous(
        store, "/wp-json/wc/v3/customers", auth=(key.consumer_key, key.consumer_secret)
    )
    assert error(basic) == CANNOT_LIST


# -- HTTPS: Basic and query keys (§16.2) -----------------------------------------------------


def test_https_basic_and_query_keys(
    https_store: DemoStore, tls_certificate: tuple[Path, Path]
) -> None:
    key = https_store.keys["read_write"]
    path = "/wp-json/wc/v3/customers"
    assert (
        _https(
            https_store, tls_certificate, path, auth=(key.consumer_key, key.consumer_secret)
        ).status_code
        == 200
    )
    query = f"{path}?consumer_key={key.consumer_key}&consumer_secret={key.consumer_secret}"
    # Valid query credentials beat a bogus Basic header.
    assert _https(https_store, tls_certificate, query, auth=("x", "y")).status_code == 200
    wrong = _https(
        https_store, tls_certificate, path, auth=(key.consumer_key, key.consumer_secret.upper())
    )
    assert error(wrong) == (
        401,
        "woocommerce_rest_authentication_error",
        "Consumer secret is invalid.",
    )
    assert "WWW-Authenticate" not in wrong.headers
    unknown = _https(https_store, tls_certificate, path, auth=("ck_nobody", "cs_nobody"))
    assert error(unknown) == CANNOT_LIST
    alone = _https(https_store, tls_certificate, f"{path}?consumer_key={key.consumer_key}")
    assert error(alone) == CANNOT_LIST


def test_jsonp_envelope_and_head(store: DemoStore) -> None:
    wc = official(store)
    wrapped = wc.get("customers/2", params={"_jsonp": "cb"})
    assert wrapped.headers["Content-Type"] == "application/javascript; charset=UTF-8"
    assert wrapped.text.startswith("/**/cb({")
    assert wrapped.text.endswith("})")
    invalid = wc.get("customers/2", params={"_jsonp": "a(b)"})
    assert invalid.status_code == 400
    assert invalid.json() == {
        "code": "rest_callback_invalid",
        "message": "Invalid JSONP callback function.",
    }
    envelope = wc.get("customers/999999", params={"_envelope": "1"})
    assert envelope.status_code == 200
    assert envelope.json()["status"] == 404
    assert envelope.json()["body"]["code"] == "woocommerce_rest_invalid_id"
    head = wc.get("customers", params={"_method": "HEAD", "per_page": 1})
    assert head.content == b""
    assert int(head.headers["X-WP-Total"]) > 0


def test_oauth_timestamp_window(store: DemoStore) -> None:
    key = store.keys["read_write"]
    url = f"{store.base_url}/wp-json/wc/v3/customers"
    for shift, status in ((-800, 200), (-1000, 401), (1000, 401)):
        shifted = OAuth(
            url,
            key.consumer_key,
            key.consumer_secret,
            version="wc/v3",
            method="GET",
            oauth_timestamp=int(time.time()) + shift,
        ).get_oauth_url()
        answer = requests.get(shifted, timeout=20)
        assert answer.status_code == status, (shift, answer.text)
        if status == 401:
            assert error(answer)[2] == "Invalid timestamp."


def test_a_nonce_spent_on_wc_v3_is_spent_on_the_legacy_api(store: DemoStore) -> None:
    url = signed_url(store, "customers")
    assert requests.get(url, timeout=20).status_code == 200
    nonce = parse_qs(urlsplit(url).query)["oauth_nonce"][0]
    legacy = StoreHttp(store).get("/customers", nonce=nonce)
    assert legacy.status_code == 401
    assert legacy.json() == {
        "errors": [
            {
                "code": "woocommerce_api_authentication_error",
                "message": "Invalid nonce - nonce has already been used.",
            }
        ]
    }


def test_oauth_parameters_in_the_authorization_header(store: DemoStore) -> None:
    url = signed_url(store, "customers/2")
    base, _, query = url.partition("?")
    pairs = [pair.split("=", 1) for pair in query.split("&")]
    header = "OAuth " + ", ".join(f'{name}="{value}"' for name, value in pairs)
    answer = requests.get(base, headers={"Authorization": header}, timeout=20)
    assert answer.status_code == 200
    assert answer.json()["id"] == 2


def test_signed_form_body_creates_a_customer(store: DemoStore) -> None:
    # The official client signs what is in its URL: sign the form fields there, send them as
    # the body; the store's pool (query + form) is the same set of parameters.
    signed = signed_url(store, "customers?email=form%40example.org&first_name=Zo%C3%AB", "POST")
    base, _, query = signed.partition("?")
    pairs = [pair.split("=", 1) for pair in query.split("&")]
    oauth = "&".join(f"{k}={v}" for k, v in pairs if k.startswith("oauth_"))
    form = "&".join(f"{k}={v}" for k, v in pairs if not k.startswith("oauth_"))
    answer = requests.post(
        f"{base}?{oauth}",
        data=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        timeout=20,
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["first_name"] == "Zoë"


def test_a_json_body_sent_as_text_is_ignored(store: DemoStore) -> None:
    answer = requests.post(
        signed_url(store, "customers", "POST"),
        data='{"email":"text@example.org"}',
        headers={"Content-Type": "text/plain"},
        timeout=20,
    )
    assert error(answer)[1] == "rest_missing_callback_param"
