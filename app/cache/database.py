"""Opening a store's cache file: location, permissions, schema migrations, damage and errors.

One SQLite file per store, named after the store's host and a hash of its URL, in WAL mode so
the GUI can read while a sync writes. The schema version is ``PRAGMA user_version``; migrations
are ordered functions. A file that is not a database (or fails its integrity check) is moved
aside and rebuilt; a file that belongs to another store URL is never used for this one.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from app.errors import CacheError

log = logging.getLogger("app.cache")

_SCHEMA_V1 = """
CREATE TABLE meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL COLLATE NOCASE,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    display_name TEXT NOT NULL COLLATE NOCASE,
    username TEXT NOT NULL COLLATE NOCASE,
    role TEXT NOT NULL,
    company TEXT NOT NULL COLLATE NOCASE,
    city TEXT NOT NULL COLLATE NOCASE,
    country TEXT NOT NULL,
    created_at INTEGER,
    last_update INTEGER,
    last_order_id INTEGER,
    last_order_date INTEGER,
    orders_count INTEGER NOT NULL,
    total_spent_cents INTEGER NOT NULL,
    data TEXT NOT NULL,
    confirmed_at INTEGER NOT NULL
);
CREATE INDEX customers_by_display_name ON customers (display_name, id);
CREATE INDEX customers_by_email ON customers (email, id);
CREATE INDEX customers_by_username ON customers (username, id);
CREATE INDEX customers_by_city ON customers (city, id);
CREATE INDEX customers_by_country ON customers (country, id);
CREATE INDEX customers_by_orders ON customers (orders_count, id);
CREATE INDEX customers_by_spent ON customers (total_spent_cents, id);
CREATE INDEX customers_by_last_order ON customers (last_order_date, id);
CREATE INDEX customers_by_created ON customers (created_at, id);
CREATE INDEX customers_by_role ON customers (role, id);
CREATE INDEX customers_by_confirmed ON customers (confirmed_at);
CREATE VIRTUAL TABLE customer_search USING fts5 (text, tokenize = 'trigram');
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL,
    created_at INTEGER,
    data TEXT NOT NULL
);
CREATE INDEX orders_by_customer ON orders (customer_id, created_at);
CREATE TABLE downloads (
    customer_id INTEGER NOT NULL,
    position INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (customer_id, position)
);
CREATE TABLE customer_details (
    customer_id INTEGER PRIMARY KEY,
    orders_fetched_at INTEGER,
    downloads_fetched_at INTEGER
);
"""


def _run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run statements one by one (``executescript`` would commit the migration's transaction)."""
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


_SORT_INDEXES_V2 = {
    "customers_by_name": "name_key",
    "customers_by_email": "email",
    "customers_by_username": "username",
    "customers_by_city": "city",
    "customers_by_country": "country",
    "customers_by_orders": "orders_count",
    "customers_by_spent": "total_spent_cents",
    "customers_by_last_order": "last_order_date",
    "customers_by_created": "created_at",
}


def _migrate_to_v2(conn: sqlite3.Connection) -> None:
    """Fold names for sorting and prefix search; carry role and country in sort indexes.

    ``Élodie`` sorts and is found with the E's, and a role-filtered view is read from the
    index alone (and so is a country-filtered one).
    """
    from app.cache.search import fold

    conn.create_function("fold", 1, fold, deterministic=True)
    conn.execute("ALTER TABLE customers ADD COLUMN name_key TEXT NOT NULL DEFAULT ''")
    conn.execute("UPDATE customers SET name_key = fold(display_name)")
    for old in ("customers_by_display_name", "customers_by_role", *_SORT_INDEXES_V2):
        conn.execute(f"DROP INDEX IF EXISTS {old}")
    for name, column in _SORT_INDEXES_V2.items():
        conn.execute(f"CREATE INDEX {name} ON customers ({column}, id, role, country)")
    conn.execute("CREATE INDEX customers_by_role_id ON customers (id, role)")


def _migrate_to_v3(conn: sqlite3.Connection) -> None:
    """Index the role alone, so the few roles present are found without reading every row."""
    conn.execute("CREATE INDEX customers_by_role ON customers (role)")


def _migrate_to_v4(conn: sqlite3.Connection) -> None:
    """Keep how far a customer's order figures can be trusted (``Figures``).

    Rows written before knew two cases: the store's own figures, or none (-1 in the figure
    columns, a wc/v3 customer), which stay unknown until the next sync brings them.
    """
    conn.execute("ALTER TABLE customers ADD COLUMN figures TEXT NOT NULL DEFAULT 'exact'")
    conn.execute("UPDATE customers SET figures = 'unknown' WHERE orders_count < 0")


#: The address columns version 5 adds: each billing field, else the shipping one (as ``city``).
_ADDRESS_COLUMNS_V5 = ("phone", "postcode", "state")

#: The sort indexes version 5 adds, each carrying role and country like those of version 2.
_SORT_INDEXES_V5 = {
    "customers_by_phone": "phone",
    "customers_by_company": "company",
    "customers_by_postcode": "postcode",
    "customers_by_state": "state",
    "customers_by_average_order": "average_order",
}


def _address_field(name: str) -> str:
    """SQL reading an address field from the stored API object: billing, else shipping."""
    billing = f"CAST(json_extract(data, '$.billing_address.{name}') AS TEXT)"
    shipping = f"CAST(json_extract(data, '$.shipping_address.{name}') AS TEXT)"
    if name == "phone":  # shipping addresses have no phone
        return f"COALESCE({billing}, '')"
    return f"COALESCE(NULLIF({billing}, ''), {shipping}, '')"


def _migrate_to_v5(conn: sqlite3.Connection) -> None:
    """Columns the customer table can sort by: phone, postcode, state and average order value.

    Phone, postcode and state were only inside the stored API object; reading them from there
    for every row at each sort would cost a scan of 100,000 documents, so they get columns (the
    writes fill them) and indexes, like city. The average order value is computed from the
    figure columns by SQLite itself (a virtual column, indexed, NULL where it is not known).
    """
    for column in _ADDRESS_COLUMNS_V5:
        conn.execute(
            f"ALTER TABLE customers ADD COLUMN {column} TEXT NOT NULL DEFAULT '' COLLATE NOCASE"
        )
    conn.execute(
        "UPDATE customers SET "
        + ", ".join(f"{column} = {_address_field(column)}" for column in _ADDRESS_COLUMNS_V5)
    )
    conn.execute(
        "ALTER TABLE customers ADD COLUMN average_order REAL GENERATED ALWAYS AS ("
        "CASE WHEN orders_count > 0 AND total_spent_cents >= 0"
        " THEN total_spent_cents * 1.0 / orders_count END) VIRTUAL"
    )
    for name, column in _SORT_INDEXES_V5.items():
        conn.execute(f"CREATE INDEX {name} ON customers ({column}, id, role, country)")


#: The columns a list's filters, summary figures and charts read, in one index (version 6).
INSIGHT_COLUMNS = (
    # First what the summary and two charts group by, so that one pass walks them in order
    # (grouping in the index's order sorts nothing; app/cache/insights.py).
    "role",
    "country",
    "orders_count",
    "state",
    "city",
    "company",
    "phone",
    "total_spent_cents",
    "average_order",
    "created_at",
    "last_order_date",
    "figures",
    # And what a sort or a short search reads, so a filtered list is read from it alone.
    "name_key",
    "email",
    "username",
    "postcode",
)
#: The index of :data:`INSIGHT_COLUMNS`.
LIST_INDEX = "customers_for_lists"


def _migrate_to_v6(conn: sqlite3.Connection) -> None:
    """One index holding every column a filter, a summary or a chart reads.

    A customer's row also holds its stored API object (about 1.3 kB), so its row spills onto
    a page of its own, and the columns added by later versions lie after that object, in
    overflow pages: a filter on orders or a sum of spending over 100,000 customers read
    100,000 table pages (half a second to three). This index holds those columns alone
    (about 100 bytes a customer), so SQLite reads them from it and never opens a row; the
    sort indexes still serve a list without filters, walked in order.
    """
    columns = ", ".join(INSIGHT_COLUMNS)
    conn.execute(f"CREATE INDEX {LIST_INDEX} ON customers ({columns}, id)")


#: Schema migrations: entry N brings a file from user_version N to N + 1.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [
    lambda conn: _run_script(conn, _SCHEMA_V1),
    _migrate_to_v2,
    _migrate_to_v3,
    _migrate_to_v4,
    _migrate_to_v5,
    _migrate_to_v6,
]
SCHEMA_VERSION = len(MIGRATIONS)


def cache_path(cache_dir: Path, store_url: str) -> Path:
    """The cache file of a store: its host plus a hash of the whole URL (one file per store)."""
    host = (urlsplit(store_url).hostname or "store").replace(":", "_")
    digest = hashlib.sha256(store_url.encode()).hexdigest()[:12]
    return cache_dir / f"{host}-{digest}.sqlite3"


#: The files SQLite keeps beside a database: the write-ahead log and its index (WAL mode), and
#: the rollback journal (a file last opened in another journal mode, or left by a crash).
SQLITE_SIBLING_SUFFIXES = ("-wal", "-shm", "-journal")


def delete_cache_files(cache_dir: Path, store_url: str) -> bool:
    """Delete a store's cache file and SQLite's files beside it; whether any was there.

    Files that do not exist are fine (a store never synced has none). Copies set aside as
    unusable are left alone: they are kept on purpose, for the user to look at.

    Must not be called while a connection to that file is open in this process: on POSIX the
    open connection would keep writing to a file that no longer has a name (and SQLite would
    make a new, orphaned ``-wal`` beside it), and on Windows the open file cannot be deleted.
    Close the store's session (and its worker's connection) first.

    Raises:
        CacheError: when a file cannot be deleted (no permission, a read-only folder).
    """
    path = cache_path(cache_dir, store_url)
    removed = False
    # The siblings first: a log left behind could be replayed into a new file of the same
    # name, while a database left without its log still opens (as of its last checkpoint).
    for target in [Path(f"{path}{suffix}") for suffix in SQLITE_SIBLING_SUFFIXES] + [path]:
        try:
            target.unlink()
        except FileNotFoundError:
            continue
        except OSError as error:
            raise CacheError(
                f"The cache file {target} could not be deleted: {error.strerror or error}. "
                "Check the folder's permissions and try again.",
                detail=str(error),
            ) from error
        removed = True
    return removed


def _cache_error(error: sqlite3.Error, path: Path) -> CacheError:
    text = str(error).lower()
    if "disk i/o" in text:
        return CacheError(
            f"Reading or writing the cache ({path}) failed on the disk. Check the disk, or "
            "start the app with --data-dir pointing to another folder.",
            detail=str(error),
        )
    if "disk is full" in text:
        return CacheError(
            f"The disk holding the cache ({path.parent}) is full. Free some space and try again.",
            detail=str(error),
        )
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return CacheError(
            f"The cache folder {path.parent} cannot be written. Check its permissions, or start "
            "the app with --data-dir pointing to a writable folder.",
            detail=str(error),
        )
    if "locked" in text or "busy" in text:
        return CacheError(
            "The cache is busy in another program; try again in a moment.", detail=str(error)
        )
    return CacheError(f"The cache could not be used: {error}", detail=str(error))


@dataclass
class CacheFile:
    """An open connection to one store's cache file.

    Attributes:
        path: the file.
        store_url: the store it belongs to.
        notices: things the user should be told (e.g. a damaged cache that was rebuilt).
    """

    path: Path
    store_url: str
    conn: sqlite3.Connection
    notices: list[str] = field(default_factory=list)
    _closed: bool = field(default=False, repr=False)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """A write transaction taken up front; all or nothing.

        Raises:
            CacheError: for disk-full, read-only and other storage failures.
        """
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as error:
            raise _cache_error(error, self.path) from error
        try:
            yield self.conn
        except sqlite3.Error as error:
            self.conn.execute("ROLLBACK")
            raise _cache_error(error, self.path) from error
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        try:
            self.conn.execute("COMMIT")
        except sqlite3.Error as error:
            with contextlib.suppress(sqlite3.Error):
                self.conn.execute("ROLLBACK")
            raise _cache_error(error, self.path) from error

    def __post_init__(self) -> None:
        with _OPEN_LOCK:
            key = self.path.resolve()
            _OPEN[key] = _OPEN.get(key, 0) + 1

    def close(self) -> None:
        """Close the connection."""
        if self._closed:
            return
        self._closed = True
        self.conn.close()
        with _OPEN_LOCK:
            key = self.path.resolve()
            _OPEN[key] = _OPEN.get(key, 1) - 1
            if _OPEN[key] <= 0:
                del _OPEN[key]


def ensure_cache_dir(cache_dir: Path) -> None:
    """Create the cache folder if needed.

    Raises:
        CacheError: when it cannot be created (a file in the way, no permission).
    """
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CacheError(
            f"The cache folder {cache_dir} cannot be created: {error.strerror or error}. "
            "Start the app with --data-dir pointing to a writable folder.",
            detail=str(error),
        ) from error


#: How many connections this process holds open to each cache file.
_OPEN: dict[Path, int] = {}
_OPEN_LOCK = threading.Lock()


def open_cache(cache_dir: Path, store_url: str) -> CacheFile:
    """Open (creating or migrating as needed) the cache of a store.

    Raises:
        CacheError: when the folder cannot be written or the disk is full.
    """
    path = cache_path(cache_dir, store_url)
    notices: list[str] = []
    ensure_cache_dir(cache_dir)
    for _attempt in range(2):
        try:
            # Before connecting: a reader creates the WAL file. A file this process holds open
            # already was checked by its first connection, and no crash can have left it since:
            # its WAL file is the open connections' (the GUI's, each worker's), and reading
            # every page again for each of them slowed the window.
            intact = _OPEN.get(path.resolve(), 0) > 0 or closed_cleanly(path)
            conn = _connect(path)
            _check_and_migrate(conn, store_url, verify_pages=not intact)
            return CacheFile(path, store_url, conn, notices)
        except _UnusableFileError as problem:
            moved = _move_aside(path, problem.reason)
            notices.append(
                f"The local cache was {problem.reason} and has been rebuilt; the old file was "
                f"kept as {moved.name}. Customers will be fetched from the store again."
            )
            log.warning("cache %s %s; moved to %s", path, problem.reason, moved)
        except sqlite3.Error as error:
            raise _cache_error(error, path) from error
    raise CacheError(f"The cache {path} could not be rebuilt.")


class _UnusableFileError(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _connect(path: Path) -> sqlite3.Connection:
    existed = path.exists()
    old_umask = os.umask(0o077)  # the cache holds customers' personal data: owner only
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=15)
    finally:
        os.umask(old_umask)
    if not existed:
        with contextlib.suppress(OSError):
            path.chmod(0o600)
    return conn


def _use_wal(conn: sqlite3.Connection) -> None:
    """WAL lets the GUI read while a sync writes; set only on a file known to be ours."""
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")


def _check_and_migrate(conn: sqlite3.Connection, store_url: str, *, verify_pages: bool) -> None:
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version == 0 and conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0]:
            raise _UnusableFileError("another program's database")
        if version > 0:
            if verify_pages:
                status = conn.execute("PRAGMA quick_check").fetchone()[0]
                if status != "ok":
                    raise _UnusableFileError("damaged")
            row = conn.execute("SELECT value FROM meta WHERE name = 'store_url'").fetchone()
            if row is not None and row[0] != store_url:
                raise _UnusableFileError(f"made for another store ({row[0]})")
    except sqlite3.DatabaseError as error:
        conn.close()
        raise _UnusableFileError("damaged") from error
    except _UnusableFileError:
        conn.close()
        raise
    if version > SCHEMA_VERSION:
        conn.close()
        raise _UnusableFileError("written by a newer version of the app")
    try:
        _use_wal(conn)
        for step in range(version, SCHEMA_VERSION):
            conn.execute("BEGIN IMMEDIATE")
            try:
                MIGRATIONS[step](conn)
                conn.execute(f"PRAGMA user_version = {step + 1}")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
    except BaseException:
        conn.close()
        raise
    conn.execute("INSERT OR IGNORE INTO meta (name, value) VALUES ('store_url', ?)", (store_url,))


def closed_cleanly(path: Path) -> bool:
    """Whether the file is whole and was closed in order, so the full check can be skipped.

    ``PRAGMA quick_check`` reads every page: a third of a second at 100,000 customers, on every
    launch. It is needed after a crash (a write-ahead log is left behind) or when the file was
    cut short (its size differs from the page count its header records); a file closed in order
    at its recorded size is checked by SQLite itself as pages are read.
    """
    if Path(f"{path}-wal").exists():
        return False
    try:
        with path.open("rb") as file:
            header = file.read(100)
        size = path.stat().st_size
    except OSError:
        return False
    if len(header) < 100 or not header.startswith(b"SQLite format 3\x00"):
        return False
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    page_count = int.from_bytes(header[28:32], "big")
    return page_count > 0 and size == page_size * page_count


def _move_aside(path: Path, reason: str) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.stem}.{stamp}.unusable{path.suffix}")
    number = 2
    while target.exists():  # never overwrite a copy set aside earlier
        target = path.with_name(f"{path.stem}.{stamp}-{number}.unusable{path.suffix}")
        number += 1
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{path}{suffix}")
        if source.exists():
            source.replace(Path(f"{target}{suffix}"))
    return target
