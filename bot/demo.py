"""`python -m bot demo`: the real conversations in a terminal, on the embedded database."""

from __future__ import annotations

import logging
from datetime import timedelta

from bot.app import App
from bot.channels.terminal import TerminalChannel, read_lines
from bot.invitations import issue_codes
from core.settings import Settings
from storage.queries.people import find_identity
from storage.queries.units import UnitRow, get_unit_by_code, list_units


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


async def run_demo(settings: Settings, *, unit_code: str | None, role: str, look: str) -> int:
    logging.basicConfig(level=logging.WARNING)
    app = await App.create(settings)
    channel = TerminalChannel(look=look)
    app.add_channel(channel)
    try:
        unit = await _choose_unit(app, unit_code)
        if unit is None:
            print(f"Không có đơn vị mã {unit_code!r}." if unit_code else "")
            return 1
        user_id = f"demo-{unit.code}-{role}".lower()
        print(
            f"\nBạn đang thử với vai trò {role} của {unit.name}, giao diện {look}. "
            "Gõ /trogiup để xem lệnh, Ctrl-D để thoát."
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
        await app.pipeline.drain()
        while (line := await read_lines()) is not None:
            if not line.strip():
                continue
            await app.pipeline.receive([channel.incoming(line, user_id=user_id)])
            await app.pipeline.drain()
        return 0
    finally:
        await app.close()
