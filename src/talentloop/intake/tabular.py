"""Streaming readers for CSV and XLSX: whole-file problems raise TableError, row ones ride along.

A table is read twice: once to learn its shape (encoding, delimiter, header, a row estimate),
then row by row while importing, so memory stays flat whatever the file's size.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

OpenBinary = Callable[[], IO[bytes]]
_CHUNK = 1024 * 1024
_SAMPLE_CHARS = 64 * 1024
_DELIMITERS = ",;\t|"
# Why these limits: a genuine spreadsheet compresses maybe 10:1; a zip bomb compresses
# thousands to one and would fill memory or disk while being "read".
MAX_UNZIPPED_BYTES = 1024 * 1024 * 1024
MAX_ZIP_RATIO = 200


class TableError(ValueError):
    """The whole file cannot be read; the message is safe to show and says what to do."""


@dataclass(frozen=True)
class Row:
    """One record: where it is, its cells, and a problem if the row itself is malformed."""

    locator: str
    cells: list[Any]
    problem: str = ""


@dataclass(frozen=True)
class TableShape:
    headers: list[str]
    encoding: str
    delimiter: str
    estimated_rows: int


# --- CSV ----------------------------------------------------------------------------------------


def inspect_csv(open_binary: OpenBinary) -> TableShape:
    """Find the encoding (whole file checked), the delimiter and the header row."""
    encoding, lines = _detect_encoding(open_binary)
    with _text(open_binary, encoding) as text:
        sample = text.read(_SAMPLE_CHARS)
    first_line = sample.split("\n", 1)[0]
    delimiter = max(_DELIMITERS, key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ","
    headers = next(csv.reader(io.StringIO(sample), delimiter=delimiter), None)
    if not headers or not any(cell.strip() for cell in headers):
        raise TableError("the first line is blank: the file needs a header row naming the columns")
    clean_headers = [" ".join(cell.split())[:200] for cell in headers]
    return TableShape(clean_headers, encoding, delimiter, max(lines - 1, 0))


def _detect_encoding(open_binary: OpenBinary) -> tuple[str, int]:
    """UTF-8 (with or without BOM) or UTF-16 by BOM; else Windows-1252, else Latin-1."""
    with open_binary() as stream:
        head = stream.read(_CHUNK)
        if not head.strip(b" \t\r\n\xef\xbb\xbf"):
            raise TableError("the file is empty")
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16", _count_lines(head, stream)
        if b"\x00" in head:
            raise TableError(
                "this is not a text file (it holds binary data): for a spreadsheet, "
                "choose XLSX, or save it as CSV first"
            )
        stream.seek(0)
        candidates = ["utf-8-sig", "cp1252"]
        decoders = {name: codecs.getincrementaldecoder(name)() for name in candidates}
        lines, last = 0, b""
        while chunk := stream.read(_CHUNK):
            lines += chunk.count(b"\n")
            last = chunk
            for name in list(candidates):
                try:
                    decoders[name].decode(chunk)
                except UnicodeDecodeError:
                    candidates.remove(name)
        for name in list(candidates):
            try:
                decoders[name].decode(b"", final=True)
            except UnicodeDecodeError:
                candidates.remove(name)
    encoding = candidates[0] if candidates else "latin-1"
    # Why +1 without a final newline: the last line still holds a record.
    return encoding, lines + (0 if last.endswith(b"\n") else 1)


def _count_lines(head: bytes, stream: IO[bytes]) -> int:
    newline = b"\n\x00" if head.startswith(codecs.BOM_UTF16_LE) else b"\x00\n"
    lines = head.count(newline)
    while chunk := stream.read(_CHUNK):
        lines += chunk.count(newline)
    return lines + 1


@contextmanager
def _text(open_binary: OpenBinary, encoding: str) -> Iterator[IO[str]]:
    with open_binary() as stream:
        # Why newline="": the csv module handles line endings itself, including inside quotes.
        yield io.TextIOWrapper(stream, encoding=encoding, newline="", errors="strict")


def read_csv(open_binary: OpenBinary, shape: TableShape) -> Iterator[Row]:
    """Yield every data row after the header; a row the parser chokes on carries a problem."""
    width = len(shape.headers)
    with _text(open_binary, shape.encoding) as text:
        # Why strict: a quote left open at the end of the file is an error, not a giant cell.
        reader = csv.reader(text, delimiter=shape.delimiter, strict=True)
        if next(reader, None) is None:
            return
        number = 1
        while True:
            number += 1
            locator = f"row {number}"
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error:
                problem = "this row cannot be read: a quote is never closed or is misplaced"
                yield Row(locator, [], problem)
                continue
            if not any(cell.strip() for cell in cells):
                continue
            yield Row(locator, cells, _width_problem(cells, width))


def _width_problem(cells: list[str], width: int) -> str:
    extra = [cell for cell in cells[width:] if cell.strip()]
    if extra:
        return (
            f"this row has {len(cells)} cells but the header names {width} "
            "(a stray quote or an unquoted delimiter?)"
        )
    return ""


# --- XLSX ---------------------------------------------------------------------------------------


def check_zip(stream: IO[bytes], *, what: str) -> zipfile.ZipFile:
    """Open a zip, refusing what is not one and what would expand absurdly (a zip bomb)."""
    try:
        archive = zipfile.ZipFile(stream)
    except (zipfile.BadZipFile, OSError):
        raise TableError(f"this is not a valid {what} file (it is not a readable zip)") from None
    members = archive.infolist()
    unpacked = sum(member.file_size for member in members)
    packed = sum(member.compress_size for member in members) or 1
    if unpacked > MAX_UNZIPPED_BYTES or (unpacked > _CHUNK and unpacked / packed > MAX_ZIP_RATIO):
        archive.close()
        raise TableError(
            f"this {what} would expand to {unpacked // _CHUNK:,} MB when unpacked; "
            "it is refused as a possible zip bomb"
        )
    return archive


def inspect_xlsx(open_binary: OpenBinary) -> TableShape:
    """Check the archive, then read the first sheet's header row."""
    with open_binary() as stream:
        if not stream.read(4):
            raise TableError("the file is empty")
        stream.seek(0)
        check_zip(stream, what="XLSX").close()
    with _workbook(open_binary) as sheet:
        first = next(sheet.iter_rows(values_only=True), None)
        estimated = (sheet.max_row or 1) - 1
    if first is None or not any(_cell_text(cell) for cell in first):
        raise TableError("the first row is blank: the sheet needs a header row naming the columns")
    headers = [_cell_text(cell)[:200] for cell in first]
    return TableShape(headers, "", "", max(estimated, 0))


@contextmanager
def _workbook(open_binary: OpenBinary) -> Iterator[Any]:
    from openpyxl import load_workbook

    with open_binary() as stream:
        try:
            book = load_workbook(stream, read_only=True, data_only=True)
        except Exception as error:  # openpyxl raises many types for a broken workbook
            raise TableError(f"this workbook cannot be read ({type(error).__name__})") from None
        try:
            if book.active is None:
                raise TableError("the workbook has no sheets")
            yield book.active
        finally:
            book.close()


def read_xlsx(open_binary: OpenBinary, shape: TableShape) -> Iterator[Row]:
    """Yield the first sheet's rows after the header, cells as text."""
    with _workbook(open_binary) as sheet:
        rows = sheet.iter_rows(values_only=True)
        next(rows, None)
        for number, values in enumerate(rows, start=2):
            cells = [_cell_text(value) for value in values]
            if any(cells):
                yield Row(f"row {number}", cells)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
