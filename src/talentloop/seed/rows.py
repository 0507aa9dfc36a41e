"""Turn generated people into table rows: the person, contacts, history, pipeline, timeline."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping
from dataclasses import dataclass, field, fields

from django.db.models import Model

from talentloop.people.domain import seniority_rank
from talentloop.people.models import (
    Activity,
    ContactPoint,
    Education,
    Person,
    PersonSkill,
    PersonTag,
    Task,
    WorkExperience,
)
from talentloop.recruiting.models import Candidacy, Job, Stage, StageChange
from talentloop.seed.data import (
    CALL_SUBJECTS,
    EMAIL_SUBJECTS,
    NOTE_BODIES,
    SOURCE_WEIGHTS,
    TASK_TITLES,
)
from talentloop.seed.generator import PersonDraft
from talentloop.seed.setup import SeedContext
from talentloop.seed.writer import IdSource, Row, RowWriter

DAY = dt.timedelta(days=1)
_TIMES = ("created_at", "updated_at")
PERSON_FIELDS = (
    "id", "workspace", *_TIMES, "first_name", "last_name", "headline", "summary",
    "current_title", "current_company", "current_company_name", "city", "region", "country",
    "time_zone", "seniority", "seniority_rank", "years_experience", "salary_currency",
    "salary_min", "salary_max", "salary_period", "source", "owner", "lifecycle",
    "do_not_contact", "do_not_contact_reason", "custom_fields", "primary_email",
    "primary_phone", "external_id", "last_engaged_at",
)  # fmt: skip
CONTACT_FIELDS = (
    "workspace",
    *_TIMES,
    "person",
    "kind",
    "value",
    "label",
    "is_primary",
    "verified",
)
SKILL_FIELDS = ("person", "name", "normalized", "level", "years")
WORK_FIELDS = (
    "person", "company_name", "title", "start_date", "end_date", "is_current", "description",
    "position",
)  # fmt: skip
EDUCATION_FIELDS = (
    "person",
    "institution",
    "degree",
    "field_of_study",
    "start_date",
    "end_date",
    "position",
)
TAG_FIELDS = ("person", "tag", "created_at")
CANDIDACY_FIELDS = (
    "id", "workspace", *_TIMES, "person", "job", "pool", "stage", "stage_entered_at",
    "outcome", "outcome_reason", "outcome_note", "closed_at", "origin", "source", "owner",
)  # fmt: skip
STAGE_CHANGE_FIELDS = ("candidacy", "stage", "from_stage", "entered_at", "exited_at", "actor")
ACTIVITY_FIELDS = (
    "workspace", *_TIMES, "person", "kind", "actor", "occurred_at", "subject", "body",
    "direction", "data",
)  # fmt: skip
TASK_FIELDS = (
    "workspace", *_TIMES, "person", "title", "description", "kind", "assignee", "created_by",
    "due_at", "snoozed_until", "completed_at",
)  # fmt: skip


@dataclass
class Batch:
    """Rows of one batch, table by table, in foreign-key order."""

    people: list[Row] = field(default_factory=list)
    contacts: list[Row] = field(default_factory=list)
    skills: list[Row] = field(default_factory=list)
    work: list[Row] = field(default_factory=list)
    education: list[Row] = field(default_factory=list)
    tags: list[Row] = field(default_factory=list)
    candidacies: list[Row] = field(default_factory=list)
    stage_changes: list[Row] = field(default_factory=list)
    activities: list[Row] = field(default_factory=list)
    tasks: list[Row] = field(default_factory=list)


class Writers:
    """One RowWriter per table; counts what was written over all batches."""

    def __init__(self, use_copy: bool | None = None) -> None:
        def writer(model: type[Model], names: tuple[str, ...]) -> RowWriter:
            return RowWriter(model, names, use_copy=use_copy)

        self.people = writer(Person, PERSON_FIELDS)
        self.contacts = writer(ContactPoint, CONTACT_FIELDS)
        self.skills = writer(PersonSkill, SKILL_FIELDS)
        self.work = writer(WorkExperience, WORK_FIELDS)
        self.education = writer(Education, EDUCATION_FIELDS)
        self.tags = writer(PersonTag, TAG_FIELDS)
        self.candidacies = writer(Candidacy, CANDIDACY_FIELDS)
        self.stage_changes = writer(StageChange, STAGE_CHANGE_FIELDS)
        self.activities = writer(Activity, ACTIVITY_FIELDS)
        self.tasks = writer(Task, TASK_FIELDS)

    def write(self, batch: Batch) -> None:
        for table in fields(Batch):
            getattr(self, table.name).write(getattr(batch, table.name))

    def total(self) -> int:
        return sum(getattr(self, table.name).count for table in fields(Batch))


@dataclass
class PersonRows:
    """Builds every row of one person into a Batch."""

    context: SeedContext
    rng: random.Random
    now: dt.datetime
    person_id: int
    candidacy_ids: IdSource
    batch: Batch

    def build(self, draft: PersonDraft) -> None:
        created = self.now - dt.timedelta(days=self.rng.uniform(1, 720))
        owner = self.rng.choice(self.context.owners)
        source_id, _name, origin = self.rng.choices(self.context.sources, SOURCE_WEIGHTS)[0]
        self._contacts(draft, created)
        self._history(draft)
        self._tags(created)
        in_job = self._candidacies(created, owner, source_id, origin)
        engaged = self._activities(created, owner)
        self._task(created, owner)
        lifecycle = "candidate" if in_job else ("prospect" if engaged else "lead")
        self.batch.people.append(
            self._person_row(draft, created, owner, source_id, lifecycle, engaged)
        )

    def _person_row(
        self,
        draft: PersonDraft,
        created: dt.datetime,
        owner: int,
        source_id: int,
        lifecycle: str,
        engaged: dt.datetime | None,
    ) -> Row:
        current = draft.jobs[0].company
        place = draft.place
        return (
            self.person_id, self.context.workspace.pk, created, max(created, engaged or created),
            draft.first_name, draft.last_name, draft.headline, "", draft.title,
            self.context.companies.get(current), current, place.city, place.region,
            place.country, place.time_zone, draft.seniority, _rank(draft.seniority),
            f"{draft.years:.1f}", place.currency, draft.salary_min, draft.salary_max, "year",
            source_id, owner, lifecycle, False, "", {}, draft.email, draft.phone, "", engaged,
        )  # fmt: skip

    def _contacts(self, draft: PersonDraft, created: dt.datetime) -> None:
        workspace = self.context.workspace.pk
        common = (workspace, created, created, self.person_id)
        verified = self.rng.random() < 0.6
        self.batch.contacts.append((*common, "email", draft.email, "work", True, verified))
        self.batch.contacts.append((*common, "phone", draft.phone, "mobile", True, False))
        if self.rng.random() < 0.7:
            self.batch.contacts.append((*common, "url", draft.linkedin, "linkedin", False, False))

    def _history(self, draft: PersonDraft) -> None:
        person = self.person_id
        for name, level, years in draft.skills:
            self.batch.skills.append(
                (person, name, " ".join(name.lower().split()), level, f"{years:.1f}")
            )
        for position, job in enumerate(draft.jobs):
            self.batch.work.append(
                (person, job.company, job.title, job.start, job.end, job.end is None, "", position)
            )
        for position, study in enumerate(draft.studies):
            self.batch.education.append(
                (person, study.institution, study.degree, study.field_of_study, study.start,
                 study.end, position)
            )  # fmt: skip

    def _tags(self, created: dt.datetime) -> None:
        if self.rng.random() < 0.25:
            for tag in self.rng.sample(self.context.tags, self.rng.randint(1, 2)):
                self.batch.tags.append((self.person_id, tag, created))

    def _candidacies(self, created: dt.datetime, owner: int, source: int, origin: str) -> bool:
        in_job = False
        roll = self.rng.random()
        if roll < 0.32 and self.context.jobs:
            count = 2 if roll < 0.05 and len(self.context.jobs) > 1 else 1
            for job in self.rng.sample(self.context.jobs, count):
                JobJourney(self, job, owner, source, origin).write(created)
            in_job = True
        if self.rng.random() < 0.06 and self.context.pools:
            self._pool_membership(created, owner)
        return in_job

    def _pool_membership(self, created: dt.datetime, owner: int) -> None:
        pool = self.rng.choice(self.context.pools)
        stage = self.rng.choices(
            self.context.pool_stages, (5, 3, 3, 1)[: len(self.context.pool_stages)]
        )[0]
        entered = created + (self.now - created) * self.rng.random()
        candidacy = self.candidacy_ids.next()
        self.batch.candidacies.append(
            (candidacy, self.context.workspace.pk, entered, entered, self.person_id, None,
             pool.pk, stage.pk, entered, "open", None, "", None, "sourced", None, owner)
        )  # fmt: skip
        self.batch.stage_changes.append((candidacy, stage.pk, None, entered, None, owner))
        data = {"candidacy_id": candidacy, "job_id": None, "pool_id": pool.pk,
                "from_stage_id": None, "to_stage_id": stage.pk, "what": "added"}  # fmt: skip
        self.timeline("stage_change", owner, entered, f"Added to {pool.name}", "", "", data)

    def _activities(self, created: dt.datetime, owner: int) -> dt.datetime | None:
        """Notes, emails and calls; returns the newest engagement (emails and calls)."""
        engaged: dt.datetime | None = None
        for _ in range(self.rng.choices((0, 1, 2, 3, 4), (30, 30, 20, 12, 8))[0]):
            when = created + (self.now - created) * self.rng.random()
            kind = self.rng.choices(("note", "email", "call"), (4, 4, 2))[0]
            if kind == "note":
                self.timeline("note", owner, when, "", self.rng.choice(NOTE_BODIES), "", {})
                continue
            if kind == "email":
                direction = self.rng.choice(("out", "out", "in"))
                subject, body = self.rng.choice(EMAIL_SUBJECTS), "Thanks — let's keep in touch."
            else:
                direction, subject = "out", self.rng.choice(CALL_SUBJECTS)
                body = f"Spoke for {self.rng.randint(10, 45)} minutes."
            self.timeline(kind, owner, when, subject, body, direction, {})
            engaged = when if engaged is None else max(engaged, when)
        return engaged

    def timeline(
        self,
        kind: str,
        actor: int | None,
        when: dt.datetime,
        subject: str,
        body: str,
        direction: str,
        data: Mapping[str, object],
    ) -> None:
        self.batch.activities.append(
            (self.context.workspace.pk, when, when, self.person_id, kind, actor, when, subject,
             body, direction, data)
        )  # fmt: skip

    def _task(self, created: dt.datetime, owner: int) -> None:
        if self.rng.random() >= 0.06:
            return
        when = self.rng.choice(("today", "overdue", "upcoming"))
        due = {
            "today": self.now + dt.timedelta(hours=self.rng.uniform(0.5, 6)),
            "overdue": self.now - dt.timedelta(days=self.rng.uniform(1, 10)),
            "upcoming": self.now + dt.timedelta(days=self.rng.uniform(1, 14)),
        }[when]
        done = self.now - DAY * self.rng.uniform(0, 1) if self.rng.random() < 0.15 else None
        self.batch.tasks.append(
            (self.context.workspace.pk, created, created, self.person_id,
             self.rng.choice(TASK_TITLES), "", "todo", owner, owner, due, None, done)
        )  # fmt: skip


# Typical days spent in each job stage before moving on, by stage key.
STAGE_DAYS = {
    "sourced": (1, 5),
    "contacted": (2, 7),
    "applied": (1, 4),
    "screening": (2, 8),
    "interview": (5, 14),
    "assessment": (3, 10),
    "offer": (2, 7),
}
FUNNEL_WEIGHTS = (10, 9, 8, 7, 5, 3, 3)


@dataclass
class JobJourney:
    """One candidacy's walk through a job pipeline: stays, outcome, timeline entries."""

    person: PersonRows
    job: Job
    owner: int
    source: int
    origin: str

    def write(self, created: dt.datetime) -> None:
        rng, stages = self.person.rng, self.person.context.job_stages
        active = stages[:-1]
        first = 2 if self.origin in {"applied", "referred"} else 0
        target = rng.choices(range(first, len(active)), FUNNEL_WEIGHTS[first : len(active)])[0]
        path = list(active[first : target + 1])
        stays = self._stays(path, created)
        outcome, closed, reason = self._outcome(stays, path)
        if outcome == "hired" and closed is not None:
            stays.append((stages[-1], closed))
        self._rows(stays, outcome, closed, reason)

    def _stays(self, path: list[Stage], created: dt.datetime) -> list[tuple[Stage, dt.datetime]]:
        rng, now = self.person.rng, self.person.now
        days = [rng.uniform(*STAGE_DAYS.get(stage.key, (2, 7))) for stage in path]
        opened = self.job.opened_at or created
        start = max(opened, now - DAY * (sum(days) + rng.uniform(1, 40)))
        stays, entered = [], start
        for stage, stay_days in zip(path, days, strict=True):
            if entered >= now:
                break
            stays.append((stage, entered))
            entered = entered + DAY * stay_days
        return stays

    def _outcome(
        self, stays: list[tuple[Stage, dt.datetime]], path: list[Stage]
    ) -> tuple[str, dt.datetime | None, int | None]:
        rng, now, context = self.person.rng, self.person.now, self.person.context
        last_entered = stays[-1][1]
        closed = min(now, last_entered + DAY * rng.uniform(0.5, 5))
        roll = rng.random()
        if stays[-1][0].key == "offer" and roll < 0.5:
            return "hired", closed, None
        if roll < 0.28 and context.rejection_reasons:
            return "rejected", closed, rng.choice(context.rejection_reasons)
        if roll < 0.34 and context.withdrawal_reasons:
            return "withdrawn", closed, rng.choice(context.withdrawal_reasons)
        return "open", None, None

    def _rows(
        self,
        stays: list[tuple[Stage, dt.datetime]],
        outcome: str,
        closed: dt.datetime | None,
        reason: int | None,
    ) -> None:
        person, workspace = self.person, self.person.context.workspace.pk
        candidacy = person.candidacy_ids.next()
        current, entered = stays[-1]
        first_entered = stays[0][1]
        person.batch.candidacies.append(
            (candidacy, workspace, first_entered, closed or entered, person.person_id, self.job.pk,
             None, current.pk, entered, outcome, reason, "", closed, self.origin, self.source,
             self.owner)
        )  # fmt: skip
        previous: Stage | None = None
        for index, (stage, stay_entered) in enumerate(stays):
            exited = stays[index + 1][1] if index + 1 < len(stays) else None
            person.batch.stage_changes.append(
                (candidacy, stage.pk, previous.pk if previous else None, stay_entered, exited,
                 self.owner)
            )  # fmt: skip
            what = (
                "added"
                if previous is None
                else ("hired" if stage == stays[-1][0] and outcome == "hired" else "moved")
            )
            subject = f"Added to {self.job.title}" if previous is None else f"Moved to {stage.name}"
            if what == "hired":
                subject = f"Hired — {self.job.title}"
            self._log(candidacy, previous, stage, stay_entered, what, subject)
            previous = stage
        if outcome in {"rejected", "withdrawn"} and closed is not None:
            self._log(
                candidacy,
                current,
                current,
                closed,
                outcome,
                f"{outcome.capitalize()} — {self.job.title}",
            )

    def _log(
        self,
        candidacy: int,
        from_stage: Stage | None,
        to_stage: Stage,
        when: dt.datetime,
        what: str,
        subject: str,
    ) -> None:
        data = {"candidacy_id": candidacy, "job_id": self.job.pk, "pool_id": None,
                "from_stage_id": from_stage.pk if from_stage else None,
                "to_stage_id": to_stage.pk, "what": what}  # fmt: skip
        self.person.timeline("stage_change", self.owner, when, subject, "", "", data)


def _rank(seniority: str) -> int:
    return seniority_rank(seniority)
