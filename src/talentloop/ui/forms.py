"""UI forms. They only shape input; the actions validate it and name bad fields."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from talentloop.accounts.models import User
from talentloop.people import queries as people_queries
from talentloop.people.domain import Lifecycle, SalaryPeriod, Seniority

_BLANK = [("", "—")]


def _choices(enum_class: Any) -> list[tuple[str, str]]:
    return _BLANK + [(member.value, member.label) for member in enum_class]


class PersonForm(forms.Form):
    first_name = forms.CharField(max_length=100, required=False)
    last_name = forms.CharField(max_length=100, required=False)
    headline = forms.CharField(max_length=200, required=False)
    current_title = forms.CharField(max_length=200, required=False)
    current_company_name = forms.CharField(max_length=200, required=False, label="Company")
    city = forms.CharField(max_length=100, required=False)
    region = forms.CharField(max_length=100, required=False)
    country = forms.CharField(
        max_length=2, required=False, help_text="Two-letter code, e.g. DE", label="Country"
    )
    time_zone = forms.CharField(
        max_length=64, required=False, help_text="e.g. Europe/Berlin", label="Time zone"
    )
    seniority = forms.ChoiceField(choices=_choices(Seniority), required=False)
    lifecycle = forms.ChoiceField(choices=[(m.value, m.label) for m in Lifecycle])
    years_experience = forms.CharField(required=False, label="Years of experience")
    owner = forms.ChoiceField(required=False)
    source = forms.ChoiceField(required=False)
    salary_currency = forms.CharField(max_length=3, required=False, label="Salary currency")
    salary_min = forms.CharField(required=False, label="Salary from")
    salary_max = forms.CharField(required=False, label="Salary to")
    salary_period = forms.ChoiceField(choices=_choices(SalaryPeriod), required=False)
    do_not_contact = forms.BooleanField(required=False, label="Do not contact")
    do_not_contact_reason = forms.CharField(max_length=200, required=False, label="Reason")
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False)

    SALARY_FIELDS = ("salary_currency", "salary_min", "salary_max", "salary_period")

    def __init__(self, *args: Any, viewer: User, show_salary: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["owner"]).choices = _BLANK + [
            (str(u.pk), u.display_name) for u in people_queries.teammates(viewer)
        ]
        cast(forms.ChoiceField, self.fields["source"]).choices = _BLANK + [
            (str(s.pk), s.name) for s in people_queries.sources(viewer)
        ]
        if not show_salary:
            for name in self.SALARY_FIELDS:
                del self.fields[name]
        style(self)

    @staticmethod
    def initial_for(person: Any) -> dict[str, Any]:
        initial = {name: getattr(person, name, "") for name in PersonForm.base_fields}
        initial["owner"] = str(person.owner_id or "")
        initial["source"] = str(person.source_id or "")
        for name in ("salary_min", "salary_max", "years_experience"):
            value = getattr(person, name)
            initial[name] = "" if value is None else str(value)
        return initial

    def action_fields(self) -> dict[str, Any]:
        """The cleaned values in the shape do_update_person takes."""
        data = dict(self.cleaned_data)
        owner, source = data.pop("owner", ""), data.pop("source", "")
        data["owner_id"] = int(owner) if owner else None
        data["source_id"] = int(source) if source else None
        for name in ("salary_min", "salary_max", "years_experience"):
            if name in data:
                data[name] = data[name] or None
        return data


class _Prefixed(forms.Form):
    """Several small forms share the profile page: give each its own element ids."""

    id_prefix = "f"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", f"{self.id_prefix}_%s")
        super().__init__(*args, **kwargs)


class NoteForm(_Prefixed):
    id_prefix = "note"
    body = forms.CharField(
        label="Note", widget=forms.Textarea(attrs={"rows": 3, "class": "input"}), max_length=20000
    )


class CallForm(_Prefixed):
    id_prefix = "call"
    subject = forms.CharField(label="Summary", max_length=200, required=False)
    body = forms.CharField(
        label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3, "class": "input"})
    )
    direction = forms.ChoiceField(
        choices=[("outbound", "Outbound"), ("inbound", "Inbound")], initial="outbound"
    )


class TaskForm(_Prefixed):
    id_prefix = "task"
    title = forms.CharField(max_length=200)
    due_at = forms.DateTimeField(
        required=False,
        label="Due",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    assignee = forms.ChoiceField(label="Assign to")

    def __init__(self, *args: Any, viewer: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["assignee"]).choices = [
            (str(u.pk), u.display_name) for u in people_queries.teammates(viewer)
        ]
        self.fields["assignee"].initial = str(viewer.pk)


class UploadForm(_Prefixed):
    id_prefix = "upload"
    file = forms.FileField(label="Upload a file")
    kind = forms.ChoiceField(
        choices=[("resume", "Resume"), ("cover_letter", "Cover letter"), ("other", "Other")]
    )


def style(form: forms.BaseForm) -> forms.BaseForm:
    """Give every widget the design system's input class."""
    for field in form.fields.values():
        if not isinstance(field.widget, forms.CheckboxInput | forms.FileInput):
            field.widget.attrs.setdefault("class", "input")
    return form
