"""The check for the system libraries Qt's X11 plugin needs, before Qt starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.desktop.qt_libraries import XCB_LIBRARIES, missing_qt_libraries
from app.main import EXIT_MISSING_LIBRARIES, main

DEBIAN = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n'
UBUNTU = "ID=ubuntu\nID_LIKE=debian\n"
FEDORA = 'NAME="Fedora Linux"\nID=fedora\n'
ABSENT = {"libxcb-icccm.so.4", "libxcb-keysyms.so.1"}


def _release(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "os-release"
    path.write_text(text, encoding="utf-8")
    return path


def _check(tmp_path: Path, release: str, **environ: str) -> str | None:
    found = missing_qt_libraries(
        environ={"DISPLAY": ":0", **environ},
        platform="linux",
        loads=lambda name: name not in ABSENT,
        os_release=_release(tmp_path, release),
    )
    return None if found is None else found.message()


def test_every_missing_library_is_named_with_one_install_command(tmp_path: Path) -> None:
    """Qt named only xcb-cursor0 while icccm4 and keysyms1 were missing (issue 14)."""
    message = _check(tmp_path, DEBIAN)
    assert message is not None
    assert "libxcb-icccm.so.4, libxcb-keysyms.so.1" in message
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1\n" in message
    assert "dnf" not in message
    ubuntu = _check(tmp_path, UBUNTU)
    assert ubuntu is not None
    assert "apt-get install libxcb-icccm4 libxcb-keysyms1" in ubuntu


def test_fedora_gets_its_own_package_names(tmp_path: Path) -> None:
    message = _check(tmp_path, FEDORA)
    assert message is not None
    assert "sudo dnf install xcb-util-keysyms xcb-util-wm\n" in message


def test_an_unknown_distribution_gets_both_commands(tmp_path: Path) -> None:
    message = _check(tmp_path, "ID=gentoo\n")
    assert message is not None
    assert "apt-get install libxcb-icccm4 libxcb-keysyms1" in message
    assert "dnf install xcb-util-keysyms xcb-util-wm" in message


@pytest.mark.parametrize(
    "environ",
    [{"QT_QPA_PLATFORM": "offscreen"}, {"QT_QPA_PLATFORM": "wayland"}, {"WAYLAND_DISPLAY": "w"}],
)
def test_no_check_where_qt_will_not_use_x11(tmp_path: Path, environ: dict[str, str]) -> None:
    assert _check(tmp_path, DEBIAN, **environ) is None


def test_x11_asked_for_by_name_is_checked_even_in_a_wayland_session(tmp_path: Path) -> None:
    assert _check(tmp_path, DEBIAN, QT_QPA_PLATFORM="xcb", WAYLAND_DISPLAY="w") is not None


def test_nothing_to_say_when_every_library_loads_or_off_linux(tmp_path: Path) -> None:
    release = _release(tmp_path, DEBIAN)
    assert missing_qt_libraries({}, "linux", lambda _: True, release) is None
    assert missing_qt_libraries({}, "win32", lambda _: False, release) is None
    assert missing_qt_libraries({}, "darwin", lambda _: False, release) is None


def test_this_machine_has_what_the_suite_needs() -> None:
    """The real loader answers for every library (the suite runs offscreen, so only asked)."""
    found = missing_qt_libraries(environ={"QT_QPA_PLATFORM": "xcb"}, platform="linux")
    assert found is None or set(found.libraries) <= set(XCB_LIBRARIES)


def test_the_desktop_start_stops_before_qt_with_the_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("app.desktop.qt_libraries._loads", lambda name: name not in ABSENT)
    monkeypatch.setattr("app.desktop.qt_libraries.sys.platform", "linux")
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    assert main(["--data-dir", str(tmp_path)]) == EXIT_MISSING_LIBRARIES
    assert "libxcb-icccm.so.4" in capsys.readouterr().err


def test_the_readme_lists_every_package_for_both_families() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    words = set(readme.replace("\\", " ").split())
    for debian, fedora in XCB_LIBRARIES.values():
        assert debian in words, debian
        assert fedora in words, fedora
