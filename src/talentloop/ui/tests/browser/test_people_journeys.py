"""The recruiter's main journeys in a real browser, with screenshots for review."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from talentloop.conftest import Personas
from talentloop.core import clock
from talentloop.people.actions import (
    ContactInput,
    SkillInput,
    do_create_person,
    do_log_activity,
    do_tag_people,
)
from talentloop.people.domain import ActivityKind
from talentloop.people.models import Attachment, Person, Task
from talentloop.people.task_actions import do_create_task
from talentloop.recruiting.actions import do_add_candidacy
from talentloop.testing.factories import JobFactory, SourceFactory
from talentloop.ui.tests.browser.conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PEOPLE = [
    ("Ada", "Lovelace", "Staff data engineer", "London", "GB", "Europe/London", "lead"),
    (
        "Grace",
        "Hopper",
        "Principal compiler engineer",
        "New York",
        "US",
        "America/New_York",
        "principal",
    ),
    (
        "Alan",
        "Turing",
        "Machine learning researcher",
        "Manchester",
        "GB",
        "Europe/London",
        "senior",
    ),
    (
        "Katherine",
        "Johnson",
        "Senior backend engineer",
        "Hampton",
        "US",
        "America/New_York",
        "senior",
    ),
    ("Linus", "Berg", "Platform engineer", "Berlin", "DE", "Europe/Berlin", "mid"),
    ("Margaret", "Hamilton", "Engineering manager", "Boston", "US", "America/New_York", "director"),
    ("Yuki", "Tanaka", "Frontend engineer", "Tokyo", "JP", "Asia/Tokyo", "mid"),
    ("Amara", "Okafor", "Product designer", "Lagos", "NG", "Africa/Lagos", "senior"),
]


def _people(personas: Personas) -> list[Person]:
    workspace = personas.workspace
    referral = SourceFactory(workspace=workspace, name="Referral")
    job = JobFactory(
        workspace=workspace,
        title="Senior Data Engineer",
        hiring_manager=personas.hiring_manager,
        recruiter=personas.recruiter,
    )
    people = []
    for first, last, headline, city, country, zone, seniority in PEOPLE:
        person = do_create_person(
            actor=personas.recruiter,
            workspace=workspace,
            fields={
                "first_name": first,
                "last_name": last,
                "headline": headline,
                "current_title": headline,
                "city": city,
                "country": country,
                "time_zone": zone,
                "seniority": seniority,
                "owner_id": personas.recruiter.pk,
                "source_id": referral.pk,
            },
            contacts=[
                ContactInput("email", f"{first.lower()}.{last.lower()}@example.com"),
                ContactInput("phone", "+44 20 7946 0018"),
            ],
            skills=[SkillInput("Python"), SkillInput("SQL")],
        )
        people.append(person)
    do_tag_people(
        actor=personas.recruiter, workspace=workspace, people=people[:4], names=["python"]
    )
    do_tag_people(
        actor=personas.recruiter,
        workspace=workspace,
        people=people[1:3],
        names=["silver medallist"],
    )
    for person in people[:3]:
        do_add_candidacy(actor=personas.recruiter, person=person, job=job)
    do_log_activity(
        actor=personas.recruiter,
        person=people[0],
        kind=ActivityKind.CALL,
        subject="Intro call",
        body="Open to a move in Q3. Prefers hybrid.",
        occurred_at=clock.now() - timedelta(days=2),
    )
    now = clock.now()
    for title, person, due in [
        ("Send Ada the interview loop", people[0], now - timedelta(days=1)),
        ("Chase Grace's references", people[1], now + timedelta(minutes=30)),
        ("Check in with Linus about timing", people[4], now + timedelta(days=3)),
    ]:
        do_create_task(
            actor=personas.recruiter,
            workspace=workspace,
            title=title,
            assignee=personas.recruiter,
            person=person,
            due_at=due,
        )
    return people


def test_sign_in_and_see_the_dashboard(page: Any, live_server: Any, personas: Personas) -> None:
    # given
    _people(personas)

    # when
    page.goto(f"{live_server.url}/login/")
    screenshot(page, "login")
    login(page, live_server, personas.recruiter)

    # then
    assert page.get_by_role("heading", name="My jobs").is_visible()
    assert page.get_by_text("Senior Data Engineer").first.is_visible()
    screenshot(page, "dashboard")


# The query box's `input changed delay:350ms` trigger (ui/people/list.html).
SEARCH_DEBOUNCE_MS = 350


def test_search_and_filter_people(page: Any, live_server: Any, personas: Personas) -> None:
    # given
    _people(personas)
    login(page, live_server, personas.recruiter)
    page.goto(f"{live_server.url}/people/")
    screenshot(page, "people-list")

    # when: typing filters the list live (debounced htmx request)
    page.get_by_label("Search people").fill("hopper")
    page.wait_for_url("**/people/?*q=hopper*")

    # then
    rows = page.locator("#people-results tbody tr")
    assert rows.count() == 1
    assert "Grace Hopper" in rows.first.inner_text()

    # when: a tag from the facet sidebar on top of an emptied search
    page.get_by_label("Search people").fill("")
    # Why the pause and the idle check: the box searches 350 ms after the last keystroke, and
    # the facet to click is the one drawn for the emptied box's results.
    page.wait_for_timeout(SEARCH_DEBOUNCE_MS + 100)
    page.wait_for_function("!document.querySelector('.htmx-request')")
    page.wait_for_function("document.querySelectorAll('#people-results tbody tr').length === 8")
    page.get_by_role("link", name="Tags: silver medallist (2)").click()
    page.wait_for_url("**q=tag*")

    # then: the tag became a clause, shown as a removable chip
    page.wait_for_function("document.querySelectorAll('#people-results tbody tr').length === 2")
    # Why expect(): the query box is rewritten by the page's script after the swap
    expect(page.get_by_label("Search people")).to_have_value('tag:"silver medallist"')
    chip = page.locator("[data-qb-chip]")
    assert chip.locator(".qb-value").input_value() == "silver medallist"
    assert chip.get_by_role("button", name="Remove filter").is_visible()
    screenshot(page, "people-filtered")


def test_a_facet_clicked_while_the_box_searches_keeps_its_answer(
    page: Any, live_server: Any, personas: Personas
) -> None:
    # given the whole list, its facets drawn, and every results request held on its way
    _people(personas)
    login(page, live_server, personas.recruiter)
    page.goto(f"{live_server.url}/people/")
    facet = page.get_by_role("link", name="Tags: silver medallist (2)")
    facet.wait_for()
    held: dict[str, Any] = {}
    page.route(
        lambda url: "/people/?" in url,
        lambda route: held.setdefault("facet" if "silver" in route.request.url else "box", route),
    )

    # when the box searches for typed words, a facet is clicked before that answer comes,
    # and the box's answer arrives between the click and the facet's answer
    page.get_by_label("Search people").fill("nobody by this name")
    page.wait_for_timeout(SEARCH_DEBOUNCE_MS + 150)
    facet.click()
    page.wait_for_timeout(100)
    assert set(held) == {"box", "facet"}
    with page.expect_response(lambda response: "nobody" in response.url):
        held["box"].continue_()
    page.wait_for_timeout(200)
    held["facet"].continue_()
    page.wait_for_timeout(300)
    page.wait_for_function("!document.querySelector('.htmx-request')")

    # then the facet, the later action, decides the results and the query
    assert page.locator("#people-results tbody tr").count() == 2
    expect(page.get_by_label("Search people")).to_have_value('tag:"silver medallist"')


def test_bulk_tag_from_the_list(page: Any, live_server: Any, personas: Personas) -> None:
    # given
    people = _people(personas)
    login(page, live_server, personas.recruiter)
    page.goto(f"{live_server.url}/people/")

    # when
    page.get_by_label(f"Select {people[5].full_name}").check()
    page.get_by_label(f"Select {people[6].full_name}").check()
    assert page.get_by_text("2 selected").is_visible()
    screenshot(page, "people-bulk", full_page=False)
    page.get_by_label("Tag", exact=True).fill("shortlist")
    page.get_by_role("button", name="Add tag").click()

    # then
    page.get_by_text("Tagged 2 people").wait_for()
    assert Person.objects.filter(tags__name="shortlist").count() == 2


def test_open_a_profile_and_add_a_note(page: Any, live_server: Any, personas: Personas) -> None:
    # given
    people = _people(personas)
    login(page, live_server, personas.recruiter)
    page.goto(f"{live_server.url}/people/")

    # when
    page.get_by_role("link", name="Ada Lovelace").click()
    page.get_by_role("textbox", name="Note", exact=True).fill(
        "Great culture add. Follow up after the offsite."
    )
    page.get_by_role("button", name="Add note").click()

    # then
    page.get_by_text("Note added").wait_for()
    page.locator("#timeline").get_by_text("Great culture add").wait_for()
    assert people[0].activities.filter(kind="note").count() == 1
    screenshot(page, "person-profile")


def test_upload_a_resume_and_preview_it(
    page: Any, live_server: Any, personas: Personas, tmp_path: Path
) -> None:
    # given
    people = _people(personas)
    resume = tmp_path / "ada-lovelace-cv.pdf"
    resume.write_bytes(_pdf("Ada Lovelace - Curriculum vitae"))
    login(page, live_server, personas.recruiter)
    page.goto(f"{live_server.url}/people/{people[0].pk}/")

    # when
    page.get_by_label("Upload a file").set_input_files(str(resume))
    page.get_by_role("button", name="Upload", exact=True).click()
    page.get_by_role("link", name="ada-lovelace-cv.pdf", exact=True).click()

    # then
    frame = page.locator("iframe.preview-frame")
    frame.wait_for()
    assert Attachment.objects.filter(person=people[0]).count() == 1
    page.wait_for_timeout(500)  # let the PDF viewer paint before the screenshot
    screenshot(page, "attachment-preview")


def test_invalid_edit_shows_inline_errors(page: Any, live_server: Any, personas: Personas) -> None:
    # given
    people = _people(personas)
    login(page, live_server, personas.recruiter)
    page.goto(f"{live_server.url}/people/{people[0].pk}/edit/")

    # when
    page.get_by_label("Time zone").fill("Mars/Olympus")
    page.get_by_role("button", name="Save changes").click()

    # then
    error = page.locator("#id_time_zone_error")
    error.wait_for()
    assert "Unknown time zone" in error.inner_text()
    assert page.get_by_text("Please fix the highlighted fields").first.is_visible()
    assert page.get_by_label("Time zone").get_attribute("aria-invalid") == "true"
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "person-edit-errors")


def test_tasks_and_mobile_layouts(
    page: Any, mobile_page: Any, live_server: Any, personas: Personas
) -> None:
    # given
    people = _people(personas)
    login(page, live_server, personas.recruiter)
    page.goto(f"{live_server.url}/tasks/")
    screenshot(page, "tasks")
    page.locator("li", has_text="Chase Grace").get_by_role("button", name="Complete").click()
    page.get_by_text("Task completed").wait_for()
    assert page.get_by_text("Chase Grace").count() == 0
    assert Task.objects.filter(completed_at__isnull=False).count() == 1

    # when
    login(mobile_page, live_server, personas.recruiter)
    mobile_page.goto(f"{live_server.url}/people/")
    screenshot(mobile_page, "people-list-mobile")
    mobile_page.get_by_role("button", name="Menu").click()

    # then
    assert mobile_page.get_by_role("link", name="Tasks").is_visible()
    screenshot(mobile_page, "nav-mobile", full_page=False)
    mobile_page.goto(f"{live_server.url}/people/{people[0].pk}/")
    screenshot(mobile_page, "person-profile-mobile")


def _pdf(text: str) -> bytes:
    """A one-page PDF with a line of text, built by hand (no PDF library needed)."""
    stream = f"BT /F1 18 Tf 40 740 Td ({text}) Tj ET".encode()
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R"
        b"/Resources<</Font<</F1 5 0 R>>>>>>",
        b"<</Length " + str(len(stream)).encode() + b">>stream\n" + stream + b"\nendstream",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica>>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer<</Size {len(objects) + 1}/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out
