"""Persona matrix and outcomes of the form management endpoints."""

from __future__ import annotations

import pytest

from talentloop.api.testing import ApiClient
from talentloop.conftest import Personas
from talentloop.core.models import Event
from talentloop.forms.models import Form
from talentloop.forms.tests.conftest import make_form, submit

pytestmark = pytest.mark.django_db
WRITERS = ["admin", "recruiter", "coordinator"]
READERS = ["hiring_manager", "analyst"]
NEW = {"name": "Meetup sign-up", "slug": "meetup", "fields": {"city": "required"},
       "consent_enabled": True, "consent_text": "Email me about events.",
       "consent_topic": "events", "tags": ["meetup", " meetup "]}  # fmt: skip


@pytest.mark.parametrize("persona", WRITERS)
def test_writers_create_change_list_and_deactivate_forms(personas: Personas, persona: str) -> None:
    api = ApiClient(getattr(personas, persona))

    created = api.post("/forms", NEW)

    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["url"] == f"/f/{personas.workspace.slug}/meetup/"
    assert body["tags"] == ["meetup"]
    assert body["fields"] == {"city": "required"}
    changed = api.patch(f"/forms/{body['id']}", {"name": "Meetups", "intro": "Hello"}).json()
    assert (changed["name"], changed["intro"], changed["slug"]) == ("Meetups", "Hello", "meetup")
    assert [item["id"] for item in api.get("/forms").json()["items"]] == [body["id"]]
    assert api.post(f"/forms/{body['id']}/deactivate").json()["active"] is False
    assert Form.objects.get(pk=body["id"]).active is False
    verbs = list(Event.objects.filter(subject_type="form").values_list("verb", flat=True))
    assert sorted(verbs) == ["form.created", "form.updated", "form.updated"]


def test_submissions_are_listed_newest_first(personas: Personas) -> None:
    form = make_form(personas)
    for email in ("one@example.com", "two@example.com"):
        submit(form, {"first_name": "Sam", "email": email})

    listed = ApiClient(personas.coordinator).get(f"/forms/{form.pk}/submissions").json()

    assert [item["answers"]["email"] for item in listed["items"]] == [
        "two@example.com", "one@example.com"
    ]  # fmt: skip
    assert all(item["person_id"] for item in listed["items"])


def test_bad_settings_are_refused_at_their_fields(personas: Personas) -> None:
    api = ApiClient(personas.admin)
    make_form(personas, slug="meetup")

    taken = api.post("/forms", NEW)
    bad = api.post("/forms", {**NEW, "slug": "Not a slug!", "consent_text": "",
                              "fields": {"salary": "optional"}})  # fmt: skip
    unknown = api.post("/forms", {**NEW, "slug": "other", "extra": 1})

    assert taken.status_code == 409
    assert taken.json()["error"]["fields"] == {"slug": "already used"}
    assert bad.status_code == 422
    assert "slug" in bad.json()["error"]["fields"]
    assert unknown.status_code == 422
    assert Form.objects.count() == 1


@pytest.mark.parametrize("persona", READERS)
def test_hiring_managers_and_analysts_get_403_everywhere(personas: Personas, persona: str) -> None:
    form = make_form(personas)
    api = ApiClient(getattr(personas, persona))

    assert api.get("/forms").status_code == 403
    assert api.post("/forms", {**NEW, "slug": "x"}).status_code == 403
    assert api.get(f"/forms/{form.pk}").status_code == 403
    assert api.patch(f"/forms/{form.pk}", {"name": "Mine"}).status_code == 403
    assert api.post(f"/forms/{form.pk}/deactivate").status_code == 403
    assert api.get(f"/forms/{form.pk}/submissions").status_code == 403
    form.refresh_from_db()
    assert (form.name, form.active, Form.objects.count()) == ("Talent community", True, 1)


def test_another_workspace_sees_nothing_and_gets_404(personas: Personas) -> None:
    form = make_form(personas)
    api = ApiClient(personas.outsider)

    assert api.get("/forms").json()["items"] == []
    assert api.get(f"/forms/{form.pk}").status_code == 404
    assert api.patch(f"/forms/{form.pk}", {"name": "Mine"}).status_code == 404
    assert api.post(f"/forms/{form.pk}/deactivate").status_code == 404
    assert api.get(f"/forms/{form.pk}/submissions").status_code == 404
    form.refresh_from_db()
    assert form.active is True


def test_a_source_of_another_workspace_is_refused(personas: Personas) -> None:
    from talentloop.people.models import Source

    foreign = Source.objects.create(workspace=personas.outsider.workspace, name="Board")

    refused = ApiClient(personas.admin).post("/forms", {**NEW, "source_id": foreign.pk})

    assert refused.status_code == 422
    assert refused.json()["error"]["fields"] == {"source_id": "no such source"}
