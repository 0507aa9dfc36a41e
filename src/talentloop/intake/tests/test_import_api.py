"""The imports API: the whole flow over HTTP, and who may use it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from talentloop.accounts.domain import Role, Scope
from talentloop.api.testing import ApiClient
from talentloop.conftest import Personas
from talentloop.intake.models import ImportBatch
from talentloop.people.models import Person

pytestmark = pytest.mark.django_db
CSV = b"Name,Email\nAda Lovelace,ada@example.com\nBroken,nope\n"


def post_file(client: ApiClient, data: bytes = CSV, name: str = "people.csv") -> Any:
    return client.upload("/imports", {"file": SimpleUploadedFile(name, data)})


def test_upload_map_preview_commit_report(
    personas: Personas, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    client = ApiClient(personas.coordinator)

    created = post_file(client)
    assert created.status_code == 201, created.json()
    batch = created.json()
    assert batch["mapping"] == {"0": "full_name", "1": "email"}
    mapped = client._send(
        "put",
        f"/imports/{batch['id']}/mapping",
        {"mapping": batch["mapping"], "options": {"tags": ["fair"]}},
        None,
        None,
    )
    assert mapped.status_code == 200, mapped.json()
    preview = client.post(f"/imports/{batch['id']}/preview").json()
    assert [line["action"] for line in preview] == ["created", "error"]
    assert preview[1]["problems"][0]["field"] == "email"
    assert not Person.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(f"/imports/{batch['id']}/commit")
    assert started.status_code == 202
    status = client.get(f"/imports/{batch['id']}").json()
    assert (status["status"], status["created_count"], status["failed_count"]) == ("done", 1, 1)
    assert status["percent_done"] == 100
    issues = client.get(f"/imports/{batch['id']}/issues").json()
    assert [(i["locator"], i["field"]) for i in issues["items"]] == [("row 3", "email")]
    assert client.post(f"/imports/{batch['id']}/commit").status_code == 409


def test_bad_files_answer_422_with_the_reason(personas: Personas) -> None:
    client = ApiClient(personas.admin)

    empty = post_file(client, b"", "empty.csv")
    binary = post_file(client, b"\x00\x01PK", "x.csv")

    assert empty.status_code == 422
    assert empty.json()["error"]["message"] == "the file is empty"
    assert binary.status_code == 422
    assert "not a text file" in binary.json()["error"]["message"]
    assert not ImportBatch.objects.exists()


def test_too_large_is_413(personas: Personas, settings: Any) -> None:
    settings.MAX_IMPORT_BYTES = 10
    response = post_file(ApiClient(personas.admin))
    assert response.status_code == 413


def test_bad_mapping_is_422(personas: Personas) -> None:
    client = ApiClient(personas.admin)
    batch = post_file(client).json()

    response = client._send(
        "put", f"/imports/{batch['id']}/mapping", {"mapping": {"0": "password"}}, None, None
    )

    assert response.status_code == 422
    assert "not something" in response.json()["error"]["message"]


@pytest.mark.parametrize("role", [Role.HIRING_MANAGER, Role.ANALYST])
def test_roles_that_cannot_import_get_403(personas: Personas, role: Role) -> None:
    batch = post_file(ApiClient(personas.admin)).json()
    client = ApiClient(personas.by_role(role))

    assert post_file(client).status_code == 403
    assert client.get("/imports").status_code == 403
    assert client.get(f"/imports/{batch['id']}").status_code == 403
    assert client.post(f"/imports/{batch['id']}/commit").status_code == 403


def test_another_workspace_gets_404(personas: Personas) -> None:
    batch = post_file(ApiClient(personas.admin)).json()
    outsider = ApiClient(personas.outsider)

    assert outsider.get(f"/imports/{batch['id']}").status_code == 404
    assert outsider.post(f"/imports/{batch['id']}/preview").status_code == 404
    assert outsider.get(f"/imports/{batch['id']}/issues").status_code == 404
    assert outsider.get("/imports").json() == []


def test_a_read_only_token_cannot_upload(personas: Personas) -> None:
    client = ApiClient(personas.admin, scopes=[Scope.READ])
    assert post_file(client).status_code == 403
    assert client.get("/imports").status_code == 200
