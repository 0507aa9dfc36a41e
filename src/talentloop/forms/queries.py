"""Every read of forms: the team's, scoped to workspace and role, and the public page's."""

from __future__ import annotations

from django.db.models import QuerySet

from talentloop.accounts import domain as roles
from talentloop.accounts.models import User
from talentloop.core.errors import NotFound, PermissionDenied
from talentloop.forms.models import Form, FormSubmission


def check_may_manage(user: User) -> None:
    """Forms add people: the roles that read and write every record manage them."""
    if not roles.can_write(user.role_enum):
        raise PermissionDenied("your role cannot manage forms")


def forms(user: User) -> QuerySet[Form]:
    check_may_manage(user)
    return Form.objects.filter(workspace_id=user.tenant_id)


def access_form(user: User, form_id: int) -> Form:
    """The form of the user's workspace, or 404 (another workspace's id included)."""
    form = Form.objects.filter(workspace_id=user.tenant_id, pk=form_id).first()
    if form is None:
        raise NotFound("form not found")
    check_may_manage(user)
    return form


def submissions(user: User, form: Form) -> QuerySet[FormSubmission]:
    check_may_manage(user)
    return FormSubmission.objects.filter(workspace_id=user.tenant_id, form=form)


def public_form(workspace_slug: str, form_slug: str) -> Form:
    """An active form by its public address; anything else is a 404."""
    form = (
        Form.objects.filter(workspace__slug=workspace_slug, slug=form_slug, active=True)
        .select_related("workspace")
        .first()
    )
    if form is None:
        raise NotFound("form not found")
    return form
