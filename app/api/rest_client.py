"""A client for one store's customers over the modern REST API (``/wp-json/wc/v3``).

:class:`RestClient` has the public methods and return types of the legacy
:class:`~app.api.client.WooClient` and speaks wc/v3 (wc-rest-v3-behavior.md, section 19.1 maps
every operation): bare JSON bodies, ``X-WP-Total`` counts, ``email=`` lookups, ``force=true``
deletes, ``/customers/batch``, a customer's orders from ``/orders?customer=``. Lists are walked
as the legacy ones (:mod:`app.api.walk`, in the :data:`REST_LIST` style: ``orderby=id``,
``offset``/``per_page`` with at most 100 rows a request). Every write passes the write gate, and
a batch refuses more than the gate does, because wc/v3 batch items skip validation (section
9.3): an update whose email is not a valid address would blank the customer's email, and a
non-integer id is cast (``"12abc"`` deletes customer 12), so such items are never sent.

wc/v3 customers carry no order figures (section 3.7). Every customer this client reads gets
them from the first source the store offers (section 19.3), one request per 100 customers
(:meth:`RestClient.complete_customers`): ``wc/v1`` customers (exact, the legacy figures with the
last order), else ``wc/v2`` (exact, no last order), else WooCommerce Analytics' customers report
(approximate: it counts unpaid orders and can lag, section 14.3), else none (``Figures.UNKNOWN``,
shown as a dash). The sources are read once from the ``/wp-json/`` namespaces, and a source that
answers ``rest_no_route`` or refuses the key is dropped for the next. Whether the store
generates passwords for new customers comes from the settings API
(``settings/account/woocommerce_registration_generate_password``, ``"yes"``/``"no"``), None where
that setting cannot be read (e.g. a key whose user lacks ``manage_woocommerce``).

For incremental syncs (section 14.2), which wc/v3 offers no modified-since filter for: a stamp
scan (:meth:`RestClient.walk_customer_stamps`, the census walk trimmed to
``id,date_modified_gmt``), customers by id (:meth:`RestClient.customers_by_ids`, ``include``
chunks of 100, every id returned or reported missing), and the customers whose orders changed
since a watermark (:meth:`RestClient.orders_changed_since`, ``orders?modified_after``).
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, TypeVar

from app.api.client import (
    BulkOutcome,
    CustomerPage,
    CustomerQuery,
    SaveResult,
    StoreInfo,
    WooClient,
)
from app.api.connection import MAX_PAGE_SIZE, StoreConnection
from app.api.page_plan import PlanLimits
from app.api.parallel import parallel_keyed
from app.api.rest_errors import rest_error_from_body
from app.api.rest_transport import REST_API, REST_INDEX, TOTAL_HEADER, TOTAL_PAGES_HEADER
from app.api.transport import ApiResponse, CancelToken, Transport
from app.api.walk import CustomerWalk, ListStyle, WalkPlan
from app.domain.customer import Customer, Figures, unapplied_changes
from app.domain.email import is_email
from app.domain.figures import (
    OrderFigures,
    figures_from_analytics,
    figures_from_v1,
    figures_from_v2,
    site_offset,
    with_figures,
)
from app.domain.money import MoneyFormat
from app.domain.order import Download, Order
from app.domain.rest_customer import (
    customer_from_rest,
    download_from_rest,
    gmt_datetime,
    order_from_rest,
    rest_payload,
)
from app.domain.write_gate import check_payload
from app.errors import (
    AppError,
    AuthError,
    CancelledError,
    ConfigurationError,
    NetworkError,
    NotFoundError,
    PermissionDeniedError,
    ProtocolError,
    UnclearWriteError,
    ValidationError,
)

log = logging.getLogger("app.api")

_T = TypeVar("_T")

#: The settings route of WooCommerce's "Send password setup link" option (generate password).
_GENERATION_SETTING = "/settings/account/woocommerce_registration_generate_password"
#: What :meth:`RestClient.store_info` reads of ``system_status`` (only these sections are
#: computed, so the request stays cheap).
_STATUS_FIELDS = ",".join(
    [
        "environment.version",
        *(
            f"settings.{name}"
            for name in (
                "currency",
                "currency_symbol",
                "currency_position",
                "thousand_separator",
                "decimal_separator",
                "number_of_decimals",
            )
        ),
    ]
)
#: Legacy ``filter[orderby]`` values and their wc/v3 ``orderby`` (section 4.1).
_ORDERBY = {"id": "id", "registered": "registered_date", "display_name": "name", "name": "name"}
#: Legacy ``filter[...]`` entries wc/v3 has no parameter for (section 19.1).
_UNSUPPORTED = frozenset({"created_at_min", "created_at_max", "updated_at_min", "updated_at_max"})


def rest_query_params(query: CustomerQuery, *, ordered: bool = False) -> list[tuple[str, str]]:
    """``query`` as wc/v3 list parameters, sorted by name.

    ``search`` is a substring search in wc/v3 (an exact one in legacy). ``ordered`` replaces
    the order with ``orderby=id&order=asc``, the one order that pages without skips (4.5).

    Raises:
        ConfigurationError: an order or filter wc/v3 does not offer (``meta_key``,
            ``created_at_min``...).
    """
    params = {key: value for key, value in query.extra.items()}
    unsupported = sorted(_UNSUPPORTED & set(params))
    if unsupported or (query.meta_key and not ordered):
        names = ", ".join(unsupported or ["orderby_meta_key"])
        raise ConfigurationError(f"The store's REST API (wc/v3) cannot filter by {names}.")
    if query.role != "customer":
        params["role"] = query.role
    if query.search:
        params["search"] = query.search
    if ordered:
        params["orderby"], params["order"] = "id", "asc"
    else:
        if query.orderby:
            orderby = _ORDERBY.get(query.orderby.lower())
            if orderby is None:
                raise ConfigurationError(
                    f"The store's REST API (wc/v3) cannot order customers by {query.orderby}."
                )
            params["orderby"] = orderby
        if query.order:
            params["order"] = query.order.lower()
    return sorted(params.items())


#: The wc/v3 customer list as a walk sees it (section 4).
REST_LIST = ListStyle(
    offset_param="offset",
    limit_param="per_page",
    total_header=TOTAL_HEADER,
    items_key=None,
    ordered_params=lambda query: rest_query_params(query, ordered=True),
    max_rows=MAX_PAGE_SIZE,
)
#: A learning plan's bounds on wc/v3: a window and its overlap row within ``per_page`` 100.
REST_PLAN_LIMITS = PlanLimits(start_page_size=MAX_PAGE_SIZE - 1, max_page_size=MAX_PAGE_SIZE - 1)


class FigureSource(StrEnum):
    """Where a wc/v3 store's order figures come from (its REST namespace), best first.

    Section 19.3: wc/v1 customers carry the legacy figures and the last order, wc/v2 the
    figures without it, Analytics approximations (unpaid orders counted, may lag).
    """

    V1 = "wc/v1"
    V2 = "wc/v2"
    ANALYTICS = "wc-analytics"

    @property
    def precision(self) -> Figures:
        """How far this source's figures can be trusted."""
        return Figures.APPROXIMATE if self is FigureSource.ANALYTICS else Figures.EXACT


class RestClient(WooClient):
    """A wc/v3 client for one store's customers; safe to use from several threads.

    Every method of :class:`WooClient` that talks to the store is answered the wc/v3 way here,
    except the walks, which are WooClient's reading this class's list style, customer reader,
    census trim and plan bounds; the ones built only on others (``list_customers``,
    ``customer_ids``, ``bulk_save``) are inherited.
    """

    list_style = REST_LIST
    delete_params = (("force", "true"),)
    census_fields = ("_fields", "id")
    plan_limits = REST_PLAN_LIMITS

    @staticmethod
    def read_customer(data: Mapping[str, Any]) -> Customer:
        """One wc/v3 customer object as the app's Customer (order figures unknown)."""
        return customer_from_rest(data)

    def __init__(
        self,
        connection: StoreConnection,
        transport: Transport | None = None,
        *,
        index_transport: Transport | None = None,
    ) -> None:
        super().__init__(connection, transport or Transport(connection, flavor=REST_API))
        self.index_transport = index_transport or Transport(connection, flavor=REST_INDEX)
        self._figures_lock = threading.Lock()
        self._figure_sources: list[FigureSource] | None = None  # None: not detected yet
        self._utc_offset: timedelta | None = None

    def close(self) -> None:
        """Release the HTTP connections."""
        super().close()
        self.index_transport.close()

    # -- store ------------------------------------------------------------------------------

    def store_info(self, cancel: CancelToken | None = None) -> StoreInfo:
        """Name, address and time zone from ``/wp-json/``, after checking wc/v3 is offered.

        The WooCommerce version, the shop currency and how it writes money come from
        ``system_status`` (section 13.3) when the key's user may read it, else they stay
        empty (a format without a symbol). HTTPS is the home address' scheme. Whether the
        store generates passwords comes from its settings (:meth:`_generates_passwords`),
        None when they cannot be read.

        Raises:
            ProtocolError: the store's REST index does not list the wc/v3 namespace.
        """
        # The indexes list every route (hundreds of kilobytes); ``_fields`` trims any REST
        # answer, and a store that ignored it would only send more.
        fields = [("_fields", "name,description,url,home,timezone_string,gmt_offset,namespaces")]
        index = self.index_transport.request("GET", "/", fields, cancel=cancel, sign=False).body
        if not isinstance(index, Mapping):
            raise ProtocolError("The store's REST index is not what WordPress sends.")
        namespaces = index.get("namespaces")
        if not isinstance(namespaces, list) or "wc/v3" not in namespaces:
            raise ProtocolError(
                "The store does not offer WooCommerce's REST API (wc/v3). Check the store "
                "address and that WooCommerce is active.",
                detail=f"namespaces: {namespaces!r}"[:300],
            )
        namespace = [("_fields", "namespace")]
        self.index_transport.request("GET", "/wc/v3", namespace, cancel=cancel, sign=False)
        home = str(index.get("home") or index.get("url") or "")
        version, money = self._status(cancel)
        generate_password = self._generates_passwords(cancel)
        return StoreInfo(
            name=str(index.get("name", "")),
            description=str(index.get("description", "")),
            url=home,
            wc_version=version,
            api_version="wc/v3",
            ssl_enabled=home.lower().startswith("https://"),
            generate_password=generate_password,
            currency=money.code,
            # Empty for a site set to a fixed UTC offset, which gmt_offset then gives.
            timezone=str(index.get("timezone_string") or "")
            or _offset_text(index.get("gmt_offset")),
            money=money,
        )

    def _status(self, cancel: CancelToken | None) -> tuple[str, MoneyFormat]:
        """(WooCommerce version, how the shop writes money) from ``system_status``.

        Its ``settings`` section holds the shop currency, ``currency_symbol`` (HTML-escaped,
        as ``get_woocommerce_currency_symbol()`` returns it), ``currency_position``, the
        separators and ``number_of_decimals`` (WooCommerce's ``get_settings()``). Empty
        version and a format without a symbol when unreadable.
        """
        params = [("_fields", _STATUS_FIELDS)]
        try:
            body = self.transport.request("GET", "/system_status", params, cancel=cancel).body
        except (AuthError, NotFoundError, ValidationError, ProtocolError) as error:
            log.info("WooCommerce version not readable: %s", error.log_text())
            return "", MoneyFormat()
        environment, settings = _section(body, "environment"), _section(body, "settings")
        version = environment.get("version")
        money = MoneyFormat.from_store(
            settings.get("currency"),
            settings.get("currency_symbol"),
            settings.get("currency_position"),
            settings.get("thousand_separator"),
            settings.get("decimal_separator"),
            settings.get("number_of_decimals"),
        )
        return version if isinstance(version, str) else "", money

    def _generates_passwords(self, cancel: CancelToken | None) -> bool | None:
        """WooCommerce's ``woocommerce_registration_generate_password`` setting.

        ``GET settings/account/<id>`` needs ``manage_woocommerce`` (401/403 otherwise) and
        answers ``value`` ``"yes"`` or ``"no"`` (facts: :mod:`app.demo_store.rest.settings`).
        None when the route is missing, refused, failing, or the answer is neither.
        """
        params = [("_fields", "value")]
        try:
            body = self.transport.request("GET", _GENERATION_SETTING, params, cancel=cancel).body
        except CancelledError:
            raise
        except AppError as error:  # never fails store_info: WooCommerce's default then holds
            log.info("password setting not readable: %s", error.log_text())
            return None
        value = body.get("value") if isinstance(body, Mapping) else None
        if value not in ("yes", "no"):
            log.info("password setting unreadable: %r", value)
            return None
        return bool(value == "yes")

    # -- order figures (section 19.3) -------------------------------------------------------

    def figure_sources(self, cancel: CancelToken | None = None) -> tuple[FigureSource, ...]:
        """The figure sources this store offers, best first (:class:`FigureSource`).

        Read once per client from the ``/wp-json/`` namespaces (with the site's UTC offset,
        which Analytics' dates need); a source later found gone is left out.
        """
        with self._figures_lock:
            if self._figure_sources is None:
                self._figure_sources, self._utc_offset = self._detect_sources(cancel)
            return tuple(self._figure_sources)

    def _detect_sources(
        self, cancel: CancelToken | None
    ) -> tuple[list[FigureSource], timedelta | None]:
        fields = [("_fields", "namespaces,gmt_offset")]
        try:
            index = self.index_transport.request("GET", "/", fields, cancel=cancel, sign=False)
        except (NetworkError, CancelledError):
            raise
        except AppError as error:
            # Try them all: a source that is not there answers rest_no_route.
            log.info("REST index unreadable, trying every figure source: %s", error.log_text())
            return list(FigureSource), None
        body = index.body if isinstance(index.body, Mapping) else {}
        namespaces = body.get("namespaces")
        offered = namespaces if isinstance(namespaces, list) else []
        sources = [source for source in FigureSource if source in offered]
        log.info("order figures from: %s", ", ".join(sources) or "nowhere (unknown)")
        return sources, site_offset(body.get("gmt_offset"))

    def _drop_source(self, source: FigureSource) -> None:
        with self._figures_lock:
            if self._figure_sources is not None and source in self._figure_sources:
                self._figure_sources.remove(source)

    def complete_customers(
        self, customers: Sequence[Customer], cancel: CancelToken | None = None
    ) -> list[Customer]:
        """wc/v3 customers with their order figures, one request per 100 customers.

        Each customer gets the figures of the best source the store offers, with that source's
        precision (:class:`FigureSource`); one the source does not know (deleted meanwhile, a
        guest) and every one on a store without a source keeps ``Figures.UNKNOWN``. Figures a
        customer already has (exact or approximate) are kept.
        """
        wanted = sorted({c.id for c in customers if c.id > 0 and not c.stats_known})
        found: dict[int, tuple[OrderFigures, Figures]] = {}
        for start in range(0, len(wanted), MAX_PAGE_SIZE):
            found.update(self._figures_of(wanted[start : start + MAX_PAGE_SIZE], cancel))
        completed = []
        for customer in customers:
            if customer.id in found:
                figures, precision = found[customer.id]
                customer = with_figures(customer, figures, precision)
            completed.append(customer)
        return completed

    def _figures_of(
        self, ids: list[int], cancel: CancelToken | None
    ) -> dict[int, tuple[OrderFigures, Figures]]:
        """The figures of up to 100 customers from the best source that answers."""
        for source in self.figure_sources(cancel):
            try:
                figures = self._ask_source(source, ids, cancel)
            except (ProtocolError, NotFoundError, PermissionDeniedError) as error:
                # Gone: no such route, or a key whose user may not use it (403, e.g. reports).
                # A 401 is the key's or the clock's trouble, not the source's: it is raised.
                gone = isinstance(error, NotFoundError | PermissionDeniedError)
                if not gone and error.code != "rest_no_route":
                    raise
                log.info("order figures: %s unavailable (%s)", source, error.log_text())
                self._drop_source(source)
                continue
            precision = source.precision
            return {customer_id: (item, precision) for customer_id, item in figures.items()}
        return {}

    def _ask_source(
        self, source: FigureSource, ids: list[int], cancel: CancelToken | None
    ) -> dict[int, OrderFigures]:
        include = ",".join(map(str, ids))
        read: Callable[[object], tuple[int, OrderFigures] | None]
        if source == FigureSource.ANALYTICS:
            route = "/wc-analytics/reports/customers"
            params = [
                ("_fields", "user_id,orders_count,total_spend,date_last_order"),
                ("per_page", str(MAX_PAGE_SIZE)),
                ("users", include),
            ]
            offset = self._utc_offset

            def read(item: object) -> tuple[int, OrderFigures] | None:
                return figures_from_analytics(item, offset)

        else:
            fields = "id,orders_count,total_spent"
            read = figures_from_v2
            if source == FigureSource.V1:
                fields, read = fields + ",last_order", figures_from_v1
            route = f"/{source}/customers"
            params = [
                ("_fields", fields),
                ("include", include),
                ("per_page", str(MAX_PAGE_SIZE)),
                ("role", "all"),
            ]
        answer = self.index_transport.request("GET", route, params, cancel=cancel)
        wanted = set(ids)
        figures: dict[int, OrderFigures] = {}
        for item in _list(answer.body):
            entry = read(item)
            if entry is not None and entry[0] in wanted:
                figures[entry[0]] = entry[1]
        return figures

    def _complete(self, customer: Customer, cancel: CancelToken | None) -> Customer:
        return self.complete_customers([customer], cancel)[0]

    def _complete_saved(self, customers: list[Customer]) -> list[Customer]:
        """Customers the store has just saved, with their figures if the figures can be had.

        Best effort: the write is done, so neither a cancel nor a failing figures source may
        turn it into a failure; the figures then stay unknown until the next read or sync.
        """
        try:
            return self.complete_customers(customers)
        except AppError as error:
            log.warning("order figures of saved customers unavailable: %s", error.log_text())
            return customers

    # -- reading customers ----------------------------------------------------------------------

    def count_customers(
        self, query: CustomerQuery | None = None, cancel: CancelToken | None = None
    ) -> int:
        """How many customers match: ``X-WP-Total`` of a one-row page (section 4.7).

        The query's order does not matter to a count: it is replaced by the id order, so any
        query a walk accepts can be counted.
        """
        ordered = rest_query_params(query or CustomerQuery(), ordered=True)
        params = [*ordered, ("per_page", "1")]
        answer = self.transport.request("GET", "/customers", params, cancel=cancel)
        total = answer.header_int(TOTAL_HEADER)
        if total is None:
            raise ProtocolError("The store's answer holds no customer count (X-WP-Total).")
        return total

    def get_customer(self, customer_id: int, cancel: CancelToken | None = None) -> Customer:
        """One customer by id.

        Raises:
            NotFoundError: if the store has no such customer.
        """
        return self._complete(self._existing_customer(customer_id, cancel), cancel)

    def _customer_route(self, customer_id: int) -> str:
        """The route of one customer; an id a store would cast (``"12abc"``) is refused."""
        return f"/customers/{_integer_id(customer_id)}"

    def _existing_customer(self, customer_id: int, cancel: CancelToken | None) -> Customer:
        """One customer as wc/v3 has it (no figures): for existence checks."""
        route = self._customer_route(customer_id)
        return _parse(customer_from_rest, self.transport.request("GET", route, cancel=cancel).body)

    def find_customer_by_email(
        self, email: str, cancel: CancelToken | None = None
    ) -> Customer | None:
        """The customer with this email (compared case-insensitively), or None.

        Asks ``email=`` with ``role=all`` (section 4.4), every role, exact. An address the
        store's ``email`` parameter refuses (it can still be stored, e.g. by an import plugin)
        is looked for with the substring search, keeping exact matches only.
        """
        wanted = email.strip()
        search = [("per_page", str(MAX_PAGE_SIZE)), ("role", "all"), ("search", wanted)]
        params = search
        if is_email(wanted):
            params = [("email", wanted), ("per_page", str(MAX_PAGE_SIZE)), ("role", "all")]
        try:
            answer = self.transport.request("GET", "/customers", params, cancel=cancel)
        except ValidationError:
            if params is search:
                raise
            # The store's email check is stricter than WordPress' is_email: search instead.
            answer = self.transport.request("GET", "/customers", search, cancel=cancel)
        customers = [_parse(customer_from_rest, item) for item in _list(answer.body)]
        matches = [c for c in customers if c.email.casefold() == wanted.casefold()]
        return self._complete(min(matches, key=lambda c: c.id), cancel) if matches else None

    def customer_page(
        self,
        number: int,
        query: CustomerQuery | None = None,
        *,
        page_size: int | None = None,
        cancel: CancelToken | None = None,
    ) -> CustomerPage:
        """One page of customers (1-based) in the query's own order; only for a glimpse."""
        size = page_size or self.connection.page_size or MAX_PAGE_SIZE
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise ConfigurationError(f"The page size must be between 1 and {MAX_PAGE_SIZE}.")
        params = [
            *rest_query_params(query or CustomerQuery()),
            ("page", str(number)),
            ("per_page", str(size)),
        ]
        answer = self.transport.request("GET", "/customers", params, cancel=cancel)
        return self._completed_page(_customer_page(number, answer), cancel)

    def _completed_page(self, page: CustomerPage, cancel: CancelToken | None) -> CustomerPage:
        customers = tuple(self.complete_customers(page.customers, cancel))
        return dataclasses.replace(page, customers=customers)

    def customer_window(
        self,
        query: CustomerQuery,
        offset: int,
        size: int,
        *,
        cancel: CancelToken | None = None,
    ) -> CustomerPage:
        """``size`` (1 to 100) customers from position ``offset`` of the query's order."""
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise ConfigurationError(f"The page size must be between 1 and {MAX_PAGE_SIZE}.")
        params = [*rest_query_params(query), ("offset", str(offset)), ("per_page", str(size))]
        answer = self.transport.request("GET", "/customers", params, cancel=cancel)
        return self._completed_page(_customer_page(offset // size + 1, answer), cancel)

    # -- a customer's orders and downloads -------------------------------------------------------

    def customer_orders(self, customer_id: int, cancel: CancelToken | None = None) -> list[Order]:
        """All of a customer's orders, of every status, newest (highest id) first.

        ``/orders?customer=ID`` pages of 100 by ``page`` (section 11), ordered by id, which has
        no ties; an order met twice (one placed meanwhile shifts the pages) is kept once.
        wc/v3 answers an unknown customer with no orders, so an empty answer is checked
        against the customer, as the legacy route does it.

        Raises:
            NotFoundError: if the store has no such customer.
        """
        size = MAX_PAGE_SIZE
        base = [
            ("customer", str(_integer_id(customer_id))),
            ("order", "desc"),
            ("orderby", "id"),
            ("per_page", str(size)),
        ]

        def fetch(page: int) -> tuple[list[Order], int]:
            params = [*base, ("page", str(page))]
            answer = self.transport.request("GET", "/orders", params, cancel=cancel)
            orders = [_parse(order_from_rest, item) for item in _list(answer.body)]
            pages = answer.header_int(TOTAL_PAGES_HEADER)
            return orders, pages if pages is not None else 1

        first, pages = fetch(1)
        collected = {1: first}
        for page, (orders, _) in parallel_keyed(
            fetch, range(2, pages + 1), self.connection.concurrency, cancel
        ):
            collected[page] = orders
        result: list[Order] = []
        seen: set[int] = set()
        for page in sorted(collected):
            for order in collected[page]:
                if order.id not in seen:
                    seen.add(order.id)
                    result.append(order)
        if not result:
            self._existing_customer(customer_id, cancel)  # NotFoundError for an unknown customer
        return result

    def customer_downloads(
        self, customer_id: int, cancel: CancelToken | None = None
    ) -> list[Download]:
        """The files a customer may still download (one unpaged list).

        Raises:
            NotFoundError: if the store has no such customer.
        """
        route = f"/customers/{_integer_id(customer_id)}/downloads"
        answer = self.transport.request("GET", route, cancel=cancel)
        return [_parse(download_from_rest, item) for item in _list(answer.body)]

    # -- writing customers --------------------------------------------------------------------

    def create_customer(
        self, payload: Mapping[str, Any], cancel: CancelToken | None = None
    ) -> SaveResult:
        """Create a customer from a create payload (``CustomerDraft.to_create_payload()``).

        The payload is in the app's (legacy) shape and passes the write gate; it is sent in the
        wc/v3 shape. When the answer is lost, the customer is looked up by email before trying
        again, so a retry never creates a duplicate.

        Raises:
            ValidationError: the write gate refused the payload (nothing was sent), or the
                store refused it.
        """
        check_payload(payload, creating=True)
        body = rest_payload(payload, creating=True)
        email = str(payload.get("email", "")).strip()
        attempts = self.connection.max_retries + 1
        sent_at = time.time()
        for attempt in range(attempts):
            try:
                answer = self.transport.request("POST", "/customers", json_body=body, cancel=cancel)
            except UnclearWriteError:
                found = self.find_customer_by_email(email, cancel) if email else None
                if found is not None:
                    if found.created_at is not None and found.created_at.timestamp() < (
                        sent_at - _RECENT
                    ):
                        raise _email_taken() from None
                    log.info("create of %s: answer lost, found the customer by email", email)
                    return SaveResult(found, tuple(unapplied_changes(payload, found)), True)
                if attempt == attempts - 1:
                    raise
                continue
            customer = self._complete_saved([_parse(customer_from_rest, answer.body)])[0]
            return SaveResult(customer, tuple(unapplied_changes(payload, customer)))
        raise AssertionError("unreachable")  # pragma: no cover

    def update_customer(
        self, customer_id: int, changes: Mapping[str, Any], cancel: CancelToken | None = None
    ) -> SaveResult:
        """Send only ``changes`` (``update_payload(before, after)``) as a partial wc/v3 update.

        Unlike the legacy API, wc/v3 refuses an email another customer has (400) instead of
        silently keeping the old one; what it kept anyway is still reported.

        Raises:
            ValidationError: the write gate or the store refused the changes.
            NotFoundError: the store has no such customer.
        """
        check_payload(changes, creating=False)
        route = f"/customers/{_integer_id(customer_id)}"
        body = rest_payload(changes, creating=False)
        answer = self.transport.request("PUT", route, json_body=body, cancel=cancel)
        customer = self._complete_saved([_parse(customer_from_rest, answer.body)])[0]
        return SaveResult(customer, tuple(unapplied_changes(changes, customer)))

    def _bulk_refusal(self, item: Mapping[str, Any], creating: bool) -> AppError | None:
        """What the write gate lets through but a wc/v3 batch would destroy (section 9.3)."""
        return _batch_refusal(item, creating)

    def _send_bulk(
        self, pending: list[tuple[int, Mapping[str, Any]]], cancel: CancelToken | None
    ) -> list[BulkOutcome]:
        """One ``/customers/batch`` request: creates and updates, results merged by position."""
        creates = [(i, item) for i, item in pending if not item.get("id")]
        updates = [(i, item) for i, item in pending if item.get("id")]
        body: dict[str, list[dict[str, object]]] = {}
        if creates:
            body["create"] = [rest_payload(item, creating=True) for _, item in creates]
        if updates:
            body["update"] = [
                {"id": item["id"], **rest_payload(item, creating=False)} for _, item in updates
            ]
        answer = self.transport.request("POST", "/customers/batch", json_body=body, cancel=cancel)
        outcomes = []
        for key, group in (("create", creates), ("update", updates)):
            elements = _group(answer.body, key, len(group))
            outcomes += [
                _bulk_outcome(index, item, element)
                for (index, item), element in zip(group, elements, strict=True)
            ]
        return outcomes

    def _completed_outcomes(self, outcomes: list[BulkOutcome]) -> list[BulkOutcome]:
        """Batch results whose customers carry their figures (one request for the chunk)."""
        saved = [outcome.customer for outcome in outcomes if outcome.customer is not None]
        completed = {c.id: c for c in self._complete_saved(saved)}
        return [
            outcome
            if outcome.customer is None
            else dataclasses.replace(outcome, customer=completed[outcome.customer.id])
            for outcome in outcomes
        ]

    # -- incremental sync (reference 14.2) --------------------------------------------------------

    def walk_customer_stamps(
        self,
        query: CustomerQuery | None = None,
        *,
        plan: WalkPlan | None = None,
        cancel: CancelToken | None = None,
    ) -> CustomerWalk:
        """A stamp scan: the census walk, trimmed to ``id`` and ``date_modified_gmt``.

        The same complete, proven walk in id order as :meth:`walk_customer_ids` (about 54 bytes
        a customer instead of 1.2 KB), whose windows hold :class:`CustomerStamp` rows. wc/v3
        has no modified-since filter for customers (section 14.1): this is how a quick sync
        finds what changed. ``_fields`` trims the answer, not the store's work (section 4.8).
        """
        return self._walk(
            query,
            _stamps_of,
            plan or self.walk_plan(),
            cancel=cancel,
            extra={"_fields": "id,date_modified_gmt"},
        )

    def customers_by_ids(
        self, ids: Iterable[int], cancel: CancelToken | None = None
    ) -> CustomersById:
        """Full customers by id: ``include=<up to 100 ids>&role=all&orderby=include``.

        Chunks of 100 go several at a time, each with its customers' order figures
        (:meth:`complete_customers`). Every id asked for is either returned or reported
        missing (the store has no such user: deleted meanwhile). A chunk answered with fewer
        customers than its ``X-WP-Total`` (a host capping ``per_page``) has the rest asked
        again, so a capped answer never passes for a deletion.

        Raises:
            ProtocolError: the store counts customers it does not send.
        """
        wanted = sorted(set(ids))
        for customer_id in wanted:
            _integer_id(customer_id)
        chunks = [wanted[i : i + MAX_PAGE_SIZE] for i in range(0, len(wanted), MAX_PAGE_SIZE)]
        found: dict[int, Customer] = {}
        missing: set[int] = set()

        def fetch(index: int) -> tuple[list[Customer], set[int]]:
            customers, absent = self._included(chunks[index], cancel)
            return self.complete_customers(customers, cancel), absent

        for _, (customers, absent) in parallel_keyed(
            fetch, range(len(chunks)), self.connection.concurrency, cancel
        ):
            found.update((c.id, c) for c in customers)
            missing |= absent
        return CustomersById(tuple(found[i] for i in wanted if i in found), frozenset(missing))

    def _included(
        self, chunk: list[int], cancel: CancelToken | None
    ) -> tuple[list[Customer], set[int]]:
        """One chunk of :meth:`customers_by_ids`: (customers, ids the store does not have)."""
        customers: list[Customer] = []
        pending = list(chunk)
        while pending:
            params = [
                ("include", ",".join(str(i) for i in pending)),
                ("order", "asc"),
                ("orderby", "include"),
                ("per_page", str(len(pending))),
                ("role", "all"),
            ]
            answer = self.transport.request("GET", "/customers", params, cancel=cancel)
            asked = set(pending)
            got = [
                c
                for c in (_parse(self.read_customer, item) for item in _list(answer.body))
                if c.id in asked
            ]
            customers.extend(got)
            total = answer.header_int(TOTAL_HEADER)
            returned = {c.id for c in got}
            pending = [i for i in pending if i not in returned]
            if (total is not None and total <= len(got)) or (total is None and not got):
                # The store counts no more, or sends none of them: the rest are gone. Without
                # a count, a short answer with rows may be a host's cap: the rest are asked again.
                return customers, set(pending)
            if not got:
                raise ProtocolError(
                    f"The store counts {total} of the customers asked for but sends none.",
                )
        return customers, set()

    def newest_orders_watermark(self, cancel: CancelToken | None = None) -> OrdersWatermark | None:
        """The most recent order change now (where the next :meth:`orders_changed_since` starts).

        The orders sharing the newest second are all named (a page of the newest, and that
        second by id when it fills the page), so the next scan need not look at them again.
        None when the store has no orders.
        """
        params = [
            *_ORDER_STAMP_FIELDS,
            ("order", "desc"),
            ("orderby", "modified"),
            ("per_page", str(MAX_PAGE_SIZE)),
        ]
        answer = self.transport.request("GET", "/orders", params, cancel=cancel)
        stamps = [row for row in _order_stamps(answer.body) if row[2] is not None]
        newest = max((stamp for _, _, stamp in stamps if stamp is not None), default=None)
        if newest is None:
            return None
        ids = {order_id for order_id, _, stamp in stamps if stamp == newest}
        number = 0
        while len(ids) == len(stamps) == MAX_PAGE_SIZE * max(number, 1):
            # The newest second fills pages: name every order in it, by id.
            number += 1
            group = self._order_stamp_page("any", newest - 1, newest + 1, "id", number, cancel)
            if number == 1:
                ids, stamps = set(), []
            ids |= {order_id for order_id, _, stamp in group if stamp == newest}
            stamps += group
        return OrdersWatermark(newest, frozenset(ids))

    def orders_changed_since(
        self, watermark: OrdersWatermark | None, cancel: CancelToken | None = None
    ) -> OrderChanges:
        """The customers whose orders changed after ``watermark`` (every order when None).

        ``orders?modified_after=<UTC, no offset>&dates_are_gmt=true&orderby=modified&order=asc``
        (sections 11.1, 14.2.4), trimmed to ``id,customer_id,date_modified_gmt``, for the
        statuses ``any`` and ``trash`` (``any`` leaves trashed orders out, and trashing one
        changes its customer's figures). The bound is exclusive and stamps have one-second
        resolution, so the scan starts one second early and skips the orders the watermark
        says were seen in its second; each next request starts one second before the last
        stamp seen (the orders sharing it arrive whole), and a page that is one second only is
        read by id within that second. Guest orders (``customer_id`` 0) name nobody.

        Permanently deleted orders leave nothing to see: their customers' figures are
        corrected by the next full sync.
        """
        customers: set[int] = set()
        seen: set[int] = set()
        newest = watermark
        requests = 0
        skip = watermark.order_ids if watermark is not None else frozenset()

        def note(rows: list[tuple[int, int, int | None]]) -> None:
            nonlocal newest
            for order_id, customer_id, stamp in rows:
                if stamp is None or order_id in seen:
                    continue
                if watermark is not None and stamp == watermark.stamp and order_id in skip:
                    continue
                seen.add(order_id)
                if customer_id:
                    customers.add(customer_id)
                if newest is None or stamp > newest.stamp:
                    newest = OrdersWatermark(stamp, frozenset({order_id}))
                elif stamp == newest.stamp:
                    newest = OrdersWatermark(stamp, newest.order_ids | {order_id})

        for status in ("any", "trash"):
            after = watermark.stamp - 1 if watermark is not None else None
            while True:
                page = self._order_stamp_page(status, after, None, "modified", 1, cancel)
                requests += 1
                note(page)
                if len(page) < MAX_PAGE_SIZE:
                    break
                first, last = page[0][2], page[-1][2]
                if first is None or last is None:
                    raise ProtocolError("The store's orders carry no modification date.")
                if first < last:
                    after = last - 1  # the orders stamped ``last`` come whole in the next page
                    continue
                number = 1  # one second fills the page: read that second by id
                while True:
                    group = self._order_stamp_page(status, last - 1, last + 1, "id", number, cancel)
                    requests += 1
                    note(group)
                    if len(group) < MAX_PAGE_SIZE:
                        break
                    number += 1
                after = last
        return OrderChanges(frozenset(customers), newest, len(seen), requests)

    def _order_stamp_page(
        self,
        status: str,
        after: int | None,
        before: int | None,
        orderby: str,
        page: int,
        cancel: CancelToken | None,
    ) -> list[tuple[int, int, int | None]]:
        params = [
            *_ORDER_STAMP_FIELDS,
            ("dates_are_gmt", "true"),
            *([("modified_after", _gmt_bound(after))] if after is not None else []),
            *([("modified_before", _gmt_bound(before))] if before is not None else []),
            ("order", "asc"),
            ("orderby", orderby),
            ("page", str(page)),
            ("per_page", str(MAX_PAGE_SIZE)),
            ("status", status),
        ]
        answer = self.transport.request("GET", "/orders", params, cancel=cancel)
        return _order_stamps(answer.body)


#: How far the store's clock may be behind ours when judging a found customer as ours.
_RECENT = 15 * 60


def _email_taken() -> ValidationError:
    return ValidationError(
        "A customer with this email address already exists in the store.",
        field="email",
        code="registration-error-email-exists",
    )


def _integer_id(value: object) -> int:
    """A customer id to put in a route: a positive integer, nothing a store would cast."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ConfigurationError(f"{value!r} is not a customer id.")
    return value


def _batch_refusal(item: Mapping[str, Any], creating: bool) -> ValidationError | None:
    """What the write gate lets through but a wc/v3 batch would destroy (section 9.3)."""
    if creating:
        return None
    customer_id = item.get("id")
    if isinstance(customer_id, bool) or not isinstance(customer_id, int) or customer_id < 1:
        return ValidationError(
            f"Id: {customer_id!r} is not a customer id (a whole number).",
            field="id",
            detail="refused before sending: a batch casts ids, '12abc' would act on 12",
        )
    email = item.get("email")
    if isinstance(email, str) and not is_email(email):
        return ValidationError(
            "Email: This is not a valid email address.",
            field="email",
            detail="refused before sending: a batch update would blank the customer's email",
        )
    return None


def _group(body: object, key: str, expected: int) -> list[Any]:
    if expected == 0:
        return []
    elements = body.get(key) if isinstance(body, Mapping) else None
    if not isinstance(elements, list) or len(elements) != expected:
        count = len(elements) if isinstance(elements, list) else 0
        raise ProtocolError(
            f"The store answered {count} results for {expected} customers ({key}).",
            detail=str(body)[:300],
        )
    return elements


def _bulk_outcome(index: int, item: Mapping[str, Any], element: object) -> BulkOutcome:
    created = not item.get("id")
    if isinstance(element, Mapping) and isinstance(element.get("error"), Mapping):
        error: AppError = rest_error_from_body(400, element["error"])
        return BulkOutcome(index, None, error, created)
    if not isinstance(element, Mapping):
        return BulkOutcome(index, None, ProtocolError("The store's batch answer is damaged."))
    customer = _parse(customer_from_rest, element)
    return BulkOutcome(index, customer, None, created, tuple(unapplied_changes(item, customer)))


def _parse(parser: Callable[[Mapping[str, Any]], _T], data: object) -> _T:
    try:
        return parser(data)  # type: ignore[arg-type]
    except (ValueError, TypeError) as error:
        raise ProtocolError(
            "The store sent an object the app cannot read.", detail=f"{error}: {str(data)[:300]}"
        ) from error


def _list(body: object) -> list[Any]:
    if not isinstance(body, list):
        raise ProtocolError("The store's answer holds no list.", detail=str(body)[:300])
    return body


def _customer_page(number: int, answer: ApiResponse) -> CustomerPage:
    customers = tuple(_parse(customer_from_rest, c) for c in _list(answer.body))
    total = answer.header_int(TOTAL_HEADER)
    pages = answer.header_int(TOTAL_PAGES_HEADER)
    return CustomerPage(
        number,
        customers,
        total if total is not None else len(customers),
        pages if pages is not None else 1,
    )


# -- incremental sync ---------------------------------------------------------------------------

#: The order fields an orders-changed scan needs.
_ORDER_STAMP_FIELDS = [("_fields", "id,customer_id,date_modified_gmt")]


@dataclass(frozen=True, slots=True)
class CustomerStamp:
    """One row of a stamp scan: a customer id and its ``date_modified_gmt``.

    ``modified`` is in Unix seconds, None when the store sends none (a user no profile update
    ever stamped, e.g. one registered outside WooCommerce; reference 3.3).
    """

    id: int
    modified: int | None


@dataclass(frozen=True)
class CustomersById:
    """What :meth:`RestClient.customers_by_ids` got.

    The customers in id order, and the ids asked for that the store does not have.
    """

    customers: tuple[Customer, ...]
    missing: frozenset[int]


@dataclass(frozen=True)
class OrdersWatermark:
    """How far order changes have been seen.

    The newest ``date_modified_gmt`` (Unix seconds) and the orders seen with exactly that stamp.
    """

    stamp: int
    order_ids: frozenset[int]


@dataclass(frozen=True)
class OrderChanges:
    """What an orders-changed scan found.

    Attributes:
        customer_ids: customers with an order created, changed or trashed since the watermark.
        watermark: where the next scan starts (the one given when nothing changed).
        orders: changed orders seen.
        requests: requests the scan sent.
    """

    customer_ids: frozenset[int]
    watermark: OrdersWatermark | None
    orders: int
    requests: int


def _unix(value: object) -> int | None:
    moment = gmt_datetime(value)
    return int(moment.timestamp()) if moment is not None else None


def _stamps_of(items: list[Any]) -> list[CustomerStamp]:
    rows = []
    for item in items:
        customer_id = item.get("id") if isinstance(item, Mapping) else None
        if isinstance(customer_id, bool) or not isinstance(customer_id, int):
            raise ProtocolError("The store's customer ids are not numbers.")
        try:
            rows.append(CustomerStamp(customer_id, _unix(item.get("date_modified_gmt"))))
        except (ValueError, TypeError) as error:
            raise ProtocolError(
                "The store sent a modification date the app cannot read.", detail=str(item)[:300]
            ) from error
    return rows


def _order_stamps(body: object) -> list[tuple[int, int, int | None]]:
    """(order id, customer id, ``date_modified_gmt`` in Unix seconds) of an orders answer."""
    rows = []
    for item in _list(body):
        if not isinstance(item, Mapping):
            raise ProtocolError("The store's answer holds no orders.", detail=str(item)[:300])
        order_id, customer_id = item.get("id"), item.get("customer_id", 0)
        if not isinstance(order_id, int) or not isinstance(customer_id, int):
            raise ProtocolError("The store's order ids are not numbers.", detail=str(item)[:300])
        try:
            stamp = _unix(item.get("date_modified_gmt"))
        except (ValueError, TypeError) as error:
            raise ProtocolError(
                "The store sent an order date the app cannot read.", detail=str(item)[:300]
            ) from error
        rows.append((order_id, customer_id, stamp))
    return rows


def _gmt_bound(stamp: int) -> str:
    """A date filter's bound the portable way: UTC without an offset (section 11.1)."""
    return datetime.fromtimestamp(stamp, UTC).strftime("%Y-%m-%dT%H:%M:%S")


def _section(body: object, name: str) -> Mapping[str, object]:
    """A section of a ``system_status`` answer; empty when missing or not an object."""
    part = body.get(name) if isinstance(body, Mapping) else None
    return part if isinstance(part, Mapping) else {}


def _offset_text(gmt_offset: object) -> str:
    """``gmt_offset`` (hours) as ``+HH:MM``, as WooCommerce's own timezone string gives it."""
    offset = site_offset(gmt_offset)
    if offset is None:
        return ""
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{rest:02d}"
