"""Roles and what each may do. Pure: no database."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    ADMIN = "admin"
    RECRUITER = "recruiter"
    COORDINATOR = "coordinator"
    HIRING_MANAGER = "hiring_manager"
    ANALYST = "analyst"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class Scope(enum.StrEnum):
    """What an API token may do, on top of its user's role."""

    READ = "read"
    WRITE = "write"
    EXPORT = "export"
    ADMIN = "admin"


ROLE_CHOICES = [(role.value, role.label) for role in Role]

_WRITERS = {Role.ADMIN, Role.RECRUITER, Role.COORDINATOR}


def can_write(role: Role) -> bool:
    """Creating and editing people, jobs, candidacies: everyone but analysts and hiring managers."""
    return role in _WRITERS


def can_give_feedback(role: Role) -> bool:
    """Notes and stage moves on candidates of one's own jobs: hiring managers too."""
    return role in _WRITERS or role is Role.HIRING_MANAGER


def can_administer(role: Role) -> bool:
    return role is Role.ADMIN


def can_export_pii(role: Role) -> bool:
    return role in {Role.ADMIN, Role.RECRUITER}


def sees_everyone(role: Role) -> bool:
    """Hiring managers see only the people of the jobs they manage."""
    return role is not Role.HIRING_MANAGER


def sees_salary(role: Role, *, granted: bool) -> bool:
    return role is not Role.HIRING_MANAGER or granted


def parse_scopes(raw: list[str]) -> list[Scope]:
    """Validate scope names; unknown ones raise ValueError naming the culprit."""
    scopes = []
    for name in raw:
        try:
            scopes.append(Scope(name.strip()))
        except ValueError:
            allowed = ", ".join(scope.value for scope in Scope)
            raise ValueError(f"unknown scope {name!r}; allowed: {allowed}") from None
    return sorted(set(scopes))
