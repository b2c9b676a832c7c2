"""Conformance of the demo store's authentication: section 16 cases 1-20 (and section 12).

Every numbered case of wc-api-v3-behavior.md section 16 has its own test named after it; the
extra tests pin further rules of sections 12 and 18 (check order, key clean-up, the configured
home URL in the signature, duplicated query parameters). Each checks the status, the error code,
the exact plugin-profile message and the headers the case names.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from urllib.parse import quote, urlsplit

import pytest
import requests

from app.api import oauth
from app.demo_store import ApiKey, DemoStore
from app.demo_store.auth import hash_consumer_key
from tests.conftest import StoreFactory
from tests.support.shop import ADMIN_ID, Shop
from tests.support.store_http import StoreHttp

JSON_TYPE = "application/json; charset=UTF-8"
AUTH_ERROR = "woocommerce_api_authentication_error"
CHALLENGE_START = 'Basic realm="WooCommerce API.'
FULL_CHALLENGE = (
    'Basic realm="WooCommerce API. Use a consumer key in the username field '
    'and a consumer secret in the password field."'
)
SECRET_INVALID_BASIC = "Consumer Secret is invalid."
SECRET_INVALID_QUERY = "Consumer secret is invalid."
KEY_INVALID = "Consumer key is invalid."
SIGNATURE_MISMATCH = "Invalid signature - provided signature does not match."
READ_DENIED = "The API key provided does not have read permissions."
WRITE_DENIED = "The API key provided does not have write permissions."
TIMEOUT = 10

# Section 12.6 test vectors.
VECTOR_KEY = "ck_0123456789abcdef0123456789abcdef01234567"
VECTOR_SECRET = "cs_89abcdef0123456789abcdef0123456789abcdef"
VECTOR_A_SIGNATURE = "nHxjGBMbh5I3D2Lu2iHdplsZhRATPbIbxlqo5aurNH0="
VECTOR_B_SIGNATURE = "N/1ndRG+7vx+i+RQWSDpV8A+SoE="


def assert_error(response: requests.Response, status: int, code: str, message: str) -> None:
    """The response is exactly the store's one-error envelope with this status."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == JSON_TYPE
    assert response.json() == {"errors": [{"code": code, "message": message}]}


def assert_auth_error(response: requests.Response, status: int, message: str) -> None:
    """An authentication failure: one code for all of them (section 12.1)."""
    assert_error(response, status, AUTH_ERROR, message)


def verify_of(shop: Shop) -> str:
    """The CA file the shop's HTTPS client trusts."""
    verify = shop.client.verify
    assert isinstance(verify, str)
    return verify


def https_client(shop: Shop, key: ApiKey | None = None, auth: str = "basic") -> StoreHttp:
    """Another client of the HTTPS shop (another key or another way of authenticating)."""
    return StoreHttp(shop.store, key=key, auth=auth, verify=verify_of(shop))


def send(
    method: str,
    url: str,
    verify: str | bool = True,
    *,
    auth: tuple[str, str] | None = None,
    headers: dict[str, str] | None = None,
    data: dict[str, str] | None = None,
) -> requests.Response:
    """A request exactly as built by the test (no credentials added)."""
    return requests.request(
        method, url, verify=verify, auth=auth, headers=headers, data=data, timeout=TIMEOUT
    )


def without(pairs: Sequence[tuple[str, str]], name: str) -> list[tuple[str, str]]:
    """The query pairs without any ``name`` entry."""
    return [(key, value) for key, value in pairs if key != name]


def replaced(pairs: Sequence[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    """The query pairs with ``name``'s value replaced."""
    return [(key, value if key == name else old) for key, old in pairs]


def altered_signature(signature: str) -> str:
    """A signature of the same shape that is certainly wrong."""
    return ("B" if signature[0] == "A" else "A") + signature[1:]


def signed(
    store: DemoStore,
    key: ApiKey,
    method: str,
    route: str,
    pairs: Sequence[tuple[str, str]],
    api_url: str | None = None,
) -> list[tuple[str, str]]:
    """``pairs`` (OAuth parameters included, any values) plus their signature, computed the
    WooCommerce way for ``api_url`` (default: the store's configured API URL)."""
    params = oauth.php_query_params(pairs)
    base = oauth.signature_base_uri(api_url or store.api_url, route)
    text = oauth.string_to_sign(method, base, params)
    return [*pairs, ("oauth_signature", oauth.signature(text, key.consumer_secret, "HMAC-SHA256"))]


def customer_exists(shop: Shop, customer_id: int) -> bool:
    """Whether the read/write key still finds the customer."""
    answer = shop.client.get(f"/customers/{customer_id}")
    assert answer.status_code in (200, 404), answer.text
    return answer.status_code == 200


def customer_count(shop: Shop) -> int:
    """``GET /customers/count`` with ``filter[role]=all``."""
    answer = shop.client.get("/customers/count", [("filter[role]", "all")])
    assert answer.status_code == 200, answer.text
    count = answer.json()["count"]
    assert isinstance(count, int)
    return count


# --- HTTPS: Basic auth and query-string keys (section 12.2) --------------------------------


def test_case_01_https_without_credentials_is_challenged(https_shop: Shop) -> None:
    """Case 1: no credentials -> 401, Basic challenge, "Consumer Secret is invalid."."""
    answer = send("GET", https_shop.client.url("/customers"), verify_of(https_shop))
    assert_auth_error(answer, 401, SECRET_INVALID_BASIC)
    assert answer.headers["WWW-Authenticate"].startswith(CHALLENGE_START)
    assert answer.headers["WWW-Authenticate"] == FULL_CHALLENGE


def test_case_02_basic_with_unknown_key(https_shop: Shop) -> None:
    """Case 2: unknown key -> 401 "Consumer key is invalid.", no challenge header."""
    unknown = ApiKey("ck_" + "0" * 40, https_shop.store.consumer_secret, "read_write")
    answer = https_client(https_shop, unknown).get("/customers")
    assert_auth_error(answer, 401, KEY_INVALID)
    assert "WWW-Authenticate" not in answer.headers


def test_case_03_basic_with_wrong_secret(https_shop: Shop) -> None:
    """Case 3: valid key, wrong secret -> 401 + challenge, "Consumer Secret is invalid."."""
    wrong = ApiKey(https_shop.store.consumer_key, "cs_" + "0" * 40, "read_write")
    answer = https_client(https_shop, wrong).get("/customers")
    assert_auth_error(answer, 401, SECRET_INVALID_BASIC)
    assert answer.headers["WWW-Authenticate"].startswith(CHALLENGE_START)


def test_case_04_query_string_keys(https_shop: Shop) -> None:
    """Case 4: ``?consumer_key=…&consumer_secret=…`` over HTTPS -> 200."""
    answer = https_client(https_shop, auth="query").get("/customers")
    assert answer.status_code == 200, answer.text
    assert {c["id"] for c in answer.json()["customers"]} == {https_shop.c1, https_shop.c2}


def test_case_05_query_string_wrong_secret(https_shop: Shop) -> None:
    """Case 5: query auth, wrong secret -> 401 "Consumer secret is invalid." (no challenge)."""
    wrong = ApiKey(https_shop.store.consumer_key, "cs_" + "1" * 40, "read_write")
    answer = https_client(https_shop, wrong, auth="query").get("/customers")
    assert_auth_error(answer, 401, SECRET_INVALID_QUERY)
    assert "WWW-Authenticate" not in answer.headers


def test_query_string_unknown_key(https_shop: Shop) -> None:
    """Section 12.2/12.7: query auth with an unknown key -> 401 "Consumer key is invalid."."""
    unknown = ApiKey("ck_" + "2" * 40, "cs_" + "2" * 40, "read_write")
    answer = https_client(https_shop, unknown, auth="query").get("/customers")
    assert_auth_error(answer, 401, KEY_INVALID)
    assert "WWW-Authenticate" not in answer.headers


def test_query_string_keys_take_precedence_over_basic(https_shop: Shop) -> None:
    """Section 12.2: when both query keys are given they are used, Basic is not looked at."""
    store = https_shop.store
    good_basic = (store.consumer_key, store.consumer_secret)
    bad_query = https_shop.client.url(
        "/customers", [("consumer_key", store.consumer_key), ("consumer_secret", "cs_nope")]
    )
    answer = send("GET", bad_query, verify_of(https_shop), auth=good_basic)
    assert_auth_error(answer, 401, SECRET_INVALID_QUERY)

    good_query = https_shop.client.url(
        "/customers",
        [("consumer_key", store.consumer_key), ("consumer_secret", store.consumer_secret)],
    )
    answer = send("GET", good_query, verify_of(https_shop), auth=("ck_nobody", "cs_nothing"))
    assert answer.status_code == 200, answer.text


def test_query_key_without_secret_falls_back_to_basic(https_shop: Shop) -> None:
    """Section 12.2: query keys count only when both are non-empty; else Basic is required."""
    store = https_shop.store
    url = https_shop.client.url(
        "/customers", [("consumer_key", store.consumer_key), ("consumer_secret", "")]
    )
    answer = send("GET", url, verify_of(https_shop))
    assert_auth_error(answer, 401, SECRET_INVALID_BASIC)
    assert answer.headers["WWW-Authenticate"].startswith(CHALLENGE_START)

    answer = send(
        "GET", url, verify_of(https_shop), auth=(store.consumer_key, store.consumer_secret)
    )
    assert answer.status_code == 200, answer.text


def test_case_06_oauth_parameters_are_ignored_on_https(https_shop: Shop) -> None:
    """Case 6: HTTPS with only (correctly signed) oauth_* parameters -> 401 + challenge."""
    client = https_client(https_shop, auth="oauth")
    answer = client.get("/customers")
    assert_auth_error(answer, 401, SECRET_INVALID_BASIC)
    assert answer.headers["WWW-Authenticate"].startswith(CHALLENGE_START)


def test_upper_cased_keys_are_refused(https_shop: Shop) -> None:
    """Section 19.2: an upper-cased consumer key is an unknown key (401 "Consumer key is
    invalid.", no challenge) with Basic auth and query keys alike."""
    store = https_shop.store
    shouting = ApiKey(store.consumer_key.upper(), store.consumer_secret.upper(), "read_write")
    for auth in ("basic", "query"):
        answer = https_client(https_shop, shouting, auth=auth).get("/customers")
        assert_auth_error(answer, 401, "Consumer key is invalid.")
        assert "WWW-Authenticate" not in answer.headers


def test_upper_cased_secret_is_refused(https_shop: Shop) -> None:
    """Section 19.2: the secret is compared exactly: the right key with an upper-cased secret
    is a wrong secret (Basic: with the challenge)."""
    store = https_shop.store
    shouting = ApiKey(store.consumer_key, store.consumer_secret.upper(), "read_write")
    basic = https_client(https_shop, shouting).get("/customers")
    assert_auth_error(basic, 401, SECRET_INVALID_BASIC)
    assert basic.headers["WWW-Authenticate"].startswith(CHALLENGE_START)
    query = https_client(https_shop, shouting, auth="query").get("/customers")
    assert_auth_error(query, 401, "Consumer secret is invalid.")


def test_upper_cased_key_is_refused_over_oauth(http_shop: Shop) -> None:
    """Section 19.2: the same for OAuth (a correct signature with the upper-cased key)."""
    store = http_shop.store
    shouting = ApiKey(store.consumer_key.upper(), store.consumer_secret, "read_write")
    answer = StoreHttp(store, shouting).get("/customers/count")
    assert_auth_error(answer, 401, "Consumer key is invalid.")


@pytest.mark.parametrize(
    "authorization",
    ["Basic !!!not-base64!!!", "Basic", "Basic bm9jb2xvbg==", "Bearer abc", "Digest x=1"],
)
def test_unusable_authorization_header_is_challenged(https_shop: Shop, authorization: str) -> None:
    """Section 12.2: a header that yields no Basic user/password is "missing credentials"."""
    answer = send(
        "GET",
        https_shop.client.url("/customers"),
        verify_of(https_shop),
        headers={"Authorization": authorization},
    )
    assert_auth_error(answer, 401, SECRET_INVALID_BASIC)
    assert answer.headers["WWW-Authenticate"].startswith(CHALLENGE_START)


# --- Plain HTTP: OAuth 1.0a (sections 12.3-12.5) -----------------------------------------


def test_case_07_http_without_auth_is_404(http_shop: Shop) -> None:
    """Case 7: HTTP, no auth -> 404 "oauth_consumer_key parameter is missing"."""
    answer = send("GET", http_shop.client.url("/customers"))
    assert_auth_error(answer, 404, "oauth_consumer_key parameter is missing")


def test_case_08_missing_signature_method(http_shop: Shop) -> None:
    """Case 8: every OAuth parameter but oauth_signature_method -> 404 naming it."""
    pairs = http_shop.client.oauth_pairs("GET", "/customers")
    pairs = without(pairs, "oauth_signature_method")
    answer = send("GET", http_shop.client.url("/customers", pairs))
    assert_auth_error(answer, 404, "oauth_signature_method parameter is missing")


@pytest.mark.parametrize(
    ("missing", "reported"),
    [
        (("oauth_consumer_key",), "oauth_consumer_key"),
        (("oauth_timestamp",), "oauth_timestamp"),
        (("oauth_nonce",), "oauth_nonce"),
        (("oauth_signature",), "oauth_signature"),
        (("oauth_signature", "oauth_signature_method"), "oauth_signature"),
        (("oauth_timestamp", "oauth_nonce"), "oauth_timestamp"),
        (("oauth_consumer_key", "oauth_signature_method"), "oauth_consumer_key"),
    ],
)
def test_first_missing_oauth_parameter_is_reported(
    http_shop: Shop, missing: tuple[str, ...], reported: str
) -> None:
    """Section 12.3 (cases 7/8): the required parameters are checked in a fixed order."""
    pairs = http_shop.client.oauth_pairs("GET", "/customers")
    for name in missing:
        pairs = without(pairs, name)
    answer = send("GET", http_shop.client.url("/customers", pairs))
    assert_auth_error(answer, 404, f"{reported} parameter is missing")


@pytest.mark.parametrize("name", ["oauth_consumer_key", "oauth_nonce", "oauth_signature"])
def test_empty_oauth_parameter_counts_as_missing(http_shop: Shop, name: str) -> None:
    """Section 12.3: "first missing/empty one reported"."""
    pairs = replaced(http_shop.client.oauth_pairs("GET", "/customers"), name, "")
    answer = send("GET", http_shop.client.url("/customers", pairs))
    assert_auth_error(answer, 404, f"{name} parameter is missing")


def test_case_09_hmac_sha256_signed_request(http_shop: Shop) -> None:
    """Case 9: correctly signed HMAC-SHA256 request, current timestamp, fresh nonce -> 200."""
    answer = http_shop.client.get("/customers", signature_method="HMAC-SHA256")
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["customers"]) == 2


def test_case_10_hmac_sha1_signed_request(http_shop: Shop) -> None:
    """Case 10: correctly signed HMAC-SHA1 request -> 200."""
    answer = http_shop.client.get("/customers", signature_method="HMAC-SHA1")
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["customers"]) == 2


def test_case_11_altered_signature(http_shop: Shop) -> None:
    """Case 11: altered signature -> 401 "Invalid signature - provided signature does not
    match."."""
    pairs = http_shop.client.oauth_pairs("GET", "/customers")
    signature = dict(pairs)["oauth_signature"]
    pairs = replaced(pairs, "oauth_signature", altered_signature(signature))
    answer = send("GET", http_shop.client.url("/customers", pairs))
    assert_auth_error(answer, 401, SIGNATURE_MISMATCH)


def test_case_12_plaintext_signature_method(http_shop: Shop) -> None:
    """Case 12: oauth_signature_method=PLAINTEXT -> 401 "… signature method is invalid."."""
    answer = http_shop.client.get("/customers", signature_method="PLAINTEXT")
    assert_auth_error(answer, 401, "Invalid signature - signature method is invalid.")


@pytest.mark.parametrize("offset", [-1000, 1000])
def test_case_13_timestamp_outside_window(http_shop: Shop, offset: int) -> None:
    """Case 13: a valid signature with timestamp now-1000 s (and now+1000 s) -> 401
    "Invalid timestamp."."""
    answer = http_shop.client.get("/customers", timestamp=int(time.time()) + offset)
    assert_auth_error(answer, 401, "Invalid timestamp.")


def test_timestamp_900_seconds_ahead_is_still_accepted(http_shop: Shop) -> None:
    """Section 12.5: "a value exactly 900 s away is still accepted" (ahead: immune to the
    clock moving on between signing and checking)."""
    answer = http_shop.client.get("/customers", timestamp=int(time.time()) + 900)
    assert answer.status_code == 200, answer.text


def test_non_numeric_timestamp_is_invalid(http_shop: Shop) -> None:
    """Section 12.5: a correctly signed timestamp that is not a number -> 401 "Invalid
    timestamp."."""
    key = http_shop.client.key
    pairs = signed(
        http_shop.store,
        key,
        "GET",
        "/customers",
        [
            ("oauth_consumer_key", key.consumer_key),
            ("oauth_timestamp", "soon"),
            ("oauth_nonce", "nonnumerictimestamp"),
            ("oauth_signature_method", "HMAC-SHA256"),
        ],
    )
    answer = send("GET", http_shop.client.url("/customers", pairs))
    assert_auth_error(answer, 401, "Invalid timestamp.")


def test_case_14_nonce_reuse(http_shop: Shop) -> None:
    """Case 14: the same signed request twice -> second 401 "Invalid nonce - nonce has already
    been used."."""
    url = http_shop.client.url("/customers", http_shop.client.oauth_pairs("GET", "/customers"))
    first = send("GET", url)
    assert first.status_code == 200, first.text
    second = send("GET", url)
    assert_auth_error(second, 401, "Invalid nonce - nonce has already been used.")


def test_nonce_is_not_spent_by_a_request_with_a_bad_signature(http_shop: Shop) -> None:
    """Section 12.5: the nonce is checked (and remembered) only after a valid signature."""
    pairs = http_shop.client.oauth_pairs("GET", "/customers", nonce="nonce4badsig")
    forged = replaced(pairs, "oauth_signature", altered_signature(dict(pairs)["oauth_signature"]))
    assert_auth_error(
        send("GET", http_shop.client.url("/customers", forged)), 401, SIGNATURE_MISMATCH
    )
    answer = send("GET", http_shop.client.url("/customers", pairs))
    assert answer.status_code == 200, answer.text


def test_nonces_are_remembered_per_key(http_shop: Shop) -> None:
    """Section 12.5: nonces are stored per key; another key may use the same nonce."""
    reader = StoreHttp(http_shop.store, key=http_shop.store.keys["read"])
    first = http_shop.client.get("/customers", nonce="sharednonce1")
    assert first.status_code == 200, first.text
    second = reader.get("/customers", nonce="sharednonce1")
    assert second.status_code == 200, second.text


def test_case_15_filters_are_signed_in_the_order_sent(http_shop: Shop) -> None:
    """Case 15: filter[limit] then filter[created_at_min], signed in that order -> 200; the same
    URL signed with the two filters the other way round -> 401 does-not-match."""
    sent = [("filter[limit]", "5"), ("filter[created_at_min]", "2015-01-01")]
    answer = http_shop.client.get("/customers", sent)
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["customers"]) == 2

    swapped = list(reversed(sent))
    answer = http_shop.client.get("/customers", sent, signed_pairs=swapped)
    assert_auth_error(answer, 401, SIGNATURE_MISMATCH)


def _vector_store(start_store: StoreFactory) -> DemoStore:
    """A plain-HTTP store whose home URL is the vectors' ``http://example.com``, holding the
    vectors' key pair."""
    store = start_store(site_url="http://example.com")
    with store.db.write() as conn:
        conn.execute(
            "INSERT INTO api_keys (user_id, description, permissions, consumer_key_hash,"
            " consumer_key, consumer_secret) VALUES (?, 'vector key', 'read_write', ?, ?, ?)",
            (ADMIN_ID, hash_consumer_key(VECTOR_KEY), VECTOR_KEY, VECTOR_SECRET),
        )
    return store


def _vector_url(store: DemoStore, route: str, query: str) -> str:
    """The vector request, sent to the loopback port (the home URL names example.com)."""
    return f"http://127.0.0.1:{store.port}/wc-api/v3{route}?{query}"


def test_case_16_store_verifies_the_section_12_6_vectors(start_store: StoreFactory) -> None:
    """Case 16 (the signing function itself is pinned in tests/api/test_oauth.py): the store's
    verifier accepts vector A's and vector B's signatures. Their timestamps are from 2015, so an
    accepted signature shows as the *next* check failing ("Invalid timestamp."), a rejected
    one as "does not match"."""
    store = _vector_store(start_store)
    query_a = (
        "filter[limit]=5&filter[created_at_min]=2015-01-01&page=2"
        f"&oauth_consumer_key={VECTOR_KEY}&oauth_timestamp=1420070400&oauth_nonce=abc123def456"
        "&oauth_signature_method=HMAC-SHA256"
    )
    signed_a = f"{query_a}&oauth_signature={quote(VECTOR_A_SIGNATURE, safe='')}"
    assert_auth_error(
        send("GET", _vector_url(store, "/customers", signed_a)), 401, "Invalid timestamp."
    )
    swapped = signed_a.replace(
        "filter[limit]=5&filter[created_at_min]=2015-01-01",
        "filter[created_at_min]=2015-01-01&filter[limit]=5",
    )
    assert_auth_error(
        send("GET", _vector_url(store, "/customers", swapped)), 401, SIGNATURE_MISMATCH
    )

    query_b = (
        f"oauth_consumer_key={VECTOR_KEY}&oauth_timestamp=1420070400&oauth_nonce=nonce0001"
        "&oauth_signature_method=HMAC-SHA1"
    )
    encoded_b = f"{query_b}&oauth_signature={quote(VECTOR_B_SIGNATURE, safe='')}"
    raw_plus_b = f"{query_b}&oauth_signature={VECTOR_B_SIGNATURE}"  # plugin accepts raw "+"
    for signed_b in (encoded_b, raw_plus_b):
        assert_auth_error(
            send("GET", _vector_url(store, "/customers/2", signed_b)), 401, "Invalid timestamp."
        )
    wrong_b = f"{query_b}&oauth_signature={quote(altered_signature(VECTOR_B_SIGNATURE))}"
    assert_auth_error(
        send("GET", _vector_url(store, "/customers/2", wrong_b)), 401, SIGNATURE_MISMATCH
    )


def test_http_unknown_consumer_key(http_shop: Shop) -> None:
    """Section 12.3/12.7: unknown consumer key over HTTP -> 401 "Consumer key is invalid."."""
    stranger = StoreHttp(http_shop.store, key=ApiKey("ck_" + "3" * 40, "cs_" + "3" * 40, "read"))
    assert_auth_error(stranger.get("/customers"), 401, KEY_INVALID)


def test_signature_with_a_raw_plus_is_accepted(http_shop: Shop) -> None:
    """Section 12.4 step 10 (plugin): an unencoded "+" in oauth_signature (PHP turns it into a
    space) is turned back into "+" and accepted."""
    client = http_shop.client
    for _ in range(200):
        pairs = client.oauth_pairs("GET", "/customers")
        if "+" in dict(pairs)["oauth_signature"]:
            break
    else:  # pragma: no cover - 200 signatures without a "+" are astronomically unlikely
        pytest.fail("no signature with a '+' was produced")
    query = "&".join(
        f"{name}={value if name == 'oauth_signature' else quote(value, safe='')}"
        for name, value in pairs
    )
    assert "+" in query
    answer = send("GET", f"{http_shop.store.api_url}/customers?{query}")
    assert answer.status_code == 200, answer.text


@pytest.mark.parametrize("how", ["basic", "query", "oauth-header"])
def test_http_ignores_credentials_outside_the_oauth_query(http_shop: Shop, how: str) -> None:
    """Sections 12.1/18: over plain HTTP, Basic auth, query keys and an ``Authorization: OAuth``
    header are not read -> 404 "oauth_consumer_key parameter is missing"."""
    store = http_shop.store
    url = http_shop.client.url("/customers")
    auth: tuple[str, str] | None = None
    headers: dict[str, str] | None = None
    if how == "basic":
        auth = (store.consumer_key, store.consumer_secret)
    elif how == "query":
        url = http_shop.client.url(
            "/customers",
            [("consumer_key", store.consumer_key), ("consumer_secret", store.consumer_secret)],
        )
    else:
        pairs = http_shop.client.oauth_pairs("GET", "/customers")
        header = ", ".join(f'{name}="{quote(value, safe="")}"' for name, value in pairs)
        headers = {"Authorization": f"OAuth {header}"}
    answer = send("GET", url, auth=auth, headers=headers)
    assert_auth_error(answer, 404, "oauth_consumer_key parameter is missing")


def test_oauth_parameters_in_the_body_are_not_read(http_shop: Shop) -> None:
    """Section 12.3: OAuth parameters are read only from the query string."""
    pairs = http_shop.client.oauth_pairs("POST", "/customers")
    answer = send("POST", http_shop.client.url("/customers"), data=dict(pairs))
    assert_auth_error(answer, 404, "oauth_consumer_key parameter is missing")


def test_signature_base_uses_the_configured_home_url(http_shop: Shop) -> None:
    """Section 12.4 step 2 / 18: the base URI comes from the configured home URL, not from the
    Host the request went to: a request sent to ``localhost`` but signed for the configured
    ``127.0.0.1`` passes; one signed for ``localhost`` fails."""
    store = http_shop.store
    port = urlsplit(store.api_url).port
    assert store.api_url == f"http://127.0.0.1:{port}/wc-api/v3"
    pairs = http_shop.client.oauth_pairs("GET", "/customers")
    query = http_shop.client.url("/customers", pairs).split("?", 1)[1]
    answer = send("GET", f"http://localhost:{port}/wc-api/v3/customers?{query}")
    assert answer.status_code == 200, answer.text

    key = http_shop.client.key
    pairs = signed(
        http_shop.store,
        key,
        "GET",
        "/customers",
        [
            ("oauth_consumer_key", key.consumer_key),
            ("oauth_timestamp", str(int(time.time()))),
            ("oauth_nonce", "signedforlocalhost"),
            ("oauth_signature_method", "HMAC-SHA256"),
        ],
        api_url=f"http://localhost:{port}/wc-api/v3",
    )
    answer = send("GET", http_shop.client.url("/customers", pairs))
    assert_auth_error(answer, 401, SIGNATURE_MISMATCH)


def test_duplicated_query_parameters_are_tolerated(http_shop: Shop) -> None:
    """Sections 14/18: the Python client repeats every query parameter; the last value wins
    and the signature still matches."""
    pairs = http_shop.client.oauth_pairs("GET", "/customers", [("filter[limit]", "1")])
    answer = send("GET", http_shop.client.url("/customers", [*pairs, *pairs]))
    assert answer.status_code == 200, answer.text
    assert len(answer.json()["customers"]) == 1


# --- Key permissions and the key's user (sections 12.1, 12.5) ------------------------------


def test_case_17_read_key_cannot_create(https_shop: Shop) -> None:
    """Case 17: ``read`` key, POST /customers -> 401 write-permission message; nothing made."""
    before = customer_count(https_shop)
    reader = https_client(https_shop, https_shop.store.keys["read"])
    answer = reader.post(
        "/customers", {"customer": {"email": "denied@example.com", "password": "p4ss"}}
    )
    assert_auth_error(answer, 401, WRITE_DENIED)
    assert customer_count(https_shop) == before


def test_case_18_write_key_cannot_list(https_shop: Shop) -> None:
    """Case 18: ``write`` key, GET /customers -> 401 read-permission message."""
    writer = https_client(https_shop, https_shop.store.keys["write"])
    assert_auth_error(writer.get("/customers"), 401, READ_DENIED)


def test_case_19_method_override_is_checked_against_the_key(https_shop: Shop) -> None:
    """Case 19: ``read`` key, GET /customers/{C1}?_method=DELETE -> 401 write-permission error
    (the override applies before the permission check); C1 is not deleted."""
    reader = https_client(https_shop, https_shop.store.keys["read"])
    answer = reader.get(f"/customers/{https_shop.c1}", [("_method", "DELETE")])
    assert_auth_error(answer, 401, WRITE_DENIED)
    assert customer_exists(https_shop, https_shop.c1)


def test_write_key_cannot_head(https_shop: Shop) -> None:
    """Section 12.5: HEAD needs read permission like GET."""
    writer = https_client(https_shop, https_shop.store.keys["write"])
    answer = writer.request("HEAD", "/customers")
    assert answer.status_code == 401
    assert answer.headers["Content-Type"] == JSON_TYPE
    assert answer.content == b""


@pytest.mark.parametrize("permissions", ["read", "write"])
def test_unknown_methods_are_not_permission_checked(https_shop: Shop, permissions: str) -> None:
    """Section 12.5: other methods are not checked by the key; they fail in dispatch (400)."""
    client = https_client(https_shop, https_shop.store.keys[permissions])
    answer = client.request("OPTIONS", "/customers")
    assert_error(answer, 400, "woocommerce_api_unsupported_method", "Unsupported request method")


def test_read_key_over_oauth_cannot_write(http_shop: Shop) -> None:
    """Section 12.5 over plain HTTP: a valid OAuth signature does not lift the key's limits."""
    reader = StoreHttp(http_shop.store, key=http_shop.store.keys["read"])
    assert reader.get("/customers").status_code == 200
    answer = reader.delete(f"/customers/{http_shop.c2}")
    assert_auth_error(answer, 401, WRITE_DENIED)


def test_key_of_a_deleted_user_is_refused(https_shop: Shop) -> None:
    """Section 12.1 step 4 / 12.7: the key's user must exist -> else 401 "API user is
    invalid"."""
    store = https_shop.store
    manager = store.create_user("manager1", "manager1@example.com", "shop_manager")
    key = store.create_api_key(manager, "read_write")
    client = https_client(https_shop, key)
    assert client.get("/customers").status_code == 200
    deleted = https_shop.client.delete(f"/customers/{manager}")
    assert deleted.status_code == 200, deleted.text
    assert_auth_error(client.get("/customers"), 401, "API user is invalid")


# --- The index (section 1.6) ---------------------------------------------------------------

CUSTOMER_ROUTES = {
    "/customers": ["HEAD", "GET", "POST"],
    "/customers/count": ["HEAD", "GET"],
    "/customers/<id>": ["HEAD", "GET", "POST", "PUT", "PATCH", "DELETE"],
    "/customers/email/<email>": ["HEAD", "GET"],
    "/customers/<id>/orders": ["HEAD", "GET"],
    "/customers/<id>/downloads": ["HEAD", "GET"],
    "/customers/bulk": ["POST", "PUT", "PATCH"],
}
INDEX_META_KEYS = {
    "timezone",
    "currency",
    "currency_format",
    "currency_position",
    "thousand_separator",
    "decimal_separator",
    "price_num_decimals",
    "tax_included",
    "weight_unit",
    "dimension_unit",
    "ssl_enabled",
    "permalinks_enabled",
    "generate_password",
    "links",
}


def test_case_20_index_needs_no_credentials(https_shop: Shop) -> None:
    """Case 20: GET /wc-api/v3 without credentials -> 200; ``/customers/<id>`` supports HEAD,
    GET, POST, PUT, PATCH, DELETE; ``meta.generate_password`` is a boolean."""
    answer = send("GET", https_shop.store.api_url, verify_of(https_shop))
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"] == JSON_TYPE
    store = answer.json()["store"]
    routes = store["routes"]
    assert routes["/customers/<id>"]["supports"] == [
        "HEAD",
        "GET",
        "POST",
        "PUT",
        "PATCH",
        "DELETE",
    ]
    assert store["meta"]["generate_password"] is False  # the section 16 precondition
    assert store["meta"]["ssl_enabled"] is True


def test_index_describes_every_customer_route(https_shop: Shop) -> None:
    """Section 1.6: the customers routes with their methods, ``accepts_data`` on the routes
    that take a body, ``meta.self`` only without placeholders, version 3.1.0, the meta keys."""
    answer = send("GET", https_shop.store.api_url, verify_of(https_shop))
    store = answer.json()["store"]
    assert {"name", "description", "URL", "wc_version", "version", "routes", "meta"} <= set(store)
    assert store["version"] == "3.1.0"
    routes = store["routes"]
    for name, methods in CUSTOMER_ROUTES.items():
        assert routes[name]["supports"] == methods, name
        accepts = name in ("/customers", "/customers/<id>", "/customers/bulk")
        assert routes[name].get("accepts_data", False) is accepts, name
        if "<" in name:
            assert "self" not in routes[name].get("meta", {}), name
        else:
            assert routes[name]["meta"]["self"] == https_shop.store.api_url + name
    assert set(store["meta"]) == INDEX_META_KEYS
    assert set(store["meta"]["links"]) == {"help"}


def test_index_over_plain_http_needs_no_signature(http_shop: Shop) -> None:
    """Section 1.6: the index is anonymous on an OAuth store too; ``ssl_enabled`` false."""
    for url in (http_shop.store.api_url, http_shop.store.api_url + "/"):
        answer = send("GET", url)
        assert answer.status_code == 200, answer.text
        assert answer.json()["store"]["meta"]["ssl_enabled"] is False


def test_generate_password_flag_follows_the_store_option(start_store: StoreFactory) -> None:
    """Sections 1.6/18: ``meta.generate_password`` reports the store's option."""
    store = start_store(generate_password=True)
    meta = send("GET", store.api_url).json()["store"]["meta"]
    assert meta["generate_password"] is True
