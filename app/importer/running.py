"""Running an import plan against a store: chunked bulk saves and the final word on every row.

Owns sending a plan's creates and updates with the client's bulk save, a chunk at a time;
mapping the store's answer for each item back to its file row; keeping the totals whole when
sending stops early; putting every customer the store returns into the cache as each chunk
lands; and the files a run leaves behind: the failed rows (the original cells plus an ``Error``
column, to fix and import again), the undo file (the previous values of updated customers,
written before anything is sent) and the journal (:mod:`app.importer.journal`). Every CSV file
goes through the app's one writer, :func:`app.importer.exporting.write_rows`. Qt-free: the GUI
calls :func:`run_import` in its API worker thread.

Sending runs one chunk ahead of the bookkeeping: as soon as a chunk's answer is in, the next
chunk goes out from a helper thread, and the calling thread records the answered one (results,
journal, cache, progress) while the store works on the next. Recording a chunk (mostly
putting its customers into the cache) takes a good part of the time a store takes to save it;
overlapped, it no longer adds to the run's time. The helper thread only ever calls the
client's bulk save; the cache, the journal and progress reports stay on the calling thread.

How rows end when sending cannot go on (``created + updated + skipped + failed == rows``
always; every row not saved is failed, and its message says why):

- the store refuses single items (an email in use, a deleted customer), or the client's write
  gate does before sending (:mod:`app.domain.write_gate`: a row whose values a store would
  destroy or garble data with; planning already makes such rows invalid, so this only catches a
  plan made some other way): those rows fail with the refusal's message; the rest of the chunk
  and the run go on;
- a whole chunk fails for a reason that is not about its rows (the store unreachable after the
  client's retries, keys refused, a broken answer): the run stops. That chunk's rows fail with
  the error; when the error means the chunk's answer was lost, their message says they may or
  may not have been saved. Every later row fails as "Not sent". Going on would only repeat the
  same error for every chunk, and the failed-rows file holds them all, ready to import again
  (which is safe: the plan then matches what was saved and does not create it twice). Sending
  ahead changes none of this: the next chunk only goes out once the chunk before it has been
  answered, so no chunk is on its way when one fails;
- cancelling takes effect between chunks: later rows fail as "Not sent: the import was
  cancelled." A chunk already on its way when the cancel comes (sent while the chunk before
  it was being recorded) is awaited and ends as the store answered it: its rows were sent.
  A cancel that interrupts a chunk in flight (its retries) leaves that chunk's rows failed as
  "may or may not have been saved".
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from app.api.client import BULK_LIMIT, BulkOutcome
from app.api.transport import CancelToken
from app.cache.repository import CustomerCache
from app.domain.customer import Customer
from app.domain.validation import (
    CUSTOMER_FIELDS,
    FIELD_LABELS,
    describe_unapplied,
    draft_from_fields,
    update_payload_from_fields,
)
from app.errors import (
    AppError,
    CacheError,
    CancelledError,
    ConfigurationError,
    FileError,
    UnclearWriteError,
)
from app.importer.cells import restore_formula
from app.importer.exporting import ID_COLUMN, write_rows
from app.importer.journal import JOURNAL_SUFFIX, ImportJournal
from app.importer.records import (
    PLANNED_OUTCOME,
    Outcome,
    PlannedRow,
    RowAction,
    RowResult,
    Totals,
)
from app.paths import AppPaths

log = logging.getLogger("app.importer")

#: The failed-rows file's extra column (reused when the file already has one: a failed-rows
#: file imported again must not grow a second one).
ERROR_COLUMN = "Error"
#: The undo file's last column: the changed fields that were empty before the import. A blank
#: cell never clears a stored value, so importing the undo file cannot empty them again; the
#: column names them for clearing by hand (no customer field has a header like it, so an import
#: ignores it).
WAS_EMPTY_COLUMN = "Empty before the import (clear by hand)"
#: The per-row report's columns.
REPORT_HEADER = ("Row", "Outcome", "Customer ID", "Message")
#: A dry run's report says what would happen to each row, not what did.
PLANNED_WORDING: Mapping[Outcome, str] = {
    Outcome.CREATED: "would create",
    Outcome.UPDATED: "would update",
    Outcome.SKIPPED: "would skip",
    Outcome.FAILED: "would fail",
}

NOT_SENT_CANCELLED = "Not sent: the import was cancelled."
IN_DOUBT = (
    "{reason} while this row was being sent; it may or may not have been saved. Importing it "
    "again is safe: a customer already saved is matched, not created twice."
)


class BulkSaver(Protocol):
    """What a run needs of a client: :meth:`app.api.client.WooClient.bulk_save`."""

    def bulk_save(
        self,
        items: Sequence[Mapping[str, Any]],
        *,
        chunk_size: int = ...,
        cancel: CancelToken | None = ...,
        on_chunk: Callable[[list[BulkOutcome]], None] | None = ...,
    ) -> list[BulkOutcome]:
        """Save many customers; one outcome per item, in input order."""
        ...


def imports_folder(paths: AppPaths) -> Path:
    """The app's own folder for import files: runs go here unless the user picks a folder.

    The GUI looks here at start for an import that did not finish
    (:func:`app.importer.journal.read_unfinished_journal`).
    """
    return paths.data_dir / "imports"


@dataclass(frozen=True)
class ImportFiles:
    """Where one run's files go: ``<folder>/<stem>-failed.csv``, ``-undo.csv``, ``.journal.jsonl``.

    Attributes:
        folder: the folder for all of them (created when a run starts).
        stem: the shared start of their names.
    """

    folder: Path
    stem: str

    @classmethod
    def for_source(cls, folder: Path, source: Path, started: datetime | None = None) -> ImportFiles:
        """Names from the imported file's name and the start time, unused so far in ``folder``."""
        moment = (started or datetime.now()).strftime("%Y%m%d-%H%M%S")
        base = f"{source.stem}-import-{moment}"
        stem, copy = base, 1
        while any(path.exists() for path in cls(folder, stem).all()):
            copy += 1
            stem = f"{base}-{copy}"
        return cls(folder, stem)

    @property
    def failed(self) -> Path:
        """The failed rows, with an ``Error`` column."""
        return self.folder / f"{self.stem}-failed.csv"

    @property
    def undo(self) -> Path:
        """The previous values of updated customers."""
        return self.folder / f"{self.stem}-undo.csv"

    @property
    def journal(self) -> Path:
        """The run's journal."""
        return self.folder / f"{self.stem}{JOURNAL_SUFFIX}"

    def all(self) -> tuple[Path, ...]:
        """Every file of the run, written or not."""
        return (self.failed, self.undo, self.journal)

    def make_folder(self) -> None:
        """Create the folder if it does not exist yet.

        Raises:
            FileError: when it cannot be created.
        """
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise FileError(
                f"The folder {self.folder} cannot be created: {error.strerror or error}. "
                "Choose another folder.",
                detail=str(error),
            ) from error


@dataclass(frozen=True)
class RunProgress:
    """How far a run is, after each chunk.

    Attributes:
        done: rows sent to the store so far (creates and updates; skipped and invalid rows
            need no sending and are not counted here).
        total: rows to send.
        totals: every row's outcome so far (skipped and invalid rows from the start).
        rows_per_second: sending speed so far.
        seconds_left: estimated time to send the rest; None until a speed is known.
        saved: the customers the store returned for this chunk (for views over the cache).
    """

    done: int
    total: int
    totals: Totals
    rows_per_second: float
    seconds_left: float | None
    saved: tuple[Customer, ...]


@dataclass(frozen=True)
class RunResult:
    """What a run did.

    Attributes:
        totals: rows per outcome; they add up to the plan's rows.
        results: one per planned row, in the plan's order.
        failed_file: the failed rows to fix and import again, if any row failed.
        undo_file: previous values of updated customers, if any update was sent.
        journal_file: the run's journal.
        cancelled: the user cancelled before every row was sent.
        stopped_by: the error that stopped sending early, if one did.
        not_sent: rows to create or update that were never sent (counted as failed).
        notices: things the user should know that concern no single row (the cache could not
            be updated, ...).
    """

    totals: Totals
    results: tuple[RowResult, ...]
    failed_file: Path | None
    undo_file: Path | None
    journal_file: Path
    cancelled: bool = False
    stopped_by: AppError | None = None
    not_sent: int = 0
    notices: tuple[str, ...] = ()


def run_import(
    plan: Sequence[PlannedRow],
    client: BulkSaver,
    files: ImportFiles,
    *,
    source: Path,
    header: Sequence[str],
    delimiter: str = ",",
    cache: CustomerCache | None = None,
    chunk_size: int = BULK_LIMIT,
    cancel: CancelToken | None = None,
    progress: Callable[[RunProgress], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> RunResult:
    """Send a plan's creates and updates to the store and account for every row.

    Before anything is sent, the journal records the start and the undo file holds the
    previous values of every customer the plan updates. A crash at any later point leaves both.
    Once the run is over the undo file is written again with only the customers that were (or
    may have been) updated; until then it may name customers the run never reached, which is
    harmless: importing their previous values changes nothing.

    Each chunk goes out from a helper thread as soon as the one before it is answered, while
    this thread records that one (see the module's notes), and the journal says "sending" for
    a chunk before its request leaves. So a run stopped by a chunk's failure has sent nothing
    after that chunk, just as when chunks went one by one; a cancel, or an error raised while
    recording (a journal that cannot be written, ``progress`` raising), can come while the
    next chunk is on its way: that chunk is always awaited before this function returns or
    raises, and after a cancel its rows get the store's answer.

    Args:
        plan: every data row of the file, planned (the dry run's rows).
        client: the store's client (its bulk save retries lost chunks without duplicates).
            Only ``bulk_save`` is called, one call at a time, from a helper thread:
            :class:`app.api.client.WooClient` keeps a session per thread, so that is safe.
        files: where the failed rows, undo file and journal go.
        source: the imported file, named in the journal.
        header: the file's header, for the failed-rows file.
        delimiter: the file's delimiter; the failed-rows and undo files use it too, so they open
            in the same spreadsheet the same way.
        cache: the store's cache, brought up to date with every customer saved. It must
            belong to the calling thread (a cache is one connection per thread).
        chunk_size: customers per bulk request, 1 to 100.
        cancel: stops the run between chunks (and a chunk's retries).
        progress: called on the calling thread after every chunk, once its rows' results are
            recorded and its customers are in the cache.
        clock: seconds, for speed and time left.

    Returns:
        The result; its files are written before it returns.

    Raises:
        ConfigurationError: a chunk size outside 1..100.
        ValueError: a plan row to update without a customer id (a planning bug).
        AppError: the journal, undo or failed-rows file cannot be written. Nothing is sent
            before the journal and undo file are on disk.
    """
    if not 1 <= chunk_size <= BULK_LIMIT:
        raise ConfigurationError(f"A chunk holds 1 to {BULK_LIMIT} customers.")
    results: list[RowResult | None] = [_decided_result(row) for row in plan]
    sending = [index for index, row in enumerate(plan) if results[index] is None]
    to_send = [plan[index] for index in sending]
    _check_sendable(to_send)
    undo = _Undo(files.undo, to_send, delimiter)
    files.make_folder()
    undo.write_all()
    journal = ImportJournal(files.journal)
    run = _RunState()
    try:
        journal.started(
            source=str(source),
            rows=len(plan),
            to_send=len(sending),
            skipped=sum(row.action is RowAction.SKIP for row in plan),
            invalid=sum(row.action is RowAction.INVALID for row in plan),
            undo=undo.path if undo.needed else None,
        )
        books = _Bookkeeping(
            results=results,
            total=len(sending),
            journal=journal,
            run=run,
            cache=cache,
            progress=progress,
            clock=clock,
            started=clock(),
        )
        _send_all(_chunks(plan, sending, chunk_size), client, cancel, books)
        not_sent = sum(result is None for result in results)
        final = [
            result if result is not None else _failed(row, run.why_not_sent())
            for row, result in zip(plan, results, strict=True)
        ]
        totals = Totals.of_outcomes(result.outcome for result in final)
        undo_file = undo.keep_only(
            {r.number for r in final if r.outcome is Outcome.UPDATED} | run.in_doubt
        )
        failed_file = _write_failed_rows(files.failed, header, plan, final, delimiter)
        journal.finished(
            totals,
            cancelled=run.cancelled,
            stopped=run.stopped_by.message if run.stopped_by is not None else None,
        )
    finally:
        journal.close()
    return RunResult(
        totals=totals,
        results=tuple(final),
        failed_file=failed_file,
        undo_file=undo_file,
        journal_file=files.journal,
        cancelled=run.cancelled,
        stopped_by=run.stopped_by,
        not_sent=not_sent,
        notices=tuple(run.notices),
    )


@dataclass
class _RunState:
    """What a run learns as it goes, besides the rows' results."""

    cancelled: bool = False
    stopped_by: AppError | None = None
    in_doubt: set[int] = field(default_factory=set)  # row numbers: sent, answer lost
    notices: list[str] = field(default_factory=list)

    def learn(self, answer: _ChunkAnswer) -> None:
        """Note why a chunk's answer stops the run, if it does."""
        # Only ever set: a cancel seen before the next chunk went out must survive the record
        # of the chunk that was still on its way.
        self.cancelled = self.cancelled or answer.cancelled
        if answer.error is not None:
            self.stopped_by = answer.error

    def why_not_sent(self) -> str:
        """The message of rows never sent (a run ends early only when cancelled or stopped)."""
        if self.stopped_by is not None:
            return f"Not sent: the import stopped after an error. {self.stopped_by.message}"
        return NOT_SENT_CANCELLED


def planned_results(plan: Iterable[PlannedRow]) -> list[RowResult]:
    """What a dry run says would happen to each row, as results (for its report)."""
    return [
        RowResult(row.row.number, PLANNED_OUTCOME[row.action], row.customer_id, _reason(row))
        for row in plan
    ]


def write_report(
    path: Path, results: Iterable[RowResult], delimiter: str = ",", *, planned: bool = False
) -> None:
    """The per-row report: row number, outcome, customer ID and message.

    Args:
        path: the CSV file to write.
        results: one per row, in row order.
        delimiter: the file's cell separator (the import file's, so it opens the same way).
        planned: the results are a dry run's (:func:`planned_results`): outcomes are worded as
            what would happen ("would create").

    Raises:
        AppError: when the file cannot be written.
    """
    write_rows(
        path,
        REPORT_HEADER,
        (
            (
                str(r.number),
                PLANNED_WORDING[r.outcome] if planned else str(r.outcome),
                str(r.customer_id) if r.customer_id is not None else "",
                r.message,
            )
            for r in results
        ),
        delimiter,
    )


# -- one row ------------------------------------------------------------------------------------


def _reason(row: PlannedRow) -> str:
    """The plan's sentence for a row, else its problems (an invalid row always says why)."""
    if row.reason:
        return row.reason
    return " ".join(problem.describe() for problem in row.problems if problem.is_error)


def _decided_result(row: PlannedRow) -> RowResult | None:
    """The result of a row the plan already decided (skip, invalid); None for rows to send."""
    if row.action is RowAction.SKIP:
        return RowResult(row.row.number, Outcome.SKIPPED, row.customer_id, _reason(row))
    if row.action is RowAction.INVALID:
        return RowResult(row.row.number, Outcome.FAILED, row.customer_id, _reason(row))
    return None


def _check_sendable(rows: Iterable[PlannedRow]) -> None:
    """Refuse a plan whose rows cannot all be sent, before anything is.

    Raises:
        ValueError: a row to update without a customer id (a planning bug).
    """
    for row in rows:
        if row.action is RowAction.UPDATE and row.customer_id is None:
            raise ValueError(f"row {row.row.number} is planned as an update without a customer")


def _payload(row: PlannedRow) -> dict[str, object]:
    """The bulk item for a row to create or update (checked by :func:`_check_sendable`).

    Both builders normalise the fields (an email is sent trimmed); the client's bulk save puts
    every item through the write gate.
    """
    if row.action is RowAction.CREATE:
        return draft_from_fields(row.fields).to_create_payload()
    return {"id": row.customer_id, **update_payload_from_fields(row.fields)}


def _saved_result(row: PlannedRow, outcome: BulkOutcome) -> RowResult:
    """A row's result from the store's answer for its item."""
    number = row.row.number
    if outcome.error is not None:
        return RowResult(number, Outcome.FAILED, row.customer_id, outcome.error.message)
    customer_id = outcome.customer.id if outcome.customer is not None else row.customer_id
    notes = [describe_unapplied(change) for change in outcome.unapplied]
    if outcome.recovered:
        notes.insert(0, "The store's answer was lost; the saved customer was found afterwards.")
    done = Outcome.CREATED if row.action is RowAction.CREATE else Outcome.UPDATED
    return RowResult(number, done, customer_id, " ".join(notes) or row.reason)


@dataclass(frozen=True)
class _ChunkAnswer:
    """What became of one chunk: its rows' results, the customers saved, and whether to stop."""

    results: list[RowResult]
    saved: tuple[Customer, ...] = ()
    cancelled: bool = False
    error: AppError | None = None
    in_doubt: bool = False  # the chunk may or may not have been saved

    @property
    def stops(self) -> bool:
        """Whether the run sends nothing after this chunk."""
        return self.cancelled or self.error is not None


def _chunk_answer(rows: Sequence[PlannedRow], sent: Future[list[BulkOutcome]]) -> _ChunkAnswer:
    """Wait for a chunk's bulk save and give each of its rows the store's word (or the error's).

    Raises:
        BaseException: whatever is not an :class:`AppError` (the app closing, a bug): the run
            cannot account for the chunk, and its journal leaves the rows in doubt.
    """
    try:
        outcomes = sent.result()
    except CancelledError:
        message = IN_DOUBT.format(reason="The import was cancelled")
        return _ChunkAnswer([_failed(row, message) for row in rows], cancelled=True, in_doubt=True)
    except UnclearWriteError as error:
        log.info("import: chunk answer lost: %s", error.log_text())
        message = IN_DOUBT.format(reason="The store's answer was lost")
        return _ChunkAnswer([_failed(row, message) for row in rows], error=error, in_doubt=True)
    except AppError as error:
        log.info("import: chunk failed: %s", error.log_text())
        message = f"Not saved: {error.message}"
        return _ChunkAnswer([_failed(row, message) for row in rows], error=error)
    return _ChunkAnswer(
        [_saved_result(row, outcome) for row, outcome in zip(rows, outcomes, strict=True)],
        tuple(outcome.customer for outcome in outcomes if outcome.customer is not None),
    )


def _failed(row: PlannedRow, message: str) -> RowResult:
    return RowResult(row.row.number, Outcome.FAILED, row.customer_id, message)


# -- sending, one chunk ahead -------------------------------------------------------------------


@dataclass(frozen=True)
class _Chunk:
    """One bulk request's rows.

    Attributes:
        number: the chunk's number in the run (0 first), as the journal names it.
        positions: its rows' indexes in the plan.
        rows: its rows.
        items: their bulk items, in the same order.
        sent_after: rows sent once this chunk is (for progress).
    """

    number: int
    positions: Sequence[int]
    rows: Sequence[PlannedRow]
    items: Sequence[Mapping[str, object]]
    sent_after: int


def _chunks(
    plan: Sequence[PlannedRow], sending: Sequence[int], chunk_size: int
) -> Iterator[_Chunk]:
    """The rows to send (``sending``: their plan indexes), a chunk at a time.

    Each chunk's items are built when it is asked for, so that work can overlap the store's
    work on the chunk before (it is not free: about 5 ms per 100 customers).
    """
    for number, start in enumerate(range(0, len(sending), chunk_size)):
        positions = sending[start : start + chunk_size]
        rows = [plan[index] for index in positions]
        yield _Chunk(number, positions, rows, [_payload(row) for row in rows], start + len(rows))


def _send_all(
    chunks: Iterator[_Chunk],
    client: BulkSaver,
    cancel: CancelToken | None,
    books: _Bookkeeping,
) -> None:
    """Send the chunks in turn from one helper thread, each while the one before is recorded.

    Chunk N+1 goes out as soon as chunk N's answer is in and did not stop the run; this thread
    then records chunk N while the store works on N+1. So at most one chunk is on its way, and
    none after a chunk that failed. Leaving early (an error while recording) first waits for
    the chunk on its way, so the client is idle once the run is over; the journal leaves that
    chunk's rows in doubt.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-send") as helper:

        def send(chunk: _Chunk | None) -> tuple[_Chunk, Future[list[BulkOutcome]]] | None:
            if chunk is None:
                return None
            if cancel is not None and cancel.cancelled:
                books.run.cancelled = True
                return None
            # In the journal before it leaves: a crash from here on leaves its rows in doubt.
            books.journal.sending(chunk.number, [row.row.number for row in chunk.rows])
            sent = helper.submit(
                client.bulk_save, chunk.items, chunk_size=len(chunk.items), cancel=cancel
            )
            return chunk, sent

        in_flight = send(next(chunks, None))
        while in_flight is not None:
            chunk, sent = in_flight
            following = next(chunks, None)  # built while the store works on this chunk
            # A chunk stops the run exactly when its bulk save raised (see _chunk_answer), so
            # that decides at once whether the next goes; its rows' results are worked out
            # after, while the next chunk is on its way.
            stops = sent.exception() is not None
            in_flight = None if stops else send(following)
            books.record(chunk, _chunk_answer(chunk.rows, sent))


@dataclass
class _Bookkeeping:
    """Everything a chunk's answer updates, on the calling thread.

    Attributes:
        results: every plan row's result so far (None: not sent, or not answered yet).
        total: rows to send.
        journal: the run's journal.
        run: what the run has learnt.
        cache: the store's cache (the calling thread's connection), if any.
        progress: told after every chunk that does not stop the run.
        clock: seconds, for speed and time left.
        started: the clock when sending started.
    """

    results: list[RowResult | None]
    total: int
    journal: ImportJournal
    run: _RunState
    cache: CustomerCache | None
    progress: Callable[[RunProgress], None] | None
    clock: Callable[[], float]
    started: float

    def record(self, chunk: _Chunk, answer: _ChunkAnswer) -> None:
        """Give the chunk's rows their results, journal them, then update the cache and progress."""
        for index, result in zip(chunk.positions, answer.results, strict=True):
            self.results[index] = result
        if answer.in_doubt:
            self.run.in_doubt.update(row.row.number for row in chunk.rows)
        self.journal.chunk_done(chunk.number, answer.results)
        self.run.learn(answer)
        if answer.stops:
            return
        _update_cache(self.cache, answer.saved, self.run.notices)
        if self.progress is not None:
            elapsed = self.clock() - self.started
            self.progress(
                _progress(chunk.sent_after, self.total, self.results, elapsed, answer.saved)
            )


# -- progress and cache ---------------------------------------------------------------------------


def _progress(
    done: int,
    total: int,
    results: Sequence[RowResult | None],
    elapsed: float,
    saved: tuple[Customer, ...],
) -> RunProgress:
    speed = done / elapsed if elapsed > 0 else 0.0
    return RunProgress(
        done=done,
        total=total,
        totals=Totals.of_outcomes(r.outcome for r in results if r is not None),
        rows_per_second=speed,
        seconds_left=(total - done) / speed if speed > 0 else None,
        saved=saved,
    )


def _update_cache(
    cache: CustomerCache | None, saved: Sequence[Customer], notices: list[str]
) -> None:
    """Put what the store returned into the cache; a cache failure never stops an import."""
    if cache is None or not saved:
        return
    try:
        cache.upsert_customers(saved, int(time.time()))
    except CacheError as error:
        log.warning("import: cache not updated: %s", error.log_text())
        notice = f"The local cache could not be updated ({error.message}); the next sync will."
        if notice not in notices:
            notices.append(notice)


# -- files ------------------------------------------------------------------------------------


def _write_failed_rows(
    path: Path,
    header: Sequence[str],
    plan: Sequence[PlannedRow],
    results: Sequence[RowResult],
    delimiter: str,
) -> Path | None:
    """The failed rows as read, with the reason in the ``Error`` column; None when none failed."""
    failed = [
        (row, result)
        for row, result in zip(plan, results, strict=True)
        if result.outcome is Outcome.FAILED
    ]
    if not failed:
        return None
    columns = list(header)
    if ERROR_COLUMN in columns:
        error_at = columns.index(ERROR_COLUMN)
    else:
        error_at = len(columns)
        columns.append(ERROR_COLUMN)

    def cells(row: PlannedRow, message: str) -> list[str]:
        # The writer guards formulas again; taking a guard the file already had off first
        # means importing this file reads each cell exactly as importing the original did.
        values = [restore_formula(cell) for cell in row.row.cells]
        values += [""] * (len(columns) - len(values))
        values[error_at] = message
        return values[: len(columns)]

    write_rows(path, columns, (cells(row, result.message) for row, result in failed), delimiter)
    return path


class _Undo:
    """The undo file: the previous values of the customers a run updates.

    One row per customer: its ID, then the value each changed field held before, under the
    export's column names, so the file imports as-is to put them back. Fields a customer's
    update does not change stay blank (a blank cell changes nothing), as do fields that were
    empty, which :data:`WAS_EMPTY_COLUMN` names instead.
    """

    def __init__(self, path: Path, sending: Sequence[PlannedRow], delimiter: str) -> None:
        self.path = path
        self._updates = [row for row in sending if row.action is RowAction.UPDATE]
        changed = {change.field for row in self._updates for change in row.changes}
        self._fields = [name for name in CUSTOMER_FIELDS if name in changed]
        self._delimiter = delimiter

    @property
    def needed(self) -> bool:
        """Whether the plan updates anyone."""
        return bool(self._updates)

    def write_all(self) -> None:
        """Write every planned update's previous values (before anything is sent)."""
        if self._updates:
            self._write(self._updates)

    def keep_only(self, numbers: set[int]) -> Path | None:
        """Rewrite the file with the rows of these numbers only; its path, or None when empty.

        Raises:
            AppError: when the file cannot be written or removed.
        """
        if not self._updates:
            return None
        kept = [row for row in self._updates if row.row.number in numbers]
        if len(kept) == len(self._updates):
            return self.path
        if kept:
            self._write(kept)
            return self.path
        try:
            self.path.unlink(missing_ok=True)
        except OSError as error:
            raise FileError(
                f"{self.path.name} could not be removed: {error.strerror or error}.",
                detail=str(error),
            ) from error
        return None

    def _write(self, rows: Sequence[PlannedRow]) -> None:
        header = [ID_COLUMN, *(FIELD_LABELS[name] for name in self._fields), WAS_EMPTY_COLUMN]
        write_rows(self.path, header, (self._cells(row) for row in rows), self._delimiter)

    def _cells(self, row: PlannedRow) -> list[str]:
        before = {change.field: change.before for change in row.changes}
        emptied = [FIELD_LABELS[name] for name in self._fields if before.get(name) == ""]
        return [
            str(row.customer_id),
            *(before.get(name, "") for name in self._fields),
            ", ".join(emptied),
        ]
