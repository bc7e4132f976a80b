"""gRPC servicers: protobuf in, a command to its handler, protobuf out. No rules here.

One servicer per service of ``wuye.enforcement.v1``:

    EnforcementService   inspections.py   service/catalogue.py, plans.py, inspections.py, orders.py, figures.py
    SupervisionService   supervision.py   service/supervision.py
"""

from __future__ import annotations

from collections.abc import Callable

from wuye_chassis.grpc_server import Servicer
from wuye_enforcement.entrypoints.grpc import inspections, supervision
from wuye_enforcement.service.unit_of_work import EnforcementUnitOfWork


def servicers(unit_of_work: Callable[[], EnforcementUnitOfWork]) -> list[Servicer]:
    return [module.servicer(unit_of_work) for module in (inspections, supervision)]
