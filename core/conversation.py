"""The channel-neutral conversation engine: a context per update, and a router.

A handler is an async function of `Ctx`. It reads and writes through the storage queries on
`ctx.conn` (the update's own transaction), moves the chat between states with `ctx.goto`, and
answers with `ctx.reply`. Everything it does commits together with marking the update handled.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection

from core.dates import local_date
from core.identity import Identity
from core.messages import Attachment, Choice, Incoming, Kind, Reply, typed_as_values, typed_as_words
from core.settings import Settings
from core.vntext import fold

if TYPE_CHECKING:
    from core.campaign import Campaign as CampaignDef

Handler = Callable[["Ctx"], Awaitable[None]]
AfterCommit = Callable[[], Awaitable[None]]

OFFERED = "_offered"  # state data key: the values of the choices last shown, for "1", "2"…
FORM = "form"  # the state (and data key) of a form being filled in
DRAFTS = "drafts"  # data key: half-filled forms, by draft key, kept across /huy and restarts


class ChatMenus(Protocol):
    """One messenger's per-chat command menus, as handlers see them (`bot.menus.ChatMenus`
    implements it; handlers ask through `refresh_menu`)."""

    def own_menu(self, role: str) -> list[tuple[str, str]] | None:
        """The role's menu, if it is not the default one."""
        ...

    async def refresh(self, chat_id: str) -> None:
        """Queue the chat: its menu is brought in line with its person's role."""
        ...


@dataclass
class Services:
    """What handlers may use besides the database: configuration, the campaign, the clock."""

    settings: Settings
    campaign_id: str
    clock: Callable[[], datetime]
    router: Router | None = None
    bot_username: str = ""
    campaign: CampaignDef | None = None
    menus: dict[str, ChatMenus] = field(default_factory=dict)  # by channel; messengers with menus
    # The pipeline's `receive`: work finished after a commit continues a conversation by
    # feeding it a `Kind.INTERNAL` update (None without a pipeline, e.g. in unit tests).
    feed: Callable[[Sequence[Incoming]], Awaitable[int]] | None = None

    def definition(self) -> CampaignDef:
        """The campaign being run (loaded at start-up)."""
        if self.campaign is None:
            raise RuntimeError("no campaign loaded")
        return self.campaign


@dataclass
class Ctx:
    """One update being handled."""

    msg: Incoming
    conn: AsyncConnection
    services: Services
    who: Identity | None
    state: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    replies: list[Reply] = field(default_factory=list)
    notices: list[tuple[str, str, Reply]] = field(default_factory=list)  # to other chats
    text: str = ""  # the message text, or the chosen option's value
    args: str = ""  # what follows a command
    committed: list[AfterCommit] = field(default_factory=list)  # see `after_commit`

    def reply(
        self,
        text: str,
        choices: list[Choice] | tuple[Choice, ...] = (),
        *,
        attachment: Attachment | None = None,
    ) -> None:
        self.replies.append(Reply(text=text, choices=tuple(choices), attachment=attachment))
        if choices and typed_as_words(choices):  # typed as words: "1" is not a position
            self.data[OFFERED] = [[c.label, c.value, c.typed] for c in choices]
        elif choices:
            self.data[OFFERED] = [[c.label, c.value] for c in choices]
        else:
            self.data.pop(OFFERED, None)

    def notify(self, channel: str, chat_id: str, text: str) -> None:
        """A message to another person's chat, committed with this update, sent after it."""
        self.notices.append((channel, chat_id, Reply(text=text)))

    def after_commit(self, hook: AfterCommit) -> None:
        """Run `hook` once this update is committed, never if it rolls back: the place for
        calls outside the database (a messenger's API). Hooks must be quick: queue the work."""
        self.committed.append(hook)

    def goto(self, state: str, **data: Any) -> None:
        """Move to `state`, keeping the data gathered so far and adding `data`."""
        self.state = state
        self.data.update(data)

    def clear(self) -> None:
        """Leave any conversation; a half-filled form is parked in `drafts`, never dropped."""
        drafts = dict(self.data.get(DRAFTS) or {})
        form = self.data.get(FORM)
        if self.state == FORM and isinstance(form, dict) and form.get("draft_key"):
            drafts[str(form["draft_key"])] = form
        self.state = ""
        self.data = {DRAFTS: drafts} if drafts else {}

    def now(self) -> datetime:
        """The moment (UTC) from the one clock, `Services.clock`."""
        return self.services.clock()

    @property
    def campaign(self) -> CampaignDef:
        """The campaign being run."""
        return self.services.definition()

    @property
    def campaign_id(self) -> str:
        """The id the campaign's rows are stored under."""
        return self.services.campaign_id

    @property
    def tz(self) -> ZoneInfo:
        """The campaign's time zone."""
        return ZoneInfo(self.campaign.campaign.timezone)

    def today(self) -> date:
        """Today in the campaign's time zone: the clock read through `core.dates.local_date`."""
        return local_date(self.now(), self.tz)


@dataclass(frozen=True)
class Command:
    """A command: who may use it, and how the menu and help describe it."""

    name: str
    handler: Handler
    description: str
    aliases: tuple[str, ...] = ()
    registered_only: bool = True
    roles: frozenset[str] | None = None  # None: every registered role
    in_menu: bool = True
    #: Unit kinds whose people see it in menus and help (None: every kind); others may still
    #: type it and are told why it is not for them.
    unit_kinds: frozenset[str] | None = None


class Router:
    """Commands by name, conversation states by name."""

    def __init__(self) -> None:
        self.commands: dict[str, Command] = {}
        self.by_alias: dict[str, Command] = {}
        self.states: dict[str, Handler] = {}
        self.fallback: Handler | None = None
        self.cancel: Handler | None = None
        self.unregistered: Handler | None = None
        self.forbidden: Handler | None = None

    def command(
        self,
        name: str,
        *aliases: str,
        description: str,
        registered_only: bool = True,
        roles: frozenset[str] | None = None,
        in_menu: bool = True,
        unit_kinds: frozenset[str] | None = None,
    ) -> Callable[[Handler], Handler]:
        def deco(fn: Handler) -> Handler:
            cmd = Command(
                name, fn, description, aliases, registered_only, roles, in_menu, unit_kinds
            )
            self.commands[name] = cmd
            for word in (name, *aliases):
                self.by_alias[word] = cmd
            return fn

        return deco

    def hide_from_menu(self, name: str) -> None:
        """Keep the command working but out of menus and help."""
        cmd = self.commands[name]
        hidden = dataclasses.replace(cmd, in_menu=False)
        self.commands[name] = hidden
        for word in (cmd.name, *cmd.aliases):
            self.by_alias[word] = hidden

    def state(self, name: str) -> Callable[[Handler], Handler]:
        def deco(fn: Handler) -> Handler:
            self.states[name] = fn
            return fn

        return deco

    def include(self, other: Router) -> None:
        for cmd in other.commands.values():
            self.commands[cmd.name] = cmd
        self.by_alias.update(other.by_alias)
        self.states.update(other.states)
        for attr in ("fallback", "cancel", "unregistered", "forbidden"):
            if getattr(other, attr) is not None:
                setattr(self, attr, getattr(other, attr))

    def menu(self, who: Identity | None) -> list[Command]:
        """The commands this person may use, in registration order (a command for some unit
        kinds only is listed to people of those units)."""
        return [
            c
            for c in self.commands.values()
            if c.in_menu
            and self.allowed(c, who)
            and (c.unit_kinds is None or (who is not None and who.unit_kind in c.unit_kinds))
        ]

    @staticmethod
    def allowed(cmd: Command, who: Identity | None) -> bool:
        if not cmd.registered_only:
            return True
        if who is None:
            return False
        return cmd.roles is None or who.role in cmd.roles

    def parse_command(self, text: str, *, idle: bool) -> tuple[Command, str] | None:
        """`/start ABC` (or, when no conversation is open, a bare command word)."""
        stripped = text.strip()
        if stripped.startswith("/"):
            word, _, args = stripped[1:].partition(" ")
            word = word.split("@", 1)[0].lower()
            cmd = self.by_alias.get(word)
            return (cmd, args.strip()) if cmd else None
        if idle:
            word, _, args = fold(stripped).partition(" ")
            cmd = self.by_alias.get(word)
            if cmd is not None:
                return cmd, stripped.partition(" ")[2].strip()
        return None

    async def dispatch(self, ctx: Ctx) -> None:
        """Route one update: a chosen option, a command, the open conversation, or help."""
        msg = ctx.msg
        if msg.kind is Kind.INTERNAL:  # only ever for the form that asked for it (if open)
            if ctx.state == FORM and FORM in self.states:
                await self.states[FORM](ctx)
            return
        ctx.text = msg.text.strip() if msg.kind in (Kind.TEXT, Kind.CALLBACK) else ""
        if msg.kind is Kind.TEXT:
            ctx.text = _pick_offered(ctx.text, ctx.data.get(OFFERED))
        if ctx.text and fold(ctx.text) in CANCEL_WORDS and self.cancel is not None:
            await self.cancel(ctx)
            return
        parsed = self.parse_command(ctx.text, idle=not ctx.state) if ctx.text else None
        if parsed is not None:
            cmd, ctx.args = parsed
            if not self.allowed(cmd, ctx.who):
                handler = self.unregistered if ctx.who is None else self.forbidden
                if handler is not None:
                    await handler(ctx)
                return
            was_form = ctx.state == FORM
            await cmd.handler(ctx)
            if was_form and ctx.state != FORM:
                _park_form(ctx)  # another conversation began: keep the form as a draft
            return
        if ctx.state and ctx.state in self.states:
            await self.states[ctx.state](ctx)
            return
        if ctx.state:  # a state from an older version of the bot: start afresh
            ctx.clear()
        if self.fallback is not None:
            await self.fallback(ctx)


def _park_form(ctx: Ctx) -> None:
    form = ctx.data.pop(FORM, None)
    if isinstance(form, dict) and form.get("draft_key"):
        drafts = dict(ctx.data.get(DRAFTS) or {})
        drafts.setdefault(str(form["draft_key"]), form)
        ctx.data[DRAFTS] = drafts


CANCEL_WORDS = frozenset({"huy", "/huy", "/cancel", "cancel", "thoat"})


def _pick_offered(text: str, offered: Any) -> str:
    """Map `2` or an option's label (any case, with or without diacritics) to its value."""
    if not offered:
        return text
    if text.isdigit() and any(len(o) > 2 for o in offered):
        return text  # options typed as words: a number is for the screen's own handler
    if text.isdigit() and typed_as_values([str(label) for label, *_ in offered]):
        for label, value, *_ in offered:  # the options are values: "4" is 4, never option 4
            if str(label) == text:
                return str(value)
        return text
    if text.isdigit():
        idx = int(text) - 1
        if 0 <= idx < len(offered):
            return str(offered[idx][1])
        return text
    folded = fold(text)
    for label, value, *_ in offered:
        if fold(str(label)) == folded:
            return str(value)
    return text


def refresh_menu(ctx: Ctx, *, new_account: bool = False) -> None:
    """Once this update commits, bring the writer's chat menu in line with their role.

    `new_account`: the account has just registered or been linked, so it has no menu of
    ours yet, and a role with the default menu needs no call at all."""
    menus = ctx.services.menus.get(ctx.msg.channel)
    if menus is None:  # the messenger has no command menus
        return
    if new_account and ctx.who is not None and menus.own_menu(ctx.who.role) is None:
        return
    ctx.after_commit(partial(menus.refresh, ctx.msg.chat_id))
