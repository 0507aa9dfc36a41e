"""The email policy of docs/hygiene.md against every address list in ../shared/data.

Each list's own verdict is the expectation; where the policy deliberately differs, the
address is listed below with the reason, and the test checks that it differs that way.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from talentloop.people.domain import InvalidValue, normalize_email

DATA = Path(__file__).resolve().parents[4].parent / "shared" / "data" / "email-addresses"
ISEMAIL_SETS = [
    DATA / "isemail-dominicsayers" / "test" / "tests.xml",
    DATA / "isemail-dominicsayers" / "test" / "tests-original.xml",
    DATA / "pyisemail" / "tests" / "data" / "tests.xml",
]
VALIDATOR_VECTORS = DATA / "python-email-validator" / "email_validator_test_syntax_vectors.json"
# is_email calls these valid (or valid but for a DNS check we never make); the policy refuses.
REFUSED_THOUGH_LISTED_VALID = {
    "test@io": "a host with no dot: nobody is reached at a bare top-level domain",
    "test@123.123.123.x123": "the last label is not a top-level domain",
    "test@xn--example.com": "the punycode label does not decode to a valid IDNA name",
    "x@" + "x23456789." * 25 + "x2": "the host is not within a known top-level domain",
}
# email_validator's own valid list includes forms it accepts only when asked to.
REFUSED_OPTIONAL_FORMS = {
    "quoted local part": lambda address: '"' in address.split("<")[-1],
    "display name": lambda address: "<" in address,
}
# Categories is_email counts as deliverable as written (DNSWARN: only DNS could doubt them).
ISEMAIL_ACCEPTED = {"ISEMAIL_VALID_CATEGORY", "ISEMAIL_DNSWARN"}
TRIMMED = " \t\r\n"


def accepted(address: str) -> bool:
    try:
        normalize_email(address)
    except InvalidValue:
        return False
    return True


def isemail_cases(path: Path) -> list[tuple[str, str, str]]:
    if not path.exists():
        pytest.skip(f"{path} is not available")
    cases = []
    for test in ET.parse(path).getroot().iter("test"):  # noqa: S314 - checked-in test data
        raw = test.findtext("address") or ""
        # The sets write control characters as U+2400 + their code point.
        address = "".join(chr(ord(c) - 0x2400) if 0x2400 <= ord(c) < 0x2420 else c for c in raw)
        cases.append((test.get("id") or "", address, test.findtext("category") or ""))
    return cases


@pytest.mark.parametrize("path", ISEMAIL_SETS, ids=lambda path: path.parts[-3] + "/" + path.name)
def test_isemail_verdicts_hold_except_the_listed_policy_differences(path: Path) -> None:
    # given every address of the set with the set's verdict
    cases = isemail_cases(path)
    assert len(cases) > 100

    # when each is normalised
    mismatches = {
        address: category
        for _id, address, category in cases
        if accepted(address) != (category in ISEMAIL_ACCEPTED)
    }

    # then each disagreement is one the policy names
    for address, category in mismatches.items():
        if category in ISEMAIL_ACCEPTED:
            assert address in REFUSED_THOUGH_LISTED_VALID, address
        elif category == "ISEMAIL_RFC5322" and len(address.split("@")[0]) > 64:
            continue  # a local part over 64 characters: accepted, as real mail systems do
        else:
            # Accepted although the set refuses it: only surrounding white space, trimmed.
            assert address != address.strip(TRIMMED), address
            assert accepted(address.strip(TRIMMED)), address


def validator_vectors() -> dict[str, list[Any]]:
    if not VALIDATOR_VECTORS.exists():
        pytest.skip("email_validator vectors are not available")
    return {entry["test"]: entry["cases"] for entry in json.loads(VALIDATOR_VECTORS.read_text())}


def test_validator_valid_addresses_normalise_to_its_form_lower_cased() -> None:
    vectors = validator_vectors()
    cases = [*vectors["test_email_valid"], *vectors["test_email_valid_intl_local_part"]]
    checked = 0
    for address, expected in cases:
        optional = [name for name, test in REFUSED_OPTIONAL_FORMS.items() if test(address)]
        if optional:
            assert not accepted(address), (address, optional)
            continue
        assert normalize_email(address) == expected["normalized"].lower(), address
        checked += 1
    assert checked >= 15


@pytest.mark.parametrize(
    "test_name",
    [
        "test_email_invalid_syntax",
        "test_email_invalid_reserved_domain",
        "test_email_unsafe_character",
        "test_email_invalid_character_smtputf8_off",
        "test_email_valid_only_if_quoted_local_part",
    ],
)
def test_validator_invalid_addresses_are_refused(test_name: str) -> None:
    # given the addresses the reference refuses (or takes only when quoted, which we refuse)
    addresses = [case[0] for case in validator_vectors()[test_name] if isinstance(case[0], str)]
    assert addresses

    # then each is refused, except those whose only fault is surrounding white space
    for address in addresses:
        if address != address.strip(TRIMMED) and accepted(address.strip(TRIMMED)):
            assert accepted(address), address
            continue
        if test_name == "test_email_invalid_character_smtputf8_off":
            continue  # refused only with SMTPUTF8 off; we allow international addresses
        assert not accepted(address), address


def test_overlong_local_parts_are_accepted_like_real_mail_systems() -> None:
    # the strict-only failures of the reference: accepted (documented policy difference)
    strict = [case[0] for case in validator_vectors()["test_email_invalid_syntax_strict"]]
    assert strict
    assert all(accepted(address) for address in strict)
