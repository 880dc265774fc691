"""Help, menu, cancel, and what to say to anything the bot does not expect."""

from __future__ import annotations

from core.conversation import FORM, Ctx, Router
from core.messages import Choice, Kind
from core.texts import common as texts

router = Router()

#: Limits of what one reply holds (issue 13). A list shows at most `PAGE_SIZE` entries, then a
#: "Xem tiếp" choice; a reply of the main flows stays within `MAX_REPLY_CHARS` characters, so
#: it is one Zalo message (2,000) with room to spare; an error is at most `MAX_ERROR_LINES`.
PAGE_SIZE = 10
MAX_REPLY_CHARS = 1500
MAX_ERROR_LINES = 2


def page_arg(args: str, word: str = "trang") -> int | None:
    """The page asked for by `trang N` in a command's arguments (None: not a page request)."""
    head, _, rest = args.strip().partition(" ")
    if head.lower() != word or not rest.strip().isdigit():
        return None
    return max(1, int(rest.strip()))


def _menu_router(ctx: Ctx) -> Router:
    if ctx.services.router is None:
        raise RuntimeError("Services.router is not set")
    return ctx.services.router


def menu_choices(ctx: Ctx) -> list[Choice]:
    """The commands this person may use, as choices (numbered on every channel)."""
    root = _menu_router(ctx)
    return [
        Choice(c.description, f"/{c.name}")
        for c in root.menu(ctx.who)
        if c.name not in ("start", "huy", "menu")
    ]


def commands_text(ctx: Ctx) -> str:
    root = _menu_router(ctx)
    return texts.commands_list(
        [(c.name, c.description) for c in root.menu(ctx.who) if c.name != "start"]
    )


@router.command("trogiup", "help", "huongdan", description=texts.CMD_HELP, registered_only=False)
async def help_(ctx: Ctx) -> None:
    who = ctx.who
    if who is None:
        ctx.reply(texts.HELP_UNREGISTERED)
        return
    ctx.reply(
        texts.HELP_REGISTERED.format(
            name=who.full_name or "(chưa có tên)",
            role=texts.role_at(who.role, who.unit_name),
            channel=texts.CHANNEL_LABELS.get(ctx.msg.channel, ctx.msg.channel),
            commands=commands_text(ctx),
        )
    )


@router.command("menu", description=texts.CMD_MENU, in_menu=False)
async def menu(ctx: Ctx) -> None:
    ctx.reply(texts.MENU, menu_choices(ctx))


@router.command("huy", "cancel", description=texts.CMD_CANCEL, registered_only=False)
async def cancel(ctx: Ctx) -> None:
    had, parked = bool(ctx.state), ctx.state == FORM
    ctx.clear()
    if parked:
        ctx.reply(texts.CANCELLED_DRAFT_KEPT)
    else:
        ctx.reply(texts.CANCELLED if had else texts.NOTHING_TO_CANCEL)


router.cancel = cancel


async def unregistered(ctx: Ctx) -> None:
    ctx.reply(texts.NOT_REGISTERED)


async def forbidden(ctx: Ctx) -> None:
    role = ctx.who.role if ctx.who else ""
    ctx.reply(texts.FORBIDDEN.format(role=texts.ROLE_LABELS.get(role, role)))


async def fallback(ctx: Ctx) -> None:
    if ctx.who is None:
        ctx.reply(texts.NOT_UNDERSTOOD_UNREGISTERED)
        return
    if ctx.msg.kind not in (Kind.TEXT, Kind.CALLBACK):
        ctx.reply(texts.NON_TEXT_IDLE)
        return
    ctx.reply(texts.NOT_UNDERSTOOD, menu_choices(ctx))


router.unregistered = unregistered
router.forbidden = forbidden
router.fallback = fallback
