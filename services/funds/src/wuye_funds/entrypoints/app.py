"""The funds service as the chassis runs it."""

from __future__ import annotations

from wuye_chassis.app import ServiceDefinition
from wuye_chassis.migrations import Migrations
from wuye_chassis.registry_client import RegistryClient
from wuye_chassis.uow import UnitOfWorkParts
from wuye_funds.adapters.events import outgoing
from wuye_funds.adapters.gauges import gauges
from wuye_funds.adapters.ledger_signing import LedgerSigner
from wuye_funds.adapters.orm import metadata
from wuye_funds.adapters.registry_facts import RegistryOverGrpc
from wuye_funds.domain.disclosure_schedule import Subject
from wuye_funds.entrypoints import consumers, grpc, schedulers
from wuye_funds.service.unit_of_work import FundsUnitOfWork
from wuye_funds.settings import FundsSettings


def build(settings: FundsSettings | None = None) -> ServiceDefinition[FundsUnitOfWork]:
    settings = settings or FundsSettings()
    registry = RegistryClient(settings.registry_addr)
    registry_facts = RegistryOverGrpc(registry)
    disclosure_months = {
        Subject.COMMON_INCOME: settings.income_disclosure_months,
        Subject.MAINTENANCE_FUND: settings.maintenance_disclosure_months,
    }

    signer = LedgerSigner.from_settings(settings)

    def unit_of_work(parts: UnitOfWorkParts) -> FundsUnitOfWork:
        return FundsUnitOfWork(parts, registry_facts, disclosure_months, signer, settings.vote_objection_days)

    return ServiceDefinition(
        settings=settings,
        metadata=metadata,
        migrations=Migrations("wuye_funds:migrations"),
        unit_of_work=unit_of_work,
        events=outgoing,
        servicers=lambda runtime: grpc.servicers(runtime.unit_of_work),
        read_models=consumers.READ_MODELS,
        subscriptions=consumers.subscriptions,
        # the registry client's channel opens and closes with the service
        background=lambda runtime: [registry, schedulers.disclosure_overdue(runtime, settings)],
        gauges=lambda runtime: gauges(disclosure_months),
    )
