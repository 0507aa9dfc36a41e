from __future__ import annotations

import datetime as dt
import random
from itertools import pairwise

import phonenumbers
import pytest

from talentloop.people.domain import Seniority, normalize_email
from talentloop.seed.data import PLACES
from talentloop.seed.generator import PHONE_PREFIXES, ascii_slug, make_person, seniority_for

TODAY = dt.date(2026, 3, 1)


def _people(count: int, seed: int = 1) -> list:
    rng = random.Random(seed)
    return [make_person(rng, index, TODAY) for index in range(count)]


@pytest.mark.parametrize("country", sorted(PHONE_PREFIXES))
def test_every_generated_phone_number_is_valid_for_its_country(country):
    rng = random.Random(country)
    for _ in range(200):
        number = phonenumbers.parse(PHONE_PREFIXES[country] + f"{rng.randrange(1_000_000):06d}")
        assert phonenumbers.is_valid_number(number)
        assert phonenumbers.region_code_for_number(number) == country


def test_every_place_has_a_phone_prefix():
    assert {place.country for place in PLACES} <= set(PHONE_PREFIXES)


def test_the_same_seed_draws_the_same_people():
    first = [(p.first_name, p.last_name, p.email, p.title) for p in _people(50)]
    again = [(p.first_name, p.last_name, p.email, p.title) for p in _people(50)]

    assert first == again


def test_emails_are_unique_and_valid():
    emails = [person.email for person in _people(500)]

    assert len(set(emails)) == 500
    assert all(normalize_email(email) == email for email in emails)


def test_seniority_follows_years_of_experience():
    for person in _people(300):
        assert person.seniority == seniority_for(person.years)[0]
        Seniority(person.seniority)  # a real value
    assert seniority_for(0.5)[0] == "intern"
    assert seniority_for(4)[0] == "mid"
    assert seniority_for(12)[0] == "lead"


def test_work_history_is_two_to_four_jobs_newest_first_without_overlap():
    for person in _people(300):
        jobs = person.jobs
        assert 2 <= len(jobs) <= 4
        assert jobs[0].end is None
        assert all(job.end is not None for job in jobs[1:])
        for newer, older in pairwise(jobs):
            assert older.end < newer.start
            assert (older.end - older.start).days >= 90
        assert person.studies[0].end <= jobs[-1].start


def test_salary_range_is_ordered_and_in_local_terms():
    people = _people(300)

    assert all(p.salary_min <= p.salary_max for p in people)
    tokyo = [p for p in people if p.place.currency == "JPY"]
    berlin = [p for p in people if p.place.city == "Berlin"]
    assert tokyo
    assert berlin
    assert min(p.salary_min for p in tokyo) > max(p.salary_max for p in berlin)


def test_skills_are_distinct_and_fit_the_job_family():
    for person in _people(200):
        names = [name for name, _level, _years in person.skills]
        assert len(names) == len(set(names))
        assert set(names) <= set(person.family.skills)


def test_ascii_slug_keeps_email_local_parts_plain():
    assert ascii_slug("Dąbrowski") == "dabrowski"
    assert ascii_slug("Łukasz") == "lukasz"
    assert ascii_slug("de Jong") == "dejong"
    assert ascii_slug("Zoé") == "zoe"
