"""Candidate reserve pool (储备库) with negative-list screening (O5, 负面清单).

The rule set is configurable: ``NegativeList.from_codes`` picks rules by code (a city setting) and a
rule may be added with its own predicate. Screening runs every rule and keeps every reason, so a
screened-out candidate's record shows all that disqualified them, not only the first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from wuye_chassis.errors import FailedPrecondition, InvalidArgument
from wuye_chassis.validation import add_years, parse_choice, require_count, require_date, require_text
from wuye_registry.domain.companies import validate_uscc
from wuye_registry.domain.places import require_code

DEFAULT_SENTENCE_COOLING_OFF_YEARS = 5


class Relation(StrEnum):
    SELF = "self"  # 本人
    SPOUSE = "spouse"  # 配偶
    DIRECT_RELATIVE = "direct_relative"  # 直系亲属


class TieKind(StrEnum):
    EMPLOYMENT = "employment"  # works for the company
    STAKE = "stake"  # holds shares or another interest in it


class ReservePosition(StrEnum):
    OWNERS_COMMITTEE_CHAIR = "owners_committee_chair"  # 业委会主任
    OWNERS_COMMITTEE_MEMBER = "owners_committee_member"  # 业委会委员
    BRANCH_SECRETARY = "branch_secretary"  # 小区党支部书记


@dataclass(frozen=True)
class CompanyTie:
    """The candidate, their spouse or a direct relative works for or has a stake in a company."""

    company_uscc: str
    relation: Relation
    kind: TieKind

    @classmethod
    def create(cls, *, company_uscc: str, relation: str | Relation, kind: str | TieKind) -> CompanyTie:
        return cls(
            company_uscc=validate_uscc(company_uscc, field="company_uscc"),
            relation=parse_choice(Relation, relation, field="relation"),
            kind=parse_choice(TieKind, kind, field="kind"),
        )


@dataclass(frozen=True)
class CandidateFacts:
    """What the screening needs to know about one candidate, gathered by the caller."""

    person_key: str
    uncorrected_illegal_construction: bool = False  # 违法建设 or damage to the structure, not corrected
    unpaid_property_fees: bool = False
    unpaid_fund_deposits: bool = False  # maintenance fund deposits owed
    company_ties: tuple[CompanyTie, ...] = ()
    listed_judgment_defaulter: bool = False  # 失信被执行人
    serving_sentence: bool = False
    sentence_completed_on: date | None = None  # last day of the most recent criminal sentence


@dataclass(frozen=True)
class ScreeningContext:
    as_of: date
    compound_company_uscc: str | None  # the company serving the compound, if any
    sentence_cooling_off_years: int = DEFAULT_SENTENCE_COOLING_OFF_YEARS


@dataclass(frozen=True)
class NegativeListRule:
    code: str
    label_zh: str
    label_en: str
    applies: Callable[[CandidateFacts, ScreeningContext], bool] = field(compare=False)


def _illegal_construction(facts: CandidateFacts, context: ScreeningContext) -> bool:
    return facts.uncorrected_illegal_construction


def _arrears(facts: CandidateFacts, context: ScreeningContext) -> bool:
    return facts.unpaid_property_fees or facts.unpaid_fund_deposits


def _tie_to_compound_company(facts: CandidateFacts, context: ScreeningContext) -> bool:
    if context.compound_company_uscc is None:
        return False
    return any(tie.company_uscc == context.compound_company_uscc for tie in facts.company_ties)


def _judgment_defaulter(facts: CandidateFacts, context: ScreeningContext) -> bool:
    return facts.listed_judgment_defaulter


def _criminal_sentence(facts: CandidateFacts, context: ScreeningContext) -> bool:
    if facts.serving_sentence:
        return True
    if facts.sentence_completed_on is None:
        return False
    # "< 5 years after": on the fifth anniversary of the sentence's end the candidate is eligible again
    return context.as_of < add_years(facts.sentence_completed_on, context.sentence_cooling_off_years)


ILLEGAL_CONSTRUCTION = NegativeListRule(
    "illegal_construction",
    "存在违法建设或破坏房屋结构且未整改",
    "illegal construction or structural damage not corrected",
    _illegal_construction,
)
ARREARS = NegativeListRule(
    "arrears",
    "欠缴物业费或专项维修资金",
    "unpaid property fees or maintenance fund deposits",
    _arrears,
)
COMPANY_TIE = NegativeListRule(
    "company_tie",
    "本人、配偶或直系亲属在本小区物业服务企业任职或与其有利害关系",
    "self, spouse or a direct relative works for or has a stake in the compound's property company",
    _tie_to_compound_company,
)
JUDGMENT_DEFAULTER = NegativeListRule(
    "judgment_defaulter",
    "被列为失信被执行人",
    "listed as a judgment defaulter",
    _judgment_defaulter,
)
CRIMINAL_SENTENCE = NegativeListRule(
    "criminal_sentence",
    "正在服刑或刑满未满五年",
    "serving a criminal sentence or less than 5 years since it ended",
    _criminal_sentence,
)


@dataclass(frozen=True)
class NegativeList:
    rules: tuple[NegativeListRule, ...]
    sentence_cooling_off_years: int = DEFAULT_SENTENCE_COOLING_OFF_YEARS

    def __post_init__(self) -> None:
        codes = [rule.code for rule in self.rules]
        if len(set(codes)) != len(codes):
            raise InvalidArgument("negative-list rule codes must be unique", field="rules", rule="unique_rule_code")
        require_count(self.sentence_cooling_off_years, field="sentence_cooling_off_years")

    @classmethod
    def from_codes(
        cls, codes: Iterable[str], *, sentence_cooling_off_years: int = DEFAULT_SENTENCE_COOLING_OFF_YEARS
    ) -> NegativeList:
        """The default rules named by ``codes`` (a city's setting), in the order given."""
        rules = []
        for code in codes:
            if code not in DEFAULT_RULES_BY_CODE:
                known = ", ".join(DEFAULT_RULES_BY_CODE)
                raise InvalidArgument(f"unknown negative-list rule {code!r}; known: {known}", field="rules", rule="O5")
            rules.append(DEFAULT_RULES_BY_CODE[code])
        return cls(rules=tuple(rules), sentence_cooling_off_years=sentence_cooling_off_years)

    def with_rule(self, rule: NegativeListRule) -> NegativeList:
        return NegativeList(rules=(*self.rules, rule), sentence_cooling_off_years=self.sentence_cooling_off_years)


DEFAULT_RULES = (ILLEGAL_CONSTRUCTION, ARREARS, COMPANY_TIE, JUDGMENT_DEFAULTER, CRIMINAL_SENTENCE)
DEFAULT_RULES_BY_CODE = {rule.code: rule for rule in DEFAULT_RULES}
DEFAULT_NEGATIVE_LIST = NegativeList(rules=DEFAULT_RULES)


@dataclass(frozen=True)
class ScreeningReason:
    code: str
    label_zh: str
    label_en: str


@dataclass(frozen=True)
class ScreeningResult:
    person_key: str
    as_of: date
    reasons: tuple[ScreeningReason, ...]

    @property
    def passed(self) -> bool:
        return not self.reasons


def screen(
    facts: CandidateFacts,
    *,
    as_of: date,
    compound_company_uscc: str | None,
    negative_list: NegativeList = DEFAULT_NEGATIVE_LIST,
) -> ScreeningResult:
    """O5: check a candidate against every rule of the negative list and keep all the reasons found."""
    person_key = require_text(facts.person_key, field="person_key", max_length=64)
    context = ScreeningContext(
        as_of=require_date(as_of, field="as_of"),
        compound_company_uscc=(
            validate_uscc(compound_company_uscc, field="compound_company_uscc")
            if compound_company_uscc is not None
            else None
        ),
        sentence_cooling_off_years=negative_list.sentence_cooling_off_years,
    )
    reasons = tuple(
        ScreeningReason(rule.code, rule.label_zh, rule.label_en)
        for rule in negative_list.rules
        if rule.applies(facts, context)
    )
    return ScreeningResult(person_key=person_key, as_of=as_of, reasons=reasons)


@dataclass(frozen=True)
class ReserveEntry:
    """A candidate put forward for the pool, with the screening that admitted or screened them out."""

    person_key: str
    compound_code: str
    positions: tuple[ReservePosition, ...]
    screening: ScreeningResult

    @property
    def eligible(self) -> bool:
        return self.screening.passed


def propose_candidate(
    facts: CandidateFacts,
    *,
    compound_code: str,
    positions: Sequence[str | ReservePosition],
    as_of: date,
    compound_company_uscc: str | None,
    negative_list: NegativeList = DEFAULT_NEGATIVE_LIST,
) -> ReserveEntry:
    """Screen a candidate for the pool; a screened-out candidate is still recorded, with the reasons."""
    if not positions:
        raise InvalidArgument("a candidate is proposed for at least one position", field="positions", rule="required")
    chosen = tuple(dict.fromkeys(parse_choice(ReservePosition, position, field="positions") for position in positions))
    return ReserveEntry(
        person_key=require_text(facts.person_key, field="person_key", max_length=64),
        compound_code=require_code(compound_code, field="compound_code"),
        positions=chosen,
        screening=screen(facts, as_of=as_of, compound_company_uscc=compound_company_uscc, negative_list=negative_list),
    )


def require_screened_members(person_keys: Sequence[str], latest_screening_passed: Mapping[str, bool]) -> None:
    """O5 when an owners' committee is formed or re-elected: each member's latest negative-list screening
    for the compound (in its reserve pool) passed. An unscreened or screened-out person cannot sit on it;
    the refusal names them but not the reasons, which only those who screen may read (A5)."""
    not_screened = [key for key in person_keys if key not in latest_screening_passed]
    screened_out = [key for key in person_keys if latest_screening_passed.get(key) is False]
    if not_screened or screened_out:
        raise FailedPrecondition(
            f"every member is screened against the negative list first (O5): {len(not_screened)} not screened, "
            f"{len(screened_out)} screened out",
            field="members.person_id", rule="O5",
            metadata={"not_screened": ",".join(not_screened), "screened_out": ",".join(screened_out)},
        )
