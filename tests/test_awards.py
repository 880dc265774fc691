"""Award eligibility from the campaign file's rules (i1–i3 of the provincial Bằng khen), and the
criteria an officer decides (g0) from the stored verdicts."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from core.campaign import Campaign, bundled_campaign_path, load_campaign
from core.domain.awards import (
    AssessmentFact,
    Assessments,
    Outcome,
    applies,
    assessable_awards,
    evaluate,
    machine_awards,
    officer_criteria,
    officer_results,
    rank,
)
from core.domain.status import (
    DocumentFact,
    IndicatorState,
    InitiativeFact,
    UnitFacts,
    ValueFact,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR_END = date(2025, 1, 10)


@pytest.fixture(scope="module")
def campaign() -> Campaign:
    return load_campaign(bundled_campaign_path())


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=TZ).astimezone(UTC)


def ward_year(
    *, t11: float = 100.0, rating: str = "Khá", launch: date = date(2024, 3, 20)
) -> UnitFacts:
    """A ward's whole year: every target met unless told otherwise."""
    values = {
        ("T01", "2024-ONCE"): ValueFact(True, "Có"),
        ("T00", "2024"): ValueFact(100.0, "100 %"),
        ("T12", "2024-ONCE"): ValueFact(rating, rating),
        ("T06", "2024-Q4"): ValueFact(True, "Có"),
        ("T13", "2024-Q4"): ValueFact("Tốt", "Tốt"),
    }
    for code in ("T04", "I04"):
        values[(code, "2024-12")] = ValueFact(100.0, "100 %")
    values[("T09", "2024-12")] = ValueFact(True, "Có")
    values[("T11", "2024-12")] = ValueFact(t11, f"{t11} %")
    return UnitFacts(
        values=values,
        submissions={"2024-12": at(date(2024, 12, 28))},
        documents={"LAUNCH_DOC": DocumentFact("LAUNCH_DOC", at(launch), at(launch))},
        initiatives=[InitiativeFact("Một cửa số", "effective", at(date(2024, 3, 1)))],
    )


def result_for(  # type: ignore[no-untyped-def]
    campaign: Campaign,
    code: str,
    facts: UnitFacts,
    today: date = YEAR_END,
    *,
    assessments: Assessments | None = None,
):
    [award, *_] = machine_awards(campaign)
    unit = campaign.unit(code)
    assert unit is not None
    return evaluate(
        award,
        campaign,
        unit,
        facts,
        today=today,
        deadlines=campaign.deadlines,
        tz=TZ,
        assessments=assessments,
    )


def outcomes(result) -> dict[str, Outcome]:  # type: ignore[no-untyped-def]
    return {c.criterion.id: c.outcome for c in result.criteria}


def test_the_provincial_bang_khen_is_the_award_with_machine_criteria(campaign: Campaign) -> None:
    awards = machine_awards(campaign)
    assert [a.code for a in awards] == ["BK_CT_TINH"]
    ward = campaign.unit("P_KA_LONG")
    assert ward is not None
    assert applies(awards[0], ward)


def test_a_ward_that_met_everything_is_eligible(campaign: Campaign) -> None:
    result = result_for(campaign, "P_KA_LONG", ward_year())
    assert outcomes(result) == {
        "g0": Outcome.ASSESSMENT,
        "i1": Outcome.MET,
        "i2": Outcome.MET,
        "i3": Outcome.MET,
    }
    assert result.eligible
    assert result.met == 3
    assert not result.gaps
    i2 = next(c for c in result.criteria if c.criterion.id == "i2")
    assert not i2.provisional
    # The evidence is every target checked (T03 and T13 have no target and are left out).
    assert {line.indicator.code for line in i2.indicators} == {
        "T01",
        "T04",
        "T06",
        "T09",
        "T11",
        "T12",
        "I04",
    }


def test_a_value_below_its_target_fails_i2_with_the_value_as_evidence(campaign: Campaign) -> None:
    result = result_for(campaign, "P_KA_LONG", ward_year(t11=95.5))
    i2 = next(c for c in result.criteria if c.criterion.id == "i2")
    assert i2.outcome is Outcome.NOT_MET
    [failing] = i2.failing_indicators()
    assert (failing.indicator.code, failing.period, failing.display) == ("T11", "2024-12", "95.5 %")
    assert not result.eligible


def test_a_rating_below_kha_fails_i3_but_not_for_units_without_an_index(
    campaign: Campaign,
) -> None:
    assert outcomes(result_for(campaign, "P_KA_LONG", ward_year(rating="Trung bình")))["i3"] == (
        Outcome.NOT_MET
    )
    assert outcomes(result_for(campaign, "P_KA_LONG", ward_year(rating="Tốt")))["i3"] == Outcome.MET
    # Ban Dân vận has no annual reform index: i3 does not apply and counts as met.
    party = result_for(campaign, "BDV_TU", UnitFacts())
    assert outcomes(party)["i3"] is Outcome.NOT_APPLICABLE


def test_a_late_launch_document_is_shown_as_lateness_not_a_failed_i1(campaign: Campaign) -> None:
    # Issue 11: i1 is the unit's reform tasks (plan III.2), not the bot's paperwork deadlines.
    # Before, the late launch document failed i1; the plan's verdict is i1 met, lateness shown.
    result = result_for(campaign, "P_KA_LONG", ward_year(launch=date(2024, 4, 2)))
    i1 = next(c for c in result.criteria if c.criterion.id == "i1")
    assert i1.outcome is Outcome.MET
    [late] = i1.lateness
    assert (late.deadline.code, late.state, late.days) == ("D01", "late", 2)
    assert result.eligible


def test_during_the_year_the_outcomes_are_open_or_provisional(campaign: Campaign) -> None:
    facts = UnitFacts(
        values={
            ("T11", "2024-03"): ValueFact(90.0, "90 %"),
            ("T04", "2024-03"): ValueFact(100.0, "100 %"),
        },
        documents={
            "LAUNCH_DOC": DocumentFact("LAUNCH_DOC", at(date(2024, 3, 20)), at(date(2024, 3, 20)))
        },
        initiatives=[InitiativeFact("Một cửa số", "registered", at(date(2024, 3, 1)))],
    )
    result = result_for(campaign, "P_KA_LONG", facts, today=date(2024, 4, 15))
    got = {c.criterion.id: c for c in result.criteria}
    assert got["i1"].outcome is Outcome.OPEN  # the year's reform plan is not reported yet
    assert got["i2"].outcome is Outcome.NOT_MET
    assert got["i2"].provisional
    missing = [i.indicator.code for i in got["i2"].indicators if i.state is IndicatorState.MISSING]
    assert "T12" in missing
    assert "I04" in missing
    assert got["i3"].outcome is Outcome.OPEN  # no rating reported yet


def test_a_value_returned_for_correction_is_judged_as_it_stands(campaign: Campaign) -> None:
    facts = ward_year()
    facts.values[("T11", "2024-12")] = ValueFact(
        100.0, "100 %", review_status="returned", review_comment="Thiếu số liệu tháng 12"
    )
    result = result_for(campaign, "P_KA_LONG", facts)
    i2 = next(c for c in result.criteria if c.criterion.id == "i2")
    assert i2.outcome is Outcome.MET
    t11 = next(i for i in i2.indicators if i.indicator.code == "T11")
    assert t11.comment == "Thiếu số liệu tháng 12"


def test_initiative_criterion_counts_registered_initiatives(campaign: Campaign) -> None:
    data = campaign.model_dump(by_alias=True, mode="json")
    data["awards"][0]["criteria"].append(
        {
            "id": "i4",
            "text": "Đăng ký ít nhất 2 sáng kiến",
            "check": {"type": "initiative_registered", "min_count": 2},
        }
    )
    extended = Campaign.model_validate(data)
    one = result_for(extended, "P_KA_LONG", ward_year())
    i4 = next(c for c in one.criteria if c.criterion.id == "i4")
    assert (i4.outcome, i4.initiatives, i4.required) == (Outcome.NOT_MET, 1, 2)
    during = result_for(extended, "P_KA_LONG", ward_year(), today=date(2024, 6, 1))
    assert next(c for c in during.criteria if c.criterion.id == "i4").outcome is Outcome.OPEN


def test_ranking_puts_eligible_units_first_then_by_criteria_met(campaign: Campaign) -> None:
    results = [
        result_for(campaign, "P_TRAN_PHU", UnitFacts()),
        result_for(campaign, "P_KA_LONG", ward_year(t11=95.5)),
        result_for(campaign, "P_TRA_CO", ward_year()),
    ]
    assert [r.unit.code for r in rank(results)] == ["P_TRA_CO", "P_KA_LONG", "P_TRAN_PHU"]


# -- criteria an officer decides (g0, c1) ---------------------------------------------------------


def verdict(met: bool, comment: str | None = None) -> AssessmentFact:
    return AssessmentFact(met, comment, at(date(2025, 1, 5)), "Nguyễn Thu Hà", "Phòng Nội vụ")


def test_without_a_verdict_g0_awaits_the_officer(campaign: Campaign) -> None:
    result = result_for(campaign, "P_KA_LONG", ward_year())
    [g0] = result.assessed
    assert (g0.criterion.id, g0.outcome, g0.assessment) == ("g0", Outcome.ASSESSMENT, None)
    assert result.awaiting == (g0,)
    assert result.eligible  # every computed criterion is met…
    assert not result.qualified  # …but the unit cannot be proposed before g0 is assessed
    assert not result.refused


def test_a_stored_met_verdict_completes_the_award(campaign: Campaign) -> None:
    facts = {("BK_CT_TINH", "g0"): verdict(True)}
    result = result_for(campaign, "P_KA_LONG", ward_year(), assessments=facts)
    g0 = next(c for c in result.criteria if c.criterion.id == "g0")
    assert g0.outcome is Outcome.MET
    assert g0.assessment == facts[("BK_CT_TINH", "g0")]
    assert result.qualified
    assert not result.awaiting
    assert result.met == 3  # still counts the computed criteria only


def test_a_stored_not_met_verdict_refuses_the_unit_whatever_the_data(campaign: Campaign) -> None:
    facts = {("BK_CT_TINH", "g0"): verdict(False, "Có công chức bị kỷ luật")}
    result = result_for(campaign, "P_KA_LONG", ward_year(), assessments=facts)
    assert outcomes(result)["g0"] is Outcome.NOT_MET
    assert result.eligible
    assert not result.qualified
    assert [c.criterion.id for c in result.refused] == ["g0"]
    assert [c.criterion.id for c in result.gaps] == ["g0"]
    # A verdict on another award's criterion of the same id does not count here.
    other = {("GK_CT_TP", "g0"): verdict(True)}
    assert outcomes(result_for(campaign, "P_KA_LONG", ward_year(), assessments=other))["g0"] is (
        Outcome.ASSESSMENT
    )


def test_ranking_puts_qualified_units_first_and_refused_ones_after_the_pending(
    campaign: Campaign,
) -> None:
    results = [
        result_for(
            campaign,
            "P_KA_LONG",
            ward_year(),
            assessments={("BK_CT_TINH", "g0"): verdict(False, "Không gương mẫu")},
        ),
        result_for(campaign, "P_TRA_CO", ward_year()),
        result_for(
            campaign, "P_TRAN_PHU", ward_year(), assessments={("BK_CT_TINH", "g0"): verdict(True)}
        ),
    ]
    assert [r.unit.code for r in rank(results)] == ["P_TRAN_PHU", "P_TRA_CO", "P_KA_LONG"]


def test_which_awards_an_office_assesses_for_a_unit(campaign: Campaign) -> None:
    ward, office = campaign.unit("P_KA_LONG"), campaign.unit("PTP")
    assert ward is not None
    assert office is not None
    assert [a.code for a in assessable_awards(campaign, ward, "PNV")] == [
        "BK_CT_TINH",
        "GK_CT_TP",
        "GK_CT_XA",
    ]
    # The commune's Giấy khen is not an office's; the individuals' Bằng khen is never per unit.
    assert [a.code for a in assessable_awards(campaign, office, "PNV")] == [
        "BK_CT_TINH",
        "GK_CT_TP",
    ]
    bk = next(a for a in campaign.awards if a.code == "BK_CT_TINH")
    # i1 (the unit's reform tasks) is Phòng Nội vụ's to assess through /danhgia too.
    assert [c.id for c in officer_criteria(bk)] == ["g0", "i1"]
    results = officer_results(bk, {("BK_CT_TINH", "g0"): verdict(True)})
    assert [(c.criterion.id, c.outcome) for c in results] == [
        ("g0", Outcome.MET),
        ("i1", Outcome.ASSESSMENT),
    ]


def test_a_criterion_reserved_to_one_office_is_assessed_by_that_office_only(
    campaign: Campaign,
) -> None:
    data = campaign.model_dump(by_alias=True, mode="json")
    gk = next(a for a in data["awards"] if a["code"] == "GK_CT_TP")
    gk["criteria"][0]["check"] = {"type": "admin_assessment", "by": "PVHTT"}
    reserved = Campaign.model_validate(data)
    media = reserved.unit("TTTTVH")
    assert media is not None
    assert [a.code for a in assessable_awards(reserved, media, "PVHTT")] == [
        "BK_CT_TINH",
        "GK_CT_TP",
    ]
    assert [a.code for a in assessable_awards(reserved, media, "PNV")] == ["BK_CT_TINH"]
