"""StoreSwitching: which store the main window shows, and forgetting a saved one.

Owns the toolbar's store switcher, File > Connect your store…, the demo store's bar (what the
demo store is, with a button to connect a store of one's own), and Store > Forget this store…
with its confirmation: opening the store chosen and handing its session to the window
(:attr:`StoreSwitching.session_opened`), and keeping the switcher's list and the saved store
shown in step with the profiles on this computer. Without a store directory (a window over one
given session) it offers no switching.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QPushButton, QWidget

from app.errors import AppError
from app.stores.profiles import StoreProfile
from app.ui.error_banner import ErrorBanner
from app.ui.message_boxes import ask_to_confirm
from app.ui.session import StoreSession
from app.ui.stores import StoreDirectory, StoreSwitcher
from app.ui.window_actions import window_action


class StoreSwitching(QObject):
    """Switching stores and forgetting a saved one (see the module docstring).

    Args:
        window: the window the actions belong to and the dialogs' parent.
        stores: the stores on this computer (None: no switching).
        banner: the window's banner.

    Signals:
        session_opened(StoreSession): a store was opened: the window shows it now.
    """

    session_opened = Signal(StoreSession)

    def __init__(
        self, window: QMainWindow, stores: StoreDirectory | None, banner: ErrorBanner
    ) -> None:
        super().__init__(window)
        self._window = window
        self._stores = stores
        self._banner = banner
        self._session: StoreSession | None = None
        # The saved store the window shows (None for the demo store or a store opened by its
        # URL alone): the one Store > Forget this store… forgets.
        self._shown_profile: StoreProfile | None = None
        self.action_connect = window_action(
            window, "actionConnect", "Connect your store…", None, self.connect_store
        )
        self.action_forget_store = window_action(
            window, "actionForgetStore", "Forget this store…", None, self.forget_store
        )
        self.action_forget_store.setEnabled(False)  # until show() finds a saved store
        self.switcher = StoreSwitcher()
        self.switcher.profile_chosen.connect(self._on_switcher_profile_chosen)
        self.switcher.demo_chosen.connect(self._on_switcher_demo_chosen)
        self.switcher.connect_requested.connect(self.connect_store)
        self.demo_bar = self._build_demo_bar()

    def _build_demo_bar(self) -> QWidget:
        badge = QLabel(
            "You are looking at the demo store: sample customers that live on this computer."
        )
        badge.setObjectName("demoBadge")
        badge.setStyleSheet(
            "#demoBadge { background: #fff4ce; border: 1px solid #e8d48a; border-radius: 4px;"
            " padding: 6px; }"
        )
        connect_button = QPushButton("Connect your store…")
        connect_button.clicked.connect(self.action_connect.trigger)
        bar = QWidget()
        layout = QHBoxLayout(bar)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(badge, 1)
        layout.addWidget(connect_button)
        return bar

    @property
    def available(self) -> bool:
        """Whether the window can switch stores at all (it has a store directory)."""
        return self._stores is not None

    def show(self, session: StoreSession) -> None:
        """List the saved stores in the switcher, ``session``'s chosen; the demo bar if demo."""
        self._session = session
        self.demo_bar.setVisible(session.is_demo)
        if self._stores is None:
            return
        profiles = self._stores.profiles()
        current = None if session.is_demo else profiles.find(session.connection.url)
        self._shown_profile = current
        # Forgetting works offline too (nothing is sent), so only a saved store decides.
        self.action_forget_store.setEnabled(current is not None)
        unsaved = None
        if current is None and not session.is_demo:
            unsaved = (session.title, session.connection.url)
        self.switcher.show_stores(
            profiles.stores, current.name if current is not None else None, unsaved=unsaved
        )

    @Slot()
    def connect_store(self) -> None:
        """Ask for a store to connect (File > Connect your store…)."""
        if self._stores is not None:
            self._stores.ask_for_store(self._window, self.session_opened.emit)

    @Slot(str)
    def _on_switcher_profile_chosen(self, name: str) -> None:
        assert self._stores is not None
        try:
            session = self._stores.open_profile(name)
        except AppError as error:
            self._banner.show_error(error.message, retry=False)
            return
        self.session_opened.emit(session)

    @Slot()
    def _on_switcher_demo_chosen(self) -> None:
        assert self._stores is not None
        self.session_opened.emit(self._stores.open_demo())

    @Slot()
    def forget_store(self) -> None:
        """Forget the saved store shown, after a confirmation that says what goes and what not."""
        profile = self._shown_profile
        if self._stores is None or profile is None:
            return
        ask_to_confirm(
            self._window,
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
            self._banner.show_error(error.message, retry=False)
            return
        # The demo store first: the forgotten store's cache file must be closed to be deleted.
        self.session_opened.emit(demo)
        try:
            forgotten = self._stores.forget(name)
        except AppError as error:
            self._banner.show_error(f"Forgetting “{name}” failed: {error.message}", retry=False)
        else:
            self._banner.show_info(f"Forgot “{name}”: {forgotten.what_went()}.")
        if self._session is not None:  # whatever happened, the switcher lists what is saved now
            self.show(self._session)
