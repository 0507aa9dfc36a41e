"""Talent pool pages: the list, create/edit, the stage board, adding from search or a profile."""

from __future__ import annotations

import pytest

from talentloop.accounts.domain import Role
from talentloop.conftest import Personas
from talentloop.recruiting.actions import do_add_candidacy, do_create_pool
from talentloop.recruiting.models import Candidacy, TalentPool
from talentloop.testing.factories import PersonFactory
from talentloop.ui.tests.conftest import Scene, client_for
from talentloop.ui.views.jobs import CARDS_PER_COLUMN

pytestmark = pytest.mark.django_db

SEES_POOLS = [Role.ADMIN, Role.RECRUITER, Role.COORDINATOR, Role.ANALYST]


def _pool(personas: Personas, scene: Scene) -> TalentPool:
    pool = do_create_pool(
        actor=personas.recruiter, workspace=personas.workspace, name="Silver medallists"
    )
    do_add_candidacy(actor=personas.recruiter, person=scene.prospect, pool=pool)
    return pool


@pytest.mark.parametrize("role", SEES_POOLS)
def test_pool_pages_open_for_the_sourcing_team(
    personas: Personas, scene: Scene, role: Role
) -> None:
    # given
    pool = _pool(personas, scene)
    client = client_for(personas.by_role(role))

    # when
    listing = client.get("/pools/")
    board = client.get(f"/pools/{pool.pk}/")

    # then
    assert b"Silver medallists" in listing.content
    assert board.status_code == 200
    assert b"Grace Hopper" in board.content


def test_hiring_managers_and_outsiders_get_404(personas: Personas, scene: Scene) -> None:
    # given
    pool = _pool(personas, scene)

    # then
    assert client_for(personas.hiring_manager).get(f"/pools/{pool.pk}/").status_code == 404
    assert client_for(personas.outsider).get(f"/pools/{pool.pk}/").status_code == 404
    assert b"Silver medallists" not in client_for(personas.hiring_manager).get("/pools/").content


def test_create_a_pool_and_invalid_name_saves_nothing(personas: Personas) -> None:
    # given
    client = client_for(personas.recruiter)

    # when
    blank = client.post("/pools/new/", {"name": "  "})
    created = client.post("/pools/new/", {"name": "Frontend community", "description": "x"})

    # then
    assert blank.status_code == 422
    assert b"field-error" in blank.content
    pool = TalentPool.objects.get()
    assert pool.name == "Frontend community"
    assert created["Location"] == f"/pools/{pool.pk}/"


def test_edit_a_pool(personas: Personas, scene: Scene) -> None:
    pool = _pool(personas, scene)

    response = client_for(personas.coordinator).post(
        f"/pools/{pool.pk}/edit/", {"name": "Renamed", "description": "New words"}
    )

    assert response.status_code == 302
    pool.refresh_from_db()
    assert (pool.name, pool.description) == ("Renamed", "New words")


def test_move_a_member_to_another_stage(personas: Personas, scene: Scene) -> None:
    # given
    pool = _pool(personas, scene)
    member = Candidacy.objects.get(pool=pool)
    engaged = pool.pipeline.stages.get(key="engaged")

    # when
    response = client_for(personas.recruiter).post(
        f"/pools/{pool.pk}/candidacies/{member.pk}/move/",
        {"stage_id": engaged.pk},
        HTTP_HX_REQUEST="true",
    )

    # then
    assert response.status_code == 200
    assert "moved to Engaged" in response["HX-Trigger"]
    assert Candidacy.objects.get(pk=member.pk).stage == engaged


def test_analyst_cannot_change_pools(personas: Personas, scene: Scene) -> None:
    # given
    pool = _pool(personas, scene)
    member = Candidacy.objects.get(pool=pool)
    client = client_for(personas.analyst)

    # then
    assert client.post("/pools/new/", {"name": "x"}).status_code == 403
    stage = pool.pipeline.stages.get(key="engaged")
    move = client.post(f"/pools/{pool.pk}/candidacies/{member.pk}/move/", {"stage_id": stage.pk})
    assert move.status_code == 403
    added = client.post(f"/pools/{pool.pk}/add/", {"person_id": scene.candidate.pk})
    assert added.status_code == 403
    assert TalentPool.objects.count() == 1
    assert Candidacy.objects.get(pk=member.pk).stage.key == "new"


def test_add_from_search_and_remove(personas: Personas, scene: Scene) -> None:
    # given
    pool = _pool(personas, scene)
    client = client_for(personas.recruiter)

    # when
    results = client.get(f"/pools/{pool.pk}/add/?q=Ada")
    client.post(f"/pools/{pool.pk}/add/", {"person_id": scene.candidate.pk})
    member = Candidacy.objects.get(pool=pool, person=scene.candidate)
    removed = client.post(f"/pools/{pool.pk}/candidacies/{member.pk}/remove/")

    # then
    assert b"Ada Lovelace" in results.content
    assert removed.status_code == 302
    assert not Candidacy.objects.filter(pool=pool, person=scene.candidate).exists()


def test_add_from_a_profile(personas: Personas, scene: Scene) -> None:
    # given
    pool = _pool(personas, scene)
    newcomer = PersonFactory(workspace=personas.workspace, first_name="Hedy")
    client = client_for(personas.recruiter)

    # when
    page = client.get(f"/people/{newcomer.pk}/add-to/")
    to_pool = client.post(
        f"/people/{newcomer.pk}/add-to/", {"person_id": newcomer.pk, "pool_id": pool.pk}
    )
    to_job = client.post(
        f"/people/{newcomer.pk}/add-to/", {"person_id": newcomer.pk, "job_id": scene.job.pk}
    )

    # then
    assert page.status_code == 200
    assert b"Silver medallists" in page.content
    assert to_pool.status_code == to_job.status_code == 302
    assert Candidacy.objects.filter(person=newcomer).count() == 2


def test_pool_board_query_count_is_bounded(
    personas: Personas, scene: Scene, django_assert_max_num_queries: object
) -> None:
    # given
    pool = _pool(personas, scene)
    for _ in range(40):
        do_add_candidacy(
            actor=personas.recruiter, person=PersonFactory(workspace=personas.workspace), pool=pool
        )
    client = client_for(personas.recruiter)

    # when
    with django_assert_max_num_queries(10):  # type: ignore[operator]
        response = client.get(f"/pools/{pool.pk}/")

    # then: a long column shows its first cards and says how many more there are
    assert response.content.count(b"data-card ") == CARDS_PER_COLUMN
    assert b"+%d more" % (41 - CARDS_PER_COLUMN) in response.content
