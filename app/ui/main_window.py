"""The main window: layout and wiring only.

The customer table and the detail panel sit side by side; the toolbar, search box and role
filter drive the table's view of the cache; the store session's worker service does every
store request, and its signals update the views. Nothing here touches the network or waits
for the worker. Each responsibility is a part of its own, composed here: the customer list
(app/ui/customer_list.py), the detail panel's feed (detail_feed.py), the connection and syncs
(connection_state.py), one customer's dialogs (customer_editing.py), several customers'
actions (customer_actions.py), CSV transfers (transfers.py), switching stores
(store_switching.py), the Help menu (help_actions.py), the banner (error_banner.py), the
filters (customer_filters.py), segments (segments_menu.py) and insights (insights.py).
"""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, Slot
from PySide6.QtGui import QCloseEvent, QKeySequence
from PySide6.QtWidgets import QMainWindow, QSizePolicy, QToolBar, QVBoxLayout, QWidget

from app import APP_NAME
from app.cache.sync import SyncMode
from app.paths import AppPaths
from app.ui.connection_state import ConnectionState
from app.ui.customer_actions import CustomerActions
from app.ui.customer_editing import CustomerEditing
from app.ui.customer_list import CustomerList
from app.ui.detail_feed import DetailFeed
from app.ui.detail_panel import DetailPanel
from app.ui.error_banner import ErrorBanner
from app.ui.file_drops import FileDrops
from app.ui.help_actions import HelpActions
from app.ui.insights import Insights
from app.ui.segments_menu import SegmentsMenu
from app.ui.session import StoreSession
from app.ui.store_switching import StoreSwitching
from app.ui.stores import StoreDirectory
from app.ui.sync_progress import SyncProgressPanel
from app.ui.transfers import CsvTransfers
from app.ui.window_actions import window_action
from app.ui.window_settings import restore_tab, restore_window, save_tab, save_window


class MainWindow(QMainWindow):
    """The app's window over one store session (switchable)."""

    customer_actions: CustomerActions  # made once the parts it lends the actions of exist

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
        self._paths = paths
        self.banner = ErrorBanner()
        self.transfers = CsvTransfers(
            host=self, parent=self, settings=settings, paths=paths, tell=self.banner.tell
        )
        self.detail = DetailPanel()
        self.detail.setMinimumWidth(340)
        self.customer_list = CustomerList(
            self, self.detail, lambda: len(self.customer_actions.selected_rows())
        )
        self.editing = CustomerEditing(
            self, self.customer_list, self.banner, lambda: self.customer_actions.delete_if_several()
        )
        self.connection = ConnectionState(self, self.banner)
        self.store_switching = StoreSwitching(self, stores, self.banner)
        self.help = HelpActions(self, paths)
        self.segments = SegmentsMenu(self, self.customer_list, paths)
        self.detail_feed = DetailFeed(self.detail)
        self.action_import = window_action(
            self, "actionImportCsv", "Import CSV…", "Ctrl+I", self.transfers.choose_import
        )
        self.action_export = window_action(
            self, "actionExportCsv", "Export CSV…", "Ctrl+Shift+E", self.transfers.export_view
        )
        self.action_quit = window_action(
            self, "actionQuit", "Quit", QKeySequence.StandardKey.Quit, self.close
        )
        # The parts' widgets and actions, under the names the window has always given them.
        self.table = self.customer_list.table
        self.columns = self.customer_list.columns
        self.search_field = self.customer_list.search_field
        self.role_filter = self.customer_list.role_filter
        self.filters = self.customer_list.filters
        self.insights = Insights(self, self.customer_list.view_changed, self.filters.add)
        self.splitter = self.customer_list.splitter
        self.store_switcher = self.store_switching.switcher
        self.demo_bar = self.store_switching.demo_bar
        self.new_customer = self.editing.new
        self.quick_sync = self.connection.quick_sync
        self.full_sync = self.connection.full_sync
        self.reconnect = self.connection.reconnect
        self.check_connection = self.connection.check_connection
        self.current_view = self.customer_list.current_view
        self.selected_customer = self.customer_list.selected_customer
        self.select_customer = self.customer_list.select_customer
        self.customer_actions = CustomerActions(
            window=self,
            table=self.table,
            orders_table=self.detail.orders_table,
            orders_model=self.detail.orders_model,
            transfers=self.transfers,
            edit_action=self.editing.action_edit,
            delete_action=self.editing.action_delete,
            export_action=self.action_export,
            tell_problem=self.banner.tell,
            tell_news=self.banner.show_info,
        )
        self.customer_actions.selection_counted.connect(self.customer_list.show_count)
        self.customer_list.selection_moved.connect(self._update_action_states)
        self.connection.changed.connect(self._update_action_states)
        self.connection.add_claim(self.editing.claim_failure)
        self.connection.add_claim(self.detail_feed.claim_failure)
        self.store_switching.session_opened.connect(self.replace_session)
        self._build_menus()
        self._build_layout()
        self.attach(session)
        restore_window(self, self.splitter, settings)
        self.customer_list.restore(settings)
        restore_tab(self.detail.tabs, settings)

    # -- construction -----------------------------------------------------------------------

    def _build_menus(self) -> None:
        editing, connection = self.editing, self.connection
        self._store_actions = (
            *(editing.action_new, editing.action_edit, editing.action_delete),
            *(connection.action_sync, connection.action_full_sync),
            *(editing.action_find, self.action_import),
        )
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addAction(self.store_switching.action_connect)
        file_menu.addSeparator()
        file_menu.addAction(self.action_import)
        file_menu.addAction(self.action_export)
        file_menu.addSeparator()
        file_menu.addAction(self.action_quit)
        customer_menu = menu.addMenu("&Customer")
        for action in (*self._store_actions[:3], editing.action_find):
            customer_menu.addAction(action)
        store_menu = menu.addMenu("&Store")
        store_menu.addAction(connection.action_reconnect)
        store_menu.addAction(connection.action_sync)
        store_menu.addAction(connection.action_full_sync)
        store_menu.addSeparator()
        store_menu.addAction(self.store_switching.action_forget_store)
        self.view_menu = menu.addMenu("&View")
        self.view_menu.setObjectName("viewMenu")
        self.customer_list.follow_view_menu(self.view_menu)
        self.view_menu.addAction(self.insights.toggle_action)
        self.segments.fill(menu.addMenu("Se&gments"))
        self.help.fill(menu.addMenu("&Help"))

    def _build_layout(self) -> None:
        toolbar = QToolBar("Main", self)
        toolbar.setObjectName("mainToolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        toolbar.addActions(list(self._store_actions[:3]))
        toolbar.addSeparator()
        toolbar.addAction(self.connection.action_sync)
        toolbar.addAction(self.connection.action_reconnect)
        spacer = QWidget()
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, spacer.sizePolicy().verticalPolicy())
        toolbar.addWidget(spacer)
        if self.store_switching.available:
            toolbar.addWidget(self.store_switcher)
        toolbar.addWidget(self.role_filter)
        toolbar.addWidget(self.search_field)
        self.addToolBar(toolbar)

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 6, 8, 0)
        layout.addWidget(self.store_switching.demo_bar)
        layout.addWidget(self.banner)
        layout.addWidget(self.customer_list.filter_panel)
        layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)
        self.drops = FileDrops(self, central, self.transfers, self.banner.tell)
        self.drop_overlay = self.drops.overlay

        self.sync_progress = SyncProgressPanel(self)
        # Permanent widgets stay visible while progress messages come and go on the left.
        for widget in (
            self.sync_progress,
            self.segments.label,
            self.customer_list.count_label,
            self.customer_list.coverage_label,
            self.connection.label,
        ):
            self.statusBar().addPermanentWidget(widget)

    # -- sessions ----------------------------------------------------------------------------

    def attach(self, session: StoreSession) -> None:
        """Show a store session (the previous one must be detached first).

        Everything the window showed of the previous store goes: its banner, its dialog, its
        progress message; what it knows of the store (online, last sync, Retry) is the session's.
        """
        self.session = session
        self.banner.hide()
        self.statusBar().clearMessage()
        self.customer_list.attach(session)
        self.segments.attach(session)
        self.insights.attach(session)
        self.editing.attach(session)
        self.connection.attach(session)
        self.sync_progress.follow(session.service)
        self.transfers.attach(session.service)
        self.customer_actions.attach(session)
        self.help.attach(session)
        self.setWindowTitle(f"{session.title} – {APP_NAME}")
        self.store_switching.show(session)
        self.customer_list.open_view()
        self.customer_list.update_counts()
        self.connection.update_label()
        self.detail_feed.attach(session)
        session.service.start()

    def start(self) -> None:
        """Begin: ask the store who it is and bring the cache up to date."""
        self.session.service.load_store_info()
        self.session.service.sync(SyncMode.AUTO)
        self.transfers.report_unfinished_import()

    @Slot(object)
    def replace_session(self, session: StoreSession) -> None:
        """Switch to another store."""
        old = self.session
        # A new model resets the header's sections: keep the user's columns across the switch.
        header_state = self.columns.saved_state()
        self.customer_list.detach()
        self.insights.detach()
        old.close()
        self.customer_list.stop_timers()  # after the close, which flushes its last changes
        self.customer_list.clear_search_quietly()
        self.attach(session)
        self.columns.restore_state(header_state)
        self.start()

    # -- wiring ------------------------------------------------------------------------------

    @Slot()
    def _update_action_states(self) -> None:
        has_customer = self.selected_customer() is not None
        reason = "" if self.online else "The store cannot be reached right now."
        for action in self._store_actions:
            needs_customer = action in (self.editing.action_edit, self.editing.action_delete)
            action.setEnabled(self.online and (has_customer or not needs_customer))
            action.setToolTip(reason or action.text().rstrip("…"))
        # Only while the store cannot be reached (then Sync cannot be used, and F5 reconnects).
        self.connection.action_reconnect.setEnabled(not self.online)
        self.connection.action_reconnect.setVisible(not self.online)
        if self._paths is None:  # a window without a data folder has nowhere to keep files
            for action in (self.action_import, self.action_export):
                action.setEnabled(False)
        self.customer_actions.update_states()  # Edit and Delete as the selection allows

    # -- settings and shutdown ---------------------------------------------------------------

    def save_settings(self) -> None:
        """Remember geometry, layout, the table's columns, the role chosen and the panel's tab."""
        save_window(self, self.splitter, self._settings)
        self.customer_list.save(self._settings)
        save_tab(self.detail.tabs, self._settings)
        self._settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        """Save the layout, stop the worker (cancelling a sync in flight), close the store."""
        self.save_settings()
        self.insights.detach()
        self.session.close()
        # After the close: its last changes, flushed as it shuts down, may have started one.
        self.customer_list.stop_timers()
        event.accept()

    # -- what the parts answer, under the window's names -------------------------------------

    @property
    def online(self) -> bool:
        """Whether the store answered the last request."""
        return self.session.online

    @property
    def generate_password(self) -> bool:
        """Whether the store makes up passwords for new customers."""
        return self.editing.generate_password
