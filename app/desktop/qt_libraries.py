"""Whether a Linux desktop has the system libraries Qt's X11 platform plugin loads.

PySide6 brings Qt but not the X11 (xcb) libraries its ``libqxcb.so`` plugin links against. On a
bare Debian, Ubuntu or Fedora some are missing, and Qt then names only the first it thinks of
("xcb-cursor0 ... is needed"), even when others are missing too, and aborts. This module asks
the system's dynamic loader for each library the plugin needs (the list is ``ldd`` of PySide6
6.x's plugin and ``libQt6XcbQpa``) before Qt starts, and words one install command for the
distribution at hand. It imports nothing from Qt.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

#: Each shared library Qt's xcb plugin loads, with its package on Debian/Ubuntu and on Fedora.
XCB_LIBRARIES: Mapping[str, tuple[str, str]] = {
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
}


@dataclass(frozen=True)
class MissingLibraries:
    """The libraries the loader could not find, and how to install them here."""

    libraries: tuple[str, ...]
    family: str  # "debian", "fedora" or "" (unknown)

    def message(self) -> str:
        """What to tell the user before Qt would abort."""
        debian = sorted({XCB_LIBRARIES[name][0] for name in self.libraries})
        fedora = sorted({XCB_LIBRARIES[name][1] for name in self.libraries})
        commands = {
            "debian": f"sudo apt-get install {' '.join(debian)}",
            "fedora": f"sudo dnf install {' '.join(fedora)}",
        }
        if self.family in commands:
            install = f"Install them with:\n  {commands[self.family]}\n"
        else:
            install = (
                "Install them with your distribution's package manager, for example:\n"
                f"  {commands['debian']}    (Debian, Ubuntu)\n"
                f"  {commands['fedora']}    (Fedora)\n"
            )
        return (
            "Woo Customers cannot open its window: these system libraries, which Qt needs to "
            f"draw on an X11 desktop, are missing: {', '.join(self.libraries)}.\n{install}"
        )


def missing_qt_libraries(
    environ: Mapping[str, str] | None = None,
    platform: str = sys.platform,
    loads: Callable[[str], bool] | None = None,
    os_release: Path = Path("/etc/os-release"),
) -> MissingLibraries | None:
    """The X11 libraries Qt would fail to load, or None when there is nothing to worry about.

    Only on Linux, and only when Qt will use its X11 plugin: ``QT_QPA_PLATFORM`` unset or
    ``xcb``, and no Wayland session that Qt would prefer.
    """
    environ = os.environ if environ is None else environ
    if not platform.startswith("linux"):
        return None
    chosen = environ.get("QT_QPA_PLATFORM", "")
    if chosen and not chosen.startswith("xcb"):
        return None
    if not chosen and environ.get("WAYLAND_DISPLAY"):
        return None
    load = loads or _loads
    missing = tuple(name for name in XCB_LIBRARIES if not load(name))
    return MissingLibraries(missing, _family(os_release)) if missing else None


def _loads(soname: str) -> bool:
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def _family(os_release: Path) -> str:
    """``debian`` or ``fedora`` from /etc/os-release's ID and ID_LIKE, else ""."""
    try:
        text = os_release.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    words: set[str] = set()
    for line in text.splitlines():
        key, _, value = line.partition("=")
        if key in ("ID", "ID_LIKE"):
            words.update(value.strip().strip('"').split())
    if words & {"debian", "ubuntu"}:
        return "debian"
    if words & {"fedora", "rhel", "centos"}:
        return "fedora"
    return ""
