"""The window's settings file: opened, and reset with a notice when it is damaged.

It holds geometry, layout, columns and last folders. Store profiles live in ``stores.json``
(app/stores/profiles.py), never in here; secrets in neither. QSettings reads whatever it can of a
damaged INI file and silently drops the rest, which would restore a window from garbage; a file
that is not text, or that QSettings cannot parse, is set aside and the app starts with defaults.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from PySide6.QtCore import QSettings

log = logging.getLogger("app.ui.settings")

SETTINGS_FILE_NAME = "settings.ini"


def _damaged(path: Path) -> bool:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return False
    except OSError:
        return True
    if b"\x00" in data:
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    probe = QSettings(str(path), QSettings.Format.IniFormat)
    return probe.status() != QSettings.Status.NoError


def open_settings(config_dir: Path) -> tuple[QSettings, str | None]:
    """The settings in ``config_dir``, and a notice for the user if they had to be reset."""
    config_dir.mkdir(parents=True, exist_ok=True)
    path = config_dir / SETTINGS_FILE_NAME
    notice = None
    if _damaged(path):
        kept = path.with_name(f"settings.{time.strftime('%Y%m%d-%H%M%S')}.damaged.ini")
        try:
            path.replace(kept)
            notice = (
                "The window's settings file was damaged and has been reset; window size and "
                f"columns start from their defaults. The old file was kept as {kept.name}."
            )
        except OSError as error:
            notice = f"The window's settings file is damaged and could not be reset: {error}."
        log.warning("settings file %s damaged; %s", path, notice)
    return QSettings(str(path), QSettings.Format.IniFormat), notice
