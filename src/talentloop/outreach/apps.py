from __future__ import annotations

from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "talentloop.outreach"
    label = "outreach"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from talentloop.outreach import tasks

        tasks.register()

        from talentloop.outreach import sequence_wiring

        sequence_wiring.register()
