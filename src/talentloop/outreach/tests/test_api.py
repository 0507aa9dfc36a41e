"""The outreach REST API: roles, workspace isolation, idempotency, template errors, campaigns."""

from __future__ import annotations

from typing import Any

import pytest

from talentloop.accounts.models import User
from talentloop.api.testing import ApiClient
from talentloop.conftest import Personas
from talentloop.core.models import Event
from talentloop.outreach import delivery, secrets
from talentloop.outreach.models import Campaign, Mailbox, Message, Template
from talentloop.outreach.tests.conftest import make_contactable
from talentloop.outreach.tests.smtp_sink import SmtpSink
from talentloop.people.models import Person


def api(user: User) -> ApiClient:
    return ApiClient(user)


def test_mailbox_password_is_stored_encrypted_and_never_returned(personas: Personas) -> None:
    response = api(personas.admin).post(
        "/mailboxes",
        {
            "name": "Team",
            "from_address": "team@acme.example.com",
            "kind": "smtp",
            "smtp_host": "smtp.acme.example.com",
            "smtp_password": "hunter2-secret",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["has_smtp_password"] is True
    assert "hunter2" not in response.content.decode()
    stored = Mailbox.objects.get(pk=body["id"])
    assert "hunter2" not in stored.smtp_password_encrypted
    assert secrets.decrypt(stored.smtp_password_encrypted) == "hunter2-secret"
    event = Event.objects.get(verb="mailbox.created")
    assert "hunter2" not in str(event.data) + str(event.changed_fields)


def test_only_admins_create_shared_mailboxes_or_allow_sending_on_behalf(personas: Personas) -> None:
    shared = {"name": "Shared", "from_address": "s@acme.example.com"}
    assert api(personas.recruiter).post("/mailboxes", shared).status_code == 403
    assert api(personas.analyst).post("/mailboxes", {**shared, "shared": False}).status_code == 403
    own = api(personas.recruiter).post("/mailboxes", {**shared, "name": "Mine", "shared": False})
    assert own.status_code == 201
    assert (
        api(personas.recruiter)
        .patch(f"/mailboxes/{own.json()['id']}", {"allow_send_on_behalf": True})
        .status_code
        == 403
    )
    assert (
        api(personas.admin)
        .patch(f"/mailboxes/{own.json()['id']}", {"allow_send_on_behalf": True})
        .status_code
        == 200
    )


def test_template_with_an_error_is_not_saved_and_names_field_and_line(personas: Personas) -> None:
    make_contactable(personas.recruiter, personas.workspace, first_name="Ada")
    response = api(personas.recruiter).post(
        "/templates",
        {"name": "Broken", "subject": "Hi", "html": "<p>Hi</p>\n<p>{{ person.frist_name }}</p>"},
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "template_error"
    assert "line 2" in error["fields"]["html"]
    assert "frist_name" in error["message"]
    assert not Template.objects.exists()


def test_validate_and_preview_show_what_a_chosen_person_receives(
    personas: Personas, template: Template
) -> None:
    ada = make_contactable(personas.recruiter, personas.workspace, first_name="Ada")
    body = {"subject": "Hi {{ person.first_name }}", "text": "Hello", "person_id": ada.pk}
    assert api(personas.recruiter).post("/templates/validate", body).json()["subject"] == "Hi Ada"
    preview = api(personas.analyst).post(f"/templates/{template.pk}/preview", {"person_id": ada.pk})
    assert preview.status_code == 200
    assert preview.json()["subject"] == "Hi Ada"
    assert "/preferences/" in preview.json()["html"]


def test_queue_message_is_idempotent_on_its_key(
    personas: Personas,
    smtp_mailbox: Mailbox,
    smtp_sink: SmtpSink,
    template: Template,
    contactable: Person,
) -> None:
    body = {
        "mailbox_id": smtp_mailbox.pk,
        "person_id": contactable.pk,
        "template_id": template.pk,
        "idempotency_key": "enrolment-7:step-1",
    }
    first = api(personas.recruiter).post("/messages", body)
    second = api(personas.recruiter).post("/messages", body)
    assert first.status_code == 201
    assert second.status_code == 200
    assert first.json()["id"] == second.json()["id"]
    delivery.deliver_due(worker_id="t")
    assert len(smtp_sink.received) == 1
    listed = api(personas.analyst).get("/messages", {"state": "sent"}).json()
    assert [item["id"] for item in listed["items"]] == [first.json()["id"]]


@pytest.mark.parametrize("role", ["analyst", "hiring_manager"])
def test_readers_cannot_send_or_suppress(
    personas: Personas, smtp_mailbox: Mailbox, template: Template, contactable: Person, role: str
) -> None:
    client = api(getattr(personas, role))
    body = {
        "mailbox_id": smtp_mailbox.pk,
        "person_id": contactable.pk,
        "template_id": template.pk,
        "idempotency_key": "x",
    }
    assert client.post("/messages", body).status_code in (403, 404)
    assert client.post("/suppressions", {"address": "a@example.com"}).status_code == 403
    assert client.post("/templates", {"name": "n", "subject": "s", "text": "t"}).status_code == 403
    assert not Message.objects.exists()


def _campaign_body(mailbox: Mailbox, template: Template) -> dict[str, Any]:
    return {"name": "Spring newsletter", "template_id": template.pk, "mailbox_id": mailbox.pk}


def test_hiring_managers_and_analysts_cannot_run_campaigns(
    personas: Personas, local_mailbox: Mailbox, template: Template
) -> None:
    for user in (personas.hiring_manager, personas.analyst):
        assert (
            api(user).post("/campaigns", _campaign_body(local_mailbox, template)).status_code == 403
        )
    created = api(personas.recruiter).post("/campaigns", _campaign_body(local_mailbox, template))
    assert created.status_code == 201
    campaign_id = created.json()["id"]
    for user in (personas.hiring_manager, personas.analyst):
        assert api(user).post(f"/campaigns/{campaign_id}/schedule", {}).status_code in (403, 404)
        assert api(user).post(f"/campaigns/{campaign_id}/test-send", {}).status_code in (403, 404)
    assert api(personas.analyst).get(f"/campaigns/{campaign_id}").status_code == 200


def test_another_workspace_sees_404_for_every_outreach_record(
    personas: Personas, local_mailbox: Mailbox, template: Template, contactable: Person
) -> None:
    campaign = (
        api(personas.recruiter).post("/campaigns", _campaign_body(local_mailbox, template)).json()
    )
    message = (
        api(personas.recruiter)
        .post(
            "/messages",
            {
                "mailbox_id": local_mailbox.pk,
                "person_id": contactable.pk,
                "template_id": template.pk,
                "idempotency_key": "k",
            },
        )
        .json()
    )
    outsider = api(personas.outsider)
    for path in (
        f"/mailboxes/{local_mailbox.pk}",
        f"/templates/{template.pk}",
        f"/campaigns/{campaign['id']}",
        f"/messages/{message['id']}",
        f"/people/{contactable.pk}/consents",
    ):
        assert outsider.get(path).status_code == 404, path
    assert outsider.post(f"/campaigns/{campaign['id']}/schedule", {}).status_code == 404
    assert outsider.post(f"/messages/{message['id']}/cancel").status_code == 404
    assert outsider.get("/messages").json()["items"] == []
    assert outsider.get("/mailboxes").json() == []


def test_campaign_preview_test_send_and_send(
    personas: Personas, local_mailbox: Mailbox, template: Template
) -> None:
    from talentloop.core import scheduling
    from talentloop.outreach.models import LocalEmail
    from talentloop.testing.factories import PersonFactory

    make_contactable(personas.recruiter, personas.workspace, first_name="Ada")
    make_contactable(personas.recruiter, personas.workspace, first_name="Bob")
    PersonFactory(workspace=personas.workspace, primary_email="nobasis@example.com")
    client = api(personas.recruiter)
    campaign_id = client.post("/campaigns", _campaign_body(local_mailbox, template)).json()["id"]
    # preview: who gets it and who is skipped and why
    preview = client.get(f"/campaigns/{campaign_id}/preview").json()
    assert preview["total"] == 3
    assert preview["will_send"] == 2
    assert preview["skipped"][0]["reason"].startswith("no lawful basis")
    assert preview["sample"]["subject"].startswith("Hi ")
    # test send goes to the sender only
    test = client.post(f"/campaigns/{campaign_id}/test-send", {"to_address": "me@example.com"})
    assert test.status_code == 201
    assert test.json()["to_address"] == "me@example.com"
    assert test.json()["subject"].startswith("[Test] ")
    # send now: the scheduler queues it, delivery sends it to the local outbox
    assert client.post(f"/campaigns/{campaign_id}/schedule", {}).json()["state"] == "scheduled"
    scheduling.run_due(limit=10)
    campaign = Campaign.objects.get(pk=campaign_id)
    assert (campaign.state, campaign.queued_count, campaign.refused_count) == ("sent", 2, 1)
    delivery.deliver_due(worker_id="t")
    delivered = sorted(row.to_addresses[0] for row in LocalEmail.objects.all())
    assert len(delivered) == 3  # two recipients and the test send
    assert "me@example.com" in delivered
    # running the campaign again queues nobody twice
    from talentloop.outreach.campaigns import enqueue_campaign

    enqueue_campaign(campaign)
    assert Message.objects.filter(campaign=campaign).count() == 3


def test_consents_can_be_recorded_listed_and_withdrawn(personas: Personas) -> None:
    from talentloop.testing.factories import PersonFactory

    person = PersonFactory(workspace=personas.workspace, primary_email="c@example.com")
    client = api(personas.recruiter)
    assert client.get(f"/people/{person.pk}/contactability").json()["code"] == "no_lawful_basis"
    missing = client.post(f"/people/{person.pk}/consents", {"basis": "consent"})
    assert missing.status_code == 422
    assert "evidence" in missing.json()["error"]["fields"]
    created = client.post(
        f"/people/{person.pk}/consents",
        {"basis": "consent", "evidence": "Signed up at the Berlin meetup, form #12"},
    )
    assert created.status_code == 201
    assert client.get(f"/people/{person.pk}/contactability").json()["contactable"] is True
    withdrawn = client.post(f"/people/{person.pk}/consents/{created.json()['id']}/withdraw")
    assert withdrawn.json()["withdrawn_at"] is not None
    assert client.get(f"/people/{person.pk}/contactability").json()["contactable"] is False
    assert (
        api(personas.analyst)
        .post(f"/people/{person.pk}/consents", {"basis": "legitimate_interest", "note": "n"})
        .status_code
        == 403
    )


def test_sending_from_a_teammates_mailbox_needs_the_admins_permission(
    personas: Personas, template: Template, contactable: Person
) -> None:
    from talentloop.outreach import mailbox_actions

    personal = mailbox_actions.save_mailbox(
        actor=personas.coordinator, name="Coordinator", from_address="coord@acme.example.com"
    )
    body = {
        "mailbox_id": personal.pk,
        "person_id": contactable.pk,
        "template_id": template.pk,
        "idempotency_key": "on-behalf",
    }
    refused = api(personas.recruiter).post("/messages", body)
    assert refused.status_code == 403
    mailbox_actions.save_mailbox(actor=personas.admin, mailbox=personal, allow_send_on_behalf=True)
    allowed = api(personas.recruiter).post("/messages", body)
    assert allowed.status_code == 201
    assert allowed.json()["from_address"] == "coord@acme.example.com"
