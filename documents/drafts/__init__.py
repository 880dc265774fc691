"""Word drafts of the year's end: achievement report, proposals, minutes, summary, reminder.

Each ``render_*`` takes the frozen dataclasses of ``model`` and returns file bytes; writing them
is the caller's job. Only the standard library and third-party libraries are imported here.
"""

from documents.drafts.achievement import render_bao_cao_thanh_tich
from documents.drafts.annex import render_tong_ket_xlsx
from documents.drafts.minutes import render_bien_ban
from documents.drafts.proposal import render_to_trinh
from documents.drafts.reminder import render_cong_van
from documents.drafts.summary import render_tong_ket

__all__ = [
    "render_bao_cao_thanh_tich",
    "render_bien_ban",
    "render_cong_van",
    "render_to_trinh",
    "render_tong_ket",
    "render_tong_ket_xlsx",
]
