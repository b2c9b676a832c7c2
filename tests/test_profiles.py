"""Store profiles (removing one, in memory and in stores.json); the secret store chosen on use."""

from __future__ import annotations

from pathlib import Path

from app.profiles import (
    FileSecrets,
    Profiles,
    ProfileStore,
    SecretsChosenOnUse,
    SecretStore,
    StoreProfile,
)


def test_the_secret_store_is_chosen_on_first_use_and_only_once(tmp_path: Path) -> None:
    choices: list[SecretStore] = []

    def choose() -> SecretStore:
        choices.append(FileSecrets(tmp_path / "secrets.json"))
        return choices[-1]

    secrets = SecretsChosenOnUse(choose)
    assert choices == []
    assert secrets.get("https://shop.example") is None
    secrets.put("https://shop.example", "ck_1", "cs_1")
    assert secrets.get("https://shop.example") == ("ck_1", "cs_1")
    secrets.delete("https://shop.example")
    assert secrets.get("https://shop.example") is None
    assert len(choices) == 1


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
