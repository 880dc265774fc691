"""Word drafts of the year's end: achievement report, proposals, minutes, summary, reminder.

Each ``render_*`` takes the frozen dataclasses of ``model`` and returns file bytes; writing them
is the caller's job. Only the standard library and third-party libraries are imported here.

The renderers are imported when first used (PEP 562 module ``__getattr__``): they bring
python-docx, docxtpl with Jinja2 and XlsxWriter, about a quarter of a second and tens of MB
that a bot serving reports does not need until someone asks for a draft. ``model`` is plain
dataclasses and imports nothing heavy.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from documents.drafts.achievement import render_bao_cao_thanh_tich
    from documents.drafts.annex import render_tong_ket_xlsx
    from documents.drafts.minutes import render_bien_ban
    from documents.drafts.proposal import render_to_trinh
    from documents.drafts.reminder import render_cong_van
    from documents.drafts.summary import render_tong_ket

_WHERE = {
    "render_bao_cao_thanh_tich": "achievement",
    "render_tong_ket_xlsx": "annex",
    "render_bien_ban": "minutes",
    "render_to_trinh": "proposal",
    "render_cong_van": "reminder",
    "render_tong_ket": "summary",
}

__all__ = [
    "render_bao_cao_thanh_tich",
    "render_bien_ban",
    "render_cong_van",
    "render_to_trinh",
    "render_tong_ket",
    "render_tong_ket_xlsx",
]


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"documents.drafts.{module}"), name)
    globals()[name] = value
    return value
