"""Award eligibility from the campaign file's rules: plain functions, no I/O.

Each criterion of an award names one machine-checkable check (see
:mod:`core.campaign.schema`); :func:`evaluate` computes its outcome for a unit from the unit's
facts, and keeps the evidence behind it (the deadlines, the values, the initiatives looked
at), so that a unit is shown what it still lacks and an officer why a unit ranks where it does.

Outcomes: ``met``; ``not_met`` (the evidence so far fails it: a deadline missed, a value below
its target); ``open`` (the evidence is not complete yet: a deadline not yet due, a value not yet
reported); ``not_applicable`` (counts as met, e.g. i3 for a unit without an annual reform index);
``assessment`` (an officer decides, and has not yet: *chưa đánh giá*).

Criteria an officer decides (``admin_assessment``, e.g. g0) take the officer's stored verdict
(:class:`AssessmentFact`, given to :func:`evaluate`): ``met`` or ``not_met``, with the reason.

Indicator criteria look at the latest value a unit reported for each indicator; a value of a
period before the campaign's last one is *provisional* (the year's result may still change).
An indicator ``judged_over: every_period`` is judged on every period of the year. City-wide
outcomes (``scope: city``) are judged as the city's (:func:`city_outcomes`): the office reporting
them is judged on reporting them. Once the year's results are final
(:func:`results_final`), a value never reported fails: *không đạt (không báo cáo)*.

i1 (``reform_tasks``) is the unit's own reform tasks: Phòng Nội vụ's assessment when given,
otherwise the completion the unit reports; paperwork deadlines are shown as lateness, never
counted. A ``deadlines_met`` check counts only deadlines it names or that are marked
``decides_eligibility``.

A unit that ended before the year did is not proposed for the year's awards
(:func:`lived_through`); its history passes to its successor.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from core.campaign.schema import (
    AdminAssessmentCheck,
    Award,
    Campaign,
    Criterion,
    Deadline,
    DeadlinesMetCheck,
    Indicator,
    IndicatorsMetCheck,
    InitiativeRegisteredCheck,
    RatingAtLeastCheck,
    ReformTasksCheck,
    Unit,
)
from core.domain.periods import Month, period_for
from core.domain.status import (
    DeadlineLine,
    DeadlineState,
    IndicatorLine,
    IndicatorState,
    UnitFacts,
    ValueFact,
    deadline_line,
    deadlines_for,
    final_period,
    indicator_line,
)
from core.vntext import fold


class Outcome(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    OPEN = "open"
    NOT_APPLICABLE = "not_applicable"
    ASSESSMENT = "assessment"


SATISFIED = frozenset({Outcome.MET, Outcome.NOT_APPLICABLE})


@dataclass(frozen=True, slots=True)
class AssessmentFact:
    """An officer's verdict on an ``admin_assessment`` criterion for a unit."""

    met: bool
    comment: str | None
    assessed_at: datetime
    assessor: str = ""  # the officer's name
    office: str = ""  # the officer's office, e.g. Phòng Nội vụ


#: A unit's verdicts by (award code, criterion id).
Assessments = Mapping[tuple[str, str], AssessmentFact]


@dataclass(frozen=True)
class CriterionResult:
    """One criterion for one unit, with the evidence behind its outcome."""

    criterion: Criterion
    outcome: Outcome
    deadlines: tuple[DeadlineLine, ...] = ()  # deadlines_met: each deadline considered
    indicators: tuple[IndicatorLine, ...] = ()  # indicators_met, rating_at_least: values used
    initiatives: int = 0  # initiative_registered: how many are registered
    required: int = 0  # initiative_registered: how many are needed
    provisional: bool = False  # based on values of a period before the campaign's last
    assessment: AssessmentFact | None = None  # admin_assessment: the officer's verdict, if any
    final: bool = False  # the year's results are final: a missing value fails
    lateness: tuple[DeadlineLine, ...] = ()  # reform_tasks: deadlines shown, never counted

    @property
    def machine(self) -> bool:
        """Whether the bot computes it (an officer's assessment is not computed)."""
        return not isinstance(self.criterion.check, AdminAssessmentCheck)

    @property
    def unreported(self) -> tuple[IndicatorLine, ...]:
        """Values never reported (once results are final, these fail the criterion)."""
        return tuple(
            i
            for i in self.indicators
            if i.state in (IndicatorState.MISSING, IndicatorState.SKIPPED, IndicatorState.NOT_DUE)
        )

    @property
    def awaiting(self) -> bool:
        """An officer's criterion not assessed yet."""
        return self.outcome is Outcome.ASSESSMENT

    @property
    def satisfied(self) -> bool:
        return self.outcome in SATISFIED

    def failing_deadlines(self) -> list[DeadlineLine]:
        return [d for d in self.deadlines if d.state is not DeadlineState.ON_TIME]

    def failing_indicators(self) -> list[IndicatorLine]:
        return [i for i in self.indicators if i.state is not IndicatorState.MET]


@dataclass(frozen=True)
class AwardResult:
    award: Award
    unit: Unit
    criteria: tuple[CriterionResult, ...]

    @property
    def machine(self) -> tuple[CriterionResult, ...]:
        return tuple(c for c in self.criteria if c.machine)

    @property
    def met(self) -> int:
        """Machine-checked criteria met (or not applicable)."""
        return sum(1 for c in self.machine if c.satisfied)

    @property
    def eligible(self) -> bool:
        """Every machine-checked criterion met (whatever the officers' assessments say)."""
        return all(c.satisfied for c in self.machine)

    @property
    def assessed(self) -> tuple[CriterionResult, ...]:
        """The criteria an officer decides."""
        return tuple(c for c in self.criteria if not c.machine)

    @property
    def awaiting(self) -> tuple[CriterionResult, ...]:
        """Officers' criteria not assessed yet."""
        return tuple(c for c in self.assessed if c.awaiting)

    @property
    def refused(self) -> tuple[CriterionResult, ...]:
        """Officers' criteria assessed as not met."""
        return tuple(c for c in self.assessed if c.outcome is Outcome.NOT_MET)

    @property
    def qualified(self) -> bool:
        """Every criterion met, the officers' assessments included: the unit may be proposed."""
        return all(c.satisfied for c in self.criteria)

    @property
    def gaps(self) -> tuple[CriterionResult, ...]:
        """What stands in the way: criteria failed or still open (not those awaiting an
        officer's assessment)."""
        return tuple(c for c in self.criteria if not c.satisfied and not c.awaiting)

    def sort_key(self) -> tuple[int, int, int, int, int, int, str]:
        values_met = sum(
            1 for c in self.criteria for i in c.indicators if i.state is IndicatorState.MET
        )
        on_time = sum(
            1 for c in self.criteria for d in c.deadlines if d.state is DeadlineState.ON_TIME
        )
        not_met = sum(1 for c in self.criteria if c.outcome is Outcome.NOT_MET)
        return (
            -int(self.qualified),
            -int(self.eligible and not self.refused),
            -self.met,
            not_met,
            -values_met,
            -on_time,
            fold(self.unit.name),
        )


def results_final(campaign: Campaign, today: date) -> bool:
    """Whether the year's results are final on ``today``: a value never reported then fails
    (unless the campaign file says ``missing_after_close: open``)."""
    info = campaign.campaign
    if info.missing_after_close == "open":
        return False
    return today > (info.results_final_after or info.period.end)


def lived_through(unit: Unit, campaign: Campaign) -> bool:
    """Whether the unit existed until the campaign's end (a unit that closed is not proposed
    for the year's awards: its successor carries its history)."""
    return unit.is_active_on(campaign.campaign.period.end)


def successor_of(unit: Unit, campaign: Campaign) -> Unit | None:
    """The unit that took over ``unit`` (per the campaign file), if any."""
    if unit.successor is None:
        return None
    return campaign.unit(unit.successor.unit)


def predecessors_of(unit: Unit, campaign: Campaign) -> tuple[Unit, ...]:
    """The units ``unit`` took over (their people's history is its people's to see)."""
    return tuple(
        u for u in campaign.units if u.successor is not None and u.successor.unit == unit.code
    )


def machine_awards(campaign: Campaign) -> tuple[Award, ...]:
    """Awards for collectives that have at least one criterion the bot can check."""
    return tuple(
        a
        for a in campaign.awards
        if a.for_ in ("collective", "both")
        and any(not isinstance(c.check, AdminAssessmentCheck) for c in a.criteria)
    )


def applies(award: Award, unit: Unit, campaign: Campaign | None = None) -> bool:
    """Whether ``unit`` may be proposed for ``award`` as a collective (with ``campaign``: and it
    lived through the campaign's year)."""
    if campaign is not None and not lived_through(unit, campaign):
        return False
    return award.for_ in ("collective", "both") and (
        award.applies_to is None or award.applies_to.covers(unit)
    )


def officer_criteria(award: Award, office: str | None = None) -> tuple[Criterion, ...]:
    """The award's criteria an officer decides; with ``office`` (a unit code), those that
    office may decide (a criterion's ``check.by`` names the only office that may)."""
    return tuple(
        c
        for c in award.criteria
        if isinstance(c.check, AdminAssessmentCheck | ReformTasksCheck)
        and (office is None or c.check.by is None or c.check.by == office)
    )


def officer_results(
    award: Award, assessments: Assessments | None, office: str | None = None
) -> tuple[CriterionResult, ...]:
    """The outcomes of the award's criteria an officer (of ``office``) decides."""
    verdicts = assessments or {}
    return tuple(
        _assessed(c, verdicts.get((award.code, c.id))) for c in officer_criteria(award, office)
    )


def assessable_awards(campaign: Campaign, unit: Unit, office: str) -> tuple[Award, ...]:
    """The awards ``unit`` may be proposed for as a collective that have criteria ``office``
    decides (individuals are proposed by name, not assessed per unit)."""
    return tuple(a for a in campaign.awards if applies(a, unit) and officer_criteria(a, office))


def latest_fact(
    facts: UnitFacts, code: str, *, reported_only: bool = True
) -> tuple[str, ValueFact] | None:
    """The latest period (and its value) the unit has for an indicator.

    Period codes of one indicator share a frequency, so they sort as text."""
    found = [
        (p, f)
        for (c, p), f in facts.values.items()
        if c == code and (f.reported or not reported_only)
    ]
    return max(found, key=lambda pf: pf[0]) if found else None


def evaluate(
    award: Award,
    campaign: Campaign,
    unit: Unit,
    facts: UnitFacts,
    *,
    today: date,
    deadlines: Sequence[Deadline],
    tz: ZoneInfo,
    assessments: Assessments | None = None,
) -> AwardResult:
    """Every criterion of ``award`` for ``unit`` on ``today``; officers' criteria from
    ``assessments`` (the unit's verdicts by award and criterion; missing: not assessed yet)."""
    verdicts = assessments or {}
    own = frozenset(
        c.check.indicator for c in award.criteria if isinstance(c.check, ReformTasksCheck)
    )
    results = tuple(
        _assessed(c, verdicts.get((award.code, c.id)))
        if isinstance(c.check, AdminAssessmentCheck)
        else _reform_tasks(
            c,
            c.check,
            campaign,
            unit,
            facts,
            verdicts.get((award.code, c.id)),
            today=today,
            deadlines=deadlines,
            tz=tz,
        )
        if isinstance(c.check, ReformTasksCheck)
        else _criterion(c, campaign, unit, facts, today=today, deadlines=deadlines, tz=tz, skip=own)
        for c in award.criteria
    )
    return AwardResult(award, unit, results)


def _reform_tasks(  # noqa: PLR0917 - the criterion, its check and the unit's evidence
    criterion: Criterion,
    check: ReformTasksCheck,
    campaign: Campaign,
    unit: Unit,
    facts: UnitFacts,
    verdict: AssessmentFact | None,
    *,
    today: date,
    deadlines: Sequence[Deadline],
    tz: ZoneInfo,
) -> CriterionResult:
    shown = tuple(
        deadline_line(d, facts, today, tz)
        for d in deadlines_for(unit, deadlines)
        if d.code in check.show_deadlines
    )
    late = tuple(d for d in shown if d.state in (DeadlineState.LATE, DeadlineState.OVERDUE))
    final = results_final(campaign, today)
    ind = campaign.indicator(check.indicator)
    lines: tuple[IndicatorLine, ...] = ()
    outcome = Outcome.OPEN
    if ind is not None:
        line = _latest_line(ind, campaign, facts)
        lines = (line,)
        if line.state is IndicatorState.MET:
            outcome = Outcome.MET
        elif line.state is IndicatorState.NOT_MET or (
            final and line.state is not IndicatorState.RETURNED
        ):
            outcome = Outcome.NOT_MET
    if verdict is not None:  # Phòng Nội vụ's assessment decides
        outcome = Outcome.MET if verdict.met else Outcome.NOT_MET
    return CriterionResult(
        criterion, outcome, indicators=lines, assessment=verdict, final=final, lateness=late
    )


def _latest_line(ind: Indicator, campaign: Campaign, facts: UnitFacts) -> IndicatorLine:
    final = final_period(ind.frequency, campaign)
    latest = latest_fact(facts, ind.code) or latest_fact(facts, ind.code, reported_only=False)
    if latest is None:
        return indicator_line(ind, final, None, campaign.rating_scale)
    period, fact = latest
    return indicator_line(ind, period, fact, campaign.rating_scale)


def _assessed(criterion: Criterion, verdict: AssessmentFact | None) -> CriterionResult:
    if verdict is None:
        return CriterionResult(criterion, Outcome.ASSESSMENT)
    outcome = Outcome.MET if verdict.met else Outcome.NOT_MET
    return CriterionResult(criterion, outcome, assessment=verdict)


def _criterion(
    criterion: Criterion,
    campaign: Campaign,
    unit: Unit,
    facts: UnitFacts,
    *,
    today: date,
    deadlines: Sequence[Deadline],
    tz: ZoneInfo,
    skip: frozenset[str] = frozenset(),
) -> CriterionResult:
    check = criterion.check
    if isinstance(check, DeadlinesMetCheck):
        return _deadlines_met(
            criterion, check, unit, facts, today=today, deadlines=deadlines, tz=tz
        )
    if isinstance(check, IndicatorsMetCheck):
        return _indicators_met(criterion, check, campaign, unit, facts, today=today, skip=skip)
    if isinstance(check, RatingAtLeastCheck):
        return _rating_at_least(criterion, check, campaign, unit, facts, today=today)
    if isinstance(check, InitiativeRegisteredCheck):
        count = len(facts.registered_initiatives())
        if count >= check.min_count:
            outcome = Outcome.MET
        else:
            outcome = Outcome.NOT_MET if today > campaign.campaign.period.end else Outcome.OPEN
        return CriterionResult(criterion, outcome, initiatives=count, required=check.min_count)
    return CriterionResult(criterion, Outcome.ASSESSMENT)


def _deadlines_met(
    criterion: Criterion,
    check: DeadlinesMetCheck,
    unit: Unit,
    facts: UnitFacts,
    *,
    today: date,
    deadlines: Sequence[Deadline],
    tz: ZoneInfo,
) -> CriterionResult:
    # Only deadlines the file says count: named by the check, or marked decides_eligibility.
    mine = tuple(
        d
        for d in deadlines_for(unit, deadlines)
        if (check.deadlines is not None and d.code in check.deadlines)
        or (check.deadlines is None and d.decides_eligibility)
    )
    lines = tuple(deadline_line(d, facts, today, tz) for d in mine)
    states = {line.state for line in lines}
    if not lines:
        return CriterionResult(criterion, Outcome.NOT_APPLICABLE)
    if states & {DeadlineState.LATE, DeadlineState.OVERDUE}:
        outcome = Outcome.NOT_MET
    elif DeadlineState.OPEN in states:
        outcome = Outcome.OPEN
    else:
        outcome = Outcome.MET
    return CriterionResult(criterion, outcome, deadlines=lines)


def _indicators_met(
    criterion: Criterion,
    check: IndicatorsMetCheck,
    campaign: Campaign,
    unit: Unit,
    facts: UnitFacts,
    *,
    today: date,
    skip: frozenset[str] = frozenset(),
) -> CriterionResult:
    wanted = [
        ind
        for ind in campaign.indicators_for(unit)
        if ind.required
        and ind.target is not None
        and ind.code not in skip
        and (check.indicators is None or ind.code in check.indicators)
    ]
    lines = []
    provisional = False
    for ind in wanted:
        final = final_period(ind.frequency, campaign)
        if ind.judged_over == "every_period" and ind.scope == "unit":
            period_lines = _every_period(ind, campaign, unit, facts, today)
            lines += period_lines
            provisional = provisional or not results_final(campaign, today)
            continue
        latest = latest_fact(facts, ind.code) or latest_fact(facts, ind.code, reported_only=False)
        if latest is None:
            lines.append(indicator_line(ind, final, None, campaign.rating_scale))
            continue
        period, fact = latest
        provisional = provisional or period < final
        line = indicator_line(ind, period, fact, campaign.rating_scale)
        if line.state is IndicatorState.RETURNED and fact.reported:
            # Returned for correction: judged on the value as it stands, comment kept.
            judged = indicator_line(
                ind, period, ValueFact(fact.value, fact.display), campaign.rating_scale
            )
            line = IndicatorLine(ind, period, judged.state, fact.display, fact.review_comment)
        if ind.scope == "city" and line.state in (IndicatorState.MET, IndicatorState.NOT_MET):
            # A city-wide outcome: the office is judged on reporting it, not on the city's result.
            line = IndicatorLine(ind, period, IndicatorState.REPORTED, line.display, line.comment)
        lines.append(line)
    final_now = results_final(campaign, today)
    required = check.initiatives
    registered = len(facts.registered_initiatives()) if required else 0
    outcome = _outcome_of(lines, final=final_now)
    if required and registered < required:
        if final_now or today > campaign.campaign.period.end:
            outcome = Outcome.NOT_MET
        elif outcome is Outcome.MET:
            outcome = Outcome.OPEN
    return CriterionResult(
        criterion,
        outcome,
        indicators=tuple(lines),
        provisional=provisional,
        initiatives=registered,
        required=required,
        final=final_now,
    )


def _every_period(
    ind: Indicator, campaign: Campaign, unit: Unit, facts: UnitFacts, today: date
) -> list[IndicatorLine]:
    """One line per period of the year the unit lived through that has been asked by
    ``today``; a period met stays out (only the failing or missing ones and, when all are met,
    the latest are kept as evidence)."""
    period = campaign.campaign.period
    month, last = Month.of(period.start), min(Month.of(period.end), Month.of(today))
    if results_final(campaign, today):
        last = Month.of(period.end)
    seen: list[IndicatorLine] = []
    while month <= last:
        p = period_for(ind.frequency, month)
        if (
            p is not None
            and unit.is_active_on(month.first_day)
            and (month < Month.of(today) or results_final(campaign, today))
        ):
            seen.append(
                indicator_line(ind, p, facts.values.get((ind.code, p)), campaign.rating_scale)
            )
        month = month.next()
    failing = [line for line in seen if line.state is not IndicatorState.MET]
    if failing:
        return failing
    return (
        seen[-1:]
        if seen
        else [
            indicator_line(ind, final_period(ind.frequency, campaign), None, campaign.rating_scale)
        ]
    )


def _outcome_of(lines: Iterable[IndicatorLine], *, final: bool = False) -> Outcome:
    states = {line.state for line in lines}
    if IndicatorState.NOT_MET in states:
        return Outcome.NOT_MET
    if states - {IndicatorState.MET, IndicatorState.REPORTED}:
        if final and states - {
            IndicatorState.MET,
            IndicatorState.REPORTED,
            IndicatorState.RETURNED,
        }:
            return Outcome.NOT_MET  # the year is over: not reported is not met
        return Outcome.OPEN
    return Outcome.MET


def _rating_at_least(
    criterion: Criterion,
    check: RatingAtLeastCheck,
    campaign: Campaign,
    unit: Unit,
    facts: UnitFacts,
    *,
    today: date,
) -> CriterionResult:
    if check.only_if_unit_flag is not None and not unit.has_flag(check.only_if_unit_flag):
        return CriterionResult(criterion, Outcome.NOT_APPLICABLE)
    ind = campaign.indicator(check.indicator)
    if ind is None:  # pragma: no cover - the campaign file's references are checked on load
        return CriterionResult(criterion, Outcome.OPEN)
    latest = latest_fact(facts, ind.code)
    if latest is None:
        line = indicator_line(ind, final_period(ind.frequency, campaign), None, ())
        final = results_final(campaign, today)
        outcome = Outcome.NOT_MET if final else Outcome.OPEN
        return CriterionResult(criterion, outcome, indicators=(line,), final=final)
    period, fact = latest
    wanted, actual = campaign.rating_rank(check.value), campaign.rating_rank(str(fact.value))
    met = wanted is not None and actual is not None and actual >= wanted
    line = IndicatorLine(
        ind,
        period,
        IndicatorState.MET if met else IndicatorState.NOT_MET,
        fact.display,
        fact.review_comment,
    )
    return CriterionResult(criterion, Outcome.MET if met else Outcome.NOT_MET, indicators=(line,))


def rank(results: Iterable[AwardResult]) -> list[AwardResult]:
    """Units meeting every criterion first, then those meeting every computed one (and not
    refused by an officer), then by criteria met, fewer failures, more values and deadlines
    met, and name."""
    return sorted(results, key=AwardResult.sort_key)


# --------------------------------------------------------------------------- individuals

#: Indicators that speak for an individual's "thành tích xuất sắc" (seed III.2; II.2.2 and
#: II.2.3): the head's example, discipline, initiatives, digitised records; for the media,
#: articles and propaganda initiatives. They support the officer's verdict, never decide it.
INDIVIDUAL_EVIDENCE: tuple[str, ...] = ("I01", "I02", "I03", "I04", "M01", "M02")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A person a unit proposes (name and position as the unit gave them)."""

    full_name: str
    position: str
    unit: Unit


@dataclass(frozen=True)
class IndividualResult:
    """An individual's award, judged apart from their unit's: every criterion is an officer's
    verdict (g0; "thành tích xuất sắc"); ``evidence`` is what the unit's reports show for the
    items of seed II.2.2–II.2.3, for the officer to weigh."""

    award: Award
    candidate: Candidate
    criteria: tuple[CriterionResult, ...]
    evidence: tuple[IndicatorLine, ...]

    @property
    def awaiting(self) -> tuple[CriterionResult, ...]:
        return tuple(c for c in self.criteria if c.awaiting)

    @property
    def refused(self) -> tuple[CriterionResult, ...]:
        return tuple(c for c in self.criteria if c.outcome is Outcome.NOT_MET)

    @property
    def qualified(self) -> bool:
        """Every criterion assessed as met: the person may be proposed."""
        return all(c.satisfied for c in self.criteria)


def individual_awards(campaign: Campaign, unit: Unit) -> tuple[Award, ...]:
    """Awards ``unit``'s staff may be proposed for as individuals (a closed unit's people are
    proposed by its successor, so none for a unit that did not live through the year)."""
    if not lived_through(unit, campaign):
        return ()
    return tuple(
        a
        for a in campaign.awards
        if a.for_ in ("individual", "both") and (a.applies_to is None or a.applies_to.covers(unit))
    )


def individual_evidence(
    campaign: Campaign, unit: Unit, facts: UnitFacts
) -> tuple[IndicatorLine, ...]:
    """The unit's latest values of the individual-evidence items that apply to it."""
    out = []
    for code in INDIVIDUAL_EVIDENCE:
        ind = campaign.indicator(code)
        if ind is not None and ind.applies_to_unit(unit):
            out.append(_latest_line(ind, campaign, facts))
    return tuple(out)


def evaluate_individual(
    award: Award,
    campaign: Campaign,
    candidate: Candidate,
    facts: UnitFacts,
    *,
    assessments: Assessments | None = None,
) -> IndividualResult:
    """``award`` for one person: the officers' verdicts for this person (``assessments`` by
    award and criterion; missing: not assessed yet), and the evidence from their unit's facts.
    Machine checks of a collective award (deadlines, indicators) are never applied to a
    person: their outcome is *chưa đánh giá* until an officer decides."""
    verdicts = assessments or {}
    criteria = tuple(_assessed(c, verdicts.get((award.code, c.id))) for c in award.criteria)
    return IndividualResult(
        award, candidate, criteria, individual_evidence(campaign, candidate.unit, facts)
    )
