"""Bearer tokens, scopes and browser sessions."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from talentloop.accounts.actions import do_revoke_api_token
from talentloop.accounts.domain import Scope
from talentloop.accounts.models import ApiToken
from talentloop.api.testing import ApiClient
from talentloop.people.models import Person
from talentloop.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_no_token_is_401_in_the_error_format(personas):
    response = ApiClient(None).get("/people")

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_unknown_token_is_401(personas):
    api = ApiClient(None)
    api.headers["Authorization"] = "Bearer tl_not-a-real-token"

    assert api.get("/people").status_code == 401


def test_revoked_token_is_401(personas):
    api = ApiClient(personas.admin)
    do_revoke_api_token(actor=personas.admin, token=ApiToken.objects.get(user=personas.admin))

    assert api.get("/people").status_code == 401


def test_token_of_a_deactivated_user_is_401(personas):
    api = ApiClient(personas.recruiter)
    personas.recruiter.is_active = False
    personas.recruiter.save()

    assert api.get("/people").status_code == 401


def test_read_token_reads_but_cannot_write(personas):
    api = ApiClient(personas.admin, scopes=[Scope.READ])

    assert api.get("/people").status_code == 200
    response = api.post("/people", {"first_name": "Ada"})

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "insufficient_scope"
    assert not Person.objects.exists()


def test_write_only_token_cannot_read(personas):
    api = ApiClient(personas.admin, scopes=[Scope.WRITE])

    assert api.post("/people", {"first_name": "Ada"}).status_code == 201
    assert api.get("/people").status_code == 403


def test_admin_scope_implies_read_and_write(personas):
    api = ApiClient(personas.recruiter, scopes=[Scope.ADMIN])

    assert api.get("/people").status_code == 200
    assert api.post("/people", {"first_name": "Ada"}).status_code == 201


def test_token_still_obeys_its_users_role(personas):
    # given an analyst with an all-powerful token
    api = ApiClient(personas.analyst, scopes=[Scope.ADMIN])

    # then the role still forbids writing
    assert api.post("/people", {"first_name": "Ada"}).status_code == 403


def test_last_used_is_recorded_at_most_once_a_minute(personas):
    api = ApiClient(personas.admin)
    token = ApiToken.objects.get(user=personas.admin)
    start = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)

    with time_machine.travel(start, tick=False):
        api.get("/people")
    with time_machine.travel(start + dt.timedelta(seconds=30), tick=False):
        api.get("/people")
    token.refresh_from_db()
    assert token.last_used_at == start

    with time_machine.travel(start + dt.timedelta(minutes=2), tick=False):
        api.get("/people")
    token.refresh_from_db()
    assert token.last_used_at == start + dt.timedelta(minutes=2)


def test_logged_in_session_can_read_without_a_token(personas):
    client = Client()
    client.login(email=personas.recruiter.email, password=PASSWORD)

    assert client.get("/api/v1/people").status_code == 200


def test_session_writes_need_the_csrf_token(personas):
    # given a browser session with CSRF checks on, as in real browsers
    client = Client(enforce_csrf_checks=True)
    client.login(email=personas.recruiter.email, password=PASSWORD)

    # when it posts without the CSRF token
    response = client.post("/api/v1/people", {"first_name": "Ada"}, content_type="application/json")

    # then it is refused and nothing is written
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert not Person.objects.exists()


def test_session_writes_with_the_csrf_token_succeed(personas):
    client = Client(enforce_csrf_checks=True)
    client.login(email=personas.recruiter.email, password=PASSWORD)
    client.get("/api/v1/docs")  # sets the csrftoken cookie
    csrf = client.cookies["csrftoken"].value

    response = client.post(
        "/api/v1/people",
        {"first_name": "Ada"},
        content_type="application/json",
        headers={"X-CSRFToken": csrf},
    )

    assert response.status_code == 201
