"""`python -m bot demo`: the real conversations in a terminal, on the embedded database."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta

from bot.app import App
from bot.channels.terminal import TerminalChannel, read_lines
from bot.invitations import issue_codes
from core.settings import Settings
from core.texts.oversight import role_label
from handlers.forms import wait_deferred
from storage.queries.people import find_identity
from storage.queries.units import UnitRow, get_unit_by_code, list_units
from storage.types import utcnow


async def _choose_unit(app: App, code: str | None) -> UnitRow | None:
    async with app.db.read() as conn:
        if code:
            return await get_unit_by_code(conn, campaign_id=app.services.campaign_id, code=code)
        units = await list_units(conn, campaign_id=app.services.campaign_id)
    for i, u in enumerate(units, start=1):
        print(f"{i:>3}. {u.name} ({u.code})")
    while True:
        line = await read_lines("\nChọn đơn vị (số thứ tự hoặc mã): ")
        if line is None:
            return None
        line = line.strip()
        if line.isdigit() and 1 <= int(line) <= len(units):
            return units[int(line) - 1]
        for u in units:
            if u.code == line.upper():
                return u
        print("Không có đơn vị này, vui lòng chọn lại.")


LOOKS = {"telegram": "Telegram (có nút bấm)", "zalo": "Zalo (không có nút bấm, chọn bằng số)"}


def demo_day(period_start: date, period_end: date, today: date) -> date:
    """The demo's date when none is given: today inside the campaign's period, else the same
    day and month in the campaign's year (clamped into the period)."""
    if period_start <= today <= period_end:
        return today
    try:
        day = today.replace(year=period_start.year)
    except ValueError:  # 29 February
        day = today.replace(year=period_start.year, day=28)
    return min(max(day, period_start), period_end)


def shifted_clock(day: date) -> Callable[[], datetime]:
    """The real clock moved to `day` (time of day and its passing kept)."""
    delta = datetime.combine(day, datetime.min.time()) - datetime.combine(
        utcnow().date(), datetime.min.time()
    )
    return lambda: utcnow() + delta


async def _settle(app: App) -> None:
    """Handle what was typed, and what the bot's own follow-ups (a document read) bring."""
    await app.pipeline.drain()
    while await wait_deferred():
        await app.pipeline.drain()


async def run_demo(
    settings: Settings,
    *,
    unit_code: str | None,
    role: str,
    look: str,
    on_day: date | None = None,
) -> int:
    logging.basicConfig(level=logging.WARNING)
    app = await App.create(settings)
    campaign = app.services.campaign
    if campaign is not None:
        period = campaign.campaign.period
        day = on_day or demo_day(period.start, period.end, utcnow().date())
        if day != utcnow().date():
            clock = shifted_clock(day)
            app.services.clock = clock
            app.pipeline.clock = clock
    channel = TerminalChannel(look=look)
    app.add_channel(channel)
    try:
        unit = await _choose_unit(app, unit_code)
        if unit is None:
            print(f"Không có đơn vị mã {unit_code!r}." if unit_code else "")
            return 1
        user_id = f"demo-{unit.code}-{role}".lower()
        today = app.services.clock().date()
        print(
            f"\nAnh/Chị đang dùng thử với vai trò {role_label(role)} của {unit.name}, "
            f"hiển thị như trên {LOOKS.get(look, look)}, ngày {today:%d/%m/%Y}. "
            "Gõ /trogiup để xem lệnh; gõ đường dẫn một tệp để gửi tệp (sau /nopvanban); "
            "Ctrl-D để thoát."
        )
        async with app.db.read() as conn:
            registered = await find_identity(conn, channel=channel.name, external_id=user_id)
        code = None
        if registered is None:
            codes = await issue_codes(
                app.db,
                campaign_id=app.services.campaign_id,
                unit_code=unit.code,
                role=role,
                count=1,
                ttl=timedelta(days=1),
                actor="demo",
            )
            code = codes[0] if codes else None
        await app.pipeline.recover()
        first = f"/start {code}" if code else "/trogiup"
        print(f"\n👤 {first}")
        await app.pipeline.receive([channel.incoming(first, user_id=user_id)])
        await _settle(app)
        while (line := await read_lines()) is not None:
            if not line.strip():
                continue
            await app.pipeline.receive([channel.incoming(line, user_id=user_id)])
            await _settle(app)
        return 0
    finally:
        await app.close()
