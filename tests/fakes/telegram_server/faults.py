"""Injected faults (429, 5xx, an nginx HTML page, 403, 400, latency, a dropped connection) and
Telegram's sending limits.

``FaultInjector`` fails the matching calls, first added first used; ``RateLimits`` are the
sliding windows (30 messages/s overall, bursts per chat, 20/min per group) whose breaches are
recorded as ``RateViolation`` (or refused with 429 when ``enforce`` is set).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Final, Literal

from tests.fakes.telegram_server.common import ApiError

FaultKind = Literal["429", "500", "502", "502html", "503", "slow", "403", "400", "disconnect"]
_FAULT_KINDS: Final = frozenset(
    ("429", "500", "502", "502html", "503", "slow", "403", "400", "disconnect")
)


@dataclass(slots=True, eq=False)
class Fault:
    """An injected failure; `remaining` None means forever."""

    kind: str
    method: str | None = None
    chat_id: int | None = None
    times: int | None = 1
    retry_after: int = 1
    delay: float = 1.0
    description: str | None = None
    hits: int = 0
    remaining: int | None = None

    def matches(self, method: str, chat_id: int | None) -> bool:
        if self.method is not None and self.method.lower() != method.lower():
            return False
        return self.chat_id is None or self.chat_id == chat_id


class FaultInjector:
    """Failures to inject into matching calls, first added first used."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(
        self,
        method: str | None = None,
        kind: FaultKind | int = "500",
        *,
        times: int | None = 1,
        chat_id: int | None = None,
        retry_after: int = 1,
        delay: float = 1.0,
        description: str | None = None,
    ) -> Fault:
        """Fail the next `times` calls of `method` (any method if None; any chat if None).

        Kinds: "429" (retry_after), "500"/"502"/"503" (JSON 5xx), "502html" (nginx HTML page),
        "slow" (answer normally after `delay` s), "403" (blocked), "400" (chat not found),
        "disconnect" (close the connection without an answer).
        """
        kind_s = str(kind)
        if kind_s not in _FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; one of {sorted(_FAULT_KINDS)}")
        fault = Fault(
            kind_s, method, chat_id, times, retry_after, delay, description, remaining=times
        )
        self._faults.append(fault)
        return fault

    def clear(self) -> None:
        self._faults.clear()

    def __len__(self) -> int:
        return len(self._faults)

    @property
    def active(self) -> list[Fault]:
        return list(self._faults)

    def take(self, method: str, chat_id: int | None) -> Fault | None:
        for fault in self._faults:
            if fault.matches(method, chat_id):
                fault.hits += 1
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining <= 0:
                        self._faults.remove(fault)
                return fault
        return None


@dataclass(slots=True)
class RateLimits:
    """Telegram's sending limits (sliding windows); `enforce` answers 429 instead of counting."""

    global_limit: int = 30
    global_window: float = 1.0
    chat_limit: int = 3  # burst tolerated per private chat within chat_window
    chat_window: float = 1.0
    group_limit: int = 20
    group_window: float = 60.0
    enforce: bool = False


@dataclass(frozen=True, slots=True)
class RateViolation:
    scope: Literal["global", "chat", "group"]
    chat_id: int
    method: str
    count: int  # messages in the window, this one included
    time: float


class _HtmlError(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class _Disconnect(Exception):
    pass


async def apply_fault(fault: Fault) -> None:
    """Delay the call ("slow") or fail it as `fault` says."""
    kind = fault.kind
    if kind == "slow":
        await asyncio.sleep(fault.delay)
        return
    if kind == "429":
        ra = fault.retry_after
        raise ApiError(
            429,
            fault.description or f"Too Many Requests: retry after {ra}",
            {"retry_after": ra},
        )
    if kind == "disconnect":
        raise _Disconnect
    if kind == "502html":
        raise _HtmlError(502)
    defaults = {
        "500": "Internal Server Error",
        "502": "Bad Gateway",
        "503": "Service Unavailable",
        "403": "Forbidden: bot was blocked by the user",
        "400": "Bad Request: chat not found",
    }
    raise ApiError(int(kind), fault.description or defaults[kind])
