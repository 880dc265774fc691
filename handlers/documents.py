"""`/nopvanban`: a unit submits a required document, above all the Quarter I launch document
(văn bản phát động), to Phòng Nội vụ.

A form (see `handlers/forms.py`) asks the document type (from the campaign file), the file
(PDF, DOC, DOCX or a photo of the paper; its content is checked and it is kept under a
generated name), its number and its date. The deadline the type fulfils is marked met, on
time or late against its due date as it stands (an admin may have moved it). A second document
of the same type replaces the first, after the person agrees.

Once the file passes those checks the bot reads it (`documents.reading`, in a child process
started after the update's commit, so no database lock is held and nobody else waits; the
result comes back to this conversation as a follow-up update): it says what it read and, when
the document type has an `expect:` block, any way it differs from what is asked, then asks
whether to submit it anyway. A mismatch never blocks; it is stored with the document
(`document_reading`), for Phòng Nội vụ to see and correct in `/duyet`.

When the campaign asks for the head's sign-off (`handlers/signoff.py`), the document waits
for the unit's head, who is told at once; until they confirm it, the document it replaces
stays in force.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from core.conversation import Ctx, Router
from core.domain.values import BadValue, format_date, format_number
from core.identity import Identity
from core.texts import reading as tr
from core.texts import reporting as texts
from core.texts import signoff as ts
from handlers import forms, lifespan, signoff
from storage.files import MAX_UPLOAD_BYTES, FileStore
from storage.models import REPORTERS
from storage.queries import audit, document_fields, documents
from storage.queries import signoff as signoff_q

router = Router()

RESUME = "document.resume"
DRAFT_KEY = "document"

# Số, ký hiệu văn bản (Nghị định 30/2020/NĐ-CP): `12/KH-UBND`, `98/2023/NĐ-CP`; documents of
# Party bodies put the kind before the slash: `05-NQ/TU`, `71-KH/TU`.
_SYMBOL = r"[^\W\d_][^\W_]*(?:&[^\W_]+)*"  # a letter first: KH, UBND, NĐ, CTr, TN&MT
_NUMBER_RE = re.compile(
    rf"[0-9]{{1,6}}(?:/[0-9]{{4}})?/{_SYMBOL}(?:-{_SYMBOL})*"
    rf"|[0-9]{{1,6}}-{_SYMBOL}/{_SYMBOL}(?:-{_SYMBOL})*"
)
_PREFIX_RE = re.compile(r"^(?:số|so)\s*[:.]?\s*", re.IGNORECASE)
_SEPARATOR_RE = re.compile(r"\s*([/-])\s*")
MAX_NUMBER = 64  # Document.number


def parse_doc_number(text: str) -> str:
    """`Số 12 / KH-UBND` → `12/KH-UBND`; raises `BadValue` when it is not a document number."""
    s = unicodedata.normalize("NFC", text).strip()
    s = _PREFIX_RE.sub("", s).replace("–", "-").replace("—", "-")
    s = _SEPARATOR_RE.sub(r"\1", s)
    if len(s) > MAX_NUMBER or not _NUMBER_RE.fullmatch(s):
        raise BadValue(texts.DOCUMENT_BAD_NUMBER)
    return s


forms.register_text_parser("doc_number", parse_doc_number)


@router.command("nopvanban", description=texts.CMD_DOCUMENT, roles=REPORTERS)
async def submit(ctx: Ctx) -> None:
    ctx.clear()  # a form left open is parked, to be offered back
    refused = lifespan.refusal(ctx, "document")
    if refused is not None:
        ctx.reply(refused)
        return
    await _open(ctx)


@router.state(RESUME)
async def on_resume(ctx: Ctx) -> None:
    await forms.answer_resume(ctx, partial(_open, fresh=True))


async def _open(ctx: Ctx, *, fresh: bool = False) -> None:
    who = ctx.who
    if who is None:
        return
    campaign = ctx.campaign
    if not campaign.document_types:
        ctx.clear()
        ctx.reply(texts.DOCUMENT_NO_TYPES)
        return
    new = partial(_new_form, ctx, who)
    forms.open_or_resume(ctx, DRAFT_KEY, new, resume_state=RESUME, fresh=fresh)


def _new_form(ctx: Ctx, who: Identity) -> tuple[forms.Form, str]:
    campaign = ctx.campaign
    limit = format_number(MAX_UPLOAD_BYTES / 1024 / 1024, 0)
    questions = [
        forms.Question(
            key="doc_type",
            text=texts.DOCUMENT_Q_TYPE,
            type="choice",
            label=texts.DOCUMENT_L_TYPE,
            choices=tuple((d.label, d.code) for d in campaign.document_types),
            skippable=False,
        ),
        forms.Question(
            key="file",
            text=texts.DOCUMENT_Q_FILE.format(limit=limit),
            type=forms.FILE,
            label=texts.DOCUMENT_L_FILE,
            skippable=False,
        ),
        forms.Question(
            key="number",
            text=texts.DOCUMENT_Q_NUMBER,
            type="doc_number",
            label=texts.DOCUMENT_L_NUMBER,
            hint=texts.DOCUMENT_H_NUMBER,
            skippable=False,
        ),
        forms.Question(
            key="doc_date",
            text=texts.DOCUMENT_Q_DATE,
            type="date",
            label=texts.DOCUMENT_L_DATE,
            skippable=False,
            options={"not_future": True},
        ),
    ]
    form = forms.Form(
        kind="document",
        title=texts.DOCUMENT_TITLE.format(unit=who.unit_name),
        draft_key=DRAFT_KEY,
        questions=questions,
    )
    return form, texts.DOCUMENT_INTRO.format(unit=who.unit_name, n=len(questions))


def _type_label(ctx: Ctx, code: str) -> str:
    campaign = ctx.campaign
    return next((d.label for d in campaign.document_types if d.code == code), code)


async def check(
    ctx: Ctx, form: forms.Form, q: forms.Question, value: Any
) -> forms.Caution | forms.Deferred | None:
    """Choosing a type the unit already submitted asks before the new one replaces it; a
    file is read after the commit (`_read_later`)."""
    who = ctx.who
    if q.key == "file" and who is not None:
        return _read_later(ctx, dict(value or {}))
    if q.key != "doc_type" or who is None:
        return None
    existing = await documents.current(
        ctx.conn, campaign_id=ctx.campaign_id, unit_id=who.unit_id, doc_type=str(value)
    )
    if existing is None:
        return None
    tz = ZoneInfo(ctx.campaign.campaign.timezone)
    return forms.Caution(
        texts.DOCUMENT_ALREADY.format(
            unit=who.unit_name,
            label=_type_label(ctx, str(value)).lower(),
            number=existing.number,
            date=format_date(existing.doc_date) if existing.doc_date else "",
            sent=format_date(existing.submitted_at.astimezone(tz).date()),
        ),
        keep=texts.DOCUMENT_ALREADY_KEEP,
        change=texts.DOCUMENT_ALREADY_CHANGE,
    )


# -- reading the file ------------------------------------------------------------------------

READ_KINDS = frozenset({"pdf", "docx", "jpeg", "png"})  # what documents.reading reads (not .doc)
READ_TIME_LIMIT = 30.0  # seconds for a file (two pages of OCR take a few)
READING_KEY = "reading"  # form.extra: what was read in the file answered, and its flags


def _read_later(ctx: Ctx, file: dict[str, Any]) -> forms.Deferred | None:
    """Read the kept file in the reading worker once this update is committed.

    Not inline: on SQLite the update's transaction holds the one write lock every other chat
    waits on, and a page of OCR takes seconds. The form waits (`forms.WAIT`) and `resume`
    answers when the result comes back."""
    who = ctx.who
    if who is None or file.get("kind") not in READ_KINDS or ctx.services.feed is None:
        return None
    path = FileStore(ctx.services.settings.data_dir).path_of(
        campaign_id=ctx.campaign_id,
        unit_code=who.unit_code,
        stored_name=str(file.get("stored_name", "")),
    )
    media_type = str(file.get("mime_type") or "") or None

    async def run() -> dict[str, Any]:
        from documents.reading import read_document_async

        result = await read_document_async(
            path, media_type=media_type, time_limit=READ_TIME_LIMIT
        )
        return _fields_json(result.fields)

    return forms.Deferred(tr.READING, run, give_up_after=READ_TIME_LIMIT * 3)


def _fields_json(fields: Any) -> dict[str, Any]:
    data = {k: getattr(fields, k) for k in (*document_fields.FIELDS, "source", "confidence")}
    data["issued_on"] = fields.issued_on.isoformat() if fields.issued_on else None
    data["notes"] = list(fields.notes)
    return data


def _fields_of(data: dict[str, Any] | None) -> Any:
    from documents.reading import DocumentFields

    if not data:
        return DocumentFields(notes=(tr.UNREAD,))
    texts_read = {k: data.get(k) for k in document_fields.FIELDS if k != "issued_on"}
    issued = data.get("issued_on")
    source = data.get("source")
    return DocumentFields(
        **texts_read,
        issued_on=date.fromisoformat(issued) if issued else None,
        source=source if source in ("text", "ocr") else "none",
        confidence=float(data.get("confidence") or 0.0),
        notes=tuple(data.get("notes") or ()),
    )


def _unit_names(ctx: Ctx) -> list[str]:
    """The names the unit's documents may carry: "Xã Hải Sơn", "UBND xã Hải Sơn", aliases."""
    who = ctx.who
    if who is None:
        return []
    unit = ctx.campaign.unit(who.unit_code)
    names = [who.unit_name, f"UBND {who.unit_name[:1].lower()}{who.unit_name[1:]}"]
    if unit is not None:
        names += [a for a in unit.aliases if any(ch.isalpha() for ch in a)]
    return names


def _expectation(ctx: Ctx, doc_type: str) -> Any:
    from documents.reading import Expectation

    campaign = ctx.campaign
    dtype = next((d for d in campaign.document_types if d.code == doc_type), None)
    e = dtype.expect if dtype else None
    if e is None:
        return Expectation(issuer_must_be_unit=False)  # read and described, not checked
    return Expectation(
        doc_types=e.types,
        subject_words=e.subject_words,
        subject_label=e.subject_label,
        issued_from=e.issued_from,
        issued_to=e.issued_to,
        issuer_must_be_unit=e.issuer_is_unit,
    )


async def resume(
    ctx: Ctx, form: forms.Form, q: forms.Question, value: Any, result: dict[str, Any] | None
) -> forms.Caution | str | None:
    """What the bot read in the file: said, checked, and kept with the answer; a mismatch
    asks whether to submit anyway (never refuses)."""
    from documents.reading import check_document, describe

    fields = _fields_of(result)
    problems = check_document(
        fields, _expectation(ctx, str(form.value("doc_type"))), unit_names=_unit_names(ctx)
    )
    form.extra[READING_KEY] = {
        "stored_name": str(dict(value or {}).get("stored_name", "")),
        "fields": _fields_json(fields),
        "flags": [{"code": p.code, "message": p.message} for p in problems],
    }
    form.extra[forms.SUGGESTED] = _suggestions(ctx, fields)
    if fields.source == "none":
        return tr.UNREAD
    said = tr.READ_AS.format(description=describe(fields))
    if not problems:
        expected = ctx.campaign
        dtype = next(
            (d for d in expected.document_types if d.code == form.value("doc_type")), None
        )
        return f"{said}\n{tr.READ_MATCHES}" if dtype and dtype.expect else said
    lines = [said, "", tr.MISMATCH_HEAD]
    lines += [tr.MISMATCH_LINE.format(message=p.message) for p in problems]
    lines += ["", tr.SUBMIT_ANYWAY]
    return forms.Caution("\n".join(lines), keep=tr.SUBMIT_YES, change=tr.SUBMIT_NO)


def _suggestions(ctx: Ctx, fields: Any) -> dict[str, dict[str, str]]:
    """The number and date read, offered where the form asks them (`forms.SUGGESTED`): only
    what the questions would take if typed (a well-formed number, a date not in the future)."""
    offered: dict[str, dict[str, str]] = {}
    if fields.number:
        try:
            number = parse_doc_number(str(fields.number))
        except BadValue:
            number = ""
        if number:
            offered["number"] = {"text": number,
                                 "line": tr.PREFILL_NUMBER.format(value=number),
                                 "button": tr.PREFILL_KEEP.format(value=number)}
    issued = fields.issued_on
    if issued is not None and issued <= forms.local_today(ctx):
        shown = f"{issued.day:02d}/{issued.month:02d}/{issued.year}"
        offered["doc_date"] = {"text": shown,
                               "line": tr.PREFILL_DATE.format(value=shown),
                               "button": tr.PREFILL_KEEP.format(value=shown)}
    return offered


def _reading_of(form: forms.Form, file: dict[str, Any]) -> dict[str, Any] | None:
    """What was read in the file kept in the form (not one read for a file since replaced)."""
    reading = form.extra.get(READING_KEY)
    if not isinstance(reading, dict) or reading.get("stored_name") != file.get("stored_name"):
        return None
    return reading


async def _due(ctx: Ctx, doc_type: str) -> tuple[str, date] | None:
    """The deadline this type fulfils for the person's unit, and its due date as it stands."""
    campaign = ctx.campaign
    dtype = next((d for d in campaign.document_types if d.code == doc_type), None)
    deadline = campaign.deadline(dtype.deadline) if dtype and dtype.deadline else None
    unit = campaign.unit(ctx.who.unit_code) if ctx.who else None
    if deadline is None or unit is None or not deadline.applies_to.covers(unit):
        return None
    moved = await documents.moved_due(
        ctx.conn, campaign_id=ctx.campaign_id, code=deadline.code
    )
    return deadline.code, moved or deadline.due


async def save(ctx: Ctx, form: forms.Form) -> None:
    who = ctx.who
    if who is None:
        return
    doc_type = str(form.value("doc_type"))
    file: dict[str, Any] = dict(form.value("file") or {})
    number = str(form.value("number"))
    doc_date = date.fromisoformat(str(form.value("doc_date")))
    due = await _due(ctx, doc_type)
    today = forms.local_today(ctx)
    cid = ctx.campaign_id
    # With sign-off, the document counts (and is on time or late) when the head confirms it;
    # a unit with no registered head is not held up.
    sign_off = signoff.documents_need_sign_off(ctx)
    to_head = sign_off and await signoff_q.has_head(ctx.conn, unit_id=who.unit_id)
    in_force = (
        await documents.current(ctx.conn, campaign_id=cid, unit_id=who.unit_id, doc_type=doc_type)
        if to_head
        else None
    )
    on_time = None if to_head or not due else today <= due[1]
    doc_id, replaced = await documents.submit(
        ctx.conn,
        campaign_id=ctx.campaign_id,
        unit_id=who.unit_id,
        person_id=who.person_id,
        doc=documents.NewDocument(
            doc_type=doc_type,
            number=number,
            doc_date=doc_date,
            stored_name=str(file.get("stored_name", "")),
            original_name=str(file.get("original_name", "")),
            mime_type=str(file.get("mime_type", "")),
            size=int(file.get("size") or 0),
            sha256=str(file.get("sha256", "")),
            deadline_code=due[0] if due else None,
            on_time=on_time,
        ),
        now=ctx.now(),
        sign_off=signoff_q.PENDING if to_head else signoff_q.CONFIRMED,
    )
    reading = _reading_of(form, file)
    if reading is not None:
        await document_fields.save(
            ctx.conn, document_id=doc_id, fields=reading["fields"], flags=reading["flags"],
            now=ctx.now(),
        )
    await audit.record(
        ctx.conn,
        actor=f"person:{who.person_id}",
        action="document.submit",
        entity="document",
        entity_id=doc_id,
        old={"superseded": [r.id for r in replaced]} if replaced else None,
        new={
            "doc_type": doc_type,
            "number": number,
            "doc_date": doc_date.isoformat(),
            "stored_name": file.get("stored_name"),
            "sha256": file.get("sha256"),
            "deadline": due[0] if due else None,
            "on_time": on_time,
            "sign_off": signoff_q.PENDING if to_head else signoff_q.CONFIRMED,
            "read": reading["fields"]["source"] if reading else None,
            "flags": [f["code"] for f in reading["flags"]] if reading else [],
        },
    )
    lines = [
        texts.DOCUMENT_SAVED.format(
            label=_type_label(ctx, doc_type).lower(),
            number=number,
            date=format_date(doc_date),
            file=form.answers["file"]["d"],
        )
    ]
    if to_head:
        label = _type_label(ctx, doc_type).lower()
        if due is not None:
            lines.append(ts.DOCUMENT_WAITING_DUE.format(due=format_date(due[1])))
        kept = in_force is not None and in_force.id not in {r.id for r in replaced}
        if kept and in_force is not None:
            lines.append(ts.DOCUMENT_WILL_REPLACE.format(number=in_force.number))
        notice = ts.NOTICE_DOCUMENT.format(
            focal=who.full_name or ts.FOCAL_FALLBACK,
            doc=label,
            number=number,
            date=format_date(doc_date),
            unit=who.unit_name,
        )
        told = await signoff.tell_heads(ctx, who.unit_id, notice)
        lines.append(ts.DOCUMENT_WAITING.format(told=told))
        ctx.reply("\n".join(lines))
        return
    if sign_off:
        lines.append(ts.DOCUMENT_NO_HEAD)
    if due is not None:
        if on_time:
            lines.append(texts.DOCUMENT_ON_TIME.format(due=format_date(due[1])))
        else:
            days = (today - due[1]).days
            lines.append(texts.DOCUMENT_LATE.format(due=format_date(due[1]), days=days))
    if replaced:
        lines.append(
            texts.DOCUMENT_REPLACED.format(number=max(replaced, key=lambda r: r.id).number)
        )
    lines.append(texts.DOCUMENT_REVIEW)
    ctx.reply("\n".join(lines))


forms.register(
    forms.FormKind(name="document", command="/nopvanban", save=save, check=check, resume=resume)
)
