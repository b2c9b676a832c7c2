"""The routes of the legacy v3 API the demo store serves: patterns, methods and handlers.

This module owns the route table and the index. It serves the customers resource in full and,
of the orders resource, what a client needs to see HPOS stores for what they are
(``orders/count`` and ``orders/<id>``, section 19.5). Routes are tried in registration order and
match the whole decoded path case-insensitively; a route whose methods do not include the
request's is skipped (wc-api-v3-behavior.md section 2). Handlers get their arguments by name,
query-string values overriding path values, as the PHP server fills callback parameters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from app.demo_store import customer_writes, orders
from app.demo_store.context import RequestContext
from app.demo_store.customer_query import count_customers, list_filters, select_customers
from app.demo_store.customers import customer_objects, find_customer, find_customer_by_email
from app.demo_store.errors import ApiError
from app.demo_store.listing import Window, paging_headers, trim_fields, window
from app.demo_store.phpquery import PhpParam, unslashed
from app.domain.email import is_email

READ = ("HEAD", "GET")
CREATE = ("POST",)
EDIT = ("POST", "PUT", "PATCH")
DELETE = ("DELETE",)
#: Method order the index lists a route's methods in.
METHOD_ORDER = ("HEAD", "GET", "POST", "PUT", "PATCH", "DELETE")
#: ``get_woocommerce_currency_symbol()``: HTML entities, not characters (section 19.6).
CURRENCY_SYMBOLS: dict[str, str] = {
    "USD": "&#36;",
    "CAD": "&#36;",
    "AUD": "&#36;",
    "NZD": "&#36;",
    "MXN": "&#36;",
    "BRL": "&#82;&#36;",
    "EUR": "&euro;",
    "GBP": "&pound;",
    "JPY": "&yen;",
    "CNY": "&yen;",
    "CHF": "&#67;&#72;&#70;",
    "INR": "&#8377;",
    "CZK": "&#75;&#269;",
    "PLN": "&#122;&#322;",
    "SEK": "&#107;&#114;",
    "NOK": "&#107;&#114;",
    "DKK": "kr.",
    "HUF": "&#70;&#116;",
    "ILS": "&#8362;",
    "ZAR": "&#82;",
}

#: ``get_woocommerce_currencies()``: the names ``data/currencies`` answers (as WooCommerce
#: writes them, entities included).
CURRENCY_NAMES: dict[str, str] = {
    "AUD": "Australian dollar",
    "BRL": "Brazilian real",
    "CAD": "Canadian dollar",
    "CHF": "Swiss franc",
    "CNY": "Chinese yuan",
    "CZK": "Czech koruna",
    "DKK": "Danish krone",
    "EUR": "Euro",
    "GBP": "Pound sterling",
    "HUF": "Hungarian forint",
    "ILS": "Israeli new shekel",
    "INR": "Indian rupee",
    "JPY": "Japanese yen",
    "MXN": "Mexican peso",
    "NOK": "Norwegian krone",
    "NZD": "New Zealand dollar",
    "PLN": "Polish z&#x142;oty",
    "SEK": "Swedish krona",
    "USD": "United States (US) dollar",
    "ZAR": "South African rand",
}

#: How a shop in the currency's home country writes prices when set up as WooCommerce's
#: onboarding does (``i18n/locale-info.php``: ``currency_pos``, ``thousand_sep``,
#: ``decimal_sep``, ``num_decimals``); other currencies write prices as a US shop does.
PRICE_FORMATS: dict[str, tuple[str, str, str, int]] = {
    "EUR": ("right_space", ".", ",", 2),  # Germany
    "CHF": ("left_space", "'", ".", 2),
    "SEK": ("right_space", "", ",", 2),
    "DKK": ("right_space", ".", ",", 2),
    "JPY": ("left", ",", ".", 0),
}
_US_PRICES = ("left", ",", ".", 2)


def price_settings(currency: str) -> dict[str, object]:
    """A shop's money settings as ``system_status`` names them (the index renames two)."""
    position, thousand, decimal, decimals = PRICE_FORMATS.get(currency, _US_PRICES)
    return {
        "currency": currency,
        "currency_symbol": CURRENCY_SYMBOLS.get(currency, currency),
        "currency_position": position,
        "thousand_separator": thousand,
        "decimal_separator": decimal,
        "number_of_decimals": decimals,
    }


@dataclass(frozen=True)
class Call:
    """One request's arguments as the handler sees them.

    Attributes:
        args: named arguments (``id``, ``email``, ``fields``, ``page``, ``filter``), already put
            through the API's extra URL-decoding.
        data: the decoded JSON body, for routes that accept one.
        params: the whole query string as PHP parsed it (for Link headers).
        request_path: the path the client asked for (for Link headers).
    """

    args: Mapping[str, PhpParam]
    data: Any = None
    params: Mapping[str, PhpParam] = field(default_factory=dict)
    request_path: str = ""

    def text(self, name: str) -> str | None:
        """A scalar argument, or None when absent or given as an array."""
        value = self.args.get(name)
        return value if isinstance(value, str) else None

    @property
    def filters(self) -> Mapping[str, str]:
        """``filter[...]`` entries (a scalar ``filter`` counts as none)."""
        value = self.args.get("filter")
        return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class Answer:
    """A handler's result: status, body and extra headers."""

    body: Any
    status: int = 200
    headers: list[tuple[str, str]] = field(default_factory=list)


Handler = Callable[[RequestContext, Call], Answer]


@dataclass(frozen=True)
class Route:
    """A route pattern, the methods it answers and its handler."""

    pattern: str
    methods: tuple[str, ...]
    handler: Handler
    accepts_data: bool = False

    def match(self, path: str) -> re.Match[str] | None:
        """Match the whole path, case-insensitively, like ``@^route$@i``."""
        return re.fullmatch(self.pattern, path, re.IGNORECASE | re.ASCII)

    @property
    def index_name(self) -> str:
        """The route as the index names it (``/customers/<id>``)."""
        return re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", self.pattern)


def _php_json(value: Any) -> Any:
    """What ``json_encode`` makes of a PHP array.

    ``[]`` when empty (whatever it held before), a list when its keys are 0, 1, 2…, else an
    object.
    """
    if isinstance(value, dict):
        items = {key: _php_json(item) for key, item in value.items()}
        if list(items) == [str(number) for number in range(len(items))]:
            return list(items.values())
        return items
    return value


def _trimmed(call: Call, data: dict[str, Any]) -> dict[str, Any] | list[Any]:
    """``fields=`` applied to one object; trimmed to nothing, it is ``[]`` (section 19.4)."""
    fields = call.text("fields")
    if not fields:
        return data
    trimmed: dict[str, Any] | list[Any] = _php_json(trim_fields(data, fields))
    return trimmed


def _paging(
    ctx: RequestContext, call: Call, total: int, win: Window, item_count: int
) -> list[tuple[str, str]]:
    return paging_headers(
        total=total,
        win=win,
        item_count=item_count,
        home_url=ctx.settings.home_url,
        ssl=ctx.settings.ssl,
        request_path=call.request_path,
        # The recorded store's Link shows the query as sent, without WordPress' slashes.
        params=unslashed(call.params),
    )


def get_customers(ctx: RequestContext, call: Call) -> Answer:
    """``GET /customers``: one page in WordPress' order, ties in a per-query arbitrary order."""
    friendly = ctx.settings.friendly_errors
    filters = list_filters(ctx, call.params)
    # The server passes ``page`` (default 1) into the filters, overriding any filter[page].
    page = call.args.get("page", "1")
    win = window(filters, page if isinstance(page, str) else "1", friendly=friendly)
    rows, total = select_customers(ctx, filters, win)
    # Without list_users every row is skipped, yet the headers still tell the real total.
    visible = rows if ctx.caller.can("list_users") else []
    conn = ctx.db.connection()
    customers = [_trimmed(call, c) for c in customer_objects(conn, visible, ctx.settings)]
    headers = _paging(ctx, call, total, win, len(rows))
    return Answer({"customers": customers}, headers=headers)


def get_customers_count(ctx: RequestContext, call: Call) -> Answer:
    """``GET /customers/count``: the list's query without its paging (section 9.4).

    It runs the same ``query_customers``, so the list's crashes and refused statements happen
    here too (``filter[limit]=abc``; ``filter[page]=0``, since nothing overrides it here).
    """
    if not ctx.caller.can("list_users"):
        raise ApiError(
            401,
            "woocommerce_api_user_cannot_read_customers_count",
            "You do not have permission to read the customers count",
        )
    filters = list_filters(ctx, call.params)
    win = window(filters, filters.get("page"), friendly=ctx.settings.friendly_errors)
    return Answer({"count": count_customers(ctx, filters, win)})


def _one_customer(ctx: RequestContext, call: Call, customer_id: int) -> Answer:
    conn = ctx.db.connection()
    row = find_customer(conn, customer_id)
    assert row is not None
    return Answer({"customer": _trimmed(call, customer_objects(conn, [row], ctx.settings)[0])})


def get_customer(ctx: RequestContext, call: Call) -> Answer:
    """``GET /customers/<id>``."""
    return _one_customer(ctx, call, customer_writes.readable_customer_id(ctx, call.args.get("id")))


def get_customer_by_email(ctx: RequestContext, call: Call) -> Answer:
    """``GET /customers/email/<email>``: 404 for anything that is not a known, valid email."""
    email = call.text("email") or ""
    row = find_customer_by_email(ctx.db.connection(), email) if is_email(email) else None
    if row is None:
        raise ApiError(404, "woocommerce_api_invalid_customer_email", "Invalid customer email")
    return _one_customer(ctx, call, customer_writes.readable_customer_id(ctx, row["id"]))


def create_customer(ctx: RequestContext, call: Call) -> Answer:
    """``POST /customers``: 201 with the new customer."""
    return Answer({"customer": customer_writes.create_customer(ctx, call.data)}, status=201)


def edit_customer(ctx: RequestContext, call: Call) -> Answer:
    """``PUT|PATCH|POST /customers/<id>``."""
    customer = customer_writes.edit_customer(ctx, call.args.get("id"), call.data)
    return Answer({"customer": customer})


def delete_customer(ctx: RequestContext, call: Call) -> Answer:
    """``DELETE /customers/<id>``."""
    customer_writes.delete_customer(ctx, call.args.get("id"))
    return Answer({"message": "Permanently deleted customer"})


def get_customer_orders(ctx: RequestContext, call: Call) -> Answer:
    """``GET /customers/<id>/orders``: paged like the orders list, ``page`` ignored.

    Always empty on an HPOS store (the orders list reads the posts table).
    """
    customer_id = customer_writes.readable_customer_id(ctx, call.args.get("id"))
    filters = call.filters
    win = window(filters, None, posts=True)
    found, total = orders.customer_orders(ctx, customer_id, filters, win)
    headers = paging_headers(
        total=total,
        win=win,
        item_count=len(found),
        home_url=ctx.settings.home_url,
        ssl=ctx.settings.ssl,
        request_path=call.request_path,
        params=call.params,
        posts=True,
    )
    return Answer({"orders": [_trimmed(call, order) for order in found]}, headers=headers)


def get_customer_downloads(ctx: RequestContext, call: Call) -> Answer:
    """``GET /customers/<id>/downloads``."""
    customer_id = customer_writes.readable_customer_id(ctx, call.args.get("id"))
    downloads: list[Any] = orders.customer_downloads(ctx, customer_id)
    fields = call.text("fields")
    if fields:
        # The store trims the list itself: its "fields" are the indexes 0, 1…, so any real
        # field name leaves nothing (section 19.4).
        numbered = {str(number): download for number, download in enumerate(downloads)}
        return Answer({"downloads": _php_json(trim_fields(numbered, fields))})
    return Answer({"downloads": downloads})


def get_orders_count(ctx: RequestContext, call: Call) -> Answer:
    """``GET /orders/count``: 0 on an HPOS store."""
    if not ctx.caller.can("read_private_shop_orders"):
        raise ApiError(
            401,
            "woocommerce_api_user_cannot_read_orders_count",
            "You do not have permission to read the orders count",
        )
    return Answer({"count": orders.order_count(ctx, call.filters)})


def get_order(ctx: RequestContext, call: Call) -> Answer:
    """``GET /orders/<id>``: 404 on an HPOS store (the post is only a placeholder)."""
    order = orders.single_order(ctx, call.args.get("id"))
    return Answer({"order": _trimmed(call, order)})


def bulk(ctx: RequestContext, call: Call) -> Answer:
    """``POST|PUT|PATCH /customers/bulk``: 201 as soon as one item was created."""
    results, created = customer_writes.bulk_customers(ctx, call.data)
    return Answer({"customers": results}, status=201 if created else 200)


def index_body(ctx: RequestContext, routes: tuple[Route, ...]) -> dict[str, Any]:
    """The body of ``GET /wc-api/v3``: store description, routes and meta."""
    settings = ctx.settings
    prices = price_settings(settings.currency)
    listed: dict[str, dict[str, Any]] = {}
    for route in routes:
        entry = listed.setdefault(route.index_name, {"supports": []})
        entry["supports"] = [
            m for m in METHOD_ORDER if m in entry["supports"] or m in route.methods
        ]
        if route.accepts_data:
            entry["accepts_data"] = True
        if "<" not in route.index_name:
            entry["meta"] = {"self": settings.api_url + route.index_name.rstrip("/")}
    return {
        "store": {
            "name": settings.name,
            "description": settings.description,
            "URL": settings.home_url,
            "wc_version": settings.wc_version,
            "version": "3.1.0",
            "routes": listed,
            "meta": {
                "timezone": "UTC",
                "currency": settings.currency,
                "currency_format": prices["currency_symbol"],
                "currency_position": prices["currency_position"],
                "thousand_separator": prices["thousand_separator"],
                "decimal_separator": prices["decimal_separator"],
                "price_num_decimals": prices["number_of_decimals"],
                "tax_included": False,
                "weight_unit": "kg",
                "dimension_unit": "cm",
                "ssl_enabled": settings.ssl,
                "permalinks_enabled": True,
                "generate_password": settings.generate_password,
                "links": {"help": "https://woocommerce.github.io/woocommerce-rest-api-docs/"},
            },
        }
    }


def get_index(ctx: RequestContext, call: Call) -> Answer:
    """``GET /wc-api/v3``: needs no authentication."""
    return Answer(index_body(ctx, ROUTES))


ROUTES: tuple[Route, ...] = (
    Route("/", READ, get_index),
    Route("/customers", READ, get_customers),
    Route("/customers", CREATE, create_customer, accepts_data=True),
    Route("/customers/count", READ, get_customers_count),
    Route(r"/customers/(?P<id>\d+)", READ, get_customer),
    Route(r"/customers/(?P<id>\d+)", EDIT, edit_customer, accepts_data=True),
    Route(r"/customers/(?P<id>\d+)", DELETE, delete_customer),
    Route(r"/customers/email/(?P<email>.+)", READ, get_customer_by_email),
    Route(r"/customers/(?P<id>\d+)/orders", READ, get_customer_orders),
    Route(r"/customers/(?P<id>\d+)/downloads", READ, get_customer_downloads),
    Route("/customers/bulk", EDIT, bulk, accepts_data=True),
    Route("/orders/count", READ, get_orders_count),
    Route(r"/orders/(?P<id>\d+)", READ, get_order),
)
