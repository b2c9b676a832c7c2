"""What every handler is given: the store's settings, its database and who is calling."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from app.demo_store.schema import Database

#: WordPress capabilities the customers resource checks, by role (WooCommerce 3+ defaults).
ROLE_CAPABILITIES: dict[str, frozenset[str]] = {
    "administrator": frozenset(
        {"list_users", "create_users", "edit_users", "delete_users", "read_private_shop_orders"}
    ),
    "shop_manager": frozenset(
        {"list_users", "create_users", "edit_users", "delete_users", "read_private_shop_orders"}
    ),
    "customer": frozenset(),
    "subscriber": frozenset(),
}


@dataclass(frozen=True)
class StoreSettings:
    """Store-wide options a real store keeps in ``wp_options``.

    Attributes:
        home_url: the configured site URL (scheme, host, port, sub-directory; no trailing slash).
            Signatures and links are built from it, never from the request's Host header.
        ssl: whether the store is served over HTTPS (decides Basic auth versus OAuth).
        generate_password: WooCommerce's "generate password" option for new customers.
        tie_seed: seeds the order of tied rows in lists (see ``app.demo_store.ties``): the same
            seed and the same requests give the same orders, so a failing walk can be replayed.
        friendly_parameter_errors: answer a clear 400 ``demo_store_invalid_parameter`` where a
            real store crashes with a 500 "critical error" (a non-numeric ``filter[limit]``, a
            scalar ``filter``). Off by default: the demo store crashes like a real one.
    """

    home_url: str
    ssl: bool
    generate_password: bool = True
    tie_seed: int = 0
    friendly_parameter_errors: bool = False
    name: str = "Demo Store"
    description: str = "A WooCommerce-compatible store that runs inside Woo Customers"
    currency: str = "USD"
    wc_version: str = "8.3.0"

    @property
    def api_url(self) -> str:
        """The v3 API root, e.g. ``http://127.0.0.1:8080/wc-api/v3``."""
        return f"{self.home_url}/wc-api/v3"

    @property
    def home_path(self) -> str:
        """The sub-directory the site lives in ('' at the root)."""
        return urlsplit(self.home_url).path.rstrip("/")


@dataclass(frozen=True)
class Caller:
    """The WordPress user a request runs as (0 for the anonymous index request)."""

    user_id: int
    capabilities: frozenset[str] = field(default_factory=frozenset)

    def can(self, capability: str) -> bool:
        """Whether the user has ``capability``."""
        return capability in self.capabilities


@dataclass(frozen=True)
class RequestContext:
    """Everything a handler may use for one request."""

    settings: StoreSettings
    db: Database
    caller: Caller
