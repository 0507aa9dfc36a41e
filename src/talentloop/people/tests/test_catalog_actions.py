"""Companies, sources and their costs, custom field definitions: rows, events, refusals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from talentloop.core.errors import Conflict, ValidationFailed
from talentloop.core.models import Event
from talentloop.people import catalog_actions
from talentloop.people.models import Company, CustomFieldDefinition, Source, SourceCost
from talentloop.testing.factories import CompanyFactory, SourceFactory


def _events(verb: str) -> list[Event]:
    return list(Event.objects.filter(verb=verb).order_by("id"))


# --- companies --------------------------------------------------------------------------------


def test_create_company_normalises_fields_and_records_event(personas):
    # when
    company = catalog_actions.do_create_company(
        actor=personas.recruiter,
        workspace=personas.workspace,
        fields={"name": "  Acme GmbH ", "website": "acme.example", "country": "de"},
    )

    # then
    company.refresh_from_db()
    assert (company.name, company.website, company.country) == (
        "Acme GmbH",
        "https://acme.example",
        "DE",
    )
    [event] = _events("company.created")
    assert event.actor == personas.recruiter
    assert set(event.changed_fields) == {"name", "website", "country"}
    assert "Acme" not in str(event.data)


def test_create_company_reports_every_bad_field_and_writes_nothing(personas):
    # when
    with pytest.raises(ValidationFailed) as caught:
        catalog_actions.do_create_company(
            actor=personas.admin,
            workspace=personas.workspace,
            fields={"name": "", "country": "Germany", "colour": "red"},
        )

    # then
    assert set(caught.value.fields) == {"name", "country", "colour"}
    assert not Company.objects.exists()
    assert not _events("company.created")


def test_update_company_records_only_changed_fields(personas):
    # given
    company = CompanyFactory(workspace=personas.workspace, name="Acme", city="Berlin")

    # when
    catalog_actions.do_update_company(
        actor=personas.admin, company=company, fields={"name": "Acme", "city": "Hamburg"}
    )

    # then
    company.refresh_from_db()
    assert company.city == "Hamburg"
    [event] = _events("company.updated")
    assert event.changed_fields == ["city"]


def test_update_company_without_changes_writes_no_event(personas):
    # given
    company = CompanyFactory(workspace=personas.workspace, name="Acme")

    # when
    catalog_actions.do_update_company(
        actor=personas.admin, company=company, fields={"name": "Acme"}
    )

    # then
    assert not _events("company.updated")


def test_delete_company_keeps_its_people(personas):
    # given
    from talentloop.testing.factories import PersonFactory

    company = CompanyFactory(workspace=personas.workspace)
    person = PersonFactory(workspace=personas.workspace, current_company=company)
    company_id = company.pk

    # when
    catalog_actions.do_delete_company(actor=personas.admin, company=company)

    # then
    person.refresh_from_db()
    assert person.current_company is None
    assert _events("company.deleted")[0].subject_id == company_id


# --- sources and costs ------------------------------------------------------------------------


def test_source_names_are_unique_per_workspace(personas):
    # given
    catalog_actions.do_create_source(
        actor=personas.admin, workspace=personas.workspace, name="LinkedIn"
    )

    # when
    with pytest.raises(Conflict) as caught:
        catalog_actions.do_create_source(
            actor=personas.admin, workspace=personas.workspace, name="LinkedIn"
        )

    # then
    assert caught.value.fields == {"name": "taken"}
    assert Source.objects.filter(workspace=personas.workspace).count() == 1
    assert len(_events("source.created")) == 1


def test_another_workspace_may_reuse_a_source_name(personas):
    # given
    catalog_actions.do_create_source(
        actor=personas.admin, workspace=personas.workspace, name="LinkedIn"
    )

    # when
    source = catalog_actions.do_create_source(
        actor=personas.outsider, workspace=personas.outsider.workspace, name="LinkedIn"
    )

    # then
    assert source.workspace == personas.outsider.workspace


def test_renaming_a_source_onto_another_name_is_a_conflict(personas):
    # given
    SourceFactory(workspace=personas.workspace, name="Indeed")
    source = SourceFactory(workspace=personas.workspace, name="Referral")

    # when
    with pytest.raises(Conflict):
        catalog_actions.do_update_source(actor=personas.admin, source=source, name="Indeed")

    # then
    assert Source.objects.get(pk=source.pk).name == "Referral"
    assert not _events("source.updated")


def test_unknown_source_kind_is_refused(personas):
    with pytest.raises(ValidationFailed) as caught:
        catalog_actions.do_create_source(
            actor=personas.admin, workspace=personas.workspace, name="X", kind="billboard"
        )
    assert "kind" in caught.value.fields


def test_add_source_cost_stores_rounded_amount_and_event_without_values(personas):
    # given
    source = SourceFactory(workspace=personas.workspace)

    # when
    cost = catalog_actions.do_add_source_cost(
        actor=personas.admin,
        source=source,
        amount="1200.5",
        currency="eur",
        period_start="2026-01-01",
        period_end="2026-01-31",
    )

    # then
    cost.refresh_from_db()
    assert (cost.amount, cost.currency) == (Decimal("1200.50"), "EUR")
    assert cost.period_end == dt.date(2026, 1, 31)
    [event] = _events("source.cost_added")
    assert event.data == {"source_cost_id": cost.pk}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": "-1"}, "amount"),
        ({"amount": "abc"}, "amount"),
        ({"amount": "1.234"}, "amount"),
        ({"currency": "euro"}, "currency"),
        ({"currency": ""}, "currency"),
        ({"period_start": "2026-02-01"}, "period_end"),
        ({"period_end": "31/01/2026"}, "period_end"),
    ],
)
def test_bad_source_cost_is_refused_naming_the_field(personas, changes, field):
    # given
    source = SourceFactory(workspace=personas.workspace)
    entry = {
        "amount": "100",
        "currency": "EUR",
        "period_start": "2026-01-01",
        "period_end": "2026-01-31",
        **changes,
    }

    # when
    with pytest.raises(ValidationFailed) as caught:
        catalog_actions.do_add_source_cost(actor=personas.admin, source=source, **entry)

    # then
    assert field in caught.value.fields
    assert not SourceCost.objects.exists()


def test_delete_source_cost(personas):
    # given
    source = SourceFactory(workspace=personas.workspace)
    cost = catalog_actions.do_add_source_cost(
        actor=personas.admin,
        source=source,
        amount=0,
        currency="USD",
        period_start=dt.date(2026, 1, 1),
        period_end=dt.date(2026, 1, 1),
    )

    cost_id = cost.pk

    # when
    catalog_actions.do_delete_source_cost(actor=personas.admin, cost=cost)

    # then
    assert not SourceCost.objects.exists()
    assert _events("source.cost_deleted")[0].data == {"source_cost_id": cost_id}


# --- custom fields ----------------------------------------------------------------------------


def test_create_choice_field(personas):
    # when
    definition = catalog_actions.do_create_custom_field(
        actor=personas.admin,
        workspace=personas.workspace,
        key="notice_period",
        label="Notice period",
        field_type="choice",
        choices=["none", "1 month", "1 month", " 3 months "],
    )

    # then
    assert definition.choices == ["none", "1 month", "3 months"]
    [event] = _events("custom_field.created")
    assert event.data == {"key": "notice_period", "field_type": "choice"}


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"key": "Notice Period"}, "key"),
        ({"key": "1st"}, "key"),
        ({"label": " "}, "label"),
        ({"field_type": "colour"}, "field_type"),
        ({"field_type": "choice", "choices": []}, "choices"),
        ({"field_type": "text", "choices": ["a"]}, "choices"),
    ],
)
def test_bad_custom_field_is_refused_naming_the_field(personas, arguments, field):
    # given
    definition = {"key": "notice", "label": "Notice", "field_type": "text", **arguments}

    # when
    with pytest.raises(ValidationFailed) as caught:
        catalog_actions.do_create_custom_field(
            actor=personas.admin, workspace=personas.workspace, **definition
        )

    # then
    assert field in caught.value.fields
    assert not CustomFieldDefinition.objects.exists()


def test_custom_field_keys_are_unique(personas):
    # given
    catalog_actions.do_create_custom_field(
        actor=personas.admin, workspace=personas.workspace, key="k", label="K", field_type="text"
    )

    # when / then
    with pytest.raises(Conflict):
        catalog_actions.do_create_custom_field(
            actor=personas.admin,
            workspace=personas.workspace,
            key="k",
            label="Other",
            field_type="number",
        )


def test_custom_field_key_cannot_change(personas):
    # given
    definition = catalog_actions.do_create_custom_field(
        actor=personas.admin, workspace=personas.workspace, key="k", label="K", field_type="text"
    )

    # when
    with pytest.raises(ValidationFailed) as caught:
        catalog_actions.do_update_custom_field(
            actor=personas.admin, definition=definition, key="renamed", label="New"
        )

    # then
    assert "key" in caught.value.fields
    definition.refresh_from_db()
    assert (definition.key, definition.label) == ("k", "K")


def test_update_custom_field_label_and_choices(personas):
    # given
    definition = catalog_actions.do_create_custom_field(
        actor=personas.admin,
        workspace=personas.workspace,
        key="level",
        label="Level",
        field_type="choice",
        choices=["a"],
    )

    # when
    catalog_actions.do_update_custom_field(
        actor=personas.admin, definition=definition, key="level", label="Grade", choices=["a", "b"]
    )

    # then
    definition.refresh_from_db()
    assert (definition.label, definition.choices) == ("Grade", ["a", "b"])
    assert set(_events("custom_field.updated")[0].changed_fields) == {"label", "choices"}


def test_archive_custom_field_once(personas):
    # given
    definition = catalog_actions.do_create_custom_field(
        actor=personas.admin, workspace=personas.workspace, key="k", label="K", field_type="text"
    )

    # when
    catalog_actions.do_archive_custom_field(actor=personas.admin, definition=definition)
    catalog_actions.do_archive_custom_field(actor=personas.admin, definition=definition)

    # then
    definition.refresh_from_db()
    assert definition.archived
    assert len(_events("custom_field.archived")) == 1
