"""WooCommerce Analytics' customers report, ``GET /wc-analytics/reports/customers`` (§14.3).

The one analytics route a client reads for order figures when ``wc/v1`` and ``wc/v2`` are gone.
Its rows are keyed by a lookup-table id that is **not** the WordPress user id (``user_id`` is);
alice, user 2, is lookup id 1. The lookup table (``wc_customer_lookup``) gets a row the first time
a registered customer is reported, in user-id order, so the ids differ from the users' as on a
real store.

Analytics' semantics differ from the legacy figures: ``orders_count`` counts every order whose
status is not excluded from reports (WooCommerce's default exclusions: pending, failed,
cancelled, plus auto-draft, trash and checkout-draft; derived from source), ``total_spend`` sums
those orders' totals (so an on-hold order's 45 counts, where the legacy ``total_spent`` is 0.00),
a refunded order counts with its refund taking its total back (derived), and both are JSON
numbers. ``date_last_order`` is site time with a space, ``date_registered``/``date_last_active``
site time with a ``T``; the demo site's time zone is UTC.

Served: ``page``, ``per_page`` (1..100, default 25), ``order``, ``orderby`` (the report's enum),
``users`` and the ``X-WP-Total``/``X-WP-TotalPages``/``Link`` headers of §4.6. Other filters are
accepted and ignored. Guest customers (a real report lists them too, with ``user_id`` null) are
not reported by the demo store; nor is the lag of a store that never ran the analytics import.
"""

from __future__ import annotations

import math
import sqlite3
from datetime import UTC, datetime
from typing import Any

from app.demo_store.rest.customers import _require
from app.demo_store.rest.errors import invalid_params
from app.demo_store.rest.params import check_per_page, int_list, is_integer
from app.demo_store.rest.pipeline import RestAnswer, RestRequest, RestRoute, link_header

LOOKUP_TABLE = """CREATE TABLE IF NOT EXISTS wc_customer_lookup (
    customer_id INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id INTEGER NOT NULL UNIQUE
)"""
#: Statuses Analytics leaves out of every report (``get_excluded_report_order_statuses``).
EXCLUDED_STATUSES = ("pending", "failed", "cancelled", "auto-draft", "trash", "checkout-draft")
ORDERBY = {
    "username": "users.login",
    "name": "users.first_name || ' ' || users.last_name",
    "country": "users.billing_country",
    "city": "users.billing_city",
    "state": "users.billing_state",
    "postcode": "users.billing_postcode",
    "date_registered": "users.registered",
    "date_last_active": "figures.last_created",
    "orders_count": "COALESCE(figures.orders_count, 0)",
    "total_spend": "COALESCE(figures.spend_cents, 0)",
    "avg_order_value": (
        "CASE WHEN figures.orders_count > 0"
        " THEN figures.spend_cents * 1.0 / figures.orders_count ELSE 0 END"
    ),
}
_EXCLUDED_SQL = ", ".join(f"'{status}'" for status in EXCLUDED_STATUSES)
#: Per user: the counted orders, their total (a refunded order's is taken back), the newest.
_FIGURES_SQL = f"""SELECT customer_id,
    COUNT(*) AS orders_count,
    SUM(CASE WHEN status = 'refunded' THEN 0 ELSE total_cents END) AS spend_cents,
    MAX(created_at) AS last_created
  FROM orders WHERE customer_id > 0 AND status NOT IN ({_EXCLUDED_SQL}) GROUP BY customer_id"""


def _local(timestamp: int | None, separator: str = "T") -> str | None:
    if not timestamp:
        return None
    return datetime.fromtimestamp(timestamp, UTC).strftime(f"%Y-%m-%d{separator}%H:%M:%S")


def _number(cents: int) -> int | float:
    """A JSON number as PHP's float prints it: ``45`` for 45.00, ``49.99``."""
    value = cents / 100
    return int(value) if value.is_integer() else value


def _register(conn: sqlite3.Connection, users: list[int] | None) -> None:
    """Give every reported registered customer its lookup row (in user-id order)."""
    where = "(users.role = 'customer' OR users.id IN (SELECT customer_id FROM orders))"
    args: list[Any] = []
    if users:
        where += f" AND users.id IN ({','.join('?' * len(users))})"
        args.extend(users)
    conn.execute(
        f"INSERT OR IGNORE INTO wc_customer_lookup (user_id)"
        f" SELECT users.id FROM users WHERE {where} ORDER BY users.id",
        args,
    )


def _row(req: RestRequest, row: sqlite3.Row) -> dict[str, Any]:
    count = int(row["orders_count"] or 0)
    spend = int(row["spend_cents"] or 0)
    average = spend / count / 100 if count else 0
    link = f"{req.site.home_url}/wp-json/wc-analytics/customers/{row['lookup_id']}"
    return {
        "id": row["lookup_id"],
        "user_id": row["id"],
        "username": row["login"],
        "name": f"{row['first_name']} {row['last_name']}",
        "email": row["email"],
        "country": row["billing_country"],
        "city": row["billing_city"],
        "state": row["billing_state"],
        "postcode": row["billing_postcode"],
        "date_registered": _local(row["registered"]),
        "date_last_active": _local(row["last_created"]),
        "date_last_order": _local(row["last_created"], " "),
        "orders_count": count,
        "total_spend": _number(spend),
        "avg_order_value": int(average) if float(average).is_integer() else average,
        "date_registered_gmt": _local(row["registered"]),
        "date_last_active_gmt": _local(row["last_created"]),
        "_links": {"customer": [{"href": link}]},
    }


def customers_report(req: RestRequest, _: dict[str, str]) -> RestAnswer:
    """``GET /wc-analytics/reports/customers`` (§14.3)."""
    p = req.params
    problems: dict[str, tuple[str, str, Any]] = {}
    page = p.get("page", 1)
    if not is_integer(page):
        problems["page"] = ("page is not of type integer.", "rest_invalid_type", {"param": "page"})
    elif int(page) < 1:
        problems["page"] = ("page must be greater than or equal to 1", "rest_out_of_bounds", None)
    per_page = p.get("per_page", 25)
    check_per_page(per_page, problems)
    order = p.get("order", "desc")
    if order not in ("asc", "desc"):
        problems["order"] = ("order is not one of asc and desc.", "rest_not_in_enum", None)
    orderby = p.get("orderby", "date_registered")
    if orderby not in ORDERBY:
        problems["orderby"] = (
            "orderby is not one of " + ", ".join(list(ORDERBY)[:-1]) + ", and avg_order_value.",
            "rest_not_in_enum",
            None,
        )
    users = int_list(p.get("users"))
    if users is None:
        problems["users"] = (
            "users[0] is not of type integer.",
            "rest_invalid_type",
            {"param": "users[0]"},
        )
    if problems:
        raise invalid_params(problems)
    _require(
        req,
        "view_woocommerce_reports",
        "woocommerce_rest_cannot_view",
        "Sorry, you cannot list resources.",
    )
    per_page, page = int(per_page), int(page)
    with req.db.write() as conn:
        _register(conn, users)
    where = ""
    args: list[Any] = []
    if users:
        where = f"WHERE users.id IN ({','.join('?' * len(users))})"
        args.extend(users)
    direction = "DESC" if order == "desc" else "ASC"
    sql = (
        f"FROM wc_customer_lookup lookup JOIN users ON users.id = lookup.user_id"
        f" LEFT JOIN ({_FIGURES_SQL}) figures ON figures.customer_id = users.id {where}"
    )
    conn = req.db.connection()
    total = int(conn.execute(f"SELECT COUNT(*) {sql}", args).fetchone()[0])
    rows = conn.execute(
        f"SELECT users.*, lookup.customer_id AS lookup_id, figures.orders_count,"
        f" figures.spend_cents, figures.last_created {sql}"
        f" ORDER BY {ORDERBY[orderby]} {direction}, lookup.customer_id {direction}"
        f" LIMIT ? OFFSET ?",
        [*args, per_page, (page - 1) * per_page],
    ).fetchall()
    total_pages = math.ceil(total / per_page)
    headers = [("X-WP-Total", str(total)), ("X-WP-TotalPages", str(total_pages))]
    headers += link_header(
        req.site.home_url, "/wc-analytics/reports/customers", req.query, page, total_pages
    )
    return RestAnswer([_row(req, row) for row in rows], headers=headers, is_list=True)


ROUTES = [RestRoute(r"/wc-analytics/reports/customers", {"GET": customers_report})]
