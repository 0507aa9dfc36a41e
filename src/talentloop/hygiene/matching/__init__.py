"""The duplicate-matching engine: pure functions, no database, no clock.

`prepare` turns a `PersonRecord` into normalised features, `blocking_keys` names the blocks a
record falls in, `score_pair` explains how alike two prepared records are, and `find_pairs`
runs the whole pipeline over a batch.
"""

from talentloop.hygiene.matching.blocking import blocking_keys, candidate_pairs
from talentloop.hygiene.matching.linkage import ScoredPair, find_pairs
from talentloop.hygiene.matching.records import PersonRecord, Prepared, prepare
from talentloop.hygiene.matching.scoring import (
    POSSIBLE_THRESHOLD,
    SAME_THRESHOLD,
    FeatureScore,
    MatchResult,
    Verdict,
    score_pair,
)

__all__ = [
    "POSSIBLE_THRESHOLD",
    "SAME_THRESHOLD",
    "FeatureScore",
    "MatchResult",
    "PersonRecord",
    "Prepared",
    "ScoredPair",
    "Verdict",
    "blocking_keys",
    "candidate_pairs",
    "find_pairs",
    "prepare",
    "score_pair",
]
