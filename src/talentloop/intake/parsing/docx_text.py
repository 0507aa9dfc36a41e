"""Text of a Word document's XML parts: paragraphs, tables and text boxes in document order.

The XML is read with lxml directly (python-docx's model skips text boxes and reads the
whole zip unguarded); entity resolution and network access are off.
"""

from __future__ import annotations

from lxml import etree  # type: ignore[import-untyped]

from talentloop.intake.parsing.result import ResumeParseError

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_PARAGRAPH = f"{_W}p"
_CELL = f"{_W}tc"


def document_text(parts: list[bytes]) -> str:
    """One line per paragraph; table cells of a row joined by tabs."""
    lines: list[str] = []
    for xml in parts:
        lines.extend(_part_lines(xml))
    return "\n".join(line for line in lines if line.strip())


def _part_lines(xml: bytes) -> list[str]:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(xml, parser=parser)
    except (etree.XMLSyntaxError, ValueError):
        raise ResumeParseError("the DOCX is damaged: its text part is not valid XML") from None
    lines: list[str] = []
    _walk(root, lines)
    return lines


def _walk(element: etree._Element, lines: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag == _MC_FALLBACK:
            continue  # Why: the fallback repeats the text box content of the Choice branch
        if tag == _PARAGRAPH:
            _paragraph(child, lines)
        elif tag == f"{_W}tr":
            _row(child, lines)
        else:
            _walk(child, lines)


def _row(row: etree._Element, lines: list[str]) -> None:
    cells: list[str] = []
    for cell in row.iter(_CELL):
        cell_lines: list[str] = []
        _walk(cell, cell_lines)
        cells.append(" ".join(line.strip() for line in cell_lines if line.strip()))
    lines.append("\t".join(cell for cell in cells if cell))


def _paragraph(paragraph: etree._Element, lines: list[str]) -> None:
    text: list[str] = []
    nested: list[str] = []
    for node in paragraph.iter():
        if node is paragraph:
            continue
        if node.tag == _PARAGRAPH:
            continue
        if _owner(node, paragraph) is not paragraph:
            continue
        if node.tag == f"{_W}t" and node.text:
            text.append(node.text)
        elif node.tag == f"{_W}tab":
            text.append("\t")
        elif node.tag in {f"{_W}br", f"{_W}cr"}:
            text.append("\n")
        elif node.tag == f"{_W}txbxContent":
            _walk(node, nested)
    # Why a bullet: list paragraphs carry their bullet in numbering, not in the text, and
    # the entry parser tells descriptions from headings by it.
    style = paragraph.find(f"{_W}pPr/{_W}pStyle")
    listed = style is not None and "list" in (style.get(f"{_W}val") or "").lower()
    bullet = "• " if listed or paragraph.find(f"{_W}pPr/{_W}numPr") is not None else ""
    lines.extend(bullet + line for line in "".join(text).split("\n"))
    lines.extend(nested)


def _owner(node: etree._Element, paragraph: etree._Element) -> etree._Element | None:
    """The nearest paragraph or fallback above a node, to skip text of nested boxes."""
    parent = node.getparent()
    while parent is not None and parent is not paragraph:
        if parent.tag in {_PARAGRAPH, f"{_W}txbxContent", _MC_FALLBACK}:
            return parent
        parent = parent.getparent()
    return parent
