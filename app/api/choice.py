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

``--api legacy|modern`` (:class:`ApiChoice`) overrides the detection, and so does a store
profile's setting (:func:`effective_choice`: the flag, then the profile, then ``auto``). A store
that cannot be reached is given the legacy client, as before detection existed: requests then
fail with the usual network error, and the next connection detects again.

Detection costs two requests, so its result is saved with the store's profile
(:class:`SavedDetection`) and :func:`open_store_client` starts from it without asking again. It
detects anew when nothing is saved, and when a request fails in a way that says the API in use
is gone (:func:`api_gone`: the legacy API switched off, or no wc/v3 route): then it detects once
more, saves the answer, says which API is used now, and repeats the request once (such a
refusal comes before the store does anything, so a write is not repeated twice).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
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


@dataclass(frozen=True)
class SavedDetection:
    """What a store offered and when that was asked (saved with its profile).

    Attributes:
        apis: the APIs the store's indexes said it offers.
        at: when, as an ISO 8601 UTC timestamp.
    """

    apis: StoreApis
    at: str

    @classmethod
    def now(cls, apis: StoreApis) -> SavedDetection:
        """A detection made just now."""
        return cls(apis, datetime.now(UTC).isoformat(timespec="seconds"))


#: Store error codes that say the API a request went to is not there (any more): the legacy
#: API switched off or its plugin removed (reference 17.2), no wc/v3 route (reference 1.6).
API_GONE_CODES = frozenset({"woocommerce_api_disabled", "rest_no_route"})


def api_gone(error: AppError) -> bool:
    """Whether a failure says the API the request used is gone (worth detecting again)."""
    return error.code in API_GONE_CODES


def effective_choice(flag: str | None, profile: ApiChoice | str | None) -> ApiChoice:
    """The API choice that applies: ``--api`` first, then the store profile's, then ``auto``."""
    for wanted in (flag, profile):
        if wanted:
            return ApiChoice(wanted)
    return ApiChoice.AUTO


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


def underlying_client(client: WooClient) -> WooClient:
    """The client that does the work: a lazy one (:func:`open_store_client`) resolved."""
    if isinstance(client, _SavedDetectionClient):
        return client.resolved()
    return client


def describe_client(client: WooClient) -> str:
    """Which API a client uses, in words for the connection dialog and ``store info``."""
    client = underlying_client(client)
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
    client = underlying_client(client)
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
    return client_for(connection, apis)


def client_for(connection: StoreConnection, apis: StoreApis) -> WooClient:
    """The client for what a store offers (detected now, or saved earlier).

    Raises:
        ProtocolError: the store offers neither API.
    """
    if apis.legacy and apis.modern:
        return LegacyWithModernOrders(connection)
    if apis.modern:
        return RestClient(connection)
    if apis.legacy:
        return WooClient(connection)
    raise ProtocolError(NO_API_MESSAGE)


class _SavedDetectionClient:
    """The client of :func:`open_store_client`: from the saved detection, detecting on need."""

    def __init__(
        self,
        connection: StoreConnection,
        choice: ApiChoice,
        saved: SavedDetection | None,
        remember: Callable[[SavedDetection], None] | None,
        tell: Callable[[str], None] | None,
    ) -> None:
        self.connection = connection
        self._choice = choice
        self._saved = saved
        self._remember = remember
        self._tell = tell
        self._client: WooClient | None = None
        # The worker's threads share this client: one detects, the others use its answer.
        self._lock = threading.RLock()

    def resolved(self) -> WooClient:
        """The client: forced, from the saved detection, or detected now (and saved)."""
        with self._lock:
            if self._client is None:
                if self._choice is not ApiChoice.AUTO:
                    self._client = open_client(self.connection, self._choice)
                elif self._saved is not None:
                    self._client = client_for(self.connection, self._saved.apis)
                else:
                    self._client = self._detect()
            return self._client

    def _detect(self) -> WooClient:
        try:
            apis = detect_apis(self.connection)
        except NetworkError as error:
            log.info("API detection deferred (%s): using the legacy client", error.log_text())
            return WooClient(self.connection)
        self._saved = SavedDetection.now(apis)
        if self._remember is not None:
            self._remember(self._saved)
        return client_for(self.connection, apis)

    def _detect_again(self, error: AppError, used: WooClient) -> bool:
        """After ``error`` from ``used`` said its API is gone: whether another client serves.

        Detects once however many threads meet the refusal: a thread whose client was
        already replaced retries on the replacement.
        """
        with self._lock:
            if self._choice is not ApiChoice.AUTO or self._client is None:
                return False
            if self._client is not used:
                return True  # another thread detected meanwhile
            before = describe_client(used)
            log.info("the API in use seems gone (%s): detecting again", error.log_text())
            self._client = self._detect()
            used.close()
            after = describe_client(self._client)
        if after == before:
            return False
        if self._tell is not None:
            self._tell(f"The store no longer offers the {before}; the app now uses the {after}.")
        return True

    def __getattr__(self, name: str) -> Any:
        used = self.resolved()
        value = getattr(used, name)
        if not callable(value):
            return value

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return value(*args, **kwargs)
            except AppError as error:
                if not api_gone(error) or not self._detect_again(error, used):
                    raise
            return getattr(self.resolved(), name)(*args, **kwargs)

        return call

    def close(self) -> None:
        """Release the client's connections, if one was made."""
        if self._client is not None:
            self._client.close()


def open_store_client(
    connection: StoreConnection,
    choice: ApiChoice = ApiChoice.AUTO,
    saved: SavedDetection | None = None,
    *,
    remember: Callable[[SavedDetection], None] | None = None,
    tell: Callable[[str], None] | None = None,
) -> WooClient:
    """A client that asks the store nothing until used, and with ``saved`` not even then.

    With ``auto``, a saved detection is used as it is (no index requests); without one the
    store is detected on first use and ``remember`` is given the result to save. When a request
    fails because the API in use is gone (:func:`api_gone`), the store is detected again, the
    new result remembered, ``tell`` hears which API is used now, and the request is repeated
    once. A forced choice (``legacy``, ``modern``) never detects.
    """
    return cast(WooClient, _SavedDetectionClient(connection, choice, saved, remember, tell))
