"""Committee accounts, community review (P1, P2) over real gRPC, a real database and a real NATS server."""

from __future__ import annotations

import grpc

from services.funds.tests.funds_support import (
    AUDITOR,
    CITY_ADMIN,
    COMMUNITY_WORKER,
    COUNTY_OFFICER,
    REVIEWERS,
    Funds,
    committee_member,
    refused,
)
from wuye.funds.v1 import events_pb2, funds_pb2

PARTY_BRANCH, RESIDENTS_COMMITTEE = "community_party_branch", "residents_committee"
REVIEW_TABLES = ("committee_expenses", "expense_decisions", "ledger_entries")


async def submit(funds: Funds, amount_fen: int = 120_000, compound_id: str = "", who=None) -> funds_pb2.CommitteeExpense:
    """The expense as the compound's committee chair submits it (P2)."""
    compound_id = compound_id or funds.compound
    answer = await funds.call(
        "SubmitCommitteeExpense",
        funds_pb2.SubmitCommitteeExpenseRequest(compound_id=compound_id, amount_fen=amount_fen, purpose="更换路灯12盏"),
        who or committee_member(compound_id),
    )
    return answer.expense


async def review(funds: Funds, expense_id: str, reviewer: str, *, approve: bool = True, reason: str = "符合预算") -> funds_pb2.CommitteeExpense:
    """The decision of the person holding ``reviewer``'s post (the step is theirs, A3)."""
    answer = await funds.call(
        "ReviewCommitteeExpense",
        funds_pb2.ReviewCommitteeExpenseRequest(expense_id=expense_id, approve=approve, reason=reason),
        REVIEWERS[reviewer],
    )
    return answer.expense


async def pay(funds: Funds, expense_id: str) -> funds_pb2.PayCommitteeExpenseResponse:
    return await funds.call("PayCommitteeExpense", funds_pb2.PayCommitteeExpenseRequest(expense_id=expense_id))


async def test_P2_an_expense_is_reviewed_in_order_and_paid_only_after_the_last_approval(funds: Funds) -> None:
    await funds.configure()
    income = await funds.call(
        "RecordCommonIncome",
        funds_pb2.RecordCommonIncomeRequest(compound_id=funds.compound, source="parking", amount_fen=500_000),
    )
    assert income.committee_balance_fen == 500_000
    expense = await submit(funds)
    assert expense.state == funds_pb2.EXPENSE_STATE_IN_REVIEW and expense.expected_reviewer == PARTY_BRANCH

    before = await funds.counts(*REVIEW_TABLES)
    status, error = await refused(pay(funds, expense.expense_id))
    assert status == grpc.StatusCode.FAILED_PRECONDITION and error.rule == "P2"
    status, error = await refused(review(funds, expense.expense_id, RESIDENTS_COMMITTEE))  # skips the party branch
    assert status == grpc.StatusCode.FAILED_PRECONDITION and error.field == "reviewer" and error.rule == "P2"
    assert await funds.counts(*REVIEW_TABLES) == before

    halfway = await review(funds, expense.expense_id, PARTY_BRANCH)
    assert halfway.expected_reviewer == RESIDENTS_COMMITTEE
    status, error = await refused(pay(funds, expense.expense_id))
    assert status == grpc.StatusCode.FAILED_PRECONDITION and error.rule == "P2"
    approved = await review(funds, expense.expense_id, RESIDENTS_COMMITTEE)
    assert approved.state == funds_pb2.EXPENSE_STATE_APPROVED
    assert [(d.step, d.reviewer, d.approved, d.decided_by) for d in approved.decisions] == [
        (1, PARTY_BRANCH, True, "party-secretary"),
        (2, RESIDENTS_COMMITTEE, True, "rc-director"),
    ]
    paid = await pay(funds, expense.expense_id)
    assert paid.expense.state == funds_pb2.EXPENSE_STATE_PAID
    assert (paid.entry.account_id, paid.entry.amount_fen) == ("payee:expenses", 120_000)
    assert [e.expense.expense_id for e in await funds.events(events_pb2.CommitteeExpenseApproved)] == [expense.expense_id]
    assert [e.sequence for e in await funds.events(events_pb2.CommitteeExpensePaid)] == [3]
    verified = await funds.call("VerifyLedger", funds_pb2.VerifyLedgerRequest(ledger_id=f"{funds.compound}/committee"), AUDITOR)
    assert verified.intact and verified.entries_checked == 4


async def test_P2_any_reviewer_can_reject_with_a_reason_which_ends_the_review(funds: Funds) -> None:
    await funds.configure()
    expense = await submit(funds)
    await review(funds, expense.expense_id, PARTY_BRANCH)
    before = await funds.counts(*REVIEW_TABLES)
    status, error = await refused(review(funds, expense.expense_id, RESIDENTS_COMMITTEE, approve=False, reason=" "))
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == "reason"
    assert await funds.counts(*REVIEW_TABLES) == before
    rejected = await review(funds, expense.expense_id, RESIDENTS_COMMITTEE, approve=False, reason="无三方比价")
    assert rejected.state == funds_pb2.EXPENSE_STATE_REJECTED and rejected.expected_reviewer == ""
    [event] = await funds.events(events_pb2.CommitteeExpenseRejected)
    assert event.expense.decisions[-1].reason == "无三方比价"
    before = await funds.counts(*REVIEW_TABLES)
    status, error = await refused(pay(funds, expense.expense_id))
    assert status == grpc.StatusCode.FAILED_PRECONDITION and error.rule == "P2"
    status, error = await refused(review(funds, expense.expense_id, RESIDENTS_COMMITTEE))
    assert status == grpc.StatusCode.FAILED_PRECONDITION and error.field == "state"
    assert await funds.counts(*REVIEW_TABLES) == before


async def test_P2_expense_bad_input_is_refused_naming_the_field_and_changes_nothing(funds: Funds) -> None:
    await funds.configure()
    before = await funds.counts(*REVIEW_TABLES)
    status, error = await refused(submit(funds, amount_fen=-100))
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == "amount_fen"
    status, error = await refused(
        funds.call("RecordCommonIncome", funds_pb2.RecordCommonIncomeRequest(compound_id=funds.compound, source="parking", amount_fen=0))
    )
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == "amount_fen"
    assert await funds.counts(*REVIEW_TABLES) == before


async def test_P2_discipline_inspectors_read_every_expense_in_their_scope_but_cannot_decide(funds: Funds) -> None:
    await funds.configure()
    anxi_garden = await funds.registry.place("AXG", "安溪花园", community="350500/350524/350524100/350524100001")
    huian = await submit(funds)
    anxi = await submit(funds, compound_id=anxi_garden,
                        who=committee_member(anxi_garden, scope="350500/350524/350524100/350524100001"))
    everything = await funds.call(
        "ListCommitteeExpenses", funds_pb2.ListCommitteeExpensesRequest(jurisdiction_path="350500"), AUDITOR
    )
    assert {e.expense_id for e in everything.expenses} == {huian.expense_id, anxi.expense_id}
    county = await funds.call(
        "ListCommitteeExpenses", funds_pb2.ListCommitteeExpensesRequest(jurisdiction_path="350500/350521"), COUNTY_OFFICER
    )
    assert [e.expense_id for e in county.expenses] == [huian.expense_id]
    status, _ = await refused(
        funds.call("ListCommitteeExpenses", funds_pb2.ListCommitteeExpensesRequest(jurisdiction_path="350500"), COUNTY_OFFICER)
    )
    assert status == grpc.StatusCode.PERMISSION_DENIED
    status, _ = await refused(
        funds.call(
            "ReviewCommitteeExpense",
            funds_pb2.ReviewCommitteeExpenseRequest(expense_id=anxi.expense_id, reviewer=PARTY_BRANCH, approve=True, reason="ok"),
            AUDITOR,
        )
    )
    assert status == grpc.StatusCode.PERMISSION_DENIED
    read = await funds.call("GetCommitteeExpense", funds_pb2.GetCommitteeExpenseRequest(expense_id=anxi.expense_id), AUDITOR)
    assert read.expense.compound_id == anxi_garden


async def test_A1_only_a_member_of_the_compounds_committee_acting_in_that_seat_submits_its_expenses(funds: Funds) -> None:
    await funds.configure()
    before = await funds.counts(*REVIEW_TABLES)
    for who, status, field, rule in (
        (COMMUNITY_WORKER, grpc.StatusCode.PERMISSION_DENIED, None, "role"),
        (CITY_ADMIN, grpc.StatusCode.PERMISSION_DENIED, None, "role"),
        (committee_member("another-compound"), grpc.StatusCode.PERMISSION_DENIED, "compound_id", "A1"),
    ):
        seen, error = await refused(submit(funds, who=who))
        assert (seen, error.field, error.rule) == (status, field, rule)
    assert await funds.counts(*REVIEW_TABLES) == before
    submitted = await submit(funds)
    assert submitted.submitted_by == "committee-chair"
