"""The wc/v3 client against the demo store's wc/v3 API, next to the legacy client on one store.

The two were built from the reference separately (the client from recorded answers, the demo
store from the behaviour file); here they meet over every transport: plain HTTP with OAuth 1.0a
(the wc/v3 base string), and HTTPS with Basic auth and with query keys. Both APIs serve one
database, so the legacy client is the yardstick: the same customers, field for field, from a
complete walk; and on an HPOS store, where the legacy orders route sees nothing, wc/v3 sees the
orders the customer's figures count.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.api.client import CustomerQuery, WooClient
from app.api.connection import AuthMode, StoreConnection
from app.api.rest_client import RestClient
from app.domain.new_accounts import new_account_emails_warning
from app.domain.validation import check_customer
from tests.conftest import StoreFactory

EVERYONE = CustomerQuery(role="all")


@pytest.fixture(params=[AuthMode.OAUTH, AuthMode.BASIC, AuthMode.QUERY], ids=lambda m: m.value)
def clients(
    request: pytest.FixtureRequest, start_store: StoreFactory, tls_certificate: tuple[Path, Path]
) -> Iterator[tuple[WooClient, RestClient]]:
    """A legacy and a wc/v3 client for one HPOS store (HTTPS unless OAuth)."""
    mode: AuthMode = request.param
    https = mode is not AuthMode.OAUTH
    store = start_store(
        customers=160, hpos=True, **({"certificate": tls_certificate} if https else {})
    )
    connection = StoreConnection(
        store.base_url,
        store.consumer_key,
        store.consumer_secret,
        auth=mode,
        ca_bundle=tls_certificate[0] if https else None,
        backoff=0.01,
        max_backoff=0.05,
    )
    legacy, rest = WooClient(connection), RestClient(connection)
    try:
        yield legacy, rest
    finally:
        legacy.close()
        rest.close()


@pytest.mark.slow
def test_both_clients_walk_the_same_customers(clients: tuple[WooClient, RestClient]) -> None:
    legacy, rest = clients
    old, new = legacy.list_customers(EVERYONE), rest.list_customers(EVERYONE)
    assert old.proof.complete
    assert new.proof.complete
    assert [c.id for c in new] == [c.id for c in old]
    for before, after in zip(old, new, strict=True):
        for name in ("email", "first_name", "last_name", "username", "role", "billing", "shipping"):
            assert getattr(after, name) == getattr(before, name), (before.id, name)
    assert rest.count_customers() == legacy.count_customers()
    assert set(rest.customer_ids(EVERYONE)) == set(legacy.customer_ids(EVERYONE))


def test_wc_v3_sees_the_orders_an_hpos_store_hides_from_the_legacy_api(
    clients: tuple[WooClient, RestClient],
) -> None:
    legacy, rest = clients
    buyer = next(c for c in legacy.list_customers() if c.orders_count >= 2)
    assert legacy.customer_orders(buyer.id) == []  # reference 19.5
    orders = rest.customer_orders(buyer.id)
    assert len(orders) == buyer.orders_count
    assert sum(order.total for order in orders if order.paid) == buyer.total_spent


def test_wc_v3_writes_and_finds_customers(clients: tuple[WooClient, RestClient]) -> None:
    legacy, rest = clients
    created = rest.create_customer({"email": "rest.live+tag@example.com", "first_name": "Rest"})
    customer = created.customer
    assert legacy.get_customer(customer.id).email == "rest.live+tag@example.com"
    found = rest.find_customer_by_email("REST.LIVE+TAG@example.com")
    assert found is not None
    assert found.id == customer.id
    assert rest.update_customer(customer.id, {"last_name": "Client"}).customer.last_name == "Client"
    assert legacy.get_customer(customer.id).last_name == "Client"
    rest.delete_customer(customer.id)
    assert rest.find_customer_by_email("rest.live+tag@example.com") is None
    outcomes = rest.bulk_save([{"email": f"bulk{n}.live@example.com"} for n in range(3)])
    assert [o.ok and o.created for o in outcomes] == [True, True, True]


def test_store_info_on_wc_v3_says_what_the_legacy_index_says(
    clients: tuple[WooClient, RestClient],
) -> None:
    """Currency, version, HTTPS and passwords (the settings API) as the legacy index gives them."""
    legacy, rest = (client.store_info() for client in clients)
    assert rest.currency == legacy.currency == "USD"
    assert rest.wc_version == legacy.wc_version
    assert rest.ssl_enabled is rest.url.startswith("https://")
    assert rest.generate_password is legacy.generate_password is True


def test_a_wc_v3_store_that_wants_passwords_says_so(start_store: StoreFactory) -> None:
    """``woocommerce_registration_generate_password`` = no: store_info says False, so a new
    customer without a password is refused before it is sent (the dialog's and the import's
    check), and the "New account" warning promises no link to set one."""
    store = start_store(api="modern", generate_password=False)
    connection = StoreConnection(store.base_url, store.consumer_key, store.consumer_secret)
    rest = RestClient(connection)
    try:
        info = rest.store_info()
    finally:
        rest.close()
    assert info.generate_password is False
    assert not info.generates_passwords
    problems = check_customer(
        {"email": "no.password@example.com"}, generate_password=info.generates_passwords
    )
    assert [(p.field, p.message) for p in problems] == [
        ("password", "This store requires a password for new customers.")
    ]
    warning = new_account_emails_warning(1, password_link=info.generates_passwords)
    assert warning
    assert "set a password" not in warning


def test_a_key_that_may_not_read_settings_leaves_passwords_open(start_store: StoreFactory) -> None:
    """A subscriber's key: the setting is refused (403), store_info still answers, None."""
    store = start_store(api="modern", generate_password=False)
    user = store.create_user("sub.scriber", "sub.scriber@example.com", "subscriber")
    key = store.create_api_key(user, "read")
    connection = StoreConnection(store.base_url, key.consumer_key, key.consumer_secret)
    rest = RestClient(connection)
    try:
        info = rest.store_info()
    finally:
        rest.close()
    assert info.generate_password is None
    assert info.generates_passwords  # the store's own refusal then says it
