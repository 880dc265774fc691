"""What the command menus read: the role behind a chat, and the chats whose role has a menu of
its own (`bot.menus` sets the menus; a person's role is their first active membership's)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql import Subquery

from storage.models import ChatIdentity, Membership, table

_C = table(ChatIdentity)
_M = table(Membership)


def _first_membership() -> Subquery:
    """Each person's first active membership: the role `find_identity` gives them."""
    return (
        select(_M.c.person_id, func.min(_M.c.id).label("membership_id"))
        .where(_M.c.active.is_(True))
        .group_by(_M.c.person_id)
        .subquery()
    )


async def role_of_chat(conn: AsyncConnection, *, channel: str, chat_id: str) -> str | None:
    """The role of the person behind the chat, or None if nobody holds one there."""
    first = _first_membership()
    q = (
        select(_M.c.role)
        .select_from(
            _C.join(first, first.c.person_id == _C.c.person_id).join(
                _M, _M.c.id == first.c.membership_id
            )
        )
        .where(_C.c.channel == channel, _C.c.chat_id == chat_id)
        .order_by(_C.c.id)
        .limit(1)
    )
    return (await conn.execute(q)).scalar_one_or_none()


async def chats_with_roles(
    conn: AsyncConnection, *, channel: str, roles: Sequence[str]
) -> list[str]:
    """The active chats on `channel` whose person's role is one of `roles`."""
    if not roles:
        return []
    first = _first_membership()
    q = (
        select(_C.c.chat_id)
        .select_from(
            _C.join(first, first.c.person_id == _C.c.person_id).join(
                _M, _M.c.id == first.c.membership_id
            )
        )
        .where(_C.c.channel == channel, _C.c.active.is_(True), _M.c.role.in_(list(roles)))
        .order_by(_C.c.id)
    )
    return [str(r[0]) for r in await conn.execute(q)]
