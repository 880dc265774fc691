"""Erasing a person's personal data: the database rows (`storage.queries.privacy`) in one
transaction, then their staged files."""

from __future__ import annotations

import asyncio

from storage.db import Database
from storage.files import FileStore
from storage.queries.privacy import Forgotten, forget_person
from storage.types import utcnow


async def forget(
    database: Database, files: FileStore, *, person_id: int, actor: str = "cli"
) -> Forgotten | None:
    """Erase person `person_id`'s personal data (None: no such person)."""
    async with database.transaction() as conn:
        done = await forget_person(conn, person_id=person_id, now=utcnow(), actor=actor)
    if done is not None:
        for account in done.accounts:
            await asyncio.to_thread(files.forget_staged, f"{account.channel}:{account.external_id}")
    return done
