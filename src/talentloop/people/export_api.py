"""GET /people/export: the filtered people list as a CSV stream, for callers allowed to export."""

from __future__ import annotations

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Query, Router

from talentloop.accounts.domain import Scope
from talentloop.accounts.permissions import require_export
from talentloop.api.common import current_user, require_scope
from talentloop.people import queries
from talentloop.people.export import csv_lines
from talentloop.people.schemas import PersonExportFilters

router = Router()


@router.get(
    "/people/export",
    tags=["people"],
    openapi_extra={
        "responses": {
            "200": {
                "description": "CSV of every person you may see that matches the filters",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            }
        }
    },
)
def export_people(
    request: HttpRequest, filters: Query[PersonExportFilters]
) -> StreamingHttpResponse:
    """Stream the people you may see that match the filters, as CSV ordered by id.

    Needs a token with the `export` scope (or `admin`) and a role that may export personal
    data (admin, recruiter); hiring managers, coordinators and analysts get a 403.
    """
    user = current_user(request)
    require_scope(request, Scope.EXPORT)
    require_export(user)
    people = queries.filter_people(queries.visible_people(user), **filters.filter_values())
    rows = people.select_related("owner", "source").order_by("id").iterator(chunk_size=2000)
    response = StreamingHttpResponse(csv_lines(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="people.csv"'
    response["Cache-Control"] = "no-store"  # Why: personal data must not linger in caches.
    return response
