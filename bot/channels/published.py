"""Outgoing files (charts, exports, documents) at unguessable, expiring URLs, for a messenger
that takes a link instead of an upload (Zalo: `sendPhoto` by URL, and no documents at all).

A link is ``{WEBHOOK_BASE_URL}/files/{id}.{expires}.{mac}/{name}``:

- ``expires``: Unix time, the end of the local day (Asia/Ho_Chi_Minh) `ttl` after publishing, so
  that "valid until the end of 04/12/2026" is exactly what the check does;
- ``id``: an HMAC of the source file and the expiry, so a resend the same day (a retry, the
  outbox sweep) gives the same link and publishes nothing new;
- ``mac``: HMAC-SHA256 over id, expiry and name, keyed by a secret from the settings, compared
  in constant time.

Signed rather than random tokens in a table: nothing to store or migrate, any worker that shares
the data directory can check a link, and changing the secret revokes every link at once.

Publishing hard-links (or copies) the file to ``<data>/published/{expires}-{id}``, so it outlives
the sweep of charts and exports for as long as its link is valid; the published folder is swept
once links expire. Nothing else is ever served: the path is built only from the id and expiry of
a verified token (hex digits and digits), never from what the request names.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import os
import re
import shutil
import time as wallclock
import unicodedata
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

if TYPE_CHECKING:
    from aiohttp import web

    from core.messages import Attachment
    from core.settings import Settings

log = logging.getLogger(__name__)

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
ROUTE = "/files/{token}/{name}"
FOLDER = "published"
SWEEP_SECONDS = 3600.0
CONTENT_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_INLINE = frozenset({".png", ".jpg", ".jpeg"})  # pictures show in place; the rest downloads
_TOKEN = re.compile(r"([0-9a-f]{32})\.([0-9]{1,12})\.([0-9a-f]{32})")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,119}")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_KEY_LABEL = b"campaignbot published-file links v1"
_NOT_FOUND = "404: Not Found"  # the same answer aiohttp gives an unknown path: no detail


@dataclass(frozen=True, slots=True)
class Link:
    """A published file: its URL and when the URL stops working."""

    url: str
    name: str  # the safe file name at the end of the URL
    expires_at: datetime  # UTC; the link works while now < expires_at

    @property
    def last_day(self) -> date:
        """The last local day on which the link works."""
        return (self.expires_at - timedelta(seconds=1)).astimezone(LOCAL_TZ).date()


def safe_name(name: str, suffix: str = "") -> str:
    """An ASCII file name for URLs and headers: `Tổng hợp T3.xlsx` → `Tong-hop-T3.xlsx`.

    `suffix` (the real file's extension) wins over the one in `name`."""
    name = name.replace("đ", "d").replace("Đ", "D")
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    stem, ext = os.path.splitext(os.path.basename(folded))
    ext = _UNSAFE.sub("", (suffix or ext).lower().lstrip("."))[:8]
    stem = _UNSAFE.sub("-", stem).strip("-._")[:80].rstrip("-._") or "tep"
    return f"{stem}.{ext}" if ext else stem


class FileLinks:
    """Publishes outgoing files under `<data>/published/` and serves them by signed link."""

    def __init__(
        self,
        *,
        base_url: str,
        data_dir: Path,
        secret: str,
        ttl_days: float,
        clock: Callable[[], datetime],
    ) -> None:
        if not secret:
            raise ValueError("file links need a secret")
        if ttl_days <= 0:
            raise ValueError("ttl_days must be positive")
        self.base_url = base_url.rstrip("/")
        self.data_dir = data_dir
        self.folder = data_dir / FOLDER
        self.ttl = timedelta(days=ttl_days)
        self.clock = clock
        # A key of its own, so a link's MAC never reveals anything about the secret's other uses.
        self._key = hmac.new(secret.encode(), _KEY_LABEL, hashlib.sha256).digest()

    @classmethod
    def from_settings(
        cls, settings: Settings, *, clock: Callable[[], datetime]
    ) -> FileLinks | None:
        """Links under the public base URL; None without one (polling: nobody can reach us)."""
        if not settings.webhook_base_url:
            return None
        secret = settings.secret("file_link_secret") or settings.secret("webhook_secret")
        return cls(
            base_url=settings.webhook_base_url,
            data_dir=settings.data_dir,
            secret=secret,
            ttl_days=settings.file_link_ttl_days,
            clock=clock,
        )

    # -- publishing ---------------------------------------------------------------------------

    def expiry(self, now: datetime) -> int:
        """Unix time at which a link made `now` stops: the end of the local day `ttl` later."""
        last = (now + self.ttl).astimezone(LOCAL_TZ).date()
        return int(datetime.combine(last + timedelta(days=1), time(0), tzinfo=LOCAL_TZ).timestamp())

    def publish(self, attachment: Attachment) -> Link | None:
        """A link to the attachment's file (blocking I/O: run it in a thread); None when the file
        is gone or lies outside the bot's data directory."""
        source = self._source(Path(attachment.path))
        if source is None:
            return None
        expires = str(self.expiry(self.clock()))
        name = safe_name(attachment.file_name or source.name, source.suffix)
        file_id = self._mac(b"id", str(source), expires)
        target = self.folder / f"{expires}-{file_id}"
        if not target.is_file():
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                _link_or_copy(source, target)
            except FileNotFoundError:  # swept meanwhile
                return None
        token = f"{file_id}.{expires}.{self._mac(b'url', file_id, expires, name)}"
        return Link(f"{self.base_url}/files/{token}/{name}", name, _utc(int(expires)))

    def _source(self, path: Path) -> Path | None:
        """The real path of a file of ours that may be published: under the data directory,
        not a staged upload nobody checked, not a published copy."""
        try:
            real = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        root = self.data_dir.resolve()
        refused = (root / FOLDER, root / "uploads" / "staging")
        if not real.is_relative_to(root) or any(real.is_relative_to(r) for r in refused):
            log.warning("not publishing %s: outside the outgoing files", path.name)
            return None
        return real if real.is_file() else None

    def _mac(self, label: bytes, *parts: str) -> str:
        message = label + b"\0" + b"\0".join(p.encode() for p in parts)
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()[:32]

    # -- serving ------------------------------------------------------------------------------

    def resolve(self, token: str, name: str) -> Path | None:
        """The published file a link names, or None: a bad or expired token, a changed name, a
        file already swept. Every failure looks the same to the caller."""
        m = _TOKEN.fullmatch(token)
        if m is None or _NAME.fullmatch(name) is None:
            return None
        file_id, expires, mac = m.groups()
        if not hmac.compare_digest(mac, self._mac(b"url", file_id, expires, name)):
            return None
        if int(expires) <= self.clock().timestamp():
            return None
        path = self.folder / f"{expires}-{file_id}"
        return path if path.is_file() else None

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """GET/HEAD ``/files/{token}/{name}``."""
        from aiohttp import hdrs, web

        name = request.match_info.get("name", "")
        path = await asyncio.to_thread(self.resolve, request.match_info.get("token", ""), name)
        if path is None:
            return web.Response(status=404, text=_NOT_FOUND)
        suffix = os.path.splitext(name)[1].lower()
        disposition = "inline" if suffix in _INLINE else "attachment"
        headers = {
            hdrs.CONTENT_TYPE: CONTENT_TYPES.get(suffix, "application/octet-stream"),
            hdrs.CONTENT_DISPOSITION: f'{disposition}; filename="{name}"',  # name is [A-Za-z0-9._-]
            "X-Content-Type-Options": "nosniff",
            hdrs.CACHE_CONTROL: "private, no-store",
            "Referrer-Policy": "no-referrer",
        }
        return web.FileResponse(path, headers=headers)

    def install(self, app: web.Application) -> None:
        """Serve links on `app` (GET and HEAD), and sweep expired files while it runs."""
        app.router.add_get(ROUTE, self.handle)
        app.cleanup_ctx.append(self._sweeping)

    # -- cleaning up --------------------------------------------------------------------------

    def sweep(self) -> int:
        """Delete published files whose links have expired; returns how many."""
        if not self.folder.is_dir():
            return 0
        now = self.clock().timestamp()
        removed = 0
        for entry in self.folder.iterdir():
            expires, dash, _ = entry.name.partition("-")
            if entry.name.endswith(".part"):  # a copy interrupted by a crash
                stale = _mtime(entry) < wallclock.time() - 86400
            else:
                stale = bool(dash) and expires.isdigit() and int(expires) <= now
            if stale:
                with contextlib.suppress(FileNotFoundError):
                    entry.unlink()
                    removed += 1
        return removed

    async def _sweeping(self, _app: web.Application) -> AsyncIterator[None]:
        task = asyncio.create_task(self._sweep_forever(), name="published-sweep")
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _sweep_forever(self) -> None:
        while True:
            try:
                removed = await asyncio.to_thread(self.sweep)
            except OSError as exc:
                log.warning("sweeping published files failed: %s", exc)
            else:
                if removed:
                    log.info("removed %d expired published files", removed)
            await asyncio.sleep(SWEEP_SECONDS)


def _link_or_copy(source: Path, target: Path) -> None:
    """`target` as a hard link to `source` (no extra space, and the charts sweep unlinking the
    source leaves it be), or a copy that appears whole."""
    try:
        os.link(source, target)
        return
    except FileExistsError:  # published by a concurrent send
        return
    except FileNotFoundError:
        raise
    except OSError:  # another file system, or no hard links there
        pass
    part = target.with_name(f"{target.name}.{uuid.uuid4().hex}.part")
    try:
        shutil.copyfile(source, part)
        os.replace(part, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            part.unlink()


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return wallclock.time()


def _utc(timestamp: int) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC)
