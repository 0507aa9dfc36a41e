"""Pure rules of imports: column guessing, mapping checks, cell cleaning, row → draft."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from talentloop.intake.domain import (
    MappingError,
    check_mapping,
    clean_cell,
    clean_list,
    guess_mapping,
    normalize_header,
    options_from_json,
    row_to_draft,
    split_name,
)


def test_guess_mapping_reads_common_titles() -> None:
    headers = ["First Name", "Surname", "E-Mail Address", "Mobile Phone", "Job Title", "Notes", "?"]

    mapping = guess_mapping(headers)

    assert mapping == {
        "0": "first_name",
        "1": "last_name",
        "2": "email",
        "3": "phone",
        "4": "current_title",
        "5": "note",
    }


def test_guess_mapping_knows_custom_fields_and_repeats_only_repeatables() -> None:
    mapping = guess_mapping(
        ["Work email", "Home email", "City", "Town", "Notice period"], ["notice_period"]
    )

    assert mapping == {"0": "email", "1": "email", "2": "city", "4": "custom.notice_period"}


def test_guess_mapping_tolerates_typos() -> None:
    assert guess_mapping(["Emial", "Lastname"]) == {"0": "email", "1": "last_name"}


def test_check_mapping_refuses_bad_targets_columns_and_doubles() -> None:
    with pytest.raises(MappingError, match="not something"):
        check_mapping({"0": "password"}, 2, [])
    with pytest.raises(MappingError, match="no column 5"):
        check_mapping({"5": "email"}, 2, [])
    with pytest.raises(MappingError, match="two columns"):
        check_mapping({"0": "city", "1": "city"}, 2, [])
    with pytest.raises(MappingError, match="at least a name"):
        check_mapping({"0": "city"}, 2, [])
    assert check_mapping({"0": "email", "1": "", "01": "email"}, 2, []) == {
        "0": "email",
        "1": "email",
    }


def test_row_to_draft_splits_contacts_names_lists_and_custom_fields() -> None:
    mapping = {"0": "full_name", "1": "email", "2": "tags", "3": "custom.level", "4": "external_id"}
    cells = ["Lovelace, Ada", "ada@example.com; ada@work.example", "vip, Python ,vip", "7", "A-1"]

    draft = row_to_draft(cells, mapping, locator="row 2", external_system="ats")

    assert draft.fields == {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "custom_fields": {"level": "7"},
    }
    assert [(c.value, c.is_primary) for c in draft.contacts] == [
        ("ada@example.com", True),
        ("ada@work.example", False),
    ]
    assert draft.tags == ["vip", "Python"]
    assert draft.external_ids == {"ats": "A-1"}


def test_row_to_draft_flags_a_runaway_cell() -> None:
    draft = row_to_draft(
        ["x" * 30_000], {"0": "summary"}, locator="row 9", external_system="import"
    )

    assert [p.where for p in draft.problems] == ["Summary"]
    assert "summary" not in draft.fields


def test_options_refuse_unknown_match_keys() -> None:
    with pytest.raises(MappingError, match="cannot match on 'name'"):
        options_from_json({"match_on": ["name"]})
    options = options_from_json({"match_on": ["external_id", "email"], "tags": ["A", "a", "b"]})
    assert options.match_on == ("email", "external_id")
    assert options.tags == ("A", "b")


def test_small_helpers() -> None:
    assert normalize_header(" E-Mail  Address ") == "e mail address"
    assert split_name("Ada") == ("Ada", "")
    assert split_name("Ada King Lovelace") == ("Ada", "King Lovelace")
    assert clean_cell("a\x00b\r\n  c") == "ab c"
    assert clean_cell("a\r\nb", multiline=True) == "a\nb"


@given(st.text())
def test_clean_list_never_yields_blanks_or_case_repeats(text: str) -> None:
    items = clean_list(text)
    assert all(item and item == item.strip() for item in items)
    assert len({item.casefold() for item in items}) == len(items)


@given(st.lists(st.text(max_size=30), max_size=12))
def test_guess_mapping_always_passes_its_own_check_when_it_maps_a_key(headers: list[str]) -> None:
    mapping = guess_mapping(headers)
    keys = {"email", "phone", "full_name", "first_name", "last_name", "external_id"}
    if keys & set(mapping.values()):
        assert check_mapping(mapping, len(headers), []) == mapping


def slow_clean_cell(raw: object, *, multiline: bool) -> str:
    """The cell rule without its shortcut for plain cells."""
    text = "" if raw is None else str(raw)
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return " ".join(text.split()) if not multiline else text.strip()


@given(
    st.one_of(
        st.text(),
        st.text(" ab"),
        st.text(" ab\t\n\r\x0b\x1c\x85\xa0\u2003\u2028"),
        st.integers(),
    )
)
@example("a  b")
@example(" a")
def test_clean_cell_shortcut_agrees_with_the_whole_rule(raw: object) -> None:
    for multiline in (False, True):
        assert clean_cell(raw, multiline=multiline) == slow_clean_cell(raw, multiline=multiline)
