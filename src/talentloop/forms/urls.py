"""Public form pages at /f/<workspace>/<form>/ (no sign-in)."""

from __future__ import annotations

from django.urls import URLPattern, path

from talentloop.forms import views

urlpatterns: list[URLPattern] = [
    path("f/<slug:workspace_slug>/<slug:form_slug>/", views.public_form, name="public_form"),
    path(
        "f/<slug:workspace_slug>/<slug:form_slug>/thanks/",
        views.public_form_thanks,
        name="public_form_thanks",
    ),
]
