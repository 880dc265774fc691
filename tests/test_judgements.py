"""Issue 11: the verdicts a Phòng Nội vụ officer reading the plan (seed III.2) would give.

Each scenario states the verdict before issue 11 and the plan's verdict, which the domain now
gives; the texts quote the plan's wording."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from core.campaign import Campaign, bundled_campaign_path, load_campaign
from core.domain.awards import (
    Outcome,
    applies,
    evaluate,
    lived_through,
    machine_awards,
    predecessors_of,
    results_final,
    successor_of,
)
from core.domain.status import DocumentFact, InitiativeFact, UnitFacts, ValueFact, missing_indicator
from core.texts.oversight import criterion_text

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
YEAR_END = date(2025, 1, 20)
MARCH_2025 = date(2025, 3, 10)


@pytest.fixture(scope="module")
def campaign() -> Campaign:
    return load_campaign(bundled_campaign_path())


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, tzinfo=TZ).astimezone(UTC)


def ward(
    *,
    launch: date = date(2024, 3, 20),
    initiatives: tuple[str, ...] = ("effective",),
    rating: str | None = "Khá",
    year_report: date = date(2025, 1, 10),
) -> UnitFacts:
    values = {
        ("T00", "2024"): ValueFact(100.0, "100 %"),
        ("T01", "2024-ONCE"): ValueFact(True, "Có"),
        ("T06", "2024-Q4"): ValueFact(True, "Có"),
        ("T09", "2024-12"): ValueFact(True, "Có"),
        ("T04", "2024-12"): ValueFact(100.0, "100 %"),
        ("I04", "2024-12"): ValueFact(100.0, "100 %"),
        ("T11", "2024-12"): ValueFact(100.0, "100 %"),
    }
    if rating is not None:
        values[("T12", "2024-ONCE")] = ValueFact(rating, rating)
    return UnitFacts(
        values=values,
        submissions={"2024-12": at(year_report)},
        documents={"LAUNCH_DOC": DocumentFact("LAUNCH_DOC", at(launch), at(launch))},
        initiatives=[
            InitiativeFact(f"Sáng kiến {n}", status, at(date(2024, 3, 1)))
            for n, status in enumerate(initiatives)
        ],
    )


def judge(campaign: Campaign, code: str, facts: UnitFacts, today: date = YEAR_END):  # type: ignore[no-untyped-def]
    [award] = machine_awards(campaign)
    unit = campaign.unit(code)
    assert unit is not None
    result = evaluate(
        award, campaign, unit, facts, today=today, deadlines=campaign.deadlines, tz=TZ
    )
    return {c.criterion.id: c for c in result.criteria}, result


# scenario, unit, facts, day, criterion, outcome before issue 11, the plan's outcome
SCENARIOS = [
    (
        "late launch document, every target met",
        "P_KA_LONG",
        ward(launch=date(2024, 4, 5)),
        YEAR_END,
        "i1",
        Outcome.NOT_MET,
        Outcome.MET,
    ),
    (
        "year-end report on 02/01/2025",
        "P_KA_LONG",
        ward(year_report=date(2025, 1, 2)),
        YEAR_END,
        "i1",
        Outcome.NOT_MET,
        Outcome.MET,
    ),
    (
        "only initiative rejected",
        "P_KA_LONG",
        ward(initiatives=("rejected",)),
        YEAR_END,
        "i2",
        Outcome.NOT_MET,
        Outcome.MET,
    ),
    (
        "no initiative in the register (T07 once said yes)",
        "P_KA_LONG",
        ward(initiatives=()),
        YEAR_END,
        "i2",
        Outcome.MET,
        Outcome.NOT_MET,
    ),
    (
        "index never entered, March 2025",
        "P_KA_LONG",
        ward(rating=None),
        MARCH_2025,
        "i3",
        Outcome.OPEN,
        Outcome.NOT_MET,
    ),
]


@pytest.mark.parametrize(
    ("scenario", "code", "facts", "today", "cid", "before", "after"),
    SCENARIOS,
    ids=[s[0] for s in SCENARIOS],
)
def test_scenario_verdicts(  # noqa: PLR0917 - one row of the table
    campaign: Campaign,
    scenario: str,
    code: str,
    facts: UnitFacts,
    today: date,
    cid: str,
    before: Outcome,
    after: Outcome,
) -> None:
    got, _ = judge(campaign, code, facts, today)
    assert got[cid].outcome is after, scenario
    assert after is not before


def test_a_late_launch_document_is_shown_as_lateness_quoting_the_plan(campaign: Campaign) -> None:
    got, result = judge(campaign, "P_KA_LONG", ward(launch=date(2024, 4, 5)))
    assert result.eligible
    text = criterion_text(got["i1"], campaign=campaign, tz=TZ, detail=True)
    # The plan's criterion by its short name, judged from the unit's reform tasks (T00).
    assert text.startswith("Hoàn thành tốt nhiệm vụ cải cách hành chính năm 2024: đạt")
    assert "Hoàn thành nhiệm vụ Kế hoạch CCHC năm 2024" in text
    assert "không tính vào tiêu chí" in text
    assert "đúng hạn các việc" not in text


def test_an_index_never_entered_is_not_met_not_reported(campaign: Campaign) -> None:
    assert results_final(campaign, MARCH_2025)
    assert not results_final(campaign, date(2024, 12, 20))
    got, _ = judge(campaign, "P_KA_LONG", ward(rating=None), MARCH_2025)
    text = criterion_text(got["i3"], campaign=campaign, tz=TZ)
    assert "không đạt" in text
    assert "không báo cáo" in text
    # During the year it is still open.
    got, _ = judge(campaign, "P_KA_LONG", ward(rating=None), date(2024, 11, 5))
    assert got["i3"].outcome is Outcome.OPEN


def test_the_economic_office_is_judged_on_reporting_the_citys_figures(campaign: Campaign) -> None:
    values = {(code, "2024-Q4"): ValueFact(5.0, "5 %") for code in ("E01A", "E01B", "E01C", "E02")}
    values |= {
        ("E03", "2024-Q4"): ValueFact(20.0, "20 %"),
        ("E04", "2024-12"): ValueFact(90.0, "90 %"),
        ("E05", "2024-Q4"): ValueFact(150, "150"),
        ("T00", "2024"): ValueFact(100.0, "100 %"),
        ("T01", "2024-ONCE"): ValueFact(True, "Có"),
        ("T06", "2024-Q4"): ValueFact(True, "Có"),
        ("T09", "2024-12"): ValueFact(True, "Có"),
        ("T04", "2024-12"): ValueFact(100.0, "100 %"),
        ("I04", "2024-12"): ValueFact(100.0, "100 %"),
        ("T11", "2024-12"): ValueFact(100.0, "100 %"),
        ("T12", "2024-ONCE"): ValueFact("Khá", "Khá"),
    }
    facts = UnitFacts(
        values=values,
        initiatives=[InitiativeFact("Một cửa", "registered", at(date(2024, 3, 1)))],
    )
    got, result = judge(campaign, "PTCKH", facts)
    # Before issue 11: i2 not met because the city's growth missed its targets.
    assert got["i2"].outcome is Outcome.MET
    assert result.eligible
    # Not reporting them is the office's own failure.
    del facts.values[("E05", "2024-Q4")]
    got, _ = judge(campaign, "PTCKH", facts)
    assert got["i2"].outcome is Outcome.NOT_MET


def test_articles_every_month_are_judged_over_the_year(campaign: Campaign) -> None:
    values = {
        ("T00", "2024"): ValueFact(100.0, "100 %"),
        ("T01", "2024-ONCE"): ValueFact(True, "Có"),
        ("T05", "2024-Q4"): ValueFact(True, "Có"),
        ("T06", "2024-Q4"): ValueFact(True, "Có"),
        ("M02", "2024"): ValueFact(True, "Có"),
        ("M01", "2024-12"): ValueFact(3, "3"),
    }
    initiatives = [InitiativeFact("Tuyên truyền", "registered", at(date(2024, 3, 1)))]
    facts = UnitFacts(values=dict(values), initiatives=initiatives)
    got, _ = judge(campaign, "TTTTVH", facts)
    # Before: met on December's value alone.
    assert got["i2"].outcome is Outcome.NOT_MET
    assert {i.period for i in got["i2"].failing_indicators()} >= {"2024-01", "2024-11"}
    for m in range(1, 13):
        values[("M01", f"2024-{m:02d}")] = ValueFact(1, "1")
    got, _ = judge(campaign, "TTTTVH", UnitFacts(values=values, initiatives=initiatives))
    assert got["i2"].outcome is Outcome.MET


def test_hoa_lac_in_november(campaign: Campaign) -> None:
    hoa_lac, tran_phu = campaign.unit("P_HOA_LAC"), campaign.unit("P_TRAN_PHU")
    assert hoa_lac is not None
    assert tran_phu is not None
    [award] = machine_awards(campaign)
    # Before: ranked for the Bằng khen and asked for November. Now neither.
    assert not lived_through(hoa_lac, campaign)
    assert not applies(award, hoa_lac, campaign)
    assert applies(award, tran_phu, campaign)
    t04 = campaign.indicator("T04")
    assert t04 is not None
    assert missing_indicator(t04, "2024-11", [hoa_lac], {}, day=date(2024, 11, 5)) == []
    assert [d.code for d in campaign.deadlines_for(hoa_lac)] == ["D01", "D02"]
    # The campaign file names its successor, with the source, not yet confirmed.
    assert successor_of(hoa_lac, campaign) == tran_phu
    assert predecessors_of(tran_phu, campaign) == (hoa_lac,)
    assert hoa_lac.successor is not None
    assert not hoa_lac.successor.confirmed
    assert "mongcai.gov.vn" in hoa_lac.successor.source


def test_a_moved_deadline_drops_its_note_about_the_old_date(campaign: Campaign) -> None:
    d01 = next(d for d in campaign.deadlines if d.code == "D01")
    d02 = next(d for d in campaign.deadlines if d.code == "D02")
    assert d01.note is not None
    assert "29/03/2024" in d01.note
    assert d01.note_in_force(None) == d01.note  # the file's date is in force
    assert d01.note_in_force(d01.due) == d01.note
    moved = d01.model_copy(update={"due": date(2024, 4, 15)})
    assert moved.note_in_force(d01.due) is None  # it spoke of 29/03/2024
    # A note without a date stays with the deadline wherever it moves.
    moved_d02 = d02.model_copy(update={"due": date(2024, 4, 30)})
    assert moved_d02.note_in_force(d02.due) == d02.note


def _ctx_of(campaign: Campaign, unit_code: str, unit_name: str, day: date):  # type: ignore[no-untyped-def]
    from typing import Any, cast

    from core.conversation import Ctx, Services
    from core.identity import Identity
    from core.messages import Incoming, Kind

    when = at(day)
    who = Identity(1, "Hoa", 1, unit_code, unit_name, "COMMUNE", "focal", "telegram", "1", when)
    services = Services(
        settings=cast(Any, None), campaign_id="c", clock=lambda: when, campaign=campaign
    )
    msg = Incoming("telegram", "1", "1", "1", cast(Kind, "text"))
    return Ctx(msg=msg, conn=cast(Any, None), services=services, who=who)


def test_removed_and_closed_units_are_refused_with_the_reason(campaign: Campaign) -> None:
    from core.domain.periods import Month
    from handlers import lifespan

    # A unit no longer in the campaign file: nothing may be sent.
    gone = _ctx_of(campaign, "X_BO_DI", "Xã Đã Rút", date(2024, 6, 3))
    text = lifespan.refusal(gone, "report")
    assert text is not None
    assert text.startswith("Xã Đã Rút không còn trong danh sách đơn vị tham gia")
    # Hòa Lạc before its end: it may send; November may not be reported even in October.
    october = _ctx_of(campaign, "P_HOA_LAC", "Phường Hòa Lạc", date(2024, 10, 20))
    assert lifespan.refusal(october, "initiative") is None
    assert lifespan.refusal(october, "report", month=Month(2024, 10)) is None
    november = lifespan.refusal(october, "report", month=Month(2024, 11))
    assert november is not None
    assert november.startswith(
        "Phường Hòa Lạc đã kết thúc hoạt động từ ngày 01/11/2024 (sáp nhập vào phường Trần Phú); "
        "Anh/Chị không thể gửi báo cáo cho các kỳ sau ngày này."
    )
    # After its end: documents refused; another ward is not concerned.
    after = _ctx_of(campaign, "P_HOA_LAC", "Phường Hòa Lạc", date(2024, 11, 4))
    assert lifespan.refusal(after, "document") is not None
    ka_long = _ctx_of(campaign, "P_KA_LONG", "Phường Ka Long", date(2024, 11, 4))
    assert lifespan.refusal(ka_long, "document") is None
