"""The command line keeps what the store says of itself (money format, timezone) in the cache.

A store used only from the command line must read offline as one used from the desktop app:
amounts in the store's money format, dates in its timezone (app/cache/store_settings.py).
"""

from __future__ import annotations

import logging
from contextlib import closing
from decimal import Decimal
from pathlib import Path

import pytest

from app.api.client import StoreInfo
from app.api.connection import normalize_store_url
from app.api.transport import CancelToken
from app.cache.database import cache_path
from app.cache.repository import MONEY_FORMAT_META, STORE_TIMEZONE_META, CustomerCache
from app.demo_store import DemoStore
from app.domain.money import MoneyFormat
from app.errors import PermissionDeniedError
from app.paths import AppPaths
from app.stores.secrets import FileSecrets
from tests.conftest import StoreFactory, StoreProfile
from tests.support.cli import Cli, invoke, key_environment

#: How the demo store writes euros (WooCommerce's onboarding for Germany).
EUROS = MoneyFormat("EUR", "€", "right_space", ".", ",", 2)


@pytest.fixture
def store(profile_store: StoreFactory) -> DemoStore:
    """A store selling in euros, so its money format is not the plain one."""
    return profile_store(customers=30, currency="EUR")


def cache_of(store: DemoStore, paths: AppPaths) -> CustomerCache:
    return CustomerCache.open(paths.cache_dir, normalize_store_url(store.base_url))


def kept(store: DemoStore, paths: AppPaths) -> tuple[MoneyFormat | None, str | None]:
    """The money format and timezone the store's cache keeps."""
    with closing(cache_of(store, paths)) as cache:
        return cache.money_format(), cache.meta(STORE_TIMEZONE_META)


def forget_settings(store: DemoStore, paths: AppPaths) -> None:
    with closing(cache_of(store, paths)) as cache:
        cache.set_meta({MONEY_FORMAT_META: None, STORE_TIMEZONE_META: None})


def spend_line(outcome_text: str) -> str:
    lines = dict(line.split(":", 1) for line in outcome_text.splitlines())
    return lines["Lifetime spend"].strip()


def euros(amount: str) -> str:
    """An amount as the store writes it: "1.578,19 €" (a no-break space before the sign)."""
    written = EUROS.format(Decimal(amount))
    assert written.endswith("\N{NO-BREAK SPACE}€"), written
    return written


def test_sync_keeps_the_stores_money_format_and_timezone(
    cli: Cli, store: DemoStore, paths: AppPaths
) -> None:
    synced = cli("sync")
    assert synced.code == 0, synced.err
    assert kept(store, paths) == (EUROS, "UTC")


def test_offline_stats_after_a_sync_write_amounts_as_the_store_does(
    cli: Cli, store: DemoStore, paths: AppPaths
) -> None:
    assert cli("sync").code == 0
    figures = cli("customers", "stats", "--offline", "--json").json()
    text = cli("customers", "stats", "--offline")
    assert text.code == 0, text.err
    assert spend_line(text.out).startswith(f"{euros(figures['spent_total'])} in all")


def test_online_stats_keep_the_money_format_they_print_in(
    cli: Cli, store: DemoStore, paths: AppPaths
) -> None:
    assert cli("sync").code == 0
    forget_settings(store, paths)
    text = cli("customers", "stats")
    assert text.code == 0, text.err
    assert kept(store, paths) == (EUROS, "UTC")
    figures = cli("customers", "stats", "--offline", "--json").json()
    assert spend_line(text.out).startswith(f"{euros(figures['spent_total'])} in all")


def test_a_store_that_will_not_say_its_settings_still_syncs(
    cli: Cli,
    store: DemoStore,
    paths: AppPaths,
    store_profile: StoreProfile,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    assert cli("sync").code == 0
    kept_before = kept(store, paths)
    assert kept_before == (EUROS, "UTC")

    def refuse(self: object, cancel: CancelToken | None = None) -> StoreInfo:
        raise PermissionDeniedError("Sorry, you cannot list resources.")

    # As a key whose user may not read the store's settings: every info request is refused.
    monkeypatch.setattr(store_profile.client_type, "store_info", refuse)
    with caplog.at_level(logging.INFO, logger="app.cli"):
        again = cli("sync", "--full")
    assert again.code == 0, again.err
    assert again.out.startswith("Full sync: ")
    assert "store settings not read" in caplog.text
    assert kept(store, paths) == kept_before  # what the cache had stays


def test_connect_keeps_the_settings_in_an_existing_cache_and_makes_none(
    store: DemoStore, paths: AppPaths, tmp_path: Path
) -> None:
    secrets = FileSecrets(tmp_path / "secrets.json")
    environ = key_environment(store)
    connect = ["store", "connect", "--store-url", store.base_url]
    first = invoke(connect, paths, environ, secrets)
    assert first.code == 0, first.err
    # No cache yet: the offline commands still say the store was never synced.
    assert not cache_path(paths.cache_dir, normalize_store_url(store.base_url)).exists()
    never = invoke(["customers", "stats", "--offline"], paths, environ, secrets)
    assert "no local cache" in never.err

    assert invoke(["sync"], paths, environ, secrets).code == 0
    forget_settings(store, paths)
    again = invoke(connect, paths, environ, secrets)
    assert again.code == 0, again.err
    assert kept(store, paths) == (EUROS, "UTC")
