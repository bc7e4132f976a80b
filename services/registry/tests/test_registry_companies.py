"""Companies (USCC), service contracts (one active per compound) and the reserve pool (O5)."""

from __future__ import annotations

import grpc

from wuye.registry.v1 import registry_pb2

from .conftest import Registry, refused, uscc


async def test_company_registration_checks_the_uscc_and_is_announced(registry: Registry) -> None:
    company = await registry.company(7, required=True, mode=registry_pb2.PARTY_ORG_MODE_JOINT_BRANCH)
    assert company.uscc == uscc(7) and company.party_org_mode == registry_pb2.PARTY_ORG_MODE_JOINT_BRANCH
    assert await registry.events("CompanyRegistered") == 1
    before = await registry.snapshot("companies")
    wrong_check = uscc(8)[:-1] + ("0" if uscc(8)[-1] != "0" else "1")
    for code, status in ((wrong_check, grpc.StatusCode.INVALID_ARGUMENT), (uscc(7), grpc.StatusCode.ALREADY_EXISTS)):
        seen, error = await refused(
            registry.call(
                "RegisterCompany",
                registry_pb2.RegisterCompanyRequest(
                    jurisdiction_code="350521", uscc=code, name="x", party_org_mode=registry_pb2.PARTY_ORG_MODE_NONE
                ),
            )
        )
        assert (seen, error.field) == (status, "uscc")
    assert await registry.snapshot("companies") == before


async def test_second_active_contract_is_refused_and_nothing_changes(registry: Registry) -> None:
    compound = await registry.compound()
    first, second = await registry.company(1), await registry.company(2)
    contract = await registry.contract(compound.id, first.id, "2020-01-01", "2025-12-31")
    assert await registry.events("ContractStarted") == 1
    before = await registry.snapshot("service_contracts")
    status, error = await refused(registry.contract(compound.id, second.id, "2025-06-01"))
    assert (status, error.field, error.rule) == (
        grpc.StatusCode.FAILED_PRECONDITION,
        "start",
        "one_active_contract",
    )
    assert await registry.snapshot("service_contracts") == before

    ended = await registry.call(
        "EndContract", registry_pb2.EndContractRequest(contract_id=contract.id, terminated_on="2025-05-31")
    )
    assert ended.contract.terminated_on == "2025-05-31"
    assert await registry.events("ContractEnded") == 1
    await registry.contract(compound.id, second.id, "2025-06-01")
    assert await registry.events("ContractStarted") == 2
    answer = await registry.call("GetCompound", registry_pb2.GetCompoundRequest(compound_id=compound.id))
    assert answer.current_company.id == second.id


async def test_O5_screened_out_candidate_is_kept_with_every_reason(registry: Registry) -> None:
    compound = await registry.compound()
    company = await registry.company(3)
    await registry.contract(compound.id, company.id, "2020-01-01")
    candidate = await registry.person("候选人")
    answer = await registry.call(
        "ProposeCandidate",
        registry_pb2.ProposeCandidateRequest(
            compound_id=compound.id,
            person_id=candidate,
            positions=[registry_pb2.RESERVE_POSITION_OWNERS_COMMITTEE_CHAIR],
            screened_on="2025-01-01",
            unpaid_property_fees=True,
            company_ties=[
                registry_pb2.CompanyTie(
                    company_uscc=company.uscc,
                    relation=registry_pb2.RELATION_SPOUSE,
                    kind=registry_pb2.TIE_KIND_EMPLOYMENT,
                )
            ],
            sentence_completed_on="2021-06-01",
        ),
    )
    assert not answer.candidate.eligible
    assert [r.code for r in answer.candidate.reasons] == ["arrears", "company_tie", "criminal_sentence"]
    assert await registry.count("reserve_candidates", "WHERE eligible = false") == 1
    assert await registry.count("reserve_screening_reasons") == 3

    clean = await registry.call(
        "ProposeCandidate",
        registry_pb2.ProposeCandidateRequest(
            compound_id=compound.id,
            person_id=await registry.person("清白"),
            positions=[registry_pb2.RESERVE_POSITION_BRANCH_SECRETARY],
        ),
    )
    assert clean.candidate.eligible and not clean.candidate.reasons
