"""Outreach pages: the Outbox, and the public recipient pages (unsubscribe, preferences, and
the open pixel and click redirect of tracked mail)."""

from __future__ import annotations

from django.urls import URLPattern, path

from talentloop.outreach import views as public
from talentloop.ui.views import outbox

urlpatterns: list[URLPattern] = [
    path("outbox/", outbox.outbox, name="outbox"),
    path("outbox/<int:message_id>/", outbox.message_view, name="outbox_message"),
    path("outbox/<int:message_id>/cancel/", outbox.message_cancel, name="outbox_cancel"),
    path("u/<str:token>/", public.unsubscribe, name="unsubscribe"),
    path("preferences/<str:token>/", public.preferences, name="preferences"),
    path("t/o/<str:token>.gif", public.track_open, name="track_open"),
    path("t/c/<str:token>/", public.track_click, name="track_click"),
]
