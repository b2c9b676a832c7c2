"""Single instance: two SingleInstance objects in one process play the two launches."""

from __future__ import annotations

import logging
import os
import re
import socket
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QDir
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtNetwork import QLocalServer, QLocalSocket
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from app import APP_ID
from app.desktop import single_instance as single_instance_module
from app.desktop.single_instance import (
    MAX_MESSAGE_BYTES,
    SingleInstance,
    parse_message,
    raise_window,
    server_name,
)

Make = Callable[..., SingleInstance]


@pytest.fixture
def make_instance(qapp: QApplication, tmp_path: Path) -> Iterator[Make]:
    """SingleInstance objects on this test's own data folder (by default); all closed after."""
    made: list[SingleInstance] = []

    def make(
        data_dir: Path | None = None, *, user: str | None = None, timeout_ms: int = 2000
    ) -> SingleInstance:
        instance = SingleInstance(
            APP_ID, data_dir or tmp_path / "data", user=user, timeout_ms=timeout_ms
        )
        made.append(instance)
        return instance

    yield make
    for instance in made:
        instance.close()


def send_raw(qtbot: QtBot, name: str, data: bytes) -> QLocalSocket:
    """Connect to the server, send these bytes, wait until the server hangs up."""
    client = QLocalSocket()
    client.connectToServer(name)
    assert client.waitForConnected(1000)
    client.write(data)
    client.flush()
    qtbot.waitUntil(lambda: client.state() == QLocalSocket.LocalSocketState.UnconnectedState)
    return client


# -- the name -------------------------------------------------------------------------------


def test_server_name_is_short_stable_and_plain(tmp_path: Path) -> None:
    name = server_name(APP_ID, tmp_path, "alice")
    assert name == server_name(APP_ID, tmp_path / "x" / "..", "alice")
    assert re.fullmatch(r"WooCustomers-[0-9a-f]{16}", name)


def test_server_name_differs_by_user_data_dir_and_app(tmp_path: Path) -> None:
    names = {
        server_name(APP_ID, tmp_path, "alice"),
        server_name(APP_ID, tmp_path, "bob"),
        server_name(APP_ID, tmp_path / "other", "alice"),
        server_name("org.example.WooCustomers", tmp_path, "alice"),
    }
    assert len(names) == 4


def test_server_name_defaults_to_the_current_user(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("getpass.getuser", lambda: "carol")
    assert server_name(APP_ID, tmp_path) == server_name(APP_ID, tmp_path, "carol")


# -- handing over ---------------------------------------------------------------------------


def test_no_running_instance_means_no_hand_over(
    make_instance: Make, caplog: pytest.LogCaptureFixture
) -> None:
    # Not even its timeout is waited for (how long it takes: a row of bench_waits).
    started = time.monotonic()
    with caplog.at_level(logging.WARNING):
        assert make_instance(timeout_ms=30_000).hand_over(["/srv/a.csv"]) is False
    assert time.monotonic() - started < 30
    assert caplog.records == []


def test_second_launch_hands_its_files_to_the_first(
    make_instance: Make,
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second = make_instance(), make_instance()
    assert first.listen()
    assert first.is_listening()
    monkeypatch.chdir(tmp_path)
    with qtbot.waitSignal(first.activation_requested, timeout=3000) as blocker:
        assert second.hand_over(["customers.csv", "/data/other list.tsv", "sub/../é.csv"]) is True
    assert blocker.args == [
        [
            str(tmp_path / "customers.csv"),
            os.path.abspath("/data/other list.tsv"),
            str(tmp_path / "é.csv"),
        ]
    ]


def test_activation_without_files(make_instance: Make, qtbot: QtBot) -> None:
    first, second = make_instance(), make_instance()
    assert first.listen()
    with qtbot.waitSignal(first.activation_requested, timeout=3000) as blocker:
        assert second.hand_over([]) is True
    assert blocker.args == [[]]


def test_the_server_takes_many_launches_in_turn(make_instance: Make, qtbot: QtBot) -> None:
    first = make_instance()
    assert first.listen()
    received: list[list[str]] = []
    first.activation_requested.connect(received.append)
    for index in range(5):
        assert make_instance().hand_over([f"/srv/{index}.csv"])
    qtbot.waitUntil(lambda: len(received) == 5)
    assert received == [[f"/srv/{index}.csv"] for index in range(5)]


def test_other_data_dirs_and_users_are_other_instances(make_instance: Make, tmp_path: Path) -> None:
    first = make_instance(user="alice")
    assert first.listen()
    assert make_instance(tmp_path / "elsewhere", user="alice").hand_over([]) is False
    assert make_instance(user="bob").hand_over([]) is False
    other = make_instance(tmp_path / "elsewhere", user="alice")
    assert other.listen()
    assert make_instance(user="alice").hand_over([]) is True


def test_a_second_server_on_a_live_name_backs_off(make_instance: Make, qtbot: QtBot) -> None:
    first, racer = make_instance(), make_instance()
    assert first.listen()
    assert racer.listen() is False
    assert not racer.is_listening()
    with qtbot.waitSignal(first.activation_requested, timeout=3000):
        assert make_instance().hand_over(["/srv/a.csv"])


@pytest.mark.skipif(sys.platform == "win32", reason="named pipes leave nothing behind")
def test_a_stale_socket_from_a_crash_is_replaced(
    make_instance: Make, qtbot: QtBot, caplog: pytest.LogCaptureFixture
) -> None:
    first = make_instance()
    path = os.path.join(QDir.tempPath(), first.name)
    leftover = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    leftover.bind(path)  # a socket file nobody serves, as a killed instance leaves it
    leftover.close()
    assert os.path.exists(path)
    with caplog.at_level(logging.WARNING):
        assert make_instance().hand_over([]) is False
    assert caplog.records == []  # a crash's leftover is not worth a warning
    assert first.listen()
    with qtbot.waitSignal(first.activation_requested, timeout=3000):
        assert make_instance().hand_over(["/srv/a.csv"])


def test_after_close_nobody_takes_over(make_instance: Make) -> None:
    first = make_instance()
    assert first.listen()
    first.close()
    assert not first.is_listening()
    assert make_instance().hand_over([]) is False
    assert first.listen()
    assert make_instance().hand_over([]) is True


def test_a_server_that_never_answers_is_no_hand_over(
    make_instance: Make, caplog: pytest.LogCaptureFixture
) -> None:
    mute = make_instance(timeout_ms=200)
    server = QLocalServer()
    assert server.listen(mute.name)
    try:
        started = time.monotonic()
        with caplog.at_level(logging.WARNING, logger="app.desktop.single_instance"):
            assert mute.hand_over(["/srv/a.csv"]) is False
        # It waited for its answer (how soon it gave up after: a row of bench_waits).
        assert time.monotonic() - started > 0.15
        assert "no answer" in caplog.text
    finally:
        server.close()


def test_too_many_files_are_refused_before_sending(make_instance: Make) -> None:
    with pytest.raises(ValueError, match="too long"):
        make_instance().hand_over(["/x" * 1000] * 40)


# -- garbage --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "garbage",
    [
        b"not json\n",
        b"\xff\xfe\n",
        b"[1, 2]\n",
        b'{"activate": false, "files": []}\n',
        b'{"activate": 1, "files": []}\n',
        b'{"activate": true, "files": "/srv/a.csv"}\n',
        b'{"activate": true, "files": [1]}\n',
        b'{"activate": true, "files": ["relative.csv"]}\n',
        b'{"activate": true, "files": ["/srv/a\\u0000.csv"]}\n',
        b"x" * (MAX_MESSAGE_BYTES + 10),
    ],
)
def test_garbage_is_logged_and_ignored(
    make_instance: Make,
    qtbot: QtBot,
    caplog: pytest.LogCaptureFixture,
    garbage: bytes,
) -> None:
    first = make_instance()
    assert first.listen()
    received: list[list[str]] = []
    first.activation_requested.connect(received.append)
    with caplog.at_level(logging.WARNING, logger="app.desktop.single_instance"):
        client = send_raw(qtbot, first.name, garbage)
    assert client.readAll().data() == b""  # no answer
    assert "ignored a connection" in caplog.text
    # The server still serves the next launch.
    with qtbot.waitSignal(first.activation_requested, timeout=3000) as blocker:
        assert make_instance().hand_over(["/srv/ok.csv"])
    assert blocker.args == [["/srv/ok.csv"]]
    assert received == [["/srv/ok.csv"]]


def test_a_silent_connection_is_dropped(
    make_instance: Make,
    qtbot: QtBot,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(single_instance_module, "CLIENT_TIMEOUT_MS", 100)
    first = make_instance()
    assert first.listen()
    with caplog.at_level(logging.WARNING, logger="app.desktop.single_instance"):
        send_raw(qtbot, first.name, b'{"activate": true')  # and then nothing
    assert "sent no message" in caplog.text


@pytest.mark.parametrize(
    ("line", "files"),
    [
        (b'{"activate": true, "files": ["/a.csv", "/b c.tsv"]}', ["/a.csv", "/b c.tsv"]),
        (b'{"activate": true}', []),
        (b'{"activate": true, "files": [], "later": "fields are fine"}', []),
        (b'{"files": ["/a.csv"]}', None),
        (b"null", None),
        (b"", None),
    ],
)
def test_parse_message(line: bytes, files: list[str] | None) -> None:
    assert parse_message(line) == files


# -- macOS file-open events -----------------------------------------------------------------


def test_file_open_events_become_activations(
    make_instance: Make, qapp: QApplication, qtbot: QtBot
) -> None:
    first = make_instance()
    first.watch_file_open_events(qapp)
    with qtbot.waitSignal(first.activation_requested, timeout=1000) as blocker:
        QCoreApplication.sendEvent(qapp, QFileOpenEvent("/Users/me/customers.csv"))
    assert blocker.args == [[os.path.abspath("/Users/me/customers.csv")]]


# -- the window -----------------------------------------------------------------------------


def test_raise_window_restores_a_minimised_window(qtbot: QtBot) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    window.showMinimized()
    qtbot.waitUntil(window.isMinimized)
    raise_window(window)
    qtbot.waitUntil(lambda: not window.isMinimized())
    assert window.isVisible()
