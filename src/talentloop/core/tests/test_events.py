from __future__ import annotations

import pytest
from django.db import transaction

from talentloop.core.events import dispatch_pending, register_consumer
from talentloop.core.models import Event
from talentloop.people.actions import do_create_person


@pytest.mark.django_db(transaction=True)
def test_rolled_back_action_leaves_no_event(personas):
    # given a person creation inside a transaction that then fails
    def create_then_fail():
        with transaction.atomic():
            do_create_person(
                actor=personas.admin, workspace=personas.workspace, fields={"first_name": "Ada"}
            )
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        create_then_fail()

    # then no event survived the rollback
    assert not Event.objects.filter(verb="person.created").exists()


@pytest.mark.django_db
def test_dispatch_hands_each_event_to_consumers_once(personas):
    seen: list[int] = []
    register_consumer(lambda event: seen.append(event.pk))
    person = do_create_person(
        actor=personas.admin, workspace=personas.workspace, fields={"first_name": "Ada"}
    )

    dispatch_pending()
    dispatch_pending()

    event = Event.objects.get(verb="person.created", subject_id=person.pk)
    assert seen.count(event.pk) == 1
    assert event.dispatched_at is not None
    assert event.changed_fields == ["first_name"]
    assert "Ada" not in str(event.data)
