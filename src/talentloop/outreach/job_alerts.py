"""Job alerts: a weekly digest of newly opened jobs matching what a person opted in for.

A person opts in through the preference centre (ContactPreference: job_alerts, role
interests, locations, seniorities). Once a week per workspace a due item queues one digest
per subscriber with at least one match, under the key person + ISO week, inside the
person's business hours. Matching is pure (`matches`) and tested without a database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from html import escape

from django.db.models import Q

from talentloop.core import clock, scheduling
from talentloop.core.models import DueItem
from talentloop.outreach import links
from talentloop.outreach.actions import queue_message
from talentloop.outreach.models import ContactPreference, Mailbox
from talentloop.outreach.rendering import Rendered
from talentloop.outreach.sending_window import BusinessHours, next_send_slot, resolve_zone
from talentloop.people.domain import Seniority
from talentloop.recruiting.models import Job

DIGEST_KIND = "outreach.job_alerts"
TOPIC = "job_alerts"
MAX_JOBS = 10
_SENIORITY_WORDS = {
    Seniority.INTERN.value: ("intern", "internship"),
    Seniority.JUNIOR.value: ("junior", "jr", "graduate", "entry"),
    Seniority.MID.value: ("mid", "intermediate"),
    Seniority.SENIOR.value: ("senior", "sr"),
    Seniority.LEAD.value: ("lead", "staff"),
    Seniority.PRINCIPAL.value: ("principal",),
    Seniority.DIRECTOR.value: ("director", "head"),
    Seniority.EXECUTIVE.value: ("vp", "chief", "cto", "ceo", "cfo", "executive"),
}


@dataclass(frozen=True)
class JobFacts:
    job_id: int
    title: str
    department: str
    city: str
    country: str
    remote: bool


@dataclass(frozen=True)
class Interests:
    roles: tuple[str, ...]
    locations: tuple[str, ...]
    seniorities: tuple[str, ...]


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9+#]+", text.lower()))


def matches(job: JobFacts, interests: Interests) -> bool:
    """A job matches when every preference the person gave is met (empty ones match all)."""
    return (
        _role_matches(job, interests.roles)
        and _place_matches(job, interests.locations)
        and (_seniority_matches(job, interests.seniorities))
    )


def _role_matches(job: JobFacts, roles: Sequence[str]) -> bool:
    if not roles:
        return True
    haystack = _words(f"{job.title} {job.department}")
    return any(_words(role) and _words(role) <= haystack for role in roles)


def _place_matches(job: JobFacts, locations: Sequence[str]) -> bool:
    if not locations:
        return True
    wanted = {location.strip().lower() for location in locations}
    if job.remote and "remote" in wanted:
        return True
    return bool({job.city.lower(), job.country.lower()} & wanted - {""})


def _seniority_matches(job: JobFacts, seniorities: Sequence[str]) -> bool:
    if not seniorities:
        return True
    title = _words(job.title)
    return any(title & set(_SENIORITY_WORDS.get(level, ())) for level in seniorities)


def digest(jobs: Sequence[JobFacts], *, preferences_url: str) -> Rendered:
    """The digest email for some jobs (escaped, with a link to change preferences)."""
    count = len(jobs)
    subject = f"{count} new job{'s' if count != 1 else ''} for you"
    items_html = "".join(f"<li>{escape(job.title)}{escape(_where(job))}</li>" for job in jobs)
    items_text = "\n".join(f"- {job.title}{_where(job)}" for job in jobs)
    html = (
        f"<p>New roles matching your interests:</p><ul>{items_html}</ul>"
        f'<p><a href="{escape(preferences_url)}">Change your job alerts</a></p>'
    )
    text = (
        f"New roles matching your interests:\n\n{items_text}\n\n"
        f"Change your job alerts: {preferences_url}\n"
    )
    return Rendered(subject=subject, html=html, text=text)


def _where(job: JobFacts) -> str:
    place = ", ".join(part for part in (job.city, job.country) if part)
    if job.remote:
        place = f"{place} (remote)" if place else "remote"
    return f" — {place}" if place else ""


def week_label(moment: datetime) -> str:
    year, week, _ = moment.isocalendar()
    return f"{year}-W{week:02d}"


# Database side ----------------------------------------------------------------------------


def new_open_jobs(workspace_id: int, since: datetime) -> list[JobFacts]:
    opened = Q(opened_at__gte=since) | Q(opened_at__isnull=True, created_at__gte=since)
    rows = Job.objects.filter(opened, workspace_id=workspace_id, status="open").order_by("-id")
    return [
        JobFacts(
            job_id=job.pk,
            title=job.title,
            department=job.department,
            city=job.city,
            country=job.country,
            remote=job.remote_policy in ("remote", "hybrid"),
        )
        for job in rows[:500]
    ]


def alerts_mailbox(workspace_id: int) -> Mailbox | None:
    """The shared mailbox job alerts go out from (else any active one)."""
    active = Mailbox.objects.filter(workspace_id=workspace_id, active=True).order_by("id")
    return active.filter(owner__isnull=True).first() or active.first()


def send_digests(workspace_id: int, *, now: datetime) -> int:
    """Queue this week's digest for every subscriber with a match; returns how many."""
    mailbox = alerts_mailbox(workspace_id)
    jobs = new_open_jobs(workspace_id, now - timedelta(days=7))
    if mailbox is None or not jobs:
        return 0
    queued = 0
    subscribers = ContactPreference.objects.filter(
        workspace_id=workspace_id, job_alerts=True, unsubscribed_all_at__isnull=True
    ).select_related("person__workspace")
    for preference in subscribers:
        queued += _queue_digest(preference, mailbox, jobs, now)
    return queued


def _queue_digest(
    preference: ContactPreference, mailbox: Mailbox, jobs: Iterable[JobFacts], now: datetime
) -> int:
    interests = Interests(
        roles=tuple(preference.role_interests or ()),
        locations=tuple(preference.locations or ()),
        seniorities=tuple(preference.seniorities or ()),
    )
    chosen = [job for job in jobs if matches(job, interests)][:MAX_JOBS]
    person = preference.person
    if not chosen or not person.primary_email:
        return 0
    link_map = links.recipient_links(
        workspace_id=person.workspace_id, address=person.primary_email, person_id=person.pk
    )
    zone = resolve_zone(person.time_zone)
    queue_message(
        actor=None,
        workspace=person.workspace,
        mailbox=mailbox,
        person=person,
        rendered=digest(chosen, preferences_url=link_map["preferences"]),
        idempotency_key=f"job-alerts:{person.pk}:{week_label(now)}",
        topic=TOPIC,
        send_after=next_send_slot(now, zone, BusinessHours()),
    )
    return 1


def run_digest(item: DueItem) -> None:
    """Due-item handler: this week's digests for one workspace."""
    send_digests(int(item.payload["workspace_id"]), now=clock.now())


def schedule_week(now: datetime) -> int:
    """Book this week's digest run for every workspace that has subscribers (idempotent)."""
    workspace_ids = (
        ContactPreference.objects.filter(job_alerts=True)
        .values_list("workspace_id", flat=True)
        .distinct()
    )
    for workspace_id in workspace_ids:
        schedule_digest(workspace_id, now=now)
    return len(workspace_ids)


def schedule_digest(workspace_id: int, *, now: datetime) -> DueItem:
    """The digest run of `now`'s ISO week (Monday 08:00 UTC), once per workspace."""
    monday = (now - timedelta(days=now.weekday())).date()
    due_at = datetime.combine(monday, time(8, 0), tzinfo=UTC)
    return scheduling.schedule(
        DIGEST_KIND,
        due_at=due_at,
        key=f"{DIGEST_KIND}:{workspace_id}:{week_label(now)}",
        payload={"workspace_id": workspace_id},
        workspace_id=workspace_id,
    )
