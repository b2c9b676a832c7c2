"""Which stores the app knows and how to open one; the toolbar's switcher between them.

:class:`StoreDirectory` owns the profile file and the secret store and turns a choice (a saved
profile, the demo store, or a new connection from the dialog) into an open
:class:`~app.ui.session.StoreSession`, and forgets a saved store. :class:`StoreSwitcher` is the
toolbar's combo box that lists the choices; the main window only wires the two together.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QComboBox, QMessageBox, QWidget

from app.api.connection import StoreConnection
from app.errors import ConfigurationError
from app.paths import AppPaths
from app.stores.forgetting import ForgottenStore, forget_store
from app.stores.profiles import Profiles, ProfileStore, StoreProfile
from app.stores.secrets import KeyringSecrets, SecretStore
from app.stores.segments import SegmentStore
from app.ui.connection_dialog import ConnectionChoice, ConnectionDialog, remember
from app.ui.session import StoreSession, open_demo_session, open_session

#: The switcher's item data for the demo store and for "connect another store".
DEMO_CHOICE = "\x00demo"
CONNECT_CHOICE = "\x00connect"
#: The switcher's item data for a store shown that is no saved profile (opened by its URL).
SHOWN_CHOICE = "\x00shown"


class StoreDirectory:
    """The saved stores and the demo store, and how to open each as a session."""

    def __init__(
        self,
        paths: AppPaths,
        secrets: SecretStore,
        *,
        keychain_available: Callable[[], bool] = KeyringSecrets.available,
    ) -> None:
        self._paths = paths
        self._secrets = secrets
        self._keychain_available = keychain_available
        self._profile_file = ProfileStore(paths.profiles_file)

    def profiles(self) -> Profiles:
        """The saved profiles, read afresh (the command line may have changed them)."""
        return self._profile_file.load()

    def open_demo(self) -> StoreSession:
        """The embedded demo store, made the default again."""
        profiles = self.profiles()
        if profiles.current is not None:
            profiles.current = None
            self._profile_file.save(profiles)
        return open_demo_session(self._paths)

    def open_profile(self, name: str) -> StoreSession:
        """A saved store, made the current one.

        Raises:
            ConfigurationError: when the profile is gone or its keys are not saved.
        """
        profiles = self.profiles()
        profile = profiles.find(name)
        if profile is None:
            raise ConfigurationError(f"No saved store is called “{name}”.")
        keys = self._secrets.get(profile.url)
        if keys is None:
            raise ConfigurationError(
                f"The keys of “{profile.name}” are not saved on this computer. Use "
                "“Connect another store…” to enter them again."
            )
        connection = StoreConnection(
            profile.url,
            keys[0],
            keys[1],
            auth=profile.auth,
            ca_bundle=Path(profile.ca_bundle) if profile.ca_bundle else None,
        )
        profiles.current = profile.name
        self._profile_file.save(profiles)
        return self.session_for(profile, connection)

    def session_for(self, profile: StoreProfile, connection: StoreConnection) -> StoreSession:
        """A saved store's session: its API choice and saved detection, new ones saved."""
        return open_session(
            connection,
            self._paths.cache_dir,
            title=profile.name,
            api=profile.api,
            detected=profile.detected,
            remember=lambda detection: self._profile_file.save_detection(profile.url, detection),
        )

    def forget(self, name: str) -> ForgottenStore:
        """Remove a saved store's profile, keys and cache from this computer.

        The store's session must be closed first (its cache file is deleted).

        Raises:
            ConfigurationError: when no saved store has this name, or the keychain refuses.
            CacheError: when a cache file cannot be deleted.
        """
        return forget_store(
            name,
            profiles=self._profile_file,
            secrets=self._secrets,
            cache_dir=self._paths.cache_dir,
            segments=SegmentStore(self._paths.segments_file),
        )

    def ask_for_store(self, parent: QWidget, opened: Callable[[StoreSession], None]) -> None:
        """Show the connection dialog; hand the session of the store chosen there to ``opened``."""
        profiles = self.profiles()
        dialog = ConnectionDialog(profiles, self._secrets.get, parent)

        def chosen(choice: ConnectionChoice) -> None:
            if choice.demo:
                opened(self.open_demo())
                return
            connection = choice.connection
            assert connection is not None
            profile = remember(profiles, choice)
            self._keep_secrets(parent, connection)
            profiles.put(profile)
            self._profile_file.save(profiles)
            opened(self.session_for(profile, connection))

        dialog.chosen.connect(chosen)
        dialog.open()

    def _keep_secrets(self, parent: QWidget, connection: StoreConnection) -> None:
        """Save the keys: in the keychain, or (if the user agrees) in the owner-only file."""
        if self._keychain_available():
            self._secrets.put(connection.url, connection.consumer_key, connection.consumer_secret)
            return
        answer = QMessageBox.question(
            parent,
            "No keychain",
            "This computer has no system keychain to keep the consumer secret in. Keep it in a "
            "file only your user account can read? (Otherwise you will be asked again next "
            "time.)",
        )
        if answer == QMessageBox.StandardButton.Yes:
            # Without a keychain the app's secret store is the owner-only file (default_secrets).
            self._secrets.put(connection.url, connection.consumer_key, connection.consumer_secret)


class StoreSwitcher(QComboBox):
    """The toolbar's list of stores: each saved profile, the demo store, and "connect another".

    Emits which store was picked; the window opens it. Picking "Connect another store…" asks for
    the dialog and puts the selection back on the store in use.
    """

    profile_chosen = Signal(str)
    demo_chosen = Signal()
    connect_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("storeSwitcher")
        self.setToolTip("The store this window shows")
        # As wide as a store's name, not as "Connect another store…": the toolbar is narrow.
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(14)
        self._current: str = DEMO_CHOICE
        self.activated.connect(self._on_activated)

    def show_stores(
        self,
        stores: list[StoreProfile],
        current: str | None,
        *,
        unsaved: tuple[str, str] | None = None,
    ) -> None:
        """List the stores; ``current`` is the profile shown, None for the demo store.

        ``unsaved`` is (name, URL) of the store shown when it is no saved profile (opened with
        ``--store-url``): listed first and selected, so the switcher names the store on screen.
        """
        self.blockSignals(True)
        self.clear()
        if unsaved is not None:
            self.addItem(unsaved[0], SHOWN_CHOICE)
            self.setItemData(0, unsaved[1], Qt.ItemDataRole.ToolTipRole)
            current = SHOWN_CHOICE
        for profile in stores:
            self.addItem(profile.name, profile.name)
            self.setItemData(self.count() - 1, profile.url, Qt.ItemDataRole.ToolTipRole)
        self.addItem("Demo store", DEMO_CHOICE)
        self.insertSeparator(self.count())
        self.addItem("Connect another store…", CONNECT_CHOICE)
        self._current = current if current is not None else DEMO_CHOICE
        self.setCurrentIndex(max(self.findData(self._current), 0))
        self.blockSignals(False)

    @Slot(int)
    def _on_activated(self, index: int) -> None:
        choice = self.itemData(index)
        if choice == self._current:
            return
        # The store in use stays selected until the window has opened the new one.
        self.setCurrentIndex(max(self.findData(self._current), 0))
        if choice == CONNECT_CHOICE:
            self.connect_requested.emit()
        elif choice == DEMO_CHOICE:
            self.demo_chosen.emit()
        elif isinstance(choice, str):
            self.profile_chosen.emit(choice)
