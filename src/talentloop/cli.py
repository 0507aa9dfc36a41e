"""The `talentloop` console script: run, administer and seed a Talentloop installation."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from talentloop.hygiene.cli import add_dedupe_command
from talentloop.intake.cli_export import add_export_command
from talentloop.intake.cli_import import add_import_command
from talentloop.intake.cli_parse import add_parse_command

if TYPE_CHECKING:
    from talentloop.accounts.models import User, Workspace
    from talentloop.seed.runner import SeedSummary

DEMO_PASSWORD = "talentloop-demo"  # noqa: S105 - documented demo login, demo mode only
DEMO_WORKSPACE = "Acme Talent"
DEMO_USERS = (
    ("admin", "admin", "Alex Admin"),
    ("recruiter", "recruiter", "Robin Recruiter"),
    ("coordinator", "coordinator", "Casey Coordinator"),
    ("hm", "hiring_manager", "Harper Manager"),
    ("analyst", "analyst", "Avery Analyst"),
)
DEMO_DOMAIN = "demo.talentloop.test"


class CliError(Exception):
    """A mistake of the caller: printed as one line, exit status 2."""


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "demo":
        # Why before setup: settings read TALENTLOOP_DEMO once, at import.
        os.environ["TALENTLOOP_DEMO"] = "1"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "talentloop.config.settings")
    import django

    django.setup()
    handler: Callable[[argparse.Namespace], int] = args.handler
    try:
        return handler(args)
    except CliError as error:
        print(f"talentloop {args.command}: {error}", file=sys.stderr)
        return 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="talentloop", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add(commands, "migrate", "apply database migrations", cmd_migrate)
    admin = _add(
        commands,
        "createadmin",
        "create an admin user (asks when flags are missing)",
        cmd_createadmin,
    )
    admin.add_argument("--email")
    admin.add_argument("--password", help="prefer the prompt: flags end up in shell history")
    admin.add_argument("--workspace", help="workspace name (created when missing)")
    _add_token(commands)
    serve = _add(commands, "serve", "serve the web app (and the embedded worker)", cmd_serve)
    _add_server_flags(serve)
    worker = _add(commands, "worker", "run a background worker process", cmd_worker)
    worker.add_argument("--queue", default="default", help="queue names, comma separated")
    worker.add_argument("--interval", type=_positive_float, default=0.5, help="idle poll, seconds")
    worker.add_argument("--worker-id", help="unique id (default: host, pid and a random tail)")
    seed = _add(commands, "seed", "add deterministic, realistic people", cmd_seed)
    seed.add_argument("--people", type=_positive_int, default=1000)
    seed.add_argument("--seed", type=int, default=42, help="same seed, same people")
    seed.add_argument("--workspace", help="workspace slug (created when missing)")
    demo = _add(commands, "demo", "set up and serve the demo workspace", cmd_demo)
    _add_server_flags(demo)
    demo.add_argument("--people", type=_positive_int, default=300)
    _add_search(commands)
    add_import_command(commands)
    add_export_command(commands)
    add_parse_command(commands)
    add_dedupe_command(commands)
    manage = _add(commands, "manage", "run a Django management command", cmd_manage)
    manage.add_argument("arguments", nargs=argparse.REMAINDER)
    return parser


def _add(
    commands: argparse._SubParsersAction,  # type: ignore[type-arg]
    name: str,
    help_text: str,
    handler: Callable[[argparse.Namespace], int],
) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = commands.add_parser(name, help=help_text)
    parser.set_defaults(handler=handler)
    return parser


def _add_token(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    token = _add(commands, "token", "manage API tokens", cmd_token_create)
    actions = token.add_subparsers(dest="token_command", required=True, metavar="ACTION")
    create = actions.add_parser("create", help="mint a token; the secret is shown once")
    create.add_argument("--user", required=True, help="email of the user the token acts as")
    create.add_argument("--scopes", required=True, help="comma separated: read,write,export,admin")
    create.add_argument("--name", default="CLI token")


def _add_search(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    search = _add(commands, "search", "maintain the full-text search index", cmd_search_reindex)
    actions = search.add_subparsers(dest="search_command", required=True, metavar="ACTION")
    reindex = actions.add_parser("reindex", help="rebuild the search index from the data")
    reindex.add_argument("--workspace", help="workspace slug (default: every workspace)")


def _add_server_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=_positive_int, default=8000)
    parser.add_argument("--threads", type=_positive_int, default=8)


def _positive_int(raw: str) -> int:
    value = int(raw)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be a positive whole number")
    return value


def _positive_float(raw: str) -> float:
    value = float(raw)
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError("must be a positive number of seconds")
    return value


# --- commands ---------------------------------------------------------------------------------


def cmd_migrate(args: argparse.Namespace) -> int:
    from django.core.management import call_command

    call_command("migrate", interactive=False)
    return 0


def cmd_manage(args: argparse.Namespace) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["talentloop manage", *args.arguments])
    return 0


def cmd_createadmin(args: argparse.Namespace) -> int:
    from talentloop.accounts.models import User

    email = _clean_email(args.email or input("Email: "))
    if User.objects.filter(email=email).exists():
        raise CliError(f"a user with the email {email} already exists")
    password = args.password or _ask_password()
    _check_password(password, email)
    user = _create_admin(email, password, args.workspace)
    print(f"Created admin {user.email} in workspace {user.workspace}.")
    return 0


def _clean_email(raw: str) -> str:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    email = raw.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise CliError(f"{raw!r} is not a valid email address") from None
    return email


def _check_password(password: str, email: str) -> None:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(password)
    except ValidationError as error:
        raise CliError("password refused: " + " ".join(error.messages)) from None


def _create_admin(email: str, password: str, workspace_name: str | None) -> User:
    from talentloop.accounts.actions import do_create_user
    from talentloop.accounts.domain import Role
    from talentloop.core.errors import AppError

    workspace = _admin_workspace(workspace_name)
    try:
        return do_create_user(
            workspace=workspace,
            actor=None,
            email=email,
            password=password,
            role=Role.ADMIN,
            is_staff=True,
        )
    except AppError as error:
        raise CliError(str(error)) from None


def _admin_workspace(name: str | None) -> Workspace:
    """The named workspace (created when missing), else the only one, else a new one."""
    from django.db.models import Q
    from django.utils.text import slugify

    from talentloop.accounts.actions import do_create_workspace
    from talentloop.accounts.models import Workspace

    if name:
        found = Workspace.objects.filter(Q(name=name) | Q(slug=slugify(name))).first()
        return found or do_create_workspace(name=name)
    workspaces = list(Workspace.objects.order_by("id")[:2])
    if len(workspaces) > 1:
        raise CliError("several workspaces exist; choose one with --workspace NAME")
    return workspaces[0] if workspaces else do_create_workspace(name="My workspace")


def _ask_password() -> str:
    password = getpass.getpass("Password: ")
    if password != getpass.getpass("Password (again): "):
        raise CliError("the passwords do not match")
    return password


def cmd_token_create(args: argparse.Namespace) -> int:
    from talentloop.accounts.actions import do_create_api_token
    from talentloop.accounts.domain import parse_scopes
    from talentloop.accounts.models import User
    from talentloop.core.errors import AppError

    user = User.objects.filter(email=args.user.strip().lower()).first()
    if user is None:
        raise CliError(f"no user with the email {args.user}")
    try:
        scopes = parse_scopes([name for name in args.scopes.split(",") if name.strip()])
        token, secret = do_create_api_token(actor=None, user=user, name=args.name, scopes=scopes)
    except (ValueError, AppError) as error:
        raise CliError(str(error)) from None
    print(f"Token {token.name!r} for {token.user.email} with scopes {','.join(token.scopes)}:")
    print(secret)
    print("Store it now: it is not shown again.", file=sys.stderr)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from talentloop.core.server import serve

    serve(host=args.host, port=args.port, threads=args.threads)
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    from talentloop.core.worker import new_worker_id, run_worker_process, uses_database_queue

    if not uses_database_queue():
        raise CliError("tasks run inline (TALENTLOOP_TASKS_IMMEDIATE); there is no queue to work")
    worker_id = args.worker_id or new_worker_id()
    if len(worker_id) > 64:
        raise CliError("--worker-id must be at most 64 characters")
    queues = [name.strip() for name in args.queue.split(",") if name.strip()]
    print(f"Worker {worker_id} polling {', '.join(queues)} (Ctrl-C to stop)", flush=True)
    run_worker_process(worker_id=worker_id, queue_names=queues, interval=args.interval)
    return 0


def cmd_search_reindex(args: argparse.Namespace) -> int:
    from talentloop.accounts.models import Workspace
    from talentloop.search.fulltext import rebuild_index

    workspace_id = None
    if args.workspace:
        found = Workspace.objects.filter(slug=args.workspace).first()
        if found is None:
            raise CliError(f"no workspace with slug {args.workspace!r}")
        workspace_id = found.pk
    print("Rebuilding the search index…", flush=True)
    count = rebuild_index(workspace_id)
    print(f"Indexed {count} people.")
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    from talentloop.seed.demo import NoWorkspaceChosen, workspace_to_seed

    try:
        workspace = workspace_to_seed(args.workspace)
    except NoWorkspaceChosen as error:
        raise CliError(str(error)) from None
    summary = _seed_with_progress(workspace, args.people, args.seed)
    print(
        f"Seeded {summary.people} people, {summary.candidacies} candidacies and "
        f"{summary.activities} activities into {workspace.name} ({summary.rows} rows)."
    )
    return 0


def _seed_with_progress(workspace: Workspace, people: int, seed: int) -> SeedSummary:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    from talentloop.seed.runner import seed_workspace

    columns = ("{task.description}", BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, transient=False) as progress:
        bar = progress.add_task("Seeding people", total=people)
        summary: SeedSummary = seed_workspace(
            workspace=workspace,
            people=people,
            seed=seed,
            progress=lambda done: progress.advance(bar, done),
        )
    _index_seeded(workspace)
    return summary


def _index_seeded(workspace: Workspace) -> None:
    """Make the seeded people searchable (the bulk load writes rows without events)."""
    from talentloop.search.fulltext import rebuild_index

    print("Indexing people for search…", flush=True)
    rebuild_index(workspace.pk)


def cmd_demo(args: argparse.Namespace) -> int:
    from django.conf import settings

    from talentloop.core.server import serve
    from talentloop.seed.demo import ensure_demo_workspace

    cmd_migrate(args)
    workspace, fresh = ensure_demo_workspace(
        name=DEMO_WORKSPACE, domain=DEMO_DOMAIN, users=DEMO_USERS, password=DEMO_PASSWORD
    )
    if fresh:
        _seed_with_progress(workspace, args.people, seed=42)
    settings.EMBEDDED_WORKER = True  # the demo is one process: web and worker together
    logins = "\n".join(f"  {role:<15} {name}@{DEMO_DOMAIN}" for name, role, _ in DEMO_USERS)
    banner = f"Demo logins (password {DEMO_PASSWORD!r}):\n{logins}"
    serve(host=args.host, port=args.port, threads=args.threads, banner=banner)
    return 0


if __name__ == "__main__":
    sys.exit(main())
