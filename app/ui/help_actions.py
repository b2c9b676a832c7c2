"""HelpActions: the main window's Help menu.

Owns Copy diagnostics (versions, folders and the store shown, no secrets, onto the clipboard),
Open log folder and About, and what each says.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QUrl, Slot
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QMainWindow, QMenu, QMessageBox

from app import APP_NAME, __version__
from app.desktop.diagnostics import diagnostics_text
from app.paths import AppPaths
from app.ui.message_boxes import widen
from app.ui.session import StoreSession
from app.ui.window_actions import window_action


class HelpActions(QObject):
    """The Help menu's actions (see the module docstring).

    Args:
        window: the window the actions belong to, the About box's parent.
        paths: the app's folders (None: the user's usual ones).
    """

    def __init__(self, window: QMainWindow, paths: AppPaths | None) -> None:
        super().__init__(window)
        self._window = window
        self._paths = paths
        self._session: StoreSession | None = None
        self.action_copy_diagnostics = window_action(
            window, "actionCopyDiagnostics", "Copy diagnostics", None, self.copy_diagnostics
        )
        self.action_open_logs = window_action(
            window, "actionOpenLogFolder", "Open log folder", None, self.open_log_folder
        )
        self.action_about = window_action(
            window, "actionAbout", f"About {APP_NAME}", None, self.show_about
        )
        self.action_about.setMenuRole(QAction.MenuRole.AboutRole)

    def attach(self, session: StoreSession) -> None:
        """The store the diagnostics describe."""
        self._session = session

    def fill(self, menu: QMenu) -> None:
        """Put the actions in the Help menu."""
        menu.addAction(self.action_copy_diagnostics)
        menu.addAction(self.action_open_logs)
        menu.addSeparator()
        menu.addAction(self.action_about)

    def diagnostics(self) -> str:
        """What Help > Copy diagnostics copies: versions, folders, the store; no secrets."""
        session = self._session
        assert session is not None, "attach() a session first"
        return diagnostics_text(
            self._paths or AppPaths.for_user(),
            connection=session.connection,
            store_title=session.title,
            demo=session.is_demo,
            online=session.online,
            qt_platform=QGuiApplication.platformName(),
        )

    @Slot()
    def copy_diagnostics(self) -> None:
        """Put the diagnostics on the clipboard, for a bug report."""
        QGuiApplication.clipboard().setText(self.diagnostics())
        self._window.statusBar().showMessage("Diagnostics copied to the clipboard.", 5000)

    @Slot()
    def open_log_folder(self) -> None:
        """Show the log folder in the file manager."""
        log_dir = (self._paths or AppPaths.for_user()).log_dir
        log_dir.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_dir)))

    @Slot()
    def show_about(self) -> None:
        """The app's name, version and what it is."""
        box = QMessageBox(self._window)
        box.setObjectName("aboutBox")
        box.setWindowTitle(f"About {APP_NAME}")
        box.setIconPixmap(self._window.windowIcon().pixmap(64, 64))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(f"{APP_NAME} {__version__}")
        box.setInformativeText(
            "A desktop customer manager for WooCommerce stores: browse, search, edit, import "
            "and export customers, online or from the local cache."
        )
        widen(box)
        box.open()
