"""The connection dialog's API setting: chosen in a combo, shown for a saved store, saved with
the store; the connection test detects the store afresh and says which API is used."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from app.api.choice import ApiChoice, SavedDetection, StoreApis
from app.stores.profiles import Profiles, StoreProfile
from app.ui.connection_dialog import ConnectionChoice, ConnectionDialog, remember
from tests.conftest import StoreFactory

pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support")

OLD = SavedDetection(StoreApis(legacy=True, modern=True), "2026-01-01T00:00:00+00:00")


def test_the_api_combo_shows_a_saved_stores_choice_and_is_saved_with_the_store(
    qtbot: QtBot,
) -> None:
    profiles = Profiles([StoreProfile("Shop", "https://shop.example", api=ApiChoice.LEGACY)])
    dialog = ConnectionDialog(profiles, lambda _url: ("ck_1", "cs_1"))
    qtbot.addWidget(dialog)
    labels = [dialog.api.itemText(index) for index in range(dialog.api.count())]
    assert labels == [
        "Automatic (recommended)",
        "Legacy REST API (/wc-api/v3)",
        "REST API (/wp-json/wc/v3)",
    ]
    assert dialog.api_choice() is ApiChoice.AUTO  # a new store
    dialog.saved.setCurrentIndex(1)
    assert dialog.api_choice() is ApiChoice.LEGACY
    dialog.api.setCurrentIndex(dialog.api.findData(ApiChoice.MODERN))
    with qtbot.waitSignal(dialog.chosen) as chosen:
        dialog.save_button.click()
    choice = chosen.args[0]
    assert isinstance(choice, ConnectionChoice)
    assert choice.api is ApiChoice.MODERN
    saved = remember(profiles, choice)
    assert (saved.name, saved.api) == ("Shop", ApiChoice.MODERN)


def test_the_connection_test_detects_afresh_says_the_api_and_the_detection_is_saved(
    qtbot: QtBot, start_store: StoreFactory
) -> None:
    store = start_store(customers=1, api="modern")
    profiles = Profiles([StoreProfile("Shop", store.base_url, detected=OLD)])
    dialog = ConnectionDialog(profiles, lambda _url: (store.consumer_key, store.consumer_secret))
    qtbot.addWidget(dialog)
    dialog.saved.setCurrentIndex(1)
    with qtbot.waitSignal(dialog._signals.finished, timeout=10_000):
        dialog.test_button.click()
    assert "through the REST API (/wp-json/wc/v3)" in dialog.test_result.text()
    with qtbot.waitSignal(dialog.chosen) as chosen:
        dialog.save_button.click()
    saved = remember(profiles, chosen.args[0])
    assert saved.detected is not None
    assert saved.detected.apis == StoreApis(legacy=False, modern=True)
    assert saved.detected.at > OLD.at
