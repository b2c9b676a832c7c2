"""Exporting customers and writing the importer's CSV files: safe to open, atomic, importable.

An exported file must open in a spreadsheet without running anything, must never be left half
written, and must read back (with detection) as exactly the cells that were exported.
"""

from __future__ import annotations

import codecs
import errno
import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.cache.repository import CustomerCache, CustomerFilter
from app.domain.customer import Customer, Figures
from app.domain.validation import CUSTOMER_FIELDS, FIELD_LABELS
from app.errors import CancelledError, FileError
from app.importer.cells import FORMULA_STARTS, neutralize_formula, restore_formula
from app.importer.exporting import (
    EXPORT_BATCH,
    EXPORT_COLUMNS,
    EXPORT_FIELDS,
    PROGRESS_EVERY,
    customer_cells,
    export_view,
    write_customers,
    write_rows,
)
from app.importer.reading import detect_format, open_csv
from app.importer.records import FileFormat

START = datetime(2024, 1, 1, tzinfo=UTC)


def make_customer(customer_id: int, **fields: Any) -> Customer:
    """A customer as a store sends it; ``fields`` replace any top-level key of the object."""
    data: dict[str, Any] = {
        "id": customer_id,
        "created_at": "2023-05-04T10:11:12Z",
        "email": f"user{customer_id}@example.com",
        "first_name": f"First{customer_id}",
        "last_name": "Müller",
        "username": f"user{customer_id}",
        "role": "customer",
        "last_order_date": "2024-02-29T23:59:59Z",
        "orders_count": 3,
        "total_spent": "1234.5",
        "billing_address": {
            "first_name": "Ann",
            "city": "Köln",
            "postcode": "50667",
            "country": "DE",
            "email": f"billing{customer_id}@example.com",
            "phone": "+49 221 123456",
        },
        "shipping_address": {"address_1": "Domkloster 4", "city": "Köln", "country": "DE"},
    }
    data.update(fields)
    return Customer.from_api(data)


def read_back(path: Path) -> tuple[FileFormat, tuple[str, ...], list[tuple[str, ...]]]:
    """What the importer reads from a file: detected format, header, restored cells."""
    file_format = detect_format(path)
    with open_csv(path, file_format) as source:
        rows = [tuple(restore_formula(cell) for cell in row.cells) for row in source]
        return file_format, source.header, rows


# --- columns -----------------------------------------------------------------------------------


def test_the_columns_are_the_id_every_field_label_but_the_password_and_the_facts() -> None:
    assert tuple(name for name in CUSTOMER_FIELDS if name != "password") == EXPORT_FIELDS
    assert (
        "ID",
        *(FIELD_LABELS[name] for name in EXPORT_FIELDS),
        "Orders",
        "Total spent",
        "Last order",
        "Registered",
        "Order figures",
    ) == EXPORT_COLUMNS
    assert EXPORT_COLUMNS[1:5] == ("Email", "First name", "Last name", "Username")
    assert EXPORT_COLUMNS[-6] == "Shipping country"
    assert "Password" not in EXPORT_COLUMNS
    assert len(set(EXPORT_COLUMNS)) == len(EXPORT_COLUMNS)


def test_a_customer_row_holds_its_fields_money_and_iso_dates() -> None:
    cells = dict(zip(EXPORT_COLUMNS, customer_cells(make_customer(7)), strict=True))
    assert cells["ID"] == "7"
    assert cells["Email"] == "user7@example.com"
    assert cells["Last name"] == "Müller"
    assert cells["Billing email"] == "billing7@example.com"
    assert cells["Billing city"] == "Köln"
    assert cells["Shipping address line 1"] == "Domkloster 4"
    assert cells["Shipping company"] == ""
    assert (cells["Orders"], cells["Total spent"]) == ("3", "1234.50")
    assert (cells["Last order"], cells["Registered"]) == ("2024-02-29", "2023-05-04")
    assert cells["Order figures"] == "exact"


def test_figures_that_are_not_the_stores_own_say_so() -> None:
    """Analytics' approximation and unknown figures are told apart from the store's own."""
    approximate = make_customer(2).with_changes(figures=Figures.APPROXIMATE)
    cells = dict(zip(EXPORT_COLUMNS, customer_cells(approximate), strict=True))
    assert (cells["Orders"], cells["Order figures"]) == ("3", "approximate")
    unknown = make_customer(3).with_changes(figures=Figures.UNKNOWN)
    cells = dict(zip(EXPORT_COLUMNS, customer_cells(unknown), strict=True))
    assert (cells["Orders"], cells["Total spent"], cells["Order figures"]) == ("", "", "unknown")
    assert approximate.to_api()["figures"] == "approximate"
    assert "figures" not in make_customer(4).to_api()


def test_missing_dates_are_empty_cells() -> None:
    cells = dict(
        zip(
            EXPORT_COLUMNS,
            customer_cells(make_customer(1, created_at=None, last_order_date=None)),
            strict=True,
        )
    )
    assert (cells["Last order"], cells["Registered"]) == ("", "")


# --- the file ----------------------------------------------------------------------------------


def test_utf8_with_bom_and_crlf_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    assert write_customers([make_customer(1), make_customer(2)], path) == 2
    data = path.read_bytes()
    assert data.startswith(codecs.BOM_UTF8 + b"ID,Email,First name,")
    assert data.count(b"\r\n") == 3
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert "Köln".encode() in data


def test_semicolons_for_spreadsheets_with_decimal_commas(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    write_customers([make_customer(1)], path, delimiter=";")
    first_line = path.read_bytes().split(b"\r\n")[0]
    assert first_line == codecs.BOM_UTF8 + ";".join(EXPORT_COLUMNS).encode()
    assert detect_format(path) == FileFormat("utf-8-sig", ";")


def test_an_unreadable_delimiter_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="delimiter"):
        write_customers([], tmp_path / "x.csv", delimiter=":")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("start", FORMULA_STARTS)
def test_every_formula_start_is_neutralised(tmp_path: Path, start: str) -> None:
    path = tmp_path / "export.csv"
    name = f'{start}HYPERLINK("http://evil.example")'
    write_customers([make_customer(1, first_name=name)], path)
    text = path.read_bytes().decode("utf-8-sig")  # not read_text: it would translate a CR
    assert f"'{start}HYPERLINK" in text
    _, _, rows = read_back(path)
    assert rows[0][EXPORT_COLUMNS.index("First name")] == name


def test_a_leading_apostrophe_of_its_own_survives_the_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    write_customers([make_customer(1, last_name="'t Hooft")], path)
    _, _, rows = read_back(path)
    assert rows[0][EXPORT_COLUMNS.index("Last name")] == "'t Hooft"


def test_the_round_trip_gives_back_every_cell(tmp_path: Path) -> None:
    customers = [
        make_customer(1),
        make_customer(2, first_name="Line\r\nbreak", last_name='Quote "here"'),
        make_customer(3, email="-3@example.com", username="@user", total_spent="0"),
        make_customer(4, billing_address={"phone": "+1 555 0100", "company": "A; B, C"}),
    ]
    path = tmp_path / "export.csv"
    write_customers(customers, path)
    file_format, header, rows = read_back(path)
    assert file_format == FileFormat("utf-8-sig", ",")
    assert header == EXPORT_COLUMNS
    assert rows == [customer_cells(customer) for customer in customers]


_TEXT = st.text(
    st.characters(exclude_categories=("Cs", "Cc"), include_characters="\t\r\n"), max_size=12
)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    names=st.lists(st.tuples(_TEXT, _TEXT, _TEXT), min_size=1, max_size=5),
    delimiter=st.sampled_from([",", ";"]),
)
def test_any_text_round_trips(
    tmp_path: Path, names: list[tuple[str, str, str]], delimiter: str
) -> None:
    customers = [
        make_customer(number, first_name=first, last_name=last, billing_address={"city": city})
        for number, (first, last, city) in enumerate(names, start=1)
    ]
    path = tmp_path / "export.csv"
    write_customers(customers, path, delimiter=delimiter)
    file_format, header, rows = read_back(path)
    assert file_format == FileFormat("utf-8-sig", delimiter)
    assert header == EXPORT_COLUMNS
    assert rows == [customer_cells(customer) for customer in customers]


# --- atomic writes -----------------------------------------------------------------------------


def failing_after(count: int) -> Iterator[Customer]:
    for number in range(1, count + 1):
        yield make_customer(number)
    raise RuntimeError("the cache went away")


def test_a_failing_source_leaves_no_file_and_no_temporary_file(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="went away"):
        write_customers(failing_after(PROGRESS_EVERY * 2 + 3), tmp_path / "export.csv")
    assert list(tmp_path.iterdir()) == []


def test_a_failing_source_leaves_the_old_file_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(b"old content")
    with pytest.raises(RuntimeError):
        write_customers(failing_after(3), path)
    assert path.read_bytes() == b"old content"
    assert list(tmp_path.iterdir()) == [path]


def test_cancelling_writes_nothing(tmp_path: Path) -> None:
    asked: list[int] = []

    def cancel() -> bool:
        asked.append(1)
        return len(asked) == 3

    rows = ((str(n), "x") for n in range(PROGRESS_EVERY * 10))
    with pytest.raises(CancelledError, match=r"^Cancelled: report\.csv was not written\.$"):
        write_rows(tmp_path / "report.csv", ("Row", "Note"), rows, cancel=cancel)
    assert len(asked) == 3
    assert list(tmp_path.iterdir()) == []


def test_progress_is_reported_in_steps_and_at_the_end(tmp_path: Path) -> None:
    reports: list[int] = []
    count = PROGRESS_EVERY * 2 + 7
    written = write_rows(
        tmp_path / "rows.csv", ("N",), ((n,) for n in range(count)), on_progress=reports.append
    )
    assert written == count
    assert reports == [PROGRESS_EVERY, PROGRESS_EVERY * 2, count]


def test_a_disk_that_fills_up_is_a_clear_error_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(_: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(FileError, match=r"^The disk is full: export\.csv was not written\."):
        write_customers([make_customer(1)], tmp_path / "export.csv")
    assert list(tmp_path.iterdir()) == []


def test_a_file_held_open_elsewhere_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Windows refuses to replace a file Excel has open; this is how that looks to Python.
    def refuse(source: object, target: object) -> None:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(FileError, match="If the file is open in a spreadsheet, close it"):
        write_customers([make_customer(1)], tmp_path / "export.csv")
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(FileError, match=r"^The folder .*nowhere does not exist\."):
        write_customers([make_customer(1)], missing / "export.csv")


def test_a_folder_in_the_way_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "export.csv").mkdir()
    with pytest.raises(FileError, match=r"^export\.csv is a folder\. Choose a file name\."):
        write_customers([make_customer(1)], tmp_path / "export.csv")
    assert [path.name for path in tmp_path.iterdir()] == ["export.csv"]


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_a_new_file_is_private_and_a_replaced_one_keeps_its_permissions(tmp_path: Path) -> None:
    new = tmp_path / "new.csv"
    write_rows(new, ("A",), [])
    assert stat.S_IMODE(new.stat().st_mode) == 0o600
    shared = tmp_path / "shared.csv"
    shared.write_bytes(b"")
    shared.chmod(0o644)
    write_rows(shared, ("A",), [])
    assert stat.S_IMODE(shared.stat().st_mode) == 0o644


# --- write_rows for the importer's own files -----------------------------------------------------


def test_write_rows_writes_any_cells_as_text_and_neutralises_the_header_too(
    tmp_path: Path,
) -> None:
    path = tmp_path / "failed.csv"
    count = write_rows(
        path,
        ["Email", "=Error"],
        [("a@example.com", None), (12, Decimal("1.50")), ("+49 30 1", "@x")],
        "\t",
    )
    assert count == 3
    assert path.read_bytes() == (
        codecs.BOM_UTF8
        + b"Email\t'=Error\r\n"
        + b"a@example.com\t\r\n"
        + b"12\t1.50\r\n"
        + b"'+49 30 1\t'@x\r\n"
    )


# --- the current view from the cache -----------------------------------------------------------


@pytest.fixture
def cache(tmp_path: Path) -> Iterator[CustomerCache]:
    opened = CustomerCache.open(tmp_path / "cache", "https://export.example.com")
    yield opened
    opened.close()


def test_export_view_writes_the_view_in_its_order_in_batches(
    cache: CustomerCache, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    customers = [
        make_customer(
            number,
            role="subscriber" if number % 10 == 0 else "customer",
            created_at=(START + timedelta(days=number)).isoformat(),
        )
        for number in range(1, 2_501)
    ]
    cache.upsert_customers(customers, confirmed_at=1)
    batches: list[int] = []
    original = CustomerCache.customers_by_ids

    def counting(self: CustomerCache, ids: Any) -> dict[int, Customer]:
        batches.append(len(ids))
        return original(self, ids)

    monkeypatch.setattr(CustomerCache, "customers_by_ids", counting)
    view = CustomerFilter(role="customer", sort="registered", descending=True)
    reports: list[tuple[int, int]] = []

    def report(done: int, total: int) -> None:
        reports.append((done, total))

    path = tmp_path / "view.csv"
    written = export_view(cache, view, path, delimiter=";", on_progress=report)

    expected = [c for c in reversed(customers) if c.role == "customer"]
    assert written == len(expected) == 2_250
    assert batches == [EXPORT_BATCH, EXPORT_BATCH, 250]
    assert reports[-1] == (2_250, 2_250)
    assert all(total == 2_250 for _, total in reports)
    assert [done for done, _ in reports] == sorted(done for done, _ in reports)
    _, header, rows = read_back(path)
    assert header == EXPORT_COLUMNS
    assert rows == [customer_cells(customer) for customer in expected]


def test_export_view_of_an_empty_view_writes_the_header(
    cache: CustomerCache, tmp_path: Path
) -> None:
    path = tmp_path / "none.csv"
    assert export_view(cache, CustomerFilter(search="nobody"), path) == 0
    _, header, rows = read_back(path)
    assert (header, rows) == (EXPORT_COLUMNS, [])


@pytest.mark.parametrize("text", ["'=x", "''+1", "'", "'plain", "=1+1", "-", "@home"])
def test_an_apostrophe_before_a_formula_start_survives_the_round_trip(text: str) -> None:
    assert restore_formula(neutralize_formula(text)) == text
