"""FilterPanel: the row above the customer table with "Add filter" and a chip per active filter.

Owns the widgets only: the Add filter button and its menu (one entry per filter), the chips
(:class:`FilterChip`: the filter in words, click to edit; a remove button, or Delete and
Backspace, to remove; the focus then goes to Add filter) and Clear all (shown with two chips or
more). What a chip or an entry does is the filter part's (app/ui/customer_filters.py), told
through this panel's signals.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QMenu,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from app.domain.criteria import Chip, Criterion
from app.ui.flow_layout import FlowLayout

#: The Add filter menu: each entry's words and the filter its editor sets.
FILTER_CHOICES: tuple[tuple[str, Criterion], ...] = (
    ("Country…", Criterion.COUNTRIES),
    ("State or region…", Criterion.STATE),
    ("City…", Criterion.CITY),
    ("Orders…", Criterion.ORDERS),
    ("Total spent…", Criterion.SPENT),
    ("Average order value…", Criterion.AVERAGE),
    ("Registered…", Criterion.REGISTERED),
    ("Last order…", Criterion.LAST_ORDER),
    ("Never ordered…", Criterion.NEVER_ORDERED),  # the Last order editor, with it ticked
    ("Has a company…", Criterion.COMPANY),
    ("Has a phone…", Criterion.PHONE),
)

#: What a chip's remove button shows (a multiplication sign, as close buttons do).
REMOVE_MARK = "\N{MULTIPLICATION SIGN}"

# Palette-neutral enough for light themes; the rounded pill is what says "chip".
_CHIP_STYLE = """
QFrame#filterChip { background: #e8f0fe; border: 1px solid #a9c2ec; border-radius: 12px; }
QFrame#filterChip QToolButton { border: none; background: transparent; padding: 2px 4px; }
QFrame#filterChip QToolButton:hover { text-decoration: underline; }
QFrame#filterChip QToolButton:focus { background: #cddcf7; border-radius: 9px; }
QToolButton#chipRemove { font-weight: bold; color: #34507f; padding: 0 6px 1px 2px; }
QToolButton#chipRemove:hover { color: #b3261e; text-decoration: none; }
QToolButton#addFilterButton::menu-indicator { image: none; width: 0; }
"""


class FilterChip(QFrame):
    """One active filter: its words (click to edit it) and a remove button.

    Delete or Backspace on either button removes the filter too; Space or Enter presses the
    button that has the focus.

    Signals:
        edit_requested(Criterion): the words were clicked.
        remove_requested(Criterion): the remove button, or Delete/Backspace.
    """

    edit_requested = Signal(Criterion)
    remove_requested = Signal(Criterion)

    def __init__(self, chip: Chip, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterChip")
        self.criterion = chip.criterion
        self.setAccessibleName(f"Filter: {chip.text}")
        self.text_button = QToolButton()
        self.text_button.setObjectName("chipText")
        self.text_button.setText(chip.text.replace("&", "&&"))
        self.text_button.setToolTip("Change this filter")
        self.text_button.setAccessibleName(f"Change filter {chip.text}")
        self.text_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.text_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.text_button.clicked.connect(lambda: self.edit_requested.emit(self.criterion))
        self.remove_button = QToolButton()
        self.remove_button.setObjectName("chipRemove")
        self.remove_button.setText(REMOVE_MARK)
        self.remove_button.setToolTip("Remove this filter (Delete)")
        self.remove_button.setAccessibleName(f"Remove filter {chip.text}")
        self.remove_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.remove_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self.criterion))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 1, 2, 1)
        layout.setSpacing(0)
        layout.addWidget(self.text_button)
        layout.addWidget(self.remove_button)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    @property
    def text(self) -> str:
        """The filter in words, as shown."""
        return self.text_button.text().replace("&&", "&")

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        """Delete or Backspace removes the filter (the buttons pass these keys up)."""
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.remove_requested.emit(self.criterion)
            return
        super().keyPressEvent(event)


class FilterPanel(QWidget):
    """Add filter, the chips and Clear all (objectName ``filterPanel``).

    Signals:
        add_requested(Criterion): an entry of the Add filter menu was chosen.
        edit_requested(Criterion): a chip's words were clicked.
        remove_requested(Criterion): a chip was removed.
        clear_requested(): Clear all was clicked.
    """

    add_requested = Signal(Criterion)
    edit_requested = Signal(Criterion)
    remove_requested = Signal(Criterion)
    clear_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("filterPanel")
        self.setStyleSheet(_CHIP_STYLE)
        self.add_button = QToolButton()
        self.add_button.setObjectName("addFilterButton")
        self.add_button.setText("+ Add filter")
        self.add_button.setToolTip("Narrow the list by country, orders, spending, dates…")
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.add_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.add_menu = QMenu(self.add_button)
        self.add_menu.setObjectName("addFilterMenu")
        for text, criterion in FILTER_CHOICES:
            action = self.add_menu.addAction(text)
            action.setObjectName(f"addFilter-{criterion.value}")
            action.triggered.connect(
                lambda _checked=False, chosen=criterion: self.add_requested.emit(chosen)
            )
        self.add_button.setMenu(self.add_menu)
        self.clear_button = QToolButton()
        self.clear_button.setObjectName("clearFilters")
        self.clear_button.setText("Clear all")
        self.clear_button.setToolTip("Remove every filter")
        self.clear_button.setAutoRaise(True)
        self.clear_button.clicked.connect(self.clear_requested)
        # The chips' own row: hidden while no filter is set, wraps when there are many.
        self.chip_row = QWidget()
        self.chip_row.setObjectName("filterChips")
        self._chips_layout = FlowLayout(self.chip_row)
        self.chip_row.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.chips: list[FilterChip] = []
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 4)
        # Left-aligned in its cell: alone (no filter yet) it would sit in the middle of the row.
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.chip_row, 1)
        self.show_chips(())

    def show_chips(self, chips: Sequence[Chip]) -> None:
        """Show a chip per active filter (none: the chip row and Clear all hide)."""
        has_focus = self.focusWidget()
        focused = next((c.criterion for c in self.chips if c.isAncestorOf(has_focus)), None)
        for old in self.chips:
            self._chips_layout.removeWidget(old)
            old.hide()
            old.deleteLater()
        self.chips = []
        for chip in chips:
            widget = FilterChip(chip, self.chip_row)
            widget.edit_requested.connect(self._on_chip_edit_requested)
            widget.remove_requested.connect(self._on_chip_remove_requested)
            self._chips_layout.addWidget(widget)
            widget.show()
            self.chips.append(widget)
        # Clear all follows the last chip (it wraps with them), not the window's far edge.
        self._chips_layout.removeWidget(self.clear_button)
        self._chips_layout.addWidget(self.clear_button)
        self.chip_row.setVisible(bool(self.chips))
        self.clear_button.setVisible(len(self.chips) > 1)
        self._chips_layout.invalidate()
        if focused is not None:  # the chip that had the focus was replaced or removed
            self._focus_near(focused)

    def _focus_near(self, criterion: Criterion) -> None:
        for chip in self.chips:
            if chip.criterion == criterion:
                chip.text_button.setFocus()
                return
        # Its chip was removed: not onto another chip, where a second Delete would remove that.
        self.add_button.setFocus()

    def chip(self, criterion: Criterion) -> FilterChip | None:
        """The chip of a filter, if it is active."""
        return next((chip for chip in self.chips if chip.criterion == criterion), None)

    @Slot(Criterion)
    def _on_chip_edit_requested(self, criterion: Criterion) -> None:
        self.edit_requested.emit(criterion)

    @Slot(Criterion)
    def _on_chip_remove_requested(self, criterion: Criterion) -> None:
        self.remove_requested.emit(criterion)
