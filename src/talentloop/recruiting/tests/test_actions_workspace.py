"""Adding a candidacy never crosses workspaces: a job, pool or source from elsewhere is a 404."""

from __future__ import annotations

import pytest

from talentloop.core.errors import NotFound
from talentloop.core.models import Event
from talentloop.recruiting.actions import do_add_candidacy
from talentloop.recruiting.models import Candidacy
from talentloop.testing.factories import (
    JobFactory,
    PersonFactory,
    SourceFactory,
    TalentPoolFactory,
)

pytestmark = pytest.mark.django_db


def _nothing_written(before: tuple[int, int]) -> bool:
    return (Candidacy.objects.count(), Event.objects.count()) == before


def test_a_job_of_another_workspace_is_not_found(personas):
    # given a person here and a job in the outsider's workspace
    person = PersonFactory(workspace=personas.workspace)
    job = JobFactory(workspace=personas.outsider.workspace)
    before = (Candidacy.objects.count(), Event.objects.count())

    # when the person is added to that job, then it is a 404 and nothing is written
    with pytest.raises(NotFound) as caught:
        do_add_candidacy(actor=personas.admin, person=person, job=job)
    assert caught.value.status == 404
    assert caught.value.fields == {"job_id": "not found"}
    assert _nothing_written(before)


def test_a_pool_of_another_workspace_is_not_found(personas):
    person = PersonFactory(workspace=personas.workspace)
    pool = TalentPoolFactory(workspace=personas.outsider.workspace)
    before = (Candidacy.objects.count(), Event.objects.count())

    with pytest.raises(NotFound):
        do_add_candidacy(actor=personas.admin, person=person, pool=pool)
    assert _nothing_written(before)


def test_a_person_of_another_workspace_is_not_found_either(personas):
    # given the outsider's person and a job here
    stranger = PersonFactory(workspace=personas.outsider.workspace)
    job = JobFactory(workspace=personas.workspace)

    with pytest.raises(NotFound):
        do_add_candidacy(actor=personas.admin, person=stranger, job=job)
    assert not Candidacy.objects.filter(person=stranger).exists()


def test_a_source_of_another_workspace_is_not_found(personas):
    person = PersonFactory(workspace=personas.workspace)
    job = JobFactory(workspace=personas.workspace)
    source = SourceFactory(workspace=personas.outsider.workspace)

    with pytest.raises(NotFound) as caught:
        do_add_candidacy(actor=personas.admin, person=person, job=job, source=source)
    assert caught.value.fields == {"source_id": "not found"}


def test_same_workspace_still_adds(personas):
    person = PersonFactory(workspace=personas.workspace)
    job = JobFactory(workspace=personas.workspace)

    candidacy = do_add_candidacy(actor=personas.admin, person=person, job=job)

    assert candidacy.workspace_id == personas.workspace.pk
