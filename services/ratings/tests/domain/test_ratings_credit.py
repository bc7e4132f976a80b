import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from wuye_chassis.errors import FailedPrecondition, InvalidArgument
from wuye_chassis.exact import round_half_up
from wuye_ratings.domain.credit import CreditRecord, RecordStatus, SourceKind, score_on, score_under
from wuye_ratings.domain.events import CreditRecordAdded, CreditRecordWithdrawn
from wuye_ratings.domain.rules import DEFAULT_RULES, RuleBook
from wuye_ratings.domain.vocabulary import Band, RecordKind

COMPANY = "company-1"
OCCURRED = dt.date(2026, 3, 1)
LATER = dt.date(2026, 6, 30)


def score(records, as_of=LATER, **options):
    return score_on(records, DEFAULT_RULES, as_of, company_id=COMPANY, **options)


def test_R1_nothing_on_file_scores_the_base_score():
    result = score([])
    assert (result.score, result.band, result.good, result.bad) == (70, Band.A, 0, 0)
    assert result.rule_version == DEFAULT_RULES.version


def test_R1_score_is_base_plus_good_minus_bad(make_record):
    records = [make_record("award_national"), make_record("award_city"), make_record("illegal_charging")]
    result = score(records)
    assert (result.good, result.bad, result.score) == (8, 5, 73)
    assert result.counted_record_ids == tuple(record.record_id for record in records)


def test_R1_score_exactly_85_is_AAA(make_record):
    records = [make_record("award_national"), make_record("award_national"), make_record("award_national")]
    assert (score(records).score, score(records).band) == (85, Band.AAA)


def test_R1_score_exactly_80_is_AA_and_79_is_A(make_record):
    two_awards = [make_record("award_national"), make_record("award_national")]
    assert (score(two_awards).score, score(two_awards).band) == (80, Band.AA)
    assert score([*two_awards, make_record("complaint_overdue")]).band is Band.A


def test_R1_score_exactly_60_is_B_and_59_with_a_bad_record_is_C(make_record):
    two_offences = [make_record("court_loss_at_fault"), make_record("illegal_charging")]
    assert (score(two_offences).score, score(two_offences).band) == (60, Band.B)
    third = [*two_offences, make_record("complaint_unsatisfied")]
    assert (score(third).score, score(third).band) == (59, Band.C)


def test_R1_below_60_without_bad_record_is_B(make_record):
    result = score([make_record("award_street")], base=Fraction(117, 2))
    assert (result.score, result.band) == (Fraction(119, 2), Band.B)


def test_R1_evaluation_base_below_60_with_a_bad_record_is_C(make_record):
    assert score([make_record("finding_minor")], base=60).band is Band.C


def test_R2_maintenance_fund_misuse_is_automatic_C_whatever_the_score(make_record):
    records = [make_record("award_national"), make_record("award_national"), make_record("award_national")]
    result = score([*records, make_record("maintenance_fund_misuse")])
    assert (result.score, result.automatic_c, result.band) == (85, True, Band.C)


def test_R2_refusing_to_leave_is_automatic_C(make_record):
    assert score([make_record("refused_to_leave")]).band is Band.C


def test_R2_record_keeps_the_points_and_version_it_was_priced_with(make_record):
    stricter = DEFAULT_RULES.revised(
        version="stricter-2027", effective_from=dt.date(2027, 1, 1), points={"illegal_charging": -10}
    )
    old = make_record("illegal_charging")
    new = make_record("illegal_charging", ruleset=stricter)
    assert (old.points, old.rule_version) == (-5, DEFAULT_RULES.version)
    assert (new.points, new.rule_version) == (-10, "stricter-2027")
    assert new.added == CreditRecordAdded(COMPANY, new.record_id, OCCURRED, "stricter-2027")
    assert score([old, new]).bad == 15


def test_R2_a_day_is_scored_with_the_base_of_the_rules_in_effect_that_day_records_keep_their_points(make_record):
    book = RuleBook().add(DEFAULT_RULES.revised(version="base-60", effective_from=dt.date(2026, 6, 1), base_score=60))
    records = [make_record("illegal_charging")]
    before, after = (score_under(book, records, day, company_id=COMPANY) for day in (dt.date(2026, 5, 31), LATER))
    assert (before.rule_version, before.score) == (DEFAULT_RULES.version, 65)
    assert (after.rule_version, after.score) == ("base-60", 55)


def test_R1_record_counts_from_its_day_until_the_day_before_one_year_later(make_record):
    record = make_record("illegal_charging")
    assert record.valid_until == dt.date(2027, 3, 1)
    assert score([record], as_of=dt.date(2026, 2, 28)).score == 70  # not yet
    assert score([record], as_of=OCCURRED).score == 65  # first day counts
    assert score([record], as_of=dt.date(2027, 2, 28)).score == 65  # last day counts
    assert score([record], as_of=dt.date(2027, 3, 1)).score == 70  # valid_until is exclusive


def test_R1_leap_day_record_expires_on_28_february(make_record):
    record = make_record("award_city", occurred_on=dt.date(2028, 2, 29))
    assert record.valid_until == dt.date(2029, 2, 28)
    assert not record.counts_on(dt.date(2029, 2, 28))
    assert record.counts_on(dt.date(2029, 2, 27))


def test_R1_record_may_state_its_own_validity(make_record):
    record = make_record("court_loss_at_fault", valid_until=dt.date(2029, 3, 1))
    assert score([record], as_of=dt.date(2029, 2, 28)).score == 65
    assert score([record], as_of=dt.date(2029, 3, 1)).score == 70


def test_R1_stated_validity_must_end_after_the_record_occurred(make_record):
    with pytest.raises(InvalidArgument) as refused:
        make_record("court_loss_at_fault", valid_until=OCCURRED)
    assert (refused.value.field, refused.value.rule) == ("valid_until", "R1")


def test_R1_record_source_is_an_event_or_manual_entry(make_record):
    manual = make_record("award_provincial", source_kind="manual", source_reference="officer-7", note="省级示范项目")
    assert (manual.source.kind, manual.source.reference, manual.note) == (
        SourceKind.MANUAL,
        "officer-7",
        "省级示范项目",
    )
    with pytest.raises(InvalidArgument) as refused:
        make_record("award_provincial", source_kind="rumour")
    assert (refused.value.field, refused.value.rule) == ("source_kind", "R1")


def test_R1_score_refuses_records_of_another_company(make_record):
    with pytest.raises(InvalidArgument) as refused:
        score([make_record("award_city", company_id="company-2")])
    assert (refused.value.field, refused.value.rule) == ("records", "R1")


def test_R1_float_base_refused(make_record):
    with pytest.raises(InvalidArgument) as refused:
        score([], base=59.5)
    assert (refused.value.field, refused.value.rule) == ("base", "R1")


def test_R6_past_score_is_reproducible_from_records(make_record):
    records = [make_record("illegal_charging"), make_record("award_city", occurred_on=dt.date(2026, 5, 1))]
    march = score(records, as_of=dt.date(2026, 3, 31))
    records.append(make_record("finding_serious", occurred_on=dt.date(2026, 7, 1)))
    assert score(records, as_of=dt.date(2026, 3, 31)) == march
    assert march.score == 65


def test_R6_withdrawn_record_stops_counting_from_its_withdrawal_day(make_record):
    record = make_record("illegal_charging")
    withdrawn = record.withdraw(on=dt.date(2026, 6, 1), appeal_id="appeal-1")
    assert withdrawn == CreditRecordWithdrawn(COMPANY, record.record_id, dt.date(2026, 6, 1), DEFAULT_RULES.version)
    assert record.status is RecordStatus.WITHDRAWN
    assert score([record], as_of=dt.date(2026, 5, 31)).score == 65  # as published then
    assert score([record], as_of=dt.date(2026, 6, 1)).score == 70
    corrected = score([record], as_of=dt.date(2026, 5, 31), known_on=dt.date(2026, 6, 1))
    assert (corrected.score, corrected.known_on) == (70, dt.date(2026, 6, 1))


def test_R6_known_on_before_as_of_refused():
    with pytest.raises(InvalidArgument) as refused:
        score([], as_of=LATER, known_on=dt.date(2026, 6, 29))
    assert (refused.value.field, refused.value.rule) == ("known_on", "R6")


def test_R6_record_withdrawn_once_only(make_record):
    record = make_record("illegal_charging")
    record.withdraw(on=LATER, appeal_id="appeal-1")
    with pytest.raises(FailedPrecondition) as refused:
        record.withdraw(on=LATER, appeal_id="appeal-2")
    assert (refused.value.field, refused.value.rule, record.withdrawn_by_appeal) == ("record_id", "R6", "appeal-1")


def test_R6_record_cannot_be_withdrawn_before_it_occurred(make_record):
    with pytest.raises(InvalidArgument) as refused:
        make_record("illegal_charging").withdraw(on=dt.date(2026, 2, 28), appeal_id="appeal-1")
    assert (refused.value.field, refused.value.rule) == ("withdrawn_on", "R6")


def test_R1_fractional_points_stay_exact_and_display_rounds_half_up(make_record):
    halves = DEFAULT_RULES.revised(
        version="halves", effective_from=dt.date(2027, 1, 1), points={"complaint_unsatisfied": Fraction(-1, 20)}
    )
    records = [make_record("complaint_unsatisfied", ruleset=halves)]
    result = score_on(records, halves, LATER, company_id=COMPANY, base=85)
    assert result.score == Fraction(1699, 20)  # 84.95 exactly
    assert result.band is Band.AA  # the band uses the exact score …
    assert result.display == Decimal("85.0")  # … the display rounds half up


@pytest.mark.parametrize(
    ("value", "shown"),
    [(Fraction(1, 20), "0.1"), (Fraction(1, 30), "0.0"), (Fraction(-1, 20), "-0.1"), (Fraction(200, 3), "66.7")],
)
def test_R1_display_rounding_is_half_away_from_zero(value, shown):
    assert round_half_up(value, 1) == Decimal(shown)


def test_R2_points_of_every_default_kind_land_in_the_score(make_record):
    for kind in RecordKind:
        record = make_record(kind)
        assert score([record]).score == 70 + DEFAULT_RULES.points_for(kind)


def test_R1_record_is_refused_without_its_ids(make_record):
    with pytest.raises(InvalidArgument) as refused:
        CreditRecord.create(
            record_id="r",
            company_id=" ",
            kind="award_city",
            ruleset=DEFAULT_RULES,
            source_kind="manual",
            source_reference="officer-1",
            occurred_on=OCCURRED,
        )
    assert (refused.value.field, refused.value.rule) == ("company_id", "R1")
