"""Do the ids a definition names exist in the workspace? Pure: the catalogue is passed in."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from talentloop.automation.domain import Action, ActionKind, Assignee, Definition, walk

_Ids = frozenset[int]


@dataclass(frozen=True)
class Catalog:
    """The ids of one workspace a definition may name, as seen by the workflow's author."""

    templates: _Ids = frozenset()
    mailboxes: _Ids = frozenset()  # every mailbox of the workspace
    sendable_mailboxes: _Ids = frozenset()  # the ones the author may send from
    sequences: _Ids = frozenset()
    users: _Ids = frozenset()  # active members
    segments: _Ids = frozenset()
    reasons: _Ids = frozenset()
    job_pipelines: Mapping[int, int] = field(default_factory=dict)
    pool_pipelines: Mapping[int, int] = field(default_factory=dict)
    pipeline_stages: Mapping[int, _Ids] = field(default_factory=dict)
    checklists: _Ids = frozenset()
    forms: _Ids = frozenset()

    @property
    def stages(self) -> _Ids:
        return frozenset(stage for stages in self.pipeline_stages.values() for stage in stages)

    def stages_of_job(self, job_id: int) -> _Ids:
        return self.pipeline_stages.get(self.job_pipelines.get(job_id, 0), frozenset())

    def stages_of_pool(self, pool_id: int) -> _Ids:
        return self.pipeline_stages.get(self.pool_pipelines.get(pool_id, 0), frozenset())


Problem = tuple[str, str]


def _unknown(path: str, ids: tuple[int, ...], known: _Ids, what: str) -> list[Problem]:
    missing = [value for value in ids if value not in known]
    return [(path, f"unknown {what} {missing[0]}")] if missing else []


def check_trigger(definition: Definition, catalog: Catalog) -> list[Problem]:
    trigger = definition.trigger
    segment = (trigger.segment_id,) if trigger.segment_id is not None else ()
    checks = (
        ("job_ids", trigger.job_ids, frozenset(catalog.job_pipelines), "job"),
        ("pool_ids", trigger.pool_ids, frozenset(catalog.pool_pipelines), "pool"),
        ("to_stage_ids", trigger.to_stage_ids, catalog.stages, "stage"),
        ("from_stage_ids", trigger.from_stage_ids, catalog.stages, "stage"),
        ("reason_ids", trigger.reason_ids, catalog.reasons, "rejection reason"),
        ("mailbox_ids", trigger.mailbox_ids, catalog.mailboxes, "mailbox"),
        ("segment_id", segment, catalog.segments, "segment"),
        ("form_ids", trigger.form_ids, catalog.forms, "form"),
    )
    problems: list[Problem] = []
    for name, ids, known, what in checks:
        problems += _unknown(f"trigger.{name}", ids, known, what)
    return problems


def _assignee(path: str, assignee: Assignee | None, catalog: Catalog) -> list[Problem]:
    if assignee is None:
        return []
    problems: list[Problem] = []
    for name in ("user_id", "fallback_user_id"):
        value = getattr(assignee, name)
        if value is not None:
            problems += _unknown(f"{path}.assignee.{name}", (value,), catalog.users, "user")
    problems += _unknown(f"{path}.assignee.user_ids", assignee.user_ids, catalog.users, "user")
    return problems


def _one(path: str, value: int | None, known: _Ids, what: str) -> list[Problem]:
    return _unknown(path, (value,), known, what) if value is not None else []


def _stage_problems(path: str, action: Action, catalog: Catalog) -> list[Problem]:
    if action.stage_id is None:
        return []
    if action.job_id is not None and action.job_id in catalog.job_pipelines:
        allowed, where = catalog.stages_of_job(action.job_id), "this job's pipeline"
    elif action.pool_id is not None and action.pool_id in catalog.pool_pipelines:
        allowed, where = catalog.stages_of_pool(action.pool_id), "this pool's pipeline"
    else:
        allowed, where = catalog.stages, ""
    if action.stage_id in allowed:
        return []
    if where:
        return [(f"{path}.stage_id", f"stage {action.stage_id} is not in {where}")]
    return [(f"{path}.stage_id", f"unknown stage {action.stage_id}")]


def _mailbox(path: str, action: Action, catalog: Catalog) -> list[Problem]:
    if action.mailbox_id is None or action.mailbox_id in catalog.sendable_mailboxes:
        return []
    if action.mailbox_id in catalog.mailboxes:
        return [(f"{path}.mailbox_id", "the workflow's author may not send from this mailbox")]
    return [(f"{path}.mailbox_id", f"unknown mailbox {action.mailbox_id}")]


def check_action(path: str, action: Action, catalog: Catalog) -> list[Problem]:
    """Problems with the ids one action names."""
    jobs, pools = frozenset(catalog.job_pipelines), frozenset(catalog.pool_pipelines)
    problems = [
        *_one(f"{path}.template_id", action.template_id, catalog.templates, "template"),
        *_one(f"{path}.sequence_id", action.sequence_id, catalog.sequences, "sequence"),
        *_one(f"{path}.job_id", action.job_id, jobs, "job"),
        *_one(f"{path}.pool_id", action.pool_id, pools, "pool"),
        *_one(f"{path}.checklist_id", action.checklist_id, catalog.checklists, "checklist"),
        *_mailbox(path, action, catalog),
        *_assignee(path, action.assignee, catalog),
    ]
    if action.kind in (ActionKind.MOVE_STAGE, ActionKind.ADD_TO_POOL):
        problems += _stage_problems(path, action, catalog)
    return problems


def check_references(definition: Definition, catalog: Catalog) -> list[Problem]:
    """Every id the definition names that the workspace does not have, with its path."""
    problems = check_trigger(definition, catalog)
    for path, step in walk(definition.steps):
        if isinstance(step, Action):
            problems += check_action(path, step, catalog)
    return problems
