"""``woo-customers import`` and ``export`` end to end, against demo stores over loopback HTTP.

Commands run in-process as in :mod:`tests.cli.test_cli` (the parser, then ``run_cli`` with
string buffers); what the store holds is checked with the demo store's own database. Each test
that talks to a store runs once per store profile.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from app.cache.search import fold
from app.demo_store import DemoStore
from app.importer.reading import detect_format, open_csv
from app.paths import AppPaths
from app.stores.secrets import FileSecrets
from tests.conftest import StoreFactory
from tests.data import samples
from tests.support.cli import Outcome, invoke, key_environment

CUSTOMERS = 30
Cli = Callable[..., Outcome]


@pytest.fixture
def store(profile_store: StoreFactory) -> DemoStore:
    """A store of the test's profile (every test that talks to a store runs in each)."""
    return profile_store(customers=CUSTOMERS)


def emails_in_store(store: DemoStore) -> list[str]:
    rows = store.db.connection().execute("SELECT email FROM users").fetchall()
    return sorted(str(row[0]).lower() for row in rows)


def json_of(outcome: Outcome) -> Any:
    """A successful command's JSON output."""
    assert outcome.code == 0, outcome.err
    return outcome.json()


def assert_adds_up(summary: dict[str, Any]) -> None:
    parts = ("created", "updated", "skipped", "failed")
    assert sum(summary[part] for part in parts) == summary["rows"]


# -- export, then import -------------------------------------------------------------------------


def test_an_export_imported_again_changes_nothing(cli: Cli, tmp_path: Path) -> None:
    exported = tmp_path / "customers.csv"
    outcome = cli("export", str(exported))
    assert outcome.code == 0, outcome.err
    assert outcome.out == f"Exported {CUSTOMERS} customers to {exported}.\n"

    summary = json_of(cli("import", str(exported), "--dry-run", "--json"))
    assert summary["dry_run"] is True
    assert (summary["rows"], summary["created"], summary["updated"]) == (CUSTOMERS, 0, 0)
    assert (summary["skipped"], summary["failed"]) == (CUSTOMERS, 0)
    assert summary["mapping"]["ID"] == "id"
    assert summary["mapping"]["Orders"] is None

    human = cli("import", str(exported), "--dry-run")
    assert human.code == 0, human.err
    assert f"Dry run, nothing sent. {CUSTOMERS} rows: 0 to create, 0 to update" in human.out
    assert "Email → Email" in human.out


def test_export_searches_sorts_by_name_and_works_offline(cli: Cli, tmp_path: Path) -> None:
    everyone = tmp_path / "all.csv"
    assert cli("export", str(everyone), "--delimiter", "semicolon").code == 0
    assert detect_format(everyone).delimiter == ";"
    with open_csv(everyone) as rows:
        people = [(row.cells[3], row.cells[2], int(row.cells[0])) for row in rows]
    # Sorted by name as the list sorts it: accents folded, ties by ID.
    assert people == sorted(people, key=lambda p: (fold(f"{p[1]} {p[0]}"), p[2]))
    surname = people[0][0]

    found = tmp_path / "found.csv"
    outcome = cli("export", str(found), "--search", surname, "--offline", "--json")
    data = json_of(outcome)
    with open_csv(found) as rows:
        matching = [row.cells for row in rows]
    assert data == {"file": str(found), "customers": len(matching)}
    assert 1 <= len(matching) < CUSTOMERS
    assert all(surname.casefold() in ";".join(cells).casefold() for cells in matching)


def test_export_offline_needs_a_cache(cli: Cli, tmp_path: Path) -> None:
    outcome = cli("export", str(tmp_path / "x.csv"), "--offline")
    assert outcome.code == 1
    assert "no local cache" in outcome.err
    assert not (tmp_path / "x.csv").exists()


def refusal(path: Path) -> str:
    """What ``export`` says on stderr when it will not replace ``path``."""
    return f"error: {path} already exists; pass --overwrite to replace it\n"


@pytest.mark.parametrize("extra", [[], ["--json"], ["--offline"]], ids=["sync", "json", "offline"])
def test_export_refuses_to_replace_an_existing_file(
    cli: Cli, tmp_path: Path, extra: list[str]
) -> None:
    assert cli("sync").code == 0  # so --offline has a cache and is refused for the file alone
    folder = tmp_path / "exports"
    folder.mkdir()
    existing = folder / "customers.csv"
    existing.write_bytes(b"keep me\r\n")

    outcome = cli("export", str(existing), *extra)

    assert outcome.code == 2
    assert outcome.err == refusal(existing)
    assert outcome.out == ""
    assert existing.read_bytes() == b"keep me\r\n"
    assert [child.name for child in folder.iterdir()] == ["customers.csv"]  # no temporary file


def test_a_link_counts_as_an_existing_file(cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.csv"
    link = tmp_path / "customers.csv"
    link.symlink_to(target)  # broken: the file it names does not exist

    outcome = cli("export", str(link))

    assert (outcome.code, outcome.err) == (2, refusal(link))
    assert link.is_symlink()
    assert not target.exists()


@pytest.mark.parametrize("extra", [[], ["--offline"]], ids=["sync", "offline"])
def test_overwrite_replaces_an_existing_file(cli: Cli, tmp_path: Path, extra: list[str]) -> None:
    assert cli("sync").code == 0
    existing = tmp_path / "customers.csv"
    existing.write_text("Email\nold@example.com\n", encoding="utf-8")

    outcome = cli("export", str(existing), "--overwrite", "--json", *extra)

    assert json_of(outcome) == {"file": str(existing), "customers": CUSTOMERS}
    with open_csv(existing) as rows:
        assert rows.header[:2] == ("ID", "Email")
        emails = [row.cells[1] for row in rows]
    assert len(emails) == CUSTOMERS
    assert "old@example.com" not in emails
    assert [child.name for child in tmp_path.iterdir() if child.name.endswith(".part")] == []


@pytest.mark.slow
def test_a_refused_export_asks_the_store_nothing(
    start_store: StoreFactory, paths: AppPaths, tmp_path: Path
) -> None:
    # The store is gone: an export that went to the store first would fail to connect (1).
    gone = start_store(customers=CUSTOMERS)
    environ = key_environment(gone)
    url = gone.base_url
    gone.stop()
    secrets = FileSecrets(tmp_path / "s.json")
    existing = tmp_path / "customers.csv"
    existing.write_bytes(b"keep me")

    def export(*extra: str) -> Outcome:
        return invoke(
            ["export", str(existing), "--store-url", url, *extra], paths, environ, secrets
        )

    refused = export()
    assert (refused.code, refused.err, refused.out) == (2, refusal(existing), "")
    assert existing.read_bytes() == b"keep me"
    # With --overwrite the same command does go to the store, and fails to reach it.
    unreachable = export("--overwrite")
    assert unreachable.code == 1
    assert "connect" in unreachable.err
    assert existing.read_bytes() == b"keep me"


# -- import ------------------------------------------------------------------------------------


def test_a_german_excel_file_creates_customers(cli: Cli, store: DemoStore, tmp_path: Path) -> None:
    path = samples.write_excel_semicolon_cp1252(tmp_path)
    outcome = cli("import", str(path))
    assert outcome.code == 0, outcome.err
    assert "Windows Western (cp1252), semicolon between cells" in outcome.out
    assert "Vorname → First name" in outcome.out
    assert "Imported 3 rows: 3 created, 0 updated, 0 skipped, 0 failed." in outcome.out
    emails = emails_in_store(store)
    assert {"juergen@example.de", "a.weiss@example.de", "guen@example.de"} <= set(emails)
    assert len(emails) == len(set(emails))

    answer = json_of(cli("customers", "get", "a.weiss@example.de", "--json"))
    assert (answer["first_name"], answer["billing_address"]["city"]) == ("Ännchen", "München")


def test_a_store_that_needs_passwords_gets_no_customer_without_one(
    profile_store: StoreFactory, paths: AppPaths, tmp_path: Path
) -> None:
    """A store that makes up no passwords: each new customer without one fails with that
    reason, known up front (the legacy index or wc/v3's settings API says); nobody is created."""
    strict = profile_store(customers=2, generate_password=False)
    path = samples.write_excel_semicolon_cp1252(tmp_path)
    outcome = invoke(
        ["import", str(path), "--store-url", strict.base_url],
        paths,
        key_environment(strict),
        FileSecrets(tmp_path / "s.json"),
    )
    assert outcome.code == 0, outcome.err
    assert "3 rows: 0 created, 0 updated, 0 skipped, 3 failed." in outcome.out
    assert outcome.out.count("This store requires a password for new customers.") == 3
    assert len(emails_in_store(strict)) == 3  # the admin and the two customers


def test_json_totals_add_up_and_failed_rows_are_reported_not_fatal(
    cli: Cli, store: DemoStore, tmp_path: Path
) -> None:
    existing = json_of(cli("customers", "list", "--json"))[:2]
    path = tmp_path / "mixed.csv"
    path.write_text(
        "Email,First name,Notes\n"
        f"{existing[0]['email']},Renamed,changes a name\n"
        f"{existing[1]['email']},{existing[1]['first_name']},no change\n"
        "new.person@example.com,New,a new customer\n"
        "not an email,Broken,invalid\n",
        encoding="utf-8",
    )
    report = tmp_path / "out" / "report.csv"
    report.parent.mkdir()
    summary = json_of(cli("import", str(path), "--json", "--report", str(report)))

    assert_adds_up(summary)
    assert summary["dry_run"] is False
    assert {k: summary[k] for k in ("rows", "created", "updated", "skipped", "failed")} == {
        "rows": 4,
        "created": 1,
        "updated": 1,
        "skipped": 1,
        "failed": 1,
    }
    files = summary["files"]
    assert files["report"] == str(report)
    with open_csv(report) as rows:
        assert [row.cells[:2] for row in rows] == [
            ("1", "updated"),
            ("2", "skipped"),
            ("3", "created"),
            ("4", "failed"),
        ]
    with open_csv(Path(files["failed"])) as rows:
        assert rows.header == ("Email", "First name", "Notes", "Error")
        assert [row.cells[:3] for row in rows] == [("not an email", "Broken", "invalid")]
    # The undo file puts the renamed customer's name back when imported.
    undo = Path(files["undo"])
    assert undo.parent == report.parent
    restored = json_of(cli("import", str(undo), "--json"))
    assert (restored["rows"], restored["updated"]) == (1, 1)
    answer = json_of(cli("customers", "get", str(existing[0]["id"]), "--json"))
    assert answer["first_name"] == existing[0]["first_name"]


def test_a_dry_run_sends_nothing_and_says_what_would_happen(
    cli: Cli, store: DemoStore, tmp_path: Path
) -> None:
    before = emails_in_store(store)
    path = samples.write_customer_rows(tmp_path, 5)
    report = tmp_path / "plan.csv"
    summary = json_of(
        cli(
            "import", str(path), "--dry-run", "--json", "--chunk-size", "2", "--report", str(report)
        )
    )
    assert (summary["rows"], summary["created"]) == (5, 5)
    assert_adds_up(summary)
    assert emails_in_store(store) == before
    assert summary["files"] == {
        "report": str(report),
        "failed": None,
        "undo": None,
        "journal": None,
    }
    with open_csv(report) as rows:
        assert {row.cells[1] for row in rows} == {"would create"}  # nothing was created


def test_skip_existing_and_only_empty_steer_the_plan(cli: Cli, tmp_path: Path) -> None:
    first = json_of(cli("customers", "list", "--json"))[0]
    path = tmp_path / "one.csv"
    path.write_text(f"Email,First name\n{first['email']},Someone else\n", encoding="utf-8")
    skipping = json_of(cli("import", str(path), "--dry-run", "--json", "--skip-existing"))
    assert (skipping["skipped"], skipping["updated"]) == (1, 0)
    filling = json_of(cli("import", str(path), "--dry-run", "--json", "--only-empty"))
    assert (filling["skipped"], filling["updated"]) == (1, 0)  # the first name is not empty
    plain = json_of(cli("import", str(path), "--dry-run", "--json"))
    assert plain["updated"] == 1


def test_a_mapping_file_and_format_options_are_used(
    cli: Cli, store: DemoStore, tmp_path: Path
) -> None:
    path = tmp_path / "odd.txt"
    path.write_bytes("Kontakt|Rufname\r\nzoe@example.com|Zoë\r\n".encode("latin-1"))
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"Kontakt": "email", "Rufname": "first_name"}))
    summary = json_of(
        cli(
            "import",
            str(path),
            "--json",
            "--mapping",
            str(mapping),
            "--encoding",
            "latin-1",
            "--delimiter",
            "pipe",
        )
    )
    assert (summary["encoding"], summary["delimiter"]) == ("latin-1", "|")
    assert summary["created"] == 1
    answer = json_of(cli("customers", "get", "zoe@example.com", "--json"))
    assert answer["first_name"] == "Zoë"


# -- exit codes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--chunk-size", "0"], "--chunk-size"),
        (["--chunk-size", "101"], "--chunk-size"),
        (["--encoding", "klingon"], "unknown encoding"),
        (["--delimiter", "colon"], "--delimiter"),
        (["--mapping", "{missing}"], "cannot be read"),
        (["--mapping", "{not-json}"], "not valid JSON"),
        (["--mapping", "{unknown-field}"], "does not exist"),
    ],
)
def test_bad_options_are_usage_errors(
    cli: Cli, store: DemoStore, tmp_path: Path, options: list[str], message: str
) -> None:
    before = emails_in_store(store)
    (tmp_path / "not-json.json").write_text("{", encoding="utf-8")
    (tmp_path / "unknown-field.json").write_text(json.dumps({"Email": "fax"}), encoding="utf-8")
    files = {name: str(tmp_path / f"{name}.json") for name in ("missing", "not-json")}
    files["unknown-field"] = str(tmp_path / "unknown-field.json")
    path = samples.write_customer_rows(tmp_path, 2)
    outcome = cli("import", str(path), *(option.format(**files) for option in options))
    assert outcome.code == 2
    assert message in outcome.err
    assert outcome.out == ""
    assert emails_in_store(store) == before


def test_a_file_that_cannot_be_read_fails(cli: Cli, tmp_path: Path) -> None:
    missing = cli("import", str(tmp_path / "nowhere.csv"))
    assert missing.code == 1
    assert "nowhere.csv" in missing.err
    picture = cli("import", str(samples.write_png(tmp_path)), "--dry-run")
    assert picture.code == 1
    assert "CSV" in picture.err


@pytest.mark.slow
def test_an_unreachable_store_fails(
    start_store: StoreFactory, paths: AppPaths, tmp_path: Path
) -> None:
    gone = start_store()
    environ = key_environment(gone)
    url = gone.base_url
    gone.stop()
    path = samples.write_customer_rows(tmp_path, 2)
    outcome = invoke(
        ["import", str(path), "--store-url", url, "--json"],
        paths,
        environ,
        FileSecrets(tmp_path / "s.json"),
    )
    assert outcome.code == 1
    assert outcome.out == ""
    assert "connect" in outcome.err


def test_a_refused_export_sends_no_request_to_a_live_store(
    cli: Cli, store: DemoStore, tmp_path: Path
) -> None:
    """The file is checked before the sync: not even the API detection is sent."""
    from tests.support.request_log import log_requests

    existing = tmp_path / "customers.csv"
    existing.write_bytes(b"keep me")
    seen = log_requests(store)
    refused = cli("export", str(existing))
    assert (refused.code, refused.err) == (2, refusal(existing))
    assert seen == []
    assert existing.read_bytes() == b"keep me"
    assert cli("export", str(existing), "--overwrite").code == 0
    assert seen  # the same store does answer an export that may replace the file
