"""The official WooCommerce Python client (PyPI ``woocommerce``) works against the demo store.

The public doc's Python examples (customers-api-v3.md) are run with the client as its users
would configure it for the legacy API, ``API(url, key, secret, wp_api=False, version="v3")``,
against a plain-HTTP store, where the client signs every request with OAuth 1.0a itself (and
repeats the query parameters in the URL, section 14), and against an HTTPS store, where it uses
Basic auth. The HTTPS store's certificate is self-signed: the client only takes a boolean
``verify_ssl``, so verification stays on and ``REQUESTS_CA_BUNDLE`` (read by requests) points at
the test certificate. Each call's result is checked, not just its status.
"""

from __future__ import annotations

import copy
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from woocommerce import API

from app.demo_store import DemoStore
from tests.conftest import StoreFactory
from tests.support.shop import DOC_JOHN_DOE

SEEDED_CUSTOMERS = 20

# The doc's "Create a Customer" example, unchanged.
DOC_CUSTOMER: dict[str, Any] = {"customer": DOC_JOHN_DOE}

# The doc's "Update a Customer" example.
DOC_UPDATE = {
    "customer": {
        "first_name": "James",
        "billing_address": {"first_name": "James"},
        "shipping_address": {"first_name": "James"},
    }
}


def _doc_bulk() -> dict[str, Any]:
    """The doc's "Create/Update Multiple Customers" example."""
    john = copy.deepcopy(DOC_CUSTOMER["customer"])
    john.update(email="john.doe2@example.com", username="john.doe2")
    joao_billing = {
        "first_name": "João",
        "last_name": "Silva",
        "company": "",
        "address_1": "Av. Brasil, 432",
        "address_2": "",
        "city": "Rio de Janeiro",
        "state": "RJ",
        "postcode": "12345-000",
        "country": "BR",
        "email": "joao.silva@example.com",
        "phone": "(55) 5555-5555",
    }
    joao = {
        "email": "joao.silva2@example.com",
        "first_name": "João",
        "last_name": "Silva",
        "username": "joao.silva2",
        "billing_address": joao_billing,
        "shipping_address": {k: v for k, v in joao_billing.items() if k not in ("email", "phone")},
    }
    return {"customers": [john, joao]}


@dataclass(frozen=True)
class Client:
    """The official client configured for one store."""

    wcapi: Any
    store: DemoStore

    def json(self, response: requests.Response, status: int = 200) -> dict[str, Any]:
        """The JSON body of an answer with the expected status."""
        assert response.status_code == status, response.text
        body: dict[str, Any] = response.json()
        return body


@pytest.fixture(params=["http-oauth", "https-basic"])
def client(
    request: pytest.FixtureRequest,
    start_store: StoreFactory,
    tls_certificate: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> Client:
    """A seeded store (passwords generated, as the doc's examples need) and the client for it."""
    if request.param == "https-basic":
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls_certificate[0]))
        store = start_store(
            certificate=tls_certificate, customers=SEEDED_CUSTOMERS, generate_password=True
        )
        assert store.base_url.startswith("https://")
    else:
        store = start_store(customers=SEEDED_CUSTOMERS, generate_password=True)
        assert store.base_url.startswith("http://")
    wcapi = API(
        url=store.base_url,
        consumer_key=store.consumer_key,
        consumer_secret=store.consumer_secret,
        wp_api=False,
        version="v3",
    )
    return Client(wcapi, store)


def _create_john(client: Client) -> dict[str, Any]:
    customer: dict[str, Any] = client.json(client.wcapi.post("customers", DOC_CUSTOMER), 201)[
        "customer"
    ]
    return customer


def test_create_customer(client: Client) -> None:
    """``wcapi.post("customers", data)`` -> 201 with the doc's customer."""
    customer = _create_john(client)
    sent = DOC_CUSTOMER["customer"]
    assert type(customer["id"]) is int
    assert customer["email"] == sent["email"]
    assert customer["username"] == "john.doe"
    assert (customer["first_name"], customer["last_name"]) == ("John", "Doe")
    assert customer["billing_address"] == sent["billing_address"]
    assert customer["shipping_address"] == sent["shipping_address"]
    assert customer["orders_count"] == 0
    assert customer["total_spent"] == "0.00"


def test_get_customer(client: Client) -> None:
    """``wcapi.get("customers/<id>")`` and ``customers/email/<email>`` -> the created customer."""
    created = _create_john(client)
    by_id = client.json(client.wcapi.get(f"customers/{created['id']}"))["customer"]
    assert by_id == created
    by_email = client.json(client.wcapi.get("customers/email/john.doe@example.com"))
    assert by_email["customer"]["id"] == created["id"]


def test_list_customers(client: Client) -> None:
    """``wcapi.get("customers")`` -> the first 10 with totals; params reach the store intact."""
    answer = client.wcapi.get("customers")
    customers = client.json(answer)["customers"]
    assert len(customers) == 10
    assert answer.headers["X-WC-Total"] == str(SEEDED_CUSTOMERS)
    assert answer.headers["X-WC-TotalPages"] == "2"
    everyone = client.json(client.wcapi.get("customers", params={"filter[limit]": "-1"}))
    ids = [c["id"] for c in everyone["customers"]]
    assert len(ids) == SEEDED_CUSTOMERS
    assert [c["id"] for c in customers] == ids[:10]
    # In OAuth mode the client puts these parameters into the URL twice.
    page = client.wcapi.get("customers", params={"filter[limit]": "5", "page": "2"})
    assert [c["id"] for c in client.json(page)["customers"]] == ids[5:10]


def test_update_customer(client: Client) -> None:
    """``wcapi.put("customers/<id>", data)`` with the doc's "James" example."""
    created = _create_john(client)
    customer = client.json(client.wcapi.put(f"customers/{created['id']}", DOC_UPDATE))["customer"]
    assert customer["id"] == created["id"]
    assert customer["first_name"] == "James"
    assert customer["last_name"] == "Doe"
    assert customer["billing_address"]["first_name"] == "James"
    assert customer["shipping_address"]["first_name"] == "James"
    assert customer["billing_address"]["city"] == "San Francisco"
    stored = client.json(client.wcapi.get(f"customers/{created['id']}"))["customer"]
    assert stored == customer


def test_bulk_customers(client: Client) -> None:
    """``wcapi.post("customers/bulk", data)`` with the doc's two customers -> 201, both made."""
    data = _doc_bulk()
    customers = client.json(client.wcapi.post("customers/bulk", data), 201)["customers"]
    assert [c["email"] for c in customers] == ["john.doe2@example.com", "joao.silva2@example.com"]
    assert [c["username"] for c in customers] == ["john.doe2", "joao.silva2"]
    for sent, got in zip(data["customers"], customers, strict=True):
        assert got["billing_address"] == sent["billing_address"]
        assert got["shipping_address"] == sent["shipping_address"]
    joao = client.json(client.wcapi.get(f"customers/{customers[1]['id']}"))["customer"]
    assert joao["first_name"] == "João"


def test_delete_customer(client: Client) -> None:
    """``wcapi.delete("customers/<id>")`` -> the doc's message; the customer is gone."""
    created = _create_john(client)
    answer = client.json(client.wcapi.delete(f"customers/{created['id']}"))
    assert answer == {"message": "Permanently deleted customer"}
    missing = client.wcapi.get(f"customers/{created['id']}")
    assert missing.status_code == 404
    assert missing.json()["errors"][0]["code"] == "woocommerce_api_invalid_customer"


def _top_buyer(client: Client) -> dict[str, Any]:
    everyone = client.json(client.wcapi.get("customers", params={"filter[limit]": "-1"}))
    buyer: dict[str, Any] = max(everyone["customers"], key=lambda c: int(c["orders_count"]))
    assert buyer["orders_count"] > 0
    return buyer


def test_customer_orders(client: Client) -> None:
    """``wcapi.get("customers/<id>/orders")`` -> that customer's orders with paging headers."""
    buyer = _top_buyer(client)
    answer = client.wcapi.get(f"customers/{buyer['id']}/orders")
    orders = client.json(answer)["orders"]
    assert len(orders) == min(10, buyer["orders_count"])
    assert answer.headers["X-WC-Total"] == str(buyer["orders_count"])
    for order in orders:
        assert order["customer_id"] == buyer["id"]
        assert order["customer"]["id"] == buyer["id"]
    assert orders[0]["id"] == buyer["last_order_id"]


def test_customer_downloads(client: Client) -> None:
    """``wcapi.get("customers/<id>/downloads")`` -> at least the still available files the
    store's database grants that customer; nothing for a customer without orders."""
    row = (
        client.store.db.connection()
        .execute(
            "SELECT p.user_id, COUNT(*) AS n FROM download_permissions p"
            " JOIN orders o ON o.id = p.order_id"
            " WHERE p.user_id > 0 AND o.status IN ('completed', 'processing')"
            " AND (p.access_expires IS NULL OR p.access_expires > ?)"
            " AND (p.downloads_remaining = '' OR CAST(p.downloads_remaining AS INTEGER) > 0)"
            " GROUP BY p.user_id ORDER BY n DESC LIMIT 1",
            (int(time.time()) + 60,),
        )
        .fetchone()
    )
    assert row is not None, "the seeded store grants no download that is still available"
    downloads = client.json(client.wcapi.get(f"customers/{row['user_id']}/downloads"))["downloads"]
    assert len(downloads) >= row["n"]
    orders = client.json(
        client.wcapi.get(f"customers/{row['user_id']}/orders", params={"filter[limit]": "-1"})
    )["orders"]
    order_ids = {order["id"] for order in orders}
    for item in downloads:
        assert item["order_id"] in order_ids
        assert "download_file=" in item["download_url"]
        assert sorted(item["file"]) == ["file", "name"]
    idle = client.wcapi.get(f"customers/{_idle_customer(client)}/downloads")
    assert client.json(idle) == {"downloads": []}


def _idle_customer(client: Client) -> int:
    everyone = client.json(client.wcapi.get("customers", params={"filter[limit]": "-1"}))
    idle = [c["id"] for c in everyone["customers"] if c["orders_count"] == 0]
    assert idle, "the seeded store has no customer without orders"
    return int(idle[0])


def test_customers_count(client: Client) -> None:
    """``wcapi.get("customers/count")`` -> the number of customers, as in ``X-WC-Total``."""
    assert client.json(client.wcapi.get("customers/count")) == {"count": SEEDED_CUSTOMERS}
    _create_john(client)
    assert client.json(client.wcapi.get("customers/count")) == {"count": SEEDED_CUSTOMERS + 1}
    listed = client.wcapi.get("customers")
    assert listed.headers["X-WC-Total"] == str(SEEDED_CUSTOMERS + 1)
