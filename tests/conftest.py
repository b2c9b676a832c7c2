"""Test-wide set-up: headless Qt, demo stores that are always stopped again, and store profiles.

A store-facing test runs once per *store profile*: the APIs a WooCommerce store offers and
where it keeps its orders (:data:`PROFILES`). Such a test asks for ``profile_store`` (start a
store in the test's profile) and ``profile_client`` (the app's own client for it, detected as
the app detects it: ``open_client`` with ``ApiChoice.AUTO``); the profile parametrisation is
added here, so test bodies are written once. Two markers narrow it:

* ``@pytest.mark.profiles("legacy", ..., reason="...")``: the test runs in these profiles only
  (a test that pins one API's wire behaviour says so, and why).

Two tiers (``make test`` and ``make test-fast``). ``--fast`` selects the quick one, meant for
every commit: tests marked ``slow`` (each takes a second or more, or all of
:data:`SLOW_FOLDERS`) are left out, a store-facing test runs in *one* of its
profiles (picked by its name, so the tier as a whole still visits every profile) and Hypothesis
runs the ``fast`` profile (few examples). Without it everything runs, every test in all its
profiles, with the ``full`` Hypothesis profile (many examples). A Hypothesis profile can also
be chosen with ``HYPOTHESIS_PROFILE`` or ``--hypothesis-profile``; property tests leave the
number of examples to the profile (a costly one caps it with
:func:`tests.support.examples.at_most`).
"""

from __future__ import annotations

import os
import zlib

# Before anything can create a QApplication: the suite never needs a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from PySide6.QtWidgets import QApplication

from app.api.choice import LegacyWithModernOrders, open_client
from app.api.client import WooClient
from app.api.connection import StoreConnection
from app.api.rest_client import RestClient
from app.demo_store import DemoStore, StoreConfig
from app.desktop.collector_timer import collect_in_gui_thread
from app.runtime.cycle_collector import collect_if_due, collects_only_when_asked
from tests.support.certificates import make_certificate

StoreFactory = Callable[..., DemoStore]


@dataclass(frozen=True)
class StoreProfile:
    """One kind of store: the APIs it serves (StoreConfig ``api``) and HPOS order storage."""

    name: str
    api: str
    hpos: bool = False

    @property
    def options(self) -> dict[str, Any]:
        """The StoreConfig options of this profile."""
        return {"api": self.api, "hpos": self.hpos}

    @property
    def client_type(self) -> type[WooClient]:
        """The client ``open_client`` must detect for a store of this profile."""
        if self.api == "modern":
            return RestClient
        return LegacyWithModernOrders if self.api == "both" else WooClient

    @property
    def legacy_customers(self) -> bool:
        """Whether the app reads customers through the legacy API here."""
        return self.api != "modern"


#: Every profile a store-facing test runs in, by name (the name is the test id).
PROFILES = {
    profile.name: profile
    for profile in (
        StoreProfile("legacy", "legacy"),
        StoreProfile("modern", "modern"),
        StoreProfile("both", "both"),
        StoreProfile("both+hpos", "both", hpos=True),
    )
}
#: The GUI's profiles: one per client the window can be given (the other two profiles differ
#: only below the client, which the client, sync, importer and CLI tests cover in all four).
GUI_PROFILES = ("legacy", "modern")


#: Hypothesis profiles: ``full`` for ``make test``, ``fast`` for ``make test-fast``.
settings.register_profile("full", max_examples=200)
settings.register_profile("fast", max_examples=10)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "full"))


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--fast",
        action="store_true",
        help="the quick tier (make test-fast): no slow tests, one store profile per test, "
        "few Hypothesis examples",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "profiles(*names, reason): run a store-facing test in these store profiles only",
    )
    explicit = config.getoption("hypothesis_profile", None) or "HYPOTHESIS_PROFILE" in os.environ
    if config.getoption("fast") and not explicit:
        settings.load_profile("fast")


#: Folders whose tests all count as slow: the demo store's own conformance to WooCommerce (some
#: 1,500 cases of the stand-in the other tests use; the app's code is not under test there).
SLOW_FOLDERS = ("demo_store",)


@pytest.hookimpl(tryfirst=True)  # before -m selects by markers
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests of :data:`SLOW_FOLDERS` slow; ``--fast`` leaves slow tests out."""
    here = Path(__file__).parent
    folders = [here / name for name in SLOW_FOLDERS]
    for item in items:
        if any(item.path.is_relative_to(folder) for folder in folders):
            item.add_marker(pytest.mark.slow)
    if not config.getoption("fast"):
        return
    slow = [item for item in items if item.get_closest_marker("slow") is not None]
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = [item for item in items if item.get_closest_marker("slow") is None]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Run every test that uses ``store_profile`` once per profile its markers allow."""
    marker = metafunc.definition.get_closest_marker("profiles")
    if "store_profile" not in metafunc.fixturenames:
        return  # not store-facing (a module-wide marker also reaches such tests)
    names = list(PROFILES)
    if marker is not None:
        if not marker.kwargs.get("reason"):
            raise pytest.UsageError(f"{metafunc.definition.nodeid}: profiles() needs a reason")
        unknown = set(marker.args) - set(PROFILES)
        if unknown or not marker.args:
            raise pytest.UsageError(f"{metafunc.definition.nodeid}: profiles {marker.args}")
        names = [name for name in names if name in marker.args]
    if metafunc.config.getoption("fast"):
        # One profile per test, the same on every run; over the tier every profile is visited.
        names = [names[zlib.crc32(metafunc.definition.nodeid.encode()) % len(names)]]
    metafunc.parametrize(
        "store_profile",
        [pytest.param(PROFILES[name], id=name) for name in names],
        indirect=True,
    )


@pytest.fixture(scope="session")
def qapp(qapp: QApplication) -> QApplication:
    """pytest-qt's application, collecting garbage only in the GUI thread, as the app does.

    Otherwise a worker thread of one test could collect a window or service an earlier test
    left as garbage, destroying Qt objects outside their thread (which crashed the suite).
    """
    collect_in_gui_thread(qapp)
    return qapp


@pytest.fixture(autouse=True)
def _collect_garbage_between_tests() -> Iterator[None]:
    """Collect what is due after each test: a test that runs no event loop runs no collector."""
    yield
    if collects_only_when_asked():
        collect_if_due()


@pytest.fixture
def store_profile(request: pytest.FixtureRequest) -> StoreProfile:
    """The test's store profile (parametrised by :func:`pytest_generate_tests`)."""
    profile = request.param
    assert isinstance(profile, StoreProfile)
    return profile


@pytest.fixture
def start_store() -> Iterator[StoreFactory]:
    """Start demo stores with any :class:`StoreConfig` options; all stop at teardown."""
    stores: list[DemoStore] = []

    def start(**options: Any) -> DemoStore:
        options.setdefault("customers", 0)
        store = DemoStore.start(StoreConfig(**options))
        stores.append(store)
        return store

    yield start
    for store in stores:
        store.stop()


@pytest.fixture
def profile_store(start_store: StoreFactory, store_profile: StoreProfile) -> StoreFactory:
    """Start demo stores in the test's profile, with any other :class:`StoreConfig` options."""

    def start(**options: Any) -> DemoStore:
        assert not {"api", "hpos"} & set(options), "the profile sets api and hpos"
        return start_store(**store_profile.options, **options)

    return start


ClientFactory = Callable[[StoreConnection], WooClient]


@pytest.fixture
def profile_client(store_profile: StoreProfile) -> Iterator[ClientFactory]:
    """Open the app's client for a connection as the app does (detected: ``open_client``),
    checking it is the profile's client; all are closed at teardown."""
    clients: list[WooClient] = []

    def open_(connection: StoreConnection) -> WooClient:
        client = open_client(connection)
        clients.append(client)
        assert type(client) is store_profile.client_type, (store_profile, type(client))
        return client

    yield open_
    for client in clients:
        client.close()


@pytest.fixture(scope="session")
def tls_certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate and key for HTTPS stores on 127.0.0.1."""
    return make_certificate(tmp_path_factory.mktemp("tls"))
