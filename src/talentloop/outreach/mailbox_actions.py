"""Mailbox writes: sending identities with encrypted SMTP/IMAP credentials."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from talentloop.accounts import domain as roles
from talentloop.accounts import permissions
from talentloop.accounts.models import User
from talentloop.core.errors import PermissionDenied, ValidationFailed
from talentloop.core.events import record_event
from talentloop.outreach import domain, secrets
from talentloop.outreach.models import Mailbox
from talentloop.outreach.saving import save_named

PLAIN_FIELDS = (
    "name",
    "from_name",
    "from_address",
    "reply_to",
    "kind",
    "smtp_host",
    "smtp_port",
    "smtp_security",
    "smtp_username",
    "imap_host",
    "imap_port",
    "imap_ssl",
    "imap_username",
    "imap_folder",
    "daily_limit",
    "min_spacing_seconds",
    "active",
    "track_opens",
    "track_clicks",
)
SECRET_FIELDS = {
    "smtp_password": "smtp_password_encrypted",
    "imap_password": "imap_password_encrypted",
}


def _check_may_manage(actor: User, mailbox: Mailbox | None, owner_id: int | None) -> None:
    # Admins manage every mailbox; writers manage only their own personal one.
    permissions.require_write(actor)
    if roles.can_administer(actor.role_enum):
        return
    current_owner = mailbox.owner_id if mailbox else owner_id
    if current_owner != actor.pk or owner_id != actor.pk:
        raise PermissionDenied("only admins manage shared or teammates' mailboxes")


def save_mailbox(*, actor: User, mailbox: Mailbox | None = None, **fields: Any) -> Mailbox:
    """Create or update a mailbox; passwords are encrypted before they reach the database."""
    creating = mailbox is None
    row = mailbox or Mailbox(workspace_id=actor.tenant_id)
    owner_id = fields.pop("owner_id", row.owner_id if not creating else actor.pk)
    _check_may_manage(actor, mailbox, owner_id)
    if "allow_send_on_behalf" in fields:
        if fields["allow_send_on_behalf"] != row.allow_send_on_behalf:
            permissions.require_admin(actor)  # the admin decides who may send as whom
        row.allow_send_on_behalf = bool(fields.pop("allow_send_on_behalf"))
    changed = [name for name in PLAIN_FIELDS if name in fields and fields[name] is not None]
    for name in changed:
        setattr(row, name, fields[name])
    row.from_address = domain.normalise_address(row.from_address)
    row.owner_id = owner_id
    for given, stored in SECRET_FIELDS.items():
        if fields.get(given) is not None:
            setattr(row, stored, secrets.encrypt(fields[given]))
            changed.append(given)
    problems = domain.mailbox_problems(
        kind=row.kind,
        from_address=row.from_address,
        smtp_host=row.smtp_host,
        daily_limit=row.daily_limit,
    )
    if problems:
        raise ValidationFailed("the mailbox settings are incomplete", fields=problems)
    save_named(
        row,
        actor=actor,
        verb="mailbox.created" if creating else "mailbox.updated",
        changed_fields=changed,
        what="mailbox",
    )
    return row


def deactivate_mailbox(*, actor: User, mailbox: Mailbox) -> Mailbox:
    """Stop sending from a mailbox; its queued mail waits until it is active again."""
    _check_may_manage(actor, mailbox, mailbox.owner_id)
    with transaction.atomic():
        mailbox.active = False
        mailbox.save(update_fields=["active", "updated_at"])
        record_event(
            workspace=actor.workspace,  # type: ignore[arg-type]
            actor=actor,
            verb="mailbox.updated",
            subject=mailbox,
            changed_fields=["active"],
        )
    return mailbox


def smtp_password(mailbox: Mailbox) -> str:
    return secrets.decrypt(mailbox.smtp_password_encrypted)


def imap_password(mailbox: Mailbox) -> str:
    return secrets.decrypt(mailbox.imap_password_encrypted)


def may_manage(actor: User, mailbox: Mailbox) -> bool:
    """Whether save_mailbox would let `actor` change this mailbox (for showing controls)."""
    try:
        _check_may_manage(actor, mailbox, mailbox.owner_id)
    except PermissionDenied:
        return False
    return True
