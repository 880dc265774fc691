#!/usr/bin/env bash
# One of each draft from realistic data, as a Phòng Nội vụ clerk gets it: a fresh SQLite under
# OUTDIR (default .preview/from-db/, git-ignored) seeded with Phường Ka Long's year (the oversight
# tests' story) and two proposals, then `python -m bot draft KIND …` for every kind, each turned
# into PDF by LibreOffice and into 60 dpi PNG pages by pdftoppm. Nothing is written elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-.preview/from-db}")
rm -rf "$out" && mkdir -p "$out/lo/tmp"
export DATABASE_URL="sqlite:///$out/bot.db" DATA_DIR="$out/data" TMPDIR="$out/lo/tmp"
.venv/bin/python -m bot units >/dev/null
.venv/bin/python - <<'PY'
import asyncio, os
from datetime import date
from core.campaign import bundled_campaign_path, load_campaign
from storage.db import Database
from storage.queries import yearend
from tests.oversight import seed

async def main() -> None:
    db = Database(os.environ["DATABASE_URL"])
    campaign = load_campaign(bundled_campaign_path())
    await seed.ka_long_story(db, campaign)
    await seed.report(db, campaign, "P_TRAN_PHU", {("T04", "2024-03"): 100.0},
                      at=seed.local(date(2024, 4, 8)))
    await seed.initiative(db, "P_TRAN_PHU", "Tổ công nghệ số cộng đồng",
                          at=seed.local(date(2024, 4, 1)), status="effective")
    uid = await seed.unit_id(db, "P_KA_LONG")
    async with db.transaction() as conn:
        for subject, name, position, award, what in (
            (yearend.COLLECTIVE, "Phường Ka Long", "", "BK_CT_TINH",
             "Hoàn thành 100% hồ sơ thủ tục hành chính trực tuyến toàn trình"),
            (yearend.INDIVIDUAL, "Nguyễn Thị Lan", "Công chức Văn phòng - Thống kê", "GK_CT_TP",
             "Hướng dẫn 1.200 lượt người dân nộp hồ sơ trực tuyến"),
        ):
            await yearend.file_nomination(
                conn, campaign_id=seed.CAMPAIGN_ID, unit_id=uid,
                fields=yearend.NominationFields(award, subject, name, position, what, True, None),
                office_unit_id=None, person_id=None, now=seed.local(date(2024, 11, 20)))
    await db.dispose()

asyncio.run(main())
PY
draft() { .venv/bin/python -m bot draft "$@" >/dev/null; }
draft bao-cao-thanh-tich --unit P_KA_LONG --out "$out/bao-cao-thanh-tich.docx"
draft to-trinh --unit P_KA_LONG --out "$out/to-trinh-don-vi.docx"
draft bien-ban --unit P_KA_LONG --out "$out/bien-ban.docx"
draft to-trinh --out "$out/to-trinh-thanh-pho.docx"
draft tong-ket --out "$out/tong-ket.docx"
draft cong-van --deadline D01 --out "$out/cong-van.docx"
for docx in "$out"/*.docx; do
  soffice "-env:UserInstallation=file://$out/lo" --headless --convert-to pdf --outdir "$out" "$docx" >/dev/null 2>&1
  pdf="${docx%.docx}.pdf"
  pdftoppm -png -r 60 "$pdf" "${docx%.docx}"
  echo "$pdf"
done
rm -rf "$out/lo"
