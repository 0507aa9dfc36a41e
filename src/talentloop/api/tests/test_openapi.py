"""The published OpenAPI document is valid 3.1 and documents the error shape everywhere."""

from __future__ import annotations

import jsonschema_rs
import pytest
from django.test import Client
from schemathesis.specs.openapi.definitions import OPENAPI_31


@pytest.fixture
def document():
    return Client().get("/api/v1/openapi.json").json()


def test_openapi_document_validates_against_the_31_meta_schema(document):
    # given the meta-schema bundled with schemathesis
    validator = jsonschema_rs.validator_for(OPENAPI_31)

    # then it can tell a broken document apart, and the served one has no errors
    assert not validator.is_valid({"openapi": "3.1.0", "info": {}})
    assert [error.message for error in validator.iter_errors(document)] == []


def test_operation_ids_are_unique_and_short(document):
    ids = [op["operationId"] for methods in document["paths"].values() for op in methods.values()]

    assert len(ids) == len(set(ids))
    assert "list_people" in ids


def test_every_operation_documents_auth_and_validation_errors(document):
    for methods in document["paths"].values():
        for operation in methods.values():
            for status in ("401", "403", "422"):
                schema = operation["responses"][status]["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/ErrorOut"}


def test_docs_page_serves_swagger_ui_from_local_static_files():
    # when the interactive docs are opened
    page = Client().get("/api/v1/docs").content.decode()

    # then the assets come from this server, not a CDN (works offline)
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
