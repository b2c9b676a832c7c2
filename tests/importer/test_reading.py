"""Reading CSV files: detection of encoding and delimiter, streamed rows, and every way to fail.

Each messy file of :mod:`tests.data.samples` must read as the program that wrote it meant it;
files that are no table must fail with a :class:`FileError` that says why, never with anything
else. Hypothesis writes arbitrary tables and arbitrary bytes to prove both at scale.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.errors import FileError
from app.importer.reading import (
    DELIMITERS,
    ENCODING_LABELS,
    FIELD_SIZE_LIMIT,
    SAMPLE_SIZE,
    detect_format,
    open_csv,
    read_preview,
)
from app.importer.records import FileFormat, SourceRow
from tests.data import samples


def read_all(
    path: Path, file_format: FileFormat | None = None
) -> tuple[tuple[str, ...], list[SourceRow]]:
    with open_csv(path, file_format) as source:
        return source.header, list(source)


def cells_of(rows: list[SourceRow]) -> list[tuple[str, ...]]:
    return [row.cells for row in rows]


# --- the sample files --------------------------------------------------------------------------


def test_excel_semicolon_cp1252_reads_umlauts_and_the_euro_sign(tmp_path: Path) -> None:
    path = samples.write_excel_semicolon_cp1252(tmp_path)
    assert detect_format(path) == FileFormat("cp1252", ";")
    header, rows = read_all(path)
    assert header == samples.GERMAN_HEADER
    assert cells_of(rows) == list(samples.GERMAN_ROWS)
    assert [(row.number, row.line, row.problem) for row in rows] == [
        (1, 2, None),
        (2, 3, None),
        (3, 4, None),
    ]


def test_utf8_with_bom_leaves_no_bom_in_the_header(tmp_path: Path) -> None:
    path = samples.write_utf8_bom(tmp_path)
    assert detect_format(path) == FileFormat("utf-8-sig", ",")
    header, rows = read_all(path)
    assert header == samples.ENGLISH_HEADER
    assert cells_of(rows) == list(samples.ENGLISH_ROWS)


def test_a_bom_read_as_plain_utf8_still_leaves_the_first_name_clean(tmp_path: Path) -> None:
    header, rows = read_all(samples.write_utf8_bom(tmp_path), FileFormat("utf-8", ","))
    assert header == samples.ENGLISH_HEADER
    assert cells_of(rows) == list(samples.ENGLISH_ROWS)


@pytest.mark.parametrize("big_endian", [False, True])
def test_utf16_unicode_text_is_tab_delimited(tmp_path: Path, big_endian: bool) -> None:
    path = samples.write_utf16_tab(tmp_path, big_endian=big_endian)
    assert detect_format(path) == FileFormat("utf-16", "\t")
    header, rows = read_all(path)
    assert header == samples.GERMAN_HEADER
    assert cells_of(rows) == list(samples.GERMAN_ROWS)


def test_pipe_delimited(tmp_path: Path) -> None:
    path = samples.write_pipe(tmp_path)
    assert detect_format(path) == FileFormat("utf-8", "|")
    header, rows = read_all(path)
    assert header == samples.ENGLISH_HEADER
    assert cells_of(rows) == list(samples.ENGLISH_ROWS)


def test_quoted_line_breaks_stay_in_their_cell_and_lines_count_physically(
    tmp_path: Path,
) -> None:
    path = samples.write_quoted_newlines(tmp_path)
    assert detect_format(path) == FileFormat("utf-8", ",")
    _, rows = read_all(path)
    assert [(row.line, row.cells) for row in rows] == list(samples.QUOTED_NEWLINES_ROWS)
    assert [row.number for row in rows] == [1, 2, 3]


def test_ragged_rows_are_padded_or_cut_and_say_so(tmp_path: Path) -> None:
    path = samples.write_ragged(tmp_path)
    assert detect_format(path) == FileFormat("utf-8", ";")
    header, rows = read_all(path)
    assert header == ("Email", "First name", "Last name", "City")
    assert [(row.number, row.line, row.cells, row.problem) for row in rows] == [
        (1, 2, ("a@example.com", "Ann", "Lee", "Oslo"), None),
        (
            2,
            3,
            ("b@example.com", "Bo", "Ek", ""),
            "Row 2 has 3 cells; the header has 4. The missing cells are read as empty.",
        ),
        (
            3,
            6,
            ("c@example.com", "Cy", "Ng", "Rome"),
            "Row 3 has 6 cells; the header has 4. Extra cells are ignored.",
        ),
        # Empty extra cells (a trailing delimiter) lose nothing, so they are no problem.
        (4, 7, ("d@example.com", "Di", "Ro", "Graz"), None),
        (
            5,
            8,
            ("e@example.com", "", "", ""),
            "Row 5 has 1 cell; the header has 4. The missing cells are read as empty.",
        ),
    ]


def test_duplicate_header_names_are_kept(tmp_path: Path) -> None:
    header, rows = read_all(samples.write_duplicate_headers(tmp_path))
    assert header == ("Email", "Phone", "Phone", "Name")
    assert cells_of(rows) == [("x@example.com", "111", "222", "X")]


def test_header_only_is_zero_rows(tmp_path: Path) -> None:
    path = samples.write_header_only(tmp_path)
    with open_csv(path) as source:
        assert source.header == ("Email", "First name", "Last name")
        assert list(source) == []
        assert source.fraction_read == 1.0


def test_header_cells_are_stripped_and_empty_lines_before_it_skipped(tmp_path: Path) -> None:
    path = tmp_path / "spaced.csv"
    path.write_bytes(b"\r\n;;\r\n Email ; Name \r\n a@example.com ; Ann \r\n")
    with open_csv(path) as source:
        assert (source.header, source.header_line) == (("Email", "Name"), 3)
        # Data cells are left as written: validation decides what white space means.
        assert [(row.line, row.cells) for row in source] == [(4, (" a@example.com ", " Ann "))]


def test_old_mac_line_ends_count_as_lines(tmp_path: Path) -> None:
    path = tmp_path / "mac.csv"
    path.write_bytes(b"Email,Name\ra@example.com,Ann\r\rb@example.com,Bo\r")
    _, rows = read_all(path)
    assert [(row.line, row.cells) for row in rows] == [
        (2, ("a@example.com", "Ann")),
        (4, ("b@example.com", "Bo")),
    ]


# --- encodings ---------------------------------------------------------------------------------


def test_latin1_when_bytes_are_undefined_in_cp1252(tmp_path: Path) -> None:
    path = samples.write_latin1(tmp_path)
    assert detect_format(path) == FileFormat("latin-1", ",")
    _, rows = read_all(path)
    assert cells_of(rows) == [("José", "a\x8db"), ("Renée", "c\x90d")]


@pytest.mark.parametrize("encoding", ["cp1252", "utf-8"])
def test_an_umlaut_beyond_the_sample_still_decides_the_encoding(
    tmp_path: Path, encoding: str
) -> None:
    path = samples.write_late_umlaut(tmp_path, encoding)
    assert path.stat().st_size > SAMPLE_SIZE
    assert detect_format(path) == FileFormat(encoding, ",")
    _, rows = read_all(path)
    assert rows[-1].cells == ("Jürgen", "Köln")


def test_plain_ascii_reads_as_utf8(tmp_path: Path) -> None:
    path = samples.write_header_only(tmp_path)
    assert detect_format(path).encoding == "utf-8"


def test_a_decoding_error_names_its_line_and_suggests_another_encoding(tmp_path: Path) -> None:
    path = samples.write_utf8_then_cp1252(tmp_path)
    assert detect_format(path) == FileFormat("utf-8", ",")
    with open_csv(path) as source, pytest.raises(FileError) as caught:
        for _ in source:
            pass
    line = f"{samples.LATE_FILLER_ROWS + 3:,}"
    assert caught.value.message == (
        f"Line {line} of the file cannot be read as UTF-8. Try another encoding, "
        f"for example {ENCODING_LABELS['cp1252']}."
    )


def test_a_wrong_encoding_chosen_by_the_user_fails_in_the_header(tmp_path: Path) -> None:
    path = samples.write_excel_semicolon_cp1252(tmp_path)
    with pytest.raises(FileError, match=r"^Line 1 of the file cannot be read as UTF-8\."):
        open_csv(path, FileFormat("utf-8", ";"))


def test_a_cp1252_file_with_undefined_bytes_suggests_utf8(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(b"Name\nAnn\nB\x81b\n")
    with pytest.raises(FileError) as caught, open_csv(path, FileFormat("cp1252", ",")) as source:
        list(source)
    assert caught.value.message.startswith("Line 3 of the file cannot be read as Windows Western")
    assert caught.value.message.endswith("for example UTF-8.")


def test_utf16_chosen_for_a_file_without_its_byte_order_mark(tmp_path: Path) -> None:
    path = samples.write_pipe(tmp_path)
    with pytest.raises(FileError, match=r"^The file cannot be read as UTF-16 \(Unicode text\)\."):
        open_csv(path, FileFormat("utf-16", "|"))


def test_a_character_cut_at_the_end_of_the_file_is_reported_on_the_last_line(
    tmp_path: Path,
) -> None:
    path = tmp_path / "cut.csv"
    path.write_bytes(b"Name\r\nAnn\r\nJ\xc3")  # the first byte of "ü" ends the file
    with pytest.raises(FileError, match=r"^Line 3 "), open_csv(path) as source:
        list(source)


def test_the_user_may_override_the_delimiter(tmp_path: Path) -> None:
    path = samples.write_utf8_bom(tmp_path)
    header, rows = read_all(path, FileFormat("utf-8-sig", ";"))
    assert header == (",".join(samples.ENGLISH_HEADER),)
    assert len(rows) == len(samples.ENGLISH_ROWS)


@pytest.mark.parametrize(
    "file_format",
    [FileFormat("no-such-codec", ","), FileFormat("utf-8", ",;"), FileFormat("utf-8", '"')],
)
def test_an_impossible_format_is_a_programming_error(
    tmp_path: Path, file_format: FileFormat
) -> None:
    with pytest.raises(ValueError, match=r"unknown encoding|unusable delimiter"):
        open_csv(samples.write_header_only(tmp_path), file_format)


# --- delimiter detection -----------------------------------------------------------------------


def test_decimal_commas_in_every_row_do_not_fool_the_semicolon(tmp_path: Path) -> None:
    path = tmp_path / "amounts.csv"
    path.write_bytes(b"Name;Amount\nAnn;1,50\nBo;2,75\nCy;3,00\n")
    assert detect_format(path).delimiter == ";"


def test_semicolons_in_a_text_column_do_not_fool_the_comma(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_bytes(b"Email,Name,Note\na@x.com,Ann,call; then mail\nb@x.com,Bo,mail; then call\n")
    assert detect_format(path).delimiter == ","


def test_quoted_delimiters_and_line_breaks_do_not_count(tmp_path: Path) -> None:
    path = tmp_path / "quoted.csv"
    path.write_bytes(b'A;B\n"x,y,z";"1\n2,3,4"\n"p,q";r\n')
    assert detect_format(path).delimiter == ";"


def test_a_single_column_defaults_to_comma(tmp_path: Path) -> None:
    path = tmp_path / "emails.csv"
    path.write_bytes(b"Email\na@example.com\nb@example.com\n")
    assert detect_format(path) == FileFormat("utf-8", ",")
    assert read_all(path)[0] == ("Email",)


def test_a_record_cut_by_the_sample_does_not_count(tmp_path: Path) -> None:
    # The last record in the sample is a quoted cell that goes on beyond it, full of commas.
    path = tmp_path / "long.csv"
    rows = "".join(f"{n};x\n" for n in range(100))
    path.write_bytes(f'A;B\n{rows}"{"a,b," * SAMPLE_SIZE}";z\n'.encode())
    assert detect_format(path).delimiter == ";"


# --- files that are no table --------------------------------------------------------------------


def test_an_empty_file(tmp_path: Path) -> None:
    path = samples.write_empty(tmp_path)
    with pytest.raises(FileError, match=r"^The file is empty\.$"):
        detect_format(path)
    with pytest.raises(FileError, match=r"^The file is empty\.$"):
        open_csv(path, FileFormat("utf-8", ","))


@pytest.mark.parametrize("bom", [codecs.BOM_UTF8, codecs.BOM_UTF16_LE])
def test_a_bom_alone_is_an_empty_file(tmp_path: Path, bom: bytes) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(bom)
    with pytest.raises(FileError, match=r"^The file is empty\.$"):
        open_csv(path)


def test_only_empty_lines_is_no_header(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_bytes(b"\r\n  \r\n,,,\r\n")
    with pytest.raises(FileError, match=r"^The file has no header row"):
        open_csv(path)


@pytest.mark.parametrize("write", [samples.write_png, samples.write_xlsx_like_zip])
def test_binary_files_are_refused(tmp_path: Path, write: Callable[[Path], Path]) -> None:
    path = write(tmp_path)
    with pytest.raises(FileError, match=r"^This file does not look like a CSV text file\."):
        detect_format(path)
    # Also when the user forces a format on it.
    with pytest.raises(FileError, match=r"^This file does not look like a CSV text file\."):
        open_csv(path, FileFormat("latin-1", ","))


def test_control_characters_without_nul_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "controls.csv"
    path.write_bytes(b"Name,Note\n" + b"\x01\x02\x03\x04\x05\x06\x07\x08" * 10 + b"\n")
    with pytest.raises(FileError, match=r"^This file does not look like a CSV text file"):
        detect_format(path)


def test_a_stray_control_character_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "stray.csv"
    path.write_bytes(b"Name,Note\n" + b"Ann,fine\n" * 20 + b"Bo,odd\x0bone\n")
    _, rows = read_all(path)
    assert rows[-1].cells == ("Bo", "odd\x0bone")


def test_utf16_without_bom_is_refused_rather_than_misread(tmp_path: Path) -> None:
    path = tmp_path / "nobom.csv"
    path.write_bytes("Email,Name\r\n".encode("utf-16-le"))
    with pytest.raises(FileError, match=r"^This file does not look like a CSV text file"):
        detect_format(path)


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileError, match=r"gone\.csv does not exist\.$"):
        detect_format(tmp_path / "gone.csv")
    with pytest.raises(FileError, match=r"gone\.csv does not exist"):
        open_csv(tmp_path / "gone.csv", FileFormat("utf-8", ","))


def test_a_folder_is_not_a_file(tmp_path: Path) -> None:
    with pytest.raises(FileError, match="is a folder, not a file"):
        detect_format(tmp_path)


def test_an_unclosed_quote_that_runs_past_the_cell_limit_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "unclosed.csv"
    path.write_bytes(b'Email,Note\na@x.com,ok\nb@x.com,"never closed\n' + b"x" * FIELD_SIZE_LIMIT)
    with open_csv(path) as source:
        rows = iter(source)
        assert next(rows).cells == ("a@x.com", "ok")
        with pytest.raises(FileError, match=r"^A cell starting on line 3 is longer than"):
            next(rows)
        assert source.fraction_read == 1.0  # closed on the error


# --- streaming, progress, previews ---------------------------------------------------------------


@pytest.fixture(scope="module")
def large_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return samples.write_customer_rows(tmp_path_factory.mktemp("large"), 100_000)


@pytest.mark.slow
def test_a_large_file_streams_in_little_memory(large_file: Path) -> None:
    # Tracing every allocation is slow, so only opening and the first tenth are traced: enough to
    # catch a file loaded whole, or rows kept (10,000 of them take far more than the limit).
    size = large_file.stat().st_size
    tracemalloc.start()
    try:
        with open_csv(large_file) as source:
            rows = iter(source)
            for _ in range(10_000):
                next(rows)
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            rest = list(rows)
    finally:
        tracemalloc.stop()
    assert peak < size / 20, f"peak {peak:,} bytes for a file of {size:,}"
    assert len(rest) == 90_000
    last = rest[-1]
    assert (last.number, last.line, last.cells) == (100_000, 100_001, samples.customer_row(100_000))


def test_the_first_row_comes_before_the_rest_is_read(large_file: Path) -> None:
    with open_csv(large_file) as source:
        assert source.header == samples.CUSTOMER_ROWS_HEADER
        rows = iter(source)
        assert next(rows).cells == samples.customer_row(1)
        assert 0 < source.bytes_read < source.size / 100
        assert source.fraction_read < 0.01
        for _ in range(49_999):
            next(rows)
        assert 0.45 < source.fraction_read < 0.55
        assert sum(1 for _ in rows) == 50_000
        assert source.fraction_read == 1.0
        assert source.bytes_read == source.size


def test_closing_early_stops_reading(large_file: Path) -> None:
    with open_csv(large_file) as source:
        rows = iter(source)
        next(rows)
        fraction = source.fraction_read
    assert source.fraction_read == fraction < 0.01
    assert list(rows) == []


def test_a_preview_reads_only_its_rows(tmp_path: Path) -> None:
    path = samples.write_customer_rows(tmp_path, 30)
    preview = read_preview(path, limit=10)
    assert preview.file_format == FileFormat("utf-8", ",")
    assert preview.header == samples.CUSTOMER_ROWS_HEADER
    assert [row.cells for row in preview.rows] == [samples.customer_row(n) for n in range(1, 11)]
    assert preview.more
    whole = read_preview(path, FileFormat("utf-8", ","), limit=30)
    assert (len(whole.rows), whole.more) == (30, False)


# --- fuzzing -----------------------------------------------------------------------------------

#: The encodings a table is written in, as programs write them.
WRITE_ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "cp1252")


def _cells(encoding: str) -> st.SearchStrategy[str]:
    """Text a cell may hold: anything printable, tabs and line breaks.

    No other control characters (their share decides "binary") and no U+FEFF, which would pass
    for a byte order mark; in cp1252 only what it can encode.
    """
    return st.text(
        st.characters(
            codec="cp1252" if encoding == "cp1252" else None,
            exclude_categories=("Cs", "Cc"),
            include_characters="\t\r\n",
            exclude_characters="\ufeff",
        ),
        max_size=8,
    )


@st.composite
def written_tables(draw: st.DrawFn) -> tuple[FileFormat, list[list[str]]]:
    encoding = draw(st.sampled_from(WRITE_ENCODINGS))
    delimiter = draw(st.sampled_from(DELIMITERS))
    width = draw(st.integers(1, 5))
    row = st.lists(_cells(encoding), min_size=width, max_size=width)
    return FileFormat(encoding, delimiter), draw(st.lists(row, min_size=1, max_size=8))


def _write_table(path: Path, file_format: FileFormat, table: list[list[str]]) -> None:
    text = io.StringIO()
    csv.writer(text, delimiter=file_format.delimiter).writerows(table)
    path.write_bytes(text.getvalue().encode(file_format.encoding))


def _blank(cells: list[str]) -> bool:
    return not "".join(cells).strip()


def _read_everything(path: Path, file_format: FileFormat | None = None) -> list[SourceRow]:
    with open_csv(path, file_format) as source:
        rows = list(source)
        width = len(source.header)
    assert [row.number for row in rows] == list(range(1, len(rows) + 1))
    assert all(len(row.cells) == width for row in rows)
    assert [row.line for row in rows] == sorted({row.line for row in rows})
    return rows


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(written=written_tables())
def test_every_row_of_a_written_table_reads_back(
    tmp_path: Path, written: tuple[FileFormat, list[list[str]]]
) -> None:
    file_format, table = written
    path = tmp_path / "table.csv"
    _write_table(path, file_format, table)
    content = [row for row in table if not _blank(row)]
    if not content:
        with pytest.raises(FileError, match=r"no header row"):
            open_csv(path, file_format)
        return
    with open_csv(path, file_format) as source:
        header, rows = source.header, list(source)
    assert header == tuple(cell.strip() for cell in content[0])
    assert [list(row.cells) for row in rows] == content[1:]
    assert all(row.problem is None for row in rows)


#: Cell text no delimiter, quote or line break is in: any split but the right one gives 1 cell.
_PLAIN_ASCII = st.characters(min_codepoint=0x20, max_codepoint=0x7E, exclude_characters=',;|"')
#: Non-ASCII text whose cp1252 bytes can never form UTF-8 (no byte 0x80-0xBF follows a lead).
_UMLAUTS = st.sampled_from("äöüÄÖÜß")


@st.composite
def plain_tables(draw: st.DrawFn) -> tuple[FileFormat, list[list[str]]]:
    encoding = draw(st.sampled_from(WRITE_ENCODINGS))
    delimiter = draw(st.sampled_from(DELIMITERS))
    if encoding == "cp1252":
        alphabet = st.one_of(_PLAIN_ASCII, _UMLAUTS)
    else:
        alphabet = st.characters(exclude_characters=',;|"\ufeff', exclude_categories=("Cs", "Cc"))
    width = draw(st.integers(2, 5))
    row = st.lists(st.text(alphabet, max_size=8), min_size=width, max_size=width)
    header = draw(row.filter(lambda cells: not _blank(cells)))
    return FileFormat(encoding, delimiter), [header, *draw(st.lists(row, max_size=8))]


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(written=plain_tables())
def test_detection_finds_the_format_of_an_unambiguous_table(
    tmp_path: Path, written: tuple[FileFormat, list[list[str]]]
) -> None:
    file_format, table = written
    path = tmp_path / "plain.csv"
    _write_table(path, file_format, table)
    detected = detect_format(path)
    assert detected.delimiter == file_format.delimiter
    rows = _read_everything(path, detected)
    assert [list(row.cells) for row in rows] == [row for row in table[1:] if not _blank(row)]


_BOMS = st.sampled_from([b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE])


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(data=st.tuples(_BOMS, st.binary(max_size=600)).map(b"".join))
def test_arbitrary_bytes_read_or_fail_with_a_file_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    with contextlib.suppress(FileError):
        _read_everything(path)


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    data=st.binary(max_size=600),
    encoding=st.sampled_from(sorted(ENCODING_LABELS)),
    delimiter=st.sampled_from(DELIMITERS),
)
def test_arbitrary_bytes_in_any_chosen_format_read_or_fail_with_a_file_error(
    tmp_path: Path, data: bytes, encoding: str, delimiter: str
) -> None:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(data)
    with contextlib.suppress(FileError):
        _read_everything(path, FileFormat(encoding, delimiter))
