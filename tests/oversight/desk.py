"""Talking to the real router directly (no messenger in between), for fast handler tests.

A `Desk` handles each message as the pipeline does — one transaction: find who is writing,
load their conversation state, dispatch, keep the state — and returns what the bot said to
that person and to others (`notify`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from core.conversation import Ctx, Router, Services
from core.messages import Incoming, Kind, Reply
from storage.db import Database
from storage.queries.people import find_identity


@dataclass(frozen=True)
class Account:
    channel: str
    external_id: str


@dataclass
class Said:
    replies: list[Reply]
    notices: list[tuple[str, str, Reply]]

    @property
    def text(self) -> str:
        return "\n\n".join(r.text for r in self.replies)

    @property
    def last(self) -> Reply:
        return self.replies[-1]

    def value(self, label_part: str) -> str:
        """The value of the offered choice whose label holds `label_part`."""
        for r in reversed(self.replies):
            for c in r.choices:
                if label_part in c.label:
                    return c.value
        raise AssertionError(f"no choice with {label_part!r} in {self.replies!r}")


@dataclass
class Desk:
    db: Database
    services: Services
    router: Router
    states: dict[tuple[str, str], tuple[str, dict[str, Any]]] = field(default_factory=dict)
    _keys: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def send(self, who: Account, text: str, *, callback: bool = False) -> Said:
        msg = Incoming(
            channel=who.channel,
            update_key=f"u{next(self._keys)}",
            chat_id=who.external_id,
            user_id=who.external_id,
            kind=Kind.CALLBACK if callback else Kind.TEXT,
            text=text,
        )
        key = (who.channel, who.external_id)
        state, data = self.states.get(key, ("", {}))
        async with self.db.transaction() as conn:
            identity = await find_identity(conn, channel=who.channel, external_id=who.external_id)
            ctx = Ctx(
                msg=msg,
                conn=conn,
                services=self.services,
                who=identity,
                state=state,
                data=dict(data),
            )
            await self.router.dispatch(ctx)
        self.states[key] = (ctx.state, ctx.data)
        for hook in ctx.committed:  # as the pipeline does, once the update is committed
            await hook()
        return Said(list(ctx.replies), list(ctx.notices))

    def state_of(self, who: Account) -> str:
        return self.states.get((who.channel, who.external_id), ("", {}))[0]
