"""Import pages over HTTP: the journey, htmx fragments, and who may open them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from talentloop.accounts.domain import Role
from talentloop.conftest import Personas
from talentloop.intake.models import BatchStatus, FieldReview, ImportBatch
from talentloop.people.models import Person
from talentloop.ui.tests.conftest import client_for

pytestmark = pytest.mark.django_db
CSV = b"Name,Email,Team\nAda Lovelace,ada@example.com,Math\nBroken,nope,\n"


def upload(client: Any, data: bytes = CSV, name: str = "people.csv") -> Any:
    return client.post("/people/import/", {"file": SimpleUploadedFile(name, data)})


def mapping_form(**extra: Any) -> dict[str, Any]:
    form = {"col_0": "full_name", "col_1": "email", "col_2": "", "match_on": ["email"]}
    form.update(update_existing="on", tags="fair", **extra)
    return form


def test_upload_map_preview_start_and_report(
    personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    client = client_for(personas.recruiter)

    uploaded = upload(client)
    assert uploaded.status_code == 302
    batch = ImportBatch.objects.get()
    page = client.get(uploaded["Location"])
    assert page.status_code == 200
    assert b"Map the columns" in page.content
    assert b"ada@example.com" in page.content  # examples read from the file, not stored

    preview = client.post(
        f"/people/import/{batch.pk}/preview/", mapping_form(), headers={"HX-Request": "true"}
    )
    assert preview.status_code == 200
    assert b"1 would not be imported" in preview.content
    assert b"not a valid email" in preview.content
    assert not Person.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(f"/people/import/{batch.pk}/start/", mapping_form())
    assert started.status_code == 302
    report = client.get(f"/people/import/{batch.pk}/")
    assert b"Report" in report.content
    assert b"row 3" in report.content
    assert Person.objects.get().tags.get().name == "fair"
    finished = client.get(f"/people/import/{batch.pk}/progress/", headers={"HX-Request": "true"})
    assert finished["HX-Refresh"] == "true"


def test_a_bad_file_shows_why_and_keeps_nothing(personas: Personas) -> None:
    response = upload(client_for(personas.admin), b"", "empty.csv")

    assert response.status_code == 422
    assert b"the file is empty" in response.content.lower()
    assert not ImportBatch.objects.exists()


def test_progress_polls_while_running(personas: Personas) -> None:
    client = client_for(personas.coordinator)
    upload(client)
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.RUNNING, processed_rows=1, total_rows=2
    )

    fragment = client.get(f"/people/import/{batch.pk}/progress/", headers={"HX-Request": "true"})

    assert fragment.status_code == 200
    assert b'value="50"' in fragment.content
    assert b'hx-trigger="every 1s"' in fragment.content


def test_starting_without_a_match_key_is_refused(personas: Personas) -> None:
    client = client_for(personas.admin)
    upload(client)
    batch = ImportBatch.objects.get()

    response = client.post(f"/people/import/{batch.pk}/start/", mapping_form(match_on=[]))

    assert response.status_code == 422
    batch.refresh_from_db()
    assert batch.status == BatchStatus.MAPPING


@pytest.mark.parametrize("role", [Role.HIRING_MANAGER, Role.ANALYST])
def test_roles_that_cannot_import_get_403(personas: Personas, role: Role) -> None:
    upload(client_for(personas.admin))
    batch = ImportBatch.objects.get()
    client = client_for(personas.by_role(role))

    assert client.get("/people/import/").status_code == 403
    assert client.get(f"/people/import/{batch.pk}/").status_code == 403
    assert upload(client).status_code == 403
    assert b'href="/people/import/"' not in client.get("/people/").content


def test_another_workspace_gets_404(personas: Personas) -> None:
    upload(client_for(personas.admin))
    batch = ImportBatch.objects.get()
    outsider = client_for(personas.outsider)

    assert outsider.get(f"/people/import/{batch.pk}/").status_code == 404
    assert outsider.post(f"/people/import/{batch.pk}/start/", mapping_form()).status_code == 404


GRACE = b"Grace Hopper\nRear Admiral\ngrace@example.com\n\nProjects\nI wrote compilers in COBOL.\n"


def test_review_page_accepts_a_parsed_value(
    personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    client = client_for(personas.recruiter)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/people/import/",
            {"file": SimpleUploadedFile("grace.txt", GRACE), "source_kind": "resumes"},
        )
        batch = ImportBatch.objects.get()
        client.post(f"/people/import/{batch.pk}/start/", {"match_on": ["email"]})
    review = FieldReview.objects.get()

    page = client.get("/people/import/review/")
    accepted = client.post(f"/people/import/review/{review.pk}/accept/")

    assert b"COBOL" in page.content
    assert accepted.status_code == 302
    assert [s.name for s in Person.objects.get().skills.all()] == ["COBOL"]
    assert client_for(personas.analyst).get("/people/import/review/").status_code == 403
    assert client.post(f"/people/import/review/{review.pk}/accept/").status_code == 404


def test_several_resumes_chosen_at_once_become_one_batch(
    personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    client = client_for(personas.recruiter)
    files = [
        SimpleUploadedFile("ada.txt", b"Ada Lovelace\nEngineer\nada@example.com\n"),
        SimpleUploadedFile("broken.pdf", b"%PDF-1.4 broken"),
    ]

    response = client.post("/people/import/", {"folder": files})
    batch = ImportBatch.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/people/import/{batch.pk}/start/", {"match_on": ["email"]})

    assert response.status_code == 302
    batch.refresh_from_db()
    assert (batch.source_kind, batch.total_rows) == ("resumes", 2)
    assert (batch.created_count, batch.failed_count) == (1, 1)


def test_an_interrupted_import_is_resumed_from_its_page(
    personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    from talentloop.intake import leases

    client = client_for(personas.recruiter)
    upload(client)
    batch = ImportBatch.objects.get()
    client.post(
        f"/people/import/{batch.pk}/preview/", mapping_form(), headers={"HX-Request": "true"}
    )
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.INTERRUPTED, error=leases.INTERRUPTED_MESSAGE
    )
    page = client.get(f"/people/import/{batch.pk}/")
    assert b"Resume the import" in page.content
    assert (
        client_for(personas.analyst).post(f"/people/import/{batch.pk}/resume/").status_code == 403
    )

    with django_capture_on_commit_callbacks(execute=True):
        resumed = client.post(f"/people/import/{batch.pk}/resume/")

    assert resumed.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    assert Person.objects.filter(workspace=personas.workspace, last_name="Lovelace").exists()
    again = client.post(f"/people/import/{batch.pk}/resume/", follow=True)
    assert b"Only an interrupted import can be resumed" in again.content
