"""The main window's test helpers and fixtures, shared by the window's test modules.

The fixtures (``windows``, ``demo_window``, ``url_window``, ``store_window``) are registered
by tests/ui/conftest.py. Every window is closed at teardown, which stops its worker; a thread
that outlives its window fails the test. Screenshots go to ``screenshots/`` (gitignored).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PySide6.QtCore import QObject, QPoint, QSettings, Qt, QThread, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QMessageBox,
    QTableView,
    QTabWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from app.api.connection import StoreConnection
from app.demo_store import DemoStore
from app.domain.customer import Customer
from app.main import build
from app.models.customer_model import SORT_ROLE, CustomerColumn
from app.services.events import SyncFinished
from app.ui.customer_dialog import CustomerDialog
from app.ui.main_window import MainWindow
from app.ui.session import open_session
from tests.conftest import StoreFactory
from tests.support.events import expect

SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
#: Generous upper bounds for waits: a slow machine must not fail a correct test.
SHORT = 10_000
LONG = 30_000
DEMO_CUSTOMERS = 250  # what the embedded demo store seeds
#: The actions that need the store (disabled while it cannot be reached).
STORE_ACTIONS = (
    "actionNewCustomer",
    "actionEditCustomer",
    "actionDeleteCustomer",
    "actionSync",
    "actionFullSync",
    "actionFindByEmail",
)
OFFLINE_TOOLTIP = "The store cannot be reached right now."

T = TypeVar("T", bound=QObject)
WindowFactory = Callable[..., MainWindow]


# -- helpers -------------------------------------------------------------------------------------


def child(parent: QObject, kind: type[T], name: str) -> T:
    """The descendant of ``parent`` with this type and objectName (it must exist)."""
    found = parent.findChild(kind, name)
    assert found is not None, f"no {kind.__name__} named {name!r}"
    return found


def action(window: MainWindow, name: str) -> QAction:
    return child(window, QAction, name)


def visible_children(parent: QObject, kind: type[T], name: str = "") -> list[T]:
    """Shown widgets among the descendants (closed dialogs stay around as hidden children)."""
    # An empty name would match only unnamed objects: leave it out to match every name.
    found = parent.findChildren(kind, name) if name else parent.findChildren(kind)
    return [each for each in found if isinstance(each, QWidget) and each.isVisible()]


def the_dialog(window: MainWindow) -> CustomerDialog:
    dialogs = visible_children(window, CustomerDialog)
    assert len(dialogs) == 1, f"expected one open customer dialog, found {len(dialogs)}"
    return dialogs[0]


def the_message_box(window: MainWindow, name: str) -> QMessageBox:
    boxes = visible_children(window, QMessageBox, name)
    assert len(boxes) == 1, f"expected one open message box {name!r}, found {len(boxes)}"
    return boxes[0]


def worker_thread(window: MainWindow) -> QThread:
    """The long requests' thread (a sync's)."""
    return child(window.session.service, QThread, "api-long")


def customers(window: MainWindow) -> list[Customer]:
    """The customers of the table's rows, in row order."""
    model = window.session.model
    rows = [model.customer_at(row) for row in range(model.rowCount())]
    assert all(row is not None for row in rows)
    return [row for row in rows if row is not None]


def column_values(window: MainWindow, column: CustomerColumn) -> list[Any]:
    """The raw (sort) values of a column, in row order."""
    model = window.session.model
    return [model.data(model.index(row, column), SORT_ROLE) for row in range(model.rowCount())]


def reconnect_timer(window: MainWindow) -> QTimer:
    """The timer of the shown store's checks while it cannot be reached."""
    reconnector = window.session.reconnector
    assert reconnector is not None
    return reconnector.timer


def row_count(window: MainWindow) -> int:
    return window.session.model.rowCount()


def status_text(window: MainWindow, name: str) -> str:
    return child(window, QLabel, name).text()


def detail_texts(window: MainWindow) -> list[str]:
    """The texts of the labels the detail panel shows now."""
    detail = window.detail
    return [label.text() for label in detail.findChildren(QLabel) if label.isVisibleTo(detail)]


def click_customer(qtbot: QtBot, window: MainWindow, customer_id: int) -> None:
    """Click a customer's row in the table, as a user would."""
    table = child(window, QTableView, "customerTable")
    row = window.session.model.row_of(customer_id)
    assert row is not None, f"customer {customer_id} is not in the table"
    index = window.session.model.index(row, CustomerColumn.NAME)
    table.scrollTo(index)
    qtbot.mouseClick(
        table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(index).center()
    )
    selected = window.selected_customer()
    assert selected is not None
    assert selected.id == customer_id


def click_tab(qtbot: QtBot, window: MainWindow, page_name: str) -> None:
    tabs = child(window, QTabWidget, "detailTabs")
    index = tabs.indexOf(child(tabs, QWidget, page_name))
    assert index >= 0
    bar = tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert tabs.currentIndex() == index


def click_header(qtbot: QtBot, table: QTableView, column: int) -> None:
    header = table.horizontalHeader()
    x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )


def button(box: QMessageBox | QWidget, text: str) -> QAbstractButton:
    found = [b for b in box.findChildren(QAbstractButton) if b.text().replace("&", "") == text]
    assert len(found) == 1, f"no single {text!r} button"
    return found[0]


def type_search(qtbot: QtBot, window: MainWindow, text: str) -> None:
    """Type into the search box and wait for the debounced search to change the rows."""
    field = window.search_field
    before = list(window.session.model.ids)
    qtbot.keyClicks(field, text)
    # Debounced: no keystroke searches at once.
    assert list(window.session.model.ids) == before
    qtbot.waitUntil(lambda: list(window.session.model.ids) != before, timeout=SHORT)


def idle(timer: QTimer) -> Callable[[], bool]:
    """A condition for waitUntil: the timer is not running."""
    return lambda: not timer.isActive()


def sized(widget: QWidget, width: int, height: int) -> Callable[[], bool]:
    """A condition for waitUntil: the widget has this size."""
    return lambda: widget.size().toTuple() == (width, height)


def in_view(table: QTableView, column: int) -> bool:
    """Whether a column is shown whole inside the table's viewport (not scrolled out of it)."""
    header = table.horizontalHeader()
    if header.isSectionHidden(column):
        return False
    left = header.sectionViewportPosition(column)
    return left >= 0 and left + header.sectionSize(column) <= table.viewport().width()


def start_and_wait(qtbot: QtBot, window: MainWindow) -> None:
    """Start the window (store info and first sync) and wait for the sync to finish."""
    with expect(qtbot, window.session.service, SyncFinished, timeout=LONG):
        window.start()


def screenshot(widget: QWidget, name: str) -> Path:
    """Save a PNG of a widget as it is painted now."""
    SCREENSHOTS.mkdir(exist_ok=True)
    # Layouts settle before the grab: a hidden message posts a layout request, whose handling
    # posts the parent's; one pass would photograph the form mid-way.
    for _ in range(3):
        QApplication.processEvents()
    target = SCREENSHOTS / f"{name}.png"
    assert widget.grab().save(str(target)), f"could not save {target}"
    return target


def store_customer(store: DemoStore, customer_id: int) -> dict[str, Any] | None:
    """The store's own record of a user (read from its database, not through the app)."""
    row = (
        store.db.connection()
        .execute("SELECT id, email, first_name, role FROM users WHERE id = ?", (customer_id,))
        .fetchone()
    )
    return dict(row) if row is not None else None


def store_customer_by_email(store: DemoStore, email: str) -> dict[str, Any] | None:
    row = (
        store.db.connection()
        .execute("SELECT id, email, first_name, role FROM users WHERE email = ?", (email,))
        .fetchone()
    )
    return dict(row) if row is not None else None


# -- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def windows(qtbot: QtBot, start_store: StoreFactory) -> Iterator[list[MainWindow]]:
    """Windows to close at teardown; each one's worker thread must have stopped.

    Depends on start_store so that the windows close before their stores stop.
    """
    opened: list[MainWindow] = []
    yield opened
    outlived: list[str] = []
    for window in opened:  # every window is closed, even when an earlier one misbehaves
        threads = window.session.service.threads
        for dialog in visible_children(window, QWidget):
            if dialog.isWindow():
                dialog.close()
        window.close()
        if not all(thread.isFinished() for thread in threads):
            outlived.append(window.windowTitle())
        # Nothing scheduled may read the closed store's cache (a role count did, in another
        # test's window, once the session had closed).
        for timer in window.findChildren(QTimer):
            if timer.isActive() and timer.parent() is window:
                outlived.append(f"{window.windowTitle()}: timer {timer.objectName()!r}")
        window.deleteLater()
    assert not outlived, f"worker threads or timers outlived their windows: {outlived}"


@pytest.fixture
def demo_window(qtbot: QtBot, tmp_path: Path, windows: list[MainWindow]) -> WindowFactory:
    """Build, show and start the app on its embedded demo store (250 customers)."""

    def make() -> MainWindow:
        window = build(["--demo", "--data-dir", str(tmp_path / "data")])
        windows.append(window)
        window.show()
        qtbot.waitExposed(window)
        start_and_wait(qtbot, window)
        assert row_count(window) == DEMO_CUSTOMERS
        return window

    return make


@pytest.fixture
def url_window(
    qtbot: QtBot, tmp_path: Path, windows: list[MainWindow], monkeypatch: pytest.MonkeyPatch
) -> WindowFactory:
    """Build the app on a test store as ``--store-url`` does (keys from the environment)."""

    def make(store: DemoStore) -> MainWindow:
        monkeypatch.setenv("WC_CONSUMER_KEY", store.consumer_key)
        monkeypatch.setenv("WC_CONSUMER_SECRET", store.consumer_secret)
        window = build(["--store-url", store.base_url, "--data-dir", str(tmp_path / "data")])
        windows.append(window)
        window.show()
        qtbot.waitExposed(window)
        return window

    return make


@pytest.fixture
def store_window(qtbot: QtBot, tmp_path: Path, windows: list[MainWindow]) -> WindowFactory:
    """A window on a test store whose client retries quickly (outages are simulated, not
    waited out) and may page in small steps; shown, not started."""

    def make(store: DemoStore, **connection_options: Any) -> MainWindow:
        connection = StoreConnection(
            store.base_url,
            store.consumer_key,
            store.consumer_secret,
            backoff=0.01,
            max_backoff=0.05,
            **connection_options,
        )
        session = open_session(connection, tmp_path / "cache")
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(session, settings)
        windows.append(window)
        window.show()
        qtbot.waitExposed(window)
        return window

    return make
