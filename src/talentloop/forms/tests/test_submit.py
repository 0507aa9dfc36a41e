"""Submitting a public form through its page: people, consent, timeline, Event, spam guards."""

from __future__ import annotations

import pytest

from talentloop.conftest import Personas
from talentloop.core.models import Event
from talentloop.forms.actions import do_update_form
from talentloop.forms.models import Form, FormSubmission
from talentloop.forms.tests.conftest import CONSENT_WORDING, make_form, page_of, submit
from talentloop.outreach.models import ContactBasis
from talentloop.people.models import Activity, ContactPoint, Person
from talentloop.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db
ADA = {"first_name": "Ada", "last_name": "Lovelace", "email": "Ada@Example.com",
       "phone": "+44 20 7946 0958", "url": "https://www.linkedin.com/in/ada",
       "message": "Happy to hear about roles."}  # fmt: skip


def test_a_submission_creates_the_person_with_everything_it_said(form: Form) -> None:
    response = submit(form, ADA)

    assert response.status_code == 302
    assert response["Location"] == f"{page_of(form)}thanks/"
    person = Person.objects.get(workspace=form.workspace)
    assert (person.first_name, person.last_name) == ("Ada", "Lovelace")
    points = set(ContactPoint.objects.filter(person=person).values_list("kind", "value"))
    assert points == {
        ("email", "ada@example.com"), ("phone", "+442079460958"),
        ("url", "https://www.linkedin.com/in/ada"),
    }  # fmt: skip
    assert [tag.name for tag in person.tags.all()] == ["community"]
    (entry,) = Activity.objects.filter(person=person)
    assert (entry.kind, entry.body) == ("form", "Happy to hear about roles.")
    (submission,) = FormSubmission.objects.all()
    assert submission.person_id == person.pk
    assert submission.answers["email"] == "Ada@Example.com"
    assert "website" not in submission.answers
    assert "csrfmiddlewaretoken" not in submission.answers


def test_the_same_email_updates_the_person_instead_of_adding_another(
    form: Form, personas: Personas
) -> None:
    known: Person = PersonFactory(  # type: ignore[assignment]
        workspace=personas.workspace, first_name="Augusta", last_name="", primary_email=""
    )
    ContactPoint.objects.create(
        workspace=personas.workspace, person=known, kind="email", value="ada@example.com",
        is_primary=True,
    )  # fmt: skip

    submit(form, ADA)
    submit(form, {**ADA, "email": " ADA@example.COM ", "first_name": "Mallory"})

    assert Person.objects.filter(workspace=personas.workspace).count() == 1
    known.refresh_from_db()
    # Blanks are filled in; what the team knew stays: a public page cannot rename people.
    assert (known.first_name, known.last_name) == ("Augusta", "Lovelace")
    assert FormSubmission.objects.filter(person=known).count() == 2
    assert ContactPoint.objects.filter(person=known, kind="phone").count() == 1


def test_consent_is_recorded_only_when_the_box_is_ticked(form: Form) -> None:
    submit(form, ADA)
    assert not ContactBasis.objects.exists()

    submit(form, {**ADA, "consent": "on"})

    (basis,) = ContactBasis.objects.all()
    assert basis.basis == "consent"
    assert basis.withdrawn_at is None
    assert CONSENT_WORDING in basis.evidence
    assert "newsletter" in basis.evidence
    assert basis.recorded_by_id == form.created_by_id
    assert FormSubmission.objects.filter(consent_given=True).count() == 1


def test_the_event_names_ids_only(form: Form) -> None:
    submit(form, {**ADA, "consent": "on"})

    (event,) = Event.objects.filter(verb="form.submitted")
    person = Person.objects.get()
    assert event.data == {"form_id": form.pk, "person_id": person.pk}
    assert event.subject_id == FormSubmission.objects.get().pk
    text = str(event.data) + str(event.changed_fields)
    assert "ada" not in text.lower()
    assert "lovelace" not in text.lower()


def test_errors_are_shown_at_their_fields_and_nothing_is_saved(form: Form) -> None:
    response = submit(form, {**ADA, "first_name": "", "email": "not-an-address", "phone": "12"})

    assert response.status_code == 422
    errors = response.context["entry"].errors
    assert "first_name" in errors
    assert "email" in errors
    assert not Person.objects.exists()
    assert not FormSubmission.objects.exists()
    assert not Event.objects.filter(verb="form.submitted").exists()
    assert b"Lovelace" in response.content  # what was typed is kept


@pytest.mark.parametrize(
    ("field", "value"), [("phone", "12"), ("country", "Germany"), ("url", "not a link")]
)
def test_a_value_the_person_record_refuses_is_named_at_its_field(
    form: Form, field: str, value: str
) -> None:
    response = submit(form, {**ADA, field: value})

    assert response.status_code == 422
    assert list(response.context["entry"].errors) == [field]
    assert not Person.objects.exists()


def test_the_honeypot_thanks_the_bot_and_saves_nothing(form: Form) -> None:
    response = submit(form, {**ADA, "website": "http://cheap-pills.example"})

    assert response.status_code == 302
    assert not Person.objects.exists()
    assert not FormSubmission.objects.exists()


def test_the_sixth_submission_in_an_hour_is_refused(form: Form) -> None:
    for _ in range(5):
        assert submit(form, ADA).status_code == 302

    refused = submit(form, ADA)

    assert refused.status_code == 429
    assert b"try again later" in refused.content
    assert FormSubmission.objects.count() == 5
    assert submit(form, {**ADA, "email": "grace@example.com"}).status_code == 302


def test_a_post_without_the_csrf_token_is_refused(form: Form) -> None:
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(page_of(form), ADA)

    assert response.status_code == 403
    assert not Person.objects.exists()


def test_inactive_and_unknown_forms_are_404(form: Form, personas: Personas) -> None:
    from django.test import Client

    browser = Client()
    assert browser.get(page_of(form)).status_code == 200
    do_update_form(actor=personas.admin, form=form, values={"active": False})

    assert browser.get(page_of(form)).status_code == 404
    assert browser.post(page_of(form), ADA).status_code == 404
    assert browser.get(f"/f/{form.workspace.slug}/nope/").status_code == 404
    assert browser.get(f"/f/elsewhere/{form.slug}/").status_code == 404
    assert not Person.objects.exists()


def test_the_page_shows_only_the_switched_on_fields(personas: Personas) -> None:
    from django.test import Client

    form = make_form(personas, slug="short", fields={"city": "required"}, intro="Join us.")

    page = Client().get(page_of(form))

    assert list(page.context["entry"].fields) == ["email", "city"]
    assert b"Join us." in page.content
    assert b'name="website"' in page.content
