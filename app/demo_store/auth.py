"""API keys and authentication exactly as a WooCommerce store checks them (sections 12, 19.2).

This module owns the store's keys and its authentication. Over HTTPS a store takes
``consumer_key``/``consumer_secret`` query parameters or HTTP Basic; over plain HTTP only OAuth
1.0a one-legged signatures in the query string. The two never mix. Messages, statuses (a missing
OAuth parameter is a 404) and the order of checks are the store's. Keys are stored as
WooCommerce stores them: the key as an HMAC, the secret in clear; both are compared exactly, so
an upper-cased key or secret is refused (section 19.2). Signatures are checked with the store's
own implementation (:mod:`app.demo_store.signature`) over the route as it came in REQUEST_URI,
never over a decoded one.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import sqlite3
import time
from collections.abc import Mapping
from dataclasses import dataclass

from app.demo_store import signature
from app.demo_store.context import ROLE_CAPABILITIES, Caller, StoreSettings
from app.demo_store.errors import auth_error
from app.demo_store.phpquery import PhpParam, php_empty
from app.demo_store.sanitize import sanitize_text_field
from app.demo_store.schema import Database

#: How far a request's OAuth timestamp may be from the server clock, in seconds.
TIMESTAMP_WINDOW = 15 * 60
BASIC_CHALLENGE = {
    "WWW-Authenticate": 'Basic realm="WooCommerce API. Use a consumer key in the username field '
    'and a consumer secret in the password field."'
}
_OAUTH_REQUIRED = (
    "oauth_consumer_key",
    "oauth_timestamp",
    "oauth_nonce",
    "oauth_signature",
    "oauth_signature_method",
)
_KEY_CHARACTERS = re.compile(r"[^a-z0-9_-]")
_READ_METHODS = ("HEAD", "GET")
_WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class ApiKey:
    """A consumer key pair and what it may do (``read``, ``write`` or ``read_write``)."""

    consumer_key: str
    consumer_secret: str
    permissions: str


def _sanitize_key(value: str) -> str:
    """WordPress' ``sanitize_key``: lower-cased, then only ``[a-z0-9_-]`` kept.

    The store applies it to OAuth timestamps and nonces, not to consumer keys.
    """
    return _KEY_CHARACTERS.sub("", value.lower())


def hash_consumer_key(consumer_key: str) -> str:
    """How WooCommerce stores a consumer key: ``hash_hmac('sha256', key, 'wc-api')``."""
    return hmac.new(b"wc-api", consumer_key.encode(), hashlib.sha256).hexdigest()


def create_api_key(
    conn: sqlite3.Connection, user_id: int, permissions: str, description: str
) -> ApiKey:
    """Make a new ``ck_``/``cs_`` key pair (40 hex characters each) for a user."""
    key = ApiKey(f"ck_{secrets.token_hex(20)}", f"cs_{secrets.token_hex(20)}", permissions)
    conn.execute(
        "INSERT INTO api_keys (user_id, description, permissions, consumer_key_hash,"
        " consumer_key, consumer_secret) VALUES (?, ?, ?, ?, ?, ?)",
        (
            user_id,
            description,
            permissions,
            hash_consumer_key(key.consumer_key),
            key.consumer_key,
            key.consumer_secret,
        ),
    )
    return key


def list_api_keys(conn: sqlite3.Connection) -> list[tuple[str, ApiKey]]:
    """Every key with its description, oldest first."""
    return [
        (row[0], ApiKey(row[1], row[2], row[3]))
        for row in conn.execute(
            "SELECT description, consumer_key, consumer_secret, permissions FROM api_keys"
            " ORDER BY id"
        )
    ]


@dataclass(frozen=True)
class Credentials:
    """What a request brought to authenticate with.

    Attributes:
        method: the effective method (after ``_method`` or the override header).
        route: the decoded route (for diagnostics; never signed).
        params: ``$_GET`` after magic quotes.
        basic: the HTTP Basic user and password, if any.
        signed_route: the route as WordPress reads it from ``REQUEST_URI``: still
            percent-encoded as sent, with magic-quote backslashes (section 19.2); OAuth
            signatures are checked against this, never against the decoded route.
    """

    method: str
    route: str
    params: Mapping[str, PhpParam]
    basic: tuple[str, str] | None
    signed_route: str = ""


class Authenticator:
    """Decides who a request runs as, or raises the store's authentication error."""

    def __init__(self, settings: StoreSettings, db: Database) -> None:
        self._settings = settings
        self._db = db

    def authenticate(self, credentials: Credentials) -> Caller:
        """Authenticate a request to any route but the index.

        Raises:
            ApiError: ``woocommerce_api_authentication_error`` with the store's status.
        """
        conn = self._db.connection()
        if self._settings.ssl:
            key = self._ssl_key(conn, credentials)
        else:
            key = self._oauth_key(conn, credentials)
        self._check_permissions(key["permissions"], credentials.method)
        user = conn.execute("SELECT role FROM users WHERE id = ?", (key["user_id"],)).fetchone()
        if user is None:
            raise auth_error(401, "API user is invalid")
        conn.execute(
            "UPDATE api_keys SET last_access = ? WHERE id = ?", (int(time.time()), key["id"])
        )
        return Caller(key["user_id"], ROLE_CAPABILITIES.get(user["role"], frozenset()))

    @staticmethod
    def _find_key(conn: sqlite3.Connection, consumer_key: str) -> sqlite3.Row | None:
        # The key is only run through sanitize_text_field: its case must match.
        row: sqlite3.Row | None = conn.execute(
            "SELECT * FROM api_keys WHERE consumer_key_hash = ?",
            (hash_consumer_key(sanitize_text_field(consumer_key)),),
        ).fetchone()
        return row

    @staticmethod
    def _secret_matches(row: sqlite3.Row, secret: str) -> bool:
        return hmac.compare_digest(row["consumer_secret"].encode(), secret.encode())

    def _ssl_key(self, conn: sqlite3.Connection, credentials: Credentials) -> sqlite3.Row:
        query_key = credentials.params.get("consumer_key")
        query_secret = credentials.params.get("consumer_secret")
        if (
            isinstance(query_key, str)
            and isinstance(query_secret, str)
            and not php_empty(query_key)
            and not php_empty(query_secret)
        ):
            row = self._find_key(conn, query_key)
            if row is None:
                raise auth_error(401, "Consumer key is invalid.")
            if not self._secret_matches(row, query_secret):
                raise auth_error(401, "Consumer secret is invalid.")
            return row
        user, password = credentials.basic or ("", "")
        if php_empty(user) or php_empty(password):
            raise auth_error(401, "Consumer Secret is invalid.", BASIC_CHALLENGE)
        row = self._find_key(conn, user)
        if row is None:
            raise auth_error(401, "Consumer key is invalid.")
        if not self._secret_matches(row, password):
            raise auth_error(401, "Consumer Secret is invalid.", BASIC_CHALLENGE)
        return row

    def _oauth_key(self, conn: sqlite3.Connection, credentials: Credentials) -> sqlite3.Row:
        params = credentials.params
        values: dict[str, str] = {}
        for name in _OAUTH_REQUIRED:
            value = params.get(name)
            if not isinstance(value, str) or php_empty(value):
                raise auth_error(404, f"{name} parameter is missing")
            values[name] = value
        row = self._find_key(conn, values["oauth_consumer_key"])
        if row is None:
            raise auth_error(401, "Consumer key is invalid.")
        signed = {name: value for name, value in params.items() if name != "oauth_signature"}
        uri = signature.base_uri(self._settings.api_url, credentials.signed_route)
        text = signature.string_to_sign(credentials.method, uri, signed)
        method = values["oauth_signature_method"]
        if method not in signature.DIGESTS:
            raise auth_error(401, "Invalid signature - signature method is invalid.")
        expected = signature.expected_signature(text, row["consumer_secret"], method)
        provided = signature.provided_signature(values["oauth_signature"])
        if not hmac.compare_digest(expected.encode(), provided.encode()):
            raise auth_error(401, "Invalid signature - provided signature does not match.")
        self._check_timestamp_and_nonce(
            conn,
            row["id"],
            _sanitize_key(values["oauth_timestamp"]),
            _sanitize_key(values["oauth_nonce"]),
        )
        return row

    @staticmethod
    def _check_timestamp_and_nonce(
        conn: sqlite3.Connection, key_id: int, timestamp: str, nonce: str
    ) -> None:
        now = int(time.time())
        if not timestamp.isdigit() or abs(int(timestamp) - now) > TIMESTAMP_WINDOW:
            raise auth_error(401, "Invalid timestamp.")
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
            raise auth_error(401, "Invalid nonce - nonce has already been used.") from None

    @staticmethod
    def _check_permissions(permissions: str, method: str) -> None:
        if method in _READ_METHODS and permissions not in ("read", "read_write"):
            raise auth_error(401, "The API key provided does not have read permissions.")
        if method in _WRITE_METHODS and permissions not in ("write", "read_write"):
            raise auth_error(401, "The API key provided does not have write permissions.")
