"""Hotline analysis (H1) and a compound's service list (H2): what the complaints of a period say.

H1 breaks a jurisdiction's complaints of a period down by category, channel, tier, company and compound,
each count beside the same period a year before, and ranks the top problems (categories) and the hotspot
compounds. H2 turns one compound's complaint history into its service list (服务清单): its top problems,
each with the party that held most of those cases and the period's count.

Counting is done in SQL (``adapters/hotline.py``); here the counts become rankings. A ranking orders by
count, then by the key, so equal counts always come out in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction

from wuye_complaints.domain.rates import year_on_year_change

DEFAULT_TOP = 10
MAX_TOP = 50
#: who holds a case that is not dispatched to a company: the community (社区承办)
COMMUNITY = "community"
COMPANY = "company"


@dataclass(frozen=True)
class Count:
    """One line of a breakdown: a key (a category code, a channel, a compound id …), its count in the
    period and in the same period a year before."""

    key: str
    count: int
    last_year: int

    @property
    def change(self) -> Fraction | None:
        """The change on the year before (C5's year-on-year), None when there was nothing to compare with."""
        return year_on_year_change(self.count, self.last_year)


def breakdown(now: Mapping[str, int], last_year: Mapping[str, int]) -> list[Count]:
    """Every key of either period, the largest count first (then by key): a key that had complaints a year
    ago and none now is listed with 0, since its fall is part of the picture."""
    keys = set(now) | set(last_year)
    lines = [Count(key, now.get(key, 0), last_year.get(key, 0)) for key in keys]
    return sorted(lines, key=lambda line: (-line.count, line.key))


def top(lines: Iterable[Count], limit: int) -> list[Count]:
    """The first ``limit`` lines that have complaints in the period (a ranking of problems)."""
    return [line for line in lines if line.count > 0][:limit]


def most_frequent(counts: Mapping[str, int]) -> str:
    """The key with the largest count (the first by key among equals), as the rankings order them."""
    return min(counts, key=lambda key: (-counts[key], key))


@dataclass(frozen=True)
class Responsible:
    """Who held a compound's cases of one category: its property company (by id) or the community."""

    kind: str
    company_id: str


@dataclass(frozen=True)
class ServiceListItem:
    category: str
    count: int
    responsible: Responsible


def service_list(held: Mapping[tuple[str, str | None], int], limit: int) -> list[ServiceListItem]:
    """H2: the compound's top problems from the counts of its cases by (category, company holding them or
    None for the community); each problem is answered by the party that held most of its cases (the
    company on a tie, since it is the one bound to serve)."""
    by_category: dict[str, dict[str | None, int]] = {}
    for (category, company_id), count in held.items():
        by_category.setdefault(category, {})[company_id] = count
    items = []
    for category, holders in by_category.items():
        holder = max(holders, key=lambda company: (holders[company], company is not None, company or ""))
        responsible = Responsible(COMMUNITY, "") if holder is None else Responsible(COMPANY, holder)
        items.append(ServiceListItem(category, sum(holders.values()), responsible))
    return sorted(items, key=lambda item: (-item.count, item.category))[:limit]
