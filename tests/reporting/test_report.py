"""`/baocao` on Telegram and on Zalo: a month picked, a bad answer of every value type refused
with a Vietnamese explanation and the same question, “quay lại”, “bỏ qua” with a reason, the
summary, the stored values, “hủy” and a restart in the middle, a correction kept in the
history, and a locked period refused."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from bot.app import App
from core.settings import Settings
from storage.models import IndicatorValue, IndicatorValueHistory, Unit, table
from storage.queries import reports
from tests.e2e.messengers import Messenger, settle
from tests.harness import Clock, running_bot
from tests.reporting.people import Person, fetch, register

UNIT = "X_HAI_SON"
CAMPAIGN = "mongcai-cchc-2024"
# Right answers for the ten questions of Xã Hải Sơn's report for January or February (the
# registration of initiatives is no longer asked: the /sangkien register answers it, issue 11).
MONTH_ANSWERS = ("có", "100", "có", "100", "Tốt", "100", "5 triệu", "05/01/2024", "300")


async def values(app: App, period: str | None = None) -> dict[tuple[str, str], tuple[object, ...]]:
    columns = ("indicator_code", "period", "value", "display", "skipped_reason")
    found = await fetch(app, IndicatorValue, *columns)
    return {(r[0], r[1]): r[2:] for r in found if period in (None, r[1])}


async def lock(app: App, period: str) -> None:
    async with app.db.transaction() as conn:
        await reports.lock_period(
            conn,
            campaign_id=CAMPAIGN,
            period=period,
            by="test",
            now=datetime(2024, 3, 20, tzinfo=UTC),
        )


async def fill_month(person: Person, month: str) -> str:
    """A whole report for `month` ("1/2024"), answered right; returns the summary."""
    msg = await person.say(f"/baocao {month}")
    assert "gồm 10 chỉ tiêu" in msg
    for answer in MONTH_ANSWERS:
        await person.say(answer)
    return await person.say("bỏ qua")


async def test_a_monthly_report_explains_every_bad_answer_and_stores_the_values(
    bot: App, messenger: Messenger
) -> None:
    lan = await register(bot, messenger, 1, UNIT)
    msg = await lan.say("/baocao")
    assert "Anh/Chị báo cáo cho tháng nào?" in msg
    assert "Tháng 3/2024  ·  Tháng 2/2024  ·  Tháng 1/2024" in msg  # values, not positions
    assert "1. Tháng" not in msg
    assert "ví dụ: 3 hoặc 3/2024" in await lan.say("tháng mười ba")
    msg = await lan.say("2")  # February (offered second too: no question)
    assert "Báo cáo tháng 2/2024 của Xã Hải Sơn gồm 10 chỉ tiêu." in msg
    assert "Câu 1/10. Xây dựng Kế hoạch, tổ chức phát động phong trào thi đua" in msg
    assert "1. Có\n2. Không" in msg

    # yes/no
    msg = await lan.say("chắc vậy")
    assert "Vui lòng trả lời “Có” hoặc “Không”" in msg
    assert "Câu 1/10" in msg
    assert "Đã ghi nhận: Có." in await lan.choose(1)
    # percent (at most 100 here)
    msg = await lan.say("120%")
    assert "Tỷ lệ không được lớn hơn 100%" in msg
    assert "Câu 2/10" in msg
    msg = await lan.say("-5")
    assert "Tỷ lệ không được âm" in msg
    assert "Câu 2/10" in msg
    msg = await lan.say("95,5")
    assert "Đã ghi nhận: 95,5%." in msg
    assert "Câu 3/10" in msg
    # "rồi" is a yes; back, and the answer changed to "Không"
    assert "Câu 4/10" in await lan.say("rồi")
    assert "Câu 3/10" in await lan.say("quay lại")
    msg = await lan.choose(2)
    assert "Đã ghi nhận: Không." in msg
    assert "Câu 4/10" in msg
    msg = await lan.say("19/20")
    assert "Đã ghi nhận: 95%." in msg
    assert "Câu 5/10. Chỉ số cải cách hành chính năm 2023" in msg
    # rating
    msg = await lan.say("tuyệt vời")
    assert "Vui lòng chọn một mức: 1. Xuất sắc, 2. Tốt, 3. Khá" in msg
    assert "Câu 5/10" in msg
    msg = await lan.choose(3)
    assert "Đã ghi nhận: Khá." in msg
    assert "Câu 6/10" in msg
    # back one question, then a required one skipped with a reason
    msg = await lan.say("quay lại")
    assert "Câu 5/10" in msg
    assert "Câu 6/10" in await lan.say("tốt")
    msg = await lan.say("bỏ qua")
    assert "là bắt buộc. Vui lòng cho biết lý do" in msg
    assert "Lý do cần rõ ràng hơn" in await lan.say("ab")
    msg = await lan.say("Chưa có số liệu từ hệ thống")
    assert "Đã ghi nhận lý do: Chưa có số liệu từ hệ thống." in msg
    assert "Câu 7/10. Kinh phí chi cho công tác cải cách hành chính trong tháng" in msg
    # money
    msg = await lan.say("năm triệu")
    assert "Vui lòng nhập số tiền bằng đồng" in msg
    assert "Câu 7/10" in msg
    msg = await lan.say("$500")
    assert "Chỉ nhận số tiền bằng đồng Việt Nam" in msg
    assert "Câu 7/10" in msg
    msg = await lan.say("150 triệu")
    assert "Đã ghi nhận: 150.000.000 đồng." in msg
    assert "Câu 8/10" in msg
    # date
    msg = await lan.say("31/02/2024")
    assert "Ngày 31/02/2024 không có trên lịch" in msg
    assert "Câu 8/10" in msg
    msg = await lan.say("5/1/24")
    assert "năm đủ 4 chữ số" in msg
    assert "Câu 8/10" in msg
    msg = await lan.say("5/1/2024")
    assert "Đã ghi nhận: 05/01/2024." in msg
    assert "Câu 9/10" in msg
    # count
    msg = await lan.say("1.2")
    assert "dấu chấm dùng để phân cách hàng nghìn" in msg
    assert "Câu 9/10" in msg
    msg = await lan.say("-3")
    assert "Số lượng không được âm" in msg
    assert "Câu 9/10" in msg
    assert "cần trả lời bằng chữ" in await lan.sticker()
    assert "Câu 9/10" in await lan.next()
    msg = await lan.say("1.200")
    assert "Đã ghi nhận: 1.200 hồ sơ." in msg
    assert "Câu 10/10. Ghi chú, kiến nghị" in msg
    # text (optional: skipped without a reason)
    msg = await lan.say("Kiến nghị " * 201)
    assert "Nội dung quá dài: tối đa 2.000 ký tự (hiện có 2.009)" in msg
    assert "Câu 10/10" in msg
    msg = await lan.say("bỏ qua")
    assert "Đã bỏ qua mục này." in msg
    assert "Vui lòng kiểm tra lại báo cáo tháng 2/2024 của Xã Hải Sơn:" in msg
    for line in (
        "1. Phát động phong trào thi đua: Có",
        "2. Dịch vụ công trực tuyến toàn trình: 95,5%",
        "3. Thanh toán điện tử trong giải quyết TTHC: Không",
        "4. Văn bản điện tử: 95%",
        "5. Chỉ số CCHC năm 2023: Tốt",
        "6. Số hóa hồ sơ, kết quả giải quyết TTHC: bỏ qua – lý do: Chưa có số liệu từ hệ thống",
        "7. Kinh phí CCHC: 150.000.000 đồng",
        "8. Ngày ban hành Kế hoạch CCHC: 05/01/2024",
        "9. Hồ sơ TTHC tiếp nhận: 1.200 hồ sơ",
        "10. Ghi chú: bỏ qua",
    ):
        assert line in msg, line
    assert "Gõ: “gửi” để xác nhận gửi · “sửa 3” để sửa mục 3 · “để sau”" in msg
    assert "1. Xác nhận gửi" not in msg  # the items alone are numbered
    # "sửa 3" opens item 3 at once (on Zalo, where the words are all there is, too)
    msg = await lan.say("sửa 3")
    assert "Câu 3/10" in msg
    msg = await lan.say("không")
    assert "3. Thanh toán điện tử trong giải quyết TTHC: Không" in msg
    assert "“sửa 3” để sửa mục 3" in msg
    msg = await lan.say("gửi")
    assert "Đã gửi báo cáo tháng 2/2024 của Xã Hải Sơn (10 chỉ tiêu)" in msg

    assert await values(bot) == {
        ("T01", "2024-ONCE"): (True, "Có", None),
        ("T04", "2024-02"): (95.5, "95,5%", None),
        ("T09", "2024-02"): (False, "Không", None),
        ("T11", "2024-02"): (95.0, "95%", None),
        ("T12", "2024-ONCE"): ("Tốt", "Tốt", None),
        ("I04", "2024-02"): (None, "", "Chưa có số liệu từ hệ thống"),
        ("X_CHI", "2024-02"): (150_000_000, "150.000.000 đồng", None),
        ("X_NGAY", "2024-ONCE"): ("2024-01-05", "05/01/2024", None),
        ("X_HOSO", "2024-02"): (1200, "1.200 hồ sơ", None),
        ("X_GHICHU", "2024-02"): (None, "", ""),
    }


async def test_a_report_left_with_cancel_and_a_restart_continues_where_it_stopped(
    messenger: Messenger, settings: Settings, clock: Clock
) -> None:
    async with running_bot(settings, clock=clock) as app:
        lan = await register(app, messenger, 2, UNIT)
        msg = await lan.say("/baocao 3/2024")
        n = int(re.search(r"gồm (\d+) chỉ tiêu", msg)[1])  # type: ignore[index]
        assert n == 12  # March also asks the quarterly ones
        await lan.say("có")
        assert f"Câu 3/{n}" in await lan.say("100%")
        assert "Các câu Anh/Chị đã trả lời được lưu tạm" in await lan.say("hủy")
        await lan.say("/baocao")
        msg = await lan.say("3/2024")  # months are typed as months, not by position
        assert (
            f"Anh/Chị đang làm dở báo cáo tháng 3/2024 của Xã Hải Sơn (đã trả lời 2/{n} câu)" in msg
        )
        assert "1. Tiếp tục phần đang làm\n2. Làm lại từ đầu" in msg
        msg = await lan.choose(1)
        assert f"Câu 3/{n}" in msg
        await lan.say("có")
        await lan.say("bỏ qua")  # the next one: a reason is asked, then the bot stops
        await settle(messenger, app)
    async with running_bot(settings, clock=clock) as app:
        msg = await lan.say("Đang tổng hợp số liệu")
        assert "Đã ghi nhận lý do: Đang tổng hợp số liệu." in msg
        assert f"Câu 5/{n}" in msg
        await settle(messenger, app)
    async with running_bot(settings, clock=clock) as app:
        assert f"Câu 6/{n}" in await lan.say("100")
        # The command again, in the middle of the form: the answers are offered back.
        msg = await lan.say("/baocao 3/2024")
        assert f"đang làm dở báo cáo tháng 3/2024 của Xã Hải Sơn (đã trả lời 5/{n} câu)" in msg
        assert f"Câu 6/{n}" in await lan.choose(1)
        assert await values(app) == {}  # nothing is stored before the summary is confirmed


async def test_a_correction_after_submission_is_kept_in_the_history_until_the_period_locks(
    bot: App, messenger: Messenger
) -> None:
    lan = await register(bot, messenger, 3, UNIT)
    summary = await fill_month(lan, "1/2024")
    assert "2. Dịch vụ công trực tuyến toàn trình: 100%" in summary
    assert "(10 chỉ tiêu)" in await lan.choose(1)

    msg = await lan.say("/baocao 1/2024")
    assert "Báo cáo tháng 1/2024 của Xã Hải Sơn đã được gửi" in msg
    assert "1. Dịch vụ công trực tuyến toàn trình: 100%" in msg  # one-off items are not asked
    assert "từ 1 đến 7" in await lan.choose(2)
    assert "Câu 1/7" in await lan.say("1")
    msg = await lan.say("98,5 %")
    assert "1. Dịch vụ công trực tuyến toàn trình: 98,5%" in msg
    assert "(7 chỉ tiêu, 1 mục thay đổi)" in await lan.choose(1)

    assert (await values(bot, "2024-01"))[("T04", "2024-01")] == (98.5, "98,5%", None)
    async with bot.db.read() as conn:
        changes = await reports.history(
            conn,
            campaign_id=CAMPAIGN,
            unit_id=await unit_id(bot),
            indicator_code="T04",
            period="2024-01",
        )
    assert changes == [(None, "100%"), ("100%", "98,5%")]
    assert len(await fetch(bot, IndicatorValueHistory, "id")) == 10 + 1

    await lock(bot, "2024-01")
    msg = await lan.say("/baocao 1/2024")
    assert "Kỳ báo cáo tháng 1/2024 đã khóa sổ" in msg
    assert "quá nhiều" not in msg
    msg = await lan.say("98")  # no conversation is open
    assert "Câu" not in msg


async def test_a_one_off_value_returned_by_the_office_is_asked_again_and_corrected(
    bot: App, messenger: Messenger
) -> None:
    lan = await register(bot, messenger, 5, UNIT)
    await fill_month(lan, "1/2024")
    await lan.choose(1)
    msg = await lan.say("/baocao 1/2024")
    assert "Phát động phong trào thi đua" not in msg  # answered once: not asked again

    async with bot.db.transaction() as conn:
        await conn.execute(
            table(IndicatorValue).update()
            .where(
                table(IndicatorValue).c.indicator_code == "T01",
                table(IndicatorValue).c.period == "2024-ONCE",
            )
            .values(review_status="returned", review_comment="Chưa gửi văn bản phát động")
        )
    await lan.say("hủy")
    msg = await lan.say("/baocao 1/2024")
    assert "1. Phát động phong trào thi đua: Có" in msg
    assert "từ 1 đến 8" in await lan.choose(2)
    assert "Câu 1/8" in await lan.say("1")
    msg = await lan.say("không")
    assert "1. Phát động phong trào thi đua: Không" in msg
    assert "(8 chỉ tiêu, 1 mục thay đổi)" in await lan.choose(1)

    [(value, status)] = await fetch(
        bot, IndicatorValue, "value", "review_status", indicator_code="T01"
    )
    assert (value, status) != (True, "returned")
    assert value is False
    async with bot.db.read() as conn:
        changes = await reports.history(
            conn,
            campaign_id=CAMPAIGN,
            unit_id=await unit_id(bot),
            indicator_code="T01",
            period="2024-ONCE",
        )
    assert changes == [(None, "Có"), ("Có", "Không")]
    # Corrected, it is no longer asked in the next report.
    assert "Phát động phong trào thi đua" not in await lan.say("/baocao 1/2024")


async def test_a_period_locked_while_the_summary_is_open_is_not_written(
    bot: App, messenger: Messenger
) -> None:
    lan = await register(bot, messenger, 4, UNIT)
    await fill_month(lan, "2/2024")
    await lock(bot, "2024-02")
    msg = await lan.choose(1)
    assert "đã khóa sổ" in msg
    assert await values(bot, "2024-02") == {}


async def unit_id(app: App) -> int:
    [(uid,)] = await fetch(app, Unit, "id", code=UNIT)
    return int(uid)


async def test_a_typed_month_number_is_that_month_confirmed_when_it_could_be_a_position(
    bot: App, messenger: Messenger
) -> None:
    """Offered Tháng 3, 2, 1/2024 (today is in March): `1` is January, not the first option;
    since "1." once meant the first option, the bot asks which, in one short line."""
    lan = await register(bot, messenger, 1, UNIT)
    await lan.say("/baocao")
    msg = await lan.say("1")
    assert msg.splitlines()[0] == (
        "Anh/Chị báo cáo tháng 1/2024? Gõ “có” để tiếp tục, hoặc chọn tháng khác "
        "(ví dụ: Tháng 3/2024)."
    )
    assert "Báo cáo tháng 1/2024 của Xã Hải Sơn" in await lan.say("có")
    await lan.say("/huy")
    await lan.say("/baocao")
    assert "Báo cáo tháng 2/2024 của Xã Hải Sơn" in await lan.say("tháng 2")
    await lan.say("/huy")
    await lan.say("/baocao")
    assert "tháng 1/2024 của Xã Hải Sơn" in await lan.say("1/2024")
    await lan.say("/huy")
    await lan.say("/baocao")
    msg = await lan.say("3")  # March is offered third: which one?
    assert "Anh/Chị báo cáo tháng 3/2024?" in msg
    assert "Báo cáo tháng 3/2024 của Xã Hải Sơn" in await lan.say("3")  # typed again: March
