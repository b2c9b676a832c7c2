"""``python -m app.demo_store``: run a demo store from a shell until SIGINT or SIGTERM.

It prints one JSON line with the store URL and its keys (for scripts and other processes to
read), then serves. Diagnostics go to stderr, so stdout stays machine-readable.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType
from typing import TypeVar

from app.demo_store.server import DemoStore, StoreConfig

_N = TypeVar("_N", int, float)


def build_parser() -> argparse.ArgumentParser:
    """The command line's options."""
    parser = argparse.ArgumentParser(
        prog="python -m app.demo_store",
        description="Serve a local store that speaks the WooCommerce REST API v3 (customers).",
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (loopback)")
    parser.add_argument("--port", type=int, default=0, help="port; 0 picks a free one")
    parser.add_argument("--db", type=Path, help="keep the store in this SQLite file")
    parser.add_argument("--customers", type=int, default=250, help="customers to seed")
    parser.add_argument("--seed", type=int, default=1, help="seed of the sample data")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="delay every answer")
    parser.add_argument(
        "--fault-rate", type=float, default=0.0, help="fraction of requests that fail (0..1)"
    )
    parser.add_argument("--https", nargs=2, type=Path, metavar=("CERT", "KEY"), help="serve HTTPS")
    parser.add_argument(
        "--require-password",
        action="store_true",
        help="new customers need a password (the store does not generate one)",
    )
    parser.add_argument("--site-url", help="the store's configured URL, if not scheme://host:port")
    parser.add_argument(
        "--currency", default="USD", help="shop currency code (default USD; symbol HTML-escaped)"
    )
    parser.add_argument(
        "--friendly-errors",
        action="store_true",
        help="answer a descriptive error where a real store crashes with its critical-error 500",
    )
    parser.add_argument(
        "--legacy-api-disabled",
        action="store_true",
        help="act as a store without the legacy API: every /wc-api/ request is 404 "
        "woocommerce_api_disabled",
    )
    parser.add_argument(
        "--hpos",
        action="store_true",
        help="HPOS order storage: the legacy API sees no orders (customer stats stay right)",
    )
    parser.add_argument(
        "--api",
        choices=("legacy", "modern", "both"),
        default="both",
        help="REST APIs to serve: legacy /wc-api/v3 only (/wp-json/wc/v3 is rest_no_route), "
        "modern /wp-json/wc/v3 only (/wc-api is woocommerce_api_disabled), or both (default)",
    )
    parser.add_argument(
        "--without-v1-v2",
        action="store_true",
        help="no wc/v1 and wc/v2 REST namespaces (their customers carry order figures; a "
        "WooCommerce after 9.4.2 may drop them): they answer rest_no_route",
    )
    parser.add_argument(
        "--allow-remote", action="store_true", help="permit a host other than loopback"
    )
    costs = parser.add_argument_group(
        "host costs",
        "Make requests cost what they cost a real WordPress host (for benchmarks): every "
        "request pays a fixed start-up, each customer in an answer adds a little, in one of a "
        "few PHP workers. Network latency (--latency-ms) is paid outside the workers.",
    )
    costs.add_argument(
        "--request-cost-ms",
        type=_non_negative(float),
        default=0.0,
        metavar="MS",
        help="fixed cost of every request, like WordPress' start-up (e.g. 200)",
    )
    costs.add_argument(
        "--customer-cost-ms",
        type=_non_negative(float),
        default=0.0,
        metavar="MS",
        help="cost of each customer in an answer (e.g. 0.3)",
    )
    costs.add_argument(
        "--php-workers",
        type=_non_negative(int),
        default=0,
        metavar="N",
        help="requests served at once, like a PHP-FPM pool; more wait for a worker "
        "(default 0: no limit)",
    )
    costs.add_argument(
        "--php-time-limit",
        type=_non_negative(float),
        default=0.0,
        metavar="SECONDS",
        help="PHP's max_execution_time: a request costing more fails with a 500 and PHP's "
        "fatal error after that long (e.g. 30; default 0: no limit)",
    )
    costs.add_argument(
        "--burn-cpu",
        action="store_true",
        help="spend the costs as CPU work instead of sleeping, so store and client compete "
        "for the CPU as on one small machine (figures then vary with the machine's load)",
    )
    parser.add_argument(
        "--tie-seed",
        type=int,
        default=0,
        help="seed of the order of tied customers in lists (replays a walk)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log every request")
    return parser


def _non_negative(kind: Callable[[str], _N]) -> Callable[[str], _N]:
    """An argparse type: ``kind`` of the text, refused when negative."""

    def parse(text: str) -> _N:
        value = kind(text)
        if value < 0:
            raise argparse.ArgumentTypeError(f"must be 0 or more, not {text}")
        return value

    parse.__name__ = kind.__name__  # argparse names the type in its "invalid value" message
    return parse


def store_config(options: argparse.Namespace) -> StoreConfig:
    """The store configuration the parsed options ask for."""
    return StoreConfig(
        host=options.host,
        port=options.port,
        db_path=options.db,
        customers=options.customers,
        seed=options.seed,
        latency_ms=options.latency_ms,
        fault_rate=options.fault_rate,
        certificate=tuple(options.https) if options.https else None,
        generate_password=not options.require_password,
        site_url=options.site_url,
        allow_remote=options.allow_remote,
        request_cost_ms=options.request_cost_ms,
        customer_cost_ms=options.customer_cost_ms,
        php_workers=options.php_workers,
        php_time_limit_s=options.php_time_limit,
        burn_cpu=options.burn_cpu,
        tie_seed=options.tie_seed,
        currency=options.currency,
        friendly_errors=options.friendly_errors,
        legacy_api_disabled=options.legacy_api_disabled,
        hpos=options.hpos,
        api=options.api,
        without_v1_v2=options.without_v1_v2,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the store; 0 on a clean stop, 2 for bad options or a port that cannot be used."""
    parser = build_parser()
    options = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if options.verbose else logging.WARNING,
        stream=sys.stderr,
        format="%(asctime)s %(name)s %(levelname)s: %(message)s",
    )
    if options.customers < 0:
        parser.error("--customers must be 0 or more")
    if not 0.0 <= options.fault_rate <= 1.0:
        parser.error("--fault-rate is a fraction between 0 and 1")
    config = store_config(options)
    try:
        store = DemoStore.start(config)
    except (OSError, ValueError) as error:
        print(f"demo store: {error}", file=sys.stderr)
        return 2
    stop = threading.Event()

    def request_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    print(
        json.dumps(
            {
                "base_url": store.base_url,
                "api_url": store.api_url,
                "consumer_key": store.keys["read_write"].consumer_key,
                "consumer_secret": store.keys["read_write"].consumer_secret,
                "read_consumer_key": store.keys["read"].consumer_key,
                "read_consumer_secret": store.keys["read"].consumer_secret,
                "write_consumer_key": store.keys["write"].consumer_key,
                "write_consumer_secret": store.keys["write"].consumer_secret,
            }
        ),
        flush=True,
    )
    try:
        while not stop.wait(0.5):
            pass
    finally:
        store.stop()
    return 0
