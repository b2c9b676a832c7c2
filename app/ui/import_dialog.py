"""The CSV import dialog: format, columns, dry run with a fixable preview, the run, the result.

Owns only the steps' widgets and what moves the user from one to the next. Reading a preview is
done here (the first hundred rows, quick); planning the whole file and sending it run in the API
worker through :class:`~app.services.store_service.StoreService`, so the window never waits. The
rules (mapping synonyms, validation, matching, chunked upload) all live in :mod:`app.importer`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from enum import IntEnum
from pathlib import Path

from PySide6.QtCore import QItemSelection, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QCloseEvent, QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.new_accounts import new_account_emails
from app.errors import AppError, CancelledError
from app.importer.jobs import FilePlan, PlanProgress
from app.importer.mapping import TARGET_LABELS, TARGETS, ColumnMapping, MappingMemory
from app.importer.planning import PlanOptions, new_account_warning
from app.importer.reading import DELIMITER_LABELS, ENCODING_LABELS, Preview
from app.importer.records import FileFormat
from app.importer.running import ImportFiles, RunProgress, RunResult
from app.models.import_model import ImportPreviewModel, ProblemRowsFilter
from app.services.events import (
    ImportFinished,
    ImportPlanned,
    ImportProgressed,
    PreviewRead,
    ReportWritten,
    RequestFailed,
    StoreEvent,
)
from app.services.store_service import StoreService
from app.ui.detail_panel import plain_label
from app.ui.message_boxes import ask_to_confirm
from app.ui.table_view import TableView

log = logging.getLogger("app.ui.import")

#: The file dialog's filter for the files an import takes.
IMPORT_FILTER = "Spreadsheet text files (*.csv *.tsv *.txt);;All files (*)"


class Step(IntEnum):
    """The dialog's pages, in order."""

    FILE = 0
    COLUMNS = 1
    CHECK = 2
    SENDING = 3
    DONE = 4


_STEP_TITLES = {
    Step.FILE: "1. File",
    Step.COLUMNS: "2. Columns",
    Step.CHECK: "3. Check (dry run)",
    Step.SENDING: "4. Import",
    Step.DONE: "5. Result",
}


class ImportDialog(QDialog):
    """Import one CSV file into the store, step by step; non-modal.

    Signals:
        finished_import(RunResult): the run ended (completed, stopped or cancelled).
    """

    finished_import = Signal(RunResult)

    def __init__(
        self,
        path: Path,
        service: StoreService,
        *,
        memory: MappingMemory,
        imports_dir: Path,
        generate_password: bool,
        parent: QWidget | None = None,
        ask_save_path: Callable[[QWidget, str], Path | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("importDialog")
        self.setWindowTitle(f"Import customers – {path.name}")
        self.path = path
        self._service = service
        self._memory = memory
        self._imports_dir = imports_dir
        self._generate_password = generate_password
        self._ask_save_path = ask_save_path or _ask_save_path
        self._preview: Preview | None = None
        self.mapping: ColumnMapping | None = None
        self.plan: FilePlan | None = None
        self.run_result: RunResult | None = None
        self._request: int | None = None
        # The file's preview and the report are read and written by the service's worker: the
        # preview may scan a whole file to tell its encoding, and a disk may be slow.
        self._preview_request: int | None = None
        self._preview_detects = True
        self._report_request: int | None = None
        #: The open "New account" e-mails confirmation, while it waits for an answer.
        self.emails_confirmation: QMessageBox | None = None

        self.steps = QStackedWidget()
        self.steps.setObjectName("importSteps")
        self.steps.addWidget(self._build_file_step())
        self.steps.addWidget(self._build_columns_step())
        self.steps.addWidget(self._build_check_step())
        self.steps.addWidget(self._build_sending_step())
        self.steps.addWidget(self._build_done_step())
        self.step_label = QLabel()
        self.step_label.setObjectName("importStepTitle")
        font = self.step_label.font()
        font.setBold(True)
        self.step_label.setFont(font)

        self.back_button = QPushButton("Back")
        self.back_button.setObjectName("importBack")
        self.back_button.clicked.connect(self._on_back_clicked)
        self.next_button = QPushButton("Next")
        self.next_button.setObjectName("importNext")
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self._on_next_clicked)
        self.close_button = QPushButton("Cancel")
        self.close_button.setObjectName("importClose")
        self.close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.step_label)
        layout.addWidget(self.steps, 1)
        layout.addLayout(buttons)
        self.resize(980, 640)

        service.happened.connect(self._on_service_happened)
        self._read_preview(None)
        self._go(Step.FILE)

    # -- steps ---------------------------------------------------------------------------------

    def _build_file_step(self) -> QWidget:
        page = QWidget()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        name = plain_label(str(self.path))
        name.setObjectName("importFileName")
        form.addRow("File:", name)
        self.encoding_combo = QComboBox()
        self.encoding_combo.setObjectName("encodingCombo")
        for codec, label in ENCODING_LABELS.items():
            self.encoding_combo.addItem(label, codec)
        self.delimiter_combo = QComboBox()
        self.delimiter_combo.setObjectName("delimiterCombo")
        for delimiter, label in DELIMITER_LABELS.items():
            self.delimiter_combo.addItem(label, delimiter)
        self.encoding_combo.activated.connect(self._on_format_chosen)
        self.delimiter_combo.activated.connect(self._on_format_chosen)
        form.addRow("Encoding:", self.encoding_combo)
        form.addRow("Separator:", self.delimiter_combo)
        self.file_note = plain_label()
        self.file_note.setObjectName("importFileNote")
        self.file_note.setWordWrap(True)
        self.file_preview = QTableWidget()
        self.file_preview.setObjectName("importFilePreview")
        self.file_preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.file_preview.verticalHeader().hide()
        layout = QVBoxLayout(page)
        layout.addLayout(form)
        layout.addWidget(self.file_note)
        layout.addWidget(self.file_preview, 1)
        return page

    def _build_columns_step(self) -> QWidget:
        page = QWidget()
        intro = plain_label(
            "Each column of the file feeds the customer field chosen here. Columns set to "
            "“Ignore” are not imported. The choice is remembered for files with these headers."
        )
        intro.setWordWrap(True)
        self.mapping_table = QTableWidget(0, 4)
        self.mapping_table.setObjectName("mappingTable")
        self.mapping_table.setHorizontalHeaderLabels(["Column", "First value", "Field", "Note"])
        self.mapping_table.verticalHeader().hide()
        self.mapping_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.mapping_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        layout = QVBoxLayout(page)
        layout.addWidget(intro)
        layout.addWidget(self.mapping_table, 1)
        return page

    def _build_check_step(self) -> QWidget:
        page = QWidget()
        self.update_existing = QRadioButton("Update customers who are already in the store")
        self.update_existing.setObjectName("updateExisting")
        self.update_existing.setChecked(True)
        self.skip_existing = QRadioButton("Skip customers who are already in the store")
        self.skip_existing.setObjectName("skipExisting")
        existing = QButtonGroup(page)
        existing.addButton(self.update_existing)
        existing.addButton(self.skip_existing)
        self.only_empty = QCheckBox("Only fill fields that are empty in the store")
        self.only_empty.setObjectName("onlyFillEmpty")
        self.update_existing.toggled.connect(self.only_empty.setEnabled)
        for option in (self.update_existing, self.only_empty):
            option.toggled.connect(self._on_option_toggled)
        self.check_again = QPushButton("Check again")
        self.check_again.setObjectName("checkAgain")
        self.check_again.setToolTip("Check the file again with the cells you corrected")
        self.check_again.clicked.connect(self._plan)
        options = QHBoxLayout()
        column = QVBoxLayout()
        column.addWidget(self.update_existing)
        column.addWidget(self.skip_existing)
        column.addWidget(self.only_empty)
        options.addLayout(column, 1)
        options.addWidget(self.check_again, 0, Qt.AlignmentFlag.AlignBottom)

        self.check_progress = QProgressBar()
        self.check_progress.setObjectName("checkProgress")
        self.check_progress.setRange(0, 100)
        self.totals_label = plain_label()
        self.totals_label.setObjectName("importTotals")
        self.totals_label.setWordWrap(True)
        self.problems_only = QCheckBox("Show only rows with problems")
        self.problems_only.setObjectName("problemsOnly")
        self.problems_only.toggled.connect(self._on_problems_only_toggled)
        summary = QHBoxLayout()
        summary.addWidget(self.totals_label, 1)
        summary.addWidget(self.problems_only)
        self.emails_note = plain_label()
        self.emails_note.setObjectName("newAccountEmailsNote")
        self.emails_note.setWordWrap(True)
        self.emails_note.hide()

        self.preview_model = ImportPreviewModel(self)
        self.preview_filter = ProblemRowsFilter(self)
        self.preview_filter.setSourceModel(self.preview_model)
        self.preview_model.row_edited.connect(self._on_preview_row_edited)
        self.preview_table = TableView()
        self.preview_table.setObjectName("importPreview")
        self.preview_table.setModel(self.preview_filter)
        self.preview_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.preview_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.preview_table.setAlternatingRowColors(True)
        self.preview_table.setWordWrap(False)
        self.preview_table.verticalHeader().hide()
        self.preview_table.horizontalHeader().setStretchLastSection(True)
        self.preview_table.selectionModel().selectionChanged.connect(self._on_preview_selected)
        self.row_details = plain_label(selectable=True)
        self.row_details.setObjectName("importRowDetails")
        self.row_details.setWordWrap(True)
        self.row_details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.row_details.setText("Select a row to see what will happen to it.")
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.preview_table)
        split.addWidget(self.row_details)
        split.setStretchFactor(0, 4)
        split.setStretchFactor(1, 1)

        layout = QVBoxLayout(page)
        layout.addLayout(options)
        layout.addWidget(self.check_progress)
        layout.addLayout(summary)
        layout.addWidget(self.emails_note)
        layout.addWidget(split, 1)
        return page

    def _build_sending_step(self) -> QWidget:
        page = QWidget()
        self.send_progress = QProgressBar()
        self.send_progress.setObjectName("sendProgress")
        self.send_label = plain_label()
        self.send_label.setObjectName("sendStatus")
        self.send_label.setWordWrap(True)
        self.stop_button = QPushButton("Stop after this chunk")
        self.stop_button.setObjectName("stopImport")
        self.stop_button.clicked.connect(self._on_stop_clicked)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(self.send_label)
        layout.addWidget(self.send_progress)
        layout.addWidget(self.stop_button, 0, Qt.AlignmentFlag.AlignRight)
        layout.addStretch(2)
        return page

    def _build_done_step(self) -> QWidget:
        page = QWidget()
        self.result_label = plain_label(selectable=True)
        self.result_label.setObjectName("importResult")
        self.result_label.setWordWrap(True)
        self.open_failed = QPushButton("Open failed rows")
        self.open_failed.setObjectName("openFailedRows")
        self.open_failed.setToolTip("The rows that failed, with an Error column: fix and import")
        self.open_failed.clicked.connect(lambda: self._open_file(self._result_file("failed")))
        self.open_folder = QPushButton("Show files")
        self.open_folder.setObjectName("openImportFolder")
        self.open_folder.clicked.connect(lambda: self._open_file(self._imports_dir))
        self.save_report = QPushButton("Save report…")
        self.save_report.setObjectName("saveImportReport")
        self.save_report.clicked.connect(self._on_save_report_clicked)
        files = QHBoxLayout()
        files.addWidget(self.open_failed)
        files.addWidget(self.open_folder)
        files.addWidget(self.save_report)
        files.addStretch(1)
        self.results_table = TableView()
        self.results_table.setObjectName("importResults")
        self.results_table.setModel(self.preview_filter)
        self.results_table.verticalHeader().hide()
        self.results_table.setWordWrap(False)
        self.results_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results_table.horizontalHeader().setStretchLastSection(True)
        layout = QVBoxLayout(page)
        layout.addWidget(self.result_label)
        layout.addLayout(files)
        layout.addWidget(self.results_table, 1)
        return page

    # -- navigation ----------------------------------------------------------------------------

    @property
    def step(self) -> Step:
        """The page shown."""
        return Step(self.steps.currentIndex())

    def _go(self, step: Step) -> None:
        self.steps.setCurrentIndex(step)
        self.step_label.setText(_STEP_TITLES[step])
        self._update_buttons()
        if step is Step.COLUMNS:
            self._show_mapping()
        elif step is Step.CHECK:
            self._plan()

    def _update_buttons(self) -> None:
        step = self.step
        busy = self._request is not None
        self.back_button.setVisible(step in (Step.COLUMNS, Step.CHECK))
        self.back_button.setEnabled(not busy)
        self.next_button.setVisible(step in (Step.FILE, Step.COLUMNS, Step.CHECK))
        self.close_button.setText("Close" if step is Step.DONE else "Cancel")
        self.close_button.setEnabled(step is not Step.SENDING)
        if step is Step.FILE:
            self.next_button.setText("Next")
            self.next_button.setEnabled(self._preview is not None)
        elif step is Step.COLUMNS:
            self.next_button.setText("Check")
            mapped = self.mapping is not None and bool(self.mapping.mapped())
            self.next_button.setEnabled(mapped)
            self.next_button.setToolTip("" if mapped else "Choose a field for at least one column.")
        elif step is Step.CHECK:
            sending = self.plan.totals.created + self.plan.totals.updated if self.plan else 0
            self.next_button.setText(
                f"Import {sending:,} row{'s' if sending != 1 else ''}" if sending else "Import"
            )
            ready = self.plan is not None and not busy and sending > 0 and not self._edits_pending
            self.next_button.setEnabled(ready)
            self.check_again.setEnabled(not busy)

    @property
    def _edits_pending(self) -> bool:
        """Cells were corrected since the last check: the plan no longer matches them."""
        return bool(self.preview_model.edits()) and self.plan is not None

    @Slot()
    def _on_back_clicked(self) -> None:
        if self.step > Step.FILE:
            self._go(Step(self.step - 1))

    @Slot()
    def _on_next_clicked(self) -> None:
        if self.step is Step.FILE:
            self._go(Step.COLUMNS)
        elif self.step is Step.COLUMNS:
            assert self.mapping is not None
            self._memory.remember(self.mapping)
            self._go(Step.CHECK)
        elif self.step is Step.CHECK:
            self._confirm_send()

    # -- step 1: the file ----------------------------------------------------------------------

    def _read_preview(self, file_format: FileFormat | None) -> None:
        """Ask the worker for the file's first rows (its format detected when None)."""
        self._preview = None
        self._preview_detects = file_format is None
        self.file_note.setText("Reading the file…")
        self._preview_request = self._service.read_preview(self.path, file_format)
        self._update_buttons()

    @property
    def preview_ready(self) -> bool:
        """Whether the file's preview has been read (or could not be), not being read now."""
        return self._preview_request is None

    @Slot(StoreEvent)
    def _on_service_happened(self, event: StoreEvent) -> None:
        match event:
            case PreviewRead(request_id=request_id, preview=preview):
                self._on_service_preview_read(request_id, preview)
            case ImportProgressed(request_id=request_id, progress=progress):
                self._on_service_import_progress(request_id, progress)
            case ImportPlanned(request_id=request_id, plan=plan):
                self._on_service_import_planned(request_id, plan)
            case ImportFinished(request_id=request_id, result=result):
                self._on_service_import_finished(request_id, result)
            case ReportWritten(request_id=request_id):
                self._on_service_report_written(request_id)
            case RequestFailed(request_id=request_id, error=error):
                self._on_service_failed(request_id, error)
            case _:
                pass

    def _on_service_preview_read(self, request_id: int, preview: Preview) -> None:
        if request_id != self._preview_request:
            return  # an earlier format's preview: the user chose another since
        self._preview_request = None
        self._show_preview(preview)

    def _show_unreadable(self, message: str) -> None:
        self._preview = None
        self.file_note.setText(message)
        self.file_preview.clear()
        self.file_preview.setRowCount(0)
        self.file_preview.setColumnCount(0)
        self._update_buttons()

    def _show_preview(self, preview: Preview) -> None:
        self._preview = preview
        self._select(self.encoding_combo, preview.file_format.encoding)
        self._select(self.delimiter_combo, preview.file_format.delimiter)
        shown = len(preview.rows)
        ragged = sum(1 for row in preview.rows if row.problem)
        note = f"{len(preview.header)} columns. The first {shown:,} rows are shown."
        if not preview.more:
            note = f"{len(preview.header)} columns, {shown:,} rows."
        if ragged:
            note += f" {ragged} of them have more or fewer cells than the header (see tooltips)."
        if self._preview_detects:
            note += " Encoding and separator were detected; change them if the text looks wrong."
        self.file_note.setText(note)
        table = self.file_preview
        table.clear()
        table.setColumnCount(len(preview.header))
        table.setHorizontalHeaderLabels(list(preview.header))
        table.setRowCount(shown)
        for row_index, row in enumerate(preview.rows):
            for column, cell in enumerate(row.cells):
                item = QTableWidgetItem(cell)
                if row.problem:
                    item.setToolTip(row.problem)
                table.setItem(row_index, column, item)
        table.resizeColumnsToContents()
        self.mapping = self._memory.recall(preview.header) or ColumnMapping.detect(preview.header)
        self.plan = None
        self._update_buttons()

    @staticmethod
    def _select(combo: QComboBox, value: str) -> None:
        index = combo.findData(value)
        if index < 0:
            combo.addItem(value, value)
            index = combo.count() - 1
        combo.setCurrentIndex(index)

    @Slot()
    def _on_format_chosen(self) -> None:
        self._read_preview(self._chosen_format())

    def _chosen_format(self) -> FileFormat:
        return FileFormat(self.encoding_combo.currentData(), self.delimiter_combo.currentData())

    # -- step 2: columns -----------------------------------------------------------------------

    def _show_mapping(self) -> None:
        assert self.mapping is not None
        assert self._preview is not None
        mapping, preview = self.mapping, self._preview
        table = self.mapping_table
        table.setRowCount(len(mapping.headers))
        first = preview.rows[0].cells if preview.rows else ()
        for index, header in enumerate(mapping.headers):
            table.setItem(index, 0, QTableWidgetItem(header))
            table.setItem(index, 1, QTableWidgetItem(first[index] if index < len(first) else ""))
            combo = QComboBox()
            combo.setObjectName(f"mappingField{index}")
            combo.addItem("Ignore", None)
            for target in TARGETS:
                combo.addItem(TARGET_LABELS[target], target)
            combo.setCurrentIndex(max(combo.findData(mapping.target_of(index)), 0))
            combo.activated.connect(
                lambda _position, column=index, box=combo: self._on_field_chosen(column, box)
            )
            table.setCellWidget(index, 2, combo)
            table.setItem(index, 3, QTableWidgetItem(self._note(index)))
        table.resizeColumnToContents(1)
        self._update_buttons()

    def _on_field_chosen(self, column: int, combo: QComboBox) -> None:
        assert self.mapping is not None
        self.mapping = self.mapping.with_target(column, combo.currentData())
        self.plan = None
        self._refresh_mapping_rows()
        self._update_buttons()

    def _refresh_mapping_rows(self) -> None:
        """Show every column's field and note again (choosing one may free another)."""
        assert self.mapping is not None
        for index in range(len(self.mapping.headers)):
            combo = self.mapping_table.cellWidget(index, 2)
            if isinstance(combo, QComboBox):
                combo.setCurrentIndex(max(combo.findData(self.mapping.target_of(index)), 0))
            note = self.mapping_table.item(index, 3)
            if note is not None:
                note.setText(self._note(index))

    def _note(self, column: int) -> str:
        """Why a column is ignored (nothing for a column that feeds a field)."""
        assert self.mapping is not None
        return "" if self.mapping.target_of(column) else self.mapping.reasons[column]

    def choose_field(self, column: int, target: str | None) -> None:
        """Map a file column to a field, as choosing it in the Field column does."""
        combo = self.mapping_table.cellWidget(column, 2)
        assert isinstance(combo, QComboBox)
        combo.setCurrentIndex(max(combo.findData(target), 0))
        self._on_field_chosen(column, combo)

    # -- step 3: check (the dry run) -------------------------------------------------------------

    def _options(self) -> PlanOptions:
        return PlanOptions(
            update_existing=self.update_existing.isChecked(),
            only_fill_empty=self.only_empty.isChecked() and self.update_existing.isChecked(),
            generate_password=self._generate_password,
        )

    @Slot()
    def _plan(self) -> None:
        if self._request is not None or self._preview is None or self.mapping is None:
            return
        self.check_progress.setValue(0)
        self.check_progress.show()
        self.totals_label.setText("Checking every row against the store…")
        edits = self.preview_model.edits()
        self._request = self._service.plan_import(
            self.path, self._preview.file_format, self.mapping, self._options(), edits
        )
        self._update_buttons()

    @Slot(bool)
    def _on_option_toggled(self, _checked: bool) -> None:
        if self.step is Step.CHECK:
            self._plan()

    def _on_service_import_progress(
        self, request_id: int, progress: PlanProgress | RunProgress
    ) -> None:
        if request_id != self._request:
            return
        if isinstance(progress, PlanProgress):
            self.check_progress.setValue(int(progress.fraction * 100))
            self.totals_label.setText(f"Checked {progress.rows:,} rows…")
        elif isinstance(progress, RunProgress):
            self._show_sending(progress)

    def _on_service_import_planned(self, request_id: int, plan: FilePlan) -> None:
        if request_id != self._request:
            return
        self._request = None
        self.plan = plan
        self.check_progress.hide()
        self.preview_model.set_plan(plan.rows, plan.mapping)
        self.preview_table.resizeColumnsToContents()
        self.row_details.setText("Select a row to see what will happen to it.")
        self.totals_label.setText(plan.totals.describe(planned=True))
        warning = new_account_warning(plan.totals, self._options())
        self.emails_note.setText(f"⚠ {warning}")
        self.emails_note.setVisible(bool(warning))
        if plan.totals.failed and not self.problems_only.isChecked():
            self.totals_label.setText(
                self.totals_label.text() + " Correct cells in place, then check again."
            )
        self._update_buttons()

    @Slot(bool)
    def _on_problems_only_toggled(self, checked: bool) -> None:
        self.preview_filter.set_problems_only(checked)

    @Slot(int)
    def _on_preview_row_edited(self, _number: int) -> None:
        self.totals_label.setText("Cells were corrected: check again before importing.")
        self._update_buttons()

    @Slot(QItemSelection, QItemSelection)
    def _on_preview_selected(self, selected: QItemSelection, _deselected: QItemSelection) -> None:
        indexes = selected.indexes()
        if not indexes:
            return
        source = self.preview_filter.mapToSource(indexes[0])
        planned = self.preview_model.planned_at(source.row())
        if planned is None:
            return
        lines = [f"Row {planned.row.number} (file line {planned.row.line}): {planned.reason}"]
        lines += [
            f"{TARGET_LABELS.get(change.field, change.field)}: “{change.before}” → “{change.after}”"
            for change in planned.changes
        ]
        for problem in planned.problems:
            line = f"{TARGET_LABELS.get(problem.field, problem.field)}: {problem.message}"
            if line != planned.reason:  # the reason is the first problem, already said
                lines.append(line)
        if planned.row.problem:
            lines.append(planned.row.problem)
        self.row_details.setText("\n".join(lines))

    # -- step 4: sending -----------------------------------------------------------------------

    def _confirm_send(self) -> None:
        """Send; when the plan creates customers, only once the user accepted their e-mails."""
        assert self.plan is not None
        warning = new_account_warning(self.plan.totals, self._options())
        if not warning:
            self._send()
            return
        created = self.plan.totals.created
        self.emails_confirmation = ask_to_confirm(
            self,
            name="confirmNewAccountEmails",
            title="Import customers",
            question=f"Create {created:,} customer{'s' if created != 1 else ''} and let "
            f"WooCommerce send {new_account_emails(created)}?",
            explanation=warning,
            action="Import and send",
            confirmed=self._send,
        )

    def _send(self) -> None:
        assert self.plan is not None
        files = ImportFiles.for_source(self._imports_dir, self.path)
        self._request = self._service.run_import(self.plan, files)
        sending = self.plan.totals.created + self.plan.totals.updated
        self.send_progress.setRange(0, max(sending, 1))
        self.send_progress.setValue(0)
        self.send_label.setText(f"Sending {sending:,} rows to the store…")
        self.stop_button.setEnabled(True)
        self._go(Step.SENDING)

    def _show_sending(self, progress: RunProgress) -> None:
        self.send_progress.setMaximum(max(progress.total, 1))
        self.send_progress.setValue(progress.done)
        left = ""
        if progress.seconds_left is not None and progress.done < progress.total:
            left = f", about {_duration(progress.seconds_left)} left"
        self.send_label.setText(
            f"Sent {progress.done:,} of {progress.total:,} rows "
            f"({progress.rows_per_second:,.0f} rows a second{left})."
        )

    @Slot()
    def _on_stop_clicked(self) -> None:
        if self._request is not None:
            self._service.cancel(self._request)
            self.stop_button.setEnabled(False)
            self.send_label.setText(self.send_label.text() + " Stopping after this chunk…")

    def _on_service_import_finished(self, request_id: int, result: RunResult) -> None:
        if request_id != self._request:
            return
        self._request = None
        self.run_result = result
        self.preview_model.set_results({row.number: row for row in result.results})
        self.problems_only.setChecked(result.totals.failed > 0)
        text = result.totals.describe(planned=False)
        if result.cancelled:
            text = f"The import was stopped. {text}"
        elif result.stopped_by is not None:
            text = f"The import stopped: {result.stopped_by.message} {text}"
        written = [
            f"{label}: {path}"
            for label, path in (
                ("Failed rows, ready to correct and import again", result.failed_file),
                ("Previous values of updated customers (import it to undo)", result.undo_file),
            )
            if path is not None
        ]
        notices = list(result.notices)
        self.result_label.setText("\n".join([text, *written, *notices]))
        self.open_failed.setEnabled(result.failed_file is not None)
        self._go(Step.DONE)
        self.results_table.resizeColumnsToContents()
        self.finished_import.emit(result)

    def _result_file(self, kind: str) -> Path | None:
        if self.run_result is None:
            return None
        return self.run_result.failed_file if kind == "failed" else self.run_result.undo_file

    @Slot()
    def _on_save_report_clicked(self) -> None:
        if self.run_result is None:
            return
        target = self._ask_save_path(self, f"{self.path.stem}-import-report.csv")
        if target is None:
            return
        self.save_report.setEnabled(False)  # until this one is written
        self._report_request = self._service.write_report(target, self.run_result.results)

    def _on_service_report_written(self, request_id: int) -> None:
        if request_id == self._report_request:
            self._report_request = None
            self.save_report.setEnabled(True)

    @staticmethod
    def _open_file(path: Path | None) -> None:
        if path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    # -- failures and closing ------------------------------------------------------------------

    def _on_service_failed(self, request_id: int, error: AppError) -> None:
        message = error.message
        if request_id == self._preview_request:
            self._preview_request = None
            self._show_unreadable(message)
            return
        if request_id == self._report_request:
            self._report_request = None
            self.save_report.setEnabled(True)
            QMessageBox.warning(self, "Report not saved", message)
            return
        if request_id != self._request:
            return
        self._request = None
        if isinstance(error, CancelledError):
            message = "The check was cancelled."
        self.check_progress.hide()
        if self.step is Step.SENDING:
            self.result_label.setText(f"The import could not run: {message}")
            self._go(Step.DONE)
            return
        self.totals_label.setText(f"The file could not be checked: {message}")
        self._update_buttons()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        """While sending, closing asks first and then stops after the current chunk."""
        if self.step is Step.SENDING and self._request is not None:
            answer = QMessageBox.question(
                self,
                "Stop the import?",
                "Stop the import after the chunk being sent? The rows sent so far stay in the "
                "store; the others are listed as not sent in the failed rows file.",
            )
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
            self._on_stop_clicked()
            event.ignore()  # the dialog shows the result once the store has answered
            return
        for pending in (self._request, self._preview_request):
            if pending is not None:
                self._service.cancel(pending)
        self._request = self._preview_request = None
        event.accept()


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{max(seconds, 1):.0f} s"
    return f"{seconds / 60:.0f} min"


def _ask_save_path(parent: QWidget, suggested: str) -> Path | None:
    chosen, _filter = QFileDialog.getSaveFileName(
        parent, "Save import report", suggested, "CSV files (*.csv)"
    )
    return Path(chosen) if chosen else None
