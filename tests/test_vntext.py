"""File-name parts from Vietnamese titles."""

from __future__ import annotations

from core.vntext import slug


def test_slug_folds_diacritics_and_joins_words_with_hyphens() -> None:
    assert slug("Gửi văn bản phát động") == "gui-van-ban-phat-dong"
    assert slug("Văn bản điện tử (%)") == "van-ban-dien-tu"
    assert slug("Đôn đốc: “Kế hoạch” năm 2024") == "don-doc-ke-hoach-nam-2024"


def test_slug_is_cut_at_a_word() -> None:
    long = slug("Tỷ lệ văn bản, tài liệu chính thức trao đổi giữa các cơ quan hành chính", 30)
    assert len(long) <= 30
    assert not long.endswith("-")
    assert long == "ty-le-van-ban-tai-lieu-chinh"
