"""The few shared rows a seeded workspace needs: users, sources, tags, companies, jobs, pools.

These go through the ordinary actions (they are few, and it gives them audit history);
only the bulk people rows bypass actions, see seed/runner.py.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction

from talentloop.accounts.actions import do_create_user
from talentloop.accounts.domain import Role
from talentloop.accounts.models import User, Workspace
from talentloop.people.actions import do_create_tag
from talentloop.people.catalog_actions import do_add_source_cost, do_create_source
from talentloop.people.models import Company, Source, Tag
from talentloop.recruiting.actions import default_pipeline, do_create_job, do_create_pool
from talentloop.recruiting.domain import PipelineKind, ReasonKind, StageCategory
from talentloop.recruiting.models import Job, RejectionReason, Stage, TalentPool
from talentloop.seed.data import COMPANIES, FAMILIES, PLACES, POOLS, SOURCES, TAGS

WRITER_ROLES = (Role.ADMIN.value, Role.RECRUITER.value, Role.COORDINATOR.value)


@dataclass
class SeedContext:
    """Ids the bulk phase links people to."""

    workspace: Workspace
    owners: list[int]
    sources: list[tuple[int, str, str]]  # id, name, origin
    tags: list[int]
    companies: dict[str, int]
    jobs: list[Job]
    job_stages: list[Stage]  # ordered; the last is "hired"
    pools: list[TalentPool]
    pool_stages: list[Stage]
    rejection_reasons: list[int]
    withdrawal_reasons: list[int]
    owner_names: dict[int, str] = field(default_factory=dict)


@transaction.atomic
def prepare(workspace: Workspace, rng: random.Random, now: dt.datetime) -> SeedContext:
    """Create (or reuse) everything people are linked to; safe to run twice."""
    owners = _owners(workspace)
    job_pipeline = default_pipeline(workspace, PipelineKind.JOB)
    pool_pipeline = default_pipeline(workspace, PipelineKind.POOL)
    reasons = RejectionReason.objects.filter(workspace=workspace, active=True)
    return SeedContext(
        workspace=workspace,
        owners=[user.pk for user in owners],
        sources=_sources(workspace, now),
        tags=_tags(workspace),
        companies=_companies(workspace),
        jobs=_jobs(workspace, rng, owners, now),
        job_stages=list(job_pipeline.stages.order_by("position")),
        pools=_pools(workspace, owners),
        pool_stages=list(pool_pipeline.stages.order_by("position")),
        rejection_reasons=[r.pk for r in reasons if r.kind == ReasonKind.REJECTED],
        withdrawal_reasons=[r.pk for r in reasons if r.kind == ReasonKind.WITHDRAWN],
    )


def _owners(workspace: Workspace) -> list[User]:
    users = User.objects.filter(workspace=workspace, is_active=True, role__in=WRITER_ROLES)
    owners = list(users.order_by("id"))
    if owners:
        return owners
    # A bare workspace gets three recruiters to own people; they cannot log in until an
    # admin sets a password for them.
    return [
        do_create_user(
            workspace=workspace,
            actor=None,
            email=f"recruiter{number}@{workspace.slug}.seed.test",
            password=None,
            role=Role.RECRUITER,
            full_name=name,
        )
        for number, name in enumerate(("Riley Chen", "Sam Okafor", "Noor Haddad"), start=1)
    ]


def _sources(workspace: Workspace, now: dt.datetime) -> list[tuple[int, str, str]]:
    result = []
    for name, kind, origin, monthly_cost in SOURCES:
        source = Source.objects.filter(workspace=workspace, name=name).first()
        if source is None:
            source = do_create_source(actor=None, workspace=workspace, name=name, kind=kind)
            _add_costs(source, monthly_cost, now.date())
        result.append((source.pk, name, origin))
    return result


def _add_costs(source: Source, monthly_cost: int, today: dt.date) -> None:
    """Six months of spend, so cost-per-hire has something to divide."""
    if not monthly_cost:
        return
    month_start = today.replace(day=1)
    for _ in range(6):
        previous_end = month_start - dt.timedelta(days=1)
        month_start = previous_end.replace(day=1)
        do_add_source_cost(
            actor=None,
            source=source,
            amount=monthly_cost,
            currency="USD",
            period_start=month_start,
            period_end=previous_end,
            note=f"{source.name} spend",
        )


def _tags(workspace: Workspace) -> list[int]:
    ids = []
    for name, color in TAGS:
        tag = Tag.objects.filter(workspace=workspace, name=name).first()
        tag = tag or do_create_tag(actor=None, workspace=workspace, name=name, color=color)
        ids.append(tag.pk)
    return ids


def _companies(workspace: Workspace) -> dict[str, int]:
    # Why bulk and not do_create_company: reference data, written once per workspace.
    existing = set(Company.objects.filter(workspace=workspace).values_list("name", flat=True))
    Company.objects.bulk_create(
        Company(
            workspace=workspace,
            name=name,
            domain=domain,
            website=f"https://{domain}",
            industry=industry,
            is_client=name == "Acme Talent",
        )
        for name, domain, industry in COMPANIES
        if name not in existing
    )
    return dict(Company.objects.filter(workspace=workspace).values_list("name", "id"))


def _jobs(
    workspace: Workspace, rng: random.Random, owners: list[User], now: dt.datetime
) -> list[Job]:
    existing = list(Job.objects.filter(workspace=workspace).order_by("id"))
    if existing:
        return existing
    managers = list(User.objects.filter(workspace=workspace, role=Role.HIRING_MANAGER.value))
    jobs = []
    for number in range(rng.randint(6, 10)):
        job = do_create_job(
            actor=None, workspace=workspace, fields=_job_fields(rng, number, owners, managers)
        )
        opened = now - dt.timedelta(days=rng.randint(60, 200))
        Job.objects.filter(pk=job.pk).update(opened_at=opened, created_at=opened)
        job.opened_at = opened
        jobs.append(job)
    return jobs


def _job_fields(
    rng: random.Random, number: int, owners: list[User], managers: list[User]
) -> dict[str, object]:
    family = FAMILIES[number % len(FAMILIES)]
    place = rng.choice(PLACES)
    title = ("Senior " if number % 3 == 0 else "") + family.titles[number % len(family.titles)]
    salary = int(place.salary_mid * family.salary_factor * (1.3 if "Senior" in title else 1.0))
    return {
        "title": title,
        "department": family.department,
        "city": place.city,
        "country": place.country,
        "remote_policy": rng.choice(["onsite", "hybrid", "hybrid", "remote"]),
        "salary_currency": place.currency,
        "salary_min": salary // 1000 * 1000,
        "salary_max": int(salary * 1.2) // 1000 * 1000,
        "status": "on_hold" if number == 5 else "open",
        "openings": rng.randint(1, 3),
        "required_skills": list(family.skills[:3]),
        "nice_to_have_skills": list(family.skills[3:5]),
        "min_years": 5 if "Senior" in title else 2,
        "recruiter_id": owners[number % len(owners)].pk,
        "hiring_manager_id": managers[number % len(managers)].pk if managers else None,
    }


def _pools(workspace: Workspace, owners: list[User]) -> list[TalentPool]:
    existing = list(TalentPool.objects.filter(workspace=workspace).order_by("id"))
    if existing:
        return existing
    return [
        do_create_pool(
            actor=None,
            workspace=workspace,
            name=name,
            description=text,
            owner=owners[index % len(owners)],
        )
        for index, (name, text) in enumerate(POOLS)
    ]


def hired_stage(stages: list[Stage]) -> Stage:
    return next(stage for stage in stages if stage.category == StageCategory.HIRED)
