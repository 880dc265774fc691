"""The command line's actions (parsing is in `bot.__main__`)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.settings import Settings

if TYPE_CHECKING:
    from core.campaign import Campaign


def _print(s: str = "") -> None:
    sys.stdout.write(s + "\n")


def _err(s: str) -> None:
    sys.stderr.write(s + "\n")


def _prepare(settings: Settings) -> None:
    """Migrations first: every entry point runs on an up-to-date schema."""
    from storage.db import upgrade

    upgrade(settings.resolved_database_url())


def _secrets(settings: Settings) -> list[str]:
    names = ("telegram_bot_token", "zalo_bot_token", "webhook_secret", "file_link_secret")
    return [settings.secret(n) for n in names]


def run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.logs import setup_logging

    setup_logging(settings.log_level, _secrets(settings))
    if not (settings.telegram_bot_token or settings.zalo_bot_token):
        _err(
            "Chưa có TELEGRAM_BOT_TOKEN hoặc ZALO_BOT_TOKEN. Dùng `python -m bot demo` để chạy thử."
        )
        return 2
    started = time.perf_counter()
    _prepare(settings)

    async def main() -> None:
        from bot.app import App, install_stop_signals

        app = await App.create(settings)
        stop = asyncio.Event()
        install_stop_signals(stop)
        try:
            task = asyncio.create_task(app.run(stop))
            ready = asyncio.create_task(app.ready.wait())
            await asyncio.wait({task, ready}, return_when=asyncio.FIRST_COMPLETED)
            if ready.done():
                logging.getLogger("bot").info("serving after %.2f s", time.perf_counter() - started)
            else:
                ready.cancel()
            await task
        finally:
            await app.close()

    asyncio.run(main())
    return 0


def db(settings: Settings, args: argparse.Namespace) -> int:
    _prepare(settings)
    _print("Cơ sở dữ liệu đã được cập nhật lên phiên bản mới nhất.")
    return 0


def campaign(settings: Settings, args: argparse.Namespace) -> int:
    from core.campaign import CampaignFileError, load_campaign

    try:
        parsed = load_campaign(args.file)
    except CampaignFileError as exc:
        _err(f"Tệp chiến dịch không hợp lệ, không có gì được nạp:\n{exc}")
        return 1
    except OSError as exc:
        _err(f"Không đọc được tệp {args.file}: {exc.strerror}")
        return 1
    if args.campaign_command == "check":
        _print(
            f"Tệp hợp lệ: {parsed.campaign.id} – {len(parsed.units)} đơn vị, "
            f"{len(parsed.indicators)} chỉ tiêu."
        )
        return 0
    _prepare(settings)

    async def go() -> str:
        from storage.campaign_sync import load_campaign_file
        from storage.db import Database

        database = Database(settings.resolved_database_url())
        try:
            report = await load_campaign_file(database, args.file)
        finally:
            await database.dispose()
        return report.summary()

    _print(asyncio.run(go()))
    return 0


def units(settings: Settings, args: argparse.Namespace) -> int:
    _prepare(settings)

    async def go() -> list[str]:
        from storage.campaign_sync import ensure_campaign_loaded
        from storage.db import Database
        from storage.queries.units import list_units

        database = Database(settings.resolved_database_url())
        try:
            cid = await ensure_campaign_loaded(database, settings.campaign_file)
            async with database.read() as conn:
                rows = await list_units(conn, campaign_id=cid)
        finally:
            await database.dispose()
        width = max((len(r.code) for r in rows), default=4)
        return [f"{r.code:<{width}}  {r.name}  [{r.kind}]" for r in rows]

    for line in asyncio.run(go()):
        _print(line)
    return 0


def invite(settings: Settings, args: argparse.Namespace) -> int:
    if not 1 <= args.count <= 1000:
        _err("Số lượng mã phải từ 1 đến 1000.")
        return 2
    _prepare(settings)

    async def go() -> list[str] | str | None:
        from bot.invitations import issue_codes
        from core.campaign import Campaign
        from storage.campaign_sync import ensure_campaign_loaded, load_definition
        from storage.db import Database

        database = Database(settings.resolved_database_url())
        try:
            cid = await ensure_campaign_loaded(database, settings.campaign_file)
            if args.role == "leader":
                async with database.read() as conn:
                    campaign = Campaign.model_validate(await load_definition(conn, campaign_id=cid))
                refused = _leader_refused(campaign, args.unit_code)
                if refused:
                    return refused
            return await issue_codes(
                database,
                campaign_id=cid,
                unit_code=args.unit_code,
                role=args.role,
                count=args.count,
                ttl=timedelta(days=settings.invite_code_ttl_days),
                actor="cli",
            )
        finally:
            await database.dispose()

    codes = asyncio.run(go())
    if codes is None:
        _err(f"Không có đơn vị mã {args.unit_code!r}. Xem danh sách bằng `python -m bot units`.")
        return 1
    if isinstance(codes, str):
        _err(codes)
        return 2
    for c in codes:
        _print(c)
    return 0


def _leader_refused(campaign: Campaign, unit_code: str) -> str:
    """Why a leader's code may not be issued for this unit ('' when it may): as in /moi, only
    for a city office of the coordinating office's kind (the leader reads everything)."""
    unit = campaign.unit(unit_code)
    coordinator = campaign.unit(campaign.campaign.coordinator_unit)
    if unit is None or coordinator is None or unit.kind == coordinator.kind:
        return ""  # an unknown unit is reported as such by the caller
    return (
        f"Không cấp mã Lãnh đạo UBND thành phố cho {unit.name}: mã này chỉ cấp cho một cơ quan "
        f"cấp thành phố, ví dụ: python -m bot invite VP_HDND_UBND --role leader"
    )


def export(settings: Settings, args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        _err("Tên tệp xuất phải có đuôi .xlsx, ví dụ: --out tonghop.xlsx")
        return 2
    _prepare(settings)

    async def go() -> tuple[int, int]:
        from core.campaign import Campaign as CampaignDef
        from handlers.export import export_workbook
        from storage.campaign_sync import ensure_campaign_loaded, load_definition
        from storage.db import Database

        database = Database(settings.resolved_database_url())
        try:
            cid = await ensure_campaign_loaded(database, settings.campaign_file)
            async with database.read() as conn:
                definition = await load_definition(conn, campaign_id=cid)
            summary = await export_workbook(database, CampaignDef.model_validate(definition), out)
        finally:
            await database.dispose()
        return summary.units, summary.sheets

    units, sheets = asyncio.run(go())
    _print(f"Đã xuất {out}: {units} đơn vị, {sheets} trang tính.")
    return 0


def demo(settings: Settings, args: argparse.Namespace) -> int:
    from bot.demo import run_demo

    _prepare(settings)
    return asyncio.run(run_demo(settings, unit_code=args.unit, role=args.role, look=args.channel))


def _admin(settings: Settings, act: Callable[[Any, Any], Awaitable[Any]]) -> int:
    """Run one of `schedules.calendar_changes`'s changes and print its Vietnamese answer."""
    _prepare(settings)

    async def go() -> tuple[bool, str]:
        from core.texts import reminders as t
        from schedules.jobs import campaign_from_db
        from storage.campaign_sync import ensure_campaign_loaded
        from storage.db import Database

        db = Database(settings.resolved_database_url())
        try:
            await ensure_campaign_loaded(db, settings.campaign_file)
            camp = await campaign_from_db(db)()
            if camp is None:
                return False, t.NO_CAMPAIGN
            result = await act(db, camp)
            return bool(result.ok), str(result.message)
        finally:
            await db.dispose()

    ok, message = asyncio.run(go())
    (_print if ok else _err)(message)
    return 0 if ok else 1


def deadline(settings: Settings, args: argparse.Namespace) -> int:
    from schedules import calendar_changes as changes
    from storage.types import utcnow

    if args.deadline_command == "move":
        return _admin(
            settings,
            lambda db, c: changes.move_deadline(
                db, campaign=c, code=args.code, due_text=args.due, actor="cli", clock=utcnow
            ),
        )
    return _admin(
        settings,
        lambda db, c: changes.add_deadline(
            db,
            campaign=c,
            code=args.code,
            title=args.title,
            due_text=args.due,
            kinds=args.kinds,
            units=args.units,
            document=args.document,
            report=args.report,
            initiative=args.initiative,
            command=args.command,
            note=args.note,
            actor="cli",
            clock=utcnow,
        ),
    )


def calendar(settings: Settings, args: argparse.Namespace) -> int:
    from schedules import calendar_changes as changes
    from storage.types import utcnow

    if args.action == "clear":
        return _admin(settings, lambda db, c: changes.clear_day(db, day_text=args.day, actor="cli"))
    return _admin(
        settings,
        lambda db, c: changes.set_day(
            db,
            day_text=args.day,
            working=args.action == "work",
            note=args.note,
            actor="cli",
            clock=utcnow,
        ),
    )


DRAFT_KINDS = ("bao-cao-thanh-tich", "to-trinh", "bien-ban", "tong-ket", "cong-van")


def draft(settings: Settings, args: argparse.Namespace) -> int:
    """`draft KIND [--unit MÃ] [--deadline MÃ] --out FILE.docx`: a Word draft from the data."""
    from core.texts import yearend as ty

    kind = str(args.kind)
    if kind not in DRAFT_KINDS:
        _err(ty.CLI_BAD_KIND.format(kind=kind, kinds=", ".join(DRAFT_KINDS)))
        return 2
    out = Path(args.out)
    if out.suffix.lower() != ".docx":
        _err(ty.CLI_NOT_DOCX)
        return 2
    if not out.parent.is_dir():
        _err(ty.CLI_NO_FOLDER.format(folder=out.parent))
        return 2
    if kind in ("bao-cao-thanh-tich", "bien-ban") and not args.unit:
        _err(ty.CLI_NEEDS_UNIT.format(kind=kind))
        return 2
    _prepare(settings)

    async def go() -> tuple[list[tuple[Path, bytes]], str]:
        from datetime import UTC, datetime

        from core.campaign import Campaign as CampaignDef
        from handlers import drafting
        from storage.campaign_sync import ensure_campaign_loaded, load_definition
        from storage.db import Database

        database = Database(settings.resolved_database_url())
        try:
            cid = await ensure_campaign_loaded(database, settings.campaign_file)
            async with database.read() as conn:
                campaign = CampaignDef.model_validate(await load_definition(conn, campaign_id=cid))
                return await drafting.draft_files(
                    conn,
                    campaign,
                    campaign_id=cid,
                    kind=kind,
                    unit_code=args.unit,
                    topic=args.deadline,
                    out=out,
                    now=datetime.now(UTC),
                    warn=_err,
                )
        finally:
            await database.dispose()

    from handlers.drafting import DraftError

    try:
        files, as_of = asyncio.run(go())
    except DraftError as e:
        _err(str(e))
        return 2
    for path, content in files:
        path.write_bytes(content)
        if path.suffix == ".xlsx":
            _print(ty.CLI_WROTE_ANNEX.format(path=path))
        else:
            _print(ty.CLI_WROTE.format(path=path, size=len(content), as_of=as_of))
    return 0
