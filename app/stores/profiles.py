"""Saved store profiles: the settings of each store the user connected to, without secrets.

Profiles are a small JSON file in the config folder: name, store URL, authentication mode, an
optional certificate to trust, which API to use (``auto`` unless the user chose one) and what the
store offered when its APIs were last detected (so a start needs no detection requests). Files
written before the last two existed load as ``auto`` with nothing detected. Secrets never go
there: :mod:`app.stores.secrets` keeps them.
"""

from __future__ import annotations

import contextlib
import json
import logging
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from app.api.choice import ApiChoice, SavedDetection, StoreApis
from app.api.connection import AuthMode, normalize_store_url
from app.errors import ConfigurationError

log = logging.getLogger("app.stores.profiles")


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
        # RecursionError: JSON nested deeper than the reader goes (a damaged file, too).
        except (OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as error:
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
