"""The lock that keeps one email address to one person while people are created at once."""

from __future__ import annotations

from django.db import connection

EMAIL_OWNERS_LOCK = 7_301  # the first key of the advisory lock; the second, the workspace


def lock_email_owners(workspace_id: int) -> None:
    """Hold the workspace's email-owner lock until the transaction ends (PostgreSQL).

    Why: creating a person (by hand, the API or an import) looks its emails up, then stores
    them when nobody has them. Two transactions doing that at once would both find nothing
    (neither sees the other's uncommitted rows) and both store the address. Taken before
    the look-up, the lock makes the second wait for the first one's commit and then see
    its people. SQLite lets one writer in at a time already.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", [EMAIL_OWNERS_LOCK, workspace_id & 0x7FFFFFFF]
        )
