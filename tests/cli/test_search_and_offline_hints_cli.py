"""What the command line says when an online search finds nobody, and when the store cannot be
reached by a command that could read the local cache instead (``--offline``)."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from app.api.connection import StoreConnection
from app.demo_store import DemoStore
from tests.conftest import StoreFactory, StoreProfile
from tests.support.cli import Cli
from tests.support.store_db import StoreDb

CUSTOMERS = 5
NOBODY = "nobody-at-all"


@pytest.fixture
def store(profile_store: StoreFactory) -> DemoStore:
    return profile_store(customers=CUSTOMERS)


@pytest.fixture
def quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """The client's retries of an unreachable store, shortened so the tests stay fast."""
    monkeypatch.setattr(
        "app.stores.access.StoreConnection",
        functools.partial(StoreConnection, backoff=0.01, max_backoff=0.05),
    )


@pytest.mark.parametrize("as_json", [False, True], ids=["table", "json"])
def test_a_search_that_finds_nobody_says_so_and_what_the_api_searches(
    cli: Cli, store_profile: StoreProfile, as_json: bool
) -> None:
    result = cli("customers", "list", "--search", NOBODY, *(["--json"] if as_json else []))
    assert result.code == 0, result.err
    note = next(line for line in result.err.splitlines() if line.startswith("note: "))
    assert note.startswith(f"note: no customer matched “{NOBODY}”.")
    if store_profile.legacy_customers:
        assert "legacy API matches a whole email address, username or name exactly" in note
        assert f"“{NOBODY}*”" in note
    else:
        assert "REST API (wc/v3) finds a part of the email, username or display name" in note
    assert "--offline --search" in note


def test_a_search_that_finds_someone_adds_no_note(cli: Cli, store: DemoStore) -> None:
    email = StoreDb(store).customers()[0]["email"]
    result = cli("customers", "list", "--search", email)
    assert result.code == 0, result.err
    assert email in result.out
    assert "note:" not in result.err


def test_a_list_without_search_that_is_empty_adds_no_note(cli: Cli) -> None:
    result = cli("customers", "list", "--role", "shop_manager")
    assert result.code == 0, result.err
    assert "note:" not in result.err


@pytest.mark.usefixtures("quick_retries")
@pytest.mark.parametrize(
    "command",
    [["customers", "list"], ["customers", "get", "1"], ["export", "{file}"]],
    ids=["list", "get", "export"],
)
def test_an_unreachable_store_suggests_offline_when_a_synced_cache_exists(
    cli: Cli, store: DemoStore, tmp_path: Path, command: list[str]
) -> None:
    assert cli("sync").code == 0
    store.stop()
    args = [str(tmp_path / "out.csv") if part == "{file}" else part for part in command]
    result = cli(*args)
    assert result.code == 1
    assert "Could not connect to the store" in result.err
    assert "note: the store could not be reached; add --offline" in result.err
    assert cli("customers", "list", "--offline").code == 0  # and --offline does work


@pytest.mark.usefixtures("quick_retries")
@pytest.mark.parametrize(
    ("command", "sync_first"),
    [(["customers", "list"], False), (["export", "{file}"], False), (["customers", "count"], True)],
    ids=["list-never-synced", "export-never-synced", "count-has-no-offline"],
)
def test_no_offline_suggestion_where_it_would_not_work(
    cli: Cli,
    store: DemoStore,
    tmp_path: Path,
    command: list[str],
    sync_first: bool,
) -> None:
    if sync_first:
        assert cli("sync").code == 0
    store.stop()
    args = [str(tmp_path / "out.csv") if part == "{file}" else part for part in command]
    result = cli(*args)
    assert result.code == 1
    assert "Could not connect to the store" in result.err
    assert "--offline" not in result.err
