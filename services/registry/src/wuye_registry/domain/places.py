"""Places: jurisdictions (city → county → street → community), compounds, buildings, households, owners."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from wuye_chassis.errors import InvalidArgument
from wuye_chassis.jurisdiction import LEVELS, JurisdictionPath
from wuye_chassis.validation import parse_choice, require_text
from wuye_registry.domain.area import require_positive_area

# registry codes travel through CSV imports, URLs and event subjects, so keep them to a safe alphabet
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")


class JurisdictionLevel(StrEnum):
    CITY = "city"
    COUNTY = "county"
    STREET = "street"
    COMMUNITY = "community"


class CompoundType(StrEnum):
    COMMODITY = "commodity"  # 商品房小区
    OLD = "old"  # 老旧小区
    RESETTLEMENT = "resettlement"  # 安置房小区
    AFFORDABLE = "affordable"  # 保障性住房
    SELF_MANAGED = "self_managed"  # 自管小区


class ManagementMode(StrEnum):
    COMPANY = "company"  # 物业服务企业
    STATE_OWNED_TRUSTEESHIP = "state_owned_trusteeship"  # 国企托管
    BUNDLED = "bundled"  # 1+N 组团打包: a strong company takes several small or old compounds (O7)
    SELF_MANAGED = "self_managed"  # 业主自管
    NONE = "none"  # 无物业管理


def require_code(value: object, *, field: str) -> str:
    """A registry code: 1–64 characters of letters, digits, '-' and '_', starting with a letter or digit."""
    text = require_text(value, field=field, max_length=64)
    if not _CODE.match(text):
        raise InvalidArgument(
            f"{field} may hold only letters, digits, '-' and '_', got {text!r}", field=field, rule="code_format"
        )
    return text


def parse_jurisdiction_path(text: str | JurisdictionPath, *, field: str = "jurisdiction_path") -> JurisdictionPath:
    """A jurisdiction path from its text; the chassis error gains the rule name ``division_code``."""
    if isinstance(text, JurisdictionPath):
        return text
    try:
        return JurisdictionPath.parse(text, field=field)
    except InvalidArgument as error:
        raise InvalidArgument(error.message, field=field, rule="division_code") from None


@dataclass(frozen=True)
class Jurisdiction:
    """One administrative division; its path lists the division codes from the city down to itself."""

    path: JurisdictionPath
    name: str

    @classmethod
    def create(cls, *, path: str | JurisdictionPath, name: str) -> Jurisdiction:
        return cls(path=parse_jurisdiction_path(path), name=require_text(name, field="name"))

    @property
    def level(self) -> JurisdictionLevel:
        return JurisdictionLevel(self.path.level)

    @property
    def division_code(self) -> str:
        return self.path.code

    @property
    def parent_path(self) -> JurisdictionPath | None:
        return self.path.parent

    def child(self, *, division_code: str, name: str) -> Jurisdiction:
        """The division one level below; street and community codes must extend their parent's code."""
        if self.level is JurisdictionLevel.COMMUNITY:
            raise InvalidArgument(
                "a community is the lowest jurisdiction level and has no children",
                field="division_code",
                rule="four_levels",
            )
        code = require_text(division_code, field="division_code", max_length=12)
        child_path = parse_jurisdiction_path(f"{self.path}/{code}", field="division_code")
        return Jurisdiction.create(path=child_path, name=name)


@dataclass(frozen=True)
class Compound:
    """A residential compound (小区); it always lies in a community."""

    code: str
    name: str
    compound_type: CompoundType
    management_mode: ManagementMode
    jurisdiction_path: JurisdictionPath

    @classmethod
    def create(
        cls,
        *,
        code: str,
        name: str,
        compound_type: str | CompoundType,
        management_mode: str | ManagementMode,
        jurisdiction_path: str | JurisdictionPath,
    ) -> Compound:
        path = parse_jurisdiction_path(jurisdiction_path)
        if path.level != LEVELS[-1]:
            raise InvalidArgument(
                f"a compound belongs to a community, but {path} is a {path.level}",
                field="jurisdiction_path",
                rule="compound_in_community",
            )
        return cls(
            code=require_code(code, field="code"),
            name=require_text(name, field="name"),
            compound_type=parse_choice(CompoundType, compound_type, field="compound_type"),
            management_mode=parse_choice(ManagementMode, management_mode, field="management_mode"),
            jurisdiction_path=path,
        )


@dataclass(frozen=True)
class Building:
    """A building (楼栋) of a compound; its code is unique within the compound."""

    compound_code: str
    code: str
    name: str

    @classmethod
    def create(cls, *, compound_code: str, code: str, name: str) -> Building:
        return cls(
            compound_code=require_code(compound_code, field="compound_code"),
            code=require_code(code, field="code"),
            name=require_text(name, field="name"),
        )


@dataclass(frozen=True)
class Household:
    """An exclusive unit (户) with its register area in dm²; the unit number is unique within the building."""

    compound_code: str
    building_code: str
    unit_number: str
    area_dm2: int

    @classmethod
    def create(cls, *, compound_code: str, building_code: str, unit_number: str, area_dm2: int) -> Household:
        return cls(
            compound_code=require_code(compound_code, field="compound_code"),
            building_code=require_code(building_code, field="building_code"),
            unit_number=require_text(unit_number, field="unit_number", max_length=32),
            area_dm2=require_positive_area(area_dm2, field="area_dm2"),
        )


def parse_share(value: str | int | Fraction, *, field: str = "share") -> Fraction:
    """An ownership share 0 < share ≤ 1, given as a Fraction, 1, or text such as "1/2" or "0.5"."""
    if isinstance(value, bool):
        raise InvalidArgument(f"{field} must be a fraction, got {value!r}", field=field, rule="fraction")
    try:
        share = Fraction(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError, ZeroDivisionError):
        raise InvalidArgument(
            f"{field} must be a fraction such as 1/2, got {value!r}", field=field, rule="fraction"
        ) from None
    if not 0 < share <= 1:
        raise InvalidArgument(
            f"{field} must be greater than 0 and at most 1, got {share}", field=field, rule="share_range"
        )
    return share


@dataclass(frozen=True)
class OwnerLink:
    """A person registered as owner of one household, with their share of it (1 for a sole owner)."""

    household_id: str
    person_key: str
    share: Fraction

    @classmethod
    def create(cls, *, household_id: str, person_key: str, share: str | int | Fraction = 1) -> OwnerLink:
        return cls(
            household_id=require_text(household_id, field="household_id", max_length=64),
            person_key=require_text(person_key, field="person_key", max_length=64),
            share=parse_share(share),
        )


def check_household_owners(household_id: str, links: Sequence[OwnerLink]) -> None:
    """The owners of one household: at least one, each person once, shares adding up to exactly 1.

    Joint owners without stated shares (共同共有) are recorded with equal shares.
    """
    if not links:
        raise InvalidArgument(
            f"household {household_id} has no owner", field="owners", rule="household_has_owner"
        )
    for link in links:
        if link.household_id != household_id:
            raise InvalidArgument(
                f"owner link of {link.person_key} belongs to household {link.household_id}, not {household_id}",
                field="household_id",
                rule="same_household",
            )
    persons = [link.person_key for link in links]
    if len(set(persons)) != len(persons):
        raise InvalidArgument(
            f"household {household_id} lists the same owner twice", field="person_key", rule="unique_owner"
        )
    total = sum((link.share for link in links), Fraction(0))
    if total != 1:
        raise InvalidArgument(
            f"owner shares of household {household_id} add up to {total}, not 1",
            field="share",
            rule="shares_sum_to_one",
        )


def check_unit_owners(household_id: str, links: Sequence[OwnerLink], *, developer_unsold: bool) -> None:
    """Developer stock has no registered owner yet (V4 counts it with the developer); any other unit
    has owners whose shares add up to 1."""
    if developer_unsold:
        if links:
            raise InvalidArgument(
                f"household {household_id} is developer stock and cannot have owners yet",
                field="owners",
                rule="developer_stock_unowned",
            )
        return
    check_household_owners(household_id, links)
