"""Role checks shared by the API, the UI and the CLI. Each raises PermissionDenied (403)."""

from __future__ import annotations

from talentloop.accounts import domain
from talentloop.accounts.models import User
from talentloop.core.errors import PermissionDenied


def require_write(user: User) -> None:
    if not domain.can_write(user.role_enum):
        raise PermissionDenied("your role cannot change records")


def require_feedback(user: User) -> None:
    if not domain.can_give_feedback(user.role_enum):
        raise PermissionDenied("your role cannot add notes")


def require_admin(user: User) -> None:
    if not domain.can_administer(user.role_enum):
        raise PermissionDenied("only workspace admins can do this")


def require_export(user: User) -> None:
    if not domain.can_export_pii(user.role_enum):
        raise PermissionDenied("your role cannot export personal data")


def sees_salary(user: User) -> bool:
    return domain.sees_salary(user.role_enum, granted=user.can_see_salary)
