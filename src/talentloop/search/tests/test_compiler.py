"""The query language against real rows, through the viewer-scoped `people_matching`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from talentloop.accounts.models import User
from talentloop.conftest import Personas
from talentloop.people.domain import Seniority
from talentloop.people.models import (
    Activity,
    Attachment,
    ContactPoint,
    CustomFieldDefinition,
    Person,
    PersonSkill,
    PersonTag,
)
from talentloop.recruiting.models import Candidacy, Job, RejectionReason, Stage, TalentPool
from talentloop.search import fulltext
from talentloop.search.compiler import compile_node
from talentloop.search.domain import QueryError, parse
from talentloop.search.queries import people_matching
from talentloop.testing.factories import (
    JobFactory,
    PersonFactory,
    SourceFactory,
    TagFactory,
    TalentPoolFactory,
)

DAY = dt.timedelta(days=1)


@dataclass
class World:
    personas: Personas
    now: dt.datetime
    job_a: Job
    job_b: Job
    pool: TalentPool


def _person(world_ws: object, first_name: str, **fields: object) -> Person:
    seniority = fields.get("seniority")
    if seniority:
        fields["seniority_rank"] = Seniority(str(seniority)).rank
    return PersonFactory(workspace=world_ws, first_name=first_name, last_name="Test", **fields)  # type: ignore[no-any-return]


def _candidacy(
    person: Person,
    *,
    job: Job | None = None,
    pool: TalentPool | None = None,
    stage: str,
    outcome: str = "open",
    closed_at: dt.datetime | None = None,
    reason: str = "",
) -> Candidacy:
    pipeline = job.pipeline if job is not None else pool.pipeline  # type: ignore[union-attr]
    reason_row = (
        RejectionReason.objects.get(workspace=person.workspace, name=reason) if reason else None
    )
    return Candidacy.objects.create(  # type: ignore[no-any-return]
        workspace=person.workspace,
        person=person,
        job=job,
        pool=pool,
        stage=Stage.objects.get(pipeline=pipeline, key=stage),
        stage_entered_at=closed_at or timezone.now(),
        outcome=outcome,
        closed_at=closed_at,
        outcome_reason=reason_row,
    )


def _activity(person: Person, kind: str, when: dt.datetime, direction: str = "") -> None:
    Activity.objects.create(
        workspace=person.workspace, person=person, kind=kind, occurred_at=when, direction=direction
    )


@pytest.fixture
def world(personas: Personas) -> World:
    ws = personas.workspace
    now = timezone.now()
    job_a = JobFactory(
        workspace=ws, title="Backend Engineer", hiring_manager=personas.hiring_manager
    )
    job_b = JobFactory(workspace=ws, title="Data Engineer")
    pool = TalentPoolFactory(workspace=ws, name="Backend bench")
    linkedin = SourceFactory(workspace=ws, name="LinkedIn")
    vip, do_not_hire = (
        TagFactory(workspace=ws, name="vip"),
        TagFactory(workspace=ws, name="Do Not Hire"),
    )
    for key, kind in [
        ("notice", "number"),
        ("remote", "boolean"),
        ("start", "date"),
        ("visa", "choice"),
        ("notes", "text"),
    ]:
        CustomFieldDefinition.objects.create(workspace=ws, key=key, label=key, field_type=kind)

    ann = _person(
        ws, "Ann", city="Berlin", region="Berlin", country="DE", seniority="senior",
        years_experience=7, salary_min=70000, salary_max=85000, salary_currency="EUR",
        salary_period="year", lifecycle="prospect", owner=personas.recruiter, source=linkedin,
        primary_email="ann@example.com", last_engaged_at=now - 10 * DAY,
        headline="Python data engineer", current_title="Staff Engineer",
        current_company_name="Acme GmbH", time_zone="Europe/Berlin",
        custom_fields={
            "notice": 30, "remote": True, "start": "2026-07-01", "visa": "EU", "notes": "Loves Rust"
        },
    )  # fmt: skip
    bob = _person(
        ws, "Bob", city="Munich", country="DE", seniority="junior", years_experience=2,
        do_not_contact=True, last_engaged_at=None, primary_phone="+4930123456",
        custom_fields={"notice": 90, "remote": False},
    )  # fmt: skip
    cara = _person(
        ws, "Cara", city="berlin", country="AT", seniority="lead", years_experience=10,
        salary_max=120000, last_engaged_at=now - 100 * DAY, lifecycle="candidate",
    )  # fmt: skip
    dan = _person(ws, "Dan", city="Paris", country="FR", seniority="mid", years_experience=4)
    eve = _person(ws, "Eve", city="Rome", country="IT", owner=personas.admin)
    _person(personas.outsider.workspace, "Zed", city="Berlin", country="DE")

    PersonSkill.objects.create(
        person=ann, name="Python", normalized="python", level="expert", years=6
    )
    PersonSkill.objects.create(
        person=bob, name="Python", normalized="python", level="beginner", years=1
    )
    PersonSkill.objects.create(person=bob, name="Go", normalized="go", level="expert", years=5)
    PersonSkill.objects.create(
        person=cara, name="Java", normalized="java", level="advanced", years=8
    )
    PersonTag.objects.create(person=ann, tag=vip)
    PersonTag.objects.create(person=bob, tag=do_not_hire)
    ContactPoint.objects.create(
        workspace=ws, person=dan, kind="url", value="https://example.com/dan"
    )
    Attachment.objects.create(
        workspace=ws, person=eve, file="x.pdf", original_name="cv.pdf",
        content_type="application/pdf", size=1, sha256="0" * 64,
    )  # fmt: skip

    # Cara: a silver medallist (rejected at offer, six months ago).
    _candidacy(cara, job=job_a, stage="offer", outcome="rejected", closed_at=now - 180 * DAY,
               reason="Salary expectations too high")  # fmt: skip
    # Dan: rejected at screening recently and at offer long ago, in different jobs; hired once.
    _candidacy(dan, job=job_a, stage="screening", outcome="rejected", closed_at=now - 90 * DAY,
               reason="Skills mismatch")  # fmt: skip
    _candidacy(dan, job=job_b, stage="offer", outcome="rejected", closed_at=now - 1100 * DAY)
    _candidacy(ann, job=job_b, stage="interview")
    _candidacy(eve, pool=pool, stage="engaged")
    eve_job = JobFactory(workspace=ws, title="Support Lead")
    _candidacy(eve, job=eve_job, stage="hired", outcome="hired", closed_at=now - 30 * DAY)

    _activity(cara, "email", now - 5 * DAY, "out")
    _activity(ann, "email", now - 20 * DAY, "in")
    _activity(ann, "note", now - 2 * DAY)
    _activity(dan, "email", now - 200 * DAY, "out")
    return World(personas, now, job_a, job_b, pool)


def names(user: User, text: str) -> set[str]:
    return set(people_matching(user, text).values_list("first_name", flat=True))


CASES = [
    # the person
    ("name:ann", {"Ann"}),
    ('name:"ann test"', {"Ann"}),
    ('name="Ann Test"', {"Ann"}),
    ("first_name:an", {"Ann", "Dan"}),
    ("headline:python", {"Ann"}),
    ("title:staff", {"Ann"}),
    ("company:acme", {"Ann"}),
    ("email:@example.com", {"Ann"}),
    ("phone:+4930", {"Bob"}),
    ("city:BERLIN", {"Ann", "Cara"}),
    ("city!=berlin", {"Bob", "Dan", "Eve"}),
    ("region:berlin", {"Ann"}),
    ("country:de", {"Ann", "Bob"}),
    ("timezone:europe/berlin", {"Ann"}),
    ("seniority>=senior", {"Ann", "Cara"}),
    ("seniority:junior", {"Bob"}),
    ("seniority<mid", {"Bob", "Eve"}),
    ("years>=5", {"Ann", "Cara"}),
    ("years<4", {"Bob"}),
    ("salary.max<=90000", {"Ann"}),
    ("salary.min>60000", {"Ann"}),
    ("salary.currency:eur", {"Ann"}),
    ("salary.period:year", {"Ann"}),
    ("lifecycle:candidate", {"Cara"}),
    ("owner:recruiter@acme.test", {"Ann"}),
    ("owner:me", {"Eve"}),
    ("source:linkedin", {"Ann"}),
    ("last_engaged<30d", {"Ann"}),
    ("last_engaged>60d", {"Bob", "Cara", "Dan", "Eve"}),
    ("do_not_contact:yes", {"Bob"}),
    ("NOT do_not_contact:yes city:berlin", {"Ann", "Cara"}),
    ("has:email", {"Ann"}),
    ("has:phone", {"Bob"}),
    ("has:link", {"Dan"}),
    ("has:resume", {"Eve"}),
    ("has:salary", {"Ann", "Cara"}),
    ("has:owner", {"Ann", "Eve"}),
    ("has:skills", {"Ann", "Bob", "Cara"}),
    ("has:tags", {"Ann", "Bob"}),
    ("remote:yes", {"Ann"}),
    ("remote:no", {"Bob", "Cara", "Dan", "Eve"}),
    ("created<1d", {"Ann", "Bob", "Cara", "Dan", "Eve"}),
    ("created>1d", set()),
    # skills and tags
    ("skills:python", {"Ann", "Bob"}),
    ("skill:PYTHON skill_level>=advanced", {"Ann"}),
    ("skills:python skill_years>=5", {"Ann"}),
    ("skill_level:expert", {"Ann", "Bob"}),
    ('tag:"do not hire"', {"Bob"}),
    ('NOT tag:"do not hire" skills:python', {"Ann"}),
    # custom fields
    ("custom.notice<=30", {"Ann"}),
    ("cf.notice>30", {"Bob"}),
    ("custom.remote:yes", {"Ann"}),
    ("custom.start>=2026-06-01", {"Ann"}),
    ("custom.visa:eu", {"Ann"}),
    ("custom.notes:rust", {"Ann"}),
    # candidacies
    ('job:"backend engineer"', {"Cara", "Dan"}),
    ("stage:interview", {"Ann"}),
    ("stage>=screening", {"Ann", "Cara", "Dan", "Eve"}),
    ("reached:interview", {"Ann", "Cara", "Dan", "Eve"}),
    ("reached:offer", {"Cara", "Dan", "Eve"}),
    ("outcome:open", {"Ann", "Eve"}),
    ("hired:yes", {"Eve"}),
    ("hired:no", {"Ann", "Bob", "Cara", "Dan"}),
    ("rejected:yes", {"Cara", "Dan"}),
    ('rejected:"skills mismatch"', {"Dan"}),
    ("rejected_at<18m", {"Cara", "Dan"}),
    ("rejected_stage>=interview rejected_at<18m", {"Cara"}),
    ("rejected_stage:offer", {"Cara", "Dan"}),
    ('pool:"Backend bench"', {"Eve"}),
    ('pool:"backend bench" pool_stage:engaged', {"Eve"}),
    ("pool_stage>engaged", set()),
    # activity
    ("emailed<30d", {"Cara"}),
    ("emailed:yes", {"Cara", "Dan"}),
    ("emailed:no", {"Ann", "Bob", "Eve"}),
    ("emailed>60d", {"Dan"}),
    ("replied<30d", {"Ann"}),
    ("replied:yes", {"Ann"}),
    ("no_activity>60d", {"Bob", "Dan", "Eve"}),
    # combinations
    ("city:berlin OR seniority:junior", {"Ann", "Bob", "Cara"}),
    ("(city:berlin OR remote:yes) AND seniority>=senior AND years>=5", {"Ann", "Cara"}),
    ("skills:python city:berlin", {"Ann"}),
    ("country:de NOT tag:vip", {"Bob"}),
    ("owner:me NOT hired:no", {"Eve"}),
    ("country:at rejected_stage:offer rejected_at<18m", {"Cara"}),
    ("", {"Ann", "Bob", "Cara", "Dan", "Eve"}),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[case[0] or "blank" for case in CASES])
def test_queries_find_the_right_people(world: World, text: str, expected: set[str]) -> None:
    viewer = world.personas.admin

    assert names(viewer, text) == expected


def test_silver_medallist_clauses_describe_one_candidacy(world: World) -> None:
    # Dan was rejected at offer (long ago) and rejected recently (at screening): not one
    # rejection at offer in the last 18 months, so he is no silver medallist.
    admin = world.personas.admin

    assert names(admin, "rejected_stage:offer rejected_at<18m") == {"Cara"}
    # Clauses in different groups may describe different candidacies.
    assert names(admin, "(rejected_stage:offer country:fr) rejected_at<18m") == {"Dan"}


def test_hiring_managers_see_only_their_jobs_people(world: World) -> None:
    manager = world.personas.hiring_manager

    assert names(manager, "") == {"Cara", "Dan"}
    assert names(manager, "seniority>=senior") == {"Cara"}


def test_salary_clauses_are_refused_to_roles_without_salary_rights(world: World) -> None:
    manager = world.personas.hiring_manager

    with pytest.raises(QueryError) as caught:
        people_matching(manager, "city:berlin salary.max<=90000")
    assert caught.value.position == 12
    assert "salary" in caught.value.hint
    with pytest.raises(QueryError):
        people_matching(manager, "has:salary")


def test_salary_clauses_work_for_hiring_managers_granted_salary(world: World) -> None:
    manager = world.personas.hiring_manager
    manager.can_see_salary = True
    manager.save()

    assert names(manager, "salary.max>=100000") == {"Cara"}


def test_other_workspaces_people_never_match(world: World) -> None:
    assert names(world.personas.outsider, "city:berlin") == {"Zed"}


def test_unknown_custom_fields_suggest_the_closest(world: World) -> None:
    with pytest.raises(QueryError) as caught:
        people_matching(world.personas.admin, "city:x cf.notic<3")

    assert "did you mean 'custom.notice'?" in caught.value.message
    assert caught.value.position == 7


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("custom.visa<3", "does not apply"),
        ("custom.notice:soon", "not a number"),
        ("custom.remote:maybe", "not yes or no"),
        ("custom.start>soon", "not a date"),
    ],
)
def test_custom_field_values_are_checked_against_their_type(
    world: World, text: str, message: str
) -> None:
    with pytest.raises(QueryError, match=message):
        people_matching(world.personas.admin, text)


def test_owner_me_needs_a_viewer(world: World) -> None:
    with pytest.raises(QueryError, match="owner:me"):
        compile_node(parse("owner:me"), workspace_id=world.personas.workspace.pk, now=world.now)


def test_user_text_is_a_parameter_not_sql(world: World) -> None:
    hostile = 'city:"x\' OR 1=1 --" OR name:"\'; DROP TABLE people_person; --"'

    assert names(world.personas.admin, hostile) == set()
    assert Person.objects.count() == 6


def test_bare_words_and_phrases_search_the_full_text(world: World) -> None:
    admin = world.personas.admin
    fulltext.rebuild_index(world.personas.workspace.pk)

    assert names(admin, "python") == {"Ann", "Bob"}
    assert names(admin, '"data engineer" city:berlin') == {"Ann"}
    assert names(admin, "NOT python seniority>=senior") == {"Cara"}
    assert names(admin, "python OR java") == {"Ann", "Bob", "Cara"}


def test_counts_do_not_multiply_rows(world: World) -> None:
    query = people_matching(world.personas.admin, "skills:python OR reached:screening")

    assert query.count() == len(set(query.values_list("pk", flat=True))) == 5


@pytest.mark.parametrize(
    "text",
    ["created<=9999-12-31", "created>9999-12-31", "created:0001-01-01", "updated<99999y",
     "years>=999999999999999", "salary.max<=999999999999999", "rejected_at>99999w"],
)  # fmt: skip
def test_extreme_values_run_without_a_database_error(world: World, text: str) -> None:
    people_matching(world.personas.admin, text).count()


def test_consent_reads_the_live_lawful_bases(world: World) -> None:
    from talentloop.outreach.models import ContactBasis

    ws = world.personas.workspace
    ann, bob = (Person.objects.get(workspace=ws, first_name=name) for name in ("Ann", "Bob"))
    ContactBasis.objects.create(
        workspace=ws, person=ann, purpose="outreach", basis="consent", given_at=world.now
    )
    ContactBasis.objects.create(
        workspace=ws, person=bob, purpose="outreach", basis="consent", given_at=world.now,
        withdrawn_at=world.now,
    )  # fmt: skip
    admin = world.personas.admin

    assert names(admin, "consent:yes") == {"Ann"}
    assert names(admin, "consent:outreach") == {"Ann"}
    assert names(admin, "consent:newsletter") == set()
    assert names(admin, "consent:no") == {"Bob", "Cara", "Dan", "Eve"}
