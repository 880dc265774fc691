"""Admins' views of the campaign: `/tonghop` (overview and chart), `/quahan` (overdue units),
`/khenthuong` (award eligibility, ranked, with evidence and the officers' assessments; the
per-unit view leads to `/danhgia`) and `/xuat` (the Excel export).

Each reads the units in the admin's reach with a fixed number of statements (see
`storage.queries.oversight`), leaves the reckoning to `core.domain` and the layout of the
messages to `handlers.oversight_views`.
"""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path

from core.conversation import Ctx, Router
from core.domain.awards import (
    Assessments,
    AwardResult,
    applies,
    assessable_awards,
    evaluate,
    machine_awards,
    officer_criteria,
    officer_results,
    rank,
)
from core.domain.periods import Month, parse_month
from core.domain.status import (
    clamp_month,
    deadline_report_periods,
    month_periods,
    overdue_by_deadline,
    overview,
    overview_month,
)
from core.messages import Attachment, Choice
from core.texts import assessment as ta
from core.texts import leaders as tl
from core.texts import oversight as tx
from core.texts import succession as ts
from documents import charts
from handlers import oversight_views as views
from handlers.admin_common import (
    ADMINS,
    VIEWERS,
    deadlines_of,
    find_unit,
    load_scoped,
    office_name,
    require_reach,
)
from handlers.common import PAGE_SIZE, page_arg
from handlers.export import collect, workbook_summary, write_workbook
from storage.queries import assessments, audit, oversight
from storage.queries.standing import award_results
from storage.queries.units import get_unit_by_code

router = Router()


def _files(ctx: Ctx, folder: str) -> Path:
    return ctx.services.settings.data_dir / folder


@router.command("tonghop", "tong_hop", description=tx.CMD_OVERVIEW, roles=VIEWERS)
async def overview_cmd(ctx: Ctx) -> None:
    ctx.clear()
    reach = require_reach(ctx)
    if reach is None:
        return
    campaign = ctx.campaign
    today = ctx.today()
    month = overview_month(campaign, today)
    if ctx.args:
        parsed = parse_month(ctx.args)
        if parsed is None:
            ctx.reply(tx.OVERVIEW_BAD_MONTH.format(text=ctx.args))
            return
        month = clamp_month(campaign, parsed)
    deadlines = await deadlines_of(ctx)
    scoped = await load_scoped(
        ctx,
        reach,
        value_periods=month_periods(campaign, month),
        submission_periods=deadline_report_periods(deadlines),
    )
    if not scoped.units:
        ctx.reply(tx.OVERVIEW_NO_UNITS.format(scope=reach.label))
        return
    tz = ctx.tz
    ov = overview(
        campaign, scoped.units, scoped.facts, month=month, today=today, deadlines=deadlines, tz=tz
    )
    pending = await oversight.pending_count(
        ctx.conn, campaign_id=ctx.campaign_id, kinds=reach.kinds
    )
    fixes = await oversight.corrections(
        ctx.conn, campaign_id=ctx.campaign_id, kinds=reach.kinds
    )
    text = views.overview_text(
        ov,
        scope=reach.label,
        pending=pending,
        returned=fixes.returned,
        corrected=fixes.corrected,
        mean_hours=fixes.mean_hours,
        acts=reach.acts,
    )
    closed = ts.closed_section(campaign, today, [u for u in campaign.units if reach.sees(u.kind)])
    if closed:  # units that ended, with their last day and successor (issue 11)
        text += "\n\n" + "\n".join(closed)
    folder = _files(ctx, "charts")
    path = folder / f"tonghop-{uuid.uuid4().hex}.png"

    async def draw() -> None:
        await asyncio.to_thread(
            charts.bar_chart,
            path,
            title=tx.CHART_TITLE.format(month=month.label),
            categories=[s.label for s in ov.kinds],
            series=[
                (tx.CHART_COMPLETENESS, [s.completeness for s in ov.kinds]),
                (tx.CHART_TIMELINESS, [s.timeliness for s in ov.kinds]),
            ],
            axis_label=tx.CHART_AXIS,
        )
        await asyncio.to_thread(charts.sweep, folder)

    # Drawn after the commit, before the reply goes: the data is read in the transaction,
    # but drawing does not hold the database's write lock that every other chat waits on.
    ctx.after_commit(draw)
    others = [m for m in (month.previous(), _next(month)) if clamp_month(campaign, m) == m]
    ctx.reply(
        text,
        [
            Choice(tx.OVERVIEW_OTHER_MONTH.format(month=m.label), f"/tonghop {m.month}/{m.year}")
            for m in others
        ],
        attachment=Attachment(str(path), kind="photo", file_name=path.name),
    )


def _next(month: Month) -> Month:
    return Month(month.year + 1, 1) if month.month == 12 else Month(month.year, month.month + 1)


@router.command("quahan", "qua_han", description=tx.CMD_OVERDUE, roles=VIEWERS)
async def overdue_cmd(ctx: Ctx) -> None:
    ctx.clear()
    reach = require_reach(ctx)
    if reach is None:
        return
    page = page_arg(ctx.args) or 1
    deadlines = await deadlines_of(ctx)
    scoped = await load_scoped(ctx, reach, submission_periods=deadline_report_periods(deadlines))
    today = ctx.today()
    items = overdue_by_deadline(
        scoped.units, scoped.facts, today=today, deadlines=deadlines, tz=ctx.tz
    )
    # Paged like /khenthuong: PAGE_SIZE units named per reply, then "Xem tiếp".
    text, rest = views.overdue_text(
        items,
        campaign=ctx.campaign,
        today=today,
        scope=reach.label,
        acts=reach.acts,
        page=page,
        page_size=PAGE_SIZE,
    )
    more = [Choice(tx.OVERDUE_MORE.format(n=rest), f"/quahan trang {page + 1}")] if rest else []
    ctx.reply(text, more)


@router.command("khenthuong", "khen_thuong", description=tx.CMD_AWARDS, roles=VIEWERS)
async def awards_cmd(ctx: Ctx) -> None:
    ctx.clear()
    reach = require_reach(ctx)
    if reach is None:
        return
    campaign = ctx.campaign
    awards = machine_awards(campaign)
    if not awards:
        ctx.reply(tx.AWARDS_NONE)
        return
    award = awards[0]
    today, tz = ctx.today(), ctx.tz
    deadlines = await deadlines_of(ctx)
    page = page_arg(ctx.args) or 1
    if ctx.args and page_arg(ctx.args) is None:
        unit = find_unit(campaign, ctx.args)
        if unit is None:
            ctx.reply(tx.UNIT_NOT_FOUND.format(text=ctx.args))
            return
        ref = await get_unit_by_code(ctx.conn, campaign_id=ctx.campaign_id, code=unit.code)
        if ref is None or ref.retired or not reach.covers(ref.id, ref.kind):
            ctx.reply(tx.OUT_OF_SCOPE.format(scope=reach.label))
            return
        if not applies(award, unit, campaign):
            ctx.reply(tx.AWARDS_NOT_APPLICABLE.format(unit=unit.name, title=award.title))
            return
        facts = await oversight.unit_facts(
            ctx.conn, campaign_id=ctx.campaign_id, unit_id=ref.id
        )
        verdicts = assessments.as_facts(
            await assessments.for_unit(
                ctx.conn, campaign_id=ctx.campaign_id, unit_id=ref.id
            )
        )
        result = evaluate(
            award,
            campaign,
            unit,
            facts,
            today=today,
            deadlines=deadlines,
            tz=tz,
            assessments=verdicts,
        )
        _award_detail(ctx, result, verdicts, can_assess=reach.oversees(ref.kind))
        return
    scoped = await load_scoped(
        ctx, reach, submission_periods=deadline_report_periods(deadlines), latest_values=True
    )
    results = rank(
        await award_results(
            ctx.conn,
            award,
            campaign,
            scoped,
            campaign_id=ctx.campaign_id,
            kinds=reach.kinds,
            today=today,
            deadlines=deadlines,
            tz=tz,
        )
    )
    if not results:
        ctx.reply(tx.AWARDS_NO_UNITS.format(scope=reach.label, title=award.title))
        return
    start = (page - 1) * PAGE_SIZE
    shown = results[start : start + PAGE_SIZE]
    lines = [
        tx.AWARDS_HEAD.format(
            title=award.title.upper(),
            scope=reach.label,
            today=tx.fmt_date(today),
            eligible=sum(1 for r in results if r.eligible),
            units=len(results),
        ),
        *filter(None, [views.awards_assessed_line(results, office=office_name(ctx))]),
        views.awards_order_line(results[0], campaign),
        tx.AWARDS_LEGEND,
    ]
    if page == 1:  # the note once; later pages are the list itself
        lines += ["", tx.AWARDS_NOTE if reach.acts else tl.AWARDS_NOTE]
    # Each unit once: as a choice, with its marks (not listed in the text and again as buttons).
    choices = [
        Choice(
            tx.AWARDS_ROW.format(unit=r.unit.name, marks=views.award_marks(r)),
            f"/khenthuong {r.unit.code}",
        )
        for r in shown
    ]
    rest = len(results) - start - len(shown)
    if rest > 0:
        choices.append(Choice(tx.AWARDS_MORE.format(n=rest), f"/khenthuong trang {page + 1}"))
    ctx.reply("\n".join(lines), choices)


def _award_detail(
    ctx: Ctx,
    result: AwardResult,
    verdicts: Assessments,
    *,
    can_assess: bool,
) -> None:
    """One unit against the award, the officers' verdicts on its other awards, and (for an
    admin who acts on the unit) the way to assess."""
    campaign, tz = ctx.campaign, ctx.tz
    unit, award = result.unit, result.award
    office = ctx.who.unit_code if ctx.who is not None else ""
    lines = [views.award_detail_text(result, campaign=campaign, tz=tz)]
    others = [a for a in assessable_awards(campaign, unit, office) if a.code != award.code]
    if others:
        lines += ["", ta.OTHER_AWARDS.format(office=office_name(ctx))]
        lines += [
            ta.OTHER_AWARD_LINE.format(
                title=a.title, states=ta.criterion_states(officer_results(a, verdicts, office))
            )
            for a in others
        ]
    choices = []
    if can_assess:
        mine = officer_criteria(award, office)
        if mine:
            label = ta.ASSESS_BUTTON.format(
                ids="; ".join(f"“{ta.criterion_name(c)}”" for c in mine)
            )
            choices.append(Choice(label, f"/danhgia {unit.code} {award.code}"))
        if others:
            choices.append(
                Choice(ta.ASSESS_OTHER_AWARD.format(unit=unit.name), f"/danhgia {unit.code}")
            )
    ctx.reply("\n".join(lines), choices)


@router.command("xuat", "xuatexcel", description=tx.CMD_EXPORT, roles=ADMINS)
async def export_cmd(ctx: Ctx) -> None:
    ctx.clear()
    reach = require_reach(ctx)
    who = ctx.who
    if reach is None or who is None:
        return
    campaign = ctx.campaign
    today = ctx.today()
    data = await collect(
        ctx.conn, campaign, campaign_id=ctx.campaign_id, kinds=reach.kinds, today=today
    )
    name = tx.EXPORT_FILE_NAME.format(day=today.isoformat())
    path = _files(ctx, "exports") / f"{uuid.uuid4().hex}.xlsx"

    async def write() -> None:
        await asyncio.to_thread(write_workbook, data, path)
        await asyncio.to_thread(charts.sweep, path.parent, pattern="*.xlsx")

    # Written after the commit, as the chart of /tonghop is (the data is already read).
    ctx.after_commit(write)
    summary = workbook_summary(data, path)
    await audit.record(
        ctx.conn,
        actor=f"person:{who.person_id}",
        action="export",
        entity="campaign",
        entity_id=ctx.campaign_id,
        new={"units": summary.units, "scope": sorted(reach.kinds) if reach.kinds else "all"},
    )
    ctx.reply(
        tx.EXPORT_DONE.format(
            scope=reach.label,
            at=tx.fmt_local(ctx.now(), ctx.tz),
            units=summary.units,
            sheets=summary.sheets,
        ),
        attachment=Attachment(str(path), kind="document", file_name=name),
    )
