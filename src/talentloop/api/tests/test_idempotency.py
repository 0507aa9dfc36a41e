"""Idempotency-Key: a retried POST replays the first answer and acts once."""

from __future__ import annotations

import pytest

from talentloop.api.testing import ApiClient
from talentloop.core.models import IdempotencyRecord
from talentloop.people.models import Person

pytestmark = pytest.mark.django_db
KEY = {"Idempotency-Key": "create-ada-1"}


def test_retry_with_same_key_and_body_replays_without_acting_again(personas):
    api = ApiClient(personas.recruiter)

    first = api.post("/people", {"first_name": "Ada"}, headers=KEY)
    second = api.post("/people", {"first_name": "Ada"}, headers=KEY)

    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert second["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    assert Person.objects.count() == 1


def test_json_spacing_does_not_change_the_fingerprint(personas):
    api = ApiClient(personas.recruiter)

    api.post("/people", raw='{"first_name": "Ada"}', headers=KEY)
    second = api.post("/people", raw='{"first_name":"Ada"}', headers=KEY)

    assert second["Idempotent-Replayed"] == "true"


def test_same_key_with_a_different_body_is_422(personas):
    api = ApiClient(personas.recruiter)
    api.post("/people", {"first_name": "Ada"}, headers=KEY)

    response = api.post("/people", {"first_name": "Grace"}, headers=KEY)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert Person.objects.count() == 1


def test_keys_belong_to_their_user(personas):
    ApiClient(personas.recruiter).post("/people", {"first_name": "Ada"}, headers=KEY)

    response = ApiClient(personas.admin).post("/people", {"first_name": "Ada"}, headers=KEY)

    assert response.status_code == 201
    assert not response.has_header("Idempotent-Replayed")
    assert Person.objects.count() == 2


def test_failed_request_is_not_kept_so_a_corrected_retry_runs(personas):
    api = ApiClient(personas.recruiter)

    failed = api.post("/people", {"first_name": "Ada", "country": "Germany"}, headers=KEY)
    fixed = api.post("/people", {"first_name": "Ada", "country": "DE"}, headers=KEY)

    assert failed.status_code == 422
    assert fixed.status_code == 201
    assert Person.objects.count() == 1


def test_a_duplicate_arriving_while_the_first_is_in_flight_gets_409(personas):
    # given the first request has claimed the key but not finished (as a concurrent one sees it)
    api = ApiClient(personas.recruiter)
    api.post("/people", {"first_name": "Ada"}, headers=KEY)
    IdempotencyRecord.objects.filter(key=KEY["Idempotency-Key"]).update(status_code=0)

    # when the duplicate arrives
    response = api.post("/people", {"first_name": "Ada"}, headers=KEY)

    # then it is told to retry later and nothing more is written
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "idempotency_in_progress"
    assert Person.objects.count() == 1


def test_post_without_key_acts_every_time(personas):
    api = ApiClient(personas.recruiter)

    api.post("/people", {"first_name": "Ada"})
    api.post("/people", {"first_name": "Ada"})

    assert Person.objects.count() == 2
