"""`/healthz`, `/readyz` and `/metrics` over HTTP; Redis going away and coming back (issue 14).

A Redis server of the test's own (`redis-server` on a free port) is stopped and started again
under a running worker: `/readyz` says 503 while it is gone (said once in the log), the worker
keeps handling updates with in-process limits, and is ready again when Redis returns, with no
restart.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.app import App
from core.messages import Incoming, Kind
from tests.conftest import make_settings
from tests.reporting.test_two_workers import Recorder

pytestmark = pytest.mark.redis


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class RedisServer:
    def __init__(self, port: int, folder: Path) -> None:
        self.port = port
        self.folder = folder
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                str(shutil.which("redis-server")),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.folder),
            ],
            stdout=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed")
    server = RedisServer(_free_port(), tmp_path)
    try:
        yield server
    finally:
        server.stop()


def _break(db_file: Path) -> None:
    """The database file replaced by a folder: it cannot be opened any more."""
    db_file.unlink()
    db_file.mkdir()


def _text(n: int) -> Incoming:
    return Incoming(
        channel="telegram",
        update_key=f"u{n}",
        chat_id="77",
        user_id="77",
        kind=Kind.TEXT,
        text="/trogiup",
    )


async def test_ready_follows_the_database_and_redis(
    sqlite_url: str, own_redis: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    port = _free_port()
    settings = make_settings(
        sqlite_url,
        redis_url=f"redis://127.0.0.1:{own_redis.port}/0",
        webhook_base_url="https://bot.example.vn",
        webhook_secret="s3cret",
        webhook_listen=f"127.0.0.1:{port}",
    )
    app = await App.create(settings)
    app.pipeline.strangers.window = 0.0  # chat 77 is a stranger answered every time here
    sent: dict[str, list[str]] = {}
    app.add_channel(Recorder(sent))
    recovered = asyncio.Event()
    recovered.set()
    runner = await app._start_webhook_server(recovered)
    base = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=base, timeout=10) as http:
            assert (await http.get("/healthz")).status_code == 200
            with caplog.at_level(logging.WARNING):
                for _ in range(3):
                    r = await http.get("/readyz")
                    assert r.status_code == 503
                    assert "redis" in r.text
                said = [m for m in caplog.messages if "Redis unreachable" in m]
                assert len(said) == 1, said
                # Not ready, yet updates are handled (in-process limits).
                await app.pipeline.receive([_text(1)])
                await app.pipeline.drain(30)
                assert len(sent["77"]) == 1
                # Redis comes back: ready again, and the shared budget is used again.
                own_redis.start()
                for _ in range(100):
                    r = await http.get("/readyz")
                    if r.status_code == 200:
                        break
                    await asyncio.sleep(0.1)
                assert r.status_code == 200, r.text
                assert any("Redis reachable again" in m for m in caplog.messages)
                await app.pipeline.receive([_text(2)])
                await app.pipeline.drain(30)
                assert len(sent["77"]) == 2
                assert app.redis is not None
                assert await app.redis.client.keys("rate:*")
            metrics = (await http.get("/metrics")).text
            assert 'bot_updates_handled_total{channel="telegram",outcome="done"} 2' in metrics
            assert "bot_outbox_depth 0" in metrics
            assert "# TYPE bot_reminders_sent_total counter" in metrics
            app.metrics.reminder_sent("zalo")
            metrics = (await http.get("/metrics")).text
            assert 'bot_reminders_sent_total{channel="zalo"} 1' in metrics
            # The database gone: not ready either.
            await app.db.dispose()
            _break(Path(sqlite_url.removeprefix("sqlite:///")))
            r = await http.get("/readyz")
            assert r.status_code == 503
            assert "database" in r.text
    finally:
        await runner.cleanup()
        await app.close()
