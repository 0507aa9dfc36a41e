"""Field readers of the resume parser: dates, sections, contacts, history, skills, result."""

from __future__ import annotations

import datetime as dt

import pytest

from talentloop.intake.parsing import parse_text
from talentloop.intake.parsing.contacts import find_links, find_name, find_phones, region_of
from talentloop.intake.parsing.dates import find_range, parse_date
from talentloop.intake.parsing.experience import total_years
from talentloop.intake.parsing.result import ParsedResume, PersonName, WorkEntry
from talentloop.intake.parsing.sections import heading_kind, split_sections
from talentloop.intake.parsing.skills import match_skills, section_skills, taxonomy

TODAY = dt.date(2026, 1, 1)


@pytest.mark.parametrize(
    ("text", "start", "end", "current"),
    [
        ("Sept 2018 \u2013 May 2023", dt.date(2018, 9, 1), dt.date(2023, 5, 1), False),
        ("January 2019 to Present", dt.date(2019, 1, 1), None, True),
        ("2021-03 - present", dt.date(2021, 3, 1), None, True),
        ("06/2016 - 12/2018", dt.date(2016, 6, 1), dt.date(2018, 12, 1), False),
        ("Software Engineer at X, 2020-2023", dt.date(2020, 1, 1), dt.date(2023, 1, 1), False),
    ],
)
def test_date_ranges_in_the_forms_resumes_use(
    text: str, start: dt.date, end: dt.date | None, current: bool
) -> None:
    found = find_range(text)
    assert found is not None
    assert (found.start, found.end, found.is_current) == (start, end, current)


def test_a_range_that_ends_before_it_starts_is_not_a_range() -> None:
    assert find_range("2023 - 2019") is None
    assert parse_date("no date here") is None


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("EXPERIENCE", "experience"),
        ("Work History:", "experience"),
        ("Technical Skills", "skills"),
        ("Pro les", "profiles"),  # a font that dropped its "fi" ligature
        ("Certi cations", "certifications"),
        ("Education & Training", "education"),
        ("Led the education of 40 students", None),
        ("Languages: Python, Go", None),
    ],
)
def test_headings(line: str, kind: str | None) -> None:
    assert heading_kind(line) == kind


def test_margin_headings_share_a_line_with_their_first_entry() -> None:
    sections = split_sections("Ann Lee\nExperience\tAcme Inc.\tJan 2020 - Present\nEducation\tMIT")
    assert sections.header == ["Ann Lee"]
    assert sections.lines("experience") == ["Acme Inc.\tJan 2020 - Present"]
    assert sections.lines("education") == ["MIT"]


def test_phones_come_back_in_e164_and_use_the_region_of_the_location() -> None:
    phones, valid = find_phones("Tel. (415) 555-0142", default_region="US")
    assert (phones, valid) == (["+14155550142"], True)
    spanish, _ = find_phones("612 34 56 78", default_region="US", location_region="ES")
    assert spanish == ["+34612345678"]
    assert region_of("Barcelona, Spain") == "ES"
    assert find_phones("2019 - 2023, 4,200 users", default_region="US")[0] == []


def test_fictional_numbers_are_kept_but_marked_not_valid() -> None:
    phones, valid = find_phones("(123) 456-7890", default_region="US")
    assert phones == ["+11234567890"]
    assert valid is False


def test_links_are_labelled_and_include_pdf_link_targets() -> None:
    links = find_links("linkedin.com/in/ann-lee | ann.dev", ["https://github.com/annlee"])
    assert [(link.label, link.url) for link in links] == [
        ("linkedin", "https://linkedin.com/in/ann-lee"),
        ("github", "https://github.com/annlee"),
        ("website", "https://ann.dev"),
    ]


@pytest.mark.parametrize(
    ("header", "full"),
    [
        (["Alice Chen's CV", "Phone: +1 415 555 0142"], "Alice Chen"),
        (["JOHN DOE", "Senior Engineer"], "John Doe"),
        (["Curriculum Vitae\tJohn Doe"], "John Doe"),
        (["Last updated in Nov 2026", "Dr. Zhen Wei"], "Dr. Zhen Wei"),
    ],
)
def test_name(header: list[str], full: str) -> None:
    name, confidence = find_name(header)
    assert name.full == full
    assert confidence >= 0.8


def test_no_name_gives_zero_confidence() -> None:
    assert find_name(["Personal Information", "john@example.com"]) == (PersonName(), 0.0)


WORK_LAYOUTS = {
    "company, title / bullet with dates": (
        "Experience\nStripe, Staff Software Engineer\tSan Francisco, CA\n"
        "\u2022 Built the fraud pipeline\tMar 2021 \u2013 present\n"
        "Google, Senior Software Engineer\tMountain View, CA\n"
        "\u2022 Built caching\tJune 2018 \u2013 Feb 2021\n"
    ),
    "title + dates / company + place": (
        "EXPERIENCE\nStaff Software Engineer\tMar 2021 - Present\nStripe \u2022 San Francisco, CA\n"
        "\u2022 Built the fraud pipeline\nSenior Software Engineer\tJun 2018 - Feb 2021\n"
        "Google \u2022 Mountain View, CA\n\u2022 Built caching\n"
    ),
    "stacked lines": (
        "Experience\nStripe\nStaff Software Engineer\nSan Francisco, CA\nMarch 2021 to Present\n"
        "Built the fraud pipeline.\nGoogle\nSenior Software Engineer\nMountain View, CA\n"
        "June 2018 to February 2021\nBuilt caching.\n"
    ),
    "dates first": (
        "Experience\nMar 2021 \u2013 present\t"
        "Staff Software Engineer, Stripe \u2013 San Francisco, CA\n"
        "\u2022 Built the fraud pipeline\n"
        "June 2018 \u2013 Feb 2021\tSenior Software Engineer, Google \u2013 Mountain View, CA\n"
    ),
}


@pytest.mark.parametrize("layout", sorted(WORK_LAYOUTS))
def test_work_history_in_common_layouts(layout: str) -> None:
    result = parse_text("Ann Lee\nann@example.com\n" + WORK_LAYOUTS[layout], today=TODAY)
    assert [(w.employer, w.title) for w in result.work] == [
        ("Stripe", "Staff Software Engineer"),
        ("Google", "Senior Software Engineer"),
    ]
    assert result.work[0].is_current
    assert result.work[0].start == dt.date(2021, 3, 1)
    assert result.work[1].end == dt.date(2021, 2, 1)
    assert result.work[1].location == "Mountain View, CA"


def test_education_degree_field_and_end() -> None:
    text = (
        "Ann Lee\nEducation\nStanford University, MS in Computer Science \u2013 Stanford, CA"
        "\tSept 2014 \u2013 June 2016\nBS\tUC Berkeley, Mathematics\tBerkeley, CA\n"
        "\u2022 GPA 3.9\tAug 2010 \u2013 May 2014\n"
    )
    education = parse_text(text).education
    assert [(e.institution, e.degree, e.field_of_study, e.end) for e in education] == [
        ("Stanford University", "MS", "Computer Science", dt.date(2016, 6, 1)),
        ("UC Berkeley", "BS", "Mathematics", dt.date(2014, 5, 1)),
    ]


def test_total_years_count_overlaps_once_and_run_current_jobs_to_today() -> None:
    work = [
        WorkEntry("A", start=dt.date(2020, 1, 1), is_current=True),
        WorkEntry("B", start=dt.date(2021, 1, 1), end=dt.date(2022, 12, 1)),
        WorkEntry("C", start=dt.date(2015, 1, 1), end=dt.date(2016, 12, 1)),
    ]
    assert total_years(work, today=TODAY) == 8.1  # 73 months + 24 months
    assert total_years([WorkEntry("undated")], today=TODAY) is None


def test_taxonomy_is_large_and_maps_aliases() -> None:
    lookup = taxonomy().by_alias
    assert len(set(lookup.values())) >= 2000
    assert lookup["js"] == "JavaScript"
    assert lookup["k8s"] == "Kubernetes"
    assert lookup["golang"] == "Go"


def test_skills_section_keeps_unknown_listed_items_and_maps_known_ones() -> None:
    skills = section_skills(["Languages: JS, k8s, Quantum Basketweaving", "Advanced"])
    assert [(s.name, s.matched_text) for s in skills] == [
        ("JavaScript", "JS"),
        ("Kubernetes", "k8s"),
        ("Quantum Basketweaving", "Quantum Basketweaving"),
    ]


def test_prose_needs_the_written_form_of_a_skill() -> None:
    names = [
        s.name for s in match_skills("I go to work and excel at Python and Node.js", prose=True)
    ]
    assert names == ["Python", "Node.js"]


def test_low_confidence_fields_and_missing_required_fields() -> None:
    result = ParsedResume(phones=["+11234567890"], confidence={"phones": 0.5})
    assert result.low_confidence_fields() == ["name", "emails", "phones"]
    assert result.low_confidence_fields(threshold=0.4) == ["name", "emails"]


def test_json_resume_shape_with_meta() -> None:
    text = (
        "Ann Lee\nBackend Engineer\nBerlin, Germany | ann@example.com | +49 30 901820\n"
        "github.com/annlee\nSkills\nPython, k8s\nLanguages\nGerman (native), English\n"
    )
    document = parse_text(text).to_json_resume()
    basics = document["basics"]
    assert (basics["name"], basics["label"], basics["email"]) == (
        "Ann Lee",
        "Backend Engineer",
        "ann@example.com",
    )
    assert basics["phone"] == "+4930901820"
    assert basics["location"] == {"address": "Berlin, Germany"}
    assert basics["profiles"] == [{"network": "github", "url": "https://github.com/annlee"}]
    assert [skill["name"] for skill in document["skills"]] == ["Python", "Kubernetes"]
    assert document["languages"] == [{"language": "German"}, {"language": "English"}]
    assert document["meta"]["confidence"]["emails"] == 0.98
    assert "work" in document["meta"]["confidence"]


def test_a_date_column_that_wraps_its_range_over_two_lines() -> None:
    text = (
        "Ann Lee\nExperience\n2017 \u2013\tProduct Manager, Google, Mountain View, CA, USA\n"
        "Present\tLeading cross-functional teams.\n"
        "2012 \u2013 2017\tSoftware Engineer (Back-End), Amazon, Seattle, WA, USA\n"
        "Built services.\n"
    )
    work = parse_text(text, today=TODAY).work
    assert [(w.title, w.employer, w.location, w.is_current) for w in work] == [
        ("Product Manager", "Google", "Mountain View, CA, USA", True),
        ("Software Engineer (Back-End)", "Amazon", "Seattle, WA, USA", False),
    ]
    assert work[0].description == "Leading cross-functional teams."
