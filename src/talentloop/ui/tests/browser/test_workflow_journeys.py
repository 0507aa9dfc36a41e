"""Automation in a real browser: build a workflow with a condition, an email, a wait and an
if/else, see the engine's error next to its field, install a recipe, open the runs and retry a
failed one; screenshots at desktop and phone widths."""

from __future__ import annotations

from typing import Any

import pytest

from talentloop.automation.models import Run, Workflow
from talentloop.automation.tests.conftest import drive, make_workflow
from talentloop.conftest import Personas
from talentloop.outreach import actions, mailbox_actions, template_actions
from talentloop.outreach.sequence_actions import save_sequence
from talentloop.people.actions import ContactInput, do_create_person, do_tag_people
from talentloop.people.models import Person
from talentloop.recruiting.actions import do_add_candidacy, do_reject_candidacy
from talentloop.recruiting.models import RejectionReason
from talentloop.testing.factories import JobFactory, TalentPoolFactory
from talentloop.ui.tests.browser.conftest import login
from talentloop.ui.tests.browser.conftest import screenshot as save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _setup(personas: Personas) -> list[Person]:
    """A shared mailbox, two templates, a pool, a nurture sequence and three people."""
    mailbox = mailbox_actions.save_mailbox(
        actor=personas.admin, name="Talent team", from_name="Acme Talent",
        from_address="talent@acme.example.com", kind="local", owner_id=None,
    )  # fmt: skip
    template = template_actions.save_template(
        actor=personas.recruiter, name="Thanks for your time", subject="Thank you",
        html="<p>Hi {{ person.first_name | default('there') }}, thank you.</p>", text="",
    )  # fmt: skip
    template_actions.save_template(
        actor=personas.recruiter, name="Keep in touch", subject="Next time",
        html="<p>We would like to keep in touch.</p>", text="",
    )  # fmt: skip
    TalentPoolFactory(workspace=personas.workspace, name="Silver medallists")
    save_sequence(actor=personas.recruiter, name="Nurture", mailbox_id=mailbox.pk,
                  steps=[{"kind": "email", "template_id": template.pk}])  # fmt: skip
    people = []
    for first, last in [("Lena", "Vogel"), ("Jonas", "Weber"), ("Mia", "Schulz")]:
        person = do_create_person(
            actor=personas.recruiter, workspace=personas.workspace,
            fields={"first_name": first, "last_name": last, "headline": "Data engineer"},
            contacts=[ContactInput("email", f"{first.lower()}@example.com")],
        )  # fmt: skip
        actions.record_basis(actor=personas.recruiter, person=person, basis="consent",
                             evidence="meetup sign-up")  # fmt: skip
        people.append(person)
    return people


def screenshot(page: Any, name: str, *, full_page: bool = True) -> None:
    """From the top of the page: the sticky top bar would sit mid-page in a full-page shot."""
    page.evaluate("window.scrollTo(0, 0)")
    save_screenshot(page, name, full_page=full_page)


def _add_step(page: Any, list_path: str, kind: str) -> None:
    page.locator(f'select[name="new:{list_path}"]').select_option(label=kind)
    page.locator(f'button[name="do"][value="add:{list_path}"]').click()


def test_build_a_workflow_with_a_branch_and_fix_an_error_inline(
    page: Any, mobile_page: Any, live_server: Any, personas: Personas
) -> None:
    # given
    _setup(personas)
    login(page, live_server, personas.admin)
    # the top bar fits at 1280 px with every section an admin sees
    assert page.locator(".topbar-inner").evaluate("el => el.scrollWidth <= el.clientWidth")
    page.get_by_text("Outreach", exact=True).click()
    page.get_by_role("link", name="Email templates").wait_for()
    screenshot(page, "workflow-nav", full_page=False)
    page.get_by_role("link", name="Automation").click()
    page.get_by_role("link", name="New workflow").click()

    # when: a trigger, a condition, an email, a wait and an if/else
    page.locator("#f-name").fill("Tagged for the Berlin meetup")
    page.get_by_label("Tags").fill("berlin-meetup")
    page.get_by_label("Only for people matching").fill("has:email")
    _add_step(page, "steps", "Send an email")
    page.locator("#f-steps-0-template_id").select_option(label="Thanks for your time")
    page.locator("#f-steps-0-mailbox_id").select_option(label="Talent team")
    _add_step(page, "steps", "Wait")
    page.locator("#f-steps-1-duration").fill("3d")
    _add_step(page, "steps", "If / else")
    page.locator("#f-steps-2-condition").fill("has:phone")
    _add_step(page, "steps[2].then", "Create a task")
    page.locator("#f-steps-2-then-0-title").fill("Call {first_name} about the meetup")
    _add_step(page, "steps[2].else", "Send an email")
    page.locator("#f-steps-2-else-0-mailbox_id").select_option(label="Talent team")
    page.get_by_role("button", name="Save workflow").click()

    # then: the missing template is named next to its field, and nothing is saved
    error = page.locator("#f-steps-2-else-0-template_id-error")
    error.wait_for()
    assert error.inner_text() == "Required"
    assert not Workflow.objects.exists()
    screenshot(page, "workflow-builder-error")

    # when fixed
    page.locator("#f-steps-2-else-0-template_id").select_option(label="Keep in touch")
    page.get_by_role("button", name="Save workflow").click()

    # then the flow is drawn with its branch
    page.get_by_text("“Tagged for the Berlin meetup” saved").wait_for()
    workflow = Workflow.objects.get()
    assert workflow.current_version is not None
    assert [step["kind"] for step in workflow.current_version.definition["steps"]] == [
        "send_email", "wait", "if",
    ]  # fmt: skip
    page.get_by_text("Send “Keep in touch” from “Talent team”").wait_for()
    screenshot(page, "workflow-detail")
    page.goto(f"{live_server.url}/automation/{workflow.pk}/edit/")
    screenshot(page, "workflow-builder")

    # and on a phone
    login(mobile_page, live_server, personas.admin)
    mobile_page.goto(f"{live_server.url}/automation/{workflow.pk}/")
    screenshot(mobile_page, "workflow-detail-mobile")
    mobile_page.goto(f"{live_server.url}/automation/{workflow.pk}/edit/")
    screenshot(mobile_page, "workflow-builder-mobile")
    mobile_page.get_by_role("button", name="Menu").click()
    mobile_page.locator("#primary-nav").get_by_role("link", name="Automation").wait_for()
    screenshot(mobile_page, "workflow-nav-mobile", full_page=False)


def test_install_a_recipe_then_follow_its_runs_and_retry_a_failed_one(
    page: Any, mobile_page: Any, live_server: Any, personas: Personas
) -> None:
    # given
    people = _setup(personas)
    login(page, live_server, personas.recruiter)
    page.goto(f"{live_server.url}/automation/recipes/")
    screenshot(page, "workflow-recipes")

    # when the rejection email is installed, switched on, with a wait of 3 days
    card = page.locator("#recipe-rejection-email")
    card.get_by_label("Days after the rejection").fill("3")
    card.get_by_label("Email template").select_option(label="Thanks for your time")
    card.get_by_label("Switch on now").check()
    card.get_by_role("button", name="Install").click()
    page.get_by_text("“Rejection email” installed; it is on").wait_for()
    screenshot(page, "workflow-recipe-installed")

    # and two candidacies are rejected
    job = JobFactory(workspace=personas.workspace, title="Data Engineer")
    reason = RejectionReason.objects.filter(workspace=personas.workspace).first()
    for person in people[:2]:
        candidacy = do_add_candidacy(actor=personas.recruiter, person=person, job=job)
        do_reject_candidacy(actor=personas.recruiter, candidacy=candidacy, reason=reason)
    drive()

    # then the runs wait out their 3 days
    page.get_by_role("link", name="Runs", exact=True).click()
    page.get_by_role("link", name="Lena Vogel").wait_for()
    assert page.locator(".badge", has_text="waiting").count() == 2
    screenshot(page, "workflow-runs")
    page.locator("a.cell-title").first.click()
    page.get_by_text("Decision:").first.wait_for()
    screenshot(page, "workflow-run")

    # when a workflow fails (nobody owns Mia, so nobody gets the task)
    make_workflow(personas.recruiter, {"kind": "tag_added", "tags": ["call"]},
                  [{"kind": "create_task", "title": "Call {person}",
                    "assignee": {"rule": "owner"}}], name="Call list")  # fmt: skip
    do_tag_people(actor=personas.recruiter, workspace=personas.workspace, people=[people[2]],
                  names=["call"])  # fmt: skip
    drive()
    failed = Run.objects.get(state="failed")
    page.goto(f"{live_server.url}/automation/")
    screenshot(page, "workflow-list")
    page.get_by_role("link", name="Failed runs").click()
    page.get_by_text("no one to assign the task to", exact=False).first.wait_for()
    screenshot(page, "workflow-failed-runs")

    # then Retry runs it again
    page.get_by_role("button", name=f"Retry run {failed.pk}").click()
    page.get_by_text(f"Run {failed.pk} is running again from its failed step").wait_for()
    failed.refresh_from_db()
    assert failed.state == "running"

    # and on a phone
    login(mobile_page, live_server, personas.recruiter)
    for path, name in [("/automation/", "workflow-list-mobile"),
                       ("/automation/recipes/", "workflow-recipes-mobile"),
                       (f"/automation/runs/{failed.pk}/", "workflow-run-mobile")]:  # fmt: skip
        mobile_page.goto(f"{live_server.url}{path}")
        screenshot(mobile_page, name)
