"""Forms for jobs, pools and settings. They only shape input; the actions validate it."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from talentloop.accounts.domain import Role, Scope
from talentloop.accounts.models import User
from talentloop.people import queries as people_queries
from talentloop.people.domain import CustomFieldType, SalaryPeriod
from talentloop.people.models import Source
from talentloop.recruiting import queries as recruiting_queries
from talentloop.recruiting.domain import (
    EmploymentType,
    JobStatus,
    PipelineKind,
    ReasonKind,
    RemotePolicy,
)
from talentloop.recruiting.models import Job
from talentloop.ui.forms import style

_BLANK = [("", "—")]


def _options(enum_class: Any) -> list[tuple[str, str]]:
    return [(member.value, member.label) for member in enum_class]


def _set_choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    cast(forms.ChoiceField, form.fields[name]).choices = choices


def split_list(raw: str) -> list[str]:
    """Comma- or newline-separated text as a list of trimmed, non-empty items."""
    return [item.strip() for item in raw.replace("\n", ",").split(",") if item.strip()]


class JobForm(forms.Form):
    title = forms.CharField(max_length=200, required=False)
    department = forms.CharField(max_length=100, required=False)
    company = forms.ChoiceField(required=False, label="Client company")
    status = forms.ChoiceField(choices=_options(JobStatus), initial="open")
    openings = forms.CharField(required=False, initial="1")
    hiring_manager = forms.ChoiceField(required=False, label="Hiring manager")
    recruiter = forms.ChoiceField(required=False)
    pipeline = forms.ChoiceField(required=False, label="Pipeline template")
    city = forms.CharField(max_length=100, required=False, label="Location (city)")
    country = forms.CharField(required=False, help_text="Two-letter code, e.g. DE")
    remote_policy = forms.ChoiceField(
        choices=_options(RemotePolicy), initial="onsite", label="Remote policy"
    )
    employment_type = forms.ChoiceField(
        choices=_options(EmploymentType), initial="full_time", label="Employment type"
    )
    salary_currency = forms.CharField(required=False, label="Salary currency", help_text="e.g. EUR")
    salary_min = forms.CharField(required=False, label="Salary from")
    salary_max = forms.CharField(required=False, label="Salary to")
    salary_period = forms.ChoiceField(
        choices=_options(SalaryPeriod), initial="year", label="Salary per"
    )
    required_skills = forms.CharField(
        required=False, label="Required skills", help_text="Separate skills with commas"
    )
    nice_to_have_skills = forms.CharField(
        required=False, label="Nice-to-have skills", help_text="Separate skills with commas"
    )
    min_years = forms.CharField(required=False, label="Minimum years of experience")
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False)

    REFERENCES = {
        "company": "company_id",
        "hiring_manager": "hiring_manager_id",
        "recruiter": "recruiter_id",
        "pipeline": "pipeline_id",
    }

    def __init__(self, *args: Any, viewer: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        users = [(str(u.pk), u.display_name) for u in people_queries.teammates(viewer)]
        _set_choices(self, "hiring_manager", _BLANK + users)
        _set_choices(self, "recruiter", _BLANK + users)
        companies = people_queries.companies(viewer).order_by("name")[:500]
        _set_choices(self, "company", _BLANK + [(str(c.pk), c.name) for c in companies])
        templates = recruiting_queries.pipelines(viewer).filter(kind=PipelineKind.JOB.value)
        _set_choices(self, "pipeline", [(str(t.pk), t.name) for t in templates])
        style(self)

    @staticmethod
    def initial_for(job: Job) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(job, name) for name in JobForm.base_fields if hasattr(job, name)
        }
        for name, attribute in JobForm.REFERENCES.items():
            initial[name] = str(getattr(job, attribute) or "")
        for name in ("salary_min", "salary_max", "min_years", "openings"):
            value = getattr(job, name)
            initial[name] = "" if value is None else str(value)
        for name in ("required_skills", "nice_to_have_skills"):
            initial[name] = ", ".join(getattr(job, name))
        return initial

    def action_fields(self) -> dict[str, Any]:
        """The cleaned values in the shape do_create_job/do_update_job take."""
        data = dict(self.cleaned_data)
        for name, attribute in self.REFERENCES.items():
            data[attribute] = data.pop(name, "") or None
        if data["pipeline_id"] is None:
            del data["pipeline_id"]  # Why: "keep the current one" (or the default, when new).
        for name in ("required_skills", "nice_to_have_skills"):
            data[name] = split_list(data[name])
        return data


class RejectForm(forms.Form):
    reason = forms.ChoiceField(label="Reason")
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, viewer: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reasons = recruiting_queries.rejection_reasons(viewer).filter(
            kind=ReasonKind.REJECTED.value
        )
        _set_choices(self, "reason", [(str(r.pk), r.name) for r in reasons])
        style(self)


class PoolForm(forms.Form):
    name = forms.CharField(max_length=100, required=False)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    pipeline = forms.ChoiceField(required=False, label="Stages from")

    def __init__(self, *args: Any, viewer: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        templates = recruiting_queries.pipelines(viewer).filter(kind=PipelineKind.POOL.value)
        _set_choices(self, "pipeline", [(str(t.pk), t.name) for t in templates])
        style(self)


# --- settings ---------------------------------------------------------------------------------

ROLE_OPTIONS = [(role.value, role.label) for role in Role]


class InviteUserForm(forms.Form):
    email = forms.EmailField(max_length=254)
    full_name = forms.CharField(max_length=200, required=False, label="Full name")
    role = forms.ChoiceField(choices=ROLE_OPTIONS, initial=Role.RECRUITER.value)
    password = forms.CharField(
        required=False,
        min_length=10,
        widget=forms.PasswordInput(render_value=False),
        help_text="Leave empty to let them set one via “Forgot password”",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class PipelineForm(forms.Form):
    name = forms.CharField(max_length=100, required=False)
    kind = forms.ChoiceField(choices=_options(PipelineKind), initial="job", label="Used for")
    stages = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        help_text="One stage per line, in order. Job pipelines need a stage called “Hired”.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class NameForm(forms.Form):
    """A catalogue entry that is just a name (tags, rejection reasons)."""

    name = forms.CharField(max_length=100, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class ReasonForm(NameForm):
    kind = forms.ChoiceField(choices=_options(ReasonKind), initial="rejected")


SOURCE_KIND_OPTIONS = [
    (value, value.replace("_", " ").capitalize())
    for value in ("job_board", "referral", "agency", "social", "event", "career_site", "other")
]


class SourceForm(forms.Form):
    name = forms.CharField(max_length=100, required=False)
    kind = forms.ChoiceField(choices=SOURCE_KIND_OPTIONS, initial="other")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)

    @staticmethod
    def initial_for(source: Source) -> dict[str, Any]:
        return {"name": source.name, "kind": source.kind}


class CostForm(forms.Form):
    amount = forms.CharField(max_length=20)
    currency = forms.CharField(max_length=3, help_text="e.g. EUR")
    period_start = forms.CharField(
        label="From", widget=forms.DateInput(attrs={"type": "date"}), max_length=10
    )
    period_end = forms.CharField(
        label="To", widget=forms.DateInput(attrs={"type": "date"}), max_length=10
    )
    note = forms.CharField(max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class CustomFieldForm(forms.Form):
    label = forms.CharField(max_length=100, required=False)
    key = forms.CharField(
        max_length=64, required=False, help_text="Fixed once created, e.g. notice_period"
    )
    field_type = forms.ChoiceField(choices=_options(CustomFieldType), label="Type")
    choices = forms.CharField(
        required=False, help_text="For choice fields: separate choices with commas"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        style(self)


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, required=False)
    user = forms.ChoiceField(label="Acts as")
    scopes = forms.MultipleChoiceField(
        choices=[(scope.value, scope.value.capitalize()) for scope in Scope],
        widget=forms.CheckboxSelectMultiple,
        initial=[Scope.READ.value],
        required=False,
    )

    def __init__(self, *args: Any, viewer: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        users = [(str(u.pk), u.display_name) for u in people_queries.teammates(viewer)]
        _set_choices(self, "user", users)
        self.fields["user"].initial = str(viewer.pk)
        self.fields["name"].widget.attrs["class"] = "input"
        self.fields["user"].widget.attrs["class"] = "input"
