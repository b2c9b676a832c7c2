"""Where the app keeps its files: config, data, cache and logs, per user or under --data-dir.

And the files in them that more than one part of the app opens: the store profiles, the
owner-only secrets file and the demo store's database.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from platformdirs import PlatformDirs

APP_DIR_NAME = "woo-customers"


@dataclass(frozen=True)
class AppPaths:
    """The app's folders; none is created until something is written there."""

    config_dir: Path
    data_dir: Path
    cache_dir: Path
    log_dir: Path

    @classmethod
    def for_user(cls) -> AppPaths:
        """The platform's per-user folders (XDG on Linux, Application Support on macOS...)."""
        dirs = PlatformDirs(APP_DIR_NAME, appauthor=False)
        return cls(
            Path(dirs.user_config_dir),
            Path(dirs.user_data_dir),
            Path(dirs.user_cache_dir),
            Path(dirs.user_log_dir),
        )

    @classmethod
    def under(cls, root: Path) -> AppPaths:
        """Everything below one folder (``--data-dir``), e.g. for tests or a portable install."""
        return cls(root / "config", root / "data", root / "cache", root / "logs")

    @property
    def demo_store_db(self) -> Path:
        """The embedded demo store's database, kept so demo edits survive a restart."""
        return self.data_dir / "demo-store.sqlite3"

    @property
    def profiles_file(self) -> Path:
        """The saved store profiles (``stores.json``: settings only, never secrets)."""
        return self.config_dir / "stores.json"

    @property
    def segments_file(self) -> Path:
        """The saved segments of every store (``segments.json``: filters under a name)."""
        return self.config_dir / "segments.json"

    @property
    def secrets_file(self) -> Path:
        """The owner-only file of stores' keys, used only where no keychain exists."""
        return self.config_dir / "secrets.json"
