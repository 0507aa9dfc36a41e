"""REST shapes for jobs, pipelines, candidacies, pools and rejection reasons."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from talentloop.api.common import ErrorOut, StorableText, StrictIn
from talentloop.api.pagination import DEFAULT_LIMIT, MAX_LIMIT
from talentloop.recruiting.models import Candidacy, StageChange

# Errors each kind of operation documents (the API also adds the common ones to every path).
LIST_ERRORS: dict[int, Any] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut}
READ_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {**READ_ERRORS, 400: ErrorOut, 409: ErrorOut}

RemotePolicy = Literal["onsite", "hybrid", "remote"]
EmploymentType = Literal["full_time", "part_time", "contract", "internship", "temporary"]
JobStatus = Literal["draft", "open", "on_hold", "closed", "filled"]
SalaryPeriod = Literal["year", "month", "day", "hour"]
Outcome = Literal["open", "rejected", "withdrawn", "hired"]
OriginName = Literal["sourced", "applied", "referred", "agency", "imported"]
# Why bounded: a filter id beyond a 64-bit column is a 422, not a database overflow.
FilterId = Annotated[int, Field(ge=1, le=2**63 - 1)]


class PageParams(StorableText):
    cursor: str | None = Field(None, max_length=500)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page")


class JobFilters(PageParams):
    status: JobStatus | None = None
    hiring_manager_id: FilterId | None = None
    recruiter_id: FilterId | None = None
    q: str | None = Field(None, max_length=200, description="Part of the title or department")
    counts: bool = Field(False, description="Add candidacy counts, overall and per stage")
    sort: Literal[
        "created_at", "-created_at", "updated_at", "-updated_at", "title", "-title", "id", "-id"
    ] = "-created_at"


CandidacySort = Literal[
    "created_at",
    "-created_at",
    "updated_at",
    "-updated_at",
    "stage_entered_at",
    "-stage_entered_at",
    "id",
    "-id",
]
NameSort = Literal["name", "-name", "created_at", "-created_at", "id", "-id"]


class StageFilters(PageParams):
    stage_id: FilterId | None = None
    outcome: Outcome | None = None
    sort: CandidacySort = "stage_entered_at"


class CandidacyFilters(PageParams):
    job_id: FilterId | None = None
    pool_id: FilterId | None = None
    person_id: FilterId | None = None
    stage_id: FilterId | None = None
    outcome: Outcome | None = None
    sort: CandidacySort = "-created_at"


class PipelineFilters(PageParams):
    kind: Literal["job", "pool"] | None = None
    sort: NameSort = "name"


class PoolFilters(PageParams):
    q: str | None = Field(None, max_length=200)
    sort: NameSort = "name"


class ReasonFilters(PageParams):
    kind: Literal["rejected", "withdrawn"] | None = None
    sort: NameSort = "name"


class Ref(Schema):
    id: int
    name: str


class StageRef(Schema):
    id: int
    key: str
    name: str


# --- pipelines --------------------------------------------------------------------------------


class StageOut(Schema):
    id: int
    key: str
    name: str
    position: int
    category: str


class PipelineOut(Schema):
    id: int
    name: str
    kind: str
    is_default: bool
    stages: list[StageOut]
    created_at: datetime
    updated_at: datetime


class StageIn(StrictIn):
    key: str | None = Field(None, max_length=32, description="Derived from the name if omitted.")
    name: str = Field(..., min_length=1, max_length=64)
    category: Literal["active", "hired"] = "active"


class PipelineIn(StrictIn):
    name: str = Field(..., max_length=100)
    kind: Literal["job", "pool"] = "job"
    stages: list[StageIn]


class PipelinePatch(StrictIn):
    name: str | None = Field(None, max_length=100)
    stages: list[StageIn] | None = None


# --- jobs -------------------------------------------------------------------------------------


class StageCount(Schema):
    stage_id: int
    count: int


class JobOut(Schema):
    """A requisition; its salary band is the company's offer, visible to all who see the job."""

    id: int
    title: str
    department: str
    company_id: int | None
    description: str
    city: str
    country: str
    remote_policy: str
    employment_type: str
    salary_currency: str
    salary_min: int | None
    salary_max: int | None
    salary_period: str
    openings: int
    status: str
    hiring_manager_id: int | None
    recruiter_id: int | None
    pipeline_id: int
    required_skills: list[str]
    nice_to_have_skills: list[str]
    min_years: int | None
    opened_at: datetime | None
    closed_at: datetime | None
    created_at: datetime
    updated_at: datetime
    open_count: int | None = Field(None, description="Only with counts=true.")
    hired_count: int | None = Field(None, description="Only with counts=true.")
    total_count: int | None = Field(None, description="Only with counts=true.")
    stage_counts: list[StageCount] | None = Field(
        None, description="Open candidacies per stage; only with counts=true."
    )


class JobFieldsIn(StrictIn):
    department: str | None = Field(None, max_length=100)
    company_id: int | None = None
    description: str | None = Field(None, max_length=20000)
    city: str | None = Field(None, max_length=100)
    country: str | None = Field(None, max_length=2)
    remote_policy: RemotePolicy | None = None
    employment_type: EmploymentType | None = None
    salary_currency: str | None = Field(None, max_length=3)
    salary_min: int | None = Field(None, ge=0, le=2_000_000_000)
    salary_max: int | None = Field(None, ge=0, le=2_000_000_000)
    salary_period: SalaryPeriod | None = None
    openings: int | None = Field(None, ge=1, le=1000)
    status: JobStatus | None = None
    hiring_manager_id: int | None = None
    recruiter_id: int | None = None
    pipeline_id: int | None = None
    required_skills: list[str] | None = None
    nice_to_have_skills: list[str] | None = None
    min_years: int | None = Field(None, ge=0, le=60)


class JobIn(JobFieldsIn):
    title: str = Field(..., min_length=1, max_length=200)


class JobPatch(JobFieldsIn):
    title: str | None = Field(None, min_length=1, max_length=200)


# --- pools ------------------------------------------------------------------------------------


class PoolOut(Schema):
    id: int
    name: str
    description: str
    pipeline_id: int
    owner_id: int | None
    created_at: datetime
    updated_at: datetime


class PoolIn(StrictIn):
    name: str = Field(..., max_length=100)
    description: str = Field("", max_length=20000)
    pipeline_id: int | None = None
    owner_id: int | None = None


class PoolPatch(StrictIn):
    name: str | None = Field(None, max_length=100)
    description: str | None = Field(None, max_length=20000)


# --- rejection reasons ------------------------------------------------------------------------


class ReasonOut(Schema):
    id: int
    name: str
    kind: str
    active: bool


class ReasonIn(StrictIn):
    name: str = Field(..., max_length=100)
    kind: Literal["rejected", "withdrawn"] = "rejected"


# --- candidacies ------------------------------------------------------------------------------


class CandidacyOut(Schema):
    id: int
    person_id: int
    person_name: str
    job_id: int | None
    pool_id: int | None
    stage_id: int
    stage_entered_at: datetime
    outcome: str
    outcome_reason_id: int | None
    outcome_note: str
    closed_at: datetime | None
    origin: str
    source_id: int | None
    owner_id: int | None
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_person_name(obj: Candidacy) -> str:
        return obj.person.full_name


class StageChangeOut(Schema):
    """One stay in a stage: exited_at is null while the candidacy is still there."""

    stage: StageRef
    from_stage: StageRef | None
    entered_at: datetime
    exited_at: datetime | None
    actor: Ref | None

    @staticmethod
    def resolve_actor(obj: StageChange) -> dict[str, Any] | None:
        if obj.actor is None:
            return None
        return {"id": obj.actor.pk, "name": obj.actor.display_name}


class CandidacyDetailOut(CandidacyOut):
    stage: StageOut
    history: list[StageChangeOut]

    @staticmethod
    def resolve_history(obj: Candidacy) -> list[StageChange]:
        from talentloop.recruiting.queries import stage_history

        return list(stage_history(obj))


class CandidacyIn(StrictIn):
    person_id: int
    job_id: int | None = None
    pool_id: int | None = None
    stage_id: int | None = None
    origin: OriginName = "sourced"
    source_id: int | None = None


class MoveIn(StrictIn):
    stage_id: int


class CloseIn(StrictIn):
    reason_id: int = Field(..., description="A rejection reason of the matching kind.")
    note: str = Field("", max_length=5000)


# --- interviews and offers -----------------------------------------------------------------------


class InterviewIn(StrictIn):
    starts_at: datetime
    ends_at: datetime
    time_zone: str = Field("UTC", max_length=64, description="IANA name, e.g. Europe/Lisbon.")
    title: str = Field("", max_length=200)
    location: str = Field("", max_length=300)
    link: str = Field("", max_length=500, description="A video-call address (http or https).")
    interviewer_ids: list[int] = Field(default_factory=list, max_length=50)


class InterviewPatch(StrictIn):
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    time_zone: str | None = Field(None, max_length=64)
    title: str | None = Field(None, max_length=200)
    location: str | None = Field(None, max_length=300)
    link: str | None = Field(None, max_length=500)
    interviewer_ids: list[int] | None = Field(None, max_length=50)


class InterviewOut(Schema):
    id: int
    candidacy_id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    time_zone: str
    location: str
    link: str
    interviewer_ids: list[int]
    state: str
    cancelled_at: datetime | None

    @staticmethod
    def resolve_interviewer_ids(obj: Any) -> list[int]:
        return sorted(user.pk for user in obj.interviewers.all())


class OfferIn(StrictIn):
    note: str = Field("", max_length=5000)


class OfferStatusIn(StrictIn):
    status: Literal["extended", "accepted", "declined"]


class OfferOut(Schema):
    id: int
    candidacy_id: int
    status: str
    note: str
    extended_at: datetime | None
    decided_at: datetime | None
    created_at: datetime
