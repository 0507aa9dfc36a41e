"""Property tests: normalisers take any text without crashing and are stable once applied."""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from talentloop.people.domain import (
    CustomFieldType,
    InvalidValue,
    check_country,
    check_currency,
    check_custom_field_key,
    check_time_zone,
    coerce_custom_value,
    guess_link_label,
    normalize_email,
    normalize_phone,
    normalize_url,
)

REGIONS = st.sampled_from(["DE", "US", "GB", "FR", "de", "", "ZZ", "XX"])
_LOCAL_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=20
)
# Random text rarely looks like an address, so also build ones that nearly do.
EMAILS = st.one_of(
    st.text(),
    st.emails().map(str),
    st.builds(lambda local, host: f"{local}@{host}.com", _LOCAL_TEXT, _LOCAL_TEXT),
    st.emails().map(lambda address: f"  {address.upper()}\n"),
)
PHONES = st.one_of(
    st.text(),
    st.from_regex(r"\+?[0-9 ()\-.]{3,20}", fullmatch=True),
    st.from_regex(r"\+(1|33|44|49) ?[1-9][0-9 ]{7,12}", fullmatch=True),
)
URLS = st.one_of(
    st.text(),
    st.from_regex(r"(https?://)?[a-z\[\]:.]{1,20}\.[a-z]{2,4}(/[^ ]{0,10})?", fullmatch=True),
)
ANY_VALUE = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(),
    st.from_regex(r"-?[0-9]{1,6}(\.[0-9]+)?([eE][+-]?[0-9]{1,5})?", fullmatch=True),
    st.lists(st.integers(), max_size=3),
)
PROPERTY_SETTINGS = settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(EMAILS)
def test_email_normalisation_only_ever_refuses_with_invalid_value_and_is_idempotent(
    raw: str,
) -> None:
    # when any text is normalised
    try:
        once = normalize_email(raw)
    except InvalidValue:
        return
    # then the result is already normal
    assert normalize_email(once) == once


@PROPERTY_SETTINGS
@given(PHONES, REGIONS)
def test_phone_normalisation_only_ever_refuses_with_invalid_value_and_is_idempotent(
    raw: str, region: str
) -> None:
    try:
        once = normalize_phone(raw, default_region=region)
    except InvalidValue:
        return
    # then E.164 reads the same whatever the region, and again the same
    assert once.startswith("+")
    assert normalize_phone(once, default_region=region) == once
    assert normalize_phone(once, default_region="US") == once


@PROPERTY_SETTINGS
@given(URLS)
def test_url_normalisation_only_ever_refuses_with_invalid_value_and_is_idempotent(
    raw: str,
) -> None:
    try:
        once = normalize_url(raw)
    except InvalidValue:
        return
    assert normalize_url(once) == once
    assert guess_link_label(once) in {"linkedin", "github", "gitlab", "website"}


@PROPERTY_SETTINGS
@given(st.sampled_from(list(CustomFieldType)), ANY_VALUE)
def test_custom_values_are_coerced_or_refused_with_invalid_value(
    field_type: CustomFieldType, value: object
) -> None:
    try:
        stored = coerce_custom_value(field_type, value, ["a", "b"])
    except InvalidValue:
        return
    # then coercing the stored form again changes nothing
    assert coerce_custom_value(field_type, stored, ["a", "b"]) == stored


@PROPERTY_SETTINGS
@given(st.text())
def test_code_and_zone_checks_only_ever_refuse_with_invalid_value(raw: str) -> None:
    for check in (check_currency, check_country, check_time_zone, check_custom_field_key):
        with contextlib.suppress(InvalidValue):
            check(raw)
