"""What passes between a channel adapter and the conversations, whatever the messenger.

A channel turns its messenger's update into an `Incoming`, and renders each `Reply` in its
own way (buttons where it has them, numbered options always). Nothing here names a messenger.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from enum import StrEnum
from typing import Any

# Control characters (C0 but tab and newline, DEL, C1) and the lone surrogates a bad client can
# send: nothing stored keeps them (a NUL makes every PostgreSQL write fail, JSON included).
_CONTROL_IN_TEXT = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL_IN_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def clean_text(text: str) -> str:
    """A typed text without control characters (tabs and line breaks stay)."""
    return _CONTROL_IN_TEXT.sub("", text)


def clean_line(text: str) -> str:
    """A one-line value (a display name, a file name) without any control character."""
    return _CONTROL_IN_LINE.sub("", text).strip()


class Kind(StrEnum):
    """What the person sent."""

    TEXT = "text"
    CALLBACK = "callback"  # a button was pressed; `text` holds its value
    PHOTO = "photo"
    DOCUMENT = "document"
    STICKER = "sticker"
    VOICE = "voice"
    OTHER = "other"
    # Never from a messenger: the bot's own follow-up of a conversation (work finished after
    # a commit, e.g. a document read), fed into the pipeline like an update.
    INTERNAL = "internal"


@dataclass(frozen=True, slots=True)
class FileRef:
    """A file the person sent, as the channel can fetch it later."""

    file_id: str
    file_name: str | None = None
    mime_type: str | None = None
    size: int | None = None
    url: str | None = None
    # Set by the pipeline once the file is downloaded to the staging area (or could not be).
    local_path: str | None = None
    error: str | None = None  # "too_big" | "unavailable"


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

    def cleaned(self) -> Incoming:
        """This update without control characters in what a person typed or named."""
        text, name = clean_text(self.text), clean_line(self.display_name)
        file = self.file
        if file is not None and file.file_name is not None:
            fname = clean_line(file.file_name)
            if fname != file.file_name:
                file = replace(file, file_name=fname)
        if text == self.text and name == self.display_name and file is self.file:
            return self
        return replace(self, text=text, display_name=name, file=file)

    def to_json(self) -> dict[str, Any]:
        # Written out rather than dataclasses.asdict: this runs for every update.
        return {
            "channel": self.channel,
            "update_key": self.update_key,
            "chat_id": self.chat_id,
            "user_id": self.user_id,
            "kind": self.kind.value,
            "text": self.text,
            "display_name": self.display_name,
            "file": asdict(self.file) if self.file is not None else None,
            "callback_id": self.callback_id,
            "message_id": self.message_id,
        }

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
    # What a person types to choose it ("gửi", "sửa 3"): where set on every choice, options are
    # shown as words to type, never numbered, and a typed number is not a position.
    typed: str = ""


_VALUE_LABEL = re.compile(r"^(?:\d+|Tháng \d{1,2}/\d{4})$")


def typed_as_values(labels: Sequence[str]) -> bool:
    """Options whose labels are themselves what people type (numbers, months): a typed number
    is then that value, never a position, and the options are listed without numbers."""
    return bool(labels) and all(_VALUE_LABEL.match(str(label)) for label in labels)


def typed_as_words(choices: Sequence[Choice]) -> bool:
    """Options chosen by typing a word (`Choice.typed`), listed as words, not positions."""
    return bool(choices) and all(c.typed for c in choices)


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file to send with a reply (a chart, an export): a path on our disk, never user input."""

    path: str
    kind: str = "document"  # "photo" or "document"
    file_name: str = ""


@dataclass(frozen=True, slots=True)
class Reply:
    """A message to send; choices become numbered lines everywhere and buttons where possible.

    With an attachment, the text is its caption (channels that cannot send the file say so)."""

    text: str
    choices: tuple[Choice, ...] = field(default=())
    attachment: Attachment | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "text": self.text,
            "choices": [
                [c.label, c.value, c.typed] if c.typed else [c.label, c.value]
                for c in self.choices
            ],
        }
        if self.attachment is not None:
            data["attachment"] = asdict(self.attachment)
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Reply:
        att = data.get("attachment")
        return cls(
            text=data["text"],
            choices=tuple(Choice(*c) for c in data["choices"]),
            attachment=Attachment(**att) if att else None,
        )
