from __future__ import annotations

from datetime import timedelta

import pytest

from talentloop.core import clock
from talentloop.core.models import WorkerHeartbeat
from talentloop.core.worker import beat


@pytest.mark.django_db
def test_healthz_answers_while_the_process_is_up(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_unavailable_without_a_worker_heartbeat(client):
    # given no worker has ever checked in
    # when a load balancer probes readiness
    response = client.get("/readyz")

    # then it is told to wait, and why
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "worker": "no recent heartbeat"}


@pytest.mark.django_db
def test_readyz_is_ready_with_a_fresh_heartbeat(client):
    beat("worker-test-1")

    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json()["status"] == "ok"


@pytest.mark.django_db
def test_readyz_ignores_a_stale_heartbeat(client, settings):
    # given the only worker last checked in longer ago than the allowed age
    WorkerHeartbeat.objects.create(
        worker_id="gone",
        seen_at=clock.now() - timedelta(seconds=settings.WORKER_HEARTBEAT_MAX_AGE + 5),
    )

    response = client.get("/readyz")

    assert response.status_code == 503


@pytest.mark.django_db
def test_a_heartbeat_updates_its_row_instead_of_adding_one():
    beat("worker-test-2")
    beat("worker-test-2")

    assert WorkerHeartbeat.objects.filter(worker_id="worker-test-2").count() == 1
