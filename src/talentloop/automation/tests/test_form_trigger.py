"""The form_submitted trigger: a public form submission starts a run on its person."""

from __future__ import annotations

import pytest

from talentloop.automation import engine
from talentloop.automation.domain import DefinitionError
from talentloop.automation.models import Run
from talentloop.automation.queries import workspace_choices
from talentloop.automation.tests.conftest import drive, make_workflow
from talentloop.conftest import Personas
from talentloop.core.models import Event
from talentloop.forms.tests.conftest import make_form, submit
from talentloop.people.models import Person, Task

pytestmark = pytest.mark.django_db


def steps_for(personas: Personas) -> list[dict[str, object]]:
    """Add a tag, then give the recruiter a task to call the person."""
    assignee = {"rule": "user", "user_id": personas.recruiter.pk}
    return [
        {"kind": "add_tag", "tag": "from-form"},
        {"kind": "create_task", "title": "Call {person}", "assignee": assignee},
    ]


def test_a_submission_through_the_public_page_runs_the_workflow_once(
    personas: Personas, now: object
) -> None:
    # given "form submitted → add a tag, create a task" limited to one form
    form = make_form(personas)
    workflow = make_workflow(
        personas.recruiter, {"kind": "form_submitted", "form_ids": [form.pk]}, steps_for(personas)
    )

    # when someone submits it through the page, and the workers dispatch
    submit(form, {"first_name": "Grace", "email": "grace@example.com"})
    drive()

    # then one run tagged the person and made the task
    person = Person.objects.get(first_name="Grace")
    (run,) = Run.objects.filter(workflow=workflow)
    assert (run.subject_type, run.subject_id, run.state) == ("person", person.pk, "done")
    assert "from-form" in {tag.name for tag in person.tags.all()}
    (task,) = Task.objects.filter(person=person)
    assert (task.title, task.assignee_id) == ("Call Grace", personas.recruiter.pk)

    # and dispatching the same Event again starts nothing new (one run per submission)
    engine.on_event(Event.objects.get(verb="form.submitted"))
    drive()
    assert Run.objects.filter(workflow=workflow).count() == 1

    # while a second submission is a second run
    submit(form, {"first_name": "Grace", "email": "grace@example.com"})
    drive()
    assert Run.objects.filter(workflow=workflow, subject_id=person.pk).count() == 2
    assert Task.objects.filter(person=person).count() == 2


def test_other_forms_do_not_fire_a_filtered_trigger_but_do_fire_any(
    personas: Personas, now: object
) -> None:
    chosen, other = make_form(personas), make_form(personas, slug="events")
    only = make_workflow(
        personas.recruiter, {"kind": "form_submitted", "form_ids": [chosen.pk]},
        steps_for(personas), name="Only the community form",
    )  # fmt: skip
    every = make_workflow(
        personas.recruiter, {"kind": "form_submitted"}, steps_for(personas), name="Any form"
    )

    submit(other, {"first_name": "Linus", "email": "linus@example.com"})
    drive()

    assert not Run.objects.filter(workflow=only).exists()
    assert Run.objects.filter(workflow=every).count() == 1


def test_an_unknown_form_is_refused_at_the_trigger_field(personas: Personas) -> None:
    elsewhere = make_form(personas, slug="mine")
    foreign_form_id = elsewhere.pk + 1000

    with pytest.raises(DefinitionError) as refused:
        make_workflow(
            personas.recruiter, {"kind": "form_submitted", "form_ids": [foreign_form_id]},
            steps_for(personas),
        )  # fmt: skip

    assert refused.value.fields == {"trigger.form_ids": f"unknown form {foreign_form_id}"}


def test_a_form_of_another_workspace_is_unknown(personas: Personas) -> None:
    from talentloop.forms.actions import do_create_form

    theirs = do_create_form(actor=personas.outsider, values={"name": "Theirs", "slug": "theirs"})

    with pytest.raises(DefinitionError) as refused:
        make_workflow(
            personas.recruiter, {"kind": "form_submitted", "form_ids": [theirs.pk]},
            steps_for(personas),
        )  # fmt: skip

    assert refused.value.fields == {"trigger.form_ids": f"unknown form {theirs.pk}"}


def test_the_builder_offers_the_workspace_forms(personas: Personas) -> None:
    form = make_form(personas)

    choices = workspace_choices(personas.recruiter)

    assert [(option.value, option.label) for option in choices.forms] == [(form.pk, form.name)]
