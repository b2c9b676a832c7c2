"""Order figures on a modern-only store: the wc/v3 client against the demo store.

The legacy client on the same database is the yardstick where the store still offers wc/v1
(exact figures, reference §3.7); where wc/v1 and wc/v2 are gone (§21.2) the figures come from
WooCommerce Analytics and must say they are approximate (§14.3), and the orders themselves
(§11.4) show how they differ.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from app.api.client import CustomerQuery, WooClient
from app.api.connection import StoreConnection
from app.api.rest_client import FigureSource, RestClient
from app.demo_store import DemoStore
from app.domain.customer import Figures
from app.domain.figures import figures_from_orders
from tests.conftest import StoreFactory

EVERYONE = CustomerQuery(role="all")
#: Statuses WooCommerce Analytics leaves out by default.
EXCLUDED = {"pending", "failed", "cancelled"}


def _connection(store: DemoStore) -> StoreConnection:
    return StoreConnection(
        store.base_url, store.consumer_key, store.consumer_secret, backoff=0.01, max_backoff=0.05
    )


@pytest.fixture
def both(start_store: StoreFactory) -> Iterator[tuple[WooClient, RestClient]]:
    """A legacy and a wc/v3 client for one HPOS store that still serves wc/v1 and wc/v2."""
    store = start_store(customers=160, hpos=True)
    legacy, rest = WooClient(_connection(store)), RestClient(_connection(store))
    try:
        yield legacy, rest
    finally:
        legacy.close()
        rest.close()


class _Counting:
    """Counts the requests a transport sends, by route."""

    def __init__(self, rest: RestClient) -> None:
        self.routes: list[str] = []
        original = rest.index_transport.request

        def request(method: str, route: str, *args: Any, **kwargs: Any) -> Any:
            self.routes.append(route)
            return original(method, route, *args, **kwargs)

        rest.index_transport.request = request  # type: ignore[method-assign]


def test_a_walk_gives_the_legacy_figures_one_request_per_window(
    both: tuple[WooClient, RestClient],
) -> None:
    legacy, rest = both
    counting = _Counting(rest)
    old = legacy.list_customers(EVERYONE)
    new = rest.list_customers(EVERYONE, page_size=50)
    assert new.proof.complete
    assert [c.id for c in new] == [c.id for c in old]
    assert any(c.orders_count >= 2 for c in old)
    for before, after in zip(old, new, strict=True):
        assert after.figures is Figures.EXACT, after.id
        assert (after.orders_count, after.total_spent) == (before.orders_count, before.total_spent)
        assert (after.last_order_id, after.last_order_date) == (
            before.last_order_id,
            before.last_order_date,
        )
    figure_requests = [r for r in counting.routes if r == "/wc/v1/customers"]
    windows = -(-len(new) // 50)
    assert windows <= len(figure_requests) <= windows + 2  # a window fetched again may ask again
    assert rest.figure_sources() == (FigureSource.V1, FigureSource.V2, FigureSource.ANALYTICS)


def test_a_census_asks_for_no_figures(both: tuple[WooClient, RestClient]) -> None:
    _, rest = both
    counting = _Counting(rest)
    assert len(rest.customer_ids(EVERYONE)) > 100
    assert [r for r in counting.routes if r != "/"] == []


def test_every_read_and_write_carries_the_figures(both: tuple[WooClient, RestClient]) -> None:
    legacy, rest = both
    buyer = next(c for c in legacy.list_customers() if c.orders_count >= 2)
    for found in (
        rest.get_customer(buyer.id),
        rest.find_customer_by_email(buyer.email),
        next(c for c in rest.customer_window(EVERYONE, 0, 100).customers if c.id == buyer.id),
        rest.update_customer(buyer.id, {"last_name": "Figures"}).customer,
    ):
        assert found is not None
        assert found.figures is Figures.EXACT
        assert (found.orders_count, found.total_spent, found.last_order_id) == (
            buyer.orders_count,
            buyer.total_spent,
            buyer.last_order_id,
        )
    page = rest.customer_page(1, EVERYONE, page_size=100)
    assert all(c.figures is Figures.EXACT for c in page.customers)
    created = rest.create_customer({"email": "figures.new@example.com"}).customer
    assert created.figures is Figures.EXACT
    assert (created.orders_count, created.total_spent, created.last_order_id) == (
        0,
        Decimal("0.00"),
        None,
    )
    outcomes = rest.bulk_save(
        [{"email": "figures.bulk@example.com"}, {"id": buyer.id, "first_name": "Bulk"}]
    )
    assert [o.ok for o in outcomes] == [True, True]
    saved = [o.customer for o in outcomes]
    assert all(c is not None and c.figures is Figures.EXACT for c in saved)
    assert saved[1] is not None
    assert saved[1].orders_count == buyer.orders_count


@pytest.mark.slow
def test_without_v1_and_v2_the_figures_are_analytics_and_approximate(
    start_store: StoreFactory,
) -> None:
    store = start_store(customers=160, api="modern", hpos=True, without_v1_v2=True)
    rest = RestClient(_connection(store))
    try:
        assert rest.figure_sources() == (FigureSource.ANALYTICS,)
        customers = rest.list_customers(EVERYONE)
        assert customers.proof.complete
        differs = 0
        for customer in (c for c in customers if c.role == "customer"):
            assert customer.figures is Figures.APPROXIMATE, customer.id
            orders = rest.customer_orders(customer.id)
            counted = [o for o in orders if o.status not in EXCLUDED]
            assert customer.orders_count == len(counted), customer.id
            unpaid_total = sum((o.total for o in counted if o.status != "refunded"), Decimal("0"))
            assert customer.total_spent == unpaid_total, customer.id
            exact = figures_from_orders(orders)
            differs += (exact.orders_count, exact.total_spent) != (
                customer.orders_count,
                customer.total_spent,
            )
            if counted:
                newest = max(counted, key=lambda o: (o.created_at, o.id))
                assert customer.last_order_date == newest.created_at
            assert customer.last_order_id is None
        assert differs > 0, "analytics should differ from the exact figures somewhere"
    finally:
        rest.close()
