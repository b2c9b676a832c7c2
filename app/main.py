"""Composition root: read the command line, build the objects, run.

With a subcommand the command line runs (``woo-customers customers list``); without one the
desktop app starts. Until the main window lands (issue 5), the desktop entry serves the
embedded demo store in the foreground and says so, so ``make run`` already shows something real.
"""

from __future__ import annotations

import argparse
import logging
import sys
import threading
from collections.abc import Sequence

from app import APP_NAME, __version__
from app.cli.parser import build_parser
from app.paths import AppPaths


def main(argv: Sequence[str] | None = None) -> int:
    """Run the app or a command; the process exit code."""
    options = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if options.verbose else logging.WARNING,
        format="%(name)s: %(message)s",
        stream=sys.stderr,
    )
    paths = AppPaths.under(options.data_dir) if options.data_dir else AppPaths.for_user()
    if options.command is not None:
        from app.cli.run import run_cli

        return run_cli(options, paths)
    return run_desktop(options, paths)


def run_desktop(options: argparse.Namespace, paths: AppPaths) -> int:
    """The desktop entry: for now, the demo store in the foreground."""
    from app.demo_store import DemoStore, StoreConfig

    stop = threading.Event()
    with DemoStore.start(StoreConfig(db_path=paths.demo_store_db)) as store:
        print(
            f"{APP_NAME} {__version__}: the desktop window is not built yet.\n"
            f"The embedded demo store is serving {store.api_url}\n"
            f"  consumer key:    {store.consumer_key}\n"
            f"  consumer secret: {store.consumer_secret}\n"
            f"  data:            {paths.demo_store_db}\n"
            "Try: woo-customers customers list   (in another terminal)\n"
            "Press Ctrl+C to stop.",
            flush=True,
        )
        try:
            stop.wait()
        except KeyboardInterrupt:
            print("Stopped.")
    return 0
