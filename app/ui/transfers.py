"""CsvTransfers: the main window's CSV import and export.

Owns the import dialog (one at a time, whether the file was chosen from the menu, dropped on
the window or handed over by a second launch), the report of an import that was cut short, the
export of the customers shown, and the folders last used for each. The window keeps the layout:
it tells this object which store is open (:meth:`CsvTransfers.attach`) and lends it the places
it speaks through (the banner, the status bar, and itself as the parent of dialogs).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, QSettings, Qt, Slot
from PySide6.QtWidgets import QFileDialog, QStatusBar, QWidget

from app.cache.repository import CustomerFilter
from app.errors import AppError
from app.importer.journal import acknowledge_journal, read_unfinished_journal
from app.importer.mapping import MappingMemory
from app.importer.running import imports_folder
from app.paths import AppPaths
from app.services.events import ExportFinished, StoreEvent
from app.services.store_service import StoreService
from app.ui.drop_overlay import drop_message, importable
from app.ui.import_dialog import IMPORT_FILTER, ImportDialog

log = logging.getLogger("app.ui")

#: The export's file types: a comma file, and a semicolon file as Excel in most of Europe expects.
EXPORT_FILTERS = {
    "CSV, comma separated (*.csv)": ",",
    "CSV for Excel with semicolons (*.csv)": ";",
}


class TransferHost(Protocol):
    """What the transfers need from the window that shows them."""

    @property
    def online(self) -> bool:
        """Whether the store can be reached now."""
        ...

    def current_view(self) -> CustomerFilter:
        """The view the table shows (search, role, sort): what an export writes."""
        ...

    @property
    def generate_password(self) -> bool:
        """Whether the store makes up passwords for new customers."""
        ...

    def statusBar(self) -> QStatusBar:  # noqa: N802 - Qt's name
        """Where progress and results are told."""
        ...


class CsvTransfers(QObject):
    """CSV import and export for one window (see the module docstring).

    Args:
        host: what the transfers need to know from the window (see :class:`TransferHost`).
        parent: the parent of the file and import dialogs (the window itself).
        settings: where the last folders are remembered.
        paths: the app's folders (None: no import, as in a window built without them).
        tell: shows a message the user must see (the window's banner).
    """

    def __init__(
        self,
        host: TransferHost,
        parent: QWidget,
        settings: QSettings,
        paths: AppPaths | None,
        tell: Callable[[str], None],
    ) -> None:
        super().__init__(parent)
        self._window = parent
        self._host = host
        self._settings = settings
        self._paths = paths
        self._tell = tell
        self._service: StoreService | None = None
        self._import_dialog: ImportDialog | None = None
        self._export_request: int | None = None
        self._export_path: Path | None = None

    @property
    def can_import(self) -> bool:
        """Whether this window imports at all (it needs the app's folders for its files)."""
        return self._paths is not None

    def attach(self, service: StoreService) -> None:
        """Work with the store a session opened (after a store switch too).

        An import dialog still open belongs to the previous store (whose worker has stopped,
        cancelling what it was sending): it closes.
        """
        dialog = self._import_dialog
        if dialog is not None and dialog.isVisible():
            dialog.reject()  # not close(): that asks whether to stop, and the store is gone
        self._service = service
        self._export_request = None
        service.happened.connect(self._on_service_happened)

    # -- import ----------------------------------------------------------------------------------

    @Slot()
    def choose_import(self) -> None:
        """Ask for a file to import, then open it in the import dialog."""
        chosen, _filter = QFileDialog.getOpenFileName(
            self._window,
            "Import customers from a CSV file",
            self.last_folder("import"),
            IMPORT_FILTER,
        )
        if chosen:
            self.open_import(Path(chosen))

    def open_import(self, path: Path) -> ImportDialog | None:
        """Start importing a file (dropped, chosen, or handed over by a second launch)."""
        if self._paths is None or self._service is None:
            return None
        dialog = self._import_dialog
        if dialog is not None and dialog.isVisible():
            dialog.raise_()
            dialog.activateWindow()
            if dialog.path != path:
                self._tell(
                    f"An import of {dialog.path.name} is open; finish or close it before "
                    f"importing {path.name}."
                )
            return dialog
        if not importable(path):
            self._tell(drop_message([path])[1])
            return None
        if not self._host.online:
            self._tell(
                "An import needs the store, which cannot be reached right now. Try again once "
                "it is back."
            )
            return None
        self._settings.setValue("folders/import", str(path.parent))
        dialog = ImportDialog(
            path,
            self._service,
            memory=MappingMemory(self._paths.config_dir / "column-mappings.json"),
            imports_dir=imports_folder(self._paths),
            generate_password=self._host.generate_password,
            parent=self._window,
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.destroyed.connect(self._on_import_dialog_destroyed)
        self._import_dialog = dialog
        dialog.show()
        return dialog

    @Slot()
    def _on_import_dialog_destroyed(self) -> None:
        self._import_dialog = None

    def report_unfinished_import(self) -> None:
        """An import that was cut short (the app closed or crashed): say what was done."""
        if self._paths is None:
            return
        unfinished = read_unfinished_journal(imports_folder(self._paths))
        if unfinished is None:
            return
        self._tell(unfinished.describe())
        try:
            acknowledge_journal(unfinished.journal)
        except AppError as error:  # told again next time: better than not at all
            log.warning("import journal not acknowledged: %s", error.log_text())

    # -- export ----------------------------------------------------------------------------------

    @Slot()
    def export_view(self) -> None:
        """Write the customers shown (search, role and sort as they are) to a CSV file."""
        self._export(None)

    def export_customers(self, customer_ids: Sequence[int]) -> None:
        """Write just these customers of the view (the rows selected) to a CSV file.

        The same export as :meth:`export_view`, in the view's order, limited to these ids.
        """
        if customer_ids:
            self._export(customer_ids)

    def _export(self, only: Sequence[int] | None) -> None:
        if self._service is None:
            return
        chosen = self.ask_export_target()
        if chosen is None:
            return
        path, delimiter = chosen
        self._settings.setValue("folders/export", str(path.parent))
        self._export_path = path
        self._export_request = self._service.export_view(
            path, self._host.current_view(), delimiter, only=only
        )
        self._host.statusBar().showMessage(f"Exporting to {path.name}…")

    def ask_export_target(self) -> tuple[Path, str] | None:
        """The file to export to and its delimiter (the file dialog's filter says which)."""
        suggested = str(Path(self.last_folder("export")) / "customers.csv")
        chosen, chosen_filter = QFileDialog.getSaveFileName(
            self._window, "Export customers", suggested, ";;".join(EXPORT_FILTERS)
        )
        if not chosen:
            return None
        path = Path(chosen)
        if not path.suffix:
            path = path.with_suffix(".csv")
        return path, EXPORT_FILTERS.get(chosen_filter, ",")

    @Slot(StoreEvent)
    def _on_service_happened(self, event: StoreEvent) -> None:
        if isinstance(event, ExportFinished):
            self._on_service_export_finished(event.request_id, event.count)

    def _on_service_export_finished(self, request_id: int, count: int) -> None:
        if request_id != self._export_request or self._export_path is None:
            return
        self._export_request = None
        self._host.statusBar().showMessage(
            f"Exported {count:,} customer{'s' if count != 1 else ''} to {self._export_path}.",
            10_000,
        )

    def last_folder(self, kind: str) -> str:
        """The folder last used to import or export ("import"/"export"), else the home folder."""
        folder = self._settings.value(f"folders/{kind}")
        return str(folder) if folder else str(Path.home())
