"""The one NinjaAPI behind /api/v1/: auth, error shape, idempotency and every app's router."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, path, re_path
from ninja import NinjaAPI, Swagger
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from talentloop.api import errors, idempotency
from talentloop.api.auth import BearerToken, SessionUser
from talentloop.api.common import ErrorOut
from talentloop.automation.api import router as automation_router
from talentloop.automation.checklist_api import router as checklists_router
from talentloop.core.errors import NotFound
from talentloop.forms.api import router as forms_router
from talentloop.hygiene.api import router as hygiene_router
from talentloop.intake.api import router as imports_router
from talentloop.intake.exports_api import router as exports_router
from talentloop.outreach.api import router as outreach_router
from talentloop.outreach.sequence_api import router as sequences_router
from talentloop.people.api import router as people_router
from talentloop.people.catalog_api import router as catalog_router
from talentloop.people.export_api import router as people_export_router
from talentloop.recruiting.api import router as recruiting_router
from talentloop.recruiting.interview_api import router as interviews_router
from talentloop.search.api import router as search_router
from talentloop.search.segments_api import router as segments_router

DESCRIPTION = """\
The Talentloop REST API. Authenticate with `Authorization: Bearer <token>` (tokens carry the
scopes `read`, `write`, `export`, `admin` and act with their user's role), or with a logged-in
browser session plus CSRF token. Every error is `{"error": {"code", "message", "fields"}}`.
Lists use cursor pagination (`cursor`, `limit`, `next_cursor`). POST honours `Idempotency-Key`.
See docs/api.md.
"""
# Errors any operation can answer; status_code_conformance checks responses against these.
_COMMON_ERRORS = {
    "400": "Malformed request (bad JSON, bad cursor)",
    "401": "Missing or invalid credentials",
    "403": "Your role or token scope does not allow this",
    "422": "Validation failed; `fields` names each problem",
}
_WRITE_ERRORS = {
    "404": "Not found (or not visible to you)",
    "409": "Conflicts with existing data",
    "413": "Payload too large",
}


class TalentloopAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # Short ids ("list_people") make generated clients readable; names are unique per API.
        return str(operation.view_func.__name__)

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        components.update(_error_components())
        for url, methods in schema.get("paths", {}).items():
            for method, operation in methods.items():
                _document_errors(operation.setdefault("responses", {}), url, method)
        return schema


def _error_components() -> dict[str, Any]:
    definition = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    nested = definition.pop("$defs", {})
    return {"ErrorOut": definition, **nested}


def _document_errors(responses: dict[str, Any], url: str, method: str) -> None:
    wanted = dict(_COMMON_ERRORS)
    if "{" in url or method != "get":
        wanted.update(_WRITE_ERRORS)
    for status, description in wanted.items():
        responses.setdefault(
            status,
            {
                "description": description,
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}
                },
            },
        )


api = TalentloopAPI(
    title="Talentloop API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=[BearerToken(), SessionUser()],
    # Swagger UI assets come from ninja's bundled static files ("ninja" is an installed app),
    # so the interactive docs work offline and on air-gapped installs.
    docs=Swagger(settings={"persistAuthorization": True}),
)
errors.install(api)
api.add_decorator(idempotency.idempotent, mode="view")


api.add_router("", people_export_router)
api.add_router("", exports_router)
api.add_router("", imports_router)
api.add_router("", people_router)
api.add_router("", catalog_router)
api.add_router("", recruiting_router)
api.add_router("", interviews_router)
api.add_router("", segments_router)
api.add_router("", search_router)
api.add_router("", outreach_router)
api.add_router("", sequences_router)
api.add_router("", automation_router)
api.add_router("", checklists_router)
api.add_router("", hygiene_router)
api.add_router("", forms_router)


def unknown_endpoint(request: HttpRequest, rest: str = "") -> HttpResponse:
    """JSON 404 for any /api/v1/ path no router serves (instead of the HTML page)."""
    return errors.render_error(NotFound("no such API endpoint"))


urlpatterns: list[URLPattern | URLResolver] = [
    path("", api.urls),
    re_path(r"^(?P<rest>.*)$", unknown_endpoint),
]
