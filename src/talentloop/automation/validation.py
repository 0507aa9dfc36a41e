"""Check a definition against the workspace: ids that exist, conditions that compile."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.db.models import Q

from talentloop.accounts.models import User
from talentloop.automation import addresses
from talentloop.automation.conditions import condition_q
from talentloop.automation.domain import (
    Action,
    ActionKind,
    Branch,
    Definition,
    DefinitionError,
    walk,
)
from talentloop.automation.models import ChecklistTemplate
from talentloop.automation.parsing import parse_definition
from talentloop.automation.references import Catalog, check_references
from talentloop.core import clock
from talentloop.forms.models import Form
from talentloop.outreach.models import Mailbox, Template
from talentloop.outreach.sequence_models import Sequence
from talentloop.recruiting.models import Job, RejectionReason, Stage, TalentPool
from talentloop.search.domain import QueryError
from talentloop.search.models import Segment


def _ids(rows: Any) -> frozenset[int]:
    return frozenset(rows.values_list("pk", flat=True))


def catalog_for(*, workspace_id: int, author: User) -> Catalog:
    """The ids of a workspace a definition may name; mailboxes as seen by the author."""
    mailboxes = Mailbox.objects.filter(workspace_id=workspace_id)
    sendable = mailboxes.filter(active=True).filter(
        Q(owner__isnull=True) | Q(owner_id=author.pk) | Q(allow_send_on_behalf=True)
    )
    stages: dict[int, set[int]] = {}
    for stage_id, pipeline_id in Stage.objects.filter(
        pipeline__workspace_id=workspace_id
    ).values_list("pk", "pipeline_id"):
        stages.setdefault(pipeline_id, set()).add(stage_id)
    return Catalog(
        templates=_ids(Template.objects.filter(workspace_id=workspace_id, archived=False)),
        mailboxes=_ids(mailboxes),
        sendable_mailboxes=_ids(sendable),
        sequences=_ids(Sequence.objects.filter(workspace_id=workspace_id, archived=False)),
        users=_ids(User.objects.filter(workspace_id=workspace_id, is_active=True)),
        segments=_ids(Segment.objects.filter(workspace_id=workspace_id)),
        reasons=_ids(RejectionReason.objects.filter(workspace_id=workspace_id)),
        job_pipelines=dict(
            Job.objects.filter(workspace_id=workspace_id).values_list("pk", "pipeline_id")
        ),
        pool_pipelines=dict(
            TalentPool.objects.filter(workspace_id=workspace_id).values_list("pk", "pipeline_id")
        ),
        pipeline_stages={pipeline: frozenset(ids) for pipeline, ids in stages.items()},
        checklists=_ids(ChecklistTemplate.objects.filter(workspace_id=workspace_id)),
        forms=_ids(Form.objects.filter(workspace_id=workspace_id)),
    )


def _conditions(definition: Definition) -> list[tuple[str, str]]:
    found = [("condition", definition.condition)] if definition.condition else []
    for path, step in walk(definition.steps):
        if isinstance(step, Branch):
            found.append((f"{path}.condition", step.condition))
    return found


def condition_problems(
    definition: Definition, *, workspace_id: int, author: User
) -> list[tuple[str, str]]:
    """Conditions that parse but name what this workspace lacks (a custom field, `owner:me`)."""
    problems = []
    for path, text in _conditions(definition):
        try:
            condition_q(text, workspace_id=workspace_id, now=clock.now(), viewer_id=author.pk)
        except QueryError as error:
            problems.append((path, error.message))
    return problems


def webhook_problems(definition: Definition) -> list[tuple[str, str]]:
    """Webhook URLs whose host is, or resolves to, an address webhooks may not call."""
    policy = addresses.allowed()
    problems = []
    for path, step in walk(definition.steps):
        if isinstance(step, Action) and step.kind is ActionKind.CALL_WEBHOOK:
            parts = urlsplit(step.url)
            port = parts.port or (443 if parts.scheme == "https" else 80)
            try:
                addresses.checked_address(parts.hostname or "", port, policy)
            except (addresses.AddressRefused, addresses.AddressUnresolved) as error:
                problems.append((f"{path}.url", str(error)))
    return problems


def validate_definition(raw: Any, *, workspace_id: int, author: User) -> Definition:
    """Parse and check a definition; DefinitionError names every problem by exact path."""
    definition = parse_definition(raw)
    check_definition(definition, workspace_id=workspace_id, author=author)
    return definition


def check_definition(definition: Definition, *, workspace_id: int, author: User) -> None:
    """Refuse a parsed definition whose ids or conditions do not fit the workspace."""
    problems = check_references(definition, catalog_for(workspace_id=workspace_id, author=author))
    problems += condition_problems(definition, workspace_id=workspace_id, author=author)
    problems += webhook_problems(definition)
    if problems:
        raise DefinitionError(problems)
