"""The year's end for a unit: `/denghi` (propose the unit itself or named people for an award
form of the campaign file) and `/hoso` (the dossier per proposal, part by part, and the Word
drafts filled in from the data).

Before anything is filed the unit sees where it stands on each criterion of the chosen award,
with the evidence, in Vietnamese; a proposal that does not meet them needs a reason and is
marked so. Proposals of media units go to the office whose admin scope is the media units
(Phòng Văn hóa và Thông tin), others to the coordinator. Until the dossier deadline (the
campaign's `dossier: filed` deadline, as an admin may have moved it) a proposal may be changed
or withdrawn; after it, nothing changes. `/hoso MÃ` shows an admin any unit in their reach.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from core.campaign.schema import Award, Deadline, Unit
from core.conversation import Ctx, Router
from core.domain.awards import evaluate
from core.domain.values import format_date, format_number
from core.messages import Attachment, Choice
from core.texts import oversight as tx
from core.texts import yearend as ty
from documents import drafts
from handlers import drafting, forms
from handlers.admin_common import ADMINS, admin_reach, deadlines_of, find_unit, tell_unit
from storage.files import MAX_UPLOAD_BYTES
from storage.queries import assessments, oversight, yearend
from storage.queries.units import get_unit_by_code

router = Router()

PROPOSERS = frozenset({"focal", "deputy", "head"})
MENU, AWARD, PICK, WITHDRAW = (
    "nominate.menu",
    "nominate.award",
    "nominate.pick",
    "nominate.withdraw",
)
DOSSIER = "dossier.menu"


def _subject_word(subject: str) -> str:
    return ty.SUBJECT_COLLECTIVE if subject == yearend.COLLECTIVE else ty.SUBJECT_INDIVIDUAL


def _flag(n: yearend.NominationRow) -> str:
    return "" if n.eligible else ty.NOM_FLAG_NOT_MET.format(reason=n.reason or "")


def _line(ctx: Ctx, i: int, n: yearend.NominationRow) -> str:
    return ty.NOM_LINE.format(
        n=i,
        subject=_subject_word(n.subject),
        name=n.full_name,
        position=ty.NOM_POSITION.format(position=n.position) if n.position else "",
        award=drafting.award_title(ctx.campaign, n.award_code),
        flag=_flag(n),
    )


async def dossier_deadline(ctx: Ctx) -> Deadline | None:
    """The campaign's dossier deadline as it stands (an admin may have moved it)."""
    return next((d for d in await deadlines_of(ctx) if d.fulfilled_by.dossier), None)


async def _closed(ctx: Ctx) -> tuple[bool, str]:
    """(whether proposals are closed, the sentence about the deadline)."""
    deadline = await dossier_deadline(ctx)
    if deadline is None:
        return False, ty.NOM_NO_DEADLINE
    today = ctx.today()
    due = format_date(deadline.due)
    if today > deadline.due:
        return True, ty.NOM_CLOSED.format(due=due)
    if today == deadline.due:
        return False, ty.NOM_DEADLINE_TODAY.format(due=due)
    return False, ty.NOM_DEADLINE.format(due=due, days=(deadline.due - today).days)


def _unit(ctx: Ctx) -> Unit | None:
    return ctx.campaign.unit(ctx.who.unit_code) if ctx.who else None


# -- /denghi ---------------------------------------------------------------------------------


@router.command("denghi", "de_nghi", description=ty.CMD_NOMINATE, roles=PROPOSERS)
async def nominate(ctx: Ctx) -> None:
    ctx.clear()
    who = ctx.who
    if who is None:
        return
    noms = await yearend.nominations(
        ctx.conn, campaign_id=ctx.campaign_id, unit_id=who.unit_id
    )
    closed, when = await _closed(ctx)
    lines = [ty.NOM_HEAD.format(unit=who.unit_name)]
    lines += [_line(ctx, i, n) for i, n in enumerate(noms, start=1)] or [ty.NOM_NONE]
    lines.append(when)
    if closed:
        ctx.reply("\n".join(lines))
        return
    choices = [
        Choice(ty.NOM_NEW_COLLECTIVE, f"new:{yearend.COLLECTIVE}"),
        Choice(ty.NOM_NEW_INDIVIDUAL, f"new:{yearend.INDIVIDUAL}"),
    ]
    if noms:
        choices += [Choice(ty.NOM_CHANGE, "change"), Choice(ty.NOM_WITHDRAW, "withdraw")]
    ctx.goto(MENU)
    ctx.reply("\n".join([*lines, "", ty.NOM_ASK]), choices)


@router.state(MENU)
async def on_menu(ctx: Ctx) -> None:
    who, unit = ctx.who, _unit(ctx)
    if who is None or unit is None:
        return
    if ctx.text.startswith("new:"):
        subject = ctx.text.split(":", 1)[1]
        awards = drafting.awards_for(ctx.campaign, unit, subject)
        if not awards:
            ctx.clear()
            ctx.reply(ty.NOM_NO_AWARDS.format(subject=_subject_word(subject).lower()))
            return
        ctx.goto(AWARD, subject=subject, nomination_id=None)
        if len(awards) == 1:
            ctx.text = awards[0].code
            await on_award(ctx)
            return
        ctx.reply(
            ty.NOM_ASK_AWARD.format(subject=_subject_word(subject).lower()),
            [Choice(a.title, a.code) for a in awards],
        )
        return
    if ctx.text in ("change", "withdraw"):
        noms = await yearend.nominations(
            ctx.conn, campaign_id=ctx.campaign_id, unit_id=who.unit_id
        )
        action = ty.NOM_ACTION_CHANGE if ctx.text == "change" else ty.NOM_ACTION_WITHDRAW
        ctx.goto(PICK, action=ctx.text)
        ctx.reply(
            ty.NOM_ASK_WHICH.format(action=action),
            [Choice(_line(ctx, i, n), f"n:{n.id}") for i, n in enumerate(noms, start=1)],
        )
        return
    await nominate(ctx)


async def _own(ctx: Ctx, text: str) -> yearend.NominationRow | None:
    if not text.startswith("n:") or not text[2:].isdigit() or ctx.who is None:
        return None
    row = await yearend.get_nomination(
        ctx.conn, campaign_id=ctx.campaign_id, nomination_id=int(text[2:])
    )
    if row is None or row.unit_id != ctx.who.unit_id or row.status != yearend.ACTIVE:
        return None
    return row


@router.state(PICK)
async def on_pick(ctx: Ctx) -> None:
    row = await _own(ctx, ctx.text)
    if row is None:
        ctx.clear()
        ctx.reply(ty.NOM_NOT_FOUND)
        return
    title = drafting.award_title(ctx.campaign, row.award_code)
    if ctx.data.get("action") == "withdraw":
        ctx.goto(WITHDRAW, nomination_id=row.id)
        ctx.reply(
            ty.NOM_CONFIRM_WITHDRAW.format(name=row.full_name, award=title),
            [Choice(ty.NOM_YES, "yes"), Choice(ty.NOM_NO, "no")],
        )
        return
    ctx.goto(AWARD, subject=row.subject, nomination_id=row.id)
    ctx.text = row.award_code
    await _open_award(ctx, row)


@router.state(WITHDRAW)
async def on_withdraw(ctx: Ctx) -> None:
    who = ctx.who
    nid = ctx.data.get("nomination_id")
    if who is None:
        return
    if ctx.text != "yes":
        ctx.clear()
        ctx.reply(ty.NOM_KEPT)
        return
    ctx.clear()
    closed, when = await _closed(ctx)
    if closed:
        ctx.reply(when)
        return
    row = await yearend.withdraw_nomination(
        ctx.conn,
        campaign_id=ctx.campaign_id,
        nomination_id=int(nid or 0),
        person_id=who.person_id,
        now=ctx.now(),
    )
    if row is None or row.unit_id != who.unit_id:
        ctx.reply(ty.NOM_NOT_FOUND)
        return
    title = drafting.award_title(ctx.campaign, row.award_code)
    ctx.reply(ty.NOM_WITHDRAWN.format(name=row.full_name, award=title))
    await _tell_office(
        ctx,
        row.office_unit_id,
        action=ty.NOM_NOTICE_WITHDRAWN,
        subject=row.subject,
        name=row.full_name,
        award=title,
        flag="",
    )


async def _standing(ctx: Ctx, unit: Unit, award: Award) -> tuple[bool, str]:
    """Whether the unit meets the award's criteria, and the lines that show it."""
    who = ctx.who
    assert who is not None  # noqa: S101 - callers check
    cid = ctx.campaign_id
    facts = await oversight.unit_facts(ctx.conn, campaign_id=cid, unit_id=who.unit_id)
    verdicts = await assessments.for_units(
        ctx.conn, campaign_id=cid, kinds=frozenset({unit.kind}), award_code=award.code
    )
    tz = ctx.tz
    result = evaluate(
        award,
        ctx.campaign,
        unit,
        facts,
        today=ctx.today(),
        deadlines=await deadlines_of(ctx),
        tz=tz,
        assessments=assessments.as_facts(verdicts.get(who.unit_id, ())),
    )
    eligible = all(c.satisfied for c in result.criteria)
    lines = [ty.NOM_STANDING.format(award=award.title, as_of=tx.fmt_local(ctx.now(), tz))]
    for c in result.criteria:
        text = tx.criterion_text(c, campaign=ctx.campaign, tz=tz, detail=True, for_unit=True)
        # The unit reads names, not the plan's codes (g0, i1…).
        lines.append("• " + text.split(" ", 1)[1].lstrip("(").replace("):", ":", 1))
    lines.append(ty.NOM_ELIGIBLE if eligible else ty.NOM_NOT_ELIGIBLE)
    return eligible, "\n".join(lines)


def _office_of(ctx: Ctx, unit: Unit) -> str:
    """The office that gathers this unit's proposals: a scope made for its kind (the media
    units' Phòng Văn hóa và Thông tin), else the coordinator."""
    campaign = ctx.campaign
    for scope in campaign.admin_scopes:
        if scope.kinds != "all" and unit.kind in scope.kinds:
            return scope.unit
    return campaign.campaign.coordinator_unit


@router.state(AWARD)
async def on_award(ctx: Ctx) -> None:
    await _open_award(ctx, None)


async def _open_award(ctx: Ctx, prefill: yearend.NominationRow | None) -> None:
    unit = _unit(ctx)
    subject = str(ctx.data.get("subject") or yearend.COLLECTIVE)
    if unit is None:
        return
    award = next(
        (a for a in drafting.awards_for(ctx.campaign, unit, subject) if a.code == ctx.text),
        None,
    )
    if award is None:
        await nominate(ctx)
        return
    eligible, standing = await _standing(ctx, unit, award)
    questions = []
    if subject == yearend.INDIVIDUAL:
        questions += [
            forms.Question(
                key="full_name",
                text=ty.NOM_Q_NAME,
                type="text",
                label=ty.NOM_L_NAME,
                skippable=False,
                options={"max_chars": 200},
            ),
            forms.Question(
                key="position",
                text=ty.NOM_Q_POSITION,
                type="text",
                label=ty.NOM_L_POSITION,
                skippable=False,
                options={"max_chars": 200},
            ),
        ]
    questions.append(
        forms.Question(
            key="achievement",
            text=ty.NOM_Q_ACHIEVEMENT,
            type="text",
            label=ty.NOM_L_ACHIEVEMENT,
            skippable=False,
            options={"min_chars": 10, "max_chars": 2000},
        )
    )
    if not eligible:
        questions.append(
            forms.Question(
                key="reason",
                text=ty.NOM_Q_REASON,
                type="text",
                label=ty.NOM_L_REASON,
                skippable=False,
                options={"min_chars": 10, "max_chars": 2000},
            )
        )
    office = _office_of(ctx, unit)
    form = forms.Form(
        kind="nomination",
        title=ty.NOM_TITLE.format(award=award.title),
        draft_key=f"nomination:{subject}",
        questions=questions,
        extra={
            "award": award.code,
            "subject": subject,
            "eligible": eligible,
            "nomination_id": ctx.data.get("nomination_id"),
            "office": office,
        },
    )
    if prefill is not None:
        for key, value in (
            ("full_name", prefill.full_name),
            ("position", prefill.position),
            ("achievement", prefill.achievement),
            ("reason", prefill.reason),
        ):
            if value and any(q.key == key for q in questions):
                form.answers[key] = {"v": value, "d": value}
    intro = [standing]
    if office != ctx.campaign.campaign.coordinator_unit:
        found = ctx.campaign.unit(office)
        intro.append(ty.NOM_ROUTED.format(office=found.name if found else office))
    intro.append(ty.NOM_INTRO.format(n=len(questions)))
    forms.start(ctx, form, intro="\n\n".join(intro) + "\n\n")


async def _tell_office(
    ctx: Ctx,
    office_unit_id: int | None,
    *,
    action: str,
    subject: str,
    name: str,
    award: str,
    flag: str,
) -> None:
    if office_unit_id is None or ctx.who is None:
        return
    await tell_unit(
        ctx,
        office_unit_id,
        ty.NOM_NOTICE.format(
            unit=ctx.who.unit_name,
            action=action,
            subject=_subject_word(subject).lower(),
            name=name,
            award=award,
            flag=flag,
        ),
        ADMINS,
    )


async def save_nomination(ctx: Ctx, form: forms.Form) -> None:
    who = ctx.who
    if who is None:
        return
    closed, when = await _closed(ctx)
    if closed:
        ctx.reply(when)
        return
    extra = form.extra
    subject = str(extra["subject"])
    eligible = bool(extra["eligible"])
    name = str(form.value("full_name") or who.unit_name)
    fields = yearend.NominationFields(
        award_code=str(extra["award"]),
        subject=subject,
        full_name=name,
        position=str(form.value("position") or ""),
        achievement=str(form.value("achievement")),
        eligible=eligible,
        reason=None if eligible else str(form.value("reason")),
    )
    cid = ctx.campaign_id
    office = await get_unit_by_code(ctx.conn, campaign_id=cid, code=str(extra["office"]))
    title = drafting.award_title(ctx.campaign, fields.award_code)
    flag = "" if eligible else ty.NOM_SAVED_FLAG
    nid = extra.get("nomination_id")
    if nid:
        old = await yearend.change_nomination(
            ctx.conn,
            campaign_id=cid,
            nomination_id=int(nid),
            fields=fields,
            person_id=who.person_id,
            now=ctx.now(),
        )
        if old is None or old.unit_id != who.unit_id:
            ctx.reply(ty.NOM_NOT_FOUND)
            return
        ctx.reply(
            ty.NOM_CHANGED.format(subject=_subject_word(subject), name=name, award=title, flag=flag)
        )
        action = ty.NOM_NOTICE_CHANGED
    else:
        await yearend.file_nomination(
            ctx.conn,
            campaign_id=cid,
            unit_id=who.unit_id,
            fields=fields,
            office_unit_id=office.id if office else None,
            person_id=who.person_id,
            now=ctx.now(),
        )
        ctx.reply(
            ty.NOM_SAVED.format(subject=_subject_word(subject), name=name, award=title, flag=flag)
            + "\n"
            + ty.NOM_NEXT
        )
        action = ty.NOM_NOTICE_FILED
    await _tell_office(
        ctx,
        office.id if office else None,
        action=action,
        subject=subject,
        name=name,
        award=title,
        flag=flag,
    )


forms.register(forms.FormKind(name="nomination", command="/denghi", save=save_nomination))


# -- /hoso -----------------------------------------------------------------------------------


def _dossier_items(ctx: Ctx, award_code: str) -> list[tuple[str, str]]:
    award = next((a for a in ctx.campaign.awards if a.code == award_code), None)
    return [(d.code, d.label) for d in award.dossier] if award else []


def _part_name(label: str) -> str:
    """`Tờ trình đề nghị khen thưởng của …` → `Tờ trình đề nghị khen thưởng` (before “của”)."""
    head = label.split(" của ", 1)[0].split(" (", 1)[0]
    return head.split(",", 1)[0]


async def _dossier_text(
    ctx: Ctx, unit_name: str, noms: list[yearend.NominationRow], *, closed: bool = False
) -> tuple[str, list[Choice]]:
    """The checklist, and an upload choice per part missing or returned (after the dossier
    deadline only the returned ones: sending a part again is what the office asked for)."""
    tz = ctx.tz
    parts = await yearend.current_parts(ctx.conn, nomination_ids=[n.id for n in noms])
    lines = [ty.DOS_HEAD.format(unit=unit_name)]
    choices = []
    for i, n in enumerate(noms, start=1):
        title = drafting.award_title(ctx.campaign, n.award_code)
        lines.append(
            ty.DOS_NOMINATION.format(
                n=i, subject=_subject_word(n.subject), name=n.full_name, award=title, flag=_flag(n)
            )
        )
        mine = parts.get(n.id, {})
        for code, label in _dossier_items(ctx, n.award_code):
            part = mine.get(code)
            if part is None:
                mark, state = "☐", ty.DOS_STATE_MISSING
            elif part.review_status == yearend.RETURNED:
                mark, state = "✗", ty.DOS_STATE_RETURNED.format(comment=part.review_comment or "")
            elif part.review_status == yearend.ACCEPTED:
                mark, state = "✓", ty.DOS_STATE_ACCEPTED
            else:
                mark = "✓"
                state = ty.DOS_STATE_PENDING.format(at=tx.fmt_local(part.submitted_at, tz))
            lines.append(ty.DOS_PART.format(mark=mark, label=_part_name(label), state=state))
            returned = part is not None and part.review_status == yearend.RETURNED
            if returned or (part is None and not closed):
                choices.append(
                    Choice(
                        ty.DOS_UPLOAD.format(part=_part_name(label), name=n.full_name),
                        f"up:{n.id}:{code}",
                    )
                )
        if n.complete_at is not None:
            lines.append(ty.DOS_COMPLETE)
    return "\n".join(lines), choices


@router.command(
    "hoso",
    "ho_so",
    description=ty.CMD_DOSSIER,
    roles=frozenset({"focal", "deputy", "head", "admin"}),
)
async def dossier(ctx: Ctx) -> None:
    ctx.clear()
    who = ctx.who
    if who is None:
        return
    cid = ctx.campaign_id
    if who.role in ("admin", "leader"):
        await _admin_dossier(ctx)
        return
    noms = await yearend.nominations(ctx.conn, campaign_id=cid, unit_id=who.unit_id)
    if not noms:
        ctx.reply(ty.DOS_NONE)
        return
    closed, when = await _closed(ctx)
    text, choices = await _dossier_text(ctx, who.unit_name, noms, closed=closed)
    if closed and choices:
        when = f"{when}\n{ty.DOS_CLOSED_RETURNED}"
    choices.append(Choice(ty.DOS_DRAFTS, "drafts"))
    ctx.goto(DOSSIER)
    ctx.reply(f"{text}\n{when}\n\n{ty.DOS_ASK}", choices)


async def _admin_dossier(ctx: Ctx) -> None:
    reach = admin_reach(ctx)
    campaign = ctx.campaign
    unit = find_unit(campaign, ctx.args) if ctx.args else None
    if reach is None or unit is None or not reach.sees(unit.kind):
        ctx.reply(ty.DOS_ADMIN_UNKNOWN.format(text=ctx.args))
        return
    row = await get_unit_by_code(ctx.conn, campaign_id=ctx.campaign_id, code=unit.code)
    if row is None:
        ctx.reply(ty.DOS_ADMIN_UNKNOWN.format(text=ctx.args))
        return
    noms = await yearend.nominations(ctx.conn, campaign_id=ctx.campaign_id, unit_id=row.id)
    if not noms:
        ctx.reply(f"{ty.DOS_HEAD.format(unit=unit.name)}\n{ty.NOM_NONE}")
        return
    text, _ = await _dossier_text(ctx, unit.name, noms)
    ctx.reply(text)


@router.state(DOSSIER)
async def on_dossier(ctx: Ctx) -> None:
    if ctx.text == "drafts":
        await _send_drafts(ctx)
        return
    bits = ctx.text.split(":")
    if len(bits) != 3 or bits[0] != "up" or not bits[1].isdigit():
        await dossier(ctx)
        return
    row = await _own(ctx, f"n:{bits[1]}")
    label = dict(_dossier_items(ctx, row.award_code)).get(bits[2]) if row else None
    if row is None or label is None:
        ctx.clear()
        ctx.reply(ty.NOM_NOT_FOUND)
        return
    limit = format_number(MAX_UPLOAD_BYTES / 1024 / 1024, 0)
    part = _part_name(label)
    form = forms.Form(
        kind="dossier",
        title=ty.DOS_TITLE.format(part=part, name=row.full_name),
        draft_key=f"dossier:{row.id}:{bits[2]}",
        questions=[
            forms.Question(
                key="file",
                text=ty.DOS_Q_FILE.format(part=part, limit=limit),
                type=forms.FILE,
                label=ty.DOS_L_FILE,
                skippable=False,
            )
        ],
        extra={"nomination_id": row.id, "part": bits[2]},
    )
    forms.start(ctx, form)


async def save_part(ctx: Ctx, form: forms.Form) -> None:
    who = ctx.who
    if who is None:
        return
    closed, when = await _closed(ctx)
    row = await _own(ctx, f"n:{form.extra.get('nomination_id')}")
    code = str(form.extra.get("part"))
    if row is None:
        ctx.reply(ty.NOM_NOT_FOUND)
        return
    if closed and not await _returned(ctx, row.id, code):
        ctx.reply(when)
        return
    items = _dossier_items(ctx, row.award_code)
    file: dict[str, Any] = dict(form.value("file") or {})
    _pid, replaced, complete = await yearend.submit_part(
        ctx.conn,
        campaign_id=ctx.campaign_id,
        nomination=row,
        part=yearend.NewPart(
            part_code=code,
            stored_name=str(file.get("stored_name", "")),
            original_name=str(file.get("original_name", "")),
            mime_type=str(file.get("mime_type", "")),
            size=int(file.get("size") or 0),
            sha256=str(file.get("sha256", "")),
        ),
        required=[c for c, _ in items],
        person_id=who.person_id,
        now=ctx.now(),
    )
    part = _part_name(dict(items).get(code, code))
    lines = [ty.DOS_SAVED.format(part=part, name=row.full_name, file=form.answers["file"]["d"])]
    if replaced:
        lines.append(ty.DOS_SAVED_REPLACED)
    if complete:
        lines.append(ty.DOS_SAVED_COMPLETE)
    ctx.reply("\n".join(lines))
    if row.office_unit_id is not None:
        await tell_unit(
            ctx,
            row.office_unit_id,
            ty.DOS_NOTICE.format(unit=who.unit_name, part=part, name=row.full_name),
            ADMINS,
        )


async def _returned(ctx: Ctx, nomination_id: int, code: str) -> bool:
    """Whether the office returned this part for correction (it may be sent again after the
    dossier deadline: the office asked for it)."""
    parts = await yearend.current_parts(ctx.conn, nomination_ids=[nomination_id])
    part = parts.get(nomination_id, {}).get(code)
    return part is not None and part.review_status == yearend.RETURNED


forms.register(forms.FormKind(name="dossier", command="/hoso", save=save_part))


async def _send_drafts(ctx: Ctx) -> None:
    """The unit's drafts, as .docx attachments, written after the commit."""
    who, unit = ctx.who, _unit(ctx)
    ctx.clear()
    if who is None or unit is None:
        return
    campaign = ctx.campaign
    data = await drafting.unit_data(
        ctx.conn,
        campaign,
        campaign_id=ctx.campaign_id,
        unit=unit,
        unit_id=who.unit_id,
        now=ctx.now(),
        tz=ctx.tz,
    )
    as_of = data.as_of.strftime("%d/%m/%Y %H:%M")
    folder = ctx.services.settings.data_dir / "drafts"
    jobs: list[tuple[Path, Any]] = []
    for n, report in enumerate(drafting.achievement_reports(campaign, data), start=1):
        path = folder / f"{uuid.uuid4().hex}.docx"
        jobs.append((path, lambda r=report: drafts.render_bao_cao_thanh_tich(r)))
        ctx.reply(
            ty.DOS_DRAFT_READY.format(what=ty.WHAT_REPORT, unit=unit.name, as_of=as_of),
            attachment=Attachment(
                str(path),
                kind="document",
                file_name=ty.FILE_REPORT.format(unit=unit.code.lower(), n=n),
            ),
        )
    proposal, minutes = (
        drafting.unit_proposal(campaign, data),
        drafting.unit_minutes(campaign, data),
    )
    for what, name, render in (
        (ty.WHAT_PROPOSAL, ty.FILE_PROPOSAL, lambda: drafts.render_to_trinh(proposal)),
        (ty.WHAT_MINUTES, ty.FILE_MINUTES, lambda: drafts.render_bien_ban(minutes)),
    ):
        path = folder / f"{uuid.uuid4().hex}.docx"
        jobs.append((path, render))
        ctx.reply(
            ty.DOS_DRAFT_READY.format(what=what, unit=unit.name, as_of=as_of),
            attachment=Attachment(
                str(path), kind="document", file_name=name.format(unit=unit.code.lower())
            ),
        )
    ctx.after_commit(drafting.writer(jobs))
