"""`talentloop dedupe scan`: the batch duplicate scan of one workspace (or every one)."""

from __future__ import annotations

import argparse
import time


def add_dedupe_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser: argparse.ArgumentParser = commands.add_parser(
        "dedupe", help="find possible duplicate people"
    )
    actions = parser.add_subparsers(dest="dedupe_command", required=True, metavar="ACTION")
    scan = actions.add_parser("scan", help="scan existing people and fill the review queue")
    scan.add_argument("--workspace", help="workspace slug (default: every workspace)")
    scan.set_defaults(handler=cmd_dedupe_scan)


def cmd_dedupe_scan(args: argparse.Namespace) -> int:
    from talentloop.accounts.models import Workspace
    from talentloop.cli import CliError
    from talentloop.hygiene.actions import run_scan

    workspaces = Workspace.objects.order_by("pk")
    if args.workspace:
        workspaces = workspaces.filter(slug=args.workspace)
        if not workspaces.exists():
            raise CliError(f"no workspace with slug {args.workspace!r}")
    for workspace in workspaces:
        started = time.perf_counter()
        report = run_scan(workspace_id=workspace.pk, actor_id=None)
        took = time.perf_counter() - started
        print(
            f"{workspace.slug}: {report.people} people, {report.compared_pairs} pairs compared, "
            f"{report.candidates} new possible duplicates ({took:.1f} s)"
        )
    return 0
