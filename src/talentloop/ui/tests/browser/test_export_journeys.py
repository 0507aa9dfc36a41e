"""The people page's export menu and bulk export in a real browser, with screenshots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from talentloop.conftest import Personas
from talentloop.intake.formats import vcard
from talentloop.people.actions import ContactInput, do_create_person
from talentloop.ui.tests.browser.conftest import login, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _people(personas: Personas) -> None:
    for first, last, city in [("Ada", "Lovelace", "London"), ("Grace", "Hopper", "Arlington")]:
        do_create_person(
            actor=personas.admin,
            workspace=personas.workspace,
            fields={"first_name": first, "last_name": last, "city": city},
            contacts=[ContactInput(kind="email", value=f"{first.lower()}@example.org")],
        )


def test_export_all_matching_as_vcard(
    page: Any, live_server: Any, personas: Personas, tmp_path: Path
) -> None:
    # given a recruiter on the people list, filtered to London
    _people(personas)
    login(page, live_server, personas.recruiter)
    page.goto(f"{live_server.url}/people/?q=city:London")

    # when they open the export menu and choose vCard
    page.get_by_text("Export all matching").click()
    page.get_by_role("link", name="vCard").wait_for()
    screenshot(page, "people-export-menu", full_page=False)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="vCard").click()
    saved = tmp_path / "people.vcf"
    download_info.value.save_as(str(saved))

    # then the file holds the matching person only
    drafts = vcard.read(saved.read_bytes())
    assert [(d.fields["first_name"], d.emails) for d in drafts] == [("Ada", ["ada@example.org"])]


def test_export_ticked_people_in_a_chosen_format(
    page: Any, live_server: Any, personas: Personas, tmp_path: Path
) -> None:
    # given two people ticked in the list
    _people(personas)
    login(page, live_server, personas.recruiter)
    page.goto(f"{live_server.url}/people/")
    page.get_by_label("Select Grace Hopper").check()

    # when the bulk bar's format is JSON Resume and Export is pressed
    page.get_by_label("Export format").select_option("jsonresume")
    screenshot(page, "people-export-bulk", full_page=False)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Export", exact=True).click()
    saved = tmp_path / "people.json"
    download_info.value.save_as(str(saved))

    # then the download is a JSON Resume array of the ticked person
    assert '"name": "Grace Hopper"' in saved.read_text("utf-8")
