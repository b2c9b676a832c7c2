"""Order figures under ``wc/v1``, ``wc/v2`` (reference §3.7, §11.4) and WooCommerce Analytics'
customers report (§14.3), and a store whose ``wc/v1``/``wc/v2`` are gone (§21.2)."""

from __future__ import annotations

from typing import Any

import pytest
from woocommerce import API

from app.demo_store import DemoStore
from tests.conftest import StoreFactory
from tests.support.rest import CUSTOMER_KEYS, anonymous, error
from tests.support.store_http import StoreHttp

V1_KEYS = [
    "id",
    "date_created",
    "date_modified",
    "email",
    "first_name",
    "last_name",
    "username",
    "last_order",
    "orders_count",
    "total_spent",
    "avatar_url",
    "billing",
    "shipping",
    "_links",
]
ANALYTICS_KEYS = [
    "id",
    "user_id",
    "username",
    "name",
    "email",
    "country",
    "city",
    "state",
    "postcode",
    "date_registered",
    "date_last_active",
    "date_last_order",
    "orders_count",
    "total_spend",
    "avg_order_value",
    "date_registered_gmt",
    "date_last_active_gmt",
    "_links",
]


def api(store: DemoStore, version: str) -> API:
    """The official client for one namespace (OAuth 1.0a over plain HTTP)."""
    key = store.keys["read_write"]
    return API(
        url=store.base_url,
        consumer_key=key.consumer_key,
        consumer_secret=key.consumer_secret,
        wp_api=True,
        version=version,
        timeout=20,
    )


def _give_order(store: DemoStore, customer_id: int, status: str, total_cents: int) -> int:
    """A copy of some order, now ``customer_id``'s, with this status and total."""
    with store.db.write() as conn:
        template = conn.execute("SELECT * FROM orders ORDER BY id LIMIT 1").fetchone()
        values = {k: v for k, v in dict(template).items() if k not in ("id", "order_key")}
        values.update(customer_id=customer_id, status=status, total_cents=total_cents)
        cursor = conn.execute(
            f"INSERT INTO orders ({', '.join(values)}, order_key)"
            f" VALUES ({', '.join('?' * (len(values) + 1))})",
            [*values.values(), f"wc_order_test{customer_id}{status}"],
        )
        return int(cursor.lastrowid or 0)


def _new_customer(store: DemoStore, email: str) -> int:
    created = api(store, "wc/v3").post("customers", {"email": email}).json()
    return int(created["id"])


def _legacy(store: DemoStore, ids: list[int]) -> dict[int, dict[str, Any]]:
    http = StoreHttp(store)
    return {i: http.get(f"/customers/{i}").json()["customer"] for i in ids}


@pytest.mark.parametrize("hpos", [False, True])
def test_v1_and_v2_figures_equal_the_legacy_apis(start_store: StoreFactory, hpos: bool) -> None:
    """§3.7: identical values across legacy, v1 and v2, also under HPOS (§17.5)."""
    store = start_store(customers=30, hpos=hpos)
    on_hold = _new_customer(store, "onhold@example.org")
    _give_order(store, on_hold, "on-hold", 4500)
    none = _new_customer(store, "none@example.org")
    rows = store.db.connection().execute(
        "SELECT customer_id FROM orders WHERE customer_id > 0 GROUP BY customer_id"
        " ORDER BY COUNT(*) DESC LIMIT 5"
    )
    ids = sorted({int(row[0]) for row in rows} | {on_hold, none})
    legacy = _legacy(store, ids)
    include = ",".join(map(str, ids))
    params = {"include": include, "per_page": 100, "role": "all", "orderby": "id"}
    v1 = api(store, "wc/v1").get("customers", params=params)
    v2 = api(store, "wc/v2").get("customers", params=params)
    assert v1.headers["X-WP-Total"] == v2.headers["X-WP-Total"] == str(len(ids))
    for one, two in zip(v1.json(), v2.json(), strict=True):
        old = legacy[one["id"]]
        assert one["orders_count"] == two["orders_count"] == old["orders_count"]
        assert one["total_spent"] == two["total_spent"] == old["total_spent"]
        assert one["last_order"]["id"] == old["last_order_id"]
        date = one["last_order"]["date"]
        assert (date + "Z" if date else None) == old["last_order_date"]
    assert legacy[on_hold]["orders_count"] == 1
    assert legacy[on_hold]["total_spent"] == "0.00"
    by_id = {item["id"]: item for item in v1.json()}
    assert by_id[none]["last_order"] == {"id": None, "date": None}
    assert (by_id[none]["orders_count"], by_id[none]["total_spent"]) == (0, "0.00")


def test_shapes_by_namespace(start_store: StoreFactory) -> None:
    """§3.7 key orders; v2 is v3 plus the two figures before ``_links``."""
    store = start_store(customers=5)
    one = api(store, "wc/v1").get("customers/2").json()
    assert list(one) == V1_KEYS
    assert "T" in one["date_created"]
    assert not one["date_created"].endswith("Z")
    assert list(one["shipping"])[-1] == "country"
    assert one["_links"]["self"][0]["href"].endswith("/wp-json/wc/v1/customers/2")
    two = api(store, "wc/v2").get("customers/2").json()
    assert list(two) == [*CUSTOMER_KEYS[:-1], "orders_count", "total_spent", "_links"]
    assert isinstance(two["total_spent"], str)
    assert two["_links"]["collection"][0]["href"].endswith("/wp-json/wc/v2/customers")
    three = api(store, "wc/v3").get("customers/2").json()
    assert "orders_count" not in three
    assert "total_spent" not in three
    assert error(api(store, "wc/v2").get("customers/999999"))[:2] == (
        404,
        "woocommerce_rest_invalid_id",
    )


def test_the_older_lists_take_v3s_parameters(start_store: StoreFactory) -> None:
    store = start_store(customers=12)
    v2 = api(store, "wc/v2")
    trimmed = v2.get(
        "customers",
        params={"include": "5,3,2", "orderby": "include", "_fields": "id,orders_count,total_spent"},
    )
    assert [list(item) for item in trimmed.json()] == [["id", "orders_count", "total_spent"]] * 3
    assert [item["id"] for item in trimmed.json()] == [5, 3, 2]
    assert error(v2.get("customers", params={"per_page": 101}))[:2] == (400, "rest_invalid_param")
    page = v2.get("customers", params={"per_page": 5, "page": 2, "orderby": "id"})
    assert page.headers["X-WP-Total"] == "12"
    assert page.headers["X-WP-TotalPages"] == "3"
    assert "/wp-json/wc/v2/customers?" in page.headers["Link"]
    # role=all lists the administrator too (§4.7); the default role is customer.
    assert (
        api(store, "wc/v1").get("customers", params={"role": "all"}).headers["X-WP-Total"] == "13"
    )
    assert error(anonymous(store, "/wp-json/wc/v1/customers"))[0] == 401


def test_a_store_without_v1_and_v2(start_store: StoreFactory) -> None:
    """§21.2: the namespaces are not listed and their routes are unknown."""
    store = start_store(customers=3, api="modern", without_v1_v2=True)
    namespaces = anonymous(store, "/wp-json/").json()["namespaces"]
    assert "wc/v3" in namespaces
    assert "wc-analytics" in namespaces
    assert "wc/v1" not in namespaces
    assert "wc/v2" not in namespaces
    for version in ("wc/v1", "wc/v2"):
        assert error(api(store, version).get("customers")) == (
            404,
            "rest_no_route",
            "No route was found matching the URL and request method.",
        )
    assert api(store, "wc/v3").get("customers").status_code == 200
    with_them = start_store(customers=1, api="modern")
    listed = anonymous(with_them, "/wp-json/").json()["namespaces"]
    assert "wc/v1" in listed
    assert "wc/v2" in listed


def test_analytics_report_rows(start_store: StoreFactory) -> None:
    """§14.3: lookup ids are not user ids; unpaid orders count; numbers, not strings."""
    store = start_store(customers=10)
    on_hold = _new_customer(store, "analytics-onhold@example.org")
    order_id = _give_order(store, on_hold, "on-hold", 4500)
    _give_order(store, on_hold, "cancelled", 1000)  # excluded from reports
    report = api(store, "wc-analytics")
    answer = report.get("reports/customers", params={"users": str(on_hold)})
    assert answer.status_code == 200
    assert answer.headers["X-WP-Total"] == "1"
    (row,) = answer.json()
    assert list(row) == ANALYTICS_KEYS
    assert row["user_id"] == on_hold
    assert row["id"] != on_hold
    assert (row["orders_count"], row["total_spend"], row["avg_order_value"]) == (1, 45, 45)
    created = store.db.connection().execute(
        "SELECT strftime('%Y-%m-%d %H:%M:%S', created_at, 'unixepoch') FROM orders WHERE id = ?",
        (order_id,),
    )
    assert row["date_last_order"] == created.fetchone()[0]
    assert row["date_last_active"] == row["date_last_order"].replace(" ", "T")
    assert row["_links"]["customer"][0]["href"].endswith(f"/wc-analytics/customers/{row['id']}")
    legacy = _legacy(store, [on_hold])[on_hold]  # every status counts there, none is paid
    assert (legacy["orders_count"], legacy["total_spent"]) == (2, "0.00")


def test_analytics_lists_page_and_refuse_like_wordpress(start_store: StoreFactory) -> None:
    store = start_store(customers=12)
    report = api(store, "wc-analytics")
    first = report.get("reports/customers", params={"per_page": 5, "orderby": "username"})
    assert first.headers["X-WP-Total"] == "12"
    assert first.headers["X-WP-TotalPages"] == "3"
    names = [row["username"] for row in first.json()]
    assert names == sorted(names, reverse=True)  # order defaults to desc
    several = report.get("reports/customers", params={"users": "2,3,5", "per_page": 100})
    assert sorted(row["user_id"] for row in several.json()) == [2, 3, 5]
    assert len({row["id"] for row in several.json()}) == 3
    assert error(report.get("reports/customers", params={"per_page": 101}))[:2] == (
        400,
        "rest_invalid_param",
    )
    assert error(report.get("reports/customers", params={"orderby": "id"}))[:2] == (
        400,
        "rest_invalid_param",
    )
    assert error(anonymous(store, "/wp-json/wc-analytics/reports/customers"))[:2] == (
        401,
        "woocommerce_rest_cannot_view",
    )
