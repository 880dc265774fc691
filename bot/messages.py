"""What passes between a channel adapter and the conversations, whatever the messenger.

A channel turns its messenger's update into an `Incoming`, and renders each `Reply` in its
own way (buttons where it has them, numbered options always). Nothing here names a messenger.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """What the person sent."""

    TEXT = "text"
    CALLBACK = "callback"  # a button was pressed; `text` holds its value
    PHOTO = "photo"
    DOCUMENT = "document"
    STICKER = "sticker"
    VOICE = "voice"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class FileRef:
    """A file the person sent, as the channel can fetch it later."""

    file_id: str
    file_name: str | None = None
    mime_type: str | None = None
    size: int | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Incoming:
    """One update from a person, normalised; `update_key` is unique within its channel."""

    channel: str
    update_key: str
    chat_id: str
    user_id: str
    kind: Kind
    text: str = ""
    display_name: str = ""
    file: FileRef | None = None
    callback_id: str | None = None
    message_id: str | None = None

    @property
    def chat_key(self) -> tuple[str, str]:
        return (self.channel, self.chat_id)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Incoming:
        data = dict(data)
        file = data.pop("file", None)
        return cls(
            **{**data, "kind": Kind(data["kind"])},
            file=FileRef(**file) if file else None,
        )


@dataclass(frozen=True, slots=True)
class Choice:
    """An option offered to the person; `value` is what comes back when it is chosen."""

    label: str
    value: str


@dataclass(frozen=True, slots=True)
class Reply:
    """A message to send; choices become numbered lines everywhere and buttons where possible."""

    text: str
    choices: tuple[Choice, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "choices": [[c.label, c.value] for c in self.choices]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reply:
        return cls(text=data["text"], choices=tuple(Choice(lbl, v) for lbl, v in data["choices"]))
