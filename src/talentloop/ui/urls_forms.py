"""Settings pages for public forms (the public pages themselves are in talentloop.forms.urls)."""

from __future__ import annotations

from django.urls import URLPattern, path

from talentloop.ui.views import settings_forms

urlpatterns: list[URLPattern] = [
    path("settings/forms/", settings_forms.settings_forms, name="settings_forms"),
    path(
        "settings/forms/<int:form_id>/deactivate/",
        settings_forms.settings_form_deactivate,
        name="settings_form_deactivate",
    ),
]
