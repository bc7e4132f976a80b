import pytest

from wuye_chassis.errors import FailedPrecondition, InvalidArgument
from wuye_chassis.jurisdiction import JurisdictionPath
from wuye_funds.domain.neighbour_fund import DonationSource, FundLevel, MovementKind, NeighbourFund, require_place

YUAN = 100


def three_levels():
    county = NeighbourFund.open("hui-an", level=FundLevel.COUNTY)
    community = NeighbourFund.open("luocheng", level=FundLevel.COMMUNITY, parent=county)
    compound = NeighbourFund.open("jinxiu", level="compound", parent=community)
    return county, community, compound


def test_P5_developer_donation_granted_down_level_by_level():
    county, community, compound = three_levels()
    county.receive_donation(1_000_000 * YUAN, source=DonationSource.COMPANIES, memo="开发商捐赠")
    county.grant(community, 300_000 * YUAN, memo="社区邻里活动")
    out, received = community.grant(compound, 50_000 * YUAN, memo="小区邻里节")
    assert (out.kind, received.kind) == (MovementKind.GRANT_OUT, MovementKind.GRANT_IN)
    assert (out.counterpart_fund_id, received.counterpart_fund_id) == ("jinxiu", "luocheng")
    assert (county.balance_fen, community.balance_fen, compound.balance_fen) == (
        700_000 * YUAN,
        250_000 * YUAN,
        50_000 * YUAN,
    )
    compound.spend(12_345, purpose="邻里节物资")
    assert compound.balance_fen == 50_000 * YUAN - 12_345


def test_P5_grant_cannot_skip_a_level():
    county, _community, compound = three_levels()
    county.receive_donation(100 * YUAN, source="government", memo="财政补助")
    with pytest.raises(FailedPrecondition) as caught:
        county.grant(compound, 10 * YUAN, memo="直接拨付")
    assert (caught.value.field, caught.value.rule) == ("receiver", "P5")
    assert county.balance_fen == 100 * YUAN and compound.balance_fen == 0


def test_P5_grant_cannot_go_up_or_sideways():
    county, community, compound = three_levels()
    compound.receive_donation(100, source="residents", memo="居民捐款")
    with pytest.raises(FailedPrecondition):
        compound.grant(community, 10, memo="上交")
    other_community = NeighbourFund.open("other", level=FundLevel.COMMUNITY, parent=county)
    with pytest.raises(FailedPrecondition):
        community.grant(other_community, 10, memo="平级")


def test_P5_grant_only_to_own_child():
    county, community, _compound = three_levels()
    other_county = NeighbourFund.open("anxi", level=FundLevel.COUNTY)
    stranger = NeighbourFund.open("stranger", level=FundLevel.COMMUNITY, parent=other_county)
    county.receive_donation(100, source="government", memo="补助")
    with pytest.raises(FailedPrecondition) as caught:
        county.grant(stranger, 10, memo="跨县")
    assert caught.value.rule == "P5"


def test_P5_grant_never_exceeds_balance_exactly_balance_allowed():
    county, community, _compound = three_levels()
    county.receive_donation(500, source="community_enterprise", memo="社区企业")
    with pytest.raises(FailedPrecondition) as caught:
        county.grant(community, 501, memo="超额")
    assert (caught.value.field, caught.value.rule) == ("amount_fen", "P5")
    county.grant(community, 500, memo="全部")
    assert county.balance_fen == 0


def test_P5_spending_never_exceeds_balance():
    _county, _community, compound = three_levels()
    with pytest.raises(FailedPrecondition) as caught:
        compound.spend(1, purpose="活动")
    assert (caught.value.field, caught.value.rule) == ("amount_fen", "P5")


def test_P5_four_enumerated_sources():
    assert {source.value for source in DonationSource} == {
        "community_enterprise",
        "residents",
        "companies",
        "government",
    }


def test_P5_unknown_source_refused():
    county, _community, _compound = three_levels()
    with pytest.raises(InvalidArgument) as caught:
        county.receive_donation(100, source="lottery", memo="x")
    assert (caught.value.field, caught.value.rule) == ("source", "P5")


@pytest.mark.parametrize(
    ("level", "parent_level"),
    [(FundLevel.COMPOUND, FundLevel.COUNTY), (FundLevel.COMMUNITY, None), (FundLevel.COUNTY, FundLevel.COUNTY)],
)
def test_P5_fund_must_sit_one_level_under_its_parent(level, parent_level):
    parent = None if parent_level is None else NeighbourFund.open("p", level=parent_level)
    with pytest.raises(InvalidArgument) as caught:
        NeighbourFund.open("f", level=level, parent=parent)
    assert (caught.value.field, caught.value.rule) == ("parent_fund_id", "P5")


def test_P5_movements_kept_for_publication():
    county, community, _compound = three_levels()
    county.receive_donation(1000, source=DonationSource.RESIDENTS, memo="居民捐款")
    county.grant(community, 400, memo="拨付")
    county.spend(100, purpose="县级培训")
    assert [(m.kind, m.amount_fen) for m in county.movements] == [
        (MovementKind.DONATION, 1000),
        (MovementKind.GRANT_OUT, 400),
        (MovementKind.SPENDING, 100),
    ]
    assert county.movements[0].source is DonationSource.RESIDENTS


def test_P5_a_fund_serves_a_place_of_its_level_inside_its_parents_place():
    county = JurisdictionPath.parse("350500/350521")
    community = JurisdictionPath.parse("350500/350521/350521100/350521100001")
    require_place(FundLevel.COUNTY, county, None)
    require_place(FundLevel.COMMUNITY, community, county)
    require_place(FundLevel.COMPOUND, community, community)
    with pytest.raises(InvalidArgument) as refusal:
        require_place(FundLevel.COMMUNITY, community, JurisdictionPath.parse("350500/350524"))
    assert refusal.value.field == "parent_fund_id"
    with pytest.raises(InvalidArgument) as refusal:
        require_place(FundLevel.COUNTY, community, None)
    assert refusal.value.field == "jurisdiction_path"
