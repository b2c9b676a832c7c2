"""The one rule set for customer fields: a CSV row and the dialog's inputs are judged alike."""

from collections.abc import Mapping
from typing import cast

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.customer import (
    Address,
    BillingAddress,
    Customer,
    CustomerDraft,
    UnappliedChange,
    update_payload,
)
from app.domain.validation import (
    CUSTOMER_FIELDS,
    FIELD_LABELS,
    FieldProblem,
    Severity,
    check_customer,
    customer_with_fields,
    describe_unapplied,
    draft_from_fields,
    fields_from_customer,
    fields_from_draft,
    has_errors,
    normalize_fields,
    phone_message,
    postcode_message,
    update_payload_from_fields,
    username_message,
)


def _by_field(problems: list[FieldProblem]) -> dict[str, FieldProblem]:
    return {problem.field: problem for problem in problems}


def _errors(problems: list[FieldProblem]) -> set[str]:
    return {problem.field for problem in problems if problem.is_error}


STORED = Customer(
    id=7,
    email="ada@example.com",
    first_name="Ada",
    billing=BillingAddress(country="BO", state="B", city="La Paz"),  # an old store's state code
    shipping=Address(country="US", state="NY"),
)


def test_field_names_are_the_api_names_with_labels() -> None:
    assert CUSTOMER_FIELDS[:5] == ("email", "first_name", "last_name", "username", "password")
    assert "billing_address.email" in CUSTOMER_FIELDS
    assert "shipping_address.email" not in CUSTOMER_FIELDS
    assert set(FIELD_LABELS) == set(CUSTOMER_FIELDS)
    assert FIELD_LABELS["billing_address.postcode"] == "Billing postcode"


# -- email ------------------------------------------------------------------------------------


def test_a_new_customer_needs_an_email() -> None:
    for row in ({}, {"email": ""}, {"email": "   "}):
        problems = check_customer(row)
        assert [(p.field, p.severity) for p in problems] == [("email", Severity.ERROR)]


def test_an_email_must_be_one_wordpress_accepts() -> None:
    problem = _by_field(check_customer({"email": "john@localhost"}))["email"]
    assert problem.is_error
    assert problem.message == "This is not a valid email address."
    assert check_customer({"email": "  john@example.com "}) == []


def test_an_update_may_leave_the_email_out_but_not_clear_it() -> None:
    assert check_customer({"first_name": "Ada"}, creating=False) == []
    assert _errors(check_customer({"email": ""}, creating=False)) == {"email"}


def test_clearing_a_customers_email_says_it_cannot_be_removed() -> None:
    """A store erases the email it is sent empty (section 19.3): never a silent erase."""
    for cleared in ("", "   "):
        (problem,) = check_customer({"email": cleared}, stored=STORED)
        assert (problem.field, problem.severity) == ("email", Severity.ERROR)
        assert problem.message == "A customer's email cannot be removed."


def test_a_customer_whose_email_the_store_lost_is_asked_for_one() -> None:
    """An email already erased on the store is no removal: a warning, not a blocked save."""
    erased = STORED.with_changes(email="")
    (problem,) = check_customer({"email": "", "first_name": "Ada"}, stored=erased)
    assert (problem.field, problem.severity) == ("email", Severity.WARNING)
    assert "no email address" in problem.message


@pytest.mark.parametrize("creating", [True, False])
def test_an_email_over_100_characters_is_an_error(creating: bool) -> None:
    at_limit = "a" * 88 + "@example.com"
    assert len(at_limit) == 100
    assert _errors(check_customer({"email": at_limit, "username": "a"}, creating=creating)) == set()
    (problem,) = check_customer({"email": "a" + at_limit, "username": "a"}, creating=creating)
    assert problem.field == "email"
    assert problem.message == "An email address can have at most 100 characters."


def test_the_billing_email_is_checked_only_when_given() -> None:
    row = {"email": "a@example.com", "billing_address.email": "nope"}
    assert _errors(check_customer(row)) == {"billing_address.email"}
    assert check_customer({"email": "a@example.com", "billing_address.email": ""}) == []


# -- username and password --------------------------------------------------------------------


@pytest.mark.parametrize("username", ["", "john", "John Doe", "j.doe-1_x@shop", "a" * 60])
def test_usernames_wordpress_accepts(username: str) -> None:
    assert username_message(username) is None


@pytest.mark.parametrize(
    ("username", "reason"),
    [
        ("joão", "letters a-z"),
        ("john<b>", "letters a-z"),
        ("john+doe", "letters a-z"),
        ("john  doe", "single spaces"),
        ("a" * 61, "at most 60"),
    ],
)
def test_usernames_wordpress_refuses(username: str, reason: str) -> None:
    message = username_message(username)
    assert message is not None
    assert reason in message
    assert _errors(check_customer({"email": "a@example.com", "username": username})) == {"username"}


def test_a_username_the_store_would_make_too_long_asks_for_one() -> None:
    """No username: the store makes one from the email's local part (``frank+tag`` became
    ``franktag``); WordPress refuses it over 60 characters with a message that says nothing."""
    row = {"email": "b" * 61 + "@example.com"}
    (problem,) = check_customer(row)
    assert (problem.field, problem.severity) == ("username", Severity.ERROR)
    assert problem.message.startswith("Give a username")
    assert check_customer({**row, "username": "bee"}) == []
    assert check_customer({"email": "b" * 60 + "+++@example.com"}) == []  # "+" is dropped
    assert check_customer(row, creating=False) == []  # an existing customer keeps theirs


def test_values_that_are_no_text_are_named() -> None:
    row: dict[str, object] = {
        "email": "a@example.com",
        "first_name": ["a", "b"],
        "billing_address.city": {"name": "Paris"},
    }
    problems = check_customer(row)  # type: ignore[arg-type]
    assert [(p.field, p.is_error) for p in problems] == [
        ("first_name", True),
        ("billing_address.city", True),
    ]
    assert "not a list" in problems[0].message
    # Nothing turns them into text on the way to a payload: the write gate names them there.
    draft = draft_from_fields(row)  # type: ignore[arg-type]
    assert cast(object, draft.first_name) == ["a", "b"]
    assert [p.field for p in check_customer(draft)] == ["first_name", "billing_address.city"]
    assert draft.to_create_payload()["billing_address"]["city"] == {"name": "Paris"}  # type: ignore[index]


def test_username_and_password_are_not_judged_in_an_update() -> None:
    row = {"username": "not valid!", "password": ""}
    assert check_customer(row, creating=False, generate_password=False) == []


def test_password_is_required_only_where_the_store_does_not_generate_one() -> None:
    row = {"email": "a@example.com"}
    assert check_customer(row, generate_password=True) == []
    problems = check_customer(row, generate_password=False)
    assert _errors(problems) == {"password"}
    assert check_customer({**row, "password": "secret"}, generate_password=False) == []


def test_a_password_is_never_trimmed() -> None:
    assert normalize_fields({"password": "  spaced  "})["password"] == "  spaced  "


# -- country and state ------------------------------------------------------------------------


def test_country_names_become_codes() -> None:
    row = {"billing_address.country": "Germany", "shipping_address.country": "usa"}
    assert normalize_fields(row) == {
        "billing_address.country": "DE",
        "shipping_address.country": "US",
    }
    assert check_customer({"email": "a@example.com", **row}) == []


def test_an_unknown_country_is_an_error() -> None:
    problems = check_customer({"email": "a@example.com", "billing_address.country": "Atlantis"})
    assert _by_field(problems)["billing_address.country"].message.startswith("Unknown country")


def test_state_names_become_codes_for_the_country() -> None:
    row = {"shipping_address.country": "United States", "shipping_address.state": "new york"}
    assert normalize_fields(row)["shipping_address.state"] == "NY"
    assert check_customer({"email": "a@example.com", **row}) == []


def test_a_state_must_belong_to_a_country_with_states() -> None:
    row = {
        "email": "a@example.com",
        "billing_address.country": "US",
        "billing_address.state": "Bavaria",
    }
    problem = _by_field(check_customer(row))["billing_address.state"]
    assert problem.is_error
    assert problem.message == "This is not a state of United States (US)."


def test_free_text_states_are_free() -> None:
    row = {
        "email": "a@example.com",
        "billing_address.country": "DE",
        "billing_address.state": "Bayern",
        "shipping_address.state": "Anything",  # no country: nothing to judge it by
    }
    assert check_customer(row) == []
    assert normalize_fields(row)["billing_address.state"] == "Bayern"


def test_a_state_without_a_country_in_an_update_is_judged_by_the_stored_country() -> None:
    assert check_customer({"shipping_address.state": "texas"}, stored=STORED) == []
    assert normalize_fields({"shipping_address.state": "texas"}, stored=STORED) == {
        "shipping_address.state": "TX"
    }
    problems = check_customer({"shipping_address.state": "Bavaria"}, stored=STORED)
    assert _errors(problems) == {"shipping_address.state"}


# -- plausibility warnings --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("country", "postcode"),
    [
        ("US", "12345"),
        ("US", "12345-6789"),
        ("DE", "10115"),
        ("GB", "SW1A 1AA"),
        ("GB", "sw1a1aa"),
        ("CA", "K1A 0B1"),
        ("NL", "1012 AB"),
        ("FR", "75001"),
        ("", "ANY-123"),
        ("KE", "00100"),
    ],
)
def test_plausible_postcodes(country: str, postcode: str) -> None:
    assert postcode_message(country, postcode) is None


@pytest.mark.parametrize(
    ("country", "postcode"),
    [("US", "1234"), ("DE", "1011"), ("GB", "12345"), ("NL", "ABCD"), ("FR", "75 001!")],
)
def test_implausible_postcodes_are_warnings(country: str, postcode: str) -> None:
    assert postcode_message(country, postcode) is not None
    row = {
        "email": "a@example.com",
        "billing_address.country": country,
        "billing_address.postcode": postcode,
    }
    problem = _by_field(check_customer(row))["billing_address.postcode"]
    assert problem.severity is Severity.WARNING
    assert not has_errors([problem])


@pytest.mark.parametrize("phone", ["", "+49 30 1234567", "(555) 123-4567", "030/123456", "12345"])
def test_plausible_phone_numbers(phone: str) -> None:
    assert phone_message(phone) is None


@pytest.mark.parametrize("phone", ["call me", "+49 30 12 34 56 78 90 12 34", "1234", "١٢٣٤٥٦"])
def test_implausible_phone_numbers_are_warnings(phone: str) -> None:
    assert phone_message(phone) is not None
    problems = check_customer({"email": "a@example.com", "billing_address.phone": phone})
    assert [p.severity for p in problems] == [Severity.WARNING]


# -- sources ----------------------------------------------------------------------------------


def test_a_csv_row_and_a_draft_are_judged_the_same() -> None:
    draft = CustomerDraft(
        email="bad",
        username="x y  z",
        billing=BillingAddress(country="US", state="Nowhere", email="also bad"),
    )
    row = fields_from_draft(draft)
    assert check_customer(draft) == check_customer(row)
    assert _errors(check_customer(row)) == {
        "email",
        "username",
        "billing_address.email",
        "billing_address.state",
    }


def test_problems_come_in_field_order_and_describe_themselves() -> None:
    row = {
        "shipping_address.country": "Nowhere",
        "billing_address.email": "bad",
        "email": "bad",
    }
    problems = check_customer(row)
    assert [p.field for p in problems] == [
        "email",
        "billing_address.email",
        "shipping_address.country",
    ]
    assert problems[1].describe() == "Billing email: This is not a valid email address."


def test_columns_that_are_no_customer_field_are_ignored() -> None:
    row: Mapping[str, str | None] = {"email": "a@example.com", "id": "x", "notes": "<b>"}
    assert check_customer(row) == []
    assert normalize_fields(row) == {"email": "a@example.com"}


def test_a_ragged_row_with_missing_cells_is_judged_as_empty() -> None:
    row: Mapping[str, str | None] = {"email": "a@example.com", "billing_address.city": None}
    assert check_customer(row) == []


def test_a_stored_customer_is_judged_as_an_update() -> None:
    problems = check_customer(STORED)
    assert _errors(problems) == {"billing_address.state"}  # "B" is no longer a Bolivian code


def test_stored_values_that_break_a_rule_only_warn() -> None:
    fields = fields_from_customer(STORED)
    problems = check_customer(fields, creating=False, stored=STORED)
    (problem,) = problems
    assert problem.field == "billing_address.state"
    assert problem.severity is Severity.WARNING
    assert problem.message.endswith("The store already holds this value.")
    changed = {**fields, "billing_address.state": "Nowhere"}
    assert _errors(check_customer(changed, creating=False, stored=STORED)) == {
        "billing_address.state"
    }


def test_draft_from_fields_normalises() -> None:
    draft = draft_from_fields(
        {
            "email": " a@example.com ",
            "password": " pw ",
            "billing_address.country": "Germany",
            "shipping_address.country": "USA",
            "shipping_address.state": "texas",
        }
    )
    assert draft.email == "a@example.com"
    assert draft.password == " pw "
    assert draft.billing.country == "DE"
    assert (draft.shipping.country, draft.shipping.state) == ("US", "TX")
    assert draft.to_create_payload()["shipping_address"] == {
        **Address().to_api(),
        "country": "US",
        "state": "TX",
    }


def test_customer_with_fields_changes_only_what_is_given() -> None:
    after = customer_with_fields(
        STORED,
        {"first_name": " Ada ", "shipping_address.state": "Texas", "username": "ignored"},
    )
    assert update_payload(STORED, after) == {"shipping_address": {"state": "TX"}}
    after = customer_with_fields(STORED, {"email": "new@example.com", "billing_address.city": ""})
    assert update_payload(STORED, after) == {
        "email": "new@example.com",
        "billing_address": {"city": ""},
    }


def test_unapplied_changes_are_put_in_words_outside_any_form() -> None:
    """Import reports and the dialog say the same sentence for what a store kept."""
    assert describe_unapplied(UnappliedChange("email", "new@example.com", "old@example.com")) == (
        "The store kept the email old@example.com; the new one (new@example.com) probably "
        "belongs to another customer."
    )
    assert (
        describe_unapplied(UnappliedChange("billing_address.city", "Köln", "Koln"))
        == 'The store kept the billing city "Koln" instead of "Köln".'
    )
    assert (
        describe_unapplied(UnappliedChange("shipping_address.company", "<b>x</b>", ""))
        == 'The store did not save the shipping company "<b>x</b>".'
    )


def test_update_payload_from_fields_nests_addresses_and_leaves_out_account_only_fields() -> None:
    payload = update_payload_from_fields(
        {
            "email": "new@example.com",
            "billing_address.city": "",
            "billing_address.phone": "+49 30 1234",
            "shipping_address.country": "DE",
            "username": "ignored-in-updates",
            "password": "also-ignored",
        }
    )
    assert payload == {
        "email": "new@example.com",
        "billing_address": {"city": "", "phone": "+49 30 1234"},
        "shipping_address": {"country": "DE"},
    }
    assert update_payload_from_fields({}) == {}
    with pytest.raises(ValueError, match="customer field"):
        update_payload_from_fields({"billing_address.fax": "1"})


def test_update_payload_from_fields_sends_normalised_values() -> None:
    """However the fields were made, the email a store receives is trimmed."""
    assert update_payload_from_fields(
        {"email": " new@example.com ", "billing_address.country": "Germany"}
    ) == {"email": "new@example.com", "billing_address": {"country": "DE"}}


@given(st.dictionaries(st.sampled_from(CUSTOMER_FIELDS), st.text(max_size=12)))
def test_update_payload_from_fields_agrees_with_diffing_the_customer(row: dict[str, str]) -> None:
    """Sending only the changed fields is the same update the dialog's diff sends."""
    stored = fields_from_customer(STORED)
    changed = {
        name: value
        for name, value in normalize_fields(row, stored=STORED).items()
        if stored.get(name) != value
    }
    expected = update_payload(STORED, customer_with_fields(STORED, row))
    assert update_payload_from_fields(changed) == expected


@given(st.dictionaries(st.sampled_from(CUSTOMER_FIELDS), st.text(max_size=30)))
def test_any_row_is_judged_without_crashing(row: dict[str, str]) -> None:
    for creating in (True, False):
        problems = check_customer(row, creating=creating, generate_password=False)
        assert all(problem.field in CUSTOMER_FIELDS for problem in problems)
        assert all(problem.message for problem in problems)
    normalized = normalize_fields(row)
    assert set(normalized) == set(row)
    # Normalising is idempotent: a checked row checks the same again.
    assert normalize_fields(normalized) == normalized
