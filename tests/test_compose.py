"""The compose file parses, and sets only variables the bot reads (issue 14; no Docker here)."""

from __future__ import annotations

from pathlib import Path

import yaml

from core.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def test_compose_parses_and_sets_only_known_settings() -> None:
    spec = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    services = spec["services"]
    workers = [s for s in services.values() if s.get("build") == "."]
    assert len(workers) == 2
    known = {name.upper() for name in Settings.model_fields}
    for w in workers:
        env = w["environment"]
        assert set(env) <= known, set(env) - known
        assert env["REDIS_URL"].startswith("redis://")
        assert env["DATABASE_URL"].startswith("postgresql://")
        assert "/readyz" in " ".join(w["healthcheck"]["test"])
    assert {"postgres", "redis", "proxy"} <= set(services)
    caddy = (ROOT / "deploy" / "Caddyfile").read_text(encoding="utf-8")
    assert "bot1:8080" in caddy
    assert "bot2:8080" in caddy
    # The image carries every package the bot imports.
    docker = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    for package in ("bot", "core", "documents", "handlers", "storage", "schedules"):
        assert f"COPY {package} ./{package}" in docker
