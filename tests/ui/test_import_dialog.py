"""CSV import and export from the window: drop, dialog steps, dry run, fixing cells, run, result.

Real demo stores over loopback and the app's own worker thread, as in test_main_window; the
dialog's steps are driven through its buttons and waits are for signals, never fixed times.
Screenshots of every step go to ``screenshots/``.
"""

from __future__ import annotations

import codecs
import csv
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from app.demo_store import DemoStore
from app.demo_store.emails import sent_emails
from app.importer import reading
from app.importer.records import Outcome
from app.services.events import ExportFinished, ImportPlanned, ImportProgressed
from app.ui.import_dialog import ImportDialog, Step
from app.ui.main_window import MainWindow
from app.workers import api_worker
from tests.conftest import GUI_PROFILES, StoreFactory
from tests.data import samples
from tests.support.events import expect
from tests.support.windows import (
    LONG,
    SHORT,
    WindowFactory,
    button,
    row_count,
    screenshot,
    start_and_wait,
    visible_children,
)

pytestmark = [
    pytest.mark.qt_log_ignore(
        r"This plugin does not support (propagateSizeHints|raise|grabbing the keyboard)"
    ),
    # Imports and exports that reach the store (profile_store) run on each client the window
    # can be given; refusing a file, the drop overlay and the embedded demo store's tests do not
    # depend on the store's API.
    pytest.mark.profiles(*GUI_PROFILES, reason="the window's clients: legacy and wc/v3"),
]


# -- helpers -------------------------------------------------------------------------------------


def _mime(*paths: Path) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path)) for path in paths])
    return mime


def drop(window: MainWindow, *paths: Path) -> None:
    """Drag files onto the window and drop them there, as a file manager does."""
    mime = _mime(*paths)
    where = QPoint(window.width() // 2, window.height() // 2)
    enter = QDragEnterEvent(
        where, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0)
    )
    QApplication.sendEvent(window, enter)
    dropped = QDropEvent(
        QPointF(where),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier(0),
    )
    QApplication.sendEvent(window, dropped)


def the_import_dialog(window: MainWindow) -> ImportDialog:
    """The open import dialog, once the worker has read its file's preview."""
    dialogs = visible_children(window, ImportDialog)
    assert len(dialogs) == 1, f"expected one import dialog, found {len(dialogs)}"
    wait_for_preview(dialogs[0])
    return dialogs[0]


def wait_for_preview(dialog: ImportDialog, timeout_s: float = 10.0) -> None:
    """Let the worker read the file (the dialog never reads it in the GUI thread)."""
    deadline = time.monotonic() + timeout_s
    while not dialog.preview_ready:
        assert time.monotonic() < deadline, "the file's preview never arrived"
        QTest.qWait(5)


def banner_texts(window: MainWindow) -> list[str]:
    banner = window.findChild(QWidget, "errorBanner")
    assert banner is not None
    return [label.text() for label in banner.findChildren(QLabel)] if banner.isVisible() else []


def check(qtbot: QtBot, dialog: ImportDialog) -> None:
    """Go from the columns step to the dry run and wait for its answer."""
    service = dialog._service
    with expect(qtbot, service, ImportPlanned, timeout=LONG):
        dialog.next_button.click()
    assert dialog.step is Step.CHECK
    assert dialog.plan is not None


def start_import(dialog: ImportDialog) -> None:
    """Click Import and accept the "New account" e-mails (asked when the plan creates some)."""
    dialog.next_button.click()
    box = dialog.emails_confirmation
    if box is not None and box.isVisible():
        button(box, "Import and send").click()


def run(qtbot: QtBot, dialog: ImportDialog) -> None:
    """Start the import and wait for its result."""
    with qtbot.waitSignal(dialog.finished_import, timeout=LONG):
        start_import(dialog)
    assert dialog.step is Step.DONE
    assert dialog.run_result is not None


def store_emails(store: DemoStore) -> set[str]:
    """Every email the store's own database holds (read directly, not through the app)."""
    return {row[0] for row in store.db.connection().execute("SELECT email FROM users")}


# -- tests ---------------------------------------------------------------------------------------


def test_a_dropped_excel_semicolon_latin1_file_is_checked_and_imported_with_every_row_counted(
    qtbot: QtBot, tmp_path: Path, profile_store: StoreFactory, url_window: WindowFactory
) -> None:
    store = profile_store(customers=10)
    window = url_window(store)
    start_and_wait(qtbot, window)
    before = row_count(window)
    path = samples.write_excel_semicolon_cp1252(tmp_path)

    drop(window, path)
    dialog = the_import_dialog(window)
    assert dialog.step is Step.FILE
    assert dialog.encoding_combo.currentData() == "cp1252"
    assert dialog.delimiter_combo.currentData() == ";"
    first_cell = dialog.file_preview.item(0, 0)
    assert first_cell is not None
    assert first_cell.text() == "Jürgen"
    screenshot(dialog, "import_1_file")

    dialog.next_button.click()
    assert Step(dialog.steps.currentIndex()) is Step.COLUMNS
    assert dialog.mapping is not None
    mapped = dialog.mapping.mapped()
    assert mapped["first_name"] == 0
    assert mapped["email"] == 2
    assert mapped["billing_address.city"] == 5
    assert "Umsatz" in [column.header for column in dialog.mapping.ignored()]
    screenshot(dialog, "import_2_columns")

    check(qtbot, dialog)
    assert dialog.plan is not None
    totals = dialog.plan.totals
    assert (totals.rows, totals.created, totals.failed) == (3, 3, 0)
    assert "3 to create" in dialog.totals_label.text()
    assert dialog.next_button.text() == "Import 3 rows"
    screenshot(dialog, "import_3_check")

    run(qtbot, dialog)
    assert dialog.run_result is not None
    result = dialog.run_result.totals
    assert (result.rows, result.created, result.updated, result.skipped, result.failed) == (
        3,
        3,
        0,
        0,
        0,
    )
    assert "3 created" in dialog.result_label.text()
    screenshot(dialog, "import_5_result")
    assert {"juergen@example.de", "a.weiss@example.de", "guen@example.de"} <= store_emails(store)
    qtbot.waitUntil(lambda: row_count(window) == before + 3, timeout=SHORT)


def test_rows_with_problems_are_shown_fixed_in_place_and_imported(
    qtbot: QtBot, tmp_path: Path, profile_store: StoreFactory, url_window: WindowFactory
) -> None:
    store = profile_store(customers=5)
    window = url_window(store)
    start_and_wait(qtbot, window)
    path = tmp_path / "fair.csv"
    path.write_text(
        "Email,First name,Last name,Billing country\n"
        "ok@example.com,Ok,Person,DE\n"
        "not-an-email,Bad,Address,FR\n"
        "ok@example.com,Twice,Listed,DE\n"
        "fine@example.com,Fine,Person,Narnia\n",
        encoding="utf-8",
    )
    dialog = window.transfers.open_import(path)
    assert dialog is not None
    wait_for_preview(dialog)
    dialog.next_button.click()
    check(qtbot, dialog)
    assert dialog.plan is not None
    assert (dialog.plan.totals.created, dialog.plan.totals.failed) == (1, 3)

    dialog.problems_only.setChecked(True)
    shown = dialog.preview_filter.rowCount()
    assert shown == 3
    screenshot(dialog, "import_3_check_problems")

    # Correct the bad email in place; the plan is stale until checked again.
    model = dialog.preview_model
    row = model.row_of_number(2)
    assert row is not None
    email_column = next(
        column
        for column in range(model.columnCount())
        if model.headerData(column, Qt.Orientation.Horizontal) == "Email"
    )
    assert model.setData(model.index(row, email_column), "bad@example.com")
    assert not dialog.next_button.isEnabled()
    with expect(qtbot, dialog._service, ImportPlanned, timeout=LONG):
        dialog.check_again.click()
    assert dialog.plan is not None
    assert (dialog.plan.totals.created, dialog.plan.totals.failed) == (2, 2)

    run(qtbot, dialog)
    assert dialog.run_result is not None
    totals = dialog.run_result.totals
    assert totals.created + totals.updated + totals.skipped + totals.failed == 4
    assert (totals.created, totals.failed) == (2, 2)
    failed_file = dialog.run_result.failed_file
    assert failed_file is not None
    with failed_file.open(encoding="utf-8-sig", newline="") as file:
        failed_rows = list(csv.reader(file))
    assert failed_rows[0][-1] == "Error"
    assert [row[0] for row in failed_rows[1:]] == ["ok@example.com", "fine@example.com"]
    assert {"ok@example.com", "bad@example.com"} <= store_emails(store)


def test_other_files_are_refused_with_a_message(
    qtbot: QtBot, tmp_path: Path, start_store: StoreFactory, url_window: WindowFactory
) -> None:
    store = start_store(customers=3)
    window = url_window(store)
    start_and_wait(qtbot, window)
    picture = samples.write_png(tmp_path).rename(tmp_path / "photo.png")
    drop(window, picture)
    assert visible_children(window, ImportDialog) == []
    assert any("can be imported" in text for text in banner_texts(window))
    assert not window.drop_overlay.isVisible()


def test_a_file_that_is_no_table_says_so_in_the_dialog(
    qtbot: QtBot, tmp_path: Path, start_store: StoreFactory, url_window: WindowFactory
) -> None:
    store = start_store(customers=3)
    window = url_window(store)
    start_and_wait(qtbot, window)
    dialog = window.transfers.open_import(samples.write_png(tmp_path))  # a picture named .csv
    assert dialog is not None
    wait_for_preview(dialog)
    assert dialog.step is Step.FILE
    assert "does not look like a CSV text file" in dialog.file_note.text()
    assert not dialog.next_button.isEnabled()
    screenshot(dialog, "import_1_file_not_a_table")


def test_the_drop_overlay_says_what_a_drop_will_do(
    qtbot: QtBot, tmp_path: Path, start_store: StoreFactory, url_window: WindowFactory
) -> None:
    store = start_store(customers=3)
    window = url_window(store)
    start_and_wait(qtbot, window)
    path = samples.write_utf8_bom(tmp_path)
    mime = _mime(path)
    enter = QDragEnterEvent(
        QPoint(50, 50),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier(0),
    )
    QApplication.sendEvent(window, enter)
    assert window.drop_overlay.isVisible()
    assert window.drop_overlay.message == f"Drop to import customers from {path.name}"
    screenshot(window, "main_window_drop_overlay")


@pytest.mark.slow
def test_export_writes_the_view_and_importing_it_again_changes_nothing(
    qtbot: QtBot,
    tmp_path: Path,
    profile_store: StoreFactory,
    url_window: WindowFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = profile_store(customers=25)
    window = url_window(store)
    start_and_wait(qtbot, window)
    target = tmp_path / "export.csv"
    monkeypatch.setattr(window.transfers, "ask_export_target", lambda: (target, ";"))
    with expect(qtbot, window.session.service, ExportFinished, timeout=LONG) as finished:
        window.action_export.trigger()
    assert finished.event.count == row_count(window)
    data = target.read_bytes()
    assert data.startswith(codecs.BOM_UTF8)
    header = data[len(codecs.BOM_UTF8) :].split(b"\r\n", 1)[0].decode()
    assert header.startswith("ID;Email;First name")
    assert window.statusBar().currentMessage() == (
        f"Exported {row_count(window):,} customers to {target}."
    )

    dialog = window.transfers.open_import(target)
    assert dialog is not None
    wait_for_preview(dialog)
    dialog.next_button.click()
    check(qtbot, dialog)
    assert dialog.plan is not None
    totals = dialog.plan.totals
    assert (totals.created, totals.updated, totals.failed) == (0, 0, 0)
    assert totals.skipped == row_count(window)
    assert not dialog.next_button.isEnabled()  # nothing to send


@pytest.mark.slow
def test_an_import_that_updates_customers_is_undone_by_importing_its_undo_file(
    qtbot: QtBot, tmp_path: Path, profile_store: StoreFactory, url_window: WindowFactory
) -> None:
    store = profile_store(customers=5)
    window = url_window(store)
    start_and_wait(qtbot, window)
    rows = store.db.connection().execute(
        "SELECT email, first_name FROM users WHERE role = 'customer' ORDER BY id LIMIT 2"
    )
    before = {str(email): str(name) for email, name in rows}
    path = tmp_path / "renamed.csv"
    path.write_text(
        "Email,First name\n" + "".join(f"{email},Renamed\n" for email in before),
        encoding="utf-8",
    )

    dialog = window.transfers.open_import(path)
    assert dialog is not None
    wait_for_preview(dialog)
    dialog.next_button.click()
    check(qtbot, dialog)
    assert dialog.plan is not None
    assert (dialog.plan.totals.updated, dialog.plan.totals.failed) == (2, 0)
    run(qtbot, dialog)
    assert dialog.run_result is not None
    assert (dialog.run_result.totals.updated, dialog.run_result.totals.failed) == (2, 0)
    assert store_first_names(store, before) == dict.fromkeys(before, "Renamed")
    undo_file = dialog.run_result.undo_file
    assert undo_file is not None
    dialog.close()

    undo = window.transfers.open_import(undo_file)
    assert undo is not None
    wait_for_preview(undo)
    undo.next_button.click()
    check(qtbot, undo)
    assert undo.plan is not None
    assert (undo.plan.totals.updated, undo.plan.totals.failed) == (2, 0)
    run(qtbot, undo)
    assert store_first_names(store, before) == before


def store_first_names(store: DemoStore, emails: Iterable[str]) -> dict[str, str]:
    """The first names the store's database holds for these emails."""
    db = store.db.connection()
    return {
        email: str(
            db.execute("SELECT first_name FROM users WHERE email = ?", (email,)).fetchone()[0]
        )
        for email in emails
    }


@pytest.mark.slow
def test_an_import_stopped_midway_accounts_for_every_row(
    qtbot: QtBot, tmp_path: Path, profile_store: StoreFactory, url_window: WindowFactory
) -> None:
    store = profile_store(customers=2, latency_ms=30)
    window = url_window(store)
    start_and_wait(qtbot, window)
    path = samples.write_customer_rows(tmp_path, 400)
    dialog = window.transfers.open_import(path)
    assert dialog is not None
    wait_for_preview(dialog)
    dialog.next_button.click()
    check(qtbot, dialog)
    service = dialog._service
    with expect(qtbot, service, ImportProgressed, timeout=LONG):
        start_import(dialog)
    assert dialog.step is Step.SENDING
    screenshot(dialog, "import_4_sending")
    with qtbot.waitSignal(dialog.finished_import, timeout=LONG):
        dialog.stop_button.click()
    assert dialog.run_result is not None
    totals = dialog.run_result.totals
    assert totals.rows == 400
    assert totals.created + totals.updated + totals.skipped + totals.failed == 400
    assert dialog.run_result.cancelled
    assert 0 < totals.created < 400
    not_sent = [row for row in dialog.run_result.results if row.outcome is Outcome.FAILED]
    assert all("Not sent" in row.message or "may or may not" in row.message for row in not_sent)


def test_an_import_cut_short_by_the_app_closing_is_reported_at_the_next_start(
    qtbot: QtBot, tmp_path: Path, windows: list[MainWindow]
) -> None:
    from app.importer.journal import ImportJournal
    from app.importer.records import RowResult
    from app.importer.running import imports_folder
    from app.main import build
    from app.paths import AppPaths

    data_dir = tmp_path / "data"
    journal = ImportJournal(imports_folder(AppPaths.under(data_dir)) / "fair.journal.jsonl")
    journal.started(source="fair.csv", rows=250, to_send=250, skipped=0, invalid=0, undo=None)
    journal.sending(1, list(range(1, 101)))
    journal.chunk_done(1, [RowResult(n, Outcome.CREATED, 1000 + n) for n in range(1, 101)])
    journal.sending(2, list(range(101, 201)))
    journal.close()  # the app died while chunk 2 was on its way

    window = build(["--demo", "--data-dir", str(data_dir)])
    windows.append(window)
    window.show()
    start_and_wait(qtbot, window)
    told = " ".join(banner_texts(window))
    assert "The import of fair.csv" in told
    assert "100 were created" in told
    assert "100 rows were on their way to the store" in told
    screenshot(window, "main_window_unfinished_import")
    window.close()

    again = build(["--demo", "--data-dir", str(data_dir)])
    windows.append(again)
    again.show()
    start_and_wait(qtbot, again)
    assert not any("The import of" in text for text in banner_texts(again))  # told once


def test_the_dry_run_and_the_confirmation_say_how_many_emails_woocommerce_will_send(
    qtbot: QtBot, tmp_path: Path, profile_store: StoreFactory, url_window: WindowFactory
) -> None:
    """Three rows to create: the check step says WooCommerce will send three "New account"
    e-mails and where to switch them off; Import asks first (Cancel sends nothing), and once
    accepted the store sends one e-mail per customer created."""
    store = profile_store(customers=10)
    window = url_window(store)
    start_and_wait(qtbot, window)
    dialog = window.transfers.open_import(samples.write_excel_semicolon_cp1252(tmp_path))
    assert dialog is not None
    wait_for_preview(dialog)
    dialog.next_button.click()
    check(qtbot, dialog)
    assert dialog.plan is not None
    assert dialog.plan.totals.created == 3
    note = dialog.emails_note
    assert note.isVisible()
    assert "WooCommerce will send 3 “New account” e-mails" in note.text()
    assert "Settings → Emails → “New account”" in note.text()
    screenshot(dialog, "import_3_check_emails")

    dialog.next_button.click()
    box = dialog.emails_confirmation
    assert box is not None
    assert box.isVisible()
    assert "3 “New account” e-mails" in box.text()
    assert "switch off" in box.informativeText()
    screenshot(box, "import_confirm_emails")
    button(box, "Cancel").click()
    assert dialog.step is Step.CHECK
    assert sent_email_count(store) == 0

    run(qtbot, dialog)
    assert dialog.run_result is not None
    assert dialog.run_result.totals.created == 3
    assert sent_email_count(store) == 3


def sent_email_count(store: DemoStore) -> int:
    """The "New account" e-mails the store has sent (recorded by the demo store)."""
    return len(sent_emails(store.db.connection()))


def test_the_file_is_read_by_the_worker_never_in_the_gui_thread(
    qtbot: QtBot,
    tmp_path: Path,
    profile_store: StoreFactory,
    url_window: WindowFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Reading a preview may scan a whole file, and a report goes to a disk that may be slow:
    both run in the service's worker while the dialog says what it waits for."""
    read_in: list[str] = []
    real_read = reading.read_preview

    def spying_read(*args: Any, **kwargs: Any) -> Any:
        read_in.append(threading.current_thread().name)
        return real_read(*args, **kwargs)

    monkeypatch.setattr(api_worker, "read_preview", spying_read)
    store = profile_store(customers=5)
    window = url_window(store)
    start_and_wait(qtbot, window)
    path = tmp_path / "people.csv"
    path.write_text("Email,First name\nnew.person@example.com,New\n", encoding="utf-8")
    dialog = window.transfers.open_import(path)
    assert dialog is not None
    assert not dialog.preview_ready
    assert dialog.file_note.text() == "Reading the file…"
    assert not dialog.next_button.isEnabled()
    wait_for_preview(dialog)
    assert dialog.next_button.isEnabled()
    assert dialog.file_preview.rowCount() == 1
    assert read_in
    assert threading.main_thread().name not in read_in
