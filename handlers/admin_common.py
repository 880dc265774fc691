"""What every oversight command shares: who may see which units, and loading them.

Reach. A focal point, deputy or head reaches their own unit only. An admin's reach is the
`admin_scopes` entry of their unit in the campaign file (Phòng Nội vụ: every kind; Phòng Văn
hóa và Thông tin: the media units only), and always their own unit. A leader of the city
(Chủ tịch, Phó Chủ tịch UBND thành phố) reads the whole campaign and acts on nothing: their
reach covers every unit and oversees none (`Reach.acts` is False), so whatever reviews,
assesses, urges or invites refuses them even if the router let a crafted command through.
Every command checks the reach on what it is about to read or change, whatever the callback
data names.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from core.campaign.schema import Campaign, Deadline, Unit
from core.conversation import Ctx
from core.domain.status import ValueFact, effective_deadlines, meets_target
from core.texts import common as texts
from core.texts import oversight as tx
from core.vntext import fold
from storage.models import Role
from storage.queries import deadlines, oversight, people
from storage.queries.standing import Scoped, scoped_units

ADMINS = frozenset({"admin"})
LEADERS = frozenset({Role.LEADER.value})
VIEWERS = ADMINS | LEADERS  # the campaign-wide views: /tonghop, /quahan, /khenthuong
UNIT_PEOPLE = frozenset({"focal", "deputy", "head", "admin", "leader"})  # /tinhtrang
FOCAL_POINTS = frozenset({"focal", "deputy"})  # who is urged and told about reviews
EVERYONE = frozenset({"focal", "deputy", "head"})  # who gets announcements


@dataclass(frozen=True)
class Reach:
    """The unit kinds an admin oversees (None: all of them) and their own unit; a leader's
    reach reads every unit and acts on none."""

    kinds: frozenset[str] | None
    own_unit_id: int
    label: str
    acts: bool = True  # False: read only (a leader)

    def sees(self, kind: str) -> bool:
        """Whether units of `kind` are in reach at all."""
        return self.kinds is None or kind in self.kinds

    def oversees(self, kind: str) -> bool:
        """Whether the admin acts on units of `kind` (review, urge, announce, invite, assess)."""
        return self.acts and self.sees(kind)

    def covers(self, unit_id: int, kind: str) -> bool:
        """Whether the unit may be read: one in reach, or the reader's own."""
        return unit_id == self.own_unit_id or self.sees(kind)


def office_name(ctx: Ctx) -> str:
    """The name of the sender's office (the admin's unit), for messages to units; for a
    leader, the coordinating office, which assesses and follows the units on their behalf."""
    who = ctx.who
    if who is None:
        return tx.OFFICE_FALLBACK
    if who.role in LEADERS:
        campaign = ctx.campaign
        coordinator = campaign.unit(campaign.campaign.coordinator_unit)
        return coordinator.name if coordinator is not None else tx.OFFICE_FALLBACK
    return who.unit_name


def admin_reach(ctx: Ctx) -> Reach | None:
    """The admin's reach (a leader's: every unit, read only), or None when the person has
    none: not an admin, or an admin whose unit has no scope in the campaign file."""
    who = ctx.who
    if who is not None and who.role in LEADERS:
        return Reach(None, who.unit_id, tx.SCOPE_ALL, acts=False)
    if who is None or who.role != "admin":
        return None
    campaign = ctx.campaign
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
    """The admin's (or leader's) reach; tells them and returns None when they have none."""
    reach = admin_reach(ctx)
    if reach is None:
        ctx.reply(tx.NO_SCOPE)
    return reach


def require_acting(ctx: Ctx) -> Reach | None:
    """The reach of an admin who is about to change data or write to units; a read-only
    reach (a leader's) is refused as the router refuses a role."""
    reach = require_reach(ctx)
    if reach is not None and not reach.acts:
        role = ctx.who.role if ctx.who is not None else ""
        ctx.reply(texts.FORBIDDEN.format(role=texts.ROLE_LABELS.get(role, role)))
        return None
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
    changes = await deadlines.deadline_changes(ctx.conn, campaign_id=ctx.campaign_id)
    return effective_deadlines(ctx.campaign, changes)


async def load_scoped(
    ctx: Ctx,
    reach: Reach,
    *,
    value_periods: Collection[str] = (),
    submission_periods: Collection[str] = (),
    latest_values: bool = False,
) -> Scoped:
    """The units in reach and their facts, in a fixed number of statements."""
    return await scoped_units(
        ctx.conn,
        ctx.campaign,
        campaign_id=ctx.campaign_id,
        kinds=reach.kinds,
        value_periods=value_periods,
        submission_periods=submission_periods,
        latest_values=latest_values,
    )


def value_lines(campaign: Campaign, values: Collection[oversight.ValueRow]) -> list[str]:
    """A report's values, numbered, each against its target (for whoever reviews it)."""
    lines = []
    for n, v in enumerate(values, start=1):
        ind = campaign.indicator(v.indicator_code)
        met = (
            meets_target(ind, ValueFact(v.value, v.display), campaign.rating_scale)
            if ind is not None and v.skipped_reason is None
            else None
        )
        lines.append(
            tx.review_value_line(
                n,
                ind,
                code=v.indicator_code,
                display=v.display,
                skipped=v.skipped_reason,
                status=v.review_status,
                met=met,
            )
        )
    return lines
