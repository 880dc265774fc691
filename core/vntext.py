"""Reading Vietnamese as people type it: with or without diacritics, any case."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower-case, diacritics removed (đ → d), spaces collapsed: `Hủy ` → `huy`."""
    text = unicodedata.normalize("NFD", text.strip().lower())
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.replace("đ", "d")
    return " ".join(text.split())


def slug(text: str, limit: int = 60) -> str:
    """A file-name part from Vietnamese: folded, words joined by hyphens, other characters
    dropped, cut at a word under `limit`: `Gửi văn bản phát động` → `gui-van-ban-phat-dong`."""
    words = "".join(ch if ch.isascii() and ch.isalnum() else " " for ch in fold(text)).split()
    out = ""
    for word in words:
        joined = f"{out}-{word}" if out else word
        if len(joined) > limit and out:
            break
        out = joined
    return out[:limit]
