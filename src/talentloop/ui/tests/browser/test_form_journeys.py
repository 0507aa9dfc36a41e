"""A visitor fills in a public form in Chromium: errors first, then the thank-you page."""

from __future__ import annotations

from typing import Any

import pytest

from talentloop.conftest import Personas
from talentloop.forms.models import Form, FormSubmission
from talentloop.forms.tests.conftest import CONSENT_WORDING, make_form, page_of
from talentloop.outreach.models import ContactBasis
from talentloop.people.models import Person
from talentloop.ui.tests.browser.conftest import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_visitor_fixes_an_error_and_signs_up(
    page: Any,
    live_server: Any,
    personas: Personas,
) -> None:
    form = make_form(
        personas, intro="Hear first about new roles at Acme.", consent_enabled=True,
        consent_text=CONSENT_WORDING,
    )  # fmt: skip
    page.goto(f"{live_server.url}{page_of(form)}")
    screenshot(page, "form-public")

    page.get_by_role("textbox", name="Email", exact=True).fill("not an address")
    page.get_by_role("button", name="Send").click()
    page.get_by_text("required").first.wait_for()
    screenshot(page, "form-public-errors")
    assert not Person.objects.exists()

    page.get_by_role("textbox", name="First name").fill("Grace")
    page.get_by_role("textbox", name="Email", exact=True).fill("grace@example.com")
    page.get_by_label(CONSENT_WORDING).check()
    page.get_by_role("button", name="Send").click()
    page.get_by_role("heading", name="Thank you").wait_for()
    screenshot(page, "form-public-thanks")

    person = Person.objects.get()
    assert person.first_name == "Grace"
    assert FormSubmission.objects.get().consent_given is True
    assert ContactBasis.objects.get(person=person).basis == "consent"


def test_a_recruiter_creates_a_form_in_settings(
    page: Any,
    live_server: Any,
    personas: Personas,
) -> None:
    make_form(personas, slug="community")
    login(page, live_server, personas.recruiter)
    page.goto(f"{live_server.url}/settings/forms/")

    page.get_by_role("textbox", name="Name").fill("Meetup sign-up")
    page.get_by_role("textbox", name="Slug").fill("meetup")
    page.get_by_label("Ask for City").check()
    page.get_by_role("button", name="Create form").click()
    page.get_by_role("link", name=f"/f/{personas.workspace.slug}/meetup/").wait_for()
    screenshot(page, "form-settings")

    assert Form.objects.get(slug="meetup").fields == {"city": "optional"}
