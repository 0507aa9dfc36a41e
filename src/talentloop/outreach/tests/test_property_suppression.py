"""Property: whatever happens in whatever order, nothing reaches a suppressed address."""

from __future__ import annotations

import itertools

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from talentloop.conftest import Personas
from talentloop.outreach import actions, delivery
from talentloop.outreach.models import Mailbox, Suppression, Template
from talentloop.outreach.tests.conftest import make_contactable
from talentloop.outreach.tests.smtp_sink import SmtpSink

PEOPLE = 3
operation = st.one_of(
    st.tuples(st.just("queue"), st.integers(0, PEOPLE - 1)),
    st.tuples(st.just("suppress"), st.integers(0, PEOPLE - 1)),
    st.tuples(st.just("deliver"), st.just(0)),
    # a suppression landing between a worker's claim and its hand-over to SMTP
    st.tuples(st.just("suppress_mid_send"), st.integers(0, PEOPLE - 1)),
)
_keys = itertools.count()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(operation, min_size=1, max_size=12))
def test_nothing_is_ever_sent_to_a_suppressed_address(
    personas: Personas,
    smtp_mailbox: Mailbox,
    smtp_sink: SmtpSink,
    template: Template,
    operations: list[tuple[str, int]],
) -> None:
    with transaction.atomic():
        people = [
            make_contactable(
                personas.recruiter, personas.workspace, primary_email=f"p{index}@example.com"
            )
            for index in range(PEOPLE)
        ]
        seen = len(smtp_sink.received)
        for name, index in [*operations, ("deliver", 0)]:
            address = people[index].primary_email
            if name == "queue":
                actions.queue_message(
                    actor=personas.recruiter,
                    workspace=personas.workspace,
                    mailbox=smtp_mailbox,
                    person=people[index],
                    template=template,
                    idempotency_key=f"prop-{next(_keys)}",
                )
            elif name == "suppress":
                actions.suppress(personas.workspace, address, "unsubscribed")
            else:
                suppressed_before = set(Suppression.objects.values_list("address", flat=True))
                _deliver(smtp_mailbox, personas, address if name == "suppress_mid_send" else None)
                suppressed_now = set(Suppression.objects.values_list("address", flat=True))
                new = smtp_sink.received[seen:]
                seen = len(smtp_sink.received)
                for item in new:
                    assert not set(item.rcpt_tos) & suppressed_before
                    assert not set(item.rcpt_tos) & suppressed_now
        transaction.set_rollback(True)


def _deliver(mailbox: Mailbox, personas: Personas, suppress_mid_send: str | None) -> None:
    from talentloop.core import clock

    rows, token = delivery.claim(mailbox, worker_id="prop", now=clock.now())
    if suppress_mid_send:
        actions.suppress(personas.workspace, suppress_mid_send, "complaint")
    if rows:
        delivery.send_claimed(mailbox, rows, token, delivery.DeliveryStats())
