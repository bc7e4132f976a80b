"""What the funds service consumes: the registry's jurisdiction directory (a read model the chassis
keeps) and the ratings service's advice to end a company's contract (R4), which becomes matter-4 vote
proposals."""

from __future__ import annotations

from wuye.ratings.v1 import events_pb2 as ratings_events
from wuye_chassis import compounds, directory
from wuye_chassis.app import ServiceRuntime
from wuye_chassis.bus import event_type_of
from wuye_chassis.inbox import ReceivedEvent, Subscription
from wuye_funds.domain import commands
from wuye_funds.service import vote_proposals
from wuye_funds.service.unit_of_work import FundsUnitOfWork

READ_MODELS = (directory.JURISDICTIONS, compounds.COMPOUNDS)


async def on_contract_end_advised(event: ReceivedEvent, uow: FundsUnitOfWork) -> None:
    advice = event.parse(ratings_events.ContractEndAdvised)
    await vote_proposals.propose_contract_end_votes(
        commands.ProposeContractEndVotes(
            source_event_id=event.event_id,
            company_id=advice.company_id,
            # the list's period: a quarter of black lists (R4) or a year of yellow lists (R7); events
            # published before R7 carry the quarter only
            quarter=advice.period or advice.quarter,
            jurisdiction_path=advice.jurisdiction_path,
            compound_ids=tuple(advice.compound_ids),
            matter=advice.matter,
        ),
        uow,
    )


def subscriptions(runtime: ServiceRuntime[FundsUnitOfWork]) -> list[Subscription[FundsUnitOfWork]]:
    return [
        Subscription(
            durable=f"{runtime.settings.service_name}-contract-end-advice",
            handlers={event_type_of(ratings_events.ContractEndAdvised): on_contract_end_advised},
        )
    ]
