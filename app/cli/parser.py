"""The command line's grammar: global options (before or after the subcommand) and commands."""

from __future__ import annotations

import argparse
from pathlib import Path

from app import APP_NAME, __version__
from app.api.choice import ApiChoice
from app.api.connection import AuthMode
from app.cli.filter_options import add_filter_options

#: What ``--search`` finds in the local cache.
_CACHE_SEARCH = "any part of name, email, username, company, phone, city, postcode"


def _add_global_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """Add the options every command takes.

    On subcommands they default to "not given", so a value given before the subcommand stays.
    """

    def default(value: object) -> object:
        return argparse.SUPPRESS if suppress else value

    group = parser.add_argument_group("global options")
    group.add_argument(
        "--store-url", default=default(None), help="the store's address (keys from the environment)"
    )
    group.add_argument(
        "--data-dir", type=Path, default=default(None), help="keep all of the app's files here"
    )
    group.add_argument(
        "--json", action="store_true", default=default(False), help="print JSON for scripts"
    )
    group.add_argument(
        "--demo",
        action="store_true",
        default=default(False),
        help="use the embedded demo store",
    )
    group.add_argument(
        "--auth",
        choices=[mode.value for mode in AuthMode],
        default=default(None),
        help="how to authenticate (default: Basic over HTTPS, OAuth over HTTP)",
    )
    group.add_argument(
        "--api",
        choices=[choice.value for choice in ApiChoice],
        default=default(None),
        help="which of the store's APIs to use (default auto: detected per feature)",
    )
    group.add_argument(
        "--ca-bundle",
        type=Path,
        default=default(None),
        help="trust this certificate file (a store with a self-signed certificate)",
    )
    group.add_argument(
        "-v", "--verbose", action="store_true", default=default(False), help="log details"
    )


def build_parser() -> argparse.ArgumentParser:
    """The whole command line: with no subcommand the desktop app starts."""
    parser = argparse.ArgumentParser(
        prog="woo-customers",
        description=f"{APP_NAME}: manage a WooCommerce store's customers. Without a command "
        "the desktop app opens. Keys come from the saved store profile or from the "
        "WC_CONSUMER_KEY and WC_CONSUMER_SECRET environment variables.",
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument(
        "--screenshot",
        type=Path,
        metavar="PATH",
        help="desktop app: save a PNG of the window once customers show, then exit",
    )
    _add_global_options(parser, suppress=False)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    customers = commands.add_parser("customers", help="list, show, create, change, delete")
    _add_global_options(customers, suppress=True)
    actions = customers.add_subparsers(dest="action", metavar="ACTION", required=True)

    listing = actions.add_parser("list", help="list customers")
    _add_global_options(listing, suppress=True)
    listing.add_argument(
        "--offline", action="store_true", help="read the local cache only (see `sync`)"
    )
    listing.add_argument(
        "--sort",
        default="name",
        choices=[
            "name",
            "email",
            "username",
            "city",
            "country",
            "orders",
            "total_spent",
            "last_order",
            "registered",
            "id",
        ],
        help="sort order of --offline lists",
    )
    listing.add_argument("--desc", action="store_true", help="sort descending (--offline)")
    add_filter_options(
        listing,
        search_help="online: the store's search (legacy API: exact email, login or name, * "
        "wildcards; wc/v3: any part of email, login or display name); offline: any part of "
        "name, email, username, company, phone, city, postcode. The other filter options "
        "need --offline",
    )
    listing.add_argument(
        "--page-size",
        type=int,
        help="customers per request (1-100); by default the size is learnt from the store",
    )

    get = actions.add_parser("get", help="show one customer")
    _add_global_options(get, suppress=True)
    get.add_argument("customer", metavar="ID_OR_EMAIL")
    get.add_argument("--offline", action="store_true", help="read the local cache only")

    stats = actions.add_parser(
        "stats",
        help="what a list of customers adds up to: orders, spending, never ordered",
        description="Count and sum the customers the filter options describe, from the local "
        "cache (after a quick sync unless --offline). JSON keys: count, orders_total, "
        "orders_avg, spent_total, spent_avg, aov, never_ordered, unknown_figures, "
        "approximate_figures; money as decimal strings in the store's decimals, an average "
        "of nothing as null. Customers whose order figures are unknown are counted, but left "
        "out of the sums and averages (unknown_figures says how many).",
    )
    _add_global_options(stats, suppress=True)
    stats.add_argument(
        "--offline", action="store_true", help="read the local cache as it is, without a sync"
    )
    add_filter_options(stats, search_help=_CACHE_SEARCH)

    count = actions.add_parser("count", help="count customers")
    _add_global_options(count, suppress=True)
    count.add_argument("--role", default="customer", help='a role, or "all"')

    create = actions.add_parser("create", help="create a customer from a JSON file")
    _add_global_options(create, suppress=True)
    create.add_argument("--data", required=True, metavar="FILE", help="JSON customer; - for stdin")

    update = actions.add_parser("update", help="change a customer from a JSON file")
    _add_global_options(update, suppress=True)
    update.add_argument("customer_id", type=int, metavar="ID")
    update.add_argument("--data", required=True, metavar="FILE", help="JSON fields; - for stdin")

    delete = actions.add_parser("delete", help="delete a customer (orders are kept)")
    _add_global_options(delete, suppress=True)
    delete.add_argument("customer_id", type=int, metavar="ID")
    delete.add_argument("--yes", action="store_true", help="really delete")

    orders = actions.add_parser("orders", help="a customer's orders")
    _add_global_options(orders, suppress=True)
    orders.add_argument("customer_id", type=int, metavar="ID")

    downloads = actions.add_parser("downloads", help="a customer's downloadable files")
    _add_global_options(downloads, suppress=True)
    downloads.add_argument("customer_id", type=int, metavar="ID")

    store = commands.add_parser("store", help="the store itself")
    _add_global_options(store, suppress=True)
    store_actions = store.add_subparsers(dest="action", metavar="ACTION", required=True)
    info = store_actions.add_parser("info", help="name, WooCommerce version, options")
    _add_global_options(info, suppress=True)
    connect = store_actions.add_parser(
        "connect", help="save --store-url with the keys from the environment as the store to use"
    )
    _add_global_options(connect, suppress=True)
    connect.add_argument("--name", help="a name for the store (default: its host)")
    connect.add_argument(
        "--allow-file-secrets",
        action="store_true",
        help="without a system keychain, keep the keys in a file only you can read",
    )
    forget = store_actions.add_parser(
        "forget",
        help="remove a saved store's keys and cached customers from this computer",
        description="Remove a saved store from this computer: its profile, its keys and its "
        "local cache. The store itself and its customers are not changed.",
    )
    _add_global_options(forget, suppress=True)
    forget.add_argument("name_or_url", metavar="NAME_OR_URL", help="the saved store's name or URL")
    forget.add_argument("--yes", action="store_true", help="really forget it")
    sync = commands.add_parser("sync", help="bring the local cache up to date with the store")
    _add_global_options(sync, suppress=True)
    sync.set_defaults(action="run")
    kind = sync.add_mutually_exclusive_group()
    kind.add_argument("--full", action="store_true", help="fetch everything (order figures too)")
    kind.add_argument("--quick", action="store_true", help="fetch only what changed")

    importing = commands.add_parser("import", help="create and update customers from a CSV file")
    _add_global_options(importing, suppress=True)
    importing.set_defaults(action="run")
    importing.add_argument("file", metavar="FILE", help="the CSV file")
    importing.add_argument(
        "--dry-run", action="store_true", help="only say what would happen; send nothing"
    )
    importing.add_argument(
        "--mapping",
        metavar="FILE",
        help='columns to fields as JSON, {"header": "field" or null} (default: guessed)',
    )
    importing.add_argument(
        "--skip-existing", action="store_true", help="leave customers already in the store alone"
    )
    importing.add_argument(
        "--only-empty", action="store_true", help="only fill fields that are empty in the store"
    )
    importing.add_argument(
        "--chunk-size", type=int, default=100, metavar="N", help="customers per request (1-100)"
    )
    importing.add_argument(
        "--encoding", metavar="ENC", help="the file's encoding (default: detected)"
    )
    importing.add_argument(
        "--delimiter", metavar="D", help="comma, semicolon, tab or pipe (default: detected)"
    )
    importing.add_argument(
        "--report",
        metavar="PATH",
        help="write a CSV with every row's outcome; the failed-rows and undo files go beside it",
    )

    exporting = commands.add_parser(
        "export",
        help="write the customers to a CSV file",
        description="Write the customers the filter options describe to a CSV file, by name, "
        "after a quick sync unless --offline. "
        "An existing FILE is left alone unless --overwrite is given.",
    )
    _add_global_options(exporting, suppress=True)
    exporting.set_defaults(action="run")
    exporting.add_argument(
        "file", metavar="FILE", help="the CSV file to write (an existing one only with --overwrite)"
    )
    add_filter_options(exporting, search_help=_CACHE_SEARCH)
    exporting.add_argument(
        "--delimiter",
        choices=["comma", "semicolon"],
        default="comma",
        help="semicolon for spreadsheets that write decimal commas",
    )
    exporting.add_argument(
        "--offline", action="store_true", help="export the local cache as it is, without a sync"
    )
    exporting.add_argument(
        "--overwrite", action="store_true", help="replace FILE if it already exists"
    )

    cache = commands.add_parser("cache", help="the local cache")
    _add_global_options(cache, suppress=True)
    cache_actions = cache.add_subparsers(dest="action", metavar="ACTION", required=True)
    cache_info = cache_actions.add_parser("info", help="coverage and last sync times")
    _add_global_options(cache_info, suppress=True)
    return parser
