"""Dry run: replay a workflow over the last N days of real events, with no side effects.

Each event the trigger would have caught (or, for time-based triggers, each person the scan
would have found) is walked through the definition with the executors in simulate mode: they
read, and say what they would do, but write nothing. Conditions are evaluated on the people
as they are now, not as they were when the event happened; waits are described, not waited
for; the loop guard is not simulated.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from talentloop.accounts.models import User
from talentloop.automation import executors, scans, triggers
from talentloop.automation.context import StepContext, acting_author, load_candidacy
from talentloop.automation.domain import (
    CONDITION_PATH,
    TIME_TRIGGERS,
    Action,
    Branch,
    Definition,
    TriggerFact,
    Wait,
    first_path,
    format_duration,
    next_path,
    step_at,
    trigger_matches,
)
from talentloop.automation.models import Workflow
from talentloop.automation.queries import definition_of, require_manage
from talentloop.core import clock
from talentloop.core.errors import AppError, Conflict
from talentloop.core.models import Event
from talentloop.core.scheduling import PermanentFailure
from talentloop.people.models import Person

MAX_EVENTS = 5000  # events examined per dry run
MAX_WALK = 200  # steps walked per subject (a definition has at most 100)


@dataclass(frozen=True)
class Note:
    path: str
    kind: str
    text: str


@dataclass
class Entry:
    """One subject the workflow would have run for, and what each step would have done."""

    person_id: int
    person_name: str
    subject_type: str
    subject_id: int
    event_id: int | None
    occurred_at: datetime | None
    matched: bool
    notes: list[Note] = field(default_factory=list)


@dataclass
class DryRun:
    days: int
    examined: int
    entries: list[Entry] = field(default_factory=list)
    truncated: bool = False

    @property
    def affected(self) -> int:
        return sum(1 for entry in self.entries if entry.matched)


def dry_run_workflow(*, actor: User, workflow: Workflow, days: int, limit: int = 200) -> DryRun:
    """Who the workflow would have affected in the last `days` days, and what it would have done."""
    require_manage(actor)
    if workflow.current_version is None:
        raise Conflict("this workflow has no definition", code="no_definition")
    definition = definition_of(workflow.current_version)
    now = clock.now()
    since = now - timedelta(days=days)
    report = DryRun(days=days, examined=0)
    author = acting_author(workflow.current_version.created_by, workflow.workspace_id)
    for subject in _subjects(workflow, definition, since, now, report):
        if len(report.entries) >= limit:
            report.truncated = True
            break
        report.entries.append(_walk(workflow, definition, subject, author, now))
    return report


@dataclass(frozen=True)
class _Subject:
    fact: TriggerFact | None
    person_id: int
    event: Event | None = None


def _subjects(
    workflow: Workflow, definition: Definition, since: datetime, now: datetime, report: DryRun
) -> list[_Subject]:
    if definition.trigger.kind in TIME_TRIGGERS:
        due = scans.due_in_window(workflow, definition, since, now)
        report.examined = len(due)
        return [_Subject(None, item.person_id) for item in due]
    verbs = triggers.verbs_for(definition.trigger.kind)
    events = Event.objects.filter(
        workspace_id=workflow.workspace_id, verb__in=verbs, occurred_at__gt=since
    ).order_by("id")[:MAX_EVENTS]
    found = []
    for event in events:
        report.examined += 1
        fact = next(
            (f for f in triggers.facts_for(event) if trigger_matches(definition.trigger, f)), None
        )
        if fact is not None:
            found.append(_Subject(fact, fact.person_id, event))
    report.truncated = report.examined >= MAX_EVENTS
    return found


def _walk(
    workflow: Workflow,
    definition: Definition,
    subject: _Subject,
    author: User | None,
    now: datetime,
) -> Entry:
    person = Person.objects.get(pk=subject.person_id)
    fact = subject.fact
    ctx = StepContext(
        workflow=workflow,
        definition=definition,
        person=person,
        now=now,
        candidacy=load_candidacy(fact.subject_type, fact.subject_id) if fact else None,
        author=author,
        event=subject.event,
        simulate=True,
    )
    entry = Entry(
        person_id=person.pk,
        person_name=person.full_name,
        subject_type=fact.subject_type if fact else "person",
        subject_id=fact.subject_id if fact else person.pk,
        event_id=subject.event.pk if subject.event else None,
        occurred_at=subject.event.occurred_at if subject.event else None,
        matched=True,
    )
    _simulate(ctx, entry, first_path(definition, condition_checked=fact is None))
    return entry


def _simulate(ctx: StepContext, entry: Entry, path: str | None) -> None:
    for _ in range(MAX_WALK):
        if path is None:
            return
        if path == CONDITION_PATH:
            if not ctx.holds(ctx.definition.condition):
                entry.matched = False
                entry.notes.append(Note(path, "condition", "does not match the condition"))
                return
            entry.notes.append(Note(path, "condition", "matches the condition"))
            path = next_path(ctx.definition, path)
            continue
        path = _simulate_step(ctx, entry, path)


def _simulate_step(ctx: StepContext, entry: Entry, path: str) -> str | None:
    step = step_at(ctx.definition, path)
    if isinstance(step, Branch):
        branch = "then" if ctx.holds(step.condition) else "else"
        entry.notes.append(
            Note(
                path,
                "if",
                f"the condition would {'' if branch == 'then' else 'not '}hold: {branch}",
            )
        )
        return next_path(ctx.definition, path, branch)
    if isinstance(step, Wait):
        entry.notes.append(Note(path, "wait", f"would wait {format_duration(step.seconds)}"))
        return next_path(ctx.definition, path)
    entry.notes.append(Note(path, step.kind.value, _describe(ctx, path, step)))
    return next_path(ctx.definition, path)


def _describe(ctx: StepContext, path: str, action: Action) -> str:
    try:
        return executors.execute(ctx, path, action).decision
    except (AppError, PermanentFailure) as error:
        message = error.message if isinstance(error, AppError) else str(error)
        return f"would fail: {message}"
