"""Which of a store's two REST APIs the app talks to, feature by feature.

A WooCommerce store may offer the legacy API (``/wc-api/v3``: built in up to 8.x, the separate
Legacy REST API plugin since 9.0), the modern one (``/wp-json/wc/v3``: every store since 3.5),
or both. :func:`detect_apis` asks each one's public index (no keys needed); :func:`open_client`
then builds the client the choice calls for:

* legacy only (WooCommerce < 3.5, or wp-json blocked): the legacy client, as always;
* modern only (a 9.x store without the plugin): the wc/v3 client;
* both: customers from the legacy API (its customers carry the order figures the modern one
  lacks) and a customer's orders from wc/v3, which reads orders wherever WooCommerce keeps them:
  the legacy route sees none on a store with HPOS order storage (reference 19.5);
* neither: a refusal that says what the owner can do.

``--api legacy|modern`` (:class:`ApiChoice`) overrides the detection. A store that cannot be
reached is given the legacy client, as before detection existed: requests then fail with the
usual network error, and the next connection detects again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any, cast

from app.api.client import StoreInfo, WooClient
from app.api.connection import StoreConnection
from app.api.rest_client import RestClient
from app.api.rest_transport import REST_INDEX
from app.api.transport import CancelToken, Transport
from app.domain.order import Order
from app.errors import AppError, NetworkError, ProtocolError

log = logging.getLogger("app.api")


class ApiChoice(StrEnum):
    """Which API to use: detected per feature, or one forced."""

    AUTO = "auto"
    LEGACY = "legacy"
    MODERN = "modern"


@dataclass(frozen=True)
class StoreApis:
    """What a store's public indexes said it offers."""

    legacy: bool
    modern: bool


#: The refusal for a store that offers neither API.
NO_API_MESSAGE = (
    "The store answers, but offers neither of WooCommerce's REST APIs. Check that the address "
    "is the store's own, that WooCommerce is active and that WordPress permalinks are not set "
    'to "Plain"; that no security plugin blocks /wp-json/; or, for the legacy API, install '
    "the WooCommerce Legacy REST API plugin (WooCommerce 9 and later)."
)


def detect_apis(connection: StoreConnection, cancel: CancelToken | None = None) -> StoreApis:
    """Ask both public indexes which APIs the store offers (no keys are sent).

    Raises:
        NetworkError: the store cannot be reached at all.
    """
    legacy = _offers(Transport(connection), "", "store", cancel)
    # The namespace index lists every route (hundreds of kilobytes): _fields trims it.
    modern = _offers(
        Transport(connection, flavor=REST_INDEX),
        "/wc/v3",
        "namespace",
        cancel,
        [("_fields", "namespace")],
    )
    return StoreApis(legacy=legacy, modern=modern)


def _offers(
    transport: Transport,
    route: str,
    key: str,
    cancel: CancelToken | None,
    params: list[tuple[str, str]] | None = None,
) -> bool:
    try:
        body = transport.request("GET", route, params or [], cancel=cancel, sign=False).body
    except NetworkError:
        raise
    except AppError as error:  # 404, the API switched off, an HTML page: not offered
        log.info("API index %s%s not offered: %s", transport.api_url, route, error.log_text())
        return False
    finally:
        transport.close()
    return isinstance(body, dict) and key in body


class LegacyWithModernOrders(WooClient):
    """The legacy client, with a customer's orders read through wc/v3 (reference 19.5)."""

    def __init__(self, connection: StoreConnection, **options: Any) -> None:
        super().__init__(connection, **options)
        self._orders = RestClient(connection)

    def close(self) -> None:
        """Release both clients' connections."""
        super().close()
        self._orders.close()

    def customer_orders(self, customer_id: int, cancel: CancelToken | None = None) -> list[Order]:
        """All of a customer's orders, newest first, from wc/v3 (it sees HPOS orders too).

        Raises:
            NotFoundError: if the store has no such customer.
        """
        return self._orders.customer_orders(customer_id, cancel)


def describe_client(client: WooClient) -> str:
    """Which API a client uses, in words for the connection dialog and ``store info``."""
    if isinstance(client, _DetectedOnFirstUse):
        client = client.resolved()
    if isinstance(client, LegacyWithModernOrders):
        return "legacy REST API v3 (/wc-api/v3), orders from the REST API (/wp-json/wc/v3)"
    if isinstance(client, RestClient):
        return "REST API (/wp-json/wc/v3)"
    return "legacy REST API v3 (/wc-api/v3)"


def stamp_scanner(client: WooClient) -> RestClient | None:
    """The client a quick sync scans wc/v3 stamps with, or None to use legacy ``last_update``.

    The one place that decides how a quick sync finds changes: where customers come from the
    legacy API (the legacy client, and :class:`LegacyWithModernOrders`) its ``last_update``
    ordering does; where only wc/v3 serves them, which cannot filter or order customers by a
    change (reference 14.1), a scan of every customer's ``date_modified_gmt`` does.
    """
    if isinstance(client, _DetectedOnFirstUse):
        client = client.resolved()
    return client if isinstance(client, RestClient) else None


def store_info(client: WooClient, cancel: CancelToken | None = None) -> StoreInfo:
    """The store's info, saying which API the app uses for it."""
    return replace(client.store_info(cancel), api_used=describe_client(client))


def open_client(
    connection: StoreConnection,
    choice: ApiChoice = ApiChoice.AUTO,
    cancel: CancelToken | None = None,
) -> WooClient:
    """The client for this store and choice (detection asks two public indexes).

    Raises:
        ProtocolError: with AUTO, the store offers neither API.
    """
    if choice is ApiChoice.LEGACY:
        return WooClient(connection)
    if choice is ApiChoice.MODERN:
        return RestClient(connection)
    try:
        apis = detect_apis(connection, cancel)
    except NetworkError as error:
        log.info("API detection deferred (%s): using the legacy client", error.log_text())
        return WooClient(connection)
    if apis.legacy and apis.modern:
        return LegacyWithModernOrders(connection)
    if apis.modern:
        return RestClient(connection)
    if apis.legacy:
        return WooClient(connection)
    raise ProtocolError(NO_API_MESSAGE)


class _DetectedOnFirstUse:
    """Stands in for the client until something is asked of the store, then detects."""

    def __init__(self, connection: StoreConnection, choice: ApiChoice) -> None:
        self.connection = connection
        self._choice = choice
        self._client: WooClient | None = None

    def resolved(self) -> WooClient:
        """The client, detecting the store's APIs the first time."""
        if self._client is None:
            self._client = open_client(self.connection, self._choice)
        return self._client

    def __getattr__(self, name: str) -> Any:
        return getattr(self.resolved(), name)

    def close(self) -> None:
        """Release the client's connections, if one was made."""
        if self._client is not None:
            self._client.close()


def open_client_on_first_use(
    connection: StoreConnection, choice: ApiChoice = ApiChoice.AUTO
) -> WooClient:
    """A client that detects the store's APIs only when first used (:func:`open_client`).

    A command refused before it reaches the store (the write gate, a usage error) then asks
    the store nothing at all, not even its public indexes.
    """
    return cast(WooClient, _DetectedOnFirstUse(connection, choice))
