"""The terminal demo: chat with the bot as a unit's focal point, no messenger needed.

It goes through the same pipeline and conversations as Telegram and Zalo; `--channel zalo`
shows the replies as Zalo would (2,000 characters a message, no buttons). A typed path of an
existing file is sent as that file; a reply's file (a chart, a workbook) is shown by its path.
"""

from __future__ import annotations

import asyncio
import mimetypes
import os
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

from bot.channels.render import split_text, with_numbered_options
from core.channel import FileTooBig, FileUnavailable
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
        if reply.attachment is not None and not skip:
            self.write(f"   📎 Tệp đã được lưu tại: {_shown_path(reply.attachment.path)}")

    def incoming(
        self, text: str, *, user_id: str = "demo", name: str = "Người dùng thử"
    ) -> Incoming:
        path = _typed_path(text)
        if path is not None:  # a typed path to a file: sent as that file, as a messenger would
            return Incoming(
                channel=NAME,
                update_key=uuid.uuid4().hex,
                chat_id=user_id,
                user_id=user_id,
                kind=Kind.DOCUMENT,
                display_name=name,
                file=FileRef(
                    file_id=str(path),
                    file_name=path.name,
                    mime_type=mimetypes.guess_type(path.name)[0],
                    size=path.stat().st_size,
                ),
            )
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
        """The file at the path the person typed."""
        path = Path(ref.file_id)
        try:
            if (ref.size or 0) > max_bytes:
                raise FileTooBig(ref.file_id)
            return await asyncio.to_thread(path.read_bytes)
        except OSError:
            raise FileUnavailable(ref.file_id) from None

    async def close(self) -> None:
        return None


def _shown_path(path: str) -> str:
    """The absolute path of a produced file, for the person to open."""
    return os.path.abspath(path)


def _typed_path(text: str) -> Path | None:
    """A line that is the path of an existing file (quotes, as a file manager pastes them,
    and a leading ~ allowed); None for anything else, commands included."""
    line = text.strip().strip("'\"")
    if "/" not in line and "." not in line and not line.startswith("~"):
        return None  # a word or a number, never a file that happens to be named so
    path = Path(line).expanduser()
    try:
        return path if path.is_file() else None
    except OSError:
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
