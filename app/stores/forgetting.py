"""Forgetting a saved store: its profile, its keys and its local cache, removed in one place.

The desktop app (Store > Forget this store…) and the command line (``store forget``) both call
:func:`forget_store`. It lives apart from :mod:`app.stores.profiles` because it deletes cache
files, and profiles do not depend on the cache. Nothing here talks to the store: the store and its
customers stay as they are; only what this computer keeps about the store goes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.cache.database import delete_cache_files
from app.errors import ConfigurationError
from app.stores.profiles import ProfileStore, StoreProfile
from app.stores.secrets import SecretStore
from app.stores.segments import SegmentStore


@dataclass(frozen=True)
class ForgottenStore:
    """What forgetting a store removed.

    Attributes:
        profile: the saved store, now gone from ``stores.json``.
        cache_deleted: whether a local cache of the store was there (and is now deleted).
        was_current: whether it was the store in use; now none is (the demo store is used).
        shared_with: another saved profile of the same store (left by an older version), which
            keeps the keys and the cache; None when they went with this profile.
    """

    profile: StoreProfile
    cache_deleted: bool
    was_current: bool
    shared_with: str | None = None

    def what_went(self) -> str:
        """What left this computer, in words (the app and the command line say the same)."""
        if self.shared_with is not None:
            return (
                "its profile is removed; its keys and cached customers stay for "
                f"“{self.shared_with}”, a profile of the same store"
            )
        if self.cache_deleted:
            return "its profile, keys and cached customers are removed from this computer"
        return "its profile and keys are removed from this computer (it had no local cache)"


def forget_store(
    name_or_url: str,
    *,
    profiles: ProfileStore,
    secrets: SecretStore,
    cache_dir: Path,
    segments: SegmentStore | None = None,
) -> ForgottenStore:
    """Remove a saved store's profile, its keys, its cache files and its segments.

    ``segments``: where the saved segments are (None: none are forgotten).

    The store's cache must not be open in this process (see
    :func:`~app.cache.database.delete_cache_files`): the desktop app switches to the demo store
    first.

    Raises:
        ConfigurationError: when no saved store has this name or URL, or the keychain refuses.
        CacheError: when a cache file cannot be deleted.
    """
    saved = profiles.load()
    profile = saved.find(name_or_url)
    if profile is None:
        known = ", ".join(f"“{p.name}”" for p in saved.stores) or "none"
        raise ConfigurationError(
            f"No saved store is called “{name_or_url}”. Saved stores: {known}."
        )
    was_current = saved.current == profile.name
    saved.remove(profile.name)
    # Keys and cache are kept per URL: a second profile of the same store (saved by an older
    # version, which allowed that) still needs them.
    twin = saved.find(profile.url)
    # Keys and cache first, the profile last: should a step fail, the store is still listed,
    # and forgetting it again finishes the job (each step is harmless to repeat).
    cache_deleted = False
    if twin is None:
        secrets.delete(profile.url)
        cache_deleted = delete_cache_files(cache_dir, profile.url)
        if segments is not None:  # kept by URL too: they mean nothing without the store
            segments.forget_store(profile.url)
    profiles.save(saved)
    return ForgottenStore(
        profile, cache_deleted, was_current, twin.name if twin is not None else None
    )
