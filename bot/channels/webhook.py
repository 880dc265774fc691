"""What every webhook does first: check the secret header, then read a bounded body."""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiohttp import web

MAX_BODY = 1 << 20


async def guarded_body(
    request: web.Request, *, header: str, secret: bytes, limit: int = MAX_BODY
) -> bytes | int:
    """The request body, or the status to answer: 401 without the secret (compared in constant
    time, before anything is read), 413 when the body is over `limit`."""
    # aiohttp keeps undecodable header bytes as surrogates: encode them back, never fail.
    given = request.headers.get(header, "").encode("utf-8", "surrogateescape")
    if not secret or not hmac.compare_digest(given, secret):
        return 401
    if (request.content_length or 0) > limit:
        return 413
    body = bytearray()
    while chunk := await request.content.read(64 * 1024):  # a body may arrive in pieces
        body += chunk
        if len(body) > limit:
            return 413
    return bytes(body)
