"""Bytes in, plain text out: format sniffing, per-format extraction and the input limits."""

from __future__ import annotations

import html
import io
import logging
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from talentloop.intake.parsing.result import ResumeParseError

MAX_INPUT_BYTES = 20 * 1024 * 1024
# Why these bounds: a real resume DOCX expands to a few MB at most; a zip bomb is caught
# from its directory before anything is inflated, and again while reading in chunks.
MAX_DOCX_EXPANDED = 50 * 1024 * 1024
MAX_DOCX_RATIO = 200
MAX_PDF_PAGES = 50

_TEXT_ENCODINGS = ("utf-8", "cp1252")
MAX_LINK_URIS = 200


@dataclass
class Extracted:
    kind: str  # "pdf", "docx", "html" or "text"
    text: str
    link_uris: list[str] = field(default_factory=list)  # link targets not shown as text


# pypdf logs every malformed object it recovers from; that is noise for a resume parser.
logging.getLogger("pypdf").setLevel(logging.ERROR)


def sniff_format(data: bytes, filename: str) -> str:
    """'pdf', 'docx', 'html' or 'text', from the bytes first and the name second."""
    head = data[:1024].lstrip()
    if data[:1024].find(b"%PDF-") != -1:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    if data.startswith((b"\xd0\xcf\x11\xe0", b"{\\rtf")):
        raise ResumeParseError(
            "old Word (.doc) and RTF files are not supported: save as PDF or DOCX"
        )
    lowered = head[:512].lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<body" in lowered:
        return "html"
    if filename.lower().endswith((".html", ".htm")):
        return "html"
    return "text"


def extract_text(data: bytes, *, filename: str) -> Extracted:
    """The text of a document, or ResumeParseError saying why it cannot be read."""
    if not data or not data.strip():
        raise ResumeParseError("the file is empty")
    if len(data) > MAX_INPUT_BYTES:
        size_mb = len(data) / (1024 * 1024)
        raise ResumeParseError(f"the file is {size_mb:.0f} MB; resumes over 20 MB are refused")
    kind = sniff_format(data, filename)
    if kind == "pdf":
        text, uris = _pdf_text(data)
    else:
        readers = {"docx": _docx_text, "html": _html_text, "text": _plain_text}
        text, uris = readers[kind](data), []
    if not text.strip():
        raise ResumeParseError(f"no text found in this {kind.upper()} file (a scanned image?)")
    return Extracted(kind=kind, text=text, link_uris=uris)


# --- PDF --------------------------------------------------------------------------------------


def _pdf_text(data: bytes) -> tuple[str, list[str]]:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ResumeParseError("the PDF is password-protected; upload an unprotected copy")
        pages = reader.pages
        if len(pages) > MAX_PDF_PAGES:
            raise ResumeParseError(f"the PDF has {len(pages)} pages; a resume has at most 50")
        text = "\n".join(_page_text(page) for page in pages)
        return text, _link_uris(pages)
    except ResumeParseError:
        raise
    except PyPdfError as error:
        raise ResumeParseError(f"the PDF is damaged and cannot be read ({error})") from None
    except Exception as error:
        # Why so broad: a malformed PDF makes pypdf fail deep inside with whatever its
        # parser met (zlib.error, KeyError, RecursionError, ...); to the caller every one
        # of them means the same thing, a damaged file.
        kind = type(error).__name__
        raise ResumeParseError(f"the PDF is damaged and cannot be read ({kind})") from None


def _link_uris(pages: Any) -> list[str]:
    uris: list[str] = []
    for page in pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A") or {}
            uri = action.get("/URI") if hasattr(action, "get") else None
            if isinstance(uri, str) and uri not in uris:
                uris.append(uri)
            if len(uris) >= MAX_LINK_URIS:
                return uris
    return uris


def _page_text(page: object) -> str:
    from talentloop.intake.parsing.layout import page_text

    return page_text(page)


# --- DOCX -------------------------------------------------------------------------------------


def _docx_text(data: bytes) -> str:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        raise ResumeParseError("the file looks like a DOCX (zip) but is damaged") from None
    with archive:
        _check_zip_expansion(archive, compressed_size=len(data))
        if "word/document.xml" not in archive.namelist():
            raise ResumeParseError("the zip file is not a Word document (no word/document.xml)")
        from talentloop.intake.parsing.docx_text import document_text

        parts = [_read_member(archive, name) for name in _docx_parts(archive)]
    return document_text(parts)


def _docx_parts(archive: zipfile.ZipFile) -> list[str]:
    names = archive.namelist()
    headers = sorted(n for n in names if re.fullmatch(r"word/header\d*\.xml", n))
    return [*headers, "word/document.xml"]


def _check_zip_expansion(archive: zipfile.ZipFile, *, compressed_size: int) -> None:
    total = sum(max(info.file_size, 0) for info in archive.infolist())
    if total > MAX_DOCX_EXPANDED or total > MAX_DOCX_RATIO * max(compressed_size, 1) + 1024 * 1024:
        raise ResumeParseError("the DOCX expands to far more data than a resume holds (zip bomb?)")


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    # Why chunked: the sizes in the zip directory are claims; count what actually inflates.
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(name) as member:
            while chunk := member.read(1024 * 1024):
                size += len(chunk)
                if size > MAX_DOCX_EXPANDED:
                    raise ResumeParseError("the DOCX expands to far more data than a resume holds")
                chunks.append(chunk)
    except RuntimeError:  # what zipfile raises for an encrypted member
        raise ResumeParseError(
            "the DOCX is password-protected; upload an unprotected copy"
        ) from None
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError):
        raise ResumeParseError("the DOCX is damaged and cannot be read") from None
    return b"".join(chunks)


# --- HTML and plain text ----------------------------------------------------------------------

_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "tr",
        "td",
        "th",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "header",
        "footer",
        "table",
        "title",
        "dt",
        "dd",
        "blockquote",
        "pre",
        "hr",
    ]
)


class _HtmlText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "head"}:
            self._skip += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")
        if tag == "a":
            href = dict(attrs).get("href") or ""
            if href.startswith(("http://", "https://", "mailto:", "tel:")):
                self.parts.append(f" {href.removeprefix('mailto:').removeprefix('tel:')} ")

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "head"}:
            self._skip = max(self._skip - 1, 0)
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _html_text(data: bytes) -> str:
    parser = _HtmlText()
    try:
        parser.feed(_decode(data))
        parser.close()
    except (ValueError, AssertionError):
        raise ResumeParseError("the HTML file cannot be read") from None
    return html.unescape("".join(parser.parts))


_MD_LINK = re.compile(r"\[([^\]\n]*)\]\(([^)\s]*)\)")
_MD_HEADING = re.compile(r"^#{1,6}\s+", re.MULTILINE)
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")


def _plain_text(data: bytes) -> str:
    text = _decode(data)
    controls = sum(1 for char in text[:20000] if ord(char) < 32 and char not in "\t\n\r\f")
    if controls > len(text[:20000]) // 20:
        raise ResumeParseError("the file is binary, not a PDF, DOCX, HTML or text resume")
    # Markdown: keep link targets (they hold profile URLs) and drop heading marks.
    text = _MD_LINK.sub(lambda m: f"{m.group(1)} {m.group(2).removeprefix('mailto:')}", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    return _MD_HEADING.sub("", text)


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    for encoding in _TEXT_ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")
