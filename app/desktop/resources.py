"""Where the app's non-Python files are, from a source checkout or a PyInstaller bundle.

This module owns the resource layout: :data:`RUNTIME_RESOURCES`, the one list of files under
``resources/`` that the app loads while it runs (the PyInstaller spec must bundle each one, and
``tests/packaging/test_spec.py`` checks that it does), how a resource's path is found, and the
application icon built from them.

From a source checkout (or an editable install) the files are in the repository's ``resources/``
folder. In a PyInstaller bundle they are in ``resources/`` below ``sys._MEIPASS`` (the bundle's
``_internal`` folder, or ``Contents/Frameworks`` in a macOS app), where the spec puts them.
Installed from a wheel they are in ``app/_resources/`` (:data:`PACKAGED_RESOURCES`), where
``pyproject.toml``'s ``force-include`` puts ``resources/icons``: a wheel cannot carry a
top-level ``resources/`` folder without spilling it into ``site-packages``.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from app import APP_ID

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon

log = logging.getLogger(__name__)

#: The resource folder's name inside the ``app`` package when installed from a wheel (the
#: wheel's ``force-include`` in ``pyproject.toml`` must name the same folder).
PACKAGED_RESOURCES = "_resources"
#: The square sizes, in pixels, the icon is rendered at (``packaging/make_icons.py``).
ICON_SIZES: tuple[int, ...] = (16, 24, 32, 48, 64, 128, 256, 512)
#: The icon's vector source (not loaded at run time: the app needs no SVG support).
ICON_SOURCE = "icons/woo-customers.svg"
#: Windows' multi-size icon, built into the .exe by the spec.
ICON_ICO = "icons/woo-customers.ico"
#: macOS's multi-size icon, put in the .app by the spec.
ICON_ICNS = "icons/woo-customers.icns"


def icon_png(size: int) -> str:
    """The icon rendered at ``size`` pixels, in the freedesktop hicolor theme's layout.

    Args:
        size: one of :data:`ICON_SIZES`.

    Returns:
        Its path relative to the resource folder.
    """
    return f"icons/hicolor/{size}x{size}/apps/{APP_ID}.png"


#: Every file the app itself opens from the resource folder while it runs, relative to it.
RUNTIME_RESOURCES: tuple[str, ...] = tuple(icon_png(size) for size in ICON_SIZES)


def resource_root() -> Path:
    """The folder the resources are in.

    The bundle's when frozen; the package's own :data:`PACKAGED_RESOURCES` folder when that
    exists (an install from a wheel); else the repository's, next to the ``app`` package.
    """
    bundle: str | None = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        return Path(bundle) / "resources"
    package = Path(__file__).resolve().parent.parent  # app/, above app/desktop/
    packaged = package / PACKAGED_RESOURCES
    if packaged.is_dir():
        return packaged
    return package.parent / "resources"


def resource_path(relative: str, root: Path | None = None) -> Path:
    """Where one resource is.

    Args:
        relative: its path below the resource folder, with forward slashes.
        root: the resource folder; :func:`resource_root` when not given.

    Returns:
        The file's path (which may not exist: see :func:`missing_resources`).
    """
    return (root if root is not None else resource_root()).joinpath(*relative.split("/"))


def missing_resources(root: Path | None = None) -> list[str]:
    """The runtime resources that are not where the app will look for them.

    Args:
        root: the resource folder; :func:`resource_root` when not given.

    Returns:
        Their relative paths, empty when everything is in place.
    """
    return [name for name in RUNTIME_RESOURCES if not resource_path(name, root).is_file()]


def app_icon(root: Path | None = None) -> QIcon:
    """The application icon with every rendered size, for windows, the taskbar and dialogs.

    A missing size is left out (and logged); with none found the icon is null and Qt shows its
    default.

    Args:
        root: the resource folder; :func:`resource_root` when not given.

    Returns:
        The icon.
    """
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QIcon

    icon = QIcon()
    for size in ICON_SIZES:
        path = resource_path(icon_png(size), root)
        if path.is_file():
            icon.addFile(str(path), QSize(size, size))
        else:
            log.warning("application icon missing: %s", path)
    return icon
