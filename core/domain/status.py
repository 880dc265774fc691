"""What a unit has done and still owes, and the campaign-wide view: plain functions, no I/O.

The storage layer gathers a unit's *facts* (indicator values, report submissions, documents,
initiatives, moved deadlines); the functions here turn them, with the campaign file, into:

- a unit's status (:func:`unit_status`): each indicator of the current period against its
  target, the documents due, the initiatives, every deadline met on time, late or still open;
- the overview (:func:`overview`): completeness and timeliness by unit kind for a month;
- who is overdue on each deadline (:func:`overdue_by_deadline`) and who is missing a deadline or
  an indicator (:func:`missing_deadline`, :func:`missing_indicator`), for urging.

Periods. A unit reports for a month; a value is stored under its own period (see
:mod:`core.domain.periods`). The *current period* of an indicator for a month is the latest of
its periods that the reports up to that month have asked: in April a monthly indicator is at
``2024-04``, a quarterly one still at ``2024-Q1`` (``2024-Q2`` is asked in June), an annual one
is not due yet. Deadlines are compared with local dates in the campaign's time zone.
"""

from __future__ import annotations

import calendar
import functools
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from core.campaign.schema import Campaign, Deadline, Indicator, Unit
from core.dates import local_date  # also read from here by older callers
from core.domain.periods import Month, period_for
from core.domain.values import from_json
from core.vntext import fold

FREQUENCIES = ("monthly", "quarterly", "semiannual", "annual", "once")
#: Initiative statuses that no longer count as a registration.
WITHDRAWN = frozenset({"withdrawn", "cancelled", "rejected"})
#: Initiative statuses by which the unit itself took the registration back.
TAKEN_BACK = frozenset({"withdrawn", "cancelled"})
#: Initiative statuses that count as applied effectively.
EFFECTIVE = frozenset({"effective", "recognized"})


# --------------------------------------------------------------------------- facts


@dataclass(frozen=True, slots=True)
class ValueFact:
    """A stored indicator value (``value`` in its JSON form; ``None`` when skipped)."""

    value: Any
    display: str = ""
    skipped_reason: str | None = None
    review_status: str = "pending"
    review_comment: str | None = None

    @property
    def reported(self) -> bool:
        return self.value is not None


@dataclass(frozen=True, slots=True)
class DocumentFact:
    """The documents of one type a unit sent: the first time, and the latest one's review."""

    doc_type: str
    first_submitted_at: datetime
    last_submitted_at: datetime
    count: int = 1
    number: str = ""
    review_status: str = "pending"
    review_comment: str | None = None


@dataclass(frozen=True, slots=True)
class InitiativeFact:
    title: str
    status: str
    created_at: datetime
    kind: str = "sang_kien"

    @property
    def live(self) -> bool:
        return self.status not in WITHDRAWN


@dataclass
class UnitFacts:
    """Everything stored about one unit that status and awards look at."""

    values: dict[tuple[str, str], ValueFact] = field(default_factory=dict)
    submissions: dict[str, datetime] = field(default_factory=dict)  # period → first submitted
    documents: dict[str, DocumentFact] = field(default_factory=dict)  # by document type
    initiatives: list[InitiativeFact] = field(default_factory=list)
    dossier_filed_at: datetime | None = None  # a proposal's dossier first complete (/hoso)

    def live_initiatives(self) -> list[InitiativeFact]:
        return [i for i in self.initiatives if i.live]

    def registered_initiatives(self) -> list[InitiativeFact]:
        """Initiatives the unit registered and did not take back: one it registered that was
        not accepted still counts as registered (it only does not count as effective)."""
        return [i for i in self.initiatives if i.status not in TAKEN_BACK]

    def effective_initiatives(self) -> list[InitiativeFact]:
        """Initiatives found to be applied effectively (the plan's 10% share counts these)."""
        return [i for i in self.initiatives if i.status in EFFECTIVE]


@dataclass(frozen=True, slots=True)
class DeadlineChange:
    """An admin's change to a deadline: moved (an existing code) or added (with a spec)."""

    code: str
    due: date
    spec: Mapping[str, Any] | None = None


def effective_deadlines(
    campaign: Campaign, changes: Iterable[DeadlineChange] = ()
) -> tuple[Deadline, ...]:
    """The campaign's deadlines with admins' changes applied: moved ones take their new date,
    added ones (a complete spec) follow the file's; an unreadable spec is ignored."""
    by_code = {c.code: c for c in changes}
    out = [
        d.model_copy(update={"due": by_code[d.code].due}) if d.code in by_code else d
        for d in campaign.deadlines
    ]
    for change in by_code.values():
        if campaign.deadline(change.code) is None and change.spec:
            try:
                out.append(
                    Deadline.model_validate({**change.spec, "code": change.code, "due": change.due})
                )
            except ValidationError:
                continue
    return tuple(out)


def deadlines_for(unit: Unit, deadlines: Iterable[Deadline]) -> tuple[Deadline, ...]:
    """The deadlines that concern ``unit`` (it must exist on the due date)."""
    return tuple(d for d in deadlines if d.applies_to.covers(unit) and unit.is_active_on(d.due))


# --------------------------------------------------------------------------- periods


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def period_bounds(frequency: str, day: date) -> tuple[str, date, date]:
    """The period of ``frequency`` that contains ``day``: (code, first day, last day)."""
    y, m = day.year, day.month
    if frequency == "monthly":
        return f"{y}-{m:02d}", date(y, m, 1), _last_day(y, m)
    if frequency == "quarterly":
        q = (m - 1) // 3 + 1
        return f"{y}-Q{q}", date(y, 3 * q - 2, 1), _last_day(y, 3 * q)
    if frequency == "semiannual":
        h = 1 if m <= 6 else 2
        return f"{y}-H{h}", date(y, 6 * h - 5, 1), _last_day(y, 6 * h)
    if frequency in ("annual", "once"):
        code = str(y) if frequency == "annual" else f"{y}-ONCE"
        return code, date(y, 1, 1), date(y, 12, 31)
    raise ValueError(f"unknown frequency {frequency!r}")


def _asked(frequency: str, due: date) -> tuple[str, date]:
    """(code, last day) of the latest period of ``frequency`` that ends on or before ``due``;
    a one-off report's is the due date's year's one-off period."""
    if frequency == "once":
        return f"{due.year}-ONCE", due
    code, start, end = period_bounds(frequency, due)
    if end > due:
        code, start, end = period_bounds(frequency, start - timedelta(days=1))
    return code, end


def asked_period(frequency: str, due: date) -> str:
    """The period a deadline on ``due`` asks a report of ``frequency`` for (the one to name)."""
    return _asked(frequency, due)[0]


@functools.lru_cache(maxsize=4096)  # asked per unit and deadline by the views: the same few
def report_periods(frequency: str, due: date) -> frozenset[str]:
    """The periods whose report fulfils a deadline on ``due`` for a report of ``frequency``.

    The deadline asks for the latest period of ``frequency`` that ends on or before ``due``
    (`asked_period`); it is reported in the report for that period's last month, which also
    carries the finer periods of that month. Any of them shows the report was sent (a unit may
    have no indicator of ``frequency`` itself: a commune without annual indicators reports the
    year as ``2024-12`` and ``2024-Q4``). One-off values are left out: they are answered once;
    a deadline for a one-off report asks for that year's one-off period only.

    This is the one rule: the views (`fulfilled_at`) and the reminder sender (the SQL of
    `storage.queries.deadlines`, through `fulfilling_periods`) both ask it.
    """
    code, end = _asked(frequency, due)
    if frequency == "once":
        return frozenset({code})
    month = Month(end.year, end.month)
    found = {code}
    for f in FREQUENCIES:
        if f == "once":
            continue
        p = period_for(f, month)
        if p is not None:
            found.add(p)
    return frozenset(found)


def fulfilling_periods(deadline: Deadline) -> frozenset[str]:
    """The report periods whose submission fulfils `deadline` (none unless a report does)."""
    report = deadline.fulfilled_by.report
    return report_periods(report.frequency, deadline.due) if report is not None else frozenset()


def deadline_report_periods(deadlines: Collection[Deadline]) -> frozenset[str]:
    """Every period whose submission can fulfil one of these deadlines."""
    return frozenset(p for d in deadlines for p in fulfilling_periods(d))


def current_period(frequency: str, month: Month, first: Month) -> str | None:
    """The latest period of ``frequency`` asked by the reports from ``first`` to ``month``."""
    m = month
    while m >= first:
        p = period_for(frequency, m)
        if p is not None:
            return p
        m = m.previous()
    return None


def final_period(frequency: str, campaign: Campaign) -> str:
    """The last period of ``frequency`` in the campaign (its value is the year's result)."""
    return period_bounds(frequency, campaign.campaign.period.end)[0]


def clamp_month(campaign: Campaign, month: Month) -> Month:
    p = campaign.campaign.period
    return min(max(month, Month.of(p.start)), Month.of(p.end))


def status_month(campaign: Campaign, today: date) -> Month:
    """The month a unit is working on: the current one, within the campaign."""
    return clamp_month(campaign, Month.of(today))


def overview_month(campaign: Campaign, today: date) -> Month:
    """The month an overview looks at by default: the latest one that has ended."""
    return clamp_month(campaign, Month.of(today).previous())


def report_month(period: str) -> Month | None:
    """The month whose report asks ``period`` (its last month); None for one-off values."""
    if period.endswith("-ONCE"):
        return None
    year, _, rest = period.partition("-")
    if not rest:
        return Month(int(year), 12)
    if rest[0] == "Q":
        return Month(int(year), 3 * int(rest[1:]))
    if rest[0] == "H":
        return Month(int(year), 6 * int(rest[1:]))
    return Month(int(year), int(rest))


def month_periods(campaign: Campaign, month: Month) -> frozenset[str]:
    """Every period code the report for ``month`` asks, whatever the unit."""
    return frozenset(
        p for f in {i.frequency for i in campaign.indicators} if (p := period_for(f, month))
    )


# --------------------------------------------------------------------------- indicators


class IndicatorState(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    REPORTED = "reported"  # a value without a target (free text)
    RETURNED = "returned"  # sent back by an admin for correction
    SKIPPED = "skipped"  # skipped, with a reason
    MISSING = "missing"
    NOT_DUE = "not_due"  # no period of it has been asked yet


@dataclass(frozen=True, slots=True)
class IndicatorLine:
    indicator: Indicator
    period: str | None
    state: IndicatorState
    display: str = ""
    comment: str | None = None  # the admin's comment, or the reason for skipping

    @property
    def done(self) -> bool:
        return self.state in (IndicatorState.MET, IndicatorState.REPORTED)


def meets_target(ind: Indicator, fact: ValueFact, scale: Sequence[str]) -> bool | None:
    """Whether a reported value meets the indicator's target (None: it has no target)."""
    if ind.target is None:
        return None
    try:
        actual = from_json(fact.value, ind.type)
    except (TypeError, ValueError):
        return False
    return ind.target.is_met(actual, scale)


def indicator_line(
    ind: Indicator, period: str | None, fact: ValueFact | None, scale: Sequence[str]
) -> IndicatorLine:
    if period is None:
        return IndicatorLine(ind, None, IndicatorState.NOT_DUE)
    if fact is None:
        return IndicatorLine(ind, period, IndicatorState.MISSING)
    if fact.review_status == "returned":
        return IndicatorLine(
            ind, period, IndicatorState.RETURNED, fact.display, fact.review_comment
        )
    if not fact.reported:
        return IndicatorLine(ind, period, IndicatorState.SKIPPED, "", fact.skipped_reason)
    met = meets_target(ind, fact, scale)
    state = (
        IndicatorState.REPORTED
        if met is None
        else (IndicatorState.MET if met else IndicatorState.NOT_MET)
    )
    return IndicatorLine(ind, period, state, fact.display)


# --------------------------------------------------------------------------- deadlines


class DeadlineState(StrEnum):
    ON_TIME = "on_time"
    LATE = "late"  # fulfilled after the due date
    OVERDUE = "overdue"  # past due, not fulfilled
    OPEN = "open"  # not yet due, not yet fulfilled


@dataclass(frozen=True, slots=True)
class DeadlineLine:
    deadline: Deadline
    state: DeadlineState
    done_at: datetime | None
    days: int  # days late or overdue; days left when open

    @property
    def done(self) -> bool:
        return self.done_at is not None


def fulfilled_at(deadline: Deadline, facts: UnitFacts) -> datetime | None:
    """When the unit first did what the deadline asks, if it has."""
    how = deadline.fulfilled_by
    if how.document is not None:
        doc = facts.documents.get(how.document)
        return doc.first_submitted_at if doc else None
    if how.initiative is not None:
        times = [i.created_at for i in facts.live_initiatives()]
        return min(times) if times else None
    if how.dossier is not None:
        return facts.dossier_filed_at
    if how.report is not None:
        wanted = fulfilling_periods(deadline)
        times = [t for p, t in facts.submissions.items() if p in wanted]
        return min(times) if times else None
    return None


def deadline_line(deadline: Deadline, facts: UnitFacts, today: date, tz: ZoneInfo) -> DeadlineLine:
    done = fulfilled_at(deadline, facts)
    if done is not None:
        day = local_date(done, tz)
        if day <= deadline.due:
            return DeadlineLine(deadline, DeadlineState.ON_TIME, done, 0)
        return DeadlineLine(deadline, DeadlineState.LATE, done, (day - deadline.due).days)
    if today > deadline.due:
        return DeadlineLine(deadline, DeadlineState.OVERDUE, None, (today - deadline.due).days)
    return DeadlineLine(deadline, DeadlineState.OPEN, None, (deadline.due - today).days)


# --------------------------------------------------------------------------- one unit


@dataclass(frozen=True, slots=True)
class DocumentLine:
    """A document the unit must send (or sent), with the deadline it fulfils."""

    code: str
    label: str
    deadline: DeadlineLine | None
    fact: DocumentFact | None


@dataclass(frozen=True)
class UnitStatus:
    unit: Unit
    today: date
    month: Month
    indicators: tuple[IndicatorLine, ...]
    documents: tuple[DocumentLine, ...]
    initiatives: tuple[InitiativeFact, ...]
    deadlines: tuple[DeadlineLine, ...]
    previous_month: Month | None = None
    previous_missing: tuple[IndicatorLine, ...] = ()

    def count(self, *states: IndicatorState) -> int:
        return sum(1 for line in self.indicators if line.state in states)

    def upcoming(self, limit: int = 3) -> list[DeadlineLine]:
        """Deadlines not yet met, soonest first (overdue ones first of all)."""
        pending = [d for d in self.deadlines if not d.done]
        return sorted(pending, key=lambda d: d.deadline.due)[:limit]


def unit_status(
    campaign: Campaign,
    unit: Unit,
    facts: UnitFacts,
    *,
    today: date,
    deadlines: Sequence[Deadline],
    tz: ZoneInfo,
) -> UnitStatus:
    """The unit's status on ``today`` (a local date in the campaign's time zone)."""
    first = Month.of(campaign.campaign.period.start)
    month = status_month(campaign, today)
    scale = campaign.rating_scale
    indicators = campaign.indicators_for(unit)
    lines = tuple(
        indicator_line(ind, p, facts.values.get((ind.code, p)) if p else None, scale)
        for ind in indicators
        for p in [current_period(ind.frequency, month, first)]
    )
    mine = deadlines_for(unit, deadlines)
    deadline_lines = tuple(deadline_line(d, facts, today, tz) for d in mine)
    by_code = {d.deadline.code: d for d in deadline_lines}
    documents = []
    for dt in campaign.document_types:
        line = by_code.get(dt.deadline) if dt.deadline else None
        fact = facts.documents.get(dt.code)
        if line is None and fact is None:
            continue
        documents.append(DocumentLine(dt.code, dt.label, line, fact))
    previous = overview_month(campaign, today)
    previous_missing: tuple[IndicatorLine, ...] = ()
    if previous < month:
        previous_missing = tuple(
            line
            for ind in indicators
            if ind.frequency != "once"
            and (p := period_for(ind.frequency, previous)) is not None
            and unit.is_active_on(previous.first_day)
            for line in [indicator_line(ind, p, facts.values.get((ind.code, p)), scale)]
            if line.state in (IndicatorState.MISSING, IndicatorState.SKIPPED) and ind.required
        )
    return UnitStatus(
        unit=unit,
        today=today,
        month=month,
        indicators=lines,
        documents=tuple(documents),
        initiatives=tuple(facts.initiatives),
        deadlines=deadline_lines,
        previous_month=previous if previous < month else None,
        previous_missing=previous_missing,
    )


# --------------------------------------------------------------------------- the whole campaign


@dataclass
class KindSummary:
    """Completeness of one month's reports and timeliness of the deadlines due, for a kind."""

    kind: str
    label: str
    units: int = 0
    owing_units: int = 0  # units whose report for the month carries at least one value
    complete_units: int = 0  # … and that reported every one of them
    expected: int = 0
    reported: int = 0
    due: int = 0  # (unit, deadline) pairs whose due date has passed
    on_time: int = 0
    late: int = 0
    overdue: int = 0

    @property
    def completeness(self) -> float | None:
        return 100.0 * self.reported / self.expected if self.expected else None

    @property
    def timeliness(self) -> float | None:
        return 100.0 * self.on_time / self.due if self.due else None

    def add(self, other: KindSummary) -> None:
        for name in _COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


_COUNTS = (
    "units",
    "owing_units",
    "complete_units",
    "expected",
    "reported",
    "due",
    "on_time",
    "late",
    "overdue",
)


@dataclass(frozen=True)
class Overview:
    month: Month
    today: date
    kinds: tuple[KindSummary, ...]
    total: KindSummary


def expected_values(campaign: Campaign, unit: Unit, month: Month) -> list[tuple[Indicator, str]]:
    """The (indicator, period) pairs the unit's report for ``month`` must carry."""
    if not unit.is_active_on(month.first_day):
        return []
    return [
        (ind, p)
        for ind in campaign.indicators_for(unit)
        if ind.required and (p := period_for(ind.frequency, month)) is not None
    ]


def overview(
    campaign: Campaign,
    units: Sequence[Unit],
    facts: Mapping[str, UnitFacts],
    *,
    month: Month,
    today: date,
    deadlines: Sequence[Deadline],
    tz: ZoneInfo,
) -> Overview:
    """Completeness of the reports for ``month`` and timeliness of the deadlines due by
    ``today``, by unit kind (in the campaign's order of kinds); ``facts`` by unit code."""
    labels = {k.code: k.label for k in campaign.unit_kinds}
    by_kind = {k.code: KindSummary(k.code, k.label) for k in campaign.unit_kinds}
    empty = UnitFacts()
    for unit in units:
        s = by_kind.setdefault(unit.kind, KindSummary(unit.kind, labels.get(unit.kind, unit.kind)))
        f = facts.get(unit.code, empty)
        s.units += 1
        expected = expected_values(campaign, unit, month)
        got = sum(
            1
            for ind, p in expected
            if (v := f.values.get((ind.code, p))) is not None and v.reported
        )
        s.expected += len(expected)
        s.reported += got
        if expected:
            s.owing_units += 1
            s.complete_units += int(got == len(expected))
        for d in deadlines_for(unit, deadlines):
            if d.due >= today:
                continue
            line = deadline_line(d, f, today, tz)
            s.due += 1
            if line.state is DeadlineState.ON_TIME:
                s.on_time += 1
            elif line.state is DeadlineState.LATE:
                s.late += 1
            else:
                s.overdue += 1
    kinds = tuple(s for s in by_kind.values() if s.units)
    total = KindSummary("", "")
    for s in kinds:
        total.add(s)
    return Overview(month=month, today=today, kinds=kinds, total=total)


@dataclass(frozen=True)
class Overdue:
    """The units that have not met a deadline past its due date (and how many were late)."""

    deadline: Deadline
    units: tuple[tuple[Unit, int], ...]  # (unit, days overdue), by name
    late: int
    on_time: int


def overdue_by_deadline(
    units: Sequence[Unit],
    facts: Mapping[str, UnitFacts],
    *,
    today: date,
    deadlines: Sequence[Deadline],
    tz: ZoneInfo,
) -> list[Overdue]:
    """For each deadline already past, who has still not met it (soonest due first)."""
    empty = UnitFacts()
    out = []
    for d in sorted(deadlines, key=lambda d: d.due):
        if d.due >= today:
            continue
        missing: list[tuple[Unit, int]] = []
        late = on_time = 0
        for unit in units:
            if not (d.applies_to.covers(unit) and unit.is_active_on(d.due)):
                continue
            line = deadline_line(d, facts.get(unit.code, empty), today, tz)
            if line.state is DeadlineState.OVERDUE:
                missing.append((unit, line.days))
            elif line.state is DeadlineState.LATE:
                late += 1
            else:
                on_time += 1
        if missing or late or on_time:
            missing.sort(key=lambda x: fold(x[0].name))
            out.append(Overdue(d, tuple(missing), late, on_time))
    return out


def missing_deadline(
    deadline: Deadline, units: Sequence[Unit], facts: Mapping[str, UnitFacts]
) -> list[Unit]:
    """The units that the deadline concerns and that have not yet met it."""
    empty = UnitFacts()
    return [
        u
        for u in units
        if deadline.applies_to.covers(u)
        and u.is_active_on(deadline.due)
        and fulfilled_at(deadline, facts.get(u.code, empty)) is None
    ]


def missing_indicator(
    ind: Indicator, period: str, units: Sequence[Unit], facts: Mapping[str, UnitFacts], *, day: date
) -> list[Unit]:
    """The units that must report ``ind`` (and exist on ``day``) without a value for ``period``."""
    empty = UnitFacts()
    out = []
    for u in units:
        if not (ind.applies_to_unit(u) and u.is_active_on(day)):
            continue
        fact = facts.get(u.code, empty).values.get((ind.code, period))
        if fact is None or not fact.reported:
            out.append(u)
    return out
