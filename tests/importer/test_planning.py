"""The dry run: create, update, skip or invalid per row, matched by ID or email, never lossy."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.api.client import WooClient
from app.api.connection import StoreConnection
from app.api.transport import CancelToken
from app.cache.repository import CustomerCache
from app.domain.customer import Address, BillingAddress, Customer
from app.domain.validation import CUSTOMER_FIELDS, FIELD_LABELS, Severity, fields_from_customer
from app.errors import CancelledError, ServerError
from app.importer.cells import neutralize_formula
from app.importer.mapping import ColumnMapping
from app.importer.planning import (
    CacheLookup,
    PlanOptions,
    StoreBackedLookup,
    lookup_for_import,
    plan_all,
    plan_rows,
)
from app.importer.records import FieldChange, PlannedRow, RowAction, SourceRow, Totals
from tests.conftest import StoreFactory

HEADERS = [
    *("ID", "Email", "First name", "Last name", "Username", "Password"),
    *("Billing city", "Billing phone", "Billing country", "Billing state", "Billing postcode"),
    *("Shipping country", "Shipping state", "Notes"),
]
MAPPING = ColumnMapping.detect(HEADERS)
COLUMN = {**MAPPING.mapped(), "notes": HEADERS.index("Notes")}  # "Notes" feeds no field

ADA = Customer(
    id=7,
    email="ada@example.com",
    first_name="Ada",
    last_name="Lovelace",
    username="ada",
    billing=BillingAddress(city="London", country="GB", phone="+44 20 7946 0000"),
    shipping=Address(country="US", state="CA"),
)
GRACE = Customer(
    id=9,
    email="grace@example.com",
    first_name="Grace",
    last_name="Hopper",
    username="grace",
    billing=BillingAddress(city="", country="US", state="NY", phone=""),
)


def row(number: int, **cells: str) -> SourceRow:
    """A row of :data:`HEADERS` with cells given by target (dots written as "__")."""
    values = [""] * len(HEADERS)
    for key, value in cells.items():
        values[COLUMN[key.replace("__", ".")]] = value
    return SourceRow(number, number + 1, tuple(values))


class FakeLookup:
    """Customers held in memory; records every question so batching can be checked."""

    def __init__(self, *customers: Customer) -> None:
        self.customers = {customer.id: customer for customer in customers}
        self.id_questions: list[set[int]] = []
        self.email_questions: list[set[str]] = []

    def by_ids(self, ids: Collection[int]) -> dict[int, Customer]:
        self.id_questions.append(set(ids))
        return {i: self.customers[i] for i in ids if i in self.customers}

    def by_emails(self, emails: Collection[str]) -> dict[str, Customer]:
        self.email_questions.append(set(emails))
        known = {customer.email.lower(): customer for customer in self.customers.values()}
        return {email.lower(): known[email.lower()] for email in emails if email.lower() in known}


def plan(
    *rows: SourceRow, options: PlanOptions | None = None, lookup: FakeLookup | None = None
) -> list[PlannedRow]:
    planned, totals = plan_all(rows, MAPPING, lookup or FakeLookup(ADA, GRACE), options)
    assert totals.rows == len(rows)
    return planned


def one(source: SourceRow, options: PlanOptions | None = None) -> PlannedRow:
    [planned] = plan(source, options=options)
    return planned


# -- create ---------------------------------------------------------------------------------------


def test_a_new_email_is_a_create_with_every_given_field_normalized() -> None:
    planned = one(
        row(
            1,
            email=" new@example.com ",
            first_name="Neu",
            billing_address__country="Germany",
            billing_address__city="  Berlin ",
            billing_address__postcode="10115",
            billing_address__phone="'+49 30 1234567",
            notes="not a field",
        )
    )
    assert planned.action is RowAction.CREATE
    assert planned.reason == "New customer."
    assert planned.customer_id is None
    assert dict(planned.fields) == {
        "email": "new@example.com",
        "first_name": "Neu",
        "billing_address.country": "DE",
        "billing_address.city": "Berlin",
        "billing_address.postcode": "10115",
        "billing_address.phone": "+49 30 1234567",  # the export's formula guard is gone
    }
    assert planned.problems == ()


def test_country_names_people_write_become_codes() -> None:
    for name in ("Deutschland", "germany", " GERMANY "):
        planned = one(row(1, email="n@example.com", billing_address__country=name))
        assert planned.fields["billing_address.country"] == "DE"


def test_a_row_without_email_is_invalid() -> None:
    planned = one(row(1, first_name="Nobody"))
    assert planned.action is RowAction.INVALID
    assert planned.reason == "Email: Enter the customer's email address."
    assert [(p.field, p.severity) for p in planned.problems] == [("email", Severity.ERROR)]
    assert planned.fields == {}


def test_an_unknown_country_and_a_wrong_state_are_invalid() -> None:
    planned = one(row(1, email="n@example.com", billing_address__country="Atlantis"))
    assert planned.action is RowAction.INVALID
    assert (
        planned.reason
        == "Billing country: Unknown country: give its two-letter code (DE) or its name (Germany)."
    )
    planned = one(
        row(
            1,
            email="n@example.com",
            shipping_address__country="US",
            shipping_address__state="Atlantis",
        )
    )
    assert planned.action is RowAction.INVALID
    assert planned.problems[0].field == "shipping_address.state"
    assert planned.reason == "Shipping state: This is not a state of United States (US)."


def test_a_state_name_becomes_its_code() -> None:
    planned = one(
        row(
            1,
            email="n@example.com",
            billing_address__country="USA",
            billing_address__state="california",
        )
    )
    assert planned.action is RowAction.CREATE
    assert planned.fields["billing_address.country"] == "US"
    assert planned.fields["billing_address.state"] == "CA"


def test_warnings_do_not_block_a_create() -> None:
    planned = one(
        row(1, email="n@example.com", billing_address__country="DE", billing_address__postcode="1")
    )
    assert planned.action is RowAction.CREATE
    assert [(p.field, p.severity) for p in planned.problems] == [
        ("billing_address.postcode", Severity.WARNING)
    ]


def test_a_store_without_generated_passwords_needs_a_password_column() -> None:
    strict = PlanOptions(generate_password=False)
    planned = one(row(1, email="n@example.com"), options=strict)
    assert planned.action is RowAction.INVALID
    assert planned.problems[0].field == "password"
    planned = one(row(1, email="n@example.com", password=" secret "), options=strict)
    assert planned.action is RowAction.CREATE
    assert planned.fields["password"] == " secret "  # passwords are kept exactly as typed
    assert one(row(1, email="n@example.com")).action is RowAction.CREATE


def test_a_bad_username_is_invalid_on_create() -> None:
    planned = one(row(1, email="n@example.com", username="bad/name"))
    assert planned.action is RowAction.INVALID
    assert planned.problems[0].field == "username"


# -- update and skip ------------------------------------------------------------------------------


def test_an_existing_email_is_an_update_of_the_changed_fields_only() -> None:
    planned = one(
        row(
            1,
            email="ada@example.com",
            first_name="Ada",
            last_name="King",
            billing_address__city="Paris",
            billing_address__country="United Kingdom",  # the stored GB, as a name
        )
    )
    assert planned.action is RowAction.UPDATE
    assert planned.customer_id == 7
    assert dict(planned.fields) == {"last_name": "King", "billing_address.city": "Paris"}
    assert planned.changes == (
        FieldChange("last_name", "Lovelace", "King"),
        FieldChange("billing_address.city", "London", "Paris"),
    )
    assert planned.reason == "Changes Last name and Billing city."


def test_emails_match_whatever_their_case() -> None:
    planned = one(row(1, email="ADA@Example.COM", first_name="Augusta"))
    assert planned.action is RowAction.UPDATE
    assert planned.customer_id == 7
    # The file's spelling of the address is a change like any other.
    assert [change.field for change in planned.changes] == ["email", "first_name"]


def test_a_row_like_the_stored_customer_is_skipped() -> None:
    planned = one(
        row(1, email="ada@example.com", first_name=" Ada ", billing_address__city="London")
    )
    assert planned.action is RowAction.SKIP
    assert planned.reason == "No change."
    assert planned.customer_id == 7
    assert planned.fields == {}


def test_blank_cells_never_clear_a_stored_value() -> None:
    planned = one(
        row(1, email="ada@example.com", first_name="", last_name="   ", billing_address__city="")
    )
    assert planned.action is RowAction.SKIP
    assert planned.reason == "No change."
    planned = one(row(1, email="ada@example.com", last_name="", billing_address__phone="+44 1"))
    assert [change.field for change in planned.changes] == ["billing_address.phone"]


def test_many_changes_are_summed_up() -> None:
    planned = one(
        row(1, email="ada@example.com", first_name="A", last_name="B", billing_address__city="C")
    )
    assert planned.reason == "Changes First name, Last name and Billing city."
    planned = one(
        row(
            1,
            email="ada@example.com",
            first_name="A",
            last_name="B",
            billing_address__city="C",
            billing_address__phone="+1 555 0100",
        )
    )
    assert planned.reason == "Changes First name, Last name and 2 more fields."


def test_an_update_is_judged_against_the_stored_country() -> None:
    # Shipping country US is stored; the row gives only a state, by name.
    planned = one(row(1, email="ada@example.com", shipping_address__state="Texas"))
    assert planned.action is RowAction.UPDATE
    assert dict(planned.fields) == {"shipping_address.state": "TX"}
    planned = one(row(1, email="ada@example.com", shipping_address__state="Bavaria"))
    assert planned.action is RowAction.INVALID
    assert planned.customer_id == 7
    assert planned.reason == "Shipping state: This is not a state of United States (US)."


def test_an_update_with_a_bad_email_is_invalid() -> None:
    planned = one(row(1, id="7", email="not-an-email"))
    assert planned.action is RowAction.INVALID
    assert planned.reason == "Email: This is not a valid email address."


# -- what a store would destroy or garble (section 19.3) never makes it into a plan -------------
#
# CSV cells are text, so a list or an object cannot come from a file: the write gate's tests
# (and the running tests) cover those. Everything else the gate refuses is an invalid row here.


def test_a_blank_email_cell_never_erases_the_stored_email() -> None:
    """A store erases the email an update sends empty; a blank cell is "not given"."""
    for blank in ("", "   "):
        planned = one(row(1, id="7", email=blank, last_name="King"))
        assert planned.action is RowAction.UPDATE
        assert dict(planned.fields) == {"last_name": "King"}


def test_an_email_over_100_characters_is_invalid() -> None:
    too_long = "n" * 89 + "@example.com"
    for planned in (
        one(row(1, email=too_long, username="n")),
        one(row(2, id="7", email=too_long)),
    ):
        assert planned.action is RowAction.INVALID
        assert planned.reason == "Email: An email address can have at most 100 characters."


def test_a_username_too_long_given_or_made_from_the_email_is_invalid() -> None:
    given = one(row(1, email="n@example.com", username="n" * 61))
    assert given.action is RowAction.INVALID
    assert given.reason == "Username: A username can have at most 60 characters."
    made = one(row(2, email="n" * 61 + "@example.com"))
    assert made.action is RowAction.INVALID
    assert made.reason.startswith("Username: Give a username: from this email address")
    assert one(row(3, email="n" * 61 + "@example.com", username="n")).action is RowAction.CREATE


def test_a_changed_email_is_planned_trimmed() -> None:
    planned = one(row(1, id="7", email="\tada.king@example.com  "))
    assert planned.action is RowAction.UPDATE
    assert dict(planned.fields) == {"email": "ada.king@example.com"}


def test_username_and_password_are_for_new_customers_only() -> None:
    planned = one(
        row(1, email="ada@example.com", username="countess", password="pw", last_name="King")
    )
    assert planned.action is RowAction.UPDATE
    assert dict(planned.fields) == {"last_name": "King"}
    assert [(p.field, p.severity) for p in planned.problems] == [
        ("username", Severity.WARNING),
        ("password", Severity.WARNING),
    ]
    same = one(row(1, email="ada@example.com", username="ada"))
    assert (same.action, same.problems) == (RowAction.SKIP, ())
    ignored = one(row(1, email="ada@example.com", username="other"))
    assert ignored.action is RowAction.SKIP
    assert [p.field for p in ignored.problems] == ["username"]


# -- options --------------------------------------------------------------------------------------


def test_existing_customers_can_be_skipped() -> None:
    options = PlanOptions(update_existing=False)
    planned = plan(
        row(1, email="ada@example.com", last_name="King"),
        row(2, id="9", first_name="Amazing Grace"),
        row(3, email="new@example.com"),
        options=options,
    )
    assert [(p.action, p.customer_id) for p in planned] == [
        (RowAction.SKIP, 7),
        (RowAction.SKIP, 9),
        (RowAction.CREATE, None),
    ]
    assert planned[0].reason == "Already in the store; skipping existing customers."


def test_only_empty_fields_can_be_filled() -> None:
    options = PlanOptions(only_fill_empty=True)
    planned = one(
        row(
            1,
            email="grace@example.com",
            first_name="Amazing",  # stored "Grace": kept
            billing_address__city="Arlington",  # stored empty: filled
            billing_address__phone="+1 555 0100",  # stored empty: filled
        ),
        options=options,
    )
    assert planned.action is RowAction.UPDATE
    assert dict(planned.fields) == {
        "billing_address.city": "Arlington",
        "billing_address.phone": "+1 555 0100",
    }
    planned = one(row(1, email="grace@example.com", first_name="Amazing"), options=options)
    assert (planned.action, planned.reason) == (RowAction.SKIP, "No empty field to fill.")


# -- matching by ID -------------------------------------------------------------------------------


def test_an_id_matches_even_when_the_email_changes() -> None:
    planned = one(row(1, id=" 7 ", email="ada.king@example.com"))
    assert planned.action is RowAction.UPDATE
    assert planned.customer_id == 7
    assert planned.changes == (FieldChange("email", "ada@example.com", "ada.king@example.com"),)


def test_an_unknown_id_is_invalid_never_a_create() -> None:
    planned = one(row(1, id="99", email="new@example.com"))
    assert planned.action is RowAction.INVALID
    assert planned.reason == "No customer with ID 99 in the store."


@pytest.mark.parametrize("cell", ["abc", "0", "-3", "1.5", "7e2", "+7", "٣", "1" * 30])
def test_an_id_must_be_a_positive_whole_number(cell: str) -> None:
    planned = one(row(1, id=cell, email="ada@example.com"))
    assert planned.action is RowAction.INVALID
    assert planned.reason.startswith("The ID must be a positive whole number")
    assert planned.problems[0].field == "id"


def test_an_id_row_may_not_take_another_customers_email() -> None:
    planned = one(row(1, id="7", email="GRACE@example.com"))
    assert planned.action is RowAction.INVALID
    assert planned.reason == "Customer 9 already has this email address."
    assert planned.customer_id == 7


# -- duplicates in the file -----------------------------------------------------------------------


def test_later_rows_repeating_an_email_or_id_are_invalid() -> None:
    planned = plan(
        row(1, email="new@example.com"),
        row(2, email="New@Example.com ", first_name="Twice"),
        row(3, id="7", last_name="King"),
        row(4, id="7", last_name="Byron"),
        row(5, email="ada@example.com", last_name="Lovelace"),
        row(6, email="other@example.com"),
    )
    assert [(p.action, p.reason) for p in planned] == [
        (RowAction.CREATE, "New customer."),
        (RowAction.INVALID, "Same email as row 1."),
        (RowAction.UPDATE, "Changes Last name."),
        (RowAction.INVALID, "Same ID as row 3."),
        (RowAction.INVALID, "Same customer as row 3."),
        (RowAction.CREATE, "New customer."),
    ]


def test_duplicates_are_found_across_chunks() -> None:
    rows = [
        row(1, email="a@example.com"),
        row(2, email="b@example.com"),
        row(3, email="A@example.com"),
    ]
    planned = list(plan_rows(rows, MAPPING, FakeLookup(), chunk_size=1))
    assert planned[2].reason == "Same email as row 1."


# -- the export coming back -----------------------------------------------------------------------

#: The export's header (app/importer/exporting.py).
EXPORT_HEADER = [
    "ID",
    *(FIELD_LABELS[name] for name in CUSTOMER_FIELDS if name != "password"),
    "Orders",
    "Total spent",
    "Last order",
    "Registered",
    "Order figures",
]

FULL = Customer(
    id=41,
    email="joao@example.pt",
    first_name="João",
    last_name="=Silva",  # a name a spreadsheet would run as a formula
    username="joao.silva",
    role="customer",
    created_at=datetime(2023, 5, 1, tzinfo=UTC),
    orders_count=3,
    total_spent=Decimal("99.50"),
    billing=BillingAddress(
        first_name="João",
        last_name="Silva",
        company="Silva & Filhos",
        address_1="Rua Augusta 1",
        address_2="-2 esq.",
        city="Lisboa",
        state="",
        postcode="1100-048",
        country="PT",
        email="billing@example.pt",
        phone="+351 21 000 0000",
    ),
    shipping=Address(first_name="Ana", city="Austin", state="TX", postcode="78701", country="US"),
)


def export_row(number: int, customer: Customer) -> SourceRow:
    """The customer as the export writes it: formula-guarded cells, read-only columns after."""
    fields = fields_from_customer(customer)
    cells = [str(customer.id)]
    cells += [neutralize_formula(fields[name]) for name in CUSTOMER_FIELDS if name != "password"]
    cells += [str(customer.orders_count), str(customer.total_spent), "", "2023-05-01"]
    return SourceRow(number, number + 1, tuple(cells))


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[CustomerCache]:
    opened = CustomerCache.open(tmp_path / "cache", "https://import.example.com")
    yield opened
    opened.close()


def test_an_exported_customer_imported_again_changes_nothing(cache: CustomerCache) -> None:
    cache.upsert_customers([FULL, ADA, GRACE], confirmed_at=1)
    mapping = ColumnMapping.detect(EXPORT_HEADER)
    rows = [export_row(n, c) for n, c in enumerate((FULL, ADA, GRACE), start=1)]
    planned, totals = plan_all(rows, mapping, CacheLookup(cache))
    assert [(p.action, p.reason, p.customer_id) for p in planned] == [
        (RowAction.SKIP, "No change.", 41),
        (RowAction.SKIP, "No change.", 7),
        (RowAction.SKIP, "No change.", 9),
    ]
    assert totals == Totals(rows=3, skipped=3)


def test_an_edited_export_updates_just_the_edits(cache: CustomerCache) -> None:
    cache.upsert_customers([FULL], confirmed_at=1)
    mapping = ColumnMapping.detect(EXPORT_HEADER)
    cells = list(export_row(1, FULL).cells)
    cells[EXPORT_HEADER.index("Shipping city")] = "Dallas"
    cells[EXPORT_HEADER.index("Billing phone")] = ""  # emptied: not given, not cleared
    [planned] = plan_rows([SourceRow(1, 2, tuple(cells))], mapping, CacheLookup(cache))
    assert planned.action is RowAction.UPDATE
    assert planned.changes == (FieldChange("shipping_address.city", "Austin", "Dallas"),)


def test_the_cache_lookup_matches_emails_without_case(cache: CustomerCache) -> None:
    cache.upsert_customers([ADA, GRACE], confirmed_at=1)
    lookup = CacheLookup(cache)
    assert lookup.by_ids([7, 8]) == {7: ADA}
    assert lookup.by_emails(["Ada@Example.com", "nobody@example.com"]) == {"ada@example.com": ADA}


# -- streaming, batching, cancelling --------------------------------------------------------------


def test_rows_are_planned_lazily_with_one_lookup_per_chunk() -> None:
    pulled = 0

    def rows() -> Iterator[SourceRow]:
        nonlocal pulled
        for number in range(1, 1201):
            pulled += 1
            yield row(number, email=f"user{number}@example.com", id="7" if number == 5 else "")

    lookup = FakeLookup(ADA)
    planned = plan_rows(rows(), MAPPING, lookup, chunk_size=500)
    first = next(planned)
    assert first.row.number == 1
    assert pulled == 500  # one chunk read, not the file
    rest = list(planned)
    assert [p.row.number for p in [first, *rest]] == list(range(1, 1201))
    assert len(lookup.email_questions) == 3
    assert [len(question) for question in lookup.email_questions] == [500, 500, 200]
    assert lookup.id_questions == [{7}, set(), set()]


def test_an_id_row_keeping_its_email_needs_no_email_lookup() -> None:
    lookup = FakeLookup(ADA)
    plan(row(1, id="7", email="ada@example.com", last_name="King"), lookup=lookup)
    assert lookup.email_questions == []


def test_planning_stops_when_cancelled() -> None:
    cancel = CancelToken()
    planned = plan_rows(
        (row(n, email=f"u{n}@example.com") for n in range(1, 10)),
        MAPPING,
        FakeLookup(),
        cancel=cancel,
        chunk_size=2,
    )
    assert next(planned).row.number == 1
    cancel.cancel()
    with pytest.raises(CancelledError):
        list(planned)


def test_lookup_failures_reach_the_caller() -> None:
    class Failing(FakeLookup):
        def by_emails(self, emails: Collection[str]) -> dict[str, Customer]:
            raise ServerError("The store failed.")

    with pytest.raises(ServerError):
        list(plan_rows([row(1, email="a@example.com")], MAPPING, Failing()))


# -- the store behind the cache -------------------------------------------------------------------


class CountingClient(WooClient):
    """A real client that also counts which customers it was asked about."""

    def __init__(self, connection: StoreConnection) -> None:
        super().__init__(connection)
        self.asked_ids: list[int] = []
        self.asked_emails: list[str] = []

    def get_customer(self, customer_id: int, cancel: CancelToken | None = None) -> Customer:
        self.asked_ids.append(customer_id)
        return super().get_customer(customer_id, cancel)

    def find_customer_by_email(
        self, email: str, cancel: CancelToken | None = None
    ) -> Customer | None:
        self.asked_emails.append(email)
        return super().find_customer_by_email(email, cancel)


def test_the_store_is_asked_only_what_the_cache_does_not_know(
    start_store: StoreFactory, cache: CustomerCache
) -> None:
    store = start_store(customers=6, seed=5)
    connection = StoreConnection(
        store.base_url, store.consumer_key, store.consumer_secret, backoff=0.01
    )
    client = CountingClient(connection)
    try:
        customers = client.list_customers()
        cached, uncached = customers[:3], customers[3:]
        cache.upsert_customers(cached, confirmed_at=1)
        lookup = StoreBackedLookup(CacheLookup(cache), client, concurrency=2)

        by_email = lookup.by_emails(
            [c.email.upper() for c in customers] + ["nobody@example.com", "not an email"]
        )
        assert {key: c.id for key, c in by_email.items()} == {
            c.email.lower(): c.id for c in customers
        }
        assert sorted(client.asked_emails) == sorted(
            [c.email.lower() for c in uncached] + ["nobody@example.com"]
        )

        by_id = lookup.by_ids([c.id for c in customers] + [99999])
        assert set(by_id) == {c.id for c in customers}
        assert sorted(client.asked_ids) == sorted([c.id for c in uncached] + [99999])

        rows = [
            row(1, email=uncached[0].email, first_name="Changed"),
            row(2, id=str(uncached[1].id)),
            row(3, email="brand.new@example.com"),
        ]
        planned, totals = plan_all(rows, MAPPING, lookup)
        assert [p.action for p in planned] == [
            RowAction.UPDATE,
            RowAction.SKIP,
            RowAction.CREATE,
        ]
        assert totals == Totals(rows=3, created=1, updated=1, skipped=1)
    finally:
        client.close()


def test_store_failures_propagate(cache: CustomerCache) -> None:
    class Broken(WooClient):
        def find_customer_by_email(
            self, email: str, cancel: CancelToken | None = None
        ) -> Customer | None:
            raise ServerError("The store failed (500).")

    client = Broken(StoreConnection("https://broken.example.com", "ck_x", "cs_x"))
    lookup = StoreBackedLookup(CacheLookup(cache), client)
    with pytest.raises(ServerError):
        list(plan_rows([row(1, email="a@example.com")], MAPPING, lookup))
    client.close()


# -- any row at all -------------------------------------------------------------------------------

_CELLS = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            *("", " ", "7", "9", "0", "-1", "x", "ada@example.com", "ADA@example.com"),
            *("grace@example.com", "new@example.com", "bad@", "Germany", "US", "CA"),
            *("Texas", "Atlantis", "'+1 555", "'=1", "12345", "GB", "Deutschland"),
        ]
    ),
)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.lists(_CELLS, min_size=0, max_size=len(HEADERS) + 2), max_size=12),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.integers(min_value=1, max_value=5),
)
def test_any_rows_get_exactly_one_plan_each(
    cells: Sequence[list[str]],
    update_existing: bool,
    only_fill_empty: bool,
    generate_password: bool,
    chunk_size: int,
) -> None:
    rows = [SourceRow(n, n + 1, tuple(c)) for n, c in enumerate(cells, start=1)]
    options = PlanOptions(update_existing, only_fill_empty, generate_password)
    planned = list(plan_rows(rows, MAPPING, FakeLookup(ADA, GRACE), options, chunk_size=chunk_size))
    assert [p.row for p in planned] == rows
    for p in planned:
        assert p.reason
        if p.action is RowAction.UPDATE:
            assert p.customer_id in (7, 9)
            assert [c.field for c in p.changes] == list(p.fields)
            assert all(c.before != c.after for c in p.changes)
        if p.action is RowAction.CREATE:
            assert p.customer_id is None
            assert "email" in p.fields
        if p.action is RowAction.INVALID:
            assert p.fields == {}
    assert Totals.of_plan(planned).rows == len(rows)


def test_an_import_asks_the_store_only_while_the_cache_is_incomplete(
    cache: CustomerCache, start_store: StoreFactory
) -> None:
    store = start_store(customers=0)
    client = WooClient(StoreConnection(store.base_url, store.consumer_key, store.consumer_secret))
    try:
        cache.upsert_customers([ADA, GRACE], confirmed_at=1)
        cache.set_meta({"store_total": 3})  # the store has one the cache lacks
        assert isinstance(lookup_for_import(cache, client), StoreBackedLookup)
        cache.set_meta({"store_total": 2})  # equal counts, but nothing proved the ids equal
        assert isinstance(lookup_for_import(cache, client), StoreBackedLookup)
        cache.set_meta({"ids_proven": 1})
        assert isinstance(lookup_for_import(cache, client), CacheLookup)
    finally:
        client.close()
