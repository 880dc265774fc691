"""Logging set-up; secrets and personal data are masked in every record, whoever logs them.

Personal data (Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15): the bot's own log calls name no
person and no file a person sent (chat ids and row ids only); as a second line, phone numbers
are masked by pattern and `full_name=…`, `phone=…`-like fields by name, in the message and in
tracebacks alike. SQLAlchemy never logs bound parameters (`hide_parameters=True`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

# Vietnamese phone numbers: 0 or +84/84, then a 2/3/5/7/8/9 and eight digits, with or
# without separators (0912 345 678, +84.912.345.678).
PHONE = re.compile(r"(?<![\w+])(?:\+?84[\s.\-]?|0)[235789](?:[\s.\-]?\d){8}(?!\d)")
FIELD = re.compile(
    r"""(?i)\b(full_?name|display_?name|person_?name|ho_?ten|phone(?:_?number)?|so_?dien_?thoai|"""
    r"""file_?name)(['"]?\s*[=:]\s*)('[^']*'|"[^"]*"|[^,;\s)}]+)"""
)


def mask_personal(text: str) -> str:
    text = FIELD.sub(lambda m: f"{m.group(1)}{m.group(2)}***", text)
    return PHONE.sub("***", text)


class MaskPersonalData(logging.Filter):
    """Mask phone numbers and name/phone fields in the message and the traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        msg = record.getMessage()
        masked = mask_personal(msg)
        if masked != msg:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal(record.exc_text)
        return True


class RedactSecrets(logging.Filter):
    """Replace each secret (bot tokens, webhook secret) with `***` in the formatted message."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s and len(s) >= 6]

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.secrets:
            return True
        msg = record.getMessage()
        masked = msg
        for s in self.secrets:
            masked = masked.replace(s, "***")
        if masked != msg:
            record.msg, record.args = masked, None
        return True


def setup_logging(level: str, secrets: Iterable[str]) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    handler.addFilter(MaskPersonalData())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for noisy in ("httpx", "httpcore", "aiogram.event", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
