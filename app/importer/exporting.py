"""Writing CSV files a spreadsheet opens safely: the customer export and the importer's own files.

Owns the export's columns (named so an exported file imports again unchanged), and the one way
every CSV file of the app is written (:func:`write_rows`): UTF-8 with a byte order mark, so Excel
recognises the encoding; CR LF line ends; every cell made inert against formula injection; and
atomically, so a failed or cancelled write leaves the old file (or none) and never half a file.
"""

from __future__ import annotations

import csv
import errno
import os
import shutil
import tempfile
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TextIO

from app.cache.repository import CustomerCache, CustomerFilter
from app.domain.customer import Customer
from app.domain.parsing import money_text
from app.domain.validation import CUSTOMER_FIELDS, FIELD_LABELS, fields_from_customer
from app.errors import CancelledError, FileError
from app.importer.cells import neutralize_formula
from app.importer.reading import DELIMITERS, StrPath

#: The customer fields an export holds: every one but the password, which no store reveals.
EXPORT_FIELDS: tuple[str, ...] = tuple(name for name in CUSTOMER_FIELDS if name != "password")
#: The column holding the customer's id; an import matches rows to customers by it.
ID_COLUMN = "ID"
#: Facts an export shows that an import cannot change (the store keeps them itself). "Order
#: figures" says how far Orders, Total spent and Last order can be trusted: ``exact``,
#: ``approximate`` (WooCommerce Analytics, which counts unpaid orders) or ``unknown`` (empty).
READ_ONLY_COLUMNS: tuple[str, ...] = (
    "Orders",
    "Total spent",
    "Last order",
    "Registered",
    "Order figures",
)
#: The export's header. Field columns carry exactly the field's label, so importing the file
#: maps each back to its field.
EXPORT_COLUMNS: tuple[str, ...] = (
    ID_COLUMN,
    *(FIELD_LABELS[name] for name in EXPORT_FIELDS),
    *READ_ONLY_COLUMNS,
)
#: Customers fetched from the cache at a time by :func:`export_view`.
EXPORT_BATCH = 1000
#: Rows between two progress reports (and cancel checks).
PROGRESS_EVERY = 500
#: errno values of a full disk or an exhausted quota (Windows has no EDQUOT).
_DISK_FULL = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})
#: The encoding every written file uses: UTF-8 with the BOM Excel needs to recognise it.
WRITE_ENCODING = "utf-8-sig"


def customer_cells(customer: Customer) -> tuple[str, ...]:
    """One customer's export row, in :data:`EXPORT_COLUMNS` order (not yet neutralised).

    Money is written as the API writes it (``1234.50``) and dates as ISO dates in UTC
    (``2024-01-31``), so every spreadsheet reads them alike.
    """
    fields = fields_from_customer(customer)
    return (
        str(customer.id),
        *(fields[name] for name in EXPORT_FIELDS),
        str(customer.orders_count) if customer.stats_known else "",
        money_text(customer.total_spent) if customer.stats_known else "",
        _iso_date(customer.last_order_date),
        _iso_date(customer.created_at),
        str(customer.figures),
    )


def write_customers(
    customers: Iterable[Customer],
    path: StrPath,
    *,
    delimiter: str = ",",
    on_progress: Callable[[int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> int:
    """Export customers to a CSV file with :data:`EXPORT_COLUMNS` (see :func:`write_rows`).

    Returns:
        The number of customers written.

    Raises:
        FileError: if the file cannot be written.
        CancelledError: if ``cancel`` said so; no file was written.
    """
    return write_rows(
        path,
        EXPORT_COLUMNS,
        (customer_cells(customer) for customer in customers),
        delimiter,
        on_progress=on_progress,
        cancel=cancel,
    )


def export_view(
    cache: CustomerCache,
    view: CustomerFilter,
    path: StrPath,
    *,
    delimiter: str = ",",
    on_progress: Callable[[int, int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    only: Collection[int] | None = None,
) -> int:
    """Export the customers of a view of the cache, in the view's order.

    Customers are fetched :data:`EXPORT_BATCH` at a time, so only the view's ids and one batch
    are in memory, however large the store. Call it on the thread that owns ``cache``.

    Args:
        cache: the store's cache.
        view: the list as the user sees it (search, role, country, sort).
        path: the file to write.
        delimiter: comma, or semicolon for spreadsheets set up for decimal commas.
        on_progress: called with (customers written, customers in the view) now and then.
        cancel: asked now and then whether to stop.
        only: just these customers of the view (the rows the user selected); None: all.

    Returns:
        The number of customers written (customers deleted meanwhile are left out).

    Raises:
        FileError: if the file cannot be written.
        CancelledError: if ``cancel`` said so; no file was written.
    """
    ids = cache.ordered_ids(view)
    if only is not None:
        wanted = set(only)
        ids = [customer_id for customer_id in ids if customer_id in wanted]
    report: Callable[[int], None] | None = None
    if on_progress is not None:
        view_progress = on_progress

        def report(done: int) -> None:
            view_progress(done, len(ids))

    return write_customers(
        _customers_in_batches(cache, ids),
        path,
        delimiter=delimiter,
        on_progress=report,
        cancel=cancel,
    )


def _customers_in_batches(cache: CustomerCache, ids: Sequence[int]) -> Iterator[Customer]:
    for start in range(0, len(ids), EXPORT_BATCH):
        batch_ids = ids[start : start + EXPORT_BATCH]
        batch = cache.customers_by_ids(batch_ids)
        yield from (batch[customer_id] for customer_id in batch_ids if customer_id in batch)


def write_rows(
    path: StrPath,
    header: Sequence[object],
    rows: Iterable[Sequence[object]],
    delimiter: str = ",",
    *,
    on_progress: Callable[[int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> int:
    """Write a CSV file the way every file of the app is written.

    The file is UTF-8 with a BOM, with CR LF line ends, and every cell (the header's too) passes
    through :func:`~app.importer.cells.neutralize_formula`, so importing the file again with
    :func:`~app.importer.cells.restore_formula` gives back the same text. The rows go to a
    temporary file in the same folder, which replaces ``path`` only once it is complete and on
    disk; after an error or a cancel, ``path`` is as it was and no temporary file is left. A
    replaced file keeps its permissions; a new one is readable by its owner only, since these
    files hold customers' personal data.

    Args:
        path: the file to write (replaced if it exists).
        header: the first row.
        rows: the data rows, consumed lazily; cells are written as ``str(cell)``, None as "".
        delimiter: one of :data:`~app.importer.reading.DELIMITERS`.
        on_progress: called with the number of rows written every :data:`PROGRESS_EVERY` rows
            and once at the end.
        cancel: asked before every :data:`PROGRESS_EVERY` rows whether to stop.

    Returns:
        The number of data rows written.

    Raises:
        FileError: if the file cannot be written (missing folder, no permission, disk full).
        CancelledError: if ``cancel`` said so.
        ValueError: if ``delimiter`` is not one of the delimiters the importer reads.
    """
    if delimiter not in DELIMITERS:
        raise ValueError(f"delimiter must be one of {DELIMITERS!r}, not {delimiter!r}")
    target = Path(path)
    count = 0
    with _replacing(target) as file:
        writer = csv.writer(file, delimiter=delimiter)
        writer.writerow(_safe_cells(header))
        for row in rows:
            if count % PROGRESS_EVERY == 0:
                if cancel is not None and cancel():
                    raise CancelledError(f"Cancelled: {target.name} was not written.")
                if on_progress is not None and count:
                    on_progress(count)
            writer.writerow(_safe_cells(row))
            count += 1
    if on_progress is not None:
        on_progress(count)
    return count


def _safe_cells(row: Sequence[object]) -> list[str]:
    return [neutralize_formula(cell if isinstance(cell, str) else _text(cell)) for cell in row]


def _text(cell: object) -> str:
    return "" if cell is None else str(cell)


def _iso_date(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment is not None else ""


@contextmanager
def _replacing(target: Path) -> Iterator[TextIO]:
    """A text file that replaces ``target`` when the block ends without an error."""
    try:
        handle, temp_name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".part"
        )
    except OSError as error:
        raise _write_error(target, error) from error
    temp = Path(temp_name)
    try:
        # errors="replace": a lone surrogate (possible in a store's JSON) cannot be UTF-8; one
        # unwritable character must not cost the whole export.
        with open(handle, "w", encoding=WRITE_ENCODING, errors="replace", newline="") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        if target.is_file():
            shutil.copymode(target, temp)
        os.replace(temp, target)
    except BaseException as error:
        temp.unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise _write_error(target, error) from error
        raise


def _write_error(target: Path, error: OSError) -> FileError:
    """The message for a file the system would not let us write."""
    name, folder = target.name, target.parent
    if error.errno in _DISK_FULL:
        message = (
            f"The disk is full: {name} was not written. Free some space or choose another disk."
        )
    elif isinstance(error, FileNotFoundError):
        message = f"The folder {folder} does not exist. Choose another folder."
    elif isinstance(error, IsADirectoryError):
        message = f"{name} is a folder. Choose a file name."
    elif isinstance(error, PermissionError) or error.errno == errno.EROFS:
        message = (
            f"{name} could not be written in {folder}. If the file is open in a spreadsheet, "
            "close it; otherwise choose a folder you may write to."
        )
    else:
        message = f"{name} could not be written: {error.strerror or error}."
    return FileError(message, detail=f"{target}: {error}")
