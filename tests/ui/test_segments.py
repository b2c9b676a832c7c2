"""Saved segments in the window (issue 16, item 2): the Segments menu saves the list as it is
shown, lists the store's segments, shows one (table, search box, role, chips), renames and
deletes them; they survive a restart, are kept per store, and the status bar names the one
shown. A window without a data folder has none."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QMenu
from pytestqt.qtbot import QtBot

from app.domain.criteria import Criteria, Criterion
from app.main import build
from app.stores.demo import DEMO_IDENTITY
from app.stores.segments import Segment, SegmentStore
from app.ui.main_window import MainWindow
from app.ui.segment_dialog import SegmentDialog
from app.ui.segments_menu import NO_PLACE
from tests.conftest import StoreFactory
from tests.support.windows import (
    DEMO_CUSTOMERS,
    WindowFactory,
    button,
    child,
    row_count,
    screenshot,
    start_and_wait,
    the_message_box,
    visible_children,
)

GERMAN_BUYERS = Criteria(countries=("DE",), min_orders=2)


def the_segment_dialog(window: MainWindow) -> SegmentDialog:
    dialogs = visible_children(window, SegmentDialog)
    assert len(dialogs) == 1, f"expected one open segment dialog, found {len(dialogs)}"
    return dialogs[0]


def save_segment(qtbot: QtBot, window: MainWindow, name: str) -> SegmentDialog:
    """Segments > Save as segment…, type a name, Save (the dialog stays open if refused)."""
    child(window, QAction, "actionSaveSegment").trigger()
    dialog = the_segment_dialog(window)
    field = child(dialog, QLineEdit, "segmentName")
    field.clear()
    qtbot.keyClicks(field, name)
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    return dialog


def listed(window: MainWindow) -> list[str]:
    """The segments the Segments menu lists."""
    menu = child(window, QMenu, "segmentsMenu")
    return [str(action.data()) for action in menu.actions() if action.data()]


def segment_status(window: MainWindow) -> str:
    label = child(window, QLabel, "statusSegment")
    return label.text() if label.isVisible() else ""


def chip_texts(window: MainWindow) -> list[str]:
    return [chip.text for chip in window.customer_list.filter_panel.chips]


def choose(window: MainWindow, name: str) -> None:
    found = window.segments.segment_action(name)
    assert found is not None, f"no menu entry for {name!r}"
    found.trigger()


def test_a_segment_is_saved_listed_shown_and_named_in_the_status_bar(
    qtbot: QtBot, demo_window: WindowFactory
) -> None:
    window = demo_window()
    assert listed(window) == []
    window.role_filter.choose(None)
    window.filters.set(GERMAN_BUYERS)
    window.search_field.setText("a")
    window.customer_list.apply_view()
    shown = list(window.session.model.ids)
    assert 0 < len(shown) < DEMO_CUSTOMERS

    # A name that cannot be used is refused in the dialog, which stays open.
    dialog = save_segment(qtbot, window, "   ")
    assert dialog.isVisible()
    assert child(dialog, QLabel, "segmentProblem").text() == "A segment needs a name."
    dialog.reject()
    dialog = save_segment(qtbot, window, "Repeat buyers in Germany")
    assert not dialog.isVisible()
    assert listed(window) == ["Repeat buyers in Germany"]
    assert segment_status(window) == "Segment: Repeat buyers in Germany"
    store = window.segments.store
    assert store is not None
    assert store.load(DEMO_IDENTITY) == [
        Segment("Repeat buyers in Germany", "a", None, GERMAN_BUYERS)
    ]
    dialog = save_segment(qtbot, window, "repeat buyers in germany")
    assert dialog.isVisible()
    assert "already a segment named" in child(dialog, QLabel, "segmentProblem").text()
    dialog.reject()

    # Changed: the status bar says so; back to the segment's view, it does not.
    window.filters.clear()
    assert segment_status(window) == "Segment: Repeat buyers in Germany (changed)"
    window.search_field.clear()
    window.role_filter.choose("customer")
    window.customer_list.apply_view()
    assert row_count(window) == DEMO_CUSTOMERS

    choose(window, "Repeat buyers in Germany")
    assert list(window.session.model.ids) == shown
    assert window.search_field.text() == "a"
    assert window.role_filter.role is None
    assert chip_texts(window) == ["Country: Germany", "Orders: at least 2"]
    assert segment_status(window) == "Segment: Repeat buyers in Germany"
    action = window.segments.segment_action("Repeat buyers in Germany")
    assert action is not None
    assert action.isChecked()


def test_segments_are_renamed_and_deleted_after_a_confirmation(
    qtbot: QtBot, demo_window: WindowFactory
) -> None:
    window = demo_window()
    window.filters.set(Criteria(min_orders=3))
    save_segment(qtbot, window, "Loyal")
    window.filters.set(Criteria(has_company=True))
    save_segment(qtbot, window, "Companies")
    assert listed(window) == ["Loyal", "Companies"]

    child(window, QAction, "actionRenameSegment").trigger()
    dialog = the_segment_dialog(window)
    child(dialog, QComboBox, "segmentChoice").setCurrentText("Loyal")
    child(dialog, QLineEdit, "segmentName").setText("Companies")
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()  # taken
    child(dialog, QLineEdit, "segmentName").setText("Loyal customers")
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()
    assert listed(window) == ["Loyal customers", "Companies"]
    assert segment_status(window) == "Segment: Companies"  # the one shown kept its name

    child(window, QAction, "actionDeleteSegment").trigger()
    dialog = the_segment_dialog(window)
    assert child(dialog, QComboBox, "segmentChoice").currentText() == "Companies"
    qtbot.mouseClick(dialog.accept_button, Qt.MouseButton.LeftButton)
    box = the_message_box(window, "confirmDeleteSegment")
    assert box.text() == "Delete the segment “Companies”?"
    qtbot.mouseClick(button(box, "Delete"), Qt.MouseButton.LeftButton)
    assert listed(window) == ["Loyal customers"]
    assert segment_status(window) == ""
    assert window.filters.criteria == Criteria(has_company=True)  # the list stays as it is


def test_segments_survive_a_restart_and_stay_with_their_store(
    qtbot: QtBot,
    tmp_path: Path,
    demo_window: WindowFactory,
    url_window: WindowFactory,
    start_store: StoreFactory,
    windows: list[MainWindow],
) -> None:
    window = demo_window()
    window.filters.set(Criteria(min_spent=Decimal(100)))
    save_segment(qtbot, window, "Big spenders")
    window.close()

    # Another store, with the same data folder: none of the demo store's segments.
    other = url_window(start_store(customers=5))
    start_and_wait(qtbot, other)
    assert listed(other) == []
    save_segment(qtbot, other, "Everyone")
    other.close()

    again = build(["--demo", "--data-dir", str(tmp_path / "data")])
    windows.append(again)
    again.show()
    qtbot.waitExposed(again)
    start_and_wait(qtbot, again)
    assert listed(again) == ["Big spenders"]
    assert segment_status(again) == ""  # nothing is shown by itself after a restart
    assert again.filters.criteria.empty
    choose(again, "Big spenders")
    assert chip_texts(again) == ["Total spent: at least $100.00"]
    ids = again.session.cache.ordered_ids(again.current_view())
    assert list(again.session.model.ids) == ids


def test_a_window_without_a_data_folder_has_no_segments(
    qtbot: QtBot, start_store: StoreFactory, store_window: WindowFactory
) -> None:
    window = store_window(start_store(customers=2))
    for name in ("actionSaveSegment", "actionRenameSegment", "actionDeleteSegment"):
        found = child(window, QAction, name)
        assert not found.isEnabled()
        assert found.toolTip() == NO_PLACE
    menu = child(window, QMenu, "segmentsMenu")
    assert menu.toolTipsVisible()


def test_forgetting_a_store_forgets_its_segments_only(tmp_path: Path) -> None:
    from app.paths import AppPaths
    from app.stores.forgetting import forget_store
    from app.stores.profiles import Profiles, ProfileStore, StoreProfile
    from app.stores.secrets import FileSecrets

    paths = AppPaths.under(tmp_path)
    shop, outlet = (
        StoreProfile("Shop", "https://shop.test"),
        StoreProfile("Outlet", "https://o.test"),
    )
    profiles = ProfileStore(paths.profiles_file)
    profiles.save(Profiles([shop, outlet], current="Shop"))
    segments = SegmentStore(paths.segments_file)
    for url in (shop.url, outlet.url):
        segments.save(url, Segment("Mine"))
    forget_store(
        "Shop",
        profiles=profiles,
        secrets=FileSecrets(paths.config_dir / "secrets.json"),
        cache_dir=paths.cache_dir,
        segments=segments,
    )
    assert segments.load(shop.url) == []
    assert [segment.name for segment in segments.load(outlet.url)] == ["Mine"]


def test_enter_saves_the_segment_or_says_what_is_wrong(
    qtbot: QtBot, demo_window: WindowFactory
) -> None:
    window = demo_window()
    window.filters.set(GERMAN_BUYERS)
    child(window, QAction, "actionSaveSegment").trigger()
    dialog = the_segment_dialog(window)
    qtbot.waitExposed(dialog)
    field = child(dialog, QLineEdit, "segmentName")
    field.setFocus()
    field.clear()
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert dialog.isVisible(), "Enter closed the dialog without a name"
    assert child(dialog, QLabel, "segmentProblem").text() == "A segment needs a name."
    qtbot.keyClicks(field, "German buyers")
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert listed(window) == ["German buyers"]
    assert segment_status(window) == "Segment: German buyers"


def test_the_segment_is_left_once_its_filters_and_search_are_gone(
    qtbot: QtBot, demo_window: WindowFactory
) -> None:
    window = demo_window()
    window.filters.set(GERMAN_BUYERS)
    window.search_field.setText("a")
    window.customer_list.apply_view()
    save_segment(qtbot, window, "German buyers")
    everyone = child(window, QAction, "segmentAllCustomers")
    assert not everyone.isChecked()

    # Part of it is still there: changed.
    window.filters.remove(Criterion.ORDERS)
    assert segment_status(window) == "Segment: German buyers (changed)"
    window.filters.clear()
    assert segment_status(window) == "Segment: German buyers (changed)"  # the search stays
    # The plain list: the segment is left, and a chart's bar clicked then does not bring it back.
    window.search_field.clear()
    window.customer_list.apply_view()
    assert row_count(window) == DEMO_CUSTOMERS
    assert segment_status(window) == ""
    window.filters.add(Criteria(min_orders=1))
    assert segment_status(window) == ""
    action = window.segments.segment_action("German buyers")
    assert action is not None
    assert not action.isChecked()
    assert child(window, QAction, "segmentAllCustomers").isChecked()

    # A chart's bar clicked over the segment keeps its filters: changed, not left.
    choose(window, "German buyers")
    assert segment_status(window) == "Segment: German buyers"
    window.filters.add(Criteria(has_phone=True))
    assert segment_status(window) == "Segment: German buyers (changed)"


def test_all_customers_leaves_the_segment_and_keeps_the_role(
    qtbot: QtBot, demo_window: WindowFactory
) -> None:
    window = demo_window()
    window.role_filter.choose(None)
    window.filters.set(GERMAN_BUYERS)
    window.search_field.setText("a")
    window.customer_list.apply_view()
    save_segment(qtbot, window, "German buyers")
    menu = child(window, QMenu, "segmentsMenu")
    entries = [action.text() for action in menu.actions() if not action.isSeparator()]
    assert entries[:3] == ["Save as segment…", "All customers", "German buyers"]

    child(window, QAction, "segmentAllCustomers").trigger()
    assert window.filters.criteria.empty
    assert window.search_field.text() == ""
    assert window.role_filter.role is None  # the role is not part of leaving a segment
    assert row_count(window) == window.session.cache.summary(window.current_view()).count
    assert segment_status(window) == ""
    assert child(window, QAction, "segmentAllCustomers").isChecked()
    action = window.segments.segment_action("German buyers")
    assert action is not None
    assert not action.isChecked()


def test_the_save_dialog_says_what_the_segment_keeps(
    qtbot: QtBot, demo_window: WindowFactory
) -> None:
    window = demo_window()
    window.filters.set(GERMAN_BUYERS)
    window.search_field.setText("paris")
    window.customer_list.apply_view()
    child(window, QAction, "actionSaveSegment").trigger()
    dialog = the_segment_dialog(window)
    summary = child(dialog, QLabel, "segmentSummary")
    assert summary.isVisible()
    assert summary.text() == (
        "Keeps the search “paris”, the role Customers and 2 filters: "
        "Country: Germany; Orders: at least 2."
    )
    screenshot(dialog, "segment_save_dialog")
    dialog.reject()

    window.filters.clear()
    window.search_field.clear()
    window.role_filter.choose(None)
    window.customer_list.apply_view()
    child(window, QAction, "actionSaveSegment").trigger()
    dialog = the_segment_dialog(window)
    assert child(dialog, QLabel, "segmentSummary").text() == "Keeps all roles and no filter."
