"""Forgetting a saved store: its profile, keys and cache go; other stores and the store stay.

Real files under ``tmp_path``: ``stores.json`` through ProfileStore, keys in the owner-only
secrets file, and cache files made by the cache itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from app.cache.database import cache_path
from app.cache.repository import CustomerCache
from app.domain.customer import Customer
from app.errors import CacheError, ConfigurationError
from app.paths import AppPaths
from app.stores import forgetting
from app.stores.forgetting import ForgottenStore, forget_store
from app.stores.profiles import Profiles, ProfileStore, StoreProfile
from app.stores.secrets import FileSecrets

SHOP = StoreProfile("Shop", "https://shop.example")
OUTLET = StoreProfile("Outlet", "http://outlet.test")


@dataclass
class Saved:
    """Two saved stores (Shop current), their keys, and a synced cache of each."""

    paths: AppPaths
    profiles: ProfileStore
    secrets: FileSecrets

    def forget(self, name_or_url: str) -> ForgottenStore:
        return forget_store(
            name_or_url,
            profiles=self.profiles,
            secrets=self.secrets,
            cache_dir=self.paths.cache_dir,
        )

    def cache_files(self, url: str) -> list[Path]:
        """The store's cache file and SQLite siblings that exist now."""
        path = cache_path(self.paths.cache_dir, url)
        candidates = [path, *(Path(f"{path}{s}") for s in ("-wal", "-shm", "-journal"))]
        return [file for file in candidates if file.exists()]


def _fill_cache(cache_dir: Path, url: str, count: int) -> None:
    cache = CustomerCache.open(cache_dir, url)
    try:
        customers = [
            Customer(id=n, email=f"c{n}@example.com", first_name=f"C{n}", last_name="T")
            for n in range(1, count + 1)
        ]
        cache.upsert_customers(customers, 1_700_000_000)
    finally:
        cache.close()


@pytest.fixture
def saved(tmp_path: Path) -> Saved:
    paths = AppPaths.under(tmp_path / "app")
    profiles = ProfileStore(paths.config_dir / "stores.json")
    profiles.save(Profiles([SHOP, OUTLET], current="Shop"))
    secrets = FileSecrets(paths.config_dir / "secrets.json")
    secrets.put(SHOP.url, "ck_shop", "cs_shop")
    secrets.put(OUTLET.url, "ck_outlet", "cs_outlet")
    _fill_cache(paths.cache_dir, SHOP.url, 7)
    _fill_cache(paths.cache_dir, OUTLET.url, 3)
    shop_cache = cache_path(paths.cache_dir, SHOP.url)
    for suffix in ("-wal", "-shm"):  # as a crash leaves them
        Path(f"{shop_cache}{suffix}").write_bytes(b"left by a crash")
    return Saved(paths, profiles, secrets)


def _outlet_is_untouched(saved: Saved) -> None:
    assert saved.profiles.load().find("Outlet") == OUTLET
    assert saved.secrets.get(OUTLET.url) == ("ck_outlet", "cs_outlet")
    cache = CustomerCache.open(saved.paths.cache_dir, OUTLET.url)
    try:
        assert cache.count() == 3
    finally:
        cache.close()


def test_forgetting_the_current_store_removes_its_profile_keys_and_cache(saved: Saved) -> None:
    assert len(saved.cache_files(SHOP.url)) == 3

    forgotten = saved.forget("Shop")

    assert forgotten == ForgottenStore(SHOP, cache_deleted=True, was_current=True)
    reloaded = saved.profiles.load()
    assert reloaded.find("Shop") is None
    assert reloaded.current is None
    assert saved.secrets.get(SHOP.url) is None
    assert saved.cache_files(SHOP.url) == []
    _outlet_is_untouched(saved)


def test_forgetting_another_store_by_its_url_keeps_the_current_one(saved: Saved) -> None:
    forgotten = saved.forget("http://outlet.test/")
    assert forgotten == ForgottenStore(OUTLET, cache_deleted=True, was_current=False)
    reloaded = saved.profiles.load()
    assert reloaded.stores == [SHOP]
    assert reloaded.current == "Shop"
    assert saved.secrets.get(OUTLET.url) is None
    assert saved.cache_files(OUTLET.url) == []
    assert saved.secrets.get(SHOP.url) == ("ck_shop", "cs_shop")
    assert len(saved.cache_files(SHOP.url)) == 3


def test_a_store_never_synced_is_forgotten_without_a_cache(saved: Saved) -> None:
    for file in saved.cache_files(SHOP.url):
        file.unlink()
    assert saved.forget("Shop").cache_deleted is False
    assert saved.profiles.load().find("Shop") is None


def test_an_unknown_store_is_a_configuration_error_and_nothing_changes(saved: Saved) -> None:
    before = saved.profiles.path.read_bytes()
    with pytest.raises(ConfigurationError) as caught:
        saved.forget("Nowhere")
    assert "“Nowhere”" in caught.value.message
    assert "“Shop”" in caught.value.message  # the stores that can be forgotten
    assert saved.profiles.path.read_bytes() == before
    assert saved.secrets.get(SHOP.url) == ("ck_shop", "cs_shop")
    assert len(saved.cache_files(SHOP.url)) == 3
    _outlet_is_untouched(saved)


def test_a_failed_step_keeps_the_store_listed_and_forgetting_again_finishes(
    saved: Saved, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(cache_dir: Path, store_url: str) -> bool:
        raise CacheError("The cache file could not be deleted.")

    monkeypatch.setattr(forgetting, "delete_cache_files", refuse)
    with pytest.raises(CacheError):
        saved.forget("Shop")
    assert saved.profiles.load().find("Shop") == SHOP  # still there to be forgotten again

    monkeypatch.undo()
    assert saved.forget("Shop").profile == SHOP
    assert saved.profiles.load().find("Shop") is None
    assert saved.cache_files(SHOP.url) == []


def test_a_second_profile_of_the_same_store_keeps_the_keys_and_cache(saved: Saved) -> None:
    # Older versions could save one store twice under two names; both use its keys and cache.
    twin = StoreProfile("Shop again", SHOP.url)
    saved.profiles.save(Profiles([SHOP, OUTLET, twin], current="Shop again"))
    forgotten = saved.forget("Shop")
    assert forgotten == ForgottenStore(
        SHOP, cache_deleted=False, was_current=False, shared_with="Shop again"
    )
    assert "stay for “Shop again”" in forgotten.what_went()
    assert saved.profiles.load().stores == [OUTLET, twin]
    assert saved.secrets.get(SHOP.url) == ("ck_shop", "cs_shop")
    assert cache_path(saved.paths.cache_dir, SHOP.url).exists()
    saved.forget("Shop again")  # the last profile of the store takes them along
    assert saved.secrets.get(SHOP.url) is None
    assert saved.cache_files(SHOP.url) == []
