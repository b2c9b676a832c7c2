"""The import journal: what an import has done so far, on disk as it happens.

Owns the journal file of one import run (JSON lines, each record appended, flushed and synced
before the run goes on) and reading it back. If the app is closed or crashes in the middle of an
import, the next start finds the journal without a ``finished`` record and can tell the user how
far the import got: rows created, updated and failed, rows that were on their way to the store
when it stopped (their fate is unknown), and rows never sent. Once the user has seen that, the
journal is marked acknowledged and is not reported again.

Records, one JSON object per line, each with ``event`` and ``at`` (UTC, ISO 8601):

- ``started``: ``source``, ``rows`` (data rows in the file), ``to_send``, ``skipped``,
  ``invalid``, ``undo`` (the undo file's path, or null);
- ``sending``: ``chunk`` and the row ``numbers`` about to be sent;
- ``chunk``: ``chunk`` and ``results``, ``[number, outcome, customer id, message]`` per row;
- ``finished``: ``totals``, ``cancelled``, ``stopped`` (why sending stopped early, or null);
- ``acknowledged``: the user has been told about an unfinished import.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from app.errors import AppError
from app.importer.records import Outcome, RowResult, Totals

log = logging.getLogger("app.importer")

#: How journal files end; :func:`read_unfinished_journal` looks for these.
JOURNAL_SUFFIX = ".journal.jsonl"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class ImportJournal:
    """The journal of one import run, written as the run goes.

    Every record is flushed and synced to disk before the method returns, so what the journal
    says happened did happen, even if the process dies right after.
    """

    def __init__(self, path: Path) -> None:
        """Open (create) the journal at ``path`` for appending.

        Raises:
            AppError: when the file cannot be written.
        """
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._file: IO[str] = path.open("a", encoding="utf-8", newline="\n")
        except OSError as error:
            raise AppError(
                f"The import journal {path} cannot be written: {error.strerror or error}"
            ) from error

    def started(
        self, *, source: str, rows: int, to_send: int, skipped: int, invalid: int, undo: Path | None
    ) -> None:
        """Record the start of a run: the file, and what the plan says about its rows."""
        self._write(
            "started",
            source=source,
            rows=rows,
            to_send=to_send,
            skipped=skipped,
            invalid=invalid,
            undo=str(undo) if undo is not None else None,
        )

    def sending(self, chunk: int, numbers: Sequence[int]) -> None:
        """Record that these rows are about to go to the store (before they do)."""
        self._write("sending", chunk=chunk, numbers=list(numbers))

    def chunk_done(self, chunk: int, results: Sequence[RowResult]) -> None:
        """Record the final word on the rows of a chunk."""
        self._write(
            "chunk",
            chunk=chunk,
            results=[[r.number, str(r.outcome), r.customer_id, r.message] for r in results],
        )

    def finished(self, totals: Totals, *, cancelled: bool, stopped: str | None) -> None:
        """Record the end of the run: nothing is left to report at the next start."""
        self._write("finished", totals=totals.as_dict(), cancelled=cancelled, stopped=stopped)

    def acknowledged(self) -> None:
        """Record that the user was told about this unfinished run."""
        self._write("acknowledged")

    def close(self) -> None:
        """Close the file (a journal without ``finished`` stays unfinished)."""
        self._file.close()

    def _write(self, event: str, **values: Any) -> None:
        line = json.dumps({"event": event, "at": _now(), **values}, ensure_ascii=False)
        try:
            self._file.write(line + "\n")
            self._file.flush()
            os.fsync(self._file.fileno())
        except OSError as error:
            raise AppError(
                f"The import journal {self.path} cannot be written: {error.strerror or error}"
            ) from error


@dataclass(frozen=True)
class UnfinishedImport:
    """How far an import got before the app stopped in the middle of it.

    Attributes:
        journal: the journal file (pass it to :func:`acknowledge_journal`).
        source: the imported file, as the run named it.
        started_at: when the run started (UTC), if the journal says.
        rows: data rows in the file.
        created: rows the store created.
        updated: rows the store updated.
        skipped: rows the plan skipped (nothing to send).
        failed: invalid rows, and rows the store refused.
        in_doubt: numbers of rows that were sent but whose answer was never recorded: they may
            or may not be in the store.
        not_sent: rows that were still to be sent.
        undo: the undo file written so far, if there were updates.
    """

    journal: Path
    source: str
    started_at: datetime | None
    rows: int
    created: int
    updated: int
    skipped: int
    failed: int
    in_doubt: tuple[int, ...]
    not_sent: int
    undo: Path | None

    def describe(self) -> str:
        """A few sentences for the user at the next start."""
        when = (
            f" on {self.started_at.astimezone().strftime('%Y-%m-%d at %H:%M')}"
            if self.started_at is not None
            else ""
        )
        text = (
            f"The import of {self.source}{when} did not finish. Of its {self.rows:,} rows, "
            f"{self.created:,} were created, {self.updated:,} updated, {self.skipped:,} skipped "
            f"and {self.failed:,} failed; {self.not_sent:,} were not sent."
        )
        if self.in_doubt:
            text += (
                f" {len(self.in_doubt):,} rows were on their way to the store when the app "
                "stopped and may or may not have been saved. Importing the file again is safe: "
                "customers already in the store are matched and not created twice."
            )
        if self.undo is not None:
            text += f" The previous values of updated customers are in {self.undo}."
        return text


def read_unfinished_journal(folder: Path) -> UnfinishedImport | None:
    """The most recent import in ``folder`` that neither finished nor was acknowledged.

    Journals that cannot be read are passed over (and logged): they are a courtesy to the user,
    never a reason to fail a start.
    """
    dated: list[tuple[float, Path]] = []
    for path in folder.glob(f"*{JOURNAL_SUFFIX}"):
        try:
            dated.append((path.stat().st_mtime, path))
        except OSError:
            continue  # removed meanwhile
    for _, path in sorted(dated, reverse=True):
        try:
            summary = _summary(path)
        except (OSError, ValueError, TypeError, IndexError, KeyError) as error:
            log.warning("import journal %s cannot be read: %s", path, error)
            continue
        if summary is not None:
            return summary
    return None


def acknowledge_journal(path: Path) -> None:
    """Mark an unfinished import as told to the user, so it is not reported again.

    Raises:
        AppError: when the journal cannot be written.
    """
    journal = ImportJournal(path)
    try:
        journal.acknowledged()
    finally:
        journal.close()


def _records(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8", errors="replace") as file:
        for line in file:
            try:
                record = json.loads(line)
            except ValueError:
                continue  # a record cut short by a crash says nothing
            if isinstance(record, dict) and isinstance(record.get("event"), str):
                yield record


def _summary(path: Path) -> UnfinishedImport | None:
    started: dict[str, Any] | None = None
    sending: dict[int, list[int]] = {}
    outcomes: dict[int, str] = {}
    for record in _records(path):
        event = record["event"]
        if event in ("finished", "acknowledged"):
            return None
        if event == "started":
            started = record
        elif event == "sending":
            sending[int(record.get("chunk", -1))] = [int(n) for n in record.get("numbers", [])]
        elif event == "chunk":
            sending.pop(int(record.get("chunk", -1)), None)
            for result in record.get("results", []):
                outcomes[int(result[0])] = str(result[1])
    if started is None:
        return None
    in_doubt = tuple(sorted(number for numbers in sending.values() for number in numbers))
    sent = len(outcomes) + len(in_doubt)
    undo = started.get("undo")
    return UnfinishedImport(
        journal=path,
        source=str(started.get("source", path.name)),
        started_at=_parse_time(started.get("at")),
        rows=int(started.get("rows", 0)),
        created=sum(o == Outcome.CREATED for o in outcomes.values()),
        updated=sum(o == Outcome.UPDATED for o in outcomes.values()),
        skipped=int(started.get("skipped", 0)),
        failed=int(started.get("invalid", 0)) + sum(o == Outcome.FAILED for o in outcomes.values()),
        in_doubt=in_doubt,
        not_sent=max(int(started.get("to_send", 0)) - sent, 0),
        undo=Path(undo) if isinstance(undo, str) else None,
    )


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except ValueError:
        return None
