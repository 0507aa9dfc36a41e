from django.apps import AppConfig


class RecruitingConfig(AppConfig):
    name = "talentloop.recruiting"
    label = "recruiting"
    default_auto_field = "django.db.models.BigAutoField"
