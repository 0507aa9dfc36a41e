from __future__ import annotations

from django.apps import AppConfig


class HygieneConfig(AppConfig):
    name = "talentloop.hygiene"
    label = "hygiene"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from talentloop.hygiene import consumers

        consumers.register()
