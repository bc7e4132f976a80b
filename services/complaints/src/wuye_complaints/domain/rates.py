"""Figures (C4, C5), exact with ``Fraction``; a rate over nothing is ``None``, never 0 or 100 %.

- Over valid callbacks: response = contacted ÷ valid; resolution = solved ÷ valid;
  satisfaction = (satisfied + 9/10 × basically satisfied) ÷ valid.
- Tier split: the share of closed cases closed at each tier against the 70 / 20 / 10 target (seed 000:
  矛盾纠纷70%在村级解决、20%在镇级解决、10%在县级解决). The target is met when at least 70 % close at
  the community and at most 10 % reach the county; the street takes what lies between.
- Year-on-year change: (this period − same period last year) ÷ same period last year. Quanzhou's
  target is a fall of 15 % or more (同比下降15%以上: "以上" includes −15 % itself).

The service computes the counts in SQL; these functions fix what the counts mean.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from wuye_chassis.errors import InvalidArgument
from wuye_chassis.validation import require_count
from wuye_complaints.domain.case import Callback
from wuye_complaints.domain.vocabulary import Satisfaction, Tier

BASICALLY_SATISFIED_WEIGHT = Fraction(9, 10)
TIER_TARGETS: Mapping[Tier, Fraction] = {
    Tier.COMMUNITY: Fraction(70, 100),
    Tier.STREET: Fraction(20, 100),
    Tier.COUNTY: Fraction(10, 100),
}
QUANZHOU_YEAR_ON_YEAR_TARGET = Fraction(-15, 100)


@dataclass(frozen=True)
class CallbackCounts:
    valid: int
    contacted: int
    solved: int
    satisfied: int
    basically_satisfied: int

    def __post_init__(self) -> None:
        for name in ("valid", "contacted", "solved", "satisfied", "basically_satisfied"):
            require_count(getattr(self, name), field=name, rule="C5")
        for name, count in (
            ("contacted", self.contacted),
            ("solved", self.solved),
            ("satisfied", self.satisfied + self.basically_satisfied),
        ):
            if count > self.valid:
                raise InvalidArgument(
                    f"{name} ({count}) cannot exceed the valid callbacks ({self.valid})", field=name, rule="C5"
                )


@dataclass(frozen=True)
class Rates:
    response: Fraction | None
    resolution: Fraction | None
    satisfaction: Fraction | None


def count_callbacks(callbacks: Iterable[Callback]) -> CallbackCounts:
    """Counts over the valid callbacks among ``callbacks``; invalid ones count nowhere."""
    valid = [callback for callback in callbacks if callback.valid]
    return CallbackCounts(
        valid=len(valid),
        contacted=sum(1 for callback in valid if callback.contacted),
        solved=sum(1 for callback in valid if callback.solved),
        satisfied=sum(1 for callback in valid if callback.satisfaction is Satisfaction.SATISFIED),
        basically_satisfied=sum(1 for callback in valid if callback.satisfaction is Satisfaction.BASICALLY_SATISFIED),
    )


def rates(counts: CallbackCounts) -> Rates:
    if counts.valid == 0:
        return Rates(None, None, None)
    satisfied = counts.satisfied + BASICALLY_SATISFIED_WEIGHT * counts.basically_satisfied
    return Rates(
        response=Fraction(counts.contacted, counts.valid),
        resolution=Fraction(counts.solved, counts.valid),
        satisfaction=satisfied / counts.valid,
    )


@dataclass(frozen=True)
class TierShare:
    tier: Tier
    closed: int
    share: Fraction
    target: Fraction

    @property
    def gap(self) -> Fraction:
        """Share minus target: positive means more cases closed at this tier than the target."""
        return self.share - self.target


@dataclass(frozen=True)
class TierSplit:
    total: int
    shares: tuple[TierShare, ...]  # community, street, county

    @property
    def meets_target(self) -> bool:
        by_tier = {share.tier: share.share for share in self.shares}
        community_ok = by_tier[Tier.COMMUNITY] >= TIER_TARGETS[Tier.COMMUNITY]
        return community_ok and by_tier[Tier.COUNTY] <= TIER_TARGETS[Tier.COUNTY]


def tier_split(closed_by_tier: Mapping[Tier, int] | Mapping[str, int]) -> TierSplit | None:
    """Shares of closed cases per tier; ``None`` when nothing closed. Missing tiers count 0."""
    counts = {tier: 0 for tier in Tier}
    for key, count in closed_by_tier.items():
        if key not in counts:
            allowed = ", ".join(tier.value for tier in Tier)
            raise InvalidArgument(f"tier must be one of {allowed}; got {key!r}", field="tier", rule="C4")
        counts[Tier(key)] = require_count(count, field=f"closed_by_tier.{Tier(key).value}", rule="C4")
    total = sum(counts.values())
    if total == 0:
        return None
    shares = tuple(TierShare(tier, counts[tier], Fraction(counts[tier], total), TIER_TARGETS[tier]) for tier in Tier)
    return TierSplit(total, shares)


def year_on_year_change(current: int, previous: int) -> Fraction | None:
    """Relative change against the same period last year; ``None`` without a baseline (previous = 0)."""
    now_count = require_count(current, field="current", rule="C5")
    then_count = require_count(previous, field="previous", rule="C5")
    if then_count == 0:
        return None
    return Fraction(now_count - then_count, then_count)


def meets_year_on_year_target(
    current: int, previous: int, target: Fraction = QUANZHOU_YEAR_ON_YEAR_TARGET
) -> bool | None:
    """True when the change is at or below ``target`` (a fall of at least 15 % for Quanzhou)."""
    change = year_on_year_change(current, previous)
    return None if change is None else change <= target
