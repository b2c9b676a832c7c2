"""The list filters in SQL (app/cache/criteria_sql.py) against the same filters in plain Python.

Each filter alone, then random combinations (a property), over varied customers in stores of
several timezones: the ids ``ordered_ids`` gives must be those tests/support/varied_customers.py
computes from the Customer objects themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.cache.repository import CustomerCache, CustomerFilter
from app.domain.criteria import Criteria
from app.domain.customer import Customer
from app.domain.store_time import store_zone
from tests.support.varied_customers import (
    EDGE_DAYS,
    ZONES,
    matching_ids,
    store_moment,
    varied_customers,
)

URL = "https://filters.example.com"
CUSTOMERS = varied_customers()


class Store:
    """A cache holding the varied customers, in a store of one timezone."""

    def __init__(self, cache: CustomerCache, zone_text: str | None) -> None:
        self.cache = cache
        self.zone: tzinfo = store_zone(zone_text) or UTC

    def ids(self, criteria: Criteria, role: str | None = None) -> set[int]:
        assert criteria.problems() == []
        ids = self.cache.ordered_ids(CustomerFilter(role=role, criteria=criteria))
        assert len(ids) == len(set(ids))
        return set(ids)

    def expected(self, criteria: Criteria, role: str | None = None) -> set[int]:
        return matching_ids(CUSTOMERS, criteria, self.zone, role)


@pytest.fixture(scope="module", params=ZONES, ids=lambda zone: zone or "no-zone")
def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Store]:
    zone_text: str | None = request.param
    cache = CustomerCache.open(tmp_path_factory.mktemp("cache"), URL)
    cache.upsert_customers(CUSTOMERS, 1_700_000_000)
    if zone_text:
        cache.keep_store_timezone(zone_text)
    yield Store(cache, zone_text)
    cache.close()


def test_the_store_zone_is_the_one_kept(store: Store) -> None:
    assert (store.cache.store_zone() or UTC) == store.zone


SINGLE_FILTERS: list[dict[str, Any]] = [
    {"countries": ("DE",)},
    {"countries": ("de", "US")},
    {"countries": ("JP",)},  # mostly a shipping country behind a billing one
    {"state": "BY"},
    {"state": " ca "},
    {"city": "berlin"},
    {"city": "München"},
    {"min_orders": 0},
    {"min_orders": 1},
    {"max_orders": 0},
    {"max_orders": 3},
    {"min_orders": 2, "max_orders": 5},
    {"min_spent": Decimal("0")},
    {"min_spent": Decimal("19.90")},
    {"min_spent": Decimal("19.899")},
    {"max_spent": Decimal("19.90")},
    {"max_spent": Decimal("19.901")},
    {"max_spent": Decimal("0")},
    {"min_average": Decimal("0.02")},
    {"min_average": Decimal("0.03")},
    {"max_average": Decimal("0.02")},
    {"min_average": Decimal("0.08")},
    {"max_average": Decimal("0.07")},
    {"max_average": Decimal("3.33")},
    {"min_average": Decimal("3.34")},
    {"min_average": Decimal("3.335")},
    {"min_average": Decimal("3.33"), "max_average": Decimal("3.33")},
    {"min_average": Decimal("0")},
    {"never_ordered": True},
    {"has_company": True},
    {"has_company": False},
    {"has_phone": True},
    {"has_phone": False},
    *({"registered_after": day} for day in EDGE_DAYS),
    *({"registered_before": day} for day in EDGE_DAYS),
    *({"registered_after": day, "registered_before": day} for day in EDGE_DAYS),
    *({"last_order_after": day} for day in EDGE_DAYS),
    *({"last_order_before": day} for day in EDGE_DAYS),
    *({"last_order_after": day, "last_order_before": day} for day in EDGE_DAYS),
]


@pytest.mark.parametrize("values", SINGLE_FILTERS, ids=repr)
def test_each_filter_alone_selects_what_plain_python_selects(
    store: Store, values: dict[str, Any]
) -> None:
    criteria = Criteria(**values)
    assert store.ids(criteria) == store.expected(criteria)


@pytest.mark.parametrize(
    "values",
    [
        {"min_orders": 10**20},
        {"max_orders": 10**20},
        {"min_spent": Decimal("1e30")},
        {"max_spent": Decimal("1e30")},
        {"min_average": Decimal("1e30")},
        {"max_average": Decimal("1e300")},
        {"registered_after": date.min},
        {"registered_before": date.max},
        {"registered_after": date.max},
        {"last_order_after": date.min, "last_order_before": date.max},
    ],
    ids=repr,
)
def test_bounds_beyond_any_figure_or_date_mean_no_limit_or_nobody(
    store: Store, values: dict[str, Any]
) -> None:
    criteria = Criteria(**values)
    assert store.ids(criteria) == store.expected(criteria)


def test_the_test_data_covers_every_case(store: Store) -> None:
    # Each filter must split the customers, or the comparison above proves little.
    for values in SINGLE_FILTERS:
        found = store.expected(Criteria(**values))
        if "registered_after" not in values and "last_order_after" not in values:
            assert 0 < len(found) < len(CUSTOMERS), values


def test_no_filter_and_a_role_select_every_customer_of_the_role(store: Store) -> None:
    assert store.ids(Criteria()) == {c.id for c in CUSTOMERS}
    subscribers = store.ids(Criteria(has_phone=True), role="subscriber")
    assert subscribers == store.expected(Criteria(has_phone=True), role="subscriber")
    assert subscribers


def test_unknown_figures_match_no_order_filter(store: Store) -> None:
    unknown = {c.id for c in CUSTOMERS if not c.stats_known}
    assert unknown
    for values in (
        {"min_orders": 0},
        {"max_orders": 100},
        {"min_spent": Decimal(0)},
        {"max_spent": Decimal(10**6)},
        {"min_average": Decimal(0)},
        {"max_average": Decimal(10**6)},
        {"never_ordered": True},
        {"last_order_after": date(2000, 1, 1)},
        {"last_order_before": date(2099, 1, 1)},
    ):
        assert not store.ids(Criteria(**values)) & unknown, values


def test_the_average_shown_is_the_one_matched(store: Store) -> None:
    # 10.00 over three orders is shown as 3.33: "at most 3.33" keeps that customer.
    shown = {c.id for c in CUSTOMERS if c.average_order_value == Decimal("3.33")}
    assert shown
    assert shown <= store.ids(Criteria(max_average=Decimal("3.33")))
    assert not shown & store.ids(Criteria(min_average=Decimal("3.34")))
    # Half a cent is rounded to even: 2.5 cents is 0.02, 7.5 cents is 0.08.
    two = {c.id for c in CUSTOMERS if c.average_order_value == Decimal("0.02")}
    eight = {c.id for c in CUSTOMERS if c.average_order_value == Decimal("0.08")}
    assert two
    assert eight
    assert two <= store.ids(Criteria(min_average=Decimal("0.02"), max_average=Decimal("0.02")))
    assert eight <= store.ids(Criteria(min_average=Decimal("0.08"), max_average=Decimal("0.08")))


# -- inclusive store days ---------------------------------------------------------------------


@pytest.mark.parametrize("zone_text", ["Europe/Berlin", "+05:30", "-05:30", "UTC"])
@pytest.mark.parametrize("day", [date(2024, 3, 30), date(2024, 3, 31), date(2024, 10, 27)])
def test_a_before_day_ends_at_the_stores_midnight(
    tmp_path: Path, zone_text: str, day: date
) -> None:
    zone = store_zone(zone_text)
    assert zone is not None
    late = store_moment(day, 23, 59, 59, zone)
    next_midnight = store_moment(day + timedelta(days=1), 0, 0, 0, zone)
    first_second = store_moment(day, 0, 0, 0, zone)
    customers = [
        Customer(id=1, email="late@example.com", created_at=late, last_order_date=late,
                 orders_count=1, total_spent=Decimal(1)),
        Customer(id=2, email="next@example.com", created_at=next_midnight,
                 last_order_date=next_midnight, orders_count=1, total_spent=Decimal(1)),
        Customer(id=3, email="first@example.com", created_at=first_second,
                 last_order_date=first_second, orders_count=1, total_spent=Decimal(1)),
        Customer(id=4, email="before@example.com",
                 created_at=datetime.fromtimestamp(first_second.timestamp() - 1, UTC),
                 orders_count=0),
    ]  # fmt: skip
    cache = CustomerCache.open(tmp_path, URL)
    try:
        cache.upsert_customers(customers, 1)
        cache.keep_store_timezone(zone_text)

        def ids(**values: Any) -> list[int]:
            return sorted(cache.ordered_ids(CustomerFilter(role=None, criteria=Criteria(**values))))

        assert ids(registered_before=day) == [1, 3, 4]
        assert ids(registered_after=day) == [1, 2, 3]
        assert ids(registered_after=day, registered_before=day) == [1, 3]
        assert ids(last_order_before=day) == [1, 3]
        assert ids(last_order_after=day, last_order_before=day) == [1, 3]
    finally:
        cache.close()


# -- any combination --------------------------------------------------------------------------

AMOUNTS = [
    Decimal(text) for text in ("0", "0.02", "0.08", "3.33", "3.34", "19.90", "250", "9999.99")
]

criteria_values = st.builds(
    Criteria,
    countries=st.lists(st.sampled_from(["DE", "at", "US", "PT", "BR", "JP", "IN"]), max_size=3).map(
        tuple
    ),
    state=st.sampled_from(["", "", "BY", "ca", "SP"]),
    city=st.sampled_from(["", "", "Berlin", "porto", "New York"]),
    min_orders=st.none() | st.sampled_from([0, 1, 2, 3, 12]),
    max_orders=st.none() | st.sampled_from([0, 2, 5, 25]),
    min_spent=st.none() | st.sampled_from(AMOUNTS),
    max_spent=st.none() | st.sampled_from(AMOUNTS),
    min_average=st.none() | st.sampled_from(AMOUNTS),
    max_average=st.none() | st.sampled_from(AMOUNTS),
    registered_after=st.none() | st.sampled_from(EDGE_DAYS),
    registered_before=st.none() | st.sampled_from(EDGE_DAYS),
    last_order_after=st.none() | st.sampled_from(EDGE_DAYS),
    last_order_before=st.none() | st.sampled_from(EDGE_DAYS),
    never_ordered=st.booleans(),
    has_company=st.none() | st.booleans(),
    has_phone=st.none() | st.booleans(),
).filter(lambda criteria: not criteria.problems())


@settings(suppress_health_check=[HealthCheck.filter_too_much])
@given(criteria=criteria_values, role=st.sampled_from([None, "customer"]))
def test_any_criteria_select_what_plain_python_selects(
    store: Store, criteria: Criteria, role: str | None
) -> None:
    assert store.ids(criteria, role) == store.expected(criteria, role)
