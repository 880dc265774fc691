"""Request bodies: a call's parameters and uploaded files (query, JSON, urlencoded, multipart),
and those of a method the bot answers in a webhook reply."""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import json
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from tests.fakes.telegram_server.common import bad_request


@dataclass(frozen=True, slots=True)
class Upload:
    """A file part of a multipart request."""

    field: str
    filename: str
    content_type: str
    data: bytes


async def read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
    """The parameters (query string and body) and the uploaded files of an API request."""
    params: dict[str, Any] = dict(request.query)
    uploads: dict[str, Upload] = {}
    if not request.body_exists:
        return params, uploads
    ctype = request.content_type
    if ctype == "application/json":
        try:
            body = await request.json()
        except ValueError:
            raise bad_request("can't parse JSON request body") from None
        if not isinstance(body, dict):
            raise bad_request("request body must be a JSON object")
        params.update(body)
    elif ctype == "application/x-www-form-urlencoded":
        params.update((await request.post()).items())
    elif ctype == "multipart/form-data":
        reader = await request.multipart()
        while (part := await reader.next()) is not None:
            if not isinstance(part, aiohttp.BodyPartReader) or part.name is None:
                continue
            if part.filename is not None:
                data = bytes(await part.read())
                ptype = part.headers.get("Content-Type", "application/octet-stream")
                uploads[part.name] = Upload(part.name, part.filename, ptype, data)
            else:
                params[part.name] = await part.text()
    return params, uploads


def parse_reply_body(body: bytes, content_type: str) -> tuple[dict[str, Any], dict[str, Upload]]:
    """The parameters and files of a webhook reply (JSON or multipart) naming a method."""
    raw: dict[str, Any] = {}
    uploads: dict[str, Upload] = {}
    if content_type.startswith("application/json"):
        with contextlib.suppress(ValueError):
            decoded = json.loads(body)
            if isinstance(decoded, dict):
                raw = decoded
    elif content_type.startswith("multipart/form-data"):
        msg = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + body
        )
        for part in msg.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            if not isinstance(name, str) or not isinstance(payload, bytes):
                continue
            if (filename := part.get_filename()) is not None:
                uploads[name] = Upload(name, filename, part.get_content_type(), payload)
            else:
                raw[name] = payload.decode()
    return raw, uploads
