"""Reading Vietnamese as people type it: with or without diacritics, any case."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower-case, diacritics removed (đ → d), spaces collapsed: `Hủy ` → `huy`."""
    text = unicodedata.normalize("NFD", text.strip().lower())
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.replace("đ", "d")
    return " ".join(text.split())
