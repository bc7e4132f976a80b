"""A3: a money movement is decided once, never by whoever requested it; a rejection needs a reason."""

import datetime as dt

import pytest

from wuye_chassis.errors import FailedPrecondition, InvalidArgument, PermissionDenied
from wuye_funds.domain.money_movements import (
    MAX_REASON_LENGTH,
    MoneyMovement,
    MovementKind,
    MovementState,
    require_none_open,
)

AT = dt.datetime(2027, 3, 1, 9, 30, tzinfo=dt.UTC)


def refund() -> MoneyMovement:
    return MoneyMovement("m1", MovementKind.DEMOLITION_REFUND, "c1", "350500/350521", "c1/maintenance",
                         requested_by="cw-1", requested_at=AT, household_id="h1", owner_key="p1", reference="征收决定")


def test_A3_another_person_approves_and_the_requester_decides_neither_way():
    movement = refund()
    with pytest.raises(PermissionDenied) as own:
        movement.approve(by="cw-1", at=AT)
    assert (own.value.field, own.value.rule) == ("requested_by", "A3")
    with pytest.raises(PermissionDenied):
        movement.reject(by="cw-1", reason="撤回", at=AT)
    movement.approve(by="street-1", at=AT)
    assert (movement.state, movement.decided_by, movement.reason) == (MovementState.APPROVED, "street-1", "")


def test_A3_a_rejection_needs_a_reason_within_its_length_an_approval_none():
    movement = refund()
    for reason in ("", "   ", "理" * (MAX_REASON_LENGTH + 1)):
        with pytest.raises(InvalidArgument) as missing:
            movement.reject(by="street-1", reason=reason, at=AT)
        assert missing.value.field == "reason"
    assert movement.state is MovementState.REQUESTED
    movement.reject(by="street-1", reason="理" * MAX_REASON_LENGTH, at=AT)
    assert movement.state is MovementState.REJECTED


@pytest.mark.parametrize("decide", ["approve", "reject"])
def test_A3_a_movement_is_decided_once(decide):
    movement = refund()
    movement.approve(by="street-1", at=AT)
    with pytest.raises(FailedPrecondition) as again:
        if decide == "approve":
            movement.approve(by="county-1", at=AT)
        else:
            movement.reject(by="county-1", reason="x", at=AT)
    assert (again.value.field, again.value.rule) == ("state", "A3")


def test_A3_one_open_request_at_a_time_for_a_home_or_a_ledger_entry():
    reversal = MoneyMovement("m2", MovementKind.LEDGER_REVERSAL, "c1", "350500", "c1/maintenance",
                             requested_by="county-1", requested_at=AT, sequence=7)
    assert (refund().target, reversal.target) == ("h1", "c1/maintenance#7")
    require_none_open(0, "household_id")
    with pytest.raises(FailedPrecondition) as open_one:
        require_none_open(1, "sequence")
    assert (open_one.value.field, open_one.value.rule) == ("sequence", "A3")
