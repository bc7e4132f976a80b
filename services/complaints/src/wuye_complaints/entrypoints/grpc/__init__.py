"""gRPC servicers: protobuf in, a command to its handler, protobuf out. No rules here.

One servicer per service of ``wuye.complaints.v1``:

    ComplaintsService     cases.py           service/cases.py, mediation.py, figures.py, hotline.py
    ConsultationService   consultations.py   service/consultation.py
"""

from __future__ import annotations

from collections.abc import Callable

from wuye_chassis.grpc_server import Servicer
from wuye_complaints.entrypoints.grpc import cases, consultations
from wuye_complaints.service.unit_of_work import ComplaintsUnitOfWork


def servicers(unit_of_work: Callable[[], ComplaintsUnitOfWork]) -> list[Servicer]:
    return [module.servicer(unit_of_work) for module in (cases, consultations)]
