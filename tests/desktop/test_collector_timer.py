"""Garbage holding Qt objects is collected in the GUI thread, never in a worker thread."""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.desktop.collector_timer import CHECK_INTERVAL_MS, collect_in_gui_thread
from app.runtime.cycle_collector import collects_only_when_asked


class Holder:
    """Python garbage that holds a Qt object Python owns, in a cycle (as a closed store's
    service did, through the lambdas connected to it)."""

    def __init__(self) -> None:
        self.me = self
        self.qt_object = QObject()


def test_a_qt_object_in_garbage_is_destroyed_in_the_gui_thread_when_a_worker_allocates(
    qtbot: QtBot, qapp: QApplication
) -> None:
    assert collect_in_gui_thread(qapp) is collect_in_gui_thread(qapp)  # one timer per app
    assert collects_only_when_asked()
    destroyed_in: list[str] = []
    gc.collect()
    holder = Holder()
    holder.qt_object.destroyed.connect(lambda: destroyed_in.append(threading.current_thread().name))
    del holder

    kept: list[list[int]] = []

    def allocate() -> None:
        # Far past every threshold (and kept: what is freed again does not count), so automatic
        # collection would run here, in this thread.
        kept.extend([] for _ in range(100 * gc.get_threshold()[0]))

    worker = threading.Thread(target=allocate, name="worker")
    worker.start()
    worker.join()
    assert destroyed_in == []  # nothing collected it in the worker
    qtbot.waitUntil(lambda: destroyed_in != [], timeout=10 * CHECK_INTERVAL_MS)
    assert destroyed_in == [threading.main_thread().name]
