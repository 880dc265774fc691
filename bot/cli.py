"""The command line's actions (parsing is in `bot.__main__`)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from collections.abc import Awaitable, Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

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
        from core.runtime import tune_gc

        tune_gc()  # start-up's objects stay: out of the collector's way (see core.runtime)
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

    try:
        asyncio.run(main())
    except Exception as exc:  # a start-up failure of a messenger's API: one line, no traceback
        line = _startup_failure(exc)
        if line is None:
            raise
        _err(line)
        return 1
    return 0


def _startup_failure(exc: BaseException) -> str | None:
    """The operator's one line for an API that cannot be reached or refuses the token at
    start-up (None: not such a failure, let the traceback show)."""
    import aiohttp
    import httpx
    from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError

    from bot.channels.zalo_api import ZaloConnectionError, ZaloUnauthorizedError

    if isinstance(exc, TelegramUnauthorizedError | ZaloUnauthorizedError):
        return (
            "Không khởi động được: mã bot (token) bị từ chối, hãy kiểm tra TELEGRAM_BOT_TOKEN / "
            f"ZALO_BOT_TOKEN. (Start-up failed: the bot token was refused: {exc})"
        )
    if isinstance(
        exc,
        TelegramNetworkError
        | ZaloConnectionError
        | aiohttp.ClientError
        | httpx.HTTPError
        | OSError,
    ):
        detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return (
            "Không kết nối được máy chủ của Telegram/Zalo, hãy kiểm tra mạng và "
            "TELEGRAM_API_BASE / ZALO_API_BASE. "
            f"(Start-up failed: the messenger's API cannot be reached: {detail})"
        )
    return None


def db(settings: Settings, args: argparse.Namespace) -> int:
    _prepare(settings)
    _print("Cơ sở dữ liệu đã được cập nhật lên phiên bản mới nhất.")
    return 0


def campaign(settings: Settings, args: argparse.Namespace) -> int:
    from core.campaign import CampaignFileError, load_campaign

    try:
        parsed = load_campaign(args.file)
    except CampaignFileError as exc:
        if args.campaign_command == "check":
            _err(f"Tệp phong trào thi đua có lỗi:\n{exc}")
        else:
            _err(f"Tệp phong trào thi đua không hợp lệ, không có gì được nạp:\n{exc}")
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
        from core.campaign import Campaign
        from storage.campaign_sync import ensure_campaign_loaded, load_definition
        from storage.db import Database
        from storage.queries.units import list_units

        database = Database(settings.resolved_database_url())
        try:
            cid = await ensure_campaign_loaded(database, settings.campaign_file)
            async with database.read() as conn:
                rows = await list_units(conn, campaign_id=cid)
                campaign = Campaign.model_validate(await load_definition(conn, campaign_id=cid))
        finally:
            await database.dispose()
        width = max((len(r.code) for r in rows), default=4)
        return [f"{r.code:<{width}}  {r.name}  [{r.kind}]{_life(campaign, r.code)}" for r in rows]

    for line in asyncio.run(go()):
        _print(line)
    return 0


def people(settings: Settings, args: argparse.Namespace) -> int:
    _prepare(settings)

    async def go() -> list[str] | None:
        from storage.campaign_sync import ensure_campaign_loaded
        from storage.db import Database
        from storage.queries.privacy import list_people
        from storage.queries.units import list_units

        database = Database(settings.resolved_database_url())
        try:
            cid = await ensure_campaign_loaded(database, settings.campaign_file)
            async with database.read() as conn:
                if args.unit and args.unit not in {
                    u.code for u in await list_units(conn, campaign_id=cid)
                }:
                    return None
                rows = await list_people(conn, campaign_id=cid, unit_code=args.unit)
        finally:
            await database.dispose()
        lines = []
        for r in rows:
            units = ", ".join(
                f"{code} ({role}{'' if active else ', đã thôi'})" for code, role, active in r.units
            )
            accounts = ", ".join(f"{ch}:{chat}" for ch, chat in r.accounts) or "không còn tài khoản"
            lines.append(
                f"{r.person_id:>5}  {r.full_name or '(chưa có tên)'}  {units}  [{accounts}]"
            )
        return lines

    lines = asyncio.run(go())
    if lines is None:
        _err(f"Không có đơn vị mã {args.unit!r}. Xem danh sách bằng `python -m bot units`.")
        return 1
    if not lines:
        _print("Chưa có ai đăng ký.")
    for line in lines:
        _print(line)
    return 0


def person(settings: Settings, args: argparse.Namespace) -> int:
    """`person forget ID`: erase a person's personal data, keeping the unit's data."""
    _prepare(settings)
    from storage.db import Database
    from storage.files import FileStore
    from storage.queries.privacy import person_name

    async def name_of() -> str | None:
        database = Database(settings.resolved_database_url())
        try:
            async with database.read() as conn:
                return await person_name(conn, args.person_id)
        finally:
            await database.dispose()

    name = asyncio.run(name_of())
    if name is None:
        _err(
            f"Không có người dùng số {args.person_id}. "
            "Xem danh sách bằng `python -m bot people [--unit MÃ]`."
        )
        return 1
    if not args.yes:
        _print(
            f"Xóa thông tin cá nhân của người dùng số {args.person_id} ({name}): họ tên, tài "
            "khoản Telegram/Zalo, nội dung tin nhắn, hội thoại đang dở, tệp chưa lưu. Báo cáo, "
            "sáng kiến, văn bản của đơn vị và nhật ký thay đổi được giữ lại. Không hoàn tác được."
        )
        sys.stdout.write("Gõ 'co' để xác nhận: ")
        sys.stdout.flush()
        answer = sys.stdin.readline().strip().lower()
        if answer not in ("co", "có", "y", "yes"):
            _print("Đã hủy, không xóa gì.")
            return 1

    async def go() -> int:
        from bot.privacy import forget

        database = Database(settings.resolved_database_url())
        try:
            done = await forget(
                database, FileStore(settings.data_dir), person_id=args.person_id, actor="cli"
            )
        finally:
            await database.dispose()
        return len(done.accounts) if done is not None else -1

    accounts = asyncio.run(go())
    if accounts < 0:
        _err(f"Không có người dùng số {args.person_id}.")
        return 1
    from storage.queries.privacy import forgotten_name

    _print(
        f"Đã xóa thông tin cá nhân của người dùng số {args.person_id} ({accounts} tài khoản "
        f"nhắn tin). Từ nay người này hiện là “{forgotten_name(args.person_id)}”; tin nhắn mới "
        "từ các tài khoản đó được coi như của người chưa đăng ký."
    )
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
            async with database.read() as conn:
                campaign = Campaign.model_validate(await load_definition(conn, campaign_id=cid))
            if campaign.unit(args.unit_code) is None:
                return None  # not in the campaign file (retired units included)
            today = datetime.now(ZoneInfo(campaign.campaign.timezone)).date()
            refused = _closed_refused(campaign, args.unit_code, today)
            if args.role == "leader":
                refused = refused or _leader_refused(campaign, args.unit_code)
            elif args.role == "admin":
                refused = refused or _admin_refused(campaign, args.unit_code)
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


def _life(campaign: Campaign, code: str) -> str:
    """A unit's dates, as `units` shows them: `  từ 01/01/2024 đến 31/10/2024 (đã ngừng hoạt
    động; đơn vị kế thừa: Phường Trần Phú, chưa xác nhận)`."""
    unit = campaign.unit(code)
    if unit is None:
        return "  (không còn trong tệp chiến dịch)"
    start = unit.active_from or campaign.campaign.period.start
    end = unit.active_to
    text = f"  từ {start:%d/%m/%Y}" + (f" đến {end:%d/%m/%Y}" if end else "")
    if end is not None and end < campaign.campaign.period.end:
        text += " (đã ngừng hoạt động"
        successor = unit.successor and campaign.unit(unit.successor.unit)
        if successor and unit.successor:
            confirmed = "" if unit.successor.confirmed else ", chưa xác nhận"
            text += f"; đơn vị kế thừa: {successor.name}{confirmed}"
        text += ")"
    return text


def _closed_refused(campaign: Campaign, unit_code: str, today: date) -> str:
    """Why no code may be issued for this unit ('' when it may): it left the campaign file, or
    it has closed."""
    unit = campaign.unit(unit_code)
    if unit is None:
        return ""  # an unknown (or retired) unit is reported as such by the caller
    if unit.closed_on(today):
        return (
            f"Không cấp mã cho {unit.name}: đơn vị đã ngừng hoạt động từ sau ngày "
            f"{unit.active_to:%d/%m/%Y}, mã cấp ra sẽ không dùng được."
        )
    return ""


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


def _admin_refused(campaign: Campaign, unit_code: str) -> str:
    """Why an admin's code may not be issued for this unit ('' when it may): as in /moi, only
    for a unit the campaign file gives an admin scope (`admin_scopes`)."""
    unit = campaign.unit(unit_code)
    if unit is None or any(s.unit == unit.code for s in campaign.admin_scopes):
        return ""  # an unknown unit is reported as such by the caller
    offices = [u.code for s in campaign.admin_scopes if (u := campaign.unit(s.unit)) is not None]
    return (
        f"Không cấp mã quản trị cho {unit.name}: mã quản trị chỉ cấp cho cơ quan quản lý phong "
        f"trào thi đua ({', '.join(dict.fromkeys(offices))}). Với đơn vị này, hãy dùng "
        "--role focal, deputy hoặc head."
    )


def export(settings: Settings, args: argparse.Namespace) -> int:
    out = Path(args.out)
    if out.suffix.lower() != ".xlsx":
        _err("Tên tệp xuất phải có đuôi .xlsx, ví dụ: --out tonghop.xlsx")
        return 2
    if not out.parent.is_dir():
        _err(
            f"Không có thư mục {out.parent}: hãy tạo thư mục trước (mkdir -p {out.parent}) "
            "hoặc chọn thư mục khác."
        )
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
    from schedules.calendar_changes import DateError, parse_vn_date

    on_day = None
    if getattr(args, "date", None):
        try:
            on_day = parse_vn_date(args.date)
        except DateError as exc:
            _err(str(exc))
            return 2
    _prepare(settings)
    return asyncio.run(
        run_demo(settings, unit_code=args.unit, role=args.role, look=args.channel, on_day=on_day)
    )


def _admin(
    settings: Settings,
    act: Callable[[Any, Any], Awaitable[Any]],
    *,
    warn: Callable[[], str] | None = None,
) -> int:
    """Run one of `schedules.calendar_changes`'s changes and print its Vietnamese answer (and
    `warn`'s line after a change that went through, when it has one)."""
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
    note = warn() if ok and warn is not None else ""
    if note:
        _print(note)
    return 0 if ok else 1


def _day_off_warning(day_text: str) -> str:
    """'Lưu ý: …' when the day is a Saturday, Sunday or public holiday ('' otherwise)."""
    from schedules.calendar import WorkCalendar
    from schedules.calendar_changes import DateError, parse_vn_date

    try:
        day = parse_vn_date(day_text)
    except DateError:
        return ""
    what = _day_off_reason(WorkCalendar(), day)
    if not what:
        return ""
    return (
        f"Lưu ý: ngày {day:%d/%m/%Y} là {what}. Thời hạn vẫn được ghi nhận; nhắc việc chỉ gửi "
        "vào ngày làm việc."
    )


def _day_off_reason(cal: Any, day: Any) -> str:
    """'Chủ nhật', 'thứ Bảy' or 'ngày lễ (name)' for a day off by law ('' for a working day)."""
    holiday = cal.holiday_name(day)
    if holiday:
        return f"ngày lễ {holiday}"
    if day.weekday() == 6:
        return "Chủ nhật"
    if day.weekday() == 5:
        return "thứ Bảy"
    return ""


def deadline(settings: Settings, args: argparse.Namespace) -> int:
    from schedules import calendar_changes as changes
    from storage.types import utcnow

    if args.deadline_command == "move":
        # A deadline may fall on a day off (the plan's dates are the plan's): allowed, with a
        # warning, since people reach the office only on the working day before or after.
        return _admin(
            settings,
            lambda db, c: changes.move_deadline(
                db, campaign=c, code=args.code, due_text=args.due, actor="cli", clock=utcnow
            ),
            warn=lambda: _day_off_warning(args.due),
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
            command=args.fulfil_command,
            note=args.note,
            actor="cli",
            clock=utcnow,
        ),
    )


def calendar(settings: Settings, args: argparse.Namespace) -> int:
    from schedules import calendar_changes as changes
    from storage.types import utcnow

    if args.action == "list":
        return _calendar_list(settings)
    if args.day is None:
        _err('Thiếu ngày, ví dụ: python -m bot calendar off 02/05/2024 --note "Nghỉ bù"')
        return 2
    if args.action == "clear":
        return _admin(settings, lambda db, c: changes.clear_day(db, day_text=args.day, actor="cli"))
    if args.action == "off":
        # Refused, not recorded: a weekend or public holiday is off already, and a mark on it
        # would only show in `calendar list` as if it were an extra day off.
        try:
            day = changes.parse_vn_date(args.day)
        except changes.DateError as exc:
            _err(str(exc))
            return 1
        from schedules.calendar import WorkCalendar

        what = _day_off_reason(WorkCalendar(), day)
        if what:
            _err(
                f"Ngày {day:%d/%m/%Y} đã là ngày nghỉ ({what}), không cần đánh dấu. "
                "Xem các ngày đã đánh dấu: python -m bot calendar list"
            )
            return 1
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


def _calendar_list(settings: Settings) -> int:
    """The days an admin marked, then the public holidays of the campaign's years."""
    _prepare(settings)

    async def go() -> list[str]:
        from sqlalchemy import select

        from core.campaign import Campaign as CampaignDef
        from schedules.calendar import WorkCalendar
        from storage.campaign_sync import ensure_campaign_loaded, load_definition
        from storage.db import Database
        from storage.models import CalendarDay

        database = Database(settings.resolved_database_url())
        try:
            cid = await ensure_campaign_loaded(database, settings.campaign_file)
            async with database.read() as conn:
                camp = CampaignDef.model_validate(await load_definition(conn, campaign_id=cid))
                table = CalendarDay.__table__  # type: ignore[attr-defined]
                rows = list(await conn.execute(select(table).order_by(table.c.day)))
        finally:
            await database.dispose()
        lines = ["Ngày do quản trị đánh dấu:"]
        for r in rows:
            what = "ngày làm việc (làm bù)" if r.working else "ngày nghỉ"
            note = f" – {r.note}" if r.note else ""
            lines.append(f"  {r.day:%d/%m/%Y}  {what}{note}")
        if not rows:
            lines.append("  (chưa có)")
        period = camp.campaign.period
        cal = WorkCalendar()
        lines.append(f"Ngày lễ theo quy định ({period.start:%d/%m/%Y} – {period.end:%d/%m/%Y}):")
        day = period.start
        while day <= period.end:
            name = cal.holiday_name(day)
            if name:
                lines.append(f"  {day:%d/%m/%Y}  {name}")
            day += timedelta(days=1)
        return lines

    for line in asyncio.run(go()):
        _print(line)
    return 0


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


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n / 1000:.1f} kB"


def backup(settings: Settings, args: argparse.Namespace) -> int:
    """`backup --out FILE`: a consistent copy of the whole database, taken while the bot runs."""
    from storage.backup import BackupError
    from storage.backup import backup as do_backup

    out = Path(args.out)
    try:
        done = do_backup(settings.resolved_database_url(), out)
    except BackupError as exc:
        _err(str(exc))
        return 1
    kind = "SQLite" if done.kind == "sqlite" else "PostgreSQL (pg_dump -Fc)"
    _print(
        f"Đã sao lưu cơ sở dữ liệu {kind} vào {done.path} ({_size(done.size)}). "
        f"Khôi phục bằng: python -m bot restore {done.path}"
    )
    return 0


def restore(settings: Settings, args: argparse.Namespace) -> int:
    """`restore FILE [--yes]`: replace the database by a backup (asks first)."""
    from storage.backup import BackupError, file_kind
    from storage.backup import restore as do_restore

    source = Path(args.file)
    try:
        file_kind(source)  # a missing or foreign file is refused before anything is asked
    except BackupError as exc:
        _err(str(exc))
        return 1
    if not args.yes:
        _print(
            f"Khôi phục từ {source}: TOÀN BỘ dữ liệu hiện có trong cơ sở dữ liệu đang cấu hình "
            "(DATABASE_URL) sẽ bị thay bằng dữ liệu trong bản sao lưu. Hãy dừng bot trước khi "
            "khôi phục. Không hoàn tác được."
        )
        sys.stdout.write("Gõ 'co' để xác nhận: ")
        sys.stdout.flush()
        answer = sys.stdin.readline().strip().lower()
        if answer not in ("co", "có", "y", "yes"):
            _print("Đã hủy, cơ sở dữ liệu không thay đổi.")
            return 1
    try:
        do_restore(settings.resolved_database_url(), source)
    except BackupError as exc:
        _err(str(exc))
        return 1
    _prepare(settings)  # a backup from an older version is brought to this version's schema
    _print(f"Đã khôi phục cơ sở dữ liệu từ {source}. Có thể khởi động lại bot.")
    return 0
