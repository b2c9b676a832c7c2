"""Order figures from the sources a modern-only store offers, and derived from its orders."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from app.domain.customer import Customer, Figures
from app.domain.figures import (
    OrderFigures,
    figures_from_analytics,
    figures_from_orders,
    figures_from_v1,
    figures_from_v2,
    site_offset,
    with_figures,
)
from app.domain.order import Order


def _order(order_id: int, status: str, total: str, day: int = 1) -> Order:
    return Order(
        id=order_id,
        status=status,
        total=Decimal(total),
        created_at=datetime(2026, 12, day, 18, 25, 20, tzinfo=UTC),
    )


def test_orders_give_the_legacy_figures_of_section_11_4() -> None:
    """Count every order, sum processing and completed, last order is the highest id."""
    orders = [
        _order(14, "processing", "15.00", 5),
        _order(9, "completed", "34.99", 2),
        _order(11, "on-hold", "45.00", 3),
        _order(12, "cancelled", "10.00", 4),
        _order(13, "trash", "99.00", 4),
    ]
    figures = figures_from_orders(orders)
    assert figures == OrderFigures(
        4, Decimal("49.99"), 14, datetime(2026, 12, 5, 18, 25, 20, tzinfo=UTC)
    )


def test_no_orders_give_zero_figures_and_no_last_order() -> None:
    assert figures_from_orders([]) == OrderFigures(0, Decimal("0"), None, None)


def test_an_on_hold_order_counts_but_adds_nothing_spent() -> None:
    assert figures_from_orders([_order(5, "on-hold", "45.00")]) == OrderFigures(
        1, Decimal("0"), 5, datetime(2026, 12, 1, 18, 25, 20, tzinfo=UTC)
    )


def test_a_wc_v1_customer_gives_count_total_and_last_order_in_utc() -> None:
    """Section 3.7: ``last_order`` is ``{"id","date"}``, UTC without ``Z``."""
    item = {
        "id": 2,
        "last_order": {"id": 14, "date": "2026-12-05T18:25:20"},
        "orders_count": 2,
        "total_spent": "49.99",
    }
    assert figures_from_v1(item) == (
        2,
        OrderFigures(2, Decimal("49.99"), 14, datetime(2026, 12, 5, 18, 25, 20, tzinfo=UTC)),
    )
    none = {"id": 4, "last_order": {"id": None, "date": None}, "orders_count": 0}
    assert figures_from_v1({**none, "total_spent": "0.00"}) == (
        4,
        OrderFigures(0, Decimal("0.00")),
    )


def test_a_wc_v2_customer_gives_count_and_total_but_no_last_order() -> None:
    item = {"id": 5, "orders_count": 1, "total_spent": "0.00"}
    assert figures_from_v2(item) == (5, OrderFigures(1, Decimal("0.00")))


def test_items_without_usable_figures_are_skipped() -> None:
    items: tuple[object, ...] = (
        None,
        [],
        {"orders_count": 1, "total_spent": "1.00"},
        {"id": 0, "orders_count": 1, "total_spent": "1.00"},
        {"id": 2, "total_spent": "1.00"},
        {"id": 2, "orders_count": -1, "total_spent": "1.00"},
        {"id": 2, "orders_count": True, "total_spent": "1.00"},
        {"id": 2, "orders_count": 1},
        # A total that is no amount is not a zero to show as fact.
        {"id": 2, "orders_count": 1, "total_spent": None},
        {"id": 2, "orders_count": 1, "total_spent": ""},
        {"id": 2, "orders_count": 1, "total_spent": "1,234.50"},
        {"id": 2, "orders_count": 1, "total_spent": False},
    )
    for item in items:
        assert figures_from_v1(item) is None
        assert figures_from_v2(item) is None
    for spend in (None, "n/a", float("nan"), float("inf"), True):
        row = {"id": 1, "user_id": 2, "orders_count": 1, "total_spend": spend}
        assert figures_from_analytics(row) is None


def test_an_analytics_row_is_keyed_by_user_id_not_its_lookup_id() -> None:
    """Section 14.3: alice is lookup ``id`` 1, ``user_id`` 2; the date is site time, a space."""
    row = {
        "id": 1,
        "user_id": 2,
        "date_last_order": "2026-12-05 20:25:20",
        "orders_count": 2,
        "total_spend": 49.99,
        "avg_order_value": 24.995,
    }
    assert figures_from_analytics(row, timedelta(hours=2)) == (
        2,
        OrderFigures(2, Decimal("49.99"), None, datetime(2026, 12, 5, 18, 25, 20, tzinfo=UTC)),
    )
    # Without the site's offset the date is not guessed.
    assert figures_from_analytics(row) == (2, OrderFigures(2, Decimal("49.99")))
    assert figures_from_analytics({**row, "total_spend": 45}, timedelta(0)) is not None
    assert figures_from_analytics({**row, "total_spend": 45})[1].total_spent == Decimal("45.00")  # type: ignore[index]


def test_guest_rows_of_analytics_are_skipped() -> None:
    assert figures_from_analytics({"id": 9, "user_id": None, "orders_count": 1}) is None
    assert figures_from_analytics({"id": 9, "user_id": 0, "orders_count": 1}) is None


def test_the_site_offset_is_read_from_the_rest_index() -> None:
    assert site_offset(0) == timedelta(0)
    assert site_offset(5.5) == timedelta(hours=5, minutes=30)
    assert site_offset("-3") == timedelta(hours=-3)
    for junk in (None, True, "x", float("nan"), 99):
        assert site_offset(junk) is None


def test_figures_are_applied_with_their_precision() -> None:
    customer = Customer(id=2, figures=Figures.UNKNOWN)
    figures = OrderFigures(2, Decimal("45.00"), None, None)
    approximate = with_figures(customer, figures, Figures.APPROXIMATE)
    assert approximate.figures is Figures.APPROXIMATE
    assert approximate.stats_known
    assert approximate.average_order_value == Decimal("22.50")
    assert approximate.last_order_known is False  # two orders, but no date given
    unknown = with_figures(approximate, None, Figures.EXACT)
    assert unknown.figures is Figures.UNKNOWN
    assert not unknown.stats_known
    assert (unknown.orders_count, unknown.total_spent) == (0, Decimal("0"))
    assert unknown.average_order_value is None


def test_a_customer_without_orders_knows_it_has_no_last_order() -> None:
    exact = with_figures(Customer(id=3), OrderFigures(0, Decimal("0")), Figures.EXACT)
    assert exact.last_order_known is True
    assert Customer(id=3, figures=Figures.UNKNOWN).last_order_known is False
