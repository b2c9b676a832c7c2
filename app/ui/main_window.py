"""The main window: layout and wiring only.

The customer table and the detail panel sit side by side; the toolbar, search box and role
filter drive the table's view of the cache; the store session's worker service does every
store request, and its signals update the views. Nothing here touches the network or waits
for the worker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QSettings,
    Qt,
    QTimer,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDropEvent,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME, __version__
from app.api.client import StoreInfo
from app.cache.repository import CustomerFilter
from app.cache.search import MIN_FRAGMENT
from app.cache.sync import SyncMode, SyncProgress, SyncReport
from app.desktop.diagnostics import diagnostics_text
from app.domain.customer import Customer
from app.domain.deletion import deleted_message, orders_kept
from app.domain.money import MoneyFormat
from app.errors import AppError, CancelledError, NetworkError
from app.models.customer_model import CustomerColumn
from app.models.formatting import PLAIN_MONEY
from app.paths import AppPaths
from app.stores.profiles import StoreProfile
from app.ui.customer_actions import CustomerActions
from app.ui.customer_columns import EMAIL_COMFORTABLE_WIDTH, CustomerColumns
from app.ui.customer_dialog import CustomerDialog
from app.ui.detail_panel import DetailPanel, plain_label
from app.ui.drop_overlay import DropOverlay, drop_message, dropped_files
from app.ui.message_boxes import ask_to_confirm, widen
from app.ui.role_filter import RoleFilter
from app.ui.session import StoreSession
from app.ui.stores import StoreDirectory, StoreSwitcher
from app.ui.sync_progress import SyncProgressPanel
from app.ui.table_view import TableView
from app.ui.transfers import CsvTransfers

log = logging.getLogger("app.ui")

#: How long typing pauses before the view is searched (a keystroke costs milliseconds).
SEARCH_DELAY_MS = 120

#: How often, at most, the role filter's counts are read again while customers change (a sync
#: streams pages in; one count of 100,000 accounts takes milliseconds, not one per page).
ROLE_COUNTS_DELAY_MS = 1000

#: Settings key: the detail panel's tab, by its page's objectName ("ordersTab").
DETAIL_TAB_KEY = "detail/tab"


#: The banner's looks: a problem in red, news in blue.
_BANNER_STYLES = {
    "error": "#errorBanner { background: #fdecea; border: 1px solid #f5c2c0; border-radius: 4px; }",
    "info": "#errorBanner { background: #e8f1fb; border: 1px solid #b6d4f2; border-radius: 4px; }",
}


class ErrorBanner(QFrame):
    """A non-modal message across the top of the window, with Retry and Close.

    Mostly problems (:meth:`show_error`); news the user should not miss too (:meth:`show_info`).

    Signals:
        retry_requested(): the user pressed Retry.
        dismissed(): the user pressed Dismiss.
    """

    retry_requested = Signal()
    dismissed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(_BANNER_STYLES["error"])
        self._text = plain_label(selectable=True)
        self._text.setWordWrap(True)
        self._retry = QPushButton("Retry")
        self._retry.clicked.connect(self.retry_requested)
        close = QPushButton("Dismiss")
        close.clicked.connect(self._on_close_clicked)
        layout = QHBoxLayout(self)
        layout.addWidget(self._text, 1)
        layout.addWidget(self._retry)
        layout.addWidget(close)
        self.hide()

    @Slot()
    def _on_close_clicked(self) -> None:
        self.hide()
        self.dismissed.emit()

    def show_error(self, message: str, *, retry: bool) -> None:
        """Show ``message``; Retry only where trying again makes sense."""
        self.setStyleSheet(_BANNER_STYLES["error"])
        self._text.setText(message)
        self._retry.setVisible(retry)
        self.show()

    def show_info(self, message: str) -> None:
        """Show news that stays until dismissed (the status bar's would be overwritten)."""
        self.setStyleSheet(_BANNER_STYLES["info"])
        self._text.setText(message)
        self._retry.setVisible(False)
        self.show()


def empty_table_message(
    *,
    search: str,
    role_name: str,
    all_roles: bool,
    cache_empty: bool,
    syncing: bool,
    online: bool,
) -> tuple[str, str]:
    """What an empty customer table says, and a hint what to do (title, hint).

    Args:
        search: the search box's text.
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
    if search:
        elsewhere = "" if all_roles else " Or choose All roles in the list above."
        return f"No customers match “{search}”.", f"Clear the search (Esc).{elsewhere}"
    hint = "" if all_roles else "Choose All roles in the list above to see every account."
    return f"No {role_name.lower()} on this computer.", hint


class MainWindow(QMainWindow):
    """The app's window over one store session (switchable)."""

    def __init__(
        self,
        session: StoreSession,
        settings: QSettings,
        *,
        stores: StoreDirectory | None = None,
        paths: AppPaths | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.session = session
        self._settings = settings
        self._stores = stores
        self._paths = paths
        # Whether customers changed since the role filter was filled (a sync that changed
        # nobody leaves the roles as they were, and listing them costs a scan of the cache).
        self._roles_outdated = False
        self._dialog: CustomerDialog | None = None
        self._pending_dialog_request: int | None = None
        self._orders_request: int | None = None
        self._downloads_request: int | None = None
        # The saved store the window shows (None for the demo store or a store opened by its
        # URL alone): the one Store > Forget this store… forgets.
        self._shown_profile: StoreProfile | None = None
        self.transfers = CsvTransfers(
            host=self, parent=self, settings=settings, paths=paths, tell=self._tell
        )

        self._build_actions()
        self._build_layout()
        self.customer_actions = CustomerActions(
            window=self,
            table=self.table,
            orders_table=self.detail.orders_table,
            orders_model=self.detail.orders_model,
            transfers=self.transfers,
            edit_action=self.action_edit,
            delete_action=self.action_delete,
            export_action=self.action_export,
            tell_problem=self._tell,
            tell_news=self.banner.show_info,
        )
        self.customer_actions.selection_counted.connect(self._show_count)
        self._search_timer = QTimer(self)
        self._search_timer.setObjectName("searchDelay")
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._on_search_timer_timeout)
        self.attach(session)
        self._restore_settings()

    # -- construction -----------------------------------------------------------------------

    def _action(
        self,
        name: str,
        text: str,
        shortcut: QKeySequence.StandardKey | str | None,
        slot: Callable[[], object],
    ) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.action_new = self._action(
            "actionNewCustomer", "New customer…", QKeySequence.StandardKey.New, self.new_customer
        )
        self.action_edit = self._action("actionEditCustomer", "Edit…", "Ctrl+E", self.edit_customer)
        self.action_delete = self._action(
            "actionDeleteCustomer", "Delete…", QKeySequence.StandardKey.Delete, self.delete_customer
        )
        self.action_sync = self._action("actionSync", "Sync", "F5", self.quick_sync)
        # F5 as well: only one of the two is enabled at a time (Sync needs the store).
        self.action_reconnect = self._action("actionReconnect", "Reconnect", "F5", self.reconnect)
        self.action_reconnect.setToolTip("Try to reach the store now")
        self.action_full_sync = self._action(
            "actionFullSync", "Full sync", "Ctrl+F5", self.full_sync
        )
        self.action_find = self._action(
            "actionFindByEmail", "Find by email…", "Ctrl+Shift+F", self.find_by_email
        )
        self.action_connect = self._action(
            "actionConnect", "Connect your store…", None, self._on_action_connect_triggered
        )
        self.action_import = self._action(
            "actionImportCsv", "Import CSV…", "Ctrl+I", self.transfers.choose_import
        )
        self.action_export = self._action(
            "actionExportCsv", "Export CSV…", "Ctrl+Shift+E", self.transfers.export_view
        )
        self.action_search = self._action("actionSearch", "Search", "Ctrl+F", self._focus_search)
        self.action_quit = self._action(
            "actionQuit", "Quit", QKeySequence.StandardKey.Quit, self.close
        )
        self._store_actions = (
            self.action_new,
            self.action_edit,
            self.action_delete,
            self.action_sync,
            self.action_full_sync,
            self.action_find,
            self.action_import,
        )
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addAction(self.action_connect)
        file_menu.addSeparator()
        file_menu.addAction(self.action_import)
        file_menu.addAction(self.action_export)
        file_menu.addSeparator()
        file_menu.addAction(self.action_quit)
        customer_menu = menu.addMenu("&Customer")
        for action in (self.action_new, self.action_edit, self.action_delete, self.action_find):
            customer_menu.addAction(action)
        store_menu = menu.addMenu("&Store")
        store_menu.addAction(self.action_reconnect)
        store_menu.addAction(self.action_sync)
        store_menu.addAction(self.action_full_sync)
        self.action_forget_store = self._action(
            "actionForgetStore", "Forget this store…", None, self.forget_store
        )
        self.action_forget_store.setEnabled(False)  # until _show_stores finds a saved store
        store_menu.addSeparator()
        store_menu.addAction(self.action_forget_store)
        self.action_copy_diagnostics = self._action(
            "actionCopyDiagnostics", "Copy diagnostics", None, self.copy_diagnostics
        )
        self.action_open_logs = self._action(
            "actionOpenLogFolder", "Open log folder", None, self.open_log_folder
        )
        self.action_about = self._action("actionAbout", f"About {APP_NAME}", None, self.show_about)
        self.action_about.setMenuRole(QAction.MenuRole.AboutRole)
        self.view_menu = menu.addMenu("&View")
        self.view_menu.setObjectName("viewMenu")
        # Filled as it opens: the columns' entries say what the table shows at that moment.
        self.view_menu.aboutToShow.connect(self._on_view_menu_about_to_show)
        help_menu = menu.addMenu("&Help")
        help_menu.addAction(self.action_copy_diagnostics)
        help_menu.addAction(self.action_open_logs)
        help_menu.addSeparator()
        help_menu.addAction(self.action_about)

    def _build_layout(self) -> None:
        toolbar = QToolBar("Main", self)
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in (self.action_new, self.action_edit, self.action_delete):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(self.action_sync)
        toolbar.addAction(self.action_reconnect)
        self.search_field = QLineEdit()
        self.search_field.setObjectName("searchField")
        self.search_field.setPlaceholderText("Search name, email, phone, city, postcode…")
        self.search_field.setToolTip(
            f"Finds names, emails, usernames, companies, phones, cities and postcodes.\n"
            f"Fewer than {MIN_FRAGMENT} letters: names, emails and usernames that start with "
            f"them.\n{MIN_FRAGMENT} letters or more: anywhere in the text (Ctrl+F, Esc clears)."
        )
        self.search_field.setClearButtonEnabled(True)
        self.search_field.setMinimumWidth(280)
        self.search_field.textChanged.connect(self._on_search_field_text_changed)
        self.search_field.installEventFilter(self)  # Escape clears it
        self.store_switcher = StoreSwitcher()
        self.store_switcher.profile_chosen.connect(self._on_store_switcher_profile_chosen)
        self.store_switcher.demo_chosen.connect(self._on_store_switcher_demo_chosen)
        self.store_switcher.connect_requested.connect(self._on_action_connect_triggered)
        self.role_filter = RoleFilter()
        self.role_filter.currentIndexChanged.connect(self._on_role_filter_changed)
        spacer = QWidget()
        spacer.setSizePolicy(
            spacer.sizePolicy().horizontalPolicy().Expanding, spacer.sizePolicy().verticalPolicy()
        )
        toolbar.addWidget(spacer)
        if self._stores is not None:
            toolbar.addWidget(self.store_switcher)
        toolbar.addWidget(self.role_filter)
        toolbar.addWidget(self.search_field)
        self.addToolBar(toolbar)

        self.table = TableView()
        self.table.setObjectName("customerTable")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        # Several customers at once (Ctrl/Shift+click): see app/ui/customer_actions.py.
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 10)
        # Every row the same height: the header never measures 100,000 rows one by one.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.table.horizontalHeader()
        header.setSectionsMovable(True)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        # The column chooser (header menu and View menu), widths, and fitting the pane.
        self.columns = CustomerColumns(self.table, self)
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.viewport().installEventFilter(self)
        self.table.activated.connect(self._on_table_double_clicked)

        self.detail = DetailPanel()
        self.detail.setMinimumWidth(340)
        self.detail.orders_wanted.connect(self._on_detail_orders_wanted)
        self.detail.downloads_wanted.connect(self._on_detail_downloads_wanted)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.installEventFilter(self)  # a narrower window: the panel yields first
        self._role_counts_timer = QTimer(self)
        self._role_counts_timer.setObjectName("roleCountsDelay")
        self._role_counts_timer.setSingleShot(True)
        self._role_counts_timer.setInterval(ROLE_COUNTS_DELAY_MS)
        self._role_counts_timer.timeout.connect(self._on_role_counts_timer_timeout)

        self.banner = ErrorBanner()
        self.banner.retry_requested.connect(self._on_banner_retry_requested)
        self.banner.dismissed.connect(self._on_banner_dismissed)
        self.demo_badge = QLabel(
            "You are looking at the demo store: sample customers that live on this computer."
        )
        self.demo_badge.setObjectName("demoBadge")
        self.demo_badge.setStyleSheet(
            "#demoBadge { background: #fff4ce; border: 1px solid #e8d48a; border-radius: 4px;"
            " padding: 6px; }"
        )
        connect_button = QPushButton("Connect your store…")
        connect_button.clicked.connect(self.action_connect.trigger)
        self.demo_bar = QWidget()
        demo_layout = QHBoxLayout(self.demo_bar)
        demo_layout.setContentsMargins(0, 0, 0, 0)
        demo_layout.addWidget(self.demo_badge, 1)
        demo_layout.addWidget(connect_button)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 6, 8, 0)
        layout.addWidget(self.demo_bar)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.drop_overlay = DropOverlay(central)
        self.setAcceptDrops(True)

        self.count_label = plain_label(selectable=False)
        self.count_label.setObjectName("statusCount")
        self.coverage_label = plain_label(selectable=False)
        self.coverage_label.setObjectName("statusCoverage")
        self.coverage_label.setToolTip(
            "Accounts of every role (customers, administrators, shop managers…) kept on this "
            "computer, against the store's count at the last sync"
        )
        self.connection_label = plain_label(selectable=False)
        self.connection_label.setObjectName("statusOnline")
        self.sync_progress = SyncProgressPanel(self)
        status = self.statusBar()
        # Permanent widgets stay visible while progress messages come and go on the left.
        status.addPermanentWidget(self.sync_progress)
        status.addPermanentWidget(self.count_label)
        status.addPermanentWidget(self.coverage_label)
        status.addPermanentWidget(self.connection_label)

    # -- sessions ----------------------------------------------------------------------------

    def attach(self, session: StoreSession) -> None:
        """Show a store session (the previous one must be detached first).

        Everything the window showed of the previous store goes: its banner, its dialog, its
        progress message; what it knows of the store (online, last sync, Retry) is the session's.
        """
        self.session = session
        self.banner.hide()
        self.statusBar().clearMessage()
        if self._dialog is not None:  # editing a customer of the previous store
            self._dialog.reject()
        self._pending_dialog_request = None
        self._orders_request = None
        self._downloads_request = None
        service = session.service
        self.table.setModel(session.model)
        self.columns.fit()
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_changed)
        self.table.sortByColumn(CustomerColumn.NAME, Qt.SortOrder.AscendingOrder)
        # Once per new view or refresh (not per inserted block: coverage costs a query).
        session.model.rows_loaded.connect(self._update_counts)
        service.customers_changed.connect(self._on_service_customers_changed)
        service.sync_progress.connect(self._on_service_sync_progress)
        service.sync_finished.connect(self._on_service_sync_finished)
        self.sync_progress.follow(service)
        service.orders_loaded.connect(self._on_service_orders_loaded)
        service.downloads_loaded.connect(self._on_service_downloads_loaded)
        service.customer_saved.connect(self._on_service_customer_saved)
        service.customer_deleted.connect(self._on_service_customer_deleted)
        service.customer_found.connect(self._on_service_customer_found)
        service.store_info_loaded.connect(self._on_service_store_info_loaded)
        service.failed.connect(self._on_service_failed)
        service.online_changed.connect(self._on_service_online_changed)
        service.notice.connect(self._on_service_notice)
        service.busy_changed.connect(self._update_empty_message)
        self.transfers.attach(service)
        self.customer_actions.attach(session)
        self.demo_bar.setVisible(session.is_demo)
        self.setWindowTitle(f"{session.title} – {APP_NAME}")
        self._show_stores()
        self._refill_roles()
        # The list opens at once from the cache; the sync only brings changes.
        self._apply_view()
        coverage = session.cache.coverage()
        session.state.last_sync = coverage.last_quick_sync or coverage.last_full_sync
        self._update_counts()
        self._update_connection_label()
        self.detail.show_customer(None)
        # Money the store's way at once, offline too, as the store last said (else plain).
        self._show_money(session.cache.money_format() or PLAIN_MONEY)
        service.start()

    def start(self) -> None:
        """Begin: ask the store who it is and bring the cache up to date."""
        self.session.service.load_store_info()
        self.session.service.sync(SyncMode.AUTO)
        self.transfers.report_unfinished_import()

    def replace_session(self, session: StoreSession) -> None:
        """Switch to another store."""
        old = self.session
        # A new model resets the header's sections: keep the user's columns across the switch.
        header_state = self.columns.saved_state()
        self.table.setModel(None)
        old.close()
        self._stop_timers()  # after the close, which flushes the old store's last changes
        self.search_field.blockSignals(True)
        self.search_field.clear()  # a search for the old store would make the new one look empty
        self.search_field.blockSignals(False)
        self.attach(session)
        self.columns.restore_state(header_state)
        self.start()

    # -- view --------------------------------------------------------------------------------

    def current_view(self) -> CustomerFilter:
        """The view the search box, role filter and sort ask for."""
        view = self.session.model.view
        role = self.role_filter.currentData()
        return CustomerFilter(
            search=self.search_field.text(),
            role=role if role else None,
            country=view.country,
            sort=view.sort,
            descending=view.descending,
        )

    def _refill_roles(self) -> None:
        self._roles_outdated = False
        self._role_counts_timer.stop()
        if self.role_filter.fill(self.session.cache.role_counts()):
            # The chosen role is gone (customers again), or a remembered one arrived.
            self._apply_view()

    @Slot()
    def _on_role_counts_timer_timeout(self) -> None:
        if self._roles_outdated:
            self._refill_roles()

    @Slot(str)
    def _on_search_field_text_changed(self, text: str) -> None:
        self._search_timer.start()

    @Slot()
    def _on_search_timer_timeout(self) -> None:
        # Typing and erasing within the delay leaves the view as it is: listing 100,000 ids
        # again for nothing would stall the window.
        if self.current_view() != self.session.model.view:
            self._apply_view()

    @Slot(int)
    def _on_role_filter_changed(self, index: int) -> None:
        self._apply_view()

    def _apply_view(self) -> None:
        self._search_timer.stop()  # applied now: a pending debounce has nothing left to do
        selected = self.selected_customer()
        self.session.model.set_view(self.current_view())
        if selected is not None and not self.select_customer(selected.id):
            # The customer left the view (a search): the panel must not show someone the list
            # no longer does.
            self.table.selectionModel().clear()
            self.detail.show_customer(None)
        self._update_counts()
        # A new view resets the model, which drops the current row without a signal: Edit and
        # Delete follow the selection as it is now.
        self._update_action_states()

    @Slot()
    def _focus_search(self) -> None:
        self.search_field.setFocus()
        self.search_field.selectAll()

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
        self.detail.show_customer(customer)
        self._update_action_states()

    @Slot(QModelIndex)
    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        if self.action_edit.isEnabled():
            self.edit_customer()

    @Slot(int)
    def _show_count(self, selected: int) -> None:
        """The customers listed, and how many of them are selected when several are."""
        shown = self.session.model.rowCount()
        text = f"{shown:,} customer{'s' if shown != 1 else ''}"
        self.count_label.setText(f"{text} · {selected:,} selected" if selected > 1 else text)

    @Slot()
    def _update_counts(self) -> None:
        self._show_count(len(self.customer_actions.selected_rows()))
        self.coverage_label.setText(self.session.cache.coverage().describe())
        self._update_empty_message()

    @Slot()
    def _update_empty_message(self) -> None:
        """Say why the table is empty: nothing matches, or nothing is on this computer yet."""
        if self.session.model.rowCount() > 0:
            self.table.set_empty_message("")
            return
        title, hint = empty_table_message(
            search=self.search_field.text().strip(),
            role_name=self.role_filter.currentText().rsplit(" (", 1)[0],
            all_roles=self.role_filter.role is None,
            cache_empty=self.session.cache.count() == 0,
            syncing=self.online and self.session.service.busy,
            online=self.online,
        )
        self.table.set_empty_message(title, hint)

    def _update_connection_label(self) -> None:
        last_sync = self.session.state.last_sync
        when = last_sync.astimezone().strftime("%H:%M") if last_sync else "never"
        if not self.online:
            text = f"Offline – showing data from {when}"
        elif self.session.is_demo:
            text = "Online · demo store"
        else:
            text = f"Online · synced {when}"
        self.connection_label.setText(text)
        self._update_action_states()

    def _update_action_states(self) -> None:
        has_customer = self.selected_customer() is not None
        reason = "" if self.online else "The store cannot be reached right now."
        for action in self._store_actions:
            needs_customer = action in (self.action_edit, self.action_delete)
            action.setEnabled(self.online and (has_customer or not needs_customer))
            action.setToolTip(reason or action.text().rstrip("…"))
        # Only while the store cannot be reached (then Sync cannot be used, and F5 reconnects).
        self.action_reconnect.setEnabled(not self.online)
        self.action_reconnect.setVisible(not self.online)
        if self._paths is None:  # a window without a data folder has nowhere to keep files
            for action in (self.action_import, self.action_export):
                action.setEnabled(False)
        self.customer_actions.update_states()  # Edit and Delete as the selection allows

    @Slot()
    def _on_view_menu_about_to_show(self) -> None:
        self.view_menu.clear()
        self.columns.fill_menu(self.view_menu)

    @Slot()
    def _give_table_room(self) -> None:
        """The detail panel yields width (down to its minimum) so the table's columns fit."""
        sizes = self.splitter.sizes()
        if len(sizes) != 2 or not self.splitter.isVisible():
            return
        frame = self.table.width() - self.table.viewport().width()
        short = self.columns.needed_width(email=EMAIL_COMFORTABLE_WIDTH) + frame - sizes[0]
        # Not below what the panel's tabs need: each tab stays readable.
        floor = max(self.detail.minimumWidth(), self.detail.minimumSizeHint().width())
        spare = sizes[1] - floor
        moved = min(short, spare)
        if moved > 0:
            self.splitter.setSizes([sizes[0] + moved, sizes[1] - moved])

    # -- store actions ------------------------------------------------------------------------

    @Slot()
    def quick_sync(self) -> None:
        """Bring the cache up to date (F5)."""
        self.session.service.sync(SyncMode.AUTO)

    @Slot()
    def full_sync(self) -> None:
        """Fetch everything again, order figures too (Ctrl+F5)."""
        self.session.service.sync(SyncMode.FULL)

    @Slot()
    def new_customer(self) -> None:
        """Open the create dialog (Ctrl+N)."""
        dialog = CustomerDialog.for_create(
            self, generate_password=self.generate_password, email_owner=self._email_owner
        )
        self._open_dialog(dialog, lambda payload: self.session.service.create_customer(payload))

    @Slot()
    def edit_customer(self) -> None:
        """Open the edit dialog for the selected customer (Enter)."""
        customer = self.selected_customer()
        if customer is None:
            return
        dialog = CustomerDialog.for_edit(self, customer, email_owner=self._email_owner)
        self._open_dialog(
            dialog,
            lambda changes: self.session.service.update_customer(customer.id, changes),
        )

    def _email_owner(self, email: str) -> Customer | None:
        """The cached customer who has ``email`` (the dialog flags it before saving)."""
        return self.session.cache.customers_by_emails([email]).get(email.strip().lower())

    def _open_dialog(
        self, dialog: CustomerDialog, send: Callable[[dict[str, object]], int]
    ) -> None:
        self._dialog = dialog

        def submitted(payload: dict[str, object]) -> None:
            # The dialog shows "Saving…" itself; the answer comes back as a service signal.
            self._pending_dialog_request = send(payload)

        dialog.submitted.connect(submitted)
        dialog.finished.connect(self._on_dialog_finished)
        dialog.open()

    @Slot(int)
    def _on_dialog_finished(self, result: int) -> None:
        if self._dialog is not None:
            self._dialog.deleteLater()
        self._dialog = None
        self._pending_dialog_request = None

    @Slot()
    def delete_customer(self) -> None:
        """Delete the selected customers after a confirmation that names them (Delete)."""
        if len(self.customer_actions.selected_rows()) > 1:
            self.customer_actions.delete_selected()
            return
        customer = self.selected_customer()
        if customer is None:
            return

        def confirmed() -> None:
            request = self.session.service.delete_customer(customer.id)
            self.session.state.deleting[request] = deleted_message(customer)
            self.statusBar().showMessage(f"Deleting {customer.display_name}…")

        ask_to_confirm(
            self,
            name="confirmDelete",
            title="Delete customer",
            question=f"Delete {customer.display_name}?",
            explanation=(
                f"{customer.email} will be removed from the store for good. "
                f"{orders_kept([customer])}"
            ),
            action="Delete",
            confirmed=confirmed,
        )

    @Slot()
    def forget_store(self) -> None:
        """Forget the saved store shown, after a confirmation that says what goes and what not."""
        profile = self._shown_profile
        if self._stores is None or profile is None:
            return
        ask_to_confirm(
            self,
            name="confirmForgetStore",
            title="Forget store",
            question=f"Forget “{profile.name}” on this computer?",
            explanation=(
                "Its keys and its cached customers are removed from this computer, and the "
                f"window switches to the demo store.\n\nThe store itself ({profile.url}) and "
                "its customers are not changed: connect it again to use it here."
            ),
            action="Forget",
            confirmed=lambda: self._forget_saved_store(profile.name),
        )

    def _forget_saved_store(self, name: str) -> None:
        assert self._stores is not None
        try:
            demo = self._stores.open_demo()
        except AppError as error:
            self.banner.show_error(error.message, retry=False)
            return
        # The demo store first: the forgotten store's cache file must be closed to be deleted.
        self.replace_session(demo)
        try:
            forgotten = self._stores.forget(name)
        except AppError as error:
            self.banner.show_error(f"Forgetting “{name}” failed: {error.message}", retry=False)
        else:
            self.banner.show_info(f"Forgot “{name}”: {forgotten.what_went()}.")
        self._show_stores()  # whatever happened, the switcher lists what is saved now

    @Slot()
    def find_by_email(self) -> None:
        """Look a customer up by exact email on the store."""
        email, ok = QInputDialog.getText(self, "Find by email", "Email address:")
        if ok and email.strip():
            self.session.service.find_by_email(email.strip())

    @Slot()
    def _on_action_connect_triggered(self) -> None:
        if self._stores is not None:
            self._stores.ask_for_store(self, self.replace_session)

    @Slot(str)
    def _on_store_switcher_profile_chosen(self, name: str) -> None:
        assert self._stores is not None
        try:
            session = self._stores.open_profile(name)
        except AppError as error:
            self.banner.show_error(error.message, retry=False)
            return
        self.replace_session(session)

    @Slot()
    def _on_store_switcher_demo_chosen(self) -> None:
        assert self._stores is not None
        self.replace_session(self._stores.open_demo())

    def _show_stores(self) -> None:
        if self._stores is None:
            return
        profiles = self._stores.profiles()
        current = None if self.session.is_demo else profiles.find(self.session.connection.url)
        self._shown_profile = current
        # Forgetting works offline too (nothing is sent), so only a saved store decides.
        self.action_forget_store.setEnabled(current is not None)
        unsaved = None
        if current is None and not self.session.is_demo:
            unsaved = (self.session.title, self.session.connection.url)
        self.store_switcher.show_stores(
            profiles.stores, current.name if current is not None else None, unsaved=unsaved
        )

    @property
    def generate_password(self) -> bool:
        """Whether the store makes up passwords for new customers.

        Yes until it says, and when it does not say (a wc/v3 key that may not read the store's
        settings): it then refuses a new customer without one if it must.
        """
        info = self.session.state.store_info
        return info.generates_passwords if info is not None else True

    # -- service events ----------------------------------------------------------------------

    @Slot(list, list)
    def _on_service_customers_changed(self, stored: list[int], removed: list[int]) -> None:
        first_rows = self.session.model.rowCount() == 0
        self._roles_outdated = True
        anchor = self._top_customer()
        self.session.model.refresh(stored, removed)
        self._keep_on_top(anchor)
        if first_rows and stored:
            self._refill_roles()
        elif not self._role_counts_timer.isActive():
            self._role_counts_timer.start()  # counts catch up without a read per sync page
        self._update_counts()
        current = self.detail.customer
        if current is not None and current.id in stored:
            self.detail.show_customer(self.session.cache.customer(current.id))
        if current is not None and current.id in removed:
            self.detail.show_customer(None)
        self._update_action_states()  # the selected customer may be gone

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

    @Slot(object)
    def _on_service_sync_progress(self, progress: SyncProgress) -> None:
        self.statusBar().showMessage(progress.message)

    @Slot(object)
    def _on_service_sync_finished(self, report: SyncReport) -> None:
        self.session.state.last_sync = datetime.now().astimezone()
        self.statusBar().showMessage(f"Synced: {report.describe_changes()}.", 5000)
        if not report.complete:
            # Nothing was removed on the evidence of an unproven walk; offer to look again.
            self.session.state.retry = self.full_sync
            self.banner.show_error(
                f"{report.unaccounted:,} customer{'s' if report.unaccounted != 1 else ''} could "
                "not be accounted for: the store changed while it was being read. Nothing was "
                "removed from this computer. Retry checks every customer again.",
                retry=True,
            )
        if self._roles_outdated:
            self._refill_roles()
        self._update_counts()
        self._update_connection_label()

    @Slot(int, object)
    def _on_service_orders_loaded(self, customer_id: int, orders: object) -> None:
        self.detail.show_orders(customer_id, orders)  # type: ignore[arg-type]

    @Slot(int, object)
    def _on_service_downloads_loaded(self, customer_id: int, downloads: object) -> None:
        orders = self.session.cache.orders(customer_id)
        self.detail.show_downloads(customer_id, downloads, orders)  # type: ignore[arg-type]

    @Slot(int)
    def _on_detail_orders_wanted(self, customer_id: int) -> None:
        cached = self.session.cache.orders(customer_id)
        self.detail.show_orders(customer_id, cached)  # None shows "Loading…"
        if self.online:
            self._orders_request = self.session.service.load_orders(customer_id)
        elif cached is None:
            self.detail.show_unavailable("orders", "Orders are shown once the store is back.")

    @Slot(int)
    def _on_detail_downloads_wanted(self, customer_id: int) -> None:
        cached = self.session.cache.downloads(customer_id)
        orders = self.session.cache.orders(customer_id)
        self.detail.show_downloads(customer_id, cached, orders)
        if self.online:
            self._downloads_request = self.session.service.load_downloads(customer_id)
            if orders is None:  # the orders' line items name the downloads' products
                self._orders_request = self.session.service.load_orders(customer_id)
        elif cached is None:
            self.detail.show_unavailable("downloads", "Downloads are shown once the store is back.")

    @Slot(int, object)
    def _on_service_customer_saved(self, request_id: int, result: object) -> None:
        if self._dialog is not None and request_id == self._pending_dialog_request:
            self._dialog.show_saved(result)  # type: ignore[arg-type]
        saved = getattr(result, "customer", None)
        if isinstance(saved, Customer):
            self.select_customer(saved.id)
            self.statusBar().showMessage(f"Saved {saved.display_name}.", 5000)

    @Slot(int, int)
    def _on_service_customer_deleted(self, request_id: int, customer_id: int) -> None:
        said = self.session.state.deleting.pop(request_id, "Customer deleted.")
        self.statusBar().showMessage(said, 5000)

    @Slot(int, object)
    def _on_service_customer_found(self, request_id: int, customer: object) -> None:
        if not isinstance(customer, Customer):
            self.banner.show_error("No customer in the store has that email address.", retry=False)
            return
        if not self.select_customer(customer.id):
            self.search_field.blockSignals(True)
            self.search_field.clear()
            self.search_field.blockSignals(False)
            self._search_timer.stop()
            if customer.role != self.role_filter.currentData():
                self.role_filter.blockSignals(True)
                self.role_filter.setCurrentIndex(1)  # all roles: the customer may have another
                self.role_filter.blockSignals(False)
            self._apply_view()
            self.select_customer(customer.id)

    @Slot(object)
    def _on_service_store_info_loaded(self, info: object) -> None:
        # The title keeps the name the user gave the store (or its URL), online and offline:
        # the store's own name may differ, and the switcher lists the user's.
        if isinstance(info, StoreInfo):
            self.session.state.store_info = info
            if info.money.has_symbol:  # else the format kept from before stays right
                self._show_money(info.money)

    def _show_money(self, money: MoneyFormat) -> None:
        """Write money figures (table, panel, orders) the way the store writes them."""
        self.session.model.set_money_format(money)
        self.detail.set_money_format(money)

    @Slot(int, str, object)
    def _on_service_failed(self, request_id: int, kind: str, error: object) -> None:
        if self.session.state.deleting.pop(request_id, None) is not None:
            self.statusBar().clearMessage()  # not "Deleting …" any more
        if not isinstance(error, AppError) or isinstance(error, CancelledError):
            return
        if self._dialog is not None and request_id == self._pending_dialog_request:
            self._dialog.show_store_error(error)
            return
        if kind in ("orders", "downloads") and isinstance(error, NetworkError):
            self.detail.show_unavailable(kind, f"{error.message}")
            return
        retry: Callable[[], None] | None = None
        if kind == "sync":
            retry = self.quick_sync
            self.statusBar().showMessage("Sync failed.", 10_000)
        message = error.message
        if isinstance(error, NetworkError):
            # An outage, whoever found it (a sync, the periodic check): Retry reconnects.
            retry = self.reconnect
            message += " The customers saved on this computer are shown meanwhile."
        self.session.state.retry = retry
        if isinstance(error, NetworkError) and self.session.state.outage_dismissed:
            if kind != "sync":
                self.statusBar().showMessage("The store still cannot be reached.", 10_000)
            return  # the user has seen this outage's banner and put it away
        self.banner.show_error(message, retry=retry is not None)

    @Slot(bool)
    def _on_service_online_changed(self, online: bool) -> None:
        # Emitted on a change only (the session's reconnector asks the store while offline).
        self.session.state.outage_dismissed = False  # a new outage, or the end of one
        self._update_connection_label()
        if online:
            self.banner.hide()
            self.quick_sync()  # back: catch up with what changed meanwhile

    @Slot(str)
    def _on_service_notice(self, text: str) -> None:
        self.banner.show_info(text)

    @Slot()
    def check_connection(self) -> None:
        """Ask the store whether it is reachable (it is asked by itself while offline)."""
        assert self.session.reconnector is not None
        self.session.reconnector.check()

    @Slot()
    def reconnect(self) -> None:
        """Try to reach the store now (Store > Reconnect, F5 while offline, the banner's Retry)."""
        self.check_connection()

    @Slot()
    def _on_banner_retry_requested(self) -> None:
        retry = self.session.state.retry
        if retry != self.reconnect:
            # Reconnecting keeps the banner (with Retry) until the store is back.
            self.banner.hide()
        if retry is not None:
            retry()

    @Slot()
    def _on_banner_dismissed(self) -> None:
        if not self.online:
            self.session.state.outage_dismissed = True

    def _tell(self, message: str) -> None:
        """A message the user must see, with nothing to retry."""
        self.banner.show_error(message, retry=False)

    # -- dropping a file ---------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:  # noqa: N802 - Qt's name
        """A file dragged in: the overlay says whether a drop would import it."""
        files = dropped_files(event.mimeData())
        if not files or not self.transfers.can_import:
            event.ignore()
            return
        self.drop_overlay.show_for(files)
        event.acceptProposedAction()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:  # noqa: N802 - Qt's name
        """The drag left: the overlay goes."""
        self.drop_overlay.hide()
        event.accept()

    def dropEvent(self, event: QDropEvent) -> None:  # noqa: N802 - Qt's name
        """Import a dropped CSV file; refuse anything else with a message."""
        self.drop_overlay.hide()
        files = dropped_files(event.mimeData())
        accepted, message = drop_message(files)
        if not accepted:
            self.banner.show_error(message, retry=False)
            event.ignore()
            return
        event.acceptProposedAction()
        self.transfers.open_import(files[0])

    # -- settings and shutdown ---------------------------------------------------------------

    def _restore_settings(self) -> None:
        geometry = self._settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            screen = self.screen().availableGeometry()
            # resize() sets the inside of the window: leave room for the window manager's
            # title bar and borders, or the status bar ends up below a small screen's edge.
            self.resize(min(1280, screen.width() * 19 // 20), min(800, screen.height() * 9 // 10))
        state = self._settings.value("window/state")
        if state is not None:
            self.restoreState(state)
        splitter = self._settings.value("window/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        else:
            width = self.width()
            self.splitter.setSizes([int(width * 0.62), int(width * 0.38)])
        self.columns.restore(self._settings)
        if self.role_filter.restore(self._settings):
            self._apply_view()
        self._restore_detail_tab()

    def _restore_detail_tab(self) -> None:
        """Open the detail panel on the tab it showed last (by its page's objectName)."""
        name = self._settings.value(DETAIL_TAB_KEY)
        tabs = self.detail.tabs
        for index in range(tabs.count()):
            page = tabs.widget(index)
            if name and page is not None and page.objectName() == name:
                tabs.setCurrentIndex(index)
                return

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
        elif event.type() == QEvent.Type.Resize and watched is self.splitter:
            # After the splitter has shared out its new width (filters run before it does).
            QTimer.singleShot(0, self._give_table_room)
        return super().eventFilter(watched, event)

    def save_settings(self) -> None:
        """Remember geometry, layout, the table's columns, the role chosen and the panel's tab."""
        self._settings.setValue("window/geometry", self.saveGeometry())
        self._settings.setValue("window/state", self.saveState())
        self._settings.setValue("window/splitter", self.splitter.saveState())
        self.columns.save(self._settings)
        self.role_filter.save(self._settings)
        page = self.detail.tabs.currentWidget()
        if page is not None:
            self._settings.setValue(DETAIL_TAB_KEY, page.objectName())
        self._settings.sync()

    def diagnostics(self) -> str:
        """What Help > Copy diagnostics copies: versions, folders, the store; no secrets."""
        return diagnostics_text(
            self._paths or AppPaths.for_user(),
            connection=self.session.connection,
            store_title=self.session.title,
            demo=self.session.is_demo,
            online=self.online,
            qt_platform=QGuiApplication.platformName(),
        )

    def copy_diagnostics(self) -> None:
        """Put the diagnostics on the clipboard, for a bug report."""
        QGuiApplication.clipboard().setText(self.diagnostics())
        self.statusBar().showMessage("Diagnostics copied to the clipboard.", 5000)

    def open_log_folder(self) -> None:
        """Show the log folder in the file manager."""
        log_dir = (self._paths or AppPaths.for_user()).log_dir
        log_dir.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_dir)))

    def show_about(self) -> None:
        """The app's name, version and what it is."""
        box = QMessageBox(self)
        box.setObjectName("aboutBox")
        box.setWindowTitle(f"About {APP_NAME}")
        box.setIconPixmap(self.windowIcon().pixmap(64, 64))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(f"{APP_NAME} {__version__}")
        box.setInformativeText(
            "A desktop customer manager for WooCommerce stores: browse, search, edit, import "
            "and export customers, online or from the local cache."
        )
        widen(box)
        box.open()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        """Save the layout, stop the worker (cancelling a sync in flight), close the store."""
        self.save_settings()
        self.session.close()
        # After the close: its last changes, flushed as it shuts down, may have started one.
        self._stop_timers()
        event.accept()

    def _stop_timers(self) -> None:
        """Nothing the window has scheduled may read the session's cache once it closes."""
        self._search_timer.stop()
        self._role_counts_timer.stop()

    @property
    def online(self) -> bool:
        """Whether the store answered the last request."""
        return self.session.online
