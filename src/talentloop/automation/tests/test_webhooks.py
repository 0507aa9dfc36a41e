"""call_webhook against a real HTTP server on loopback: signed, idempotent, retried on 5xx."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from talentloop.automation import engine, webhooks
from talentloop.automation.models import Run
from talentloop.automation.tests.conftest import drive, make_workflow, new_person
from talentloop.core.models import DueItem, Event
from talentloop.people.actions import do_tag_people

pytestmark = pytest.mark.django_db


class Receiver(ThreadingHTTPServer):
    """Records every request; answers with the next scripted status (200 when none is left)."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: list[tuple[dict[str, str], bytes]] = []
        self.statuses: list[int] = []

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}/hooks/talentloop"


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.received.append((dict(self.headers), body))
        status = self.server.statuses.pop(0) if self.server.statuses else 200
        self.send_response(status)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def receiver(local_webhooks: None) -> Iterator[Receiver]:
    server = Receiver()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def webhook_run(personas, receiver) -> tuple[Run, object]:
    workflow = make_workflow(
        personas.recruiter,
        {"kind": "tag_added", "tags": ["hook"]},
        [{"kind": "call_webhook", "url": receiver.url}],
    )
    person = new_person(personas.workspace)
    do_tag_people(actor=personas.recruiter, workspace=personas.workspace, people=[person],
                  names=["hook"])  # fmt: skip
    drive()
    return Run.objects.get(workflow=workflow), person


def test_the_call_is_signed_with_the_workflows_secret(personas, now, receiver):
    run, person = webhook_run(personas, receiver)

    assert run.state == "done"
    assert run.steps.get().decision == f"{receiver.url} answered 200"
    ((headers, body),) = receiver.received
    timestamp = int(headers[webhooks.TIMESTAMP_HEADER])
    assert webhooks.verify(
        run.workflow.webhook_secret, timestamp, body, headers[webhooks.SIGNATURE_HEADER]
    )
    assert not webhooks.verify(
        "another secret", timestamp, body, headers[webhooks.SIGNATURE_HEADER]
    )
    assert headers["Idempotency-Key"] == f"workflow-run:{run.pk}:steps[0]"
    payload = json.loads(body)
    event = Event.objects.filter(verb="person.tagged").get()
    assert payload == {
        "workflow_id": run.workflow_id,
        "workflow_version": 1,
        "run_id": run.pk,
        "depth": 0,
        "step": "steps[0]",
        "subject": {"type": "person", "id": person.pk},
        "person_id": person.pk,
        "event": {
            "id": event.pk,
            "verb": "person.tagged",
            "occurred_at": event.occurred_at.isoformat(),
        },
        "sent_at": now.isoformat(),
    }


def test_a_step_run_twice_calls_the_webhook_once(personas, now, receiver):
    run, _ = webhook_run(personas, receiver)
    item = DueItem.objects.get(key=engine.step_key(run, "steps[0]"))
    Run.objects.filter(pk=run.pk).update(state="running")

    engine.run_step(item)

    assert len(receiver.received) == 1


def test_a_server_error_is_retried_with_the_same_key_and_a_refusal_fails_the_run(
    personas, now, receiver
):
    # given a receiver that fails once with a 503, then accepts
    receiver.statuses = [503]
    run, _ = webhook_run(personas, receiver)
    run.refresh_from_db()
    assert run.state == "running"
    item = DueItem.objects.get(key=engine.step_key(run, "steps[0]"))
    assert "answered 503; trying again later" in item.last_error

    # when the backoff has passed
    drive(now + timedelta(minutes=1))

    # then the second attempt went through, with the same idempotency key
    run.refresh_from_db()
    assert run.state == "done"
    keys = [headers["Idempotency-Key"] for headers, _ in receiver.received]
    assert keys == [f"workflow-run:{run.pk}:steps[0]"] * 2
    assert run.steps.get().attempts == 2

    # and a 400 (the receiver refuses the call) fails a run at once
    receiver.statuses = [400]
    person = new_person(personas.workspace)
    do_tag_people(actor=personas.recruiter, workspace=personas.workspace, people=[person],
                  names=["hook"])  # fmt: skip
    drive(now + timedelta(minutes=2))
    refused = Run.objects.get(person=person)
    assert refused.state == "failed"
    assert refused.error.endswith(f"{receiver.url} answered 400")


def test_an_unreachable_receiver_is_a_temporary_failure(local_webhooks):
    with pytest.raises(webhooks.WebhookFailed, match=r"could not reach 127\.0\.0\.1:9"):
        webhooks.post("http://127.0.0.1:9/x", b"{}", {}, timeout=2)


@pytest.mark.parametrize(
    ("status", "permanent"),
    [(301, True), (400, True), (404, True), (408, False), (429, False), (500, False), (503, False)],
)
def test_which_answers_are_worth_retrying(status, permanent):
    assert webhooks.is_permanent(status) is permanent
