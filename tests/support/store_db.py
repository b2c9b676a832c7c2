"""What a demo store holds, read from its database: a yardstick that speaks neither API.

Tests of the app check what a command did to the store against the store's own records, not
through the app's client and not through either REST API (a modern-only store serves no
legacy routes; an HPOS store's legacy routes hide its orders). Records come out in the legacy
v3 API's shape, the one the app's models write (``to_api``), built by the store's own
formatting code from the rows: so a test compares the app's output with what the store holds,
whichever API the app read it through. The one value that is the API's rendering rather than
the store's data, the avatar URL, is the one the API the app reads customers through writes
(``legacy=False``: wc/v3's, always ``https://secure.gravatar.com``).
"""

from __future__ import annotations

import time
from typing import Any

from app.demo_store import DemoStore
from app.demo_store.context import Caller, RequestContext
from app.demo_store.customers import customer_objects
from app.demo_store.orders import customer_downloads, order_objects
from app.demo_store.rest.customers import _avatar as rest_avatar_url


class StoreDb:
    """Read-only views of one demo store's customers, orders and downloads.

    ``legacy``: whether the app reads customers through the legacy API (which decides the
    avatar URL's form; see the module's docstring).
    """

    def __init__(self, store: DemoStore, *, legacy: bool = True) -> None:
        self.store = store
        self.legacy = legacy

    def _customers(self, rows: list[Any]) -> list[dict[str, Any]]:
        conn = self.store.db.connection()
        customers = customer_objects(conn, rows, self.store.settings)
        if not self.legacy:
            for customer in customers:
                customer["avatar_url"] = rest_avatar_url(customer["email"])
        return customers

    def _context(self) -> RequestContext:
        return RequestContext(self.store.settings, self.store.db, Caller(0))

    def customers(self) -> list[dict[str, Any]]:
        """Every customer (role ``customer``) in id order (registration order has ties)."""
        conn = self.store.db.connection()
        rows = conn.execute("SELECT * FROM users WHERE role = 'customer' ORDER BY id").fetchall()
        return self._customers(rows)

    def count(self) -> int:
        """How many customers the store holds."""
        row = (
            self.store.db.connection()
            .execute("SELECT COUNT(*) FROM users WHERE role = 'customer'")
            .fetchone()
        )
        return int(row[0])

    def customer(self, customer_id: int) -> dict[str, Any] | None:
        """One customer (any role) as the store holds it, or None when there is no such user."""
        conn = self.store.db.connection()
        row = conn.execute("SELECT * FROM users WHERE id = ?", (customer_id,)).fetchone()
        return self._customers([row])[0] if row is not None else None

    def orders(self, customer_id: int) -> list[dict[str, Any]]:
        """A customer's orders, newest first (whichever table WooCommerce reads them from:
        with HPOS the legacy API lists none, but the store still holds them)."""
        rows = (
            self.store.db.connection()
            .execute(
                "SELECT * FROM orders WHERE customer_id = ? ORDER BY created_at DESC, id DESC",
                (customer_id,),
            )
            .fetchall()
        )
        return order_objects(self._context(), rows)

    def downloads(self, customer_id: int) -> list[dict[str, Any]]:
        """The files a customer may still download."""
        return customer_downloads(self._context(), customer_id)


def downloader(store: DemoStore) -> tuple[int, int]:
    """(customer id, number of downloads) of a customer the store lists downloads for."""
    row = (
        store.db.connection()
        .execute(
            "SELECT p.user_id, COUNT(*) FROM download_permissions p"
            " JOIN orders o ON o.id = p.order_id"
            " WHERE p.user_id > 0 AND o.status IN ('completed', 'processing')"
            " AND (p.downloads_remaining = '' OR CAST(p.downloads_remaining AS INTEGER) > 0)"
            " AND (p.access_expires IS NULL OR p.access_expires > ?)"
            " GROUP BY p.user_id ORDER BY 2 DESC, 1 LIMIT 1",
            (int(time.time()),),
        )
        .fetchone()
    )
    assert row is not None, "the seed data has no customer with downloads"
    return int(row[0]), int(row[1])
