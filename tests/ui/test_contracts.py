"""The window's contracts that tests and tools rely on (issue 14, item 8): object names and
the table's selection mode. Renaming one breaks them; this test says which."""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractItemView, QComboBox, QLabel, QMenu, QTableView, QWidget
from pytestqt.qtbot import QtBot

from tests.support.windows import WindowFactory, child


def test_the_windows_contracts_hold(qtbot: QtBot, demo_window: WindowFactory) -> None:
    window = demo_window()
    child(window, QComboBox, "storeSwitcher")
    roles = child(window, QComboBox, "roleFilter")
    assert roles.count() >= 2
    online = child(window, QLabel, "statusOnline")
    assert "Online" in online.text() or "Offline" in online.text()
    for name in ("actionReconnect", "actionOpenInAdmin", "actionExportSelected"):
        child(window, QAction, name)
    menu = child(window, QMenu, "viewMenu")
    assert menu.title().replace("&", "") == "View"
    child(window, QWidget, "filterPanel")
    segments = child(window, QMenu, "segmentsMenu")
    assert segments.title().replace("&", "") == "Segments"
    table = child(window, QTableView, "customerTable")
    assert table.selectionMode() == QAbstractItemView.SelectionMode.ExtendedSelection
