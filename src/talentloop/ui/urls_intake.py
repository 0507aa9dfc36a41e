"""Intake pages: imports (under People, so the People tab stays lit) and parsed-field review."""

from __future__ import annotations

from django.urls import URLPattern, path

from talentloop.ui.views import intake

urlpatterns: list[URLPattern] = [
    path("people/import/", intake.import_list, name="import_list"),
    path("people/import/<int:batch_id>/", intake.import_detail, name="import_detail"),
    path("people/import/<int:batch_id>/preview/", intake.import_preview, name="import_preview"),
    path("people/import/<int:batch_id>/start/", intake.import_start, name="import_start"),
    path("people/import/<int:batch_id>/progress/", intake.import_progress, name="import_progress"),
    path("people/import/<int:batch_id>/resume/", intake.import_resume, name="import_resume"),
    path("people/import/review/", intake.review_list, name="import_reviews"),
    path(
        "people/import/review/<int:review_id>/<str:decision>/",
        intake.review_decide,
        name="import_review_decide",
    ),
]
