"""Jobs, talent pools and workspace settings pages."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from talentloop.ui.views import jobs, pools, settings_people, settings_pipelines
from talentloop.ui.views import settings_pages as settings

_CANDIDACY = "jobs/<int:job_id>/candidacies/<int:candidacy_id>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path("jobs/", jobs.job_list, name="job_list"),
    path("jobs/new/", jobs.job_create, name="job_create"),
    path("jobs/<int:job_id>/", jobs.job_detail, name="job_detail"),
    path("jobs/<int:job_id>/edit/", jobs.job_edit, name="job_edit"),
    path("jobs/<int:job_id>/add/", jobs.job_add_people, name="job_add_people"),
    path(_CANDIDACY, jobs.candidacy_detail, name="job_candidacy"),
    path(_CANDIDACY + "move/", jobs.candidacy_move, name="job_candidacy_move"),
    path(_CANDIDACY + "reject/", jobs.candidacy_reject, name="job_candidacy_reject"),
    path(_CANDIDACY + "reopen/", jobs.candidacy_reopen, name="job_candidacy_reopen"),
    path("pools/", pools.pool_list, name="pool_list"),
    path("pools/new/", pools.pool_create, name="pool_create"),
    path("pools/<int:pool_id>/", pools.pool_detail, name="pool_detail"),
    path("pools/<int:pool_id>/edit/", pools.pool_edit, name="pool_edit"),
    path("pools/<int:pool_id>/add/", pools.pool_add_people, name="pool_add_people"),
    path(
        "pools/<int:pool_id>/candidacies/<int:candidacy_id>/move/",
        pools.pool_candidacy_move,
        name="pool_candidacy_move",
    ),
    path(
        "pools/<int:pool_id>/candidacies/<int:candidacy_id>/remove/",
        pools.pool_candidacy_remove,
        name="pool_candidacy_remove",
    ),
    path("people/<int:person_id>/add-to/", pools.person_add_to, name="person_add_to"),
    path("settings/", settings.settings_home, name="settings_home"),
    path("settings/users/", settings.settings_users, name="settings_users"),
    path(
        "settings/users/<int:user_id>/role/", settings.settings_user_role, name="settings_user_role"
    ),
    path("settings/pipelines/", settings_pipelines.settings_pipelines, name="settings_pipelines"),
    path(
        "settings/pipelines/<int:pipeline_id>/",
        settings_pipelines.settings_pipeline,
        name="settings_pipeline",
    ),
    path(
        "settings/pipelines/<int:pipeline_id>/delete/",
        settings_pipelines.settings_pipeline_delete,
        name="settings_pipeline_delete",
    ),
    path("settings/reasons/", settings_pipelines.settings_reasons, name="settings_reasons"),
    path("settings/tags/", settings_people.settings_tags, name="settings_tags"),
    path("settings/tags/<int:tag_id>/", settings_people.settings_tag, name="settings_tag"),
    path("settings/sources/", settings_people.settings_sources, name="settings_sources"),
    path(
        "settings/sources/<int:source_id>/", settings_people.settings_source, name="settings_source"
    ),
    path(
        "settings/sources/<int:source_id>/costs/",
        settings_people.settings_source_cost,
        name="settings_source_cost",
    ),
    path("settings/fields/", settings_people.settings_fields, name="settings_fields"),
    path("settings/fields/<int:field_id>/", settings_people.settings_field, name="settings_field"),
    path("settings/tokens/", settings.settings_tokens, name="settings_tokens"),
    path(
        "settings/tokens/<int:token_id>/revoke/",
        settings.settings_token_revoke,
        name="settings_token_revoke",
    ),
]
