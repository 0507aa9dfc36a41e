"""The fast content-stream reader gives exactly pypdf's operations, or declines."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from pypdf.generic import ContentStream

from talentloop.intake.parsing.content_ops import operations
from talentloop.intake.parsing.layout import lean_content

RESUMES = Path(__file__).resolve().parents[5] / "shared" / "data" / "resumes"


def _shape(value: Any) -> Any:
    """A comparable picture of a pypdf object: its type and value, all the way down."""
    if isinstance(value, dict):
        return type(value).__name__, {key: _shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return type(value).__name__, [_shape(item) for item in value]
    return type(value).__name__, value


def _pypdf(data: bytes) -> list[Any] | None:
    stream = ContentStream(None, None, "bytes")
    stream.set_data(data)
    try:
        return [(_shape(operands), operator) for operands, operator in stream.operations]
    except Exception:  # whatever pypdf raises, the fast reader must have declined
        return None


def _ours(data: bytes) -> list[Any] | None:
    found = operations(data)
    return None if found is None else [(_shape(args), operator) for args, operator in found]


def _agrees(data: bytes) -> None:
    ours = _ours(data)
    if ours is not None:
        assert ours == _pypdf(data)


def test_common_operations_are_read_as_pypdf_reads_them() -> None:
    data = (
        b"q 0.5 0 0 0.5 0 0 cm 0 0 0 RG 1 0 0 rg BT /F1 12 Tf 72 700 Td"
        b" [(Hel) -20 (lo) 5.5 <00480065>] TJ (a\\(b\\)c \\101\\7771 \\\r\n d) Tj"
        b" /Span <</MCID 3>> BDC (x (nested) y) ' EMC T* /A#20B gs ET Q % note\n"
    )
    found = operations(data)
    assert found is not None
    assert [operator for _, operator in found][:6] == [b"q", b"cm", b"RG", b"rg", b"BT", b"Tf"]
    assert _ours(data) == _pypdf(data)


@pytest.mark.parametrize(
    "data",
    [
        b"BI /W 1 /H 1 ID \x00 EI",  # inline image
        b"1 0 R Do",  # an indirect reference
        b"1 2 re\x0bf",  # a vertical tab
        b"{ 1 } x",  # braces
        b") Tj",  # what pypdf cannot read at all
    ],
)
def test_declines_what_it_does_not_read_like_pypdf(data: bytes) -> None:
    assert operations(data) is None


@pytest.mark.skipif(not RESUMES.is_dir(), reason="shared resume data not present")
def test_every_sample_page_reads_as_pypdf_reads_it() -> None:
    compared = 0
    for path in sorted(RESUMES.rglob("*.pdf")):
        reader = PdfReader(io.BytesIO(path.read_bytes()))
        for page in reader.pages:
            contents = page.get("/Contents")
            if contents is None:
                continue
            raw = ContentStream(contents.get_object(), reader, "bytes").get_data()
            data = lean_content(raw) or raw  # what page_text reads
            if operations(data) is not None:
                assert _ours(data) == _pypdf(data), path.name
                compared += 1
    assert compared >= 60


_TOKENS = st.sampled_from(
    [
        b" ", b"\n", b"\r\n", b"\x00", b"\t", b"0", b"12", b"-3.5", b".5", b"+7", b"1,2",
        b"1.2.3", b"4.", b"Tj", b"TJ", b"Tf", b"'", b'"', b"T*", b"d0", b"true", b"null",
        b"/F1", b"/A#20B", b"/\xc3\xa9", b"/", b"(a)", b"(a\\)b)", b"(\\101\\7771)", b"(\\q)",
        b"(x(y)z)", b"(\\\r\n)", b"()", b"(", b")", b"<0041>", b"<4 1>", b"<4>", b"<zz>",
        b"<<", b">>", b"<</K 1>>", b"[", b"]", b"[(a) 1]", b"% c\n", b"BDC", b"R", b"RG",
    ]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.lists(_TOKENS, max_size=40))
def test_token_soup_reads_as_pypdf_reads_it(tokens: list[bytes]) -> None:
    _agrees(b" ".join(tokens))
    _agrees(b"".join(tokens))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes_read_as_pypdf_reads_them_or_declined(data: bytes) -> None:
    _agrees(data)
