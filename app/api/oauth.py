"""OAuth 1.0a one-legged signatures exactly as WooCommerce's legacy v3 and wc/v3 APIs verify them.

The store and the client must agree byte for byte, and WooCommerce departs from RFC 5849 in
several ways (see wc-api-v3-behavior.md section 12.4): it signs what PHP parsed out of the query
string, so ``filter[a]=1&filter[b]=2`` is one top-level key whose inner entries keep the order in
which they were sent; values are decoded once more and re-encoded PHP's ``rawurlencode`` way
(``/`` becomes ``%2F``); the HMAC key is the consumer secret plus ``&``. The demo store verifies
with these functions and the client signs with them, so the two cannot drift apart; the section
12.6 test vectors pin them to what real stores compute. The modern API (``/wp-json/wc/v3``)
signs the same way with its own base URI and without the extra decoding of values
(wc-rest-v3-behavior.md sections 16.4 and 16.8): ``string_to_sign(decode_values=False)``.
"""

from __future__ import annotations

import base64
import hmac
from collections.abc import Iterable, Mapping
from urllib.parse import quote, unquote_to_bytes

#: The signature methods WooCommerce accepts, mapped to hashlib names.
SIGNATURE_METHODS: Mapping[str, str] = {"HMAC-SHA1": "sha1", "HMAC-SHA256": "sha256"}

#: A query parameter as PHP sees it: a scalar, or one level of ``name[inner]`` entries in order.
PhpParam = str | dict[str, str]


def php_query_params(pairs: Iterable[tuple[str, str]]) -> dict[str, PhpParam]:
    """Fold decoded query pairs into PHP's ``$_GET`` shape.

    ``name[inner]=v`` entries gather under ``name`` in the order first seen, ``name[]`` takes the
    next integer index, a repeated name keeps its first position and its last value, and PHP's
    renaming of ``.``, space and an unclosed ``[`` to ``_`` in top-level names is mirrored.
    """
    params: dict[str, PhpParam] = {}
    for raw_key, value in pairs:
        base, inner = _split_php_key(raw_key)
        if not base:
            continue
        if inner is None:
            params[base] = value
            continue
        group = params.get(base)
        if not isinstance(group, dict):
            group = {}
            params[base] = group
        if inner == "":
            indices = [int(k) for k in group if k.lstrip("-").isdigit()]
            inner = str(max(indices) + 1 if indices else 0)
        group[inner] = value
    return params


def _split_php_key(raw_key: str) -> tuple[str, str | None]:
    """Split ``name[inner]`` into its parts; deeper nesting is kept inside ``inner``."""
    opening = raw_key.find("[")
    closing = raw_key.find("]", opening + 1) if opening > 0 else -1
    if opening > 0 and closing > opening:
        base, inner = raw_key[:opening], raw_key[opening + 1 : closing]
    else:
        base, inner = raw_key, None
    for char in " .[":
        base = base.replace(char, "_")
    return base, inner


def rfc3986(value: str) -> str:
    """Encode like PHP's ``rawurlencode``: everything but ``A-Z a-z 0-9 - _ . ~``."""
    return quote(value.encode("utf-8"), safe="")


def _normalize_decoded(value: str) -> str:
    """Decode once, re-encode RFC 3986, then double-encode every ``%`` (WooCommerce's rule)."""
    return quote(unquote_to_bytes(value), safe="").replace("%", "%25")


def signature_base_uri(api_url: str, route: str) -> str:
    """The encoded base URI: the configured API URL without a trailing slash, plus the route.

    ``route`` is the path exactly as it goes on the wire, percent-encoding and all: WooCommerce
    reads it undecoded from ``REQUEST_URI`` and encodes it once more (section 19.2).
    """
    return rfc3986(api_url.rstrip("/") + route)


def _encode_twice(value: str) -> str:
    """Encode RFC 3986, then double-encode every ``%`` (the modern API's rule: no decoding)."""
    return quote(value.encode("utf-8"), safe="").replace("%", "%25")


def string_to_sign(
    method: str,
    base_uri: str,
    params: Mapping[str, PhpParam],
    *,
    decode_values: bool = True,
) -> str:
    """Build WooCommerce's string to sign from PHP-shaped parameters.

    ``params`` must not contain ``oauth_signature``. Top-level keys are sorted byte-wise
    (PHP ``strcmp``); entries of an array parameter stay in the order they were sent.
    ``decode_values`` is the legacy API's extra decoding of every value before encoding it;
    the modern ``/wp-json/wc/v3`` API encodes values as PHP parsed them (section 16.4 of
    wc-rest-v3-behavior.md). The two agree for any value without a ``%``.
    """
    _normalize = _normalize_decoded if decode_values else _encode_twice
    pieces: list[str] = []
    for key in sorted(params, key=lambda k: k.encode("utf-8")):
        value = params[key]
        encoded_key = _normalize(key)
        if isinstance(value, dict):
            pieces.extend(
                f"{encoded_key}%255B{inner}%255D%3D{_normalize(inner_value)}"
                for inner, inner_value in value.items()
            )
        else:
            pieces.append(f"{encoded_key}%3D{_normalize(value)}")
    return f"{method.upper()}&{base_uri}&{'%26'.join(pieces)}"


def signature(text: str, consumer_secret: str, signature_method: str) -> str:
    """Base64 of the raw HMAC of ``text`` keyed with ``consumer_secret + "&"``.

    Raises:
        ValueError: if ``signature_method`` is not one WooCommerce accepts.
    """
    try:
        digest = SIGNATURE_METHODS[signature_method]
    except KeyError:
        raise ValueError(f"unsupported signature method {signature_method!r}") from None
    mac = hmac.new(f"{consumer_secret}&".encode(), text.encode("utf-8"), digest)
    return base64.b64encode(mac.digest()).decode("ascii")
