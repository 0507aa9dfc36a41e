"""Greenhouse (Harvest candidates) and Lever (opportunities) exports read into drafts."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from talentloop.intake.formats import READERS, FormatError, greenhouse, lever, sniff

FIXTURES = Path(__file__).parent / "fixtures"


def _bytes(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_greenhouse_candidates_map_onto_drafts() -> None:
    priya, tomas, nameless = greenhouse.read(_bytes("greenhouse_candidates.json"))

    assert priya.external_ids == {"greenhouse": "4301187"}
    assert priya.fields == {
        "first_name": "Priya",
        "last_name": "Raman",
        "current_company_name": "Northwind Logistics",
        "current_title": "Senior Data Engineer",
    }
    assert priya.emails == ["priya.raman@example.org", "p.raman@northwind.example"]
    assert [c.label for c in priya.contacts if c.kind == "email"] == ["home", "work"]
    assert priya.phones == ["+44 7700 900123"]
    assert {c.value for c in priya.contacts if c.kind == "url"} == {
        "https://priyaraman.example.net",
        "https://www.linkedin.com/in/priya-raman-data",
    }
    assert priya.tags == ["Data", "Referral"]  # "data" repeats "Data"
    assert priya.notes == [
        "Address (home): 14 Canal Street, Manchester M1 3HE",
        "Greenhouse application to Staff Data Engineer; stage Onsite Interview; status active;"
        " applied 2024-03-11",
        "Greenhouse application to no job (prospect); status active; applied 2024-04-02",
    ]
    assert not priya.problems
    assert tomas.fields == {"first_name": "Tomás", "last_name": "Herrera"}
    assert "status rejected" in tomas.notes[0]
    assert [p.where for p in nameless.problems] == ["email_addresses.0", "record"]


def test_lever_opportunities_map_onto_drafts() -> None:
    first, second, olu = lever.read(_bytes("lever_opportunities.json"))

    contact = "7f4e1b8e-02c3-4c5b-9f62-5c7c0b7d2a10"
    assert first.external_ids == second.external_ids == {"lever": contact}
    assert first.fields == {
        "first_name": "Keiko",
        "last_name": "Tanaka",
        "headline": "Platform engineer, Kubernetes and Go",
        "city": "Osaka",
    }
    assert first.emails == ["keiko.tanaka@example.jp", "k.tanaka@work.example"]
    assert first.phones == ["+81 90-1234-5678"]
    assert [c.label for c in first.contacts if c.kind == "url"] == ["github", "website"]
    assert first.tags == ["Go", "Kubernetes", "Remote OK"]
    assert first.notes == [
        "Lever opportunity: stage offer; origin sourced; sources LinkedIn, Referral"
    ]
    assert "stage New applicant" in second.notes[0]
    assert "archived (hired-elsewhere)" in second.notes[0]
    assert olu.phones == ["+234 802 123 4567"]
    assert [p.where for p in olu.problems] == ["links.0"]


@pytest.mark.parametrize(
    ("reader", "data", "message"),
    [
        (greenhouse.read, b'[{"name": "x"}]', "not a Greenhouse candidates export"),
        (greenhouse.read, b"{broken", "invalid JSON"),
        (greenhouse.read, b"42", "expected a JSON object or array"),
        (lever.read, b'[{"first_name": "x"}]', "not a Lever opportunities export"),
        (lever.read, b'{"data": []}', "not a Lever opportunities export"),
        (lever.read, b"\xff\xfe\x00\xd8", "UTF-16"),
    ],
)
def test_wrong_files_raise_a_format_error_naming_the_problem(reader, data, message) -> None:
    with pytest.raises(FormatError, match=message):
        reader(data)


def test_a_single_object_and_wrapped_lists_are_accepted() -> None:
    one = {"id": 1, "first_name": "Ada", "email_addresses": []}
    assert len(greenhouse.read(json.dumps(one).encode())) == 1
    assert len(greenhouse.read(json.dumps({"candidates": [one, one]}).encode())) == 2
    opportunity = {"name": "Ada L", "emails": ["ada@example.com"]}
    assert lever.read(json.dumps(opportunity).encode())[0].emails == ["ada@example.com"]


def test_sniff_and_registry() -> None:
    assert sniff(_bytes("greenhouse_candidates.json"), "export.json") == "greenhouse"
    assert sniff(_bytes("lever_opportunities.json"), "export.json") == "lever"
    assert set(READERS) == {"vcard", "jsonresume", "greenhouse", "lever"}
    # a file too big to parse for a guess is told by the field names it starts with
    padding = b" " * (3 * 1024 * 1024)
    big_greenhouse = b'[{"id": 1, "first_name": "A", "email_addresses": []}' + padding + b"]"
    assert sniff(big_greenhouse, "export.json") == "greenhouse"
    big_lever = b'{"data": [{"name": "A", "emails": [], "contact": "c"}' + padding + b"]}"
    assert sniff(big_lever, "export.json") == "lever"


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=25,
)
_candidate_keys = st.sampled_from(
    [
        "id",
        "first_name",
        "last_name",
        "company",
        "title",
        "email_addresses",
        "phone_numbers",
        "addresses",
        "website_addresses",
        "social_media_addresses",
        "tags",
        "applications",
    ]
)
_opportunity_keys = st.sampled_from(
    [
        "id",
        "name",
        "headline",
        "contact",
        "emails",
        "phones",
        "links",
        "location",
        "tags",
        "sources",
        "origin",
        "stage",
        "archived",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(_candidate_keys, _json, max_size=8), max_size=4))
def test_arbitrary_greenhouse_shapes_never_crash(records: list[dict[str, object]]) -> None:
    try:
        drafts = greenhouse.read(json.dumps(records).encode())
    except FormatError:
        return
    assert len(drafts) == len(records)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.dictionaries(_opportunity_keys, _json, max_size=8), max_size=4))
def test_arbitrary_lever_shapes_never_crash(records: list[dict[str, object]]) -> None:
    try:
        drafts = lever.read(json.dumps(records).encode())
    except FormatError:
        return
    assert len(drafts) == len(records)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_give_drafts_or_format_error(data: bytes) -> None:
    for name in ("greenhouse", "lever"):
        with contextlib.suppress(FormatError):
            READERS[name](data)
