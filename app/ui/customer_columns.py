"""CustomerColumns: which columns of the customer table show, how wide, and fitting its pane.

One piece of code drives both places the user picks columns: the View menu and the table
header's right-click menu (:meth:`CustomerColumns.fill_menu`). It also owns the first-start
widths and the columns hidden by default, Reset columns, the saved header layout (including
one saved before the later columns existed: those stay hidden), and fitting the pane: the
email column takes the width left over, and when even its narrowest readable width does not
fit, low-priority columns step aside (City, Country, Last order…) before Name, Email, Orders and
Total spent would scroll out of sight. Columns that stepped aside come back when there is room
again; they are not the user's choice, so the saved layout keeps them shown.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import (
    QAbstractItemModel,
    QByteArray,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSettings,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QHeaderView,
    QMenu,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from app.models.customer_model import CustomerColumn

#: The narrowest the email column gets before other columns step aside.
EMAIL_MIN_WIDTH = 170

#: The email column's width when the detail panel can make room for it (most addresses whole).
EMAIL_COMFORTABLE_WIDTH = 230

#: Columns a first start (and Reset columns) hides: the table shows what fits beside the panel.
HIDDEN_BY_DEFAULT = frozenset(
    {
        CustomerColumn.USERNAME,
        CustomerColumn.REGISTERED,
        CustomerColumn.PHONE,
        CustomerColumn.COMPANY,
        CustomerColumn.POSTCODE,
        CustomerColumn.STATE,
        CustomerColumn.ROLE,
        CustomerColumn.AVERAGE_ORDER,
    }
)

#: Columns that always stay in view (Name cannot even be hidden: a row must say who it is).
ESSENTIAL = (
    CustomerColumn.NAME,
    CustomerColumn.EMAIL,
    CustomerColumn.ORDERS,
    CustomerColumn.TOTAL_SPENT,
)

#: The order in which columns step aside when the pane is too narrow: first to go first (a
#: column the user turns on moves to the end: it does not vanish as soon as it is chosen).
GIVE_WAY_ORDER = (
    CustomerColumn.REGISTERED,
    CustomerColumn.USERNAME,
    CustomerColumn.STATE,
    CustomerColumn.POSTCODE,
    CustomerColumn.COMPANY,
    CustomerColumn.PHONE,
    CustomerColumn.ROLE,
    CustomerColumn.AVERAGE_ORDER,
    CustomerColumn.LAST_ORDER,
    CustomerColumn.CITY,
    CustomerColumn.COUNTRY,
)

#: Settings keys: the header's layout, and how many columns the table had when it was saved.
HEADER_KEY = "table/header"
COLUMN_COUNT_KEY = "table/columnCount"
#: The number of columns before the saved count was kept (headers saved by earlier versions).
FIRST_COLUMN_COUNT = 9

_WIDTHS = {
    CustomerColumn.NAME: 160,
    CustomerColumn.EMAIL: 210,
    CustomerColumn.USERNAME: 120,
    CustomerColumn.CITY: 100,
    CustomerColumn.COUNTRY: 64,
    CustomerColumn.ORDERS: 56,
    CustomerColumn.TOTAL_SPENT: 80,
    CustomerColumn.LAST_ORDER: 90,
    CustomerColumn.REGISTERED: 90,
    CustomerColumn.PHONE: 120,
    CustomerColumn.COMPANY: 130,
    CustomerColumn.POSTCODE: 80,
    CustomerColumn.STATE: 70,
    CustomerColumn.ROLE: 100,
    CustomerColumn.AVERAGE_ORDER: 80,
}

#: Figures and dates fit whole, "≈" of Analytics' approximate figures included.
_SAMPLES = {
    CustomerColumn.ORDERS: "≈ 8,888",
    CustomerColumn.TOTAL_SPENT: "≈ $88,888.88",  # with a symbol ("$", "€"...)
    CustomerColumn.AVERAGE_ORDER: "≈ $8,888.88",
    CustomerColumn.LAST_ORDER: "≈ 8888-88-88",
    CustomerColumn.REGISTERED: "8888-88-88",
}


class MiddleElidingDelegate(QStyledItemDelegate):
    """Cells that drop text from the middle: an email keeps its start and its domain."""

    def initStyleOption(  # noqa: N802 - Qt's name
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        """The default option, eliding in the middle."""
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideMiddle


class CustomerColumns(QObject):
    """The customer table's columns for one window (see the module docstring).

    Signals:
        changed(): a column was shown or hidden by the user (the window may refit its panes).
    """

    changed = Signal()

    def __init__(self, table: QTableView, parent: QWidget) -> None:
        super().__init__(parent)
        self._table = table
        # Columns hidden only because the pane is too narrow (not the user's choice).
        self._stepped_aside: set[CustomerColumn] = set()
        # Their widths (a hidden section's size reads as 0).
        self._aside_widths: dict[CustomerColumn, int] = {}
        # Who steps aside first; a column the user just asked for steps aside last.
        self._give_way = list(GIVE_WAY_ORDER)
        self._fitting = False
        self._email_delegate = MiddleElidingDelegate(table)
        table.setItemDelegateForColumn(CustomerColumn.EMAIL, self._email_delegate)
        header = table.horizontalHeader()
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._on_header_context_menu)

    @property
    def _header(self) -> QHeaderView:
        return self._table.horizontalHeader()

    # -- what the user chooses ----------------------------------------------------------------

    def is_wanted(self, column: CustomerColumn) -> bool:
        """Whether the user wants the column shown (it may have stepped aside for lack of room)."""
        return column in self._stepped_aside or not self._header.isSectionHidden(column)

    @property
    def stepped_aside(self) -> frozenset[CustomerColumn]:
        """The columns hidden now for lack of room."""
        return frozenset(self._stepped_aside)

    def set_wanted(self, column: CustomerColumn, shown: bool) -> None:
        """Show or hide a column, as the user asked."""
        if column == CustomerColumn.NAME:
            return  # a row must say who it is
        self._stepped_aside.discard(column)
        if shown and column in self._give_way:
            self._give_way.remove(column)
            self._give_way.append(column)
        self._header.setSectionHidden(column, not shown)
        if shown and self._header.sectionSize(column) < self._header.minimumSectionSize() + 4:
            self._header.resizeSection(column, max(_WIDTHS[column], self._title_width(column)))
        self.fit()
        self.changed.emit()

    def fill_menu(self, menu: QMenu) -> None:
        """Add a checkable entry per column, and Reset columns, to ``menu``."""
        model: QAbstractItemModel | None = self._table.model()  # None between stores
        for column in CustomerColumn:
            title = str(model.headerData(column, Qt.Orientation.Horizontal)) if model else ""
            action = menu.addAction(title or column.name.title())
            action.setObjectName(f"actionColumn{column.name.title().replace('_', '')}")
            action.setCheckable(True)
            action.setChecked(self.is_wanted(column))
            action.setEnabled(column != CustomerColumn.NAME)
            if column in self._stepped_aside:
                action.setText(f"{action.text()} (no room now)")
                action.setToolTip("Shown again when the table is wider")
            action.toggled.connect(
                lambda shown, c=column: self.set_wanted(c, shown)  # GUI thread only
            )
        menu.addSeparator()
        reset = menu.addAction("Reset columns")
        reset.setObjectName("actionResetColumns")
        reset.triggered.connect(self.reset)

    @Slot()
    def _on_header_context_menu(self) -> None:
        menu = QMenu(self._table)
        self.fill_menu(menu)
        menu.exec(self._table.cursor().pos())

    # -- layouts -------------------------------------------------------------------------------

    @Slot()
    def reset(self) -> None:
        """Back to the first start's columns: default order, widths and choice."""
        header = self._header
        self._stepped_aside.clear()
        self._give_way = list(GIVE_WAY_ORDER)
        for logical in range(header.count()):  # every column back to its own place
            header.moveSection(header.visualIndex(logical), logical)
        self.apply_defaults()
        self.fit()
        self.changed.emit()

    def apply_defaults(self) -> None:
        """The first start's widths and hidden columns."""
        self._stepped_aside.clear()
        widths = dict(_WIDTHS)
        metrics = self._table.fontMetrics()
        style = self._table.style()
        margin = 2 * style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin) + 12
        for column, sample in _SAMPLES.items():
            widths[column] = max(widths[column], metrics.horizontalAdvance(sample) + margin)
        header = self._header
        for column in widths:
            widths[column] = max(widths[column], self._title_width(column))
        for column, width in widths.items():
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width)
            header.setSectionHidden(column, column in HIDDEN_BY_DEFAULT)

    def _title_width(self, column: CustomerColumn) -> int:
        """What the column's title needs, with the header's margins and its sort arrow."""
        model: QAbstractItemModel | None = self._table.model()
        title = str(model.headerData(column, Qt.Orientation.Horizontal)) if model else ""
        return self._header.fontMetrics().horizontalAdvance(title) + 28

    def restore(self, settings: QSettings) -> None:
        """The saved layout, or the defaults; columns newer than the saved layout stay hidden."""
        state = settings.value(HEADER_KEY)
        self._stepped_aside.clear()  # a layout of the user's choosing replaces the fitted one
        if not isinstance(state, QByteArray) or not self._header.restoreState(state):
            self.apply_defaults()
            self.fit()
            return
        saved_count = _int(settings.value(COLUMN_COUNT_KEY), FIRST_COLUMN_COUNT)
        self._adopt_new_columns(range(saved_count, len(CustomerColumn)))
        self.fit()

    def _adopt_new_columns(self, columns: Iterable[int]) -> None:
        """Columns the saved layout did not know: hidden if so by default, at their own width."""
        for number in columns:
            column = CustomerColumn(number)
            self._header.resizeSection(column, max(_WIDTHS[column], self._title_width(column)))
            self._header.setSectionHidden(column, column in HIDDEN_BY_DEFAULT)

    def save(self, settings: QSettings) -> None:
        """Remember the layout as the user chose it (columns that stepped aside count as shown)."""
        settings.setValue(HEADER_KEY, self.saved_state())
        settings.setValue(COLUMN_COUNT_KEY, len(CustomerColumn))

    def saved_state(self) -> QByteArray:
        """The header's state with the columns that stepped aside shown."""
        header = self._header
        self._fitting = True
        try:
            for column in self._stepped_aside:
                header.setSectionHidden(column, False)
            state = header.saveState()
            for column in self._stepped_aside:
                header.setSectionHidden(column, True)
        finally:
            self._fitting = False
        return state

    def restore_state(self, state: QByteArray) -> None:
        """Take a state from :meth:`saved_state` back (a new model resets the header)."""
        self._stepped_aside.clear()
        self._header.restoreState(state)
        self.fit()

    # -- fitting the pane ------------------------------------------------------------------

    def needed_width(self, email: int = EMAIL_MIN_WIDTH) -> int:
        """The width the wanted columns need, the email column at ``email`` (its narrowest)."""
        return sum(
            email if column == CustomerColumn.EMAIL else self._width(column)
            for column in CustomerColumn
            if self.is_wanted(column)
        )

    def essential_width(self, email: int = EMAIL_MIN_WIDTH) -> int:
        """The width Name, Email (at ``email``), Orders and Total spent need together."""
        return sum(
            email if column == CustomerColumn.EMAIL else self._width(column) for column in ESSENTIAL
        )

    def _width(self, column: CustomerColumn) -> int:
        if column in self._stepped_aside:
            return self._aside_widths.get(column, _WIDTHS[column])
        return self._header.sectionSize(column)

    def fit(self) -> None:
        """Fit the wanted columns to the pane: columns step aside, the email column stretches.

        Called when the pane changes width and when columns change. Hidden columns are sized
        as they were, so one coming back gets its width again.
        """
        if self._fitting or self._table.model() is None:
            return
        self._fitting = True
        try:
            self._step_aside_or_back()
            self._stretch_email()
        finally:
            self._fitting = False

    def _step_aside_or_back(self) -> None:
        header = self._header
        room = self._table.viewport().width()
        wanted = {column for column in CustomerColumn if self.is_wanted(column)}
        need = self.needed_width()
        aside: set[CustomerColumn] = set()
        for column in self._give_way:
            if need <= room:
                break
            if column in wanted:
                aside.add(column)
                need -= self._width(column)
        for column in self._stepped_aside - aside:
            header.setSectionHidden(column, False)
        for column in aside - self._stepped_aside:
            self._aside_widths[column] = header.sectionSize(column)
            header.setSectionHidden(column, True)
        self._stepped_aside = aside

    def _stretch_email(self) -> None:
        """The email column takes what is left, so the table fits its pane without scrolling.

        In a pane too narrow even for the essential columns, the email column keeps a readable
        width and the table scrolls sideways instead.
        """
        header = self._header
        others = sum(
            header.sectionSize(column)
            for column in range(header.count())
            if column != CustomerColumn.EMAIL and not header.isSectionHidden(column)
        )
        room = self._table.viewport().width() - others
        if room >= EMAIL_MIN_WIDTH:
            header.setSectionResizeMode(CustomerColumn.EMAIL, QHeaderView.ResizeMode.Stretch)
        else:
            header.setSectionResizeMode(CustomerColumn.EMAIL, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(CustomerColumn.EMAIL, EMAIL_MIN_WIDTH)


def _int(value: object, default: int) -> int:
    """A settings value as a number (settings files hold text)."""
    try:
        return int(str(value))
    except ValueError:
        return default
