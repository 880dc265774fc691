"""The drafts' input: plain frozen dataclasses, so any caller (storage, chat, a test) fills them.

Names, titles and award forms arrive as the Vietnamese a reader should see; campaign-internal
codes never reach these classes. Dates are ``date``/``datetime`` and figures are numbers, so the
drafts format them one way (see ``formatting``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum

DEFAULT_CAMPAIGN = "Đẩy mạnh cải cách hành chính"


class Verdict(Enum):
    """How a result stands against its target; the value is the word the draft prints."""

    MET = "Đạt"
    NOT_MET = "Chưa đạt"
    UNKNOWN = "Chưa đủ căn cứ"


class Scope(Enum):
    """Who proposes: a unit for its own people, or Phòng Nội vụ for the whole city."""

    UNIT = "unit"
    CITY = "city"


@dataclass(frozen=True)
class Issuer:
    """The body that issues a draft, as its heading block names it.

    ``parent`` and ``name`` are printed in capitals; ``abbreviation`` is the part of the
    document symbol after the type ("PNV" gives "TTr-PNV"); ``place`` is the địa danh.
    """

    parent: str
    name: str
    abbreviation: str
    place: str = "Móng Cái"


@dataclass(frozen=True)
class Signer:
    """Who signs: ``title`` in capitals, ``authority`` the "KT."/"TM." line above it if any."""

    title: str
    name: str = ""
    authority: str = ""


@dataclass(frozen=True)
class Campaign:
    """The emulation campaign a draft belongs to."""

    year: int = 2024
    name: str = DEFAULT_CAMPAIGN


@dataclass(frozen=True)
class ReportForm:
    """Which legal form the achievement report follows: a template file and how to cite it.

    The form changes with the decree (Mẫu 08 of NĐ 98/2023 for 2024; NĐ 152/2025 from
    01/07/2025), so a campaign names its own; a bare file name is looked up among the
    package's templates, a path is used as given.
    """

    template: str = "bao-cao-thanh-tich-nd98-2023-mau-08.docx"
    citation: str = (
        "Mẫu số 08, Phụ lục kèm theo Nghị định số 98/2023/NĐ-CP ngày 31/12/2023 của Chính phủ"
    )


@dataclass(frozen=True)
class Initiative:
    """A solution or initiative (giải pháp, sáng kiến) and what came of it."""

    name: str
    status: str
    effect: str = ""
    unit: str = ""
    kind: str = ""  # Mô hình, Giải pháp, Sáng kiến


@dataclass(frozen=True)
class DocumentRef:
    """A document the unit issued to carry out a target."""

    number: str
    issued_on: date
    summary: str


@dataclass(frozen=True)
class IndicatorResult:
    """One campaign target (chỉ tiêu) with the unit's result.

    ``target`` and ``result`` are numbers in ``unit`` ("%" reads "95,5%", others "1.234 hồ sơ")
    or, for targets that are not figures, the words to print; ``None`` is "no result yet".
    """

    name: str
    target: float | str
    result: float | str | None
    verdict: Verdict
    unit: str = "%"
    initiatives: tuple[Initiative, ...] = ()
    documents: tuple[DocumentRef, ...] = ()


@dataclass(frozen=True)
class Collective:
    """A collective (tập thể) nominated for an award, with what Mẫu 08 asks in part I."""

    name: str
    address: str = ""
    functions: str = ""
    organisation: str = ""


@dataclass(frozen=True)
class Individual:
    """An individual (cá nhân) nominated for an award, with the sơ lược lý lịch of Mẫu 08."""

    full_name: str
    position: str
    unit: str
    birth_date: date | None = None
    gender: str = ""
    hometown: str = ""
    education: str = ""


@dataclass(frozen=True)
class AchievementReport:
    """Báo cáo thành tích of one collective or individual for one award form."""

    issuer: Issuer
    subject: Collective | Individual
    award: str
    indicators: tuple[IndicatorResult, ...]
    signer: Signer
    confirming_body: str
    data_as_of: datetime
    summary: tuple[str, ...] = ()
    campaign: Campaign = field(default_factory=Campaign)
    form: ReportForm = field(default_factory=ReportForm)
    initiatives: tuple[Initiative, ...] = ()  # the unit's, in a section of their own
    documents: tuple[DocumentRef, ...] = ()


@dataclass(frozen=True)
class Nominee:
    """A collective or individual put forward, with the award and one line of achievement."""

    name: str
    award: str
    achievement: str
    is_collective: bool
    position: str = ""
    unit: str = ""


@dataclass(frozen=True)
class Proposal:
    """Tờ trình đề nghị khen thưởng, of a unit (``Scope.UNIT``) or of Phòng Nội vụ (``CITY``)."""

    issuer: Issuer
    addressee: str
    nominees: tuple[Nominee, ...]
    signer: Signer
    recipients: tuple[str, ...]
    data_as_of: datetime
    grounds: tuple[str, ...] = ()
    meeting_on: date | None = None
    campaign: Campaign = field(default_factory=Campaign)


@dataclass(frozen=True)
class Vote:
    """One proposal put to the vote at the council meeting; the count is written by hand."""

    name: str
    award: str


@dataclass(frozen=True)
class CouncilMeeting:
    """Biên bản họp xét of the unit's Hội đồng Thi đua - Khen thưởng."""

    issuer: Issuer
    held_at: datetime | None  # None: the meeting is yet to be held, its time left to write
    venue: str
    chair: Signer
    secretary: Signer
    votes: tuple[Vote, ...]
    data_as_of: datetime
    agenda: tuple[str, ...] = ()
    member_lines: int = 6
    campaign: Campaign = field(default_factory=Campaign)


@dataclass(frozen=True)
class TargetAttainment:
    """A "100 % of units" target city-wide: how many units met it out of those it applies to."""

    name: str
    met: int
    applicable: int


@dataclass(frozen=True)
class Shortfall:
    """A unit that did not meet a target, in words."""

    unit: str
    missing: str


@dataclass(frozen=True)
class CampaignSummary:
    """Báo cáo tổng kết phong trào thi đua of Phòng Nội vụ for the year."""

    issuer: Issuer
    targets: tuple[TargetAttainment, ...]
    units: int
    reports: int
    initiatives_registered: int
    initiatives_effective: int
    initiatives: tuple[Initiative, ...]
    shortfalls: tuple[Shortfall, ...]
    signer: Signer
    recipients: tuple[str, ...]
    data_as_of: datetime
    campaign: Campaign = field(default_factory=Campaign)


@dataclass(frozen=True)
class LateItem:
    """A unit late on a deadline or short on a target, and by when it must catch up."""

    unit: str
    missing: str
    deadline: date


@dataclass(frozen=True)
class ReminderLetter:
    """Công văn đôn đốc to the units that are late."""

    issuer: Issuer
    subject: str
    items: tuple[LateItem, ...]
    reply_by: date
    signer: Signer
    recipients: tuple[str, ...]
    data_as_of: datetime
    campaign: Campaign = field(default_factory=Campaign)
    addressees: tuple[str, ...] = ()

    def kinh_gui(self) -> tuple[str, ...]:
        """The addressees: as given, else each late unit once, in the order first met."""
        if self.addressees:
            return self.addressees
        return tuple(dict.fromkeys(item.unit for item in self.items))
