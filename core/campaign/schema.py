"""The campaign definition: pydantic models of one campaign file, and its cross-reference rules.

A campaign file (YAML, see ``bot/campaigns/mongcai-2024.yaml``) declares who takes part (unit kinds
and units), what they report (indicators with targets), what is due when (document types and
deadlines with a reminder policy) and how awards are decided (machine-checkable criteria and the
dossier). The engine is generic: nothing here knows about Móng Cái.

Structure is checked by the models (unknown fields are refused); references between sections
(a unit's kind, an indicator's kinds, a deadline's document, …) are checked by
:func:`reference_problems`, which works on the plain data so that a loader can report every
problem of a file at once, with its line. :class:`Campaign` runs the same rules when it is built
directly from Python data.

Award criteria use a closed set of check types, so that the engine can compute each one:

``deadlines_met``
    every deadline that applies to the unit (or only those listed in ``deadlines``) was fulfilled
    on or before its due date;
``indicators_met``
    every required indicator with a target that applies to the unit (or only those listed in
    ``indicators``) has a value for the campaign period that meets its target;
``rating_at_least``
    the unit's value of ``indicator`` (a ``rating`` indicator) ranks at least ``value`` on the
    campaign's ``rating_scale``; when ``only_if_unit_flag`` is set and the unit does not carry that
    flag, the criterion does not apply and counts as met;
``initiative_registered``
    the unit registered at least ``min_count`` reform initiatives (mô hình, giải pháp, sáng kiến);
``admin_assessment``
    an officer records a decision (met or not, with a comment); ``by`` names the unit whose
    officers decide (default: an admin whose scope covers the candidate).

Sign-off by the head of a unit (thủ trưởng), campaign-wide, off unless the file asks::

    sign_off: {reports: true, documents: true}

``reports``: a focal point's confirmed report (``/baocao``) waits for the unit's head to confirm
it before it counts (fulfils a deadline, reaches Phòng Nội vụ's review); ``documents``: the
same for a submitted document (``/nopvanban``). A unit with no registered head is never held
up: its submissions count at once. Both default to ``false``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Annotated, Any, Literal, Self, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    PlainValidator,
    PrivateAttr,
    StrictBool,
    StringConstraints,
    Tag,
    ValidationInfo,
    model_validator,
)

from core.dates import EARLIEST_DATE, LATEST_DATE
from core.dates import numeric_date as _fmt_date

SCHEMA_VERSION = 1

#: Pass ``context={SKIP_REFERENCE_CHECKS: True}`` to ``Campaign.model_validate`` when the caller
#: runs :func:`reference_problems` itself (the loader does, to locate each problem by line).
SKIP_REFERENCE_CHECKS = "skip_reference_checks"

Loc = tuple[str | int, ...]
"""A location in the campaign data, e.g. ``("indicators", 4, "target", "op")``."""

IndicatorType = Literal["percent", "count", "yes_no", "rating", "text", "money", "date"]
Frequency = Literal["once", "monthly", "quarterly", "semiannual", "annual"]
Operator = Literal[">=", ">", "==", "<=", "<"]
UnitFlag = Literal["has_annual_par_index"]
AwardAudience = Literal["collective", "individual", "both"]
CheckType = Literal[
    "deadlines_met",
    "indicators_met",
    "rating_at_least",
    "initiative_registered",
    "admin_assessment",
    "reform_tasks",
]
#: Who set a deadline: the plan itself, or the city (an operational choice the plan does not make).
DeadlineSource = Literal["plan", "city"]
#: ``unit``: the reporting unit's own result; ``city``: a city-wide outcome one office reports
#: (the office is judged on reporting it, the value on the city's account).
IndicatorScope = Literal["unit", "city"]
#: ``latest``: the latest value is the year's result; ``every_period``: every period of the
#: year must meet the target (e.g. articles every month).
JudgedOver = Literal["latest", "every_period"]

#: A date written in a note (dd/mm/yyyy), as the campaign file writes them.
_DATE_IN_TEXT = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b")

NUMERIC_TYPES: frozenset[str] = frozenset({"percent", "count", "money"})
UNIT_FLAGS: frozenset[str] = frozenset({"has_annual_par_index"})

# Sensible bounds for dates in a campaign file (`core.dates`): a typo such as 2204 is refused.
MAX_CAMPAIGN_DAYS = 5 * 366
DEADLINE_MARGIN = timedelta(days=366)

_CODE_RE = re.compile(r"[A-Z][A-Z0-9_]{0,39}")
_SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_CRITERION_ID_RE = re.compile(r"[a-z][a-z0-9_]{0,15}")
_COMMAND_RE = re.compile(r"/[a-z][a-z0-9_]{0,31}")


def _check_code(value: str) -> str:
    if not _CODE_RE.fullmatch(value):
        raise ValueError(
            "mã phải viết HOA không dấu, bắt đầu bằng chữ cái, chỉ gồm A-Z, 0-9 và dấu gạch dưới, "
            f"tối đa 40 ký tự (nhận được {show_value(value)})"
        )
    return value


def _check_slug(value: str) -> str:
    if not _SLUG_RE.fullmatch(value) or len(value) > 64:
        raise ValueError(
            "mã chiến dịch chỉ gồm chữ thường không dấu, chữ số và dấu gạch ngang, tối đa 64 ký tự "
            f"(nhận được {show_value(value)})"
        )
    return value


def _check_criterion_id(value: str) -> str:
    if not _CRITERION_ID_RE.fullmatch(value):
        raise ValueError(
            f"mã tiêu chí phải viết thường không dấu, ví dụ i1, g0 (nhận được {show_value(value)})"
        )
    return value


def _check_command(value: str) -> str:
    if not _COMMAND_RE.fullmatch(value):
        raise ValueError(
            f"lệnh phải có dạng /tenlenh, chữ thường không dấu (nhận được {show_value(value)})"
        )
    return value


def _check_timezone(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"múi giờ không tồn tại, ví dụ Asia/Ho_Chi_Minh (nhận được {show_value(value)})"
        ) from None
    return value


def _check_target_value(value: object) -> bool | int | float | str | date:
    if isinstance(value, datetime):
        raise ValueError("phải là ngày dạng YYYY-MM-DD, không kèm giờ")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("phải là số hữu hạn")
    if isinstance(value, bool | int | float | str | date):
        return value
    raise ValueError("phải là số, true/false, một mức xếp loại hoặc một ngày")


Code = Annotated[str, AfterValidator(_check_code)]
"""A stable identifier: upper-case ASCII, digits and underscores (``PNV``, ``P_KA_LONG``)."""
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
TargetValue = Annotated[bool | int | float | str | date, PlainValidator(_check_target_value)]


def _kinds_tag(value: object) -> str:
    return "all" if isinstance(value, str) else "list"


KindSelector = Annotated[
    Annotated[Literal["all"], Tag("all")] | Annotated[tuple[Code, ...], Tag("list")],
    Discriminator(_kinds_tag),
]
"""``all`` or a list of unit kind codes."""

#: Extra segments pydantic puts in an error location after a union field, by field name.
#: A loader drops them to show the path as written in the file.
UNION_TAGS: Mapping[str, frozenset[str]] = {
    "kinds": frozenset({"all", "list"}),
    "check": frozenset(get_args(CheckType)),
}


AFTER_PERIOD = timedelta(days=92)  # the quarter after the campaign year


class _Model(BaseModel):
    model_config = ConfigDict(
        extra="forbid", frozen=True, allow_inf_nan=False, serialize_by_alias=True
    )


# --------------------------------------------------------------------------- campaign section


class Period(_Model):
    """Inclusive date range of the campaign."""

    start: date
    end: date


class CampaignInfo(_Model):
    """The ``campaign:`` section: identity, period, time zone and the coordinating unit."""

    id: Annotated[str, AfterValidator(_check_slug)]
    title: Text
    short_title: Text
    year: int = Field(ge=2000, le=2100)
    period: Period
    timezone: Annotated[str, AfterValidator(_check_timezone)] = "Asia/Ho_Chi_Minh"
    coordinator_unit: Code
    legal_basis: tuple[Text, ...] = ()
    #: After this day (default: the campaign's last day) a value never reported is final:
    #: ``missing_after_close`` decides it (``not_met``: *không đạt (không báo cáo)*; ``open``:
    #: left undecided, as before).
    results_final_after: date | None = None
    missing_after_close: Literal["not_met", "open"] = "not_met"
    place: Text = "Móng Cái"  # the địa danh of the drafts ("Móng Cái, ngày … tháng … năm …")


# --------------------------------------------------------------------------- who takes part


class UnitKind(_Model):
    """A kind of participating collective (seed II.1), e.g. ``COMMUNE`` for UBND xã, phường.

    ``confirm_list``: the plan names the group but not its members; the city must confirm the
    exact list before units of this kind are added (``note`` says who)."""

    code: Code
    label: Text
    confirm_list: StrictBool = False
    note: Text | None = None


class Successor(_Model):
    """The unit that took over a closed one, and where that fact comes from."""

    unit: Code
    source: Text
    confirmed: StrictBool = False


class Unit(_Model):
    """A participating collective.

    ``until`` (alias of ``active_to``) is its last day; ``successor`` names the unit that took it
    over (its people then see the predecessor's history). ``confirm_list`` marks units whose
    membership in the campaign the city must still confirm.

    ``active_from``/``active_to`` bound the days on which the unit exists (inclusive; ``None`` is
    open-ended): phường Hòa Lạc ends on 31/10/2024. ``aliases`` are other names users may type
    (spelling variants, abbreviations, GSO codes). ``has_annual_par_index`` marks units that
    receive an annual administrative-reform index (criterion i3 and indicator T12).
    """

    code: Code
    name: Text
    kind: Code
    parent: Code | None = None
    active_from: date | None = None
    active_to: date | None = Field(
        default=None, validation_alias=AliasChoices("active_to", "until")
    )
    aliases: tuple[Text, ...] = ()
    has_annual_par_index: StrictBool = False
    note: Text | None = None
    successor: Successor | None = None
    confirm_list: StrictBool = False

    def closed_on(self, day: date) -> bool:
        """Whether the unit has ended by ``day`` (its last day is before it)."""
        return self.active_to is not None and day > self.active_to

    def is_active_on(self, day: date) -> bool:
        """Whether the unit exists on ``day``."""
        if self.active_from is not None and day < self.active_from:
            return False
        return self.active_to is None or day <= self.active_to

    def has_flag(self, flag: str) -> bool:
        """Whether the unit carries a boolean flag such as ``has_annual_par_index``."""
        return flag in UNIT_FLAGS and bool(getattr(self, flag))


class AdminScope(_Model):
    """Officers of ``unit`` administer the units of ``kinds`` (``all`` = the whole campaign)."""

    unit: Code
    label: Text
    kinds: KindSelector


class ReformArea(_Model):
    """One of the six areas of administrative reform (NQ 76/NQ-CP)."""

    code: Code
    label: Text


# --------------------------------------------------------------------------- what is reported


class Target(_Model):
    """``value op target``: e.g. ``{op: ">=", value: 6.5}``; rating targets name a scale level."""

    op: Operator
    value: TargetValue

    def is_met(self, actual: object, rating_scale: Sequence[str] = ()) -> bool:
        """Whether ``actual`` meets the target (ratings compare by rank on ``rating_scale``)."""
        left: Any = actual
        right: Any = self.value
        if isinstance(right, str):
            levels = list(rating_scale)
            if right not in levels or left not in levels:
                return False
            left, right = levels.index(left), levels.index(right)
        elif isinstance(right, bool) or isinstance(actual, bool):
            return self.op == "==" and actual is right
        elif isinstance(right, date):
            if not isinstance(actual, date):
                return False
        elif not isinstance(actual, int | float):
            return False
        match self.op:
            case ">=":
                return bool(left >= right)
            case ">":
                return bool(left > right)
            case "==":
                return bool(left == right)
            case "<=":
                return bool(left <= right)
            case "<":
                return bool(left < right)
        return False  # pragma: no cover - Operator is closed


class Indicator(_Model):
    """A reporting item (seed II.2).

    It applies to a unit whose kind is in ``applies_to`` or whose code is in ``applies_to_units``
    (city-wide figures reported by one office), and, when ``only_if_unit_flag`` is set, only to
    units carrying that flag. ``target`` is ``None`` for free-text items. ``area`` optionally names
    the reform area (``reform_areas``).
    """

    code: Code
    label: Text
    short_label: Text | None = None
    type: IndicatorType
    unit: Text | None = None
    target: Target | None = None
    applies_to: tuple[Code, ...] = ()
    applies_to_units: tuple[Code, ...] = ()
    only_if_unit_flag: UnitFlag | None = None
    frequency: Frequency
    required: StrictBool = True
    area: Code | None = None
    help: Text | None = None
    seed_ref: Text | None = None
    scope: IndicatorScope = "unit"
    judged_over: JudgedOver = "latest"

    def applies_to_unit(self, unit: Unit) -> bool:
        """Whether ``unit`` must report this indicator (activity dates are not considered)."""
        if self.only_if_unit_flag is not None and not unit.has_flag(self.only_if_unit_flag):
            return False
        return unit.kind in self.applies_to or unit.code in self.applies_to_units


# --------------------------------------------------------------------------- what is due


class DocumentExpect(_Model):
    """What the submitted document should be (``expect:``), checked when the bot reads it:
    its ``types`` (Kế hoạch, Quyết định…), ``subject_words`` its trích yếu mentions (named by
    ``subject_label`` in the sentence to the person), the window for its date of issue, and
    whether the issuer must be the submitting unit. A mismatch is told and recorded, never a
    refusal."""

    types: tuple[Text, ...] = ()
    subject_words: tuple[Text, ...] = ()
    subject_label: str = ""
    issued_from: date | None = None
    issued_to: date | None = None
    issuer_is_unit: StrictBool = True

    @model_validator(mode="after")
    def _window(self) -> DocumentExpect:
        if self.issued_from and self.issued_to and self.issued_from > self.issued_to:
            raise ValueError("issued_from phải không sau issued_to")
        return self


class DocumentType(_Model):
    """A document units submit (``/nopvanban``); ``deadline`` names the deadline it fulfils;
    ``expect`` what its content should be (absent: the file is read and described, not
    checked)."""

    code: Code
    label: Text
    deadline: Code | None = None
    expect: DocumentExpect | None = None


class Scope(_Model):
    """Who a deadline (or award) concerns: units of ``kinds`` and/or the listed ``units``."""

    kinds: tuple[Code, ...] = ()
    units: tuple[Code, ...] = ()

    def covers(self, unit: Unit) -> bool:
        """Whether ``unit`` is in scope (activity dates are not considered)."""
        return unit.kind in self.kinds or unit.code in self.units


class ReportRef(_Model):
    """A report for the latest period of ``frequency`` that ends on or before the due date."""

    frequency: Frequency


class FulfilledBy(_Model):
    """What fulfils a deadline; exactly one is given. ``dossier: filed``: the unit has a
    proposal for an award (``/denghi``) whose dossier has every part (``/hoso``)."""

    document: Code | None = None
    report: ReportRef | None = None
    initiative: Literal["registered"] | None = None
    dossier: Literal["filed"] | None = None


class ReminderPolicy(_Model):
    """When reminders are sent for a deadline.

    ``before_days``: days before the due date (0 = the due date itself); ``repeat_after_days``:
    after the due date, again every that many days (0 = no reminders after the due date);
    ``hour``: local hour of delivery in the campaign's time zone; ``escalate_after``: after that
    many reminders past the due date the deputy, then the head of the unit, are told (0 = never);
    ``working_days_only``: send only on working days (no weekends, public holidays, extra days
    off), counting ``repeat_after_days`` in working days.
    """

    before_days: tuple[Annotated[int, Field(ge=0, le=366)], ...] = (14, 7, 3, 1, 0)
    repeat_after_days: int = Field(default=3, ge=0, le=366)
    hour: int = Field(default=8, ge=0, le=23)
    escalate_after: int = Field(default=2, ge=0, le=100)
    working_days_only: StrictBool = True


class ReminderOverride(_Model):
    """A deadline's own reminder settings; a field left out (or null) takes the default."""

    before_days: tuple[Annotated[int, Field(ge=0, le=366)], ...] | None = None
    repeat_after_days: int | None = Field(default=None, ge=0, le=366)
    hour: int | None = Field(default=None, ge=0, le=23)
    escalate_after: int | None = Field(default=None, ge=0, le=100)
    working_days_only: StrictBool | None = None


class Deadline(_Model):
    """Something due on ``due`` from the units in ``applies_to``.

    ``command`` is the bot command that fulfils it; ``note`` is shown with the deadline.
    """

    code: Code
    title: Text
    due: date
    applies_to: Scope
    fulfilled_by: FulfilledBy
    command: Annotated[str, AfterValidator(_check_command)] | None = None
    reminders: ReminderOverride | None = None
    note: Text | None = None
    seed_ref: Text | None = None
    #: ``city`` when the plan sets no such date and the city chose it (``note`` says why).
    source: DeadlineSource = "plan"
    #: Whether lateness on it may decide an award criterion (only where a ``deadlines_met``
    #: check looks at it); by default a deadline is shown, never counted.
    decides_eligibility: StrictBool = False
    #: Whether ``note`` speaks of the file's date (dropped once the deadline is moved).
    note_about_date: StrictBool = False

    def note_in_force(self, file_due: date | None) -> str | None:
        """The note to show while ``self.due`` is the date in force; ``file_due`` is the
        campaign file's date when an officer moved the deadline. A note that speaks of a date
        (``note_about_date``, or one that writes a dd/mm/yyyy date) is not shown once the
        deadline has moved off that date: its advice is about a day no longer in force."""
        if self.note is None or file_due is None or file_due == self.due:
            return self.note
        if self.note_about_date or _DATE_IN_TEXT.search(self.note):
            return None
        return self.note


class SignOff(_Model):
    """Which submissions need the unit head's confirmation before they count (``sign_off:``)."""

    reports: StrictBool = False
    documents: StrictBool = False


# --------------------------------------------------------------------------- awards


class DeadlinesMetCheck(_Model):
    type: Literal["deadlines_met"]
    deadlines: tuple[Code, ...] | None = None


class IndicatorsMetCheck(_Model):
    type: Literal["indicators_met"]
    indicators: tuple[Code, ...] | None = None
    #: Also require this many initiatives registered in the ``/sangkien`` register (0: none).
    initiatives: int = Field(default=0, ge=0, le=1000)


class RatingAtLeastCheck(_Model):
    type: Literal["rating_at_least"]
    indicator: Code
    value: Text
    only_if_unit_flag: UnitFlag | None = None


class InitiativeRegisteredCheck(_Model):
    type: Literal["initiative_registered"]
    min_count: int = Field(default=1, ge=1, le=1000)


class AdminAssessmentCheck(_Model):
    type: Literal["admin_assessment"]
    by: Code | None = None


class ReformTasksCheck(_Model):
    """Criterion i1: the unit's own reform tasks. Decided by the assessment of ``by`` (an
    officer, through /danhgia) when given, otherwise by what the unit reports in ``indicator``
    (the completion of its year's reform plan) against that indicator's target. Deadlines in
    ``show_deadlines`` are shown as lateness, never counted."""

    type: Literal["reform_tasks"]
    indicator: Code
    by: Code | None = None
    show_deadlines: tuple[Code, ...] = ()


Check = Annotated[
    ReformTasksCheck
    | DeadlinesMetCheck
    | IndicatorsMetCheck
    | RatingAtLeastCheck
    | InitiativeRegisteredCheck
    | AdminAssessmentCheck,
    Field(discriminator="type"),
]
"""One machine-checkable condition; see the module docstring for the closed set of types."""


class Criterion(_Model):
    """One award criterion, e.g. ``i3`` of the provincial Bằng khen."""

    id: Annotated[str, AfterValidator(_check_criterion_id)]
    text: Text
    check: Check
    # What people call it in a sentence ("gương mẫu chấp hành pháp luật"): the id is internal.
    short: Text | None = None


class DossierItem(_Model):
    """One document of the nomination dossier (seed III.3.1)."""

    code: Code
    label: Text


class Award(_Model):
    """An award form and its rules; every criterion must be met.

    ``for`` is ``collective``, ``individual`` or ``both``; ``applies_to`` optionally restricts the
    units whose collectives or staff may be proposed; ``decided_by`` names who decides.
    """

    code: Code
    title: Text
    for_: AwardAudience = Field(alias="for")
    criteria: tuple[Criterion, ...] = Field(min_length=1)
    dossier: tuple[DossierItem, ...] = ()
    applies_to: Scope | None = None
    decided_by: Text | None = None
    note: Text | None = None


# --------------------------------------------------------------------------- the file


class ReportFormSpec(_Model):
    """The legal form of the achievement report (Báo cáo thành tích): a Word template (a bare
    file name among the bundled templates, or a path) and how the draft cites it. Mẫu 08 of
    Nghị định 98/2023/NĐ-CP when the file says nothing; a later year names a later decree's."""

    template: Text
    citation: Text


class _Memo(dict[str, Any]):
    """A cache kept on a frozen model: not part of what the model is (two campaigns equal
    field by field are equal whatever each has remembered), and not hashed."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Memo)

    def __ne__(self, other: object) -> bool:
        return not isinstance(other, _Memo)

    __hash__ = None


class Campaign(_Model):
    """A whole campaign file (``schema_version: 1``)."""

    schema_version: Literal[1]
    campaign: CampaignInfo
    unit_kinds: tuple[UnitKind, ...] = Field(min_length=1)
    units: tuple[Unit, ...] = Field(min_length=1)
    admin_scopes: tuple[AdminScope, ...] = ()
    rating_scale: tuple[Text, ...] = Field(min_length=2)
    reform_areas: tuple[ReformArea, ...] = ()
    indicators: tuple[Indicator, ...] = Field(min_length=1)
    document_types: tuple[DocumentType, ...] = ()
    deadlines: tuple[Deadline, ...] = ()
    reminder_defaults: ReminderPolicy = ReminderPolicy()
    sign_off: SignOff = SignOff()
    awards: tuple[Award, ...] = ()
    report_form: ReportFormSpec | None = None

    _units: dict[str, Unit] = PrivateAttr(default_factory=dict)
    _indicators: dict[str, Indicator] = PrivateAttr(default_factory=dict)
    _deadlines: dict[str, Deadline] = PrivateAttr(default_factory=dict)
    # indicators_for's answers by unit code (see there).
    _unit_indicators: _Memo = PrivateAttr(default_factory=_Memo)

    @model_validator(mode="after")
    def _check_references(self, info: ValidationInfo) -> Self:
        if info.context and info.context.get(SKIP_REFERENCE_CHECKS):
            return self
        problems = reference_problems(self.model_dump(by_alias=True))
        if problems:
            raise ValueError(
                "; ".join(f"{format_loc(loc)}: {message}" for loc, message in problems)
            )
        return self

    def model_post_init(self, context: Any, /) -> None:
        self._units.update((u.code, u) for u in self.units)
        self._indicators.update((i.code, i) for i in self.indicators)
        self._deadlines.update((d.code, d) for d in self.deadlines)

    def unit(self, code: str) -> Unit | None:
        """The unit with this code, if any."""
        return self._units.get(code)

    def indicator(self, code: str) -> Indicator | None:
        """The indicator with this code, if any."""
        return self._indicators.get(code)

    def deadline(self, code: str) -> Deadline | None:
        """The deadline with this code, if any."""
        return self._deadlines.get(code)

    def indicators_for(self, unit: Unit) -> tuple[Indicator, ...]:
        """The indicators ``unit`` must report, in file order (remembered per unit: the views
        ask it for every unit on every overview; the campaign and its units are frozen)."""
        # Kept with the unit and the indicator list asked about (the same objects: the
        # campaign's own; another unit of that code, or a copy with other indicators, is
        # answered afresh).
        known = self._unit_indicators.get(unit.code)
        if known is not None and known[0] is unit and known[1] is self.indicators:
            return known[2]
        found = tuple(i for i in self.indicators if i.applies_to_unit(unit))
        self._unit_indicators[unit.code] = (unit, self.indicators, found)
        return found

    def deadlines_for(self, unit: Unit) -> tuple[Deadline, ...]:
        """The deadlines that concern ``unit`` (it must exist on the due date), in file order."""
        return tuple(
            d for d in self.deadlines if d.applies_to.covers(unit) and unit.is_active_on(d.due)
        )

    def reminder_policy(self, deadline: Deadline) -> ReminderPolicy:
        """The deadline's reminder settings, completed from ``reminder_defaults``."""
        if deadline.reminders is None:
            return self.reminder_defaults
        override = {k: v for k, v in deadline.reminders.model_dump().items() if v is not None}
        return self.reminder_defaults.model_copy(update=override)

    def rating_rank(self, value: str) -> int | None:
        """Position of ``value`` on the rating scale (0 = lowest), ``None`` if not on it."""
        return self.rating_scale.index(value) if value in self.rating_scale else None


# --------------------------------------------------------------------------- reference rules


def show_value(value: object) -> str:
    """A value as it would be written in the file, for error messages."""
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float):
        return repr(value)
    return type(value).__name__


def format_loc(loc: Sequence[str | int]) -> str:
    """``("indicators", 4, "target", "op")`` → ``indicators[4].target.op``."""
    out = ""
    for seg in loc:
        if isinstance(seg, int):
            out += f"[{seg}]"
        else:
            out += f".{seg}" if out else str(seg)
    return out


def _as_date(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _items(section: object) -> Iterator[tuple[int, Mapping[str, Any]]]:
    if isinstance(section, list | tuple):
        for index, item in enumerate(section):
            if isinstance(item, Mapping):
                yield index, item


def _strs(value: object) -> Iterator[tuple[int, str]]:
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            if isinstance(item, str):
                yield index, item


class _Checker:
    """Collects problems; holds the codes defined by each section (first occurrence wins)."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.found: list[tuple[Loc, str]] = []
        self.kinds = self.codes("unit_kinds", "mã loại đơn vị")
        self.units = self.codes("units", "mã đơn vị")
        self.areas = self.codes("reform_areas", "mã lĩnh vực")
        self.indicators = self.codes("indicators", "mã chỉ tiêu")
        self.documents = self.codes("document_types", "mã loại văn bản")
        self.deadlines = self.codes("deadlines", "mã thời hạn")
        self.codes("awards", "mã hình thức khen thưởng")
        self.scale: list[str] = []
        self.indicator_types: dict[str, str] = {}
        self.period: tuple[date, date] | None = None

    # ---- helpers

    def add(self, loc: Loc, message: str) -> None:
        self.found.append((loc, message))

    def codes(self, section: str, what: str) -> dict[str, int]:
        seen: dict[str, int] = {}
        for index, item in _items(self.data.get(section)):
            code = item.get("code")
            if not isinstance(code, str):
                continue
            if code in seen:
                self.add(
                    (section, index, "code"),
                    f"{what} {show_value(code)} bị trùng với {section}[{seen[code]}]",
                )
            else:
                seen[code] = index
        return seen

    def refs(
        self, loc: Loc, value: object, known: Mapping[str, int], what: str, section: str
    ) -> None:
        """Each code in the list ``value`` must be one of ``known``, without repeats."""
        seen: set[str] = set()
        for index, code in _strs(value):
            if code in seen:
                self.add((*loc, index), f"{show_value(code)} bị lặp lại")
            seen.add(code)
            self.ref((*loc, index), code, known, what, section)

    def ref(
        self, loc: Loc, code: object, known: Mapping[str, int], what: str, section: str
    ) -> None:
        if isinstance(code, str) and code not in known:
            self.add(loc, f"{what} {show_value(code)} không có trong {section}")

    def date_in(self, loc: Loc, value: object, low: date, high: date) -> date | None:
        day = _as_date(value)
        if day is not None and not low <= day <= high:
            self.add(
                loc, f"ngày {_fmt_date(day)} nằm ngoài khoảng {_fmt_date(low)}–{_fmt_date(high)}"
            )
            return None
        return day

    def not_on_scale(self, value: str) -> str:
        return f"mức {show_value(value)} không có trong rating_scale ({', '.join(self.scale)})"

    def scope(self, loc: Loc, scope: Mapping[str, Any]) -> None:
        self.refs((*loc, "kinds"), scope.get("kinds"), self.kinds, "loại đơn vị", "unit_kinds")
        self.refs((*loc, "units"), scope.get("units"), self.units, "đơn vị", "units")
        if not scope.get("kinds") and not scope.get("units"):
            self.add(loc, "phải nêu ít nhất một loại đơn vị (kinds) hoặc một đơn vị (units)")

    # ---- sections

    def run(self) -> list[tuple[Loc, str]]:
        self.check_campaign()
        self.check_rating_scale()
        self.check_units()
        for index, scope in _items(self.data.get("admin_scopes")):
            loc: Loc = ("admin_scopes", index)
            self.ref((*loc, "unit"), scope.get("unit"), self.units, "đơn vị", "units")
            kinds = scope.get("kinds")
            if isinstance(kinds, list | tuple):
                self.refs((*loc, "kinds"), kinds, self.kinds, "loại đơn vị", "unit_kinds")
        self.check_indicators()
        for index, doc in _items(self.data.get("document_types")):
            loc = ("document_types", index, "deadline")
            self.ref(loc, doc.get("deadline"), self.deadlines, "thời hạn", "deadlines")
        self.check_deadlines()
        self.check_awards()
        return self.found

    def check_campaign(self) -> None:
        info = self.data.get("campaign")
        if not isinstance(info, Mapping):
            return
        coordinator = info.get("coordinator_unit")
        self.ref(("campaign", "coordinator_unit"), coordinator, self.units, "đơn vị", "units")
        period = info.get("period")
        if not isinstance(period, Mapping):
            return
        low = date(2000, 1, 1)
        start = self.date_in(("campaign", "period", "start"), period.get("start"), low, LATEST_DATE)
        end = self.date_in(("campaign", "period", "end"), period.get("end"), low, LATEST_DATE)
        if start is None or end is None:
            return
        if end < start:
            self.add(
                ("campaign", "period", "end"),
                f"ngày kết thúc {_fmt_date(end)} trước ngày bắt đầu {_fmt_date(start)}",
            )
            return
        if (end - start).days > MAX_CAMPAIGN_DAYS:
            self.add(("campaign", "period", "end"), "một chiến dịch không kéo dài quá 5 năm")
        year = info.get("year")
        if (
            isinstance(year, int)
            and not isinstance(year, bool)
            and not start.year <= year <= end.year
        ):
            self.add(
                ("campaign", "year"),
                f"năm {year} nằm ngoài thời gian của chiến dịch ({start.year}–{end.year})",
            )
        self.period = (start, end)

    def check_rating_scale(self) -> None:
        for index, level in _strs(self.data.get("rating_scale")):
            if level.strip() in self.scale:
                self.add(("rating_scale", index), f"mức xếp loại {show_value(level)} bị lặp lại")
            self.scale.append(level.strip())

    def check_units(self) -> None:
        names: dict[str, str] = {}  # casefolded name, alias or code -> unit code using it
        parents: dict[str, str] = {}
        section = self.data.get("units")
        for index, unit in _items(section):
            loc: Loc = ("units", index)
            code = unit.get("code")
            self.ref((*loc, "kind"), unit.get("kind"), self.kinds, "loại đơn vị", "unit_kinds")
            parent = unit.get("parent")
            if isinstance(parent, str):
                if parent == code:
                    self.add((*loc, "parent"), "đơn vị không thể là cấp trên của chính nó")
                elif parent not in self.units:
                    self.ref((*loc, "parent"), parent, self.units, "đơn vị cấp trên", "units")
                elif isinstance(code, str):
                    parents[code] = parent
            start = self.date_in(
                (*loc, "active_from"), unit.get("active_from"), EARLIEST_DATE, LATEST_DATE
            )
            end_key = "until" if "until" in unit else "active_to"
            end = self.date_in((*loc, end_key), unit.get(end_key), EARLIEST_DATE, LATEST_DATE)
            if start is not None and end is not None and end < start:
                self.add(
                    (*loc, end_key),
                    f"ngày ngừng hoạt động {_fmt_date(end)} trước ngày bắt đầu {_fmt_date(start)}",
                )
            successor = unit.get("successor")
            if isinstance(successor, Mapping):
                target = successor.get("unit")
                if target == code:
                    self.add((*loc, "successor", "unit"), "đơn vị không thể kế thừa chính nó")
                else:
                    self.ref(
                        (*loc, "successor", "unit"), target, self.units, "đơn vị kế thừa", "units"
                    )
            if not isinstance(code, str):
                continue
            spelled: list[tuple[Loc, str]] = [((*loc, "code"), code)]
            if isinstance(unit.get("name"), str):
                spelled.append(((*loc, "name"), unit["name"]))
            spelled += [((*loc, "aliases", i), a) for i, a in _strs(unit.get("aliases"))]
            for where, text in spelled:
                owner = names.setdefault(" ".join(text.split()).casefold(), code)
                if owner != code:
                    self.add(
                        where,
                        f"tên {show_value(text)} đã dùng cho đơn vị {owner}: không phân biệt được",
                    )
        for index, unit in _items(section):
            code = unit.get("code")
            if not isinstance(code, str) or code not in parents:
                continue
            seen = {code}
            current = parents.get(code)
            while current is not None and current not in seen:
                seen.add(current)
                current = parents.get(current)
            if current == code:
                self.add(("units", index, "parent"), "quan hệ cấp trên tạo thành vòng lặp")

    def check_indicators(self) -> None:
        for index, ind in _items(self.data.get("indicators")):
            loc: Loc = ("indicators", index)
            self.refs(
                (*loc, "applies_to"), ind.get("applies_to"), self.kinds, "loại đơn vị", "unit_kinds"
            )
            self.refs(
                (*loc, "applies_to_units"),
                ind.get("applies_to_units"),
                self.units,
                "đơn vị",
                "units",
            )
            self.ref((*loc, "area"), ind.get("area"), self.areas, "lĩnh vực", "reform_areas")
            if not ind.get("applies_to") and not ind.get("applies_to_units"):
                self.add(
                    next(((*loc, k) for k in ("applies_to", "applies_to_units") if k in ind), loc),
                    "chỉ tiêu phải áp dụng cho ít nhất một loại đơn vị (applies_to) "
                    "hoặc một đơn vị (applies_to_units)",
                )
            kind = ind.get("type")
            if not isinstance(kind, str):
                continue
            if isinstance(ind.get("code"), str):
                self.indicator_types.setdefault(ind["code"], kind)
            target = ind.get("target")
            if isinstance(target, Mapping):
                self.check_target((*loc, "target"), kind, target)

    def check_target(self, loc: Loc, kind: str, target: Mapping[str, Any]) -> None:
        if kind == "text":
            self.add(loc, "chỉ tiêu dạng văn bản (text) không có mục tiêu: để target: null")
            return
        if "value" not in target:
            return
        op, value = target.get("op"), target["value"]
        got = f"(nhận được {show_value(value)})"
        if kind == "yes_no":
            if not isinstance(value, bool):
                self.add(
                    (*loc, "value"), f"chỉ tiêu có/không phải có mục tiêu true hoặc false {got}"
                )
            if isinstance(op, str) and op != "==":
                self.add(
                    (*loc, "op"),
                    f'chỉ tiêu có/không chỉ dùng phép so sánh "==" (nhận được {show_value(op)})',
                )
        elif kind in NUMERIC_TYPES:
            if not isinstance(value, int | float) or isinstance(value, bool):
                self.add((*loc, "value"), f"mục tiêu phải là một số {got}")
            elif kind != "percent" and value < 0:
                self.add((*loc, "value"), "mục tiêu không được âm")
            elif kind == "percent" and not 0 <= value <= 100:
                self.add((*loc, "value"), f"mục tiêu tỷ lệ phải từ 0 đến 100% {got}")
            elif kind == "count" and not float(value).is_integer():
                self.add((*loc, "value"), f"mục tiêu đếm phải là số nguyên {got}")
        elif kind == "rating":
            if not isinstance(value, str):
                self.add(
                    (*loc, "value"), f"mục tiêu xếp loại phải là một mức của rating_scale {got}"
                )
            elif self.scale and value.strip() not in self.scale:
                self.add((*loc, "value"), self.not_on_scale(value))
        elif kind == "date" and (not isinstance(value, date) or isinstance(value, datetime)):
            self.add((*loc, "value"), f"mục tiêu phải là một ngày dạng YYYY-MM-DD {got}")

    def check_deadlines(self) -> None:
        if self.period is not None:
            # A deadline of the file falls inside the campaign's period (its year) or in the
            # quarter after it, when the year's results are reported and award dossiers filed;
            # an admin may still move one up to DEADLINE_MARGIN outside (`python -m bot deadline`).
            low, high = self.period[0], self.period[1] + AFTER_PERIOD
        else:
            low, high = date(2000, 1, 1), LATEST_DATE
        for index, deadline in _items(self.data.get("deadlines")):
            loc: Loc = ("deadlines", index)
            scope = deadline.get("applies_to")
            if isinstance(scope, Mapping):
                self.scope((*loc, "applies_to"), scope)
            fulfilled = deadline.get("fulfilled_by")
            if isinstance(fulfilled, Mapping):
                given = [
                    k
                    for k in ("document", "report", "initiative", "dossier")
                    if fulfilled.get(k) is not None
                ]
                if len(given) != 1:
                    self.add(
                        (*loc, "fulfilled_by"),
                        "phải có đúng một trong document, report, initiative, dossier"
                        + (f" (đang có {', '.join(given)})" if given else ""),
                    )
                document = fulfilled.get("document")
                self.ref(
                    (*loc, "fulfilled_by", "document"),
                    document,
                    self.documents,
                    "loại văn bản",
                    "document_types",
                )
            self.date_in((*loc, "due"), deadline.get("due"), low, high)

    def check_awards(self) -> None:
        for index, award in _items(self.data.get("awards")):
            loc: Loc = ("awards", index)
            scope = award.get("applies_to")
            if isinstance(scope, Mapping):
                self.scope((*loc, "applies_to"), scope)
            seen_ids: dict[str, int] = {}
            for c_index, criterion in _items(award.get("criteria")):
                c_loc: Loc = (*loc, "criteria", c_index)
                cid = criterion.get("id")
                if isinstance(cid, str):
                    if cid in seen_ids:
                        self.add(
                            (*c_loc, "id"),
                            f"mã tiêu chí {show_value(cid)} bị trùng với criteria[{seen_ids[cid]}]",
                        )
                    seen_ids.setdefault(cid, c_index)
                check = criterion.get("check")
                if isinstance(check, Mapping):
                    self.check_check((*c_loc, "check"), check)
            seen_docs: dict[str, int] = {}
            for d_index, item in _items(award.get("dossier")):
                code = item.get("code")
                if isinstance(code, str):
                    if code in seen_docs:
                        self.add(
                            (*loc, "dossier", d_index, "code"),
                            f"mã hồ sơ {show_value(code)} bị trùng với dossier[{seen_docs[code]}]",
                        )
                    seen_docs.setdefault(code, d_index)

    def check_check(self, loc: Loc, check: Mapping[str, Any]) -> None:
        kind = check.get("type")
        if kind == "deadlines_met":
            self.refs(
                (*loc, "deadlines"), check.get("deadlines"), self.deadlines, "thời hạn", "deadlines"
            )
        elif kind == "indicators_met":
            self.refs(
                (*loc, "indicators"),
                check.get("indicators"),
                self.indicators,
                "chỉ tiêu",
                "indicators",
            )
        elif kind == "admin_assessment":
            self.ref((*loc, "by"), check.get("by"), self.units, "đơn vị", "units")
        elif kind == "reform_tasks":
            self.ref((*loc, "by"), check.get("by"), self.units, "đơn vị", "units")
            self.ref(
                (*loc, "indicator"),
                check.get("indicator"),
                self.indicators,
                "chỉ tiêu",
                "indicators",
            )
            self.refs(
                (*loc, "show_deadlines"),
                check.get("show_deadlines"),
                self.deadlines,
                "thời hạn",
                "deadlines",
            )
        elif kind == "rating_at_least":
            code = check.get("indicator")
            self.ref((*loc, "indicator"), code, self.indicators, "chỉ tiêu", "indicators")
            actual = self.indicator_types.get(code) if isinstance(code, str) else None
            if actual is not None and actual != "rating":
                self.add(
                    (*loc, "indicator"), f"chỉ tiêu {code} có kiểu {actual}, không phải rating"
                )
            value = check.get("value")
            if isinstance(value, str) and self.scale and value.strip() not in self.scale:
                self.add((*loc, "value"), self.not_on_scale(value))


def reference_problems(data: object) -> list[tuple[Loc, str]]:
    """Cross-reference and consistency problems of campaign data (as loaded from YAML).

    Works on plain, possibly malformed data: items whose structure is wrong are skipped (the
    models report those). Returns ``(location, Vietnamese message)`` pairs. Checked: duplicate
    codes; references between sections (unit kinds, parents, coordinator, admin scopes,
    indicator kinds and units, reform areas, documents, deadlines, award checks); target values
    against indicator types and the rating scale; date order and ranges; unit parent cycles;
    names or aliases shared by two units.
    """
    if not isinstance(data, Mapping):
        return []
    return _Checker(data).run()
