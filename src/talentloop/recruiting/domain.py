"""Pipeline rules with no database: job and candidacy states, default stages, stage moves."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from talentloop.people.domain import LabelledEnum


class PipelineKind(LabelledEnum):
    JOB = "job"
    POOL = "pool"


class StageCategory(LabelledEnum):
    ACTIVE = "active"
    HIRED = "hired"


class Outcome(LabelledEnum):
    OPEN = "open"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    HIRED = "hired"


class JobStatus(LabelledEnum):
    DRAFT = "draft"
    OPEN = "open"
    ON_HOLD = "on_hold"
    CLOSED = "closed"
    FILLED = "filled"


class RemotePolicy(LabelledEnum):
    ONSITE = "onsite"
    HYBRID = "hybrid"
    REMOTE = "remote"


class EmploymentType(LabelledEnum):
    FULL_TIME = "full_time"
    PART_TIME = "part_time"
    CONTRACT = "contract"
    INTERNSHIP = "internship"
    TEMPORARY = "temporary"


class Origin(LabelledEnum):
    SOURCED = "sourced"
    APPLIED = "applied"
    REFERRED = "referred"
    AGENCY = "agency"
    IMPORTED = "imported"


class ReasonKind(LabelledEnum):
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class StageSpec:
    key: str
    name: str
    category: StageCategory = StageCategory.ACTIVE


DEFAULT_JOB_STAGES = (
    StageSpec("sourced", "Sourced"),
    StageSpec("contacted", "Contacted"),
    StageSpec("applied", "Applied"),
    StageSpec("screening", "Screening"),
    StageSpec("interview", "Interview"),
    StageSpec("assessment", "Assessment"),
    StageSpec("offer", "Offer"),
    StageSpec("hired", "Hired", StageCategory.HIRED),
)
DEFAULT_POOL_STAGES = (
    StageSpec("new", "New"),
    StageSpec("engaged", "Engaged"),
    StageSpec("nurturing", "Nurturing"),
    StageSpec("ready", "Ready to move"),
)
DEFAULT_REJECTION_REASONS = (
    ("Not enough experience", ReasonKind.REJECTED),
    ("Skills mismatch", ReasonKind.REJECTED),
    ("Salary expectations too high", ReasonKind.REJECTED),
    ("Position filled", ReasonKind.REJECTED),
    ("Failed assessment", ReasonKind.REJECTED),
    ("Accepted another offer", ReasonKind.WITHDRAWN),
    ("No longer interested", ReasonKind.WITHDRAWN),
    ("Compensation", ReasonKind.WITHDRAWN),
)


class MoveRefused(ValueError):
    """A stage move the pipeline rules forbid; the message is safe to show."""


class MoveCheck(enum.Enum):
    OK = "ok"
    SAME = "same"


def check_move(*, outcome: Outcome, from_stage_id: int, to_stage_id: int) -> MoveCheck:
    """A closed candidacy must be reopened before it moves; moving to its own stage is a no-op."""
    if outcome is not Outcome.OPEN:
        raise MoveRefused(f"this candidacy is {outcome.value}; reopen it before moving it")
    if from_stage_id == to_stage_id:
        return MoveCheck.SAME
    return MoveCheck.OK


def check_close(*, outcome: Outcome, reason_kind: ReasonKind | None, wanted: Outcome) -> None:
    """Rejecting or withdrawing needs an open candidacy and a reason of the matching kind."""
    if outcome is not Outcome.OPEN:
        raise MoveRefused(f"this candidacy is already {outcome.value}")
    if wanted in {Outcome.REJECTED, Outcome.WITHDRAWN}:
        if reason_kind is None:
            raise MoveRefused("a reason is required")
        if reason_kind.value != wanted.value:
            raise MoveRefused(f"that reason is for {reason_kind.value} candidacies")
