"""What deleting customers does to their orders, in the words every entry point uses.

WooCommerce keeps a deleted customer's orders as guest orders (customer id 0). The window's
confirmation, its status message, the multi-delete's summary and the command line say so only
where it is true: a customer known to have no orders has nothing kept, and one whose figures
the store did not give may or may not have orders.
"""

from __future__ import annotations

from collections.abc import Sequence

from app.domain.customer import Customer


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


def orders_kept(customers: Sequence[Customer]) -> str:
    """Before deleting ``customers``: what becomes of their orders, saying only what is known."""
    known = [c for c in customers if c.stats_known]
    unknown = len(customers) - len(known)
    buyers = [c for c in known if c.orders_count > 0]
    orders = sum(c.orders_count for c in buyers)
    kept = "kept in the store as " + ("a guest order" if orders == 1 else "guest orders")
    if not buyers:
        if unknown:
            return "Any orders they have are kept in the store as guest orders."
        return "None of them has orders." if len(customers) > 1 else "They have no orders."
    if len(buyers) == len(customers):
        if orders == 1:
            return f"Their order is {kept}."
        return f"Their {orders:,} orders are {kept}."
    who = "One of them has" if len(buyers) == 1 else f"{len(buyers):,} of them have"
    what = "an order" if orders == 1 else f"{orders:,} orders"
    note = f"{who} {what}, {kept}."
    if unknown:
        note += " Any orders the others have are kept as guest orders too."
    return note
