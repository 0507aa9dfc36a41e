"""Writes through the UI: notes, edits, uploads, bulk actions, export — and who may do them."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from talentloop.accounts.domain import Role
from talentloop.conftest import Personas
from talentloop.people.models import Activity, Attachment, Person
from talentloop.recruiting.models import Candidacy
from talentloop.search import fulltext
from talentloop.testing.factories import PersonFactory, TalentPoolFactory
from talentloop.ui.tests.conftest import Scene, client_for

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


# --- notes ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.RECRUITER, Role.COORDINATOR, Role.HIRING_MANAGER])
def test_writers_and_hiring_managers_add_notes(
    personas: Personas, scene: Scene, role: Role
) -> None:
    # when
    response = client_for(personas.by_role(role)).post(
        f"/people/{scene.candidate.pk}/activities/",
        {"kind": "note", "body": "Strong on SQL"},
        **HTMX,
    )

    # then
    assert response.status_code == 200
    assert "timeline-changed" in response["HX-Trigger"]
    assert "Note added" in response["HX-Trigger"]
    assert Activity.objects.filter(person=scene.candidate, body="Strong on SQL").exists()


def test_analyst_cannot_add_a_note(personas: Personas, scene: Scene) -> None:
    response = client_for(personas.analyst).post(
        f"/people/{scene.candidate.pk}/activities/", {"kind": "note", "body": "hi"}
    )

    assert response.status_code == 403
    assert not Activity.objects.filter(body="hi").exists()


def test_hiring_manager_cannot_log_a_call(personas: Personas, scene: Scene) -> None:
    response = client_for(personas.hiring_manager).post(
        f"/people/{scene.candidate.pk}/activities/", {"kind": "call", "subject": "rang"}, **HTMX
    )

    assert response.status_code == 403
    assert "error" in response["HX-Trigger"]


def test_empty_note_shows_an_inline_error(personas: Personas, scene: Scene) -> None:
    response = client_for(personas.recruiter).post(
        f"/people/{scene.candidate.pk}/activities/", {"kind": "note", "body": "  "}, **HTMX
    )

    assert response.status_code == 422
    assert b'class="field-error"' in response.content


# --- edit -----------------------------------------------------------------------------------


def _edit_data(person: Person, **changes: str) -> dict[str, str]:
    data = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "lifecycle": person.lifecycle,
        "country": person.country,
    }
    data.update(changes)
    return data


def test_edit_saves_and_redirects(personas: Personas, scene: Scene) -> None:
    # when
    response = client_for(personas.recruiter).post(
        f"/people/{scene.candidate.pk}/edit/",
        _edit_data(
            scene.candidate, headline="Analytical engine whisperer", time_zone="Europe/London"
        ),
    )

    # then
    assert response.status_code == 302
    scene.candidate.refresh_from_db()
    assert scene.candidate.headline == "Analytical engine whisperer"
    assert scene.candidate.time_zone == "Europe/London"


def test_edit_with_invalid_input_shows_errors_next_to_the_fields(
    personas: Personas, scene: Scene
) -> None:
    # when
    response = client_for(personas.recruiter).post(
        f"/people/{scene.candidate.pk}/edit/",
        _edit_data(scene.candidate, time_zone="Mars/Olympus", salary_min="900", salary_max="100"),
        **HTMX,
    )

    # then
    content = response.content.decode()
    assert response.status_code == 422
    assert 'id="id_time_zone_error"' in content
    assert "Unknown time zone" in content
    assert 'id="id_salary_min_error"' in content
    scene.candidate.refresh_from_db()
    assert scene.candidate.time_zone == ""


@pytest.mark.parametrize("role", [Role.ANALYST, Role.HIRING_MANAGER])
def test_read_only_roles_cannot_edit(personas: Personas, scene: Scene, role: Role) -> None:
    client = client_for(personas.by_role(role))

    assert client.get(f"/people/{scene.candidate.pk}/edit/").status_code == 403
    response = client.post(f"/people/{scene.candidate.pk}/edit/", _edit_data(scene.candidate))
    assert response.status_code == 403


def test_forms_need_the_csrf_token(personas: Personas, scene: Scene) -> None:
    # given
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.recruiter)

    # when
    response = client.post(
        f"/people/{scene.candidate.pk}/activities/", {"kind": "note", "body": "sneaky"}
    )

    # then
    assert response.status_code == 403
    assert not Activity.objects.filter(body="sneaky").exists()


# --- attachments ----------------------------------------------------------------------------


def test_upload_a_resume_and_preview_it_inline(personas: Personas, scene: Scene) -> None:
    # given
    client = client_for(personas.recruiter)
    upload = SimpleUploadedFile("cv.pdf", MINIMAL_PDF, content_type="application/pdf")

    # when
    response = client.post(
        f"/people/{scene.candidate.pk}/attachments/", {"file": upload, "kind": "resume"}, **HTMX
    )

    # then
    assert response.status_code == 200
    attachment = Attachment.objects.get(person=scene.candidate)
    preview = client.get(f"/attachments/{attachment.pk}/")
    assert b"<iframe" in preview.content
    assert preview["X-Frame-Options"] == "DENY"
    served = client.get(f"/attachments/{attachment.pk}/file/")
    assert served["Content-Disposition"].startswith("inline")
    assert served["X-Frame-Options"] == "SAMEORIGIN"
    assert b"".join(served.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]


def test_upload_of_a_refused_type_shows_the_reason(personas: Personas, scene: Scene) -> None:
    upload = SimpleUploadedFile("run.exe", b"MZ\x90\x00" + b"\x00" * 64)

    response = client_for(personas.recruiter).post(
        f"/people/{scene.candidate.pk}/attachments/", {"file": upload, "kind": "resume"}, **HTMX
    )

    assert response.status_code == 422
    assert b"Type not allowed" in response.content
    assert not Attachment.objects.exists()


def test_hiring_manager_cannot_open_files_of_people_outside_their_jobs(
    personas: Personas, scene: Scene
) -> None:
    # given
    upload = SimpleUploadedFile("cv.pdf", MINIMAL_PDF)
    client_for(personas.recruiter).post(
        f"/people/{scene.prospect.pk}/attachments/", {"file": upload, "kind": "resume"}
    )
    attachment = Attachment.objects.get(person=scene.prospect)

    # when
    response = client_for(personas.hiring_manager).get(f"/attachments/{attachment.pk}/file/")

    # then
    assert response.status_code == 404


# --- bulk actions and export ----------------------------------------------------------------


def test_bulk_tag_and_assign_owner(personas: Personas, scene: Scene) -> None:
    # given
    client = client_for(personas.recruiter)
    ids = [scene.candidate.pk, scene.prospect.pk]

    # when
    tagged = client.post("/people/bulk/", {"ids": ids, "action": "tag", "tag": "python"}, **HTMX)
    owned = client.post(
        "/people/bulk/", {"ids": ids, "action": "owner", "owner": personas.coordinator.pk}, **HTMX
    )

    # then
    assert tagged.status_code == owned.status_code == 200
    assert "people-changed" in tagged["HX-Trigger"]
    assert set(Person.objects.filter(tags__name="python").values_list("pk", flat=True)) == set(ids)
    assert set(Person.objects.filter(pk__in=ids).values_list("owner_id", flat=True)) == {
        personas.coordinator.pk
    }


def test_bulk_add_to_job_and_pool_skips_people_already_there(
    personas: Personas, scene: Scene
) -> None:
    # given
    client = client_for(personas.recruiter)
    pool = TalentPoolFactory(workspace=personas.workspace)
    ids = [scene.candidate.pk, scene.prospect.pk]

    # when
    to_job = client.post(
        "/people/bulk/", {"ids": ids, "action": "job", "job": scene.job.pk}, **HTMX
    )
    to_pool = client.post("/people/bulk/", {"ids": ids, "action": "pool", "pool": pool.pk}, **HTMX)

    # then
    assert "1 person already there" in to_job["HX-Trigger"]
    assert to_pool.status_code == 200
    assert Candidacy.objects.filter(job=scene.job).count() == 2
    assert Candidacy.objects.filter(pool=pool).count() == 2


@pytest.mark.parametrize("role", [Role.ANALYST, Role.HIRING_MANAGER])
def test_read_only_roles_cannot_run_bulk_actions(
    personas: Personas, scene: Scene, role: Role
) -> None:
    response = client_for(personas.by_role(role)).post(
        "/people/bulk/", {"ids": [scene.candidate.pk], "action": "tag", "tag": "x"}, **HTMX
    )

    assert response.status_code == 403
    assert not Person.objects.filter(tags__name="x").exists()


def test_bulk_action_on_someone_elses_person_is_refused(personas: Personas, scene: Scene) -> None:
    response = client_for(personas.recruiter).post(
        "/people/bulk/", {"ids": [scene.stranger.pk], "action": "tag", "tag": "x"}, **HTMX
    )

    assert response.status_code == 422
    assert not Person.objects.filter(tags__name="x").exists()


def test_export_selection_as_csv(personas: Personas, scene: Scene) -> None:
    # given
    Person.objects.filter(pk=scene.candidate.pk).update(headline="=HYPERLINK(1)")

    # when
    response = client_for(personas.recruiter).post(
        "/people/export.csv", {"ids": [scene.candidate.pk]}
    )

    # then
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [row["last_name"] for row in rows] == ["Lovelace"]
    assert rows[0]["headline"] == "'=HYPERLINK(1)"


@pytest.mark.parametrize("role", [Role.ANALYST, Role.COORDINATOR, Role.HIRING_MANAGER])
def test_export_is_refused_to_roles_without_export_rights(
    personas: Personas, scene: Scene, role: Role
) -> None:
    response = client_for(personas.by_role(role)).get("/people/export.csv")

    assert response.status_code == 403


# --- list: search, filters, pages, query counts ----------------------------------------------


def test_search_and_filters_narrow_the_list(personas: Personas, scene: Scene) -> None:
    # given
    client = client_for(personas.recruiter)
    fulltext.rebuild_index(personas.workspace.pk)  # factories skip the index upkeep of actions

    # when
    by_name = client.get(
        "/people/?q=lovelace", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="people-results"
    )
    by_stage = client.get(f"/people/?stage={Candidacy.objects.get().stage_id}")

    # then
    assert b"Ada Lovelace" in by_name.content
    assert b"Grace Hopper" not in by_name.content
    assert b"<html" not in by_name.content  # only the results fragment
    assert b"Ada Lovelace" in by_stage.content
    assert b"Grace Hopper" not in by_stage.content


def test_keyset_pages_walk_forward_and_back(personas: Personas) -> None:
    # given
    client = client_for(personas.recruiter)
    PersonFactory.create_batch(120, workspace=personas.workspace)

    # when
    first = client.get("/people/?sort=name")
    second = client.get("/people/?" + first.context["page"].next_query)
    back = client.get("/people/?" + second.context["page"].previous_query)

    # then
    first_ids = [p.pk for p in first.context["page"].items]
    second_ids = [p.pk for p in second.context["page"].items]
    assert len(first_ids) == len(second_ids) == 50
    assert not set(first_ids) & set(second_ids)
    assert [p.pk for p in back.context["page"].items] == first_ids
    assert not first.context["page"].has_previous


def test_people_list_query_count_is_bounded(
    personas: Personas, scene: Scene, django_assert_max_num_queries: object
) -> None:
    # given
    client = client_for(personas.recruiter)
    for person in PersonFactory.create_batch(60, workspace=personas.workspace):
        client.post("/people/bulk/", {"ids": [person.pk], "action": "tag", "tag": "x"}, **HTMX)

    # when / then
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        response = client.get("/people/?tag=1&sort=-engaged")
    assert response.status_code == 200


def test_profile_and_dashboard_query_counts_are_bounded(
    personas: Personas, scene: Scene, django_assert_max_num_queries: object
) -> None:
    # given
    client = client_for(personas.recruiter)
    for n in range(30):
        client.post(f"/people/{scene.candidate.pk}/activities/", {"kind": "note", "body": f"n{n}"})
    scene.candidate.owner = personas.recruiter
    scene.candidate.save()

    # when / then
    with django_assert_max_num_queries(20):  # type: ignore[operator]
        assert client.get(f"/people/{scene.candidate.pk}/").status_code == 200
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        assert client.get("/").status_code == 200
