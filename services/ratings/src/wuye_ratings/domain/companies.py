"""The companies ratings rates and the compounds they serve, as the registry announced them.

A rated company is one the registry announced (``CompanyRegistered``); its contracts (``ContractStarted``,
``ContractEnded``) say which compounds it serves now, hence the streets where it is a peer (R3), the
compounds a contract-end advice names (R4) and the companies a jurisdiction ranks.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from wuye_chassis.jurisdiction import JurisdictionPath, in_scope


@dataclass(frozen=True)
class RatedCompany:
    company_id: str
    jurisdiction_path: str
    #: where the company serves now: the paths of its compounds
    compound_paths: Mapping[str, str]

    @property
    def paths(self) -> list[str]:
        """Where the company is: its registration and every compound it serves."""
        return [self.jurisdiction_path, *self.compound_paths.values()]

    def streets(self) -> set[str]:
        """The streets the company serves in (its compounds' streets)."""
        return {str(street_of(path)) for path in self.compound_paths.values()}

    def compounds_in(self, jurisdiction_path: str) -> list[str]:
        return sorted(
            compound for compound, path in self.compound_paths.items() if in_scope(jurisdiction_path, path)
        )


@dataclass(frozen=True)
class ServedCompound:
    compound_id: str
    company_id: str
    jurisdiction_path: str

    @property
    def street_path(self) -> str:
        return str(street_of(self.jurisdiction_path))


def street_of(path: str) -> JurisdictionPath:
    """The street a path lies in (city / county / street are its first three codes)."""
    return JurisdictionPath(JurisdictionPath.parse(path).codes[:3])
