"""Search in a real browser: query text <-> builder chips, inline errors, saving a segment."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from talentloop.conftest import Personas
from talentloop.people.actions import ContactInput, SkillInput, do_create_person, do_tag_people
from talentloop.people.models import Person
from talentloop.search import actions as search_actions
from talentloop.search import list_actions
from talentloop.search.actions import refresh_segment
from talentloop.search.models import Segment
from talentloop.testing.factories import SourceFactory
from talentloop.ui.tests.browser.conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PEOPLE = [
    ("Ada", "Lovelace", "Staff data engineer", "London", "GB", "lead", ["Python", "SQL"]),
    ("Grace", "Hopper", "Compiler engineer", "New York", "US", "principal", ["COBOL"]),
    ("Linus", "Berg", "Platform engineer", "Berlin", "DE", "senior", ["Python", "Go"]),
    ("Lena", "Vogel", "Machine learning engineer", "Berlin", "DE", "mid", ["Python"]),
    ("Yuki", "Tanaka", "Frontend engineer", "Tokyo", "JP", "mid", ["TypeScript"]),
]


def _people(personas: Personas) -> list[Person]:
    referral = SourceFactory(workspace=personas.workspace, name="Referral")
    people = []
    for first, last, headline, city, country, seniority, skills in PEOPLE:
        people.append(
            do_create_person(
                actor=personas.recruiter,
                workspace=personas.workspace,
                fields={
                    "first_name": first,
                    "last_name": last,
                    "headline": headline,
                    "city": city,
                    "country": country,
                    "seniority": seniority,
                    "source_id": referral.pk,
                },
                contacts=[ContactInput("email", f"{first.lower()}@example.com")],
                skills=[SkillInput(name) for name in skills],
            )
        )
    do_tag_people(
        actor=personas.recruiter, workspace=personas.workspace, people=people[2:4], names=["vip"]
    )
    return people


@contextmanager
def _builder_answer(page: Any) -> Iterator[None]:
    """Wait until the builder is redrawn after what the block does (each edit redraws it)."""
    with page.expect_response(lambda response: "/people/query/builder/" in response.url):
        yield
    page.wait_for_function("!document.querySelector('#query-builder.htmx-request')")


def _chips(page: Any) -> list[str]:
    """Each chip as 'field op value' from its pickers."""
    return [
        " ".join(
            [
                chip.locator("select.qb-field").input_value(),
                chip.locator("select.qb-op").input_value(),
                chip.locator(".qb-value").input_value(),
            ]
        )
        for chip in page.locator("[data-qb-chip]").all()
    ]


def test_type_a_query_and_see_the_chips(page: Any, live_server: Any, personas: Personas) -> None:
    # given
    _people(personas)
    login(page, live_server, personas.recruiter)
    page.goto(f"{live_server.url}/people/")

    # when
    page.get_by_label("Search people").fill("skills:python AND city:Berlin")

    # then
    page.locator("[data-qb-chip]").nth(1).wait_for()
    assert _chips(page) == ["skills : python", "city : Berlin"]
    page.locator("#people-results tbody tr").nth(1).wait_for()
    page.wait_for_function("document.querySelectorAll('#people-results tbody tr').length === 2")
    names = page.locator("#people-results tbody").inner_text()
    assert "Linus Berg" in names
    assert "Lena Vogel" in names
    page.locator(".facet").first.wait_for()
    screenshot(page, "search-typed-query")


def test_build_a_query_with_clicks_and_see_the_text(
    page: Any, live_server: Any, personas: Personas
) -> None:
    # given
    _people(personas)
    login(page, live_server, personas.recruiter)
    page.goto(f"{live_server.url}/people/")

    # when: add a filter (skills is python by default) and type its value
    with _builder_answer(page):
        page.get_by_role("button", name="+ Filter").first.click()
    with _builder_answer(page):
        page.get_by_label("Value").first.fill("python")
        page.get_by_label("Value").first.press("Enter")
    page.wait_for_function("document.getElementById('people-q').value === 'skills:python'")
    # then a group "any of": seniority at least senior
    with _builder_answer(page):
        page.locator("#query-builder").get_by_role("button", name="+ Group").first.click()
    with _builder_answer(page):
        page.locator("[data-qb-chip]").nth(1).get_by_label("Field").select_option("seniority")
    with _builder_answer(page):
        page.locator("[data-qb-chip]").nth(1).get_by_label("Operator").select_option(">=")
    with _builder_answer(page):
        page.locator("[data-qb-chip]").nth(1).get_by_label("Value").select_option("senior")

    # then
    page.wait_for_function(
        "document.getElementById('people-q').value === 'skills:python AND seniority>=senior'"
    )
    page.wait_for_function("document.querySelectorAll('#people-results tbody tr').length === 2")
    page.wait_for_function("!document.getElementById('facets').innerText.includes('Mid')")
    screenshot(page, "search-built-query")


def test_an_invalid_query_shows_the_error_inline(
    page: Any, mobile_page: Any, live_server: Any, personas: Personas
) -> None:
    # given
    _people(personas)
    login(page, live_server, personas.recruiter)
    page.goto(f"{live_server.url}/people/")

    # when
    page.get_by_label("Search people").fill("city:Berlin AND skils:python")

    # then
    error = page.locator(".query-error")
    error.wait_for()
    assert "did you mean 'skills'" in error.inner_text()
    caret = page.locator(".query-error-caret").inner_text()
    assert caret == " " * len("city:Berlin AND ") + "^"
    assert page.locator(".query-error mark").inner_text() == "s"
    screenshot(page, "search-invalid-query", full_page=False)

    # and on a phone
    login(mobile_page, live_server, personas.recruiter)
    mobile_page.goto(f"{live_server.url}/people/?q=years%3E%3D")
    mobile_page.locator(".query-error").wait_for()
    screenshot(mobile_page, "search-invalid-query-mobile", full_page=False)


def test_save_a_segment_and_open_it(
    page: Any, mobile_page: Any, live_server: Any, personas: Personas
) -> None:
    # given
    people = _people(personas)
    login(page, live_server, personas.recruiter)
    page.goto(f"{live_server.url}/people/?q=tag%3Avip")

    # when
    page.get_by_text("Save as segment").click()
    page.get_by_label("Segment name").fill("Berlin VIPs")
    page.get_by_role("button", name="Save segment").click()

    # then
    page.wait_for_url("**/segments/*/")
    assert page.get_by_role("heading", name="Berlin VIPs").is_visible()
    page.locator("#segment-members tbody tr").nth(1).wait_for()
    assert page.locator("#segment-members tbody tr").count() == 2
    page.locator("#facets .facet").first.wait_for()
    segment = Segment.objects.get(name="Berlin VIPs")
    assert segment.query == "tag:vip"
    screenshot(page, "segment-detail")

    # and as more people join, the list shows the growth
    for person in [people[0], people[1], people[4]]:
        do_tag_people(
            actor=personas.recruiter, workspace=personas.workspace, people=[person], names=["vip"]
        )
        refresh_segment(segment)
    page.goto(f"{live_server.url}/segments/")
    assert page.locator("svg.sparkline").count() == 1
    screenshot(page, "segments-list")
    page.goto(f"{live_server.url}/segments/{segment.pk}/")
    screenshot(page, "segment-detail-history")

    # and on a phone
    login(mobile_page, live_server, personas.recruiter)
    mobile_page.goto(f"{live_server.url}/segments/{segment.pk}/")
    screenshot(mobile_page, "segment-detail-mobile")
    mobile_page.goto(f"{live_server.url}/people/?q=skills%3Apython%20AND%20NOT%20city%3ATokyo")
    mobile_page.locator("[data-qb-chip]").first.wait_for()
    screenshot(mobile_page, "search-mobile")


def test_quick_lookup_and_a_static_list(
    page: Any, mobile_page: Any, live_server: Any, personas: Personas
) -> None:
    # given
    people = _people(personas)
    segment = search_actions.do_create_segment(
        actor=personas.recruiter, workspace=personas.workspace, name="Python", query="skills:python"
    )
    static_list = list_actions.do_snapshot_segment(
        actor=personas.recruiter, segment=segment, name="Python shortlist"
    )
    login(page, live_server, personas.recruiter)

    # when: a misspelt name in the top bar's box
    page.get_by_label("Find a person").fill("lovelase")

    # then
    hit = page.locator("#lookup-results").get_by_role("link", name="Ada Lovelace")
    hit.wait_for()
    screenshot(page, "quick-lookup", full_page=False)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/people/{people[0].pk}/")

    # when: a member is taken off the static list
    page.goto(f"{live_server.url}/lists/{static_list.pk}/")
    page.get_by_label(f"Select {people[2].full_name}").check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Remove from list").click()

    # then
    page.get_by_text("Removed 1 person").wait_for()
    assert page.locator("tbody tr").count() == 2
    screenshot(page, "static-list")
    page.goto(f"{live_server.url}/lists/")
    screenshot(page, "static-lists")
    login(mobile_page, live_server, personas.recruiter)
    mobile_page.goto(f"{live_server.url}/lists/{static_list.pk}/")
    screenshot(mobile_page, "static-list-mobile")
