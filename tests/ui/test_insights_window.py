"""The insights dock in the window: shown from the View menu, following the list, filtering it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget
from pytestqt.qtbot import QtBot

from app.cache.repository import CustomerFilter
from app.ui.customer_columns import ESSENTIAL
from app.ui.insights import DEFAULT_WIDTH, MINIMUM_WIDTH
from app.ui.insights_view import InsightsView
from app.ui.main_window import MainWindow
from tests.support.windows import (
    SHORT,
    WindowFactory,
    action,
    child,
    in_view,
    row_count,
    screenshot,
    sized,
    type_search,
)


def test_the_insights_dock_follows_the_list_and_its_bars_filter_it(
    qtbot: QtBot, demo_window: WindowFactory
) -> None:
    window = demo_window()
    window.resize(1280, 800)
    dock = child(window, QDockWidget, "insightsDock")
    assert not dock.isVisible()
    # Made when first shown: a window that starts without it pays nothing for it.
    assert window.findChild(InsightsView, "insightsView") is None
    toggle = action(window, "actionInsights")
    assert toggle in window.view_menu.actions()
    toggle.trigger()
    view = child(window, InsightsView, "insightsView")
    figure = view.cards["customers"].figure
    qtbot.waitUntil(lambda: figure.text() == f"{row_count(window):,}", timeout=SHORT)

    # The search narrows the figures with the table.
    type_search(qtbot, window, "smith")
    qtbot.waitUntil(lambda: figure.text() == f"{row_count(window):,}", timeout=SHORT)
    window.search_field.clear()
    qtbot.waitUntil(lambda: figure.text() == f"{row_count(window):,}", timeout=SHORT)

    # A country bar filters the table to that country: a chip, and exactly the cache's list.
    chart = view.countries
    first = chart.bar_rect(0)
    qtbot.mouseClick(chart, Qt.MouseButton.LeftButton, pos=first.center())
    criteria = window.filters.criteria
    assert len(criteria.countries) == 1
    expected = window.session.cache.ordered_ids(
        CustomerFilter(role="customer", criteria=criteria, sort=window.session.model.view.sort)
    )
    qtbot.waitUntil(lambda: list(window.session.model.ids) == expected, timeout=SHORT)
    assert figure.text() == f"{len(expected):,}"
    panel = window.customer_list.filter_panel
    assert [chip.text.split(":")[0] for chip in panel.chips] == ["Country"]
    assert panel.chip_row.isVisible()
    screenshot(window, "insights-window")


def essentials_in_view(window: MainWindow) -> bool:
    """Name, Email, Orders and Total spent whole in the table, nothing to scroll sideways to."""
    table = window.table
    fits = all(in_view(table, column) for column in ESSENTIAL)
    return fits and table.horizontalScrollBar().maximum() == 0


@pytest.mark.parametrize(("width", "height"), [(1280, 800), (1024, 640)])
def test_with_the_dock_open_the_essential_columns_stay_in_view(
    qtbot: QtBot, demo_window: WindowFactory, width: int, height: int
) -> None:
    window = demo_window()
    window.resize(width, height)
    qtbot.waitUntil(sized(window, width, height))
    dock = child(window, QDockWidget, "insightsDock")
    action(window, "actionInsights").trigger()
    qtbot.waitUntil(lambda: dock.isVisible() and dock.width() > 0)
    assert 300 <= dock.width() <= DEFAULT_WIDTH, "a sensible width, not the table's"
    qtbot.waitUntil(lambda: essentials_in_view(window), timeout=SHORT)
    screenshot(window, f"insights-dock-{width}x{height}")
    detail = window.detail
    floor = max(detail.minimumWidth(), detail.minimumSizeHint().width())
    if width == 1280:  # the panel yielded down to its minimum, and stays in view
        qtbot.waitUntil(lambda: 0 < window.splitter.sizes()[1] <= floor)
    else:  # even at its minimum the panel would leave no room: it folds away
        assert window.splitter.sizes()[1] == 0

    # The dock dragged wider (the panel folds away), then narrower again.
    window.resizeDocks([dock], [width // 2], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: essentials_in_view(window), timeout=SHORT)
    window.resizeDocks([dock], [MINIMUM_WIDTH + 20], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: dock.width() == MINIMUM_WIDTH + 20)
    qtbot.waitUntil(lambda: essentials_in_view(window), timeout=SHORT)
    if width == 1280:  # room again: the panel is back
        qtbot.waitUntil(lambda: window.splitter.sizes()[1] >= detail.minimumWidth())
    window.resizeDocks([dock], [1], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: dock.width() == MINIMUM_WIDTH)
