"""Báo cáo thành tích (Mẫu số 08, NĐ 98/2023/NĐ-CP) of a collective or an individual."""

from __future__ import annotations

from core.dates import numeric_date
from core.domain.values import format_number, format_percent
from documents.drafts.fill import Context, common, numbered, render
from documents.drafts.model import AchievementReport, Collective, IndicatorResult

NOT_GIVEN = "……"


def figure(value: float | str | None, unit: str) -> str:
    """A target or result as printed: "95,5%", "1.234 hồ sơ", words as given, "-" when missing."""
    if value is None:
        return "-"
    if isinstance(value, str):
        return value
    if unit == "%":
        return format_percent(value, 1)
    return f"{format_number(value, 1)} {unit}".strip()


def _indicator_rows(report: AchievementReport) -> Context:
    """The three tables of part II: indicators; the initiatives and the documents (the
    report's own, then any an indicator carries)."""
    indicators: tuple[IndicatorResult, ...] = report.indicators
    return {
        "indicators": numbered([
            {
                "name": item.name,
                "target": figure(item.target, item.unit),
                "result": figure(item.result, item.unit),
                "verdict": item.verdict.value,
            }
            for item in indicators
        ]),
        "initiatives": numbered([
            {"name": ini.name, "kind": ini.kind, "status": ini.status, "effect": ini.effect}
            for ini in report.initiatives
        ] + [
            {"name": ini.name, "kind": ini.kind or item.name, "status": ini.status,
             "effect": ini.effect}
            for item in indicators
            for ini in item.initiatives
        ]),
        "documents": numbered([
            {"number": ref.number, "date": numeric_date(ref.issued_on), "summary": ref.summary}
            for ref in (*report.documents, *(r for item in indicators for r in item.documents))
        ]),
    }


def render_bao_cao_thanh_tich(report: AchievementReport) -> bytes:
    """The achievement report as .docx bytes, on the template ``report.form`` names."""
    context = common(report.issuer, report.campaign, "", report.signer, report.data_as_of)
    subject = report.subject
    context |= {
        "award": report.award,
        "summary": list(report.summary),
        "confirming_body": report.confirming_body.upper(),
        "form_citation": report.form.citation,
        **_indicator_rows(report),
    }
    if isinstance(subject, Collective):
        context |= {
            "individual": False,
            "name": subject.name,
            "address": subject.address or NOT_GIVEN,
            "functions": subject.functions or NOT_GIVEN,
            "organisation": subject.organisation or NOT_GIVEN,
        }
    else:
        context |= {
            "individual": True,
            "name": subject.full_name,
            "position": subject.position,
            "unit": subject.unit,
            "gender": subject.gender or NOT_GIVEN,
            "birth_date": numeric_date(subject.birth_date) if subject.birth_date else NOT_GIVEN,
            "hometown": subject.hometown or NOT_GIVEN,
            "education": subject.education or NOT_GIVEN,
        }
    return render(report.form.template, context)
