"""The unit head's sign-off (campaign file `sign_off`), and `/xacnhan`, where the head gives it.

When the campaign asks for it, a focal point's confirmed report (`/baocao`) or document
(`/nopvanban`) is stored as before but waits for the head ("chờ thủ trưởng xác nhận"); the
unit's heads are told at once. A unit with no registered head is never held up: what it sends
counts at once, and the focal point is told so.

    /xacnhan            what waits for the head's confirmation, oldest first, as choices
    /xacnhan b ID       one report (a unit's values for one period);  /xacnhan v ID  a document
    /xacnhan xb ID      confirm it: it counts from now, reaches Phòng Nội vụ's review (xv: doc)
    /xacnhan sb ID      ask for a correction: then the comment is typed (state `signoff.comment`)

Every button is a `/xacnhan …` command carrying an id only: only heads may use it (the router
checks the role), and each action checks again that the row belongs to the head's own unit,
whatever the callback data names. Focal points are told of every decision; every confirmation
and return is in the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from core.conversation import Ctx, Router
from core.domain.periods import period_in_text, period_label
from core.domain.status import report_month
from core.domain.values import format_date
from core.messages import Choice
from core.texts import oversight as tx
from core.texts import signoff as ts
from handlers.admin_common import FOCAL_POINTS, tell_unit, value_lines
from storage.models import Role
from storage.queries import audit, documents, oversight, signoff

router = Router()

HEADS = frozenset({Role.HEAD.value})
COMMENT = "signoff.comment"
MIN_COMMENT = 5
MAX_COMMENT = 1000


# -- when a focal point sends ---------------------------------------------------------------------


def reports_need_sign_off(ctx: Ctx) -> bool:
    return ctx.campaign.sign_off.reports


def documents_need_sign_off(ctx: Ctx) -> bool:
    return ctx.campaign.sign_off.documents


async def tell_heads(ctx: Ctx, unit_id: int, text: str) -> str:
    """Tell the unit's heads; the sentence for the focal point saying who was told."""
    told = await tell_unit(ctx, unit_id, text, HEADS)
    return ts.TOLD_HEADS.format(n=told) if told else ts.TOLD_NO_HEAD_CHAT


async def report_sent(
    ctx: Ctx,
    *,
    title: str,
    periods: Sequence[str],
    before: dict[str, str],
    changed: int,
    n_values: int,
    n_skipped: int,
) -> str | None:
    """After `save_report` stored a report: route it to the head when the campaign asks for
    sign-off. Returns the reply for the focal point, or None for the usual one.

    What goes (back) to the head: periods sent for the first time, periods the head returned,
    and every period of the report when a value changed. One-off values the head returned go
    back with the report too: `/baocao` does not ask them again once answered. With no head
    registered, all of it counts at once, and so does whatever was left waiting for one."""
    who = ctx.who
    if who is None or not reports_need_sign_off(ctx):
        return None
    cid = ctx.campaign_id
    returned_once = [
        w.what
        for w in await signoff.unit_items(
            ctx.conn, campaign_id=cid, unit_id=who.unit_id, states=(signoff.RETURNED,)
        )
        if w.kind == "report" and w.what.endswith("-ONCE")
    ]
    head = await signoff.has_head(ctx.conn, unit_id=who.unit_id)
    # Without a head (say, they left while it waited), even an unchanged report counts now.
    again = (None, signoff.RETURNED) if head else (None, signoff.RETURNED, signoff.PENDING)
    waiting = sorted({p for p in periods if changed or before.get(p) in again} | set(returned_once))
    if not waiting:
        return None
    extra = f", {changed} mục thay đổi" if changed and changed != n_values else ""
    if not head:
        await signoff.set_reports_state(
            ctx.conn, campaign_id=cid, unit_id=who.unit_id, periods=waiting, state=signoff.CONFIRMED
        )
        return ts.REPORT_NO_HEAD.format(title=title, n=n_values, changed=extra)
    await signoff.set_reports_state(
        ctx.conn, campaign_id=cid, unit_id=who.unit_id, periods=waiting, state=signoff.PENDING
    )
    notice = ts.NOTICE_REPORT.format(
        focal=who.full_name or ts.FOCAL_FALLBACK,
        periods=ts.periods_label(waiting),
        unit=who.unit_name,
        n=n_values,
        skipped=ts.NOTICE_REPORT_SKIPPED.format(k=n_skipped) if n_skipped else "",
    )
    told = await tell_heads(ctx, who.unit_id, notice)
    return ts.REPORT_WAITING.format(title=title, n=n_values, changed=extra, told=told)


# -- /xacnhan -------------------------------------------------------------------------------------


def _id(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) <= 12 else None


@router.command("xacnhan", "xac_nhan", description=ts.CMD_SIGN_OFF, roles=HEADS)
async def sign_off(ctx: Ctx) -> None:
    ctx.clear()
    verb, _, rest = ctx.args.strip().partition(" ")
    verb, ident = verb.lower(), _id(rest.strip())
    actions = {
        "b": _show_report,
        "xb": _confirm_report,
        "sb": _ask_comment_report,
        "v": _show_document,
        "xv": _confirm_document,
        "sv": _ask_comment_document,
    }
    if verb in actions and ident is not None:
        await actions[verb](ctx, ident)
        return
    await _list(ctx)


async def _list(ctx: Ctx) -> None:
    who = ctx.who
    if who is None:
        return
    items = await signoff.unit_items(
        ctx.conn, campaign_id=ctx.campaign_id, unit_id=who.unit_id
    )
    if not items:
        campaign = ctx.campaign
        required = campaign.sign_off.reports or campaign.sign_off.documents
        ctx.reply(ts.NONE.format(unit=who.unit_name) if required else ts.NOT_REQUIRED)
        return
    tz = ctx.tz
    choices = []
    for item in items:
        at = format_date(item.submitted_at.astimezone(tz).date())
        if item.kind == "report":
            label = ts.ITEM_REPORT.format(period=period_in_text(item.what), at=at)
            choices.append(Choice(label, f"/xacnhan b {item.id}"))
        else:
            doc = _doc_label(ctx, item.what)
            label = ts.ITEM_DOCUMENT.format(doc=doc, number=item.number or "–", at=at)
            choices.append(Choice(label, f"/xacnhan v {item.id}"))
    ctx.reply(ts.LIST.format(n=len(items), unit=who.unit_name), choices)


def _doc_label(ctx: Ctx, doc_type: str) -> str:
    labels = {d.code: d.label for d in ctx.campaign.document_types}
    return labels.get(doc_type, doc_type)


def _back() -> list[Choice]:
    return [Choice(ts.BACK, "/xacnhan")]


async def _report(ctx: Ctx, ident: int) -> signoff.ReportRow | None:
    """The report named by the command, if it is the head's own unit's (else: not found)."""
    row = await signoff.get_report(
        ctx.conn, campaign_id=ctx.campaign_id, submission_id=ident
    )
    if ctx.who is None or row is None or row.unit_id != ctx.who.unit_id:
        ctx.reply(ts.NOT_FOUND.format(unit=ctx.who.unit_name if ctx.who else ""), _back())
        return None
    return row


async def _document(ctx: Ctx, ident: int) -> signoff.DocumentRow | None:
    row = await signoff.get_document(
        ctx.conn, campaign_id=ctx.campaign_id, document_id=ident
    )
    if ctx.who is None or row is None or row.unit_id != ctx.who.unit_id or row.superseded:
        ctx.reply(ts.NOT_FOUND.format(unit=ctx.who.unit_name if ctx.who else ""), _back())
        return None
    return row


def _cap(text: str) -> str:
    """The first letter upper case, the rest as written (`str.capitalize` lowers names)."""
    return text[:1].upper() + text[1:]


def _state(status: str) -> str:
    return ts.STATES.get(status, status)


async def _show_report(ctx: Ctx, ident: int) -> None:
    row = await _report(ctx, ident)
    if row is None or ctx.who is None:
        return
    campaign, tz = ctx.campaign, ctx.tz
    values = await oversight.submission_values(
        ctx.conn, campaign_id=ctx.campaign_id, unit_id=row.unit_id, period=row.period
    )
    lines = [
        ts.REPORT_HEAD.format(
            period=period_label(row.period).upper(),
            unit=ctx.who.unit_name.upper(),
            at=tx.fmt_local(row.submitted_at, tz),
            state=_state(row.sign_off_status),
        )
    ]
    lines += value_lines(campaign, values)
    if not values:
        lines.append(ts.REPORT_EMPTY)
    choices = []
    if row.sign_off_status == signoff.PENDING:
        choices += [
            Choice(ts.CONFIRM, f"/xacnhan xb {row.id}"),
            Choice(ts.RETURN, f"/xacnhan sb {row.id}"),
        ]
    ctx.reply("\n".join(lines), [*choices, *_back()])


async def _show_document(ctx: Ctx, ident: int) -> None:
    doc = await _document(ctx, ident)
    if doc is None or ctx.who is None:
        return
    text = ts.DOCUMENT_HEAD.format(
        unit=ctx.who.unit_name.upper(),
        doc=_doc_label(ctx, doc.doc_type),
        number=doc.number or "–",
        date=format_date(doc.doc_date) if doc.doc_date else "–",
        file=doc.original_name or "–",
        at=tx.fmt_local(doc.submitted_at, ctx.tz),
        state=_state(doc.sign_off_status),
    )
    choices = []
    if doc.sign_off_status == signoff.PENDING:
        choices += [
            Choice(ts.CONFIRM, f"/xacnhan xv {doc.id}"),
            Choice(ts.RETURN, f"/xacnhan sv {doc.id}"),
        ]
    ctx.reply(text, [*choices, *_back()])


def _report_what(period: str) -> str:
    return ts.REPORT_WHAT.format(period=period_in_text(period))


def _document_what(ctx: Ctx, doc: signoff.DocumentRow) -> str:
    return ts.DOCUMENT_WHAT.format(doc=_doc_label(ctx, doc.doc_type), number=doc.number or "–")


def _done(ctx: Ctx, text: str, told: int) -> None:
    ctx.reply(text + (ts.NOBODY if not told else ""), _back())


async def _confirm_report(ctx: Ctx, ident: int) -> None:
    who = ctx.who
    row = await _report(ctx, ident)
    if row is None or who is None:
        return
    what = _report_what(row.period)
    now = ctx.now()
    if row.sign_off_status != signoff.PENDING or not await signoff.confirm_report(
        ctx.conn, report=row, person_id=who.person_id, now=now
    ):
        state = _state(row.sign_off_status)
        ctx.reply(ts.ALREADY.format(what=_cap(what), state=state), _back())
        return
    await audit.record(
        ctx.conn,
        actor=f"person:{who.person_id}",
        action="sign_off_confirm",
        entity="report_submission",
        entity_id=row.id,
        old={"sign_off_status": row.sign_off_status},
        new={"sign_off_status": signoff.CONFIRMED, "period": row.period},
    )
    await _confirmed(ctx, row.unit_id, what, now)


async def _confirm_document(ctx: Ctx, ident: int) -> None:
    who = ctx.who
    doc = await _document(ctx, ident)
    if doc is None or who is None:
        return
    what = _document_what(ctx, doc)
    if doc.sign_off_status != signoff.PENDING:
        ctx.reply(ts.ALREADY.format(what=_cap(what), state=_state(doc.sign_off_status)), _back())
        return
    now = ctx.now()
    on_time = await _on_time(ctx, doc)
    replaced = await signoff.confirm_document(
        ctx.conn,
        campaign_id=ctx.campaign_id,
        document=doc,
        person_id=who.person_id,
        on_time=on_time,
        now=now,
    )
    await audit.record(
        ctx.conn,
        actor=f"person:{who.person_id}",
        action="sign_off_confirm",
        entity="document",
        entity_id=doc.id,
        old={"sign_off_status": doc.sign_off_status, "superseded": replaced or None},
        new={"sign_off_status": signoff.CONFIRMED, "on_time": on_time},
    )
    await _confirmed(ctx, doc.unit_id, what, now)


async def _confirmed(ctx: Ctx, unit_id: int, what: str, now: datetime) -> None:
    """Tell the unit's focal points that the head confirmed `what`, and the head that it is."""
    who = ctx.who
    head = (who.full_name if who else "") or ts.HEAD_FALLBACK
    unit = who.unit_name if who else ""
    told = await tell_unit(
        ctx, unit_id, ts.NOTICE_CONFIRMED.format(head=head, what=what, unit=unit), FOCAL_POINTS
    )
    at = tx.fmt_local(now, ctx.tz)
    _done(ctx, ts.CONFIRMED.format(what=what, at=at, people=told), told)


async def _on_time(ctx: Ctx, doc: signoff.DocumentRow) -> bool | None:
    """Whether confirming now meets the document's deadline, as it stands (it may be moved)."""
    if doc.deadline_code is None:
        return None
    deadline = ctx.campaign.deadline(doc.deadline_code)
    moved = await documents.moved_due(
        ctx.conn, campaign_id=ctx.campaign_id, code=doc.deadline_code
    )
    due = moved or (deadline.due if deadline else None)
    if due is None:
        return None
    return ctx.now().astimezone(ctx.tz).date() <= due


async def _ask_comment_report(ctx: Ctx, ident: int) -> None:
    row = await _report(ctx, ident)
    if row is None:
        return
    what = _report_what(row.period)
    if row.sign_off_status != signoff.PENDING:
        ctx.reply(ts.ALREADY.format(what=_cap(what), state=_state(row.sign_off_status)))
        return
    ctx.goto(COMMENT, signoff={"kind": "report", "id": row.id})
    ctx.reply(ts.ASK_COMMENT.format(what=what))


async def _ask_comment_document(ctx: Ctx, ident: int) -> None:
    doc = await _document(ctx, ident)
    if doc is None:
        return
    what = _document_what(ctx, doc)
    if doc.sign_off_status != signoff.PENDING:
        ctx.reply(ts.ALREADY.format(what=_cap(what), state=_state(doc.sign_off_status)))
        return
    ctx.goto(COMMENT, signoff={"kind": "document", "id": doc.id})
    ctx.reply(ts.ASK_COMMENT.format(what=what))


@router.state(COMMENT)
async def on_comment(ctx: Ctx) -> None:
    who = ctx.who
    target = ctx.data.get("signoff")
    if who is None or who.role != Role.HEAD.value or not isinstance(target, dict):
        ctx.clear()
        return
    comment = ctx.text.strip()
    if len(comment) < MIN_COMMENT:
        ctx.reply(ts.COMMENT_SHORT)
        return
    comment = comment[:MAX_COMMENT]
    ident = int(target.get("id", 0))
    ctx.clear()
    if target.get("kind") == "document":
        await _return_document(ctx, ident, comment)
    else:
        await _return_report(ctx, ident, comment)


async def _return_report(ctx: Ctx, ident: int, comment: str) -> None:
    who = ctx.who
    row = await _report(ctx, ident)
    if row is None or who is None:
        return
    what = _report_what(row.period)
    if not await signoff.return_report(ctx.conn, report=row, comment=comment):
        ctx.reply(ts.ALREADY.format(what=_cap(what), state=_state(row.sign_off_status)))
        return
    await audit.record(
        ctx.conn,
        actor=f"person:{who.person_id}",
        action="sign_off_return",
        entity="report_submission",
        entity_id=row.id,
        old={"sign_off_status": row.sign_off_status},
        new={"sign_off_status": signoff.RETURNED, "comment": comment, "period": row.period},
    )
    month = report_month(row.period)
    if month is None:  # one-off values: corrected from the month they were sent with
        local = row.submitted_at.astimezone(ctx.tz).date()
        month_text = f"{local.month}/{local.year}"
    else:
        month_text = f"{month.month}/{month.year}"
    told = await tell_unit(
        ctx,
        row.unit_id,
        ts.NOTICE_RETURNED_REPORT.format(
            head=who.full_name or ts.HEAD_FALLBACK,
            what=what,
            unit=who.unit_name,
            comment=comment,
            month=month_text,
        ),
        FOCAL_POINTS,
    )
    _done(ctx, ts.RETURNED.format(what=what, people=told), told)


async def _return_document(ctx: Ctx, ident: int, comment: str) -> None:
    who = ctx.who
    doc = await _document(ctx, ident)
    if doc is None or who is None:
        return
    what = _document_what(ctx, doc)
    if not await signoff.return_document(ctx.conn, document=doc, comment=comment):
        ctx.reply(ts.ALREADY.format(what=_cap(what), state=_state(doc.sign_off_status)))
        return
    await audit.record(
        ctx.conn,
        actor=f"person:{who.person_id}",
        action="sign_off_return",
        entity="document",
        entity_id=doc.id,
        old={"sign_off_status": doc.sign_off_status},
        new={"sign_off_status": signoff.RETURNED, "comment": comment},
    )
    told = await tell_unit(
        ctx,
        doc.unit_id,
        ts.NOTICE_RETURNED_DOCUMENT.format(
            head=who.full_name or ts.HEAD_FALLBACK, what=what, unit=who.unit_name, comment=comment
        ),
        FOCAL_POINTS,
    )
    _done(ctx, ts.RETURNED.format(what=what, people=told), told)


# -- /tinhtrang -----------------------------------------------------------------------------------


async def status_section(ctx: Ctx, unit_id: int) -> str:
    """What of the unit waits for its head, or came back from them ("" if nothing): for the
    head, what waits for them."""
    who = ctx.who
    items = await signoff.unit_items(
        ctx.conn,
        campaign_id=ctx.campaign_id,
        unit_id=unit_id,
        states=(signoff.PENDING, signoff.RETURNED),
    )
    if not items:
        return ""
    tz = ctx.tz

    def what(item: signoff.Waiting) -> str:
        if item.kind == "report":
            return _cap(_report_what(item.what))
        label = _doc_label(ctx, item.what)
        return _cap(ts.DOCUMENT_WHAT.format(doc=label, number=item.number or "–"))

    waiting = [i for i in items if i.state == signoff.PENDING]
    returned = [i for i in items if i.state == signoff.RETURNED]
    lines: list[str] = []
    if waiting:
        mine = who is not None and who.role == Role.HEAD.value and who.unit_id == unit_id
        lines.append(ts.STATUS_WAITING_HEAD.format(n=len(waiting)) if mine else ts.STATUS_WAITING)
        lines += [
            ts.STATUS_LINE.format(
                what=what(i), at=format_date(i.submitted_at.astimezone(tz).date())
            )
            for i in waiting
        ]
    if returned:
        lines.append(ts.STATUS_RETURNED)
        lines += [
            ts.STATUS_RETURNED_LINE.format(what=what(i), comment=i.comment or "") for i in returned
        ]
    return "\n".join(lines)
