"""The builder's inputs: a label, a widget and where the options come from, per engine key. Pure."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from talentloop.automation import fields as engine_fields
from talentloop.automation.domain import ActionKind, AssigneeRule, TriggerKind
from talentloop.automation.queries import Option
from talentloop.people.domain import TASK_KINDS


class Widget(enum.StrEnum):
    TEXT = "text"
    TEXTAREA = "textarea"
    NUMBER = "number"
    SELECT = "select"
    MULTI = "multi"
    CHECK = "check"
    QUERY = "query"  # a condition in the search query language


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str
    widget: Widget = Widget.TEXT
    source: str = ""  # the options' name in the builder's option map
    grouped: bool = False
    help: str = ""
    placeholder: str = ""
    css: str = ""


TRIGGER_LABELS: dict[str, str] = {
    TriggerKind.PERSON_CREATED: "A person is created",
    TriggerKind.FIELD_CHANGED: "A person's field changes",
    TriggerKind.TAG_ADDED: "A tag is added",
    TriggerKind.TAG_REMOVED: "A tag is removed",
    TriggerKind.CANDIDACY_CREATED: "Someone is added to a job or pool",
    TriggerKind.STAGE_CHANGED: "A candidacy moves stage",
    TriggerKind.REJECTED: "A candidacy is rejected",
    TriggerKind.HIRED: "Someone is hired",
    TriggerKind.REPLY_RECEIVED: "A person replies to us",
    TriggerKind.BOUNCE: "An email to a person bounces",
    TriggerKind.CONSENT_GIVEN: "Consent is given",
    TriggerKind.CONSENT_WITHDRAWN: "Consent is withdrawn",
    TriggerKind.SEGMENT_ENTERED: "A person enters a segment",
    TriggerKind.SEGMENT_LEFT: "A person leaves a segment",
    TriggerKind.SCHEDULE: "On a schedule",
    TriggerKind.RELATIVE_DATE: "Days before or after a date",
    TriggerKind.INACTIVITY: "No activity for a while",
    TriggerKind.OFFER_ACCEPTED: "An offer is accepted",
    TriggerKind.INTERVIEW_UPCOMING: "Hours before an interview",
    TriggerKind.FORM_SUBMITTED: "A public form is submitted",
}
STEP_LABELS: dict[str, str] = {
    ActionKind.SEND_EMAIL: "Send an email",
    ActionKind.ENROL_IN_SEQUENCE: "Enrol in a sequence",
    ActionKind.REMOVE_FROM_SEQUENCE: "Remove from sequences",
    ActionKind.CREATE_TASK: "Create a task",
    ActionKind.NOTIFY_USER: "Notify a teammate",
    ActionKind.ADD_TAG: "Add a tag",
    ActionKind.REMOVE_TAG: "Remove a tag",
    ActionKind.MOVE_STAGE: "Move to a stage",
    ActionKind.ADD_TO_POOL: "Add to a pool",
    ActionKind.UPDATE_FIELD: "Update a field",
    ActionKind.CALL_WEBHOOK: "Call a webhook",
    ActionKind.START_ONBOARDING: "Start onboarding",
    "wait": "Wait",
    "if": "If / else",
}
STEP_KIND_OPTIONS = tuple(Option(kind, label) for kind, label in STEP_LABELS.items())
DATE_FIELD_LABELS: dict[str, str] = {
    "last_engaged_at": "Last engaged",
    "created_at": "Added to Talentloop",
    "consent_expires_at": "Consent expires",
}
ASSIGNEE_LABELS: dict[str, str] = {
    AssigneeRule.OWNER: "The person's owner",
    AssigneeRule.JOB_RECRUITER: "The job's recruiter",
    AssigneeRule.ROUND_ROBIN: "Round robin",
    AssigneeRule.USER: "A teammate",
}
STATIC_OPTIONS: dict[str, tuple[Option, ...]] = {
    "trigger_kinds": tuple(Option(kind, label) for kind, label in TRIGGER_LABELS.items()),
    "person_fields": tuple(
        Option(name, name) for name in sorted(engine_fields.WATCHED_PERSON_FIELDS)
    ),
    "date_fields": tuple(Option(name, label) for name, label in DATE_FIELD_LABELS.items()),
    "task_kinds": tuple(
        Option(kind, kind.replace("_", " ").capitalize()) for kind in sorted(TASK_KINDS)
    ),
    "updatable_fields": tuple(
        Option(name, name.replace("_", " ").capitalize()) for name in engine_fields.UPDATABLE_FIELDS
    ),
    "assignee_rules": tuple(Option(rule, label) for rule, label in ASSIGNEE_LABELS.items()),
}

_ANY = "None chosen: any."
TRIGGER_KIND = FieldSpec("kind", "When", Widget.SELECT, "trigger_kinds")
TRIGGER_FIELDS: dict[str, FieldSpec] = {
    "fields": FieldSpec("fields", "Any of these fields", Widget.MULTI, "person_fields"),
    "tags": FieldSpec("tags", "Tags", help="Separate with commas. Empty: any tag.",
                      placeholder="silver, referral"),
    "job_ids": FieldSpec("job_ids", "Jobs", Widget.MULTI, "jobs", help=_ANY),
    "pool_ids": FieldSpec("pool_ids", "Pools", Widget.MULTI, "pools", help=_ANY),
    "to_stage_ids": FieldSpec("to_stage_ids", "To stages", Widget.MULTI, "stages", True, _ANY),
    "from_stage_ids": FieldSpec("from_stage_ids", "From stages", Widget.MULTI, "stages", True,
                                _ANY),
    "reason_ids": FieldSpec("reason_ids", "Reasons", Widget.MULTI, "reasons", help=_ANY),
    "mailbox_ids": FieldSpec("mailbox_ids", "Mailboxes", Widget.MULTI, "mailboxes", help=_ANY),
    "segment_id": FieldSpec("segment_id", "Segment", Widget.SELECT, "segments"),
    "cron": FieldSpec("cron", "Schedule (cron)", placeholder="0 9 * * 1-5",
                      help="Minute, hour, day, month, weekday: 0 9 * * 1-5 is 09:00 on weekdays."),
    "time_zone": FieldSpec("time_zone", "Time zone", placeholder="UTC"),
    "date_field": FieldSpec("date_field", "Date", Widget.SELECT, "date_fields"),
    "days": FieldSpec("days", "Days", Widget.NUMBER),
    "before": FieldSpec("before", "Count the days before the date", Widget.CHECK,
                        help="For a date ahead, such as a consent's expiry."),
    "hours": FieldSpec("hours", "Hours before it starts", Widget.NUMBER, placeholder="24"),
    "form_ids": FieldSpec("form_ids", "Forms", Widget.MULTI, "forms", help=_ANY),
}  # fmt: skip
_PLACEHOLDERS = "May say {person}, {first_name} and {workflow}."
ACTION_FIELDS: dict[str, FieldSpec] = {
    "tag": FieldSpec("tag", "Tag"),
    "title": FieldSpec("title", "Title", help=_PLACEHOLDERS),
    "description": FieldSpec("description", "Description", Widget.TEXTAREA),
    "task_kind": FieldSpec("task_kind", "Kind of task", Widget.SELECT, "task_kinds"),
    "due_in_days": FieldSpec("due_in_days", "Due in (days)", Widget.NUMBER),
    "job_id": FieldSpec("job_id", "Job", Widget.SELECT, "jobs"),
    "pool_id": FieldSpec("pool_id", "Pool", Widget.SELECT, "pools"),
    "stage_id": FieldSpec("stage_id", "Stage", Widget.SELECT, "stages", True),
    "field": FieldSpec("field", "Field", Widget.SELECT, "updatable_fields"),
    "value": FieldSpec("value", "New value", help="Yes or no for do not contact."),
    "sequence_id": FieldSpec("sequence_id", "Sequence", Widget.SELECT, "sequences"),
    "template_id": FieldSpec("template_id", "Template", Widget.SELECT, "templates"),
    "mailbox_id": FieldSpec("mailbox_id", "Send from", Widget.SELECT, "mailboxes"),
    "url": FieldSpec("url", "Address", placeholder="https://example.com/hooks/talentloop"),
    "checklist_id": FieldSpec("checklist_id", "Checklist", Widget.SELECT, "checklists"),
}
ASSIGNEE_FIELDS = (
    FieldSpec("assignee.rule", "Assign to", Widget.SELECT, "assignee_rules", css="wf-rule"),
    FieldSpec("assignee.user_id", "Teammate", Widget.SELECT, "users", css="wf-only-user"),
    FieldSpec("assignee.user_ids", "Taking turns", Widget.MULTI, "users", css="wf-only-turns"),
    FieldSpec("assignee.fallback_user_id", "When nobody is found", Widget.SELECT, "users"),
)
DURATION = FieldSpec("duration", "Wait for", placeholder="14d", help="30m, 2h, 14d or 3w.")
CONDITION = FieldSpec("condition", "Condition", Widget.QUERY, placeholder="has:email",
                      help="In the search query language.")  # fmt: skip
TOP_CONDITION = FieldSpec(
    "condition",
    "Only for people matching",
    Widget.QUERY,
    placeholder='seniority>=senior NOT tag:"do not contact"',
    help="Optional. The search query language, checked on the person when a run starts.",
)
RUNS_PER_HOUR = FieldSpec(
    "max_runs_per_hour", "Runs per person per hour", Widget.NUMBER, placeholder="10",
    help="The loop guard: at most this many runs for one person in an hour.",
)  # fmt: skip
HEADER_FIELDS = (
    FieldSpec("name", "Name", placeholder="Silver medallist nurture"),
    FieldSpec("description", "Description", Widget.TEXTAREA),
)
