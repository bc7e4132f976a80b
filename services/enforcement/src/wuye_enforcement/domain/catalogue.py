"""Departments and their inspection-item catalogue (E1), after the Fujian/Yongchun "综合查一次" model.

Each item names one lead department (牵头部门) and any partner departments (配合部门), what is checked,
the legal basis, the standard a compound must meet, how often the department would check it on its own,
and the scenario (场景) it belongs to — plans pick the items of the scenarios a compound falls under.

"The same item" (E2) is the same item code: an item two departments both check is ONE catalogue item
with one of them as lead and the other as partner, never two items. To keep that true the catalogue
refuses a second item whose content, once normalised (NFKC, case and blanks folded), repeats an item of
the same scenario: the department should be added as a partner of the existing item instead. Content that
is merely close (a word more or less: "消防通道畅通" / "消防通道保持畅通") may be the same check worded
otherwise or a different one; an import flags it (``near_duplicates``) for the maintainer to decide.

The departments of the property-management judicial alliance "8+X" (物业管理司法联盟, seeds 001/004):
the eight core members, plus other functional departments that take part as needed (the X).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from enum import StrEnum
from fractions import Fraction
from functools import partial
from typing import TypeVar

from wuye_chassis.errors import AlreadyExists, InvalidArgument, NotFound
from wuye_chassis.validation import parse_choice, require_text

CODE_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
CODE_MAX_LENGTH = 40
NAME_MAX_LENGTH = 100
TEXT_MAX_LENGTH = 1000
#: the one scenario every residential compound falls under (住宅小区)
RESIDENTIAL_COMPOUND = "residential_compound"

T = TypeVar("T")


class DepartmentKind(StrEnum):
    CORE = "core"  # one of the eight core members of the judicial alliance
    OTHER = "other"  # a functional department that joins when needed (the "X")


class Frequency(StrEnum):
    """How often a department would check an item on its own, without the joint inspection."""

    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    SEMIANNUAL = "semiannual"
    ANNUAL = "annual"
    AS_NEEDED = "as_needed"

    @property
    def label_zh(self) -> str:
        return FREQUENCY_LABELS_ZH[self]


FREQUENCY_LABELS_ZH: Mapping[Frequency, str] = {
    Frequency.MONTHLY: "每月一次",
    Frequency.QUARTERLY: "每季度一次",
    Frequency.SEMIANNUAL: "每半年一次",
    Frequency.ANNUAL: "每年一次",
    Frequency.AS_NEEDED: "不定期",
}


def _code(value: object, *, field: str) -> str:
    text = require_text(value, field=field, rule="E1", max_length=CODE_MAX_LENGTH)
    if not CODE_PATTERN.match(text):
        raise InvalidArgument(
            f"{field} may hold only letters, digits, '_', '.' and '-', got {text!r}", field=field, rule="E1"
        )
    return text


@dataclass(frozen=True)
class Department:
    code: str
    name_zh: str
    name_en: str
    kind: DepartmentKind

    @classmethod
    def create(cls, *, code: str, name_zh: str, name_en: str, kind: DepartmentKind | str) -> Department:
        return cls(
            code=_code(code, field="code"),
            name_zh=require_text(name_zh, field="name_zh", rule="E1", max_length=NAME_MAX_LENGTH),
            name_en=require_text(name_en, field="name_en", rule="E1", max_length=NAME_MAX_LENGTH),
            kind=parse_choice(DepartmentKind, kind, field="kind", rule="E1"),
        )

    @property
    def label(self) -> str:
        """Chinese beside English, as user-facing labels show it."""
        return f"{self.name_zh} {self.name_en}"


ALLIANCE_CORE: tuple[Department, ...] = (
    Department("court", "法院", "People's court", DepartmentKind.CORE),
    Department("procuratorate", "检察院", "People's procuratorate", DepartmentKind.CORE),
    Department("police", "公安", "Public security (police)", DepartmentKind.CORE),
    Department("safety_office", "安办", "Work safety office", DepartmentKind.CORE),
    Department("justice", "司法", "Justice bureau", DepartmentKind.CORE),
    Department("housing", "住建", "Housing and urban-rural development", DepartmentKind.CORE),
    Department("urban_management", "城管", "Urban management", DepartmentKind.CORE),
    Department("fire_rescue", "消防救援", "Fire and rescue", DepartmentKind.CORE),
)
OTHER_DEPARTMENTS: tuple[Department, ...] = (
    Department("market_supervision", "市场监管", "Market supervision", DepartmentKind.OTHER),
    Department("natural_resources", "自然资源", "Natural resources and planning", DepartmentKind.OTHER),
    Department("ecology_environment", "生态环境", "Ecology and environment", DepartmentKind.OTHER),
)
STANDARD_DEPARTMENTS: tuple[Department, ...] = ALLIANCE_CORE + OTHER_DEPARTMENTS


#: how alike two folded contents must be to be flagged as perhaps the same check (difflib's ratio: twice
#: the matching characters over both lengths); "消防通道畅通" / "消防通道保持畅通" is 6/7
NEAR_DUPLICATE_SIMILARITY = Fraction(17, 20)


@dataclass(frozen=True)
class NearDuplicate:
    """An item whose content is close to another item's of the same scenario, without being the same."""

    item_code: str
    similar_item_code: str
    #: difflib's ratio of the two folded contents, exact: 85 % to just under 100 %
    similarity: Fraction


def near_duplicates(item: InspectionItem, others: Iterable[InspectionItem]) -> list[NearDuplicate]:
    """The items of ``others`` in the item's scenario whose folded content is close to the item's."""
    key = content_key(item.content)
    found = []
    for other in others:
        if other.code == item.code or other.scenario != item.scenario:
            continue
        other_key = content_key(other.content)
        matcher = SequenceMatcher(None, key, other_key, autojunk=False)
        matching = sum(block.size for block in matcher.get_matching_blocks())
        similarity = Fraction(2 * matching, len(key) + len(other_key) or 1)
        if NEAR_DUPLICATE_SIMILARITY <= similarity < 1:
            found.append(NearDuplicate(item.code, other.code, similarity))
    return found


def content_key(content: str) -> str:
    """The content of an item folded for comparison: full-width/half-width, case, every blank and every
    punctuation mark ignored, so "消防通道 畅通" and "消防通道畅通。" are one check (E2)."""
    folded = unicodedata.normalize("NFKC", content).casefold()
    return "".join(ch for ch in folded if not ch.isspace() and not unicodedata.category(ch).startswith("P"))


@dataclass(frozen=True)
class InspectionItem:
    code: str
    lead_department: str
    partner_departments: tuple[str, ...]
    content: str  # what is checked (检查内容)
    legal_basis: str  # 检查依据
    standard: str  # what passes (检查标准)
    frequency: Frequency
    scenario: str

    @classmethod
    def create(
        cls,
        *,
        code: str,
        lead_department: str,
        partner_departments: Iterable[str] = (),
        content: str,
        legal_basis: str,
        standard: str,
        frequency: Frequency | str,
        scenario: str = RESIDENTIAL_COMPOUND,
    ) -> InspectionItem:
        lead = _code(lead_department, field="lead_department")
        if isinstance(partner_departments, str):
            raise InvalidArgument(
                "partner_departments must be a list of department codes, not one text",
                field="partner_departments",
                rule="E1",
            )
        partners: list[str] = []
        for partner in partner_departments:
            partner_code = _code(partner, field="partner_departments")
            if partner_code == lead:
                raise InvalidArgument(
                    f"{lead!r} is the lead department and cannot also be a partner",
                    field="partner_departments",
                    rule="E1",
                )
            if partner_code not in partners:
                partners.append(partner_code)
        return cls(
            code=_code(code, field="code"),
            lead_department=lead,
            partner_departments=tuple(partners),
            content=require_text(content, field="content", rule="E1", max_length=TEXT_MAX_LENGTH),
            legal_basis=require_text(legal_basis, field="legal_basis", rule="E1", max_length=TEXT_MAX_LENGTH),
            standard=require_text(standard, field="standard", rule="E1", max_length=TEXT_MAX_LENGTH),
            frequency=parse_frequency(frequency),
            scenario=_code(scenario, field="scenario"),
        )

    @property
    def departments(self) -> tuple[str, ...]:
        """Every department that checks this item, the lead first."""
        return (self.lead_department, *self.partner_departments)


def parse_frequency(value: object, *, field: str = "frequency") -> Frequency:
    """A frequency given as its code (``annual``) or its Chinese label (``每年一次``)."""
    if isinstance(value, str):
        by_label = {label: frequency for frequency, label in FREQUENCY_LABELS_ZH.items()}
        if value.strip() in by_label:
            return by_label[value.strip()]
        value = value.strip()
    return parse_choice(Frequency, value, field=field, rule="E1")


class Catalogue:
    """The departments and items one deployment knows; item codes and department codes are unique."""

    def __init__(
        self, departments: Iterable[Department] = STANDARD_DEPARTMENTS, items: Iterable[InspectionItem] = ()
    ) -> None:
        self._departments: dict[str, Department] = {}
        self._items: dict[str, InspectionItem] = {}
        for department in departments:
            self.add_department(department)
        for item in items:
            self.add_item(item)

    def add_department(self, department: Department) -> None:
        if department.code in self._departments:
            raise AlreadyExists(f"department {department.code!r} already exists", field="code", rule="E1")
        self._departments[department.code] = department

    def department(self, code: str) -> Department:
        if code not in self._departments:
            raise NotFound(f"unknown department {code!r}", field="department", rule="E1")
        return self._departments[code]

    @property
    def departments(self) -> tuple[Department, ...]:
        return tuple(self._departments.values())

    def add_item(self, item: InspectionItem) -> None:
        if item.code in self._items:
            raise AlreadyExists(f"inspection item {item.code!r} already exists", field="code", rule="E1")
        self._check_item(item)
        self._items[item.code] = item

    def replace_item(self, item: InspectionItem) -> None:
        """A department revises one of its items; the code stays, everything else may change."""
        if item.code not in self._items:
            raise NotFound(f"unknown inspection item {item.code!r}", field="code", rule="E1")
        self._check_item(item)
        self._items[item.code] = item

    def item(self, code: str) -> InspectionItem:
        if code not in self._items:
            raise NotFound(f"unknown inspection item {code!r}", field="item_code", rule="E1")
        return self._items[code]

    def __iter__(self) -> Iterator[InspectionItem]:
        return iter(self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def _check_item(self, item: InspectionItem) -> None:
        references = [("lead_department", item.lead_department)]
        references += [("partner_departments", code) for code in item.partner_departments]
        for field, code in references:
            if code not in self._departments:
                raise InvalidArgument(f"unknown department {code!r}", field=field, rule="E1")
        key = content_key(item.content)
        for other in self._items.values():
            if other.code != item.code and other.scenario == item.scenario and content_key(other.content) == key:
                # one check, one item (E2): two copies would put the same check twice on a checklist
                raise AlreadyExists(
                    f"item {other.code!r} already checks this content in scenario {item.scenario!r}; "
                    f"add {item.lead_department!r} to its partner departments instead",
                    field="content",
                    rule="E2",
                )


# --- one catalogue row (CSV/Excel) ------------------------------------------------------------------

#: a catalogue may leave these blank (an item checked by its lead department only, the default scenario)
OPTIONAL_COLUMNS = frozenset({"partner_departments", "scenario"})

COLUMNS = (
    "code",
    "lead_department",
    "partner_departments",
    "content",
    "legal_basis",
    "standard",
    "frequency",
    "scenario",
)
#: partner departments in one cell: commas (also full-width), semicolons, 、 or |
_PARTNER_SEPARATORS = re.compile(r"[,，;；、|]+")


@dataclass(frozen=True)
class RowError:
    field: str
    message: str
    rule: str | None


@dataclass(frozen=True)
class ParsedRow:
    """Either an item or the reasons the row was refused, never both."""

    item: InspectionItem | None
    errors: tuple[RowError, ...]

    @property
    def ok(self) -> bool:
        return self.item is not None


def parse_catalogue_row(row: Mapping[str, object], departments: Collection[Department]) -> ParsedRow:
    """One row of a catalogue sheet (text cells keyed by ``COLUMNS``) → an item or every error in it.

    Departments may be written as their code (``fire_rescue``) or their Chinese name (``消防救援``).
    A blank ``scenario`` means the residential compound scenario. Each field is checked on its own, so
    one pass over a sheet reports all its mistakes.
    """
    by_name = {department.code: department.code for department in departments}
    by_name.update({department.name_zh: department.code for department in departments})
    errors: list[RowError] = []

    def checked(field: str, check: Callable[[], T]) -> T | None:
        try:
            return check()
        except InvalidArgument as error:
            errors.append(RowError(error.field or field, error.message, error.rule))
            return None

    def department_code(text: object, field: str) -> str:
        name = require_text(text, field=field, rule="E1", max_length=NAME_MAX_LENGTH)
        if name not in by_name:
            raise InvalidArgument(f"unknown department {name!r}", field=field, rule="E1")
        return by_name[name]

    partner_cell = row.get("partner_departments")
    partner_names: list[str] = []
    if isinstance(partner_cell, str):
        partner_names = [name for name in _PARTNER_SEPARATORS.split(partner_cell) if name.strip()]
    elif partner_cell is not None:
        errors.append(RowError("partner_departments", "partner_departments must be text", "E1"))
    code = checked("code", lambda: _code(row.get("code"), field="code"))
    lead = checked("lead_department", lambda: department_code(row.get("lead_department"), "lead_department"))
    partners = [
        checked("partner_departments", partial(department_code, name, "partner_departments")) for name in partner_names
    ]
    frequency = checked("frequency", lambda: parse_frequency(row.get("frequency")))
    content, legal_basis, standard = (
        checked(field, partial(require_text, row.get(field), field=field, rule="E1", max_length=TEXT_MAX_LENGTH))
        for field in ("content", "legal_basis", "standard")
    )
    scenario_cell = row.get("scenario")
    scenario = scenario_cell if isinstance(scenario_cell, str) and scenario_cell.strip() else RESIDENTIAL_COMPOUND
    checked("scenario", lambda: _code(scenario, field="scenario"))
    if errors:
        return ParsedRow(None, tuple(errors))
    # every field passed its check, so none of them is missing
    assert code and lead and frequency and content and legal_basis and standard
    # the fields are valid one by one; what is left to refuse is across fields (lead also a partner)
    item = checked("row", lambda: InspectionItem.create(
        code=code, lead_department=lead, partner_departments=[partner for partner in partners if partner],
        content=content, legal_basis=legal_basis, standard=standard, frequency=frequency, scenario=scenario,
    ))
    return ParsedRow(item, tuple(errors))
