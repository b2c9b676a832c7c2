"""Store > Forget this store…: only for a saved store; confirmed, it leaves for the demo store.

Windows are built as the app builds them (``build`` with ``--data-dir``), on a saved profile
whose keys are in the owner-only secrets file, against a demo store on 127.0.0.1. The
confirmation is answered by clicking its buttons, as the delete confirmation's tests do.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMenu, QWidget
from pytestqt.qtbot import QtBot

from app.cache.database import cache_path
from app.demo_store import DemoStore
from app.errors import ConfigurationError
from app.main import build
from app.paths import AppPaths
from app.services.events import OnlineChanged
from app.stores.forgetting import ForgottenStore, forget_store
from app.stores.profiles import Profiles, ProfileStore, StoreProfile
from app.stores.secrets import FileSecrets, KeyringSecrets
from app.ui import stores as stores_module
from app.ui.main_window import MainWindow
from tests.conftest import GUI_PROFILES, StoreFactory
from tests.support.events import expect
from tests.support.windows import (
    DEMO_CUSTOMERS,
    LONG,
    SHORT,
    WindowFactory,
    action,
    button,
    child,
    row_count,
    screenshot,
    start_and_wait,
    the_message_box,
)

# The offscreen platform cannot resize, raise or grab like a desktop; it says so on every
# window, which is no fault of the widgets under test.
pytestmark = [
    pytest.mark.qt_log_ignore(
        r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)"
    ),
    # The saved store is opened, detected and forgotten on each client the window can be given.
    pytest.mark.profiles(*GUI_PROFILES, reason="the window's clients: legacy and wc/v3"),
]

SHOP_CUSTOMERS = 12


@dataclass
class SavedShop:
    """A store saved as "Shop" (keys in the secrets file) in the app's folders."""

    store: DemoStore
    paths: AppPaths
    data_dir: Path

    @property
    def profiles(self) -> Profiles:
        return ProfileStore(self.paths.config_dir / "stores.json").load()

    @property
    def keys(self) -> tuple[str, str] | None:
        return FileSecrets(self.paths.config_dir / "secrets.json").get(self.store.base_url)

    def cache_files(self) -> list[Path]:
        """The store's cache file and the SQLite files beside it that exist now."""
        path = cache_path(self.paths.cache_dir, self.store.base_url)
        candidates = [path, *(Path(f"{path}{s}") for s in ("-wal", "-shm", "-journal"))]
        return [file for file in candidates if file.exists()]

    def customers_in_store(self) -> int:
        """The store's own count of its users (read from its database, not through the app)."""
        row = self.store.db.connection().execute("SELECT COUNT(*) FROM users").fetchone()
        return int(row[0])


@pytest.fixture
def shop(tmp_path: Path, profile_store: StoreFactory, monkeypatch: pytest.MonkeyPatch) -> SavedShop:
    # No keychain: the app keeps keys in its owner-only file, which the test can read.
    monkeypatch.setattr(KeyringSecrets, "available", staticmethod(lambda: False))
    store = profile_store(customers=SHOP_CUSTOMERS)
    data_dir = tmp_path / "data"
    paths = AppPaths.under(data_dir)
    ProfileStore(paths.config_dir / "stores.json").save(
        Profiles([StoreProfile("Shop", store.base_url)], current="Shop")
    )
    FileSecrets(paths.config_dir / "secrets.json").put(
        store.base_url, store.consumer_key, store.consumer_secret
    )
    return SavedShop(store, paths, data_dir)


@pytest.fixture
def app_window(qtbot: QtBot, windows: list[MainWindow]) -> Callable[..., MainWindow]:
    """Build the app as ``woo-customers ARGS`` does; shown, started and synced."""

    def make(*args: str) -> MainWindow:
        window = build(list(args))
        windows.append(window)
        window.show()
        qtbot.waitExposed(window)
        start_and_wait(qtbot, window)
        return window

    return make


def switcher_texts(window: MainWindow) -> list[str]:
    switcher = window.store_switcher
    return [switcher.itemText(i) for i in range(switcher.count())]


def banner_text(window: MainWindow) -> str:
    banner = child(window, QWidget, "errorBanner")
    assert banner.isVisible(), "the banner is not shown"
    return " ".join(label.text() for label in banner.findChildren(QLabel))


@pytest.mark.slow
def test_only_a_saved_store_can_be_forgotten(
    qtbot: QtBot,
    shop: SavedShop,
    app_window: Callable[..., MainWindow],
    url_window: WindowFactory,
    profile_store: StoreFactory,
) -> None:
    forget = "actionForgetStore"
    on_demo = app_window("--demo", "--data-dir", str(shop.data_dir))
    assert on_demo.session.is_demo
    assert not action(on_demo, forget).isEnabled()
    on_demo.close()

    on_shop = app_window("--data-dir", str(shop.data_dir))
    assert on_shop.session.connection.url == shop.store.base_url
    assert action(on_shop, forget).isEnabled()
    assert action(on_shop, forget).text() == "Forget this store…"
    store_menu = next(m for m in on_shop.menuBar().findChildren(QMenu) if m.title() == "&Store")
    assert action(on_shop, forget) in store_menu.actions()
    on_shop.close()

    # A store opened by its URL alone (keys from the environment) has nothing saved to forget.
    unsaved = url_window(profile_store(customers=3))
    assert not unsaved.session.is_demo
    assert not action(unsaved, forget).isEnabled()


@pytest.mark.slow
def test_a_confirmed_forget_leaves_for_the_demo_store_and_removes_what_was_saved(
    qtbot: QtBot,
    shop: SavedShop,
    app_window: Callable[..., MainWindow],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = app_window("--data-dir", str(shop.data_dir))
    # Whether the window had left the store when its files were deleted (Linux would delete
    # an open cache file without a word, so this is checked where it happens).
    demo_shown_when_forgetting: list[bool] = []

    def forget_and_note(name_or_url: str, **where: Any) -> ForgottenStore:
        demo_shown_when_forgetting.append(window.session.is_demo)
        return forget_store(name_or_url, **where)

    monkeypatch.setattr(stores_module, "forget_store", forget_and_note)
    assert row_count(window) == SHOP_CUSTOMERS
    assert shop.cache_files(), "the sync made no cache"
    assert "Shop" in switcher_texts(window)

    action(window, "actionForgetStore").trigger()
    box = the_message_box(window, "confirmForgetStore")
    assert "“Shop”" in box.text()
    details = box.informativeText()
    assert "keys and its cached customers are removed from this computer" in details
    assert f"The store itself ({shop.store.base_url}) and its customers are not changed" in details
    screenshot(box, "forget_store_confirmation")

    qtbot.mouseClick(button(box, "Forget"), Qt.MouseButton.LeftButton)
    assert not box.isVisible()
    # The banner says so, and stays (the demo store's sync reports in the status bar).
    assert window.banner.isVisible()
    assert any(
        label.text().startswith("Forgot “Shop”") for label in window.banner.findChildren(QLabel)
    )
    assert demo_shown_when_forgetting == [True]
    assert window.session.is_demo
    assert window.windowTitle().startswith("Demo store")
    qtbot.waitUntil(lambda: row_count(window) == DEMO_CUSTOMERS, timeout=LONG)

    profiles = shop.profiles
    assert (profiles.stores, profiles.current) == ([], None)
    assert shop.keys is None
    assert shop.cache_files() == []
    assert "Shop" not in switcher_texts(window)
    assert window.store_switcher.currentText() == "Demo store"
    assert not action(window, "actionForgetStore").isEnabled()
    banner_texts = [label.text() for label in window.banner.findChildren(QLabel)]
    assert not [text for text in banner_texts if "failed" in text], "no error, only the news"
    screenshot(window, "main_window_forgot_store")
    # This computer forgot the store; the store kept every customer.
    assert shop.customers_in_store() == SHOP_CUSTOMERS + 1  # and its administrator


def test_declining_to_forget_changes_nothing(
    qtbot: QtBot, shop: SavedShop, app_window: Callable[..., MainWindow]
) -> None:
    window = app_window("--data-dir", str(shop.data_dir))
    cache_files = shop.cache_files()
    action(window, "actionForgetStore").trigger()
    box = the_message_box(window, "confirmForgetStore")
    qtbot.mouseClick(button(box, "Cancel"), Qt.MouseButton.LeftButton)
    assert not box.isVisible()
    assert window.session.connection.url == shop.store.base_url
    assert row_count(window) == SHOP_CUSTOMERS
    assert shop.profiles.current == "Shop"
    assert shop.keys == (shop.store.consumer_key, shop.store.consumer_secret)
    assert shop.cache_files() == cache_files
    assert window.store_switcher.currentText() == "Shop"
    assert action(window, "actionForgetStore").isEnabled()


def test_a_failure_to_forget_shows_in_the_banner_and_keeps_the_store_listed(
    qtbot: QtBot,
    shop: SavedShop,
    app_window: Callable[..., MainWindow],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    window = app_window("--data-dir", str(shop.data_dir))

    def locked(self: FileSecrets, url: str) -> None:
        raise ConfigurationError("The system keychain is locked.")

    monkeypatch.setattr(FileSecrets, "delete", locked)
    action(window, "actionForgetStore").trigger()
    qtbot.mouseClick(
        button(the_message_box(window, "confirmForgetStore"), "Forget"),
        Qt.MouseButton.LeftButton,
    )
    assert window.session.is_demo
    assert "Forgetting “Shop” failed: The system keychain is locked." in banner_text(window)
    # Nothing was half-forgotten: the store is still listed, ready to be forgotten again.
    assert "Shop" in switcher_texts(window)
    assert shop.profiles.find("Shop") is not None
    assert shop.cache_files() != []
    qtbot.waitUntil(lambda: row_count(window) == DEMO_CUSTOMERS, timeout=LONG)


@pytest.mark.slow
def test_forgetting_a_store_that_went_offline_shows_the_demo_store_online(
    qtbot: QtBot,
    shop: SavedShop,
    app_window: Callable[..., MainWindow],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.api.connection import StoreConnection
    from app.demo_store import Fault
    from app.stores import access as store_access
    from app.stores import demo as demo_module

    # Outages are simulated, not waited out: the connections retry quickly.
    fast = functools.partial(StoreConnection, backoff=0.01, max_backoff=0.05)
    for module in (store_access, demo_module):
        monkeypatch.setattr(module, "StoreConnection", fast)
    window = app_window("--data-dir", str(shop.data_dir))
    shop.store.faults.schedule(Fault.RESET, count=1000)
    with expect(qtbot, window.session.service, OnlineChanged, timeout=SHORT):
        action(window, "actionSync").trigger()
    assert not window.online
    assert child(window, QLabel, "statusOnline").text().startswith("Offline")

    action(window, "actionForgetStore").trigger()
    qtbot.mouseClick(
        button(the_message_box(window, "confirmForgetStore"), "Forget"), Qt.MouseButton.LeftButton
    )
    qtbot.waitUntil(lambda: row_count(window) == DEMO_CUSTOMERS, timeout=LONG)
    assert window.session.is_demo
    assert window.online
    assert child(window, QLabel, "statusOnline").text() == "Online · demo store"
    assert banner_text(window).startswith("Forgot “Shop”"), "the news, not the old outage"
    assert not action(window, "actionReconnect").isEnabled()
    for name in ("actionNewCustomer", "actionSync", "actionImportCsv"):
        assert action(window, name).isEnabled(), name
