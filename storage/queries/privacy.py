"""A person's personal data: who is registered (for the operator), and erasing it on request.

Erasing (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15) keeps the `person` row, renamed
"Người dùng đã xóa #ID", so that the unit's reports, initiatives, documents and the audit trail
keep pointing at it; everything that identifies the person goes: the name, every messenger
account (ids, chat ids, display names), the conversation state and wrong-code counts of those
chats, what they typed (the stored updates' contents) and the replies' contents, unsent
reminders, unused link codes. Without a messenger account the person can no longer act: a later
message from that chat is a stranger's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.models import (
    AuditLog,
    ChatIdentity,
    ConversationState,
    InboxUpdate,
    InviteCode,
    InviteThrottle,
    Membership,
    OutboxMessage,
    Person,
    Reminder,
    Unit,
    table,
)

_P = table(Person)
_M = table(Membership)
_C = table(ChatIdentity)
_U = table(Unit)
_A = table(AuditLog)
_S = table(ConversationState)
_T = table(InviteThrottle)
_I = table(InboxUpdate)
_O = table(OutboxMessage)
_R = table(Reminder)
_IC = table(InviteCode)

FORGOTTEN_NAME = "Người dùng đã xóa #{id}"


def forgotten_name(person_id: int) -> str:
    return FORGOTTEN_NAME.format(id=person_id)


@dataclass(frozen=True, slots=True)
class PersonLine:
    person_id: int
    full_name: str
    units: list[tuple[str, str, bool]]  # (unit code, role, active)
    accounts: list[tuple[str, str]]  # (channel, chat id)


@dataclass(frozen=True, slots=True)
class Account:
    channel: str
    external_id: str
    chat_id: str


@dataclass(frozen=True, slots=True)
class Forgotten:
    person_id: int
    old_name: str
    accounts: list[Account]


async def list_people(
    conn: AsyncConnection, *, campaign_id: str, unit_code: str | None = None
) -> list[PersonLine]:
    """Registered people (of one unit, if given), by id, with their units and accounts."""
    q = (
        select(_P.c.id, _P.c.full_name, _U.c.code, _M.c.role, _M.c.active)
        .select_from(_P.join(_M, _M.c.person_id == _P.c.id).join(_U, _U.c.id == _M.c.unit_id))
        .where(_U.c.campaign_id == campaign_id)
        .order_by(_P.c.id, _M.c.id)
    )
    if unit_code is not None:
        q = q.where(_U.c.code == unit_code)
    people: dict[int, PersonLine] = {}
    for pid, name, code, role, active in await conn.execute(q):
        line = people.setdefault(pid, PersonLine(pid, name, [], []))
        line.units.append((code, role, bool(active)))
    if people:
        accounts = select(_C.c.person_id, _C.c.channel, _C.c.chat_id).where(
            _C.c.person_id.in_(sorted(people))
        )
        for pid, channel, chat_id in await conn.execute(accounts.order_by(_C.c.id)):
            people[pid].accounts.append((channel, chat_id))
    return list(people.values())


async def person_name(conn: AsyncConnection, person_id: int) -> str | None:
    return (await conn.execute(select(_P.c.full_name).where(_P.c.id == person_id))).scalar()


async def forget_person(
    conn: AsyncConnection, *, person_id: int, now: datetime, actor: str
) -> Forgotten | None:
    """Erase a person's personal data, inside the caller's transaction (None: no such person).
    The accounts are returned so that the caller can remove the person's staged files."""
    name = await person_name(conn, person_id)
    if name is None:
        return None
    accounts = [
        Account(ch, ext, chat)
        for ch, ext, chat in await conn.execute(
            select(_C.c.channel, _C.c.external_id, _C.c.chat_id).where(_C.c.person_id == person_id)
        )
    ]
    if accounts:
        await conn.execute(
            delete(_S).where(
                or_(*(and_(_S.c.channel == a.channel, _S.c.chat_id == a.chat_id) for a in accounts))
            )
        )
        await conn.execute(
            delete(_T).where(
                or_(*(and_(_T.c.channel == a.channel, _T.c.chat_id == a.chat_id) for a in accounts))
            )
        )
        inbox_chats = or_(
            *(and_(_I.c.channel == a.channel, _I.c.chat_id == a.chat_id) for a in accounts)
        )
        # What they typed goes; the rows stay (replies point at them), as handled.
        await conn.execute(
            update(_I)
            .where(inbox_chats, _I.c.status == "pending")
            .values(status="failed", error="forgotten", handled_at=now)
        )
        await conn.execute(update(_I).where(inbox_chats).values(payload={}, chat_id=""))
        outbox_chats = or_(
            *(and_(_O.c.channel == a.channel, _O.c.chat_id == a.chat_id) for a in accounts)
        )
        await conn.execute(
            update(_O)
            .where(outbox_chats, _O.c.status != "sent")
            .values(status="failed", error="forgotten", claimed_by=None, claimed_until=None)
        )
        await conn.execute(update(_O).where(outbox_chats).values(payload={}, chat_id=""))
        # The audit trail keeps the person's acts, under the anonymised row's id.
        await conn.execute(
            update(_A)
            .where(_A.c.actor.in_(sorted({f"{a.channel}:{a.external_id}" for a in accounts})))
            .values(actor=f"person:{person_id}")
        )
    await conn.execute(delete(_C).where(_C.c.person_id == person_id))
    await conn.execute(
        update(_R)
        .where(_R.c.person_id == person_id, _R.c.state == "planned")
        .values(state="cancelled", error="forgotten")
    )
    await conn.execute(
        update(_IC)
        .where(_IC.c.link_person_id == person_id, _IC.c.used_at.is_(None))
        .values(expires_at=now)
    )
    await conn.execute(update(_M).where(_M.c.person_id == person_id).values(active=False))
    await conn.execute(
        update(_P).where(_P.c.id == person_id).values(full_name=forgotten_name(person_id))
    )
    await conn.execute(
        _A.insert().values(
            at=now,
            actor=actor,
            action="forget",
            entity="person",
            entity_id=str(person_id),
            old=None,
            new={"accounts": len(accounts)},
        )
    )
    return Forgotten(person_id, name, accounts)
