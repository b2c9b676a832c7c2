"""Store profiles: removing one, in memory and in stores.json."""

from __future__ import annotations

from pathlib import Path

from app.api.choice import ApiChoice, SavedDetection, StoreApis
from app.api.connection import AuthMode
from app.stores.profiles import Profiles, ProfileStore, StoreProfile

# -- removing a profile ----------------------------------------------------------------------


def _two_stores() -> Profiles:
    return Profiles(
        [
            StoreProfile("Shop", "https://shop.example"),
            StoreProfile("Outlet", "http://outlet.test"),
        ],
        current="Shop",
    )


def test_removing_the_current_profile_by_name_leaves_no_store_current() -> None:
    profiles = _two_stores()
    removed = profiles.remove("Shop")
    assert removed == StoreProfile("Shop", "https://shop.example")
    assert profiles.stores == [StoreProfile("Outlet", "http://outlet.test")]
    assert profiles.current is None
    assert profiles.current_profile is None


def test_removing_another_profile_by_its_url_keeps_the_current_one() -> None:
    profiles = _two_stores()
    # Spelled as a user would type it: found by the normalised URL.
    removed = profiles.remove("http://outlet.test/")
    assert removed is not None
    assert removed.name == "Outlet"
    assert profiles.stores == [StoreProfile("Shop", "https://shop.example")]
    assert profiles.current == "Shop"


def test_removing_an_unknown_profile_changes_nothing() -> None:
    profiles = _two_stores()
    assert profiles.remove("Nowhere") is None
    assert profiles == _two_stores()


def test_a_removed_profile_stays_removed_in_the_saved_file(tmp_path: Path) -> None:
    file = ProfileStore(tmp_path / "stores.json")
    profiles = _two_stores()
    profiles.remove("Shop")
    file.save(profiles)
    assert file.load() == Profiles([StoreProfile("Outlet", "http://outlet.test")], current=None)


def test_saving_a_store_again_under_a_new_name_renames_it_in_place() -> None:
    profiles = _two_stores()
    profiles.put(StoreProfile("Main shop", "https://shop.example"), make_current=False)
    assert [p.name for p in profiles.stores] == ["Main shop", "Outlet"]
    assert profiles.current == "Main shop", "the current store follows its rename"
    profiles.put(StoreProfile("New", "https://new.example"))
    assert [p.name for p in profiles.stores] == ["Main shop", "Outlet", "New"]
    assert profiles.current == "New"


def test_connecting_a_saved_store_without_a_name_keeps_its_name() -> None:
    profiles = _two_stores()
    assert profiles.unique_name(None, "http://outlet.test") == "Outlet"
    assert profiles.unique_name("Second", "http://outlet.test") == "Second"
    assert profiles.unique_name(None, "https://other.example") == "other.example"


# -- the API choice and the saved detection -----------------------------------------------------


def test_the_api_choice_and_the_detection_survive_a_round_trip(tmp_path: Path) -> None:
    detected = SavedDetection(StoreApis(legacy=False, modern=True), "2026-12-24T10:00:00+00:00")
    profiles = Profiles(
        [
            StoreProfile("Shop", "https://shop.example", api=ApiChoice.MODERN, detected=detected),
            StoreProfile("Outlet", "http://outlet.test"),
        ],
        current="Shop",
    )
    store = ProfileStore(tmp_path / "stores.json")
    store.save(profiles)
    assert store.load() == profiles


def test_an_older_profiles_file_loads_as_automatic_with_nothing_detected(tmp_path: Path) -> None:
    path = tmp_path / "stores.json"
    path.write_text(
        '{"current": "Shop", "stores": [{"name": "Shop", "url": "https://shop.example",'
        ' "auth": "basic", "ca_bundle": null}]}',
        encoding="utf-8",
    )
    loaded = ProfileStore(path).load()
    assert loaded.stores == [StoreProfile("Shop", "https://shop.example", AuthMode.BASIC)]
    assert loaded.stores[0].api is ApiChoice.AUTO
    assert loaded.stores[0].detected is None


def test_an_unknown_api_or_a_damaged_detection_falls_back_instead_of_losing_the_file(
    tmp_path: Path,
) -> None:
    path = tmp_path / "stores.json"
    path.write_text(
        '{"current": null, "stores": [{"name": "Shop", "url": "https://shop.example",'
        ' "api": "graphql", "detected": {"legacy": "yes"}}]}',
        encoding="utf-8",
    )
    (profile,) = ProfileStore(path).load().stores
    assert (profile.api, profile.detected) == (ApiChoice.AUTO, None)


def test_saving_a_detection_changes_only_that_store(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path / "stores.json")
    store.save(_two_stores())
    detected = SavedDetection(StoreApis(legacy=True, modern=True), "2026-12-24T10:00:00+00:00")
    store.save_detection("http://outlet.test", detected)
    store.save_detection("https://unknown.example", detected)  # no such profile: ignored
    loaded = store.load()
    assert loaded.current == "Shop"
    assert [p.detected for p in loaded.stores] == [None, detected]


# -- a damaged file ------------------------------------------------------------------------


def test_a_file_nested_deeper_than_the_json_reader_goes_is_set_aside(tmp_path: Path) -> None:
    path = tmp_path / "stores.json"
    path.write_text("[" * 100_000, encoding="utf-8")
    assert ProfileStore(path).load() == Profiles()
    assert not path.exists()
    assert path.with_suffix(".json.broken").read_text(encoding="utf-8") == "[" * 100_000
