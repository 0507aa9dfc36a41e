"""Who may be contacted: refusals with a visible reason, at queue time and again at send time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from talentloop.conftest import Personas
from talentloop.core.models import Event
from talentloop.outreach import actions, delivery, domain
from talentloop.outreach.models import ContactBasis, Mailbox, Message, Template
from talentloop.outreach.tests.conftest import queue
from talentloop.outreach.tests.smtp_sink import SmtpSink
from talentloop.people.models import Person
from talentloop.testing.factories import PersonFactory

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def facts(**overrides: object) -> domain.ContactFacts:
    base: dict[str, object] = {
        "address": "ada@example.com",
        "bases": (domain.BasisFact("legitimate_interest", NOW - timedelta(days=1), None, None),),
    }
    return domain.ContactFacts(**(base | overrides))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("overrides", "topic", "code"),
    [
        ({}, None, None),
        ({"address": "not-an-address"}, None, "invalid_address"),
        ({"address": ""}, None, "invalid_address"),
        ({"suppression_reason": "hard_bounce"}, None, "suppressed"),
        ({"do_not_contact": True}, None, "do_not_contact"),
        ({"unsubscribed_all": True}, None, "unsubscribed"),
        ({"opted_out_topics": ("newsletter",)}, "newsletter", "topic_opt_out"),
        ({"opted_out_topics": ("newsletter",)}, "outreach", None),
        ({"bases": ()}, None, "no_lawful_basis"),
        (
            {
                "bases": (
                    domain.BasisFact(
                        "consent", NOW - timedelta(days=400), NOW - timedelta(days=35), None
                    ),
                )
            },
            None,
            "no_lawful_basis",
        ),
        (
            {
                "bases": (
                    domain.BasisFact(
                        "consent", NOW - timedelta(days=9), None, NOW - timedelta(days=1)
                    ),
                )
            },
            None,
            "no_lawful_basis",
        ),
        ({"has_person": False, "bases": ()}, None, None),
        ({"has_person": False, "suppression_reason": "unsubscribed"}, None, "suppressed"),
    ],
)
def test_contactability_rules(
    overrides: dict[str, object], topic: str | None, code: str | None
) -> None:
    refusal = domain.contactability(facts(**overrides), topic=topic, now=NOW)
    assert (refusal.code if refusal else None) == code
    if refusal:
        assert refusal.reason  # always a reason a person can read


def test_basis_needs_evidence_or_note() -> None:
    assert domain.basis_problems(basis="consent", evidence="", note="") == {
        "evidence": "consent needs its evidence"
    }
    assert domain.basis_problems(basis="legitimate_interest", evidence="", note="") == {
        "note": "legitimate interest needs a note"
    }
    assert domain.basis_problems(basis="consent", evidence="web form 2026-01-02", note="") == {}


def test_no_lawful_basis_is_refused_at_queue_time_with_its_reason(
    personas: Personas, smtp_mailbox: Mailbox, smtp_sink: SmtpSink, template: Template
) -> None:
    person = PersonFactory(workspace=personas.workspace, primary_email="nobasis@example.com")
    message = queue(personas, smtp_mailbox, person, template, key="k")
    assert message.state == "refused"
    assert "no lawful basis" in message.reason
    assert Event.objects.filter(verb="message.refused", subject_id=message.pk).exists()
    delivery.deliver_due(worker_id="t")
    assert smtp_sink.received == []


def test_invalid_address_is_skipped_with_its_reason(
    personas: Personas, smtp_mailbox: Mailbox, template: Template
) -> None:
    person = PersonFactory(workspace=personas.workspace, primary_email="")
    message = queue(personas, smtp_mailbox, person, template, key="k")
    assert message.state == "refused"
    assert message.reason == "no email address"


def test_do_not_contact_set_after_queueing_is_refused_at_send_time(
    personas: Personas,
    smtp_mailbox: Mailbox,
    smtp_sink: SmtpSink,
    contactable: Person,
    template: Template,
) -> None:
    message = queue(personas, smtp_mailbox, contactable, template, key="k")
    assert message.state == "queued"
    Person.objects.filter(pk=contactable.pk).update(do_not_contact=True)
    stats = delivery.deliver_due(worker_id="t")
    message.refresh_from_db()
    assert stats.refused == 1
    assert message.state == "refused"
    assert message.reason == "person is marked do-not-contact"
    assert smtp_sink.received == []


def test_withdrawn_consent_is_refused_at_send_time(
    personas: Personas,
    smtp_mailbox: Mailbox,
    smtp_sink: SmtpSink,
    contactable: Person,
    template: Template,
) -> None:
    message = queue(personas, smtp_mailbox, contactable, template, key="k")
    for basis in ContactBasis.objects.filter(person=contactable):
        actions.withdraw_basis(actor=personas.recruiter, basis=basis)
    delivery.deliver_due(worker_id="t")
    message.refresh_from_db()
    assert message.state == "refused"
    assert "no lawful basis" in message.reason
    assert smtp_sink.received == []


def test_suppressing_an_address_cancels_its_queued_mail(
    personas: Personas,
    smtp_mailbox: Mailbox,
    smtp_sink: SmtpSink,
    contactable: Person,
    template: Template,
) -> None:
    message = queue(personas, smtp_mailbox, contactable, template, key="k")
    actions.suppress(personas.workspace, contactable.primary_email.upper(), "hard_bounce")
    message.refresh_from_db()
    assert message.state == "cancelled"
    assert "hard_bounce" in message.reason
    delivery.deliver_due(worker_id="t")
    assert smtp_sink.received == []
    again = queue(personas, smtp_mailbox, contactable, template, key="k2")
    assert again.state == "refused"
    assert "suppression list" in again.reason


def test_suppression_between_claim_and_send_still_stops_the_message(
    personas: Personas,
    smtp_mailbox: Mailbox,
    smtp_sink: SmtpSink,
    contactable: Person,
    template: Template,
) -> None:
    queue(personas, smtp_mailbox, contactable, template, key="k")
    rows, token = delivery.claim(
        smtp_mailbox, worker_id="t", now=Message.objects.get().next_attempt_at
    )
    actions.suppress(personas.workspace, contactable.primary_email, "unsubscribed")
    delivery.send_claimed(smtp_mailbox, rows, token, delivery.DeliveryStats())
    assert smtp_sink.received == []
    assert Message.objects.get().state in {"cancelled", "refused"}


def test_topic_opt_out_refuses_that_topic_only(
    personas: Personas, smtp_mailbox: Mailbox, contactable: Person, template: Template
) -> None:
    actions.update_preferences(
        person=contactable,
        unsubscribe_all=False,
        opted_out_topics=["newsletter"],
        job_alerts=False,
        role_interests=[],
        locations=[],
        seniorities=[],
    )
    news = actions.queue_message(
        actor=personas.recruiter,
        workspace=personas.workspace,
        mailbox=smtp_mailbox,
        person=contactable,
        template=template,
        idempotency_key="n",
        topic="newsletter",
    )
    personal = queue(personas, smtp_mailbox, contactable, template, key="p")
    assert news.state == "refused"
    assert "newsletter" in news.reason
    assert personal.state == "queued"


def test_analyst_and_hiring_manager_cannot_queue_mail(
    personas: Personas, smtp_mailbox: Mailbox, contactable: Person, template: Template
) -> None:
    from talentloop.core.errors import PermissionDenied

    for user in (personas.analyst, personas.hiring_manager):
        with pytest.raises(PermissionDenied):
            actions.queue_message(
                actor=user,
                workspace=personas.workspace,
                mailbox=smtp_mailbox,
                person=contactable,
                template=template,
                idempotency_key=f"x{user.pk}",
            )
    assert not Message.objects.exists()
