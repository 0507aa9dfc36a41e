"""Pure generation of one believable person from a random stream: no database, no clock."""

from __future__ import annotations

import datetime as dt
import random
import unicodedata
from dataclasses import dataclass, field

from talentloop.seed.data import (
    COMPANIES,
    DEGREES,
    FAMILIES,
    FAMILY_WEIGHTS,
    NAMES,
    PLACE_WEIGHTS,
    PLACES,
    SALARY_BY_SENIORITY,
    SCHOOLS,
    SENIORITY_BANDS,
    Family,
    Place,
)

# Each country's mobile numbers minus their last six digits; any six digits after these
# prefixes are valid numbers for phonenumbers (checked by seed/tests/test_generator.py).
PHONE_PREFIXES = {
    "DE": "+4915123",
    "GB": "+447400",
    "FR": "+33612",
    "ES": "+34612",
    "PL": "+48512",
    "NL": "+31612",
    "SE": "+46701",
    "BR": "+5511961",
    "IN": "+918123",
    "CA": "+15062",
    "US": "+12015",
    "AU": "+61412",
    "JP": "+819012",
}
SKILL_LEVELS = ("beginner", "intermediate", "advanced", "expert")
# Past employers; the demo workspace's own company is where people are hired, not from.
_COMPANY_NAMES = [name for name, _domain, _industry in COMPANIES if name != "Acme Talent"]


@dataclass(frozen=True)
class Job:
    company: str
    title: str
    start: dt.date
    end: dt.date | None


@dataclass(frozen=True)
class Study:
    institution: str
    degree: str
    field_of_study: str
    start: dt.date
    end: dt.date


@dataclass
class PersonDraft:
    """Everything about one seeded person except database ids and workspace links."""

    first_name: str
    last_name: str
    email: str
    phone: str
    linkedin: str
    place: Place
    family: Family
    title: str
    headline: str
    seniority: str
    years: float
    salary_min: int
    salary_max: int
    skills: list[tuple[str, str, float]] = field(default_factory=list)
    jobs: list[Job] = field(default_factory=list)
    studies: list[Study] = field(default_factory=list)


def ascii_slug(text: str) -> str:
    """'Dąbrowski' → 'dabrowski': ASCII letters and digits only, for email local parts."""
    decomposed = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    return "".join(char for char in decomposed.lower() if char.isascii() and char.isalnum())


def seniority_for(years: float) -> tuple[str, str]:
    """The seniority and title pattern that years of experience make believable."""
    for upper, seniority, pattern in SENIORITY_BANDS:
        if years < upper:
            return seniority, pattern
    return SENIORITY_BANDS[-1][1], SENIORITY_BANDS[-1][2]


def make_person(rng: random.Random, index: int, today: dt.date) -> PersonDraft:
    """Draw one person; `index` makes the email unique within a seeding run."""
    place = rng.choices(PLACES, PLACE_WEIGHTS)[0]
    family = rng.choices(FAMILIES, FAMILY_WEIGHTS)[0]
    firsts, lasts = NAMES[place.names]
    first, last = rng.choice(firsts), rng.choice(lasts)
    years = round(min(rng.gammavariate(2.2, 3.2), 32.0), 1)
    seniority, pattern = seniority_for(years)
    base_title = rng.choice(family.titles)
    title = pattern.format(title=base_title, department=family.department)
    salary = place.salary_mid * family.salary_factor * SALARY_BY_SENIORITY[seniority]
    salary *= rng.uniform(0.9, 1.15)
    draft = PersonDraft(
        first_name=first,
        last_name=last,
        email=f"{ascii_slug(first)}.{ascii_slug(last)}.{index}@example.com",
        phone=PHONE_PREFIXES[place.country] + f"{rng.randrange(1_000_000):06d}",
        linkedin=f"https://www.linkedin.com/in/{ascii_slug(first)}-{ascii_slug(last)}-{index}",
        place=place,
        family=family,
        title=title,
        headline=_headline(rng, title, family),
        seniority=seniority,
        years=years,
        salary_min=_round_salary(salary),
        salary_max=_round_salary(salary * rng.uniform(1.08, 1.25)),
    )
    draft.skills = _skills(rng, family, years)
    draft.jobs = _work_history(rng, title, base_title, years, today)
    draft.studies = [_study(rng, place, family, draft.jobs[-1].start)]
    return draft


def _headline(rng: random.Random, title: str, family: Family) -> str:
    focus = ", ".join(rng.sample(family.skills, 2))
    return f"{title} · {focus}"


def _round_salary(amount: float) -> int:
    step = 1000 if amount < 1_000_000 else 50_000
    return max(step, int(round(amount / step) * step))


def _skills(rng: random.Random, family: Family, years: float) -> list[tuple[str, str, float]]:
    # Levels follow experience: nobody two years in is an expert in five things.
    top_level = min(3, int(years // 3))
    picked = rng.sample(family.skills, rng.randint(3, 6))
    skills = []
    for name in picked:
        level = SKILL_LEVELS[rng.randint(max(0, top_level - 2), top_level)]
        skills.append((name, level, round(min(years, rng.uniform(0.5, max(1.0, years))), 1)))
    return skills


def _work_history(
    rng: random.Random, title: str, base_title: str, years: float, today: dt.date
) -> list[Job]:
    """2-4 jobs back to back, newest first, covering the years of experience."""
    count = rng.randint(2, 4)
    total_days = max(int(years * 365), 240 * count)
    # Each job lasts at least four months; the rest is shared out at random.
    shares = [rng.random() + 0.2 for _ in range(count)]
    spare = total_days - 120 * count
    lengths = [120 + int(spare * share / sum(shares)) for share in shares]
    bounds = [sum(lengths[:position]) for position in range(count + 1)]
    companies = rng.sample(_COMPANY_NAMES, count)
    jobs = []
    for position in range(count):
        end = None if position == 0 else today - dt.timedelta(days=bounds[position] + 14)
        start = today - dt.timedelta(days=bounds[position + 1])
        job_title = title if position == 0 else base_title
        jobs.append(Job(companies[position], job_title, start, end))
    return jobs


def _study(rng: random.Random, place: Place, family: Family, career_start: dt.date) -> Study:
    degree = rng.choice(DEGREES)
    length = 2 if degree in {"MSc", "MA", "MBA"} else 3
    end = dt.date(career_start.year, 7, 15)
    if end > career_start:
        end = dt.date(career_start.year - 1, 7, 15)
    return Study(
        institution=rng.choice(SCHOOLS[place.country]),
        degree=degree,
        field_of_study=rng.choice(family.studies),
        start=dt.date(end.year - length, 10, 1),
        end=end,
    )
