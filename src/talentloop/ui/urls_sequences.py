"""Sequence and email-template pages, and the person profile's sequences card."""

from __future__ import annotations

from django.urls import URLPattern, path

from talentloop.ui.views import email_templates, sequences

urlpatterns: list[URLPattern] = [
    path("templates/", email_templates.template_list, name="template_list"),
    path("templates/new/", email_templates.template_new, name="template_new"),
    path("templates/preview/", email_templates.template_preview, name="template_preview"),
    path("templates/<int:template_id>/", email_templates.template_edit, name="template_edit"),
    path(
        "templates/<int:template_id>/archive/",
        email_templates.template_archive,
        name="template_archive",
    ),
    path("sequences/", sequences.sequence_list, name="sequence_list"),
    path("sequences/new/", sequences.sequence_new, name="sequence_new"),
    path("sequences/enrol/", sequences.enrol_chooser, name="enrol_chooser"),
    path("sequences/<int:sequence_id>/", sequences.sequence_detail, name="sequence_detail"),
    path("sequences/<int:sequence_id>/edit/", sequences.sequence_edit, name="sequence_edit"),
    path("sequences/<int:sequence_id>/enrol/", sequences.sequence_enrol, name="sequence_enrol"),
    path(
        "people/<int:person_id>/sequences/",
        sequences.person_sequences,
        name="person_sequences",
    ),
    path(
        "enrolments/<int:enrollment_id>/<str:action>/",
        sequences.enrollment_action,
        name="enrollment_action",
    ),
]
