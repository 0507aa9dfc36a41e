"""Exact, JSON-ready copies of people and every row hanging off them, and their restoration.

Why not django.core.serializers: its JSON encoder cuts datetimes to milliseconds, and an
undo must give back the rows exactly. Values here go through each field's own
`value_to_string` / `to_python`, which keep full precision.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.apps import apps
from django.db import models, router
from django.db.models.deletion import SET_NULL, Collector

from talentloop.people.models import Person

Row = dict[str, Any]


def capture(people: Sequence[Person]) -> list[Row]:
    """These people and everything that would go with them, parents before children.

    Rows that only point at a person through a nullable link (a sent message, an import
    issue) are included too, since a merge re-points them.
    """
    collector = Collector(using=router.db_for_write(Person), origin=None)
    collector.collect(list(people))
    collector.sort()
    # Within a model, rows by primary key: the database returns them in no set order.
    groups: list[Iterable[models.Model]] = [
        sorted(rows, key=lambda row: row.pk) for rows in collector.data.values()
    ]
    groups.extend(list(queryset.order_by("pk")) for queryset in collector.fast_deletes)
    ordered = [row for group in reversed(groups) for row in group]
    ordered.extend(_nullable_links([person.pk for person in people]))
    return [serialize(row) for row in ordered]


def _nullable_links(person_ids: list[int]) -> list[models.Model]:
    rows: list[models.Model] = []
    for relation in Person._meta.related_objects:
        if relation.on_delete is SET_NULL and not relation.many_to_many:
            related = relation.related_model
            assert isinstance(related, type)
            lookup = {f"{relation.field.name}__in": person_ids}
            rows.extend(related._default_manager.filter(**lookup).order_by("pk"))
    return rows


def serialize(row: models.Model) -> Row:
    fields: dict[str, Any] = {}
    for field in row._meta.concrete_fields:
        if field.primary_key:
            continue
        value = getattr(row, field.attname)
        if value is not None and not field.is_relation and not isinstance(value, (dict, list)):
            value = field.value_to_string(row)
        fields[field.attname] = value
    return {"model": row._meta.label_lower, "pk": row.pk, "fields": fields}


def restore(rows: Sequence[Row]) -> int:
    """Put every row back as captured: existing rows updated first, then missing ones inserted.

    Why two passes: a merge moves rows between the two people, and putting a moved row back
    before re-inserting the row it displaced keeps unique constraints (one candidacy per
    person and job, one value per contact kind) satisfied at every statement.
    """
    instances = [(row, _instance(row)) for row in rows]
    existing: dict[str, set[Any]] = {}
    for row, instance in instances:
        label = row["model"]
        if label not in existing:
            pks = [item["pk"] for item in rows if item["model"] == label]
            existing[label] = set(
                type(instance)._default_manager.filter(pk__in=pks).values_list("pk", flat=True)
            )
    missing = []
    for row, instance in instances:
        if row["pk"] in existing[row["model"]]:
            instance.save_base(raw=True, force_update=True)
        else:
            missing.append(instance)
    for instance in missing:
        instance.save_base(raw=True, force_insert=True)
    return len(instances)


def _instance(row: Row) -> models.Model:
    model = apps.get_model(row["model"])
    values: dict[str, Any] = {}
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname not in row["fields"]:
            continue
        value = row["fields"][field.attname]
        values[field.attname] = None if value is None else field.to_python(value)
    instance: models.Model = model(**values)
    instance.pk = row["pk"]
    return instance
