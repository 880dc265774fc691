"""A unit's status and the campaign overview, computed from facts (no database, no bot)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from core.campaign import Campaign, bundled_campaign_path, load_campaign
from core.domain.periods import Month
from core.domain.status import (
    DeadlineChange,
    DeadlineState,
    DocumentFact,
    IndicatorState,
    InitiativeFact,
    UnitFacts,
    ValueFact,
    current_period,
    deadline_line,
    effective_deadlines,
    missing_deadline,
    missing_indicator,
    overdue_by_deadline,
    overview,
    overview_month,
    report_month,
    report_periods,
    status_month,
    unit_status,
)

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
APRIL = date(2024, 4, 15)


@pytest.fixture(scope="module")
def campaign() -> Campaign:
    return load_campaign(bundled_campaign_path())


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ).astimezone(UTC)


def doc(day: date, hour: int = 10, minute: int = 0) -> DocumentFact:
    moment = at(day, hour, minute)
    return DocumentFact("LAUNCH_DOC", moment, moment)


# -- periods ---------------------------------------------------------------------------------


def test_current_period_is_the_latest_asked_so_far() -> None:
    first, april, june = Month(2024, 1), Month(2024, 4), Month(2024, 6)
    assert current_period("monthly", april, first) == "2024-04"
    assert current_period("quarterly", april, first) == "2024-Q1"  # Q2 is asked in June
    assert current_period("quarterly", june, first) == "2024-Q2"
    assert current_period("semiannual", april, first) is None
    assert current_period("semiannual", june, first) == "2024-H1"
    assert current_period("annual", april, first) is None
    assert current_period("once", april, first) == "2024-ONCE"
    assert current_period("quarterly", Month(2024, 2), first) is None


def test_report_periods_for_a_deadline() -> None:
    # The year-end report: the December report carries the year, Q4, H2 and December.
    assert report_periods("annual", date(2024, 12, 31)) == {"2024", "2024-H2", "2024-Q4", "2024-12"}
    # A quarterly report due mid-April is the first quarter's (sent in March's report).
    assert report_periods("quarterly", date(2024, 4, 15)) == {"2024-Q1", "2024-03"}
    assert report_periods("monthly", date(2024, 5, 31)) == {"2024-05"}


def test_report_month_and_status_months(campaign: Campaign) -> None:
    assert report_month("2024-Q2") == Month(2024, 6)
    assert report_month("2024-H2") == Month(2024, 12)
    assert report_month("2024") == Month(2024, 12)
    assert report_month("2024-03") == Month(2024, 3)
    assert report_month("2024-ONCE") is None
    assert status_month(campaign, APRIL) == Month(2024, 4)
    assert overview_month(campaign, APRIL) == Month(2024, 3)
    assert overview_month(campaign, date(2024, 1, 10)) == Month(2024, 1)  # within the campaign
    assert status_month(campaign, date(2025, 3, 1)) == Month(2024, 12)


# -- deadlines -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sent", "state", "days"),
    [
        ((date(2024, 3, 28), 10, 0), DeadlineState.ON_TIME, 0),
        ((date(2024, 3, 31), 23, 30), DeadlineState.ON_TIME, 0),  # 16:30 UTC: still the 31st
        ((date(2024, 4, 1), 0, 30), DeadlineState.LATE, 1),  # 17:30 UTC on the 31st
        ((date(2024, 4, 5), 9, 0), DeadlineState.LATE, 5),
    ],
)
def test_document_deadline_compared_in_vietnam_time(
    campaign: Campaign, sent: tuple[date, int, int], state: DeadlineState, days: int
) -> None:
    d01 = campaign.deadline("D01")
    assert d01 is not None
    line = deadline_line(d01, UnitFacts(documents={"LAUNCH_DOC": doc(*sent)}), APRIL, TZ)
    assert (line.state, line.days) == (state, days)


def test_unmet_deadline_is_overdue_after_its_day_and_open_before(campaign: Campaign) -> None:
    d01 = campaign.deadline("D01")
    assert d01 is not None
    assert deadline_line(d01, UnitFacts(), APRIL, TZ).state is DeadlineState.OVERDUE
    assert deadline_line(d01, UnitFacts(), APRIL, TZ).days == 15
    open_line = deadline_line(d01, UnitFacts(), date(2024, 3, 29), TZ)
    assert (open_line.state, open_line.days) == (DeadlineState.OPEN, 2)


def test_year_end_report_met_by_a_december_report_without_annual_indicators(
    campaign: Campaign,
) -> None:
    d03 = campaign.deadline("D03")
    assert d03 is not None
    facts = UnitFacts(submissions={"2024-12": at(date(2024, 12, 20))})
    assert deadline_line(d03, facts, date(2025, 1, 5), TZ).state is DeadlineState.ON_TIME
    early = UnitFacts(submissions={"2024-11": at(date(2024, 11, 20))})
    # The year-end report is due after the year ends (15/01/2025, the city's choice).
    assert deadline_line(d03, early, date(2025, 1, 5), TZ).state is DeadlineState.OPEN
    assert deadline_line(d03, early, date(2025, 1, 20), TZ).state is DeadlineState.OVERDUE


def test_initiative_deadline_ignores_withdrawn_ones(campaign: Campaign) -> None:
    d02 = campaign.deadline("D02")
    assert d02 is not None
    withdrawn = InitiativeFact("Một cửa số", "withdrawn", at(date(2024, 3, 1)))
    assert deadline_line(d02, UnitFacts(initiatives=[withdrawn]), APRIL, TZ).state == "overdue"
    live = InitiativeFact("Một cửa số", "registered", at(date(2024, 3, 1)))
    assert deadline_line(d02, UnitFacts(initiatives=[live]), APRIL, TZ).state == "on_time"


def test_admins_moved_and_added_deadlines(campaign: Campaign) -> None:
    added = {
        "title": "Báo cáo quý I",
        "applies_to": {"kinds": ["COMMUNE"]},
        "fulfilled_by": {"report": {"frequency": "quarterly"}},
        "command": "/baocao",
    }
    deadlines = effective_deadlines(
        campaign,
        [
            DeadlineChange("D01", date(2024, 4, 10)),
            DeadlineChange("Q1_REPORT", date(2024, 4, 20), added),
            DeadlineChange("BROKEN", date(2024, 4, 20), {"title": "thiếu trường"}),
        ],
    )
    by_code = {d.code: d for d in deadlines}
    assert by_code["D01"].due == date(2024, 4, 10)
    assert by_code["Q1_REPORT"].due == date(2024, 4, 20)
    assert "BROKEN" not in by_code
    assert len(deadlines) == len(campaign.deadlines) + 1


# -- one unit --------------------------------------------------------------------------------


def ka_long_facts() -> UnitFacts:
    return UnitFacts(
        values={
            ("T04", "2024-04"): ValueFact(100.0, "100 %"),
            ("T11", "2024-04"): ValueFact(95.5, "95,5 %"),
            ("T09", "2024-04"): ValueFact(
                True, "Có", review_status="returned", review_comment="Kiểm tra lại"
            ),
            ("T06", "2024-Q1"): ValueFact(True, "Có"),
            ("T13", "2024-Q1"): ValueFact("Đã triển khai", "Đã triển khai"),
            ("T01", "2024-ONCE"): ValueFact(True, "Có"),
            ("T12", "2024-ONCE"): ValueFact(None, "", skipped_reason="Chưa công bố"),
            ("T04", "2024-03"): ValueFact(100.0, "100 %"),
        },
        documents={"LAUNCH_DOC": doc(date(2024, 3, 28))},
        initiatives=[InitiativeFact("Một cửa số", "registered", at(date(2024, 3, 20)))],
    )


def test_unit_status_sorts_indicators_of_the_current_period(campaign: Campaign) -> None:
    unit = campaign.unit("P_KA_LONG")
    assert unit is not None
    s = unit_status(
        campaign, unit, ka_long_facts(), today=APRIL, deadlines=campaign.deadlines, tz=TZ
    )
    states = {line.indicator.code: (line.period, line.state) for line in s.indicators}
    assert states["T04"] == ("2024-04", IndicatorState.MET)
    assert states["T11"] == ("2024-04", IndicatorState.NOT_MET)
    assert states["T09"] == ("2024-04", IndicatorState.RETURNED)
    assert states["I04"] == ("2024-04", IndicatorState.MISSING)
    assert states["T06"] == ("2024-Q1", IndicatorState.MET)
    assert states["T13"] == ("2024-Q1", IndicatorState.REPORTED)
    assert states["T03"] == (None, IndicatorState.NOT_DUE)  # half-yearly, asked in June
    assert states["T12"] == ("2024-ONCE", IndicatorState.SKIPPED)
    assert "T07" not in states  # initiatives come from the /sangkien register (issue 11)
    # Indicators of other kinds of unit are not asked of a ward.
    assert "E05" not in states
    assert "T02" not in states
    # March's report still lacks what the ward did not send then.
    assert s.previous_month == Month(2024, 3)
    assert {line.indicator.code for line in s.previous_missing} == {"T09", "T11", "I04"}
    [document] = s.documents
    assert document.deadline is not None
    assert document.deadline.state is DeadlineState.ON_TIME
    assert [d.deadline.code for d in s.upcoming()] == ["D03", "D_HOSO"]  # D01, D02 done


def test_unit_with_nothing_reported(campaign: Campaign) -> None:
    unit = campaign.unit("P_TRAN_PHU")
    assert unit is not None
    s = unit_status(campaign, unit, UnitFacts(), today=APRIL, deadlines=campaign.deadlines, tz=TZ)
    assert s.count(IndicatorState.MET) == 0
    assert s.count(IndicatorState.MISSING) == 8  # T07 is no longer asked
    assert all(not d.done for d in s.deadlines)
    upcoming = s.upcoming()
    assert [d.deadline.code for d in upcoming] == ["D01", "D02", "D03"]
    assert [d.state for d in upcoming] == ["overdue", "overdue", "open"]


# -- the whole campaign ----------------------------------------------------------------------


def test_overview_counts_by_kind(campaign: Campaign) -> None:
    communes = [u for u in campaign.units if u.kind == "COMMUNE"]
    media = [u for u in campaign.units if u.kind == "MEDIA"]
    march = {
        (ind.code, p): ValueFact(1, "1")
        for ind in campaign.indicators
        for p in ("2024-03", "2024-Q1", "2024-ONCE")
    }
    facts = {
        "P_KA_LONG": UnitFacts(values=dict(march), documents={"LAUNCH_DOC": doc(date(2024, 3, 2))}),
        "P_TRAN_PHU": UnitFacts(documents={"LAUNCH_DOC": doc(date(2024, 4, 2))}),
    }
    ov = overview(
        campaign,
        communes + media,
        facts,
        month=Month(2024, 3),
        today=APRIL,
        deadlines=campaign.deadlines,
        tz=TZ,
    )
    [commune, medium] = ov.kinds
    assert (commune.kind, commune.units, commune.owing_units, commune.complete_units) == (
        "COMMUNE",
        17,
        17,
        1,
    )
    # A ward reports 8 required values for March (T03 is half-yearly; T07 is no longer
    # asked, the register answers it): 17 wards × 8.
    assert commune.expected == 17 * 8
    assert commune.reported == 8  # Ka Long's T07 answer is no longer a report item
    # D01 and D02 are past: 34 (ward, deadline) pairs; Ka Long on time, Trần Phú late.
    assert (commune.due, commune.on_time, commune.late, commune.overdue) == (34, 1, 1, 32)
    assert commune.timeliness == pytest.approx(100 / 34)
    assert (medium.kind, medium.units) == ("MEDIA", 1)
    assert ov.total.units == 18


def test_a_unit_that_has_closed_is_not_expected_to_report(campaign: Campaign) -> None:
    hoa_lac = campaign.unit("P_HOA_LAC")
    assert hoa_lac is not None
    november = overview(
        campaign,
        [hoa_lac],
        {},
        month=Month(2024, 11),
        today=date(2024, 12, 5),
        deadlines=campaign.deadlines,
        tz=TZ,
    )
    assert november.total.expected == 0
    assert (november.total.units, november.total.owing_units, november.total.complete_units) == (
        1,
        0,
        0,
    )
    ind = campaign.indicator("T04")
    assert ind is not None
    assert missing_indicator(ind, "2024-11", [hoa_lac], {}, day=date(2024, 11, 1)) == []
    assert missing_indicator(ind, "2024-10", [hoa_lac], {}, day=date(2024, 10, 1)) == [hoa_lac]


def test_overdue_and_missing_lists(campaign: Campaign) -> None:
    units = [u for u in campaign.units if u.kind == "MEDIA" or u.code in ("P_KA_LONG", "PTP")]
    facts = {"P_KA_LONG": UnitFacts(documents={"LAUNCH_DOC": doc(date(2024, 4, 2))})}
    items = overdue_by_deadline(units, facts, today=APRIL, deadlines=campaign.deadlines, tz=TZ)
    d01 = next(o for o in items if o.deadline.code == "D01")
    assert [u.code for u, _ in d01.units] == ["PTP", "TTTTVH"]
    assert d01.late == 1
    assert all(o.deadline.due < APRIL for o in items)
    d01_def = campaign.deadline("D01")
    assert d01_def is not None
    assert {u.code for u in missing_deadline(d01_def, units, facts)} == {"PTP", "TTTTVH"}
