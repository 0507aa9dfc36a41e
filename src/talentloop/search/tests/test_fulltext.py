"""Full-text matching, ranking, snippets and typo-tolerant look-up, on both databases."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from talentloop.accounts.models import Workspace
from talentloop.conftest import Personas
from talentloop.people import actions as people_actions
from talentloop.people.actions import ContactInput, EducationInput, SkillInput, WorkInput
from talentloop.people.domain import ActivityKind
from talentloop.people.models import Person
from talentloop.search import fulltext

pytestmark = pytest.mark.django_db


def make_person(
    workspace: Workspace,
    first: str,
    last: str,
    *,
    email: str = "",
    skills: tuple[str, ...] = (),
    work: tuple[WorkInput, ...] = (),
    **fields: Any,
) -> Person:
    person = people_actions.do_create_person(
        actor=None,
        workspace=workspace,
        fields={"first_name": first, "last_name": last, **fields},
        contacts=[ContactInput(kind="email", value=email)] if email else [],
        skills=[SkillInput(name=name) for name in skills],
        work_history=work,
    )
    fulltext.reindex_people([person.pk])
    return person


def matching(workspace: Workspace, text: str, *, phrase: bool = False) -> set[int]:
    condition = fulltext.match_q(workspace.pk, text, phrase)
    return set(Person.objects.filter(condition).values_list("pk", flat=True))


def test_words_are_found_in_every_part_of_the_document(workspace: Workspace) -> None:
    # given
    person = make_person(
        workspace,
        "Ada",
        "Lovelace",
        email="ada@engine.example",
        skills=("Kotlin",),
        headline="Analytical engines",
        work=(WorkInput(company_name="Babbage Works", title="Programmer", description="Looms"),),
    )
    people_actions.do_log_activity(
        actor=None, person=person, kind=ActivityKind.NOTE, body="Prefers remote in Lisbon"
    )
    people_actions._replace_history(
        person, None, [EducationInput(institution="Cambridge", field_of_study="Mathematics")]
    )
    fulltext.set_extra_text(person.pk, "resume", "Certified zookeeper")
    make_person(workspace, "Grace", "Hopper")
    # then
    for text in (
        "lovelace",
        "ada engine",
        "kotlin",
        "analytical",
        "babbage",
        "looms",
        "lisbon",
        "cambridge",
        "mathematics",
        "zookeeper",
        "LOVELACE Kotlin",
    ):
        assert matching(workspace, text) == {person.pk}, text


def test_every_word_must_match_and_phrases_keep_word_order(workspace: Workspace) -> None:
    machine = make_person(workspace, "Ann", "One", headline="machine learning engineer")
    learning = make_person(workspace, "Bob", "Two", headline="learning about machine parts")
    assert matching(workspace, "machine learning") == {machine.pk, learning.pk}
    assert matching(workspace, "machine learning", phrase=True) == {machine.pk}
    assert matching(workspace, "machine zebra") == set()


def test_other_workspaces_are_never_matched(personas: Personas) -> None:
    ours = make_person(personas.workspace, "Ada", "Lovelace")
    make_person(personas.outsider.workspace, "Ada", "Lovelace")
    assert matching(personas.workspace, "lovelace") == {ours.pk}


@pytest.mark.parametrize(
    "text",
    ['"', "'", "AND", "OR NOT", "NEAR(a b)", "*", "a:b", "^x", "(", "') OR 1=1 --", "{x}", "\\"],
)
def test_query_syntax_in_user_text_is_just_text(workspace: Workspace, text: str) -> None:
    make_person(workspace, "Ada", "Lovelace", headline="AND OR NOT near")
    # when / then: no database error, whatever the text
    matching(workspace, text)
    matching(workspace, text, phrase=True)
    fulltext.fuzzy_people(workspace.pk, text)
    fulltext.snippets(workspace.pk, text, [1, 2])


def test_text_without_words_matches_nobody(workspace: Workspace) -> None:
    make_person(workspace, "Ada", "Lovelace")
    assert matching(workspace, "  ?! ") == set()


def test_reindex_follows_updates_and_deletes(workspace: Workspace) -> None:
    person = make_person(workspace, "Ada", "Lovelace", headline="Poet")
    people_actions.do_update_person(actor=None, person=person, fields={"headline": "Chemist"})
    fulltext.reindex_people([person.pk])
    fulltext.reindex_people([person.pk])  # idempotent
    assert matching(workspace, "chemist") == {person.pk}
    assert matching(workspace, "poet") == set()
    person_id = person.pk
    people_actions.do_delete_person(actor=None, person=person)
    fulltext.reindex_people([person_id])
    assert fulltext.snippets(workspace.pk, "chemist", [person_id]) == {}


def test_rebuild_indexes_everyone(workspace: Workspace) -> None:
    people = [make_person(workspace, "Ada", f"Number{index}") for index in range(3)]
    assert fulltext.rebuild_index(workspace.pk) == 3
    assert fulltext.rebuild_index() >= 3
    assert matching(workspace, "ada") == {person.pk for person in people}


def test_names_rank_above_notes(workspace: Workspace) -> None:
    # given: "rust" in the name, in the skills, and only in a note
    in_note = make_person(workspace, "Noel", "Notes")
    people_actions.do_log_activity(
        actor=None, person=in_note, kind=ActivityKind.NOTE, body="asked about rust once"
    )
    fulltext.reindex_people([in_note.pk])
    in_skills = make_person(workspace, "Sam", "Skills", skills=("Rust",))
    in_name = make_person(workspace, "Ruth", "Rust")
    people = Person.objects.filter(workspace=workspace)
    # when
    ranked = fulltext.ranked_people(workspace.pk, "rust", people, limit=10)
    # then: best first, and people without the word still listed, last
    assert [person_id for person_id, _ in ranked[:3]] == [in_name.pk, in_skills.pk, in_note.pk]
    assert ranked[0][1] > ranked[1][1] > ranked[2][1] > 0
    assert len(ranked) == 3
    page_two = fulltext.ranked_people(workspace.pk, "rust", people, limit=2, offset=2)
    assert [person_id for person_id, _ in page_two] == [in_note.pk]


def test_snippets_highlight_hits_and_escape_everything_else(workspace: Workspace) -> None:
    person = make_person(
        workspace, "<script>alert(1)</script>", "Evil", headline='Python & "data" <b>lead</b>'
    )
    snippet = fulltext.snippets(workspace.pk, "python script", [person.pk])[person.pk]
    assert "<mark>" in snippet
    assert "<script>" not in snippet
    assert "<b>" not in snippet
    assert "&lt;" in snippet
    assert snippet.replace("<mark>", "").replace("</mark>", "").count("<") == 0


def test_snippets_leave_out_people_the_text_does_not_match(workspace: Workspace) -> None:
    person = make_person(workspace, "Ada", "Lovelace")
    assert fulltext.snippets(workspace.pk, "zebra", [person.pk]) == {}
    assert fulltext.snippets(workspace.pk, "", [person.pk]) == {}


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Jonh Smtih", "john"),
        ("john smith", "john"),
        ("jon smith", "john"),
        ("Smith", "john"),
        ("jsmith@exmaple.com", "john"),
        ("Zoe Muller", "zoe"),
        ("müler", "zoe"),
    ],
)
def test_fuzzy_lookup_tolerates_typos(workspace: Workspace, typed: str, expected: str) -> None:
    people = {
        "john": make_person(workspace, "John", "Smith", email="jsmith@example.com"),
        "zoe": make_person(workspace, "Zoë", "Müller"),
    }
    make_person(workspace, "Jane", "Doe", email="jane@doe.example")
    make_person(workspace, "Peter", "Parker")
    hits = fulltext.fuzzy_people(workspace.pk, typed)
    assert hits, typed
    assert hits[0][0] == people[expected].pk
    assert 0 < hits[0][1] <= 1


def test_fuzzy_lookup_respects_the_visible_people(personas: Personas) -> None:
    make_person(personas.workspace, "John", "Smith")
    visible = Person.objects.none()
    assert fulltext.fuzzy_people(personas.workspace.pk, "john smith", visible=visible) == []
    assert fulltext.fuzzy_people(personas.outsider.tenant_id, "john smith") == []


def test_a_typed_address_close_to_a_stored_one_finds_that_person_first(
    workspace: Workspace,
) -> None:
    owner = make_person(workspace, "Maria", "Lopez", email="maria.lopez.7761@example.com")
    namesake = make_person(workspace, "Maria", "Lopes", email="maria.lopes.1204@example.com")
    hits = fulltext.fuzzy_people(workspace.pk, "maria.lopex.7761@example.com")
    assert hits[0][0] == owner.pk
    # A near address the viewer may not see does not end the look-up for what they may see.
    visible = Person.objects.filter(pk=namesake.pk)
    hits = fulltext.fuzzy_people(workspace.pk, "maria.lopex.7761@example.com", visible=visible)
    assert [person_id for person_id, _score in hits] == [namesake.pk]


def test_fuzzy_lookup_ignores_unrelated_people(workspace: Workspace) -> None:
    make_person(workspace, "Peter", "Parker")
    assert fulltext.fuzzy_people(workspace.pk, "Jonh Smtih") == []


@pytest.mark.django_db(transaction=True)
def test_changes_reach_the_index_through_the_event_stream(workspace: Workspace) -> None:
    # when: a person is created, given a skill, a new address and a call, each committed
    person = people_actions.do_create_person(
        actor=None, workspace=workspace, fields={"first_name": "Ada", "last_name": "Byron"}
    )
    assert matching(workspace, "byron") == {person.pk}
    people_actions.do_update_person(
        actor=None, person=person, fields={}, skills=[SkillInput(name="Haskell")]
    )
    people_actions.do_add_contact_point(
        actor=None, person=person, contact=ContactInput("email", "ada@analytical.example")
    )
    people_actions.do_log_activity(
        actor=None, person=person, kind=ActivityKind.CALL, body="talked about Jacquard"
    )
    # then: the dispatcher handed each event to the search consumer, which reindexed her
    for text in ("haskell", "analytical", "jacquard"):
        assert matching(workspace, text) == {person.pk}, text


@pytest.mark.django_db(transaction=True)
def test_a_flushed_database_leaves_no_stale_index_rows(workspace: Workspace) -> None:
    person = make_person(workspace, "Stale", "Row")
    Person.objects.filter(pk=person.pk).delete()
    fulltext.forget_everyone_when_no_people()
    assert fulltext.snippets(workspace.pk, "stale", [person.pk]) == {}


def test_filters_beside_a_text_term_narrow_it_and_follow_changes(personas: Personas) -> None:
    from talentloop.search.queries import people_matching

    # given three people sharing a word, in two countries, at two levels
    workspace = personas.workspace
    ada = make_person(workspace, "Ada", "One", headline="helix", country="GB", seniority="senior")
    make_person(workspace, "Bea", "Two", headline="helix", country="GB", seniority="junior")
    cy = make_person(workspace, "Cy", "Three", headline="helix", country="DE", seniority="lead")

    def found(text: str) -> set[int]:
        return set(people_matching(personas.admin, text).values_list("pk", flat=True))

    # then the filters beside the text narrow it, negations and OR are left as they are
    assert found("helix AND country:gb AND seniority>=senior") == {ada.pk}
    assert found("helix AND country!=gb AND seniority>=senior") == {cy.pk}
    assert len(found("helix OR country:gb")) == 3
    sql = str(people_matching(personas.admin, "helix AND seniority>=senior").query)
    if connection.vendor == "postgresql":  # the document's filter words do the narrowing
        assert "(senioritymin4)" in sql.partition("FROM search_document")[2]
    else:  # the filter column's words do
        assert "filters : (senioritymin4)" in sql

    # a country that is no code narrows nothing and breaks nothing
    assert found('helix AND country:"G-B" AND seniority>=senior') == set()
    assert found('helix AND country:"(*" AND seniority>=senior') == set()

    # when a person moves, the narrowed match follows once the document is reindexed
    people_actions.do_update_person(actor=None, person=cy, fields={"country": "GB"})
    fulltext.reindex_people([cy.pk])
    assert found("helix AND country:gb AND seniority>=senior") == {ada.pk, cy.pk}


def test_ranking_with_the_filters_beside_the_text_keeps_the_order(personas: Personas) -> None:
    from talentloop.search.compiler import text_focus
    from talentloop.search.domain import parse
    from talentloop.search.queries import people_matching

    # given people sharing a word more or less often, in and out of the filters
    workspace = personas.workspace
    for index in range(6):
        make_person(
            workspace,
            f"P{index}",
            "Helix" if index % 2 else "Other",
            headline="helix " * (index + 1),
            country="GB" if index < 4 else "DE",
            seniority="senior" if index % 3 else "junior",
        )
    text = "helix AND country:GB AND seniority>=mid"
    people = people_matching(personas.admin, text)
    focus = text_focus(parse(text))
    assert focus.narrowing

    # then ranking with the filters inside the match orders the same people the same way
    plain = fulltext.ranked_people(workspace.pk, "helix", people, limit=10)
    narrowed = fulltext.ranked_people(workspace.pk, "helix", people, limit=10, focus=focus)
    assert narrowed == plain
    assert len(plain) == people.count() == 2
    assert text_focus(parse("helix OR country:GB")) == fulltext.TextFocus()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's filter words")
def test_the_database_makes_the_filter_words_the_terms_module_does() -> None:
    from talentloop.search import fulltext_terms as terms

    with connection.cursor() as cursor:
        for country in ("", "GB", "us", "G-B", "Å1"):
            for rank in range(terms.SENIORITY_RANKS):
                cursor.execute(
                    "SELECT tsvector_to_array(talentloop_filter_words(%s, %s))", [country, rank]
                )
                assert sorted(cursor.fetchone()[0]) == sorted(terms.filter_words(country, rank))


@pytest.mark.parametrize("walk", [1_000, 1], ids=["long walk", "walk of one"])
def test_ranking_from_the_hits_pages_like_ranking_the_people(
    personas: Personas, monkeypatch: pytest.MonkeyPatch, walk: int
) -> None:
    from talentloop.search import fulltext_postgres
    from talentloop.search.compiler import text_focus
    from talentloop.search.domain import parse
    from talentloop.search.queries import people_matching

    # given people sharing a word more or less often, in and out of the filters beside it,
    # a few of them with a rare skill
    workspace = personas.workspace
    for index in range(24):
        make_person(
            workspace,
            f"P{index}",
            "Helix" if index % 3 == 0 else "Other",
            headline="helix " * (index % 5 + 1),
            skills=("Rust",) if index % 6 == 0 else (),
            country="GB" if index % 4 else "DE",
            seniority="senior" if index % 2 else "junior",
        )
    # and walks so short that a query holding few of the best hits ranks its people instead
    monkeypatch.setattr(fulltext_postgres, "WALK_AT_LEAST", walk)
    monkeypatch.setattr(fulltext_postgres, "WALK_PAGES", walk)

    def every_page(text: str, *, focused: bool) -> list[tuple[int, float]]:
        people = people_matching(personas.admin, text)
        focus = text_focus(parse(text)) if focused else None
        found: list[tuple[int, float]] = []
        while True:
            page = fulltext.ranked_people(
                workspace.pk, "helix", people, limit=4, offset=len(found), focus=focus
            )
            found += page
            if len(page) < 4:
                return found

    for text in (
        "helix AND country:GB AND seniority>=mid",
        "helix",
        "helix AND skills:rust",
        '"helix helix" AND country:GB',
        "helix AND country:GB AND seniority>executive",
    ):
        # then starting from the index's hits gives the same pages, best first
        plain = every_page(text, focused=False)
        assert every_page(text, focused=True) == plain, text
        assert len(plain) == people_matching(personas.admin, text).count(), text
        assert [rank for _id, rank in plain] == sorted((rank for _id, rank in plain), reverse=True)
