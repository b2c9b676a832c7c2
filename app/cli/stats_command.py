"""``customers stats``: what the customers the filter options describe add up to.

The figures are the cache's (:meth:`CustomerCache.summary`, one SQL aggregate); this module
only prints them: as text in the store's money format, or as JSON with money as decimal strings
in the store's decimals. Customers whose order figures are unknown are counted but left out of
the sums and averages; the JSON always says how many (``unknown_figures``), and how many
figures are WooCommerce Analytics' estimates (``approximate_figures``); the text says so on
stderr.
"""

from __future__ import annotations

import argparse
from decimal import ROUND_HALF_UP, Decimal

from app.api.client import WooClient
from app.cache.insights import Summary
from app.cache.repository import CustomerCache, CustomerFilter
from app.cache.sync import SyncEngine, SyncMode
from app.cli.cache_commands import learn_store_settings
from app.cli.commands import EXIT_OK, Console, print_json_value
from app.cli.filter_options import customer_filter
from app.cli.output import counted, print_fields
from app.domain.figures import APPROXIMATE_MARK, APPROXIMATE_WHY
from app.domain.money import MoneyFormat
from app.stores.segments import SegmentStore

#: Decimals of the average number of orders per customer.
ORDERS_AVERAGE_DECIMALS = 2


def stats_command(
    options: argparse.Namespace,
    client: WooClient,
    cache: CustomerCache,
    segments: SegmentStore,
    console: Console,
) -> int:
    """``customers stats``: a quick sync, then the figures of the cached customers.

    Like ``sync``, it keeps the store's money format first, which the figures are written in.
    """
    # The options are checked before the store is asked for anything.
    customer_filter(options, cache.file.store_url, segments)
    learn_store_settings(client, cache)
    report = SyncEngine(client, cache).sync(SyncMode.QUICK)
    console.err.write(f"Synced: {report.describe_changes()}.\n")
    return stats_offline(options, cache, segments, console)


def stats_offline(
    options: argparse.Namespace, cache: CustomerCache, segments: SegmentStore, console: Console
) -> int:
    """``customers stats --offline``: the figures of the cached customers as they are."""
    view = customer_filter(options, cache.file.store_url, segments)
    summary = cache.summary(view)
    money = cache.money_format() or MoneyFormat()
    if console.as_json:
        print_json_value(stats_json(summary, money.decimals), console)
    else:
        _print_text(view, summary, money, options.segment, console)
    _say_freshness(cache, console)
    return EXIT_OK


def stats_json(summary: Summary, decimals: int) -> dict[str, object]:
    """The figures as ``customers stats --json`` prints them (keys in the README)."""
    return {
        "count": summary.count,
        "orders_total": summary.orders_total,
        "orders_avg": _decimal(summary.orders_average, ORDERS_AVERAGE_DECIMALS),
        "spent_total": _decimal(summary.spent_total, decimals),
        "spent_avg": _decimal(summary.spent_average, decimals),
        "aov": _decimal(summary.order_value_average, decimals),
        "never_ordered": summary.never_ordered,
        "unknown_figures": summary.unknown,
        "approximate_figures": summary.approximate,
    }


def _decimal(value: Decimal | None, decimals: int) -> str | None:
    """A decimal string rounded half up to ``decimals`` places ("12.50"); None stays None."""
    if value is None:
        return None
    return f"{value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP):f}"


def _print_text(
    view: CustomerFilter,
    summary: Summary,
    money: MoneyFormat,
    segment: str | None,
    console: Console,
) -> None:
    # An approximate figure anywhere makes every sum an estimate: marked as the table marks it.
    mark = APPROXIMATE_MARK if summary.approximate else ""

    def amount(value: Decimal | None) -> str:
        return f"{mark}{money.format(value)}" if value is not None else "nothing to average"

    orders_average = _decimal(summary.orders_average, ORDERS_AVERAGE_DECIMALS)
    share = summary.never_ordered_share
    print_fields(
        [
            ("Segment", f"“{segment}”" if segment else ""),
            ("Search", f"“{view.search}”" if view.search else ""),
            ("Filters", "; ".join(chip.text for chip in view.criteria.chips(money))),
            ("Customers", f"{summary.count:,}"),
            (
                "Orders",
                f"{mark}{summary.orders_total:,} in all, "
                + (f"{mark}{orders_average} per customer" if orders_average else "none to average"),
            ),
            (
                "Lifetime spend",
                f"{amount(summary.spent_total)} in all, {amount(summary.spent_average)} per "
                "customer",
            ),
            ("Average order", amount(summary.order_value_average)),
            (
                "Never ordered",
                f"{summary.never_ordered:,}"
                + (f" ({share * 100:.1f}%)" if share is not None else ""),
            ),
        ],
        console.out,
    )
    if summary.count == 0:
        console.err.write("No customer matches these filters.\n")
    if summary.unknown:
        console.err.write(
            f"note: the order figures of {counted(summary.unknown, 'customer')} are unknown "
            "(the store's API does not give them): counted above, but left out of the orders, "
            "spending, averages and “never ordered”.\n"
        )
    if summary.approximate:
        console.err.write(
            f"note: the figures of {counted(summary.approximate, 'customer')} are approximate "
            f"({APPROXIMATE_MARK}): {APPROXIMATE_WHY}.\n"
        )


def _say_freshness(cache: CustomerCache, console: Console) -> None:
    """Say when the order figures were last refreshed whole, if a quick sync came after."""
    coverage = cache.coverage()
    full, quick = coverage.last_full_sync, coverage.last_quick_sync
    if full is not None and quick is not None and quick > full:
        console.err.write(
            f"note: the order figures were last fully refreshed {full.astimezone():%Y-%m-%d %H:%M}"
            "; quick syncs since then miss figures that only new orders changed (run "
            "`woo-customers sync --full` to refresh them all).\n"
        )
