"""Saving an outreach row whose name is unique in its workspace, with its Event."""

from __future__ import annotations

from django.db import IntegrityError, models, transaction

from talentloop.accounts.models import User
from talentloop.core.errors import Conflict
from talentloop.core.events import record_event


def save_named(
    row: models.Model, *, actor: User, verb: str, changed_fields: list[str], what: str
) -> None:
    """Save the row and record `verb` in one savepoint; a taken name is a 409 naming `what`.

    Why the savepoint: the duplicate name must leave the caller's transaction usable.
    """
    try:
        with transaction.atomic():
            row.save()
            record_event(
                workspace=actor.workspace,  # type: ignore[arg-type]
                actor=actor,
                verb=verb,
                subject=row,
                changed_fields=changed_fields,
            )
    except IntegrityError:
        raise Conflict(f"a {what} with this name exists", fields={"name": "taken"}) from None
