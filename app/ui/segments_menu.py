"""Segments: the window's Segments menu, its dialogs, and the status bar's "Segment: …".

Owns saving the list as it is shown (search, role and filters) under a name, the store's saved
segments in the menu (choosing one shows it), renaming and deleting them (with a confirmation),
and saying in the status bar which segment is shown: "Segment: Repeat buyers in Germany" while
the view equals it, "Segment: Repeat buyers in Germany (changed)" while the search, role or
filters differ but some of its filters or its search are still there. Once none is (Clear all
and an emptied search: the plain list), the segment is left and the label goes; "All customers"
at the top of the menu's list leaves it at once. Segments are kept per store
(:func:`store_key`) in ``segments.json`` (:class:`~app.stores.segments.SegmentStore`); a window
without a data folder has none, and its actions say why.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu

from app.cache.repository import CustomerFilter
from app.domain.countries import fold
from app.domain.criteria import Criteria
from app.domain.roles import role_plural
from app.errors import AppError
from app.paths import AppPaths
from app.stores.demo import DEMO_IDENTITY
from app.stores.segments import Segment, SegmentStore
from app.ui.customer_list import CustomerList
from app.ui.detail_panel import plain_label
from app.ui.message_boxes import ask_to_confirm
from app.ui.segment_dialog import Chosen, SegmentDialog
from app.ui.session import StoreSession
from app.ui.session_part import SessionPart
from app.ui.window_actions import window_action

#: The tooltip of the segment actions in a window that has nowhere to keep them.
NO_PLACE = "Segments are kept in the app's data folder, and this window has none."


def store_key(session: StoreSession) -> str:
    """What a store's segments are kept under: its URL, as its cache is (the demo store's own)."""
    return DEMO_IDENTITY if session.is_demo else session.connection.url


class SegmentsMenu(SessionPart):
    """The Segments menu and the status bar's segment (see the module docstring).

    Args:
        window: the window the actions and dialogs belong to.
        customer_list: the list whose view a segment saves and shows.
        paths: the app's folders (None: no segments).
    """

    def __init__(
        self, window: QMainWindow, customer_list: CustomerList, paths: AppPaths | None
    ) -> None:
        super().__init__(window)
        self._window = window
        self._list = customer_list
        self.store = SegmentStore(paths.segments_file) if paths is not None else None
        #: The segment last chosen or saved, while this store is shown.
        self.shown: Segment | None = None
        self.menu: QMenu | None = None
        self.action_save = window_action(
            window, "actionSaveSegment", "Save as segment…", None, self.ask_to_save
        )
        self.action_rename = window_action(
            window, "actionRenameSegment", "Rename segment…", None, self.ask_to_rename
        )
        self.action_delete = window_action(
            window, "actionDeleteSegment", "Delete segment…", None, self.ask_to_delete
        )
        self.label = plain_label(selectable=False)
        self.label.setObjectName("statusSegment")
        self.label.hide()
        customer_list.view_changed.connect(self._on_view_changed)

    def fill(self, menu: QMenu) -> None:
        """Make ``menu`` the Segments menu (objectName ``segmentsMenu``)."""
        menu.setObjectName("segmentsMenu")
        menu.setToolTipsVisible(True)
        self.menu = menu
        self._refill()

    def attach(self, session: StoreSession) -> None:
        """Show another store's segments; no segment is shown in it yet."""
        self._session = session
        self.shown = None
        self._refill()
        self._update_label()

    # -- the menu ----------------------------------------------------------------------------

    def segments(self) -> list[Segment]:
        """The shown store's segments, in the order they were saved."""
        if self.store is None or self._session is None:
            return []
        return self.store.load(store_key(self.session))

    def segment_action(self, name: str) -> QAction | None:
        """The menu entry that shows a segment."""
        if self.menu is None:
            return None
        return next((a for a in self.menu.actions() if a.data() == name), None)

    def _refill(self) -> None:
        menu = self.menu
        if menu is None:
            return
        menu.clear()
        menu.addAction(self.action_save)
        menu.addSeparator()
        everyone = QAction("All customers", menu)
        everyone.setObjectName("segmentAllCustomers")
        everyone.setCheckable(True)
        everyone.setChecked(self.shown is None)
        everyone.setToolTip("Leave the segment: no filter and no search (the role stays)")
        everyone.triggered.connect(self.show_all)
        menu.addAction(everyone)
        saved = self.segments()
        for segment in saved:
            entry = QAction(segment.name.replace("&", "&&"), menu)
            entry.setData(segment.name)
            entry.setCheckable(True)
            entry.setChecked(self.shown is not None and self.shown.name == segment.name)
            entry.setToolTip(f"Show the customers of “{segment.name}”")
            entry.triggered.connect(lambda _checked=False, name=segment.name: self.show(name))
            menu.addAction(entry)
        if not saved:
            empty = menu.addAction("No saved segments")
            empty.setEnabled(False)
        menu.addSeparator()
        menu.addAction(self.action_rename)
        menu.addAction(self.action_delete)
        available = self.store is not None
        for action in (self.action_save, self.action_rename, self.action_delete):
            action.setToolTip(NO_PLACE if not available else action.text().rstrip("…"))
        self.action_save.setEnabled(available)
        self.action_rename.setEnabled(bool(saved))
        self.action_delete.setEnabled(bool(saved))

    # -- showing one -------------------------------------------------------------------------

    def show(self, name: str) -> bool:
        """Show a saved segment: its search, role and filters; whether it was there."""
        segment = self.store.find(store_key(self.session), name) if self.store else None
        if segment is None:
            return False
        self.shown = segment  # before the view changes, so the status bar names it at once
        problems = self._list.show_view(segment.search, segment.role, segment.criteria)
        if problems:  # a hand-edited file: say so rather than show something else
            self.shown = None
            self._window.statusBar().showMessage(
                f"The segment “{segment.name}” cannot be shown: {problems[0].message}", 10_000
            )
        self._refill()
        self._update_label()
        return not problems

    @Slot()
    def show_all(self) -> None:
        """Leave the segment shown: clear the filters and the search, keep the role."""
        self.shown = None
        self._list.show_view("", self._list.role_filter.role, Criteria())
        self._refill()
        self._update_label()

    @Slot(CustomerFilter)
    def _on_view_changed(self, _view: CustomerFilter) -> None:
        self._update_label()

    def _update_label(self) -> None:
        segment = self.shown
        if segment is None or self._session is None:
            self.label.hide()
            return
        view = self._list.current_view()
        same = (view.search, view.role, view.criteria) == (
            segment.search,
            segment.role,
            segment.criteria,
        )
        if not same and not self._keeps_some_of(segment, view):
            self.shown = None  # the list has left the segment: the menu no longer ticks it
            self._refill()
            self.label.hide()
            return
        self.label.setText(f"Segment: {segment.name}{'' if same else ' (changed)'}")
        self.label.setToolTip(
            "The list shows this saved segment"
            if same
            else "The search, role or filters differ from the saved segment"
        )
        self.label.show()

    def _keeps_some_of(self, segment: Segment, view: CustomerFilter) -> bool:
        """Whether the view still has one of the segment's filters, or its search in part."""
        money = self._list.filters.money()
        kept = set(segment.criteria.chips(money)) & set(view.criteria.chips(money))
        searched, searching = fold(segment.search), fold(view.search)
        still_searched = bool(searched and searching) and (
            searching in searched or searched in searching
        )
        return bool(kept) or still_searched

    # -- saving, renaming, deleting ----------------------------------------------------------

    @Slot()
    def ask_to_save(self) -> SegmentDialog | None:
        """Ask a name and save the list as it is shown under it."""
        if self.store is None:
            return None
        return self._open(
            SegmentDialog(
                self._window,
                title="Save as segment",
                action="Save",
                chosen=lambda _picked, name: self._save(name),
                summary=self.kept_summary(),
            )
        )

    def kept_summary(self) -> str:
        """What saving now keeps, in words: the search, the role and the filters' chips."""
        view = self._list.current_view()
        kept = [f"the search “{view.search}”"] if view.search.strip() else []
        kept.append(f"the role {role_plural(view.role)}" if view.role else "all roles")
        chips = [chip.text for chip in view.criteria.chips(self._list.filters.money())]
        if not chips:
            kept.append("no filter")
        else:
            count = "1 filter" if len(chips) == 1 else f"{len(chips)} filters"
            kept.append(f"{count}: {'; '.join(chips)}")
        listed = ", ".join(kept[:-1])
        return f"Keeps {listed} and {kept[-1]}."

    def _save(self, name: str) -> None:
        assert self.store is not None
        view = self._list.current_view()
        segment = Segment(name, view.search, view.role, view.criteria)
        with _told_as_app_error("saved"):
            self.shown = self.store.save(store_key(self.session), segment)
        self._refill()
        self._update_label()
        self._window.statusBar().showMessage(f"Saved the segment “{self.shown.name}”.", 5_000)

    @Slot()
    def ask_to_rename(self) -> SegmentDialog | None:
        """Ask which segment and its new name."""
        return self._pick(
            "Rename segment", "Rename", lambda picked, name: self._rename(picked or "", name)
        )

    def _pick(
        self, title: str, action: str, chosen: Chosen, *, name: str | None = ""
    ) -> SegmentDialog | None:
        """Ask which of the store's segments (None when it has none, or no folder to keep them)."""
        names = [segment.name for segment in self.segments()]
        if self.store is None or not names:
            return None
        return self._open(
            SegmentDialog(
                self._window,
                title=title,
                action=action,
                chosen=chosen,
                segments=names,
                current=self.shown.name if self.shown else None,
                name=name,
            )
        )

    def _rename(self, old: str, new: str) -> None:
        assert self.store is not None
        with _told_as_app_error("renamed"):
            renamed = self.store.rename(store_key(self.session), old, new)
        if self.shown is not None and self.shown.name == old:
            self.shown = renamed
        self._refill()
        self._update_label()

    @Slot()
    def ask_to_delete(self) -> SegmentDialog | None:
        """Ask which segment, then confirm deleting it."""
        return self._pick(
            "Delete segment",
            "Delete…",
            lambda picked, _name: self._confirm_delete(picked or ""),
            name=None,
        )

    def _confirm_delete(self, name: str) -> None:
        ask_to_confirm(
            self._window,
            name="confirmDeleteSegment",
            title="Delete segment",
            question=f"Delete the segment “{name}”?",
            explanation=(
                "Only its name and what it shows are forgotten: the customers stay as they are, "
                "in the store and on this computer."
            ),
            action="Delete",
            confirmed=lambda: self._delete(name),
        )

    def _delete(self, name: str) -> None:
        assert self.store is not None
        try:
            self.store.delete(store_key(self.session), name)
        except OSError as error:
            self._window.statusBar().showMessage(
                f"The segment “{name}” could not be deleted: {error.strerror or error}", 10_000
            )
            return
        if self.shown is not None and self.shown.name == name:
            self.shown = None
        self._refill()
        self._update_label()
        self._window.statusBar().showMessage(f"Deleted the segment “{name}”.", 5_000)

    def _open(self, dialog: SegmentDialog) -> SegmentDialog:
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog


@contextmanager
def _told_as_app_error(what: str) -> Iterator[None]:
    """A segments file that cannot be written, as an AppError the dialog shows."""
    try:
        yield
    except OSError as error:
        raise AppError(f"The segment could not be {what}: {error.strerror or error}") from error
