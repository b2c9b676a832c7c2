"""Customers: reading every store version's customer object, payloads, and unapplied changes."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.customer import (
    Address,
    BillingAddress,
    Customer,
    CustomerDraft,
    UnappliedChange,
    unapplied_changes,
    update_payload,
)
from tests.conftest import StoreFactory
from tests.support.payloads import PLUGIN_CUSTOMER
from tests.support.store_http import StoreHttp

ADDRESS_KEYS = [
    "first_name",
    "last_name",
    "company",
    "address_1",
    "address_2",
    "city",
    "state",
    "postcode",
    "country",
]
BILLING_KEYS = [*ADDRESS_KEYS, "email", "phone"]

#: The same customer as a WooCommerce 2.4 store sends it: no last_update, role null,
#: last_order_id a numeric string, the shared "mystery man" avatar.
WC24_CUSTOMER: dict[str, Any] = {
    key: value for key, value in PLUGIN_CUSTOMER.items() if key != "last_update"
} | {
    "role": None,
    "last_order_id": "531",
    "avatar_url": "https://secure.gravatar.com/avatar/ad516503a11cd5ca435acc9bb6523536?s=96",
}

#: The stand-in customer a store embeds in a guest's order (section 10).
GUEST_CUSTOMER: dict[str, Any] = {
    "id": 0,
    "email": "guest@example.com",
    "first_name": "Gail",
    "last_name": "Guest",
    "billing_address": {**PLUGIN_CUSTOMER["billing_address"], "email": "guest@example.com"},
    "shipping_address": PLUGIN_CUSTOMER["shipping_address"],
}


def customer(**changes: Any) -> Customer:
    return Customer.from_api(PLUGIN_CUSTOMER).with_changes(**changes)


# --- addresses ----------------------------------------------------------------------------------


def test_address_fields_are_in_api_order() -> None:
    assert list(Address.FIELDS) == ADDRESS_KEYS
    assert list(BillingAddress.FIELDS) == BILLING_KEYS


def test_address_reads_and_writes_the_api_object() -> None:
    billing = BillingAddress.from_api(PLUGIN_CUSTOMER["billing_address"])
    assert billing.city == "San Francisco"
    assert billing.phone == "(555) 555-5555"
    assert billing.to_api() == PLUGIN_CUSTOMER["billing_address"]
    assert list(billing.to_api()) == BILLING_KEYS
    shipping = Address.from_api(PLUGIN_CUSTOMER["shipping_address"])
    assert list(shipping.to_api()) == ADDRESS_KEYS
    assert shipping.to_api() == PLUGIN_CUSTOMER["shipping_address"]


def test_address_tolerates_missing_unknown_and_odd_values() -> None:
    address = BillingAddress.from_api(
        {"city": "Lisboa", "postcode": 1100, "state": None, "extra": "x", "phone": ["no"]}
    )
    assert address == BillingAddress(city="Lisboa", postcode="1100")


@pytest.mark.parametrize("value", [None, [], "Market Street", 7, True])
def test_address_that_is_no_object_reads_as_empty(value: object) -> None:
    assert Address.from_api(value) == Address()
    assert BillingAddress.from_api(value).is_empty


def test_address_is_empty_ignores_white_space() -> None:
    assert Address().is_empty
    assert Address(city="  \t").is_empty
    assert not Address(country="PT").is_empty
    assert not BillingAddress(phone="1").is_empty


# --- reading customers ----------------------------------------------------------------------------


def test_reads_the_plugin_customer_object() -> None:
    parsed = Customer.from_api(PLUGIN_CUSTOMER)
    assert parsed.id == 2
    assert parsed.email == "john.doe@example.com"
    assert (parsed.first_name, parsed.last_name, parsed.username) == ("John", "Doe", "john.doe")
    assert parsed.role == "customer"
    assert parsed.created_at == datetime(2014, 11, 19, 18, 34, 19, tzinfo=UTC)
    assert parsed.last_update == datetime(2015, 1, 21, 12, 2, 13, tzinfo=UTC)
    assert parsed.last_order_id == 531
    assert parsed.last_order_date == datetime(2015, 1, 21, 12, 2, 13, tzinfo=UTC)
    assert parsed.orders_count == 4
    assert parsed.total_spent == Decimal("130.00")
    assert parsed.avatar_url.startswith("http://2.gravatar.com/")
    assert parsed.billing.to_api() == PLUGIN_CUSTOMER["billing_address"]
    assert parsed.shipping.to_api() == PLUGIN_CUSTOMER["shipping_address"]
    assert not parsed.is_guest


def test_reads_the_2x_customer_object() -> None:
    parsed = Customer.from_api(WC24_CUSTOMER)
    assert parsed.last_update is None
    assert parsed.role is None
    assert parsed.last_order_id == 531
    assert parsed == Customer.from_api(PLUGIN_CUSTOMER).with_changes(
        last_update=None, role=None, avatar_url=WC24_CUSTOMER["avatar_url"]
    )


def test_reads_a_customer_without_orders() -> None:
    parsed = Customer.from_api(
        PLUGIN_CUSTOMER
        | {"last_order_id": None, "last_order_date": None, "orders_count": 0, "total_spent": "0.00"}
    )
    assert parsed.last_order_id is None
    assert parsed.last_order_date is None
    assert parsed.orders_count == 0
    assert parsed.total_spent == Decimal("0")
    assert parsed.average_order_value is None


def test_reads_the_guest_customer_of_an_order() -> None:
    parsed = Customer.from_api(GUEST_CUSTOMER)
    assert parsed.id == 0
    assert parsed.is_guest
    assert parsed.username == ""
    assert parsed.role is None
    assert parsed.created_at is None
    assert parsed.total_spent == Decimal("0")
    assert parsed.billing.email == "guest@example.com"


def test_unstamped_last_update_epoch_reads_as_none() -> None:
    parsed = Customer.from_api(PLUGIN_CUSTOMER | {"last_update": "1970-01-01T00:00:00Z"})
    assert parsed.last_update is None


def test_tolerates_odd_values_and_unknown_keys() -> None:
    parsed = Customer.from_api(
        {
            "id": "17",
            "email": None,
            "first_name": 42,
            "role": "",
            "orders_count": "3",
            "total_spent": 99,
            "last_order_id": 0,
            "created_at": "not a date",
            "avatar_url": None,
            "billing_address": [],
            "shipping_address": None,
            "customer_meta": {"nickname": "x"},
            "something_new": [1, 2],
        }
    )
    assert parsed == Customer(
        id=17,
        first_name="42",
        orders_count=3,
        total_spent=Decimal("99"),
    )


@pytest.mark.parametrize("bad_id", [None, "", "abc", "1.5", True, -3, [2]])
def test_customer_without_a_usable_id_is_a_protocol_error(bad_id: object) -> None:
    with pytest.raises(ValueError, match="id"):
        Customer.from_api(PLUGIN_CUSTOMER | {"id": bad_id})
    with pytest.raises(ValueError, match="id"):
        Customer.from_api({key: value for key, value in PLUGIN_CUSTOMER.items() if key != "id"})


def test_customer_that_is_no_object_is_a_protocol_error() -> None:
    with pytest.raises(ValueError, match="object"):
        Customer.from_api([PLUGIN_CUSTOMER])  # type: ignore[arg-type]


# --- derived values -------------------------------------------------------------------------------


def test_display_name_falls_back_through_names_username_and_email() -> None:
    assert customer().display_name == "John Doe"
    assert customer(last_name="").display_name == "John"
    nameless = customer(first_name="", last_name=" ")
    assert nameless.display_name == "John Doe"  # from the billing address
    no_billing = nameless.with_changes(billing=BillingAddress())
    assert no_billing.display_name == "john.doe"
    assert no_billing.with_changes(username="").display_name == "john.doe@example.com"
    assert Customer(id=5).display_name == ""


def test_average_order_value_is_rounded_to_cents() -> None:
    assert customer().average_order_value == Decimal("32.50")
    assert customer(total_spent=Decimal("10.00"), orders_count=3).average_order_value == Decimal(
        "3.33"
    )
    assert customer(orders_count=0).average_order_value is None


def test_with_changes_returns_a_modified_copy() -> None:
    original = customer()
    changed = original.with_changes(first_name="Jane")
    assert changed.first_name == "Jane"
    assert original.first_name == "John"
    assert changed.id == original.id


# --- create payload -------------------------------------------------------------------------------


def test_create_payload_omits_empty_values() -> None:
    assert CustomerDraft(email="ann@example.com").to_create_payload() == {
        "email": "ann@example.com"
    }


def test_create_payload_carries_everything_filled_in() -> None:
    draft = CustomerDraft(
        email="ann@example.com",
        first_name="Ann",
        last_name="Lee",
        username="ann.lee",
        password="s3cret",
        billing=BillingAddress(city="Porto", country="PT", email="ann@example.com"),
        shipping=Address(city="Braga", country="PT"),
    )
    payload = draft.to_create_payload()
    assert payload == {
        "email": "ann@example.com",
        "first_name": "Ann",
        "last_name": "Lee",
        "username": "ann.lee",
        "password": "s3cret",
        "billing_address": draft.billing.to_api(),
        "shipping_address": draft.shipping.to_api(),
    }
    assert len(draft.billing.to_api()) == 11
    assert len(draft.shipping.to_api()) == 9


def test_create_payload_leaves_out_blank_addresses_and_credentials() -> None:
    payload = CustomerDraft(
        email="ann@example.com", first_name="Ann", shipping=Address(city="  ")
    ).to_create_payload()
    assert payload == {"email": "ann@example.com", "first_name": "Ann"}


# --- update payload -------------------------------------------------------------------------------


def test_update_payload_is_empty_when_nothing_changed() -> None:
    assert update_payload(customer(), customer()) == {}


def test_update_payload_sends_only_changed_top_level_fields() -> None:
    assert update_payload(customer(), customer(first_name="Jane", email="jane@example.com")) == {
        "email": "jane@example.com",
        "first_name": "Jane",
    }


def test_update_payload_sends_partial_addresses() -> None:
    before = customer()
    after = before.with_changes(
        billing=BillingAddress.from_api(
            PLUGIN_CUSTOMER["billing_address"] | {"city": "Oakland", "phone": ""}
        ),
        shipping=Address.from_api(PLUGIN_CUSTOMER["shipping_address"] | {"address_2": "Apt 4"}),
    )
    assert update_payload(before, after) == {
        "billing_address": {"city": "Oakland", "phone": ""},
        "shipping_address": {"address_2": "Apt 4"},
    }


def test_update_payload_never_sends_read_only_fields() -> None:
    before = customer()
    after = before.with_changes(
        username="someone.else",
        role="administrator",
        orders_count=99,
        total_spent=Decimal("1.00"),
        last_order_id=1,
        avatar_url="x",
        created_at=None,
        last_update=None,
    )
    assert update_payload(before, after) == {}


def test_update_payload_refuses_two_different_customers() -> None:
    with pytest.raises(ValueError, match="customer"):
        update_payload(customer(), customer(id=3))


# --- unapplied changes ----------------------------------------------------------------------------


def test_nothing_unapplied_when_the_store_kept_everything() -> None:
    sent = update_payload(customer(), customer(first_name="Jane"))
    assert unapplied_changes(sent, customer(first_name="Jane")) == []


def test_email_kept_by_the_store_is_reported() -> None:
    sent = {"email": "taken@example.com", "first_name": "Jane"}
    returned = customer(first_name="Jane")  # the store kept the old email, answered 200
    assert unapplied_changes(sent, returned) == [
        UnappliedChange(field="email", sent="taken@example.com", kept="john.doe@example.com")
    ]


def test_text_cleaned_by_the_store_is_not_reported() -> None:
    sent = {
        "first_name": "  Ann ",
        "last_name": "van  der\tBerg",
        "billing_address": {"city": " X"},
    }
    returned = customer(
        first_name="Ann",
        last_name="van der Berg",
        billing=BillingAddress(city="X"),
    )
    assert unapplied_changes(sent, returned) == []


def test_address_sub_key_kept_by_the_store_is_reported_with_a_dotted_name() -> None:
    sent = {"billing_address": {"city": "Oakland", "state": "CA"}, "shipping_address": {"city": ""}}
    returned = customer()  # city unchanged in both addresses
    assert unapplied_changes(sent, returned) == [
        UnappliedChange("billing_address.city", "Oakland", "San Francisco"),
        UnappliedChange("shipping_address.city", "", "San Francisco"),
    ]


def test_ignored_username_change_is_reported() -> None:
    assert unapplied_changes({"username": "new.name"}, customer()) == [
        UnappliedChange("username", "new.name", "john.doe")
    ]


def test_unapplied_changes_skips_what_the_store_never_echoes_or_ignores() -> None:
    sent: dict[str, object] = {
        "password": "secret",
        "first_name": None,  # null is ignored by the store
        "shipping_address": "not an object",  # ignored by the store
        "billing_address": {"unknown": "x", "city": None},
        "role": "administrator",
    }
    assert unapplied_changes(sent, customer()) == []


def test_unapplied_changes_unwraps_the_request_envelope() -> None:
    sent = {"customer": {"email": "taken@example.com"}}
    assert [change.field for change in unapplied_changes(sent, customer())] == ["email"]


def test_unapplied_changes_of_a_create_payload() -> None:
    draft = CustomerDraft(
        email="ann@example.com", first_name="Ann", username="Ann Lee!", password="pw"
    )
    returned = Customer(id=9, email="ann@example.com", first_name="Ann", username="annlee")
    assert unapplied_changes(draft.to_create_payload(), returned) == [
        UnappliedChange("username", "Ann Lee!", "annlee")
    ]


# --- property: the update payload, applied the store's way, yields the edited customer ------------

_text = st.text(alphabet=st.characters(codec="utf-8"), max_size=12)
_addresses = st.builds(Address, **{name: _text for name in Address.FIELDS})
_billing_addresses = st.builds(BillingAddress, **{name: _text for name in BillingAddress.FIELDS})
_customers = st.builds(
    Customer,
    id=st.just(7),
    email=_text,
    first_name=_text,
    last_name=_text,
    username=_text,
    billing=_billing_addresses,
    shipping=_addresses,
)
_EDITABLE = ("email", "first_name", "last_name", "billing_address", "shipping_address")


def api_dict(value: Customer) -> dict[str, Any]:
    """The editable part of a customer object as the store would send it."""
    return {
        "email": value.email,
        "first_name": value.first_name,
        "last_name": value.last_name,
        "billing_address": value.billing.to_api(),
        "shipping_address": value.shipping.to_api(),
    }


def apply_partial_update(stored: dict[str, Any], payload: dict[str, object]) -> dict[str, Any]:
    """What a store does with an update body (section 6): present keys replace, addresses merge."""
    result = copy.deepcopy(stored)
    for key, value in payload.items():
        if key in ("billing_address", "shipping_address"):
            assert isinstance(value, dict)
            result[key].update({name: item for name, item in value.items() if item is not None})
        elif key in ("email", "first_name", "last_name") and value is not None:
            result[key] = value
    return result


@given(before=_customers, after=_customers)
def test_update_payload_applied_as_partial_update_yields_after(
    before: Customer, after: Customer
) -> None:
    payload = update_payload(before, after)
    assert set(payload) <= set(_EDITABLE)
    updated = apply_partial_update(api_dict(before), payload)
    assert updated == api_dict(after)
    assert unapplied_changes(payload, Customer.from_api({"id": 7, **updated})) == []
    for key in ("billing_address", "shipping_address"):
        sent = payload.get(key, {})
        assert isinstance(sent, dict)
        assert all(api_dict(before)[key][name] != value for name, value in sent.items())


@given(value=_customers)
def test_update_payload_of_an_unchanged_customer_is_empty(value: Customer) -> None:
    assert update_payload(value, value) == {}


# --- against the demo store's real JSON -----------------------------------------------------------


def test_parses_every_customer_the_demo_store_serves(start_store: StoreFactory) -> None:
    store = start_store(customers=30)
    client = StoreHttp(store)
    answer = client.get("/customers", [("filter[limit]", "30")])
    assert answer.status_code == 200, answer.text
    objects = answer.json()["customers"]
    assert len(objects) == 30
    for raw in objects:
        parsed = Customer.from_api(raw)
        assert parsed.id == raw["id"]
        assert parsed.email == raw["email"]
        assert parsed.username == raw["username"]
        assert parsed.role == raw["role"]
        assert parsed.last_order_id == raw["last_order_id"]
        assert parsed.orders_count == raw["orders_count"]
        assert f"{parsed.total_spent:.2f}" == raw["total_spent"]
        assert parsed.billing.to_api() == raw["billing_address"]
        assert parsed.shipping.to_api() == raw["shipping_address"]
        assert parsed.created_at is not None
        assert parsed.last_update is not None
        assert (parsed.last_order_date is None) == (raw["last_order_date"] is None)
    assert any(Customer.from_api(raw).orders_count > 0 for raw in objects)


def test_create_and_update_round_trip_through_the_demo_store(start_store: StoreFactory) -> None:
    store = start_store(customers=0)
    client = StoreHttp(store)

    def create(draft: CustomerDraft) -> Customer:
        payload = draft.to_create_payload()
        answer = client.post("/customers", {"customer": payload})
        assert answer.status_code == 201, answer.text
        created = Customer.from_api(answer.json()["customer"])
        assert unapplied_changes(payload, created) == []
        return created

    ann = create(
        CustomerDraft(
            email="ann@example.com",
            first_name="  Ann ",
            username="ann",
            billing=BillingAddress(city="Porto", country="PT"),
        )
    )
    assert ann.first_name == "Ann"
    assert ann.billing.city == "Porto"
    assert ann.shipping.is_empty
    bob = create(CustomerDraft(email="bob@example.com"))
    assert bob.username == "bob"

    edited = ann.with_changes(
        email=bob.email,  # taken: the store keeps Ann's email and still answers 200
        last_name="Lee",
        billing=BillingAddress.from_api(ann.billing.to_api() | {"city": "Lisboa"}),
    )
    payload = update_payload(ann, edited)
    assert payload == {
        "email": "bob@example.com",
        "last_name": "Lee",
        "billing_address": {"city": "Lisboa"},
    }
    answer = client.put(f"/customers/{ann.id}", {"customer": payload})
    assert answer.status_code == 200, answer.text
    updated = Customer.from_api(answer.json()["customer"])
    assert updated.last_name == "Lee"
    assert updated.billing.city == "Lisboa"
    assert updated.billing.country == "PT"  # untouched by the partial update
    assert unapplied_changes(payload, updated) == [
        UnappliedChange("email", "bob@example.com", "ann@example.com")
    ]
