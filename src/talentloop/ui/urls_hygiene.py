"""Hygiene pages, under People so the People tab stays lit."""

from __future__ import annotations

from django.urls import URLPattern, path

from talentloop.ui.views import hygiene

urlpatterns: list[URLPattern] = [
    path("people/duplicates/", hygiene.duplicate_list, name="duplicates"),
    path("people/duplicates/scan/", hygiene.duplicate_scan, name="duplicate_scan"),
    path(
        "people/duplicates/<int:candidate_id>/", hygiene.duplicate_compare, name="duplicate_compare"
    ),
    path(
        "people/duplicates/<int:candidate_id>/dismiss/",
        hygiene.duplicate_dismiss,
        name="duplicate_dismiss",
    ),
    path("people/merges/", hygiene.merge_list, name="merges"),
    path("people/merges/<int:merge_id>/undo/", hygiene.merge_undo, name="merge_undo"),
    path("people/<int:person_id>/duplicates/", hygiene.person_duplicates, name="person_duplicates"),
    path("people/data-quality/", hygiene.data_quality, name="data_quality"),
]
