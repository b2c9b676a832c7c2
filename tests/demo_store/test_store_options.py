"""The store options that make a demo store behave like a particular kind of real store.

Section 19.5: ``legacy_api_disabled`` (WooCommerce 9 without the Legacy REST API plugin) and
``hpos`` (order storage a legacy API cannot see). Section 19.6: the index's currency symbol is
an HTML entity. Section 19.4 / brief item 3: an unexpected failure is the real store's critical
error 500 unless ``friendly_errors`` is on. Also the command-line flags for these options and
the answers outside ``/wc-api/v3``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests

from app.api.connection import StoreConnection
from app.api.rest_client import RestClient
from app.demo_store import DemoStore, StoreConfig, cli
from app.demo_store import orders as orders_module
from app.demo_store.errors import CRITICAL_ERROR_BODY
from tests.conftest import StoreFactory
from tests.support.store_http import StoreHttp

JSON_TYPE = "application/json; charset=UTF-8"
JSONP_TYPE = "application/javascript; charset=UTF-8"
DISABLED = {
    "errors": {
        "code": "woocommerce_api_disabled",
        "message": "The WooCommerce API is disabled on this site",
    }
}


def make_customer_with_orders(store: DemoStore, client: StoreHttp) -> int:
    """A customer with a completed order (25.00, with a download) and a processing one
    (24.99): orders_count 2, total_spent "49.99"."""
    made = client.post("/customers", {"customer": {"email": "hpos@example.com"}})
    assert made.status_code == 201, made.text
    customer_id: int = made.json()["customer"]["id"]
    with store.db.write() as conn:
        conn.execute(
            "INSERT INTO products (id, name, sku, price_cents, downloadable, download_id,"
            " file_name, file_url) VALUES (9001, 'E-Book', 'EB', 2500, 1, 'dl-1', 'E-Book',"
            " '/files/e-book.pdf')"
        )
        for order_id, status, cents in ((9101, "completed", 2500), (9102, "processing", 2499)):
            conn.execute(
                "INSERT INTO orders (id, order_key, customer_id, status, currency, created_at,"
                " updated_at, subtotal_cents, total_cents, payment_method_id,"
                " payment_method_title, paid) VALUES (?, ?, ?, ?, 'USD', ?, ?, ?, ?, 'bacs',"
                " 'Bank', 1)",
                (
                    order_id,
                    f"wc_order_{order_id}",
                    customer_id,
                    status,
                    order_id,
                    order_id,
                    cents,
                    cents,
                ),
            )
        conn.execute(
            "INSERT INTO download_permissions (download_id, product_id, order_id, order_key,"
            " user_id, user_email) VALUES ('dl-1', 9001, 9101, 'wc_order_9101', ?,"
            " 'hpos@example.com')",
            (customer_id,),
        )
    return customer_id


# -- legacy_api_disabled ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "/wc-api/v3",
        "/wc-api/v3/",
        "/wc-api/v3/customers",
        "/wc-api/v3/customers/count?consumer_key=x&consumer_secret=y",
        "/wc-api/v3/nothing",
        "/wc-api/v2/customers",
        "/?wc-api-version=3&wc-api-route=/customers",
    ],
)
def test_legacy_api_disabled_answers_every_legacy_request_404(
    start_store: StoreFactory, target: str
) -> None:
    """Section 19.5: 404 with ``errors`` as an object, whatever the route or credentials."""
    store = start_store(legacy_api_disabled=True)
    for method in ("GET", "POST", "DELETE"):
        answer = requests.request(method, store.base_url + target, timeout=10)
        assert answer.status_code == 404, answer.text
        assert answer.headers["Content-Type"] == JSON_TYPE
        assert answer.json() == DISABLED


def test_legacy_api_disabled_ignores_credentials_and_jsonp(
    start_store: StoreFactory, tls_certificate: tuple[Path, Path]
) -> None:
    """Valid keys change nothing; ``_jsonp`` sets the JavaScript type, the body stays bare."""
    store = start_store(certificate=tls_certificate, legacy_api_disabled=True)
    client = StoreHttp(store, verify=str(tls_certificate[0]))
    assert client.get("/customers").json() == DISABLED
    answer = client.get("/customers", [("_jsonp", "cb")])
    assert answer.status_code == 404
    assert answer.headers["Content-Type"] == JSONP_TYPE
    assert answer.json() == DISABLED


def test_payment_callback_endpoint_says_minus_one(start_store: StoreFactory) -> None:
    """Section 17.2 (wc-rest doc): ``/wc-api/foo`` and ``/wc-api/v4/...`` are WooCommerce's
    payment-callback endpoint: 400 ``-1`` as HTML, with or without the legacy API."""
    for disabled in (False, True):
        store = start_store(legacy_api_disabled=disabled)
        for path in ("/wc-api/foo", "/wc-api/v9/customers", "/?wc-api=foo"):
            answer = requests.get(store.base_url + path, timeout=10)
            assert answer.status_code == 400, answer.text
            assert answer.headers["Content-Type"] == "text/html; charset=UTF-8"
            assert answer.text == "-1"


def test_older_versions_without_a_key_say_it_is_missing(
    start_store: StoreFactory, tls_certificate: tuple[Path, Path]
) -> None:
    """Transcript "route": ``/wc-api/v2/customers`` over HTTPS without credentials -> 404
    "Consumer key is missing." (v2's own authentication)."""
    store = start_store(certificate=tls_certificate)
    answer = requests.get(
        store.base_url + "/wc-api/v2/customers", verify=str(tls_certificate[0]), timeout=10
    )
    assert answer.status_code == 404
    assert answer.json() == {
        "errors": [
            {
                "code": "woocommerce_api_authentication_error",
                "message": "Consumer key is missing.",
            }
        ]
    }


# -- hpos ---------------------------------------------------------------------------------------


def test_hpos_store_lists_no_orders(start_store: StoreFactory) -> None:
    """Section 19.5: ``{"orders":[]}``, ``X-WC-Total: 0``, ``X-WC-TotalPages: 0`` and a Link
    to page 0 as ``last``."""
    store = start_store(hpos=True)
    client = StoreHttp(store)
    customer_id = make_customer_with_orders(store, client)
    answer = client.get(f"/customers/{customer_id}/orders")
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"orders": []}
    assert answer.headers["X-WC-Total"] == "0"
    assert answer.headers["X-WC-TotalPages"] == "0"
    link = answer.headers["Link"]  # it keeps the request's oauth_* parameters
    assert link.startswith(f"<http://127.0.0.1/wc-api/v3/customers/{customer_id}/orders?")
    assert link.endswith('&page=0>; rel="last"')


def test_hpos_store_counts_no_orders_and_finds_none(start_store: StoreFactory) -> None:
    """``orders/count`` is 0; ``orders/<id>`` of a real order is 404 "Invalid order" (its post
    is a placeholder of another type)."""
    store = start_store(hpos=True)
    client = StoreHttp(store)
    make_customer_with_orders(store, client)
    assert client.get("/orders/count").json() == {"count": 0}
    answer = client.get("/orders/9101")
    assert answer.status_code == 404
    assert answer.json()["errors"] == [
        {"code": "woocommerce_api_invalid_order", "message": "Invalid order"}
    ]


def test_hpos_store_keeps_customer_figures_and_downloads(start_store: StoreFactory) -> None:
    """The customer's ``orders_count``, ``total_spent`` and last order stay right (they are
    kept per customer) and ``/downloads`` still lists the download."""
    store = start_store(hpos=True)
    client = StoreHttp(store)
    customer_id = make_customer_with_orders(store, client)
    customer = client.get(f"/customers/{customer_id}").json()["customer"]
    assert (customer["orders_count"], customer["total_spent"]) == (2, "49.99")
    assert customer["last_order_id"] == 9102
    downloads = client.get(f"/customers/{customer_id}/downloads").json()["downloads"]
    assert [d["download_id"] for d in downloads] == ["dl-1"]


def test_without_hpos_the_orders_are_there(start_store: StoreFactory) -> None:
    """The same data on a posts-table store: two orders, count 2, the order readable."""
    store = start_store()
    client = StoreHttp(store)
    customer_id = make_customer_with_orders(store, client)
    listed = client.get(f"/customers/{customer_id}/orders")
    assert [order["id"] for order in listed.json()["orders"]] == [9102, 9101]
    assert listed.headers["X-WC-Total"] == "2"
    assert client.get("/orders/count").json() == {"count": 2}
    assert client.get("/orders/count", [("filter[status]", "completed")]).json() == {"count": 1}
    order = client.get("/orders/9101")
    assert order.status_code == 200, order.text
    assert order.json()["order"]["customer"]["id"] == customer_id
    assert client.get("/orders/9101", [("fields", "id,status")]).json() == {
        "order": {"id": 9101, "status": "completed"}
    }


@pytest.mark.parametrize(
    ("order_id", "code", "message"),
    [
        ("0", "woocommerce_api_invalid_order_id", "Invalid shop_order ID"),
        ("424242", "woocommerce_api_no_order_found", "No order found with the ID equal to 424242"),
        ("9001", "woocommerce_api_invalid_order", "Invalid order"),
    ],
)
def test_single_order_errors(
    start_store: StoreFactory, order_id: str, code: str, message: str
) -> None:
    """``validate_request`` for orders: id 0, no such post, a post that is no order (here a
    product)."""
    store = start_store()
    client = StoreHttp(store)
    make_customer_with_orders(store, client)
    answer = client.get(f"/orders/{order_id}")
    assert answer.status_code == 404, answer.text
    assert answer.json() == {"errors": [{"code": code, "message": message}]}


def test_orders_need_a_key_user_that_reads_orders(start_store: StoreFactory) -> None:
    """A customer's key (no ``read_private_shop_orders``): 401 for the count and an order."""
    store = start_store()
    client = StoreHttp(store)
    make_customer_with_orders(store, client)
    user = store.create_user("plain", "plain@example.com", "customer")
    reader = StoreHttp(store, key=store.create_api_key(user, "read"))
    count = reader.get("/orders/count")
    assert count.status_code == 401
    assert count.json()["errors"][0]["code"] == "woocommerce_api_user_cannot_read_orders_count"
    order = reader.get("/orders/9101")
    assert order.status_code == 401
    assert order.json()["errors"][0]["code"] == "woocommerce_api_user_cannot_read_order"


# -- currency symbol ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("currency", "symbol"),
    [("USD", "&#36;"), ("EUR", "&euro;"), ("GBP", "&pound;"), ("CHF", "&#67;&#72;&#70;")],
)
def test_index_currency_format_is_html_escaped(
    start_store: StoreFactory, currency: str, symbol: str
) -> None:
    """Section 19.6: ``store.meta.currency_format`` is the symbol as an HTML entity."""
    store = start_store(currency=currency)
    meta = requests.get(store.api_url, timeout=10).json()["store"]["meta"]
    assert (meta["currency"], meta["currency_format"]) == (currency, symbol)
    raw = requests.get(store.api_url, timeout=10).content
    assert f'"currency_format":"{symbol}"'.encode() in raw


# -- unexpected failures ------------------------------------------------------------------------


def _boom(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("a bug in the demo store")


def test_unexpected_failure_is_the_critical_error(
    start_store: StoreFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Brief item 3: a failure inside the store is answered as a real store's PHP fatal error,
    byte for byte as recorded (also when ``_jsonp`` is given)."""
    store = start_store()
    client = StoreHttp(store)
    made = client.post("/customers", {"customer": {"email": "boom@example.com"}})
    customer_id = made.json()["customer"]["id"]
    monkeypatch.setattr(orders_module, "customer_downloads", _boom)
    for pairs in ((), (("_jsonp", "cb"),)):
        answer = client.get(f"/customers/{customer_id}/downloads", list(pairs))
        assert answer.status_code == 500
        assert answer.headers["Content-Type"] == JSON_TYPE
        assert answer.json() == CRITICAL_ERROR_BODY
    assert answer.content == (
        b'{"code":"internal_server_error","message":"<p>There has been a critical error on this'
        b' website.<\\/p><p><a href=\\"https:\\/\\/wordpress.org\\/support\\/article\\/'
        b'faq-troubleshooting\\/\\">Learn more about troubleshooting WordPress.<\\/a><\\/p>",'
        b'"data":{"status":500},"additional_errors":[]}'
    )


def test_unexpected_failure_with_friendly_errors(
    start_store: StoreFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With ``friendly_errors`` the failure is a demo-store error pointing at the log."""
    store = start_store(friendly_errors=True)
    client = StoreHttp(store)
    made = client.post("/customers", {"customer": {"email": "boom@example.com"}})
    monkeypatch.setattr(orders_module, "customer_downloads", _boom)
    answer = client.get(f"/customers/{made.json()['customer']['id']}/downloads")
    assert answer.status_code == 500
    assert answer.json()["errors"][0]["code"] == "demo_store_internal_error"


# -- command line -------------------------------------------------------------------------------


def test_command_line_flags_reach_the_store_config(monkeypatch: pytest.MonkeyPatch) -> None:
    """``--currency``, ``--friendly-errors``, ``--legacy-api-disabled`` and ``--hpos`` set the
    options; without them all are off and the currency is USD."""
    seen: list[StoreConfig] = []

    def capture(config: StoreConfig) -> DemoStore:
        seen.append(config)
        raise ValueError("not started in this test")

    monkeypatch.setattr(DemoStore, "start", capture)
    cli.main(["--currency", "EUR", "--friendly-errors", "--legacy-api-disabled", "--hpos"])
    cli.main([])
    flagged, plain = seen
    assert (flagged.currency, flagged.friendly_errors) == ("EUR", True)
    assert (flagged.legacy_api_disabled, flagged.hpos) == (True, True)
    assert (plain.currency, plain.friendly_errors) == ("USD", False)
    assert (plain.legacy_api_disabled, plain.hpos) == (False, False)
    assert json.dumps(cli.build_parser().format_help())  # the help text renders


@pytest.mark.parametrize(
    ("options", "version"),
    [
        ({"api": "modern"}, "9.4.2"),
        ({"legacy_api_disabled": True}, "9.4.2"),
        ({"api": "both"}, "8.3.0"),
        ({"api": "both", "hpos": True}, "8.3.0"),
        ({"api": "legacy"}, "8.3.0"),
    ],
)
def test_a_store_without_the_legacy_api_runs_woocommerce_9(
    start_store: StoreFactory, options: dict[str, Any], version: str
) -> None:
    """Since 9.0 the legacy API is a separate plugin: a store without it is a 9.x store."""
    store = start_store(**options)
    assert store.settings.wc_version == version
    if options.get("api") != "legacy":  # what a client reads (system_status, section 13.3)
        client = RestClient(
            StoreConnection(store.base_url, store.consumer_key, store.consumer_secret)
        )
        try:
            assert client.store_info().wc_version == version
        finally:
            client.close()


def test_index_says_how_a_euro_shop_writes_prices(start_store: StoreFactory) -> None:
    """The index's money options are the shop's (a euro shop set up in Germany), not a US
    shop's whatever the currency."""
    meta = requests.get(start_store(currency="EUR").api_url, timeout=10).json()["store"]["meta"]
    assert (
        meta["currency_format"],
        meta["currency_position"],
        meta["thousand_separator"],
        meta["decimal_separator"],
        meta["price_num_decimals"],
    ) == ("&euro;", "right_space", ".", ",", 2)
    dkk = requests.get(start_store(currency="DKK").api_url, timeout=10).json()["store"]["meta"]
    assert dkk["currency_format"] == "kr."  # WooCommerce's symbol has no entity
