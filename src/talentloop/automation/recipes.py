"""Recipes: ready-made workflows, installed in one click plus a few choices.

A recipe is pure data: what it is for, the choices it needs from the workspace (a pool, a
sequence, a template …) and a function from those choices to a definition. Installing one
checks the choices against what the workspace has, then saves the workflow through
`do_create_workflow`, so a recipe passes exactly the validation a hand-built workflow does.
A recipe whose trigger the product does not have is listed with what it needs and cannot be
installed.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from talentloop.accounts.models import User
from talentloop.automation.actions import do_create_workflow
from talentloop.automation.models import Workflow
from talentloop.automation.queries import (
    Option,
    WorkspaceChoices,
    require_manage,
    workspace_choices,
)
from talentloop.core.errors import NotFound, ValidationFailed


class Need(enum.StrEnum):
    """What a choice picks: a record of the workspace, a number of days or a fixed option."""

    POOL = "pools"
    SEQUENCE = "sequences"
    TEMPLATE = "templates"
    MAILBOX = "mailboxes"
    USER = "users"
    JOB_STAGE = "job_stage_keys"
    DAYS = "days"
    HOURS = "hours"
    ASSIGNEE = "assignee"
    CHECKLIST = "checklists"


# How a missing record is named in "this recipe needs …".
NEED_NAMES = {
    Need.POOL: "a talent pool",
    Need.SEQUENCE: "a sequence",
    Need.TEMPLATE: "an email template",
    Need.MAILBOX: "a mailbox you may send from",
    Need.USER: "an active teammate",
    Need.JOB_STAGE: "a job pipeline",
    Need.CHECKLIST: "an onboarding checklist",
}
COUNTS = {Need.DAYS: "days", Need.HOURS: "hours"}
ASSIGNEE_OPTIONS = (
    Option("owner", "The person's owner"),
    Option("job_recruiter", "The recruiter of their job"),
)


@dataclass(frozen=True)
class Choice:
    """One input of the install form; `name` is the key the recipe's build reads."""

    name: str
    label: str
    need: Need
    help: str = ""
    days: int = 0  # DAYS and HOURS: the default
    low: int = 1
    high: int = 365
    prefer: str = ""  # JOB_STAGE: the key chosen by default ("last": the final active stage)


Values = Mapping[str, Any]


@dataclass(frozen=True)
class Recipe:
    slug: str
    name: str
    summary: str
    choices: tuple[Choice, ...] = ()
    build: Callable[[Values], dict[str, Any]] | None = None
    needs_feature: str = ""  # what the product lacks for this recipe ("interviews")

    @property
    def installable(self) -> bool:
        return self.build is not None and not self.needs_feature


_BARE = re.compile(r"[a-z0-9_]+")


def query_value(text: str) -> str:
    """A value for the query language: bare when it is a plain word, else quoted."""
    if _BARE.fullmatch(text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _send(values: Values) -> dict[str, Any]:
    return {
        "kind": "send_email",
        "template_id": values["template_id"],
        "mailbox_id": values["mailbox_id"],
    }


def _silver_medallists(values: Values) -> dict[str, Any]:
    return {
        "trigger": {"kind": "rejected"},
        "condition": f"rejected_stage>={query_value(values['final_stage'])}",
        "steps": [
            {"kind": "add_to_pool", "pool_id": values["pool_id"]},
            {"kind": "wait", "duration": f"{values['days']}d"},
            {"kind": "enrol_in_sequence", "sequence_id": values["sequence_id"]},
        ],
    }


def _follow_up(values: Values) -> dict[str, Any]:
    days = values["days"]
    task = {
        "kind": "create_task",
        "title": "Follow up with {person}",
        "description": f"Nothing has happened with {{person}} for {days} days.",
        "task_kind": "follow_up",
        "due_in_days": 1,
        "assignee": {"rule": values["assignee"], "fallback_user_id": values["user_id"]},
    }
    trigger = {"kind": "inactivity", "days": days}
    return {"trigger": trigger, "condition": "outcome:open", "steps": [task]}


def _acknowledge(values: Values) -> dict[str, Any]:
    return {
        "trigger": {"kind": "candidacy_created"},
        "condition": f"stage:{query_value(values['applied_stage'])}",
        "steps": [_send(values)],
    }


def _rejection_email(values: Values) -> dict[str, Any]:
    return {
        "trigger": {"kind": "rejected"},
        "steps": [{"kind": "wait", "duration": f"{values['days']}d"}, _send(values)],
    }


def _interview_reminder(values: Values) -> dict[str, Any]:
    notify = {
        "kind": "notify_user",
        "title": "Interview with {person} coming up",
        "assignee": {"rule": "job_recruiter", "fallback_user_id": values["user_id"]},
    }
    trigger = {"kind": "interview_upcoming", "hours": values["hours"]}
    return {"trigger": trigger, "steps": [_send(values), notify]}


def _onboarding(values: Values) -> dict[str, Any]:
    step = {"kind": "start_onboarding", "checklist_id": values["checklist_id"],
            "template_id": values["template_id"], "mailbox_id": values["mailbox_id"]}  # fmt: skip
    return {"trigger": {"kind": "offer_accepted"}, "steps": [step]}


def _re_consent(values: Values) -> dict[str, Any]:
    trigger = {"kind": "relative_date", "date_field": "consent_expires_at",
               "days": values["days"], "before": True}  # fmt: skip
    return {"trigger": trigger, "steps": [_send(values)]}


_TEMPLATE = Choice("template_id", "Email template", Need.TEMPLATE)
_MAILBOX = Choice("mailbox_id", "Send from", Need.MAILBOX)

RECIPES: tuple[Recipe, ...] = (
    Recipe(
        slug="silver-medallists",
        name="Silver medallist nurture",
        summary="Finalists you turned down join a talent pool at once and, a couple of weeks "
        "later, a nurture sequence, so they hear from you before the next opening.",
        choices=(
            Choice(
                "final_stage",
                "Rejected at or after",
                Need.JOB_STAGE,
                prefer="last",
                help="The stage that makes someone a finalist.",
            ),
            Choice("pool_id", "Add to the pool", Need.POOL),
            Choice("days", "Then wait (days)", Need.DAYS, days=14),
            Choice("sequence_id", "And enrol in the sequence", Need.SEQUENCE),
        ),
        build=_silver_medallists,
    ),
    Recipe(
        slug="follow-up-reminder",
        name="Follow-up reminder after no activity",
        summary="When nothing has happened with someone in an open pipeline for a while, a "
        "follow-up task lands with the person responsible.",
        choices=(
            Choice("days", "Quiet for (days)", Need.DAYS, days=30, high=3650),
            Choice("assignee", "Task for", Need.ASSIGNEE),
            Choice("user_id", "When there is nobody, give it to", Need.USER),
        ),
        build=_follow_up,
    ),
    Recipe(
        slug="application-acknowledgement",
        name="Application acknowledgement",
        summary="Someone added to a job at the stage where applications arrive gets a "
        "thank-you email straight away.",
        choices=(
            Choice("applied_stage", "Added at the stage", Need.JOB_STAGE, prefer="applied"),
            _TEMPLATE,
            _MAILBOX,
        ),
        build=_acknowledge,
    ),
    Recipe(
        slug="rejection-email",
        name="Rejection email",
        summary="A kind rejection email a few days after a candidacy is rejected, rather than "
        "the moment the decision is clicked.",
        choices=(
            Choice("days", "Days after the rejection", Need.DAYS, days=2),
            _TEMPLATE,
            _MAILBOX,
        ),
        build=_rejection_email,
    ),
    Recipe(
        slug="re-consent",
        name="Re-consent request",
        summary="Before a recorded consent expires, the person is asked to renew it. A renewed "
        "consent moves the date on; a withdrawn one asks nobody.",
        choices=(
            Choice("days", "Days before it expires", Need.DAYS, days=30),
            _TEMPLATE,
            _MAILBOX,
        ),
        build=_re_consent,
    ),
    Recipe(
        slug="interview-reminder",
        name="Interview reminder",
        summary="Before an interview the candidate gets a reminder email and the job's "
        "recruiter a notification. A moved interview reminds again; a cancelled one does not.",
        choices=(
            Choice("hours", "Hours before the interview", Need.HOURS, days=24, high=24 * 90),
            _TEMPLATE,
            _MAILBOX,
            Choice("user_id", "When the job has no recruiter, notify", Need.USER),
        ),
        build=_interview_reminder,
    ),
    Recipe(
        slug="onboarding",
        name="Onboarding on offer accepted",
        summary="When an offer is accepted: the onboarding checklist, a welcome email and the "
        "hand-off to the HRIS.",
        choices=(Choice("checklist_id", "Checklist", Need.CHECKLIST), _TEMPLATE, _MAILBOX),
        build=_onboarding,
    ),
)


def recipe_by_slug(slug: str) -> Recipe:
    for recipe in RECIPES:
        if recipe.slug == slug:
            return recipe
    raise NotFound("recipe not found")


def options_for(choice: Choice, choices: WorkspaceChoices) -> tuple[Option, ...]:
    """What the install form offers for one choice."""
    if choice.need is Need.ASSIGNEE:
        return ASSIGNEE_OPTIONS
    if choice.need in COUNTS:
        return ()
    found: tuple[Option, ...] = getattr(choices, choice.need.value)
    return found


def missing(recipe: Recipe, choices: WorkspaceChoices) -> list[str]:
    """The records the workspace lacks for this recipe ("a talent pool"), in choice order."""
    return [
        NEED_NAMES[choice.need]
        for choice in recipe.choices
        if choice.need in NEED_NAMES and not options_for(choice, choices)
    ]


def defaults(recipe: Recipe, choices: WorkspaceChoices, *, user_id: int) -> dict[str, str]:
    """The install form's first values: sensible stages, the installer, the usual days."""
    values: dict[str, str] = {}
    for choice in recipe.choices:
        offered = options_for(choice, choices)
        if choice.need in COUNTS:
            values[choice.name] = str(choice.days)
        elif choice.need is Need.USER and any(option.value == user_id for option in offered):
            values[choice.name] = str(user_id)
        elif choice.need is Need.JOB_STAGE and offered:
            values[choice.name] = str(_preferred_stage(choice, offered))
        elif offered:
            values[choice.name] = str(offered[0].value)
    return values


def _preferred_stage(choice: Choice, offered: tuple[Option, ...]) -> int | str:
    if choice.prefer == "last":
        return offered[-1].value
    named = [option.value for option in offered if option.value == choice.prefer]
    return named[0] if named else offered[0].value


def _read(choice: Choice, raw: str, offered: tuple[Option, ...]) -> int | str:
    text = raw.strip()
    if choice.need in COUNTS:
        if not text.isdigit() or not choice.low <= int(text) <= choice.high:
            unit = COUNTS[choice.need]
            raise ValueError(f"a whole number of {unit} from {choice.low} to {choice.high}")
        return int(text)
    for option in offered:
        if str(option.value) == text:
            return option.value
    raise ValueError("required" if not text else "choose one of the list")


def read_choices(
    recipe: Recipe, raw: Mapping[str, str], choices: WorkspaceChoices
) -> dict[str, int | str]:
    """The typed choices; ValidationFailed names each one that is missing or not offered."""
    values: dict[str, int | str] = {}
    problems: dict[str, str] = {}
    for choice in recipe.choices:
        try:
            offered = options_for(choice, choices)
            values[choice.name] = _read(choice, raw.get(choice.name, ""), offered)
        except ValueError as error:
            problems[choice.name] = str(error)
    if problems:
        raise ValidationFailed("some choices are not valid", fields=problems)
    return values


def definition_of_recipe(recipe: Recipe, values: Values) -> dict[str, Any]:
    """The definition a recipe builds from its typed choices."""
    if recipe.build is None:
        raise ValidationFailed(f"{recipe.name} needs {recipe.needs_feature}")
    return recipe.build(values)


def _refuse_unusable(recipe: Recipe, choices: WorkspaceChoices) -> None:
    if not recipe.installable:
        raise ValidationFailed(
            f"{recipe.name} needs {recipe.needs_feature}, which Talentloop does not have yet"
        )
    lacking = missing(recipe, choices)
    if lacking:
        empty = {c.name: "none yet" for c in recipe.choices if NEED_NAMES.get(c.need) in lacking}
        raise ValidationFailed(
            f"{recipe.name} needs {' and '.join(lacking)}: create one first", fields=empty
        )


@transaction.atomic
def do_install_recipe(
    *, actor: User, recipe: Recipe, raw_choices: Mapping[str, str], enabled: bool = False
) -> Workflow:
    """Create the recipe's workflow from the installer's choices, through do_create_workflow."""
    require_manage(actor)
    choices = workspace_choices(actor)
    _refuse_unusable(recipe, choices)
    values = read_choices(recipe, raw_choices, choices)
    return do_create_workflow(
        actor=actor,
        name=recipe.name,
        description=recipe.summary,
        definition=definition_of_recipe(recipe, values),
        enabled=enabled,
    )
