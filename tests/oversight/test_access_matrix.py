"""Who may read and change what: role × command × own or other unit.

People: the focal point, deputy and head of Phường Ka Long; an admin of Phòng Nội vụ (reach:
the whole campaign) and one of Phòng Văn hóa và Thông tin (reach: the media units); a leader of
the city (registered through Văn phòng HĐND và UBND: reads every unit, acts on none). Every
command is tried by each of them, on their own unit and on another, including button data
crafted to name a row outside the sender's reach. Expected outcomes:

- ``ok``: the command does its work;
- ``role``: refused by role before the handler runs (the router's “not for your role”);
- ``own``: a unit's people may only look at their own unit;
- ``scope``: outside an admin's reach (said without revealing whether the row exists);
- ``pick``: a leader's bare ``/tinhtrang`` asks which unit (they report for none).
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from core.campaign import Campaign
from core.texts import common as texts
from core.texts import leaders as tl
from core.texts import oversight as tx
from storage.db import Database
from storage.models import AuditLog, Document, InviteCode, ReportSubmission, table
from tests.oversight import seed
from tests.oversight.conftest import account
from tests.oversight.desk import Desk

PEOPLE = {
    "focal": ("P_KA_LONG", "focal"),
    "deputy": ("P_KA_LONG", "deputy"),
    "head": ("P_KA_LONG", "head"),
    "admin_pnv": ("PNV", "admin"),
    "admin_pvhtt": ("PVHTT", "admin"),
    "leader": ("VP_HDND_UBND", "leader"),
}
ADMIN_COMMANDS = (
    "/tonghop",
    "/quahan",
    "/dondoc",
    "/duyet",
    "/xuat",
    "/thongbao",
    "/moi",
    "/khenthuong",
    "/danhgia",
)
LEADER_COMMANDS = ("/tonghop", "/quahan", "/khenthuong")  # read only, the whole campaign

# command → what each person gets. {ka_sub}: Ka Long's March report; {ka_doc}: its launch
# document; {ka_val}: one of its values; {media_doc}: the media centre's launch document.
MATRIX: dict[str, dict[str, str]] = {
    "/tinhtrang": {**dict.fromkeys(PEOPLE, "ok"), "leader": "pick"},
    "/tinhtrang P_KA_LONG": {
        "focal": "ok",
        "deputy": "ok",
        "head": "ok",
        "admin_pnv": "ok",
        "admin_pvhtt": "scope",
        "leader": "ok",
    },
    "/tinhtrang P_TRAN_PHU": {
        "focal": "own",
        "deputy": "own",
        "head": "own",
        "admin_pnv": "ok",
        "admin_pvhtt": "scope",
        "leader": "ok",
    },
    "/tinhtrang TTTTVH": {
        "focal": "own",
        "deputy": "own",
        "head": "own",
        "admin_pnv": "ok",
        "admin_pvhtt": "ok",
        "leader": "ok",
    },
    **{
        cmd: {
            "focal": "role",
            "deputy": "role",
            "head": "role",
            "admin_pnv": "ok",
            "admin_pvhtt": "ok",
            "leader": "ok" if cmd in LEADER_COMMANDS else "role",
        }
        for cmd in ADMIN_COMMANDS
    },
    # Naming a row: Ka Long is outside Phòng Văn hóa và Thông tin's reach. The leader reads
    # Ka Long's award standing and is refused everything that acts.
    **{
        cmd: {
            "focal": "role",
            "deputy": "role",
            "head": "role",
            "admin_pnv": "ok",
            "admin_pvhtt": "scope",
            "leader": "ok" if cmd.startswith("/khenthuong") else "role",
        }
        for cmd in (
            "/khenthuong P_KA_LONG",
            "/danhgia P_KA_LONG",
            "/danhgia P_KA_LONG BK_CT_TINH",
            "/moi P_KA_LONG focal 1",
            "/duyet b {ka_sub}",
            "/duyet tb {ka_sub}",
            "/duyet tm {ka_val}",
            "/duyet v {ka_doc}",
        )
    },
    # The media centre is in both admins' reach; urging reaches the units in the admin's reach
    # only (checked in test_admin_flows).
    **{
        cmd: {
            "focal": "role",
            "deputy": "role",
            "head": "role",
            "admin_pnv": "ok",
            "admin_pvhtt": "ok",
            "leader": "ok" if cmd.startswith("/khenthuong") else "role",
        }
        for cmd in (
            "/khenthuong TTTTVH",
            "/danhgia TTTTVH",
            "/danhgia TTTTVH BK_CT_TINH",
            "/moi TTTTVH focal 1",
            "/duyet v {media_doc}",
            "/dondoc h D02",
        )
    },
}

# What "ok" looks like for each command (a piece of the reply).
OK_MARK = {
    "/tinhtrang": "TÌNH HÌNH THỰC HIỆN CỦA",
    "/tinhtrang P_KA_LONG": "TÌNH HÌNH THỰC HIỆN CỦA PHƯỜNG KA LONG",
    "/tinhtrang P_TRAN_PHU": "TÌNH HÌNH THỰC HIỆN CỦA PHƯỜNG TRẦN PHÚ",
    "/tinhtrang TTTTVH": "TÌNH HÌNH THỰC HIỆN CỦA TRUNG TÂM TRUYỀN THÔNG",
    "/tonghop": "TỔNG HỢP PHONG TRÀO THI ĐUA",
    "/quahan": "ĐƠN VỊ QUÁ HẠN",
    "/dondoc": "Anh/Chị muốn đôn đốc",
    "/duyet": "CHỜ DUYỆT",
    "/xuat": "Tệp Excel",
    "/thongbao": "Gửi thông báo đến",
    "/moi": "Cấp mã đăng ký cho đơn vị nào",
    "/khenthuong": "XÉT ĐIỀU KIỆN",
    "/khenthuong P_KA_LONG": "Phường Ka Long: đạt",
    "/khenthuong TTTTVH": "Trung tâm Truyền thông và Văn hóa thành phố: đạt",
    "/danhgia": "Anh/Chị đánh giá tiêu chí khen thưởng cho đơn vị nào?",
    "/danhgia P_KA_LONG": "hình thức khen thưởng cần đánh giá cho Phường Ka Long",
    "/danhgia P_KA_LONG BK_CT_TINH": "ĐÁNH GIÁ TIÊU CHÍ KHEN THƯỞNG\nĐơn vị: Phường Ka Long",
    "/danhgia TTTTVH": "hình thức khen thưởng cần đánh giá cho Trung tâm Truyền thông",
    "/danhgia TTTTVH BK_CT_TINH": "Đơn vị: Trung tâm Truyền thông và Văn hóa thành phố",
    "/moi P_KA_LONG focal 1": "Mã đăng ký đầu mối của Phường Ka Long",
    "/moi TTTTVH focal 1": "Mã đăng ký đầu mối của Trung tâm Truyền thông",
    "/duyet b {ka_sub}": "BÁO CÁO THÁNG 3/2024 CỦA PHƯỜNG KA LONG",
    "/duyet tb {ka_sub}": "chọn mục cần trả lại",
    "/duyet tm {ka_val}": "Vui lòng nhập nội dung đề nghị Phường Ka Long sửa",
    "/duyet v {ka_doc}": "VĂN BẢN CỦA PHƯỜNG KA LONG",
    "/duyet v {media_doc}": "VĂN BẢN CỦA TRUNG TÂM TRUYỀN THÔNG",
    "/dondoc h D02": "XEM TRƯỚC ĐÔN ĐỐC",
}


@dataclass
class Ids:
    ka_sub: int
    ka_doc: int
    ka_val: int
    media_doc: int


async def ids(db: Database) -> Ids:
    ka = await seed.unit_id(db, "P_KA_LONG")
    media = await seed.unit_id(db, "TTTTVH")
    s, d = table(ReportSubmission), table(Document)
    from storage.models import IndicatorValue

    v = table(IndicatorValue)
    async with db.read() as conn:
        sub = (
            await conn.execute(select(s.c.id).where(s.c.unit_id == ka, s.c.period == "2024-03"))
        ).scalar_one()
        ka_doc = (await conn.execute(select(d.c.id).where(d.c.unit_id == ka))).scalar_one()
        val = (
            await conn.execute(
                select(v.c.id).where(
                    v.c.unit_id == ka, v.c.period == "2024-03", v.c.indicator_code == "T11"
                )
            )
        ).scalar_one()
        media_doc = (await conn.execute(select(d.c.id).where(d.c.unit_id == media))).scalar_one()
    return Ids(sub, ka_doc, val, media_doc)


def outcome(text: str, ok_mark: str) -> str:
    if ok_mark in text:
        return "ok"
    if text.startswith(texts.FORBIDDEN.split("{", 1)[0]):
        return "role"
    if text.startswith(tx.OWN_UNIT_ONLY.split("{", 1)[0]):
        return "own"
    if text.startswith(tx.OUT_OF_SCOPE.split("{", 1)[0]):
        return "scope"
    if text == tl.STATUS_PICK_UNIT:
        return "pick"
    return f"unexpected: {text[:120]!r}"


@pytest.mark.parametrize("who", list(PEOPLE))
async def test_access_matrix(desk: Desk, db: Database, campaign: Campaign, who: str) -> None:
    await seed.ka_long_story(db, campaign)
    unit, role = PEOPLE[who]
    person = await account(db, unit, role, 1)
    known = await ids(db)
    wrong = []
    for template, expected_by_role in MATRIX.items():
        command = template.format(**known.__dict__)
        said = await desk.send(person, command, callback="{" in template)
        got = outcome(said.text, OK_MARK[template])
        if got != expected_by_role[who]:
            wrong.append(f"{who} {command}: expected {expected_by_role[who]}, got {got}")
    assert not wrong, "\n".join(wrong)


async def test_forged_buttons_change_nothing_outside_the_reach(
    desk: Desk, db: Database, campaign: Campaign
) -> None:
    """Phòng Văn hóa và Thông tin presses buttons it was never shown, naming Ka Long's rows."""
    await seed.ka_long_story(db, campaign)
    pvhtt = await account(db, "PVHTT", "admin", 1)
    lan = await account(db, "P_KA_LONG", "focal", 2)
    known = await ids(db)

    async def audit_rows() -> int:
        async with db.read() as conn:
            return int(
                (await conn.execute(select(func.count()).select_from(AuditLog))).scalar_one()
            )

    before = await audit_rows()
    for forged in (
        f"/duyet nb {known.ka_sub}",
        f"/duyet nv {known.ka_doc}",
        f"/duyet tv {known.ka_doc}",
        f"/duyet tm {known.ka_val}",
    ):
        said = await desk.send(pvhtt, forged, callback=True)
        assert said.text.startswith(tx.OUT_OF_SCOPE.split("{", 1)[0]), (forged, said.text)
        assert not said.notices
    assert desk.state_of(pvhtt) == ""  # no comment is awaited for a row out of reach
    said = await desk.send(pvhtt, "Trả lại cho vui")  # a comment would have returned a value
    assert not said.notices
    s = table(ReportSubmission)
    async with db.read() as conn:
        status = (
            await conn.execute(select(s.c.review_status).where(s.c.id == known.ka_sub))
        ).scalar_one()
        codes = (await conn.execute(select(func.count()).select_from(InviteCode))).scalar_one()
    assert status == "pending"
    assert codes == 0
    assert await audit_rows() == before
    # A focal point pressing an admin's button is refused by role before anything runs.
    said = await desk.send(lan, f"/duyet nb {known.ka_sub}", callback=True)
    assert said.text.startswith(texts.FORBIDDEN.split("{", 1)[0])
    said = await desk.send(lan, "/moi P_KA_LONG admin 5")
    assert said.text.startswith(texts.FORBIDDEN.split("{", 1)[0])
    async with db.read() as conn:
        assert (await conn.execute(select(func.count()).select_from(InviteCode))).scalar_one() == 0


async def test_a_leader_changes_nothing_whatever_buttons_or_states_it_forges(
    desk: Desk, db: Database, campaign: Campaign
) -> None:
    """The city's leader presses acting buttons it was never shown, and even finds its chat in
    the middle of an admin's conversation (a state it cannot reach): nothing is changed, no
    unit is written to, no code issued."""
    await seed.ka_long_story(db, campaign)
    leader = await account(db, "VP_HDND_UBND", "leader", 1)
    await account(db, "P_KA_LONG", "focal", 2)  # someone who could be urged or told
    known = await ids(db)

    async def counts() -> tuple[int, int]:
        async with db.read() as conn:
            audits = (await conn.execute(select(func.count()).select_from(AuditLog))).scalar_one()
            codes = (await conn.execute(select(func.count()).select_from(InviteCode))).scalar_one()
        return int(audits), int(codes)

    before = await counts()
    refused = texts.FORBIDDEN.format(role="Lãnh đạo UBND thành phố")
    for forged in (
        f"/duyet nb {known.ka_sub}",
        f"/duyet nv {known.ka_doc}",
        f"/duyet tv {known.ka_doc}",
        f"/duyet tm {known.ka_val}",
        "/danhgia P_KA_LONG BK_CT_TINH",
        "/moi P_KA_LONG focal 1",
        "/moi VP_HDND_UBND leader 1",
        "/dondoc h D01",
        "/thongbao",
        "/xuat",
        "/baocao",
        "/sangkien",
        "/nopvanban",
        "/baiviet",
    ):
        said = await desk.send(leader, forged, callback=True)
        assert said.text == refused, (forged, said.text)
        assert not said.notices
    key = (leader.channel, leader.external_id)
    stale: list[tuple[str, dict[str, object], str]] = [
        ("urge.confirm", {"urge": {"kind": "h", "code": "D01"}}, "gui"),
        ("broadcast.confirm", {"message": "Họp gấp", "audience": None}, "gui"),
        ("broadcast.text", {"audience": None}, "Họp gấp chiều nay"),
        ("invite.count", {"invite": {"unit": "P_KA_LONG", "role": "focal"}}, "3"),
        ("review.comment", {"review": {"kind": "value", "id": known.ka_val}}, "Sai số liệu rồi"),
    ]
    for state, data, answer in stale:
        desk.states[key] = (state, data)
        said = await desk.send(leader, answer)
        assert not said.notices, state
        assert desk.state_of(leader) == "", state
    assert await counts() == before
    s = table(ReportSubmission)
    async with db.read() as conn:
        status = (
            await conn.execute(select(s.c.review_status).where(s.c.id == known.ka_sub))
        ).scalar_one()
    assert status == "pending"
