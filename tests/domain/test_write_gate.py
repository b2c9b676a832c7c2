"""The write gate: what a store would destroy or garble is refused before a body is sent.

Section 19.3 of wc-api-v3-behavior.md: an emptied email erases the customer's email, lists and
objects are stored PHP-serialised, an email with spaces is refused, a username over 60 characters
(also one the store makes from a long email) and an email over 100 characters fail to register.
The gate applies the same rule functions as the one rule set, so the last tests check that what
the rule set lets through, the gate lets through too.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.customer import CustomerDraft
from app.domain.validation import (
    CUSTOMER_FIELDS,
    EMAIL_MAX_LENGTH,
    EMAIL_REMOVED,
    EMAIL_REQUIRED,
    EMAIL_SPACES,
    EMAIL_TOO_LONG,
    USERNAME_MAX_LENGTH,
    USERNAME_TOO_LONG,
    check_customer,
    derived_username,
    draft_from_fields,
    email_message,
    has_errors,
    text_message,
    update_payload_from_fields,
    username_length_message,
)
from app.domain.write_gate import (
    check_payload,
    customer_problems,
    normalize_payload,
    payload_fields,
    payload_problems,
    refusal,
    unknown_key_problems,
)
from app.errors import ValidationError


def email_of_length(length: int, domain: str = "example.com") -> str:
    """A valid email of exactly ``length`` characters."""
    return "a" * (length - len(domain) - 1) + "@" + domain


def problems(payload: dict[str, Any], *, creating: bool) -> list[tuple[str, str]]:
    return [(p.field, p.message) for p in payload_problems(payload, creating=creating)]


# -- the rules ------------------------------------------------------------------------------------


def test_the_limits_are_wordpress_columns() -> None:
    assert (USERNAME_MAX_LENGTH, EMAIL_MAX_LENGTH) == (60, 100)
    assert USERNAME_TOO_LONG == "A username can have at most 60 characters."
    assert EMAIL_TOO_LONG == "An email address can have at most 100 characters."


def test_an_email_is_required_on_create_and_cannot_be_removed_on_update() -> None:
    for missing in (None, "", "   "):
        assert email_message(missing, creating=True) == EMAIL_REQUIRED
    assert email_message(None, creating=False) is None  # not given: the stored one stays
    assert email_message("", creating=False) == EMAIL_REMOVED
    assert email_message("  ", creating=False) == EMAIL_REMOVED
    assert EMAIL_REMOVED == "A customer's email cannot be removed."


@pytest.mark.parametrize("creating", [True, False])
def test_an_email_is_sent_trimmed_and_at_most_100_characters(creating: bool) -> None:
    assert email_message(" ada@example.com", creating=creating) == EMAIL_SPACES
    assert email_message("ada@example.com\n", creating=creating) == EMAIL_SPACES
    assert email_message(email_of_length(100), creating=creating) is None
    assert email_message(email_of_length(101), creating=creating) == EMAIL_TOO_LONG


@pytest.mark.parametrize(
    ("email", "username"),
    [
        ("frank+tag@example.com", "franktag"),  # seen on a 3.5.3 store (section 18)
        ("Jane.Doe@example.com", "Jane.Doe"),
        ("o'brien@example.com", "obrien"),
        ("a%41b&amp;c@example.com", "abc"),  # octets and entities go before the rest
        ("x{y}|z~@example.com", "xyz"),
        # A generic local part: 3.6+ stores take the domain; the longer is what counts.
        ("info@example.com", "example.com"),
        ("INFO@shop.example.com", "shop.example.com"),
        ("contact@ex.co", "contact"),
    ],
)
def test_the_username_a_store_makes_from_an_email(email: str, username: str) -> None:
    assert derived_username(email) == username


def test_a_username_made_from_a_long_email_is_judged_like_a_given_one() -> None:
    at_limit = "b" * 60 + "@example.com"
    over = "b" * 61 + "@example.com"
    assert username_length_message("", at_limit) is None
    message = username_length_message("", over)
    assert message is not None
    assert message.startswith("Give a username")
    assert "61 characters" in message
    assert "at most 60" in message
    # Characters the store drops do not count.
    assert username_length_message("", "b" * 60 + "+++@example.com") is None
    # A given username is judged itself, whatever the email.
    assert username_length_message("short", over) is None
    assert username_length_message("u" * 61, "a@example.com") == USERNAME_TOO_LONG
    # An invalid email is the email's problem, not the username's.
    assert username_length_message("", "b" * 70) is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (["a", "b"], "not a list"),
        (("a",), "not a list"),
        ({"a": "b"}, "not an object"),
        (True, "not true or false"),
        (False, "not true or false"),
        (12345, "not a number"),
        (1.5, "not a number"),
    ],
)
def test_only_text_is_sent_as_text(value: object, reason: str) -> None:
    message = text_message(value)
    assert message is not None
    assert reason in message


def test_text_and_null_are_fine_as_text() -> None:
    assert text_message("") is None
    assert text_message("Ada") is None
    assert text_message(None) is None


# -- payloads -----------------------------------------------------------------------------------


def test_an_update_that_empties_the_email_is_refused() -> None:
    assert problems({"email": ""}, creating=False) == [("email", EMAIL_REMOVED)]
    assert problems({"email": " \t"}, creating=False) == [("email", EMAIL_REMOVED)]
    # false would reach the store as an empty email too.
    assert [field for field, _ in problems({"email": False}, creating=False)] == ["email"]
    assert problems({"email": None}, creating=False) == []  # null: the store keeps the email
    assert problems({"first_name": "Ada"}, creating=False) == []


@pytest.mark.parametrize("creating", [True, False])
def test_lists_and_objects_are_refused_wherever_text_belongs(creating: bool) -> None:
    payload = {
        "email": "ada@example.com",
        "first_name": ["a", "b"],
        "last_name": {"x": 1},
        "billing_address": {"city": ["Paris"], "phone": 5551234, "country": "FR"},
        "shipping_address": {"address_1": {"line": "1 Rue"}},
    }
    assert [field for field, _ in problems(payload, creating=creating)] == [
        "first_name",
        "last_name",
        "billing_address.city",
        "billing_address.phone",
        "shipping_address.address_1",
    ]


def test_an_address_must_be_an_object() -> None:
    found = problems({"billing_address": ["Paris"], "shipping_address": "Paris"}, creating=False)
    assert [field for field, _ in found] == ["billing_address", "shipping_address"]
    described = [p.describe() for p in payload_problems({"shipping_address": []}, creating=False)]
    assert described == [
        "Shipping address: Give the address as an object of its fields (city, country...)."
    ]
    assert problems({"billing_address": None}, creating=False) == []


def test_keys_a_store_ignores_are_not_judged() -> None:
    """A customer printed as JSON carries read-only fields of every type; the store ignores
    them, and so does the gate (as it does unknown address keys)."""
    payload = {
        "id": 5,
        "email": "ada@example.com",
        "role": None,
        "orders_count": 3,
        "last_order_id": None,
        "billing_address": {"city": "Paris", "fax": ["1"]},
        "customer_meta": {"a": ["b"]},
    }
    assert problems(payload, creating=False) == []
    assert payload_fields(payload) == {"email": "ada@example.com", "billing_address.city": "Paris"}


@pytest.mark.parametrize("creating", [True, False])
def test_emails_with_spaces_or_too_long_are_refused(creating: bool) -> None:
    assert problems({"email": " ada@example.com "}, creating=creating) == [("email", EMAIL_SPACES)]
    payload = {"email": "ada@example.com", "billing_address": {"email": "ada@example.com "}}
    assert problems(payload, creating=creating) == [("billing_address.email", EMAIL_SPACES)]
    long_email = {"email": email_of_length(101), "username": "ada"}
    assert problems(long_email, creating=creating) == [("email", EMAIL_TOO_LONG)]


def test_a_create_needs_an_email() -> None:
    assert problems({"first_name": "Ada"}, creating=True) == [("email", EMAIL_REQUIRED)]
    assert problems({"email": ""}, creating=True) == [("email", EMAIL_REQUIRED)]


def test_a_create_with_a_username_too_long_given_or_made_is_refused() -> None:
    assert problems({"email": "ada@example.com", "username": "u" * 61}, creating=True) == [
        ("username", USERNAME_TOO_LONG)
    ]
    assert problems({"email": "ada@example.com", "username": "u" * 60}, creating=True) == []
    made = problems({"email": "b" * 61 + "@example.com"}, creating=True)
    assert [field for field, _ in made] == ["username"]
    assert made[0][1].startswith("Give a username")
    assert problems({"email": "b" * 61 + "@example.com", "username": "bee"}, creating=True) == []
    # A store ignores a username in an update: nothing to judge there.
    assert problems({"username": "u" * 61}, creating=False) == []


def test_problems_come_in_field_order() -> None:
    payload = {
        "shipping_address": {"city": ["x"]},
        "billing_address": "nowhere",
        "last_name": ["x"],
        "email": "",
    }
    assert [field for field, _ in problems(payload, creating=False)] == [
        "email",
        "last_name",
        "billing_address",
        "shipping_address.city",
    ]


def test_check_payload_raises_a_validation_error_naming_the_field() -> None:
    check_payload({"email": "ada@example.com"}, creating=True)  # fine: no error
    assert refusal({"first_name": "Ada"}, creating=False) is None
    with pytest.raises(ValidationError) as caught:
        check_payload({"email": "", "first_name": ["A"]}, creating=False)
    error = caught.value
    assert error.field == "email"
    assert error.message == "Email: A customer's email cannot be removed."
    assert "First name: Give text here, not a list" in error.detail
    assert (error.code, error.status) == ("", None)


# -- normalising a hand-written payload -----------------------------------------------------------


def test_normalize_payload_trims_and_maps_like_the_forms_do() -> None:
    given_payload: dict[str, Any] = {
        "id": 7,
        "email": " ada@example.com ",
        "first_name": None,
        "password": " secret ",
        "billing_address": {"country": "Germany", "city": " Berlin ", "fax": " 1 "},
        "shipping_address": {"country": "USA", "state": "texas", "postcode": 12345},
        "role": None,
    }
    before = repr(given_payload)
    normalized = normalize_payload(given_payload)
    assert normalized == {
        "id": 7,
        "email": "ada@example.com",
        "first_name": None,  # null stays null: the store skips it, "" would clear the name
        "password": " secret ",
        "billing_address": {"country": "DE", "city": "Berlin", "fax": " 1 "},
        "shipping_address": {"country": "US", "state": "TX", "postcode": 12345},
        "role": None,
    }
    assert repr(given_payload) == before  # the caller's object is left alone
    # A value that is no text is kept for the gate to name.
    assert [p.field for p in payload_problems(normalized, creating=False)] == [
        "shipping_address.postcode"
    ]


# -- the rule set and the gate agree --------------------------------------------------------------

_LOCAL = st.text("abcxyz.+-_'%&;", min_size=1, max_size=75)
_EMAIL = st.one_of(
    st.builds(
        lambda local, domain: f"{local}@{domain}", _LOCAL, st.sampled_from(["ex.co", "example.com"])
    ),
    st.sampled_from(["", "  ", " a@example.com ", "info@" + "d" * 70 + ".com", "not-an-email"]),
)
_ROW = st.fixed_dictionaries(
    {"email": _EMAIL},
    optional={
        name: st.text(max_size=70)
        for name in CUSTOMER_FIELDS
        if name not in ("email", "billing_address.country", "shipping_address.country")
    },
)


@given(_ROW)
def test_what_the_rule_set_accepts_for_a_create_the_gate_lets_through(row: dict[str, str]) -> None:
    if has_errors(check_customer(row, creating=True)):
        return
    assert payload_problems(draft_from_fields(row).to_create_payload(), creating=True) == []


@given(_ROW)
def test_what_the_rule_set_accepts_for_an_update_the_gate_lets_through(row: dict[str, str]) -> None:
    if has_errors(check_customer(row, creating=False)):
        return
    assert payload_problems(update_payload_from_fields(row), creating=False) == []


@given(_ROW)
def test_a_payload_the_gate_refuses_is_an_error_in_the_rule_set(row: dict[str, str]) -> None:
    """The other way round: nothing the gate refuses reaches a form or a row unannounced."""
    refused = {
        p.field for p in payload_problems(draft_from_fields(row).to_create_payload(), creating=True)
    }
    errors = {p.field for p in check_customer(row, creating=True) if p.is_error}
    assert refused <= errors


def test_a_draft_built_by_hand_with_spaces_is_refused_not_sent() -> None:
    """Builders send what they are given; only the gate stands between it and the store."""
    payload = CustomerDraft(" ada@example.com").to_create_payload()
    assert problems(payload, creating=True) == [("email", EMAIL_SPACES)]


# -- unknown keys, and the dialog's rules for a body a person wrote ------------------------------


def test_a_printed_customer_has_no_unknown_keys() -> None:
    """What ``customers get --json`` prints (``to_api``) may be sent back as it is."""
    from app.domain.customer import Customer
    from tests.support.payloads import PLUGIN_CUSTOMER

    printed = Customer.from_api(PLUGIN_CUSTOMER).to_api()
    assert unknown_key_problems(printed) == []
    assert unknown_key_problems({**printed, "date_modified_gmt": "x", "_links": {}}) == []


@pytest.mark.parametrize(
    ("payload", "described"),
    [
        ({"emial": "a@example.com"}, "emial: Unknown key; did you mean “email”?"),
        ({"frist_name": "A"}, "frist_name: Unknown key; did you mean “first_name”?"),
        ({"billing": {}}, "billing: Unknown key; did you mean “billing_address”?"),
        (
            {"shipping_address": {"phone": "1"}},
            "shipping_address.phone: Unknown key; see the valid keys in the README.",
        ),
    ],
)
def test_unknown_keys_name_the_nearest_valid_one(payload: dict[str, Any], described: str) -> None:
    assert [p.describe() for p in unknown_key_problems(payload)] == [described]


def test_customer_problems_apply_the_dialogs_rules_once_per_field() -> None:
    payload = {
        "email": "",
        "billing_address": {"country": "Narnia"},
        "shipping_address": {"country": "US", "state": "ZZ"},
    }
    problems = customer_problems(payload, creating=True)
    assert [p.field for p in problems if p.is_error] == [
        "email",
        "billing_address.country",
        "shipping_address.state",
    ]
