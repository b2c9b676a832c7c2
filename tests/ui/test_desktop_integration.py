"""The app as a desktop citizen: its id and icon, Help menu, and a second launch's hand-over."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QAction, QGuiApplication
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from app import APP_ID, __version__
from app.desktop.resources import ICON_SIZES
from app.desktop.single_instance import SingleInstance
from app.main import build, main
from app.paths import AppPaths
from app.runtime.switch_interval import WINDOW_SWITCH_INTERVAL
from app.ui.main_window import MainWindow
from app.ui.message_boxes import EXPLANATION_MIN_WIDTH
from tests.support.windows import screenshot


def test_the_app_has_its_id_icon_and_help_menu(qtbot: QtBot, tmp_path: Path) -> None:
    window = build(["--demo", "--data-dir", str(tmp_path / "data")])
    try:
        assert QGuiApplication.desktopFileName() == APP_ID
        assert len(QGuiApplication.windowIcon().availableSizes()) == len(ICON_SIZES)
        assert not window.windowIcon().isNull()
        menus = [action.text() for action in window.menuBar().actions()]
        assert menus[-1] == "&Help"
        copy = window.findChild(QAction, "actionCopyDiagnostics")
        assert copy is not None
        copy.trigger()
        text = QGuiApplication.clipboard().text()
        assert APP_ID in text
        assert str(tmp_path / "data") in text
        assert "Store: the embedded demo store" in text
        assert window.session.connection.consumer_secret not in text
        about = window.findChild(QAction, "actionAbout")
        assert about is not None
        about.trigger()
        box = window.findChild(QMessageBox, "aboutBox")
        assert box is not None
        assert box.isVisible()
        assert __version__ in box.text()
        explanation = box.findChild(QLabel, "qt_msgbox_informativelabel")
        assert explanation is not None
        assert explanation.width() >= EXPLANATION_MIN_WIDTH  # reads as lines, not a column
        screenshot(box, "about_box")
        box.close()
    finally:
        window.close()


def test_the_window_gets_the_interpreter_lock_every_millisecond(
    qtbot: QtBot, tmp_path: Path
) -> None:
    # Each painted cell enters Python; a busy worker would hold the lock 5 ms at a time.
    sys.setswitchinterval(0.005)
    window = build(["--demo", "--data-dir", str(tmp_path / "data")])
    try:
        assert sys.getswitchinterval() == pytest.approx(WINDOW_SWITCH_INTERVAL)
    finally:
        window.close()


def test_a_second_launch_hands_its_file_over_and_exits(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run_desktop installs its own
    handlers = list(logging.getLogger().handlers)
    running = SingleInstance(APP_ID, tmp_path / "data")
    assert running.listen()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "people.csv").write_text("email\n", encoding="utf-8")  # missing: refused (2)
    try:
        with qtbot.waitSignal(running.activation_requested, timeout=5000) as blocker:
            assert main(["--data-dir", str(tmp_path), "people.csv"]) == 0
        assert blocker.args == [[str(tmp_path / "people.csv")]]
    finally:
        running.close()
        for handler in set(logging.getLogger().handlers) - set(handlers):
            logging.getLogger().removeHandler(handler)
            handler.close()


def test_a_damaged_settings_file_is_reset_with_a_notice(
    qtbot: QtBot, tmp_path: Path, windows: list[MainWindow]
) -> None:
    config = AppPaths.under(tmp_path / "data").config_dir
    config.mkdir(parents=True)
    (config / "settings.ini").write_bytes(b"[window]\ngeometry=\x00\x01garbage\xff\xfe\n[table\n")
    window = build(["--demo", "--data-dir", str(tmp_path / "data")])
    windows.append(window)
    window.show()
    banner = window.findChild(QWidget, "errorBanner")
    assert banner is not None
    assert banner.isVisible()
    texts = " ".join(label.text() for label in banner.findChildren(QLabel))
    assert "settings file was damaged and has been reset" in texts
    kept = list(config.glob("settings.*.damaged.ini"))
    assert len(kept) == 1
    assert b"garbage" in kept[0].read_bytes()
    window.close()
    assert (config / "settings.ini").read_bytes().startswith(b"[")  # written afresh
