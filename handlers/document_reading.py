"""What the bot read in a submitted document, as Phòng Nội vụ sees it (`/duyet v`, `/tinhtrang`)
and corrects it (`/duyet sv ID` → choose the field → `/duyet sf ID N` → type the value).

A correction is kept with the reading (the field is marked corrected), the flags are checked
again against the corrected fields, and the audit log has the old and new value.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from core.conversation import Ctx
from core.domain.values import BadValue, parse_value
from core.messages import Choice
from core.texts import reading as tr
from handlers.admin_common import Reach, require_reach
from storage.queries import audit, document_fields, documents, oversight

FIELD_STATE = "review.doc_field"
MAX_VALUE = 300


def reading_lines(reading: document_fields.Reading | None) -> list[str]:
    """The fields read and the flags, for a document shown to Phòng Nội vụ."""
    if reading is None:
        return [tr.FIELDS_NONE]
    lines: list[str] = []
    if reading.source == "none" and not reading.corrected:
        lines.append(tr.FIELDS_UNREAD)
    else:
        lines.append(tr.FIELDS_HEAD)
        for name in document_fields.FIELDS:
            value = reading.values.get(name)
            if value is None and name in ("parent_issuer", "place"):
                continue
            shown = _shown(value) + (tr.CORRECTED_MARK if name in reading.corrected else "")
            lines.append(tr.FIELD_LINE.format(label=tr.FIELD_LABELS[name], value=shown))
    flags = [f for f in reading.flags if f.get("code") != "unreadable"]
    if flags:
        lines.append(tr.FLAGS_HEAD)
        lines += [f"- {f.get('message', '')}" for f in flags]
    elif reading.source != "none":
        lines.append(tr.FLAGS_NONE)
    return lines


def _shown(value: Any) -> str:
    if value is None or value == "":
        return tr.FIELD_EMPTY
    if isinstance(value, date):
        from documents.reading import format_date

        return format_date(value)
    return str(value)


async def route(ctx: Ctx, reach: Reach, verb: str, rest: str) -> None:
    """`/duyet sv ID` (the fields to choose from) and `/duyet sf ID N` (ask the value)."""
    parts = rest.split()
    if not parts or not all(p.isdigit() and len(p) <= 12 for p in parts):
        return
    doc = await _document(ctx, int(parts[0]))
    if doc is None:
        return
    reading = await document_fields.get(ctx.conn, doc.id)
    if verb == "sv" or len(parts) < 2 or not 1 <= int(parts[1]) <= len(document_fields.FIELDS):
        choices = [
            Choice(tr.FIELD_LABELS[name], f"/duyet sf {doc.id} {n}")
            for n, name in enumerate(document_fields.FIELDS, start=1)
        ]
        ctx.reply(tr.CORRECT_PICK.format(number=doc.number or "–", unit=doc.unit.name), choices)
        return
    name = document_fields.FIELDS[int(parts[1]) - 1]
    current = reading.values.get(name) if reading else None
    ctx.goto(FIELD_STATE, doc_field={"id": doc.id, "name": name})
    ctx.reply(tr.CORRECT_ASK.format(label=tr.FIELD_LABELS[name], value=_shown(current)))


async def _document(ctx: Ctx, ident: int) -> oversight.DocumentRow | None:
    doc = await oversight.get_document(
        ctx.conn, campaign_id=ctx.campaign_id, document_id=ident
    )
    reach = require_reach(ctx)
    if doc is None or reach is None or not reach.oversees(doc.unit.kind):
        ctx.reply(tr.CORRECT_GONE)
        return None
    return doc


async def on_value(ctx: Ctx) -> None:
    """The corrected value: kept, the flags checked again, audited."""
    who, target = ctx.who, ctx.data.get("doc_field")
    if who is None or not isinstance(target, dict) or require_reach(ctx) is None:
        ctx.clear()
        return
    name, text = str(target.get("name")), ctx.text.strip()
    value: str | date
    if name == "issued_on":
        try:
            parsed = parse_value("date", text).value
        except BadValue:
            ctx.reply(tr.CORRECT_BAD_DATE)
            return
        if not isinstance(parsed, date):
            ctx.reply(tr.CORRECT_BAD_DATE)
            return
        value = parsed
    else:
        if len(text) > MAX_VALUE:
            ctx.reply(tr.CORRECT_TOO_LONG.format(limit=MAX_VALUE))
            return
        value = text
    doc = await _document(ctx, int(target.get("id") or 0))
    if doc is None or name not in document_fields.FIELDS:
        ctx.clear()
        return
    old = await document_fields.correct(
        ctx.conn, document_id=doc.id, name=name, value=value or None, now=ctx.now()
    )
    flags = await _check_again(ctx, doc)
    await audit.record(
        ctx.conn,
        actor=f"person:{who.person_id}",
        action="document.field.correct",
        entity="document",
        entity_id=doc.id,
        old={name: _json(old)},
        new={name: _json(value), "flags": [f["code"] for f in flags]},
    )
    ctx.clear()
    ctx.reply(
        tr.CORRECT_DONE.format(label=tr.FIELD_LABELS[name], old=_shown(old), new=_shown(value)),
        [Choice(tr.CORRECT_BACK, f"/duyet v {doc.id}")],
    )


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


async def _check_again(ctx: Ctx, doc: oversight.DocumentRow) -> list[dict[str, str]]:
    """The flags of the corrected fields, stored in place of the old ones."""
    from documents.reading import DocumentFields, Expectation, check_document

    reading = await document_fields.get(ctx.conn, doc.id)
    if reading is None:
        return []
    v = {k: (None if x is None else str(x)) for k, x in reading.values.items()}
    issued = reading.values.get("issued_on")
    fields = DocumentFields(
        issuer=v["issuer"], parent_issuer=v["parent_issuer"], number=v["number"],
        place=v["place"], doc_type=v["doc_type"], subject=v["subject"],
        signer_title=v["signer_title"],
        issued_on=issued if isinstance(issued, date) else None,
        source="ocr" if reading.source == "ocr" else "text",  # corrected: no longer unread
    )
    dtype = next((d for d in ctx.campaign.document_types if d.code == doc.doc_type), None)
    e = dtype.expect if dtype else None
    expectation = Expectation(
        doc_types=e.types, subject_words=e.subject_words, subject_label=e.subject_label,
        issued_from=e.issued_from, issued_to=e.issued_to, issuer_must_be_unit=e.issuer_is_unit,
    ) if e else Expectation(issuer_must_be_unit=False)
    unit_name = doc.unit.name
    names = [unit_name, f"UBND {unit_name[:1].lower()}{unit_name[1:]}"]
    flags = [{"code": p.code, "message": p.message}
             for p in check_document(fields, expectation, unit_names=names)]
    await document_fields.set_flags(ctx.conn, document_id=doc.id, flags=flags)
    return flags


async def status_section(ctx: Ctx, unit_id: int) -> str:
    """`/tinhtrang`: each document in force of the unit, with what was read and its flags."""
    lines: list[str] = []
    for dtype in ctx.campaign.document_types:
        doc = await documents.current(
            ctx.conn, campaign_id=ctx.campaign_id, unit_id=unit_id, doc_type=dtype.code
        )
        if doc is None:
            continue
        reading = await document_fields.get(ctx.conn, doc.id)
        lines.append(tr.STATUS_DOC.format(label=dtype.label, number=doc.number or "–"))
        lines += reading_lines(reading)
    return "\n".join(lines)
