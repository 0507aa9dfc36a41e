"""Contact points, activities, notes, attachments and tags through the API."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from talentloop.api.testing import ApiClient
from talentloop.people.models import Activity, Attachment, Person, Tag
from talentloop.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


@pytest.fixture
def api(personas):
    return ApiClient(personas.recruiter)


@pytest.fixture
def person(personas):
    return PersonFactory(workspace=personas.workspace)


def test_contact_point_is_normalised_and_becomes_primary(api, person):
    response = api.post(
        f"/people/{person.pk}/contact-points", {"kind": "email", "value": "Ada@Example.COM"}
    )

    assert response.status_code == 201
    assert response.json()["value"] == "ada@example.com"
    assert response.json()["is_primary"] is True
    person.refresh_from_db()
    assert person.primary_email == "ada@example.com"


def test_invalid_phone_is_422_naming_value(api, person):
    response = api.post(f"/people/{person.pk}/contact-points", {"kind": "phone", "value": "123"})

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["value"]
    assert not person.contact_points.exists()


def test_removing_the_primary_promotes_the_next(api, person):
    first = api.post(f"/people/{person.pk}/contact-points", {"kind": "email", "value": "a@x.io"})
    api.post(f"/people/{person.pk}/contact-points", {"kind": "email", "value": "b@x.io"})

    api.delete(f"/contact-points/{first.json()['id']}")

    points = api.get(f"/people/{person.pk}/contact-points").json()
    assert [(p["value"], p["is_primary"]) for p in points] == [("b@x.io", True)]


def test_stage_changes_cannot_be_logged_by_hand(api, person):
    response = api.post("/activities", {"person_id": person.pk, "kind": "stage_change"})

    assert response.status_code == 422
    assert "kind" in response.json()["error"]["fields"]
    assert not Activity.objects.exists()


def test_activities_cannot_happen_in_the_future(api, person):
    future = (dt.datetime.now(dt.UTC) + dt.timedelta(days=2)).isoformat()

    response = api.post(
        "/activities", {"person_id": person.pk, "kind": "call", "occurred_at": future}
    )

    assert response.status_code == 422
    assert "occurred_at" in response.json()["error"]["fields"]


def test_logged_call_moves_last_engaged_and_is_filterable(api, person):
    api.post("/activities", {"person_id": person.pk, "kind": "call", "direction": "outbound"})
    api.post("/notes", {"person_id": person.pk, "body": "Prefers mornings"})

    calls = api.get("/activities", {"person_id": person.pk, "kind": "call"}).json()["items"]
    notes = api.get("/notes", {"person_id": person.pk}).json()["items"]

    assert [c["direction"] for c in calls] == ["outbound"]
    assert [n["body"] for n in notes] == ["Prefers mornings"]
    person.refresh_from_db()
    assert person.last_engaged_at is not None


def test_a_call_is_not_reachable_as_a_note(api, person):
    call = api.post("/activities", {"person_id": person.pk, "kind": "call"}).json()

    assert api.get(f"/notes/{call['id']}").status_code == 404


def test_blank_note_is_422(api, person):
    response = api.post("/notes", {"person_id": person.pk, "body": "   "})

    assert response.status_code == 422
    assert "body" in response.json()["error"]["fields"]


def _upload(api, person, name, content, **extra):
    data = {"file": SimpleUploadedFile(name, content), **extra}
    return api.upload(f"/people/{person.pk}/attachments", data)


def test_upload_and_download_keep_the_original_name_safely_quoted(api, person):
    # given a file whose name would break a naive header
    response = _upload(api, person, 'cv "final".pdf', PDF, kind="cover_letter")
    assert response.status_code == 201
    assert response.json()["kind"] == "cover_letter"

    # when it is downloaded
    download = api.get(f"/attachments/{response.json()['id']}/download")

    # then it comes back as an attachment, byte for byte, with the name escaped
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"].startswith("attachment;")
    assert '\\"final\\"' in download["Content-Disposition"]
    assert download["Content-Type"] == "application/pdf"


def test_upload_too_large_is_413(api, person, settings):
    settings.MAX_UPLOAD_BYTES = 10

    response = _upload(api, person, "cv.pdf", PDF)

    assert response.status_code == 413
    assert response.json()["error"]["fields"] == {"file": "too large"}
    assert not Attachment.objects.exists()


def test_upload_of_a_refused_type_is_415(api, person):
    response = _upload(api, person, "run.exe", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64)

    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"
    assert not Attachment.objects.exists()


def test_empty_upload_is_422(api, person):
    response = _upload(api, person, "empty.pdf", b"")

    assert response.status_code == 422
    assert "file" in response.json()["error"]["fields"]


def test_upload_without_a_file_is_422_naming_file(api, person):
    response = api.upload(f"/people/{person.pk}/attachments", {"kind": "resume"})

    assert response.status_code == 422
    assert "file" in response.json()["error"]["fields"]


def test_tag_catalogue_create_rename_delete(api, person, personas):
    tag = api.post("/tags", {"name": "  rust  lang "}).json()
    api.post(f"/people/{person.pk}/tags", {"names": ["rust lang"]})

    assert tag["name"] == "rust lang"
    assert api.post("/tags", {"name": "rust lang"}).status_code == 409
    assert api.patch(f"/tags/{tag['id']}", {"name": "rust"}).json()["name"] == "rust"
    assert [t["name"] for t in api.get(f"/people/{person.pk}").json()["tags"]] == ["rust"]
    assert api.delete(f"/tags/{tag['id']}").status_code == 204
    assert not Tag.objects.filter(workspace=personas.workspace).exists()
    assert Person.objects.get(pk=person.pk).tags.count() == 0


def test_untag_removes_only_that_tag(api, person):
    tags = api.post(f"/people/{person.pk}/tags", {"names": ["a", "b"]}).json()
    first = next(tag for tag in tags if tag["name"] == "a")

    api.delete(f"/people/{person.pk}/tags/{first['id']}")

    assert [t["name"] for t in api.get(f"/people/{person.pk}").json()["tags"]] == ["b"]
