"""What every channel adapter offers the rest of the bot, and how delivery can fail."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol, TypeVar

from core.messages import FileRef, Reply

T = TypeVar("T")


class DeliveryError(Exception):
    """A reply could not be delivered; `pieces_sent` of its pieces had gone out before."""

    pieces_sent: int = 0


class RetryAfter(DeliveryError):
    """The messenger asks us to wait before sending again (HTTP 429)."""

    def __init__(self, retry_after: float, message: str = "") -> None:
        super().__init__(message or f"retry after {retry_after}s")
        self.retry_after = retry_after


class Unreachable(DeliveryError):
    """The person blocked the bot or the chat does not exist: stop sending there."""


class Transient(DeliveryError):
    """A network failure or a 5xx: worth trying again later.

    `maybe_delivered`: the request may have reached the messenger (a timeout after it was
    sent, a 5xx), so the person may have the message already; False when it surely did not
    (the connection was never made)."""

    def __init__(self, message: str = "", *, maybe_delivered: bool = True) -> None:
        super().__init__(message)
        self.maybe_delivered = maybe_delivered


class Rejected(DeliveryError):
    """The messenger refused the request as malformed: a bug on our side, not retried."""


class FileTooBig(Exception):
    """The file is over the size we accept; nothing was downloaded."""


class FileUnavailable(Exception):
    """The messenger could not give us the file."""


class Channel(Protocol):
    """A messenger as the pipeline sees it."""

    name: str
    text_limit: int

    async def send(self, chat_id: str, reply: Reply, *, skip: int = 0) -> None:
        """Deliver one reply (split and rendered as the messenger needs), from piece `skip` on."""
        ...

    async def fetch_file(self, ref: FileRef, *, max_bytes: int) -> bytes:
        """A file the person sent; `FileTooBig` over `max_bytes`, `FileUnavailable` on failure."""
        ...


async def send_pieces(
    pieces: Sequence[T], send_one: Callable[[int, T], Awaitable[None]], *, skip: int = 0
) -> None:
    """Send pieces in order from `skip`; a failure records how many had gone, so that a retry
    resumes there instead of sending the first pieces twice."""
    for i in range(skip, len(pieces)):
        try:
            await send_one(i, pieces[i])
        except DeliveryError as exc:
            exc.pieces_sent = i
            raise
