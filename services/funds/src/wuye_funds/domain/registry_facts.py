"""Registry facts as the funds service receives them (A4): plain values, whoever fetched them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RegisteredPlace:
    """A compound as the registry holds it now."""

    compound_id: str
    #: its community's path
    jurisdiction_path: str


@dataclass(frozen=True)
class RegisteredHome:
    """One exclusive unit as the registry holds it now."""

    household_id: str
    compound_id: str
    area_dm2: int
