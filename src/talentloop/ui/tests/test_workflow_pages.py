"""Automation pages: workflows, the builder, YAML, runs, failed runs, dry run, recipes and the
profile's runs card.

Every page is tried by every persona: admins and recruiters manage, coordinators and analysts
read, hiring managers get a 403, another workspace's ids are a 404. Saving goes through the
automation actions: an invalid flow shows the engine's error next to the input of that path and
saves nothing.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile

from talentloop.accounts.domain import Role
from talentloop.automation.models import Run, Workflow, WorkflowVersion
from talentloop.automation.tests.conftest import contactable, drive, make_workflow, new_person
from talentloop.conftest import Personas
from talentloop.core.models import DueItem
from talentloop.outreach import mailbox_actions, template_actions
from talentloop.outreach.models import Mailbox, Template
from talentloop.outreach.sequence_actions import save_sequence
from talentloop.people.actions import do_tag_people
from talentloop.testing.factories import TalentPoolFactory
from talentloop.ui.tests.conftest import client_for

pytestmark = pytest.mark.django_db

MANAGERS = [Role.ADMIN, Role.RECRUITER]
READERS = [Role.COORDINATOR, Role.ANALYST]
NOW = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
TRIGGER = {"kind": "tag_added", "tags": ["x"]}


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def mailbox(personas: Personas) -> Mailbox:
    return mailbox_actions.save_mailbox(
        actor=personas.admin, name="Talent team", from_address="talent@acme.example.com",
        kind="local", owner_id=None,
    )  # fmt: skip


@pytest.fixture
def template(personas: Personas) -> Template:
    return template_actions.save_template(
        actor=personas.recruiter, name="Hello", subject="Hello",
        html="<p>Hi {{ person.first_name | default('there') }}</p>", text="",
    )  # fmt: skip


class World:
    """A workflow that ran twice: once done, once failed (nobody to notify)."""

    def __init__(self, personas: Personas) -> None:
        self.workflow = make_workflow(
            personas.recruiter, TRIGGER,
            [{"kind": "notify_user", "title": "{person} is tagged", "assignee": {"rule": "owner"}}],
            name="Tag watcher",
        )  # fmt: skip
        self.owned = new_person(personas.workspace, owner=personas.recruiter, first_name="Ada")
        self.orphan = new_person(personas.workspace, first_name="Orla")
        do_tag_people(actor=personas.admin, workspace=personas.workspace,
                      people=[self.owned, self.orphan], names=["x"])  # fmt: skip
        drive()
        self.done = Run.objects.get(person=self.owned)
        self.failed = Run.objects.get(person=self.orphan)
        assert (self.done.state, self.failed.state) == ("done", "failed")


@pytest.fixture
def world(personas: Personas) -> World:
    return World(personas)


def _read_pages(world: World) -> list[str]:
    workflow, run = world.workflow.pk, world.done.pk
    return [
        f"/automation/{workflow}/",
        f"/automation/{workflow}/runs/",
        f"/automation/{workflow}/yaml/",
        f"/automation/{workflow}/yaml/download/",
        f"/automation/runs/{run}/",
        f"/automation/failed/?workflow={workflow}",
    ]


def _manage_pages(world: World) -> list[str]:
    workflow = world.workflow.pk
    return [
        f"/automation/{workflow}/edit/",
        f"/automation/{workflow}/dry-run/?days=7",
        "/automation/new/",
        "/automation/import/",
    ]


# --- who gets in -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", MANAGERS + READERS)
def test_everyone_but_hiring_managers_reads_the_automation_pages(
    personas: Personas, world: World, role: Role
) -> None:
    client = client_for(personas.by_role(role))

    for path in ["/automation/", "/automation/failed/", "/automation/recipes/",
                 *_read_pages(world)]:  # fmt: skip
        assert client.get(path).status_code == 200, path
    assert b'href="/automation/"' in client.get("/").content  # the nav link


def test_hiring_managers_get_a_403_everywhere_and_no_nav_link(
    personas: Personas, world: World
) -> None:
    client = client_for(personas.hiring_manager)

    paths = ["/automation/", "/automation/failed/", "/automation/recipes/",
             *_read_pages(world), *_manage_pages(world)]  # fmt: skip
    for path in paths:
        assert client.get(path).status_code == 403, path
    assert client.post(f"/automation/runs/{world.failed.pk}/retry/").status_code == 403
    assert b'href="/automation/"' not in client.get("/").content


def test_another_workspaces_workflows_and_runs_are_404(personas: Personas, world: World) -> None:
    client = client_for(personas.outsider)

    for path in [*_read_pages(world), *_manage_pages(world)[:2]]:
        assert client.get(path).status_code == 404, path
    for path in [f"/automation/runs/{world.failed.pk}/retry/",
                 f"/automation/{world.workflow.pk}/switch/",
                 f"/automation/{world.workflow.pk}/delete/"]:  # fmt: skip
        assert client.post(path).status_code == 404, path
    listed = client.get("/automation/").content
    assert b"Tag watcher" not in listed
    assert b"Orla" not in client.get("/automation/failed/").content


@pytest.mark.parametrize("role", READERS)
def test_readers_cannot_build_switch_retry_dry_run_or_install(
    personas: Personas, world: World, role: Role
) -> None:
    client = client_for(personas.by_role(role))

    for path in _manage_pages(world):
        assert client.get(path).status_code == 403, path
    workflow = world.workflow.pk
    for path in [f"/automation/{workflow}/switch/", f"/automation/{workflow}/delete/",
                 f"/automation/runs/{world.failed.pk}/retry/",
                 "/automation/recipes/rejection-email/install/"]:  # fmt: skip
        assert client.post(path, {"enabled": "off"}).status_code == 403, path
    page = client.get(f"/automation/{workflow}/").content.decode()
    assert "Edit" not in page
    assert 'role="switch"' not in page
    world.workflow.refresh_from_db()
    assert world.workflow.enabled


@pytest.mark.parametrize("role", MANAGERS)
def test_managers_open_the_builder_and_the_dry_run(
    personas: Personas, world: World, role: Role
) -> None:
    client = client_for(personas.by_role(role))

    for path in _manage_pages(world):
        assert client.get(path).status_code == 200, path


# --- the list ----------------------------------------------------------------------------------


def test_the_list_shows_trigger_version_runs_and_failures(personas: Personas, world: World) -> None:
    page = client_for(personas.analyst).get("/automation/").content.decode()

    assert "Tag watcher" in page
    assert "A tag is added: x" in page
    assert re.search(r'<a href="/automation/\d+/runs/">2</a>', page)  # runs in 7 days
    assert f'href="/automation/failed/?workflow={world.workflow.pk}">1</a>' in page


def test_the_switch_turns_a_workflow_off_and_on(personas: Personas, world: World) -> None:
    client = client_for(personas.recruiter)
    url = f"/automation/{world.workflow.pk}/switch/"

    response = client.post(url, {"enabled": "off", "next": "/automation/"})
    assert response.status_code == 302
    assert response["Location"] == "/automation/"
    world.workflow.refresh_from_db()
    assert not world.workflow.enabled

    client.post(url, {"enabled": "on"})
    world.workflow.refresh_from_db()
    assert world.workflow.enabled


def test_switching_on_a_workflow_naming_a_deleted_record_is_refused(
    personas: Personas, mailbox: Mailbox, template: Template
) -> None:
    workflow = make_workflow(
        personas.recruiter, TRIGGER,
        [{"kind": "send_email", "template_id": template.pk, "mailbox_id": mailbox.pk}],
        enabled=False,
    )  # fmt: skip
    template_actions.archive_template(actor=personas.recruiter, template=template)
    client = client_for(personas.recruiter)

    response = client.post(f"/automation/{workflow.pk}/switch/", {"enabled": "on"}, follow=True)

    workflow.refresh_from_db()
    assert not workflow.enabled
    assert "Not switched on: steps[0].template_id: unknown template" in response.content.decode()


@pytest.mark.parametrize(("page", "bound"), [("/automation/", 8), ("/automation/failed/", 8)])
def test_the_list_pages_query_count_is_bounded(
    personas: Personas, django_assert_max_num_queries: Any, page: str, bound: int
) -> None:
    for number in range(12):
        make_workflow(personas.recruiter, {"kind": "tag_added", "tags": [f"t{number}"]},
                      [{"kind": "notify_user", "title": "hi", "assignee": {"rule": "owner"}}],
                      name=f"Workflow {number}")  # fmt: skip
        person = new_person(personas.workspace)
        do_tag_people(actor=personas.admin, workspace=personas.workspace, people=[person],
                      names=[f"t{number}"])  # fmt: skip
    drive()
    assert Run.objects.filter(state="failed").count() == 12
    client = client_for(personas.recruiter)

    with django_assert_max_num_queries(bound):
        response = client.get(page)

    assert response.status_code == 200
    assert response.content.count(b'class="cell-title"') == 12


def test_the_runs_page_query_count_is_bounded(
    personas: Personas, world: World, django_assert_max_num_queries: Any
) -> None:
    more = [new_person(personas.workspace) for _ in range(10)]
    do_tag_people(actor=personas.admin, workspace=personas.workspace, people=more, names=["x"])
    drive()
    client = client_for(personas.coordinator)

    with django_assert_max_num_queries(8):
        response = client.get(f"/automation/{world.workflow.pk}/runs/")

    assert response.content.count(b'class="cell-title"') == 12


# --- the builder -------------------------------------------------------------------------------


def _form(**fields: Any) -> dict[str, Any]:
    data = {"name": "Finalists", "description": "", "trigger.kind": "tag_added",
            "trigger.tags": "silver", "condition": "", "do": "save"}  # fmt: skip
    data.update(fields)
    return data


def _flow_fields(template: Template, mailbox: Mailbox, template_id: Any = None) -> dict[str, Any]:
    """A condition, an email, a wait and an if/else with a task in its else branch."""
    return {
        "condition": "has:email",
        "steps[0].kind": "send_email",
        "steps[0].template_id": str(template.pk),
        "steps[0].mailbox_id": str(mailbox.pk),
        "steps[1].kind": "wait",
        "steps[1].duration": "14d",
        "steps[2].kind": "if",
        "steps[2].condition": "has:phone",
        "steps[2].then[0].kind": "send_email",
        "steps[2].then[0].template_id": str(template_id or template.pk),
        "steps[2].then[0].mailbox_id": str(mailbox.pk),
        "steps[2].else[0].kind": "create_task",
        "steps[2].else[0].title": "Call {first_name}",
        "steps[2].else[0].task_kind": "call",
        "steps[2].else[0].assignee.rule": "owner",
        "steps[2].else[0].assignee.user_id": "",
        "steps[2].else[0].assignee.fallback_user_id": "",
    }


def test_the_builder_creates_a_workflow_from_its_form(
    personas: Personas, mailbox: Mailbox, template: Template
) -> None:
    client = client_for(personas.recruiter)

    response = client.post(
        "/automation/new/", _form(enabled="yes", **_flow_fields(template, mailbox))
    )

    workflow = Workflow.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/automation/{workflow.pk}/"
    assert (workflow.name, workflow.enabled) == ("Finalists", True)
    assert workflow.current_version is not None
    assert workflow.current_version.definition == {
        "trigger": {"kind": "tag_added", "tags": ["silver"]},
        "condition": "has:email",
        "steps": [
            {"kind": "send_email", "template_id": template.pk, "mailbox_id": mailbox.pk},
            {"kind": "wait", "duration": "2w"},
            {"kind": "if", "condition": "has:phone",
             "then": [{"kind": "send_email", "template_id": template.pk,
                       "mailbox_id": mailbox.pk}],
             "else": [{"kind": "create_task", "title": "Call {first_name}", "task_kind": "call",
                       "assignee": {"rule": "owner"}}]},
        ],
    }  # fmt: skip


def test_saving_an_edited_flow_creates_a_new_version(
    personas: Personas, world: World, mailbox: Mailbox, template: Template
) -> None:
    client = client_for(personas.admin)
    url = f"/automation/{world.workflow.pk}/edit/"
    assert 'name="steps[0].assignee.rule"' in client.get(url).content.decode()

    response = client.post(url, _form(name="Tag watcher", **_flow_fields(template, mailbox)))

    assert response.status_code == 302
    numbers = WorkflowVersion.objects.filter(workflow=world.workflow).values_list("number")
    assert sorted(number for (number,) in numbers) == [1, 2]
    world.workflow.refresh_from_db()
    assert world.workflow.current_version is not None
    assert world.workflow.current_version.number == 2
    assert world.done.version.number == 1  # runs keep the version they started on
    page = client.get(response["Location"]).content.decode()
    assert "Saved as version 2" in page
    assert "Send “Hello” from “Talent team”" in page


def test_an_invalid_flow_shows_the_error_next_to_its_field_and_saves_nothing(
    personas: Personas, world: World, mailbox: Mailbox, template: Template
) -> None:
    client = client_for(personas.recruiter)
    url = f"/automation/{world.workflow.pk}/edit/"

    response = client.post(url, _form(**_flow_fields(template, mailbox, template_id=999999)),
                           HTTP_HX_REQUEST="true")  # fmt: skip

    assert response.status_code == 422
    page = response.content.decode()
    field = re.search(
        r'<div class="field wf-field has-error">\s*<label for="f-steps-2-then-0-template_id">'
        r".*?</select>\s*<p class=\"field-error\" id=\"f-steps-2-then-0-template_id-error\">"
        r"(.*?)</p>",
        page,
        re.S,
    )
    assert field is not None
    assert field.group(1) == "Unknown template 999999"
    assert "<code>steps[2].then[0].template_id</code>: unknown template 999999" in page
    assert page.count("has-error") == 2  # the field and its step's card, nothing else
    assert WorkflowVersion.objects.filter(workflow=world.workflow).count() == 1


def test_a_query_error_in_a_condition_is_shown_on_the_condition(
    personas: Personas, mailbox: Mailbox, template: Template
) -> None:
    fields = {**_flow_fields(template, mailbox), "steps[2].condition": "has:phone AND ("}

    response = client_for(personas.recruiter).post("/automation/new/", _form(**fields))

    assert response.status_code == 422
    page = response.content.decode()
    assert re.search(r'id="f-steps-2-condition-error">[^<]*\(at character', page)
    assert not Workflow.objects.exists()


def test_builder_buttons_add_move_and_remove_steps(personas: Personas) -> None:
    client = client_for(personas.recruiter)
    base = _form(**{"steps[0].kind": "add_tag", "steps[0].tag": "a",
                    "steps[1].kind": "if", "steps[1].condition": "has:email"})  # fmt: skip

    added = client.post("/automation/new/", {**base, "do": "add:steps[1].else",
                                              "new:steps[1].else": "wait"})  # fmt: skip
    moved = client.post("/automation/new/", {**base, "do": "up:steps[1]"})
    removed = client.post("/automation/new/", {**base, "do": "remove:steps[0]"})

    assert 'name="steps[1].else[0].duration" value="1d"' in added.content.decode()
    assert "data-wf-focus" in added.content.decode()
    assert re.search(r'name="steps\[0\].kind" value="if".*name="steps\[1\].tag" value="a"',
                     moved.content.decode(), re.S)  # fmt: skip
    assert 'name="steps[0].kind" value="if"' in removed.content.decode()
    assert "steps[1]" not in removed.content.decode()
    assert not Workflow.objects.exists()


def test_changing_the_trigger_shows_its_own_options(personas: Personas) -> None:
    client = client_for(personas.recruiter)

    response = client.post("/automation/new/", _form(**{"trigger.kind": "inactivity",
                                                         "do": "refresh"}),
                           HTTP_HX_REQUEST="true")  # fmt: skip

    page = response.content.decode()
    assert response.status_code == 200
    assert page.strip().startswith('<form id="wf-builder"')  # the builder alone
    assert 'name="trigger.days"' in page
    assert 'name="trigger.tags"' not in page


# --- YAML ----------------------------------------------------------------------------------------


def test_the_yaml_tab_exports_and_downloads(personas: Personas, world: World) -> None:
    client = client_for(personas.analyst)

    page = client.get(f"/automation/{world.workflow.pk}/yaml/").content.decode()
    download = client.get(f"/automation/{world.workflow.pk}/yaml/download/")

    assert "name: Tag watcher" in page
    assert download["Content-Disposition"].startswith("attachment;")
    assert download.content.decode().startswith("name: Tag watcher\n")
    assert "Import a new version" not in page  # readers see no import form


def test_yaml_import_errors_are_listed_with_their_paths(personas: Personas) -> None:
    text = "name: Broken\ntrigger:\n  kind: tag_added\nsteps:\n- kind: add_tag\n  colour: red\n"

    response = client_for(personas.recruiter).post("/automation/import/", {"yaml": text})

    assert response.status_code == 422
    page = response.content.decode()
    assert "<code>steps[0].tag</code>: required" in page
    assert "<code>steps[0].colour</code>: unknown field" in page
    assert not Workflow.objects.exists()


def test_an_uploaded_yaml_file_becomes_a_disabled_workflow(personas: Personas) -> None:
    text = b"name: Uploaded\ntrigger: {kind: person_created}\nsteps:\n- {kind: add_tag, tag: new}\n"
    upload = SimpleUploadedFile("flow.yaml", text, content_type="application/yaml")

    response = client_for(personas.admin).post("/automation/import/", {"file": upload})

    workflow = Workflow.objects.get()
    assert response["Location"] == f"/automation/{workflow.pk}/"
    assert (workflow.name, workflow.enabled) == ("Uploaded", False)


def test_yaml_imported_on_a_workflow_saves_its_next_version(
    personas: Personas, world: World
) -> None:
    client = client_for(personas.recruiter)
    url = f"/automation/{world.workflow.pk}/yaml/"
    text = client.get(f"/automation/{world.workflow.pk}/yaml/download/").content.decode()

    client.post(url, {"yaml": text.replace("{person} is tagged", "{person} got x")})
    bad = client.post(url, {"yaml": "name: [unclosed"})

    world.workflow.refresh_from_db()
    assert world.workflow.current_version is not None
    assert world.workflow.current_version.number == 2
    assert bad.status_code == 422
    assert "<code>yaml</code>:" in bad.content.decode()


# --- runs ----------------------------------------------------------------------------------------


def test_a_run_shows_every_step_with_its_decision_and_error(
    personas: Personas, world: World
) -> None:
    client = client_for(personas.coordinator)

    done = client.get(f"/automation/runs/{world.done.pk}/").content.decode()
    failed = client.get(f"/automation/runs/{world.failed.pk}/").content.decode()

    assert "Ada" in done
    assert "Decision:" in done
    assert "Notify a teammate" in done
    assert '<code class="wf-path">steps[0]</code>' in done
    assert "Error:" in failed
    assert "Retry" not in failed


def test_retry_runs_a_failed_run_again_from_its_failed_step(
    personas: Personas, world: World
) -> None:
    client = client_for(personas.recruiter)
    failed_page = client.get("/automation/failed/").content.decode()
    assert f'action="/automation/runs/{world.failed.pk}/retry/"' in failed_page

    response = client.post(f"/automation/runs/{world.failed.pk}/retry/",
                           {"next": "/automation/failed/"})  # fmt: skip

    assert response["Location"] == "/automation/failed/"
    world.failed.refresh_from_db()
    assert world.failed.state == "running"
    assert DueItem.objects.filter(key__contains=f":r{world.failed.pk}:", state="pending").exists()
    page = client.get("/automation/failed/").content.decode()
    assert "running again from its failed step" in page
    assert "Orla" not in page


def test_retrying_a_run_that_did_not_fail_says_so(personas: Personas, world: World) -> None:
    response = client_for(personas.admin).post(
        f"/automation/runs/{world.done.pk}/retry/", follow=True
    )

    assert "Only failed runs can be retried; this one is done" in response.content.decode()
    world.done.refresh_from_db()
    assert world.done.state == "done"


def test_the_profile_loads_its_runs_card_apart(
    personas: Personas, world: World, django_assert_max_num_queries: Any
) -> None:
    client = client_for(personas.recruiter)

    profile = client.get(f"/people/{world.owned.pk}/").content.decode()
    card = client.get(f"/people/{world.owned.pk}/workflow-runs/", HTTP_HX_REQUEST="true")

    assert f'hx-get="/people/{world.owned.pk}/workflow-runs/"' in profile
    assert "Tag watcher" not in profile  # the card's rows come with its own request
    assert "Tag watcher" in card.content.decode()
    assert f"/automation/runs/{world.done.pk}/" in card.content.decode()
    assert client_for(personas.hiring_manager).get(
        f"/people/{world.owned.pk}/workflow-runs/"
    ).status_code in (403, 404)


# --- dry run -------------------------------------------------------------------------------------


def test_the_dry_run_page_shows_who_and_what_and_changes_nothing(
    personas: Personas, mailbox: Mailbox, template: Template
) -> None:
    ada = contactable(personas.recruiter, personas.workspace, first_name="Ada", country="DE")
    bo = new_person(personas.workspace, first_name="Bo", country="FR")
    do_tag_people(actor=personas.recruiter, workspace=personas.workspace, people=[ada, bo],
                  names=["x"])  # fmt: skip
    workflow = make_workflow(
        personas.recruiter, TRIGGER,
        [{"kind": "send_email", "template_id": template.pk, "mailbox_id": mailbox.pk},
         {"kind": "wait", "duration": "3d"}],
        condition="country:DE", enabled=False,
    )  # fmt: skip
    client = client_for(personas.recruiter)

    form = client.get(f"/automation/{workflow.pk}/dry-run/").content.decode()
    report = client.get(f"/automation/{workflow.pk}/dry-run/?days=30").content.decode()

    assert "What would" not in form
    assert "The last" not in form
    assert "The last 30 days" in report
    assert "would email &#x27;Hello&#x27; from Talent team" in report
    assert "would wait 3d" in report
    assert "does not match the condition" in report
    assert not Run.objects.exists()


# --- recipes -------------------------------------------------------------------------------------


def test_the_recipes_page_lists_what_can_and_cannot_be_installed(personas: Personas) -> None:
    page = client_for(personas.recruiter).get("/automation/recipes/").content.decode()

    assert "Silver medallist nurture" in page
    assert "needs interviews" not in page
    assert "Needs an onboarding checklist" in page
    assert "Needs a talent pool and a sequence first." in page
    assert 'action="/automation/recipes/interview-reminder/install/"' not in page


def test_a_recipe_installs_in_one_click(
    personas: Personas, mailbox: Mailbox, template: Template
) -> None:
    pool = TalentPoolFactory(workspace=personas.workspace, name="Silver medallists")
    sequence = save_sequence(actor=personas.recruiter, name="Nurture", mailbox_id=mailbox.pk,
                             steps=[{"kind": "email", "template_id": template.pk}])  # fmt: skip
    client = client_for(personas.recruiter)
    page = client.get("/automation/recipes/").content.decode()
    assert 'action="/automation/recipes/silver-medallists/install/"' in page

    response = client.post("/automation/recipes/silver-medallists/install/", {
        "final_stage": "offer", "pool_id": str(pool.pk), "days": "14",
        "sequence_id": str(sequence.pk), "enabled": "on",
    })  # fmt: skip

    workflow = Workflow.objects.get()
    assert response["Location"] == f"/automation/{workflow.pk}/"
    assert (workflow.name, workflow.enabled) == ("Silver medallist nurture", True)


def test_a_recipe_with_a_bad_choice_is_shown_again_with_the_error(
    personas: Personas, mailbox: Mailbox, template: Template
) -> None:
    response = client_for(personas.admin).post(
        "/automation/recipes/rejection-email/install/",
        {"days": "900", "template_id": str(template.pk), "mailbox_id": str(mailbox.pk)},
    )

    assert response.status_code == 422
    assert "A whole number of days from 1 to 365" in response.content.decode()
    assert not Workflow.objects.exists()


def test_the_recipe_preview_follows_the_choices(
    personas: Personas, mailbox: Mailbox, template: Template
) -> None:
    other = template_actions.save_template(
        actor=personas.recruiter, name="Sorry", subject="Sorry", html="<p>Sorry</p>", text=""
    )
    client = client_for(personas.recruiter)
    query = {"days": "5", "template_id": str(other.pk), "mailbox_id": str(mailbox.pk)}

    preview = client.get("/automation/recipes/rejection-email/preview/", query,
                         HTTP_HX_REQUEST="true").content.decode()  # fmt: skip

    assert "Wait 5 days" in preview
    assert "Send “Sorry” from “Talent team”" in preview
    assert (
        client_for(personas.analyst)
        .get("/automation/recipes/rejection-email/preview/", query)
        .status_code
        == 403
    )
