"""UI test helpers: signed-in clients per persona and a small data set around a job."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from talentloop.accounts.models import User
from talentloop.conftest import Personas
from talentloop.people.models import Person
from talentloop.recruiting.actions import do_add_candidacy
from talentloop.recruiting.models import Job
from talentloop.testing.factories import JobFactory, PersonFactory


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@dataclass
class Scene:
    job: Job
    candidate: Person  # in the hiring manager's job
    prospect: Person  # in no job: hidden from the hiring manager
    stranger: Person  # in the outsider's workspace


@pytest.fixture
def scene(personas: Personas) -> Scene:
    workspace = personas.workspace
    job = JobFactory(workspace=workspace, hiring_manager=personas.hiring_manager)
    candidate = PersonFactory(workspace=workspace, first_name="Ada", last_name="Lovelace")
    prospect = PersonFactory(workspace=workspace, first_name="Grace", last_name="Hopper")
    stranger = PersonFactory(workspace=personas.outsider.workspace, first_name="Eve")
    do_add_candidacy(actor=personas.recruiter, person=candidate, job=job)
    return Scene(job=job, candidate=candidate, prospect=prospect, stranger=stranger)
