"""News a worker thread tells the window arrives in the GUI thread (a test's wait, or any slot
without a thread of its own, would otherwise run in the worker's thread and crash Qt)."""

from __future__ import annotations

import threading
from pathlib import Path

from pytestqt.qtbot import QtBot

from app.api.client import WooClient
from app.services.events import Notice
from app.services.store_service import StoreService
from tests.support.events import expect, on


def test_news_from_another_thread_arrives_in_the_gui_thread(qtbot: QtBot, tmp_path: Path) -> None:
    def no_client() -> WooClient:
        raise AssertionError("nothing is asked of the store")

    service = StoreService(no_client, tmp_path, "https://shop.example")
    heard_in: list[str] = []
    on(service, Notice, lambda _event: heard_in.append(threading.current_thread().name))
    teller = threading.Thread(target=service.announce, args=("switched API",), name="worker")
    with expect(qtbot, service, Notice, timeout=5000):
        teller.start()
        teller.join()
    assert heard_in == [threading.main_thread().name]
    service.shutdown()
