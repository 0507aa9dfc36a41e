"""Outreach pages: campaigns, mailbox and suppression settings, the contact-permission card.

Every page is tried by every persona: the right roles get in, the wrong ones get a 403 or a
404, writes go through the outreach actions and invalid input writes nothing.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
import time_machine

from talentloop.accounts.domain import Role
from talentloop.conftest import Personas
from talentloop.core.models import DueItem, Event
from talentloop.outreach import actions, campaigns, delivery, mailbox_actions, template_actions
from talentloop.outreach.models import (
    Campaign,
    ContactBasis,
    DeliveryEvent,
    Mailbox,
    Message,
    Suppression,
    Template,
)
from talentloop.outreach.tests.conftest import make_contactable
from talentloop.people.models import Person
from talentloop.recruiting.actions import do_add_candidacy
from talentloop.search.actions import do_create_segment
from talentloop.testing.factories import JobFactory, PersonFactory
from talentloop.ui.tests.conftest import client_for

pytestmark = pytest.mark.django_db

WRITERS = [Role.ADMIN, Role.RECRUITER, Role.COORDINATOR]
READERS = [Role.HIRING_MANAGER, Role.ANALYST]
ALL_ROLES = WRITERS + READERS
HTMX = {"HTTP_HX_REQUEST": "true"}
NOW = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def mailbox(personas: Personas) -> Mailbox:
    return mailbox_actions.save_mailbox(
        actor=personas.admin,
        name="Talent team",
        from_address="talent@acme.example.com",
        kind="local",
        owner_id=None,
    )


@pytest.fixture
def template(personas: Personas) -> Template:
    return template_actions.save_template(
        actor=personas.recruiter,
        name="Newsletter",
        topic="newsletter",
        subject="News for {{ person.first_name | default('you') }}",
        html="<p>Hello {{ person.first_name | default('there') }}</p>",
        text="",
    )


@pytest.fixture
def campaign(personas: Personas, mailbox: Mailbox, template: Template) -> Campaign:
    return campaigns.save_campaign(
        actor=personas.recruiter,
        name="March newsletter",
        template=template,
        mailbox=mailbox,
        topic="newsletter",
        audience_query="city:Berlin",
    )


def _people(personas: Personas) -> tuple[Person, Person]:
    """One Berliner who may be emailed and one without a lawful basis."""
    ready = make_contactable(
        personas.recruiter, personas.workspace, first_name="Ada", last_name="Ready", city="Berlin"
    )
    blocked = PersonFactory(
        workspace=personas.workspace, first_name="Bo", last_name="Blocked", city="Berlin",
        primary_email="bo@example.com",
    )  # fmt: skip
    return ready, blocked


def _form(box: Mailbox, email: Template, **overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Spring event",
        "template": str(email.pk),
        "mailbox": str(box.pk),
        "topic": "events",
        "audience_kind": "query",
        "audience_query": "city:Berlin",
        "segment": "",
    }
    return {**data, **overrides}


# --- campaigns: who gets in ------------------------------------------------------------------


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_role_reads_the_campaign_pages(
    personas: Personas, campaign: Campaign, role: Role
) -> None:
    client = client_for(personas.by_role(role))

    for path in ["/campaigns/", f"/campaigns/{campaign.pk}/", f"/campaigns/{campaign.pk}/preview/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert b"March newsletter" in response.content


@pytest.mark.parametrize("role", READERS)
def test_readers_see_no_send_buttons_and_cannot_write(
    personas: Personas, campaign: Campaign, mailbox: Mailbox, template: Template, role: Role
) -> None:
    # given
    client = client_for(personas.by_role(role))
    base = f"/campaigns/{campaign.pk}/"

    # then: nothing to click
    page = client.get(base).content.decode()
    assert "Send a test to me" not in page
    assert f"{base}schedule/" not in page
    assert ">Campaigns<" not in client.get("/").content.decode()

    # and nothing to post
    assert client.get("/campaigns/new/").status_code == 403
    assert client.post("/campaigns/new/", _form(mailbox, template)).status_code == 403
    assert client.get(f"{base}edit/").status_code == 403
    for action in ("test", "schedule", "cancel"):
        assert client.post(f"{base}{action}/", {"when": "now"}).status_code == 403, action
    campaign.refresh_from_db()
    assert campaign.state == "draft"
    assert Campaign.objects.count() == 1
    assert not Message.objects.exists()


def test_another_workspace_s_campaign_is_not_found(personas: Personas, campaign: Campaign) -> None:
    client = client_for(personas.outsider)
    base = f"/campaigns/{campaign.pk}/"

    for path in [base, f"{base}preview/", f"{base}edit/", f"{base}sample/?person=1"]:
        assert client.get(path).status_code == 404, path
    for action in ("test", "schedule", "cancel"):
        assert client.post(f"{base}{action}/", {"when": "now"}).status_code == 404, action
    assert b"March newsletter" not in client.get("/campaigns/").content


def test_writers_see_the_campaigns_link_next_to_sequences(personas: Personas) -> None:
    page = client_for(personas.coordinator).get("/").content.decode()

    assert page.index(">Sequences<") < page.index(">Campaigns<")


# --- campaigns: the form ---------------------------------------------------------------------


def test_a_recruiter_creates_a_campaign_and_sees_it_listed(
    personas: Personas, mailbox: Mailbox, template: Template
) -> None:
    client = client_for(personas.recruiter)
    assert client.get("/campaigns/new/").status_code == 200

    response = client.post("/campaigns/new/", _form(mailbox, template))

    campaign = Campaign.objects.get(name="Spring event")
    assert response.status_code == 302
    assert response["Location"] == f"/campaigns/{campaign.pk}/"
    assert (campaign.topic, campaign.audience_query, campaign.state) == (
        "events",
        "city:Berlin",
        "draft",
    )
    assert Event.objects.filter(verb="campaign.created", subject_id=campaign.pk).exists()
    listing = client.get("/campaigns/").content.decode()
    assert "Spring event" in listing
    assert "Draft" in listing


def test_an_invalid_query_is_shown_with_its_position_and_nothing_is_saved(
    personas: Personas, mailbox: Mailbox, template: Template
) -> None:
    response = client_for(personas.recruiter).post(
        "/campaigns/new/", _form(mailbox, template, audience_query="city:Berlin AND (")
    )

    assert response.status_code == 422
    content = response.content.decode()
    assert 'class="query-error"' in content
    assert "query-error-caret" in content
    assert 'id="id_audience_query_error"' in content
    assert not Campaign.objects.exists()


def test_missing_choices_and_name_show_inline_errors(
    personas: Personas, mailbox: Mailbox, template: Template
) -> None:
    client = client_for(personas.recruiter)

    no_template = client.post("/campaigns/new/", _form(mailbox, template, template=""))
    no_name = client.post("/campaigns/new/", _form(mailbox, template, name="  "))
    no_segment = client.post("/campaigns/new/", _form(mailbox, template, audience_kind="segment"))

    assert no_template.status_code == 422
    assert b'id="id_template_error"' in no_template.content
    assert no_name.status_code == 422
    assert b'id="id_name_error"' in no_name.content
    assert no_segment.status_code == 422
    assert b'id="id_segment_error"' in no_segment.content
    assert not Campaign.objects.exists()


def test_a_teammate_s_personal_mailbox_is_not_offered_nor_accepted(
    personas: Personas, template: Template
) -> None:
    # given: the admin's own mailbox, not shared with the team
    private = mailbox_actions.save_mailbox(
        actor=personas.admin, name="Admin", from_address="boss@acme.example.com", kind="local"
    )
    client = client_for(personas.recruiter)

    # then
    assert b"boss@acme.example.com" not in client.get("/campaigns/new/").content
    refused = client.post("/campaigns/new/", _form(private, template))
    assert refused.status_code == 422
    assert b'id="id_mailbox_error"' in refused.content
    assert not Campaign.objects.exists()


def test_edit_switches_the_audience_from_a_segment_to_a_query(
    personas: Personas, mailbox: Mailbox, template: Template
) -> None:
    # given
    segment = do_create_segment(
        actor=personas.recruiter, workspace=personas.workspace, name="Berlin", query="city:Berlin"
    )
    client = client_for(personas.recruiter)
    client.post(
        "/campaigns/new/", _form(mailbox, template, audience_kind="segment", segment=segment.pk)
    )
    campaign = Campaign.objects.get()
    assert campaign.segment_id == segment.pk
    assert b"Berlin" in client.get(f"/campaigns/{campaign.pk}/edit/").content

    # when
    response = client.post(
        f"/campaigns/{campaign.pk}/edit/", _form(mailbox, template, audience_query="city:Paris")
    )

    # then
    saved = Campaign.objects.get(pk=campaign.pk)
    assert response.status_code == 302
    assert (saved.segment_id, saved.audience_query) == (None, "city:Paris")


# --- campaigns: preview, sample, test, schedule, cancel --------------------------------------


def test_preview_shows_who_receives_it_and_who_is_skipped_and_why(
    personas: Personas, campaign: Campaign
) -> None:
    _people(personas)

    response = client_for(personas.recruiter).get(f"/campaigns/{campaign.pk}/preview/")

    content = response.content.decode()
    assert response.status_code == 200
    assert "<strong>1</strong> will receive it" in content
    assert "1 skipped" in content
    assert "Ada Ready" in content
    assert "Bo Blocked" in content
    assert "No lawful basis" in content
    assert "News for Ada" in content  # the first recipient's rendering
    assert "sandbox" in content


def test_the_sample_renders_for_a_chosen_recipient(personas: Personas, campaign: Campaign) -> None:
    _people(personas)
    other = make_contactable(
        personas.recruiter, personas.workspace, first_name="Cy", last_name="Second", city="Berlin"
    )
    client = client_for(personas.recruiter)

    response = client.get(f"/campaigns/{campaign.pk}/sample/", {"person": other.pk}, **HTMX)

    assert response.status_code == 200
    assert b"News for Cy" in response.content
    assert b"News for Ada" not in response.content


def test_a_preview_of_a_broken_audience_explains_instead_of_failing(
    personas: Personas, mailbox: Mailbox, template: Template
) -> None:
    segment = do_create_segment(
        actor=personas.recruiter, workspace=personas.workspace, name="Gone", query="city:Berlin"
    )
    campaign = campaigns.save_campaign(
        actor=personas.recruiter, name="Orphan", template=template, mailbox=mailbox,
        segment_id=segment.pk,
    )  # fmt: skip
    segment.delete()

    response = client_for(personas.recruiter).get(f"/campaigns/{campaign.pk}/preview/")

    assert response.status_code == 200
    assert b"cannot be previewed" in response.content
    assert b"segment no longer exists" in response.content


def test_send_a_test_to_one_s_own_address(personas: Personas, campaign: Campaign) -> None:
    _people(personas)
    client = client_for(personas.recruiter)

    response = client.post(f"/campaigns/{campaign.pk}/test/", {"next": "preview"}, follow=True)

    message = Message.objects.get()
    assert message.to_address == personas.recruiter.email
    assert message.subject == "[Test] News for Ada"
    assert message.state == "queued"
    assert response.redirect_chain[-1][0] == f"/campaigns/{campaign.pk}/preview/"
    assert f"Test queued to {personas.recruiter.email}".encode() in response.content


def test_a_test_to_a_suppressed_address_is_refused_with_its_reason(
    personas: Personas, campaign: Campaign
) -> None:
    actions.suppress(personas.workspace, personas.recruiter.email, "manual")

    response = client_for(personas.recruiter).post(f"/campaigns/{campaign.pk}/test/", follow=True)

    assert response.status_code == 200
    assert b"The test was refused" in response.content
    assert b"suppression list" in response.content


def test_schedule_now_then_cancel(personas: Personas, campaign: Campaign) -> None:
    client = client_for(personas.recruiter)

    scheduled = client.post(f"/campaigns/{campaign.pk}/schedule/", {"when": "now"}, follow=True)

    campaign.refresh_from_db()
    assert campaign.state == "scheduled"
    assert campaign.scheduled_at == NOW
    assert DueItem.objects.filter(kind="outreach.campaign", state="pending").count() == 1
    assert b"is being sent now" in scheduled.content
    assert b"Cancel campaign" in scheduled.content

    cancelled = client.post(f"/campaigns/{campaign.pk}/cancel/", follow=True)

    campaign.refresh_from_db()
    assert campaign.state == "cancelled"
    assert not DueItem.objects.filter(kind="outreach.campaign", state="pending").exists()
    assert b"cancelled" in cancelled.content


def test_schedule_later_reads_the_time_in_the_user_s_zone(
    personas: Personas, campaign: Campaign
) -> None:
    personas.recruiter.time_zone = "Europe/Berlin"
    personas.recruiter.save()
    client = client_for(personas.recruiter)

    response = client.post(
        f"/campaigns/{campaign.pk}/schedule/", {"when": "later", "send_at": "2026-03-10T08:30"}
    )

    campaign.refresh_from_db()
    assert response.status_code == 302
    assert campaign.scheduled_at == datetime(2026, 3, 10, 7, 30, tzinfo=UTC)
    page = client.get(f"/campaigns/{campaign.pk}/").content.decode()
    assert "Mar 10, 08:30" in page
    assert "Europe/Berlin" in page


@pytest.mark.parametrize(
    ("send_at", "problem"),
    [("", "Choose when to send"), ("2026-03-01T08:00", "That time has passed"), ("soon", "")],
)
def test_an_unusable_schedule_time_is_shown_inline_and_nothing_is_scheduled(
    personas: Personas, campaign: Campaign, send_at: str, problem: str
) -> None:
    response = client_for(personas.recruiter).post(
        f"/campaigns/{campaign.pk}/schedule/", {"when": "later", "send_at": send_at}
    )

    assert response.status_code == 422
    assert b'id="schedule_send_at_error"' in response.content
    assert problem.encode() in response.content
    campaign.refresh_from_db()
    assert campaign.state == "draft"
    assert not DueItem.objects.exists()


def test_a_refused_state_change_is_a_toast_not_an_error_page(
    personas: Personas, campaign: Campaign
) -> None:
    campaigns.cancel_campaign(actor=personas.recruiter, campaign=campaign)
    client = client_for(personas.recruiter)

    again = client.post(f"/campaigns/{campaign.pk}/schedule/", {"when": "now"}, follow=True)
    cancel = client.post(f"/campaigns/{campaign.pk}/cancel/", follow=True)
    edit = client.post(f"/campaigns/{campaign.pk}/edit/", {"name": "x"})

    assert again.status_code == 200
    assert b"cancelled campaign cannot be scheduled" in again.content
    assert cancel.status_code == 200
    assert b"cannot be cancelled" in cancel.content
    assert edit.status_code == 422
    campaign.refresh_from_db()
    assert campaign.state == "cancelled"


def test_the_list_shows_results_from_the_messages(personas: Personas, campaign: Campaign) -> None:
    # given: a sent campaign; one message bounced, one replied
    _people(personas)
    make_contactable(personas.recruiter, personas.workspace, first_name="Di", city="Berlin")
    campaigns.enqueue_campaign(campaign)
    delivery.deliver_due(worker_id="t")
    sent = list(Message.objects.filter(state="sent"))
    for message, kind in zip(sent, ["bounce", "reply"], strict=True):
        DeliveryEvent.objects.create(
            workspace=personas.workspace, message=message, kind=kind, occurred_at=NOW
        )

    # when
    response = client_for(personas.analyst).get("/campaigns/")

    # then
    row = response.content.decode().split("March newsletter", 1)[1].split("</tr>", 1)[0]
    cells = [cell.split(">", 1)[1].split("<", 1)[0] for cell in row.split("<td")[4:]]
    assert cells == [
        "2",
        "1",
        "2",
        "0",
        "1",
        "1",
    ]  # queued, refused, sent, failed, bounced, replied


def test_the_campaign_list_query_count_is_bounded(
    personas: Personas,
    mailbox: Mailbox,
    template: Template,
    django_assert_max_num_queries: Any,
) -> None:
    segment = do_create_segment(
        actor=personas.recruiter, workspace=personas.workspace, name="All", query=""
    )
    for number in range(30):
        campaigns.save_campaign(
            actor=personas.recruiter, name=f"Campaign {number}", template=template,
            mailbox=mailbox, segment_id=segment.pk if number % 2 else None,
        )  # fmt: skip
    client = client_for(personas.recruiter)

    with django_assert_max_num_queries(8):
        response = client.get("/campaigns/")
    assert response.status_code == 200
    assert response.content.count(b'class="cell-title"') == 30


# --- mailboxes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", READERS)
def test_readers_cannot_open_the_outreach_settings(
    personas: Personas, mailbox: Mailbox, role: Role
) -> None:
    client = client_for(personas.by_role(role))

    for path in ["/settings/", "/settings/mailboxes/", "/settings/suppressions/"]:
        assert client.get(path).status_code == 403, path
    assert client.get(f"/settings/mailboxes/{mailbox.pk}/").status_code == 403
    assert client.post("/settings/suppressions/", {"address": "x@y.test"}).status_code == 403
    assert not Suppression.objects.exists()


def test_writers_who_are_not_admins_see_only_the_outreach_sections(personas: Personas) -> None:
    client = client_for(personas.recruiter)

    home = client.get("/settings/")
    page = client.get("/settings/mailboxes/").content.decode()

    assert home["Location"] == "/settings/mailboxes/"
    assert "Suppression list" in page
    assert "Users &amp; roles" not in page
    assert "Mailboxes &amp; suppression list" in client.get("/").content.decode()


def test_an_admin_adds_a_shared_smtp_mailbox_and_the_password_stays_hidden(
    personas: Personas,
) -> None:
    client = client_for(personas.admin)
    data = {
        "name": "Recruiting",
        "from_name": "Acme Recruiting",
        "from_address": "Jobs@Acme.example.com",
        "kind": "smtp",
        "shared": "on",
        "allow_send_on_behalf": "",
        "smtp_host": "smtp.example.com",
        "smtp_port": "587",
        "smtp_security": "starttls",
        "smtp_username": "jobs",
        "smtp_password": "s3cret-Passw0rd",
        "imap_port": "993",
        "imap_ssl": "on",
        "imap_folder": "INBOX",
        "daily_limit": "300",
        "min_spacing_seconds": "10",
    }

    response = client.post("/settings/mailboxes/", data)

    mailbox = Mailbox.objects.get(name="Recruiting")
    assert response.status_code == 302
    assert mailbox.owner_id is None
    assert mailbox.from_address == "jobs@acme.example.com"
    assert mailbox_actions.smtp_password(mailbox) == "s3cret-Passw0rd"
    assert Event.objects.filter(verb="mailbox.created", subject_id=mailbox.pk).exists()
    edit = client.get(f"/settings/mailboxes/{mailbox.pk}/").content.decode()
    assert "s3cret" not in edit
    assert "A password is stored" in edit

    # when: saved again with the password left empty
    client.post(f"/settings/mailboxes/{mailbox.pk}/", {**data, "smtp_password": "", "active": "on"})

    # then: the stored one stays
    mailbox.refresh_from_db()
    assert mailbox_actions.smtp_password(mailbox) == "s3cret-Passw0rd"


def test_invalid_mailbox_settings_show_inline_and_save_nothing(personas: Personas) -> None:
    data = {
        "name": "Broken",
        "from_address": "not-an-address",
        "kind": "smtp",
        "smtp_host": "",
        "smtp_port": "587",
        "smtp_security": "starttls",
        "imap_port": "993",
        "daily_limit": "10",
        "min_spacing_seconds": "0",
    }

    response = client_for(personas.admin).post("/settings/mailboxes/", data)

    assert response.status_code == 422
    assert b'id="id_smtp_host_error"' in response.content
    assert b'id="id_from_address_error"' in response.content
    assert not Mailbox.objects.exists()


def test_a_taken_mailbox_name_is_shown_next_to_the_field(
    personas: Personas, mailbox: Mailbox
) -> None:
    data = {"name": mailbox.name, "from_address": "x@acme.example.com", "kind": "local",
            "smtp_port": "587", "smtp_security": "starttls", "imap_port": "993",
            "daily_limit": "10", "min_spacing_seconds": "0"}  # fmt: skip

    response = client_for(personas.admin).post("/settings/mailboxes/", data)

    assert response.status_code == 422
    assert b'id="id_name_error"' in response.content
    assert Mailbox.objects.count() == 1


def test_a_recruiter_manages_only_their_own_personal_mailbox(
    personas: Personas, mailbox: Mailbox
) -> None:
    client = client_for(personas.recruiter)
    data = {"name": "Mine", "from_address": "rec@acme.example.com", "kind": "local",
            "shared": "on", "allow_send_on_behalf": "on", "smtp_port": "587",
            "smtp_security": "starttls", "imap_port": "993", "daily_limit": "50",
            "min_spacing_seconds": "0"}  # fmt: skip

    created = client.post("/settings/mailboxes/", data)

    mine = Mailbox.objects.get(name="Mine")
    assert created.status_code == 302
    assert mine.owner_id == personas.recruiter.pk  # "shared" is not theirs to choose
    assert mine.allow_send_on_behalf is False  # only an admin may allow it
    assert client.get(f"/settings/mailboxes/{mine.pk}/").status_code == 200
    assert client.get(f"/settings/mailboxes/{mailbox.pk}/").status_code == 403
    assert client.post(f"/settings/mailboxes/{mailbox.pk}/", data).status_code == 403
    mailbox.refresh_from_db()
    assert mailbox.name == "Talent team"
    listing = client.get("/settings/mailboxes/").content.decode()
    assert f'href="/settings/mailboxes/{mine.pk}/"' in listing
    assert f'href="/settings/mailboxes/{mailbox.pk}/"' not in listing


def test_an_admin_allows_sending_on_behalf(personas: Personas) -> None:
    own = mailbox_actions.save_mailbox(
        actor=personas.recruiter, name="Rec", from_address="rec@acme.example.com", kind="local"
    )
    data = {**mailbox_actions_fields(own), "allow_send_on_behalf": "on", "active": "on"}

    response = client_for(personas.admin).post(f"/settings/mailboxes/{own.pk}/", data)

    own.refresh_from_db()
    assert response.status_code == 302
    assert own.allow_send_on_behalf is True
    assert own.owner_id == personas.recruiter.pk


def test_tracking_is_off_until_the_owner_turns_it_on(personas: Personas) -> None:
    # given
    own = mailbox_actions.save_mailbox(
        actor=personas.recruiter, name="Rec", from_address="rec@acme.example.com", kind="local"
    )
    client = client_for(personas.recruiter)
    assert (own.track_opens, own.track_clicks) == (False, False)

    # when
    data = {**mailbox_actions_fields(own), "active": "on", "track_clicks": "on"}
    response = client.post(f"/settings/mailboxes/{own.pk}/", data)

    # then
    own.refresh_from_db()
    assert response.status_code == 302
    assert (own.track_opens, own.track_clicks) == (False, True)
    page = client.get(f"/settings/mailboxes/{own.pk}/").content.decode()
    assert re.search(r'<input[^>]*name="track_clicks"[^>]*checked', page)
    assert not re.search(r'<input[^>]*name="track_opens"[^>]*checked', page)


def mailbox_actions_fields(mailbox: Mailbox) -> dict[str, str]:
    return {"name": mailbox.name, "from_address": mailbox.from_address, "kind": mailbox.kind,
            "smtp_port": "587", "smtp_security": "starttls", "imap_port": "993",
            "daily_limit": str(mailbox.daily_limit), "min_spacing_seconds": "0"}  # fmt: skip


def test_another_workspace_s_mailbox_is_not_found(personas: Personas, mailbox: Mailbox) -> None:
    client = client_for(personas.outsider)

    assert client.get(f"/settings/mailboxes/{mailbox.pk}/").status_code == 404
    assert b"Talent team" not in client.get("/settings/mailboxes/").content


def test_the_mailbox_list_query_count_is_bounded(
    personas: Personas, django_assert_max_num_queries: Any
) -> None:
    for number in range(20):
        mailbox_actions.save_mailbox(
            actor=personas.recruiter, name=f"Box {number}",
            from_address=f"box{number}@acme.example.com", kind="local",
        )  # fmt: skip

    client = client_for(personas.admin)

    with django_assert_max_num_queries(6):
        response = client.get("/settings/mailboxes/")
    assert response.content.count(b'class="cell-title"') == 20


# --- suppression list --------------------------------------------------------------------------


def test_a_recruiter_suppresses_an_address_and_queued_mail_to_it_stops(
    personas: Personas, mailbox: Mailbox, template: Template
) -> None:
    person = make_contactable(personas.recruiter, personas.workspace, primary_email="x@ex.com")
    queued = actions.queue_message(
        actor=personas.recruiter, workspace=personas.workspace, mailbox=mailbox, person=person,
        template=template, idempotency_key="k",
    )  # fmt: skip
    client = client_for(personas.recruiter)

    response = client.post(
        "/settings/suppressions/", {"address": " X@Ex.com ", "reason": "manual", "note": "asked"}
    )

    assert response.status_code == 302
    row = Suppression.objects.get()
    assert (row.address, row.reason, row.note) == ("x@ex.com", "manual", "asked")
    queued.refresh_from_db()
    assert queued.state == "cancelled"
    page = client.get("/settings/suppressions/").content.decode()
    assert "x@ex.com" in page
    assert "Remove<" not in page  # only admins lift a suppression
    assert client.post(f"/settings/suppressions/{row.pk}/remove/").status_code == 403
    assert Suppression.objects.exists()


def test_an_invalid_address_is_shown_inline(personas: Personas) -> None:
    response = client_for(personas.recruiter).post(
        "/settings/suppressions/", {"address": "nobody", "reason": "manual"}
    )

    assert response.status_code == 422
    assert b'id="suppress_address_error"' in response.content
    assert not Suppression.objects.exists()


def test_search_by_address_and_an_admin_removes_one(personas: Personas) -> None:
    workspace = personas.workspace
    kept = actions.suppress(workspace, "keep@example.com", "hard_bounce")
    gone = actions.suppress(workspace, "gone@example.com", "manual")
    erased = actions.suppress(workspace, "erased@example.com", "erased")
    client = client_for(personas.admin)

    found = client.get("/settings/suppressions/", {"q": "gone"}).content.decode()
    assert "gone@example.com" in found
    assert "keep@example.com" not in found

    removed = client.post(f"/settings/suppressions/{gone.pk}/remove/", follow=True)
    refused = client.post(f"/settings/suppressions/{erased.pk}/remove/", follow=True)

    assert b"Removed gone@example.com from the suppression list" in removed.content
    assert b"stays suppressed" in refused.content
    assert set(Suppression.objects.values_list("pk", flat=True)) == {kept.pk, erased.pk}
    assert Event.objects.filter(verb="suppression.removed").count() == 1
    other = client_for(personas.outsider)
    assert other.post(f"/settings/suppressions/{kept.pk}/remove/").status_code == 404


def test_the_suppression_list_query_count_is_bounded(
    personas: Personas, django_assert_max_num_queries: Any
) -> None:
    for number in range(60):
        actions.suppress(personas.workspace, f"p{number}@example.com", "unsubscribed")

    client = client_for(personas.recruiter)

    with django_assert_max_num_queries(4):
        response = client.get("/settings/suppressions/")
    assert response.content.count(b'class="cell-title"') == 50
    assert b'rel="next"' in response.content


# --- contact permission on the profile -------------------------------------------------------


@pytest.fixture
def candidate(personas: Personas) -> Person:
    job = JobFactory(workspace=personas.workspace, hiring_manager=personas.hiring_manager)
    person: Person = PersonFactory(  # type: ignore[assignment]
        workspace=personas.workspace, first_name="Ada", primary_email="ada@example.com"
    )
    do_add_candidacy(actor=personas.recruiter, person=person, job=job)
    return person


def test_the_profile_loads_the_card_by_htmx(personas: Personas, candidate: Person) -> None:
    page = client_for(personas.recruiter).get(f"/people/{candidate.pk}/").content.decode()

    assert f'hx-get="/people/{candidate.pk}/contact-permission/"' in page


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_role_that_sees_the_person_sees_the_verdict(
    personas: Personas, candidate: Person, role: Role
) -> None:
    response = client_for(personas.by_role(role)).get(
        f"/people/{candidate.pk}/contact-permission/", **HTMX
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert "Not contactable" in content
    assert "No lawful basis" in content
    assert ("Record a lawful basis" in content) is (role in WRITERS)


def test_record_consent_then_withdraw_it(personas: Personas, candidate: Person) -> None:
    client = client_for(personas.recruiter)
    url = f"/people/{candidate.pk}/contact-permission/"

    recorded = client.post(
        url,
        {"basis": "consent", "evidence": "careers site form", "given_at": "2026-03-01",
         "expires_at": "2027-03-01"},
        **HTMX,
    )  # fmt: skip

    basis = ContactBasis.objects.get(person=candidate)
    assert recorded.status_code == 200
    assert "May be emailed" in recorded.content.decode()
    assert "careers site form" in recorded.content.decode()
    assert basis.given_at == datetime(2026, 3, 1, tzinfo=UTC)
    assert Event.objects.filter(verb="consent.recorded", subject_id=basis.pk).exists()
    assert "Consent recorded" in recorded["HX-Trigger"]

    withdrawn = client.post(f"{url}{basis.pk}/withdraw/", **HTMX)

    basis.refresh_from_db()
    assert basis.withdrawn_at == NOW
    content = withdrawn.content.decode()
    assert "Withdrawn" in content
    assert "Not contactable" in content


def test_an_expired_basis_is_shown_as_expired(personas: Personas, candidate: Person) -> None:
    actions.record_basis(
        actor=personas.recruiter, person=candidate, basis="legitimate_interest",
        note="applied last year", given_at=datetime(2025, 1, 1, tzinfo=UTC),
        expires_at=datetime(2026, 1, 1, tzinfo=UTC),
    )  # fmt: skip

    content = (
        client_for(personas.recruiter)
        .get(f"/people/{candidate.pk}/contact-permission/", **HTMX)
        .content.decode()
    )

    assert "Expired" in content
    assert "applied last year" in content
    assert "Not contactable" in content


def test_consent_without_evidence_is_shown_inline_and_nothing_is_recorded(
    personas: Personas, candidate: Person
) -> None:
    response = client_for(personas.recruiter).post(
        f"/people/{candidate.pk}/contact-permission/", {"basis": "consent"}, **HTMX
    )

    assert response.status_code == 422
    assert b'id="basis_evidence_error"' in response.content
    assert not ContactBasis.objects.exists()


@pytest.mark.parametrize("role", READERS)
def test_readers_cannot_record_or_withdraw(
    personas: Personas, candidate: Person, role: Role
) -> None:
    basis = actions.record_basis(
        actor=personas.recruiter, person=candidate, basis="consent", evidence="form"
    )
    client = client_for(personas.by_role(role))
    url = f"/people/{candidate.pk}/contact-permission/"

    assert client.post(url, {"basis": "consent", "evidence": "x"}).status_code == 403
    assert client.post(f"{url}{basis.pk}/withdraw/").status_code == 403
    assert ContactBasis.objects.count() == 1
    basis.refresh_from_db()
    assert basis.withdrawn_at is None


def test_people_out_of_reach_are_not_found(personas: Personas, candidate: Person) -> None:
    prospect = PersonFactory(workspace=personas.workspace)  # in no job of the hiring manager
    basis = actions.record_basis(
        actor=personas.recruiter, person=candidate, basis="consent", evidence="form"
    )

    hiring_manager = client_for(personas.hiring_manager)
    outsider = client_for(personas.outsider)

    assert hiring_manager.get(f"/people/{prospect.pk}/contact-permission/").status_code == 404
    assert outsider.get(f"/people/{candidate.pk}/contact-permission/").status_code == 404
    withdraw = f"/people/{candidate.pk}/contact-permission/{basis.pk}/withdraw/"
    assert outsider.post(withdraw).status_code == 404
    other_person = f"/people/{prospect.pk}/contact-permission/{basis.pk}/withdraw/"
    assert client_for(personas.recruiter).post(other_person).status_code == 404
