"""Cached customers by email: what the importer matches rows by, a chunk of rows at a time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.cache.repository import CustomerCache
from app.domain.customer import Customer

URL = "https://emails.example.com"


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[CustomerCache]:
    opened = CustomerCache.open(tmp_path / "cache", URL)
    yield opened
    opened.close()


def customer(customer_id: int, email: str) -> Customer:
    return Customer(id=customer_id, email=email, first_name=f"First{customer_id}")


def test_customers_are_found_by_email_whatever_the_case(cache: CustomerCache) -> None:
    cache.upsert_customers(
        [customer(1, "Ada@Example.com"), customer(2, "grace@example.com")], confirmed_at=1
    )
    found = cache.customers_by_emails(["ada@EXAMPLE.com", " grace@example.com ", "x@example.com"])
    assert {email: c.id for email, c in found.items()} == {
        "ada@example.com": 1,
        "grace@example.com": 2,
    }
    assert found["ada@example.com"] == customer(1, "Ada@Example.com")


def test_nothing_asked_nothing_found(cache: CustomerCache) -> None:
    cache.upsert_customers([customer(1, "")], confirmed_at=1)  # a customer without email
    assert cache.customers_by_emails([]) == {}
    assert cache.customers_by_emails(["", "   "]) == {}


def test_a_shared_address_gives_the_lower_id(cache: CustomerCache) -> None:
    cache.upsert_customers(
        [customer(5, "twin@example.com"), customer(3, "TWIN@example.com")], confirmed_at=1
    )
    assert cache.customers_by_emails(["twin@example.com"])["twin@example.com"].id == 3


def test_more_emails_than_one_query_takes(cache: CustomerCache) -> None:
    cache.upsert_customers(
        [customer(n, f"user{n}@example.com") for n in range(1, 1301)], confirmed_at=1
    )
    asked = [f"USER{n}@example.com" for n in range(1, 1401)]
    found = cache.customers_by_emails(asked)
    assert len(found) == 1300
    assert all(found[f"user{n}@example.com"].id == n for n in range(1, 1301))


def test_the_lookup_uses_the_email_index(cache: CustomerCache) -> None:
    conn = cache.file.conn
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        cache.customers_by_emails(["a@example.com", "b@example.com"])
    finally:
        conn.set_trace_callback(None)
    [query] = [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]
    steps = conn.execute(f"EXPLAIN QUERY PLAN {query}").fetchall()
    assert "USING INDEX customers_by_email" in " ".join(str(step[3]) for step in steps)
