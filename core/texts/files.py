"""What the bot says about files it sends as download links (a messenger that cannot send them).

Register as in `handlers/texts.py`: polite administrative Vietnamese, full diacritics.
"""

from __future__ import annotations

from datetime import date

from core.domain.values import format_date

# The link stands on a line of its own, so that the messenger makes all of it (and only it)
# clickable.
DOWNLOAD_LINK = "Anh/Chị tải tệp “{name}” tại:\n{url}\n(Liên kết có hiệu lực đến hết ngày {until}.)"


def download_link(name: str, url: str, last_day: date) -> str:
    """The message that carries a document's link and how long it works."""
    return DOWNLOAD_LINK.format(name=name, url=url, until=format_date(last_day))
