"""Background work of hygiene: duplicate checks after changes, and the batch scan."""

from __future__ import annotations

from django_tasks import task

from talentloop.hygiene import actions, detection


@task()
def check_people(workspace_id: int, person_ids: list[int]) -> int:
    """Refresh these people's blocking keys and record their possible duplicates."""
    return detection.check_people(workspace_id, person_ids)


@task()
def scan_workspace(workspace_id: int, actor_id: int | None) -> int:
    """The batch scan started from the review page; returns how many pairs it added."""
    return actions.run_scan(workspace_id=workspace_id, actor_id=actor_id).candidates
