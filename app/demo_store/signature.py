"""WooCommerce's OAuth 1.0a signature check, as the store computes it (section 12.4 and 19.2).

The demo store's own implementation, written from the specification and not shared with the
client's signing code in ``app/api``: a store that verified with the client's functions would
accept whatever the client got wrong (that is how a client signing the decoded path went
unnoticed). Pinned by the section 12.6 vectors and by base strings the official ``woocommerce``
Python client computes (tests/demo_store/test_signature_base.py).

What the store signs:

* the effective method, upper-cased;
* ``rawurlencode`` of the API root without its trailing slash plus the route **exactly as it
  came in REQUEST_URI**: still percent-encoded as sent, with WordPress' magic-quote backslashes;
* every ``$_GET`` parameter except ``oauth_signature`` (also slashed), top-level names sorted
  byte-wise, the entries of an array parameter in the order they were sent, each name and value
  decoded once and re-encoded with ``rawurlencode``, then every ``%`` written as ``%25``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping

from app.demo_store.phpquery import PhpParam, rawurldecode

#: The only signature methods a store accepts, with the digest each uses.
DIGESTS: Mapping[str, str] = {"HMAC-SHA1": "sha1", "HMAC-SHA256": "sha256"}

_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.~")


def rawurlencode(value: str) -> str:
    """PHP's ``rawurlencode``: every byte but ``A-Z a-z 0-9 - _ . ~`` as upper-case ``%XX``."""
    return "".join(
        chr(byte) if byte in _UNRESERVED else f"%{byte:02X}" for byte in value.encode("utf-8")
    )


def _normalized(value: str) -> str:
    """Decode once, encode RFC 3986, then double every ``%`` (``urlencode_rfc3986``)."""
    return rawurlencode(rawurldecode(value)).replace("%", "%25")


def base_uri(api_root: str, raw_route: str) -> str:
    """The encoded URI part of the string to sign.

    Args:
        api_root: the configured ``…/wc-api/v3`` URL (a trailing slash is dropped).
        raw_route: the route as it stood in REQUEST_URI after WordPress slashed it, e.g.
            ``/customers/email/frank%252Btag@example.com`` (never decoded).
    """
    return rawurlencode(api_root.rstrip("/") + raw_route)


def string_to_sign(method: str, uri: str, params: Mapping[str, PhpParam]) -> str:
    """``METHOD&<uri>&<parameters>`` from ``$_GET`` without ``oauth_signature``."""
    pieces: list[str] = []
    # uksort($params, 'strcmp'): byte order of the names as they arrived.
    for name in sorted(params, key=lambda key: key.encode("utf-8")):
        value = params[name]
        encoded_name = _normalized(name)
        if isinstance(value, dict):
            # Inner names go in as they are; only the values are normalised.
            pieces.extend(
                f"{encoded_name}%255B{inner}%255D%3D{_normalized(item)}"
                for inner, item in value.items()
            )
        else:
            pieces.append(f"{encoded_name}%3D{_normalized(value)}")
    return f"{method.upper()}&{uri}&{'%26'.join(pieces)}"


def expected_signature(text: str, consumer_secret: str, signature_method: str) -> str:
    """Base64 of the raw HMAC of ``text``, keyed with the secret and ``&`` (v3 only)."""
    digest = getattr(hashlib, DIGESTS[signature_method])
    mac = hmac.new((consumer_secret + "&").encode("utf-8"), text.encode("utf-8"), digest)
    return base64.b64encode(mac.digest()).decode("ascii")


def provided_signature(value: str) -> str:
    """The signature the client sent, as the store reads it.

    PHP decoded an unencoded ``+`` into a space, so spaces become ``+`` again; then
    ``rawurldecode``.
    """
    return rawurldecode(value.replace(" ", "+"))
