"""Published files: signed, expiring links to the bot's own outgoing files, and their sweep.

(Served over HTTP by the running bot in tests/e2e/test_zalo_attachments.py.)
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.channels.published import FileLinks, Link, safe_name
from core.messages import Attachment
from core.settings import Settings
from documents import charts
from tests.conftest import make_settings
from tests.harness import Clock

SECRET = "a-long-random-file-link-secret"


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 27, 3, 0, tzinfo=UTC))  # 10:00 in Hà Nội


@pytest.fixture
def links(tmp_path: Path, clock: Clock) -> FileLinks:
    return FileLinks(
        base_url="https://bot.example.gov.vn/",
        data_dir=tmp_path,
        secret=SECRET,
        ttl_days=7,
        clock=clock,
    )


@pytest.fixture
def chart(tmp_path: Path) -> Attachment:
    path = tmp_path / "charts" / "tonghop-1.png"
    path.parent.mkdir()
    path.write_bytes(b"\x89PNG\r\n\x1a\nchart")
    return Attachment(str(path), kind="photo", file_name=path.name)


def parts(link: Link) -> tuple[str, str]:
    token, name = link.url.removeprefix("https://bot.example.gov.vn/files/").split("/")
    return token, name


def published(links: FileLinks) -> list[Path]:
    return sorted(links.folder.iterdir()) if links.folder.is_dir() else []


def test_a_link_works_to_the_end_of_the_local_day_a_week_later(
    links: FileLinks, chart: Attachment, clock: Clock
) -> None:
    link = links.publish(chart)
    assert link is not None
    assert link.last_day == date(2026, 12, 4)
    # Midnight in Hà Nội (UTC+7) is 17:00 UTC the day before.
    assert link.expires_at == datetime(2026, 12, 4, 17, 0, tzinfo=UTC)
    token, name = parts(link)
    assert name == "tonghop-1.png"
    [copy] = published(links)
    assert copy.read_bytes() == Path(chart.path).read_bytes()
    clock.now = link.expires_at - timedelta(seconds=1)
    assert links.resolve(token, name) == copy
    clock.advance(seconds=1)
    assert links.resolve(token, name) is None


def test_the_same_file_the_same_day_is_one_link_and_one_copy(
    links: FileLinks, chart: Attachment, clock: Clock
) -> None:
    first, again = links.publish(chart), links.publish(chart)
    clock.advance(hours=14)  # midnight in Hà Nội: the next day, so a new expiry and link
    tomorrow = links.publish(chart)
    assert first is not None
    assert tomorrow is not None
    assert first == again
    assert tomorrow.url != first.url
    assert tomorrow.last_day == first.last_day + timedelta(days=1)
    assert len(published(links)) == 2


def test_the_copy_outlives_its_source_and_is_swept_after_its_link(
    links: FileLinks, chart: Attachment, clock: Clock
) -> None:
    link = links.publish(chart)
    assert link is not None
    charts.sweep(Path(chart.path).parent, older_than=-60)  # the charts sweep takes the source
    assert not Path(chart.path).exists()
    assert links.sweep() == 0
    assert links.resolve(*parts(link)) is not None
    clock.now = link.expires_at
    assert links.sweep() == 1
    assert published(links) == []


@pytest.mark.parametrize(
    "where",
    [
        "/etc/hostname",  # not ours
        "{data}/../elsewhere.png",
        "{data}/uploads/staging/abc",  # a staged upload nobody checked
        "{data}/charts/missing.png",
    ],
)
def test_only_the_bots_own_files_are_published(
    links: FileLinks, tmp_path: Path, where: str
) -> None:
    (tmp_path / "uploads" / "staging").mkdir(parents=True)
    (tmp_path / "uploads" / "staging" / "abc").write_bytes(b"%PDF-1.4")
    (tmp_path.parent / "elsewhere.png").write_bytes(b"\x89PNG")
    path = where.format(data=tmp_path)
    assert links.publish(Attachment(path, kind="photo")) is None
    assert published(links) == []


def test_a_published_copy_cannot_be_published_again(links: FileLinks, chart: Attachment) -> None:
    assert links.publish(chart) is not None
    [copy] = published(links)
    assert links.publish(Attachment(str(copy), kind="photo")) is None


def test_a_symlink_out_of_the_data_directory_is_refused(links: FileLinks, tmp_path: Path) -> None:
    outside = tmp_path.parent / "secret.xlsx"
    outside.write_bytes(b"PK\x03\x04")
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "x.xlsx").symlink_to(outside)
    assert links.publish(Attachment(str(tmp_path / "exports" / "x.xlsx"))) is None


def test_a_changed_token_or_name_resolves_to_nothing(links: FileLinks, chart: Attachment) -> None:
    link = links.publish(chart)
    assert link is not None
    token, name = parts(link)
    file_id, expires, mac = token.split(".")
    other = FileLinks(
        base_url="https://bot.example.gov.vn",
        data_dir=links.data_dir,
        secret="another-secret",
        ttl_days=7,
        clock=links.clock,
    )
    assert links.resolve(token, name) is not None
    assert other.resolve(token, name) is None  # a new secret revokes every link
    for bad_token, bad_name in [
        (f"{file_id}.{expires}.{mac[::-1]}", name),
        (f"{file_id}.{int(expires) + 1}.{mac}", name),
        (f"{'0' * 32}.{expires}.{mac}", name),
        (f"{file_id.upper()}.{expires}.{mac.upper()}", name),
        (token, "other.png"),
        (token, "../" + name),
        (token + "/..", name),
        ("", ""),
    ]:
        assert links.resolve(bad_token, bad_name) is None, (bad_token, bad_name)


@pytest.mark.parametrize(
    ("given", "suffix", "safe"),
    [
        ("tong-hop-thi-dua-2024-03-31.xlsx", ".xlsx", "tong-hop-thi-dua-2024-03-31.xlsx"),
        ("Tổng hợp Đơn vị (bản 2).xlsx", ".xlsx", "Tong-hop-Don-vi-ban-2.xlsx"),
        ("bao-cao.pdf.exe", ".pdf", "bao-cao.pdf.pdf"),  # the real file's kind wins
        ("../../etc/passwd", "", "passwd"),
        ('a"b;c.png', ".png", "a-b-c.png"),
        ("...", ".docx", "tep.docx"),
        ("Văn bản", ".PDF", "Van-ban.pdf"),
    ],
)
def test_safe_names(given: str, suffix: str, safe: str) -> None:
    assert safe_name(given, suffix) == safe


def test_links_need_a_public_address_and_default_to_the_webhook_secret(tmp_path: Path) -> None:
    polling = make_settings("sqlite://", data_dir=tmp_path)
    hooked: Settings = make_settings(
        "sqlite://",
        data_dir=tmp_path,
        webhook_base_url="https://bot.example.gov.vn",
        webhook_secret="hook-secret-123",
    )
    own = make_settings(
        "sqlite://",
        data_dir=tmp_path,
        webhook_base_url="https://bot.example.gov.vn",
        webhook_secret="hook-secret-123",
        file_link_secret=SECRET,
        file_link_ttl_days=3,
    )
    assert FileLinks.from_settings(polling, clock=Clock()) is None
    default, configured = (FileLinks.from_settings(s, clock=Clock()) for s in (hooked, own))
    assert default is not None
    assert configured is not None
    assert configured.ttl == timedelta(days=3)
    assert default.ttl == timedelta(days=7)
    assert default._key != configured._key
