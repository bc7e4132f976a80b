"""Uses of the maintenance fund (F4–F7): application, vote or emergency path, works, payment, completion.

The state machine and its refusals are ``domain.maintenance_fund.UseApplication``; the split of a
payment over the benefiting households is ``charge_by_area`` (F4). Each step loads the application,
applies one command and stores it with the ledger postings and events it caused, in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from wuye_chassis import auth
from wuye_chassis.errors import FailedPrecondition, InvalidArgument
from wuye_chassis.ids import new_id
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.money import Fen
from wuye_chassis.validation import parse_choice, require_text
from wuye_funds.domain import commands
from wuye_funds.domain.accounts import SPENDING_KIND, WORKS_PAYEE, household_account
from wuye_funds.domain.events import ReplenishmentRequired, UseApplicationApproved, UseApplicationPaid
from wuye_funds.domain.maintenance_fund import (
    EmergencyCategory,
    PlacedApplication,
    UseApplication,
    UseState,
    charge_by_area,
    needs_replenishment,
)
from wuye_funds.domain.voting import Matter, VoteRecord, tally
from wuye_funds.service import ledger, votes
from wuye_funds.service.maintenance import MANAGERS, household_balances
from wuye_funds.service.unit_of_work import FundsUnitOfWork, in_scope

#: roles that confirm an emergency use for the street and approve payments
STREET_ROLES = ("street_officer", "county_officer")


@dataclass(frozen=True)
class UseVoteOpening:
    application: PlacedApplication
    vote: VoteRecord


@dataclass(frozen=True)
class UsePayment:
    application: PlacedApplication
    #: each benefiting household's share (F4), by household id
    charges: dict[str, Fen]


async def submit_use_application(command: commands.SubmitUseApplication, uow: FundsUnitOfWork) -> PlacedApplication:
    auth.require_role(MANAGERS, action="apply to use the maintenance fund")
    emergency = parse_choice(EmergencyCategory, command.emergency, field="emergency", rule="F6") if command.emergency else None
    application = UseApplication.draft(
        new_id(), plan=command.plan, budget_fen=command.budget_fen, building_ids=list(command.building_ids) or None,
        emergency=emergency,
    )
    async with uow:
        compound = await uow.compound(command.compound_id, action="apply to use the maintenance fund")
        households = await uow.accounts.sub_accounts(compound.compound_id, open_only=True)
        if not households:
            raise FailedPrecondition(
                f"compound {compound.compound_id} has no maintenance fund account", field="compound_id", rule="F2"
            )
        unknown = sorted((application.building_ids or frozenset()) - {sub.building_id for sub in households})
        if unknown:
            raise InvalidArgument(f"no households in building(s) {', '.join(unknown)}", field="building_ids", rule="V6")
        placed = PlacedApplication(application, compound.compound_id, compound.jurisdiction_path)
        await uow.applications.add(placed)
        await uow.commit()
    return placed


async def _placed(
    uow: FundsUnitOfWork, application_id: str, *, action: str, for_update: bool = False
) -> PlacedApplication:
    require_text(application_id, field="application_id", max_length=36)
    return in_scope(
        await uow.applications.get(application_id, for_update=for_update),
        missing=f"use application {application_id} does not exist", field="application_id",
        action=f"{action} a use application",
    )


async def _loaded(uow: FundsUnitOfWork, application_id: str, *, action: str) -> PlacedApplication:
    """The application locked for a change, with its deciding vote's result re-tallied from the stored
    ballots (V7)."""
    placed = await _placed(uow, application_id, action=action, for_update=True)
    if placed.vote_id is not None:
        record = await uow.votes.get(placed.vote_id)
        assert record is not None, "an application's vote is kept (foreign key)"
        if record.result is not None:
            vote = await uow.votes.load(record)
            placed.application.vote_result = tally(
                vote.electorate, vote.matter, vote.ballots, follow_majority=vote.follow_majority
            )
    return placed


async def open_use_vote(command: commands.OpenUseVote, uow: FundsUnitOfWork) -> UseVoteOpening:
    auth.require_role(votes.ORGANISERS, action="put a use application to the owners' vote")
    votes.refuse_sent_roster(command.roster_sent)
    async with uow.reading():
        compound_id = (await _placed(uow, command.application_id, action="put to the vote")).compound_id
    units = await votes.roster_snapshot(uow, compound_id)
    async with uow:
        placed = await _loaded(uow, command.application_id, action="put to the vote")
        placed.application.open_vote()
        compound = await uow.compound(compound_id, action="open an owners' vote")
        vote = await votes.add_vote(
            uow, compound, matter=Matter.USE_MAINTENANCE_FUND, title=placed.application.plan[:200],
            building_ids=placed.application.building_ids, units=units,
        )
        voting = replace(placed, vote_id=vote.vote_id)
        await uow.applications.save(voting)
        await uow.commit()
    return UseVoteOpening(voting, vote)


async def _step(
    uow: FundsUnitOfWork, application_id: str, roles: Sequence[str], action: str,
    change: Callable[[UseApplication], object],
) -> PlacedApplication:
    """Apply one change of the state machine; announce an approval when the change gave one."""
    auth.require_role(roles, action=f"{action} a use application")
    async with uow:
        placed = await _loaded(uow, application_id, action=action)
        was = placed.application.state
        change(placed.application)
        await uow.applications.save(placed)
        if placed.application.state is UseState.APPROVED and was is not UseState.APPROVED:
            await uow.publish(UseApplicationApproved(placed))
        await uow.commit()
    return placed


async def record_committee_review(command: commands.RecordCommitteeReview, uow: FundsUnitOfWork) -> PlacedApplication:
    return await _step(
        uow, command.application_id, MANAGERS, "review",
        lambda application: application.record_committee_review(command.reference),
    )


async def record_street_confirmation(
    command: commands.RecordStreetConfirmation, uow: FundsUnitOfWork
) -> PlacedApplication:
    return await _step(
        uow, command.application_id, STREET_ROLES, "confirm",
        lambda application: application.record_street_confirmation(command.reference),
    )


async def start_works(command: commands.StartWorks, uow: FundsUnitOfWork) -> PlacedApplication:
    return await _step(
        uow, command.application_id, MANAGERS, "start works on", lambda application: application.start_works()
    )


async def request_payment(command: commands.RequestPayment, uow: FundsUnitOfWork) -> PlacedApplication:
    return await _step(
        uow, command.application_id, MANAGERS, "request payment for",
        lambda application: application.request_payment(
            command.actual_cost_fen, settlement_audit=command.settlement_audit or None,
            requested_by=auth.current().user,
        ),
    )


async def complete_use_application(command: commands.CompleteUseApplication, uow: FundsUnitOfWork) -> PlacedApplication:
    return await _step(
        uow, command.application_id, MANAGERS, "complete",
        lambda application: application.complete(disclosure=command.disclosure),
    )


async def pay_use_application(command: commands.PayUseApplication, uow: FundsUnitOfWork) -> UsePayment:
    """Pay the use and charge it to the benefiting households by area (F4), raising F3 notices."""
    payer = auth.require_role(STREET_ROLES, action="pay a use application")
    async with uow:
        placed = await _loaded(uow, command.application_id, action="pay")
        application = placed.application
        amount = application.pay(command.approved_by, paid_by=payer.user)
        account = await uow.accounts.get(placed.compound_id)
        assert account is not None, "an application is filed only for a compound with an account"
        await ledger.locked_ledger(uow, account.ledger_id, action="pay a use application")
        households = [
            sub
            for sub in await uow.accounts.sub_accounts(placed.compound_id, open_only=True)
            if application.building_ids is None or sub.building_id in application.building_ids
        ]
        shares = charge_by_area(amount, {sub.household_id: sub.area_dm2 for sub in households})
        before = await household_balances(uow, account.ledger_id, list(shares))
        overdrawn = sorted(household for household, share in shares.items() if share > before[household])
        if overdrawn:
            raise FailedPrecondition(
                f"the sub-accounts of {', '.join(overdrawn)} cannot cover their shares; replenish them first",
                field="actual_cost_fen",
                rule="F4",
            )
        for household, share in shares.items():
            if share:  # a tiny area can round to a zero share, which is no posting at all
                await ledger.post(
                    uow, account.ledger_id, debit_account_id=WORKS_PAYEE, credit_account_id=household_account(household),
                    amount_fen=share, kind=SPENDING_KIND, memo=f"use application {application.application_id}",
                )
        await uow.applications.save(placed)
        await uow.publish(UseApplicationPaid(placed, shares))
        after = await household_balances(uow, account.ledger_id, list(shares))
        for sub in households:
            first = sub.first_deposit_fen
            if needs_replenishment(after[sub.household_id], first) and not needs_replenishment(before[sub.household_id], first):
                await uow.publish(
                    ReplenishmentRequired(
                        compound_id=placed.compound_id, jurisdiction_path=placed.jurisdiction_path,
                        household_id=sub.household_id, balance_fen=after[sub.household_id], first_deposit_fen=first,
                    )
                )
        await uow.commit()
    return UsePayment(placed, shares)


async def get_use_application(query: commands.GetUseApplication, uow: FundsUnitOfWork) -> PlacedApplication:
    async with uow.reading():
        return await _placed(uow, query.application_id, action="read")


async def list_use_applications(query: commands.ListUseApplications, uow: FundsUnitOfWork) -> list[PlacedApplication]:
    """Up to ``limit`` applications at or below the jurisdiction older than ``before``, newest first."""
    path = str(JurisdictionPath.parse(query.jurisdiction_path))
    state = parse_choice(UseState, query.state, field="state") if query.state else None
    auth.require_access(path, action="list use applications")
    async with uow.reading():
        return await uow.applications.under(path, state=state, before=query.before or None, limit=query.limit)
