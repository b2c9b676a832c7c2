"""Start and stop a demo store in-process: for the app's demo mode and for test fixtures.

A store is a seeded SQLite file, the WSGI application over it, the fault injector in front, and
werkzeug's threaded server on a loopback port, running in a daemon thread until :meth:`stop`.
"""

from __future__ import annotations

import ipaddress
import logging
import shutil
import ssl
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from app.demo_store.auth import ApiKey, create_api_key, list_api_keys
from app.demo_store.context import StoreSettings
from app.demo_store.costs import CostMiddleware, HostCosts, WSGIApp
from app.demo_store.customer_writes import password_hash
from app.demo_store.faults import FaultInjector, FaultMiddleware
from app.demo_store.rest.app import API_CHOICES
from app.demo_store.schema import Database
from app.demo_store.seed import seed_store
from app.demo_store.wsgi import StoreApp

log = logging.getLogger("app.demo_store")

ADMIN_ID = 1
_KEY_DESCRIPTIONS = {
    "read_write": "Woo Customers (read/write)",
    "read": "Woo Customers (read only)",
    "write": "Woo Customers (write only)",
}


@dataclass(frozen=True)
class StoreConfig:
    """How to run a demo store.

    Attributes:
        host: address to listen on; loopback unless ``allow_remote``.
        port: port to listen on; 0 picks a free one.
        db_path: the store's SQLite file, kept between runs; None for a throw-away store.
        customers: how many customers to seed into a new database.
        seed: seed of the deterministic sample data.
        latency_ms: delay added to every answer.
        fault_rate: fraction of requests that get a random fault.
        certificate: (certificate file, key file) to serve HTTPS; None for plain HTTP.
        generate_password: whether new customers may be created without a password.
        site_url: the store's configured URL if not ``scheme://host:port`` (e.g. a sub-directory).
        allow_remote: permit a non-loopback ``host``.
        request_cost_ms: what every request costs, like WordPress' start-up (costs.py).
        customer_cost_ms: what each customer in an answer costs.
        php_workers: requests served at once; more wait for a worker. 0: no limit.
        php_time_limit_s: PHP's ``max_execution_time``; a costlier request fails. 0: none.
        burn_cpu: spend the costs as CPU work instead of sleeping.
        tie_seed: seed of the order of tied rows in lists (``StoreSettings.tie_seed``); pass the
            seed a failing test reports to replay its walks.
        currency: the shop currency (its symbol is reported HTML-escaped, e.g. ``&#36;``).
        friendly_errors: where a real store crashes with its "critical error" 500, answer a
            demo-store error saying what was wrong instead (default off: crash like a store).
        legacy_api_disabled: a store without the legacy API (WooCommerce 9 without the Legacy
            REST API plugin): every ``/wc-api/...`` request is 404 ``woocommerce_api_disabled``.
        hpos: orders in WooCommerce's HPOS tables, which the legacy API cannot see: customer
            order lists are empty, ``orders/count`` is 0, ``orders/<id>`` is 404.
        api: the REST APIs served: ``both`` (default), ``legacy`` (no WooCommerce routes under
            ``/wp-json``) or ``modern`` (``/wc-api`` answers ``woocommerce_api_disabled``).
        without_v1_v2: no ``wc/v1`` and ``wc/v2`` namespaces (``StoreSettings.without_v1_v2``).
    """

    host: str = "127.0.0.1"
    port: int = 0
    db_path: Path | None = None
    customers: int = 250
    seed: int = 1
    latency_ms: float = 0.0
    fault_rate: float = 0.0
    certificate: tuple[Path, Path] | None = None
    generate_password: bool = True
    site_url: str | None = None
    allow_remote: bool = False
    tie_seed: int = 0
    currency: str = "USD"
    friendly_errors: bool = False
    legacy_api_disabled: bool = False
    hpos: bool = False
    api: str = "both"
    without_v1_v2: bool = False
    request_cost_ms: float = 0.0
    customer_cost_ms: float = 0.0
    php_workers: int = 0
    php_time_limit_s: float = 0.0
    burn_cpu: bool = False

    @property
    def host_costs(self) -> HostCosts:
        """The cost model's options."""
        return HostCosts(
            request_ms=self.request_cost_ms,
            customer_ms=self.customer_cost_ms,
            php_workers=self.php_workers,
            time_limit_s=self.php_time_limit_s,
            burn_cpu=self.burn_cpu,
        )


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class _QuietHandler(WSGIRequestHandler):
    """Logs requests to the store's logger at debug level instead of stderr."""

    def log(self, type: str, message: str, *args: Any) -> None:
        log.debug("%s %s", self.address_string(), message % args)


class DemoStore:
    """A running demo store.

    Attributes:
        config: how it was started.
        settings: the store-wide options handlers see (URL, HTTPS, password policy).
        db: its database.
        faults: the fault injector; tests schedule faults on it.
        costs: the host cost model in front of the store, when the config sets one.
        keys: API keys by permission (``read_write``, ``read``, ``write``).
    """

    def __init__(self, config: StoreConfig) -> None:
        if not config.allow_remote and not is_loopback(config.host):
            raise ValueError(
                f"refusing to serve the demo store on {config.host}: it is meant for this "
                "machine only (pass allow_remote to override)"
            )
        host_costs = config.host_costs  # checks the cost options before anything is created
        if config.api not in API_CHOICES:
            raise ValueError(f"api must be one of {', '.join(API_CHOICES)}, not {config.api!r}")
        self.config = config
        self._temp_dir: Path | None = None
        if config.db_path is None:
            self._temp_dir = Path(tempfile.mkdtemp(prefix="woo-demo-store-"))
            db_path = self._temp_dir / "store.sqlite3"
        else:
            db_path = config.db_path
            db_path.parent.mkdir(parents=True, exist_ok=True)
        self.db = Database(db_path)
        self.keys = self._prepare_data()
        self.faults = FaultInjector(config.fault_rate, seed=config.seed)
        self._stopping = threading.Event()
        ssl_context = None
        if config.certificate is not None:
            ssl_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ssl_context.load_cert_chain(*map(str, config.certificate))
        self._server: BaseWSGIServer = make_server(
            config.host,
            config.port,
            self._handle,
            threaded=True,
            request_handler=_QuietHandler,
            ssl_context=ssl_context,
        )
        scheme = "https" if ssl_context else "http"
        host = f"[{config.host}]" if ":" in config.host else config.host
        home_url = (config.site_url or f"{scheme}://{host}:{self._server.port}").rstrip("/")
        self.settings = StoreSettings(
            home_url=home_url,
            ssl=ssl_context is not None,
            generate_password=config.generate_password,
            tie_seed=config.tie_seed,
            currency=config.currency,
            friendly_errors=config.friendly_errors,
            legacy_api_disabled=config.legacy_api_disabled,
            hpos=config.hpos,
            api=config.api,
            without_v1_v2=config.without_v1_v2,
            wc_version=StoreSettings.version_for(config.api, config.legacy_api_disabled),
        )
        app: WSGIApp = StoreApp(self.settings, self.db)
        self.costs: CostMiddleware | None = None
        if host_costs.active:
            # Inside the fault middleware: its latency is the network's, paid outside PHP.
            self.costs = CostMiddleware(app, host_costs, stopping=self._stopping)
            app = self.costs
        self._app = FaultMiddleware(
            app,
            self.faults,
            latency_ms=config.latency_ms,
            stopping=self._stopping,
        )
        self._thread = threading.Thread(
            # A short poll keeps stop() quick; idle polling costs next to nothing.
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="demo-store",
            daemon=True,
        )

    @classmethod
    def start(cls, config: StoreConfig | None = None) -> DemoStore:
        """Create, seed (if new) and start a store; it serves until :meth:`stop`."""
        store = cls(config or StoreConfig())
        store._thread.start()
        log.info("demo store serving %s", store.settings.api_url)
        return store

    def _prepare_data(self) -> dict[str, ApiKey]:
        conn = self.db.connection()
        if conn.execute("SELECT value FROM settings WHERE name = 'seeded'").fetchone() is None:
            started = time.perf_counter()
            with self.db.write() as write:
                write.execute(
                    "INSERT INTO users (id, login, email, nicename, display_name, role,"
                    " password_hash, registered, last_update, first_name, last_name)"
                    " VALUES (?, 'admin', 'admin@example.com', 'admin', 'Store Admin',"
                    " 'administrator', ?, ?, ?, 'Store', 'Admin')",
                    (ADMIN_ID, password_hash("admin"), 1546300800, 1546300800),
                )
                for permissions, description in _KEY_DESCRIPTIONS.items():
                    create_api_key(write, ADMIN_ID, permissions, description)
            seed_store(self.db, customers=self.config.customers, seed=self.config.seed)
            with self.db.write() as write:
                write.execute(
                    "INSERT INTO settings (name, value) VALUES ('seeded', ?)",
                    (f"{self.config.customers} customers, seed {self.config.seed}",),
                )
            log.info("seeded the demo store in %.1f s", time.perf_counter() - started)
        keys: dict[str, ApiKey] = {}
        for _description, key in list_api_keys(conn):
            keys.setdefault(key.permissions, key)
        return keys

    def _handle(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        """The server's WSGI entry (the app needs the bound port, known only after binding)."""
        return self._app(environ, start_response)

    @property
    def port(self) -> int:
        """The port it listens on (the store URL may name another, with ``site_url``)."""
        return int(self._server.port)

    @property
    def base_url(self) -> str:
        """The store URL a client is configured with."""
        return self.settings.home_url

    @property
    def api_url(self) -> str:
        """The v3 API root."""
        return self.settings.api_url

    @property
    def consumer_key(self) -> str:
        """The read/write consumer key."""
        return self.keys["read_write"].consumer_key

    @property
    def consumer_secret(self) -> str:
        """The read/write consumer secret."""
        return self.keys["read_write"].consumer_secret

    def create_user(self, login: str, email: str, role: str) -> int:
        """Add a WordPress user of any role (e.g. a shop manager or a subscriber)."""
        now = int(time.time())
        with self.db.write() as conn:
            cursor = conn.execute(
                "INSERT INTO users (login, email, nicename, display_name, role, password_hash,"
                " registered, last_update) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (login, email, login, login, role, password_hash(login), now, now),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def create_api_key(self, user_id: int, permissions: str) -> ApiKey:
        """A new key pair for a user."""
        with self.db.write() as conn:
            return create_api_key(conn, user_id, permissions, f"test key ({permissions})")

    def stop(self) -> None:
        """Stop serving, close the database and remove a throw-away store's files."""
        self._stopping.set()
        if self._thread.is_alive():
            self._server.shutdown()
            self._thread.join(timeout=10)
        self._server.server_close()
        self.db.close()
        if self._temp_dir is not None:
            shutil.rmtree(self._temp_dir, ignore_errors=True)

    def __enter__(self) -> DemoStore:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
