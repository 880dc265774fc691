"""What every oversight command shares: who may see which units, and loading them.

Reach. A focal point, deputy or head reaches their own unit only. An admin's reach is the
`admin_scopes` entry of their unit in the campaign file (Phòng Nội vụ: every kind; Phòng Văn
hóa và Thông tin: the media units only), and always their own unit. Every command checks it
on what it is about to read or change, whatever the callback data names.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from bot.campaign.schema import Campaign, Deadline, Unit
from bot.conversation import Ctx
from bot.domain.status import (
    UnitFacts,
    effective_deadlines,
    report_periods,
)
from bot.vntext import fold
from handlers import texts_oversight as tx
from storage.queries import oversight, people

ADMINS = frozenset({"admin"})
UNIT_PEOPLE = frozenset({"focal", "deputy", "head", "admin"})
FOCAL_POINTS = frozenset({"focal", "deputy"})  # who is urged and told about reviews
EVERYONE = frozenset({"focal", "deputy", "head"})  # who gets announcements


@dataclass(frozen=True)
class Reach:
    """The unit kinds an admin oversees (None: all of them) and their own unit."""

    kinds: frozenset[str] | None
    own_unit_id: int
    label: str

    def oversees(self, kind: str) -> bool:
        """Whether the admin acts on units of `kind` (review, urge, announce, invite)."""
        return self.kinds is None or kind in self.kinds

    def covers(self, unit_id: int, kind: str) -> bool:
        """Whether the admin may read the unit: one they oversee, or their own."""
        return unit_id == self.own_unit_id or self.oversees(kind)


def campaign_of(ctx: Ctx) -> Campaign:
    return ctx.services.definition()


def tz_of(ctx: Ctx) -> ZoneInfo:
    return ZoneInfo(campaign_of(ctx).campaign.timezone)


def today_of(ctx: Ctx) -> date:
    """Today in the campaign's time zone."""
    return ctx.now().astimezone(tz_of(ctx)).date()


def office_name(ctx: Ctx) -> str:
    """The name of the sender's office (the admin's unit), for messages to units."""
    return ctx.who.unit_name if ctx.who is not None else tx.OFFICE_FALLBACK


def admin_reach(ctx: Ctx) -> Reach | None:
    """The admin's reach, or None when their unit has no scope in the campaign file."""
    who = ctx.who
    if who is None or who.role != "admin":
        return None
    campaign = campaign_of(ctx)
    kinds: set[str] = set()
    for scope in campaign.admin_scopes:
        if scope.unit != who.unit_code:
            continue
        if scope.kinds == "all":
            return Reach(None, who.unit_id, tx.SCOPE_ALL)
        kinds.update(scope.kinds)
    if not kinds:
        return None
    labels = [k.label for k in campaign.unit_kinds if k.code in kinds]
    return Reach(frozenset(kinds), who.unit_id, tx.scope_label(labels))


def require_reach(ctx: Ctx) -> Reach | None:
    """The admin's reach; tells them and returns None when they have none."""
    reach = admin_reach(ctx)
    if reach is None:
        ctx.reply(tx.NO_SCOPE)
    return reach


async def tell_unit(ctx: Ctx, unit_id: int, text: str, roles: frozenset[str]) -> int:
    """Send `text` to the unit's people of `roles`; how many were reached."""
    found = await people.unit_recipients(ctx.conn, unit_ids=[unit_id], roles=roles)
    recipients = found.get(unit_id, [])
    for r in recipients:
        ctx.notify(r.channel, r.chat_id, text)
    return len(recipients)


def find_unit(campaign: Campaign, text: str) -> Unit | None:
    """A unit by its code, name or an alias, typed any way."""
    wanted = fold(text)
    if not wanted:
        return None
    for u in campaign.units:
        if wanted in (fold(u.code), fold(u.name), *(fold(a) for a in u.aliases)):
            return u
    return None


async def deadlines_of(ctx: Ctx) -> tuple[Deadline, ...]:
    """The campaign's deadlines with admins' changes."""
    changes = await oversight.deadline_changes(ctx.conn, campaign_id=ctx.services.campaign_id)
    return effective_deadlines(campaign_of(ctx), changes)


def deadline_report_periods(deadlines: Collection[Deadline]) -> frozenset[str]:
    """Every period whose submission can fulfil one of these deadlines."""
    out: set[str] = set()
    for d in deadlines:
        if d.fulfilled_by.report is not None:
            out |= report_periods(d.fulfilled_by.report.frequency, d.due)
    return frozenset(out)


@dataclass(frozen=True)
class Scoped:
    """The units an admin reaches, as the campaign file defines them, and their facts."""

    units: list[Unit]
    ids: dict[str, int]  # unit code → database id
    facts: dict[str, UnitFacts]  # by unit code


async def load_scoped(
    ctx: Ctx,
    reach: Reach,
    *,
    value_periods: Collection[str] = (),
    submission_periods: Collection[str] = (),
    latest_values: bool = False,
) -> Scoped:
    """The units in reach and their facts, in a fixed number of statements."""
    campaign = campaign_of(ctx)
    cid = ctx.services.campaign_id
    refs = await oversight.units_in_scope(ctx.conn, campaign_id=cid, kinds=reach.kinds)
    by_id = await oversight.facts_by_unit(
        ctx.conn,
        campaign_id=cid,
        kinds=reach.kinds,
        value_periods=value_periods,
        submission_periods=submission_periods,
        latest_values=latest_values,
    )
    units, ids, facts = [], {}, {}
    for ref in refs:
        unit = campaign.unit(ref.code)
        if unit is None:
            continue
        units.append(unit)
        ids[ref.code] = ref.id
        facts[ref.code] = by_id.get(ref.id, UnitFacts())
    return Scoped(units, ids, facts)
