from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "talentloop.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"
