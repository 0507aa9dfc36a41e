from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "talentloop.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"
