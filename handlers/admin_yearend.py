"""Phòng Nội vụ's drafts of the year's end: `/tongket` (the year-end summary with its .xlsx
annex, and the city's Tờ trình listing the nominees) and `/congvan` (a công văn đôn đốc to
the units late on a deadline or short of a target, chosen by its Vietnamese name).

The data is read in the update's transaction; the files are rendered and written after the
commit, as `/xuat` writes its workbook, and go as attachments (Zalo gets links)."""

from __future__ import annotations

import uuid
from pathlib import Path

from core.conversation import Ctx, Router
from core.messages import Attachment, Choice
from core.texts import yearend as ty
from core.vntext import slug
from documents import drafts
from documents.drafts.model import Scope
from handlers import drafting
from handlers.admin_common import ADMINS, require_acting
from storage.queries import audit

router = Router()

TOPIC = "letter.topic"


def _path(ctx: Ctx, suffix: str) -> Path:
    return ctx.services.settings.data_dir / "drafts" / f"{uuid.uuid4().hex}{suffix}"


def _topic_slug(data: drafting.CityData, code: str) -> str:
    """The letter's file name from its Vietnamese topic, never the code: `gui-van-ban-phat-dong`."""
    ind = data.campaign.indicator(code)
    title = (ind.short_label or ind.label) if ind is not None else None
    return slug(title or drafting.topic_title(data.campaign, code) or "") or "van-ban"


async def _city(ctx: Ctx, kinds: frozenset[str] | None) -> drafting.CityData:
    return await drafting.city_data(
        ctx.conn,
        ctx.campaign,
        campaign_id=ctx.campaign_id,
        kinds=kinds,
        now=ctx.now(),
        tz=ctx.tz,
    )


@router.command("tongket", "tong_ket", description=ty.CMD_SUMMARY, roles=ADMINS)
async def summary_cmd(ctx: Ctx) -> None:
    ctx.clear()
    reach = require_acting(ctx)
    who = ctx.who
    if reach is None or who is None:
        return
    data = await _city(ctx, reach.kinds)
    summary = drafting.city_summary(data)
    proposal = drafting.city_proposal(data)
    year = data.campaign.campaign.year
    as_of = data.as_of.strftime("%d/%m/%Y %H:%M")
    doc, annex, city = _path(ctx, ".docx"), _path(ctx, ".xlsx"), _path(ctx, ".docx")
    ctx.after_commit(
        drafting.writer(
            [
                (doc, lambda: drafts.render_tong_ket(summary)),
                (annex, lambda: drafts.render_tong_ket_xlsx(summary)),
                (city, lambda: drafts.render_to_trinh(proposal, Scope.CITY)),
            ]
        )
    )
    met = sum(1 for t in summary.targets if t.applicable and t.met == t.applicable)
    await audit.record(
        ctx.conn,
        actor=f"person:{who.person_id}",
        action="draft.tong_ket",
        entity="campaign",
        entity_id=ctx.campaign_id,
        new={"units": summary.units, "nominees": len(proposal.nominees)},
    )
    ctx.reply(
        ty.SUMMARY_READY.format(
            year=year, as_of=as_of, units=summary.units, met=met, targets=len(summary.targets)
        ),
        attachment=Attachment(str(doc), file_name=ty.FILE_SUMMARY.format(year=year)),
    )
    ctx.reply(
        ty.ANNEX_READY, attachment=Attachment(str(annex), file_name=ty.FILE_ANNEX.format(year=year))
    )
    ctx.reply(
        ty.CITY_PROPOSAL_READY.format(n=len(proposal.nominees)),
        attachment=Attachment(str(city), file_name=ty.FILE_CITY_PROPOSAL.format(year=year)),
    )


@router.command("congvan", "cong_van", description=ty.CMD_LETTER, roles=ADMINS)
async def letter_cmd(ctx: Ctx) -> None:
    ctx.clear()
    reach = require_acting(ctx)
    if reach is None:
        return
    data = await _city(ctx, reach.kinds)
    topics = drafting.letter_topics(data)
    if not topics:
        ctx.reply(ty.LETTER_NOTHING)
        return
    ctx.goto(TOPIC)
    ctx.reply(ty.LETTER_ASK, [Choice(label, code) for label, code in topics])


@router.state(TOPIC)
async def on_topic(ctx: Ctx) -> None:
    reach = require_acting(ctx)
    who = ctx.who
    ctx.clear()
    if reach is None or who is None:
        return
    data = await _city(ctx, reach.kinds)
    code = ctx.text.strip().upper()
    title = drafting.topic_title(data.campaign, code)
    if title is None:
        await letter_cmd(ctx)
        return
    letter = drafting.reminder_letter(data, code)
    if not letter.items:
        ctx.reply(ty.LETTER_NONE_LATE.format(title=title))
        return
    path = _path(ctx, ".docx")
    ctx.after_commit(drafting.writer([(path, lambda: drafts.render_cong_van(letter))]))
    await audit.record(
        ctx.conn,
        actor=f"person:{who.person_id}",
        action="draft.cong_van",
        entity="deadline",
        entity_id=code,
        new={"units": len(letter.items)},
    )
    ctx.reply(
        ty.LETTER_READY.format(
            title=title, n=len(letter.items), as_of=data.as_of.strftime("%d/%m/%Y %H:%M")
        ),
        attachment=Attachment(
            str(path), file_name=ty.FILE_LETTER.format(topic=_topic_slug(data, code))
        ),
    )
