"""One running app per user and data folder: a second launch hands its files over and exits.

This module owns the single-instance protocol and the command-line files it carries:

- :func:`server_name`: the local socket (Unix) or named pipe (Windows) name, derived from the
  app id, the user and the data folder, so each user, and each ``--data-dir`` (tests, portable
  installs), has its own running instance.
- :class:`SingleInstance`: :meth:`~SingleInstance.hand_over` (a later launch gives its files to
  the running instance) and :meth:`~SingleInstance.listen` (the first launch serves), with the
  signal :attr:`~SingleInstance.activation_requested`; macOS's file-open events (Finder, Dock)
  arrive through the same signal.
- :func:`raise_window`: bring the window to the front when activated.

The protocol is one line of UTF-8 JSON from the new launch, ``{"activate": true, "files":
["/absolute/path.csv"]}``, answered by ``{"ok": true}`` from the running instance, which then
closes the connection. Anything else (not JSON, other fields' types, relative paths, more than
:data:`MAX_MESSAGE_BYTES`, silence) is logged and dropped without an answer.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, QTimer, Signal
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)

#: How long a new launch waits for the running instance to take its files.
HAND_OVER_TIMEOUT_MS = 2000
#: How long a listen() waits to learn whether a server socket it found is alive.
PROBE_TIMEOUT_MS = 300
#: A connection that has not sent a whole message by then is dropped.
CLIENT_TIMEOUT_MS = 5000
#: The longest message the running instance reads (a few hundred file paths).
MAX_MESSAGE_BYTES = 64 * 1024

_ACK = b'{"ok": true}\n'


def _user_name() -> str:
    """Who runs the app (a stable fallback where the account has no name)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError, ImportError):
        return str(os.getuid()) if hasattr(os, "getuid") else "user"


def server_name(app_id: str, data_dir: Path, user: str | None = None) -> str:
    """The local server's name for this app, user and data folder.

    A hash keeps it short (Unix socket paths stop at about 100 bytes, macOS's temporary folder
    is long) and free of characters a pipe or file name cannot hold.

    Args:
        app_id: the reverse-DNS application id.
        data_dir: the app's data folder (``--data-dir`` changes it).
        user: the account name; the current user's when not given.

    Returns:
        A name such as ``WooCustomers-3f9a0c1d2e4b5a6c``.
    """
    folder = os.path.normcase(os.path.abspath(data_dir.expanduser()))
    key = "\0".join((app_id, user if user is not None else _user_name(), folder))
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{app_id.rsplit('.', 1)[-1]}-{digest}"


def parse_message(line: bytes) -> list[str] | None:
    """The files of one protocol message, or None when it is not a valid one.

    Args:
        line: the message without its newline.

    Returns:
        The absolute file paths it carries (maybe none), or None.
    """
    try:
        message = json.loads(line.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(message, dict) or message.get("activate") is not True:
        return None
    files = message.get("files", [])
    if not isinstance(files, list):
        return None
    for name in files:
        if not isinstance(name, str) or "\0" in name or not os.path.isabs(name):
            return None
    return list(files)


def raise_window(window: QWidget) -> None:
    """Show the window, restored from minimised, in front and focused (as far as allowed)."""
    if window.isMinimized():
        window.showNormal()
    else:
        window.show()
    window.raise_()
    window.activateWindow()


class SingleInstance(QObject):
    """The running instance's server, or a later launch's door to it.

    Call :meth:`hand_over` first: True means a running instance took over, and this process
    should exit. Otherwise call :meth:`listen` and connect :attr:`activation_requested`.
    A QCoreApplication (or QApplication) must exist.

    Args:
        app_id: the reverse-DNS application id.
        data_dir: the app's data folder: instances with different ones are independent.
        parent: the owning QObject.
        user: the account name (tests); the current user's when not given.
        timeout_ms: how long :meth:`hand_over` waits for the running instance.
    """

    #: A later launch asked to be shown, with these absolute file paths (maybe none) to open.
    activation_requested = Signal(list)

    def __init__(
        self,
        app_id: str,
        data_dir: Path,
        parent: QObject | None = None,
        *,
        user: str | None = None,
        timeout_ms: int = HAND_OVER_TIMEOUT_MS,
    ) -> None:
        super().__init__(parent)
        self.name = server_name(app_id, data_dir, user)
        self._timeout_ms = timeout_ms
        self._server: QLocalServer | None = None
        self._buffers: dict[QLocalSocket, bytearray] = {}

    # -- a later launch -----------------------------------------------------------------------

    def hand_over(self, files: Sequence[str]) -> bool:
        """Give these files to the running instance and ask it to come to the front.

        Waits (running a local event loop, so an instance in this same process can answer) at
        most ``timeout_ms`` for the running instance's answer.

        Args:
            files: file paths; relative ones are made absolute here, against this process's
                working folder.

        Returns:
            True if a running instance confirmed it took them, False if there is none (or it
            did not answer in time).
        """
        if QCoreApplication.instance() is None:
            raise RuntimeError("SingleInstance.hand_over needs a QCoreApplication")
        message = {"activate": True, "files": [os.path.abspath(name) for name in files]}
        payload = json.dumps(message).encode("utf-8") + b"\n"
        if len(payload) > MAX_MESSAGE_BYTES:
            raise ValueError(f"{len(files)} file names are too long to hand over")
        if sys.platform == "win32":
            # Let the running instance's window take the foreground (Windows otherwise only
            # flashes its taskbar button). ASFW_ANY = -1.
            import ctypes

            ctypes.windll.user32.AllowSetForegroundWindow(-1)

        socket = QLocalSocket()
        loop = QEventLoop()
        reply = bytearray()
        reached: list[bool] = []

        def on_connected() -> None:
            reached.append(True)
            socket.write(payload)
            socket.flush()

        def on_ready_read() -> None:
            reply.extend(bytes(socket.readAll().data()))
            if b"\n" in reply or len(reply) > len(_ACK):
                loop.quit()

        socket.connected.connect(on_connected)
        socket.readyRead.connect(on_ready_read)
        socket.errorOccurred.connect(loop.quit)
        socket.disconnected.connect(loop.quit)
        socket.connectToServer(self.name)
        if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
            QTimer.singleShot(self._timeout_ms, loop.quit)
            loop.exec()
        taken = bytes(reply) == _ACK
        socket.abort()
        if taken:
            log.info("handed %d file(s) over to the running instance", len(files))
        elif reached:  # (not reached: nobody serves, or a crashed instance's socket is left)
            log.warning("no answer from the running instance %s: %r", self.name, bytes(reply))
        return taken

    # -- the running instance -----------------------------------------------------------------

    def listen(self) -> bool:
        """Serve later launches; remove a server socket a crashed instance left behind.

        Returns:
            True if this object now serves; False if another live instance already does (a
            race between two launches) or the name cannot be used.
        """
        if self._server is not None and self._server.isListening():
            return True
        # Qt binds a socket with access options elsewhere and renames it into place, which
        # would silently take the name from a live instance: ask first.
        if self._is_alive():
            log.info("another instance serves %s", self.name)
            return False
        if QLocalServer.removeServer(self.name):
            log.info("removed the server socket a previous instance left: %s", self.name)
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        server.newConnection.connect(self._on_server_new_connection)
        if not server.listen(self.name):
            log.warning("cannot serve %s: %s", self.name, server.errorString())
            server.deleteLater()
            return False
        self._server = server
        return True

    def is_listening(self) -> bool:
        """Whether :meth:`listen` succeeded and the server still runs."""
        return self._server is not None and self._server.isListening()

    def close(self) -> None:
        """Stop serving (the socket file goes too) and drop open connections."""
        for socket in list(self._buffers):
            socket.abort()
        self._buffers.clear()
        if self._server is not None:
            self._server.close()
            self._server.deleteLater()
            self._server = None

    def watch_file_open_events(self, application: QCoreApplication) -> None:
        """Report macOS's file-open events (Finder, Dock) through :attr:`activation_requested`.

        Args:
            application: the app whose events to watch.
        """
        application.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """Turn a :class:`QFileOpenEvent` into an activation with that file."""
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            name = event.file()
            if name:
                self.activation_requested.emit([os.path.abspath(name)])
                return True
        return super().eventFilter(watched, event)

    def _is_alive(self) -> bool:
        """Whether a server answers on our name (else its socket file is stale)."""
        probe = QLocalSocket()
        probe.connectToServer(self.name)
        alive = probe.state() == QLocalSocket.LocalSocketState.ConnectedState or (
            probe.state() == QLocalSocket.LocalSocketState.ConnectingState
            and probe.waitForConnected(PROBE_TIMEOUT_MS)
        )
        probe.abort()
        return alive

    def _on_server_new_connection(self) -> None:
        assert self._server is not None
        while (socket := self._server.nextPendingConnection()) is not None:
            self._buffers[socket] = bytearray()
            timer = QTimer(socket)
            timer.setSingleShot(True)
            timer.timeout.connect(lambda socket=socket: self._drop(socket, "sent no message"))
            timer.start(CLIENT_TIMEOUT_MS)
            socket.readyRead.connect(lambda socket=socket: self._on_socket_ready_read(socket))
            socket.disconnected.connect(lambda socket=socket: self._forget(socket))

    def _on_socket_ready_read(self, socket: QLocalSocket) -> None:
        buffer = self._buffers.get(socket)
        if buffer is None:
            return
        buffer.extend(bytes(socket.readAll().data()))
        line, newline, _rest = bytes(buffer).partition(b"\n")
        if not newline:
            if len(buffer) > MAX_MESSAGE_BYTES:
                self._drop(socket, f"sent more than {MAX_MESSAGE_BYTES} bytes")
            return
        files = parse_message(line)
        if files is None:
            self._drop(socket, f"sent a message that is not ours: {line[:200]!r}")
            return
        del self._buffers[socket]
        socket.write(_ACK)
        socket.flush()
        socket.disconnectFromServer()
        log.info("activated by another launch with %d file(s)", len(files))
        # After this slot returns, so that a slot opening a dialog does not hold the socket.
        QTimer.singleShot(0, self, lambda: self.activation_requested.emit(files))

    def _drop(self, socket: QLocalSocket, why: str) -> None:
        if self._buffers.pop(socket, None) is None:
            return
        log.warning("ignored a connection to %s that %s", self.name, why)
        socket.abort()
        socket.deleteLater()

    def _forget(self, socket: QLocalSocket) -> None:
        self._buffers.pop(socket, None)
        socket.deleteLater()
