"""Every failure speaks {"error": {"code", "message", "fields"}}; nothing is half-written."""

from __future__ import annotations

import logging

import pytest
from django.test import RequestFactory

from talentloop.api import errors
from talentloop.api.testing import ApiClient
from talentloop.people.models import ContactPoint, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(personas):
    return ApiClient(personas.recruiter)


def test_malformed_json_is_400(api):
    response = api.post("/people", raw='{"first_name": "Ada",')

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"
    assert not Person.objects.exists()


def test_unknown_field_is_422_naming_it(api):
    response = api.post("/people", {"first_name": "Ada", "favourite_colour": "blue"})

    assert response.status_code == 422
    assert response.json()["error"]["fields"] == {"favourite_colour": "unknown field"}
    assert not Person.objects.exists()


def test_nested_type_error_names_the_dotted_path(api):
    response = api.post("/people", {"contact_points": [{"kind": "email", "value": 42}]})

    assert response.status_code == 422
    assert "contact_points.0.value" in response.json()["error"]["fields"]


def test_nul_characters_are_refused_before_reaching_the_database(api):
    response = api.post("/people", {"first_name": "A\u0000da"})

    assert response.status_code == 422
    assert response.json()["error"]["fields"]["first_name"] == "must not contain NUL characters"


def test_oversized_body_is_413(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000

    response = api.post("/people", {"summary": "x" * 5000})

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert not Person.objects.exists()


def test_unknown_api_path_is_json_404(api):
    response = api.get("/no-such-thing")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_wrong_method_is_405(api):
    response = api.client.put("/api/v1/people", headers=api.headers)

    assert response.status_code == 405


def test_unhandled_exception_is_logged_and_answers_500(caplog):
    # given a bug deep inside a view
    request = RequestFactory().get("/api/v1/people")

    # when the API's last-resort handler sees it
    with caplog.at_level(logging.ERROR, logger="talentloop.api"):
        response = errors._on_unhandled(request, RuntimeError("boom"))

    # then the caller gets the error shape and the traceback is in the log
    assert response.status_code == 500
    assert b'"server_error"' in response.content
    assert caplog.records[0].exc_info is not None


def test_invalid_email_is_422_and_writes_nothing(api):
    response = api.post(
        "/people",
        {
            "first_name": "Ada",
            "contact_points": [
                {"kind": "email", "value": "ada@example.com"},
                {"kind": "phone", "value": "not a phone"},
            ],
        },
    )

    assert response.status_code == 422
    assert list(response.json()["error"]["fields"]) == ["contact_points.1.value"]
    assert Person.objects.count() == 0
    assert ContactPoint.objects.count() == 0


def test_a_moment_with_an_offset_the_database_refuses_is_read_as_utc(api):
    # ISO 8601 allows -23:00; PostgreSQL refuses offsets beyond 15:59 in a query
    response = api.get("/people/export?updated_since=2001-01-01T00:00:00-23:00")

    assert response.status_code == 200
    b"".join(response.streaming_content)  # the query runs while the CSV streams


def test_a_moment_beyond_the_calendar_in_utc_is_a_422(api):
    response = api.get("/people?updated_since=0001-01-01T00:00:00%2B23:00")

    assert response.status_code == 422
    assert "updated_since" in response.json()["error"]["fields"]
