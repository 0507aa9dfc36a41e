"""Reading a form's settings and its answers. Pure: no database."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from talentloop.core.errors import ValidationFailed
from talentloop.forms import domain

CONFIG = {"first_name": "required", "message": "optional"}


def test_the_email_is_always_asked_and_required() -> None:
    asked = {name: required for name, _, _, required in domain.asked_fields({})}
    assert asked == {"email": True}


def test_answers_are_trimmed_and_only_asked_fields_are_kept() -> None:
    raw = {"first_name": "  Ada  Lovelace ", "email": " ada@example.com", "city": "London",
           "message": "  Line one\nline two  ", "consent": "on"}  # fmt: skip

    answers = domain.read_answers(CONFIG, raw, consent_enabled=True)

    assert answers.values == {
        "first_name": "Ada Lovelace", "email": "ada@example.com", "message": "Line one\nline two"
    }  # fmt: skip
    assert answers.consent is True


def test_every_problem_is_named_at_its_field() -> None:
    with pytest.raises(ValidationFailed) as refused:
        domain.read_answers(CONFIG, {"message": "x" * 5001}, consent_enabled=False)

    assert refused.value.fields == {
        "first_name": "required", "email": "required", "message": "at most 5000 characters"
    }  # fmt: skip


def test_a_ticked_box_counts_only_when_the_form_has_one() -> None:
    raw = {"first_name": "Ada", "email": "a@example.com", "consent": "on"}
    assert domain.read_answers(CONFIG, raw, consent_enabled=False).consent is False
    assert (
        domain.read_answers(CONFIG, {**raw, "consent": ""}, consent_enabled=True).consent is False
    )


def test_field_settings_refuse_unknown_fields_and_modes() -> None:
    with pytest.raises(ValidationFailed) as refused:
        domain.check_field_config({"salary": "optional", "phone": "always"})

    assert refused.value.fields == {
        "fields.salary": "unknown field", "fields.phone": "must be optional or required"
    }  # fmt: skip


def test_a_consent_box_needs_its_wording_and_a_known_topic() -> None:
    with pytest.raises(ValidationFailed) as refused:
        domain.check_consent(enabled=True, text=" ", topic="spam")

    assert set(refused.value.fields) == {"consent_text", "consent_topic"}


@pytest.mark.parametrize("slug", ["Careers", "a-b-1", "x"])
def test_good_slugs_are_kept_in_lower_case(slug: str) -> None:
    assert domain.check_slug(slug) == slug.lower()


@pytest.mark.parametrize("slug", ["", "-a", "a-", "a b", "ä", "a" * 65])
def test_bad_slugs_are_refused(slug: str) -> None:
    with pytest.raises(ValidationFailed):
        domain.check_slug(slug)


@given(st.dictionaries(st.sampled_from(["first_name", "email", "message", "website"]), st.text()))
def test_every_asked_field_is_either_kept_within_limits_or_named(raw: dict[str, str]) -> None:
    answers, problems = domain.answers_and_problems(CONFIG, raw, consent_enabled=True)

    assert not set(answers.values) & set(problems)
    assert set(answers.values) | set(problems) <= {"first_name", "email", "message"}
    assert {"first_name", "email"} <= set(answers.values) | set(problems)
    assert all(value and len(value) <= 5000 for value in answers.values.values())


def test_the_honeypot_catches_a_filled_hidden_field() -> None:
    assert domain.is_bot({"website": "http://spam.example"})
    assert not domain.is_bot({"website": "  "})
