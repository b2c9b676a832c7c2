"""The command line's test helpers and fixtures, shared by the command's test modules.

The fixtures (``store``, ``held``, ``paths``, ``cli``) are registered by tests/cli/conftest.py;
a module that needs another store defines its own ``store`` (and ``held``).
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import pytest
import requests

from app.cli.parser import build_parser
from app.cli.run import run_cli
from app.demo_store import DemoStore
from app.paths import AppPaths
from app.stores.access import KEY_VARIABLE, SECRET_VARIABLE
from app.stores.secrets import FileSecrets, SecretStore
from tests.conftest import StoreFactory, StoreProfile
from tests.support.store_db import StoreDb

PROJECT_ROOT = Path(__file__).resolve().parents[2]
#: More than one default page (100), so a plain ``customers list`` pages too.
CUSTOMERS = 120
PROCESS_TIMEOUT = 60
STARTUP_TIMEOUT = 30.0
MISSING_ID = "999999"
NEW_CUSTOMER: dict[str, Any] = {
    "email": "nora.nieminen@example.com",
    "first_name": "Nora",
    "last_name": "Nieminen",
    "billing_address": {"city": "Turku", "country": "FI", "phone": "+358 40 123 4567"},
}


# -- running the command line ---------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What one command did: its exit code and what it wrote to stdout and stderr."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        """Stdout as JSON (fails the test if stdout holds anything else)."""
        return json.loads(self.out)


class Cli(Protocol):
    """Runs one command in-process against the test's store."""

    def __call__(self, *args: str) -> Outcome: ...


def invoke(
    args: Sequence[str],
    paths: AppPaths,
    environ: Mapping[str, str],
    secrets: SecretStore | None,
) -> Outcome:
    """Parse ``args`` as the entry point does and run the command in this process."""
    out, err = io.StringIO(), io.StringIO()
    code = run_cli(
        build_parser().parse_args(list(args)),
        paths,
        out=out,
        err=err,
        environ=environ,
        secrets=secrets,
    )
    return Outcome(code, out.getvalue(), err.getvalue())


def key_environment(store: DemoStore, key: str = "read_write") -> dict[str, str]:
    """The environment variables that hand one of the store's key pairs to the command line."""
    pair = store.keys[key]
    return {KEY_VARIABLE: pair.consumer_key, SECRET_VARIABLE: pair.consumer_secret}


def process_environment(keys: Mapping[str, str]) -> dict[str, str]:
    """This process's environment without any inherited store keys, plus ``keys``."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if name not in (KEY_VARIABLE, SECRET_VARIABLE)
    }
    return {**inherited, **keys}


def run_process(
    command: Sequence[str], keys: Mapping[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command from the project root with ``keys`` as its only store keys."""
    return subprocess.run(  # noqa: S603 - our own interpreter, module and script
        list(command),
        cwd=PROJECT_ROOT,
        env=process_environment(keys),
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        timeout=PROCESS_TIMEOUT,
        check=False,
    )


def run_app(
    args: Sequence[str], data_dir: Path, keys: Mapping[str, str], stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m app ARGS --data-dir DATA_DIR`` (never the user's own profiles)."""
    return run_process(
        [sys.executable, "-m", "app", *args, "--data-dir", str(data_dir)], keys, stdin
    )


# -- fixtures and store-side checks ---------------------------------------------------------------


@pytest.fixture
def store(profile_store: StoreFactory) -> DemoStore:
    """A plain-HTTP store of the test's profile with ``CUSTOMERS`` seeded customers."""
    return profile_store(customers=CUSTOMERS)


@pytest.fixture
def held(store: DemoStore, store_profile: StoreProfile) -> StoreDb:
    """What the store holds, read from its database (neither through the app nor an API)."""
    return StoreDb(store, legacy=store_profile.legacy_customers)


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    """The app's folders, all under the test's temporary folder."""
    return AppPaths.under(tmp_path / "app")


@pytest.fixture
def cli(store: DemoStore, paths: AppPaths, tmp_path: Path) -> Cli:
    """Run commands against ``store`` (``--store-url`` last, keys from the environment)."""
    environ = key_environment(store)
    secrets = FileSecrets(tmp_path / "s.json")

    def run(*args: str) -> Outcome:
        return invoke([*args, "--store-url", store.base_url], paths, environ, secrets)

    return run


def store_customers(held: StoreDb) -> list[dict[str, Any]]:
    """Every customer as the store holds them, in id order."""
    return held.customers()


def store_count(held: StoreDb) -> int:
    """The store's own customer count."""
    return held.count()


def store_customer(held: StoreDb, customer_id: int) -> dict[str, Any] | None:
    """One customer as the store holds it, or None when the store has no such customer."""
    return held.customer(customer_id)


def store_orders(held: StoreDb, customer_id: int) -> list[dict[str, Any]]:
    """A customer's orders as the store holds them, newest first."""
    return held.orders(customer_id)


def store_downloads(held: StoreDb, customer_id: int) -> list[dict[str, Any]]:
    """A customer's downloads as the store holds them."""
    return held.downloads(customer_id)


def on_the_wire(fields: Mapping[str, Any], held: StoreDb) -> dict[str, Any]:
    """The request body that sends these customer fields (the v3 API's names) in the API the
    app writes customers through: ``{"customer": ...}`` on the legacy API; on wc/v3 the bare
    object, its addresses named ``billing`` and ``shipping``."""
    if held.legacy:
        return {"customer": dict(fields)}
    renamed = {"billing_address": "billing", "shipping_address": "shipping"}
    return {renamed.get(name, name): value for name, value in fields.items()}


def write_json(path: Path, value: object) -> Path:
    """Write ``value`` as a JSON file; its path."""
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def table_rows(text: str) -> tuple[list[str], list[list[str]]]:
    """The header words and the rows of a printed table (checks the dashed rule under it)."""
    lines = text.splitlines()
    assert len(lines) >= 2, text
    assert set(lines[1]) <= {"-", " "}, text
    assert "-" in lines[1], text
    return lines[0].split(), [line.split() for line in lines[2:]]


def field_block(text: str) -> dict[str, str]:
    """The ``Label: value`` lines of a printed record."""
    fields = {}
    for line in text.splitlines():
        label, _, value = line.partition(":")
        fields[label.strip()] = value.strip()
    return fields


def sending(
    monkeypatch: pytest.MonkeyPatch, command: Callable[[], Outcome]
) -> tuple[Outcome, list[tuple[str, Any]]]:
    """Run ``command``, recording every request it sends (method and JSON body)."""
    sent: list[tuple[str, Any]] = []
    send = requests.Session.request

    def recording(
        session: requests.Session, method: str, url: str, *args: Any, **kwargs: Any
    ) -> requests.Response:
        sent.append((method, kwargs.get("json")))
        return send(session, method, url, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(requests.Session, "request", recording)
        outcome = command()
    return outcome, sent
