"""The profile's "Contact permission" card (loaded by htmx): may we email this person, on what
lawful basis, and the forms to record a basis or withdraw one."""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods, require_POST

from talentloop.accounts.permissions import require_write
from talentloop.core import clock
from talentloop.core.errors import NotFound, ValidationFailed
from talentloop.outreach import actions, queries
from talentloop.outreach.models import ContactBasis
from talentloop.people.models import Person
from talentloop.people.queries import access_person
from talentloop.ui.forms_outreach import BasisForm, user_zone
from talentloop.ui.views.common import (
    AppRequest,
    apply_errors,
    login_required,
    mark_invalid,
    respond,
    toast,
)

TEMPLATE = "ui/contact_permission/_card.html"


def basis_status(basis: ContactBasis, now: datetime) -> str:
    """active, withdrawn or expired: the same rule contactability applies."""
    if basis.withdrawn_at is not None and basis.withdrawn_at <= now:
        return "withdrawn"
    if basis.expires_at is not None and basis.expires_at <= now:
        return "expired"
    return "active"


def _card(
    request: AppRequest, person: Person, form: BasisForm, *, status: int = 200
) -> HttpResponse:
    now = clock.now()
    user = request.user
    bases = queries.bases_of(user, person).select_related("recorded_by")
    preference = queries.preference_of(person)
    context = {
        "person": person,
        "refusal": queries.contactability(user.tenant_id, person.pk, person.primary_email, None),
        "bases": [(basis, basis_status(basis, now)) for basis in bases],
        "opted_out": preference.opted_out_topics if preference else [],
        "form": form,
        "zone": user_zone(user),
    }
    return respond(request, TEMPLATE, context, status=status)


def _refused(request: AppRequest, person: Person, form: BasisForm) -> HttpResponseBase:
    """Inline errors in the card (htmx); a plain form post goes back to the profile."""
    mark_invalid(form)
    toast(request, "Please fix the highlighted fields", messages.ERROR)
    if not request.htmx:
        return redirect("person", person.pk)
    return _card(request, person, form, status=422)


def _done(request: AppRequest, person: Person) -> HttpResponseBase:
    if not request.htmx:
        return redirect("person", person.pk)
    return _card(request, person, BasisForm())


@login_required
@require_http_methods(["GET", "POST"])
def person_contact(request: AppRequest, person_id: int) -> HttpResponseBase:
    """GET: the card. POST: record consent or legitimate interest."""
    person = access_person(request.user, person_id)
    if request.method != "POST":
        return _card(request, person, BasisForm())
    require_write(request.user)
    form = BasisForm(request.POST)
    if not form.is_valid():
        return _refused(request, person, form)
    fields = form.action_fields(user_zone(request.user))
    try:
        actions.record_basis(actor=request.user, person=person, **fields)
    except ValidationFailed as error:
        apply_errors(form, error)
        return _refused(request, person, form)
    toast(request, "Consent recorded" if fields["basis"] == "consent" else "Basis recorded")
    return _done(request, person)


@login_required
@require_POST
def basis_withdraw(request: AppRequest, person_id: int, basis_id: int) -> HttpResponseBase:
    person = access_person(request.user, person_id)
    basis = queries.bases_of(request.user, person).filter(pk=basis_id).first()
    if basis is None:
        raise NotFound("lawful basis not found")
    actions.withdraw_basis(actor=request.user, basis=basis)
    toast(request, f"{basis.get_basis_display().capitalize()} withdrawn")
    return _done(request, person)
