"""Tests of the Qt item models, and typed faces of the pytest-qt fixtures they use."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from PySide6.QtCore import QAbstractItemModel


class ModelChecker(Protocol):
    """The ``qtmodeltester`` fixture as these tests use it (pytest-qt ships it untyped)."""

    def check(self, model: QAbstractItemModel) -> None:
        """Attach Qt's model tester: it checks the model now and after every signal."""
        ...


class QtMessage(Protocol):
    """One captured Qt log message."""

    @property
    def message(self) -> str:
        """The text Qt logged."""
        ...


class QtMessages(Protocol):
    """The ``qtlog`` fixture: the Qt messages captured during the test so far."""

    @property
    def records(self) -> Sequence[QtMessage]:
        """Every message, oldest first."""
        ...
