"""Saved store profiles (settings without secrets) and where their secrets live.

Profiles are a small JSON file in the config folder: name, store URL, authentication mode, an
optional certificate to trust, which API to use (``auto`` unless the user chose one) and what the
store offered when its APIs were last detected (so a start needs no detection requests). Files
written before the last two existed load as ``auto`` with nothing detected. Secrets never go
there: they live in the OS keychain through ``keyring``; where no keychain exists, a 0600 file is
used only when the user agreed to it.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from app.api.choice import ApiChoice, SavedDetection, StoreApis
from app.api.connection import AuthMode, normalize_store_url
from app.errors import ConfigurationError

log = logging.getLogger("app.stores.profiles")

KEYRING_SERVICE = "woo-customers"


@dataclass(frozen=True)
class StoreProfile:
    """A store the user connected to, without its secrets."""

    name: str
    url: str
    auth: AuthMode = AuthMode.AUTO
    ca_bundle: str | None = None
    api: ApiChoice = ApiChoice.AUTO
    detected: SavedDetection | None = None


@dataclass
class Profiles:
    """All saved profiles and which one is current."""

    stores: list[StoreProfile] = field(default_factory=list)
    current: str | None = None

    def find(self, name_or_url: str) -> StoreProfile | None:
        """The profile with this name or store URL."""
        for profile in self.stores:
            if profile.name == name_or_url or profile.url == name_or_url:
                return profile
        try:
            url = normalize_store_url(name_or_url)
        except ConfigurationError:
            return None
        return next((p for p in self.stores if p.url == url), None)

    @property
    def current_profile(self) -> StoreProfile | None:
        """The profile in use, if any."""
        return self.find(self.current) if self.current else None

    def unique_name(self, wanted: str | None, url: str, *, strict: bool = False) -> str:
        """A profile name for ``url``: ``wanted``, else its host, port and path.

        Made unique, so a second store on the same host never replaces the first; with
        ``strict`` a wanted name that another store has is refused instead of numbered.

        Raises:
            ConfigurationError: in strict mode, when the wanted name is taken.
        """
        saved = next((p for p in self.stores if p.url == url), None)
        if wanted is None and saved is not None:
            return saved.name  # connecting a saved store again keeps its name
        parts = urlsplit(url)
        base = wanted or f"{parts.netloc}{parts.path}" or url
        name, number = base, 2
        while (existing := self.find(name)) is not None and existing.url != url:
            if wanted and strict:
                raise ConfigurationError(f"A saved store is already called “{wanted}”.")
            name = f"{base} ({number})"
            number += 1
        return name

    def put(self, profile: StoreProfile, *, make_current: bool = True) -> None:
        """Add a profile, or replace the one with its name or its store URL, in its place.

        One profile per store: keys and the cache are kept per URL, so two profiles of one store
        would share them (and forgetting one would take the other's). Saving a store again under
        a new name renames it; the current store follows the rename.
        """
        replaced = [p for p in self.stores if p.name == profile.name or p.url == profile.url]
        if replaced:
            first = self.stores.index(replaced[0])
            others = [p for p in self.stores if p not in replaced]
            others.insert(first, profile)  # no replaced profile stood before `first`
            self.stores = others
        else:
            self.stores = [*self.stores, profile]
        if make_current or self.current in {p.name for p in replaced}:
            self.current = profile.name

    def remove(self, name_or_url: str) -> StoreProfile | None:
        """Take out the profile with this name or store URL; the removed one, or None.

        When it was the current store, no store is current any more (the app falls back to
        the demo store), rather than a name that points nowhere.
        """
        profile = self.find(name_or_url)
        if profile is None:
            return None
        self.stores = [p for p in self.stores if p.name != profile.name]
        if self.current == profile.name:
            self.current = None
        return profile


class ProfileStore:
    """Reads and writes ``stores.json``; a damaged file is set aside, not fatal."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> Profiles:
        """The saved profiles (none when the file is missing or unreadable)."""
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            stores = [
                StoreProfile(
                    name=str(entry["name"]),
                    url=normalize_store_url(str(entry["url"])),
                    auth=AuthMode(entry.get("auth", "auto")),
                    ca_bundle=entry.get("ca_bundle"),
                    api=_api_choice(entry.get("api")),
                    detected=_detection(entry.get("detected")),
                )
                for entry in raw.get("stores", [])
            ]
            current = raw.get("current")
            return Profiles(stores, str(current) if current else None)
        except FileNotFoundError:
            return Profiles()
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
            broken = self.path.with_suffix(".json.broken")
            log.warning("store profiles unreadable (%s); moved aside to %s", error, broken)
            with contextlib.suppress(OSError):
                self.path.replace(broken)
            return Profiles()

    def save(self, profiles: Profiles) -> None:
        """Write the profiles atomically (a crash leaves the old file intact)."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "current": profiles.current,
            "stores": [_entry(p) for p in profiles.stores],
        }
        temporary = self.path.with_suffix(".json.tmp")
        temporary.write_text(json.dumps(data, indent=2), encoding="utf-8")
        temporary.replace(self.path)

    def save_detection(self, url: str, detection: SavedDetection) -> None:
        """Keep what the store at ``url`` offered with its profile (none saved: nothing to do)."""
        profiles = self.load()
        profile = profiles.find(url)
        if profile is None:
            return
        profiles.put(replace(profile, detected=detection), make_current=False)
        self.save(profiles)


def _entry(profile: StoreProfile) -> dict[str, object]:
    entry: dict[str, object] = {
        **asdict(profile),
        "auth": str(profile.auth),
        "api": str(profile.api),
    }
    detected = profile.detected
    entry["detected"] = (
        None
        if detected is None
        else {"legacy": detected.apis.legacy, "modern": detected.apis.modern, "at": detected.at}
    )
    return entry


def _api_choice(value: object) -> ApiChoice:
    """The saved API choice; missing (an older file) or unknown means ``auto``."""
    try:
        return ApiChoice(str(value)) if value else ApiChoice.AUTO
    except ValueError:
        log.warning("unknown API choice %r in the store profiles; using auto", value)
        return ApiChoice.AUTO


def _detection(value: object) -> SavedDetection | None:
    """The saved detection; missing or damaged means none (the store is detected again)."""
    if not isinstance(value, dict):
        return None
    legacy, modern, at = value.get("legacy"), value.get("modern"), value.get("at")
    if not isinstance(legacy, bool) or not isinstance(modern, bool) or not isinstance(at, str):
        return None
    return SavedDetection(StoreApis(legacy=legacy, modern=modern), at)


class SecretStore(Protocol):
    """Where consumer keys and secrets are kept, by store URL."""

    def get(self, url: str) -> tuple[str, str] | None:
        """The (key, secret) pair for a store, if saved."""

    def put(self, url: str, consumer_key: str, consumer_secret: str) -> None:
        """Save a store's pair."""

    def delete(self, url: str) -> None:
        """Forget a store's pair."""


class SecretsChosenOnUse:
    """A secret store picked only when a secret is first asked for.

    Finding out whether a keychain exists loads every keyring backend (a fifth of a second);
    the demo store and a store whose keys come from the environment never need to know.
    """

    def __init__(self, choose: Callable[[], SecretStore]) -> None:
        self._choose = choose
        self._chosen: SecretStore | None = None

    def _store(self) -> SecretStore:
        if self._chosen is None:
            self._chosen = self._choose()
        return self._chosen

    def get(self, url: str) -> tuple[str, str] | None:
        """The (key, secret) pair from the chosen store."""
        return self._store().get(url)

    def put(self, url: str, consumer_key: str, consumer_secret: str) -> None:
        """Save a pair in the chosen store."""
        self._store().put(url, consumer_key, consumer_secret)

    def delete(self, url: str) -> None:
        """Forget a pair in the chosen store."""
        self._store().delete(url)


class KeyringSecrets:
    """Secrets in the OS keychain (Secret Service, macOS Keychain, Windows Credential Locker)."""

    @staticmethod
    def available() -> bool:
        """Whether a real keychain backend exists on this machine."""
        import keyring
        from keyring.backends.fail import Keyring as FailKeyring

        try:
            backend = keyring.get_keyring()
        except Exception:  # keyring raises assorted errors for broken setups
            return False
        return not isinstance(backend, FailKeyring) and backend.priority > 0

    def get(self, url: str) -> tuple[str, str] | None:
        """The pair from the keychain."""
        import keyring

        try:
            stored = keyring.get_password(KEYRING_SERVICE, url)
        except Exception as error:
            raise ConfigurationError(f"The system keychain could not be read: {error}") from error
        return _decode_pair(stored)

    def put(self, url: str, consumer_key: str, consumer_secret: str) -> None:
        """Store the pair in the keychain."""
        import keyring

        try:
            keyring.set_password(KEYRING_SERVICE, url, _encode_pair(consumer_key, consumer_secret))
        except Exception as error:
            raise ConfigurationError(f"The system keychain refused the keys: {error}") from error

    def delete(self, url: str) -> None:
        """Remove the pair from the keychain, if there.

        Raises:
            ConfigurationError: when the keychain refuses (locked, or its service is gone).
        """
        import keyring
        from keyring.errors import PasswordDeleteError

        try:
            keyring.delete_password(KEYRING_SERVICE, url)
        except PasswordDeleteError:
            pass  # nothing saved for this store: already as wanted
        except Exception as error:  # keyring raises assorted errors for broken setups
            raise ConfigurationError(
                f"The system keychain could not remove the keys: {error}"
            ) from error


class FileSecrets:
    """Secrets in a file only its owner can read: the fallback the user must agree to."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _load(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def get(self, url: str) -> tuple[str, str] | None:
        """The pair from the file."""
        return _decode_pair(self._load().get(url))

    def put(self, url: str, consumer_key: str, consumer_secret: str) -> None:
        """Write the pair; the file is created with mode 0600."""
        data = self._load()
        data[url] = _encode_pair(consumer_key, consumer_secret)
        self._write(data)

    def delete(self, url: str) -> None:
        """Forget the pair."""
        data = self._load()
        if data.pop(url, None) is not None:
            self._write(data)

    def _write(self, data: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        os.chmod(self.path, 0o600)  # an existing file keeps its mode through os.open


def _encode_pair(consumer_key: str, consumer_secret: str) -> str:
    return json.dumps({"consumer_key": consumer_key, "consumer_secret": consumer_secret})


def _decode_pair(stored: str | None) -> tuple[str, str] | None:
    if not stored:
        return None
    try:
        data = json.loads(stored)
        return str(data["consumer_key"]), str(data["consumer_secret"])
    except (ValueError, KeyError, TypeError):
        return None
