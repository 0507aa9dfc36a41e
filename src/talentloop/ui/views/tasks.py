"""My tasks inbox: open, snoozed and recently done; complete, snooze, reassign inline."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.http import HttpResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.views.decorators.http import require_GET, require_POST

from talentloop.accounts import domain as roles
from talentloop.accounts.permissions import require_write
from talentloop.core import clock
from talentloop.core.errors import ValidationFailed
from talentloop.people import queries as people_queries
from talentloop.people import task_actions
from talentloop.people.models import Task
from talentloop.ui.fragments import render_fragment
from talentloop.ui.views.common import AppRequest, login_required, respond, toast

SNOOZE_CHOICES = {"1h": timedelta(hours=1), "1d": timedelta(days=1), "1w": timedelta(weeks=1)}
TABS = [("open", "Open"), ("snoozed", "Snoozed"), ("done", "Done")]


@login_required
@require_GET
def inbox(request: AppRequest) -> HttpResponse:
    tab = request.GET.get("tab", "open")
    tab = tab if tab in dict(TABS) else "open"
    tasks = _tasks(request, tab)
    context = {"tab": tab, "tabs": TABS, "tasks": tasks, "task_rows": task_rows(request, tasks)}
    return respond(request, "ui/tasks/inbox.html", context)


def task_rows(request: AppRequest, tasks: list[Task]) -> SafeString:
    """The <li> rows of these tasks, by the fast fragment engine (an inbox holds up to 200)."""
    now = clock.now()
    options = _assignee_options(request, tasks)
    for task in tasks:
        task.assignee_options = options[task.assignee_id]  # type: ignore[attr-defined]
        task.labels = {  # type: ignore[attr-defined]
            "due": _when(task.due_at),
            "snoozed": _when(task.snoozed_until),
            "completed": _when(task.completed_at),
        }
    context = {
        "tasks": tasks,
        "now": now,
        "can_write": roles.can_write(request.user.role_enum),
        "people_url": reverse("people"),
        "tasks_url": reverse("tasks"),
    }
    return render_fragment("ui/tasks/_rows.jinja", context)


def _when(moment: datetime | None) -> str:
    """As the `date:"M j, H:i"` filter shows it: in the active time zone, localised."""
    return formats.date_format(timezone.localtime(moment), "M j, H:i") if moment else ""


def _assignee_options(request: AppRequest, tasks: list[Task]) -> dict[int, SafeString]:
    """The "Reassign to" <option>s, rendered once per assignee, not once per row."""
    teammates = list(people_queries.teammates(request.user))
    return {
        assignee_id: format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (mate.pk, " selected" if mate.pk == assignee_id else "", mate.display_name)
                for mate in teammates
            ),
        )
        for assignee_id in {task.assignee_id for task in tasks}
    }


def _tasks(request: AppRequest, tab: str) -> list[Task]:
    now = clock.now()
    mine = people_queries.visible_tasks(request.user).filter(assignee=request.user)
    if tab == "done":
        return list(mine.filter(completed_at__isnull=False).order_by("-completed_at", "-id")[:100])
    mine = mine.filter(completed_at__isnull=True)
    if tab == "snoozed":
        return list(mine.filter(snoozed_until__gt=now).order_by("snoozed_until", "id")[:200])
    awake = mine.exclude(snoozed_until__gt=now)
    # Tasks without a due date go last; the inbox stays bounded for people with huge backlogs.
    return list(awake.order_by("due_at", "id")[:200])


def _task_row(request: AppRequest, task: Task) -> HttpResponse:
    return respond(request, "ui/tasks/_row.html", {"task_rows": task_rows(request, [task])})


def _gone(request: AppRequest) -> HttpResponse:
    """The row leaves the current list: an empty 200 swaps it away."""
    return respond(request, "ui/tasks/_gone.html", {})


@login_required
@require_POST
def complete(request: AppRequest, task_id: int) -> HttpResponse:
    require_write(request.user)
    task = people_queries.access_task(request.user, task_id)
    task_actions.do_complete_task(actor=request.user, task=task)
    toast(request, "Task completed")
    return _gone(request)


@login_required
@require_POST
def snooze(request: AppRequest, task_id: int) -> HttpResponse:
    require_write(request.user)
    task = people_queries.access_task(request.user, task_id)
    choice = request.POST.get("for", "")
    if choice not in SNOOZE_CHOICES:
        raise ValidationFailed("choose how long to snooze", fields={"for": "unknown"})
    until: datetime = clock.now() + SNOOZE_CHOICES[choice]
    task_actions.do_snooze_task(actor=request.user, task=task, until=until)
    toast(request, f"Snoozed until {until:%b %-d, %H:%M} UTC")
    return _gone(request)


@login_required
@require_POST
def reassign(request: AppRequest, task_id: int) -> HttpResponse:
    require_write(request.user)
    task = people_queries.access_task(request.user, task_id)
    raw = request.POST.get("assignee", "")
    if not raw.isdigit():
        raise ValidationFailed("choose a teammate", fields={"assignee": "required"})
    assignee = people_queries.access_teammate(request.user, int(raw))
    task_actions.do_reassign_task(actor=request.user, task=task, assignee=assignee)
    toast(request, f"Reassigned to {assignee.display_name}")
    if assignee.pk == request.user.pk:
        return _task_row(request, task)
    return _gone(request)
