"""`/tinhtrang`: a unit's own status on one screen, and what it still lacks for the awards.

A focal point, deputy or head sees their own unit (naming another unit is refused); an admin
may name any unit in reach (`/tinhtrang P_KA_LONG`), and a leader of the city any unit at all
(they have no unit of their own to show, so a bare `/tinhtrang` asks them which). Criteria an
officer decides (g0) show the officer's verdict and its date once given (`/danhgia`), not the
officer's note. Reports and documents waiting for the head's sign-off, or returned by the
head, are listed after the status (for the head: what waits for them). The messages are laid
out by `handlers.oversight_views`.
"""

from __future__ import annotations

from core.campaign import Unit
from core.conversation import Ctx, Router
from core.domain.awards import applies, evaluate, machine_awards, predecessors_of
from core.domain.status import unit_status
from core.messages import Choice
from core.texts import leaders as tl
from core.texts import oversight as tx
from core.texts import succession as ts
from handlers import document_reading, signoff
from handlers import oversight_views as views
from handlers.admin_common import LEADERS, UNIT_PEOPLE, admin_reach, deadlines_of, find_unit
from storage.queries import assessments, oversight
from storage.queries.units import get_unit_by_code

router = Router()


@router.command("tinhtrang", "tinh_trang", description=tx.CMD_STATUS, roles=UNIT_PEOPLE)
async def status(ctx: Ctx) -> None:
    who = ctx.who
    if who is None:
        return
    campaign = ctx.campaign
    unit_id, unit = who.unit_id, campaign.unit(who.unit_code)
    named_args, detail = detail_arg(ctx.args)
    if not named_args and who.role in LEADERS:
        # A leader registers through an office but speaks for none: ask which unit to show.
        ctx.reply(tl.STATUS_PICK_UNIT)
        return
    if named_args:
        named = find_unit(campaign, named_args)
        if named is None:
            ctx.reply(tx.UNIT_NOT_FOUND.format(text=named_args))
            return
        # A unit's people may read the units it took over (their history is theirs).
        own = campaign.unit(who.unit_code)
        inherited = {u.code for u in predecessors_of(own, campaign)} if own else set()
        if named.code in inherited:
            found = await get_unit_by_code(ctx.conn, campaign_id=ctx.campaign_id, code=named.code)
            if found is not None:
                unit_id, unit = found.id, named
        elif named.code != who.unit_code:
            reach = admin_reach(ctx)
            if reach is None:
                ctx.reply(tx.OWN_UNIT_ONLY.format(unit=who.unit_name))
                return
            found = await get_unit_by_code(ctx.conn, campaign_id=ctx.campaign_id, code=named.code)
            if found is None or found.retired or not reach.covers(found.id, found.kind):
                ctx.reply(tx.OUT_OF_SCOPE.format(scope=reach.label))
                return
            unit_id, unit = found.id, named
    if unit is None:
        ctx.reply(tx.UNIT_NOT_IN_CAMPAIGN.format(unit=who.unit_name))
        return
    facts = await oversight.unit_facts(ctx.conn, campaign_id=ctx.campaign_id, unit_id=unit_id)
    deadlines = await deadlines_of(ctx)
    today, tz = ctx.today(), ctx.tz
    state = unit_status(campaign, unit, facts, today=today, deadlines=deadlines, tz=tz)
    award = next((a for a in machine_awards(campaign) if applies(a, unit, campaign)), None)
    result = None
    if award is not None:
        rows = await assessments.for_unit(ctx.conn, campaign_id=ctx.campaign_id, unit_id=unit_id)
        result = evaluate(
            award,
            campaign,
            unit,
            facts,
            today=today,
            deadlines=deadlines,
            tz=tz,
            assessments=assessments.as_facts(rows),
        )
    if not detail:
        # The verdict and what to do next; the whole status on request (issue 13).
        brief = views.unit_status_brief(state, result, campaign=campaign, tz=tz)
        more = (
            "/tinhtrang chitiet"
            if unit.code == who.unit_code
            else f"/tinhtrang {unit.code} chitiet"
        )
        ctx.reply(brief, [Choice(tx.STATUS_DETAIL_CHOICE, more)])
        waiting = await signoff.status_section(ctx, unit_id)
        if waiting:
            ctx.reply(waiting)
        return
    await _whole_status(
        ctx, unit, unit_id, views.unit_status_parts(state, result, campaign=campaign, tz=tz)
    )


async def _whole_status(ctx: Ctx, unit: Unit, unit_id: int, parts: list[str]) -> None:
    """`/tinhtrang chitiet`: every section, the history taken over, what the bot read; in
    messages that each stay within MAX_REPLY_CHARS (the award's criteria as the second)."""
    *head, text = parts
    for part in head:
        ctx.reply(part)
    for pred in predecessors_of(unit, ctx.campaign):  # the history it took over (issue 11)
        found = await get_unit_by_code(ctx.conn, campaign_id=ctx.campaign_id, code=pred.code)
        if found is not None:
            pred_facts = await oversight.unit_facts(
                ctx.conn, campaign_id=ctx.campaign_id, unit_id=found.id
            )
            text += "\n\n" + ts.predecessor_line(pred, pred_facts)
    ctx.reply(text)
    read = await document_reading.status_section(ctx, unit_id)  # what the bot read, flags
    if read:
        ctx.reply(read)
    # What waits for the head's sign-off is not yet in the status above: a message of its own.
    waiting = await signoff.status_section(ctx, unit_id)
    if waiting:
        ctx.reply(waiting)


_DETAIL_WORDS = ("chitiet", "chi tiet", "chi tiết", "chitiết")


def detail_arg(args: str) -> tuple[str, bool]:
    """`/tinhtrang chitiet`, `/tinhtrang P_KA_LONG chi tiết`: the rest, and whether the whole
    status is asked for."""
    text = args.strip()
    low = text.lower()
    for word in _DETAIL_WORDS:
        if low == word:
            return "", True
        if low.endswith(" " + word):
            return text[: -len(word)].strip(), True
        if low.startswith(word + " "):
            return text[len(word) :].strip(), True
    return text, False
