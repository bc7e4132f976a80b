"""Domain events → the protobuf events the outbox publishes, and the messages of the records they carry.

The service's ``EventTranslator``: the unit of work calls ``outgoing`` for every event a handler
publishes. The records an event carries (a vote, an application, an expense, a disclosure, an audit, an
overdue disclosure) are mapped here once; the gRPC servicers answer with the same mapping.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from fractions import Fraction

from google.protobuf.message import Message

from wuye.funds.v1 import events_pb2
from wuye.funds.v1 import funds_pb2 as api
from wuye_chassis.money import Fen
from wuye_chassis.proto_values import enum_number, ratio_fields, timestamp
from wuye_chassis.uow import OutgoingEvent
from wuye_funds.domain.disclosure import AccountTotals, Disclosure
from wuye_funds.domain.disclosure_schedule import Audit, OverdueDisclosure
from wuye_funds.domain.events import (
    AuditRecorded,
    CommitteeExpenseApproved,
    CommitteeExpensePaid,
    CommitteeExpenseRejected,
    DepositRecorded,
    DisclosureOverdue,
    DisclosurePublished,
    Event,
    LedgerPostingReversed,
    MiniFundRepairPaid,
    NeighbourFundDonated,
    NeighbourFundGranted,
    NeighbourFundSpent,
    ReplenishmentRequired,
    SubAccountRefundedOnDemolition,
    SubAccountTransferredOnSale,
    UseApplicationApproved,
    UseApplicationPaid,
    VoteClosed,
    VoteFinalised,
    VoteOpened,
)
from wuye_funds.domain.maintenance_fund import PlacedApplication
from wuye_funds.domain.mini_fund import MiniFundSummary
from wuye_funds.domain.review import ExpenseRecord
from wuye_funds.domain.vote_objections import Objection
from wuye_funds.domain.voting import QUORUM_SHARE, Choice, VoteCount, VoteRecord, VoteResult


def outgoing(event: Event) -> OutgoingEvent:
    message, aggregate_id = _message(event)
    return OutgoingEvent(message, aggregate_id)


def _message(event: Event) -> tuple[Message, str]:
    """The protobuf event and its subject (the aggregate it is about)."""
    match event:
        case LedgerPostingReversed():
            return events_pb2.LedgerPostingReversed(
                ledger_id=event.ledger_id, jurisdiction_path=event.jurisdiction_path,
                reversed_sequence=event.reversed_sequence, reversal_sequence=event.reversal_sequence,
            ), event.ledger_id
        case DepositRecorded():
            return events_pb2.DepositRecorded(
                compound_id=event.compound_id, jurisdiction_path=event.jurisdiction_path,
                household_id=event.household_id, amount_fen=event.amount_fen, sequence=event.sequence,
            ), event.compound_id
        case SubAccountTransferredOnSale():
            return events_pb2.SubAccountTransferredOnSale(
                compound_id=event.compound_id, jurisdiction_path=event.jurisdiction_path,
                household_id=event.household_id, balance_fen=event.balance_fen, sequence=event.sequence,
            ), event.compound_id
        case SubAccountRefundedOnDemolition():
            return events_pb2.SubAccountRefundedOnDemolition(
                compound_id=event.compound_id, jurisdiction_path=event.jurisdiction_path,
                household_id=event.household_id, refund_fen=event.refund_fen, sequence=event.sequence,
            ), event.compound_id
        case UseApplicationApproved():
            return events_pb2.UseApplicationApproved(
                application=application_message(event.application)
            ), event.application.application.application_id
        case UseApplicationPaid():
            return events_pb2.UseApplicationPaid(
                application=application_message(event.application), charges=charge_messages(event.charges)
            ), event.application.application.application_id
        case ReplenishmentRequired():
            return events_pb2.ReplenishmentRequired(
                compound_id=event.compound_id, jurisdiction_path=event.jurisdiction_path,
                household_id=event.household_id, balance_fen=event.balance_fen,
                first_deposit_fen=event.first_deposit_fen,
            ), event.compound_id
        case VoteOpened():
            return events_pb2.VoteOpened(vote=vote_message(event.vote)), event.vote.vote_id
        case VoteClosed():
            return events_pb2.VoteClosed(vote=vote_message(event.vote)), event.vote.vote_id
        case VoteFinalised():
            return events_pb2.VoteFinalised(vote=vote_message(event.vote)), event.vote.vote_id
        case CommitteeExpenseApproved():
            return events_pb2.CommitteeExpenseApproved(
                expense=expense_message(event.expense)
            ), event.expense.expense.expense_id
        case CommitteeExpenseRejected():
            return events_pb2.CommitteeExpenseRejected(
                expense=expense_message(event.expense)
            ), event.expense.expense.expense_id
        case CommitteeExpensePaid():
            return events_pb2.CommitteeExpensePaid(
                expense=expense_message(event.expense), sequence=event.sequence
            ), event.expense.expense.expense_id
        case MiniFundRepairPaid():
            return events_pb2.MiniFundRepairPaid(
                compound_id=event.compound_id, jurisdiction_path=event.jurisdiction_path, amount_fen=event.amount_fen,
                purpose=event.purpose, sequence=event.sequence, summary=mini_summary_message(event.summary),
            ), event.compound_id
        case NeighbourFundDonated():
            return events_pb2.NeighbourFundDonated(
                fund_id=event.fund_id, jurisdiction_path=event.jurisdiction_path,
                source=enum_number(api.DonationSource, event.source.value), amount_fen=event.amount_fen,
                sequence=event.sequence,
            ), event.fund_id
        case NeighbourFundGranted():
            return events_pb2.NeighbourFundGranted(
                fund_id=event.fund_id, receiver_fund_id=event.receiver_fund_id,
                jurisdiction_path=event.jurisdiction_path,
                receiver_jurisdiction_path=event.receiver_jurisdiction_path, amount_fen=event.amount_fen,
            ), event.fund_id
        case NeighbourFundSpent():
            return events_pb2.NeighbourFundSpent(
                fund_id=event.fund_id, jurisdiction_path=event.jurisdiction_path, amount_fen=event.amount_fen,
                purpose=event.purpose, sequence=event.sequence,
            ), event.fund_id
        case DisclosurePublished():
            return events_pb2.DisclosurePublished(
                disclosure=disclosure_message(event.disclosure)
            ), event.disclosure.compound_id
        case DisclosureOverdue():
            return events_pb2.DisclosureOverdue(overdue=overdue_message(event.overdue)), event.overdue.compound_id
        case AuditRecorded():
            return events_pb2.AuditRecorded(audit=audit_message(event.audit)), event.audit.compound_id
    raise TypeError(f"no protobuf event for {type(event).__name__}")


# --- the records events carry ---------------------------------------------------------------------


def ratio(value: Fraction) -> api.Ratio:
    return api.Ratio(**ratio_fields(value))


def vote_count(count: VoteCount) -> api.VoteCount:
    return api.VoteCount(owners=count.owners, area_dm2=count.area_dm2)


def _value(member: Enum | None) -> str | None:
    return None if member is None else str(member.value)


def choice_number(choice: Choice | None) -> api.Choice.ValueType:
    return enum_number(api.Choice, _value(choice))


def vote_result_message(result: VoteResult) -> api.VoteResult:
    return api.VoteResult(
        outcome=enum_number(api.Outcome, result.reason.value),
        passed=result.passed,
        electorate=vote_count(result.electorate),
        participating=vote_count(result.participating),
        yes=vote_count(result.yes),
        no=vote_count(result.no),
        abstain=vote_count(result.abstain),
        follow_majority=result.follow_majority,
        added_side=choice_number(result.added_side),
        added=vote_count(result.added),
        participating_area_share=ratio(result.participating_area_share),
        participating_owner_share=ratio(result.participating_owner_share),
        yes_area_share=ratio(result.yes_area_share),
        yes_owner_share=ratio(result.yes_owner_share),
        on_paper=vote_count(result.on_paper),
    )


def vote_message(vote: VoteRecord) -> api.Vote:
    return api.Vote(
        vote_id=vote.vote_id,
        compound_id=vote.compound_id,
        jurisdiction_path=vote.jurisdiction_path,
        matter=api.Matter.ValueType(vote.matter.value),
        title=vote.title,
        building_ids=vote.building_ids,
        follow_majority=vote.follow_majority,
        state=enum_number(api.VoteState, vote.state.value),
        electorate=vote_count(vote.electorate),
        opened_at=timestamp(vote.opened_at),
        closed_at=timestamp(vote.closed_at),
        result=None if vote.result is None else vote_result_message(vote.result),
        objection_deadline=timestamp(vote.objection_deadline),
        finalised_at=timestamp(vote.finalised_at),
        objections=[objection_message(objection) for objection in vote.objections],
        turnout=None if vote.turnout is None else vote_count(vote.turnout),
        quorum_share=ratio(QUORUM_SHARE),
        approval_share=ratio(vote.matter.approval_share),
        approval_share_inclusive=vote.matter.approval_share_inclusive,
    )


def objection_message(objection: Objection) -> api.VoteObjection:
    return api.VoteObjection(
        objection_id=objection.objection_id, owner_key=objection.owner_key, raised_by=objection.raised_by,
        reason=objection.reason, raised_at=timestamp(objection.raised_at), answer=objection.answer,
        answered_by=objection.answered_by, answered_at=timestamp(objection.answered_at),
    )


def application_message(placed: PlacedApplication) -> api.UseApplication:
    application = placed.application
    return api.UseApplication(
        application_id=application.application_id,
        compound_id=placed.compound_id,
        jurisdiction_path=placed.jurisdiction_path,
        plan=application.plan,
        budget_fen=application.budget_fen,
        building_ids=sorted(application.building_ids or ()),
        emergency=enum_number(api.EmergencyCategory, _value(application.emergency)),
        state=enum_number(api.UseState, application.state.value),
        vote_id=placed.vote_id or "",
        committee_review=application.committee_review or "",
        street_confirmation=application.street_confirmation or "",
        actual_cost_fen=application.actual_cost_fen or 0,
        settlement_audit=application.settlement_audit or "",
        payment_approved_by=enum_number(api.PaymentApprover, _value(application.payment_approved_by)),
        disclosure=application.disclosure or "",
    )


def charge_messages(charges: Mapping[str, Fen]) -> list[api.Charge]:
    return [api.Charge(household_id=household, amount_fen=amount) for household, amount in charges.items()]


def expense_message(record: ExpenseRecord) -> api.CommitteeExpense:
    expense = record.expense
    return api.CommitteeExpense(
        expense_id=expense.expense_id,
        compound_id=record.compound_id,
        jurisdiction_path=record.jurisdiction_path,
        amount_fen=expense.amount_fen,
        purpose=expense.purpose,
        chain=expense.chain,
        decisions=[
            api.ReviewDecision(
                step=item.decision.step, reviewer=item.decision.reviewer, approved=item.decision.approved,
                reason=item.decision.reason, decided_by=item.decided_by, decided_at=timestamp(item.decided_at),
            )
            for item in record.decisions
        ],
        state=enum_number(api.ExpenseState, expense.state.value),
        expected_reviewer=expense.expected_reviewer or "",
        submitted_at=timestamp(record.submitted_at),
        submitted_by=expense.submitted_by,
    )


def account_totals(totals: AccountTotals) -> api.AccountTotals:
    return api.AccountTotals(
        ledger_id=totals.ledger_id, received_fen=totals.received_fen, spent_fen=totals.spent_fen,
        gains_fen=totals.gains_fen, balance_fen=totals.balance_fen,
    )


def disclosure_message(disclosure: Disclosure) -> api.Disclosure:
    return api.Disclosure(
        disclosure_id=disclosure.disclosure_id,
        compound_id=disclosure.compound_id,
        period=disclosure.period,
        published_at=timestamp(disclosure.published_at),
        maintenance=account_totals(disclosure.maintenance),
        committee=account_totals(disclosure.committee),
        households=[
            api.HouseholdMovements(
                household_id=household.household_id, deposited_fen=household.deposited_fen,
                charged_fen=household.charged_fen, gains_fen=household.gains_fen, balance_fen=household.balance_fen,
            )
            for household in disclosure.households
        ],
        maintenance_head_hash=disclosure.maintenance_head.hash,
        committee_head_hash=disclosure.committee_head.hash,
        maintenance_head_sequence=disclosure.maintenance_head.sequence,
        committee_head_sequence=disclosure.committee_head.sequence,
        posted_until=timestamp(disclosure.posted_until),
    )


def overdue_message(item: OverdueDisclosure) -> api.OverdueDisclosure:
    found = item.overdue
    return api.OverdueDisclosure(
        compound_id=item.compound_id,
        jurisdiction_path=item.jurisdiction_path,
        subject=enum_number(api.DisclosureSubject, found.subject.value),
        last_published_at=timestamp(found.last_published_at),
        due_at=timestamp(found.due_at),
        period_months=found.period_months,
    )


def audit_message(audit: Audit) -> api.Audit:
    return api.Audit(
        audit_id=audit.audit_id,
        compound_id=audit.compound_id,
        jurisdiction_path=audit.jurisdiction_path,
        period=audit.period,
        auditor=audit.auditor,
        findings=[api.AuditFinding(text=finding.text, amount_fen=finding.amount_fen) for finding in audit.findings],
        recorded_at=timestamp(audit.recorded_at),
    )


def mini_summary_message(summary: MiniFundSummary) -> api.MiniFundSummary:
    return api.MiniFundSummary(
        income_fen=summary.income_fen, repair_count=summary.repair_count,
        repairs_paid_fen=summary.repairs_paid_fen, surplus_fen=summary.surplus_fen,
    )
