"""The recipes page: ready-made workflows, each installed with one click and its few choices."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from talentloop.automation import queries, recipes
from talentloop.automation.queries import Option, WorkspaceChoices
from talentloop.automation.recipes import RECIPES, Recipe
from talentloop.core.errors import ValidationFailed
from talentloop.ui import workflow_words as words
from talentloop.ui.views.common import AppRequest, login_required, respond, toast
from talentloop.ui.views.workflows import names_of

# Where the page sends people to create what a recipe needs.
CREATE_URLS = {
    recipes.Need.POOL: "pool_list",
    recipes.Need.SEQUENCE: "sequence_new",
    recipes.Need.TEMPLATE: "template_new",
    recipes.Need.MAILBOX: "settings_mailboxes",
}


@dataclass
class ChoiceField:
    choice: recipes.Choice
    options: tuple[Option, ...]
    value: str
    error: str = ""


@dataclass
class RecipeCard:
    recipe: Recipe
    fields: list[ChoiceField]
    missing: list[str]
    create_links: list[tuple[str, str]]  # (what, url name)
    flow: list[words.FlowNode] = field(default_factory=list)
    trigger: str = ""
    condition: str = ""
    error: str = ""


def _card(
    recipe: Recipe,
    choices: WorkspaceChoices,
    user_id: int,
    posted: dict[str, str] | None = None,
    error: ValidationFailed | None = None,
) -> RecipeCard:
    values = posted if posted is not None else recipes.defaults(recipe, choices, user_id=user_id)
    problems = error.fields if error else {}
    fields = [
        ChoiceField(choice, recipes.options_for(choice, choices), values.get(choice.name, ""),
                    str(problems.get(choice.name, "")).capitalize())
        for choice in recipe.choices
    ]  # fmt: skip
    lacking = recipes.missing(recipe, choices) if recipe.installable else []
    links = [
        (recipes.NEED_NAMES[choice.need], CREATE_URLS[choice.need])
        for choice in recipe.choices
        if recipes.NEED_NAMES.get(choice.need) in lacking and choice.need in CREATE_URLS
    ]
    card = RecipeCard(recipe, fields, lacking, links, error=error.message if error else "")
    _preview(card, choices, values)
    return card


def _preview(card: RecipeCard, choices: WorkspaceChoices, values: dict[str, str]) -> None:
    """What the recipe would build with the choices shown, in words."""
    if not card.recipe.installable or card.missing:
        return
    try:
        typed = recipes.read_choices(card.recipe, values, choices)
    except ValidationFailed:
        return
    definition = recipes.definition_of_recipe(card.recipe, typed)
    names = names_of(choices)
    card.trigger = words.trigger_words(definition["trigger"], names)
    card.condition = str(definition.get("condition", ""))
    card.flow = words.flow(definition["steps"], names)


def _page(request: AppRequest, cards: list[RecipeCard], status: int = 200) -> HttpResponse:
    return respond(request, "ui/workflows/recipes.html", {"cards": cards}, status=status)


@login_required
@require_GET
def recipe_list(request: AppRequest) -> HttpResponse:
    queries.require_read(request.user)
    choices = queries.workspace_choices(request.user)
    return _page(request, [_card(recipe, choices, request.user.pk) for recipe in RECIPES])


@login_required
@require_GET
def recipe_preview(request: AppRequest, slug: str) -> HttpResponse:
    """What the recipe would build with the choices now in its form (swapped in by htmx)."""
    queries.require_manage(request.user)
    recipe = recipes.recipe_by_slug(slug)
    raw = {choice.name: str(request.GET.get(choice.name, "")) for choice in recipe.choices}
    card = _card(recipe, queries.workspace_choices(request.user), request.user.pk, raw)
    return respond(request, "ui/workflows/_recipe_preview.html", {"card": card})


@login_required
@require_POST
def recipe_install(request: AppRequest, slug: str) -> HttpResponseBase:
    queries.require_manage(request.user)
    recipe = recipes.recipe_by_slug(slug)
    raw: dict[str, Any] = {choice.name: str(request.POST.get(choice.name, ""))
                           for choice in recipe.choices}  # fmt: skip
    switch_on = request.POST.get("enabled") == "on"
    try:
        workflow = recipes.do_install_recipe(
            actor=request.user, recipe=recipe, raw_choices=raw, enabled=switch_on
        )
    except ValidationFailed as error:
        choices = queries.workspace_choices(request.user)
        cards = [
            _card(item, choices, request.user.pk, raw if item is recipe else None,
                  error if item is recipe else None)
            for item in RECIPES
        ]  # fmt: skip
        toast(request, f"Not installed: {error.message}", messages.ERROR)
        return _page(request, cards, status=422)
    state = "on" if workflow.enabled else "off until you switch it on"
    toast(request, f"“{workflow.name}” installed; it is {state}")
    return redirect("workflow_detail", workflow.pk)
