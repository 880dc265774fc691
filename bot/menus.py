"""Each person's command menu lists the commands of their role (Telegram; Zalo has no menu).

The default menu (no scope) is what unregistered people and units' reporters see. A role whose
commands differ from it (an admin's, a city leader's, a unit head's) gets a menu of its own in
each of its people's private chats (`BotCommandScopeChat`). Every list comes from the router, so a
role's menu never offers what the router refuses that role.

Menus are set outside the database transaction, by one background worker per messenger:

- a handler asks with `core.conversation.refresh_menu(ctx)`; the pipeline runs the
  request after the update commits (`Ctx.after_commit`), and the worker reads the chat's
  role from the database then, so a request is idempotent and the latest state wins;
- at start-up the worker queues every active chat whose role has a menu of its own, which
  repairs whatever a crash or a long outage left undone;
- each call counts against the messenger's global rate; a transient failure is retried with
  backoff, then again a few minutes later.

A handler that changes someone's role (none does yet) would queue `menus.refresh(chat_id)`
for each of that person's chats: a chat whose role has the default menu loses its own one.
A chat that blocked the bot (marked inactive after a 403) keeps its menu: the person keeps
their role and the chat is active again when they write, so the menu is right when they come
back; Telegram shows a blocked chat nothing meanwhile. Only the start-up pass skips such chats.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Protocol

from core.channel import Rejected, RetryAfter, Transient, Unreachable
from core.conversation import Router
from core.ratelimit import ChannelLimiter
from storage.db import Database
from storage.models import Role
from storage.queries.menus import chats_with_roles, role_of_chat

log = logging.getLogger(__name__)

Menu = list[tuple[str, str]]  # (command, description), in the router's order

MAX_COMMANDS = 100  # Telegram's limits
MAX_DESCRIPTION = 256
MAX_ATTEMPTS = 4
FIRST_BACKOFF_SECONDS = 0.5
RETRY_LATER_SECONDS = 300.0
MAX_RETRY_AFTER = 60.0

def default_menu(router: Router) -> Menu:
    """The menu without scope: a focal point's commands (most people; deputies have the same,
    and everything an unregistered person may use is in it). Admins', leaders' and heads'
    commands differ, so their chats get a menu of their own."""
    return role_menu(router, Role.FOCAL.value)


def role_menu(router: Router, role: str) -> Menu:
    """The commands the router lets a person of `role` use, as `Router.menu` lists them."""
    return [
        (c.name, c.description)
        for c in router.commands.values()
        if c.in_menu and (not c.registered_only or c.roles is None or role in c.roles)
    ]


def known_roles(router: Router) -> list[str]:
    """Every role a person can hold or a command names."""
    named = {r for c in router.commands.values() for r in (c.roles or ())}
    return sorted({r.value for r in Role} | named)


class MenuChannel(Protocol):
    """A messenger with per-chat command menus."""

    name: str

    async def set_chat_commands(self, chat_id: str, commands: Sequence[tuple[str, str]]) -> None:
        """Give the chat its own menu."""
        ...

    async def delete_chat_commands(self, chat_id: str) -> None:
        """Drop the chat's own menu (the default one shows again)."""
        ...


class ChatMenus:
    """Per-chat menus on one messenger: who needs one, and the worker that sets them."""

    def __init__(
        self,
        *,
        db: Database,
        router: Router,
        channel: MenuChannel,
        limiter: ChannelLimiter | None = None,
        backoff: float = FIRST_BACKOFF_SECONDS,
        retry_later: float = RETRY_LATER_SECONDS,
    ) -> None:
        self.db = db
        self.channel = channel
        self.limiter = limiter
        self.backoff = backoff
        self.retry_later = retry_later
        self.default = default_menu(router)
        # Only roles whose list differs need calls: the others see the default menu.
        self.by_role: dict[str, Menu] = {
            role: menu
            for role in known_roles(router)
            if (menu := role_menu(router, role)) != self.default
        }
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._queued: set[str] = set()

    def own_menu(self, role: str) -> Menu | None:
        """The role's menu, if it is not the default one."""
        return self.by_role.get(role)

    async def refresh(self, chat_id: str) -> None:
        """Queue the chat: its menu is brought in line with its person's role (quick)."""
        self._enqueue(chat_id)

    def _enqueue(self, chat_id: str) -> None:
        if chat_id not in self._queued:
            self._queued.add(chat_id)
            self._queue.put_nowait(chat_id)

    async def run(self) -> None:
        """The start-up pass, then every queued chat; until cancelled."""
        try:
            async with self.db.read() as conn:
                chats = await chats_with_roles(
                    conn, channel=self.channel.name, roles=sorted(self.by_role)
                )
        except Exception:  # the worker still serves requests; the next start retries
            log.exception("command menus: could not list the chats that need one")
            chats = []
        for chat_id in chats:
            self._enqueue(chat_id)
        log.info("command menus: %d %s chat(s) to set", len(chats), self.channel.name)
        while True:
            chat_id = await self._queue.get()
            self._queued.discard(chat_id)  # a request from now on is served again, after this
            try:
                await self._sync(chat_id)
            except Exception:  # e.g. the database is away: the next start repairs it
                log.exception("command menu of chat %s not set", chat_id)

    async def _sync(self, chat_id: str) -> None:
        async with self.db.read() as conn:
            role = await role_of_chat(conn, channel=self.channel.name, chat_id=chat_id)
        menu = self.by_role.get(role) if role is not None else None
        call: Callable[[], Awaitable[None]] = (
            partial(self.channel.delete_chat_commands, chat_id)
            if menu is None
            else partial(self.channel.set_chat_commands, chat_id, menu)
        )
        if not await self._attempt(call, chat_id):
            # Still failing: try once more later (and the next start repairs it anyway).
            asyncio.get_running_loop().call_later(self.retry_later, self._enqueue, chat_id)

    async def _attempt(self, call: Callable[[], Awaitable[None]], chat_id: str) -> bool:
        """True once done or not worth retrying; False while the messenger keeps failing."""
        delay = self.backoff
        for attempt in range(1, MAX_ATTEMPTS + 1):
            if attempt > 1:
                await asyncio.sleep(delay)
                delay *= 2
            if self.limiter is not None:  # shares the messenger's budget with messages
                await self.limiter.acquire_global()
            try:
                await call()
            except RetryAfter as exc:
                delay = max(delay, min(exc.retry_after, MAX_RETRY_AFTER))
            except Transient as exc:
                log.warning("command menu of chat %s, attempt %d: %s", chat_id, attempt, exc)
            except (Unreachable, Rejected) as exc:  # blocked, unknown chat, or our bug
                log.warning("command menu of chat %s refused: %s", chat_id, exc)
                return True
            else:
                return True
        return False
