"""Importing people in a real browser: upload → mapping → preview with errors → import → report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from talentloop.conftest import Personas
from talentloop.intake.models import BatchStatus, ImportBatch
from talentloop.people.models import Person
from talentloop.testing.factories import SourceFactory
from talentloop.ui.tests.browser.conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CSV = (
    "Full name,E-mail,Mobile,Job title,Skills,Notes\n"
    "Ada Lovelace,ada@example.com,+44 20 7946 0958,Staff engineer,,Met at the fair\n"
    "Grace Hopper,grace@example.com,,Admiral,,\n"
    "Alan Turing,not-an-email,,Researcher,,\n"
    "Katherine Johnson,katherine@example.com,12,Mathematician,,\n"
)


def test_upload_map_preview_import_report(
    page: Any, live_server: Any, personas: Personas, tmp_path: Path
) -> None:
    SourceFactory(workspace=personas.workspace, name="Career fair")
    path = tmp_path / "fair-contacts.csv"
    path.write_text(CSV)
    login(page, live_server, personas.recruiter)

    page.locator("summary", has_text="People").click()
    page.get_by_role("link", name="Import", exact=True).click()
    page.get_by_label("File", exact=True).set_input_files(str(path))
    screenshot(page, "import-upload")
    page.get_by_role("button", name="Upload and map columns").click()

    page.get_by_role("heading", name="Map the columns").wait_for()
    assert page.get_by_label("E-mail").input_value() == "email"
    assert page.get_by_label("Job title").input_value() == "current_title"
    page.get_by_label("Tags").fill("career fair")
    page.get_by_label("Source of new people").select_option(label="Career fair")
    page.get_by_role("button", name="Preview").click()
    page.locator("#preview-result").wait_for()
    assert "2 would not be imported" in page.locator("#preview-result").inner_text()
    screenshot(page, "import-mapping-preview")
    assert not Person.objects.exists()

    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_role("heading", name="Report").wait_for()
    assert page.locator("#count-created").inner_text() == "2"
    assert page.locator("#count-failed").inner_text() == "2"
    report = page.locator("#import-report").inner_text()
    assert "row 4" in report
    assert "row 5" in report
    screenshot(page, "import-report")
    ada = Person.objects.get(primary_email="ada@example.com")
    assert ada.tags.get().name == "career fair"
    assert ada.activities.get().body == "Met at the fair"


def test_progress_while_an_import_runs(page: Any, live_server: Any, personas: Personas) -> None:
    batch = ImportBatch.objects.create(
        workspace=personas.workspace,
        actor=personas.admin,
        source_kind="csv",
        file_name="big.csv",
        status=BatchStatus.RUNNING,
        total_rows=1_000_000,
        processed_rows=420_000,
        created_count=419_000,
        failed_count=1_000,
    )
    login(page, live_server, personas.admin)

    page.goto(f"{live_server.url}/people/import/{batch.pk}/")

    page.get_by_role("heading", name="Importing…").wait_for()
    assert page.locator("progress").get_attribute("value") == "42"
    screenshot(page, "import-progress")
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.DONE)
    page.get_by_role("heading", name="Imported").wait_for()


def test_an_interrupted_import_resumes_from_its_page(
    page: Any, live_server: Any, personas: Personas, tmp_path: Path
) -> None:
    from talentloop.intake import leases

    path = tmp_path / "fair-contacts.csv"
    path.write_text(CSV)
    login(page, live_server, personas.recruiter)
    page.goto(f"{live_server.url}/people/import/")
    page.get_by_label("File", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="Upload and map columns").click()
    page.get_by_role("heading", name="Map the columns").wait_for()
    page.get_by_role("button", name="Preview").click()
    page.locator("#preview-result").wait_for()
    batch = ImportBatch.objects.get()
    # the process running it went away after the first two records
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.INTERRUPTED, error=leases.INTERRUPTED_MESSAGE, total_rows=4
    )

    page.goto(f"{live_server.url}/people/import/{batch.pk}/")
    page.get_by_role("button", name="Resume the import").wait_for()
    screenshot(page, "import-interrupted")
    page.get_by_role("button", name="Resume the import").click()

    page.get_by_role("heading", name="Report").wait_for()
    assert page.locator("#count-created").inner_text() == "2"
