"""Varied cached customers, and what the list filters and figures make of them in plain Python.

The filter and figure tests (tests/cache/test_criteria_filters.py, tests/cache/test_insights.py)
check the cache's SQL against these independent computations over the :class:`Customer` objects:
countries from the billing or else the shipping address, unknown figures (the store's API gave
none), customers without orders, companies and phones present or not, and registrations and last
orders a second around the midnights of several timezones, across the clock changes.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal

from app.domain.criteria import Criteria
from app.domain.customer import Address, BillingAddress, Customer, Figures
from app.domain.store_time import store_zone

#: The timezones the tests run a store in (None: the store never said; UTC is assumed).
ZONES = ("Europe/Berlin", "+05:30", "America/New_York", None)

#: Days whose midnights the registrations and last orders crowd around (both clock changes of
#: 2024 in Europe and the USA, month ends, a year end).
EDGE_DAYS = (
    date(2024, 3, 9),
    date(2024, 3, 10),
    date(2024, 3, 30),
    date(2024, 3, 31),
    date(2024, 4, 1),
    date(2024, 10, 26),
    date(2024, 10, 27),
    date(2024, 10, 28),
    date(2024, 11, 1),
    date(2024, 12, 31),
    date(2025, 1, 1),
)
#: Seconds from a midnight: just before, on it, just after, half an hour after, midday.
NUDGES = (-60, -1, 0, 1, 1800, 12 * 3600)

COUNTRIES = ("DE", "AT", "US", "PT", "BR", "IN", "FR", "IT", "ES", "NL", "BE", "PL", "SE", "")
STATES = {"DE": ("BY", "BE"), "US": ("CA", "NY"), "BR": ("SP",), "IN": ("KA",)}
CITIES = ("Berlin", "München", "Porto", "New York", "Bengaluru", "")
#: (orders, total spent) pairs, some with averages exactly half a cent (rounded half to even).
FIGURES = (
    (0, Decimal("0")),
    (1, Decimal("19.90")),
    (2, Decimal("0.05")),  # 2.5 cents: shown as 0.02
    (2, Decimal("0.15")),  # 7.5 cents: shown as 0.08
    (3, Decimal("10.00")),  # 3.333...: shown as 3.33
    (3, Decimal("10.01")),  # 3.3366...: shown as 3.34
    (5, Decimal("250.00")),
    (12, Decimal("1234.56")),
    (25, Decimal("9999.99")),
    (7, Decimal("0")),  # orders, none paid
    (40, Decimal("125000.00")),  # a whale
)


def edge_moments() -> list[datetime]:
    """Instants a second or a minute around the edge days' midnights in every test zone."""
    moments: list[datetime] = []
    for text in ZONES:
        zone = store_zone(text) or UTC
        for day in EDGE_DAYS:
            midnight = datetime(day.year, day.month, day.day, tzinfo=zone)
            moments += [(midnight + timedelta(seconds=nudge)).astimezone(UTC) for nudge in NUDGES]
    return moments


def varied_customers(count: int = 160, seed: int = 16) -> list[Customer]:
    """``count`` customers covering every case the filters and figures tell apart."""
    rng = random.Random(seed)
    moments = edge_moments()
    customers = []
    for customer_id in range(1, count + 1):
        country = rng.choice(COUNTRIES)
        state = rng.choice(STATES.get(country, ("",)))
        city = rng.choice(CITIES)
        company = rng.choice(("", "", "ACME GmbH"))
        place = {"country": country, "state": state, "city": city, "company": company}
        where = rng.random()
        if where < 0.5:  # billing only
            billing = BillingAddress(phone=rng.choice(("", "+49 30 1234")), **place)
            shipping = Address()
        elif where < 0.75:  # shipping only: the columns fall back on it (never for the phone)
            billing = BillingAddress(phone=rng.choice(("", "+1 555 0100")))
            shipping = Address(**place)
        else:  # both, the billing one shown
            billing = BillingAddress(phone=rng.choice(("", "+351 22 000")), **place)
            shipping = Address(country="JP", state="13", city="Tokyo", company="Other KK")
        figures = rng.choice((Figures.EXACT, Figures.EXACT, Figures.APPROXIMATE, Figures.UNKNOWN))
        orders, spent = rng.choice(FIGURES)
        last_order = rng.choice(moments) if orders else None
        if figures is Figures.UNKNOWN:
            # Placeholders; a last order date left in must not count either.
            orders, spent = 0, Decimal("0")
        customers.append(
            Customer(
                id=customer_id,
                email=f"varied{customer_id}@example.com",
                first_name=f"Varied{customer_id}",
                last_name="Example",
                username=f"varied{customer_id}",
                role=rng.choice(("customer", "customer", "subscriber")),
                created_at=None if customer_id % 29 == 0 else rng.choice(moments),
                last_order_id=customer_id * 10 if last_order else None,
                last_order_date=last_order,
                orders_count=orders,
                total_spent=spent,
                billing=billing,
                shipping=shipping,
                figures=figures,
            )
        )
    return customers


def country_of(customer: Customer) -> str:
    """The billing country, else the shipping one (as the table shows it)."""
    return customer.billing.country or customer.shipping.country


def _local_day(moment: datetime | None, zone: tzinfo) -> date | None:
    return moment.astimezone(zone).date() if moment is not None else None


def _within(value: object, low: object, high: object) -> bool:
    if value is None:
        return False
    return (low is None or value >= low) and (high is None or value <= high)  # type: ignore[operator]


def matches(customer: Customer, criteria: Criteria, zone: tzinfo) -> bool:
    """Whether ``customer`` meets ``criteria``, computed from the Customer object alone."""
    c, known = customer, customer.stats_known
    if criteria.countries and country_of(c) not in {
        code.strip().upper() for code in criteria.countries
    }:
        return False
    state = c.billing.state or c.shipping.state
    if criteria.state and state.lower() != criteria.state.strip().lower():
        return False
    city = c.billing.city or c.shipping.city
    if criteria.city and city.lower() != criteria.city.strip().lower():
        return False
    orders = c.orders_count if known else None
    if (criteria.min_orders, criteria.max_orders) != (None, None) and not _within(
        orders, criteria.min_orders, criteria.max_orders
    ):
        return False
    spent = c.total_spent if known else None
    if (criteria.min_spent, criteria.max_spent) != (None, None) and not _within(
        spent, criteria.min_spent, criteria.max_spent
    ):
        return False
    if (criteria.min_average, criteria.max_average) != (None, None) and not _within(
        c.average_order_value, criteria.min_average, criteria.max_average
    ):
        return False
    registered = _local_day(c.created_at, zone)
    if (criteria.registered_after, criteria.registered_before) != (None, None) and not _within(
        registered, criteria.registered_after, criteria.registered_before
    ):
        return False
    last_order = _local_day(c.last_order_date, zone) if known else None
    if (criteria.last_order_after, criteria.last_order_before) != (None, None) and not _within(
        last_order, criteria.last_order_after, criteria.last_order_before
    ):
        return False
    if criteria.never_ordered and orders != 0:
        return False
    company = bool(c.billing.company or c.shipping.company)
    if criteria.has_company is not None and company != criteria.has_company:
        return False
    return criteria.has_phone is None or bool(c.billing.phone) == criteria.has_phone


def matching_ids(
    customers: Iterable[Customer], criteria: Criteria, zone: tzinfo, role: str | None = None
) -> set[int]:
    """The ids of the customers of ``role`` (None: any) that meet ``criteria``."""
    return {
        c.id for c in customers if (role is None or c.role == role) and matches(c, criteria, zone)
    }


def store_moment(day: date, hour: int, minute: int, second: int, zone: tzinfo) -> datetime:
    """A wall-clock time of the store on ``day``, as a UTC datetime."""
    return datetime(day.year, day.month, day.day, hour, minute, second, tzinfo=zone).astimezone(UTC)
