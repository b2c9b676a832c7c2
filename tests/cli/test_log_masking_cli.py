"""No consumer key, secret or OAuth signature ever reaches a log (``-v`` or the log file).

Over plain HTTP every request carries its OAuth signature in the query (and ``--auth query``
the key and secret themselves); urllib3 logs that request line at DEBUG. The commands run as
real processes with ``-v`` and their stderr is searched; the desktop app's log file is
searched after requests made with its logging set up.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.api.choice import open_client
from app.api.connection import StoreConnection
from app.demo_store import DemoStore
from app.logs.masking import mask_credentials
from app.paths import AppPaths
from tests.conftest import StoreFactory
from tests.support.cli import key_environment, run_app

#: A credential's value left in a query: anything but the mask after ``oauth_…=``.
UNMASKED = re.compile(r"(?:oauth|consumer)_[a-z_]*=(?!\*\*\*)")

pytestmark = pytest.mark.profiles(
    "legacy", "modern", reason="the request line is urllib3's, the same below either API"
)


@pytest.fixture
def store(profile_store: StoreFactory) -> DemoStore:
    return profile_store(customers=3)


def assert_no_credentials(text: str, store: DemoStore) -> None:
    pair = store.keys["read_write"]
    assert pair.consumer_key not in text
    assert pair.consumer_secret not in text
    assert not UNMASKED.search(text), text


@pytest.mark.parametrize("auth", [[], ["--auth", "query"]], ids=["oauth", "query"])
@pytest.mark.slow
def test_verbose_output_holds_no_key_secret_or_signature(
    store: DemoStore, tmp_path: Path, auth: list[str]
) -> None:
    done = run_app(
        ["customers", "list", "-v", "--store-url", store.base_url, *auth],
        tmp_path,
        key_environment(store),
    )
    assert "urllib3" in done.stderr  # the request lines are logged, masked
    assert "=***" in done.stderr
    assert_no_credentials(done.stderr, store)


@pytest.fixture
def desktop_logging(tmp_path: Path) -> Iterator[AppPaths]:
    """The desktop app's logging (log file and, verbose, stderr); undone afterwards."""
    from app.main import _setup_logging

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    paths = AppPaths.under(tmp_path / "app")
    _setup_logging(paths, verbose=True)
    yield paths
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def test_the_log_file_holds_no_key_secret_or_signature(
    store: DemoStore, desktop_logging: AppPaths
) -> None:
    pair = store.keys["read_write"]
    connection = StoreConnection(store.base_url, pair.consumer_key, pair.consumer_secret)
    client = open_client(connection)
    try:
        assert client.count_customers() == 3
    finally:
        client.close()
    text = (desktop_logging.log_dir / "woo-customers.log").read_text(encoding="utf-8")
    assert "urllib3" in text
    assert_no_credentials(text, store)


def test_masking_keeps_everything_else() -> None:
    line = (
        '"GET /wc-api/v3/customers?filter%5Blimit%5D=100&oauth_consumer_key=ck_0123456789abcdef'
        '&oauth_signature=a%2Fb%3D HTTP/1.1" 200'
    )
    assert mask_credentials(line) == (
        '"GET /wc-api/v3/customers?filter%5Blimit%5D=100&oauth_consumer_key=***'
        '&oauth_signature=*** HTTP/1.1" 200'
    )
    assert mask_credentials("keys ck_0123456789 and cs_abcdef0123") == "keys ck_*** and cs_***"
