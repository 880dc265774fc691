"""The form engine: one questionnaire runner for every conversation and every channel.

A form is a list of `Question`s (built from the campaign file, never written per indicator)
and a `save` function. The engine asks one question at a time, reads the answer with the
Vietnamese value parsers, echoes it back, handles “quay lại”, “bỏ qua” (a required question
asks for a reason) and shows a summary to confirm before anything is saved. Its whole state is
in the conversation data, so a half-filled form survives restarts, days away and `/huy`
(which parks it under `drafts`). The states are drawn in `forms.mmd`. A command opens its
form with `open_or_resume`: a parked draft is offered back, or a new form is started.

Besides the value types of the campaign file, a question may be a `choice`, a `file` (a
document or photo, checked by its content and kept under a generated name), or a type whose
reader a conversation registers (`register_reader`, e.g. a document number or a link). A
form kind may `check` each valid answer and raise a `Caution` (a very similar title, a
document that would be replaced): the person keeps the answer or gives another.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, overload
from zoneinfo import ZoneInfo

from core.conversation import DRAFTS, FORM, OFFERED, Ctx, Router
from core.domain.periods import Month
from core.domain.values import BadValue, format_date, format_number, parse_value
from core.messages import Choice, Incoming, Kind
from core.texts import common as texts
from core.texts import reporting as rtexts
from core.vntext import fold
from handlers import lifespan
from storage.files import MAX_UPLOAD_BYTES, MIME, FileStore, sniff

router = Router()
log = logging.getLogger(__name__)

BACK_WORDS = frozenset({"quay lai", "quaylai", "/quaylai", "tro lai", "back"})
REPEAT_WORDS = frozenset({"nhac lai", "xem lai cau hoi", "cau hoi"})
SKIP_WORDS = frozenset({"bo qua", "boqua", "/boqua", "skip"})
CONFIRM_WORDS = frozenset({"xac nhan", "gui", "dong y", "ok", "co", "confirm"})

ASK, REASON, CONFIRM, PICK, WARN = "ask", "reason", "confirm", "pick", "warn"
WAIT = "wait"  # an answer waits for work done after the commit (a document being read)
FILE = "file"  # a question answered by sending a document or a photo
CAUTION = "_caution"  # `Form.extra` key: an answer waiting for the person to keep or change it
# `Form.extra` key: answers offered for questions, by question key: {"text": what the person
# would type, "line": the sentence offering it, "button": the label of the button that keeps
# it}. "đúng" (or the button) answers with that text, read as if typed; any other answer wins.
SUGGESTED = "suggested"
KEEP_WORDS = frozenset({"dung", "giu", "dung roi", "giu nguyen"})
KEEP_VALUE = "đúng"  # the keep button's value, what typing it would send
# Question options the engine reads itself (the others go to the value parser): not_future
# (a date no later than today), not_before ("YYYY-MM-DD"), min_chars and max_chars (text),
# accept (file kinds).
ENGINE_OPTIONS = frozenset({"not_future", "not_before", "min_chars", "max_chars", "accept"})


@dataclass(frozen=True)
class Question:
    """One question. `type` is a value type (percent, count, yes_no, rating, money, date, text),
    `choice`, whose answer must be one of `choices` (stored as the choice's value), `file`, or
    a type with a registered reader.

    `required`: skipping needs a reason; with `skippable=False` it cannot be skipped at all.
    `optional_if`: the question is optional when another answer is one of the listed values
    (`{"kind": ["bao_in"]}`)."""

    key: str
    text: str
    type: str
    label: str = ""  # short name in the summary
    required: bool = True
    hint: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    options: dict[str, Any] = field(default_factory=dict)  # extra arguments for the parser
    skippable: bool = True
    optional_if: dict[str, list[str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        # Written out (not dataclasses.asdict, which deep-copies): it runs on every answer.
        return {
            "key": self.key,
            "text": self.text,
            "type": self.type,
            "label": self.label,
            "required": self.required,
            "hint": self.hint,
            "choices": [list(c) for c in self.choices],
            "options": self.options,
            "skippable": self.skippable,
            "optional_if": self.optional_if,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Question:
        return cls(**{**data, "choices": tuple(tuple(c) for c in data.get("choices", ()))})


@dataclass(frozen=True)
class Caution:
    """A soft objection to a valid answer, shown with the choice to keep it or answer again."""

    text: str
    keep: str = rtexts.FORM_CAUTION_KEEP
    change: str = rtexts.FORM_CAUTION_CHANGE


@dataclass(frozen=True)
class Deferred:
    """A check that needs work too slow for the update's transaction (reading a file): `run`
    is started once the update is committed, off the chat's worker, and hands its result
    (a JSON-able dict) back to the conversation as a `Kind.INTERNAL` update; the form waits
    meanwhile (`text` tells the person) and the kind's `resume` then sees the answer again.
    `give_up_after` seconds after it started, a message from the person resumes without it."""

    text: str
    run: Callable[[], Awaitable[dict[str, Any]]]
    give_up_after: float = 120.0


Saver = Callable[[Ctx, "Form"], Awaitable[None]]
Check = Callable[[Ctx, "Form", Question, Any], Awaitable["Caution | Deferred | None"]]
# After a `Deferred` check: the work's result (None when it never came) → a caution, or a note
# said before the answer is kept, or None.
Resume = Callable[
    [Ctx, "Form", Question, Any, dict[str, Any] | None], Awaitable["Caution | str | None"]
]
Reader = Callable[[Ctx, Question, str], tuple[Any, str]]


@dataclass(frozen=True)
class FormKind:
    """What a kind of form does when confirmed, and how it is named to the person."""

    name: str
    command: str  # the command that opens it, to tell people how to come back
    save: Saver
    check: Check | None = None  # sees each valid answer (its JSON value) before it is kept
    resume: Resume | None = None


KINDS: dict[str, FormKind] = {}
READERS: dict[str, Reader] = {}


def register(kind: FormKind) -> None:
    KINDS[kind.name] = kind


def register_reader(type_name: str, reader: Reader) -> None:
    """A question type of a conversation's own: `reader` returns (JSON value, display) or
    raises `BadValue` with a Vietnamese message."""
    READERS[type_name] = reader


def register_text_parser(type_name: str, parse: Callable[[str], str]) -> None:
    """A question type whose answer is text that `parse` checks and cleans (raising
    `BadValue`); what it returns is both stored and echoed."""

    def reader(_ctx: Ctx, _q: Question, text: str) -> tuple[str, str]:
        value = parse(text)
        return value, value

    register_reader(type_name, reader)


class Questions(Sequence[Question]):
    """A form's questions, decoded only when looked at: a form is read back on every answer,
    and most answers look at one question only."""

    def __init__(self, raw: list[dict[str, Any]]) -> None:
        self.raw = raw
        self._decoded: dict[int, Question] = {}

    @classmethod
    def of(cls, questions: Sequence[Question]) -> Questions:
        if isinstance(questions, Questions):
            return questions
        made = cls([q.to_json() for q in questions])
        made._decoded = dict(enumerate(questions))
        return made

    def __len__(self) -> int:
        return len(self.raw)

    @overload
    def __getitem__(self, index: int) -> Question: ...

    @overload
    def __getitem__(self, index: slice) -> list[Question]: ...

    def __getitem__(self, index: int | slice) -> Question | list[Question]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self.raw)
        q = self._decoded.get(index)
        if q is None:
            q = self._decoded[index] = Question.from_json(self.raw[index])
        return q


@dataclass
class Form:
    """A form in progress, as kept in the conversation data."""

    kind: str
    title: str
    draft_key: str
    questions: Sequence[Question]
    i: int = 0
    step: str = ASK
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)  # key → {"v", "d"}
    skipped: dict[str, str] = field(default_factory=dict)  # key → reason ("" if optional)
    editing: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.questions = Questions.of(self.questions)

    def to_json(self) -> dict[str, Any]:
        questions = self.questions
        return {
            "kind": self.kind,
            "title": self.title,
            "draft_key": self.draft_key,
            "questions": questions.raw if isinstance(questions, Questions) else [],
            "i": self.i,
            "step": self.step,
            "answers": self.answers,
            "skipped": self.skipped,
            "editing": self.editing,
            "extra": self.extra,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Form:
        return cls(
            kind=data["kind"],
            title=data["title"],
            draft_key=data["draft_key"],
            questions=Questions(list(data["questions"])),
            i=int(data["i"]),
            step=data["step"],
            answers=dict(data["answers"]),
            skipped=dict(data["skipped"]),
            editing=bool(data.get("editing")),
            extra=dict(data.get("extra") or {}),
        )

    @property
    def current(self) -> Question:
        return self.questions[self.i]

    def answered(self) -> int:
        return sum(1 for q in self.questions if q.key in self.answers or q.key in self.skipped)

    def value(self, key: str) -> Any:
        """The stored (JSON) form of an answer, or None."""
        return self.answers.get(key, {}).get("v")

    def is_required(self, q: Question) -> bool:
        """Whether `q` needs an answer (or a reason), given the answers so far."""
        if not q.required:
            return False
        # "" in the listed values stands for "left unanswered (skipped)".
        return not any(
            (self.value(key) if self.value(key) is not None else "") in values
            for key, values in q.optional_if.items()
        )

    def first_missing(self) -> int | None:
        """The first question neither answered nor properly skipped (an answer elsewhere may
        have made an optional question required)."""
        for i, q in enumerate(self.questions):
            if q.key in self.answers:
                continue
            reason = self.skipped.get(q.key)
            if reason is None or (self.is_required(q) and (not reason or not q.skippable)):
                return i
        return None


def local_today(ctx: Ctx) -> date:
    """Today in the campaign's time zone (the clock is UTC)."""
    campaign = ctx.services.campaign
    tz = ZoneInfo(campaign.campaign.timezone if campaign else "Asia/Ho_Chi_Minh")
    return ctx.now().astimezone(tz).date()


# -- starting, parking, resuming ------------------------------------------------------------


def draft(ctx: Ctx, draft_key: str) -> Form | None:
    """A parked half-filled form, if the person left one."""
    data = (ctx.data.get(DRAFTS) or {}).get(draft_key)
    return Form.from_json(data) if data else None


def drop_draft(ctx: Ctx, draft_key: str) -> None:
    drafts = dict(ctx.data.get(DRAFTS) or {})
    drafts.pop(draft_key, None)
    if drafts:
        ctx.data[DRAFTS] = drafts
    else:
        ctx.data.pop(DRAFTS, None)


def start(ctx: Ctx, form: Form, *, intro: str = "") -> None:
    """Open a form: ask its first unanswered question, or show the summary if all are."""
    drop_draft(ctx, form.draft_key)
    ctx.goto(FORM)
    if form.answered() == len(form.questions):
        form.step = CONFIRM
        _save(ctx, form)
        _summary(ctx, form, intro=intro)
        return
    form.i = next(
        i
        for i, q in enumerate(form.questions)
        if q.key not in form.answers and q.key not in form.skipped
    )
    form.step = ASK
    _save(ctx, form)
    _ask(ctx, form, prefix=intro)


def offer_resume(ctx: Ctx, parked: Form, *, resume_state: str) -> None:
    """Tell the person about a parked form and let them continue or start again."""
    ctx.goto(resume_state, resume_key=parked.draft_key)
    ctx.reply(
        texts.FORM_RESUME.format(
            title=parked.title, done=parked.answered(), n=len(parked.questions)
        ),
        [
            Choice(texts.FORM_RESUME_CONTINUE, "continue"),
            Choice(texts.FORM_RESUME_RESTART, "restart"),
        ],
    )


def open_or_resume(
    ctx: Ctx,
    draft_key: str,
    new: Callable[[], tuple[Form, str]],
    *,
    resume_state: str,
    fresh: bool = False,
) -> None:
    """How a command opens its form (`/sangkien`, `/nopvanban`, `/baiviet`): a half-filled
    form parked under `draft_key` is offered back (`offer_resume`; the answer comes in
    `resume_state`, where the conversation calls `answer_resume`); otherwise, or when `fresh`
    (the person chose to start again), the form `new` builds is started with the intro it
    returns. `new` runs only when a form is started."""
    parked = draft(ctx, draft_key)
    if parked is not None and not fresh:
        offer_resume(ctx, parked, resume_state=resume_state)
        return
    form, intro = new()
    start(ctx, form, intro=intro)


def resume(ctx: Ctx, draft_key: str) -> bool:
    """Continue a parked form where it stopped; False if there is none."""
    parked = draft(ctx, draft_key)
    if parked is None:
        return False
    drop_draft(ctx, draft_key)
    ctx.goto(FORM)
    _save(ctx, parked)
    _repeat(ctx, parked)  # the step it stopped at: a question, a reason, a caution, the summary
    return True


async def answer_resume(ctx: Ctx, restart: Callable[[Ctx], Awaitable[None]]) -> None:
    """The person's answer to `offer_resume`: continue the parked form, or drop it and
    `restart` the conversation."""
    key = str(ctx.data.get("resume_key", ""))
    if ctx.text == "continue" and resume(ctx, key):
        return
    if ctx.text in ("continue", "restart"):
        drop_draft(ctx, key)
        ctx.data.pop("resume_key", None)
        await restart(ctx)
        return
    ctx.reply(
        rtexts.FORM_RESUME_HELP,
        [
            Choice(texts.FORM_RESUME_CONTINUE, "continue"),
            Choice(texts.FORM_RESUME_RESTART, "restart"),
        ],
    )


# -- the state machine ----------------------------------------------------------------------


@router.state(FORM)
async def on_message(ctx: Ctx) -> None:
    raw = ctx.data.get(FORM)
    if not isinstance(raw, dict):
        ctx.clear()
        return
    form = Form.from_json(raw)
    if ctx.msg.kind is Kind.CALLBACK and not _offered(ctx, ctx.text):
        ctx.reply(rtexts.FORM_STALE_BUTTON)  # a button of an earlier message
        _repeat(ctx, form)
        return
    if form.step == WAIT or ctx.msg.kind is Kind.INTERNAL:
        await _on_wait(ctx, form)
        return
    typed = ctx.msg.kind in (Kind.TEXT, Kind.CALLBACK) and bool(ctx.text)
    if form.step == ASK and form.current.type == FILE and not typed:
        await _on_file(ctx, form)
        return
    if not typed:
        ctx.reply(texts.FORM_TEXT_ONLY)
        _repeat(ctx, form)
        return
    handler = {
        ASK: _on_answer,
        REASON: _on_reason,
        CONFIRM: _on_confirm,
        PICK: _on_pick,
        WARN: _on_caution,
    }[form.step]
    await handler(ctx, form)


def _offered(ctx: Ctx, value: str) -> bool:
    """Whether `value` is one of the choices the last reply offered."""
    return any(str(o[1]) == value for o in ctx.data.get(OFFERED) or ())


def _repeat(ctx: Ctx, form: Form) -> None:
    if form.step == CONFIRM:
        _summary(ctx, form)
    elif form.step == WAIT:
        ctx.reply(rtexts.FORM_STILL_WAITING)
    elif form.step == WARN:
        _caution(ctx, form)
    elif form.step == PICK:
        ctx.reply(texts.FORM_PICK_ITEM.format(n=len(form.questions)))
    elif form.step == REASON:
        ctx.reply(texts.FORM_ASK_REASON.format(label=form.current.label or form.current.text))
    else:
        _ask(ctx, form)


async def _on_answer(ctx: Ctx, form: Form) -> None:
    q = form.current
    word = fold(ctx.text)
    if word in BACK_WORDS:
        if form.i == 0:
            _ask(ctx, form, prefix=texts.FORM_FIRST_QUESTION)
        else:
            form.i -= 1
            _save(ctx, form)
            _ask(ctx, form)
        return
    if word in REPEAT_WORDS:  # after a short error: the whole question again, on request
        _ask(ctx, form)
        return
    if word in SKIP_WORDS:
        required = form.is_required(q)
        if required and not q.skippable:
            _ask(ctx, form, prefix=rtexts.FORM_CANNOT_SKIP)
            return
        if required:
            form.step = REASON
            _save(ctx, form)
            ctx.reply(texts.FORM_ASK_REASON.format(label=q.label or q.text))
            return
        form.answers.pop(q.key, None)
        form.skipped[q.key] = ""
        _advance(ctx, form, texts.FORM_SKIPPED)
        return
    offered = _suggestion(form, q)
    text = str(offered["text"]) if offered and word in KEEP_WORDS else ctx.text
    try:
        value, display = _read(ctx, q, text)
    except BadValue as exc:
        _retry(ctx, form, exc.message)
        return
    await _accept(ctx, form, q, value, display)


def _suggestion(form: Form, q: Question) -> dict[str, Any] | None:
    """The answer offered for `q` (`SUGGESTED`), if any."""
    offered = form.extra.get(SUGGESTED)
    found = offered.get(q.key) if isinstance(offered, dict) else None
    return found if isinstance(found, dict) and found.get("text") else None


async def _accept(ctx: Ctx, form: Form, q: Question, value: Any, display: str) -> None:
    """Keep a valid answer, unless the form kind's check raises a caution first."""
    kind = KINDS.get(form.kind)
    caution = await kind.check(ctx, form, q, value) if kind and kind.check else None
    if isinstance(caution, Deferred):
        _defer(ctx, form, q, value, display, work=caution)
        return
    _caution_or_record(ctx, form, q, value, display, caution=caution)


def _caution_or_record(
    ctx: Ctx, form: Form, q: Question, value: Any, display: str, *,
    caution: Caution | None, prefix: str = "",
) -> None:
    if caution is not None:
        form.step = WARN
        form.extra[CAUTION] = {
            "key": q.key,
            "v": value,
            "d": display,
            "text": caution.text,
            "keep": caution.keep,
            "change": caution.change,
        }
        _save(ctx, form)
        _caution(ctx, form)
        return
    _record(ctx, form, q.key, value, display, prefix=prefix)


# -- work after the commit ------------------------------------------------------------------

_RUNNING: set[asyncio.Task[None]] = set()  # kept referenced until done
WAITING = "_waiting"  # `Form.extra` key: the answer waiting for a `Deferred`


def _defer(
    ctx: Ctx, form: Form, q: Question, value: Any, display: str, *, work: Deferred
) -> None:
    """Park the answer, tell the person, and start `work` once this update is committed."""
    token = uuid.uuid4().hex
    started = ctx.now().timestamp()
    form.step = WAIT
    form.extra[WAITING] = {
        "key": q.key, "v": value, "d": display, "token": token, "started": started,
        "give_up": work.give_up_after,
    }
    _save(ctx, form)
    ctx.reply(work.text)
    msg, feed = ctx.msg, ctx.services.feed

    async def run_and_feed() -> None:
        try:
            result: dict[str, Any] | None = await work.run()
        except Exception:  # the conversation goes on without the result
            log.exception("deferred work of a %s form failed", form.kind)
            result = None
        if feed is None:
            return
        payload = json.dumps({"token": token, "result": result}, ensure_ascii=False)
        await feed([Incoming(
            channel=msg.channel, update_key=f"internal:{token}", chat_id=msg.chat_id,
            user_id=msg.user_id, kind=Kind.INTERNAL, text=payload,
        )])

    async def start() -> None:  # hooks must be quick: the work runs beside the chat's worker
        task = asyncio.create_task(run_and_feed(), name=f"deferred:{form.kind}")
        _RUNNING.add(task)
        task.add_done_callback(_RUNNING.discard)

    ctx.after_commit(start)


async def wait_deferred() -> bool:
    """Wait for the deferred work running now (a document being read); True if there was any.
    The terminal demo uses it so that a typed answer never overtakes the bot's reading."""
    running = list(_RUNNING)
    if running:
        await asyncio.gather(*running, return_exceptions=True)
    return bool(running)


async def _on_wait(ctx: Ctx, form: Form) -> None:
    """The result of deferred work, or a person's message while it runs."""
    waiting = form.extra.get(WAITING)
    if form.step != WAIT or not isinstance(waiting, dict):
        return  # a result for a form no longer waiting: nothing to say
    result: dict[str, Any] | None = None
    if ctx.msg.kind is Kind.INTERNAL:
        try:
            payload = json.loads(ctx.msg.text)
        except ValueError:
            return
        if not isinstance(payload, dict) or payload.get("token") != waiting.get("token"):
            return  # the result of an answer given up on, or since replaced
        result = payload.get("result") if isinstance(payload.get("result"), dict) else None
    else:
        waited = ctx.now().timestamp() - float(waiting.get("started") or 0)
        if fold(ctx.text) in BACK_WORDS:
            form.extra.pop(WAITING, None)
            form.step = ASK
            _save(ctx, form)
            _ask(ctx, form)
            return
        if waited < float(waiting.get("give_up") or 0):
            ctx.reply(rtexts.FORM_STILL_WAITING)
            return
        # Never came (a restart in between): go on without it.
    form.extra.pop(WAITING, None)
    form.step = ASK
    q = next(x for x in form.questions if x.key == waiting["key"])
    kind = KINDS.get(form.kind)
    said = await kind.resume(ctx, form, q, waiting["v"], result) if kind and kind.resume else None
    caution = said if isinstance(said, Caution) else None
    note = said if isinstance(said, str) else ""
    _caution_or_record(
        ctx, form, q, waiting["v"], str(waiting["d"]), caution=caution, prefix=note
    )


def _record(ctx: Ctx, form: Form, key: str, value: Any, display: str, *, prefix: str = "") -> None:
    form.answers[key] = {"v": value, "d": display}
    form.skipped.pop(key, None)
    echo = _echo(texts.FORM_RECORDED.format(display=display), display)
    _advance(ctx, form, f"{prefix}\n\n{echo}" if prefix else echo)


def _echo(sentence: str, answer: str) -> str:
    """“Đã ghi nhận: Trả kết quả qua Zalo.” rather than “…Zalo..” when the answer ends a
    sentence itself."""
    if answer.rstrip().endswith((".", "!", "?", "…")):
        return sentence.removesuffix(".")
    return sentence


def _read(ctx: Ctx, q: Question, text: str) -> tuple[Any, str]:
    """The answer's stored (JSON) value and its Vietnamese display."""
    if q.type == "choice":
        wanted = fold(text)
        for label, value in q.choices:
            if wanted in (fold(value), fold(label)):
                return value, label
        raise BadValue(texts.FORM_BAD_CHOICE.format(n=len(q.choices)))
    if q.type == FILE:
        raise BadValue(rtexts.FORM_FILE_EXPECTED)
    if q.type in READERS:
        return READERS[q.type](ctx, q, text)
    from core.domain.values import to_json

    options: dict[str, Any] = {
        k: tuple(v) if isinstance(v, list) else v
        for k, v in q.options.items()
        if k not in ENGINE_OPTIONS
    }
    if q.options.get("not_future"):
        options["today"] = local_today(ctx)
    parsed = parse_value(q.type, text, **options)
    earliest = q.options.get("not_before")
    if earliest and isinstance(parsed.value, date):
        low = date.fromisoformat(earliest)
        if parsed.value < low:
            raise BadValue(rtexts.FORM_DATE_TOO_EARLY.format(day=format_date(low)))
    if isinstance(parsed.value, str) and q.type == "text":
        n = len(parsed.value)
        if (most := q.options.get("max_chars")) and n > most:
            raise BadValue(
                rtexts.TEXT_TOO_LONG.format(limit=format_number(most), n=format_number(n))
            )
        if (least := q.options.get("min_chars")) and n < least:
            raise BadValue(rtexts.TEXT_TOO_SHORT.format(limit=least))
    return to_json(parsed.value, q.type), parsed.display


# -- files ----------------------------------------------------------------------------------

FILE_KINDS = tuple(MIME)  # what `storage.files.sniff` recognises: pdf, doc, docx, jpeg, png


async def _on_file(ctx: Ctx, form: Form) -> None:
    """A document or photo sent to a file question: refused with the reason, or kept under a
    generated name (its content decides its type, not its name)."""
    q, ref, who = form.current, ctx.msg.file, ctx.who
    if ctx.msg.kind not in (Kind.DOCUMENT, Kind.PHOTO) or ref is None or who is None:
        _ask(ctx, form, prefix=rtexts.FORM_FILE_EXPECTED)
        return
    if ref.error == "too_big":
        limit = format_number(MAX_UPLOAD_BYTES / 1024 / 1024, 0)
        _ask(ctx, form, prefix=rtexts.FORM_FILE_TOO_BIG.format(limit=limit))
        return
    staged = Path(ref.local_path) if ref.local_path else None
    if ref.error or staged is None or not staged.is_file():
        _ask(ctx, form, prefix=rtexts.FORM_FILE_UNAVAILABLE)
        return
    accepted = tuple(q.options.get("accept") or FILE_KINDS)
    kind = await asyncio.to_thread(sniff, staged)
    if kind not in accepted:
        names = ", ".join(rtexts.FILE_KIND_NAMES.get(k, k) for k in accepted)
        _ask(ctx, form, prefix=rtexts.FORM_FILE_BAD_TYPE.format(kinds=names))
        return
    store = FileStore(ctx.services.settings.data_dir)
    stored = await asyncio.to_thread(
        store.keep, staged, campaign_id=ctx.campaign_id, unit_code=who.unit_code
    )
    if stored is None:
        _ask(ctx, form, prefix=rtexts.FORM_FILE_UNAVAILABLE)
        return
    name = (ref.file_name or "").strip()[:200]
    value = {
        "stored_name": stored.stored_name,
        "kind": stored.kind,
        "mime_type": stored.mime_type,
        "size": stored.size,
        "sha256": stored.sha256,
        "original_name": name,
    }
    await _accept(ctx, form, q, value, describe_file(stored.kind, stored.size, name))


def describe_file(kind: str, size: int, name: str = "") -> str:
    """`tệp PDF “ke-hoach.pdf”, 1,2 MB`."""
    if size >= 1024 * 1024:
        shown = f"{format_number(size / 1024 / 1024, 1)} MB"
    else:
        shown = f"{format_number(max(1, round(size / 1024)), 0)} KB"
    label = rtexts.FILE_KIND_LABELS.get(kind, kind)
    return f"{label} “{name}”, {shown}" if name else f"{label}, {shown}"


# -- cautions -------------------------------------------------------------------------------


def _caution(ctx: Ctx, form: Form) -> None:
    pending = form.extra.get(CAUTION) or {}
    ctx.reply(
        str(pending.get("text", "")),
        [
            Choice(str(pending.get("keep") or rtexts.FORM_CAUTION_KEEP), "keep"),
            Choice(str(pending.get("change") or rtexts.FORM_CAUTION_CHANGE), "change"),
        ],
    )


async def _on_caution(ctx: Ctx, form: Form) -> None:
    pending = form.extra.get(CAUTION)
    word = fold(ctx.text)
    if not isinstance(pending, dict):  # nothing waiting (an older state): ask again
        form.step = ASK
        _save(ctx, form)
        _ask(ctx, form)
        return
    if ctx.text == "keep" or word in CONFIRM_WORDS:
        form.extra.pop(CAUTION, None)
        form.step = ASK
        _record(ctx, form, str(pending["key"]), pending["v"], str(pending["d"]))
        return
    if ctx.text == "change" or word in BACK_WORDS:
        form.extra.pop(CAUTION, None)
        form.step = ASK
        _save(ctx, form)
        _ask(ctx, form)
        return
    ctx.reply(rtexts.FORM_CAUTION_HELP)
    _caution(ctx, form)


async def _on_reason(ctx: Ctx, form: Form) -> None:
    if fold(ctx.text) in BACK_WORDS:
        form.step = ASK
        _save(ctx, form)
        _ask(ctx, form)
        return
    reason = ctx.text.strip()
    if len(reason) < 3:
        ctx.reply(texts.FORM_REASON_TOO_SHORT)
        return
    form.answers.pop(form.current.key, None)
    form.skipped[form.current.key] = reason[:500]
    form.step = ASK
    echo = texts.FORM_SKIPPED_WITH_REASON.format(reason=reason[:500])
    _advance(ctx, form, _echo(echo, reason[:500]))


def _advance(ctx: Ctx, form: Form, echo: str) -> None:
    if form.editing or form.i + 1 >= len(form.questions):
        missing = form.first_missing()
        if missing is not None:  # e.g. an edited answer made another question required
            form.i, form.step, form.editing = missing, ASK, True
            _save(ctx, form)
            _ask(ctx, form, prefix=echo)
            return
        form.step, form.editing = CONFIRM, False
        _save(ctx, form)
        _summary(ctx, form, intro=echo)
        return
    form.i += 1
    _save(ctx, form)
    _ask(ctx, form, prefix=echo)


async def _on_confirm(ctx: Ctx, form: Form) -> None:
    choice = fold(ctx.text)
    if choice in ("confirm", *CONFIRM_WORDS):
        missing = form.first_missing()
        if missing is not None:
            form.i, form.step, form.editing = missing, ASK, True
            _save(ctx, form)
            _ask(ctx, form, prefix=rtexts.FORM_STILL_MISSING)
            return
        kind = KINDS[form.kind]
        ctx.data.pop(FORM, None)
        ctx.state = ""
        month = form.extra.get("month") if isinstance(form.extra, dict) else None
        refused = (
            lifespan.refusal(
                ctx,
                form.kind,
                month=Month.from_code(str(month)) if month else None,
            )
            if form.kind in lifespan.WHAT
            else None
        )
        if refused is not None:
            drop_draft(ctx, form.draft_key)
            ctx.reply(refused)
            return
        await kind.save(ctx, form)
        drop_draft(ctx, form.draft_key)
        return
    item = _item_to_edit(choice, len(form.questions))
    if item is not None:  # "sửa 3", or "3": the items are the only numbers on the screen
        form.i, form.step, form.editing = item - 1, ASK, True
        _save(ctx, form)
        _ask(ctx, form)
        return
    if choice in ("edit", "sua", "sua mot muc"):
        form.step = PICK
        _save(ctx, form)
        ctx.reply(texts.FORM_PICK_ITEM.format(n=len(form.questions)))
        return
    if choice in ("later", "de sau"):
        kind = KINDS[form.kind]
        ctx.clear()  # parks the form under its draft key
        ctx.reply(texts.FORM_LATER_SAVED.format(title=form.title, command=kind.command))
        return
    ctx.reply(texts.FORM_CONFIRM_HELP)
    _summary(ctx, form)


def _item_to_edit(folded: str, n: int) -> int | None:
    """The item named by "sửa 3" (or a bare "3") on the summary, if it is one of its items."""
    words = folded.split()
    if len(words) == 2 and words[0] == "sua":
        words = words[1:]
    if len(words) == 1 and words[0].isdigit() and 1 <= int(words[0]) <= n:
        return int(words[0])
    return None


async def _on_pick(ctx: Ctx, form: Form) -> None:
    text = ctx.text.strip()
    if fold(text) in BACK_WORDS:
        form.step = CONFIRM
        _save(ctx, form)
        _summary(ctx, form)
        return
    if not text.isdigit() or not 1 <= int(text) <= len(form.questions):
        ctx.reply(texts.FORM_PICK_ITEM.format(n=len(form.questions)))
        return
    form.i, form.step, form.editing = int(text) - 1, ASK, True
    _save(ctx, form)
    _ask(ctx, form)


# -- rendering ------------------------------------------------------------------------------


def _save(ctx: Ctx, form: Form) -> None:
    ctx.data[FORM] = form.to_json()


def _retry(ctx: Ctx, form: Form, error: str) -> None:
    """A wrong answer: the error and one line, with the choices again (not the question)."""
    q = form.current
    line = texts.FORM_RETRY.format(i=form.i + 1, n=len(form.questions))
    ctx.reply(f"{error}\n{line}", [Choice(label, value) for label, value in q.choices])


def _ask(ctx: Ctx, form: Form, *, prefix: str = "") -> None:
    q = form.current
    lines = [texts.FORM_QUESTION.format(i=form.i + 1, n=len(form.questions), text=q.text)]
    offered = _suggestion(form, q)
    if offered is not None:
        lines.append(str(offered.get("line") or ""))
    elif q.hint:
        lines.append(q.hint)
    can_skip = q.skippable or not form.is_required(q)
    lines.append(texts.FORM_CONTROLS if can_skip else rtexts.FORM_CONTROLS_NO_SKIP)
    body = "\n".join(lines)
    choices = [Choice(label, value) for label, value in q.choices]
    if offered is not None and offered.get("button"):
        choices.append(Choice(str(offered["button"]), KEEP_VALUE))
    ctx.reply(f"{prefix}\n\n{body}" if prefix else body, choices)


def _summary(ctx: Ctx, form: Form, *, intro: str = "") -> None:
    lines = [texts.FORM_SUMMARY_HEAD.format(title=form.title)]
    for n, q in enumerate(form.questions, start=1):
        if q.key in form.answers:
            shown = str(form.answers[q.key]["d"])
        elif q.key in form.skipped:
            reason = form.skipped[q.key]
            shown = (
                texts.FORM_SUMMARY_REASON.format(reason=reason)
                if reason
                else texts.FORM_SUMMARY_SKIPPED
            )
        else:
            shown = texts.FORM_SUMMARY_EMPTY
        lines.append(f"{n}. {q.label or q.text}: {shown}")
    body = "\n".join(lines)
    ctx.reply(
        f"{intro}\n\n{body}" if intro else body,
        [
            Choice(texts.FORM_CONFIRM, "confirm", texts.FORM_CONFIRM_TYPED),
            Choice(
                texts.FORM_EDIT,
                "edit",
                texts.FORM_EDIT_TYPED.format(i=min(3, len(form.questions))),
            ),
            Choice(texts.FORM_LATER, "later", texts.FORM_LATER_TYPED),
        ],
    )
