"""What `/tinhtrang`, `/tonghop`, `/quahan` and `/khenthuong` show: the renderers that turn
the domain's results (a unit's status, the overview, the overdue deadlines, award results)
into messages, beside the handlers that speak them (`handlers/status.py`,
`handlers/admin_overview.py`).

They compute the layout (sections, counts, grouping by kind, which items are listed); every
word comes from the catalogue, `core/texts/oversight.py`. What the digests in `schedules/`
share with them stays in the catalogue: the small formatters (`fmt_date`, `ratio`, `short`)
and the criterion renderers (`criterion_text`, `deadline_state_text`, `indicator_text`), which
the tests read from there too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from zoneinfo import ZoneInfo

from core.campaign.schema import Campaign
from core.domain.awards import AwardResult
from core.domain.status import IndicatorState, KindSummary, Overdue, Overview, UnitStatus
from core.domain.values import format_number
from core.texts import assessment as ta
from core.texts import oversight as tx

# -- /tinhtrang ------------------------------------------------------------------------------


def unit_status_text(
    status: UnitStatus, award: AwardResult | None, *, campaign: Campaign, tz: ZoneInfo
) -> str:
    """The unit's whole status, meant to fit one phone screen."""
    out = [
        tx.STATUS_HEAD.format(unit=status.unit.name.upper(), today=tx.fmt_date(status.today)),
        "",
    ]
    out += _indicators_section(status)
    out += ["", *_documents_section(status, tz)]
    out += ["", *_initiatives_section(status)]
    out += ["", *_deadlines_section(status, tz)]
    out += ["", *_award_section(award, campaign, tz)]
    return "\n".join(out).strip()


def _indicators_section(status: UnitStatus) -> list[str]:
    lines = status.indicators
    if not lines:
        return [tx.STATUS_NO_INDICATORS.format(unit=status.unit.name)]
    due = [line for line in lines if line.state is not IndicatorState.NOT_DUE]
    counts = [
        words.format(n=n)
        for state, words in tx.COUNT_WORDS
        if (n := sum(1 for line in due if line.state is state))
    ]
    out = [tx.STATUS_INDICATORS.format(month=status.month.label, counts=", ".join(counts) or "–")]
    for heading, states in (
        (tx.STATUS_NOT_MET, (IndicatorState.NOT_MET,)),
        (tx.STATUS_RETURNED, (IndicatorState.RETURNED,)),
        (tx.STATUS_MISSING, (IndicatorState.MISSING, IndicatorState.SKIPPED)),
    ):
        chosen = [tx.indicator_text(line) for line in due if line.state in states]
        if chosen:
            out.append(heading)
            out += [f"• {t}" for t in tx._more(chosen, 5)]
    done = [tx.short(line.indicator) for line in due if line.done]
    if done:
        out.append(tx.STATUS_MET.format(items="; ".join(tx._more(done, 4))))
    if not_due := len(lines) - len(due):
        out.append(tx.STATUS_NOT_DUE.format(n=not_due))
    if status.previous_month is not None and status.previous_missing:
        names = [tx.short(line.indicator) for line in status.previous_missing]
        out.append(
            tx.STATUS_PREVIOUS.format(
                month=status.previous_month.label, items="; ".join(tx._more(names))
            )
        )
    if any(not line.done for line in due) or status.previous_missing:
        out.append(tx.STATUS_REPORT_HINT)
    return out


def _documents_section(status: UnitStatus, tz: ZoneInfo) -> list[str]:
    if not status.documents:
        return [tx.STATUS_NO_DOCUMENTS]
    out = [tx.STATUS_DOCUMENTS]
    for doc in status.documents:
        parts = []
        if doc.deadline is not None:
            parts.append(tx.deadline_state_text(doc.deadline, tz, sent=True))
        elif doc.fact is not None:
            day = tx.fmt_date(doc.fact.first_submitted_at.astimezone(tz).date())
            parts.append(tx.STATUS_DOC_SENT.format(day=day))
        if doc.fact is not None:
            state = tx.DOC_STATES.get(doc.fact.review_status, doc.fact.review_status)
            if doc.fact.review_status == "returned" and doc.fact.review_comment:
                state += f": “{doc.fact.review_comment}”"
            parts.append(state)
        elif doc.deadline is not None and doc.deadline.deadline.command:
            parts.append(f"→ {doc.deadline.deadline.command}")
        out.append(f"• {doc.label}: " + "; ".join(parts))
    return out


def _initiatives_section(status: UnitStatus) -> list[str]:
    live = [i for i in status.initiatives if i.live]
    if not live:
        return [tx.STATUS_NO_INITIATIVES]
    items = [
        f"{tx.INITIATIVE_KINDS.get(i.kind, tx.INITIATIVE_KINDS['sang_kien'])} “{i.title}” – "
        f"{tx.INITIATIVE_STATES.get(i.status, i.status)}"
        for i in live
    ]
    return [tx.STATUS_INITIATIVES.format(n=len(live)), *(f"• {t}" for t in tx._more(items))]


def _deadlines_section(status: UnitStatus, tz: ZoneInfo) -> list[str]:
    upcoming = status.upcoming()
    if not upcoming:
        return [tx.STATUS_NO_DEADLINES]
    out = [tx.STATUS_DEADLINES]
    for d in upcoming:
        hint = f" ({d.deadline.command})" if d.deadline.command else ""
        out.append(f"• {d.deadline.title}: {tx.deadline_state_text(d, tz)}{hint}")
    return out


def _award_section(award: AwardResult | None, campaign: Campaign, tz: ZoneInfo) -> list[str]:
    if award is None:
        return [tx.STATUS_AWARD_NONE]
    head = tx.STATUS_AWARD.format(title=award.award.title, met=award.met, total=len(award.machine))
    lines = [tx.criterion_text(c, campaign=campaign, tz=tz, for_unit=True) for c in award.criteria]
    return [head, *(f"• {line}" for line in lines)]


# -- /tonghop --------------------------------------------------------------------------------


def kind_line(s: KindSummary) -> str:
    complete = f"{s.complete_units}/{s.owing_units}"
    timely = tx.ratio(s.on_time, s.due) if s.due else tx.KIND_NO_DEADLINES
    return f"• {s.label}: {complete} · {tx.fmt_pct(s.completeness)} · {timely}"


def overview_text(
    ov: Overview,
    *,
    scope: str,
    pending: int,
    returned: int,
    corrected: int,
    mean_hours: float | None,
    acts: bool = True,
) -> str:
    """The overview; for a reader who does not act (a leader), without the commands that do."""
    t = ov.total
    out = [
        tx.OVERVIEW_HEAD.format(
            month=ov.month.label, scope=scope, units=t.units, today=tx.fmt_date(ov.today)
        ),
        "",
        tx.OVERVIEW_REPORTS.format(
            month=ov.month.label,
            complete=tx.ratio(t.complete_units, t.owing_units),
            reported=tx.ratio(t.reported, t.expected),
        ),
        tx.OVERVIEW_DEADLINES.format(
            due=t.due,
            on_time=tx.ratio(t.on_time, t.due),
            late=t.late,
            overdue=t.overdue,
        )
        if t.due
        else tx.OVERVIEW_NO_DEADLINES,
        (tx.OVERVIEW_REVIEW if acts else tx.OVERVIEW_REVIEW_READER).format(pending=pending),
    ]
    if returned:
        mean = (
            tx.OVERVIEW_MEAN.format(hours=format_number(mean_hours, 1))
            if mean_hours is not None
            else ""
        )
        out.append(
            tx.OVERVIEW_CORRECTIONS.format(returned=returned, corrected=corrected, mean=mean)
        )
    foot = tx.OVERVIEW_FOOT if acts else tx.OVERVIEW_FOOT_READER
    out += ["", tx.OVERVIEW_BY_KIND, *(kind_line(s) for s in ov.kinds), "", foot]
    return "\n".join(out)


# -- /quahan ---------------------------------------------------------------------------------


def overdue_text(
    items: Sequence[Overdue], *, campaign: Campaign, today: date, scope: str, acts: bool = True
) -> str:
    """Per deadline past due: the units still owing it, grouped by kind (and, for one who
    acts, how to urge them)."""
    if not any(o.units for o in items):
        return tx.OVERDUE_NONE.format(scope=scope, today=tx.fmt_date(today))
    out = [tx.OVERDUE_HEAD.format(today=tx.fmt_date(today), scope=scope)]
    for o in items:
        late = tx.OVERDUE_LATE.format(late=o.late) if o.late else ""
        due = tx.fmt_date(o.deadline.due)
        out.append("")
        if not o.units:
            out.append(tx.OVERDUE_ALL_DONE.format(title=o.deadline.title, due=due, late=late))
            continue
        days = max(d for _u, d in o.units)
        out.append(
            tx.OVERDUE_DEADLINE.format(
                title=o.deadline.title, due=due, days=days, n=len(o.units), late=late
            )
        )
        by_kind: dict[str, list[str]] = {}
        for u, _days in o.units:
            by_kind.setdefault(u.kind, []).append(u.name)
        for kind in campaign.unit_kinds:
            if names := by_kind.get(kind.code):
                out.append(f"• {kind.label} ({len(names)}): " + ", ".join(names))
    if acts:
        out += ["", tx.OVERDUE_FOOT]
    return "\n".join(out)


# -- /khenthuong -----------------------------------------------------------------------------


def award_marks(result: AwardResult) -> str:
    """Every criterion, the officers' ones included: `g0 ?, i1 ✓, i2 ✗, i3 –`."""
    return ", ".join(f"{c.criterion.id} {tx.MARKS[c.outcome]}" for c in result.criteria)


def awards_assessed_line(results: Sequence[AwardResult], *, office: str) -> str:
    """How far the officers' criteria are assessed across the ranked units ("" if none)."""
    if not results or not results[0].assessed:
        return ""
    return ta.AWARDS_ASSESSED.format(
        office=office,
        ids=ta.ids(results[0].assessed),
        done=sum(1 for r in results if not r.awaiting),
        units=len(results),
        qualified=sum(1 for r in results if r.qualified),
    )


def award_detail_text(result: AwardResult, *, campaign: Campaign, tz: ZoneInfo) -> str:
    pending = result.eligible and not result.refused and result.awaiting
    head = tx.AWARDS_DETAIL_HEAD.format(
        title=result.award.title,
        unit=result.unit.name,
        met=result.met,
        total=len(result.machine),
        eligible=tx.AWARDS_ELIGIBLE if pending else "",
    )
    conclusion = ta.detail_conclusion(result)
    body = [
        f"• {tx.criterion_text(c, campaign=campaign, tz=tz, detail=True)}" for c in result.criteria
    ]
    return "\n".join([head, *([conclusion] if conclusion else []), "", *body])
