"""Where the units stand: the live units of some kinds with the facts the domain rules judge
(`core.domain.status.UnitFacts`), and an award evaluated over them with the office's verdicts.

Both read in a fixed number of statements whatever the number of units (the oversight and
assessment queries), for the oversight commands (`handlers.admin_common.load_scoped`) and the
leaders' digest (`schedules.digests`), which has no chat to answer.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection

from core.campaign.schema import Award, Campaign, Deadline, Unit
from core.domain.awards import AwardResult, applies, evaluate
from core.domain.status import UnitFacts
from storage.queries import assessments, oversight


@dataclass(frozen=True)
class Scoped:
    """The units an admin reaches, as the campaign file defines them, and their facts."""

    units: list[Unit]
    ids: dict[str, int]  # unit code → database id
    facts: dict[str, UnitFacts]  # by unit code


async def scoped_units(
    conn: AsyncConnection,
    campaign: Campaign,
    *,
    campaign_id: str,
    kinds: frozenset[str] | None,
    value_periods: Collection[str] = (),
    submission_periods: Collection[str] = (),
    latest_values: bool = False,
) -> Scoped:
    """The live units of `kinds` (None: all) and their facts, as `load_scoped` reads them
    (also for the leaders' digest, which has no chat to answer)."""
    cid = campaign_id
    refs = await oversight.units_in_scope(conn, campaign_id=cid, kinds=kinds)
    by_id = await oversight.facts_by_unit(
        conn,
        campaign_id=cid,
        kinds=kinds,
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


async def award_results(
    conn: AsyncConnection,
    award: Award,
    campaign: Campaign,
    scoped: Scoped,
    *,
    campaign_id: str,
    kinds: frozenset[str] | None,
    today: date,
    deadlines: Sequence[Deadline],
    tz: ZoneInfo,
) -> list[AwardResult]:
    """The award evaluated for every scoped unit it applies to, with the office's verdicts."""
    verdicts = await assessments.for_units(
        conn, campaign_id=campaign_id, kinds=kinds, award_code=award.code
    )
    return [
        evaluate(
            award,
            campaign,
            u,
            scoped.facts[u.code],
            today=today,
            deadlines=deadlines,
            tz=tz,
            assessments=assessments.as_facts(verdicts.get(scoped.ids[u.code], ())),
        )
        for u in scoped.units
        if applies(award, u, campaign)
    ]
