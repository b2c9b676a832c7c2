"""Which API the app talks to (app/api/choice.py), against demo stores of every profile.

A store offers the legacy API, the modern one, both, or neither (the demo store's ``api`` and
``legacy_api_disabled`` options); with HPOS on, only the modern API sees a customer's orders.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from app.api.choice import (
    NO_API_MESSAGE,
    ApiChoice,
    LegacyWithModernOrders,
    SavedDetection,
    StoreApis,
    describe_client,
    detect_apis,
    open_client,
    open_store_client,
    store_info,
)
from app.api.client import CustomerQuery, WooClient
from app.api.connection import StoreConnection
from app.api.rest_client import RestClient
from app.cache.repository import CustomerCache
from app.cache.sync import SyncEngine, SyncMode
from app.demo_store import DemoStore
from app.errors import ProtocolError
from tests.conftest import StoreFactory


def connection_to(store: DemoStore) -> StoreConnection:
    return StoreConnection(
        store.base_url, store.consumer_key, store.consumer_secret, backoff=0.01, max_backoff=0.05
    )


@pytest.mark.parametrize(
    ("api", "offered", "kind"),
    [
        ("legacy", StoreApis(legacy=True, modern=False), WooClient),
        ("modern", StoreApis(legacy=False, modern=True), RestClient),
        ("both", StoreApis(legacy=True, modern=True), LegacyWithModernOrders),
    ],
)
def test_each_profile_is_detected_and_gets_its_client(
    start_store: StoreFactory, api: str, offered: StoreApis, kind: type[WooClient]
) -> None:
    store = start_store(customers=20, api=api)
    connection = connection_to(store)
    assert detect_apis(connection) == offered
    client = open_client(connection)
    try:
        assert type(client) is kind
        info = store_info(client)
        assert info.api_used == describe_client(client)
        listed = client.list_customers(CustomerQuery(role="all"))
        assert listed.proof.complete
        assert len(listed) == 21
    finally:
        client.close()


def test_a_store_with_neither_api_is_refused_with_advice(start_store: StoreFactory) -> None:
    store = start_store(customers=3, api="legacy", legacy_api_disabled=True)
    with pytest.raises(ProtocolError) as refused:
        open_client(connection_to(store))
    assert refused.value.message == NO_API_MESSAGE
    assert "Legacy REST API plugin" in refused.value.message
    assert "/wp-json/" in refused.value.message


def test_an_unreachable_store_gets_the_legacy_client_and_no_error(
    start_store: StoreFactory,
) -> None:
    store = start_store(customers=0)
    connection = connection_to(store)
    store.stop()
    client = open_client(connection)
    assert type(client) is WooClient
    client.close()


def test_a_forced_choice_skips_detection(start_store: StoreFactory) -> None:
    store = start_store(customers=5, api="both")
    connection = connection_to(store)
    for choice, kind in ((ApiChoice.LEGACY, WooClient), (ApiChoice.MODERN, RestClient)):
        client = open_client(connection, choice)
        assert type(client) is kind
        assert client.count_customers() == 5
        client.close()


def test_on_an_hpos_store_with_both_apis_orders_come_from_wc_v3(
    start_store: StoreFactory,
) -> None:
    """Reference 19.5: the legacy orders route is empty while the figures count orders."""
    store = start_store(customers=60, api="both", hpos=True)
    client = open_client(connection_to(store))
    try:
        buyer = next(c for c in client.list_customers() if c.orders_count >= 2)
        orders = client.customer_orders(buyer.id)
        assert len(orders) == buyer.orders_count
        assert WooClient(client.connection).customer_orders(buyer.id) == []
    finally:
        client.close()


@pytest.mark.parametrize("api", ["modern", "both", "legacy"])
def test_syncs_complete_in_every_profile(
    start_store: StoreFactory, tmp_path: Path, api: str
) -> None:
    """Every profile syncs completely, and the second sync is a quick one: by the legacy
    last_update where the legacy API serves customers, by a stamp scan on a modern-only store."""
    store = start_store(customers=150, api=api)
    client = open_client(connection_to(store))
    cache = CustomerCache.open(tmp_path, client.connection.url)
    try:
        engine = SyncEngine(client, cache)
        first = engine.sync(SyncMode.FULL)
        second = engine.sync(SyncMode.AUTO)
        assert first.complete
        assert second.complete
        assert second.mode is SyncMode.QUICK
        assert (cache.meta("orders_watermark") is not None) is (api == "modern")
        assert cache.coverage().complete
        assert cache.count() == 151
    finally:
        cache.close()
        client.close()


def test_a_client_detecting_on_first_use_asks_nothing_until_used(
    start_store: StoreFactory,
) -> None:
    """The command line's client: a command refused before it reaches the store sends
    nothing; once used, it is the detected client, and says so."""
    store = start_store(customers=4, api="modern")
    client = open_store_client(connection_to(store))
    try:
        assert client.connection.url == store.base_url  # no request yet
        assert describe_client(client) == "REST API (/wp-json/wc/v3)"
        assert client.count_customers() == 4
    finally:
        client.close()


def test_threads_that_meet_the_gone_api_together_detect_once(start_store: StoreFactory) -> None:
    """The worker's threads share the client: one detects again, the others use its answer."""
    store = start_store(customers=7, api="modern")
    told: list[str] = []
    remembered: list[SavedDetection] = []
    saved = SavedDetection(StoreApis(legacy=True, modern=False), "2024-01-01T00:00:00")
    client = open_store_client(
        connection_to(store), saved=saved, remember=remembered.append, tell=told.append
    )
    counts: list[int] = []
    barrier = threading.Barrier(4)

    def count() -> None:
        barrier.wait()
        counts.append(client.count_customers())

    threads = [threading.Thread(target=count) for _ in range(4)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert counts == [7, 7, 7, 7]
        assert len(told) == 1
        assert len(remembered) == 1
        assert describe_client(client) == "REST API (/wp-json/wc/v3)"
    finally:
        client.close()
