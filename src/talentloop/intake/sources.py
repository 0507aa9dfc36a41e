"""A batch's source kind picks its reader; every reader yields PersonDrafts one at a time."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from talentloop.intake import tabular
from talentloop.intake.domain import row_to_draft
from talentloop.intake.models import SourceKind
from talentloop.intake.records import PersonDraft
from talentloop.intake.tabular import OpenBinary, TableError, TableShape

TABULAR_KINDS = frozenset({SourceKind.CSV.value, SourceKind.XLSX.value})
# Readers of whole documents: each module exposes read(data: bytes) -> list[PersonDraft].
FORMAT_MODULES = {
    SourceKind.VCARD.value: "talentloop.intake.formats.vcard",
    SourceKind.JSON_RESUME.value: "talentloop.intake.formats.jsonresume",
    SourceKind.GREENHOUSE.value: "talentloop.intake.formats.greenhouse",
    SourceKind.LEVER.value: "talentloop.intake.formats.lever",
}
_EXTENSIONS = {
    ".csv": SourceKind.CSV,
    ".tsv": SourceKind.CSV,
    ".txt": SourceKind.CSV,
    ".xlsx": SourceKind.XLSX,
    ".vcf": SourceKind.VCARD,
    ".vcard": SourceKind.VCARD,
    ".json": SourceKind.JSON_RESUME,
    ".zip": SourceKind.RESUMES,
    ".pdf": SourceKind.RESUMES,
    ".docx": SourceKind.RESUMES,
}
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024


def format_reader(kind: str) -> Callable[[bytes], list[PersonDraft]] | None:
    """The reader module's `read`, or None while that format is not installed."""
    try:
        module = importlib.import_module(FORMAT_MODULES[kind])
    except (KeyError, ImportError):
        return None
    reader: Callable[[bytes], list[PersonDraft]] | None = getattr(module, "read", None)
    return reader


def resumes_available() -> bool:
    try:
        importlib.import_module("talentloop.intake.parsing")
    except ImportError:
        return False
    return True


def available_kinds() -> list[SourceKind]:
    """The kinds this installation can read, in the order the upload form offers them."""
    kinds = [SourceKind.CSV, SourceKind.XLSX]
    kinds += [SourceKind(kind) for kind in FORMAT_MODULES if format_reader(kind) is not None]
    if resumes_available():
        kinds.append(SourceKind.RESUMES)
    return kinds


def guess_kind(file_name: str) -> SourceKind:
    suffix = "." + file_name.lower().rsplit(".", 1)[-1] if "." in file_name else ""
    return _EXTENSIONS.get(suffix, SourceKind.CSV)


def inspect(kind: str, open_binary: OpenBinary) -> TableShape:
    """Read a file's shape; TableError for anything wrong with the file as a whole."""
    if kind == SourceKind.CSV:
        return tabular.inspect_csv(open_binary)
    if kind == SourceKind.XLSX:
        return tabular.inspect_xlsx(open_binary)
    drafts = read_document(kind, open_binary)
    return TableShape([], "", "", len(drafts))


def read_document(kind: str, open_binary: OpenBinary) -> list[PersonDraft]:
    reader = format_reader(kind)
    if reader is None:
        raise TableError(f"{SourceKind(kind).label} files cannot be imported yet")
    with open_binary() as stream:
        data = stream.read(MAX_DOCUMENT_BYTES + 1)
    if len(data) > MAX_DOCUMENT_BYTES:
        raise TableError(f"the file is larger than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB")
    from talentloop.intake.formats.base import FormatError

    try:
        return reader(data)
    except FormatError as error:
        raise TableError(str(error)) from None


def drafts(
    kind: str,
    open_binary: OpenBinary,
    shape: TableShape,
    mapping: Mapping[str, str],
    external_system: str,
) -> Iterator[PersonDraft]:
    """Every record of the file as a draft, read lazily for tables."""
    if kind not in TABULAR_KINDS:
        yield from read_document(kind, open_binary)
        return
    read = tabular.read_csv if kind == SourceKind.CSV else tabular.read_xlsx
    for row in read(open_binary, shape):
        draft = row_to_draft(
            row.cells, mapping, locator=row.locator, external_system=external_system
        )
        if row.problem:
            draft.refuse("row", row.problem)
        yield draft


def sample_rows(
    kind: str, open_binary: OpenBinary, shape: TableShape, limit: int = 3
) -> list[list[Any]]:
    """The first few rows' cells, for the mapping screen's examples (never stored)."""
    if kind not in TABULAR_KINDS:
        return []
    read = tabular.read_csv if kind == SourceKind.CSV else tabular.read_xlsx
    rows: list[list[Any]] = []
    for row in read(open_binary, shape):
        rows.append(row.cells)
        if len(rows) >= limit:
            break
    return rows
