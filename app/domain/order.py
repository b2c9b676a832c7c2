"""A customer's orders and downloadable files as the store describes them (read-only).

Owns reading the order objects of ``GET /customers/<id>/orders`` and the download objects of
``GET /customers/<id>/downloads`` (sections 10 and 11 of wc-api-v3-behavior.md), tolerating what
differs between store versions: an integer ``order_number`` on 2.x, no ``order_key`` on 2.4.0,
the epoch for a never-completed order, ``""`` for unlimited downloads, null for access that never
expires, and guest orders with customer id 0.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Self

from app.domain.customer import Address, BillingAddress
from app.domain.parsing import (
    api_datetime,
    money_text,
    parse_bool,
    parse_datetime,
    parse_decimal,
    parse_id,
    parse_int,
    text,
)


def _objects(value: object) -> list[Mapping[str, object]]:
    """The JSON objects in a list value; anything else in it, or a non-list, is skipped."""
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, Mapping)]


def _require_mapping(data: object, what: str) -> Mapping[str, object]:
    if not isinstance(data, Mapping):
        raise ValueError(f"{what} must be a JSON object, not {type(data).__name__}")
    return data


@dataclass(frozen=True, slots=True)
class LineItem:
    """One product line of an order.

    ``product_id`` is None when the product no longer exists (the store sends 0 or null); for a
    variation it is the variation's id. ``price`` is the line total per unit, as the store sends it.
    """

    id: int = 0
    name: str = ""
    product_id: int | None = None
    sku: str = ""
    quantity: int = 0
    price: Decimal = Decimal("0")
    subtotal: Decimal = Decimal("0")
    total: Decimal = Decimal("0")
    total_tax: Decimal = Decimal("0")

    @classmethod
    def from_api(cls, data: Mapping[str, object]) -> Self:
        """Read a ``line_items`` entry; never fails (a missing id reads as 0)."""
        return cls(
            id=parse_int(data.get("id")) or 0,
            name=text(data.get("name")),
            product_id=parse_id(data.get("product_id")),
            sku=text(data.get("sku")),
            quantity=parse_int(data.get("quantity")) or 0,
            price=parse_decimal(data.get("price")),
            subtotal=parse_decimal(data.get("subtotal")),
            total=parse_decimal(data.get("total")),
            total_tax=parse_decimal(data.get("total_tax")),
        )

    def to_api(self) -> dict[str, object]:
        """The line item in the API's shape (the inverse of from_api, for ``--json``)."""
        return {
            "id": self.id,
            "subtotal": money_text(self.subtotal),
            "total": money_text(self.total),
            "total_tax": money_text(self.total_tax),
            "price": money_text(self.price),
            "quantity": self.quantity,
            "name": self.name,
            "product_id": self.product_id,
            "sku": self.sku,
        }


@dataclass(frozen=True, slots=True)
class ShippingLine:
    """One shipping charge of an order."""

    id: int = 0
    method_id: str = ""
    method_title: str = ""
    total: Decimal = Decimal("0")

    @classmethod
    def from_api(cls, data: Mapping[str, object]) -> Self:
        """Read a ``shipping_lines`` entry; never fails (a missing id reads as 0)."""
        return cls(
            id=parse_int(data.get("id")) or 0,
            method_id=text(data.get("method_id")),
            method_title=text(data.get("method_title")),
            total=parse_decimal(data.get("total")),
        )

    def to_api(self) -> dict[str, object]:
        """The shipping line in the API's shape."""
        return {
            "id": self.id,
            "method_id": self.method_id,
            "method_title": self.method_title,
            "total": money_text(self.total),
        }


@dataclass(frozen=True, slots=True)
class Order:
    """An order as the store describes it.

    ``number`` is what the shop shows (usually the id, but plugins may renumber). ``completed_at``
    is None for an order never completed, which the store writes as the epoch. ``customer_id`` is
    0 for a guest order. The payment method and ``paid`` come from ``payment_details``.
    """

    id: int
    number: str = ""
    order_key: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None
    completed_at: datetime | None = None
    status: str = ""
    currency: str = ""
    #: The currency's symbol as the order gives it, decoded ("$"); wc/v3 orders carry one,
    #: legacy orders do not (empty).
    currency_symbol: str = ""
    total: Decimal = Decimal("0")
    subtotal: Decimal = Decimal("0")
    total_tax: Decimal = Decimal("0")
    total_shipping: Decimal = Decimal("0")
    total_discount: Decimal = Decimal("0")
    shipping_methods: str = ""
    payment_method_id: str = ""
    payment_method_title: str = ""
    paid: bool = False
    billing: BillingAddress = field(default_factory=BillingAddress)
    shipping: Address = field(default_factory=Address)
    note: str = ""
    customer_id: int = 0
    line_items: tuple[LineItem, ...] = ()
    shipping_lines: tuple[ShippingLine, ...] = ()
    view_order_url: str = ""
    #: The object exactly as the store sent it (orders are read-only here), so that scripts
    #: and the cache keep every field, also those the app does not model.
    source: Mapping[str, object] = field(
        default_factory=dict, compare=False, repr=False, hash=False
    )

    @classmethod
    def from_api(cls, data: Mapping[str, object]) -> Order:
        """Read an order object of any store version; unknown keys are ignored.

        Raises:
            ValueError: if ``data`` is not an object or has no usable (positive) ``id``; every
                other field falls back to its default.
        """
        data = _require_mapping(data, "an order")
        order_id = parse_id(data.get("id"))
        if order_id is None:
            raise ValueError(f"order without a usable id: {data.get('id')!r}")
        payment = data.get("payment_details")
        payment = payment if isinstance(payment, Mapping) else {}
        return cls(
            id=order_id,
            # Trimmed with fields= the number may be missing; the shop's default number is the id.
            number=text(data.get("order_number")) or str(order_id),
            order_key=text(data.get("order_key")),
            created_at=parse_datetime(data.get("created_at")),
            updated_at=parse_datetime(data.get("updated_at")),
            completed_at=parse_datetime(data.get("completed_at"), epoch_means_unset=True),
            status=text(data.get("status")),
            currency=text(data.get("currency")),
            currency_symbol=html.unescape(text(data.get("currency_symbol"))),
            total=parse_decimal(data.get("total")),
            subtotal=parse_decimal(data.get("subtotal")),
            total_tax=parse_decimal(data.get("total_tax")),
            total_shipping=parse_decimal(data.get("total_shipping")),
            total_discount=parse_decimal(data.get("total_discount")),
            shipping_methods=text(data.get("shipping_methods")),
            payment_method_id=text(payment.get("method_id")),
            payment_method_title=text(payment.get("method_title")),
            paid=parse_bool(payment.get("paid")),
            billing=BillingAddress.from_api(data.get("billing_address")),
            shipping=Address.from_api(data.get("shipping_address")),
            note=text(data.get("note")),
            customer_id=parse_id(data.get("customer_id")) or 0,
            line_items=tuple(LineItem.from_api(item) for item in _objects(data.get("line_items"))),
            shipping_lines=tuple(
                ShippingLine.from_api(line) for line in _objects(data.get("shipping_lines"))
            ),
            view_order_url=text(data.get("view_order_url")),
            source=dict(data),
        )

    @property
    def is_guest(self) -> bool:
        """Whether the order was placed without an account."""
        return self.customer_id == 0

    @property
    def item_count(self) -> int:
        """How many units the order holds (the sum of its line items' quantities)."""
        return sum(item.quantity for item in self.line_items)

    def to_api(self) -> dict[str, object]:
        """The order as the store sent it; built from the fields when it came from elsewhere."""
        if self.source:
            return dict(self.source)
        return {
            "id": self.id,
            "order_number": self.number,
            "order_key": self.order_key,
            "created_at": api_datetime(self.created_at),
            "updated_at": api_datetime(self.updated_at),
            "completed_at": api_datetime(self.completed_at),
            "status": self.status,
            "currency": self.currency,
            # Not in the legacy shape: kept (for the cache) only when a wc/v3 order gave it.
            **({"currency_symbol": self.currency_symbol} if self.currency_symbol else {}),
            "total": money_text(self.total),
            "subtotal": money_text(self.subtotal),
            "total_line_items_quantity": self.item_count,
            "total_tax": money_text(self.total_tax),
            "total_shipping": money_text(self.total_shipping),
            "total_discount": money_text(self.total_discount),
            "shipping_methods": self.shipping_methods,
            "payment_details": {
                "method_id": self.payment_method_id,
                "method_title": self.payment_method_title,
                "paid": self.paid,
            },
            "billing_address": self.billing.to_api(),
            "shipping_address": self.shipping.to_api(),
            "note": self.note,
            "customer_id": self.customer_id,
            "view_order_url": self.view_order_url,
            "line_items": [item.to_api() for item in self.line_items],
            "shipping_lines": [line.to_api() for line in self.shipping_lines],
        }


@dataclass(frozen=True, slots=True)
class Download:
    """A file the customer may still download.

    ``downloads_remaining`` None means unlimited (the store sends ``""``); ``access_expires``
    None means the access never expires (the store sends null). ``name`` is the API's
    ``download_name``; ``file_name``/``file_url`` come from its ``file`` object.
    """

    download_id: str = ""
    product_id: int | None = None
    name: str = ""
    order_id: int | None = None
    order_key: str = ""
    downloads_remaining: int | None = None
    access_expires: datetime | None = None
    file_name: str = ""
    file_url: str = ""
    download_url: str = ""
    #: The product's name: wc/v3 sends it (``product_name``); the legacy API does not. Not part
    #: of the legacy shape :meth:`to_api` writes, so it is left out of comparisons (a download
    #: written and read back is the same download).
    product_name: str = field(default="", compare=False)
    #: The object exactly as the store sent it (see ``Order.source``).
    source: Mapping[str, object] = field(
        default_factory=dict, compare=False, repr=False, hash=False
    )

    @classmethod
    def from_api(cls, data: Mapping[str, object]) -> Download:
        """Read a ``downloads`` entry; unknown keys are ignored.

        Raises:
            ValueError: if ``data`` is not an object. Missing fields read as their defaults.
        """
        data = _require_mapping(data, "a download")
        file = data.get("file")
        file = file if isinstance(file, Mapping) else {}
        return cls(
            download_id=text(data.get("download_id")),
            product_id=parse_id(data.get("product_id")),
            name=text(data.get("download_name")),
            product_name=text(data.get("product_name")),  # wc/v3's; absent from the legacy API
            order_id=parse_id(data.get("order_id")),
            order_key=text(data.get("order_key")),
            downloads_remaining=parse_int(data.get("downloads_remaining")),
            access_expires=parse_datetime(data.get("access_expires")),
            file_name=text(file.get("name")),
            file_url=text(file.get("file")),
            download_url=text(data.get("download_url")),
            source=dict(data),
        )

    @property
    def is_unlimited(self) -> bool:
        """Whether the file may be downloaded any number of times."""
        return self.downloads_remaining is None

    def to_api(self) -> dict[str, object]:
        """The download as the store sent it, else built from the fields (``""`` = unlimited)."""
        if self.source:
            return dict(self.source)
        return {
            "download_url": self.download_url,
            "download_id": self.download_id,
            "product_id": self.product_id,
            "download_name": self.name,
            "order_id": self.order_id,
            "order_key": self.order_key,
            "downloads_remaining": (
                "" if self.downloads_remaining is None else str(self.downloads_remaining)
            ),
            "access_expires": api_datetime(self.access_expires),
            "file": {"name": self.file_name, "file": self.file_url},
        }
