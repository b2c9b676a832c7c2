"""Composition root: read the command line, build the objects, run.

Until the main window lands (issue 5), ``python -m app`` serves the embedded demo store in the
foreground and says so, so ``make run`` already shows something real.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from collections.abc import Sequence
from pathlib import Path

from app import APP_NAME, __version__
from app.paths import AppPaths


def build_parser() -> argparse.ArgumentParser:
    """Options of the app's entry point."""
    parser = argparse.ArgumentParser(prog="woo-customers", description=f"{APP_NAME}")
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    parser.add_argument("--data-dir", type=Path, help="keep all of the app's files in this folder")
    parser.add_argument(
        "--demo", action="store_true", help="use the embedded demo store (the default for now)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the app; the process exit code."""
    options = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s", stream=sys.stderr)
    paths = AppPaths.under(options.data_dir) if options.data_dir else AppPaths.for_user()
    # Imported here so that --version and --help stay instant.
    from app.demo_store import DemoStore, StoreConfig

    stop = threading.Event()
    with DemoStore.start(StoreConfig(db_path=paths.demo_store_db)) as store:
        print(
            f"{APP_NAME} {__version__}: the desktop window is not built yet.\n"
            f"The embedded demo store is serving {store.api_url}\n"
            f"  consumer key:    {store.consumer_key}\n"
            f"  consumer secret: {store.consumer_secret}\n"
            f"  data:            {paths.demo_store_db}\n"
            "Press Ctrl+C to stop.",
            flush=True,
        )
        try:
            stop.wait()
        except KeyboardInterrupt:
            print("Stopped.")
    return 0
