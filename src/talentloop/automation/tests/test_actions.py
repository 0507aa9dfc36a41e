"""Workflow writes: versions, enable/disable, delete, import; each records its Event."""

from __future__ import annotations

from datetime import timedelta

import pytest

from talentloop.automation import engine
from talentloop.automation.actions import (
    do_create_workflow,
    do_delete_workflow,
    do_disable_workflow,
    do_enable_workflow,
    do_import_workflow,
    do_update_workflow,
)
from talentloop.automation.domain import DefinitionError
from talentloop.automation.models import Run, Workflow, WorkflowVersion
from talentloop.automation.queries import definition_of
from talentloop.automation.tests.conftest import drive, make_workflow, new_person
from talentloop.automation.yaml_io import dump_workflow
from talentloop.core.errors import PermissionDenied, ValidationFailed
from talentloop.core.models import DueItem, Event
from talentloop.outreach.template_actions import archive_template
from talentloop.people.actions import do_tag_people

pytestmark = pytest.mark.django_db
TRIGGER = {"kind": "tag_added", "tags": ["x"]}
STEPS = [{"kind": "add_tag", "tag": "y"}]


def version_of(workflow: Workflow) -> WorkflowVersion:
    assert workflow.current_version is not None
    return workflow.current_version


def events(workflow) -> list[tuple[str, dict]]:
    rows = Event.objects.filter(subject_type="workflow", subject_id=workflow.pk).order_by("id")
    return [(event.verb, event.data) for event in rows]


def test_creating_saves_version_one_and_a_secret(personas, now):
    workflow = do_create_workflow(
        actor=personas.recruiter,
        name="  Nurture ",
        definition={"trigger": TRIGGER, "steps": [{"kind": "wait", "duration": "24h"}, *STEPS]},
    )

    assert (workflow.name, workflow.enabled, workflow.trigger_kind) == (
        "Nurture",
        False,
        "tag_added",
    )
    assert version_of(workflow).number == 1
    assert version_of(workflow).definition["steps"][0] == {"kind": "wait", "duration": "1d"}
    assert len(workflow.webhook_secret) == 64
    assert events(workflow) == [("workflow.created", {"version": 1})]


def test_an_edit_saves_a_new_version_only_when_the_definition_changes(personas, now):
    workflow = make_workflow(personas.recruiter, TRIGGER, STEPS, enabled=False)

    do_update_workflow(actor=personas.admin, workflow=workflow, name="Renamed")
    same = {"trigger": {"kind": "tag_added", "tags": ["x", "x"]}, "steps": STEPS}
    do_update_workflow(actor=personas.admin, workflow=workflow, definition=same)
    changed = {"trigger": {"kind": "person_created"}, "steps": STEPS}
    do_update_workflow(actor=personas.admin, workflow=workflow, definition=changed)

    workflow.refresh_from_db()
    assert list(workflow.versions.values_list("number", flat=True).order_by("number")) == [1, 2]
    assert (workflow.name, workflow.trigger_kind) == ("Renamed", "person_created")
    assert version_of(workflow).created_by == personas.admin
    assert events(workflow)[1:] == [
        ("workflow.updated", {"version": 1, "changed": ["name"]}),
        ("workflow.updated", {"version": 2, "changed": ["definition"]}),
    ]


def test_an_invalid_definition_is_refused_with_the_exact_step_and_field(personas, now, mailbox):
    with pytest.raises(DefinitionError) as refused:
        do_create_workflow(
            actor=personas.recruiter,
            name="Bad",
            definition={
                "trigger": TRIGGER,
                "steps": [
                    *STEPS,
                    {"kind": "wait", "duration": "1d"},
                    {"kind": "if", "condition": "has:email", "then": [
                        {"kind": "send_email", "template_id": 999999, "mailbox_id": mailbox.pk},
                    ]},
                ],
            },
        )  # fmt: skip

    assert refused.value.fields == {"steps[2].then[0].template_id": "unknown template 999999"}
    assert refused.value.message == "steps[2].then[0].template_id: unknown template 999999"
    assert not Workflow.objects.exists()


def test_a_condition_naming_a_custom_field_the_workspace_lacks_is_refused(personas, now):
    with pytest.raises(DefinitionError) as refused:
        make_workflow(personas.recruiter, TRIGGER, STEPS, condition="custom.shoe_size>40")

    assert list(refused.value.fields) == ["condition"]


def test_a_blank_name_is_refused(personas, now):
    with pytest.raises(ValidationFailed) as refused:
        do_create_workflow(
            actor=personas.recruiter, name=" ", definition={"trigger": TRIGGER, "steps": STEPS}
        )

    assert refused.value.fields == {"name": "required"}


@pytest.mark.parametrize("role", ["coordinator", "hiring_manager", "analyst"])
def test_only_admins_and_recruiters_change_workflows(personas, now, role):
    with pytest.raises(PermissionDenied):
        do_create_workflow(actor=getattr(personas, role), name="x",
                           definition={"trigger": TRIGGER, "steps": STEPS})  # fmt: skip


def test_enable_and_disable(personas, now):
    workflow = make_workflow(personas.recruiter, TRIGGER, STEPS, enabled=False)

    do_enable_workflow(actor=personas.recruiter, workflow=workflow)
    do_enable_workflow(actor=personas.recruiter, workflow=workflow)  # already on: no event
    do_disable_workflow(actor=personas.recruiter, workflow=workflow)

    workflow.refresh_from_db()
    assert workflow.enabled is False
    assert workflow.scanned_until == now
    assert [verb for verb, _ in events(workflow)] == [
        "workflow.created",
        "workflow.enabled",
        "workflow.disabled",
    ]


def test_enabling_is_refused_when_a_named_record_was_deleted_since(
    personas, now, mailbox, template
):
    workflow = make_workflow(
        personas.recruiter,
        TRIGGER,
        [{"kind": "send_email", "template_id": template.pk, "mailbox_id": mailbox.pk}],
        enabled=False,
    )
    archive_template(actor=personas.recruiter, template=template)

    with pytest.raises(DefinitionError) as refused:
        do_enable_workflow(actor=personas.recruiter, workflow=workflow)

    assert refused.value.fields == {"steps[0].template_id": f"unknown template {template.pk}"}


def test_deleting_cancels_pending_steps_and_removes_runs(personas, now):
    workflow = make_workflow(
        personas.recruiter, TRIGGER, [{"kind": "wait", "duration": "1d"}, *STEPS]
    )
    person = new_person(personas.workspace)
    do_tag_people(actor=personas.admin, workspace=personas.workspace, people=[person], names=["x"])
    drive()
    run = Run.objects.get()
    pending = DueItem.objects.get(key=engine.step_key(run, "steps[1]"))
    workflow_id = workflow.pk

    do_delete_workflow(actor=personas.recruiter, workflow=workflow)
    drive(now + timedelta(days=2))

    pending.refresh_from_db()
    assert pending.state == "cancelled"
    assert not Run.objects.exists()
    assert not person.tags.filter(name="y").exists()
    assert Event.objects.filter(verb="workflow.deleted", subject_id=workflow_id).exists()


def test_importing_yaml_creates_a_disabled_workflow_or_a_new_version(personas, now):
    source = make_workflow(personas.recruiter, TRIGGER, STEPS, name="Source")
    text = dump_workflow(
        name="Copied", description="From git", definition=definition_of(source.current_version)
    )

    copy = do_import_workflow(actor=personas.recruiter, text=text)
    again = do_import_workflow(
        actor=personas.recruiter, text=text.replace("tag: y", "tag: z"), workflow=copy
    )

    assert (copy.name, copy.description, copy.enabled) == ("Copied", "From git", False)
    assert again.pk == copy.pk
    assert version_of(again).number == 2
    assert version_of(again).definition["steps"] == [{"kind": "add_tag", "tag": "z"}]
