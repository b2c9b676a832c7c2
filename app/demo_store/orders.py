"""Orders and downloads as the legacy API writes them (sections 10, 11 and 19.5).

This module owns the orders side of the store: a customer's orders and downloads, the order
count and single orders. ``/customers/<id>/orders`` goes through the orders list: 10 newest
orders by default, the usual filters, paging headers, but the ``page`` parameter is ignored.
Each order embeds its customer: the full customer object, or for a guest order a small one
built from the order's addresses.

With HPOS order storage (``StoreSettings.hpos``) the legacy API reads orders from the posts
table, which then holds only placeholders: every order list is empty, the count is 0 and a
single order is "Invalid order", while a customer's order figures (kept per customer) and
downloads (their own table) stay right.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Mapping, Sequence
from typing import Any

from app.demo_store.context import RequestContext
from app.demo_store.customers import address, customer_objects
from app.demo_store.errors import ApiError
from app.demo_store.listing import Window, sql_limit
from app.demo_store.schema import BILLING_FIELDS, SHIPPING_FIELDS
from app.demo_store.signature import rawurlencode
from app.demo_store.wcformat import absint, format_datetime, format_money, parse_datetime

#: An order's post title as WooCommerce writes it ("Order &ndash; May 4, 2024 @ 09:15 AM").
_ORDER_TITLE = (
    "'Order &ndash; ' || "
    "CASE CAST(strftime('%m', created_at, 'unixepoch') AS INTEGER) "
    + " ".join(
        f"WHEN {number} THEN '{name}'"
        for number, name in enumerate(
            (
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ),
            start=1,
        )
    )
    + " END || ' ' || CAST(strftime('%d', created_at, 'unixepoch') AS INTEGER) || ', ' || "
    "strftime('%Y', created_at, 'unixepoch') || ' @ ' || "
    "printf('%02d', (CAST(strftime('%H', created_at, 'unixepoch') AS INTEGER) + 11) % 12 + 1)"
    " || ':' || strftime('%M', created_at, 'unixepoch') || ' ' || "
    "CASE WHEN CAST(strftime('%H', created_at, 'unixepoch') AS INTEGER) < 12"
    " THEN 'AM' ELSE 'PM' END"
)

#: Statuses whose orders grant access to downloadable files.
DOWNLOAD_STATUSES = ("completed", "processing")


def order_query(customer_id: int, filters: Mapping[str, str]) -> tuple[str, list[Any], str]:
    """WHERE clause, parameters and ORDER BY for a customer's orders."""
    where = ["customer_id = ?"]
    params: list[Any] = [customer_id]
    # The store prefixes each status with "wc-" itself, so "wc-completed" matches nothing.
    statuses = [status.strip() for status in filters.get("status", "").split(",")]
    statuses = [status for status in statuses if status]
    if statuses:
        where.append(f"status IN ({','.join('?' * len(statuses))})")
        params += statuses
    for name, column, operator in (
        ("created_at_min", "created_at", ">="),
        ("created_at_max", "created_at", "<="),
        ("updated_at_min", "updated_at", ">="),
        ("updated_at_max", "updated_at", "<="),
    ):
        if filters.get(name):
            where.append(f"{column} {operator} ?")
            params.append(parse_datetime(filters[name]))
    for word in filters.get("q", "").split():
        # WordPress' post search: every word must occur in the order's title or its note.
        where.append(
            "(instr(lower(" + _ORDER_TITLE + "), lower(?)) > 0 OR instr(lower(note), lower(?)) > 0)"
        )
        params += [word, word]
    order = filters.get("order", "")
    direction = "ASC" if order.upper() == "ASC" else "DESC"  # orders default to newest first
    column = "id" if filters.get("orderby", "").lower() in ("id", "ID") else "created_at"
    return " AND ".join(where), params, f"{column} {direction}, id {direction}"


def customer_orders(
    ctx: RequestContext, customer_id: int, filters: Mapping[str, str], win: Window
) -> tuple[list[dict[str, Any]], int]:
    """One page of a customer's orders and how many match in all (none under HPOS)."""
    if ctx.settings.hpos:
        return [], 0
    conn = ctx.db.connection()
    where, params, order_by = order_query(customer_id, filters)
    total = conn.execute(f"SELECT COUNT(*) FROM orders WHERE {where}", params).fetchone()[0]
    rows = conn.execute(
        f"SELECT * FROM orders WHERE {where} ORDER BY {order_by} {sql_limit(win)}",
        params,
    ).fetchall()
    decimals = min(absint(filters["dp"]), 12) if filters.get("dp", "").strip() else 2
    return order_objects(ctx, rows, decimals), total


def order_count(ctx: RequestContext, filters: Mapping[str, str]) -> int:
    """``orders/count``: orders of any status or of the ``filter[status]`` list; 0 (HPOS)."""
    if ctx.settings.hpos:
        return 0
    statuses = [status.strip() for status in filters.get("status", "").split(",")]
    statuses = [status for status in statuses if status and status != "any"]
    where = f"WHERE status IN ({','.join('?' * len(statuses))})" if statuses else ""
    count: int = (
        ctx.db.connection().execute(f"SELECT COUNT(*) FROM orders {where}", statuses).fetchone()[0]
    )
    return count


def single_order(ctx: RequestContext, raw_id: object) -> dict[str, Any]:
    """``orders/<id>``: ``validate_request`` for a post of type ``shop_order``.

    Raises:
        ApiError: 404 for id 0, for an id that is no post, and for a post that is not an
            order (under HPOS every order's post is a placeholder of another type); 401
            without ``read_private_shop_orders``.
    """
    order_id = absint(raw_id)
    if order_id == 0:
        raise ApiError(404, "woocommerce_api_invalid_order_id", "Invalid shop_order ID")
    conn = ctx.db.connection()
    row = conn.execute("SELECT * FROM orders WHERE id = ?", (order_id,)).fetchone()
    is_product = conn.execute("SELECT 1 FROM products WHERE id = ?", (order_id,)).fetchone()
    if row is None and not is_product:
        raise ApiError(
            404,
            "woocommerce_api_no_order_found",
            f"No order found with the ID equal to {order_id}",
        )
    if row is None or ctx.settings.hpos:
        raise ApiError(404, "woocommerce_api_invalid_order", "Invalid order")
    if not ctx.caller.can("read_private_shop_orders"):
        raise ApiError(
            401,
            "woocommerce_api_user_cannot_read_order",
            "You do not have permission to read this order",
        )
    return order_objects(ctx, [row])[0]


def order_objects(
    ctx: RequestContext, rows: Sequence[sqlite3.Row], decimals: int = 2
) -> list[dict[str, Any]]:
    """Order objects with line items and the embedded customer."""
    conn = ctx.db.connection()
    ids = [row["id"] for row in rows]
    items: dict[int, list[sqlite3.Row]] = {order_id: [] for order_id in ids}
    if ids:
        for item in conn.execute(
            f"SELECT * FROM order_items WHERE order_id IN ({','.join('?' * len(ids))}) ORDER BY id",
            ids,
        ):
            items[item["order_id"]].append(item)
    customer_ids = sorted({row["customer_id"] for row in rows if row["customer_id"]})
    customers: dict[int, dict[str, Any]] = {}
    if customer_ids:
        user_rows = conn.execute(
            f"SELECT * FROM users WHERE id IN ({','.join('?' * len(customer_ids))})",
            customer_ids,
        ).fetchall()
        customers = {c["id"]: c for c in customer_objects(conn, user_rows, ctx.settings)}
    return [
        _order_object(ctx, row, items[row["id"]], customers.get(row["customer_id"]), decimals)
        for row in rows
    ]


def _order_object(
    ctx: RequestContext,
    row: sqlite3.Row,
    items: Sequence[sqlite3.Row],
    customer: dict[str, Any] | None,
    decimals: int,
) -> dict[str, Any]:
    def money(cents: int) -> str:
        return format_money(cents, decimals)

    billing = address(row, "billing", BILLING_FIELDS)
    shipping = address(row, "shipping", SHIPPING_FIELDS)
    item_tax = sum(item["tax_cents"] for item in items)
    if customer is None:
        customer = {
            "id": 0,
            "email": billing["email"],
            "first_name": billing["first_name"],
            "last_name": billing["last_name"],
            "billing_address": billing,
            "shipping_address": shipping,
        }
    return {
        "id": row["id"],
        "order_number": str(row["id"]),
        "order_key": row["order_key"],
        "created_at": format_datetime(row["created_at"]),
        "updated_at": format_datetime(row["updated_at"]),
        "completed_at": format_datetime(row["completed_at"] or 0),
        "status": row["status"],
        "currency": row["currency"],
        "total": money(row["total_cents"]),
        "subtotal": money(row["subtotal_cents"]),
        "total_line_items_quantity": sum(item["quantity"] for item in items),
        "total_tax": money(row["tax_cents"]),
        "total_shipping": money(row["shipping_cents"]),
        "cart_tax": money(item_tax),
        "shipping_tax": money(row["tax_cents"] - item_tax),
        "total_discount": money(row["discount_cents"]),
        "shipping_methods": row["shipping_method_title"],
        "payment_details": {
            "method_id": row["payment_method_id"],
            "method_title": row["payment_method_title"],
            "paid": bool(row["paid"]),
        },
        "billing_address": billing,
        "shipping_address": shipping,
        "note": row["note"],
        "customer_ip": row["customer_ip"],
        "customer_user_agent": row["customer_user_agent"],
        "customer_id": row["customer_id"],
        "view_order_url": f"{ctx.settings.home_url}/my-account/view-order/{row['id']}/",
        "line_items": [_line_item(item, money) for item in items],
        "shipping_lines": (
            [
                {
                    "id": row["shipping_line_id"],
                    "method_id": row["shipping_method_id"],
                    "method_title": row["shipping_method_title"],
                    "total": money(row["shipping_cents"]),
                }
            ]
            if row["shipping_line_id"]
            else []
        ),
        "tax_lines": (
            [
                {
                    "id": row["tax_line_id"],
                    "rate_id": 1,
                    "code": row["tax_rate_code"],
                    "title": "Tax",
                    "total": money(row["tax_cents"]),
                    "compound": False,
                }
            ]
            if row["tax_line_id"]
            else []
        ),
        "fee_lines": [],
        "coupon_lines": (
            [
                {
                    "id": row["coupon_line_id"],
                    "code": row["coupon_code"],
                    "amount": money(row["discount_cents"]),
                }
            ]
            if row["coupon_line_id"]
            else []
        ),
        "customer": customer,
    }


def _line_item(item: sqlite3.Row, money: Any) -> dict[str, Any]:
    quantity = item["quantity"]
    return {
        "id": item["id"],
        "subtotal": money(item["subtotal_cents"]),
        "subtotal_tax": money(item["tax_cents"]),
        "total": money(item["total_cents"]),
        "total_tax": money(item["tax_cents"]),
        "price": money(round(item["total_cents"] / quantity) if quantity else 0),
        "quantity": quantity,
        "tax_class": "",
        "name": item["name"],
        "product_id": item["product_id"],
        "sku": item["sku"],
        "meta": [],
    }


def customer_downloads(ctx: RequestContext, customer_id: int) -> list[dict[str, Any]]:
    """Files the customer may still download: remaining downloads, unexpired, paid order."""
    conn = ctx.db.connection()
    statuses = ",".join(f"'{status}'" for status in DOWNLOAD_STATUSES)
    rows = conn.execute(
        "SELECT p.*, pr.file_name, pr.file_url FROM download_permissions p"
        " JOIN orders o ON o.id = p.order_id JOIN products pr ON pr.id = p.product_id"
        f" WHERE p.user_id = ? AND o.status IN ({statuses})"
        " AND (p.downloads_remaining = '' OR CAST(p.downloads_remaining AS INTEGER) > 0)"
        " AND (p.access_expires IS NULL OR p.access_expires > ?)"
        " ORDER BY p.order_id, p.id",
        (customer_id, int(time.time())),
    ).fetchall()
    home = ctx.settings.home_url
    return [
        {
            "download_url": (
                f"{home}/?download_file={row['product_id']}&order={row['order_key']}"
                f"&email={rawurlencode(row['user_email'])}&key={row['download_id']}"
            ),
            "download_id": row["download_id"],
            "product_id": row["product_id"],
            "download_name": row["file_name"],
            "order_id": row["order_id"],
            "order_key": row["order_key"],
            "downloads_remaining": row["downloads_remaining"],
            "access_expires": format_datetime(row["access_expires"]),
            "file": {"name": row["file_name"], "file": f"{home}{row['file_url']}"},
        }
        for row in rows
    ]
