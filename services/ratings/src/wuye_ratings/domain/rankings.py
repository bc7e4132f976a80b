"""Rankings of the companies of a jurisdiction by credit score (公开评: quality made visible).

Best score first; equal exact scores share a rank and the next rank skips (1, 2, 2, 4), so a tie never
looks like a lead. Ties are listed by company id so the order is stable between reads.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from wuye_ratings.domain.credit import CreditScore


@dataclass(frozen=True)
class Ranked:
    rank: int
    score: CreditScore


def rank(scores: Iterable[CreditScore]) -> list[Ranked]:
    ordered = sorted(scores, key=lambda score: (-score.score, score.company_id))
    ranked: list[Ranked] = []
    for position, score in enumerate(ordered, start=1):
        tied = ranked and ranked[-1].score.score == score.score
        ranked.append(Ranked(ranked[-1].rank if tied else position, score))
    return ranked
