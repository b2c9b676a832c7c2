"""Where stores' consumer keys and secrets live: the OS keychain, or a file the user agreed to.

Secrets are kept by store URL, never in the profiles file. They live in the OS keychain through
``keyring``; where no keychain exists, a 0600 file is used only when the user agreed to it.
:func:`default_secrets` is that choice, for the desktop app and the command line alike.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from app.errors import ConfigurationError

if TYPE_CHECKING:
    from pathlib import Path

    from app.paths import AppPaths

KEYRING_SERVICE = "woo-customers"


class SecretStore(Protocol):
    """Where consumer keys and secrets are kept, by store URL."""

    def get(self, url: str) -> tuple[str, str] | None:
        """The (key, secret) pair for a store, if saved."""

    def put(self, url: str, consumer_key: str, consumer_secret: str) -> None:
        """Save a store's pair."""

    def delete(self, url: str) -> None:
        """Forget a store's pair."""


class SecretsChosenOnUse:
    """A secret store picked only when a secret is first asked for.

    Finding out whether a keychain exists loads every keyring backend (a fifth of a second);
    the demo store and a store whose keys come from the environment never need to know.
    """

    def __init__(self, choose: Callable[[], SecretStore]) -> None:
        self._choose = choose
        self._chosen: SecretStore | None = None

    def _store(self) -> SecretStore:
        if self._chosen is None:
            self._chosen = self._choose()
        return self._chosen

    def get(self, url: str) -> tuple[str, str] | None:
        """The (key, secret) pair from the chosen store."""
        return self._store().get(url)

    def put(self, url: str, consumer_key: str, consumer_secret: str) -> None:
        """Save a pair in the chosen store."""
        self._store().put(url, consumer_key, consumer_secret)

    def delete(self, url: str) -> None:
        """Forget a pair in the chosen store."""
        self._store().delete(url)


class KeyringSecrets:
    """Secrets in the OS keychain (Secret Service, macOS Keychain, Windows Credential Locker)."""

    @staticmethod
    def available() -> bool:
        """Whether a real keychain backend exists on this machine."""
        import keyring
        from keyring.backends.fail import Keyring as FailKeyring

        try:
            backend = keyring.get_keyring()
        except Exception:  # keyring raises assorted errors for broken setups
            return False
        return not isinstance(backend, FailKeyring) and backend.priority > 0

    def get(self, url: str) -> tuple[str, str] | None:
        """The pair from the keychain."""
        import keyring

        try:
            stored = keyring.get_password(KEYRING_SERVICE, url)
        except Exception as error:
            raise ConfigurationError(f"The system keychain could not be read: {error}") from error
        return _decode_pair(stored)

    def put(self, url: str, consumer_key: str, consumer_secret: str) -> None:
        """Store the pair in the keychain."""
        import keyring

        try:
            keyring.set_password(KEYRING_SERVICE, url, _encode_pair(consumer_key, consumer_secret))
        except Exception as error:
            raise ConfigurationError(f"The system keychain refused the keys: {error}") from error

    def delete(self, url: str) -> None:
        """Remove the pair from the keychain, if there.

        Raises:
            ConfigurationError: when the keychain refuses (locked, or its service is gone).
        """
        import keyring
        from keyring.errors import PasswordDeleteError

        try:
            keyring.delete_password(KEYRING_SERVICE, url)
        except PasswordDeleteError:
            pass  # nothing saved for this store: already as wanted
        except Exception as error:  # keyring raises assorted errors for broken setups
            raise ConfigurationError(
                f"The system keychain could not remove the keys: {error}"
            ) from error


class FileSecrets:
    """Secrets in a file only its owner can read: the fallback the user must agree to."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _load(self) -> dict[str, str]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def get(self, url: str) -> tuple[str, str] | None:
        """The pair from the file."""
        return _decode_pair(self._load().get(url))

    def put(self, url: str, consumer_key: str, consumer_secret: str) -> None:
        """Write the pair; the file is created with mode 0600."""
        data = self._load()
        data[url] = _encode_pair(consumer_key, consumer_secret)
        self._write(data)

    def delete(self, url: str) -> None:
        """Forget the pair."""
        data = self._load()
        if data.pop(url, None) is not None:
            self._write(data)

    def _write(self, data: dict[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
        os.chmod(self.path, 0o600)  # an existing file keeps its mode through os.open


def _encode_pair(consumer_key: str, consumer_secret: str) -> str:
    return json.dumps({"consumer_key": consumer_key, "consumer_secret": consumer_secret})


def _decode_pair(stored: str | None) -> tuple[str, str] | None:
    if not stored:
        return None
    try:
        data = json.loads(stored)
        return str(data["consumer_key"]), str(data["consumer_secret"])
    except (ValueError, KeyError, TypeError):
        return None


def default_secrets(paths: AppPaths) -> SecretStore:
    """The OS keychain when there is one, else the owner-only file the user agreed to."""
    if KeyringSecrets.available():
        return KeyringSecrets()
    return FileSecrets(paths.secrets_file)
