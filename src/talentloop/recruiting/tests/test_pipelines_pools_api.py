"""/pipeline-templates, /pools and /rejection-reasons over REST: roles, scoping, bad input."""

from __future__ import annotations

import pytest

from talentloop.recruiting.actions import do_add_candidacy
from talentloop.recruiting.models import PipelineTemplate, RejectionReason, TalentPool
from talentloop.testing.factories import JobFactory, PersonFactory, TalentPoolFactory

ROLES = ["admin", "recruiter", "coordinator", "hiring_manager", "analyst"]
STAGES = [
    {"name": "New"},
    {"key": "call", "name": "Phone call"},
    {"name": "Hired", "category": "hired"},
]


# --- pipeline templates -----------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_everyone_reads_pipeline_templates(personas, api_as, role):
    # when
    response = api_as(getattr(personas, role)).get("/pipeline-templates", kind="job")

    # then
    assert response.status_code == 200
    [template] = response.json()["items"]
    assert [stage["key"] for stage in template["stages"]][:2] == ["sourced", "contacted"]


@pytest.mark.parametrize(("role", "status"), [("admin", 201), *[(r, 403) for r in ROLES[1:]]])
def test_only_admins_create_pipeline_templates(personas, api_as, role, status):
    # when
    response = api_as(getattr(personas, role)).post(
        "/pipeline-templates", {"name": "Engineering", "kind": "job", "stages": STAGES}
    )

    # then
    assert response.status_code == status
    created = PipelineTemplate.objects.filter(name="Engineering")
    assert created.exists() == (status == 201)
    if status == 201:
        stages = response.json()["stages"]
        assert [(s["key"], s["position"], s["category"]) for s in stages] == [
            ("new", 0, "active"),
            ("call", 1, "active"),
            ("hired", 2, "hired"),
        ]


@pytest.mark.parametrize("role", ROLES[1:])
def test_only_admins_change_or_delete_pipeline_templates(personas, api_as, role):
    # given
    template = PipelineTemplate.objects.get(workspace=personas.workspace, kind="pool")
    api = api_as(getattr(personas, role))

    # when
    patched = api.patch(f"/pipeline-templates/{template.pk}", {"name": "Renamed"})
    deleted = api.delete(f"/pipeline-templates/{template.pk}")

    # then
    assert (patched.status_code, deleted.status_code) == (403, 403)
    template.refresh_from_db()
    assert template.name == "Talent pool"


def test_admin_reorders_stages_and_deletes_an_unused_template(personas, api_as):
    # given
    api = api_as(personas.admin)
    template_id = api.post(
        "/pipeline-templates", {"name": "Eng", "kind": "job", "stages": STAGES}
    ).json()["id"]

    # when
    patched = api.patch(
        f"/pipeline-templates/{template_id}",
        {"stages": [STAGES[1], STAGES[0], STAGES[2]], "name": "Engineering"},
    )
    deleted = api.delete(f"/pipeline-templates/{template_id}")

    # then
    assert patched.status_code == 200
    assert patched.json()["name"] == "Engineering"
    assert [stage["key"] for stage in patched.json()["stages"]] == ["call", "new", "hired"]
    assert deleted.status_code == 204
    assert not PipelineTemplate.objects.filter(pk=template_id).exists()


def test_deleting_a_template_in_use_is_a_conflict(personas, api_as):
    job = JobFactory(workspace=personas.workspace)
    response = api_as(personas.admin).delete(f"/pipeline-templates/{job.pipeline_id}")
    assert response.status_code == 409


def test_outsider_gets_404_for_a_foreign_template(personas, api_as):
    template = PipelineTemplate.objects.get(workspace=personas.workspace, kind="job")
    api = api_as(personas.outsider)
    assert api.get(f"/pipeline-templates/{template.pk}").status_code == 404
    assert api.patch(f"/pipeline-templates/{template.pk}", {"name": "x"}).status_code == 404
    assert api.delete(f"/pipeline-templates/{template.pk}").status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "X", "kind": "job", "stages": []}, "stages"),
        ({"name": "X", "kind": "job", "stages": [{"name": "Only"}]}, "stages"),
        ({"name": "X", "kind": "job", "stages": [{"name": "A", "category": "won"}]}, "stages"),
        ({"name": "X", "kind": "team", "stages": STAGES}, "kind"),
        ({"name": "X", "stages": STAGES, "colour": "red"}, "colour"),
        ({"name": " ", "stages": STAGES}, "name"),
        ({"name": "X", "stages": [{"name": "!!"}, *STAGES]}, "stages.0.key"),
    ],
)
def test_bad_pipeline_input_is_a_422_naming_the_field(personas, api_as, body, field):
    # when
    response = api_as(personas.admin).post("/pipeline-templates", body)

    # then
    assert response.status_code == 422
    fields = response.json()["error"]["fields"]
    assert any(name.startswith(field) for name in fields), fields
    assert PipelineTemplate.objects.filter(workspace=personas.workspace).count() == 2


# --- pools ------------------------------------------------------------------------------------


@pytest.fixture
def pool(personas):
    return TalentPoolFactory(workspace=personas.workspace, name="Silver medallists")


@pytest.mark.parametrize(
    ("role", "visible"),
    [("admin", 1), ("recruiter", 1), ("coordinator", 1), ("analyst", 1), ("hiring_manager", 0)],
)
def test_pool_list_and_detail_by_role(personas, api_as, pool, role, visible):
    # given
    api = api_as(getattr(personas, role))

    # when
    listed = api.get("/pools").json()["items"]
    detail = api.get(f"/pools/{pool.pk}")

    # then
    assert len(listed) == visible
    assert detail.status_code == (200 if visible else 404)


def test_outsider_sees_no_foreign_pool(personas, api_as, pool):
    api = api_as(personas.outsider)
    assert api.get("/pools").json()["items"] == []
    assert api.get(f"/pools/{pool.pk}").status_code == 404
    assert api.delete(f"/pools/{pool.pk}").status_code == 404
    assert TalentPool.objects.filter(pk=pool.pk).exists()


@pytest.mark.parametrize("role", ["admin", "recruiter", "coordinator"])
def test_writers_manage_pools(personas, api_as, role):
    # given
    api = api_as(getattr(personas, role))

    # when
    created = api.post("/pools", {"name": "Frontend", "owner_id": personas.recruiter.pk})
    pool_id = created.json()["id"]
    patched = api.patch(f"/pools/{pool_id}", {"description": "React people"})
    deleted = api.delete(f"/pools/{pool_id}")

    # then
    assert (created.status_code, patched.status_code, deleted.status_code) == (201, 200, 204)
    assert created.json()["owner_id"] == personas.recruiter.pk
    assert patched.json()["description"] == "React people"


@pytest.mark.parametrize(("role", "status"), [("analyst", 403), ("hiring_manager", 403)])
def test_read_only_roles_cannot_create_pools(personas, api_as, role, status):
    response = api_as(getattr(personas, role)).post("/pools", {"name": "Frontend"})
    assert response.status_code == status
    assert not TalentPool.objects.filter(name="Frontend").exists()


def test_analyst_cannot_change_or_delete_a_pool(personas, api_as, pool):
    api = api_as(personas.analyst)
    assert api.patch(f"/pools/{pool.pk}", {"name": "x"}).status_code == 403
    assert api.delete(f"/pools/{pool.pk}").status_code == 403


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "P", "pipeline_id": "JOB_PIPELINE"}, "pipeline_id"),
        ({"name": "P", "owner_id": "OUTSIDER"}, "owner_id"),
        ({"name": " "}, "name"),
        ({}, "name"),
    ],
)
def test_bad_pool_input_is_422(personas, api_as, body, field):
    # given
    values = {
        "JOB_PIPELINE": PipelineTemplate.objects.get(workspace=personas.workspace, kind="job").pk,
        "OUTSIDER": personas.outsider.pk,
    }
    payload = {name: values.get(value, value) for name, value in body.items()}

    # when
    response = api_as(personas.recruiter).post("/pools", payload)

    # then
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]


def test_pool_candidacies(personas, api_as, pool):
    # given
    candidacy = do_add_candidacy(
        actor=personas.recruiter, person=PersonFactory(workspace=personas.workspace), pool=pool
    )

    # when
    response = api_as(personas.analyst).get(f"/pools/{pool.pk}/candidacies")

    # then
    assert [item["id"] for item in response.json()["items"]] == [candidacy.pk]
    assert api_as(personas.hiring_manager).get(f"/pools/{pool.pk}/candidacies").status_code == 404


# --- rejection reasons ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_everyone_lists_rejection_reasons(personas, api_as, role):
    response = api_as(getattr(personas, role)).get("/rejection-reasons", kind="withdrawn")
    assert response.status_code == 200
    assert {item["kind"] for item in response.json()["items"]} == {"withdrawn"}


@pytest.mark.parametrize(("role", "status"), [("admin", 201), *[(r, 403) for r in ROLES[1:]]])
def test_only_admins_create_rejection_reasons(personas, api_as, role, status):
    # when
    response = api_as(getattr(personas, role)).post(
        "/rejection-reasons", {"name": "Visa", "kind": "rejected"}
    )

    # then
    assert response.status_code == status
    assert RejectionReason.objects.filter(name="Visa").exists() == (status == 201)


def test_outsider_never_sees_our_reasons(personas, api_as):
    # given
    api_as(personas.admin).post("/rejection-reasons", {"name": "Visa"})

    # when
    names = [
        item["name"] for item in api_as(personas.outsider).get("/rejection-reasons").json()["items"]
    ]

    # then
    assert "Visa" not in names


@pytest.mark.parametrize(
    "body", [{"name": ""}, {"name": "X", "kind": "fired"}, {"kind": "rejected"}]
)
def test_bad_reason_input_is_422(personas, api_as, body):
    assert api_as(personas.admin).post("/rejection-reasons", body).status_code == 422
