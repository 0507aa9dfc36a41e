"""Delivery through an email service provider (django-anymail): accepted, refused, failing.

The provider is anymail's own test backend, which runs anymail's whole sending path and
stands in for the provider's HTTP API (tests never reach the internet); subclasses of it
answer the way a provider does when it refuses a recipient or its API fails.
"""

from __future__ import annotations

from typing import Any

import pytest
from anymail.backends.test import EmailBackend as ProviderSimulator
from anymail.exceptions import AnymailAPIError
from anymail.message import AnymailRecipientStatus
from django.core import mail

from talentloop.conftest import Personas
from talentloop.outreach import delivery, mailbox_actions
from talentloop.outreach.models import DeliveryEvent, Mailbox, Template
from talentloop.outreach.tests.conftest import queue
from talentloop.people.models import Person

HERE = "talentloop.outreach.tests.test_delivery_provider"


class RefusingProvider(ProviderSimulator):  # type: ignore[misc]
    """Answers every recipient with `rejected`, as a provider does for a suppressed address."""

    def post_to_esp(self, payload: Any, message: Any) -> Any:
        message.anymail_test_response = {
            "recipient_status": {
                email: AnymailRecipientStatus(message_id=None, status="rejected")
                for email in payload.recipient_emails
            }
        }
        return super().post_to_esp(payload, message)


class FailingProvider(ProviderSimulator):  # type: ignore[misc]
    """The provider's API answers 503."""

    def post_to_esp(self, payload: Any, message: Any) -> Any:
        message.anymail_test_response = AnymailAPIError("503 Service Unavailable")
        return super().post_to_esp(payload, message)


@pytest.fixture
def provider_mailbox(personas: Personas) -> Mailbox:
    return mailbox_actions.save_mailbox(
        actor=personas.admin,
        name="Provider",
        from_address="talent@acme.example.com",
        kind="default",
        owner_id=None,
    )


def test_the_provider_accepts_the_message_with_its_headers(
    settings: Any,
    personas: Personas,
    provider_mailbox: Mailbox,
    contactable: Person,
    template: Template,
) -> None:
    # given
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    message = queue(personas, provider_mailbox, contactable, template, key="provider-1")

    # when
    stats = delivery.deliver_due(worker_id="t")

    # then
    assert stats.sent == 1
    [sent] = mail.outbox
    assert sent.to == [contactable.primary_email]
    assert sent.extra_headers["Message-ID"] == message.message_id
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    message.refresh_from_db()
    assert message.state == "sent"


def test_a_recipient_the_provider_refuses_fails_at_once_with_the_reason(
    settings: Any,
    personas: Personas,
    provider_mailbox: Mailbox,
    contactable: Person,
    template: Template,
) -> None:
    settings.EMAIL_BACKEND = f"{HERE}.RefusingProvider"
    message = queue(personas, provider_mailbox, contactable, template, key="provider-1")

    stats = delivery.deliver_due(worker_id="t")

    assert (stats.sent, stats.failed, stats.retried) == (0, 1, 0)
    message.refresh_from_db()
    assert message.state == "failed"
    assert message.reason.startswith("refused by the provider")


def test_a_failing_provider_api_is_retried_later(
    settings: Any,
    personas: Personas,
    provider_mailbox: Mailbox,
    contactable: Person,
    template: Template,
) -> None:
    settings.EMAIL_BACKEND = f"{HERE}.FailingProvider"
    message = queue(personas, provider_mailbox, contactable, template, key="provider-1")

    stats = delivery.deliver_due(worker_id="t")

    assert (stats.sent, stats.failed, stats.retried) == (0, 0, 1)
    message.refresh_from_db()
    assert message.state == "queued"
    assert message.attempts == 1
    assert "503" in message.reason
    assert DeliveryEvent.objects.filter(message=message, kind="retry").count() == 1
