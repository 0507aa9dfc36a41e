"""Every write to the workspace's catalogues: companies, sources and their costs, custom fields."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction

from talentloop.accounts.models import User, Workspace
from talentloop.core.errors import Conflict, ValidationFailed
from talentloop.core.events import record_event
from talentloop.people import domain
from talentloop.people.domain import CustomFieldType, InvalidValue
from talentloop.people.models import Company, CustomFieldDefinition, Source, SourceCost

_COMPANY_TEXT = {"name": 200, "domain": 253, "industry": 100, "size": 32, "city": 100}
COMPANY_FIELDS = frozenset({*_COMPANY_TEXT, "website", "country", "is_client"})
SOURCE_KINDS = frozenset({"job_board", "referral", "agency", "social", "event", "career_site"})
_MAX_COST = Decimal("9999999999.99")


def _text(value: Any, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidValue("must be text")
    text = value.strip()
    if len(text) > limit:
        raise InvalidValue(f"at most {limit} characters")
    return text


def _require(value: str, name: str, what: str) -> None:
    if not value:
        raise ValidationFailed(f"{what} needs a {name}", fields={name: "required"})


# --- companies --------------------------------------------------------------------------------


def clean_company_fields(fields: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    """Check each given company field; all problems come back together as a 422."""
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    for name, value in fields.items():
        try:
            cleaned[name] = _clean_company_field(name, value)
        except InvalidValue as error:
            errors[name] = str(error)
    if (creating or "name" in cleaned) and not cleaned.get("name"):
        errors.setdefault("name", "required")
    if errors:
        raise ValidationFailed("some fields are not valid", fields=errors)
    return cleaned


def _clean_company_field(name: str, value: Any) -> Any:
    if name in _COMPANY_TEXT:
        return _text(value, _COMPANY_TEXT[name])
    if name == "website":
        text = _text(value, 200)
        return domain.normalize_url(text) if text else ""
    if name == "country":
        return domain.check_country(_text(value, 2))
    if name == "is_client":
        if not isinstance(value, bool):
            raise InvalidValue("must be true or false")
        return value
    raise InvalidValue("unknown field")


@transaction.atomic
def do_create_company(
    *, actor: User | None, workspace: Workspace, fields: Mapping[str, Any]
) -> Company:
    """Add an employer or client company to the workspace."""
    cleaned = clean_company_fields(fields, creating=True)
    company = Company.objects.create(workspace=workspace, **cleaned)
    record_event(
        workspace=workspace,
        actor=actor,
        verb="company.created",
        subject=company,
        changed_fields=cleaned,
    )
    return company


@transaction.atomic
def do_update_company(
    *, actor: User | None, company: Company, fields: Mapping[str, Any]
) -> Company:
    """Change the given fields only; an unchanged company writes no event."""
    cleaned = clean_company_fields(fields, creating=False)
    changed = [name for name, value in cleaned.items() if getattr(company, name) != value]
    for name in changed:
        setattr(company, name, cleaned[name])
    if changed:
        company.save(update_fields=[*changed, "updated_at"])
        record_event(
            workspace=company.workspace,
            actor=actor,
            verb="company.updated",
            subject=company,
            changed_fields=changed,
        )
    return company


@transaction.atomic
def do_delete_company(*, actor: User | None, company: Company) -> None:
    """Remove a company; people and jobs pointing at it keep their rows with no company."""
    record_event(workspace=company.workspace, actor=actor, verb="company.deleted", subject=company)
    company.delete()


# --- sources ----------------------------------------------------------------------------------


def _clean_source_kind(kind: str) -> str:
    value = (kind or "other").strip()
    if value != "other" and value not in SOURCE_KINDS:
        allowed = ", ".join(sorted({*SOURCE_KINDS, "other"}))
        raise ValidationFailed("unknown source kind", fields={"kind": f"must be one of: {allowed}"})
    return value


def _save_source(source: Source) -> None:
    # Why the savepoint: a duplicate name must answer 409 and leave the outer transaction usable.
    try:
        with transaction.atomic():
            source.save()
    except IntegrityError:
        raise Conflict(
            "a source with this name already exists",
            code="duplicate_source",
            fields={"name": "taken"},
        ) from None


@transaction.atomic
def do_create_source(
    *, actor: User | None, workspace: Workspace, name: str, kind: str = "other"
) -> Source:
    """Add a place people come from; names are unique within the workspace."""
    try:
        clean_name = _text(name, 100)
    except InvalidValue as error:
        raise ValidationFailed(str(error), fields={"name": str(error)}) from None
    _require(clean_name, "name", "a source")
    source = Source(workspace=workspace, name=clean_name, kind=_clean_source_kind(kind))
    _save_source(source)
    record_event(workspace=workspace, actor=actor, verb="source.created", subject=source)
    return source


@transaction.atomic
def do_update_source(
    *, actor: User | None, source: Source, name: str | None = None, kind: str | None = None
) -> Source:
    changed: list[str] = []
    if name is not None:
        try:
            clean_name = _text(name, 100)
        except InvalidValue as error:
            raise ValidationFailed(str(error), fields={"name": str(error)}) from None
        _require(clean_name, "name", "a source")
        if clean_name != source.name:
            source.name, changed = clean_name, [*changed, "name"]
    if kind is not None:
        clean_kind = _clean_source_kind(kind)
        if clean_kind != source.kind:
            source.kind, changed = clean_kind, [*changed, "kind"]
    if changed:
        _save_source(source)
        record_event(
            workspace=source.workspace,
            actor=actor,
            verb="source.updated",
            subject=source,
            changed_fields=changed,
        )
    return source


@transaction.atomic
def do_delete_source(*, actor: User | None, source: Source) -> None:
    """Remove a source and its costs; people and candidacies keep their rows without it."""
    record_event(workspace=source.workspace, actor=actor, verb="source.deleted", subject=source)
    source.delete()


def clean_cost(
    *, amount: Any, currency: Any, period_start: Any, period_end: Any
) -> tuple[Decimal, str, dt.date, dt.date]:
    """Validate one spend entry: amount ≥ 0, an ISO 4217 currency, an ordered period."""
    errors: dict[str, str] = {}
    clean_amount = _amount(amount, errors)
    clean_currency = _currency(currency, errors)
    start = _date(period_start, "period_start", errors)
    end = _date(period_end, "period_end", errors)
    if start and end and start > end:
        errors.setdefault("period_end", "before the period start")
    if errors:
        raise ValidationFailed("some fields are not valid", fields=errors)
    if clean_amount is None or start is None or end is None:  # unreachable: errors were raised
        raise ValidationFailed("some fields are not valid", fields=errors)
    return clean_amount, clean_currency, start, end


def _amount(value: Any, errors: dict[str, str]) -> Decimal | None:
    try:
        if isinstance(value, bool) or value is None:
            raise InvalidOperation
        amount = Decimal(str(value))
    except InvalidOperation:
        errors["amount"] = "must be a number"
        return None
    if not amount.is_finite() or amount < 0 or amount > _MAX_COST:
        errors["amount"] = "must be between 0 and 9,999,999,999.99"
        return None
    if amount != amount.quantize(Decimal("0.01")):
        errors["amount"] = "at most two decimal places"
        return None
    return amount.quantize(Decimal("0.01"))


def _currency(value: Any, errors: dict[str, str]) -> str:
    try:
        code = domain.check_currency(_text(value, 3) if value is not None else "")
    except InvalidValue as error:
        errors["currency"] = str(error)
        return ""
    if not code:
        errors["currency"] = "required"
    return code


def _date(value: Any, name: str, errors: dict[str, str]) -> dt.date | None:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        errors[name] = "must be a date as YYYY-MM-DD"
        return None


@transaction.atomic
def do_add_source_cost(
    *,
    actor: User | None,
    source: Source,
    amount: Any,
    currency: Any,
    period_start: Any,
    period_end: Any,
    note: str = "",
) -> SourceCost:
    """Record what a source cost over a period; it feeds cost-per-hire."""
    clean_amount, clean_currency, start, end = clean_cost(
        amount=amount, currency=currency, period_start=period_start, period_end=period_end
    )
    cost = SourceCost.objects.create(
        workspace=source.workspace,
        source=source,
        amount=clean_amount,
        currency=clean_currency,
        period_start=start,
        period_end=end,
        note=(note or "").strip()[:200],
    )
    record_event(
        workspace=source.workspace,
        actor=actor,
        verb="source.cost_added",
        subject=source,
        data={"source_cost_id": cost.pk},
    )
    return cost


@transaction.atomic
def do_delete_source_cost(*, actor: User | None, cost: SourceCost) -> None:
    record_event(
        workspace=cost.workspace,
        actor=actor,
        verb="source.cost_deleted",
        subject=cost.source,
        data={"source_cost_id": cost.pk},
    )
    cost.delete()


# --- custom fields ----------------------------------------------------------------------------


def _clean_choices(field_type: CustomFieldType, choices: Sequence[Any]) -> list[str]:
    if field_type is not CustomFieldType.CHOICE:
        if choices:
            raise ValidationFailed(
                "only choice fields have choices", fields={"choices": "only for choice fields"}
            )
        return []
    if not all(isinstance(choice, str) for choice in choices):
        raise ValidationFailed("choices are text", fields={"choices": "must be a list of text"})
    cleaned = list(dict.fromkeys(choice.strip()[:100] for choice in choices if choice.strip()))
    if not cleaned:
        raise ValidationFailed(
            "a choice field needs at least one choice", fields={"choices": "required"}
        )
    return cleaned


def _clean_label(label: Any) -> str:
    try:
        text = _text(label, 100)
    except InvalidValue as error:
        raise ValidationFailed(str(error), fields={"label": str(error)}) from None
    _require(text, "label", "a custom field")
    return text


def _field_type(value: str) -> CustomFieldType:
    try:
        return CustomFieldType(value)
    except ValueError:
        allowed = ", ".join(member.value for member in CustomFieldType)
        raise ValidationFailed(
            "unknown field type", fields={"field_type": f"must be one of: {allowed}"}
        ) from None


@transaction.atomic
def do_create_custom_field(
    *,
    actor: User | None,
    workspace: Workspace,
    key: str,
    label: str,
    field_type: str,
    choices: Sequence[Any] = (),
) -> CustomFieldDefinition:
    """Define a typed field on people; its key is fixed from now on."""
    try:
        clean_key = domain.check_custom_field_key(key)
    except InvalidValue as error:
        raise ValidationFailed(str(error), fields={"key": str(error)}) from None
    kind = _field_type(field_type)
    definition = CustomFieldDefinition(
        workspace=workspace,
        key=clean_key,
        label=_clean_label(label),
        field_type=kind.value,
        choices=_clean_choices(kind, choices),
    )
    try:
        with transaction.atomic():
            definition.save()
    except IntegrityError:
        raise Conflict(
            "a custom field with this key already exists",
            code="duplicate_key",
            fields={"key": "taken"},
        ) from None
    record_event(
        workspace=workspace,
        actor=actor,
        verb="custom_field.created",
        subject=definition,
        data={"key": clean_key, "field_type": kind.value},
    )
    return definition


@transaction.atomic
def do_update_custom_field(
    *,
    actor: User | None,
    definition: CustomFieldDefinition,
    label: str | None = None,
    choices: Sequence[Any] | None = None,
    key: str | None = None,
) -> CustomFieldDefinition:
    """Relabel a field or change its choices; the key and type never change."""
    if key is not None and key != definition.key:
        # Why: stored values on every person are keyed by it; renaming would orphan them.
        raise ValidationFailed(
            "a custom field's key cannot change", fields={"key": "cannot change once created"}
        )
    changed: list[str] = []
    if label is not None:
        clean_label = _clean_label(label)
        if clean_label != definition.label:
            definition.label, changed = clean_label, [*changed, "label"]
    if choices is not None:
        clean_choices = _clean_choices(CustomFieldType(definition.field_type), choices)
        if clean_choices != definition.choices:
            definition.choices, changed = clean_choices, [*changed, "choices"]
    if changed:
        definition.save(update_fields=[*changed, "updated_at"])
        record_event(
            workspace=definition.workspace,
            actor=actor,
            verb="custom_field.updated",
            subject=definition,
            changed_fields=changed,
        )
    return definition


@transaction.atomic
def do_archive_custom_field(
    *, actor: User | None, definition: CustomFieldDefinition
) -> CustomFieldDefinition:
    """Hide a field from forms and validation; stored values stay, and so does its key."""
    if not definition.archived:
        definition.archived = True
        definition.save(update_fields=["archived", "updated_at"])
        record_event(
            workspace=definition.workspace,
            actor=actor,
            verb="custom_field.archived",
            subject=definition,
            changed_fields=["archived"],
        )
    return definition
