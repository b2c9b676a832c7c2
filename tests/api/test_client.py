"""The app's client against the demo store over real loopback HTTP, in every store profile and
authentication mode.

The client is the one the app detects (``open_client``): the legacy client, the wc/v3 one, or
the legacy one with wc/v3 orders, per store profile (tests/conftest.py). Each endpoint runs over
plain HTTP with OAuth 1.0a, and over HTTPS (a self-signed certificate trusted through
``ca_bundle``) with Basic auth and with query-string keys. What the store holds is checked in
its database, so a test does not only trust the client it is testing. The tests of how a
connection goes wrong (signatures, certificates) pin the legacy client: they are about the
shared transport, and the wc/v3 client meets the same cases in test_rest_client_live.py.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from app.api.client import BULK_LIMIT, CustomerQuery, StoreInfo, WooClient
from app.api.connection import AuthMode, StoreConnection
from app.api.walk import WalkWindow
from app.demo_store import ApiKey, DemoStore, Fault
from app.demo_store.orders import DOWNLOAD_STATUSES
from app.domain.customer import (
    Address,
    BillingAddress,
    CustomerDraft,
    UnappliedChange,
    update_payload,
)
from app.domain.money import MoneyFormat
from app.errors import (
    AuthError,
    ConfigurationError,
    NetworkError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from tests.conftest import ClientFactory, StoreFactory, StoreProfile
from tests.support.certificates import make_certificate

ADMIN_ID = 1


@dataclass
class Shop:
    """A started store and a read/write client for it in the test's auth mode."""

    store: DemoStore
    client: WooClient
    auth: AuthMode
    connect: Callable[..., WooClient]
    profile: StoreProfile

    def emails_in_store(self, email: str) -> int:
        """How many users the store's database holds with this email (any case)."""
        row = (
            self.store.db.connection()
            .execute("SELECT COUNT(*) FROM users WHERE email = ? COLLATE NOCASE", (email,))
            .fetchone()
        )
        return int(row[0])

    def customer_ids_in_store(self) -> list[int]:
        """Ids of the store's customers in registration order (the list's default order)."""
        rows = self.store.db.connection().execute(
            "SELECT id FROM users WHERE role = 'customer' ORDER BY registered, id"
        )
        return [int(row[0]) for row in rows]


@pytest.fixture(params=[AuthMode.OAUTH, AuthMode.BASIC, AuthMode.QUERY], ids=lambda m: m.value)
def auth_mode(request: pytest.FixtureRequest) -> AuthMode:
    """OAuth over plain HTTP, Basic and query-string keys over HTTPS."""
    mode = request.param
    assert isinstance(mode, AuthMode)
    return mode


@pytest.fixture
def clients() -> Iterator[list[WooClient]]:
    """Clients made by a test; closed at teardown."""
    made: list[WooClient] = []
    yield made
    for client in made:
        client.close()


def _connection(
    store: DemoStore,
    auth: AuthMode,
    ca_bundle: Path | None,
    *,
    key: ApiKey | None = None,
    **options: Any,
) -> StoreConnection:
    key = key or store.keys["read_write"]
    options.setdefault("backoff", 0.01)
    options.setdefault("max_backoff", 0.05)
    options.setdefault("read_timeout", 10.0)
    options.setdefault("connect_timeout", 2.0)
    return StoreConnection(
        options.pop("url", store.base_url),
        key.consumer_key,
        key.consumer_secret,
        auth=auth,
        ca_bundle=ca_bundle,
        **options,
    )


@pytest.fixture
def open_shop(
    profile_store: StoreFactory,
    profile_client: ClientFactory,
    store_profile: StoreProfile,
    tls_certificate: tuple[Path, Path],
    auth_mode: AuthMode,
) -> Callable[..., Shop]:
    """Start a store of the test's profile (HTTPS unless OAuth) with StoreConfig options; the
    app's detected client for it in the auth mode."""

    def open_(**options: Any) -> Shop:
        https = auth_mode is not AuthMode.OAUTH
        if https:
            options["certificate"] = tls_certificate
        store = profile_store(**options)
        ca_bundle = tls_certificate[0] if https else None

        def connect(**connection_options: Any) -> WooClient:
            return profile_client(_connection(store, auth_mode, ca_bundle, **connection_options))

        return Shop(store, connect(), auth_mode, connect, store_profile)

    return open_


def _add_orders(store: DemoStore, customer_id: int, count: int) -> None:
    """Give a customer ``count`` more orders: copies of one of theirs, alternately newer and
    older than it, a minute apart (so the newest-first order interleaves old and new rows)."""
    with store.db.write() as conn:
        template = conn.execute(
            "SELECT * FROM orders WHERE customer_id = ? ORDER BY id LIMIT 1", (customer_id,)
        ).fetchone()
        assert template is not None, "the customer needs one order to copy"
        names: list[str] = template.keys()
        columns = [name for name in names if name not in ("id", "order_key")]
        placeholders = ", ".join("?" * (len(columns) + 1))
        for number in range(count):
            values = [template[name] for name in columns]
            shift = 60 * (number + 1) * (1 if number % 2 else -1)
            values[columns.index("created_at")] = template["created_at"] + shift
            conn.execute(
                f"INSERT INTO orders ({', '.join(columns)}, order_key) VALUES ({placeholders})",
                [*values, f"wc_order_copy{number:05d}"],
            )


def _customer_with_orders(store: DemoStore) -> int:
    row = (
        store.db.connection()
        .execute(
            "SELECT customer_id FROM orders WHERE customer_id != 0"
            " GROUP BY customer_id ORDER BY COUNT(*) DESC, customer_id LIMIT 1"
        )
        .fetchone()
    )
    assert row is not None
    return int(row[0])


# -- store index -----------------------------------------------------------------------------------


@pytest.mark.profiles(
    "legacy",
    "both",
    "both+hpos",
    reason="the legacy index's shop options (test_rest_client*.py pin wc/v3's info)",
)
@pytest.mark.parametrize("generate_password", [True, False])
def test_store_info(open_shop: Callable[..., Shop], generate_password: bool) -> None:
    shop = open_shop(generate_password=generate_password)
    info = shop.client.store_info()
    assert isinstance(info, StoreInfo)
    assert info.name
    assert info.api_version == "3.1.0"
    assert info.wc_version.count(".") >= 1
    assert info.ssl_enabled is (shop.auth is not AuthMode.OAUTH)
    assert info.generate_password is generate_password
    assert info.url == shop.store.base_url
    assert info.currency
    assert info.timezone


@pytest.mark.parametrize(
    ("currency", "money"),
    [
        ("EUR", MoneyFormat("EUR", "€", "right_space", ".", ",", 2)),
        ("GBP", MoneyFormat("GBP", "£", "left", ",", ".", 2)),
    ],
)
def test_store_info_says_how_the_store_writes_money(
    open_shop: Callable[..., Shop], currency: str, money: MoneyFormat
) -> None:
    """Both APIs: the symbol decoded from its HTML entity (``&euro;``, section 19.6), with the
    shop's position, separators and decimals; the demo's orders stay in dollars, and only
    wc/v3 orders carry their (decoded) symbol."""
    shop = open_shop(customers=20, currency=currency)
    info = shop.client.store_info()
    assert (info.currency, info.money) == (currency, money)
    orders = shop.client.customer_orders(_customer_with_orders(shop.store))
    symbols = {(order.currency, order.currency_symbol) for order in orders}
    # Only a legacy-only store has its orders read through the legacy API.
    legacy_orders = shop.profile.api == "legacy"
    assert symbols == ({("USD", "")} if legacy_orders else {("USD", "$")})


def test_store_info_needs_no_valid_keys(open_shop: Callable[..., Shop]) -> None:
    shop = open_shop()
    key = shop.store.keys["read_write"]
    unknown = dataclasses.replace(key, consumer_key="ck_" + "f" * 40, consumer_secret="cs_x")
    stranger = shop.connect(key=unknown)
    # Only wc/v3's version and money format (system_status) and its password setting need a
    # key; a stranger gets them empty (a format without a symbol: amounts as the API writes).
    own = shop.client.store_info()
    hidden = dataclasses.replace(
        own, wc_version="", currency="", generate_password=None, money=MoneyFormat()
    )
    expected = own if shop.profile.legacy_customers else hidden
    assert stranger.store_info() == expected
    with pytest.raises(AuthError):
        stranger.count_customers()


# -- listing and counting --------------------------------------------------------------------------


def test_list_every_customer_of_250(open_shop: Callable[..., Shop]) -> None:
    shop = open_shop(customers=250)
    customers = shop.client.list_customers()
    ids = [customer.id for customer in customers]
    assert len(ids) == 250
    assert len(set(ids)) == 250
    assert ids == shop.customer_ids_in_store()  # the store's order, pages put back together
    assert shop.client.count_customers() == 250
    assert all(customer.role == "customer" for customer in customers)


def test_windows_stream_with_totals_from_the_headers(open_shop: Callable[..., Shop]) -> None:
    shop = open_shop(customers=250)
    walk = shop.client.walk_customers(page_size=100)
    windows: list[WalkWindow] = list(walk)
    assert windows[0].start == 0  # the first window comes alone, first
    assert {window.total for window in windows} == {250}  # the total header
    tiles = sorted((window.start, len(window.items)) for window in windows)
    ends = [start + size for start, size in tiles]
    assert [start for start, _ in tiles] == [0, *ends[:-1]]  # no gap, no overlap
    assert ends[-1] == 250
    assert all(0 < size <= 100 for _, size in tiles)
    if shop.profile.legacy_customers:  # wc/v3's per_page 100 must hold the overlap row too
        assert tiles == [(0, 100), (100, 100), (200, 50)]
    else:
        assert tiles == [(0, 100), (100, 99), (199, 51)]
    ids = [customer.id for window in windows for customer in window.items]
    assert len(ids) == len(set(ids)) == windows[0].total
    assert walk.proof is not None
    assert walk.proof.complete
    assert walk.ids == set(ids)


def test_small_pages_with_more_concurrency(open_shop: Callable[..., Shop]) -> None:
    shop = open_shop(customers=45)
    seen: list[int] = []
    customers = shop.client.list_customers(
        page_size=7, concurrency=3, on_window=lambda window: seen.append(window.start)
    )
    assert sorted(seen) == list(range(0, 45, 7))
    assert [customer.id for customer in customers] == shop.customer_ids_in_store()


def test_empty_store_lists_nothing(open_shop: Callable[..., Shop]) -> None:
    shop = open_shop(customers=0)
    windows = list(shop.client.walk_customers())
    assert len(windows) == 1
    assert windows[0].items == ()
    assert windows[0].total == 0
    listed = shop.client.list_customers()
    assert list(listed) == []
    assert listed.proof.complete
    assert shop.client.count_customers() == 0


@pytest.mark.parametrize("page_size", [101, 1000, -1])
def test_page_size_above_100_or_negative_is_refused(
    open_shop: Callable[..., Shop], page_size: int
) -> None:
    shop = open_shop(customers=3)
    with pytest.raises(ConfigurationError):
        shop.client.walk_customers(page_size=page_size)
    with pytest.raises(ConfigurationError):
        shop.client.list_customers(page_size=page_size)


def test_page_size_zero_is_refused_not_taken_as_default(open_shop: Callable[..., Shop]) -> None:
    shop = open_shop(customers=3)
    with pytest.raises(ConfigurationError):
        shop.client.list_customers(page_size=0)


@pytest.mark.parametrize("page_size", [1, 100])
def test_page_size_limits_are_accepted(open_shop: Callable[..., Shop], page_size: int) -> None:
    shop = open_shop(customers=3)
    windows = [w for w in shop.client.walk_customers(page_size=page_size) if w.items]
    assert len(windows) == (3 if page_size == 1 else 1)


def test_connection_page_size_is_the_default(open_shop: Callable[..., Shop]) -> None:
    shop = open_shop(customers=12)
    client = shop.connect(page_size=5)
    windows = list(client.walk_customers())
    assert sorted(len(window.items) for window in windows) == [2, 5, 5]


@pytest.mark.profiles(
    "legacy", "both", "both+hpos", reason="legacy search semantics (exact unless *...*)"
)
def test_search_by_exact_email_and_by_wildcard(open_shop: Callable[..., Shop]) -> None:
    shop = open_shop(customers=30)
    everyone = shop.client.list_customers()
    target = everyone[4]
    found = shop.client.list_customers(CustomerQuery(search=target.email.upper()))
    assert [customer.id for customer in found] == [target.id]
    domain = target.email.partition("@")[2]
    expected = [c.id for c in everyone if c.email.lower().endswith(f"@{domain}")]
    query = CustomerQuery(search=f"*@{domain}")
    assert [customer.id for customer in shop.client.list_customers(query)] == expected
    assert shop.client.count_customers(query) == len(expected)
    # Exact unless wrapped in *: a part of an email matches nobody.
    assert list(shop.client.list_customers(CustomerQuery(search=target.email[1:]))) == []


def test_search_finds_plus_addressed_email(open_shop: Callable[..., Shop]) -> None:
    shop = open_shop(customers=5)
    created = shop.client.create_customer({"email": "a+b@example.com"}).customer
    query = CustomerQuery(search="a+b@example.com")
    assert [customer.id for customer in shop.client.list_customers(query)] == [created.id]
    assert shop.client.count_customers(query) == 1


def test_roles_and_order(open_shop: Callable[..., Shop]) -> None:
    shop = open_shop(customers=6)
    manager = shop.store.create_user("manager", "manager@example.com", "shop_manager")
    assert shop.client.count_customers() == 6
    assert shop.client.count_customers(CustomerQuery(role="all")) == 8
    everyone = [c.id for c in shop.client.list_customers(CustomerQuery(role="all"))]
    assert ADMIN_ID in everyone
    assert manager in everyone
    managers = shop.client.list_customers(CustomerQuery(role="shop_manager"))
    assert [(c.id, c.role) for c in managers] == [(manager, "shop_manager")]
    admins = shop.client.list_customers(CustomerQuery(role="administrator"))
    assert [(c.id, c.role) for c in admins] == [(ADMIN_ID, "administrator")]
    # Whatever order is asked, a list walks in id order: the only order without ties.
    newest_first = shop.client.list_customers(CustomerQuery(orderby="registered", order="DESC"))
    assert [c.id for c in newest_first] == sorted(shop.customer_ids_in_store())


# -- reading one customer --------------------------------------------------------------------------


def test_get_customer_by_id(open_shop: Callable[..., Shop]) -> None:
    shop = open_shop(customers=5)
    listed = shop.client.list_customers()[2]
    assert shop.client.get_customer(listed.id) == listed


@pytest.mark.parametrize("customer_id", [999_999, 0])
def test_get_missing_customer_is_not_found(
    open_shop: Callable[..., Shop], customer_id: int
) -> None:
    shop = open_shop(customers=1)
    with pytest.raises(NotFoundError) as caught:
        shop.client.get_customer(customer_id)
    legacy_code = "woocommerce_api_invalid_customer"
    code = legacy_code if shop.profile.legacy_customers else "woocommerce_rest_invalid_id"
    assert caught.value.code.startswith(code)
    assert "does not exist" in caught.value.message


def test_find_by_email_plus_addressed_and_any_case(open_shop: Callable[..., Shop]) -> None:
    shop = open_shop(customers=3)
    created = shop.client.create_customer(
        CustomerDraft(email="a+b@example.com", first_name="Plus").to_create_payload()
    ).customer
    for spelling in ("a+b@example.com", "A+B@Example.COM", "  a+b@example.com "):
        found = shop.client.find_customer_by_email(spelling)
        assert found is not None, spelling
        assert found.id == created.id
        assert found.email == "a+b@example.com"
    assert shop.client.find_customer_by_email("ab@example.com") is None
    assert shop.client.find_customer_by_email("a b@example.com") is None
    assert shop.client.find_customer_by_email("nobody@example.com") is None
    assert shop.client.find_customer_by_email("not-an-email") is None


# -- creating --------------------------------------------------------------------------------------


def test_create_from_draft(open_shop: Callable[..., Shop]) -> None:
    shop = open_shop(customers=2, generate_password=False)
    draft = CustomerDraft(
        email="zoe.oneil@example.com",
        first_name="Zoë",
        last_name="O'Neil",
        username="zoe.oneil",
        password="S3cret-pass",
        billing=BillingAddress(
            first_name="Zoë",
            city="São Paulo",
            country="BR",
            email="billing@example.com",
            phone="+55 11 5555 0000",
        ),
        shipping=Address(address_1="Rua Augusta, 1500", city="São Paulo", country="BR"),
    )
    result = shop.client.create_customer(draft.to_create_payload())
    customer = result.customer
    assert result.unapplied == ()
    assert result.recovered is False
    assert customer.id > 0
    assert (customer.email, customer.first_name, customer.last_name) == (
        "zoe.oneil@example.com",
        "Zoë",
        "O'Neil",
    )
    assert customer.username == "zoe.oneil"
    assert customer.role == "customer"
    assert customer.orders_count == 0
    assert customer.billing == draft.billing
    assert customer.shipping == draft.shipping
    assert shop.client.get_customer(customer.id) == customer
    assert shop.emails_in_store("zoe.oneil@example.com") == 1


def test_create_with_only_an_email_when_the_store_generates_passwords(
    open_shop: Callable[..., Shop],
) -> None:
    shop = open_shop(generate_password=True)
    result = shop.client.create_customer(CustomerDraft("solo@example.com").to_create_payload())
    assert result.customer.email == "solo@example.com"
    assert result.customer.username == "solo"
    assert result.unapplied == ()


def test_create_without_password_where_required(open_shop: Callable[..., Shop]) -> None:
    shop = open_shop(generate_password=False)
    with pytest.raises(ValidationError) as caught:
        shop.client.create_customer(CustomerDraft("nopass@example.com").to_create_payload())
    assert caught.value.field == "password"
    assert caught.value.code == "registration-error-missing-password"
    assert shop.emails_in_store("nopass@example.com") == 0


def test_create_with_existing_email(open_shop: Callable[..., Shop]) -> None:
    shop = open_shop(customers=3)
    existing = shop.client.list_customers()[0]
    with pytest.raises(ValidationError) as caught:
        shop.client.create_customer({"email": existing.email.upper()})
    error = caught.value
    assert error.field == "email"
    assert error.code == "registration-error-email-exists"
    assert error.status == 400
    assert "already exists" in error.message
    assert "<" not in error.message
    assert shop.emails_in_store(existing.email) == 1


def test_create_with_invalid_email(open_shop: Callable[..., Shop]) -> None:
    shop = open_shop()
    with pytest.raises(ValidationError) as caught:
        shop.client.create_customer({"email": "not-an-email"})
    assert caught.value.field == "email"


# -- updating --------------------------------------------------------------------------------------


def test_update_sends_only_the_changed_fields(open_shop: Callable[..., Shop]) -> None:
    shop = open_shop(customers=3)
    before = shop.client.list_customers()[1]
    # Someone else changes the last name meanwhile: a partial update must not undo it.
    with shop.store.db.write() as conn:
        conn.execute("UPDATE users SET last_name = 'Elsewhere' WHERE id = ?", (before.id,))
    after = before.with_changes(
        first_name="Changed",
        billing=dataclasses.replace(before.billing, city="Lyon"),
    )
    changes = update_payload(before, after)
    assert changes == {"first_name": "Changed", "billing_address": {"city": "Lyon"}}
    result = shop.client.update_customer(before.id, changes)
    customer = result.customer
    assert result.unapplied == ()
    assert customer.first_name == "Changed"
    assert customer.last_name == "Elsewhere"
    assert customer.billing == dataclasses.replace(before.billing, city="Lyon")
    assert customer.shipping == before.shipping
    assert shop.client.get_customer(before.id) == customer


def test_update_email_to_a_new_address(open_shop: Callable[..., Shop]) -> None:
    shop = open_shop(customers=2)
    before = shop.client.list_customers()[0]
    after = before.with_changes(email="moved+home@example.com")
    result = shop.client.update_customer(before.id, update_payload(before, after))
    assert result.customer.email == "moved+home@example.com"
    assert result.unapplied == ()
    found = shop.client.find_customer_by_email("moved+home@example.com")
    assert found is not None
    assert found.id == before.id


def test_update_to_another_customers_email_is_reported_unapplied_or_refused(
    open_shop: Callable[..., Shop],
) -> None:
    """The legacy API answers 200 and keeps the email; wc/v3 refuses the whole update."""
    shop = open_shop(customers=2)
    first, second = shop.client.list_customers()
    after = first.with_changes(email=second.email, last_name="Kept")
    if not shop.profile.legacy_customers:
        with pytest.raises(ValidationError) as caught:
            shop.client.update_customer(first.id, update_payload(first, after))
        assert caught.value.field == "email"
        assert shop.client.get_customer(first.id) == first
        return
    result = shop.client.update_customer(first.id, update_payload(first, after))
    assert result.customer.email == first.email  # the store answered 200 and kept it
    assert result.customer.last_name == "Kept"
    assert result.unapplied == (UnappliedChange("email", second.email, first.email),)


def test_username_change_is_reported_unapplied_or_refused(open_shop: Callable[..., Shop]) -> None:
    """The legacy API answers 200 and keeps the username; wc/v3 refuses the update."""
    shop = open_shop(customers=1)
    customer = shop.client.list_customers()[0]
    if not shop.profile.legacy_customers:
        with pytest.raises(ValidationError) as caught:
            shop.client.update_customer(customer.id, {"username": "renamed"})
        assert "username" in caught.value.message
        assert shop.client.get_customer(customer.id).username == customer.username
        return
    result = shop.client.update_customer(customer.id, {"username": "renamed"})
    assert result.customer.username == customer.username
    assert result.unapplied == (UnappliedChange("username", "renamed", customer.username),)


def test_update_missing_customer_is_not_found(open_shop: Callable[..., Shop]) -> None:
    shop = open_shop(customers=1)
    with pytest.raises(NotFoundError):
        shop.client.update_customer(999_999, {"first_name": "x"})


# -- deleting --------------------------------------------------------------------------------------


def test_delete(open_shop: Callable[..., Shop]) -> None:
    shop = open_shop(customers=3)
    victim = shop.client.list_customers()[1]
    shop.client.delete_customer(victim.id)
    with pytest.raises(NotFoundError):
        shop.client.get_customer(victim.id)
    assert shop.client.find_customer_by_email(victim.email) is None
    assert shop.client.count_customers() == 2
    with pytest.raises(NotFoundError):
        shop.client.delete_customer(victim.id)


@pytest.mark.parametrize("after_handler", [True, False], ids=["done", "not-done"])
def test_a_delete_whose_answer_is_lost_still_ends_with_the_customer_gone(
    open_shop: Callable[..., Shop], after_handler: bool
) -> None:
    """The store deleted (or not) and the answer was lost: the client checks, never errs."""
    shop = open_shop(customers=3)
    victim = shop.client.list_customers()[1]
    shop.store.faults.schedule(Fault.RESET, method="DELETE", after_handler=after_handler)
    shop.client.delete_customer(victim.id)
    assert shop.store.faults.injected[Fault.RESET] == 1
    with pytest.raises(NotFoundError):
        shop.client.get_customer(victim.id)
    assert shop.client.count_customers() == 2


# -- a customer's orders and downloads -------------------------------------------------------------


def test_orders_beyond_one_page_newest_first(open_shop: Callable[..., Shop]) -> None:
    """Newest first: by date on the legacy orders route, by id (no ties) on wc/v3's."""
    shop = open_shop(customers=20)
    customer_id = _customer_with_orders(shop.store)
    _add_orders(shop.store, customer_id, 205)
    by_date = shop.profile.api == "legacy"  # "both" reads orders through wc/v3
    expected = [
        int(row[0])
        for row in shop.store.db.connection().execute(
            "SELECT id FROM orders WHERE customer_id = ? ORDER BY "
            + ("created_at DESC, id DESC" if by_date else "id DESC"),
            (customer_id,),
        )
    ]
    assert len(expected) > 2 * 100  # needs more than two windows of the largest page
    orders = shop.client.customer_orders(customer_id)
    ids = [order.id for order in orders]
    assert len(ids) == len(set(ids))
    assert ids == expected
    dates = [order.created_at for order in orders]
    assert all(date is not None for date in dates)
    if by_date:
        assert dates == sorted(dates, reverse=True)  # type: ignore[type-var]
    assert {order.customer_id for order in orders} == {customer_id}


def test_a_customers_order_figures_count_their_orders(open_shop: Callable[..., Shop]) -> None:
    shop = open_shop(customers=20)
    customer_id = _customer_with_orders(shop.store)
    _add_orders(shop.store, customer_id, 3)
    orders = shop.client.customer_orders(customer_id)
    customer = shop.client.get_customer(customer_id)
    assert customer.stats_known
    assert customer.orders_count == len(orders) >= 4
    assert customer.total_spent == sum(order.total for order in orders if order.paid)


def test_orders_of_a_customer_without_orders_and_of_nobody(open_shop: Callable[..., Shop]) -> None:
    shop = open_shop()
    created = shop.client.create_customer({"email": "fresh@example.com"}).customer
    assert shop.client.customer_orders(created.id) == []
    with pytest.raises(NotFoundError):
        shop.client.customer_orders(999_999)


def _downloads_in_store(store: DemoStore, customer_id: int) -> list[str]:
    """Download ids the store's database grants the customer now, in the API's order: a
    paid order's permission with downloads left, unexpired (the demo store's rule)."""
    statuses = ",".join("?" * len(DOWNLOAD_STATUSES))
    rows = store.db.connection().execute(
        "SELECT p.download_id FROM download_permissions p JOIN orders o ON o.id = p.order_id"
        f" WHERE p.user_id = ? AND o.status IN ({statuses})"
        " AND (p.downloads_remaining = '' OR CAST(p.downloads_remaining AS INTEGER) > 0)"
        " AND (p.access_expires IS NULL OR p.access_expires > ?)"
        " ORDER BY p.order_id, p.id",
        (customer_id, *DOWNLOAD_STATUSES, int(time.time())),
    )
    return [str(row[0]) for row in rows]


def test_downloads(open_shop: Callable[..., Shop]) -> None:
    shop = open_shop(customers=40)
    candidates = [
        int(row[0])
        for row in shop.store.db.connection().execute(
            "SELECT DISTINCT user_id FROM download_permissions ORDER BY user_id"
        )
    ]
    for customer_id in candidates:
        downloads = shop.client.customer_downloads(customer_id)
        if downloads:
            break
    else:
        pytest.fail("the seed data holds no customer with downloads")
    assert [d.download_id for d in downloads] == _downloads_in_store(shop.store, customer_id)
    order_ids = {order.id for order in shop.client.customer_orders(customer_id)}
    for download in downloads:
        assert download.order_id in order_ids
        assert download.product_id
        assert download.name
        assert "download_file=" in download.download_url
    created = shop.client.create_customer({"email": "nofiles@example.com"}).customer
    assert shop.client.customer_downloads(created.id) == []
    with pytest.raises(NotFoundError):
        shop.client.customer_downloads(999_999)


# -- bulk ------------------------------------------------------------------------------------------


def test_bulk_save_250_in_chunks_mapped_by_position(open_shop: Callable[..., Shop]) -> None:
    shop = open_shop(customers=3)
    existing = shop.client.list_customers()
    items: list[dict[str, Any]] = [
        {"email": f"bulk{number:03d}@example.com", "first_name": f"Bulk {number}"}
        for number in range(250)
    ]
    items[5] = {"id": existing[0].id, "last_name": "Updated in bulk"}
    items[99] = {"email": existing[1].email}  # taken
    items[100] = {"email": "not-an-email"}
    items[180] = {"id": 999_999, "first_name": "Nobody"}
    # Taken: silently kept by the legacy API, refused by wc/v3.
    items[249] = {"id": existing[2].id, "email": existing[1].email}
    chunks: list[list[int]] = []
    outcomes = shop.client.bulk_save(
        items, on_chunk=lambda chunk: chunks.append([o.index for o in chunk])
    )
    assert [len(chunk) for chunk in chunks] == [100, 100, 50]
    assert [index for chunk in chunks for index in chunk] == list(range(250))
    assert [outcome.index for outcome in outcomes] == list(range(250))

    failures = {o.index: o.error for o in outcomes if o.error is not None}
    legacy = shop.profile.legacy_customers
    assert set(failures) == ({99, 100, 180} if legacy else {99, 100, 180, 249})
    assert isinstance(failures[99], ValidationError)
    assert failures[99].field == "email"
    assert failures[99].code == "registration-error-email-exists"
    assert isinstance(failures[100], ValidationError)
    assert failures[100].field == "email"
    assert isinstance(failures[180], NotFoundError)

    update = outcomes[5]
    assert update.ok
    assert not update.created
    assert update.customer is not None
    assert (update.customer.id, update.customer.last_name) == (existing[0].id, "Updated in bulk")
    kept = outcomes[249]
    if legacy:
        assert kept.ok
        assert kept.unapplied == (UnappliedChange("email", existing[1].email, existing[2].email),)
    else:
        assert isinstance(kept.error, ValidationError)
        assert kept.error.field == "email"
    assert shop.client.get_customer(existing[2].id).email == existing[2].email

    created = [o for o in outcomes if o.ok and o.created]
    assert len(created) == 250 - 5
    for outcome in created:
        assert outcome.customer is not None
        assert outcome.customer.email == items[outcome.index]["email"]
        assert outcome.customer.first_name == items[outcome.index]["first_name"]
    assert shop.client.count_customers() == 3 + len(created)
    assert BULK_LIMIT == 100


def test_bulk_save_of_updates_only(open_shop: Callable[..., Shop]) -> None:
    shop = open_shop(customers=4)
    customers = shop.client.list_customers()
    outcomes = shop.client.bulk_save(
        [{"id": c.id, "first_name": f"N{i}"} for i, c in enumerate(customers)], chunk_size=3
    )
    assert [o.customer.first_name for o in outcomes if o.customer] == ["N0", "N1", "N2", "N3"]
    assert not any(o.created for o in outcomes)


@pytest.mark.parametrize("chunk_size", [0, 101])
def test_bulk_chunk_size_is_validated(open_shop: Callable[..., Shop], chunk_size: int) -> None:
    shop = open_shop()
    with pytest.raises(ConfigurationError):
        shop.client.bulk_save([{"email": "x@example.com"}], chunk_size=chunk_size)
    assert shop.emails_in_store("x@example.com") == 0


def test_bulk_save_of_nothing(open_shop: Callable[..., Shop]) -> None:
    assert open_shop().client.bulk_save([]) == []


# -- keys and permissions --------------------------------------------------------------------------


def test_read_only_key_cannot_write(open_shop: Callable[..., Shop]) -> None:
    shop = open_shop(customers=2)
    reader = shop.connect(key=shop.store.keys["read"])
    customer = reader.list_customers()[0]  # reading works
    writes: list[Callable[[], object]] = [
        lambda: reader.create_customer({"email": "ro@example.com"}),
        lambda: reader.update_customer(customer.id, {"first_name": "RO"}),
        lambda: reader.delete_customer(customer.id),
        lambda: reader.bulk_save([{"email": "ro-bulk@example.com"}]),
    ]
    for write in writes:
        with pytest.raises(PermissionDeniedError) as caught:
            write()
        assert "read-only" in caught.value.message
        assert caught.value.status == 401
    assert shop.client.get_customer(customer.id) == customer
    assert (
        shop.emails_in_store("ro@example.com") == shop.emails_in_store("ro-bulk@example.com") == 0
    )


def test_write_only_key_cannot_read(open_shop: Callable[..., Shop]) -> None:
    shop = open_shop(customers=1)
    writer = shop.connect(key=shop.store.keys["write"])
    with pytest.raises(PermissionDeniedError) as caught:
        writer.count_customers()
    assert "only write" in caught.value.message


def test_key_of_a_user_without_capabilities(open_shop: Callable[..., Shop]) -> None:
    shop = open_shop(customers=1)
    subscriber = shop.store.create_user("reader", "reader@example.com", "subscriber")
    client = shop.connect(key=shop.store.create_api_key(subscriber, "read_write"))
    with pytest.raises(PermissionDeniedError) as caught:
        client.count_customers()
    legacy_code = "woocommerce_api_user_cannot_read_customers_count"
    code = legacy_code if shop.profile.legacy_customers else "woocommerce_rest_cannot_view"
    assert caught.value.code == code
    assert "administrator or shop manager" in caught.value.message


def test_wrong_secret(open_shop: Callable[..., Shop]) -> None:
    shop = open_shop(customers=1)
    key = shop.store.keys["read_write"]
    wrong = dataclasses.replace(key, consumer_secret="cs_" + "0" * 40)
    client = shop.connect(key=wrong)
    with pytest.raises(AuthError) as caught:
        client.count_customers()
    error = caught.value
    assert not isinstance(error, PermissionDeniedError)
    assert error.status == 401
    assert "consumer secret" in error.message.lower()
    assert "store said:" in error.detail


def test_unknown_key(open_shop: Callable[..., Shop]) -> None:
    shop = open_shop(customers=1)
    key = shop.store.keys["read_write"]
    unknown = dataclasses.replace(key, consumer_key="ck_" + "f" * 40)
    with pytest.raises(AuthError) as caught:
        shop.connect(key=unknown).count_customers()
    assert "does not know this consumer key" in caught.value.message


# -- connection set-up that goes wrong -------------------------------------------------------------


def test_oauth_signed_for_another_address_than_the_site_url(
    profile_store: StoreFactory, profile_client: ClientFactory
) -> None:
    store = profile_store(customers=1)  # its site URL is http://127.0.0.1:<port>
    connection = _connection(
        store, AuthMode.AUTO, None, url=f"http://localhost:{store.port}", max_retries=0
    )
    client = profile_client(connection)
    assert client.store_info().url == store.base_url  # the server is reachable that way
    with pytest.raises(AuthError) as caught:
        client.count_customers()
    message = caught.value.message
    assert "signature" in message
    assert "site address" in message


def test_site_url_that_differs_from_the_listening_address(
    profile_store: StoreFactory, profile_client: ClientFactory
) -> None:
    # A store whose WordPress address is not what we connect to, e.g. behind a port forward.
    store = profile_store(customers=1, site_url="http://127.0.0.1:1")
    client = profile_client(
        _connection(store, AuthMode.AUTO, None, url=f"http://127.0.0.1:{store.port}")
    )
    with pytest.raises(AuthError) as caught:
        client.count_customers()
    assert "site address" in caught.value.message


def test_basic_auth_over_plain_http_is_explained(
    profile_store: StoreFactory, profile_client: ClientFactory
) -> None:
    store = profile_store(customers=1)
    client = profile_client(_connection(store, AuthMode.BASIC, None))
    with pytest.raises(AuthError) as caught:
        client.count_customers()
    assert "plain http" in caught.value.message.lower()
    assert "OAuth" in caught.value.message


# A store whose certificate is not trusted cannot be asked which APIs it offers either: the app
# then opens the legacy client (choice.py), whatever the store is, so these two pin it.


def test_https_verified_with_ca_bundle_and_refused_without(
    start_store: StoreFactory, tls_certificate: tuple[Path, Path], clients: list[WooClient]
) -> None:
    store = start_store(customers=2, certificate=tls_certificate)
    trusted = WooClient(_connection(store, AuthMode.AUTO, tls_certificate[0]))
    untrusted = WooClient(_connection(store, AuthMode.AUTO, None))
    clients += [trusted, untrusted]
    assert trusted.connection.effective_auth is AuthMode.BASIC
    assert trusted.count_customers() == 2
    with pytest.raises(NetworkError) as caught:
        untrusted.count_customers()
    assert "certificate" in caught.value.message
    assert "trust" in caught.value.message
    with pytest.raises(NetworkError):
        untrusted.store_info()  # no keys needed, still verified


def test_https_with_another_certificate_is_refused(
    start_store: StoreFactory,
    tls_certificate: tuple[Path, Path],
    tmp_path: Path,
    clients: list[WooClient],
) -> None:
    other_certificate, _ = make_certificate(tmp_path)
    store = start_store(customers=1, certificate=tls_certificate)
    client = WooClient(_connection(store, AuthMode.AUTO, other_certificate))
    clients.append(client)
    with pytest.raises(NetworkError) as caught:
        client.count_customers()
    assert "certificate" in caught.value.message


@pytest.mark.parametrize(
    "email",
    [
        "frank+tag@example.com",
        "o'brien@example.com",
        "100%real@example.com",
        "tom&jerry@example.com",
        "zoë.ünïcode@example.com",
        "Upper.Case@Example.com",
    ],
)
def test_awkward_emails_are_found_by_email_and_by_id(
    open_shop: Callable[..., Shop], email: str
) -> None:
    """Over HTTP (OAuth signs the path as sent, 19.2) and HTTPS (Basic, query keys).

    The customer is put in the store directly: WordPress refuses a non-ASCII email through
    the API, but a store can hold one (an import plugin, an older WordPress).
    """
    shop = open_shop(customers=2)
    created_id = shop.store.create_user("awkward", email, "customer")
    created = shop.client.get_customer(created_id)
    assert created.email == email
    found = shop.client.find_customer_by_email(email)
    assert found is not None
    assert found.id == created.id
    if email.isascii():  # the demo store's SQLite folds ASCII case only
        other_case = shop.client.find_customer_by_email(email.swapcase())
        assert other_case is not None
        assert other_case.id == created.id
