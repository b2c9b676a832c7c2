"""The customer list's query: WordPress ``WP_User_Query`` semantics over the users table.

This module owns what ``GET /customers`` and ``GET /customers/count`` select and in which order,
as the legacy API's ``query_customers`` hands its filters to ``WP_User_Query``
(wc-api-v3-behavior.md sections 9 and 19):

* ``filter[q]`` is WordPress' user search, not a full-text search: an exact, case-insensitive
  match unless the term starts or ends with ``*``; which columns it looks at depends on the term
  (an ``@`` means the email only, a number means login or ID, a URL means the website). First
  and last names are never searched.
* ``filter[role]`` defaults to ``customer``; exactly ``all`` lifts the restriction. WordPress
  matches a role with ``LIKE`` on the serialised capabilities, so the case does not matter
  (``Customer`` finds customers, ``ALL`` is a role nobody has), and a comma list asks for users
  holding every listed role.
* ``filter[orderby]`` takes WordPress' names, case-sensitively (``ID`` and ``id`` sort by id,
  ``Id`` and anything unknown fall back to the login), also several at once (``registered,ID``).
  Nothing breaks ties: rows the sort key cannot tell apart come out in a per-query arbitrary
  order (see :mod:`app.demo_store.ties`), which is what makes page walks lose customers.
* ``filter[orderby_meta_key]`` joins the user meta of that key, so users without it drop out;
  ``meta_value``/``meta_value_num`` without a key sort by whatever meta row the role filter
  joined (the capabilities, equal for everyone of a role: all tied), and without a role filter
  there is no meta row at all and MySQL refuses the statement.

WordPress adds slashes to every query value before the API reads it (``wp_magic_quotes``): a
``'`` in ``filter[q]`` arrives with a backslash before it, so ``filter[q]=o'brien@…`` matches
nobody (section 19.2). The API's own extra URL-decoding comes after the slashes, so ``%2527``
still reaches the search as a bare ``'``. (Link headers are built from the request URI, whose
``%27`` is decoded after the slashing: the recorded store's links show a bare ``'``.)

A statement MySQL refuses (that last case, or ``LIMIT`` with a negative offset from ``page=0``)
lists nobody, and ``X-WC-Total`` then reports ``FOUND_ROWS()`` left over from an earlier statement
of the same request: a number that means nothing (:data:`STALE_FOUND_ROWS`).
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from urllib.parse import unquote_plus

from app.api.oauth import PhpParam
from app.demo_store.context import RequestContext
from app.demo_store.customers import PAID_STATUSES
from app.demo_store.errors import crash
from app.demo_store.listing import Window, invalid_parameter, php_empty, sql_limit
from app.demo_store.schema import BILLING_FIELDS, SHIPPING_FIELDS
from app.demo_store.ties import salts_for, tie_break_sql
from app.demo_store.wcformat import parse_datetime, php_intval

_NUMERIC = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$", re.ASCII)
_URL = re.compile(r"^https?://", re.IGNORECASE)
#: WordPress splits ``orderby`` on commas and white space (PCRE ``\s``).
_ORDERBY_SEPARATORS = re.compile(r"[,\s]+", re.ASCII)
#: What PHP's ``trim`` removes.
_PHP_TRIM = " \t\n\r\0\x0b"

#: ``X-WC-Total`` of a statement MySQL refused: ``FOUND_ROWS()`` then reports the row count of
#: an unrelated earlier statement of the request (WordPress' own bookkeeping). The recorded store
#: answered 9; it is never the number of customers.
STALE_FOUND_ROWS = 9

_ID = "users.id"
#: ``filter[orderby]`` names WordPress sorts by a users column; compared case-sensitively.
_ORDERBY_COLUMNS = {
    "login": "login",
    "user_login": "login",
    "nicename": "nicename",
    "user_nicename": "nicename",
    "email": "email",
    "user_email": "email",
    "url": "url",
    "user_url": "url",
    "registered": "registered",
    "user_registered": "registered",
    "name": "display_name",
    "display_name": "display_name",
    "ID": _ID,
    "id": _ID,
    # WordPress counts each user's published posts in a LEFT JOIN; customers author none, so
    # every count is NULL and everybody ties.
    "post_count": "NULL",
}
#: Names that order by ``FIELD(column, <the empty list WooCommerce never fills>)``: the same
#: value for everyone, and WordPress appends no direction to them.
_ORDERBY_CONSTANTS = ("nicename__in", "login__in")


class _Meta(NamedTuple):
    """One user meta key: its value as SQL, and which users have a row for it."""

    value: str
    present: str = "1"


def _capabilities_sql() -> str:
    """``wp_capabilities`` as WordPress serialises it for a user with one role."""
    return "('a:1:{s:' || length(role) || ':\"' || role || '\";b:1;}')"


_PAID = ", ".join(f"'{status}'" for status in PAID_STATUSES)

#: The user meta the demo store's users have (``orderby_meta_key``). WordPress writes its
#: profile keys for every user; WooCommerce writes an address field only when it is set, and
#: caches order figures. Any other key belongs to nobody.
_USER_META: dict[str, _Meta] = {
    "nickname": _Meta("login"),
    "first_name": _Meta("first_name"),
    "last_name": _Meta("last_name"),
    "description": _Meta("''"),
    "rich_editing": _Meta("'true'"),
    "syntax_highlighting": _Meta("'true'"),
    "comment_shortcuts": _Meta("'false'"),
    "admin_color": _Meta("'fresh'"),
    "use_ssl": _Meta("'0'"),
    "show_admin_bar_front": _Meta("'true'"),
    "locale": _Meta("''"),
    "dismissed_wp_pointers": _Meta("''"),
    "wp_capabilities": _Meta(_capabilities_sql()),
    "wp_user_level": _Meta(
        "(CASE role WHEN 'administrator' THEN '10' WHEN 'shop_manager' THEN '9' ELSE '0' END)"
    ),
    "last_update": _Meta("CAST(last_update AS TEXT)"),
    "_order_count": _Meta("(SELECT COUNT(*) FROM orders WHERE orders.customer_id = users.id)"),
    "_money_spent": _Meta(
        "(SELECT printf('%.2f', COALESCE(SUM(total_cents), 0) / 100.0) FROM orders"
        f" WHERE orders.customer_id = users.id AND orders.status IN ({_PAID}))"
    ),
    "paying_customer": _Meta(
        "'1'",
        "EXISTS (SELECT 1 FROM orders WHERE orders.customer_id = users.id"
        f" AND orders.status IN ({_PAID}))",
    ),
    **{
        f"{prefix}_{name}": _Meta(f"{prefix}_{name}", f"{prefix}_{name} <> ''")
        for prefix, fields in (("billing", BILLING_FIELDS), ("shipping", SHIPPING_FIELDS))
        for name in fields
    },
}


@dataclass
class UserQuery:
    """A WHERE clause with its parameters, and the requested ORDER BY terms.

    Attributes:
        where: conditions, joined with AND.
        params: their parameters.
        order_by: ORDER BY terms as WordPress builds them (no tie-breaker).
        broken: the statement MySQL would refuse (it names a table it never joined).
    """

    where: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)
    order_by: list[str] = field(default_factory=list)
    broken: bool = False

    @property
    def where_sql(self) -> str:
        """The WHERE clause, or an empty string."""
        return f"WHERE {' AND '.join(self.where)}" if self.where else ""

    def order_sql(self, salt: int) -> str:
        """The ORDER BY list: the requested terms, then the salted tie-breaker.

        Ids are unique: terms after an id term can never decide anything, and an order that has
        one needs no tie-breaker (which keeps id-ordered walks as quick as they can be).
        """
        terms: list[str] = []
        for term in self.order_by:
            terms.append(term)
            if term.startswith(f"{_ID} "):
                return ", ".join(terms)
        return ", ".join([*terms, tie_break_sql(salt)])


def _like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _ascii_upper(text: str) -> str:
    """PHP's ``strtoupper``: ASCII letters only (Python's also maps some non-ASCII to ASCII)."""
    return "".join(chr(ord(char) - 32) if "a" <= char <= "z" else char for char in text)


def _search(query: UserQuery, raw_term: str) -> None:
    term = raw_term.strip(_PHP_TRIM)
    if php_empty(term):
        return
    leading, trailing = term.startswith("*"), term.endswith("*")
    if leading or trailing:
        term = term.strip("*")
    if "@" in term:
        columns = ["email"]
    elif _NUMERIC.match(term):
        columns = ["login", "ID"]
    elif _URL.match(term):
        columns = ["url"]
    else:
        columns = ["login", "url", "email", "nicename", "display_name"]
    clauses = []
    for column in columns:
        if column == "ID":
            clauses.append("users.id = ?")
            query.params.append(php_intval(term))
        elif leading or trailing:
            clauses.append(f"{column} LIKE ? ESCAPE '\\'")
            pattern = ("%" if leading else "") + _like_escape(term) + ("%" if trailing else "")
            query.params.append(pattern)
        else:
            clauses.append(f"{column} = ?")
            query.params.append(term)
    query.where.append(f"({' OR '.join(clauses)})")


def _roles(raw: str) -> list[str] | None:
    """The roles a user must all hold, or None for every role (``filter[role]=all``)."""
    if php_empty(raw):
        raw = "customer"
    if raw == "all":  # WooCommerce compares exactly: "ALL" or " all" is a role name
        return None
    return [role.strip(_PHP_TRIM) for role in raw.split(",")]


def _meta_order(meta: _Meta | None, roles: list[str] | None, numeric: bool) -> str | None:
    """The value ``meta_value``/``meta_value_num`` sorts by; None when MySQL refuses it.

    WordPress sorts by "the" joined meta row: the ``orderby_meta_key`` one when given, else the
    capabilities row the role filter joined; with neither there is no such table in the query.
    """
    if meta is not None:
        value = meta.value
    elif roles is not None:
        value = _capabilities_sql()
    else:
        return None
    # MySQL compares meta values under a case-insensitive collation, and "+0" reads the leading
    # number of a text (0 when there is none), as CAST does in SQLite.
    return f"CAST({value} AS REAL)" if numeric else f"{value} COLLATE NOCASE"


def customer_query(filters: Mapping[str, str]) -> UserQuery:
    """Translate the list's ``filter[...]`` parameters into SQL."""
    query = UserQuery()
    roles = _roles(filters.get("role", ""))
    # One role per user here: two different roles match nobody, as in WordPress; an empty one
    # (``customer,``) matches nobody either. Roles are stored in lower case.
    for role in dict.fromkeys(role.lower() for role in roles or ()):
        query.where.append("role = ?")
        query.params.append(role)
    _search(query, filters.get("q", ""))
    for name, operator in (("created_at_min", ">="), ("created_at_max", "<=")):
        if not php_empty(filters.get(name, "")):
            query.where.append(f"registered {operator} ?")
            query.params.append(parse_datetime(filters[name]))
    raw_order = filters.get("order", "")
    direction = "ASC" if php_empty(raw_order) or _ascii_upper(raw_order) == "ASC" else "DESC"
    raw_orderby = filters.get("orderby", "")
    meta_key = ""
    if php_empty(raw_orderby):
        raw_orderby = "registered"
    else:
        # WooCommerce passes the meta key only along with an orderby; WordPress then joins
        # that meta, whatever the orderby is.
        meta_key = filters.get("orderby_meta_key", "")
    meta: _Meta | None = None
    if not php_empty(meta_key):
        meta = _USER_META.get(meta_key)
        if meta is None:
            query.where.append("0")  # nobody has a row for that key
        elif meta.present != "1":
            query.where.append(meta.present)
    for name in _ORDERBY_SEPARATORS.split(raw_orderby):
        if not name:
            continue
        if name in _ORDERBY_COLUMNS:
            query.order_by.append(f"{_ORDERBY_COLUMNS[name]} {direction}")
        elif name in ("meta_value", "meta_value_num") or (meta_key and name == meta_key):
            value = _meta_order(meta, roles, numeric=name == "meta_value_num")
            if value is None:
                query.broken = True
                continue
            query.order_by.append(f"{value} {direction}")
        elif name in _ORDERBY_CONSTANTS:
            query.order_by.append("NULL")  # not "0": SQLite reads a bare integer as a column
        # Anything else ("include" without an include list, "Id", "REGISTERED") is skipped.
    if not query.order_by:
        query.order_by.append(f"login {direction}")
    return query


def list_filters(ctx: RequestContext, params: Mapping[str, PhpParam]) -> Mapping[str, str]:
    """The ``filter[...]`` entries of a list or count request, as the API reads them.

    ``params`` is the query string as PHP parsed it. WordPress slashes the values, then the API
    URL-decodes them once more. ``filter`` given as text rather than entries crashes a real
    store (PHP 8 refuses to write ``$filter['page']`` into a string): 500 with the
    critical-error body, or the friendly 400.
    """
    value = params.get("filter")
    if isinstance(value, str):
        raise crash(
            ctx.settings, invalid_parameter("filter", "given as filter[name]=value entries")
        )
    # ``params`` arrive slashed already (wsgi.py applies wp_magic_quotes to all of $_GET).
    return {name: unquote_plus(item) for name, item in (value or {}).items()}


def select_customers(
    ctx: RequestContext, filters: Mapping[str, str], win: Window
) -> tuple[list[sqlite3.Row], int]:
    """The rows of one page (in the order the store answers) and ``X-WC-Total``."""
    query = customer_query(filters)
    if query.broken or win.broken:
        return [], STALE_FOUND_ROWS
    # The salt depends on the whole query, paging included: each page is its own query.
    signature = f"{query.where_sql}\0{query.params!r}\0{query.order_by!r}\0{sql_limit(win)}"
    salt = salts_for(ctx.db, ctx.settings.tie_seed).salt(signature)
    conn = ctx.db.connection()
    # One snapshot for the total and the page, as MySQL counts and selects in one statement.
    conn.execute("BEGIN")
    try:
        total = int(
            conn.execute(f"SELECT COUNT(*) FROM users {query.where_sql}", query.params).fetchone()[
                0
            ]
        )
        # Sorting ids alone and reading their rows afterwards keeps deep pages quick: the
        # sorter then carries two integers per user instead of the whole row.
        ids = [
            row[0]
            for row in conn.execute(
                f"SELECT users.id FROM users {query.where_sql}"
                f" ORDER BY {query.order_sql(salt)} {sql_limit(win)}",
                query.params,
            )
        ]
        found = {
            row["id"]: row
            for row in conn.execute(
                "SELECT * FROM users WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(ids),),
            )
        }
    finally:
        conn.execute("COMMIT")
    return [found[user_id] for user_id in ids], total


def count_customers(ctx: RequestContext, filters: Mapping[str, str], win: Window) -> int:
    """``GET /customers/count``: the total of the same query (paging does not change it)."""
    query = customer_query(filters)
    if query.broken or win.broken:
        return STALE_FOUND_ROWS
    sql = f"SELECT COUNT(*) FROM users {query.where_sql}"
    return int(ctx.db.connection().execute(sql, query.params).fetchone()[0])
