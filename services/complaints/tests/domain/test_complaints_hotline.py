"""H1 rankings and the H2 service list, from counts (no I/O)."""

from __future__ import annotations

from fractions import Fraction

from wuye_complaints.domain.hotline import (
    COMMUNITY,
    COMPANY,
    Count,
    Responsible,
    breakdown,
    most_frequent,
    service_list,
    top,
)


def test_H1_a_breakdown_lists_every_key_of_either_year_largest_first_then_by_key() -> None:
    lines = breakdown({"lifts": 5, "noise": 2, "parking": 2}, {"lifts": 4, "water": 3})
    assert lines == [Count("lifts", 5, 4), Count("noise", 2, 0), Count("parking", 2, 0), Count("water", 0, 3)]
    assert lines[0].change == Fraction(1, 4) and lines[1].change is None  # no baseline, no change
    assert lines[3].change == -1  # gone since last year


def test_H1_top_problems_leave_out_what_had_no_complaints_in_the_period() -> None:
    lines = breakdown({"lifts": 5, "noise": 2}, {"water": 3})
    assert [line.key for line in top(lines, 10)] == ["lifts", "noise"]
    assert [line.key for line in top(lines, 1)] == ["lifts"]


def test_H2_each_problem_is_answered_by_the_party_that_held_most_of_its_cases() -> None:
    items = service_list({("lifts", "company-a"): 3, ("lifts", None): 1, ("noise", None): 4,
                          ("parking", "company-a"): 1, ("parking", None): 1}, limit=10)
    assert [(i.category, i.count, i.responsible) for i in items] == [
        ("lifts", 4, Responsible(COMPANY, "company-a")),
        ("noise", 4, Responsible(COMMUNITY, "")),
        # a tie goes to the company: it is the one bound to serve
        ("parking", 2, Responsible(COMPANY, "company-a")),
    ]
    assert [i.category for i in service_list({("lifts", None): 1, ("noise", None): 2}, limit=1)] == ["noise"]
    assert service_list({}, limit=10) == []


def test_H1_a_hotspots_most_frequent_problem_is_its_largest_count_the_first_by_key_among_equals() -> None:
    assert most_frequent({"noise": 2, "lifts": 3}) == "lifts"
    assert most_frequent({"noise": 2, "lifts": 2}) == "lifts"
