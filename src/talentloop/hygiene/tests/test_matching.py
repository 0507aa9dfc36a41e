"""The matching engine: normalisation, blocking, scoring, batch linkage (no database)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from talentloop.hygiene.matching import (
    PersonRecord,
    Verdict,
    blocking_keys,
    candidate_pairs,
    find_pairs,
    prepare,
    score_pair,
)
from talentloop.hygiene.matching.normalise import compact, fold, soundex

ANNA = PersonRecord(
    key="1",
    first_name="Anna",
    last_name="Müller",
    emails=("anna.mueller@example.com",),
    phones=("+49 151 23456789",),
    company="Globex GmbH",
    title="Data Engineer",
    city="Berlin",
)


def test_folding_ignores_case_accents_and_punctuation() -> None:
    assert fold("  José  O'Neil-Smith ") == "jose o neil smith"
    assert compact("Mc Carthy") == compact("mccarthy") == "mccarthy"


def test_soundex_groups_names_that_sound_alike() -> None:
    assert soundex("robert") == soundex("rupert") == "r163"
    assert soundex("tymczak") == "t522"
    assert soundex("") == ""


def test_a_typo_and_a_new_address_still_make_the_same_person() -> None:
    # given a second record with a typo in the name and another address at the same mailbox
    other = PersonRecord(
        key="2",
        first_name="Ana",
        last_name="Mueller",
        emails=("anna.mueller+jobs@mail.example.net",),
        phones=("+4915123456789",),
        city="berlin",
    )

    # when the two are scored
    result = score_pair(prepare(ANNA), prepare(other))

    # then it is the same person, with the phone and names among the reasons
    assert result.verdict is Verdict.SAME
    agreeing = {reason["feature"] for reason in result.reasons if float(reason["weight"]) > 0}
    assert {"phone", "last_name", "email", "city"} <= agreeing


def test_namesakes_at_one_company_are_only_possible_duplicates() -> None:
    # given a different Anna Müller at the same company and city, with her own contacts
    namesake = PersonRecord(
        key="2",
        first_name="Anna",
        last_name="Müller",
        emails=("a.m@example.org",),
        phones=("+49 30 1234567",),
        company="Globex GmbH",
        city="Berlin",
    )

    result = score_pair(prepare(ANNA), prepare(namesake))

    # then nothing identifying agrees, so the pair is never called "same"
    assert result.verdict is not Verdict.SAME


def test_strangers_are_different() -> None:
    stranger = PersonRecord(key="2", first_name="Kenji", last_name="Sato", city="Osaka")
    assert score_pair(prepare(ANNA), prepare(stranger)).verdict is Verdict.DIFFERENT


def test_swapped_names_land_in_one_block_and_match() -> None:
    swapped = PersonRecord(
        key="2", first_name="Müller", last_name="Anna", phones=("0049 151 23456789",)
    )
    assert blocking_keys(prepare(ANNA)) & blocking_keys(prepare(swapped))
    assert score_pair(prepare(ANNA), prepare(swapped)).score > 0


def test_candidate_pairs_need_a_strong_block_or_two_weak_ones() -> None:
    keyed = [
        (0, frozenset({"n:a500m460", "c:berlinm460a"})),
        (1, frozenset({"n:a500m460", "c:berlinm460a"})),  # two weak blocks with 0
        (2, frozenset({"n:a500m460"})),  # one weak block only
        (3, frozenset({"e:anna@example.com"})),
        (4, frozenset({"e:anna@example.com"})),  # one strong block with 3
    ]
    assert sorted(candidate_pairs(keyed)) == [(0, 1), (3, 4)]


def test_find_pairs_links_the_duplicate_and_nobody_else() -> None:
    records = [
        ANNA,
        PersonRecord(key="2", first_name="Anna", last_name="Muller", phones=("+4915123456789",)),
        PersonRecord(key="3", first_name="Bob", last_name="Stone", city="Leeds"),
    ]
    pairs = find_pairs(records)
    assert [(pair.left, pair.right) for pair in pairs] == [("1", "2")]


names = st.text(alphabet=st.characters(categories=("L",)), min_size=1, max_size=12)


@given(first=names, last=names)
def test_a_record_always_matches_itself_and_scores_symmetrically(first: str, last: str) -> None:
    record = PersonRecord(key="a", first_name=first, last_name=last, phones=("+4915123456789",))
    other = PersonRecord(key="b", first_name=last, last_name=first)
    left, right = prepare(record), prepare(other)
    assert score_pair(left, prepare(record)).score > 0
    assert score_pair(left, right).score == score_pair(right, left).score
