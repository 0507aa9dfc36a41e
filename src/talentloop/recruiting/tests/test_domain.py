"""Pipeline rules with no database: default stages, moves, closes."""

from __future__ import annotations

import pytest

from talentloop.recruiting.domain import (
    DEFAULT_JOB_STAGES,
    DEFAULT_POOL_STAGES,
    DEFAULT_REJECTION_REASONS,
    MoveCheck,
    MoveRefused,
    Outcome,
    ReasonKind,
    StageCategory,
    check_close,
    check_move,
)


def test_the_default_job_pipeline_ends_in_its_only_hired_stage() -> None:
    categories = [spec.category for spec in DEFAULT_JOB_STAGES]
    assert categories.count(StageCategory.HIRED) == 1
    assert categories[-1] is StageCategory.HIRED
    assert DEFAULT_JOB_STAGES[0].key == "sourced"
    keys = [spec.key for spec in DEFAULT_JOB_STAGES]
    assert len(set(keys)) == len(keys)


def test_pool_stages_have_no_hired_stage() -> None:
    assert all(spec.category is StageCategory.ACTIVE for spec in DEFAULT_POOL_STAGES)


def test_default_reasons_cover_both_rejections_and_withdrawals() -> None:
    kinds = {kind for _, kind in DEFAULT_REJECTION_REASONS}
    assert kinds == {ReasonKind.REJECTED, ReasonKind.WITHDRAWN}


def test_an_open_candidacy_moves_to_another_stage() -> None:
    assert check_move(outcome=Outcome.OPEN, from_stage_id=1, to_stage_id=2) is MoveCheck.OK


def test_moving_to_the_current_stage_is_a_no_op() -> None:
    assert check_move(outcome=Outcome.OPEN, from_stage_id=3, to_stage_id=3) is MoveCheck.SAME


@pytest.mark.parametrize("outcome", [Outcome.REJECTED, Outcome.WITHDRAWN, Outcome.HIRED])
def test_a_closed_candidacy_must_be_reopened_before_it_moves(outcome: Outcome) -> None:
    with pytest.raises(MoveRefused, match=f"{outcome.value}; reopen it"):
        check_move(outcome=outcome, from_stage_id=1, to_stage_id=2)


@pytest.mark.parametrize("wanted", [Outcome.REJECTED, Outcome.WITHDRAWN])
def test_closing_needs_a_reason(wanted: Outcome) -> None:
    with pytest.raises(MoveRefused, match="a reason is required"):
        check_close(outcome=Outcome.OPEN, reason_kind=None, wanted=wanted)


def test_a_withdrawal_reason_cannot_reject_and_vice_versa() -> None:
    with pytest.raises(MoveRefused, match="for withdrawn candidacies"):
        check_close(outcome=Outcome.OPEN, reason_kind=ReasonKind.WITHDRAWN, wanted=Outcome.REJECTED)
    with pytest.raises(MoveRefused, match="for rejected candidacies"):
        check_close(outcome=Outcome.OPEN, reason_kind=ReasonKind.REJECTED, wanted=Outcome.WITHDRAWN)


def test_a_reason_of_the_matching_kind_closes() -> None:
    check_close(outcome=Outcome.OPEN, reason_kind=ReasonKind.REJECTED, wanted=Outcome.REJECTED)
    check_close(outcome=Outcome.OPEN, reason_kind=ReasonKind.WITHDRAWN, wanted=Outcome.WITHDRAWN)


def test_an_already_closed_candidacy_cannot_be_closed_again() -> None:
    with pytest.raises(MoveRefused, match="already rejected"):
        check_close(
            outcome=Outcome.REJECTED, reason_kind=ReasonKind.REJECTED, wanted=Outcome.REJECTED
        )
