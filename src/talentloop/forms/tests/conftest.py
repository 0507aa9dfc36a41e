"""Forms fixtures: a sign-up form of the personas' workspace, and a browser-like client."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from talentloop.conftest import Personas
from talentloop.forms.actions import do_create_form
from talentloop.forms.models import Form

CONSENT_WORDING = "Yes, Acme may email me about jobs for two years."


def make_form(personas: Personas, **values: Any) -> Form:
    values.setdefault("name", "Talent community")
    values.setdefault("slug", "community")
    values.setdefault(
        "fields",
        {"first_name": "required", "last_name": "optional", "phone": "optional",
         "country": "optional", "url": "optional", "message": "optional"},
    )  # fmt: skip
    return do_create_form(actor=personas.recruiter, values=values)


@pytest.fixture
def form(personas: Personas) -> Form:
    return make_form(
        personas, consent_enabled=True, consent_text=CONSENT_WORDING, consent_topic="newsletter",
        tags=["community"],
    )  # fmt: skip


def page_of(form: Form) -> str:
    return f"/f/{form.workspace.slug}/{form.slug}/"


def submit(form: Form, answers: dict[str, str], client: Client | None = None) -> Any:
    """Open the page as a browser does (CSRF cookie and token), then post the answers."""
    browser = client or Client(enforce_csrf_checks=True)
    opened = browser.get(page_of(form))
    assert opened.status_code == 200
    token = opened.context["csrf_token"]
    return browser.post(page_of(form), {"csrfmiddlewaretoken": str(token), **answers})
