"""The year's end through the real router on SQLite: /denghi (the unit and a person, the
not-eligible path with its reason, withdraw, the deadline passed), a dossier part stored and
returned in /duyet with the unit told, /hoso's drafts, /tongket's and /congvan's files opened
with python-docx and their figures checked against the data."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from docx import Document as Docx
from sqlalchemy import select

from core.campaign import Campaign
from storage.db import Database
from storage.models import AuditLog, Nomination, NominationHistory
from storage.queries import yearend
from tests.harness import Clock
from tests.oversight import seed
from tests.oversight.conftest import account
from tests.oversight.desk import Desk

_N = Nomination.__table__  # type: ignore[attr-defined]
_NH = NominationHistory.__table__  # type: ignore[attr-defined]
_A = AuditLog.__table__  # type: ignore[attr-defined]


def docx_text(path: str) -> str:
    doc = Docx(path)
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


async def test_nominate_unit_and_person_then_withdraw(
    desk: Desk, db: Database, campaign: Campaign, clock: Clock
) -> None:
    await seed.ka_long_story(db, campaign)
    admin = await account(db, "PNV", "admin", 1, name="Hà")
    lan = await account(db, "P_KA_LONG", "focal", 2, name="Lan")

    menu = await desk.send(lan, "/denghi")
    assert "Đơn vị chưa có đề nghị khen thưởng nào." in menu.text
    assert "Hạn nộp hồ sơ đề nghị khen thưởng: 31/01/2025" in menu.text
    pick = await desk.send(lan, menu.value("tập thể đơn vị"), callback=True)
    award = await desk.send(lan, pick.value("Bằng khen"), callback=True)
    # The criteria by their names, with the evidence; never the plan's codes.
    assert "Đơn vị đang ở đâu so với tiêu chuẩn" in award.text
    assert "g0" not in award.text
    assert "i1 " not in award.text
    assert "i2" not in award.text
    assert "CHƯA ĐỦ tiêu chuẩn" in award.text
    asked = await desk.send(lan, "Hoàn thành 100% hồ sơ trực tuyến toàn trình")
    assert "Vì sao vẫn đề nghị" in asked.text
    summary = await desk.send(lan, "Tiêu chí g0 chưa được đánh giá, đơn vị đã hoàn thành")
    saved = await desk.send(lan, "xác nhận")
    assert "Đã ghi đề nghị: Tập thể Phường Ka Long" in saved.text, summary.text
    assert "chưa đủ tiêu chuẩn" in saved.text
    assert any("Phường Ka Long đã gửi đề nghị" in n[2].text for n in saved.notices)

    menu = await desk.send(lan, "/denghi")
    pick = await desk.send(lan, menu.value("cá nhân"), callback=True)
    award = await desk.send(
        lan, pick.value("Giấy khen của Chủ tịch Ủy ban nhân dân thành phố"), callback=True
    )
    await desk.send(lan, "Nguyễn Thị Lan")
    await desk.send(lan, "Công chức Văn phòng - Thống kê")
    await desk.send(lan, "Hướng dẫn 1.200 lượt người dân nộp hồ sơ trực tuyến")
    await desk.send(lan, "Chưa được Phòng Nội vụ đánh giá tiêu chí thành tích")
    saved = await desk.send(lan, "xác nhận")
    assert "Đã ghi đề nghị: Cá nhân Nguyễn Thị Lan" in saved.text, award.text

    async with db.read() as conn:
        rows = await yearend.nominations(conn, campaign_id=seed.CAMPAIGN_ID)
    assert [(r.subject, r.full_name, r.eligible) for r in rows] == [
        ("collective", "Phường Ka Long", False),
        ("individual", "Nguyễn Thị Lan", False),
    ]
    assert all(r.reason for r in rows)

    # A dossier part, returned by Phòng Nội vụ in /duyet; the unit is told.
    lan_row = rows[1]
    async with db.transaction() as conn:
        await yearend.submit_part(
            conn,
            campaign_id=seed.CAMPAIGN_ID,
            nomination=lan_row,
            part=yearend.NewPart("TO_TRINH", "x.pdf", "to-trinh.pdf", "application/pdf", 10, "0"),
            required=["TO_TRINH", "BIEN_BAN", "BAO_CAO_THANH_TICH"],
            person_id=None,
            now=clock(),
        )
    listing = await desk.send(admin, "/duyet")
    shown = await desk.send(admin, listing.value("Hồ sơ KT: Phường Ka Long"), callback=True)
    assert "Nguyễn Thị Lan" in shown.text
    ask = await desk.send(admin, shown.value("Trả lại"), callback=True)
    done = await desk.send(admin, "Thiếu chữ ký của Chủ tịch UBND phường, đề nghị bổ sung.")
    assert "Đã trả lại Tờ trình đề nghị khen thưởng" in done.text, ask.text
    assert any("trả lại Tờ trình" in n[2].text for n in done.notices)
    status = await desk.send(lan, "/hoso")
    assert "bị trả lại – Thiếu chữ ký" in status.text

    # The unit's drafts: .docx with its proposals filled in.
    drafts = await desk.send(lan, status.value("dự thảo"), callback=True)
    files = [r.attachment for r in drafts.replies if r.attachment]
    assert len(files) == 4  # two achievement reports, the tờ trình, the biên bản
    to_trinh = next(f for f in files if f.file_name.startswith("to-trinh"))
    text = docx_text(to_trinh.path)
    assert "Nguyễn Thị Lan" in text
    assert "Giấy khen" in text

    # Withdraw.
    menu = await desk.send(lan, "/denghi")
    which = await desk.send(lan, menu.value("Rút"), callback=True)
    sure = await desk.send(lan, which.value("Nguyễn Thị Lan"), callback=True)
    gone = await desk.send(lan, sure.value("Rút đề nghị"), callback=True)
    assert "Đã rút đề nghị: Nguyễn Thị Lan" in gone.text
    async with db.read() as conn:
        history = [
            (r[0], r[1])
            for r in await conn.execute(
                select(_NH.c.nomination_id, _NH.c.action).order_by(_NH.c.id)
            )
        ]
        actions = [r[0] for r in await conn.execute(select(_A.c.action).order_by(_A.c.id))]
    assert [a for _, a in history] == ["file", "file", "withdraw"]
    assert "nomination.withdraw" in actions
    assert "dossier.returned" in actions

    # After the dossier deadline nothing changes.
    clock.now = clock.now + timedelta(days=300)
    closed = await desk.send(lan, "/denghi")
    assert "Đã quá hạn nộp hồ sơ đề nghị khen thưởng (31/01/2025)" in closed.text
    assert not closed.last.choices


async def test_tongket_and_congvan_files(
    desk: Desk, db: Database, campaign: Campaign, clock: Clock
) -> None:
    await seed.ka_long_story(db, campaign)
    admin = await account(db, "PNV", "admin", 1, name="Hà")
    said = await desk.send(admin, "/tongket")
    files = [r.attachment for r in said.replies if r.attachment]
    assert [Path(f.file_name).suffix for f in files] == [".docx", ".xlsx", ".docx"]
    assert all(Path(f.path).stat().st_size for f in files)  # noqa: ASYNC240
    overview = await desk.send(admin, "/tonghop")
    units = said.replies[0].text.split(": ", 1)[1].split(" đơn vị")[0]
    assert f"({units} đơn vị)" in overview.text
    text = docx_text(files[0].path)
    assert "TỔNG KẾT" in text.upper()

    asked = await desk.send(admin, "/congvan")
    letter = await desk.send(admin, asked.value("Gửi văn bản phát động"), callback=True)
    attachment = letter.last.attachment
    assert attachment is not None
    assert Path(attachment.path).stat().st_size  # noqa: ASYNC240
    assert "đôn đốc" in docx_text(attachment.path).lower()
    assert attachment.file_name == (  # from the deadline's title, no code
        "cong-van-don-doc-gui-van-ban-phat-dong-phong-trao-thi-dua-ve-ubnd-thanh-pho.docx"
    )
