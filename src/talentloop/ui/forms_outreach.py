"""Forms for campaigns, mailboxes, suppressions and a person's lawful basis.

They only shape input (and read dates in the viewer's time zone); the outreach actions
validate it and name the bad fields.
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime, time
from typing import Any, cast

from django import forms
from django.utils import timezone

from talentloop.accounts import domain as roles
from talentloop.accounts.models import User
from talentloop.outreach import domain
from talentloop.outreach import queries as outreach_queries
from talentloop.outreach.models import Campaign, Mailbox
from talentloop.search.segment_queries import visible_segments
from talentloop.ui.forms import style

_BLANK = [("", "—")]
AUDIENCE_KINDS = [("query", "People matching a query"), ("segment", "A saved segment")]
TOPIC_CHOICES = [(topic, topic.replace("_", " ").capitalize()) for topic in domain.TOPICS]
# Why no "erased": that reason belongs to a privacy erasure, which also removes the person.
MANUAL_REASONS = [
    (value, label.capitalize())
    for value, label in domain.SUPPRESSION_REASON_CHOICES
    if value != domain.SuppressionReason.ERASED
]


def user_zone(user: User) -> zoneinfo.ZoneInfo:
    """The viewer's own time zone (UTC when unset or unknown)."""
    try:
        return zoneinfo.ZoneInfo(user.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def start_of_day(day: date | None, zone: zoneinfo.ZoneInfo) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=zone) if day else None


def _set_choices(form: forms.Form, name: str, choices: list[tuple[str, str]]) -> None:
    cast(forms.ChoiceField, form.fields[name]).choices = choices


# --- campaigns ---------------------------------------------------------------------------------


class CampaignForm(forms.Form):
    name = forms.CharField(max_length=200, required=False)
    template = forms.ChoiceField(label="Email template")
    mailbox = forms.ChoiceField(label="Send from")
    topic = forms.ChoiceField(
        choices=TOPIC_CHOICES,
        initial="newsletter",
        help_text="People who opted out of this topic are skipped.",
    )
    audience_kind = forms.ChoiceField(
        choices=AUDIENCE_KINDS, initial="query", widget=forms.RadioSelect, label="Audience"
    )
    segment = forms.ChoiceField(required=False)
    audience_query = forms.CharField(
        max_length=5000,
        required=False,
        label="Search query",
        widget=forms.Textarea(attrs={"rows": 3, "class": "input mono"}),
        help_text="In the search language, e.g. skills:python city:Berlin. Empty: everyone.",
    )

    def __init__(self, *args: Any, viewer: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        templates = outreach_queries.templates(viewer)
        _set_choices(self, "template", _BLANK + [(str(t.pk), t.name) for t in templates])
        mailboxes = [
            (str(box.pk), f"{box.name} <{box.from_address}>")
            for box in outreach_queries.mailboxes(viewer).filter(active=True)
            if outreach_queries.may_send_from(viewer, box)
        ]
        _set_choices(self, "mailbox", _BLANK + mailboxes)
        segments = visible_segments(viewer).order_by("name")
        _set_choices(self, "segment", _BLANK + [(str(s.pk), s.name) for s in segments])
        style(self)
        self.fields["audience_kind"].widget.attrs.pop("class", None)

    @staticmethod
    def initial_for(campaign: Campaign) -> dict[str, Any]:
        return {
            "name": campaign.name,
            "template": str(campaign.template_id),
            "mailbox": str(campaign.mailbox_id),
            "topic": campaign.topic,
            "audience_kind": "segment" if campaign.segment_id else "query",
            "segment": str(campaign.segment_id or ""),
            "audience_query": campaign.audience_query,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("audience_kind") == "segment" and not data.get("segment"):
            self.add_error("segment", "Choose a segment")
        return data

    @property
    def uses_segment(self) -> bool:
        return self.cleaned_data.get("audience_kind") == "segment"


class ScheduleForm(forms.Form):
    when = forms.ChoiceField(
        choices=[("now", "Now"), ("later", "At a date and time")],
        initial="now",
        widget=forms.RadioSelect,
    )
    send_at = forms.DateTimeField(
        required=False,
        label="Send at",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args: Any, zone: zoneinfo.ZoneInfo, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "schedule_%s")
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.fields["send_at"].help_text = f"In your time zone ({zone.key})"
        style(self)
        self.fields["when"].widget.attrs.pop("class", None)

    def full_clean(self) -> None:
        # Why: the typed date and time are the viewer's wall-clock time, not the server's.
        with timezone.override(self.zone):
            super().full_clean()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("when") != "later":
            data["send_at"] = None
        elif not data.get("send_at"):
            self.add_error("send_at", "Choose when to send, or send now")
        elif data["send_at"] <= timezone.now():
            self.add_error("send_at", "That time has passed; choose a later one or send now")
        return data


# --- mailboxes ---------------------------------------------------------------------------------


def _password_field(label: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=1000,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )


class MailboxForm(forms.Form):
    """Passwords are write-only: never rendered back, and left empty they stay as stored."""

    name = forms.CharField(max_length=100)
    from_name = forms.CharField(max_length=200, required=False, label="Sender name")
    from_address = forms.CharField(max_length=254, label="From address")
    reply_to = forms.CharField(max_length=254, required=False, label="Reply-To")
    kind = forms.ChoiceField(
        choices=[("local", "Local outbox"), ("smtp", "SMTP server"), ("default", "Server default")],
        initial="local",
        label="Sends through",
    )
    shared = forms.BooleanField(required=False, initial=True, label="Shared with the team")
    allow_send_on_behalf = forms.BooleanField(
        required=False, label="Teammates may send through it (when personal)"
    )
    active = forms.BooleanField(required=False, initial=True, label="Active")
    smtp_host = forms.CharField(max_length=253, required=False, label="SMTP host")
    smtp_port = forms.IntegerField(min_value=1, max_value=65535, initial=587, label="SMTP port")
    smtp_security = forms.ChoiceField(
        choices=[("starttls", "STARTTLS"), ("ssl", "SSL/TLS"), ("none", "None")],
        initial="starttls",
        label="Security",
    )
    smtp_username = forms.CharField(max_length=254, required=False, label="SMTP user")
    smtp_password = _password_field("SMTP password")
    imap_host = forms.CharField(max_length=253, required=False, label="IMAP host")
    imap_port = forms.IntegerField(min_value=1, max_value=65535, initial=993, label="IMAP port")
    imap_ssl = forms.BooleanField(required=False, initial=True, label="IMAP over SSL")
    imap_username = forms.CharField(max_length=254, required=False, label="IMAP user")
    imap_password = _password_field("IMAP password")
    imap_folder = forms.CharField(max_length=200, required=False, initial="INBOX", label="Folder")
    daily_limit = forms.IntegerField(
        min_value=1, max_value=1_000_000, initial=500, help_text="Messages per UTC day"
    )
    min_spacing_seconds = forms.IntegerField(
        min_value=0,
        max_value=86_400,
        initial=0,
        label="Minimum spacing (seconds)",
        help_text="0 sends as fast as the server allows",
    )
    track_opens = forms.BooleanField(
        required=False, label="Track opens", help_text="Adds an invisible image to HTML emails"
    )
    track_clicks = forms.BooleanField(
        required=False, label="Track clicks", help_text="Links go through a signed redirect"
    )

    def __init__(
        self, *args: Any, viewer: User, mailbox: Mailbox | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.is_admin = roles.can_administer(viewer.role_enum)
        self.viewer = viewer
        self.creating = mailbox is None
        if not self.creating or not self.is_admin:
            del self.fields["shared"]  # an edit keeps its owner; writers create their own
        if self.creating:
            del self.fields["active"]
        shared = mailbox is not None and mailbox.owner_id is None
        if shared or not self.is_admin:
            # A shared mailbox is everyone's already; who may send as whom is the admin's call.
            del self.fields["allow_send_on_behalf"]
        for name, stored in (("smtp_password", "smtp"), ("imap_password", "imap")):
            if mailbox is not None and getattr(mailbox, f"{stored}_password_encrypted"):
                self.fields[name].help_text = "A password is stored; leave empty to keep it"
        style(self)

    @staticmethod
    def initial_for(mailbox: Mailbox) -> dict[str, Any]:
        names = [name for name in MailboxForm.base_fields if not name.endswith("_password")]
        return {name: getattr(mailbox, name) for name in names if hasattr(mailbox, name)}

    def action_fields(self) -> dict[str, Any]:
        """The cleaned values as save_mailbox takes them."""
        data = dict(self.cleaned_data)
        shared = data.pop("shared", False)
        if self.creating:
            data["owner_id"] = None if (self.is_admin and shared) else self.viewer.pk
        if not self.is_admin:
            data.pop("allow_send_on_behalf", None)
        for name in ("smtp_password", "imap_password"):
            data[name] = data.get(name) or None  # empty: keep the stored one
        return data


# --- suppressions and lawful basis ------------------------------------------------------------


class SuppressionForm(forms.Form):
    address = forms.CharField(max_length=254, label="Email address")
    reason = forms.ChoiceField(choices=MANUAL_REASONS, initial="manual")
    note = forms.CharField(max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "suppress_%s")
        super().__init__(*args, **kwargs)
        style(self)

    def clean_address(self) -> str:
        address = domain.normalise_address(self.cleaned_data["address"])
        problem = domain.full_address_problem(address)
        if problem:
            raise forms.ValidationError("Not a valid email address")
        return address


class BasisForm(forms.Form):
    basis = forms.ChoiceField(
        choices=[("consent", "Consent"), ("legitimate_interest", "Legitimate interest")],
        label="Lawful basis",
    )
    evidence = forms.CharField(
        max_length=5000,
        required=False,
        label="Evidence of consent",
        help_text="How and when they agreed, e.g. “careers site form, 2 Jan”",
    )
    note = forms.CharField(
        max_length=5000,
        required=False,
        label="Balancing note",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For legitimate interest: why contacting them is fair",
    )
    given_at = forms.DateField(
        required=False, label="Given on", widget=forms.DateInput(attrs={"type": "date"})
    )
    expires_at = forms.DateField(
        required=False, label="Expires on", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "basis_%s")
        super().__init__(*args, **kwargs)
        style(self)

    def action_fields(self, zone: zoneinfo.ZoneInfo) -> dict[str, Any]:
        """The cleaned values as record_basis takes them (dates from the viewer's midnight)."""
        data = dict(self.cleaned_data)
        data["given_at"] = start_of_day(data.get("given_at"), zone)
        data["expires_at"] = start_of_day(data.get("expires_at"), zone)
        return data
