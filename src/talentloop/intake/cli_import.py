"""`talentloop import csv|xlsx|resumes PATH`: the import pipeline from the command line.

Runs in this process (no worker needed) with a progress bar, and prints the report. This
module is imported before Django is set up, so Django imports stay inside the functions.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from talentloop.accounts.models import User, Workspace
    from talentloop.intake.models import ImportBatch

REPORT_LINES = 50


def add_import_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Register `import` and its kinds on the console script's parser."""
    parser = commands.add_parser("import", help="import people from CSV, XLSX or resumes")
    parser.set_defaults(handler=cmd_import)
    kinds = parser.add_subparsers(dest="import_kind", required=True, metavar="KIND")
    for kind, help_text in (
        ("csv", "a CSV file (any common encoding and delimiter)"),
        ("xlsx", "the first sheet of an Excel workbook"),
        ("resumes", "a folder or zip of resumes (PDF, DOCX, DOC, RTF, TXT, HTML), or one file"),
    ):
        sub = kinds.add_parser(kind, help=help_text)
        sub.add_argument("path", type=Path)
        sub.add_argument("--user", required=True, help="email of the user the import acts as")
        sub.add_argument("--tags", default="", help="tags for everyone imported, comma separated")
        sub.add_argument("--source", default="", help="name of the source for new people")
        sub.add_argument(
            "--match-on", default="email,phone,external_id", help="keys to match existing people"
        )
        sub.add_argument("--skip-existing", action="store_true", help="leave matches unchanged")
        sub.add_argument(
            "--map", action="append", default=[], help="COLUMN=TARGET, e.g. Mail=email"
        )
        sub.add_argument("--dry-run", action="store_true", help="preview the first rows only")
    resume = kinds.add_parser(
        "resume", help="go on with an interrupted import after the records already in"
    )
    resume.add_argument("batch_id", type=int, help="the import's number (its page shows it)")
    resume.add_argument("--user", required=True, help="email of the user the import acts as")


def cmd_import(args: argparse.Namespace) -> int:
    from talentloop.cli import CliError
    from talentloop.core.errors import AppError
    from talentloop.intake.actions import do_start_import

    if args.import_kind == "resume":
        return _resume(args.batch_id, args.user)
    path: Path = args.path
    if not path.exists():
        raise CliError(f"no such file or folder: {path}")
    try:
        user = _user(args.user)
        batch = _create(args, user, path)
        if args.dry_run:
            return _dry_run(batch, user, path)
        do_start_import(actor=user, batch=batch, enqueue=False)
        return _run(batch, user, path)
    except AppError as error:
        raise CliError(error.message) from None


def _user(email: str) -> User:
    from talentloop.accounts.models import User
    from talentloop.cli import CliError

    user = User.objects.filter(email=email.strip().lower()).select_related("workspace").first()
    if user is None or user.workspace is None:
        raise CliError(f"no user with the email {email} in a workspace")
    from talentloop.accounts.permissions import require_write

    require_write(user)
    return user


def _create(args: argparse.Namespace, user: User, path: Path) -> ImportBatch:
    from django.core.files import File

    from talentloop.intake.actions import do_create_import_batch, do_set_import_mapping

    assert user.workspace is not None
    if path.is_dir():
        batch = _folder_batch(user, path)
    else:
        with path.open("rb") as handle:
            batch = do_create_import_batch(
                actor=user,
                workspace=user.workspace,
                upload=File(handle, name=path.name),
                source_kind=args.import_kind,
            )
    mapping = _mapping(batch, args.map) if args.map else None
    return do_set_import_mapping(
        actor=user, batch=batch, mapping=mapping, options=_options(args, user.workspace)
    )


def _folder_batch(user: User, path: Path) -> ImportBatch:
    """A batch with no stored file: the CLI hands the folder's files to the run itself."""
    from talentloop.intake.models import ImportBatch, SourceKind
    from talentloop.intake.resumes import RESUME_SUFFIXES

    assert user.workspace is not None
    count = sum(1 for item in path.rglob("*") if item.suffix.lower() in RESUME_SUFFIXES)
    return ImportBatch.objects.create(
        workspace=user.workspace,
        actor=user,
        source_kind=SourceKind.RESUMES,
        file_name=path.name[:255],
        total_rows=count,
    )


def _mapping(batch: ImportBatch, pairs: list[str]) -> dict[str, str]:
    from talentloop.cli import CliError

    by_title = {title.casefold(): str(index) for index, title in enumerate(batch.headers)}
    mapping = dict(batch.mapping)
    for pair in pairs:
        title, _, target = pair.partition("=")
        column = by_title.get(title.strip().casefold())
        if column is None:
            raise CliError(f"--map: no column titled {title!r}")
        mapping[column] = target.strip()
    return mapping


def _options(args: argparse.Namespace, workspace: Workspace) -> dict[str, Any]:
    from talentloop.cli import CliError
    from talentloop.people.models import Source

    source_id = None
    if args.source:
        source = Source.objects.filter(workspace=workspace, name=args.source.strip()).first()
        if source is None:
            raise CliError(f"no source called {args.source!r} in this workspace")
        source_id = source.pk
    return {
        "tags": [tag for tag in args.tags.split(",") if tag.strip()],
        "source_id": source_id,
        "match_on": [key.strip() for key in args.match_on.split(",") if key.strip()],
        "update_existing": not args.skip_existing,
    }


def _dry_run(batch: ImportBatch, user: User, path: Path) -> int:
    from talentloop.intake import resumes
    from talentloop.intake.actions import do_discard_import_batch, preview_import

    if path.is_dir():
        lines = resumes.preview(batch, resumes.folder_files(path))
    else:
        lines = preview_import(actor=user, batch=batch)
    for line in lines:
        problems = "; ".join(f"{where}: {message}" for where, message in line.problems)
        print(f"{line.locator:<12} {line.action:<8} {problems}")
    do_discard_import_batch(actor=user, batch=batch)
    print(f"Dry run of {len(lines)} records: nothing was saved.")
    return 0


def _run(batch: ImportBatch, user: User, path: Path | None) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from talentloop.intake.actions import do_run_import

    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, transient=False) as progress:
        bar = progress.add_task(
            f"Importing {batch.file_name}",
            total=batch.total_rows or None,
            completed=batch.processed_rows,
        )

        def advance(current: ImportBatch) -> None:
            progress.update(bar, completed=current.processed_rows)

        if path is not None and path.is_dir():
            done = _run_folder(batch, path, advance)
        else:
            done = do_run_import(batch_id=batch.pk, progress=advance)
    return _report(done)


def _resume(batch_id: int, email: str) -> int:
    """Queue an interrupted import again and run it here, after the records already in."""
    from talentloop.cli import CliError
    from talentloop.core.errors import AppError
    from talentloop.intake.leases import do_resume_import
    from talentloop.intake.queries import access_batch

    try:
        user = _user(email)
        batch = do_resume_import(actor=user, batch=access_batch(user, batch_id), enqueue=False)
        print(f"Resuming after the {batch.processed_rows:,} records already in.")
        return _run(batch, user, None)
    except AppError as error:
        raise CliError(error.message) from None


def _run_folder(batch: ImportBatch, path: Path, advance: Any) -> ImportBatch:
    from talentloop.intake import resumes
    from talentloop.intake.actions import do_run_import

    named = resumes.folder_files(path)
    return do_run_import(
        batch_id=batch.pk,
        progress=advance,
        run=lambda claimed: resumes.run(claimed, progress=advance, files=named),
    )


def _report(batch: ImportBatch) -> int:
    from talentloop.intake.queries import batch_issues

    print(
        f"{batch.created_count} created, {batch.updated_count} updated, "
        f"{batch.skipped_count} skipped, {batch.failed_count} not imported."
    )
    if batch.error:
        print(f"The import failed: {batch.error}", file=sys.stderr)
    issues = list(batch_issues(batch)[: REPORT_LINES + 1])
    for issue in issues[:REPORT_LINES]:
        where = f" [{issue.field}]" if issue.field else ""
        print(f"  {issue.locator}{where}: {issue.message} ({issue.get_level_display()})")
    if len(issues) > REPORT_LINES:
        print(f"  … the full report is on the import's page (batch {batch.pk}).")
    return 1 if batch.error else 0
