"""Property-based conformance: every operation, generated input, no 5xx, documented answers."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from talentloop.api.testing import ApiClient
from talentloop.config.wsgi import application
from talentloop.testing.factories import JobFactory, PersonFactory

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance]


@pytest.fixture(autouse=True)
def _keep_the_test_transaction():
    # Why: the raw WSGI app closes "old" connections after each request, which on PostgreSQL
    # ends the test's transaction; Django's own test client unhooks the same signals.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def admin_headers(personas):
    # A little data so generated ids sometimes hit real rows.
    PersonFactory(workspace=personas.workspace)
    JobFactory(workspace=personas.workspace)
    return ApiClient(personas.admin).headers


@schema.parametrize()
@settings(
    max_examples=5,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
@pytest.mark.django_db
def test_api_conforms_to_its_schema(case, admin_headers):
    case.call_and_validate(headers=admin_headers, checks=CHECKS)
