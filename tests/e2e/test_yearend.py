"""The year's end in chat, end to end on Telegram and on Zalo through the fake servers.

Phường Ka Long (seeded as in the oversight tests) proposes itself and a person with `/denghi`
(not eligible: a reason is asked), files every dossier part of one proposal over chat as a
file in `/hoso`, has one part returned in `/duyet` (and is told), withdraws a proposal, takes
its drafts; after the dossier deadline `/denghi` is closed but the returned part can still be
sent again. Phòng Nội vụ takes `/tongket` and `/congvan`. Every file the bot sends is received
as a person would (Telegram: the document; Zalo: the download link, fetched over HTTP) and
opened with python-docx or openpyxl.
"""

from __future__ import annotations

import io
import re
import socket
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import openpyxl  # type: ignore[import-untyped]
import pytest
from aiohttp import web
from docx import Document as Docx

from bot.app import App
from core.campaign import Campaign, bundled_campaign_path, load_campaign
from storage.models import AuditLog, DossierPart, Nomination, NominationHistory
from tests.e2e.messengers import Messenger, TelegramChatUser, ZaloChatUser
from tests.harness import Clock, running_bot
from tests.oversight import seed
from tests.reporting.people import PDF, FileServer, Person, docx, fetch, register

# 20/11/2024 10:00 in Móng Cái: before the dossier deadline (D_HOSO, 31/01/2025).
NOW = datetime(2024, 11, 20, 3, 0, tzinfo=UTC)
HOOK_SECRET = "zalo-hook-S3cret"
LINK = re.compile(r"https?://\S+")
WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
async def yearend_bot(
    messenger: Messenger, sqlite_url: str, tmp_path: Path, clock: Clock
) -> AsyncIterator[App]:
    """The bot on the bundled campaign; on Zalo with a public address, so files come as links."""
    extra: dict[str, object] = {"data_dir": tmp_path / "data"}
    if messenger.name == "zalo":
        port = free_port()
        extra |= {
            "webhook_base_url": f"http://127.0.0.1:{port}",
            "webhook_secret": HOOK_SECRET,
            "webhook_listen": f"127.0.0.1:{port}",
        }
    async with running_bot(messenger.settings_for(sqlite_url, **extra), clock=clock) as app:
        yield app


@pytest.fixture
async def files() -> AsyncIterator[FileServer]:
    """Where Zalo's document events point (the bot downloads what Zalo points at)."""
    server = FileServer()
    web_app = web.Application()
    web_app.router.add_get("/{name}", server.handle)
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server.base_url = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        yield server
    finally:
        await runner.cleanup()


@pytest.fixture(scope="module")
def campaign() -> Campaign:
    return load_campaign(bundled_campaign_path())


def options(person: Person) -> list[str]:
    """The options of the last message that has some: Telegram's buttons, or Zalo's numbered
    lines (a file's link may come after them)."""
    user = person.user
    if isinstance(user, TelegramChatUser):
        for msg in reversed(user.raw.messages):
            buttons = [label for label, data in msg.buttons if data is not None]
            if buttons:
                return buttons
        return []
    assert isinstance(user, ZaloChatUser)
    for message in reversed(user.raw.messages):
        found = re.findall(r"^\d+\. .*$", message.content, re.MULTILINE)
        if found:
            last = max((i for i, line in enumerate(found) if line.startswith("1. ")), default=0)
            return found[last:]  # the options come last (a summary above may be numbered too)
    return []


async def pick(person: Person, wanted: str) -> str:
    """Choose the option whose label holds `wanted`."""
    found = [i for i, label in enumerate(options(person), start=1) if wanted in label]
    if not found and wanted == "Xác nhận":  # a summary: its actions are words, not options
        return await person.choose(1)
    assert found, f"no option {wanted!r} in {options(person)}"
    return await person.choose(found[0])


async def say(person: Person, text: str, contains: str) -> str:
    await person.user.send_text(text)
    return await person.next(contains)


async def received(person: Person, caption: str) -> bytes:
    """The file that came with the message holding `caption`, as the person gets it."""
    user = person.user
    if isinstance(user, TelegramChatUser):
        text = await user.raw.expect_message(timeout=10, contains=caption)
        sent = user.raw.messages
        msg = sent[sent.index(text) - 1]  # the document first, then its text
        assert msg.method == "sendDocument", msg
        assert msg.file is not None
        return msg.file.data
    assert isinstance(user, ZaloChatUser)
    await user.raw.expect_message(timeout=10, contains=caption)
    link = await user.raw.expect_message(timeout=10)
    match = LINK.search(link.content)
    assert match is not None, link.content
    async with httpx.AsyncClient() as client:
        response = await client.get(match.group())
    assert response.status_code == 200
    return response.content


def docx_text(data: bytes) -> str:
    doc = Docx(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


async def propose(lan: Person, *, individual: bool) -> str:
    """A proposal through /denghi, the not-eligible path with its reason; the saved message."""
    await say(lan, "/denghi", "Anh/Chị muốn làm gì?")
    if individual:
        await pick(lan, "cá nhân")
        await pick(lan, "Giấy khen của Chủ tịch Ủy ban nhân dân thành phố")
        standing = lan.user.messages[-1]
        await say(lan, "Nguyễn Thị Lan", "Chức vụ")
        await say(lan, "Công chức Văn phòng - Thống kê", "Tóm tắt thành tích")
        await say(lan, "Hướng dẫn 1.200 lượt người dân nộp hồ sơ trực tuyến", "Vì sao")
    else:
        await pick(lan, "tập thể đơn vị")
        await pick(lan, "Bằng khen")
        standing = lan.user.messages[-1]
        await say(lan, "Hoàn thành 100% hồ sơ trực tuyến toàn trình", "Vì sao")
    whole = "\n".join(lan.user.messages[-4:])
    assert "Đơn vị đang ở đâu so với tiêu chuẩn" in whole, standing
    assert "CHƯA ĐỦ tiêu chuẩn" in whole
    for code in ("g0", "i1 ", "i2", "T04", "D01"):
        assert code not in whole, code
    await say(lan, "Chưa được Phòng Nội vụ đánh giá tiêu chí thành tích", "kiểm tra lại")
    return await pick(lan, "Xác nhận")


async def test_the_years_end_in_chat(
    yearend_bot: App,
    messenger: Messenger,
    campaign: Campaign,
    clock: Clock,
    files: FileServer,
) -> None:
    app = yearend_bot
    await seed.ka_long_story(app.db, campaign)
    ha = await register(app, messenger, 1, "PNV", name="Hà", role="admin")
    lan = await register(app, messenger, 2, "P_KA_LONG", name="Lan")

    # /denghi: the unit itself, then a person; neither meets the criteria, so a reason each.
    saved = await propose(lan, individual=False)
    assert "Tập thể Phường Ka Long" in saved
    assert "chưa đủ tiêu chuẩn" in saved
    assert "Phường Ka Long đã gửi đề nghị" in await ha.next("đã gửi đề nghị")
    saved = await propose(lan, individual=True)
    assert "Cá nhân Nguyễn Thị Lan" in saved
    await ha.next("Nguyễn Thị Lan")
    rows = await fetch(app, Nomination, "subject", "full_name", "eligible", "reason")
    assert [r[:3] for r in rows] == [
        ("collective", "Phường Ka Long", False),
        ("individual", "Nguyễn Thị Lan", False),
    ]
    assert all(r[3] for r in rows)

    # /hoso: every part of the person's dossier, each sent over chat as a file.
    listing = await say(lan, "/hoso", "Chọn việc cần làm")
    assert "chưa nộp" in listing
    for n, (part, name) in enumerate(
        [
            ("Nộp Tờ trình", "to-trinh.pdf"),
            ("Nộp Biên bản", "bien-ban.pdf"),
            ("Nộp Báo cáo thành tích", "bao-cao.docx"),
        ]
    ):
        if n:
            await say(lan, "/hoso", "Chọn việc cần làm")
        [label] = [o for o in options(lan) if part in o and "Nguyễn Thị Lan" in o]
        await pick(lan, label.split(". ", 1)[1])
        data, mime = (docx(), WORD) if name.endswith(".docx") else (PDF, "application/pdf")
        asked = await lan.send_document(data, name, mime, files)
        assert "kiểm tra lại" in asked, asked
        done = await pick(lan, "Xác nhận")
        assert "Nguyễn Thị Lan" in done
        await ha.next("Xem và duyệt: /duyet")
    assert "Hồ sơ của đề nghị này đã đủ" in done
    stored = await fetch(app, DossierPart, "part_code", "original_name", "superseded")
    assert [(c, o) for c, o, _ in stored] == [
        ("TO_TRINH", "to-trinh.pdf"),
        ("BIEN_BAN", "bien-ban.pdf"),
        ("BAO_CAO_THANH_TICH", "bao-cao.docx"),
    ]

    # /duyet: Phòng Nội vụ returns the Tờ trình with a comment; the unit is told.
    await say(ha, "/duyet", "Hồ sơ KT")
    # The file and the proposal (Telegram: the document first; Zalo: the text, then the link).
    shown = await pick(ha, "Tờ trình") + await ha.next()
    assert "Thành tích: Hướng dẫn 1.200 lượt" in shown
    assert "to-trinh.pdf" in shown or not isinstance(ha.user, ZaloChatUser)
    await pick(ha, "Trả lại")
    done = await say(ha, "Thiếu chữ ký của Chủ tịch UBND phường, đề nghị bổ sung.", "Đã trả lại")
    assert "Tờ trình" in done
    told = await lan.next("Phòng Nội vụ trả lại")
    assert "Thiếu chữ ký của Chủ tịch UBND phường" in told
    status = await say(lan, "/hoso", "Chọn việc cần làm")
    assert "bị trả lại – Thiếu chữ ký" in status

    # The unit's drafts, received and opened.
    await pick(lan, "dự thảo")
    report = docx_text(await received(lan, "Dự thảo báo cáo thành tích"))
    assert "BÁO CÁO THÀNH TÍCH" in report.upper()
    proposal = docx_text(await received(lan, "Dự thảo tờ trình"))
    assert "Nguyễn Thị Lan" in proposal
    assert "Giấy khen" in proposal
    minutes = docx_text(await received(lan, "Dự thảo biên bản"))
    assert "BIÊN BẢN" in minutes.upper()

    # Withdraw the unit's own proposal.
    await say(lan, "/denghi", "Anh/Chị muốn làm gì?")
    await pick(lan, "Rút")
    await pick(lan, "Phường Ka Long")
    gone = await pick(lan, "Rút đề nghị")
    assert "Đã rút đề nghị: Phường Ka Long" in gone
    history = await fetch(app, NominationHistory, "action")
    assert [a for (a,) in history] == ["file", "file", "withdraw"]
    actions = {a for (a,) in await fetch(app, AuditLog, "action")}
    assert {"nomination.withdraw", "dossier.returned"} <= actions

    # Phòng Nội vụ's drafts: the summary, its annex, the city's Tờ trình; a công văn.
    await ha.user.send_text("/tongket")
    summary = docx_text(await received(ha, "Dự thảo báo cáo tổng kết"))
    assert "TỔNG KẾT" in summary.upper()
    annex = openpyxl.load_workbook(io.BytesIO(await received(ha, "Phụ lục Excel")))
    assert annex.sheetnames
    city = docx_text(await received(ha, "tờ trình đề nghị khen thưởng của thành phố"))
    assert "Nguyễn Thị Lan" in city
    assert "Phường Ka Long" not in city.split("Nguyễn Thị Lan")[0].split("Tập thể")[-1]
    await say(ha, "/congvan", "Chọn thời hạn hoặc chỉ tiêu")
    await pick(ha, "Gửi văn bản phát động")
    letter = docx_text(await received(ha, "Dự thảo công văn đôn đốc"))
    assert "đôn đốc" in letter.lower()
    assert "Phường Trần Phú" in letter

    # After the dossier deadline: no proposal changes, but the returned part can be sent again.
    clock.now = NOW + timedelta(days=73)
    closed = await say(lan, "/denghi", "Đã quá hạn")
    assert "31/01/2025" in closed
    status = await say(lan, "/hoso", "Chọn việc cần làm")
    assert [o for o in options(lan) if "Nộp Tờ trình" in o], status
    assert not [o for o in options(lan) if "Nộp Biên bản" in o], status
    await pick(lan, "Nộp Tờ trình")
    await lan.send_document(PDF + b"%signed", "to-trinh-da-ky.pdf", "application/pdf", files)
    done = await pick(lan, "Xác nhận")
    assert "thay cho tệp đã nộp trước" in done
    stored = await fetch(app, DossierPart, "part_code", "original_name", "superseded")
    assert [(c, o) for c, o, s in stored if s] == [("TO_TRINH", "to-trinh.pdf")]
    assert stored[-1][:2] == ("TO_TRINH", "to-trinh-da-ky.pdf")
