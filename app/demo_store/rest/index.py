"""Discovery (reference §13): the site and ``wc/v3`` indexes and ``system_status``.

The public ``/wp-json/`` index, the public namespace index and ``system_status`` (the only
place a REST client learns the WooCommerce version, §13.3).

A store without WooCommerce's REST routes (``api="legacy"``) lists no ``wc/*`` namespace and
answers ``rest_no_route`` under them (§13.2, §17.3); one without ``wc/v1`` and ``wc/v2``
(``without_v1_v2``, §21.2) leaves those two out.
"""

from __future__ import annotations

from typing import Any

from app.demo_store.rest.customers import ROLES
from app.demo_store.rest.errors import RestError
from app.demo_store.rest.pipeline import RestAnswer, RestRequest, RestRoute
from app.demo_store.routes import CURRENCY_NAMES, CURRENCY_SYMBOLS, price_settings

WC_NAMESPACES = ["wc/v3", "wc-admin", "wc-analytics", "wc/store", "wc/store/v1", "wc/v1", "wc/v2"]
WP_NAMESPACES = ["oembed/1.0", "wp/v2", "wp-site-health/v1", "wp-block-editor/v1"]


#: The list arguments a client reads from the index (§4.1), e.g. ``per_page.maximum``.
LIST_ARGS: dict[str, Any] = {
    "context": {"default": "view", "type": "string", "enum": ["view", "edit"], "required": False},
    "page": {"default": 1, "type": "integer", "minimum": 1, "required": False},
    "per_page": {
        "default": 10,
        "type": "integer",
        "minimum": 1,
        "maximum": 100,
        "required": False,
    },
    "search": {"type": "string", "required": False},
    "exclude": {"default": [], "type": "array", "items": {"type": "integer"}, "required": False},
    "include": {"default": [], "type": "array", "items": {"type": "integer"}, "required": False},
    "offset": {"type": "integer", "required": False},
    "order": {"default": "asc", "type": "string", "enum": ["asc", "desc"], "required": False},
    "orderby": {
        "default": "name",
        "type": "string",
        "enum": ["id", "include", "name", "registered_date"],
        "required": False,
    },
    "email": {"type": "string", "format": "email", "required": False},
    "role": {"default": "customer", "type": "string", "enum": list(ROLES), "required": False},
}
CREATE_ARGS: dict[str, Any] = {"email": {"type": "string", "required": True}}


def site_index(req: RestRequest, _: dict[str, str]) -> RestAnswer:
    """``GET /wp-json/``: public; WooCommerce's namespaces only when its routes exist."""
    home = req.site.home_url
    wc = [n for n in WC_NAMESPACES if req.site.v1_v2 or n not in ("wc/v1", "wc/v2")]
    namespaces = [
        WP_NAMESPACES[0],
        *(wc if req.site.wc_routes else []),
        *WP_NAMESPACES[1:],
    ]
    body: dict[str, Any] = {
        "name": req.site.name,
        "description": req.site.description,
        "url": home,
        "home": home,
        "gmt_offset": 0,
        "timezone_string": "UTC",
        "namespaces": namespaces,
        "authentication": {
            "application-passwords": {
                "endpoints": {"authorization": f"{home}/wp-admin/authorize-application.php"}
            }
        },
        "routes": {},
        "site_logo": 0,
        "site_icon": 0,
        "site_icon_url": "",
        "_links": {"help": [{"href": "https://developer.wordpress.org/rest-api/"}]},
    }
    return RestAnswer(body)


def namespace_index(req: RestRequest, _: dict[str, str]) -> RestAnswer:
    """``GET /wp-json/wc/v3``: public; the customer and order routes this store serves."""
    home = req.site.home_url
    routes: dict[str, Any] = {}
    for path, methods in (
        ("/wc/v3", ["GET"]),
        ("/wc/v3/customers", ["GET", "POST"]),
        ("/wc/v3/customers/(?P<id>[\\d]+)", ["GET", "POST", "PUT", "PATCH", "DELETE"]),
        ("/wc/v3/customers/batch", ["POST", "PUT", "PATCH"]),
        ("/wc/v3/customers/(?P<customer_id>[\\d]+)/downloads", ["GET"]),
        ("/wc/v3/orders", ["GET", "POST"]),
        ("/wc/v3/system_status", ["GET"]),
        ("/wc/v3/data/currencies/current", ["GET"]),
        ("/wc/v3/settings/(?P<group_id>[\\w-]+)/(?P<id>[\\w-]+)", ["GET"]),  # GET only here
    ):
        entry: dict[str, Any] = {
            "namespace": "wc/v3",
            "methods": methods,
            "endpoints": [{"methods": methods, "args": {}}],
        }
        if path == "/wc/v3/customers":
            entry["endpoints"] = [
                {"methods": ["GET"], "args": LIST_ARGS},
                {"methods": ["POST"], "args": CREATE_ARGS},
            ]
        if "(?P" not in path:  # routes with placeholders have no _links (§13.2)
            entry["_links"] = {"self": [{"href": f"{home}/wp-json{path}"}]}
        routes[path] = entry
    return RestAnswer(
        {"namespace": "wc/v3", "routes": routes, "_links": {"up": [{"href": f"{home}/wp-json/"}]}}
    )


def system_status(req: RestRequest, _: dict[str, str]) -> RestAnswer:
    """``GET /wc/v3/system_status``: the sections a client reads for versions (§13.3)."""
    if req.caller is None:
        raise RestError(401, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")
    if not req.caller.can("manage_woocommerce"):
        raise RestError(403, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")
    return RestAnswer(
        {
            "environment": {
                "home_url": req.site.home_url,
                "site_url": req.site.home_url,
                "version": req.site.wc_version,
                "wp_version": "6.7.1",
            },
            # api_enabled is only the stored option: true also without the Legacy plugin (§13.3).
            # The symbol is get_woocommerce_currency_symbol()'s HTML entity (addendum).
            # The money settings are WooCommerce's get_settings() ones, in its order.
            "settings": {
                "api_enabled": True,
                **price_settings(req.site.currency),
                "HPOS_enabled": req.site.hpos,
            },
        }
    )


def current_currency(req: RestRequest, _: dict[str, str]) -> RestAnswer:
    """``GET /wc/v3/data/currencies/current``: the shop currency, its symbol HTML-escaped.

    As WooCommerce 9.4.2 answers it (addendum): ``{"code","name","symbol","_links"}``, with
    the ``settings`` read permission (``manage_woocommerce``).
    """
    if req.caller is None:
        raise RestError(
            401, "woocommerce_rest_cannot_view", "Sorry, you cannot view this resource."
        )
    if not req.caller.can("manage_woocommerce"):
        raise RestError(
            403, "woocommerce_rest_cannot_view", "Sorry, you cannot view this resource."
        )
    code = req.site.currency
    base = f"{req.site.home_url}/wp-json/wc/v3/data/currencies"
    return RestAnswer(
        {
            "code": code,
            "name": CURRENCY_NAMES.get(code, code),
            "symbol": CURRENCY_SYMBOLS.get(code, code),
            "_links": {
                "self": [{"href": f"{base}/{code}"}],
                "collection": [{"href": base}],
            },
        }
    )


PUBLIC_ROUTES = [RestRoute(r"/", {"GET": site_index}, public=True)]
WC_INDEX_ROUTES = [
    RestRoute(r"/wc/v3", {"GET": namespace_index}, public=True),
    RestRoute(r"/wc/v3/system_status", {"GET": system_status}),
    RestRoute(r"/wc/v3/data/currencies/current", {"GET": current_currency}),
]
