"""Opening a store's cache file: permissions, WAL, migrations, damaged and foreign files, errors.

The file is the only copy of a store's customers the app has offline, so every way it can be
wrong (garbage, cut short, written by a newer app, made for another store, in a folder nobody can
write) must end either in a working cache plus a notice, or in a CacheError a user can act on.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from app.cache import database
from app.cache.database import SCHEMA_VERSION, CacheFile, cache_path, closed_cleanly, open_cache
from app.cache.repository import CustomerCache, CustomerFilter
from app.domain.customer import BillingAddress, Customer, Figures
from app.errors import CacheError

URL = "https://shop.example.com"
OTHER_URL = "https://other-shop.example.org"


def _customers(first: int, count: int) -> list[Customer]:
    return [
        Customer(
            id=customer_id,
            email=f"customer{customer_id}@example.com",
            first_name=f"First{customer_id}",
            last_name="Tester",
            username=f"customer{customer_id}",
            role="customer",
            billing=BillingAddress(city="Lisboa", country="PT", phone="+351 21 000 0000"),
        )
        for customer_id in range(first, first + count)
    ]


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


@pytest.fixture
def opened() -> Iterator[Callable[[Path, str], CacheFile]]:
    """open_cache, with every file it opened closed at teardown."""
    files: list[CacheFile] = []

    def open_one(folder: Path, url: str) -> CacheFile:
        file = open_cache(folder, url)
        files.append(file)
        return file

    yield open_one
    for file in files:
        file.close()


def _filled_cache(cache_dir: Path, url: str, count: int) -> Path:
    """A real, closed cache file holding ``count`` customers (WAL checkpointed on close)."""
    cache = CustomerCache.open(cache_dir, url)
    try:
        for start in range(1, count + 1, 500):
            cache.upsert_customers(_customers(start, min(500, count + 1 - start)), 1_700_000_000)
    finally:
        cache.close()
    return cache_path(cache_dir, url)


def _set_aside(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.glob("*.unusable.sqlite3"))


# -- a new file ------------------------------------------------------------------------------


def test_a_new_cache_is_owner_only_in_wal_mode_at_the_current_version(
    cache_dir: Path, opened: Callable[[Path, str], CacheFile]
) -> None:
    file = opened(cache_dir, URL)
    assert file.path == cache_path(cache_dir, URL)
    assert file.notices == []
    assert stat.S_IMODE(file.path.stat().st_mode) == 0o600
    assert file.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert file.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    stored = file.conn.execute("SELECT value FROM meta WHERE name = 'store_url'").fetchone()
    assert stored == (URL,)
    CustomerCache(file).upsert_customers(_customers(1, 3), 1)
    wal = Path(f"{file.path}-wal")
    assert wal.exists()
    assert stat.S_IMODE(wal.stat().st_mode) == 0o600


def test_the_umask_is_restored_after_opening(cache_dir: Path) -> None:
    before = os.umask(0o022)
    try:
        open_cache(cache_dir, URL).close()
        assert os.umask(0o022) == 0o022
    finally:
        os.umask(before)


def test_each_store_url_gets_its_own_file_named_after_its_host(tmp_path: Path) -> None:
    first = cache_path(tmp_path, "https://shop.example.com")
    assert first == cache_path(tmp_path, "https://shop.example.com")
    assert first.name.startswith("shop.example.com-")
    assert first.suffix == ".sqlite3"
    others = {
        cache_path(tmp_path, url)
        for url in (
            "http://shop.example.com",
            "https://shop.example.com/de",
            "https://shop.example.com:8443",
        )
    }
    assert first not in others
    assert len(others) == 3


def test_reopening_keeps_the_data_and_adds_no_notice(
    cache_dir: Path, opened: Callable[[Path, str], CacheFile]
) -> None:
    _filled_cache(cache_dir, URL, 20)
    file = opened(cache_dir, URL)
    assert file.notices == []
    assert CustomerCache(file).count() == 20
    assert _set_aside(cache_dir) == []


# -- migrations ------------------------------------------------------------------------------


def test_a_version_0_file_with_tables_is_someone_elses_and_left_untouched(
    cache_dir: Path, opened: Callable[[Path, str], CacheFile]
) -> None:
    """The app never leaves tables at version 0 (migrations are transactions), so such a file
    is another program's database: set aside unchanged (not even switched to WAL)."""
    path = cache_path(cache_dir, URL)
    cache_dir.mkdir()
    legacy = sqlite3.connect(path)
    legacy.execute("CREATE TABLE scratch (note TEXT)")
    legacy.execute("INSERT INTO scratch VALUES ('kept')")
    legacy.commit()
    legacy.close()
    file = opened(cache_dir, URL)
    assert len(file.notices) == 1
    assert "another program" in file.notices[0]
    assert file.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    kept = next(cache_dir.glob("*.unusable.sqlite3"))
    other = sqlite3.connect(kept)
    assert other.execute("SELECT note FROM scratch").fetchall() == [("kept",)]
    assert other.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    other.close()
    cache = CustomerCache(file)
    cache.upsert_customers(_customers(1, 2), 1)
    assert cache.ordered_ids(CustomerFilter(search="first2")) == [2]


def test_a_new_migration_runs_once_and_the_data_survives(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _filled_cache(cache_dir, URL, 30)
    runs: list[int] = []

    def add_nickname(conn: sqlite3.Connection) -> None:
        runs.append(1)
        conn.execute("ALTER TABLE customers ADD COLUMN nickname TEXT NOT NULL DEFAULT ''")
        conn.execute("UPDATE customers SET nickname = 'n' || id")

    monkeypatch.setattr(database, "MIGRATIONS", [*database.MIGRATIONS, add_nickname])
    monkeypatch.setattr(database, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    for _ in range(2):
        cache = CustomerCache.open(cache_dir, URL)
        try:
            assert cache.notices == []
            conn = cache.file.conn
            assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
            assert cache.count() == 30
            assert conn.execute("SELECT nickname FROM customers WHERE id = 7").fetchone() == ("n7",)
            assert cache.ordered_ids(CustomerFilter(search="first7")) == [7]
        finally:
            cache.close()
    assert runs == [1]


def test_a_failing_migration_leaves_the_file_at_its_old_version(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _filled_cache(cache_dir, URL, 10)

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE customers ADD COLUMN half_done TEXT")
        raise sqlite3.OperationalError("simulated failure half way")

    monkeypatch.setattr(database, "MIGRATIONS", [*database.MIGRATIONS, broken])
    monkeypatch.setattr(database, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(CacheError):
        open_cache(cache_dir, URL)
    monkeypatch.undo()
    check = sqlite3.connect(path)
    try:
        assert check.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        columns = {row[1] for row in check.execute("PRAGMA table_info(customers)")}
        assert "half_done" not in columns
        assert check.execute("SELECT COUNT(*) FROM customers").fetchone()[0] == 10
    finally:
        check.close()


def test_a_file_from_a_newer_app_is_set_aside(
    cache_dir: Path, opened: Callable[[Path, str], CacheFile]
) -> None:
    path = _filled_cache(cache_dir, URL, 5)
    newer = sqlite3.connect(path)
    newer.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    newer.close()
    file = opened(cache_dir, URL)
    assert len(file.notices) == 1
    assert "newer version" in file.notices[0]
    assert CustomerCache(file).count() == 0
    (kept,) = _set_aside(cache_dir)
    assert kept.name in file.notices[0]


# -- damaged and foreign files ---------------------------------------------------------------


def _assert_rebuilt(file: CacheFile, cache_dir: Path, original: bytes | None) -> Path:
    """The file was set aside unchanged (``original``), named in the notice, and replaced."""
    assert len(file.notices) == 1
    notice = file.notices[0]
    assert "damaged" in notice
    assert "rebuilt" in notice
    (kept,) = _set_aside(cache_dir)
    assert kept.name in notice
    if original is not None:
        assert kept.read_bytes() == original
    assert stat.S_IMODE(file.path.stat().st_mode) == 0o600
    cache = CustomerCache(file)
    assert cache.count() == 0
    cache.upsert_customers(_customers(1, 5), 1)
    assert cache.count() == 5
    assert cache.ordered_ids(CustomerFilter(search="customer3@")) == [3]
    return kept


def test_a_file_of_random_bytes_is_set_aside_and_rebuilt(
    cache_dir: Path, opened: Callable[[Path, str], CacheFile]
) -> None:
    cache_dir.mkdir()
    garbage = os.urandom(64 * 1024)
    cache_path(cache_dir, URL).write_bytes(garbage)
    _assert_rebuilt(opened(cache_dir, URL), cache_dir, garbage)


def test_a_text_file_in_place_of_the_cache_is_set_aside(
    cache_dir: Path, opened: Callable[[Path, str], CacheFile]
) -> None:
    cache_dir.mkdir()
    text = b"these are not the customers you are looking for\n" * 200
    cache_path(cache_dir, URL).write_bytes(text)
    _assert_rebuilt(opened(cache_dir, URL), cache_dir, text)


@pytest.mark.parametrize("kept_fraction", [0.5, 0.9], ids=["half", "most"])
def test_a_truncated_cache_is_set_aside_and_rebuilt(
    cache_dir: Path, opened: Callable[[Path, str], CacheFile], kept_fraction: float
) -> None:
    path = _filled_cache(cache_dir, URL, 3000)
    data = path.read_bytes()
    assert len(data) > 200_000, "the file should span many pages"
    truncated = data[: int(len(data) * kept_fraction)]
    path.write_bytes(truncated)
    _assert_rebuilt(opened(cache_dir, URL), cache_dir, truncated)


def test_a_cache_cut_inside_its_header_is_set_aside(
    cache_dir: Path, opened: Callable[[Path, str], CacheFile]
) -> None:
    path = _filled_cache(cache_dir, URL, 10)
    stub = path.read_bytes()[:60]
    path.write_bytes(stub)
    _assert_rebuilt(opened(cache_dir, URL), cache_dir, stub)


def test_another_programs_database_is_set_aside(
    cache_dir: Path, opened: Callable[[Path, str], CacheFile]
) -> None:
    cache_dir.mkdir()
    path = cache_path(cache_dir, URL)
    foreign = sqlite3.connect(path)
    foreign.execute("CREATE TABLE bookmarks (url TEXT)")
    foreign.execute("PRAGMA user_version = 1")
    foreign.commit()
    foreign.close()
    kept = _assert_rebuilt(opened(cache_dir, URL), cache_dir, None)
    check = sqlite3.connect(kept)
    try:
        assert check.execute("SELECT name FROM sqlite_master").fetchall() == [("bookmarks",)]
    finally:
        check.close()


def test_a_cache_made_for_another_store_is_never_used(
    cache_dir: Path, opened: Callable[[Path, str], CacheFile]
) -> None:
    theirs = _filled_cache(cache_dir, OTHER_URL, 25)
    mine = cache_path(cache_dir, URL)
    mine.write_bytes(theirs.read_bytes())
    file = opened(cache_dir, URL)
    assert len(file.notices) == 1
    assert OTHER_URL in file.notices[0]
    assert "another store" in file.notices[0]
    cache = CustomerCache(file)
    assert cache.count() == 0
    assert cache.meta("store_url") == URL
    kept = [path for path in _set_aside(cache_dir) if path.name.startswith(mine.stem)]
    assert len(kept) == 1
    # The other store's own file is untouched and still opens cleanly for it.
    other = opened(cache_dir, OTHER_URL)
    assert other.notices == []
    assert CustomerCache(other).count() == 25


def test_two_damaged_files_in_the_same_second_both_stay_kept(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(time, "strftime", lambda *_: "20260101-120000")
    cache_dir.mkdir()
    path = cache_path(cache_dir, URL)
    for attempt in range(2):
        path.write_bytes(f"garbage {attempt}".encode() * 100)
        open_cache(cache_dir, URL).close()
    kept = _set_aside(cache_dir)
    assert sorted(p.read_bytes()[:9] for p in kept) == [b"garbage 0", b"garbage 1"]


# -- folders that cannot be written, a full disk ----------------------------------------------


def test_a_cache_folder_under_a_regular_file_gives_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where a folder should be")
    with pytest.raises(CacheError) as caught:
        open_cache(blocker / "cache", URL)
    message = caught.value.message
    assert str(blocker / "cache") in message
    assert "--data-dir" in message
    assert caught.value.detail


def test_a_folder_in_place_of_the_cache_file_gives_a_clear_error(cache_dir: Path) -> None:
    cache_path(cache_dir, URL).mkdir(parents=True)
    with pytest.raises(CacheError) as caught:
        open_cache(cache_dir, URL)
    assert "cannot be written" in caught.value.message
    assert str(cache_dir) in caught.value.message


@pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0, reason="root writes to read-only folders"
)
def test_a_read_only_cache_folder_gives_a_clear_error(cache_dir: Path) -> None:
    cache_dir.mkdir()
    cache_dir.chmod(0o500)
    try:
        with pytest.raises(CacheError) as caught:
            open_cache(cache_dir, URL)
        assert "cannot be written" in caught.value.message
    finally:
        cache_dir.chmod(0o700)


def test_a_full_disk_gives_a_clear_error_and_rolls_back(
    cache_dir: Path, opened: Callable[[Path, str], CacheFile]
) -> None:
    file = opened(cache_dir, URL)
    cache = CustomerCache(file)
    cache.upsert_customers(_customers(1, 10), 1)
    pages = file.conn.execute("PRAGMA page_count").fetchone()[0]
    # SQLite reports a database at its page limit exactly as it reports a full disk.
    file.conn.execute(f"PRAGMA max_page_count = {pages + 2}")
    with pytest.raises(CacheError) as caught:
        cache.upsert_customers(_customers(100, 2000), 2)
    assert "full" in caught.value.message
    assert "Free some space" in caught.value.message
    assert cache.count() == 10
    assert file.conn.in_transaction is False
    file.conn.execute("PRAGMA max_page_count = 1073741823")
    cache.upsert_customers(_customers(100, 20), 3)
    assert cache.count() == 30


# -- a reader and a writer at once -------------------------------------------------------------


@pytest.mark.slow
def test_a_reader_sees_whole_pages_while_a_writer_stores_them(cache_dir: Path) -> None:
    writer = CustomerCache.open(cache_dir, URL)
    reader = CustomerCache.open(cache_dir, URL)
    pages, page_size = 40, 100
    errors: list[BaseException] = []
    seen: list[tuple[int, int]] = []
    writing = threading.Event()

    def write() -> None:
        try:
            writing.set()
            for page in range(pages):
                writer.upsert_customers(_customers(1 + page * page_size, page_size), page)
        except BaseException as error:  # reported by the main thread
            errors.append(error)

    thread = threading.Thread(target=write)
    thread.start()
    try:
        writing.wait(5)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            customers, searchable = reader.file.conn.execute(
                "SELECT (SELECT COUNT(*) FROM customers), (SELECT COUNT(*) FROM customer_search)"
            ).fetchone()
            seen.append((customers, searchable))
            reader.ordered_ids(CustomerFilter(search="first1", sort="email"))
            if customers == pages * page_size:
                break
    finally:
        thread.join(30)
        writer.close()
        reader.close()
    assert not errors
    assert seen[-1] == (pages * page_size, pages * page_size)
    assert all(customers == searchable for customers, searchable in seen)
    assert all(customers % page_size == 0 for customers, _ in seen)
    assert len({customers for customers, _ in seen}) > 2, "the reader never saw the writer work"


# -- the full page check runs only when the file may be damaged ------------------------------


def test_a_cache_closed_in_order_skips_the_full_page_check(cache_dir: Path) -> None:
    path = _filled_cache(cache_dir, URL, 50)
    assert closed_cleanly(path)


def test_a_cache_left_with_a_write_ahead_log_gets_the_full_page_check(cache_dir: Path) -> None:
    path = _filled_cache(cache_dir, URL, 50)
    Path(f"{path}-wal").write_bytes(b"")
    assert not closed_cleanly(path)


def test_a_cache_longer_or_shorter_than_its_header_says_gets_the_full_page_check(
    cache_dir: Path,
) -> None:
    path = _filled_cache(cache_dir, URL, 50)
    data = path.read_bytes()
    path.write_bytes(data + b"\x00" * 4096)
    assert not closed_cleanly(path)
    path.write_bytes(data[:-4096])
    assert not closed_cleanly(path)


def _statements_on_open(monkeypatch: pytest.MonkeyPatch, cache_dir: Path) -> list[str]:
    statements: list[str] = []
    connect = database._connect

    def traced(path: Path) -> sqlite3.Connection:
        conn = connect(path)
        conn.set_trace_callback(statements.append)
        return conn

    monkeypatch.setattr(database, "_connect", traced)
    open_cache(cache_dir, URL).close()
    return statements


def test_opening_a_cache_closed_in_order_does_not_read_every_page(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _filled_cache(cache_dir, URL, 50)
    assert "PRAGMA quick_check" not in _statements_on_open(monkeypatch, cache_dir)


def test_opening_a_cache_left_by_a_crash_reads_every_page(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _filled_cache(cache_dir, URL, 50)
    Path(f"{path}-wal").write_bytes(b"")
    assert "PRAGMA quick_check" in _statements_on_open(monkeypatch, cache_dir)


def test_a_second_connection_of_this_process_does_not_read_every_page_again(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window and each API worker open the file; the first one's check vouches for the
    others (the WAL file they see is the open connection's, not a crash's)."""
    path = _filled_cache(cache_dir, URL, 50)
    Path(f"{path}-wal").write_bytes(b"")  # as a crash leaves it: the first opener checks
    first = open_cache(cache_dir, URL)
    try:
        assert "PRAGMA quick_check" not in _statements_on_open(monkeypatch, cache_dir)
    finally:
        first.close()
    first.close()  # closing twice counts once
    Path(f"{path}-wal").write_bytes(b"")
    assert "PRAGMA quick_check" in _statements_on_open(monkeypatch, cache_dir)


# -- deleting a store's cache ----------------------------------------------------------------


def _siblings(path: Path) -> list[Path]:
    """The files SQLite keeps beside a database."""
    return [Path(f"{path}{suffix}") for suffix in ("-wal", "-shm", "-journal")]


def test_deleting_a_cache_removes_the_file_and_every_sqlite_sibling(cache_dir: Path) -> None:
    path = _filled_cache(cache_dir, URL, 20)
    for sibling in _siblings(path):  # as a crash leaves them
        sibling.write_bytes(b"left by a crash")
    other = _filled_cache(cache_dir, OTHER_URL, 5)
    set_aside = path.with_name(f"{path.stem}.20260101-000000.unusable{path.suffix}")
    set_aside.write_bytes(b"kept for the user to look at")

    assert database.delete_cache_files(cache_dir, URL) is True

    assert not path.exists()
    assert [s for s in _siblings(path) if s.exists()] == []
    # Another store's cache and a copy set aside on purpose stay.
    assert other.exists()
    assert set_aside.exists()
    reopened = CustomerCache.open(cache_dir, OTHER_URL)
    try:
        assert reopened.count() == 5
    finally:
        reopened.close()


def test_deleting_a_cache_that_is_not_there_is_fine(cache_dir: Path) -> None:
    assert database.delete_cache_files(cache_dir, URL) is False
    cache_dir.mkdir()
    assert database.delete_cache_files(cache_dir, URL) is False


def test_deleting_only_a_leftover_log_counts_as_something_removed(cache_dir: Path) -> None:
    cache_dir.mkdir()
    wal = Path(f"{cache_path(cache_dir, URL)}-wal")
    wal.write_bytes(b"left by a crash")
    assert database.delete_cache_files(cache_dir, URL) is True
    assert not wal.exists()


def test_a_deleted_cache_opens_again_empty_without_a_notice(
    cache_dir: Path, opened: Callable[[Path, str], CacheFile]
) -> None:
    _filled_cache(cache_dir, URL, 20)
    database.delete_cache_files(cache_dir, URL)
    file = opened(cache_dir, URL)
    assert file.notices == []
    assert CustomerCache(file).count() == 0
    assert _set_aside(cache_dir) == []


def test_a_cache_file_that_cannot_be_deleted_gives_a_clear_error(cache_dir: Path) -> None:
    path = _filled_cache(cache_dir, URL, 3)
    # A folder where the log would be: not deletable as a file, even for root.
    blocker = Path(f"{path}-wal")
    blocker.mkdir()
    with pytest.raises(CacheError) as caught:
        database.delete_cache_files(cache_dir, URL)
    assert str(blocker) in caught.value.message
    assert caught.value.detail
    # The log goes before the database: what stays still opens.
    assert path.exists()


def write_old_cache(
    monkeypatch: pytest.MonkeyPatch,
    cache_dir: Path,
    version: int,
    rows: Sequence[tuple[int, int, int, dict[str, Any]]],
) -> None:
    """A cache file of schema ``version`` holding ``rows``: (id, orders, cents, API object)."""
    with monkeypatch.context() as patch:
        patch.setattr(database, "MIGRATIONS", database.MIGRATIONS[:version])
        patch.setattr(database, "SCHEMA_VERSION", version)
        old = open_cache(cache_dir, URL)
        for customer_id, count, cents, document in rows:
            old.conn.execute(
                "INSERT INTO customers (id, email, first_name, last_name, display_name, username,"
                " role, company, city, country, orders_count, total_spent_cents, data,"
                " confirmed_at) VALUES (?, '', '', '', '', '', 'customer', '', '', '', ?, ?, ?, 1)",
                (customer_id, count, cents, json.dumps(document)),
            )
        old.conn.commit()
        old.close()


def test_version_3_caches_learn_which_figures_were_unknown(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cache written before figures had a precision: -1 figures become unknown, others exact."""
    rows = []
    for customer_id, count, cents, orders_count in ((1, 2, 4999, 2), (2, -1, -1, None)):
        document = Customer(id=customer_id, orders_count=max(count, 0)).to_api()
        document["orders_count"] = orders_count
        rows.append((customer_id, count, cents, document))
    write_old_cache(monkeypatch, cache_dir, 3, rows)
    cache = CustomerCache.open(cache_dir, URL)
    try:
        assert cache.file.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert cache.customer(1).figures is Figures.EXACT  # type: ignore[union-attr]
        assert cache.customer(2).figures is Figures.UNKNOWN  # type: ignore[union-attr]
        listed = cache.customer_rows([1, 2])
        assert (listed[1].figures, listed[2].figures) == (Figures.EXACT, Figures.UNKNOWN)
    finally:
        cache.close()


def test_version_4_caches_learn_phone_postcode_state_and_the_average_order(
    cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The new sort columns are read from the stored API objects once, when the file migrates."""
    addresses: tuple[tuple[int, int, int, object, object], ...] = (
        # id, orders, cents, billing, shipping
        (1, 4, 10_000, {"phone": "+351 21", "postcode": "1000", "state": ""}, {"state": "LX"}),
        (2, 0, 0, {"phone": "", "postcode": ""}, {"postcode": "69001", "state": "ARA"}),
        (3, -1, -1, [], []),  # PHP's empty array for an empty address; unknown figures
    )
    rows = []
    for customer_id, count, cents, billing, shipping in addresses:
        document = Customer(id=customer_id).to_api()
        document["billing_address"] = billing
        document["shipping_address"] = shipping
        rows.append((customer_id, count, cents, document))
    write_old_cache(monkeypatch, cache_dir, 4, rows)
    cache = CustomerCache.open(cache_dir, URL)
    try:
        assert cache.file.conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        listed = cache.customer_rows([1, 2, 3])
        assert [(r.phone, r.postcode, r.state) for r in listed.values()] == [
            ("+351 21", "1000", "LX"),
            ("", "69001", "ARA"),
            ("", "", ""),
        ]
        assert [r.average_order for r in listed.values()] == [Decimal("25"), None, None]
        by_average = CustomerFilter(sort="average_order", descending=True)
        assert cache.ordered_ids(by_average) == [1, 3, 2]
        assert cache.ordered_ids(CustomerFilter(sort="postcode")) == [3, 1, 2]
    finally:
        cache.close()


def test_every_sort_of_a_large_cache_reads_an_index(cache_dir: Path) -> None:
    """No sort makes SQLite sort the table itself (a scan of 100,000 documents)."""
    from app.cache.repository import SORT_COLUMNS

    cache = CustomerCache.open(cache_dir, URL)
    try:
        for key, column in SORT_COLUMNS.items():
            for role in ("customer", None):
                where = "WHERE +c.role = ?" if role else ""
                plan = cache.file.conn.execute(
                    f"EXPLAIN QUERY PLAN SELECT c.id FROM customers c {where}"
                    f" ORDER BY c.{column}, c.id",
                    (role,) if role else (),
                ).fetchall()
                details = " ".join(str(step[-1]) for step in plan)
                assert "TEMP B-TREE" not in details, f"{key} ({role}): {details}"
    finally:
        cache.close()
