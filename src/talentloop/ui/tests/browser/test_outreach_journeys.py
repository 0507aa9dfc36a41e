"""Outreach in a real browser: a campaign from draft to scheduled, consent on a profile, and the
sending settings, with screenshots at desktop and phone widths."""

from __future__ import annotations

import zoneinfo
from datetime import datetime, time, timedelta
from typing import Any

import pytest

from talentloop.conftest import Personas
from talentloop.core import clock
from talentloop.outreach import actions, mailbox_actions, template_actions
from talentloop.outreach.models import Campaign, ContactBasis, Message
from talentloop.people.actions import ContactInput, do_create_person
from talentloop.people.models import Person
from talentloop.ui.tests.browser.conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
PEOPLE = [
    ("Lena", "Vogel", "Machine learning engineer", "Berlin", "legitimate_interest"),
    ("Linus", "Berg", "Platform engineer", "Berlin", "consent"),
    ("Mia", "Schulz", "Data engineer", "Berlin", "consent"),
    ("Jonas", "Weber", "Backend engineer", "Berlin", ""),  # no lawful basis: skipped
    ("Ada", "Lovelace", "Staff data engineer", "London", "consent"),  # outside the audience
]


def _setup(personas: Personas) -> list[Person]:
    """A shared local mailbox, a newsletter template and people in and around Berlin."""
    mailbox_actions.save_mailbox(
        actor=personas.admin, name="Talent team", from_name="Acme Talent",
        from_address="talent@acme.example.com", kind="local", owner_id=None,
    )  # fmt: skip
    template_actions.save_template(
        actor=personas.recruiter,
        name="Berlin meetup invitation",
        topic="events",
        subject="{{ person.first_name | default('Hi') }}, join us at the Berlin meetup",
        html="<p>Hi {{ person.first_name | default('there') }},</p>"
        "<p>We are hosting engineers at our Berlin office on 12 March. Drinks from 18:00.</p>"
        '<p>{{ sender.name }}<br><a href="{{ links.preferences }}">Email preferences</a></p>',
        text="",
    )
    people = []
    for first, last, headline, city, basis in PEOPLE:
        person = do_create_person(
            actor=personas.recruiter,
            workspace=personas.workspace,
            fields={"first_name": first, "last_name": last, "headline": headline, "city": city},
            contacts=[ContactInput("email", f"{first.lower()}@example.com")],
        )
        if basis == "consent":
            actions.record_basis(
                actor=personas.recruiter, person=person, basis=basis, evidence="meetup sign-up"
            )
        elif basis:
            actions.record_basis(
                actor=personas.recruiter, person=person, basis=basis, note="sourced for a role"
            )
        people.append(person)
    return people


def _accept_confirms(page: Any) -> None:
    page.on("dialog", lambda dialog: dialog.accept())


def test_create_preview_test_and_schedule_a_campaign(
    page: Any, mobile_page: Any, live_server: Any, personas: Personas
) -> None:
    # given
    _setup(personas)
    personas.recruiter.time_zone = "Europe/Berlin"
    personas.recruiter.save()
    login(page, live_server, personas.recruiter)
    _accept_confirms(page)

    # when: a draft with a typo in its query, then fixed
    page.get_by_text("Outreach", exact=True).click()  # the nav's Outreach menu
    page.get_by_role("link", name="Campaigns").click()
    page.get_by_role("link", name="New campaign").first.click()
    page.get_by_label("Name").fill("Berlin meetup, March")
    page.get_by_label("Email template").select_option(label="Berlin meetup invitation")
    page.get_by_label("Send from").select_option(index=1)
    page.get_by_label("Topic").select_option("events")
    page.get_by_label("Search query").fill("city:Berlin AND (")
    page.get_by_role("button", name="Save draft").click()
    page.locator(".query-error").wait_for()
    assert not Campaign.objects.exists()
    screenshot(page, "campaign-form-errors")
    page.get_by_label("Search query").fill("city:Berlin")
    page.get_by_role("button", name="Save draft").click()
    page.get_by_text("Campaign “Berlin meetup, March” saved").wait_for()

    # then: the preview names who gets it and who is skipped
    page.get_by_role("link", name="Preview", exact=True).click()
    page.get_by_text("3 will receive it").wait_for()
    assert page.get_by_text("No lawful basis for outreach").is_visible()
    page.get_by_label("As received by").select_option(label="Mia Schulz")
    page.frame_locator("#campaign-sample iframe").get_by_text("Hi Mia,").wait_for()
    screenshot(page, "campaign-preview")

    # when: a test to myself
    page.get_by_role("button", name="Send a test to me").click()
    page.get_by_text(f"Test queued to {personas.recruiter.email}").wait_for()
    test = Message.objects.get()
    assert test.subject.startswith("[Test] ")
    assert test.to_address == personas.recruiter.email

    # and: scheduled for 09:00 Berlin time in three days
    page.get_by_role("link", name="Continue to schedule").click()
    page.get_by_label("At a date and time").check()
    day = (clock.now().astimezone(BERLIN) + timedelta(days=3)).date()
    page.get_by_label("Send at").fill(f"{day:%Y-%m-%d}T09:00")
    screenshot(page, "campaign-schedule")
    page.get_by_role("button", name="Schedule").click()
    page.get_by_text("will be sent").first.wait_for()

    # then
    campaign = Campaign.objects.get()
    assert campaign.state == "scheduled"
    assert campaign.scheduled_at == datetime.combine(day, time(9), tzinfo=BERLIN)
    screenshot(page, "campaign-detail")
    page.get_by_role("link", name="Campaigns", exact=True).first.click()
    page.get_by_role("link", name="Berlin meetup, March").wait_for()
    screenshot(page, "campaigns-list")

    # and on a phone
    login(mobile_page, live_server, personas.recruiter)
    mobile_page.goto(f"{live_server.url}/campaigns/{campaign.pk}/preview/")
    screenshot(mobile_page, "campaign-preview-mobile")
    mobile_page.goto(f"{live_server.url}/campaigns/{campaign.pk}/")
    screenshot(mobile_page, "campaign-detail-mobile")
    mobile_page.goto(f"{live_server.url}/campaigns/")
    screenshot(mobile_page, "campaigns-list-mobile")


def test_record_a_consent_on_a_profile(
    page: Any, mobile_page: Any, live_server: Any, personas: Personas
) -> None:
    # given: Jonas has no lawful basis
    people = _setup(personas)
    jonas = people[3]
    login(page, live_server, personas.recruiter)
    page.goto(f"{live_server.url}/people/{jonas.pk}/")
    card = page.locator("#contact-permission")
    card.get_by_text("Not contactable").wait_for()
    assert card.get_by_text("No lawful basis for outreach").is_visible()

    # when
    card.get_by_text("Record a lawful basis").click()
    card.get_by_label("Lawful basis").select_option("consent")
    card.get_by_role("button", name="Record").click()
    card.locator("#basis_evidence_error").wait_for()  # consent needs its evidence
    card.get_by_label("Evidence of consent").fill("Signed up at the Berlin meetup, 3 March")
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "contact-permission-form")
    card.get_by_role("button", name="Record").click()

    # then
    card.get_by_text("May be emailed").wait_for()
    page.get_by_text("Consent recorded").wait_for()
    basis = ContactBasis.objects.get(person=jonas)
    assert basis.evidence == "Signed up at the Berlin meetup, 3 March"
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "contact-permission")

    # and on a phone, a profile with a withdrawn basis too
    lena = people[0]
    actions.withdraw_basis(actor=personas.recruiter, basis=lena.contact_bases.get())
    login(mobile_page, live_server, personas.recruiter)
    mobile_page.goto(f"{live_server.url}/people/{lena.pk}/")
    mobile_page.locator("#contact-permission").get_by_text("Withdrawn", exact=True).wait_for()
    mobile_page.locator("#contact-permission").scroll_into_view_if_needed()
    screenshot(mobile_page, "contact-permission-mobile", full_page=False)


def test_sending_settings_pages(
    page: Any, mobile_page: Any, live_server: Any, personas: Personas
) -> None:
    # given
    _setup(personas)
    for address, reason in [("old@example.com", "hard_bounce"), ("no@example.com", "unsubscribed")]:
        actions.suppress(personas.workspace, address, reason)
    login(page, live_server, personas.admin)

    # when: an admin adds an SMTP mailbox
    page.goto(f"{live_server.url}/settings/mailboxes/")
    page.locator("#id_name").fill("Recruiting")
    page.get_by_label("From address").fill("jobs@acme.example.com")
    page.get_by_label("Sends through").select_option("smtp")
    page.get_by_role("button", name="Add mailbox").click()
    page.locator("#id_smtp_host_error").wait_for()  # an SMTP mailbox needs a host
    page.get_by_label("SMTP host").fill("smtp.acme.example.com")
    page.get_by_label("SMTP password").fill("app-password-123")
    page.get_by_role("button", name="Add mailbox").click()
    page.get_by_text("Mailbox “Recruiting” added").wait_for()
    screenshot(page, "settings-mailboxes")
    page.get_by_role("link", name="Recruiting").click()
    assert page.get_by_label("SMTP password").input_value() == ""
    screenshot(page, "settings-mailbox-edit")

    # and suppresses an address
    page.get_by_role("link", name="Suppression list").click()
    page.get_by_label("Email address").fill("Spam.Trap@Example.com")
    page.get_by_role("button", name="Suppress").click()
    page.get_by_text("Suppressed spam.trap@example.com").wait_for()
    screenshot(page, "settings-suppressions")

    # then: a recruiter reaches the same pages from the user menu, on a phone
    login(mobile_page, live_server, personas.recruiter)
    mobile_page.goto(f"{live_server.url}/settings/suppressions/")
    screenshot(mobile_page, "settings-suppressions-mobile")
    mobile_page.goto(f"{live_server.url}/settings/mailboxes/")
    screenshot(mobile_page, "settings-mailboxes-mobile")
