"""The command line warns, on stderr, about the "New account" e-mails WooCommerce sends to every
customer it creates: in an import's dry run, before an import sends, and before ``customers
create``; stdout and ``--json`` stay what scripts read."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.demo_store import DemoStore
from app.demo_store.emails import sent_emails
from tests.data import samples
from tests.support.cli import NEW_CUSTOMER, Cli, write_json

WARNING = "warning: WooCommerce will send 3 “New account” e-mails"


def _sent(store: DemoStore) -> int:
    return len(sent_emails(store.db.connection()))


def test_the_dry_run_counts_the_emails_and_sends_none(
    cli: Cli, store: DemoStore, tmp_path: Path
) -> None:
    path = samples.write_excel_semicolon_cp1252(tmp_path)
    dry = cli("import", str(path), "--dry-run")
    assert dry.code == 0, dry.err
    assert WARNING in dry.err
    assert "Settings → Emails → “New account”" in dry.err
    assert "e-mail" not in dry.out
    as_json = cli("import", str(path), "--dry-run", "--json")
    assert as_json.json()["new_account_emails"] == 3
    assert WARNING in as_json.err
    assert _sent(store) == 0


@pytest.mark.slow
def test_an_import_warns_before_sending_and_the_store_sends_one_email_each(
    cli: Cli, store: DemoStore, tmp_path: Path
) -> None:
    path = samples.write_excel_semicolon_cp1252(tmp_path)
    done = cli("import", str(path), "--json")
    assert done.code == 0, done.err
    assert WARNING in done.err
    assert done.err.index(WARNING) < done.err.index("Sent 3 of 3 rows")
    assert done.json()["new_account_emails"] == 3
    assert _sent(store) == 3

    again = cli("import", str(path), "--dry-run")  # now updates or skips: no e-mail
    assert again.code == 0, again.err
    assert "e-mail" not in again.err


def test_customers_create_warns_on_stderr(cli: Cli, store: DemoStore, tmp_path: Path) -> None:
    created = cli(
        "customers",
        "create",
        "--data",
        str(write_json(tmp_path / "c.json", NEW_CUSTOMER)),
        "--json",
    )
    assert created.code == 0, created.err
    assert "warning: WooCommerce will send 1 “New account” e-mail" in created.err
    assert json.loads(created.out)["email"] == NEW_CUSTOMER["email"]
    assert _sent(store) == 1
