"""Disclosures (F9, P3) and the public transparency data (一码统览) over real gRPC and a real database."""

from __future__ import annotations

import grpc
from google.protobuf import json_format

from services.funds.tests.funds_support import AUDITOR, REVIEWERS, Funds, committee_member, refused
from wuye.funds.v1 import events_pb2, funds_pb2
from wuye_chassis.auth import AuthContext
from wuye_funds.adapters.gauges import open_votes

HOUSEHOLDS = {"h-101": ("b1", 10_000), "h-102": ("b1", 8_950)}
ANONYMOUS = AuthContext()


async def movements(funds: Funds) -> None:
    """Deposits, interest, common income and a reviewed, paid committee expense."""
    await funds.open_account(HOUSEHOLDS)
    for household in HOUSEHOLDS:
        await funds.call("RecordFirstDeposit", funds_pb2.RecordFirstDepositRequest(compound_id=funds.compound, household_id=funds.household(household)))
    await funds.call("AllocateInterest", funds_pb2.AllocateInterestRequest(compound_id=funds.compound, interest_fen=379))
    await funds.call(
        "RecordCommonIncome", funds_pb2.RecordCommonIncomeRequest(compound_id=funds.compound, source="advertising", amount_fen=80_000)
    )
    expense = (
        await funds.call(
            "SubmitCommitteeExpense",
            funds_pb2.SubmitCommitteeExpenseRequest(compound_id=funds.compound, amount_fen=30_000, purpose="张三家门口修路"),
            committee_member(funds.compound),
        )
    ).expense
    for reviewer in REVIEWERS.values():
        await funds.call(
            "ReviewCommitteeExpense",
            funds_pb2.ReviewCommitteeExpenseRequest(expense_id=expense.expense_id, approve=True, reason="同意"), reviewer,
        )
    await funds.call("PayCommitteeExpense", funds_pb2.PayCommitteeExpenseRequest(expense_id=expense.expense_id))


async def publish(funds: Funds, period: str) -> funds_pb2.Disclosure:
    answer = await funds.call("PublishDisclosure", funds_pb2.PublishDisclosureRequest(compound_id=funds.compound, period=period))
    return answer.disclosure


async def test_F9_a_disclosure_snapshots_totals_and_each_households_movements(funds: Funds) -> None:
    await movements(funds)
    disclosure = await publish(funds, "2026-H1")
    assert (disclosure.maintenance.received_fen, disclosure.maintenance.gains_fen) == (568_500, 379)
    assert disclosure.maintenance.balance_fen == 568_879
    assert (disclosure.committee.received_fen, disclosure.committee.spent_fen, disclosure.committee.balance_fen) == (
        80_000,
        30_000,
        50_000,
    )
    assert [(funds.name_of(h.household_id), h.deposited_fen, h.gains_fen, h.balance_fen) for h in disclosure.households] == [
        ("h-101", 300_000, 200, 300_200),
        ("h-102", 268_500, 179, 268_679),
    ]
    head = await funds.call("VerifyLedger", funds_pb2.VerifyLedgerRequest(ledger_id=funds.ledger))
    assert disclosure.maintenance_head_hash == head.head_hash
    [event] = await funds.events(events_pb2.DisclosurePublished)
    assert event.disclosure == disclosure
    before = await funds.counts("disclosures")
    status, error = await refused(publish(funds, "2026-H1"))
    assert status == grpc.StatusCode.ALREADY_EXISTS and error.field == "period"
    assert await funds.counts("disclosures") == before


async def test_F9_a_snapshot_stored_in_the_earlier_protobuf_json_form_reads_back_unchanged(funds: Funds) -> None:
    await movements(funds)
    disclosure = await publish(funds, "2026-H1")
    public = funds_pb2.Disclosure()
    public.CopyFrom(disclosure)
    del public.households[:]
    before_p3 = funds_pb2.Disclosure()
    before_p3.CopyFrom(public)
    before_p3.ClearField("posted_until")  # disclosures published before P3 have no posting period
    for stored, shown in ((disclosure, public), (before_p3, before_p3)):
        await funds.execute(
            "UPDATE disclosures SET snapshot = :snapshot WHERE disclosure_id = :disclosure_id",
            snapshot=json_format.MessageToJson(stored), disclosure_id=disclosure.disclosure_id,
        )
        page = await funds.call(
            "GetCompoundTransparency", funds_pb2.GetCompoundTransparencyRequest(compound_id=funds.compound), ANONYMOUS
        )
        assert page.latest_disclosure == shown


async def test_transparency_shows_balances_entries_open_votes_and_the_latest_disclosure_to_anyone(funds: Funds) -> None:
    await movements(funds)
    await publish(funds, "2026-H1")
    open_vote = (
        await funds.call(
            "OpenVote", funds_pb2.OpenVoteRequest(compound_id=funds.compound, matter=funds_pb2.MATTER_USE_MAINTENANCE_FUND, title="更换电梯")
        )
    ).vote
    closed = (
        await funds.call("OpenVote", funds_pb2.OpenVoteRequest(compound_id=funds.compound, matter=funds_pb2.MATTER_PROPERTY_COMPANY, title="续聘物业"))
    ).vote
    await funds.call("CloseVote", funds_pb2.CloseVoteRequest(vote_id=closed.vote_id))
    await funds.call(  # after the disclosure: visible in the balances, not in the published snapshot
        "RecordDeposit", funds_pb2.RecordDepositRequest(compound_id=funds.compound, household_id=funds.household("h-101"), amount_fen=1_000)
    )

    page = await funds.call(
        "GetCompoundTransparency", funds_pb2.GetCompoundTransparencyRequest(compound_id=funds.compound, recent_entries=3), ANONYMOUS
    )
    assert (page.maintenance_balance_fen, page.committee_balance_fen) == (569_879, 50_000)
    assert [(e.ledger_id, e.sequence, e.account) for e in page.recent_entries] == [
        (funds.ledger, 10, "owners:deposits"),
        (funds.ledger, 9, "household"),
        (funds.ledger, 8, "bank:interest"),
        (f"{funds.compound}/committee", 4, "committee:account"),
        (f"{funds.compound}/committee", 3, "payee:expenses"),
        (f"{funds.compound}/committee", 2, "income:advertising"),
    ]
    assert [(v.vote_id, v.title) for v in page.open_votes] == [(open_vote.vote_id, "更换电梯")]
    # the service's own gauge (wuye_business, gauge="open_votes") counts the same: the closed one is not open
    async with funds.app.runtime.db.reads() as session:
        assert await open_votes(session) == [({}, 1.0)]
    assert page.latest_disclosure.period == "2026-H1" and page.latest_disclosure.maintenance.balance_fen == 568_879
    assert not page.latest_disclosure.households
    public_text = str(page)
    for personal in ("h-101", "h-102", "owner-", "household:", "张三", "cw-1"):
        assert personal not in public_text

    status, error = await refused(
        funds.call("GetCompoundTransparency", funds_pb2.GetCompoundTransparencyRequest(compound_id="nowhere"), ANONYMOUS)
    )
    assert status == grpc.StatusCode.NOT_FOUND and error.field == "compound_id"
    status, error = await refused(
        funds.call(
            "GetCompoundTransparency", funds_pb2.GetCompoundTransparencyRequest(compound_id=funds.compound, recent_entries=51), AUDITOR
        )
    )
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == "recent_entries"
