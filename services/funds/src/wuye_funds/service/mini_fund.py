"""Compound mini maintenance fund (小公维金, P4): surcharges in, small repairs out, summary published.

The fund's money is an account in the compound's mini ledger (``domain.accounts``); surcharges come
from the surcharges account and repairs are paid to the repairs payee. The published summary is computed
from the unreversed postings, so it always agrees with the hash-chained ledger.
"""

from __future__ import annotations

from dataclasses import dataclass

from wuye_chassis import auth
from wuye_chassis.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.money import Fen
from wuye_chassis.validation import require_text
from wuye_funds.adapters.community_funds import MiniFund
from wuye_funds.adapters.ledger import Ledger
from wuye_funds.domain import commands
from wuye_funds.domain.accounts import (
    HOUSEHOLD_ID_MAX_LENGTH,
    MINI_ACCOUNT,
    REPAIR_KIND,
    REPAIR_PAYEE,
    SURCHARGE_ACCOUNT,
    SURCHARGE_KIND,
    mini_ledger_id,
)
from wuye_funds.domain.events import MiniFundRepairPaid
from wuye_funds.domain.mini_fund import (
    MiniFundSummary,
    monthly_surcharge_fen,
    require_surplus_covers,
    summarise,
    surcharge_of_households,
)
from wuye_funds.service import ledger
from wuye_funds.service.ledger import PostedEntry
from wuye_funds.service.maintenance import MANAGERS
from wuye_funds.service.unit_of_work import FundsUnitOfWork


@dataclass(frozen=True)
class MiniFundView:
    fund: MiniFund
    summary: MiniFundSummary


@dataclass(frozen=True)
class MiniFundPosting:
    """A surcharge collected or a repair paid: its debit leg and the fund afterwards."""

    amount_fen: Fen
    entry: PostedEntry
    fund: MiniFundView


@dataclass(frozen=True)
class MiniFundFigures:
    jurisdiction_path: str
    compounds: int
    summary: MiniFundSummary


async def open_mini_fund(command: commands.OpenMiniFund, uow: FundsUnitOfWork) -> MiniFundView:
    auth.require_role(MANAGERS, action="open a mini fund")
    # a one-m² month validates the rate the same way every later surcharge will use it
    monthly_surcharge_fen(command.rate_fen_per_m2_month, 100)
    async with uow:
        compound = await uow.compound(command.compound_id, action="open a mini fund")
        if await uow.mini_funds.get(compound.compound_id) is not None:
            raise AlreadyExists(f"compound {compound.compound_id} already has a mini fund", field="compound_id", rule="P4")
        ledger_id = mini_ledger_id(compound.compound_id)
        await uow.ledgers.create(Ledger(ledger_id, compound.compound_id, compound.jurisdiction_path))
        await uow.mini_funds.add(
            MiniFund(compound.compound_id, compound.jurisdiction_path, ledger_id, command.rate_fen_per_m2_month)
        )
        view = await _view(uow, await _fund(uow, compound.compound_id, action="open a mini fund"))
        await uow.commit()
    return view


async def collect_mini_fund_surcharge(command: commands.CollectMiniFundSurcharge, uow: FundsUnitOfWork) -> MiniFundPosting:
    auth.require_role(MANAGERS, action="collect a mini fund surcharge")
    compound_id = require_text(command.compound_id, field="compound_id", max_length=64)
    household_id, areas_dm2 = await _charged_areas(uow, compound_id, command.household_id, command.area_dm2)
    async with uow:
        fund = await _fund(uow, compound_id, action="collect a mini fund surcharge")
        amount = surcharge_of_households(fund.rate_fen_per_m2_month, areas_dm2, command.months)
        await ledger.locked_ledger(uow, fund.ledger_id, action="collect a mini fund surcharge")
        payer = f"household {household_id}" if household_id else "every household"
        debit, _ = await ledger.post(
            uow, fund.ledger_id, debit_account_id=MINI_ACCOUNT, credit_account_id=SURCHARGE_ACCOUNT,
            amount_fen=amount, kind=SURCHARGE_KIND, memo=f"{payer}, {command.months} month(s)",
        )
        view = await _view(uow, fund)
        await uow.commit()
    return MiniFundPosting(amount, debit, view)


async def _charged_areas(
    uow: FundsUnitOfWork, compound_id: str, household_id: str, sent_area_dm2: int
) -> tuple[str, list[int]]:
    """A4 on P4: the surcharge is charged on the registry's exclusive area of each household charged: one
    household of the compound or (no household named) all of them; an area sent along must be the registry's
    (of all of them: their sum)."""
    household_id = household_id.strip()
    if household_id:
        require_text(household_id, field="household_id", rule="P4", max_length=HOUSEHOLD_ID_MAX_LENGTH)
        home = await uow.registry.household(household_id)
        if home.compound_id != compound_id:
            raise NotFound(f"household {household_id} is not a unit of compound {compound_id} in the registry",
                           field="household_id", rule="A4")
        areas_dm2 = [home.area_dm2]
    else:
        areas_dm2 = [unit.area_dm2 for unit in await uow.registry.owner_roster(compound_id)]
    area_dm2 = sum(areas_dm2)
    if sent_area_dm2 and sent_area_dm2 != area_dm2:
        raise InvalidArgument(
            f"the registry's exclusive area is {area_dm2} dm², not {sent_area_dm2}; send 0 or the registry's",
            field="area_dm2", rule="A4",
        )
    return household_id, areas_dm2


async def pay_mini_fund_repair(command: commands.PayMiniFundRepair, uow: FundsUnitOfWork) -> MiniFundPosting:
    auth.require_role(MANAGERS, action="pay a mini fund repair")
    purpose = require_text(command.purpose, field="purpose", rule="P4", max_length=500)
    async with uow:
        fund = await _fund(uow, command.compound_id, action="pay a mini fund repair")
        await ledger.locked_ledger(uow, fund.ledger_id, action="pay a mini fund repair")
        amount = require_surplus_covers(await _summary(uow, fund.ledger_id), command.amount_fen)
        debit, _ = await ledger.post(
            uow, fund.ledger_id, debit_account_id=REPAIR_PAYEE, credit_account_id=MINI_ACCOUNT,
            amount_fen=amount, kind=REPAIR_KIND, memo=purpose,
        )
        view = await _view(uow, fund)
        await uow.publish(
            MiniFundRepairPaid(
                compound_id=fund.compound_id, jurisdiction_path=fund.jurisdiction_path, amount_fen=amount,
                purpose=purpose, sequence=debit.entry.sequence, summary=view.summary,
            )
        )
        await uow.commit()
    return MiniFundPosting(amount, debit, view)


async def get_mini_fund(query: commands.GetMiniFund, uow: FundsUnitOfWork) -> MiniFundView:
    async with uow.reading():
        return await _view(uow, await _fund(uow, query.compound_id, action="read a mini fund"))


async def published_summary(uow: FundsUnitOfWork, compound_id: str) -> MiniFundSummary | None:
    """The public summary for the transparency page, None when the compound has no mini fund."""
    fund = await uow.mini_funds.get(compound_id)
    return None if fund is None else await _summary(uow, fund.ledger_id)


async def get_mini_fund_figures(query: commands.GetMiniFundFigures, uow: FundsUnitOfWork) -> MiniFundFigures:
    """Published figures of every mini fund at or below a jurisdiction (open to anyone, nothing personal)."""
    path = str(JurisdictionPath.parse(query.jurisdiction_path))
    collections: list[Fen] = []
    repairs: list[Fen] = []
    async with uow.reading():
        funds = await uow.mini_funds.under(path)
        for fund in funds:
            collected, paid = await _postings(uow, fund.ledger_id)
            collections += collected
            repairs += paid
    return MiniFundFigures(path, len(funds), summarise(collections, repairs))


async def _fund(uow: FundsUnitOfWork, compound_id: str, *, action: str) -> MiniFund:
    await uow.compound(compound_id, action=action)
    fund = await uow.mini_funds.get(compound_id)
    if fund is None:
        raise FailedPrecondition(f"compound {compound_id} has no mini fund", field="compound_id", rule="P4")
    return fund


async def _postings(uow: FundsUnitOfWork, ledger_id: str) -> tuple[list[Fen], list[Fen]]:
    collected = await uow.ledgers.unreversed_amounts(ledger_id, account_id=MINI_ACCOUNT, kind=SURCHARGE_KIND)
    paid = await uow.ledgers.unreversed_amounts(ledger_id, account_id=REPAIR_PAYEE, kind=REPAIR_KIND)
    return collected, paid


async def _summary(uow: FundsUnitOfWork, ledger_id: str) -> MiniFundSummary:
    return summarise(*await _postings(uow, ledger_id))


async def _view(uow: FundsUnitOfWork, fund: MiniFund) -> MiniFundView:
    return MiniFundView(fund, await _summary(uow, fund.ledger_id))
