"""Every customer a store creates is sent WooCommerce's "New account" e-mail, whichever API
created it, one at a time or in bulk (reference §6.2, §19.4); the demo store records them."""

from __future__ import annotations

import pytest

from app.api.client import WooClient
from app.api.connection import StoreConnection
from app.api.rest_client import RestClient
from app.demo_store.emails import NEW_ACCOUNT_SUBJECT, sent_emails
from tests.conftest import StoreFactory


@pytest.mark.parametrize("client_class", [WooClient, RestClient], ids=["legacy", "wc/v3"])
def test_one_email_per_created_customer_single_and_bulk_and_none_for_updates(
    start_store: StoreFactory, client_class: type[WooClient]
) -> None:
    store = start_store(customers=2)
    client = client_class(
        StoreConnection(store.base_url, store.consumer_key, store.consumer_secret)
    )
    try:
        single = client.create_customer({"email": "one@example.org", "first_name": "One"})
        outcomes = client.bulk_save(
            [
                {"email": "two@example.org"},
                {"email": "three@example.org"},
                {"id": single.customer.id, "first_name": "Uno"},  # an update: no e-mail
            ]
        )
    finally:
        client.close()
    assert all(outcome.error is None for outcome in outcomes), outcomes
    sent = sent_emails(store.db.connection())
    assert [(recipient, subject) for _id, recipient, subject in sent] == [
        ("one@example.org", NEW_ACCOUNT_SUBJECT),
        ("two@example.org", NEW_ACCOUNT_SUBJECT),
        ("three@example.org", NEW_ACCOUNT_SUBJECT),
    ]
    assert sent[0][0] == single.customer.id
