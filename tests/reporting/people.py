"""A person talking to the bot in a test, the same way on Telegram and on Zalo.

`Person.choose(n)` presses the n-th button on Telegram and types the number on Zalo, so a
story checks the buttons on one and the numbered options on the other. Files: a document on
Telegram; on Zalo a photo URL (and, where sources show one, a document event), served by
`FileServer` on 127.0.0.1 since the bot downloads what Zalo points at.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from aiohttp import web
from sqlalchemy import select

from bot.app import App
from core.texts.reading import READING
from storage.models import table as table_of
from tests.e2e.messengers import ChatUser, Messenger, TelegramChatUser, ZaloChatUser
from tests.harness import codes_for

WELCOME = "Đăng ký thành công"

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def docx() -> bytes:
    """A minimal Word 2007+ file (a zip holding word/document.xml)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buf.getvalue()


class FileServer:
    """Serves bytes at http://127.0.0.1:PORT/<name>; unknown names answer 404."""

    def __init__(self) -> None:
        self.base_url = ""
        self.files: dict[str, bytes] = {}

    def url(self, name: str, data: bytes) -> str:
        self.files[name] = data
        return f"{self.base_url}/{name}"

    async def handle(self, request: web.Request) -> web.StreamResponse:
        data = self.files.get(request.match_info["name"])
        if data is None:
            return web.Response(status=404)
        return web.Response(body=data, content_type="application/octet-stream")


SUMMARY_WORDS = ("confirm", "edit", "later")  # a form summary's unnumbered buttons


class Person:
    """One person's chat with the bot; every method returns the bot's next message."""

    def __init__(self, messenger: Messenger, user: ChatUser) -> None:
        self.messenger = messenger
        self.user = user

    @property
    def on_telegram(self) -> bool:
        return isinstance(self.user, TelegramChatUser)

    async def next(self, contains: str | None = None) -> str:
        return await self.user.expect_message(timeout=5, contains=contains)

    async def read(self, sent: str) -> str:
        """After a file was accepted: the bot says it is reading it; its next message says
        what it read (the reading runs in a child process after the commit)."""
        assert READING in sent, sent
        return await self.user.expect_message(timeout=60)

    async def say(self, text: str) -> str:
        await self.user.send_text(text)
        return await self.next()

    async def choose(self, n: int) -> str:
        """The n-th offered option: its button on Telegram, its number typed on Zalo."""
        if isinstance(self.user, TelegramChatUser):
            last = self.user.raw.messages[-1]
            buttons = [b for b in last.buttons if b[1] is not None]
            assert len(buttons) >= n, f"no button {n} in {last!r}: {last.buttons}"
            label, data = buttons[n - 1]
            assert label.startswith(f"{n}. ") or data in SUMMARY_WORDS
            await self.user.raw.press_button(last, data)
        elif "để xác nhận gửi" in (self.user.messages or [""])[-1]:  # words, not positions
            await self.user.send_text(("gửi", "sửa", "để sau")[n - 1])
        else:
            await self.user.send_text(str(n))
        return await self.next()

    async def sticker(self) -> str:
        await self.user.send_sticker()
        return await self.next()

    async def send_document(
        self, data: bytes, name: str, mime: str, files: FileServer | None = None
    ) -> str:
        """A document (Telegram), or Zalo's document event pointing at `files`."""
        if isinstance(self.user, TelegramChatUser):
            await self.user.raw.send_document(data, file_name=name, mime_type=mime)
        else:
            assert isinstance(self.user, ZaloChatUser)
            assert files is not None
            fields: dict[str, Any] = {
                "url": files.url(name, data),
                "file_name": name,
                "mime_type": mime,
                "file_size": len(data),
            }
            # The Zalo fake has no public method for it: some sources show this event.
            self.user.raw._emit("message.document.received", fields, False)
        return await self.next()

    async def send_photo(self, data: bytes, files: FileServer | None = None) -> str:
        """A photo (Telegram uploads it; on Zalo the bot downloads it from `files`)."""
        if isinstance(self.user, TelegramChatUser):
            await self.user.raw.send_photo(data)
        else:
            assert isinstance(self.user, ZaloChatUser)
            assert files is not None
            await self.user.raw.send_image(files.url(f"anh-{len(files.files)}.jpg", data))
        return await self.next()

    async def send_photo_url(self, url: str) -> str:
        """Zalo only: a photo whose URL the bot must download."""
        assert isinstance(self.user, ZaloChatUser)
        await self.user.raw.send_image(url)
        return await self.next()


async def fetch(app: App, model: type, *columns: str, **equal: Any) -> list[tuple[Any, ...]]:
    """`columns` of the rows of `model` whose columns equal `equal`, oldest first."""
    table = table_of(model)
    q = select(*(table.c[c] for c in columns)).order_by(table.c.id)
    for name, wanted in equal.items():
        q = q.where(table.c[name] == wanted)
    async with app.db.read() as conn:
        return [tuple(r) for r in await conn.execute(q)]


async def register(
    app: App, messenger: Messenger, n: int, unit: str, *, name: str = "Lan", role: str = "focal"
) -> Person:
    """Person number `n` registered as `role` of `unit`."""
    person = Person(messenger, messenger.user(n, name))
    [code] = await codes_for(app, unit, role=role)
    assert WELCOME in await person.say(f"/start {code}")
    return person
