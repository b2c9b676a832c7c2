"""``customers create`` and ``update`` judge a JSON customer by the dialog's and the import's
rules (:func:`app.domain.write_gate.customer_problems`), and refuse keys no store writes.

Commands run in-process as in :mod:`tests.cli.test_cli`; what the store holds is read from its
own database, and every request a refused command would send is recorded (there must be none).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.demo_store import DemoStore
from app.domain.validation import check_customer
from tests.conftest import StoreFactory, StoreProfile
from tests.support.cli import NEW_CUSTOMER, Cli, sending, write_json
from tests.support.store_db import StoreDb

CUSTOMERS = 12


@pytest.fixture
def store(profile_store: StoreFactory) -> DemoStore:
    return profile_store(customers=CUSTOMERS)


@pytest.fixture
def held(store: DemoStore, store_profile: StoreProfile) -> StoreDb:
    return StoreDb(store, legacy=store_profile.legacy_customers)


def us_customer(held: StoreDb) -> dict[str, Any]:
    """A stored customer whose shipping country is the United States (one is made if none)."""
    for customer in held.customers():
        if customer["shipping_address"]["country"] == "US":
            return customer
    customer = held.customers()[0]
    connection = held.store.db.connection()
    connection.execute(
        "UPDATE users SET shipping_country = 'US', shipping_state = 'CA' WHERE id = ?",
        (customer["id"],),
    )
    connection.commit()
    stored = held.customer(customer["id"])
    assert stored is not None
    return stored


REFUSED_CREATES = {
    "us-state": (
        {**NEW_CUSTOMER, "shipping_address": {"country": "US", "state": "ZZ"}},
        ["error: Shipping state: This is not a state of United States"],
    ),
    "country": (
        {**NEW_CUSTOMER, "billing_address": {"country": "Narnia"}},
        ["error: Billing country: Unknown country"],
    ),
    "invalid-email": ({"email": "nora at example"}, ["error: Email: This is not a valid email"]),
    "username": (
        {**NEW_CUSTOMER, "username": "nora!"},
        ["error: Username: Use only letters a-z"],
    ),
    "typos": (
        {"emial": "nora@example.com", "frist_name": "Nora", "email": "n@example.com"},
        [
            "error: emial: Unknown key; did you mean “email”?",
            "error: frist_name: Unknown key; did you mean “first_name”?",
        ],
    ),
    "address-typo": (
        {**NEW_CUSTOMER, "billing_address": {"citty": "Turku"}},
        ["error: billing_address.citty: Unknown key; did you mean “city”?"],
    ),
    "far-off-key": (
        {**NEW_CUSTOMER, "zzz": 1},
        ["error: zzz: Unknown key; see the valid keys in the README."],
    ),
}


@pytest.mark.parametrize(("customer", "lines"), REFUSED_CREATES.values(), ids=REFUSED_CREATES)
def test_create_refuses_what_the_dialog_refuses_and_sends_nothing(
    cli: Cli,
    held: StoreDb,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    customer: dict[str, Any],
    lines: list[str],
) -> None:
    """Exit 2, each problem on its own line, no request, nothing created."""
    data = write_json(tmp_path / "new.json", customer)
    result, sent = sending(monkeypatch, lambda: cli("customers", "create", "--data", str(data)))
    assert (result.code, result.out, sent) == (2, "", [])
    written = result.err.splitlines()
    assert len(written) == len(lines), result.err
    for line, start in zip(written, lines, strict=True):
        assert line.startswith(start), result.err
    assert held.count() == CUSTOMERS


def test_the_dialogs_rules_refuse_the_same_fields() -> None:
    """The command line's refusals are the dialog's: check_customer names the same fields."""
    for customer, field in (
        (
            {
                "email": "a@example.com",
                "shipping_address.country": "US",
                "shipping_address.state": "ZZ",
            },
            "shipping_address.state",
        ),
        (
            {"email": "a@example.com", "billing_address.country": "Narnia"},
            "billing_address.country",
        ),
    ):
        assert [p.field for p in check_customer(customer) if p.is_error] == [field]


def test_update_refuses_a_state_of_no_stored_country_and_sends_no_change(
    cli: Cli, held: StoreDb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A state alone is judged against the country the store holds (read, never written)."""
    before = us_customer(held)
    data = write_json(tmp_path / "changes.json", {"shipping_address": {"state": "ZZ"}})
    result, sent = sending(
        monkeypatch, lambda: cli("customers", "update", str(before["id"]), "--data", str(data))
    )
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith("error: Shipping state: This is not a state of United States")
    assert all(method == "GET" for method, _ in sent)
    assert held.customer(before["id"]) == before


@pytest.mark.parametrize(
    ("changes", "line"),
    [
        ({"billing_address": {"country": "Narnia"}}, "error: Billing country: Unknown country"),
        ({"frist_name": "Nora"}, "error: frist_name: Unknown key; did you mean “first_name”?"),
        ({"email": "not an email"}, "error: Email: This is not a valid email address."),
    ],
    ids=["country", "typo", "email"],
)
def test_update_refuses_what_the_dialog_refuses(
    cli: Cli,
    held: StoreDb,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    changes: dict[str, Any],
    line: str,
) -> None:
    before = held.customers()[2]
    data = write_json(tmp_path / "changes.json", changes)
    result, sent = sending(
        monkeypatch, lambda: cli("customers", "update", str(before["id"]), "--data", str(data))
    )
    assert (result.code, result.out) == (2, "")
    assert result.err.splitlines()[0] == line or result.err.startswith(line), result.err
    assert all(method == "GET" for method, _ in sent)
    assert held.customer(before["id"]) == before


def test_a_valid_state_given_alone_is_sent(cli: Cli, held: StoreDb, tmp_path: Path) -> None:
    """The stored country makes "New York" a state name, sent as its code."""
    before = us_customer(held)
    data = write_json(tmp_path / "changes.json", {"shipping_address": {"state": "New York"}})
    result = cli("customers", "update", str(before["id"]), "--data", str(data), "--json")
    assert result.code == 0, result.err
    after = held.customer(before["id"])
    assert after is not None
    assert after["shipping_address"]["state"] == "NY"
