"""Folding Vietnamese text so that matching forgives normal forms, spelling variants and case."""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

_SPACE_RE = re.compile(r"\s+")
_ORG_ABBREVIATIONS = (
    ("uy ban nhan dan", "ubnd"),
    ("hoi dong nhan dan", "hdnd"),
    ("thanh pho", "tp"),
)


def nfc(text: str) -> str:
    """NFC: text from a Mac (NFD) and from Windows (NFC) compare and slice alike."""
    return unicodedata.normalize("NFC", text)


def fold_char(ch: str) -> str:
    """One lower-case ASCII-ish character for one NFC character, so offsets stay aligned."""
    if ch in "đĐ":
        return "d"
    base = unicodedata.normalize("NFD", ch)[0]
    return base.lower() if len(base.lower()) == 1 else ch


def fold(text: str) -> str:
    """Same length as the NFC text: no diacritics, lower case. Slices map back to the original."""
    return "".join(fold_char(c) for c in unicodedata.normalize("NFC", text))


def key(text: str) -> str:
    """A comparison key: folded, abbreviations unified, punctuation and spacing collapsed.

    Folding the diacritics away also makes "Hoà" and "Hòa", "Thuỷ" and "Thủy" one key.
    """
    k = fold(text)
    k = re.sub(r"[^\w/]+", " ", k)
    k = _SPACE_RE.sub(" ", k).strip()
    for long, short in _ORG_ABBREVIATIONS:
        k = k.replace(long, short)
    return k


def similar(a: str, b: str) -> float:
    """Similarity of two comparison keys, 0 to 1."""
    return SequenceMatcher(None, key(a), key(b), autojunk=False).ratio()


def contains_fuzzy(haystack: str, needle: str, threshold: float = 0.85) -> bool:
    """Whether the needle appears in the haystack, allowing OCR slips of a few characters."""
    h, n = key(haystack), key(needle)
    if not n:
        return True
    if n in h:
        return True
    size = len(n)
    if len(h) < size * threshold:
        return False
    step = max(1, size // 8)
    for start in range(0, max(1, len(h) - size + 1), step):
        window = h[start : start + size + size // 10]
        if SequenceMatcher(None, window, n, autojunk=False).ratio() >= threshold:
            return True
    return False


def collapse(text: str) -> str:
    """Single spaces, no ends: how extracted lines are kept."""
    return _SPACE_RE.sub(" ", text).strip()
