"""Field-by-field validation of job requisitions."""

from __future__ import annotations

from typing import Any

from talentloop.accounts.models import User, Workspace
from talentloop.people import domain as people_domain
from talentloop.people.models import Company
from talentloop.recruiting import domain
from talentloop.recruiting.models import Job, PipelineTemplate

_CHOICES: dict[str, type[people_domain.LabelledEnum]] = {
    "remote_policy": domain.RemotePolicy,
    "employment_type": domain.EmploymentType,
    "status": domain.JobStatus,
    "salary_period": people_domain.SalaryPeriod,
}
_TEXT_LIMITS = {"title": 200, "department": 100, "city": 100, "description": 20000}


def clean_job_field(workspace: Workspace, name: str, value: Any) -> Any:
    if name in _TEXT_LIMITS:
        return _text(value, _TEXT_LIMITS[name])
    if name in _CHOICES:
        return _choice(_CHOICES[name], value)
    if name == "country":
        return people_domain.check_country(_text(value, 2))
    if name == "salary_currency":
        return people_domain.check_currency(_text(value, 3))
    if name in {"salary_min", "salary_max", "min_years"}:
        return _whole(value, 2_000_000_000 if name != "min_years" else 60)
    if name == "openings":
        return _whole(value, 1000) or 1
    if name in {"required_skills", "nice_to_have_skills"}:
        return _skills(value)
    return _reference(workspace, name, value)


def check_job_salary(cleaned: dict[str, Any], current: Job | None, errors: dict[str, str]) -> None:
    minimum = cleaned.get("salary_min", current.salary_min if current else None)
    maximum = cleaned.get("salary_max", current.salary_max if current else None)
    if minimum is not None and maximum is not None and minimum > maximum:
        errors.setdefault("salary_min", "the minimum is above the maximum")


def _text(value: Any, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError("must be text")
    text = value.strip()
    if len(text) > limit:
        raise ValueError(f"at most {limit} characters")
    return text


def _choice(enum_class: type[people_domain.LabelledEnum], value: Any) -> str:
    try:
        return enum_class(value).value
    except ValueError:
        allowed = ", ".join(member.value for member in enum_class)
        raise ValueError(f"must be one of: {allowed}") from None


def _whole(value: Any, limit: int) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("must be a whole number")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError("must be a whole number") from None
    if not 0 <= number <= limit:
        raise ValueError(f"must be between 0 and {limit:,}")
    return number


def _skills(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValueError("must be a list of skill names")
    seen: dict[str, str] = {}
    for item in value:
        name = " ".join(item.split())[:100]
        if name:
            seen.setdefault(people_domain.normalize_skill(name), name)
    return list(seen.values())


def _reference(workspace: Workspace, name: str, value: Any) -> int | None:
    if value in (None, ""):
        if name == "pipeline_id":
            return None
        return None
    model: type[Any] = {
        "hiring_manager_id": User,
        "recruiter_id": User,
        "company_id": Company,
        "pipeline_id": PipelineTemplate,
    }[name]
    try:
        found = model.objects.filter(workspace=workspace, pk=int(value))
    except (TypeError, ValueError):
        raise ValueError("no such record in this workspace") from None
    if name == "pipeline_id":
        found = found.filter(kind=domain.PipelineKind.JOB.value)
    if not found.exists():
        raise ValueError("no such record in this workspace")
    return int(value)
