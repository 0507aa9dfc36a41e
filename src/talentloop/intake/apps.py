from __future__ import annotations

from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "talentloop.intake"
    label = "intake"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from talentloop.intake import leases

        leases.register()
