"""Import figures (issue 6): planning speed and memory, upload speed, and the GUI while importing.

1. Planning 10,000 rows: detecting the format and the mapping, reading, validating and planning
   every row against a real cache (a temporary :class:`CustomerCache`) that holds half of the
   file's customers, as the app plans a dropped file. Of those, every other one is stored
   exactly as the file has it (unchanged, skipped) and the others have another phone number
   (updates); the other half of the file are new customers (creates). Median of three runs.
2. The same at 100,000 rows (50,000 cached), in a child process
   (:mod:`tests.benchmarks.import_probe`), so its peak resident memory (``VmHWM``) is the
   import's own: the interpreter, the modules and the plan, nothing the benchmark itself holds.
3. Uploading 10,000 creates in chunks of 100 to a demo store in its own process: ours
   (:func:`app.importer.running.run_import` with the client and the cache, as the app runs it:
   journal, undo file, each chunk's customers stored in the cache) against the floor, the same
   JSON bodies posted one after another with plain ``requests`` (OAuth-signed with
   :mod:`app.api.oauth` as the client signs them) and the answers only decoded. Every run gets a
   fresh, empty store, so each side creates the same customers into the same state. A zero
   latency store measures our overhead at its most visible; a real store takes 100-300 ms per
   request, so a 150 ms store is measured too. Three runs per side at 0 ms (medians), one at
   150 ms (its 100 requests alone take 15 s a side).
4. The longest event-loop stall (a 5 ms heartbeat QTimer) in the GUI thread while a
   :class:`StoreService` plans, and then runs, an import against a demo store (in a child
   process with an offscreen Qt, after a sync: the app's state when a file is dropped).
"""

from __future__ import annotations

import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests

from app.api import oauth
from app.api.client import WooClient
from app.cache.repository import CustomerCache
from app.domain.customer import Address, BillingAddress, Customer
from app.domain.validation import draft_from_fields
from app.importer.jobs import FilePlan
from app.importer.records import RowAction, Totals
from app.importer.running import ImportFiles, run_import
from tests.benchmarks.bench_cache import RemoteStore, remote_store
from tests.benchmarks.import_probe import read_and_plan
from tests.benchmarks.report import Row
from tests.data.samples import customer_row, write_customer_rows

SMALL_ROWS = 10_000
LARGE_ROWS = 100_000
PLAN_REPEATS = 3
UPLOAD_ROWS = 10_000
CHUNK_SIZE = 100
#: Runs per side at each store latency (rotating which side goes first).
UPLOAD_RUNS = {0: 3, 150: 1}
STALL_STORE = 2_000
STALL_ROWS = 4_000
IDENTITY = "https://bench.example.com"
CACHE_PAGE = 1_000
PROBE_TIMEOUT = 600


# -- a cache that knows half of the file --------------------------------------------------------


def cached_customer(number: int) -> Customer:
    """The stored customer of file row ``number``: as the row has it, except that every even
    one has another phone number (so planning that row gives an update, the others a skip)."""
    email, first, last, street, city, postcode, country, phone = customer_row(number)
    if number % 2 == 0:
        phone = f"+49 40 {number:07d}"
    return Customer(
        id=number + 1,
        email=email,
        first_name=first,
        last_name=last,
        username=f"customer{number}",
        role="customer",
        billing=BillingAddress(
            first_name=first,
            last_name=last,
            address_1=street,
            city=city,
            postcode=postcode,
            country=country,
            email=email,
            phone=phone,
        ),
        shipping=Address(
            first_name=first,
            last_name=last,
            address_1=street,
            city=city,
            postcode=postcode,
            country=country,
        ),
    )


def build_cache(folder: Path, customers: int) -> None:
    """A cache of the first ``customers`` file rows' customers, stored a page at a time."""
    cache = CustomerCache.open(folder, IDENTITY)
    try:
        for start in range(1, customers + 1, CACHE_PAGE):
            page = [
                cached_customer(n) for n in range(start, min(start + CACHE_PAGE, customers + 1))
            ]
            cache.upsert_customers(page, int(time.time()))
        cache.analyze()  # as a full sync does when it finishes
    finally:
        cache.close()


def expect_mix(totals: Totals, rows: int) -> None:
    """Raise unless the plan is half creates, a quarter updates, a quarter skips."""
    expected = Totals(rows, rows // 2, rows // 4, rows - rows // 2 - rows // 4, 0)
    if totals != expected:
        raise RuntimeError(f"planned {totals}, expected {expected}")


def mix(rows: int) -> str:
    """How a planned file of ``rows`` rows splits, in words."""
    return f"{rows // 2:,} creates, {rows // 4:,} updates, {rows // 4:,} unchanged"


# -- 1 and 2: planning -----------------------------------------------------------------------------


def small_plan_rows(workdir: Path) -> list[Row]:
    """SMALL_ROWS rows planned in this process against a cache of half of them."""
    folder = workdir / "small"
    folder.mkdir()
    build_cache(folder / "cache", SMALL_ROWS // 2)
    path = write_customer_rows(folder, SMALL_ROWS)
    cache = CustomerCache.open(folder / "cache", IDENTITY)
    timings: list[float] = []
    try:
        read_and_plan(path, cache)  # warm the file and the cache's pages, as a preview would
        for _ in range(PLAN_REPEATS):
            started = time.perf_counter()
            plan = read_and_plan(path, cache)
            timings.append(time.perf_counter() - started)
            expect_mix(plan.totals, SMALL_ROWS)
    finally:
        cache.close()
    print(f"  plan {SMALL_ROWS:,}: {[round(t, 2) for t in timings]} s", file=sys.stderr)
    return [
        Row(
            f"import: read, map, validate and plan {SMALL_ROWS:,} rows ({mix(SMALL_ROWS)}) "
            f"against a cache of {SMALL_ROWS // 2:,}, median of {PLAN_REPEATS} "
            f"(runs {', '.join(f'{t:.2f}' for t in timings)} s)",
            f"{statistics.median(timings):.2f} s",
            "< 1 s",
        )
    ]


def _probe(args: Sequence[str], environment: dict[str, str] | None = None) -> dict[str, Any]:
    finished = subprocess.run(  # noqa: S603 - our interpreter, our module
        [sys.executable, "-m", "tests.benchmarks.import_probe", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=PROBE_TIMEOUT,
        check=False,
    )
    lines = [line for line in finished.stdout.splitlines() if line.startswith("{")]
    if finished.returncode != 0 or not lines:
        raise RuntimeError(f"the import probe failed: {finished.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def large_plan_rows(workdir: Path) -> list[Row]:
    """LARGE_ROWS rows planned in a child process: time and peak memory."""
    folder = workdir / "large"
    folder.mkdir()
    build_cache(folder / "cache", LARGE_ROWS // 2)
    path = write_customer_rows(folder, LARGE_ROWS)
    result = _probe(["plan", str(folder / "cache"), IDENTITY, str(path)])
    expect_mix(Totals(**{k: result[k] for k in Totals.__dataclass_fields__}), LARGE_ROWS)
    print(f"  plan {LARGE_ROWS:,}: {result}", file=sys.stderr)
    return [
        Row(
            f"import: read, map, validate and plan {LARGE_ROWS:,} rows ({mix(LARGE_ROWS)}) "
            f"against a cache of {LARGE_ROWS // 2:,}, in a child process",
            f"{result['seconds']:.1f} s",
            "< 10 s",
        ),
        Row(
            f"import: peak RSS (VmHWM) of that child process ({result['rss_before_mb']:.0f} MB "
            f"before planning, {result['rss_after_mb']:.0f} MB holding the plan)",
            f"{result['rss_peak_mb']:.0f} MB",
            "< 300 MB",
        ),
    ]


# -- 3: uploading ----------------------------------------------------------------------------------


def _signed_post_url(store: RemoteStore, route: str) -> str:
    """A POST URL carrying an OAuth 1.0a HMAC-SHA256 signature, as the client signs one."""
    pairs = [
        ("oauth_consumer_key", store.key),
        ("oauth_timestamp", str(int(time.time()))),
        ("oauth_nonce", secrets.token_hex(16)),
        ("oauth_signature_method", "HMAC-SHA256"),
    ]
    text = oauth.string_to_sign(
        "POST", oauth.signature_base_uri(store.api_url, route), oauth.php_query_params(pairs)
    )
    pairs.append(("oauth_signature", oauth.signature(text, store.secret, "HMAC-SHA256")))
    query = "&".join(f"{quote(k, safe='[]')}={quote(v, safe='')}" for k, v in pairs)
    return f"{store.api_url}{route}?{query}"


def plain_upload(store: RemoteStore, bodies: Sequence[dict[str, Any]]) -> None:
    """The floor: each chunk's body posted in turn with one plain session, answers decoded."""
    with requests.Session() as session:
        for body in bodies:
            answer = session.post(_signed_post_url(store, "/customers/bulk"), json=body, timeout=60)
            answer.raise_for_status()
            results = answer.json()["customers"]
            if len(results) != len(body["customers"]) or any("error" in r for r in results):
                raise RuntimeError(f"plain requests: a chunk was not saved: {answer.text[:300]}")


def our_upload(store: RemoteStore, plan: FilePlan, folder: Path) -> None:
    """Ours: the plan run as the app runs it, with the client and a cache of the store."""
    client = WooClient(store.connection())
    cache = CustomerCache.open(folder / "cache", store.base_url)
    try:
        result = run_import(
            plan.rows,
            client,
            ImportFiles(folder / "imports", "upload"),
            source=plan.path,
            header=plan.mapping.headers,
            delimiter=plan.file_format.delimiter,
            cache=cache,
            chunk_size=CHUNK_SIZE,
        )
    finally:
        cache.close()
        client.close()
    if result.totals.created != len(plan.rows):
        raise RuntimeError(f"ours: {result.totals} for {len(plan.rows)} creates")


@dataclass(frozen=True)
class UploadSide:
    """One way of uploading the plan."""

    name: str
    upload: Callable[[RemoteStore, Path], None]


def upload_rows(workdir: Path) -> list[Row]:
    """Both sides at each latency, each run into a fresh, empty store."""
    folder = workdir / "upload"
    folder.mkdir()
    path = write_customer_rows(folder, UPLOAD_ROWS)
    empty = CustomerCache.open(folder / "empty-cache", IDENTITY)
    try:
        plan = read_and_plan(path, empty)
    finally:
        empty.close()
    if plan.totals.created != UPLOAD_ROWS:
        raise RuntimeError(f"the upload plan is {plan.totals}")
    items = [draft_from_fields(row.fields).to_create_payload() for row in plan.rows]
    if any(row.action is not RowAction.CREATE for row in plan.rows):
        raise RuntimeError("the upload plan holds more than creates")
    bodies = [
        {"customers": items[start : start + CHUNK_SIZE]}
        for start in range(0, len(items), CHUNK_SIZE)
    ]
    sides = [
        UploadSide("plain", lambda store, _where: plain_upload(store, bodies)),
        UploadSide("ours", lambda store, where: our_upload(store, plan, where)),
    ]
    rows: list[Row] = []
    run_number = 0
    for latency_ms, runs in UPLOAD_RUNS.items():
        timings: dict[str, list[float]] = {side.name: [] for side in sides}
        for round_number in range(runs):
            order = sides[round_number % 2 :] + sides[: round_number % 2]
            for side in order:
                run_number += 1
                with remote_store(0, seed=5, latency_ms=latency_ms) as store:
                    started = time.perf_counter()
                    side.upload(store, folder / f"run-{run_number}")
                    seconds = time.perf_counter() - started
                timings[side.name].append(seconds)
                print(f"  upload {latency_ms} ms {side.name}: {seconds:.2f} s", file=sys.stderr)
        rows += upload_figures(latency_ms, runs, timings)
    return rows


def upload_figures(latency_ms: int, runs: int, timings: dict[str, list[float]]) -> list[Row]:
    """The rows of one latency: both sides and their ratio."""
    plain, ours = statistics.median(timings["plain"]), statistics.median(timings["ours"])
    taken = "median of 3" if runs == 3 else f"{runs} run{'s' if runs > 1 else ''}"
    if runs > 1:
        taken += " (runs: plain " + ", ".join(f"{t:.2f}" for t in timings["plain"])
        taken += "; ours " + ", ".join(f"{t:.2f}" for t in timings["ours"]) + " s)"
    setting = (
        f"import: upload {UPLOAD_ROWS:,} creates, chunks of {CHUNK_SIZE}, "
        f"store latency {latency_ms} ms"
    )
    return [
        Row(f"{setting}: plain requests, same bodies, {taken}", f"{plain:.2f} s", ""),
        Row(f"{setting}: ours, run_import with client and cache, {taken}", f"{ours:.2f} s", ""),
        Row(
            f"{setting}: ours against plain requests",
            f"{ours:.2f} s / {plain:.2f} s",
            "<= 1.1x",
            f"{ours / plain:.2f}x",
        ),
    ]


# -- 4: the GUI thread during an import -----------------------------------------------------------


def stall_rows(workdir: Path) -> list[Row]:
    """The GUI-thread heartbeat while a StoreService plans and runs an import (child process)."""
    folder = workdir / "stall"
    folder.mkdir()
    environment = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    with remote_store(STALL_STORE, seed=5) as store:
        result = _probe(
            ["stall", str(folder), store.base_url, store.key, store.secret, str(STALL_ROWS)],
            environment,
        )
    print(f"  stall: {result}", file=sys.stderr)
    planned, done = result["planned"], result["done"]
    if done["failed"] or done["created"] != planned["created"]:
        raise RuntimeError(f"the stall probe's import did not go through: {result}")
    what = (
        f"{STALL_ROWS:,} rows ({planned['created']:,} creates, {planned['updated']:,} updates, "
        f"{planned['skipped']:,} unchanged) against a {STALL_STORE:,}-customer demo store"
    )
    return [
        Row(
            f"app: longest event-loop stall (5 ms heartbeat) while a StoreService plans {what} "
            f"({result['plan_seconds']:.1f} s, new emails looked up in the store)",
            f"{result['plan_stall_ms']:.0f} ms",
            "< 50 ms",
        ),
        Row(
            f"app: longest event-loop stall (5 ms heartbeat) while a StoreService runs that import "
            f"({result['run_seconds']:.1f} s; over both, {result['full_collections']} full garbage "
            f"collections, the longest {result['longest_full_collection_ms']:.0f} ms)",
            f"{result['run_stall_ms']:.0f} ms",
            "< 50 ms",
        ),
    ]


def run() -> list[Row]:
    """Planning at 10,000 and 100,000 rows, uploads at two latencies, GUI stalls."""
    with tempfile.TemporaryDirectory(prefix="woo-bench-import-") as temp:
        workdir = Path(temp)
        rows: list[Row] = []
        for section in (small_plan_rows, large_plan_rows, upload_rows, stall_rows):
            started = time.perf_counter()
            rows += section(workdir)
            seconds = time.perf_counter() - started
            print(f"  ({section.__name__}: {seconds:.0f} s)", file=sys.stderr, flush=True)
    return rows
