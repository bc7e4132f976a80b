"""One joint inspection of one compound: a result per checklist line, then completion and findings.

- A result is pass, fail or not applicable, recorded by an inspector of a department that checks the
  item on this plan (the service checks the caller's post, A1; the result names who recorded it), with
  evidence references (ids of stored photos or documents). A failed line needs a severity and at least one piece
  of evidence: a finding may end in a penalty case or in court (E4), and an unsupported one would not
  stand. A result may be corrected until the inspection is completed.
- A result for an item not on the checklist is refused (E2: the checklist is the one list for the visit).
- Completion needs a result for every line (E4: otherwise a failure could go unrecorded). Each failed
  line becomes one finding, id ``<inspection id>/<item code>`` — an item appears once per checklist,
  so the id is unique and the same on every retry.
- Items checked counts passed and failed lines; a line found not applicable was not checked.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from wuye_chassis.errors import FailedPrecondition, InvalidArgument
from wuye_chassis.validation import optional_text, parse_choice, require_moment, require_text
from wuye_chassis.workdays import SHANGHAI
from wuye_enforcement.domain.events import Event, FindingRecorded, InspectionCompleted
from wuye_enforcement.domain.plans import ChecklistLine, JointPlan, separate_visits_saved
from wuye_enforcement.domain.vocabulary import InspectionKind, Severity

NOTE_MAX_LENGTH = 500


class Outcome(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"


class InspectionState(StrEnum):
    OPEN = "open"
    COMPLETED = "completed"


@dataclass(frozen=True)
class ItemResult:
    item_code: str
    outcome: Outcome
    severity: Severity | None  # only for a failed line
    evidence_refs: tuple[str, ...]
    inspector_id: str
    recorded_at: dt.datetime
    note: str | None


@dataclass(frozen=True)
class Finding:
    finding_id: str
    inspection_id: str
    compound_id: str
    jurisdiction_path: str
    company_id: str | None
    item_code: str
    departments: tuple[str, ...]
    severity: Severity
    evidence_refs: tuple[str, ...]
    found_at: dt.datetime


@dataclass(eq=False)
class Inspection:
    inspection_id: str
    plan: JointPlan
    compound_id: str
    jurisdiction_path: str  # the compound's place, which scopes who may see and change the inspection
    company_id: str | None  # the company serving the compound on the day, charged with its findings
    state: InspectionState = InspectionState.OPEN
    results: dict[str, ItemResult] = field(default_factory=dict)
    completed_at: dt.datetime | None = None

    @classmethod
    def start(
        cls, *, inspection_id: str, plan: JointPlan, compound_id: str, jurisdiction_path: str, company_id: str | None
    ) -> Inspection:
        compound = require_text(compound_id, field="compound_id", rule="E2")
        if compound not in plan.compound_ids:
            raise InvalidArgument(f"compound {compound} is not in plan {plan.plan_id}", field="compound_id", rule="E2")
        return cls(
            inspection_id=require_text(inspection_id, field="inspection_id", rule="E2"),
            plan=plan,
            compound_id=compound,
            jurisdiction_path=require_text(jurisdiction_path, field="jurisdiction_path", rule="E2"),
            company_id=optional_text(company_id, field="company_id", rule="E4"),
        )

    @property
    def kind(self) -> InspectionKind:
        return self.plan.kind

    @property
    def checklist(self) -> tuple[ChecklistLine, ...]:
        return self.plan.checklist

    @property
    def items_checked(self) -> int:
        return sum(1 for result in self.results.values() if result.outcome is not Outcome.NOT_APPLICABLE)

    @property
    def separate_visits_saved(self) -> int:
        return separate_visits_saved(len(self.plan.departments))

    @property
    def findings(self) -> tuple[Finding, ...]:
        """The failed lines, in checklist order; final once the inspection is completed."""
        findings: list[Finding] = []
        for line in self.checklist:
            result = self.results.get(line.item_code)
            if result is None or result.outcome is not Outcome.FAIL:
                continue
            assert result.severity is not None  # record_result refuses a failed line without one
            findings.append(
                Finding(
                    finding_id=f"{self.inspection_id}/{line.item_code}",
                    inspection_id=self.inspection_id,
                    compound_id=self.compound_id,
                    jurisdiction_path=self.jurisdiction_path,
                    company_id=self.company_id,
                    item_code=line.item_code,
                    departments=line.departments,
                    severity=result.severity,
                    evidence_refs=result.evidence_refs,
                    found_at=result.recorded_at,
                )
            )
        return tuple(findings)

    def record_result(
        self,
        *,
        item_code: str,
        outcome: Outcome | str,
        inspector_id: str,
        now: dt.datetime,
        evidence_refs: Iterable[str] = (),
        severity: Severity | str | None = None,
        note: str | None = None,
    ) -> None:
        self._require_open("record a result")
        recorded_at = require_moment(now, field="now", rule="E4")
        # a planned visit is made on its day, not before; a complaint-triggered plan's date is the latest
        # day the departments must come by, and they may come sooner
        early = recorded_at.astimezone(SHANGHAI).date() < self.plan.visit_date
        if early and self.plan.kind is not InspectionKind.COMPLAINT_TRIGGERED:
            raise FailedPrecondition(
                f"results of plan {self.plan.plan_id} are recorded on or after its visit date "
                f"{self.plan.visit_date.isoformat()}, not on {recorded_at.astimezone(SHANGHAI).date().isoformat()}",
                field="visit_date", rule="E2",
            )
        code = require_text(item_code, field="item_code", rule="E2")
        if self.plan.line(code) is None:
            raise InvalidArgument(
                f"item {code!r} is not on the checklist of plan {self.plan.plan_id}", field="item_code", rule="E2"
            )
        inspector = require_text(inspector_id, field="inspector_id", rule="E2")
        result = parse_choice(Outcome, outcome, field="outcome", rule="E4")
        if isinstance(evidence_refs, str):
            raise InvalidArgument("evidence_refs must be a list of references", field="evidence_refs", rule="E4")
        evidence = tuple(dict.fromkeys(require_text(ref, field="evidence_refs", rule="E4") for ref in evidence_refs))
        grade = None if severity is None else parse_choice(Severity, severity, field="severity", rule="E4")
        if result is Outcome.FAIL:
            if grade is None:
                raise InvalidArgument("a failed item needs a severity", field="severity", rule="E4")
            if not evidence:
                raise InvalidArgument("a failed item needs at least one evidence reference", field="evidence_refs", rule="E4")
        elif grade is not None:
            raise InvalidArgument(f"only a failed item has a severity, not a {result.value} one", field="severity", rule="E4")
        self.results[code] = ItemResult(
            item_code=code,
            outcome=result,
            severity=grade,
            evidence_refs=evidence,
            inspector_id=inspector,
            recorded_at=recorded_at,
            note=optional_text(note, field="note", rule="E4", max_length=NOTE_MAX_LENGTH),
        )

    def complete(self, *, now: dt.datetime) -> list[Event]:
        self._require_open("complete it")
        at = require_moment(now, field="now", rule="E4")
        missing = [line.item_code for line in self.checklist if line.item_code not in self.results]
        if missing:
            raise FailedPrecondition(
                f"every checklist item needs a result before completion; missing: {', '.join(missing)}",
                field="results",
                rule="E4",
            )
        self.state, self.completed_at = InspectionState.COMPLETED, at
        findings = self.findings
        events: list[Event] = [
            InspectionCompleted(
                inspection_id=self.inspection_id,
                plan_id=self.plan.plan_id,
                compound_id=self.compound_id,
                jurisdiction_path=self.jurisdiction_path,
                kind=self.kind,
                at=at,
                items_checked=self.items_checked,
                findings=len(findings),
                separate_visits_saved=self.separate_visits_saved,
            )
        ]
        events.extend(
            FindingRecorded(
                finding_id=finding.finding_id,
                inspection_id=self.inspection_id,
                compound_id=self.compound_id,
                jurisdiction_path=self.jurisdiction_path,
                company_id=self.company_id,
                item_code=finding.item_code,
                severity=finding.severity,
                at=at,
            )
            for finding in findings
        )
        return events

    def _require_open(self, action: str) -> None:
        if self.state is not InspectionState.OPEN:
            raise FailedPrecondition(
                f"inspection {self.inspection_id} is {self.state.value}; cannot {action}", field="state", rule="E4"
            )
