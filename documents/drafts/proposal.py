"""Tờ trình đề nghị khen thưởng: a unit's for its own nominees, or Phòng Nội vụ's for the city."""

from __future__ import annotations

from core.dates import ngay_thang_nam
from documents.drafts.fill import Context, common, numbered, render
from documents.drafts.model import Nominee, Proposal, Scope

ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def _who(nominee: Nominee) -> str:
    """A collective by its name; an individual as "name, position, unit"."""
    if nominee.is_collective:
        return nominee.name
    return ", ".join(part for part in (nominee.name, nominee.position, nominee.unit) if part)


def _unit_groups(nominees: tuple[Nominee, ...]) -> list[Context]:
    """A unit lists its collectives first, then its individuals, each with the award proposed."""
    groups = []
    for is_collective, label in ((True, "tập thể"), (False, "cá nhân")):
        rows = [
            {"name": _who(n), "third": n.award, "achievement": n.achievement}
            for n in nominees
            if n.is_collective is is_collective
        ]
        if rows:
            heading = f"Khen thưởng {label}: {len(rows)} {label}"
            groups.append({"heading": heading, "rows": numbered(rows)})
    return [
        {**group, "heading": f"{ROMAN[i]}. {group['heading']}"} for i, group in enumerate(groups)
    ]


def _headcount(members: list[Nominee]) -> str:
    """ "2 tập thể và 3 cá nhân", leaving out a kind that has nobody."""
    collectives = sum(n.is_collective for n in members)
    parts = [f"{collectives} tập thể"] if collectives else []
    if len(members) > collectives:
        parts.append(f"{len(members) - collectives} cá nhân")
    return " và ".join(parts)


def _award_groups(nominees: tuple[Nominee, ...]) -> list[Context]:
    """The city groups by award form, in the order forms first appear."""
    forms = list(dict.fromkeys(n.award for n in nominees))
    groups = []
    for i, form in enumerate(forms):
        members = [n for n in nominees if n.award == form]
        heading = f"{ROMAN[i % len(ROMAN)]}. {form}: {_headcount(members)}"
        rows = [
            {
                "name": _who(n),
                "third": "Tập thể" if n.is_collective else "Cá nhân",
                "achievement": n.achievement,
            }
            for n in members
        ]
        groups.append({"heading": heading, "rows": numbered(rows)})
    return groups


def render_to_trinh(proposal: Proposal, scope: Scope = Scope.UNIT) -> bytes:
    """The Tờ trình as .docx bytes; ``scope`` decides grouping and wording."""
    symbol = f"TTr-{proposal.issuer.abbreviation}"
    context = common(proposal.issuer, proposal.campaign, symbol, proposal.signer,
                     proposal.data_as_of)
    grounds = list(proposal.grounds)
    if proposal.meeting_on is not None:
        grounds.append(
            f"Căn cứ kết quả họp xét của Hội đồng Thi đua - Khen thưởng "
            f"{ngay_thang_nam(proposal.meeting_on)},"
        )
    who = proposal.issuer.name
    count = len(proposal.nominees)
    if scope is Scope.UNIT:
        groups = _unit_groups(proposal.nominees)
        column = "Hình thức khen thưởng"
        lead = (
            f"{who} kính trình {proposal.addressee} xem xét, khen thưởng {count} tập thể, "
            f"cá nhân có thành tích xuất sắc trong phong trào thi đua “{proposal.campaign.name}” "
            f"năm {proposal.campaign.year}, cụ thể như sau:"
        )
    else:
        groups = _award_groups(proposal.nominees)
        column = "Đối tượng"
        lead = (
            f"Trên cơ sở đề nghị của các cơ quan, đơn vị, xã, phường và kết quả thẩm định, "
            f"{who} kính trình {proposal.addressee} xem xét, khen thưởng {count} tập thể, "
            f"cá nhân có thành tích xuất sắc trong phong trào thi đua “{proposal.campaign.name}” "
            f"năm {proposal.campaign.year}, cụ thể như sau:"
        )
    context |= {
        "addressee": proposal.addressee,
        "grounds": grounds,
        "lead": lead,
        "groups": groups,
        "column": column,
        "closing_line": f"Kính trình {proposal.addressee} xem xét, quyết định./.",
        "recipients": list(proposal.recipients),
    }
    return render("to-trinh.docx", context)
