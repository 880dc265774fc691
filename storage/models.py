"""SQLModel tables: the campaign as loaded, people and their chats, and the durable pipeline.

The campaign file is the source of truth for definitions; these tables mirror it so that
reports can reference units and indicators, and keep rows that a newer file retires
(`retired=True`) rather than delete anything already reported.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Column, Index, Table, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime, utcnow


class Role(StrEnum):
    """What a person may do for their unit (stored as text: a new role needs no migration)."""

    FOCAL = "focal"  # đầu mối
    DEPUTY = "deputy"  # đầu mối dự phòng
    HEAD = "head"  # thủ trưởng
    ADMIN = "admin"  # cán bộ Phòng Nội vụ (or another coordinating office)
    LEADER = "leader"  # Chủ tịch, Phó Chủ tịch UBND thành phố: reads everything, changes nothing


REPORTERS = frozenset({Role.FOCAL.value, Role.DEPUTY.value})  # who reports for their unit


def table(model: type[SQLModel]) -> Table:
    """The table of a model declared with ``table=True`` (typed, unlike ``model.__table__``)."""
    found = model.__dict__.get("__table__")
    if not isinstance(found, Table):
        raise TypeError(f"{model.__name__} has no table")
    return found


def _ts(**kw: Any) -> Any:
    return Field(default_factory=utcnow, sa_type=UTCDateTime, **kw)


class Campaign(SQLModel, table=True):
    id: str = Field(primary_key=True, max_length=64)
    title: str = Field(sa_type=Text)
    year: int
    timezone: str = Field(max_length=64)
    source_sha256: str = Field(max_length=64)
    definition: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    loaded_at: datetime = _ts()


class UnitKind(SQLModel, table=True):
    __tablename__ = "unit_kind"
    campaign_id: str = Field(foreign_key="campaign.id", primary_key=True, max_length=64)
    code: str = Field(primary_key=True, max_length=64)
    label: str = Field(sa_type=Text)
    retired: bool = False


class Unit(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("campaign_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: str = Field(foreign_key="campaign.id", max_length=64, index=True)
    code: str = Field(max_length=64)
    name: str = Field(sa_type=Text)
    kind: str = Field(max_length=64)
    parent_code: str | None = Field(default=None, max_length=64)
    active_from: date | None = None
    active_to: date | None = None
    has_annual_par_index: bool = False
    retired: bool = False


class Indicator(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("campaign_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: str = Field(foreign_key="campaign.id", max_length=64, index=True)
    code: str = Field(max_length=64)
    label: str = Field(sa_type=Text)
    type: str = Field(max_length=16)
    frequency: str = Field(max_length=16)
    required: bool = True
    position: int = 0
    spec: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    retired: bool = False


class Deadline(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("campaign_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: str = Field(foreign_key="campaign.id", max_length=64, index=True)
    code: str = Field(max_length=64)
    title: str = Field(sa_type=Text)
    due: date | None = None
    spec: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    retired: bool = False


class Person(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    full_name: str = Field(default="", sa_type=Text)
    created_at: datetime = _ts()


class Membership(SQLModel, table=True):
    """A person's role in a unit (one active membership per person and unit)."""

    __table_args__ = (UniqueConstraint("person_id", "unit_id"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    role: str = Field(max_length=16)
    active: bool = True
    created_at: datetime = _ts()


class ChatIdentity(SQLModel, table=True):
    """A person's account on one messenger; external ids are strings (Zalo's are hex)."""

    __tablename__ = "chat_identity"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)
    id: int | None = Field(default=None, primary_key=True)
    person_id: int = Field(foreign_key="person.id", index=True)
    channel: str = Field(max_length=16)
    external_id: str = Field(max_length=128)
    chat_id: str = Field(max_length=128)
    display_name: str = Field(default="", sa_type=Text)
    active: bool = True
    created_at: datetime = _ts()
    # When the person last wrote from this account: reminders go where they are active.
    last_seen_at: datetime = _ts()


class InviteCode(SQLModel, table=True):
    """A one-time code; only its hash is kept, the code is shown once.

    A registration code binds a new person to a unit and role; a link code (`link_person_id`
    set) adds another messenger account to a person already registered.
    """

    __tablename__ = "invite_code"
    id: int | None = Field(default=None, primary_key=True)
    code_hash: str = Field(max_length=64, unique=True)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    role: str = Field(max_length=16)
    created_at: datetime = _ts()
    expires_at: datetime = Field(sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    used_by_person_id: int | None = Field(default=None, foreign_key="person.id")
    created_by: str = Field(default="", max_length=128)
    link_person_id: int | None = Field(default=None, foreign_key="person.id")


class InviteThrottle(SQLModel, table=True):
    """Wrong invite codes per chat: slowed after a few, refused for a while after more."""

    __tablename__ = "invite_throttle"
    channel: str = Field(primary_key=True, max_length=16)
    chat_id: str = Field(primary_key=True, max_length=128)
    failures: int = 0
    window_started: datetime = _ts()
    blocked_until: datetime | None = Field(default=None, sa_type=UTCDateTime)


class AuditLog(SQLModel, table=True):
    """Every change of data: who, when, what, old → new."""

    __tablename__ = "audit_log"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _ts(index=True)
    actor: str = Field(max_length=128)
    action: str = Field(max_length=64)
    entity: str = Field(max_length=64)
    entity_id: str = Field(default="", max_length=128)
    old: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    new: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


class InboxUpdate(SQLModel, table=True):
    """Every update as received, stored before the messenger is told we have it."""

    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("channel", "update_key"),
        Index("ix_inbox_pending", "status", "id"),
        Index("ix_inbox_chat_pending", "channel", "chat_id", "status", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    update_key: str = Field(max_length=128)
    chat_id: str = Field(max_length=128)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    status: str = Field(default="pending", max_length=16)
    attempts: int = 0
    error: str | None = Field(default=None, sa_type=Text)
    received_at: datetime = _ts()
    handled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class OutboxMessage(SQLModel, table=True):
    """A reply committed with the update that caused it, then delivered and marked sent."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_pending", "status", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    chat_id: str = Field(max_length=128)
    payload: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    status: str = Field(default="pending", max_length=16)
    attempts: int = 0
    error: str | None = Field(default=None, sa_type=Text)
    inbox_id: int | None = Field(default=None, foreign_key="inbox.id")
    created_at: datetime = _ts()
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Which worker is sending it, until when (a lease), and when to try again after a failure.
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    pieces_sent: int = Field(default=0, sa_column_kwargs={"server_default": "0"})


class ConversationState(SQLModel, table=True):
    """Where a chat is in a conversation, and what it has entered so far."""

    __tablename__ = "conversation_state"
    channel: str = Field(primary_key=True, max_length=16)
    chat_id: str = Field(primary_key=True, max_length=128)
    state: str = Field(default="", max_length=64)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = _ts()


# -- reporting (indicator values, initiatives, documents, media articles) ----------------------


class PeriodLock(SQLModel, table=True):
    """A reporting period closed by an admin: its values can no longer be changed."""

    __tablename__ = "period_lock"
    campaign_id: str = Field(foreign_key="campaign.id", primary_key=True, max_length=64)
    period: str = Field(primary_key=True, max_length=16)
    locked_at: datetime = _ts()
    locked_by: str = Field(default="", max_length=128)


class ReportSubmission(SQLModel, table=True):
    """A unit's report for a period, as confirmed by its focal point; reviewed by admins."""

    __tablename__ = "report_submission"
    __table_args__ = (UniqueConstraint("campaign_id", "unit_id", "period"),)
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: str = Field(foreign_key="campaign.id", max_length=64)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    period: str = Field(max_length=16)
    submitted_at: datetime = _ts()
    submitted_by: int | None = Field(default=None, foreign_key="person.id")
    review_status: str = Field(default="pending", max_length=16)  # pending|accepted|returned
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reviewed_by: int | None = Field(default=None, foreign_key="person.id")
    # The head's sign-off (campaign file `sign_off`): confirmed | pending | returned.
    sign_off_status: str = Field(
        default="confirmed", max_length=16, sa_column_kwargs={"server_default": "confirmed"}
    )
    sign_off_comment: str | None = Field(default=None, sa_type=Text)
    # The head's first confirmation: the moment the report counted (None: it counted when sent).
    signed_off_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    signed_off_by: int | None = Field(default=None, foreign_key="person.id")


class IndicatorValue(SQLModel, table=True):
    """The current value of one indicator for one unit and period."""

    __tablename__ = "indicator_value"
    __table_args__ = (
        UniqueConstraint("campaign_id", "unit_id", "indicator_code", "period"),
        # A month's values of every unit (/tonghop); the few ever returned (migration 0009).
        Index("ix_value_period", "campaign_id", "period", "unit_id"),
        Index(
            "ix_value_returned",
            "campaign_id",
            sqlite_where=text("returned_at IS NOT NULL"),
            postgresql_where=text("returned_at IS NOT NULL"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: str = Field(foreign_key="campaign.id", max_length=64)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    indicator_code: str = Field(max_length=64)
    period: str = Field(max_length=16)
    value: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    display: str = Field(default="", sa_type=Text)
    skipped_reason: str | None = Field(default=None, sa_type=Text)
    submitted_at: datetime = _ts()
    submitted_by: int | None = Field(default=None, foreign_key="person.id")
    review_status: str = Field(default="pending", max_length=16)  # pending|accepted|returned
    review_comment: str | None = Field(default=None, sa_type=Text)
    returned_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    corrected_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class IndicatorValueHistory(SQLModel, table=True):
    """Every change of an indicator value, old → new."""

    __tablename__ = "indicator_value_history"
    id: int | None = Field(default=None, primary_key=True)
    value_id: int = Field(foreign_key="indicator_value.id", index=True)
    old_value: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    old_display: str | None = Field(default=None, sa_type=Text)
    new_value: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    new_display: str | None = Field(default=None, sa_type=Text)
    changed_at: datetime = _ts()
    changed_by: int | None = Field(default=None, foreign_key="person.id")


class Initiative(SQLModel, table=True):
    """A registered reform initiative (mô hình, giải pháp, sáng kiến)."""

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: str = Field(foreign_key="campaign.id", max_length=64)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    kind: str = Field(default="sang_kien", max_length=16)  # mo_hinh|giai_phap|sang_kien
    title: str = Field(sa_type=Text)
    title_folded: str = Field(sa_type=Text)  # lower case, no diacritics: for similarity checks
    area_code: str = Field(max_length=16)
    description: str = Field(default="", sa_type=Text)
    expected_effect: str = Field(default="", sa_type=Text)
    applied_from: date | None = None
    status: str = Field(default="registered", max_length=16)
    evidence: str | None = Field(default=None, sa_type=Text)
    created_at: datetime = _ts()
    created_by: int | None = Field(default=None, foreign_key="person.id")
    updated_at: datetime = _ts()


class InitiativeStatusChange(SQLModel, table=True):
    __tablename__ = "initiative_status_change"
    id: int | None = Field(default=None, primary_key=True)
    initiative_id: int = Field(foreign_key="initiative.id", index=True)
    old_status: str = Field(max_length=16)
    new_status: str = Field(max_length=16)
    evidence: str | None = Field(default=None, sa_type=Text)
    changed_at: datetime = _ts()
    changed_by: int | None = Field(default=None, foreign_key="person.id")


class Document(SQLModel, table=True):
    """A submitted document (e.g. the Q1 launch document), stored under a generated name."""

    id: int | None = Field(default=None, primary_key=True)
    campaign_id: str = Field(foreign_key="campaign.id", max_length=64)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    doc_type: str = Field(max_length=64)
    number: str = Field(default="", max_length=64)  # số văn bản, e.g. 12/KH-UBND
    doc_date: date | None = None
    stored_name: str = Field(max_length=128)
    original_name: str = Field(default="", sa_type=Text)
    mime_type: str = Field(default="", max_length=128)
    size: int = 0
    sha256: str = Field(default="", max_length=64)
    submitted_at: datetime = _ts()
    submitted_by: int | None = Field(default=None, foreign_key="person.id")
    deadline_code: str | None = Field(default=None, max_length=64)
    on_time: bool | None = None
    review_status: str = Field(default="pending", max_length=16)
    review_comment: str | None = Field(default=None, sa_type=Text)
    returned_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    superseded: bool = False
    # The head's sign-off (campaign file `sign_off`): confirmed | pending | returned.
    sign_off_status: str = Field(
        default="confirmed", max_length=16, sa_column_kwargs={"server_default": "confirmed"}
    )
    sign_off_comment: str | None = Field(default=None, sa_type=Text)
    # When the head confirmed it, the moment it counted (None: it counted when sent).
    signed_off_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    signed_off_by: int | None = Field(default=None, foreign_key="person.id")


class DocumentReading(SQLModel, table=True):
    """What the bot read in a submitted document (Nghị định 30/2020 fields) and how it differs
    from what the deadline asks (`flags`: [{code, message}]); Phòng Nội vụ may correct a field
    (`corrected`: the names of the fields corrected, each correction in the audit log)."""

    __tablename__ = "document_reading"
    document_id: int = Field(foreign_key="document.id", primary_key=True)
    source: str = Field(default="none", max_length=8)  # text | ocr | none
    confidence: float = 0.0
    issuer: str | None = Field(default=None, sa_type=Text)
    parent_issuer: str | None = Field(default=None, sa_type=Text)
    number: str | None = Field(default=None, sa_type=Text)
    place: str | None = Field(default=None, sa_type=Text)
    issued_on: date | None = None
    doc_type: str | None = Field(default=None, sa_type=Text)
    subject: str | None = Field(default=None, sa_type=Text)
    signer_title: str | None = Field(default=None, sa_type=Text)
    notes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    flags: list[dict[str, str]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    corrected: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    read_at: datetime = _ts()


class MediaArticle(SQLModel, table=True):
    """An article reported by a media unit."""

    __tablename__ = "media_article"
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: str = Field(foreign_key="campaign.id", max_length=64)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    title: str = Field(sa_type=Text)
    outlet: str = Field(sa_type=Text)
    kind: str = Field(max_length=32)  # bao_in|bao_dien_tu|phat_thanh|truyen_hinh
    published_on: date
    link: str = Field(default="", sa_type=Text)
    created_at: datetime = _ts()
    created_by: int | None = Field(default=None, foreign_key="person.id")


# -- deadlines and reminders ------------------------------------------------------------------


class DeadlineOverride(SQLModel, table=True):
    """An admin's change to a deadline from the campaign file (moved), or a new one (added)."""

    __tablename__ = "deadline_override"
    campaign_id: str = Field(foreign_key="campaign.id", primary_key=True, max_length=64)
    code: str = Field(primary_key=True, max_length=64)
    due: date
    spec: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON, nullable=True))
    changed_at: datetime = _ts()
    changed_by: str = Field(default="", max_length=128)


class CalendarDay(SQLModel, table=True):
    """An admin-edited day: an extra day off, or a make-up working day (ngày làm bù)."""

    __tablename__ = "calendar_day"
    day: date = Field(primary_key=True)
    working: bool
    note: str = Field(default="", sa_type=Text)
    changed_at: datetime = _ts()
    changed_by: str = Field(default="", max_length=128)


class Reminder(SQLModel, table=True):
    """One planned reminder; the unique key makes planning idempotent and sending single."""

    __table_args__ = (
        UniqueConstraint("campaign_id", "deadline_code", "unit_id", "person_id", "slot"),
        Index("ix_reminder_due", "state", "send_at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: str = Field(foreign_key="campaign.id", max_length=64)
    deadline_code: str = Field(max_length=64)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    person_id: int = Field(foreign_key="person.id")
    slot: str = Field(max_length=32)  # e.g. before-7, after-3, escalate-deputy-1
    # remind | escalate | digest (weekly, deadline_code "_DIGEST") | notice (to admins, e.g. a
    # blocked recipient; deadline_code "_NOTICE")
    kind: str = Field(default="remind", max_length=16)
    send_at: datetime = Field(sa_type=UTCDateTime)
    # planned → sending → sent; or skipped (fulfilled by then), cancelled (moved), failed
    state: str = Field(default="planned", max_length=16)
    claimed_by: str | None = Field(default=None, max_length=64)
    claimed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    late: bool = False
    attempts: int = 0
    error: str | None = Field(default=None, sa_type=Text)
    channel: str | None = Field(default=None, max_length=16)


# -- award assessments (criteria only an officer can judge, e.g. g0) -------------------------

# A "not met" needs its reason; the database refuses one without (both tables).
ASSESSMENT_REASON_RULE = "met OR (comment IS NOT NULL AND comment <> '')"


class AwardAssessment(SQLModel, table=True):
    """An officer's current verdict on one `admin_assessment` criterion of an award, for a unit.

    Every verdict given, this one included, is also a row of `award_assessment_history`."""

    __tablename__ = "award_assessment"
    __table_args__ = (
        UniqueConstraint("campaign_id", "unit_id", "award_code", "criterion_id"),
        CheckConstraint(ASSESSMENT_REASON_RULE, name="ck_award_assessment_reason"),
    )
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: str = Field(foreign_key="campaign.id", max_length=64)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    award_code: str = Field(max_length=64)
    criterion_id: str = Field(max_length=32)
    met: bool
    comment: str | None = Field(default=None, sa_type=Text)
    assessed_at: datetime = _ts()
    assessed_by: int | None = Field(default=None, foreign_key="person.id")
    # The assessing office (the officer's unit then): Phòng Nội vụ, or Phòng Văn hóa và Thông
    # tin for the media units.
    office_unit_id: int | None = Field(default=None, foreign_key="unit.id")


class AwardAssessmentHistory(SQLModel, table=True):
    """Every verdict ever given on a criterion, oldest first: a change keeps the previous one."""

    __tablename__ = "award_assessment_history"
    __table_args__ = (
        CheckConstraint(ASSESSMENT_REASON_RULE, name="ck_award_assessment_history_reason"),
    )
    id: int | None = Field(default=None, primary_key=True)
    assessment_id: int = Field(foreign_key="award_assessment.id", index=True)
    met: bool
    comment: str | None = Field(default=None, sa_type=Text)
    assessed_at: datetime = _ts()
    assessed_by: int | None = Field(default=None, foreign_key="person.id")
    office_unit_id: int | None = Field(default=None, foreign_key="unit.id")


# -- the year's end: proposals for awards and their dossiers ---------------------------------

# A proposal that does not meet the award's criteria needs its reason (both tables).
NOMINATION_REASON_RULE = "eligible OR (reason IS NOT NULL AND reason <> '')"


class Nomination(SQLModel, table=True):
    """A unit's proposal (đề nghị khen thưởng) of itself or of one of its people for an award
    form of the campaign file. Changed in place until the dossier deadline; every version,
    the withdrawal included, is a row of `nomination_history`."""

    __table_args__ = (
        CheckConstraint(NOMINATION_REASON_RULE, name="ck_nomination_reason"),
        Index("ix_nomination_unit", "campaign_id", "unit_id", "status"),
    )
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: str = Field(foreign_key="campaign.id", max_length=64)
    unit_id: int = Field(foreign_key="unit.id")  # the proposing unit
    award_code: str = Field(max_length=64)
    subject: str = Field(max_length=16)  # collective | individual
    full_name: str = Field(max_length=200)  # the collective's or the person's name
    position: str = Field(default="", max_length=200)  # chức vụ (individuals)
    achievement: str = Field(sa_type=Text)  # tóm tắt thành tích
    eligible: bool  # the criteria as they stood when it was filed or last changed
    reason: str | None = Field(default=None, sa_type=Text)  # why, when not eligible
    office_unit_id: int | None = Field(default=None, foreign_key="unit.id")  # who reviews it
    status: str = Field(default="active", max_length=16)  # active | withdrawn
    created_at: datetime = _ts()
    created_by: int | None = Field(default=None, foreign_key="person.id")
    changed_at: datetime = _ts()
    changed_by: int | None = Field(default=None, foreign_key="person.id")
    complete_at: datetime | None = Field(default=None, sa_type=UTCDateTime)  # every part in


class NominationHistory(SQLModel, table=True):
    """Every version of a proposal, oldest first (filed, changed, withdrawn)."""

    __tablename__ = "nomination_history"
    __table_args__ = (
        CheckConstraint(NOMINATION_REASON_RULE, name="ck_nomination_history_reason"),
    )
    id: int | None = Field(default=None, primary_key=True)
    nomination_id: int = Field(foreign_key="nomination.id", index=True)
    action: str = Field(max_length=16)  # file | change | withdraw
    award_code: str = Field(max_length=64)
    full_name: str = Field(max_length=200)
    position: str = Field(default="", max_length=200)
    achievement: str = Field(sa_type=Text)
    eligible: bool
    reason: str | None = Field(default=None, sa_type=Text)
    status: str = Field(max_length=16)
    at: datetime = _ts()
    by: int | None = Field(default=None, foreign_key="person.id")


class DossierPart(SQLModel, table=True):
    """One file of a proposal's dossier (Tờ trình, Biên bản, Báo cáo thành tích). A new file
    for the same part supersedes the previous one, which is kept."""

    __tablename__ = "dossier_part"
    __table_args__ = (Index("ix_dossier_part_nomination", "nomination_id", "part_code"),)
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: str = Field(foreign_key="campaign.id", max_length=64)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    nomination_id: int = Field(foreign_key="nomination.id")
    part_code: str = Field(max_length=64)  # the award's dossier item code
    stored_name: str = Field(max_length=255)
    original_name: str = Field(default="", max_length=255)
    mime_type: str = Field(default="", max_length=128)
    size: int = 0
    sha256: str = Field(default="", max_length=64)
    submitted_at: datetime = _ts()
    submitted_by: int | None = Field(default=None, foreign_key="person.id")
    superseded: bool = False
    review_status: str = Field(default="pending", max_length=16)  # pending|accepted|returned
    review_comment: str | None = Field(default=None, sa_type=Text)
    reviewed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    reviewed_by: int | None = Field(default=None, foreign_key="person.id")


class DossierReview(SQLModel, table=True):
    """Every review of a dossier part, oldest first."""

    __tablename__ = "dossier_review"
    id: int | None = Field(default=None, primary_key=True)
    part_id: int = Field(foreign_key="dossier_part.id", index=True)
    status: str = Field(max_length=16)  # accepted | returned
    comment: str | None = Field(default=None, sa_type=Text)
    at: datetime = _ts()
    by: int | None = Field(default=None, foreign_key="person.id")


class Individual(SQLModel, table=True):
    """A person a unit proposes for an award (seed II.1.2: cán bộ, công chức, viên chức, người
    lao động; phóng viên): name and position as the unit's focal point gives them. Not a user of
    the bot. A removal keeps the row (``removed``); every change is also in the audit log."""

    __tablename__ = "individual"
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: str = Field(foreign_key="campaign.id", max_length=64)
    unit_id: int = Field(foreign_key="unit.id", index=True)
    full_name: str = Field(sa_type=Text)
    position: str = Field(sa_type=Text)
    removed: bool = False
    created_at: datetime = _ts()
    created_by: int | None = Field(default=None, foreign_key="person.id")
    updated_at: datetime = _ts()
    updated_by: int | None = Field(default=None, foreign_key="person.id")
