"""`talentloop parse FILE...`: read resumes and print what the parser found in them."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

# Why the parser is imported inside the functions: every `talentloop` command builds this
# parser's arguments, and only `parse` needs the PDF and DOCX libraries loaded.
if TYPE_CHECKING:
    from talentloop.intake.parsing import ParsedResume


def add_parse_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser: argparse.ArgumentParser = commands.add_parser(
        "parse", help="parse resumes (PDF, DOCX, HTML, text) and print the fields found"
    )
    parser.set_defaults(handler=cmd_parse)
    parser.add_argument("files", nargs="+", metavar="FILE")
    parser.add_argument(
        "--json",
        action="store_true",
        help="one JSON Resume object per line (with meta.confidence and meta.file)",
    )
    parser.add_argument(
        "--region", default="US", help="phone region for numbers without a country code"
    )


def cmd_parse(args: argparse.Namespace) -> int:
    """Parse each file; a file that cannot be read is reported and the rest still run."""
    from talentloop.intake.parsing import ResumeParseError, parse_document

    failed = 0
    for name in args.files:
        try:
            result = parse_document(
                _read(name), filename=Path(name).name, default_region=args.region
            )
        except ResumeParseError as error:
            failed += 1
            print(f"talentloop parse: {name}: {error.message}", file=sys.stderr)
            continue
        if args.json:
            document = result.to_json_resume()
            document["meta"]["file"] = name
            print(json.dumps(document, ensure_ascii=False))
        else:
            print(_summary(name, result))
    return 1 if failed else 0


def _read(name: str) -> bytes:
    from talentloop.intake.parsing import ResumeParseError
    from talentloop.intake.parsing.extract import MAX_INPUT_BYTES

    path = Path(name)
    try:
        size = path.stat().st_size
        if size > MAX_INPUT_BYTES:
            size_mb = size / (1024 * 1024)
            raise ResumeParseError(f"the file is {size_mb:.0f} MB; resumes over 20 MB are refused")
        return path.read_bytes()
    except OSError as error:
        raise ResumeParseError(f"cannot read the file: {error.strerror or error}") from None


def _summary(name: str, result: ParsedResume) -> str:
    years = result.total_years_experience
    work = "; ".join(f"{entry.title} at {entry.employer}".strip() for entry in result.work[:3])
    lines = [
        f"{name}",
        f"  name:      {result.name.full or '-'}",
        f"  emails:    {', '.join(result.emails) or '-'}",
        f"  phones:    {', '.join(result.phones) or '-'}",
        f"  location:  {result.location or '-'}",
        f"  work:      {len(result.work)} entries{': ' + work if work else ''}",
        f"  education: {len(result.education)} entries",
        f"  skills:    {', '.join(skill.name for skill in result.skills[:12]) or '-'}",
        f"  years:     {'-' if years is None else years}",
        f"  review:    {', '.join(result.low_confidence_fields()) or 'nothing flagged'}",
    ]
    return "\n".join(lines)
