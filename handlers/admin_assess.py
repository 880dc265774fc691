"""`/danhgia`: an officer assesses the award criteria that only officers can judge (e.g.
"gương mẫu chấp hành").

    /danhgia                     which unit? (typed; offered when few, with drafts to finish)
    /danhgia MÃ_ĐƠN_VỊ           which award? (the unit's awards with criteria the office decides)
    /danhgia MÃ_ĐƠN_VỊ MÃ_KHEN   for each such criterion: Đạt / Không đạt, then a note (required
                                 for Không đạt); a summary; saved only when confirmed

The options carry codes only and are commands, so a button works from any state and is checked
by role like any command; the unit is checked against the admin's reach when it is named and
again when the assessment is saved (`Reach.oversees`: Phòng Văn hóa và Thông tin assesses the
media units only). The questions run on the form engine (`handlers.forms`): “quay lại”,
“hủy” (the answers are kept as a draft, offered back), a summary to confirm or correct. Every
verdict is kept with its history (`storage.queries.assessments`); each change is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from core.campaign.schema import Award, ReformTasksCheck, Unit
from core.conversation import DRAFTS, Ctx, Router
from core.domain.awards import (
    assessable_awards,
    machine_awards,
    officer_criteria,
    officer_results,
)
from core.messages import Choice
from core.texts import assessment as ta
from core.texts import common as texts
from core.texts import oversight as tx
from core.vntext import fold
from handlers import forms
from handlers.admin_common import (
    ADMINS,
    Reach,
    admin_reach,
    find_unit,
    office_name,
    require_reach,
)
from storage.queries import assessments, audit, oversight
from storage.queries.units import get_unit_by_code

router = Router()

ASK_UNIT = "assess.unit"
ASK_AWARD = "assess.award"
RESUME = "assess.resume"
FORM_KIND = "assessment"
DRAFT_PREFIX = "assess:"
UNIT_CHOICES_MAX = 10  # more units than this: typed by code or name
MET, NOT_MET = "met", "not_met"


def _draft_key(unit: Unit, award: Award) -> str:
    return f"{DRAFT_PREFIX}{unit.code}:{award.code}"


def _codes(draft_key: str) -> tuple[str, str]:
    """(unit code, award code) of a draft key."""
    unit_code, _, award_code = draft_key.removeprefix(DRAFT_PREFIX).partition(":")
    return unit_code, award_code


def _command(unit: Unit, award: Award | None = None) -> str:
    return f"/danhgia {unit.code}" + (f" {award.code}" if award else "")


@dataclass(frozen=True)
class Target:
    """A unit the admin acts on: as the campaign file defines it, and its database id."""

    unit: Unit
    id: int


async def _unit_in_reach(ctx: Ctx, reach: Reach, text: str) -> tuple[Target | None, str]:
    """The unit named by `text` if the admin acts on it, else None and why."""
    unit = find_unit(ctx.campaign, text)
    if unit is None:
        shown = text if len(text) <= 60 else text[:60] + "…"
        return None, ta.UNIT_UNKNOWN.format(text=shown)
    row = await get_unit_by_code(ctx.conn, campaign_id=ctx.campaign_id, code=unit.code)
    # Said the same way whether the unit exists or not, as every other command does.
    if row is None or row.retired or not reach.oversees(row.kind):
        return None, tx.OUT_OF_SCOPE.format(scope=reach.label)
    return Target(unit, row.id), ""


def _office(ctx: Ctx) -> str:
    return ctx.who.unit_code if ctx.who is not None else ""


@router.command("danhgia", "danh_gia", description=ta.CMD_ASSESS, roles=ADMINS)
async def assess(ctx: Ctx) -> None:
    ctx.clear()  # a form left open is parked, to be offered back
    reach = require_reach(ctx)
    if reach is None:
        return
    if not ctx.args:
        await _ask_unit(ctx, reach)
        return
    await _chosen(ctx, reach, ctx.args)


async def _chosen(ctx: Ctx, reach: Reach, text: str) -> None:
    """`P_KA_LONG`, `Phường Ka Long`, or either followed by an award code."""
    target, problem = await _unit_in_reach(ctx, reach, text)
    award_code: str | None = None
    head, _, last = text.strip().rpartition(" ")
    if target is None and head and find_unit(ctx.campaign, head) is not None:
        target, problem = await _unit_in_reach(ctx, reach, head)
        award_code = last
    if target is None:
        await _ask_unit(ctx, reach, prefix=problem)
        return
    unit = target.unit
    awards = assessable_awards(ctx.campaign, unit, _office(ctx))
    if not awards:
        ctx.clear()
        ctx.reply(ta.NO_AWARDS.format(unit=unit.name, office=office_name(ctx)))
        return
    if award_code is None and len(awards) == 1:
        await _open(ctx, target, awards[0])
        return
    award = next((a for a in awards if award_code and a.code == award_code.upper()), None)
    if award is None:
        prefix = (
            ta.AWARD_UNKNOWN.format(text=award_code, unit=unit.name, office=office_name(ctx))
            if award_code
            else ""
        )
        await _ask_award(ctx, target, awards, prefix=prefix)
        return
    await _open(ctx, target, award)


# -- which unit -------------------------------------------------------------------------------


async def _ask_unit(ctx: Ctx, reach: Reach, *, prefix: str = "") -> None:
    campaign = ctx.campaign
    choices = []
    drafts = ctx.data.get(DRAFTS)
    for key in drafts if isinstance(drafts, dict) else ():
        if not str(key).startswith(DRAFT_PREFIX):
            continue
        unit_code, award_code = _codes(str(key))
        unit = campaign.unit(unit_code)
        award = next((a for a in campaign.awards if a.code == award_code), None)
        if unit is not None and award is not None:
            label = ta.DRAFT_CHOICE.format(unit=unit.name, award=award.title)
            choices.append(Choice(label, _command(unit, award)))
    refs = await oversight.units_in_scope(
        ctx.conn, campaign_id=ctx.campaign_id, kinds=reach.kinds
    )
    if len(refs) <= UNIT_CHOICES_MAX:
        choices += [Choice(r.name, f"/danhgia {r.code}") for r in refs]
    question = ta.ASK_UNIT_PICK if choices else ta.ASK_UNIT
    ctx.goto(ASK_UNIT)
    ctx.reply(f"{prefix}\n\n{question}" if prefix else question, choices)


@router.state(ASK_UNIT)
async def on_unit(ctx: Ctx) -> None:
    reach = admin_reach(ctx)
    if reach is None:
        ctx.clear()
        return
    if not ctx.text:  # a sticker, a photo…
        await _ask_unit(ctx, reach, prefix=texts.FORM_TEXT_ONLY)
        return
    await _chosen(ctx, reach, ctx.text)


# -- which award ------------------------------------------------------------------------------


async def _ask_award(
    ctx: Ctx, target: Target, awards: tuple[Award, ...], *, prefix: str = ""
) -> None:
    unit = target.unit
    rows = await assessments.for_unit(
        ctx.conn, campaign_id=ctx.campaign_id, unit_id=target.id
    )
    facts = assessments.as_facts(rows)
    choices = [
        Choice(
            ta.AWARD_CHOICE.format(
                title=a.title,
                state=ta.criterion_states(officer_results(a, facts, _office(ctx))),
            ),
            _command(unit, a),
        )
        for a in awards
    ]
    question = ta.ASK_AWARD.format(unit=unit.name, office=office_name(ctx))
    ctx.goto(ASK_AWARD, assess={"unit": unit.code})
    ctx.reply(f"{prefix}\n\n{question}" if prefix else question, choices)


@router.state(ASK_AWARD)
async def on_award(ctx: Ctx) -> None:
    """A typed answer (a chosen option arrives as its `/danhgia …` command)."""
    reach = admin_reach(ctx)
    data = ctx.data.get("assess")
    if reach is None or not isinstance(data, dict):
        ctx.clear()
        return
    target, problem = await _unit_in_reach(ctx, reach, str(data.get("unit", "")))
    if target is None:
        await _ask_unit(ctx, reach, prefix=problem)
        return
    wanted = fold(ctx.text)
    if wanted in forms.BACK_WORDS:
        await _ask_unit(ctx, reach)
        return
    awards = assessable_awards(ctx.campaign, target.unit, _office(ctx))
    award = next((a for a in awards if wanted in (fold(a.code), fold(a.title))), None)
    if award is None:
        await _ask_award(ctx, target, awards, prefix=ta.BAD_AWARD.format(n=len(awards)))
        return
    await _open(ctx, target, award)


# -- the questions ----------------------------------------------------------------------------


@router.state(RESUME)
async def on_resume(ctx: Ctx) -> None:
    unit_code, award_code = _codes(str(ctx.data.get("resume_key", "")))
    await forms.answer_resume(ctx, partial(_restart, unit_code=unit_code, award_code=award_code))


async def _restart(ctx: Ctx, *, unit_code: str, award_code: str) -> None:
    reach = require_reach(ctx)
    if reach is None:
        ctx.clear()
        return
    ctx.clear()
    target, problem = await _unit_in_reach(ctx, reach, unit_code)
    awards = assessable_awards(ctx.campaign, target.unit, _office(ctx)) if target else ()
    award = next((a for a in awards if a.code == award_code), None)
    if target is None or award is None:
        await _ask_unit(ctx, reach, prefix=problem)
        return
    await _open(ctx, target, award, fresh=True)


async def _open(ctx: Ctx, target: Target, award: Award, *, fresh: bool = False) -> None:
    """Ask each criterion of `award` the admin's office decides, on the form engine."""
    unit = target.unit
    key = _draft_key(unit, award)
    parked = forms.draft(ctx, key)
    if parked is not None and not fresh:
        forms.offer_resume(ctx, parked, resume_state=RESUME)
        return
    ctx.clear()
    rows = await assessments.for_unit(
        ctx.conn, campaign_id=ctx.campaign_id, unit_id=target.id
    )
    facts = assessments.as_facts(rows)
    tz = ctx.tz
    questions = []
    criteria = officer_criteria(award, _office(ctx))
    for c in criteria:
        current = ta.current_text(facts.get((award.code, c.id)), tz)
        # i1 (the unit's reform tasks) may be left to what the unit reports: "bỏ qua" keeps it so.
        own_report = isinstance(c.check, ReformTasksCheck)
        questions += [
            forms.Question(
                key=c.id,
                text=ta.Q_VERDICT.format(text=c.text, current=current, unit=unit.name)
                + (f"\n{ta.H_VERDICT_OPTIONAL}" if own_report else ""),
                type="choice",
                label=ta.L_VERDICT.format(name=ta.criterion_name(c)),
                choices=ta.VERDICT_CHOICES,
                required=not own_report,
                skippable=own_report,
            ),
            forms.Question(
                key=f"{c.id}_reason",
                text=ta.Q_REASON.format(name=ta.criterion_name(c)),
                type="text",
                label=ta.L_REASON.format(name=ta.criterion_name(c)),
                hint=ta.H_REASON,
                skippable=False,
                # A note is welcome with "Đạt" and required with "Không đạt".
                optional_if={c.id: [MET, ""] if own_report else [MET]},
                options={"min_chars": ta.MIN_REASON, "max_chars": assessments.MAX_COMMENT},
            ),
        ]
    office = office_name(ctx)
    form = forms.Form(
        kind=FORM_KIND,
        title=ta.FORM_TITLE.format(office=office, unit=unit.name, award=award.title),
        draft_key=key,
        questions=questions,
        extra={"unit": unit.code, "award": award.code},
    )
    intro = ta.FORM_INTRO.format(unit=unit.name, award=award.title, n=len(criteria), office=office)
    forms.start(ctx, form, intro=intro)


# -- saving -----------------------------------------------------------------------------------


async def save(ctx: Ctx, form: forms.Form) -> None:
    """Keep each verdict (and its history) — checked again against the admin's reach."""
    who, reach = ctx.who, admin_reach(ctx)
    if who is None or reach is None:
        ctx.reply(tx.NO_SCOPE)
        return
    target, problem = await _unit_in_reach(ctx, reach, str(form.extra.get("unit", "")))
    if target is None:
        ctx.reply(problem)
        return
    unit = target.unit
    award_code = str(form.extra.get("award", ""))
    awards = assessable_awards(ctx.campaign, unit, who.unit_code)
    award = next((a for a in awards if a.code == award_code), None)
    if award is None:
        ctx.reply(ta.AWARD_UNKNOWN.format(text=award_code, unit=unit.name, office=office_name(ctx)))
        return
    tz = ctx.tz
    lines = [ta.SAVED_HEAD.format(office=office_name(ctx), unit=unit.name, award=award.title)]
    replaced = False
    for c in officer_criteria(award, who.unit_code):
        verdict = form.value(c.id)
        if verdict not in (MET, NOT_MET):
            continue  # a criterion added to the campaign file after the form was opened
        note = form.value(f"{c.id}_reason")
        met = verdict == MET
        # The form requires the reason with "Không đạt"; `record` refuses a verdict without.
        done = await assessments.record(
            ctx.conn,
            campaign_id=ctx.campaign_id,
            unit_id=target.id,
            award_code=award.code,
            criterion_id=c.id,
            met=met,
            comment=str(note) if note else None,
            person_id=who.person_id,
            office_unit_id=who.unit_id,
            now=ctx.now(),
        )
        word = ta.verdict_word(met)
        if not done.changed:
            lines.append(ta.SAVED_SAME.format(name=ta.criterion_name(c), verdict=word))
            continue
        before = done.previous
        await audit.record(
            ctx.conn,
            actor=f"person:{who.person_id}",
            action="award_assess",
            entity="award_assessment",
            entity_id=done.assessment_id,
            old={"met": before.met, "comment": before.comment} if before else None,
            new={
                "unit": unit.code,
                "award": award.code,
                "criterion": c.id,
                "met": met,
                "comment": str(note) if note else None,
            },
        )
        was = ""
        if before is not None:
            replaced = True
            day = tx.fmt_date(before.assessed_at.astimezone(tz).date())
            was = ta.SAVED_WAS.format(verdict=ta.verdict_word(before.met), day=day)
        comment = f" – “{note}”" if note else ""
        name = ta.criterion_name(c)
        lines.append(ta.SAVED_LINE.format(name=name, verdict=word, comment=comment) + was)
    if replaced:
        lines.append(ta.SAVED_HISTORY)
    choices = []
    if any(a.code == award.code for a in machine_awards(ctx.campaign)):
        choices.append(Choice(ta.SEE_AWARDS.format(award=award.title), f"/khenthuong {unit.code}"))
    if len(awards) > 1:
        choices.append(Choice(ta.ASSESS_OTHER_AWARD.format(unit=unit.name), _command(unit)))
    choices.append(Choice(ta.ASSESS_OTHER_UNIT, "/danhgia"))
    ctx.reply("\n".join(lines), choices)


forms.register(forms.FormKind(name=FORM_KIND, command="/danhgia", save=save))
