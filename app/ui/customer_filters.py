"""CustomerFilters: the filters the customer list is narrowed by, for the store shown.

Owns the current :class:`~app.domain.criteria.Criteria` (one store's: switching stores clears
them, and nothing is remembered across restarts except through saved segments), the filter
panel above the table (app/ui/filter_panel.py) and each filter's editor
(app/ui/filter_editor.py). Every change is applied at once: :attr:`CustomerFilters.changed`
tells the customer list, which reads :attr:`CustomerFilters.criteria` into its view. Criteria
with a problem are never applied. Other parts narrow the list too: :meth:`CustomerFilters.add`
merges a fragment (a chart's bar clicked), :meth:`CustomerFilters.set` replaces them (a segment).
"""

from __future__ import annotations

from dataclasses import fields, replace
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QWidget

from app.domain.criteria import Criteria, Criterion, Problem
from app.domain.money import MoneyFormat
from app.ui.filter_panel import FilterPanel
from app.ui.session import StoreSession
from app.ui.session_part import SessionPart

if TYPE_CHECKING:
    from app.ui.filter_editor import FilterEditor


class CustomerFilters(SessionPart):
    """The list's filters and their panel (see the module docstring).

    Args:
        window: the window the editors open over.

    Signals:
        changed(): the criteria changed: the list shows them now.
    """

    changed = Signal()

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self.criteria = Criteria()
        self.panel = FilterPanel()
        self.panel.add_requested.connect(self.edit)
        self.panel.edit_requested.connect(self.edit)
        self.panel.remove_requested.connect(self.remove)
        self.panel.clear_requested.connect(self.clear)
        self.editor: FilterEditor | None = None

    def attach(self, session: StoreSession) -> None:
        """Work on another store: its filters start empty (its countries and money differ)."""
        self._session = session
        if self.editor is not None:
            self.editor.close()
        self.set(Criteria(), quietly=True)

    # -- changing the criteria ---------------------------------------------------------------

    def set(self, criteria: Criteria, *, quietly: bool = False) -> list[Problem]:
        """Show these criteria (none of the current ones stay); their problems if refused.

        ``quietly``: the chips follow but :attr:`changed` is not emitted (the caller applies
        the view itself, once, with other changes: a segment's search and role).
        """
        problems = criteria.problems()
        if problems:
            return problems
        self.criteria = criteria
        self.panel.show_chips(criteria.chips(self.money()))
        if not quietly:
            self.changed.emit()
        return []

    def add(self, fragment: Criteria) -> list[Problem]:
        """Narrow the list by ``fragment``'s filters, which replace the same filters set now.

        A filter set now that cannot go with the fragment's (Never ordered, for a range of
        orders) gives way to it. Returns the fragment's problems if it has any (nothing changes).
        """
        problems = fragment.problems()
        if problems:
            return problems
        blank = Criteria()
        chosen = {
            spec.name: getattr(fragment, spec.name)
            for spec in fields(Criteria)
            if getattr(fragment, spec.name) != getattr(blank, spec.name)
        }
        merged = replace(self.criteria, **chosen)
        for criterion in self.criteria.active():
            if not merged.problems():
                break
            if criterion not in fragment.active():
                merged = merged.without(criterion)
        return self.set(merged if not merged.problems() else fragment)

    @Slot(Criterion)
    def remove(self, criterion: Criterion) -> None:
        """Remove one filter (its chip's remove button)."""
        self.set(self.criteria.without(criterion))

    @Slot()
    def clear(self) -> None:
        """Remove every filter."""
        if not self.criteria.empty:
            self.set(Criteria())

    # -- the editors -------------------------------------------------------------------------

    @Slot(Criterion)
    def edit(self, criterion: Criterion) -> FilterEditor:
        """Open the editor of one filter (from the Add filter menu or its chip)."""
        # Imported on first use: the window starts without the editors' module.
        from app.ui.filter_editor import FilterEditor

        if self.editor is not None:
            self.editor.close()
        editor = FilterEditor(
            criterion, self.criteria, self.session.cache.countries(), self.money(), self._window
        )
        editor.applied.connect(self._on_editor_applied)
        editor.finished.connect(lambda _result: self._on_editor_finished(editor))
        self.editor = editor
        editor.open()
        return editor

    @Slot(Criteria)
    def _on_editor_applied(self, criteria: Criteria) -> None:
        self.set(criteria)

    def _on_editor_finished(self, editor: FilterEditor) -> None:
        if self.editor is editor:
            self.editor = None
            # Back to Add filter: the chip the editor was opened from may be gone (made anew),
            # and Qt would leave the focus nowhere, or on a chip where Delete removes it.
            self.panel.add_button.setFocus()
        editor.deleteLater()

    def money(self) -> MoneyFormat:
        """How the store writes money (a plain format until it said)."""
        return self.session.cache.money_format() or MoneyFormat()
