"""The workspaces `talentloop seed` and `talentloop demo` fill."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction

from talentloop.accounts.actions import do_create_user, do_create_workspace
from talentloop.accounts.domain import Role
from talentloop.accounts.models import User, Workspace
from talentloop.people.models import Person

DEFAULT_WORKSPACE = "Acme Talent"


class NoWorkspaceChosen(ValueError):
    """Several workspaces exist and the caller named none."""


def workspace_to_seed(slug: str | None) -> Workspace:
    """The named workspace (created when missing), else the only one, else a new one."""
    if slug:
        found = Workspace.objects.filter(slug=slug).first()
        return found or do_create_workspace(name=slug.replace("-", " ").title(), slug=slug)
    workspaces = list(Workspace.objects.order_by("id")[:2])
    if len(workspaces) > 1:
        raise NoWorkspaceChosen("several workspaces exist; name one with --workspace SLUG")
    return workspaces[0] if workspaces else do_create_workspace(name=DEFAULT_WORKSPACE)


@transaction.atomic
def ensure_demo_workspace(
    *, name: str, domain: str, users: Sequence[tuple[str, str, str]], password: str
) -> tuple[Workspace, bool]:
    """Create the demo workspace and one user per role, or reuse them; True when it is empty."""
    workspace = Workspace.objects.filter(name=name).order_by("id").first()
    workspace = workspace or do_create_workspace(name=name)
    for local_part, role, full_name in users:
        email = f"{local_part}@{domain}"
        if not User.objects.filter(email=email).exists():
            do_create_user(
                workspace=workspace,
                actor=None,
                email=email,
                password=password,
                role=Role(role),
                full_name=full_name,
                is_staff=role == Role.ADMIN.value,
            )
    empty = not Person.objects.filter(workspace=workspace).exists()
    return workspace, empty
