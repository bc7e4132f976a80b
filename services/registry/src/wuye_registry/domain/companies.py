"""Property service companies (物业服务企业) and their service contracts with compounds."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from wuye_chassis.errors import FailedPrecondition, InvalidArgument
from wuye_chassis.validation import parse_choice, require_date, require_text
from wuye_registry.domain.places import require_code

# GB 32100-2015: the 31 characters of a unified social credit code (no I, O, S, V, Z)
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_LENGTH = 18


class PartyOrgMode(StrEnum):
    STANDALONE = "standalone"  # 单独建立
    JOINT_BRANCH = "joint_branch"  # 联合党支部
    INSTRUCTOR = "instructor"  # 党建工作指导员
    NONE = "none"


class ContractMode(StrEnum):
    TENDER = "tender"  # 招投标
    APPOINTED = "appointed"  # 协议选聘 / 指定
    TRUSTEESHIP = "trusteeship"  # 国企托管
    BUNDLED = "bundled"  # "1+N" 大包小、新带旧、好补差


def uscc_check_character(first_17: str) -> str:
    """GB 32100-2015 check character: 31 − (Σ value × weight mod 31), where 31 becomes 0."""
    if len(first_17) != USCC_LENGTH - 1 or any(char not in USCC_CHARSET for char in first_17):
        raise InvalidArgument(
            f"the first 17 characters of a unified social credit code must come from {USCC_CHARSET}",
            field="uscc",
            rule="uscc_format",
        )
    weighted = sum(USCC_CHARSET.index(char) * weight for char, weight in zip(first_17, USCC_WEIGHTS))
    return USCC_CHARSET[(31 - weighted % 31) % 31]


def validate_uscc(text: str, *, field: str = "uscc") -> str:
    """An 18-character unified social credit code (upper-cased) whose check character matches."""
    code = text.strip().upper() if isinstance(text, str) else ""
    if len(code) != USCC_LENGTH or any(char not in USCC_CHARSET for char in code):
        raise InvalidArgument(
            f"{field} must be {USCC_LENGTH} characters from {USCC_CHARSET}, got {text!r}",
            field=field,
            rule="uscc_format",
        )
    expected = uscc_check_character(code[:17])
    if code[17] != expected:
        raise InvalidArgument(
            f"{field} check character is {code[17]!r} but should be {expected!r}", field=field, rule="uscc_check_digit"
        )
    return code


@dataclass(frozen=True)
class PropertyCompany:
    uscc: str
    name: str
    state_owned: bool
    party_org_required: bool  # a "三有" company that must have a party organisation
    party_org_mode: PartyOrgMode

    @classmethod
    def create(
        cls,
        *,
        uscc: str,
        name: str,
        state_owned: bool = False,
        party_org_required: bool = False,
        party_org_mode: str | PartyOrgMode = PartyOrgMode.NONE,
    ) -> PropertyCompany:
        for flag_name, flag in (("state_owned", state_owned), ("party_org_required", party_org_required)):
            if not isinstance(flag, bool):
                raise InvalidArgument(f"{flag_name} must be true or false", field=flag_name, rule="boolean")
        return cls(
            uscc=validate_uscc(uscc),
            name=require_text(name, field="name"),
            state_owned=state_owned,
            party_org_required=party_org_required,
            party_org_mode=parse_choice(PartyOrgMode, party_org_mode, field="party_org_mode"),
        )

    @property
    def has_party_org(self) -> bool:
        return self.party_org_mode is not PartyOrgMode.NONE

    @property
    def party_org_uncovered(self) -> bool:
        """O6: a company that must have a party organisation but has none."""
        return self.party_org_required and not self.has_party_org


@dataclass(frozen=True)
class PartyOrgModeChange:
    """From ``effective_from`` on, the company's party organisation mode is ``mode`` (until a later change)."""

    mode: PartyOrgMode
    effective_from: date


def party_org_mode_on(history: Sequence[PartyOrgModeChange], day: date) -> PartyOrgMode:
    """The mode in force on ``day``: the latest change on or before it; none before the first change."""
    in_force = [change for change in history if change.effective_from <= day]
    return max(in_force, key=lambda change: change.effective_from).mode if in_force else PartyOrgMode.NONE


def change_party_org_mode(
    history: Sequence[PartyOrgModeChange],
    *,
    mode: str | PartyOrgMode,
    effective_from: date,
    today: date,
    date_field: str = "effective_from",
) -> PartyOrgModeChange:
    """A change of party organisation mode, kept beside the earlier ones so O6 coverage for a past date
    counts the mode of that date. Refused: a future date (a plan is not coverage), a second change on
    the same day, and a "change" to the mode already in force on that day."""
    new_mode = parse_choice(PartyOrgMode, mode, field="party_org_mode")
    require_date(effective_from, field=date_field)
    if effective_from > today:
        raise InvalidArgument(
            f"{date_field} {effective_from} is in the future (today is {today})",
            field=date_field,
            rule="O6",
            metadata={"constraint": "not_in_future"},
        )
    if any(change.effective_from == effective_from for change in history):
        raise FailedPrecondition(
            f"the party organisation mode already changes on {effective_from}",
            field=date_field,
            rule="O6",
            metadata={"constraint": "one_change_per_day"},
        )
    if party_org_mode_on(history, effective_from) is new_mode:
        raise FailedPrecondition(
            f"the party organisation mode on {effective_from} is already {new_mode.value}",
            field="party_org_mode",
            rule="O6",
            metadata={"constraint": "mode_unchanged"},
        )
    return PartyOrgModeChange(mode=new_mode, effective_from=effective_from)


@dataclass(frozen=True)
class ServiceContract:
    """A company serves a compound from ``start`` to ``end`` (both inclusive; no end = open-ended).

    ``terminated_on`` is the last day of service when the contract ends early. ``bundle_key`` groups the
    compounds one company takes over together under a "1+N" arrangement.
    """

    key: str
    compound_code: str
    company_uscc: str
    mode: ContractMode
    start: date
    end: date | None
    bundle_key: str | None = None
    terminated_on: date | None = None

    @classmethod
    def create(
        cls,
        *,
        key: str,
        compound_code: str,
        company_uscc: str,
        mode: str | ContractMode,
        start: date,
        end: date | None = None,
        bundle_key: str | None = None,
    ) -> ServiceContract:
        contract_mode = parse_choice(ContractMode, mode, field="mode")
        require_date(start, field="start")
        if end is not None:
            require_date(end, field="end")
            if end < start:
                raise InvalidArgument(f"end {end} is before start {start}", field="end", rule="date_order")
        if contract_mode is ContractMode.BUNDLED and bundle_key is None:
            raise InvalidArgument(
                'a bundled ("1+N") contract names its bundle', field="bundle_key", rule="bundle_key_required"
            )
        if contract_mode is not ContractMode.BUNDLED and bundle_key is not None:
            raise InvalidArgument(
                'only a bundled ("1+N") contract belongs to a bundle', field="bundle_key", rule="bundle_key_required"
            )
        return cls(
            key=require_text(key, field="key", max_length=64),
            compound_code=require_code(compound_code, field="compound_code"),
            company_uscc=validate_uscc(company_uscc, field="company_uscc"),
            mode=contract_mode,
            start=start,
            end=end,
            bundle_key=require_code(bundle_key, field="bundle_key") if bundle_key is not None else None,
        )

    @property
    def last_day(self) -> date | None:
        """The last day of service, or None while open-ended."""
        if self.terminated_on is not None:
            return self.terminated_on
        return self.end

    def is_active_on(self, day: date) -> bool:
        return self.start <= day and (self.last_day is None or day <= self.last_day)

    def overlaps(self, other: ServiceContract) -> bool:
        """True when both contracts serve on at least one common day."""
        starts_before_other_ends = other.last_day is None or self.start <= other.last_day
        other_starts_before_this_ends = self.last_day is None or other.start <= self.last_day
        return starts_before_other_ends and other_starts_before_this_ends


def check_no_overlapping_contract(contract: ServiceContract, existing: Iterable[ServiceContract]) -> None:
    """One active contract per compound at a time: refuse a contract that shares a day with another."""
    for other in existing:
        if other.key == contract.key or other.compound_code != contract.compound_code:
            continue
        if contract.overlaps(other):
            until = other.last_day.isoformat() if other.last_day else "open-ended"
            raise FailedPrecondition(
                f"compound {contract.compound_code} is already served under contract {other.key} "
                f"({other.start} – {until}) by {other.company_uscc}",
                field="start",
                rule="one_active_contract",
                metadata={"existing_contract": other.key},
            )


def terminate(contract: ServiceContract, *, on: date) -> ServiceContract:
    """End a contract early; ``on`` is its last day of service."""
    require_date(on, field="terminated_on")
    if contract.terminated_on is not None:
        raise FailedPrecondition(
            f"contract {contract.key} was already terminated on {contract.terminated_on}",
            field="terminated_on",
            rule="contract_lifecycle",
        )
    if on < contract.start or (contract.end is not None and on > contract.end):
        raise InvalidArgument(
            f"terminated_on {on} must lie within the contract ({contract.start} – {contract.end or 'open-ended'})",
            field="terminated_on",
            rule="date_order",
        )
    return replace(contract, terminated_on=on)
