"""The cached customers, orders and downloads: writes, views (sort, filters), rows by id, coverage.

The GUI asks for the ordered ids of a view, then the rows of the visible window; both must agree
with what the sync stored, whatever the sort column and direction, and a deleted customer must
leave nothing behind (no search row, no orders, no downloads).
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.cache import repository
from app.cache.repository import SORT_COLUMNS, Coverage, CustomerCache, CustomerFilter
from app.domain.criteria import Criteria
from app.domain.customer import Address, BillingAddress, Customer, Figures
from app.domain.order import Download, LineItem, Order

URL = "https://repo.example.com"
START = datetime(2024, 1, 1, tzinfo=UTC)


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[CustomerCache]:
    opened = CustomerCache.open(tmp_path / "cache", URL)
    yield opened
    opened.close()


def make_customer(customer_id: int, **fields: Any) -> Customer:
    """A customer with plausible values; ``fields`` replace any of them."""
    values: dict[str, Any] = {
        "email": f"user{customer_id}@example.com",
        "first_name": f"First{customer_id}",
        "last_name": "Example",
        "username": f"user{customer_id}",
        "role": "customer",
        "created_at": START + timedelta(days=customer_id),
        "last_update": START + timedelta(days=customer_id, hours=1),
        "orders_count": 0,
        "total_spent": Decimal("0.00"),
        "billing": BillingAddress(city="Porto", country="PT", phone="+351 22 000 0000"),
    }
    values.update(fields)
    return Customer(id=customer_id, **values)


def search_rows(cache: CustomerCache) -> int:
    return int(cache.file.conn.execute("SELECT COUNT(*) FROM customer_search").fetchone()[0])


def order(order_id: int, customer_id: int, day: int) -> Order:
    return Order(
        id=order_id,
        number=str(order_id),
        order_key=f"wc_order_{order_id}",
        created_at=START + timedelta(days=day),
        status="completed",
        currency="EUR",
        total=Decimal("19.90"),
        subtotal=Decimal("19.90"),
        customer_id=customer_id,
        line_items=(
            LineItem(
                id=order_id * 10,
                name="Mug",
                product_id=5,
                quantity=2,
                price=Decimal("9.95"),
                subtotal=Decimal("19.90"),
                total=Decimal("19.90"),
            ),
        ),
    )


def download(number: int) -> Download:
    return Download(
        download_id=f"d{number}",
        product_id=number,
        name=f"Manual {number}",
        order_id=100 + number,
        order_key=f"wc_order_{100 + number}",
        downloads_remaining=number if number % 2 else None,
        access_expires=START + timedelta(days=365) if number % 3 else None,
        file_name=f"manual-{number}.pdf",
        file_url=f"https://repo.example.com/files/manual-{number}.pdf",
        download_url=f"https://repo.example.com/?download_file={number}",
    )


# -- writes ----------------------------------------------------------------------------------


def test_upsert_then_read_back_gives_equal_customers(cache: CustomerCache) -> None:
    stored = [
        make_customer(1),
        make_customer(
            2,
            first_name="João",
            last_name="Silva",
            role=None,
            created_at=None,
            last_update=None,
            last_order_id=77,
            last_order_date=datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC),
            orders_count=12,
            total_spent=Decimal("1234.56"),
            avatar_url="https://secure.gravatar.com/avatar/x?s=96",
            billing=BillingAddress(
                first_name="João",
                last_name="Silva",
                company="Cafés do Brasil Ltda",
                address_1="Av. Paulista, 1000",
                address_2="Conj. 12",
                city="São Paulo",
                state="SP",
                postcode="01310-100",
                country="BR",
                email="financeiro@cafes.example",
                phone="+55 11 3456-7890",
            ),
            shipping=Address(city="Campinas", state="SP", postcode="13010-001", country="BR"),
        ),
        make_customer(3, first_name="", last_name="", email="", username="only-login"),
    ]
    cache.upsert_customers(stored, 1_700_000_000)
    assert cache.customers_by_ids([1, 2, 3]) == {c.id: c for c in stored}
    assert cache.customer(2) == stored[1]
    assert cache.count() == 3
    assert cache.all_ids() == {1, 2, 3}


def test_upsert_replaces_a_customer_and_its_search_text(cache: CustomerCache) -> None:
    cache.upsert_customers([make_customer(1, first_name="Oldname"), make_customer(2)], 1)
    changed = make_customer(1, first_name="Newname", billing=BillingAddress(city="Faro"))
    cache.upsert_customers([changed], 2)
    assert cache.count() == 2
    assert search_rows(cache) == 2
    assert cache.customer(1) == changed
    assert cache.ordered_ids(CustomerFilter(search="oldname")) == []
    assert cache.ordered_ids(CustomerFilter(search="newname")) == [1]
    assert cache.ordered_ids(CustomerFilter(search="faro")) == [1]
    assert cache.ordered_ids(CustomerFilter(search="porto")) == [2]


def test_upserting_the_same_page_twice_changes_nothing(cache: CustomerCache) -> None:
    page = [make_customer(i) for i in range(1, 101)]
    cache.upsert_customers(page, 1)
    cache.upsert_customers(page, 1)
    assert cache.count() == 100
    assert search_rows(cache) == 100


def test_upsert_writes_meta_in_the_same_transaction(cache: CustomerCache) -> None:
    cache.upsert_customers([make_customer(1)], 5, meta={"store_total": 40, "gone": None})
    assert cache.meta("store_total") == "40"


def test_a_page_that_fails_half_way_stores_nothing(
    cache: CustomerCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache.upsert_customers([make_customer(1)], 1, meta={"store_total": 1})

    def broken_search_rows(customers: object) -> list[tuple[int, str]]:
        raise RuntimeError("failure after the customers were written")

    monkeypatch.setattr(repository, "search_rows", broken_search_rows)
    with pytest.raises(RuntimeError):
        cache.upsert_customers([make_customer(2), make_customer(3)], 2, meta={"store_total": 3})
    assert cache.file.conn.in_transaction is False
    assert cache.all_ids() == {1}
    assert search_rows(cache) == 1
    assert cache.meta("store_total") == "1"


def test_a_page_listing_a_customer_twice_stores_them_once(cache: CustomerCache) -> None:
    first, second = make_customer(1, first_name="Before"), make_customer(1, first_name="After")
    cache.upsert_customers([first, make_customer(2), second], 1)
    assert cache.count() == 2
    assert search_rows(cache) == 2
    assert cache.customer(1) == second


def test_delete_removes_the_customer_and_everything_cached_about_them(
    cache: CustomerCache,
) -> None:
    cache.upsert_customers([make_customer(i, last_name="Delete") for i in (1, 2, 3)], 1)
    cache.store_orders(2, [order(20, 2, 1), order(21, 2, 2)], 10)
    cache.store_downloads(2, [download(1)], 10)
    cache.store_orders(3, [order(30, 3, 1)], 10)
    removed = cache.delete_customers([2, 99], meta={"store_total": 2})
    assert removed == 1
    assert cache.all_ids() == {1, 3}
    assert search_rows(cache) == 2
    assert cache.ordered_ids(CustomerFilter(search="delete")) == [1, 3]
    assert cache.ordered_ids(CustomerFilter(search="user2@")) == []
    assert cache.orders(2) is None
    assert cache.downloads(2) is None
    conn = cache.file.conn
    assert conn.execute("SELECT COUNT(*) FROM orders WHERE customer_id = 2").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM downloads WHERE customer_id = 2").fetchone()[0] == 0
    assert cache.orders(3) == [order(30, 3, 1)]
    assert cache.meta("store_total") == "2"


def test_deleting_nothing_removes_nothing(cache: CustomerCache) -> None:
    cache.upsert_customers([make_customer(1)], 1)
    assert cache.delete_customers([]) == 0
    assert cache.delete_customers([5, 6]) == 0
    assert cache.count() == 1


# -- views: sorting --------------------------------------------------------------------------

_CITIES = ["Porto", "porto", "Aveiro", "Braga", "", "Zurich"]
_NAMES = ["Alice", "alice", "Bob", "carol", "Dave", ""]


def _varied_customers(count: int, seed: int) -> list[Customer]:
    """ASCII values from small pools (so sorts tie often), some empty, some dates missing."""
    rng = random.Random(seed)
    customers = []
    for customer_id in rng.sample(range(1, 10_000), count):
        last_order = rng.choice([None, START + timedelta(days=rng.randint(0, 40))])
        billing_city = rng.choice(_CITIES)
        customers.append(
            make_customer(
                customer_id,
                first_name=rng.choice(_NAMES),
                last_name=rng.choice(["", "Smith", "jones"]),
                email=rng.choice(["a@x.example", "B@x.example", "b@x.example", "c@y.example"]),
                username=rng.choice(["zed", "Zed", "amy", "bo"]),
                created_at=rng.choice([None, START + timedelta(days=rng.randint(0, 5))]),
                last_order_id=rng.randint(1, 999) if last_order else None,
                last_order_date=last_order,
                orders_count=rng.randint(0, 3),
                total_spent=Decimal(rng.choice(["0.00", "9.99", "10.00", "1000.50"])),
                role=rng.choice(["customer", "subscriber", "Shop_manager", None]),
                billing=BillingAddress(
                    city=billing_city,
                    country=rng.choice(["PT", "DE", ""]),
                    phone=rng.choice(["", "+351 21", "0049 30", "+351 21"]),
                    company=rng.choice(["", "Acme", "acme", "Zeta"]),
                    postcode=rng.choice(["", "1000-001", "10115"]),
                    state=rng.choice(["", "Lisboa", "BE"]),
                ),
                shipping=Address(
                    city=rng.choice(["Lyon", ""]),
                    country=rng.choice(["FR", ""]),
                    company=rng.choice(["", "Ship Co"]),
                    postcode=rng.choice(["", "69001"]),
                    state=rng.choice(["", "ARA", "ara"]),
                ),
            )
        )
    return customers


def _nullable(value: Any) -> tuple[int, Any]:
    return (0, 0) if value is None else (1, value)


#: The order SQLite gives each sort column (NOCASE folds ASCII case; NULL sorts first).
_SORT_KEYS: dict[str, Callable[[Customer], Any]] = {
    "name": lambda c: c.display_name.lower(),
    "email": lambda c: c.email.lower(),
    "username": lambda c: c.username.lower(),
    "city": lambda c: (c.billing.city or c.shipping.city).lower(),
    "country": lambda c: c.billing.country or c.shipping.country,
    "orders": lambda c: c.orders_count,
    "total_spent": lambda c: int(c.total_spent * 100),
    "last_order": lambda c: _nullable(c.last_order_date),
    "registered": lambda c: _nullable(c.created_at),
    "phone": lambda c: c.billing.phone.lower(),
    "company": lambda c: (c.billing.company or c.shipping.company).lower(),
    "postcode": lambda c: (c.billing.postcode or c.shipping.postcode).lower(),
    "state": lambda c: (c.billing.state or c.shipping.state).lower(),
    "role": lambda c: c.role or "",  # compared as stored: case matters
    "average_order": lambda c: _nullable(
        c.total_spent / c.orders_count if c.orders_count > 0 else None
    ),
    "id": lambda c: c.id,
}


def test_every_sort_column_has_an_oracle() -> None:
    assert set(_SORT_KEYS) == set(SORT_COLUMNS)


@pytest.mark.parametrize("descending", [False, True], ids=["asc", "desc"])
@pytest.mark.parametrize("sort", list(SORT_COLUMNS))
def test_sorting_by_every_column_breaks_ties_by_id(
    cache: CustomerCache, sort: str, descending: bool
) -> None:
    customers = _varied_customers(120, seed=len(sort))
    cache.upsert_customers(customers, 1)
    key = _SORT_KEYS[sort]
    expected = [c.id for c in sorted(customers, key=lambda c: (key(c), c.id), reverse=descending)]
    view = CustomerFilter(role=None, sort=sort, descending=descending)
    assert cache.ordered_ids(view) == expected
    ties = len(customers) - len({repr(key(c)) for c in customers})
    assert sort == "id" or ties > 0, "the data should make this sort tie"


def test_an_unknown_sort_key_is_refused(cache: CustomerCache) -> None:
    with pytest.raises(ValueError, match="unknown sort key"):
        cache.ordered_ids(CustomerFilter(sort="c.id; DROP TABLE customers"))


def test_sorting_by_name_uses_the_display_name_fallbacks(cache: CustomerCache) -> None:
    cache.upsert_customers(
        [
            make_customer(1, first_name="Zed", last_name=""),
            make_customer(2, first_name="", last_name="", billing=BillingAddress(first_name="Ann")),
            make_customer(3, first_name="", last_name="", username="moe"),
            make_customer(4, first_name="", last_name="", username="", email="bea@example.com"),
        ],
        1,
    )
    assert cache.ordered_ids(CustomerFilter(sort="name")) == [2, 4, 3, 1]


# -- views: filters --------------------------------------------------------------------------


@pytest.fixture
def mixed(cache: CustomerCache) -> CustomerCache:
    cache.upsert_customers(
        [
            make_customer(1, billing=BillingAddress(country="PT")),
            make_customer(2, role="subscriber", billing=BillingAddress(country="DE")),
            make_customer(3, role=None, billing=BillingAddress(), shipping=Address(country="DE")),
            make_customer(4, role="administrator", billing=BillingAddress(country="DE")),
            make_customer(5, billing=BillingAddress(country="DE"), shipping=Address(country="FR")),
            make_customer(6, billing=BillingAddress(), shipping=Address()),
        ],
        1,
    )
    return cache


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("customer", [1, 5, 6]),
        ("subscriber", [2]),
        ("administrator", [4]),
        ("editor", []),
        (None, [1, 2, 3, 4, 5, 6]),
    ],
)
def test_the_role_filter(mixed: CustomerCache, role: str | None, expected: list[int]) -> None:
    assert mixed.ordered_ids(CustomerFilter(role=role, sort="id")) == expected


def test_the_default_view_shows_customers_only(mixed: CustomerCache) -> None:
    assert mixed.ordered_ids(CustomerFilter(sort="id")) == [1, 5, 6]


@pytest.mark.parametrize(
    ("country", "expected"),
    [("DE", [2, 3, 4, 5]), ("PT", [1]), ("FR", []), ("US", []), (None, [1, 2, 3, 4, 5, 6])],
)
def test_the_country_filter_uses_billing_else_shipping(
    mixed: CustomerCache, country: str | None, expected: list[int]
) -> None:
    criteria = Criteria(countries=(country,) if country else ())
    assert mixed.ordered_ids(CustomerFilter(role=None, criteria=criteria, sort="id")) == expected


def test_role_country_and_direction_combine(mixed: CustomerCache) -> None:
    germany = Criteria(countries=("DE",))
    view = CustomerFilter(role="customer", criteria=germany, sort="id", descending=True)
    assert mixed.ordered_ids(view) == [5]
    view = CustomerFilter(role=None, criteria=germany, sort="id", descending=True)
    assert mixed.ordered_ids(view) == [5, 4, 3, 2]


def test_roles_and_countries_present(mixed: CustomerCache) -> None:
    assert mixed.roles() == ["customer", "", "administrator", "subscriber"]
    assert mixed.countries() == ["DE", "PT"]


def test_role_counts_count_every_role_present(mixed: CustomerCache) -> None:
    assert mixed.role_counts() == {"customer": 3, "subscriber": 1, "": 1, "administrator": 1}


def test_role_counts_of_an_empty_cache_are_empty(cache: CustomerCache) -> None:
    assert cache.role_counts() == {}


def test_list_rows_carry_the_address_role_and_average_order_columns(cache: CustomerCache) -> None:
    cache.upsert_customers(
        [
            make_customer(
                1,
                role="shop_manager",
                orders_count=3,
                total_spent=Decimal("100.00"),
                billing=BillingAddress(phone="+351 21", company="Acme", postcode="", state=""),
                shipping=Address(company="Ship", postcode="69001", state="ARA"),
            ),
            make_customer(2, orders_count=0, total_spent=Decimal("0.00")),
        ],
        1,
    )
    rows = cache.customer_rows([1, 2])
    first = rows[1]
    assert (first.phone, first.company, first.postcode, first.state, first.role) == (
        "+351 21",
        "Acme",
        "69001",
        "ARA",
        "shop_manager",
    )
    assert first.average_order is not None
    assert first.average_order.quantize(Decimal("0.01")) == Decimal("33.33")
    assert rows[2].average_order is None, "no orders: no average"


def test_an_average_of_unknown_figures_is_unknown(cache: CustomerCache) -> None:
    unknown = make_customer(1, orders_count=0, total_spent=Decimal(0), figures=Figures.UNKNOWN)
    cache.upsert_customers([unknown], 1)
    assert cache.customer_rows([1])[1].average_order is None


# -- rows by id ------------------------------------------------------------------------------


def test_customers_by_ids_leaves_out_missing_ids_and_handles_long_lists(
    cache: CustomerCache,
) -> None:
    stored = [make_customer(i) for i in range(1, 1201)]
    cache.upsert_customers(stored, 1)
    wanted = [*range(1200, 0, -1), 5000, 0, -1]
    found = cache.customers_by_ids(wanted)
    assert set(found) == set(range(1, 1201))
    assert found[777] == stored[776]
    assert cache.customers_by_ids([]) == {}
    assert cache.customer(5000) is None


def test_storing_names_only_the_customers_that_were_new_or_changed(
    cache: CustomerCache,
) -> None:
    stored = [make_customer(i) for i in range(1, 6)]
    assert cache.upsert_customers(stored, 100) == [1, 2, 3, 4, 5]
    edited = make_customer(4, first_name="Renamed", billing=BillingAddress(city="Faro"))
    again = [*stored[:3], edited, make_customer(9)]
    assert cache.upsert_customers(again, 200) == [4, 9]
    assert cache.upsert_customers(again, 300) == []
    # Unchanged customers were still confirmed, and every row is searchable as stored.
    assert sorted(cache.ids_confirmed_before(300)) == [5]
    assert cache.ordered_ids(CustomerFilter(search="faro")) == [4]
    assert cache.ordered_ids(CustomerFilter(search="porto", sort="id")) == [1, 2, 3, 5, 9]
    assert cache.customer(4) == edited
    assert search_rows(cache) == 6


def test_list_rows_agree_with_the_stored_customers(cache: CustomerCache) -> None:
    shipped_only = make_customer(
        2,
        billing=BillingAddress(),
        shipping=Address(city="Lyon", country="FR"),
        total_spent=Decimal("1234.5"),
        last_order_date=START + timedelta(days=40, seconds=7),
    )
    stored = [make_customer(i) for i in range(3, 700)] + [shipped_only]
    cache.upsert_customers(stored, 1)
    found = cache.customer_rows([*range(699, 1, -1), 5000])
    assert set(found) == {c.id for c in stored}
    for customer in stored:
        row = found[customer.id]
        assert row.name == customer.display_name
        assert (row.email, row.username) == (customer.email, customer.username)
        assert row.city == (customer.billing.city or customer.shipping.city)
        assert row.country == (customer.billing.country or customer.shipping.country)
        assert row.orders_count == customer.orders_count
        assert row.total_spent == customer.total_spent
        assert row.last_order_date == customer.last_order_date
        assert row.created_at == customer.created_at
    assert (found[2].city, found[2].country) == ("Lyon", "FR")
    assert str(found[2].total_spent) == "1234.50"  # cents, as a list shows money
    assert cache.customer_rows([]) == {}


def test_a_window_of_ordered_ids_reads_back_in_order(cache: CustomerCache) -> None:
    cache.upsert_customers(_varied_customers(300, seed=9), 1)
    ids = cache.ordered_ids(CustomerFilter(role=None, sort="email", descending=True))
    window = ids[100:200]
    rows = cache.customers_by_ids(window)
    emails = [rows[i].email.lower() for i in window]
    assert emails == sorted(emails, reverse=True)


# -- metadata and coverage -------------------------------------------------------------------


def test_meta_values_are_set_replaced_and_removed(cache: CustomerCache) -> None:
    assert cache.meta("watermark") is None
    cache.set_meta({"watermark": 1_700_000_000, "role_scope": "all"})
    assert cache.meta("watermark") == "1700000000"
    assert cache.meta_time("watermark") == datetime.fromtimestamp(1_700_000_000, UTC)
    cache.set_meta({"watermark": 1_700_000_001, "role_scope": None})
    assert cache.meta("watermark") == "1700000001"
    assert cache.meta("role_scope") is None
    cache.set_meta({"odd": "not a time"})
    assert cache.meta_time("odd") is None
    assert cache.meta("store_url") == URL


def test_coverage_before_any_sync(cache: CustomerCache) -> None:
    assert cache.coverage() == Coverage(0, None, None, None, None, None)
    assert cache.coverage().complete is False


def test_coverage_counts_and_times(cache: CustomerCache) -> None:
    cache.upsert_customers([make_customer(i) for i in (1, 2)], 1_700_000_100)
    cache.upsert_customers(
        [make_customer(3)],
        1_700_000_050,
        meta={"store_total": 4, "store_total_at": 1_700_000_200},
    )
    cache.set_meta({"last_full_sync": 1_700_000_300, "last_quick_sync": 1_700_000_400})
    coverage = cache.coverage()
    assert coverage.held == 3
    assert coverage.store_total == 4
    assert coverage.complete is False
    assert coverage.store_total_at == datetime.fromtimestamp(1_700_000_200, UTC)
    assert coverage.last_full_sync == datetime.fromtimestamp(1_700_000_300, UTC)
    assert coverage.last_quick_sync == datetime.fromtimestamp(1_700_000_400, UTC)
    assert coverage.oldest_confirmation == datetime.fromtimestamp(1_700_000_050, UTC)
    # Equal counts prove nothing; a sync that proved the ids does.
    cache.set_meta({"store_total": 3})
    assert cache.coverage().complete is False
    cache.set_meta({"ids_proven": 1})
    assert cache.coverage().complete is True
    assert cache.coverage().describe() == "All 3 accounts on this computer"
    # A customer the app created (no count restated): the store's count moves with it.
    cache.upsert_customers([make_customer(4)], 1_700_000_500)
    assert cache.coverage().store_total == 4
    assert cache.coverage().complete is True
    cache.delete_customers([4])
    assert cache.coverage().store_total == 3
    assert cache.coverage().complete is True
    cache.set_meta({"ids_proven": 0, "unaccounted": 2})
    assert cache.coverage().complete is False
    assert "2 could not be accounted for" in cache.coverage().describe()
    cache.upsert_customers([make_customer(4)], 1_700_000_500)
    assert cache.ids_confirmed_since(1_700_000_100) == [1, 2, 4]
    assert cache.ids_confirmed_before(1_700_000_100) == [3]
    assert sorted(cache.ids_confirmed_before(1_700_000_101)) == [1, 2, 3]


# -- orders and downloads --------------------------------------------------------------------


def test_orders_are_none_until_fetched_then_newest_first(cache: CustomerCache) -> None:
    cache.upsert_customers([make_customer(1), make_customer(2)], 1)
    assert cache.orders(1) is None
    stored = [order(11, 1, 3), order(12, 1, 9), order(13, 1, 5)]
    cache.store_orders(1, stored, 100)
    assert cache.orders(1) == [stored[1], stored[2], stored[0]]
    assert cache.orders(2) is None
    cache.store_orders(1, [order(14, 1, 1)], 200)
    assert cache.orders(1) == [order(14, 1, 1)]
    cache.store_orders(2, [], 300)
    assert cache.orders(2) == []


def test_downloads_are_none_until_fetched_then_in_the_stores_order(cache: CustomerCache) -> None:
    cache.upsert_customers([make_customer(1)], 1)
    assert cache.downloads(1) is None
    stored = [download(3), download(1), download(2)]
    cache.store_downloads(1, stored, 100)
    assert cache.downloads(1) == stored
    assert cache.orders(1) is None, "fetching downloads says nothing about orders"
    cache.store_orders(1, [order(5, 1, 1)], 101)
    assert cache.downloads(1) == stored, "fetching orders keeps the downloads"
    cache.store_downloads(1, [], 102)
    assert cache.downloads(1) == []
    assert cache.orders(1) == [order(5, 1, 1)]


def test_figures_the_store_does_not_give_stay_unknown(cache: CustomerCache) -> None:
    """A wc/v3 customer carries no order figures: the cache keeps them unknown, never 0."""
    unknown = dataclasses.replace(make_customer(7), figures=Figures.UNKNOWN)
    cache.upsert_customers([unknown, make_customer(8)], 1_700_000_000)
    rows = cache.customer_rows([7, 8])
    assert (rows[7].orders_count, rows[7].total_spent) == (None, None)
    assert rows[8].orders_count is not None
    stored = cache.customer(7)
    assert stored is not None
    assert stored.stats_known is False
    assert cache.customer(8).stats_known is True  # type: ignore[union-attr]


def test_approximate_figures_keep_their_precision_through_the_cache(
    cache: CustomerCache,
) -> None:
    """Analytics' figures read back approximate; exact ones of the same value replace them."""
    approximate = make_customer(
        7, orders_count=2, total_spent=Decimal("45.00"), figures=Figures.APPROXIMATE
    )
    assert cache.upsert_customers([approximate], 1_700_000_000) == [7]
    stored = cache.customer(7)
    assert stored is not None
    assert stored.figures is Figures.APPROXIMATE
    assert (stored.orders_count, stored.total_spent) == (2, Decimal("45.00"))
    assert cache.customer_rows([7])[7].figures is Figures.APPROXIMATE
    assert cache.customers_by_emails(["user7@example.com"])["user7@example.com"].figures is (
        Figures.APPROXIMATE
    )
    # The same numbers, now exact: only the precision differs, and the row is rewritten.
    exact = dataclasses.replace(approximate, figures=Figures.EXACT)
    assert cache.upsert_customers([exact], 1_700_000_001) == [7]
    assert cache.customer(7).figures is Figures.EXACT  # type: ignore[union-attr]
    assert cache.customer_rows([7])[7].figures is Figures.EXACT
    assert cache.upsert_customers([exact], 1_700_000_002) == []
