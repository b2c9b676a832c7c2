"""Messy CSV files as spreadsheets and shops really write them, generated at test time.

Each ``write_*`` function writes one file, byte for byte as its program would, and returns its
path; the constants beside it hold what reading it must give. Nothing binary is committed: even
the PNG and the zip are built here.
"""

from __future__ import annotations

import codecs
import io
import struct
import zipfile
import zlib
from pathlib import Path

from app.domain.validation import FIELD_LABELS

#: The German Excel export: semicolons, cp1252, decimal commas, an euro sign.
GERMAN_HEADER = ("Vorname", "Nachname", "E-Mail", "Straße", "PLZ", "Ort", "Land", "Umsatz")
GERMAN_ROWS = (
    (
        "Jürgen",
        "Müller",
        "juergen@example.de",
        "Königstraße 5",
        "10115",
        "Berlin",
        "DE",
        "1.234,50 €",
    ),
    ("Ännchen", "Weiß", "a.weiss@example.de", "Über der Aue 3", "80331", "München", "DE", "0,00 €"),
    (
        "Gün",
        "Öztürk",
        "guen@example.de",
        "Straße des 17. Juni 1",
        "01067",
        "Dresden",
        "DE",
        "12,00 €",
    ),
)

#: The everyday English file (comma, UTF-8), used with a BOM and as pipe-delimited text.
ENGLISH_HEADER = ("Email", "First name", "Last name", "Billing city", "Billing country")
ENGLISH_ROWS = (
    ("ada@example.com", "Ada", "Lovelace", "London", "GB"),
    ("chloé@example.fr", "Chloé", "Dupont", "Besançon", "FR"),
    ("jo@example.jp", "Jō", "Tanaka", "東京", "JP"),
)


def _lines(rows: tuple[tuple[str, ...], ...], delimiter: str, line_end: str = "\r\n") -> str:
    return "".join(delimiter.join(row) + line_end for row in rows)


def write_excel_semicolon_cp1252(folder: Path) -> Path:
    """Excel's "CSV (semicolon separated)" on a German Windows: cp1252, ``;``, CR LF."""
    path = folder / "kunden.csv"
    path.write_bytes(_lines((GERMAN_HEADER, *GERMAN_ROWS), ";").encode("cp1252"))
    return path


def write_utf8_bom(folder: Path) -> Path:
    """Excel's "CSV UTF-8": a byte order mark, commas, CR LF."""
    path = folder / "utf8-bom.csv"
    path.write_bytes(codecs.BOM_UTF8 + _lines((ENGLISH_HEADER, *ENGLISH_ROWS), ",").encode())
    return path


def write_utf16_tab(folder: Path, *, big_endian: bool = False) -> Path:
    """Excel's "Unicode Text": UTF-16 with a byte order mark, tab-delimited."""
    bom, codec = (
        (codecs.BOM_UTF16_BE, "utf-16-be") if big_endian else (codecs.BOM_UTF16_LE, "utf-16-le")
    )
    path = folder / ("unicode-be.txt" if big_endian else "unicode.txt")
    path.write_bytes(bom + _lines((GERMAN_HEADER, *GERMAN_ROWS), "\t").encode(codec))
    return path


def write_pipe(folder: Path) -> Path:
    """A pipe-delimited dump, UTF-8 without BOM, LF line ends."""
    path = folder / "dump.txt"
    path.write_bytes(_lines((ENGLISH_HEADER, *ENGLISH_ROWS), "|", "\n").encode())
    return path


#: A file with line breaks inside quoted cells (two-line street addresses, a note with CR LF).
QUOTED_NEWLINES = (
    "Email,Billing address line 1,Note\r\n"
    'ann@example.com,"Hauptstr. 1\r\nHinterhaus",plain\r\n'
    'bob@example.com,"Line one\nLine two\nLine three","say ""hi"""\r\n'
    "cy@example.com,Elm Street 3,last\r\n"
)
#: The rows of :data:`QUOTED_NEWLINES`: (line the row starts on, cells).
QUOTED_NEWLINES_ROWS = (
    (2, ("ann@example.com", "Hauptstr. 1\r\nHinterhaus", "plain")),
    (4, ("bob@example.com", "Line one\nLine two\nLine three", 'say "hi"')),
    (7, ("cy@example.com", "Elm Street 3", "last")),
)


def write_quoted_newlines(folder: Path) -> Path:
    """Line breaks inside quoted cells, and doubled quotes."""
    path = folder / "quoted.csv"
    path.write_bytes(QUOTED_NEWLINES.encode())
    return path


#: Rows longer and shorter than the header, empty lines, and an Excel ";;;;" row between them.
RAGGED = (
    "Email;First name;Last name;City\n"
    "a@example.com;Ann;Lee;Oslo\n"
    "b@example.com;Bo;Ek\n"
    "\n"
    ";;;\n"
    "c@example.com;Cy;Ng;Rome;extra;more\n"
    "d@example.com;Di;Ro;Graz;;\n"
    "e@example.com\n"
)


def write_ragged(folder: Path) -> Path:
    """Ragged rows between blank lines (see :data:`RAGGED`)."""
    path = folder / "ragged.csv"
    path.write_bytes(RAGGED.encode())
    return path


def write_duplicate_headers(folder: Path) -> Path:
    """Two columns named alike, as a hand-merged sheet has them."""
    path = folder / "duplicates.csv"
    path.write_bytes(b"Email,Phone,Phone,Name\r\nx@example.com,111,222,X\r\n")
    return path


def write_empty(folder: Path) -> Path:
    """A file of zero bytes."""
    path = folder / "empty.csv"
    path.write_bytes(b"")
    return path


def write_header_only(folder: Path) -> Path:
    """A header and nothing else (a template)."""
    path = folder / "template.csv"
    path.write_bytes(b"Email,First name,Last name\r\n")
    return path


def write_png(folder: Path) -> Path:
    """A real 2x2 PNG image, named like a CSV file by mistake."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    pixels = zlib.compress(b"\x00\xff\x00\x00\xff\x00\x00" * 2)
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )
    path = folder / "picture.csv"
    path.write_bytes(png)
    return path


def write_xlsx_like_zip(folder: Path) -> Path:
    """A zip archive (what an .xlsx workbook is), chosen instead of its CSV export."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>' * 20)
        archive.writestr("xl/worksheets/sheet1.xml", "<worksheet/>" * 50)
    path = folder / "customers.xlsx"
    path.write_bytes(buffer.getvalue())
    return path


def write_latin1(folder: Path) -> Path:
    """Latin-1 text using 0x8D and 0x90, which cp1252 leaves undefined (C1 control codes)."""
    path = folder / "latin1.csv"
    path.write_bytes(b"Name,Note\nJos\xe9,a\x8db\nRen\xe9e,c\x90d\n")
    return path


#: Rows of plain ASCII before the first umlaut, so it falls beyond the 64 KiB detection sample.
LATE_FILLER_ROWS = 5000


def write_late_umlaut(folder: Path, encoding: str) -> Path:
    """``Name,City`` with :data:`LATE_FILLER_ROWS` ASCII rows, then ``Jürgen,Köln`` (encoded)."""
    path = folder / f"late-{encoding}.csv"
    filler = "".join(f"Person {n},Town {n}\r\n" for n in range(LATE_FILLER_ROWS))
    path.write_bytes(("Name,City\r\n" + filler + "Jürgen,Köln\r\n").encode(encoding))
    return path


def write_utf8_then_cp1252(folder: Path) -> Path:
    """UTF-8 (with an umlaut early on), until a row pasted in from a cp1252 file.

    The cp1252 row is the last row, on line ``LATE_FILLER_ROWS + 3``.
    """
    path = folder / "mixed.csv"
    filler = "".join(f"Person {n},Town {n}\r\n" for n in range(LATE_FILLER_ROWS))
    head = ("Name,City\r\nJürgen,Köln\r\n" + filler).encode()
    path.write_bytes(head + "Zoë,Besançon\r\n".encode("cp1252"))
    return path


#: The header of :func:`write_customer_rows`: labels the import maps to customer fields.
CUSTOMER_ROWS_HEADER = tuple(
    FIELD_LABELS[name]
    for name in (
        "email",
        "first_name",
        "last_name",
        "billing_address.address_1",
        "billing_address.city",
        "billing_address.postcode",
        "billing_address.country",
        "billing_address.phone",
    )
)


def customer_row(number: int) -> tuple[str, ...]:
    """Row ``number`` (from 1) of :func:`write_customer_rows`: valid, distinct customer data."""
    return (
        f"customer{number}@example.com",
        f"First{number}",
        f"Last{number}",
        f"Hauptstraße {number % 200 + 1}",
        "Berlin",
        f"{10115 + number % 2000:05d}",
        "DE",
        f"+49 30 {number:07d}",
    )


def write_customer_rows(folder: Path, count: int, *, name: str = "customers.csv") -> Path:
    """A comma-separated UTF-8 file of ``count`` valid customers (fast: 100,000 in ~0.2 s)."""
    path = folder / name
    with path.open("w", encoding="utf-8", newline="") as file:
        file.write(",".join(CUSTOMER_ROWS_HEADER) + "\r\n")
        for start in range(1, count + 1, 10_000):
            stop = min(start + 10_000, count + 1)
            file.write("".join(",".join(customer_row(n)) + "\r\n" for n in range(start, stop)))
    return path
