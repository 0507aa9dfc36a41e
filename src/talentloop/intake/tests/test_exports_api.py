"""GET /api/v1/exports/people, the people page's export and `talentloop export`: who gets what."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from talentloop.accounts.domain import Scope
from talentloop.api.testing import ApiClient
from talentloop.cli import main
from talentloop.core.models import Event
from talentloop.intake.formats import jsonresume, vcard
from talentloop.recruiting.actions import do_add_candidacy
from talentloop.search.actions import do_create_segment
from talentloop.testing.factories import JobFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def crowd(personas):
    workspace = personas.workspace
    berlin = PersonFactory(workspace=workspace, first_name="Ada", last_name="B", city="Berlin")
    paris = PersonFactory(workspace=workspace, first_name="Grace", last_name="P", city="Paris")
    stranger = PersonFactory(workspace=personas.outsider.workspace, first_name="Stranger")
    segment = do_create_segment(
        actor=personas.admin, workspace=workspace, name="Berlin", query="city:Berlin"
    )
    return {"berlin": berlin, "paris": paris, "stranger": stranger, "segment": segment}


def _body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.mark.parametrize("persona", ["admin", "recruiter"])
@pytest.mark.parametrize("export_format", ["csv", "xlsx", "jsonresume", "jsonresume-zip", "vcard"])
def test_exporters_download_a_selection_in_every_format(personas, crowd, persona, export_format):
    api = ApiClient(getattr(personas, persona), scopes=[Scope.READ, Scope.EXPORT])
    ids = [crowd["berlin"].pk, crowd["paris"].pk]

    response = api.get("/exports/people", {"format": export_format, "ids": ids})

    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"].startswith('attachment; filename="people.')
    body = _body(response)
    assert body
    assert Event.objects.get(verb="people.exported").data["count"] == 2


def test_a_segment_exports_only_its_members(personas, crowd):
    api = ApiClient(personas.recruiter, scopes=[Scope.READ, Scope.EXPORT])

    response = api.get("/exports/people", {"format": "vcard", "segment_id": crowd["segment"].pk})

    assert response.status_code == 200
    assert f"segment-{crowd['segment'].pk}.vcf" in response["Content-Disposition"]
    drafts = vcard.read(_body(response))
    assert [d.fields["first_name"] for d in drafts] == ["Ada"]
    event = Event.objects.get(verb="people.exported")
    assert event.data == {"format": "vcard", "count": 1, "segment_id": crowd["segment"].pk}
    assert event.subject_type == "segment"


def test_json_resume_download_validates(personas, crowd):
    api = ApiClient(personas.admin)
    response = api.get("/exports/people", {"format": "jsonresume", "ids": [crowd["paris"].pk]})
    (document,) = json.loads(_body(response))
    assert jsonresume.validate(document) == []
    assert document["basics"]["name"] == "Grace P"


@pytest.mark.parametrize("persona", ["coordinator", "hiring_manager", "analyst"])
def test_roles_that_may_not_export_personal_data_get_403(personas, crowd, persona):
    job = JobFactory(workspace=personas.workspace, hiring_manager=personas.hiring_manager)
    do_add_candidacy(actor=personas.admin, person=crowd["berlin"], job=job)
    api = ApiClient(getattr(personas, persona), scopes=[Scope.READ, Scope.EXPORT])

    for params in ({"ids": [crowd["berlin"].pk]}, {"segment_id": crowd["segment"].pk}):
        response = api.get("/exports/people", {"format": "csv", **params})
        assert response.status_code == 403
        assert response.json()["error"]["code"] == "forbidden"
    assert not Event.objects.filter(verb="people.exported").exists()


def test_a_token_without_the_export_scope_gets_403(personas, crowd):
    api = ApiClient(personas.admin, scopes=[Scope.READ, Scope.WRITE])
    response = api.get("/exports/people", {"ids": [crowd["berlin"].pk]})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"


def test_another_workspaces_people_and_segments_are_404(personas, crowd):
    outsider = ApiClient(personas.outsider)
    assert outsider.get("/exports/people", {"ids": [crowd["berlin"].pk]}).status_code == 404
    segment = crowd["segment"].pk
    assert outsider.get("/exports/people", {"segment_id": segment}).status_code == 404
    mixed = ApiClient(personas.admin).get(
        "/exports/people", {"ids": [crowd["berlin"].pk, crowd["stranger"].pk]}
    )
    assert mixed.status_code == 404
    assert not Event.objects.filter(verb="people.exported").exists()


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "ids"),
        ({"ids": [1], "segment_id": 1}, "ids"),
        ({"ids": [1], "format": "pdf"}, "format"),
        ({"ids": ["x"]}, "ids"),
    ],
)
def test_bad_requests_are_422_naming_the_field(personas, crowd, params, field):
    response = ApiClient(personas.admin).get("/exports/people", params)
    assert response.status_code == 422
    assert field in json.dumps(response.json()["error"])


def test_no_credentials_is_401(client, crowd):
    assert client.get("/api/v1/exports/people", {"ids": [crowd["berlin"].pk]}).status_code == 401


# --- the people page ----------------------------------------------------------------------------


def test_the_people_page_offers_every_format(client, personas, crowd):
    client.force_login(personas.recruiter)
    page = client.get("/people/").content.decode()
    for export_format in ("csv", "xlsx", "jsonresume", "jsonresume-zip", "vcard"):
        assert f"format={export_format}" in page
        assert f'<option value="{export_format}">' in page


def test_the_page_exports_matching_people_as_a_vcard(client, personas, crowd):
    client.force_login(personas.recruiter)
    response = client.get("/people/export.csv", {"q": "city:Paris", "format": "vcard"})
    assert response.status_code == 200
    assert [d.fields["first_name"] for d in vcard.read(_body(response))] == ["Grace"]


def test_the_page_exports_ticked_people_as_xlsx(client, personas, crowd):
    client.force_login(personas.admin)
    response = client.post("/people/export.csv", {"ids": [crowd["berlin"].pk], "format": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(_body(response)), read_only=True)["People"]
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["Ada"]


def test_the_page_refuses_analysts_and_unknown_formats(client, personas, crowd):
    client.force_login(personas.analyst)
    assert client.get("/people/export.csv", {"format": "vcard"}).status_code == 403
    client.force_login(personas.admin)
    assert client.get("/people/export.csv", {"format": "pdf"}).status_code == 422


# --- the command line ---------------------------------------------------------------------------


def test_cli_exports_a_segment_to_a_file(personas, crowd, tmp_path, capsys):
    out = tmp_path / "berlin.vcf"
    segment = str(crowd["segment"].pk)

    code = main(
        [
            "export",
            "--user",
            "recruiter@acme.test",
            "--format",
            "vcard",
            "--segment",
            segment,
            str(out),
        ]
    )

    assert code == 0
    assert [d.fields["first_name"] for d in vcard.read(out.read_bytes())] == ["Ada"]
    assert "Exported 1 people" in capsys.readouterr().err


def test_cli_refuses_roles_without_export_rights_and_writes_nothing(
    personas, crowd, tmp_path, capsys
):
    out = tmp_path / "all.csv"

    code = main(["export", "--user", "analyst@acme.test", "--format", "csv", str(out)])

    assert code == 2
    assert "cannot export personal data" in capsys.readouterr().err
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_cli_names_a_missing_folder_and_an_unknown_user(personas, crowd, tmp_path, capsys):
    missing = tmp_path / "nope" / "x.csv"
    assert main(["export", "--user", "admin@acme.test", "--format", "csv", str(missing)]) == 2
    assert "folder does not exist" in capsys.readouterr().err
    assert (
        main(["export", "--user", "ghost@acme.test", "--format", "csv", str(tmp_path / "x")]) == 2
    )
    assert "no active user" in capsys.readouterr().err
