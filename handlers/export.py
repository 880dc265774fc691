"""The Excel export's glue: read the data (`storage.queries.oversight`), then write the workbook
(`documents.workbook`, which says what is in it and how it is written).

:func:`collect` reads inside a caller's transaction (the `/xuat` handler), with the overview
of `/tonghop` for the chart sheet; :func:`export_workbook` reads with its own connection and
writes the file (the command line's `export --out FILE.xlsx`). :func:`write_workbook` is
blocking: run it in a thread.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from core.campaign.schema import Campaign, Deadline
from core.domain.status import (
    deadline_report_periods,
    effective_deadlines,
    month_periods,
    overview,
    overview_month,
)
from core.texts import oversight as tx
from documents.workbook import (
    ExportData,
    ExportSummary,
    OverviewChart,
    workbook_summary,
    write_workbook,
)
from storage.queries import deadlines as deadline_q
from storage.queries import document_fields, oversight

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncConnection

    from storage.db import Database

__all__ = ["ExportData", "ExportSummary", "collect", "export_workbook", "workbook_summary"]
__all__ += ["write_workbook"]


async def collect(
    conn: AsyncConnection,
    campaign: Campaign,
    *,
    campaign_id: str | None = None,
    kinds: frozenset[str] | None = None,
    today: date | None = None,
) -> ExportData:
    """Everything the workbook needs, read on `conn` (twelve statements, whatever the number
    of units): the export's rows, what the bot read in the documents, the deadlines, and the
    facts of `/tonghop`'s default month as of `today` (in the campaign's time zone; default:
    now) for the overview chart."""
    cid = campaign_id or campaign.campaign.id
    tz = ZoneInfo(campaign.campaign.timezone)
    rows = await oversight.export_rows(conn, campaign_id=cid, kinds=kinds)
    deadlines = effective_deadlines(
        campaign, await deadline_q.deadline_changes(conn, campaign_id=cid)
    )
    today = today or datetime.now(UTC).astimezone(tz).date()
    chart = await _overview_chart(
        conn, campaign, rows.units, cid=cid, kinds=kinds, today=today, deadlines=deadlines, tz=tz
    )
    readings = await document_fields.for_export(conn, campaign_id=cid, kinds=kinds)
    return ExportData(campaign, rows, deadlines, tz, chart, readings)


async def _overview_chart(
    conn: AsyncConnection,
    campaign: Campaign,
    refs: list[oversight.UnitRef],
    *,
    cid: str,
    kinds: frozenset[str] | None,
    today: date,
    deadlines: tuple[Deadline, ...],
    tz: ZoneInfo,
) -> OverviewChart | None:
    """The overview `/tonghop` shows (and draws) by default today, for the same units."""
    month = overview_month(campaign, today)
    submission_periods = deadline_report_periods(deadlines)
    by_id = await oversight.facts_by_unit(
        conn,
        campaign_id=cid,
        kinds=kinds,
        value_periods=month_periods(campaign, month),
        submission_periods=submission_periods,
    )
    units, facts = [], {}
    for ref in refs:
        if (unit := campaign.unit(ref.code)) is not None:
            units.append(unit)
            if (f := by_id.get(ref.id)) is not None:
                facts[ref.code] = f
    if not units:
        return None
    ov = overview(campaign, units, facts, month=month, today=today, deadlines=deadlines, tz=tz)
    return OverviewChart(
        month=month.label,
        categories=[s.label for s in ov.kinds],
        units=[s.units for s in ov.kinds],
        series=[
            (tx.CHART_COMPLETENESS, [s.completeness for s in ov.kinds]),
            (tx.CHART_TIMELINESS, [s.timeliness for s in ov.kinds]),
        ],
    )


async def export_workbook(
    db: Database,
    campaign: Campaign,
    path: str | Path,
    *,
    kinds: frozenset[str] | None = None,
    today: date | None = None,
) -> ExportSummary:
    """Write the campaign's workbook to `path` (the command line's `export --out FILE.xlsx`)."""
    async with db.read() as conn:
        data = await collect(conn, campaign, kinds=kinds, today=today)
    return await asyncio.to_thread(write_workbook, data, Path(path))
