"""The campaign file: the bundled Móng Cái 2024 definition, and the loader's error reports."""

from __future__ import annotations

import copy
import unicodedata
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from core.campaign import (
    Campaign,
    CampaignFileError,
    CampaignFileIssue,
    RatingAtLeastCheck,
    bundled_campaign_path,
    load_campaign,
    load_campaign_text,
)

ALL_KINDS = {
    "SCHOOL",
    "COMMUNE_MASS_ORG",
    "CITY_OFFICE",
    "CITY_PSU",
    "EDU_HEALTH_PSU",
    "COMMUNE",
    "PROV_AGENCY",
    "PARTY_BODY",
    "MASS_ORG",
    "MEDIA",
}


@cache
def bundled_text() -> str:
    return bundled_campaign_path().read_text(encoding="utf-8")


@cache
def bundled() -> Campaign:
    return load_campaign(bundled_campaign_path())


def index_of(section: str, code: str) -> int:
    items = getattr(bundled(), section)
    return next(i for i, item in enumerate(items) if item.code == code)


def line_of(text: str, needle: str, occurrence: int = 1) -> int:
    """1-based line of the n-th occurrence of ``needle`` in ``text``."""
    position = -1
    for _ in range(occurrence):
        position = text.index(needle, position + 1)
    return text.count("\n", 0, position) + 1


def mutate(old: str, new: str, count: int = 1) -> str:
    text = bundled_text()
    assert old in text, old
    return text.replace(old, new, count)


def errors_of(text: str) -> list[CampaignFileIssue]:
    with pytest.raises(CampaignFileError) as caught:
        load_campaign_text(text, source="mongcai-2024.yaml")
    return caught.value.errors


# --------------------------------------------------------------------------- the bundled campaign


def test_bundled_campaign_loads_with_its_identity() -> None:
    campaign = bundled()
    assert campaign.schema_version == 1
    assert campaign.campaign.id == "mongcai-cchc-2024"
    assert campaign.campaign.year == 2024
    assert campaign.campaign.period.start == date(2024, 1, 1)
    assert campaign.campaign.period.end == date(2024, 12, 31)
    assert campaign.campaign.timezone == "Asia/Ho_Chi_Minh"
    assert "Đẩy mạnh cải cách hành chính" in campaign.campaign.title


def test_bundled_file_is_nfc_and_the_path_is_inside_the_package() -> None:
    assert bundled_campaign_path().parts[-3:] == ("bot", "campaigns", "mongcai-2024.yaml")
    assert unicodedata.is_normalized("NFC", bundled_text())


def test_phong_noi_vu_coordinates_and_van_hoa_thong_tin_sees_the_media() -> None:
    campaign = bundled()
    coordinator = campaign.unit(campaign.campaign.coordinator_unit)
    assert coordinator is not None
    assert coordinator.name == "Phòng Nội vụ"
    scopes = {scope.unit: scope.kinds for scope in campaign.admin_scopes}
    assert scopes == {"PNV": "all", "PVHTT": ("MEDIA",)}


def test_all_unit_kinds_of_the_plan_are_declared() -> None:
    assert {kind.code for kind in bundled().unit_kinds} == ALL_KINDS


def test_seventeen_communes_until_hoa_lac_merges() -> None:
    communes = [u for u in bundled().units if u.kind == "COMMUNE"]
    assert len(communes) == 17
    assert sum(u.name.startswith("Phường") for u in communes) == 8
    assert sum(u.name.startswith("Xã") for u in communes) == 9
    assert sum(u.is_active_on(date(2024, 11, 1)) for u in communes) == 16
    hoa_lac = bundled().unit("P_HOA_LAC")
    assert hoa_lac is not None
    assert hoa_lac.active_to == date(2024, 10, 31)
    assert {"Phường Hoà Lạc", "Hòa Lạc", "Hoà Lạc", "06718"} <= set(hoa_lac.aliases)
    gso_codes = {a for u in communes for a in u.aliases if a.isdigit()}
    assert len(gso_codes) == 17
    assert gso_codes == {f"067{n:02d}" for n in range(9, 58, 3)}


def test_both_spellings_of_hai_hoa_are_known() -> None:
    hai_hoa = bundled().unit("P_HAI_HOA")
    assert hai_hoa is not None
    assert {"Phường Hải Hoà", "Hải Hòa", "Hải Hoà"} <= {hai_hoa.name, *hai_hoa.aliases}


def test_named_offices_and_bodies_are_present() -> None:
    names = {u.name for u in bundled().units}
    for name in (
        "Văn phòng HĐND và UBND thành phố",
        "Phòng Tư pháp",
        "Phòng Văn hóa và Thông tin",
        "Phòng Tài chính - Kế hoạch",
        "Thanh tra thành phố",
        "Trung tâm Hành chính công thành phố",
        "Văn phòng Thành ủy",
        "Ban Dân vận Thành ủy",
        "Liên đoàn Lao động thành phố",
    ):
        assert name in names
    media = bundled().unit("TTTTVH")
    assert media is not None
    assert media.kind == "MEDIA"
    provincial = [u for u in bundled().units if u.kind == "PROV_AGENCY"]
    assert provincial
    assert all(u.note == "cần Phòng Nội vụ xác nhận" for u in provincial)


def test_the_six_reform_areas_of_resolution_76() -> None:
    areas = [(a.code, a.label) for a in bundled().reform_areas]
    assert len(areas) == 6
    assert areas[0] == ("A1", "Cải cách thể chế")
    assert areas[5][1] == "Xây dựng, phát triển Chính phủ điện tử, Chính phủ số"


def test_launch_document_is_due_end_of_first_quarter_for_every_collective() -> None:
    campaign = bundled()
    d01 = campaign.deadline("D01")
    assert d01 is not None
    assert d01.due == date(2024, 3, 31)
    assert set(d01.applies_to.kinds) == ALL_KINDS
    assert d01.fulfilled_by.document == "LAUNCH_DOC"
    assert d01.command == "/nopvanban"
    policy = campaign.reminder_policy(d01)
    assert policy.before_days == (14, 7, 3, 1, 0)
    assert (policy.repeat_after_days, policy.hour, policy.escalate_after) == (3, 8, 2)
    assert policy.working_days_only is True
    assert [d.deadline for d in campaign.document_types if d.code == "LAUNCH_DOC"] == ["D01"]


def test_initiatives_and_year_end_report_deadlines() -> None:
    campaign = bundled()
    d02, d03 = campaign.deadline("D02"), campaign.deadline("D03")
    assert d02 is not None
    assert d03 is not None
    assert d02.fulfilled_by.initiative == "registered"
    assert d02.due == date(2024, 3, 31)
    assert d03.fulfilled_by.report is not None
    assert d03.fulfilled_by.report.frequency == "annual"
    # Issue 11: the plan sets no year-end report date; the city's is after the year ends.
    assert d03.due == date(2025, 1, 15)
    assert (d02.source, d03.source) == ("city", "city")
    assert not d02.decides_eligibility
    assert not d03.decides_eligibility
    hoa_lac = campaign.unit("P_HOA_LAC")
    assert hoa_lac is not None
    assert [d.code for d in campaign.deadlines_for(hoa_lac)] == ["D01", "D02"]


# code: (type, op, value) exactly as in seed II.2.1–II.2.3
SEED_TARGETS: dict[str, tuple[str, str | None, object]] = {
    "T00": ("percent", ">=", 100),
    "T01": ("yes_no", "==", True),
    "T02": ("percent", ">=", 100),
    "T03": ("text", None, None),
    "T04": ("percent", ">=", 100),
    "T05": ("yes_no", "==", True),
    "T06": ("yes_no", "==", True),
    "E01A": ("percent", ">=", 6.5),
    "E01B": ("percent", ">=", 12),
    "E01C": ("percent", ">=", 12),
    "E02": ("percent", ">", 12),
    "E03": ("percent", ">=", 35),
    "E04": ("percent", ">=", 100),
    "E05": ("count", ">=", 200),
    "E06": ("percent", ">=", 73),
    "T09": ("yes_no", "==", True),
    "T10": ("yes_no", "==", True),
    "T11": ("percent", ">=", 100),
    "T12": ("rating", ">=", "Khá"),
    "T13": ("text", None, None),
    "I04": ("percent", ">=", 100),
    "M01": ("count", ">=", 1),
    "M02": ("yes_no", "==", True),
}


def test_indicator_codes_are_those_of_the_plan() -> None:
    assert [i.code for i in bundled().indicators] == list(SEED_TARGETS)


@pytest.mark.parametrize(("code", "expected"), SEED_TARGETS.items())
def test_indicator_target_is_the_plans(code: str, expected: tuple[str, str | None, object]) -> None:
    indicator = bundled().indicator(code)
    assert indicator is not None
    kind, op, value = expected
    assert indicator.type == kind
    if op is None:
        assert indicator.target is None
    else:
        assert indicator.target is not None
        assert (indicator.target.op, indicator.target.value) == (op, value)
        assert type(indicator.target.value) is type(value)
    assert indicator.label
    assert indicator.short_label


def test_city_wide_figures_are_reported_by_one_office() -> None:
    campaign = bundled()
    owners = {
        code: campaign.indicator(code).applies_to_units  # type: ignore[union-attr]
        for code in ("T02", "E01A", "E01B", "E01C", "E02", "E03", "E04", "E05", "E06")
    }
    assert owners["T02"] == ("PTP",)
    # The economic figures are the city's outcomes, judged as the city's (issue 11).
    assert all(
        campaign.indicator(c).scope == "city"  # type: ignore[union-attr]
        for c in ("E01A", "E01B", "E01C", "E02", "E03", "E04", "E05", "E06")
    )
    assert campaign.indicator("T07") is None  # the /sangkien register answers these
    assert campaign.indicator("T08") is None
    assert all(owners[c] == ("PTCKH",) for c in ("E01A", "E01B", "E01C", "E02", "E03", "E04"))
    for code in owners:
        assert campaign.indicator(code).applies_to == ()  # type: ignore[union-attr]


def test_every_unit_kind_has_an_indicator_and_every_unit_reports_something() -> None:
    campaign = bundled()
    for kind in ALL_KINDS:
        assert any(kind in i.applies_to for i in campaign.indicators), kind
    for unit in campaign.units:
        assert campaign.indicators_for(unit), unit.code


def test_par_index_applies_only_to_flagged_units() -> None:
    campaign = bundled()
    ka_long, party = campaign.unit("P_KA_LONG"), campaign.unit("VP_TU")
    assert ka_long is not None
    assert party is not None
    assert "T12" in [i.code for i in campaign.indicators_for(ka_long)]
    assert "T12" not in [i.code for i in campaign.indicators_for(party)]
    t12 = campaign.indicator("T12")
    assert t12 is not None
    assert t12.target is not None
    scale = campaign.rating_scale
    assert scale == ("Yếu", "Trung bình", "Khá", "Tốt", "Xuất sắc")
    assert t12.target.is_met("Tốt", scale)
    assert t12.target.is_met("Khá", scale)
    assert not t12.target.is_met("Trung bình", scale)


def test_target_comparison() -> None:
    e02 = bundled().indicator("E02")
    t01 = bundled().indicator("T01")
    assert e02 is not None
    assert t01 is not None
    assert e02.target is not None
    assert t01.target is not None
    assert e02.target.is_met(12.5)
    assert not e02.target.is_met(12)
    assert t01.target.is_met(True)
    assert not t01.target.is_met(1)


def test_provincial_award_criteria_i1_to_i3() -> None:
    awards = {a.code: a for a in bundled().awards}
    assert set(awards) == {"BK_CT_TINH", "BK_CT_TINH_CN", "GK_CT_TP", "GK_CT_XA"}
    collective = awards["BK_CT_TINH"]
    assert collective.for_ == "collective"
    checks = {c.id: c.check for c in collective.criteria}
    assert [c.id for c in collective.criteria] == ["g0", "i1", "i2", "i3"]
    assert checks["g0"].type == "admin_assessment"
    assert checks["i1"].type == "reform_tasks"  # the unit's reform tasks, not deadlines
    assert checks["i2"].type == "indicators_met"
    i3 = checks["i3"]
    assert isinstance(i3, RatingAtLeastCheck)
    assert (i3.indicator, i3.value, i3.only_if_unit_flag) == ("T12", "Khá", "has_annual_par_index")
    assert awards["BK_CT_TINH_CN"].for_ == "individual"
    assert awards["GK_CT_XA"].applies_to is not None
    assert awards["GK_CT_XA"].applies_to.kinds == ("COMMUNE",)
    for award in awards.values():
        assert [d.code for d in award.dossier] == ["TO_TRINH", "BIEN_BAN", "BAO_CAO_THANH_TICH"]
    assert "Mẫu số 08" in collective.dossier[2].label
    assert "98/2023/NĐ-CP" in collective.dossier[2].label


def test_model_round_trips_through_json_and_checks_references_when_built_directly() -> None:
    campaign = bundled()
    data = campaign.model_dump(mode="json")
    assert data["awards"][0]["for"] == "collective"
    assert Campaign.model_validate(data) == campaign
    data["units"][0]["kind"] = "NOPE"
    with pytest.raises(ValidationError, match=r'units\[0\]\.kind: loại đơn vị "NOPE"'):
        Campaign.model_validate(data)


def test_load_campaign_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "copy.yaml"
    path.write_text(bundled_text(), encoding="utf-8")
    assert load_campaign(path) == bundled()
    with pytest.raises(CampaignFileError) as caught:
        load_campaign(tmp_path / "missing.yaml")
    assert "không đọc được tệp" in str(caught.value)
    path.write_bytes(b"schema_version: 1\ncampaign: \xff\n")
    with pytest.raises(CampaignFileError) as caught:
        load_campaign(path)
    assert [(e.line, e.message) for e in caught.value.errors] == [
        (2, "tệp phải được lưu dạng UTF-8")
    ]


def test_decomposed_unicode_is_normalised() -> None:
    campaign = load_campaign_text(unicodedata.normalize("NFD", bundled_text()))
    hoa_lac = campaign.unit("P_HOA_LAC")
    assert hoa_lac is not None
    assert hoa_lac.name == "Phường Hòa Lạc"


# --------------------------------------------------------------------------- broken files


def _ind(code: str) -> str:
    return f"indicators[{index_of('indicators', code)}]"


def _unit(code: str) -> str:
    return f"units[{index_of('units', code)}]"


# (case id, old, new, expected path, text whose first line in the broken file is the error line)
BROKEN: list[tuple[str, str, str, str, str]] = [
    (
        "operator typo",
        'target: {op: ">=", value: 6.5}',
        'target: {op: "=>", value: 6.5}',
        f"{_ind('E01A')}.target.op",
        '{op: "=>"',
    ),
    (
        "unknown field",
        '  short_title: "Thi đua CCHC Móng Cái 2024"\n',
        '  short_title: "Thi đua CCHC Móng Cái 2024"\n  colour: red\n',
        "campaign.colour",
        "  colour: red",
    ),
    (
        "missing field in block mapping",
        "    frequency: semiannual\n",
        "",
        f"{_ind('T03')}.frequency",
        "  - code: T03",
    ),
    (
        "missing field in flow mapping",
        '{code: COMMUNE, label: "UBND xã, phường"}',
        "{code: COMMUNE}",
        "unit_kinds[3].label",
        "{code: COMMUNE}",
    ),
    (
        "unknown unit kind",
        'name: "Văn phòng Thành ủy", kind: PARTY_BODY}',
        'name: "Văn phòng Thành ủy", kind: PARTY}',
        f"{_unit('VP_TU')}.kind",
        "kind: PARTY}",
    ),
    (
        "unknown parent",
        '{code: BQLDA, name: "Ban Quản lý dự án đầu tư xây dựng thành phố", kind: CITY_PSU,',
        '{code: BQLDA, name: "Ban Quản lý dự án đầu tư xây dựng thành phố", kind: CITY_PSU, '
        "parent: UBND_TP,",
        f"{_unit('BQLDA')}.parent",
        "parent: UBND_TP",
    ),
    (
        "duplicate unit code",
        '{code: PKT, name: "Phòng Kinh tế"',
        '{code: PYT, name: "Phòng Kinh tế"',
        f"{_unit('PKT')}.code",
        '{code: PYT, name: "Phòng Kinh tế"',
    ),
    (
        "lowercase code",
        '{code: HND, name: "Hội Nông dân',
        '{code: hnd, name: "Hội Nông dân',
        f"{_unit('HND')}.code",
        "{code: hnd",
    ),
    (
        "same alias for two units",
        'aliases: ["Trần Phú", "06712"]',
        'aliases: ["Ka Long", "06712"]',
        f"{_unit('P_TRAN_PHU')}.aliases[0]",
        'aliases: ["Ka Long", "06712"]',
    ),
    (
        "active_to before active_from",
        "    until: 2024-10-31\n",
        "    active_from: 2024-11-15\n    until: 2024-10-31\n",
        f"{_unit('P_HOA_LAC')}.until",
        "    until: 2024-10-31",
    ),
    (
        "rating target not on the scale",
        'target: {op: ">=", value: Khá}',
        'target: {op: ">=", value: Giỏi}',
        f"{_ind('T12')}.target.value",
        "value: Giỏi}",
    ),
    (
        "yes/no target is not a boolean",
        'target: {op: "==", value: true}',
        'target: {op: "==", value: 1}',
        f"{_ind('T01')}.target.value",
        'target: {op: "==", value: 1}',
    ),
    (
        "yes/no target with an ordering operator",
        'target: {op: "==", value: true}',
        'target: {op: ">=", value: true}',
        f"{_ind('T01')}.target.op",
        'target: {op: ">=", value: true}',
    ),
    (
        "percent target is text",
        'target: {op: ">=", value: 35}',
        'target: {op: ">=", value: "35%"}',
        f"{_ind('E03')}.target.value",
        '"35%"',
    ),
    (
        "count target is a fraction",
        'target: {op: ">=", value: 200}',
        'target: {op: ">=", value: 200.5}',
        f"{_ind('E05')}.target.value",
        "value: 200.5",
    ),
    (
        "text indicator with a target",
        "    type: text\n    target: null\n",
        '    type: text\n    target: {op: "==", value: "x"}\n',
        f"{_ind('T03')}.target",
        '    target: {op: "==", value: "x"}',
    ),
    (
        "unknown kind in applies_to",
        "applies_to: [EDU_HEALTH_PSU]\n",
        "applies_to: [EDU_PSU]\n",
        f"{_ind('T10')}.applies_to[0]",
        "applies_to: [EDU_PSU]",
    ),
    (
        "unknown unit in applies_to_units",
        "applies_to_units: [PTP]",
        "applies_to_units: [P_TP]",
        f"{_ind('T02')}.applies_to_units[0]",
        "applies_to_units: [P_TP]",
    ),
    (
        "unknown reform area",
        "    area: A1\n",
        "    area: A7\n",
        f"{_ind('T02')}.area",
        "    area: A7",
    ),
    (
        "indicator applies to nobody",
        "    applies_to_units: [PQLDT]\n",
        "    applies_to_units: []\n",
        f"{_ind('E06')}.applies_to_units",
        "    applies_to_units: []",
    ),
    (
        "unknown frequency",
        "    frequency: semiannual\n",
        "    frequency: weekly\n",
        f"{_ind('T03')}.frequency",
        "    frequency: weekly",
    ),
    (
        "unknown coordinator",
        "  coordinator_unit: PNV\n",
        "  coordinator_unit: SNV\n",
        "campaign.coordinator_unit",
        "  coordinator_unit: SNV",
    ),
    (
        "unknown time zone",
        "  timezone: Asia/Ho_Chi_Minh\n",
        "  timezone: Asia/Hanoi\n",
        "campaign.timezone",
        "  timezone: Asia/Hanoi",
    ),
    (
        "period ends before it starts",
        "period: {start: 2024-01-01, end: 2024-12-31}",
        "period: {start: 2024-01-01, end: 2023-12-31}",
        "campaign.period.end",
        "  period: {start",
    ),
    (
        "year is not a number",
        "  year: 2024\n",
        "  year: hai nghìn\n",
        "campaign.year",
        "  year: hai nghìn",
    ),
    (
        "wrong schema version",
        "schema_version: 1\n",
        "schema_version: 2\n",
        "schema_version",
        "schema_version: 2",
    ),
    (
        "unknown admin scope kind",
        "kinds: [MEDIA]}",
        "kinds: [PRESS]}",
        "admin_scopes[1].kinds[0]",
        "kinds: [PRESS]}",
    ),
    (
        "admin scope kinds neither all nor a list",
        "kinds: all}",
        "kinds: everyone}",
        "admin_scopes[0].kinds",
        "kinds: everyone}",
    ),
    (
        "impossible date",
        "due: 2024-03-31",
        "due: 2024-02-30",
        "deadlines[0].due",
        "due: 2024-02-30",
    ),
    (
        "date far outside the campaign",
        "due: 2025-01-15",
        "due: 2204-12-31",
        "deadlines[2].due",
        "due: 2204-12-31",
    ),
    (
        "deadline for an unknown unit",
        "applies_to: {kinds: [CITY_OFFICE, CITY_PSU, EDU_HEALTH_PSU, COMMUNE, PROV_AGENCY, "
        "PARTY_BODY, MASS_ORG, MEDIA, SCHOOL, COMMUNE_MASS_ORG]}\n"
        "    fulfilled_by: {document: LAUNCH_DOC}",
        "applies_to: {units: [PNV, XYZ]}\n    fulfilled_by: {document: LAUNCH_DOC}",
        "deadlines[0].applies_to.units[1]",
        "applies_to: {units: [PNV, XYZ]}",
    ),
    (
        "unknown document",
        "fulfilled_by: {document: LAUNCH_DOC}",
        "fulfilled_by: {document: LAUNCH}",
        "deadlines[0].fulfilled_by.document",
        "fulfilled_by: {document: LAUNCH}",
    ),
    (
        "two ways to fulfil",
        "fulfilled_by: {initiative: registered}",
        "fulfilled_by: {initiative: registered, document: LAUNCH_DOC}",
        "deadlines[1].fulfilled_by",
        "fulfilled_by: {initiative: registered, document",
    ),
    (
        "document type names an unknown deadline",
        "deadline: D01\n    # What the bot checks",
        "deadline: D09\n    # What the bot checks",
        "document_types[0].deadline",
        "deadline: D09",
    ),
    (
        "reminder hour out of range",
        "hour: 8, escalate_after: 2}",
        "hour: 25, escalate_after: 2}",
        "deadlines[0].reminders.hour",
        "hour: 25",
    ),
    (
        "command without slash",
        "command: /nopvanban",
        "command: nopvanban",
        "deadlines[0].command",
        "command: nopvanban",
    ),
    (
        "rating check on a percent indicator",
        "indicator: T12,",
        "indicator: T11,",
        "awards[0].criteria[3].check.indicator",
        "indicator: T11,",
    ),
    (
        "rating check level not on the scale",
        "indicator: T12, value: Khá,",
        "indicator: T12, value: Kha,",
        "awards[0].criteria[3].check.value",
        "value: Kha,",
    ),
    (
        "rating check without indicator",
        "check: {type: rating_at_least, indicator: T12,",
        "check: {type: rating_at_least,",
        "awards[0].criteria[3].check.indicator",
        "check: {type: rating_at_least, value",
    ),
    (
        "unknown check type",
        "check: {type: indicators_met, initiatives: 1}",
        "check: {type: indicator_met, initiatives: 1}",
        "awards[0].criteria[2].check.type",
        "check: {type: indicator_met",
    ),
    (
        "unknown award audience",
        "    for: collective\n",
        "    for: team\n",
        "awards[0].for",
        "    for: team",
    ),
    (
        "duplicate criterion id",
        "      - id: i2\n",
        "      - id: i1\n",
        "awards[0].criteria[2].id",
        '      - id: i1\n        text: "Đạt',
    ),
    (
        "unsupported YAML tag",
        "  year: 2024\n",
        "  year: !!python/object:os.system 2024\n",
        "campaign.year",
        "  year: !!python",
    ),
    (
        "duplicate key",
        "    frequency: semiannual\n",
        "    frequency: semiannual\n    frequency: monthly\n",
        f"{_ind('T03')}.frequency",
        "    frequency: monthly",
    ),
]


@pytest.mark.parametrize(
    ("old", "new", "path", "line_text"),
    [pytest.param(*case[1:], id=case[0]) for case in BROKEN],
)
def test_broken_file_names_field_and_line(old: str, new: str, path: str, line_text: str) -> None:
    text = mutate(old, new)
    errors = errors_of(text)
    expected_line = line_of(text, line_text)
    assert (path, expected_line) in [(e.path, e.line) for e in errors], errors
    assert all(e.message for e in errors)


def test_single_error_reads_like_a_compiler_message() -> None:
    text = mutate('target: {op: ">=", value: 6.5}', 'target: {op: "=>", value: 6.5}')
    with pytest.raises(CampaignFileError) as caught:
        load_campaign_text(text, source="mongcai-2024.yaml")
    line = line_of(text, '"=>"')
    assert str(caught.value) == (
        f"mongcai-2024.yaml:{line}: {_ind('E01A')}.target.op: "
        'phải là một trong >=, >, ==, <=, < (nhận được "=>")'
    )


def test_duplicate_key_message_names_the_first_line() -> None:
    text = mutate(
        "    frequency: semiannual\n", "    frequency: semiannual\n    frequency: monthly\n"
    )
    (error,) = errors_of(text)
    first = line_of(text, "    frequency: semiannual")
    assert error.message == f"trường bị lặp lại (đã có ở dòng {first})"


def test_several_errors_are_reported_at_once_in_line_order() -> None:
    text = bundled_text()
    for old, new in [
        ("  coordinator_unit: PNV\n", "  coordinator_unit: SNV\n"),
        ('name: "Văn phòng Thành ủy", kind: PARTY_BODY}', 'name: "Văn phòng Thành ủy", kind: X}'),
        ('target: {op: ">=", value: 6.5}', 'target: {op: "=>", value: 6.5}'),
        ("check: {type: indicators_met,", "check: {type: indicator_met,"),
        ("    frequency: semiannual\n", "    frequency: semiannual\n    frequency: monthly\n"),
    ]:
        text = text.replace(old, new, 1)
    errors = errors_of(text)
    found = [(e.path, e.line) for e in errors]
    assert found == [
        ("campaign.coordinator_unit", line_of(text, "coordinator_unit: SNV")),
        (f"{_unit('VP_TU')}.kind", line_of(text, "kind: X}")),
        (f"{_ind('T03')}.frequency", line_of(text, "frequency: monthly")),
        (f"{_ind('E01A')}.target.op", line_of(text, '"=>"')),
        ("awards[0].criteria[2].check.type", line_of(text, "indicator_met")),
    ]
    rendered = str(CampaignFileError("f.yaml", errors)).splitlines()
    assert len(rendered) == 5
    assert all(row.startswith("f.yaml:") for row in rendered)


def test_syntax_error_names_the_line() -> None:
    text = mutate("  year: 2024\n", "  year: 2024: x\n")
    (error,) = errors_of(text)
    assert error.line == line_of(text, "  year: 2024: x")
    assert error.path == ""
    assert error.message.startswith("lỗi cú pháp YAML: không được có dấu “:” ở đây")


def test_tab_indentation_is_explained() -> None:
    text = mutate("  year: 2024\n", "\tyear: 2024\n")
    (error,) = errors_of(text)
    assert error.line == line_of(text, "\tyear")
    assert "lỗi cú pháp YAML" in error.message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", [("", 1, "tệp trống: không có nội dung chiến dịch")]),
        ("# chỉ có chú thích\n", [("", 1, "tệp trống: không có nội dung chiến dịch")]),
        (
            "- 1\n- 2\n",
            [("", 1, "phải là một ánh xạ (các cặp tên: giá trị) (nhận được một danh sách)")],
        ),
        ("a: 1\n---\nb: 2\n", None),
    ],
)
def test_degenerate_documents(text: str, expected: list[tuple[str, int, str]] | None) -> None:
    errors = errors_of(text)
    if expected is not None:
        assert [(e.path, e.line, e.message) for e in errors] == expected


def test_missing_top_level_sections_point_at_the_document() -> None:
    errors = errors_of("schema_version: 1\n")
    assert {(e.path, e.line) for e in errors} == {
        ("campaign", 1),
        ("unit_kinds", 1),
        ("units", 1),
        ("rating_scale", 1),
        ("indicators", 1),
    }


def test_self_referencing_alias_is_refused() -> None:
    errors = errors_of("schema_version: 1\nrating_scale: &x [Khá, *x]\n")
    assert ("rating_scale[1]", 2) in [(e.path, e.line) for e in errors]


def test_non_string_keys_are_refused() -> None:
    errors = errors_of(bundled_text().replace("  year: 2024\n", "  2024: year\n", 1))
    assert ("campaign", line_of(bundled_text(), "  year: 2024")) in [
        (e.path, e.line) for e in errors
    ]


def test_merge_keys_and_aliases_are_supported() -> None:
    text = mutate(
        "reminder_defaults: {before_days: [14, 7, 3, 1, 0], repeat_after_days: 3, hour: 8, "
        "escalate_after: 2, working_days_only: true}",
        "reminder_defaults: &defaults {before_days: [14, 7, 3, 1, 0], repeat_after_days: 3, "
        "hour: 8, escalate_after: 2, working_days_only: true}",
    )
    text = text.replace(
        "    reminders: {before_days: [14, 7, 3, 1, 0], repeat_after_days: 3, hour: 8, "
        "escalate_after: 2}",
        "    reminders: {<<: *defaults, hour: 9}",
    )
    campaign = load_campaign_text(text)
    d01 = campaign.deadline("D01")
    assert d01 is not None
    assert campaign.reminder_policy(d01).hour == 9
    assert campaign.reminder_policy(d01).before_days == (14, 7, 3, 1, 0)


# --------------------------------------------------------------------------- robustness

YAML_ALPHABET = st.sampled_from(list(" \n\t:-[]{},#&*!|>'\"?%@`\\abcxyzHòạ0123456789._/"))


def _loads_or_reports(text: str) -> None:
    try:
        load_campaign_text(text)
    except CampaignFileError as exc:
        errors, rendered = exc.errors, str(exc)
    else:
        return
    assert errors
    assert all(isinstance(e, CampaignFileIssue) and e.message for e in errors)
    assert len(rendered.splitlines()) >= len(errors)


@settings(max_examples=150, deadline=None)
@given(st.text(YAML_ALPHABET, max_size=120) | st.text(max_size=60))
def test_arbitrary_text_only_ever_raises_campaign_file_error(text: str) -> None:
    _loads_or_reports(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    position=st.integers(min_value=0, max_value=len(bundled_text())),
    deleted=st.integers(min_value=0, max_value=40),
    inserted=st.text(YAML_ALPHABET, max_size=12),
)
def test_mutated_bundled_text_only_ever_raises_campaign_file_error(
    position: int, deleted: int, inserted: str
) -> None:
    text = bundled_text()
    _loads_or_reports(text[:position] + inserted + text[position + deleted :])


@cache
def _bundled_data() -> object:
    return yaml.load(bundled_text(), Loader=yaml.CSafeLoader)


@cache
def _bundled_paths() -> list[tuple[str | int, ...]]:
    """Every location of a value in the bundled data."""
    paths: list[tuple[str | int, ...]] = []

    def walk(node: object, path: tuple[str | int, ...]) -> None:
        paths.append(path)
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, (*path, key))
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, (*path, index))

    walk(_bundled_data(), ())
    return paths[1:]


YAML_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**6), max_value=10**6)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=8)
    | st.sampled_from(["all", "PNV", "T12", "Khá", "rating", "==", "D01", "COMMUNE", "annual"])
    | st.dates(min_value=date(1, 1, 1)),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_replacing_any_value_only_ever_raises_campaign_file_error(data: st.DataObject) -> None:
    document: Any = copy.deepcopy(_bundled_data())
    path = data.draw(st.sampled_from(_bundled_paths()))
    value = data.draw(YAML_VALUES)
    parent = document
    for seg in path[:-1]:
        parent = parent[seg]
    parent[path[-1]] = value
    dumped = yaml.dump(document, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=False)
    _loads_or_reports(dumped)


# --------------------------------------------------------------------------- the head's sign-off

_SIGN_OFF_ANCHOR = "\ndeadlines:\n"


def with_sign_off(block: str) -> str:
    """The bundled file with `block` (a `sign_off:` section) before `deadlines:`."""
    return mutate(_SIGN_OFF_ANCHOR, f"\n{block}\n{_SIGN_OFF_ANCHOR}")


def test_sign_off_is_off_by_default_and_off_in_the_bundled_campaign() -> None:
    assert (bundled().sign_off.reports, bundled().sign_off.documents) == (False, False)
    assert "sign_off" not in bundled_text()


def test_sign_off_can_be_asked_for_reports_documents_or_both() -> None:
    both = load_campaign_text(with_sign_off("sign_off: {reports: true, documents: true}"))
    assert (both.sign_off.reports, both.sign_off.documents) == (True, True)
    reports_only = load_campaign_text(with_sign_off("sign_off:\n  reports: true"))
    assert (reports_only.sign_off.reports, reports_only.sign_off.documents) == (True, False)


@pytest.mark.parametrize(
    ("block", "path", "at", "message"),
    [
        (
            'sign_off: {reports: "có", documents: true}',
            "sign_off.reports",
            "sign_off:",
            'phải là true hoặc false (nhận được "có")',
        ),
        (
            "sign_off:\n  reports: true\n  report: true",
            "sign_off.report",
            "  report: true",
            "trường không có",
        ),
        ("sign_off: true", "sign_off", "sign_off:", "phải là một ánh xạ"),
        ("sign_off: {documents: 1}", "sign_off.documents", "sign_off:", "phải là true hoặc false"),
    ],
)
def test_a_wrong_sign_off_names_the_field_and_the_line(
    block: str, path: str, at: str, message: str
) -> None:
    text = with_sign_off(block)
    [issue] = errors_of(text)
    assert (issue.path, issue.line) == (path, line_of(text, at))
    assert message in issue.message


def test_the_launch_documents_expect_block_and_its_window() -> None:
    from datetime import date

    import pytest
    from pydantic import ValidationError

    from core.campaign import DocumentExpect, DocumentType, load_campaign
    from core.campaign.loader import bundled_campaign_path

    [launch] = load_campaign(bundled_campaign_path()).document_types
    assert launch.expect is not None
    assert launch.expect.types == ("Kế hoạch", "Quyết định")
    assert (launch.expect.issued_from, launch.expect.issued_to) == (
        date(2024, 1, 1), date(2024, 3, 31))
    assert DocumentType(code="X", label="Báo cáo").expect is None  # backward compatible
    with pytest.raises(ValidationError):
        DocumentExpect(issued_from=date(2024, 3, 31), issued_to=date(2024, 1, 1))


def test_the_participants_of_seed_ii_1_are_named_or_marked_for_confirmation() -> None:
    """Issue 11: every group of seed II.1.1 is representable; those the plan names are in the
    file; groups and units whose exact list the city must still confirm are marked."""
    campaign = load_campaign(bundled_campaign_path())
    names = {u.name for u in campaign.units}
    for named in (  # named in the plan itself (II.1, III.3.2, IV.2–IV.4)
        "Phòng Nội vụ",
        "Văn phòng HĐND và UBND thành phố",
        "Phòng Tư pháp",
        "Phòng Văn hóa và Thông tin",
        "Phòng Tài chính - Kế hoạch",
        "Thanh tra thành phố",
        "Trung tâm Hành chính công thành phố",
        "Trung tâm Truyền thông và Văn hóa thành phố",
        "Văn phòng Thành ủy",
        "Ban Dân vận Thành ủy",
        "Ủy ban Mặt trận Tổ quốc Việt Nam thành phố",
        "Liên đoàn Lao động thành phố",
    ):
        assert named in names, named
    kinds = {k.code: k for k in campaign.unit_kinds}
    assert {c for c, k in kinds.items() if k.confirm_list} == {
        "PROV_AGENCY",
        "MEDIA",
        "SCHOOL",
        "COMMUNE_MASS_ORG",
    }
    assert all(kinds[c].note for c in kinds if kinds[c].confirm_list)
    to_confirm = {u.code for u in campaign.units if u.confirm_list}
    assert to_confirm == {"KBNN", "BHXH", "CCT", "CA_TP", "TT_HCC", "BQLDA", "TTYT"}
    assert not any(u.confirm_list for u in campaign.units if u.kind == "COMMUNE")
