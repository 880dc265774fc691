"""Who is writing: the person, their unit and their role there (read by storage, used by the
conversation router and every handler)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Identity:
    """Who is writing: the person, their unit and their role there."""

    person_id: int
    full_name: str
    unit_id: int
    unit_code: str
    unit_name: str
    unit_kind: str
    role: str
    channel: str
    chat_id: str
    last_seen_at: datetime
