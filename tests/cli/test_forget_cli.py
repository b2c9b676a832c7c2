"""``woo-customers store forget``: a saved store's profile, keys and cache leave this computer.

In-process, as the CLI's own tests run commands (``invoke``), with every file under
``tmp_path`` and the keys in the owner-only secrets file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cache.database import cache_path
from app.demo_store import DemoStore
from app.paths import AppPaths
from app.stores.profiles import ProfileStore
from app.stores.secrets import FileSecrets
from tests.conftest import StoreFactory
from tests.support.cli import CUSTOMERS, Outcome, invoke, key_environment


def _cache_files(paths: AppPaths, url: str) -> list[Path]:
    """The store's cache file and the SQLite files beside it that exist now."""
    path = cache_path(paths.cache_dir, url)
    candidates = [path, *(Path(f"{path}{s}") for s in ("-wal", "-shm", "-journal"))]
    return [file for file in candidates if file.exists()]


def _connect(store: DemoStore, paths: AppPaths, secrets: FileSecrets, *name: str) -> Outcome:
    """``store connect`` with the store's keys in the environment (``name``: ``--name X``)."""
    connect = ["store", "connect", "--store-url", store.base_url, *name]
    return invoke(connect, paths, key_environment(store), secrets)


@pytest.fixture
def secrets(paths: AppPaths) -> FileSecrets:
    return FileSecrets(paths.config_dir / "secrets.json")


@pytest.fixture
def synced_url(profile_store: StoreFactory, paths: AppPaths, secrets: FileSecrets) -> str:
    """A store saved with ``store connect`` as "Shop" and synced into its local cache."""
    store = profile_store(customers=CUSTOMERS)
    connected = _connect(store, paths, secrets, "--name", "Shop")
    assert connected.code == 0, connected.err
    synced = invoke(["sync", "--json"], paths, {}, secrets)
    assert synced.code == 0, synced.err
    assert _cache_files(paths, store.base_url), "the sync made no cache"
    return store.base_url


def test_forget_with_yes_removes_the_profile_keys_and_cache(
    paths: AppPaths, secrets: FileSecrets, synced_url: str
) -> None:
    result = invoke(["store", "forget", "Shop", "--yes"], paths, {}, secrets)
    assert (result.code, result.err) == (0, "")
    assert f"Forgot “Shop” ({synced_url})" in result.out
    assert "cached customers are removed" in result.out
    assert "unchanged" in result.out
    assert "embedded demo store" in result.out  # it was the store in use
    profiles = ProfileStore(paths.config_dir / "stores.json").load()
    assert (profiles.stores, profiles.current) == ([], None)
    assert secrets.get(synced_url) is None
    assert _cache_files(paths, synced_url) == []


def test_forget_by_url_prints_json(paths: AppPaths, secrets: FileSecrets, synced_url: str) -> None:
    result = invoke(["store", "forget", synced_url, "--yes", "--json"], paths, {}, secrets)
    assert result.code == 0, result.err
    assert result.json() == {
        "name": "Shop",
        "url": synced_url,
        "cache_deleted": True,
        "was_current": True,
        "shared_with": None,
    }
    assert _cache_files(paths, synced_url) == []


def test_forget_without_yes_refuses_and_changes_nothing(
    paths: AppPaths, secrets: FileSecrets, synced_url: str
) -> None:
    profiles_file = paths.config_dir / "stores.json"
    before = profiles_file.read_bytes()
    result = invoke(["store", "forget", "Shop"], paths, {}, secrets)
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith("error: ")
    assert "--yes" in result.err
    assert profiles_file.read_bytes() == before
    assert secrets.get(synced_url) is not None
    assert _cache_files(paths, synced_url) != []


def test_forget_an_unknown_store_is_a_usage_error(
    paths: AppPaths, secrets: FileSecrets, synced_url: str
) -> None:
    profiles_file = paths.config_dir / "stores.json"
    before = profiles_file.read_bytes()
    result = invoke(["store", "forget", "Nowhere", "--yes", "--json"], paths, {}, secrets)
    assert (result.code, result.out) == (2, "")
    assert "No saved store is called “Nowhere”" in result.err
    assert "“Shop”" in result.err
    assert profiles_file.read_bytes() == before
    assert _cache_files(paths, synced_url) != []


def test_forget_with_nothing_saved_is_a_usage_error(paths: AppPaths) -> None:
    # No secret store passed: the app's own is never even chosen for a name that matches none.
    result = invoke(["store", "forget", "Shop", "--yes"], paths, {}, None)
    assert (result.code, result.out) == (2, "")
    assert "No saved store is called “Shop”" in result.err
    assert not (paths.config_dir / "secrets.json").exists()
    assert not (paths.config_dir / "stores.json").exists()


def test_forget_needs_a_name(paths: AppPaths, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        invoke(["store", "forget", "--yes"], paths, {}, None)
    assert stopped.value.code == 2
    assert "NAME_OR_URL" in capsys.readouterr().err


def test_forget_keeps_the_other_saved_stores(
    profile_store: StoreFactory, paths: AppPaths, secrets: FileSecrets, synced_url: str
) -> None:
    other = profile_store(customers=2)
    connected = _connect(other, paths, secrets, "--name", "Outlet")
    assert connected.code == 0, connected.err
    result = invoke(["store", "forget", "Shop", "--yes", "--json"], paths, {}, secrets)
    assert result.code == 0, result.err
    assert json.loads(result.out)["was_current"] is False  # Outlet was connected last
    profiles = ProfileStore(paths.config_dir / "stores.json").load()
    assert [p.name for p in profiles.stores] == ["Outlet"]
    assert profiles.current == "Outlet"
    assert secrets.get(other.base_url) is not None
    # Later commands use the store still saved and current.
    count = invoke(["customers", "count", "--json"], paths, {}, secrets)
    assert (count.code, count.json()) == (0, {"count": 2})


def test_connecting_a_saved_store_again_keeps_one_profile(
    profile_store: StoreFactory, paths: AppPaths, secrets: FileSecrets
) -> None:
    # Keys and cache are per store URL: a second profile of one store would share them, and
    # forgetting either would break the other.
    store = profile_store(customers=CUSTOMERS)
    first = _connect(store, paths, secrets, "--name", "Shop")
    assert first.code == 0, first.err
    again = _connect(store, paths, secrets)
    assert again.code == 0, again.err
    assert "saved as “Shop”" in again.out  # not a second profile under the host's name
    renamed = _connect(store, paths, secrets, "--name", "Main shop")
    assert renamed.code == 0, renamed.err
    profiles = ProfileStore(paths.config_dir / "stores.json").load()
    assert [(p.name, p.url) for p in profiles.stores] == [("Main shop", store.base_url)]
    assert profiles.current == "Main shop"
    forgotten = invoke(["store", "forget", "Main shop", "--yes"], paths, {}, secrets)
    assert forgotten.code == 0, forgotten.err
    assert secrets.get(store.base_url) is None
