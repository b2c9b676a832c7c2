"""The customer list's query: WordPress ``WP_User_Query`` semantics over the users table.

``filter[q]`` is WordPress' user search, not a full-text search: an exact, case-insensitive match
unless the term starts or ends with ``*``; which columns it looks at depends on the term (an
``@`` means the email only, a number means login or ID, a URL means the website). First and last
names are never searched. ``filter[role]`` defaults to ``customer``; ``all`` lifts the restriction.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from app.demo_store.schema import BILLING_FIELDS, SHIPPING_FIELDS
from app.demo_store.wcformat import parse_datetime, php_intval

_NUMERIC = re.compile(r"^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$", re.ASCII)
_URL = re.compile(r"^https?://", re.IGNORECASE)

#: ``filter[orderby]`` values and the column each sorts by; anything else sorts by login.
_ORDERBY_COLUMNS = {
    "id": "id",
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
    "display_name": "display_name",
    "name": "display_name",
    # Nobody authors posts in the demo store, so every count is 0 and ties fall back to ID.
    "post_count": "0",
}

#: User meta usable with ``filter[orderby_meta_key]``, mapped to the column that holds it.
_META_COLUMNS = {
    name: name
    for name in (
        "last_update",
        "first_name",
        "last_name",
        *(f"billing_{field}" for field in BILLING_FIELDS),
        *(f"shipping_{field}" for field in SHIPPING_FIELDS),
    )
}


@dataclass
class UserQuery:
    """A WHERE clause and ORDER BY clause with their parameters."""

    where: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)
    order_by: str = "registered ASC, id ASC"

    @property
    def where_sql(self) -> str:
        """The WHERE clause, or an empty string."""
        return f"WHERE {' AND '.join(self.where)}" if self.where else ""


def _like_escape(term: str) -> str:
    return term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _search(query: UserQuery, raw_term: str) -> None:
    term = raw_term.strip()
    if not term:
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
            clauses.append("id = ?")
            query.params.append(php_intval(term))
        elif leading or trailing:
            clauses.append(f"{column} LIKE ? ESCAPE '\\'")
            pattern = ("%" if leading else "") + _like_escape(term) + ("%" if trailing else "")
            query.params.append(pattern)
        else:
            clauses.append(f"{column} = ?")
            query.params.append(term)
    query.where.append(f"({' OR '.join(clauses)})")


def customer_query(filters: Mapping[str, str]) -> UserQuery:
    """Translate the list's ``filter[...]`` parameters into SQL."""
    query = UserQuery()
    roles = [role.strip() for role in filters.get("role", "customer").split(",") if role.strip()]
    roles = roles or ["customer"]
    if "all" not in roles:
        # A comma list means "has every listed role"; users here have exactly one.
        if len(set(roles)) > 1:
            query.where.append("0")
        else:
            query.where.append("role = ?")
            query.params.append(roles[0])
    _search(query, filters.get("q", ""))
    for name, operator in (("created_at_min", ">="), ("created_at_max", "<=")):
        if filters.get(name):
            query.where.append(f"registered {operator} ?")
            query.params.append(parse_datetime(filters[name]))
    order = filters.get("order", "")
    direction = "ASC" if not order or order.upper() == "ASC" else "DESC"
    orderby = filters.get("orderby", "") or "registered"
    if orderby.lower() in ("meta_value", "meta_value_num"):
        column = _META_COLUMNS.get(filters.get("orderby_meta_key", ""))
        if column is None:
            # WordPress joins on the meta key; users without that meta drop out of the result.
            query.where.append("0")
            column = "id"
        elif orderby.lower() == "meta_value_num" and column != "last_update":
            column = f"CAST({column} AS REAL)"
    else:
        column = _ORDERBY_COLUMNS.get(orderby.lower(), "login")
    query.order_by = f"{column} {direction}, id {direction}"
    return query
