"""A customer's orders on ``wc/v3`` (reference §11), discovery (§13) and the ``api`` option
(§17): one database answered through either API."""

from __future__ import annotations

import pytest

from app.demo_store import DemoStore
from tests.conftest import StoreFactory
from tests.support.rest import anonymous, error, official
from tests.support.store_http import StoreHttp

ORDER_KEYS_HEAD = ["id", "parent_id", "status", "currency", "version", "prices_include_tax"]
ORDER_KEYS_TAIL = [
    "date_created_gmt",
    "date_modified_gmt",
    "date_completed_gmt",
    "date_paid_gmt",
    "currency_symbol",
    "_links",
]


def _busiest_customer(store: DemoStore) -> tuple[int, int]:
    row = (
        store.db.connection()
        .execute(
            "SELECT customer_id, COUNT(*) FROM orders WHERE customer_id > 0"
            " GROUP BY customer_id ORDER BY COUNT(*) DESC, customer_id LIMIT 1"
        )
        .fetchone()
    )
    return int(row[0]), int(row[1])


def test_orders_of_a_customer(start_store: StoreFactory) -> None:
    store = start_store(customers=20)
    customer, count = _busiest_customer(store)
    wc = official(store)
    answer = wc.get("orders", params={"customer": customer, "per_page": 1})
    assert answer.headers["X-WP-Total"] == str(count)
    order = answer.json()[0]
    assert list(order)[:6] == ORDER_KEYS_HEAD
    assert list(order)[-6:] == ORDER_KEYS_TAIL
    assert list(order["billing"])[6:8] == ["state", "postcode"]
    assert order["customer_id"] == customer
    assert isinstance(order["number"], str)
    assert order["_links"]["customer"][0]["href"].endswith(f"/customers/{customer}")
    item = order["line_items"][0]
    assert isinstance(item["price"], int | float)
    assert item["image"] == {"id": "", "src": ""}
    assert wc.get("orders", params={"customer": 999999}).json() == []
    bad = wc.get("orders", params={"status": "nope"}).json()
    assert bad["data"]["params"]["status"].startswith("status[0] is not one of any, trash")
    assert error(anonymous(store, "/wp-json/wc/v3/orders"))[0] == 401


def test_hpos_orders_are_invisible_to_legacy_but_not_to_wc_v3(start_store: StoreFactory) -> None:
    store = start_store(customers=20, hpos=True)
    customer, count = _busiest_customer(store)
    legacy = StoreHttp(store).get(f"/customers/{customer}/orders").json()
    assert legacy == {"orders": []}
    modern = official(store).get("orders", params={"customer": customer, "per_page": 100})
    assert len(modern.json()) == count


def test_one_database_two_apis(start_store: StoreFactory) -> None:
    store = start_store(customers=5)
    created = official(store).post("customers", {"email": "both@example.org"}).json()
    legacy = StoreHttp(store).get(f"/customers/{created['id']}").json()["customer"]
    assert legacy["email"] == "both@example.org"


def test_discovery(start_store: StoreFactory) -> None:
    store = start_store(customers=1)
    index = anonymous(store, "/wp-json/")
    assert index.status_code == 200
    assert index.headers["Allow"] == "GET"
    body = index.json()
    assert list(body)[:7] == [
        "name",
        "description",
        "url",
        "home",
        "gmt_offset",
        "timezone_string",
        "namespaces",
    ]
    assert "wc/v3" in body["namespaces"]
    namespace = anonymous(store, "/wp-json/wc/v3").json()
    assert namespace["namespace"] == "wc/v3"
    assert namespace["routes"]["/wc/v3/customers"]["methods"] == ["GET", "POST"]
    assert error(anonymous(store, "/wp-json/wc/v4"))[1] == "rest_no_route"
    status = official(store).get(
        "system_status", params={"_fields": "environment.version,settings.HPOS_enabled"}
    )
    assert status.json() == {
        "environment": {"version": store.settings.wc_version},
        "settings": {"HPOS_enabled": False},
    }


def test_api_legacy_has_no_wc_routes(start_store: StoreFactory) -> None:
    store = start_store(customers=1, api="legacy")
    assert error(official(store).get("customers")) == (
        404,
        "rest_no_route",
        "No route was found matching the URL and request method.",
    )
    assert "wc/v3" not in anonymous(store, "/wp-json/").json()["namespaces"]
    assert StoreHttp(store).get("/customers").status_code == 200


def test_api_modern_has_no_legacy_api(start_store: StoreFactory) -> None:
    store = start_store(customers=1, api="modern")
    legacy = anonymous(store, "/wc-api/v3/")
    assert legacy.status_code == 404
    assert legacy.json() == {
        "errors": {
            "code": "woocommerce_api_disabled",
            "message": "The WooCommerce API is disabled on this site",
        }
    }
    assert official(store).get("customers").status_code == 200


def test_order_date_bounds_are_exclusive(start_store: StoreFactory) -> None:
    store = start_store(customers=20)
    wc = official(store)
    newest = wc.get("orders", params={"orderby": "modified", "per_page": 1}).json()[0]
    stamp = newest["date_modified_gmt"]
    same = wc.get("orders", params={"modified_after": stamp, "include": newest["id"]})
    assert same.json() == []
    earlier = wc.get(
        "orders", params={"modified_after": f"{stamp[:-2]}00+00:00", "include": newest["id"]}
    )
    if stamp.endswith("00"):
        assert earlier.json() == []
    else:
        assert [order["id"] for order in earlier.json()] == [newest["id"]]
    bad = wc.get("orders", params={"modified_after": stamp[:10]}).json()
    assert bad["data"]["params"] == {"modified_after": "Invalid date."}
    assert bad["data"]["details"]["modified_after"]["code"] == "rest_invalid_date"
    shifted = wc.get(
        "orders", params={"before": f"{stamp}+02:00", "include": newest["id"], "dates_are_gmt": "1"}
    )
    assert shifted.status_code == 200


def test_order_lines_and_legacy_totals_agree(start_store: StoreFactory) -> None:
    store = start_store(customers=20)
    customer, _count = _busiest_customer(store)
    modern = official(store).get("orders", params={"customer": customer, "per_page": 100}).json()
    legacy = StoreHttp(store).get(f"/customers/{customer}/orders").json()["orders"]
    by_id = {order["id"]: order for order in legacy}
    for order in modern:
        old = by_id[order["id"]]
        assert order["total"] == old["total"]
        assert order["number"] == old["order_number"]
        assert len(order["shipping_lines"]) == len(old["shipping_lines"])
        assert len(order["coupon_lines"]) == len(old["coupon_lines"])
        assert order["date_created_gmt"] + "Z" == old["created_at"]


def test_namespace_index_publishes_the_list_arguments(start_store: StoreFactory) -> None:
    store = start_store(customers=1)
    route = anonymous(store, "/wp-json/wc/v3").json()["routes"]["/wc/v3/customers"]
    per_page = route["endpoints"][0]["args"]["per_page"]
    assert (per_page["default"], per_page["minimum"], per_page["maximum"]) == (10, 1, 100)
    assert route["endpoints"][1]["args"]["email"]["required"] is True


def test_an_unknown_api_choice_is_refused(start_store: StoreFactory) -> None:
    with pytest.raises(ValueError, match="api must be one of"):
        start_store(customers=0, api="rest")


# -- currency (addendum: symbols are HTML entities in settings, decoded in orders) ------------


@pytest.mark.parametrize(
    ("currency", "symbol", "name"),
    [
        ("USD", "&#36;", "United States (US) dollar"),
        ("EUR", "&euro;", "Euro"),
        ("GBP", "&pound;", "Pound sterling"),
    ],
)
def test_current_currency_symbol_is_html_escaped(
    start_store: StoreFactory, currency: str, symbol: str, name: str
) -> None:
    store = start_store(currency=currency)
    answer = official(store).get("data/currencies/current")
    body = answer.json()
    assert answer.status_code == 200
    assert list(body) == ["code", "name", "symbol", "_links"]
    assert (body["code"], body["name"], body["symbol"]) == (currency, name, symbol)
    assert body["_links"]["self"][0]["href"].endswith(f"/wp-json/wc/v3/data/currencies/{currency}")
    assert f'"symbol":"{symbol}"'.encode() in answer.content  # not "\u20ac" nor "$"
    assert error(anonymous(store, "/wp-json/wc/v3/data/currencies/current"))[:2] == (
        401,
        "woocommerce_rest_cannot_view",
    )


def test_system_status_settings_say_how_the_shop_writes_money(start_store: StoreFactory) -> None:
    """WooCommerce's ``get_settings()``: the symbol HTML-escaped, the shop's position,
    separators and decimals (a euro shop as onboarding sets one up in Germany)."""
    fields = (
        "settings.currency,settings.currency_symbol,settings.currency_position,"
        "settings.thousand_separator,settings.decimal_separator,settings.number_of_decimals"
    )
    euro = official(start_store(currency="EUR")).get("system_status", params={"_fields": fields})
    assert euro.json() == {
        "settings": {
            "currency": "EUR",
            "currency_symbol": "&euro;",
            "currency_position": "right_space",
            "thousand_separator": ".",
            "decimal_separator": ",",
            "number_of_decimals": 2,
        }
    }
    dollar = official(start_store()).get("system_status", params={"_fields": fields}).json()
    assert dollar["settings"]["currency_symbol"] == "&#36;"
    assert dollar["settings"]["currency_position"] == "left"
    assert (dollar["settings"]["thousand_separator"], dollar["settings"]["number_of_decimals"]) == (
        ",",
        2,
    )


def test_order_currency_symbol_is_decoded(start_store: StoreFactory) -> None:
    store = start_store(customers=20)
    customer, _ = _busiest_customer(store)
    shop = official(store).get("orders", params={"customer": customer}).json()
    assert {(o["currency"], o["currency_symbol"]) for o in shop} == {("USD", "$")}
    with store.db.write() as conn:
        conn.execute("UPDATE orders SET currency = 'EUR' WHERE customer_id = ?", (customer,))
    orders = official(store).get("orders", params={"customer": customer}).json()
    assert {(o["currency"], o["currency_symbol"]) for o in orders} == {("EUR", "€")}
