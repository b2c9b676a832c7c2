"""Section 19.2: the demo store builds the OAuth base string from the path as sent.

The store's own signature code (app/demo_store/signature.py) is pinned against an independent
signer, the official ``woocommerce`` Python client (``woocommerce.oauth.OAuth``), which signs the
URL exactly as it sends it: base strings are pinned as literals, signatures compared with the
official client's, and requests the official client signs are accepted over plain HTTP. A
client that signs the decoded path gets the real store's 401. The apostrophe, trailing-slash and
upper-case-key quirks of section 19.2 are checked over both transports.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st
from requests.utils import requote_uri
from woocommerce import API
from woocommerce.oauth import OAuth

from app.demo_store import DemoStore, StoreConfig, signature
from app.demo_store.phpquery import PhpParam, add_slashes
from tests.support.store_http import StoreHttp

#: The section 12.6 test-vector key pair and home URL.
CK = "ck_0123456789abcdef0123456789abcdef01234567"
CS = "cs_89abcdef0123456789abcdef0123456789abcdef"
API_ROOT = "http://example.com/wc-api/v3"
TIMESTAMP = 1420070400
NONCE = "abc123def456"
OAUTH_PARAMS = (
    f"oauth_consumer_key%3D{CK}%26oauth_nonce%3D{NONCE}"
    "%26oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D1420070400"
)
#: Email paths as a client puts them on the wire, and the base URI a real store signs.
PINNED = {
    "plus, double-encoded": (
        "/customers/email/frank%252Btag@example.com",
        "http%3A%2F%2Fexample.com%2Fwc-api%2Fv3%2Fcustomers%2Femail%2Ffrank%25252Btag%40example.com",
    ),
    "apostrophe as %27": (
        "/customers/email/o%27brien@example.com",
        "http%3A%2F%2Fexample.com%2Fwc-api%2Fv3%2Fcustomers%2Femail%2Fo%2527brien%40example.com",
    ),
    "percent as %2525": (
        "/customers/email/pc%2525t@example.com",
        "http%3A%2F%2Fexample.com%2Fwc-api%2Fv3%2Fcustomers%2Femail%2Fpc%252525t%40example.com",
    ),
    "ampersand raw": (
        "/customers/email/a&b@example.com",
        "http%3A%2F%2Fexample.com%2Fwc-api%2Fv3%2Fcustomers%2Femail%2Fa%26b%40example.com",
    ),
    "unicode, UTF-8 encoded": (
        "/customers/email/j%C3%B6rg@example.com",
        "http%3A%2F%2Fexample.com%2Fwc-api%2Fv3%2Fcustomers%2Femail%2Fj%25C3%25B6rg%40example.com",
    ),
    "upper case": (
        "/customers/email/John.DOE@Example.COM",
        "http%3A%2F%2Fexample.com%2Fwc-api%2Fv3%2Fcustomers%2Femail%2FJohn.DOE%40Example.COM",
    ),
}
SIGNATURE_MISMATCH = {
    "errors": [
        {
            "code": "woocommerce_api_authentication_error",
            "message": "Invalid signature - provided signature does not match.",
        }
    ]
}


def official_signature(url: str, params: dict[str, Any], secret: str = CS) -> str:
    """What the official client signs for ``url`` (the path exactly as it will be sent)."""
    oauth = OAuth(url, CK, secret, version="v3", method="GET", oauth_timestamp=TIMESTAMP)
    signed: str = oauth.generate_oauth_signature(dict(params), url)
    return signed


def demo_params() -> dict[str, PhpParam]:
    return {
        "oauth_consumer_key": CK,
        "oauth_timestamp": str(TIMESTAMP),
        "oauth_nonce": NONCE,
        "oauth_signature_method": "HMAC-SHA256",
    }


# -- the base string, pinned ------------------------------------------------------------------


@pytest.mark.parametrize("case", list(PINNED))
def test_base_string_is_built_from_the_path_as_sent(case: str) -> None:
    """The string to sign of an email path, as a literal, and the official client's
    signature of the same request equals the store's."""
    route, uri = PINNED[case]
    text = signature.string_to_sign("GET", signature.base_uri(API_ROOT, route), demo_params())
    assert text == f"GET&{uri}&{OAUTH_PARAMS}"
    expected = signature.expected_signature(text, CS, "HMAC-SHA256")
    assert official_signature(API_ROOT + route, demo_params()) == expected


def test_section_12_6_vectors() -> None:
    """The 12.6 vectors (filters in the order sent; HMAC-SHA1 with the secret and ``&``)."""
    params: dict[str, PhpParam] = {
        "filter": {"limit": "5", "created_at_min": "2015-01-01"},
        "page": "2",
        "oauth_consumer_key": CK,
        "oauth_timestamp": "1420070400",
        "oauth_nonce": "abc123def456",
        "oauth_signature_method": "HMAC-SHA256",
    }
    text = signature.string_to_sign("GET", signature.base_uri(API_ROOT, "/customers"), params)
    assert text == (
        "GET&http%3A%2F%2Fexample.com%2Fwc-api%2Fv3%2Fcustomers&"
        "filter%255Blimit%255D%3D5%26filter%255Bcreated_at_min%255D%3D2015-01-01%26"
        f"oauth_consumer_key%3D{CK}%26oauth_nonce%3Dabc123def456%26"
        "oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D1420070400%26page%3D2"
    )
    assert signature.expected_signature(text, CS, "HMAC-SHA256") == (
        "nHxjGBMbh5I3D2Lu2iHdplsZhRATPbIbxlqo5aurNH0="
    )
    sha1 = {**demo_params(), "oauth_nonce": "nonce0001", "oauth_signature_method": "HMAC-SHA1"}
    text = signature.string_to_sign("GET", signature.base_uri(API_ROOT, "/customers/2"), sha1)
    assert signature.expected_signature(text, CS, "HMAC-SHA1") == "N/1ndRG+7vx+i+RQWSDpV8A+SoE="


def test_decoded_path_signs_differently() -> None:
    """A client signing the decoded path (``frank%2Btag``) computes another signature than
    the store, which signs what was sent (``frank%252Btag``)."""
    sent = API_ROOT + "/customers/email/frank%252Btag@example.com"
    decoded = API_ROOT + "/customers/email/frank%2Btag@example.com"
    assert official_signature(sent, demo_params()) != official_signature(decoded, demo_params())


def test_apostrophe_gets_a_backslash_before_it_is_signed() -> None:
    """WordPress slashes REQUEST_URI: a raw ``'`` is signed as ``\\'`` (``%5C%27``), which no
    client signs."""
    route = add_slashes("/customers/email/o'brien@example.com")
    assert "o%5C%27brien" in signature.base_uri(API_ROOT, route)


_PATH_TEXT = st.text(
    alphabet=st.sampled_from(list("abcXYZ019.-_~+'%&@!*()$,;=:éö€ /")), min_size=1, max_size=30
)


@settings(deadline=None)
@given(segment=_PATH_TEXT, value=st.text(alphabet="abc XYZ+%&=.-_*", max_size=12))
def test_store_and_official_client_agree_on_any_path(segment: str, value: str) -> None:
    """For any path as ``requests`` puts it on the wire (and a query value without ``/``, which
    the official client leaves unencoded), the store's signature is the official client's."""
    route = urlsplit(requote_uri("http://example.com/wc-api/v3/customers/email/" + segment)).path
    route = route[len("/wc-api/v3") :]
    params: dict[str, PhpParam] = {**demo_params(), "filter": {"q": value}}
    official = official_signature(API_ROOT + route, {**demo_params(), "filter[q]": value})
    text = signature.string_to_sign("GET", signature.base_uri(API_ROOT, route), params)
    assert signature.expected_signature(text, CS, "HMAC-SHA256") == official


# -- against a running store ------------------------------------------------------------------

EMAILS = {
    "plus": ("frank+tag@example.com", "frank%252Btag@example.com"),
    "apostrophe": ("o'brien@example.com", "o%27brien@example.com"),
    "percent": ("pc%t@example.com", "pc%2525t@example.com"),
    "ampersand": ("a&b@example.com", "a&b@example.com"),
    "upper case": ("john.doe@example.com", "John.DOE@Example.COM"),
}


@pytest.fixture(scope="module")
def stores(tls_certificate: tuple[Path, Path]) -> Iterator[tuple[DemoStore, DemoStore, str]]:
    """One store on HTTP and HTTPS, with a customer for every email of :data:`EMAILS`."""
    directory = Path(tempfile.mkdtemp(prefix="woo-signature-"))
    database = directory / "store.sqlite3"
    https = DemoStore.start(StoreConfig(db_path=database, customers=0, certificate=tls_certificate))
    http = DemoStore.start(StoreConfig(db_path=database, customers=0))
    try:
        client = StoreHttp(https, verify=str(tls_certificate[0]))
        for email, _ in EMAILS.values():
            made = client.post("/customers", {"customer": {"email": email}})
            assert made.status_code == 201, made.text
        yield http, https, str(tls_certificate[0])
    finally:
        https.stop()
        http.stop()
        shutil.rmtree(directory, ignore_errors=True)


def official_api(store: DemoStore, verify: str | bool = True) -> API:
    key = store.keys["read_write"]
    return API(
        url=store.base_url,
        consumer_key=key.consumer_key,
        consumer_secret=key.consumer_secret,
        wp_api=False,
        version="v3",
        timeout=10,
        verify_ssl=verify,
    )


@pytest.mark.parametrize("case", list(EMAILS))
def test_official_client_is_accepted_over_http(
    stores: tuple[DemoStore, DemoStore, str], case: str
) -> None:
    """Requests the official client signs (the path as it sends it) are accepted over plain
    HTTP and find their customer."""
    http, _, _ = stores
    email, sent = EMAILS[case]
    answer = official_api(http).get(f"customers/email/{sent}")
    assert answer.status_code == 200, answer.text
    assert answer.json()["customer"]["email"] == email


def test_unicode_email_path_is_signed_right_and_found_by_nobody(
    stores: tuple[DemoStore, DemoStore, str],
) -> None:
    """A non-ASCII email is signed over its UTF-8 encoding and accepted; WordPress refuses it
    as an email, so 404 invalid_customer_email (not 401)."""
    http, _, _ = stores
    answer = official_api(http).get("customers/email/j%C3%B6rg@example.com")
    assert answer.status_code == 404, answer.text
    assert answer.json()["errors"][0]["code"] == "woocommerce_api_invalid_customer_email"


def _signed_over(store: DemoStore, signed_path: str, sent_path: str) -> requests.Response:
    """A GET sent to ``sent_path`` with a signature the official client made for
    ``signed_path``."""
    key = store.keys["read_write"]
    oauth = OAuth(store.api_url + signed_path, key.consumer_key, key.consumer_secret)
    url = oauth.get_oauth_url().replace(signed_path, sent_path, 1)
    return requests.get(url, timeout=10)


@pytest.mark.parametrize("case", ["plus", "percent"])
def test_signing_the_decoded_path_is_refused(
    stores: tuple[DemoStore, DemoStore, str], case: str
) -> None:
    """A client that sends ``frank%252Btag`` but signs ``frank%2Btag`` gets the real 401."""
    http, _, _ = stores
    sent = "/customers/email/" + EMAILS[case][1]
    decoded = "/customers/email/" + EMAILS[case][1].replace("%25", "%", 1)
    answer = _signed_over(http, decoded, sent)
    assert answer.status_code == 401
    assert answer.json() == SIGNATURE_MISMATCH
    assert _signed_over(http, sent, sent).status_code == 200


def test_raw_apostrophe_finds_nobody_over_https(stores: tuple[DemoStore, DemoStore, str]) -> None:
    """Section 19.2: WordPress slashes the path, so a raw ``'`` looks up ``o\\'brien``: 404;
    ``%27`` and ``%2527`` find the customer."""
    _, https, verify = stores
    client = StoreHttp(https, verify=verify)
    raw = client.get("/customers/email/o'brien@example.com")
    assert raw.status_code == 404, raw.text
    assert raw.json()["errors"][0]["code"] == "woocommerce_api_invalid_customer_email"
    for encoded in ("o%27brien@example.com", "o%2527brien@example.com"):
        found = client.get(f"/customers/email/{encoded}")
        assert found.status_code == 200, found.text
        assert found.json()["customer"]["email"] == "o'brien@example.com"


def test_raw_apostrophe_breaks_the_signature_over_http(
    stores: tuple[DemoStore, DemoStore, str],
) -> None:
    """Over HTTP the slashed path is what the store signs: 401 for the official client too."""
    http, _, _ = stores
    answer = official_api(http).get("customers/email/o'brien@example.com")
    assert answer.status_code == 401
    assert answer.json() == SIGNATURE_MISMATCH


def test_apostrophe_in_a_query_value_is_slashed(stores: tuple[DemoStore, DemoStore, str]) -> None:
    """Section 19.2: ``filter[q]=o'brien…`` arrives as ``o\\'brien…`` and matches nobody; the
    Link header shows the query as sent (the recorded store's Link has a bare quote)."""
    _, https, verify = stores
    answer = StoreHttp(https, verify=verify).get(
        "/customers", [("filter[q]", "o'brien@example.com")]
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"customers": []}
    assert answer.headers["X-WC-Total"] == "0"
    assert "filter[q]=o'brien@example.com&" in answer.headers["Link"]


def test_trailing_slash(stores: tuple[DemoStore, DemoStore, str]) -> None:
    """Section 19.2: ``/customers/`` answers 200 over HTTPS and 401 (signature) over HTTP."""
    http, https, verify = stores
    assert StoreHttp(https, verify=verify).get("/customers/").status_code == 200
    email = StoreHttp(https, verify=verify).get("/customers/email/a&b@example.com/")
    assert email.status_code == 200, email.text
    refused = official_api(http).get("customers/")
    assert refused.status_code == 401
    assert refused.json() == SIGNATURE_MISMATCH
