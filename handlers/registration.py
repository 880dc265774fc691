"""Registration: `/start CODE`, the deep link, or `/start` and then the code; and `/lienket`.

Wrong codes are counted per chat: after a few the chat must wait between tries, after more
it is refused for a while. A code is consumed atomically, so two people racing for one code
cannot both get it. A link code (from `/lienket`) adds a second messenger account to a person
who is already registered: the same person, the same unit, reachable on both.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from core.conversation import Ctx, Router, refresh_menu
from core.dates import day_and_time
from core.messages import Kind
from core.texts import common as texts
from core.texts import leaders as tl
from handlers.common import commands_text
from storage.models import Role
from storage.queries import audit, invites
from storage.queries.invites import InviteInfo, Redeem, Throttle
from storage.queries.people import add_identity, create_person, find_identity

router = Router()

AWAIT_CODE = "reg.await_code"
FAILURE_WINDOW = timedelta(hours=1)
SLOW_DOWN_SECONDS = 30
LINK_CODE_TTL = timedelta(minutes=30)
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
LEADER = Role.LEADER.value  # greeted with what a leader does: read, get the weekly digest
DIGEST_HOUR = 8


def _fmt_time(when: datetime) -> str:
    return day_and_time(when, LOCAL_TZ)


def _digest_hour(ctx: Ctx) -> int:
    """When the weekly digest goes out (the campaign's reminder hour)."""
    campaign = ctx.services.campaign
    return campaign.reminder_defaults.hour if campaign is not None else DIGEST_HOUR


@router.command("start", "batdau", description=texts.CMD_START, registered_only=False)
async def start(ctx: Ctx) -> None:
    if ctx.who is not None:
        ctx.clear()
        template = (
            texts.ALREADY_REGISTERED_OTHER_CODE
            if ctx.args and invites.looks_like_code(ctx.args)
            else texts.ALREADY_REGISTERED
        )
        ctx.reply(template.format(role=texts.role_at(ctx.who.role, ctx.who.unit_name)))
        refresh_menu(ctx)  # /start is what people try when the bot looks wrong: repair the menu
        return
    if not ctx.args:
        ctx.goto(AWAIT_CODE)
        ctx.reply(texts.ASK_CODE)
        return
    await _try_code(ctx, ctx.args)


@router.state(AWAIT_CODE)
async def await_code(ctx: Ctx) -> None:
    if ctx.msg.kind not in (Kind.TEXT, Kind.CALLBACK) or not ctx.text:
        ctx.reply(texts.CODE_NOT_TEXT + "\n\n" + texts.ASK_CODE_AGAIN)
        return
    await _try_code(ctx, ctx.text)


@router.command("lienket", description=texts.CMD_LINK)
async def link(ctx: Ctx) -> None:
    who = ctx.who
    if who is None:  # the router lets only registered people in
        return
    code = await invites.create_link_code(
        ctx.conn,
        person_id=who.person_id,
        unit_id=who.unit_id,
        role=who.role,
        now=ctx.now(),
        ttl=LINK_CODE_TTL,
    )
    await audit.record(
        ctx.conn,
        actor=f"{ctx.msg.channel}:{ctx.msg.user_id}",
        action="link_code",
        entity="person",
        entity_id=who.person_id,
    )
    ctx.reply(texts.LINK_CODE.format(code=code, minutes=int(LINK_CODE_TTL.total_seconds() // 60)))


async def _try_code(ctx: Ctx, typed: str) -> None:
    msg, now = ctx.msg, ctx.now()
    throttle = await invites.get_throttle(ctx.conn, channel=msg.channel, chat_id=msg.chat_id)
    if (
        throttle
        and throttle.window_started + FAILURE_WINDOW < now
        and (throttle.blocked_until is None or throttle.blocked_until <= now)
    ):
        throttle = None  # an old streak of mistakes is forgiven
    if throttle and throttle.blocked_until and throttle.blocked_until > now:
        ctx.goto(AWAIT_CODE)
        if throttle.failures >= ctx.services.settings.invite_attempts_before_lockout:
            ctx.reply(texts.CODE_LOCKED.format(until=_fmt_time(throttle.blocked_until)))
        else:
            wait = int((throttle.blocked_until - now).total_seconds()) + 1
            ctx.reply(texts.CODE_SLOW_DOWN.format(seconds=wait))
        return

    malformed = not invites.looks_like_code(typed)
    outcome, info = (
        (Redeem.UNKNOWN, None)
        if malformed
        else await invites.check_code(ctx.conn, code=typed, now=now)
    )
    if outcome is Redeem.OK and info is not None:
        if not await invites.consume(ctx.conn, invite_id=info.invite_id, now=now):
            outcome = Redeem.USED  # someone else redeemed it a moment ago
        elif info.link_person_id is not None:
            await _link_account(ctx, info, info.link_person_id)
            return
        else:
            await _register(ctx, info)
            return
    await _refuse(ctx, outcome, malformed=malformed, throttle=throttle)


async def _register(ctx: Ctx, info: InviteInfo) -> None:
    msg = ctx.msg
    person_id = await create_person(
        ctx.conn,
        full_name=msg.display_name,
        unit_id=info.unit_id,
        role=info.role,
        channel=msg.channel,
        external_id=msg.user_id,
        chat_id=msg.chat_id,
        now=ctx.now(),
    )
    await _finish(ctx, info, person_id, action="register")
    if info.role == LEADER:
        ctx.reply(
            tl.welcome(
                name=msg.display_name,
                unit=info.unit_name,
                hour=_digest_hour(ctx),
                commands=commands_text(ctx),
            )
            + "\n\n"
            + texts.PRIVACY_NOTE
        )
        return
    ctx.reply(
        texts.WELCOME.format(
            name=f" {msg.display_name}" if msg.display_name else "",
            role=texts.role_at(info.role, info.unit_name),
            commands=commands_text(ctx),
        )
        + "\n\n"
        + texts.PRIVACY_NOTE
    )


async def _link_account(ctx: Ctx, info: InviteInfo, person_id: int) -> None:
    msg = ctx.msg
    await add_identity(
        ctx.conn,
        person_id=person_id,
        channel=msg.channel,
        external_id=msg.user_id,
        chat_id=msg.chat_id,
        display_name=msg.display_name,
    )
    await _finish(ctx, info, person_id, action="link")
    who = ctx.who
    ctx.reply(
        texts.LINKED.format(
            channel=texts.CHANNEL_LABELS.get(msg.channel, msg.channel),
            name=who.full_name if who else msg.display_name,
            role=texts.role_at(info.role, info.unit_name),
        )
    )


async def _finish(ctx: Ctx, info: InviteInfo, person_id: int, *, action: str) -> None:
    msg = ctx.msg
    await invites.set_used_by(ctx.conn, invite_id=info.invite_id, person_id=person_id)
    await invites.clear_throttle(ctx.conn, channel=msg.channel, chat_id=msg.chat_id)
    await audit.record(
        ctx.conn,
        actor=f"{msg.channel}:{msg.user_id}",
        action=action,
        entity="person",
        entity_id=person_id,
        new={"unit_id": info.unit_id, "role": info.role, "channel": msg.channel},
    )
    ctx.clear()
    ctx.who = await find_identity(ctx.conn, channel=msg.channel, external_id=msg.user_id)
    refresh_menu(ctx, new_account=True)  # the role's commands in this chat's menu


async def _refuse(ctx: Ctx, outcome: Redeem, *, malformed: bool, throttle: Throttle | None) -> None:
    msg, now, settings = ctx.msg, ctx.now(), ctx.services.settings
    failures = (throttle.failures if throttle else 0) + 1
    window = throttle.window_started if throttle else now
    blocked_until = None
    if failures >= settings.invite_attempts_before_lockout:
        blocked_until = now + timedelta(minutes=settings.invite_lockout_minutes)
    elif failures >= settings.invite_attempts_before_delay:
        blocked_until = now + timedelta(seconds=SLOW_DOWN_SECONDS)
    await invites.save_throttle(
        ctx.conn,
        channel=msg.channel,
        chat_id=msg.chat_id,
        value=Throttle(failures, window, blocked_until),
    )
    reason = {
        Redeem.UNKNOWN: texts.CODE_MALFORMED if malformed else texts.CODE_UNKNOWN,
        Redeem.USED: texts.CODE_USED,
        Redeem.EXPIRED: texts.CODE_EXPIRED,
        Redeem.UNIT_CLOSED: texts.CODE_UNIT_CLOSED,
    }[outcome]
    ctx.goto(AWAIT_CODE)
    if blocked_until is not None and failures >= settings.invite_attempts_before_lockout:
        ctx.reply(reason + "\n\n" + texts.CODE_LOCKED.format(until=_fmt_time(blocked_until)))
    elif blocked_until is not None:
        ctx.reply(reason + "\n\n" + texts.CODE_SLOW_DOWN.format(seconds=SLOW_DOWN_SECONDS))
    else:
        ctx.reply(reason + "\n\n" + texts.ASK_CODE_AGAIN)
