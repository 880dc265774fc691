"""Loading a campaign file into the database, in one transaction.

Rows are matched by code: new ones are added, changed ones updated, and ones the file no
longer lists are marked retired, never deleted, so that nothing already reported is lost.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from storage.db import startup_lock
from storage.models import Campaign, Deadline, Indicator, Unit, UnitKind
from storage.models import table as table_of
from storage.queries import audit
from storage.types import utcnow

if TYPE_CHECKING:
    from core.campaign import Campaign as CampaignDef
    from storage.db import Database

_CAMP = table_of(Campaign)
_KIND = table_of(UnitKind)
_UNIT = table_of(Unit)
_IND = table_of(Indicator)
_DL = table_of(Deadline)


@dataclass
class SyncReport:
    campaign_id: str
    title: str
    changed: bool
    counts: dict[str, dict[str, int]] = field(default_factory=dict)

    def summary(self) -> str:
        if not self.changed:
            return f"Chiến dịch {self.campaign_id} không thay đổi."
        parts = []
        names = {
            "unit_kind": "loại đơn vị",
            "unit": "đơn vị",
            "indicator": "chỉ tiêu",
            "deadline": "thời hạn",
        }
        for key, label in names.items():
            c = self.counts.get(key, {})
            parts.append(
                f"{label}: thêm {c.get('added', 0)}, sửa {c.get('updated', 0)}, "
                f"ngừng {c.get('retired', 0)}"
            )
        return f"Đã nạp chiến dịch {self.campaign_id} ({self.title}).\n" + "\n".join(parts)


def _unit_values(u: Any) -> dict[str, Any]:
    return {
        "name": u.name,
        "kind": u.kind,
        "parent_code": u.parent,
        "active_from": u.active_from,
        "active_to": u.active_to,
        "has_annual_par_index": bool(u.has_annual_par_index),
    }


def _indicator_values(ind: Any, position: int) -> dict[str, Any]:
    return {
        "label": ind.label,
        "type": str(ind.type),
        "frequency": str(ind.frequency),
        "required": bool(ind.required),
        "position": position,
        "spec": ind.model_dump(mode="json"),
    }


def _deadline_values(d: Any) -> dict[str, Any]:
    return {"title": d.title, "due": d.due, "spec": d.model_dump(mode="json")}


async def _sync_table(
    conn: AsyncConnection,
    table: Table,
    *,
    campaign_id: str,
    wanted: dict[str, dict[str, Any]],
    entity: str,
    counts: dict[str, dict[str, int]],
) -> None:
    cols = [table.c[k] for k in next(iter(wanted.values()), {})]
    rows = await conn.execute(
        select(table.c.code, table.c.retired, *cols).where(table.c.campaign_id == campaign_id)
    )
    existing = {r[0]: (r[1], dict(zip([c.name for c in cols], r[2:], strict=True))) for r in rows}
    c = counts.setdefault(entity, {"added": 0, "updated": 0, "retired": 0})
    for code, values in wanted.items():
        if code not in existing:
            await conn.execute(insert(table).values(campaign_id=campaign_id, code=code, **values))
            c["added"] += 1
            continue
        retired, old = existing[code]
        if retired or old != values:
            await conn.execute(
                update(table)
                .where(table.c.campaign_id == campaign_id, table.c.code == code)
                .values(retired=False, **values)
            )
            c["updated"] += 1
            changed = {k: v for k, v in values.items() if old.get(k) != v}
            await audit.record(
                conn,
                actor="campaign-file",
                action="update",
                entity=entity,
                entity_id=code,
                old=_jsonable({k: old.get(k) for k in changed}),
                new=_jsonable(changed),
            )
    for code, (retired, _old) in existing.items():
        if code not in wanted and not retired:
            await conn.execute(
                update(table)
                .where(table.c.campaign_id == campaign_id, table.c.code == code)
                .values(retired=True)
            )
            c["retired"] += 1
            await audit.record(
                conn, actor="campaign-file", action="retire", entity=entity, entity_id=code
            )


def _jsonable(d: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in d.items()}


async def sync_campaign(conn: AsyncConnection, camp: CampaignDef, sha256: str) -> SyncReport:
    """Bring the database in line with a validated campaign definition."""
    info = camp.campaign
    report = SyncReport(campaign_id=info.id, title=info.title, changed=True)
    row = (await conn.execute(select(_CAMP.c.source_sha256).where(_CAMP.c.id == info.id))).first()
    if row is not None and row[0] == sha256:
        report.changed = False
        return report
    values = {
        "title": info.title,
        "year": info.year,
        "timezone": info.timezone,
        "source_sha256": sha256,
        "definition": camp.model_dump(mode="json"),
        "loaded_at": utcnow(),
    }
    if row is None:
        await conn.execute(insert(_CAMP).values(id=info.id, **values))
    else:
        await conn.execute(update(_CAMP).where(_CAMP.c.id == info.id).values(**values))
    await audit.record(
        conn,
        actor="campaign-file",
        action="load",
        entity="campaign",
        entity_id=info.id,
        new={"sha256": sha256},
    )
    sections: list[tuple[Table, str, dict[str, dict[str, Any]]]] = [
        (_KIND, "unit_kind", {k.code: {"label": k.label} for k in camp.unit_kinds}),
        (_UNIT, "unit", {u.code: _unit_values(u) for u in camp.units}),
        (
            _IND,
            "indicator",
            {ind.code: _indicator_values(ind, i) for i, ind in enumerate(camp.indicators)},
        ),
        (_DL, "deadline", {d.code: _deadline_values(d) for d in camp.deadlines}),
    ]
    for table, entity, wanted in sections:
        await _sync_table(
            conn, table, campaign_id=info.id, wanted=wanted, entity=entity, counts=report.counts
        )
    return report


async def load_campaign_file(db: Database, path: Path) -> SyncReport:
    """Validate a file (raising `CampaignFileError`), then load it in one transaction."""
    from core.campaign import load_campaign_text

    raw = await asyncio.to_thread(Path(path).read_bytes)
    sha256 = hashlib.sha256(raw).hexdigest()
    async with db.read() as conn:
        known = (
            await conn.execute(
                select(_CAMP.c.id, _CAMP.c.title).where(_CAMP.c.source_sha256 == sha256)
            )
        ).first()
    if known is not None:  # the same file as last time: skip parsing (start-up time)
        return SyncReport(campaign_id=known[0], title=known[1], changed=False)
    camp = load_campaign_text(raw.decode("utf-8"), source=str(path))
    async with db.transaction() as conn:
        # Two workers starting together: the second waits here, then finds the file loaded.
        await startup_lock(conn)
        return await sync_campaign(conn, camp, sha256)


async def ensure_campaign_loaded(db: Database, path: Path | None) -> str:
    """Load the configured (or bundled) campaign if the database lacks it or it changed."""
    from core.campaign import bundled_campaign_path

    report = await load_campaign_file(db, path or bundled_campaign_path())
    return report.campaign_id


async def active_campaign_id(conn: AsyncConnection) -> str | None:
    """The most recently loaded campaign."""
    row = (
        await conn.execute(select(_CAMP.c.id).order_by(_CAMP.c.loaded_at.desc()).limit(1))
    ).first()
    return str(row[0]) if row else None


async def load_definition(conn: AsyncConnection, *, campaign_id: str) -> dict[str, Any] | None:
    """The campaign definition as last loaded (validated JSON)."""
    row = (await conn.execute(select(_CAMP.c.definition).where(_CAMP.c.id == campaign_id))).first()
    return dict(row[0]) if row else None
