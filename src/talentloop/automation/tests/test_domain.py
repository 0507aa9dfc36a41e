"""Paths, navigation, trigger matching, the loop guard and small text rules: pure."""

from __future__ import annotations

import pytest

from talentloop.accounts.domain import Role
from talentloop.automation.domain import (
    CONDITION_PATH,
    Action,
    Trigger,
    TriggerFact,
    TriggerKind,
    can_manage_workflows,
    can_read_workflows,
    fill_placeholders,
    first_path,
    format_duration,
    guard_refusal,
    next_path,
    parse_duration,
    parse_path,
    path_text,
    step_at,
    trigger_matches,
    walk,
)
from talentloop.automation.parsing import parse_definition

TREE = parse_definition(
    {
        "trigger": {"kind": "person_created"},
        "condition": "has:email",
        "steps": [
            {"kind": "add_tag", "tag": "a"},
            {
                "kind": "if",
                "condition": "tag:x",
                "then": [
                    {"kind": "add_tag", "tag": "b"},
                    {"kind": "if", "condition": "tag:y", "else": [{"kind": "add_tag", "tag": "c"}]},
                ],
                "else": [{"kind": "add_tag", "tag": "d"}],
            },
            {"kind": "add_tag", "tag": "e"},
        ],
    }
)


def test_paths_print_and_parse_both_ways():
    parts = (("steps", 1), ("then", 1), ("else", 0))

    assert path_text(parts) == "steps[1].then[1].else[0]"
    assert parse_path("steps[1].then[1].else[0]") == parts
    step = step_at(TREE, "steps[1].then[1].else[0]")
    assert isinstance(step, Action)
    assert step.tag == "c"


@pytest.mark.parametrize("text", ["", "then[0]", "steps[0].steps[1]", "steps[x]", "steps[0]."])
def test_bad_paths_are_refused(text):
    with pytest.raises(ValueError, match="not a step path"):
        parse_path(text)


def test_step_at_a_missing_index_is_refused():
    with pytest.raises(ValueError, match="no step at steps\\[9\\]"):
        step_at(TREE, "steps[9]")


def test_walk_visits_every_step_depth_first():
    assert [path for path, _ in walk(TREE.steps)] == [
        "steps[0]",
        "steps[1]",
        "steps[1].then[0]",
        "steps[1].then[1]",
        "steps[1].then[1].else[0]",
        "steps[1].else[0]",
        "steps[2]",
    ]


@pytest.mark.parametrize(
    ("path", "branch", "expected"),
    [
        (CONDITION_PATH, None, "steps[0]"),
        ("steps[0]", None, "steps[1]"),
        ("steps[1]", "then", "steps[1].then[0]"),
        ("steps[1]", "else", "steps[1].else[0]"),
        ("steps[1].then[0]", None, "steps[1].then[1]"),
        # an if step whose chosen branch is empty: carry on after it
        ("steps[1].then[1]", "then", "steps[2]"),
        ("steps[1].then[1]", "else", "steps[1].then[1].else[0]"),
        # the end of a nested branch climbs out past every finished if step
        ("steps[1].then[1].else[0]", None, "steps[2]"),
        ("steps[1].else[0]", None, "steps[2]"),
        ("steps[2]", None, None),
    ],
)
def test_next_path_follows_the_tree(path, branch, expected):
    assert next_path(TREE, path, branch) == expected


def test_a_run_starts_at_its_condition_unless_it_was_checked():
    assert first_path(TREE) == CONDITION_PATH
    assert first_path(TREE, condition_checked=True) == "steps[0]"


def fact(**values):
    base = {"kind": TriggerKind.STAGE_CHANGED, "person_id": 1, "subject_type": "candidacy",
            "subject_id": 5}  # fmt: skip
    return TriggerFact(**{**base, **values})


@pytest.mark.parametrize(
    ("trigger", "the_fact", "matches"),
    [
        (Trigger(TriggerKind.STAGE_CHANGED), fact(), True),
        (Trigger(TriggerKind.HIRED), fact(), False),
        (Trigger(TriggerKind.STAGE_CHANGED, to_stage_ids=(3,)), fact(stage_id=3), True),
        (Trigger(TriggerKind.STAGE_CHANGED, to_stage_ids=(3,)), fact(stage_id=4), False),
        (Trigger(TriggerKind.STAGE_CHANGED, from_stage_ids=(2,)), fact(from_stage_id=2), True),
        (Trigger(TriggerKind.STAGE_CHANGED, job_ids=(7,)), fact(job_id=None, pool_id=7), False),
        (Trigger(TriggerKind.STAGE_CHANGED, pool_ids=(7,)), fact(pool_id=7), True),
        (Trigger(TriggerKind.TAG_ADDED, tags=("Silver  Medal",)),
         fact(kind=TriggerKind.TAG_ADDED, tag_keys=frozenset({"silver medal"})), True),
        (Trigger(TriggerKind.TAG_ADDED, tags=("gold",)),
         fact(kind=TriggerKind.TAG_ADDED, tag_keys=frozenset({"silver"})), False),
        (Trigger(TriggerKind.FIELD_CHANGED, fields=("city", "country")),
         fact(kind=TriggerKind.FIELD_CHANGED, changed_fields=frozenset({"country"})), True),
        (Trigger(TriggerKind.FIELD_CHANGED, fields=("city",)),
         fact(kind=TriggerKind.FIELD_CHANGED, changed_fields=frozenset({"owner_id"})), False),
        (Trigger(TriggerKind.SEGMENT_ENTERED, segment_id=9),
         fact(kind=TriggerKind.SEGMENT_ENTERED, segment_id=8), False),
        (Trigger(TriggerKind.REJECTED, reason_ids=(1, 2)),
         fact(kind=TriggerKind.REJECTED, reason_id=2), True),
        (Trigger(TriggerKind.REPLY_RECEIVED, mailbox_ids=(4,)),
         fact(kind=TriggerKind.REPLY_RECEIVED, mailbox_id=5), False),
    ],
)  # fmt: skip
def test_trigger_matching(trigger, the_fact, matches):
    assert trigger_matches(trigger, the_fact) is matches


def test_the_loop_guard_refuses_too_deep_then_too_often():
    assert guard_refusal(depth=5, max_depth=5, recent_runs=9, max_runs_per_hour=10) is None
    too_deep = guard_refusal(depth=6, max_depth=5, recent_runs=0, max_runs_per_hour=10)
    assert too_deep is not None
    assert too_deep.startswith("loop guard:")
    too_often = guard_refusal(depth=0, max_depth=5, recent_runs=10, max_runs_per_hour=10)
    assert too_often is not None
    assert too_often.startswith("rate limit:")


@pytest.mark.parametrize(
    ("text", "seconds", "canonical"),
    [("30m", 1800, "30m"), ("90m", 5400, "90m"), ("2h", 7200, "2h"), ("24h", 86400, "1d"),
     ("14d", 14 * 86400, "2w"), (" 3 w ", 21 * 86400, "3w"), ("365d", 365 * 86400, "365d")],
)  # fmt: skip
def test_durations(text, seconds, canonical):
    assert parse_duration(text) == seconds
    assert format_duration(seconds) == canonical


@pytest.mark.parametrize("text", ["", "5", "1s", "0m", "366d", "53w", "-1d", "1.5h", "1 day"])
def test_bad_durations(text):
    with pytest.raises(ValueError, match=r"write a number and a unit|wait between"):
        parse_duration(text)


def test_placeholders_fill_only_known_names():
    text = "Call {person} about {job} {person}"

    assert fill_placeholders(text, {"person": "Ada"}) == "Call Ada about {job} Ada"


def test_roles():
    assert [role for role in Role if can_manage_workflows(role)] == [Role.ADMIN, Role.RECRUITER]
    assert [role for role in Role if not can_read_workflows(role)] == [Role.HIRING_MANAGER]
