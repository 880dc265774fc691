"""Working days: weekends, Vietnamese public holidays (Tết, 30/4–1/5, 2/9, 24/11 from 2026),
the admin's extra days off and make-up days, and local time on a server that runs in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from core.dates import local_date
from schedules import calendar_changes as changes
from schedules.calendar import (
    WorkCalendar,
    first_window_at_or_after,
    local_at,
    sending_window,
    zone,
)
from storage.db import Database
from storage.queries import deadlines as dq
from tests.harness import Clock

HCM = zone()


def days(*texts: str) -> list[date]:
    return [changes.parse_vn_date(s) for s in texts]


def test_tet_2024_is_off_from_08_to_14_february() -> None:
    cal = WorkCalendar()
    assert [cal.is_working_day(d) for d in days("07/02/2024", "15/02/2024")] == [True, True]
    for d in days("08/02/2024", "09/02/2024", "12/02/2024", "13/02/2024", "14/02/2024"):
        assert not cal.is_working_day(d), d
        assert cal.holiday_name(d)
    assert cal.holiday_name(date(2024, 2, 10)) == "Tết Nguyên Đán"
    assert cal.next_working_day(date(2024, 2, 8)) == date(2024, 2, 15)
    assert cal.previous_working_day(date(2024, 2, 14)) == date(2024, 2, 7)
    # Three working days after Wednesday 07/02 skip the whole break.
    assert cal.add_working_days(date(2024, 2, 7), 3) == date(2024, 2, 19)


def test_30_april_break_2024_includes_the_swapped_monday() -> None:
    cal = WorkCalendar()
    for d in days("27/04/2024", "28/04/2024", "29/04/2024", "30/04/2024", "01/05/2024"):
        assert not cal.is_working_day(d), d
    assert "04/05/2024" in (cal.holiday_name(date(2024, 4, 29)) or "")  # swapped for Sat 04/05
    assert cal.is_working_day(date(2024, 4, 26))
    assert cal.is_working_day(date(2024, 5, 2))
    # The make-up Saturday is not a working day unless an admin says so.
    assert not cal.is_working_day(date(2024, 5, 4))
    assert cal.next_working_day(date(2024, 4, 27)) == date(2024, 5, 2)


def test_national_day_2024_and_gio_to() -> None:
    cal = WorkCalendar()
    assert not cal.is_working_day(date(2024, 9, 2))
    assert not cal.is_working_day(date(2024, 9, 3))
    assert cal.is_working_day(date(2024, 9, 4))
    assert not cal.is_working_day(date(2024, 4, 18))  # Giỗ Tổ Hùng Vương (10/3 âm lịch)
    assert not cal.is_working_day(date(2024, 1, 1))


def test_weekends_are_off() -> None:
    cal = WorkCalendar()
    assert not cal.is_working_day(date(2024, 3, 30))  # Saturday
    assert not cal.is_working_day(date(2024, 3, 31))  # Sunday
    assert cal.is_working_day(date(2024, 4, 1))
    assert cal.working_days_between(date(2024, 3, 29), date(2024, 4, 3)) == 3


def test_2026_holidays_including_vietnamese_culture_day() -> None:
    cal = WorkCalendar()
    off = days(
        "01/01/2026",
        "16/02/2026",
        "17/02/2026",
        "18/02/2026",
        "19/02/2026",
        "20/02/2026",
        "27/04/2026",
        "30/04/2026",
        "01/05/2026",
        "31/08/2026",
        "01/09/2026",
        "02/09/2026",
        "24/11/2026",
    )
    for d in off:
        assert not cal.is_working_day(d), d
    assert cal.holiday_name(date(2026, 11, 24)) == "Ngày Văn hóa Việt Nam"
    for d in days("13/02/2026", "23/02/2026", "23/11/2026", "25/11/2026"):
        assert cal.is_working_day(d), d


def test_admin_overrides_work_both_ways() -> None:
    cal = WorkCalendar({date(2024, 3, 18): False, date(2024, 5, 4): True})
    assert not cal.is_working_day(date(2024, 3, 18))  # an extra day off on a Monday
    assert cal.is_working_day(date(2024, 5, 4))  # the make-up Saturday
    assert cal.next_working_day(date(2024, 3, 16)) == date(2024, 3, 19)
    # Overrides beat public holidays too.
    assert WorkCalendar({date(2024, 9, 3): True}).is_working_day(date(2024, 9, 3))


async def test_calendar_days_are_stored_and_change_the_calendar(sqlite_url: str) -> None:
    db = Database(sqlite_url)
    clock = Clock(datetime(2024, 3, 1, 2, 0, tzinfo=UTC))
    try:
        off = await changes.set_day(
            db, day_text="18/03/2024", working=False, note="Nghỉ bù", actor="t", clock=clock
        )
        assert off.ok
        assert "18/03/2024 (Thứ Hai)" in off.message
        assert "19/03/2024 (Thứ Ba)" in off.message
        work = await changes.set_day(db, day_text="4/5/2024", working=True, actor="t", clock=clock)
        assert work.ok
        assert "làm bù" in work.message
        again = await changes.set_day(
            db, day_text="04-05-2024", working=True, actor="t", clock=clock
        )
        assert "không có gì thay đổi" in again.message
        async with db.read() as conn:
            cal = WorkCalendar(await dq.calendar_overrides(conn))
        assert not cal.is_working_day(date(2024, 3, 18))
        assert cal.is_working_day(date(2024, 5, 4))
        cleared = await changes.clear_day(db, day_text="18/03/2024", actor="t")
        assert cleared.ok
        assert "ngày làm việc" in cleared.message
        async with db.read() as conn:
            assert date(2024, 3, 18) not in await dq.calendar_overrides(conn)
        bad = await changes.set_day(
            db, day_text="31/02/2024", working=False, actor="t", clock=clock
        )
        assert not bad.ok
        assert bad.message.startswith("Ngày “31/02/2024” không hợp lệ")
    finally:
        await db.dispose()


@pytest.mark.parametrize("text", ["29/13/2024", "hôm nay", "", "29/03/24", "29/03"])
def test_dates_are_read_as_dd_mm_yyyy(text: str) -> None:
    with pytest.raises(changes.DateError, match="dd/mm/yyyy"):
        changes.parse_vn_date(text)


def test_a_utc_server_still_delivers_at_08_00_in_ho_chi_minh_city() -> None:
    cal = WorkCalendar()
    at = local_at(date(2024, 3, 18), 8, HCM)
    assert at == datetime(2024, 3, 18, 1, 0, tzinfo=UTC)
    assert local_date(datetime(2024, 3, 17, 17, 30, tzinfo=UTC), HCM) == date(2024, 3, 18)

    def open_at(moment: datetime) -> bool:
        return sending_window(
            moment, hour=8, until_hour=17, working_days_only=True, calendar=cal, tz=HCM
        )

    assert not open_at(at - timedelta(seconds=1))
    assert open_at(at)
    assert open_at(datetime(2024, 3, 18, 9, 59, tzinfo=UTC))  # 16:59 local
    assert not open_at(datetime(2024, 3, 18, 10, 0, tzinfo=UTC))  # 17:00 local
    # 00:30 UTC is 07:30 local: too early, although a UTC clock says it is past midnight.
    assert not open_at(datetime(2024, 3, 18, 0, 30, tzinfo=UTC))
    # Friday 17:00 local → the next chance is Monday 08:00 local (01:00 UTC).
    nxt = first_window_at_or_after(
        datetime(2024, 3, 22, 10, 0, tzinfo=UTC),
        hour=8,
        until_hour=17,
        working_days_only=True,
        calendar=cal,
        tz=HCM,
    )
    assert nxt == datetime(2024, 3, 25, 1, 0, tzinfo=UTC)
