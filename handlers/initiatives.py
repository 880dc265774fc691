"""`/sangkien`: register a reform initiative (mô hình, giải pháp, sáng kiến), or update the
status of one the unit registered, with evidence.

Both are forms (see `handlers/forms.py`). A new title is compared with every title already
registered in the campaign, by any unit, ignoring case, diacritics and punctuation; a very
similar one raises a caution that names the unit and the title, and the person keeps the
title or gives another. A status change is kept in `InitiativeStatusChange` and the audit log.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from difflib import SequenceMatcher
from functools import partial
from typing import Any

from core.campaign.schema import Campaign as CampaignDef
from core.conversation import Ctx, Router
from core.identity import Identity
from core.messages import Choice
from core.texts import reporting as texts
from core.vntext import fold
from handlers import forms, lifespan
from storage.models import REPORTERS
from storage.queries import audit, initiatives

router = Router()

MENU = "initiative.menu"
RESUME = "initiative.resume"
NEW_KEY, STATUS_KEY = "initiative:new", "initiative:status"
NEW_STATUSES = ("applying", "effective", "recognized")
SIMILAR_AT = 0.85  # titles at least this alike get a caution
SIMILAR_SHOWN = 3

_WORD_RE = re.compile(r"[^\W_]+")


# -- similar titles (pure) ------------------------------------------------------------------


def normalise_title(title: str) -> str:
    """What two titles are compared on: lower case, no diacritics, words only."""
    return " ".join(_WORD_RE.findall(fold(title)))


def title_similarity(a: str, b: str) -> float:
    """How alike two titles are, from 0 to 1, ignoring case, diacritics, punctuation and
    spacing: the higher of the character ratio (difflib) and the overlap of the word sets
    (Jaccard), so that a reordered title counts as alike too. Symmetric."""
    x, y = sorted((normalise_title(a), normalise_title(b)))
    if x == y:
        return 1.0
    if not x or not y:
        return 0.0
    chars = SequenceMatcher(None, x, y, autojunk=False).ratio()
    wx, wy = set(x.split()), set(y.split())
    return max(chars, len(wx & wy) / len(wx | wy))


def is_similar(a: str, b: str) -> bool:
    return title_similarity(a, b) >= SIMILAR_AT


# -- /sangkien ------------------------------------------------------------------------------


@router.command("sangkien", description=texts.CMD_INITIATIVE, roles=REPORTERS)
async def initiative(ctx: Ctx) -> None:
    who = ctx.who
    if who is None:
        return
    ctx.clear()  # a form left open (this one or another) is parked, to be offered back
    refused = lifespan.refusal(ctx, "initiative")
    if refused is not None:
        ctx.reply(refused)
        return
    existing = await initiatives.for_unit(
        ctx.conn, campaign_id=ctx.campaign_id, unit_id=who.unit_id
    )
    if not existing:
        await _open_new(ctx)
        return
    ctx.goto(MENU)
    ctx.reply(texts.INITIATIVE_MENU.format(unit=who.unit_name), _menu_choices())


def _menu_choices() -> list[Choice]:
    return [
        Choice(texts.INITIATIVE_MENU_NEW, "new"),
        Choice(texts.INITIATIVE_MENU_STATUS, "status"),
    ]


@router.state(MENU)
async def on_menu(ctx: Ctx) -> None:
    word = fold(ctx.text)
    if ctx.text == "new" or word.startswith(("dang ky", "moi")):
        await _open_new(ctx)
    elif ctx.text == "status" or word.startswith(("cap nhat", "trang thai")):
        await _open_status(ctx)
    else:
        ctx.reply(texts.INITIATIVE_MENU_HELP, _menu_choices())


@router.state(RESUME)
async def on_resume(ctx: Ctx) -> None:
    opener = _open_status if ctx.data.get("resume_key") == STATUS_KEY else _open_new
    await forms.answer_resume(ctx, partial(opener, fresh=True))


async def _open_new(ctx: Ctx, *, fresh: bool = False, intro: str = "") -> None:
    who = ctx.who
    if who is None:
        return
    new = partial(_new_form, ctx, who, intro)
    forms.open_or_resume(ctx, NEW_KEY, new, resume_state=RESUME, fresh=fresh)


def _new_form(ctx: Ctx, who: Identity, intro: str) -> tuple[forms.Form, str]:
    questions = new_questions(ctx.campaign)
    form = forms.Form(
        kind="initiative",
        title=texts.INITIATIVE_NEW_TITLE.format(unit=who.unit_name),
        draft_key=NEW_KEY,
        questions=questions,
    )
    opening = texts.INITIATIVE_NEW_INTRO.format(unit=who.unit_name, n=len(questions))
    return form, f"{intro}\n\n{opening}" if intro else opening


def new_questions(campaign: CampaignDef) -> list[forms.Question]:
    areas = tuple((a.label, a.code) for a in campaign.reform_areas)
    questions = [
        forms.Question(
            key="kind",
            text=texts.INITIATIVE_Q_KIND,
            type="choice",
            label=texts.INITIATIVE_L_KIND,
            choices=texts.INITIATIVE_KINDS,
            skippable=False,
        ),
        forms.Question(
            key="title",
            text=texts.INITIATIVE_Q_TITLE,
            type="text",
            label=texts.INITIATIVE_L_TITLE,
            hint=texts.INITIATIVE_H_TITLE,
            skippable=False,
            options={"min_chars": 5, "max_chars": 300},
        ),
    ]
    if areas:
        questions.append(
            forms.Question(
                key="area",
                text=texts.INITIATIVE_Q_AREA,
                type="choice",
                label=texts.INITIATIVE_L_AREA,
                choices=areas,
                skippable=False,
            )
        )
    questions += [
        forms.Question(
            key="description",
            text=texts.INITIATIVE_Q_DESCRIPTION,
            type="text",
            label=texts.INITIATIVE_L_DESCRIPTION,
            skippable=False,
            options={"min_chars": 10},
        ),
        forms.Question(
            key="effect",
            text=texts.INITIATIVE_Q_EFFECT,
            type="text",
            label=texts.INITIATIVE_L_EFFECT,
            hint=texts.INITIATIVE_H_EFFECT,
            skippable=False,
            options={"min_chars": 5},
        ),
        forms.Question(
            key="applied_from",
            text=texts.INITIATIVE_Q_APPLIED,
            type="date",
            label=texts.INITIATIVE_L_APPLIED,
            hint=texts.INITIATIVE_H_APPLIED,
            required=False,
            options={"not_future": True},
        ),
    ]
    return questions


async def _open_status(ctx: Ctx, *, fresh: bool = False) -> None:
    who = ctx.who
    if who is None:
        return
    existing = await initiatives.for_unit(
        ctx.conn, campaign_id=ctx.campaign_id, unit_id=who.unit_id
    )
    if not existing:
        intro = texts.INITIATIVE_NONE_YET.format(unit=who.unit_name)
        await _open_new(ctx, intro=intro)
        return
    new = partial(_status_form, who, existing)
    forms.open_or_resume(ctx, STATUS_KEY, new, resume_state=RESUME, fresh=fresh)


def _status_form(
    who: Identity, existing: Sequence[initiatives.InitiativeRow]
) -> tuple[forms.Form, str]:
    picks = tuple(
        (
            texts.INITIATIVE_PICK_LABEL.format(
                title=_short(i.title), status=texts.INITIATIVE_STATUSES.get(i.status, i.status)
            ),
            str(i.id),
        )
        for i in existing
    )
    statuses = tuple((texts.INITIATIVE_STATUSES[s], s) for s in NEW_STATUSES)
    questions = [
        forms.Question(
            key="initiative",
            text=texts.INITIATIVE_Q_PICK,
            type="choice",
            label=texts.INITIATIVE_L_PICK,
            choices=picks,
            skippable=False,
        ),
        forms.Question(
            key="status",
            text=texts.INITIATIVE_Q_STATUS,
            type="choice",
            label=texts.INITIATIVE_L_STATUS,
            choices=statuses,
            skippable=False,
        ),
        forms.Question(
            key="evidence",
            text=texts.INITIATIVE_Q_EVIDENCE,
            type="text",
            label=texts.INITIATIVE_L_EVIDENCE,
            hint=texts.INITIATIVE_H_EVIDENCE,
            skippable=False,
            options={"min_chars": 5},
        ),
    ]
    form = forms.Form(
        kind="initiative_status",
        title=texts.INITIATIVE_STATUS_TITLE.format(unit=who.unit_name),
        draft_key=STATUS_KEY,
        questions=questions,
    )
    return form, texts.INITIATIVE_STATUS_INTRO.format(unit=who.unit_name)


def _short(title: str, limit: int = 60) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


# -- checks and saving ----------------------------------------------------------------------


async def check_new(
    ctx: Ctx, form: forms.Form, q: forms.Question, value: Any
) -> forms.Caution | None:
    """A title very like one already registered (by this unit or another) raises a caution."""
    if q.key != "title" or ctx.who is None:
        return None
    title = str(value)
    registered = await initiatives.registered_titles(ctx.conn, campaign_id=ctx.campaign_id)
    scored = sorted(
        ((title_similarity(title, r.title), r) for r in registered),
        key=lambda pair: -pair[0],
    )
    alike = [r for score, r in scored if score >= SIMILAR_AT]
    if not alike:
        return None
    lines = [
        texts.INITIATIVE_SIMILAR_ITEM.format(title=r.title, unit=r.unit_name)
        + (texts.INITIATIVE_SIMILAR_OWN if r.unit_id == ctx.who.unit_id else "")
        for r in alike[:SIMILAR_SHOWN]
    ]
    if len(alike) > SIMILAR_SHOWN:
        lines.append(texts.INITIATIVE_SIMILAR_MORE.format(n=len(alike) - SIMILAR_SHOWN))
    return forms.Caution(
        texts.INITIATIVE_SIMILAR.format(items="\n".join(lines)),
        keep=texts.INITIATIVE_SIMILAR_KEEP,
        change=texts.INITIATIVE_SIMILAR_CHANGE,
    )


async def save_new(ctx: Ctx, form: forms.Form) -> None:
    who = ctx.who
    if who is None:
        return
    title = str(form.value("title"))
    kind = str(form.value("kind"))
    applied = form.value("applied_from")
    new_id = await initiatives.register(
        ctx.conn,
        campaign_id=ctx.campaign_id,
        unit_id=who.unit_id,
        person_id=who.person_id,
        kind=kind,
        title=title,
        title_folded=fold(title),
        area_code=str(form.value("area") or ""),
        description=str(form.value("description") or ""),
        expected_effect=str(form.value("effect") or ""),
        applied_from=date.fromisoformat(applied) if applied else None,
        now=ctx.now(),
    )
    await audit.record(
        ctx.conn,
        actor=f"person:{who.person_id}",
        action="initiative.register",
        entity="initiative",
        entity_id=new_id,
        new={
            "kind": kind,
            "title": title,
            "area": form.value("area"),
            "applied_from": applied,
            "status": "registered",
        },
    )
    kind_label = {v: label for label, v in texts.INITIATIVE_KINDS}.get(kind, kind)
    ctx.reply(
        texts.INITIATIVE_SAVED.format(kind=kind_label.lower(), title=title, unit=who.unit_name)
    )


async def check_status(
    ctx: Ctx, form: forms.Form, q: forms.Question, value: Any
) -> forms.Caution | None:
    """Choosing the status the initiative already has asks whether that is meant."""
    if q.key != "status" or ctx.who is None:
        return None
    picked = str(form.value("initiative") or "")
    rows = await initiatives.for_unit(
        ctx.conn, campaign_id=ctx.campaign_id, unit_id=ctx.who.unit_id
    )
    current = next((r.status for r in rows if str(r.id) == picked), None)
    if current is None or current != value:
        return None
    return forms.Caution(
        texts.INITIATIVE_STATUS_SAME.format(status=texts.INITIATIVE_STATUSES.get(current, current)),
        keep=texts.INITIATIVE_STATUS_SAME_KEEP,
        change=texts.INITIATIVE_STATUS_SAME_CHANGE,
    )


async def save_status(ctx: Ctx, form: forms.Form) -> None:
    who = ctx.who
    if who is None:
        return
    picked = str(form.value("initiative") or "")
    new_status = str(form.value("status"))
    evidence = str(form.value("evidence") or "")
    changed = (
        await initiatives.change_status(
            ctx.conn,
            campaign_id=ctx.campaign_id,
            unit_id=who.unit_id,
            initiative_id=int(picked),
            new_status=new_status,
            evidence=evidence,
            person_id=who.person_id,
            now=ctx.now(),
        )
        if picked.isdigit()
        else None
    )
    if changed is None:
        ctx.reply(texts.INITIATIVE_GONE)
        return
    title, old = changed
    await audit.record(
        ctx.conn,
        actor=f"person:{who.person_id}",
        action="initiative.status",
        entity="initiative",
        entity_id=picked,
        old={"status": old},
        new={"status": new_status, "evidence": evidence},
    )
    ctx.reply(
        texts.INITIATIVE_STATUS_SAVED.format(
            title=title,
            old=texts.INITIATIVE_STATUSES.get(old, old),
            new=texts.INITIATIVE_STATUSES.get(new_status, new_status),
        )
    )


forms.register(
    forms.FormKind(name="initiative", command="/sangkien", save=save_new, check=check_new)
)
forms.register(
    forms.FormKind(
        name="initiative_status", command="/sangkien", save=save_status, check=check_status
    )
)
