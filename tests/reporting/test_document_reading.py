"""`/nopvanban` reads the document (Telegram and Zalo): a correct launch plan is described, a
last-year one gets the mismatch and "submit anyway", stored with its flag; Phòng Nội vụ sees
the fields in /duyet and corrects one (audited)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

from sqlalchemy import select

from bot.app import App
from storage.models import AuditLog, DocumentReading
from tests.documents.corpus import SPEC_BY_NAME, write_docx
from tests.e2e.messengers import Messenger
from tests.reporting.people import FileServer, fetch, register

UNIT = "X_HAI_SON"
WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
HAI_SON = {
    "issuer_lines": ("ỦY BAN NHÂN DÂN", "XÃ HẢI SƠN"),
    "issuer": "UBND xã Hải Sơn",
    "unit": "UBND xã Hải Sơn",
}


def plan(tmp_path: Path, name: str, **changes: object) -> bytes:
    spec = replace(SPEC_BY_NAME[name], **{**HAI_SON, **changes})  # type: ignore[arg-type]
    return write_docx(spec, tmp_path / f"{name}.docx").read_bytes()


async def readings(app: App) -> list[dict[str, object]]:
    t = DocumentReading.__table__  # type: ignore[attr-defined]
    async with app.db.read() as conn:
        rows = await conn.execute(select(t).order_by(t.c.document_id))
        return [dict(r._mapping) for r in rows]


async def test_a_correct_plan_is_described_and_a_last_year_one_flagged_and_submitted_anyway(
    bot: App, messenger: Messenger, files: FileServer, tmp_path: Path
) -> None:
    lan = await register(bot, messenger, 1, UNIT)
    await lan.say("/nopvanban")
    await lan.choose(1)
    msg = await lan.send_document(plan(tmp_path, "ka_long_kh"), "ke-hoach.docx", WORD, files)
    msg = await lan.read(msg)
    assert (
        "Bot đọc được: Kế hoạch số 25/KH-UBND ngày 05/03/2024 của UBND xã Hải Sơn về phát động "
        "phong trào thi đua “Đẩy mạnh cải cách hành chính” năm 2024." in msg
    )
    assert "Văn bản khớp với yêu cầu." in msg
    assert "Đã ghi nhận: tệp Word (DOCX) “ke-hoach.docx”" in msg
    assert "Câu 3/4" in msg
    await lan.say("25/KH-UBND")
    await lan.say("05/03/2024")
    assert "Đã nhận văn bản phát động" in await lan.choose(1)
    [first] = await readings(bot)
    assert (first["number"], first["issued_on"], first["source"]) == (
        "25/KH-UBND", date(2024, 3, 5), "text")
    assert first["flags"] == []

    # Last year's plan: told why, asked; "submit anyway" stores it with the flag.
    await lan.say("/nopvanban")
    await lan.choose(1)
    await lan.choose(1)  # replace the one sent
    old = plan(tmp_path, "hai_xuan_last_year")
    msg = await lan.read(await lan.send_document(old, "ke-hoach-2023.docx", WORD, files))
    assert "Bot đọc được: Kế hoạch số 210/KH-UBND ngày 12/12/2023 của UBND xã Hải Sơn" in msg
    assert "- văn bản ghi ngày 12/12/2023, trước năm phát động." in msg
    assert "- trích yếu" not in msg
    assert "Anh/Chị vẫn nộp văn bản này chứ?" in msg
    msg = await lan.choose(1)
    assert "Đã ghi nhận: tệp Word (DOCX) “ke-hoach-2023.docx”" in msg
    assert "Câu 3/4" in msg
    await lan.say("210/KH-UBND")
    await lan.say("12/12/2023")
    assert "Đã nhận văn bản phát động" in await lan.choose(1)
    second = (await readings(bot))[1]
    assert [f["code"] for f in second["flags"]] == ["too_early"]  # type: ignore[attr-defined]
    assert second["issued_on"] == date(2023, 12, 12)
    [*_, (new,)] = await fetch(bot, AuditLog, "new", action="document.submit")
    assert new["flags"] == ["too_early"]
    assert new["read"] == "text"


async def test_another_units_plan_can_be_sent_again_instead(
    bot: App, messenger: Messenger, files: FileServer, tmp_path: Path
) -> None:
    lan = await register(bot, messenger, 1, UNIT)
    await lan.say("/nopvanban")
    await lan.choose(1)
    other = replace(SPEC_BY_NAME["tra_co_for_ka_long"])
    data = write_docx(other, tmp_path / "tra-co.docx").read_bytes()
    msg = await lan.read(await lan.send_document(data, "tra-co.docx", WORD, files))
    assert "- cơ quan ban hành là UBND phường Trà Cổ, không phải đơn vị của Anh/Chị." in msg
    msg = await lan.choose(2)  # No: send another file
    assert "Câu 2/4" in msg


async def test_phong_noi_vu_sees_the_flags_in_duyet_and_corrects_a_field_audited(
    bot: App, messenger: Messenger, files: FileServer, tmp_path: Path
) -> None:
    lan = await register(bot, messenger, 1, UNIT)
    await lan.say("/nopvanban")
    await lan.choose(1)
    old = plan(tmp_path, "hai_xuan_last_year")
    await lan.read(await lan.send_document(old, "ke-hoach.docx", WORD, files))
    await lan.choose(1)  # submit anyway
    await lan.say("210/KH-UBND")
    await lan.say("12/12/2023")
    await lan.choose(1)
    [(doc_id,)] = [(r["document_id"],) for r in await readings(bot)]

    ha = await register(bot, messenger, 3, "PNV", name="Hà", role="admin")
    msg = await ha.say(f"/duyet v {doc_id}")
    assert "- Số, ký hiệu: 210/KH-UBND" in msg
    assert "- Ngày ban hành: 12/12/2023" in msg
    assert "⚠ Chưa khớp yêu cầu:\n- văn bản ghi ngày 12/12/2023, trước năm phát động" in msg
    msg = await ha.choose(3)  # Sửa thông tin văn bản
    assert "Sửa thông tin nào của văn bản số 210/KH-UBND" in msg
    msg = await ha.choose(3)  # Ngày ban hành
    assert "Ngày ban hành hiện ghi: 12/12/2023" in msg
    assert "Ngày chưa đúng dạng" in await ha.say("hôm qua")
    msg = await ha.say("12/01/2024")
    assert "Đã sửa Ngày ban hành: 12/12/2023 → 12/01/2024" in msg
    [row] = await readings(bot)
    assert row["issued_on"] == date(2024, 1, 12)
    assert row["corrected"] == ["issued_on"]
    assert row["flags"] == []  # checked again: now in the window
    [(old_v, new_v)] = await fetch(bot, AuditLog, "old", "new", action="document.field.correct")
    assert old_v == {"issued_on": "2023-12-12"}
    assert new_v == {"issued_on": "2024-01-12", "flags": []}
    msg = await ha.choose(1)  # back to the document
    assert "- Ngày ban hành: 12/01/2024 (đã sửa)" in msg
    assert "✓ Khớp yêu cầu." in msg
    await ha.say("/tinhtrang X_HAI_SON chitiet")
    msg = await ha.next(contains="Văn bản phát động phong trào thi đua số")
    assert "Văn bản phát động phong trào thi đua số 210/KH-UBND" in msg
    assert "- Ngày ban hành: 12/01/2024 (đã sửa)" in msg


async def test_the_number_and_date_read_are_offered_and_kept_with_one_word(
    bot: App, messenger: Messenger, files: FileServer, tmp_path: Path
) -> None:
    lan = await register(bot, messenger, 1, UNIT)
    await lan.say("/nopvanban")
    await lan.choose(1)
    msg = await lan.read(await lan.send_document(plan(tmp_path, "ka_long_kh"), "kh.docx", WORD,
                                                 files))
    assert "Câu 3/4" in msg
    assert "Số văn bản bot đọc được: 25/KH-UBND — gõ “đúng” để giữ, hoặc gõ số khác." in msg
    msg = await lan.say("đúng")
    assert "Đã ghi nhận: 25/KH-UBND" in msg
    assert "Câu 4/4" in msg
    assert "Ngày ban hành bot đọc được: 05/03/2024 — gõ “đúng” để giữ, hoặc gõ ngày khác." in msg
    msg = await lan.choose(1)  # the button "Đúng: 05/03/2024"
    assert "Đã ghi nhận: 05/03/2024" in msg
    assert "Đã nhận văn bản phát động" in await lan.choose(1)
    [row] = await readings(bot)
    [(new,)] = await fetch(bot, AuditLog, "new", action="document.submit")
    assert (new["number"], new["doc_date"]) == ("25/KH-UBND", "2024-03-05")
    assert row["number"] == "25/KH-UBND"

    # Another number typed wins over the one read; a date read in the future is not offered.
    await lan.say("/nopvanban")
    await lan.choose(1)
    await lan.choose(1)  # replace the one sent
    later = plan(tmp_path, "ka_long_kh", number="26/KH-UBND", issued_on=date(2099, 1, 2))
    msg = await lan.read(await lan.send_document(later, "kh2.docx", WORD, files))
    assert "Anh/Chị vẫn nộp văn bản này chứ?" in msg  # dated after the window
    msg = await lan.choose(1)
    assert "Số văn bản bot đọc được: 26/KH-UBND" in msg
    msg = await lan.say("27/KH-UBND")
    assert "Đã ghi nhận: 27/KH-UBND" in msg
    assert "bot đọc được" not in msg.split("Câu 4/4")[1]
    assert "Câu 4/4" in msg
    msg = await lan.say("đúng")  # nothing offered: "đúng" is no date, asked again
    assert "Câu 4/4" in msg
    assert "Đã ghi nhận" not in msg
    await lan.say("06/03/2024")
    assert "Đã nhận văn bản phát động" in await lan.choose(1)
    [*_, (new,)] = await fetch(bot, AuditLog, "new", action="document.submit")
    assert (new["number"], new["doc_date"]) == ("27/KH-UBND", "2024-03-06")
