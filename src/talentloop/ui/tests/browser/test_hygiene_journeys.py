"""Duplicates in a real browser: profile card → compare side by side → merge → undo."""

from __future__ import annotations

from typing import Any

import pytest

from talentloop.conftest import Personas
from talentloop.hygiene import detection
from talentloop.hygiene.models import DuplicateCandidate, MergeRecord
from talentloop.people.actions import ContactInput, do_create_person
from talentloop.people.models import Person
from talentloop.ui.tests.browser.conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def make(personas: Personas, first: str, last: str, email: str) -> Person:
    return do_create_person(
        actor=personas.recruiter,
        workspace=personas.workspace,
        fields={"first_name": first, "last_name": last, "city": "Berlin",
                "current_title": "Backend Engineer", "current_company_name": "Globex"},
        contacts=[ContactInput("email", email), ContactInput("phone", "+49 151 23456789")],
        tags=["python"],
    )  # fmt: skip


def test_review_compare_merge_and_undo(page: Any, live_server: Any, personas: Personas) -> None:
    kept = make(personas, "Jonathan", "Meyer", "jonathan.meyer@example.com")
    other = make(personas, "Jon", "Meyer", "jon@mail.example.net")
    detection.check_people(personas.workspace.pk, [kept.pk, other.pk])
    pair = DuplicateCandidate.objects.get()
    login(page, live_server, personas.recruiter)

    # the profile shows the possible duplicate
    page.goto(f"{live_server.url}/people/{kept.pk}/")
    page.get_by_role("heading", name="Possible duplicate").wait_for()
    page.get_by_role("link", name="Compare and merge").click()

    # compare side by side, keep the first record but take nothing else from the second
    page.get_by_role("heading", name="Compare and merge").wait_for()
    assert "Jonathan" in page.locator("#merge-form").inner_text()
    screenshot(page, "hygiene-compare")
    page.get_by_role("button", name="Merge into the kept record").click()
    page.wait_for_url(f"{live_server.url}/people/{pair.low_id}/")
    assert not Person.objects.filter(pk=pair.high_id).exists()
    survivor = Person.objects.get(pk=pair.low_id)
    assert survivor.contact_points.filter(kind="email").count() == 2

    # the queue and the merge history, then undo
    page.goto(f"{live_server.url}/people/merges/")
    screenshot(page, "hygiene-merges")
    page.get_by_role("button", name="Undo").click()
    page.get_by_text("Merge undone").wait_for()
    assert Person.objects.filter(pk=pair.high_id).exists()
    assert MergeRecord.objects.get().undone_at is not None
    page.goto(f"{live_server.url}/people/duplicates/")
    page.get_by_role("heading", name="Possible duplicates").wait_for()
    screenshot(page, "hygiene-queue")


def test_data_quality_page(page: Any, live_server: Any, personas: Personas) -> None:
    make(personas, "Jonathan", "Meyer", "jonathan.meyer@example.com")
    Person.objects.create(workspace=personas.workspace, first_name="Mia", last_name="Nomail")
    login(page, live_server, personas.analyst)

    page.goto(f"{live_server.url}/people/data-quality/")

    assert page.locator("#count-missing-email").inner_text() == "1"
    assert "Mia Nomail" in page.locator("#missing-email-card").inner_text()
    screenshot(page, "hygiene-data-quality")
