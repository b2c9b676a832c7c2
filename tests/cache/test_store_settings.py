"""What the cache keeps of a store's info: its money format and timezone, only when stated."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from app.api.client import StoreInfo
from app.cache.repository import CustomerCache
from app.cache.store_settings import keep_store_settings
from app.domain.money import MoneyFormat

EUROS = MoneyFormat("EUR", "€", "right_space", ".", ",", 2)


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[CustomerCache]:
    opened = CustomerCache.open(tmp_path, "http://store.test")
    yield opened
    opened.close()


def info(timezone: str, money: MoneyFormat) -> StoreInfo:
    return StoreInfo(
        name="Store",
        description="",
        url="http://store.test",
        wc_version="9.4.2",
        api_version="wc/v3",
        ssl_enabled=False,
        generate_password=None,
        currency=money.code,
        timezone=timezone,
        money=money,
    )


def test_what_the_store_states_is_kept(cache: CustomerCache) -> None:
    keep_store_settings(cache, info("Europe/Berlin", EUROS))
    assert cache.money_format() == EUROS
    assert cache.store_zone() == ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize("timezone", ["", "not a zone"])
def test_what_the_store_does_not_state_leaves_what_was_kept(
    cache: CustomerCache, timezone: str
) -> None:
    keep_store_settings(cache, info("Europe/Berlin", EUROS))
    # As a wc/v3 store whose settings the key may not read: no symbol, no zone.
    unstated = MoneyFormat(code="EUR")
    assert not unstated.has_symbol
    keep_store_settings(cache, info(timezone, unstated))
    assert cache.money_format() == EUROS
    assert cache.store_zone() == ZoneInfo("Europe/Berlin")


def test_nothing_stated_keeps_nothing(cache: CustomerCache) -> None:
    keep_store_settings(cache, info("", MoneyFormat()))
    assert cache.money_format() is None
    assert cache.store_zone() is None
