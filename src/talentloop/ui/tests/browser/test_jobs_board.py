"""Jobs, the pipeline board, pools and settings in a real browser, with screenshots for review."""

from __future__ import annotations

from typing import Any

import pytest

from talentloop.conftest import Personas
from talentloop.people.catalog_actions import do_add_source_cost, do_create_source
from talentloop.people.models import Person
from talentloop.recruiting.actions import do_add_candidacy, do_create_pool, do_move_candidacy
from talentloop.recruiting.models import Candidacy, Job, StageChange
from talentloop.testing.factories import JobFactory, PersonFactory
from talentloop.ui.tests.browser.conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NAMES = [
    ("Ada", "Lovelace", "Staff data engineer", "Analytical Engines"),
    ("Grace", "Hopper", "Principal compiler engineer", "US Navy"),
    ("Alan", "Turing", "Machine learning researcher", "Bletchley"),
    ("Katherine", "Johnson", "Senior backend engineer", "NASA"),
    ("Linus", "Berg", "Platform engineer", "Kernel GmbH"),
    ("Margaret", "Hamilton", "Engineering manager", "MIT"),
    ("Yuki", "Tanaka", "Frontend engineer", "Rakuten"),
]


def _job_with_candidates(personas: Personas) -> tuple[Job, list[Person]]:
    workspace = personas.workspace
    job = JobFactory(
        workspace=workspace,
        title="Senior Data Engineer",
        department="Data",
        city="Berlin",
        country="DE",
        remote_policy="hybrid",
        hiring_manager=personas.hiring_manager,
        recruiter=personas.recruiter,
        required_skills=["Python", "SQL"],
    )
    JobFactory(workspace=workspace, title="Product Designer", recruiter=personas.recruiter)
    stages = {stage.key: stage for stage in job.pipeline.stages.all()}
    people = []
    for index, (first, last, title, company) in enumerate(NAMES):
        person = PersonFactory(
            workspace=workspace,
            first_name=first,
            last_name=last,
            current_title=title,
            current_company_name=company,
        )
        people.append(person)
        candidacy = do_add_candidacy(actor=personas.recruiter, person=person, job=job)
        target = ["sourced", "sourced", "contacted", "screening", "interview", "interview", "offer"]
        if target[index] != "sourced":
            do_move_candidacy(
                actor=personas.recruiter, candidacy=candidacy, to_stage=stages[target[index]]
            )
    return job, people


def _column(page: Any, name: str) -> Any:
    return page.locator(f".board-column[data-stage-name='{name}']")


def test_drag_a_candidate_to_the_next_stage(
    page: Any, live_server: Any, personas: Personas
) -> None:
    # given
    job, people = _job_with_candidates(personas)
    ada = Candidacy.objects.get(job=job, person=people[0])
    login(page, live_server, personas.recruiter)
    page.goto(f"{live_server.url}/jobs/{job.pk}/")
    screenshot(page, "job-board")

    # when
    page.drag_and_drop(f"#card-{ada.pk}", ".board-column[data-stage-name='Contacted']")

    # then: the board re-renders with Ada in Contacted, counts updated, and it is announced
    page.locator(f".board-column[data-stage-name='Contacted'] #card-{ada.pk}").wait_for()
    page.get_by_text("Ada Lovelace moved to Contacted").first.wait_for()
    assert _column(page, "Contacted").locator("[data-count]").inner_text() == "2"
    assert _column(page, "Sourced").locator("[data-count]").inner_text() == "1"
    assert page.locator("[data-board-status]").inner_text() == "Ada Lovelace moved to Contacted"

    # when: the history panel of that candidacy
    page.locator(f"#card-{ada.pk} .board-card-name").click()

    # then
    history = page.locator("[data-stage-history] tbody tr")
    assert history.count() == 2
    assert "Contacted" in history.nth(1).inner_text()
    assert "from Sourced" in history.nth(1).inner_text()
    assert [c.stage.key for c in StageChange.objects.filter(candidacy=ada)] == [
        "sourced",
        "contacted",
    ]
    screenshot(page, "candidacy-history")


def test_move_with_the_keyboard_menu(page: Any, live_server: Any, personas: Personas) -> None:
    # given
    job, people = _job_with_candidates(personas)
    grace = Candidacy.objects.get(job=job, person=people[1])
    login(page, live_server, personas.recruiter)
    page.goto(f"{live_server.url}/jobs/{job.pk}/")

    # when
    page.get_by_label("Move Grace Hopper to").select_option(label="Screening")
    page.get_by_role("button", name="Move Grace Hopper").press("Enter")

    # then
    page.locator(f".board-column[data-stage-name='Screening'] #card-{grace.pk}").wait_for()
    assert Candidacy.objects.get(pk=grace.pk).stage.key == "screening"
    assert _column(page, "Screening").locator("[data-count]").inner_text() == "2"


def test_reject_with_a_reason(page: Any, live_server: Any, personas: Personas) -> None:
    # given
    job, people = _job_with_candidates(personas)
    alan = Candidacy.objects.get(job=job, person=people[2])
    login(page, live_server, personas.recruiter)
    page.goto(f"{live_server.url}/jobs/{job.pk}/")

    # when
    page.get_by_role("link", name="Reject Alan Turing").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Reason").select_option(label="Skills mismatch")
    dialog.get_by_label("Note").fill("Strong, but no Spark experience yet.")
    screenshot(page, "job-reject-dialog", full_page=False)
    dialog.get_by_role("button", name="Reject").click()

    # then
    page.get_by_text("Alan Turing rejected: Skills mismatch").wait_for()
    assert page.locator(f"#card-{alan.pk}").count() == 0
    alan.refresh_from_db()
    assert alan.outcome == "rejected"
    assert alan.outcome_reason is not None
    assert alan.outcome_reason.name == "Skills mismatch"
    assert page.get_by_role("link", name="Rejected (1)").is_visible()


def test_create_a_job(page: Any, live_server: Any, personas: Personas) -> None:
    # given
    login(page, live_server, personas.recruiter)
    page.goto(f"{live_server.url}/jobs/")
    screenshot(page, "jobs-empty")
    page.get_by_role("link", name="New job").first.click()

    # when: first a mistake, then the fix
    page.get_by_label("Salary from").fill("150000")
    page.get_by_label("Salary to").fill("90000")
    page.get_by_role("button", name="Create job").click()
    page.locator(".field-error").first.wait_for()
    screenshot(page, "job-form-errors")
    page.get_by_role("button", name="Dismiss").click()
    page.get_by_label("Title").fill("Platform Engineer")
    page.get_by_label("Salary from").fill("80000")
    page.get_by_label("Salary currency").fill("EUR")
    page.get_by_label("Required skills").fill("Go, Kubernetes")
    page.get_by_label("Minimum years of experience").fill("4")
    page.get_by_label("Hiring manager").select_option(label=personas.hiring_manager.display_name)
    page.get_by_label("Remote policy").select_option(label="Remote")
    page.get_by_role("button", name="Create job").click()

    # then
    page.get_by_role("heading", name="Platform Engineer").wait_for()
    job = Job.objects.get(title="Platform Engineer")
    assert job.required_skills == ["Go", "Kubernetes"]
    assert (job.salary_min, job.salary_max, job.remote_policy) == (80000, 90000, "remote")
    assert page.get_by_text("No one here yet").first.is_visible()
    page.goto(f"{live_server.url}/jobs/")
    screenshot(page, "jobs-list")


def test_add_people_from_search(page: Any, live_server: Any, personas: Personas) -> None:
    # given
    job, _ = _job_with_candidates(personas)
    newcomer = PersonFactory(workspace=personas.workspace, first_name="Hedy", last_name="Lamarr")
    login(page, live_server, personas.recruiter)
    page.goto(f"{live_server.url}/jobs/{job.pk}/")
    page.get_by_role("link", name="Add people").click()

    # when
    page.get_by_label("Search people").fill("Hedy")
    page.get_by_role("button", name="Add Hedy Lamarr").click()

    # then
    page.locator(f"#add-{newcomer.pk} .badge").wait_for()
    screenshot(page, "job-add-people")
    assert Candidacy.objects.filter(job=job, person=newcomer).exists()


def test_hiring_manager_sees_a_read_only_board_of_their_job_only(
    page: Any, live_server: Any, personas: Personas
) -> None:
    # given
    _job_with_candidates(personas)
    other = Job.objects.get(title="Product Designer")
    login(page, live_server, personas.hiring_manager)

    # when
    page.goto(f"{live_server.url}/jobs/")

    # then
    assert page.get_by_role("link", name="Senior Data Engineer").is_visible()
    assert page.get_by_role("link", name="Product Designer").count() == 0
    page.get_by_role("link", name="Senior Data Engineer").click()
    page.locator("#board").wait_for()
    assert page.locator("[data-card][draggable='true']").count() == 0
    assert page.locator(".board-card-actions").count() == 0
    assert page.get_by_role("link", name="Add people").count() == 0
    screenshot(page, "job-board-hiring-manager")
    response = page.goto(f"{live_server.url}/jobs/{other.pk}/")
    assert response is not None
    assert response.status == 404


def test_board_scrolls_sideways_on_a_phone(
    mobile_page: Any, live_server: Any, personas: Personas
) -> None:
    # given
    job, _ = _job_with_candidates(personas)
    login(mobile_page, live_server, personas.recruiter)

    # when
    mobile_page.goto(f"{live_server.url}/jobs/{job.pk}/")

    # then: the page itself does not scroll sideways; the board does
    widths = mobile_page.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth,"
        " document.getElementById('board').scrollWidth,"
        " document.getElementById('board').clientWidth]"
    )
    assert widths[0] <= widths[1]
    assert widths[2] > widths[3]
    screenshot(mobile_page, "job-board-mobile", full_page=False)


def test_pools_and_settings_pages(page: Any, live_server: Any, personas: Personas) -> None:
    # given
    _, people = _job_with_candidates(personas)
    pool = do_create_pool(
        actor=personas.recruiter,
        workspace=personas.workspace,
        name="Data silver medallists",
        description="Strong finalists from last year's data hiring.",
    )
    for person in people[:4]:
        do_add_candidacy(actor=personas.recruiter, person=person, pool=pool)
    source = do_create_source(
        actor=personas.admin, workspace=personas.workspace, name="LinkedIn", kind="social"
    )
    do_add_source_cost(
        actor=personas.admin,
        source=source,
        amount="1200.00",
        currency="EUR",
        period_start="2026-01-01",
        period_end="2026-03-31",
    )
    login(page, live_server, personas.admin)

    # then: every page renders; screenshots for review
    for path, name in [
        ("/pools/", "pools-list"),
        (f"/pools/{pool.pk}/", "pool-board"),
        ("/settings/users/", "settings-users"),
        ("/settings/pipelines/", "settings-pipelines"),
        (f"/settings/pipelines/{pool.pipeline_id}/", "settings-pipeline-edit"),
        ("/settings/tags/", "settings-tags"),
        ("/settings/sources/", "settings-sources"),
        (f"/settings/sources/{source.pk}/", "settings-source"),
        ("/settings/fields/", "settings-fields"),
        ("/settings/tokens/", "settings-tokens"),
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None
        assert response.status == 200, path
        screenshot(page, name)

    # when: a token is created, its secret shows once
    page.get_by_label("Name").fill("Warehouse sync")
    page.get_by_role("button", name="Create token").click()

    # then
    secret = page.locator("[data-token-secret]")
    secret.wait_for()
    assert secret.inner_text().startswith("tl_")
    screenshot(page, "settings-token-created")
    page.goto(f"{live_server.url}/settings/tokens/")
    assert page.locator("[data-token-secret]").count() == 0
