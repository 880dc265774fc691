"""Fitting a reply to a channel: numbered options, and clean splits at the length limit."""

from __future__ import annotations

from core.messages import Reply, typed_as_values, typed_as_words


def with_numbered_options(reply: Reply) -> str:
    """The reply's text with its choices listed as `1. …`, which every channel can show."""
    if not reply.choices:
        return reply.text
    if typed_as_words(reply.choices):  # words to type, so a "1" is never an action
        from core.texts import common as texts

        typed = texts.TYPE_ONE_OF.format(options=" · ".join(c.typed for c in reply.choices))
        return reply.text.rstrip() + "\n\n" + typed
    if typed_as_values([c.label for c in reply.choices]):  # "4" is 4 codes, not option 4
        return reply.text.rstrip() + "\n\n" + "  ·  ".join(c.label for c in reply.choices)
    lines = [f"{i}. {c.label}" for i, c in enumerate(reply.choices, start=1)]
    return reply.text.rstrip() + "\n\n" + "\n".join(lines)


def with_text_fallbacks(reply: Reply) -> str:
    """The text for a channel that can send neither buttons nor files: numbered options, and a
    note in place of the attachment."""
    text = with_numbered_options(reply)
    if reply.attachment is None:
        return text
    from core.texts import common as texts

    return text.rstrip() + "\n\n" + texts.ATTACHMENT_NOT_ON_CHANNEL


def split_text(text: str, limit: int) -> list[str]:
    """Split `text` into pieces of at most `limit` characters.

    Cuts at a blank line if one is near the end of a piece, else at a line break, else at a
    space, and only inside a word when a single word is longer than the limit.
    """
    if limit <= 0:
        raise ValueError("limit must be positive")
    text = text.strip()
    pieces: list[str] = []
    while len(text) > limit:
        window = text[: limit + 1]
        cut = -1
        for sep in ("\n\n", "\n", " "):
            pos = window.rfind(sep)
            if pos > limit // 3:
                cut = pos
                break
        if cut <= 0:
            cut = limit
        piece, text = text[:cut].rstrip(), text[cut:].lstrip()
        if piece:
            pieces.append(piece)
    if text:
        pieces.append(text)
    return pieces or [""]
