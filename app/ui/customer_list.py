"""CustomerList: the main window's customer table and what drives its view.

Owns the search field (its debounce, Escape to clear, Ctrl+F), the role filter's wiring (and
its counts, read again at most once a second while a sync streams customers in), the table
(its selection: :meth:`CustomerList.selected_customer`, :meth:`CustomerList.select_customer`;
its scroll position kept on the same customer as rows arrive above it), the columns' fit and
the detail panel yielding width to them, the empty table's message, and the customer counts
in the status bar. The window lays these widgets out and tells this object which store is
open (:meth:`CustomerList.attach`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QSettings,
    Qt,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QMenu,
    QSplitter,
    QWidget,
)

from app.cache.repository import CustomerFilter
from app.cache.search import MIN_FRAGMENT
from app.domain.criteria import Criteria, Problem
from app.domain.customer import Customer
from app.models.customer_model import CustomerColumn
from app.services.events import BusyChanged, CustomersChanged, StoreEvent, SyncFinished
from app.ui.customer_columns import EMAIL_COMFORTABLE_WIDTH, CustomerColumns
from app.ui.customer_filters import CustomerFilters
from app.ui.detail_panel import DetailPanel, plain_label
from app.ui.filter_panel import REMOVE_MARK
from app.ui.role_filter import RoleFilter
from app.ui.session import StoreSession
from app.ui.session_part import SessionPart
from app.ui.table_view import TableView
from app.ui.window_actions import window_action

#: How long typing pauses before the view is searched (a keystroke costs milliseconds).
SEARCH_DELAY_MS = 120

#: How often, at most, the role filter's counts are read again while customers change (a sync
#: streams pages in; one count of 100,000 accounts takes milliseconds, not one per page).
ROLE_COUNTS_DELAY_MS = 1000


def empty_table_message(
    *,
    search: str,
    filtered: bool = False,
    role_name: str,
    all_roles: bool,
    cache_empty: bool,
    syncing: bool,
    online: bool,
) -> tuple[str, str]:
    """What an empty customer table says, and a hint what to do (title, hint).

    Args:
        search: the search box's text.
        filtered: whether filters (the filter panel's) narrow the list.
        role_name: the role filter's entry, without its count ("Customers").
        all_roles: whether the filter lists every role.
        cache_empty: whether this computer holds no account of the store at all.
        syncing: whether the store is being asked now.
        online: whether the store can be reached.
    """
    if cache_empty:
        if syncing:
            return "No customers yet — syncing…", "They appear here as the store sends them."
        if online:
            return "No customers on this computer yet", "Sync (F5) fetches the store's customers."
        return (
            "No customers on this computer yet",
            "They are fetched once the store can be reached.",
        )
    if filtered:
        also = " or the search (Esc)" if search else ""
        return (
            "No customer matches these filters.",
            f"Clear filters above ({REMOVE_MARK}){also} to see more customers.",
        )
    if search:
        elsewhere = "" if all_roles else " Or choose All roles in the list above."
        return f"No customers match “{search}”.", f"Clear the search (Esc).{elsewhere}"
    hint = "" if all_roles else "Choose All roles in the list above to see every account."
    return f"No {role_name.lower()} on this computer.", hint


def _timer(parent: QObject, name: str, interval_ms: int, slot: Callable[[], None]) -> QTimer:
    timer = QTimer(parent)
    timer.setObjectName(name)
    timer.setSingleShot(True)
    timer.setInterval(interval_ms)
    timer.timeout.connect(slot)
    return timer


class CustomerList(SessionPart):
    """The customer table, its search and role filter, and its counts (see the module docstring).

    Args:
        window: the window the widgets and the Search action (Ctrl+F) belong to.
        detail: the detail panel, beside the table in :attr:`splitter`; it shows the current row.
        count_selected: how many customers are selected (the status bar counts them).

    Signals:
        selection_moved(): the current customer may have changed (a click, a new view, a sync):
            what acts on it may have to be enabled or disabled.
        view_changed(CustomerFilter): the table shows another view (search, role, filters or
            sort changed, or another store is shown).
    """

    selection_moved = Signal()
    view_changed = Signal(CustomerFilter)

    def __init__(
        self, window: QWidget, detail: DetailPanel, count_selected: Callable[[], int]
    ) -> None:
        super().__init__(window)
        self._detail = detail
        self._count_selected = count_selected
        # Whether customers changed since the role filter was filled (a sync that changed
        # nobody leaves the roles as they were, and listing them costs a scan of the cache).
        self._roles_outdated = False
        self.search_field = self._build_search_field()
        self.action_search = window_action(window, "actionSearch", "Search", "Ctrl+F", self.focus)
        self.role_filter = RoleFilter()
        self.role_filter.currentIndexChanged.connect(self._on_role_filter_changed)
        self.filters = CustomerFilters(window)
        self.filters.changed.connect(self.apply_view)
        self.filter_panel = self.filters.panel
        # The view last told through view_changed (None: none yet for this store).
        self._told_view: CustomerFilter | None = None
        self.table = self._build_table()
        # The column chooser (header menu and View menu), widths, and fitting the pane.
        self.columns = CustomerColumns(self.table, window)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.installEventFilter(self)  # less room (window, dock): the panel yields first
        # The panel's width before it folded away to keep the essential columns in view (0: it
        # has not; a panel the user folds stays folded).
        self._folded_panel_width = 0
        self.count_label = plain_label(selectable=False)
        self.count_label.setObjectName("statusCount")
        self.coverage_label = plain_label(selectable=False)
        self.coverage_label.setObjectName("statusCoverage")
        self.coverage_label.setToolTip(
            "Accounts of every role (customers, administrators, shop managers…) kept on this "
            "computer, against the store's count at the last sync"
        )
        self.search_timer = _timer(self, "searchDelay", SEARCH_DELAY_MS, self._on_search_timeout)
        self.role_counts_timer = _timer(
            self, "roleCountsDelay", ROLE_COUNTS_DELAY_MS, self._on_role_counts_timeout
        )

    def _build_search_field(self) -> QLineEdit:
        field = QLineEdit()
        field.setObjectName("searchField")
        field.setPlaceholderText("Search name, email, phone, city, postcode…")
        field.setToolTip(
            f"Finds names, emails, usernames, companies, phones, cities and postcodes.\n"
            f"Fewer than {MIN_FRAGMENT} letters: names, emails and usernames that start with "
            f"them.\n{MIN_FRAGMENT} letters or more: anywhere in the text (Ctrl+F, Esc clears)."
        )
        field.setClearButtonEnabled(True)
        field.setMinimumWidth(280)
        field.textChanged.connect(self._on_search_field_text_changed)
        field.installEventFilter(self)  # Escape clears it
        return field

    def _build_table(self) -> TableView:
        table = TableView()
        table.setObjectName("customerTable")
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Several customers at once (Ctrl/Shift+click): see app/ui/customer_actions.py.
        table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSortingEnabled(True)
        table.setAlternatingRowColors(True)
        table.setWordWrap(False)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
        # Every row the same height: the header never measures 100,000 rows one by one.
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        table.viewport().installEventFilter(self)
        return table

    # -- the store shown ---------------------------------------------------------------------

    def attach(self, session: StoreSession) -> None:
        """Show a store's customers: its model in the table, its roles, the view asked for."""
        self._session = session
        self.table.setModel(session.model)
        self.columns.fit()
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_changed)
        self.table.sortByColumn(CustomerColumn.NAME, Qt.SortOrder.AscendingOrder)
        # Once per new view or refresh (not per inserted block: coverage costs a query).
        session.model.rows_loaded.connect(self.update_counts)
        session.model.rows_loaded.connect(self._tell_view)
        self._told_view = None
        self.filters.attach(session)
        session.service.happened.connect(self._on_service_happened)

    def open_view(self) -> None:
        """List the store's roles and show the view asked for, at once from the cache."""
        self._refill_roles()
        # The list opens at once from the cache; the sync only brings changes.
        self.apply_view()

    def detach(self) -> None:
        """Let go of the store's model (before the store closes)."""
        self.table.setModel(None)

    def stop_timers(self) -> None:
        """Nothing scheduled may read the session's cache once it closes."""
        self.search_timer.stop()
        self.role_counts_timer.stop()

    def clear_search_quietly(self) -> None:
        """Empty the search box without searching (one store's search empties another's list)."""
        self.search_field.blockSignals(True)
        self.search_field.clear()
        self.search_field.blockSignals(False)

    # -- the view ----------------------------------------------------------------------------

    def current_view(self) -> CustomerFilter:
        """The view the search box, role filter, filters and sort ask for."""
        view = self.session.model.view
        role = self.role_filter.currentData()
        return CustomerFilter(
            search=self.search_field.text(),
            role=role if role else None,
            criteria=self.filters.criteria,
            sort=view.sort,
            descending=view.descending,
        )

    def apply_view(self) -> None:
        """Show the view asked for now, keeping the selected customer if it is still in it."""
        self.search_timer.stop()  # applied now: a pending debounce has nothing left to do
        selected = self.selected_customer()
        self.session.model.set_view(self.current_view())
        if selected is not None and not self.select_customer(selected.id):
            # The customer left the view (a search): the panel must not show someone the list
            # no longer does.
            self.table.selectionModel().clear()
            self._detail.show_customer(None)
        self.update_counts()
        # A new view resets the model, which drops the current row without a signal: Edit and
        # Delete follow the selection as it is now.
        self.selection_moved.emit()

    def show_view(self, search: str, role: str | None, criteria: Criteria) -> list[Problem]:
        """Show a search, role (None: all roles) and filters at once (a saved segment).

        Returns the filters' problems when they cannot be applied (nothing changes then).
        """
        problems = self.filters.set(criteria, quietly=True)
        if problems:
            return problems
        self.search_field.blockSignals(True)
        self.search_field.setText(search)
        self.search_field.blockSignals(False)
        self.role_filter.blockSignals(True)
        self.role_filter.choose(role)
        self.role_filter.blockSignals(False)
        self.apply_view()
        return []

    @Slot()
    def _tell_view(self) -> None:
        """Tell view_changed when the model shows another view (a sort, too), not a refresh."""
        view = self.session.model.view
        if view != self._told_view:
            self._told_view = view
            self.view_changed.emit(view)

    def _refill_roles(self) -> None:
        self._roles_outdated = False
        self.role_counts_timer.stop()
        if self.role_filter.fill(self.session.cache.role_counts()):
            # The chosen role is gone (customers again), or a remembered one arrived.
            self.apply_view()

    @Slot()
    def _on_role_counts_timeout(self) -> None:
        if self._roles_outdated:
            self._refill_roles()

    @Slot(str)
    def _on_search_field_text_changed(self, text: str) -> None:
        self.search_timer.start()

    @Slot()
    def _on_search_timeout(self) -> None:
        # Typing and erasing within the delay leaves the view as it is: listing 100,000 ids
        # again for nothing would stall the window.
        if self.current_view() != self.session.model.view:
            self.apply_view()

    @Slot(int)
    def _on_role_filter_changed(self, index: int) -> None:
        self.apply_view()

    @Slot()
    def focus(self) -> None:
        """Put the cursor in the search box, its text selected (Ctrl+F)."""
        self.search_field.setFocus()
        self.search_field.selectAll()

    def show_found(self, customer: Customer) -> None:
        """Select a customer found by email, clearing the search and role if they hide it."""
        if self.select_customer(customer.id):
            return
        self.clear_search_quietly()
        self.search_timer.stop()
        if customer.role != self.role_filter.currentData():
            self.role_filter.blockSignals(True)
            self.role_filter.setCurrentIndex(1)  # all roles: the customer may have another
            self.role_filter.blockSignals(False)
        self.apply_view()
        self.select_customer(customer.id)

    # -- selection ---------------------------------------------------------------------------

    def selected_customer(self) -> Customer | None:
        """The customer of the current row."""
        index = self.table.currentIndex()
        return self.session.model.customer_at(index.row()) if index.isValid() else None

    def select_customer(self, customer_id: int) -> bool:
        """Select a customer's row if the current view holds it."""
        row = self.session.model.row_of(customer_id)
        if row is None:
            return False
        index = self.session.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        return True

    @Slot(QModelIndex, QModelIndex)
    def _on_table_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        customer = self.session.model.customer_at(current.row()) if current.isValid() else None
        self._detail.show_customer(customer)
        self.selection_moved.emit()

    # -- customers arriving ------------------------------------------------------------------

    @Slot(StoreEvent)
    def _on_service_happened(self, event: StoreEvent) -> None:
        match event:
            case CustomersChanged(stored=stored, removed=removed):
                self._on_service_customers_changed(list(stored), list(removed))
            case SyncFinished():
                if self._roles_outdated:
                    self._refill_roles()
                self.update_counts()
            case BusyChanged():
                self.update_empty_message()
            case _:
                pass

    def _on_service_customers_changed(self, stored: list[int], removed: list[int]) -> None:
        first_rows = self.session.model.rowCount() == 0
        self._roles_outdated = True
        anchor = self._top_customer()
        self.session.model.refresh(stored, removed)
        self._keep_on_top(anchor)
        if first_rows and stored:
            self._refill_roles()
        elif not self.role_counts_timer.isActive():
            self.role_counts_timer.start()  # counts catch up without a read per sync page
        self.update_counts()
        current = self._detail.customer
        if current is not None and current.id in stored:
            self._detail.show_customer(self.session.cache.customer(current.id))
        if current is not None and current.id in removed:
            self._detail.show_customer(None)
        self.selection_moved.emit()  # the selected customer may be gone

    def _top_customer(self) -> tuple[int, int] | None:
        """The customer at the top of the scrolled table and its row's offset, if scrolled."""
        top = self.table.rowAt(0)
        customer_id = self.session.model.id_at(top) if top > 0 else None
        if customer_id is None:  # at the very top rows arriving above are meant to show
            return None
        return customer_id, self.table.rowViewportPosition(top)

    def _keep_on_top(self, anchor: tuple[int, int] | None) -> None:
        """Scroll so the anchored customer is where it was (rows came or went above it)."""
        if anchor is None:
            return
        customer_id, offset = anchor
        row = self.session.model.row_of(customer_id)
        if row is None:
            return
        self.table.doItemsLayout()  # the scroll range must include rows just inserted
        moved = self.table.rowViewportPosition(row) - offset
        if moved:
            bar = self.table.verticalScrollBar()
            step = (
                1
                if self.table.verticalScrollMode() == QAbstractItemView.ScrollMode.ScrollPerPixel
                else self.table.rowHeight(row)
            )
            bar.setValue(bar.value() + round(moved / max(step, 1)))

    # -- counts and the empty table ----------------------------------------------------------

    @Slot(int)
    def show_count(self, selected: int) -> None:
        """The customers listed, and how many of them are selected when several are."""
        shown = self.session.model.rowCount()
        text = f"{shown:,} customer{'s' if shown != 1 else ''}"
        self.count_label.setText(f"{text} · {selected:,} selected" if selected > 1 else text)

    @Slot()
    def update_counts(self) -> None:
        """The status bar's counts (listed, selected, kept) and the empty table's message."""
        self.show_count(self._count_selected())
        self.coverage_label.setText(self.session.cache.coverage().describe())
        self.update_empty_message()

    @Slot()
    def update_empty_message(self) -> None:
        """Say why the table is empty: nothing matches, or nothing is on this computer yet."""
        if self.session.model.rowCount() > 0:
            self.table.set_empty_message("")
            return
        online = self.session.online
        title, hint = empty_table_message(
            search=self.search_field.text().strip(),
            filtered=not self.filters.criteria.empty,
            role_name=self.role_filter.currentText().rsplit(" (", 1)[0],
            all_roles=self.role_filter.role is None,
            cache_empty=self.session.cache.count() == 0,
            syncing=online and self.session.service.busy,
            online=online,
        )
        self.table.set_empty_message(title, hint)

    # -- room for the columns ----------------------------------------------------------------

    @Slot()
    def _give_table_room(self) -> None:
        """The detail panel yields width so the table's columns fit, whatever took the width.

        First down to its minimum (the columns that still do not fit then step aside); if even
        Name, Email, Orders and Total spent would not fit beside it, the panel folds away
        until the pane is wide enough for them and the panel again. The splitter's width is
        what changes, whether the window narrows or a dock (Insights) opens or widens.
        """
        sizes = self.splitter.sizes()
        if len(sizes) != 2 or not self.splitter.isVisible():
            return
        frame = self.table.width() - self.table.viewport().width()
        # Not below what the panel's tabs need: each tab stays readable.
        floor = max(self._detail.minimumWidth(), self._detail.minimumSizeHint().width())
        total = sum(sizes)
        essential = self.columns.essential_width() + frame
        if total - floor < essential:
            if sizes[1] > 0:
                self._folded_panel_width = sizes[1]
                self.splitter.setSizes([total, 0])
            return
        if self._folded_panel_width:  # room again: the panel comes back, as wide as it fits
            panel = max(floor, min(self._folded_panel_width, total - essential))
            self._folded_panel_width = 0
            sizes = [total - panel, panel]
            self.splitter.setSizes(sizes)
        short = self.columns.needed_width(email=EMAIL_COMFORTABLE_WIDTH) + frame - sizes[0]
        moved = min(short, sizes[1] - floor)
        if moved > 0:
            self.splitter.setSizes([sizes[0] + moved, sizes[1] - moved])

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Refit the columns as the table's pane changes width; Escape clears the search."""
        if watched is self.search_field:
            escape = (
                isinstance(event, QKeyEvent)
                and event.type() == QEvent.Type.KeyPress
                and event.key() == Qt.Key.Key_Escape
            )
            if escape and self.search_field.text():
                self.search_field.clear()
                return True
        elif event.type() == QEvent.Type.Resize and watched is self.table.viewport():
            self.columns.fit()
        elif watched is self.splitter and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            # After the splitter has shared out its new width (filters run before it does);
            # also when shown, as a resize while hidden is not acted on.
            QTimer.singleShot(0, self._give_table_room)
        return super().eventFilter(watched, event)

    def follow_view_menu(self, menu: QMenu) -> None:
        """Fill the View menu with the columns as it opens: what the table shows at that moment."""

        def refill() -> None:
            menu.clear()
            self.columns.fill_menu(menu)

        menu.aboutToShow.connect(refill)

    # -- settings ----------------------------------------------------------------------------

    def restore(self, settings: QSettings) -> None:
        """The columns and the role chosen last time (the view follows the role)."""
        self.columns.restore(settings)
        if self.role_filter.restore(settings):
            self.apply_view()

    def save(self, settings: QSettings) -> None:
        """Remember the columns and the role chosen."""
        self.columns.save(settings)
        self.role_filter.save(settings)
