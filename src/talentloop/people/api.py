"""REST endpoints for people, contact points, activities, notes, attachments and tags.

Each view: parse → find the record the caller may see (404 otherwise) → check the role (403)
→ call an action → respond. Reads go through people.queries, writes through people.actions.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest
from ninja import File, Form, Query, Router, Status, UploadedFile

from talentloop.accounts import domain as roles
from talentloop.accounts.models import User, Workspace
from talentloop.accounts.permissions import require_feedback, require_write
from talentloop.api.common import ErrorOut, current_user
from talentloop.api.errors import PayloadTooLarge, UnsupportedMediaType
from talentloop.api.pagination import Page, paginate
from talentloop.core.errors import NotFound, PermissionDenied, ValidationFailed
from talentloop.people import actions, queries
from talentloop.people.domain import ActivityKind
from talentloop.people.models import Activity, Person
from talentloop.people.schemas import (
    PERSON_SORTS,
    ActivityFilters,
    ActivityIn,
    ActivityOut,
    ActivityPatch,
    AttachmentKind,
    AttachmentOut,
    ContactPointIn,
    ContactPointOut,
    ContactPointPatch,
    NoteFilters,
    NoteIn,
    NoteOut,
    NotePatch,
    PageQuery,
    PersonFilters,
    PersonIn,
    PersonOut,
    PersonPatch,
    PersonSummaryOut,
    TagIn,
    TagNamesIn,
    TagOut,
    TagPatch,
)

router = Router()
_NESTED = {"contact_points", "tags", "skills", "work_history", "education"}
_UNSAFE_FILENAME = re.compile(r"[\x00-\x1f\x7f]")


def _workspace(user: User) -> Workspace:
    assert user.workspace is not None  # auth admits only users with a workspace
    return user.workspace


# --- people -----------------------------------------------------------------------------------


@router.get("/people", response=Page[PersonSummaryOut], tags=["people"])
def list_people(request: HttpRequest, filters: Query[PersonFilters]) -> dict[str, Any]:
    """People you may see, filtered; cursor-paginated (pass `next_cursor` back as `cursor`)."""
    user = current_user(request)
    people = queries.filter_people(queries.visible_people(user), **filters.filter_values())
    people = people.prefetch_related("tags")
    items, next_cursor = paginate(
        people, cursor=filters.cursor, limit=filters.limit, sort=filters.sort, allowed=PERSON_SORTS
    )
    return {"items": items, "next_cursor": next_cursor}


@router.post("/people", response={201: PersonOut}, tags=["people"])
def create_person(request: HttpRequest, payload: PersonIn) -> Status[Person]:
    """Create a person with contact points, tags, skills and history in one go."""
    user = current_user(request)
    require_write(user)
    person = actions.do_create_person(
        actor=user,
        workspace=_workspace(user),
        fields=payload.model_dump(exclude_unset=True, exclude=_NESTED),
        contacts=[actions.ContactInput(**point.model_dump()) for point in payload.contact_points],
        tags=payload.tags,
        skills=[actions.SkillInput(**skill.model_dump()) for skill in payload.skills],
        work_history=[actions.WorkInput(**job.model_dump()) for job in payload.work_history],
        education=[actions.EducationInput(**school.model_dump()) for school in payload.education],
    )
    return Status(201, queries.person_detail(user, person.pk))


@router.get("/people/{person_id}", response=PersonOut, tags=["people"])
def get_person(request: HttpRequest, person_id: int) -> Person:
    return queries.person_detail(current_user(request), person_id)


@router.patch("/people/{person_id}", response=PersonOut, tags=["people"])
def update_person(request: HttpRequest, person_id: int, payload: PersonPatch) -> Person:
    """Change only the fields sent; skills/work_history/education sent replace the stored lists."""
    user = current_user(request)
    person = queries.access_person(user, person_id)
    require_write(user)
    given = payload.model_dump(exclude_unset=True)
    lists = {
        name: given.pop(name) for name in ("skills", "work_history", "education") if name in given
    }
    actions.do_update_person(
        actor=user,
        person=person,
        fields=given,
        skills=_inputs(actions.SkillInput, lists.get("skills")),
        work_history=_inputs(actions.WorkInput, lists.get("work_history")),
        education=_inputs(actions.EducationInput, lists.get("education")),
    )
    return queries.person_detail(user, person.pk)


def _inputs(kind: Any, rows: list[dict[str, Any]] | None) -> list[Any] | None:
    return None if rows is None else [kind(**row) for row in rows]


@router.delete("/people/{person_id}", response={204: None}, tags=["people"])
def delete_person(request: HttpRequest, person_id: int) -> Status[None]:
    """Delete a person with their contact points, timeline and files."""
    user = current_user(request)
    person = queries.access_person(user, person_id)
    require_write(user)
    actions.do_delete_person(actor=user, person=person)
    return Status(204, None)


@router.post("/people/{person_id}/tags", response=list[TagOut], tags=["people"])
def tag_person(request: HttpRequest, person_id: int, payload: TagNamesIn) -> list[Any]:
    """Add tags by name (created on first use); answers the person's tags."""
    user = current_user(request)
    person = queries.access_person(user, person_id)
    require_write(user)
    actions.do_tag_people(
        actor=user, workspace=_workspace(user), people=[person], names=payload.names
    )
    return list(person.tags.order_by("name"))


@router.delete("/people/{person_id}/tags/{tag_id}", response={204: None}, tags=["people"])
def untag_person(request: HttpRequest, person_id: int, tag_id: int) -> Status[None]:
    user = current_user(request)
    person = queries.access_person(user, person_id)
    tag = queries.access_tag(user, tag_id)
    require_write(user)
    actions.do_untag_people(actor=user, workspace=_workspace(user), people=[person], tags=[tag])
    return Status(204, None)


# --- contact points ---------------------------------------------------------------------------


@router.get(
    "/people/{person_id}/contact-points", response=list[ContactPointOut], tags=["contact points"]
)
def list_contact_points(request: HttpRequest, person_id: int) -> list[Any]:
    user = current_user(request)
    person = queries.access_person(user, person_id)
    points = queries.visible_contact_points(user).filter(person=person)
    return list(points.order_by("kind", "-is_primary", "id"))


@router.post(
    "/people/{person_id}/contact-points",
    response={201: ContactPointOut},
    tags=["contact points"],
)
def create_contact_point(
    request: HttpRequest, person_id: int, payload: ContactPointIn
) -> Status[Any]:
    """Add an email, phone or URL; it is normalised (E.164, lower-case email) before storing."""
    user = current_user(request)
    person = queries.access_person(user, person_id)
    require_write(user)
    try:
        point = actions.do_add_contact_point(
            actor=user, person=person, contact=actions.ContactInput(**payload.model_dump())
        )
    except ValidationFailed as error:
        # The action names list positions ("contact_points.0.value"); here the body is one point.
        error.fields = {key.rsplit(".", 1)[-1]: text for key, text in error.fields.items()}
        raise
    return Status(201, point)


@router.patch("/contact-points/{point_id}", response=ContactPointOut, tags=["contact points"])
def update_contact_point(request: HttpRequest, point_id: int, payload: ContactPointPatch) -> Any:
    user = current_user(request)
    point = queries.access_contact_point(user, point_id)
    require_write(user)
    return actions.do_update_contact_point(
        actor=user, point=point, label=payload.label, is_primary=payload.is_primary
    )


@router.delete("/contact-points/{point_id}", response={204: None}, tags=["contact points"])
def delete_contact_point(request: HttpRequest, point_id: int) -> Status[None]:
    user = current_user(request)
    point = queries.access_contact_point(user, point_id)
    require_write(user)
    actions.do_remove_contact_point(actor=user, point=point)
    return Status(204, None)


# --- activities -------------------------------------------------------------------------------


@router.get("/activities", response=Page[ActivityOut], tags=["activities"])
def list_activities(request: HttpRequest, filters: Query[ActivityFilters]) -> dict[str, Any]:
    """Timeline entries of the people you may see, newest first."""
    activities = queries.visible_activities(current_user(request))
    if filters.person_id is not None:
        activities = activities.filter(person_id=filters.person_id)
    if filters.kind is not None:
        activities = activities.filter(kind=filters.kind)
    return _activity_page(activities, filters.cursor, filters.limit)


def _activity_page(
    activities: QuerySet[Activity], cursor: str | None, limit: int
) -> dict[str, Any]:
    items, next_cursor = paginate(
        activities, cursor=cursor, limit=limit, sort="-occurred_at",
        allowed={"occurred_at": "occurred_at"},
    )  # fmt: skip
    return {"items": items, "next_cursor": next_cursor}


def _person_for_body(user: User, person_id: int) -> Person:
    """The person a body refers to; an invisible one is a 422 on `person_id`, not a 404."""
    try:
        return queries.access_person(user, person_id)
    except NotFound:
        raise ValidationFailed("no such person", fields={"person_id": "no such person"}) from None


@router.post("/activities", response={201: ActivityOut}, tags=["activities"])
def create_activity(request: HttpRequest, payload: ActivityIn) -> Status[Activity]:
    """Log a call, email, meeting, note… (stage changes come from moving candidacies)."""
    user = current_user(request)
    person = _person_for_body(user, payload.person_id)
    kind = ActivityKind(payload.kind)
    require_feedback(user) if kind is ActivityKind.NOTE else require_write(user)
    activity = actions.do_log_activity(
        actor=user,
        person=person,
        kind=kind,
        body=payload.body,
        subject=payload.subject,
        occurred_at=payload.occurred_at,
        direction=payload.direction,
    )
    return Status(201, activity)


@router.get("/activities/{activity_id}", response=ActivityOut, tags=["activities"])
def get_activity(request: HttpRequest, activity_id: int) -> Activity:
    return queries.access_activity(current_user(request), activity_id)


@router.patch("/activities/{activity_id}", response=ActivityOut, tags=["activities"])
def update_activity(request: HttpRequest, activity_id: int, payload: ActivityPatch) -> Activity:
    user = current_user(request)
    activity = queries.access_activity(user, activity_id)
    _require_editor(user, activity)
    return actions.do_update_activity(
        actor=user, activity=activity, body=payload.body, subject=payload.subject
    )


@router.delete("/activities/{activity_id}", response={204: None}, tags=["activities"])
def delete_activity(request: HttpRequest, activity_id: int) -> Status[None]:
    user = current_user(request)
    activity = queries.access_activity(user, activity_id)
    _require_editor(user, activity)
    actions.do_delete_activity(actor=user, activity=activity)
    return Status(204, None)


def _require_editor(user: User, activity: Activity) -> None:
    """Writers edit any entry; a hiring manager only their own notes; stage changes nobody."""
    if activity.kind == ActivityKind.STAGE_CHANGE:
        raise PermissionDenied("stage changes are recorded by the pipeline and cannot be edited")
    if roles.can_write(user.role_enum):
        return
    if activity.kind == ActivityKind.NOTE and activity.actor_id == user.pk:
        require_feedback(user)
        return
    raise PermissionDenied("your role cannot change this entry")


# --- notes (activities of kind "note") --------------------------------------------------------


@router.get("/notes", response=Page[NoteOut], tags=["notes"])
def list_notes(request: HttpRequest, filters: Query[NoteFilters]) -> dict[str, Any]:
    notes = queries.visible_activities(current_user(request)).filter(kind=ActivityKind.NOTE)
    if filters.person_id is not None:
        notes = notes.filter(person_id=filters.person_id)
    return _activity_page(notes, filters.cursor, filters.limit)


@router.post("/notes", response={201: NoteOut}, tags=["notes"])
def create_note(request: HttpRequest, payload: NoteIn) -> Status[Activity]:
    """Add a note to a person's timeline (hiring managers may, on their jobs' candidates)."""
    user = current_user(request)
    person = _person_for_body(user, payload.person_id)
    require_feedback(user)
    note = actions.do_log_activity(
        actor=user, person=person, kind=ActivityKind.NOTE, body=payload.body
    )
    return Status(201, note)


def _access_note(user: User, note_id: int) -> Activity:
    activity = queries.access_activity(user, note_id)
    if activity.kind != ActivityKind.NOTE:
        raise NotFound("note not found")
    return activity


@router.get("/notes/{note_id}", response=NoteOut, tags=["notes"])
def get_note(request: HttpRequest, note_id: int) -> Activity:
    return _access_note(current_user(request), note_id)


@router.patch("/notes/{note_id}", response=NoteOut, tags=["notes"])
def update_note(request: HttpRequest, note_id: int, payload: NotePatch) -> Activity:
    user = current_user(request)
    note = _access_note(user, note_id)
    _require_editor(user, note)
    return actions.do_update_activity(actor=user, activity=note, body=payload.body)


@router.delete("/notes/{note_id}", response={204: None}, tags=["notes"])
def delete_note(request: HttpRequest, note_id: int) -> Status[None]:
    user = current_user(request)
    note = _access_note(user, note_id)
    _require_editor(user, note)
    actions.do_delete_activity(actor=user, activity=note)
    return Status(204, None)


# --- attachments ------------------------------------------------------------------------------


@router.get("/people/{person_id}/attachments", response=list[AttachmentOut], tags=["attachments"])
def list_attachments(request: HttpRequest, person_id: int) -> list[Any]:
    user = current_user(request)
    person = queries.access_person(user, person_id)
    return list(queries.visible_attachments(user).filter(person=person).order_by("-created_at"))


@router.post(
    "/people/{person_id}/attachments",
    response={201: AttachmentOut, 413: ErrorOut, 415: ErrorOut},
    tags=["attachments"],
)
def upload_attachment(
    request: HttpRequest,
    person_id: int,
    file: Annotated[UploadedFile, File(description="PDF, DOCX, DOC, RTF, TXT, PNG or JPEG")],
    kind: Annotated[AttachmentKind, Form()] = "resume",
) -> Status[Any]:
    """Upload a file (multipart, field `file`); too large → 413, a refused type → 415."""
    user = current_user(request)
    person = queries.access_person(user, person_id)
    require_write(user)
    _check_upload(file)
    attachment = actions.do_upload_attachment(actor=user, person=person, upload=file, kind=kind)
    return Status(201, attachment)


def _check_upload(upload: UploadedFile) -> None:
    """Turn the action's upload checks into the HTTP statuses a client expects."""
    try:
        actions.sniff_upload(upload)
    except ValidationFailed as error:
        reason = error.fields.get("file", "")
        if reason == "too large":
            raise PayloadTooLarge(error.message, fields=error.fields) from None
        if reason == "type not allowed":
            raise UnsupportedMediaType(error.message, fields=error.fields) from None
        raise


@router.get("/attachments/{attachment_id}", response=AttachmentOut, tags=["attachments"])
def get_attachment(request: HttpRequest, attachment_id: int) -> Any:
    return queries.access_attachment(current_user(request), attachment_id)


@router.get(
    "/attachments/{attachment_id}/download",
    tags=["attachments"],
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file, as an attachment under its original name",
                "content": {"application/octet-stream": {"schema": {"type": "string"}}},
            }
        }
    },
)
def download_attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    """The stored file, sent as a download (never rendered inline) under its original name."""
    attachment = queries.access_attachment(current_user(request), attachment_id)
    filename = _UNSAFE_FILENAME.sub("_", attachment.original_name) or "file"
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=filename,
        content_type=attachment.content_type,
    )


@router.delete("/attachments/{attachment_id}", response={204: None}, tags=["attachments"])
def delete_attachment(request: HttpRequest, attachment_id: int) -> Status[None]:
    user = current_user(request)
    attachment = queries.access_attachment(user, attachment_id)
    require_write(user)
    actions.do_delete_attachment(actor=user, attachment=attachment)
    return Status(204, None)


# --- tags -------------------------------------------------------------------------------------


@router.get("/tags", response=Page[TagOut], tags=["tags"])
def list_tags(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    """The workspace's tags, by name."""
    items, next_cursor = paginate(
        queries.tags(current_user(request)),
        cursor=page.cursor, limit=page.limit, sort="name", allowed={"name": "name"},
    )  # fmt: skip
    return {"items": items, "next_cursor": next_cursor}


@router.post("/tags", response={201: TagOut}, tags=["tags"])
def create_tag(request: HttpRequest, payload: TagIn) -> Status[Any]:
    user = current_user(request)
    require_write(user)
    tag = actions.do_create_tag(
        actor=user, workspace=_workspace(user), name=payload.name, color=payload.color
    )
    return Status(201, tag)


@router.patch("/tags/{tag_id}", response=TagOut, tags=["tags"])
def update_tag(request: HttpRequest, tag_id: int, payload: TagPatch) -> Any:
    user = current_user(request)
    tag = queries.access_tag(user, tag_id)
    require_write(user)
    return actions.do_update_tag(actor=user, tag=tag, name=payload.name, color=payload.color)


@router.delete("/tags/{tag_id}", response={204: None}, tags=["tags"])
def delete_tag(request: HttpRequest, tag_id: int) -> Status[None]:
    user = current_user(request)
    tag = queries.access_tag(user, tag_id)
    require_write(user)
    actions.do_delete_tag(actor=user, tag=tag)
    return Status(204, None)
