"""`/nopvanban` on Telegram and on Zalo: the launch document, checked and stored, on time or
late, a second one replacing the first after asking, and a restart in the middle."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from bot.app import App
from core.settings import Settings
from storage.models import AuditLog, Document
from storage.queries.deadlines import save_override
from tests.e2e.messengers import Messenger, settle
from tests.harness import Clock, running_bot
from tests.reporting.conftest import NOW
from tests.reporting.people import EXE, JPEG, PDF, FileServer, docx, fetch, register

UNIT = "X_HAI_SON"
CAMPAIGN = "mongcai-cchc-2024"


async def documents(app: App) -> list[tuple[object, ...]]:
    columns = ("doc_type", "number", "doc_date", "deadline_code", "on_time", "superseded")
    more = ("mime_type", "original_name", "stored_name", "sha256")
    return await fetch(app, Document, *columns, *more)


async def test_launch_document_with_every_kind_of_bad_answer_is_stored_on_time(
    bot: App, messenger: Messenger, files: FileServer, uploads: Path
) -> None:
    lan = await register(bot, messenger, 1, UNIT)
    msg = await lan.say("/nopvanban")
    assert "Câu 1/4. Anh/Chị nộp văn bản nào?" in msg
    assert "1. Văn bản phát động phong trào thi đua" in msg
    assert "không thể bỏ qua" in await lan.say("bỏ qua")
    msg = await lan.say("7")
    assert "gõ số thứ tự từ 1 đến 1" in msg
    assert "Câu 1/4" in msg
    msg = await lan.choose(1)
    assert "Đã ghi nhận: Văn bản phát động phong trào thi đua." in msg
    assert "Câu 2/4. Vui lòng gửi tệp văn bản (PDF, DOC hoặc DOCX)" in msg

    # Not a file, or a file that is not what it claims, or too big: explained, asked again.
    msg = await lan.sticker()
    assert "cần Anh/Chị gửi tệp" in msg
    assert "Câu 2/4" in msg
    msg = await lan.say("em gửi sau ạ")
    assert "cần Anh/Chị gửi tệp" in msg
    assert "Câu 2/4" in msg
    msg = await lan.send_document(EXE, "ke-hoach.pdf", "application/pdf", files)
    assert "không phải là PDF, DOC, DOCX, ảnh JPEG, ảnh PNG" in msg
    assert "Câu 2/4" in msg
    big = PDF + b"0" * (21 * 1024 * 1024)
    msg = await lan.send_document(big, "ke-hoach-scan.pdf", "application/pdf", files)
    assert "quá lớn (tối đa 20 MB)" in msg
    assert "Câu 2/4" in msg
    if not lan.on_telegram:
        msg = await lan.send_photo_url(f"{files.base_url}/khong-co.jpg")
        assert "chưa tải được tệp" in msg
        assert "Câu 2/4" in msg
    msg = await lan.read(await lan.send_document(PDF, "ke-hoach.pdf", "application/pdf", files))
    assert "Đã ghi nhận: tệp PDF “ke-hoach.pdf”, 1 KB." in msg
    assert "Câu 3/4. Số và ký hiệu của văn bản là gì?" in msg

    for bad in ("12", "KH-UBND", "12/2024", "mười hai/KH-UBND"):
        msg = await lan.say(bad)
        assert "Số văn bản chưa đúng dạng" in msg, bad
        assert "Câu 3/4" in msg, bad
    msg = await lan.say("Số 12 / KH-UBND")
    assert "Đã ghi nhận: 12/KH-UBND." in msg
    assert "Câu 4/4" in msg

    msg = await lan.say("25/03/2024")
    assert "Ngày không được sau hôm nay (20/03/2024)." in msg
    assert "Câu 4/4" in msg
    msg = await lan.say("30/02/2024")
    assert "không có trên lịch" in msg
    assert "Câu 4/4" in msg
    msg = await lan.say("5/3/2024")
    assert "Đã ghi nhận: 05/03/2024." in msg
    assert "1. Loại văn bản: Văn bản phát động phong trào thi đua" in msg
    assert "2. Tệp: tệp PDF “ke-hoach.pdf”, 1 KB" in msg
    assert "3. Số, ký hiệu: 12/KH-UBND" in msg
    assert "4. Ngày ban hành: 05/03/2024" in msg

    msg = await lan.choose(1)
    assert "Đã nhận văn bản phát động phong trào thi đua số 12/KH-UBND" in msg
    assert "nộp đúng hạn (hạn nộp: 31/03/2024)" in msg
    [row] = await documents(bot)
    assert row[:8] == (
        "LAUNCH_DOC",
        "12/KH-UBND",
        date(2024, 3, 5),
        "D01",
        True,
        False,
        "application/pdf",
        "ke-hoach.pdf",
    )
    stored_name, sha = str(row[8]), row[9]
    assert stored_name.endswith(".pdf")
    assert "ke-hoach" not in stored_name
    kept = uploads / CAMPAIGN / UNIT / stored_name
    assert kept.read_bytes() == PDF
    assert sha == hashlib.sha256(PDF).hexdigest()
    [(action, new)] = await fetch(bot, AuditLog, "action", "new", entity="document")
    assert action == "document.submit"
    assert new["on_time"] is True
    assert new["number"] == "12/KH-UBND"


async def test_a_second_document_replaces_the_first_after_asking_and_is_late(
    bot: App, messenger: Messenger, files: FileServer
) -> None:
    # Phòng Nội vụ moved the deadline to 15/03/2024: today (20/03) is five days late.
    async with bot.db.transaction() as conn:
        await save_override(
            conn,
            campaign_id=CAMPAIGN,
            code="D01",
            due=date(2024, 3, 15),
            spec=None,
            actor="test",
            now=NOW,
        )
    hoa = await register(bot, messenger, 2, "P_TRA_CO", name="Hoa")
    await hoa.say("/nopvanban")
    await hoa.choose(1)
    msg = await hoa.read(await hoa.send_photo(JPEG, files))
    assert "Đã ghi nhận: ảnh chụp (JPEG)" in msg
    await hoa.say("12/KH-UBND")
    await hoa.say("01/03/2024")
    msg = await hoa.choose(1)
    assert "nộp sau hạn 15/03/2024 (5 ngày)" in msg

    msg = await hoa.say("/nopvanban")
    assert "Câu 1/4" in msg
    msg = await hoa.choose(1)
    assert "đã nộp văn bản phát động phong trào thi đua số 12/KH-UBND" in msg
    assert "ngày ban hành 01/03/2024 (gửi ngày 20/03/2024)" in msg
    assert "1. Tiếp tục, nộp văn bản thay thế" in msg
    assert "2. Chọn lại loại văn bản" in msg
    assert "Câu 1/4" in await hoa.choose(2)
    assert "thay thế" in await hoa.choose(1)
    msg = await hoa.choose(1)
    assert "Đã ghi nhận: Văn bản phát động phong trào thi đua." in msg
    assert "Câu 2/4" in msg
    word = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    msg = await hoa.read(await hoa.send_document(docx(), "ke-hoach-sua.docx", word, files))
    assert "Đã ghi nhận: tệp Word (DOCX) “ke-hoach-sua.docx”" in msg
    await hoa.say("05 - KH/ĐU")
    msg = await hoa.say("18/03/2024")
    assert "3. Số, ký hiệu: 05-KH/ĐU" in msg
    msg = await hoa.choose(1)
    assert "Văn bản này thay thế văn bản số 12/KH-UBND" in msg
    assert "nộp sau hạn 15/03/2024" in msg
    found = [(r[1], r[4], r[5], r[6]) for r in await documents(bot)]
    assert found == [
        ("12/KH-UBND", False, True, "image/jpeg"),
        ("05-KH/ĐU", False, False, word),
    ]


async def test_a_restart_and_a_cancel_in_the_middle_lose_nothing(
    messenger: Messenger, settings: Settings, clock: Clock, files: FileServer
) -> None:
    async with running_bot(settings, clock=clock) as app:
        minh = await register(app, messenger, 3, "PTP", name="Minh")
        await minh.say("/nopvanban")
        msg = await minh.choose(1)
        assert "Câu 2/4" in msg
        await settle(messenger, app)
    async with running_bot(settings, clock=clock) as app:
        msg = await minh.read(await minh.send_document(PDF, "kh.pdf", "application/pdf", files))
        assert "Đã ghi nhận: tệp PDF “kh.pdf”" in msg
        assert "Câu 3/4" in msg
        assert "lưu tạm" in await minh.say("hủy")
        msg = await minh.say("/nopvanban")
        assert "đang làm dở hồ sơ nộp văn bản của Phòng Tư pháp (đã trả lời 2/4 câu)" in msg
        msg = await minh.choose(1)
        assert "Câu 3/4" in msg
        await minh.say("7/KH-PTP")
        msg = await minh.say("quay lại")
        assert "Câu 3/4" in msg
        await minh.say("08/KH-PTP")
        await settle(messenger, app)
    async with running_bot(settings, clock=clock) as app:
        msg = await minh.say("11/03/2024")
        assert "3. Số, ký hiệu: 08/KH-PTP" in msg
        assert "Đã nhận" in await minh.choose(1)
        assert [(r[1], r[4]) for r in await documents(app)] == [("08/KH-PTP", True)]
