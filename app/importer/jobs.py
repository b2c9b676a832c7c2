"""An import as the desktop app runs it: a file planned with the user's edits, with progress.

The command line plans a file as it is; the import dialog lets the user fix cells in the preview
and then plans again, so the file's rows are read with those edits laid over them. Both use the
same reader and planner; this module only adds the edits and the progress reports.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from app.api.transport import CancelToken
from app.importer.mapping import ColumnMapping
from app.importer.planning import CustomerLookup, PlanOptions, plan_rows
from app.importer.reading import open_csv
from app.importer.records import FileFormat, PlannedRow, SourceRow, Totals

#: Rows planned between two progress reports.
PROGRESS_EVERY = 500


@dataclass(frozen=True)
class PlanProgress:
    """How far the planning of a file is: rows planned, and the fraction of the file read."""

    rows: int
    fraction: float


@dataclass(frozen=True)
class FilePlan:
    """A whole file planned: one PlannedRow per data row, in file order, and the totals."""

    path: Path
    file_format: FileFormat
    mapping: ColumnMapping
    rows: tuple[PlannedRow, ...]
    totals: Totals


def with_edits(
    rows: Iterable[SourceRow], edits: Mapping[int, tuple[str, ...]]
) -> Iterator[SourceRow]:
    """The rows, with the cells of edited rows (by row number) replaced by the user's."""
    for row in rows:
        cells = edits.get(row.number)
        yield row if cells is None else replace(row, cells=cells)


def plan_file(
    path: Path,
    file_format: FileFormat,
    mapping: ColumnMapping,
    lookup: CustomerLookup,
    options: PlanOptions,
    *,
    edits: Mapping[int, tuple[str, ...]] | None = None,
    cancel: CancelToken | None = None,
    progress: Callable[[PlanProgress], None] | None = None,
) -> FilePlan:
    """Read and plan every row of a file.

    Args:
        path: the file.
        file_format: how to read it (detected, or as the user chose).
        mapping: which column feeds which field.
        lookup: where existing customers are found (the cache, then the store).
        options: what to do with existing customers.
        edits: cells the user changed in the preview, by row number.
        cancel: checked between chunks of rows.
        progress: called every few hundred rows, and once at the end, with how far it is.

    Raises:
        FileError: when the file cannot be read.
        AppError: when the store cannot be asked (from ``lookup``), or CancelledError.
    """
    planned: list[PlannedRow] = []
    with open_csv(path, file_format) as source:
        rows = with_edits(source, edits or {})
        for row in plan_rows(rows, mapping, lookup, options, cancel=cancel):
            planned.append(row)
            if progress is not None and len(planned) % PROGRESS_EVERY == 0:
                progress(PlanProgress(len(planned), source.fraction_read))
    if progress is not None:
        progress(PlanProgress(len(planned), 1.0))
    return FilePlan(path, file_format, mapping, tuple(planned), Totals.of_plan(planned))
