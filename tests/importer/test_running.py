"""Running an import plan: every row accounted for, whatever the store and the user do.

Unit tests drive :func:`run_import` with a scripted in-memory client to pin the accounting
(``created + updated + skipped + failed == rows``) under per-item refusals, whole-chunk failures,
lost answers and cancelling, what sending one chunk ahead may and may not do (threads, order),
and the files a run leaves (failed rows, undo file, journal). The last tests run real files
through reading, mapping, planning and running against the in-process demo store, with faults
injected where a bulk request is most fragile.
"""

from __future__ import annotations

import json
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import pytest

from app.api.client import BulkOutcome
from app.api.connection import StoreConnection
from app.api.transport import ApiResponse, CancelToken, Transport
from app.cache.database import CacheFile
from app.cache.repository import CustomerCache
from app.demo_store import DemoStore, Fault
from app.domain.customer import Customer, UnappliedChange
from app.errors import (
    AuthError,
    CancelledError,
    ConfigurationError,
    NetworkError,
    NotFoundError,
    UnclearWriteError,
    ValidationError,
)
from app.importer.journal import ImportJournal, acknowledge_journal, read_unfinished_journal
from app.importer.mapping import ColumnMapping
from app.importer.planning import CacheLookup, StoreBackedLookup, plan_all
from app.importer.reading import open_csv
from app.importer.records import (
    FieldChange,
    Outcome,
    PlannedRow,
    RowAction,
    RowResult,
    SourceRow,
    Totals,
)
from app.importer.running import (
    ERROR_COLUMN,
    NOT_SENT_CANCELLED,
    WAS_EMPTY_COLUMN,
    BulkSaver,
    ImportFiles,
    RunProgress,
    RunResult,
    planned_results,
    run_import,
    write_report,
)
from tests.conftest import ClientFactory, StoreFactory

HEADER = ("E-Mail", "Vorname", "Ort")


# -- a scripted store -----------------------------------------------------------------------------


class ScriptedClient:
    """``bulk_save`` over a dict of customers, with failures scripted per call.

    Attributes:
        customers: the "store": id -> customer.
        calls: the items of every bulk_save call, as sent.
        raise_on: call number (1-based) -> error to raise instead of answering.
        refuse: emails whose create the store refuses per item (as an email in use).
        keep_email: customer ids whose email change the store silently keeps.
        during_call: called with the call number and the items before answering.
    """

    def __init__(self, customers: Mapping[int, Customer] | None = None) -> None:
        self.customers: dict[int, Customer] = dict(customers or {})
        self.calls: list[list[dict[str, Any]]] = []
        self.raise_on: dict[int, BaseException] = {}
        self.refuse: set[str] = set()
        self.keep_email: set[int] = set()
        self.during_call: Callable[[int, list[dict[str, Any]]], None] | None = None
        self._next_id = 1000

    def bulk_save(
        self,
        items: Sequence[Mapping[str, Any]],
        *,
        chunk_size: int = 100,
        cancel: CancelToken | None = None,
        on_chunk: Callable[[list[BulkOutcome]], None] | None = None,
    ) -> list[BulkOutcome]:
        """Answer like WooClient.bulk_save (one call = one chunk here)."""
        assert len(items) <= chunk_size
        sent = [dict(item) for item in items]
        self.calls.append(sent)
        if self.during_call is not None:
            self.during_call(len(self.calls), sent)
        failure = self.raise_on.get(len(self.calls))
        if failure is not None:
            raise failure
        return [self._save(index, item) for index, item in enumerate(sent)]

    def _save(self, index: int, item: dict[str, Any]) -> BulkOutcome:
        if "id" not in item:
            if item["email"] in self.refuse:
                taken = ValidationError("This email address is already registered.", field="email")
                return BulkOutcome(index, error=taken, created=True)
            self._next_id += 1
            customer = Customer(
                self._next_id, email=item["email"], first_name=item.get("first_name", "")
            )
            self.customers[customer.id] = customer
            return BulkOutcome(index, customer, created=True)
        stored = self.customers.get(item["id"])
        if stored is None:
            missing = NotFoundError("This customer does not exist in the store.")
            return BulkOutcome(index, error=missing)
        unapplied: tuple[UnappliedChange, ...] = ()
        changes = {k: v for k, v in item.items() if k in ("email", "first_name", "last_name")}
        if "email" in changes and stored.id in self.keep_email:
            unapplied = (UnappliedChange("email", changes.pop("email"), stored.email),)
        updated = stored.with_changes(**changes)
        self.customers[updated.id] = updated
        return BulkOutcome(index, updated, unapplied=unapplied)


# -- plan rows --------------------------------------------------------------------------------


def source(number: int, *cells: str) -> SourceRow:
    padded = (*cells, *[""] * (len(HEADER) - len(cells)))
    return SourceRow(number, number + 1, padded)


def create(number: int, email: str, first_name: str = "") -> PlannedRow:
    fields = {"email": email, **({"first_name": first_name} if first_name else {})}
    return PlannedRow(
        source(number, email, first_name), RowAction.CREATE, fields, reason="New customer."
    )


def update(number: int, customer: Customer, **after: str) -> PlannedRow:
    changes = tuple(
        FieldChange(name, getattr(customer, name), value) for name, value in after.items()
    )
    return PlannedRow(
        source(number, customer.email, after.get("first_name", "")),
        RowAction.UPDATE,
        dict(after),
        customer_id=customer.id,
        changes=changes,
        reason="Changes First name.",
    )


def skip(number: int, customer: Customer) -> PlannedRow:
    return PlannedRow(
        source(number, customer.email),
        RowAction.SKIP,
        customer_id=customer.id,
        reason="No change.",
    )


def invalid(number: int, email: str) -> PlannedRow:
    return PlannedRow(
        source(number, email), RowAction.INVALID, reason="Email: This is not a valid email address."
    )


ADA = Customer(1, email="ada@example.com", first_name="Ada")
BOB = Customer(2, email="bob@example.com", first_name="")
CYD = Customer(3, email="cyd@example.com", first_name="Cyd")


@pytest.fixture
def files(tmp_path: Path) -> ImportFiles:
    return ImportFiles(tmp_path / "reports", "people-import")


def run(
    plan: Sequence[PlannedRow],
    client: ScriptedClient,
    files: ImportFiles,
    **options: Any,
) -> RunResult:
    return run_import(
        plan, client, files, source=Path("people.csv"), header=HEADER, delimiter=";", **options
    )


def assert_whole(result: RunResult, plan: Sequence[PlannedRow]) -> None:
    """The totals add up to the rows, and each row has its own result, in order."""
    totals = result.totals
    assert totals.rows == len(plan) == len(result.results)
    assert totals.created + totals.updated + totals.skipped + totals.failed == totals.rows
    assert [r.number for r in result.results] == [row.row.number for row in plan]
    assert totals == Totals.of_outcomes(r.outcome for r in result.results)


def read_csv(path: Path) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    with open_csv(path) as rows:
        return rows.header, [row.cells for row in rows]


# -- accounting ---------------------------------------------------------------------------------


def test_every_kind_of_row_ends_with_its_own_result(files: ImportFiles) -> None:
    client = ScriptedClient({c.id: c for c in (ADA, BOB, CYD)})
    client.refuse.add("taken@example.com")
    client.keep_email.add(BOB.id)
    gone = Customer(77, email="gone@example.com")
    plan = [
        create(1, "new@example.com", "Nia"),
        update(2, ADA, first_name="Adele"),
        skip(3, CYD),
        invalid(4, "not-an-email"),
        create(5, "taken@example.com"),
        update(6, gone, first_name="Ghost"),
        update(7, BOB, email="robert@example.com"),
    ]
    result = run(plan, client, files)

    assert_whole(result, plan)
    assert result.totals == Totals(rows=7, created=1, updated=2, skipped=1, failed=3)
    by_row = {r.number: r for r in result.results}
    assert by_row[1] == RowResult(1, Outcome.CREATED, 1001, "New customer.")
    assert client.customers[1001].first_name == "Nia"
    assert by_row[2] == RowResult(2, Outcome.UPDATED, ADA.id, "Changes First name.")
    assert by_row[3] == RowResult(3, Outcome.SKIPPED, CYD.id, "No change.")
    assert by_row[4].outcome is Outcome.FAILED
    assert "valid email" in by_row[4].message
    assert by_row[5] == RowResult(
        5, Outcome.FAILED, None, "This email address is already registered."
    )
    assert by_row[6] == RowResult(
        6, Outcome.FAILED, 77, "This customer does not exist in the store."
    )
    # Saved, but not as sent: the row is updated and the message says what the store kept.
    assert by_row[7].outcome is Outcome.UPDATED
    assert "kept the email bob@example.com" in by_row[7].message
    assert not result.cancelled
    assert result.stopped_by is None
    assert result.not_sent == 0
    # One bulk request: skipped and invalid rows are never sent; creates carry no id.
    assert len(client.calls) == 1
    assert [item.get("id") for item in client.calls[0]] == [None, ADA.id, None, 77, BOB.id]
    assert client.calls[0][1] == {"id": ADA.id, "first_name": "Adele"}


def test_rows_go_in_chunks_with_progress_after_each(files: ImportFiles) -> None:
    plan = [create(n, f"c{n}@example.com") for n in range(1, 251)]
    ticks = iter(float(t) for t in range(100))
    seen: list[RunProgress] = []
    client = ScriptedClient()
    result = run(plan, client, files, progress=seen.append, clock=lambda: next(ticks))

    assert [len(call) for call in client.calls] == [100, 100, 50]
    assert [p.done for p in seen] == [100, 200, 250]
    assert all(p.total == 250 for p in seen)
    # The fake clock advances one second per reading: 100 rows in 1 s, 200 in 2 s, ...
    assert [p.rows_per_second for p in seen] == [100.0, 100.0, 250 / 3]
    assert [p.seconds_left for p in seen] == [1.5, 0.5, 0.0]
    assert [p.totals.created for p in seen] == [100, 200, 250]
    assert [len(p.saved) for p in seen] == [100, 100, 50]
    assert result.totals == Totals(rows=250, created=250)


@pytest.mark.parametrize("chunk_size", [0, 101])
def test_the_chunk_size_is_checked_before_anything_happens(
    files: ImportFiles, chunk_size: int
) -> None:
    client = ScriptedClient()
    with pytest.raises(ConfigurationError):
        run([create(1, "a@example.com")], client, files, chunk_size=chunk_size)
    assert client.calls == []
    assert not files.folder.exists()


def test_a_chunk_that_fails_as_a_whole_stops_the_run_and_fails_the_rest(
    files: ImportFiles,
) -> None:
    plan = [create(n, f"c{n}@example.com") for n in range(1, 8)]
    client = ScriptedClient()
    down = NetworkError("Could not connect to the store (https://shop.example).")
    client.raise_on[2] = down
    result = run(plan, client, files, chunk_size=3)

    assert_whole(result, plan)
    assert len(client.calls) == 2  # the third chunk is never tried
    assert result.totals == Totals(rows=7, created=3, failed=4)
    assert result.stopped_by is down
    assert not result.cancelled
    assert result.not_sent == 1
    messages = [r.message for r in result.results[3:]]
    assert messages[:3] == [f"Not saved: {down.message}"] * 3
    assert messages[3] == f"Not sent: the import stopped after an error. {down.message}"


def test_a_lost_chunk_answer_says_the_rows_may_have_been_saved(files: ImportFiles) -> None:
    plan = [create(1, "a@example.com"), update(2, ADA, first_name="Adele")]
    client = ScriptedClient({ADA.id: ADA})
    client.raise_on[1] = UnclearWriteError("The connection broke before it answered.")
    result = run(plan, client, files)

    assert_whole(result, plan)
    assert result.totals == Totals(rows=2, failed=2)
    assert all("may or may not have been saved" in r.message for r in result.results)
    assert isinstance(result.stopped_by, UnclearWriteError)
    # The update may have happened: its previous values stay in the undo file.
    assert result.undo_file is not None
    assert read_csv(result.undo_file)[1] == [("1", "Ada", "")]


def test_refused_keys_fail_the_chunk_as_not_saved(files: ImportFiles) -> None:
    client = ScriptedClient()
    client.raise_on[1] = AuthError("The store did not accept the API keys.")
    result = run([create(1, "a@example.com")], client, files)
    assert result.results[0].message == "Not saved: The store did not accept the API keys."
    assert result.totals == Totals(rows=1, failed=1)


def test_cancelling_between_chunks_leaves_the_rest_not_sent(files: ImportFiles) -> None:
    plan = [skip(1, CYD), *(create(n, f"c{n}@example.com") for n in range(2, 12))]
    cancel = CancelToken()
    client = ScriptedClient()
    # Cancelled while the first chunk is on its way: the next one is never sent.
    client.during_call = lambda number, items: cancel.cancel()
    result = run(plan, client, files, chunk_size=4, cancel=cancel)

    assert_whole(result, plan)
    assert len(client.calls) == 1
    assert result.cancelled
    assert result.stopped_by is None
    assert result.totals == Totals(rows=11, created=4, skipped=1, failed=6)
    assert result.not_sent == 6
    assert [r.message for r in result.results[5:]] == [NOT_SENT_CANCELLED] * 6


def test_a_chunk_on_its_way_when_cancelled_is_recorded_as_the_store_answered(
    files: ImportFiles,
) -> None:
    plan = [create(n, f"c{n}@example.com") for n in range(1, 11)]
    cancel = CancelToken()
    client = ScriptedClient()
    seen: list[RunProgress] = []

    def cancel_after_first(report: RunProgress) -> None:
        seen.append(report)
        cancel.cancel()

    # The second chunk goes out before the first one's progress, which cancels: it was sent, so
    # its rows end as the store answered, not as "Not sent".
    result = run(plan, client, files, chunk_size=4, cancel=cancel, progress=cancel_after_first)

    assert_whole(result, plan)
    assert len(client.calls) == 2
    assert result.cancelled
    assert result.totals == Totals(rows=10, created=8, failed=2)
    assert result.not_sent == 2
    assert [r.customer_id for r in result.results[4:8]] == [1005, 1006, 1007, 1008]
    assert [r.message for r in result.results[8:]] == [NOT_SENT_CANCELLED] * 2
    assert [p.done for p in seen] == [4, 8]  # the second chunk's progress still comes
    records = [json.loads(line) for line in files.journal.read_text().splitlines()]
    assert [(r["event"], r.get("chunk")) for r in records] == [
        ("started", None),
        ("sending", 0),
        ("sending", 1),
        ("chunk", 0),
        ("chunk", 1),
        ("finished", None),
    ]


def test_a_cancel_that_interrupts_a_chunk_leaves_its_rows_in_doubt(files: ImportFiles) -> None:
    plan = [create(n, f"c{n}@example.com") for n in range(1, 6)]
    client = ScriptedClient()
    client.raise_on[2] = CancelledError("Cancelled.")
    result = run(plan, client, files, chunk_size=2)

    assert_whole(result, plan)
    assert result.cancelled
    assert result.totals == Totals(rows=5, created=2, failed=3)
    assert "cancelled while this row was being sent" in result.results[2].message
    assert "may or may not have been saved" in result.results[3].message
    assert result.results[4].message == NOT_SENT_CANCELLED


def test_an_update_without_a_customer_is_a_planning_bug(files: ImportFiles) -> None:
    broken = PlannedRow(source(1, "a@example.com"), RowAction.UPDATE, {"first_name": "A"})
    client = ScriptedClient()
    with pytest.raises(ValueError, match="without a customer"):
        run([broken], client, files)
    assert client.calls == []


def test_nothing_to_send_still_accounts_for_every_row(files: ImportFiles) -> None:
    plan = [skip(1, ADA), invalid(2, "x")]
    client = ScriptedClient()
    result = run(plan, client, files)
    assert client.calls == []
    assert result.totals == Totals(rows=2, skipped=1, failed=1)
    assert result.undo_file is None
    assert read_unfinished_journal(files.folder) is None


# -- sending one chunk ahead --------------------------------------------------------------------


class WatchedClient(ScriptedClient):
    """A scripted client that notes each bulk save's thread and how many ran at once.

    Attributes:
        pause: seconds each call takes before answering (a store at work).
        threads: the thread of each call, in call order.
        began: call number (1-based) -> set when that call starts.
        reports: the run's progress reports, for a test's progress callback to keep.
        progress_reports: how many reports there were when each call started.
        finished: calls that have returned (or raised).
        most_at_once: the most calls running at the same time.
    """

    def __init__(self, pause: float = 0.0) -> None:
        super().__init__()
        self.pause = pause
        self.threads: list[int] = []
        self.began: defaultdict[int, threading.Event] = defaultdict(threading.Event)
        self.reports: list[RunProgress] = []
        self.progress_reports: list[int] = []
        self.finished = 0
        self.most_at_once = 0
        self._running = 0
        self._lock = threading.Lock()

    def bulk_save(self, items: Sequence[Mapping[str, Any]], **options: Any) -> list[BulkOutcome]:
        with self._lock:
            self._running += 1
            self.most_at_once = max(self.most_at_once, self._running)
            self.threads.append(threading.get_ident())
            number = len(self.threads)
        self.progress_reports.append(len(self.reports))
        self.began[number].set()
        try:
            time.sleep(self.pause)
            return super().bulk_save(items, **options)
        finally:
            with self._lock:
                self._running -= 1
                self.finished += 1


class WatchedCache(CustomerCache):
    """A cache that notes the thread of every write."""

    def __init__(self, file: CacheFile) -> None:
        super().__init__(file)
        self.threads: list[int] = []

    def upsert_customers(
        self,
        customers: Sequence[Customer],
        confirmed_at: int,
        meta: Mapping[str, str | int | None] | None = None,
        *,
        by_sync: bool = False,
    ) -> list[int]:
        self.threads.append(threading.get_ident())
        return super().upsert_customers(customers, confirmed_at, meta, by_sync=by_sync)


class WatchedJournal(ImportJournal):
    """A journal that notes the thread of every chunk's records."""

    threads: ClassVar[list[int]] = []

    def sending(self, chunk: int, numbers: Sequence[int]) -> None:
        self.threads.append(threading.get_ident())
        super().sending(chunk, numbers)

    def chunk_done(self, chunk: int, results: Sequence[RowResult]) -> None:
        self.threads.append(threading.get_ident())
        super().chunk_done(chunk, results)


def test_the_next_chunk_goes_out_while_the_last_one_is_recorded(files: ImportFiles) -> None:
    client = WatchedClient()
    client.refuse.update({"c3@example.com", "c8@example.com"})
    plan = [
        invalid(1, "x"),
        *(create(n, f"c{n}@example.com") for n in range(2, 6)),
        skip(6, CYD),
        *(create(n, f"c{n}@example.com") for n in range(7, 12)),
    ]

    def report(progress: RunProgress) -> None:
        # The chunk after the next can only start once this report is made (one ahead at
        # most), but the next one is already on its way (sent one by one, this would hang).
        if progress.done < progress.total:
            assert client.began[len(client.reports) + 2].wait(5)
        client.reports.append(progress)

    result = run(plan, client, files, chunk_size=3, progress=report)

    assert_whole(result, plan)
    assert result.totals == Totals(rows=11, created=7, skipped=1, failed=3)
    # Each row keeps its own answer: the store numbered the customers in plan order.
    created = [r.customer_id for r in result.results if r.outcome is Outcome.CREATED]
    assert created == list(range(1001, 1008))
    assert [r.number for r in result.results if r.outcome is Outcome.FAILED] == [1, 3, 8]
    assert [len(call) for call in client.calls] == [3, 3, 3]
    assert client.progress_reports == [0, 0, 1]
    assert [p.done for p in client.reports] == [3, 6, 9]
    assert [p.totals.created for p in client.reports] == [2, 4, 7]
    # One helper thread sends, one call at a time; the caller's thread never does.
    assert len(set(client.threads)) == 1
    assert client.threads[0] != threading.get_ident()
    assert client.most_at_once == 1


def test_the_cache_and_the_journal_stay_on_the_calling_thread(
    files: ImportFiles, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("app.importer.running.ImportJournal", WatchedJournal)
    monkeypatch.setattr(WatchedJournal, "threads", [])
    cache = WatchedCache(CustomerCache.open(tmp_path / "cache", "demo://running-tests").file)
    client = WatchedClient(pause=0.01)
    plan = [create(n, f"c{n}@example.com") for n in range(1, 11)]
    try:
        result = run(plan, client, files, cache=cache, chunk_size=2)
        assert len(cache.customers_by_ids(range(1001, 1011))) == 10
    finally:
        cache.close()

    assert result.totals == Totals(rows=10, created=10)
    assert result.notices == ()
    here = threading.get_ident()
    assert cache.threads == [here] * 5
    assert WatchedJournal.threads == [here] * 10  # "sending" and "chunk" for each of 5
    assert set(client.threads) != {here}


def test_a_failed_chunk_stops_the_run_before_the_next_is_sent(files: ImportFiles) -> None:
    client = WatchedClient()
    client.raise_on[2] = UnclearWriteError("The connection broke before it answered.")
    plan = [create(n, f"c{n}@example.com") for n in range(1, 10)]
    result = run(plan, client, files, chunk_size=3)

    # The failure is in the chunk's answer, which is in before the next chunk would go out.
    assert len(client.calls) == 2
    assert result.totals == Totals(rows=9, created=3, failed=6)
    assert all("may or may not" in r.message for r in result.results[3:6])
    assert all(r.message.startswith("Not sent: the import stopped") for r in result.results[6:])
    unfinished_chunks = [
        json.loads(line)["chunk"]
        for line in files.journal.read_text().splitlines()
        if json.loads(line)["event"] == "sending"
    ]
    assert unfinished_chunks == [0, 1]


def test_an_error_while_recording_waits_for_the_chunk_on_its_way(files: ImportFiles) -> None:
    client = WatchedClient(pause=0.2)
    plan = [create(n, f"c{n}@example.com") for n in range(1, 10)]

    def broken_view(_: RunProgress) -> None:
        raise RuntimeError("the view is gone")

    with pytest.raises(RuntimeError, match="view is gone"):
        run(plan, client, files, chunk_size=3, progress=broken_view)

    # The second chunk was on its way: it finished before the run gave up, so the client is
    # idle once run_import is left; nothing after it was sent.
    assert client.finished == len(client.calls) == 2
    unfinished = read_unfinished_journal(files.folder)
    assert unfinished is not None
    assert unfinished.created == 3
    assert unfinished.in_doubt == (4, 5, 6)  # sent, but never recorded
    assert unfinished.not_sent == 3


# -- the files a run leaves ---------------------------------------------------------------------


def test_failed_rows_keep_their_cells_and_say_why(files: ImportFiles) -> None:
    client = ScriptedClient()
    client.refuse.add("taken@example.com")
    taken = PlannedRow(
        # A formula, and a phone number guarded by an earlier export's apostrophe.
        source(2, "taken@example.com", "=cmd|' /C calc'!A0", "'+49 30 1234"),
        RowAction.CREATE,
        {"email": "taken@example.com"},
    )
    plan = [create(1, "fine@example.com", "Fine"), taken, invalid(3, "not-an-email")]
    result = run(plan, client, files)

    assert result.failed_file == files.failed
    assert files.failed.read_bytes().startswith(b"\xef\xbb\xbf")  # the app's one CSV writer
    header, rows = read_csv(files.failed)
    assert header == (*HEADER, ERROR_COLUMN)
    assert [row[-1] for row in rows] == [
        "This email address is already registered.",
        "Email: This is not a valid email address.",
    ]
    # Imported again, each failed row reads exactly as it did the first time.
    mapping = ColumnMapping.detect(header)
    assert [mapping.fields_of(row) for row in rows] == [
        mapping.fields_of(row.row.cells) for row in plan[1:]
    ]
    assert mapping.fields_of(rows[0])["first_name"] == "=cmd|' /C calc'!A0"
    assert rows[0][0:3] == ("taken@example.com", "'=cmd|' /C calc'!A0", "'+49 30 1234")


def test_a_failed_rows_file_imported_again_keeps_one_error_column(tmp_path: Path) -> None:
    header = ("Email", ERROR_COLUMN, "City")
    row = PlannedRow(
        SourceRow(1, 2, ("bad", "old reason", "Bonn")), RowAction.INVALID, reason="New reason."
    )
    files = ImportFiles(tmp_path, "again")
    run_import([row], ScriptedClient(), files, source=Path("x.csv"), header=header)
    assert read_csv(files.failed) == (header, [("bad", "New reason.", "Bonn")])


def test_the_undo_file_is_on_disk_before_anything_is_sent(files: ImportFiles) -> None:
    ada = ADA.with_changes(last_name="Lovelace")
    client = ScriptedClient({c.id: c for c in (ada, BOB, CYD)})
    plan = [
        update(1, ada, first_name="Adele", last_name="King"),
        update(2, BOB, first_name="Bob"),
        create(3, "new@example.com"),
        update(4, CYD, first_name="Cy"),
    ]
    seen_before_sending: list[tuple[tuple[str, ...], list[tuple[str, ...]]]] = []
    client.during_call = lambda number, items: seen_before_sending.append(read_csv(files.undo))
    client.raise_on[2] = NetworkError("Could not connect to the store.")
    result = run(plan, client, files, chunk_size=2)

    header = ("ID", "First name", "Last name", WAS_EMPTY_COLUMN)
    everyone = [("1", "Ada", "Lovelace", ""), ("2", "", "", "First name"), ("3", "Cyd", "", "")]
    assert seen_before_sending == [(header, everyone), (header, everyone)]
    # After the run: only the customers that were updated (Cyd's chunk failed cleanly).
    assert result.undo_file == files.undo
    assert read_csv(files.undo) == (
        header,
        [("1", "Ada", "Lovelace", ""), ("2", "", "", "First name")],
    )


def test_the_undo_file_goes_when_no_update_was_sent(files: ImportFiles) -> None:
    client = ScriptedClient({ADA.id: ADA})
    client.raise_on[1] = AuthError("The store did not accept the API keys.")
    result = run([update(1, ADA, first_name="Adele")], client, files)
    assert result.undo_file is None
    assert not files.undo.exists()


def test_the_report_lists_every_row(files: ImportFiles, tmp_path: Path) -> None:
    plan = [create(1, "a@example.com"), skip(2, ADA), invalid(3, "x")]
    result = run(plan, ScriptedClient(), files)
    write_report(tmp_path / "report.csv", result.results)
    header, rows = read_csv(tmp_path / "report.csv")
    assert header == ("Row", "Outcome", "Customer ID", "Message")
    assert [row[:3] for row in rows] == [
        ("1", "created", "1001"),
        ("2", "skipped", "1"),
        ("3", "failed", ""),
    ]
    # A dry run's report: what would happen, with the plan's reasons.
    assert planned_results(plan) == [
        RowResult(1, Outcome.CREATED, None, "New customer."),
        RowResult(2, Outcome.SKIPPED, 1, "No change."),
        RowResult(3, Outcome.FAILED, None, "Email: This is not a valid email address."),
    ]


def test_runs_of_one_file_never_share_files(tmp_path: Path) -> None:
    first = ImportFiles.for_source(tmp_path, Path("/data/people.csv"))
    first.make_folder()
    first.journal.touch()
    second = ImportFiles.for_source(tmp_path, Path("/data/people.csv"), None)
    assert first.stem.startswith("people-import-")
    assert second.stem != first.stem
    assert not set(first.all()) & set(second.all())


# -- the journal ------------------------------------------------------------------------------


class AppClosed(BaseException):
    """The process ends in the middle of a request (not an error the run could handle)."""


def test_an_import_cut_off_midway_is_reported_at_the_next_start(files: ImportFiles) -> None:
    plan = [
        invalid(1, "x"),
        skip(2, CYD),
        update(3, ADA, first_name="Adele"),
        *(create(n, f"c{n}@example.com") for n in range(4, 10)),
    ]
    client = ScriptedClient({ADA.id: ADA})
    client.raise_on[2] = AppClosed()
    with pytest.raises(AppClosed):
        run(plan, client, files, chunk_size=3)

    unfinished = read_unfinished_journal(files.folder)
    assert unfinished is not None
    assert unfinished.journal == files.journal
    assert unfinished.source == "people.csv"
    assert (unfinished.rows, unfinished.created, unfinished.updated) == (9, 2, 1)
    assert (unfinished.skipped, unfinished.failed) == (1, 1)
    assert unfinished.in_doubt == (6, 7, 8)  # the chunk on its way when the app closed
    assert unfinished.not_sent == 1
    assert unfinished.undo == files.undo
    assert files.undo.exists()
    text = unfinished.describe()
    assert "did not finish" in text
    assert "2 were created" in text
    assert "may or may not" in text

    acknowledge_journal(unfinished.journal)
    assert read_unfinished_journal(files.folder) is None


def test_finished_runs_and_damaged_journals_are_not_reported(files: ImportFiles) -> None:
    run([create(1, "a@example.com")], ScriptedClient(), files)
    assert read_unfinished_journal(files.folder) is None
    records = [json.loads(line) for line in files.journal.read_text().splitlines()]
    assert [r["event"] for r in records] == ["started", "sending", "chunk", "finished"]
    assert records[-1]["totals"] == Totals(rows=1, created=1).as_dict()

    (files.folder / "junk.journal.jsonl").write_text('{"event": "started", "rows": "many"}\n{')
    assert read_unfinished_journal(files.folder) is None


# -- the cache --------------------------------------------------------------------------------


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[CustomerCache]:
    opened = CustomerCache.open(tmp_path / "cache", "demo://running-tests")
    yield opened
    opened.close()


def test_every_saved_customer_lands_in_the_cache(files: ImportFiles, cache: CustomerCache) -> None:
    client = ScriptedClient({ADA.id: ADA})
    plan = [update(1, ADA, first_name="Adele"), create(2, "new@example.com", "Nia")]
    result = run(plan, client, files, cache=cache)
    new_id = result.results[1].customer_id
    assert new_id is not None
    held = cache.customers_by_ids([ADA.id, new_id])
    assert held[ADA.id].first_name == "Adele"
    assert held[new_id].email == "new@example.com"
    assert result.notices == ()


def test_a_cache_that_cannot_be_written_never_stops_an_import(
    files: ImportFiles, cache: CustomerCache
) -> None:
    cache.close()  # every write now fails
    plan = [create(n, f"c{n}@example.com") for n in range(1, 4)]
    result = run(plan, ScriptedClient(), files, cache=cache, chunk_size=1)
    assert result.totals == Totals(rows=3, created=3)
    assert len(result.notices) == 1
    assert "cache could not be updated" in result.notices[0]


# -- against the demo store -----------------------------------------------------------------------


class Shop:
    """A demo store of the test's profile, the app's detected client that retries at once, and
    an (empty at first) cache of it."""

    def __init__(self, store: DemoStore, connect: ClientFactory, cache_dir: Path) -> None:
        self.store = store
        # Quick retries: these tests are about what is retried, not how patiently.
        connection = StoreConnection(
            store.base_url,
            store.consumer_key,
            store.consumer_secret,
            backoff=0.01,
            max_backoff=0.05,
        )
        self.client = connect(connection)
        self.cache = CustomerCache.open(cache_dir, "demo://running-tests")

    def close(self) -> None:
        self.cache.close()

    def emails(self) -> list[str]:
        """Every account's email as the store's database holds it (duplicates would show)."""
        rows = self.store.db.connection().execute("SELECT email FROM users").fetchall()
        return sorted(str(row[0]).lower() for row in rows)


@pytest.fixture
def shop(
    profile_store: StoreFactory, profile_client: ClientFactory, tmp_path: Path
) -> Iterator[Shop]:
    opened = Shop(profile_store(customers=3), profile_client, tmp_path / "cache")
    yield opened
    opened.close()


def import_file(
    path: Path, shop: Shop, client: BulkSaver | None = None, **options: Any
) -> RunResult:
    """The whole engine as the dialog and the command line run it: read, map, plan, run."""
    lookup = StoreBackedLookup(CacheLookup(shop.cache), shop.client)
    with open_csv(path) as rows:
        header, delimiter = rows.header, rows.file_format.delimiter
        plan, _ = plan_all(rows, ColumnMapping.detect(header), lookup)
    return run_import(
        plan,
        client or shop.client,
        ImportFiles.for_source(path.parent / "reports", path),
        source=path,
        header=header,
        delimiter=delimiter,
        cache=shop.cache,
        **options,
    )


def new_people(tmp_path: Path, count: int) -> Path:
    path = tmp_path / "new.csv"
    lines = ["Email,First name", *(f"new{n}@example.com,New {n}" for n in range(count))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_file_creates_and_updates_customers_in_the_store(shop: Shop, tmp_path: Path) -> None:
    first, second, _ = shop.client.list_customers()
    path = tmp_path / "people.csv"
    path.write_text(
        "Email,First name\n"
        f"{first.email},Renamed\n"
        f"{second.email},{second.first_name}\n"
        "nia@example.com,Nia\n"
        "not-an-email,Nobody\n"
        "noor@example.com,Noor\n"
        "nils@example.com,Nils\n",
        encoding="utf-8",
    )
    result = import_file(path, shop, chunk_size=2)

    assert result.totals == Totals(rows=6, created=3, updated=1, skipped=1, failed=1)
    assert shop.client.get_customer(first.id).first_name == "Renamed"
    created = [r.customer_id for r in result.results if r.outcome is Outcome.CREATED]
    assert [shop.client.get_customer(i).first_name for i in created if i] == ["Nia", "Noor", "Nils"]
    held = shop.cache.customers_by_ids([first.id, *(i for i in created if i)])
    assert held[first.id].first_name == "Renamed"
    assert len(held) == 4
    assert result.undo_file is not None
    assert read_csv(result.undo_file)[1] == [(str(first.id), first.first_name, "")]

    # The same file again changes nothing: every saved row is now "no change".
    again = import_file(path, shop)
    assert again.totals == Totals(rows=6, skipped=5, failed=1)


@pytest.mark.parametrize(
    ("fault", "after_handler"),
    [
        (Fault.RESET, True),
        (Fault.RESET, False),
        (Fault.SERVER_ERROR, True),
        (Fault.BAD_GATEWAY, False),
        (Fault.RATE_LIMITED, False),
    ],
    ids=["reset-after-saving", "reset-before", "500-after-saving", "502-before", "429"],
)
def test_a_bulk_request_that_goes_wrong_creates_no_duplicates(
    shop: Shop, tmp_path: Path, fault: Fault, after_handler: bool
) -> None:
    before = shop.emails()
    shop.store.faults.schedule(  # the legacy API's bulk route, or wc/v3's batch
        fault, method="POST", path="customers/(bulk|batch)", after_handler=after_handler
    )
    result = import_file(new_people(tmp_path, 5), shop)

    assert shop.store.faults.injected[fault] == 1
    assert result.totals == Totals(rows=5, created=5)
    assert shop.emails() == sorted([*before, *(f"new{n}@example.com" for n in range(5))])
    recovered = ["found afterwards" in r.message for r in result.results]
    assert all(recovered) if after_handler else not any(recovered)


class StopsTheStore:
    """The shop's client, but the store stops just before the ``call``-th bulk save."""

    def __init__(self, shop: Shop, call: int) -> None:
        self.shop = shop
        self.call = call
        self.calls = 0

    def bulk_save(self, items: Sequence[Mapping[str, Any]], **options: Any) -> list[BulkOutcome]:
        self.calls += 1
        if self.calls == self.call:
            self.shop.store.stop()
        return self.shop.client.bulk_save(items, **options)


def test_a_store_that_goes_away_fails_the_rest_as_not_sent(shop: Shop, tmp_path: Path) -> None:
    # Stopped at a known point: from a progress report it would race the chunk on its way.
    result = import_file(new_people(tmp_path, 6), shop, StopsTheStore(shop, 2), chunk_size=2)
    assert result.totals == Totals(rows=6, created=2, failed=4)
    assert isinstance(result.stopped_by, NetworkError)
    assert not isinstance(result.stopped_by, UnclearWriteError)  # refused: nothing was sent
    assert [r.message.split(":")[0] for r in result.results[2:]] == ["Not saved"] * 2 + [
        "Not sent"
    ] * 2
    assert result.failed_file is not None
    assert len(read_csv(result.failed_file)[1]) == 4


# -- the write gate: rows a store would destroy or garble data with are never sent ---------------


class RecordingTransport(Transport):
    """The client's transport, remembering the JSON body of every request it sends."""

    def __init__(self, connection: StoreConnection, **options: Any) -> None:
        super().__init__(connection, **options)
        self.bodies: list[Any] = []

    def request(
        self, method: str, route: str, params: Sequence[tuple[str, str]] = (), **options: Any
    ) -> ApiResponse:
        self.bodies.append(options.get("json_body"))
        return super().request(method, route, params, **options)


def planned(
    number: int, action: RowAction, fields: Mapping[str, Any], customer_id: int | None = None
) -> PlannedRow:
    """A plan row made by hand (a plan that did not come through planning)."""
    return PlannedRow(
        source(number, str(fields.get("email", ""))),
        action,
        dict(fields),
        customer_id=customer_id,
        reason="By hand.",
    )


def test_rows_the_write_gate_refuses_fail_by_name_and_the_rest_is_saved(
    shop: Shop, files: ImportFiles
) -> None:
    """Planning makes such rows invalid; a plan made some other way still cannot send them:
    the client's bulk save refuses each one (its row fails naming the field), sends the rest,
    and every email goes out trimmed."""
    first, second, third = shop.client.list_customers()
    client = shop.client
    client.transport.close()  # the detected client, its requests recorded
    transport = RecordingTransport(client.connection, flavor=client.transport.flavor)
    client.transport = transport
    create, update = RowAction.CREATE, RowAction.UPDATE
    plan = [
        planned(1, update, {"email": ""}, first.id),
        planned(2, create, {"email": "list@example.com", "first_name": ["a", "b"]}),
        planned(3, update, {"billing_address.city": {"name": "Paris"}}, second.id),
        planned(4, create, {"email": "n" * 89 + "@example.com", "username": "n"}),
        planned(5, create, {"email": "n" * 61 + "@example.com"}),
        planned(6, create, {"email": "  trim@example.com ", "first_name": "Trim"}),
        planned(7, update, {"email": " moved@example.com\t"}, third.id),
    ]
    result = run_import(plan, client, files, source=Path("people.csv"), header=HEADER)
    assert_whole(result, plan)
    assert result.totals == Totals(rows=7, created=1, updated=1, failed=5)
    assert [r.message for r in result.results[:5]] == [
        "Email: A customer's email cannot be removed.",
        "First name: Give text here, not a list: a store would save it as garbled text.",
        "Billing city: Give text here, not an object: a store would save it as garbled text.",
        "Email: An email address can have at most 100 characters.",
        "Username: Give a username: from this email address the store would make one of 61 "
        "characters, and it allows at most 60.",
    ]
    trimmed = {"email": "trim@example.com", "first_name": "Trim"}
    moved = {"id": third.id, "email": "moved@example.com"}
    if transport.flavor.root_path == "/wp-json/wc/v3":  # wc/v3's batch body
        assert transport.bodies == [{"create": [trimmed], "update": [moved]}]
    else:
        assert transport.bodies == [{"customers": [trimmed, moved]}]
    assert shop.client.get_customer(first.id).email == first.email
    assert shop.client.get_customer(second.id).billing == second.billing
    assert shop.client.get_customer(third.id).email == "moved@example.com"
    assert "list@example.com" not in shop.emails()
    assert "trim@example.com" in shop.emails()
