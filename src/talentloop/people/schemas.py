"""REST shapes for people, contact points, activities, notes, attachments and tags."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Schema

from talentloop.accounts.models import User
from talentloop.accounts.permissions import sees_salary
from talentloop.api.common import StorableText, StrictIn
from talentloop.api.pagination import DEFAULT_LIMIT, MAX_LIMIT
from talentloop.people.models import Person

ContactKindName = Literal["email", "phone", "url"]
LifecycleName = Literal["lead", "prospect", "candidate", "client_contact"]
SeniorityName = Literal[
    "", "intern", "junior", "mid", "senior", "lead", "principal", "director", "executive"
]
SalaryPeriodName = Literal["", "year", "month", "day", "hour"]
SkillLevelName = Literal["", "beginner", "intermediate", "advanced", "expert"]
# A stage change is written only by moving a candidacy, never logged by hand.
LoggableKind = Literal["note", "email", "call", "meeting", "form", "campaign", "task"]
ActivityKindName = Literal[
    "note", "email", "call", "meeting", "stage_change", "form", "campaign", "task"
]
Direction = Literal["", "inbound", "outbound"]
AttachmentKind = Literal["resume", "cover_letter", "other"]
PersonSort = Literal[
    "-created_at", "created_at", "last_name", "-last_name", "-last_engaged_at",
    "last_engaged_at", "-updated_at", "updated_at",
]  # fmt: skip
PERSON_SORTS = {
    "created_at": "created_at",
    "last_name": "last_name",
    "last_engaged_at": "last_engaged_at",
    "updated_at": "updated_at",
}
MAX_TEXT = 20_000
Limit = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page")


# --- shared pieces ----------------------------------------------------------------------------


class TagOut(Schema):
    id: int
    name: str
    color: str


class ContactPointIn(StrictIn):
    kind: ContactKindName
    value: str = Field(..., min_length=1, max_length=500)
    label: str = Field("", max_length=32)
    is_primary: bool = False


class ContactPointPatch(StrictIn):
    label: str | None = Field(None, max_length=32)
    is_primary: bool | None = Field(None, description="true makes this the primary of its kind")


class ContactPointOut(Schema):
    id: int
    person_id: int
    kind: str
    value: str
    label: str
    is_primary: bool
    verified: bool


class SkillIn(StrictIn):
    name: str = Field(..., min_length=1, max_length=100)
    level: SkillLevelName = ""
    years: float | None = Field(None, ge=0, le=80)


class SkillOut(Schema):
    name: str
    level: str
    years: float | None


class WorkIn(StrictIn):
    company_name: str = Field(..., min_length=1, max_length=200)
    title: str = Field("", max_length=200)
    start_date: date | None = None
    end_date: date | None = None
    is_current: bool = False
    description: str = Field("", max_length=MAX_TEXT)


class WorkOut(Schema):
    company_name: str
    title: str
    start_date: date | None
    end_date: date | None
    is_current: bool
    description: str


class EducationIn(StrictIn):
    institution: str = Field(..., min_length=1, max_length=200)
    degree: str = Field("", max_length=200)
    field_of_study: str = Field("", max_length=200)
    start_date: date | None = None
    end_date: date | None = None


class EducationOut(Schema):
    institution: str
    degree: str
    field_of_study: str
    start_date: date | None
    end_date: date | None


# --- people -----------------------------------------------------------------------------------


class PersonFieldsIn(StrictIn):
    """The person's own fields; on PATCH only those sent are changed."""

    first_name: str = Field("", max_length=100)
    last_name: str = Field("", max_length=100)
    headline: str = Field("", max_length=200)
    summary: str = Field("", max_length=MAX_TEXT)
    current_title: str = Field("", max_length=200)
    current_company_id: int | None = None
    current_company_name: str = Field("", max_length=200)
    city: str = Field("", max_length=100)
    region: str = Field("", max_length=100)
    country: str = Field("", max_length=2, description="ISO 3166 alpha-2, e.g. DE")
    time_zone: str = Field("", max_length=64, description="IANA name, e.g. Europe/Berlin")
    seniority: SeniorityName = ""
    years_experience: float | None = Field(None, ge=0, le=80)
    salary_currency: str = Field("", max_length=3, description="ISO 4217, e.g. EUR")
    salary_min: int | None = Field(None, ge=0, le=2_000_000_000)
    salary_max: int | None = Field(None, ge=0, le=2_000_000_000)
    salary_period: SalaryPeriodName = ""
    source_id: int | None = None
    owner_id: int | None = None
    lifecycle: LifecycleName = "lead"
    do_not_contact: bool = False
    do_not_contact_reason: str = Field("", max_length=200)
    external_id: str = Field("", max_length=100)
    custom_fields: dict[str, Any] = Field(
        default_factory=dict, description="Values keyed by custom field key"
    )


class PersonIn(PersonFieldsIn):
    contact_points: list[ContactPointIn] = Field(default_factory=list, max_length=50)
    tags: list[str] = Field(default_factory=list, max_length=50, description="Tag names")
    skills: list[SkillIn] = Field(default_factory=list, max_length=200)
    work_history: list[WorkIn] = Field(default_factory=list, max_length=100)
    education: list[EducationIn] = Field(default_factory=list, max_length=50)


class PersonPatch(PersonFieldsIn):
    """Partial update: omitted fields stay; lists given replace the stored ones wholesale."""

    skills: list[SkillIn] | None = Field(None, max_length=200)
    work_history: list[WorkIn] | None = Field(None, max_length=100)
    education: list[EducationIn] | None = Field(None, max_length=50)


class PersonSummaryOut(Schema):
    """A person as lists show them; salary fields are null unless the viewer may see salaries."""

    id: int
    first_name: str
    last_name: str
    full_name: str
    headline: str
    current_title: str
    current_company_id: int | None
    current_company_name: str
    city: str
    region: str
    country: str
    seniority: str
    lifecycle: str
    owner_id: int | None
    source_id: int | None
    primary_email: str
    primary_phone: str
    do_not_contact: bool
    salary_currency: str | None
    salary_min: int | None
    salary_max: int | None
    salary_period: str | None
    last_engaged_at: datetime | None
    created_at: datetime
    updated_at: datetime
    tags: list[TagOut]

    @staticmethod
    def resolve_tags(person: Person) -> list[Any]:
        return list(person.tags.all())

    @staticmethod
    def resolve_salary_currency(person: Person, context: dict[str, Any]) -> str | None:
        return person.salary_currency if _sees_salary(context) else None

    @staticmethod
    def resolve_salary_min(person: Person, context: dict[str, Any]) -> int | None:
        return person.salary_min if _sees_salary(context) else None

    @staticmethod
    def resolve_salary_max(person: Person, context: dict[str, Any]) -> int | None:
        return person.salary_max if _sees_salary(context) else None

    @staticmethod
    def resolve_salary_period(person: Person, context: dict[str, Any]) -> str | None:
        return person.salary_period if _sees_salary(context) else None


class PersonOut(PersonSummaryOut):
    summary: str
    time_zone: str
    years_experience: float | None
    do_not_contact_reason: str
    external_id: str
    custom_fields: dict[str, Any]
    contact_points: list[ContactPointOut]
    skills: list[SkillOut]
    work_history: list[WorkOut]
    education: list[EducationOut]

    @staticmethod
    def resolve_contact_points(person: Person) -> list[Any]:
        return list(person.contact_points.all())

    @staticmethod
    def resolve_skills(person: Person) -> list[Any]:
        return list(person.skills.all())

    @staticmethod
    def resolve_work_history(person: Person) -> list[Any]:
        return list(person.work_history.all())

    @staticmethod
    def resolve_education(person: Person) -> list[Any]:
        return list(person.education.all())


def _sees_salary(context: dict[str, Any]) -> bool:
    request: HttpRequest | None = context.get("request")
    user = getattr(request, "auth", None)
    return isinstance(user, User) and sees_salary(user)


class PersonExportFilters(StorableText):
    q: str | None = Field(None, max_length=200, description="Prefix of first/last name or email")
    tag: int | None = Field(None, description="Tag id")
    owner_id: int | None = None
    source_id: int | None = None
    lifecycle: LifecycleName | None = None
    seniority: SeniorityName | None = None
    country: str | None = Field(None, max_length=2)
    city: str | None = Field(None, max_length=100)
    updated_since: datetime | None = None

    def filter_values(self) -> dict[str, Any]:
        """The filters alone, as keywords for people.queries.filter_people."""
        return self.model_dump(include=set(PersonExportFilters.model_fields))


class PersonFilters(PersonExportFilters):
    sort: PersonSort = "-created_at"
    cursor: str | None = Field(None, max_length=500)
    limit: int = Limit


class TagNamesIn(StrictIn):
    names: list[str] = Field(..., min_length=1, max_length=50)


# --- activities and notes ---------------------------------------------------------------------


class ActivityIn(StrictIn):
    person_id: int
    kind: LoggableKind
    subject: str = Field("", max_length=200)
    body: str = Field("", max_length=MAX_TEXT)
    occurred_at: datetime | None = Field(None, description="Defaults to now; never in the future")
    direction: Direction = ""


class ActivityPatch(StrictIn):
    subject: str | None = Field(None, max_length=200)
    body: str | None = Field(None, max_length=MAX_TEXT)


class ActivityOut(Schema):
    id: int
    person_id: int
    kind: str
    actor_id: int | None
    occurred_at: datetime
    subject: str
    body: str
    direction: str
    created_at: datetime
    updated_at: datetime


class ActivityFilters(StorableText):
    person_id: int | None = None
    kind: ActivityKindName | None = None
    cursor: str | None = Field(None, max_length=500)
    limit: int = Limit


class NoteIn(StrictIn):
    person_id: int
    body: str = Field(..., min_length=1, max_length=MAX_TEXT)


class NotePatch(StrictIn):
    body: str = Field(..., min_length=1, max_length=MAX_TEXT)


class NoteOut(Schema):
    id: int
    person_id: int
    actor_id: int | None
    body: str
    occurred_at: datetime
    created_at: datetime
    updated_at: datetime


class NoteFilters(StorableText):
    person_id: int | None = None
    cursor: str | None = Field(None, max_length=500)
    limit: int = Limit


# --- attachments and tags ---------------------------------------------------------------------


class AttachmentOut(Schema):
    id: int
    person_id: int
    original_name: str
    content_type: str
    size: int
    sha256: str
    kind: str
    uploaded_by_id: int | None
    created_at: datetime


class TagIn(StrictIn):
    name: str = Field(..., min_length=1, max_length=64)
    color: str = Field("slate", min_length=1, max_length=16)


class TagPatch(StrictIn):
    name: str | None = Field(None, min_length=1, max_length=64)
    color: str | None = Field(None, min_length=1, max_length=16)


class PageQuery(StorableText):
    cursor: str | None = Field(None, max_length=500)
    limit: int = Limit
