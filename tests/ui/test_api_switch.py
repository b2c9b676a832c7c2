"""The window when the store stops offering the API its saved detection chose.

A store owner removes the Legacy REST API plugin (or WooCommerce 9 removed the built-in one):
the profile still says "legacy", the first request is refused, the app detects again, goes on
through wc/v3 and says so in the window's banner.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from app.api.choice import SavedDetection, StoreApis
from app.api.connection import StoreConnection
from app.services.events import Notice, SyncFinished
from app.ui.main_window import MainWindow
from app.ui.session import open_session
from tests.conftest import StoreFactory
from tests.support.events import expect

LONG = 30_000


@pytest.fixture
def switched_window(  # on a store that lost its legacy API since it was saved
    qtbot: QtBot, start_store: StoreFactory, tmp_path: Path
) -> Iterator[tuple[MainWindow, list[SavedDetection]]]:
    store = start_store(customers=12, api="modern")
    saved_long_ago = SavedDetection(StoreApis(legacy=True, modern=False), "2024-01-01T00:00:00")
    remembered: list[SavedDetection] = []
    connection = StoreConnection(store.base_url, store.consumer_key, store.consumer_secret)
    session = open_session(
        connection, tmp_path / "cache", detected=saved_long_ago, remember=remembered.append
    )
    window = MainWindow(session, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    window.show()
    qtbot.waitExposed(window)
    yield window, remembered
    window.close()
    window.deleteLater()


def test_the_window_says_which_api_it_switched_to_and_shows_every_customer(
    qtbot: QtBot, switched_window: tuple[MainWindow, list[SavedDetection]]
) -> None:
    window, remembered = switched_window
    service = window.session.service
    with (
        expect(qtbot, service, Notice, timeout=LONG) as notice,
        expect(qtbot, service, SyncFinished, timeout=LONG),
    ):
        window.start()
    text = notice.event.text
    assert "no longer offers the legacy REST API" in text
    assert "now uses the REST API (/wp-json/wc/v3)" in text
    assert window.banner.isVisible()
    assert text in [label.text() for label in window.banner.findChildren(QLabel)]
    assert window.session.model.rowCount() == 12
    assert [d.apis for d in remembered] == [StoreApis(legacy=False, modern=True)]
