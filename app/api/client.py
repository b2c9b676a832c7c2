"""The WooCommerce legacy v3 customers client: every endpoint, as domain objects.

Lists are fetched page by page, several pages at a time (bounded), and can be consumed as a
stream of pages as they arrive. Writes detect the store's silent no-change answers by comparing
what was sent with what came back, and never repeat a create blindly: when a create's answer is
lost, the customer is looked up by email before anything is sent again. Every write first
passes the write gate (:func:`app.domain.write_gate.check_payload`): a body a store would destroy
or garble data with (an emptied email, a list as a name...) is refused before it is sent.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

from app.api.connection import MAX_PAGE_SIZE, StoreConnection
from app.api.errors import error_from_envelope
from app.api.page_plan import PagePlanner, PlanLimits, PlanMemory
from app.api.parallel import parallel_keyed
from app.api.transport import ApiResponse, CancelToken, Transport, api_value
from app.api.walk import (
    LEGACY_LIST,
    CustomerWalk,
    FixedPlan,
    ListStyle,
    WalkPlan,
    WalkProof,
    WalkWindow,
)
from app.domain.customer import Customer, UnappliedChange, unapplied_changes
from app.domain.email import is_email
from app.domain.money import MoneyFormat
from app.domain.order import Download, Order
from app.domain.write_gate import check_payload, refusal
from app.errors import (
    AppError,
    ConfigurationError,
    NotFoundError,
    ProtocolError,
    UnclearWriteError,
    ValidationError,
)

log = logging.getLogger("app.api")

#: WooCommerce's limit on items in one bulk request.
BULK_LIMIT = 100

_T = TypeVar("_T")


@dataclass(frozen=True)
class StoreInfo:
    """What the store's index says about it."""

    name: str
    description: str
    url: str
    wc_version: str
    api_version: str
    ssl_enabled: bool
    #: WooCommerce's "generate password" option; None where the store does not say (a wc/v3
    #: store whose settings the key may not read).
    generate_password: bool | None
    currency: str
    timezone: str
    #: Which API the app uses for this store, in words (set by app.api.choice).
    api_used: str = ""
    #: How the store writes money (symbol, position, separators, decimals); without a symbol
    #: where the store did not say.
    money: MoneyFormat = field(default_factory=MoneyFormat)

    @property
    def generates_passwords(self) -> bool:
        """Whether a new customer may come without a password.

        Where the store does not say, WooCommerce's default holds (it generates them); a store
        that turned that off refuses such a customer with its own clear message.
        """
        return self.generate_password is not False


@dataclass(frozen=True)
class CustomerPage:
    """One page of a customer list, with the store's totals at the time it was fetched."""

    number: int
    customers: tuple[Customer, ...]
    total: int
    total_pages: int


class CustomerList(tuple[Customer, ...]):
    """Every customer a walk returned, in id order, and what the walk proved (``proof``)."""

    proof: WalkProof

    def __new__(cls, customers: Iterable[Customer], proof: WalkProof) -> CustomerList:  # noqa: D102
        listed = super().__new__(cls, customers)
        listed.proof = proof
        return listed

    @property
    def customers(self) -> tuple[Customer, ...]:
        """The customers as a plain tuple."""
        return tuple(self)


class Census(frozenset[int]):
    """The ids of every customer a query matches, and what the walk proved (``proof``)."""

    proof: WalkProof

    def __new__(cls, ids: Iterable[int], proof: WalkProof) -> Census:  # noqa: D102
        census = super().__new__(cls, ids)
        census.proof = proof
        return census

    @property
    def ids(self) -> frozenset[int]:
        """The ids as a plain frozenset."""
        return frozenset(self)


@dataclass(frozen=True)
class SaveResult:
    """A saved customer as the store answered it.

    Attributes:
        customer: the customer as stored.
        unapplied: fields the store silently kept (e.g. an email used by another customer).
        recovered: the answer was lost and the customer was found by email afterwards.
    """

    customer: Customer
    unapplied: tuple[UnappliedChange, ...] = ()
    recovered: bool = False


@dataclass(frozen=True)
class BulkOutcome:
    """What happened to one item of a bulk save, by its position in the input."""

    index: int
    customer: Customer | None = None
    error: AppError | None = None
    created: bool = False
    unapplied: tuple[UnappliedChange, ...] = ()
    recovered: bool = False

    @property
    def ok(self) -> bool:
        """Whether the item was saved."""
        return self.error is None


@dataclass(frozen=True)
class CustomerQuery:
    """Which customers to list, in which order.

    Attributes:
        role: a WordPress role, or "all" (the store's default is "customer").
        search: WordPress user search: exact email, login or name unless wrapped in ``*``.
        orderby: the store's ``filter[orderby]`` (``registered``, ``meta_value_num``...).
        order: "ASC" or "DESC".
        meta_key: ``filter[orderby_meta_key]`` (``last_update`` orders by last change).
        extra: further ``filter[...]`` entries, e.g. ``created_at_min``.
    """

    role: str = "customer"
    search: str = ""
    orderby: str = ""
    order: str = ""
    meta_key: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)

    def params(self) -> list[tuple[str, str]]:
        """The query's ``filter[...]`` parameters, sorted by name (signatures stay simple)."""
        filters = dict(self.extra)
        if self.role != "customer":
            filters["role"] = self.role
        for name, value in (
            ("q", self.search),
            ("orderby", self.orderby),
            ("order", self.order),
            ("orderby_meta_key", self.meta_key),
        ):
            if value:
                filters[name] = value
        return [(f"filter[{name}]", api_value(filters[name])) for name in sorted(filters)]


class WooClient:
    """A client for one store's customers; safe to use from several threads.

    The class attributes say how this API's lists look; the wc/v3 client
    (:class:`app.api.rest_client.RestClient`) sets its own and shares the walks.
    """

    #: How a list request names a window, the total order and the count.
    list_style: ClassVar[ListStyle] = LEGACY_LIST
    #: The parameter that trims a census's answers to ids.
    census_fields: ClassVar[tuple[str, str]] = ("fields", "id")
    #: A learning plan's bounds on this API (None: the planner's own).
    plan_limits: ClassVar[PlanLimits | None] = None
    #: What a delete sends besides the route (wc/v3 needs ``force=true``: users have no trash).
    delete_params: ClassVar[tuple[tuple[str, str], ...]] = ()

    @staticmethod
    def read_customer(data: Mapping[str, Any]) -> Customer:
        """One customer object of this API's shape, as the app's Customer."""
        return Customer.from_api(data)

    def complete_customers(
        self, customers: Sequence[Customer], cancel: CancelToken | None = None
    ) -> list[Customer]:
        """Customers as read, completed with what their objects lack (at most 100 per request).

        Every customer this client reads passes here (walk windows, pages, single reads, write
        answers). The legacy API's customers carry their order figures: they are returned as
        they are. The wc/v3 client fills in the figures wc/v3 dropped.
        """
        return list(customers)

    def __init__(self, connection: StoreConnection, transport: Transport | None = None) -> None:
        self.connection = connection
        self.transport = transport or Transport(connection)

    def close(self) -> None:
        """Release the HTTP connections."""
        self.transport.close()

    # -- store ------------------------------------------------------------------------------

    def store_info(self, cancel: CancelToken | None = None) -> StoreInfo:
        """Name, WooCommerce version and options from the store's index (no keys needed)."""
        body = self.transport.request("GET", "", cancel=cancel, sign=False).body
        store = body.get("store") if isinstance(body, Mapping) else None
        if not isinstance(store, Mapping):
            raise ProtocolError("The store's API index is not what WooCommerce sends.")
        meta = store.get("meta") if isinstance(store.get("meta"), Mapping) else {}
        assert isinstance(meta, Mapping)
        return StoreInfo(
            name=str(store.get("name", "")),
            description=str(store.get("description", "")),
            url=str(store.get("URL", "")),
            wc_version=str(store.get("wc_version", "")),
            api_version=str(store.get("version", "")),
            ssl_enabled=bool(meta.get("ssl_enabled", False)),
            generate_password=bool(meta.get("generate_password", False)),
            currency=str(meta.get("currency", "")),
            timezone=str(meta.get("timezone", "")),
            # ``currency_format`` is the symbol, HTML-escaped (section 19.6).
            money=MoneyFormat.from_store(
                meta.get("currency"),
                meta.get("currency_format"),
                meta.get("currency_position"),
                meta.get("thousand_separator"),
                meta.get("decimal_separator"),
                meta.get("price_num_decimals"),
            ),
        )

    # -- reading customers ----------------------------------------------------------------------

    def count_customers(
        self, query: CustomerQuery | None = None, cancel: CancelToken | None = None
    ) -> int:
        """How many customers match (the store's own count)."""
        params = (query or CustomerQuery()).params()
        body = self.transport.request("GET", "/customers/count", params, cancel=cancel).body
        count = body.get("count") if isinstance(body, Mapping) else None
        if not isinstance(count, int):
            raise ProtocolError("The store's customer count is not a number.")
        return count

    def get_customer(self, customer_id: int, cancel: CancelToken | None = None) -> Customer:
        """One customer by id.

        Raises:
            NotFoundError: if the store has no such customer.
        """
        body = self.transport.request("GET", f"/customers/{customer_id}", cancel=cancel).body
        return _customer_from(body)

    def find_customer_by_email(
        self, email: str, cancel: CancelToken | None = None
    ) -> Customer | None:
        """The customer with this email (the store compares case-insensitively), or None.

        The email route answers 404 for any address WordPress' ``is_email`` refuses, though a
        store can hold one (a non-ASCII address put there by an import plugin): those are
        looked up with the list's exact email search instead.
        """
        wanted = email.strip()
        if not is_email(wanted):
            query = CustomerQuery(role="all", search=wanted)
            page = self.customer_page(1, query, page_size=MAX_PAGE_SIZE, cancel=cancel)
            matches = [c for c in page.customers if c.email.casefold() == wanted.casefold()]
            return min(matches, key=lambda c: c.id) if matches else None
        route = f"/customers/email/{api_value(wanted)}"
        try:
            body = self.transport.request("GET", route, cancel=cancel).body
        except NotFoundError:
            return None
        return _customer_from(body)

    def customer_page(
        self,
        number: int,
        query: CustomerQuery | None = None,
        *,
        page_size: int | None = None,
        cancel: CancelToken | None = None,
    ) -> CustomerPage:
        """One page of customers (1-based) in the query's own order.

        Only for a glimpse (the newest customer, a preview): pages of an order with ties repeat
        and skip customers (section 19.1). Anything that must see every customer walks.
        """
        size = page_size or self.connection.page_size or MAX_PAGE_SIZE
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise ConfigurationError(f"The page size must be between 1 and {MAX_PAGE_SIZE}.")
        pairs = [
            *(query or CustomerQuery()).params(),
            ("filter[limit]", str(size)),
            ("page", str(number)),
        ]
        answer = self.transport.request("GET", "/customers", pairs, cancel=cancel)
        return _customer_page(number, answer)

    def customer_window(
        self,
        query: CustomerQuery,
        offset: int,
        size: int,
        *,
        cancel: CancelToken | None = None,
    ) -> CustomerPage:
        """``size`` customers from position ``offset`` of the query's order (0-based)."""
        pairs = [
            *query.params(),
            ("filter[limit]", str(size)),
            ("filter[offset]", str(offset)),
        ]
        answer = self.transport.request("GET", "/customers", pairs, cancel=cancel)
        return _customer_page(offset // size + 1, answer)

    def walk_plan(
        self,
        memory: PlanMemory | None = None,
        *,
        page_size: int | None = None,
        concurrency: int | None = None,
    ) -> WalkPlan:
        """How a walk sizes its windows.

        Fixed when a page size is set (here or on the connection); else learnt from the store
        by a :class:`PagePlanner` starting from ``memory`` (what worked on this store before).

        Raises:
            ConfigurationError: a page size outside 1 to 100.
        """
        size = self.connection.page_size if page_size is None else page_size
        if size is None:
            return PagePlanner(memory, self.plan_limits)
        if not 1 <= size <= MAX_PAGE_SIZE:
            raise ConfigurationError(f"The page size must be between 1 and {MAX_PAGE_SIZE}.")
        return FixedPlan(size, _concurrency(concurrency, self.connection))

    def walk_customers(
        self,
        query: CustomerQuery | None = None,
        *,
        page_size: int | None = None,
        concurrency: int | None = None,
        plan: WalkPlan | None = None,
        cancel: CancelToken | None = None,
        resume: tuple[int, int, Collection[int]] | None = None,
    ) -> CustomerWalk:
        """A complete walk over every matching customer, in id order (see :mod:`app.api.walk`).

        Iterate it for the windows of customers as they arrive; its ``proof`` then says
        whether it saw exactly the customers the store counts. ``plan`` (else one from
        :meth:`walk_plan`) sizes the windows.
        """
        return self._walk(
            query,
            lambda items: self.complete_customers(
                [_parse(self.read_customer, item) for item in items], cancel
            ),
            plan or self.walk_plan(page_size=page_size, concurrency=concurrency),
            cancel=cancel,
            resume=resume,
        )

    def walk_customer_ids(
        self,
        query: CustomerQuery | None = None,
        *,
        plan: WalkPlan | None = None,
        cancel: CancelToken | None = None,
    ) -> CustomerWalk:
        """A census: the same complete walk, trimmed to ids (:attr:`census_fields`)."""
        return self._walk(
            query,
            _ids_of,
            plan or self.walk_plan(),
            cancel=cancel,
            extra=dict([self.census_fields]),
        )

    def _walk(
        self,
        query: CustomerQuery | None,
        parse: Callable[[list[Any]], list[Any]],
        plan: WalkPlan,
        *,
        cancel: CancelToken | None,
        resume: tuple[int, int, Collection[int]] | None = None,
        extra: Mapping[str, str] | None = None,
    ) -> CustomerWalk:
        wanted = query or CustomerQuery()

        def fetch(params: list[tuple[str, str]]) -> ApiResponse:
            return self.transport.request("GET", "/customers", params, cancel=cancel)

        return CustomerWalk(
            fetch,
            parse,
            lambda: self.count_customers(wanted, cancel),
            wanted,
            plan=plan,
            cancel=cancel,
            extra=extra,
            resume=resume,
            style=self.list_style,
        )

    def customer_ids(
        self,
        query: CustomerQuery | None = None,
        *,
        plan: WalkPlan | None = None,
        cancel: CancelToken | None = None,
    ) -> Census:
        """The ids of every matching customer, and whether the census proved complete."""
        walk = self.walk_customer_ids(query, plan=plan, cancel=cancel)
        for _ in walk:
            pass
        assert walk.proof is not None
        return Census(walk.ids, walk.proof)

    def list_customers(
        self,
        query: CustomerQuery | None = None,
        *,
        page_size: int | None = None,
        concurrency: int | None = None,
        cancel: CancelToken | None = None,
        on_window: Callable[[WalkWindow], None] | None = None,
    ) -> CustomerList:
        """Every matching customer once, in id order, with the walk's proof of completeness."""
        walk = self.walk_customers(
            query, page_size=page_size, concurrency=concurrency, cancel=cancel
        )
        windows: dict[int, WalkWindow] = {}
        attempt = 0
        for window in walk:
            if window.attempt != attempt:
                attempt = window.attempt
                if window.start == 0:
                    windows.clear()  # a new walk from the start: the last one proved nothing
            windows[window.start] = window
            if on_window is not None:
                on_window(window)
        seen: set[int] = set()
        customers = []
        for start in sorted(windows):
            for customer in windows[start].items:
                if customer.id not in seen:
                    seen.add(customer.id)
                    customers.append(customer)
        assert walk.proof is not None
        return CustomerList(customers, walk.proof)

    # -- a customer's orders and downloads -------------------------------------------------------

    def customer_orders(self, customer_id: int, cancel: CancelToken | None = None) -> list[Order]:
        """All of a customer's orders, newest first.

        The route ignores ``page`` (it is the orders list in disguise), so pages are windows of
        ``filter[offset]``.
        """
        size = MAX_PAGE_SIZE
        route = f"/customers/{customer_id}/orders"

        def fetch(offset: int) -> tuple[list[Order], int]:
            pairs = [("filter[limit]", str(size)), ("filter[offset]", str(offset))]
            answer = self.transport.request("GET", route, pairs, cancel=cancel)
            orders = _list_in(answer.body, "orders")
            total = answer.header_int("X-WC-Total")
            return [Order.from_api(o) for o in orders], total if total is not None else len(orders)

        first, total = fetch(0)
        pages = {0: first}
        for offset, (orders, _) in parallel_keyed(
            fetch, range(size, total, size), self.connection.concurrency, cancel
        ):
            pages[offset] = orders
        result: list[Order] = []
        seen: set[int] = set()
        for offset in sorted(pages):
            for order in pages[offset]:
                if order.id not in seen:
                    seen.add(order.id)
                    result.append(order)
        return result

    def customer_downloads(
        self, customer_id: int, cancel: CancelToken | None = None
    ) -> list[Download]:
        """The files a customer may still download."""
        route = f"/customers/{customer_id}/downloads"
        answer = self.transport.request("GET", route, cancel=cancel)
        return [Download.from_api(item) for item in _list_in(answer.body, "downloads")]

    # -- writing customers --------------------------------------------------------------------

    def create_customer(
        self, payload: Mapping[str, Any], cancel: CancelToken | None = None
    ) -> SaveResult:
        """Create a customer from a create payload (``CustomerDraft.to_create_payload()``).

        When the answer is lost, the customer is looked up by email before trying again, so a
        retry never creates a duplicate.

        Raises:
            ValidationError: the write gate refused the payload (nothing was sent), or the
                store refused it.
        """
        check_payload(payload, creating=True)
        email = str(payload.get("email", "")).strip()
        attempts = self.connection.max_retries + 1
        sent_at = time.time()
        for attempt in range(attempts):
            try:
                answer = self.transport.request(
                    "POST", "/customers", json_body={"customer": dict(payload)}, cancel=cancel
                )
            except UnclearWriteError:
                found = self.find_customer_by_email(email, cancel) if email else None
                if found is not None:
                    _check_created_by_us(found, sent_at)
                    log.info("create of %s: answer lost, found the customer by email", email)
                    return SaveResult(found, tuple(unapplied_changes(payload, found)), True)
                if attempt == attempts - 1:
                    raise
                continue
            customer = _customer_from(answer.body)
            return SaveResult(customer, tuple(unapplied_changes(payload, customer)))
        raise AssertionError("unreachable")  # pragma: no cover

    def update_customer(
        self, customer_id: int, changes: Mapping[str, Any], cancel: CancelToken | None = None
    ) -> SaveResult:
        """Send only ``changes`` (``update_payload(before, after)``); report what the store kept.

        An update is idempotent, so a lost answer is simply retried.

        Raises:
            ValidationError: the write gate refused the changes (an emptied email would erase
                the stored one; nothing was sent), or the store refused them.
        """
        check_payload(changes, creating=False)
        answer = self.transport.request(
            "PUT", f"/customers/{customer_id}", json_body={"customer": dict(changes)}, cancel=cancel
        )
        customer = _customer_from(answer.body)
        return SaveResult(customer, tuple(unapplied_changes(changes, customer)))

    def delete_customer(self, customer_id: int, cancel: CancelToken | None = None) -> None:
        """Delete a customer for good (their orders stay, as guest orders).

        Raises:
            NotFoundError: if the store has no such customer.
        """
        route = self._customer_route(customer_id)
        attempts = self.connection.max_retries + 1
        for attempt in range(attempts):
            try:
                self.transport.request(
                    "DELETE", route, list(self.delete_params), idempotent=False, cancel=cancel
                )
                return
            except UnclearWriteError:
                try:
                    self._existing_customer(customer_id, cancel)
                except NotFoundError:
                    return  # the lost answer was a success
                if attempt == attempts - 1:
                    raise

    def _customer_route(self, customer_id: int) -> str:
        """The route of one customer."""
        return f"/customers/{customer_id}"

    def _existing_customer(self, customer_id: int, cancel: CancelToken | None) -> Customer:
        """The customer as the store has it now, for existence checks (NotFoundError if gone)."""
        return self.get_customer(customer_id, cancel)

    def bulk_save(
        self,
        items: Sequence[Mapping[str, Any]],
        *,
        chunk_size: int = BULK_LIMIT,
        cancel: CancelToken | None = None,
        on_chunk: Callable[[list[BulkOutcome]], None] | None = None,
    ) -> list[BulkOutcome]:
        """Create (no ``id``) or update (with ``id``) many customers, ``chunk_size`` at a time.

        Results come back in input order. An item the write gate refuses is never sent: its
        outcome holds the gate's :class:`ValidationError`, as an item the store refused holds
        the store's, and the rest of its chunk goes out. A chunk whose answer is lost is
        resolved item by item: creates are looked up by email and only the missing ones are
        sent again; updates are sent again. Cancellation takes effect between chunks.
        """
        if not 1 <= chunk_size <= BULK_LIMIT:
            raise ConfigurationError(f"A bulk chunk holds 1 to {BULK_LIMIT} customers.")
        outcomes: list[BulkOutcome] = []
        for start in range(0, len(items), chunk_size):
            if cancel is not None:
                cancel.raise_if_cancelled()
            indexed = list(enumerate(items[start : start + chunk_size], start))
            chunk_outcomes = self._bulk_chunk(indexed, cancel)
            outcomes.extend(chunk_outcomes)
            if on_chunk is not None:
                on_chunk(chunk_outcomes)
        return outcomes

    def _bulk_chunk(
        self, indexed: list[tuple[int, Mapping[str, Any]]], cancel: CancelToken | None
    ) -> list[BulkOutcome]:
        """One bulk request: refusals first, a lost answer resolved, results by position."""
        results: dict[int, BulkOutcome] = {}
        pending = []
        for index, item in indexed:
            creating = not item.get("id")  # the store creates when the id is missing or 0
            refused = refusal(item, creating=creating) or self._bulk_refusal(item, creating)
            if refused is None:
                pending.append((index, item))
            else:
                results[index] = BulkOutcome(index, None, refused, creating)
        attempts = self.connection.max_retries + 1 if pending else 0  # nothing left to send
        for attempt in range(attempts):
            try:
                sent = self._send_bulk(pending, cancel)
            except UnclearWriteError:
                pending = self._resolve_lost_bulk(pending, results, cancel)
                if not pending:
                    break
                if attempt == attempts - 1:
                    raise
                continue
            results.update((outcome.index, outcome) for outcome in sent)
            break
        return self._completed_outcomes([results[index] for index, _ in indexed])

    def _bulk_refusal(self, item: Mapping[str, Any], creating: bool) -> AppError | None:
        """What this API's bulk route would mangle beyond the write gate (legacy: nothing)."""
        return None

    def _send_bulk(
        self, pending: list[tuple[int, Mapping[str, Any]]], cancel: CancelToken | None
    ) -> list[BulkOutcome]:
        """``POST /customers/bulk``: one flat list, answered in the order sent."""
        body = {"customers": [dict(item) for _, item in pending]}
        answer = self.transport.request("POST", "/customers/bulk", json_body=body, cancel=cancel)
        elements = _list_in(answer.body, "customers")
        if len(elements) != len(pending):
            raise ProtocolError(
                f"The store answered {len(elements)} results for {len(pending)} customers."
            )
        return [
            _bulk_outcome(index, item, element)
            for (index, item), element in zip(pending, elements, strict=True)
        ]

    def _completed_outcomes(self, outcomes: list[BulkOutcome]) -> list[BulkOutcome]:
        """Bulk results as the caller gets them (legacy customers carry their figures)."""
        return outcomes

    def _resolve_lost_bulk(
        self,
        pending: list[tuple[int, Mapping[str, Any]]],
        results: dict[int, BulkOutcome],
        cancel: CancelToken | None,
    ) -> list[tuple[int, Mapping[str, Any]]]:
        """After a lost bulk answer: keep what the store already has, return what to resend."""
        resend = []
        sent_at = time.time() - _RECENT
        for index, item in pending:
            email = str(item.get("email", "")).strip()
            if item.get("id") or not email:
                resend.append((index, item))  # updates are safe to send again
                continue
            found = self.find_customer_by_email(email, cancel)
            if found is None:
                resend.append((index, item))
            elif found.created_at is not None and found.created_at.timestamp() < sent_at:
                error = _email_taken()
                results[index] = BulkOutcome(index, None, error, True)
            else:
                unapplied = tuple(unapplied_changes(item, found))
                results[index] = BulkOutcome(index, found, None, True, unapplied, True)
        return resend


#: How far the store's clock may be behind ours when judging whether it created a customer
#: just now (the store itself refuses OAuth requests more than 15 minutes off).
_RECENT = 15 * 60


def _email_taken() -> ValidationError:
    return ValidationError(
        "A customer with this email address already exists in the store.",
        field="email",
        code="registration-error-email-exists",
    )


def _check_created_by_us(found: Customer, sent_at: float) -> None:
    """After a lost create answer: a customer registered well before we sent is not ours.

    Raises:
        ValidationError: the email belonged to another customer already.
    """
    if found.created_at is not None and found.created_at.timestamp() < sent_at - _RECENT:
        raise _email_taken()


def _concurrency(requested: int | None, connection: StoreConnection) -> int:
    value = connection.concurrency if requested is None else requested
    if value < 1:
        raise ConfigurationError("At least one request must be allowed at a time.")
    return value


def _customer_from(body: object) -> Customer:
    customer = body.get("customer") if isinstance(body, Mapping) else None
    if not isinstance(customer, Mapping):
        raise ProtocolError("The store's answer holds no customer.", detail=str(body)[:300])
    return _parse(Customer.from_api, customer)


def _parse(parser: Callable[[Mapping[str, Any]], _T], data: Mapping[str, Any]) -> _T:
    try:
        return parser(data)
    except (ValueError, TypeError) as error:
        raise ProtocolError(
            "The store sent an object the app cannot read.", detail=f"{error}: {str(data)[:300]}"
        ) from error


def _list_in(body: object, key: str) -> list[Any]:
    items = body.get(key) if isinstance(body, Mapping) else None
    if not isinstance(items, list):
        raise ProtocolError(f"The store's answer holds no list of {key}.", detail=str(body)[:300])
    return items


def _ids_of(items: list[Any]) -> list[int]:
    ids = [item.get("id") if isinstance(item, Mapping) else None for item in items]
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        raise ProtocolError("The store's customer ids are not numbers.")
    return [i for i in ids if isinstance(i, int)]


def _customer_page(number: int, answer: ApiResponse) -> CustomerPage:
    customers = tuple(_parse(Customer.from_api, c) for c in _list_in(answer.body, "customers"))
    total = answer.header_int("X-WC-Total")
    pages = answer.header_int("X-WC-TotalPages")
    return CustomerPage(
        number,
        customers,
        total if total is not None else len(customers),
        pages if pages is not None else 1,
    )


def _bulk_outcome(index: int, item: Mapping[str, Any], element: object) -> BulkOutcome:
    created = not item.get("id")
    if isinstance(element, Mapping) and isinstance(element.get("error"), Mapping):
        error = error_from_envelope(400, {"errors": [element["error"]]})
        return BulkOutcome(index, None, error, created)
    if not isinstance(element, Mapping):
        return BulkOutcome(index, None, ProtocolError("The store's bulk answer is damaged."))
    customer = _parse(Customer.from_api, element)
    return BulkOutcome(index, customer, None, created, tuple(unapplied_changes(item, customer)))
