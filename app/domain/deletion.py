"""What deleting customers does to their orders, in the words every entry point uses.

WooCommerce keeps a deleted customer's orders as guest orders (customer id 0). The window's
confirmation, its status message, the multi-delete's summary and the command line say so only
where it is true: a customer known to have no orders has nothing kept, and one whose figures
the store did not give may or may not have orders.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.domain.customer import Customer


def orders_kept(customer: Customer) -> str:
    """A sentence for a confirmation, before the delete: what becomes of their orders."""
    if not customer.stats_known:  # a REST-only store without a figures source
        return "Any orders they have are kept in the store as guest orders."
    orders = customer.orders_count
    if orders == 0:
        return "They have no orders."
    if orders == 1:
        return "Their order is kept in the store as a guest order."
    return f"Their {orders:,} orders are kept in the store as guest orders."


def deleted_message(customer: Customer) -> str:
    """A sentence once the customer is deleted: who, and what became of their orders."""
    done = f"Deleted {customer.display_name}"
    if not customer.stats_known:
        return f"{done}; any orders they had are kept as guest orders."
    orders = customer.orders_count
    if orders == 0:
        return f"{done}."
    if orders == 1:
        return f"{done}; their order is kept as a guest order."
    return f"{done}; their {orders:,} orders are kept as guest orders."


def orders_kept_of_many(customers: Sequence[Customer]) -> str:
    """A sentence for the confirmation of several deletes: what becomes of their orders."""
    unknown = sum(1 for c in customers if not c.stats_known)
    orders = sum(c.orders_count for c in customers if c.stats_known)
    if unknown:
        return "Any orders they have are kept in the store as guest orders."
    if orders == 0:
        return "None of them has orders."
    if orders == 1:
        return "Their one order is kept in the store as a guest order."
    return f"Their {orders:,} orders are kept in the store as guest orders."
