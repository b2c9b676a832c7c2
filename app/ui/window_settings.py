"""What the main window remembers of its layout between runs.

Owns the settings keys of the window's geometry and toolbars, the split between the customer
table and the detail panel, and the panel's tab; the columns and the role filter remember
their own (app/ui/customer_columns.py, app/ui/role_filter.py).
"""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMainWindow, QSplitter, QTabWidget

#: Settings key: the detail panel's tab, by its page's objectName ("ordersTab").
DETAIL_TAB_KEY = "detail/tab"


def restore_window(window: QMainWindow, splitter: QSplitter, settings: QSettings) -> None:
    """The window's size, place and toolbars, and the split, as they were (else defaults)."""
    geometry = settings.value("window/geometry")
    if geometry is not None:
        window.restoreGeometry(geometry)
    else:
        screen = window.screen().availableGeometry()
        # resize() sets the inside of the window: leave room for the window manager's
        # title bar and borders, or the status bar ends up below a small screen's edge.
        window.resize(min(1280, screen.width() * 19 // 20), min(800, screen.height() * 9 // 10))
    state = settings.value("window/state")
    if state is not None:
        window.restoreState(state)
    sizes = settings.value("window/splitter")
    if sizes is not None:
        splitter.restoreState(sizes)
    else:
        width = window.width()
        splitter.setSizes([int(width * 0.62), int(width * 0.38)])


def save_window(window: QMainWindow, splitter: QSplitter, settings: QSettings) -> None:
    """Remember the window's size, place and toolbars, and the split."""
    settings.setValue("window/geometry", window.saveGeometry())
    settings.setValue("window/state", window.saveState())
    settings.setValue("window/splitter", splitter.saveState())


def restore_tab(tabs: QTabWidget, settings: QSettings) -> None:
    """Open the detail panel on the tab it showed last (by its page's objectName)."""
    name = settings.value(DETAIL_TAB_KEY)
    for index in range(tabs.count()):
        page = tabs.widget(index)
        if name and page is not None and page.objectName() == name:
            tabs.setCurrentIndex(index)
            return


def save_tab(tabs: QTabWidget, settings: QSettings) -> None:
    """Remember the detail panel's tab."""
    page = tabs.currentWidget()
    if page is not None:
        settings.setValue(DETAIL_TAB_KEY, page.objectName())
