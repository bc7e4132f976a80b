"""Joint inspection plans (E2) and the routine frequency limit (E3).

E2 — one checklist, one visit. A plan takes the items every inspecting department would check (each
department's list may repeat items another department also lists) and merges them by item code: an item
appears once, with every inspecting department that checks it attached, lead first. A plan covers one
compound or a batch of compounds that share the same scenarios, so one checklist fits them all; each
compound gets one visit on the plan's date by the plan's team (inspectors from each department).

Separate visits saved, per compound: the number of distinct departments on the checklist (each would
otherwise have come on its own) minus the one joint visit; for a plan, that times the compounds it
covers. A department with nothing to check is refused rather than counted, so the figure cannot be
inflated by listing idle departments.

E3 — routine joint inspections of one compound: at most ``max_routine`` (default 1) per window.
Complaint-triggered, special and follow-up (回头看) checks are exempt and must say what they rest on
(the complaint case, the campaign, the rectification order), so the exemption cannot be used blindly.

- Rolling window (default): no 12-month span [d, same day next year) may hold more than ``max_routine``
  routine visits. With the default, after a visit on 2026-03-10 the next may be on 2027-03-10, not on
  2027-03-09. A visit on 29 February blocks until 28 February of the next year (``add_years``).
- Calendar-year window: at most ``max_routine`` routine visits dated in the same calendar year, so
  2026-12-31 and 2027-01-01 are both allowed.

Every routine visit on record counts, including planned ones not yet made: they are the visits the
compound is going to get.

Staffing — a plan's team lists the departments that inspect (A1: who may record a result, complete a
visit or re-check an order is decided by the caller's registry post, a department_inspector of one of
those departments, never by a name in the plan). Each department may name the people it sends, for the
visit's paperwork: a complaint-triggered plan starts with none named, a department's own inspector names
its department's people (no department staffs another's), and the county officer coordinating the joint
visit may name any department's. The names are fixed once any visit of the plan has been completed: the
results on record name the inspectors who made them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from enum import StrEnum

from wuye_chassis.errors import FailedPrecondition, InvalidArgument, PermissionDenied
from wuye_chassis.validation import add_years, optional_text, parse_choice, require_date, require_text, require_whole
from wuye_enforcement.domain.catalogue import InspectionItem
from wuye_enforcement.domain.vocabulary import InspectionKind


class LimitWindow(StrEnum):
    ROLLING_YEAR = "rolling_year"
    CALENDAR_YEAR = "calendar_year"


@dataclass(frozen=True)
class FrequencyLimit:
    max_routine: int = 1
    window: LimitWindow = LimitWindow.ROLLING_YEAR

    def __post_init__(self) -> None:
        require_whole(self.max_routine, field="max_routine", rule="E3", minimum=1)
        object.__setattr__(self, "window", parse_choice(LimitWindow, self.window, field="window", rule="E3"))

    @property
    def description(self) -> str:
        span = "12 months" if self.window is LimitWindow.ROLLING_YEAR else "calendar year"
        return f"at most {self.max_routine} routine joint inspection(s) per {span}"


@dataclass(frozen=True)
class ScheduledVisit:
    """One visit to one compound, made or planned; the history the frequency limit is checked against."""

    compound_id: str
    kind: InspectionKind
    visit_date: dt.date


def check_frequency(
    *,
    compound_id: str,
    kind: InspectionKind,
    visit_date: dt.date,
    history: Iterable[ScheduledVisit],
    limit: FrequencyLimit,
) -> None:
    """Refuse a routine visit that would break the limit (E3), naming the visit it collides with."""
    if not kind.frequency_limited:
        return
    routine_dates = sorted(
        visit.visit_date
        for visit in history
        if visit.compound_id == compound_id and visit.kind.frequency_limited
    )
    if limit.window is LimitWindow.CALENDAR_YEAR:
        colliding = [day for day in routine_dates if day.year == visit_date.year]
        if len(colliding) < limit.max_routine:
            return
    else:
        colliding = _fullest_rolling_window(routine_dates, visit_date, limit.max_routine)
        if not colliding:
            return
    previous = min(colliding, key=lambda day: abs((day - visit_date).days))
    raise FailedPrecondition(
        f"compound {compound_id} has a routine joint inspection on {previous.isoformat()}; "
        f"{limit.description}, so {visit_date.isoformat()} is refused",
        field="visit_date",
        rule="E3",
        metadata={"previous_inspection_date": previous.isoformat(), "compound_id": compound_id},
    )


def _fullest_rolling_window(routine_dates: list[dt.date], visit_date: dt.date, max_routine: int) -> list[dt.date]:
    """The recorded dates of a 12-month window that would hold more than ``max_routine`` visits with the new
    one, or ``[]``. Only windows starting on a visit date need checking: any other window holding the same
    visits can be moved to start on its earliest one."""
    for start in sorted({*routine_dates, visit_date}):
        end = add_years(start, 1)
        if not start <= visit_date < end:
            continue
        inside = [day for day in routine_dates if start <= day < end]
        if len(inside) + 1 > max_routine:
            return inside
    return []


@dataclass(frozen=True)
class ChecklistLine:
    item_code: str
    content: str
    legal_basis: str
    standard: str
    departments: tuple[str, ...]  # the inspecting departments that check it, the lead first when inspecting


@dataclass(frozen=True)
class JointPlan:
    plan_id: str
    kind: InspectionKind
    basis: str | None  # the complaint case, campaign or rectification order an exempt check rests on
    visit_date: dt.date
    compound_ids: tuple[str, ...]
    checklist: tuple[ChecklistLine, ...]
    #: department code → the people it names for the visit (informational; may be empty)
    inspectors: Mapping[str, tuple[str, ...]]

    @property
    def departments(self) -> tuple[str, ...]:
        """The distinct departments on the checklist, in checklist order."""
        return tuple(dict.fromkeys(code for line in self.checklist for code in line.departments))

    @property
    def separate_visits_saved(self) -> int:
        return separate_visits_saved(len(self.departments)) * len(self.compound_ids)

    @property
    def visits(self) -> tuple[ScheduledVisit, ...]:
        return tuple(ScheduledVisit(compound_id, self.kind, self.visit_date) for compound_id in self.compound_ids)

    def line(self, item_code: str) -> ChecklistLine | None:
        return next((line for line in self.checklist if line.item_code == item_code), None)

    def assign_inspectors(
        self, *, department: str, inspector_ids: Iterable[str], assigner: Assigner, completed_visits: int
    ) -> JointPlan:
        """The plan with ``department``'s team replaced (see Staffing in the module notes)."""
        code = require_text(department, field="department", rule="E2")
        if code not in self.inspectors:
            raise InvalidArgument(
                f"department {code} is not on plan {self.plan_id} (teams: {', '.join(self.inspectors)})",
                field="department",
                rule="E2",
            )
        if not assigner.coordinates_visits and assigner.department != code:
            raise PermissionDenied(
                f"an inspector of {assigner.department or 'no department'} cannot staff department {code}",
                field="department",
                rule="E2",
            )
        if require_whole(completed_visits, field="completed_visits", rule="E2") > 0:
            raise FailedPrecondition(
                f"plan {self.plan_id} has a completed visit; its team is on record", field="plan_id", rule="E2"
            )
        if isinstance(inspector_ids, str):
            raise InvalidArgument("inspector_ids must be a list of inspector ids", field="inspector_ids", rule="E2")
        people = tuple(dict.fromkeys(require_text(person, field="inspector_ids", rule="E2") for person in inspector_ids))
        if not people:
            raise InvalidArgument(f"department {code} needs at least one inspector", field="inspector_ids", rule="E2")
        return replace(self, inspectors={**self.inspectors, code: people})


@dataclass(frozen=True)
class Assigner:
    """Who staffs a team: a department's inspector, or the county officer coordinating the visit."""

    department: str | None
    coordinates_visits: bool


def separate_visits_saved(departments: int) -> int:
    """For one compound: the departments that would each have visited, minus the one joint visit."""
    return max(departments - 1, 0)


def plan_joint_inspection(
    *,
    plan_id: str,
    kind: InspectionKind | str,
    compound_ids: Iterable[str],
    visit_date: dt.date,
    scenarios: Iterable[str],
    inspectors: Mapping[str, Iterable[str]],
    department_items: Iterable[InspectionItem],
    history: Iterable[ScheduledVisit],
    limit: FrequencyLimit,
    basis: str | None = None,
) -> JointPlan:
    """One plan for one compound or a batch: the merged checklist, one visit each, the E3 limit checked.

    ``department_items`` are the items each inspecting department brings, concatenated; an item listed
    by several departments is merged into one checklist line. Items outside ``scenarios`` or checked by
    no inspecting department are left out. All or nothing: one compound over the limit refuses the plan.
    """
    plan_kind = parse_choice(InspectionKind, kind, field="kind", rule="E3")
    day = require_date(visit_date, field="visit_date", rule="E2")
    compounds = _compound_ids(compound_ids)
    team = _team(inspectors)
    plan_basis = optional_text(basis, field="basis", rule="E3")
    if not plan_kind.frequency_limited and plan_basis is None:
        raise InvalidArgument(
            f"a {plan_kind.value} inspection must name what it rests on (complaint case, campaign or order)",
            field="basis",
            rule="E3",
        )
    wanted_scenarios = frozenset(require_text(scenario, field="scenarios", rule="E2") for scenario in scenarios)
    checklist = merge_checklist(department_items, wanted_scenarios, frozenset(team))
    if not checklist:
        raise InvalidArgument("the plan has nothing to check", field="department_items", rule="E2")
    checked_by = {code for line in checklist for code in line.departments}
    idle = [department for department in team if department not in checked_by]
    if idle:
        raise InvalidArgument(
            f"department(s) {', '.join(idle)} have no item to check in this plan; leave them out of the visit",
            field="inspectors",
            rule="E2",
        )
    recorded = tuple(history)
    for compound_id in compounds:
        check_frequency(compound_id=compound_id, kind=plan_kind, visit_date=day, history=recorded, limit=limit)
    return JointPlan(
        plan_id=require_text(plan_id, field="plan_id", rule="E2"),
        kind=plan_kind,
        basis=plan_basis,
        visit_date=day,
        compound_ids=compounds,
        checklist=checklist,
        inspectors=team,
    )


def merge_checklist(
    department_items: Iterable[InspectionItem], scenarios: frozenset[str], inspecting: frozenset[str]
) -> tuple[ChecklistLine, ...]:
    """The applicable items once each, by item code, in the order first seen (E2)."""
    merged: dict[str, InspectionItem] = {}
    for item in department_items:
        if item.scenario not in scenarios or not inspecting.intersection(item.departments):
            continue
        known = merged.setdefault(item.code, item)
        if known != item:
            # two versions of one item would leave the checklist ambiguous about what is checked
            raise InvalidArgument(
                f"item {item.code!r} is listed twice with different contents", field="department_items", rule="E2"
            )
    return tuple(
        ChecklistLine(
            item_code=item.code,
            content=item.content,
            legal_basis=item.legal_basis,
            standard=item.standard,
            departments=tuple(code for code in item.departments if code in inspecting),
        )
        for item in merged.values()
    )


def _compound_ids(compound_ids: Iterable[str]) -> tuple[str, ...]:
    if isinstance(compound_ids, str):
        raise InvalidArgument("compound_ids must be a list of compound ids", field="compound_ids", rule="E2")
    compounds: list[str] = []
    for compound_id in compound_ids:
        text = require_text(compound_id, field="compound_ids", rule="E2")
        if text in compounds:
            raise InvalidArgument(f"compound {text} is listed twice", field="compound_ids", rule="E2")
        compounds.append(text)
    if not compounds:
        raise InvalidArgument("a plan needs at least one compound", field="compound_ids", rule="E2")
    return tuple(compounds)


def _team(inspectors: Mapping[str, Iterable[str]]) -> dict[str, tuple[str, ...]]:
    """The inspecting departments with the people each names (none named is fine: authority is the post)."""
    team: dict[str, tuple[str, ...]] = {}
    for department, people in inspectors.items():
        code = require_text(department, field="inspectors", rule="E2")
        if isinstance(people, str):
            raise InvalidArgument(
                f"inspectors of {code} must be a list of inspector ids", field="inspectors", rule="E2"
            )
        team[code] = tuple(dict.fromkeys(require_text(person, field="inspectors", rule="E2") for person in people))
    if not team:
        raise InvalidArgument("a joint visit needs inspectors from at least one department", field="inspectors", rule="E2")
    return team
