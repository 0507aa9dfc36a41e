"""Pages of the UI: who gets in, who is kept out, and what they see."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from talentloop.accounts.domain import Role
from talentloop.conftest import Personas
from talentloop.people.actions import do_log_activity
from talentloop.people.domain import ActivityKind
from talentloop.testing.factories import PASSWORD
from talentloop.ui.tests.conftest import Scene, client_for

pytestmark = pytest.mark.django_db

ALL_ROLES = list(Role)


def test_anonymous_visitors_are_sent_to_sign_in(db: None) -> None:
    # when
    response = Client().get("/people/")

    # then
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=/people/")


def test_sign_in_then_sign_out(personas: Personas) -> None:
    # given
    client = Client()

    # when
    signed_in = client.post("/login/", {"username": "recruiter@acme.test", "password": PASSWORD})
    dashboard = client.get("/")
    signed_out = client.post("/logout/")

    # then
    assert signed_in.status_code == 302
    assert dashboard.status_code == 200
    assert b"Sign out" in dashboard.content
    assert signed_out.status_code == 302
    assert client.get("/").status_code == 302


def test_wrong_password_shows_an_error(personas: Personas) -> None:
    response = Client().post("/login/", {"username": "recruiter@acme.test", "password": "nope"})

    assert response.status_code == 200
    assert b"correct email and password" in response.content


def test_password_reset_sends_a_link(personas: Personas) -> None:
    # when
    response = Client().post("/password-reset/", {"email": "recruiter@acme.test"})

    # then
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert "/password-reset/" in mail.outbox[0].body
    assert mail.outbox[0].to == ["recruiter@acme.test"]


def test_demo_banner_shows_in_demo_mode(personas: Personas, settings: object) -> None:
    settings.DEMO_MODE = True  # type: ignore[attr-defined]

    response = client_for(personas.recruiter).get("/")

    assert b"Demo mode" in response.content


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("url", ["/", "/people/", "/tasks/"])
def test_main_pages_open_for_every_role(personas: Personas, role: Role, url: str) -> None:
    response = client_for(personas.by_role(role)).get(url)

    assert response.status_code == 200
    assert b'class="skip-link"' in response.content


def test_settings_link_only_for_admins(personas: Personas) -> None:
    admin_page = client_for(personas.admin).get("/").content.decode()
    recruiter_page = client_for(personas.recruiter).get("/").content.decode()

    assert ">Settings<" in admin_page
    assert ">Settings<" not in recruiter_page


@pytest.mark.parametrize("role", ALL_ROLES)
def test_profile_of_a_candidate_opens_for_every_role(
    personas: Personas, scene: Scene, role: Role
) -> None:
    response = client_for(personas.by_role(role)).get(f"/people/{scene.candidate.pk}/")

    assert response.status_code == 200
    assert b"Ada Lovelace" in response.content


def test_hiring_manager_cannot_open_someone_outside_their_jobs(
    personas: Personas, scene: Scene
) -> None:
    response = client_for(personas.hiring_manager).get(f"/people/{scene.prospect.pk}/")

    assert response.status_code == 404


def test_hiring_manager_list_shows_only_their_candidates(personas: Personas, scene: Scene) -> None:
    content = client_for(personas.hiring_manager).get("/people/").content.decode()

    assert "Ada Lovelace" in content
    assert "Grace Hopper" not in content


def test_other_workspaces_people_answer_404(personas: Personas, scene: Scene) -> None:
    client = client_for(personas.outsider)

    assert client.get(f"/people/{scene.candidate.pk}/").status_code == 404
    assert (
        client.post(
            f"/people/{scene.candidate.pk}/activities/", {"kind": "note", "body": "x"}
        ).status_code
        == 404
    )


def test_profile_shows_contact_copy_buttons_and_local_time(
    personas: Personas, scene: Scene
) -> None:
    # given
    from talentloop.people.actions import ContactInput, do_add_contact_point, do_update_person

    do_add_contact_point(
        actor=None, person=scene.candidate, contact=ContactInput("email", "ada@example.com")
    )
    do_update_person(actor=None, person=scene.candidate, fields={"time_zone": "Europe/London"})

    # when
    content = client_for(personas.recruiter).get(f"/people/{scene.candidate.pk}/").content.decode()

    # then
    assert 'data-copy="ada@example.com"' in content
    assert "Local time" in content
    assert "(Europe/London)" in content


def test_user_text_is_escaped(personas: Personas, scene: Scene) -> None:
    do_log_activity(
        actor=personas.recruiter,
        person=scene.candidate,
        kind=ActivityKind.NOTE,
        body="<script>alert(1)</script>",
    )

    content = client_for(personas.recruiter).get(f"/people/{scene.candidate.pk}/").content

    assert b"<script>alert(1)</script>" not in content
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_timeline_filters_by_kind(personas: Personas, scene: Scene) -> None:
    # given
    do_log_activity(
        actor=personas.recruiter, person=scene.candidate, kind=ActivityKind.NOTE, body="a note"
    )
    do_log_activity(
        actor=personas.recruiter, person=scene.candidate, kind=ActivityKind.CALL, subject="rang"
    )

    # when
    content = (
        client_for(personas.recruiter)
        .get(f"/people/{scene.candidate.pk}/timeline/?kind=call")
        .content.decode()
    )

    # then
    assert "rang" in content
    assert "a note" not in content


@pytest.mark.parametrize("role", [Role.ANALYST, Role.HIRING_MANAGER])
def test_read_only_roles_do_not_see_edit_controls(
    personas: Personas, scene: Scene, role: Role
) -> None:
    content = client_for(personas.by_role(role)).get(f"/people/{scene.candidate.pk}/").content

    assert b"/edit/" not in content
    assert b"Upload" not in content


def test_styled_404_page(personas: Personas) -> None:
    response = client_for(personas.recruiter).get("/people/999999/")

    assert response.status_code == 404
    assert b"Not found" in response.content
    assert b"Person not found" in response.content
