"""The API a command uses: ``--api``, else the store profile's, else ``auto``; the detection
saved with the profile (no index requests while it holds), and found again when the API in use
disappears from the store."""

from __future__ import annotations

import json
from pathlib import Path

from app.api.choice import ApiChoice, SavedDetection, StoreApis
from app.demo_store import DemoStore
from app.paths import AppPaths
from app.stores.profiles import Profiles, ProfileStore, StoreProfile
from app.stores.secrets import FileSecrets
from tests.conftest import StoreFactory
from tests.support.cli import invoke, key_environment
from tests.support.request_log import index_requests, log_requests

LEGACY = "legacy REST API v3 (/wc-api/v3)"
MODERN = "REST API (/wp-json/wc/v3)"
BOTH = "legacy REST API v3 (/wc-api/v3), orders from the REST API (/wp-json/wc/v3)"


def _profiles(paths: AppPaths) -> ProfileStore:
    return ProfileStore(paths.config_dir / "stores.json")


def _save(paths: AppPaths, secrets: FileSecrets, store: DemoStore, **options: object) -> None:
    profile = StoreProfile("Shop", store.base_url, **options)  # type: ignore[arg-type]
    _profiles(paths).save(Profiles([profile], current="Shop"))
    secrets.put(store.base_url, store.consumer_key, store.consumer_secret)


def _api_used(paths: AppPaths, secrets: FileSecrets, *flags: str) -> str:
    info = invoke(["store", "info", "--json", *flags], paths, {}, secrets)
    assert info.code == 0, info.err
    return str(info.json()["api_used"])


def test_the_flag_beats_the_profile_which_beats_auto(
    start_store: StoreFactory, paths: AppPaths, tmp_path: Path
) -> None:
    store = start_store(customers=2)  # offers both APIs
    secrets = FileSecrets(tmp_path / "secrets.json")
    _save(paths, secrets, store)
    assert _api_used(paths, secrets) == BOTH  # auto
    _save(paths, secrets, store, api=ApiChoice.MODERN)
    assert _api_used(paths, secrets) == MODERN  # the profile
    assert _api_used(paths, secrets, "--api", "legacy") == LEGACY  # the flag


def test_a_saved_detection_spares_the_index_requests_and_a_missing_one_is_saved(
    start_store: StoreFactory, paths: AppPaths, tmp_path: Path
) -> None:
    store = start_store(customers=3, api="modern")
    secrets = FileSecrets(tmp_path / "secrets.json")
    _save(paths, secrets, store)
    seen = log_requests(store)

    first = invoke(["customers", "count", "--json"], paths, {}, secrets)
    assert (first.code, first.json()) == (0, {"count": 3}), first.err
    assert len(index_requests(seen)) == 2  # nothing saved yet: detected
    saved = _profiles(paths).load().current_profile
    assert saved is not None
    assert saved.detected is not None
    assert saved.detected.apis == StoreApis(legacy=False, modern=True)

    seen.clear()
    second = invoke(["customers", "count", "--json"], paths, {}, secrets)
    assert (second.code, second.json()) == (0, {"count": 3}), second.err
    assert index_requests(seen) == []
    assert seen  # the count itself was asked


def test_when_the_legacy_api_disappears_the_store_is_detected_again_and_the_command_retried(
    start_store: StoreFactory, paths: AppPaths, tmp_path: Path
) -> None:
    """The owner removes the Legacy REST API plugin: the saved detection is stale; the first
    request says so (404 woocommerce_api_disabled), the app detects, says so, and carries on."""
    database = tmp_path / "store.sqlite3"
    before = start_store(customers=4, db_path=database, api="both")
    port = before.port
    secrets = FileSecrets(tmp_path / "secrets.json")
    connected = invoke(
        ["store", "connect", "--store-url", before.base_url],
        paths,
        key_environment(before),
        secrets,
    )
    assert connected.code == 0, connected.err
    saved = _profiles(paths).load().current_profile
    assert saved is not None
    assert saved.detected is not None
    assert saved.detected.apis == StoreApis(legacy=True, modern=True)
    before.stop()

    after = start_store(db_path=database, port=port, api="both", legacy_api_disabled=True)
    assert after.base_url == saved.url
    seen = log_requests(after)
    count = invoke(["customers", "count", "--json"], paths, {}, secrets)
    assert (count.code, count.json()) == (0, {"count": 4}), count.err
    assert f"now uses the {MODERN}" in count.err
    assert len(index_requests(seen)) == 2
    redetected = _profiles(paths).load().current_profile
    assert redetected is not None
    assert redetected.detected is not None
    assert redetected.detected.apis == StoreApis(legacy=False, modern=True)

    seen.clear()
    again = invoke(["customers", "count", "--json"], paths, {}, secrets)
    assert (again.code, again.err) == (0, "")
    assert index_requests(seen) == []


def test_connect_saves_the_api_choice_and_a_forced_choice_detects_nothing(
    start_store: StoreFactory, paths: AppPaths, tmp_path: Path
) -> None:
    store = start_store(customers=1)
    secrets = FileSecrets(tmp_path / "secrets.json")
    seen = log_requests(store)
    connected = invoke(
        ["store", "connect", "--store-url", store.base_url, "--api", "modern"],
        paths,
        key_environment(store),
        secrets,
    )
    assert connected.code == 0, connected.err
    assert MODERN in connected.out
    # No detection: the legacy index is never asked (wc/v3's is, for the store's name).
    assert [line for line in index_requests(seen) if "/wc-api/" in line] == []
    data = json.loads((paths.config_dir / "stores.json").read_text(encoding="utf-8"))
    assert data["stores"][0]["api"] == "modern"
    assert _api_used(paths, secrets) == MODERN


def test_a_forced_choice_is_not_switched_when_its_api_is_gone(
    start_store: StoreFactory, paths: AppPaths, tmp_path: Path
) -> None:
    store = start_store(customers=1, api="modern")
    secrets = FileSecrets(tmp_path / "secrets.json")
    detected = SavedDetection(StoreApis(legacy=True, modern=True), "2026-12-01T00:00:00+00:00")
    _save(paths, secrets, store, api=ApiChoice.LEGACY, detected=detected)
    count = invoke(["customers", "count"], paths, {}, secrets)
    assert count.code == 1
    assert "legacy REST API" in count.err
