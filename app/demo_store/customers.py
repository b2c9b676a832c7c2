"""Reading customers and writing them out as the API's customer object (plugin profile)."""

from __future__ import annotations

import hashlib
import random
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from app.demo_store.context import StoreSettings
from app.demo_store.schema import BILLING_FIELDS, SHIPPING_FIELDS
from app.demo_store.wcformat import format_datetime, format_money

#: Order statuses WooCommerce counts as paid when it sums ``total_spent``.
PAID_STATUSES = ("completed", "processing")


@dataclass(frozen=True)
class OrderStats:
    """A customer's order figures, computed live (a real store caches them in user meta)."""

    count: int = 0
    spent_cents: int = 0
    last_order_id: int | None = None
    last_order_date: int | None = None


def find_customer(conn: sqlite3.Connection, customer_id: int) -> sqlite3.Row | None:
    """The user row with this id, whatever its role."""
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM users WHERE id = ?", (customer_id,)
    ).fetchone()
    return row


def find_customer_by_email(conn: sqlite3.Connection, email: str) -> sqlite3.Row | None:
    """The user row with this email, compared case-insensitively like MySQL does."""
    row: sqlite3.Row | None = conn.execute(
        "SELECT * FROM users WHERE email = ?", (email,)
    ).fetchone()
    return row


def order_stats(conn: sqlite3.Connection, customer_ids: Iterable[int]) -> dict[int, OrderStats]:
    """Order figures for many customers in two indexed queries."""
    ids = list(customer_ids)
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    paid = ",".join(f"'{status}'" for status in PAID_STATUSES)
    rows = conn.execute(
        f"SELECT customer_id, COUNT(*), "
        f"SUM(CASE WHEN status IN ({paid}) THEN total_cents ELSE 0 END), MAX(id) "
        f"FROM orders WHERE customer_id IN ({marks}) GROUP BY customer_id",
        ids,
    ).fetchall()
    last_ids = [row[3] for row in rows]
    dates = dict(
        conn.execute(
            f"SELECT id, created_at FROM orders WHERE id IN ({','.join('?' * len(last_ids))})",
            last_ids,
        ).fetchall()
    )
    return {row[0]: OrderStats(row[1], row[2] or 0, row[3], dates.get(row[3])) for row in rows}


def address(row: sqlite3.Row, prefix: str, fields: Sequence[str]) -> dict[str, str]:
    """One address object from the ``billing_*`` or ``shipping_*`` columns of a row."""
    return {name: row[f"{prefix}_{name}"] for name in fields}


def avatar_url(email: str, ssl: bool) -> str:
    """The Gravatar URL WordPress builds for ``email`` (host depends on the scheme).

    An erased email gives a URL without hash, on a random server over HTTP (section 19.3).
    """
    if email:
        digest = hashlib.md5(email.strip().lower().encode(), usedforsecurity=False).hexdigest()
        server = int(digest[0], 16) % 3
    else:
        digest, server = "", random.randrange(3)
    host = "https://secure.gravatar.com" if ssl else f"http://{server}.gravatar.com"
    return f"{host}/avatar/{digest}?s=96&d=mm&r=g"


def customer_object(row: sqlite3.Row, stats: OrderStats, settings: StoreSettings) -> dict[str, Any]:
    """The customer object, keys in the order a real store emits them."""
    return {
        "id": row["id"],
        "created_at": format_datetime(row["registered"]),
        "last_update": format_datetime(row["last_update"]),
        "email": row["email"],
        "first_name": row["first_name"],
        "last_name": row["last_name"],
        "username": row["login"],
        "role": row["role"],
        "last_order_id": stats.last_order_id,
        "last_order_date": format_datetime(stats.last_order_date),
        "orders_count": stats.count,
        "total_spent": format_money(stats.spent_cents),
        "avatar_url": avatar_url(row["email"], settings.ssl),
        "billing_address": address(row, "billing", BILLING_FIELDS),
        "shipping_address": address(row, "shipping", SHIPPING_FIELDS),
    }


def customer_objects(
    conn: sqlite3.Connection, rows: Sequence[sqlite3.Row], settings: StoreSettings
) -> list[dict[str, Any]]:
    """Customer objects for many rows, their order figures fetched in one go."""
    stats = order_stats(conn, (row["id"] for row in rows))
    return [customer_object(row, stats.get(row["id"], OrderStats()), settings) for row in rows]
