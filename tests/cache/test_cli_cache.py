"""The cache's command line: ``sync``, ``cache info`` and ``customers list|get --offline``.

Most tests run the command line in-process (parser plus ``run_cli``) against a demo store started
by the test; one runs everything as separate processes, as a user would, and stops the store
before reading the cache: the issue's "done when".
"""

from __future__ import annotations

import functools
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from app.api.client import CustomerQuery, WooClient
from app.api.connection import StoreConnection
from app.cache.database import cache_path
from app.cache.search import fold, search_text
from app.cli.parser import build_parser
from app.cli.run import run_cli
from app.demo_store import DemoStore
from app.domain.customer import Customer
from app.paths import AppPaths
from app.stores import access as store_access
from app.stores.access import KEY_VARIABLE, SECRET_VARIABLE
from app.stores.demo import DEMO_IDENTITY
from app.stores.secrets import FileSecrets
from tests.conftest import StoreFactory

PROJECT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Result:
    """What a command did: exit code, stdout, stderr."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@dataclass
class Cli:
    """The command line, in-process, with its own data folder and environment."""

    data_dir: Path
    environ: dict[str, str]

    def __call__(self, *args: str, environ: Mapping[str, str] | None = None) -> Result:
        options = build_parser().parse_args(["--data-dir", str(self.data_dir), *args])
        out, err = io.StringIO(), io.StringIO()
        code = run_cli(
            options,
            AppPaths.under(self.data_dir),
            out=out,
            err=err,
            environ=self.environ if environ is None else environ,
            secrets=FileSecrets(self.data_dir / "config" / "secrets.json"),
        )
        return Result(code, out.getvalue(), err.getvalue())


@pytest.fixture
def store(profile_store: StoreFactory) -> DemoStore:
    return profile_store(customers=250, seed=6)


@pytest.fixture
def cli(tmp_path: Path, store: DemoStore) -> Cli:
    return Cli(
        tmp_path / "data",
        {KEY_VARIABLE: store.consumer_key, SECRET_VARIABLE: store.consumer_secret},
    )


def store_ids(store: DemoStore, role: str = "customer") -> set[int]:
    """The ids of the store's users of a role (``all``: every user), read from its database
    (the same in every store profile, whichever API it serves)."""
    where, params = ("", ()) if role == "all" else ("WHERE role = ?", (role,))
    rows = store.db.connection().execute(f"SELECT id FROM users {where}", params)
    return {int(row[0]) for row in rows}


# -- sync ------------------------------------------------------------------------------------


def test_sync_prints_progress_on_stderr_and_a_summary_on_stdout(cli: Cli, store: DemoStore) -> None:
    result = cli("--store-url", store.base_url, "sync")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(
        "Full sync: 251 customers fetched (251 new or changed, 0 removed) in "
    )
    assert lines[0].endswith("The cache holds 251 customers; the store reports 251.")
    progress = result.err.splitlines()
    assert progress[0] == "Fetching customers…"
    assert progress[-1] == "251 customers up to date"


def test_sync_json_reports_what_it_did(cli: Cli, store: DemoStore) -> None:
    first = cli("--store-url", store.base_url, "--json", "sync")
    assert first.code == 0, first.err
    report = first.json()
    assert set(report) == {
        "mode",
        "fetched",
        "changed",
        "removed",
        "store_total",
        "held",
        "seconds",
        "resumed",
        "complete",
        "unaccounted",
    }
    assert report["complete"] is True
    assert report["unaccounted"] == 0
    assert report["mode"] == "full"
    assert report["fetched"] == report["held"] == report["store_total"] == 251
    assert report["changed"] == 251  # all new to the cache
    assert report["resumed"] is False
    second = cli("--store-url", store.base_url, "--json", "sync").json()
    assert second["mode"] == "quick"
    assert second["fetched"] < 10
    assert second["changed"] == 0
    forced = cli("--store-url", store.base_url, "--json", "sync", "--full").json()
    assert forced["mode"] == "full"
    assert forced["fetched"] == 251
    quick = cli("sync", "--quick", "--store-url", store.base_url, "--json")
    assert quick.json()["mode"] == "quick"
    assert "Quick sync" not in quick.out


def test_a_sync_that_cannot_prove_itself_removes_nothing_and_fails(
    cli: Cli, store: DemoStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.api.walk import CustomerWalk

    assert cli("--store-url", store.base_url, "sync").code == 0
    monkeypatch.setattr(
        CustomerWalk, "_end_still_holds", lambda self, end, last: (False, False, None)
    )
    result = cli("--store-url", store.base_url, "sync", "--full")
    assert result.code == 1
    assert "could not be accounted for" in result.err
    assert "nothing was removed" in result.err
    info = cli("--store-url", store.base_url, "--json", "cache", "info").json()
    assert info["complete"] is False
    assert info["unaccounted"] >= 1
    assert info["held"] == 251
    monkeypatch.undo()
    assert cli("--store-url", store.base_url, "sync", "--full").code == 0
    assert cli("--store-url", store.base_url, "--json", "cache", "info").json()["complete"]


def test_sync_full_and_quick_cannot_be_combined(cli: Cli, store: DemoStore) -> None:
    with pytest.raises(SystemExit) as caught:
        cli("--store-url", store.base_url, "sync", "--full", "--quick")
    assert caught.value.code == 2


def test_sync_against_a_stopped_store_fails_cleanly_and_keeps_the_cache(
    cli: Cli, store: DemoStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    quick_retries = functools.partial(StoreConnection, backoff=0.01, max_backoff=0.05)
    monkeypatch.setattr(store_access, "StoreConnection", quick_retries)
    assert cli("--store-url", store.base_url, "sync").code == 0
    url = store.base_url
    store.stop()
    failed = cli("--store-url", url, "sync")
    assert failed.code == 1
    assert "error:" in failed.err
    assert "Could not connect" in failed.err
    listed = cli("--store-url", url, "--json", "customers", "list", "--offline")
    assert listed.code == 0
    assert len(listed.json()) == 250


def test_sync_without_keys_for_the_store_is_a_usage_error(cli: Cli, store: DemoStore) -> None:
    result = cli("--store-url", store.base_url, "sync", environ={})
    assert result.code == 2
    assert KEY_VARIABLE in result.err


# -- reading the cache offline -----------------------------------------------------------------


def test_offline_list_shows_every_synced_customer_without_keys(cli: Cli, store: DemoStore) -> None:
    assert cli("--store-url", store.base_url, "sync").code == 0
    result = cli(
        "--store-url", store.base_url, "--json", "customers", "list", "--offline", environ={}
    )
    assert result.code == 0, result.err
    listed = result.json()
    assert {c["id"] for c in listed} == store_ids(store)
    assert all(c["role"] == "customer" for c in listed)
    everyone = cli(
        "--store-url", store.base_url, "--json", "customers", "list", "--offline", "--role", "all"
    )
    assert {c["id"] for c in everyone.json()} == store_ids(store, "all")


def test_offline_list_as_a_table_says_where_it_comes_from(cli: Cli, store: DemoStore) -> None:
    assert cli("--store-url", store.base_url, "sync").code == 0
    result = cli("--store-url", store.base_url, "customers", "list", "--offline")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].split()[:3] == ["ID", "Name", "Email"]
    assert len(lines) == 2 + 250
    assert result.err.startswith("250 customers from the cache (last synced ")
    assert "never" not in result.err


def test_offline_list_searches_and_sorts_locally(cli: Cli, store: DemoStore) -> None:
    assert cli("--store-url", store.base_url, "sync").code == 0
    everyone = cli("--store-url", store.base_url, "--json", "customers", "list", "--offline").json()
    city = everyone[0]["billing_address"]["city"] or everyone[0]["shipping_address"]["city"]
    in_city = {
        c["id"]
        for c in everyone
        if city in (c["billing_address"]["city"], c["shipping_address"]["city"])
    }
    result = cli(
        "--store-url",
        store.base_url,
        "--json",
        "customers",
        "list",
        "--offline",
        "--search",
        city,
        "--sort",
        "email",
        "--desc",
    )
    assert result.code == 0
    found = result.json()
    assert in_city <= {c["id"] for c in found}
    assert all(fold(city) in search_text(Customer.from_api(c)) for c in found)
    order = [(c["email"].lower(), c["id"]) for c in found]
    assert order == sorted(order, reverse=True)


@pytest.mark.slow
def test_offline_get_by_id_and_by_email(cli: Cli, store: DemoStore) -> None:
    assert cli("--store-url", store.base_url, "sync").code == 0
    listed = cli("--store-url", store.base_url, "--json", "customers", "list", "--offline").json()
    wanted = listed[17]
    by_id = cli(
        "--store-url", store.base_url, "--json", "customers", "get", str(wanted["id"]), "--offline"
    )
    assert by_id.code == 0
    assert by_id.json() == wanted
    by_email = cli(
        "--store-url",
        store.base_url,
        "--json",
        "customers",
        "get",
        wanted["email"].upper(),
        "--offline",
        environ={},
    )
    assert by_email.code == 0, by_email.err
    assert by_email.json()["id"] == wanted["id"]
    text = cli("--store-url", store.base_url, "customers", "get", str(wanted["id"]), "--offline")
    assert text.code == 0
    assert re.search(rf"^ID:\s+{wanted['id']}$", text.out, re.MULTILINE)
    assert wanted["email"] in text.out


@pytest.mark.parametrize("wanted", ["999999", "nobody@nowhere.example"])
def test_offline_get_of_an_unknown_customer_fails_with_exit_1(
    cli: Cli, store: DemoStore, wanted: str
) -> None:
    assert cli("--store-url", store.base_url, "sync").code == 0
    result = cli("--store-url", store.base_url, "customers", "get", wanted, "--offline")
    assert result.code == 1
    assert result.out == ""
    assert f"customer {wanted} is not in the cache" in result.err


def test_offline_get_of_something_that_is_no_id_is_a_usage_error(
    cli: Cli, store: DemoStore
) -> None:
    result = cli("--store-url", store.base_url, "customers", "get", "12abc", "--offline")
    assert result.code == 2
    assert "neither a customer ID nor an email" in result.err


def test_offline_reads_of_a_damaged_cache_say_so_and_list_nothing(
    cli: Cli, store: DemoStore
) -> None:
    path = cache_path(cli.data_dir / "cache", store.base_url)
    path.parent.mkdir(parents=True)
    path.write_bytes(b"\x00garbage" * 512)
    result = cli("--store-url", store.base_url, "--json", "customers", "list", "--offline")
    assert result.code == 0
    assert result.json() == []
    assert result.err.startswith("note: The local cache was damaged and has been rebuilt")


def test_offline_reads_in_an_unusable_data_folder_fail_with_a_message(
    tmp_path: Path, store: DemoStore
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    cli = Cli(blocker / "data", {})
    result = cli("--store-url", store.base_url, "customers", "list", "--offline")
    assert result.code == 1
    assert result.err.startswith("error: The cache folder")
    assert "--data-dir" in result.err


# -- cache info ----------------------------------------------------------------------------------


def test_cache_info_before_any_sync(cli: Cli, store: DemoStore) -> None:
    result = cli("--store-url", store.base_url, "--json", "cache", "info", environ={})
    assert result.code == 0
    info = result.json()
    assert info["store"] == store.base_url
    assert info["held"] == 0
    assert info["store_total"] is None
    assert info["complete"] is False
    assert info["last_full_sync"] is None
    assert info["last_quick_sync"] is None
    text = cli("--store-url", store.base_url, "cache", "info")
    assert "Customers cached:    0" in text.out
    assert "unknown (never synced)" in text.out
    assert "Last full sync:      never" in text.out


def test_cache_info_after_syncs(cli: Cli, store: DemoStore) -> None:
    assert cli("--store-url", store.base_url, "sync").code == 0
    info = cli("--store-url", store.base_url, "--json", "cache", "info").json()
    assert set(info) == {
        "store",
        "file",
        "bytes",
        "held",
        "store_total",
        "store_total_at",
        "last_full_sync",
        "last_quick_sync",
        "oldest_confirmation",
        "complete",
        "scope",
        "unaccounted",
    }
    assert info["scope"] == "all"
    assert info["unaccounted"] == 0
    assert info["file"] == str(cache_path(cli.data_dir / "cache", store.base_url))
    assert info["bytes"] > 0
    assert info["held"] == info["store_total"] == 251
    assert info["complete"] is True
    assert info["last_full_sync"].endswith("Z")
    assert info["last_quick_sync"] is None
    assert info["oldest_confirmation"] is not None
    assert cli("--store-url", store.base_url, "sync").code == 0
    again = cli("--store-url", store.base_url, "--json", "cache", "info").json()
    assert again["last_quick_sync"] is not None
    text = cli("--store-url", store.base_url, "cache", "info")
    assert "Complete:            yes" in text.out
    assert "Customers cached:    251" in text.out


# -- the embedded demo store ---------------------------------------------------------------------


def test_sync_of_the_embedded_demo_store_then_offline_list_without_it(tmp_path: Path) -> None:
    cli = Cli(tmp_path / "data", {})
    synced = cli("--json", "sync")
    assert synced.code == 0, synced.err
    assert "using the embedded demo store" in synced.err
    held = synced.json()["held"]
    assert held > 0
    listed = cli("--json", "customers", "list", "--offline", "--role", "all")
    assert listed.code == 0
    assert len(listed.json()) == held
    info = cli("--json", "cache", "info").json()
    assert info["store"] == DEMO_IDENTITY
    assert info["complete"] is True


# -- as a user runs it: separate processes, the store stopped before the offline read ----------


def _app(data_dir: Path, *args: str, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter running our own app
        [sys.executable, "-m", "app", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        env=dict(env),
        cwd=PROJECT,
        timeout=120,
        check=False,
    )


@pytest.fixture
def store_process() -> Iterator[tuple[subprocess.Popen[str], dict[str, str]]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "app.demo_store", "--customers", "300", "--seed", "8"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=PROJECT,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line, process.stderr.read() if process.stderr else "no output"
        yield process, json.loads(line)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(10)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()


@pytest.mark.slow
def test_after_sync_the_offline_list_works_with_the_store_stopped(
    tmp_path: Path, store_process: tuple[subprocess.Popen[str], dict[str, str]]
) -> None:
    process, details = store_process
    url = details["base_url"]
    base_env = {
        name: value
        for name, value in os.environ.items()
        if name not in (KEY_VARIABLE, SECRET_VARIABLE)
    }
    base_env["HOME"] = str(tmp_path / "home")
    keys = {KEY_VARIABLE: details["consumer_key"], SECRET_VARIABLE: details["consumer_secret"]}
    data_dir = tmp_path / "data"

    client = WooClient(StoreConnection(url, details["consumer_key"], details["consumer_secret"]))
    try:
        expected = set(client.customer_ids(CustomerQuery()))
    finally:
        client.close()
    assert len(expected) == 300

    synced = _app(data_dir, "--store-url", url, "sync", env={**base_env, **keys})
    assert synced.returncode == 0, synced.stderr
    assert synced.stdout.startswith("Full sync: 301 customers fetched")
    assert "customers up to date" in synced.stderr

    process.send_signal(signal.SIGTERM)
    assert process.wait(15) == 0

    listed = _app(
        data_dir, "customers", "list", "--offline", "--json", "--store-url", url, env=base_env
    )
    assert listed.returncode == 0, listed.stderr
    assert {c["id"] for c in json.loads(listed.stdout)} == expected

    table = _app(data_dir, "--store-url", url, "customers", "list", "--offline", env=base_env)
    assert table.returncode == 0
    assert len(table.stdout.splitlines()) == 2 + 300
    assert table.stderr.startswith("300 customers from the cache")

    one = min(expected)
    got = _app(
        data_dir,
        "--store-url",
        url,
        "--json",
        "customers",
        "get",
        str(one),
        "--offline",
        env=base_env,
    )
    assert got.returncode == 0
    assert json.loads(got.stdout)["id"] == one

    missing = _app(
        data_dir, "--store-url", url, "customers", "get", "987654", "--offline", env=base_env
    )
    assert missing.returncode == 1
    assert "not in the cache" in missing.stderr


def test_an_edit_on_the_store_shows_offline_after_a_quick_sync(cli: Cli, store: DemoStore) -> None:
    assert cli("--store-url", store.base_url, "sync").code == 0
    target = min(store_ids(store))
    with store.db.write() as conn:  # edited in WordPress: the name and the user's last update
        conn.execute(
            "UPDATE users SET first_name = 'Cliedited', last_update = ? WHERE id = ?",
            (int(time.time()), target),
        )
    quick = cli("--store-url", store.base_url, "--json", "sync").json()
    assert quick["mode"] == "quick"
    found = cli(
        "--store-url",
        store.base_url,
        "--json",
        "customers",
        "list",
        "--offline",
        "--search",
        "cliedited",
    ).json()
    assert [c["id"] for c in found] == [target]
