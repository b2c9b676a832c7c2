"""Composition root: read the command line, build the objects, run.

With a subcommand the command line runs (``woo-customers customers list``); without one the
desktop app opens: on the saved store, the store named by ``--store-url``, or the embedded demo
store when nothing is configured. ``build(argv)`` returns the main window without entering the
event loop (for tests and tools).
"""

from __future__ import annotations

import argparse
import logging
import logging.handlers
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from app import APP_ID, APP_NAME, __version__
from app.cli.parser import build_parser
from app.logs.masking import mask_logging
from app.paths import AppPaths

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from app.stores.secrets import SecretStore
    from app.ui.main_window import MainWindow
    from app.ui.session import StoreSession

log = logging.getLogger("app")

#: The longest --screenshot waits for customers before giving up (exit 1).
SCREENSHOT_TIMEOUT_MS = 60_000
#: The exit code of a desktop start refused because system libraries Qt needs are missing.
EXIT_MISSING_LIBRARIES = 3


def main(argv: Sequence[str] | None = None) -> int:
    """Run the app or a command; the process exit code."""
    from app.desktop.file_arguments import (
        command_names,
        file_argument_problem,
        split_file_arguments,
        value_options,
    )

    parser = build_parser()
    arguments = list(sys.argv[1:] if argv is None else argv)
    # A desktop entry or a file manager runs `woo-customers /path/people.csv`.
    commands = command_names(parser)
    arguments, files = split_file_arguments(arguments, commands)
    problem = file_argument_problem(arguments, files, commands, value_options(parser))
    if problem is not None:
        sys.stderr.write(f"{parser.prog}: error: {problem}\n")
        return 2
    options = parser.parse_args(arguments)
    paths = AppPaths.under(options.data_dir) if options.data_dir else AppPaths.for_user()
    if options.command is not None:
        logging.basicConfig(
            level=logging.DEBUG if options.verbose else logging.WARNING,
            format="%(name)s: %(message)s",
            stream=sys.stderr,
        )
        mask_logging(logging.getLogger().handlers)
        from app.cli.run import run_cli

        return run_cli(options, paths)
    return run_desktop(options, paths, files)


def _setup_logging(paths: AppPaths, verbose: bool) -> None:
    """A rotating log file in the log folder (and stderr when verbose)."""
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    try:
        paths.log_dir.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            paths.log_dir / "woo-customers.log", maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s: %(message)s"))
    root.addHandler(handler)
    if verbose:
        root.addHandler(logging.StreamHandler(sys.stderr))
    mask_logging(root.handlers)


def _install_crash_handler(paths: AppPaths) -> None:
    """Unexpected exceptions go to the log and a dialog, never a bare traceback."""

    def hook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        log.critical("unexpected error", exc_info=(kind, error, trace))
        from PySide6.QtWidgets import QApplication, QMessageBox

        if QApplication.instance() is None or os.environ.get("QT_QPA_PLATFORM") == "offscreen":
            sys.stderr.write("".join(traceback.format_exception(kind, error, trace)))
            return
        box = QMessageBox(QMessageBox.Icon.Critical, APP_NAME, "Something went wrong.")
        box.setInformativeText(
            f"The app ran into an unexpected problem. Details are in the log: "
            f"{paths.log_dir / 'woo-customers.log'}"
        )
        box.exec()

    sys.excepthook = hook


def build(argv: Sequence[str] | None = None) -> MainWindow:
    """The main window for these arguments, built but not shown; the QApplication exists."""
    options = build_parser().parse_args(argv)
    paths = AppPaths.under(options.data_dir) if options.data_dir else AppPaths.for_user()
    return _build_window(options, paths)


def _application() -> QApplication:
    """The QApplication, made once, with the app's name, desktop id and icon."""
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from app.desktop.resources import app_icon

    existing = QApplication.instance()
    application = (
        existing
        if isinstance(existing, QApplication)
        else QApplication([sys.argv[0] if sys.argv else APP_NAME])
    )
    QApplication.setApplicationName(APP_NAME)
    QApplication.setApplicationVersion(__version__)
    QApplication.setOrganizationName("Woo Customers")
    # Wayland's app id and the X11 hint: the desktop entry (name, icon) this window belongs to.
    QGuiApplication.setDesktopFileName(APP_ID)
    # Every window and dialog, and the taskbar or dock where the desktop entry does not say.
    QGuiApplication.setWindowIcon(app_icon())
    return application


def _build_window(options: argparse.Namespace, paths: AppPaths) -> MainWindow:
    from app.desktop.collector_timer import collect_in_gui_thread
    from app.runtime.cycle_collector import settle_startup_objects
    from app.runtime.switch_interval import favour_the_window
    from app.stores.secrets import SecretsChosenOnUse, default_secrets
    from app.ui.main_window import MainWindow
    from app.ui.settings_file import open_settings
    from app.ui.stores import StoreDirectory

    application = _application()
    favour_the_window()  # before the worker thread starts
    collect_in_gui_thread(application)  # before any worker thread could collect Qt objects
    settings, settings_notice = open_settings(paths.config_dir)
    secrets = SecretsChosenOnUse(lambda: default_secrets(paths))
    session, problem = _initial_session(options, paths, secrets)
    window = MainWindow(session, settings, stores=StoreDirectory(paths, secrets), paths=paths)
    notices = [notice for notice in (problem, settings_notice) if notice]
    if notices:
        window.banner.show_error(" ".join(notices), retry=False)
    # The window keeps the application alive for callers that only hold the window.
    window.application = application  # type: ignore[attr-defined]
    settle_startup_objects()
    return window


def _initial_session(
    options: argparse.Namespace, paths: AppPaths, secrets: SecretStore
) -> tuple[StoreSession, str | None]:
    """The store to open, and a problem to tell the user if the asked-for one cannot be."""
    from app.api.choice import effective_choice
    from app.errors import ConfigurationError
    from app.stores.access import resolve_connection
    from app.stores.profiles import ProfileStore
    from app.ui.session import open_demo_session, open_session

    profiles = ProfileStore(paths.profiles_file)
    try:
        resolved = resolve_connection(options, profiles, secrets)
    except ConfigurationError as error:
        return (
            open_demo_session(paths),
            f"{error.message} Showing the demo store meanwhile.",
        )
    if resolved is None:
        return open_demo_session(paths), None
    connection, _source = resolved
    profile = profiles.load().find(connection.url)
    title = profile.name if profile is not None else connection.url
    api = effective_choice(
        getattr(options, "api", None), profile.api if profile is not None else None
    )
    if profile is None:
        return open_session(connection, paths.cache_dir, title=title, api=api), None
    session = open_session(
        connection,
        paths.cache_dir,
        title=title,
        api=api,
        detected=profile.detected,
        remember=lambda detection: profiles.save_detection(connection.url, detection),
    )
    return session, None


def run_desktop(options: argparse.Namespace, paths: AppPaths, files: Sequence[str] = ()) -> int:
    """The desktop app's event loop (or, with --screenshot, one picture of it).

    When an instance already runs for this user and data folder, it gets ``files`` and comes
    to the front, and this process exits 0 without opening a window.
    """
    from app.desktop.qt_libraries import missing_qt_libraries

    missing = missing_qt_libraries()
    if missing is not None:  # Qt would abort naming only one of them
        sys.stderr.write(missing.message())
        return EXIT_MISSING_LIBRARIES
    _setup_logging(paths, options.verbose)
    _install_crash_handler(paths)
    from app.desktop.single_instance import SingleInstance, raise_window

    application = _application()
    instance: SingleInstance | None = None
    if options.screenshot is None:  # a screenshot run always takes its own picture
        instance = SingleInstance(APP_ID, paths.data_dir)
        if instance.hand_over(files):
            return 0
        instance.listen()  # False: another launch won a race; this one runs on regardless
    window = _build_window(options, paths)
    if instance is not None:
        instance.setParent(window)
        instance.watch_file_open_events(application)

        def activate(requested: list[str]) -> None:
            raise_window(window)
            if requested:
                _open_files(window, requested)

        instance.activation_requested.connect(activate)
    window.show()
    window.start()
    if files:
        _open_files(window, list(files))
    if options.screenshot is not None:
        _take_screenshot_when_ready(window, options.screenshot)
    return application.exec()


def _open_files(window: MainWindow, files: list[str]) -> None:
    """CSV files the app was asked to open (command line, second launch, Finder).

    The import dialog takes one file at a time: the first is opened, as a desktop entry's
    ``%f`` passes one file per launch.
    """
    log.info("asked to open %s", ", ".join(files))
    window.transfers.open_import(Path(os.path.abspath(files[0])))


def _take_screenshot_when_ready(window: MainWindow, target: Path) -> None:
    """Save a PNG once customers are on screen, then quit (exit 1 if loading failed)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.services.events import RequestFailed, StoreEvent
    from app.workers.requests import RequestKind

    done = False

    def shoot() -> None:
        nonlocal done
        if done or window.session.model.rowCount() == 0:
            return
        done = True
        window.table.selectRow(0)
        QApplication.processEvents()
        target.parent.mkdir(parents=True, exist_ok=True)
        ok = window.grab().save(str(target))
        window.close()
        QApplication.exit(0 if ok else 1)

    def failed(event: StoreEvent) -> None:
        nonlocal done
        if not isinstance(event, RequestFailed) or event.kind is not RequestKind.SYNC:
            return
        if not done and window.session.model.rowCount() == 0:
            done = True
            sys.stderr.write(f"error: {event.error.message}\n")
            window.close()
            QApplication.exit(1)

    window.session.model.rowsInserted.connect(lambda *_: QTimer.singleShot(300, shoot))
    window.session.model.modelReset.connect(lambda: QTimer.singleShot(300, shoot))
    window.session.service.happened.connect(failed)
    QTimer.singleShot(300, shoot)  # a cache from an earlier run already has customers
    QTimer.singleShot(SCREENSHOT_TIMEOUT_MS, lambda: QApplication.exit(1) if not done else None)
