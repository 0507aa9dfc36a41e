"""Shared fixtures: a workspace with one user per role (the personas) and an outsider."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from talentloop.accounts.domain import Role
from talentloop.accounts.models import User, Workspace
from talentloop.testing.factories import UserFactory, WorkspaceFactory


@dataclass
class Personas:
    workspace: Workspace
    admin: User
    recruiter: User
    coordinator: User
    hiring_manager: User
    analyst: User
    outsider: User  # an admin of another workspace

    def by_role(self, role: Role) -> User:
        return {
            Role.ADMIN: self.admin,
            Role.RECRUITER: self.recruiter,
            Role.COORDINATOR: self.coordinator,
            Role.HIRING_MANAGER: self.hiring_manager,
            Role.ANALYST: self.analyst,
        }[role]


@pytest.fixture
def workspace(db: None) -> Workspace:
    return WorkspaceFactory()  # type: ignore[no-any-return]


@pytest.fixture
def personas(workspace: Workspace) -> Personas:
    def make(role: Role) -> User:
        return UserFactory(workspace=workspace, role=role.value, email=f"{role.value}@acme.test")  # type: ignore[no-any-return]

    other = WorkspaceFactory()
    return Personas(
        workspace=workspace,
        admin=make(Role.ADMIN),
        recruiter=make(Role.RECRUITER),
        coordinator=make(Role.COORDINATOR),
        hiring_manager=make(Role.HIRING_MANAGER),
        analyst=make(Role.ANALYST),
        outsider=UserFactory(workspace=other, role=Role.ADMIN.value, email="outsider@other.test"),
    )


@pytest.fixture(autouse=True)
def _isolated_storage(settings: pytest.FixtureRequest, tmp_path: object) -> None:
    """Uploaded files go to a per-test folder, never the developer's data folder."""
    storages = dict(settings.STORAGES)  # type: ignore[attr-defined]
    storages["default"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path)},
    }
    settings.STORAGES = storages  # type: ignore[attr-defined]


@pytest.fixture(autouse=True)
def _immediate_tasks(settings: pytest.FixtureRequest) -> None:
    """Tasks run inline in tests unless a test opts into the real database backend."""
    settings.TASKS = {  # type: ignore[attr-defined]
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
