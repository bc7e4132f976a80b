"""Handlers for the versioned scoring rules (R1, R2): a city adds a version; everyone who keeps or
contests records reads them."""

from __future__ import annotations

from fractions import Fraction

from wuye_chassis import auth
from wuye_chassis.errors import InvalidArgument
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_chassis.validation import parse_choice, parse_iso_date
from wuye_ratings.domain import commands
from wuye_ratings.domain.rules import RuleSet
from wuye_ratings.domain.vocabulary import RecordKind
from wuye_ratings.service.unit_of_work import RatingsUnitOfWork

RULE_KEEPERS = ("city_admin",)
RULE_READERS = ("street_officer", "county_officer", "city_admin", "company_staff")


async def add_rule_version(command: commands.AddRuleVersion, uow: RatingsUnitOfWork) -> RuleSet:
    caller = auth.require_role(RULE_KEEPERS, action="add a rule version")
    city = JurisdictionPath.parse(command.city_path, field="city_path")
    if city.level != "city":
        raise InvalidArgument(f"city_path must be a city path, got a {city.level} path", field="city_path", rule="R1")
    auth.require_access(str(city), action="add a rule version")
    starts = parse_iso_date(command.effective_from, field="effective_from", rule="R1")
    points = {
        parse_choice(RecordKind, item.kind, field="points", rule="R2"): Fraction(item.numerator, item.denominator or 1)
        for item in command.points
    }
    async with uow:
        book = await uow.rules.book()
        latest = book.versions[-1]
        # kinds not named keep the latest version's points (not the defaults)
        changes: dict[str, object] = {"points": {**latest.points, **points}}
        if command.base_score is not None:
            changes["base_score"] = command.base_score
        ruleset = latest.revised(version=command.version, effective_from=starts, **changes)
        book.add(ruleset)  # refuses a repeated version id or a retroactive date
        await uow.rules.add(ruleset, added_by=caller.user)
        await uow.commit()
    return ruleset


async def list_rule_versions(query: commands.ListRuleVersions, uow: RatingsUnitOfWork) -> tuple[RuleSet, ...]:
    auth.require_role(RULE_READERS, action="read the rule versions")
    async with uow.reading():
        return (await uow.rules.book()).versions
