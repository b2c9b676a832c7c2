"""A demo store in a process of its own for the client benchmarks, and the official client's loop.

A store running in the benchmark's own process would share its interpreter lock with the clients
being measured, so the client benchmarks start ``python -m app.demo_store`` as a child process
and read its address and keys from the one JSON line it prints.

The official WooCommerce client's loop (``API(url, key, secret, wp_api=False, version="v3")``,
pages of ``filter[limit]`` until ``X-WC-TotalPages``) is written as its users write it, in the
store's default order: registration time, whose ties a real store returns in a different order
in every request (reference section 19.1). It is timed as it is, and the customers it lost are
reported next to its time.
"""

from __future__ import annotations

import json
import select
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from woocommerce import API

from app.api.connection import StoreConnection

STARTUP_TIMEOUT = 120.0
REQUEST_TIMEOUT = 60.0
PROJECT_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class StoreProcess:
    """Where the store process serves, and its read/write key pair."""

    base_url: str
    consumer_key: str
    consumer_secret: str

    @property
    def api_url(self) -> str:
        """The v3 API root."""
        return f"{self.base_url}/wc-api/v3"

    def connection(self, **options: Any) -> StoreConnection:
        """A connection to it as the app makes one."""
        return StoreConnection(self.base_url, self.consumer_key, self.consumer_secret, **options)


@contextmanager
def store_process(db: Path, *options: str) -> Iterator[StoreProcess]:
    """``python -m app.demo_store --db db *options``; always stopped afterwards."""
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "app.demo_store", "--db", str(db), *options],
        cwd=PROJECT_ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], STARTUP_TIMEOUT)
        line = process.stdout.readline() if ready else ""
        if not line:
            raise RuntimeError(f"the demo store did not start (exit code {process.poll()})")
        info = json.loads(line)
        yield StoreProcess(info["base_url"], info["consumer_key"], info["consumer_secret"])
    finally:
        process.terminate()
        try:
            process.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


def checked(variant: str, ids: list[int], expected: int) -> list[int]:
    """``ids`` when they are all ``expected`` customers, each once; raises otherwise."""
    if len(ids) != expected or len(set(ids)) != expected:
        raise RuntimeError(
            f"{variant}: got {len(ids)} customers ({len(set(ids))} distinct), expected {expected}"
        )
    return ids


def official_loop(store: StoreProcess, page_size: int) -> list[int]:
    """The official client, one page after another until ``X-WC-TotalPages``, in the store's
    default order; returns the ids it got, repeats and all (it loses customers on a store with
    ties, which the caller reports)."""
    wcapi = API(
        url=store.base_url,
        consumer_key=store.consumer_key,
        consumer_secret=store.consumer_secret,
        wp_api=False,
        version="v3",
        timeout=REQUEST_TIMEOUT,
    )
    ids: list[int] = []
    page, pages = 1, 1
    while page <= pages:
        response = wcapi.get("customers", params={"filter[limit]": str(page_size), "page": page})
        if response.status_code != 200:
            raise RuntimeError(f"official client, page {page}: {response.status_code}")
        ids.extend(customer["id"] for customer in response.json()["customers"])
        pages = int(response.headers["X-WC-TotalPages"])
        page += 1
    return ids
