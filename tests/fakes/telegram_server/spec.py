"""The Bot API spec (``api.json``) and the per-call checks made against it.

The spec is loaded once at import (``SPEC``): ``TELEGRAM_API_SPEC``, else
``shared/docs/telegram-bot-api/api.json`` beside the repository. ``_Checker`` validates and
normalises a call's parameters -- required ones, unknown parameters and fields (``strict``),
types, recursively through nested objects -- and the limits the spec only states in prose for
inline buttons (callback_data 1-64 bytes, one action) and bot commands.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final, cast

from tests.fakes.telegram_server.common import ApiError, JsonDict, bad_request
from tests.fakes.telegram_server.multipart import Upload

MAX_CALLBACK_DATA_BYTES: Final = 64


def _spec_candidates() -> list[Path]:
    paths: list[Path] = []
    if env := os.environ.get("TELEGRAM_API_SPEC"):
        paths.append(Path(env))
    repo = Path(__file__).resolve().parents[3]
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


_BUTTON_DECOR: Final = frozenset({"text", "icon_custom_emoji_id", "style"})
_EMPTY_MESSAGES: Final = {"text": "message text is empty"}
_JSON_LABELS: Final = {"reply_markup": "reply keyboard markup", "entities": "entities"}


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
