"""The dry run: what an import would do with each row, decided before anything is sent.

Owns the per-row decision (create, update, skip or invalid), the options that steer it, and
where existing customers are looked up (the cache, and the store for what the cache does not
know). Each row's cells become fields through the column mapping, are normalized and judged by
the one rule set (:mod:`app.domain.validation`), and are matched to a stored customer by ID, else
by email.

A blank cell means "not given": it never clears a stored value. A spreadsheet cannot tell an
empty cell from a missing one, and wiping a customer's phone number because a column was left
empty would be a silent loss; clearing a field is done in the app, one customer at a time.

Rows are planned in chunks (:data:`CHUNK_SIZE`) with one lookup per chunk, lazily, so a file of
100,000 rows is never held in memory beyond the plans themselves.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import Protocol

from app.api.client import WooClient
from app.api.parallel import parallel_keyed
from app.api.transport import CancelToken
from app.cache.repository import CustomerCache
from app.domain.customer import Customer
from app.domain.email import is_email
from app.domain.new_accounts import new_account_emails_warning
from app.domain.validation import (
    FIELD_LABELS,
    FieldProblem,
    Severity,
    check_customer,
    fields_from_customer,
    has_errors,
    normalize_fields,
)
from app.errors import NotFoundError
from app.importer.mapping import ColumnMapping
from app.importer.records import FieldChange, PlannedRow, RowAction, SourceRow, Totals

#: Rows planned per lookup: one question to the cache (or store) per chunk, not per row.
CHUNK_SIZE = 500
#: The largest ID SQLite (and so the cache) can hold; anything larger is no customer's.
_MAX_ID = 2**63 - 1
#: At most as many digits as the largest ID has (and far below Python's limit on int() input).
_DIGITS = re.compile(r"[0-9]{1,19}")
_NO_CHANGE = "No change."
_COUNTRY_FIELDS = ("billing_address.country", "shipping_address.country")
#: Fields a store sets only when it creates a customer and ignores in an update.
CREATE_ONLY_FIELDS = ("username", "password")


@dataclass(frozen=True)
class PlanOptions:
    """How an import treats rows.

    Attributes:
        update_existing: update customers already in the store; when False they are skipped.
        only_fill_empty: change only fields that are empty in the store, never overwrite.
        generate_password: whether the store generates passwords for new customers (its index's
            ``meta.generate_password``); when it does not, a new customer's row needs one.
    """

    update_existing: bool = True
    only_fill_empty: bool = False
    generate_password: bool = True


class CustomerLookup(Protocol):
    """Where the planner finds existing customers, asked once per chunk of rows."""

    def by_ids(self, ids: Collection[int]) -> dict[int, Customer]:
        """The customers with these IDs; unknown IDs are left out."""
        ...

    def by_emails(self, emails: Collection[str]) -> dict[str, Customer]:
        """The customers with these emails, keyed by the email in lower case; unknown left out."""
        ...


class CacheLookup:
    """Existing customers as the local cache holds them (no network)."""

    def __init__(self, cache: CustomerCache) -> None:
        self._cache = cache

    def by_ids(self, ids: Collection[int]) -> dict[int, Customer]:
        """See :meth:`CustomerLookup.by_ids`."""
        return self._cache.customers_by_ids(sorted(ids))

    def by_emails(self, emails: Collection[str]) -> dict[str, Customer]:
        """See :meth:`CustomerLookup.by_emails`."""
        return self._cache.customers_by_emails(emails)


class StoreBackedLookup:
    """A lookup that asks the store about whatever ``known`` (usually the cache) lacks.

    A cache that is incomplete or behind the store would otherwise plan a create for a customer
    who exists. The store is asked one customer per request, several at a time (bounded as the
    client's page fetches are). Emails WordPress would not accept are not asked about: no stored
    customer can have one.

    Store failures propagate as :class:`app.errors.AppError` for the caller to report;
    cancellation raises :class:`app.errors.CancelledError`.
    """

    def __init__(
        self,
        known: CustomerLookup,
        client: WooClient,
        cancel: CancelToken | None = None,
        *,
        concurrency: int | None = None,
    ) -> None:
        self._known = known
        self._client = client
        self._cancel = cancel
        self._limit = max(1, concurrency or client.connection.concurrency)

    def by_ids(self, ids: Collection[int]) -> dict[int, Customer]:
        """See :meth:`CustomerLookup.by_ids`."""
        found = self._known.by_ids(ids)
        missing = sorted(set(ids) - found.keys())
        for customer_id, customer in parallel_keyed(
            self._customer, missing, self._limit, self._cancel
        ):
            if customer is not None:
                found[customer_id] = customer
        return found

    def by_emails(self, emails: Collection[str]) -> dict[str, Customer]:
        """See :meth:`CustomerLookup.by_emails`."""
        found = self._known.by_emails(emails)
        wanted = {email.strip().lower() for email in emails}
        missing = sorted(email for email in wanted - found.keys() if is_email(email))

        def fetch(index: int) -> Customer | None:
            return self._client.find_customer_by_email(missing[index], self._cancel)

        for index, customer in parallel_keyed(
            fetch, range(len(missing)), self._limit, self._cancel
        ):
            if customer is not None:
                found[missing[index]] = customer
        return found

    def _customer(self, customer_id: int) -> Customer | None:
        try:
            return self._client.get_customer(customer_id, self._cancel)
        except NotFoundError:
            return None


def lookup_for_import(
    cache: CustomerCache, client: WooClient, cancel: CancelToken | None = None
) -> CustomerLookup:
    """Where an import looks existing customers up: the cache, and the store where it must.

    A cache whose last sync (run one just before) proved it holds exactly the store's customers
    is the reference: asking the store about every new email costs one request each,
    minutes for a file of thousands of new customers. A customer created in the store since that
    sync is still never duplicated: the store refuses a second account for an email, and the
    run reports that row. An incomplete cache asks the store about what it lacks.
    """
    known = CacheLookup(cache)
    if cache.coverage().complete:
        return known
    return StoreBackedLookup(known, client, cancel)


def plan_rows(
    rows: Iterable[SourceRow],
    mapping: ColumnMapping,
    lookup: CustomerLookup,
    options: PlanOptions | None = None,
    *,
    cancel: CancelToken | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> Iterator[PlannedRow]:
    """Plan every row, lazily: exactly one :class:`PlannedRow` per row, in the rows' order.

    Rows are read ``chunk_size`` at a time; each chunk costs one ``by_ids`` and one
    ``by_emails`` question to ``lookup``.

    Raises:
        ValueError: if ``chunk_size`` is less than 1.
        CancelledError: when ``cancel`` is cancelled (checked between chunks).
        AppError: whatever ``lookup`` raises (a store that cannot be reached, say).
    """
    if chunk_size < 1:
        raise ValueError("chunk_size must be at least 1")
    planner = _Planner(mapping, lookup, options or PlanOptions())
    source = iter(rows)
    while chunk := list(islice(source, chunk_size)):
        if cancel is not None:
            cancel.raise_if_cancelled()
        yield from planner.plan_chunk(chunk)


def new_account_warning(totals: Totals, options: PlanOptions) -> str:
    """The dry run's warning about the e-mails the plan's creates make WooCommerce send.

    "" when the plan creates nobody (updates send no e-mail).
    """
    return new_account_emails_warning(totals.created, password_link=options.generate_password)


def plan_all(
    rows: Iterable[SourceRow],
    mapping: ColumnMapping,
    lookup: CustomerLookup,
    options: PlanOptions | None = None,
    *,
    cancel: CancelToken | None = None,
) -> tuple[list[PlannedRow], Totals]:
    """Every row's plan and what the import would come to (see :func:`plan_rows`)."""
    planned = list(plan_rows(rows, mapping, lookup, options, cancel=cancel))
    return planned, Totals.of_plan(planned)


@dataclass
class _Row:
    """A row on its way through a chunk: its non-blank fields and what it is matched by."""

    source: SourceRow
    given: dict[str, str]
    customer_id: int | None = None
    email_key: str = ""
    verdict: PlannedRow | None = None  # decided before matching (a malformed ID)
    customer: Customer | None = None


@dataclass
class _Planner:
    """Plans chunk after chunk, remembering across chunks which rows claimed which customer."""

    mapping: ColumnMapping
    lookup: CustomerLookup
    options: PlanOptions
    _row_of_id: dict[int, int] = field(default_factory=dict)
    _row_of_email: dict[str, int] = field(default_factory=dict)
    _row_of_customer: dict[int, int] = field(default_factory=dict)

    def plan_chunk(self, rows: Sequence[SourceRow]) -> list[PlannedRow]:
        prepared = [self._prepare(row) for row in rows]
        by_id = self.lookup.by_ids(
            {row.customer_id for row in prepared if row.customer_id is not None}
        )
        # A row with an ID needs its email looked up only when it would change the email: the
        # new address must not be another customer's.
        emails: set[str] = set()
        for row in prepared:
            if row.customer_id is not None:
                row.customer = by_id.get(row.customer_id)
                if row.customer is None or row.email_key == row.customer.email.lower():
                    continue
            if row.email_key:
                emails.add(row.email_key)
        by_email = self.lookup.by_emails(emails) if emails else {}
        return [self._decide(row, by_email) for row in prepared]

    def _prepare(self, source: SourceRow) -> _Row:
        given = {
            target: value
            for target, value in self.mapping.fields_of(source.cells).items()
            if value.strip()
        }
        row = _Row(source, given, email_key=given.get("email", "").strip().lower())
        id_cell = given.pop("id", None)
        if id_cell is not None:
            text = id_cell.strip()
            if _DIGITS.fullmatch(text) and 0 < int(text) <= _MAX_ID:
                row.customer_id = int(text)
            else:
                message = f"The ID must be a positive whole number, not {text!r}."
                row.verdict = _invalid(source, message, (FieldProblem("id", message),))
        return row

    def _decide(self, row: _Row, by_email: Mapping[str, Customer]) -> PlannedRow:
        if row.verdict is not None:
            return row.verdict
        source = row.source
        duplicate = self._earlier_row(row)
        if duplicate:
            return _invalid(source, duplicate)
        customer = row.customer
        if row.customer_id is not None:
            if customer is None:
                return _invalid(source, f"No customer with ID {row.customer_id} in the store.")
            other = by_email.get(row.email_key)
            if other is not None and other.id != customer.id:
                message = f"Customer {other.id} already has this email address."
                return _invalid(source, message, (FieldProblem("email", message),), customer.id)
        elif row.email_key:
            customer = by_email.get(row.email_key)
        if customer is None:
            return self._create(row)
        earlier = self._row_of_customer.setdefault(customer.id, source.number)
        if earlier != source.number:
            return _invalid(source, f"Same customer as row {earlier}.", customer_id=customer.id)
        return self._update(row, customer)

    def _earlier_row(self, row: _Row) -> str | None:
        """Why the row repeats an earlier one (same ID or email), or None; claims both keys."""
        number = row.source.number
        reason = None
        if row.customer_id is not None:
            earlier = self._row_of_id.setdefault(row.customer_id, number)
            if earlier != number:
                reason = f"Same ID as row {earlier}."
        if row.email_key:
            earlier = self._row_of_email.setdefault(row.email_key, number)
            if earlier != number and reason is None:
                reason = f"Same email as row {earlier}."
        return reason

    def _create(self, row: _Row) -> PlannedRow:
        fields = normalize_fields(row.given)
        problems = check_customer(
            fields, creating=True, generate_password=self.options.generate_password
        )
        if has_errors(problems):
            return _invalid(row.source, _first_error(problems), tuple(problems))
        return PlannedRow(
            row.source,
            RowAction.CREATE,
            fields=fields,
            problems=tuple(problems),
            reason="New customer.",
        )

    def _update(self, row: _Row, customer: Customer) -> PlannedRow:
        source = row.source
        if not self.options.update_existing:
            return PlannedRow(
                source,
                RowAction.SKIP,
                customer_id=customer.id,
                reason="Already in the store; skipping existing customers.",
            )
        as_stored = fields_from_customer(customer)
        if all(as_stored.get(name) == value for name, value in row.given.items()):
            # Cells exactly as stored (an export coming back) normalize exactly as the stored
            # values do, so there is nothing to compare; a given password never gets here.
            return PlannedRow(source, RowAction.SKIP, customer_id=customer.id, reason=_NO_CHANGE)
        stored = normalize_fields(as_stored)
        # Normalizing uses the stored customer only for the country of a state given without
        # one; handing over just the countries spares it taking the whole customer apart again.
        fields = normalize_fields(row.given, stored={key: stored[key] for key in _COUNTRY_FIELDS})
        notes = _create_only_notes(fields, stored)
        differing = {
            name: value
            for name, value in fields.items()
            if name not in CREATE_ONLY_FIELDS and value != stored.get(name, "")
        }
        changed = differing
        if self.options.only_fill_empty:
            changed = {name: value for name, value in differing.items() if not stored.get(name)}
        if not changed:
            reason = _NO_CHANGE if not differing else "No empty field to fill."
            return PlannedRow(
                source, RowAction.SKIP, customer_id=customer.id, problems=notes, reason=reason
            )
        problems = (*check_customer(changed, stored=stored), *notes)
        if has_errors(problems):
            return _invalid(source, _first_error(problems), problems, customer.id)
        changes = tuple(
            FieldChange(name, stored.get(name, ""), value) for name, value in changed.items()
        )
        return PlannedRow(
            source,
            RowAction.UPDATE,
            fields=changed,
            customer_id=customer.id,
            changes=changes,
            problems=problems,
            reason=_changes_sentence(changes),
        )


def _create_only_notes(
    fields: Mapping[str, str], stored: Mapping[str, str]
) -> tuple[FieldProblem, ...]:
    """Warnings for a username or password given for a customer who already exists.

    A username equal to the stored one (an export coming back) is no news and not mentioned.
    """
    notes = []
    username = fields.get("username")
    if username is not None and username != stored.get("username", ""):
        notes.append(
            FieldProblem(
                "username",
                "A username is set only when a customer is created; the stored one stays.",
                Severity.WARNING,
            )
        )
    if fields.get("password"):
        notes.append(
            FieldProblem(
                "password",
                "A password is set only when a customer is created; it is not changed.",
                Severity.WARNING,
            )
        )
    return tuple(notes)


def _invalid(
    source: SourceRow,
    reason: str,
    problems: Sequence[FieldProblem] = (),
    customer_id: int | None = None,
) -> PlannedRow:
    return PlannedRow(
        source,
        RowAction.INVALID,
        customer_id=customer_id,
        problems=tuple(problems),
        reason=reason,
    )


def _first_error(problems: Iterable[FieldProblem]) -> str:
    return next(problem.describe() for problem in problems if problem.is_error)


def _changes_sentence(changes: Sequence[FieldChange]) -> str:
    """The reason of an update: the fields it changes, the first few by name."""
    labels = [FIELD_LABELS.get(change.field, change.field) for change in changes]
    if len(labels) == 1:
        return f"Changes {labels[0]}."
    if len(labels) <= 3:
        return f"Changes {', '.join(labels[:-1])} and {labels[-1]}."
    return f"Changes {labels[0]}, {labels[1]} and {len(labels) - 2} more fields."
