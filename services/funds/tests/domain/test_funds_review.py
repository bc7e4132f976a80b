import pytest

from wuye_chassis.errors import FailedPrecondition, InvalidArgument, PermissionDenied
from wuye_funds.domain.review import (
    COMMUNITY_PARTY_BRANCH,
    DEFAULT_REVIEW_CHAIN,
    RESIDENTS_COMMITTEE,
    CommitteeExpense,
    ReviewState,
)


def expense(chain=DEFAULT_REVIEW_CHAIN):
    return CommitteeExpense.submit("x1", amount_fen=128_000, purpose="楼道灯更换", chain=chain)


def test_P2_default_chain_is_party_branch_then_residents_committee():
    assert DEFAULT_REVIEW_CHAIN == (COMMUNITY_PARTY_BRANCH, RESIDENTS_COMMITTEE)
    assert expense().expected_reviewer == COMMUNITY_PARTY_BRANCH


def test_P2_paid_after_every_reviewer_approves_in_order():
    item = expense()
    item.approve(COMMUNITY_PARTY_BRANCH, "票据齐全")
    assert item.state is ReviewState.IN_REVIEW
    assert item.expected_reviewer == RESIDENTS_COMMITTEE
    decision = item.approve(RESIDENTS_COMMITTEE, "符合预算")
    assert (decision.step, decision.approved) == (2, True)
    assert item.state is ReviewState.APPROVED
    assert item.pay() == 128_000
    assert item.state is ReviewState.PAID


def test_P2_no_skipping_a_reviewer_names_the_expected_one():
    item = expense()
    with pytest.raises(FailedPrecondition) as caught:
        item.approve(RESIDENTS_COMMITTEE, "同意")
    assert (caught.value.field, caught.value.rule) == ("reviewer", "P2")
    assert caught.value.metadata["expected_reviewer"] == COMMUNITY_PARTY_BRANCH
    assert COMMUNITY_PARTY_BRANCH in caught.value.message
    assert item.decisions == []


def test_P2_no_payment_before_the_last_approval():
    item = expense()
    item.approve(COMMUNITY_PARTY_BRANCH, "票据齐全")
    with pytest.raises(FailedPrecondition) as caught:
        item.pay()
    assert (caught.value.field, caught.value.rule) == ("state", "P2")
    assert RESIDENTS_COMMITTEE in caught.value.message
    assert item.state is ReviewState.IN_REVIEW


@pytest.mark.parametrize("reason", ["", "   "])
def test_A3_a_rejection_needs_a_reason_and_an_approval_does_not(reason):
    item = expense()
    with pytest.raises(InvalidArgument) as caught:
        item.reject(COMMUNITY_PARTY_BRANCH, reason)
    assert (caught.value.field, caught.value.rule) == ("reason", "A3")
    assert item.decisions == []
    approved = item.approve(COMMUNITY_PARTY_BRANCH, reason)
    assert approved.approved and approved.reason == ""


def test_A3_the_submitter_decides_no_step_and_one_person_decides_one_step():
    item = CommitteeExpense.submit("e-2", amount_fen=120_000, purpose="更换路灯", submitted_by="chair")
    with pytest.raises(PermissionDenied) as caught:
        item.approve(COMMUNITY_PARTY_BRANCH, decided_by="chair")
    assert caught.value.rule == "A3" and item.decisions == []
    item.approve(COMMUNITY_PARTY_BRANCH, decided_by="secretary")
    with pytest.raises(PermissionDenied):
        item.approve(RESIDENTS_COMMITTEE, decided_by="secretary")
    assert item.approve(RESIDENTS_COMMITTEE, decided_by="director").decided_by == "director"
    assert item.state is ReviewState.APPROVED


def test_P2_rejection_with_reason_ends_the_review_and_blocks_payment():
    item = expense()
    item.approve(COMMUNITY_PARTY_BRANCH, "票据齐全")
    item.reject(RESIDENTS_COMMITTEE, "超出年度预算")
    assert item.state is ReviewState.REJECTED
    assert item.decisions[-1].reason == "超出年度预算"
    with pytest.raises(FailedPrecondition):
        item.pay()
    with pytest.raises(FailedPrecondition) as caught:
        item.approve(RESIDENTS_COMMITTEE, "改为同意")
    assert caught.value.metadata["state"] == "rejected"


def test_P2_first_reviewer_can_reject():
    item = expense()
    item.reject(COMMUNITY_PARTY_BRANCH, "缺少发票")
    assert item.state is ReviewState.REJECTED
    assert item.expected_reviewer is None


def test_P2_paying_twice_refused():
    item = expense(chain=["street_office"])
    item.approve("street_office", "同意")
    item.pay()
    with pytest.raises(FailedPrecondition):
        item.pay()


def test_P2_chain_is_configurable():
    item = expense(chain=[COMMUNITY_PARTY_BRANCH, RESIDENTS_COMMITTEE, "discipline_inspector"])
    item.approve(COMMUNITY_PARTY_BRANCH, "同意")
    item.approve(RESIDENTS_COMMITTEE, "同意")
    with pytest.raises(FailedPrecondition) as caught:
        item.pay()
    assert "discipline_inspector" in caught.value.message
    item.approve("discipline_inspector", "同意")
    assert item.pay() == 128_000


@pytest.mark.parametrize("chain", [[], [COMMUNITY_PARTY_BRANCH, COMMUNITY_PARTY_BRANCH], [""]])
def test_P2_bad_chain_refused(chain):
    with pytest.raises(InvalidArgument) as caught:
        expense(chain=chain)
    assert (caught.value.field, caught.value.rule) == ("chain", "P2")


def test_P2_amount_must_be_positive():
    with pytest.raises(InvalidArgument) as caught:
        CommitteeExpense.submit("x1", amount_fen=0, purpose="p")
    assert (caught.value.field, caught.value.rule) == ("amount_fen", "P2")
