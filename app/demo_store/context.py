"""What every handler is given: the store's settings, its database and who is calling.

This module owns the store-wide options (``StoreSettings``): they model settings a real store
keeps in ``wp_options`` or in how it was installed, and each one switches on a documented
real-world behaviour (the legacy API missing, HPOS order storage) or, for ``friendly_errors``,
switches a real crash off.
"""

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
        friendly_errors: answer a demo-store error that says what was wrong where a real store
            crashes with its "critical error" 500 (off: crash like a real store).
        legacy_api_disabled: the store has no legacy API (WooCommerce 9 without the Legacy REST
            API plugin, or the API switched off): every ``/wc-api/...`` request is answered 404
            ``woocommerce_api_disabled`` (section 19.5).
        hpos: orders are kept in WooCommerce's HPOS tables, which the legacy API does not read:
            a customer's orders list is empty, ``orders/count`` is 0 and ``orders/<id>`` is 404,
            while the customer's order figures and downloads stay right (section 19.5).
        api: which REST APIs the store serves: ``both`` (default), ``legacy`` (no WooCommerce
            routes under ``/wp-json``: ``rest_no_route``) or ``modern`` (``/wc-api`` answers
            ``woocommerce_api_disabled``, as a 9.x store without the Legacy REST API plugin).
        without_v1_v2: WooCommerce's older REST namespaces ``wc/v1`` and ``wc/v2`` are gone (a
            store past 9.4.2 might drop them; UNVERIFIED, wc-rest-v3-behavior.md section 21.2):
            they are not in the ``/wp-json/`` namespaces and answer ``rest_no_route``.
    """

    home_url: str
    ssl: bool
    generate_password: bool = True
    tie_seed: int = 0
    friendly_errors: bool = False
    legacy_api_disabled: bool = False
    hpos: bool = False
    api: str = "both"
    without_v1_v2: bool = False
    name: str = "Demo Store"
    description: str = "A WooCommerce-compatible store that runs inside Woo Customers"
    currency: str = "USD"
    wc_version: str = "8.3.0"

    @classmethod
    def version_for(cls, api: str, legacy_api_disabled: bool) -> str:
        """The WooCommerce version a store serving these APIs runs.

        A store without the legacy API is a 9.x store without the Legacy REST API plugin
        (9.4.2, the version the reference was checked on); the others keep 8.3.0, whose legacy
        API is built in (and which may keep orders in HPOS tables, since 8.2).
        """
        return "9.4.2" if api == "modern" or legacy_api_disabled else cls.wc_version

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
