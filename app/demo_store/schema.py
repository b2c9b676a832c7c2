"""The demo store's SQLite schema and its per-thread connections.

The store keeps WordPress' shape where it shows through the API: users (customers and staff) with
their profile and address meta flattened into columns, API keys with their nonces, products with
downloadable files, orders with line items, and download permissions. Money is kept in cents so
sums are exact; times are Unix seconds (UTC).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SCHEMA_VERSION = 2

BILLING_FIELDS = (
    "first_name",
    "last_name",
    "company",
    "address_1",
    "address_2",
    "city",
    "state",
    "postcode",
    "country",
    "email",
    "phone",
)
SHIPPING_FIELDS = BILLING_FIELDS[:9]

_ADDRESS_COLUMNS = ",\n".join(
    [f"    billing_{name} TEXT NOT NULL DEFAULT ''" for name in BILLING_FIELDS]
    + [f"    shipping_{name} TEXT NOT NULL DEFAULT ''" for name in SHIPPING_FIELDS]
)

#: Emails are not unique: WordPress has no such index, and an update with an empty email leaves
#: several users with "" (section 19.3). Schema version 1 had them unique.
_USERS_TABLE = f"""CREATE TABLE IF NOT EXISTS {{name}} (
    id INTEGER PRIMARY KEY,
    login TEXT NOT NULL COLLATE NOCASE UNIQUE,
    email TEXT NOT NULL COLLATE NOCASE,
    nicename TEXT NOT NULL COLLATE NOCASE,
    display_name TEXT NOT NULL COLLATE NOCASE,
    url TEXT NOT NULL DEFAULT '' COLLATE NOCASE,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    registered INTEGER NOT NULL,
    last_update INTEGER NOT NULL,
    first_name TEXT NOT NULL DEFAULT '',
    last_name TEXT NOT NULL DEFAULT '',
{_ADDRESS_COLUMNS}
);"""
_USERS_INDEXES = """CREATE INDEX IF NOT EXISTS users_by_role ON users (role, registered, id);
CREATE INDEX IF NOT EXISTS users_by_registered ON users (registered, id);
CREATE INDEX IF NOT EXISTS users_by_last_update ON users (last_update, id);
CREATE INDEX IF NOT EXISTS users_by_nicename ON users (nicename);
CREATE INDEX IF NOT EXISTS users_by_display_name ON users (display_name);
CREATE INDEX IF NOT EXISTS users_by_email ON users (email);
"""

SCHEMA = f"""
CREATE TABLE IF NOT EXISTS settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
{_USERS_TABLE.format(name="users")}
{_USERS_INDEXES}
CREATE TABLE IF NOT EXISTS api_keys (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL,
    description TEXT NOT NULL,
    permissions TEXT NOT NULL CHECK (permissions IN ('read', 'write', 'read_write')),
    consumer_key_hash TEXT NOT NULL UNIQUE,
    consumer_key TEXT NOT NULL,
    consumer_secret TEXT NOT NULL,
    last_access INTEGER
);
CREATE TABLE IF NOT EXISTS nonces (
    key_id INTEGER NOT NULL,
    nonce TEXT NOT NULL,
    timestamp INTEGER NOT NULL,
    PRIMARY KEY (key_id, nonce)
);

CREATE TABLE IF NOT EXISTS products (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    sku TEXT NOT NULL DEFAULT '',
    price_cents INTEGER NOT NULL,
    downloadable INTEGER NOT NULL DEFAULT 0,
    download_id TEXT,
    file_name TEXT,
    file_url TEXT,
    download_limit INTEGER,
    download_expiry_days INTEGER
);

CREATE TABLE IF NOT EXISTS orders (
    id INTEGER PRIMARY KEY,
    order_key TEXT NOT NULL,
    customer_id INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL,
    currency TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    completed_at INTEGER,
    subtotal_cents INTEGER NOT NULL,
    discount_cents INTEGER NOT NULL DEFAULT 0,
    shipping_cents INTEGER NOT NULL DEFAULT 0,
    tax_cents INTEGER NOT NULL DEFAULT 0,
    total_cents INTEGER NOT NULL,
    payment_method_id TEXT NOT NULL,
    payment_method_title TEXT NOT NULL,
    paid INTEGER NOT NULL,
    shipping_method_id TEXT NOT NULL DEFAULT '',
    shipping_method_title TEXT NOT NULL DEFAULT '',
    shipping_line_id INTEGER,
    tax_rate_code TEXT NOT NULL DEFAULT '',
    tax_line_id INTEGER,
    coupon_code TEXT NOT NULL DEFAULT '',
    coupon_line_id INTEGER,
    note TEXT NOT NULL DEFAULT '',
    customer_ip TEXT NOT NULL DEFAULT '',
    customer_user_agent TEXT NOT NULL DEFAULT '',
{_ADDRESS_COLUMNS}
);
CREATE INDEX IF NOT EXISTS orders_by_customer ON orders (customer_id, id);

CREATE TABLE IF NOT EXISTS order_items (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL,
    product_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    sku TEXT NOT NULL DEFAULT '',
    quantity INTEGER NOT NULL,
    price_cents INTEGER NOT NULL,
    subtotal_cents INTEGER NOT NULL,
    total_cents INTEGER NOT NULL,
    tax_cents INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS order_items_by_order ON order_items (order_id);

CREATE TABLE IF NOT EXISTS download_permissions (
    id INTEGER PRIMARY KEY,
    download_id TEXT NOT NULL,
    product_id INTEGER NOT NULL,
    order_id INTEGER NOT NULL,
    order_key TEXT NOT NULL,
    user_id INTEGER NOT NULL,
    user_email TEXT NOT NULL,
    downloads_remaining TEXT NOT NULL DEFAULT '',
    access_expires INTEGER
);
CREATE INDEX IF NOT EXISTS download_permissions_by_user ON download_permissions (user_id);
"""


def _drop_unique_emails(conn: sqlite3.Connection) -> None:
    """Version 1 to 2: rebuild ``users`` without the unique email constraint.

    SQLite cannot drop a constraint in place; rows and ids are kept.
    """
    conn.executescript(
        "BEGIN IMMEDIATE;"
        + _USERS_TABLE.format(name="users_v2")
        + "INSERT INTO users_v2 SELECT * FROM users;"
        "DROP TABLE users;"
        "ALTER TABLE users_v2 RENAME TO users;" + _USERS_INDEXES + "COMMIT;"
    )


class Database:
    """One SQLite file shared by the server's threads.

    The server runs each request in a new thread, so connections are pooled: a thread takes one
    on first use and gives it back with :meth:`release` (a connection is never used by two
    threads at once, and a warm one keeps its page cache from request to request).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._idle: list[sqlite3.Connection] = []
        self._all: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        self._closed = False
        conn = self.connection()
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        # executescript commits on its own; the statements are idempotent.
        conn.executescript(SCHEMA)
        if version == 1:
            _drop_unique_emails(conn)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def connection(self) -> sqlite3.Connection:
        """This thread's connection (autocommit mode; use :meth:`write` for transactions)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            with self._lock:
                if self._closed:
                    raise sqlite3.ProgrammingError("the demo store's database is closed")
                conn = self._idle.pop() if self._idle else None
            if conn is None:
                conn = self._open()
            self._local.conn = conn
        return conn

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA busy_timeout = 10000")
        with self._lock:
            self._all.append(conn)
        return conn

    def release(self) -> None:
        """Give this thread's connection back to the pool (at the end of a request)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            self._local.conn = None
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            with self._lock:
                if not self._closed:
                    self._idle.append(conn)
                    return
                self._all.remove(conn)
            conn.close()  # the store stopped while this thread was still answering

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction taken up front, so concurrent writers queue instead of failing."""
        conn = self.connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        """Close the idle connections (call once the server has stopped accepting requests).

        A request thread may still be answering (the server does not wait for them): its
        connection is closed when it gives it back. Closing it from here while a statement runs
        on it in that thread crashes SQLite.
        """
        with self._lock:
            self._closed = True
            for conn in self._idle:
                conn.close()
                self._all.remove(conn)
            self._idle.clear()
        mine: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if mine is not None:  # the closing thread's own (the one that created the schema)
            self._local.conn = None
            with self._lock:
                if mine in self._all:
                    self._all.remove(mine)
            mine.close()
