"""Which store a run uses, and with which keys: a command's, or the desktop app's at its start.

In order: ``--demo`` (the embedded demo store); ``--store-url`` with keys from the environment
or from the saved profile of that URL; the current saved profile; and, when nothing is
configured, the embedded demo store, the app's default. Keys never come from the command line.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from app.api.connection import AuthMode, StoreConnection, normalize_store_url
from app.errors import ConfigurationError
from app.paths import AppPaths
from app.stores.demo import DEMO_IDENTITY, start_demo_store
from app.stores.profiles import ProfileStore
from app.stores.secrets import SecretStore

if TYPE_CHECKING:
    from app.demo_store import DemoStore

KEY_VARIABLE = "WC_CONSUMER_KEY"
SECRET_VARIABLE = "WC_CONSUMER_SECRET"  # noqa: S105 - the variable's name, not a secret


@dataclass
class StoreAccess:
    """A connection, where it came from, and the demo store behind it if one was started."""

    connection: StoreConnection
    source: str
    demo: DemoStore | None = None

    @property
    def identity(self) -> str:
        """The name of this store's cache: its URL, or the demo store's fixed identity."""
        return DEMO_IDENTITY if self.demo is not None else self.connection.url

    def close(self) -> None:
        """Stop the demo store if this access started one."""
        if self.demo is not None:
            self.demo.stop()
            self.demo = None


def environment_keys(environ: Mapping[str, str]) -> tuple[str, str] | None:
    """The key pair from ``WC_CONSUMER_KEY``/``WC_CONSUMER_SECRET``, when both are set."""
    key, secret = environ.get(KEY_VARIABLE, "").strip(), environ.get(SECRET_VARIABLE, "").strip()
    return (key, secret) if key and secret else None


def open_store(
    options: argparse.Namespace,
    paths: AppPaths,
    profiles: ProfileStore,
    secrets: SecretStore,
    environ: Mapping[str, str] = os.environ,
) -> StoreAccess:
    """Resolve the store for a command (the embedded demo store when none is configured).

    Raises:
        ConfigurationError: when a store is named but no keys for it can be found.
    """
    resolved = resolve_connection(options, profiles, secrets, environ)
    if resolved is None:
        store, connection = start_demo_store(paths)
        return StoreAccess(connection, "the embedded demo store", store)
    connection, source = resolved
    return StoreAccess(connection, source)


def resolve_connection(
    options: argparse.Namespace,
    profiles: ProfileStore,
    secrets: SecretStore,
    environ: Mapping[str, str] = os.environ,
) -> tuple[StoreConnection, str] | None:
    """The store the options, saved profiles and environment name, and its keys' source.

    None means the embedded demo store (``--demo``, or nothing configured).

    Raises:
        ConfigurationError: when a store is named but no keys for it can be found.
    """
    auth = AuthMode(options.auth) if options.auth else None
    ca_bundle: Path | None = options.ca_bundle
    if options.demo:
        return None
    saved = profiles.load()
    if options.store_url:
        url = normalize_store_url(options.store_url)
        profile = saved.find(url)
        keys = environment_keys(environ) or secrets.get(url)
        if keys is None:
            raise ConfigurationError(
                f"No keys for {url}: set {KEY_VARIABLE} and {SECRET_VARIABLE}, or save the "
                "store with `woo-customers store connect`."
            )
        source = "environment" if environment_keys(environ) else "saved keys"
    elif (profile := saved.current_profile) is not None:
        url = profile.url
        keys = secrets.get(url) or environment_keys(environ)
        if keys is None:
            raise ConfigurationError(
                f"The keys of the saved store “{profile.name}” are missing. Connect it again."
            )
        source = f"saved store “{profile.name}”"
    else:
        if environment_keys(environ):
            raise ConfigurationError(
                f"{KEY_VARIABLE} is set but no store is: add --store-url with the store's address."
            )
        return None
    if profile is not None:
        auth = auth or profile.auth
        ca_bundle = ca_bundle or (Path(profile.ca_bundle) if profile.ca_bundle else None)
    connection = StoreConnection(
        url, keys[0], keys[1], auth=auth or AuthMode.AUTO, ca_bundle=ca_bundle
    )
    return connection, source


def store_identity(options: argparse.Namespace, profiles: ProfileStore) -> str:
    """Which store's cache a command means, without connecting (for offline commands)."""
    if options.demo:
        return DEMO_IDENTITY
    if options.store_url:
        return normalize_store_url(options.store_url)
    profile = profiles.load().current_profile
    return profile.url if profile is not None else DEMO_IDENTITY
