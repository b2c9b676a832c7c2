"""Summary figures and chart data (app/cache/insights.py) against plain-Python sums.

The same varied customers as the filter tests (tests/support/varied_customers.py), in stores of
several timezones: counts, sums and averages leave unknown figures out; months are the store's;
spending bins are round and count every customer with known figures once; the countries chart
names the top ones and puts the rest in one bar; the orders chart buckets the counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from pathlib import Path

import pytest

from app.cache.insights import ORDER_BUCKETS, SPENT_BINS, TOP_COUNTRIES, Bar, Summary
from app.cache.repository import CustomerCache, CustomerFilter
from app.domain.countries import country_name
from app.domain.criteria import Criteria
from app.domain.customer import BillingAddress, Customer, Figures
from app.domain.store_time import store_zone
from tests.support.varied_customers import (
    ZONES,
    country_of,
    matching_ids,
    store_moment,
    varied_customers,
)

URL = "https://insights.example.com"
CUSTOMERS = varied_customers()
BY_ID = {c.id: c for c in CUSTOMERS}
TODAY = date(2025, 1, 15)

VIEWS = [
    CustomerFilter(role=None),
    CustomerFilter(role="customer"),
    CustomerFilter(role=None, criteria=Criteria(countries=("DE", "US"))),
    CustomerFilter(role=None, criteria=Criteria(min_orders=1)),
    CustomerFilter(role=None, criteria=Criteria(registered_after=date(2024, 10, 27))),
    CustomerFilter(role=None, criteria=Criteria(countries=("SE",), never_ordered=True)),
]

VIEW_IDS = ["all", "customers", "de-us", "ordered", "registered-late", "none"]


@pytest.fixture(scope="module", params=ZONES, ids=lambda zone: zone or "no-zone")
def store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[CustomerCache, tzinfo]]:
    zone_text: str | None = request.param
    cache = CustomerCache.open(tmp_path_factory.mktemp("cache"), URL)
    cache.upsert_customers(CUSTOMERS, 1_700_000_000)
    if zone_text:
        cache.keep_store_timezone(zone_text)
    yield cache, store_zone(zone_text) or UTC
    cache.close()


def selected(view: CustomerFilter, zone: tzinfo) -> list[Customer]:
    return [BY_ID[i] for i in sorted(matching_ids(CUSTOMERS, view.criteria, zone, view.role))]


# -- summary ----------------------------------------------------------------------------------


@pytest.mark.parametrize("view", VIEWS, ids=VIEW_IDS)
def test_the_summary_is_the_plain_sums_of_known_figures(
    store: tuple[CustomerCache, tzinfo], view: CustomerFilter
) -> None:
    cache, zone = store
    customers = selected(view, zone)
    known = [c for c in customers if c.stats_known]
    summary = cache.summary(view)
    assert summary == Summary(
        count=len(customers),
        known=len(known),
        unknown=len(customers) - len(known),
        approximate=sum(c.figures is Figures.APPROXIMATE for c in customers),
        orders_total=sum(c.orders_count for c in known),
        spent_total=sum((c.total_spent for c in known), Decimal(0)),
        never_ordered=sum(c.orders_count == 0 for c in known),
    )
    if known:
        assert summary.orders_average == Decimal(summary.orders_total) / len(known)
        assert summary.spent_average == summary.spent_total / len(known)
        assert summary.never_ordered_share == Decimal(summary.never_ordered) / len(known)
    if summary.orders_total:
        assert summary.order_value_average == summary.spent_total / summary.orders_total


def test_the_test_data_has_unknown_and_approximate_figures() -> None:
    figures = Counter(c.figures for c in CUSTOMERS)
    assert figures[Figures.UNKNOWN] > 5
    assert figures[Figures.APPROXIMATE] > 5


def test_unknown_figures_are_counted_apart_and_never_as_zero(tmp_path: Path) -> None:
    cache = CustomerCache.open(tmp_path, URL)
    try:
        cache.upsert_customers(
            [
                Customer(id=1, email="a@example.com", orders_count=2, total_spent=Decimal("30")),
                Customer(id=2, email="b@example.com", figures=Figures.UNKNOWN),
                Customer(id=3, email="c@example.com", orders_count=0),
            ],
            1,
        )
        summary = cache.summary(CustomerFilter(role=None))
    finally:
        cache.close()
    assert (summary.count, summary.known, summary.unknown) == (3, 2, 1)
    assert summary.spent_average == Decimal("15")
    assert summary.orders_average == Decimal("1")
    assert summary.order_value_average == Decimal("15")
    assert summary.never_ordered_share == Decimal("0.5")


def test_no_customer_gives_zeros_and_no_averages(tmp_path: Path) -> None:
    cache = CustomerCache.open(tmp_path, URL)
    try:
        summary = cache.summary(CustomerFilter(role=None))
        charts = cache.charts(CustomerFilter(role=None), TODAY)
    finally:
        cache.close()
    assert summary == Summary(0, 0, 0, 0, 0, Decimal(0), 0)
    assert summary.orders_average is None
    assert summary.spent_average is None
    assert summary.order_value_average is None
    assert summary.never_ordered_share is None
    assert len(charts.new_per_month) == 24
    assert all(bar.count == 0 for bar in charts.new_per_month)
    assert charts.spent == ()
    assert charts.countries == ()
    assert [bar.count for bar in charts.orders] == [0] * len(ORDER_BUCKETS)


def test_a_filter_nobody_meets_gives_empty_charts(store: tuple[CustomerCache, tzinfo]) -> None:
    cache, _zone = store
    view = CustomerFilter(role=None, criteria=Criteria(countries=("DE",), city="Nowhere"))
    assert cache.summary(view).count == 0
    charts = cache.charts(view, TODAY)
    assert charts.spent == ()
    assert charts.countries == ()
    assert sum(bar.count for bar in charts.orders) == 0


# -- new customers per month ------------------------------------------------------------------


def last_months(today: date, count: int) -> list[date]:
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        months.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


@pytest.mark.parametrize("view", VIEWS, ids=VIEW_IDS)
def test_new_customers_per_month_are_counted_in_the_stores_months(
    store: tuple[CustomerCache, tzinfo], view: CustomerFilter
) -> None:
    cache, zone = store
    bars = cache.charts(view, TODAY).new_per_month
    months = last_months(TODAY, 24)
    assert [bar.low for bar in bars] == months
    assert [bar.high for bar in bars] == [*months[1:], date(2025, 2, 1)]
    assert bars[0].label == "Feb 2023"
    assert bars[-1].label == "Jan 2025"
    registered = Counter(
        c.created_at.astimezone(zone).date().replace(day=1)
        for c in selected(view, zone)
        if c.created_at is not None
    )
    assert {bar.low: bar.count for bar in bars} == {month: registered[month] for month in months}


def test_a_registration_just_after_midnight_on_the_first_is_in_that_month(tmp_path: Path) -> None:
    berlin = store_zone("Europe/Berlin")
    assert berlin is not None
    early = store_moment(date(2024, 11, 1), 0, 30, 0, berlin)
    assert early.month == 10  # still October in UTC
    late = store_moment(date(2024, 10, 31), 23, 59, 59, berlin)
    cache = CustomerCache.open(tmp_path, URL)
    try:
        cache.upsert_customers(
            [
                Customer(id=1, email="a@example.com", created_at=early),
                Customer(id=2, email="b@example.com", created_at=late),
                Customer(id=3, email="c@example.com", created_at=None),
                Customer(id=4, email="d@example.com", created_at=datetime(2030, 1, 1, tzinfo=UTC)),
                Customer(id=5, email="e@example.com", created_at=datetime(2001, 1, 1, tzinfo=UTC)),
            ],
            1,
        )
        cache.keep_store_timezone("Europe/Berlin")
        bars = cache.charts(CustomerFilter(role=None), date(2024, 11, 20)).new_per_month
    finally:
        cache.close()
    counts = {bar.low: bar.count for bar in bars}
    assert counts[date(2024, 11, 1)] == 1
    assert counts[date(2024, 10, 1)] == 1
    # No date, a future one and one before the chart's first month are in no bar.
    assert sum(counts.values()) == 2


def test_the_months_end_at_the_stores_today_by_default(
    store: tuple[CustomerCache, tzinfo],
) -> None:
    cache, zone = store
    before = datetime.now(zone).date().replace(day=1)
    bars = cache.charts(CustomerFilter(role=None)).new_per_month
    after = datetime.now(zone).date().replace(day=1)
    assert bars[-1].low in (before, after)
    assert len(bars) == 24


# -- spending ---------------------------------------------------------------------------------


def is_round(cents: int) -> bool:
    """1, 2 or 5 times a power of ten, in whole units of money."""
    if cents < 100 or cents % 100:
        return False
    units = cents // 100
    while units % 10 == 0:
        units //= 10
    return units in (1, 2, 5)


def check_spending_bars(bars: tuple[Bar, ...], spent: list[Decimal]) -> None:
    """Round, contiguous bins, each amount counted once, in its own bin; the last is open
    unless nobody spent that much."""
    assert bars
    assert len(bars) <= SPENT_BINS + 1
    lows = [bar.low for bar in bars]
    assert all(isinstance(low, Decimal) for low in lows)
    width = bars[0].high
    assert lows[0] == 0
    assert isinstance(width, Decimal)
    assert is_round(int(width * 100))
    open_bin = bars[-1].high is None
    for index, bar in enumerate(bars):
        assert bar.low == index * width
        last = index == len(bars) - 1
        assert bar.high == (None if last and open_bin else (index + 1) * width)
        if last and open_bin:
            assert bar.count, "an open bin is shown only when somebody falls in it"
        inside = [
            amount
            for amount in spent
            if amount >= bar.low and (bar.high is None or amount < bar.high)  # type: ignore[operator]
        ]
        assert bar.count == len(inside), bar
        high = f"{bar.high:,.0f}" if bar.high is not None else None
        assert bar.label == (f"{bar.low:,.0f}+" if high is None else f"{bar.low:,.0f}–{high}")
    assert sum(bar.count for bar in bars) == len(spent)
    # The bins reach the 95th percentile: the open bin holds the biggest spenders only.
    ranked = sorted(spent)
    percentile = ranked[min(len(ranked) - 1, len(ranked) * 95 // 100)]
    reach = bars[-1].low if open_bin else bars[-1].high
    assert percentile <= reach  # type: ignore[operator]


@pytest.mark.parametrize("view", VIEWS, ids=VIEW_IDS)
def test_spending_bins_count_every_known_customer_once(
    store: tuple[CustomerCache, tzinfo], view: CustomerFilter
) -> None:
    cache, zone = store
    spent = [c.total_spent for c in selected(view, zone) if c.stats_known]
    bars = cache.charts(view, TODAY).spent
    if not spent:
        assert bars == ()
    else:
        check_spending_bars(bars, spent)


@pytest.mark.parametrize(
    "amounts",
    [
        ["0"],
        ["0", "0", "0"],
        ["0.99"],
        ["1"],
        ["10", "20", "30", "40", "50", "60", "70", "80", "90", "100"],
        [str(n) for n in range(1, 101)],
        [*(str(n) for n in range(1, 100)), "1000000"],
        ["12.34", "99.99", "100", "100.01", "5000"],
        ["999999.99"],
        ["5", "12", "19.50"],  # everyone below the last bin's end: no empty "20+" bar
    ],
)
def test_spending_bins_for_chosen_amounts(tmp_path: Path, amounts: list[str]) -> None:
    customers = [
        Customer(id=n, email=f"s{n}@example.com", orders_count=1, total_spent=Decimal(amount))
        for n, amount in enumerate(amounts, start=1)
    ]
    customers.append(Customer(id=999, email="u@example.com", figures=Figures.UNKNOWN))
    cache = CustomerCache.open(tmp_path, URL)
    try:
        cache.upsert_customers(customers, 1)
        bars = cache.charts(CustomerFilter(role=None), TODAY).spent
    finally:
        cache.close()
    check_spending_bars(bars, [Decimal(amount) for amount in amounts])


# -- countries --------------------------------------------------------------------------------


@pytest.mark.parametrize("view", VIEWS, ids=VIEW_IDS)
def test_the_top_countries_then_one_bar_for_the_others(
    store: tuple[CustomerCache, tzinfo], view: CustomerFilter
) -> None:
    cache, zone = store
    counts = Counter(country_of(c) for c in selected(view, zone))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    bars = cache.charts(view, TODAY).countries
    named = ranked if len(ranked) == TOP_COUNTRIES + 1 else ranked[:TOP_COUNTRIES]
    assert [(bar.key, bar.count) for bar in bars if not bar.other] == named
    for bar in bars:
        if not bar.other:
            assert bar.label == (country_name(bar.key) if bar.key else "No country")
    rest = ranked[len(named) :]
    others = [bar for bar in bars if bar.other]
    if rest:
        (other,) = others
        assert bars[-1] is other
        assert other.count == sum(n for _, n in rest)
        countries = sum(1 for code, _ in rest if code)
        assert other.label.startswith(f"{countries} other countr")
        assert other.label.endswith(" or none") == any(code == "" for code, _ in rest)
    else:
        assert others == []
    assert sum(bar.count for bar in bars) == len(selected(view, zone))


def test_the_varied_customers_have_an_other_countries_bar() -> None:
    assert len({country_of(c) for c in CUSTOMERS}) > TOP_COUNTRIES + 1


def countries_chart(tmp_path: Path, codes: list[str]) -> tuple[Bar, ...]:
    customers = [
        Customer(id=n, email=f"c{n}@example.com", billing=BillingAddress(country=code))
        for n, code in enumerate(codes, start=1)
    ]
    cache = CustomerCache.open(tmp_path, URL)
    try:
        cache.upsert_customers(customers, 1)
        return cache.charts(CustomerFilter(role=None), TODAY).countries
    finally:
        cache.close()


TOP_TEN = ["DE", "AT", "US", "PT", "BR", "IN", "FR", "IT", "ES", "NL"]


def test_one_country_beyond_the_top_is_named_too(tmp_path: Path) -> None:
    bars = countries_chart(tmp_path, TOP_TEN * 3 + ["BE"])
    assert [bar.key for bar in bars] == [*sorted(TOP_TEN), "BE"]
    assert not any(bar.other for bar in bars)


@pytest.mark.parametrize(
    ("beyond", "words", "count"),
    [
        (["BE", "PL"], "2 other countries", 2),
        (["BE", "BE", ""], "1 other country or none", 3),
        (["BE", "PL", "SE", ""], "3 other countries or none", 4),
    ],
)
def test_the_countries_beyond_the_top_share_one_bar(
    tmp_path: Path, beyond: list[str], words: str, count: int
) -> None:
    bars = countries_chart(tmp_path, TOP_TEN * 3 + beyond)
    assert [bar.key for bar in bars[:-1]] == sorted(TOP_TEN)
    assert (bars[-1].label, bars[-1].count, bars[-1].other) == (words, count, True)


# -- orders -----------------------------------------------------------------------------------


@pytest.mark.parametrize("view", VIEWS, ids=VIEW_IDS)
def test_orders_per_customer_in_buckets_of_known_figures(
    store: tuple[CustomerCache, tzinfo], view: CustomerFilter
) -> None:
    cache, zone = store
    known = [c.orders_count for c in selected(view, zone) if c.stats_known]
    bars = cache.charts(view, TODAY).orders
    assert [(bar.label, bar.low, bar.high) for bar in bars] == list(ORDER_BUCKETS)
    expected = [
        sum(low <= n and (high is None or n <= high) for n in known)
        for _label, low, high in ORDER_BUCKETS
    ]
    assert [bar.count for bar in bars] == expected
    assert sum(expected) == len(known)


def test_the_orders_buckets_cover_every_count_once() -> None:
    labels = [label for label, _low, _high in ORDER_BUCKETS]
    assert labels == ["0", "1", "2", "3", "4", "5", "6–10", "11–20", "21+"]
    for n in range(0, 200):
        holding = [b for b in ORDER_BUCKETS if b[1] <= n and (b[2] is None or n <= b[2])]
        assert len(holding) == 1


@pytest.mark.parametrize("search", ["varied1", "Berlin", "varied12@example.com", "nobody at all"])
def test_a_searched_list_is_summed_as_it_is_listed(
    store: tuple[CustomerCache, tzinfo], search: str
) -> None:
    cache, _zone = store
    view = CustomerFilter(search=search, role=None, criteria=Criteria(has_phone=True))
    listed = [BY_ID[i] for i in cache.ordered_ids(view)]
    known = [c for c in listed if c.stats_known]
    summary = cache.summary(view)
    assert (summary.count, summary.known) == (len(listed), len(known))
    assert summary.spent_total == sum((c.total_spent for c in known), Decimal(0))
    charts = cache.charts(view, TODAY)
    assert sum(bar.count for bar in charts.countries) == len(listed)
    assert sum(bar.count for bar in charts.orders) == len(known)
    assert sum(bar.count for bar in charts.spent) == len(known)
