from __future__ import annotations

import pytest
import time_machine
from django.test import Client

from talentloop.outreach.sequence_models import Enrollment, Sequence
from talentloop.outreach.tests.conftest import make_contactable
from talentloop.outreach.tests.sequence_helpers import TUESDAY_10_UTC, email, make_sequence
from talentloop.testing.factories import PASSWORD, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(TUESDAY_10_UTC, tick=False):
        yield


def signed_in(user) -> Client:
    client = Client()
    assert client.login(email=user.email, password=PASSWORD)
    return client


def test_the_builder_saves_a_sequence_and_shows_step_errors(personas, local_mailbox, template):
    client = signed_in(personas.recruiter)
    assert client.get("/sequences/new/").status_code == 200
    form = {
        "name": "Backend",
        "mailbox_id": local_mailbox.pk,
        "business_start": "09:00",
        "business_end": "17:00",
        "business_days": ["0", "1", "2", "3", "4"],
        "step_rows": "4",
        "step-0-kind": "email",
        "step-0-template_id": template.pk,
        "step-1-kind": "wait",
        "step-1-wait_days": "0",
        "step-3-kind": "",
    }

    refused = client.post("/sequences/new/", form)
    assert refused.status_code == 422
    assert b"steps.2.wait_days" in refused.content

    form["step-1-wait_days"] = "3"
    saved = client.post("/sequences/new/", form)
    sequence = Sequence.objects.get(name="Backend")
    assert saved.status_code == 302
    assert list(sequence.steps.values_list("kind", flat=True)) == ["email", "wait"]
    page = client.get(f"/sequences/{sequence.pk}/")
    assert b"Wait</strong> 3 business days" in page.content
    listed = client.get("/sequences/")
    assert b"Backend" in listed.content
    assert client.get(f"/sequences/{sequence.pk}/edit/").status_code == 200


def test_enrol_from_a_profile_with_preview_then_pause_from_the_profile(
    personas, local_mailbox, template
):
    client = signed_in(personas.recruiter)
    person = make_contactable(personas.recruiter, personas.workspace, first_name="Ada")
    sequence = make_sequence(personas.recruiter, local_mailbox, [email(template)])

    preview = client.get(f"/sequences/{sequence.pk}/enrol/", {"person": person.pk})
    assert preview.status_code == 200
    assert b"1 will be enrolled" in preview.content
    assert not Enrollment.objects.exists()

    client.post(f"/sequences/{sequence.pk}/enrol/", {"person": person.pk})
    enrollment = Enrollment.objects.get(person=person)
    card = client.get(f"/people/{person.pk}/sequences/")
    assert sequence.name.encode() in card.content
    assert b"enrolled" in card.content

    client.post(f"/enrolments/{enrollment.pk}/pause/")
    enrollment.refresh_from_db()
    assert enrollment.state == "paused"
    profile = client.get(f"/people/{person.pk}/")
    assert f'hx-get="/people/{person.pk}/sequences/"'.encode() in profile.content


def test_enrol_from_a_search_shows_who_is_skipped_and_why(personas, local_mailbox, template):
    client = signed_in(personas.recruiter)
    make_contactable(personas.recruiter, personas.workspace, first_name="Zed", last_name="Ready")
    PersonFactory(workspace=personas.workspace, first_name="Zed", last_name="Nobasis",
                  primary_email="nb@example.com")  # fmt: skip
    sequence = make_sequence(personas.recruiter, local_mailbox, [email(template)])

    preview = client.get(f"/sequences/{sequence.pk}/enrol/", {"q": "first_name:Zed"})

    assert preview.status_code == 200
    assert b"1 will be enrolled" in preview.content
    assert b"No lawful basis" in preview.content


def test_readers_see_no_enrol_actions_and_cannot_post(personas, local_mailbox, template):
    sequence = make_sequence(personas.recruiter, local_mailbox, [email(template)])
    person = make_contactable(personas.recruiter, personas.workspace)
    client = signed_in(personas.analyst)

    page = client.get(f"/sequences/{sequence.pk}/")
    assert page.status_code == 200
    assert b"Enrol people" not in page.content
    assert client.post(f"/sequences/{sequence.pk}/enrol/", {"person": person.pk}).status_code == 403
    assert signed_in(personas.outsider).get(f"/sequences/{sequence.pk}/").status_code == 404


def test_the_template_editor_previews_live_and_refuses_a_broken_template(personas):
    client = signed_in(personas.recruiter)
    person = make_contactable(personas.recruiter, personas.workspace, first_name="Grace")
    assert client.get("/templates/new/").status_code == 200

    live = client.post(
        "/templates/preview/",
        {"subject": "Hi {{ person.first_name }}", "html": "<p>Hello</p>", "person_id": person.pk},
        headers={"HX-Request": "true"},
    )
    assert live.status_code == 200
    assert b"Hi Grace" in live.content

    broken = {
        "name": "Broken",
        "topic": "outreach",
        "subject": "Hi",
        "html": "<p>{{ person.nope }}</p>",
    }
    refused = client.post("/templates/new/", broken)
    assert refused.status_code == 422
    assert b"html" in refused.content

    good = {**broken, "html": "<p>Hello {{ person.first_name | default('there') }}</p>"}
    saved = client.post("/templates/new/", good)
    assert saved.status_code == 302
    assert b"Broken" in client.get("/templates/").content
