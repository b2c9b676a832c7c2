"""The signing functions reproduce WooCommerce's own verification (behaviour file 12.6)."""

from urllib.parse import parse_qsl

import pytest

from app.api import oauth

SECRET = "cs_89abcdef0123456789abcdef0123456789abcdef"
KEY = "ck_0123456789abcdef0123456789abcdef01234567"
API_URL = "http://example.com/wc-api/v3"

VECTOR_A_QUERY = (
    "filter[limit]=5&filter[created_at_min]=2015-01-01&page=2"
    f"&oauth_consumer_key={KEY}&oauth_timestamp=1420070400&oauth_nonce=abc123def456"
    "&oauth_signature_method=HMAC-SHA256"
)
VECTOR_A_STRING = (
    "GET&http%3A%2F%2Fexample.com%2Fwc-api%2Fv3%2Fcustomers&filter%255Blimit%255D%3D5%26"
    "filter%255Bcreated_at_min%255D%3D2015-01-01%26oauth_consumer_key%3D"
    "ck_0123456789abcdef0123456789abcdef01234567%26oauth_nonce%3Dabc123def456%26"
    "oauth_signature_method%3DHMAC-SHA256%26oauth_timestamp%3D1420070400%26page%3D2"
)


def _sign(route: str, query: str, method: str = "GET") -> tuple[str, str]:
    params = oauth.php_query_params(parse_qsl(query, keep_blank_values=True))
    text = oauth.string_to_sign(method, oauth.signature_base_uri(API_URL, route), params)
    signature_method = params["oauth_signature_method"]
    assert isinstance(signature_method, str)
    return text, oauth.signature(text, SECRET, signature_method)


def test_vector_a_string_and_signature() -> None:
    text, signature = _sign("/customers", VECTOR_A_QUERY)
    assert text == VECTOR_A_STRING
    assert signature == "nHxjGBMbh5I3D2Lu2iHdplsZhRATPbIbxlqo5aurNH0="


def test_vector_a_with_swapped_filters_signs_differently() -> None:
    swapped = VECTOR_A_QUERY.replace(
        "filter[limit]=5&filter[created_at_min]=2015-01-01",
        "filter[created_at_min]=2015-01-01&filter[limit]=5",
    )
    _, signature = _sign("/customers", swapped)
    assert signature != "nHxjGBMbh5I3D2Lu2iHdplsZhRATPbIbxlqo5aurNH0="


def test_vector_b_hmac_sha1() -> None:
    query = (
        f"oauth_consumer_key={KEY}&oauth_timestamp=1420070400&oauth_nonce=nonce0001"
        "&oauth_signature_method=HMAC-SHA1"
    )
    _, signature = _sign("/customers/2", query)
    assert signature == "N/1ndRG+7vx+i+RQWSDpV8A+SoE="


def test_slash_in_a_value_is_encoded_like_php() -> None:
    params = oauth.php_query_params([("fields", "a/b")])
    assert oauth.string_to_sign("GET", "x", params) == "GET&x&fields%3Da%252Fb"


def test_values_are_decoded_once_more_before_encoding() -> None:
    params = oauth.php_query_params([("q", "a%20b")])
    assert oauth.string_to_sign("GET", "x", params) == "GET&x&q%3Da%2520b"


def test_php_folding_keeps_first_position_and_last_value() -> None:
    params = oauth.php_query_params(
        [("filter[b]", "1"), ("page", "1"), ("filter[a]", "2"), ("filter[b]", "3"), ("page", "4")]
    )
    assert params == {"filter": {"b": "3", "a": "2"}, "page": "4"}
    assert list(params["filter"]) == ["b", "a"]


def test_php_folding_of_indexed_arrays_and_odd_names() -> None:
    params = oauth.php_query_params(
        [("a[]", "x"), ("a[]", "y"), ("b.c", "1"), ("d[e", "2"), ("", "ignored")]
    )
    assert params == {"a": {"0": "x", "1": "y"}, "b_c": "1", "d_e": "2"}


def test_unknown_signature_method_is_refused() -> None:
    with pytest.raises(ValueError, match="PLAINTEXT"):
        oauth.signature("text", SECRET, "PLAINTEXT")


# -- section 19.2: the base string is the path as sent, pinned by an independent signer ----------

#: Emails whose path encoding differs from their decoded form (section 19.2).
AWKWARD_EMAILS = [
    "frank+tag@example.com",
    "o'brien@example.com",
    "100%real@example.com",
    "tom&jerry@example.com",
    "zoë.ünïcode@example.com",
    "UPPER.Case@Example.COM",
]


@pytest.mark.parametrize("email", AWKWARD_EMAILS)
def test_email_routes_are_signed_as_the_official_client_signs_what_is_sent(email: str) -> None:
    """The official ``woocommerce`` client signs the URL exactly as it sends it; real stores
    verify that (19.2). Our transport's URL, signed by it, must carry the same signature."""
    from urllib.parse import urlsplit

    from woocommerce.oauth import OAuth

    from app.api.connection import AuthMode, StoreConnection
    from app.api.transport import Transport, api_value

    connection = StoreConnection("http://example.com", KEY, SECRET, auth=AuthMode.OAUTH)
    transport = Transport(connection, clock=lambda: 1420070400.0)
    url, basic = transport.url_and_auth("GET", f"/customers/email/{api_value(email)}", [])
    assert basic is None
    parts = urlsplit(url)
    sent = parse_qsl(parts.query, keep_blank_values=True)
    ours = dict(sent)["oauth_signature"]
    unsigned = {k: v for k, v in sent if k != "oauth_signature"}
    official = OAuth(
        f"{parts.scheme}://{parts.netloc}{parts.path}",
        KEY,
        SECRET,
        version="v3",
        method="GET",
        oauth_timestamp=1420070400,
    ).generate_oauth_signature(unsigned, f"{parts.scheme}://{parts.netloc}{parts.path}")
    assert ours == official
    # The path goes out encoded once more than the store's route (it decodes twice), and the
    # base string encodes it once again: '+' travels as %252B and is signed as %25252B.
    if "+" in email:
        assert "frank%252Btag@example.com" in parts.path
        text = oauth.string_to_sign(
            "GET",
            oauth.signature_base_uri(API_URL, parts.path.removeprefix("/wc-api/v3")),
            oauth.php_query_params(unsigned.items()),
        )
        assert "%2Femail%2Ffrank%25252Btag%40example.com&" in text
