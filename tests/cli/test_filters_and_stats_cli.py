"""The filter options of ``customers list --offline``, ``customers stats`` and ``export``.

Every result is checked against a computation of its own: the demo store's database read
directly (users and orders, neither through the app nor an API) and filtered and summed in plain
Python here, as WooCommerce defines the figures (every order counts; ``total_spent`` sums the
paid ones; the last order is the newest). Commands run in-process (tests/support/cli.py), once
per store profile.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable, Sequence
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from app.api.connection import normalize_store_url
from app.cache.repository import CustomerCache
from app.demo_store import DemoStore
from app.domain.criteria import Criteria
from app.domain.customer import Figures
from app.domain.money import MoneyFormat
from app.paths import AppPaths
from app.stores.segments import Segment, SegmentStore
from tests.support.cli import Cli, Outcome

#: The statuses WooCommerce sums into a customer's total spent (``wc_get_is_paid_statuses``).
PAID = ("completed", "processing")


@dataclass(frozen=True)
class Held:
    """One customer as the store's own tables hold it, with its figures worked out here."""

    id: int
    registered: int
    country: str
    state: str
    city: str
    company: str
    phone: str
    orders: int
    spent_cents: int
    last_order: int | None

    def day(self, moment: int, zone: tzinfo) -> date:
        return datetime.fromtimestamp(moment, zone).date()


def held_customers(store: DemoStore) -> list[Held]:
    """Every customer (role ``customer``) from the store's database."""
    conn = store.db.connection()
    figures: dict[int, list[int]] = {}
    newest: dict[int, tuple[int, int]] = {}
    for customer_id, order_id, status, total, created in conn.execute(
        "SELECT customer_id, id, status, total_cents, created_at FROM orders WHERE customer_id > 0"
    ):
        counted = figures.setdefault(customer_id, [0, 0])
        counted[0] += 1
        counted[1] += total if status in PAID else 0
        if order_id > newest.get(customer_id, (0, 0))[0]:
            newest[customer_id] = (order_id, created)
    held = []
    for row in conn.execute("SELECT * FROM users WHERE role = 'customer'"):
        orders, spent = figures.get(row["id"], [0, 0])
        held.append(
            Held(
                id=row["id"],
                registered=row["registered"],
                # The billing address's, else the shipping address's (as the table shows them).
                country=row["billing_country"] or row["shipping_country"],
                state=row["billing_state"] or row["shipping_state"],
                city=row["billing_city"] or row["shipping_city"],
                company=row["billing_company"] or row["shipping_company"],
                phone=row["billing_phone"],
                orders=orders,
                spent_cents=spent,
                last_order=newest[row["id"]][1] if row["id"] in newest else None,
            )
        )
    return held


def registration_days(held: Sequence[Held], zone: tzinfo) -> list[date]:
    return sorted(c.day(c.registered, zone) for c in held)


def matching(held: Sequence[Held], rule: Callable[[Held], bool]) -> list[int]:
    return sorted(c.id for c in held if rule(c))


def listed_ids(cli: Cli, *args: str) -> list[int]:
    outcome = cli("customers", "list", "--offline", "--json", *args)
    assert outcome.code == 0, outcome.err
    return sorted(customer["id"] for customer in outcome.json())


def cache_of(store: DemoStore, paths: AppPaths) -> CustomerCache:
    return CustomerCache.open(paths.cache_dir, normalize_store_url(store.base_url))


@pytest.fixture
def synced(cli: Cli, store: DemoStore) -> list[Held]:
    """The store's customers, once the command line's cache holds them all."""
    outcome = cli("sync", "--full")
    assert outcome.code == 0, outcome.err
    held = held_customers(store)
    assert len(held) > 50
    return held


def cases(held: Sequence[Held], zone: tzinfo) -> list[tuple[list[str], Callable[[Held], bool]]]:
    """Filter combinations with thresholds taken from the data, and what each must select."""
    days = registration_days(held, zone)
    early, late = days[len(days) // 4], days[3 * len(days) // 4]
    countries = sorted({c.country for c in held if c.country})
    two = countries[:2]
    ordered = sorted(c.day(c.last_order, zone) for c in held if c.last_order is not None)
    recent = ordered[len(ordered) // 2]

    def registered(c: Held) -> bool:
        return early <= c.day(c.registered, zone) <= late

    def last_ordered_since(c: Held) -> bool:
        return c.last_order is not None and c.day(c.last_order, zone) >= recent

    return [
        (["--country", two[0], "--country", two[1].lower()], lambda c: c.country in two),
        (
            ["--registered-after", early.isoformat(), "--registered-before", late.isoformat()],
            registered,
        ),
        (["--never-ordered"], lambda c: c.orders == 0),
        (
            ["--min-spent", "50", "--max-spent", "200.50"],
            lambda c: 5000 <= c.spent_cents <= 20050,
        ),
        (
            ["--min-orders", "2", "--max-orders", "4", "--last-order-after", recent.isoformat()],
            lambda c: 2 <= c.orders <= 4 and last_ordered_since(c),
        ),
        (
            ["--min-average", "30", "--has-company", "--country", two[0]],
            lambda c: (
                c.orders > 0
                and c.spent_cents >= 3000 * c.orders
                and bool(c.company)
                and c.country == two[0]
            ),
        ),
        (
            ["--no-phone", "--last-order-before", recent.isoformat()],
            lambda c: (
                not c.phone and c.last_order is not None and c.day(c.last_order, zone) <= recent
            ),
        ),
    ]


def test_the_offline_list_selects_what_the_stores_own_data_says(
    cli: Cli, synced: list[Held]
) -> None:
    for args, rule in cases(synced, UTC):
        expected = matching(synced, rule)
        assert listed_ids(cli, *args) == expected, args


def test_dates_are_days_in_the_timezone_the_cache_knows(
    cli: Cli, store: DemoStore, paths: AppPaths, synced: list[Held]
) -> None:
    zone_name = "Pacific/Kiritimati"  # UTC+14: most registrations fall on another day there
    with closing(cache_of(store, paths)) as cache:
        cache.keep_store_timezone(zone_name)
    zone = ZoneInfo(zone_name)
    day = registration_days(synced, zone)[len(synced) // 2]
    expected = matching(synced, lambda c: c.day(c.registered, zone) == day)
    assert expected
    utc_day = matching(synced, lambda c: c.day(c.registered, UTC) == day)
    assert expected != utc_day, "pick a zone that moves the day"
    args = ["--registered-after", day.isoformat(), "--registered-before", day.isoformat()]
    assert listed_ids(cli, *args) == expected


def test_a_country_is_the_billing_one_else_the_shipping_one(
    cli: Cli, store: DemoStore, synced: list[Held]
) -> None:
    assert not any(c.country == "IS" for c in synced), "a country the seed data does not use"
    shipped_only, billed, _ = (c.id for c in synced[:3])
    conn = store.db.connection()
    conn.execute(
        "UPDATE users SET billing_country = '', shipping_country = 'IS' WHERE id = ?",
        (shipped_only,),
    )
    conn.execute(
        "UPDATE users SET billing_country = 'FI', shipping_country = 'IS' WHERE id = ?",
        (billed,),
    )
    conn.commit()
    assert cli("sync", "--full").code == 0
    held = held_customers(store)
    assert listed_ids(cli, "--country", "IS") == [shipped_only]
    assert billed in listed_ids(cli, "--country", "FI")
    assert listed_ids(cli, "--country", "FI") == matching(held, lambda c: c.country == "FI")


# -- stats ------------------------------------------------------------------------------------


def money(cents: int | Decimal, places: int = 2) -> str:
    value = Decimal(cents) / 100
    return f"{value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):f}"


def ratio(top: int, bottom: int, places: int) -> str | None:
    if not bottom:
        return None
    value = Decimal(top) / bottom
    return f"{value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):f}"


def expected_stats(held: Sequence[Held], places: int = 2) -> dict[str, Any]:
    count = len(held)
    orders = sum(c.orders for c in held)
    spent = sum(c.spent_cents for c in held)
    return {
        "count": count,
        "orders_total": orders,
        "orders_avg": ratio(orders, count, 2),
        "spent_total": money(spent, places),
        "spent_avg": ratio(spent, count * 100, places),
        "aov": ratio(spent, orders * 100, places),
        "never_ordered": sum(1 for c in held if c.orders == 0),
        "unknown_figures": 0,
        "approximate_figures": 0,
    }


def test_stats_json_adds_up_the_filtered_customers(cli: Cli, synced: list[Held]) -> None:
    for args, rule in [([], lambda c: True), *cases(synced, UTC)]:
        outcome = cli("customers", "stats", "--offline", "--json", *args)
        assert outcome.code == 0, outcome.err
        assert outcome.json() == expected_stats([c for c in synced if rule(c)]), args


def test_stats_of_nobody_has_no_averages(cli: Cli, synced: list[Held]) -> None:
    outcome = cli("customers", "stats", "--offline", "--json", "--search", "no such customer x")
    assert outcome.json() == {
        "count": 0,
        "orders_total": 0,
        "orders_avg": None,
        "spent_total": "0.00",
        "spent_avg": None,
        "aov": None,
        "never_ordered": 0,
        "unknown_figures": 0,
        "approximate_figures": 0,
    }
    text = cli("customers", "stats", "--offline", "--search", "no such customer x")
    assert "No customer matches these filters." in text.err


def test_stats_use_the_stores_money_format(
    cli: Cli, store: DemoStore, paths: AppPaths, synced: list[Held]
) -> None:
    yen = MoneyFormat(code="JPY", symbol="¥", thousand_separator=",", decimals=0)
    with closing(cache_of(store, paths)) as cache:
        cache.keep_money_format(yen)
    data = cli("customers", "stats", "--offline", "--json").json()
    assert data == expected_stats(synced, places=0)

    text = cli("customers", "stats", "--offline")
    assert text.code == 0, text.err
    lines = dict(line.split(":", 1) for line in text.out.splitlines())
    spent = sum(c.spent_cents for c in synced)
    assert lines["Customers"].strip() == f"{len(synced):,}"
    assert lines["Lifetime spend"].strip().startswith(yen.format(Decimal(spent) / 100) + " in all")
    never = sum(1 for c in synced if c.orders == 0)
    assert lines["Never ordered"].strip() == f"{never} ({100 * never / len(synced):.1f}%)"
    assert "note:" not in text.err  # exact figures, fully refreshed


def test_stats_say_when_figures_were_last_fully_refreshed(
    cli: Cli, store: DemoStore, paths: AppPaths, synced: list[Held]
) -> None:
    quiet = cli("customers", "stats", "--offline")
    assert "fully refreshed" not in quiet.err
    full = datetime(2026, 1, 2, 3, 4, tzinfo=UTC)
    with closing(cache_of(store, paths)) as cache:
        quick = cache.coverage().last_full_sync
        assert quick is not None
        # As after a quick sync: the last full one (and its figures) is older.
        cache.set_meta(
            {"last_full_sync": int(full.timestamp()), "last_quick_sync": int(quick.timestamp())}
        )
    for extra in ([], ["--json"]):
        outcome = cli("customers", "stats", "--offline", *extra)
        assert outcome.code == 0, outcome.err
        assert (
            f"order figures were last fully refreshed {full.astimezone():%Y-%m-%d %H:%M}"
            in outcome.err
        )
        assert "sync --full" in outcome.err


def test_stats_count_unknown_and_approximate_figures_apart(
    cli: Cli, store: DemoStore, paths: AppPaths, synced: list[Held]
) -> None:
    buyers = [c for c in synced if c.orders > 0]
    unknown, approximate = buyers[0], buyers[1]
    with closing(cache_of(store, paths)) as cache:
        for held, figures in ((unknown, Figures.UNKNOWN), (approximate, Figures.APPROXIMATE)):
            customer = cache.customer(held.id)
            assert customer is not None
            cache.upsert_customers([customer.with_changes(figures=figures)], int(time.time()))
    data = cli("customers", "stats", "--offline", "--json").json()
    known = [c for c in synced if c.id != unknown.id]
    assert data == {
        **expected_stats(known),
        "count": len(synced),
        "unknown_figures": 1,
        "approximate_figures": 1,
    }
    text = cli("customers", "stats", "--offline")
    assert "the order figures of 1 customer are unknown" in text.err
    assert "the figures of 1 customer are approximate (≈)" in text.err
    assert "≈" in text.out


def test_stats_without_offline_syncs_first(cli: Cli, synced: list[Held]) -> None:
    outcome = cli("customers", "stats", "--json", "--min-orders", "1")
    assert outcome.code == 0, outcome.err
    assert outcome.err.startswith("Synced:")
    assert outcome.json() == expected_stats([c for c in synced if c.orders >= 1])


# -- export -----------------------------------------------------------------------------------


def exported_ids(path: Path) -> list[int]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return sorted(int(row["ID"]) for row in csv.DictReader(file))


@pytest.mark.parametrize("offline", [True, False], ids=["offline", "synced"])
def test_export_writes_exactly_the_filtered_customers(
    cli: Cli, synced: list[Held], tmp_path: Path, offline: bool
) -> None:
    args, rule = cases(synced, UTC)[4]
    path = tmp_path / "some.csv"
    outcome = cli("export", str(path), *args, *(["--offline"] if offline else []), "--json")
    assert outcome.code == 0, outcome.err
    expected = matching(synced, rule)
    assert exported_ids(path) == expected
    assert outcome.json() == {"file": str(path), "customers": len(expected)}


# -- segments ---------------------------------------------------------------------------------


def test_a_saved_segment_filters_and_options_beside_it_replace_its_values(
    cli: Cli, store: DemoStore, paths: AppPaths, synced: list[Held], tmp_path: Path
) -> None:
    countries = sorted({c.country for c in synced if c.country})[:2]
    SegmentStore(paths.segments_file).save(
        normalize_store_url(store.base_url),
        Segment("Loyal", criteria=Criteria(countries=tuple(countries), min_orders=2)),
    )
    loyal = matching(synced, lambda c: c.country in countries and c.orders >= 2)
    assert listed_ids(cli, "--segment", "loyal") == loyal
    # --min-orders replaces the segment's; its countries stay.
    assert listed_ids(cli, "--segment", "Loyal", "--min-orders", "4") == matching(
        synced, lambda c: c.country in countries and c.orders >= 4
    )
    stats = cli("customers", "stats", "--offline", "--json", "--segment", "Loyal")
    assert stats.json() == expected_stats([c for c in synced if c.id in loyal])
    path = tmp_path / "loyal.csv"
    assert cli("export", str(path), "--offline", "--segment", "Loyal").code == 0
    assert exported_ids(path) == loyal


def test_an_unknown_segment_is_named_with_the_saved_ones(
    cli: Cli, store: DemoStore, paths: AppPaths, synced: list[Held]
) -> None:
    segments = SegmentStore(paths.segments_file)
    outcome = cli("customers", "list", "--offline", "--segment", "VIP")
    assert outcome.code == 2
    assert "“VIP”" in outcome.err
    assert "none saved" in outcome.err
    segments.save(normalize_store_url(store.base_url), Segment("Big spenders"))
    segments.save(normalize_store_url(store.base_url), Segment("Lapsed"))
    outcome = cli("customers", "stats", "--offline", "--segment", "VIP")
    assert outcome.code == 2
    assert outcome.err == (
        "error: --segment: there is no segment named “VIP” (the saved ones are "
        "“Big spenders”, “Lapsed”)\n"
    )


# -- bad values -------------------------------------------------------------------------------


def refusal(cli: Cli, capsys: pytest.CaptureFixture[str], *args: str) -> Outcome:
    """A command's outcome, whether argparse refused it (exit 2 from parsing) or the command."""
    try:
        return cli(*args)
    except SystemExit as stopped:
        captured = capsys.readouterr()
        code = stopped.code if isinstance(stopped.code, int) else -1
        return Outcome(code, captured.out, captured.err)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--registered-after", "31.12.2025"],
            "--registered-after: expected a date as YYYY-MM-DD, got '31.12.2025'",
        ),
        (["--last-order-before", "2025-02-30"], "--last-order-before: expected a date"),
        (["--min-orders", "-1"], "--min-orders: A number of orders cannot be negative."),
        (["--max-orders", "two"], "--max-orders: expected a whole number, got 'two'"),
        (["--min-spent", "abc"], "--min-spent: expected an amount such as 12.50, got 'abc'"),
        (["--max-average", "-5"], "--max-average: An amount of money cannot be negative."),
        (["--country", "XX"], "--country: expected a country code WooCommerce knows"),
        (
            ["--min-spent", "100", "--max-spent", "10"],
            "--max-spent: The total spent range ends before it starts.",
        ),
        (
            ["--registered-after", "2025-06-01", "--registered-before", "2025-01-01"],
            "--registered-before: The registered range ends before it starts.",
        ),
        (["--never-ordered", "--min-orders", "3"], "--never-ordered: No customer who never"),
    ],
    ids=[
        "dotted-date",
        "no-such-day",
        "negative-count",
        "count-text",
        "amount-text",
        "negative-amount",
        "unknown-country",
        "spent-min-above-max",
        "dates-reversed",
        "never-ordered-with-orders",
    ],
)
@pytest.mark.profiles("legacy", reason="refused before the store or the cache is read")
def test_bad_values_exit_2_naming_the_option(
    cli: Cli,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    args: list[str],
    message: str,
) -> None:
    target = tmp_path / "out.csv"
    # No cache yet, and the store unasked: each is refused before anything is read or sent.
    commands = [
        ["customers", "list", "--offline"],
        ["customers", "stats", "--offline"],
        ["customers", "stats"],
        ["export", str(target)],
        ["export", str(target), "--offline"],
    ]
    for command in commands:
        outcome = refusal(cli, capsys, *command, *args)
        assert outcome.code == 2, (command, outcome)
        assert message in outcome.err, command
        assert "Synced" not in outcome.err
    assert not target.exists()


def test_filters_need_the_cache_for_the_stores_own_list(
    cli: Cli, capsys: pytest.CaptureFixture[str]
) -> None:
    outcome = cli("customers", "list", "--min-orders", "2", "--no-company")
    assert outcome.code == 2
    assert "--min-orders, --has-company/--no-company filter the local cache" in outcome.err


def test_dates_one_day_apart_are_both_included(cli: Cli, synced: list[Held]) -> None:
    day = registration_days(synced, UTC)[len(synced) // 3]
    following = day + timedelta(days=1)
    expected = matching(synced, lambda c: c.day(c.registered, UTC) in (day, following))
    args = ["--registered-after", day.isoformat(), "--registered-before", following.isoformat()]
    assert listed_ids(cli, *args) == expected
