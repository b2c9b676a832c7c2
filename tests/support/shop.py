"""Stores in the state section 16 of the behaviour file assumes, and clients for them.

Preconditions there: a ``read_write`` key of an administrator (user 1, "A"), ten items per page,
usernames generated, passwords *not* generated, and two customers: C1 john.doe@example.com (user
name ``john.doe``, addresses of the public doc's example) and C2 joao.silva@example.com.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from app.demo_store import DemoStore
from tests.conftest import StoreFactory
from tests.support.payloads import DOC_BILLING, DOC_SHIPPING
from tests.support.store_http import StoreHttp

#: The public doc's create example (customers-api-v3.md), unchanged.
DOC_JOHN_DOE: dict[str, Any] = {
    "email": "john.doe@example.com",
    "first_name": "John",
    "last_name": "Doe",
    "username": "john.doe",
    "billing_address": dict(DOC_BILLING),
    "shipping_address": dict(DOC_SHIPPING),
}
#: C1: the doc's example plus a password (section 16 runs with generated passwords off).
JOHN_DOE = {**DOC_JOHN_DOE, "password": "s3cret-Pass"}
JOAO_SILVA = {
    "email": "joao.silva@example.com",
    "first_name": "João",
    "last_name": "Silva",
    "password": "outra-Senha1",
    "billing_address": {"city": "São Paulo", "state": "SP", "country": "BR"},
}
ADMIN_ID = 1


@dataclass(frozen=True)
class Shop:
    """A started store, a client for it, and the ids of C1 and C2."""

    store: DemoStore
    client: StoreHttp
    c1: int
    c2: int


def _shop(store: DemoStore, client: StoreHttp) -> Shop:
    ids = []
    for customer in (JOHN_DOE, JOAO_SILVA):
        answer = client.post("/customers", {"customer": customer})
        assert answer.status_code == 201, answer.text
        ids.append(answer.json()["customer"]["id"])
    # Registration has one-second resolution; make C1 clearly older than C2, as the cases assume.
    with store.db.write() as conn:
        conn.execute("UPDATE users SET registered = registered - 86400 WHERE id = ?", (ids[0],))
    return Shop(store, client, ids[0], ids[1])


@pytest.fixture
def https_shop(start_store: StoreFactory, tls_certificate: tuple[Path, Path]) -> Shop:
    """An HTTPS store (Basic auth) in the section 16 state."""
    store = start_store(certificate=tls_certificate, generate_password=False)
    return _shop(store, StoreHttp(store, verify=str(tls_certificate[0])))


@pytest.fixture
def http_shop(start_store: StoreFactory) -> Shop:
    """A plain-HTTP store (OAuth 1.0a) in the section 16 state."""
    store = start_store(generate_password=False)
    return _shop(store, StoreHttp(store))
