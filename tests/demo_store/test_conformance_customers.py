"""Conformance of the demo store's customer writes and reads: section 16, cases 33 to 68.

Each numbered case of wc-api-v3-behavior.md section 16 (create, read, update, delete, bulk) is
one test here, named ``test_case_NN_...``; the expected statuses, codes and messages are the
plugin profile's (the 2.x variants in brackets in the file are not what the store reproduces).
Unless a test says otherwise it runs against ``https_shop``: HTTPS, Basic auth with the
administrator's ``read_write`` key, passwords not generated, C1 = john.doe, C2 = joao.silva.
A few extra tests pin rules of sections 4, 6 and 8 that the numbered cases leave out; their
names cite the section instead.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any, cast

import pytest
import requests

from app.demo_store import DemoStore
from tests.conftest import StoreFactory
from tests.support.payloads import CUSTOMER_KEYS
from tests.support.shop import ADMIN_ID, JOHN_DOE, Shop
from tests.support.store_http import StoreHttp

BILLING_KEYS = [
    "first_name",
    "last_name",
    "company",
    "address_1",
    "address_2",
    "city",
    "state",
    "postcode",
    "country",
    "email",
    "phone",
]
SHIPPING_KEYS = BILLING_KEYS[:9]
DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
EMAIL_EXISTS = "registration-error-email-exists"
C1_EMAIL = "john.doe@example.com"
C1_BILLING = cast(dict[str, str], JOHN_DOE["billing_address"])
C1_SHIPPING = cast(dict[str, str], JOHN_DOE["shipping_address"])


# -- helpers ----------------------------------------------------------------------------------


def assert_error(
    response: requests.Response, status: int, code: str, message: str | None = None
) -> str:
    """Check a standard error envelope with exactly one error; its message."""
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"] == "application/json; charset=UTF-8"
    body = response.json()
    assert list(body) == ["errors"], body
    assert isinstance(body["errors"], list)
    assert len(body["errors"]) == 1, body
    error = body["errors"][0]
    assert sorted(error) == ["code", "message"], error
    assert error["code"] == code, error
    assert isinstance(error["message"], str)
    assert error["message"]
    if message is not None:
        assert error["message"] == message
    return str(error["message"])


def assert_full_customer(customer: dict[str, Any]) -> None:
    """A whole customer object: every key in the emitted order, both addresses complete."""
    assert list(customer) == CUSTOMER_KEYS
    assert list(customer["billing_address"]) == BILLING_KEYS
    assert list(customer["shipping_address"]) == SHIPPING_KEYS


def user_total(client: StoreHttp) -> int:
    """How many users (any role) the store lists."""
    answer = client.get("/customers", [("filter[role]", "all"), ("filter[limit]", "-1")])
    assert answer.status_code == 200, answer.text
    return int(answer.headers["X-WC-Total"])


def get_customer(client: StoreHttp, customer_id: int) -> dict[str, Any]:
    """One customer object, which must exist."""
    answer = client.get(f"/customers/{customer_id}")
    assert answer.status_code == 200, answer.text
    customer: dict[str, Any] = answer.json()["customer"]
    return customer


def contains_key(value: Any, key: str) -> bool:
    """Whether ``key`` names a member of any object nested in ``value``."""
    if isinstance(value, dict):
        return key in value or any(contains_key(item, key) for item in value.values())
    if isinstance(value, list):
        return any(contains_key(item, key) for item in value)
    return False


def new_customer(email: str, **extra: Any) -> dict[str, Any]:
    """A valid create body's inner object (with a password: the shop does not generate one)."""
    return {"email": email, "password": "p4ss-w0rd", **extra}


def throwaway(client: StoreHttp, email: str = "tmp@example.com") -> int:
    """Create a customer that a test may delete; its id."""
    answer = client.post("/customers", {"customer": new_customer(email)})
    assert answer.status_code == 201, answer.text
    return int(answer.json()["customer"]["id"])


def no_list_users_client(shop: Shop) -> StoreHttp:
    """A client whose ``read_write`` key belongs to a subscriber: no ``list_users``,
    ``create_users``, ``edit_users`` or ``delete_users``."""
    user_id = shop.store.create_user("sub.scriber", "sub.scriber@example.com", "subscriber")
    key = shop.store.create_api_key(user_id, "read_write")
    return StoreHttp(shop.store, key=key, verify=shop.client.verify)


# -- create -----------------------------------------------------------------------------------


def test_case_33_create_answers_201_with_a_fresh_customer(https_shop: Shop) -> None:
    """Case 33: POST /customers -> 201 and a complete, fresh customer without a password."""
    body = {
        "customer": {
            "email": "new1@example.com",
            "password": "p4ss",
            "first_name": "Ann",
            "billing_address": {"city": "Paris"},
        }
    }
    answer = https_shop.client.post("/customers", body)
    assert answer.status_code == 201, answer.text
    assert list(answer.json()) == ["customer"]
    customer = answer.json()["customer"]
    assert type(customer["id"]) is int
    assert customer["email"] == "new1@example.com"
    assert customer["first_name"] == "Ann"
    assert customer["username"] == "new1"
    assert customer["role"] == "customer"
    assert customer["orders_count"] == 0
    assert customer["total_spent"] == "0.00"
    assert customer["last_order_id"] is None
    assert customer["last_order_date"] is None
    assert customer["billing_address"] == {
        k: ("Paris" if k == "city" else "") for k in BILLING_KEYS
    }
    assert customer["shipping_address"] == dict.fromkeys(SHIPPING_KEYS, "")
    assert not contains_key(answer.json(), "password")


def test_case_34_create_answers_dates_in_utc(https_shop: Shop) -> None:
    """Case 34: the new customer's ``created_at`` is RFC 3339 UTC; ``last_update`` present."""
    body = {"customer": {"email": "new1b@example.com", "password": "p4ss", "first_name": "Ann"}}
    answer = https_shop.client.post("/customers", body)
    assert answer.status_code == 201, answer.text
    customer = answer.json()["customer"]
    assert DATETIME.match(customer["created_at"])
    assert "last_update" in customer
    assert DATETIME.match(customer["last_update"])


def test_case_35_create_without_customer_key(https_shop: Shop) -> None:
    """Case 35: POST ``{}`` -> 400 missing_customer_data."""
    answer = https_shop.client.post("/customers", {})
    assert_error(
        answer,
        400,
        "woocommerce_api_missing_customer_data",
        "No customer data specified to create customer",
    )


@pytest.mark.parametrize("raw_body", [b"", b"{bad json"], ids=["empty", "invalid-json"])
def test_case_36_create_without_a_json_body(https_shop: Shop, raw_body: bytes) -> None:
    """Case 36: an empty or unparsable body -> 400 "Missing parameter data"."""
    before = user_total(https_shop.client)
    answer = https_shop.client.request(
        "POST", "/customers", data=raw_body, headers={"Content-Type": "application/json"}
    )
    assert_error(answer, 400, "woocommerce_api_missing_callback_param", "Missing parameter data")
    assert user_total(https_shop.client) == before


def test_case_37_create_without_email(https_shop: Shop) -> None:
    """Case 37: no ``email`` -> 400 missing_customer_email "Missing parameter email"."""
    answer = https_shop.client.post("/customers", {"customer": {"first_name": "x"}})
    assert_error(answer, 400, "woocommerce_api_missing_customer_email", "Missing parameter email")


def test_case_38_create_with_an_invalid_email(https_shop: Shop) -> None:
    """Case 38: email "not-an-email" -> 400 customer_invalid_email (plugin), nothing created."""
    before = user_total(https_shop.client)
    answer = https_shop.client.post("/customers", {"customer": new_customer("not-an-email")})
    assert_error(answer, 400, "customer_invalid_email", "Invalid email address")
    assert user_total(https_shop.client) == before


def test_case_39_create_with_a_taken_email(https_shop: Shop) -> None:
    """Case 39: C1's email -> 400 registration-error-email-exists (text varies by WC core)."""
    before = user_total(https_shop.client)
    answer = https_shop.client.post("/customers", {"customer": new_customer(C1_EMAIL)})
    message = assert_error(answer, 400, EMAIL_EXISTS)
    assert "already registered" in message
    assert user_total(https_shop.client) == before


def test_case_40_create_with_a_taken_username(https_shop: Shop) -> None:
    """Case 40: username "john.doe" with a new email -> 400 registration-error-username-exists."""
    body = {"customer": new_customer("someone.else@example.com", username="john.doe")}
    answer = https_shop.client.post("/customers", body)
    assert_error(
        answer,
        400,
        "registration-error-username-exists",
        "An account is already registered with that username. Please choose another.",
    )


def test_case_41_create_without_password_when_not_generated(https_shop: Shop) -> None:
    """Case 41 (generate_password = no): no password -> 400 missing-password; index says false."""
    answer = https_shop.client.post("/customers", {"customer": {"email": "nopass@example.com"}})
    assert_error(
        answer, 400, "registration-error-missing-password", "Please enter an account password."
    )
    index = https_shop.client.get("")
    assert index.status_code == 200, index.text
    assert index.json()["store"]["meta"]["generate_password"] is False


def test_case_41_create_without_password_when_generated(
    start_store: StoreFactory, tls_certificate: tuple[Path, Path]
) -> None:
    """Case 41 (generate_password = yes): no password -> 201; index ``generate_password`` true."""
    store = start_store(certificate=tls_certificate, generate_password=True)
    client = StoreHttp(store, verify=str(tls_certificate[0]))
    answer = client.post("/customers", {"customer": {"email": "nopass@example.com"}})
    assert answer.status_code == 201, answer.text
    assert answer.json()["customer"]["email"] == "nopass@example.com"
    assert not contains_key(answer.json(), "password")
    index = client.get("")
    assert index.status_code == 200, index.text
    assert index.json()["store"]["meta"]["generate_password"] is True


def test_case_42_generated_username_collision_gets_a_number(https_shop: Shop) -> None:
    """Case 42, as a real store answered (transcript "username collision via email local
    part"): generated name "john.doe" is C1's -> 201, username "john.doe1", then "john.doe2"."""
    for number in (1, 2):
        body = {"customer": {"email": f"john.doe@other{number}.example", "password": "x"}}
        answer = https_shop.client.post("/customers", body)
        assert answer.status_code == 201, answer.text
        assert answer.json()["customer"]["username"] == f"john.doe{number}"


def test_case_43_create_ignores_read_only_fields(https_shop: Shop) -> None:
    """Case 43: ``id``, ``role``, ``orders_count`` in a create are ignored."""
    body = {
        "customer": new_customer(
            "readonly@example.com", id=999, role="administrator", orders_count=5
        )
    }
    answer = https_shop.client.post("/customers", body)
    assert answer.status_code == 201, answer.text
    customer = answer.json()["customer"]
    assert customer["id"] != 999
    assert customer["role"] == "customer"
    assert customer["orders_count"] == 0
    assert get_customer(https_shop.client, customer["id"])["role"] == "customer"


@pytest.mark.parametrize(
    ("email", "username"),
    [
        ("frank+tag@example.com", "franktag"),
        ("info@shop.example", "info"),
        ("MiXed.Case@example.com", "MiXed.Case"),
        ("o'brien@example.com", "obrien"),
    ],
    ids=["plus-dropped", "generic-local-part", "case-kept", "apostrophe-dropped"],
)
def test_section_4_6_generated_username(https_shop: Shop, email: str, username: str) -> None:
    """Sections 4.6 / 18 as a real store answered (transcript "create"): the username is the
    local part sanitised strictly, its case kept, even for generic local parts like ``info``."""
    answer = https_shop.client.post("/customers", {"customer": new_customer(email)})
    assert answer.status_code == 201, answer.text
    assert answer.json()["customer"]["username"] == username


def test_section_4_5_empty_email(https_shop: Shop) -> None:
    """Section 4.5: an empty email -> 400 registration-error-invalid-email."""
    answer = https_shop.client.post("/customers", {"customer": new_customer("")})
    assert_error(
        answer, 400, "registration-error-invalid-email", "Please provide a valid email address."
    )


def test_section_4_2_create_without_create_users(https_shop: Shop) -> None:
    """Section 4.2: a key user without ``create_users`` -> 401 user_cannot_create_customer."""
    client = no_list_users_client(https_shop)
    answer = client.post("/customers", {"customer": new_customer("denied@example.com")})
    assert_error(
        answer,
        401,
        "woocommerce_api_user_cannot_create_customer",
        "You do not have permission to create this customer",
    )


def test_section_4_7_invalid_billing_email_still_creates_the_user(https_shop: Shop) -> None:
    """Section 4.7: bad billing email -> 400 customer_invalid_billing_email, user row exists."""
    body = {"customer": new_customer("billing.bad@example.com", billing_address={"email": "nope"})}
    answer = https_shop.client.post("/customers", body)
    assert_error(answer, 400, "customer_invalid_billing_email", "Invalid billing email address")
    found = https_shop.client.get("/customers/email/billing.bad@example.com")
    assert found.status_code == 200, found.text


# -- read -------------------------------------------------------------------------------------


def test_case_44_customer_keys_in_order(https_shop: Shop) -> None:
    """Case 44: GET /customers/{C1} -> 200 ``{"customer":{...}}`` with the keys in order."""
    answer = https_shop.client.get(f"/customers/{https_shop.c1}")
    assert answer.status_code == 200, answer.text
    assert list(answer.json()) == ["customer"]
    customer = answer.json()["customer"]
    assert_full_customer(customer)
    assert customer["id"] == https_shop.c1
    assert customer["email"] == C1_EMAIL
    assert customer["username"] == "john.doe"
    assert customer["billing_address"] == C1_BILLING
    assert customer["shipping_address"] == C1_SHIPPING
    # Section 3 / 18 value types, and the plugin's per-email Gravatar URL over HTTPS.
    assert type(customer["orders_count"]) is int
    assert re.fullmatch(r"\d+\.\d\d", customer["total_spent"])
    digest = hashlib.md5(C1_EMAIL.encode(), usedforsecurity=False).hexdigest()
    assert customer["avatar_url"] == f"https://secure.gravatar.com/avatar/{digest}?s=96&d=mm&r=g"


def test_case_45_unknown_customer(https_shop: Shop) -> None:
    """Case 45: GET /customers/999999 -> 404 invalid_customer "Invalid customer"."""
    answer = https_shop.client.get("/customers/999999")
    assert_error(answer, 404, "woocommerce_api_invalid_customer", "Invalid customer")


def test_case_46_customer_id_zero(https_shop: Shop) -> None:
    """Case 46: GET /customers/0 -> 404 invalid_customer_id "Invalid customer ID"."""
    answer = https_shop.client.get("/customers/0")
    assert_error(answer, 404, "woocommerce_api_invalid_customer_id", "Invalid customer ID")


def test_case_47_customer_by_email(https_shop: Shop) -> None:
    """Case 47: GET /customers/email/john.doe@example.com -> 200 with C1's id."""
    answer = https_shop.client.get("/customers/email/john.doe@example.com")
    assert answer.status_code == 200, answer.text
    assert answer.json()["customer"]["id"] == https_shop.c1
    assert_full_customer(answer.json()["customer"])


@pytest.mark.parametrize("email", ["JOHN.DOE@Example.COM", "john.doe%40example.com"])
def test_section_18_email_lookup_is_case_insensitive_and_decoded(
    https_shop: Shop, email: str
) -> None:
    """Section 18 (with case 47): the lookup ignores case; ``@`` works raw or as ``%40``."""
    answer = https_shop.client.get(f"/customers/email/{email}")
    assert answer.status_code == 200, answer.text
    assert answer.json()["customer"]["id"] == https_shop.c1


def test_section_18_plus_in_email_route_needs_double_encoding(https_shop: Shop) -> None:
    """Sections 1.3 / 18: the email is decoded twice: ``%252B`` finds a "+"; ``+``/``%2B`` 404."""
    customer_id = throwaway(https_shop.client, "frank+tag@example.com")
    found = https_shop.client.get("/customers/email/frank%252Btag@example.com")
    assert found.status_code == 200, found.text
    assert found.json()["customer"]["id"] == customer_id
    for spelled in ("frank+tag@example.com", "frank%2Btag@example.com"):
        assert_error(
            https_shop.client.get(f"/customers/email/{spelled}"),
            404,
            "woocommerce_api_invalid_customer_email",
            "Invalid customer email",
        )


@pytest.mark.parametrize("email", ["nobody@example.com", "not-an-email"])
def test_case_48_customer_by_unknown_or_invalid_email(https_shop: Shop, email: str) -> None:
    """Case 48: unknown or invalid email -> 404 invalid_customer_email "Invalid customer email"."""
    answer = https_shop.client.get(f"/customers/email/{email}")
    assert_error(answer, 404, "woocommerce_api_invalid_customer_email", "Invalid customer email")


def test_case_49_fields_trims_to_the_listed_keys(https_shop: Shop) -> None:
    """Case 49: ``fields=id,email`` -> the customer has exactly ``id`` and ``email``."""
    answer = https_shop.client.get(f"/customers/{https_shop.c1}", [("fields", "id,email")])
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"customer": {"id": https_shop.c1, "email": "john.doe@example.com"}}


def test_case_50_fields_keeps_one_child_per_parent(https_shop: Shop) -> None:
    """Case 50: ``billing_address.city,billing_address.state`` -> only ``state`` survives."""
    pairs = [("fields", "billing_address.city,billing_address.state")]
    answer = https_shop.client.get(f"/customers/{https_shop.c1}", pairs)
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"customer": {"billing_address": {"state": "CA"}}}


def test_case_51_administrator_is_readable(https_shop: Shop) -> None:
    """Case 51: GET /customers/{A} -> 200 with role "administrator"."""
    customer = get_customer(https_shop.client, ADMIN_ID)
    assert customer["id"] == ADMIN_ID
    assert customer["role"] == "administrator"


def test_case_52_read_without_list_users(https_shop: Shop) -> None:
    """Case 52: key user without ``list_users`` -> 401 for C1, but 404 for an unknown id."""
    client = no_list_users_client(https_shop)
    assert_error(
        client.get(f"/customers/{https_shop.c1}"),
        401,
        "woocommerce_api_user_cannot_read_customer",
        "You do not have permission to read this customer",
    )
    assert_error(
        client.get("/customers/999999"), 404, "woocommerce_api_invalid_customer", "Invalid customer"
    )


# -- update -----------------------------------------------------------------------------------


def test_case_53_partial_update(https_shop: Shop) -> None:
    """Case 53: the doc's "James" edit changes what was sent and nothing else."""
    body = {"customer": {"first_name": "James", "billing_address": {"first_name": "James"}}}
    answer = https_shop.client.put(f"/customers/{https_shop.c1}", body)
    assert answer.status_code == 200, answer.text
    customer = answer.json()["customer"]
    assert_full_customer(customer)
    assert customer["first_name"] == "James"
    assert customer["last_name"] == "Doe"
    assert customer["billing_address"] == {**C1_BILLING, "first_name": "James"}
    assert customer["shipping_address"] == C1_SHIPPING
    assert get_customer(https_shop.client, https_shop.c1) == customer


def test_case_54_update_without_customer_key(https_shop: Shop) -> None:
    """Case 54: PUT ``{}`` -> 400 missing_customer_data "... to edit customer"."""
    answer = https_shop.client.put(f"/customers/{https_shop.c1}", {})
    assert_error(
        answer,
        400,
        "woocommerce_api_missing_customer_data",
        "No customer data specified to edit customer",
    )


@pytest.mark.parametrize(
    ("customer_id", "code", "message"),
    [
        ("999999", "woocommerce_api_invalid_customer", "Invalid customer"),
        ("0", "woocommerce_api_invalid_customer_id", "Invalid customer ID"),
    ],
    ids=["unknown", "zero"],
)
def test_case_55_update_of_a_missing_customer_is_400(
    https_shop: Shop, customer_id: str, code: str, message: str
) -> None:
    """Case 55 (and section 6.2 for id 0): an edit's validation errors are 400, not 404."""
    answer = https_shop.client.put(f"/customers/{customer_id}", {"customer": {"first_name": "x"}})
    assert_error(answer, 400, code, message)


def test_case_56_username_cannot_change(https_shop: Shop) -> None:
    """Case 56: PUT a new ``username`` -> 200 and the username is still "john.doe"."""
    answer = https_shop.client.put(
        f"/customers/{https_shop.c1}", {"customer": {"username": "changed"}}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["customer"]["username"] == "john.doe"
    assert get_customer(https_shop.client, https_shop.c1)["username"] == "john.doe"


def test_case_57_taken_email_is_silently_kept(https_shop: Shop) -> None:
    """Case 57: PUT C2's email on C1 -> 200, C1's email unchanged."""
    body = {"customer": {"email": "joao.silva@example.com"}}
    answer = https_shop.client.put(f"/customers/{https_shop.c1}", body)
    assert answer.status_code == 200, answer.text
    assert answer.json()["customer"]["email"] == "john.doe@example.com"
    assert get_customer(https_shop.client, https_shop.c1)["email"] == "john.doe@example.com"
    assert get_customer(https_shop.client, https_shop.c2)["email"] == "joao.silva@example.com"


def test_case_58_null_keeps_and_empty_clears_an_address_field(https_shop: Shop) -> None:
    """Case 58: ``company: null`` keeps the company, ``phone: ""`` clears the phone.

    C1's company starts empty, so it is set first: "unchanged" must mean "still Acme".
    """
    route = f"/customers/{https_shop.c1}"
    first = https_shop.client.put(route, {"customer": {"billing_address": {"company": "Acme"}}})
    assert first.status_code == 200, first.text
    assert first.json()["customer"]["billing_address"]["company"] == "Acme"
    body = {"customer": {"billing_address": {"company": None, "phone": ""}}}
    answer = https_shop.client.put(route, body)
    assert answer.status_code == 200, answer.text
    billing = answer.json()["customer"]["billing_address"]
    assert billing["company"] == "Acme"
    assert billing["phone"] == ""
    assert billing["city"] == "San Francisco"


@pytest.mark.parametrize("method", ["PATCH", "POST"])
def test_case_59_patch_and_post_edit_too(https_shop: Shop, method: str) -> None:
    """Case 59: PATCH and POST /customers/{C1} edit like PUT."""
    route = f"/customers/{https_shop.c1}"
    answer = https_shop.client.request(method, route, json={"customer": {"last_name": "Y"}})
    assert answer.status_code == 200, answer.text
    assert answer.json()["customer"]["last_name"] == "Y"
    assert get_customer(https_shop.client, https_shop.c1)["last_name"] == "Y"


def test_section_6_2_edit_without_edit_users_is_400(https_shop: Shop) -> None:
    """Section 6.2: no ``edit_users`` -> **400** user_cannot_edit_customer; nothing changes."""
    client = no_list_users_client(https_shop)
    answer = client.put(f"/customers/{https_shop.c1}", {"customer": {"last_name": "Nope"}})
    assert_error(
        answer,
        400,
        "woocommerce_api_user_cannot_edit_customer",
        "You do not have permission to edit this customer",
    )
    assert get_customer(https_shop.client, https_shop.c1)["last_name"] == "Doe"


def test_section_6_3_invalid_email_on_edit(https_shop: Shop) -> None:
    """Section 6.3 (plugin): an invalid email on edit -> 400 customer_invalid_email."""
    answer = https_shop.client.put(
        f"/customers/{https_shop.c1}", {"customer": {"email": "not-an-email"}}
    )
    assert_error(answer, 400, "customer_invalid_email", "Invalid email address")
    assert get_customer(https_shop.client, https_shop.c1)["email"] == "john.doe@example.com"


def test_section_6_6_unknown_sub_keys_and_non_objects_are_ignored(https_shop: Shop) -> None:
    """Section 6.6: unknown address sub-keys and a non-object address change nothing."""
    body = {
        "customer": {
            "billing_address": {"planet": "Mars", "city": "Oakland"},
            "shipping_address": "not an object",
        }
    }
    answer = https_shop.client.put(f"/customers/{https_shop.c1}", body)
    assert answer.status_code == 200, answer.text
    customer = answer.json()["customer"]
    assert list(customer["billing_address"]) == BILLING_KEYS
    assert customer["billing_address"]["city"] == "Oakland"
    assert customer["shipping_address"] == C1_SHIPPING


# -- delete -----------------------------------------------------------------------------------


def test_case_60_delete_then_gone(https_shop: Shop) -> None:
    """Case 60: DELETE -> 200 message; then GET and a second DELETE -> 404 invalid_customer."""
    customer_id = throwaway(https_shop.client)
    answer = https_shop.client.delete(f"/customers/{customer_id}")
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"message": "Permanently deleted customer"}
    assert_error(
        https_shop.client.get(f"/customers/{customer_id}"),
        404,
        "woocommerce_api_invalid_customer",
        "Invalid customer",
    )
    assert_error(
        https_shop.client.delete(f"/customers/{customer_id}"),
        404,
        "woocommerce_api_invalid_customer",
        "Invalid customer",
    )


def test_section_7_delete_without_delete_users_is_401(https_shop: Shop) -> None:
    """Section 7: no ``delete_users`` -> 401 user_cannot_delete_customer; C1 stays."""
    client = no_list_users_client(https_shop)
    assert_error(
        client.delete(f"/customers/{https_shop.c1}"),
        401,
        "woocommerce_api_user_cannot_delete_customer",
        "You do not have permission to delete this customer",
    )
    assert get_customer(https_shop.client, https_shop.c1)["id"] == https_shop.c1


def _seeded_buyer(client: StoreHttp) -> tuple[int, list[int]]:
    """A seeded customer with orders, and the ids of all their orders."""
    answer = client.get("/customers", [("filter[limit]", "-1")])
    assert answer.status_code == 200, answer.text
    buyers = [c for c in answer.json()["customers"] if c["orders_count"] > 0]
    assert buyers, "the seeded store has no customer with orders"
    buyer = max(buyers, key=lambda c: c["orders_count"])
    orders = client.get(f"/customers/{buyer['id']}/orders", [("filter[limit]", "-1")])
    assert orders.status_code == 200, orders.text
    order_ids = [order["id"] for order in orders.json()["orders"]]
    assert len(order_ids) == buyer["orders_count"]
    return buyer["id"], order_ids


def test_case_61_orders_become_guest_orders(
    start_store: StoreFactory, tls_certificate: tuple[Path, Path]
) -> None:
    """Case 61: deleting a customer keeps their orders as guest orders (``customer_id`` 0).

    The demo store does not serve ``/orders/<id>``, so this is checked through what it does
    expose: the customer is gone from the API, and a direct look at the store's database
    (``store.db.connection()``) shows every one of those orders still there with customer_id 0.
    """
    store: DemoStore = start_store(certificate=tls_certificate, customers=30)
    client = StoreHttp(store, verify=str(tls_certificate[0]))
    customer_id, order_ids = _seeded_buyer(client)
    answer = client.delete(f"/customers/{customer_id}")
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"message": "Permanently deleted customer"}
    assert_error(
        client.get(f"/customers/{customer_id}"),
        404,
        "woocommerce_api_invalid_customer",
        "Invalid customer",
    )
    marks = ",".join("?" * len(order_ids))
    rows = (
        store.db.connection()
        .execute(f"SELECT id, customer_id FROM orders WHERE id IN ({marks})", order_ids)
        .fetchall()
    )
    assert sorted(row["id"] for row in rows) == sorted(order_ids)
    assert {row["customer_id"] for row in rows} == {0}


def test_case_62_delete_customer_id_zero(https_shop: Shop) -> None:
    """Case 62: DELETE /customers/0 -> 404 invalid_customer_id."""
    answer = https_shop.client.delete("/customers/0")
    assert_error(answer, 404, "woocommerce_api_invalid_customer_id", "Invalid customer ID")


# -- bulk -------------------------------------------------------------------------------------


def test_case_63_bulk_create_answers_201_in_request_order(https_shop: Shop) -> None:
    """Case 63: two new customers in bulk -> 201, both full objects, in request order."""
    items = [new_customer("bulk.b@example.com"), new_customer("bulk.a@example.com")]
    answer = https_shop.client.post("/customers/bulk", {"customers": items})
    assert answer.status_code == 201, answer.text
    assert list(answer.json()) == ["customers"]
    customers = answer.json()["customers"]
    assert len(customers) == 2
    assert [c["email"] for c in customers] == ["bulk.b@example.com", "bulk.a@example.com"]
    for customer in customers:
        assert_full_customer(customer)
        assert get_customer(https_shop.client, customer["id"])["email"] == customer["email"]


def test_case_64_bulk_update_answers_200(https_shop: Shop) -> None:
    """Case 64: a bulk edit of C1 only -> 200, element 0 has ``last_name`` "Bulk"."""
    body = {"customers": [{"id": https_shop.c1, "last_name": "Bulk"}]}
    answer = https_shop.client.post("/customers/bulk", body)
    assert answer.status_code == 200, answer.text
    customers = answer.json()["customers"]
    assert len(customers) == 1
    assert customers[0]["id"] == https_shop.c1
    assert customers[0]["last_name"] == "Bulk"
    assert_full_customer(customers[0])


def test_case_65_bulk_failed_create_in_place(https_shop: Shop) -> None:
    """Case 65: one good create, one taken email -> 201; element 1 is ``{"id":0,"error":…}``."""
    items = [new_customer("bulk.ok@example.com"), new_customer(C1_EMAIL)]
    answer = https_shop.client.post("/customers/bulk", {"customers": items})
    assert answer.status_code == 201, answer.text
    first, second = answer.json()["customers"]
    assert first["email"] == "bulk.ok@example.com"
    assert_full_customer(first)
    assert list(second) == ["id", "error"]
    assert second["id"] == 0
    assert sorted(second["error"]) == ["code", "message"]
    assert second["error"]["code"] == EMAIL_EXISTS
    assert "already registered" in second["error"]["message"]


def test_case_66_bulk_failed_update_in_place(https_shop: Shop) -> None:
    """Case 66: a bulk edit of an unknown id -> 200 with the error in place."""
    answer = https_shop.client.post(
        "/customers/bulk", {"customers": [{"id": 999999, "first_name": "x"}]}
    )
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "customers": [
            {
                "id": 999999,
                "error": {
                    "code": "woocommerce_api_invalid_customer",
                    "message": "Invalid customer",
                },
            }
        ]
    }


def test_case_67_bulk_over_the_limit(https_shop: Shop) -> None:
    """Case 67: 101 elements -> 413 request_entity_too_large, and nothing is created."""
    before = user_total(https_shop.client)
    items = [new_customer(f"over{n:03d}@example.com") for n in range(101)]
    answer = https_shop.client.post("/customers/bulk", {"customers": items})
    assert_error(
        answer,
        413,
        "woocommerce_api_customers_request_entity_too_large",
        "Unable to accept more than 100 items for this request.",
    )
    assert user_total(https_shop.client) == before


def test_case_67_bulk_at_the_limit(https_shop: Shop) -> None:
    """Case 67: exactly 100 elements are accepted (201, 100 customers created)."""
    before = user_total(https_shop.client)
    items = [new_customer(f"limit{n:03d}@example.com") for n in range(100)]
    answer = https_shop.client.post("/customers/bulk", {"customers": items})
    assert answer.status_code == 201, answer.text
    customers = answer.json()["customers"]
    assert [c["email"] for c in customers] == [item["email"] for item in items]
    assert user_total(https_shop.client) == before + 100


def test_case_68_bulk_without_customers_key(https_shop: Shop) -> None:
    """Case 68: bulk ``{}`` -> 400 missing_customers_data."""
    answer = https_shop.client.post("/customers/bulk", {})
    assert_error(
        answer,
        400,
        "woocommerce_api_missing_customers_data",
        "No customers data specified to create/edit customers",
    )


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_case_68_bulk_by_put_and_patch(https_shop: Shop, method: str) -> None:
    """Case 68: PUT (and PATCH, also in the route's methods) /customers/bulk behave like POST."""
    items = [new_customer(f"{method.lower()}.bulk@example.com"), {"id": https_shop.c2}]
    answer = https_shop.client.request(method, "/customers/bulk", json={"customers": items})
    assert answer.status_code == 201, answer.text
    created, edited = answer.json()["customers"]
    assert created["email"] == f"{method.lower()}.bulk@example.com"
    assert edited["id"] == https_shop.c2
    assert edited["email"] == "joao.silva@example.com"


def test_section_8_bulk_id_as_string_edits(https_shop: Shop) -> None:
    """Section 8: ``intval(id)`` decides edit versus create, so ``"id": "<C1>"`` edits C1."""
    body = {"customers": [{"id": str(https_shop.c1), "first_name": "Stringy"}]}
    answer = https_shop.client.post("/customers/bulk", body)
    assert answer.status_code == 200, answer.text
    assert answer.json()["customers"][0]["id"] == https_shop.c1
    assert get_customer(https_shop.client, https_shop.c1)["first_name"] == "Stringy"
