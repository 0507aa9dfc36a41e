"""Whole documents: DOCX (tables, text boxes), HTML, Markdown and the labelled PDFs."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import docx
import jsonschema
import pytest
from pypdf import PdfReader

from talentloop.intake.parsing import parse_document
from talentloop.intake.parsing.extract import extract_text, sniff_format
from talentloop.intake.parsing.layout import lean_content, page_text

RESUMES = Path(__file__).resolve().parents[4].parent / "shared" / "data" / "resumes"
needs_resumes = pytest.mark.skipif(not RESUMES.is_dir(), reason="../shared/data/resumes absent")

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def _docx_with_text_box() -> bytes:
    box = (
        '<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent>'
        "<w:p><w:r><w:t>ann.lee@example.com</w:t></w:r></w:p>"
        "</w:txbxContent></w:drawing></mc:Choice><mc:Fallback><w:pict><w:txbxContent>"
        "<w:p><w:r><w:t>ann.lee@example.com</w:t></w:r></w:p>"
        "</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r></w:p>"
    )
    body = (
        f'<w:document xmlns:w="{_W}" xmlns:mc="{_MC}"><w:body>'
        f"<w:p><w:r><w:t>Ann Lee</w:t></w:r></w:p>{box}"
        f"<w:p><w:r><w:t>Skills</w:t></w:r></w:p>"
        f"<w:p><w:r><w:t>Python,</w:t></w:r><w:r><w:t xml:space='preserve'> k8s</w:t></w:r></w:p>"
        f"</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", body)
    return buffer.getvalue()


def test_docx_text_box_is_read_once() -> None:
    extracted = extract_text(_docx_with_text_box(), filename="cv.docx")
    assert extracted.kind == "docx"
    assert extracted.text.count("ann.lee@example.com") == 1
    result = parse_document(_docx_with_text_box(), filename="cv.docx")
    assert result.emails == ["ann.lee@example.com"]
    assert [skill.name for skill in result.skills] == ["Python", "Kubernetes"]


def test_docx_tables_and_list_paragraphs_from_python_docx() -> None:
    document = docx.Document()
    document.add_paragraph("Ann Lee")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "ann@example.com"
    table.cell(0, 1).text = "+1 415 555 0142"
    document.add_paragraph("Experience")
    document.add_paragraph("Acme Corp, Software Engineer")
    document.add_paragraph("Jan 2020 - Present", style="List Bullet")
    document.add_paragraph("Built the billing system", style="List Bullet")
    buffer = io.BytesIO()
    document.save(buffer)
    # A name that says nothing: the format is sniffed from the bytes.
    result = parse_document(buffer.getvalue(), filename="upload.bin")
    assert (result.name.full, result.emails, result.phones) == (
        "Ann Lee",
        ["ann@example.com"],
        ["+14155550142"],
    )
    assert [(w.employer, w.title, w.is_current) for w in result.work] == [
        ("Acme Corp", "Software Engineer", True)
    ]
    assert result.work[0].description == "Built the billing system"


def test_html_resume_keeps_link_targets_and_drops_scripts() -> None:
    page = (
        b"<!DOCTYPE html><html><head><title>CV</title><script>var x='a@b.co';</script></head>"
        b"<body><h1>Ann Lee</h1><p><a href='mailto:ann@example.com'>mail me</a> | "
        b"<a href='https://github.com/annlee'>code</a></p><h2>Skills</h2><ul><li>JS</li>"
        b"<li>PostgreSQL</li></ul></body></html>"
    )
    assert sniff_format(page, "cv.txt") == "html"
    result = parse_document(page, filename="cv.txt")
    assert result.name.full == "Ann Lee"
    assert result.emails == ["ann@example.com"]
    assert [link.label for link in result.links] == ["github"]
    assert [skill.name for skill in result.skills] == ["JavaScript", "PostgreSQL"]


def test_markdown_links_and_headings() -> None:
    text = (
        "# Ann Lee's CV\n\n- Email: [ann@example.com](mailto:ann@example.com)\n"
        "- LinkedIn: [annlee](https://linkedin.com/in/annlee)\n\n# Experience\n\n"
        "## Acme Corp, Software Engineer\n\n- Mar 2021 \u2013 present\n- Berlin, Germany\n"
        "- Built **things**\n"
    ).encode()
    result = parse_document(text, filename="cv.md")
    assert result.name.full == "Ann Lee"
    assert [link.url for link in result.links] == ["https://linkedin.com/in/annlee"]
    work = result.work[0]
    assert (work.employer, work.title, work.location, work.description) == (
        "Acme Corp",
        "Software Engineer",
        "Berlin, Germany",
        "Built things",
    )


@needs_resumes
def test_two_column_pdf_keeps_each_column_together() -> None:
    path = RESUMES / "reactive-resume/apps/client/public/templates/pdf/azurill.pdf"
    result = parse_document(path.read_bytes(), filename=path.name)
    assert result.summary.startswith("Innovative Web Developer with 5 years of experience")
    assert [(w.employer, w.title) for w in result.work] == [
        ("Creative Solutions Inc.", "Senior Web Developer"),
        ("TechAdvancers", "Web Developer"),
    ]
    assert result.headline == "Creative and Innovative Web Developer"


@needs_resumes
def test_every_layout_of_one_person_gives_the_same_contact_fields() -> None:
    manifest = json.loads((RESUMES / "rendercv/generated/manifest.json").read_text())
    seen: dict[str, set[tuple[str, tuple[str, ...], tuple[str, ...]]]] = {}
    for item in manifest:
        path = RESUMES / "rendercv/generated" / item["file"]
        result = parse_document(path.read_bytes(), filename=path.name)
        contact = (result.name.full, tuple(result.emails), tuple(result.phones))
        seen.setdefault(item["labels"], set()).add(contact)
    assert seen["labels/standard_full.yaml"] == {
        ("Alice Chen", ("alice.chen@email.com",), ("+14155550142",))
    }
    assert seen["labels/diacritics.yaml"] == {
        ("Jose Garcia-Lopez", ("jose.garcia@email.com",), ("+34612345678",))
    }
    assert all(len(variants) == 1 for variants in seen.values()), seen


@needs_resumes
def test_transcribed_contact_labels() -> None:
    labels = json.loads((RESUMES / "resume-matcher/labels_contact_transcribed.json").read_text())
    for name, label in labels.items():
        if name.startswith("_"):
            continue
        path = RESUMES / "resume-matcher" / name
        result = parse_document(path.read_bytes(), filename=path.name)
        assert result.name.full == label["name"], name
        assert result.emails[0] == label["email"], name
        assert "phones" in result.low_confidence_fields() or result.phones, name


def test_lean_content_drops_drawing_but_keeps_text_and_positioning() -> None:
    stream = (
        b"q 1 0 0 1 50 700 cm 0.2 0.4 0.6 rg 0 0 100 20 re f "
        b"BT /F1 12 Tf (1 2 m) Tj ET 10 20 m 30 40 l S Q"
    )
    lean = lean_content(stream)
    assert lean is not None
    assert b"re" not in lean.replace(b"(1 2 m)", b"")
    assert b" l S" not in lean
    assert b"1 0 0 1 50 700 cm" in lean
    assert b"BT /F1 12 Tf (1 2 m) Tj ET" in lean
    assert lean_content(b"q BI /W 2 /H 2 ID \x00\x01 EI Q") is None
    marked = b"/Span <</ActualText (0 0 1 1 re)>> BDC 0 0 1 1 re f"
    assert lean_content(marked) == marked


@needs_resumes
def test_lean_content_leaves_the_text_of_designed_pdfs_unchanged() -> None:
    # The templates that draw the most shapes: where dropping them could go wrong.
    for path in sorted((RESUMES / "reactive-resume").rglob("*.pdf")):
        data = path.read_bytes()
        plain = [page_text(page, lean=False) for page in PdfReader(io.BytesIO(data)).pages]
        lean = [page_text(page) for page in PdfReader(io.BytesIO(data)).pages]
        assert lean == plain, path.name


JSON_RESUME_SCHEMA = RESUMES.parent / "formats" / "jsonresume" / "schema.json"


@needs_resumes
@pytest.mark.skipif(not JSON_RESUME_SCHEMA.is_file(), reason="JSON Resume schema absent")
def test_json_resume_output_is_valid_against_the_schema() -> None:
    schema = json.loads(JSON_RESUME_SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    samples = [
        ("cv.txt", b"Ann Lee\nann@example.com\nExperience\nAcme Corp, Engineer\tJan 2020 - Now\n"),
        ("cv.txt", b"nothing useful here"),
    ]
    for path in sorted((RESUMES / "rendercv/generated").rglob("*.*")):
        if path.suffix in {".pdf", ".docx", ".md"}:
            samples.append((path.name, path.read_bytes()))
    for name, data in samples:
        document = parse_document(data, filename=name).to_json_resume()
        assert [error.message for error in validator.iter_errors(document)] == [], name
