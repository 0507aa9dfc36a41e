"""Tasks the worker tests enqueue; importable by real `talentloop worker` subprocesses."""

from __future__ import annotations

import os
import time

from django_tasks import task

from talentloop.core import clock
from talentloop.core.models import Event


@task()
def record_run(workspace_id: int, number: int) -> int:
    """Leave one Event per execution, naming the process that ran it."""
    Event.objects.create(
        workspace_id=workspace_id,
        verb="test.task_ran",
        subject_type="test",
        subject_id=number,
        data={"pid": os.getpid()},
        occurred_at=clock.now(),
    )
    # A little work per task, so that a second worker polling the queue gets some of it.
    time.sleep(0.01)
    return number
