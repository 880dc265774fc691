"""One rule decides whether a deadline is fulfilled, and every view and the reminders ask it.

A commune with no annual (or semiannual) indicator stores its December report as ``2024-12``
and ``2024-Q4``, never as ``2024``. Put through a year, month by month, the status a unit sees
(/tinhtrang), the overdue list (/quahan), the late-units digest and the reminder sender must give
the same answer (the awards, /tonghop and the leaders' digest judge with the same
`deadline_line` as /tinhtrang) on every deadline, and the year-end report
deadline must be met once the December report is in.
"""

from __future__ import annotations

import calendar
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert

from core.campaign.schema import Campaign as CampaignDef
from core.domain.periods import Month
from core.domain.status import (
    DeadlineState,
    deadline_line,
    deadline_report_periods,
    expected_values,
    overdue_by_deadline,
    unit_status,
)
from schedules.jobs import campaign_from_db
from storage.db import Database
from storage.models import ReportSubmission, table
from storage.queries import deadlines as dq
from storage.queries.standing import scoped_units

DONE = frozenset({DeadlineState.ON_TIME, DeadlineState.LATE})
# Deadlines an admin adds, so that every report frequency is asked once in the year.
ADDED = {
    "R_MONTH": ("monthly", date(2024, 5, 10)),  # asks for 2024-04
    "R_QUARTER": ("quarterly", date(2024, 7, 15)),  # asks for 2024-Q2
    "R_HALF": ("semiannual", date(2024, 7, 15)),  # asks for 2024-H1: no such indicator
    "R_YEAR": ("annual", date(2025, 1, 15)),  # asks for 2024: no such indicator either
}


@pytest.fixture
async def db(sqlite_url: str) -> AsyncIterator[Database]:
    database = Database(sqlite_url)
    try:
        yield database
    finally:
        await database.dispose()


def _commune(campaign: CampaignDef) -> str:
    return next(u.code for u in campaign.units if u.kind == "COMMUNE")


async def _add_deadlines(db: Database, campaign: CampaignDef) -> None:
    at = datetime(2024, 1, 2, tzinfo=UTC)
    async with db.transaction() as conn:
        for code, (frequency, due) in ADDED.items():
            spec = {
                "code": code,
                "title": f"Báo cáo {code}",
                "due": due.isoformat(),
                "applies_to": {"kinds": ["COMMUNE"]},
                "fulfilled_by": {"report": {"frequency": frequency}},
            }
            await dq.save_override(
                conn,
                campaign_id=campaign.campaign.id,
                code=code,
                due=due,
                spec=spec,
                actor="test",
                now=at,
            )


async def test_a_commune_without_annual_indicators_is_judged_alike_everywhere(
    db: Database,
) -> None:
    loaded = await campaign_from_db(db)()
    assert loaded is not None
    campaign: CampaignDef = loaded
    cid, tz = campaign.campaign.id, ZoneInfo(campaign.campaign.timezone)
    code = _commune(campaign)
    unit = campaign.unit(code)
    assert unit is not None
    await _add_deadlines(db, campaign)
    async with db.read() as conn:
        uid = (await dq.unit_ids(conn, campaign_id=cid))[code]
    year_end_met = False

    for m in range(1, 13):
        month = Month(2024, m)
        # The bundled communes do have yearly indicators: leave their periods out, as a
        # commune without any would (its December report: 2024-12 and 2024-Q4 only).
        periods = {
            p
            for ind, p in expected_values(campaign, unit, month)
            if ind.frequency not in ("annual", "semiannual", "once")
        }
        last_day = date(2024, m, calendar.monthrange(2024, m)[1])
        sent = datetime.combine(last_day, time(9), tzinfo=tz)
        async with db.transaction() as conn:
            for period in sorted(periods):
                await conn.execute(
                    insert(table(ReportSubmission)).values(
                        campaign_id=cid, unit_id=uid, period=period, submitted_at=sent
                    )
                )
        today = last_day + timedelta(days=20)  # after the next month's deadlines

        async with db.read() as conn:
            effective = await dq.effective_deadlines(conn, campaign=campaign)
            deadlines = [e.deadline for e in effective]
            scoped = await scoped_units(
                conn,
                campaign,
                campaign_id=cid,
                kinds=None,
                submission_periods=deadline_report_periods(deadlines),
            )
            facts = scoped.facts[code]
            status = {
                line.deadline.code: line.state in DONE
                for line in unit_status(
                    campaign, unit, facts, today=today, deadlines=deadlines, tz=tz
                ).deadlines
            }
            overdue = {
                item.deadline.code
                for item in overdue_by_deadline(
                    [unit], {code: facts}, today=today, deadlines=deadlines, tz=tz
                )
                if any(u.code == code for u, _days in item.units)
            }
            late = await dq.late_units(
                conn,
                campaign_id=cid,
                deadlines=effective,
                units_in_scope={e.code: [uid] for e in effective},
                today=today,
            )
            for eff in effective:
                d = eff.deadline
                if not d.applies_to.covers(unit) or d.fulfilled_by.report is None:
                    continue
                sender = await dq.fulfilment(conn, campaign_id=cid, unit_id=uid, deadline=d)
                domain = deadline_line(d, facts, today, tz).state in DONE
                where = f"{d.code} (due {d.due}) on {today}"
                assert status[d.code] == domain, f"/tinhtrang disagrees: {where}"
                assert sender.counts == domain, f"the reminder sender disagrees: {where}"
                if d.due < today:
                    assert (d.code in overdue) == (not domain), f"/quahan disagrees: {where}"
                    assert (uid in late.get(d.code, [])) == (not domain), f"digest: {where}"
                    if d.due < month.first_day:  # its month's report is in by now
                        assert domain, f"{where}: sent, yet not fulfilled"
                if d.code == "D03" and domain:
                    year_end_met = True
    assert year_end_met, "the year-end report deadline is met by the December report"
