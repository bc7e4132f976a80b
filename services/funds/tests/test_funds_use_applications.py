"""Uses of the maintenance fund (F3–F8) over real gRPC, a real database and a real NATS server, beside the
real registry whose roster the account and the votes come from (A4)."""

from __future__ import annotations

import grpc

from services.funds.tests.funds_support import (
    ANXI_OFFICER,
    AUDITOR,
    COMMUNITY_WORKER,
    COUNTY_OFFICER,
    STREET_OFFICER,
    Funds,
    refused,
)
from wuye.common.v1 import common_pb2
from wuye.funds.v1 import events_pb2, funds_pb2

HOUSEHOLDS = {"h-101": ("b1", 10_000), "h-102": ("b1", 8_950), "h-201": ("b2", 12_345)}  # first deposits
FIRST_DEPOSITS = {"h-101": 300_000, "h-102": 268_500, "h-201": 370_350}  # 3,000 fen/m² × area
HOUSING = funds_pb2.PAYMENT_APPROVER_HOUSING_AUTHORITY
MONEY_TABLES = ("ledger_entries", "use_applications", "votes")


async def funded(funds: Funds) -> None:
    await funds.open_account(HOUSEHOLDS)
    for household in HOUSEHOLDS:
        await funds.call(
            "RecordFirstDeposit",
            funds_pb2.RecordFirstDepositRequest(compound_id=funds.compound, household_id=funds.household(household)),
        )


async def submit(funds: Funds, budget_fen: int, *, buildings=(), emergency: int = 0) -> funds_pb2.UseApplication:
    """An application for the benefiting buildings, by the test's building codes."""
    answer = await funds.call(
        "SubmitUseApplication",
        funds_pb2.SubmitUseApplicationRequest(
            compound_id=funds.compound, plan="更换1号楼电梯", budget_fen=budget_fen,
            building_ids=[funds.building(code) for code in buildings], emergency=emergency,
        ),
    )
    return answer.application


async def decide_by_vote(funds: Funds, application_id: str, choice: int) -> funds_pb2.UseApplication:
    opened = await funds.call("OpenUseVote", funds_pb2.OpenUseVoteRequest(application_id=application_id))
    assert opened.vote.matter == funds_pb2.MATTER_USE_MAINTENANCE_FUND
    for owner in (funds.owner_keys["h-101"], funds.owner_keys["h-102"]):
        await funds.call("CastBallot", funds_pb2.CastBallotRequest(vote_id=opened.vote.vote_id, owner_key=owner, choice=choice, authorisation_ref="授权书-1"))
    await funds.call("CloseVote", funds_pb2.CloseVoteRequest(vote_id=opened.vote.vote_id))
    assert (await get(funds, application_id)).state == funds_pb2.USE_STATE_VOTING  # preliminary: decides nothing (V8)
    await funds.objection_period_passes(opened.vote.vote_id)
    await funds.call("FinaliseVote", funds_pb2.FinaliseVoteRequest(vote_id=opened.vote.vote_id))
    return await get(funds, application_id)


async def get(funds: Funds, application_id: str) -> funds_pb2.UseApplication:
    answer = await funds.call("GetUseApplication", funds_pb2.GetUseApplicationRequest(application_id=application_id), AUDITOR)
    return answer.application


async def step(funds: Funds, method: str, request: object, who=COMMUNITY_WORKER) -> funds_pb2.UseApplication:
    return (await funds.call(method, request, who)).application


async def test_F5_a_use_passed_by_a_scoped_matter5_vote_is_paid_and_charged_by_area_F4_with_F3_notices(
    funds: Funds,
) -> None:
    await funded(funds)
    application = await submit(funds, 450_000, buildings=["b1"])
    decided = await decide_by_vote(funds, application.application_id, funds_pb2.CHOICE_YES)
    assert decided.state == funds_pb2.USE_STATE_APPROVED
    [approved] = await funds.events(events_pb2.UseApplicationApproved)
    assert approved.application.application_id == application.application_id
    await step(funds, "StartWorks", funds_pb2.StartWorksRequest(application_id=application.application_id))
    await step(
        funds, "RequestPayment",
        funds_pb2.RequestPaymentRequest(application_id=application.application_id, actual_cost_fen=440_000),
        STREET_OFFICER,
    )
    before = await funds.counts(*MONEY_TABLES)
    status, error = await refused(funds.call(  # the officer who asked for the payment does not pay it (A3)
        "PayUseApplication",
        funds_pb2.PayUseApplicationRequest(application_id=application.application_id, approved_by=HOUSING),
        STREET_OFFICER,
    ))
    assert (status, error.rule) == (grpc.StatusCode.PERMISSION_DENIED, "A3")
    assert await funds.counts(*MONEY_TABLES) == before
    paid = await funds.call(
        "PayUseApplication",
        funds_pb2.PayUseApplicationRequest(application_id=application.application_id, approved_by=HOUSING),
        COUNTY_OFFICER,
    )
    # 440,000 fen over 10,000 : 8,950 dm²; the remainder fen goes to the larger remainder (F4)
    assert {funds.name_of(charge.household_id): charge.amount_fen for charge in paid.charges} == {"h-101": 232_190, "h-102": 207_810}
    assert paid.application.state == funds_pb2.USE_STATE_PAID
    assert await funds.balances() == {"h-101": 67_810, "h-102": 60_690, "h-201": 370_350}
    notices = await funds.events(events_pb2.ReplenishmentRequired)  # both b1 households fell below 30 %
    assert [(funds.name_of(notice.household_id), notice.balance_fen) for notice in notices] == [("h-101", 67_810), ("h-102", 60_690)]
    [paid_event] = await funds.events(events_pb2.UseApplicationPaid)
    assert sum(charge.amount_fen for charge in paid_event.charges) == 440_000
    verified = await funds.call("VerifyLedger", funds_pb2.VerifyLedgerRequest(ledger_id=funds.ledger))
    assert verified.intact
    done = await step(
        funds, "CompleteUseApplication", funds_pb2.CompleteUseApplicationRequest(application_id=application.application_id)
    )
    assert done.state == funds_pb2.USE_STATE_COMPLETED


async def test_F5_payment_without_a_passed_vote_is_refused_naming_the_rule_and_changes_nothing(funds: Funds) -> None:
    await funded(funds)
    undecided = await submit(funds, 100_000)
    rejected = await submit(funds, 100_000, buildings=["b1"])
    assert (await decide_by_vote(funds, rejected.application_id, funds_pb2.CHOICE_NO)).state == funds_pb2.USE_STATE_REJECTED
    before = await funds.counts(*MONEY_TABLES)
    for application in (undecided, rejected):
        status, error = await refused(
            funds.call(
                "PayUseApplication",
                funds_pb2.PayUseApplicationRequest(application_id=application.application_id, approved_by=HOUSING),
                STREET_OFFICER,
            )
        )
        assert status == grpc.StatusCode.FAILED_PRECONDITION and error.rule == "F5"
        status, error = await refused(
            funds.call("StartWorks", funds_pb2.StartWorksRequest(application_id=application.application_id))
        )
        assert status == grpc.StatusCode.FAILED_PRECONDITION and error.rule == "F5"
    assert await funds.counts(*MONEY_TABLES) == before
    assert await funds.balances() == FIRST_DEPOSITS


async def test_F6_an_emergency_use_skips_the_vote_and_is_disclosed_afterwards(funds: Funds) -> None:
    await funded(funds)
    application = await submit(funds, 93_885, emergency=funds_pb2.EMERGENCY_CATEGORY_LIFT_FAILURE)
    application_id = application.application_id
    status, error = await refused(
        funds.call("OpenUseVote", funds_pb2.OpenUseVoteRequest(application_id=application_id))
    )
    assert status == grpc.StatusCode.FAILED_PRECONDITION and error.rule == "F6"
    status, error = await refused(
        funds.call(
            "RecordStreetConfirmation",
            funds_pb2.RecordStreetConfirmationRequest(application_id=application_id, reference="街道确认 2026-17"),
            STREET_OFFICER,
        )
    )
    assert status == grpc.StatusCode.FAILED_PRECONDITION and error.field == "committee_review"
    assert await funds.count("votes") == 0
    await step(
        funds, "RecordCommitteeReview",
        funds_pb2.RecordCommitteeReviewRequest(application_id=application_id, reference="业委会会议纪要 2026-09"),
    )
    confirmed = await step(
        funds, "RecordStreetConfirmation",
        funds_pb2.RecordStreetConfirmationRequest(application_id=application_id, reference="街道确认 2026-17"),
        STREET_OFFICER,
    )
    assert confirmed.state == funds_pb2.USE_STATE_APPROVED and not confirmed.vote_id
    assert len(await funds.events(events_pb2.UseApplicationApproved)) == 1
    await step(funds, "StartWorks", funds_pb2.StartWorksRequest(application_id=application_id))
    await step(funds, "RequestPayment", funds_pb2.RequestPaymentRequest(application_id=application_id, actual_cost_fen=93_885))
    paid = await funds.call(
        "PayUseApplication",
        funds_pb2.PayUseApplicationRequest(
            application_id=application_id, approved_by=funds_pb2.PAYMENT_APPROVER_OWNERS_COMMITTEE
        ),
        STREET_OFFICER,
    )
    assert sum(charge.amount_fen for charge in paid.charges) == 93_885  # whole compound, by area
    status, error = await refused(
        funds.call("CompleteUseApplication", funds_pb2.CompleteUseApplicationRequest(application_id=application_id))
    )
    assert status == grpc.StatusCode.FAILED_PRECONDITION and error.rule == "F6" and error.field == "disclosure"
    done = await step(
        funds, "CompleteUseApplication",
        funds_pb2.CompleteUseApplicationRequest(application_id=application_id, disclosure="公示：1号楼电梯应急维修 938.85 元"),
    )
    assert done.state == funds_pb2.USE_STATE_COMPLETED and done.disclosure.startswith("公示")

    # issue 14: the public page lists the completed use with its notice; a use still under way is not listed
    await submit(funds, 50_000, emergency=funds_pb2.EMERGENCY_CATEGORY_LIFT_FAILURE)
    public = await funds.call("GetCompoundTransparency", funds_pb2.GetCompoundTransparencyRequest(compound_id=funds.compound))
    assert [(use.application_id, use.plan, use.emergency, use.budget_fen, use.actual_cost_fen, use.disclosure)
            for use in public.completed_uses] == [
        (application_id, "更换1号楼电梯", funds_pb2.EMERGENCY_CATEGORY_LIFT_FAILURE, 93_885, 93_885,
         "公示：1号楼电梯应急维修 938.85 元"),
    ]


async def test_F7_an_overrun_of_10_percent_needs_a_new_application_and_30000_yuan_an_audit(funds: Funds) -> None:
    await funded(funds)
    application = await submit(funds, 3_000_000, emergency=funds_pb2.EMERGENCY_CATEGORY_DRAIN_BLOCKAGE)
    application_id = application.application_id
    await step(funds, "RecordCommitteeReview", funds_pb2.RecordCommitteeReviewRequest(application_id=application_id, reference="r"))
    await step(
        funds, "RecordStreetConfirmation",
        funds_pb2.RecordStreetConfirmationRequest(application_id=application_id, reference="c"), STREET_OFFICER,
    )
    await step(funds, "StartWorks", funds_pb2.StartWorksRequest(application_id=application_id))
    status, error = await refused(
        funds.call("RequestPayment", funds_pb2.RequestPaymentRequest(application_id=application_id, actual_cost_fen=3_300_000))
    )
    assert status == grpc.StatusCode.FAILED_PRECONDITION and error.rule == "F7" and error.field == "actual_cost_fen"
    status, error = await refused(
        funds.call("RequestPayment", funds_pb2.RequestPaymentRequest(application_id=application_id, actual_cost_fen=2_900_000))
    )
    assert status == grpc.StatusCode.FAILED_PRECONDITION and error.field == "settlement_audit"
    requested = await step(
        funds, "RequestPayment",
        funds_pb2.RequestPaymentRequest(application_id=application_id, actual_cost_fen=2_900_000, settlement_audit="审计报告 A-1"),
    )
    assert requested.state == funds_pb2.USE_STATE_PAYMENT_REQUESTED
    before = await funds.counts(*MONEY_TABLES)
    status, error = await refused(  # ¥29,000 is more than the three sub-accounts hold
        funds.call(
            "PayUseApplication", funds_pb2.PayUseApplicationRequest(application_id=application_id, approved_by=HOUSING),
            STREET_OFFICER,
        )
    )
    assert status == grpc.StatusCode.FAILED_PRECONDITION and error.rule == "F4"
    assert await funds.counts(*MONEY_TABLES) == before


async def test_F8_interest_is_allocated_pro_rata_to_balances_to_the_last_fen(funds: Funds) -> None:
    await funded(funds)
    answer = await funds.call(
        "AllocateInterest", funds_pb2.AllocateInterestRequest(compound_id=funds.compound, interest_fen=1_000, memo="2026 利息")
    )
    gained = {funds.name_of(sub.household_id): sub.balance_fen - FIRST_DEPOSITS[funds.name_of(sub.household_id)] for sub in answer.account.sub_accounts}
    assert gained == {"h-101": 320, "h-102": 286, "h-201": 394}


async def test_use_application_bad_input_is_refused_naming_the_field_and_changes_nothing(funds: Funds) -> None:
    await funded(funds)
    before = await funds.counts(*MONEY_TABLES)
    status, error = await refused(submit(funds, -1))
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == "budget_fen"
    status, error = await refused(submit(funds, 100, buildings=["b9"]))
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == "building_ids"
    status, error = await refused(submit(funds, 100, emergency=99))
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == "emergency"
    status, error = await refused(
        funds.call("AllocateInterest", funds_pb2.AllocateInterestRequest(compound_id=funds.compound, interest_fen=-3))
    )
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == "interest_fen"
    assert await funds.counts(*MONEY_TABLES) == before


async def test_A4_F5_a_use_vote_takes_its_electorate_from_the_registry_never_from_the_client(funds: Funds) -> None:
    await funded(funds)
    application = await submit(funds, 93_885)
    before = await funds.counts(*MONEY_TABLES)
    sent = funds_pb2.RosterUnit(unit_id=funds.household("h-101"), owner_key=funds.owner_keys["h-101"],
                                building_id=funds.building("b1"), area_dm2=10_000)
    status, error = await refused(funds.call("OpenUseVote", funds_pb2.OpenUseVoteRequest(
        application_id=application.application_id, roster=[sent])))
    assert (status, error.field, error.rule) == (grpc.StatusCode.INVALID_ARGUMENT, "roster", "A4")
    assert await funds.counts(*MONEY_TABLES) == before
    assert (await get(funds, application.application_id)).state == application.state


async def test_F6_use_applications_list_by_jurisdiction_and_state_newest_first_within_the_callers_scope(
    funds: Funds,
) -> None:
    await funded(funds)
    normal = await submit(funds, 450_000, buildings=["b1"])
    emergency = await submit(funds, 93_885, emergency=funds_pb2.EMERGENCY_CATEGORY_LIFT_FAILURE)
    await step(funds, "RecordCommitteeReview",
               funds_pb2.RecordCommitteeReviewRequest(application_id=emergency.application_id, reference="纪要 2026-09"))
    later = await submit(funds, 20_000, emergency=funds_pb2.EMERGENCY_CATEGORY_FIRE_EQUIPMENT_DAMAGE)

    def listing(path: str, state: int = 0, token: str = "", size: int = 0) -> funds_pb2.ListUseApplicationsRequest:
        return funds_pb2.ListUseApplicationsRequest(jurisdiction_path=path, state=state,
                                                    page=common_pb2.PageRequest(page_size=size, page_token=token))

    every = await funds.call("ListUseApplications", listing(STREET_OFFICER.scope), STREET_OFFICER)
    assert [one.application_id for one in every.applications] == [
        later.application_id, emergency.application_id, normal.application_id]
    # the street's queue: what has the committee's review and waits for its confirmation (F6) is in draft
    drafts = await funds.call("ListUseApplications", listing(STREET_OFFICER.scope, funds_pb2.USE_STATE_DRAFT),
                              STREET_OFFICER)
    assert {one.application_id for one in drafts.applications} == {
        normal.application_id, emergency.application_id, later.application_id}
    [reviewed] = [one for one in drafts.applications if one.committee_review]
    assert reviewed.application_id == emergency.application_id
    first = await funds.call("ListUseApplications", listing(COUNTY_OFFICER.scope, size=2), COUNTY_OFFICER)
    rest = await funds.call("ListUseApplications", listing(COUNTY_OFFICER.scope, token=first.page.next_page_token, size=2),
                            COUNTY_OFFICER)
    assert [one.application_id for one in [*first.applications, *rest.applications]] == [
        later.application_id, emergency.application_id, normal.application_id]
    assert not rest.page.next_page_token
    assert not (await funds.call("ListUseApplications", listing("350500/350524"), ANXI_OFFICER)).applications

    status, _ = await refused(funds.call("ListUseApplications", listing("350500/350524"), COUNTY_OFFICER))
    assert status == grpc.StatusCode.PERMISSION_DENIED
    status, error = await refused(funds.call("ListUseApplications", listing("350500/350521", state=99), COUNTY_OFFICER))
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == "state"
    status, error = await refused(funds.call("ListUseApplications", listing("350500//x"), COUNTY_OFFICER))
    assert status == grpc.StatusCode.INVALID_ARGUMENT and error.field == "jurisdiction_path"
