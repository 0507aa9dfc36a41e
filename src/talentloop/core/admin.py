from django.contrib import admin

from talentloop.core.models import Event, WorkerHeartbeat


@admin.register(Event)
class EventAdmin(admin.ModelAdmin[Event]):
    """The audit trail is append-only: it can be read here, never edited."""

    list_display = ("occurred_at", "verb", "subject_type", "subject_id", "actor", "workspace")
    list_filter = ("verb", "subject_type", "workspace")
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin[WorkerHeartbeat]):
    list_display = ("worker_id", "hostname", "pid", "seen_at")
