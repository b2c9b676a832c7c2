"""The values an import passes from step to step: rows read, rows planned, rows done.

Every data row of a file gets exactly one :class:`PlannedRow` and later exactly one
:class:`RowResult`, so totals always add up to the number of data rows read.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from app.domain.validation import FieldProblem


@dataclass(frozen=True)
class FileFormat:
    """How a file's bytes become rows: detected, shown to the user, and overridable.

    Attributes:
        encoding: a Python codec name ("utf-8-sig", "utf-16", "cp1252", ...).
        delimiter: one of comma, semicolon, tab, pipe.
    """

    encoding: str
    delimiter: str


@dataclass(frozen=True)
class SourceRow:
    """One data row of a file, as read.

    Attributes:
        number: the data row's number, 1 for the first row after the header.
        line: the file line where the row starts (1 is the header line), for messages.
        cells: the row's cells, padded with "" or cut to the header's width.
        problem: what was wrong with the row's shape ("has 12 cells, the header has 10"), or
            None. A ragged row is still read and planned; the problem is shown with it.
    """

    number: int
    line: int
    cells: tuple[str, ...]
    problem: str | None = None


class RowAction(StrEnum):
    """What the dry run decided for a row."""

    CREATE = "create"
    UPDATE = "update"
    SKIP = "skip"  # no change, or an existing customer while skipping existing ones
    INVALID = "invalid"  # a problem that blocks the row; counted as failed


@dataclass(frozen=True)
class FieldChange:
    """One field an update changes: the stored value and the file's value."""

    field: str
    before: str
    after: str


@dataclass(frozen=True)
class PlannedRow:
    """A row after mapping, validation and matching against the cache and the store.

    Attributes:
        row: the row as read.
        action: what will happen.
        fields: the normalized customer fields to send (dotted API names); for an update only
            the changed ones.
        customer_id: the matched customer, for updates and for skips of existing customers.
        changes: for updates, field by field.
        problems: errors (for INVALID rows) and warnings (for any row).
        reason: one sentence for the preview and the report ("Email is missing.",
            "No change.", "Already in the store; skipping existing customers.").
    """

    row: SourceRow
    action: RowAction
    fields: Mapping[str, str] = field(default_factory=dict)
    customer_id: int | None = None
    changes: tuple[FieldChange, ...] = ()
    problems: tuple[FieldProblem, ...] = ()
    reason: str = ""


class Outcome(StrEnum):
    """What finally happened to a row."""

    CREATED = "created"
    UPDATED = "updated"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True)
class RowResult:
    """The final word on one row: its outcome, the customer it concerns, and why."""

    number: int
    outcome: Outcome
    customer_id: int | None = None
    message: str = ""


@dataclass(frozen=True)
class Totals:
    """Rows per outcome; ``created + updated + skipped + failed == rows`` always."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    failed: int = 0

    @classmethod
    def of_outcomes(cls, outcomes: Iterable[Outcome]) -> Totals:
        """Count final outcomes."""
        counts = Counter(outcomes)
        return cls(
            rows=sum(counts.values()),
            created=counts[Outcome.CREATED],
            updated=counts[Outcome.UPDATED],
            skipped=counts[Outcome.SKIPPED],
            failed=counts[Outcome.FAILED],
        )

    @classmethod
    def of_plan(cls, rows: Iterable[PlannedRow]) -> Totals:
        """What a dry run says would happen (an invalid row counts as failed)."""
        return cls.of_outcomes(PLANNED_OUTCOME[row.action] for row in rows)

    def describe(self, *, planned: bool) -> str:
        """One sentence for people: what a dry run would do (``planned``) or what a run did."""
        rows = f"{self.rows:,} row{'s' if self.rows != 1 else ''}"
        if planned:
            return (
                f"{rows}: {self.created:,} to create, {self.updated:,} to update, "
                f"{self.skipped:,} to skip, {self.failed:,} with problems."
            )
        return (
            f"{rows}: {self.created:,} created, {self.updated:,} updated, "
            f"{self.skipped:,} skipped, {self.failed:,} failed."
        )

    def as_dict(self) -> dict[str, int]:
        """For ``--json`` and reports."""
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "skipped": self.skipped,
            "failed": self.failed,
        }


#: The outcome a dry run predicts for each action.
PLANNED_OUTCOME: Mapping[RowAction, Outcome] = {
    RowAction.CREATE: Outcome.CREATED,
    RowAction.UPDATE: Outcome.UPDATED,
    RowAction.SKIP: Outcome.SKIPPED,
    RowAction.INVALID: Outcome.FAILED,
}
