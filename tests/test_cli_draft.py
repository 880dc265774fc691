"""`python -m bot draft KIND …` run as an operator runs it, against a seeded SQLite file: each
kind writes a file that opens with python-docx (the summary its .xlsx annex too); a bad kind,
unit or deadline, or a folder that does not exist, is said in Vietnamese and writes nothing."""

from __future__ import annotations

import asyncio
from datetime import date
from pathlib import Path

import pytest
from docx import Document as Docx
from openpyxl import load_workbook  # type: ignore[import-untyped]

from core.campaign import bundled_campaign_path, load_campaign
from storage.db import Database
from storage.queries import yearend
from tests.oversight import seed
from tests.test_cli import run


def text_of(path: Path) -> str:
    doc = Docx(str(path))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join(parts)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file with Phường Ka Long's year (seed.ka_long_story) and two proposals."""
    db = tmp_path_factory.mktemp("draft") / "bot.db"
    assert run(["units"], db).returncode == 0  # creates the file, loads the campaign

    async def go() -> None:
        database = Database(f"sqlite:///{db}")
        try:
            await seed.ka_long_story(database, load_campaign(bundled_campaign_path()))
            uid = await seed.unit_id(database, "P_KA_LONG")
            async with database.transaction() as conn:
                for subject, name, award in (
                    (yearend.COLLECTIVE, "Phường Ka Long", "BK_CT_TINH"),
                    (yearend.INDIVIDUAL, "Nguyễn Thị Lan", "GK_CT_TP"),
                ):
                    await yearend.file_nomination(
                        conn,
                        campaign_id=seed.CAMPAIGN_ID,
                        unit_id=uid,
                        fields=yearend.NominationFields(
                            award_code=award,
                            subject=subject,
                            full_name=name,
                            position="" if subject == yearend.COLLECTIVE else "Công chức Văn phòng",
                            achievement="Hướng dẫn 1.200 lượt người dân nộp hồ sơ trực tuyến",
                            eligible=False,
                            reason="Chưa được đánh giá tiêu chí thành tích",
                        ),
                        office_unit_id=None,
                        person_id=None,
                        now=seed.local(date(2024, 11, 20)),
                    )
        finally:
            await database.dispose()

    asyncio.run(go())
    return db


@pytest.mark.parametrize(
    ("args", "files", "wanted"),
    [
        (
            ["bao-cao-thanh-tich", "--unit", "p_ka_long"],
            ["out.docx", "out-2.docx"],
            "BÁO CÁO THÀNH TÍCH",
        ),
        (["to-trinh", "--unit", "P_KA_LONG"], ["out.docx"], "Nguyễn Thị Lan"),
        (["bien-ban", "--unit", "P_KA_LONG"], ["out.docx"], "BIÊN BẢN"),
        (["to-trinh"], ["out.docx"], "Nguyễn Thị Lan"),
        (["tong-ket"], ["out.docx", "out-phu-luc.xlsx"], "TỔNG KẾT"),
        (["cong-van", "--deadline", "D01"], ["out.docx"], "Phường Trần Phú"),
    ],
)
def test_each_kind_writes_a_draft_that_opens(
    seeded: Path, tmp_path: Path, args: list[str], files: list[str], wanted: str
) -> None:
    out = tmp_path / "out.docx"
    done = run(["draft", *args, "--out", str(out)], seeded)
    assert done.returncode == 0, done.stderr
    assert "Đã ghi" in done.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(files)
    text = text_of(out)
    assert wanted in text.upper() if wanted.isupper() else wanted in text
    assert "số liệu đến" in text.lower() or "Số liệu" in text
    assert "V/v V/v" not in text
    assert text.count("Lưu: VT") <= 1  # the template's line, not the recipients' again
    for path in tmp_path.glob("*.xlsx"):
        assert load_workbook(path).sheetnames


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["ho-so"], "Loại dự thảo “ho-so” không có"),
        (["bao-cao-thanh-tich", "--unit", "KHONG_CO"], "Không có đơn vị mã “KHONG_CO”"),
        (["bao-cao-thanh-tich"], "cần mã đơn vị: --unit MÃ"),
        (["cong-van"], "Công văn đôn đốc cần mã thời hạn hoặc chỉ tiêu"),
        (["cong-van", "--deadline", "D99"], "Không có thời hạn hay chỉ tiêu mã “D99”"),
    ],
)
def test_errors_in_vietnamese_and_nothing_written(
    seeded: Path, tmp_path: Path, args: list[str], said: str
) -> None:
    out = tmp_path / "out.docx"
    done = run(["draft", *args, "--out", str(out)], seeded)
    assert done.returncode == 2
    assert said in done.stderr
    assert "Traceback" not in done.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder_is_an_error_not_created(seeded: Path, tmp_path: Path) -> None:
    out = tmp_path / "chua-co" / "to-trinh.docx"
    done = run(["draft", "to-trinh", "--out", str(out)], seeded)
    assert done.returncode == 2
    assert "Thư mục" in done.stderr
    assert "không tồn tại" in done.stderr
    assert not out.parent.exists()
