"""What a worker counts, exposed in Prometheus' text format on `/metrics`.

Written out rather than through `prometheus-client`: a handful of counters and one histogram,
no dependency. Counters are per worker process (Prometheus sums them over workers); the outbox
depth is read from the database when scraped, so every worker reports the same number.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict

log = logging.getLogger(__name__)

LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class Metrics:
    def __init__(self) -> None:
        self.updates: dict[tuple[str, str], int] = defaultdict(int)
        self.sent = 0
        self.limited: dict[str, int] = defaultdict(int)
        self.reminders: dict[str, int] = defaultdict(int)
        self.latency_buckets: dict[str, list[int]] = {}
        self.latency_sum: dict[str, float] = defaultdict(float)
        self.latency_count: dict[str, int] = defaultdict(int)
        self._last_said: dict[str, float] = {}

    def update_handled(self, channel: str, outcome: str) -> None:
        self.updates[(channel, outcome)] += 1

    def replies_sent(self, n: int) -> None:
        self.sent += n

    def rate_limited(self, channel: str) -> None:
        self.limited[channel] += 1

    def reminder_sent(self, channel: str) -> None:
        self.reminders[channel] += 1

    def reply_latency(self, channel: str, seconds: float) -> None:
        counts = self.latency_buckets.setdefault(channel, [0] * len(LATENCY_BUCKETS))
        for i, bound in enumerate(LATENCY_BUCKETS):
            if seconds <= bound:
                counts[i] += 1
        self.latency_sum[channel] += seconds
        self.latency_count[channel] += 1

    def note_failure(self, what: str, exc: BaseException) -> None:
        """Log a repeated failure once a minute at most (a dependency down is not a flood)."""
        now = time.monotonic()
        if now - self._last_said.get(what, -1e9) >= 60:
            self._last_said[what] = now
            log.warning("%s failed: %s", what, exc)

    def render(self, *, outbox_depth: int | None = None) -> str:
        out: list[str] = []

        def family(name: str, kind: str, helptext: str) -> None:
            out.append(f"# HELP {name} {helptext}")
            out.append(f"# TYPE {name} {kind}")

        family("bot_updates_handled_total", "counter", "Updates handled, by channel and outcome.")
        for (channel, outcome), n in sorted(self.updates.items()):
            out.append(f'bot_updates_handled_total{{channel="{channel}",outcome="{outcome}"}} {n}')
        family("bot_replies_sent_total", "counter", "Replies delivered to the messenger.")
        out.append(f"bot_replies_sent_total {self.sent}")
        family("bot_rate_limited_total", "counter", "429 answers from the messenger.")
        for channel, n in sorted(self.limited.items()):
            out.append(f'bot_rate_limited_total{{channel="{channel}"}} {n}')
        family("bot_reminders_sent_total", "counter", "Reminders delivered.")
        for channel, n in sorted(self.reminders.items()):
            out.append(f'bot_reminders_sent_total{{channel="{channel}"}} {n}')
        family("bot_reply_seconds", "histogram", "From taking an update to delivering its replies.")
        for channel, counts in sorted(self.latency_buckets.items()):
            for bound, n in zip(LATENCY_BUCKETS, counts, strict=True):
                out.append(f'bot_reply_seconds_bucket{{channel="{channel}",le="{bound}"}} {n}')
            total = self.latency_count[channel]
            out.append(f'bot_reply_seconds_bucket{{channel="{channel}",le="+Inf"}} {total}')
            out.append(f'bot_reply_seconds_sum{{channel="{channel}"}} {self.latency_sum[channel]}')
            out.append(f'bot_reply_seconds_count{{channel="{channel}"}} {total}')
        if outbox_depth is not None:
            family("bot_outbox_depth", "gauge", "Replies queued and not yet delivered.")
            out.append(f"bot_outbox_depth {outbox_depth}")
        return "\n".join(out) + "\n"
