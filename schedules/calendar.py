"""Working days of Vietnamese public bodies, and the campaign's local time.

A day is a working day when it is Monday to Friday and not a public holiday, unless an admin
said otherwise (`CalendarDay` rows: an extra day off, or a make-up working day, "ngày làm bù").
Public holidays come from the `holidays` package (``VN``), which knows Tết by the lunar
calendar, the observed and swapped days the government announces (29/04/2024 off for the
Saturday 04/05/2024) and, from 2026, 24/11 (Ngày Văn hóa Việt Nam).

Make-up Saturdays are *not* working days here unless an admin adds them: the package does not
list them, and a reminder on a Saturday is never wrong to postpone.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import holidays

DEFAULT_TZ = "Asia/Ho_Chi_Minh"
# A calendar with no working day in a whole year is a mistake, not a reason to loop forever.
_SEARCH_LIMIT = 400


_HOLIDAYS: dict[str, holidays.HolidayBase] = {}


def _public_holidays(country: str) -> holidays.HolidayBase:
    """One holiday table per country for the process (it fills in years as they are asked)."""
    table = _HOLIDAYS.get(country)
    if table is None:
        cls = _country_class(country)
        table = cls(language="vi") if cls is not None else None
        if table is None:
            table = holidays.country_holidays(country, language="vi")
        _HOLIDAYS[country] = table
    return table


def _country_class(country: str) -> type[holidays.HolidayBase] | None:
    """The country's holiday class, loaded from its own module only: importing it the usual
    way runs `holidays.countries`, which imports all ~250 countries (8 MB and a tenth of a
    second at start-up for one of them). None when the package is laid out otherwise."""
    try:
        from holidays.registry import COUNTRIES

        module, names = next((m, n) for m, n in COUNTRIES.items() if country in n)
        name = f"holidays.countries.{module}"
        loaded = sys.modules.get(name)
        if loaded is None:
            path = Path(holidays.__file__).parent / "countries" / f"{module}.py"
            spec = importlib.util.spec_from_file_location(name, path)
            if spec is None or spec.loader is None:
                return None
            loaded = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(loaded)
        cls = getattr(loaded, names[0])
    except (ImportError, StopIteration, AttributeError, OSError):
        return None
    return cls if isinstance(cls, type) and issubclass(cls, holidays.HolidayBase) else None


class NoWorkingDay(ValueError):
    """No working day was found near the asked date (every day marked off)."""


class WorkCalendar:
    """Which days are working days; `overrides` maps a day to working (True) or off (False)."""

    def __init__(
        self, overrides: Mapping[date, bool] | None = None, *, country: str = "VN"
    ) -> None:
        self.overrides: dict[date, bool] = dict(overrides or {})
        self._country = country
        self._holidays = _public_holidays(country)
        self._cache: dict[date, bool] = {}

    def with_overrides(self, overrides: Mapping[date, bool]) -> WorkCalendar:
        """The same public holidays with another list of admin overrides."""
        return WorkCalendar(overrides, country=self._country)

    def holiday_name(self, day: date) -> str | None:
        """The Vietnamese name of the public holiday on `day`, if it is one."""
        name = self._holidays.get(day)
        return str(name) if name else None

    def is_working_day(self, day: date) -> bool:
        """Monday–Friday and not a public holiday, unless an admin override says otherwise."""
        cached = self._cache.get(day)
        if cached is not None:
            return cached
        override = self.overrides.get(day)
        if override is not None:
            result = override
        else:
            result = day.weekday() < 5 and day not in self._holidays
        self._cache[day] = result
        return result

    def next_working_day(self, day: date) -> date:
        """`day` itself if it is a working day, else the first working day after it."""
        for i in range(_SEARCH_LIMIT):
            candidate = day + timedelta(days=i)
            if self.is_working_day(candidate):
                return candidate
        raise NoWorkingDay(f"no working day within {_SEARCH_LIMIT} days after {day}")

    def previous_working_day(self, day: date) -> date:
        """`day` itself if it is a working day, else the last working day before it."""
        for i in range(_SEARCH_LIMIT):
            candidate = day - timedelta(days=i)
            if self.is_working_day(candidate):
                return candidate
        raise NoWorkingDay(f"no working day within {_SEARCH_LIMIT} days before {day}")

    def add_working_days(self, day: date, count: int) -> date:
        """The `count`-th working day after `day` (`day` itself is not counted; count >= 0)."""
        if count < 0:
            raise ValueError("count must not be negative")
        current = day
        for _ in range(count):
            current = self.next_working_day(current + timedelta(days=1))
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: how many working days `end` is after `start`."""
        if end <= start:
            return 0
        return sum(
            1 for i in range(1, (end - start).days + 1) if self.is_working_day(start + timedelta(i))
        )


def zone(name: str | None = None) -> ZoneInfo:
    """The campaign's time zone (Asia/Ho_Chi_Minh unless the campaign file says otherwise)."""
    return ZoneInfo(name or DEFAULT_TZ)


def local_at(day: date, hour: int, tz: ZoneInfo) -> datetime:
    """`hour`:00 local time on `day`, as a UTC datetime (what the database stores)."""
    return datetime.combine(day, time(hour), tzinfo=tz).astimezone(UTC)


def sending_window(
    moment: datetime,
    *,
    hour: int,
    until_hour: int | None,
    working_days_only: bool,
    calendar: WorkCalendar,
    tz: ZoneInfo,
) -> bool:
    """Whether a reminder may go out at `moment`: on a working day (when asked), from `hour`
    local time until `until_hour` (exclusive; None: until midnight)."""
    local = moment.astimezone(tz)
    if working_days_only and not calendar.is_working_day(local.date()):
        return False
    end = 24 if until_hour is None else max(until_hour, hour + 1)
    return hour <= local.hour < end


def first_window_at_or_after(
    moment: datetime,
    *,
    hour: int,
    until_hour: int | None,
    working_days_only: bool,
    calendar: WorkCalendar,
    tz: ZoneInfo,
) -> datetime:
    """The first moment at or after `moment` when `sending_window` allows a send (UTC)."""
    if sending_window(
        moment,
        hour=hour,
        until_hour=until_hour,
        working_days_only=working_days_only,
        calendar=calendar,
        tz=tz,
    ):
        return moment
    local = moment.astimezone(tz)
    day = local.date() if local.hour < hour else local.date() + timedelta(days=1)
    if working_days_only:
        day = calendar.next_working_day(day)
    return local_at(day, hour, tz)
