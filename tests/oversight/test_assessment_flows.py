"""`/danhgia`: Phòng Nội vụ records the award criteria only it can assess (“gương mẫu chấp
hành”, “thành tích xuất sắc”), through the real router on SQLite; the verdicts then count in
/khenthuong and show in /tinhtrang."""

from __future__ import annotations

import re

from sqlalchemy import Table, func, select

from core.campaign import Campaign
from core.texts import assessment as ta
from core.texts import common as texts
from core.texts import oversight as tx
from core.texts import reporting as rtexts
from storage.db import Database
from storage.models import AuditLog, AwardAssessment, AwardAssessmentHistory
from storage.models import table as table_of
from storage.queries import assessments
from tests.harness import Clock
from tests.oversight import seed
from tests.oversight.conftest import account
from tests.oversight.desk import Desk

_A = table_of(AwardAssessment)
_H = table_of(AwardAssessmentHistory)
_L = table_of(AuditLog)

KY_LUAT = "Năm 2024 đơn vị có 01 công chức bị xử lý kỷ luật hình thức khiển trách."
BANG_KHEN = "Bằng khen của Chủ tịch Ủy ban nhân dân tỉnh (tập thể)"
GIAY_KHEN_XA = "Giấy khen của Chủ tịch Ủy ban nhân dân cấp xã"


async def stored(db: Database, unit: str) -> list[assessments.AssessmentRow]:
    async with db.read() as conn:
        return await assessments.for_unit(
            conn, campaign_id=seed.CAMPAIGN_ID, unit_id=await seed.unit_id(db, unit)
        )


async def history(db: Database, unit: str, award: str, criterion: str) -> list[tuple[bool, str]]:
    async with db.read() as conn:
        rows = await assessments.history(
            conn,
            campaign_id=seed.CAMPAIGN_ID,
            unit_id=await seed.unit_id(db, unit),
            award_code=award,
            criterion_id=criterion,
        )
    return [(r.met, r.comment or "") for r in rows]


async def count(db: Database, table: Table) -> int:
    async with db.read() as conn:
        return int((await conn.execute(select(func.count()).select_from(table))).scalar_one())


async def test_assess_not_met_then_change_to_met_keeps_the_first_in_the_history(
    desk: Desk, db: Database, campaign: Campaign, clock: Clock
) -> None:
    await seed.ka_long_story(db, campaign)
    ha = await account(db, "PNV", "admin", 1, name="Nguyễn Thu Hà")
    lan = await account(db, "P_KA_LONG", "focal", 2)

    ask = await desk.send(ha, "/danhgia")
    assert ask.text == ta.ASK_UNIT  # 48 units in reach: typed, not listed
    awards = await desk.send(ha, "phuong ka long")  # typed without diacritics
    assert "Vui lòng chọn hình thức khen thưởng cần đánh giá cho Phường Ka Long" in awards.text
    labels = [c.label for c in awards.last.choices]
    assert labels == [
        f"{BANG_KHEN} (gương mẫu chấp hành chủ trương, pháp luật: chưa đánh giá; "
        "hoàn thành tốt nhiệm vụ cải cách hành chính năm 2024: chưa đánh giá)",
        "Giấy khen của Chủ tịch Ủy ban nhân dân thành phố (có thành tích xuất sắc: chưa đánh giá)",
        f"{GIAY_KHEN_XA} (có thành tích xuất sắc: chưa đánh giá)",
    ]
    first = await desk.send(ha, "1")  # a numbered option, typed
    assert "ĐÁNH GIÁ TIÊU CHÍ KHEN THƯỞNG\nĐơn vị: Phường Ka Long" in first.text
    assert "Câu 1/4. Tiêu chí: “Gương mẫu chấp hành tốt chủ trương" in first.text
    assert ta.CURRENT_NONE in first.text
    assert [c.label for c in first.last.choices] == ["Đạt", "Không đạt"]
    reason = await desk.send(ha, first.value("Không đạt"), callback=True)
    assert "Đã ghi nhận: Không đạt." in reason.text
    assert (
        "Câu 2/4. Nhận xét, lý do đánh giá tiêu chí “gương mẫu chấp hành chủ trương, pháp luật”"
        in reason.text
    )
    assert rtexts.FORM_CONTROLS_NO_SKIP in reason.text  # required with "Không đạt"
    short = await desk.send(ha, "sai")
    assert "ít nhất 5 ký tự" in short.text
    assert "Câu 2/4." in short.text  # the same question again
    skip = await desk.send(ha, "bỏ qua")
    assert rtexts.FORM_CANNOT_SKIP in skip.text
    i1 = await desk.send(ha, KY_LUAT)
    # i1 is Phòng Nội vụ's to assess too, or to leave to the unit's own report (issue 11).
    assert "Câu 3/4. Tiêu chí: “Hoàn thành tốt các nhiệm vụ được giao" in i1.text
    assert "Câu 4/4" in (await desk.send(ha, "bỏ qua")).text
    summary = await desk.send(ha, "bỏ qua")
    assert (
        "Vui lòng kiểm tra lại đánh giá của Phòng Nội vụ cho Phường Ka Long – "
        f"{BANG_KHEN}:" in summary.text
    )
    assert (
        "1. Tiêu chí “gương mẫu chấp hành chủ trương, pháp luật” – kết quả: Không đạt"
        in summary.text
    )
    assert await count(db, _A) == 0  # nothing saved before the confirmation
    saved = await desk.send(ha, summary.value("Xác nhận"), callback=True)
    assert (
        f"Đã lưu đánh giá của Phòng Nội vụ cho Phường Ka Long – {BANG_KHEN}:\n"
        "• gương mẫu chấp hành chủ trương, pháp luật: không đạt – “Năm 2024 đơn vị có 01 công chức"
        in saved.text
    )
    assert not saved.notices  # the unit is not messaged about it
    assert desk.state_of(ha) == ""
    [row] = await stored(db, "P_KA_LONG")
    assert (row.award_code, row.criterion_id, row.met) == ("BK_CT_TINH", "g0", False)
    assert (row.assessor_name, row.office_name) == ("Nguyễn Thu Hà", "Phòng Nội vụ")

    # /khenthuong: the verdict counts, with who, when and why.
    detail = await desk.send(ha, saved.value("Xem kết quả xét"), callback=True)
    assert (
        "Chưa đủ điều kiện đề nghị: tiêu chí “gương mẫu chấp hành chủ trương, pháp luật” được "
        "đánh giá là không đạt."
    ) in detail.text
    assert (
        "Gương mẫu chấp hành chủ trương, pháp luật: không đạt – Phòng Nội vụ đánh giá ngày "
        "15/04/2024 (Nguyễn Thu Hà): “Năm 2024"
    ) in detail.text
    assert (
        "Giấy khen của Chủ tịch Ủy ban nhân dân thành phố – có thành tích xuất sắc: chưa đánh giá"
        in detail.text
    )
    assert detail.value("Đánh giá tiêu chí “gương mẫu") == "/danhgia P_KA_LONG BK_CT_TINH"
    listing = await desk.send(ha, "/khenthuong")
    assert "Các dấu lần lượt theo tiêu chí: gương mẫu chấp hành chủ trương, pháp luật ·" in (
        listing.text
    )
    rows = [c.label for c in listing.last.choices if "trang" not in c.value]
    assert len(rows) == 10
    assert all(re.fullmatch(r".+: [✓✗…–?]( [✓✗…–?]){3}", row) for row in rows)
    assert "đã đánh giá 1/" in listing.text

    # A day later it is changed to "Đạt", with no note: the first verdict stays in the history.
    clock.advance(hours=24)
    again = await desk.send(ha, detail.value("Đánh giá tiêu chí “gương mẫu"), callback=True)
    assert "Đánh giá hiện tại: không đạt – “Năm 2024" in again.text
    assert "(Nguyễn Thu Hà, Phòng Nội vụ, ngày 15/04/2024)" in again.text
    note = await desk.send(ha, "đạt")  # the option's label, typed without diacritics
    assert texts.FORM_CONTROLS in note.text  # optional with "Đạt": “bỏ qua” is offered
    await desk.send(ha, "bỏ qua")
    await desk.send(ha, "bỏ qua")  # i1: left to the unit's report, no note
    summary = await desk.send(ha, "bỏ qua")
    assert (
        "2. Tiêu chí “gương mẫu chấp hành chủ trương, pháp luật” – nhận xét, lý do: bỏ qua"
        in summary.text
    )
    saved = await desk.send(ha, "xác nhận")
    assert (
        "• gương mẫu chấp hành chủ trương, pháp luật: đạt (trước đó: không đạt, ngày 15/04/2024)"
        in saved.text
    )
    assert ta.SAVED_HISTORY in saved.text
    [row] = await stored(db, "P_KA_LONG")
    assert (row.met, row.comment) == (True, None)
    assert await history(db, "P_KA_LONG", "BK_CT_TINH", "g0") == [
        (False, KY_LUAT),
        (True, ""),
    ]
    async with db.read() as conn:
        audited = [
            (r[0], r[1], r[2])
            for r in await conn.execute(
                select(_L.c.action, _L.c.old, _L.c.new)
                .where(_L.c.action == "award_assess")
                .order_by(_L.c.id)
            )
        ]
    assert [(a, old, new["met"]) for a, old, new in audited] == [
        ("award_assess", None, False),
        (
            "award_assess",
            {"met": False, "comment": KY_LUAT},
            True,
        ),
    ]

    # The same verdict once more changes nothing.
    await desk.send(ha, "/danhgia P_KA_LONG BK_CT_TINH")
    await desk.send(ha, "1")
    await desk.send(ha, "bỏ qua")
    await desk.send(ha, "bỏ qua")  # i1 left to the unit's report
    await desk.send(ha, "bỏ qua")
    same = await desk.send(ha, "gửi")  # the summary's action is a word, not a number
    assert (
        "• gương mẫu chấp hành chủ trương, pháp luật: đạt – không thay đổi so với đánh giá trước"
        in same.text
    )
    assert len(await history(db, "P_KA_LONG", "BK_CT_TINH", "g0")) == 2

    # The unit sees the verdict and its date, not the officer's note nor name.
    status = await desk.send(lan, "/tinhtrang chitiet")
    assert "Gương mẫu chấp hành chủ trương, pháp luật: " in status.text
    assert "pháp luật: đạt – Phòng Nội vụ đã đánh giá ngày 16/04/2024" in status.text
    assert "Nguyễn Thu Hà" not in status.text


async def test_bad_answers_are_explained_and_the_question_asked_again(
    desk: Desk, db: Database
) -> None:
    ha = await account(db, "PNV", "admin", 1)
    await desk.send(ha, "/danhgia")
    unknown = await desk.send(ha, "Phường Không Có")
    assert unknown.text == "Không tìm thấy đơn vị “Phường Không Có”.\n\n" + ta.ASK_UNIT
    awards = await desk.send(ha, "x_hai_son ")
    assert awards.text.startswith("Vui lòng chọn hình thức khen thưởng cần đánh giá cho Xã Hải Sơn")
    bad = await desk.send(ha, "khen cho vui")
    assert bad.text.startswith("Vui lòng chọn một hình thức khen thưởng trong danh sách")
    assert "từ 1 đến 3" in bad.text
    assert [c.value for c in bad.last.choices] == [c.value for c in awards.last.choices]
    back = await desk.send(ha, "quay lại")  # back to the unit
    assert back.text == ta.ASK_UNIT
    await desk.send(ha, "Xã Hải Sơn")
    wrong_code = await desk.send(ha, "/danhgia X_HAI_SON NO_SUCH_AWARD")
    assert wrong_code.text.startswith(
        "Hình thức khen thưởng “NO_SUCH_AWARD” không áp dụng cho Xã Hải Sơn"
    )
    form = await desk.send(ha, "GK_CT_XA")  # an award typed by its code
    assert f"Hình thức: {GIAY_KHEN_XA}" in form.text
    assert "Câu 1/2. Tiêu chí: “Có thành tích xuất sắc" in form.text
    unsure = await desk.send(ha, "có lẽ")
    assert unsure.text.startswith(texts.FORM_BAD_CHOICE.format(n=2))
    assert "Câu 1/2." in unsure.text
    # `hủy` leaves; the answers so far are kept and offered back.
    await desk.send(ha, "2")
    cancelled = await desk.send(ha, "hủy")
    assert cancelled.text == texts.CANCELLED_DRAFT_KEPT
    assert desk.state_of(ha) == ""
    menu = await desk.send(ha, "/danhgia")
    draft = menu.value(f"Đang làm dở: Xã Hải Sơn – {GIAY_KHEN_XA}")
    assert draft == "/danhgia X_HAI_SON GK_CT_XA"
    offer = await desk.send(ha, draft, callback=True)
    assert "đang làm dở đánh giá của Phòng Nội vụ cho Xã Hải Sơn" in offer.text
    resumed = await desk.send(ha, offer.value("Tiếp tục"), callback=True)
    assert "Câu 2/2. Nhận xét, lý do đánh giá tiêu chí “có thành tích xuất sắc”" in resumed.text
    summary = await desk.send(ha, "Chưa có mô hình cải cách nào được nhân rộng trong năm.")
    done = await desk.send(ha, summary.value("Xác nhận"), callback=True)
    assert "• có thành tích xuất sắc: không đạt – “Chưa có mô hình" in done.text
    [row] = await stored(db, "X_HAI_SON")
    assert (row.award_code, row.criterion_id, row.met) == ("GK_CT_XA", "c1", False)


async def test_a_communes_award_is_not_offered_to_an_office(desk: Desk, db: Database) -> None:
    ha = await account(db, "PNV", "admin", 1)
    said = await desk.send(ha, "/danhgia PTP")
    assert [c.value for c in said.last.choices] == [
        "/danhgia PTP BK_CT_TINH",
        "/danhgia PTP GK_CT_TP",
    ]  # the individuals' Bằng khen is proposed by name, never assessed per unit
    refused = await desk.send(ha, "/danhgia PTP GK_CT_XA")
    assert refused.text.startswith("Hình thức khen thưởng “GK_CT_XA” không áp dụng cho Phòng Tư")


async def test_pvhtt_assesses_media_units_only(desk: Desk, db: Database) -> None:
    pvhtt = await account(db, "PVHTT", "admin", 1, name="Trần Minh")
    ask = await desk.send(pvhtt, "/danhgia")
    assert ask.text == ta.ASK_UNIT_PICK
    assert [(c.label, c.value) for c in ask.last.choices] == [
        ("Trung tâm Truyền thông và Văn hóa thành phố", "/danhgia TTTTVH")
    ]
    commune = await desk.send(pvhtt, "Phường Ka Long")
    assert commune.text.startswith(tx.OUT_OF_SCOPE.split("{", 1)[0])
    assert commune.text.endswith(ta.ASK_UNIT_PICK)  # the same question again
    # A forged button naming a commune opens nothing and stores nothing.
    forged = await desk.send(pvhtt, "/danhgia P_KA_LONG BK_CT_TINH", callback=True)
    assert forged.text.startswith(tx.OUT_OF_SCOPE.split("{", 1)[0])
    assert desk.state_of(pvhtt) != "form"
    own = await desk.send(pvhtt, "/danhgia PVHTT")  # its own office is not a media unit
    assert own.text.startswith(tx.OUT_OF_SCOPE.split("{", 1)[0])
    # The media centre: chosen, assessed, saved as Phòng Văn hóa và Thông tin's verdict.
    awards = await desk.send(pvhtt, "1")
    assert "do Phòng Văn hóa và Thông tin đánh giá" in awards.text
    await desk.send(pvhtt, awards.value("Bằng khen"), callback=True)
    await desk.send(pvhtt, "Đạt")
    summary = await desk.send(pvhtt, "Tích cực tuyên truyền cải cách hành chính.")
    await desk.send(pvhtt, summary.value("Xác nhận"), callback=True)
    [row] = await stored(db, "TTTTVH")
    assert (row.met, row.office_name, row.comment) == (
        True,
        "Phòng Văn hóa và Thông tin",
        "Tích cực tuyên truyền cải cách hành chính.",
    )
    assert await stored(db, "P_KA_LONG") == []
    detail = await desk.send(pvhtt, "/khenthuong TTTTVH")
    assert "Phòng Văn hóa và Thông tin đánh giá ngày 15/04/2024 (Trần Minh)" in detail.text


async def test_a_focal_point_cannot_assess(desk: Desk, db: Database) -> None:
    lan = await account(db, "P_KA_LONG", "focal", 1)
    for command in ("/danhgia", "/danhgia P_KA_LONG BK_CT_TINH"):
        said = await desk.send(lan, command)
        assert said.text.startswith(texts.FORBIDDEN.split("{", 1)[0])
    assert desk.state_of(lan) == ""
    assert await count(db, _A) == 0
    menu = await desk.send(lan, "/trogiup")
    assert "/danhgia" not in menu.text
