"""The modern REST API's (``/wp-json/wc/v3``) objects read into the app's domain types, and back.

Owns the mapping between wc/v3 and the app's :class:`~app.domain.customer.Customer`,
:class:`~app.domain.order.Order` and :class:`~app.domain.order.Download` (wc-rest-v3-behavior.md
sections 3, 10, 11.2 and 19.2), and the translation of the app's create and partial-update
payloads (which keep the legacy shape, the one the write gate judges) into wc/v3 bodies.

What wc/v3 does not send is left unknown, never invented: a v3 customer has no
``orders_count``, ``total_spent``, ``last_order_id`` or ``last_order_date`` (section 3.7). The
last order fields read as None; ``orders_count`` and ``total_spent`` keep their type's zero
because the cache stores them as numbers, and the customer says so with
``figures=Figures.UNKNOWN`` (nothing may show those zeros as facts). The client fills them in
from the sources of section 19.3 (:mod:`app.domain.figures`). The stats caches in ``meta_data``
(``wc_order_count_*``...) are not read: the reference calls them unreliable.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from app.domain.customer import Address, BillingAddress, Customer, Figures
from app.domain.order import Download, LineItem, Order, ShippingLine
from app.domain.parsing import (
    format_datetime,
    parse_datetime,
    parse_decimal,
    parse_id,
    parse_int,
    text,
)

#: Legacy payload keys and their wc/v3 names (section 19.2).
PAYLOAD_KEYS: Mapping[str, str] = {
    "billing_address": "billing",
    "shipping_address": "shipping",
}
#: Keys a wc/v3 write must never carry: ``id`` in a single-item body redirects the write to
#: another customer (section 1.3); the rest are read-only there and only ignored.
_NEVER_SENT = frozenset(
    {"id", "role", "created_at", "last_update", "orders_count", "total_spent", "avatar_url"}
    | {"last_order_id", "last_order_date", "is_paying_customer", "date_created"}
    | {"date_created_gmt", "date_modified", "date_modified_gmt", "_links"}
)


def _object(data: object, what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise ValueError(f"{what} must be a JSON object, not {type(data).__name__}")
    return data


def gmt_datetime(value: object) -> datetime | None:
    """A wc/v3 ``*_gmt`` date (UTC, written without a zone) as an aware UTC datetime, or None."""
    return parse_datetime(value)


def _gmt_text(value: datetime | None) -> str | None:
    """A datetime written the wc/v3 ``*_gmt`` way (UTC, no ``Z``), or None."""
    return None if value is None else format_datetime(value).removesuffix("Z")


@dataclass(frozen=True, slots=True)
class MetaEntry:
    """One ``meta_data`` entry of a wc/v3 object (only administrator keys see them)."""

    id: int | None
    key: str
    value: object


@dataclass(frozen=True, slots=True)
class RestCustomerExtras:
    """What a wc/v3 customer says beyond the app's :class:`Customer`.

    Attributes:
        is_paying_customer: WooCommerce's flag (set once a paid order exists).
        shipping_phone: the shipping address' phone (the legacy address has none).
        meta_data: the ``meta_data`` entries, in the order sent.
    """

    is_paying_customer: bool = False
    shipping_phone: str = ""
    meta_data: tuple[MetaEntry, ...] = ()


def customer_from_rest(data: Mapping[str, object]) -> Customer:
    """Read a wc/v3 customer object (section 3.1) as the app's :class:`Customer`.

    Dates come from the ``*_gmt`` fields (the others are site time without a zone).
    ``last_order_id``/``last_order_date`` are None and ``figures`` is UNKNOWN: wc/v3 has no
    ``orders_count``, ``total_spent`` or last order, so those fields are unknown here (their
    zeros are placeholders, see the module's notes).

    Raises:
        ValueError: if ``data`` is not an object or has no usable ``id``.
    """
    data = _object(data, "a customer")
    customer_id = parse_int(data.get("id"))
    if customer_id is None or customer_id < 0:
        raise ValueError(f"customer without a usable id: {data.get('id')!r}")
    return Customer(
        id=customer_id,
        email=text(data.get("email")),
        first_name=text(data.get("first_name")),
        last_name=text(data.get("last_name")),
        username=text(data.get("username")),
        role=text(data.get("role")) or None,
        created_at=gmt_datetime(data.get("date_created_gmt")),
        last_update=gmt_datetime(data.get("date_modified_gmt")),
        last_order_id=None,
        last_order_date=None,
        avatar_url=text(data.get("avatar_url")),
        billing=BillingAddress.from_api(data.get("billing")),
        shipping=Address.from_api(data.get("shipping")),
        figures=Figures.UNKNOWN,
    )


def customer_extras(data: Mapping[str, object]) -> RestCustomerExtras:
    """The wc/v3-only parts of a customer object; never fails (missing parts read empty)."""
    shipping = data.get("shipping")
    meta = data.get("meta_data")
    entries = tuple(
        MetaEntry(parse_int(item.get("id")), text(item.get("key")), item.get("value"))
        for item in (meta if isinstance(meta, list) else [])
        if isinstance(item, Mapping)
    )
    return RestCustomerExtras(
        is_paying_customer=data.get("is_paying_customer") is True,
        shipping_phone=text(shipping.get("phone")) if isinstance(shipping, Mapping) else "",
        meta_data=entries,
    )


def customer_to_rest(customer: Customer) -> dict[str, object]:
    """The customer as a wc/v3 object (section 3.1's key order), the inverse of the reader.

    Only what the app knows is written: no ``orders_count``/``total_spent`` (wc/v3 has none),
    no site-time dates (the app keeps UTC only), no ``is_paying_customer`` or ``meta_data``.
    """
    return {
        "id": customer.id,
        "date_created_gmt": _gmt_text(customer.created_at),
        "date_modified_gmt": _gmt_text(customer.last_update),
        "email": customer.email,
        "first_name": customer.first_name,
        "last_name": customer.last_name,
        "role": customer.role,
        "username": customer.username,
        "billing": customer.billing.to_api(),
        "shipping": customer.shipping.to_api(),
        "avatar_url": customer.avatar_url,
    }


def rest_payload(payload: Mapping[str, object], *, creating: bool) -> dict[str, object]:
    """A create or partial-update payload of the app (legacy shape) as a wc/v3 body.

    ``billing_address``/``shipping_address`` become ``billing``/``shipping``; ``id`` and the
    read-only fields are dropped (an ``id`` in a single-item body would update another
    customer, section 1.3). In a create an empty ``billing.email`` is left out: wc/v3 refuses
    ``""`` there (section 6.1) where the legacy API took it as "none". The payload must have
    passed the write gate first; values are otherwise sent as given.

    Args:
        payload: the inner object (``CustomerDraft.to_create_payload()``, ``update_payload``).
        creating: whether it creates a customer.
    """
    body: dict[str, object] = {}
    for key, value in payload.items():
        if key in _NEVER_SENT:
            continue
        name = PAYLOAD_KEYS.get(key, key)
        if isinstance(value, Mapping):
            value = dict(value)
            if creating and name == "billing" and value.get("email") == "":
                del value["email"]
        body[name] = value
    return body


# -- orders -----------------------------------------------------------------------------------


def _line_item(data: Mapping[str, object]) -> LineItem:
    """A wc/v3 ``line_items`` entry; a variation's id stands in for the product (as legacy)."""
    product = parse_id(data.get("variation_id")) or parse_id(data.get("product_id"))
    return LineItem(
        id=parse_int(data.get("id")) or 0,
        name=text(data.get("name")),
        product_id=product,
        sku=text(data.get("sku")),
        quantity=parse_int(data.get("quantity")) or 0,
        price=parse_decimal(data.get("price")),
        subtotal=parse_decimal(data.get("subtotal")),
        total=parse_decimal(data.get("total")),
        total_tax=parse_decimal(data.get("total_tax")),
    )


def _shipping_line(data: Mapping[str, object]) -> ShippingLine:
    return ShippingLine(
        id=parse_int(data.get("id")) or 0,
        method_id=text(data.get("method_id")),
        method_title=text(data.get("method_title")),
        total=parse_decimal(data.get("total")),
    )


def _objects(value: object) -> list[Mapping[str, object]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def order_from_rest(data: Mapping[str, object]) -> Order:
    """Read a wc/v3 order object (section 11.2) as the app's :class:`Order`.

    Renames as section 19.1 lists them: ``number``, ``date_*_gmt`` dates, ``payment_method``
    and ``payment_method_title``, ``paid`` from ``date_paid_gmt`` being set, ``customer_note``.
    ``subtotal`` is the sum of the line subtotals (what the legacy API sends); the shipping
    methods are the shipping lines' titles. ``view_order_url`` has no wc/v3 source and stays
    empty. ``source`` stays empty, so :meth:`Order.to_api` writes the app's (legacy) shape,
    the one the cache keeps and reads back with :meth:`Order.from_api`.

    Raises:
        ValueError: if ``data`` is not an object or has no usable (positive) ``id``.
    """
    data = _object(data, "an order")
    order_id = parse_id(data.get("id"))
    if order_id is None:
        raise ValueError(f"order without a usable id: {data.get('id')!r}")
    items = tuple(_line_item(item) for item in _objects(data.get("line_items")))
    shipping_lines = tuple(_shipping_line(line) for line in _objects(data.get("shipping_lines")))
    return Order(
        id=order_id,
        number=text(data.get("number")) or str(order_id),
        order_key=text(data.get("order_key")),
        created_at=gmt_datetime(data.get("date_created_gmt")),
        updated_at=gmt_datetime(data.get("date_modified_gmt")),
        completed_at=gmt_datetime(data.get("date_completed_gmt")),
        status=text(data.get("status")),
        currency=text(data.get("currency")),
        # Decoded in wc/v3 orders ("$"), unlike the store's settings (addendum).
        currency_symbol=html.unescape(text(data.get("currency_symbol"))),
        total=parse_decimal(data.get("total")),
        subtotal=sum((item.subtotal for item in items), Decimal("0")),
        total_tax=parse_decimal(data.get("total_tax")),
        total_shipping=parse_decimal(data.get("shipping_total")),
        total_discount=parse_decimal(data.get("discount_total")),
        shipping_methods=", ".join(line.method_title for line in shipping_lines),
        payment_method_id=text(data.get("payment_method")),
        payment_method_title=text(data.get("payment_method_title")),
        paid=gmt_datetime(data.get("date_paid_gmt")) is not None,
        billing=BillingAddress.from_api(data.get("billing")),
        shipping=Address.from_api(data.get("shipping")),
        note=text(data.get("customer_note")),
        customer_id=parse_id(data.get("customer_id")) or 0,
        line_items=items,
        shipping_lines=shipping_lines,
    )


def download_from_rest(data: Mapping[str, object]) -> Download:
    """Read a wc/v3 download (section 10) as the app's :class:`Download`.

    ``"unlimited"`` downloads read as None (as legacy ``""``), ``"never"`` expiring access as
    None (as legacy null); the expiry comes from ``access_expires_gmt``. As for orders,
    ``source`` stays empty: :meth:`Download.to_api` writes the legacy shape the cache reads.

    Raises:
        ValueError: if ``data`` is not an object.
    """
    data = _object(data, "a download")
    file = data.get("file")
    file = file if isinstance(file, Mapping) else {}
    remaining = data.get("downloads_remaining")
    expires = data.get("access_expires_gmt", data.get("access_expires"))
    return Download(
        download_id=text(data.get("download_id")),
        product_id=parse_id(data.get("product_id")),
        name=text(data.get("download_name")),
        order_id=parse_id(data.get("order_id")),
        order_key=text(data.get("order_key")),
        downloads_remaining=None if remaining == "unlimited" else parse_int(remaining),
        access_expires=None if expires == "never" else gmt_datetime(expires),
        file_name=text(file.get("name")),
        file_url=text(file.get("file")),
        download_url=text(data.get("download_url")),
        product_name=text(data.get("product_name")),
    )
