"""Two people created at once with the same email: one is refused (PostgreSQL)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from talentloop.core.errors import Conflict
from talentloop.people import actions
from talentloop.people.actions import ContactInput
from talentloop.people.models import ContactPoint
from talentloop.testing.factories import WorkspaceFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="SQLite lets one writer in at a time"
    ),
]
MEET_WAIT_S = 3.0


def test_two_creations_with_one_email_at_once_keep_it_to_one_person(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # given both creations look the email up before either stores it, if they can
    workspace = WorkspaceFactory()
    meeting = threading.Barrier(2, timeout=MEET_WAIT_S)
    real: Callable[..., Any] = actions.find_email_owner

    def find_email_owner(**kwargs: Any) -> Any:
        found = real(**kwargs)
        # A broken meeting: the other creation waits for this one's commit (the lock at work).
        with contextlib.suppress(threading.BrokenBarrierError):
            meeting.wait()
        return found

    monkeypatch.setattr(actions, "find_email_owner", find_email_owner)
    outcomes: list[str] = []

    def create(name: str) -> None:
        try:
            actions.do_create_person(
                actor=None,
                workspace=workspace,
                fields={"first_name": name, "last_name": "Twin"},
                contacts=[ContactInput("email", "twin@example.com", is_primary=True)],
            )
            outcomes.append("created")
        except Conflict:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(name,)) for name in ("Ada", "Eve")]
    # when both run
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then the address belongs to one person and the other creation was refused
    assert sorted(outcomes) == ["created", "refused"]
    assert ContactPoint.objects.filter(workspace=workspace, value="twin@example.com").count() == 1
