"""`talentloop dedupe scan`."""

from __future__ import annotations

import pytest

from talentloop.cli import main
from talentloop.conftest import Personas
from talentloop.hygiene.models import DuplicateCandidate
from talentloop.testing.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_scan_fills_the_queue_of_the_named_workspace(
    personas: Personas, capsys: pytest.CaptureFixture[str]
) -> None:
    workspace = personas.workspace
    for _ in range(2):
        twin = PersonFactory(workspace=workspace, first_name="Priya", last_name="Natarajan")
        twin.contact_points.create(workspace=workspace, kind="phone", value="+447400123456")

    assert main(["dedupe", "scan", "--workspace", workspace.slug]) == 0

    assert DuplicateCandidate.objects.filter(workspace=workspace).count() == 1
    assert f"{workspace.slug}: 2 people" in capsys.readouterr().out


def test_unknown_workspace_is_a_clear_error(
    personas: Personas, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["dedupe", "scan", "--workspace", "nope"]) == 2
    assert "no workspace with slug 'nope'" in capsys.readouterr().err
