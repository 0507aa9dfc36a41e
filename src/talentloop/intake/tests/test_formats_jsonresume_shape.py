"""The JSON Resume shape check: paths, messages, dates and what it leaves alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from talentloop.intake.formats.jsonresume_shape import Problem, partial_date, problems_in


def test_a_bad_date_names_its_path_with_the_entry_index() -> None:
    document = {"work": [{}, {}, {"name": "Acme", "startDate": "2020-13"}]}
    assert problems_in(document) == [
        Problem("work[2].startDate", '"2020-13" is not a date (YYYY, YYYY-MM or YYYY-MM-DD)')
    ]


@pytest.mark.parametrize(
    ("document", "where", "message"),
    [
        ({"basics": {"email": 7}}, "basics.email", "7 is not of type 'string'"),
        ({"basics": []}, "basics", "[] is not of type 'object'"),
        ({"skills": {"name": "Go"}}, "skills", "{…} is not of type 'array'"),
        ({"skills": ["Go"]}, "skills[0]", "\"Go\" is not of type 'object'"),
        ({"skills": [{"keywords": ["Go", None]}]}, "skills[0].keywords[1]", "null is not"),
        ({"basics": {"profiles": [{"url": False}]}}, "basics.profiles[0].url", "false is not"),
        ({"basics": {"location": {"city": 1.5}}}, "basics.location.city", "1.5 is not"),
        ({"$schema": {}}, "$schema", "{} is not of type 'string'"),
        ([], "resume", "[] is not of type 'object'"),
    ],
)
def test_each_problem_names_where_and_what(document: Any, where: str, message: str) -> None:
    (problem,) = problems_in(document)
    assert problem.where == where
    assert problem.message.startswith(message)


def test_every_problem_is_reported_in_document_order() -> None:
    document = {
        "education": [{"endDate": "2014-02-30", "courses": "Algebra"}],
        "meta": {"version": 2},
    }
    assert [problem.where for problem in problems_in(document)] == [
        "education[0].endDate",
        "education[0].courses",
        "meta.version",
    ]


def test_unknown_keys_and_missing_fields_are_allowed() -> None:
    document: dict[str, Any] = {
        "basics": {"meta": {"emails": ["a@example.com"]}, "x-custom": [1, 2]},
        "work": [{"company": "Legacy key", "extra": {"deep": None}}],
        "custom-section": None,
        "languages": [{}],
    }
    assert problems_in(document) == []


def test_long_values_are_shortened_in_messages() -> None:
    (problem,) = problems_in({"awards": [{"date": "x" * 500}]})
    assert len(problem.message) < 100
    assert '"xxxx' in problem.message


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2014", dt.date(2014, 1, 1)),
        ("2014-06", dt.date(2014, 6, 1)),
        ("2014-06-29", dt.date(2014, 6, 29)),
        ("2024-02-29", dt.date(2024, 2, 29)),
        ("2023-02-29", None),
        ("2014-00", None),
        ("2014-13", None),
        ("2014-6", None),
        ("2014-06-29T10:00", None),
        ("2014\n", None),
        ("٢٠١٤", None),  # Arabic-Indic digits are not ISO 8601
        ("0000", None),
        ("", None),
        (2014, None),
    ],
)
def test_partial_dates(text: Any, date: dt.date | None) -> None:
    assert partial_date(text) == date
