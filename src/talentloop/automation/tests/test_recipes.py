"""Recipes: every installable recipe passes the engine's validation, refuses clearly what the
workspace lacks, and the silver-medallist nurture really runs."""

from __future__ import annotations

from datetime import timedelta

import pytest

from talentloop.automation import recipes
from talentloop.automation.checklists import do_save_checklist
from talentloop.automation.models import Run, Workflow
from talentloop.automation.queries import WorkspaceChoices, workspace_choices
from talentloop.automation.recipes import RECIPES, do_install_recipe, recipe_by_slug
from talentloop.automation.tests.conftest import contactable, drive
from talentloop.core.errors import NotFound, PermissionDenied, ValidationFailed
from talentloop.core.models import Event
from talentloop.outreach.sequence_actions import save_sequence
from talentloop.outreach.sequence_models import Enrollment
from talentloop.recruiting.actions import do_add_candidacy, do_move_candidacy, do_reject_candidacy
from talentloop.recruiting.models import Candidacy, RejectionReason, Stage
from talentloop.testing.factories import JobFactory, TalentPoolFactory

pytestmark = pytest.mark.django_db
INSTALLABLE = [recipe for recipe in RECIPES if recipe.installable]


@pytest.fixture
def stocked(personas, mailbox, template):
    """A workspace with a pool, a sequence, a template, a mailbox and a checklist."""
    pool = TalentPoolFactory(workspace=personas.workspace, name="Silver medallists")
    sequence = save_sequence(actor=personas.recruiter, name="Nurture", mailbox_id=mailbox.pk,
                             steps=[{"kind": "email", "template_id": template.pk}])  # fmt: skip
    laptop = {"title": "Laptop", "assignee": {"rule": "job_recruiter"}}
    do_save_checklist(actor=personas.recruiter, name="New hire", items=[laptop])
    return pool, sequence


# --- pure --------------------------------------------------------------------------------------


def test_every_recipe_has_a_unique_slug_and_says_what_it_needs():
    assert len({recipe.slug for recipe in RECIPES}) == len(RECIPES)
    assert all(recipe.installable for recipe in RECIPES)


def test_query_values_are_quoted_only_when_they_must_be():
    assert recipes.query_value("offer") == "offer"
    assert recipes.query_value("final-round") == '"final-round"'
    assert recipes.query_value('say "hi"') == '"say \\"hi\\""'


def test_the_install_form_starts_from_sensible_choices():
    choices = WorkspaceChoices(
        job_stage_keys=(recipes.Option("applied", "Applied"), recipes.Option("offer", "Offer")),
        pools=(recipes.Option(7, "Bench"),),
        sequences=(recipes.Option(5, "Nurture"),),
        users=(recipes.Option(2, "Ann"), recipes.Option(3, "Bo")),
    )

    silver = recipes.defaults(recipe_by_slug("silver-medallists"), choices, user_id=3)
    follow = recipes.defaults(recipe_by_slug("follow-up-reminder"), choices, user_id=3)
    ack = recipes.defaults(recipe_by_slug("application-acknowledgement"), choices, user_id=3)

    assert silver == {"final_stage": "offer", "pool_id": "7", "days": "14", "sequence_id": "5"}
    assert follow == {"days": "30", "assignee": "owner", "user_id": "3"}
    assert ack == {"applied_stage": "applied"}
    assert recipes.missing(recipe_by_slug("application-acknowledgement"), choices) == [
        "an email template",
        "a mailbox you may send from",
    ]


def test_choices_are_read_against_what_is_offered():
    recipe = recipe_by_slug("rejection-email")
    choices = WorkspaceChoices(
        templates=(recipes.Option(4, "Sorry"),), mailboxes=(recipes.Option(9, "Talent"),)
    )

    with pytest.raises(ValidationFailed) as refused:
        recipes.read_choices(recipe, {"days": "0", "template_id": "5", "mailbox_id": ""}, choices)

    assert refused.value.fields == {
        "days": "a whole number of days from 1 to 365",
        "template_id": "choose one of the list",
        "mailbox_id": "required",
    }
    raw = {"days": "3", "template_id": "4", "mailbox_id": "9"}
    assert recipes.read_choices(recipe, raw, choices) == {
        "days": 3,
        "template_id": 4,
        "mailbox_id": 9,
    }


# --- installing --------------------------------------------------------------------------------


@pytest.mark.parametrize("recipe", INSTALLABLE, ids=lambda recipe: recipe.slug)
def test_every_installable_recipe_passes_the_engines_validation(personas, now, stocked, recipe):
    # given the form's default choices in a workspace that has every record needed
    choices = workspace_choices(personas.recruiter)
    raw = recipes.defaults(recipe, choices, user_id=personas.recruiter.pk)

    # when
    workflow = do_install_recipe(
        actor=personas.recruiter, recipe=recipe, raw_choices=raw, enabled=True
    )

    # then a workflow is saved and switched on, its first version the recipe's definition
    assert (workflow.name, workflow.enabled) == (recipe.name, True)
    assert workflow.current_version is not None
    assert workflow.current_version.number == 1
    assert Event.objects.filter(verb="workflow.created", subject_id=workflow.pk).exists()


def test_a_recipe_is_installed_disabled_unless_asked(personas, now, mailbox, template):
    recipe = recipe_by_slug("rejection-email")
    raw = {"days": "3", "template_id": str(template.pk), "mailbox_id": str(mailbox.pk)}

    workflow = do_install_recipe(actor=personas.admin, recipe=recipe, raw_choices=raw)

    assert workflow.enabled is False
    assert workflow.current_version is not None
    assert workflow.current_version.definition == {
        "trigger": {"kind": "rejected"},
        "steps": [
            {"kind": "wait", "duration": "3d"},
            {"kind": "send_email", "template_id": template.pk, "mailbox_id": mailbox.pk},
        ],
    }


def test_a_workspace_without_the_records_is_refused_clearly(personas, now):
    recipe = recipe_by_slug("silver-medallists")

    with pytest.raises(ValidationFailed) as refused:
        do_install_recipe(actor=personas.recruiter, recipe=recipe, raw_choices={})

    assert refused.value.message == (
        "Silver medallist nurture needs a talent pool and a sequence: create one first"
    )
    assert set(refused.value.fields) == {"pool_id", "sequence_id"}
    assert not Workflow.objects.exists()


def test_another_workspaces_records_cannot_be_chosen(personas, now, stocked):
    theirs = TalentPoolFactory(workspace=personas.outsider.workspace)
    _pool, sequence = stocked
    raw = {"final_stage": "offer", "pool_id": str(theirs.pk), "days": "14",
           "sequence_id": str(sequence.pk)}  # fmt: skip

    with pytest.raises(ValidationFailed) as refused:
        do_install_recipe(
            actor=personas.recruiter, recipe=recipe_by_slug("silver-medallists"), raw_choices=raw
        )

    assert refused.value.fields == {"pool_id": "choose one of the list"}
    assert not Workflow.objects.exists()


def test_a_recipe_without_its_records_is_refused_and_an_unknown_one_is_not_found(personas, now):
    with pytest.raises(ValidationFailed, match="needs an onboarding checklist"):
        do_install_recipe(actor=personas.admin, recipe=recipe_by_slug("onboarding"), raw_choices={})
    with pytest.raises(NotFound):
        recipe_by_slug("nothing-like-this")


@pytest.mark.parametrize("persona", ["coordinator", "analyst", "hiring_manager"])
def test_only_admins_and_recruiters_install_recipes(personas, now, stocked, persona):
    recipe = recipe_by_slug("silver-medallists")

    with pytest.raises(PermissionDenied):
        do_install_recipe(actor=getattr(personas, persona), recipe=recipe, raw_choices={})


# --- running -----------------------------------------------------------------------------------


def test_the_silver_medallist_nurture_pools_then_enrols_finalists(personas, now, stocked):
    # given the recipe installed and switched on
    pool, sequence = stocked
    raw = {"final_stage": "offer", "pool_id": str(pool.pk), "days": "14",
           "sequence_id": str(sequence.pk)}  # fmt: skip
    workflow = do_install_recipe(
        actor=personas.recruiter,
        recipe=recipe_by_slug("silver-medallists"),
        raw_choices=raw,
        enabled=True,
    )
    job = JobFactory(workspace=personas.workspace)
    reason = RejectionReason.objects.filter(workspace=personas.workspace).first()
    finalist = contactable(personas.recruiter, personas.workspace)
    early = contactable(personas.recruiter, personas.workspace)
    for person, stage_key in ((finalist, "offer"), (early, "screening")):
        candidacy = do_add_candidacy(actor=personas.recruiter, person=person, job=job)
        stage = Stage.objects.get(pipeline=job.pipeline, key=stage_key)
        do_move_candidacy(actor=personas.recruiter, candidacy=candidacy, to_stage=stage)
        do_reject_candidacy(actor=personas.recruiter, candidacy=candidacy, reason=reason)

    # when the events are dispatched, and again 14 days later
    drive()
    in_pool = Candidacy.objects.filter(pool=pool).values_list("person_id", flat=True)
    assert list(in_pool) == [finalist.pk]
    assert not Enrollment.objects.exists()
    drive(now + timedelta(days=14, minutes=1))

    # then the finalist is in the pool and the sequence; the early rejection was skipped
    assert list(Enrollment.objects.values_list("person_id", "sequence_id")) == [
        (finalist.pk, sequence.pk)
    ]
    states = dict(Run.objects.filter(workflow=workflow).values_list("person_id", "state"))
    assert states == {finalist.pk: "done", early.pk: "skipped"}
