"""``python -m app.demo_store`` as a separate process: its JSON line, its keys, its exits.

Each test starts the command line with ``sys.executable`` from the project root, reads the one
JSON line it prints on stdout, talks to the store it serves (OAuth-signed over plain HTTP with
the project's signing functions, Basic auth over HTTPS), and stops it with SIGTERM, expecting a
clean exit. The process is killed in a ``finally`` whatever happens, and every wait is bounded.
"""

from __future__ import annotations

import json
import secrets
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import requests

from app.api import oauth

PROJECT_ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 4.0
EXIT_TIMEOUT = 4.0
#: The address the store must refuse without --allow-remote.
ALL_INTERFACES = "0.0.0.0"  # noqa: S104
JSON_KEYS = {
    "base_url",
    "consumer_key",
    "consumer_secret",
    "read_consumer_key",
    "read_consumer_secret",
}
WRITE_REFUSED = {
    "errors": [
        {
            "code": "woocommerce_api_authentication_error",
            "message": "The API key provided does not have write permissions.",
        }
    ]
}


def _command(*options: str) -> list[str]:
    return [sys.executable, "-m", "app.demo_store", *options]


def _first_line(process: subprocess.Popen[str]) -> str:
    """The first stdout line, waiting at most ``STARTUP_TIMEOUT`` seconds for it."""
    assert process.stdout is not None
    ready, _, _ = select.select([process.stdout], [], [], STARTUP_TIMEOUT)
    assert ready, f"no JSON line within {STARTUP_TIMEOUT} s"
    return process.stdout.readline()


@contextmanager
def running_store(*options: str) -> Iterator[tuple[subprocess.Popen[str], dict[str, Any]]]:
    """Start the command line; the process and its JSON line. Always killed afterwards."""
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        _command(*options),
        cwd=PROJECT_ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = _first_line(process)
        assert line.endswith("\n"), f"no JSON line; exit {process.poll()}"
        info: dict[str, Any] = json.loads(line)
        assert set(info) >= JSON_KEYS
        yield process, info
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate(timeout=EXIT_TIMEOUT)


def stop(process: subprocess.Popen[str]) -> int:
    """Send SIGTERM and return the exit code (fails if it takes too long)."""
    process.send_signal(signal.SIGTERM)
    return process.wait(timeout=EXIT_TIMEOUT)


def signed_url(
    base_url: str, route: str, key: str, secret: str, method: str = "GET", pairs: Sequence[Any] = ()
) -> str:
    """A v3 URL signed with OAuth 1.0a (HMAC-SHA256) for ``method``, the way the store checks."""
    api_url = f"{base_url}/wc-api/v3"
    sent: list[tuple[str, str]] = [
        *pairs,
        ("oauth_consumer_key", key),
        ("oauth_timestamp", str(int(time.time()))),
        ("oauth_nonce", secrets.token_hex(16)),
        ("oauth_signature_method", "HMAC-SHA256"),
    ]
    text = oauth.string_to_sign(
        method, oauth.signature_base_uri(api_url, route), oauth.php_query_params(sent)
    )
    sent.append(("oauth_signature", oauth.signature(text, secret, "HMAC-SHA256")))
    return f"{api_url}{route}?{urlencode(sent, quote_via=quote)}"


def test_serves_signed_requests_and_stops_cleanly_on_sigterm() -> None:
    """The read key lists the 5 seeded customers but cannot write; SIGTERM exits with 0."""
    with running_store("--customers", "5", "--seed", "3") as (process, info):
        assert info["base_url"].startswith("http://127.0.0.1:")
        read = (info["read_consumer_key"], info["read_consumer_secret"])
        listed = requests.get(signed_url(info["base_url"], "/customers", *read), timeout=5)
        assert listed.status_code == 200, listed.text
        assert len(listed.json()["customers"]) == 5
        assert listed.headers["X-WC-Total"] == "5"
        body = {"customer": {"email": "cli@example.com", "password": "p4ss-w0rd"}}
        refused = requests.post(
            signed_url(info["base_url"], "/customers", *read, method="POST"), json=body, timeout=5
        )
        assert refused.status_code == 401
        assert refused.json() == WRITE_REFUSED
        assert stop(process) == 0


def test_remote_host_needs_allow_remote() -> None:
    """``--host 0.0.0.0`` without ``--allow-remote`` is refused: exit code 2, reason on stderr."""
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        _command("--host", ALL_INTERFACES, "--customers", "0"),
        cwd=PROJECT_ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=EXIT_TIMEOUT,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert ALL_INTERFACES in done.stderr


def test_db_keeps_keys_and_data_across_restarts(tmp_path: Path) -> None:
    """``--db PATH`` twice: the second run has the same keys, customers and a customer the
    first run created."""
    db = str(tmp_path / "store.sqlite3")
    options = ("--db", db, "--customers", "5", "--seed", "3")
    with running_store(*options) as (process, first):
        write = (first["consumer_key"], first["consumer_secret"])
        body = {"customer": {"email": "kept@example.com", "password": "p4ss-w0rd"}}
        created = requests.post(
            signed_url(first["base_url"], "/customers", *write, method="POST"), json=body, timeout=5
        )
        assert created.status_code == 201, created.text
        before = requests.get(
            signed_url(first["base_url"], "/customers", *write, pairs=[("filter[limit]", "-1")]),
            timeout=5,
        ).json()["customers"]
        assert stop(process) == 0
    with running_store(*options) as (process, second):
        assert {k: second[k] for k in JSON_KEYS - {"base_url"}} == {
            k: first[k] for k in JSON_KEYS - {"base_url"}
        }
        read = (second["read_consumer_key"], second["read_consumer_secret"])
        after = requests.get(
            signed_url(second["base_url"], "/customers", *read, pairs=[("filter[limit]", "-1")]),
            timeout=5,
        ).json()["customers"]
        assert len(after) == 6
        assert [c["email"] for c in after] == [c["email"] for c in before]
        assert "kept@example.com" in [c["email"] for c in after]
        assert stop(process) == 0


def test_https_serves_basic_auth(tls_certificate: tuple[Path, Path]) -> None:
    """``--https CERT KEY`` serves HTTPS; the read key works with Basic auth there."""
    cert, key = (str(path) for path in tls_certificate)
    with running_store("--https", cert, key, "--customers", "5", "--seed", "3") as (process, info):
        assert info["base_url"].startswith("https://127.0.0.1:")
        listed = requests.get(
            f"{info['base_url']}/wc-api/v3/customers",
            auth=(info["read_consumer_key"], info["read_consumer_secret"]),
            verify=cert,
            timeout=5,
        )
        assert listed.status_code == 200, listed.text
        assert len(listed.json()["customers"]) == 5
        assert stop(process) == 0


def test_tie_seed_and_friendly_errors_options() -> None:
    """``--tie-seed`` replays the order of tied customers (two processes, same seed, same
    answers; the seed data's bursts tie, so that order is not the id order), and
    ``--friendly-errors`` answers 400 where a real store crashes (section 19.4)."""
    options = ("--customers", "60", "--seed", "1", "--tie-seed", "9")
    orders = []
    for extra in ((), ("--friendly-errors",)):
        with running_store(*options, *extra) as (process, info):
            keys = (info["consumer_key"], info["consumer_secret"])
            pairs = [("filter[limit]", "-1"), ("fields", "id")]
            url = signed_url(info["base_url"], "/customers", *keys, pairs=pairs)
            orders.append([c["id"] for c in requests.get(url, timeout=5).json()["customers"]])
            url = signed_url(info["base_url"], "/customers", *keys, pairs=[("filter[limit]", "x")])
            crash = requests.get(url, timeout=5)
            assert crash.status_code == (400 if extra else 500)
            assert stop(process) == 0
    assert orders[0] == orders[1]
    assert orders[0] != sorted(orders[0])


def test_api_option() -> None:
    """``--api legacy`` leaves WooCommerce's routes out of ``/wp-json``; ``--api modern`` answers
    ``/wc-api`` as a 9.x store without the Legacy REST API plugin."""
    with running_store("--customers", "1", "--api", "legacy") as (process, info):
        answer = requests.get(f"{info['base_url']}/wp-json/wc/v3/customers", timeout=5)
        assert answer.json()["code"] == "rest_no_route"
        assert stop(process) == 0
    with running_store("--customers", "1", "--api", "modern") as (process, info):
        answer = requests.get(f"{info['base_url']}/wc-api/v3/", timeout=5)
        assert answer.json()["errors"]["code"] == "woocommerce_api_disabled"
        modern = requests.get(f"{info['base_url']}/wp-json/wc/v3/customers", timeout=5)
        assert modern.json()["code"] == "woocommerce_rest_cannot_view"
        assert stop(process) == 0


def test_without_v1_v2_option() -> None:
    """``--without-v1-v2`` leaves ``wc/v1`` and ``wc/v2`` out of the index (section 21.2)."""
    with running_store("--customers", "1", "--api", "modern", "--without-v1-v2") as (
        process,
        info,
    ):
        home = info["base_url"]
        namespaces = requests.get(f"{home}/wp-json/", timeout=5).json()["namespaces"]
        assert "wc/v3" in namespaces
        assert "wc/v2" not in namespaces
        gone = requests.get(f"{home}/wp-json/wc/v2/customers", timeout=5)
        assert (gone.status_code, gone.json()["code"]) == (404, "rest_no_route")
        assert stop(process) == 0
