"""Whole messages of status and oversight, laid out from the catalogue's sentences:
`/tinhtrang` (a unit's status, brief and in full), `/tonghop` (the overview), `/quahan`
(the overdue units) and `/khenthuong` (the award marks and one unit's detail).

The sentences themselves, the criterion renderers and the small formatters the digests
share stay in `core/texts/oversight.py` (`tx`); these functions only choose and order them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from zoneinfo import ZoneInfo

from core.campaign.schema import Campaign
from core.domain.awards import AwardResult
from core.domain.status import (
    DeadlineState,
    IndicatorState,
    KindSummary,
    Overdue,
    Overview,
    UnitStatus,
)
from core.domain.values import format_number
from core.texts import assessment as ta
from core.texts import oversight as tx

# -- /tinhtrang --------------------------------------------------------------------------------


def unit_status_text(
    status: UnitStatus, award: AwardResult | None, *, campaign: Campaign, tz: ZoneInfo
) -> str:
    """The unit's whole status (`/tinhtrang chitiet`)."""
    return "\n\n".join(unit_status_parts(status, award, campaign=campaign, tz=tz))


def unit_status_parts(
    status: UnitStatus, award: AwardResult | None, *, campaign: Campaign, tz: ZoneInfo
) -> list[str]:
    """The whole status as messages that each fit MAX_REPLY_CHARS: sections 1–4, then the
    award's criteria."""
    out = [
        tx.STATUS_HEAD.format(unit=status.unit.name.upper(), today=tx.fmt_date(status.today)),
        "",
    ]
    out += _indicators_section(status)
    out += ["", *_documents_section(status, tz)]
    out += ["", *_initiatives_section(status)]
    out += ["", *_deadlines_section(status, tz)]
    return ["\n".join(out).strip(), "\n".join(_award_section(award, campaign, tz)).strip()]


def unit_status_brief(
    status: UnitStatus, award: AwardResult | None, *, campaign: Campaign, tz: ZoneInfo
) -> str:
    """The verdict and what to do next, in a few lines (issue 13); `unit_status_text` on request."""
    todo = _todo(status, tz)
    out = [
        tx.STATUS_HEAD.format(unit=status.unit.name.upper(), today=tx.fmt_date(status.today)),
        "",
    ]
    if todo:
        out += [tx.STATUS_BRIEF_TODO.format(n=len(todo)), *(f"• {t}" for t in todo)]
    else:
        out.append(tx.STATUS_BRIEF_ALL_DONE)
        later = status.upcoming(1)
        if later:
            d = later[0]
            out.append(
                tx.STATUS_BRIEF_NEXT.format(
                    title=d.deadline.title, state=tx.deadline_state_text(d, tz)
                )
            )
    not_met = [
        tx.short(line.indicator)
        for line in status.indicators
        if line.state is IndicatorState.NOT_MET
    ]
    if not_met:
        out.append(tx.STATUS_BRIEF_NOT_MET.format(items="; ".join(tx._more(not_met))))
    if award is not None:
        out.append(
            tx.STATUS_BRIEF_AWARD.format(
                title=award.award.title, met=award.met, total=len(award.machine)
            )
        )
    return "\n".join(out).strip()


def _todo(status: UnitStatus, tz: ZoneInfo) -> list[str]:
    """What the unit should do next, most pressing first."""
    todo: list[str] = []
    due = [line for line in status.indicators if line.state is not IndicatorState.NOT_DUE]
    returned = [tx.indicator_text(line) for line in due if line.state is IndicatorState.RETURNED]
    if returned:
        todo.append(
            tx.STATUS_BRIEF_RETURNED.format(n=len(returned), items="; ".join(tx._more(returned, 2)))
        )
    missing = [
        line for line in due if line.state in (IndicatorState.MISSING, IndicatorState.SKIPPED)
    ]
    if missing:
        todo.append(tx.STATUS_BRIEF_MISSING.format(n=len(missing), month=status.month.in_text))
    if status.previous_month is not None and status.previous_missing:
        todo.append(
            tx.STATUS_BRIEF_PREVIOUS.format(
                n=len(status.previous_missing), month=status.previous_month.in_text
            )
        )
    for doc in status.documents:
        if doc.fact is not None and doc.fact.review_status == "returned":
            command = doc.deadline.deadline.command if doc.deadline else None
            todo.append(
                tx.STATUS_BRIEF_DOC_RETURNED.format(
                    label=doc.label,
                    comment=doc.fact.review_comment or "",
                    hint=f" → {command}" if command else "",
                ).replace(": “”", "")
            )
    for d in status.upcoming():
        if d.state is DeadlineState.OVERDUE or d.days <= tx.STATUS_SOON_DAYS:
            command = d.deadline.command
            todo.append(
                tx.STATUS_BRIEF_DEADLINE.format(
                    title=d.deadline.title,
                    state=tx.deadline_state_text(d, tz),
                    hint=f" → {command}" if command else "",
                )
            )
    by_deadline = any(d.deadline.fulfilled_by.initiative for d in status.deadlines)
    if not by_deadline and not any(i.live for i in status.initiatives):
        todo.append(tx.STATUS_BRIEF_INITIATIVE)
    return todo


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
                month=status.previous_month.in_text, items="; ".join(tx._more(names))
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
        state = tx.with_command(tx.deadline_state_text(d, tz), d.deadline.command)
        out.append(f"• {d.deadline.title}: {state}")
    return out


def _award_section(award: AwardResult | None, campaign: Campaign, tz: ZoneInfo) -> list[str]:
    if award is None:
        return [tx.STATUS_AWARD_NONE]
    head = tx.STATUS_AWARD.format(title=award.award.title, met=award.met, total=len(award.machine))
    lines = [tx.criterion_text(c, campaign=campaign, tz=tz, for_unit=True) for c in award.criteria]
    return [head, *(f"• {line}" for line in lines)]


# -- /tonghop ---------------------------------------------------------------------------------


def kind_line(s: KindSummary) -> str:
    complete = f"{s.complete_units}/{s.owing_units}"
    timely = tx.ratio(s.on_time, s.due) if s.due else "chưa có thời hạn đã qua"
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
            month=ov.month.in_text,
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


# -- /quahan ----------------------------------------------------------------------------------


def overdue_text(
    items: Sequence[Overdue],
    *,
    campaign: Campaign,
    today: date,
    scope: str,
    acts: bool = True,
    page: int = 1,
    page_size: int = 0,
) -> tuple[str, int]:
    """Per deadline past due: the units still owing it, grouped by kind (and, for one who
    acts, how to urge them). With `page_size`, only that many units of the list are named
    on `page`; returns the text and how many units are left for the next pages."""
    if not any(o.units for o in items):
        return tx.OVERDUE_NONE.format(scope=scope, today=tx.fmt_date(today)), 0
    kinds = {k.code: i for i, k in enumerate(campaign.unit_kinds)}
    labels = {k.code: k.label for k in campaign.unit_kinds}
    # Every unit owing a deadline, in the order listed: deadline, kind, as found.
    rows = [
        (n, u.kind, u.name)
        for n, o in enumerate(items)
        for u, _d in sorted(o.units, key=lambda ud: kinds.get(ud[0].kind, len(kinds)))
    ]
    size = page_size or len(rows)
    pages = max(1, -(-len(rows) // size))
    page = min(max(1, page), pages)
    shown = rows[(page - 1) * size : page * size]
    before = {(n, k) for n, k, _ in rows[: (page - 1) * size]}
    out = [tx.OVERDUE_HEAD.format(today=tx.fmt_date(today), scope=scope)]
    if pages > 1:
        out[0] += " " + tx.OVERDUE_PAGE.format(page=page, pages=pages)
    listed = {n for n, _k, _name in shown}
    for n, o in enumerate(items):
        late = tx.OVERDUE_LATE.format(late=o.late) if o.late else ""
        due = tx.fmt_date(o.deadline.due)
        if not o.units:
            if page == 1:
                out += ["", tx.OVERDUE_ALL_DONE.format(title=o.deadline.title, due=due, late=late)]
            continue
        if n not in listed:
            continue
        days = max(d for _u, d in o.units)
        out.append("")
        out.append(
            tx.OVERDUE_DEADLINE.format(
                title=o.deadline.title, due=due, days=days, n=len(o.units), late=late
            )
        )
        by_kind: dict[str, list[str]] = {}
        for m, kind, name in shown:
            if m == n:
                by_kind.setdefault(kind, []).append(name)
        totals: dict[str, int] = {}
        for u, _d in o.units:
            totals[u.kind] = totals.get(u.kind, 0) + 1
        for kind, names in by_kind.items():
            more = f", {tx.OVERDUE_CONTINUED}" if (n, kind) in before else ""
            out.append(f"• {labels.get(kind, kind)} ({totals[kind]}{more}): " + ", ".join(names))
    if acts:
        out += ["", tx.OVERDUE_FOOT]
    return "\n".join(out), len(rows) - page * size if page < pages else 0


# -- /khenthuong ------------------------------------------------------------------------------


def award_marks(result: AwardResult) -> str:
    """Every criterion, the officers' ones included, in the award's order: `? ✓ ✗ –`."""
    return " ".join(tx.MARKS[c.outcome] for c in result.criteria)


def awards_order_line(result: AwardResult, campaign: Campaign) -> str:
    """Which criterion each mark of `award_marks` stands for, by name."""
    return tx.AWARDS_ORDER.format(
        names=" · ".join(tx.criterion_name(c, campaign) for c in result.criteria)
    )


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
