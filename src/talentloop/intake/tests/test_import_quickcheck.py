"""The import's contact shortcuts agree with the people rules on every value they vouch for."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import phonenumbers
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from talentloop.accounts.models import Workspace
from talentloop.core.errors import AppError
from talentloop.intake.quickcheck import clean_contacts, quick_email, quick_phone
from talentloop.people import actions as people
from talentloop.people.actions import ContactInput
from talentloop.people.domain import InvalidValue, normalize_email, normalize_phone

PLAIN_CHARS = "abcXYZ019._%+-"
LOCAL_CHARS = "abcXYZ019._%+-!#$&'*/=?^`{|}~\"() ,:;<>@[\\]é"
DOMAIN_CHARS = "abcxyz019-._"
DOMAINS = ["example.com", "EXAMPLE.org", "bench-import.example", "a.b", "-bad.com", "x.-y", "a..b"]
DOMAINS += ["localhost", "test", "example.invalid", "xn--bcher-kva.de", "mail.co.uk", "1.2.3.4"]


def slow(normalize: Any, raw: str) -> str | None:
    try:
        return cast(str, normalize(raw))
    except InvalidValue:
        return None


def emails() -> st.SearchStrategy[str]:
    # Mostly the plain characters the shortcut takes, so it vouches often; sometimes anything.
    local = st.one_of(
        st.text(PLAIN_CHARS, min_size=0, max_size=70), st.text(LOCAL_CHARS, max_size=70)
    )
    domain = st.one_of(st.sampled_from(DOMAINS), st.text(DOMAIN_CHARS, min_size=0, max_size=70))
    return st.builds(
        lambda lp, dp, pad: f"{pad}{lp}@{dp}{pad}", local, domain, st.sampled_from(["", " "])
    )


@settings(max_examples=600)
@given(emails())
@example("Ada.Lovelace@Example.COM")
@example("a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 60 + ".com")
@example("postmaster@example.com")
@example("a..b@example.com")
@example(".a@example.com")
def test_quick_email_agrees_with_the_people_rule(raw: str) -> None:
    # given any text shaped like an address
    # when the shortcut vouches for a value
    quick = quick_email(raw)
    # then the people rule accepts the address and returns the very same value
    if quick is not None:
        assert slow(normalize_email, raw) == quick


def test_quick_email_takes_plain_addresses_and_leaves_the_rest() -> None:
    assert quick_email(" Ada.Lovelace+cv@Example.COM ") == "ada.lovelace+cv@example.com"
    assert quick_email("ada@localhost") is None  # refused by the people rule: not vouched for
    assert quick_email('"ada lovelace"@example.com') is None  # valid, but for the library to read
    assert quick_email("ada@exämple.com") is None


def region_numbers() -> st.SearchStrategy[str]:
    regions = sorted(phonenumbers.SUPPORTED_REGIONS)
    kinds = [phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE]

    def written(region: str, kind: Any, tweak: int, separator: str) -> str:
        number = phonenumbers.example_number_for_type(region, kind)
        if number is None or number.national_number is None:
            return "+1"
        digits = f"{number.country_code}{number.national_number + tweak}"
        return "+" + separator.join(digits[index : index + 3] for index in range(0, len(digits), 3))

    return st.builds(
        written,
        st.sampled_from(regions),
        st.sampled_from(kinds),
        st.integers(-50, 50),
        st.sampled_from(["", " ", "-", "."]),
    )


def phones() -> st.SearchStrategy[str]:
    digits = st.text("0123456789", min_size=1, max_size=20)
    raw = st.builds(lambda text, pad: f"{pad}+{text}{pad}", digits, st.sampled_from(["", " "]))
    spaced = st.text("0123456789 -.+()x", min_size=1, max_size=24)
    return st.one_of(region_numbers(), raw, spaced)


@settings(max_examples=1500)
@given(phones(), st.sampled_from(["US", "GB", "DE", "IT", "RU", "BR", "JP", ""]))
@example("+1 212 200 0003", "US")
@example("+39 06 6982 1234", "IT")
@example("+7 800 555 3535", "RU")
@example("+44 07700 900123", "GB")
@example("+1 1 212 200 0003", "US")
@example("+800 1234 5678", "US")
def test_quick_phone_agrees_with_the_people_rule(raw: str, region: str) -> None:
    # given any text shaped like a phone number, in a workspace of any default region
    quick = quick_phone(raw)
    # then whatever the shortcut vouches for is what the people rule returns
    if quick is not None:
        assert slow(lambda text: normalize_phone(text, default_region=region), raw) == quick


def test_quick_phone_reads_international_numbers_and_leaves_the_rest() -> None:
    assert quick_phone("+1 212 200 0003") == "+12122000003"
    assert quick_phone("+49-30-1234-5678") == "+493012345678"
    assert quick_phone("+1 212 000 0003") is None  # not a valid number: the people rule says so
    assert quick_phone("(212) 200-0003") is None  # national format: the parser's work


def workspace(region: str = "US") -> Workspace:
    return cast(Workspace, SimpleNamespace(default_phone_region=region))


def outcome(function: Any, contacts: list[ContactInput]) -> object:
    try:
        return function(workspace=workspace(), contacts=contacts)
    except AppError as error:
        return (type(error), error.message, error.fields)


contact_lists = st.lists(
    st.one_of(
        st.builds(ContactInput, st.just("email"), emails(), st.sampled_from(["", " work "])),
        st.builds(ContactInput, st.just("phone"), phones(), st.just(""), st.booleans()),
        st.builds(ContactInput, st.just("url"), st.sampled_from(["github.com/ada", "x", "a b.c"])),
        st.builds(ContactInput, st.sampled_from(["fax", "EMAIL"]), st.just("a@example.com")),
    ),
    max_size=4,
)


@settings(max_examples=400)
@given(contact_lists)
def test_clean_contacts_gives_what_the_people_action_gives(contacts: list[ContactInput]) -> None:
    # given any list of contact points from a row
    # then the import's check returns the same points, or refuses with the same error
    assert outcome(clean_contacts, contacts) == outcome(people.clean_contacts, contacts)


@pytest.mark.parametrize(
    ("contacts", "place"),
    [
        ([ContactInput("email", "not an address")], "contact_points.0.value"),
        (
            [ContactInput("email", "a@example.com"), ContactInput("phone", "+1 5")],
            "contact_points.1.value",
        ),
    ],
)
def test_a_refused_list_carries_the_people_message(
    contacts: list[ContactInput], place: str
) -> None:
    with pytest.raises(AppError) as refused:
        clean_contacts(workspace=workspace(), contacts=contacts)
    assert place in refused.value.fields
