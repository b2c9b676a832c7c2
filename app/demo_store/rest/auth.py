"""WooCommerce's API-key authentication for ``/wp-json/wc…`` requests (reference §16).

This module owns who a REST request runs as: HTTPS key/secret (query pair before Basic), then
OAuth 1.0a one-legged over any scheme, with the modern string to sign (§16.4): the real method,
the home-based URL of the raw request path, and the PHP-parsed parameters of the query, the
form body and the ``Authorization: OAuth`` header, each value ``rawurlencode``d as PHP decoded
it (unlike the legacy API, nothing is decoded a second time). It is the store's own
implementation, independent of the client's signer, pinned by the reference's vectors T1-T5.

Keys only count when the raw ``REQUEST_URI`` contains ``wp-json/wc/`` or ``wp-json/wc-``
(case-sensitive, §16.1): ``?rest_route=`` requests and ``/wp-json/WC/…`` run anonymously. An
unknown HTTPS key is not an error either: the request simply runs anonymously.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import sqlite3
import time
from collections.abc import Mapping
from dataclasses import dataclass

from app.demo_store.auth import hash_consumer_key
from app.demo_store.phpquery import PhpParam, php_empty, rawurldecode, unslashed, urldecode
from app.demo_store.rest.errors import auth_error
from app.demo_store.sanitize import sanitize_text_field
from app.demo_store.schema import Database
from app.demo_store.signature import rawurlencode

#: Capabilities of the key's user that the REST routes check, by role (§16.7).
REST_CAPABILITIES: dict[str, frozenset[str]] = {
    "administrator": frozenset(
        {
            "list_users",
            "edit_users",
            "promote_users",
            "delete_users",
            "read_private_shop_orders",
            "manage_woocommerce",
            "view_woocommerce_reports",
        }
    ),
    "shop_manager": frozenset(
        {
            "list_users",
            "edit_users",
            "read_private_shop_orders",
            "manage_woocommerce",
            "view_woocommerce_reports",
        }
    ),
}
OAUTH_REQUIRED = (
    "oauth_consumer_key",
    "oauth_timestamp",
    "oauth_nonce",
    "oauth_signature",
    "oauth_signature_method",
)
_DIGESTS = {"HMAC-SHA1": hashlib.sha1, "HMAC-SHA256": hashlib.sha256}
TIMESTAMP_WINDOW = 15 * 60
_HEADER_PARAM = re.compile(r'(oauth_[a-z_-]*)=(:?"([^"]*)"|([^,]*))')
_KEY_CHARACTERS = re.compile(r"[^a-z0-9_-]")


@dataclass(frozen=True)
class RestCaller:
    """The key a request authenticated with: its user, role and permissions."""

    user_id: int
    role: str
    permissions: str

    def can(self, capability: str) -> bool:
        """Whether the key's user has ``capability``."""
        return capability in REST_CAPABILITIES.get(self.role, frozenset())


@dataclass(frozen=True)
class RestCredentials:
    """What a REST request brought to authenticate with.

    Attributes:
        method: the real HTTP method (OAuth signs it, not the override).
        raw_uri: ``REQUEST_URI`` as sent.
        query: ``$_GET`` as PHP parsed it.
        form: ``$_POST`` (form-encoded POST bodies only), else empty.
        authorization: the ``Authorization`` header, if any.
        basic: the HTTP Basic user and password, if any.
    """

    method: str
    raw_uri: str
    query: Mapping[str, PhpParam]
    form: Mapping[str, PhpParam]
    authorization: str | None
    basic: tuple[str, str] | None


def key_auth_applies(raw_uri: str) -> bool:
    """WooCommerce looks at keys only for these URIs (case-sensitive)."""
    return "wp-json/wc/" in raw_uri or "wp-json/wc-" in raw_uri


def _find_key(conn: sqlite3.Connection, consumer_key: str) -> sqlite3.Row | None:
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM api_keys WHERE consumer_key_hash = ?",
        (hash_consumer_key(sanitize_text_field(consumer_key)),),
    ).fetchone()
    return row


def _secret_matches(row: sqlite3.Row, secret: str) -> bool:
    return hmac.compare_digest(row["consumer_secret"].encode(), secret.encode())


def oauth_pool(credentials: RestCredentials) -> dict[str, PhpParam]:
    """``$_GET`` + ``$_POST``, unslashed, + the ``oauth_*`` header parameters (which win).

    WooCommerce ``wp_unslash``es the pool: a value is signed as sent, not as WordPress' magic
    quotes left it.
    """
    pool: dict[str, PhpParam] = unslashed({**credentials.query, **credentials.form})
    header = credentials.authorization or ""
    if header[:6].lower() == "oauth ":
        for match in _HEADER_PARAM.finditer(header[6:]):
            value = match.group(3) if match.group(3) is not None else match.group(4) or ""
            pool[match.group(1)] = urldecode(value)
    return pool


def string_to_sign(method: str, url: str, params: Mapping[str, PhpParam]) -> str:
    """``METHOD&rawurlencode(url)&<pairs>`` (§16.4).

    Top-level names sorted byte-wise; an array's entries in arrival order as
    ``name[inner]=value``; every name and value ``rawurlencode``d, then each pair once more.
    """
    pairs: list[str] = []
    for name in sorted((n for n in params if n != "oauth_signature"), key=lambda n: n.encode()):
        value = params[name]
        if isinstance(value, dict):
            pairs.extend(
                rawurlencode(f"{rawurlencode(name)}%5B{inner}%5D={rawurlencode(item)}")
                for inner, item in value.items()
            )
        else:
            pairs.append(rawurlencode(f"{rawurlencode(name)}={rawurlencode(value)}"))
    return f"{method.upper()}&{rawurlencode(url)}&{'%26'.join(pairs)}"


def sign(text: str, secret: str, signature_method: str) -> str:
    """Base64 of the HMAC of ``text`` keyed with ``secret&``."""
    mac = hmac.new((secret + "&").encode(), text.encode(), _DIGESTS[signature_method])
    return base64.b64encode(mac.digest()).decode("ascii")


class RestAuthenticator:
    """Decides which key a REST request runs as (None: anonymous), or raises §16.6 errors."""

    def __init__(self, home_url: str, ssl: bool, db: Database) -> None:
        self._home_url = home_url.rstrip("/")
        self._ssl = ssl
        self._db = db

    def authenticate(self, credentials: RestCredentials) -> RestCaller | None:
        """Run WooCommerce's checks; None when the request carries no usable key."""
        if not key_auth_applies(credentials.raw_uri):
            return None
        conn = self._db.connection()
        row = self._ssl_key(conn, credentials) if self._ssl else None
        if row is None:
            row = self._oauth_key(conn, credentials)
        if row is None:
            return None
        user = conn.execute("SELECT role FROM users WHERE id = ?", (row["user_id"],)).fetchone()
        if user is None:
            return None
        conn.execute(
            "UPDATE api_keys SET last_access = ? WHERE id = ?", (int(time.time()), row["id"])
        )
        return RestCaller(row["user_id"], user["role"], row["permissions"])

    @staticmethod
    def _ssl_key(conn: sqlite3.Connection, credentials: RestCredentials) -> sqlite3.Row | None:
        key, secret = (
            credentials.query.get("consumer_key"),
            credentials.query.get("consumer_secret"),
        )
        if (
            not (isinstance(key, str) and isinstance(secret, str))
            or php_empty(key)
            or php_empty(secret)
        ):
            key, secret = credentials.basic or ("", "")
        if php_empty(key) or php_empty(secret):
            return None
        row = _find_key(conn, str(key))
        if row is None:
            return None  # an unknown key is no error: the request runs anonymously
        if not _secret_matches(row, str(secret)):
            raise auth_error("Consumer secret is invalid.")
        return row

    def _oauth_key(
        self, conn: sqlite3.Connection, credentials: RestCredentials
    ) -> sqlite3.Row | None:
        pool = oauth_pool(credentials)
        present = {name for name in OAUTH_REQUIRED if not php_empty(pool.get(name, ""))}
        if not present:
            return None
        missing = [name for name in OAUTH_REQUIRED if name not in present]
        if missing:
            word = "parameter" if len(missing) == 1 else "parameters"
            raise auth_error(
                f"Missing OAuth {word} {', '.join(missing)}",
                "woocommerce_rest_authentication_missing_parameter",
            )
        values = {name: pool[name] for name in OAUTH_REQUIRED}
        if not all(isinstance(value, str) for value in values.values()):
            raise auth_error("Consumer key is invalid.")
        row = _find_key(conn, str(values["oauth_consumer_key"]))
        if row is None:
            raise auth_error("Consumer key is invalid.")
        method = str(values["oauth_signature_method"])
        if method not in _DIGESTS:
            raise auth_error("Invalid signature - signature method is invalid.")
        path = credentials.raw_uri.partition("?")[0]
        home_path = re.sub(r"^[a-z]+://[^/]*", "", self._home_url)
        if home_path and path.startswith(home_path):
            path = path[len(home_path) :]
        scheme = "https" if self._ssl else "http"
        url = re.sub(r"^[a-z]+://", f"{scheme}://", self._home_url) + path
        expected = sign(
            string_to_sign(credentials.method, url, pool), row["consumer_secret"], method
        )
        # PHP decoded a raw "+" into a space; WooCommerce turns it back, then decodes.
        provided = rawurldecode(str(values["oauth_signature"]).replace(" ", "+"))
        if not hmac.compare_digest(expected.encode(), provided.encode()):
            raise auth_error("Invalid signature - provided signature does not match.")
        self._check_timestamp_and_nonce(
            conn, row["id"], str(values["oauth_timestamp"]), str(values["oauth_nonce"])
        )
        return row

    @staticmethod
    def _check_timestamp_and_nonce(
        conn: sqlite3.Connection, key_id: int, raw_timestamp: str, raw_nonce: str
    ) -> None:
        now = int(time.time())
        timestamp = _KEY_CHARACTERS.sub("", raw_timestamp.lower())
        if not timestamp.isdigit() or abs(int(timestamp) - now) > TIMESTAMP_WINDOW:
            raise auth_error("Invalid timestamp.")
        nonce = _KEY_CHARACTERS.sub("", raw_nonce.lower())
        # The nonce memory is the legacy API's: a nonce used on one API is spent on both.
        conn.execute(
            "DELETE FROM nonces WHERE key_id = ? AND timestamp < ?",
            (key_id, now - TIMESTAMP_WINDOW),
        )
        try:
            conn.execute(
                "INSERT INTO nonces (key_id, nonce, timestamp) VALUES (?, ?, ?)",
                (key_id, nonce, int(timestamp)),
            )
        except sqlite3.IntegrityError:
            raise auth_error("Invalid nonce - nonce has already been used.") from None


def check_key_permissions(caller: RestCaller, method: str) -> None:
    """The key's read/write permission against the effective method (§1.2 step 4)."""
    if method == "OPTIONS":
        return
    if method in ("GET", "HEAD"):
        if caller.permissions not in ("read", "read_write"):
            raise auth_error("The API key provided does not have read permissions.")
    elif method in ("POST", "PUT", "PATCH", "DELETE"):
        if caller.permissions not in ("write", "read_write"):
            raise auth_error("The API key provided does not have write permissions.")
    else:
        raise auth_error("Unknown request method.")
