"""`/baocao`: a focal point reports the unit's indicator values for a month.

The questions come from the campaign file: the indicators that apply to the unit and are due
in the chosen month (see `core.domain.periods`), in the file's order. The form engine asks them;
this module only builds the questions and saves the confirmed answers.
"""

from __future__ import annotations

from core.campaign.schema import Indicator
from core.conversation import Ctx, Router
from core.dates import numeric_date
from core.domain.periods import Month, offered_months, parse_month, period_for, period_in_text
from core.domain.values import format_target
from core.messages import Choice
from core.texts import common as texts
from core.vntext import fold
from handlers import forms, lifespan, signoff
from storage.models import REPORTERS
from storage.queries import audit, reports
from storage.queries import signoff as signoff_q

router = Router()

PICK_MONTH = "report.pick_month"
CONFIRM_MONTH = "report.confirm_month"
RESUME = "report.resume"
YES_NO_CHOICES = (("Có", "có"), ("Không", "không"))


def parser_options(ind: Indicator) -> dict[str, object]:
    """Bounds for the parser: growth rates may be negative, ratios to a plan may pass 100 %."""
    if ind.type == "count" and ind.unit:
        return {"unit": ind.unit}
    if ind.type != "percent":
        return {}
    label = f"{ind.label} {ind.unit or ''}".lower()
    growth = "tăng" in label
    over_plan = "dự toán" in label or "kế hoạch" in label
    low = -100.0 if growth else 0.0
    return {"percent_bounds": [low, 1000.0 if growth or over_plan else 100.0]}


def question_for(ind: Indicator, period: str, scale: tuple[str, ...]) -> forms.Question:
    hint = []
    if ind.target is not None:
        hint.append(
            texts.FORM_TARGET.format(
                target=format_target(ind.target.op, ind.target.value, ind.type)
            )
        )
    if ind.unit and ind.type not in ("percent", "count"):
        hint.append(texts.REPORT_HINT_UNIT.format(unit=ind.unit))
    if ind.help:
        hint.append(ind.help)
    choices: tuple[tuple[str, str], ...] = ()
    if ind.type == "yes_no":
        choices = YES_NO_CHOICES
    elif ind.type == "rating":
        choices = tuple((label, label) for label in reversed(scale))
    options = parser_options(ind)
    if ind.type == "rating":
        options = {"rating_scale": list(scale)}
    elif ind.type == "date":
        options = {"not_future": True}
    return forms.Question(
        key=f"{ind.code}@{period}",
        text=ind.label,
        label=ind.short_label or ind.label,
        type=ind.type,
        required=ind.required,
        hint="\n".join(hint),
        choices=choices,
        options=options,
    )


@router.command("baocao", description=texts.CMD_REPORT, roles=REPORTERS)
async def report(ctx: Ctx) -> None:
    ctx.clear()  # a form still open (this month's too) is parked, so it is offered back
    refused = _removed(ctx)
    if refused is not None:
        ctx.reply(refused)
        return
    if ctx.args:
        month = parse_month(ctx.args)
        if month is not None:
            await _open_month(ctx, month)
            return
    ctx.goto(PICK_MONTH)
    ctx.reply(texts.REPORT_PICK_MONTH, _month_choices(ctx))


@router.state(PICK_MONTH)
async def pick_month(ctx: Ctx) -> None:
    month, confirm = _typed_month(ctx, ctx.text)
    if month is None:
        ctx.reply(texts.REPORT_BAD_MONTH, _month_choices(ctx))
        return
    if confirm is not None:
        # "2" where "2." once meant the second option: say which month it is taken for.
        ctx.goto(CONFIRM_MONTH, month=month.code)
        ctx.reply(
            texts.REPORT_MONTH_CONFIRM.format(month=month.in_text, other=confirm.label),
            [Choice(month.label, month.code), Choice(confirm.label, confirm.code)],
        )
        return
    await _open_month(ctx, month)


@router.state(CONFIRM_MONTH)
async def confirm_month(ctx: Ctx) -> None:
    if fold(ctx.text) in texts.CONFIRM_WORDS and isinstance(ctx.data.get("month"), str):
        await _open_month(ctx, Month.from_code(str(ctx.data["month"])))
        return
    month, _ = _typed_month(ctx, ctx.text)  # typed again: taken as typed, no second question
    if month is None:
        ctx.reply(texts.REPORT_BAD_MONTH, _month_choices(ctx))
        return
    await _open_month(ctx, month)


def _typed_month(ctx: Ctx, text: str) -> tuple[Month | None, Month | None]:
    """The month typed (`3`, `tháng 3`, `3/2024`, or a choice's value), and, for a bare number
    that is also an earlier-listed position of another month, that other month (confirm)."""
    text = (text or "").strip()
    if not text:
        return None, None
    try:
        if len(text) == 7 and text[:4].isdigit() and text[4] == "-":
            return Month.from_code(text), None
    except ValueError:
        return None, None
    month = parse_month(text)
    if month is not None:
        return month, None
    bare = fold(text).removeprefix("thang").strip()
    if not bare.isdigit() or not 1 <= int(bare) <= 12:
        return None, None
    period = ctx.campaign.campaign.period
    year = min(max(forms.local_today(ctx).year, period.start.year), period.end.year)
    month = Month(year, int(bare))
    offered = offered_months(forms.local_today(ctx), period.start, period.end)
    position = offered[int(bare) - 1] if int(bare) <= len(offered) else None
    is_bare = fold(text) == bare
    return month, position if is_bare and position is not None and position != month else None


def _removed(ctx: Ctx) -> str | None:
    """Why the unit may not report at all (it left the campaign file), or None."""
    who = ctx.who
    if who is None or ctx.campaign.unit(who.unit_code) is not None:
        return None
    return lifespan.refusal(ctx, "report")


def _month_choices(ctx: Ctx) -> list[Choice]:
    campaign = ctx.campaign
    p = campaign.campaign.period
    end = p.end
    unit = campaign.unit(ctx.who.unit_code) if ctx.who is not None else None
    if unit is not None and unit.active_to is not None:
        end = min(end, unit.active_to)  # a unit that closed reports the months it lived
    return [Choice(m.label, m.code) for m in offered_months(forms.local_today(ctx), p.start, end)]


@router.state(RESUME)
async def on_resume(ctx: Ctx) -> None:
    key = str(ctx.data.get("resume_key", ""))
    if ctx.text == "continue" and forms.resume(ctx, key):
        return
    if ctx.text == "restart":
        forms.drop_draft(ctx, key)
        await _open_month(ctx, Month.from_code(key.split(":", 1)[1]), fresh=True)
        return
    ctx.reply(
        texts.MENU,
        [
            Choice(texts.FORM_RESUME_CONTINUE, "continue"),
            Choice(texts.FORM_RESUME_RESTART, "restart"),
        ],
    )


async def _open_month(ctx: Ctx, month: Month, *, fresh: bool = False) -> None:
    who = ctx.who
    if who is None:
        return
    campaign = ctx.campaign
    period = campaign.campaign.period
    if not period.start <= month.first_day <= period.end:
        ctx.goto(PICK_MONTH)
        ctx.reply(
            texts.REPORT_MONTH_OUTSIDE.format(
                month=month.label, start=numeric_date(period.start), end=numeric_date(period.end)
            ),
            _month_choices(ctx),
        )
        return
    refused = lifespan.refusal(ctx, "report", month=month)
    if refused is not None:
        ctx.clear()
        ctx.reply(refused)
        return
    unit = campaign.unit(who.unit_code)
    due = [
        (ind, p)
        for ind in (campaign.indicators_for(unit) if unit else ())
        if (p := period_for(ind.frequency, month)) is not None
    ]
    periods = sorted({p for _, p in due})
    stored = await reports.values_for(
        ctx.conn, campaign_id=ctx.campaign_id, unit_id=who.unit_id, periods=periods
    )
    due = await _without_settled_one_offs(ctx, who.unit_id, due, stored)
    if not due:
        ctx.clear()
        ctx.reply(texts.REPORT_NOTHING_DUE.format(unit=who.unit_name, month=month.in_text))
        return
    locked = await reports.locked_periods(
        ctx.conn, campaign_id=ctx.campaign_id, periods=periods
    )
    if locked:
        ctx.clear()
        ctx.reply(
            texts.REPORT_LOCKED.format(periods=", ".join(period_in_text(p) for p in sorted(locked)))
        )
        return
    draft_key = f"report:{month.code}"
    parked = forms.draft(ctx, draft_key)
    questions = [question_for(ind, p, campaign.rating_scale) for ind, p in due]
    if parked is not None and not fresh:
        if [q.key for q in parked.questions] == [q.key for q in questions]:
            forms.offer_resume(ctx, parked, resume_state=RESUME)
            return
        # The items due changed since the draft was left (an item returned for correction,
        # a changed campaign file): the current items are asked, the draft's answers kept.
    else:
        parked = None
    form = forms.Form(
        kind="report",
        title=texts.REPORT_TITLE.format(month=month.in_text, unit=who.unit_name),
        draft_key=draft_key,
        questions=questions,
        extra={"month": month.code},
    )
    already = all((ind.code, p) in stored for ind, p in due)
    _prefill(form, stored, parked)
    intro = (texts.REPORT_ALREADY_SENT if already else texts.REPORT_INTRO).format(
        month=month.in_text, unit=who.unit_name, n=len(questions)
    )
    forms.start(ctx, form, intro=intro)


async def _without_settled_one_offs(
    ctx: Ctx,
    unit_id: int,
    due: list[tuple[Indicator, str]],
    stored: dict[tuple[str, str], reports.StoredValue],
) -> list[tuple[Indicator, str]]:
    """A one-off indicator answered in an earlier report is not asked again, unless it was
    returned for correction (the item by Phòng Nội vụ, or the report by the unit's head):
    then this month's report is where it is corrected."""
    once = sorted({p for ind, p in due if ind.frequency == "once"})
    head_returned: set[str] = set()
    if once:
        states = await signoff_q.report_states(
            ctx.conn, campaign_id=ctx.campaign_id, unit_id=unit_id, periods=once
        )
        head_returned = {p for p, state in states.items() if state == signoff_q.RETURNED}
    return [
        (ind, p)
        for ind, p in due
        if ind.frequency != "once"
        or (ind.code, p) not in stored
        or stored[(ind.code, p)].review_status == "returned"
        or p in head_returned
    ]


def _prefill(
    form: forms.Form,
    stored: dict[tuple[str, str], reports.StoredValue],
    parked: forms.Form | None,
) -> None:
    """The stored values as answers, then what a left draft had for the same questions."""
    keys = {q.key for q in form.questions}
    for key in keys:
        code, period = key.split("@", 1)
        value = stored.get((code, period))
        if value is None:
            continue
        if value.skipped_reason is not None:
            form.skipped[key] = value.skipped_reason
        else:
            form.answers[key] = {"v": value.value, "d": value.display}
    if parked is None:
        return
    for key, answer in parked.answers.items():
        if key in keys:
            form.skipped.pop(key, None)
            form.answers[key] = answer
    for key, reason in parked.skipped.items():
        if key in keys:
            form.answers.pop(key, None)
            form.skipped[key] = reason


async def save_report(ctx: Ctx, form: forms.Form) -> None:
    who = ctx.who
    if who is None:
        return
    values = []
    for q in form.questions:
        code, period = q.key.split("@", 1)
        if q.key in form.answers:
            a = form.answers[q.key]
            values.append(reports.NewValue(code, period, a["v"], str(a["d"])))
        elif q.key in form.skipped:
            values.append(reports.NewValue(code, period, None, "", form.skipped[q.key]))
    locked = await reports.locked_periods(
        ctx.conn, campaign_id=ctx.campaign_id, periods=sorted({v.period for v in values})
    )
    if locked:  # closed while the summary was open: nothing is written
        ctx.reply(
            texts.REPORT_LOCKED.format(periods=", ".join(period_in_text(p) for p in sorted(locked)))
        )
        return
    now = ctx.now()
    periods = sorted({v.period for v in values})
    # The head's sign-off, if the campaign asks for it, depends on what was there before.
    before = await signoff_q.report_states(
        ctx.conn, campaign_id=ctx.campaign_id, unit_id=who.unit_id, periods=periods
    )
    changed = await reports.save_values(
        ctx.conn,
        campaign_id=ctx.campaign_id,
        unit_id=who.unit_id,
        person_id=who.person_id,
        values=values,
        now=now,
    )
    await reports.mark_submitted(
        ctx.conn,
        campaign_id=ctx.campaign_id,
        unit_id=who.unit_id,
        periods=periods,
        person_id=who.person_id,
        now=now,
    )
    await audit.record(
        ctx.conn,
        actor=f"person:{who.person_id}",
        action="report",
        entity="unit",
        entity_id=who.unit_id,
        new={"month": form.extra.get("month"), "values": len(values), "changed": changed},
    )
    routed = await signoff.report_sent(
        ctx,
        title=form.title,
        periods=periods,
        before=before,
        changed=changed,
        n_values=len(values),
        n_skipped=sum(1 for v in values if v.skipped_reason is not None),
    )
    if routed is not None:
        ctx.reply(routed)
        return
    extra = (
        texts.REPORT_SAVED_CHANGED.format(k=changed) if changed and changed != len(values) else ""
    )
    ctx.reply(texts.REPORT_SAVED.format(title=form.title, n=len(values), changed=extra))


forms.register(forms.FormKind(name="report", command="/baocao", save=save_report))
