"""`talentloop import`: files and folders from the command line, with a report."""

from __future__ import annotations

from pathlib import Path

import pytest

from talentloop.cli import main
from talentloop.conftest import Personas
from talentloop.intake.models import ImportBatch
from talentloop.people.models import Person
from talentloop.testing.factories import SourceFactory

pytestmark = pytest.mark.django_db


def test_import_csv_with_tags_source_and_a_column_override(
    personas: Personas, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    SourceFactory(workspace=personas.workspace, name="Career fair")
    path = tmp_path / "people.csv"
    path.write_text("Name,Contact,Role\nAda Lovelace,ada@example.com,Engineer\nBad,nope,\n")

    status = main(
        [
            "import",
            "csv",
            str(path),
            "--user",
            personas.recruiter.email,
            "--tags",
            "fair,2026",
            "--source",
            "Career fair",
            "--map",
            "Contact=email",
        ]
    )

    out = capsys.readouterr().out
    assert status == 0
    assert "1 created, 0 updated, 0 skipped, 1 not imported." in out
    assert "row 3 [email]: not a valid email address" in out
    ada = Person.objects.get(primary_email="ada@example.com")
    assert ada.source is not None
    assert ada.source.name == "Career fair"
    assert sorted(tag.name for tag in ada.tags.all()) == ["2026", "fair"]


def test_dry_run_saves_nothing(
    personas: Personas, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Email\nada@example.com\n")

    status = main(["import", "csv", str(path), "--user", personas.admin.email, "--dry-run"])

    assert status == 0
    assert "row 2        created" in capsys.readouterr().out
    assert not Person.objects.exists()
    assert not ImportBatch.objects.exists()


def test_import_resumes_from_a_folder(
    personas: Personas, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "cvs"
    folder.mkdir()
    (folder / "ada.txt").write_text("Ada Lovelace\nEngineer\nada@example.com\n")
    (folder / "bad.pdf").write_bytes(b"%PDF-1.4 broken")

    dry = main(["import", "resumes", str(folder), "--user", personas.admin.email, "--dry-run"])
    assert dry == 0
    assert not Person.objects.exists()
    assert "ada.txt" in capsys.readouterr().out

    status = main(["import", "resumes", str(folder), "--user", personas.coordinator.email])

    out = capsys.readouterr().out
    assert status == 0
    assert "1 created" in out
    assert "1 not imported" in out
    assert "bad.pdf [file]" in out
    assert Person.objects.get(primary_email="ada@example.com").attachments.count() == 1


def test_roles_that_cannot_import_and_bad_paths_are_refused(
    personas: Personas, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "people.csv"
    path.write_text("Email\nada@example.com\n")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")

    assert main(["import", "csv", str(path), "--user", personas.analyst.email]) == 2
    assert main(["import", "csv", str(tmp_path / "nope.csv"), "--user", personas.admin.email]) == 2
    assert main(["import", "csv", str(empty), "--user", personas.admin.email]) == 2
    err = capsys.readouterr().err
    assert "no such file or folder" in err
    assert "the file is empty" in err
    assert not Person.objects.exists()
