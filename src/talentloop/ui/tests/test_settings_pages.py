"""Settings pages: admins only; every change goes through the owning app's action."""

from __future__ import annotations

import pytest

from talentloop.accounts.actions import do_create_api_token, hash_token
from talentloop.accounts.domain import Role, Scope
from talentloop.accounts.models import ApiToken, User
from talentloop.conftest import Personas
from talentloop.core.models import Event
from talentloop.people.catalog_actions import do_create_source
from talentloop.people.models import CustomFieldDefinition, Source, SourceCost, Tag
from talentloop.recruiting.actions import do_add_candidacy
from talentloop.recruiting.models import PipelineTemplate, RejectionReason
from talentloop.testing.factories import JobFactory, PersonFactory, TagFactory
from talentloop.ui.tests.conftest import client_for

pytestmark = pytest.mark.django_db

PAGES = [
    "/settings/users/",
    "/settings/pipelines/",
    "/settings/tags/",
    "/settings/sources/",
    "/settings/fields/",
    "/settings/tokens/",
]
NOT_ADMINS = [Role.RECRUITER, Role.COORDINATOR, Role.HIRING_MANAGER, Role.ANALYST]


@pytest.mark.parametrize("path", PAGES)
def test_admins_open_every_settings_page(personas: Personas, path: str) -> None:
    response = client_for(personas.admin).get(path)

    assert response.status_code == 200
    assert b'aria-current="page"' in response.content


def test_settings_home_leads_to_users(personas: Personas) -> None:
    response = client_for(personas.admin).get("/settings/")

    assert response.status_code == 302
    assert response["Location"] == "/settings/users/"


@pytest.mark.parametrize("role", NOT_ADMINS)
def test_everyone_else_gets_403(personas: Personas, role: Role) -> None:
    # given
    client = client_for(personas.by_role(role))

    # then
    for path in PAGES:
        assert client.get(path).status_code == 403, path
    assert client.post("/settings/tags/", {"name": "x"}).status_code == 403
    assert (
        client.post("/settings/users/", {"email": "x@y.test", "role": "admin"}).status_code == 403
    )
    assert not Tag.objects.exists()
    assert not User.objects.filter(email="x@y.test").exists()


def test_other_workspace_records_are_404(personas: Personas) -> None:
    # given
    other_source = do_create_source(
        actor=None,
        workspace=personas.outsider.workspace,
        name="Theirs",  # type: ignore[arg-type]
    )
    other_tag = TagFactory(workspace=personas.outsider.workspace)
    client = client_for(personas.admin)

    # then
    assert client.get(f"/settings/sources/{other_source.pk}/").status_code == 404
    assert client.post(f"/settings/tags/{other_tag.pk}/", {"delete": "1"}).status_code == 404
    assert (
        client.post(
            f"/settings/users/{personas.outsider.pk}/role/", {"role": "analyst"}
        ).status_code
        == 404
    )
    assert Tag.objects.filter(pk=other_tag.pk).exists()


# --- users --------------------------------------------------------------------------------------


def test_admin_adds_a_user_with_a_role(personas: Personas) -> None:
    # when
    response = client_for(personas.admin).post(
        "/settings/users/",
        {"email": "New.Person@acme.test", "full_name": "New Person", "role": "coordinator"},
    )

    # then
    assert response.status_code == 302
    user = User.objects.get(email="new.person@acme.test")
    assert (user.role, user.workspace) == ("coordinator", personas.workspace)
    assert not user.has_usable_password()
    assert Event.objects.filter(verb="user.created").count() >= 1


def test_a_taken_email_shows_next_to_the_field(personas: Personas) -> None:
    response = client_for(personas.admin).post(
        "/settings/users/", {"email": "recruiter@acme.test", "role": "admin"}
    )

    assert response.status_code == 422
    assert b'id="id_email_error"' in response.content
    assert User.objects.get(email="recruiter@acme.test").role == "recruiter"


def test_admin_changes_a_role_but_not_their_own(personas: Personas) -> None:
    # given
    client = client_for(personas.admin)

    # when
    changed = client.post(f"/settings/users/{personas.analyst.pk}/role/", {"role": "recruiter"})
    own = client.post(f"/settings/users/{personas.admin.pk}/role/", {"role": "analyst"})

    # then
    assert changed.status_code == 302
    assert User.objects.get(pk=personas.analyst.pk).role == "recruiter"
    assert own.status_code == 422
    assert User.objects.get(pk=personas.admin.pk).role == "admin"


# --- pipelines ------------------------------------------------------------------------------------


def test_create_a_pipeline_then_rename_reorder_add_and_remove_stages(personas: Personas) -> None:
    # given
    client = client_for(personas.admin)
    created = client.post(
        "/settings/pipelines/",
        {"name": "Engineering", "kind": "job", "stages": "Applied\nTech screen\nOnsite\nHired"},
    )
    template = PipelineTemplate.objects.get(name="Engineering")
    assert created["Location"] == f"/settings/pipelines/{template.pk}/"

    # when: rename "Onsite", move it up, drop "Applied", add "Reference check"
    response = client.post(
        f"/settings/pipelines/{template.pk}/",
        {
            "name": "Engineering v2",
            "key": ["applied", "tech-screen", "onsite", "hired"],
            "name_applied": "Applied",
            "name_tech-screen": "Tech screen",
            "name_onsite": "Panel",
            "name_hired": "Hired",
            "remove": ["applied"],
            "move": "up:onsite",
            "new_stage": "Reference check",
        },
    )

    # then
    assert response.status_code == 302
    template.refresh_from_db()
    assert template.name == "Engineering v2"
    stages = [(s.key, s.name) for s in template.stages.order_by("position")]
    assert stages == [
        ("onsite", "Panel"),
        ("tech-screen", "Tech screen"),
        ("hired", "Hired"),
        ("reference-check", "Reference check"),
    ]


def test_a_stage_in_use_cannot_be_removed(personas: Personas) -> None:
    # given
    job = JobFactory(workspace=personas.workspace)
    do_add_candidacy(
        actor=personas.admin, person=PersonFactory(workspace=personas.workspace), job=job
    )
    keys = list(job.pipeline.stages.order_by("position").values_list("key", flat=True))

    # when
    response = client_for(personas.admin).post(
        f"/settings/pipelines/{job.pipeline.pk}/", {"name": "x", "key": keys, "remove": ["sourced"]}
    )

    # then
    assert response.status_code == 409
    assert b"move them first" in response.content
    assert job.pipeline.stages.filter(key="sourced").exists()


def test_a_job_pipeline_without_a_hired_stage_is_refused(personas: Personas) -> None:
    response = client_for(personas.admin).post(
        "/settings/pipelines/", {"name": "Broken", "kind": "job", "stages": "One\nTwo"}
    )

    assert response.status_code == 422
    assert b"one hired stage" in response.content
    assert not PipelineTemplate.objects.filter(name="Broken").exists()


def test_only_unused_pipelines_can_be_deleted(personas: Personas) -> None:
    # given
    client = client_for(personas.admin)
    client.post("/settings/pipelines/", {"name": "Spare", "kind": "pool", "stages": "A\nB"})
    spare = PipelineTemplate.objects.get(name="Spare")
    in_use = JobFactory(workspace=personas.workspace).pipeline

    # when
    refused = client.post(f"/settings/pipelines/{in_use.pk}/delete/", follow=True)
    deleted = client.post(f"/settings/pipelines/{spare.pk}/delete/")

    # then
    assert b"still use this pipeline" in refused.content
    assert PipelineTemplate.objects.filter(pk=in_use.pk).exists()
    assert deleted.status_code == 302
    assert not PipelineTemplate.objects.filter(pk=spare.pk).exists()


def test_add_a_rejection_reason(personas: Personas) -> None:
    response = client_for(personas.admin).post(
        "/settings/reasons/", {"name": "Visa issues", "kind": "rejected"}
    )

    assert response.status_code == 302
    assert RejectionReason.objects.filter(name="Visa issues", kind="rejected").exists()


# --- tags, sources, custom fields -------------------------------------------------------------


def test_tags_create_rename_delete(personas: Personas) -> None:
    # given
    client = client_for(personas.admin)

    # when
    client.post("/settings/tags/", {"name": "python"})
    tag = Tag.objects.get(name="python")
    duplicate = client.post("/settings/tags/", {"name": "python"})
    client.post(f"/settings/tags/{tag.pk}/", {"name": "Python 3"})
    renamed = Tag.objects.get(pk=tag.pk).name
    client.post(f"/settings/tags/{tag.pk}/", {"delete": "1"})

    # then
    assert duplicate.status_code == 422
    assert b'id="id_name_error"' in duplicate.content
    assert renamed == "Python 3"
    assert not Tag.objects.exists()


def test_sources_and_their_costs(personas: Personas) -> None:
    # given
    client = client_for(personas.admin)

    # when
    client.post("/settings/sources/", {"name": "LinkedIn", "kind": "social"})
    source = Source.objects.get(name="LinkedIn")
    bad_cost = client.post(
        f"/settings/sources/{source.pk}/costs/",
        {
            "amount": "-5",
            "currency": "EUR",
            "period_start": "2026-02-01",
            "period_end": "2026-01-01",
        },
    )
    client.post(
        f"/settings/sources/{source.pk}/costs/",
        {
            "amount": "1200.50",
            "currency": "EUR",
            "period_start": "2026-01-01",
            "period_end": "2026-03-31",
        },
    )
    page = client.get(f"/settings/sources/{source.pk}/")

    # then
    assert bad_cost.status_code == 422
    assert b'id="cost_amount_error"' in bad_cost.content
    assert b'id="cost_period_end_error"' in bad_cost.content
    cost = SourceCost.objects.get()
    assert str(cost.amount) == "1200.50"
    assert b"1200.50 EUR" in page.content

    # when: remove the cost, then the source
    client.post(f"/settings/sources/{source.pk}/costs/", {"delete": cost.pk})
    client.post(f"/settings/sources/{source.pk}/", {"delete": "1"})

    # then
    assert not SourceCost.objects.exists()
    assert not Source.objects.filter(pk=source.pk).exists()


def test_custom_fields_create_relabel_archive(personas: Personas) -> None:
    # given
    client = client_for(personas.admin)

    # when
    client.post(
        "/settings/fields/",
        {
            "label": "Notice period",
            "key": "notice_period",
            "field_type": "choice",
            "choices": "None, 1 month, 3 months",
        },
    )
    definition = CustomFieldDefinition.objects.get(key="notice_period")
    client.post(
        f"/settings/fields/{definition.pk}/", {"label": "Notice", "choices": "1 month, 2 months"}
    )
    definition.refresh_from_db()
    relabelled = (definition.label, definition.choices)
    client.post(f"/settings/fields/{definition.pk}/", {"archive": "1"})

    # then
    assert relabelled == ("Notice", ["1 month", "2 months"])
    assert CustomFieldDefinition.objects.get(pk=definition.pk).archived


def test_a_taken_custom_field_key_is_shown_inline(personas: Personas) -> None:
    client = client_for(personas.admin)
    client.post("/settings/fields/", {"label": "Visa", "key": "visa", "field_type": "text"})

    response = client.post(
        "/settings/fields/", {"label": "Visa 2", "key": "visa", "field_type": "text"}
    )

    assert response.status_code == 422
    assert b'id="id_key_error"' in response.content


# --- API tokens ----------------------------------------------------------------------------------


def test_token_secret_is_shown_once_and_only_its_hash_is_kept(personas: Personas) -> None:
    # given
    client = client_for(personas.admin)

    # when
    created = client.post(
        "/settings/tokens/",
        {"name": "Sync", "user": personas.recruiter.pk, "scopes": ["read", "write"]},
    )
    listing = client.get("/settings/tokens/")

    # then
    token = ApiToken.objects.get(name="Sync")
    secret = created.context["secret"]
    assert secret.encode() in created.content
    assert created["Cache-Control"] == "no-store"
    assert token.token_hash == hash_token(secret)
    assert (token.user, token.scopes) == (personas.recruiter, ["read", "write"])
    assert secret.encode() not in listing.content
    assert b"Sync" in listing.content


def test_a_token_needs_a_scope(personas: Personas) -> None:
    response = client_for(personas.admin).post(
        "/settings/tokens/", {"name": "Nothing", "user": personas.admin.pk}
    )

    assert response.status_code == 422
    assert not ApiToken.objects.exists()


def test_revoke_a_token(personas: Personas) -> None:
    # given
    token, _ = do_create_api_token(
        actor=personas.admin, user=personas.admin, name="Old", scopes=[Scope.READ]
    )

    # when
    response = client_for(personas.admin).post(f"/settings/tokens/{token.pk}/revoke/")

    # then
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_tokens_of_another_workspace_cannot_be_revoked(personas: Personas) -> None:
    token, _ = do_create_api_token(
        actor=personas.outsider, user=personas.outsider, name="Theirs", scopes=[Scope.READ]
    )

    response = client_for(personas.admin).post(f"/settings/tokens/{token.pk}/revoke/")

    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
