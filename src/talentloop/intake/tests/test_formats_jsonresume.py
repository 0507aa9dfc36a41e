"""JSON Resume: the schema's own fixtures agree with our validation; mapping; writing."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from talentloop.intake.formats import FormatError, jsonresume, sniff
from talentloop.intake.formats.base import ExportPerson
from talentloop.intake.tests.formats_data import JSONRESUME_DATA, need
from talentloop.people.actions import ContactInput, EducationInput, SkillInput, WorkInput


def _fixture_cases() -> list[Any]:
    """(document, expected verdict) from test/__test__: keys ending "Invalid" must fail.

    dates.json lists bare date strings instead of documents ("invalid" is the bad one);
    as the upstream suite does, each is tried as a job's start date.
    """
    folder = JSONRESUME_DATA / "test" / "__test__"
    if not folder.is_dir():
        return [pytest.param(None, True, marks=pytest.mark.skip(reason="fixtures absent"))]
    cases = []
    for path in sorted(folder.glob("*.json")):
        for key, value in json.loads(path.read_text("utf-8")).items():
            valid = not key.lower().endswith("invalid")
            document = {"work": [{"startDate": value}]} if path.stem == "dates" else value
            cases.append(pytest.param(document, valid, id=f"{path.stem}-{key}"))
    return cases


@pytest.mark.parametrize(("document", "valid"), _fixture_cases())
def test_schema_fixtures_get_their_expected_verdict(document: Any, valid: bool) -> None:
    problems = jsonresume.validate(document)
    assert (not problems) is valid, problems


def test_the_sample_resume_maps_onto_a_draft() -> None:
    need(JSONRESUME_DATA)
    (draft,) = jsonresume.read((JSONRESUME_DATA / "sample.resume.json").read_bytes())
    assert not draft.problems
    assert (draft.fields["first_name"], draft.fields["last_name"]) == ("Richard", "Hendriks")
    assert draft.fields["headline"] == "Programmer"
    assert (draft.fields["city"], draft.fields["country"]) == ("San Francisco", "US")
    assert draft.emails == ["richard.hendriks@mail.com"]
    assert draft.phones == ["(912) 555-4321"]
    urls = {c.label: c.value for c in draft.contacts if c.kind == "url"}
    assert urls["website"] == "http://richardhendricks.example.com"
    assert draft.work_history[0].company_name == "Pied Piper"
    assert draft.work_history[0].start_date == dt.date(2013, 12, 1)
    assert draft.education[0].institution == "University of Oklahoma"
    assert draft.education[0].field_of_study == "Information Technology"
    assert SkillInput(name="Web Development", level="expert") in draft.skills
    assert "HTML" in [skill.name for skill in draft.skills]
    assert draft.notes == ["Languages: English (Native speaker)"]


def test_an_invalid_resume_is_refused_naming_the_field() -> None:
    data = json.dumps([{"basics": {"name": "Ok Person"}}, {"basics": {"email": 7}}]).encode()
    good, bad = jsonresume.read(data)
    assert not good.problems
    assert bad.problems[0].where == "basics.email"
    assert "7 is not of type 'string'" in bad.problems[0].message
    assert not bad.fields  # nothing half-read from a refused resume


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{not json", "invalid JSON at line 1"),
        (b"[]", "empty array"),
        (b'"a string"', "expected a JSON object or array"),
        (b"", "empty"),
    ],
)
def test_files_that_are_not_json_resume_raise_format_error(data: bytes, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        jsonresume.read(data)


def _person() -> ExportPerson:
    return ExportPerson(
        first_name="Grace",
        last_name="Hopper",
        full_name="Grace Hopper",
        headline="Rear admiral",
        summary="Wrote the first compiler.",
        city="Arlington",
        region="VA",
        country="US",
        contacts=(
            ContactInput(kind="email", value="grace@navy.example", is_primary=True),
            ContactInput(kind="phone", value="+17035550100", is_primary=True),
            ContactInput(kind="url", value="https://www.linkedin.com/in/grace", label="linkedin"),
            ContactInput(kind="url", value="https://grace.example", label="website"),
        ),
        skills=(SkillInput(name="COBOL", level="expert"), SkillInput(name="FLOW-MATIC")),
        work_history=(
            WorkInput(
                company_name="US Navy",
                title="Officer",
                start_date=dt.date(1943, 12, 1),
                is_current=True,
            ),
        ),
        education=(EducationInput(institution="Yale", degree="PhD", field_of_study="Mathematics"),),
    )


def test_written_resumes_validate_and_read_back() -> None:
    document = jsonresume.resume_of(_person())
    assert jsonresume.validate(document) == []
    (draft,) = jsonresume.read(json.dumps(document).encode())
    assert not draft.problems
    assert (draft.fields["first_name"], draft.fields["last_name"]) == ("Grace", "Hopper")
    assert draft.emails == ["grace@navy.example"]
    assert draft.phones == ["+17035550100"]
    assert {c.value for c in draft.contacts if c.kind == "url"} == {
        "https://www.linkedin.com/in/grace",
        "https://grace.example",
    }
    assert draft.fields["current_company_name"] == "US Navy"
    assert draft.skills == [SkillInput(name="COBOL", level="expert"), SkillInput(name="FLOW-MATIC")]
    assert draft.education == [
        EducationInput(institution="Yale", degree="PhD", field_of_study="Mathematics")
    ]


def test_sniff_tells_resumes_from_other_json() -> None:
    resume = json.dumps({"basics": {"name": "A"}}).encode()
    assert sniff(resume, "resume.json") == "jsonresume"
    assert sniff(b'{"unrelated": 1}', "data.bin") is None
    assert sniff(b"\x89PNG...", "photo.png") is None


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_arbitrary_bytes_give_drafts_or_format_error(data: bytes) -> None:
    try:
        drafts = jsonresume.read(data)
    except FormatError:
        return
    assert drafts


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
_resumeish = st.fixed_dictionaries(
    {},
    optional={
        "basics": _json,
        "work": _json,
        "education": _json,
        "skills": _json,
        "languages": _json,
    },
)


@settings(max_examples=200, deadline=None)
@given(st.lists(_resumeish, min_size=1, max_size=3))
def test_arbitrary_documents_give_drafts_never_crashes(documents: list[dict[str, Any]]) -> None:
    drafts = jsonresume.read(json.dumps(documents).encode())
    assert len(drafts) == len(documents)
