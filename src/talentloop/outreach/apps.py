from django.apps import AppConfig


class OutreachConfig(AppConfig):
    name = "talentloop.outreach"
    label = "outreach"
    default_auto_field = "django.db.models.BigAutoField"
