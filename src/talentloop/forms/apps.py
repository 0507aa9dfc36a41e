from __future__ import annotations

from django.apps import AppConfig


class FormsConfig(AppConfig):
    name = "talentloop.forms"
    label = "forms"
    default_auto_field = "django.db.models.BigAutoField"
