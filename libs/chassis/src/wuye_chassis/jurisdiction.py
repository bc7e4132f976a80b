"""Jurisdiction paths: ``city/county/street/community`` built from division codes.

Example: ``350500/350521/350521100/350521100001`` is a community of a street of Hui'an county (350521)
in Quanzhou (350500). A user's scope is a path; a record is in scope when its path equals the scope or
lies below it. Comparison is by whole segments, so ``350521`` never matches ``3505210``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from wuye_chassis.errors import InvalidArgument

LEVELS = ("city", "county", "street", "community")
#: digits in a division code at each level (GB/T 2260 for city/county, 9 for street, 12 for community)
CODE_LENGTHS = {"city": 6, "county": 6, "street": 9, "community": 12}
_CODE = re.compile(r"^[0-9]+$")


@dataclass(frozen=True, order=True)
class JurisdictionPath:
    codes: tuple[str, ...]

    @classmethod
    def parse(cls, text: str, *, field: str = "jurisdiction_path") -> JurisdictionPath:
        if not isinstance(text, str) or not text.strip():
            raise InvalidArgument(f"{field} must not be empty", field=field)
        codes = tuple(text.strip().strip("/").split("/"))
        if len(codes) > len(LEVELS):
            raise InvalidArgument(f"{field} has more than {len(LEVELS)} levels: {text!r}", field=field)
        for level, code in zip(LEVELS, codes):
            if not _CODE.match(code) or len(code) != CODE_LENGTHS[level]:
                raise InvalidArgument(
                    f"{field}: {level} code must be {CODE_LENGTHS[level]} digits, got {code!r}", field=field
                )
        for parent, child in zip(codes, codes[1:]):
            if parent == child:
                raise InvalidArgument(f"{field}: a code cannot repeat its parent ({code!r})", field=field)
        if len(codes) >= 2 and codes[1][:4] != codes[0][:4]:
            # GB/T 2260: a county's code begins with its city's four-digit prefix (3505xx in 350500)
            raise InvalidArgument(
                f"{field}: county {codes[1]!r} is not in city {codes[0]!r} (first four digits differ)", field=field
            )
        for parent, child in zip(codes[1:], codes[2:]):
            # below county level a code extends its parent's code (350521 → 350521100 → 350521100001)
            if not child.startswith(parent):
                raise InvalidArgument(
                    f"{field}: {child!r} does not extend its parent code {parent!r}", field=field
                )
        return cls(codes)

    def __str__(self) -> str:
        return "/".join(self.codes)

    @property
    def level(self) -> str:
        return LEVELS[len(self.codes) - 1]

    @property
    def code(self) -> str:
        return self.codes[-1]

    @property
    def parent(self) -> JurisdictionPath | None:
        return JurisdictionPath(self.codes[:-1]) if len(self.codes) > 1 else None

    def child(self, code: str) -> JurisdictionPath:
        return JurisdictionPath.parse(f"{self}/{code}")

    def contains(self, other: JurisdictionPath) -> bool:
        """True when ``other`` is this jurisdiction or lies below it."""
        return other.codes[: len(self.codes)] == self.codes


def in_scope(scope: str, record_path: str) -> bool:
    """True when a record at ``record_path`` lies inside ``scope`` (string form, segment-wise).

    An empty scope contains nothing: platform-wide access is a role, never a missing scope.
    """
    scope_codes = [code for code in scope.strip().strip("/").split("/") if code]
    if not scope_codes:
        return False
    record_codes = record_path.strip().strip("/").split("/")
    return record_codes[: len(scope_codes)] == scope_codes


def scope_like_pattern(scope: str) -> str:
    """SQL LIKE pattern matching the scope's own path and everything below it (paths have no % or _)."""
    return f"{scope.strip('/')}/%"


def below_path_range(path: str) -> tuple[str, str]:
    """Bounds ``[low, high)`` of the paths strictly below ``path`` in byte order ('0' follows '/').

    Unlike ``LIKE 'path/%'`` a range uses a plain B-tree index on every backend, provided the column
    compares bytes (SQLite's default; PostgreSQL needs the column's collation to be "C").
    """
    stem = path.strip().strip("/")
    return f"{stem}/", f"{stem}0"
