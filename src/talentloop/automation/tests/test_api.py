"""The automation API: a persona matrix for every endpoint, errors in the house shape."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from talentloop.api.testing import ApiClient
from talentloop.automation.models import Notification, Run
from talentloop.automation.tests.conftest import drive, make_workflow, new_person
from talentloop.people.actions import do_tag_people

pytestmark = pytest.mark.django_db
TRIGGER = {"kind": "tag_added", "tags": ["x"]}
DEFINITION = {"trigger": TRIGGER, "steps": [{"kind": "add_tag", "tag": "y"}]}
PERSONAS = ("admin", "recruiter", "coordinator", "hiring_manager", "analyst", "outsider")


class World:
    """A workflow with a done run and a failed run, and a notification for the recruiter."""

    def __init__(self, personas: Any) -> None:
        self.workflow = make_workflow(personas.recruiter, TRIGGER, [
            {"kind": "notify_user", "title": "hi", "assignee": {"rule": "owner"}},
        ])  # fmt: skip
        owned = new_person(personas.workspace, owner=personas.recruiter)
        orphan = new_person(personas.workspace)
        do_tag_people(actor=personas.admin, workspace=personas.workspace, people=[owned, orphan],
                      names=["x"])  # fmt: skip
        drive()
        self.done = Run.objects.get(person=owned)
        self.failed = Run.objects.get(person=orphan)
        self.notification = Notification.objects.get()
        self.person = owned
        assert (self.done.state, self.failed.state) == ("done", "failed")


Call = Callable[[ApiClient, World], Any]
ENDPOINTS: dict[str, tuple[Call, dict[str, int]]] = {
    # name: (call, status per persona; missing personas answer like "others")
    "list workflows": (lambda api, w: api.get("/workflows"),
                       {"hiring_manager": 403, "others": 200}),
    "create workflow": (lambda api, w: api.post("/workflows", {"name": "n",
                                                               "definition": DEFINITION}),
                        {"admin": 201, "recruiter": 201, "outsider": 201, "others": 403}),
    "validate": (lambda api, w: api.post("/workflows/validate", {"definition": DEFINITION}),
                 {"admin": 200, "recruiter": 200, "outsider": 200, "others": 403}),
    "get workflow": (lambda api, w: api.get(f"/workflows/{w.workflow.pk}"),
                     {"hiring_manager": 403, "outsider": 404, "others": 200}),
    "patch workflow": (lambda api, w: api.patch(f"/workflows/{w.workflow.pk}", {"name": "m"}),
                       {"admin": 200, "recruiter": 200, "outsider": 404, "others": 403}),
    "disable": (lambda api, w: api.post(f"/workflows/{w.workflow.pk}/disable"),
                {"admin": 200, "recruiter": 200, "outsider": 404, "others": 403}),
    "enable": (lambda api, w: api.post(f"/workflows/{w.workflow.pk}/enable"),
               {"admin": 200, "recruiter": 200, "outsider": 404, "others": 403}),
    "versions": (lambda api, w: api.get(f"/workflows/{w.workflow.pk}/versions"),
                 {"hiring_manager": 403, "outsider": 404, "others": 200}),
    "export": (lambda api, w: api.get(f"/workflows/{w.workflow.pk}/export"),
               {"hiring_manager": 403, "outsider": 404, "others": 200}),
    "secret": (lambda api, w: api.get(f"/workflows/{w.workflow.pk}/webhook-secret"),
               {"admin": 200, "recruiter": 200, "outsider": 404, "others": 403}),
    "dry run": (lambda api, w: api.post(f"/workflows/{w.workflow.pk}/dry-run", {"days": 7}),
                {"admin": 200, "recruiter": 200, "outsider": 404, "others": 403}),
    "list runs": (lambda api, w: api.get("/workflow-runs", {"state": "failed"}),
                  {"hiring_manager": 403, "others": 200}),
    "get run": (lambda api, w: api.get(f"/workflow-runs/{w.done.pk}"),
                {"hiring_manager": 403, "outsider": 404, "others": 200}),
    "retry run": (lambda api, w: api.post(f"/workflow-runs/{w.failed.pk}/retry"),
                  {"admin": 200, "recruiter": 200, "outsider": 404, "others": 403}),
    "delete workflow": (lambda api, w: api.delete(f"/workflows/{w.workflow.pk}"),
                        {"admin": 204, "recruiter": 204, "outsider": 404, "others": 403}),
    "read notification": (lambda api, w: api.post(f"/notifications/{w.notification.pk}/read"),
                          {"recruiter": 200, "others": 404}),
}  # fmt: skip


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_persona_matrix(personas, now, endpoint, persona):
    world = World(personas)
    call, expected = ENDPOINTS[endpoint]

    response = call(ApiClient(getattr(personas, persona)), world)

    wanted = expected.get(persona, expected["others"])
    assert response.status_code == wanted, response.content
    if wanted >= 400:
        assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_a_tenant_sees_only_its_own_workflows_and_runs(personas, now):
    world = World(personas)
    make_workflow(personas.outsider, TRIGGER, [{"kind": "add_tag", "tag": "z"}], name="Theirs")

    mine = ApiClient(personas.analyst).get("/workflows").json()["items"]
    theirs = ApiClient(personas.outsider).get("/workflows").json()["items"]
    runs = ApiClient(personas.outsider).get("/workflow-runs").json()["items"]

    assert [row["id"] for row in mine] == [world.workflow.pk]
    assert [row["name"] for row in theirs] == ["Theirs"]
    assert runs == []


def test_an_invalid_definition_is_a_422_naming_the_step_and_field(personas, now, mailbox):
    definition = {
        "trigger": TRIGGER,
        "steps": [
            {"kind": "add_tag", "tag": "a"},
            {"kind": "wait", "duration": "1h"},
            {"kind": "if", "condition": "has:email", "then": [
                {"kind": "send_email", "template_id": 424242, "mailbox_id": mailbox.pk},
            ]},
        ],
    }  # fmt: skip

    response = ApiClient(personas.recruiter).post(
        "/workflows", {"name": "x", "definition": definition}
    )

    assert response.status_code == 422
    assert response.json() == {
        "error": {
            "code": "invalid_workflow",
            "message": "steps[2].then[0].template_id: unknown template 424242",
            "fields": {"steps[2].then[0].template_id": "unknown template 424242"},
        }
    }


def test_build_export_edit_as_yaml_and_import(personas, now):
    api = ApiClient(personas.recruiter)
    created = api.post("/workflows", {"name": "Nurture", "definition": DEFINITION, "enabled": True})
    assert created.status_code == 201
    body = created.json()
    assert (body["version"], body["enabled"], body["trigger_kind"]) == (1, True, "tag_added")

    exported = api.get(f"/workflows/{body['id']}/export").json()["yaml"]
    assert exported.startswith("name: Nurture\ntrigger:\n  kind: tag_added\n")
    edited = exported.replace("tag: y", "tag: z")
    new_version = api.post(f"/workflows/{body['id']}/import", {"yaml": edited})
    copy = api.post("/workflows/import", {"yaml": exported})

    assert new_version.json()["version"] == 2
    assert new_version.json()["definition"]["steps"] == [{"kind": "add_tag", "tag": "z"}]
    assert (copy.status_code, copy.json()["enabled"], copy.json()["version"]) == (201, False, 1)
    versions = api.get(f"/workflows/{body['id']}/versions").json()["items"]
    assert [row["number"] for row in versions] == [2, 1]
    broken = api.post("/workflows/import", {"yaml": "name: x\ntrigger: {kind: nope}\nsteps: []"})
    assert broken.status_code == 422
    assert set(broken.json()["error"]["fields"]) == {"trigger.kind", "steps"}


def test_failed_runs_show_where_and_why_and_retry(personas, now):
    world = World(personas)
    api = ApiClient(personas.recruiter)

    failed = api.get("/workflow-runs", {"state": "failed"}).json()["items"]
    assert [row["id"] for row in failed] == [world.failed.pk]
    detail = api.get(f"/workflow-runs/{world.failed.pk}").json()
    assert detail["error"].startswith("steps[0]: PermanentFailure: no one to notify")
    assert [(s["path"], s["kind"], s["state"]) for s in detail["steps"]] == [
        ("steps[0]", "notify_user", "failed")
    ]
    done = api.get(f"/workflow-runs/{world.done.pk}").json()
    assert done["steps"][0]["input"] == {"kind": "notify_user", "title": "hi",
                                         "assignee": {"rule": "owner"}}  # fmt: skip
    per_person = api.get("/workflow-runs", {"person_id": world.person.pk}).json()["items"]
    assert [row["id"] for row in per_person] == [world.done.pk]

    retried = api.post(f"/workflow-runs/{world.failed.pk}/retry")
    assert retried.json()["state"] == "running"
    again = api.post(f"/workflow-runs/{world.failed.pk}/retry")
    assert (again.status_code, again.json()["error"]["code"]) == (409, "not_failed")


def test_notifications_are_each_users_own(personas, now):
    world = World(personas)

    mine = ApiClient(personas.recruiter).get("/notifications", {"unread": True}).json()["items"]
    others = ApiClient(personas.admin).get("/notifications").json()["items"]
    read = ApiClient(personas.recruiter).post(f"/notifications/{world.notification.pk}/read")

    assert [row["title"] for row in mine] == ["hi"]
    assert others == []
    assert read.json()["read_at"] is not None


def test_a_dry_run_answers_with_the_people_and_notes(personas, now):
    world = World(personas)

    report = (
        ApiClient(personas.recruiter)
        .post(f"/workflows/{world.workflow.pk}/dry-run", {"days": 1, "limit": 10})
        .json()
    )

    assert (report["examined"], report["affected"], report["truncated"]) == (2, 2, False)
    notes = {entry["person_id"]: entry["notes"][0]["text"] for entry in report["entries"]}
    assert notes[world.person.pk] == f"would notify {personas.recruiter.display_name}: hi"


def test_unknown_body_fields_and_bad_days_are_422(personas, now):
    world = World(personas)
    api = ApiClient(personas.recruiter)

    unknown = api.post("/workflows", {"name": "x", "definition": DEFINITION, "colour": "red"})
    days = api.post(f"/workflows/{world.workflow.pk}/dry-run", {"days": 365})

    assert unknown.status_code == days.status_code == 422
    assert unknown.json()["error"]["fields"] == {"colour": "unknown field"}
