"""A unit's life: people of a unit that closed, or that left the campaign file, cannot submit.

A closed unit (its ``until`` day is past) cannot send anything after that day: reports of
periods after it, initiatives, documents and articles; a report of a month it lived through
stays possible (its results pass to its successor). A unit no longer in the campaign file
(removed, hence retired in the database) cannot send anything. The person is told plainly why,
in Vietnamese (:mod:`core.texts.common`).
"""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from core.campaign.schema import Campaign, Unit
from core.conversation import Ctx
from core.domain.periods import Month
from core.texts import common as texts

WHAT = {
    "report": texts.UNIT_CLOSED_WHAT_REPORT,
    "initiative": texts.UNIT_CLOSED_WHAT_INITIATIVE,
    "initiative_status": texts.UNIT_CLOSED_WHAT_INITIATIVE,
    "document": texts.UNIT_CLOSED_WHAT_DOCUMENT,
    "article": texts.UNIT_CLOSED_WHAT_ARTICLE,
}


def _fmt(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def in_sentence(name: str) -> str:
    """A unit's name inside a sentence: "Phường Trần Phú" → "phường Trần Phú"."""
    first = name.split(" ", 1)[0]
    if first in ("Phường", "Xã", "Thị", "Ủy", "Ban", "Phòng", "Hội", "Trung", "Văn"):
        return name[0].lower() + name[1:]
    return name


def closed_text(campaign: Campaign, unit: Unit, what: str) -> str:
    """Why ``unit``'s people cannot send ``what`` (it ended on ``unit.active_to``)."""
    if unit.active_to is None:
        raise ValueError(unit.code)
    merged = ""
    hint = ""
    if unit.successor is not None:
        successor = campaign.unit(unit.successor.unit)
        if successor is not None:
            merged = texts.UNIT_CLOSED_MERGED.format(successor=in_sentence(successor.name))
            hint = "\n" + texts.UNIT_CLOSED_SUCCESSOR_HINT.format(
                last_day=_fmt(unit.active_to), successor=in_sentence(successor.name)
            )
    return (
        texts.UNIT_CLOSED.format(
            unit=unit.name,
            from_day=_fmt(unit.active_to + timedelta(days=1)),
            merged=merged,
            what=what,
        )
        + hint
    )


def refusal(ctx: Ctx, kind: str, *, month: Month | None = None) -> str | None:
    """The message refusing a submission of ``kind`` (a form kind: report, initiative,
    document, article) by the person writing, or None when they may send it. ``month``: the
    report's month (a closed unit may still report a month it lived through)."""
    who = ctx.who
    if who is None or who.role not in ("focal", "deputy", "head"):
        return None
    campaign = ctx.campaign
    unit = campaign.unit(who.unit_code)
    if unit is None:
        return texts.UNIT_REMOVED.format(unit=who.unit_name)
    if unit.active_to is None:
        return None
    what = WHAT.get(kind, texts.UNIT_CLOSED_WHAT_DOCUMENT)
    if month is not None:
        if month.first_day > unit.active_to:
            return closed_text(campaign, unit, what)
        return None
    today = ctx.now().astimezone(ZoneInfo(campaign.campaign.timezone)).date()
    if unit.closed_on(today):
        return closed_text(campaign, unit, what)
    return None
