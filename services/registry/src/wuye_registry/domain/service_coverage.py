"""Service coverage (O7): every compound classed by who serves it, the compounds no one serves and the
"four-failure" ones (四失小区) listed, and the full-coverage figure for any jurisdiction.

A compound is covered when someone serves it: a property company, a state-owned trusteeship, a 1+N
bundle (a strong company taking several small or old compounds) or its owners themselves. It needs
service when no one does, or when the community or street has found it a four-failure compound (any of
the four: market failure, self-governance failure, no management, residents' loss of trust) — a compound
may be served on paper and still have failed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from wuye_chassis.errors import InvalidArgument
from wuye_chassis.validation import parse_choice
from wuye_registry.domain.coverage import ratio
from wuye_registry.domain.places import ManagementMode


class FourFailure(StrEnum):
    MARKET_FAILURE = "market_failure"  # 市场失灵
    SELF_GOVERNANCE_FAILURE = "self_governance_failure"  # 自治失效
    NO_MANAGEMENT = "no_management"  # 物业失管
    LOST_TRUST = "lost_trust"  # 群众失望


MAX_FAILURES = len(FourFailure)


def parse_four_failures(values: Iterable[object]) -> frozenset[FourFailure]:
    """The failures found (none for a compound that has recovered); each named once."""
    given = list(values)
    found = frozenset(parse_choice(FourFailure, value, field="four_failures", rule="O7") for value in given)
    if len(found) != len(given):
        raise InvalidArgument("each failure is named once", field="four_failures", rule="O7")
    return found


def needs_service(mode: ManagementMode, failures: frozenset[FourFailure]) -> bool:
    return mode is ManagementMode.NONE or bool(failures)


@dataclass(frozen=True)
class ServiceCoverage:
    """A jurisdiction's compounds by who serves them, as the SQL counts them."""

    by_mode: Mapping[ManagementMode, int]
    four_failure_compounds: int
    #: compounds that need service (no one serves them, or they are four-failure compounds)
    needing_service: int

    @property
    def compounds(self) -> int:
        return sum(self.by_mode.values())

    @property
    def covered(self) -> int:
        return self.compounds - self.by_mode.get(ManagementMode.NONE, 0)

    @property
    def full_coverage(self) -> Fraction | None:
        """The share of compounds someone serves; None for a jurisdiction without compounds."""
        return ratio(self.covered, self.compounds, field="covered")
