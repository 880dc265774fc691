"""Registration: `/start CODE`, the deep link, or `/start` and then the code.

Wrong codes are counted per chat: after a few the chat must wait between tries, after more
it is refused for a while. A code is consumed atomically, so two people racing for one code
cannot both get it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.conversation import Ctx, Router
from bot.messages import Kind
from handlers import texts
from handlers.common import commands_text
from storage.queries import audit, invites
from storage.queries.invites import Redeem, Throttle
from storage.queries.people import create_person, find_identity

router = Router()

AWAIT_CODE = "reg.await_code"
FAILURE_WINDOW = timedelta(hours=1)
SLOW_DOWN_SECONDS = 30


def _fmt_time(ctx: Ctx, when: datetime) -> str:
    from zoneinfo import ZoneInfo

    local = when.astimezone(ZoneInfo("Asia/Ho_Chi_Minh"))
    return local.strftime("%H:%M ngày %d/%m/%Y")


@router.command("start", "batdau", description=texts.CMD_START, registered_only=False)
async def start(ctx: Ctx) -> None:
    if ctx.who is not None:
        ctx.clear()
        if ctx.args and invites.looks_like_code(ctx.args):
            ctx.reply(
                texts.ALREADY_REGISTERED_OTHER_CODE.format(
                    role=texts.ROLE_LABELS[ctx.who.role], unit=ctx.who.unit_name
                )
            )
        else:
            ctx.reply(
                texts.ALREADY_REGISTERED.format(
                    role=texts.ROLE_LABELS[ctx.who.role], unit=ctx.who.unit_name
                )
            )
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


async def _try_code(ctx: Ctx, typed: str) -> None:
    msg, now, settings = ctx.msg, ctx.now(), ctx.services.settings
    throttle = await invites.get_throttle(ctx.conn, channel=msg.channel, chat_id=msg.chat_id)
    if (
        throttle
        and throttle.window_started + FAILURE_WINDOW < now
        and (throttle.blocked_until is None or throttle.blocked_until <= now)
    ):
        throttle = None  # an old streak of mistakes is forgiven
    if throttle and throttle.blocked_until and throttle.blocked_until > now:
        ctx.goto(AWAIT_CODE)
        if throttle.failures >= settings.invite_attempts_before_lockout:
            ctx.reply(texts.CODE_LOCKED.format(until=_fmt_time(ctx, throttle.blocked_until)))
        else:
            wait = int((throttle.blocked_until - now).total_seconds()) + 1
            ctx.reply(texts.CODE_SLOW_DOWN.format(seconds=wait))
        return

    if not invites.looks_like_code(typed):
        outcome, info = Redeem.UNKNOWN, None
        malformed = True
    else:
        outcome, info = await invites.check_code(ctx.conn, code=typed, now=now)
        malformed = False

    if (
        outcome is Redeem.OK
        and info is not None
        and not await invites.consume(ctx.conn, invite_id=info.invite_id, now=now)
    ):
        outcome = Redeem.USED  # someone else redeemed it a moment ago
    if outcome is Redeem.OK and info is not None:
        person_id = await create_person(
            ctx.conn,
            full_name=msg.display_name,
            unit_id=info.unit_id,
            role=info.role,
            channel=msg.channel,
            external_id=msg.user_id,
            chat_id=msg.chat_id,
        )
        await invites.set_used_by(ctx.conn, invite_id=info.invite_id, person_id=person_id)
        await invites.clear_throttle(ctx.conn, channel=msg.channel, chat_id=msg.chat_id)
        await audit.record(
            ctx.conn,
            actor=f"{msg.channel}:{msg.user_id}",
            action="register",
            entity="person",
            entity_id=person_id,
            new={"unit_id": info.unit_id, "role": info.role, "channel": msg.channel},
        )
        ctx.clear()
        ctx.who = await find_identity(ctx.conn, channel=msg.channel, external_id=msg.user_id)
        ctx.reply(
            texts.WELCOME.format(
                name=f" {msg.display_name}" if msg.display_name else "",
                role=texts.ROLE_LABELS[info.role],
                unit=info.unit_name,
                commands=commands_text(ctx),
            )
        )
        return

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
        ctx.reply(reason + "\n\n" + texts.CODE_LOCKED.format(until=_fmt_time(ctx, blocked_until)))
    elif blocked_until is not None:
        ctx.reply(reason + "\n\n" + texts.CODE_SLOW_DOWN.format(seconds=SLOW_DOWN_SECONDS))
    else:
        ctx.reply(reason + "\n\n" + texts.ASK_CODE_AGAIN)
