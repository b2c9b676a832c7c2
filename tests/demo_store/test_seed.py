"""The sample data: deterministic, consistent, and shaped like a real WooCommerce store."""

from __future__ import annotations

import calendar
import re
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.demo_store.locales import COUNTRIES, LATIN_SPELLINGS, LOCALES, STATES
from app.demo_store.schema import Database
from app.demo_store.seed import seed_store

CUSTOMERS = 400
SEED = 7
TABLES = ("users", "products", "orders", "order_items", "download_permissions")
START = calendar.timegm((2019, 1, 1, 0, 0, 0))
END = calendar.timegm((2026, 9, 30, 23, 59, 59))
DOMAINS = {"example.com", "example.org", "example.net"}
ADDRESS_FIELDS = ("first_name", "last_name", "address_1", "city", "postcode", "country")


def _new_store(path: Path) -> Database:
    """An empty store with its administrator, as the server prepares it before seeding."""
    db = Database(path)
    with db.write() as conn:
        conn.execute(
            "INSERT INTO users (id, login, email, nicename, display_name, role, password_hash,"
            " registered, last_update) VALUES (1, 'admin', 'admin@example.com', 'admin',"
            " 'Store Admin', 'administrator', 'x', ?, ?)",
            (START, START),
        )
    return db


def _dump(db: Database) -> dict[str, list[tuple[object, ...]]]:
    conn = db.connection()
    return {
        table: [tuple(row) for row in conn.execute(f"SELECT * FROM {table} ORDER BY id")]
        for table in TABLES
    }


class Stores:
    """Makes stores under one temporary directory and closes them afterwards."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.opened: list[Database] = []

    def empty(self, name: str) -> Database:
        """A store with its administrator only."""
        db = _new_store(self.directory / f"{name}.db")
        self.opened.append(db)
        return db

    def seeded(self, name: str, customers: int = CUSTOMERS, seed: int = SEED) -> Database:
        """A store seeded with ``seed_store``."""
        db = self.empty(name)
        seed_store(db, customers=customers, seed=seed)
        return db


@pytest.fixture
def stores(tmp_path: Path) -> Iterator[Stores]:
    made = Stores(tmp_path)
    yield made
    for db in made.opened:
        db.close()


@pytest.fixture(scope="module")
def conn(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sqlite3.Connection]:
    """A store seeded once for the read-only checks of this module."""
    made = Stores(tmp_path_factory.mktemp("seed"))
    yield made.seeded("shared").connection()
    made.opened[0].close()


def test_same_seed_gives_identical_rows(stores: Stores) -> None:
    first = stores.seeded("a", customers=60, seed=3)
    second = stores.seeded("b", customers=60, seed=3)
    assert _dump(first) == _dump(second)


def test_different_seed_gives_different_rows(stores: Stores) -> None:
    first = _dump(stores.seeded("a", customers=60, seed=3))
    second = _dump(stores.seeded("b", customers=60, seed=4))
    assert first["users"] != second["users"]
    assert first["orders"] != second["orders"]
    assert len(first["users"]) == len(second["users"]) == 61


def test_counts(conn: sqlite3.Connection) -> None:
    ids = [
        row[0] for row in conn.execute("SELECT id FROM users WHERE role = 'customer' ORDER BY id")
    ]
    assert ids == list(range(2, CUSTOMERS + 2))
    assert conn.execute("SELECT COUNT(*) FROM users").fetchone()[0] == CUSTOMERS + 1
    products = conn.execute("SELECT COUNT(*), SUM(downloadable) FROM products").fetchone()
    assert 15 <= products[0] <= 25
    assert products[1] == 6
    orders = conn.execute("SELECT COUNT(*) FROM orders").fetchone()[0]
    assert CUSTOMERS < orders < 3 * CUSTOMERS


def test_zero_customers_gives_products_only(stores: Stores) -> None:
    dump = _dump(stores.seeded("empty", customers=0))
    assert len(dump["users"]) == 1
    assert len(dump["products"]) == 20
    assert dump["orders"] == dump["order_items"] == dump["download_permissions"] == []


def test_one_customer(stores: Stores) -> None:
    conn = stores.seeded("one", customers=1).connection()
    users = [tuple(row) for row in conn.execute("SELECT id, role FROM users WHERE id > 1")]
    assert users == [(2, "customer")]
    strangers = "SELECT COUNT(*) FROM orders WHERE customer_id NOT IN (0, 2)"
    assert conn.execute(strangers).fetchone()[0] == 0


def test_refuses_a_store_that_is_not_empty(stores: Stores) -> None:
    db = stores.seeded("twice", customers=3)
    before = _dump(db)
    with pytest.raises(ValueError, match="already has"):
        seed_store(db, customers=3, seed=SEED)
    assert _dump(db) == before
    with pytest.raises(ValueError, match="negative"):
        seed_store(stores.empty("negative"), customers=-1, seed=SEED)


def test_indexes_survive_seeding(stores: Stores) -> None:
    query = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
    fresh = stores.empty("fresh").connection().execute(query).fetchall()
    seeded = stores.seeded("seeded", customers=5).connection().execute(query).fetchall()
    assert [tuple(row) for row in seeded] == [tuple(row) for row in fresh]
    assert fresh


def test_logins_and_emails_are_unique_and_safe(conn: sqlite3.Connection) -> None:
    rows = conn.execute(
        "SELECT login, email, nicename, display_name, first_name, last_name, url FROM users"
        " WHERE role = 'customer'"
    ).fetchall()
    logins = [row["login"] for row in rows]
    emails = [row["email"] for row in rows]
    assert len({login.lower() for login in logins}) == len(rows)
    assert len({email.lower() for email in emails}) == len(rows)
    for row in rows:
        assert re.fullmatch(r"[a-z0-9]+(\.[a-z0-9]+)*", row["login"]), row["login"]
        local, _, domain = row["email"].partition("@")
        assert local == row["login"]
        assert domain in DOMAINS
        assert row["nicename"] == row["login"].replace(".", "-")
        assert row["url"] == ""
        if row["first_name"] or row["last_name"]:
            assert row["display_name"] == f"{row['first_name']} {row['last_name']}".strip()
        else:
            assert row["display_name"] == row["login"]


def test_billing_emails_use_reserved_domains(conn: sqlite3.Connection) -> None:
    for table in ("users", "orders"):
        for (email,) in conn.execute(f"SELECT billing_email FROM {table}"):
            assert email == "" or email.partition("@")[2] in DOMAINS, email


def test_names_are_international(conn: sqlite3.Connection) -> None:
    countries = Counter(
        row[0] for row in conn.execute("SELECT billing_country FROM users WHERE role = 'customer'")
    )
    top = [country for country, _ in countries.most_common(5) if country]
    assert top[0] == "US"
    assert {"GB", "DE", "FR"} <= set(top)
    assert len(countries) > 12
    names = "".join(row[0] for row in conn.execute("SELECT display_name FROM users"))
    assert any(ord(char) > 127 for char in names)


def test_registration_order_and_times(conn: sqlite3.Connection) -> None:
    """Ids follow registration (ties allowed: bursts share seconds), times stay between the
    anchors, and a minority was updated after signing up."""
    rows = conn.execute(
        "SELECT registered, last_update FROM users WHERE role = 'customer' ORDER BY id"
    ).fetchall()
    registered = [row[0] for row in rows]
    assert registered == sorted(registered)
    assert registered[0] >= START
    assert registered[-1] <= END
    assert all(registered <= last_update <= END for registered, last_update in rows)
    later = sum(last_update > registered for registered, last_update in rows)
    assert 0 < later < len(rows) / 2


def _per_second(conn: sqlite3.Connection, column: str) -> Counter[int]:
    return Counter(
        row[0] for row in conn.execute(f"SELECT {column} FROM users WHERE role = 'customer'")
    )


def test_registrations_come_in_bursts_of_12_to_30_per_second(conn: sqlite3.Connection) -> None:
    """Section 19.1: customers created by bulk paths share registration seconds, 12-30 per
    second, and they are a good share of a store (here about two in five)."""
    per_second = _per_second(conn, "registered")
    burst_seconds = [count for count in per_second.values() if count >= 12]
    in_bursts = sum(burst_seconds)
    assert len(burst_seconds) >= 5
    assert 0.25 * CUSTOMERS <= in_bursts <= 0.6 * CUSTOMERS
    assert max(per_second.values()) <= 30
    # Outside the bursts sign-ups are spread out: few seconds hold two customers.
    assert sum(count for count in per_second.values() if 1 < count < 12) < 0.05 * CUSTOMERS


def test_bursts_are_consecutive_seconds_of_consecutive_ids(conn: sqlite3.Connection) -> None:
    """An import creates its customers one after the other: a burst's ids are consecutive and
    its seconds follow each other."""
    rows = conn.execute(
        "SELECT id, registered FROM users WHERE role = 'customer' ORDER BY id"
    ).fetchall()
    per_second = _per_second(conn, "registered")
    for second, count in per_second.items():
        if count >= 12:
            ids = [row[0] for row in rows if row[1] == second]
            assert ids == list(range(ids[0], ids[0] + count))


def test_many_customers_share_a_last_update(conn: sqlite3.Connection) -> None:
    """Section 19.1: bulk edits give many customers the same ``last_update`` second, so a
    walk by ``meta_value_num`` on ``last_update`` has ties too."""
    per_second = _per_second(conn, "last_update")
    assert max(per_second.values()) >= 12
    shared = sum(count for count in per_second.values() if count >= 12)
    assert shared >= 0.2 * CUSTOMERS
    edited = conn.execute(
        "SELECT COUNT(*) FROM users WHERE role = 'customer' AND last_update > registered"
        " AND last_update IN (SELECT last_update FROM users GROUP BY last_update"
        " HAVING COUNT(*) >= 12)"
    ).fetchone()[0]
    assert edited >= 12  # a bulk edit, not only customers who signed up in one burst


@pytest.mark.parametrize("customers", [30, 60])
def test_small_stores_have_a_burst_too(stores: Stores, customers: int) -> None:
    """Even the small stores of tests have a second shared by at least 12 customers."""
    conn = stores.seeded("small", customers=customers, seed=1).connection()
    assert max(_per_second(conn, "registered").values()) >= 12


def test_addresses_follow_the_locale_table(conn: sqlite3.Connection) -> None:
    checked = 0
    for table in ("users", "orders"):
        for prefix in ("billing", "shipping"):
            query = f"SELECT {prefix}_country, {prefix}_state, {prefix}_postcode FROM {table}"
            for country, state, postcode in conn.execute(query):
                if not country:
                    assert state == postcode == ""
                    continue
                assert country in COUNTRIES
                if STATES[country]:
                    assert state in STATES[country], (country, state)
                else:
                    assert state == "", (country, state)
                assert postcode
                checked += 1
    assert checked > CUSTOMERS


def test_locale_table_is_consistent() -> None:
    required = {"US", "CA", "GB", "DE", "FR", "ES", "IT", "PT", "BR", "MX", "NL", "SE", "PL"}
    assert required | {"AU", "JP", "IN", "IE"} <= set(COUNTRIES)
    assert set(STATES) == set(COUNTRIES)
    for locale in LOCALES:
        for city in locale.cities:
            if STATES[locale.country]:
                assert city.state in STATES[locale.country], (locale.country, city)
            else:
                assert city.state == "", (locale.country, city)
        if locale.country == "JP":
            # Logins need a Latin spelling of every name written in Japanese script.
            assert set(locale.first_names + locale.last_names) <= set(LATIN_SPELLINGS)
        assert "{number}" in locale.street_format
        assert "{street}" in locale.street_format
        assert all("{last}" in company for company in locale.companies)


def test_buyers_have_addresses_and_some_customers_never_ordered(conn: sqlite3.Connection) -> None:
    rows = conn.execute(
        "SELECT u.*, (SELECT COUNT(*) FROM orders o WHERE o.customer_id = u.id) AS orders"
        " FROM users u WHERE role = 'customer'"
    ).fetchall()
    buyers = [row for row in rows if row["orders"]]
    idle = [row for row in rows if not row["orders"]]
    assert 0.2 < len(idle) / len(rows) < 0.4
    for row in buyers:
        assert all(row[f"billing_{field}"] for field in (*ADDRESS_FIELDS, "email", "phone"))
    assert any(not row["billing_country"] for row in idle)
    assert any(not row["first_name"] for row in idle)
    shipping_empty = sum(not row["shipping_country"] for row in buyers)
    shipping_same = sum(
        all(row[f"shipping_{f}"] == row[f"billing_{f}"] for f in ADDRESS_FIELDS) for row in buyers
    )
    assert 0 < shipping_empty < shipping_same
    assert shipping_empty + shipping_same < len(buyers)
    assert 0 < sum(bool(row["billing_company"]) for row in buyers) < len(buyers) / 3
    assert max(row["orders"] for row in rows) >= 10


def test_order_ids_follow_creation_times(conn: sqlite3.Connection) -> None:
    rows = conn.execute(
        "SELECT o.created_at, o.updated_at, o.completed_at, o.status, u.registered"
        " FROM orders o LEFT JOIN users u ON u.id = o.customer_id ORDER BY o.id"
    ).fetchall()
    created = [row["created_at"] for row in rows]
    assert created == sorted(created)
    for row in rows:
        assert START <= row["created_at"] <= row["updated_at"] <= END
        if row["registered"] is not None:
            assert row["created_at"] >= row["registered"]
        if row["status"] == "completed":
            assert row["created_at"] <= row["completed_at"] <= row["updated_at"]
        else:
            assert row["completed_at"] is None


def test_totals_add_up(conn: sqlite3.Connection) -> None:
    items: dict[int, list[sqlite3.Row]] = {}
    for item in conn.execute("SELECT * FROM order_items ORDER BY id"):
        items.setdefault(item["order_id"], []).append(item)
    prices = dict(conn.execute("SELECT id, price_cents FROM products").fetchall())
    for order in conn.execute("SELECT * FROM orders"):
        lines = items[order["id"]]
        assert 1 <= len(lines) <= 4
        assert len({line["product_id"] for line in lines}) == len(lines)
        for line in lines:
            assert 1 <= line["quantity"] <= 3
            assert line["price_cents"] == prices[line["product_id"]]
            assert line["subtotal_cents"] == line["price_cents"] * line["quantity"]
            assert 0 < line["total_cents"] <= line["subtotal_cents"]
        assert order["subtotal_cents"] == sum(line["subtotal_cents"] for line in lines)
        assert order["tax_cents"] == sum(line["tax_cents"] for line in lines)
        assert order["discount_cents"] == sum(
            line["subtotal_cents"] - line["total_cents"] for line in lines
        )
        assert order["total_cents"] == (
            order["subtotal_cents"]
            - order["discount_cents"]
            + order["shipping_cents"]
            + order["tax_cents"]
        )
        assert order["currency"] == "USD"
        assert re.fullmatch(r"wc_order_[A-Za-z0-9]{13}", order["order_key"])
        assert (order["coupon_code"] != "") == (order["discount_cents"] > 0)
        assert (order["coupon_line_id"] is not None) == (order["coupon_code"] != "")
        assert (order["tax_line_id"] is not None) == (order["tax_cents"] > 0)
        assert (order["tax_rate_code"] != "") == (order["tax_cents"] > 0)
        assert (order["shipping_line_id"] is not None) == (order["shipping_method_id"] != "")


def test_order_mix(conn: sqlite3.Connection) -> None:
    orders = conn.execute("SELECT * FROM orders").fetchall()
    statuses = Counter(order["status"] for order in orders)
    assert statuses.most_common(1)[0][0] == "completed"
    assert set(statuses) <= {
        "completed",
        "processing",
        "on-hold",
        "pending",
        "cancelled",
        "refunded",
        "failed",
    }
    titles = {
        "bacs": "Direct Bank Transfer",
        "cheque": "Check Payments",
        "cod": "Cash on Delivery",
        "paypal": "PayPal",
        "stripe": "Credit Card (Stripe)",
    }
    shipping = {
        "flat_rate": "Flat Rate",
        "free_shipping": "Free Shipping",
        "local_pickup": "Local Pickup",
    }
    for order in orders:
        assert titles[order["payment_method_id"]] == order["payment_method_title"]
        paid = order["status"] in {"processing", "completed", "refunded"}
        assert order["paid"] == int(paid)
        if order["shipping_method_id"]:
            assert shipping[order["shipping_method_id"]] == order["shipping_method_title"]
        if order["shipping_method_id"] != "flat_rate":
            assert order["shipping_cents"] == 0
        assert re.fullmatch(r"(192\.0\.2|198\.51\.100|203\.0\.113)\.\d{1,3}", order["customer_ip"])
        assert order["customer_user_agent"].startswith("Mozilla/5.0")
    assert 0 < sum(order["coupon_code"] != "" for order in orders) < len(orders) / 4
    assert 0.25 < sum(order["tax_cents"] == 0 for order in orders) / len(orders) < 0.75
    assert any(order["note"] for order in orders)


def test_line_ids_share_one_sequence(conn: sqlite3.Connection) -> None:
    ids = [row[0] for row in conn.execute("SELECT id FROM order_items")]
    for column in ("shipping_line_id", "tax_line_id", "coupon_line_id"):
        ids += [row[0] for row in conn.execute(f"SELECT {column} FROM orders")]
    ids = [line_id for line_id in ids if line_id is not None]
    assert len(ids) == len(set(ids))
    assert sorted(ids) == list(range(1, len(ids) + 1))


def test_registered_orders_copy_the_customer_address(conn: sqlite3.Connection) -> None:
    columns = [f"billing_{field}" for field in (*ADDRESS_FIELDS, "email", "phone")] + [
        f"shipping_{field}" for field in ADDRESS_FIELDS
    ]
    select = ", ".join(f"o.{c} = u.{c}" for c in columns)
    for row in conn.execute(f"SELECT {select} FROM orders o JOIN users u ON u.id = o.customer_id"):
        assert all(row)


def test_guest_orders(conn: sqlite3.Connection) -> None:
    guests = conn.execute("SELECT * FROM orders WHERE customer_id = 0").fetchall()
    total = conn.execute("SELECT COUNT(*) FROM orders").fetchone()[0]
    assert 0 < len(guests) < total / 8
    emails = {row[0].lower() for row in conn.execute("SELECT email FROM users")}
    for order in guests:
        assert order["billing_email"]
        assert order["billing_email"].lower() not in emails
        assert order["billing_first_name"]
        assert order["billing_country"]
    assert not conn.execute(
        "SELECT COUNT(*) FROM download_permissions p JOIN orders o ON o.id = p.order_id"
        " WHERE o.customer_id = 0"
    ).fetchone()[0]


def test_downloadable_products(conn: sqlite3.Connection) -> None:
    for product in conn.execute("SELECT * FROM products"):
        assert product["name"]
        assert product["sku"]
        assert product["price_cents"] > 0
        if not product["downloadable"]:
            assert product["download_id"] is None
            assert product["file_url"] is None
            continue
        assert re.fullmatch(r"[0-9a-f]{32}", product["download_id"])
        assert product["file_url"].startswith("/wp-content/uploads/woocommerce_uploads/")
        assert product["file_url"].endswith("/" + product["file_name"])
        assert product["download_limit"] in (None, 3, 5, 10)
        assert product["download_expiry_days"] in (None, 30, 365)


def test_download_permissions(conn: sqlite3.Connection) -> None:
    expected = conn.execute(
        "SELECT i.order_id, i.product_id FROM order_items i"
        " JOIN orders o ON o.id = i.order_id JOIN products p ON p.id = i.product_id"
        " WHERE p.downloadable AND o.customer_id > 0"
        " AND o.status IN ('completed', 'processing') ORDER BY i.id"
    ).fetchall()
    rows = conn.execute(
        "SELECT d.*, o.order_key AS real_key, o.customer_id, o.billing_email, o.created_at,"
        " p.download_id AS real_download_id, p.download_limit, p.download_expiry_days"
        " FROM download_permissions d JOIN orders o ON o.id = d.order_id"
        " JOIN products p ON p.id = d.product_id ORDER BY d.id"
    ).fetchall()
    assert [(row["order_id"], row["product_id"]) for row in rows] == [tuple(e) for e in expected]
    assert rows, "no download permissions"
    remaining: Counter[str] = Counter()
    for row in rows:
        assert row["download_id"] == row["real_download_id"]
        assert row["order_key"] == row["real_key"]
        assert row["user_id"] == row["customer_id"]
        assert row["user_email"] == row["billing_email"]
        if row["download_limit"] is None:
            assert row["downloads_remaining"] == ""
        else:
            assert 0 <= int(row["downloads_remaining"]) <= row["download_limit"]
        remaining[row["downloads_remaining"]] += 1
        if row["download_expiry_days"] is None:
            assert row["access_expires"] is None
        else:
            assert row["access_expires"] == row["created_at"] + row["download_expiry_days"] * 86400
    assert remaining[""]
    assert remaining["0"]
    assert any(row["access_expires"] is not None and row["access_expires"] < END for row in rows)
