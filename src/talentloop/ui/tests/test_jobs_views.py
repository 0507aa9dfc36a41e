"""Job pages: the list, the board and its moves, rejections, create/edit, adding people."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils.html import escape

from talentloop.accounts.domain import Role
from talentloop.conftest import Personas
from talentloop.core.models import Event
from talentloop.recruiting.actions import do_add_candidacy
from talentloop.recruiting.models import Candidacy, Job, RejectionReason, Stage, StageChange
from talentloop.testing.factories import JobFactory, PersonFactory
from talentloop.ui.tests.conftest import Scene, client_for
from talentloop.ui.views.jobs import stage_age

pytestmark = pytest.mark.django_db

WRITERS = [Role.ADMIN, Role.RECRUITER, Role.COORDINATOR]
READERS = [Role.HIRING_MANAGER, Role.ANALYST]


def _stage(job: Job, key: str) -> int:
    return int(job.pipeline.stages.get(key=key).pk)


@pytest.mark.parametrize("role", list(Role))
def test_every_role_sees_the_job_list_and_board(
    personas: Personas, scene: Scene, role: Role
) -> None:
    # given
    client = client_for(personas.by_role(role))

    # when
    listing = client.get("/jobs/")
    board = client.get(f"/jobs/{scene.job.pk}/")

    # then
    assert listing.status_code == 200
    assert escape(scene.job.title).encode() in listing.content
    assert board.status_code == 200
    assert b"Ada Lovelace" in board.content


def test_hiring_manager_sees_only_their_jobs(personas: Personas, scene: Scene) -> None:
    # given
    other = JobFactory(workspace=personas.workspace, title="Someone else's role")
    client = client_for(personas.hiring_manager)

    # when
    listing = client.get("/jobs/")

    # then
    assert escape(scene.job.title).encode() in listing.content
    assert b"Someone else&#x27;s role" not in listing.content
    assert client.get(f"/jobs/{other.pk}/").status_code == 404
    assert client.get(f"/jobs/{other.pk}/?view=list").status_code == 404


def test_board_hides_move_controls_from_readers(personas: Personas, scene: Scene) -> None:
    # when
    manager_board = client_for(personas.hiring_manager).get(f"/jobs/{scene.job.pk}/")
    recruiter_board = client_for(personas.recruiter).get(f"/jobs/{scene.job.pk}/")

    # then
    assert b"data-move-url" not in manager_board.content
    assert b"Move Ada Lovelace to" not in manager_board.content
    assert b"data-move-url" in recruiter_board.content
    assert b"Move Ada Lovelace to" in recruiter_board.content


def test_another_workspace_gets_404_everywhere(personas: Personas, scene: Scene) -> None:
    # given
    client = client_for(personas.outsider)
    candidacy = Candidacy.objects.get(job=scene.job)
    base = f"/jobs/{scene.job.pk}/"

    # then
    assert client.get(base).status_code == 404
    assert client.get(base + "edit/").status_code == 404
    assert client.get(base + f"candidacies/{candidacy.pk}/").status_code == 404
    stage = _stage(scene.job, "screening")
    move = client.post(base + f"candidacies/{candidacy.pk}/move/", {"stage_id": stage})
    assert move.status_code == 404
    assert Candidacy.objects.get(pk=candidacy.pk).stage.key == "sourced"


@pytest.mark.parametrize("role", WRITERS)
def test_writers_move_a_candidate_and_history_records_it(
    personas: Personas, scene: Scene, role: Role
) -> None:
    # given
    candidacy = Candidacy.objects.get(job=scene.job)
    client = client_for(personas.by_role(role))
    url = f"/jobs/{scene.job.pk}/candidacies/{candidacy.pk}/move/"

    # when
    response = client.post(
        url, {"stage_id": _stage(scene.job, "screening")}, HTTP_HX_REQUEST="true"
    )

    # then
    assert response.status_code == 200
    assert b'id="board"' in response.content
    assert "Ada Lovelace moved to Screening" in response["HX-Trigger"]
    assert [c.stage.key for c in StageChange.objects.filter(candidacy=candidacy)] == [
        "sourced",
        "screening",
    ]
    assert Event.objects.filter(verb="candidacy.stage_changed").count() == 1


def test_plain_form_move_redirects_back_with_a_toast(personas: Personas, scene: Scene) -> None:
    # given
    candidacy = Candidacy.objects.get(job=scene.job)
    client = client_for(personas.recruiter)

    # when
    response = client.post(
        f"/jobs/{scene.job.pk}/candidacies/{candidacy.pk}/move/",
        {"stage_id": _stage(scene.job, "interview")},
        follow=True,
    )

    # then
    assert response.redirect_chain[-1][0] == f"/jobs/{scene.job.pk}/"
    assert b"Ada Lovelace moved to Interview" in response.content


def test_moving_to_the_current_stage_changes_nothing(personas: Personas, scene: Scene) -> None:
    # given
    candidacy = Candidacy.objects.get(job=scene.job)

    # when
    response = client_for(personas.recruiter).post(
        f"/jobs/{scene.job.pk}/candidacies/{candidacy.pk}/move/",
        {"stage_id": _stage(scene.job, "sourced")},
        HTTP_HX_REQUEST="true",
    )

    # then
    assert "Ada Lovelace is already in Sourced" in response["HX-Trigger"]
    assert StageChange.objects.filter(candidacy=candidacy).count() == 1


@pytest.mark.parametrize("role", READERS)
def test_readers_cannot_move_or_reject(personas: Personas, scene: Scene, role: Role) -> None:
    # given
    candidacy = Candidacy.objects.get(job=scene.job)
    client = client_for(personas.by_role(role))
    base = f"/jobs/{scene.job.pk}/candidacies/{candidacy.pk}/"
    reason = RejectionReason.objects.filter(workspace=personas.workspace, kind="rejected").first()
    assert reason is not None

    # when
    move = client.post(base + "move/", {"stage_id": _stage(scene.job, "offer")})
    reject = client.post(base + "reject/", {"reason": reason.pk})

    # then
    assert move.status_code == 403
    assert reject.status_code == 403
    assert Candidacy.objects.get(pk=candidacy.pk).outcome == "open"
    assert StageChange.objects.filter(candidacy=candidacy).count() == 1


def test_a_stage_of_another_pipeline_is_refused(personas: Personas, scene: Scene) -> None:
    # given
    candidacy = Candidacy.objects.get(job=scene.job)
    pool_stage = Stage.objects.filter(
        pipeline__workspace=personas.workspace, pipeline__kind="pool"
    ).first()
    assert pool_stage is not None

    # when
    response = client_for(personas.recruiter).post(
        f"/jobs/{scene.job.pk}/candidacies/{candidacy.pk}/move/", {"stage_id": pool_stage.pk}
    )

    # then
    assert response.status_code == 422
    assert Candidacy.objects.get(pk=candidacy.pk).stage.key == "sourced"


def test_reject_with_a_reason_takes_the_card_off_the_board(
    personas: Personas, scene: Scene
) -> None:
    # given
    candidacy = Candidacy.objects.get(job=scene.job)
    reason = RejectionReason.objects.get(workspace=personas.workspace, name="Skills mismatch")
    client = client_for(personas.recruiter)

    # when
    response = client.post(
        f"/jobs/{scene.job.pk}/candidacies/{candidacy.pk}/reject/",
        {"reason": reason.pk, "note": "<b>not now</b>"},
        follow=True,
    )

    # then
    candidacy.refresh_from_db()
    assert candidacy.outcome == "rejected"
    assert candidacy.outcome_reason == reason
    assert b"rejected: Skills mismatch" in response.content
    board = client.get(f"/jobs/{scene.job.pk}/")
    assert b"card-%d" % candidacy.pk not in board.content
    assert b"Rejected (1)" in board.content


def test_reject_without_a_reason_shows_the_error(personas: Personas, scene: Scene) -> None:
    # given
    candidacy = Candidacy.objects.get(job=scene.job)

    # when
    response = client_for(personas.recruiter).post(
        f"/jobs/{scene.job.pk}/candidacies/{candidacy.pk}/reject/", {"reason": ""}
    )

    # then
    assert response.status_code == 422
    assert b"field-error" in response.content
    assert Candidacy.objects.get(pk=candidacy.pk).outcome == "open"


def test_reject_dialog_lists_the_workspace_reasons(personas: Personas, scene: Scene) -> None:
    # when
    board = client_for(personas.recruiter).get(f"/jobs/{scene.job.pk}/")

    # then
    assert b'id="reject-dialog"' in board.content
    assert b"Skills mismatch" in board.content
    assert b"Accepted another offer" not in board.content  # a withdrawal reason


def test_candidacy_page_shows_the_stage_history(personas: Personas, scene: Scene) -> None:
    # given
    candidacy = Candidacy.objects.get(job=scene.job)
    client = client_for(personas.recruiter)
    client.post(
        f"/jobs/{scene.job.pk}/candidacies/{candidacy.pk}/move/",
        {"stage_id": _stage(scene.job, "screening")},
    )

    # when
    page = client_for(personas.hiring_manager).get(
        f"/jobs/{scene.job.pk}/candidacies/{candidacy.pk}/"
    )

    # then
    assert page.status_code == 200
    assert b"from Sourced" in page.content
    assert b"Next step" not in page.content  # no controls for the hiring manager


def test_board_query_count_is_bounded(
    personas: Personas, scene: Scene, django_assert_max_num_queries: object
) -> None:
    # given: 60 candidates over three stages (more than a column shows)
    stages = list(scene.job.pipeline.stages.order_by("position")[:3])
    for index in range(60):
        person = PersonFactory(workspace=personas.workspace)
        do_add_candidacy(
            actor=personas.recruiter, person=person, job=scene.job, stage=stages[index % 3]
        )
    client = client_for(personas.recruiter)

    # when
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        response = client.get(f"/jobs/{scene.job.pk}/")

    # then
    assert response.status_code == 200
    assert response.content.count(b"data-card ") == 61


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (0, "under a minute"),
        (59, "under a minute"),
        (60, "1 minute"),
        (7200, "2 hours"),
        (86400 * 3, "3 days"),
    ],
)
def test_stage_age_is_short_and_plural_aware(seconds: int, shown: str) -> None:
    now = datetime(2026, 1, 10, tzinfo=UTC)

    assert stage_age(now - timedelta(seconds=seconds), now) == shown


def test_list_view_pages_and_filters(personas: Personas, scene: Scene) -> None:
    # when
    listing = client_for(personas.analyst).get(f"/jobs/{scene.job.pk}/?view=list&outcome=")

    # then
    assert listing.status_code == 200
    assert b"Ada Lovelace" in listing.content
    assert b"Sourced" in listing.content


# --- create and edit -------------------------------------------------------------------------


def _job_form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "Staff Engineer",
        "status": "open",
        "openings": "2",
        "remote_policy": "hybrid",
        "employment_type": "full_time",
        "salary_currency": "EUR",
        "salary_min": "90000",
        "salary_max": "120000",
        "salary_period": "year",
        "required_skills": "Python, Django",
        "nice_to_have_skills": "PostgreSQL",
        "min_years": "6",
        "city": "Berlin",
        "country": "DE",
    }
    data.update(overrides)
    return data


def test_recruiter_creates_a_job_with_requirements(personas: Personas) -> None:
    # given
    client = client_for(personas.recruiter)
    form = _job_form(hiring_manager=personas.hiring_manager.pk, recruiter=personas.recruiter.pk)

    # when
    response = client.post("/jobs/new/", form)

    # then
    job = Job.objects.get(title="Staff Engineer")
    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{job.pk}/"
    assert job.required_skills == ["Python", "Django"]
    assert job.nice_to_have_skills == ["PostgreSQL"]
    assert (job.min_years, job.salary_min, job.salary_max, job.openings) == (6, 90000, 120000, 2)
    assert job.hiring_manager == personas.hiring_manager
    assert job.pipeline.is_default


def test_invalid_job_form_shows_inline_errors_and_saves_nothing(personas: Personas) -> None:
    # when
    response = client_for(personas.recruiter).post(
        "/jobs/new/", _job_form(title="", salary_min="200000", salary_max="100", country="Germany")
    )

    # then
    assert response.status_code == 422
    content = response.content.decode()
    assert 'id="id_title_error"' in content
    assert 'id="id_salary_min_error"' in content
    assert 'aria-invalid="true"' in content
    assert not Job.objects.exists()


def test_action_errors_are_shown_next_to_their_field(personas: Personas) -> None:
    # when
    response = client_for(personas.recruiter).post(
        "/jobs/new/", _job_form(salary_min="200000", salary_max="100")
    )

    # then
    assert response.status_code == 422
    assert b"the minimum is above the maximum" in response.content.lower()
    assert not Job.objects.exists()


def test_edit_job_updates_its_fields(personas: Personas, scene: Scene) -> None:
    # given
    client = client_for(personas.coordinator)
    page = client.get(f"/jobs/{scene.job.pk}/edit/")

    # when
    response = client.post(
        f"/jobs/{scene.job.pk}/edit/", _job_form(title="Renamed", status="on_hold")
    )

    # then
    assert page.status_code == 200
    assert response.status_code == 302
    scene.job.refresh_from_db()
    assert (scene.job.title, scene.job.status) == ("Renamed", "on_hold")


@pytest.mark.parametrize("role", READERS)
def test_readers_cannot_create_or_edit_jobs(personas: Personas, scene: Scene, role: Role) -> None:
    client = client_for(personas.by_role(role))

    assert client.get("/jobs/new/").status_code == 403
    assert client.post("/jobs/new/", _job_form()).status_code == 403
    assert client.post(f"/jobs/{scene.job.pk}/edit/", _job_form()).status_code == 403
    assert Job.objects.count() == 1


def test_user_text_is_escaped(personas: Personas) -> None:
    # given
    JobFactory(workspace=personas.workspace, title="<script>alert(1)</script>")

    # when
    listing = client_for(personas.recruiter).get("/jobs/")

    # then
    assert b"<script>alert(1)</script>" not in listing.content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in listing.content


# --- adding people ----------------------------------------------------------------------------


def test_search_then_add_a_person_to_the_job(personas: Personas, scene: Scene) -> None:
    # given
    client = client_for(personas.recruiter)
    url = f"/jobs/{scene.job.pk}/add/"

    # when
    results = client.get(url + "?q=Grace", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="add-results")
    added = client.post(url, {"person_id": scene.prospect.pk}, HTTP_HX_REQUEST="true")

    # then
    assert b"Grace Hopper" in results.content
    assert b"Ada Lovelace" not in results.content
    assert added.status_code == 200
    assert b"Added" in added.content
    assert Candidacy.objects.filter(job=scene.job, person=scene.prospect).exists()


def test_search_marks_people_already_in_the_job(personas: Personas, scene: Scene) -> None:
    response = client_for(personas.recruiter).get(f"/jobs/{scene.job.pk}/add/?q=Ada")

    assert b"Ada Lovelace" in response.content
    assert b'badge badge-success">Added' in response.content


def test_adding_someone_from_another_workspace_is_404(personas: Personas, scene: Scene) -> None:
    response = client_for(personas.recruiter).post(
        f"/jobs/{scene.job.pk}/add/", {"person_id": scene.stranger.pk}
    )

    assert response.status_code == 404
    assert not Candidacy.objects.filter(person=scene.stranger).exists()


@pytest.mark.parametrize("role", READERS)
def test_readers_cannot_add_people(personas: Personas, scene: Scene, role: Role) -> None:
    client = client_for(personas.by_role(role))

    response = client.post(f"/jobs/{scene.job.pk}/add/", {"person_id": scene.prospect.pk})

    assert response.status_code == 403
    assert not Candidacy.objects.filter(person=scene.prospect).exists()


def test_signed_out_users_are_sent_to_sign_in(db: None) -> None:
    response = Client().get("/jobs/")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
