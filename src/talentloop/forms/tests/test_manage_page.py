"""Settings → Public forms: writers list, create and switch off forms; readers get a 403."""

from __future__ import annotations

import pytest
from django.test import Client

from talentloop.conftest import Personas
from talentloop.forms.models import Form
from talentloop.forms.tests.conftest import make_form

pytestmark = pytest.mark.django_db
PAGE = "/settings/forms/"
NEW = {"name": "Meetup", "slug": "meetup", "asked": ["city", "phone"], "required": ["city"],
       "consent_enabled": "on", "consent_text": "Email me about meetups.",
       "consent_topic": "events", "tags": "meetup, berlin"}  # fmt: skip


def signed_in(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


@pytest.mark.parametrize("persona", ["admin", "recruiter", "coordinator"])
def test_writers_create_a_form_from_settings(personas: Personas, persona: str) -> None:
    client = signed_in(getattr(personas, persona))

    created = client.post(PAGE, NEW)

    assert created.status_code == 302
    form = Form.objects.get()
    assert form.fields == {"city": "required", "phone": "optional"}
    assert (form.tags, form.consent_topic) == (["berlin", "meetup"], "events")
    listed = client.get(PAGE)
    assert f"/f/{personas.workspace.slug}/meetup/".encode() in listed.content
    assert b"Public forms" in listed.content


def test_a_taken_slug_is_shown_at_its_field(personas: Personas) -> None:
    make_form(personas, slug="meetup")

    refused = signed_in(personas.admin).post(PAGE, NEW)

    assert refused.status_code in {409, 422}
    assert b"Already used" in refused.content
    assert Form.objects.count() == 1


def test_switching_a_form_off(personas: Personas) -> None:
    form = make_form(personas)

    signed_in(personas.recruiter).post(f"/settings/forms/{form.pk}/deactivate/")

    form.refresh_from_db()
    assert form.active is False


@pytest.mark.parametrize("persona", ["hiring_manager", "analyst"])
def test_readers_get_403(personas: Personas, persona: str) -> None:
    form = make_form(personas)
    client = signed_in(getattr(personas, persona))

    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, NEW).status_code == 403
    assert client.post(f"/settings/forms/{form.pk}/deactivate/").status_code == 403
    form.refresh_from_db()
    assert (Form.objects.count(), form.active) == (1, True)


def test_another_workspace_cannot_switch_a_form_off(personas: Personas) -> None:
    form = make_form(personas)

    response = signed_in(personas.outsider).post(f"/settings/forms/{form.pk}/deactivate/")

    assert response.status_code == 404
    form.refresh_from_db()
    assert form.active is True
