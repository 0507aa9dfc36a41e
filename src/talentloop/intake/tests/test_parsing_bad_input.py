"""Bad input gets a clear ResumeParseError, and nothing else ever escapes the parser."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfWriter

from talentloop.intake.parsing import ParsedResume, ResumeParseError, parse_document, parse_text

RESUMES = Path(__file__).resolve().parents[4].parent / "shared" / "data" / "resumes"
SMALL_PDF = RESUMES / "rendercv/tests/renderer/testdata/test_pdf_png/classic_minimal.pdf"


def _refused(data: bytes, filename: str = "cv.pdf") -> str:
    with pytest.raises(ResumeParseError) as caught:
        parse_document(data, filename=filename)
    return caught.value.message


def test_empty_file() -> None:
    assert _refused(b"") == "the file is empty"
    assert _refused(b"  \n\t ") == "the file is empty"


def test_file_over_20_mb_is_refused_before_reading() -> None:
    message = _refused(b"%PDF-1.7\n" + b"0" * (20 * 1024 * 1024))
    assert "over 20 MB" in message


def test_password_protected_pdf() -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt(user_password="secret", algorithm="AES-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    assert "password-protected" in _refused(buffer.getvalue())


def test_corrupt_pdf() -> None:
    assert "damaged" in _refused(b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >>\n%%EOF")


def test_pdf_without_text() -> None:
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    buffer = io.BytesIO()
    writer.write(buffer)
    assert "no text found" in _refused(buffer.getvalue())


def test_zip_bomb_docx() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (60 * 1024 * 1024))
    data = buffer.getvalue()
    assert len(data) < 1024 * 1024
    assert "zip bomb" in _refused(data, "cv.docx")


def test_zip_that_is_not_a_word_document() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.txt", "hello")
    assert "not a Word document" in _refused(buffer.getvalue(), "cv.docx")


def test_old_word_format() -> None:
    assert "not supported" in _refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "cv.doc")


def test_binary_junk() -> None:
    assert "binary" in _refused(bytes(range(256)) * 8, "cv.bin")


def _survives(data: bytes, filename: str) -> None:
    """Either a result or a ResumeParseError with a message; any other exception fails."""
    message = ""
    try:
        result: ParsedResume | None = parse_document(data, filename=filename)
    except ResumeParseError as error:
        result, message = None, error.message
    assert isinstance(result, ParsedResume) or message


_PREFIXES = st.sampled_from([b"", b"%PDF-1.4\n", b"PK\x03\x04", b"<html><body>", b"\xef\xbb\xbf"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(prefix=_PREFIXES, body=st.binary(max_size=3000))
def test_fuzz_any_bytes(prefix: bytes, body: bytes) -> None:
    _survives(prefix + body, "fuzz.pdf")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(max_size=3000))
def test_fuzz_any_text(text: str) -> None:
    result = parse_text(text)
    assert all(0.0 <= value <= 1.0 for value in result.confidence.values())
    result.to_json_resume()


@pytest.mark.skipif(not SMALL_PDF.is_file(), reason="../shared/data/resumes absent")
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fuzz_damaged_real_pdf(data: st.DataObject) -> None:
    original = bytearray(SMALL_PDF.read_bytes())
    for _ in range(data.draw(st.integers(1, 20))):
        position = data.draw(st.integers(0, len(original) - 1))
        original[position] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(len(original) // 2, len(original)))
    _survives(bytes(original[:cut]), "damaged.pdf")


SMALL_DOCX = RESUMES / "rendercv/generated/docx/Bob_Smith_CV.docx"


@pytest.mark.skipif(not SMALL_DOCX.is_file(), reason="../shared/data/resumes absent")
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_fuzz_damaged_real_docx(data: st.DataObject) -> None:
    damaged = bytearray(SMALL_DOCX.read_bytes())
    for _ in range(data.draw(st.integers(1, 30))):
        position = data.draw(st.integers(0, len(damaged) - 1))
        damaged[position] = data.draw(st.integers(0, 255))
    _survives(bytes(damaged), "damaged.docx")
