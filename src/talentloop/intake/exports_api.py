"""GET /exports/people: a selection (ids) or a saved segment as CSV, XLSX, JSON Resume or vCard."""

from __future__ import annotations

from django.http import HttpRequest, StreamingHttpResponse
from ninja import Field, Query, Router

from talentloop.accounts.domain import Scope
from talentloop.accounts.permissions import require_export
from talentloop.api.common import StorableText, current_user, require_scope
from talentloop.core.errors import NotFound, ValidationFailed
from talentloop.intake import exports
from talentloop.people import queries
from talentloop.search import segment_queries

router = Router()
MAX_SELECTION = 10_000
_CONTENT = {
    "text/csv": {"schema": {"type": "string"}},
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
        "schema": {"type": "string", "format": "binary"}
    },
    "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
    "application/zip": {"schema": {"type": "string", "format": "binary"}},
    "text/vcard": {"schema": {"type": "string"}},
}


class ExportQuery(StorableText):
    format: exports.ExportFormat = exports.ExportFormat.CSV
    ids: list[int] = Field(default_factory=list, max_length=MAX_SELECTION)
    segment_id: int | None = None


@router.get(
    "/exports/people",
    tags=["exports"],
    openapi_extra={
        "responses": {
            "200": {"description": "The people as a file", "content": _CONTENT},
            "404": {
                "description": "A person or the segment is not found (or not visible to you)",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}
                },
            },
        }
    },
)
def export_selection(request: HttpRequest, query: Query[ExportQuery]) -> StreamingHttpResponse:
    """Download the chosen people (`ids`, repeated) or a segment's members (`segment_id`).

    Needs the `export` token scope and a role that may export personal data (admin,
    recruiter). An id you cannot see answers 404, like a segment of another workspace.
    """
    user = current_user(request)
    require_scope(request, Scope.EXPORT)
    require_export(user)
    if bool(query.ids) == (query.segment_id is not None):
        raise ValidationFailed(
            "give either ids or segment_id", fields={"ids": "give ids or segment_id, not both"}
        )
    segment = None
    if query.segment_id is not None:
        segment = segment_queries.access_segment(user, query.segment_id)
        people = segment_queries.segment_members(user, segment)
        basename = f"segment-{segment.pk}"
    else:
        wanted = set(query.ids)
        people = queries.visible_people(user).filter(pk__in=wanted)
        if people.count() != len(wanted):
            raise NotFound("person not found")
        basename = "people"
    export = exports.do_export_people(
        actor=user, people=people, export_format=query.format, segment=segment, basename=basename
    )
    return exports.streaming_response(export)
