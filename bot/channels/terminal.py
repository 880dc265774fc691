"""The terminal demo: chat with the bot as a unit's focal point, no messenger needed.

It goes through the same pipeline and conversations as Telegram and Zalo; `--channel zalo`
shows the replies as Zalo would (2,000 characters a message, no buttons).
"""

from __future__ import annotations

import asyncio
import sys
import uuid
from collections.abc import Callable

from bot.channels.render import split_text, with_numbered_options
from core.channel import FileUnavailable
from core.messages import FileRef, Incoming, Kind, Reply

NAME = "terminal"
LIMITS = {"telegram": 4096, "zalo": 2000}


class TerminalChannel:
    """Prints replies; what the person types becomes an `Incoming`."""

    name = NAME

    def __init__(
        self, *, look: str = "telegram", write: Callable[[str], None] | None = None
    ) -> None:
        self.look = look
        self.text_limit = LIMITS.get(look, 4096)
        self.write = write or (lambda s: print(s, flush=True))

    async def send(self, chat_id: str, reply: Reply, *, skip: int = 0) -> None:
        pieces = split_text(with_numbered_options(reply), self.text_limit)
        for piece in pieces[skip:]:
            self.write("\n🤖 " + piece.replace("\n", "\n   "))
        if reply.choices and self.look == "telegram":
            self.write("   " + "  ".join(f"[{c.label}]" for c in reply.choices))

    def incoming(
        self, text: str, *, user_id: str = "demo", name: str = "Người dùng thử"
    ) -> Incoming:
        return Incoming(
            channel=NAME,
            update_key=uuid.uuid4().hex,
            chat_id=user_id,
            user_id=user_id,
            kind=Kind.TEXT,
            text=text,
            display_name=name,
        )

    async def fetch_file(self, ref: FileRef, *, max_bytes: int) -> bytes:
        """The terminal cannot send files."""
        raise FileUnavailable(ref.file_id)

    async def close(self) -> None:
        return None


async def read_lines(prompt: str = "\n👤 ") -> str | None:
    """One line from the terminal without blocking the event loop; None at end of input."""
    return await asyncio.to_thread(_input, prompt)


def _input(prompt: str) -> str | None:
    try:
        line = input(prompt)
    except EOFError:
        return None
    if not sys.stdin.isatty():
        print(line)  # input from a file or a pipe is not echoed by the terminal
    sys.stdout.flush()
    return line
