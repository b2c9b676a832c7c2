"""The command line (``woo-customers``) against demo stores over real loopback HTTP.

Most cases run in-process: ``build_parser().parse_args`` then ``run_cli`` with string buffers for
stdout and stderr, the keys in an explicit environment mapping, and every file of the app under
``tmp_path``. What the store holds is checked independently in its database (``StoreDb``:
neither through the app's client nor through either API), so every case runs in every store
profile. A few cases run the real entry points as processes (``python -m app`` and the installed
``woo-customers`` script) to prove exit codes, that stdout carries only the result, and the
issue's "done when" against ``python -m app.demo_store``.
"""

from __future__ import annotations

import functools
import io
import json
import select
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from app import APP_NAME, __version__
from app.api.connection import StoreConnection
from app.cli.parser import build_parser
from app.demo_store import DemoStore, Fault, StoreConfig
from app.paths import AppPaths
from app.stores.access import KEY_VARIABLE, SECRET_VARIABLE
from app.stores.secrets import FileSecrets, KeyringSecrets, SecretStore
from tests.conftest import StoreFactory
from tests.support.cli import (
    CUSTOMERS,
    MISSING_ID,
    NEW_CUSTOMER,
    PROJECT_ROOT,
    STARTUP_TIMEOUT,
    Cli,
    field_block,
    invoke,
    key_environment,
    on_the_wire,
    run_app,
    run_process,
    sending,
    store_count,
    store_customer,
    store_customers,
    store_downloads,
    store_orders,
    table_rows,
    write_json,
)
from tests.support.payloads import CUSTOMER_KEYS
from tests.support.store_db import StoreDb

# -- customers list -------------------------------------------------------------------------------


@pytest.mark.parametrize("page_size", [None, "7"], ids=["default-pages", "pages-of-7"])
def test_list_json_prints_every_customer(cli: Cli, held: StoreDb, page_size: str | None) -> None:
    """``customers list --json``: a JSON array of every customer, ids unique, as the API
    writes them (across several pages either way)."""
    extra = ["--page-size", page_size] if page_size else []
    result = cli("customers", "list", "--json", *extra)
    assert result.code == 0, result.err
    assert result.err == ""
    listed = result.json()
    assert isinstance(listed, list)
    assert len(listed) == store_count(held) == CUSTOMERS
    ids = [customer["id"] for customer in listed]
    assert len(set(ids)) == len(ids)
    assert listed == store_customers(held)


def test_a_list_that_cannot_prove_itself_says_so_and_fails(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store that changes under every walk: the customers seen are printed, but the
    command warns and exits 1 instead of presenting them as the store's complete list."""
    from app.api.walk import CustomerWalk

    monkeypatch.setattr(
        CustomerWalk, "_end_still_holds", lambda self, end, last: (False, False, None)
    )
    result = cli("customers", "list", "--json")
    assert result.code == 1
    assert "may be incomplete" in result.err
    assert "Run the command again" in result.err
    assert len(result.json()) == CUSTOMERS


def test_list_table_has_a_header_and_one_row_per_customer(cli: Cli, held: StoreDb) -> None:
    """Without ``--json``: a header, a rule, one row per customer; the count goes to stderr."""
    result = cli("customers", "list")
    assert result.code == 0, result.err
    header, rows = table_rows(result.out)
    assert header[:3] == ["ID", "Name", "Email"]
    customers = store_customers(held)
    assert len(rows) == len(customers) == CUSTOMERS
    assert [int(row[0]) for row in rows] == [c["id"] for c in customers]
    assert all(customer["email"] in result.out for customer in customers)
    assert result.err == f"{CUSTOMERS} customers\n"


@pytest.mark.parametrize(
    "arrange",
    [
        lambda url: ["--store-url", url, "--json", "customers", "list"],
        lambda url: ["customers", "list", "--store-url", url, "--json"],
        lambda url: ["--json", "customers", "--store-url", url, "list"],
        lambda url: ["--store-url", url, "customers", "list", "--json"],
    ],
    ids=["before", "after", "between", "split"],
)
def test_global_options_work_before_and_after_the_subcommand(
    store: DemoStore,
    held: StoreDb,
    paths: AppPaths,
    tmp_path: Path,
    arrange: Callable[[str], list[str]],
) -> None:
    """``--store-url`` and ``--json`` are honoured wherever they stand."""
    result = invoke(
        arrange(store.base_url), paths, key_environment(store), FileSecrets(tmp_path / "s.json")
    )
    assert result.code == 0, result.err
    assert [c["id"] for c in result.json()] == [c["id"] for c in store_customers(held)]


def test_list_of_an_empty_store(profile_store: StoreFactory, paths: AppPaths) -> None:
    """No customers: ``[]`` with ``--json``; just the header without it."""
    empty = profile_store(customers=0)
    environ, args = key_environment(empty), ["--store-url", empty.base_url, "customers", "list"]
    as_json = invoke([*args, "--json"], paths, environ, None)
    assert (as_json.code, as_json.json()) == (0, [])
    as_table = invoke(args, paths, environ, None)
    assert as_table.code == 0, as_table.err
    assert table_rows(as_table.out)[1] == []


# -- customers get and count ----------------------------------------------------------------------


def test_get_by_id_prints_the_api_object(cli: Cli, held: StoreDb) -> None:
    """``customers get ID --json``: the customer object with the API's keys and values."""
    wanted = store_customers(held)[5]
    result = cli("customers", "get", str(wanted["id"]), "--json")
    assert result.code == 0, result.err
    assert set(result.json()) == set(CUSTOMER_KEYS)
    assert result.json() == wanted


@pytest.mark.parametrize("spelling", [str, str.upper], ids=["as-stored", "upper-case"])
def test_get_by_email(cli: Cli, held: StoreDb, spelling: Callable[[str], str]) -> None:
    """``customers get EMAIL``: the store finds the address whatever its case."""
    wanted = store_customers(held)[9]
    result = cli("customers", "get", spelling(wanted["email"]), "--json")
    assert result.code == 0, result.err
    assert result.json() == wanted


def test_get_by_email_with_a_plus(cli: Cli, store: DemoStore) -> None:
    """A ``+`` in the address survives the store's extra decoding of the email route."""
    created = store.create_user("nora+shop", "nora+shop@example.com", "customer")
    result = cli("customers", "get", "nora+shop@example.com", "--json")
    assert result.code == 0, result.err
    assert result.json()["id"] == created


def test_get_prints_a_readable_block(cli: Cli, held: StoreDb) -> None:
    """Without ``--json``: one ``Label: value`` line per field."""
    wanted = next(c for c in store_customers(held) if c["orders_count"] > 0)
    result = cli("customers", "get", str(wanted["id"]))
    assert result.code == 0, result.err
    fields = field_block(result.out)
    assert fields["ID"] == str(wanted["id"])
    assert fields["Email"] == wanted["email"]
    assert fields["Name"] == f"{wanted['first_name']} {wanted['last_name']}"
    assert fields["Orders"] == str(wanted["orders_count"])
    assert fields["Total spent"] == wanted["total_spent"]
    assert wanted["billing_address"]["city"] in fields["Billing"]


def test_get_an_unknown_email_fails(cli: Cli) -> None:
    """An address no customer has: exit 1, the reason on stderr, nothing on stdout."""
    result = cli("customers", "get", "nobody@example.com", "--json")
    assert (result.code, result.out) == (1, "")
    assert "nobody@example.com" in result.err


def test_count(cli: Cli, held: StoreDb) -> None:
    """``customers count``: ``{"count": N}`` with ``--json``, the bare number without."""
    as_json = cli("customers", "count", "--json")
    assert (as_json.code, as_json.json()) == (0, {"count": store_count(held)})
    as_text = cli("customers", "count")
    assert (as_text.code, as_text.out) == (0, f"{CUSTOMERS}\n")


# -- customers create, update, delete -------------------------------------------------------------


@pytest.mark.parametrize("wrapped", [True, False], ids=["wrapped", "bare"])
def test_create_from_a_file(cli: Cli, held: StoreDb, tmp_path: Path, wrapped: bool) -> None:
    """``customers create --data FILE``: ``{"customer": {...}}`` or the bare object."""
    payload = {"customer": NEW_CUSTOMER} if wrapped else NEW_CUSTOMER
    data = write_json(tmp_path / "new.json", payload)
    result = cli("customers", "create", "--data", str(data), "--json")
    assert result.code == 0, result.err
    assert result.err.startswith("warning: WooCommerce will send 1 “New account” e-mail")
    assert result.err.count("\n") == 1  # that warning only
    created = result.json()
    assert set(created) == set(CUSTOMER_KEYS)
    assert created["email"] == NEW_CUSTOMER["email"]
    assert store_customer(held, created["id"]) == created
    assert created["billing_address"]["city"] == "Turku"
    assert store_count(held) == CUSTOMERS + 1


def test_create_whose_answer_is_lost_is_found_not_repeated(
    cli: Cli, store: DemoStore, held: StoreDb, tmp_path: Path
) -> None:
    """The store creates the customer but the connection drops before its answer: the
    customer is found by email (a note on stderr, exit 0) and not created twice."""
    store.faults.schedule(Fault.RESET, method="POST", after_handler=True)
    data = write_json(tmp_path / "new.json", NEW_CUSTOMER)
    result = cli("customers", "create", "--data", str(data), "--json")
    assert result.code == 0, result.err
    assert "answer was lost" in result.err
    assert result.json()["email"] == NEW_CUSTOMER["email"]
    assert store.faults.injected[Fault.RESET] == 1
    assert store_count(held) == CUSTOMERS + 1


def test_create_with_a_taken_email_fails(cli: Cli, held: StoreDb, tmp_path: Path) -> None:
    """The store refuses a second customer with an email in use: exit 1, its reason on stderr."""
    taken = store_customers(held)[0]["email"]
    data = write_json(tmp_path / "new.json", {**NEW_CUSTOMER, "email": taken})
    result = cli("customers", "create", "--data", str(data))
    assert (result.code, result.out) == (1, "")
    assert result.err.splitlines()[-1].startswith("error: ")
    assert "email" in result.err
    assert store_count(held) == CUSTOMERS


def test_create_with_a_read_only_key_fails(
    store: DemoStore, held: StoreDb, paths: AppPaths, tmp_path: Path
) -> None:
    """A read key cannot create: exit 1 with the store's reason, nothing created."""
    data = write_json(tmp_path / "new.json", NEW_CUSTOMER)
    result = invoke(
        ["customers", "create", "--data", str(data), "--store-url", store.base_url],
        paths,
        key_environment(store, "read"),
        None,
    )
    assert (result.code, result.out) == (1, "")
    assert "read-only" in result.err
    assert store_count(held) == CUSTOMERS


def test_update_sends_only_the_given_fields(
    cli: Cli, held: StoreDb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``customers update ID --data FILE`` sends exactly the file's fields; the rest stays."""
    before = store_customers(held)[3]
    changes = {"first_name": "Renamed", "billing_address": {"city": "Bergen"}}
    data = write_json(tmp_path / "changes.json", changes)
    sent: list[tuple[str, Any]] = []
    send = requests.Session.request

    def recording(
        session: requests.Session, method: str, url: str, *args: Any, **kwargs: Any
    ) -> requests.Response:
        sent.append((method, kwargs.get("json")))
        return send(session, method, url, *args, **kwargs)

    monkeypatch.setattr(requests.Session, "request", recording)
    result = cli("customers", "update", str(before["id"]), "--data", str(data), "--json")
    assert result.code == 0, result.err
    # Before it, only the two public API indexes were asked which APIs the store offers; after
    # it, only reads: a wc/v3 customer comes without order figures, which the app then asks for.
    assert sent[:3] == [("GET", None), ("GET", None), ("PUT", on_the_wire(changes, held))]
    assert all(method == "GET" for method, _ in sent[3:])
    if held.legacy:
        assert len(sent) == 3
    after = store_customer(held, before["id"])
    assert after is not None
    assert result.json() == after
    assert after["first_name"] == "Renamed"
    assert after["billing_address"] == {**before["billing_address"], "city": "Bergen"}
    unchanged = set(CUSTOMER_KEYS) - {"first_name", "billing_address", "last_update"}
    assert {k: after[k] for k in unchanged} == {k: before[k] for k in unchanged}


def test_update_from_stdin(cli: Cli, held: StoreDb, monkeypatch: pytest.MonkeyPatch) -> None:
    """``--data -`` reads the changes from stdin."""
    target = store_customers(held)[4]["id"]
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"customer": {"last_name": "Stdin"}}'))
    result = cli("customers", "update", str(target), "--data", "-", "--json")
    assert result.code == 0, result.err
    assert result.json()["last_name"] == "Stdin"
    changed = store_customer(held, target)
    assert changed is not None
    assert changed["last_name"] == "Stdin"


def test_update_accepts_what_get_printed(cli: Cli, held: StoreDb, tmp_path: Path) -> None:
    """The edit loop a script does: ``get --json`` to a file, change a field, ``update`` it;
    read-only fields sent back are not reported as unapplied."""
    target = store_customers(held)[6]["id"]
    printed = cli("customers", "get", str(target), "--json").json()
    data = write_json(tmp_path / "customer.json", {**printed, "first_name": "Edited"})
    result = cli("customers", "update", str(target), "--data", str(data), "--json")
    assert result.code == 0, result.err
    assert result.err == ""
    changed = store_customer(held, target)
    assert changed is not None
    assert changed["first_name"] == "Edited"


@pytest.mark.parametrize("field", ["email", "username"])
def test_update_the_store_silently_keeps_is_reported(
    cli: Cli, held: StoreDb, tmp_path: Path, field: str
) -> None:
    """Another customer's email (or a new username): the legacy API keeps it back with a 200,
    reported as exit 1, a warning naming the field on stderr and the customer as stored on
    stdout; wc/v3 refuses it, reported as exit 1 and the store's reason. The store keeps the
    field either way."""
    target, other = store_customers(held)[1:3]
    data = write_json(tmp_path / "changes.json", {field: other[field]})
    result = cli("customers", "update", str(target["id"]), "--data", str(data), "--json")
    assert result.code == 1
    assert field in result.err
    if held.legacy:
        assert result.err.startswith("warning: ")
        printed = result.json()
        assert (printed["id"], printed[field]) == (target["id"], target[field])
    else:
        assert (result.out, result.err.count("\n")) == ("", 1)
        assert result.err.startswith("error: ")
    kept = store_customer(held, target["id"])
    assert kept is not None
    assert kept[field] == target[field]


# -- the write gate: what a store would destroy or garble is never sent ---------------------------


GATED_CREATES = {
    "list": ({**NEW_CUSTOMER, "first_name": ["Nora", "N"]}, ["First name: Give text here"]),
    "object": (
        {**NEW_CUSTOMER, "billing_address": {"city": {"name": "Turku"}}},
        ["Billing city: Give text here, not an object"],
    ),
    "long-email": (
        {"email": "n" * 89 + "@example.com", "username": "nora"},
        ["Email: An email address can have at most 100 characters."],
    ),
    "long-username": (
        {**NEW_CUSTOMER, "username": "n" * 61},
        ["Username: A username can have at most 60 characters."],
    ),
    "long-made-username": (
        {"email": "n" * 61 + "@example.com"},
        ["Username: Give a username: from this email address the store would make one of 61"],
    ),
    "several": (
        {"email": "", "last_name": ["a"], "shipping_address": "Turku"},
        ["Email: Enter the", "Last name: Give text", "Shipping address: Give the address"],
    ),
}


@pytest.mark.parametrize(("customer", "messages"), GATED_CREATES.values(), ids=GATED_CREATES.keys())
def test_create_refuses_what_a_store_would_garble_and_sends_nothing(
    cli: Cli,
    held: StoreDb,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    customer: dict[str, Any],
    messages: list[str],
) -> None:
    """Exit 2, every problem named with its field on stderr, no request, nothing created."""
    data = write_json(tmp_path / "new.json", customer)
    result, sent = sending(monkeypatch, lambda: cli("customers", "create", "--data", str(data)))
    assert (result.code, result.out, sent) == (2, "", [])
    lines = result.err.splitlines()
    assert len(lines) == len(messages)
    for line, message in zip(lines, messages, strict=True):
        assert line.startswith(f"error: {message}")
    assert store_count(held) == CUSTOMERS


GATED_UPDATES = {
    "empty-email": ({"email": ""}, "Email: A customer's email cannot be removed."),
    "blank-email": ({"email": "  ", "first_name": "X"}, "Email: A customer's email cannot be"),
    "false-email": ({"email": False}, "Email: Give text here, not true or false."),
    "list": ({"last_name": ["a", "b"]}, "Last name: Give text here, not a list"),
    "object": ({"billing_address": {"phone": {"n": 1}}}, "Billing phone: Give text here"),
    "long-email": ({"email": "n" * 89 + "@example.com"}, "Email: An email address can have"),
}


@pytest.mark.parametrize(("changes", "message"), GATED_UPDATES.values(), ids=GATED_UPDATES.keys())
def test_update_refuses_what_a_store_would_destroy_and_sends_nothing(
    cli: Cli,
    held: StoreDb,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    changes: dict[str, Any],
    message: str,
) -> None:
    """An emptied email would erase the customer's (section 19.3): exit 2, the store as it was."""
    before = store_customers(held)[5]
    data = write_json(tmp_path / "changes.json", changes)
    result, sent = sending(
        monkeypatch, lambda: cli("customers", "update", str(before["id"]), "--data", str(data))
    )
    assert (result.code, result.out, sent) == (2, "", [])
    assert result.err.startswith(f"error: {message}")
    assert store_customer(held, before["id"]) == before


def test_create_and_update_send_emails_trimmed(
    cli: Cli, held: StoreDb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A store refuses an email with spaces around it; the command line sends it trimmed."""
    new = {**NEW_CUSTOMER, "email": "  nora.trim@example.com ", "first_name": " Nora "}
    data = write_json(tmp_path / "new.json", new)
    created, sent = sending(
        monkeypatch, lambda: cli("customers", "create", "--data", str(data), "--json")
    )
    assert created.code == 0, created.err
    sent = [request for request in sent if request[0] != "GET"]  # the API indexes, asked first
    assert sent[0] == (
        "POST",
        on_the_wire({**NEW_CUSTOMER, "email": "nora.trim@example.com", "first_name": "Nora"}, held),
    )
    customer_id = created.json()["id"]
    stored = store_customer(held, customer_id)
    assert stored is not None
    assert stored["email"] == "nora.trim@example.com"

    changes = {"email": " nora.new@example.com\t", "billing_address": {"email": " b@example.com "}}
    data = write_json(tmp_path / "changes.json", changes)
    updated, sent = sending(
        monkeypatch, lambda: cli("customers", "update", str(customer_id), "--data", str(data))
    )
    assert updated.code == 0, updated.err
    sent = [request for request in sent if request[0] != "GET"]
    trimmed = {"email": "nora.new@example.com", "billing_address": {"email": "b@example.com"}}
    assert sent == [("PUT", on_the_wire(trimmed, held))]
    stored = store_customer(held, customer_id)
    assert stored is not None
    assert (stored["email"], stored["billing_address"]["email"]) == (
        "nora.new@example.com",
        "b@example.com",
    )


def test_delete_needs_yes(cli: Cli, held: StoreDb) -> None:
    """Without ``--yes`` nothing is deleted (exit 2); with it the customer is gone."""
    target = store_customers(held)[7]["id"]
    refused = cli("customers", "delete", str(target))
    assert (refused.code, refused.out) == (2, "")
    assert "--yes" in refused.err
    customer = store_customers(held)[7]
    name = f"{customer['first_name']} {customer['last_name']}"
    assert f"deleting customer {target}, {name} <{customer['email']}> cannot be undone" in (
        refused.err
    )
    assert store_customer(held, target) is not None
    deleted = cli("customers", "delete", str(target), "--yes", "--json")
    assert (deleted.code, deleted.json()) == (0, {"deleted": target})
    assert store_customer(held, target) is None
    assert store_count(held) == CUSTOMERS - 1


def test_delete_prints_a_sentence_without_json(cli: Cli, held: StoreDb) -> None:
    """Without ``--json`` the deletion is confirmed in words: who, and what became of their
    orders only as far as it is true (a customer without orders had none kept)."""
    everyone = store_customers(held)
    buyer = next(c for c in everyone if c["orders_count"] > 1)
    idle = next(c for c in everyone if c["orders_count"] == 0)
    for customer in (buyer, idle):
        refused = cli("customers", "delete", str(customer["id"]))
        expected = (
            f"Their {customer['orders_count']:,} orders are kept in the store as guest orders."
            if customer["orders_count"]
            else "They have no orders."
        )
        assert expected in refused.err
    name = f"{buyer['first_name']} {buyer['last_name']}"
    result = cli("customers", "delete", str(buyer["id"]), "--yes")
    assert result.code == 0, result.err
    assert result.out == (
        f"Deleted {name}; their {buyer['orders_count']:,} orders are kept as guest orders.\n"
    )
    assert store_customer(held, buyer["id"]) is None
    idle_name = f"{idle['first_name']} {idle['last_name']}"
    result = cli("customers", "delete", str(idle["id"]), "--yes")
    assert result.out == f"Deleted {idle_name}.\n"
    assert "guest" not in result.out


# -- a customer's orders and downloads ------------------------------------------------------------


def test_orders(cli: Cli, held: StoreDb) -> None:
    """``customers orders ID``: every order as a JSON array, or a table with one row each."""
    buyer = max(store_customers(held), key=lambda c: c["orders_count"])
    expected = store_orders(held, buyer["id"])
    assert len(expected) >= 2
    as_json = cli("customers", "orders", str(buyer["id"]), "--json")
    assert as_json.code == 0, as_json.err
    orders = as_json.json()
    assert [o["id"] for o in orders] == [o["id"] for o in expected]
    assert len({o["id"] for o in orders}) == len(orders)
    assert all(o["customer_id"] == buyer["id"] for o in orders)
    assert [o["total"] for o in orders] == [o["total"] for o in expected]
    as_table = cli("customers", "orders", str(buyer["id"]))
    assert as_table.code == 0, as_table.err
    header, rows = table_rows(as_table.out)
    assert header[:3] == ["Order", "Date", "Status"]
    assert [row[0] for row in rows] == [f"#{o['order_number']}" for o in expected]
    # Amounts as the API writes them, with the currency code (scripts read tables too).
    lines = as_table.out.splitlines()[2:]
    assert all(
        f" {o['total']} {o['currency']} " in line for o, line in zip(expected, lines, strict=True)
    )
    assert as_table.err == f"{len(expected)} orders\n"


def test_downloads(cli: Cli, held: StoreDb) -> None:
    """``customers downloads ID``: the files as a JSON array, or a table with one row each."""
    customers = store_customers(held)
    owner, expected = next(
        (c["id"], found) for c in customers if (found := store_downloads(held, c["id"]))
    )
    as_json = cli("customers", "downloads", str(owner), "--json")
    assert (as_json.code, as_json.json()) == (0, expected)
    as_table = cli("customers", "downloads", str(owner))
    assert as_table.code == 0, as_table.err
    header, rows = table_rows(as_table.out)
    assert header[0] == "File"
    assert [row[0] for row in rows] == [d["download_name"] for d in expected]
    # The product by its name, not its id (the legacy API sends only the id).
    products = dict(held.store.db.connection().execute("SELECT id, name FROM products"))
    lines = as_table.out.splitlines()[2:]
    assert len(lines) == len(expected)
    for line, download in zip(lines, expected, strict=True):
        assert products[download["product_id"]] in line, line


def test_no_orders_and_no_downloads(cli: Cli, held: StoreDb) -> None:
    """A customer without orders: empty arrays."""
    idle = next(c for c in store_customers(held) if c["orders_count"] == 0)
    for command in ("orders", "downloads"):
        result = cli("customers", command, str(idle["id"]), "--json")
        assert (result.code, result.json()) == (0, [])


# -- store info -----------------------------------------------------------------------------------


def test_store_info(cli: Cli, store: DemoStore) -> None:
    """``store info``: the index's facts and the authentication in use (OAuth over HTTP)."""
    as_json = cli("store", "info", "--json")
    assert as_json.code == 0, as_json.err
    info = as_json.json()
    assert set(info) >= {
        "name",
        "url",
        "wc_version",
        "api_version",
        "ssl_enabled",
        "generate_password",
        "currency",
        "auth",
    }
    assert (info["url"], info["ssl_enabled"], info["auth"]) == (store.base_url, False, "oauth")
    as_text = cli("store", "info")
    assert as_text.code == 0, as_text.err
    fields = field_block(as_text.out)
    assert fields["Store"] == info["name"]
    assert fields["WooCommerce"] == info["wc_version"]
    assert fields["Authentication"] == "oauth"
    # How the shop writes prices: its symbol decoded from the index's "&#36;".
    assert info["money_format"]["symbol"] == "$"
    assert info["money_format"]["code"] == info["currency"]
    assert fields["Prices"] == "$1,234.56"


# -- failures and exit codes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["customers", "get", MISSING_ID],
        ["customers", "orders", MISSING_ID],
        ["customers", "downloads", MISSING_ID],
        ["customers", "delete", MISSING_ID, "--yes"],
        ["customers", "delete", MISSING_ID],
        ["customers", "update", MISSING_ID, "--data", "{changes}"],
    ],
    ids=["get", "orders", "downloads", "delete", "delete-unconfirmed", "update"],
)
def test_an_unknown_id_is_a_store_error(cli: Cli, tmp_path: Path, command: list[str]) -> None:
    """No such customer: exit 1, the store's reason on stderr, nothing on stdout."""
    changes = str(write_json(tmp_path / "changes.json", {"first_name": "Ghost"}))
    result = cli(*(changes if part == "{changes}" else part for part in command), "--json")
    assert (result.code, result.out) == (1, "")
    assert result.err.startswith("error: ")
    assert "does not exist" in result.err


def test_a_stopped_store_is_a_network_error(
    start_store: StoreFactory, paths: AppPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nobody listens any more: exit 1 with a network message (after the client's retries,
    shortened here so the test stays fast)."""
    gone = start_store(customers=1)
    environ = key_environment(gone)
    gone.stop()
    monkeypatch.setattr(
        "app.stores.access.StoreConnection",
        functools.partial(StoreConnection, backoff=0.01, max_backoff=0.05),
    )
    result = invoke(["customers", "count", "--store-url", gone.base_url], paths, environ, None)
    assert (result.code, result.out) == (1, "")
    assert "Could not connect to the store" in result.err


@pytest.mark.parametrize(
    "args",
    [
        ["customers", "list", "--bogus"],
        ["--consumer-key", "ck_x", "customers", "list"],
        ["customers", "list", "--consumer-key", "ck_x"],
        ["customers", "list", "--consumer-secret", "cs_x"],
        ["customers", "list", "--page-size", "many"],
        ["customers"],
        ["customers", "get"],
        ["customers", "update", "7"],
        ["customers", "delete", "abc", "--yes"],
        ["store", "nonsense"],
    ],
    ids=[
        "unknown-option",
        "key-before",
        "key-after",
        "secret",
        "page-size-text",
        "no-action",
        "get-without-id",
        "update-without-data",
        "delete-text-id",
        "unknown-action",
    ],
)
def test_bad_command_lines_are_usage_errors(
    args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    """argparse refuses these with exit 2; in particular keys are never options."""
    with pytest.raises(SystemExit) as stopped:
        build_parser().parse_args(args)
    assert stopped.value.code == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "usage:" in captured.err


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (["customers", "list", "--page-size", "500"], "--page-size"),
        (["customers", "list", "--page-size", "0"], "--page-size"),
        (["customers", "get", "abc"], "abc"),
        (["customers", "create", "--data", "{missing}"], "cannot read"),
        (["customers", "create", "--data", "{invalid}"], "not valid JSON"),
        (["customers", "update", "2", "--data", "{array}"], "one JSON object"),
    ],
    ids=["page-size-500", "page-size-0", "get-abc", "unreadable", "invalid-json", "not-object"],
)
def test_bad_input_is_a_usage_error(
    cli: Cli, held: StoreDb, tmp_path: Path, command: list[str], message: str
) -> None:
    """Exit 2 with the reason on stderr, nothing on stdout, nothing changed in the store."""
    files = {
        "{missing}": str(tmp_path / "missing.json"),
        "{invalid}": str(write_text(tmp_path / "invalid.json", '{"email": "a@example.com",')),
        "{array}": str(write_json(tmp_path / "array.json", [{"first_name": "A"}])),
    }
    before = store_customers(held)
    result = cli(*(files.get(part, part) for part in command))
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith("error: ")
    assert message in result.err
    assert store_customers(held) == before


def write_text(path: Path, text: str) -> Path:
    """Write ``text`` to a file; its path."""
    path.write_text(text, encoding="utf-8")
    return path


def test_store_url_without_keys_is_a_usage_error(
    store: DemoStore, paths: AppPaths, tmp_path: Path
) -> None:
    """``--store-url`` with no keys in the environment or saved: exit 2, naming the variable."""
    result = invoke(
        ["customers", "count", "--store-url", store.base_url],
        paths,
        {},
        FileSecrets(tmp_path / "s.json"),
    )
    assert (result.code, result.out) == (2, "")
    assert KEY_VARIABLE in result.err


def test_keys_without_a_store_url_are_a_usage_error(store: DemoStore, paths: AppPaths) -> None:
    """Keys in the environment but no store named or saved: exit 2 asking for --store-url."""
    result = invoke(["customers", "count"], paths, key_environment(store), None)
    assert (result.code, result.out) == (2, "")
    assert "--store-url" in result.err


def test_a_malformed_store_url_is_a_usage_error(store: DemoStore, paths: AppPaths) -> None:
    """Not an http(s) address: exit 2."""
    result = invoke(
        ["customers", "count", "--store-url", "ftp://shop.example.com"],
        paths,
        key_environment(store),
        None,
    )
    assert (result.code, result.out) == (2, "")
    assert "not a store address" in result.err


def test_a_missing_ca_bundle_is_a_usage_error(
    start_store: StoreFactory,
    tls_certificate: tuple[Path, Path],
    paths: AppPaths,
    tmp_path: Path,
) -> None:
    """A certificate file that does not exist: exit 2 with a message, not a traceback."""
    secure = start_store(customers=1, certificate=tls_certificate)
    missing = tmp_path / "missing.pem"
    result = invoke(
        ["customers", "count", "--store-url", secure.base_url, "--ca-bundle", str(missing)],
        paths,
        key_environment(secure),
        None,
    )
    assert (result.code, result.out) == (2, "")
    assert str(missing) in result.err


def test_a_self_signed_https_store_with_its_ca_bundle(
    profile_store: StoreFactory, tls_certificate: tuple[Path, Path], paths: AppPaths
) -> None:
    """``--ca-bundle CERT`` trusts the store's own certificate; Basic auth over HTTPS."""
    secure = profile_store(customers=3, certificate=tls_certificate)
    args = ["--store-url", secure.base_url, "--ca-bundle", str(tls_certificate[0]), "--json"]
    result = invoke(["store", "info", *args], paths, key_environment(secure), None)
    assert result.code == 0, result.err
    assert (result.json()["auth"], result.json()["ssl_enabled"]) == ("basic", True)
    count = invoke(["customers", "count", *args], paths, key_environment(secure), None)
    assert (count.code, count.json()) == (0, {"count": 3})


# -- store connect and saved profiles -------------------------------------------------------------


def connect_secrets(paths: AppPaths) -> SecretStore | None:
    """What ``store connect`` should write to: the app's own choice (the 0600 file) when this
    machine has no keychain; the same file, passed in, when it has one."""
    if KeyringSecrets.available():
        return FileSecrets(paths.config_dir / "secrets.json")
    return None


def test_connect_saves_the_store_for_later_commands(
    store: DemoStore, paths: AppPaths, held: StoreDb
) -> None:
    """``store connect``: checks the store, saves the profile (no secret in stores.json) and
    the keys (a 0600 file); later commands need neither --store-url nor keys."""
    secrets = connect_secrets(paths)
    connected = invoke(
        ["store", "connect", "--store-url", store.base_url, "--allow-file-secrets"],
        paths,
        key_environment(store),
        secrets,
    )
    assert connected.code == 0, connected.err
    assert "Connected" in connected.out
    assert f"{CUSTOMERS} customers" in connected.out
    secrets_file = paths.config_dir / "secrets.json"
    assert stat.S_IMODE(secrets_file.stat().st_mode) == 0o600
    assert store.consumer_secret in secrets_file.read_text(encoding="utf-8")
    profiles_text = (paths.config_dir / "stores.json").read_text(encoding="utf-8")
    assert store.consumer_secret not in profiles_text
    assert store.consumer_key not in profiles_text
    profiles = json.loads(profiles_text)
    assert [p["url"] for p in profiles["stores"]] == [store.base_url]
    assert profiles["current"] == profiles["stores"][0]["name"]

    count = invoke(["customers", "count", "--json"], paths, {}, secrets)
    assert (count.code, count.json(), count.err) == (0, {"count": store_count(held)}, "")
    info = invoke(["store", "info", "--json"], paths, {}, secrets)
    assert (info.code, info.json()["url"]) == (0, store.base_url)


def test_connect_with_a_wrong_secret_saves_nothing(store: DemoStore, paths: AppPaths) -> None:
    """The store refuses the keys: exit 1 with its reason; no profile and no keys are saved."""
    wrong = {**key_environment(store), SECRET_VARIABLE: "cs_" + "0" * 40}
    result = invoke(
        ["store", "connect", "--store-url", store.base_url, "--allow-file-secrets"],
        paths,
        wrong,
        connect_secrets(paths),
    )
    assert (result.code, result.out) == (1, "")
    assert result.err.startswith("error: ")
    assert not (paths.config_dir / "stores.json").exists()
    assert not (paths.config_dir / "secrets.json").exists()


@pytest.mark.skipif(KeyringSecrets.available(), reason="this machine has a keychain")
def test_connect_without_a_keychain_needs_consent(store: DemoStore, paths: AppPaths) -> None:
    """No keychain and no ``--allow-file-secrets``: exit 2, nothing written."""
    result = invoke(
        ["store", "connect", "--store-url", store.base_url], paths, key_environment(store), None
    )
    assert (result.code, result.out) == (2, "")
    assert "--allow-file-secrets" in result.err
    assert not paths.config_dir.exists()


def test_connect_without_keys_is_a_usage_error(store: DemoStore, paths: AppPaths) -> None:
    """``store connect`` needs the keys in the environment: exit 2 naming the variables."""
    result = invoke(
        ["store", "connect", "--store-url", store.base_url, "--allow-file-secrets"],
        paths,
        {},
        None,
    )
    assert (result.code, result.out) == (2, "")
    assert KEY_VARIABLE in result.err
    assert SECRET_VARIABLE in result.err


# -- help and version -----------------------------------------------------------------------------


def test_customers_help_lists_every_action(capsys: pytest.CaptureFixture[str]) -> None:
    """``customers --help`` names every action of the issue."""
    with pytest.raises(SystemExit) as stopped:
        build_parser().parse_args(["customers", "--help"])
    assert stopped.value.code == 0
    text = capsys.readouterr().out
    for action in ("list", "get", "count", "create", "update", "delete", "orders", "downloads"):
        assert action in text


# -- the real entry points, as processes ----------------------------------------------------------


def test_entry_point_prints_only_the_result(store: DemoStore, tmp_path: Path) -> None:
    """``python -m app customers list --store-url URL --json``: exit 0, stdout is exactly the
    JSON array of every customer, stderr stays empty."""
    done = run_app(
        ["customers", "list", "--store-url", store.base_url, "--json"],
        tmp_path,
        key_environment(store),
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    listed = json.loads(done.stdout)
    assert len({c["id"] for c in listed}) == len(listed) == CUSTOMERS


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["customers", "get", MISSING_ID], 1),
        (["customers", "list", "--page-size", "500"], 2),
        (["customers", "list", "--consumer-key", "ck_x"], 2),
    ],
    ids=["store-error", "usage-error", "key-option"],
)
def test_entry_point_exit_codes(
    store: DemoStore, tmp_path: Path, args: list[str], code: int
) -> None:
    """Failures exit 1 (store) or 2 (usage) with the message on stderr and nothing on stdout."""
    done = run_app([*args, "--store-url", store.base_url], tmp_path, key_environment(store))
    assert done.returncode == code
    assert done.stdout == ""
    assert "error" in done.stderr


@pytest.mark.parametrize("wrapped", [True, False], ids=["wrapped", "bare"])
@pytest.mark.slow
def test_create_from_stdin(store: DemoStore, held: StoreDb, tmp_path: Path, wrapped: bool) -> None:
    """``customers create --data -`` reads the customer from stdin."""
    payload = {"customer": NEW_CUSTOMER} if wrapped else NEW_CUSTOMER
    done = run_app(
        ["customers", "create", "--data", "-", "--store-url", store.base_url, "--json"],
        tmp_path,
        key_environment(store),
        stdin=json.dumps(payload),
    )
    assert done.returncode == 0, done.stderr
    created = json.loads(done.stdout)
    assert created["email"] == NEW_CUSTOMER["email"]
    assert store_customer(held, created["id"]) == created


@pytest.mark.slow
def test_without_a_store_the_embedded_demo_store_is_used(tmp_path: Path) -> None:
    """No store configured and no keys: the demo store in the data folder answers, with a
    note on stderr; stdout holds only the count."""
    done = run_app(["customers", "count", "--json"], tmp_path, {})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"count": StoreConfig().customers}
    assert "demo store" in done.stderr
    assert AppPaths.under(tmp_path).demo_store_db.is_file()


@pytest.mark.slow
def test_version(tmp_path: Path) -> None:
    """``--version`` prints the app's name and version and exits 0."""
    done = run_app(["--version"], tmp_path, {})
    assert (done.returncode, done.stdout) == (0, f"{APP_NAME} {__version__}\n")


def test_help_lists_the_commands(tmp_path: Path) -> None:
    """``python -m app --help`` names both command groups and the key variables."""
    done = run_app(["--help"], tmp_path, {})
    assert done.returncode == 0, done.stderr
    for word in ("customers", "store", "--store-url", "--json", KEY_VARIABLE, SECRET_VARIABLE):
        assert word in done.stdout


def read_first_line(process: subprocess.Popen[str], timeout: float) -> str:
    """The first stdout line of a process, waiting at most ``timeout`` seconds for it."""
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], timeout)
    assert ready, f"no output within {timeout} s"
    return process.stdout.readline()


@pytest.mark.slow
def test_done_when_the_installed_script_lists_a_demo_store_process(tmp_path: Path) -> None:
    """The issue's "done when": ``woo-customers customers list --json`` against ``python -m
    app.demo_store`` prints every customer."""
    script = Path(sys.executable).with_name("woo-customers")
    assert script.is_file(), f"the console script is not installed next to {sys.executable}"
    seeded = 150
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "app.demo_store", "--customers", str(seeded), "--seed", "4"],
        cwd=PROJECT_ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        info = json.loads(read_first_line(server, STARTUP_TIMEOUT))
        keys = {KEY_VARIABLE: info["consumer_key"], SECRET_VARIABLE: info["consumer_secret"]}
        done = run_process(
            [
                str(script),
                "customers",
                "list",
                "--json",
                "--store-url",
                info["base_url"],
                "--data-dir",
                str(tmp_path),
            ],
            keys,
        )
    finally:
        server.terminate()
        try:
            server.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.communicate()
    assert done.returncode == 0, done.stderr
    listed = json.loads(done.stdout)
    assert len({c["id"] for c in listed}) == len(listed) == seeded
