"""Clauses about related rows: candidacies (jobs and talent pools), activity, consent, skills."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable

from django.apps import apps
from django.db.models import OuterRef, Q, Subquery

from talentloop.people.domain import SkillLevel
from talentloop.people.models import Activity
from talentloop.recruiting.models import Candidacy, Stage
from talentloop.search.domain import Clause, Op, QueryError, RelativeDate
from talentloop.search.values import date_q, having

_COMPARE: dict[Op, Callable[[int, int], bool]] = {
    Op.MATCH: operator.eq,
    Op.EQ: operator.eq,
    Op.LT: operator.lt,
    Op.LE: operator.le,
    Op.GT: operator.gt,
    Op.GE: operator.ge,
}
_POSITION_LOOKUPS = {Op.LT: "lt", Op.LE: "lte", Op.GT: "gt", Op.GE: "gte"}


def candidacy_exists(clauses: list[Clause], now: dt.datetime, workspace_id: int) -> Q:
    """One candidacy of the person meets every clause."""
    candidacies = Candidacy.objects.filter(workspace_id=workspace_id)
    for clause in clauses:
        candidacies = candidacies.filter(_candidacy_q(clause, now))
    return having(candidacies)


def _candidacy_q(clause: Clause, now: dt.datetime) -> Q:
    value = clause.value
    text = str(value).strip()
    in_job = Q(job__isnull=False)
    if clause.field == "job":
        return Q(job_id=int(text)) if text.isdigit() else Q(job__title__iexact=text)
    if clause.field == "pool":
        return Q(pool_id=int(text)) if text.isdigit() else Q(pool__name__iexact=text)
    if clause.field == "stage":
        return in_job & _stage_q(clause.op, text)
    if clause.field == "reached":
        return in_job & _stage_q(Op.GE, text)
    if clause.field == "pool_stage":
        return Q(pool__isnull=False) & _stage_q(clause.op, text)
    if clause.field == "outcome":
        return Q(outcome=text)
    if clause.field == "hired":
        return Q(outcome="hired")
    if clause.field == "rejected":
        return Q(outcome="rejected") if value is True else Q(outcome_reason__name__iexact=text)
    rejected = Q(outcome="rejected")
    if clause.field == "rejected_stage":
        return rejected & _stage_q(clause.op, text)
    assert isinstance(value, dt.date | RelativeDate)  # rejected_at, typed by the parser
    return rejected & date_q("closed_at", clause.op, value, now)


def _stage_q(op: Op, name: str) -> Q:
    """The candidacy's stage is `name` (key or name), or before/after it in its pipeline."""
    if op in {Op.MATCH, Op.EQ}:
        return Q(stage__key=name.lower()) | Q(stage__name__iexact=name)
    # Why a subquery per pipeline: positions only compare within one pipeline, and each
    # job may use a different template.
    threshold = Stage.objects.filter(pipeline_id=OuterRef("stage__pipeline_id")).filter(
        Q(key=name.lower()) | Q(name__iexact=name)
    )
    position = Subquery(threshold.order_by().values("position")[:1])
    return Q(**{f"stage__position__{_POSITION_LOOKUPS[op]}": position})


def activity_q(clause: Clause, now: dt.datetime, workspace_id: int) -> Q:
    """emailed / replied (yes, or when), and no_activity (nothing on the timeline since)."""
    value = clause.value
    activities = Activity.objects.filter(workspace_id=workspace_id)
    if clause.field == "no_activity":
        assert isinstance(value, dt.date | RelativeDate)
        recent = activities.filter(occurred_at__gte=_cutoff(value, now))
        return ~having(recent, many=True)
    emails = activities.filter(kind="email")
    if clause.field == "replied":
        emails = emails.filter(direction="in")
    else:
        emails = emails.exclude(direction="in")
    if isinstance(value, dt.date | RelativeDate):
        emails = emails.filter(date_q("occurred_at", clause.op, value, now))
    return having(emails)


def _cutoff(value: dt.date | RelativeDate, now: dt.datetime) -> dt.datetime:
    if isinstance(value, RelativeDate):
        return value.since(now)
    return dt.datetime.combine(value, dt.time.min, tzinfo=now.tzinfo)


def consent_q(clause: Clause, now: dt.datetime, workspace_id: int) -> Q:
    """Live consent (given, not withdrawn, not expired), for any purpose or the one named."""
    try:
        bases = apps.get_model("outreach", "ContactBasis")
    except LookupError:
        raise QueryError(
            "consent data not available",
            position=clause.position,
            hint="consent is recorded by the outreach module, which is not installed",
        ) from None
    live = Q(basis="consent", withdrawn_at__isnull=True) & (
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )
    rows = bases._default_manager.filter(live, workspace_id=workspace_id)
    if isinstance(clause.value, str):
        rows = rows.filter(purpose__iexact=clause.value.strip())
    return having(rows)


def levels_matching(clause: Clause) -> list[str]:
    """The skill levels that satisfy `skill_level op value` (levels are ordered)."""
    order = list(SkillLevel)
    wanted = order.index(SkillLevel(str(clause.value)))
    compare = _COMPARE[clause.op]
    return [level.value for index, level in enumerate(order) if compare(index, wanted)]
