"""wc/v3 objects (recorded in wc-rest-v3-behavior.md) read into the app's domain types."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from app.domain.customer import BillingAddress, Customer, CustomerDraft, update_payload
from app.domain.order import Download, Order
from app.domain.rest_customer import (
    customer_extras,
    customer_from_rest,
    customer_to_rest,
    download_from_rest,
    order_from_rest,
    rest_payload,
)

#: Section 3.2, verbatim.
ALICE = json.loads(
    '{"id":2,"date_created":"2026-12-05T18:25:19","date_created_gmt":"2026-12-05T18:25:19",'
    '"date_modified":"2026-12-05T18:25:20","date_modified_gmt":"2026-12-05T18:25:20",'
    '"email":"alice@example.com","first_name":"Alice","last_name":"Anderson","role":"customer",'
    '"username":"alice","billing":{"first_name":"Alice","last_name":"Anderson",'
    '"company":"Anderson Analytics","address_1":"742 Evergreen Terrace","address_2":"Apt 3",'
    '"city":"Springfield","postcode":"62704","country":"US","state":"IL",'
    '"email":"alice@example.com","phone":"+1 217 555 0101"},"shipping":{"first_name":"Alice",'
    '"last_name":"Anderson","company":"Anderson Analytics","address_1":"742 Evergreen Terrace",'
    '"address_2":"Apt 3","city":"Springfield","postcode":"62704","country":"US","state":"IL",'
    '"phone":""},"is_paying_customer":true,"avatar_url":"https:\\/\\/secure.gravatar.com\\/avatar'
    '\\/c160f8cc69a4f0bf2b0362752353d060?s=96&d=mm&r=g","meta_data":[{"id":79910,'
    '"key":"wc_last_order_wp","value":"14"},{"id":79911,"key":"wc_order_count_wp","value":"2"},'
    '{"id":79912,"key":"wc_money_spent_wp","value":"49.99000000"}],"_links":{"self":[{"href":'
    '"https:\\/\\/shop.example.com\\/wp-json\\/wc\\/v3\\/customers\\/2"}]}}'
)

#: Section 11.3, verbatim (a trimmed order).
ORDER_14 = json.loads(
    '{"id":14,"status":"processing","currency":"USD","total":"15.00","payment_method_title":'
    '"Direct bank transfer","number":"14","line_items":[{"id":3,"name":"T-Shirt","product_id":12,'
    '"variation_id":0,"quantity":1,"tax_class":"","subtotal":"15.00","subtotal_tax":"0.00",'
    '"total":"15.00","total_tax":"0.00","taxes":[],"meta_data":[],"sku":"SHIRT","price":15,'
    '"image":{"id":"","src":""},"parent_name":null}],"date_created_gmt":"2026-12-05T18:25:20"}'
)

#: Section 10, verbatim.
DOWNLOAD = json.loads(
    '{"download_id":"b6f3ae5a-0000-4000-8000-000000000001","download_url":"https://shop.example.'
    "com/?download_file=10&order=wc_order_JdYakDXPKIeN0&email=alice%40example.com&key=b6f3ae5a-"
    '0000-4000-8000-000000000001","product_id":10,"product_name":"E-Book (PDF)","download_name":'
    '"E-Book PDF","order_id":13,"order_key":"wc_order_JdYakDXPKIeN0","downloads_remaining":'
    '"unlimited","access_expires":"never","access_expires_gmt":"never","file":{"name":'
    '"E-Book PDF","file":"https://shop.example.com/wp-content/uploads/woocommerce_uploads/'
    'ebook.pdf"}}'
)


def test_customer_reads_gmt_dates_addresses_and_leaves_stats_unknown() -> None:
    customer = customer_from_rest(ALICE)
    assert customer.id == 2
    assert customer.email == "alice@example.com"
    assert (customer.first_name, customer.last_name, customer.username) == (
        "Alice",
        "Anderson",
        "alice",
    )
    assert customer.role == "customer"
    assert customer.created_at == datetime(2026, 12, 5, 18, 25, 19, tzinfo=UTC)
    assert customer.last_update == datetime(2026, 12, 5, 18, 25, 20, tzinfo=UTC)
    assert customer.billing.phone == "+1 217 555 0101"
    assert customer.billing.state == "IL"
    assert customer.shipping.city == "Springfield"
    assert customer.avatar_url.startswith("https://secure.gravatar.com/avatar/c160f8cc")
    # wc/v3 has no stats; the meta_data caches are not taken for them.
    assert customer.stats_known is False
    assert customer.last_order_id is None
    assert customer.last_order_date is None
    assert customer.orders_count == 0
    assert customer.total_spent == Decimal("0")


def test_legacy_customers_know_their_stats() -> None:
    assert Customer.from_api({"id": 3, "orders_count": 2}).stats_known is True


def test_customer_never_modified_and_site_time_ignored() -> None:
    data = {**ALICE, "date_modified": None, "date_modified_gmt": None, "date_created": "x"}
    customer = customer_from_rest(data)
    assert customer.last_update is None
    assert customer.created_at == datetime(2026, 12, 5, 18, 25, 19, tzinfo=UTC)


@pytest.mark.parametrize("bad", [{"email": "a@b.cd"}, {"id": "x"}, {"id": -1}, []])
def test_customer_without_usable_id_is_refused(bad: object) -> None:
    with pytest.raises(ValueError, match="customer"):
        customer_from_rest(bad)  # type: ignore[arg-type]


def test_extras_hold_what_the_domain_type_does_not() -> None:
    extras = customer_extras({**ALICE, "shipping": {**ALICE["shipping"], "phone": "+49 30"}})
    assert extras.is_paying_customer is True
    assert extras.shipping_phone == "+49 30"
    assert next((m.id, m.key, m.value) for m in extras.meta_data) == (
        79910,
        "wc_last_order_wp",
        "14",
    )
    assert customer_extras({"id": 1}).meta_data == ()


def test_customer_round_trips_through_the_v3_shape() -> None:
    customer = customer_from_rest(ALICE)
    written = customer_to_rest(customer)
    assert list(written)[:3] == ["id", "date_created_gmt", "date_modified_gmt"]
    assert written["date_created_gmt"] == "2026-12-05T18:25:19"
    assert "orders_count" not in written
    assert "total_spent" not in written
    assert customer_from_rest(written) == customer


def test_unknown_stats_survive_the_legacy_shape_the_cache_keeps() -> None:
    customer = customer_from_rest(ALICE)
    stored = customer.to_api()
    assert stored["orders_count"] is None
    assert stored["total_spent"] is None
    again = Customer.from_api(stored)
    assert again == customer
    assert again.stats_known is False
    legacy = Customer.from_api({"id": 3, "orders_count": 0, "total_spent": "0.00"})
    assert legacy.to_api()["orders_count"] == 0


def test_create_payload_renames_addresses_and_drops_an_empty_billing_email() -> None:
    draft = CustomerDraft(
        email="zoe@example.com",
        first_name="Zoë",
        billing=BillingAddress(city="São Paulo", country="BR"),
    )
    body = rest_payload(draft.to_create_payload(), creating=True)
    assert body["email"] == "zoe@example.com"
    assert "billing_address" not in body
    billing = body["billing"]
    assert isinstance(billing, dict)
    assert billing["city"] == "São Paulo"
    assert "email" not in billing  # wc/v3 refuses "" on create (section 6.1)


def test_update_payload_is_partial_and_never_carries_an_id() -> None:
    before = customer_from_rest(ALICE)
    after = before.with_changes(
        first_name="Alicia",
        billing=before.billing.__class__(**{**before.billing.to_api(), "city": "Shelbyville"}),
    )
    body = rest_payload({**update_payload(before, after), "id": 9, "role": "x"}, creating=False)
    assert body == {"first_name": "Alicia", "billing": {"city": "Shelbyville"}}


def test_order_maps_renamed_fields() -> None:
    order = order_from_rest(
        {
            **ORDER_14,
            "customer_id": 2,
            "order_key": "wc_order_x",
            "date_paid_gmt": "2026-12-05T18:25:21",
            "date_completed_gmt": None,
            "date_modified_gmt": "2026-12-05T18:26:00",
            "payment_method": "bacs",
            "shipping_total": "4.00",
            "discount_total": "1.00",
            "total_tax": "0.50",
            "customer_note": "ring twice",
            "billing": {"city": "Springfield", "email": "alice@example.com"},
            "shipping_lines": [
                {"id": 5, "method_id": "flat_rate", "method_title": "Flat rate", "total": "4.00"}
            ],
        }
    )
    assert order.id == 14
    assert order.number == "14"
    assert order.status == "processing"
    assert order.created_at == datetime(2026, 12, 5, 18, 25, 20, tzinfo=UTC)
    assert order.updated_at == datetime(2026, 12, 5, 18, 26, tzinfo=UTC)
    assert order.completed_at is None
    assert order.total == Decimal("15.00")
    assert order.subtotal == Decimal("15.00")
    assert order.total_shipping == Decimal("4.00")
    assert order.total_discount == Decimal("1.00")
    assert order.payment_method_id == "bacs"
    assert order.payment_method_title == "Direct bank transfer"
    assert order.paid is True
    assert order.note == "ring twice"
    assert order.customer_id == 2
    assert order.billing.city == "Springfield"
    assert order.shipping_methods == "Flat rate"
    item = order.line_items[0]
    assert (item.product_id, item.sku, item.quantity, item.price) == (12, "SHIRT", 1, Decimal(15))
    assert order.view_order_url == ""
    # The cache keeps to_api() and reads it back with the legacy reader.
    assert Order.from_api(order.to_api()) == order


def test_order_unpaid_guest_and_variation() -> None:
    order = order_from_rest(
        {
            "id": 20,
            "date_paid_gmt": None,
            "customer_id": 0,
            "line_items": [{"id": 1, "product_id": 12, "variation_id": 31, "price": 12.5}],
        }
    )
    assert order.paid is False
    assert order.is_guest
    assert order.number == "20"
    assert order.line_items[0].product_id == 31
    assert order.line_items[0].price == Decimal("12.5")
    with pytest.raises(ValueError, match="usable id"):
        order_from_rest({"id": 0})


def test_download_unlimited_and_never_expiring() -> None:
    download = download_from_rest(DOWNLOAD)
    assert download.downloads_remaining is None
    assert download.is_unlimited
    assert download.access_expires is None
    assert download.name == "E-Book PDF"
    assert download.order_id == 13
    assert download.file_url.endswith("ebook.pdf")
    assert Download.from_api(download.to_api()) == download


def test_download_counted_and_expiring() -> None:
    download = download_from_rest(
        {
            **DOWNLOAD,
            "downloads_remaining": "3",
            "access_expires": "2027-01-01T01:00:00",
            "access_expires_gmt": "2027-01-01T00:00:00",
        }
    )
    assert download.downloads_remaining == 3
    assert download.access_expires == datetime(2027, 1, 1, tzinfo=UTC)
    with pytest.raises(ValueError, match="JSON object"):
        download_from_rest([])  # type: ignore[arg-type]


def test_a_rest_orders_currency_symbol_is_kept_through_the_cache() -> None:
    """wc/v3 orders carry their currency's symbol (decoded, "€"); the legacy shape the cache
    keeps carries it on, and an order without one writes none."""
    order = order_from_rest({"id": 7, "currency": "EUR", "currency_symbol": "€", "total": "5"})
    assert (order.currency, order.currency_symbol) == ("EUR", "€")
    assert Order.from_api(order.to_api()).currency_symbol == "€"
    escaped = order_from_rest({"id": 8, "currency": "GBP", "currency_symbol": "&pound;"})
    assert escaped.currency_symbol == "£"
    assert "currency_symbol" not in order_from_rest({"id": 9, "currency": "USD"}).to_api()
