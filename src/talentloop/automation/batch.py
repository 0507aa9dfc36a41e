"""Many step items at once: the `run_many` of the `automation.step` kind (core.scheduling).

The slice's runs are prepared together (automation.prepared); the steps that add the same
tag in the same workspace are executed as one `do_tag_people` call, whose events are
written with one statement and each still names its own run as the cause; then every item
moves its run on as `engine.run_step` does, and the runs' records (RunSteps, new states,
next due items) are written together. Anything that raises rolls the whole slice back and
the scheduler runs its items one by one, where a failure is kept on its own item.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from talentloop.automation import engine, prepared
from talentloop.automation.context import side_effect_key
from talentloop.automation.domain import (
    CONDITION_PATH,
    LIVE_RUN_STATES,
    Action,
    ActionKind,
    next_path,
    step_at,
    tag_key,
    walk,
)
from talentloop.automation.executors import forget_tags, has_tag
from talentloop.automation.queries import definition_of
from talentloop.core import clock
from talentloop.core.events import recorded_together
from talentloop.core.models import DueItem
from talentloop.people.actions import do_tag_people

# Actions that reach outside the database as they run (the rest only write rows).
OUTSIDE_CALLS = frozenset({ActionKind.CALL_WEBHOOK})


@dataclass(frozen=True)
class _Tagging:
    item: DueItem
    ready: prepared.PreparedRun
    path: str
    action: Action


def run_steps(items: Sequence[DueItem]) -> list[DueItem]:
    """Run a slice of step items together (each already marked done); returns those declined.

    Declined, for the one-by-one path: an item whose run could not be prepared (a second
    item of its run or person in the slice), and one whose workflow calls a webhook, since
    a slice run again after a failure must not have called anyone twice.
    """
    with prepared.deferring(items) as deferred:
        declined = [item for item in items if not _together(item)]
        chosen = [item for item in items if item not in declined]
        done_as = _tag_together(chosen)
        for item in chosen:
            engine.run_step(item, done_as=done_as.get(item.pk))
        deferred.flush()
    return declined


def _together(item: DueItem) -> bool:
    ready = prepared.peek(item.payload.get("run_id"))
    if ready is None:
        return False
    steps = walk(definition_of(ready.run.version).steps)
    return not any(isinstance(step, Action) and step.kind in OUTSIDE_CALLS for _, step in steps)


def _tag_together(items: Sequence[DueItem]) -> dict[int, engine.Move]:
    """Execute the slice's add_tag steps, one call per workspace and tag; their moves."""
    groups: dict[tuple[int, str], list[_Tagging]] = defaultdict(list)
    for item in items:
        tagging = _tagging(item)
        if tagging is not None:
            groups[(tagging.ready.run.workspace_id, tag_key(tagging.action.tag))].append(tagging)
    moves: dict[int, engine.Move] = {}
    for group in groups.values():
        moves.update(_tag_group(group))
    return moves


def _tagging(item: DueItem) -> _Tagging | None:
    """The item's step when it is an add_tag not yet done for an untagged person."""
    ready = prepared.peek(item.payload.get("run_id"))
    path = str(item.payload.get("path", ""))
    if ready is None or ready.run.state not in LIVE_RUN_STATES or path == CONDITION_PATH:
        return None
    if side_effect_key(ready.run.pk, path) in ready.steps:
        return None  # done or failed before: the one-by-one path replays or records it
    try:
        step = step_at(definition_of(ready.run.version), path)
    except ValueError:
        return None  # the one-by-one path fails it as it always has
    if not isinstance(step, Action) or step.kind is not ActionKind.ADD_TAG:
        return None
    if has_tag(ready.run.person, step.tag) is not None:
        return None  # recorded as "already tagged" by the one-by-one path
    return _Tagging(item, ready, path, step)


def _tag_group(group: list[_Tagging]) -> dict[int, engine.Move]:
    first = group[0]
    people = [tagging.ready.run.person for tagging in group]
    causes = {("person", t.ready.run.person_id): engine.run_request_id(t.ready.run.pk)
              for t in group}  # fmt: skip
    started = clock.now()
    with recorded_together(causes):
        tags = do_tag_people(actor=None, workspace=first.ready.run.workflow.workspace,
                             people=people, names=[first.action.tag])  # fmt: skip
    moves: dict[int, engine.Move] = {}
    for tagging in group:
        run, path = tagging.ready.run, tagging.path
        definition = definition_of(run.version)
        move = engine.Move(next_path(definition, path), started)
        outcome = engine.Outcome(
            ActionKind.ADD_TAG.value,
            f"added the tag '{tagging.action.tag}'",
            move,
            engine.step_input(tagging.action),
            {"tag_id": tags[0].pk},
        )
        record = engine.step_record(run, path, outcome, attempts=tagging.item.attempts,
                                    started=started)  # fmt: skip
        engine.record_step(side_effect_key(run.pk, path), record, tagging.ready.steps)
        forget_tags(run.person)
        moves[tagging.item.pk] = move
    return moves
