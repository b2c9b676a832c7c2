"""Running one command: find the store, call the command, turn failures into exit codes."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Mapping
from contextlib import closing
from datetime import datetime
from typing import TextIO

from app.api.choice import (
    SavedDetection,
    effective_choice,
    open_store_client,
    store_info,
)
from app.api.client import StoreInfo, WooClient
from app.api.connection import AuthMode, StoreConnection, normalize_store_url
from app.cache.database import cache_path, ensure_cache_dir
from app.cache.repository import CustomerCache
from app.cache.store_settings import keep_store_settings
from app.cli.cache_commands import cache_info, get_offline, list_offline, sync_command
from app.cli.commands import (
    COMMANDS,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    Console,
    UsageError,
    customer_reference,
    print_json_value,
)
from app.cli.filter_options import criteria_given, customer_filter
from app.cli.stats_command import stats_command, stats_offline
from app.cli.transfer_commands import TRANSFER_COMMANDS, export_offline
from app.errors import AppError, ConfigurationError, NetworkError
from app.paths import AppPaths
from app.stores.access import (
    KEY_VARIABLE,
    SECRET_VARIABLE,
    environment_keys,
    open_store,
    store_identity,
)
from app.stores.forgetting import forget_store
from app.stores.profiles import ProfileStore, StoreProfile
from app.stores.secrets import KeyringSecrets, SecretsChosenOnUse, SecretStore, default_secrets
from app.stores.segments import SegmentStore

log = logging.getLogger("app.cli")

#: The commands that take ``--offline`` (the local cache instead of the store).
OFFLINE_COMMANDS = frozenset(
    {("customers", "list"), ("customers", "get"), ("customers", "stats"), ("export", "run")}
)
#: The commands that take the filter options (app/cli/filter_options.py).
_FILTERED_COMMANDS = frozenset({("customers", "list"), ("customers", "stats"), ("export", "run")})


def run_cli(
    options: argparse.Namespace,
    paths: AppPaths,
    *,
    out: TextIO | None = None,
    err: TextIO | None = None,
    inp: TextIO | None = None,
    environ: Mapping[str, str] = os.environ,
    secrets: SecretStore | None = None,
) -> int:
    """Run the command in ``options``; its exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    console = Console(out, err, options.json, inp or sys.stdin)
    profiles = ProfileStore(paths.profiles_file)
    if (options.command, options.action) == ("store", "connect"):
        return _connect(options, paths, profiles, secrets, environ, console)
    if (options.command, options.action) == ("store", "forget"):
        return _forget(options, paths, profiles, secrets, console)
    key = (options.command, options.action)
    if getattr(options, "offline", False) or key == ("cache", "info"):
        return _run_offline(options, paths, profiles, console)
    if key == ("customers", "list"):
        cache_only = criteria_given(options)
        if cache_only:  # the store's own list knows none of them
            err.write(
                f"error: {', '.join(cache_only)} filter the local cache: add --offline "
                "(after `woo-customers sync`)\n"
            )
            return EXIT_USAGE
    secrets = secrets or default_secrets(paths)
    try:
        access = open_store(options, paths, profiles, secrets, environ)
    except ConfigurationError as error:
        err.write(f"error: {error.message}\n")
        return EXIT_USAGE
    if access.demo is not None and not options.demo:
        err.write("note: no store is configured; using the embedded demo store.\n")
    warning = access.connection.security_warning()
    if warning:
        err.write(f"warning: {warning}\n")
    cache: CustomerCache | None = None
    client: WooClient | None = None
    try:
        client = _client(options, access.connection, profiles, err, demo=access.demo is not None)
        if key == ("sync", "run"):
            cache = CustomerCache.open(paths.cache_dir, access.identity)
            return sync_command(options, client, cache, console)
        if key == ("customers", "stats"):
            cache = CustomerCache.open(paths.cache_dir, access.identity)
            return stats_command(options, client, cache, SegmentStore(paths.segments_file), console)
        if key in TRANSFER_COMMANDS:
            cache = CustomerCache.open(paths.cache_dir, access.identity)
            return TRANSFER_COMMANDS[key](options, client, cache, paths, console)
        return COMMANDS[key](options, client, console)
    except (UsageError, AppError) as error:
        code = _failed(error, console)
        if isinstance(error, NetworkError) and key in OFFLINE_COMMANDS:
            synced = _last_sync(paths, access.identity, cache)
            if synced is not None:
                err.write(
                    "note: the store could not be reached; add --offline to use the local "
                    f"cache of its customers (last synced {synced:%Y-%m-%d %H:%M}).\n"
                )
        return code
    finally:
        if cache is not None:
            cache.close()
        if client is not None:
            client.close()
        access.close()


def _last_sync(paths: AppPaths, identity: str, cache: CustomerCache | None) -> datetime | None:
    """When the store's local cache was last synced; None when it never was.

    A cache never synced gives ``--offline`` nothing to show. ``cache``: the command's own,
    if it opened one (an export opens it before its sync).
    """
    if cache is None:
        if not cache_path(paths.cache_dir, identity).exists():
            return None
        with closing(CustomerCache.open(paths.cache_dir, identity)) as opened:
            coverage = opened.coverage()
    else:
        coverage = cache.coverage()
    times = [t for t in (coverage.last_full_sync, coverage.last_quick_sync) if t is not None]
    return max(times, default=None)


def _client(
    options: argparse.Namespace,
    connection: StoreConnection,
    profiles: ProfileStore,
    err: TextIO,
    *,
    demo: bool,
) -> WooClient:
    """The command's client: ``--api``, else the store profile's choice, else ``auto``.

    A saved store starts from the detection saved with it (no index requests) and saves a new
    one when it detects; nothing is asked of the store until the command needs it.
    """
    profile = None if demo else profiles.load().find(connection.url)
    choice = effective_choice(options.api, profile.api if profile is not None else None)

    def remember(detection: SavedDetection) -> None:
        profiles.save_detection(connection.url, detection)

    def tell(text: str) -> None:
        err.write(f"note: {text}\n")

    return open_store_client(
        connection,
        choice,
        profile.detected if profile is not None else None,
        remember=remember if profile is not None else None,
        tell=tell,
    )


def _run_offline(
    options: argparse.Namespace, paths: AppPaths, profiles: ProfileStore, console: Console
) -> int:
    """Commands that read the local cache only: no network, no keys needed."""
    key = (options.command, options.action)
    try:
        if key == ("customers", "get"):
            customer_reference(options.customer)  # a typo is a usage error, cache or not
        identity = store_identity(options, profiles)
        segments = SegmentStore(paths.segments_file)
        if key in _FILTERED_COMMANDS:  # bad filters are usage errors, cache or not
            customer_filter(options, identity, segments)
        ensure_cache_dir(paths.cache_dir)
        never_synced = not cache_path(paths.cache_dir, identity).exists()
        if never_synced and key != ("cache", "info"):
            console.err.write(
                f"error: there is no local cache of {identity} yet; run `woo-customers sync` "
                "while the store can be reached.\n"
            )
            return EXIT_FAILED
        cache = CustomerCache.open(paths.cache_dir, identity)
    except (UsageError, AppError) as error:
        return _failed(error, console)
    try:
        for notice in cache.notices:
            console.err.write(f"note: {notice}\n")
        if key == ("cache", "info"):
            return cache_info(options, cache, console)
        if key == ("customers", "list"):
            return list_offline(options, cache, segments, console)
        if key == ("customers", "get"):
            return get_offline(options, cache, console)
        if key == ("customers", "stats"):
            return stats_offline(options, cache, segments, console)
        if key == ("export", "run"):
            return export_offline(options, cache, segments, console)
        console.err.write(
            "error: this command needs the store; --offline is for list, get, stats and export\n"
        )
        return EXIT_USAGE
    except (UsageError, AppError) as error:
        return _failed(error, console)
    finally:
        cache.close()


def _failed(error: UsageError | AppError, console: Console) -> int:
    """Say what went wrong on stderr; 2 for a usage or set-up problem, 1 for a failure."""
    if isinstance(error, UsageError | ConfigurationError):
        console.err.write(f"error: {error}\n")
        return EXIT_USAGE
    log.info("%s", error.log_text())
    console.err.write(f"error: {error.message}\n")
    return EXIT_FAILED


def _connect(
    options: argparse.Namespace,
    paths: AppPaths,
    profiles: ProfileStore,
    secrets: SecretStore | None,
    environ: Mapping[str, str],
    console: Console,
) -> int:
    """``store connect``: check the store and keys, then save them as the current store."""
    keys = environment_keys(environ)
    if not options.store_url or keys is None:
        console.err.write(
            f"error: store connect needs --store-url and the keys in {KEY_VARIABLE} and "
            f"{SECRET_VARIABLE}\n"
        )
        return EXIT_USAGE
    if secrets is None:
        if not KeyringSecrets.available() and not options.allow_file_secrets:
            console.err.write(
                "error: this system has no keychain to keep the keys in. Add "
                "--allow-file-secrets to keep them in a file only you can read "
                f"({paths.secrets_file}).\n"
            )
            return EXIT_USAGE
        secrets = default_secrets(paths)
    try:
        url = normalize_store_url(options.store_url)
        auth = AuthMode(options.auth) if options.auth else AuthMode.AUTO
        connection = StoreConnection(url, keys[0], keys[1], auth=auth, ca_bundle=options.ca_bundle)
        warning = connection.security_warning()
        if warning:
            console.err.write(f"warning: {warning}\n")
        saved = profiles.load()
        existing = saved.find(url)
        api = effective_choice(options.api, existing.api if existing is not None else None)
        # Connecting tests the store: its APIs are detected afresh and the answer saved.
        detections: list[SavedDetection] = []
        client = open_store_client(connection, api, remember=detections.append)
        try:
            info = store_info(client)
            count = client.count_customers()
        finally:
            client.close()
        name = saved.unique_name(options.name, url, strict=True)
        ca_bundle = str(options.ca_bundle.resolve()) if options.ca_bundle else None
        detected = detections[-1] if detections else None
        if detected is None and existing is not None:
            detected = existing.detected
        saved.put(StoreProfile(name, url, auth, ca_bundle, api=api, detected=detected))
        secrets.put(url, keys[0], keys[1])
        profiles.save(saved)
        _keep_in_existing_cache(paths, url, info)
    except ConfigurationError as error:
        console.err.write(f"error: {error.message}\n")
        return EXIT_USAGE
    except AppError as error:
        console.err.write(f"error: {error.message}\n")
        return EXIT_FAILED
    if console.as_json:
        print_json_value(
            {"name": name, "url": url, "store": info.name, "customers": count}, console
        )
    else:
        console.out.write(
            f"Connected to {info.name or url} (WooCommerce {info.wc_version}, {count} customers, "
            f"{info.api_used});"
            f" saved as “{name}”, the store to use from now on.\n"
        )
    return EXIT_OK


def _keep_in_existing_cache(paths: AppPaths, identity: str, info: StoreInfo) -> None:
    """Keep the store's money format and timezone in its cache, if it has one already.

    None is made: a cache file means "synced before" to the offline commands, which tell a store
    never synced to run ``sync``. A cache that cannot be written is logged, never failing the
    connect that has just been saved.
    """
    if not cache_path(paths.cache_dir, identity).exists():
        return
    try:
        with closing(CustomerCache.open(paths.cache_dir, identity)) as cache:
            keep_store_settings(cache, info)
    except AppError as error:
        log.warning("could not keep the store's settings: %s", error.log_text())


def _forget(
    options: argparse.Namespace,
    paths: AppPaths,
    profiles: ProfileStore,
    secrets: SecretStore | None,
    console: Console,
) -> int:
    """``store forget NAME_OR_URL --yes``: remove a saved store's profile, keys and cache."""
    wanted = options.name_or_url
    try:
        if not options.yes:
            raise UsageError(
                f"forgetting “{wanted}” removes its keys and cached customers from this "
                "computer; add --yes to confirm"
            )
        forgotten = forget_store(
            wanted,
            profiles=profiles,
            # Chosen on use: a name that matches no saved store never probes the keychain.
            secrets=secrets or SecretsChosenOnUse(lambda: default_secrets(paths)),
            cache_dir=paths.cache_dir,
            segments=SegmentStore(paths.segments_file),
        )
    except (UsageError, AppError) as error:
        return _failed(error, console)
    profile = forgotten.profile
    if console.as_json:
        print_json_value(
            {
                "name": profile.name,
                "url": profile.url,
                "cache_deleted": forgotten.cache_deleted,
                "was_current": forgotten.was_current,
                "shared_with": forgotten.shared_with,
            },
            console,
        )
        return EXIT_OK
    console.out.write(
        f"Forgot “{profile.name}” ({profile.url}): {forgotten.what_went()}. The store itself "
        "and its customers are unchanged.\n"
    )
    if forgotten.was_current:
        console.out.write(
            "It was the store in use: commands now use the embedded demo store unless "
            "--store-url names a store.\n"
        )
    return EXIT_OK
