"""The ratings service as the chassis runs it."""

from __future__ import annotations

from wuye_chassis.app import ServiceDefinition
from wuye_chassis.migrations import Migrations
from wuye_chassis.registry_client import RegistryClient
from wuye_chassis.uow import UnitOfWorkParts
from wuye_ratings.adapters.events import outgoing
from wuye_ratings.adapters.orm import metadata
from wuye_ratings.entrypoints import consumers, grpc
from wuye_ratings.service.unit_of_work import RatingsUnitOfWork
from wuye_ratings.settings import RatingsSettings


def build(settings: RatingsSettings | None = None) -> ServiceDefinition[RatingsUnitOfWork]:
    settings = settings or RatingsSettings()
    # read at build time so a bad weight or policy setting stops the service before it serves
    weights = settings.evaluation_weights()
    policy = settings.list_policy()
    registry = RegistryClient(settings.registry_addr)

    def unit_of_work(parts: UnitOfWorkParts) -> RatingsUnitOfWork:
        return RatingsUnitOfWork(parts, weights, policy, registry,
                                 evaluation_grace_days=settings.evaluation_grace_days)

    return ServiceDefinition(
        settings=settings,
        metadata=metadata,
        migrations=Migrations("wuye_ratings:migrations"),
        unit_of_work=unit_of_work,
        events=outgoing,
        servicers=lambda runtime: [grpc.servicer(runtime.unit_of_work)],
        read_models=consumers.READ_MODELS,
        subscriptions=consumers.subscriptions,
        # the registry client's channel opens and closes with the service
        background=lambda runtime: [registry],
    )
