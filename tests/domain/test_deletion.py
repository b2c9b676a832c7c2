"""The words for what deleting customers does to their orders: true for each case."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.domain.customer import Customer, Figures
from app.domain.deletion import deleted_message, orders_kept


def customer(orders: int, figures: Figures = Figures.EXACT) -> Customer:
    base = Customer.from_api(
        {"id": 5, "email": "ann@example.com", "first_name": "Ann", "last_name": "Lee"}
    )
    return replace(base, orders_count=orders, figures=figures)


@pytest.mark.parametrize(
    ("orders", "figures", "before", "after"),
    [
        (0, Figures.EXACT, "They have no orders.", "Deleted Ann Lee."),
        (
            1,
            Figures.EXACT,
            "Their order is kept in the store as a guest order.",
            "Deleted Ann Lee; their order is kept as a guest order.",
        ),
        (
            1200,
            Figures.APPROXIMATE,
            "Their 1,200 orders are kept in the store as guest orders.",
            "Deleted Ann Lee; their 1,200 orders are kept as guest orders.",
        ),
        (
            0,
            Figures.UNKNOWN,
            "Any orders they have are kept in the store as guest orders.",
            "Deleted Ann Lee; any orders they had are kept as guest orders.",
        ),
    ],
)
def test_one_customers_orders(orders: int, figures: Figures, before: str, after: str) -> None:
    who = customer(orders, figures)
    assert orders_kept([who]) == before
    assert deleted_message(who) == after


def buyer(customer_id: int, orders: int, figures: Figures = Figures.EXACT) -> Customer:
    return Customer(
        customer_id, email=f"c{customer_id}@example.com", orders_count=orders, figures=figures
    )


def test_the_confirmation_says_only_what_is_true_of_the_orders() -> None:
    nobody = [buyer(1, 0), buyer(2, 0)]
    assert orders_kept(nobody) == "None of them has orders."
    assert "guest" not in orders_kept(nobody)
    assert orders_kept([buyer(1, 2), buyer(2, 1)]) == (
        "Their 3 orders are kept in the store as guest orders."
    )
    assert orders_kept([buyer(1, 1), buyer(2, 0)]) == (
        "One of them has an order, kept in the store as a guest order."
    )
    unknown = [buyer(1, 0, Figures.UNKNOWN), buyer(2, 0)]
    assert orders_kept(unknown) == "Any orders they have are kept in the store as guest orders."
