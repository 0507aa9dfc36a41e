from __future__ import annotations

from django.apps import AppConfig


class AutomationConfig(AppConfig):
    name = "talentloop.automation"
    label = "automation"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from talentloop.automation import wiring

        wiring.register()
