"""`/duyet`: an admin reviews submitted reports and documents.

The conversation (every button is a `/duyet …` command carrying ids only, so it works from
any state, is checked by role like any command, and is checked again against the admin's
reach on the row it names):

    /duyet [trang N]   the reports and documents waiting, oldest first, as numbered choices
    /duyet b ID        one report (a unit's values for one period) against the targets
    /duyet nb ID       accept it: the report and its pending values
    /duyet tb ID       choose the ONE item to send back
    /duyet tm ID       …then type the comment (state `review.comment`): only that value reopens
    /duyet v ID        one document;  /duyet nv ID accept it;  /duyet tv ID send it back
    /duyet h ID        one dossier part (/hoso);  /duyet nh ID accept it;  /duyet th ID return it

The unit's focal points are told at once (accepted, or which item to correct and why). Every
decision is in the audit log. Accepting takes one path (`_accept`), parametrised by what is
accepted (`_report_to_accept`, `_document_to_accept`, `_part_to_accept` find it and say how
to store it and whom to tell): store, audit, tell the unit, answer the admin.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial

from core.conversation import Ctx, Router
from core.domain.periods import period_in_text, period_label
from core.domain.status import report_month, status_month
from core.messages import Attachment, Choice
from core.texts import oversight as tx
from core.texts import reading as tr
from core.texts import yearend as ty
from handlers import document_reading
from handlers.admin_common import (
    ADMINS,
    FOCAL_POINTS,
    Reach,
    office_name,
    require_reach,
    tell_unit,
    value_lines,
)
from storage.files import FileStore
from storage.queries import audit, document_fields, oversight, yearend

router = Router()

COMMENT = "review.comment"
PAGE = 8
MIN_COMMENT = 5


def _id(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) <= 12 else None


@router.command("duyet", description=tx.CMD_REVIEW, roles=ADMINS)
async def review(ctx: Ctx) -> None:
    ctx.clear()
    reach = require_reach(ctx)
    if reach is None:
        return
    verb, _, rest = ctx.args.strip().partition(" ")
    verb, ident = verb.lower(), _id(rest.strip())
    actions: dict[str, Callable[[Ctx, Reach, int], Awaitable[None]]] = {
        "b": _show_report,
        "nb": partial(_accept, find=_report_to_accept),
        "tb": _pick_item,
        "tm": _ask_comment_value,
        "v": _show_document,
        "nv": partial(_accept, find=_document_to_accept),
        "tv": _ask_comment_document,
        "h": _show_part,
        "nh": partial(_accept, find=_part_to_accept),
        "th": _ask_comment_part,
    }
    if verb in ("sv", "sf"):  # correct a field read in a document (handlers/document_reading)
        await document_reading.route(ctx, reach, verb, rest)
        return
    if verb in actions and ident is not None:
        await actions[verb](ctx, reach, ident)
        return
    page = ident if verb == "trang" and ident else 1
    await _list(ctx, reach, page)


# -- accepting: one path for a report, a document and a dossier part ----------------------------


@dataclass(frozen=True)
class _Acceptance:
    """Something `/duyet nb|nv|nh ID` accepts, found in the admin's reach."""

    unit_id: int
    already: str | None  # said instead when it is decided already
    # Records the acceptance and its audit, by the admin's person id; what to say instead
    # when it can no longer be accepted, else None.
    store: Callable[[int], Awaitable[str | None]]
    notice: str  # what the unit's people are told
    roles: frozenset[str]  # who in the unit is told
    said: Callable[[int], str]  # the admin's answer, given how many people were told
    choices: tuple[Choice, ...] = ()


Find = Callable[[Ctx, Reach, int], Awaitable[_Acceptance | None]]


async def _accept(ctx: Ctx, reach: Reach, ident: int, *, find: Find) -> None:
    """Accept what `find` names (it has said why when it finds nothing): store, audit, tell
    the unit, answer the admin."""
    item = await find(ctx, reach, ident)
    who = ctx.who
    if item is None or who is None:
        return
    if item.already is not None:
        ctx.reply(item.already)
        return
    refused = await item.store(who.person_id)
    if refused is not None:
        ctx.reply(refused)
        return
    told = await tell_unit(ctx, item.unit_id, item.notice, item.roles)
    ctx.reply(item.said(told), item.choices)


def _office_acceptance(
    ctx: Ctx,
    unit_id: int,
    unit_name: str,
    what: str,
    *,
    already: str | None,
    store: Callable[[int], Awaitable[str | None]],
) -> _Acceptance:
    """A report or a document: the focal points are told, the admin hears how many were."""

    def said(told: int) -> str:
        text = tx.REVIEW_ACCEPTED.format(what=what, unit=unit_name, people=told)
        return text + (tx.REVIEW_NOBODY if not told else "")

    return _Acceptance(
        unit_id=unit_id,
        already=already,
        store=store,
        notice=tx.NOTICE_ACCEPTED.format(office=office_name(ctx), what=what, unit=unit_name),
        roles=FOCAL_POINTS,
        said=said,
        choices=(Choice(tx.REVIEW_BACK, "/duyet"),),
    )


async def _list(ctx: Ctx, reach: Reach, page: int) -> None:
    items, total = await oversight.pending_reviews(
        ctx.conn,
        campaign_id=ctx.campaign_id,
        kinds=reach.kinds,
        limit=PAGE,
        offset=(page - 1) * PAGE,
    )
    parts = await yearend.pending_parts(
        ctx.conn, campaign_id=ctx.campaign_id, kinds=reach.kinds
    )
    if not items and not parts:
        ctx.reply(tx.REVIEW_NONE.format(scope=reach.label))
        return
    campaign, tz = ctx.campaign, ctx.tz
    doc_labels = {d.code: d.label for d in campaign.document_types}
    choices = []
    if page == 1:
        for part, nom in parts[:PAGE]:
            label = ty.REV_ITEM.format(
                unit=nom.unit_name,
                part=_part_label(ctx, nom.award_code, part.part_code),
                name=nom.full_name,
            )
            choices.append(Choice(label, f"/duyet h {part.id}"))
    total += len(parts)
    for item in items:
        at = tx.fmt_date(item.submitted_at.astimezone(tz).date())
        if item.kind == "report":
            label = tx.REVIEW_ITEM_REPORT.format(
                unit=item.unit.name, period=period_in_text(item.what), at=at
            )
            choices.append(Choice(label, f"/duyet b {item.id}"))
        else:
            label = tx.REVIEW_ITEM_DOCUMENT.format(
                unit=item.unit.name, doc=doc_labels.get(item.what, item.what), at=at
            )
            choices.append(Choice(label, f"/duyet v {item.id}"))
    if page * PAGE < total:
        choices.append(Choice(tx.REVIEW_MORE, f"/duyet trang {page + 1}"))
    ctx.reply(tx.REVIEW_LIST.format(total=total, scope=reach.label), choices)


async def _submission(ctx: Ctx, reach: Reach, ident: int) -> oversight.SubmissionRow | None:
    row = await oversight.get_submission(
        ctx.conn, campaign_id=ctx.campaign_id, submission_id=ident
    )
    if row is None or not reach.oversees(row.unit.kind):
        ctx.reply(tx.OUT_OF_SCOPE.format(scope=reach.label))
        return None
    return row


async def _show_report(ctx: Ctx, reach: Reach, ident: int) -> None:
    sub = await _submission(ctx, reach, ident)
    if sub is None:
        return
    campaign, tz = ctx.campaign, ctx.tz
    values = await oversight.submission_values(
        ctx.conn, campaign_id=ctx.campaign_id, unit_id=sub.unit.id, period=sub.period
    )
    lines = [
        tx.REVIEW_REPORT_HEAD.format(
            period=period_label(sub.period).upper(),
            unit=sub.unit.name.upper(),
            at=tx.fmt_local(sub.submitted_at, tz),
            state=tx.REVIEW_STATES.get(sub.review_status, sub.review_status),
        )
    ]
    lines += value_lines(campaign, values)
    if not values:
        lines.append(tx.REVIEW_REPORT_EMPTY)
    choices = []
    if sub.review_status != "accepted":
        choices.append(Choice(tx.REVIEW_ACCEPT, f"/duyet nb {sub.id}"))
    if values:
        choices.append(Choice(tx.REVIEW_RETURN, f"/duyet tb {sub.id}"))
    choices.append(Choice(tx.REVIEW_BACK, "/duyet"))
    ctx.reply("\n".join(lines), choices)


async def _report_to_accept(ctx: Ctx, reach: Reach, ident: int) -> _Acceptance | None:
    sub = await _submission(ctx, reach, ident)
    if sub is None:
        return None
    what = tx.REVIEW_REPORT_WHAT.format(period=period_in_text(sub.period))
    values = await oversight.submission_values(
        ctx.conn, campaign_id=ctx.campaign_id, unit_id=sub.unit.id, period=sub.period
    )
    already = None
    if sub.review_status == "accepted" or any(v.review_status == "returned" for v in values):
        state = "accepted" if sub.review_status == "accepted" else "returned"
        already = tx.REVIEW_ALREADY.format(
            what=what.capitalize(), unit=sub.unit.name, state=tx.REVIEW_STATES[state]
        )

    async def store(person_id: int) -> str | None:
        accepted = await oversight.accept_submission(
            ctx.conn, submission=sub, person_id=person_id, now=ctx.now()
        )
        await audit.record(
            ctx.conn,
            actor=f"person:{person_id}",
            action="review_accept",
            entity="report_submission",
            entity_id=sub.id,
            old={"review_status": sub.review_status},
            new={"review_status": "accepted", "values_accepted": accepted},
        )
        return None

    return _office_acceptance(ctx, sub.unit.id, sub.unit.name, what, already=already, store=store)


async def _pick_item(ctx: Ctx, reach: Reach, ident: int) -> None:
    sub = await _submission(ctx, reach, ident)
    if sub is None:
        return
    campaign = ctx.campaign
    values = await oversight.submission_values(
        ctx.conn, campaign_id=ctx.campaign_id, unit_id=sub.unit.id, period=sub.period
    )
    choices = []
    for v in values:
        ind = campaign.indicator(v.indicator_code)
        name = tx.short(ind) if ind else v.indicator_code
        choices.append(Choice(f"{name}: {v.display or '–'}", f"/duyet tm {v.id}"))
    choices.append(Choice(tx.REVIEW_BACK, "/duyet"))
    ctx.reply(tx.REVIEW_PICK_ITEM, choices)


async def _ask_comment_value(ctx: Ctx, reach: Reach, ident: int) -> None:
    value = await oversight.get_value(
        ctx.conn, campaign_id=ctx.campaign_id, value_id=ident
    )
    if value is None or not reach.oversees(value.unit.kind):
        ctx.reply(tx.OUT_OF_SCOPE.format(scope=reach.label))
        return
    ind = ctx.campaign.indicator(value.indicator_code)
    ctx.goto(COMMENT, review={"kind": "value", "id": value.id})
    ctx.reply(
        tx.REVIEW_ASK_COMMENT.format(
            unit=value.unit.name, item=tx.short(ind) if ind else value.indicator_code
        )
    )


async def _document(ctx: Ctx, reach: Reach, ident: int) -> oversight.DocumentRow | None:
    doc = await oversight.get_document(
        ctx.conn, campaign_id=ctx.campaign_id, document_id=ident
    )
    if doc is None or not reach.oversees(doc.unit.kind):
        ctx.reply(tx.OUT_OF_SCOPE.format(scope=reach.label))
        return None
    return doc


def _doc_label(ctx: Ctx, doc_type: str) -> str:
    labels = {d.code: d.label for d in ctx.campaign.document_types}
    return labels.get(doc_type, doc_type)


async def _show_document(ctx: Ctx, reach: Reach, ident: int) -> None:
    doc = await _document(ctx, reach, ident)
    if doc is None:
        return
    campaign, tz = ctx.campaign, ctx.tz
    dtype = next((d for d in campaign.document_types if d.code == doc.doc_type), None)
    code = doc.deadline_code or (dtype.deadline if dtype else None)
    deadline = campaign.deadline(code) if code else None
    deadline_text = ""
    if deadline is not None:
        on_time = doc.submitted_at.astimezone(tz).date() <= deadline.due
        deadline_text = tx.REVIEW_DOC_DEADLINE.format(
            state=tx.ON_TIME_WORD if on_time else tx.LATE_WORD, due=tx.fmt_date(deadline.due)
        )
    text = tx.REVIEW_DOCUMENT_HEAD.format(
        unit=doc.unit.name.upper(),
        doc=_doc_label(ctx, doc.doc_type),
        number=doc.number or "–",
        date=tx.fmt_date(doc.doc_date) if doc.doc_date else "–",
        file=doc.original_name or "–",
        at=tx.fmt_local(doc.submitted_at, tz),
        deadline=deadline_text,
        state=tx.REVIEW_STATES.get(doc.review_status, doc.review_status),
    )
    reading = await document_fields.get(ctx.conn, doc.id)
    text += "\n" + "\n".join(document_reading.reading_lines(reading))
    choices = []
    if doc.review_status != "accepted":
        choices.append(Choice(tx.REVIEW_ACCEPT, f"/duyet nv {doc.id}"))
    choices.append(Choice(tx.REVIEW_RETURN_DOC, f"/duyet tv {doc.id}"))
    choices.append(Choice(tr.CORRECT_BUTTON, f"/duyet sv {doc.id}"))
    choices.append(Choice(tx.REVIEW_BACK, "/duyet"))
    ctx.reply(text, choices)


async def _document_to_accept(ctx: Ctx, reach: Reach, ident: int) -> _Acceptance | None:
    doc = await _document(ctx, reach, ident)
    if doc is None:
        return None
    what = tx.REVIEW_DOC_WHAT.format(doc=_doc_label(ctx, doc.doc_type))
    already = None
    if doc.review_status == "accepted":
        already = tx.REVIEW_ALREADY.format(
            what=what.capitalize(), unit=doc.unit.name, state=tx.REVIEW_STATES["accepted"]
        )

    async def store(person_id: int) -> str | None:
        await oversight.review_document(
            ctx.conn, document_id=doc.id, status="accepted", comment=None, now=ctx.now()
        )
        await audit.record(
            ctx.conn,
            actor=f"person:{person_id}",
            action="review_accept",
            entity="document",
            entity_id=doc.id,
            old={"review_status": doc.review_status},
            new={"review_status": "accepted"},
        )
        return None

    return _office_acceptance(ctx, doc.unit.id, doc.unit.name, what, already=already, store=store)


async def _ask_comment_document(ctx: Ctx, reach: Reach, ident: int) -> None:
    doc = await _document(ctx, reach, ident)
    if doc is None:
        return
    ctx.goto(COMMENT, review={"kind": "document", "id": doc.id})
    ctx.reply(tx.REVIEW_ASK_COMMENT.format(unit=doc.unit.name, item=_doc_label(ctx, doc.doc_type)))


router.state(document_reading.FIELD_STATE)(document_reading.on_value)


@router.state(COMMENT)
async def on_comment(ctx: Ctx) -> None:
    who = ctx.who
    target = ctx.data.get("review")
    reach = require_reach(ctx) if who is not None and who.role == "admin" else None
    if reach is None or who is None or not isinstance(target, dict):
        ctx.clear()
        return
    comment = ctx.text.strip()
    if len(comment) < MIN_COMMENT:
        ctx.reply(tx.REVIEW_COMMENT_SHORT)
        return
    comment = comment[:1000]
    ident = int(target.get("id", 0))
    if target.get("kind") == "document":
        await _return_document(ctx, reach, ident, comment, who.person_id)
    elif target.get("kind") == "dossier":
        await _return_part(ctx, reach, ident, comment)
    else:
        await _return_value(ctx, reach, ident, comment, who.person_id)


async def _return_value(ctx: Ctx, reach: Reach, ident: int, comment: str, person_id: int) -> None:
    value = await oversight.get_value(
        ctx.conn, campaign_id=ctx.campaign_id, value_id=ident
    )
    ctx.clear()
    if value is None or not reach.oversees(value.unit.kind):
        ctx.reply(tx.OUT_OF_SCOPE.format(scope=reach.label))
        return
    await oversight.return_value(
        ctx.conn, value=value, comment=comment, person_id=person_id, now=ctx.now()
    )
    await audit.record(
        ctx.conn,
        actor=f"person:{person_id}",
        action="review_return",
        entity="indicator_value",
        entity_id=value.id,
        old={"review_status": value.review_status, "review_comment": value.review_comment},
        new={"review_status": "returned", "review_comment": comment},
    )
    ind = ctx.campaign.indicator(value.indicator_code)
    item = tx.short(ind) if ind else value.indicator_code
    month = report_month(value.period) or status_month(ctx.campaign, ctx.today())
    told = await tell_unit(
        ctx,
        value.unit.id,
        tx.NOTICE_RETURNED_VALUE.format(
            office=office_name(ctx),
            unit=value.unit.name,
            item=item,
            period=period_in_text(value.period),
            comment=comment,
            month=f"{month.month}/{month.year}",
        ),
        FOCAL_POINTS,
    )
    text = tx.REVIEW_RETURNED.format(item=item, unit=value.unit.name, people=told)
    ctx.reply(text + (tx.REVIEW_NOBODY if not told else ""), [Choice(tx.REVIEW_BACK, "/duyet")])


async def _return_document(
    ctx: Ctx, reach: Reach, ident: int, comment: str, person_id: int
) -> None:
    doc = await oversight.get_document(
        ctx.conn, campaign_id=ctx.campaign_id, document_id=ident
    )
    ctx.clear()
    if doc is None or not reach.oversees(doc.unit.kind):
        ctx.reply(tx.OUT_OF_SCOPE.format(scope=reach.label))
        return
    await oversight.review_document(
        ctx.conn, document_id=doc.id, status="returned", comment=comment, now=ctx.now()
    )
    await audit.record(
        ctx.conn,
        actor=f"person:{person_id}",
        action="review_return",
        entity="document",
        entity_id=doc.id,
        old={"review_status": doc.review_status, "review_comment": doc.review_comment},
        new={"review_status": "returned", "review_comment": comment},
    )
    label = _doc_label(ctx, doc.doc_type)
    told = await tell_unit(
        ctx,
        doc.unit.id,
        tx.NOTICE_RETURNED_DOC.format(
            office=office_name(ctx), unit=doc.unit.name, doc=label, comment=comment
        ),
        FOCAL_POINTS,
    )
    text = tx.REVIEW_RETURNED.format(item=label, unit=doc.unit.name, people=told)
    ctx.reply(text + (tx.REVIEW_NOBODY if not told else ""), [Choice(tx.REVIEW_BACK, "/duyet")])


# -- dossier parts (/hoso) -------------------------------------------------------------------


def _part_label(ctx: Ctx, award_code: str, part_code: str) -> str:
    award = next((a for a in ctx.campaign.awards if a.code == award_code), None)
    label = (
        next((d.label for d in award.dossier if d.code == part_code), part_code)
        if award
        else part_code
    )
    return label.split(" của ", 1)[0].split(" (", 1)[0].split(",", 1)[0]


async def _part(
    ctx: Ctx, reach: Reach, ident: int
) -> tuple[yearend.PartRow, yearend.NominationRow] | None:
    cid = ctx.campaign_id
    part = await yearend.get_part(ctx.conn, campaign_id=cid, part_id=ident)
    nom = (
        await yearend.get_nomination(ctx.conn, campaign_id=cid, nomination_id=part.nomination_id)
        if part
        else None
    )
    if part is None or nom is None or not reach.oversees(nom.unit_kind):
        ctx.reply(ty.REV_GONE)
        return None
    return part, nom


def _required(ctx: Ctx, award_code: str) -> list[str]:
    award = next((a for a in ctx.campaign.awards if a.code == award_code), None)
    return [d.code for d in award.dossier] if award else []


async def _show_part(ctx: Ctx, reach: Reach, ident: int) -> None:
    found = await _part(ctx, reach, ident)
    if found is None:
        return
    part, nom = found
    text = ty.REV_SHOW.format(
        unit=nom.unit_name,
        subject=ty.SUBJECT_COLLECTIVE if nom.collective else ty.SUBJECT_INDIVIDUAL,
        name=nom.full_name,
        award=next((a.title for a in ctx.campaign.awards if a.code == nom.award_code), ""),
        flag="" if nom.eligible else ty.NOM_FLAG_NOT_MET.format(reason=nom.reason or ""),
        achievement=nom.achievement,
        part=_part_label(ctx, nom.award_code, part.part_code),
        at=tx.fmt_local(part.submitted_at, ctx.tz),
    )
    choices = []
    if part.review_status == yearend.PENDING and reach.acts:
        choices = [
            Choice(ty.REV_ACCEPT, f"/duyet nh {part.id}"),
            Choice(ty.REV_RETURN, f"/duyet th {part.id}"),
        ]
    root = FileStore(ctx.services.settings.data_dir).root
    stored = next(root.glob(f"*/*/{part.stored_name}"), None) if part.stored_name else None
    attachment = (
        Attachment(str(stored), kind="document", file_name=part.original_name or stored.name)
        if stored is not None
        else None
    )
    ctx.reply(text, choices, attachment=attachment)


async def _part_to_accept(ctx: Ctx, reach: Reach, ident: int) -> _Acceptance | None:
    found = await _part(ctx, reach, ident)
    if found is None or not reach.acts:
        return None
    part, nom = found
    label = _part_label(ctx, nom.award_code, part.part_code)

    async def store(person_id: int) -> str | None:
        done = await yearend.review_part(  # records the audit itself
            ctx.conn,
            part=part,
            status=yearend.ACCEPTED,
            comment=None,
            required=_required(ctx, nom.award_code),
            person_id=person_id,
            now=ctx.now(),
        )
        return None if done else ty.REV_GONE

    return _Acceptance(
        unit_id=nom.unit_id,
        already=None,  # review_part accepts a current, pending part only
        store=store,
        notice=ty.REV_TOLD_ACCEPT.format(part=label, name=nom.full_name),
        roles=FOCAL_POINTS | {"head"},
        said=lambda _told: ty.REV_ACCEPTED.format(
            part=label, unit=nom.unit_name, name=nom.full_name
        ),
    )


async def _ask_comment_part(ctx: Ctx, reach: Reach, ident: int) -> None:
    found = await _part(ctx, reach, ident)
    if found is None:
        return
    ctx.goto(COMMENT, review={"kind": "dossier", "id": found[0].id})
    ctx.reply(ty.REV_ASK_COMMENT)


async def _return_part(ctx: Ctx, reach: Reach, ident: int, comment: str) -> None:
    ctx.clear()
    found = await _part(ctx, reach, ident)
    who = ctx.who
    if found is None or who is None or not reach.acts:
        return
    part, nom = found
    done = await yearend.review_part(
        ctx.conn,
        part=part,
        status=yearend.RETURNED,
        comment=comment,
        required=_required(ctx, nom.award_code),
        person_id=who.person_id,
        now=ctx.now(),
    )
    if not done:
        ctx.reply(ty.REV_GONE)
        return
    label = _part_label(ctx, nom.award_code, part.part_code)
    ctx.reply(
        ty.REV_RETURNED.format(part=label, unit=nom.unit_name, name=nom.full_name, comment=comment)
    )
    told = ty.REV_TOLD_RETURN.format(part=label, name=nom.full_name, comment=comment)
    await tell_unit(ctx, nom.unit_id, told, FOCAL_POINTS | {"head"})
