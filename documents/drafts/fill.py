"""Fill a Word template with a context and hand back the .docx bytes."""

from __future__ import annotations

import io
import unicodedata
from importlib import resources
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate

from documents.drafts.formatting import data_stamp
from documents.drafts.model import Campaign, Issuer, Signer

Context = dict[str, Any]


def template_bytes(name: str) -> bytes:
    """The template's bytes: a bare file name is one of the package's, a path is read as given."""
    if Path(name).name != name:
        return Path(name).read_bytes()
    return resources.files("documents.templates").joinpath(name).read_bytes()


def nfc(value: Any) -> Any:
    """Normalise every string to NFC so Word shows and searches one form of each letter."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {key: nfc(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [nfc(item) for item in value]
    return value


def common(
    issuer: Issuer, campaign: Campaign, symbol: str, signer: Signer | None, as_of: Any
) -> Context:
    """The heading block, signature and data-stamp fields every draft shares."""
    context: Context = {
        "parent": issuer.parent.upper(),
        "issuer": issuer.name.upper(),
        "issuer_name": issuer.name,
        "abbreviation": issuer.abbreviation,
        "symbol": symbol,
        "place": issuer.place,
        "year": campaign.year,
        "campaign": campaign.name,
        "data_stamp": data_stamp(as_of),
    }
    if signer is not None:
        context |= {
            "signer_authority": signer.authority.upper(),
            "signer_title": signer.title.upper(),
            "signer_name": signer.name,
        }
    return context


def render(template: str, context: Context) -> bytes:
    """Render ``template`` with ``context`` (escaped for XML) into .docx bytes."""
    doc = DocxTemplate(io.BytesIO(template_bytes(template)))
    doc.render(nfc(context), autoescape=True)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def numbered(rows: list[Context]) -> list[Context]:
    """Give table rows their STT, counting from 1."""
    return [{"index": str(number), **row} for number, row in enumerate(rows, start=1)]
