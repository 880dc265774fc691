"""Admins reaching units: `/dondoc` (urge the units missing a deadline or an indicator),
`/thongbao` (an announcement to everyone or chosen unit kinds) and `/moi` (invite codes; the
codes of the city's leaders only from the coordinating office).

Urging and announcing show a preview and send only when confirmed; what is sent is worked out
again at confirmation, within the admin's reach. Messages go to other people's chats through
`ctx.notify`, one per person, committed with the update.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from core.campaign.schema import Deadline, Indicator, Unit
from core.conversation import OFFERED, Ctx, Router
from core.domain.periods import Month, period_in_text, period_label
from core.domain.status import (
    current_period,
    deadline_report_periods,
    missing_deadline,
    missing_indicator,
    overview_month,
    report_month,
)
from core.messages import Choice, Kind
from core.texts import leaders as tl
from core.texts import oversight as tx
from core.vntext import fold
from handlers.admin_common import (
    ADMINS,
    EVERYONE,
    FOCAL_POINTS,
    Reach,
    deadlines_of,
    find_unit,
    load_scoped,
    office_name,
    require_acting,
)
from handlers.common import PAGE_SIZE
from storage.models import Role
from storage.queries import audit, invites, oversight, people
from storage.queries.standing import Scoped
from storage.queries.units import get_unit_by_code

router = Router()

URGE_CONFIRM = "urge.confirm"
BROADCAST_AUDIENCE = "broadcast.audience"
BROADCAST_TEXT = "broadcast.text"
BROADCAST_CONFIRM = "broadcast.confirm"
INVITE_UNIT = "invite.unit"
INVITE_ROLE = "invite.role"
INVITE_COUNT = "invite.count"

URGE_AHEAD_DAYS = 14  # deadlines offered for urging: past ones and those due within this
BROADCAST_LIMIT = 1500  # leaves room for the heading within Zalo's 2000 characters
MAX_CODES = 20
LEADER = Role.LEADER.value
ROLE_CHOICES = (*tx.INVITE_ROLE_CHOICES, LEADER)  # leader: offered where `_leader_allowed`
SEND, CANCEL, EDIT = "gui", "huy", "sua"


# -- /dondoc ---------------------------------------------------------------------------------


async def _urge_scope(ctx: Ctx, reach: Reach) -> tuple[Scoped, tuple[Deadline, ...], Month]:
    campaign = ctx.campaign
    month = overview_month(campaign, ctx.today())
    first = Month.of(campaign.campaign.period.start)
    periods = {
        p for ind in campaign.indicators if (p := current_period(ind.frequency, month, first))
    }
    deadlines = await deadlines_of(ctx)
    scoped = await load_scoped(
        ctx, reach, value_periods=periods, submission_periods=deadline_report_periods(deadlines)
    )
    return scoped, deadlines, month


def _indicator_period(ctx: Ctx, ind: Indicator, month: Month) -> str | None:
    first = Month.of(ctx.campaign.campaign.period.start)
    return current_period(ind.frequency, month, first)


def _missing(
    ctx: Ctx, target: dict[str, Any], scoped: Scoped, deadlines: tuple[Deadline, ...], month: Month
) -> tuple[str, list[Unit], Deadline | Indicator | None, str]:
    """(what, units missing it, the deadline or indicator, its period) for a chosen target."""
    campaign = ctx.campaign
    code = str(target.get("code", ""))
    if target.get("kind") == "h":
        deadline = next((d for d in deadlines if d.code == code), None)
        if deadline is None:
            return "", [], None, ""
        what = tx.URGE_DEADLINE_WHAT.format(title=deadline.title, due=tx.fmt_date(deadline.due))
        return what, missing_deadline(deadline, scoped.units, scoped.facts), deadline, ""
    ind = campaign.indicator(code)
    period = _indicator_period(ctx, ind, month) if ind else None
    if ind is None or period is None:
        return "", [], None, ""
    what = tx.URGE_INDICATOR_WHAT.format(
        label=tx.short(ind), period=period_in_text(period)
    )
    units = missing_indicator(ind, period, scoped.units, scoped.facts, day=month.first_day)
    return what, units, ind, period


def _urge_message(ctx: Ctx, unit: Unit, subject: Deadline | Indicator, period: str) -> str:
    today = ctx.today()
    if isinstance(subject, Deadline):
        state = (
            tx.URGE_OVERDUE_STATE.format(days=(today - subject.due).days)
            if today > subject.due
            else ""
        )
        return tx.URGE_MESSAGE_DEADLINE.format(
            unit=unit.name,
            office=office_name(ctx),
            today=tx.fmt_date(today),
            title=subject.title,
            due=tx.fmt_date(subject.due),
            state=state,
            command=tx.URGE_COMMAND.format(command=subject.command) if subject.command else "",
        )
    month = report_month(period) or overview_month(ctx.campaign, today)
    return tx.URGE_MESSAGE_INDICATOR.format(
        unit=unit.name,
        office=office_name(ctx),
        today=tx.fmt_date(today),
        label=tx.short(subject),
        period=period_in_text(period),
        month=f"{month.month}/{month.year}",
    )


@router.command("dondoc", "don_doc", description=tx.CMD_URGE, roles=ADMINS)
async def urge(ctx: Ctx) -> None:
    ctx.clear()
    reach = require_acting(ctx)
    if reach is None:
        return
    scoped, deadlines, month = await _urge_scope(ctx, reach)
    verb, _, code = ctx.args.strip().partition(" ")
    if verb in ("h", "c") and code.strip():
        target = {"kind": verb, "code": code.strip().upper()}
        await _preview(ctx, reach, target=target, scoped=scoped, deadlines=deadlines, month=month)
        return
    campaign, today = ctx.campaign, ctx.today()
    by_deadline, by_indicator = [], []
    for d in sorted(deadlines, key=lambda d: d.due):
        if d.due > today + timedelta(days=URGE_AHEAD_DAYS):
            continue
        n = len(missing_deadline(d, scoped.units, scoped.facts))
        if n:
            label = tx.URGE_DEADLINE_CHOICE.format(title=d.title, n=n)
            by_deadline.append(Choice(label, f"/dondoc h {d.code}"))
    for ind in campaign.indicators:
        period = _indicator_period(ctx, ind, month)
        if period is None or not ind.required:
            continue
        n = len(missing_indicator(ind, period, scoped.units, scoped.facts, day=month.first_day))
        if n:
            label = tx.URGE_INDICATOR_CHOICE.format(
                label=tx.short(ind), period=period_label(period), n=n
            )
            by_indicator.append(Choice(label, f"/dondoc c {ind.code}"))
    if not by_deadline and not by_indicator:
        ctx.reply(tx.URGE_NOTHING.format(scope=reach.label, today=tx.fmt_date(today)))
        return
    # Two groups (deadlines, indicators), each a paged list: never 27 options at once.
    group, _, page_text = ctx.args.strip().partition(" ")
    if group not in ("vb", "ct"):
        if by_deadline and by_indicator:
            ctx.reply(
                tx.URGE_GROUPS.format(scope=reach.label),
                [
                    Choice(tx.URGE_GROUP_DEADLINES.format(n=len(by_deadline)), "/dondoc vb"),
                    Choice(tx.URGE_GROUP_INDICATORS.format(n=len(by_indicator)), "/dondoc ct"),
                ],
            )
            return
        group = "vb" if by_deadline else "ct"
    listed = by_deadline if group == "vb" else by_indicator
    page = max(1, int(page_text)) if page_text.strip().isdigit() else 1
    start = (page - 1) * PAGE_SIZE
    choices = listed[start : start + PAGE_SIZE]
    rest = len(listed) - start - len(choices)
    if rest > 0:
        choices.append(Choice(tx.URGE_MORE.format(n=rest), f"/dondoc {group} {page + 1}"))
    ctx.reply(tx.URGE_PICK.format(scope=reach.label), choices)


async def _preview(
    ctx: Ctx,
    reach: Reach,
    *,
    target: dict[str, Any],
    scoped: Scoped,
    deadlines: tuple[Deadline, ...],
    month: Month,
) -> None:
    what, units, subject, period = _missing(ctx, target, scoped, deadlines, month)
    if subject is None:
        ctx.reply(tx.URGE_BAD_TARGET)
        return
    if not units:
        ctx.reply(tx.URGE_NONE_MISSING.format(scope=reach.label))
        return
    ids = [scoped.ids[u.code] for u in units]
    found = await people.unit_recipients(ctx.conn, unit_ids=ids, roles=FOCAL_POINTS)
    reachable = sum(len(v) for v in found.values())
    unreachable = len([i for i in ids if not found.get(i)])
    sample = next((u for u in units if found.get(scoped.ids[u.code])), units[0])
    ctx.goto(URGE_CONFIRM, urge=target)
    ctx.reply(
        tx.URGE_PREVIEW.format(
            what=what,
            n=len(units),
            units=tx.unit_list([u.name for u in units]),
            people=reachable,
            unreachable=tx.URGE_UNREACHABLE.format(n=unreachable) if unreachable else "",
            # The sample is the message one receiving unit gets (never an unreachable one).
            message=_urge_message(ctx, sample, subject, period),
        ),
        [Choice(tx.URGE_SEND, SEND), Choice(tx.URGE_CANCEL, CANCEL)],
    )


@router.state(URGE_CONFIRM)
async def urge_confirm(ctx: Ctx) -> None:
    who = ctx.who
    reach = require_acting(ctx) if who is not None and who.role == "admin" else None
    target = ctx.data.get("urge")
    if reach is None or who is None or not isinstance(target, dict):
        ctx.clear()
        return
    if fold(ctx.text) not in (SEND, "gui don doc", "xac nhan", "co"):
        ctx.reply(
            tx.URGE_CONFIRM_HELP, [Choice(tx.URGE_SEND, SEND), Choice(tx.URGE_CANCEL, CANCEL)]
        )
        return
    ctx.clear()
    scoped, deadlines, month = await _urge_scope(ctx, reach)
    _what, units, subject, period = _missing(ctx, target, scoped, deadlines, month)
    if subject is None:
        ctx.reply(tx.URGE_BAD_TARGET)
        return
    if not units:
        ctx.reply(tx.URGE_NONE_MISSING.format(scope=reach.label))
        return
    ids = {u.code: scoped.ids[u.code] for u in units}
    found = await people.unit_recipients(ctx.conn, unit_ids=list(ids.values()), roles=FOCAL_POINTS)
    sent, unreachable = 0, []
    for unit in units:
        recipients = found.get(ids[unit.code], [])
        if not recipients:
            unreachable.append(unit.name)
            continue
        text = _urge_message(ctx, unit, subject, period)
        for r in recipients:
            ctx.notify(r.channel, r.chat_id, text)
            sent += 1
    await audit.record(
        ctx.conn,
        actor=f"person:{who.person_id}",
        action="don_doc",
        entity="deadline" if target.get("kind") == "h" else "indicator",
        entity_id=str(target.get("code", "")),
        new={
            "period": period or None,
            "units": sorted(ids),
            "messages": sent,
            "unreachable": len(unreachable),
        },
    )
    extra = (
        tx.URGE_SENT_UNREACHABLE.format(n=len(unreachable), names="; ".join(unreachable))
        if unreachable
        else ""
    )
    ctx.reply(
        tx.URGE_SENT.format(people=sent, units=len(units) - len(unreachable), unreachable=extra)
    )


# -- /thongbao -------------------------------------------------------------------------------


@router.command("thongbao", "thong_bao", description=tx.CMD_BROADCAST, roles=ADMINS)
async def broadcast(ctx: Ctx) -> None:
    ctx.clear()
    reach = require_acting(ctx)
    if reach is None:
        return
    refs = await oversight.units_in_scope(
        ctx.conn, campaign_id=ctx.campaign_id, kinds=reach.kinds
    )
    counts: dict[str, int] = {}
    for r in refs:
        counts[r.kind] = counts.get(r.kind, 0) + 1
    campaign = ctx.campaign
    choices = [Choice(tx.BROADCAST_ALL.format(n=len(refs)), "all")]
    choices += [
        Choice(tx.BROADCAST_KIND.format(label=k.label, n=counts[k.code]), k.code)
        for k in campaign.unit_kinds
        if counts.get(k.code)
    ]
    ctx.goto(BROADCAST_AUDIENCE)
    ctx.reply(tx.BROADCAST_AUDIENCE, choices)


def _audience(ctx: Ctx) -> list[str] | None:
    """The kinds chosen: one option's value, or several numbers `2, 3`; None if unreadable."""
    offered = ctx.data.get(OFFERED) or []
    values = [str(o[1]) for o in offered]
    if ctx.text in values:
        return [ctx.text]
    picked = []
    for part in ctx.text.replace(";", ",").replace(" ", ",").split(","):
        if not part:
            continue
        if not part.isdigit() or not 1 <= int(part) <= len(values):
            return None
        picked.append(values[int(part) - 1])
    return picked or None


@router.state(BROADCAST_AUDIENCE)
async def broadcast_audience(ctx: Ctx) -> None:
    reach = require_acting(ctx)
    if reach is None:
        ctx.clear()
        return
    picked = _audience(ctx)
    if picked is None:
        ctx.reply(
            tx.BROADCAST_BAD_AUDIENCE,
            [Choice(o[0], o[1]) for o in ctx.data.get(OFFERED) or []],
        )
        return
    kinds = None if "all" in picked else sorted(set(picked))
    ctx.data.pop(OFFERED, None)
    ctx.goto(BROADCAST_TEXT, audience=kinds)
    ctx.reply(tx.BROADCAST_ASK_TEXT.format(limit=BROADCAST_LIMIT))


def _audience_kinds(reach: Reach, chosen: Any) -> frozenset[str] | None:
    """The chosen kinds, within reach (None: everything in reach)."""
    if chosen is None:
        return reach.kinds
    kinds = frozenset(str(k) for k in chosen)
    return kinds if reach.kinds is None else kinds & reach.kinds


async def _broadcast_targets(ctx: Ctx, reach: Reach) -> tuple[list[int], list[Any]]:
    kinds = _audience_kinds(reach, ctx.data.get("audience"))
    refs = await oversight.units_in_scope(
        ctx.conn, campaign_id=ctx.campaign_id, kinds=kinds
    )
    ids = [r.id for r in refs]
    found = await people.unit_recipients(ctx.conn, unit_ids=ids, roles=EVERYONE) if ids else {}
    return ids, [r for rs in found.values() for r in rs]


def _audience_label(ctx: Ctx, reach: Reach) -> str:
    chosen = ctx.data.get("audience")
    if chosen is None:
        return reach.label
    labels = {k.code: k.label for k in ctx.campaign.unit_kinds}
    return "; ".join(labels.get(str(k), str(k)) for k in chosen)


@router.state(BROADCAST_TEXT)
async def broadcast_text(ctx: Ctx) -> None:
    reach = require_acting(ctx)
    if reach is None:
        ctx.clear()
        return
    if ctx.msg.kind is not Kind.TEXT or not ctx.text.strip():
        ctx.reply(tx.BROADCAST_TEXT_ONLY)
        return
    text = ctx.msg.text.strip()
    if len(text) > BROADCAST_LIMIT:
        ctx.reply(tx.BROADCAST_TOO_LONG.format(n=len(text), limit=BROADCAST_LIMIT))
        return
    ctx.goto(BROADCAST_CONFIRM, message=text)
    ids, recipients = await _broadcast_targets(ctx, reach)
    ctx.reply(
        tx.BROADCAST_PREVIEW.format(
            audience=_audience_label(ctx, reach),
            units=len(ids),
            people=len(recipients),
            message=tx.BROADCAST_MESSAGE.format(office=office_name(ctx).upper(), text=text),
        ),
        [
            Choice(tx.BROADCAST_SEND, SEND),
            Choice(tx.BROADCAST_EDIT, EDIT),
            Choice(tx.URGE_CANCEL, CANCEL),
        ],
    )


@router.state(BROADCAST_CONFIRM)
async def broadcast_confirm(ctx: Ctx) -> None:
    who = ctx.who
    reach = require_acting(ctx)
    message = ctx.data.get("message")
    if reach is None or who is None or not isinstance(message, str):
        ctx.clear()
        return
    answer = fold(ctx.text)
    if answer in (EDIT, "sua noi dung"):
        ctx.goto(BROADCAST_TEXT)
        ctx.reply(tx.BROADCAST_ASK_TEXT.format(limit=BROADCAST_LIMIT))
        return
    if answer not in (SEND, "gui thong bao", "xac nhan", "co"):
        ctx.reply(
            tx.BROADCAST_CONFIRM_HELP,
            [
                Choice(tx.BROADCAST_SEND, SEND),
                Choice(tx.BROADCAST_EDIT, EDIT),
                Choice(tx.URGE_CANCEL, CANCEL),
            ],
        )
        return
    ids, recipients = await _broadcast_targets(ctx, reach)
    audience = ctx.data.get("audience")
    ctx.clear()
    if not recipients:
        ctx.reply(tx.BROADCAST_NOBODY)
        return
    text = tx.BROADCAST_MESSAGE.format(office=office_name(ctx).upper(), text=message)
    for r in recipients:
        ctx.notify(r.channel, r.chat_id, text)
    await audit.record(
        ctx.conn,
        actor=f"person:{who.person_id}",
        action="broadcast",
        entity="campaign",
        entity_id=ctx.campaign_id,
        new={
            "kinds": audience or "all",
            "units": len(ids),
            "messages": len(recipients),
            "text": message,
        },
    )
    ctx.reply(tx.BROADCAST_SENT.format(people=len(recipients), units=len(ids)))


# -- /moi ------------------------------------------------------------------------------------


def _role_of(text: str) -> str | None:
    folded = fold(text)
    if folded in tl.ROLE_WORDS:  # before the others: "lãnh đạo" alone is a unit's head
        return LEADER
    for role, words in tx.ROLE_WORDS.items():
        if folded in words:
            return role
    return None


def _parse_invite(ctx: Ctx, args: str) -> tuple[str, str | None, int | None]:
    """`P_KA_LONG focal 3`, `Phường Ka Long đầu mối 2` → (unit text, role, count)."""
    words = args.split()
    count = None
    if len(words) > 1 and words[-1].isdigit():
        count = int(words.pop())
    splits = [
        (size, role)
        for size in (5, 4, 3, 2, 1)  # "lãnh đạo UBND thành phố" is five words
        if len(words) > size and (role := _role_of(" ".join(words[-size:]))) is not None
    ]
    # A unit's name may end in a role word ("… thành phố" reads as "phó"): a split counts when
    # what is left names a unit, or when the whole text names none.
    campaign = ctx.campaign
    for size, role in splits:
        if find_unit(campaign, " ".join(words[:-size])) is not None:
            return " ".join(words[:-size]), role, count
    if splits and find_unit(campaign, " ".join(words)) is None:
        size, role = splits[0]
        return " ".join(words[:-size]), role, count
    return " ".join(words), None, count


def _admin_allowed(ctx: Ctx, reach: Reach, unit: Unit) -> bool:
    """An admin code only for a unit with a scope of its own, no wider than the issuer's."""
    scopes = [s for s in ctx.campaign.admin_scopes if s.unit == unit.code]
    if not scopes:
        return False
    if reach.kinds is None:
        return True
    return all(s.kinds != "all" and set(s.kinds) <= reach.kinds for s in scopes)


def _leader_allowed(ctx: Ctx, reach: Reach, unit: Unit) -> bool:
    """A leader's code (it reads the whole campaign) only from the coordinating office, and
    only for a city-level office of its own kind (Văn phòng HĐND và UBND thành phố)."""
    campaign, who = ctx.campaign, ctx.who
    coordinator = campaign.unit(campaign.campaign.coordinator_unit)
    return (
        reach.kinds is None
        and who is not None
        and coordinator is not None
        and who.unit_code == coordinator.code
        and unit.kind == coordinator.kind
    )


def _refused_role(ctx: Ctx, reach: Reach, unit: Unit, role: str) -> str | None:
    """Why the admin may not issue codes of `role` for the unit (None: they may)."""
    if role == "admin" and not _admin_allowed(ctx, reach, unit):
        return tx.INVITE_ADMIN_NOT_ALLOWED.format(unit=unit.name)
    if role == LEADER and not _leader_allowed(ctx, reach, unit):
        campaign = ctx.campaign
        coordinator = campaign.unit(campaign.campaign.coordinator_unit)
        office = coordinator.name if coordinator is not None else tx.OFFICE_FALLBACK
        return tl.INVITE_NOT_ALLOWED.format(unit=unit.name, office=office)
    return None


async def _invite_unit(ctx: Ctx, reach: Reach, text: str) -> tuple[Unit, int] | None:
    unit = find_unit(ctx.campaign, text)
    if unit is None:
        ctx.reply(tx.UNIT_NOT_FOUND.format(text=text))
        return None
    row = await get_unit_by_code(ctx.conn, campaign_id=ctx.campaign_id, code=unit.code)
    if row is None or row.retired or not reach.oversees(row.kind):
        ctx.reply(tx.OUT_OF_SCOPE.format(scope=reach.label))
        return None
    return unit, row.id


def _role_choices(ctx: Ctx, reach: Reach, unit: Unit) -> list[Choice]:
    roles = [r for r in ROLE_CHOICES if _refused_role(ctx, reach, unit, r) is None]
    return [Choice(tx.role_label(r), r) for r in roles]


def _in_sentence(label: str) -> str:
    """A role label mid-sentence: lower case first letter ("UBND" keeps its capitals)."""
    return label[:1].lower() + label[1:]


@router.command("moi", "cap_ma", description=tx.CMD_INVITE, roles=ADMINS)
async def invite(ctx: Ctx) -> None:
    ctx.clear()
    reach = require_acting(ctx)
    if reach is None:
        return
    if not ctx.args:
        ctx.goto(INVITE_UNIT)
        ctx.reply(tx.INVITE_ASK_UNIT)
        return
    text, role, count = _parse_invite(ctx, ctx.args)
    await _invite_next(ctx, reach, text, role, count)


async def _invite_next(
    ctx: Ctx, reach: Reach, unit_text: str, role: str | None, count: int | None
) -> None:
    found = await _invite_unit(ctx, reach, unit_text)
    if found is None:
        ctx.goto(INVITE_UNIT)
        return
    unit, unit_id = found
    refused = _refused_role(ctx, reach, unit, role) if role is not None else None
    if refused is not None:
        ctx.clear()
        ctx.reply(refused)
        return
    if role is None:
        ctx.goto(INVITE_ROLE, invite={"unit": unit.code})
        ctx.reply(tx.INVITE_ASK_ROLE.format(unit=unit.name), _role_choices(ctx, reach, unit))
        return
    if count is None:
        ctx.goto(INVITE_COUNT, invite={"unit": unit.code, "role": role})
        ctx.reply(
            tx.INVITE_ASK_COUNT.format(max=MAX_CODES),
            [Choice(str(n), str(n)) for n in (1, 2, 3, 5)],
        )
        return
    if not 1 <= count <= MAX_CODES:
        ctx.goto(INVITE_COUNT, invite={"unit": unit.code, "role": role})
        ctx.reply(tx.INVITE_BAD_COUNT.format(max=MAX_CODES))
        return
    await _issue(ctx, unit, unit_id, role, count)


@router.state(INVITE_UNIT)
async def invite_unit(ctx: Ctx) -> None:
    reach = require_acting(ctx)
    if reach is None:
        ctx.clear()
        return
    text, role, count = _parse_invite(ctx, ctx.text)
    await _invite_next(ctx, reach, text, role, count)


@router.state(INVITE_ROLE)
async def invite_role(ctx: Ctx) -> None:
    reach = require_acting(ctx)
    data = ctx.data.get("invite")
    if reach is None or not isinstance(data, dict):
        ctx.clear()
        return
    role = ctx.text if ctx.text in ROLE_CHOICES else _role_of(ctx.text)
    if role is None:
        unit = ctx.campaign.unit(str(data.get("unit")))
        choices = _role_choices(ctx, reach, unit) if unit else []
        ctx.reply(tx.INVITE_BAD_ROLE, choices)
        return
    await _invite_next(ctx, reach, str(data.get("unit")), role, None)


@router.state(INVITE_COUNT)
async def invite_count(ctx: Ctx) -> None:
    reach = require_acting(ctx)
    data = ctx.data.get("invite")
    if reach is None or not isinstance(data, dict):
        ctx.clear()
        return
    text = ctx.text.strip()
    if not text.isdigit() or not 1 <= int(text) <= MAX_CODES:
        ctx.reply(tx.INVITE_BAD_COUNT.format(max=MAX_CODES))
        return
    await _invite_next(ctx, reach, str(data.get("unit")), str(data.get("role")), int(text))


async def _issue(ctx: Ctx, unit: Unit, unit_id: int, role: str, count: int) -> None:
    who = ctx.who
    if who is None:
        return
    ctx.clear()
    ttl = timedelta(days=ctx.services.settings.invite_code_ttl_days)
    codes = await invites.issue_codes(
        ctx.conn,
        unit_id=unit_id,
        role=role,
        count=count,
        now=ctx.now(),
        ttl=ttl,
        actor=f"person:{who.person_id}",
    )
    expires = (ctx.now() + ttl).astimezone(ctx.tz).date()
    bot = ctx.services.bot_username
    ctx.reply(
        tx.INVITE_CODES.format(
            role=_in_sentence(tx.role_label(role)),
            unit=unit.name,
            expires=tx.fmt_date(expires),
            codes="\n".join(codes),
            link=tx.INVITE_LINK.format(bot=bot) if bot else "",
        )
    )
