"""`/baiviet`: a media unit reports an article that promotes administrative reform.

Only units of a media kind report articles; others get a polite refusal. A form (see
`handlers/forms.py`) asks the title, the outlet, the kind of outlet, the date and the link;
the link may be skipped for print and radio, and must be an http(s) address.
"""

from __future__ import annotations

import re
from datetime import date
from functools import partial
from urllib.parse import urlsplit

from core.conversation import Ctx, Router
from core.domain.values import BadValue, format_date
from core.identity import Identity
from core.texts import reporting as texts
from handlers import forms, lifespan
from storage.models import REPORTERS
from storage.queries import articles, audit

router = Router()

RESUME = "article.resume"
MEDIA_KINDS = frozenset({"MEDIA"})  # unit kinds that report articles (seed II.2.3)
DRAFT_KEY = "article"
LINK_OPTIONAL_FOR = ["bao_in", "phat_thanh"]  # print and radio often have no web page
MAX_LINK = 2000

_HOST_LABEL_RE = re.compile(r"[^\W_](?:[^\W_]|-)*")
_OTHER_SCHEME_RE = re.compile(r"^(?:javascript|data|file|mailto|ftp|tel):", re.IGNORECASE)


def parse_link(text: str) -> str:
    """An http(s) address; `baoquangninh.vn/bai` gets `https://`. Raises `BadValue`."""
    s = text.strip()
    if not s or len(s) > MAX_LINK or any(ch.isspace() for ch in s) or _OTHER_SCHEME_RE.match(s):
        raise BadValue(texts.ARTICLE_BAD_LINK)
    if "://" not in s:
        s = "https://" + s
    try:
        parts = urlsplit(s)
        _ = parts.port  # an invalid port raises here
    except ValueError:
        raise BadValue(texts.ARTICLE_BAD_LINK) from None
    host = parts.hostname or ""
    labels = host.split(".")
    if (
        parts.scheme.lower() not in ("http", "https")
        or len(labels) < 2
        or not all(_HOST_LABEL_RE.fullmatch(label) for label in labels)
        or (labels[-1].isdigit() and len(labels) != 4)
    ):
        raise BadValue(texts.ARTICLE_BAD_LINK)
    return s


forms.register_text_parser("url", parse_link)


@router.command(
    "baiviet", description=texts.CMD_ARTICLE, roles=REPORTERS, unit_kinds=MEDIA_KINDS
)
async def article(ctx: Ctx) -> None:
    who = ctx.who
    if who is None:
        return
    ctx.clear()  # a form left open is parked, to be offered back
    refused = lifespan.refusal(ctx, "article")
    if refused is not None:
        ctx.reply(refused)
        return
    if who.unit_kind not in MEDIA_KINDS:
        ctx.reply(texts.ARTICLE_NOT_MEDIA.format(unit=who.unit_name))
        return
    await _open(ctx)


@router.state(RESUME)
async def on_resume(ctx: Ctx) -> None:
    await forms.answer_resume(ctx, partial(_open, fresh=True))


async def _open(ctx: Ctx, *, fresh: bool = False) -> None:
    who = ctx.who
    if who is None:
        return
    new = partial(_new_form, ctx, who)
    forms.open_or_resume(ctx, DRAFT_KEY, new, resume_state=RESUME, fresh=fresh)


def _new_form(ctx: Ctx, who: Identity) -> tuple[forms.Form, str]:
    start = ctx.campaign.campaign.period.start
    questions = [
        forms.Question(
            key="title",
            text=texts.ARTICLE_Q_TITLE,
            type="text",
            label=texts.ARTICLE_L_TITLE,
            skippable=False,
            options={"min_chars": 3, "max_chars": 500},
        ),
        forms.Question(
            key="outlet",
            text=texts.ARTICLE_Q_OUTLET,
            type="text",
            label=texts.ARTICLE_L_OUTLET,
            hint=texts.ARTICLE_H_OUTLET,
            skippable=False,
            options={"min_chars": 2, "max_chars": 200},
        ),
        forms.Question(
            key="kind",
            text=texts.ARTICLE_Q_KIND,
            type="choice",
            label=texts.ARTICLE_L_KIND,
            choices=texts.ARTICLE_KINDS,
            skippable=False,
        ),
        forms.Question(
            key="published_on",
            text=texts.ARTICLE_Q_DATE,
            type="date",
            label=texts.ARTICLE_L_DATE,
            skippable=False,
            options={"not_future": True, "not_before": start.isoformat()},
        ),
        forms.Question(
            key="link",
            text=texts.ARTICLE_Q_LINK,
            type="url",
            label=texts.ARTICLE_L_LINK,
            hint=texts.ARTICLE_H_LINK,
            skippable=False,
            optional_if={"kind": LINK_OPTIONAL_FOR},
        ),
    ]
    form = forms.Form(
        kind="article",
        title=texts.ARTICLE_TITLE.format(unit=who.unit_name),
        draft_key=DRAFT_KEY,
        questions=questions,
    )
    return form, texts.ARTICLE_INTRO.format(n=len(questions))


async def save(ctx: Ctx, form: forms.Form) -> None:
    who = ctx.who
    if who is None:
        return
    title = str(form.value("title"))
    outlet = str(form.value("outlet"))
    kind = str(form.value("kind"))
    published_on = date.fromisoformat(str(form.value("published_on")))
    link = str(form.value("link") or "")
    campaign_id = ctx.campaign_id
    new_id = await articles.add(
        ctx.conn,
        campaign_id=campaign_id,
        unit_id=who.unit_id,
        person_id=who.person_id,
        title=title,
        outlet=outlet,
        kind=kind,
        published_on=published_on,
        link=link,
        now=ctx.now(),
    )
    await audit.record(
        ctx.conn,
        actor=f"person:{who.person_id}",
        action="article.report",
        entity="media_article",
        entity_id=new_id,
        new={
            "title": title,
            "outlet": outlet,
            "kind": kind,
            "published_on": published_on.isoformat(),
            "link": link,
        },
    )
    start = ctx.campaign.campaign.period.start
    n = await articles.count_for_unit(
        ctx.conn, campaign_id=campaign_id, unit_id=who.unit_id, since=start
    )
    kind_label = {v: label for label, v in texts.ARTICLE_KINDS}.get(kind, kind)
    ctx.reply(
        texts.ARTICLE_SAVED.format(
            title=title,
            kind=kind_label.lower(),
            outlet=outlet,
            date=format_date(published_on),
            unit=who.unit_name,
            n=n,
        )
    )


forms.register(forms.FormKind(name="article", command="/baiviet", save=save))
