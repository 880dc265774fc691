"""From what the bot holds to the drafts' input (`documents.drafts.model`): a unit's
achievement reports, Tờ trình and Biên bản; the city's Tờ trình, the year-end summary and a
công văn đôn đốc. Shared by the conversations (/hoso, /tongket, /congvan) and the command line.

Every draft is built afresh from the database and says when its data was read (`data_as_of`,
local time). Names are the campaign file's Vietnamese ones; no code reaches a draft.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection

from core.campaign.schema import Award, Deadline, Indicator, Unit
from core.campaign.schema import Campaign as CampaignDef
from core.domain.status import (
    DeadlineState,
    InitiativeFact,
    UnitFacts,
    ValueFact,
    deadline_line,
    deadline_report_periods,
    deadlines_for,
    effective_deadlines,
    meets_target,
)
from core.texts import oversight as tx
from core.texts import yearend as ty
from documents import drafts
from documents.drafts import model as m
from storage.queries import deadlines as deadline_q
from storage.queries import oversight, yearend
from storage.queries.units import get_unit_by_code

EFFECTIVE = frozenset({"effective", "recognized"})  # initiatives proven effective


def campaign_info(campaign: CampaignDef) -> m.Campaign:
    found = re.search(r"“([^”]+)”", campaign.campaign.title)
    name = found.group(1) if found else campaign.campaign.short_title
    return m.Campaign(year=campaign.campaign.year, name=name)


def report_form(campaign: CampaignDef) -> m.ReportForm:
    spec = campaign.report_form
    return m.ReportForm(spec.template, spec.citation) if spec else m.ReportForm()


def local_stamp(now: datetime, tz: ZoneInfo) -> datetime:
    """The moment the data was read, as the local wall-clock time a draft prints."""
    return now.astimezone(tz).replace(tzinfo=None)


def award_title(campaign: CampaignDef, code: str) -> str:
    award = next((a for a in campaign.awards if a.code == code), None)
    return award.title if award else code


def place_of(campaign: CampaignDef) -> str:
    """The địa danh the drafts print, from the campaign file (`campaign.place`)."""
    return campaign.campaign.place


def unit_issuer(campaign: CampaignDef, unit: Unit) -> m.Issuer:
    abbreviation = "UBND" if unit.kind == "COMMUNE" else unit.code.replace("_", "-")
    place = place_of(campaign)
    return m.Issuer(
        parent=ty.ISSUER_PARENT.format(place=place),
        name=unit.name,
        abbreviation=abbreviation,
        place=place,
    )


def office_issuer(campaign: CampaignDef) -> m.Issuer:
    office = campaign.unit(campaign.campaign.coordinator_unit)
    name = office.name if office else campaign.campaign.coordinator_unit
    place = place_of(campaign)
    return m.Issuer(
        parent=ty.ISSUER_PARENT.format(place=place),
        name=name,
        abbreviation=campaign.campaign.coordinator_unit,
        place=place,
    )


def initiative(i: InitiativeFact, unit: str = "") -> m.Initiative:
    """An initiative as a draft prints it: its kind and state in words, never their codes."""
    return m.Initiative(
        name=i.title,
        status=tx.INITIATIVE_STATES.get(i.status, i.status),
        unit=unit,
        kind=tx.INITIATIVE_KINDS.get(i.kind, ""),
    )


def unit_documents(campaign: CampaignDef, facts: UnitFacts) -> tuple[m.DocumentRef, ...]:
    labels = {d.code: d.label for d in campaign.document_types}
    return tuple(
        m.DocumentRef(d.number, d.first_submitted_at.date(), labels.get(code, ""))
        for code, d in facts.documents.items()
        if d.number
    )


def _latest(facts: UnitFacts, ind: Indicator) -> ValueFact | None:
    periods = sorted(p for (code, p) in facts.values if code == ind.code)
    return facts.values[(ind.code, periods[-1])] if periods else None


def _verdict(ind: Indicator, fact: ValueFact | None, scale: Sequence[str]) -> m.Verdict:
    if fact is None or fact.value is None:
        return m.Verdict.UNKNOWN
    met = meets_target(ind, fact, scale)
    if met is None:
        return m.Verdict.UNKNOWN
    return m.Verdict.MET if met else m.Verdict.NOT_MET


def indicator_results(
    campaign: CampaignDef, unit: Unit, facts: UnitFacts
) -> tuple[m.IndicatorResult, ...]:
    """Each indicator with a target that applies to the unit: target, latest result, verdict.
    (The unit's initiatives and documents go in sections of their own, not under one.)"""
    out = []
    for ind in campaign.indicators_for(unit):
        if ind.target is None:
            continue
        fact = _latest(facts, ind)
        out.append(
            m.IndicatorResult(
                name=ind.label,
                target=tx.target_text(ind),
                result=fact.display if fact is not None and fact.value is not None else None,
                verdict=_verdict(ind, fact, campaign.rating_scale),
                unit="",
            )
        )
    return tuple(out)


@dataclass(frozen=True)
class UnitData:
    unit: Unit
    unit_id: int
    facts: UnitFacts
    nominations: list[yearend.NominationRow]
    as_of: datetime


async def unit_data(
    conn: AsyncConnection,
    campaign: CampaignDef,
    *,
    campaign_id: str,
    unit: Unit,
    unit_id: int,
    now: datetime,
    tz: ZoneInfo,
) -> UnitData:
    facts = await oversight.unit_facts(conn, campaign_id=campaign_id, unit_id=unit_id)
    noms = await yearend.nominations(conn, campaign_id=campaign_id, unit_id=unit_id)
    return UnitData(unit, unit_id, facts, noms, local_stamp(now, tz))


def achievement_reports(campaign: CampaignDef, data: UnitData) -> list[m.AchievementReport]:
    """One Báo cáo thành tích per proposal (the unit's own, as a collective, if none)."""
    info = campaign_info(campaign)
    indicators = indicator_results(campaign, data.unit, data.facts)
    intro = ty.ACHIEVEMENT_INTRO.format(year=info.year, unit=data.unit.name, campaign=info.name)
    subjects: list[tuple[m.Collective | m.Individual, str, tuple[str, ...]]] = []
    for n in data.nominations:
        subject: m.Collective | m.Individual = (
            m.Collective(name=n.full_name)
            if n.collective
            else m.Individual(full_name=n.full_name, position=n.position, unit=data.unit.name)
        )
        subjects.append((subject, award_title(campaign, n.award_code), (intro, n.achievement)))
    if not subjects:
        collective = next((a for a in campaign.awards if a.for_ != "individual"), None)
        subjects.append(
            (m.Collective(name=data.unit.name), collective.title if collective else "", (intro,))
        )
    return [
        m.AchievementReport(
            issuer=unit_issuer(campaign, data.unit),
            subject=subject,
            award=award,
            indicators=indicators,
            signer=m.Signer(title=ty.SIGNER_HEAD),
            confirming_body=ty.CITY_BODY.format(place=place_of(campaign)),
            data_as_of=data.as_of,
            summary=summary,
            campaign=info,
            form=report_form(campaign),
            initiatives=tuple(initiative(i) for i in data.facts.live_initiatives()),
            documents=unit_documents(campaign, data.facts),
        )
        for subject, award, summary in subjects
    ]


def _nominee(campaign: CampaignDef, n: yearend.NominationRow) -> m.Nominee:
    return m.Nominee(
        name=n.full_name,
        award=award_title(campaign, n.award_code),
        achievement=n.achievement,
        is_collective=n.collective,
        position=n.position,
        unit=n.unit_name,
    )


def unit_proposal(campaign: CampaignDef, data: UnitData) -> m.Proposal:
    return m.Proposal(
        issuer=unit_issuer(campaign, data.unit),
        addressee=ty.UNIT_ADDRESSEE.format(place=place_of(campaign)),
        nominees=tuple(_nominee(campaign, n) for n in data.nominations),
        signer=m.Signer(title=ty.SIGNER_HEAD),
        recipients=ty.RECIPIENTS_UNIT,
        data_as_of=data.as_of,
        campaign=campaign_info(campaign),
    )


def unit_minutes(campaign: CampaignDef, data: UnitData) -> m.CouncilMeeting:
    info = campaign_info(campaign)
    return m.CouncilMeeting(
        issuer=m.Issuer(
            parent=data.unit.name, name=ty.COUNCIL, abbreviation="HĐTĐKT", place=place_of(campaign)
        ),
        held_at=None,  # the council has yet to meet: a clerk writes its time
        venue=ty.VENUE.format(unit=data.unit.name),
        chair=m.Signer(title=ty.SIGNER_CHAIR),
        secretary=m.Signer(title=ty.SIGNER_SECRETARY),
        votes=tuple(
            m.Vote(name=n.full_name, award=award_title(campaign, n.award_code))
            for n in data.nominations
        ),
        data_as_of=data.as_of,
        agenda=(ty.AGENDA.format(campaign=info.name, year=info.year),),
        campaign=info,
    )


# -- the city --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CityData:
    campaign: CampaignDef
    units: list[Unit]
    facts: dict[str, UnitFacts]
    deadlines: tuple[Deadline, ...]
    today: date
    tz: ZoneInfo
    as_of: datetime
    reports: int
    nominations: list[yearend.NominationRow]


async def city_data(
    conn: AsyncConnection,
    campaign: CampaignDef,
    *,
    campaign_id: str,
    kinds: frozenset[str] | None,
    now: datetime,
    tz: ZoneInfo,
) -> CityData:
    changes = await deadline_q.deadline_changes(conn, campaign_id=campaign_id)
    deadlines = effective_deadlines(campaign, changes)
    refs = await oversight.units_in_scope(conn, campaign_id=campaign_id, kinds=kinds)
    periods = deadline_report_periods(deadlines)
    by_id = await oversight.facts_by_unit(
        conn,
        campaign_id=campaign_id,
        kinds=kinds,
        value_periods=(),
        submission_periods=periods,
        latest_values=True,
    )
    units, facts = [], {}
    for ref in refs:
        unit = campaign.unit(ref.code)
        if unit is None:
            continue
        units.append(unit)
        facts[unit.code] = by_id.get(ref.id, UnitFacts())
    rows = await oversight.export_rows(conn, campaign_id=campaign_id, kinds=kinds)
    noms = await yearend.nominations(conn, campaign_id=campaign_id, kinds=kinds)
    return CityData(
        campaign,
        units,
        facts,
        deadlines,
        now.astimezone(tz).date(),
        tz,
        local_stamp(now, tz),
        len(rows.submissions),
        noms,
    )


def attainment(data: CityData) -> list[tuple[Indicator, list[Unit], list[Unit]]]:
    """Every indicator with a target: the units it applies to, and those that met it."""
    out = []
    for ind in data.campaign.indicators:
        if ind.target is None:
            continue
        applicable = [u for u in data.units if ind.applies_to_unit(u)]
        if not applicable:
            continue
        met = [
            u
            for u in applicable
            if _verdict(ind, _latest(data.facts[u.code], ind), data.campaign.rating_scale)
            is m.Verdict.MET
        ]
        out.append((ind, applicable, met))
    return out


def city_summary(data: CityData) -> m.CampaignSummary:
    campaign = data.campaign
    rows = attainment(data)
    live = [(u, i) for u in data.units for i in data.facts[u.code].live_initiatives()]
    shortfalls = [
        m.Shortfall(unit=u.name, missing=tx.short(ind))
        for ind, applicable, met in rows
        for u in applicable
        if u not in met
    ]
    return m.CampaignSummary(
        issuer=office_issuer(campaign),
        targets=tuple(
            m.TargetAttainment(name=ind.label, met=len(met), applicable=len(applicable))
            for ind, applicable, met in rows
        ),
        units=len(data.units),
        reports=data.reports,
        initiatives_registered=len(live),
        initiatives_effective=sum(1 for _, i in live if i.status in EFFECTIVE),
        initiatives=tuple(initiative(i, u.name) for u, i in live),
        shortfalls=tuple(shortfalls),
        signer=m.Signer(title=ty.SIGNER_PNV),
        recipients=ty.RECIPIENTS_PNV,
        data_as_of=data.as_of,
        campaign=campaign_info(campaign),
    )


def city_proposal(data: CityData) -> m.Proposal:
    return m.Proposal(
        issuer=office_issuer(data.campaign),
        addressee=ty.CITY_ADDRESSEE.format(place=place_of(data.campaign)),
        nominees=tuple(_nominee(data.campaign, n) for n in data.nominations),
        signer=m.Signer(title=ty.SIGNER_PNV),
        recipients=ty.RECIPIENTS_PNV,
        data_as_of=data.as_of,
        campaign=campaign_info(data.campaign),
    )


# -- công văn đôn đốc ------------------------------------------------------------------------


def letter_topics(data: CityData) -> list[tuple[str, str]]:
    """(label, code) of each past deadline and each target with a unit behind on it."""
    out = []
    for d in data.deadlines:
        if late_items(data, d.code):
            out.append((d.title, d.code))
    for ind, applicable, met in attainment(data):
        if len(met) < len(applicable):
            out.append((ind.label, ind.code))
    return out


def late_items(data: CityData, code: str) -> list[m.LateItem]:
    """The units late on deadline `code`, or short of indicator `code`'s target."""
    reply_by = data.today + timedelta(days=7)
    deadline = next((d for d in data.deadlines if d.code == code), None)
    if deadline is not None:
        items = []
        for u in data.units:
            if deadline not in deadlines_for(u, data.deadlines):
                continue
            line = deadline_line(deadline, data.facts[u.code], data.today, data.tz)
            if line.state is DeadlineState.OVERDUE:
                missing = ty.LETTER_MISSING_DEADLINE.format(
                    title=deadline.title, due=tx.fmt_date(deadline.due)
                )
                items.append(m.LateItem(unit=u.name, missing=missing, deadline=reply_by))
        return items
    ind = data.campaign.indicator(code)
    if ind is None:
        return []
    for i, applicable, met in attainment(data):
        if i.code == code:
            return [
                m.LateItem(
                    unit=u.name,
                    missing=ty.LETTER_MISSING_INDICATOR.format(name=i.label),
                    deadline=reply_by,
                )
                for u in applicable
                if u not in met
            ]
    return []


def topic_title(campaign: CampaignDef, code: str) -> str | None:
    deadline = campaign.deadline(code)
    if deadline is not None:
        return deadline.title
    ind = campaign.indicator(code)
    return ind.label if ind is not None else None


def reminder_letter(
    data: CityData, code: str, extra_deadlines: Sequence[Deadline] = ()
) -> m.ReminderLetter:
    title = (
        next((d.title for d in data.deadlines if d.code == code), None)
        or topic_title(data.campaign, code)
        or code
    )
    items = late_items(data, code)
    return m.ReminderLetter(
        issuer=office_issuer(data.campaign),
        subject=ty.LETTER_SUBJECT.format(title=title),
        items=tuple(items),
        reply_by=data.today + timedelta(days=7),
        signer=m.Signer(title=ty.SIGNER_PNV),
        recipients=ty.RECIPIENTS_PNV,
        data_as_of=data.as_of,
        campaign=campaign_info(data.campaign),
    )


def awards_for(campaign: CampaignDef, unit: Unit, subject: str) -> list[Award]:
    """The award forms the unit may propose for a collective or an individual."""
    from core.domain.awards import applies

    wanted = "collective" if subject == yearend.COLLECTIVE else "individual"
    return [a for a in campaign.awards if a.for_ in (wanted, "both") and applies(a, unit)]


# -- the command line ------------------------------------------------------------------------


class DraftError(Exception):
    """A draft that cannot be written, said in Vietnamese."""


UNIT_KINDS = ("bao-cao-thanh-tich", "to-trinh", "bien-ban")


async def draft_files(
    conn: AsyncConnection,
    campaign: CampaignDef,
    *,
    campaign_id: str,
    kind: str,
    unit_code: str | None,
    topic: str | None,
    out: Path,
    now: datetime,
    warn: Callable[[str], None],
) -> tuple[list[tuple[Path, bytes]], str]:
    """The files `python -m bot draft KIND` writes, and the time of the data they reflect."""
    tz = ZoneInfo(campaign.campaign.timezone)
    if unit_code and kind in UNIT_KINDS:
        code = unit_code.upper()
        unit = campaign.unit(code)
        row = await get_unit_by_code(conn, campaign_id=campaign_id, code=code)
        if unit is None or row is None:
            raise DraftError(ty.CLI_UNKNOWN_UNIT.format(code=unit_code))
        data = await unit_data(
            conn, campaign, campaign_id=campaign_id, unit=unit, unit_id=row.id, now=now, tz=tz
        )
        if not data.nominations:
            warn(ty.CLI_NO_NOMINEES.format(unit=unit.name))
        return unit_files(campaign, data, kind, out), data.as_of.strftime("%d/%m/%Y %H:%M")
    city = await city_data(conn, campaign, campaign_id=campaign_id, kinds=None, now=now, tz=tz)
    as_of = city.as_of.strftime("%d/%m/%Y %H:%M")
    if kind == "to-trinh":
        return [(out, drafts.render_to_trinh(city_proposal(city), m.Scope.CITY))], as_of
    if kind == "tong-ket":
        summary = city_summary(city)
        annex = out.with_name(f"{out.stem}-phu-luc.xlsx")
        return [
            (out, drafts.render_tong_ket(summary)),
            (annex, drafts.render_tong_ket_xlsx(summary)),
        ], as_of
    codes = ", ".join(c for _, c in letter_topics(city)) or "—"
    if not topic:
        raise DraftError(ty.CLI_NEEDS_DEADLINE.format(codes=codes))
    code = topic.upper()
    if topic_title(campaign, code) is None and not any(d.code == code for d in city.deadlines):
        raise DraftError(ty.CLI_UNKNOWN_DEADLINE.format(code=topic, codes=codes))
    return [(out, drafts.render_cong_van(reminder_letter(city, code)))], as_of


def unit_files(
    campaign: CampaignDef, data: UnitData, kind: str, out: Path
) -> list[tuple[Path, bytes]]:
    """A unit's draft of `kind` (one achievement report per proposal: FILE, FILE-2, …)."""
    if kind == "bao-cao-thanh-tich":
        reports = achievement_reports(campaign, data)
        return [
            (
                out if n == 1 else out.with_name(f"{out.stem}-{n}{out.suffix}"),
                drafts.render_bao_cao_thanh_tich(report),
            )
            for n, report in enumerate(reports, start=1)
        ]
    if kind == "to-trinh":
        return [(out, drafts.render_to_trinh(unit_proposal(campaign, data), m.Scope.UNIT))]
    return [(out, drafts.render_bien_ban(unit_minutes(campaign, data)))]


Job = tuple[Path, Callable[[], bytes]]


def writer(jobs: Sequence[Job]) -> Callable[[], Awaitable[None]]:
    """Render and write files after the commit (a conversation's replies name the paths)."""

    async def write() -> None:
        def go() -> None:
            for path, render in jobs:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(render())

        await asyncio.to_thread(go)

    return write
