"""RoleFilter: the toolbar's choice of which accounts the table lists, with a count for each.

"Customers (250)", "All roles (252)", then every other role present, most common first
("Administrators (1)", "Shop managers (1)"; accounts without a role count in All roles only).
The counts come from one grouped read of the cache
(:meth:`~app.cache.repository.CustomerCache.role_counts`). The box is as wide as its longest
entry, and the choice is remembered across restarts: a role the cache does not hold yet (before
the first sync) is chosen as soon as it appears, unless the user chose something else meanwhile.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import QSettings, Slot
from PySide6.QtWidgets import QComboBox, QWidget

from app.domain.roles import role_plural

#: The role a first start lists, and what a remembered role that is gone falls back to.
DEFAULT_ROLE = "customer"
#: The item data of "All roles".
ALL_ROLES = ""
#: Settings key: the role chosen ("" for all roles).
ROLE_KEY = "table/role"


class RoleFilter(QComboBox):
    """The role filter (objectName ``roleFilter``); item data is the role, "" for all roles."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("roleFilter")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.setToolTip("Which accounts the list shows, with how many of each this computer has")
        # A remembered role not in the list yet: chosen when it appears (None: nothing waits).
        self._awaited: str | None = None
        self.activated.connect(self._on_activated)

    @property
    def role(self) -> str | None:
        """The role chosen (None for all roles)."""
        data = self.currentData()
        return str(data) if data else None

    def fill(self, counts: Mapping[str, int]) -> bool:
        """List the roles with their counts, keeping the choice; whether the choice changed.

        Emits no signal: the caller applies the view if the choice changed (a role that is
        gone falls back to customers; a remembered role that appeared is chosen).
        """
        previous = self.currentData() if self.count() else None
        chosen = previous
        if self._awaited is not None and self._awaited in counts:
            chosen, self._awaited = self._awaited, None
        self.blockSignals(True)
        try:
            self.clear()
            self.addItem(f"Customers ({counts.get(DEFAULT_ROLE, 0):,})", DEFAULT_ROLE)
            self.addItem(f"All roles ({sum(counts.values()):,})", ALL_ROLES)
            others = sorted(
                (role for role in counts if role and role != DEFAULT_ROLE),
                key=lambda role: (-counts[role], role),
            )
            for role in others:
                self.addItem(f"{role_plural(role)} ({counts[role]:,})", role)
            index = self.findData(chosen) if chosen is not None else 0
            self.setCurrentIndex(max(index, 0))
        finally:
            self.blockSignals(False)
        return previous is not None and self.currentData() != previous

    def choose(self, role: str | None) -> None:
        """Choose a role (None or "" for all roles), with the usual signals."""
        index = self.findData(role or ALL_ROLES)
        if index >= 0:
            self.setCurrentIndex(index)

    @Slot(int)
    def _on_activated(self, _index: int) -> None:
        self._awaited = None  # the user chose: a remembered role no longer waits

    # -- settings ----------------------------------------------------------------------------

    def save(self, settings: QSettings) -> None:
        """Remember the choice (a role still awaited counts as the choice)."""
        chosen = self._awaited if self._awaited is not None else self.currentData()
        settings.setValue(ROLE_KEY, chosen if chosen is not None else DEFAULT_ROLE)

    def restore(self, settings: QSettings) -> bool:
        """Choose the remembered role (emitting no signal); whether the choice changed.

        A role not listed yet waits until :meth:`fill` lists it.
        """
        saved = settings.value(ROLE_KEY)
        if not isinstance(saved, str) or saved == self.currentData():
            return False
        index = self.findData(saved)
        if index < 0:
            self._awaited = saved
            return False
        self.blockSignals(True)
        self.setCurrentIndex(index)
        self.blockSignals(False)
        return True
