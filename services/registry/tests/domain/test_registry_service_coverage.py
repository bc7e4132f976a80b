"""O7 as pure rules: who needs service, the four failures, the full-coverage figure."""

from __future__ import annotations

from fractions import Fraction

import pytest

from wuye_chassis.errors import InvalidArgument
from wuye_registry.domain.places import ManagementMode
from wuye_registry.domain.service_coverage import (
    FourFailure,
    ServiceCoverage,
    needs_service,
    parse_four_failures,
)


def test_O7_a_compound_needs_service_when_no_one_serves_it_or_any_failure_was_found() -> None:
    assert needs_service(ManagementMode.NONE, frozenset())
    assert needs_service(ManagementMode.COMPANY, frozenset({FourFailure.LOST_TRUST}))
    for mode in set(ManagementMode) - {ManagementMode.NONE}:
        assert not needs_service(mode, frozenset())


def test_O7_full_coverage_counts_every_mode_but_none_and_is_undefined_without_compounds() -> None:
    counts = {mode: 0 for mode in ManagementMode} | {ManagementMode.COMPANY: 5, ManagementMode.BUNDLED: 2,
                                                      ManagementMode.SELF_MANAGED: 1, ManagementMode.NONE: 2}
    figures = ServiceCoverage(counts, four_failure_compounds=1, needing_service=3)
    assert (figures.compounds, figures.covered, figures.full_coverage) == (10, 8, Fraction(4, 5))
    assert ServiceCoverage(dict.fromkeys(ManagementMode, 0), 0, 0).full_coverage is None


def test_O7_the_failures_are_the_four_each_named_once() -> None:
    assert parse_four_failures(["market_failure", "lost_trust"]) == {FourFailure.MARKET_FAILURE, FourFailure.LOST_TRUST}
    assert parse_four_failures([]) == frozenset()
    for bad in (["market_failure", "market_failure"], ["weather"], [""]):
        with pytest.raises(InvalidArgument) as refused:
            parse_four_failures(bad)
        assert (refused.value.field, refused.value.rule) == ("four_failures", "O7")
