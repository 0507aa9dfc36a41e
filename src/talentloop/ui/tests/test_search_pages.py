"""The people page's query box, builder, facets and lookup; segments and static lists pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from talentloop.accounts.domain import Role
from talentloop.conftest import Personas
from talentloop.people.actions import SkillInput, do_create_person, do_tag_people
from talentloop.people.models import CustomFieldDefinition, Person
from talentloop.search import actions as search_actions
from talentloop.search import fulltext, list_actions
from talentloop.search.models import Segment, StaticList
from talentloop.testing.factories import PersonFactory
from talentloop.ui.tests.conftest import Scene, client_for

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
RESULTS = {**HTMX, "HTTP_HX_TARGET": "people-results"}
WRITERS = [Role.ADMIN, Role.RECRUITER, Role.COORDINATOR]
READERS = [Role.HIRING_MANAGER, Role.ANALYST]


def _python_people(personas: Personas, count: int = 3) -> list[Person]:
    people = []
    for n in range(count):
        people.append(
            do_create_person(
                actor=personas.recruiter,
                workspace=personas.workspace,
                fields={"first_name": f"Py{n}", "last_name": "Dev", "city": "Berlin"},
                contacts=[],
                skills=[SkillInput("Python")],
            )
        )
    return people


def _segment(
    personas: Personas, query: str = "skills:python", name: str = "Pythonistas"
) -> Segment:
    return search_actions.do_create_segment(
        actor=personas.recruiter, workspace=personas.workspace, name=name, query=query
    )


def _builder_post(rows: list[tuple[str, int, str, str, str]], **extra: str) -> dict[str, Any]:
    """Builder form data: one (kind, depth, field, op, value) per row, none negated."""
    return {
        "r_kind": [row[0] for row in rows],
        "r_depth": [str(row[1]) for row in rows],
        "r_not": ["0" for _ in rows],
        "r_field": [row[2] for row in rows],
        "r_op": [row[3] for row in rows],
        "r_value": [row[4] for row in rows],
        **extra,
    }


# --- the query box and builder -------------------------------------------------------------


def test_a_query_filters_the_list_and_shows_a_chip_per_clause(
    personas: Personas, scene: Scene
) -> None:
    # given
    _python_people(personas, 2)

    # when
    response = client_for(personas.recruiter).get(
        "/people/", {"q": "skills:python AND city:Berlin"}
    )

    # then
    assert response.status_code == 200
    assert [p.first_name for p in response.context["page"].items] == ["Py1", "Py0"]
    chips = response.context["builder"]["root"].children
    assert [(c.row.field, c.row.op, c.row.value) for c in chips] == [
        ("skills", ":", "python"),
        ("city", ":", "Berlin"),
    ]
    assert b'value="skills:python AND city:Berlin"' in response.content


def test_an_invalid_query_shows_position_and_hint_inline_never_a_500(
    personas: Personas,
) -> None:
    # when
    response = client_for(personas.recruiter).get("/people/", {"q": "skils:python"})

    # then
    assert response.status_code == 200
    body = response.content.decode()
    assert "unknown field" in body.lower()
    assert "did you mean" in body.lower()
    assert '<code class="query-error-caret">^</code>' in body  # caret under the first char
    assert response.context["page"].items == []


def test_typed_text_redraws_the_builder_but_a_broken_one_keeps_it(personas: Personas) -> None:
    # given
    client = client_for(personas.recruiter)

    # when
    typed = client.get("/people/", {"q": "tag:vip OR remote:yes", "sync": "text"}, **RESULTS)
    broken = client.get("/people/", {"q": "tag:(", "sync": "text"}, **RESULTS)

    # then
    assert b'id="query-builder"' in typed.content
    assert b"hx-swap-oob" in typed.content
    assert b'id="query-builder"' not in broken.content
    assert b"query-error-caret" in broken.content


def test_old_filter_links_become_clauses(personas: Personas, scene: Scene) -> None:
    # given
    people = _python_people(personas, 1)
    do_tag_people(
        actor=personas.recruiter, workspace=personas.workspace, people=people, names=["vip"]
    )
    tag_id = people[0].tags.get().pk

    # when
    response = client_for(personas.recruiter).get(
        "/people/", {"skills": "python", "tag": str(tag_id), "seniority": "senior"}
    )

    # then
    assert response.context["pq"].text == "skills:python AND seniority:senior AND tag:vip"
    assert response.status_code == 200


def test_builder_clicks_print_the_query(personas: Personas) -> None:
    # given: "skills is python", then a click on "+ Group" under the root
    client = client_for(personas.recruiter)
    rows = [("all", 0, "", "", ""), ("clause", 1, "skills", ":", "python")]

    # when
    grouped = client.post("/people/query/builder/", _builder_post(rows, do="group:0"), **HTMX)
    filled = client.post(
        "/people/query/builder/",
        _builder_post(
            [
                *rows,
                ("any", 1, "", "", ""),
                ("clause", 2, "city", ":", "Berlin"),
                ("clause", 2, "remote", ":", "yes"),
            ]
        ),
        **HTMX,
    )

    # then: the new group holds an empty (draft) chip that prints nothing yet
    assert grouped.status_code == 200
    assert len(grouped.context["root"].children) == 2
    assert grouped.context["query_text"] == "skills:python"
    assert filled.context["query_text"] == "skills:python AND (city:Berlin OR remote:yes)"
    assert b'hx-swap-oob="outerHTML"' in filled.content
    assert "qb-search" in filled["HX-Trigger-After-Settle"]


def test_builder_marks_a_bad_value_on_its_chip(personas: Personas) -> None:
    # when
    response = client_for(personas.recruiter).post(
        "/people/query/builder/",
        _builder_post([("all", 0, "", "", ""), ("clause", 1, "years", ">=", "lots")]),
        **HTMX,
    )

    # then
    assert response.context["query_text"] == ""
    assert response.context["root"].children[0].error
    assert b'aria-invalid="true"' in response.content


def test_builder_refuses_posts_without_the_csrf_token(personas: Personas) -> None:
    # given
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.recruiter)

    # when
    response = client.post("/people/query/builder/", _builder_post([("all", 0, "", "", "")]))

    # then
    assert response.status_code == 403


def test_chips_endpoint_answers_text_with_chips(personas: Personas) -> None:
    response = client_for(personas.recruiter).get(
        "/people/query/chips/", {"q": 'NOT tag:"do not hire"'}, **HTMX
    )

    assert response.status_code == 200
    chip = response.context["root"].children[0]
    assert (chip.row.field, chip.row.value, chip.row.negated) == ("tag", "do not hire", True)


def test_export_of_an_invalid_query_is_a_400(personas: Personas) -> None:
    response = client_for(personas.recruiter).get("/people/export.csv", {"q": "years>>5"})

    assert response.status_code == 400


# --- facets, full text, lookup ---------------------------------------------------------------


def test_facets_count_the_results_and_link_to_a_narrower_query(personas: Personas) -> None:
    # given
    _python_people(personas, 3)

    # when
    response = client_for(personas.recruiter).get("/people/facets/", {"q": "city:Berlin"}, **HTMX)

    # then
    skills = next(g for g in response.context["groups"] if g["name"] == "skills")
    assert skills["items"][0]["count"] == 3
    assert "skills%3Apython" in skills["items"][0]["query"]


def test_full_text_results_carry_highlighted_snippets(personas: Personas) -> None:
    # given
    do_create_person(
        actor=personas.recruiter,
        workspace=personas.workspace,
        fields={"first_name": "Ada", "last_name": "Lovelace", "headline": "Analytical engines"},
        contacts=[],
    )
    fulltext.rebuild_index(personas.workspace.pk)

    # when
    response = client_for(personas.recruiter).get("/people/", {"q": "analytical"})

    # then
    assert response.context["sort"] == "relevance"
    assert b"<mark>" in response.content


def test_lookup_finds_a_misspelt_name_within_the_viewer_s_people(
    personas: Personas, scene: Scene
) -> None:
    # given
    fulltext.rebuild_index(personas.workspace.pk)

    # when
    recruiter = client_for(personas.recruiter).get("/lookup/", {"lookup": "lovelase"}, **HTMX)
    manager = client_for(personas.hiring_manager).get("/lookup/", {"lookup": "hoper"}, **HTMX)

    # then
    assert b"Ada Lovelace" in recruiter.content
    assert b"Grace Hopper" not in manager.content


# --- segments and static lists ------------------------------------------------------------


@pytest.mark.parametrize("role", list(Role))
def test_every_role_can_read_the_segments_pages(personas: Personas, role: Role) -> None:
    # given
    _python_people(personas, 2)
    segment = _segment(personas)
    static_list = list_actions.do_snapshot_segment(
        actor=personas.recruiter, segment=segment, name="Snapshot"
    )
    client = client_for(personas.by_role(role))

    # when / then
    for url in ["/segments/", f"/segments/{segment.pk}/", "/lists/", f"/lists/{static_list.pk}/"]:
        assert client.get(url).status_code == 200, url


def test_another_workspace_s_segment_is_not_found(personas: Personas) -> None:
    # given
    segment = _segment(personas)
    client = client_for(personas.outsider)

    # then
    assert client.get(f"/segments/{segment.pk}/").status_code == 404
    assert client.post(f"/segments/{segment.pk}/delete/").status_code == 404


def test_save_the_people_query_as_a_segment(personas: Personas) -> None:
    # given
    _python_people(personas, 2)

    # when
    response = client_for(personas.recruiter).post(
        "/segments/new/", {"name": "Berlin Python", "q": "skills:python  AND city:berlin"}, **HTMX
    )

    # then
    segment = Segment.objects.get(name="Berlin Python")
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"/segments/{segment.pk}/"
    assert segment.query == "skills:python AND city:berlin"


@pytest.mark.parametrize("role", READERS)
def test_readers_cannot_change_segments_or_lists(personas: Personas, role: Role) -> None:
    # given
    segment = _segment(personas)
    static_list = list_actions.do_snapshot_segment(
        actor=personas.recruiter, segment=segment, name="Snapshot"
    )
    client = client_for(personas.by_role(role))

    # when / then
    assert client.post("/segments/new/", {"name": "x", "q": ""}).status_code == 403
    assert client.post(f"/segments/{segment.pk}/edit/", {"q": "city:Oslo"}).status_code == 403
    assert client.post(f"/segments/{segment.pk}/snapshot/", {"name": "y"}).status_code == 403
    assert client.post(f"/lists/{static_list.pk}/remove/", {"ids": [1]}).status_code == 403
    assert b"Save as segment" not in client.get("/people/").content
    assert Segment.objects.count() == 1


@pytest.mark.parametrize(
    ("role", "status"), [(Role.RECRUITER, 200), (Role.ANALYST, 403), (Role.HIRING_MANAGER, 403)]
)
def test_export_is_for_roles_that_may_export(personas: Personas, role: Role, status: int) -> None:
    # given
    _python_people(personas, 2)
    segment = _segment(personas)
    client = client_for(personas.by_role(role))

    # when
    response = client.get(f"/segments/{segment.pk}/export.csv")
    page = client.get(f"/segments/{segment.pk}/")

    # then
    assert response.status_code == status
    assert (b"Export CSV" in page.content) is (status == 200)


def test_hiring_managers_see_only_their_candidates_as_members(
    personas: Personas, scene: Scene
) -> None:
    # given
    segment = _segment(personas, query="", name="Everyone")

    # when
    response = client_for(personas.hiring_manager).get(f"/segments/{segment.pk}/")

    # then
    assert [p.pk for p in response.context["page"].items] == [scene.candidate.pk]


def test_edit_a_segment_query_and_refuse_a_broken_one(personas: Personas) -> None:
    # given
    segment = _segment(personas)
    client = client_for(personas.recruiter)

    # when
    good = client.post(f"/segments/{segment.pk}/edit/", {"name": "Oslo", "q": "city:Oslo"})
    bad = client.post(f"/segments/{segment.pk}/edit/", {"name": "Oslo", "q": "city:"})

    # then
    segment.refresh_from_db()
    assert good.status_code == 302
    assert bad.status_code == 422
    assert (segment.name, segment.query) == ("Oslo", "city:Oslo")


def test_snapshot_then_remove_a_member_from_the_list(personas: Personas) -> None:
    # given
    people = _python_people(personas, 3)
    segment = _segment(personas)
    client = client_for(personas.recruiter)

    # when
    snapshot = client.post(f"/segments/{segment.pk}/snapshot/", {"name": "Frozen"})
    static_list = StaticList.objects.get(name="Frozen")
    removed = client.post(f"/lists/{static_list.pk}/remove/", {"ids": [people[0].pk]})

    # then
    assert snapshot.status_code == 302
    assert removed.status_code == 302
    assert static_list.members.count() == 2


def test_search_pages_query_counts_are_bounded(
    personas: Personas, scene: Scene, django_assert_max_num_queries: Any
) -> None:
    # given
    _python_people(personas, 30)
    for n in range(5):
        _segment(personas, name=f"Segment {n}")
    segment = Segment.objects.first()
    assert segment is not None
    static_list = list_actions.do_snapshot_segment(
        actor=personas.recruiter, segment=segment, name="Frozen"
    )
    PersonFactory.create_batch(20, workspace=personas.workspace)
    fulltext.rebuild_index(personas.workspace.pk)
    client = client_for(personas.recruiter)
    pages = {
        "/people/?q=skills%3Apython%20AND%20city%3ABerlin": 14,
        "/people/?q=py0": 16,
        "/people/facets/?q=city%3ABerlin": 14,
        "/segments/": 8,
        f"/segments/{segment.pk}/": 12,
        "/lists/": 8,
        f"/lists/{static_list.pk}/": 10,
        "/lookup/?lookup=dev": 12,
    }

    # when / then
    for url, limit in pages.items():
        with django_assert_max_num_queries(limit):
            assert client.get(url).status_code == 200, url


def test_a_builder_edit_that_keeps_the_text_does_not_reload_results(personas: Personas) -> None:
    # given: a click on "+ Filter" adds an empty chip, which prints nothing yet
    rows = [("all", 0, "", "", ""), ("clause", 1, "skills", ":", "python")]

    # when
    response = client_for(personas.recruiter).post(
        "/people/query/builder/", _builder_post(rows, do="add:0", qb_text="skills:python"), **HTMX
    )

    # then: the new chip's value box takes the focus, and the results stay as they are
    assert "HX-Trigger-After-Settle" not in response
    assert response.context["focus"] == 2
    assert b'id="qb-value-2" name="r_value"' in response.content
    assert b"autofocus" in response.content


def test_custom_field_clauses_keep_their_chip(personas: Personas) -> None:
    # given
    CustomFieldDefinition.objects.create(
        workspace=personas.workspace, key="notice", label="Notice period", field_type="number"
    )

    # when
    response = client_for(personas.recruiter).get(
        "/people/query/chips/", {"q": "custom.notice<=30 AND custom.gone:x"}, **HTMX
    )

    # then
    chips = [(c.row.field, c.row.op, c.row.value) for c in response.context["root"].children]
    assert chips == [("custom.notice", "<=", "30"), ("custom.gone", ":", "x")]
    assert b'<option value="custom.notice" selected' in response.content


def test_a_clause_the_role_may_not_use_is_an_inline_error(personas: Personas) -> None:
    # when: a hiring manager without salary rights filters on salary
    client = client_for(personas.hiring_manager)
    page = client.get("/people/", {"q": "salary.max<=90000"})
    facets = client.get("/people/facets/", {"q": "salary.max<=90000"}, **HTMX)

    # then
    assert page.status_code == facets.status_code == 200
    assert b"not available to your role" in page.content
    assert not any(f.name.startswith("salary") for f in page.context["builder"]["fields"])
