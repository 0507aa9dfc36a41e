"""The dashboard: what is due for me today, what happened to my people, my jobs' funnels."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, time, timedelta

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from talentloop.accounts.models import User
from talentloop.core import clock
from talentloop.ui import queries
from talentloop.ui.views.common import AppRequest, login_required, respond


@login_required
@require_GET
def dashboard(request: AppRequest) -> HttpResponse:
    user = request.user
    now = clock.now()
    tasks = queries.my_due_tasks(user, _end_of_today(user, now))
    context = {
        "tasks": tasks,
        "overdue_count": sum(1 for task in tasks if task.due_at and task.due_at < now),
        "activities": queries.recent_activity(user),
        "jobs": queries.my_jobs(user),
        "now": now,
    }
    return respond(request, "ui/dashboard/dashboard.html", context)


def _end_of_today(user: User, now: datetime) -> datetime:
    """Midnight tonight in the user's own time zone: "today" is theirs, not the server's."""
    try:
        zone = zoneinfo.ZoneInfo(user.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    local = now.astimezone(zone)
    return datetime.combine(local.date() + timedelta(days=1), time.min, tzinfo=zone)
