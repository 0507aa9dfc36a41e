"""RFC 8058 one-click unsubscribe and the signed preference centre."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.test import Client

from talentloop.conftest import Personas
from talentloop.outreach import delivery, links
from talentloop.outreach.models import ContactPreference, Mailbox, Message, Suppression, Template
from talentloop.outreach.tests.conftest import make_contactable, queue
from talentloop.outreach.tests.smtp_sink import SmtpSink
from talentloop.people.models import Person


def _path(url: str) -> str:
    return urlsplit(url).path


def test_one_click_post_suppresses_and_cancels_all_queued_mail_to_the_address(
    personas: Personas, smtp_mailbox: Mailbox, smtp_sink: SmtpSink, template: Template
) -> None:
    # given two queued messages to Ada and one to Bob
    ada = make_contactable(personas.recruiter, personas.workspace, primary_email="ada@example.com")
    bob = make_contactable(personas.recruiter, personas.workspace, primary_email="bob@example.com")
    first = queue(personas, smtp_mailbox, ada, template, "a1")
    queue(personas, smtp_mailbox, ada, template, "a2")
    queue(personas, smtp_mailbox, bob, template, "b1")
    # when the mail provider posts the one-click body to Ada's List-Unsubscribe URL
    response = Client(enforce_csrf_checks=True).post(
        _path(first.unsubscribe_url),
        data="List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    # then
    assert response.status_code == 200
    assert Suppression.objects.get(workspace=personas.workspace).address == "ada@example.com"
    states = dict(Message.objects.values_list("idempotency_key", "state"))
    assert states == {"a1": "cancelled", "a2": "cancelled", "b1": "queued"}
    delivery.deliver_due(worker_id="t")
    assert [item.rcpt_tos for item in smtp_sink.received] == [["bob@example.com"]]


def test_get_on_the_unsubscribe_link_only_asks_for_confirmation(
    personas: Personas, smtp_mailbox: Mailbox, contactable: Person, template: Template
) -> None:
    message = queue(personas, smtp_mailbox, contactable, template, "a")
    response = Client().get(_path(message.unsubscribe_url))
    assert response.status_code == 200
    assert b"Unsubscribe" in response.content
    assert not Suppression.objects.exists()


def test_tampered_links_answer_404(personas: Personas, contactable: Person) -> None:
    token = links.recipient_token(
        workspace_id=personas.workspace.pk,
        address=contactable.primary_email,
        person_id=contactable.pk,
    )
    other = links.recipient_token(
        workspace_id=personas.workspace.pk, address="x@example.com", person_id=None
    )
    payload, signature = token.split(":", 1)
    tampered = [
        token[:-1] + ("A" if token[-1] != "A" else "B"),  # signature edited
        other.split(":", 1)[0] + ":" + signature,  # another payload under this signature
        payload,  # signature removed
        "garbage",
    ]
    client = Client()
    for bad in tampered:
        assert (
            client.post(
                f"/u/{bad}/", data="List-Unsubscribe=One-Click", content_type="text/plain"
            ).status_code
            == 404
        )
        assert client.get(f"/preferences/{bad}/").status_code == 404
    assert not Suppression.objects.exists()


def test_preference_centre_updates_topics_and_job_alert_interests(
    personas: Personas, contactable: Person
) -> None:
    url = _path(
        links.recipient_links(
            workspace_id=personas.workspace.pk,
            address=contactable.primary_email,
            person_id=contactable.pk,
        )["preferences"]
    )
    client = Client()
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "topics": ["outreach", "job_alerts"],
            "job_alerts": "on",
            "role_interests": "Backend engineer, Data engineer",
            "locations": "Berlin",
            "seniorities": ["senior", "lead", "bogus"],
        },
    )
    assert response.status_code == 200
    preference = ContactPreference.objects.get(person=contactable)
    assert sorted(preference.opted_out_topics) == ["events", "newsletter"]
    assert preference.job_alerts is True
    assert preference.role_interests == ["Backend engineer", "Data engineer"]
    assert preference.locations == ["Berlin"]
    assert preference.seniorities == ["senior", "lead"]
    assert preference.unsubscribed_all_at is None


def test_preference_centre_unsubscribe_from_everything(
    personas: Personas, smtp_mailbox: Mailbox, contactable: Person, template: Template
) -> None:
    message = queue(personas, smtp_mailbox, contactable, template, "a")
    url = _path(
        links.recipient_links(
            workspace_id=personas.workspace.pk,
            address=contactable.primary_email,
            person_id=contactable.pk,
        )["preferences"]
    )
    assert Client().post(url, {"unsubscribe_all": "on"}).status_code == 200
    message.refresh_from_db()
    assert message.state == "cancelled"
    assert Suppression.objects.filter(
        address=contactable.primary_email, reason="unsubscribed"
    ).exists()
    assert ContactPreference.objects.get(person=contactable).unsubscribed_all_at is not None
