"""The text of Help > Copy diagnostics: what a bug report needs, and never a secret.

This module owns what the diagnostics say and the guarantee that they leak nothing: the app's
name, version and id, how it runs (source or bundle), Python, Qt and PySide6, the operating
system, the app's folders, and the store (address without credentials, authentication mode).
Consumer keys and secrets are never read into the text; as a second line of defence any
``ck_``/``cs_`` token and every secret passed in is masked in the finished text.

Everything about the running app comes in as parameters; only facts about the process
(interpreter, libraries, operating system) are looked up here.
"""

from __future__ import annotations

import locale
import platform
import re
import sys
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

from app import APP_ID, APP_NAME, __version__

if TYPE_CHECKING:
    from app.api.connection import StoreConnection
    from app.paths import AppPaths

#: What a masked secret reads as.
REDACTED = "[redacted]"
#: WooCommerce key and secret tokens, wherever they appear.
_KEY_PATTERN = re.compile(r"\b(c[ks])_[A-Za-z0-9]{4,}")
#: How each authentication mode is called in the text.
_AUTH_NAMES = {
    "basic": "HTTP Basic over HTTPS",
    "query": "keys as query parameters over HTTPS",
    "oauth": "OAuth 1.0a signatures",
}
#: The log file's name in the log folder (the app's logging setup writes it).
LOG_FILE_NAME = "woo-customers.log"


def safe_url(url: str) -> str:
    """A URL without the parts that can carry credentials: user, password, query, fragment.

    Args:
        url: any URL.

    Returns:
        Scheme, host, port and path only.
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = f"{host}:{port}" if port is not None else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """Mask every given secret and every WooCommerce key token in the text.

    Args:
        text: the text to clean.
        secrets: strings that must not appear (empty ones are ignored).

    Returns:
        The text with each occurrence replaced by :data:`REDACTED`.
    """
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return _KEY_PATTERN.sub(lambda match: f"{match.group(1)}_{REDACTED}", text)


def _qt_versions() -> str:
    """Qt's runtime version and PySide6's, without starting anything."""
    import PySide6
    from PySide6.QtCore import qVersion

    return f"{qVersion()} (PySide6 {PySide6.__version__})"


def _how_it_runs() -> str:
    """Source checkout or installed package, or a PyInstaller bundle and where."""
    bundle: str | None = getattr(sys, "_MEIPASS", None)
    if getattr(sys, "frozen", False) and bundle:
        return f"bundle ({sys.executable})"
    root = Path(__file__).resolve().parents[2]  # above app/desktop/
    kind = "source checkout" if (root / "pyproject.toml").is_file() else "installed package"
    return f"{kind} ({root})"


def _store_lines(
    connection: StoreConnection | None, title: str, demo: bool, online: bool | None
) -> list[str]:
    if demo:
        lines = ["Store: the embedded demo store"]
        if connection is not None:
            lines.append(f"Demo store address: {safe_url(connection.url)}")
    elif connection is None:
        lines = ["Store: none"]
    else:
        address = safe_url(connection.url)
        named = f"{title} ({address})" if title and title != connection.url else address
        mode = connection.effective_auth.value
        lines = [
            f"Store: {named}",
            f"Authentication: {_AUTH_NAMES.get(mode, mode)}"
            + (" (chosen automatically)" if connection.auth.value == "auto" else ""),
            f"Trusted certificate file: {connection.ca_bundle or 'none (system certificates)'}",
        ]
    if online is not None:
        lines.append(f"Connection: {'online' if online else 'offline'}")
    return lines


def diagnostics_text(
    paths: AppPaths,
    *,
    connection: StoreConnection | None = None,
    store_title: str = "",
    demo: bool = False,
    online: bool | None = None,
    qt_platform: str = "",
    secrets: Iterable[str] = (),
    now: datetime | None = None,
) -> str:
    """The diagnostics for a bug report, as plain text lines.

    Args:
        paths: the app's folders.
        connection: the open store's connection (its keys are never written).
        store_title: what the window calls the store.
        demo: whether the store is the embedded demo store.
        online: whether the store answered lately; None when unknown.
        qt_platform: Qt's platform plugin (``QGuiApplication.platformName()``), if running.
        secrets: more strings that must not appear in the text.
        now: the time to stamp the report with (UTC now when not given).

    Returns:
        The text, ending with a newline.
    """
    stamp = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    language, encoding = locale.getlocale()
    qt = _qt_versions() + (f", platform plugin {qt_platform}" if qt_platform else "")
    lines = [
        f"{APP_NAME} {__version__}",
        f"App id: {APP_ID}",
        f"Report time: {stamp}",
        f"Runs as: {_how_it_runs()}",
        f"Python: {platform.python_version()} ({platform.python_implementation()}, "
        f"{sys.executable})",
        f"Qt: {qt}",
        f"Operating system: {platform.platform()} ({platform.machine() or 'unknown machine'})",
        f"Locale: {language or 'default'}, {encoding or 'default encoding'}",
        f"Config folder: {paths.config_dir}",
        f"Data folder: {paths.data_dir}",
        f"Cache folder: {paths.cache_dir}",
        f"Log file: {paths.log_dir / LOG_FILE_NAME}",
        *_store_lines(connection, store_title, demo, online),
    ]
    hidden = list(secrets)
    if connection is not None:
        hidden += [connection.consumer_key, connection.consumer_secret]
    return redact("\n".join(lines), hidden) + "\n"
