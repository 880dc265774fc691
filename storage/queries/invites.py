"""One-time invite codes: created by admins, redeemed once, hashed at rest, throttled."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.models import InviteCode, InviteThrottle, Unit, table
from storage.queries import audit
from storage.queries.dialect import insert_for

_I = table(InviteCode)
_T = table(InviteThrottle)
_U = table(Unit)

# No 0/O, 1/I/L: codes are read aloud and typed from paper.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 10  # 31**10 ≈ 8·10^14 (about 50 bits), with throttling on wrong guesses


def new_code() -> str:
    """A fresh random code, shown as two groups of five: `ABCDE-FGHJK`."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normalise_code(text: str) -> str:
    """What the person typed, as a code: case, spaces and dashes do not matter."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def looks_like_code(text: str) -> bool:
    norm = normalise_code(text)
    return len(norm) == CODE_LENGTH and all(ch in ALPHABET for ch in norm)


def code_hash(code: str) -> str:
    return hashlib.sha256(normalise_code(code).encode()).hexdigest()


async def create_codes(
    conn: AsyncConnection,
    *,
    unit_id: int,
    role: str,
    count: int,
    now: datetime,
    ttl: timedelta,
    created_by: str,
) -> list[str]:
    """`count` new codes for a unit and role; only their hashes are stored."""
    codes = [new_code() for _ in range(count)]
    await conn.execute(
        insert(_I),
        [
            {
                "code_hash": code_hash(c),
                "unit_id": unit_id,
                "role": role,
                "created_at": now,
                "expires_at": now + ttl,
                "created_by": created_by,
            }
            for c in codes
        ],
    )
    return codes


async def create_link_code(
    conn: AsyncConnection,
    *,
    person_id: int,
    unit_id: int,
    role: str,
    now: datetime,
    ttl: timedelta,
) -> str:
    """A code that adds another messenger account to this person."""
    code = new_code()
    await conn.execute(
        insert(_I).values(
            code_hash=code_hash(code),
            unit_id=unit_id,
            role=role,
            created_at=now,
            expires_at=now + ttl,
            created_by=f"person:{person_id}",
            link_person_id=person_id,
        )
    )
    return code


class Redeem(StrEnum):
    OK = "ok"
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    UNIT_CLOSED = "unit_closed"


@dataclass(frozen=True, slots=True)
class InviteInfo:
    invite_id: int
    unit_id: int
    unit_name: str
    role: str
    link_person_id: int | None = None


async def check_code(
    conn: AsyncConnection, *, code: str, now: datetime
) -> tuple[Redeem, InviteInfo | None]:
    """Whether a code can be redeemed now, and what it grants."""
    row = (
        await conn.execute(
            select(
                _I.c.id,
                _I.c.unit_id,
                _U.c.name,
                _I.c.role,
                _I.c.used_at,
                _I.c.expires_at,
                _U.c.retired,
                _U.c.active_to,
                _I.c.link_person_id,
            )
            .select_from(_I.join(_U, _U.c.id == _I.c.unit_id))
            .where(_I.c.code_hash == code_hash(code))
        )
    ).first()
    if row is None:
        return Redeem.UNKNOWN, None
    info = InviteInfo(row[0], row[1], row[2], row[3], row[8])
    if row[4] is not None:
        return Redeem.USED, info
    if row[5] <= now:
        return Redeem.EXPIRED, info
    if row[6] or (row[7] is not None and row[7] < now.date()):
        return Redeem.UNIT_CLOSED, info
    return Redeem.OK, info


async def consume(conn: AsyncConnection, *, invite_id: int, now: datetime) -> bool:
    """Take a code; False if someone else took it first (the update is atomic)."""
    res = await conn.execute(
        update(_I).where(_I.c.id == invite_id, _I.c.used_at.is_(None)).values(used_at=now)
    )
    return res.rowcount == 1


async def set_used_by(conn: AsyncConnection, *, invite_id: int, person_id: int) -> None:
    await conn.execute(update(_I).where(_I.c.id == invite_id).values(used_by_person_id=person_id))


@dataclass(frozen=True, slots=True)
class Throttle:
    failures: int
    window_started: datetime
    blocked_until: datetime | None


async def get_throttle(conn: AsyncConnection, *, channel: str, chat_id: str) -> Throttle | None:
    row = (
        await conn.execute(
            select(_T.c.failures, _T.c.window_started, _T.c.blocked_until).where(
                _T.c.channel == channel, _T.c.chat_id == chat_id
            )
        )
    ).first()
    return Throttle(*row) if row else None


async def save_throttle(
    conn: AsyncConnection, *, channel: str, chat_id: str, value: Throttle
) -> None:
    stmt = insert_for(conn, _T).values(
        channel=channel,
        chat_id=chat_id,
        failures=value.failures,
        window_started=value.window_started,
        blocked_until=value.blocked_until,
    )
    stmt = stmt.on_conflict_do_update(
        index_elements=["channel", "chat_id"],
        set_={
            "failures": value.failures,
            "window_started": value.window_started,
            "blocked_until": value.blocked_until,
        },
    )
    await conn.execute(stmt)


async def clear_throttle(conn: AsyncConnection, *, channel: str, chat_id: str) -> None:
    await conn.execute(delete(_T).where(_T.c.channel == channel, _T.c.chat_id == chat_id))


async def issue_codes(
    conn: AsyncConnection,
    *,
    unit_id: int,
    role: str,
    count: int,
    now: datetime,
    ttl: timedelta,
    actor: str,
) -> list[str]:
    """Invite codes, audited, as `bot.invitations.issue_codes` gives them, inside the caller's
    transaction (a handler already holds one; opening another would wait for it)."""
    codes = await create_codes(
        conn, unit_id=unit_id, role=role, count=count, now=now, ttl=ttl, created_by=actor
    )
    await audit.record(
        conn,
        actor=actor,
        action="invite",
        entity="unit",
        entity_id=unit_id,
        new={"role": role, "count": count},
    )
    return codes
