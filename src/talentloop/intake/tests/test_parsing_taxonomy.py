"""The skills taxonomy data file and its checker."""

from __future__ import annotations

from talentloop.intake.parsing.taxonomy import SKILLS_CSV, normalised, problems, read_rows


def test_shipped_taxonomy_is_sound_and_already_normalised() -> None:
    rows = read_rows()
    assert len(rows) >= 2000
    assert problems(rows) == []
    assert normalised(rows) == SKILLS_CSV.read_text(encoding="utf-8")


def test_checker_reports_clashing_aliases_missing_categories_and_order() -> None:
    rows = [
        {"name": "Kubernetes", "category": "devops", "aliases": "k8s"},
        {"name": "Go", "category": "", "aliases": "golang|K8S"},
    ]
    assert problems(rows) == [
        "line 3: a skill needs a name and a category",
        "line 3: 'K8S' already names 'Kubernetes'",
        "rows are not sorted by name",
    ]


def test_normalising_sorts_rows_and_drops_aliases_equal_to_the_name() -> None:
    rows = [
        {"name": "Python", "category": "language", "aliases": "py|python|Py3"},
        {"name": "Go", "category": "language", "aliases": "golang"},
    ]
    assert normalised(rows).splitlines() == [
        "name,category,aliases",
        "Go,language,golang",
        "Python,language,py|Py3",
    ]
