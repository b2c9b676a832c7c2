"""Reading CSV files: encoding and delimiter detection, then the rows one at a time.

Owns how a file's bytes become a header and :class:`~app.importer.records.SourceRow` s. The
format (encoding and delimiter) is guessed from a sample of the file (:func:`detect_format`), shown
to the user, and may be overridden; :func:`open_csv` then streams the rows through the ``csv``
module, so a file of 100,000 rows never sits in memory. Every way a file can fail to be a table
(missing, empty, binary, another encoding) ends in a :class:`~app.errors.FileError` whose message
says what to do.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, Self

from app.errors import FileError
from app.importer.records import FileFormat, SourceRow

#: A path as callers hold it.
StrPath = str | os.PathLike[str]

#: Bytes of the file's start that detection looks at.
SAMPLE_SIZE = 64 * 1024
#: The delimiters detection chooses from, in order of preference when the evidence ties.
DELIMITERS: tuple[str, ...] = (",", ";", "\t", "|")
#: File name endings of the files an import takes (dropped, chosen, or named on a command line).
IMPORT_SUFFIXES: tuple[str, ...] = (".csv", ".tsv", ".txt")
#: Words for the delimiters, for the format shown to the user.
DELIMITER_LABELS: Mapping[str, str] = {
    ",": "Comma",
    ";": "Semicolon",
    "\t": "Tab",
    "|": "Pipe",
}
#: The encodings detection answers with, and words for them; offered for overriding too.
ENCODING_LABELS: Mapping[str, str] = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8 with BOM",
    "utf-16": "UTF-16 (Unicode text)",
    "cp1252": "Windows Western (cp1252)",
    "latin-1": "Latin-1 (ISO 8859-1)",
}
#: The longest cell read, in characters. Far beyond any real cell (a spreadsheet holds 32,767),
#: but it bounds the memory a quote mark that never closes can take: it turns the rest of the
#: file into one cell.
FIELD_SIZE_LIMIT = 1024 * 1024
#: Rows a preview shows.
PREVIEW_ROWS = 100

#: Share of control characters above which a sample is taken for binary data, not text.
_MAX_CONTROL_SHARE = 0.01
#: Share of a sample's records that must have the same number of cells for a delimiter to count
#: as consistent (a few ragged rows are allowed).
_MIN_CONSISTENCY = 0.9
#: Control characters no text table holds (tab, line feed and carriage return are fine).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NON_ASCII_BYTE = re.compile(b"[\x80-\xff]")
#: Bytes cp1252 leaves undefined; a file using them is Latin-1 (which defines every byte).
_CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
_NOT_TEXT = (
    "This file does not look like a CSV text file. If it is a spreadsheet, save it as CSV "
    "(File > Save As > CSV) first."
)


def detect_format(path: StrPath) -> FileFormat:
    """Guess how a file is written: its encoding and its delimiter.

    The encoding comes from a byte order mark (UTF-8 or UTF-16), else from whether the first
    64 KiB are valid UTF-8, else it is cp1252 (Excel's Western Windows encoding), or Latin-1 when
    the bytes use positions cp1252 leaves undefined. When the first 64 KiB are plain ASCII, the
    first non-ASCII bytes further on decide instead: a German file's first umlaut may come
    thousands of rows in. The delimiter is the one of :data:`DELIMITERS` that splits the sample's
    records (quotes and quoted line breaks respected) into the same number of cells, more than
    one, most consistently; comma when none does.

    Args:
        path: the file.

    Returns:
        The format to show the user and to pass to :func:`open_csv`.

    Raises:
        FileError: if the file is missing or unreadable, empty, or not text.
    """
    file_path = Path(path)
    with _open_binary(file_path) as file:
        sample = file.read(SAMPLE_SIZE)
        truncated = bool(file.peek(1))
        bom_encoding = _bom_encoding(sample)
        # Delimiters, quotes and line breaks are ASCII, and no byte of a UTF-8 or cp1252
        # character is, so Latin-1 (one character per byte, never failing) reads the structure
        # of any 8-bit file correctly; only UTF-16 needs its own decoding.
        text = _decode_sample(sample, bom_encoding or "latin-1", truncated=truncated)
        _check_text(text)
        encoding = bom_encoding or _eight_bit_encoding(sample, file)
    return FileFormat(encoding=encoding, delimiter=_detect_delimiter(text, truncated=truncated))


def open_csv(path: StrPath, file_format: FileFormat | None = None) -> CsvSource:
    """Open a CSV file for reading its rows; use it as a context manager.

    Args:
        path: the file.
        file_format: how to read it; detected with :func:`detect_format` when None.

    Returns:
        The open file, its header already read.

    Raises:
        FileError: if the file is missing or unreadable, empty, not text, has no header row, or
            its header is not in the format's encoding.
        ValueError: if the format names an unknown encoding or an unusable delimiter.
    """
    file_path = Path(path)
    return CsvSource(file_path, file_format or detect_format(file_path))


@dataclass(frozen=True)
class Preview:
    """The start of a file, for showing it before an import.

    Attributes:
        file_format: the format the rows were read with.
        header: the header's cells.
        rows: up to the preview's limit of data rows.
        more: whether rows follow beyond those.
    """

    file_format: FileFormat
    header: tuple[str, ...]
    rows: tuple[SourceRow, ...]
    more: bool


def read_preview(
    path: StrPath, file_format: FileFormat | None = None, *, limit: int = PREVIEW_ROWS
) -> Preview:
    """The header and the first ``limit`` data rows of a file (detecting its format if None).

    Raises:
        FileError: as :func:`open_csv`, and for a decoding error within the rows read.
    """
    with open_csv(path, file_format) as source:
        rows = iter(source)
        first = tuple(row for _, row in zip(range(limit), rows, strict=False))
        more = next(rows, None) is not None
        return Preview(source.file_format, source.header, first, more)


class CsvSource:
    """An open CSV file: its header, then its data rows one at a time, read lazily.

    Iterating gives :class:`~app.importer.records.SourceRow` s numbered from 1. Lines that hold
    nothing but white space and delimiters are skipped (a spreadsheet writes ``;;;;`` for a
    formatted empty row); they are not rows. A row with more cells than the header is cut (with a
    problem noted unless the extra cells are empty), one with fewer is padded with ``""`` (with a
    problem noted). The source is a single pass: a second loop continues where the first
    stopped. The file is closed when the rows are exhausted, on an error, or on :meth:`close`.

    Attributes:
        path: the file.
        file_format: how it is read.
        size: the file's size in bytes when opened.
        header: the first non-empty record's cells, white space stripped; duplicate names are
            kept as they are.
        header_line: the file line the header is on (1 unless empty lines come first).
    """

    def __init__(self, path: Path, file_format: FileFormat) -> None:
        _check_format(file_format)
        self.path = path
        self.file_format = file_format
        self._binary = _open_binary(path)
        self._position_at_close = 0
        try:
            self.size = os.fstat(self._binary.fileno()).st_size
            sample = self._binary.read(SAMPLE_SIZE)
            _check_text(
                _decode_sample(sample, file_format.encoding, truncated=bool(self._binary.peek(1)))
            )
            self._binary.seek(0)
            self._text = io.TextIOWrapper(
                self._binary, encoding=file_format.encoding, errors="strict", newline=""
            )
            # The limit is process-wide; never lower one something else raised further.
            csv.field_size_limit(max(csv.field_size_limit(), FIELD_SIZE_LIMIT))
            self._reader = csv.reader(self._text, delimiter=file_format.delimiter)
            self.header_line, self.header = self._read_header()
        except BaseException:
            self.close()
            raise
        self._rows = self._read_rows()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __iter__(self) -> Iterator[SourceRow]:
        return self._rows

    @property
    def bytes_read(self) -> int:
        """Bytes read from the file so far (in steps of a few KiB); cheap to call."""
        if self._binary.closed:
            return self._position_at_close
        return self._binary.tell()

    @property
    def fraction_read(self) -> float:
        """How much of the file has been read, from 0.0 to 1.0, for a progress bar."""
        if self.size <= 0:
            return 1.0
        return min(self.bytes_read / self.size, 1.0)

    def close(self) -> None:
        """Close the file; rows not yet read are not read any more."""
        if not self._binary.closed:
            self._position_at_close = self._binary.tell()
            self._binary.close()

    def _read_header(self) -> tuple[int, tuple[str, ...]]:
        line = 0
        try:
            for record in self._reader:
                start, line = line + 1, self._reader.line_num
                if "".join(record).strip():
                    # Read as "utf-8" instead of "utf-8-sig", a BOM sticks to the first name.
                    cells = [cell.strip() for cell in record]
                    cells[0] = cells[0].lstrip("\ufeff").strip()
                    return start, tuple(cells)
        except UnicodeError as error:
            raise self._decode_error() from error
        except csv.Error as error:
            raise _cell_too_long(line + 1) from error
        except OSError as error:
            raise _read_error(self.path, error) from error
        raise FileError(
            "The file has no header row: every line is empty. The first row must name the "
            "columns (Email, First name, ...).",
            detail=str(self.path),
        )

    def _read_rows(self) -> Iterator[SourceRow]:
        reader = self._reader
        width = len(self.header)
        line = self.header_line
        number = 0
        try:
            for record in reader:
                start, line = line + 1, reader.line_num
                # Cheap test first: most rows start with a non-blank cell.
                if not (record and (record[0].strip() or "".join(record).strip())):
                    continue
                number += 1
                count = len(record)
                if count == width:
                    yield SourceRow(number, start, tuple(record))
                elif count > width:
                    extra = "".join(record[width:]).strip()
                    problem = _ragged(number, count, width, "Extra cells are ignored.")
                    yield SourceRow(
                        number, start, tuple(record[:width]), problem if extra else None
                    )
                else:
                    padded = (*record, *([""] * (width - count)))
                    problem = _ragged(number, count, width, "The missing cells are read as empty.")
                    yield SourceRow(number, start, padded, problem)
        except UnicodeError as error:
            raise self._decode_error() from error
        except csv.Error as error:
            raise _cell_too_long(line + 1) from error
        except OSError as error:
            raise _read_error(self.path, error) from error
        except ValueError:
            if self._binary.closed:  # closed while the rows were being read: no more rows
                return
            raise
        finally:
            self.close()

    def _decode_error(self) -> FileError:
        encoding = self.file_format.encoding
        line = _line_of_decode_error(self.path, encoding)
        label = ENCODING_LABELS.get(encoding, encoding)
        hint = ENCODING_LABELS[
            "utf-8" if codecs.lookup(encoding).name in _WINDOWS_CODECS else "cp1252"
        ]
        return FileError(
            f"Line {line:,} of the file cannot be read as {label}. Try another encoding, "
            f"for example {hint}.",
            detail=f"{self.path}: decoding as {encoding} failed",
        )


#: Codec names (as :func:`codecs.lookup` spells them) for which UTF-8 is the likelier fix.
_WINDOWS_CODECS = frozenset({"cp1252", "iso8859-1"})


def _ragged(number: int, count: int, width: int, consequence: str) -> str:
    cells = "cell" if count == 1 else "cells"
    return f"Row {number} has {count} {cells}; the header has {width}. {consequence}"


def _cell_too_long(line: int) -> FileError:
    return FileError(
        f"A cell starting on line {line:,} is longer than {FIELD_SIZE_LIMIT:,} characters. "
        "Usually a quote mark that never closes turns the rest of the file into one cell: "
        "check the quotes near that line.",
    )


def _check_format(file_format: FileFormat) -> None:
    try:
        codecs.lookup(file_format.encoding)
    except LookupError:
        raise ValueError(f"unknown encoding {file_format.encoding!r}") from None
    if len(file_format.delimiter) != 1 or file_format.delimiter in '"\r\n':
        raise ValueError(f"unusable delimiter {file_format.delimiter!r}")


def _open_binary(path: Path) -> io.BufferedReader:
    try:
        return open(path, "rb")  # the caller closes it
    except OSError as error:
        raise _read_error(path, error) from error


def _read_error(path: Path, error: OSError) -> FileError:
    """The message for a file the system would not let us read."""
    if isinstance(error, FileNotFoundError):
        message = f"{path} does not exist."
    elif isinstance(error, IsADirectoryError):
        message = f"{path.name} is a folder, not a file. Choose a CSV file."
    elif isinstance(error, PermissionError):
        message = (
            f"You may not read {path.name}. If another program has it open, close it; "
            "otherwise copy the file somewhere you can read it."
        )
    else:
        message = f"{path.name} could not be read: {error.strerror or error}."
    return FileError(message, detail=f"{path}: {error}")


def _bom_encoding(sample: bytes) -> str | None:
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


def _decode_sample(sample: bytes, encoding: str, *, truncated: bool) -> str:
    """The sample as text, tolerating a character cut at its end; bad bytes become U+FFFD.

    Bad bytes are not an error here: reading the file reports them with their line.

    Raises:
        FileError: if the encoding cannot even start (UTF-16 without a byte order mark).
    """
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    try:
        return decoder.decode(sample, final=not truncated)
    except UnicodeError as error:
        label = ENCODING_LABELS.get(encoding, encoding)
        raise FileError(
            f"The file cannot be read as {label}. Choose another encoding and read it again.",
            detail=str(error),
        ) from error


def _check_text(text: str) -> None:
    """Refuse a sample that is empty or holds what no text table holds."""
    if not text:
        raise FileError("The file is empty.")
    controls = len(_CONTROL.findall(text))
    if "\x00" in text or controls > len(text) * _MAX_CONTROL_SHARE:
        raise FileError(_NOT_TEXT, detail=f"{controls} control characters in the sample")


def _eight_bit_encoding(sample: bytes, rest: BinaryIO) -> str:
    """UTF-8, cp1252 or Latin-1, from the sample or, if it is ASCII, the first non-ASCII bytes."""
    window = _first_non_ascii(rest) if sample.isascii() else sample
    if window is None:
        return "utf-8"  # nothing but ASCII, which UTF-8 reads as well as any
    try:
        # Not final: the window may end inside a character.
        codecs.getincrementaldecoder("utf-8")().decode(window, final=False)
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    if any(byte in window for byte in _CP1252_UNDEFINED):
        return "latin-1"
    return "cp1252"


def _first_non_ascii(file: BinaryIO) -> bytes | None:
    """A sample starting at the file's next non-ASCII byte, or None when there is none."""
    while chunk := file.read(SAMPLE_SIZE):
        found = _NON_ASCII_BYTE.search(chunk)
        if found is not None:
            return chunk[found.start() :] + file.read(found.start())
    return None


def _detect_delimiter(text: str, *, truncated: bool) -> str:
    """The delimiter that splits the sample's records most consistently; comma if none does.

    A delimiter is consistent when its header splits into the most common number of cells and
    at least 90 % of the records do too; among consistent ones, more cells win (a stray comma in
    every row of a semicolon file gives fewer columns than the semicolons do).
    """
    best = DELIMITERS[0]
    best_key: tuple[bool, int, float, int, int] | None = None
    for preference, delimiter in enumerate(DELIMITERS):
        widths = [
            len(record)
            for record in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
            if record
        ]
        if truncated and len(widths) > 1:
            widths.pop()  # the sample cut the last record short
        if not widths:
            continue
        width, matching = Counter(widths).most_common(1)[0]
        if width < 2:
            continue
        consistency = matching / len(widths)
        consistent = widths[0] == width and consistency >= _MIN_CONSISTENCY
        key = (consistent, width if consistent else 0, consistency, width, -preference)
        if best_key is None or key > best_key:
            best, best_key = delimiter, key
    return best


def _line_of_decode_error(path: Path, encoding: str) -> int:
    """The file line holding the first bytes ``encoding`` cannot decode.

    Only called after a decoding error, so reading the file a second time costs nothing in the
    usual case. The text reader decodes ahead in blocks, so its own line count cannot say.
    """
    decoder = codecs.getincrementaldecoder(encoding)()
    lines = 1
    after_cr = False
    with _open_binary(path) as file:
        while chunk := file.read(SAMPLE_SIZE):
            state = decoder.getstate()
            try:
                text = decoder.decode(chunk)
            except UnicodeError as error:
                # Decode the good part again, from the state before this chunk; its start may be
                # a few bytes off (a buffered sequence, a BOM), so never fail on it. A UTF-16
                # stream without a byte order mark fails before any character.
                decoder.setstate(state)
                decoder.errors = "replace"
                failed_at = error.start if isinstance(error, UnicodeDecodeError) else 0
                good = max(failed_at - len(state[0]), 0)
                return lines + _line_breaks(decoder.decode(chunk[:good]), after_cr=after_cr)
            lines += _line_breaks(text, after_cr=after_cr)
            after_cr = text.endswith("\r") or (after_cr and not text)
    return lines  # only the end of the file is left: a character cut short there


def _line_breaks(text: str, *, after_cr: bool) -> int:
    """Line breaks in ``text`` as the reader counts them (CR LF, CR, LF)."""
    breaks = text.count("\n") + text.count("\r") - text.count("\r\n")
    return breaks - 1 if after_cr and text.startswith("\n") else breaks
