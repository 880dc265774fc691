"""parse_mode: the visible text and entities Telegram makes of HTML, MarkdownV2 and Markdown.

``parse_entities`` answers ``ApiError`` (400 "can't parse entities: ...") where Telegram does:
unsupported or unclosed tags, unmatched end tags, unescaped reserved characters, entities that
never end. Offsets and lengths are in UTF-16 code units.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from tests.fakes.telegram_server.common import ApiError, JsonDict, bad_request


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
