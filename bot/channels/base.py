"""What every channel adapter offers the rest of the bot, and how delivery can fail."""

from __future__ import annotations

from typing import Protocol

from bot.messages import Reply


class DeliveryError(Exception):
    """A reply could not be delivered."""


class RetryAfter(DeliveryError):
    """The messenger asks us to wait before sending again (HTTP 429)."""

    def __init__(self, retry_after: float, message: str = "") -> None:
        super().__init__(message or f"retry after {retry_after}s")
        self.retry_after = retry_after


class Unreachable(DeliveryError):
    """The person blocked the bot or the chat does not exist: stop sending there."""


class Transient(DeliveryError):
    """A network failure or a 5xx: worth trying again later."""


class Rejected(DeliveryError):
    """The messenger refused the request as malformed: a bug on our side, not retried."""


class Channel(Protocol):
    """A messenger as the pipeline sees it."""

    name: str
    text_limit: int

    async def send(self, chat_id: str, reply: Reply) -> None:
        """Deliver one reply (split and rendered as the messenger needs)."""
        ...
