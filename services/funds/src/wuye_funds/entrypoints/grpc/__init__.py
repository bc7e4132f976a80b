"""gRPC servicers: protobuf in, a command to its handler, protobuf out. No rules here.

One servicer per service of ``wuye.funds.v1``, each over one or two ``service/`` modules:

    LedgerService            ledger.py            service/ledger.py
    VoteService              votes.py             service/votes.py, service/vote_proposals.py
    MaintenanceFundService   maintenance_fund.py  service/maintenance.py, service/applications.py
    CommitteeAccountService  committee_account.py service/committee_account.py
    CommunityFundsService    community_funds.py   service/mini_fund.py, service/neighbour_fund.py
    DisclosureService        disclosures.py       service/disclosures.py, service/disclosure_schedule.py
"""

from __future__ import annotations

from collections.abc import Callable

from wuye_chassis.grpc_server import Servicer
from wuye_funds.entrypoints.grpc import (
    committee_account,
    community_funds,
    disclosures,
    ledger,
    maintenance_fund,
    votes,
)
from wuye_funds.service.unit_of_work import FundsUnitOfWork


def servicers(unit_of_work: Callable[[], FundsUnitOfWork]) -> list[Servicer]:
    return [
        module.servicer(unit_of_work)
        for module in (ledger, votes, maintenance_fund, committee_account, community_funds, disclosures)
    ]
