"""Customers: the customer object a store sends, the draft a user fills in, and the payloads.

Owns reading a customer object (section 3 of wc-api-v3-behavior.md, every store version's
variant), building the bodies of create (section 4) and partial update (section 6) requests, and
finding the changes a store silently did not apply (sections 6.3 and 18), which the client must
detect itself because the store still answers 200.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar, Self

from app.domain.parsing import (
    api_datetime,
    clean_text,
    money_text,
    parse_datetime,
    parse_decimal,
    parse_id,
    parse_int,
    text,
)

#: Top-level text fields an update may change; ``username`` is not one (the store ignores it).
EDITABLE_FIELDS = ("email", "first_name", "last_name")
#: Text fields whose sent value should come back in the answer to a create or update.
_ECHOED_FIELDS = (*EDITABLE_FIELDS, "username")
_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class Address:
    """A shipping address; also the base of :class:`BillingAddress`.

    Fields are declared in the order the API emits them, so :attr:`FIELDS` and :meth:`to_api`
    follow it too.
    """

    #: Field names in API order (set below the class from the dataclass fields).
    FIELDS: ClassVar[tuple[str, ...]]

    first_name: str = ""
    last_name: str = ""
    company: str = ""
    address_1: str = ""
    address_2: str = ""
    city: str = ""
    state: str = ""
    postcode: str = ""
    country: str = ""

    @classmethod
    def from_api(cls, data: object) -> Self:
        """Read an address object; never fails.

        Args:
            data: the ``billing_address``/``shipping_address`` value. Anything but an object
                (null, or the ``[]`` PHP writes for an empty array) reads as an empty address;
                missing keys read as ``""`` and unknown keys are ignored.
        """
        if not isinstance(data, Mapping):
            return cls()
        return cls(**{name: text(data.get(name)) for name in cls.FIELDS})

    def to_api(self) -> dict[str, str]:
        """The address object as the API writes it: every field, in the API's key order."""
        return {name: getattr(self, name) for name in self.FIELDS}

    @property
    def is_empty(self) -> bool:
        """Whether no field holds anything but white space (the store would keep nothing)."""
        return all(_blank(value) for value in self.to_api().values())


def _blank(value: object) -> bool:
    """Whether an address field holds nothing but white space.

    A value that is no text (a list a script passed in) is something: its address is sent, and
    the write gate (:mod:`app.domain.write_gate`) refuses it by name rather than it vanishing.
    """
    return isinstance(value, str) and not clean_text(value)


@dataclass(frozen=True, slots=True)
class BillingAddress(Address):
    """A billing address: an :class:`Address` plus the billing email and phone."""

    email: str = ""
    phone: str = ""


# Derived from the dataclass fields so the names are written once, in declaration (= API) order.
Address.FIELDS = tuple(f.name for f in dataclasses.fields(Address))
BillingAddress.FIELDS = tuple(f.name for f in dataclasses.fields(BillingAddress))


class Figures(StrEnum):
    """How far a customer's order figures (count, total spent, last order) can be trusted.

    ``EXACT``: the store's own figures, as its legacy API computes them (legacy, wc/v1, wc/v2).
    ``APPROXIMATE``: WooCommerce Analytics' figures, which count unpaid orders in the total
    spent and can lag behind the orders (wc-rest-v3-behavior.md section 14.3).
    ``UNKNOWN``: no source gave them; the fields hold placeholders (0 and None) that must never
    be shown as facts.
    """

    EXACT = "exact"
    APPROXIMATE = "approximate"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class Customer:
    """A customer as the store describes it.

    ``role`` is None when a 2.4/2.5 store sends null; ``last_update`` is None on 2.4/2.5 stores
    (no such field) and when the store sends the epoch for a customer it never stamped.
    ``total_spent`` counts paid orders only, while ``orders_count`` counts orders of every status.
    ``id`` 0 is the stand-in customer the store embeds in a guest's order.
    ``figures`` says how far ``orders_count``, ``total_spent`` and the last order can be
    trusted (:class:`Figures`); ``stats_known`` is False when they are placeholders. A last
    order of None with orders counted means the source did not say (wc/v2 gives no last order).
    """

    id: int
    email: str = ""
    first_name: str = ""
    last_name: str = ""
    username: str = ""
    role: str | None = None
    created_at: datetime | None = None
    last_update: datetime | None = None
    last_order_id: int | None = None
    last_order_date: datetime | None = None
    orders_count: int = 0
    total_spent: Decimal = Decimal("0")
    avatar_url: str = ""
    billing: BillingAddress = field(default_factory=BillingAddress)
    shipping: Address = field(default_factory=Address)
    figures: Figures = field(default=Figures.EXACT, compare=False)

    #: How a figure the store's API cannot give is shown (never as 0).
    UNKNOWN_FIGURE: ClassVar[str] = "–"

    @classmethod
    def from_api(cls, data: Mapping[str, object]) -> Customer:
        """Read a customer object of any store version; unknown keys are ignored.

        Raises:
            ValueError: if ``data`` is not an object or has no usable ``id`` (a protocol problem
                the caller reports); every other field falls back to its default.
        """
        if not isinstance(data, Mapping):
            raise ValueError(f"a customer must be a JSON object, not {type(data).__name__}")
        customer_id = parse_int(data.get("id"))
        if customer_id is None or customer_id < 0:
            raise ValueError(f"customer without a usable id: {data.get('id')!r}")
        return cls(
            id=customer_id,
            email=text(data.get("email")),
            first_name=text(data.get("first_name")),
            last_name=text(data.get("last_name")),
            username=text(data.get("username")),
            role=text(data.get("role")) or None,
            created_at=parse_datetime(data.get("created_at")),
            last_update=parse_datetime(data.get("last_update"), epoch_means_unset=True),
            last_order_id=parse_id(data.get("last_order_id")),
            last_order_date=parse_datetime(data.get("last_order_date")),
            orders_count=max(parse_int(data.get("orders_count")) or 0, 0),
            total_spent=parse_decimal(data.get("total_spent")),
            avatar_url=text(data.get("avatar_url")),
            billing=BillingAddress.from_api(data.get("billing_address")),
            shipping=Address.from_api(data.get("shipping_address")),
            # Every legacy store sends the count; a customer from the modern API, written back
            # by to_api (the cache keeps that shape), has null there: its stats stay unknown.
            figures=(
                Figures.UNKNOWN
                if "orders_count" in data and data["orders_count"] is None
                else Figures.EXACT
            ),
        )

    def to_api(self) -> dict[str, object]:
        """The customer object in the API's shape and key order (the inverse of from_api).

        Scripts get what the store's documentation describes, and an object printed with
        ``--json`` can be edited and sent back as an update. Unknown stats (``stats_known``
        False) are written as null, so they read back as unknown; figures that are not exact
        say so in a ``figures`` key (``approximate`` or ``unknown``).
        """
        return {
            "id": self.id,
            "created_at": api_datetime(self.created_at),
            "last_update": api_datetime(self.last_update),
            "email": self.email,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "username": self.username,
            "role": self.role,
            "last_order_id": self.last_order_id,
            "last_order_date": api_datetime(self.last_order_date),
            "orders_count": self.orders_count if self.stats_known else None,
            "total_spent": money_text(self.total_spent) if self.stats_known else None,
            # Only where they are not the store's own: Analytics' approximation, or unknown.
            **({} if self.figures is Figures.EXACT else {"figures": str(self.figures)}),
            "avatar_url": self.avatar_url,
            "billing_address": self.billing.to_api(),
            "shipping_address": self.shipping.to_api(),
        }

    @property
    def stats_known(self) -> bool:
        """Whether the order figures come from a source (exact or approximate), not placeholders."""
        return self.figures is not Figures.UNKNOWN

    @property
    def last_order_known(self) -> bool:
        """Whether the last order fields are facts: a source gave them, or there are no orders.

        wc/v2 counts orders but names no last order; Analytics gives its date but not its id.
        """
        if not self.stats_known:
            return False
        return self.orders_count == 0 or self.last_order_date is not None

    @property
    def is_guest(self) -> bool:
        """Whether this is the stand-in customer of a guest order (id 0, no account)."""
        return self.id == 0

    @property
    def display_name(self) -> str:
        """A name to show: first and last name, else the billing names, else username or email."""
        for first, last in (
            (self.first_name, self.last_name),
            (self.billing.first_name, self.billing.last_name),
        ):
            name = clean_text(f"{first} {last}")
            if name:
                return name
        return clean_text(self.username) or clean_text(self.email)

    @property
    def average_order_value(self) -> Decimal | None:
        """``total_spent`` per order, rounded to cents; None without orders or figures.

        An approximation: the store sums paid orders only but counts orders of every status.
        """
        if not self.stats_known or self.orders_count <= 0:
            return None
        return (self.total_spent / self.orders_count).quantize(_CENT)

    def with_changes(self, **fields: Any) -> Customer:
        """A copy with the given fields replaced (``dataclasses.replace``)."""
        return dataclasses.replace(self, **fields)


@dataclass(frozen=True, slots=True)
class CustomerDraft:
    """What a user fills in to create a customer.

    An empty ``username`` or ``password`` lets the store generate one (a password only where the
    shop allows it; the index's ``meta.generate_password`` says so).
    """

    email: str
    first_name: str = ""
    last_name: str = ""
    username: str = ""
    password: str = ""
    billing: BillingAddress = field(default_factory=BillingAddress)
    shipping: Address = field(default_factory=Address)

    def to_create_payload(self) -> dict[str, object]:
        """The inner object of ``POST /customers`` (the caller wraps it in ``{"customer": …}``).

        ``email`` is always sent (the store requires the key); empty names, username and password
        and empty addresses are left out, so the store applies its own defaults.
        """
        payload: dict[str, object] = {"email": self.email}
        for name in ("first_name", "last_name", "username", "password"):
            value: str = getattr(self, name)
            if value:
                payload[name] = value
        if not self.billing.is_empty:
            payload["billing_address"] = self.billing.to_api()
        if not self.shipping.is_empty:
            payload["shipping_address"] = self.shipping.to_api()
        return payload


def _address_changes(before: Address, after: Address) -> dict[str, str]:
    old, new = before.to_api(), after.to_api()
    return {name: value for name, value in new.items() if value != old[name]}


def update_payload(before: Customer, after: Customer) -> dict[str, object]:
    """The inner object of ``PUT /customers/<id>`` that turns ``before`` into ``after``.

    Only what changed is sent: the editable top-level fields that differ, and per address only
    the differing sub-keys (the store updates addresses partially, section 6.6). Read-only fields
    (id, username, role, dates, counters) are never sent: the store ignores them.

    Returns:
        The changes; an empty dict when there is nothing to send.

    Raises:
        ValueError: if the two customers are not the same customer (different ids).
    """
    if before.id != after.id:
        raise ValueError(f"cannot diff customer {before.id} against customer {after.id}")
    payload: dict[str, object] = {
        name: getattr(after, name)
        for name in EDITABLE_FIELDS
        if getattr(after, name) != getattr(before, name)
    }
    billing = _address_changes(before.billing, after.billing)
    if billing:
        payload["billing_address"] = billing
    shipping = _address_changes(before.shipping, after.shipping)
    if shipping:
        payload["shipping_address"] = shipping
    return payload


@dataclass(frozen=True, slots=True)
class UnappliedChange:
    """A field sent to the store whose value did not come back in its answer.

    Attributes:
        field: the field's dotted name, e.g. ``"email"`` or ``"billing_address.city"``.
        sent: the value that was sent.
        kept: the value the store answered with (what it kept).
    """

    field: str
    sent: str
    kept: str


def unapplied_changes(sent: Mapping[str, object], returned: Customer) -> list[UnappliedChange]:
    """Every sent field the store did not apply, judged by the customer it answered with.

    A store answers 200 while keeping the old email when the new one belongs to another customer,
    and ignores a changed username (sections 6.3 and 18); only this comparison reveals it. Values
    are compared after collapsing white space, because the store cleans text that way itself.
    Fields the store never echoes (``password``) or ignores when null are skipped, as are keys
    this app never sends.

    Args:
        sent: the create or update payload (an envelope ``{"customer": …}`` is unwrapped).
        returned: the customer from the store's answer to that request.

    Returns:
        The unapplied changes in API field order; empty when everything was applied.
    """
    inner = sent.get("customer")
    if isinstance(inner, Mapping):
        sent = inner
    echoed: list[tuple[str, object, str]] = [
        (name, sent.get(name), getattr(returned, name)) for name in _ECHOED_FIELDS
    ]
    for key, kept_address in (
        ("billing_address", returned.billing),
        ("shipping_address", returned.shipping),
    ):
        sent_address = sent.get(key)
        if isinstance(sent_address, Mapping):  # the store ignores an address that is no object
            kept_values = kept_address.to_api()
            echoed += [
                (f"{key}.{name}", sent_address.get(name), kept_values[name])
                for name in kept_address.FIELDS
            ]
    return [
        UnappliedChange(name, text(value), kept)
        for name, value, kept in echoed
        if value is not None and clean_text(text(value)) != clean_text(kept)
    ]
