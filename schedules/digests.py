"""The digests: which units are late on which deadline (for admins, weekly and on demand), and
the leaders' weekly digest of the whole city, reckoned as /tonghop, /quahan and /khenthuong do.

The sender sends them (`schedules.sender`); the figures are worked out here from the oversight
reads in `storage.queries`, the data they fill in is `core.domain.digests`, and the words are the
catalogue's (`core.texts.reminders`, `core.texts.leaders`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from core.campaign.schema import Campaign as CampaignDef
from core.campaign.schema import Deadline as DeadlineDef
from core.dates import local_date
from core.domain.awards import machine_awards
from core.domain.digests import AwardStanding, DocumentStanding, LeaderDigest
from core.domain.status import (
    DeadlineState,
    deadline_line,
    deadline_report_periods,
    effective_deadlines,
    month_periods,
    overdue_by_deadline,
    overview,
    overview_month,
)
from core.texts import leaders as tl
from core.texts import reminders as t
from core.vntext import fold
from schedules.calendar import zone
from schedules.planner import admin_scope_kinds, in_scope
from storage.db import Database
from storage.queries import deadlines as dq
from storage.queries.standing import award_results, scoped_units

# -- the digest of late units -------------------------------------------------------------------


async def digest_sections(
    conn: AsyncConnection,
    *,
    campaign: CampaignDef,
    today: date,
    kinds: frozenset[str] | None = None,
) -> list[tuple[str, date, list[tuple[str, int]]]]:
    """(deadline title, due date, [(unit name, days late)]) for every deadline past due."""
    cid = campaign.campaign.id
    ids = await dq.unit_ids(conn, campaign_id=cid)
    deadlines = await dq.effective_deadlines(conn, campaign=campaign)
    units = [u for u in campaign.units if u.code in ids and (kinds is None or u.kind in kinds)]
    scope = {e.code: [ids[u.code] for u in units if in_scope(e, u)] for e in deadlines}
    late = await dq.late_units(
        conn, campaign_id=cid, deadlines=deadlines, units_in_scope=scope, today=today
    )
    names = {ids[u.code]: u.name for u in units}
    sections = []
    for e in sorted(deadlines, key=lambda e: (e.due, e.code)):
        if e.code in late:
            days = (today - e.due).days
            sections.append((e.deadline.title, e.due, [(names[u], days) for u in late[e.code]]))
    return sections


async def render_digest(
    conn: AsyncConnection,
    *,
    campaign: CampaignDef,
    today: date,
    admin_unit: str | None = None,
    name: str | None = None,
    late_planned: datetime | None = None,
    empty: bool = True,
) -> str | None:
    """The digest for an admin of `admin_unit` (default: the coordinating office, which follows
    every unit; another office follows the unit kinds of its ``admin_scopes`` entry). With
    ``empty=False``, None when nobody is late (the weekly digest then says nothing)."""
    kinds = admin_scope_kinds(campaign).get(admin_unit or campaign.campaign.coordinator_unit)
    sections = await digest_sections(conn, campaign=campaign, today=today, kinds=kinds)
    if not sections and not empty:
        return None
    scope = None
    if kinds is not None:
        labels = {k.code: k.label for k in campaign.unit_kinds}
        scope = t.DIGEST_SCOPE.format(kinds="; ".join(labels.get(k, k) for k in sorted(kinds)))
    return t.digest(
        name=name, today=today, sections=sections, scope=scope, late_planned=late_planned
    )


async def digest_text(
    db: Database,
    *,
    campaign: CampaignDef,
    clock: Callable[[], datetime],
    admin_unit: str | None = None,
    name: str | None = None,
) -> str:
    """The digest of who is late, on demand (e.g. for an admin command), as an admin of
    `admin_unit` sees it; the weekly digest is the same text."""
    today = local_date(clock(), zone(campaign.campaign.timezone))
    async with db.read() as conn:
        text = await render_digest(
            conn, campaign=campaign, today=today, admin_unit=admin_unit, name=name
        )
    return text or ""


# -- the leaders' weekly digest ------------------------------------------------------------------

LONGEST_OVERDUE = 5  # units named in the leaders' digest, longest overdue first
EFFECTIVE = frozenset({"effective", "recognized"})  # initiatives proven effective


async def leader_digest(
    conn: AsyncConnection, *, campaign: CampaignDef, today: date
) -> LeaderDigest:
    """The figures of the leaders' digest for every unit of the campaign, read with the
    oversight queries (a fixed number of statements, whatever the number of units)."""
    cid = campaign.campaign.id
    tz = zone(campaign.campaign.timezone)
    changes = await dq.deadline_changes(conn, campaign_id=cid)
    deadlines = effective_deadlines(campaign, changes)
    month = overview_month(campaign, today)
    periods = deadline_report_periods(deadlines)
    scoped = await scoped_units(
        conn,
        campaign,
        campaign_id=cid,
        kinds=None,
        value_periods=month_periods(campaign, month),
        submission_periods=periods,
    )
    units, facts = scoped.units, scoped.facts
    ov = overview(campaign, units, facts, month=month, today=today, deadlines=deadlines, tz=tz)

    documents = []
    by_code = {d.code: d for d in deadlines}
    for dt in campaign.document_types:
        d = by_code.get(dt.deadline) if dt.deadline else None
        if d is None:
            continue
        states = Counter(
            deadline_line(d, facts[u.code], today, tz).state
            for u in units
            if d.applies_to.covers(u) and u.is_active_on(d.due)
        )
        documents.append(
            DocumentStanding(
                label=dt.label,
                due=d.due,
                units=sum(states.values()),
                on_time=states[DeadlineState.ON_TIME],
                late=states[DeadlineState.LATE],
                missing=states[DeadlineState.OVERDUE] + states[DeadlineState.OPEN],
            )
        )

    worst: dict[str, tuple[str, int, int]] = {}  # unit code → (name, most days, deadlines)
    for item in overdue_by_deadline(units, facts, today=today, deadlines=deadlines, tz=tz):
        for unit, days in item.units:
            _name, most, n = worst.get(unit.code, (unit.name, 0, 0))
            worst[unit.code] = (unit.name, max(most, days), n + 1)
    # Longest overdue first; then those owing most, by name.
    longest = sorted(worst.values(), key=lambda w: (-w[1], -w[2], fold(w[0])))[:LONGEST_OVERDUE]

    live = [i for u in units for i in facts[u.code].live_initiatives()]
    with_initiatives = sum(1 for u in units if facts[u.code].live_initiatives())

    coordinator = campaign.unit(campaign.campaign.coordinator_unit)
    office = coordinator.name if coordinator is not None else ""
    return LeaderDigest(
        today=today,
        title=campaign.campaign.short_title,
        units=len(units),
        documents=tuple(documents),
        overview=ov,
        overdue_units=len(worst),
        longest=tuple(longest),
        initiatives=len(live),
        initiative_units=with_initiatives,
        effective_initiatives=sum(1 for i in live if i.status in EFFECTIVE),
        award=await _award_standing(
            conn, campaign=campaign, today=today, deadlines=deadlines, office=office
        ),
    )


async def _award_standing(
    conn: AsyncConnection,
    *,
    campaign: CampaignDef,
    today: date,
    deadlines: Sequence[DeadlineDef],
    office: str,
) -> AwardStanding | None:
    """The first award the bot can check, over every unit, as /khenthuong ranks them."""
    awards = machine_awards(campaign)
    if not awards:
        return None
    award, cid, tz = awards[0], campaign.campaign.id, zone(campaign.campaign.timezone)
    scoped = await scoped_units(
        conn,
        campaign,
        campaign_id=cid,
        kinds=None,
        submission_periods=deadline_report_periods(deadlines),
        latest_values=True,
    )
    results = await award_results(
        conn,
        award,
        campaign,
        scoped,
        campaign_id=cid,
        kinds=None,
        today=today,
        deadlines=deadlines,
        tz=tz,
    )
    return AwardStanding(
        title=award.title,
        units=len(results),
        eligible=sum(1 for r in results if r.eligible),
        qualified=sum(1 for r in results if r.qualified),
        office=office,
    )


async def render_leader_digest(
    conn: AsyncConnection,
    *,
    campaign: CampaignDef,
    today: date,
    name: str,
    late_planned: datetime | None = None,
) -> str:
    """The weekly digest for a leader of the city (sent every week, late units or not)."""
    figures = await leader_digest(conn, campaign=campaign, today=today)
    return tl.digest(figures, name=name, late_planned=late_planned)
