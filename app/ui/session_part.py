"""The base of the window's parts that work on one store session at a time.

A part is attached to each session the window shows in turn (``attach``); until the first one,
asking for :attr:`SessionPart.session` is a programming error.
"""

from __future__ import annotations

from PySide6.QtCore import QObject

from app.ui.session import StoreSession


class SessionPart(QObject):
    """A part of the window over the store session it was last attached to."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session: StoreSession | None = None

    @property
    def session(self) -> StoreSession:
        """The store session the part works on."""
        assert self._session is not None, "attach() a session first"
        return self._session
