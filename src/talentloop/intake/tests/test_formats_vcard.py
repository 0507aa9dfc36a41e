"""vCard reading: every public sample imports or fails clearly; 2.1 quirks; writing round-trips."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from talentloop.intake.formats import READERS, FormatError, sniff, vcard
from talentloop.intake.formats.base import ExportPerson
from talentloop.intake.tests.formats_data import VCARD_DATA, files_under
from talentloop.people.actions import ContactInput

SAMPLES = files_under(VCARD_DATA)
_SAMPLE_PARAMS = [pytest.param(path, id=str(path.relative_to(VCARD_DATA))) for path in SAMPLES] or [
    pytest.param(None, marks=pytest.mark.skip(reason="../shared/data/formats/vcard is absent"))
]


def _sample(name: str) -> bytes:
    found = [path for path in SAMPLES if path.name == name]
    if not found:
        pytest.skip(f"sample {name} is absent")
    return found[0].read_bytes()


@pytest.mark.parametrize("path", _SAMPLE_PARAMS)
def test_every_sample_file_imports_or_fails_with_a_clear_message(path: Path) -> None:
    # when any file of the public sample folder is read as a vCard
    try:
        drafts = vcard.read(path.read_bytes())
    except FormatError as error:
        # then a refusal names the problem with the file as a whole
        message = str(error)
        assert message.startswith(("not a vCard file: ", "the vCard file ")), message
        assert path.suffix.lower() != ".vcf", f"a .vcf sample was refused: {message}"
        return
    # or every card becomes a draft, and a refused card says where and why
    assert drafts
    assert path.suffix.lower() in {".vcf", ".txt"}
    for number, draft in enumerate(drafts, start=1):
        assert draft.locator == f"card {number}"
        for problem in draft.problems:
            assert problem.where
            assert len(problem.message) > 10
        if not draft.problems:
            assert draft.fields.get("first_name") or draft.fields.get("last_name") or draft.emails


def test_real_client_exports_read_their_people() -> None:
    # Outlook 2007 writes 2.1 with quoted-printable soft line breaks in NOTE and LABEL
    outlook = vcard.read(_sample("outlook-2007.vcf"))[0]
    assert (outlook.fields["first_name"], outlook.fields["last_name"]) == ("Michael", "Angstadt")
    assert outlook.emails == ["mike.angstadt@gmail.com"]
    assert any("vCard type" in note for note in outlook.notes)
    # an iPhone export carries an unfolded base64 photo that must not break the card
    iphone = vcard.read(_sample("John_Doe_IPHONE.vcf"))[0]
    assert iphone.emails == ["john.doe@ibm.com"]
    assert not iphone.problems
    # Gmail exports several cards per file
    assert [d.fields["first_name"] for d in vcard.read(_sample("gmail-list.vcf"))] == [
        "Arnold",
        "Chris",
        "Doug",
    ]


def test_android_quoted_printable_utf8_names_are_decoded() -> None:
    drafts = vcard.read(_sample("John_Doe_ANDROID.vcf"))
    names = [d.fields.get("last_name", "") for d in drafts]
    assert any(name.startswith("Ñ Ñ") for name in names)


def test_a_windows_1252_export_keeps_its_accents() -> None:
    drafts = vcard.read(_sample("vcard-vCards-SAP.vcf"))
    assert len(drafts) == 30
    text = " ".join(str(value) for d in drafts for value in d.fields.values())
    assert "\ufffd" not in text


def test_a_calendar_is_refused_naming_what_it_is() -> None:
    with pytest.raises(FormatError, match="calendar"):
        vcard.read(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"\x00\x01\x02binary", "binary"),
        (b"name,email\nAda,ada@example.com\n", "no BEGIN:VCARD"),
        (b'{"fn": "Ada"}', "JSON"),
    ],
)
def test_files_that_are_not_vcards_raise_format_error(data: bytes, message: str) -> None:
    with pytest.raises(FormatError, match=message):
        vcard.read(data)


def test_folded_lines_charsets_and_categories() -> None:
    data = (
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lovelace;Ada;;;\r\nFN:Ada Lovelace\r\n"
        b"EMAIL;TYPE=work:ada@analytical\r\n .example\r\nTEL;TYPE=cell:+44 20 7946 0018\r\n"
        b"ORG:Analytical Engines\\, Ltd;Research\r\nTITLE:Mathematician\r\n"
        b"ADR;TYPE=home:;;12 St James's Sq;London;;SW1Y 4JH;gb\r\n"
        b"CATEGORIES:python,rust\r\nNOTE:Line one\\nLine two\r\nEND:VCARD\r\n"
    )
    draft = vcard.read(data)[0]
    assert draft.fields == {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "current_company_name": "Analytical Engines, Ltd",
        "current_title": "Mathematician",
        "city": "London",
        "country": "GB",
    }
    assert draft.contacts == [
        ContactInput(kind="email", value="ada@analytical.example", label="work", is_primary=True),
        ContactInput(kind="phone", value="+44 20 7946 0018", label="mobile", is_primary=True),
    ]
    assert draft.tags == ["python", "rust"]
    assert draft.notes == ["Line one\nLine two"]


def test_quoted_printable_latin1_and_preferred_email() -> None:
    data = (
        b"BEGIN:VCARD\r\nVERSION:2.1\r\n"
        b"N;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen\r\n"
        b"EMAIL;INTERNET:old@example.com\r\nEMAIL;PREF;INTERNET:new@example.com\r\n"
        b"END:VCARD\r\n"
    )
    draft = vcard.read(data)[0]
    assert (draft.fields["first_name"], draft.fields["last_name"]) == ("Jürgen", "Müller")
    assert draft.emails == ["new@example.com", "old@example.com"]
    assert draft.contacts[0].is_primary


def test_per_card_problems_stay_on_their_card() -> None:
    data = (
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Good Card\r\nEMAIL:good@example.com\r\nEND:VCARD\r\n"
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bad Mail\r\nEMAIL:not-an-address\r\nEND:VCARD\r\n"
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:nobody\r\nEND:VCARD\r\n"
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cut Short\r\n"
    )
    good, bad, nameless, cut = vcard.read(data)
    assert not good.problems
    assert bad.problems[0].where == "EMAIL"
    assert "not-an-address" in bad.problems[0].message
    assert "no name, email address or phone number" in nameless.problems[0].message
    assert "END:VCARD" in cut.problems[0].message


def test_written_cards_read_back_to_the_same_contacts() -> None:
    person = ExportPerson(
        first_name="Zoë",
        last_name="O'Brien; Jr",
        full_name="Zoë O'Brien; Jr",
        company="Ünïcode, Inc",
        title="Staff Engineer " + "x" * 90,
        city="Köln",
        country="DE",
        contacts=(
            ContactInput(kind="email", value="zoe@example.com", label="work", is_primary=True),
            ContactInput(kind="phone", value="+4922112345678", is_primary=True),
            ContactInput(kind="url", value="https://github.com/zoe", label="github"),
        ),
        tags=("python", "remote, EU"),
        uid="urn:talentloop:person:7",
    )
    text = "".join(vcard.card_lines(person))
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    draft = vcard.read(text.encode())[0]
    assert not draft.problems
    assert (draft.fields["first_name"], draft.fields["last_name"]) == ("Zoë", "O'Brien; Jr")
    assert draft.fields["current_company_name"] == "Ünïcode, Inc"
    assert draft.fields["current_title"] == person.title
    assert draft.emails == ["zoe@example.com"]
    assert draft.phones == ["+4922112345678"]
    assert [c.value for c in draft.contacts if c.kind == "url"] == ["https://github.com/zoe"]
    assert draft.tags == ["python", "remote, EU"]
    assert (draft.fields["city"], draft.fields["country"]) == ("Köln", "DE")


def test_sniff_recognises_vcards() -> None:
    assert sniff(b"BEGIN:VCARD\r\nVERSION:4.0\r\nEND:VCARD\r\n", "contacts.txt") == "vcard"
    assert sniff(b"anything", "Contacts.VCF") == "vcard"
    assert READERS["vcard"] is vcard.read


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=600))
def test_arbitrary_bytes_give_drafts_or_format_error(data: bytes) -> None:
    try:
        drafts = vcard.read(data)
    except FormatError:
        return
    assert all(draft.locator.startswith("card ") for draft in drafts)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(max_size=40), max_size=8))
def test_arbitrary_card_lines_give_drafts_or_format_error(lines: list[str]) -> None:
    data = "\r\n".join(["BEGIN:VCARD", "VERSION:3.0", *lines, "END:VCARD"]).encode()
    try:
        drafts = vcard.read(data)
    except FormatError:
        return
    assert len(drafts) >= 1


_name_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), max_size=60
).map(lambda text: " ".join(text.split()))


@settings(max_examples=200, deadline=None)
@given(first=_name_text, last=_name_text, company=_name_text, tags=st.lists(_name_text, max_size=3))
def test_any_written_name_reads_back_unchanged(
    first: str, last: str, company: str, tags: list[str]
) -> None:
    person = ExportPerson(
        first_name=first,
        last_name=last,
        full_name=f"{first} {last}".strip() or "(no name)",
        company=company,
        title=company[::-1],
        city=last,
        tags=tuple(tag for tag in tags if tag),
        contacts=(ContactInput(kind="email", value="someone@example.org", is_primary=True),),
    )
    (draft,) = vcard.read("".join(vcard.card_lines(person)).encode())
    if first or last:
        assert (draft.fields.get("first_name", ""), draft.fields.get("last_name", "")) == (
            first,
            last,
        )
    assert draft.fields.get("current_company_name", "") == company
    assert draft.fields.get("current_title", "") == company[::-1]
    assert draft.fields.get("city", "") == last
    assert draft.emails == ["someone@example.org"]
    assert {tag.casefold() for tag in draft.tags} == {tag.casefold() for tag in person.tags}
