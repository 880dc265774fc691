"""The webhook's secret check refuses what it cannot read instead of failing."""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot.channels.webhook import guarded_body


async def test_a_non_utf8_byte_in_the_secret_header_gives_401() -> None:
    async def handler(request: web.Request) -> web.Response:
        got = await guarded_body(request, header="X-Secret", secret=b"abc")
        return web.Response(status=got if isinstance(got, int) else 200)

    app = web.Application()
    app.router.add_post("/hook", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            b"POST /hook HTTP/1.1\r\nHost: x\r\nX-Secret: ab\xffc\r\n"
            b"Content-Length: 0\r\nConnection: close\r\n\r\n"
        )
        await writer.drain()
        status_line = await reader.readline()
        writer.close()
        assert status_line.split()[1] == b"401", status_line
    finally:
        await runner.cleanup()
