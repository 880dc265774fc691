"""A fake Telegram Bot API server on loopback, for end-to-end tests over real HTTP.

What it fakes
-------------
An aiohttp application on 127.0.0.1 (random free port) that answers like
``api.telegram.org``, so the real bot -- an aiogram ``Bot`` whose session is
``AiohttpSession(api=TelegramAPIServer.from_base(server.base_url))``, or plain httpx/aiohttp
code -- is driven through HTTP:

* ``/bot<token>/<method>`` (GET query, JSON, urlencoded and multipart bodies) answering
  ``{"ok": true, "result": ...}`` or ``{"ok": false, "error_code": N, "description": ...}``,
  and ``/file/bot<token>/<file_path>`` for downloads;
* simulated users (and group chats) that send text, commands, photos, documents, stickers and
  contacts and press inline buttons, each producing a well-formed ``Update``;
* delivery through ``getUpdates`` (offset confirmation, long polling, 409 conflicts) or a
  webhook (secret header, retry until 2xx, a method answered in the webhook reply is run);
* the bot's side: messages, edits, deletions, callback answers, chat actions, command menus,
  profile texts and files are recorded and can be awaited per chat, without sleeping loops;
  command menus are kept per scope and language (``commands``), and ``menu(chat_id)`` is the
  list a user sees there, resolved in Telegram's order (chat, all private chats, default).

    async with FakeTelegramServer(token="123:ABC") as server:
        lan = server.user(user_id=1001, first_name="Lan")
        await lan.send_text("/start ABC")
        reply = await lan.expect_message(contains="Chào")
        await lan.press_button(reply, "yes")

What it checks
--------------
Every call is validated against the machine-readable Bot API spec ``api.json`` (loaded once;
``TELEGRAM_API_SPEC``, else ``shared/docs/telegram-bot-api/api.json`` beside the repository):
unknown methods (404), a wrong token (401), missing required parameters ("chat_id is
empty"), unknown parameters and fields (``strict=True``), and wrongly typed values, recursively
through nested objects (reply markups, command scopes, media, entities). Limits that the spec
only states in prose are enforced too: text 1-4096 characters and caption up to 1024 after
entity parsing, HTML / MarkdownV2 / Markdown syntax, callback_data 1-64 bytes, one action per
inline button, command names, webhook secrets. Chats the bot may not write to answer 400
"chat not found" or 403 "Forbidden", and a command scope naming a chat the bot does not know
answers "chat not found"; faults can be injected per method and chat (429, 5xx, slow, 403,
400, dropped connection; a command-menu call's chat is its scope's); sending faster than
Telegram allows (30 messages/s overall, bursts per chat, 20/min per group) is counted in
``rate_violations`` (or refused with 429 when ``RateLimits.enforce`` is set).

Not faked: inline mode, payments, business accounts, stories, games; methods without an
emulation answer True when the spec says they return Boolean, else 400 "not emulated".
"""

from __future__ import annotations

import asyncio
import contextlib
import email.parser
import email.policy
import itertools
import json
import math
import os
import re
import secrets
import socket
import time
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Literal, Self, cast
from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

__all__ = [
    "SPEC",
    "ApiCall",
    "ApiError",
    "ApiSpec",
    "BotMessage",
    "FakeChat",
    "FakeFile",
    "FakeTelegramServer",
    "FakeUser",
    "Fault",
    "FaultInjector",
    "RateLimits",
    "RateViolation",
    "Upload",
    "WaitTimeout",
    "WebhookAttempt",
    "bad_request",
    "parse_entities",
    "validate_object",
]

JsonDict = dict[str, Any]

SECRET_HEADER: Final = "X-Telegram-Bot-Api-Secret-Token"
MAX_TEXT_LENGTH: Final = 4096
MAX_CAPTION_LENGTH: Final = 1024
MAX_CALLBACK_DATA_BYTES: Final = 64
BOT_FIRST_NAME: Final = "Bot Thi đua CCHC"
BOT_USERNAME: Final = "thidua_test_bot"
CHAT_ACTIONS: Final = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
# Update kinds that are not delivered unless asked for in allowed_updates.
OPT_IN_UPDATES: Final = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
_LOOPBACK_HOSTS: Final = frozenset({"127.0.0.1", "localhost", "::1"})
_MEDIA_METHODS: Final = {
    "sendPhoto": "photo",
    "sendDocument": "document",
    "sendAudio": "audio",
    "sendVideo": "video",
    "sendAnimation": "animation",
    "sendVoice": "voice",
    "sendVideoNote": "video_note",
    "sendSticker": "sticker",
}
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
_CONTENT_KEYS: Final = (
    "text",
    "entities",
    "caption",
    "caption_entities",
    *_FILE_DIRS,
    "contact",
    "location",
    "dice",
)
_CONFLICT_POLL: Final = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
_CONFLICT_WEBHOOK: Final = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
_NOT_MODIFIED: Final = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
_QUERY_INVALID: Final = (
    "Bad Request: query is too old and response timeout expired or query ID is invalid"
)
_dumps: Final = partial(json.dumps, ensure_ascii=False, separators=(",", ":"))


# --------------------------------------------------------------------------------------------
# The spec
# --------------------------------------------------------------------------------------------


def _spec_candidates() -> list[Path]:
    paths: list[Path] = []
    if env := os.environ.get("TELEGRAM_API_SPEC"):
        paths.append(Path(env))
    repo = Path(__file__).resolve().parents[2]
    paths.append(repo.parent / "shared/docs/telegram-bot-api/api.json")
    paths.append(Path("/work/shared/docs/telegram-bot-api/api.json"))
    return paths


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    types: tuple[str, ...]
    required: bool


@dataclass(frozen=True, slots=True)
class ObjectSpec:
    """A method's parameters or a type's fields, as the spec lists them."""

    name: str
    fields: Mapping[str, FieldSpec]
    required: tuple[str, ...]
    returns: tuple[str, ...] = ()
    subtypes: tuple[str, ...] = ()
    discriminator: str | None = None  # the field whose value names the subtype
    by_tag: Mapping[str, str] = field(default_factory=dict)


_TAG_RE: Final = re.compile(r"(?:must be|always)\s+[\"“]?([a-z0-9_]+)")


class ApiSpec:
    """The Bot API spec (``api.json``), indexed for per-call validation."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.version = str(raw.get("version", ""))
        self._descriptions = {
            (tname, f["name"]): str(f.get("description", ""))
            for tname, t in raw["types"].items()
            for f in t.get("fields", ())
        }
        self.types: dict[str, ObjectSpec] = {
            name: self._object(name, t.get("fields", ())) for name, t in raw["types"].items()
        }
        for name, t in raw["types"].items():
            if subs := tuple(t.get("subtypes", ())):
                self.types[name] = self._abstract(self.types[name], subs)
        self.methods: dict[str, ObjectSpec] = {
            name: self._object(name, m.get("fields", ()), tuple(m.get("returns", ())))
            for name, m in raw["methods"].items()
        }
        self._by_lower = {name.lower(): spec for name, spec in self.methods.items()}

    @classmethod
    def load(cls, path: Path | None = None) -> ApiSpec:
        """From `path`, else $TELEGRAM_API_SPEC, else shared/docs beside the repository."""
        candidates = [path] if path is not None else _spec_candidates()
        for candidate in candidates:
            if candidate.is_file():
                return cls(json.loads(candidate.read_text(encoding="utf-8")))
        tried = ", ".join(str(p) for p in candidates)
        raise FileNotFoundError(
            f"Telegram Bot API spec not found (tried {tried}); set TELEGRAM_API_SPEC"
        )

    def method(self, name: str) -> ObjectSpec | None:
        """The method, looked up case-insensitively like the real server does."""
        return self._by_lower.get(name.lower())

    @staticmethod
    def _object(
        name: str, fields: Iterable[Mapping[str, Any]], returns: tuple[str, ...] = ()
    ) -> ObjectSpec:
        specs = {
            f["name"]: FieldSpec(f["name"], tuple(f["types"]), bool(f["required"])) for f in fields
        }
        required = tuple(n for n, f in specs.items() if f.required)
        return ObjectSpec(name, specs, required, returns)

    def _abstract(self, spec: ObjectSpec, subtypes: tuple[str, ...]) -> ObjectSpec:
        """An abstract type; its subtypes are told apart by a type/status/source field."""
        by_tag: dict[str, str] = {}
        disc: str | None = None
        for sub in subtypes:
            tag: tuple[str, str] | None = None
            for key in ("type", "status", "source"):
                if m := _TAG_RE.search(self._descriptions.get((sub, key), "")):
                    tag = (key, m.group(1))
                    break
            if tag is None or (disc is not None and tag[0] != disc):
                return replace(spec, subtypes=subtypes)
            disc = tag[0]
            by_tag[tag[1]] = sub
        return replace(spec, subtypes=subtypes, discriminator=disc, by_tag=by_tag)


SPEC: Final = ApiSpec.load()
"""The spec, loaded once at import."""


# --------------------------------------------------------------------------------------------
# Errors and validation
# --------------------------------------------------------------------------------------------


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


class _Invalid(Exception):
    """A value does not match; `depth` ranks alternatives of a union (deepest match wins)."""

    def __init__(self, description: str, depth: int) -> None:
        super().__init__(description)
        self.description = description
        self.depth = depth


_DECISIVE: Final = 1_000_000  # an error that is certainly the right one (e.g. BUTTON_DATA_INVALID)
_INT_RE: Final = re.compile(r"\s*[-+]?\d+\s*")
_FLOAT_RE: Final = re.compile(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*")
_URL_RE: Final = re.compile(r"(https?|tg)://\S+", re.IGNORECASE)
_COMMAND_RE: Final = re.compile(r"[a-z0-9_]{1,32}")
_SECRET_RE: Final = re.compile(r"[A-Za-z0-9_-]{1,256}")
_BUTTON_DECOR: Final = frozenset({"text", "icon_custom_emoji_id", "style"})
_EMPTY_MESSAGES: Final = {"text": "message text is empty"}
_JSON_LABELS: Final = {"reply_markup": "reply keyboard markup", "entities": "entities"}


@dataclass(frozen=True, slots=True)
class Upload:
    """A file part of a multipart request."""

    field: str
    filename: str
    content_type: str
    data: bytes


def _check_inline_button(button: JsonDict) -> None:
    data = button.get("callback_data")
    if data is not None and not 1 <= len(str(data).encode()) <= MAX_CALLBACK_DATA_BYTES:
        raise _Invalid("Bad Request: BUTTON_DATA_INVALID", _DECISIVE)
    actions = [k for k in button if k not in _BUTTON_DECOR]
    if not actions:
        raise _Invalid(
            "Bad Request: can't parse inline keyboard button: "
            "Text buttons are unallowed in the inline keyboard",
            _DECISIVE,
        )
    if len(actions) > 1:
        raise _Invalid(
            "Bad Request: can't parse inline keyboard button: exactly one of the fields "
            f"other than text must be used, got {', '.join(actions)}",
            _DECISIVE,
        )
    url = button.get("url")
    if url is not None and not _URL_RE.fullmatch(str(url)):
        raise _Invalid("Bad Request: BUTTON_URL_INVALID", _DECISIVE)


def _check_bot_command(command: JsonDict) -> None:
    if not _COMMAND_RE.fullmatch(str(command["command"])):
        raise _Invalid("Bad Request: BOT_COMMAND_INVALID", _DECISIVE)
    if not 1 <= len(str(command["description"])) <= 256:
        raise _Invalid("Bad Request: BOT_COMMAND_DESCRIPTION_INVALID", _DECISIVE)


_OBJECT_HOOKS: Final[dict[str, Callable[[JsonDict], None]]] = {
    "InlineKeyboardButton": _check_inline_button,
    "BotCommand": _check_bot_command,
}


class _Checker:
    """Validates (and normalises) one call's parameters against the spec."""

    def __init__(self, spec: ApiSpec, uploads: Mapping[str, Upload], strict: bool) -> None:
        self.spec = spec
        self.uploads = uploads
        self.strict = strict

    def params(self, method: ObjectSpec, raw: Mapping[str, Any]) -> JsonDict:
        merged: dict[str, Any] = {
            name: up for name, up in self.uploads.items() if name in method.fields
        }
        merged.update(raw)
        for name in method.required:
            value = merged.get(name)
            if value is None or value == "":
                raise bad_request(_EMPTY_MESSAGES.get(name, f"{name} is empty"))
        out: JsonDict = {}
        for name, value in merged.items():
            f = method.fields.get(name)
            if f is None:
                if self.strict and name not in self.uploads:
                    raise bad_request(f'unknown parameter "{name}" for method {method.name}')
                continue
            if value is None or (value == "" and "String" not in f.types):
                continue
            try:
                out[name] = self.value(value, f.types, name, 0, top=True)
            except _Invalid as e:
                raise ApiError(400, e.description) from None
        return out

    def value(self, value: Any, types: Sequence[str], path: str, depth: int, top: bool) -> Any:
        if len(types) == 1:
            return self.one(value, types[0], path, depth, top)
        best: _Invalid | None = None
        for t in types:
            try:
                return self.one(value, t, path, depth, top)
            except _Invalid as e:
                if best is None or e.depth > best.depth:
                    best = e
        raise cast(_Invalid, best)

    def one(self, value: Any, t: str, path: str, depth: int, top: bool) -> Any:
        if t == "String":
            if isinstance(value, str):
                return value
            if isinstance(value, int | float) and not isinstance(value, bool):
                return str(value)
            raise _Invalid(f'Bad Request: field "{path}" must be of type String', depth)
        if t == "Integer":
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            if isinstance(value, float) and value.is_integer():
                return int(value)
            if isinstance(value, str) and _INT_RE.fullmatch(value):
                return int(value)
            raise _Invalid(f'Bad Request: field "{path}" must be of type Integer', depth)
        if t == "Float":
            if isinstance(value, int | float) and not isinstance(value, bool):
                return float(value)
            if isinstance(value, str) and _FLOAT_RE.fullmatch(value):
                return float(value)
            raise _Invalid(f'Bad Request: field "{path}" must be of type Float', depth)
        if t in ("Boolean", "True"):
            if isinstance(value, bool):
                return value
            if value in (0, 1) and isinstance(value, int):
                return bool(value)
            if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0"):
                return value.strip().lower() in ("true", "1")
            raise _Invalid(f'Bad Request: field "{path}" must be of type Boolean', depth)
        if t == "InputFile":
            if isinstance(value, Upload):
                return value
            if isinstance(value, str) and value.startswith("attach://"):
                up = self.uploads.get(value[len("attach://") :])
                if up is None:
                    raise _Invalid(
                        f'Bad Request: file "{value}" of field "{path}" is not attached', _DECISIVE
                    )
                return up
            raise _Invalid(f'Bad Request: field "{path}" must be an uploaded file', depth)
        if t.startswith("Array of "):
            if isinstance(value, str) and top:
                value = self._json(value, path, list)
            if not isinstance(value, list):
                raise _Invalid(f'Bad Request: field "{path}" must be an Array', depth)
            inner = (t[len("Array of ") :],)
            return [
                self.value(item, inner, f"{path}[{i}]", depth + 1, False)
                for i, item in enumerate(value)
            ]
        spec = self.spec.types.get(t)
        if spec is None:  # a type the spec names but does not define: accept as is
            return value
        if isinstance(value, str) and top:
            value = self._json(value, path, dict)
        if spec.subtypes:
            return self._abstract(value, spec, path, depth)
        if not isinstance(value, dict):
            raise _Invalid(f'Bad Request: field "{path}" must be an Object ({t})', depth)
        return self.obj(value, spec, path, depth)

    def obj(self, value: JsonDict, spec: ObjectSpec, path: str, depth: int) -> JsonDict:
        for name in spec.required:
            if value.get(name) is None:
                raise _Invalid(
                    f'Bad Request: can\'t parse {spec.name}: field "{path}.{name}" is required',
                    depth + 1,
                )
        out: JsonDict = {}
        for key, item in value.items():
            f = spec.fields.get(key)
            if f is None:
                if self.strict:
                    raise _Invalid(
                        f'Bad Request: can\'t parse {spec.name}: unknown field "{path}.{key}"',
                        depth + 1,
                    )
                out[key] = item
                continue
            if item is None:
                continue
            out[key] = self.value(item, f.types, f"{path}.{key}", depth + 1, False)
        if hook := _OBJECT_HOOKS.get(spec.name):
            hook(out)
        return out

    def _abstract(self, value: Any, spec: ObjectSpec, path: str, depth: int) -> Any:
        if spec.discriminator is not None and isinstance(value, dict):
            tag = value.get(spec.discriminator)
            sub = spec.by_tag.get(tag) if isinstance(tag, str) else None
            if sub is None:
                raise _Invalid(
                    f'Bad Request: can\'t parse {spec.name}: field "{path}.{spec.discriminator}" '
                    f"must be one of {', '.join(sorted(spec.by_tag))}",
                    depth + 1,
                )
            return self.one(value, sub, path, depth, False)
        return self.value(value, spec.subtypes, path, depth, False)

    @staticmethod
    def _json(value: str, path: str, kind: type) -> Any:
        label = _JSON_LABELS.get(path, path)
        try:
            decoded = json.loads(value)
        except ValueError:
            raise _Invalid(f"Bad Request: can't parse {label} JSON object", _DECISIVE) from None
        if not isinstance(decoded, kind):
            raise _Invalid(f"Bad Request: can't parse {label} JSON object", _DECISIVE)
        return decoded


def validate_object(type_name: str, value: Any, *, strict: bool = True) -> Any:
    """Check `value` against spec type `type_name`; raises ApiError. For self-checks in tests."""
    try:
        return _Checker(SPEC, {}, strict).one(value, type_name, type_name, 0, False)
    except _Invalid as e:
        raise ApiError(400, e.description) from None


# --------------------------------------------------------------------------------------------
# Entity parsing (parse_mode)
# --------------------------------------------------------------------------------------------


def _utf16_len(s: str) -> int:
    return len(s) if s.isascii() else len(s.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode())


def _entity_error(message: str) -> ApiError:
    return bad_request(f"can't parse entities: {message}")


class _Out:
    __slots__ = ("parts", "pos")

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0  # UTF-16 code units written so far

    def add(self, s: str) -> None:
        if s:
            self.parts.append(s)
            self.pos += _utf16_len(s)

    def text(self) -> str:
        return "".join(self.parts)


_HTML_TAGS: Final = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
    "tg-time": "date_time",
}
_HTML_SPECIAL: Final = re.compile(r"[<&]")
_HTML_NAME: Final = re.compile(r"[a-zA-Z][a-zA-Z0-9-]*")
_HTML_ATTR: Final = re.compile(
    r"""\s*([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?"""
)
_HTML_ENTITY: Final = re.compile(r"&(#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z]+);")
_NAMED_ENTITIES: Final = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def _html_entity(name: str) -> str | None:
    if name.startswith(("#x", "#X")):
        code = int(name[2:], 16)
    elif name.startswith("#"):
        code = int(name[1:])
    else:
        return _NAMED_ENTITIES.get(name)
    return chr(code) if 0 < code < 0x110000 else None


def _html_attrs(rest: str) -> dict[str, str]:
    attrs: dict[str, str] = {}
    for m in _HTML_ATTR.finditer(rest.rstrip("/ ")):
        attrs[m.group(1).lower()] = next((g for g in m.groups()[1:] if g is not None), "")
    return attrs


def _html_entity_for(name: str, attrs: Mapping[str, str], offset: int) -> JsonDict | None:
    kind = _HTML_TAGS[name]
    if name == "span" and attrs.get("class") != "tg-spoiler":
        raise _entity_error(f'Unsupported start tag "span" at byte offset {offset}')
    if kind == "text_link":
        return {"type": "text_link", "url": attrs["href"]} if attrs.get("href") else None
    if kind == "blockquote" and "expandable" in attrs:
        return {"type": "expandable_blockquote"}
    if kind == "custom_emoji":
        if not attrs.get("emoji-id"):
            raise _entity_error(f"Custom emoji identifier expected at byte offset {offset}")
        return {"type": "custom_emoji", "custom_emoji_id": attrs["emoji-id"]}
    if kind == "date_time":
        unix = attrs.get("unix", "")
        if not unix.lstrip("-").isdigit():
            raise _entity_error(f"Unix time expected at byte offset {offset}")
        ent: JsonDict = {"type": "date_time", "unix_time": int(unix)}
        if attrs.get("format"):
            ent["date_time_format"] = attrs["format"]
        return ent
    return {"type": kind}


def _parse_html(text: str) -> tuple[str, list[JsonDict]]:
    out = _Out()
    entities: list[JsonDict] = []
    stack: list[tuple[str, JsonDict | None, int]] = []
    i, n = 0, len(text)
    while i < n:
        m = _HTML_SPECIAL.search(text, i)
        if m is None:
            out.add(text[i:])
            break
        out.add(text[i : m.start()])
        i = m.start()
        if text[i] == "&":
            em = _HTML_ENTITY.match(text, i)
            decoded = _html_entity(em.group(1)) if em else None
            if em is not None and decoded is not None:
                out.add(decoded)
                i = em.end()
            else:
                out.add("&")
                i += 1
            continue
        end = text.find(">", i)
        offset = _byte_offset(text, i)
        if not text.startswith("/", i + 1) and not _HTML_NAME.match(text, i + 1):
            raise _entity_error(f'Unsupported start tag "" at byte offset {offset}')
        if end == -1:
            raise _entity_error(f"Unclosed start tag at byte offset {offset}")
        inner = text[i + 1 : end]
        if inner.startswith("/"):
            name = inner[1:].strip().lower()
            if not stack:
                raise _entity_error(f'Unexpected end tag "{name}" at byte offset {offset}')
            tag, ent, start = stack.pop()
            if name != tag:
                raise _entity_error(
                    f'Unmatched end tag at byte offset {offset}, expected "</{tag}>", '
                    f'found "</{name}>"'
                )
            if ent is not None and out.pos > start:
                entities.append({**ent, "offset": start, "length": out.pos - start})
        else:
            nm = _HTML_NAME.match(inner)
            name = nm.group().lower() if nm else ""
            if name not in _HTML_TAGS:
                raise _entity_error(f'Unsupported start tag "{name}" at byte offset {offset}')
            attrs = _html_attrs(inner[len(name) :])
            ent = _html_entity_for(name, attrs, offset)
            if name == "code" and stack and stack[-1][0] == "pre":
                lang = attrs.get("class", "")
                if lang.startswith("language-") and stack[-1][1] is not None:
                    stack[-1][1]["language"] = lang[len("language-") :]
                ent = None
            stack.append((name, ent, out.pos))
        i = end + 1
    if stack:
        raise _entity_error(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return out.text(), entities


_MDV2_RESERVED: Final = frozenset("_*[]()~`>#+-=|{}.!")
_MDV2_PLAIN: Final = re.compile(r"[^_*\[\]()~`>#+\-=|{}.!\\\n]+")
_MDV2_NAMES: Final = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "text_link": "TextUrl",
    "custom_emoji": "CustomEmoji",
}


def _mdv2_reserved(c: str) -> ApiError:
    return _entity_error(f"Character '{c}' is reserved and must be escaped with the preceding '\\'")


def _mdv2_scan(text: str, start: int, stop: str, escapable: str) -> tuple[str, int] | None:
    """Characters up to the unescaped `stop`; None when it never comes."""
    buf: list[str] = []
    j, n = start, len(text)
    while j < n:
        if text.startswith(stop, j):
            return "".join(buf), j
        if text[j] == "\\" and j + 1 < n and text[j + 1] in escapable:
            buf.append(text[j + 1])
            j += 2
        else:
            buf.append(text[j])
            j += 1
    return None


def _parse_markdown_v2(text: str) -> tuple[str, list[JsonDict]]:
    out = _Out()
    entities: list[JsonDict] = []
    stack: list[tuple[str, int, int]] = []  # (entity type, start, char index)
    quote: int | None = None
    quote_end = 0
    line_start = True
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if line_start:
            line_start = False
            if c == ">" or text.startswith("**>", i):
                if quote is None:
                    quote = out.pos
                i += 3 if c == "*" else 1
                continue
            if quote is not None:
                entities.append(
                    {"type": "blockquote", "offset": quote, "length": quote_end - quote}
                )
                quote = None
        m = _MDV2_PLAIN.match(text, i)
        if m is not None:
            out.add(m.group())
            i = m.end()
            continue
        if c == "\\":
            if i + 1 < n and 0 < ord(text[i + 1]) < 127:
                out.add(text[i + 1])
                i += 2
            else:
                out.add("\\")
                i += 1
            continue
        if c == "\n":
            quote_end = out.pos
            out.add("\n")
            line_start = True
            i += 1
            continue
        if c == "`":
            fence = "```" if text.startswith("```", i) else "`"
            found = _mdv2_scan(text, i + len(fence), fence, "`\\")
            if found is None:
                kind = "PreCode" if fence == "```" else "Code"
                raise _entity_error(
                    f"Can't find end of {kind} entity at byte offset {_byte_offset(text, i)}"
                )
            content, j = found
            ent: JsonDict = {"type": "pre" if fence == "```" else "code"}
            if fence == "```":
                first, sep, rest = content.partition("\n")
                if sep and first and not any(ch.isspace() for ch in first):
                    ent["language"] = first
                    content = rest
                elif sep and not first:
                    content = rest
            start = out.pos
            out.add(content)
            if out.pos > start:
                entities.append({**ent, "offset": start, "length": out.pos - start})
            i = j + len(fence)
            continue
        if c in "*_~|":
            width = 1
            if c == "|":
                if not text.startswith("||", i):
                    raise _mdv2_reserved(c)
                kind, width = "spoiler", 2
            elif c == "_" and text.startswith("__", i):
                kind, width = "underline", 2
            else:
                kind = {"*": "bold", "_": "italic", "~": "strikethrough"}[c]
            idx = next((k for k in range(len(stack) - 1, -1, -1) if stack[k][0] == kind), None)
            if idx is None:
                stack.append((kind, out.pos, i))
            else:
                _, start, _ = stack.pop(idx)
                if out.pos > start:
                    entities.append({"type": kind, "offset": start, "length": out.pos - start})
            i += width
            continue
        if c == "[" or text.startswith("![", i):
            stack.append(("custom_emoji" if c == "!" else "text_link", out.pos, i))
            i += 2 if c == "!" else 1
            continue
        if c == "]":
            idx = next(
                (
                    k
                    for k in range(len(stack) - 1, -1, -1)
                    if stack[k][0] in ("text_link", "custom_emoji")
                ),
                None,
            )
            if idx is None or not text.startswith("(", i + 1):
                raise _mdv2_reserved(c)
            found = _mdv2_scan(text, i + 2, ")", ")\\")
            if found is None:
                raise _entity_error(
                    f"Can't find end of a URL at byte offset {_byte_offset(text, i)}"
                )
            url, j = found
            kind, start, _ = stack.pop(idx)
            if kind == "custom_emoji":
                emoji_id = url.partition("id=")[2]
                link: JsonDict = {"type": kind, "custom_emoji_id": emoji_id}
            else:
                link = {"type": kind, "url": url}
            if out.pos > start:
                entities.append({**link, "offset": start, "length": out.pos - start})
            i = j + 1
            continue
        if c in _MDV2_RESERVED:
            raise _mdv2_reserved(c)
        out.add(c)  # pragma: no cover - every other character is matched as plain text
        i += 1
    if quote is not None:
        entities.append({"type": "blockquote", "offset": quote, "length": out.pos - quote})
    if stack:
        kind, _, index = stack[0]
        raise _entity_error(
            f"Can't find end of {_MDV2_NAMES.get(kind, kind)} entity at byte offset "
            f"{_byte_offset(text, index)}"
        )
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return out.text(), entities


_MD_PLAIN: Final = re.compile(r"[^*_`\[\\]+")


def _parse_markdown(text: str) -> tuple[str, list[JsonDict]]:
    """Legacy Markdown: *bold*, _italic_, `code`, ```pre```, [text](url); no nesting."""
    out = _Out()
    entities: list[JsonDict] = []
    i, n = 0, len(text)
    while i < n:
        if m := _MD_PLAIN.match(text, i):
            out.add(m.group())
            i = m.end()
            continue
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in "*_`[":
            out.add(text[i + 1])
            i += 2
            continue
        if c == "\\":
            out.add(c)
            i += 1
            continue
        start_err = _entity_error(
            f"Can't find end of the entity starting at byte offset {_byte_offset(text, i)}"
        )
        if c == "[":
            close = text.find("]", i + 1)
            if close == -1 or not text.startswith("(", close + 1) or text.find(")", close) == -1:
                raise start_err
            url_end = text.find(")", close)
            start = out.pos
            out.add(text[i + 1 : close])
            entities.append(
                {
                    "type": "text_link",
                    "offset": start,
                    "length": out.pos - start,
                    "url": text[close + 2 : url_end],
                }
            )
            i = url_end + 1
            continue
        fence = "```" if text.startswith("```", i) else c
        close = text.find(fence, i + len(fence))
        if close == -1:
            raise start_err
        kind = {"*": "bold", "_": "italic", "`": "code", "```": "pre"}[fence]
        start = out.pos
        out.add(text[i + len(fence) : close])
        if out.pos > start:
            entities.append({"type": kind, "offset": start, "length": out.pos - start})
        i = close + len(fence)
    return out.text(), entities


def parse_entities(text: str, parse_mode: str | None) -> tuple[str, list[JsonDict]]:
    """The visible text and entities Telegram makes of `text`; ApiError when it cannot."""
    if not parse_mode:
        return text, []
    mode = parse_mode.lower()
    if mode == "html":
        return _parse_html(text)
    if mode == "markdownv2":
        return _parse_markdown_v2(text)
    if mode == "markdown":
        return _parse_markdown(text)
    raise bad_request("unsupported parse_mode")


# --------------------------------------------------------------------------------------------
# Records and helpers
# --------------------------------------------------------------------------------------------


class WaitTimeout(AssertionError):
    """A wait or expectation did not come true in time."""


class _Signal:
    """A condition variable whose notify() is synchronous (no lock to take).

    Waiters re-check their predicate each time the signal fires; nothing sleeps in a loop.
    """

    __slots__ = ("_waiters",)

    def __init__(self) -> None:
        self._waiters: list[asyncio.Future[None]] = []

    def notify(self) -> None:
        if not self._waiters:
            return
        waiters, self._waiters = self._waiters, []
        for fut in waiters:
            if not fut.done():
                fut.set_result(None)

    async def wait_until(self, predicate: Callable[[], bool], timeout: float | None) -> bool:  # noqa: ASYNC109
        """True once `predicate()` holds; False if `timeout` seconds pass first."""
        if predicate():
            return True
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while True:
            fut: asyncio.Future[None] = loop.create_future()
            self._waiters.append(fut)
            try:
                if deadline is None:
                    await fut
                else:
                    async with asyncio.timeout_at(deadline):
                        await fut
            except TimeoutError:
                return predicate()
            finally:
                if not fut.done():
                    fut.cancel()
                    with contextlib.suppress(ValueError):
                        self._waiters.remove(fut)
            if predicate():
                return True


@dataclass(slots=True)
class ApiCall:
    """One API request the bot made."""

    method: str
    params: JsonDict
    chat_id: int | None
    time: float
    status: int = 200
    result: Any = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200


@dataclass(slots=True)
class FakeFile:
    """A file the server holds: sent by a user or uploaded by the bot."""

    file_id: str
    file_unique_id: str
    file_path: str
    data: bytes
    file_name: str | None = None
    mime_type: str | None = None
    url: str | None = None  # sent by the bot as an HTTP URL (never fetched)

    @property
    def file_size(self) -> int:
        return len(self.data)

    def as_file(self) -> JsonDict:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
            "file_path": self.file_path,
        }


@dataclass(slots=True, eq=False)
class BotMessage:
    """A message the bot sent, kept up to date by edits and deletion."""

    chat_id: int
    message_id: int
    method: str
    text: str | None  # visible text (entities parsed), or the caption
    raw_text: str | None  # as sent, with markup
    entities: list[JsonDict]
    reply_markup: JsonDict | None
    params: JsonDict
    message: JsonDict  # the Message object as the server returned it (last edit applied)
    time: float
    file: FakeFile | None = None
    edit_count: int = 0
    deleted: bool = False

    @property
    def kind(self) -> str:
        return next(
            (k for k in ("text", *_FILE_DIRS, "contact", "location", "dice") if k in self.message),
            "other",
        )

    @property
    def keyboard_kind(self) -> str | None:
        m = self.reply_markup or {}
        for key, kind in (
            ("inline_keyboard", "inline"),
            ("keyboard", "reply"),
            ("remove_keyboard", "remove"),
            ("force_reply", "force_reply"),
        ):
            if key in m:
                return kind
        return None

    @property
    def buttons(self) -> list[tuple[str, str | None]]:
        """Every button, row by row: (text, callback_data); reply-keyboard buttons have None."""
        m = self.reply_markup or {}
        rows = m.get("inline_keyboard") or m.get("keyboard") or []
        return [(str(b.get("text", "")), b.get("callback_data")) for row in rows for b in row]

    def __repr__(self) -> str:
        return (
            f"BotMessage(chat={self.chat_id}, id={self.message_id}, {self.method}, {self.text!r})"
        )


@dataclass(frozen=True, slots=True)
class WebhookAttempt:
    update_id: int
    url: str
    status: int | None
    error: str | None
    time: float

    @property
    def delivered(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


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


@dataclass(slots=True)
class _Pending:
    update_id: int
    update: JsonDict
    chat_key: int | None
    duplicate: bool = False


def _kind_of(update: Mapping[str, Any]) -> str:
    return next(k for k in update if k != "update_id")


def _scope_chat_id(params: Mapping[str, Any]) -> Any:
    """The chat a command-menu call is about (its scope's chat), for faults and the record."""
    scope = params.get("scope")
    return scope.get("chat_id") if isinstance(scope, Mapping) else None


def _command_entities(text: str) -> list[JsonDict]:
    m = re.match(r"/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,64})?", text)
    return [{"type": "bot_command", "offset": 0, "length": _utf16_len(m.group())}] if m else []


# --------------------------------------------------------------------------------------------
# Chats and users
# --------------------------------------------------------------------------------------------


class FakeChat:
    """A chat as the server sees it: a user's private chat or a group."""

    def __init__(
        self,
        server: FakeTelegramServer,
        chat_id: int,
        chat_type: str,
        *,
        title: str | None = None,
        username: str | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
    ) -> None:
        self.server = server
        self.id = chat_id
        self.type = chat_type
        self.title = title
        self.username = username
        self.first_name = first_name
        self.last_name = last_name
        self.messages: list[BotMessage] = []
        """Messages the bot sent here, in order."""
        self.edits: list[BotMessage] = []
        """One entry per edit the bot made (the message as edited)."""
        self.actions: list[str] = []
        self.blocked = False
        self.started = True
        self.members: set[int] = set()
        self._records: dict[int, JsonDict] = {}  # every message (user or bot) by message_id
        self._bot: dict[int, BotMessage] = {}
        self._next_id = 1
        self._read = 0
        self._edits_read = 0
        self._signal = _Signal()
        self._sends: deque[float] = deque()

    @property
    def is_private(self) -> bool:
        return self.type == "private"

    @property
    def texts(self) -> list[str]:
        return [m.text or "" for m in self.messages]

    def to_dict(self) -> JsonDict:
        d: JsonDict = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name", "last_name"):
            if (value := getattr(self, key)) is not None:
                d[key] = value
        return d

    def _next_message_id(self) -> int:
        mid = self._next_id
        self._next_id += 1
        return mid

    def _add_bot_message(self, msg: BotMessage) -> None:
        self.messages.append(msg)
        self._bot[msg.message_id] = msg
        self._records[msg.message_id] = msg.message
        self._signal.notify()

    def _add_edit(self, msg: BotMessage) -> None:
        self.edits.append(msg)
        self._records[msg.message_id] = msg.message
        self._signal.notify()

    def bot_message(self, message_id: int) -> BotMessage | None:
        return self._bot.get(message_id)

    async def expect_message(
        self,
        timeout: float = 5.0,  # noqa: ASYNC109
        contains: str | None = None,
    ) -> BotMessage:
        """The next bot message here not yet returned by expect_message.

        With `contains`, messages without that text are skipped (and consumed).
        """
        found: list[BotMessage] = []

        def ready() -> bool:
            while self._read < len(self.messages):
                msg = self.messages[self._read]
                self._read += 1
                if contains is None or contains in (msg.text or ""):
                    found.append(msg)
                    return True
            return False

        if not await self._signal.wait_until(ready, timeout):
            what = f" containing {contains!r}" if contains else ""
            raise WaitTimeout(
                f"no new bot message{what} in chat {self.id} within {timeout}s; "
                f"last messages: {self.texts[-5:]!r}"
            )
        return found[0]

    async def expect_edit(
        self,
        timeout: float = 5.0,  # noqa: ASYNC109
        contains: str | None = None,
    ) -> BotMessage:
        """The next edit (editMessageText/Caption/ReplyMarkup) not yet returned here."""
        found: list[BotMessage] = []

        def ready() -> bool:
            while self._edits_read < len(self.edits):
                msg = self.edits[self._edits_read]
                self._edits_read += 1
                if contains is None or contains in (msg.text or ""):
                    found.append(msg)
                    return True
            return False

        if not await self._signal.wait_until(ready, timeout):
            raise WaitTimeout(f"no new edit in chat {self.id} within {timeout}s")
        return found[0]

    async def expect_no_message(self, within: float = 0.3) -> None:
        """Fails if the bot sends a message here (beyond those already read) within `within` s."""
        start = self._read
        if await self._signal.wait_until(lambda: len(self.messages) > start, within):
            raise AssertionError(
                f"unexpected bot message in chat {self.id}: {self.messages[start].text!r}"
            )

    def mark_read(self) -> None:
        """Skip all messages and edits so far: expect_* then wait for new ones."""
        self._read = len(self.messages)
        self._edits_read = len(self.edits)


class FakeUser:
    """A Telegram user talking to the bot (by default in their private chat)."""

    def __init__(
        self,
        server: FakeTelegramServer,
        user_id: int,
        first_name: str,
        *,
        last_name: str | None,
        username: str | None,
        language_code: str | None,
        chat: FakeChat,
    ) -> None:
        self.server = server
        self.id = user_id
        self.first_name = first_name
        self.last_name = last_name
        self.username = username
        self.language_code = language_code
        self.chat = chat

    def __repr__(self) -> str:
        return f"FakeUser({self.id}, {self.first_name!r})"

    def to_dict(self) -> JsonDict:
        d: JsonDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            d["last_name"] = self.last_name
        if self.username:
            d["username"] = self.username
        if self.language_code:
            d["language_code"] = self.language_code
        return d

    @property
    def messages(self) -> list[BotMessage]:
        """All bot messages in this user's private chat."""
        return self.chat.messages

    @property
    def texts(self) -> list[str]:
        return self.chat.texts

    # --- acting ---------------------------------------------------------------------------

    def _message(
        self, chat: FakeChat | None, reply_to: BotMessage | int | None
    ) -> tuple[FakeChat, JsonDict]:
        chat = chat or self.chat
        msg: JsonDict = {
            "message_id": chat._next_message_id(),
            "from": self.to_dict(),
            "chat": chat.to_dict(),
            "date": int(time.time()),
        }
        if reply_to is not None:
            rid = reply_to.message_id if isinstance(reply_to, BotMessage) else reply_to
            target = chat._records.get(rid)
            if target is None:
                raise ValueError(f"no message {rid} in chat {chat.id} to reply to")
            msg["reply_to_message"] = {k: v for k, v in target.items() if k != "reply_to_message"}
        return chat, msg

    def _post(self, chat: FakeChat, msg: JsonDict, duplicate: bool) -> JsonDict:
        chat._records[msg["message_id"]] = msg
        chat.started = True
        chat.members.add(self.id)
        return self.server.enqueue_update("message", msg, chat_key=chat.id, duplicate=duplicate)

    async def send_text(
        self,
        text: str,
        *,
        chat: FakeChat | None = None,
        reply_to: BotMessage | int | None = None,
        duplicate: bool = False,
    ) -> JsonDict:
        """A text message (bot_command entity when it starts with "/"); returns the Update."""
        chat, msg = self._message(chat, reply_to)
        msg["text"] = text
        if entities := _command_entities(text):
            msg["entities"] = entities
        return self._post(chat, msg, duplicate)

    async def send_command(
        self,
        command: str,
        args: str | None = None,
        *,
        chat: FakeChat | None = None,
        duplicate: bool = False,
    ) -> JsonDict:
        text = "/" + command.lstrip("/") + (f" {args}" if args else "")
        return await self.send_text(text, chat=chat, duplicate=duplicate)

    async def send_photo(
        self,
        file_bytes: bytes,
        caption: str | None = None,
        *,
        width: int = 1280,
        height: int = 960,
        chat: FakeChat | None = None,
        duplicate: bool = False,
    ) -> JsonDict:
        """A photo, offered in two sizes (both download as `file_bytes`)."""
        chat, msg = self._message(chat, None)
        msg["photo"] = self.server._photo_sizes(file_bytes, width, height)
        if caption is not None:
            msg["caption"] = caption
        return self._post(chat, msg, duplicate)

    async def send_document(
        self,
        file_bytes: bytes,
        file_name: str = "document.pdf",
        mime_type: str = "application/pdf",
        caption: str | None = None,
        *,
        chat: FakeChat | None = None,
        duplicate: bool = False,
    ) -> JsonDict:
        chat, msg = self._message(chat, None)
        f = self.server.add_file(
            file_bytes, kind="document", file_name=file_name, mime_type=mime_type
        )
        msg["document"] = {
            "file_id": f.file_id,
            "file_unique_id": f.file_unique_id,
            "file_name": file_name,
            "mime_type": mime_type,
            "file_size": f.file_size,
        }
        if caption is not None:
            msg["caption"] = caption
        return self._post(chat, msg, duplicate)

    async def send_sticker(
        self, emoji: str = "👍", *, chat: FakeChat | None = None, duplicate: bool = False
    ) -> JsonDict:
        chat, msg = self._message(chat, None)
        f = self.server.add_file(
            b"RIFF\x00\x00\x00\x00WEBP", kind="sticker", mime_type="image/webp"
        )
        msg["sticker"] = {
            "file_id": f.file_id,
            "file_unique_id": f.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": f.file_size,
        }
        return self._post(chat, msg, duplicate)

    async def send_contact(
        self, phone_number: str, *, chat: FakeChat | None = None, duplicate: bool = False
    ) -> JsonDict:
        """Shares the user's own contact (as a request_contact button does)."""
        chat, msg = self._message(chat, None)
        msg["contact"] = {
            "phone_number": phone_number,
            "first_name": self.first_name,
            "user_id": self.id,
        }
        if self.last_name:
            msg["contact"]["last_name"] = self.last_name
        return self._post(chat, msg, duplicate)

    async def press_button(
        self,
        message: BotMessage,
        callback_data: str | None = None,
        *,
        text: str | None = None,
        force: bool = False,
        duplicate: bool = False,
    ) -> JsonDict:
        """Press an inline button of `message` (by callback_data, or by its `text`).

        Raises ValueError if the message (as currently edited) has no such button, unless
        `force` (a stale keyboard). Returns the Update; its callback_query id is
        ``update["callback_query"]["id"]``.
        """
        if message.deleted and not force:
            raise ValueError(f"{message!r} was deleted")
        if callback_data is None:
            if text is None:
                raise ValueError("give callback_data or text")
            match = next((b for b in message.buttons if b[0] == text), None)
            if match is None or match[1] is None:
                raise ValueError(f"no callback button {text!r} in {message!r}: {message.buttons}")
            callback_data = match[1]
        elif not force and message.keyboard_kind != "inline":
            raise ValueError(f"{message!r} has no inline keyboard")
        elif not force and callback_data not in [b[1] for b in message.buttons]:
            raise ValueError(f"no button {callback_data!r} in {message!r}: {message.buttons}")
        return self.server._press(self, message, callback_data, duplicate)

    async def block(self, *, notify: bool = False) -> None:
        """The user blocks the bot (403 from now on); `notify` queues a my_chat_member update."""
        self.server.block(self.id, notify=notify)

    async def unblock(self) -> None:
        self.server.unblock(self.id)

    # --- observing ------------------------------------------------------------------------

    async def expect_message(
        self,
        timeout: float = 5.0,  # noqa: ASYNC109
        contains: str | None = None,
    ) -> BotMessage:
        """The next bot message to this user (see FakeChat.expect_message)."""
        return await self.chat.expect_message(timeout, contains)

    async def expect_edit(
        self,
        timeout: float = 5.0,  # noqa: ASYNC109
        contains: str | None = None,
    ) -> BotMessage:
        return await self.chat.expect_edit(timeout, contains)

    async def expect_no_message(self, within: float = 0.3) -> None:
        await self.chat.expect_no_message(within)

    async def expect_callback_answer(self, update: JsonDict, timeout: float = 5.0) -> JsonDict:  # noqa: ASYNC109
        """The answerCallbackQuery parameters for the button press `update`."""
        return await self.server.wait_callback_answer(update["callback_query"]["id"], timeout)


# --------------------------------------------------------------------------------------------
# Webhook delivery
# --------------------------------------------------------------------------------------------


class _Webhook:
    """Delivers updates to a URL: in order per chat, up to max_connections chats at once."""

    def __init__(
        self,
        server: FakeTelegramServer,
        url: str,
        secret: str | None,
        max_connections: int,
        ip_address: str | None,
    ) -> None:
        self.server = server
        self.url = url
        self.secret = secret
        self.max_connections = max_connections
        self.ip_address = ip_address
        self.last_error_date: int | None = None
        self.last_error_message: str | None = None
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=server.webhook_timeout),
            connector=aiohttp.TCPConnector(limit=max_connections),
        )
        self._sem = asyncio.Semaphore(max_connections)
        self._lanes: dict[int | None, deque[_Pending]] = {}
        self._tasks: dict[int | None, asyncio.Task[None]] = {}

    @property
    def pending(self) -> int:
        return sum(len(lane) for lane in self._lanes.values())

    def info(self) -> JsonDict:
        d: JsonDict = {
            "url": self.url,
            "has_custom_certificate": False,
            "pending_update_count": self.pending,
            "max_connections": self.max_connections,
        }
        if self.ip_address:
            d["ip_address"] = self.ip_address
        if self.last_error_date is not None:
            d["last_error_date"] = self.last_error_date
            d["last_error_message"] = self.last_error_message
        return d

    def dispatch(self, item: _Pending) -> None:
        lane = self._lanes.setdefault(item.chat_key, deque())
        lane.append(item)
        if item.chat_key not in self._tasks:
            self._tasks[item.chat_key] = asyncio.create_task(self._run(item.chat_key))

    async def _run(self, key: int | None) -> None:
        lane = self._lanes[key]
        try:
            while lane:
                async with self._sem:
                    await self._deliver(lane[0])
                lane.popleft()
        finally:
            self._tasks.pop(key, None)
            if not lane:
                self._lanes.pop(key, None)

    async def _deliver(self, item: _Pending) -> None:
        body = _dumps(item.update).encode()
        headers = {"Content-Type": "application/json"}
        if self.secret:
            headers[SECRET_HEADER] = self.secret
        server = self.server
        while True:
            status: int | None = None
            error: str | None = None
            reply = b""
            reply_type = ""
            try:
                async with self._session.post(self.url, data=body, headers=headers) as resp:
                    status = resp.status
                    reply = await resp.read()
                    reply_type = resp.headers.get("Content-Type", "")
                    if not 200 <= status < 300:
                        error = f"Wrong response from the webhook: {status} {resp.reason}"
            except (aiohttp.ClientError, TimeoutError) as exc:
                error = f"Connection failed: {type(exc).__name__}: {exc}"
            server.webhook_attempts.append(
                WebhookAttempt(item.update_id, self.url, status, error, time.time())
            )
            if error is None:
                server._delivered(item)
                if reply:
                    await server._run_webhook_reply(reply, reply_type)
                return
            self.last_error_date = int(time.time())
            self.last_error_message = error
            server._changed.notify()
            await asyncio.sleep(server.webhook_retry_delay)

    async def close(self) -> list[_Pending]:
        """Stop delivering; the updates not yet delivered (in order per chat)."""
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        left = [item for lane in self._lanes.values() for item in lane]
        self._lanes.clear()
        await self._session.close()
        return left


# --------------------------------------------------------------------------------------------
# The server
# --------------------------------------------------------------------------------------------

Handler = Callable[[JsonDict], Awaitable[Any]]


class FakeTelegramServer:
    """The fake Bot API server; see the module docstring."""

    def __init__(
        self,
        token: str = "123:ABC",  # noqa: S107 - a fake server's fake token
        *,
        strict: bool = True,
        rate_limits: RateLimits | None = None,
        webhook_retry_delay: float = 0.05,
        webhook_timeout: float = 10.0,
        callback_answer_timeout: float = 15.0,
        long_poll_cap: float = 50.0,
        first_update_id: int = 100_000_001,
        bot_first_name: str = BOT_FIRST_NAME,
        bot_username: str = BOT_USERNAME,
    ) -> None:
        self.token = token
        self.bot_id = int(token.split(":", 1)[0])
        self.strict = strict
        self.rate_limits = rate_limits or RateLimits()
        self.webhook_retry_delay = webhook_retry_delay
        self.webhook_timeout = webhook_timeout
        self.callback_answer_timeout = callback_answer_timeout
        self.long_poll_cap = long_poll_cap
        """getUpdates waits at most this long whatever its timeout (lower it to stop bots fast)."""
        self.bot_first_name = bot_first_name
        self.bot_username = bot_username

        self.calls: list[ApiCall] = []
        """Every request, failed ones included."""
        self.sent: list[ApiCall] = []
        """Every successful call except getUpdates."""
        self.faults = FaultInjector()
        self.rate_violations: list[RateViolation] = []
        self.commands: dict[tuple[str, str], list[JsonDict]] = {}
        """setMyCommands payloads by (scope key, language_code); scope keys: "default",
        "all_private_chats", "chat:<id>", "chat_administrators:<id>", "chat_member:<id>:<user>"."""
        self.profile: dict[tuple[str, str], str] = {}
        """("description" | "short_description" | "name", language_code) -> text."""
        self.menu_buttons: dict[int | None, JsonDict] = {}
        self.callback_answers: dict[str, JsonDict] = {}
        self.files: dict[str, FakeFile] = {}
        self.updates: dict[int, JsonDict] = {}
        """Every update ever created, by update_id."""
        self.delivery_counts: dict[int, int] = {}
        """update_id -> times handed to the bot (getUpdates answers + successful webhook POSTs)."""
        self.dropped_updates: list[JsonDict] = []
        """Updates not queued because allowed_updates excluded their kind."""
        self.webhook_attempts: list[WebhookAttempt] = []
        self.webhook_delivery_count = 0
        self.conflicts = 0

        self._chats: dict[int, FakeChat] = {}
        self._users: dict[int, FakeUser] = {}
        self._files_by_path: dict[str, FakeFile] = {}
        self._sent_by_method: dict[str, list[ApiCall]] = {}
        self._callbacks: dict[str, tuple[FakeUser, float]] = {}
        self._queue: deque[_Pending] = deque()
        self._dups: deque[_Pending] = deque()
        self._allowed: frozenset[str] | None = None
        self._webhook: _Webhook | None = None
        self._poller: list[bool] | None = None  # [terminated] of the running getUpdates
        self._updates_signal = _Signal()
        self._changed = _Signal()
        self._next_update_id = first_update_id
        self._counter = itertools.count(1)
        self._global_sends: deque[float] = deque()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._handlers: dict[str, Handler] = {
            "getMe": self._get_me,
            "logOut": self._true,
            "close": self._true,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "sendMediaGroup": self._send_media_group,
            "sendContact": partial(self._send_other, "sendContact"),
            "sendLocation": partial(self._send_other, "sendLocation"),
            "sendDice": partial(self._send_other, "sendDice"),
            "copyMessage": self._copy_message,
            "forwardMessage": self._forward_message,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "deleteMessages": self._delete_messages,
            "answerCallbackQuery": self._answer_callback_query,
            "sendChatAction": self._send_chat_action,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setMyDescription": partial(self._set_profile, "description"),
            "getMyDescription": partial(self._get_profile, "description"),
            "setMyShortDescription": partial(self._set_profile, "short_description"),
            "getMyShortDescription": partial(self._get_profile, "short_description"),
            "setMyName": partial(self._set_profile, "name"),
            "getMyName": partial(self._get_profile, "name"),
            "setChatMenuButton": self._set_menu_button,
            "getChatMenuButton": self._get_menu_button,
            "getChat": self._get_chat,
            "getChatMember": self._get_chat_member,
            "getFile": self._get_file,
        }
        for method in _MEDIA_METHODS:
            self._handlers[method] = partial(self._send_media, method)

    # --- lifecycle ------------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        """Listen on 127.0.0.1 on a free port."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self._port = sock.getsockname()[1]
        await web.SockSite(self._runner, sock, backlog=2048).start()

    async def stop(self) -> None:
        """Stop webhook delivery, answer waiting long polls, close the listener."""
        self._closing = True
        self._updates_signal.notify()
        self._changed.notify()
        if self._webhook is not None:
            hook, self._webhook = self._webhook, None
            await hook.close()
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    close = stop

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._port}"

    def api_url(self, method: str) -> str:
        return f"{self.base_url}/bot{self.token}/{method}"

    def file_url(self, file_path: str) -> str:
        return f"{self.base_url}/file/bot{self.token}/{file_path}"

    @property
    def bot_user(self) -> JsonDict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.bot_first_name,
            "username": self.bot_username,
        }

    # --- users and chats ------------------------------------------------------------------

    def user(
        self,
        user_id: int | None = None,
        first_name: str = "Người dùng",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "vi",
        started: bool = True,
    ) -> FakeUser:
        """The user with this id (created on first use, with a private chat of the same id).

        `started=False`: the user has never opened the bot, so sending to them answers 403
        "bot can't initiate conversation with a user" until they write.
        """
        if user_id is None:
            user_id = 10_000_000 + next(self._counter)
        if (existing := self._users.get(user_id)) is not None:
            return existing
        chat = FakeChat(
            self, user_id, "private", username=username, first_name=first_name, last_name=last_name
        )
        chat.started = started
        chat.members.add(user_id)
        self._chats[user_id] = chat
        user = FakeUser(
            self,
            user_id,
            first_name,
            last_name=last_name,
            username=username,
            language_code=language_code,
            chat=chat,
        )
        self._users[user_id] = user
        return user

    @property
    def users(self) -> list[FakeUser]:
        return list(self._users.values())

    def group(
        self,
        chat_id: int,
        title: str = "Nhóm thi đua",
        *,
        chat_type: Literal["group", "supergroup"] = "supergroup",
        members: Iterable[FakeUser] = (),
        username: str | None = None,
    ) -> FakeChat:
        """A group chat the bot is in; users write there with ``send_text(..., chat=group)``."""
        if (existing := self._chats.get(chat_id)) is not None:
            return existing
        chat = FakeChat(self, chat_id, chat_type, title=title, username=username)
        chat.members.update(u.id for u in members)
        self._chats[chat_id] = chat
        return chat

    def chat(self, chat_id: int) -> FakeChat:
        return self._chats[chat_id]

    def block(self, chat_id: int, *, notify: bool = False) -> None:
        """The user blocks the bot: sends to them answer 403 "bot was blocked by the user"."""
        chat = self._chats[chat_id]
        chat.blocked = True
        if notify and (user := self._users.get(chat_id)) is not None:
            self.enqueue_update(
                "my_chat_member", self._member_update(user, "member", "kicked"), chat_key=chat_id
            )

    def unblock(self, chat_id: int, *, notify: bool = False) -> None:
        chat = self._chats[chat_id]
        chat.blocked = False
        if notify and (user := self._users.get(chat_id)) is not None:
            self.enqueue_update(
                "my_chat_member", self._member_update(user, "kicked", "member"), chat_key=chat_id
            )

    def _member_update(self, user: FakeUser, old: str, new: str) -> JsonDict:
        def member(status: str) -> JsonDict:
            m: JsonDict = {"status": status, "user": self.bot_user}
            if status == "kicked":
                m["until_date"] = 0
            return m

        return {
            "chat": user.chat.to_dict(),
            "from": user.to_dict(),
            "date": int(time.time()),
            "old_chat_member": member(old),
            "new_chat_member": member(new),
        }

    def messages_to(self, chat_id: int) -> list[BotMessage]:
        chat = self._chats.get(chat_id)
        return list(chat.messages) if chat else []

    def texts_to(self, chat_id: int) -> list[str]:
        return [m.text or "" for m in self.messages_to(chat_id)]

    # --- files ----------------------------------------------------------------------------

    def add_file(
        self,
        data: bytes,
        *,
        kind: str = "document",
        file_name: str | None = None,
        mime_type: str | None = None,
        url: str | None = None,
    ) -> FakeFile:
        """Store a file; getFile and /file/bot<token>/<path> serve it."""
        n = next(self._counter)
        ext = (
            Path(file_name).suffix
            if file_name
            else {"photo": ".jpg", "sticker": ".webp"}.get(kind, "")
        )
        f = FakeFile(
            file_id=f"{kind[:2].upper()}ACAgUAAxkB{n:08d}{secrets.token_urlsafe(12)}",
            file_unique_id=f"AgAD{n:06d}{secrets.token_hex(3)}",
            file_path=f"{_FILE_DIRS.get(kind, 'documents')}/file_{n}{ext}",
            data=data,
            file_name=file_name,
            mime_type=mime_type,
            url=url,
        )
        self.files[f.file_id] = f
        self._files_by_path[f.file_path] = f
        return f

    def _photo_sizes(self, data: bytes, width: int, height: int) -> list[JsonDict]:
        sizes = []
        for w, h in (
            (max(1, width * 90 // max(width, height)), max(1, height * 90 // max(width, height))),
            (width, height),
        ):
            f = self.add_file(data, kind="photo", mime_type="image/jpeg")
            sizes.append(
                {
                    "file_id": f.file_id,
                    "file_unique_id": f.file_unique_id,
                    "file_size": f.file_size,
                    "width": w,
                    "height": h,
                }
            )
        return sizes

    # --- updates --------------------------------------------------------------------------

    def enqueue_update(
        self, kind: str, payload: JsonDict, *, chat_key: int | None = None, duplicate: bool = False
    ) -> JsonDict:
        """Queue ``{"update_id": next, kind: payload}`` for delivery; returns the update."""
        uid = self._next_update_id
        self._next_update_id += 1
        update: JsonDict = {"update_id": uid, kind: payload}
        self.updates[uid] = update
        if not self._allowed_kind(kind):
            self.dropped_updates.append(update)
            return update
        self._route(_Pending(uid, update, chat_key))
        if duplicate:
            self._route(_Pending(uid, update, chat_key, duplicate=True))
        return update

    def deliver_twice(self, update_id: int) -> JsonDict:
        """Deliver update `update_id` once more, same update_id, even if already confirmed."""
        update = self.updates[update_id]
        self._route(_Pending(update_id, update, self._chat_key(update), duplicate=True))
        return update

    redeliver = deliver_twice

    @property
    def pending_update_count(self) -> int:
        if self._webhook is not None:
            return self._webhook.pending
        return len(self._queue) + len(self._dups)

    @property
    def long_polling(self) -> bool:
        """Whether a getUpdates request is waiting right now."""
        return self._poller is not None

    @property
    def webhook_url(self) -> str | None:
        return self._webhook.url if self._webhook else None

    @staticmethod
    def _chat_key(update: Mapping[str, Any]) -> int | None:
        payload = update[_kind_of(update)]
        if not isinstance(payload, dict):
            return None
        if isinstance(chat := payload.get("chat"), dict):
            return cast(int, chat.get("id"))
        if isinstance(msg := payload.get("message"), dict) and isinstance(
            chat := msg.get("chat"), dict
        ):
            return cast(int, chat.get("id"))
        if isinstance(sender := payload.get("from"), dict):
            return cast(int, sender.get("id"))
        return None

    def _allowed_kind(self, kind: str) -> bool:
        if self._allowed is None:
            return kind not in OPT_IN_UPDATES
        return kind in self._allowed

    def _route(self, item: _Pending) -> None:
        if self._webhook is not None:
            self._webhook.dispatch(item)
        elif item.duplicate:
            self._dups.append(item)
        else:
            self._queue.append(item)
        self._updates_signal.notify()
        self._changed.notify()

    def _delivered(self, item: _Pending) -> None:
        self.delivery_counts[item.update_id] = self.delivery_counts.get(item.update_id, 0) + 1
        self.webhook_delivery_count += 1
        self._changed.notify()

    def _press(self, user: FakeUser, message: BotMessage, data: str, duplicate: bool) -> JsonDict:
        qid = f"{self.bot_id}{next(self._counter):012d}"
        self._callbacks[qid] = (user, time.monotonic())
        payload = {
            "id": qid,
            "from": user.to_dict(),
            "message": message.message,
            "chat_instance": str(abs(hash((self.bot_id, message.chat_id)))),
            "data": data,
        }
        return self.enqueue_update(
            "callback_query", payload, chat_key=message.chat_id, duplicate=duplicate
        )

    # --- waiting --------------------------------------------------------------------------

    async def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Until `predicate()` holds; re-checked on every call, update and delivery."""
        if not await self._changed.wait_until(predicate, timeout):
            raise WaitTimeout(f"condition not met within {timeout}s")

    async def wait_for_call(
        self,
        method: str,
        where: Callable[[ApiCall], bool] | None = None,
        timeout: float = 5.0,  # noqa: ASYNC109
    ) -> ApiCall:
        """The first successful call of `method` (optionally matching `where`), past or future."""
        calls = self._sent_by_method.setdefault(method, [])
        seen = 0
        found: list[ApiCall] = []

        def ready() -> bool:
            nonlocal seen
            while seen < len(calls):
                call = calls[seen]
                seen += 1
                if where is None or where(call):
                    found.append(call)
                    return True
            return False

        if not await self._changed.wait_until(ready, timeout):
            raise WaitTimeout(f"no matching {method} call within {timeout}s")
        return found[0]

    async def wait_sent(self, count: int, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Until the bot has sent at least `count` messages (all chats)."""
        await self.wait_for(
            lambda: sum(len(c.messages) for c in self._chats.values()) >= count, timeout
        )

    async def wait_updates_consumed(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Until every queued update is confirmed (offset moved past it, or webhook got 2xx)."""
        if not await self._changed.wait_until(lambda: self.pending_update_count == 0, timeout):
            raise WaitTimeout(
                f"{self.pending_update_count} updates still unconfirmed after {timeout}s"
            )

    async def wait_callback_answer(self, query_id: str, timeout: float = 5.0) -> JsonDict:  # noqa: ASYNC109
        """The answerCallbackQuery parameters for `query_id`."""
        await self.wait_for(lambda: query_id in self.callback_answers, timeout)
        return self.callback_answers[query_id]

    # --- HTTP -----------------------------------------------------------------------------

    @staticmethod
    def _response(status: int, payload: JsonDict) -> web.Response:
        return web.Response(
            body=_dumps(payload).encode(), status=status, content_type="application/json"
        )

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return self._response(401, ApiError(401, "Unauthorized").payload())
        f = self._files_by_path.get(request.match_info["path"])
        if f is None:
            return self._response(404, ApiError(404, "Not Found").payload())
        return web.Response(body=f.data, content_type=f.mime_type or "application/octet-stream")

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return self._response(401, ApiError(401, "Unauthorized").payload())
        spec = SPEC.method(request.match_info["method"])
        if spec is None:
            return self._response(404, ApiError(404, "Not Found").payload())
        try:
            raw, uploads = await self._read_params(request)
        except ApiError as e:
            return self._response(e.status, e.payload())
        try:
            status, payload = await self._execute(spec, raw, uploads)
        except _Disconnect:
            if request.transport is not None:
                request.transport.close()
            return web.Response(status=500)
        except _HtmlError as e:
            page = (
                f"<html><head><title>{e.status} Bad Gateway</title></head><body><center>"
                f"<h1>{e.status} Bad Gateway</h1></center><hr><center>nginx</center></body></html>"
            )
            return web.Response(text=page, status=e.status, content_type="text/html")
        return self._response(status, payload)

    @staticmethod
    async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
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

    async def _execute(
        self, spec: ObjectSpec, raw: Mapping[str, Any], uploads: Mapping[str, Upload]
    ) -> tuple[int, JsonDict]:
        """Validate, inject faults, run the method; (status, body). Records the call."""
        method = spec.name
        now = time.time()
        chat_id: int | None = None
        params: JsonDict = dict(raw)
        try:
            params = _Checker(SPEC, uploads, self.strict).params(spec, raw)
            chat_id = self._chat_id_of(params.get("chat_id", _scope_chat_id(params)))
            if (fault := self.faults.take(method, chat_id)) is not None:
                await self._apply(fault)
            handler = self._handlers.get(method) or partial(self._fallback, spec)
            result = await handler(params)
        except ApiError as e:
            self.calls.append(ApiCall(method, params, chat_id, now, e.status, None, e.description))
            self._changed.notify()
            return e.status, e.payload()
        except (_Disconnect, _HtmlError) as e:
            status = e.status if isinstance(e, _HtmlError) else 0
            self.calls.append(ApiCall(method, params, chat_id, now, status, None, type(e).__name__))
            raise
        except Exception as e:  # a bug in the fake: make it loud, not a hang
            error = ApiError(500, f"Internal Server Error: FakeTelegramServer failed: {e!r}")
            self.calls.append(ApiCall(method, params, chat_id, now, 500, None, error.description))
            return 500, error.payload()
        call = ApiCall(method, params, chat_id, now, 200, result)
        self.calls.append(call)
        if method != "getUpdates":
            self.sent.append(call)
            self._sent_by_method.setdefault(method, []).append(call)
        self._changed.notify()
        return 200, {"ok": True, "result": result}

    async def _apply(self, fault: Fault) -> None:
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

    async def _run_webhook_reply(self, body: bytes, content_type: str) -> None:
        """A method in the webhook's answer is executed, as Telegram does."""
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
        method = raw.pop("method", None)
        if isinstance(method, str) and (spec := SPEC.method(method)) is not None:
            with contextlib.suppress(_Disconnect, _HtmlError):
                await self._execute(spec, raw, uploads)

    # --- chat access and rate limits ------------------------------------------------------

    def _chat_id_of(self, value: Any) -> int | None:
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.startswith("@"):
            chat = self._chat_by_username(value[1:])
            return chat.id if chat else None
        return None

    def _chat_by_username(self, username: str) -> FakeChat | None:
        name = username.lower()
        return next(
            (c for c in self._chats.values() if c.username and c.username.lower() == name), None
        )

    def _find_chat(self, chat_id: Any) -> FakeChat:
        cid = self._chat_id_of(chat_id)
        chat = self._chats.get(cid) if cid is not None else None
        if chat is None:
            raise bad_request("chat not found")
        return chat

    def _writable_chat(self, chat_id: Any) -> FakeChat:
        chat = self._find_chat(chat_id)
        if chat.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if not chat.started:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        return chat

    def _rate_gate(self, chat: FakeChat, method: str) -> None:
        limits = self.rate_limits
        now = time.monotonic()
        g = self._global_sends
        while g and g[0] <= now - limits.global_window:
            g.popleft()
        per = chat._sends
        window, limit, scope = (
            (limits.chat_window, limits.chat_limit, "chat")
            if chat.is_private
            else (limits.group_window, limits.group_limit, "group")
        )
        while per and per[0] <= now - window:
            per.popleft()
        found: list[RateViolation] = []
        wall = time.time()
        if len(g) + 1 > limits.global_limit:
            found.append(RateViolation("global", chat.id, method, len(g) + 1, wall))
        if len(per) + 1 > limit:
            found.append(
                RateViolation(
                    cast(Literal["chat", "group"], scope), chat.id, method, len(per) + 1, wall
                )
            )
        if found:
            self.rate_violations.extend(found)
            if limits.enforce:
                waits = []
                if len(g) + 1 > limits.global_limit:
                    waits.append(g[0] + limits.global_window - now)
                if len(per) + 1 > limit:
                    waits.append(per[0] + window - now)
                ra = max(1, math.ceil(max(waits)))
                raise ApiError(429, f"Too Many Requests: retry after {ra}", {"retry_after": ra})
        g.append(now)
        per.append(now)

    # --- building messages ----------------------------------------------------------------

    @staticmethod
    def _visible(params: Mapping[str, Any], key: str) -> tuple[str | None, list[JsonDict]]:
        raw = params.get(key)
        if raw is None:
            return None, []
        ents_key = "entities" if key == "text" else "caption_entities"
        if ents_key in params:
            text, entities = raw, list(params[ents_key])
        else:
            text, entities = parse_entities(raw, params.get("parse_mode"))
        if key == "text":
            if not text.strip():
                raise bad_request("message text is empty")
            if len(text) > MAX_TEXT_LENGTH:
                raise bad_request("message is too long")
        elif len(text) > MAX_CAPTION_LENGTH:
            raise bad_request("message caption is too long")
        return text, entities

    def _reply_target(self, chat: FakeChat, params: Mapping[str, Any]) -> JsonDict | None:
        rp = params.get("reply_parameters")
        if not rp:
            return None
        target_chat = self._find_chat(rp["chat_id"]) if rp.get("chat_id") is not None else chat
        target = target_chat._records.get(rp["message_id"])
        if target is None:
            if rp.get("allow_sending_without_reply"):
                return None
            raise bad_request("message to be replied not found")
        return {k: v for k, v in target.items() if k != "reply_to_message"}

    def _new_bot_message(
        self,
        chat: FakeChat,
        method: str,
        params: JsonDict,
        content: JsonDict,
        *,
        text: str | None,
        raw_text: str | None,
        entities: list[JsonDict],
        file: FakeFile | None = None,
        gate: bool = True,
    ) -> BotMessage:
        reply = self._reply_target(chat, params)
        if gate:
            self._rate_gate(chat, method)
        msg: JsonDict = {
            "message_id": chat._next_message_id(),
            "from": self.bot_user,
            "chat": chat.to_dict(),
            "date": int(time.time()),
        }
        if reply is not None:
            msg["reply_to_message"] = reply
        msg.update(content)
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            msg["reply_markup"] = markup
        record = BotMessage(
            chat_id=chat.id,
            message_id=msg["message_id"],
            method=method,
            text=text,
            raw_text=raw_text,
            entities=entities,
            reply_markup=markup if isinstance(markup, dict) else None,
            params=params,
            message=msg,
            time=time.time(),
            file=file,
        )
        chat._add_bot_message(record)
        return record

    def _input_file(self, value: Any, kind: str) -> FakeFile:
        if isinstance(value, Upload):
            if not value.data:
                raise bad_request("file must be non-empty")
            return self.add_file(
                value.data, kind=kind, file_name=value.filename, mime_type=value.content_type
            )
        if isinstance(value, str):
            if value.startswith("attach://"):
                raise bad_request(f"file {value} is not attached")
            if (known := self.files.get(value)) is not None:
                return known
            if _URL_RE.fullmatch(value) and value.lower().startswith("http"):
                name = urlsplit(value).path.rsplit("/", 1)[-1] or None
                return self.add_file(b"", kind=kind, file_name=name, url=value)
        raise bad_request("wrong file identifier/HTTP URL specified")

    def _media_object(self, kind: str, f: FakeFile, params: Mapping[str, Any]) -> Any:
        base: JsonDict = {
            "file_id": f.file_id,
            "file_unique_id": f.file_unique_id,
            "file_size": f.file_size,
        }
        if kind == "photo":
            return self._photo_sizes(f.data, 1280, 960)
        if kind in ("document", "audio", "video", "animation", "voice"):
            if f.file_name and kind != "voice":
                base["file_name"] = f.file_name
            if f.mime_type:
                base["mime_type"] = f.mime_type
        if kind in ("audio", "video", "animation", "voice", "video_note"):
            base["duration"] = int(params.get("duration") or 1)
        if kind in ("video", "animation"):
            base["width"] = int(params.get("width") or 640)
            base["height"] = int(params.get("height") or 480)
        if kind == "video_note":
            base["length"] = int(params.get("length") or 240)
        if kind == "sticker":
            base.update(type="regular", width=512, height=512, is_animated=False, is_video=False)
            if params.get("emoji"):
                base["emoji"] = params["emoji"]
        return base

    # --- method handlers ------------------------------------------------------------------

    async def _true(self, params: JsonDict) -> Any:
        return True

    async def _fallback(self, spec: ObjectSpec, params: JsonDict) -> Any:
        if spec.returns == ("Boolean",):
            return True
        if spec.returns[:1] == ("Message",) and "chat_id" in params:
            return await self._send_other(spec.name, params)
        raise bad_request(f"method {spec.name} is not emulated by FakeTelegramServer")

    async def _get_me(self, params: JsonDict) -> Any:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _get_updates(self, params: JsonDict) -> Any:
        if self._webhook is not None:
            raise ApiError(409, _CONFLICT_WEBHOOK)
        offset = int(params.get("offset", 0))
        limit = min(max(int(params.get("limit", 100)), 1), 100)
        timeout = min(max(float(params.get("timeout", 0)), 0.0), self.long_poll_cap)
        if (allowed := params.get("allowed_updates")) is not None:
            self._allowed = frozenset(allowed) if allowed else None
        self._confirm(offset)
        if self._poller is not None:  # the older request loses, as on the real server
            self._poller[0] = True
            self.conflicts += 1
            self._updates_signal.notify()
        me = [False]
        self._poller = me
        self._changed.notify()
        try:
            if timeout > 0 and not (self._queue or self._dups):
                await self._updates_signal.wait_until(
                    lambda: (
                        bool(self._queue or self._dups)
                        or me[0]
                        or self._closing
                        or self._webhook is not None
                    ),
                    timeout,
                )
            if me[0]:
                raise ApiError(409, _CONFLICT_POLL)
            if self._webhook is not None:
                raise ApiError(409, _CONFLICT_WEBHOOK)
            return self._take(limit)
        finally:
            if self._poller is me:
                self._poller = None

    def _confirm(self, offset: int) -> None:
        q = self._queue
        before = len(q)
        if offset > 0:
            while q and q[0].update_id < offset:
                q.popleft()
        elif offset < 0:
            while len(q) > -offset:
                q.popleft()
        if len(q) != before:
            self._changed.notify()

    def _take(self, limit: int) -> list[JsonDict]:
        out: list[JsonDict] = []
        while self._dups and len(out) < limit:
            out.append(self._dups.popleft().update)
        out.extend(item.update for item in itertools.islice(self._queue, limit - len(out)))
        counts = self.delivery_counts
        for u in out:
            counts[u["update_id"]] = counts.get(u["update_id"], 0) + 1
        if out:
            self._changed.notify()
        return out

    async def _set_webhook(self, params: JsonDict) -> Any:
        url = params["url"]
        if not url:
            return await self._delete_webhook(params)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise bad_request("bad webhook: invalid URL")
        if parts.scheme == "http" and parts.hostname not in _LOOPBACK_HOSTS:
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        secret = params.get("secret_token")
        if secret is not None and not _SECRET_RE.fullmatch(secret):
            raise bad_request("secret token contains unallowed characters")
        max_conn = int(params.get("max_connections", 40))
        if not 1 <= max_conn <= 100:
            raise bad_request("bad webhook: max_connections must be between 1 and 100")
        if (allowed := params.get("allowed_updates")) is not None:
            self._allowed = frozenset(allowed) if allowed else None
        left = await self._stop_webhook()
        if params.get("drop_pending_updates"):
            left = []
            self._queue.clear()
            self._dups.clear()
        hook = _Webhook(self, url, secret, max_conn, params.get("ip_address"))
        self._webhook = hook
        pending = sorted([*left, *self._queue], key=lambda p: p.update_id) + list(self._dups)
        self._queue.clear()
        self._dups.clear()
        for item in pending:
            hook.dispatch(item)
        self._updates_signal.notify()
        return True

    async def _stop_webhook(self) -> list[_Pending]:
        if self._webhook is None:
            return []
        hook, self._webhook = self._webhook, None
        return await hook.close()

    async def _delete_webhook(self, params: JsonDict) -> Any:
        left = await self._stop_webhook()
        if params.get("drop_pending_updates"):
            self._queue.clear()
            self._dups.clear()
            return True
        regular = [p for p in left if not p.duplicate]
        self._queue = deque(sorted([*regular, *self._queue], key=lambda p: p.update_id))
        self._dups.extend(p for p in left if p.duplicate)
        self._changed.notify()
        return True

    async def _get_webhook_info(self, params: JsonDict) -> Any:
        if self._webhook is not None:
            info = self._webhook.info()
            if self._allowed is not None:
                info["allowed_updates"] = sorted(self._allowed)
            return info
        return {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": self.pending_update_count,
        }

    async def _send_message(self, params: JsonDict) -> Any:
        chat = self._writable_chat(params["chat_id"])
        text, entities = self._visible(params, "text")
        content: JsonDict = {"text": text}
        if entities:
            content["entities"] = entities
        rec = self._new_bot_message(
            chat,
            "sendMessage",
            params,
            content,
            text=text,
            raw_text=params["text"],
            entities=entities,
        )
        return rec.message

    async def _send_media(self, method: str, params: JsonDict) -> Any:
        kind = _MEDIA_METHODS[method]
        chat = self._writable_chat(params["chat_id"])
        caption, entities = self._visible(params, "caption")
        f = self._input_file(params[kind], kind)
        content: JsonDict = {kind: self._media_object(kind, f, params)}
        if caption:
            content["caption"] = caption
            if entities:
                content["caption_entities"] = entities
        rec = self._new_bot_message(
            chat,
            method,
            params,
            content,
            text=caption,
            raw_text=params.get("caption"),
            entities=entities,
            file=f,
        )
        return rec.message

    async def _send_media_group(self, params: JsonDict) -> Any:
        chat = self._writable_chat(params["chat_id"])
        media = params["media"]
        if not 2 <= len(media) <= 10:
            raise bad_request("wrong number of media specified; must be 2-10")
        group_id = str(next(self._counter) + 10**17)
        out = []
        for i, item in enumerate(media):
            kind = item["type"]
            caption, entities = self._visible(item, "caption")
            f = self._input_file(item["media"], kind)
            content: JsonDict = {
                "media_group_id": group_id,
                kind: self._media_object(kind, f, item),
            }
            if caption:
                content["caption"] = caption
            rec = self._new_bot_message(
                chat,
                "sendMediaGroup",
                params,
                content,
                text=caption,
                raw_text=item.get("caption"),
                entities=entities,
                file=f,
                gate=i == 0,
            )
            out.append(rec.message)
        return out

    async def _send_other(self, method: str, params: JsonDict) -> Any:
        chat = self._writable_chat(params["chat_id"])
        content: JsonDict = {}
        if "phone_number" in params:
            content["contact"] = {
                k: params[k]
                for k in ("phone_number", "first_name", "last_name", "vcard")
                if k in params
            }
        elif "latitude" in params:
            content["location"] = {"latitude": params["latitude"], "longitude": params["longitude"]}
        elif method == "sendDice":
            content["dice"] = {"emoji": params.get("emoji", "🎲"), "value": 1}
        rec = self._new_bot_message(
            chat, method, params, content, text=None, raw_text=None, entities=[]
        )
        return rec.message

    def _source_message(self, params: Mapping[str, Any], what: str) -> JsonDict:
        source = self._find_chat(params["from_chat_id"])._records.get(params["message_id"])
        if source is None:
            raise bad_request(f"message to {what} not found")
        return source

    async def _copy_message(self, params: JsonDict) -> Any:
        source = self._source_message(params, "copy")
        chat = self._writable_chat(params["chat_id"])
        content = {k: v for k, v in source.items() if k in _CONTENT_KEYS}
        if "caption" in params:
            caption, _ = self._visible(params, "caption")
            content["caption"] = caption
        text = content.get("text", content.get("caption"))
        rec = self._new_bot_message(
            chat, "copyMessage", params, content, text=text, raw_text=text, entities=[]
        )
        return {"message_id": rec.message_id}

    async def _forward_message(self, params: JsonDict) -> Any:
        source = self._source_message(params, "forward")
        chat = self._writable_chat(params["chat_id"])
        content = {k: v for k, v in source.items() if k in _CONTENT_KEYS}
        sender = source.get("from", self.bot_user)
        content["forward_origin"] = {"type": "user", "sender_user": sender, "date": source["date"]}
        text = content.get("text", content.get("caption"))
        rec = self._new_bot_message(
            chat, "forwardMessage", params, content, text=text, raw_text=text, entities=[]
        )
        return rec.message

    def _editable(self, params: Mapping[str, Any]) -> BotMessage:
        chat = self._find_chat(params.get("chat_id"))
        if "message_id" not in params:
            raise bad_request("message identifier is not specified")
        rec = chat.bot_message(params["message_id"])
        if rec is None or rec.deleted:
            if params["message_id"] in chat._records:
                raise bad_request("message can't be edited")
            raise bad_request("message to edit not found")
        return rec

    def _apply_edit(self, rec: BotMessage, updates: JsonDict, markup: JsonDict | None) -> JsonDict:
        inline = markup if markup and "inline_keyboard" in markup else None
        old_inline = rec.message.get("reply_markup")
        same = all((rec.message.get(k) or None) == (v or None) for k, v in updates.items())
        if same and inline == old_inline:
            raise bad_request(_NOT_MODIFIED.removeprefix("Bad Request: "))
        msg = {k: v for k, v in rec.message.items() if k not in ("reply_markup", "edit_date")}
        for k, v in updates.items():
            if v:
                msg[k] = v
            else:
                msg.pop(k, None)
        msg["edit_date"] = int(time.time())
        if inline is not None:
            msg["reply_markup"] = inline
        rec.message = msg
        rec.reply_markup = (
            inline
            if inline is not None
            else (None if rec.keyboard_kind == "inline" else rec.reply_markup)
        )
        rec.edit_count += 1
        self._chats[rec.chat_id]._add_edit(rec)
        return msg

    async def _edit_message_text(self, params: JsonDict) -> Any:
        if "inline_message_id" in params:
            return True
        rec = self._editable(params)
        if "text" not in rec.message:
            raise bad_request("there is no text in the message to edit")
        text, entities = self._visible(params, "text")
        msg = self._apply_edit(
            rec, {"text": text, "entities": entities}, params.get("reply_markup")
        )
        rec.text, rec.raw_text, rec.entities = text, params["text"], entities
        return msg

    async def _edit_message_caption(self, params: JsonDict) -> Any:
        if "inline_message_id" in params:
            return True
        rec = self._editable(params)
        if "text" in rec.message:
            raise bad_request("there is no caption in the message to edit")
        caption, entities = self._visible(params, "caption")
        msg = self._apply_edit(
            rec, {"caption": caption, "caption_entities": entities}, params.get("reply_markup")
        )
        rec.text, rec.raw_text, rec.entities = caption, params.get("caption"), entities
        return msg

    async def _edit_message_reply_markup(self, params: JsonDict) -> Any:
        if "inline_message_id" in params:
            return True
        rec = self._editable(params)
        return self._apply_edit(rec, {}, params.get("reply_markup"))

    def _delete_one(self, chat: FakeChat, message_id: int) -> None:
        if message_id not in chat._records:
            raise bad_request("message to delete not found")
        rec = chat.bot_message(message_id)
        if rec is not None and rec.deleted:
            raise bad_request("message to delete not found")
        if rec is None and not chat.is_private:
            raise bad_request("message can't be deleted")
        if rec is not None:
            rec.deleted = True
        del chat._records[message_id]

    async def _delete_message(self, params: JsonDict) -> Any:
        self._delete_one(self._find_chat(params["chat_id"]), params["message_id"])
        return True

    async def _delete_messages(self, params: JsonDict) -> Any:
        chat = self._find_chat(params["chat_id"])
        for mid in params["message_ids"]:
            with contextlib.suppress(ApiError):
                self._delete_one(chat, mid)
        return True

    async def _answer_callback_query(self, params: JsonDict) -> Any:
        qid = params["callback_query_id"]
        entry = self._callbacks.get(qid)
        if (
            entry is None
            or qid in self.callback_answers
            or time.monotonic() - entry[1] > self.callback_answer_timeout
        ):
            raise bad_request(_QUERY_INVALID.removeprefix("Bad Request: "))
        self.callback_answers[qid] = params
        return True

    async def _send_chat_action(self, params: JsonDict) -> Any:
        chat = self._writable_chat(params["chat_id"])
        if params["action"] not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        chat.actions.append(params["action"])
        return True

    @staticmethod
    def _scope_key(scope: Mapping[str, Any] | None) -> str:
        if not scope:
            return "default"
        kind = str(scope["type"])
        if kind in ("chat", "chat_administrators"):
            return f"{kind}:{scope['chat_id']}"
        if kind == "chat_member":
            return f"{kind}:{scope['chat_id']}:{scope['user_id']}"
        return kind

    def _commands_key(self, params: Mapping[str, Any]) -> tuple[str, str]:
        lang = str(params.get("language_code") or "")
        if lang and not re.fullmatch(r"[a-z]{2}", lang):
            raise bad_request("invalid language code specified")
        scope = params.get("scope")
        if scope and "chat_id" in scope:
            self._find_chat(scope["chat_id"])  # a chat the bot does not know: "chat not found"
        return self._scope_key(scope), lang

    def menu(self, chat_id: int, language_code: str | None = None) -> list[JsonDict]:
        """The commands a user sees in their private chat with the bot: Telegram's order is the
        chat's own list, then all private chats', then the default one; each first in the
        user's language (`language_code`, else the user's own), then without a language."""
        if language_code is None and (user := self._users.get(chat_id)) is not None:
            language_code = user.language_code
        for scope in (f"chat:{chat_id}", "all_private_chats", "default"):
            for lang in (language_code or "", ""):
                if (found := self.commands.get((scope, lang))) is not None:
                    return found
        return []

    def menu_names(self, chat_id: int, language_code: str | None = None) -> list[str]:
        """The command names of `menu`, in order."""
        return [str(c["command"]) for c in self.menu(chat_id, language_code)]

    async def _set_my_commands(self, params: JsonDict) -> Any:
        key = self._commands_key(params)
        commands = params["commands"]
        if len(commands) > 100:
            raise bad_request("too many commands specified")
        if commands:
            self.commands[key] = commands
        else:
            self.commands.pop(key, None)
        return True

    async def _get_my_commands(self, params: JsonDict) -> Any:
        return self.commands.get(self._commands_key(params), [])

    async def _delete_my_commands(self, params: JsonDict) -> Any:
        self.commands.pop(self._commands_key(params), None)
        return True

    async def _set_profile(self, field_name: str, params: JsonDict) -> Any:
        limits = {"description": 512, "short_description": 120, "name": 64}
        value = str(params.get(field_name) or "")
        if len(value) > limits[field_name]:
            raise bad_request(f"{field_name.replace('_', ' ')} is too long")
        key = (field_name, str(params.get("language_code") or ""))
        if value:
            self.profile[key] = value
        else:
            self.profile.pop(key, None)
        return True

    async def _get_profile(self, field_name: str, params: JsonDict) -> Any:
        lang = str(params.get("language_code") or "")
        value = self.profile.get((field_name, lang), self.profile.get((field_name, ""), ""))
        if field_name == "name" and not value:
            value = self.bot_first_name
        return {field_name: value}

    async def _set_menu_button(self, params: JsonDict) -> Any:
        chat_id = params.get("chat_id")
        if chat_id is not None:
            self._find_chat(chat_id)
        self.menu_buttons[chat_id] = params.get("menu_button") or {"type": "default"}
        return True

    async def _get_menu_button(self, params: JsonDict) -> Any:
        return self.menu_buttons.get(
            params.get("chat_id"), self.menu_buttons.get(None, {"type": "commands"})
        )

    async def _get_chat(self, params: JsonDict) -> Any:
        chat = self._find_chat(params["chat_id"])
        return {
            **chat.to_dict(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    async def _get_chat_member(self, params: JsonDict) -> Any:
        chat = self._find_chat(params["chat_id"])
        uid = params["user_id"]
        if uid == self.bot_id:
            return {
                "status": "kicked" if chat.blocked else "member",
                "user": self.bot_user,
                **({"until_date": 0} if chat.blocked else {}),
            }
        user = self._users.get(uid)
        if user is None:
            raise bad_request("user not found")
        return {"status": "member" if uid in chat.members else "left", "user": user.to_dict()}

    async def _get_file(self, params: JsonDict) -> Any:
        f = self.files.get(params["file_id"])
        if f is None:
            raise bad_request("invalid file_id")
        return f.as_file()
