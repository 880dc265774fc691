"""What the leaders' weekly digest says about the whole city, as data: `schedules.digests` works
the figures out, `core.texts.leaders` words them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.domain.status import Overview


@dataclass(frozen=True, slots=True)
class DocumentStanding:
    """Who has sent a document a deadline asks for (the Quý I launch document)."""

    label: str
    due: date
    units: int  # units the deadline concerns
    on_time: int
    late: int
    missing: int  # not sent yet (overdue, or still before the due date)

    @property
    def filed(self) -> int:
        return self.on_time + self.late


@dataclass(frozen=True, slots=True)
class AwardStanding:
    title: str
    units: int  # units the award applies to
    eligible: int  # every criterion the bot checks met
    qualified: int  # … and every officer's criterion assessed as met
    office: str  # who assesses the officers' criteria


@dataclass(frozen=True)
class LeaderDigest:
    """The whole city at a glance, as /tonghop, /quahan and /khenthuong reckon it."""

    today: date
    title: str
    units: int
    documents: tuple[DocumentStanding, ...]
    overview: Overview  # last month's reports and the deadlines past
    overdue_units: int  # units overdue on at least one deadline
    longest: tuple[tuple[str, int, int], ...]  # (unit name, days overdue, deadlines overdue)
    initiatives: int
    initiative_units: int
    effective_initiatives: int
    award: AwardStanding | None
