"""Reading customers under the older namespaces ``wc/v1`` and ``wc/v2`` (reference §3.7).

A WooCommerce 9.4.2 store still serves both beside ``wc/v3``, and their customers still carry
the order figures v3 dropped: ``orders_count`` and ``total_spent`` (v2, v1) and ``last_order``
(v1 only), equal to the legacy API's (§3.7, §11.4). This module owns the two reads (list and
one customer) and their shapes; the list takes v3's parameters with v3's checks, headers and
``Link`` (``V1C`` L227-316, shared by all three), and the figures are computed the way the legacy
customers compute them (:func:`app.demo_store.customers.order_stats`), which under HPOS stay
right too (§17.5). Writes under these namespaces are not served (the app never sends them).

Shapes (§3.7): v2 is the v3 object with ``orders_count``, ``total_spent`` before ``_links``;
v1 has its own short object, dates in UTC without ``Z``, no ``role``, ``is_paying_customer`` or
``meta_data``, and ``last_order`` ``{"id","date"}`` (``{"id":null,"date":null}`` without orders).
v1's address key orders and its shipping without ``phone`` follow ``V1C``'s source (derived).

A store without these namespaces (``StoreSettings.without_v1_v2``) does not register the routes:
they answer ``rest_no_route`` like any unknown route.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any

from app.demo_store.customers import OrderStats, order_stats
from app.demo_store.rest.customers import (
    _avatar,
    _date,
    _objects,
    customer_to_read,
    list_rows,
)
from app.demo_store.rest.pipeline import Handler, RestAnswer, RestRequest, RestRoute
from app.demo_store.wcformat import STATE_FIRST_ADDRESS_KEYS, format_money

#: v1's address keys, in the order ``V1C`` writes them (state before postcode, as orders).
V1_BILLING_KEYS = STATE_FIRST_ADDRESS_KEYS
V1_SHIPPING_KEYS = V1_BILLING_KEYS[:-2]


def _stats(req: RestRequest, rows: list[sqlite3.Row]) -> dict[int, OrderStats]:
    return order_stats(req.db.connection(), [row["id"] for row in rows])


def _v2_objects(req: RestRequest, rows: list[sqlite3.Row]) -> list[dict[str, Any]]:
    """v2 customers: v3's object, the two figures before ``_links`` (§3.7)."""
    stats = _stats(req, rows)
    objects = []
    for row, v3 in zip(rows, _objects(req, rows), strict=True):
        figures = stats.get(row["id"], OrderStats())
        links = v3.pop("_links")
        v3["orders_count"] = figures.count
        v3["total_spent"] = format_money(figures.spent_cents)
        v3["_links"] = _in_namespace(links, "wc/v2")
        objects.append(v3)
    return objects


def _v1_objects(req: RestRequest, rows: list[sqlite3.Row]) -> list[dict[str, Any]]:
    """v1 customers in v1's key order (§3.7)."""
    stats = _stats(req, rows)
    base = f"{req.site.home_url}/wp-json/wc/v1/customers"
    objects = []
    for row in rows:
        figures = stats.get(row["id"], OrderStats())
        objects.append(
            {
                "id": row["id"],
                "date_created": _date(row["registered"]),
                "date_modified": _date(row["last_update"]),
                "email": row["email"],
                "first_name": row["first_name"],
                "last_name": row["last_name"],
                "username": row["login"],
                "last_order": {
                    "id": figures.last_order_id,
                    "date": _date(figures.last_order_date),
                },
                "orders_count": figures.count,
                "total_spent": format_money(figures.spent_cents),
                "avatar_url": _avatar(row["email"]),
                "billing": {key: row[f"billing_{key}"] for key in V1_BILLING_KEYS},
                "shipping": {key: row[f"shipping_{key}"] for key in V1_SHIPPING_KEYS},
                "_links": {
                    "self": [
                        {
                            "href": f"{base}/{row['id']}",
                            "targetHints": {"allow": ["GET", "POST", "PUT", "PATCH", "DELETE"]},
                        }
                    ],
                    "collection": [{"href": base}],
                },
            }
        )
    return objects


def _in_namespace(links: dict[str, Any], namespace: str) -> dict[str, Any]:
    """v3's ``_links`` pointing at ``namespace`` instead."""
    moved: dict[str, Any] = {}
    for relation, entries in links.items():
        moved[relation] = [
            {**entry, "href": entry["href"].replace("/wp-json/wc/v3/", f"/wp-json/{namespace}/")}
            for entry in entries
        ]
    return moved


Builder = Callable[[RestRequest, list[sqlite3.Row]], list[dict[str, Any]]]


def _lister(namespace: str, build: Builder) -> Handler:
    def list_customers(req: RestRequest, _: dict[str, str]) -> RestAnswer:
        """``GET /<namespace>/customers``: v3's list, this namespace's objects."""
        rows, headers = list_rows(req, f"/{namespace}/customers")
        return RestAnswer(build(req, rows), headers=headers, is_list=True)

    return list_customers


def _getter(build: Builder) -> Handler:
    def get_customer(req: RestRequest, url: dict[str, str]) -> RestAnswer:
        """``GET /<namespace>/customers/<id>``: checked as v3 (§5), this namespace's object."""
        return RestAnswer(build(req, [customer_to_read(req, url)])[0])

    return get_customer


ROUTES = [
    RestRoute(r"/wc/v1/customers", {"GET": _lister("wc/v1", _v1_objects)}),
    RestRoute(r"/wc/v1/customers/(?P<id>\d+)", {"GET": _getter(_v1_objects)}),
    RestRoute(r"/wc/v2/customers", {"GET": _lister("wc/v2", _v2_objects)}),
    RestRoute(r"/wc/v2/customers/(?P<id>\d+)", {"GET": _getter(_v2_objects)}),
]
