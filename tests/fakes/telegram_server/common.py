"""What every part of the fake shares: the JSON type, error answers and the JSON encoder.

``ApiError`` is an error answer (HTTP status == error_code, like the real server);
``bad_request`` makes the usual 400 "Bad Request: ..." one.
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any, Final

JsonDict = dict[str, Any]


_FILE_DIRS: Final = {
    "photo": "photos",
    "document": "documents",
    "audio": "music",
    "video": "videos",
    "animation": "animations",
    "voice": "voice",
    "video_note": "video_notes",
    "sticker": "stickers",
}


_dumps: Final = partial(json.dumps, ensure_ascii=False, separators=(",", ":"))


class ApiError(Exception):
    """An error answer: HTTP status == error_code, like the real server."""

    def __init__(self, status: int, description: str, parameters: JsonDict | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = parameters

    def payload(self) -> JsonDict:
        body: JsonDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")
