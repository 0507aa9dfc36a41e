"""Campaign pages, the outreach settings (mailboxes, suppressions) and the profile's
contact-permission card."""

from __future__ import annotations

from django.urls import URLPattern, path

from talentloop.ui.views import campaigns, contact_permission, settings_mailboxes

_CAMPAIGN = "campaigns/<int:campaign_id>/"

urlpatterns: list[URLPattern] = [
    path("campaigns/", campaigns.campaign_list, name="campaign_list"),
    path("campaigns/new/", campaigns.campaign_new, name="campaign_new"),
    path(_CAMPAIGN, campaigns.campaign_detail, name="campaign_detail"),
    path(_CAMPAIGN + "edit/", campaigns.campaign_edit, name="campaign_edit"),
    path(_CAMPAIGN + "preview/", campaigns.campaign_preview, name="campaign_preview"),
    path(_CAMPAIGN + "sample/", campaigns.campaign_sample, name="campaign_sample"),
    path(_CAMPAIGN + "test/", campaigns.campaign_test, name="campaign_test"),
    path(_CAMPAIGN + "schedule/", campaigns.campaign_schedule, name="campaign_schedule"),
    path(_CAMPAIGN + "cancel/", campaigns.campaign_cancel, name="campaign_cancel"),
    path("settings/mailboxes/", settings_mailboxes.settings_mailboxes, name="settings_mailboxes"),
    path(
        "settings/mailboxes/<int:mailbox_id>/",
        settings_mailboxes.settings_mailbox,
        name="settings_mailbox",
    ),
    path(
        "settings/suppressions/",
        settings_mailboxes.settings_suppressions,
        name="settings_suppressions",
    ),
    path(
        "settings/suppressions/<int:suppression_id>/remove/",
        settings_mailboxes.settings_suppression_remove,
        name="settings_suppression_remove",
    ),
    path(
        "people/<int:person_id>/contact-permission/",
        contact_permission.person_contact,
        name="person_contact",
    ),
    path(
        "people/<int:person_id>/contact-permission/<int:basis_id>/withdraw/",
        contact_permission.basis_withdraw,
        name="basis_withdraw",
    ),
]
