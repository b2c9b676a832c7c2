"""A customer's order figures: read from the sources a modern-only store offers, or derived.

wc/v3 customers carry no ``orders_count``, ``total_spent`` or last order (wc-rest-v3-behavior.md
section 3.7). This module reads them from the other places a store keeps them (section 19.3) and
says how far each can be trusted (:class:`~app.domain.customer.Figures`):

* a ``wc/v1`` customer (``orders_count``, ``total_spent``, ``last_order {"id","date"}`` in UTC
  without ``Z``): exact, the legacy API's own figures;
* a ``wc/v2`` customer (``orders_count``, ``total_spent``): exact, but no last order;
* a WooCommerce Analytics customers report row (section 14.3): approximate, because its
  ``total_spend`` also counts unpaid orders (on-hold, refunded...), its lookup tables can lag,
  and ``date_last_order`` is site time without a zone;
* every one of a customer's orders (section 11.4): exact, derived as the store computes them.

The stats caches in ``meta_data`` (``wc_order_count_*``...) are never read: the reference calls
them unreliable (section 3.6).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from app.domain.customer import Customer, Figures
from app.domain.order import Order
from app.domain.parsing import is_amount, parse_datetime, parse_decimal, parse_id, parse_int

#: Put before an approximate figure wherever one is shown (table, detail panel, CLI).
APPROXIMATE_MARK = "≈"
#: Why a figure is approximate, and why one is unknown: the one wording every view uses.
APPROXIMATE_WHY = (
    "from WooCommerce Analytics, which counts unpaid orders too and may lag behind the store"
)
UNKNOWN_WHY = "The store's REST API does not give this figure (no wc/v1, wc/v2 or Analytics access)"

#: Statuses whose totals the store sums into ``total_spent`` (``wc_get_is_paid_statuses``).
PAID_STATUSES = frozenset({"processing", "completed"})
#: Statuses that are not orders to the store's count (``status=any`` leaves them out).
_NOT_COUNTED = frozenset({"trash", "auto-draft"})
_CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class OrderFigures:
    """One customer's order figures as a source gave them.

    Attributes:
        orders_count: orders of every status.
        total_spent: the sum the source gives (paid orders for exact sources).
        last_order_id: the newest order's id, None when the source does not say or no orders.
        last_order_date: the newest order's creation moment (UTC), likewise.
    """

    orders_count: int
    total_spent: Decimal
    last_order_id: int | None = None
    last_order_date: datetime | None = None


def _customer_id(data: object) -> tuple[Mapping[str, object], int] | None:
    if not isinstance(data, Mapping):
        return None
    customer_id = parse_int(data.get("id"))
    if customer_id is None or customer_id <= 0:
        return None
    return data, customer_id


def _count(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    count = parse_int(value)
    return count if count is not None and count >= 0 else None


def figures_from_v1(data: object) -> tuple[int, OrderFigures] | None:
    """A ``wc/v1`` customer (or its ``_fields`` trim) as ``(id, figures)``; None if unusable."""
    counted = figures_from_v2(data)
    if counted is None:
        return None
    customer_id, figures = counted
    last = data.get("last_order") if isinstance(data, Mapping) else None
    if not isinstance(last, Mapping):
        return counted
    # UTC without a zone (section 3.7)
    last_order = parse_id(last.get("id")), parse_datetime(last.get("date"))
    return customer_id, OrderFigures(figures.orders_count, figures.total_spent, *last_order)


def _amount(value: object) -> Decimal | None:
    """A money figure (``"49.99"``, or Analytics' JSON number), None when it is no amount.

    ``parse_decimal`` reads junk as 0 so that a customer still shows; a figure read as 0 would
    be shown as fact, so here junk and null leave the figures unknown instead.
    """
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    text = str(value).strip() if isinstance(value, int | float | str) else ""
    if not is_amount(text):
        return None
    return parse_decimal(text)


def figures_from_v2(data: object) -> tuple[int, OrderFigures] | None:
    """A ``wc/v2`` customer (or its trim) as ``(id, figures)`` without a last order.

    None if unusable; a ``wc/v1`` customer reads the same way apart from its last order.
    """
    found = _customer_id(data)
    if found is None:
        return None
    item, customer_id = found
    count, total = _count(item.get("orders_count")), _amount(item.get("total_spent"))
    if count is None or total is None:
        return None
    return customer_id, OrderFigures(count, total)


def figures_from_analytics(
    data: object, utc_offset: timedelta | None = None
) -> tuple[int, OrderFigures] | None:
    """An Analytics customers report row as ``(WordPress user id, figures)``.

    The row's ``id`` is the lookup table's, not the user's: ``user_id`` is (section 14.3); a
    guest's row has none and is skipped (None). ``date_last_order`` is site time with a space;
    ``utc_offset`` (the site's, from the REST index) turns it into UTC, and without it the date
    is left unknown rather than shown hours off. ``total_spend`` is a JSON number.
    """
    if not isinstance(data, Mapping):
        return None
    user_id = parse_int(data.get("user_id"))
    count = _count(data.get("orders_count"))
    if user_id is None or user_id <= 0 or count is None:
        return None
    total = _amount(data.get("total_spend"))
    if total is None:
        return None
    total = total.quantize(_CENT)
    last_date = None
    local = parse_datetime(data.get("date_last_order"))  # read as if UTC
    if local is not None and utc_offset is not None:
        last_date = local - utc_offset
    return user_id, OrderFigures(count, total, None, last_date)


def figures_from_orders(orders: Iterable[Order]) -> OrderFigures:
    """The legacy figures derived from every one of a customer's orders (section 11.4).

    Count: every order (of any status but trash); total spent: the totals of processing and
    completed orders; last order: the highest id. Only right when ``orders`` is complete.
    """
    counted = [order for order in orders if order.status not in _NOT_COUNTED]
    spent = sum((o.total for o in counted if o.status in PAID_STATUSES), Decimal("0"))
    last = max(counted, key=lambda order: order.id, default=None)
    return OrderFigures(
        len(counted),
        spent,
        last.id if last is not None else None,
        last.created_at if last is not None else None,
    )


def with_figures(customer: Customer, figures: OrderFigures | None, precision: Figures) -> Customer:
    """``customer`` carrying ``figures`` at ``precision``; unknown placeholders without them."""
    if figures is None or precision is Figures.UNKNOWN:
        return customer.with_changes(
            orders_count=0,
            total_spent=Decimal("0"),
            last_order_id=None,
            last_order_date=None,
            figures=Figures.UNKNOWN,
        )
    return customer.with_changes(
        orders_count=figures.orders_count,
        total_spent=figures.total_spent,
        last_order_id=figures.last_order_id,
        last_order_date=figures.last_order_date,
        figures=precision,
    )


def site_offset(gmt_offset: object) -> timedelta | None:
    """The REST index's ``gmt_offset`` (hours, possibly fractional) as a timedelta, or None."""
    if isinstance(gmt_offset, bool):
        return None
    hours: float
    if isinstance(gmt_offset, int | float):
        hours = float(gmt_offset)
    elif isinstance(gmt_offset, str):
        try:
            hours = float(gmt_offset)
        except ValueError:
            return None
    else:
        return None
    if not math.isfinite(hours) or abs(hours) > 14:
        return None
    return timedelta(hours=hours)
