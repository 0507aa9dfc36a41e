"""The builder's form, without a database: what it draws posts back to the same definition, its
buttons edit the tree, and the engine's errors land on the input of their path."""

from __future__ import annotations

from typing import Any

from django.http import QueryDict

from talentloop.automation.parsing import definition_to_dict, parse_definition
from talentloop.automation.queries import Option
from talentloop.ui import workflow_builder as wb
from talentloop.ui.workflow_binding import BoundField, Builder, StepNode, build
from talentloop.ui.workflow_fields import Widget
from talentloop.ui.workflow_words import flow, step_words, trigger_words

OPTIONS = {
    "templates": (Option(4, "Hello"),),
    "mailboxes": (Option(2, "Talent team"),),
    "users": (Option(3, "Ann"), Option(8, "Bo"), Option(11, "Cy")),
    "pools": (Option(7, "Silver"),),
    "stages": (Option(41, "New", "Talent pool"), Option(42, "Engaged", "Talent pool")),
    "jobs": (Option(12, "Backend"),),
    "reasons": (Option(3, "Skills"), Option(4, "Salary")),
}
DEFINITION = definition_to_dict(parse_definition({
    "trigger": {"kind": "rejected", "job_ids": [12], "reason_ids": [3, 4]},
    "condition": 'seniority>=senior NOT tag:"do not contact"',
    "max_runs_per_hour": 3,
    "steps": [
        {"kind": "wait", "duration": "2w"},
        {"kind": "add_to_pool", "pool_id": 7, "stage_id": 41},
        {"kind": "if", "condition": "has:email",
         "then": [{"kind": "send_email", "template_id": 4, "mailbox_id": 2},
                  {"kind": "if", "condition": "has:phone",
                   "else": [{"kind": "update_field", "field": "do_not_contact", "value": True}]}],
         "else": [{"kind": "create_task", "title": "Find an email for {person}",
                   "task_kind": "follow_up", "due_in_days": 2,
                   "assignee": {"rule": "round_robin", "user_ids": [3, 8, 11]}}]},
        {"kind": "notify_user", "title": "{person} joined",
         "assignee": {"rule": "user", "user_id": 3, "fallback_user_id": 8}, "mailbox_id": 2},
    ],
}))  # fmt: skip


def _fields(builder: Builder) -> list[BoundField]:
    found = [*builder.header.values(), *builder.trigger, builder.condition, builder.runs_per_hour]

    def walk(nodes: list[StepNode]) -> None:
        for node in nodes:
            found.extend(node.fields)
            walk(node.then)
            walk(node.otherwise)

    walk(builder.steps)
    return found


def _kinds(nodes: list[StepNode]) -> list[tuple[str, str]]:
    pairs = []
    for node in nodes:
        pairs.append((f"{node.path}.kind", node.kind))
        pairs += _kinds(node.then) + _kinds(node.otherwise)
    return pairs


def _post(builder: Builder, **extra: str) -> QueryDict:
    """What a browser posts for the drawn form, untouched."""
    post = QueryDict(mutable=True)
    for field in _fields(builder):
        if field.widget is Widget.MULTI:
            chosen = [str(option.value) for option in field.options]
            post.setlist(field.name, [value for value in chosen if value in field.selected])
        elif field.widget is Widget.CHECK:
            if field.value == "yes":
                post[field.name] = "yes"
        else:
            post[field.name] = field.value
    for name, kind in _kinds(builder.steps):
        post[name] = kind
    post.update(extra)
    return post


def test_what_the_builder_draws_posts_back_to_the_same_definition() -> None:
    state = wb.State(name="Silver", description="Finalists", definition=DEFINITION)

    posted = wb.read_post(_post(build(state, OPTIONS, {})))

    assert (posted.name, posted.description) == ("Silver", "Finalists")
    assert wb.for_engine(posted.definition) == DEFINITION
    assert definition_to_dict(parse_definition(wb.for_engine(posted.definition))) == DEFINITION


def test_inputs_show_the_stored_values() -> None:
    builder = build(wb.State(definition=DEFINITION), OPTIONS, {})
    by_name = {field.name: field for field in _fields(builder)}

    assert by_name["trigger.reason_ids"].selected == frozenset({"3", "4"})
    assert by_name["steps[2].then[1].else[0].value"].value == "yes"
    assert by_name["steps[1].stage_id"].grouped
    assert by_name["steps[3].assignee.user_id"].value == "3"
    assert by_name["max_runs_per_hour"].value == "3"


def test_typed_values_are_passed_as_the_engine_reads_them() -> None:
    post = QueryDict(mutable=True)
    post.update({"trigger.kind": "inactivity", "trigger.days": "60", "trigger.tags": "x",
                 "steps[0].kind": "create_task", "steps[0].title": " Call ",
                 "steps[0].due_in_days": "soon", "steps[0].assignee.rule": "owner",
                 "steps[0].assignee.user_id": "3", "steps[0].assignee.fallback_user_id": "8",
                 "steps[1].kind": "send_email", "steps[1].template_id": "abc"})  # fmt: skip

    definition = wb.read_post(post).definition

    assert definition["trigger"] == {"kind": "inactivity", "days": 60}  # tags are not its key
    assert definition["steps"] == [
        {"kind": "create_task", "title": "Call", "due_in_days": "soon",
         "assignee": {"rule": "owner", "fallback_user_id": 8}},
        {"kind": "send_email", "template_id": "abc"},
    ]  # fmt: skip


def _state(*steps: dict[str, Any]) -> wb.State:
    return wb.State(definition={"trigger": {"kind": "person_created"}, "steps": list(steps)})


def test_buttons_add_move_and_remove_steps() -> None:
    branch = {"kind": "if", "condition": "has:email", "then": [], "else": []}
    state = _state({"kind": "add_tag", "tag": "a"}, branch)
    choose = QueryDict("new:steps[1].then=wait&new:steps=nothing")

    added = wb.apply(state, "add:steps[1].then", choose)
    moved = wb.apply(state, "down:steps[0]", choose)
    removed = wb.apply(state, "remove:steps[0]", choose)
    ignored = [
        wb.apply(state, command, choose)
        for command in (
            "add:steps",
            "up:steps[0]",
            "remove:steps[9]",
            "add:steps[0].then",
            "nonsense",
        )
    ]

    assert added.definition["steps"][1]["then"] == [{"kind": "wait", "duration": "1d"}]
    assert added.focus == "steps[1].then[0]"
    assert [step["kind"] for step in moved.definition["steps"]] == ["if", "add_tag"]
    assert moved.focus == "steps[1]"
    assert removed.definition["steps"] == [branch]
    assert all(item.definition == state.definition for item in ignored)
    assert state.definition["steps"][1]["then"] == []  # the state itself is never changed


def test_errors_land_on_their_input_or_their_step() -> None:
    state = _state(
        {"kind": "if", "condition": "has:email", "then": [
            {"kind": "send_email", "template_id": 999, "mailbox_id": 2}]},
        {"kind": "add_tag"},
    )  # fmt: skip
    errors = {
        "steps[0].then[0].template_id": "unknown template 999",
        "steps[1].tag": "required",
        "steps[1].colour": "unknown field",
        "trigger.kind": "must be one of: …",
        "steps": "a workflow has at most 100 steps",
    }

    builder = build(state, OPTIONS, errors)

    email = builder.steps[0].then[0]
    template = next(field for field in email.fields if field.name.endswith("template_id"))
    assert template.error == "Unknown template 999"
    assert email.has_error
    assert not builder.steps[0].has_error  # its child's error is the child's
    tag = builder.steps[1]
    assert tag.fields[0].error == "Required"
    assert tag.errors == ["Unknown field"]
    assert builder.trigger[0].error == "Must be one of: …"
    assert builder.steps_errors == ["A workflow has at most 100 steps"]
    assert len(builder.problems) == 5


def test_a_workflow_reads_as_words() -> None:
    names = {
        source: {str(o.value): o.label for o in options} for source, options in OPTIONS.items()
    }

    nodes = flow(DEFINITION["steps"], names)

    assert trigger_words(DEFINITION["trigger"], names) == (
        "A candidacy is rejected in Backend for Skills, Salary"
    )
    assert trigger_words(DEFINITION["trigger"]) == "A candidacy is rejected in 1 job for 2 reasons"
    consent = {"kind": "relative_date", "date_field": "consent_expires_at", "days": 30}
    assert trigger_words({**consent, "before": True}) == "30 days before their consent expires"
    assert trigger_words({"kind": "inactivity", "days": 60}) == "No activity for 60 days"
    assert [node.words for node in nodes] == [
        "Wait 2 weeks",
        "Add to “Silver” at “New”",
        "has:email",
        "Notify “Ann”: “{person} joined”",
    ]
    assert nodes[2].then[0].words == "Send “Hello” from “Talent team”"
    assert nodes[2].then[1].otherwise[0].words == "Set do not contact to “yes”"
    assert step_words(DEFINITION["steps"][2]["else"][0], names) == (
        "Task “Find an email for {person}” for Ann, Bo, Cy in turn"
    )
