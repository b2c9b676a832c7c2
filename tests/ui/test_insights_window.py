"""The insights dock in the window: shown from the View menu, following the list, filtering it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget
from pytestqt.qtbot import QtBot

from app.cache.repository import CustomerFilter
from app.ui.insights_view import InsightsView
from tests.support.windows import (
    SHORT,
    WindowFactory,
    action,
    child,
    row_count,
    screenshot,
    type_search,
)


def test_the_insights_dock_follows_the_list_and_its_bars_filter_it(
    qtbot: QtBot, demo_window: WindowFactory
) -> None:
    window = demo_window()
    window.resize(1280, 800)
    dock = child(window, QDockWidget, "insightsDock")
    view = child(window, InsightsView, "insightsView")
    assert not dock.isVisible()
    toggle = action(window, "actionInsights")
    assert toggle in window.view_menu.actions()
    toggle.trigger()
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
