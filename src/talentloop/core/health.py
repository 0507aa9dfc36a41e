"""Liveness and readiness probes."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse

from talentloop.core import clock
from talentloop.core.models import WorkerHeartbeat


def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and answering."""
    return JsonResponse({"status": "ok"})


def readyz(request: HttpRequest) -> JsonResponse:
    """The database answers and some worker has checked in recently."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
        checks["worker"] = _worker_state()
    except DatabaseError:
        checks["database"] = "unreachable"
        checks["worker"] = "unknown"
    ready = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )


def _worker_state() -> str:
    cutoff = clock.now() - timedelta(seconds=settings.WORKER_HEARTBEAT_MAX_AGE)
    fresh = WorkerHeartbeat.objects.filter(seen_at__gte=cutoff).exists()
    return "ok" if fresh else "no recent heartbeat"
