"""Simulated chats and users: what they send to the bot, and what they see of its answers.

A ``FakeUser`` sends text, commands, photos, documents, stickers and contacts and presses inline
buttons, each producing a well-formed ``Update`` queued on the server; a ``FakeChat`` (a user's
private chat or a group) keeps the bot's messages and edits there, to be awaited in order.
"""

from __future__ import annotations

import re
import time
from collections import deque
from typing import TYPE_CHECKING

from tests.fakes.telegram_server.common import JsonDict
from tests.fakes.telegram_server.parse_mode import _utf16_len
from tests.fakes.telegram_server.records import BotMessage, WaitTimeout, _Signal

if TYPE_CHECKING:
    from tests.fakes.telegram_server.server import FakeTelegramServer


def _command_entities(text: str) -> list[JsonDict]:
    m = re.match(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,64})?", text)
    return [{"type": "bot_command", "offset": 0, "length": _utf16_len(m.group())}] if m else []


class FakeChat:
    """A chat as the server sees it: a user's private chat or a group."""

    def __init__(
        self,
        server: FakeTelegramServer,
        chat_id: int,
        chat_type: str,
        *,
        title: str | None = None,
        username: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
    ) -> None:
        self.server = server
        self.id = chat_id
        self.type = chat_type
        self.title = title
        self.username = username
        self.first_name = first_name
        self.last_name = last_name
        self.messages: list[BotMessage] = []
        """Messages the bot sent here, in order."""
        self.edits: list[BotMessage] = []
        """One entry per edit the bot made (the message as edited)."""
        self.actions: list[str] = []
        self.blocked = False
        self.started = True
        self.members: set[int] = set()
        self._records: dict[int, JsonDict] = {}  # every message (user or bot) by message_id
        self._bot: dict[int, BotMessage] = {}
        self._next_id = 1
        self._read = 0
        self._edits_read = 0
        self._signal = _Signal()
        self._sends: deque[float] = deque()

    @property
    def is_private(self) -> bool:
        return self.type == "private"

    @property
    def texts(self) -> list[str]:
        return [m.text or "" for m in self.messages]

    def to_dict(self) -> JsonDict:
        d: JsonDict = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name", "last_name"):
            if (value := getattr(self, key)) is not None:
                d[key] = value
        return d

    def _next_message_id(self) -> int:
        mid = self._next_id
        self._next_id += 1
        return mid

    def _add_bot_message(self, msg: BotMessage) -> None:
        self.messages.append(msg)
        self._bot[msg.message_id] = msg
        self._records[msg.message_id] = msg.message
        self._signal.notify()

    def _add_edit(self, msg: BotMessage) -> None:
        self.edits.append(msg)
        self._records[msg.message_id] = msg.message
        self._signal.notify()

    def bot_message(self, message_id: int) -> BotMessage | None:
        return self._bot.get(message_id)

    async def expect_message(
        self,
        timeout: float = 5.0,  # noqa: ASYNC109
        contains: str | None = None,
    ) -> BotMessage:
        """The next bot message here not yet returned by expect_message.

        With `contains`, messages without that text are skipped (and consumed).
        """
        found: list[BotMessage] = []

        def ready() -> bool:
            while self._read < len(self.messages):
                msg = self.messages[self._read]
                self._read += 1
                if contains is None or contains in (msg.text or ""):
                    found.append(msg)
                    return True
            return False

        if not await self._signal.wait_until(ready, timeout):
            what = f" containing {contains!r}" if contains else ""
            raise WaitTimeout(
                f"no new bot message{what} in chat {self.id} within {timeout}s; "
                f"last messages: {self.texts[-5:]!r}"
            )
        return found[0]

    async def expect_edit(
        self,
        timeout: float = 5.0,  # noqa: ASYNC109
        contains: str | None = None,
    ) -> BotMessage:
        """The next edit (editMessageText/Caption/ReplyMarkup) not yet returned here."""
        found: list[BotMessage] = []

        def ready() -> bool:
            while self._edits_read < len(self.edits):
                msg = self.edits[self._edits_read]
                self._edits_read += 1
                if contains is None or contains in (msg.text or ""):
                    found.append(msg)
                    return True
            return False

        if not await self._signal.wait_until(ready, timeout):
            raise WaitTimeout(f"no new edit in chat {self.id} within {timeout}s")
        return found[0]

    async def expect_no_message(self, within: float = 0.3) -> None:
        """Fails if the bot sends a message here (beyond those already read) within `within` s."""
        start = self._read
        if await self._signal.wait_until(lambda: len(self.messages) > start, within):
            raise AssertionError(
                f"unexpected bot message in chat {self.id}: {self.messages[start].text!r}"
            )

    def mark_read(self) -> None:
        """Skip all messages and edits so far: expect_* then wait for new ones."""
        self._read = len(self.messages)
        self._edits_read = len(self.edits)


class FakeUser:
    """A Telegram user talking to the bot (by default in their private chat)."""

    def __init__(
        self,
        server: FakeTelegramServer,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None,
        username: str | None,
        language_code: str | None,
        chat: FakeChat,
    ) -> None:
        self.server = server
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self.chat = chat

    def __repr__(self) -> str:
        return f"FakeUser({self.id}, {self.first_name!r})"

    def to_dict(self) -> JsonDict:
        d: JsonDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            d["last_name"] = self.last_name
        if self.username:
            d["username"] = self.username
        if self.language_code:
            d["language_code"] = self.language_code
        return d

    @property
    def messages(self) -> list[BotMessage]:
        """All bot messages in this user's private chat."""
        return self.chat.messages

    @property
    def texts(self) -> list[str]:
        return self.chat.texts

    # --- acting ---------------------------------------------------------------------------

    def _message(
        self, chat: FakeChat | None, reply_to: BotMessage | int | None
    ) -> tuple[FakeChat, JsonDict]:
        chat = chat or self.chat
        msg: JsonDict = {
            "message_id": chat._next_message_id(),
            "from": self.to_dict(),
            "chat": chat.to_dict(),
            "date": int(time.time()),
        }
        if reply_to is not None:
            rid = reply_to.message_id if isinstance(reply_to, BotMessage) else reply_to
            target = chat._records.get(rid)
            if target is None:
                raise ValueError(f"no message {rid} in chat {chat.id} to reply to")
            msg["reply_to_message"] = {k: v for k, v in target.items() if k != "reply_to_message"}
        return chat, msg

    def _post(self, chat: FakeChat, msg: JsonDict, duplicate: bool) -> JsonDict:
        chat._records[msg["message_id"]] = msg
        chat.started = True
        chat.members.add(self.id)
        return self.server.enqueue_update("message", msg, chat_key=chat.id, duplicate=duplicate)

    async def send_text(
        self,
        text: str,
        *,
        chat: FakeChat | None = None,
        reply_to: BotMessage | int | None = None,
        duplicate: bool = False,
    ) -> JsonDict:
        """A text message (bot_command entity when it starts with "/"); returns the Update."""
        chat, msg = self._message(chat, reply_to)
        msg["text"] = text
        if entities := _command_entities(text):
            msg["entities"] = entities
        return self._post(chat, msg, duplicate)

    async def send_command(
        self,
        command: str,
        args: str | None = None,
        *,
        chat: FakeChat | None = None,
        duplicate: bool = False,
    ) -> JsonDict:
        text = "/" + command.lstrip("/") + (f" {args}" if args else "")
        return await self.send_text(text, chat=chat, duplicate=duplicate)

    async def send_photo(
        self,
        file_bytes: bytes,
        caption: str | None = None,
        *,
        width: int = 1280,
        height: int = 960,
        chat: FakeChat | None = None,
        duplicate: bool = False,
    ) -> JsonDict:
        """A photo, offered in two sizes (both download as `file_bytes`)."""
        chat, msg = self._message(chat, None)
        msg["photo"] = self.server._photo_sizes(file_bytes, width, height)
        if caption is not None:
            msg["caption"] = caption
        return self._post(chat, msg, duplicate)

    async def send_document(
        self,
        file_bytes: bytes,
        file_name: str = "document.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        *,
        chat: FakeChat | None = None,
        duplicate: bool = False,
    ) -> JsonDict:
        chat, msg = self._message(chat, None)
        f = self.server.add_file(
            file_bytes, kind="document", file_name=file_name, mime_type=mime_type
        )
        msg["document"] = {
            "file_id": f.file_id,
            "file_unique_id": f.file_unique_id,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": f.file_size,
        }
        if caption is not None:
            msg["caption"] = caption
        return self._post(chat, msg, duplicate)

    async def send_sticker(
        self, emoji: str = "👍", *, chat: FakeChat | None = None, duplicate: bool = False
    ) -> JsonDict:
        chat, msg = self._message(chat, None)
        f = self.server.add_file(
            b"RIFF\x00\x00\x00\x00WEBP", kind="sticker", mime_type="image/webp"
        )
        msg["sticker"] = {
            "file_id": f.file_id,
            "file_unique_id": f.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": f.file_size,
        }
        return self._post(chat, msg, duplicate)

    async def send_contact(
        self, phone_number: str, *, chat: FakeChat | None = None, duplicate: bool = False
    ) -> JsonDict:
        """Shares the user's own contact (as a request_contact button does)."""
        chat, msg = self._message(chat, None)
        msg["contact"] = {
            "phone_number": phone_number,
            "first_name": self.first_name,
            "user_id": self.id,
        }
        if self.last_name:
            msg["contact"]["last_name"] = self.last_name
        return self._post(chat, msg, duplicate)

    async def press_button(
        self,
        message: BotMessage,
        callback_data: str | None = None,
        *,
        text: str | None = None,
        force: bool = False,
        duplicate: bool = False,
    ) -> JsonDict:
        """Press an inline button of `message` (by callback_data, or by its `text`).

        Raises ValueError if the message (as currently edited) has no such button, unless
        `force` (a stale keyboard). Returns the Update; its callback_query id is
        ``update["callback_query"]["id"]``.
        """
        if message.deleted and not force:
            raise ValueError(f"{message!r} was deleted")
        if callback_data is None:
            if text is None:
                raise ValueError("give callback_data or text")
            match = next((b for b in message.buttons if b[0] == text), None)
            if match is None or match[1] is None:
                raise ValueError(f"no callback button {text!r} in {message!r}: {message.buttons}")
            callback_data = match[1]
        elif not force and message.keyboard_kind != "inline":
            raise ValueError(f"{message!r} has no inline keyboard")
        elif not force and callback_data not in [b[1] for b in message.buttons]:
            raise ValueError(f"no button {callback_data!r} in {message!r}: {message.buttons}")
        return self.server._press(self, message, callback_data, duplicate)

    async def block(self, *, notify: bool = False) -> None:
        """The user blocks the bot (403 from now on); `notify` queues a my_chat_member update."""
        self.server.block(self.id, notify=notify)

    async def unblock(self) -> None:
        self.server.unblock(self.id)

    # --- observing ------------------------------------------------------------------------

    async def expect_message(
        self,
        timeout: float = 5.0,  # noqa: ASYNC109
        contains: str | None = None,
    ) -> BotMessage:
        """The next bot message to this user (see FakeChat.expect_message)."""
        return await self.chat.expect_message(timeout, contains)

    async def expect_edit(
        self,
        timeout: float = 5.0,  # noqa: ASYNC109
        contains: str | None = None,
    ) -> BotMessage:
        return await self.chat.expect_edit(timeout, contains)

    async def expect_no_message(self, within: float = 0.3) -> None:
        await self.chat.expect_no_message(within)

    async def expect_callback_answer(self, update: JsonDict, timeout: float = 5.0) -> JsonDict:  # noqa: ASYNC109
        """The answerCallbackQuery parameters for the button press `update`."""
        return await self.server.wait_callback_answer(update["callback_query"]["id"], timeout)
