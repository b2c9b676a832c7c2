"""The words for what deleting customers does to their orders: true for each case."""

from __future__ import annotations

from dataclasses import replace

import pytest

from app.domain.customer import Customer, Figures
from app.domain.deletion import deleted_message, orders_kept, orders_kept_of_many


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
    assert orders_kept(who) == before
    assert deleted_message(who) == after


def test_several_customers_orders_are_summed_and_unknown_figures_say_any() -> None:
    assert orders_kept_of_many([customer(0), customer(0)]) == "None of them has orders."
    assert orders_kept_of_many([customer(0), customer(1)]) == (
        "Their one order is kept in the store as a guest order."
    )
    assert orders_kept_of_many([customer(2), customer(3)]) == (
        "Their 5 orders are kept in the store as guest orders."
    )
    assert orders_kept_of_many([customer(2), customer(0, Figures.UNKNOWN)]) == (
        "Any orders they have are kept in the store as guest orders."
    )
