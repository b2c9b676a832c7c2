"""``GET /wc/v3/orders`` for a customer's orders (reference §11).

This module owns the v3 order list and object. It reads the orders table whatever the store's
order storage: with ``hpos`` the legacy API sees no orders while this route sees them all
(§17.5). Implemented filters: ``customer`` (unknown → ``[]``, no existence check), ``status``
(default ``any``), ``include``/``exclude``, paging, ``order``/``orderby`` (``date`` sorts by
date then id, so pages are stable), and the exclusive date bounds ``after``/``before``
(creation) and ``modified_after``/``modified_before`` (the demo site's timezone is UTC, so
``dates_are_gmt`` changes nothing and explicit offsets are honoured).
"""

from __future__ import annotations

import html
import math
import re
import sqlite3
from datetime import UTC, datetime
from typing import Any

from app.demo_store.rest.customers import _require
from app.demo_store.rest.errors import invalid_params
from app.demo_store.rest.params import check_per_page, int_list, is_integer
from app.demo_store.rest.pipeline import RestAnswer, RestRequest, RestRoute, link_header
from app.demo_store.routes import CURRENCY_SYMBOLS
from app.demo_store.schema import BILLING_FIELDS, SHIPPING_FIELDS
from app.demo_store.wcformat import STATE_FIRST_ADDRESS_KEYS

STATUSES = (
    "any",
    "trash",
    "auto-draft",
    "pending",
    "processing",
    "on-hold",
    "completed",
    "cancelled",
    "refunded",
    "failed",
    "checkout-draft",
)
_ORDERBY = {
    "date": "orders.created_at {d}, orders.id {d}",
    "id": "orders.id {d}",
    "include": "orders.id {d}",
    "title": "orders.id {d}",
    "slug": "orders.id {d}",
    "modified": "orders.updated_at {d}, orders.id {d}",
}
_STATUS_MESSAGE = (
    "is not one of any, trash, auto-draft, pending, processing, on-hold, completed, cancelled, "
    "refunded, failed, and checkout-draft."
)


_RFC3339 = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|z|[+-]\d{2}:\d{2})?$"
)
#: Date filters and the column each bounds (exclusively).
_DATE_BOUNDS = {
    "after": ("orders.created_at", ">"),
    "before": ("orders.created_at", "<"),
    "modified_after": ("orders.updated_at", ">"),
    "modified_before": ("orders.updated_at", "<"),
}


def parse_rfc3339(value: object) -> int | None:
    """Unix seconds of an RFC 3339 date-time (no zone: UTC, the site's zone); None if invalid."""
    if not isinstance(value, str):
        return None
    match = _RFC3339.match(value)
    if match is None:
        return None
    zone = match.group(8) or "Z"
    offset = 0
    if zone not in ("Z", "z"):
        sign = 1 if zone[0] == "+" else -1
        offset = sign * (int(zone[1:3]) * 3600 + int(zone[4:6]) * 60)
    try:
        year, month, day, hour, minute, second = (int(match.group(n)) for n in range(1, 7))
        moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        return None
    return int(moment.timestamp()) - offset


def _date(timestamp: int | None) -> str | None:
    if not timestamp:
        return None
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _money(cents: int) -> str:
    return f"{cents / 100:.2f}"


def _price(cents: int) -> float | int:
    """A JSON number as PHP writes a float: ``15`` for 15.00, ``12.5`` for 12.50."""
    value = cents / 100
    return int(value) if value.is_integer() else value


def _statuses(raw: Any) -> list[str] | None:
    if raw is None or raw == "":
        return ["any"]
    items = (
        raw.split(",")
        if isinstance(raw, str)
        else list(raw.values())
        if isinstance(raw, dict)
        else raw
    )
    return [str(item) for item in items] if isinstance(items, list) else None


def order_object(req: RestRequest, row: sqlite3.Row, items: list[sqlite3.Row]) -> dict[str, Any]:
    """The v3 order (§11.2), keys in the emitted order."""
    base = f"{req.site.home_url}/wp-json/wc/v3"
    item_tax = sum(item["tax_cents"] for item in items)
    billing_order = STATE_FIRST_ADDRESS_KEYS
    billing = {key: row[f"billing_{key}"] for key in billing_order if key in BILLING_FIELDS}
    shipping = {
        key: row[f"shipping_{key}"] if key in SHIPPING_FIELDS else ""
        for key in billing_order
        if key != "email"
    }
    paid_at = row["created_at"] if row["paid"] else None
    links: dict[str, Any] = {
        "self": [
            {
                "href": f"{base}/orders/{row['id']}",
                "targetHints": {"allow": ["GET", "POST", "PUT", "PATCH", "DELETE"]},
            }
        ],
        "collection": [{"href": f"{base}/orders"}],
    }
    if row["customer_id"]:
        links["customer"] = [{"href": f"{base}/customers/{row['customer_id']}"}]
    return {
        "id": row["id"],
        "parent_id": 0,
        "status": row["status"],
        "currency": row["currency"],
        "version": req.site.wc_version,
        "prices_include_tax": False,
        "date_created": _date(row["created_at"]),
        "date_modified": _date(row["updated_at"]),
        "discount_total": _money(row["discount_cents"]),
        "discount_tax": "0.00",
        "shipping_total": _money(row["shipping_cents"]),
        "shipping_tax": _money(row["tax_cents"] - item_tax),
        "cart_tax": _money(item_tax),
        "total": _money(row["total_cents"]),
        "total_tax": _money(row["tax_cents"]),
        "customer_id": row["customer_id"],
        "order_key": row["order_key"],
        "billing": billing,
        "shipping": shipping,
        "payment_method": row["payment_method_id"],
        "payment_method_title": row["payment_method_title"],
        "transaction_id": "",
        "customer_ip_address": row["customer_ip"],
        "customer_user_agent": row["customer_user_agent"],
        "created_via": "checkout",
        "customer_note": row["note"],
        "date_completed": _date(row["completed_at"]),
        "date_paid": _date(paid_at),
        "cart_hash": "",
        "number": str(row["id"]),
        "meta_data": [],
        "line_items": [
            {
                "id": item["id"],
                "name": item["name"],
                "product_id": item["product_id"],
                "variation_id": 0,
                "quantity": item["quantity"],
                "tax_class": "",
                "subtotal": _money(item["subtotal_cents"]),
                "subtotal_tax": _money(item["tax_cents"]),
                "total": _money(item["total_cents"]),
                "total_tax": _money(item["tax_cents"]),
                "taxes": [],
                "meta_data": [],
                "sku": item["sku"],
                "price": _price(item["price_cents"]),
                "image": {"id": "", "src": ""},
                "parent_name": None,
            }
            for item in items
        ],
        "tax_lines": (
            [
                {
                    "id": row["tax_line_id"],
                    "rate_code": row["tax_rate_code"],
                    "rate_id": 1,
                    "label": "Tax",
                    "compound": False,
                    "tax_total": _money(item_tax),
                    "shipping_tax_total": _money(row["tax_cents"] - item_tax),
                    "meta_data": [],
                }
            ]
            if row["tax_line_id"]
            else []
        ),
        "shipping_lines": (
            [
                {
                    "id": row["shipping_line_id"],
                    "method_title": row["shipping_method_title"],
                    "method_id": row["shipping_method_id"],
                    "instance_id": "",
                    "total": _money(row["shipping_cents"]),
                    "total_tax": _money(row["tax_cents"] - item_tax),
                    "taxes": [],
                    "meta_data": [],
                }
            ]
            if row["shipping_line_id"]
            else []
        ),
        "fee_lines": [],
        "coupon_lines": (
            [
                {
                    "id": row["coupon_line_id"],
                    "code": row["coupon_code"],
                    "discount": _money(row["discount_cents"]),
                    "discount_tax": "0.00",
                    "meta_data": [],
                }
            ]
            if row["coupon_line_id"]
            else []
        ),
        "refunds": [],
        "payment_url": (
            f"{req.site.home_url}/checkout/order-pay/{row['id']}/"
            f"?pay_for_order=true&key={row['order_key']}"
        ),
        "is_editable": row["status"] in ("pending", "on-hold", "auto-draft"),
        "needs_payment": row["status"] in ("pending", "failed") and row["total_cents"] > 0,
        "needs_processing": True,
        "date_created_gmt": _date(row["created_at"]),
        "date_modified_gmt": _date(row["updated_at"]),
        "date_completed_gmt": _date(row["completed_at"]),
        "date_paid_gmt": _date(paid_at),
        # html_entity_decode(get_woocommerce_currency_symbol($currency)): decoded (addendum);
        # empty for a currency WooCommerce does not know.
        "currency_symbol": html.unescape(CURRENCY_SYMBOLS.get(row["currency"], "")),
        "_links": links,
    }


def list_orders(req: RestRequest, _: dict[str, str]) -> RestAnswer:
    """``GET /orders`` (§11.1)."""
    p = req.params
    problems: dict[str, tuple[str, str, Any]] = {}
    page, per_page = p.get("page", 1), p.get("per_page", 10)
    if not is_integer(page) or int(page) < 1:
        problems["page"] = ("page must be greater than or equal to 1", "rest_out_of_bounds", None)
    check_per_page(per_page, problems)
    customer = p.get("customer")
    if customer is not None and not is_integer(customer):
        problems["customer"] = (
            "customer is not of type integer.",
            "rest_invalid_type",
            {"param": "customer"},
        )
    statuses = _statuses(p.get("status"))
    if statuses is None:
        problems["status"] = (
            "status is not of type array.",
            "rest_invalid_type",
            {"param": "status"},
        )
    else:
        for index, status in enumerate(statuses):
            if status not in STATUSES:
                problems["status"] = (
                    f"status[{index}] {_STATUS_MESSAGE}",
                    "rest_not_in_enum",
                    None,
                )
                break
    order = p.get("order", "desc")
    if order not in ("asc", "desc"):
        problems["order"] = ("order is not one of asc and desc.", "rest_not_in_enum", None)
    orderby = p.get("orderby", "date")
    if orderby not in _ORDERBY:
        problems["orderby"] = (
            "orderby is not one of date, id, include, title, slug, and modified.",
            "rest_not_in_enum",
            None,
        )
    include, exclude = int_list(p.get("include")), int_list(p.get("exclude"))
    if include is None or exclude is None:
        problems["include" if include is None else "exclude"] = (
            "is not of type integer.",
            "rest_invalid_type",
            None,
        )
    bounds: dict[str, int] = {}
    for name in _DATE_BOUNDS:
        if name in p:
            moment = parse_rfc3339(p[name])
            if moment is None:
                problems[name] = ("Invalid date.", "rest_invalid_date", None)
            else:
                bounds[name] = moment
    if problems:
        raise invalid_params(problems)
    _require(
        req,
        "read_private_shop_orders",
        "woocommerce_rest_cannot_view",
        "Sorry, you cannot list resources.",
    )
    per_page, page = int(per_page), int(page)
    offset = p.get("offset")
    skip = (page - 1) * per_page
    if isinstance(offset, str | int) and is_integer(offset) and int(offset):
        skip = abs(int(offset))
    where, args = [], []  # type: tuple[list[str], list[Any]]
    if customer is not None:
        where.append("orders.customer_id = ?")
        args.append(int(customer))
    assert statuses is not None
    if "any" not in statuses:
        where.append(f"orders.status IN ({','.join('?' * len(statuses))})")
        args.extend(statuses)
    else:
        where.append("orders.status NOT IN ('trash', 'auto-draft')")
    if include:
        where.append(f"orders.id IN ({','.join('?' * len(include))})")
        args.extend(include)
    if exclude:
        where.append(f"orders.id NOT IN ({','.join('?' * len(exclude))})")
        args.extend(exclude)
    for name, moment in bounds.items():
        column, operator = _DATE_BOUNDS[name]
        where.append(f"{column} {operator} ?")
        args.append(moment)
    where_sql = "WHERE " + " AND ".join(where)
    order_sql = _ORDERBY[orderby].format(d="DESC" if order == "desc" else "ASC")
    conn = req.db.connection()
    total = int(conn.execute(f"SELECT COUNT(*) FROM orders {where_sql}", args).fetchone()[0])
    rows = conn.execute(
        f"SELECT * FROM orders {where_sql} ORDER BY {order_sql} LIMIT ? OFFSET ?",
        [*args, per_page, skip],
    ).fetchall()
    items: dict[int, list[sqlite3.Row]] = {row["id"]: [] for row in rows}
    if rows:
        marks = ",".join("?" * len(items))
        for item in conn.execute(
            f"SELECT * FROM order_items WHERE order_id IN ({marks}) ORDER BY id", list(items)
        ):
            items[item["order_id"]].append(item)
    total_pages = math.ceil(total / per_page)
    headers = [("X-WP-Total", str(total)), ("X-WP-TotalPages", str(total_pages))]
    headers += link_header(req.site.home_url, "/wc/v3/orders", req.query, page, total_pages)
    body = [order_object(req, row, items[row["id"]]) for row in rows]
    return RestAnswer(body, headers=headers, is_list=True)


ROUTES = [RestRoute(r"/wc/v3/orders", {"GET": list_orders})]
