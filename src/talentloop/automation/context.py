"""What a step works with: the subject, the definition, who the workflow acts as, the time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from talentloop.accounts.models import User, Workspace
from talentloop.automation.conditions import condition_holds
from talentloop.automation.domain import Definition
from talentloop.automation.models import Run, Workflow
from talentloop.core.models import Event
from talentloop.people.models import Person
from talentloop.recruiting.models import Candidacy


def side_effect_key(run_id: int, path: str) -> str:
    """The idempotency key of one step of one run: outbox rows, notifications, webhooks."""
    return f"workflow-run:{run_id}:{path}"


@dataclass
class StepContext:
    """One run's subject and surroundings, or (simulate) what a dry run pretends."""

    workflow: Workflow
    definition: Definition
    person: Person
    now: datetime
    candidacy: Candidacy | None = None
    author: User | None = None  # the version's author; the workflow acts with their rights
    run: Run | None = None
    event: Event | None = None
    simulate: bool = False

    @property
    def workspace(self) -> Workspace:
        return self.workflow.workspace

    def key(self, path: str) -> str:
        return side_effect_key(self.run.pk, path) if self.run is not None else f"dry-run:{path}"

    def holds(self, condition: str) -> bool:
        return condition_holds(
            condition,
            workspace_id=self.workflow.workspace_id,
            person_id=self.person.pk,
            now=self.now,
            viewer_id=self.author.pk if self.author else None,
        )


def acting_author(user: User | None, workspace_id: int) -> User | None:
    """The author while they are an active member of the workspace, else None."""
    if user is None or not user.is_active or user.workspace_id != workspace_id:
        return None
    return user


def load_candidacy(subject_type: str, subject_id: int) -> Candidacy | None:
    if subject_type != "candidacy":
        return None
    return Candidacy.objects.select_related("job", "pool").filter(pk=subject_id).first()


def context_for_run(
    run: Run,
    definition: Definition,
    now: datetime,
    *,
    loaded: tuple[Event | None, Candidacy | None] | None = None,
) -> StepContext:
    """The context a live run's steps execute in; `loaded`: its event and candidacy, read."""
    if loaded is None:
        loaded = (_trigger_event(run), load_candidacy(run.subject_type, run.subject_id))
    event, candidacy = loaded
    return StepContext(
        workflow=run.workflow,
        definition=definition,
        person=run.person,
        now=now,
        candidacy=candidacy,
        author=acting_author(run.version.created_by, run.workspace_id),
        run=run,
        event=event,
    )


def _trigger_event(run: Run) -> Event | None:
    if run.trigger_event_id is None:
        return None
    return Event.objects.filter(pk=run.trigger_event_id).first()
