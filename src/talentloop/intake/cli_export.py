"""`talentloop export`: people (all you may see, a segment, or chosen ids) to a file."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from talentloop.accounts.models import User
    from talentloop.intake.exports import ExportFile
    from talentloop.people.models import Person
    from talentloop.search.models import Segment

FORMATS = ("csv", "xlsx", "jsonresume", "jsonresume-zip", "vcard")


def add_export_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser: argparse.ArgumentParser = commands.add_parser(
        "export", help="export people as CSV, XLSX, JSON Resume or vCard"
    )
    parser.set_defaults(handler=cmd_export)
    parser.add_argument("--user", required=True, help="email of the user the export acts as")
    parser.add_argument("--format", required=True, choices=FORMATS)
    chosen = parser.add_mutually_exclusive_group()
    chosen.add_argument("--segment", type=int, metavar="ID", help="a saved segment's members")
    chosen.add_argument("--ids", metavar="ID,ID", help="these people only (comma separated)")
    parser.add_argument("out", metavar="OUT", help="file to write, or - for standard output")


def cmd_export(args: argparse.Namespace) -> int:
    """Write the export; the file appears whole or not at all."""
    from talentloop.cli import CliError
    from talentloop.core.errors import AppError
    from talentloop.intake import exports

    if args.out != "-" and not Path(args.out).resolve().parent.is_dir():
        raise CliError(f"cannot write {args.out}: its folder does not exist")
    user = _user(args.user)
    try:
        people, segment = _people(user, segment_id=args.segment, raw_ids=args.ids)
        export = exports.do_export_people(
            actor=user,
            people=people,
            export_format=exports.parse_format(args.format),
            segment=segment,
        )
    except AppError as error:
        raise CliError(error.message) from None
    try:
        _write(export, args.out)
    except OSError as error:
        raise CliError(f"cannot write {args.out}: {error.strerror or error}") from None
    print(f"Exported {export.count} people to {args.out}.", file=sys.stderr)
    return 0


def _user(email: str) -> User:
    from talentloop.accounts.models import User
    from talentloop.cli import CliError

    user = User.objects.filter(email=email.strip().lower(), is_active=True).first()
    if user is None or user.workspace is None:
        raise CliError(f"no active user with the email {email!r}")
    return user


def _people(
    user: User, *, segment_id: int | None, raw_ids: str | None
) -> tuple[QuerySet[Person], Segment | None]:
    from talentloop.core.errors import NotFound, ValidationFailed
    from talentloop.people import queries
    from talentloop.search import segment_queries

    if segment_id is not None:
        segment = segment_queries.access_segment(user, segment_id)
        return segment_queries.segment_members(user, segment), segment
    people = queries.visible_people(user)
    if raw_ids is None:
        return people, None
    try:
        wanted = {int(part) for part in raw_ids.split(",") if part.strip()}
    except ValueError:
        raise ValidationFailed("--ids takes whole numbers separated by commas") from None
    chosen = people.filter(pk__in=wanted)
    if chosen.count() != len(wanted):
        raise NotFound("some of those people do not exist or are not visible to you")
    return chosen, None


def _write(export: ExportFile, out: str) -> None:
    if out == "-":
        for chunk in export.chunks:
            sys.stdout.buffer.write(chunk)
        sys.stdout.buffer.flush()
        return
    target = Path(out)
    partial = target.with_name(f".{target.name}.partial")
    try:
        with partial.open("wb") as handle:
            for chunk in export.chunks:
                handle.write(chunk)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
