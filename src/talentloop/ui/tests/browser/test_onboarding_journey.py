"""Onboarding and interview reminders in a real browser: install both recipes, open the flows."""

from __future__ import annotations

from typing import Any

import pytest

from talentloop.automation.checklists import do_save_checklist
from talentloop.automation.models import Workflow
from talentloop.conftest import Personas
from talentloop.outreach import mailbox_actions, template_actions
from talentloop.ui.tests.browser.conftest import login
from talentloop.ui.tests.browser.conftest import screenshot as save_screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def screenshot(page: Any, name: str) -> None:
    page.evaluate("window.scrollTo(0, 0)")
    save_screenshot(page, name, full_page=True)


def test_install_the_onboarding_and_interview_reminder_recipes(
    page: Any, live_server: Any, personas: Personas
) -> None:
    # given a mailbox, a welcome template and an onboarding checklist
    mailbox_actions.save_mailbox(
        actor=personas.admin, name="Talent team", from_name="Acme Talent",
        from_address="talent@acme.example.com", kind="local", owner_id=None,
    )  # fmt: skip
    template_actions.save_template(
        actor=personas.recruiter, name="Welcome aboard", subject="Welcome",
        html="<p>Welcome, {{ person.first_name | default('there') }}!</p>", text="",
    )  # fmt: skip
    do_save_checklist(actor=personas.recruiter, name="New engineer", items=[
        {"title": "Laptop for {first_name}", "assignee": {"rule": "job_recruiter"},
         "due_offset_days": 3},
    ])  # fmt: skip
    login(page, live_server, personas.recruiter)
    page.goto(f"{live_server.url}/automation/recipes/")

    # when both recipes are installed
    card = page.locator("#recipe-onboarding")
    card.get_by_label("Checklist").select_option(label="New engineer")
    screenshot(page, "workflow-recipes-onboarding")
    card.get_by_role("button", name="Install").click()
    page.get_by_text("“Onboarding on offer accepted” installed").wait_for()
    page.goto(f"{live_server.url}/automation/recipes/")
    reminder = page.locator("#recipe-interview-reminder")
    reminder.get_by_label("Hours before the interview").fill("48")
    reminder.get_by_role("button", name="Install").click()
    page.get_by_text("“Interview reminder” installed").wait_for()

    # then each flow opens, drawn with its trigger and steps
    onboarding = Workflow.objects.get(name="Onboarding on offer accepted")
    page.goto(f"{live_server.url}/automation/{onboarding.pk}/")
    page.get_by_text("An offer is accepted").first.wait_for()
    page.get_by_text("Start onboarding").first.wait_for()
    screenshot(page, "workflow-onboarding")
    reminder_flow = Workflow.objects.get(name="Interview reminder")
    assert reminder_flow.current_version is not None
    assert reminder_flow.current_version.definition["trigger"] == {
        "kind": "interview_upcoming", "hours": 48
    }  # fmt: skip
    page.goto(f"{live_server.url}/automation/{reminder_flow.pk}/edit/")
    assert page.get_by_label("Hours before it starts").input_value() == "48"
    screenshot(page, "workflow-interview-reminder-builder")
