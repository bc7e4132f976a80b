"""V8: a closed vote's result is preliminary until its objection deadline, then final once every objection
is answered. Boundaries to the microsecond."""

import datetime as dt

import pytest

from wuye_chassis.errors import FailedPrecondition, InvalidArgument, NotFound
from wuye_funds.domain.vote_objections import (
    DEFAULT_OBJECTION_DAYS,
    MAX_REASON_LENGTH,
    PreliminaryResult,
    objection_deadline,
)
from wuye_funds.domain.voting import VoteState

CLOSED_AT = dt.datetime(2027, 3, 1, 9, 30, tzinfo=dt.UTC)
DEADLINE = objection_deadline(CLOSED_AT, DEFAULT_OBJECTION_DAYS)
TICK = dt.timedelta(microseconds=1)


def preliminary() -> PreliminaryResult:
    return PreliminaryResult("v1", VoteState.CLOSED, DEADLINE, [])


def refused(call, error=FailedPrecondition):
    with pytest.raises(error) as raised:
        call()
    return raised.value.field, raised.value.rule


def test_V8_the_objection_period_is_seven_whole_days_from_closing_by_default():
    assert DEFAULT_OBJECTION_DAYS == 7
    assert DEADLINE == dt.datetime(2027, 3, 8, 9, 30, tzinfo=dt.UTC)


def test_V8_an_objection_is_taken_until_just_before_the_deadline_and_refused_at_it():
    result = preliminary()
    taken = result.object("o1", owner_key="li", raised_by="li", reason="纸质票未计入", now=DEADLINE - TICK)
    assert (taken.owner_key, taken.reason, taken.answered) == ("li", "纸质票未计入", False)
    assert refused(lambda: result.object("o2", owner_key="wang", raised_by="wang", reason="x", now=DEADLINE)) == (
        "objection_deadline", "V8")
    assert [objection.objection_id for objection in result.objections] == ["o1"]


def test_V8_an_objection_needs_a_reason_within_its_length():
    result = preliminary()
    assert refused(lambda: result.object("o1", owner_key="li", raised_by="li", reason="  ", now=CLOSED_AT),
                   InvalidArgument) == ("reason", "V8")
    assert refused(lambda: result.object("o1", owner_key="li", raised_by="li", reason="理" * (MAX_REASON_LENGTH + 1),
                                         now=CLOSED_AT), InvalidArgument)[0] == "reason"
    assert result.object("o1", owner_key="li", raised_by="li", reason="理" * MAX_REASON_LENGTH, now=CLOSED_AT)
    assert len(result.objections) == 1


def test_V8_one_unanswered_objection_per_owner_and_another_once_it_is_answered():
    result = preliminary()
    result.object("o1", owner_key="li", raised_by="li", reason="第一次", now=CLOSED_AT)
    assert refused(lambda: result.object("o2", owner_key="li", raised_by="li", reason="第二次", now=CLOSED_AT)) == (
        "owner_key", "V8")
    result.object("o3", owner_key="wang", raised_by="wang", reason="别的业主", now=CLOSED_AT)
    result.answer("o1", answer="已复核，纸质票已计入", answered_by="cw-1", now=CLOSED_AT)
    assert result.object("o4", owner_key="li", raised_by="li", reason="第二次", now=CLOSED_AT).objection_id == "o4"


def test_V8_each_objection_is_answered_once_with_a_text_also_after_the_deadline():
    result = preliminary()
    result.object("o1", owner_key="li", raised_by="li", reason="纸质票未计入", now=CLOSED_AT)
    assert refused(lambda: result.answer("o1", answer="", answered_by="cw-1", now=CLOSED_AT), InvalidArgument) == (
        "answer", "V8")
    assert refused(lambda: result.answer("nope", answer="x", answered_by="cw-1", now=CLOSED_AT), NotFound)[0] == (
        "objection_id")
    answered = result.answer("o1", answer="已复核", answered_by="cw-1", now=DEADLINE + TICK)
    assert (answered.answered, answered.answered_by, answered.answered_at) == (True, "cw-1", DEADLINE + TICK)
    assert refused(lambda: result.answer("o1", answer="again", answered_by="cw-1", now=DEADLINE)) == (
        "objection_id", "V8")


def test_V8_the_result_is_final_from_the_deadline_on_and_not_a_microsecond_before():
    result = preliminary()
    assert refused(lambda: result.finalise(DEADLINE - TICK)) == ("objection_deadline", "V8")
    assert result.state is VoteState.CLOSED
    result.finalise(DEADLINE)
    assert result.state is VoteState.FINAL


def test_V8_an_unanswered_objection_keeps_the_result_preliminary():
    result = preliminary()
    result.object("o1", owner_key="li", raised_by="li", reason="纸质票未计入", now=CLOSED_AT)
    with pytest.raises(FailedPrecondition) as waiting:
        result.finalise(DEADLINE)
    assert (waiting.value.field, waiting.value.rule, waiting.value.metadata["unanswered"]) == ("objections", "V8", "1")
    result.answer("o1", answer="已复核", answered_by="cw-1", now=DEADLINE)
    result.finalise(DEADLINE)
    assert result.state is VoteState.FINAL


@pytest.mark.parametrize("state", [VoteState.OPEN, VoteState.FINAL])
def test_V8_objections_and_finalising_belong_to_a_closed_vote_only(state):
    result = PreliminaryResult("v1", state, DEADLINE, [])
    assert refused(lambda: result.object("o1", owner_key="li", raised_by="li", reason="x", now=CLOSED_AT)) == (
        "state", "V8")
    assert refused(lambda: result.finalise(DEADLINE)) == ("state", "V8")
    assert refused(lambda: result.answer("o1", answer="x", answered_by="cw-1", now=CLOSED_AT)) == ("state", "V8")
