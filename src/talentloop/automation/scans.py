"""Time-based triggers (schedule, relative date, inactivity), found by a periodic scan.

Every AUTOMATION_SCAN_SECONDS the worker tick books one `automation.scan` due item per enabled
time-based workflow (keyed by the time slot, so many workers book it once). The scan looks at
the window from where the last one stopped (`Workflow.scanned_until`) to now, and starts a
run for each person the trigger fires for in that window. Each run's key names what fired
(the cron time, the date, the last activity), so a scan repeated after a crash starts nothing
twice; the window only moves on once a scan finished.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import DateTimeField, F, Max, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from talentloop.automation import cron
from talentloop.automation.conditions import condition_q
from talentloop.automation.domain import TIME_TRIGGERS, Definition, RunState, TriggerKind
from talentloop.automation.engine import (
    RATE_WINDOW,
    SCAN_KIND,
    Subject,
    scan_key_prefix,
    start_run,
)
from talentloop.automation.models import Run, Workflow
from talentloop.automation.queries import definition_of
from talentloop.core import clock, scheduling
from talentloop.core.models import DueItem
from talentloop.outreach.models import ContactBasis
from talentloop.people.models import Activity, Person
from talentloop.recruiting.models import Interview

SCAN_CAP = 5000  # runs one scan starts; the rest wait for the next scan of the same window
TIME_KIND_VALUES = [kind.value for kind in TIME_TRIGGERS]


@dataclass(frozen=True)
class Due:
    person_id: int
    trigger_key: str
    candidacy_id: int | None = None  # the run's subject when the trigger is about a candidacy

    @property
    def subject(self) -> Subject:
        if self.candidacy_id is None:
            return Subject(self.person_id, "person", self.person_id)
        return Subject(self.person_id, "candidacy", self.candidacy_id)


def book_scans(now: datetime, every_s: int) -> int:
    """One scan per enabled time-based workflow per slot, however many workers ask."""
    slot = int(now.timestamp()) // max(every_s, 1)
    booked = 0
    for workflow_id, workspace_id in Workflow.objects.filter(
        enabled=True, trigger_kind__in=TIME_KIND_VALUES
    ).values_list("pk", "workspace_id"):
        scheduling.schedule(
            SCAN_KIND,
            due_at=now,
            key=f"{scan_key_prefix(workflow_id)}{slot}",
            payload={"workflow_id": workflow_id},
            workspace_id=workspace_id,
            max_attempts=3,  # why few: the next slot's scan covers the same window again
        )
        booked += 1
    return booked


def _people(workflow: Workflow, definition: Definition, now: datetime) -> QuerySet[Person]:
    author = workflow.current_version.created_by_id if workflow.current_version else None
    condition = Q(workspace_id=workflow.workspace_id)
    if definition.condition:
        condition = condition_q(
            definition.condition, workspace_id=workflow.workspace_id, now=now, viewer_id=author
        )
    return Person.objects.filter(condition)


def due_in_window(
    workflow: Workflow, definition: Definition, start: datetime, end: datetime, after_pk: int = 0
) -> list[Due]:
    """Who the trigger fires for in (start, end], by id from `after_pk` (at most SCAN_CAP + 1)."""
    trigger = definition.trigger
    people = _people(workflow, definition, end).filter(pk__gt=after_pk)
    if trigger.kind is TriggerKind.SCHEDULE:
        return _scheduled(people, trigger.cron, trigger.time_zone, start, end)
    if trigger.kind is TriggerKind.INTERVIEW_UPCOMING:
        ahead = timedelta(hours=trigger.hours)
        return _interviews(people, trigger.job_ids, start + ahead, end + ahead)
    delta = timedelta(days=trigger.days)
    if trigger.kind is TriggerKind.RELATIVE_DATE:
        offset = -delta if trigger.before else delta
        people = _with_date(people, trigger.date_field)
        return _dated(people, trigger.date_field, "date", start - offset, end - offset)
    last = Coalesce(
        Subquery(
            Activity.objects.filter(person_id=OuterRef("pk"))
            .values("person_id")
            .annotate(latest=Max("occurred_at"))
            .values("latest"),
            output_field=DateTimeField(),
        ),
        "created_at",
    )
    return _dated(
        people.annotate(last_activity=last), "last_activity", "idle", start - delta, end - delta
    )


def _interviews(
    people: QuerySet[Person], job_ids: tuple[int, ...], after: datetime, until: datetime
) -> list[Due]:
    """Scheduled interviews starting in (after, until], one run each.

    The key names the interview and its start, so a moved interview fires again for its new
    time and a cancelled one fires no more.
    """
    interviews = Interview.objects.filter(
        state=Interview.State.SCHEDULED,
        starts_at__gt=after,
        starts_at__lte=until,
        candidacy__person__in=people,
    )
    if job_ids:
        interviews = interviews.filter(candidacy__job_id__in=job_ids)
    rows = interviews.order_by("candidacy__person_id", "pk").values_list(
        "pk", "starts_at", "candidacy_id", "candidacy__person_id"
    )[: SCAN_CAP + 1]
    return [
        Due(person_id, f"interview:{pk}:{starts:%Y%m%dT%H%M%S}", candidacy_id)
        for pk, starts, candidacy_id, person_id in rows
    ]


def _with_date(people: QuerySet[Person], field: str) -> QuerySet[Person]:
    """People with `field` to compare; consent_expires_at is read from the lawful bases."""
    if field != "consent_expires_at":
        return people
    # Why the latest expiry, and none when a live consent never expires: a renewed consent
    # moves the date on, so the old one asks nobody.
    live = ContactBasis.objects.filter(
        person_id=OuterRef("pk"), basis="consent", withdrawn_at__isnull=True
    ).order_by(F("expires_at").desc(nulls_first=True))
    return people.annotate(consent_expires_at=Subquery(live.values("expires_at")[:1]))


def _scheduled(
    people: QuerySet[Person], expression: str, zone_name: str, start: datetime, end: datetime
) -> list[Due]:
    spec = cron.parse_cron(expression)
    fire = cron.latest_fire(spec, ZoneInfo(zone_name or "UTC"), start, end)
    if fire is None:
        return []
    stamp = fire.astimezone(ZoneInfo("UTC")).strftime("%Y%m%dT%H%MZ")
    ids = people.order_by("pk").values_list("pk", flat=True)[: SCAN_CAP + 1]
    return [Due(person_id, f"cron:{stamp}:{person_id}") for person_id in ids]


def _dated(
    people: QuerySet[Person], field: str, label: str, after: datetime, until: datetime
) -> list[Due]:
    rows = (
        people.filter(**{f"{field}__gt": after, f"{field}__lte": until})
        .order_by("pk")
        .values_list("pk", field)[: SCAN_CAP + 1]
    )
    return [
        Due(person_id, f"{label}:{moment:%Y%m%dT%H%M%S}:{person_id}") for person_id, moment in rows
    ]


def _counts(workflow: Workflow, person_ids: list[int], now: datetime) -> Counter[int]:
    recent = (
        Run.objects.filter(
            workflow=workflow, person_id__in=person_ids, started_at__gt=now - RATE_WINDOW
        )
        .exclude(state=RunState.SKIPPED.value)
        .values_list("person_id", flat=True)
    )
    return Counter(recent)


def start_due_runs(
    workflow: Workflow, definition: Definition, due: list[Due], now: datetime
) -> int:
    """Start the runs not started yet; the condition was part of the scan's query."""
    keys = [item.trigger_key for item in due]
    started = set(
        Run.objects.filter(workflow=workflow, trigger_key__in=keys).values_list(
            "trigger_key", flat=True
        )
    )
    fresh = [item for item in due if item.trigger_key not in started]
    counts = _counts(workflow, [item.person_id for item in fresh], now)
    for item in fresh:
        start_run(
            workflow=workflow,
            definition=definition,
            subject=item.subject,
            trigger_key=item.trigger_key,
            now=now,
            condition_checked=True,
            runs_last_hour=counts[item.person_id],
        )
    return len(fresh)


def _next_key(workflow: Workflow) -> str:
    return f"{scan_key_prefix(workflow.pk)}next:"


def _continuing(workflow: Workflow) -> bool:
    live = (DueItem.State.PENDING, DueItem.State.RUNNING)
    return DueItem.objects.filter(key__startswith=_next_key(workflow), state__in=live).exists()


def _continue(workflow: Workflow, until: datetime, after_pk: int) -> None:
    scheduling.schedule(
        SCAN_KIND,
        due_at=clock.now(),
        key=f"{_next_key(workflow)}{until:%Y%m%dT%H%M%S%f}:{after_pk}",
        payload={"workflow_id": workflow.pk, "until": until.isoformat(), "after": after_pk},
        workspace_id=workflow.workspace_id,
    )


def _locked_workflow(workflow_id: int) -> Workflow | None:
    locked = (
        Workflow.objects.select_for_update()
        .filter(pk=workflow_id, enabled=True, trigger_kind__in=TIME_KIND_VALUES)
        .exclude(current_version=None)
        .values_list("pk", flat=True)
        .first()
    )
    if locked is None:
        return None
    return Workflow.objects.select_related("current_version__created_by").get(pk=locked)


def run_scan(item: DueItem) -> None:
    """The `automation.scan` handler: start the runs of one workflow's window, in chunks."""
    workflow = _locked_workflow(int(item.payload["workflow_id"]))
    after = int(item.payload.get("after", 0))
    if workflow is None or (not after and _continuing(workflow)):
        return  # disabled, deleted, or a long scan of an earlier window is still under way
    assert workflow.current_version is not None
    now = clock.now()
    until = datetime.fromisoformat(str(item.payload["until"])) if after else now
    definition = definition_of(workflow.current_version)
    due = due_in_window(workflow, definition, workflow.scanned_until or until, until, after)
    start_due_runs(workflow, definition, due[:SCAN_CAP], now)
    if len(due) > SCAN_CAP:
        last = due[SCAN_CAP - 1].person_id
        # Why step back one when the cut falls inside a person's interviews: the next chunk
        # reads that person again; the runs already started are skipped by their keys.
        _continue(workflow, until, last - 1 if due[SCAN_CAP].person_id == last else last)
        return
    workflow.scanned_until = until
    workflow.save(update_fields=["scanned_until", "updated_at"])
