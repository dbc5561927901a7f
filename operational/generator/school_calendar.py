"""School years and their calendar: 180 instructional days, mid-August to
early June, with weekends, federal holidays and breaks closed.

Every school of the synthetic district keeps the same calendar, as most US
districts do.
"""

import datetime as dt
from dataclasses import dataclass

import numpy as np

INSTRUCTIONAL_DAYS = 180

# State minimums cluster around 180 days; grading periods split them evenly.
QUARTER_DAYS = INSTRUCTIONAL_DAYS // 4
TRIMESTER_DAYS = INSTRUCTIONAL_DAYS // 3


@dataclass(frozen=True)
class YearCalendar:
    """One school year: every date from the first to the last day of school."""

    school_year_id: int
    name: str
    dates: list[dt.date]
    reasons: list[str | None]  # None on instructional days
    instructional: list[dt.date]
    n_days_to_as_of: int  # instructional days on or before the as-of date

    @property
    def start_date(self) -> dt.date:
        return self.dates[0]

    @property
    def end_date(self) -> dt.date:
        return self.dates[-1]

    @property
    def is_complete(self) -> bool:
        return self.n_days_to_as_of == INSTRUCTIONAL_DAYS

    @property
    def days(self) -> np.ndarray:
        """The instructional days as numpy dates, for vectorised work."""
        return np.array(self.instructional, dtype="datetime64[D]")

    def day(self, index: int) -> dt.date:
        return self.instructional[index]


def nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    """The n-th given weekday of a month (Monday is 0); n = -1 is the last."""
    if n > 0:
        first = dt.date(year, month, 1)
        offset = (weekday - first.weekday()) % 7
        return first + dt.timedelta(days=offset + 7 * (n - 1))
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    last = following - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def week_of(day: dt.date, n_days: int, reason: str) -> dict[dt.date, str]:
    monday = day - dt.timedelta(days=day.weekday())
    return {monday + dt.timedelta(days=k): reason for k in range(n_days)}


def closures(start_year: int) -> dict[dt.date, str]:
    """Holidays and breaks of the school year starting in `start_year`."""
    fall, spring = start_year, start_year + 1
    thanksgiving = nth_weekday(fall, 11, 3, 4)
    closed = {
        nth_weekday(fall, 9, 0, 1): "Labor Day",
        nth_weekday(fall, 10, 0, 2): "Indigenous Peoples' Day",
        nth_weekday(fall, 10, 4, 3): "staff development",
        nth_weekday(fall, 11, 0, 1) + dt.timedelta(days=1): "Election Day",
        dt.date(fall, 11, 11): "Veterans Day",
        thanksgiving - dt.timedelta(days=1): "Thanksgiving break",
        thanksgiving: "Thanksgiving Day",
        thanksgiving + dt.timedelta(days=1): "Thanksgiving break",
        nth_weekday(spring, 1, 0, 3) - dt.timedelta(days=3): "end of semester",
        nth_weekday(spring, 1, 0, 3): "Martin Luther King Jr. Day",
        nth_weekday(spring, 2, 0, 3) - dt.timedelta(days=3): "mid-winter break",
        nth_weekday(spring, 2, 0, 3): "Presidents' Day",
        nth_weekday(spring, 2, 0, 3) + dt.timedelta(days=1): "mid-winter break",
        nth_weekday(spring, 3, 4, 2): "parent-teacher conferences",
        nth_weekday(spring, 5, 0, -1): "Memorial Day",
    }
    closed |= week_of(dt.date(fall, 12, 25), 14, "winter break")
    closed[dt.date(spring, 1, 1)] = "New Year's Day"
    closed |= week_of(nth_weekday(spring, 3, 0, 4), 5, "spring break")
    return closed


def first_day(start_year: int) -> dt.date:
    """The first day of school: the Wednesday between August 13 and 19."""
    august_13 = dt.date(start_year, 8, 13)
    return august_13 + dt.timedelta(days=(2 - august_13.weekday()) % 7)


def year_calendar(start_year: int, school_year_id: int, as_of: dt.date) -> YearCalendar:
    closed = closures(start_year)
    dates: list[dt.date] = []
    reasons: list[str | None] = []
    instructional: list[dt.date] = []
    day = first_day(start_year)
    while len(instructional) < INSTRUCTIONAL_DAYS:
        reason = "weekend" if day.weekday() >= 5 else closed.get(day)
        dates.append(day)
        reasons.append(reason)
        if reason is None:
            instructional.append(day)
        day += dt.timedelta(days=1)
    return YearCalendar(
        school_year_id=school_year_id,
        name=f"{start_year}-{start_year + 1}",
        dates=dates,
        reasons=reasons,
        instructional=instructional,
        n_days_to_as_of=sum(1 for d in instructional if d <= as_of),
    )


def school_years(as_of: dt.date, n_years: int) -> list[YearCalendar]:
    """The `n_years` school years up to the one holding `as_of`, oldest first.

    In the summer the latest year is the one that ended in June.
    """
    latest = as_of.year if as_of >= first_day(as_of.year) else as_of.year - 1
    first = latest - n_years + 1
    return [
        year_calendar(start_year, number, as_of)
        for number, start_year in enumerate(range(first, latest + 1), start=1)
    ]
