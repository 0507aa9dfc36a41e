"""YAML export and import: round trips (property), refusals with line and path."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from talentloop.automation.domain import Definition, DefinitionError
from talentloop.automation.parsing import parse_definition
from talentloop.automation.yaml_io import dump_workflow, load_workflow

# Text YAML must carry through unchanged: any printable character, YAML-looking words too.
_text = st.one_of(
    st.text(
        alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")),
        min_size=1,
        max_size=40,
    ).filter(lambda text: text.strip() == text and text),
    st.sampled_from(["yes", "no", "on", "null", "~", "1e3", "0x10", "2026-01-13", "- x", "a: b",
                     "#hash", "{x}", "[y]", "'quoted'", '"double"', "é漢🙂", "*alias", "&anchor"]),
)  # fmt: skip
_ids = st.lists(st.integers(1, 2**63 - 1), max_size=3)
_condition = st.sampled_from(["", "tag:python", "country:DE seniority>=senior", "has:email",
                              'NOT tag:"do not call" OR city:Berlin'])  # fmt: skip


def _action():
    return st.one_of(
        st.builds(lambda tag: {"kind": "add_tag", "tag": tag}, _text),
        st.builds(lambda tag: {"kind": "remove_tag", "tag": tag}, _text),
        st.builds(
            lambda title, description, days, user_ids: {
                "kind": "create_task", "title": title, "description": description,
                "due_in_days": days, "task_kind": "call",
                "assignee": {"rule": "round_robin", "user_ids": user_ids},
            },
            _text, _text, st.integers(0, 30), st.lists(st.integers(1, 99), min_size=1, max_size=3),
        ),
        st.builds(
            lambda template, mailbox: {"kind": "send_email", "template_id": template,
                                       "mailbox_id": mailbox},
            st.integers(1, 10**6), st.integers(1, 10**6),
        ),
        st.builds(lambda value: {"kind": "update_field", "field": "do_not_contact", "value": value},
                  st.booleans()),
        st.builds(lambda value: {"kind": "update_field", "field": "headline", "value": value},
                  _text),
        st.builds(lambda path: {"kind": "call_webhook", "url": f"https://hooks.example.com/{path}"},
                  st.from_regex(r"[a-z0-9/_-]{0,20}", fullmatch=True)),
        st.builds(lambda title: {"kind": "notify_user", "title": title,
                                 "assignee": {"rule": "owner", "fallback_user_id": 3}}, _text),
        st.builds(lambda pool: {"kind": "add_to_pool", "pool_id": pool}, st.integers(1, 99)),
    )  # fmt: skip


def _wait():
    return st.builds(lambda n, unit: {"kind": "wait", "duration": f"{n}{unit}"},
                     st.integers(1, 50), st.sampled_from("mhdw"))  # fmt: skip


_leaf = st.one_of(_action(), _wait())
_steps = st.recursive(
    st.lists(_leaf, min_size=1, max_size=3),
    lambda children: st.lists(
        st.one_of(
            _leaf,
            st.builds(
                lambda then, otherwise: {"kind": "if", "condition": "tag:x", "then": then,
                                         "else": otherwise},
                children, children,
            ),
        ),
        min_size=1, max_size=3,
    ),
    max_leaves=8,
)  # fmt: skip
_trigger = st.one_of(
    st.builds(lambda tags: {"kind": "tag_added", "tags": tags},
              st.lists(_text, min_size=1, max_size=2)),
    st.builds(lambda jobs, stages: {"kind": "stage_changed", "job_ids": jobs,
                                    "to_stage_ids": stages}, _ids, _ids),
    st.builds(lambda days: {"kind": "inactivity", "days": days}, st.integers(1, 3650)),
    st.builds(lambda fields: {"kind": "field_changed", "fields": fields},
              st.lists(st.sampled_from(["city", "lifecycle", "owner_id"]), min_size=1)),
    st.just({"kind": "hired"}),
)  # fmt: skip


@st.composite
def definitions(draw) -> Definition:
    raw = {"trigger": draw(_trigger), "steps": draw(_steps),
           "max_runs_per_hour": draw(st.integers(1, 1000))}  # fmt: skip
    condition = draw(_condition)
    if condition:
        raw["condition"] = condition
    return parse_definition(raw)


@settings(max_examples=150, deadline=None)
@given(definition=definitions(), name=_text, description=st.one_of(st.just(""), _text))
def test_export_then_import_gives_back_the_same_workflow(definition, name, description):
    text = dump_workflow(name=name, description=description, definition=definition)

    document = load_workflow(text)

    assert (document.name, document.description) == (name, description)
    assert document.definition == definition


def test_an_exported_document_reads_like_the_docs():
    definition = parse_definition({
        "trigger": {"kind": "rejected", "reason_ids": [3]},
        "steps": [{"kind": "wait", "duration": "14d"},
                  {"kind": "add_to_pool", "pool_id": 7, "stage_id": 12}],
    })  # fmt: skip

    text = dump_workflow(name="Silver medallists", description="", definition=definition)

    assert text == (
        "name: Silver medallists\n"
        "trigger:\n"
        "  kind: rejected\n"
        "  reason_ids:\n"
        "  - 3\n"
        "steps:\n"
        "- kind: wait\n"
        "  duration: 2w\n"
        "- kind: add_to_pool\n"
        "  pool_id: 7\n"
        "  stage_id: 12\n"
    )


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("name: x\ntrigger: [unclosed\n",
         {"yaml": "expected ',' or ']', but got '<stream end>' (line 3, column 1)"}),
        ("- just\n- a list\n", {"yaml": "the document must be a mapping (name:, trigger:, …)"}),
        ("trigger: {kind: hired}\nsteps: [{kind: add_tag, tag: x}]\n", {"name": "required"}),
        ("name: x\ntrigger: {kind: hired}\nsteps: [{kind: add_tag}]\n",
         {"steps[0].tag": "required"}),
        ("name: &n x\nother: *n\n", {"yaml": "aliases (*name) are not allowed (line 2, column 8)"}),
    ],
)  # fmt: skip
def test_bad_documents_are_refused_with_the_line_or_the_path(text, fields):
    with pytest.raises(DefinitionError) as error:
        load_workflow(text)

    assert error.value.fields == fields


def test_a_huge_document_is_refused_before_parsing():
    with pytest.raises(DefinitionError) as error:
        load_workflow("name: x\n" + "#" * 200_001)

    assert error.value.fields == {"yaml": "at most 200000 characters"}
