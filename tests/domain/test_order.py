"""Orders and downloads: reading every store version's objects, quirks included."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.customer import Address, BillingAddress, Customer
from app.domain.order import Download, LineItem, Order, ShippingLine
from tests.conftest import StoreFactory
from tests.support.payloads import DOC_BILLING, DOC_SHIPPING
from tests.support.store_http import StoreHttp

#: The public doc's addresses (its order example uses the customer example's).
BILLING = DOC_BILLING
SHIPPING = DOC_SHIPPING

#: The public doc's order (a 2.x store: integer order_number, tax_class null, no order_key).
DOC_ORDER: dict[str, Any] = {
    "id": 531,
    "order_number": 531,
    "created_at": "2015-01-21T12:02:13Z",
    "updated_at": "2015-01-21T12:02:13Z",
    "completed_at": "2015-01-21T12:02:13Z",
    "status": "on-hold",
    "currency": "USD",
    "total": "30.00",
    "subtotal": "20.00",
    "total_line_items_quantity": 1,
    "total_tax": "0.00",
    "total_shipping": "10.00",
    "cart_tax": "0.00",
    "shipping_tax": "0.00",
    "total_discount": "0.00",
    "shipping_methods": "Flat Rate",
    "payment_details": {"method_id": "bacs", "method_title": "Direct Bank Transfer", "paid": False},
    "billing_address": BILLING,
    "shipping_address": SHIPPING,
    "note": "",
    "customer_ip": "127.0.0.1",
    "customer_user_agent": "Mozilla/5.0",
    "customer_id": 2,
    "view_order_url": "https://example.com/my-account/view-order/531",
    "line_items": [
        {
            "id": 417,
            "subtotal": "20.00",
            "subtotal_tax": "0.00",
            "total": "20.00",
            "total_tax": "0.00",
            "price": "20.00",
            "quantity": 1,
            "tax_class": None,
            "name": "Premium Quality",
            "product_id": 19,
            "sku": "",
            "meta": [],
        }
    ],
    "shipping_lines": [
        {"id": 418, "method_id": "flat_rate", "method_title": "Flat Rate", "total": "10.00"}
    ],
    "tax_lines": [],
    "fee_lines": [],
    "coupon_lines": [],
    "customer": {
        "id": 2,
        "created_at": "2014-11-19T18:34:19Z",
        "email": "john.doe@example.com",
        "first_name": "",
        "last_name": "",
        "username": "john.doe",
        "last_order_id": "531",
        "last_order_date": "2015-01-21T12:02:13Z",
        "orders_count": 1,
        "total_spent": "0.00",
        "avatar_url": "https://secure.gravatar.com/avatar/ad516503a11cd5ca435acc9bb6523536?s=96",
        "billing_address": BILLING,
        "shipping_address": SHIPPING,
    },
}

#: A plugin store's processing guest order with two lines and no completion yet.
PLUGIN_GUEST_ORDER: dict[str, Any] = DOC_ORDER | {
    "id": 612,
    "order_number": "612",
    "order_key": "wc_order_abc123",
    "completed_at": "1970-01-01T00:00:00Z",
    "status": "processing",
    "payment_details": {"method_id": "stripe", "method_title": "Credit card", "paid": True},
    "customer_id": 0,
    "line_items": [
        {**DOC_ORDER["line_items"][0], "quantity": 2, "tax_class": "", "meta": [{"id": 1}]},
        {
            "id": 420,
            "name": "Gone Product",
            "product_id": 0,
            "sku": "OLD-1",
            "quantity": 3,
            "price": "1.50",
            "subtotal": "4.50",
            "total": "4.50",
            "total_tax": "0.45",
        },
    ],
    "customer": {
        "id": 0,
        "email": "john.doe@example.com",
        "first_name": "John",
        "last_name": "Doe",
        "billing_address": BILLING,
        "shipping_address": SHIPPING,
    },
    "brand_new_key": {"anything": True},
}

#: The public doc's download (2.x name with an HTML entity, limited, never expiring).
DOC_DOWNLOAD: dict[str, Any] = {
    "download_url": "https://example.com/?download_file=96&order=wc_order_9999999999999"
    "&email=john.doe@example.com&key=99999999999999999999999999999999",
    "download_id": "99999999999999999999999999999999",
    "product_id": 96,
    "download_name": "Woo Album #4 &ndash; Woo Album",
    "order_id": 532,
    "order_key": "wc_order_9999999999999",
    "downloads_remaining": "5",
    "access_expires": None,
    "file": {
        "name": "Woo Album",
        "file": "http://example.com/wp-content/uploads/woocommerce_uploads/2015/01/album.zip",
    },
}


def test_reads_the_2x_order_of_the_public_doc() -> None:
    order = Order.from_api(DOC_ORDER)
    moment = datetime(2015, 1, 21, 12, 2, 13, tzinfo=UTC)
    assert order.id == 531
    assert order.number == "531"
    assert order.order_key == ""
    assert (order.created_at, order.updated_at, order.completed_at) == (moment, moment, moment)
    assert order.status == "on-hold"
    assert order.currency == "USD"
    assert order.total == Decimal("30.00")
    assert order.subtotal == Decimal("20.00")
    assert order.total_tax == Decimal("0")
    assert order.total_shipping == Decimal("10.00")
    assert order.total_discount == Decimal("0")
    assert order.shipping_methods == "Flat Rate"
    assert order.payment_method_id == "bacs"
    assert order.payment_method_title == "Direct Bank Transfer"
    assert order.paid is False
    assert order.billing == BillingAddress(**BILLING)
    assert order.shipping == Address(**SHIPPING)
    assert order.customer_id == 2
    assert not order.is_guest
    assert order.view_order_url.endswith("/view-order/531")
    assert order.line_items == (
        LineItem(
            id=417,
            name="Premium Quality",
            product_id=19,
            sku="",
            quantity=1,
            price=Decimal("20.00"),
            subtotal=Decimal("20.00"),
            total=Decimal("20.00"),
            total_tax=Decimal("0.00"),
        ),
    )
    assert order.shipping_lines == (
        ShippingLine(id=418, method_id="flat_rate", method_title="Flat Rate", total=Decimal("10")),
    )
    assert order.item_count == 1


def test_reads_a_plugin_guest_order() -> None:
    order = Order.from_api(PLUGIN_GUEST_ORDER)
    assert order.number == "612"
    assert order.order_key == "wc_order_abc123"
    assert order.completed_at is None  # the epoch: never completed
    assert order.paid is True
    assert order.customer_id == 0
    assert order.is_guest
    assert [item.product_id for item in order.line_items] == [19, None]
    assert order.item_count == 5
    guest = Customer.from_api(PLUGIN_GUEST_ORDER["customer"])
    assert guest.is_guest
    assert guest.email == "john.doe@example.com"


def test_order_tolerates_missing_and_odd_values() -> None:
    order = Order.from_api(
        {
            "id": "77",
            "total": None,
            "customer_id": None,
            "payment_details": "bacs",
            "line_items": [None, "x", {"quantity": "2", "price": 3}],
            "shipping_lines": {"id": 1},
            "completed_at": "",
        }
    )
    assert order == Order(
        id=77,
        number="77",  # trimmed away by fields=: the shop's default number is the id
        line_items=(LineItem(quantity=2, price=Decimal("3")),),
    )
    assert order.item_count == 2


@pytest.mark.parametrize("bad_id", [None, "", "x", 0, "0", -1, 2.5])
def test_order_without_a_usable_id_is_a_protocol_error(bad_id: object) -> None:
    with pytest.raises(ValueError, match="id"):
        Order.from_api(DOC_ORDER | {"id": bad_id})


def test_order_that_is_no_object_is_a_protocol_error() -> None:
    with pytest.raises(ValueError, match="object"):
        Order.from_api(None)  # type: ignore[arg-type]


def test_reads_the_download_of_the_public_doc() -> None:
    download = Download.from_api(DOC_DOWNLOAD)
    assert download == Download(
        download_id="99999999999999999999999999999999",
        product_id=96,
        name="Woo Album #4 &ndash; Woo Album",  # kept as sent; the view decides how to show it
        order_id=532,
        order_key="wc_order_9999999999999",
        downloads_remaining=5,
        access_expires=None,
        file_name="Woo Album",
        file_url=DOC_DOWNLOAD["file"]["file"],
        download_url=DOC_DOWNLOAD["download_url"],
    )
    assert not download.is_unlimited


@pytest.mark.parametrize(
    ("remaining", "expected"), [("", None), (None, None), ("3", 3), (3, 3), (" 0 ", 0)]
)
def test_downloads_remaining_empty_means_unlimited(remaining: object, expected: int | None) -> None:
    download = Download.from_api(DOC_DOWNLOAD | {"downloads_remaining": remaining})
    assert download.downloads_remaining == expected
    assert download.is_unlimited is (expected is None)


def test_download_access_expires_is_a_date_or_never() -> None:
    expiring = Download.from_api(DOC_DOWNLOAD | {"access_expires": "2030-06-01T00:00:00Z"})
    assert expiring.access_expires == datetime(2030, 6, 1, tzinfo=UTC)
    assert Download.from_api(DOC_DOWNLOAD).access_expires is None


def test_download_tolerates_missing_and_odd_values() -> None:
    download = Download.from_api({"file": "album.zip", "order_id": "532", "extra": 1})
    assert download == Download(order_id=532)
    assert download.is_unlimited
    with pytest.raises(ValueError, match="object"):
        Download.from_api("x")  # type: ignore[arg-type]


# --- property: any JSON at all is read without an exception (given an id) ------------------------

_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)
_DOWNLOAD_KEYS = list(DOC_DOWNLOAD)


@given(st.dictionaries(st.sampled_from(list(DOC_ORDER)), _json))
def test_any_order_fields_are_read_without_an_exception(fields: dict[str, Any]) -> None:
    order = Order.from_api(DOC_ORDER | fields | {"id": 5})
    assert order.id == 5
    assert order.item_count == sum(item.quantity for item in order.line_items)


@given(st.dictionaries(st.sampled_from(_DOWNLOAD_KEYS), _json))
def test_any_download_fields_are_read_without_an_exception(fields: dict[str, Any]) -> None:
    download = Download.from_api(DOC_DOWNLOAD | fields)
    assert download.is_unlimited is (download.downloads_remaining is None)


@given(st.dictionaries(st.sampled_from([*DOC_ORDER["customer"], "role", "last_update"]), _json))
def test_any_customer_fields_are_read_without_an_exception(fields: dict[str, Any]) -> None:
    customer = Customer.from_api(DOC_ORDER["customer"] | fields | {"id": 2})
    assert customer.id == 2
    assert len(customer.billing.to_api()) == 11


# --- against the demo store's real JSON -----------------------------------------------------------


def test_parses_the_orders_and_downloads_the_demo_store_serves(start_store: StoreFactory) -> None:
    store = start_store(customers=30)
    client = StoreHttp(store)
    customers = client.get("/customers", [("filter[limit]", "30")]).json()["customers"]
    orders_seen = downloads_seen = never_completed = 0
    for raw_customer in customers:
        answer = client.get(f"/customers/{raw_customer['id']}/orders", [("filter[limit]", "-1")])
        assert answer.status_code == 200, answer.text
        for raw in answer.json()["orders"]:
            order = Order.from_api(raw)
            orders_seen += 1
            assert order.id == raw["id"]
            assert order.number == raw["order_number"]
            assert order.customer_id == raw["customer_id"] == raw_customer["id"]
            assert f"{order.total:.2f}" == raw["total"]
            assert order.item_count == raw["total_line_items_quantity"]
            assert order.paid is raw["payment_details"]["paid"]
            assert order.billing.to_api() == raw["billing_address"]
            assert len(order.line_items) == len(raw["line_items"])
            assert len(order.shipping_lines) == len(raw["shipping_lines"])
            if raw["completed_at"] == "1970-01-01T00:00:00Z":
                never_completed += 1
                assert order.completed_at is None
            else:
                assert order.completed_at is not None
            assert Customer.from_api(raw["customer"]).id == raw_customer["id"]
        answer = client.get(f"/customers/{raw_customer['id']}/downloads")
        assert answer.status_code == 200, answer.text
        for raw in answer.json()["downloads"]:
            download = Download.from_api(raw)
            downloads_seen += 1
            assert download.download_id == raw["download_id"]
            assert download.order_id == raw["order_id"]
            assert download.file_url == raw["file"]["file"]
            assert download.is_unlimited is (raw["downloads_remaining"] == "")
            assert (download.access_expires is None) is (raw["access_expires"] is None)
    assert orders_seen > 0
    assert downloads_seen > 0
    assert never_completed > 0


def test_orders_and_downloads_are_written_back_exactly_as_the_store_sent_them() -> None:
    """Fields the app does not model (tax lines, coupons, the embedded customer...) survive
    into ``--json`` output and the cache."""
    assert Order.from_api(DOC_ORDER).to_api() == DOC_ORDER
    assert Download.from_api(DOC_DOWNLOAD).to_api() == DOC_DOWNLOAD
    built = Order(id=7, number="7", total=Decimal("12.50"))
    assert built.to_api()["total"] == "12.50"
