"""Explainable pair scoring: each feature adds evidence for or against "same person".

The weights follow the Fellegi-Sunter idea (agreement on a rare, reliable field is strong
evidence; disagreement on a reliable field is strong counter-evidence; a missing value is
no evidence) with similarity bands from rapidfuzz instead of a yes/no agreement.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from rapidfuzz.distance import JaroWinkler, Levenshtein
from rapidfuzz.fuzz import token_set_ratio

from talentloop.hygiene.matching.records import Prepared

SAME_THRESHOLD = 8.0
POSSIBLE_THRESHOLD = 5.0
# Why: two people may share a common name, an employer and a city; only something that
# identifies a person (an address, a number, a birth date, a profile link) makes them "same".
IDENTIFYING = frozenset({"email", "phone", "external_id", "birth_date", "street", "links"})


class Verdict(enum.StrEnum):
    SAME = "same"
    POSSIBLE = "possible"
    DIFFERENT = "different"


@dataclass(frozen=True, slots=True)
class FeatureScore:
    """How one feature compared: its similarity (0..1) and the weight it added."""

    feature: str
    similarity: float
    weight: float


@dataclass(frozen=True, slots=True)
class MatchResult:
    score: float
    verdict: Verdict
    features: tuple[FeatureScore, ...]

    @property
    def reasons(self) -> list[dict[str, object]]:
        """The features that counted, for the review queue: JSON-ready, no values."""
        return [
            {
                "feature": item.feature,
                "similarity": round(item.similarity, 3),
                "weight": item.weight,
            }
            for item in self.features
        ]


# (minimum similarity, weight) bands, best first; below the last band the miss weight applies.
Bands = tuple[tuple[float, float], ...]
_FIRST: Bands = ((1.0, 3.5), (0.92, 2.5), (0.8, 0.5))
_LAST: Bands = ((1.0, 4.5), (0.92, 3.0), (0.8, 1.0))
_STREET: Bands = ((0.9, 3.0), (0.75, 1.5), (0.5, 0.0))
_CITY: Bands = ((0.93, 2.0), (0.85, 0.5))
_COMPANY: Bands = ((0.9, 1.5), (0.75, 0.5))
_TITLE: Bands = ((0.85, 1.0), (0.6, 0.3))


def score_pair(left: Prepared, right: Prepared) -> MatchResult:
    """Compare two prepared records feature by feature and classify the pair."""
    features = [
        feature
        for compare in _COMPARISONS
        if (feature := compare(left, right)) is not None and feature.weight != 0.0
    ]
    score = round(sum(feature.weight for feature in features), 2)
    identified = any(item.feature in IDENTIFYING and item.weight > 0 for item in features)
    return MatchResult(score=score, verdict=classify(score, identified), features=tuple(features))


def classify(score: float, identified: bool) -> Verdict:
    """ "Same" needs the score and at least one agreeing identifying feature."""
    if score >= SAME_THRESHOLD and identified:
        return Verdict.SAME
    if score >= POSSIBLE_THRESHOLD:
        return Verdict.POSSIBLE
    return Verdict.DIFFERENT


def _banded(feature: str, similarity: float, bands: Bands, miss: float) -> FeatureScore:
    for minimum, weight in bands:
        if similarity >= minimum:
            return FeatureScore(feature, similarity, weight)
    return FeatureScore(feature, similarity, miss)


def _jaro(left: str, right: str) -> float:
    return float(JaroWinkler.normalized_similarity(left, right))


def _names_swapped(left: Prepared, right: Prepared) -> bool:
    return bool(left.first and left.last) and (
        _jaro(left.first, right.last) >= 0.92 and _jaro(left.last, right.first) >= 0.92
    )


def _first_name(left: Prepared, right: Prepared) -> FeatureScore | None:
    if not (left.first and right.first):
        return None
    if left.first_canonical == right.first_canonical:
        return FeatureScore("first_name", 1.0, _FIRST[0][1])
    if _names_swapped(left, right):
        return FeatureScore("first_name", 0.95, _FIRST[1][1])
    return _banded("first_name", _jaro(left.first, right.first), _FIRST, -2.5)


def _last_name(left: Prepared, right: Prepared) -> FeatureScore | None:
    if not (left.last and right.last):
        return None
    if _names_swapped(left, right):
        return FeatureScore("last_name", 0.95, _LAST[1][1])
    return _banded("last_name", _jaro(left.last, right.last), _LAST, -3.0)


def _birth_date(left: Prepared, right: Prepared) -> FeatureScore | None:
    if not (left.birth_date and right.birth_date):
        return None
    a, b = left.birth_date, right.birth_date
    if a == b:
        return FeatureScore("birth_date", 1.0, 5.0)
    # Why the swap: day and month typed the wrong way round is the commonest date error.
    swapped = len(a) == len(b) == 8 and a[:4] == b[:4] and a[4:6] == b[6:8] and a[6:8] == b[4:6]
    edits = Levenshtein.distance(a, b)
    if swapped or edits == 1:
        return FeatureScore("birth_date", 0.8, 2.5)
    if edits == 2:
        return FeatureScore("birth_date", 0.6, 0.5)
    return FeatureScore("birth_date", 0.0, -3.0)


def _near_sets(
    feature: str, left: frozenset[str], right: frozenset[str], exact: float, near: float
) -> FeatureScore | None:
    if not (left and right):
        return None
    if left & right:
        return FeatureScore(feature, 1.0, exact)
    close = any(
        len(a) >= 5 and Levenshtein.distance(a, b, score_cutoff=1) <= 1 for a in left for b in right
    )
    return FeatureScore(feature, 0.8, near) if close else FeatureScore(feature, 0.0, -1.0)


def _external_id(left: Prepared, right: Prepared) -> FeatureScore | None:
    return _near_sets("external_id", left.external_ids, right.external_ids, 8.0, 4.0)


def _email(left: Prepared, right: Prepared) -> FeatureScore | None:
    if not (left.emails and right.emails):
        return None
    if left.emails & right.emails:
        return FeatureScore("email", 1.0, 8.0)
    if left.email_locals & right.email_locals:
        return FeatureScore("email", 0.7, 3.0)
    # Why not stronger: people keep several addresses, yet a second record of one person
    # usually carries at least one address of the first.
    return FeatureScore("email", 0.0, -2.0)


def _phone(left: Prepared, right: Prepared) -> FeatureScore | None:
    if not (left.phones and right.phones):
        return None
    if left.phones & right.phones:
        return FeatureScore("phone", 1.0, 7.0)
    tails = {phone[-7:] for phone in left.phones}
    if any(phone[-7:] in tails for phone in right.phones):
        return FeatureScore("phone", 0.8, 4.0)
    return FeatureScore("phone", 0.0, -2.0)


def _street(left: Prepared, right: Prepared) -> FeatureScore | None:
    if not (left.street and right.street):
        return None
    similarity = token_set_ratio(left.street, right.street) / 100.0
    return _banded("street", similarity, _STREET, -1.5)


def _city(left: Prepared, right: Prepared) -> FeatureScore | None:
    if not (left.city and right.city):
        return None
    return _banded("city", _jaro(left.city, right.city), _CITY, -1.5)


def _postcode(left: Prepared, right: Prepared) -> FeatureScore | None:
    if not (left.postcode and right.postcode):
        return None
    if left.postcode == right.postcode:
        return FeatureScore("postcode", 1.0, 2.5)
    if Levenshtein.distance(left.postcode, right.postcode, score_cutoff=1) <= 1:
        return FeatureScore("postcode", 0.75, 0.5)
    return FeatureScore("postcode", 0.0, -1.5)


def _region(left: Prepared, right: Prepared) -> FeatureScore | None:
    if not (left.region and right.region):
        return None
    same = left.region == right.region
    return FeatureScore("region", 1.0 if same else 0.0, 0.5 if same else -1.0)


def _company(left: Prepared, right: Prepared) -> FeatureScore | None:
    if not (left.company and right.company):
        return None
    # Why a mild miss: people change employers; a different company is weak evidence.
    return _banded("company", _jaro(left.company, right.company), _COMPANY, -0.5)


def _title(left: Prepared, right: Prepared) -> FeatureScore | None:
    if not (left.title and right.title):
        return None
    return _banded("title", token_set_ratio(left.title, right.title) / 100.0, _TITLE, 0.0)


def _links(left: Prepared, right: Prepared) -> FeatureScore | None:
    if not (left.links and right.links and left.links & right.links):
        return None
    return FeatureScore("links", 1.0, 6.0)


_COMPARISONS: tuple[Callable[[Prepared, Prepared], FeatureScore | None], ...] = (
    _first_name,
    _last_name,
    _birth_date,
    _external_id,
    _email,
    _phone,
    _street,
    _city,
    _postcode,
    _region,
    _company,
    _title,
    _links,
)
