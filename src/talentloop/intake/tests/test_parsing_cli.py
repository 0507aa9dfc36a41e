"""`talentloop parse FILE... [--json]`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from talentloop.cli import main

RESUME = (
    "Ann Lee\nann@example.com | (415) 555-0142 | Berlin, Germany\n"
    "Experience\nAcme Corp, Software Engineer\tJan 2020 - Present\n"
    "Skills\nJS, k8s\n"
)


def test_parse_json_prints_one_json_resume_per_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = tmp_path / "ann.txt"
    first.write_text(RESUME, encoding="utf-8")
    second = tmp_path / "bob.html"
    second.write_text("<html><body><h1>Bob Stone</h1><p>bob@example.com</p></body></html>")
    assert main(["parse", "--json", str(first), str(second)]) == 0
    documents = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [d["basics"]["name"] for d in documents] == ["Ann Lee", "Bob Stone"]
    ann = documents[0]
    assert ann["basics"]["email"] == "ann@example.com"
    assert ann["work"][0]["name"] == "Acme Corp"
    assert [skill["name"] for skill in ann["skills"]] == ["JavaScript", "Kubernetes"]
    assert ann["meta"]["file"] == str(first)
    assert ann["meta"]["total_years_experience"] > 0
    assert set(ann["meta"]["confidence"]) >= {"name", "emails", "work", "skills"}


def test_parse_reports_bad_files_and_keeps_going(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    good = tmp_path / "ann.txt"
    good.write_text(RESUME, encoding="utf-8")
    missing = tmp_path / "nope.pdf"
    assert main(["parse", str(empty), str(missing), str(good)]) == 1
    captured = capsys.readouterr()
    assert f"{empty}: the file is empty" in captured.err
    assert f"{missing}: cannot read the file" in captured.err
    assert "name:      Ann Lee" in captured.out
    assert "review:" in captured.out
