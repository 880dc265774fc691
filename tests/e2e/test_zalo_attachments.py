"""Charts and exports on Zalo: with a public address they come as a photo and a download link
served by the bot's own HTTP server; without one (long polling), as a note.

Every link is fetched over HTTP from the running bot, the way a person's phone (or Zalo's
servers, for a photo) would.
"""

from __future__ import annotations

import asyncio
import io
import re
import socket
import zipfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import pytest

from bot.app import App
from bot.channels.published import LOCAL_TZ
from core.messages import Attachment, Reply
from core.texts import common as texts
from core.texts import files as texts_files
from core.texts import oversight as tx
from documents import charts
from storage.models import OutboxMessage
from storage.queries import pipeline as q
from tests.e2e.messengers import Messenger, ZaloChatUser, ZaloMessenger, values
from tests.fakes.zalo_server import SentMessage
from tests.harness import Clock, codes_for, running_bot

pytestmark = pytest.mark.parametrize("messenger", ["zalo"], indirect=True)

HOOK_SECRET = "zalo-hook-S3cret"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
LINK = re.compile(r"https?://\S+")
NOT_FOUND = (404, b"404: Not Found")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def zalo_of(messenger: Messenger) -> ZaloMessenger:
    assert isinstance(messenger, ZaloMessenger)
    return messenger


@pytest.fixture
async def hook_bot(messenger: Messenger, sqlite_url: str, clock: Clock) -> AsyncIterator[App]:
    """The bot in webhook mode: its HTTP server is the public base URL of the links."""
    port = free_port()
    settings = messenger.settings_for(
        sqlite_url,
        webhook_base_url=f"http://127.0.0.1:{port}",
        webhook_secret=HOOK_SECRET,
        webhook_listen=f"127.0.0.1:{port}",
    )
    zalo_of(messenger).server.fetch_photos = True  # a photo Zalo cannot download is refused
    async with running_bot(settings, clock=clock) as app:
        yield app


async def admin(app: App, messenger: Messenger, n: int = 1) -> ZaloChatUser:
    [code] = await codes_for(app, "PNV", role="admin")
    user = zalo_of(messenger).user(n, "Hà")
    await user.send_text(f"/start {code}")
    assert "Đăng ký thành công" in await user.expect_message()
    return user


def only_file(folder: Path, pattern: str) -> Path:
    [path] = folder.glob(pattern)
    return path


async def get(url: str, method: str = "GET") -> httpx.Response:
    async with httpx.AsyncClient() as client:
        return await client.request(method, url)


async def raw_get(app: App, target: str) -> tuple[int, bytes]:
    """GET `target` sent exactly as written (no client normalises `..` or `%2F` away)."""
    host, _, port = app.settings.webhook_listen.rpartition(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        writer.write(f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        answer = await reader.read()
    finally:
        writer.close()
        await writer.wait_closed()
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


async def export_link(app: App, user: ZaloChatUser) -> tuple[SentMessage, str]:
    """The /xuat reply and the link message after it."""
    await user.send_text("/xuat")
    done = await user.raw.expect_message(contains="Tệp Excel tổng hợp")
    link = await user.raw.expect_message()
    assert link.text is not None
    match = LINK.search(link.text)
    assert match is not None, link.text
    return done, match.group()


async def test_an_admin_gets_the_overview_chart_as_a_photo(
    hook_bot: App, messenger: Messenger
) -> None:
    ha = await admin(hook_bot, messenger)
    await ha.send_text("/tonghop")
    photo = await ha.raw.expect_message(contains="TỔNG HỢP PHONG TRÀO THI ĐUA")
    assert photo.method == "sendPhoto"
    assert photo.caption is not None
    assert texts.ATTACHMENT_NOT_ON_CHANNEL not in photo.caption
    assert photo.photo is not None
    assert photo.photo.startswith(f"{hook_bot.settings.webhook_base_url}/files/")
    chart = only_file(hook_bot.settings.data_dir / "charts", "*.png")
    # Zalo downloaded it when the photo was sent, and a person's phone can, too.
    assert photo.photo_data == chart.read_bytes()
    assert photo.photo_type == "image/png"
    response = await get(photo.photo)
    assert response.status_code == 200
    assert response.content == chart.read_bytes()
    assert response.content.startswith(b"\x89PNG\r\n\x1a\n")
    assert response.headers["content-type"] == "image/png"
    assert response.headers["content-disposition"].startswith("inline; filename=")
    assert response.headers["x-content-type-options"] == "nosniff"
    await hook_bot.pipeline.drain(5)
    await ha.expect_no_message()  # the caption held the whole reply: one message
    assert await values(hook_bot, OutboxMessage, "status") == [("sent",), ("sent",)]

    # The charts sweep removing the source leaves the published file while its link is valid.
    charts.sweep(chart.parent, older_than=-60)
    assert not chart.exists()
    again = await get(photo.photo)
    assert (again.status_code, again.content) == (200, response.content)


async def test_an_admin_gets_the_export_as_a_link_that_downloads_the_workbook(
    hook_bot: App, messenger: Messenger, clock: Clock
) -> None:
    ha = await admin(hook_bot, messenger)
    done, url = await export_link(hook_bot, ha)
    assert done.method == "sendMessage"
    assert texts.ATTACHMENT_NOT_ON_CHANNEL not in done.content
    local_today = clock.now.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")).date()
    name = tx.EXPORT_FILE_NAME.format(day=local_today.isoformat())
    until = (clock.now + timedelta(days=7)).astimezone(LOCAL_TZ).date()
    assert ha.raw.messages[-1].text == texts_files.download_link(name, url, until)
    assert "liên kết" in ha.raw.messages[-1].content.lower()
    assert url.startswith(f"{hook_bot.settings.webhook_base_url}/files/")
    assert url.endswith("/" + name)

    response = await get(url)
    workbook = only_file(hook_bot.settings.data_dir / "exports", "*.xlsx")
    assert response.status_code == 200
    assert response.content == workbook.read_bytes()
    assert response.headers["content-type"] == XLSX
    assert response.headers["content-disposition"] == f'attachment; filename="{name}"'
    with zipfile.ZipFile(io.BytesIO(response.content)) as book:
        assert "xl/workbook.xml" in book.namelist()
    head = await get(url, "HEAD")
    assert (head.status_code, head.headers["content-length"]) == (200, str(len(response.content)))
    assert zalo_of(messenger).server.calls["sendPhoto"] == 0


async def test_a_tampered_escaping_or_expired_link_gets_404(
    hook_bot: App, messenger: Messenger, clock: Clock
) -> None:
    ha = await admin(hook_bot, messenger)
    _, url = await export_link(hook_bot, ha)
    base = hook_bot.settings.webhook_base_url
    assert base is not None
    token, name = url.removeprefix(f"{base}/files/").split("/")
    file_id, expires, mac = token.split(".")
    flipped = mac[:-1] + ("0" if mac[-1] != "0" else "1")
    later = str(int(expires) + 86400)
    [stored] = (hook_bot.settings.data_dir / "published").iterdir()
    assert (await raw_get(hook_bot, f"/files/{token}/{name}"))[0] == 200

    attempts = [
        f"/files/{file_id}.{expires}.{flipped}/{name}",  # a changed signature
        f"/files/{file_id}.{later}.{mac}/{name}",  # a longer life
        f"/files/{file_id[::-1]}.{expires}.{mac}/{name}",  # another file
        f"/files/{token}/khac.xlsx",  # another name
        f"/files/{token}/{name.upper()}",
        f"/files/{token}",
        f"/files/{token}/../../bot.db",  # out of the folder
        f"/files/{token}/..%2F..%2Fbot.db",
        f"/files/{token}/%2e%2e%2f%2e%2e%2fbot.db",
        f"/files/..%2Fpublished%2F{stored.name}/{name}",
        f"/files/{token}/..%2Fpublished%2F{stored.name}",
        f"/files/../published/{stored.name}",
        f"/published/{stored.name}",
        f"/files/{token}/{name}/..%2F..%2F..%2Fbot.db",
    ]
    for target in attempts:
        assert await raw_get(hook_bot, target) == NOT_FOUND, target

    # Still valid on its last day; gone the moment that day ends (Asia/Ho_Chi_Minh).
    clock.now = datetime.fromtimestamp(int(expires) - 1, UTC)
    assert (await get(url)).status_code == 200
    clock.advance(seconds=1)
    expired = await get(url)
    assert (expired.status_code, expired.content) == NOT_FOUND


async def test_a_failure_after_the_photo_does_not_send_it_again(
    hook_bot: App, messenger: Messenger
) -> None:
    """A reply too long for one caption: photo + caption, then text. The text fails once; the
    retry resumes after the photo."""
    server = zalo_of(messenger).server
    user = zalo_of(messenger).user(2, "Lan")
    chart = hook_bot.settings.data_dir / "charts" / "bieu-do.png"
    chart.parent.mkdir(parents=True)
    chart.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    text = "\n\n".join(f"Đoạn {i}: " + "số liệu đã tổng hợp đầy đủ. " * 60 for i in range(3))
    reply = Reply(text, attachment=Attachment(str(chart), kind="photo", file_name="bieu-do.png"))
    server.faults.add("sendMessage", "500")
    async with hook_bot.db.transaction() as conn:  # queued as a handler's reply would be
        out = await q.enqueue_replies(
            conn,
            channel="zalo",
            chat_id=user.chat_id,
            payloads=[reply.to_json()],
            inbox_id=None,
            now=hook_bot.services.clock(),
        )
    await hook_bot.pipeline.deliver(out)
    await hook_bot.pipeline.drain(5)
    assert server.calls["sendMessage"] >= 2  # the failed attempt and its retry
    methods = [m.method for m in user.raw.messages]
    assert methods[0] == "sendPhoto"
    assert methods.count("sendPhoto") == 1
    assert user.raw.messages[0].photo_data == chart.read_bytes()
    sent_text = " ".join(m.content for m in user.raw.messages)
    assert sent_text.split() == text.split()  # every piece once, in order
    assert await values(hook_bot, OutboxMessage, "status") == [("sent",)]


async def test_without_a_public_address_the_files_come_as_a_note(
    bot: App, messenger: Messenger
) -> None:
    ha = await admin(bot, messenger)
    await ha.send_text("/tonghop")
    overview = await ha.raw.expect_message(contains="TỔNG HỢP PHONG TRÀO THI ĐUA")
    await ha.send_text("/xuat")
    export = await ha.raw.expect_message(contains="Tệp Excel tổng hợp")
    for message in (overview, export):
        assert message.method == "sendMessage"
        assert texts.ATTACHMENT_NOT_ON_CHANNEL in message.content
        assert "/files/" not in message.content
    assert zalo_of(messenger).server.calls["sendPhoto"] == 0
    assert not (bot.settings.data_dir / "published").exists()


async def test_a_photo_left_in_the_outbox_by_a_crash_goes_out_at_the_next_start(
    messenger: Messenger, sqlite_url: str, clock: Clock
) -> None:
    """Recovery sends replies queued before the stop: the file server must already be up when
    Zalo fetches the photo, or the reply would be refused."""
    port = free_port()
    settings = messenger.settings_for(
        sqlite_url,
        webhook_base_url=f"http://127.0.0.1:{port}",
        webhook_secret=HOOK_SECRET,
        webhook_listen=f"127.0.0.1:{port}",
    )
    zalo_of(messenger).server.fetch_photos = True
    user = zalo_of(messenger).user(3, "Lan")
    async with running_bot(settings, clock=clock) as app:
        chart = app.settings.data_dir / "charts" / "bieu-do.png"
        chart.parent.mkdir(parents=True)
        chart.write_bytes(b"\x89PNG\r\n\x1a\n" + b"1" * 64)
        reply = Reply("Biểu đồ tổng hợp", attachment=Attachment(str(chart), kind="photo"))
        async with app.db.transaction() as conn:  # committed, never sent: as after a crash
            await q.enqueue_replies(
                conn,
                channel="zalo",
                chat_id=user.chat_id,
                payloads=[reply.to_json()],
                inbox_id=None,
                now=app.services.clock(),
            )
    assert user.raw.messages == []
    async with running_bot(settings, clock=clock) as app:
        assert [m.method for m in user.raw.messages] == ["sendPhoto"]
        assert user.raw.messages[0].photo_data == chart.read_bytes()
        assert await values(app, OutboxMessage, "status") == [("sent",)]


async def test_a_photo_zalo_cannot_fetch_still_reaches_the_person_as_a_link(
    messenger: Messenger, sqlite_url: str, clock: Clock
) -> None:
    """A public address that does not reach the bot (a proxy not forwarding /files/): Zalo
    refuses the photo, and the caption and the link are sent as text instead."""
    port, nowhere = free_port(), free_port()
    settings = messenger.settings_for(
        sqlite_url,
        webhook_base_url=f"http://127.0.0.1:{nowhere}",
        webhook_secret=HOOK_SECRET,
        webhook_listen=f"127.0.0.1:{port}",
    )
    zalo_of(messenger).server.fetch_photos = True
    user = zalo_of(messenger).user(4, "Lan")
    async with running_bot(settings, clock=clock) as app:
        chart = app.settings.data_dir / "charts" / "bieu-do.png"
        chart.parent.mkdir(parents=True)
        chart.write_bytes(b"\x89PNG\r\n\x1a\n" + b"2" * 64)
        reply = Reply("Biểu đồ tổng hợp", attachment=Attachment(str(chart), kind="photo"))
        async with app.db.transaction() as conn:
            out = await q.enqueue_replies(
                conn,
                channel="zalo",
                chat_id=user.chat_id,
                payloads=[reply.to_json()],
                inbox_id=None,
                now=app.services.clock(),
            )
        await app.pipeline.deliver(out)
        await app.pipeline.drain(5)
        assert [(m.method, m.content) for m in user.raw.messages][:1] == [
            ("sendMessage", "Biểu đồ tổng hợp")
        ]
        [link] = LINK.findall(user.raw.messages[1].content)
        assert link.startswith(f"http://127.0.0.1:{nowhere}/files/")
        assert len(user.raw.messages) == 2
        assert await values(app, OutboxMessage, "status") == [("sent",)]
