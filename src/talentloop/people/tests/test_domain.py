"""People rules with no database: contact normalisation, custom fields, salaries, time zones.

The email verdicts are checked against public RFC test sets kept in /work/shared/data (read at
test time, never copied). Where our policy deliberately differs from a set, the test says so.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from talentloop.people import domain
from talentloop.people.domain import (
    CustomFieldType,
    InvalidValue,
    Seniority,
    check_country,
    check_currency,
    check_custom_field_key,
    check_salary_range,
    check_time_zone,
    coerce_custom_value,
    guess_link_label,
    normalize_email,
    normalize_phone,
    normalize_url,
    seniority_rank,
)

EMAIL_DATA = Path("/work/shared/data/email-addresses")
ISEMAIL_XML = EMAIL_DATA / "isemail-dominicsayers" / "test" / "tests.xml"
PYISEMAIL_XML = EMAIL_DATA / "pyisemail" / "tests" / "data" / "tests.xml"
VALIDATOR_JSON = EMAIL_DATA / "python-email-validator" / "email_validator_test_syntax_vectors.json"

# Deliberate disagreements with the is_email sets, each with its reason:
# - Surrounding white space, line breaks included, is trimmed before checking: people paste
#   addresses from documents and mail clients. is_email rejects a bare CR/LF around an address.
# - A host with no dot ("test@io") is refused: nobody can be reached at a bare top-level domain.
# - A local part over 64 characters is accepted (is_email: RFC 5322 only). Like email_validator's
#   default, we accept what real mail systems accept; longer local parts exist in the wild.
# - RFC 5322 oddities (quoted local parts, comments, display names, obsolete syntax, domain
#   literals) are refused: the address is used to send mail and to detect duplicates.
TRIMMED_WHITESPACE = {" ", "\t", "\r", "\n"}
DOTLESS_HOSTS = {"test@io"}


def _isemail_cases(path: Path) -> list[tuple[str, str, str]]:
    if not path.exists():
        pytest.skip(f"test set {path} is not available")
    cases = []
    for test in ET.parse(path).getroot().iter("test"):  # noqa: S314 - our own checked-in data
        raw = test.findtext("address") or ""
        # The set writes control characters as U+2400 + code point; turn them back.
        address = "".join(chr(ord(c) - 0x2400) if 0x2400 <= ord(c) < 0x2420 else c for c in raw)
        cases.append((test.get("id") or "", address, test.findtext("category") or ""))
    return cases


def _has_surrounding_whitespace(address: str) -> bool:
    return bool(address) and (address[0] in TRIMMED_WHITESPACE or address[-1] in TRIMMED_WHITESPACE)


def _accepts(address: str) -> bool:
    try:
        normalize_email(address)
    except InvalidValue:
        return False
    return True


@pytest.mark.parametrize("path", [ISEMAIL_XML, PYISEMAIL_XML], ids=["isemail", "pyisemail"])
def test_addresses_that_are_invalid_for_any_purpose_are_refused(path: Path) -> None:
    # given the test set's addresses that are "invalid for any purpose"
    invalid = [case for case in _isemail_cases(path) if case[2] == "ISEMAIL_ERR"]
    assert len(invalid) > 50

    # when each is normalised
    accepted = [(id_, addr) for id_, addr, _ in invalid if _accepts(addr)]

    # then the only ones we take are those that become valid once trimmed (our policy)
    assert accepted, "the trimming policy should be visible in this set"
    for id_, address in accepted:
        assert _has_surrounding_whitespace(address), (id_, address)
        assert _accepts(address.strip()), (id_, address)


@pytest.mark.parametrize("path", [ISEMAIL_XML, PYISEMAIL_XML], ids=["isemail", "pyisemail"])
def test_addresses_that_are_plainly_valid_are_accepted_and_kept(path: Path) -> None:
    # given the set's valid addresses (plus those only a DNS look-up could doubt: we never look)
    valid = [
        case
        for case in _isemail_cases(path)
        if case[2] in {"ISEMAIL_VALID_CATEGORY", "ISEMAIL_DNSWARN"}
    ]
    assert len(valid) >= 10

    for id_, address, _ in valid:
        # when it is normalised
        if address in DOTLESS_HOSTS:
            with pytest.raises(InvalidValue):
                normalize_email(address)
            continue
        normalized = normalize_email(address)

        # then it is accepted and only its case (or punycode host) changes
        if "xn--" in address.split("@")[-1]:
            assert normalized.split("@")[0] == address.split("@")[0].lower(), id_
        else:
            assert normalized == address.lower(), id_


def test_addresses_needing_rfc5322_quoting_or_comments_are_refused() -> None:
    # given addresses valid only with quoting, comments or domain literals
    cases = _isemail_cases(ISEMAIL_XML)
    quoted = [addr for _, addr, cat in cases if cat == "ISEMAIL_RFC5322" and '"' in addr]
    commented = [addr for _, addr, cat in cases if cat == "ISEMAIL_CFWS" and "(" in addr]
    literal = [addr for _, addr, _cat in cases if "@[" in addr]
    assert quoted
    assert commented
    assert literal

    # then none of them is stored (we send to and deduplicate on plain addresses)
    for address in [*quoted, *commented, *literal]:
        assert not _accepts(address), address


def _validator_vectors() -> dict[str, list[Any]]:
    if not VALIDATOR_JSON.exists():
        pytest.skip("email_validator vectors are not available")
    return {entry["test"]: entry["cases"] for entry in json.loads(VALIDATOR_JSON.read_text())}


def test_plain_and_international_addresses_normalise_like_the_reference_lower_cased() -> None:
    vectors = _validator_vectors()
    cases = [*vectors["test_email_valid"], *vectors["test_email_valid_intl_local_part"]]
    checked = 0
    for email_input, expected in cases:
        # Quoted local parts and display names are opt-in upstream; we do not opt in.
        if '"' in email_input or "<" in email_input:
            assert not _accepts(email_input), email_input
            continue
        # when
        normalized = normalize_email(email_input)
        # then: the reference's normal form, lower-cased so duplicates are found
        assert normalized == expected["normalized"].lower(), email_input
        checked += 1
    assert checked >= 15


def test_syntax_errors_and_reserved_domains_from_the_reference_are_refused() -> None:
    vectors = _validator_vectors()
    refused = [
        *(case[0] for case in vectors["test_email_invalid_syntax"]),
        *vectors["test_email_invalid_reserved_domain"],
    ]
    for email_input in refused:
        if _has_surrounding_whitespace(str(email_input)):
            continue  # trimmed by policy, see the module docstring
        assert not _accepts(str(email_input)), email_input


def test_email_is_trimmed_and_lower_cased_including_the_local_part() -> None:
    # given an address typed with capitals and spaces
    # when / then: one spelling per address, so "Ada@X" and "ada@x" are the same person
    assert normalize_email("  Ada.Lovelace@Example.COM \n") == "ada.lovelace@example.com"


def test_an_invalid_email_message_says_what_is_wrong() -> None:
    with pytest.raises(InvalidValue, match=r"not a valid email address.*@"):
        normalize_email("ada.example.com")


# --- phones -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "region", "expected"),
    [
        ("030 1234567", "DE", "+49301234567"),
        ("+49 (0)30 1234567".replace("(0)", ""), "US", "+49301234567"),
        ("0151 23456789", "de", "+4915123456789"),
        ("(415) 555-2671", "US", "+14155552671"),
        ("415.555.2671", "US", "+14155552671"),
        ("+1 415 555 2671", "DE", "+14155552671"),
        ("020 7946 0018", "GB", "+442079460018"),
        ("07911 123456", "GB", "+447911123456"),
        ("01 42 68 53 00", "FR", "+33142685300"),
        ("06 12 34 56 78", "FR", "+33612345678"),
        ("+33 1 42 68 53 00", "GB", "+33142685300"),
    ],
)
def test_phone_numbers_become_e164_using_the_default_region(
    raw: str, region: str, expected: str
) -> None:
    assert normalize_phone(raw, default_region=region) == expected


@pytest.mark.parametrize(
    ("raw", "region"),
    [
        ("", "DE"),
        ("call me", "US"),
        ("12", "DE"),
        ("+49 12", "DE"),
        ("555-0000", "US"),  # too short for a US number
        ("(000) 000-0000", "US"),
        ("0000 000000", "GB"),
        ("01 23", "FR"),
        ("030 1234567", ""),  # national format without any region to read it in
    ],
)
def test_invalid_phone_numbers_are_refused(raw: str, region: str) -> None:
    with pytest.raises(InvalidValue):
        normalize_phone(raw, default_region=region)


# --- links ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected", "label"),
    [
        ("linkedin.com/in/ada", "https://linkedin.com/in/ada", "linkedin"),
        ("https://www.linkedin.com/in/ada", "https://www.linkedin.com/in/ada", "linkedin"),
        ("http://github.com/ada", "http://github.com/ada", "github"),
        ("  gitlab.com/ada ", "https://gitlab.com/ada", "gitlab"),
        ("https://ada.dev/about", "https://ada.dev/about", "website"),
        ("https://WWW.GitHub.com/ada", "https://WWW.GitHub.com/ada", "github"),
    ],
)
def test_links_get_a_scheme_and_a_label_from_their_host(
    raw: str, expected: str, label: str
) -> None:
    url = normalize_url(raw)
    assert url == expected
    assert guess_link_label(url) == label


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "not a link",
        "localhost",
        "ftp://example.com/file",
        "javascript://alert(1)",
        "https://exa mple.com",
        "https://example.com/\nnext",
        "example.com/\tpath",
        "[",
        "http://[x.y]/",
        "https://[::1",
    ],
)
def test_things_that_are_not_web_addresses_are_refused(raw: str) -> None:
    with pytest.raises(InvalidValue, match="not a web address"):
        normalize_url(raw)


# --- custom fields ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field_type", "value", "stored"),
    [
        (CustomFieldType.TEXT, "  Berlin office ", "Berlin office"),
        (CustomFieldType.TEXT, 42, "42"),
        (CustomFieldType.NUMBER, "42", 42),
        (CustomFieldType.NUMBER, 3.5, 3.5),
        (CustomFieldType.NUMBER, "-0.25", -0.25),
        (CustomFieldType.NUMBER, "1e3", 1000),
        (CustomFieldType.NUMBER, 7, 7),
        (CustomFieldType.DATE, "2024-02-29", "2024-02-29"),
        (CustomFieldType.BOOLEAN, True, True),
        (CustomFieldType.BOOLEAN, "yes", True),
        (CustomFieldType.BOOLEAN, "On", True),
        (CustomFieldType.BOOLEAN, "0", False),
        (CustomFieldType.BOOLEAN, "false", False),
        (CustomFieldType.CHOICE, " remote ", "remote"),
        (CustomFieldType.URL, "ada.dev", "https://ada.dev"),
    ],
)
def test_custom_values_are_stored_in_their_types_json_form(
    field_type: CustomFieldType, value: object, stored: object
) -> None:
    assert coerce_custom_value(field_type, value, ["remote", "onsite"]) == stored


@pytest.mark.parametrize("field_type", list(CustomFieldType))
@pytest.mark.parametrize("empty", [None, ""])
def test_an_empty_custom_value_clears_the_field(field_type: CustomFieldType, empty: object) -> None:
    assert coerce_custom_value(field_type, empty, ["a"]) is None


@pytest.mark.parametrize(
    ("field_type", "value", "message"),
    [
        (CustomFieldType.NUMBER, "twelve", "must be a number"),
        (CustomFieldType.NUMBER, True, "must be a number"),
        (CustomFieldType.NUMBER, "NaN", "finite"),
        (CustomFieldType.NUMBER, "Infinity", "finite"),
        (CustomFieldType.NUMBER, "1e5000", "between"),
        (CustomFieldType.DATE, "2023-02-29", "YYYY-MM-DD"),
        (CustomFieldType.DATE, "29.02.2024", "YYYY-MM-DD"),
        (CustomFieldType.BOOLEAN, "maybe", "true or false"),
        (CustomFieldType.CHOICE, "hybrid", "one of: remote, onsite"),
        (CustomFieldType.URL, "not a link", "web address"),
    ],
)
def test_a_custom_value_of_the_wrong_type_is_refused_with_a_reason(
    field_type: CustomFieldType, value: object, message: str
) -> None:
    with pytest.raises(InvalidValue, match=message):
        coerce_custom_value(field_type, value, ["remote", "onsite"])


@pytest.mark.parametrize("key", ["notice_period", "a", "x1_y2"])
def test_custom_field_keys_that_are_lower_snake_case_are_kept(key: str) -> None:
    assert check_custom_field_key(key) == key


@pytest.mark.parametrize("key", ["", "Notice", "1st", "_x", "notice-period", "a" * 65, "né"])
def test_custom_field_keys_outside_lower_snake_case_are_refused(key: str) -> None:
    with pytest.raises(InvalidValue):
        check_custom_field_key(key)


# --- salary, codes, time zones, seniority ----------------------------------------------------


@pytest.mark.parametrize(
    ("minimum", "maximum"), [(None, None), (50_000, None), (None, 1), (60_000, 60_000), (0, 1)]
)
def test_open_or_ordered_salary_ranges_are_fine(minimum: int | None, maximum: int | None) -> None:
    check_salary_range(minimum, maximum)


def test_a_salary_range_with_its_minimum_above_its_maximum_is_refused() -> None:
    with pytest.raises(InvalidValue, match="minimum is above the maximum"):
        check_salary_range(90_000, 80_000)


def test_currency_and_country_codes_are_upper_cased_and_checked() -> None:
    assert check_currency(" eur ") == "EUR"
    assert check_country("de") == "DE"
    assert check_currency("") == ""
    assert check_country("") == ""
    with pytest.raises(InvalidValue, match="ISO 4217"):
        check_currency("EURO")
    with pytest.raises(InvalidValue, match="ISO 3166"):
        check_country("DEU")


@pytest.mark.parametrize("name", ["Europe/Berlin", "America/New_York", "UTC", " Asia/Tokyo "])
def test_known_time_zones_are_accepted(name: str) -> None:
    assert check_time_zone(name) == name.strip()


@pytest.mark.parametrize("name", ["Europe/Atlantis", "CEST+2", "berlin"])
def test_unknown_time_zones_are_refused_naming_the_value(name: str) -> None:
    with pytest.raises(InvalidValue, match=re.escape(name)):
        check_time_zone(name)


def test_seniority_ranks_follow_the_career_ladder() -> None:
    ranks = [seniority_rank(level.value) for level in Seniority]
    assert ranks == sorted(ranks) == list(range(1, len(Seniority) + 1))
    assert seniority_rank("") == 0
    assert seniority_rank("junior") < seniority_rank("senior") < seniority_rank("executive")


def test_an_unknown_seniority_is_not_ranked() -> None:
    with pytest.raises(ValueError, match="wizard"):
        seniority_rank("wizard")


def test_labels_are_readable() -> None:
    assert domain.Lifecycle.CLIENT_CONTACT.label == "Client contact"
    assert domain.ActivityKind.STAGE_CHANGE.label == "Stage change"
