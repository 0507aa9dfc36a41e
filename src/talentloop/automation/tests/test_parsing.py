"""Definition parsing and reference checks: pure, no database."""

from __future__ import annotations

import pytest

from talentloop.automation import fields
from talentloop.automation.domain import (
    Action,
    ActionKind,
    Assignee,
    AssigneeRule,
    Branch,
    DefinitionError,
    Trigger,
    TriggerKind,
    Wait,
)
from talentloop.automation.parsing import definition_to_dict, parse_definition
from talentloop.automation.references import Catalog, check_references

TAGGED = {"kind": "tag_added", "tags": ["silver"]}


def refused(raw) -> dict[str, str]:
    with pytest.raises(DefinitionError) as error:
        parse_definition(raw)
    return error.value.fields


def test_a_full_definition_parses_into_typed_steps():
    definition = parse_definition(
        {
            "trigger": {"kind": "rejected", "reason_ids": [4, 2, 4]},
            "condition": "tag:python",
            "steps": [
                {"kind": "wait", "duration": "14d"},
                {
                    "kind": "if",
                    "condition": "has:email",
                    "then": [{"kind": "send_email", "template_id": 1, "mailbox_id": 2}],
                    "else": [
                        {
                            "kind": "create_task",
                            "title": "Find an address for {person}",
                            "assignee": {"rule": "round_robin", "user_ids": [9, 8]},
                        }
                    ],
                },
            ],
            "max_runs_per_hour": 3,
        }
    )

    assert definition.trigger == Trigger(kind=TriggerKind.REJECTED, reason_ids=(2, 4))
    assert definition.condition == "tag:python"
    assert definition.max_runs_per_hour == 3
    wait, branch = definition.steps
    assert wait == Wait(seconds=14 * 86400)
    assert branch == Branch(
        condition="has:email",
        then=(Action(kind=ActionKind.SEND_EMAIL, template_id=1, mailbox_id=2),),
        otherwise=(
            Action(
                kind=ActionKind.CREATE_TASK,
                title="Find an address for {person}",
                assignee=Assignee(rule=AssigneeRule.ROUND_ROBIN, user_ids=(8, 9)),
            ),
        ),
    )


def test_a_bad_definition_names_every_problem_by_its_exact_path():
    fields_ = refused(
        {
            "trigger": {"kind": "stage_changed", "to_stage_ids": ["x"], "colour": "red"},
            "steps": [
                {"kind": "add_tag"},
                {"kind": "wait", "duration": "forever"},
                {
                    "kind": "if",
                    "condition": "has:email",
                    "then": [{"kind": "send_email", "template_id": 0, "mailbox_id": 1}],
                    "else": [{"kind": "fax"}],
                },
                {"kind": "update_field", "field": "lifecycle", "value": "astronaut"},
                {"kind": "create_task", "title": "x", "assignee": {"rule": "user"}},
                {"kind": "call_webhook", "url": "ftp://example.com/hook"},
            ],
        }
    )

    assert fields_ == {
        "trigger.colour": "unknown field",
        "trigger.to_stage_ids": "must be an id (a whole number from 1)",
        "steps[0].tag": "required",
        "steps[1].duration": "write a number and a unit: 30m, 2h, 14d or 3w",
        "steps[2].then[0].template_id": "must be an id (a whole number from 1)",
        "steps[2].else[0].kind": (
            "must be one of: add_tag, remove_tag, create_task, move_stage, add_to_pool, "
            "update_field, enrol_in_sequence, remove_from_sequence, send_email, notify_user, "
            "call_webhook, start_onboarding, wait, if"
        ),
        "steps[3].value": "must be one of: lead, prospect, candidate, client_contact",
        "steps[4].assignee.user_id": "required for the user rule",
        "steps[5].url": "must be an http:// or https:// address",
    }


def test_the_error_message_leads_with_the_first_path():
    with pytest.raises(DefinitionError) as error:
        parse_definition({"trigger": TAGGED, "steps": [{"kind": "add_tag", "tag": 7}]})

    assert error.value.message == "steps[0].tag: must be text"
    assert error.value.status == 422
    assert error.value.code == "invalid_workflow"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("not a mapping", {"definition": "must be an object with named fields"}),
        ({"steps": [{"kind": "add_tag", "tag": "x"}]}, {"trigger": "required"}),
        ({"trigger": TAGGED, "steps": []}, {"steps": "a workflow needs at least one step"}),
        ({"trigger": TAGGED, "steps": {}}, {"steps": "must be a list of steps"}),
        ({"trigger": {"kind": "birthday"}, "steps": []}, {
            "trigger.kind": "must be one of: person_created, field_changed, tag_added, "
            "tag_removed, candidacy_created, stage_changed, rejected, hired, reply_received, "
            "bounce, consent_given, consent_withdrawn, segment_entered, segment_left, "
            "schedule, relative_date, inactivity, offer_accepted, interview_upcoming, "
            "form_submitted",
            "steps": "a workflow needs at least one step",
        }),
        ({"trigger": {"kind": "segment_entered"}, "steps": [{"kind": "add_tag", "tag": "x"}]},
         {"trigger.segment_id": "required"}),
        ({"trigger": {"kind": "field_changed", "fields": ["shoe_size"]},
          "steps": [{"kind": "add_tag", "tag": "x"}]},
         {"trigger.fields": "unknown person field 'shoe_size'"}),
        ({"trigger": {"kind": "schedule", "cron": "0 9 * * 1"},
          "steps": [{"kind": "add_tag", "tag": "x"}]},
         {"condition": "a scheduled workflow needs a condition naming its people"}),
        ({"trigger": {"kind": "schedule", "cron": "61 9 * * 1"}, "condition": "tag:x",
          "steps": [{"kind": "add_tag", "tag": "x"}]},
         {"trigger.cron": "minute: '61' is not a number from 0 to 59"}),
        ({"trigger": {"kind": "inactivity", "days": 0}, "steps": [{"kind": "add_tag", "tag": "x"}]},
         {"trigger.days": "must be a whole number of days from 1 to 3650"}),
        ({"trigger": TAGGED, "condition": "country:", "steps": [{"kind": "add_tag", "tag": "x"}]},
         {"condition": "missing value after 'country:' (at character 8)"}),
        ({"trigger": TAGGED, "steps": [{"kind": "if", "condition": "tag:x"}]},
         {"steps[0].then": "an if step needs steps in then or else"}),
        ({"trigger": TAGGED, "steps": [{"kind": "wait", "duration": "0m"}]},
         {"steps[0].duration": "wait between 1 minute and 365 days"}),
        ({"trigger": TAGGED, "steps": [{"kind": "add_tag", "tag": "a\x00b"}]},
         {"steps[0].tag": "must not contain NUL characters"}),
        ({"trigger": TAGGED, "steps": [{"kind": "add_tag", "tag": "x"}], "max_runs_per_hour": 0},
         {"max_runs_per_hour": "must be a whole number of runs from 1 to 1000"}),
    ],
)  # fmt: skip
def test_shape_problems(raw, expected):
    assert refused(raw) == expected


def test_move_stage_on_a_person_trigger_must_name_the_job_or_pool():
    steps = [{"kind": "move_stage", "stage_id": 3}]

    assert refused({"trigger": TAGGED, "steps": steps}) == {
        "steps[0].job_id": (
            "name the job or pool whose candidacy moves (the trigger is about a person)"
        )
    }
    on_candidacy = parse_definition({"trigger": {"kind": "hired"}, "steps": steps})
    assert on_candidacy.steps[0] == Action(kind=ActionKind.MOVE_STAGE, stage_id=3)


def test_if_steps_nest_five_deep_at_most():
    step: dict[str, object] = {"kind": "add_tag", "tag": "x"}
    for _ in range(6):
        step = {"kind": "if", "condition": "tag:x", "then": [step]}

    problems = refused({"trigger": TAGGED, "steps": [step]})

    deepest = "steps[0]" + ".then[0]" * 5
    assert problems == {deepest: "if steps nest at most 5 deep"}


def test_at_most_a_hundred_steps():
    steps = [{"kind": "add_tag", "tag": f"t{n}"} for n in range(101)]

    assert refused({"trigger": TAGGED, "steps": steps}) == {
        "steps[100]": "a workflow has at most 100 steps"
    }


def test_update_field_checks_the_value_against_the_field():
    def value_problem(field, value):
        raw = {
            "trigger": TAGGED,
            "steps": [{"kind": "update_field", "field": field, "value": value}],
        }
        try:
            step = parse_definition(raw).steps[0]
            assert isinstance(step, Action)
            return step.value
        except DefinitionError as error:
            return error.fields

    assert value_problem("country", "de") == "DE"
    assert value_problem("do_not_contact", True) is True
    assert value_problem("seniority", "") == ""
    assert value_problem("time_zone", "Mars/Olympus") == {
        "steps[0].value": "unknown time zone 'Mars/Olympus'"
    }
    assert value_problem("do_not_contact", "yes") == {"steps[0].value": "must be true or false"}
    assert value_problem("salary_min", 5) == {
        "steps[0].field": "must be one of: city, country, current_title, do_not_contact, "
        "do_not_contact_reason, headline, lifecycle, region, seniority, time_zone"
    }


def test_the_canonical_dict_leaves_out_defaults_and_reads_back_the_same():
    raw = {
        "trigger": {"kind": "tag_added"},
        "steps": [
            {"kind": "create_task", "title": "Hi", "assignee": {"rule": "owner"}, "due_in_days": 0},
            {"kind": "wait", "duration": "48h"},
        ],
        "max_runs_per_hour": 10,
    }

    canonical = definition_to_dict(parse_definition(raw))

    assert canonical == {
        "trigger": {"kind": "tag_added"},
        "steps": [
            {"kind": "create_task", "title": "Hi", "assignee": {"rule": "owner"}},
            {"kind": "wait", "duration": "2d"},
        ],
    }
    assert parse_definition(canonical) == parse_definition(raw)


# References ---------------------------------------------------------------------------------


CATALOG = Catalog(
    templates=frozenset({1}),
    mailboxes=frozenset({10, 11}),
    sendable_mailboxes=frozenset({10}),
    sequences=frozenset({20}),
    users=frozenset({30, 31}),
    segments=frozenset({40}),
    reasons=frozenset({50}),
    job_pipelines={60: 100},
    pool_pipelines={70: 200},
    pipeline_stages={100: frozenset({101, 102}), 200: frozenset({201})},
)


def test_references_to_ids_the_workspace_lacks_are_named_by_path():
    definition = parse_definition(
        {
            "trigger": {"kind": "stage_changed", "job_ids": [60, 61], "to_stage_ids": [999]},
            "steps": [
                {"kind": "send_email", "template_id": 1, "mailbox_id": 10},
                {"kind": "if", "condition": "tag:x", "then": [
                    {"kind": "send_email", "template_id": 2, "mailbox_id": 11},
                    {"kind": "add_to_pool", "pool_id": 70, "stage_id": 101},
                    {"kind": "move_stage", "stage_id": 201, "job_id": 60},
                    {"kind": "notify_user", "title": "x",
                     "assignee": {"rule": "round_robin", "user_ids": [30, 32]}},
                    {"kind": "enrol_in_sequence", "sequence_id": 21},
                ]},
            ],
        }
    )  # fmt: skip

    problems = check_references(definition, CATALOG)

    assert problems == [
        ("trigger.job_ids", "unknown job 61"),
        ("trigger.to_stage_ids", "unknown stage 999"),
        ("steps[1].then[0].template_id", "unknown template 2"),
        ("steps[1].then[0].mailbox_id", "the workflow's author may not send from this mailbox"),
        ("steps[1].then[1].stage_id", "stage 101 is not in this pool's pipeline"),
        ("steps[1].then[2].stage_id", "stage 201 is not in this job's pipeline"),
        ("steps[1].then[3].assignee.user_ids", "unknown user 32"),
        ("steps[1].then[4].sequence_id", "unknown sequence 21"),
    ]


def test_a_definition_naming_only_known_ids_has_no_problems():
    definition = parse_definition(
        {
            "trigger": {"kind": "segment_entered", "segment_id": 40},
            "steps": [
                {"kind": "add_to_pool", "pool_id": 70, "stage_id": 201},
                {"kind": "create_task", "title": "x", "assignee": {"rule": "user", "user_id": 31}},
            ],
        }
    )

    assert check_references(definition, CATALOG) == []


def test_the_field_tables_agree_with_the_people_app():
    from talentloop.people.actions import PERSON_FIELDS

    assert set(PERSON_FIELDS) <= fields.WATCHED_PERSON_FIELDS
    assert set(fields.UPDATABLE_FIELDS) <= set(PERSON_FIELDS)
