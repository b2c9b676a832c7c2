"""Customer objects as stores send them, shared by the tests of several layers."""

from __future__ import annotations

from typing import Any

#: The public doc's example addresses (customers-api-v3.md), John Doe's.
DOC_BILLING: dict[str, str] = {
    "first_name": "John",
    "last_name": "Doe",
    "company": "",
    "address_1": "969 Market",
    "address_2": "",
    "city": "San Francisco",
    "state": "CA",
    "postcode": "94103",
    "country": "US",
    "email": "john.doe@example.com",
    "phone": "(555) 555-5555",
}
DOC_SHIPPING: dict[str, str] = {
    name: value for name, value in DOC_BILLING.items() if name not in ("email", "phone")
}

#: Keys of the customer object, in the order a real store emits them (section 3).
CUSTOMER_KEYS = [
    "id",
    "created_at",
    "last_update",
    "email",
    "first_name",
    "last_name",
    "username",
    "role",
    "last_order_id",
    "last_order_date",
    "orders_count",
    "total_spent",
    "avatar_url",
    "billing_address",
    "shipping_address",
]

#: A customer as the Legacy REST API plugin (and WooCommerce 3.x-8.x) sends it.
PLUGIN_CUSTOMER: dict[str, Any] = {
    "id": 2,
    "created_at": "2014-11-19T18:34:19Z",
    "last_update": "2015-01-21T12:02:13Z",
    "email": "john.doe@example.com",
    "first_name": "John",
    "last_name": "Doe",
    "username": "john.doe",
    "role": "customer",
    "last_order_id": 531,
    "last_order_date": "2015-01-21T12:02:13Z",
    "orders_count": 4,
    "total_spent": "130.00",
    "avatar_url": "http://2.gravatar.com/avatar/abc?s=96&d=mm&r=g",
    "billing_address": dict(DOC_BILLING),
    "shipping_address": dict(DOC_SHIPPING),
}
