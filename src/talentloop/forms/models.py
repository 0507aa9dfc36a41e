"""Public forms and what people submitted through them."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from talentloop.core.models import WorkspaceScopedModel


class Form(WorkspaceScopedModel):
    """A public page at /f/<workspace>/<slug>/ that adds or updates a person."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=64)
    intro = models.TextField(blank=True, default="")
    # {field name: "optional" | "required"} for the switched-on fields (see domain.FIELDS).
    fields = models.JSONField(default=dict, blank=True)
    consent_enabled = models.BooleanField(default=False)
    consent_text = models.TextField(blank=True, default="")
    consent_topic = models.CharField(max_length=32, default="outreach")
    tags = models.JSONField(default=list, blank=True)  # tag names given to every submitter
    source = models.ForeignKey(
        "people.Source", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["workspace", "slug"], name="form_unique_slug")
        ]

    def __str__(self) -> str:
        return self.name


class FormSubmission(WorkspaceScopedModel):
    """One submission: whom it added or updated, and the answers as given (never the honeypot)."""

    form = models.ForeignKey(Form, on_delete=models.CASCADE, related_name="submissions")
    # Why cascade: the answers are the person's data and go when the person is erased.
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    submitted_at = models.DateTimeField()
    answers = models.JSONField(default=dict)
    consent_given = models.BooleanField(default=False)
    # Rate limiting counts by a digest of the normalised email; no IP address is kept.
    email_hash = models.CharField(max_length=64)

    class Meta:
        indexes = [
            models.Index(fields=["form", "email_hash", "submitted_at"], name="form_sub_rate"),
            models.Index(fields=["form", "-submitted_at"], name="form_sub_recent"),
        ]

    def __str__(self) -> str:
        return f"submission {self.pk} of form {self.form_id}"
