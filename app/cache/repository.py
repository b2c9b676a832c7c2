"""Reading and writing a store's cached customers, orders and downloads.

Writes come from the sync (a page at a time, each in one transaction); reads come from the GUI
and the offline command line: the ordered ids of a view (sort, role, country, search), then the
rows of the visible window by id. Customers are stored as the API's object plus the columns the
views sort and filter by.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

from app.cache.criteria_sql import criteria_clause
from app.cache.database import LIST_INDEX, CacheFile, open_cache
from app.cache.insights import READ_COLUMNS, Charts, Summary, summarize, summary_and_charts
from app.cache.search import MATCH_CONDITION, fold, search_clause, search_rows
from app.domain.criteria import Criteria
from app.domain.customer import Customer, Figures
from app.domain.money import MoneyFormat
from app.domain.order import Download, Order
from app.domain.store_time import store_zone

log = logging.getLogger("app.cache")

#: The meta row keeping how the store writes money (:class:`MoneyFormat` as JSON).
MONEY_FORMAT_META = "money_format"
STORE_TIMEZONE_META = "store_timezone"

#: Sort keys of the customer views and the column each sorts by (every one is indexed).
SORT_COLUMNS: Mapping[str, str] = {
    "name": "name_key",
    "email": "email",
    "username": "username",
    "city": "city",
    "country": "country",
    "orders": "orders_count",
    "total_spent": "total_spent_cents",
    "last_order": "last_order_date",
    "registered": "created_at",
    "phone": "phone",
    "company": "company",
    "postcode": "postcode",
    "state": "state",
    "role": "role",
    "average_order": "average_order",
    "id": "id",
}


def _timestamp(value: datetime | None) -> int | None:
    return int(value.timestamp()) if value is not None else None


def _datetime(value: int | None) -> datetime | None:
    return datetime.fromtimestamp(value, UTC) if value is not None else None


@dataclass(frozen=True)
class CustomerFilter:
    """A view of the cached customers.

    Attributes:
        search: search box text (see app.cache.search).
        role: only this role (None for every role).
        criteria: the filters (country, orders, spending, dates...: app.domain.criteria).
        sort: a key of :data:`SORT_COLUMNS`.
        descending: sort direction.
    """

    search: str = ""
    role: str | None = "customer"
    criteria: Criteria = field(default_factory=Criteria)
    sort: str = "name"
    descending: bool = False


class CustomerRow(NamedTuple):
    """What a customer list shows of one customer, read from the cache's columns alone.

    The fields after ``id`` are in the order of the customer table's columns. City, country,
    company, postcode and state are the billing address's, else the shipping address's, as the
    views sort them; the phone is the billing phone. ``average_order`` is the total spent per
    order (None without orders or without known figures).
    """

    id: int
    name: str
    email: str
    username: str
    city: str
    country: str
    orders_count: int | None  # None: the store's API does not give it
    total_spent: Decimal | None
    last_order_date: datetime | None
    created_at: datetime | None
    phone: str = ""
    company: str = ""
    postcode: str = ""
    state: str = ""
    role: str = ""
    average_order: Decimal | None = None
    figures: Figures = Figures.EXACT  # how far the order figures can be trusted


_ROW_COLUMNS = (
    "id, display_name, email, username, city, country, orders_count, total_spent_cents,"
    " last_order_date, created_at, phone, company, postcode, state, role, figures"
)


def _one_step(conn: sqlite3.Connection, sql: str, params: Sequence[object]) -> Any:
    """The decoded JSON value that a one-row, one-column aggregate query returns.

    The GUI thread reads lists this way. Python's sqlite3 module lets go of the interpreter lock
    for every row a cursor steps through, and while another thread runs Python (a sync, an
    import) taking the lock back can wait a switch interval each time: 100,000 ids read row by
    row took seconds next to a busy thread, and take 40 ms as one JSON array.
    """
    (text,) = conn.execute(sql, params).fetchone()
    return json.loads(text)


def _customer_row(values: Sequence[Any]) -> CustomerRow:
    (
        customer_id,
        name,
        email,
        username,
        city,
        country,
        orders,
        cents,
        last_order,
        created,
        phone,
        company,
        postcode,
        state,
        role,
        figures,
    ) = values
    known = orders >= 0 and cents >= 0
    return CustomerRow(
        customer_id,
        name,
        email,
        username,
        city,
        country,
        orders if orders >= 0 else None,
        Decimal(cents).scaleb(-2) if cents >= 0 else None,
        _datetime(last_order),
        _datetime(created),
        phone,
        company,
        postcode,
        state,
        role,
        (Decimal(cents) / orders).scaleb(-2) if known and orders > 0 else None,
        _precision(figures),
    )


def _precision(value: str) -> Figures:
    """A ``figures`` column value; one this app does not know (a newer app's) trusts nothing."""
    try:
        return Figures(value)
    except ValueError:
        return Figures.UNKNOWN


def _stored_customer(document: str, figures: str) -> Customer:
    """A cached customer: its API object and how far its order figures can be trusted."""
    customer = Customer.from_api(json.loads(document))
    precision = _precision(figures)
    if customer.figures is Figures.UNKNOWN or precision is Figures.EXACT:
        return customer
    return customer.with_changes(figures=precision)


def _column_values(customer: Customer, document: str, confirmed_at: int) -> tuple[object, ...]:
    """The values of a customers row, in the column order the writes list them."""
    c = customer
    return (
        c.id,
        c.email,
        c.first_name,
        c.last_name,
        c.display_name,
        c.username,
        c.role or "",
        c.billing.company or c.shipping.company,
        c.billing.city or c.shipping.city,
        c.billing.country or c.shipping.country,
        _timestamp(c.created_at),
        _timestamp(c.last_update),
        c.last_order_id,
        _timestamp(c.last_order_date),
        # -1: a figure the store's API does not give (the columns take no NULL).
        c.orders_count if c.stats_known else -1,
        int((c.total_spent * 100).to_integral_value()) if c.stats_known else -1,
        document,
        confirmed_at,
        fold(c.display_name),
        c.figures.value,
        c.billing.phone,
        c.billing.postcode or c.shipping.postcode,
        c.billing.state or c.shipping.state,
    )


@dataclass(frozen=True)
class Coverage:
    """How complete and how fresh the cache is, stated honestly.

    Attributes:
        held: customers in the cache.
        store_total: how many the store reported at the last sync (None before any sync).
        store_total_at: when it reported that.
        last_full_sync: when the last full sync finished.
        last_quick_sync: when the last quick sync finished.
        oldest_confirmation: when the least recently confirmed cached customer was confirmed.
        scope: the role scope the cache holds and ``store_total`` counts ("all", "customer").
        proven: the last sync proved the cache's ids were exactly the store's for the scope.
        unaccounted: customers the last sync could not account for (0 when proven).
    """

    held: int
    store_total: int | None
    store_total_at: datetime | None
    last_full_sync: datetime | None
    last_quick_sync: datetime | None
    oldest_confirmation: datetime | None
    scope: str = "all"
    proven: bool = False
    unaccounted: int = 0

    @property
    def complete(self) -> bool:
        """Whether the cache holds exactly the store's accounts for its scope.

        Only a sync that proved it counts: equal counts alone prove nothing (one missing
        customer and one extra cancel out).
        """
        return self.proven and self.store_total is not None and self.held == self.store_total

    def describe(self) -> str:
        """The cache's coverage in a few words, for the status bar and ``cache info``."""
        accounts = "accounts" if self.scope == "all" else f"{self.scope} accounts"
        if self.store_total is None:
            return "Not synced yet"
        if self.complete:
            return f"All {self.held:,} {accounts} on this computer"
        if self.unaccounted:
            return (
                f"{self.held:,} {accounts} on this computer; {self.unaccounted:,} could not be "
                "accounted for at the last sync"
            )
        return f"{self.held:,} of {self.store_total:,} {accounts} on this computer"


class StoredWatch:
    """The customers the app (not a sync) stored through one cache instance, while watched.

    A sync watches its walk with one: the app's own creates, stored meanwhile by another
    lane's cache connection, are then told apart from customers the walk did not see because
    the store lost them. Watches are kept per cache file, so every connection to the file
    (one per thread) notes into them.
    """

    def __init__(self) -> None:
        self.ids: set[int] = set()


#: The live watches of each cache file (see :class:`StoredWatch`).
_WATCHES: dict[Path, weakref.WeakSet[StoredWatch]] = {}


class CustomerCache:
    """One store's cache; use one instance per thread (each holds its own connection)."""

    def __init__(self, file: CacheFile) -> None:
        self.file = file
        self._conn = file.conn
        # Every connection to the file notes into its watches; held weakly, so a watch dropped
        # by its sync (returned or raised) stops watching.
        self._watches = _WATCHES.setdefault(file.path.resolve(), weakref.WeakSet())

    def watch_stored(self) -> StoredWatch:
        """Start noting the ids of the customers the app stores from now on, until dropped."""
        watch = StoredWatch()
        self._watches.add(watch)
        return watch

    @classmethod
    def open(cls, cache_dir: Path, store_url: str) -> CustomerCache:
        """Open the cache of a store (see :func:`app.cache.database.open_cache`)."""
        return cls(open_cache(cache_dir, store_url))

    @property
    def notices(self) -> list[str]:
        """Messages for the user from opening the cache (e.g. a rebuilt damaged file)."""
        return self.file.notices

    def close(self) -> None:
        """Close the cache."""
        self.file.close()

    def analyze(self) -> None:
        """Refresh the query planner's statistics so searches and sorts pick the right index.

        Run after a full sync changed many rows.
        """
        try:
            self._conn.execute("ANALYZE")
        except sqlite3.Error as error:  # statistics are an optimisation, never a failure
            log.warning("ANALYZE of the cache failed: %s", error)

    # -- metadata ---------------------------------------------------------------------------

    def meta(self, name: str) -> str | None:
        """A sync metadata value."""
        row = self._conn.execute("SELECT value FROM meta WHERE name = ?", (name,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, values: Mapping[str, str | int | None]) -> None:
        """Set (or, with None, remove) metadata values in one transaction."""
        with self.file.transaction() as conn:
            self._write_meta(conn, values)

    @staticmethod
    def _write_meta(conn: sqlite3.Connection, values: Mapping[str, str | int | None]) -> None:
        for name, value in values.items():
            if value is None:
                conn.execute("DELETE FROM meta WHERE name = ?", (name,))
            else:
                conn.execute(
                    "INSERT INTO meta (name, value) VALUES (?, ?)"
                    " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                    (name, str(value)),
                )

    def money_format(self) -> MoneyFormat | None:
        """How the store writes money, as it last said (None: it never did)."""
        return MoneyFormat.from_json(self.meta(MONEY_FORMAT_META))

    def keep_money_format(self, money: MoneyFormat) -> None:
        """Remember how the store writes money, for the next start and offline."""
        self.set_meta({MONEY_FORMAT_META: money.to_json()})

    def store_zone(self) -> tzinfo | None:
        """The store's timezone, as it last said (None: it never did, or named none we know)."""
        return store_zone(self.meta(STORE_TIMEZONE_META))

    def keep_store_timezone(self, timezone_text: str) -> None:
        """Remember the store's timezone (``StoreInfo.timezone``); an empty one is not kept."""
        if store_zone(timezone_text) is not None:
            self.set_meta({STORE_TIMEZONE_META: timezone_text})

    def meta_time(self, name: str) -> datetime | None:
        """A metadata value holding Unix seconds, as a datetime."""
        value = self.meta(name)
        return _datetime(int(value)) if value and value.isdigit() else None

    # -- customers: writes ----------------------------------------------------------------------

    def upsert_customers(
        self,
        customers: Sequence[Customer],
        confirmed_at: int,
        meta: Mapping[str, str | int | None] | None = None,
        *,
        by_sync: bool = False,
    ) -> list[int]:
        """Store customers as the store just confirmed them (one transaction, with ``meta``).

        ``by_sync``: a sync stores them; anything else (the app's create, update, lookup or
        import) is noted by the cache's the watches (:class:`StoredWatch`) a running sync keeps.

        A customer held exactly as given is only marked confirmed: nothing a list shows or
        searches changed, so neither the row nor the search index is written again.

        Unless ``meta`` states the store's count afresh (a sync does), a customer new to the
        cache is one the store gained since it last counted (the app created or found it), so
        the remembered count moves with it and a proven cache stays proven.

        Returns:
            The ids of the customers that were new or differed from what was held, in the
            order given: what the views must show afresh.
        """
        # A page can list a customer twice (the list shifted while paging); the last one wins.
        customers = list({c.id: c for c in customers}.values())
        documents = [json.dumps(c.to_api(), ensure_ascii=False) for c in customers]
        with self.file.transaction() as conn:
            held = self._documents(conn, [c.id for c in customers])
            changed: list[tuple[Customer, str]] = []
            unchanged: list[tuple[int, int]] = []  # (confirmed_at, id) for the UPDATE
            for c, document in zip(customers, documents, strict=True):
                if held.get(c.id) == (document, c.figures.value):
                    unchanged.append((confirmed_at, c.id))
                else:
                    changed.append((c, document))
            conn.executemany("UPDATE customers SET confirmed_at = ? WHERE id = ?", unchanged)
            conn.executemany(
                "INSERT OR REPLACE INTO customers (id, email, first_name, last_name, display_name,"
                " username, role, company, city, country, created_at, last_update, last_order_id,"
                " last_order_date, orders_count, total_spent_cents, data, confirmed_at, name_key,"
                " figures, phone, postcode, state)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [_column_values(c, document, confirmed_at) for c, document in changed],
            )
            conn.executemany(
                "INSERT OR REPLACE INTO customer_search (rowid, text) VALUES (?, ?)",
                search_rows(c for c, _ in changed),
            )
            scope = self.meta("role_scope") or "all"
            gained = sum(1 for c, _ in changed if c.id not in held and scope in ("all", c.role))
            self._write_meta(conn, self._counted(conn, meta, gained))
        if not by_sync:
            for watch in self._watches:
                watch.ids.update(c.id for c in customers)
        return [c.id for c, _ in changed]

    @staticmethod
    def _counted(
        conn: sqlite3.Connection, meta: Mapping[str, str | int | None] | None, moved: int
    ) -> Mapping[str, str | int | None]:
        """``meta``, plus the store's remembered count moved by ``moved`` when not restated."""
        values = dict(meta or {})
        if moved and "store_total" not in values:
            row = conn.execute("SELECT value FROM meta WHERE name = 'store_total'").fetchone()
            if row is not None and str(row[0]).lstrip("-").isdigit():
                values["store_total"] = max(int(row[0]) + moved, 0)
        return values

    @staticmethod
    def _documents(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
        """The stored API objects (JSON text) and figure precisions of held customers."""
        found: dict[int, tuple[str, str]] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for customer_id, data, figures in conn.execute(
                f"SELECT id, data, figures FROM customers WHERE id IN ({marks})", chunk
            ):
                found[customer_id] = (data, figures)
        return found

    def delete_customers(
        self, ids: Iterable[int], meta: Mapping[str, str | int | None] | None = None
    ) -> int:
        """Remove customers (and what is cached of them) in one transaction; how many went."""
        rows = [(customer_id,) for customer_id in ids]
        with self.file.transaction() as conn:
            before = conn.total_changes
            conn.executemany("DELETE FROM customers WHERE id = ?", rows)
            removed = conn.total_changes - before
            conn.executemany("DELETE FROM customer_search WHERE rowid = ?", rows)
            conn.executemany("DELETE FROM orders WHERE customer_id = ?", rows)
            conn.executemany("DELETE FROM downloads WHERE customer_id = ?", rows)
            conn.executemany("DELETE FROM customer_details WHERE customer_id = ?", rows)
            self._write_meta(conn, self._counted(conn, meta, -removed))
        return removed

    # -- customers: reads ---------------------------------------------------------------------

    def count(self) -> int:
        """Customers held (every role)."""
        return int(self._conn.execute("SELECT COUNT(*) FROM customers").fetchone()[0])

    def all_ids(self) -> set[int]:
        """Every cached customer id."""
        return {row[0] for row in self._conn.execute("SELECT id FROM customers")}

    def update_stamps(self) -> dict[int, int | None]:
        """Every cached customer's ``last_update`` (Unix seconds, None when the store sent none).

        What a wc/v3 quick sync compares the store's ``date_modified_gmt`` scan with.
        """
        return dict(self._conn.execute("SELECT id, last_update FROM customers"))

    def ids_with_unknown_figures(self) -> set[int]:
        """Customers whose order figures no source gave (a failed or missing figures source)."""
        query = "SELECT id FROM customers WHERE figures = ?"
        return {row[0] for row in self._conn.execute(query, (str(Figures.UNKNOWN),))}

    def ids_confirmed_since(self, moment: int) -> list[int]:
        """Customers the store has confirmed at or after ``moment``, by id."""
        return [
            row[0]
            for row in self._conn.execute(
                "SELECT id FROM customers WHERE confirmed_at >= ? ORDER BY id", (moment,)
            )
        ]

    def ids_confirmed_before(self, moment: int) -> list[int]:
        """Customers the store has not confirmed since ``moment``."""
        return [
            row[0]
            for row in self._conn.execute(
                "SELECT id FROM customers WHERE confirmed_at < ?", (moment,)
            )
        ]

    def ordered_ids(self, view: CustomerFilter) -> list[int]:
        """The ids of a view, in its order (SQL does the sorting, filtering and searching)."""
        column = SORT_COLUMNS.get(view.sort)
        if column is None:
            raise ValueError(f"unknown sort key {view.sort!r}")
        where, params = self.view_conditions(view)
        direction = "DESC" if view.descending else "ASC"
        # Filters read the list index alone (then SQLite sorts what matched); without them,
        # walking the sort index in order is quicker than sorting every customer.
        table = f"customers c INDEXED BY {LIST_INDEX}" if not view.criteria.empty else "customers c"
        sql = f"SELECT c.id FROM {table} {'WHERE ' + ' AND '.join(where) if where else ''}"
        sql += f" ORDER BY c.{column} {direction}, c.id {direction}"
        # One JSON array in one step, not one step per id: see _one_step. SQLite feeds an
        # aggregate the rows of an ordered subquery in their order (the sort tests check it).
        ids: list[int] = _one_step(self._conn, f"SELECT json_group_array(id) FROM ({sql})", params)
        return ids

    def view_conditions(self, view: CustomerFilter) -> tuple[list[str], list[object]]:
        """The SQL conditions on ``customers c`` of a view's search, role and filters."""
        where: list[str] = []
        params: list[object] = []
        # The unary "+" keeps SQLite from driving the query by role (many rows each): the
        # search's own indexes, or the sort index, which carries the role, do better.
        if view.role:
            where.append("+c.role = ?")
            params.append(view.role)
        filters = criteria_clause(view.criteria, self.store_zone() or UTC)
        where += filters.sql
        params += filters.params
        clause = search_clause(view.search)
        where += clause.sql
        params += clause.params
        return where, params

    def summary(self, view: CustomerFilter) -> Summary:
        """The summary figures of a view's customers (one SQL aggregate)."""
        return summarize(self._conn, *self.view_conditions(view))

    def charts(self, view: CustomerFilter, today: date | None = None) -> Charts:
        """The data of a view's charts; months are the store's, up to ``today`` (its today)."""
        return self.insights(view, today)[1]

    def insights(self, view: CustomerFilter, today: date | None = None) -> tuple[Summary, Charts]:
        """A view's summary figures and charts together (fewer passes than one, then the other)."""
        zone = self.store_zone() or UTC
        day = today or datetime.now(zone).date()
        where, params = self.view_conditions(view)
        if MATCH_CONDITION in where:
            # A search: its full-text match would run again in every pass, over every customer.
            # The view's rows are read once, with it, into a temporary table of this connection.
            columns = ", ".join(f"c.{column}" for column in READ_COLUMNS)
            self._conn.execute("DROP TABLE IF EXISTS temp.listed")
            self._conn.execute(
                f"CREATE TEMP TABLE listed AS SELECT {columns}"
                f" FROM customers c INDEXED BY {LIST_INDEX} WHERE {' AND '.join(where)}",
                params,
            )
            try:
                return summary_and_charts(self._conn, [], [], zone, day, source="temp.listed c")
            finally:
                self._conn.execute("DROP TABLE temp.listed")
        # Only the role and countries (no search, no other filter): what the sort indexes hold.
        along = not view.search.strip() and view.criteria == Criteria(
            countries=view.criteria.countries
        )
        return summary_and_charts(self._conn, where, params, zone, day, along_sort_indexes=along)

    def customers_by_ids(self, ids: Sequence[int]) -> dict[int, Customer]:
        """The customers with these ids (missing ids are left out)."""
        found: dict[int, Customer] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for customer_id, data, figures in self._conn.execute(
                f"SELECT id, data, figures FROM customers WHERE id IN ({marks})", chunk
            ):
                found[customer_id] = _stored_customer(data, figures)
        return found

    def customer_rows(self, ids: Sequence[int]) -> dict[int, CustomerRow]:
        """The list rows of these customers (missing ids are left out).

        Read from the indexed columns, without decoding the stored API object: a screenful of
        rows costs a fraction of a millisecond, so a list can read them while it paints.
        """
        found: dict[int, CustomerRow] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            for values in _one_step(
                self._conn,
                f"SELECT json_group_array(json_array({_ROW_COLUMNS}))"
                f" FROM customers WHERE id IN ({marks})",
                chunk,
            ):
                found[values[0]] = _customer_row(values)
        return found

    def customers_by_emails(self, emails: Iterable[str]) -> dict[str, Customer]:
        """The customers with these emails, keyed by email in lower case (unknown ones left out).

        Compared case-insensitively the way the email column is (SQLite's NOCASE, which folds
        ASCII letters only, as email addresses are in practice), through its index. Should two
        customers share an address, the lower id wins.
        """
        wanted = sorted({email.strip().lower() for email in emails} - {""})
        found: dict[str, Customer] = {}
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for email, data, figures in self._conn.execute(
                f"SELECT email, data, figures FROM customers WHERE email IN ({marks}) ORDER BY id",
                chunk,
            ):
                if email.lower() not in found:
                    found[email.lower()] = _stored_customer(data, figures)
        return found

    def customer(self, customer_id: int) -> Customer | None:
        """One cached customer."""
        return self.customers_by_ids([customer_id]).get(customer_id)

    def roles(self) -> list[str]:
        """The roles present in the cache, most common first."""
        # Distinct roles by hopping through the role index (a handful of seeks instead of a
        # scan of every customer), then one counting range per role.
        present = [
            row[0]
            for row in self._conn.execute(
                "WITH RECURSIVE found(role) AS ("
                " SELECT MIN(role) FROM customers"
                " UNION ALL"
                " SELECT (SELECT MIN(role) FROM customers WHERE role > found.role) FROM found"
                " WHERE found.role IS NOT NULL"
                ") SELECT role FROM found WHERE role IS NOT NULL"
            )
        ]
        counts = {
            role: self._conn.execute(
                "SELECT COUNT(*) FROM customers WHERE role = ?", (role,)
            ).fetchone()[0]
            for role in present
        }
        return sorted(present, key=lambda role: (-counts[role], role))

    def role_counts(self) -> dict[str, int]:
        """How many customers each role present has (one grouped read of the role index)."""
        return dict(
            self._conn.execute("SELECT role, COUNT(*) FROM customers GROUP BY role").fetchall()
        )

    def countries(self) -> list[str]:
        """The countries present in the cache, alphabetically."""
        return [
            row[0]
            for row in self._conn.execute(
                "SELECT DISTINCT country FROM customers WHERE country != '' ORDER BY country"
            )
        ]

    def coverage(self) -> Coverage:
        """Counts and times that say how complete and fresh the cache is."""
        # Two statements: together SQLite reads every row; apart, each is one index lookup.
        (held,) = self._conn.execute("SELECT COUNT(*) FROM customers").fetchone()
        (oldest,) = self._conn.execute("SELECT MIN(confirmed_at) FROM customers").fetchone()
        total = self.meta("store_total")
        return Coverage(
            held=held,
            store_total=int(total) if total is not None else None,
            store_total_at=self.meta_time("store_total_at"),
            last_full_sync=self.meta_time("last_full_sync"),
            last_quick_sync=self.meta_time("last_quick_sync"),
            oldest_confirmation=_datetime(oldest),
            scope=self.meta("role_scope") or "all",
            proven=self.meta("ids_proven") == "1",
            unaccounted=int(self.meta("unaccounted") or 0),
        )

    # -- orders and downloads -----------------------------------------------------------------

    def store_orders(self, customer_id: int, orders: Sequence[Order], fetched_at: int) -> None:
        """Replace a customer's cached orders with what the store just sent."""
        with self.file.transaction() as conn:
            conn.execute("DELETE FROM orders WHERE customer_id = ?", (customer_id,))
            conn.executemany(
                "INSERT OR REPLACE INTO orders (id, customer_id, created_at, data)"
                " VALUES (?, ?, ?, ?)",
                [
                    (
                        o.id,
                        customer_id,
                        _timestamp(o.created_at),
                        json.dumps(o.to_api(), ensure_ascii=False),
                    )
                    for o in orders
                ],
            )
            conn.execute(
                "INSERT INTO customer_details (customer_id, orders_fetched_at) VALUES (?, ?)"
                " ON CONFLICT (customer_id) DO UPDATE"
                " SET orders_fetched_at = excluded.orders_fetched_at",
                (customer_id, fetched_at),
            )

    def orders(self, customer_id: int) -> list[Order] | None:
        """A customer's cached orders, newest first; None if never fetched."""
        if self._fetched_at(customer_id, "orders_fetched_at") is None:
            return None
        # In one step, as the GUI thread reads lists (see _one_step).
        stored = _one_step(
            self._conn,
            "SELECT json_group_array(json(data)) FROM (SELECT data FROM orders"
            " WHERE customer_id = ? ORDER BY created_at DESC, id DESC)",
            (customer_id,),
        )
        return [Order.from_api(data) for data in stored]

    def store_downloads(
        self, customer_id: int, downloads: Sequence[Download], fetched_at: int
    ) -> None:
        """Replace a customer's cached downloads."""
        with self.file.transaction() as conn:
            conn.execute("DELETE FROM downloads WHERE customer_id = ?", (customer_id,))
            conn.executemany(
                "INSERT INTO downloads (customer_id, position, data) VALUES (?, ?, ?)",
                [
                    (customer_id, position, json.dumps(d.to_api(), ensure_ascii=False))
                    for position, d in enumerate(downloads)
                ],
            )
            conn.execute(
                "INSERT INTO customer_details (customer_id, downloads_fetched_at) VALUES (?, ?)"
                " ON CONFLICT (customer_id) DO UPDATE"
                " SET downloads_fetched_at = excluded.downloads_fetched_at",
                (customer_id, fetched_at),
            )

    def downloads(self, customer_id: int) -> list[Download] | None:
        """A customer's cached downloads; None if never fetched."""
        if self._fetched_at(customer_id, "downloads_fetched_at") is None:
            return None
        stored = _one_step(
            self._conn,
            "SELECT json_group_array(json(data)) FROM (SELECT data FROM downloads"
            " WHERE customer_id = ? ORDER BY position)",
            (customer_id,),
        )
        return [Download.from_api(data) for data in stored]

    def _fetched_at(self, customer_id: int, column: str) -> int | None:
        row = self._conn.execute(
            f"SELECT {column} FROM customer_details WHERE customer_id = ?", (customer_id,)
        ).fetchone()
        return int(row[0]) if row and row[0] is not None else None
