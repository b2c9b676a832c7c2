"""Connecting a store: address, keys, a connection test, saved stores to switch between.

The test runs in an API worker of its own (app/ui/connection_test.py; the GUI thread never
touches the network) and reports the store's name, WooCommerce version, the authentication and
the API used; it detects the store's APIs afresh, and the store is saved with that answer and
the API chosen in the "API" combo.
Secrets go to the OS keychain; without one, the user is asked before they are kept in a file only
they can read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.api.choice import ApiChoice, SavedDetection
from app.api.connection import AuthMode, StoreConnection
from app.errors import ConfigurationError
from app.stores.profiles import Profiles, StoreProfile
from app.ui.connection_test import ConnectionTest, TestOutcome

_AUTH_LABELS = {
    AuthMode.AUTO: "Automatic (Basic over HTTPS, OAuth over HTTP)",
    AuthMode.BASIC: "HTTP Basic (HTTPS)",
    AuthMode.QUERY: "Keys in the query string (HTTPS, when the host drops the login header)",
    AuthMode.OAUTH: "OAuth 1.0a signatures",
}
_API_LABELS = {
    ApiChoice.AUTO: "Automatic (recommended)",
    ApiChoice.LEGACY: "Legacy REST API (/wc-api/v3)",
    ApiChoice.MODERN: "REST API (/wp-json/wc/v3)",
}


@dataclass(frozen=True)
class ConnectionChoice:
    """What the user chose: a store and its keys, or the demo store."""

    connection: StoreConnection | None
    name: str
    demo: bool = False
    api: ApiChoice = ApiChoice.AUTO
    detected: SavedDetection | None = None


class ConnectionDialog(QDialog):
    """Choose, test and save the store the app works with.

    Signals:
        chosen(ConnectionChoice): when the user saves or picks a store.
    """

    chosen = Signal(ConnectionChoice)

    def __init__(
        self,
        profiles: Profiles,
        secret_for: Callable[[str], tuple[str, str] | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("connectionDialog")
        self.setWindowTitle("Connect your store")
        self.setMinimumWidth(560)
        self._profiles = profiles
        self._secret_for = secret_for
        self._test = ConnectionTest(self)
        self._test.finished.connect(self._on_test_finished)
        self.finished.connect(self._test.stop)  # closed: a test still on the wire is dropped
        #: What the last successful test detected, for the URL it tested (saved with the store).
        self._detected: tuple[str, SavedDetection] | None = None

        self.saved = QComboBox()
        self.saved.setObjectName("savedStores")
        self.saved.addItem("New store…", "")
        for profile in profiles.stores:
            self.saved.addItem(profile.name, profile.name)
        self.saved.currentIndexChanged.connect(self._on_saved_changed)
        self.url = QLineEdit()
        self.url.setObjectName("storeUrl")
        self.url.setPlaceholderText("https://shop.example.com")
        self.key = QLineEdit()
        self.key.setObjectName("consumerKey")
        self.key.setPlaceholderText("ck_…")
        self.secret = QLineEdit()
        self.secret.setObjectName("consumerSecret")
        self.secret.setPlaceholderText("cs_…")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.auth = QComboBox()
        self.auth.setObjectName("authMode")
        for mode, label in _AUTH_LABELS.items():
            self.auth.addItem(label, mode)
        self.api = QComboBox()
        self.api.setObjectName("apiChoice")
        for choice, label in _API_LABELS.items():
            self.api.addItem(label, choice)
        self.api.setToolTip(
            "Which of the store's APIs the app uses. Automatic finds out what the store offers "
            "and uses the legacy API for customers where it exists (it gives order figures)."
        )
        self.certificate = QLineEdit()
        self.certificate.setObjectName("certificateFile")
        self.certificate.setPlaceholderText("Only for a store with a self-signed certificate")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._on_browse_clicked)
        certificate_row = QHBoxLayout()
        certificate_row.addWidget(self.certificate, 1)
        certificate_row.addWidget(browse)
        self.name = QLineEdit()
        self.name.setObjectName("profileName")
        self.name.setPlaceholderText("A name for this store (optional)")

        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow("Saved stores:", self.saved)
        form.addRow("Store address:", self.url)
        form.addRow("Consumer key:", self.key)
        form.addRow("Consumer secret:", self.secret)
        form.addRow("Authentication:", self.auth)
        form.addRow("API:", self.api)
        form.addRow("Trust certificate:", certificate_row)
        form.addRow("Name:", self.name)
        hint = QLabel(
            "Create keys in WordPress under WooCommerce > Settings > Advanced > REST API "
            "(Read/Write). The app finds which of the store's APIs to use."
        )
        hint.setWordWrap(True)
        hint.setEnabled(False)

        self.test_button = QPushButton("Test connection")
        self.test_button.setObjectName("testConnection")
        self.test_button.clicked.connect(self._on_test_clicked)
        self.test_result = QLabel()
        self.test_result.setObjectName("testResult")
        self.test_result.setTextFormat(Qt.TextFormat.PlainText)
        self.test_result.setWordWrap(True)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test_button)
        test_row.addWidget(self.test_result, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.addButton("Save and use", QDialogButtonBox.ButtonRole.AcceptRole)
        self.demo_button = buttons.addButton(
            "Use the demo store", QDialogButtonBox.ButtonRole.ResetRole
        )
        self.save_button.clicked.connect(self._on_save_clicked)
        self.demo_button.clicked.connect(self._on_demo_clicked)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addLayout(test_row)
        layout.addWidget(buttons)

    def connection(self) -> StoreConnection:
        """The connection the fields describe.

        Raises:
            ConfigurationError: for an unusable address, missing keys or certificate file.
        """
        certificate = self.certificate.text().strip()
        return StoreConnection(
            self.url.text(),
            self.key.text().strip(),
            self.secret.text().strip(),
            auth=AuthMode(self.auth.currentData()),
            ca_bundle=Path(certificate) if certificate else None,
        )

    @Slot(int)
    def _on_saved_changed(self, index: int) -> None:
        profile = self._profiles.find(str(self.saved.currentData() or ""))
        if profile is None:
            return
        self.url.setText(profile.url)
        self.name.setText(profile.name)
        self.auth.setCurrentIndex(max(self.auth.findData(profile.auth), 0))
        self.api.setCurrentIndex(max(self.api.findData(profile.api), 0))
        self.certificate.setText(profile.ca_bundle or "")
        keys = self._secret_for(profile.url)
        self.key.setText(keys[0] if keys else "")
        self.secret.setText(keys[1] if keys else "")

    @Slot()
    def _on_browse_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Certificate to trust", "", "Certificates (*.pem *.crt *.cer);;All files (*)"
        )
        if path:
            self.certificate.setText(path)

    @Slot()
    def _on_test_clicked(self) -> None:
        try:
            connection = self.connection()
        except ConfigurationError as error:
            self.test_result.setText(error.message)
            return
        self.test_button.setEnabled(False)
        self.test_result.setText("Testing…")
        self._test.start(connection, self.api_choice())

    def api_choice(self) -> ApiChoice:
        """The API chosen in the combo."""
        return ApiChoice(self.api.currentData())

    @Slot(TestOutcome)
    def _on_test_finished(self, outcome: TestOutcome) -> None:
        info, error, detected = outcome.info, outcome.error, outcome.detected
        self.test_button.setEnabled(True)
        if error is not None:
            self.test_result.setText(f"✗ {error.message}")
            return
        assert info is not None
        if detected is not None:
            self._detected = (self.url.text().strip(), detected)
        try:
            auth = self.connection().effective_auth
        except ConfigurationError:
            auth = AuthMode.AUTO
        self.test_result.setText(
            f"✓ Connected to {info.name or 'the store'} (WooCommerce {info.wc_version}), "
            f"authenticating with {auth.name.title() if auth is not AuthMode.OAUTH else 'OAuth'}, "
            f"through the {info.api_used}."
        )

    @Slot()
    def _on_save_clicked(self) -> None:
        try:
            connection = self.connection()
        except ConfigurationError as error:
            QMessageBox.warning(self, "Connect your store", error.message)
            return
        warning = connection.security_warning()
        if warning:
            answer = QMessageBox.question(self, "Unencrypted connection", f"{warning}\n\nContinue?")
            if answer != QMessageBox.StandardButton.Yes:
                return
        detected = None
        if self._detected is not None and self._detected[0] == self.url.text().strip():
            detected = self._detected[1]
        self.chosen.emit(
            ConnectionChoice(
                connection, self.name.text().strip(), api=self.api_choice(), detected=detected
            )
        )
        self.accept()

    @Slot()
    def _on_demo_clicked(self) -> None:
        self.chosen.emit(ConnectionChoice(None, "Demo store", demo=True))
        self.accept()


def remember(profiles: Profiles, choice: ConnectionChoice) -> StoreProfile:
    """The profile to save for a chosen connection (named by the user or by the host)."""
    assert choice.connection is not None
    connection = choice.connection
    saved = profiles.find(connection.url)
    detected = choice.detected
    if detected is None and saved is not None:
        detected = saved.detected  # not tested this time: what was detected before still holds
    return StoreProfile(
        profiles.unique_name(choice.name or None, connection.url),
        connection.url,
        connection.auth,
        str(connection.ca_bundle) if connection.ca_bundle else None,
        api=choice.api,
        detected=detected,
    )
