"""Persona matrix: who may call each people endpoint, and who gets 403/404 instead."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from talentloop.accounts.domain import Role
from talentloop.api.testing import ApiClient
from talentloop.people.actions import (
    ContactInput,
    do_add_contact_point,
    do_log_activity,
    do_tag_people,
    do_upload_attachment,
)
from talentloop.people.domain import ActivityKind
from talentloop.people.models import Person
from talentloop.recruiting.actions import do_add_candidacy
from talentloop.testing.factories import JobFactory, PersonFactory, TagFactory

pytestmark = pytest.mark.django_db
PERSONAS = ["admin", "recruiter", "coordinator", "hiring_manager", "analyst", "outsider"]
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@dataclass
class World:
    person: object
    point: object
    call: object
    note: object
    attachment: object
    tag: object


@pytest.fixture
def world(personas):
    """A candidate of the hiring manager's job, with a contact point, timeline, file and tag."""
    admin = personas.admin
    person = Person.objects.get(pk=PersonFactory(workspace=personas.workspace).pk)
    job = JobFactory(workspace=personas.workspace, hiring_manager=personas.hiring_manager)
    do_add_candidacy(actor=admin, person=person, job=job)
    point = do_add_contact_point(
        actor=admin, person=person, contact=ContactInput("email", "ada@example.com")
    )
    call = do_log_activity(actor=personas.recruiter, person=person, kind=ActivityKind.CALL)
    note = do_log_activity(
        actor=personas.recruiter, person=person, kind=ActivityKind.NOTE, body="strong"
    )
    upload = SimpleUploadedFile("cv.pdf", PDF, content_type="application/pdf")
    attachment = do_upload_attachment(actor=admin, person=person, upload=upload)
    [tag] = do_tag_people(
        actor=admin, workspace=personas.workspace, people=[person], names=["python"]
    )
    return World(person, point, call, note, attachment, tag)


def _pdf():
    return SimpleUploadedFile("cover.pdf", PDF, content_type="application/pdf")


# (label, method, path, body, expected statuses for PERSONAS in order)
CASES = [
    ("list people", "get", "/people", None, "200 200 200 200 200 200"),
    ("get person", "get", "/people/{person}", None, "200 200 200 200 200 404"),
    ("export people", "get", "/people/export", None, "200 200 403 403 403 200"),
    ("create person", "post", "/people", {"first_name": "Ada"}, "201 201 201 403 403 201"),
    ("update person", "patch", "/people/{person}", {"city": "Oslo"}, "200 200 200 403 403 404"),
    ("delete person", "delete", "/people/{person}", None, "204 204 204 403 403 404"),
    ("tag person", "post", "/people/{person}/tags", {"names": ["go"]}, "200 200 200 403 403 404"),
    ("untag person", "delete", "/people/{person}/tags/{tag}", None, "204 204 204 403 403 404"),
    ("list contacts", "get", "/people/{person}/contact-points", None, "200 200 200 200 200 404"),
    (
        "add contact",
        "post",
        "/people/{person}/contact-points",
        {"kind": "url", "value": "github.com/ada"},
        "201 201 201 403 403 404",
    ),
    (
        "edit contact",
        "patch",
        "/contact-points/{point}",
        {"label": "work"},
        "200 200 200 403 403 404",
    ),
    ("remove contact", "delete", "/contact-points/{point}", None, "204 204 204 403 403 404"),
    ("list activities", "get", "/activities", None, "200 200 200 200 200 200"),
    ("get activity", "get", "/activities/{call}", None, "200 200 200 200 200 404"),
    (
        "log call",
        "post",
        "/activities",
        {"person_id": "{person}", "kind": "call"},
        "201 201 201 403 403 422",
    ),
    (
        "log note as activity",
        "post",
        "/activities",
        {"person_id": "{person}", "kind": "note", "body": "ok"},
        "201 201 201 201 403 422",
    ),
    ("edit call", "patch", "/activities/{call}", {"subject": "x"}, "200 200 200 403 403 404"),
    ("delete call", "delete", "/activities/{call}", None, "204 204 204 403 403 404"),
    ("list notes", "get", "/notes", None, "200 200 200 200 200 200"),
    ("get note", "get", "/notes/{note}", None, "200 200 200 200 200 404"),
    (
        "add note",
        "post",
        "/notes",
        {"person_id": "{person}", "body": "Great call"},
        "201 201 201 201 403 422",
    ),
    ("edit note", "patch", "/notes/{note}", {"body": "edited"}, "200 200 200 403 403 404"),
    ("delete note", "delete", "/notes/{note}", None, "204 204 204 403 403 404"),
    ("list files", "get", "/people/{person}/attachments", None, "200 200 200 200 200 404"),
    ("upload file", "upload", "/people/{person}/attachments", None, "201 201 201 403 403 404"),
    ("file metadata", "get", "/attachments/{attachment}", None, "200 200 200 200 200 404"),
    (
        "download file",
        "get",
        "/attachments/{attachment}/download",
        None,
        "200 200 200 200 200 404",
    ),
    ("delete file", "delete", "/attachments/{attachment}", None, "204 204 204 403 403 404"),
    ("list tags", "get", "/tags", None, "200 200 200 200 200 200"),
    ("create tag", "post", "/tags", {"name": "rust"}, "201 201 201 403 403 201"),
    ("rename tag", "patch", "/tags/{tag}", {"name": "py"}, "200 200 200 403 403 404"),
    ("delete tag", "delete", "/tags/{tag}", None, "204 204 204 403 403 404"),
]


def _fill(template, world):
    ids = {
        "person": world.person.pk,
        "point": world.point.pk,
        "call": world.call.pk,
        "note": world.note.pk,
        "attachment": world.attachment.pk,
        "tag": world.tag.pk,
    }
    if isinstance(template, str):
        text = template.format(**ids)
        return int(text) if template.startswith("{") and text.isdigit() else text
    if isinstance(template, dict):
        return {key: _fill(value, world) for key, value in template.items()}
    if isinstance(template, list):
        return [_fill(value, world) for value in template]
    return template


@pytest.mark.parametrize(("label", "method", "path", "body", "expected"), CASES)
@pytest.mark.parametrize("persona", PERSONAS)
def test_persona_matrix(personas, world, persona, label, method, path, body, expected):
    # given a caller in one of the personas
    api = ApiClient(getattr(personas, persona))
    url = _fill(path, world)

    # when they call the endpoint
    if method == "upload":
        response = api.upload(url, {"file": _pdf()})
    elif method in {"post", "patch"}:
        response = getattr(api, method)(url, _fill(body, world))
    else:
        response = getattr(api, method)(url)

    # then they get exactly what their role allows
    wanted = int(expected.split()[PERSONAS.index(persona)])
    assert response.status_code == wanted, response.content
    if wanted >= 400:
        assert set(response.json()["error"]) == {"code", "message", "fields"}


def test_hiring_manager_sees_only_people_of_their_jobs(personas, world):
    # given someone who is in none of the hiring manager's jobs
    stranger = PersonFactory(workspace=personas.workspace)
    api = ApiClient(personas.by_role(Role.HIRING_MANAGER))

    # then the list holds only their candidate and the stranger is a 404
    ids = [item["id"] for item in api.get("/people").json()["items"]]
    assert ids == [world.person.pk]
    assert api.get(f"/people/{stranger.pk}").status_code == 404
    assert api.post("/notes", {"person_id": stranger.pk, "body": "hi"}).status_code == 422


def test_outsider_lists_nothing_from_another_workspace(personas, world):
    api = ApiClient(personas.outsider)

    assert api.get("/people").json()["items"] == []
    assert api.get("/notes").json()["items"] == []
    assert api.get("/tags").json()["items"] == []


def test_hiring_manager_can_edit_their_own_note_only(personas, world):
    api = ApiClient(personas.hiring_manager)
    own = api.post("/notes", {"person_id": world.person.pk, "body": "Solid"}).json()

    assert api.patch(f"/notes/{own['id']}", {"body": "Very solid"}).status_code == 200
    assert api.patch(f"/notes/{world.note.pk}", {"body": "mine now"}).status_code == 403


@pytest.fixture
def tagged_stranger(personas, world):
    return TagFactory(workspace=personas.outsider.workspace)


def test_tag_of_another_workspace_is_404(personas, world, tagged_stranger):
    api = ApiClient(personas.admin)

    response = api.delete(f"/people/{world.person.pk}/tags/{tagged_stranger.pk}")

    assert response.status_code == 404
