"""Template context shared by every page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from talentloop.accounts import domain as roles
from talentloop.automation import domain as automation

_SECTIONS = {
    "people",
    "jobs",
    "pools",
    "tasks",
    "settings",
    "segments",
    "lists",
    "outbox",
    "sequences",
    "campaigns",
    "templates",
    "automation",
}


def talentloop(request: HttpRequest) -> dict[str, object]:
    """Demo flag, the nav section of the current URL and the viewer's role flags."""
    first = request.path.strip("/").split("/", 1)[0]
    context: dict[str, object] = {
        "demo_mode": settings.DEMO_MODE,
        "nav_section": first if first in _SECTIONS else ("dashboard" if not first else ""),
        "can_write": False,
        "can_note": False,
        "can_export": False,
        "is_admin": False,
        "can_read_workflows": False,
        "can_manage_workflows": False,
    }
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and getattr(user, "workspace_id", None):
        # Why: these only hide controls; every view still checks the role server-side.
        role = user.role_enum
        context["can_write"] = roles.can_write(role)
        context["can_note"] = roles.can_give_feedback(role)
        context["can_export"] = roles.can_export_pii(role)
        context["is_admin"] = roles.can_administer(role)
        context["can_read_workflows"] = automation.can_read_workflows(role)
        context["can_manage_workflows"] = automation.can_manage_workflows(role)
    return context
