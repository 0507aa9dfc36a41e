"""Automation pages: workflows, their builder, YAML, runs, failed runs, dry run and recipes."""

from __future__ import annotations

from django.urls import URLPattern, path

from talentloop.ui.views import workflow_recipes, workflow_runs, workflows

_WORKFLOW = "automation/<int:workflow_id>/"

urlpatterns: list[URLPattern] = [
    path("automation/", workflows.workflow_list, name="workflow_list"),
    path("automation/new/", workflows.workflow_new, name="workflow_new"),
    path("automation/import/", workflows.workflow_import, name="workflow_import"),
    path("automation/failed/", workflow_runs.failed_runs, name="workflow_failed_runs"),
    path("automation/recipes/", workflow_recipes.recipe_list, name="recipe_list"),
    path(
        "automation/recipes/<slug:slug>/preview/",
        workflow_recipes.recipe_preview,
        name="recipe_preview",
    ),
    path(
        "automation/recipes/<slug:slug>/install/",
        workflow_recipes.recipe_install,
        name="recipe_install",
    ),
    path("automation/runs/<int:run_id>/", workflow_runs.run_detail, name="run_detail"),
    path("automation/runs/<int:run_id>/retry/", workflow_runs.run_retry, name="run_retry"),
    path(_WORKFLOW, workflows.workflow_detail, name="workflow_detail"),
    path(_WORKFLOW + "edit/", workflows.workflow_edit, name="workflow_edit"),
    path(_WORKFLOW + "switch/", workflows.workflow_toggle, name="workflow_toggle"),
    path(_WORKFLOW + "delete/", workflows.workflow_delete, name="workflow_delete"),
    path(_WORKFLOW + "yaml/", workflows.workflow_yaml, name="workflow_yaml"),
    path(_WORKFLOW + "yaml/download/", workflows.workflow_download, name="workflow_download"),
    path(_WORKFLOW + "runs/", workflow_runs.workflow_runs, name="workflow_runs"),
    path(_WORKFLOW + "dry-run/", workflow_runs.workflow_dry_run, name="workflow_dry_run"),
    path(
        "people/<int:person_id>/workflow-runs/",
        workflow_runs.person_runs,
        name="person_workflow_runs",
    ),
]
