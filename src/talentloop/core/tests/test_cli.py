from __future__ import annotations

from itertools import pairwise

import phonenumbers
import pytest
from django.db.models import Max

from talentloop.accounts.actions import hash_token
from talentloop.accounts.models import ApiToken, User, Workspace
from talentloop.cli import DEMO_DOMAIN, DEMO_PASSWORD, DEMO_USERS, main
from talentloop.people.domain import ENGAGEMENT_KINDS, seniority_rank
from talentloop.people.models import Activity, ContactPoint, Person
from talentloop.recruiting.models import Candidacy, StageChange
from talentloop.seed.demo import ensure_demo_workspace
from talentloop.testing.factories import PASSWORD, UserFactory, WorkspaceFactory


@pytest.mark.django_db
def test_createadmin_with_flags_creates_the_workspace_and_a_staff_admin(capsys):
    # when an operator creates the first admin on an empty installation
    status = main(
        [
            "createadmin",
            "--email",
            "Ops@Example.com",
            "--password",
            PASSWORD,
            "--workspace",
            "Initech",
        ]
    )

    # then the workspace exists with its admin, who may use the Django admin too
    assert status == 0
    admin = User.objects.get(email="ops@example.com")
    assert admin.workspace is not None
    assert admin.workspace.name == "Initech"
    assert admin.role == "admin"
    assert admin.is_staff
    assert admin.check_password(PASSWORD)
    assert "Created admin ops@example.com" in capsys.readouterr().out


@pytest.mark.django_db
def test_createadmin_refuses_a_taken_email(capsys):
    UserFactory(email="taken@example.com")

    status = main(["createadmin", "--email", "taken@example.com", "--password", PASSWORD])

    assert status == 2
    assert "already exists" in capsys.readouterr().err
    assert User.objects.filter(email="taken@example.com").count() == 1


@pytest.mark.django_db
def test_createadmin_refuses_a_short_password_and_writes_nothing(capsys):
    status = main(["createadmin", "--email", "new@example.com", "--password", "abc"])

    assert status == 2
    assert "too short" in capsys.readouterr().err
    assert not User.objects.filter(email="new@example.com").exists()
    assert not Workspace.objects.exists()


@pytest.mark.django_db
def test_token_create_prints_a_secret_that_matches_the_stored_hash(personas, capsys):
    status = main(["token", "create", "--user", personas.recruiter.email, "--scopes", "read,write"])

    assert status == 0
    secret = capsys.readouterr().out.strip().splitlines()[-1]
    token = ApiToken.objects.get(user=personas.recruiter)
    assert token.token_hash == hash_token(secret)
    assert sorted(token.scopes) == ["read", "write"]


@pytest.mark.django_db
def test_token_create_names_an_unknown_scope_and_mints_nothing(personas, capsys):
    status = main(["token", "create", "--user", personas.admin.email, "--scopes", "read,delete"])

    assert status == 2
    assert "unknown scope 'delete'" in capsys.readouterr().err
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_token_create_for_an_unknown_user_is_a_clear_error(db, capsys):
    status = main(["token", "create", "--user", "nobody@example.com", "--scopes", "read"])

    assert status == 2
    assert "no user with the email nobody@example.com" in capsys.readouterr().err


@pytest.mark.django_db
def test_worker_refuses_to_start_when_tasks_run_inline(capsys):
    # the test settings run tasks inline, so there is no queue to poll
    status = main(["worker"])

    assert status == 2
    assert "TALENTLOOP_TASKS_IMMEDIATE" in capsys.readouterr().err


def _seeded_people(slug: str) -> list[tuple[str, str, str]]:
    people = Person.objects.filter(workspace__slug=slug).order_by("id")
    return list(people.values_list("first_name", "last_name", "primary_email"))


@pytest.mark.django_db
def test_seed_is_deterministic_for_a_seed_and_differs_between_seeds():
    # when two empty workspaces are seeded with the same seed, and a third with another
    for slug, seed in (("first", "5"), ("second", "5"), ("third", "6")):
        assert main(["seed", "--people", "40", "--seed", seed, "--workspace", slug]) == 0

    # then the same seed gave the same people, the other seed other people
    assert _seeded_people("first") == _seeded_people("second")
    assert len(_seeded_people("first")) == 40
    assert _seeded_people("first") != _seeded_people("third")


@pytest.mark.django_db
def test_seeded_people_are_consistent_with_their_rows():
    main(["seed", "--people", "150", "--seed", "11", "--workspace", "consistent"])
    people = Person.objects.filter(workspace__slug="consistent")

    for person in people:
        primary = ContactPoint.objects.filter(person=person, is_primary=True)
        assert primary.get(kind="email").value == person.primary_email
        assert primary.get(kind="phone").value == person.primary_phone
        assert phonenumbers.is_valid_number(phonenumbers.parse(person.primary_phone))
        assert person.seniority_rank == seniority_rank(person.seniority)
        engaged = Activity.objects.filter(person=person, kind__in=ENGAGEMENT_KINDS)
        assert person.last_engaged_at == engaged.aggregate(latest=Max("occurred_at"))["latest"]
    emails = list(people.values_list("primary_email", flat=True))
    assert len(set(emails)) == len(emails) == 150


@pytest.mark.django_db
def test_seeded_stage_history_ends_in_the_current_stage():
    main(["seed", "--people", "200", "--seed", "3", "--workspace", "history"])
    candidacies = Candidacy.objects.filter(workspace__slug="history")
    assert candidacies.filter(outcome="hired").exists() or candidacies.count() < 40

    for candidacy in candidacies:
        stays = list(StageChange.objects.filter(candidacy=candidacy).order_by("entered_at", "id"))
        open_stays = [stay for stay in stays if stay.exited_at is None]
        assert [stay.stage_id for stay in open_stays] == [candidacy.stage_id]
        assert stays[-1].entered_at == candidacy.stage_entered_at
        for earlier, later in pairwise(stays):
            assert earlier.exited_at == later.entered_at
        if candidacy.outcome == "rejected":
            assert candidacy.outcome_reason is not None
            assert candidacy.outcome_reason.kind == "rejected"


@pytest.mark.django_db
def test_seeding_twice_into_one_workspace_keeps_emails_unique():
    main(["seed", "--people", "20", "--seed", "1", "--workspace", "twice"])
    main(["seed", "--people", "20", "--seed", "1", "--workspace", "twice"])

    emails = list(
        Person.objects.filter(workspace__slug="twice").values_list("primary_email", flat=True)
    )
    assert len(emails) == len(set(emails)) == 40


@pytest.mark.django_db
def test_seed_without_a_workspace_needs_one_named_when_several_exist(capsys):
    WorkspaceFactory()
    WorkspaceFactory()

    status = main(["seed", "--people", "5"])

    assert status == 2
    assert "--workspace" in capsys.readouterr().err


@pytest.mark.django_db
def test_demo_workspace_is_created_once_with_a_login_per_role():
    arguments = {
        "name": "Acme Talent",
        "domain": DEMO_DOMAIN,
        "users": DEMO_USERS,
        "password": DEMO_PASSWORD,
    }

    workspace, empty = ensure_demo_workspace(**arguments)
    again, _ = ensure_demo_workspace(**arguments)

    assert again == workspace
    assert empty
    users = User.objects.filter(workspace=workspace)
    assert sorted(users.values_list("role", flat=True)) == sorted(role for _, role, _ in DEMO_USERS)
    admin = users.get(email=f"admin@{DEMO_DOMAIN}")
    assert admin.check_password(DEMO_PASSWORD)
    assert admin.is_staff
