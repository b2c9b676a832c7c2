"""Commands over the local cache: ``sync``, ``cache info`` and the ``--offline`` reads."""

from __future__ import annotations

import argparse
import logging
import time
from datetime import datetime

from app.api.client import WooClient
from app.cache.repository import CustomerCache, CustomerFilter
from app.cache.store_settings import keep_store_settings
from app.cache.sync import SyncEngine, SyncMode, SyncProgress
from app.cli.commands import (
    EXIT_FAILED,
    EXIT_OK,
    Console,
    customer_reference,
    print_customer,
    print_customers,
    print_json_value,
)
from app.cli.filter_options import customer_filter
from app.cli.output import counted
from app.errors import AppError
from app.stores.segments import SegmentStore

log = logging.getLogger("app.cli")

#: Seconds between progress lines on stderr (the last line always shows).
_PROGRESS_INTERVAL = 0.5


def _when(value: datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value is not None else "never"


def sync_command(
    options: argparse.Namespace, client: WooClient, cache: CustomerCache, console: Console
) -> int:
    """``sync [--full|--quick]``: progress on stderr, a summary at the end.

    The store's money format and timezone are kept first (:func:`learn_store_settings`).
    """
    mode = SyncMode.FULL if options.full else SyncMode.QUICK if options.quick else SyncMode.AUTO
    last_line = 0.0

    def show(progress: SyncProgress) -> None:
        nonlocal last_line
        now = time.monotonic()
        if progress.phase == "done" or now - last_line >= _PROGRESS_INTERVAL:
            last_line = now
            console.err.write(f"{progress.message}\n")
            console.err.flush()

    for notice in cache.notices:
        console.err.write(f"note: {notice}\n")
    learn_store_settings(client, cache)
    report = SyncEngine(client, cache).sync(mode, progress=show)
    if console.as_json:
        print_json_value(
            {
                "mode": str(report.mode),
                "fetched": report.fetched,
                "changed": report.changed,
                "removed": report.removed,
                "store_total": report.store_total,
                "held": report.held,
                "seconds": round(report.seconds, 3),
                "resumed": report.resumed,
                "complete": report.complete,
                "unaccounted": report.unaccounted,
            },
            console,
        )
    else:
        kind = "Full" if report.mode is SyncMode.FULL else "Quick"
        console.out.write(
            f"{kind} sync{' (resumed)' if report.resumed else ''}: "
            f"{counted(report.fetched, 'customer')} fetched ({report.describe_changes()}) in "
            f"{report.seconds:.1f} s. The cache holds {counted(report.held, 'customer')}; the "
            f"store reports {report.store_total:,}.\n"
        )
    if not report.complete:
        console.err.write(
            f"warning: {counted(report.unaccounted, 'customer')} could not be accounted for "
            "(the store changed while it was read); nothing was removed from the cache. Run "
            "`sync --full` to check again.\n"
        )
        return EXIT_FAILED
    return EXIT_OK


def learn_store_settings(client: WooClient, cache: CustomerCache) -> None:
    """Ask the store for its info and keep its money format and timezone in the cache.

    One request before a sync, so the ``--offline`` reads show amounts as the store writes them
    and read dates in its days. A store that will not say (a failing index, a key it refuses)
    still syncs: the cache keeps what it had, and the sync's own requests say what is wrong.
    """
    try:
        info = client.store_info()
    except AppError as error:
        log.info("store settings not read; the cache keeps its own: %s", error.log_text())
        return
    keep_store_settings(cache, info)


def list_offline(
    options: argparse.Namespace, cache: CustomerCache, segments: SegmentStore, console: Console
) -> int:
    """``customers list --offline``: the cached customers, filtered and sorted locally."""
    view = customer_filter(
        options, cache.file.store_url, segments, sort=options.sort, descending=options.desc
    )
    ids = cache.ordered_ids(view)
    found = cache.customers_by_ids(ids)
    customers = [found[i] for i in ids if i in found]
    print_customers(customers, console)
    if not console.as_json:
        coverage = cache.coverage()
        console.err.write(
            f"{counted(len(customers), 'customer')} from the cache (last synced "
            f"{_when(coverage.last_quick_sync or coverage.last_full_sync)})\n"
        )
    return EXIT_OK


def get_offline(options: argparse.Namespace, cache: CustomerCache, console: Console) -> int:
    """``customers get ID --offline``."""
    wanted = customer_reference(options.customer)
    if isinstance(wanted, str):
        candidates = cache.customers_by_ids(
            cache.ordered_ids(CustomerFilter(search=wanted, role=None))
        )
        matches = [c for c in candidates.values() if c.email.casefold() == wanted.casefold()]
        customer = matches[0] if matches else None
    else:
        customer = cache.customer(wanted)
    if customer is None:
        console.err.write(f"error: customer {wanted} is not in the cache (run `sync`?)\n")
        return EXIT_FAILED
    print_customer(customer, console)
    return EXIT_OK


def cache_info(options: argparse.Namespace, cache: CustomerCache, console: Console) -> int:
    """``cache info``: how complete and fresh the cache is."""
    coverage = cache.coverage()
    size = sum(
        path.stat().st_size
        for path in (cache.file.path, cache.file.path.with_name(cache.file.path.name + "-wal"))
        if path.exists()
    )
    if console.as_json:
        print_json_value(
            {
                "store": cache.file.store_url,
                "file": str(cache.file.path),
                "bytes": size,
                "held": coverage.held,
                "store_total": coverage.store_total,
                "store_total_at": _iso(coverage.store_total_at),
                "last_full_sync": _iso(coverage.last_full_sync),
                "last_quick_sync": _iso(coverage.last_quick_sync),
                "oldest_confirmation": _iso(coverage.oldest_confirmation),
                "complete": coverage.complete,
                "scope": coverage.scope,
                "unaccounted": coverage.unaccounted,
            },
            console,
        )
        return EXIT_OK
    from app.cli.output import print_fields

    total = (
        "unknown (never synced)" if coverage.store_total is None else f"{coverage.store_total:,}"
    )
    print_fields(
        [
            ("Store", cache.file.store_url),
            ("Customers cached", f"{coverage.held:,}"),
            ("Store reported", f"{total} (at {_when(coverage.store_total_at)})"),
            ("Role scope", "every role" if coverage.scope == "all" else coverage.scope),
            ("Complete", "yes" if coverage.complete else f"no: {coverage.describe()}"),
            ("Last full sync", _when(coverage.last_full_sync)),
            ("Last quick sync", _when(coverage.last_quick_sync)),
            ("Oldest confirmation", _when(coverage.oldest_confirmation)),
            ("File", f"{cache.file.path} ({size / 1_048_576:.1f} MB)"),
        ],
        console.out,
    )
    return EXIT_OK


def _iso(value: datetime | None) -> str | None:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value is not None else None
